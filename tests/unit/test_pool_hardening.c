/* The pool's files under hostile conditions: a long damaged tail, FIFOs
 * where files belong, a journal write failing part-way through a file of
 * events, a planted link at a temporary name, the 1 GiB limit, numbers
 * whatever the host locale. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <sys/resource.h>

#include "pool_test.h"

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(4400);
    snprintf(p, 4400, "%s/%s", dir, name);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static off_t file_size(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s", path);
    return st.st_size;
}

/* A ledger of 1 + n injections, each synced (acknowledged) by itself. */
static char *ledger_of(const char *tag, int n)
{
    char *dir = temp_dir(tag);
    score_pool_config c;
    score_pool_config_init(&c);
    cr_assert_eq(score_pool_create(dir, &c), SCORE_OK, "%s", score_last_error());
    score_pool *pool = open_pool(dir);
    for (int i = 0; i <= n; i++) {
        char id[32];
        snprintf(id, sizeof id, "inject-%d", i);
        score_pool_event e = pool_event(SCORE_POOL_INJECT, NULL, 100 + i, 0, id);
        cr_assert_eq(score_pool_apply(pool, &e, NULL), SCORE_OK, "%s", score_last_error());
    }
    score_pool_free(pool);
    return dir;
}

/* 4 KiB of zeros over the end of a journal of synced records is damage to
 * acknowledged records, not a torn write: refused, named, and left alone. */
Test(pool_hardening, zeros_over_synced_records_are_an_error)
{
    char *dir = ledger_of("zeros", 120);
    char *journal = path_in(dir, "pool.journal");
    off_t size = file_size(journal);
    cr_assert_gt(size, 4096 + 200);
    char *original = malloc((size_t)size);
    int fd = open(journal, O_RDWR);
    cr_assert_eq(pread(fd, original, (size_t)size, 0), size);
    static const char zeros[4096];
    cr_assert_eq(pwrite(fd, zeros, sizeof zeros, size - 4096), 4096);
    close(fd);
    score_pool *pool = NULL;
    int rc = score_pool_open(dir, NULL, &pool);
    cr_assert_eq(rc, SCORE_ECORRUPT, "%d %s", rc, score_last_error());
    cr_assert_null(pool);
    const char *m = score_last_error();
    cr_assert(strstr(m, "damaged bytes at the end") && strstr(m, "events before it are intact"),
              "%s", m);
    cr_assert_eq(file_size(journal), size, "the journal must be left as it was");

    /* appended zeros (a file extended, never written) are refused the same way */
    cr_assert_eq(truncate(journal, size + 4096), 0);
    cr_assert_eq(score_pool_open(dir, NULL, &pool), SCORE_ECORRUPT);
    /* while zeros of less than one record are a torn write, cut with a warning */
    cr_assert_eq(truncate(journal, size), 0);
    fd = open(journal, O_WRONLY);
    cr_assert_eq(pwrite(fd, original, (size_t)size, 0), size);
    cr_assert_eq(pwrite(fd, zeros, 8, size - 8), 8);
    close(fd);
    cr_assert_eq(score_pool_open(dir, NULL, &pool), SCORE_OK, "%s", score_last_error());
    score_pool_state s = pool_state(pool);
    cr_assert_eq(s.events, 120, "the last record, torn, is left out");
    cr_assert_gt(s.torn_bytes, 0);
    score_pool_free(pool);
    free(original);
    free(journal);
    rm_tree(dir);
    free(dir);
}

/* A FIFO where a journal, lock, events or members file belongs is refused at
 * once; it never blocks waiting for a writer. */
