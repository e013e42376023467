/* Allocation failure in the JSON writers and readers, jansson's own
 * allocations included: score_model_save, the enhance and monitor
 * configuration writers and readers fail the 1st, 2nd, ... allocation in
 * turn, first the library's (sc_test_fail_allocation), then jansson's
 * (json_set_alloc_funcs, installed here by the test: the library leaves the
 * host's jansson alone). Every run either fails with SCORE_ENOMEM (or
 * XGBoost's error) leaving nothing written, or writes what reads back. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "helpers.h"

/* ---- a jansson allocator that fails the nth call ----------------------------- */

static long json_fail_at, json_calls;

static void *failing_json_malloc(size_t size)
{
    if (json_fail_at && ++json_calls == json_fail_at)
        return NULL;
    return malloc(size);
}

static void json_fail(long nth)
{
    json_fail_at = nth;
    json_calls = 0;
    json_set_alloc_funcs(failing_json_malloc, free);
}

static void fail_none(void)
{
    sc_test_fail_allocation(0);
    json_fail_at = 0;
}

/* Whether the run armed with sc_test_fail_allocation(nth) reached its nth
 * allocation (else it ran clean); the count restarts when armed. */
static int library_reached(long nth)
{
    return sc_test_allocation_count() >= nth;
}

/* ---- a small model ------------------------------------------------------------ */

#define N_ROWS 400
#define N_FEAT 3
static float rows[N_ROWS * N_FEAT], labels[N_ROWS];
static char dir[64];

static score_model *small_model(void)
{
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < N_ROWS * N_FEAT; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        rows[i] = (float)(x >> 40) / 16777216.0f;
    }
    for (int i = 0; i < N_ROWS; i++)
        labels[i] = rows[i * N_FEAT] + 0.3f * rows[i * N_FEAT + 1] > 0.9f ? 1.0f : 0.0f;
    static const char *names[N_FEAT] = {"a", "b", "c"};
    score_train_options o;
    score_train_options_init(&o);
    o.max_rounds = 5;
    score_model *m = NULL;
    cr_assert_eq(score_model_train_matrix(rows, labels, N_ROWS, N_FEAT, names, NULL, &o, &m),
                 SCORE_OK, "%s", score_last_error());
    return m;
}

