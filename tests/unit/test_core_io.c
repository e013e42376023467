/* core/file.h and the locale-independent number helpers of core.h. */
#include <criterion/criterion.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "core/file.h"

static char dir[] = "/tmp/score-core-io-XXXXXX";

static void make_dir(void)
{
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    strcpy(dir, "/tmp/score-core-io-XXXXXX");
}

static char *path_in(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static size_t read_back(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static size_t entries_in_dir(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    size_t n = 0;
    cr_assert_eq(fscanf(p, "%zu", &n), 1);
    pclose(p);
    return n;
}

TestSuite(core_file, .init = make_dir, .fini = remove_dir);

Test(core_file, new_file_gets_the_umask)
{
    mode_t old = umask(027);
    cr_assert_eq(sc_write_file(path_in("a"), "hello", 5, "test"), SCORE_OK);
    umask(old);
    struct stat st;
    cr_assert_eq(stat(path_in("a"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0640);
    char buf[16];
    cr_assert_eq(read_back(path_in("a"), buf, sizeof buf), 5);
    cr_assert_eq(entries_in_dir(), 1, "no temporary file is left behind");
}

Test(core_file, replaced_file_keeps_its_mode)
{
    cr_assert_eq(sc_write_file(path_in("a"), "one", 3, "test"), SCORE_OK);
    cr_assert_eq(chmod(path_in("a"), 0600), 0);
    cr_assert_eq(sc_write_file(path_in("a"), "two!", 4, "test"), SCORE_OK);
    struct stat st;
    cr_assert_eq(stat(path_in("a"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    char buf[16];
    cr_assert_eq(read_back(path_in("a"), buf, sizeof buf), 4);
    cr_assert_eq(memcmp(buf, "two!", 4), 0);
}

Test(core_file, symlink_is_followed_and_kept)
{
    cr_assert_eq(sc_write_file(path_in("target"), "old", 3, "test"), SCORE_OK);
    char link_path[256];
    snprintf(link_path, sizeof link_path, "%s", path_in("link"));
    cr_assert_eq(symlink(path_in("target"), link_path), 0);
    cr_assert_eq(sc_write_file(link_path, "newer", 5, "test"), SCORE_OK);
    struct stat st;
    cr_assert_eq(lstat(link_path, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the link is still a link");
    char buf[16];
    cr_assert_eq(read_back(path_in("target"), buf, sizeof buf), 5);
    cr_assert_eq(memcmp(buf, "newer", 5), 0);
}

Test(core_file, dangling_link_and_directory_are_refused)
{
    char link_path[256];
    snprintf(link_path, sizeof link_path, "%s", path_in("dangling"));
    cr_assert_eq(symlink(path_in("nowhere/at/all"), link_path), 0);
    cr_assert_eq(sc_write_file(link_path, "x", 1, "test"), SCORE_EINVAL);
    cr_assert_not_null(strstr(score_last_error(), "symbolic link"), "%s", score_last_error());
    cr_assert_eq(sc_write_file(dir, "x", 1, "test"), SCORE_EINVAL);
    cr_assert_not_null(strstr(score_last_error(), "directory"), "%s", score_last_error());
    cr_assert_eq(sc_write_file("", "x", 1, "test"), SCORE_EINVAL);
}

Test(core_file, character_device_is_written_in_place)
{
    cr_assert_eq(sc_write_file("/dev/null", "x", 1, "test"), SCORE_OK);
    struct stat st;
    cr_assert_eq(stat("/dev/null", &st), 0);
    cr_assert(S_ISCHR(st.st_mode));
}

Test(core_file, abort_leaves_the_target_untouched)
{
    cr_assert_eq(sc_write_file(path_in("a"), "keep", 4, "test"), SCORE_OK);
    sc_outfile f;
    cr_assert_eq(sc_outfile_open(&f, path_in("a"), "test"), SCORE_OK);
    sc_outfile_write(&f, "lost", 4);
    sc_outfile_abort(&f);
    char buf[16];
    cr_assert_eq(read_back(path_in("a"), buf, sizeof buf), 4);
    cr_assert_eq(memcmp(buf, "keep", 4), 0);
    cr_assert_eq(entries_in_dir(), 1);
}

Test(core_file, missing_directory_is_an_error_naming_the_path)
{
    cr_assert_eq(sc_write_file(path_in("no/such/dir/file"), "x", 1, "test"), SCORE_EIO);
    cr_assert_not_null(strstr(score_last_error(), "no/such/dir"), "%s", score_last_error());
}

enum { WRITERS = 4, BIG = 1 << 20 };

static void *write_whole(void *arg)
{
    char fill = (char)('a' + (int)(intptr_t)arg);
    char *data = malloc(BIG);
    memset(data, fill, BIG);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(sc_write_file(path_in("shared"), data, BIG, "test"), SCORE_OK);
    free(data);
    return NULL;
}

Test(core_file, concurrent_writers_never_mix_their_bytes)
{
    char shared_path[256];
    snprintf(shared_path, sizeof shared_path, "%s", path_in("shared"));
    pthread_t t[WRITERS];
    for (int i = 0; i < WRITERS; i++)
        pthread_create(&t[i], NULL, write_whole, (void *)(intptr_t)i);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(t[i], NULL);
    char *buf = malloc(BIG + 1);
    cr_assert_eq(read_back(shared_path, buf, BIG + 1), BIG);
    for (size_t i = 1; i < BIG; i++)
        cr_assert_eq(buf[i], buf[0], "byte %zu comes from another writer", i);
    free(buf);
    cr_assert_eq(entries_in_dir(), 1);
}

/* ---- numbers whatever the locale ----------------------------------------- */

static int use_comma_locale(void)
{
    return setlocale(LC_ALL, "de_DE.UTF-8") != NULL || setlocale(LC_ALL, "de_DE") != NULL;
}

Test(core_number, shortest_round_trip)
{
    char out[SC_NUMBER_MAX];
    sc_format_double(out, 0.1);
    cr_assert_str_eq(out, "0.1");
    sc_format_double(out, 1.0 / 3.0);
    cr_assert_eq(sc_strtod(out, NULL), 1.0 / 3.0);
    sc_format_double(out, 1e-300);
    cr_assert_str_eq(out, "1e-300");
    sc_format_double(out, -0.0);
    cr_assert_str_eq(out, "-0");
}

Test(core_number, json_numbers_are_never_nan)
{
    sc_str s;
    sc_str_init(&s);
    sc_str_number(&s, 0.0 / 0.0);
    sc_str_puts(&s, ",");
    sc_str_number(&s, 1e308 * 10);
    sc_str_puts(&s, ",");
    sc_str_number(&s, 0.02);
    cr_assert_str_eq(s.data, "null,null,0.02");
    sc_str_free(&s);
}

Test(core_number, comma_decimal_locale_changes_nothing)
{
    if (!use_comma_locale())
        cr_skip_test("no de_DE locale on this machine (scripts/test.sh makes one)");
    char probe[16];
    snprintf(probe, sizeof probe, "%.2f", 0.02);
    cr_assert_str_eq(probe, "0,02", "the host locale really is comma-decimal");
    char out[SC_NUMBER_MAX];
    sc_format_double(out, 0.02);
    cr_assert_str_eq(out, "0.02");
    char *end;
    cr_assert_eq(sc_strtod("0.02x", &end), 0.02);
    cr_assert_eq(*end, 'x');
    sc_str s;
    sc_str_init(&s);
    sc_str_printf(&s, "%.3f|%g", 1.5, 2.25);
    cr_assert_str_eq(s.data, "1.500|2.25");
    sc_str_free(&s);
    sc_error(SCORE_EINVAL, "value %g", 0.5);
    cr_assert_str_eq(score_last_error(), "value 0.5");
    setlocale(LC_ALL, "C");
}