Test(pool_hardening, fifos_are_refused_without_blocking, .timeout = 20)
{
    char *dir = temp_dir("fifo");
    char *journal = path_in(dir, "pool.journal");
    cr_assert_eq(mkfifo(journal, 0600), 0);
    score_pool *pool = NULL;
    cr_assert_eq(score_pool_open(dir, NULL, &pool), SCORE_EIO);
    cr_assert(strstr(score_last_error(), "not a regular file"), "%s", score_last_error());
    score_pool_open_options o;
    score_pool_open_options_init(&o);
    o.read_only = 1;
    cr_assert_eq(score_pool_open(dir, &o, &pool), SCORE_EIO);
    unlink(journal);

    char *lockdir = temp_dir("fifolock");
    char *lock = path_in(lockdir, "pool.lock");
    cr_assert_eq(mkfifo(lock, 0600), 0);
    score_pool_config c;
    score_pool_config_init(&c);
    cr_assert_eq(score_pool_create(lockdir, &c), SCORE_EIO);
    cr_assert(strstr(score_last_error(), "not a regular file"), "%s", score_last_error());

    char *ledger = ledger_of("fifoev", 0);
    char *events = path_in(dir, "events.csv");
    cr_assert_eq(mkfifo(events, 0600), 0);
    pool = open_pool(ledger);
    score_pool_apply_counts counts = {sizeof counts, 9, 9, 9, 9};
    cr_assert_eq(score_pool_apply_file(pool, events, NULL, &counts), SCORE_EIO);
    cr_assert(strstr(score_last_error(), "not a regular file"), "%s", score_last_error());
    cr_assert(counts.lines == 0 && counts.applied == 0, "counts are filled on failure");
    score_pool_free(pool);
    size_t n = 0;
    cr_assert_eq(score_pool_read_members(events, NULL, NULL, NULL, 0, &n), SCORE_EIO);
    free(events);
    free(lock);
    free(journal);
    rm_tree(ledger);
    rm_tree(lockdir);
    rm_tree(dir);
    free(ledger);
    free(lockdir);
    free(dir);
}

/* The journal's file cannot grow (a full disk, as RLIMIT_FSIZE makes it):
 * the call fails, says how many events of the file were committed, counts
 * them, and exactly those are in the ledger when it is opened again; a
 * retry applies the rest and skips the committed ones by their event_id. */
Test(pool_hardening, apply_failing_part_way_says_what_was_committed)
{
    char *dir = ledger_of("partial", 0);
    char *events = path_in(dir, "events.csv");
    FILE *f = fopen(events, "w");
    fputs("type,uscc,amount,pd,event_id\n", f);
    for (int i = 0; i < 200; i++)
        fprintf(f, "inject,,%d.00,,file-%d\n", i + 1, i);
    fclose(f);
    char *journal = path_in(dir, "pool.journal");
    off_t before = file_size(journal);

    score_pool *pool = open_pool(dir);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, lim;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = (rlim_t)before + 2000;
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    score_pool_apply_counts counts = {sizeof counts, 0, 0, 0, 0};
    int rc = score_pool_apply_file(pool, events, NULL, &counts);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    cr_assert_eq(rc, SCORE_EIO, "%d %s", rc, score_last_error());
    size_t done = counts.applied;
    cr_assert(done > 10 && done < 200, "%zu committed", done);
    cr_assert_eq(counts.lines, done + 1, "the failing line is read, not applied");
    char said[64];
    snprintf(said, sizeof said, "%zu events applied from the file", done);
    cr_assert(strstr(score_last_error(), said), "%s", score_last_error());
    score_pool_state s = pool_state(pool);
    cr_assert_eq(s.events, 1 + done);
    score_pool_free(pool);

    pool = open_pool(dir);
    s = pool_state(pool);
    cr_assert_eq(s.events, 1 + done, "exactly the events said to be committed");
    cr_assert_eq(s.torn_bytes, 0);
    int64_t fund = 100;
    for (size_t i = 0; i < done; i++)
        fund += YUAN(i + 1);
    cr_assert_eq(s.fund_balance, fund);
    counts = (score_pool_apply_counts){sizeof counts, 0, 0, 0, 0};
    cr_assert_eq(score_pool_apply_file(pool, events, NULL, &counts), SCORE_OK);
    cr_assert_eq(counts.duplicates, done);
    cr_assert_eq(counts.applied, 200 - done);
    s = pool_state(pool);
    cr_assert_eq(s.events, 201);
    cr_assert_eq(s.fund_balance, 100 + YUAN(200 * 201 / 2));
    score_pool_free(pool);
    free(journal);
    free(events);
    rm_tree(dir);
    free(dir);
}

/* score_pool_create never writes through a fixed temporary name: a link
 * planted at the old name pool.journal.new redirects nothing. */