static size_t files_in(const char *path)
{
    DIR *d = opendir(path);
    cr_assert_not_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/score-allocjson-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* One save with the nth allocation failing; returns whether the failure
 * was reached (so the loop knows when to stop). */
static int save_failing(const score_model *m, int jansson, long nth, const void *want,
                        size_t want_len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/model.json.gz", dir);
    if (jansson)
        json_fail(nth);
    else
        sc_test_fail_allocation(nth);
    int rc = score_model_save(m, path);
    int reached = jansson ? json_calls >= nth : library_reached(nth);
    fail_none();
    if (rc != SCORE_OK) {
        cr_assert(rc == SCORE_ENOMEM || rc == SCORE_EDEPENDENCY,
                  "%s allocation %ld: %d %s", jansson ? "jansson" : "library", nth, rc,
                  score_last_error());
        cr_assert_eq(files_in(dir), 0, "a failed save leaves nothing (allocation %ld)", nth);
        return reached;
    }
    cr_assert_eq(files_in(dir), 1, "a save leaves one file (allocation %ld)", nth);
    score_model *back = NULL;
    cr_assert_eq(score_model_load(path, &back), SCORE_OK, "%s allocation %ld saved %s",
                 jansson ? "jansson" : "library", nth, score_last_error());
    /* the bundle that loads is the one a clean save writes */
    FILE *f = fopen(path, "rb");
    char *got = malloc(want_len + 1);
    size_t n = fread(got, 1, want_len + 1, f);
    fclose(f);
    cr_assert(n == want_len && !memcmp(got, want, want_len),
              "allocation %ld gave a different bundle", nth);
    free(got);
    score_model_free(back);
    unlink(path);
    return reached;
}

Test(alloc_json, model_save_library_then_jansson_allocations, .init = make_dir,
     .fini = remove_dir, .timeout = 300)
{
    score_model *m = small_model();
    char path[128];
    snprintf(path, sizeof path, "%s/model.json.gz", dir);
    cr_assert_eq(score_model_save(m, path), SCORE_OK);
    FILE *f = fopen(path, "rb");
    static char want[1 << 20];
    size_t want_len = fread(want, 1, sizeof want, f);
    fclose(f);
    unlink(path);
    for (int jansson = 0; jansson <= 1; jansson++) {
        long nth = 1, failed = 0;
        while (save_failing(m, jansson, nth, want, want_len))
            nth++, failed++;
        cr_assert_gt(failed, 3, "%s: the loop reached the allocations",
                     jansson ? "jansson" : "library");
    }
    score_model_free(m);
}

/* A configuration writer and its reader: text written under failure is
 * either refused or identical to the clean text, and the reader either
 * fails or reads what writes back the same text. */
typedef int (*json_fn)(const void *config, char *buffer, size_t capacity, size_t *length);
typedef int (*parse_fn)(const char *text, size_t length, const char *name, void **out);
typedef void (*free_fn)(void *config);

static void config_loop(json_fn write, parse_fn parse, free_fn release)
{
    size_t len = 0;
    cr_assert_eq(write(NULL, NULL, 0, &len), SCORE_OK);
    char *want = malloc(len + 1), *got = malloc(len + 1);
    cr_assert_eq(write(NULL, want, len + 1, &len), SCORE_OK);
    for (int jansson = 0; jansson <= 1; jansson++) {
        long reached_writes = 0, reached_reads = 0;
        for (long nth = 1;; nth++) {
            size_t n = 0;
            jansson ? json_fail(nth) : sc_test_fail_allocation(nth);
            int rc = write(NULL, got, len + 1, &n);
            int reached = jansson ? json_calls >= nth : library_reached(nth);
            fail_none();
            if (rc == SCORE_OK)
                cr_assert(n == len && !memcmp(got, want, len), "write %ld", nth);
            else
                cr_assert_eq(rc, SCORE_ENOMEM, "write %ld: %s", nth, score_last_error());
            void *config = NULL;
            /* Only the library's allocations fail in the reader: jansson
             * 2.14 itself aborts (assert in lex_scan_string, load.c:442)
             * when its own allocation fails while it scans a string. */
            if (!jansson)
                sc_test_fail_allocation(nth);
            rc = parse(want, len, "config.json", &config);
            int reached_read = jansson ? 0 : library_reached(nth);
            fail_none();
            if (rc == SCORE_OK) {
                cr_assert_eq(write(config, got, len + 1, &n), SCORE_OK);
                cr_assert(n == len && !memcmp(got, want, len), "read %ld", nth);
                release(config);
            } else {
                cr_assert_null(config, "nothing returned on failure");
                /* jansson reports its own failure as a parse error */
                cr_assert_eq(rc, SCORE_ENOMEM, "read %ld: %d %s", nth, rc, score_last_error());
            }
            reached_writes += reached;
            reached_reads += reached_read;
            if (!reached && !reached_read)
                break;
        }
        /* the writers do not use jansson; the readers do, see above */
        cr_assert(jansson || (reached_writes > 0 && reached_reads > 0),
                  "the loop reached the allocations");
    }
    free(want);
    free(got);
}

static int enhance_json(const void *c, char *buffer, size_t capacity, size_t *length)
{
    return score_enhance_config_json(c, buffer, capacity, length);
}

static int enhance_parse(const char *text, size_t length, const char *name, void **out)
{
    return score_enhance_config_parse(text, length, name, (score_enhance_config **)out);
}

static void enhance_free(void *c)
{
    score_enhance_config_free(c);
}

static int monitor_json(const void *c, char *buffer, size_t capacity, size_t *length)
{
    return score_monitor_config_json(c, buffer, capacity, length);
}

static int monitor_parse(const char *text, size_t length, const char *name, void **out)
{
    return score_monitor_config_parse(text, length, name, (score_monitor_config **)out);
}

static void monitor_free(void *c)
{
    score_monitor_config_free(c);
}

Test(alloc_json, enhance_config_written_and_read)
{
    config_loop(enhance_json, enhance_parse, enhance_free);
}

Test(alloc_json, monitor_config_written_and_read)
{
    config_loop(monitor_json, monitor_parse, monitor_free);
}