Test(pool_hardening, create_ignores_a_planted_link)
{
    char *dir = temp_dir("planted");
    char *victim = path_in(dir, "victim");
    char *planted = path_in(dir, "pool.journal.new");
    write_text(victim, "precious\n");
    cr_assert_eq(symlink(victim, planted), 0);
    score_pool_config c;
    score_pool_config_init(&c);
    cr_assert_eq(score_pool_create(dir, &c), SCORE_OK, "%s", score_last_error());
    cr_assert_eq(file_size(victim), 9, "the victim is untouched");
    struct stat st;
    cr_assert_eq(lstat(planted, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the planted link is left alone");
    score_pool *pool = open_pool(dir);
    cr_assert_eq(pool_state(pool).events, 0);
    score_pool_free(pool);
    /* and a link at pool.journal itself is an existing entry: refused */
    char *other = temp_dir("planted2");
    char *journal = path_in(other, "pool.journal");
    cr_assert_eq(symlink(victim, journal), 0);
    cr_assert_eq(score_pool_create(other, &c), SCORE_EINVAL);
    cr_assert_eq(file_size(victim), 9);
    free(journal);
    rm_tree(other);
    free(other);
    free(victim);
    free(planted);
    rm_tree(dir);
    free(dir);
}

/* The 1 GiB limit is checked before reading (a larger file is refused at
 * once), and a file of exactly 1 GiB is read. */
Test(pool_hardening, a_file_of_exactly_1_gib_is_read, .timeout = 120)
{
    char *dir = ledger_of("gib", 0);
    char *events = path_in(dir, "big.csv");
    write_text(events, "type,uscc,amount,pd\ninject,,1.00,\n");
    cr_assert_eq(truncate(events, (off_t)1 << 30), 0); /* sparse: zeros to 1 GiB */
    score_pool *pool = open_pool(dir);
    score_pool_apply_counts counts = {sizeof counts, 0, 0, 0, 0};
    cr_assert_eq(score_pool_apply_file(pool, events, NULL, &counts), SCORE_OK, "%s",
                 score_last_error());
    cr_assert_eq(counts.applied, 1);
    cr_assert_eq(counts.refused, 1, "the line of zeros is refused (a NUL byte)");
    cr_assert_eq(truncate(events, ((off_t)1 << 30) + 1), 0);
    cr_assert_eq(score_pool_apply_file(pool, events, NULL, &counts), SCORE_ELIMIT);
    cr_assert(strstr(score_last_error(), "larger than 1 GiB"), "%s", score_last_error());
    score_pool_free(pool);
    unlink(events);
    free(events);
    rm_tree(dir);
    free(dir);
}

/* Under a comma-decimal locale a PD of 0.02 is still 0.02. */
Test(pool_hardening, numbers_whatever_the_locale)
{
    if (!setlocale(LC_ALL, "de_DE.UTF-8"))
        cr_skip_test("de_DE.UTF-8 is not installed (scripts/install-deps.sh makes it)");
    char *dir = temp_dir("locale");
    char *members = path_in(dir, "members.csv");
    char uscc[19];
    make_uscc(1, uscc);
    FILE *f = fopen(members, "w");
    fprintf(f, "uscc,pd,ead,lgd\n%s,0.02,1000.50,0.45\n", uscc);
    fclose(f);
    double pd = 0, lgd = 0;
    int64_t ead = 0;
    size_t n = 0;
    cr_assert_eq(score_pool_read_members(members, &pd, &ead, &lgd, 1, &n), SCORE_OK, "%s",
                 score_last_error());
    cr_assert(n == 1 && pd == 0.02 && lgd == 0.45 && ead == 100050);
    char *ledger = ledger_of("localeledger", 0);
    score_pool *pool = open_pool(ledger);
    score_pool_event e = pool_event(SCORE_POOL_JOIN, uscc, 100, 0.5, NULL);
    cr_assert_eq(score_pool_apply(pool, &e, NULL), SCORE_EREJECTED);
    cr_assert(strstr(score_last_error(), "0.5") && !strstr(score_last_error(), "0,5"), "%s",
              score_last_error());
    score_pool_free(pool);
    setlocale(LC_ALL, "C");
    free(members);
    rm_tree(ledger);
    free(ledger);
    rm_tree(dir);
    free(dir);
}
