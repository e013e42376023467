/* The pool journal: torn tails at every byte offset, every single bit
 * flip, a writer killed with SIGKILL at 200 random points, the lock, and
 * records that are well formed but wrong. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <zlib.h>

#include "core/core.h"
#include "pool/pool.h"
#include "pool_test.h"

#define MAX_EVENTS 64

/* A journal of a few dozen events of every type, with the state and the
 * journal's length after each. */
typedef struct history {
    uint8_t *bytes;
    size_t size;
    int events;
    uint64_t ends[MAX_EVENTS + 1];          /* journal length after 0..events events */
    score_pool_state states[MAX_EVENTS + 1];
} history;

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)n + 1);
    cr_assert_eq(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return data;
}

static void write_all(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, size, f), size);
    fclose(f);
}

static char *journal_of(const char *dir)
{
    char *path = malloc(4200);
    snprintf(path, 4200, "%s/pool.journal", dir);
    return path;
}

static void record(score_pool *pool, history *h)
{
    h->states[h->events] = pool_state(pool);
    h->ends[h->events] = h->states[h->events].journal_bytes;
}

static void step(score_pool *pool, history *h, int type, int who, int64_t fen, const char *id)
{
    char uscc[19];
    make_uscc(700 + who, uscc);
    score_pool_event e = pool_event(type, type == SCORE_POOL_INJECT ? NULL : uscc, fen, 0.015, id);
    cr_assert_eq(score_pool_apply(pool, &e, NULL), SCORE_OK, "%s", score_last_error());
    h->events++;
    record(pool, h);
}

static void build_history(const char *dir, history *h)
{
    memset(h, 0, sizeof *h);
    score_pool_config c;
    score_pool_config_init(&c);
    c.single_member_cap = 1;
    cr_assert_eq(score_pool_create(dir, &c), SCORE_OK);
    score_pool *pool = open_pool(dir);
    record(pool, h);
    step(pool, h, SCORE_POOL_INJECT, 0, YUAN(50000), "fund-1");
    for (int i = 0; i < 5; i++)
        step(pool, h, SCORE_POOL_JOIN, i, YUAN(1000) + i, NULL);
    for (int i = 0; i < 5; i++) {
        char id[64];
        snprintf(id, sizeof id, "lend-%d-with-a-longer-event-id-of-forty", i);
        step(pool, h, SCORE_POOL_LEND, i, YUAN(20000), i % 2 ? id : NULL);
    }
    step(pool, h, SCORE_POOL_REPAY, 1, YUAN(5000), NULL);
    step(pool, h, SCORE_POOL_DEPOSIT, 2, YUAN(300), "d");
    step(pool, h, SCORE_POOL_DEFAULT, 3, YUAN(20000), NULL);
    step(pool, h, SCORE_POOL_RECOVER, 3, YUAN(7000) + 7, NULL);
    step(pool, h, SCORE_POOL_REPAY, 4, YUAN(20000), NULL);
    step(pool, h, SCORE_POOL_LEAVE, 4, 0, NULL);
    step(pool, h, SCORE_POOL_RECOVER, 3, YUAN(100), "rec-2");
    step(pool, h, SCORE_POOL_JOIN, 9, YUAN(10), NULL);
    score_pool_free(pool);
    char *path = journal_of(dir);
    h->bytes = read_all(path, &h->size);
    free(path);
    cr_assert_eq(h->size, h->ends[h->events]);
}

typedef struct warnings {
    int n;
    char last[1024];
} warnings;

static void collect(void *user, const score_diagnostic *d)
{
    warnings *w = user;
    cr_assert_eq(d->severity, SCORE_DIAG_WARNING);
    w->n++;
    snprintf(w->last, sizeof w->last, "%s", d->text);
}

static int open_with(const char *dir, int read_only, warnings *w, score_pool **out)
{
    score_pool_open_options o;
    score_pool_open_options_init(&o);
    o.read_only = read_only;
    o.diagnostic = collect;
    o.diagnostic_user = w;
    *out = NULL;
    return score_pool_open(dir, &o, out);
}

/* Cut the journal at every byte offset: before the end of the
 * configuration record the ledger is unusable (a crash cannot leave that:
 * the journal is created whole); after it, the ledger opens with the whole
 * records before the cut, the rest left out with a warning. Every offset
 * is opened read-only (the same verification, without a sync per offset);
 * one in 29 is opened for writing, which cuts the file, takes one more
 * event and reopens clean. */
Test(pool_journal, cut_at_every_offset)
{
    char *dir = temp_dir("history"), *cut = temp_dir("cut");
    history h;
    build_history(dir, &h);
    char *path = journal_of(cut);
    for (size_t len = 0; len <= h.size; len++) {
        write_all(path, h.bytes, len);
        warnings w = {0};
        score_pool *pool;
        int writer = len % 29 == 0;
        int rc = open_with(cut, !writer, &w, &pool);
        if (len < h.ends[0]) {
            cr_assert_eq(rc, SCORE_ECORRUPT, "cut at %zu: %d %s", len, rc, score_last_error());
            continue;
        }
        cr_assert_eq(rc, SCORE_OK, "cut at %zu: %s", len, score_last_error());
        int k = 0;
        while (k < h.events && h.ends[k + 1] <= len)
            k++;
        score_pool_state s = pool_state(pool);
        cr_assert_eq(s.events, (uint64_t)k, "cut at %zu", len);
        cr_assert(same_state(&s, &h.states[k]), "cut at %zu: the state of %d events", len, k);
        cr_assert_eq(s.torn_bytes, len - h.ends[k]);
        cr_assert_eq(s.journal_bytes, writer ? h.ends[k] : len);
        cr_assert_eq(w.n, len > h.ends[k], "cut at %zu: %d warnings", len, w.n);
        if (w.n)
            cr_assert(strstr(w.last, "torn tail"), "%s", w.last);
        uint64_t expect = writer ? h.ends[k] : len;
        if (writer) {
            /* the cut journal goes on: one more event, and a clean reopen */
            char uscc[19];
            make_uscc(990, uscc);
            score_pool_event e = pool_event(SCORE_POOL_INJECT, uscc, 1, 0, NULL);
            cr_assert_eq(score_pool_apply(pool, &e, NULL), SCORE_OK, "%s", score_last_error());
            score_pool_free(pool);
            cr_assert_eq(open_with(cut, 0, &w, &pool), SCORE_OK);
            s = pool_state(pool);
            cr_assert(s.events == (uint64_t)k + 1 && s.torn_bytes == 0);
            cr_assert_gt(s.journal_bytes, h.ends[k]);
            expect = s.journal_bytes;
        }
        score_pool_free(pool);
        struct stat st;
        cr_assert_eq(stat(path, &st), 0);
        uint64_t after = (uint64_t)st.st_size;
        cr_assert_eq(after, expect, "cut at %zu: %s", len,
                     writer ? "cut, and one event added" : "left alone");
    }
    free(path);
    free(h.bytes);
    rm_tree(dir);
    rm_tree(cut);
    free(dir);
    free(cut);
}

/* A read-only handle reports a torn tail but leaves the file alone. */
Test(pool_journal, read_only_leaves_a_torn_tail)
{
    char *dir = temp_dir("ro");
    history h;
    build_history(dir, &h);
    char *path = journal_of(dir);
    write_all(path, h.bytes, h.size - 5);
    warnings w = {0};
    score_pool *pool;
    cr_assert_eq(open_with(dir, 1, &w, &pool), SCORE_OK, "%s", score_last_error());
    cr_assert_eq(w.n, 1);
    cr_assert(strstr(w.last, "left out"), "%s", w.last);
    score_pool_state s = pool_state(pool);
    cr_assert_eq(s.events, (uint64_t)h.events - 1);
    score_pool_event e = pool_event(SCORE_POOL_INJECT, NULL, 1, 0, NULL);
    cr_assert_eq(score_pool_apply(pool, &e, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "read-only"));
    /* two readers share the lock; a writer waits for both to leave */
    score_pool *second, *writer;
    cr_assert_eq(open_with(dir, 1, &w, &second), SCORE_OK);
    cr_assert_eq(open_with(dir, 0, &w, &writer), SCORE_EBUSY);
    score_pool_free(second);
    score_pool_free(pool);
    size_t size;
    free(read_all(path, &size));
    cr_assert_eq(size, h.size - 5, "untouched");
    cr_assert_eq(open_with(dir, 0, &w, &writer), SCORE_OK);
    score_pool_free(writer);
    free(read_all(path, &size));
    cr_assert_eq(size, h.ends[h.events - 1]);
    free(path);
    free(h.bytes);
    rm_tree(dir);
    free(dir);
}

/* Flip every bit of a journal, one at a time. A flip in the last record
 * reads as a torn tail (the ledger opens one event short, with a
 * warning); a flip anywhere else is an error. Never is a flip accepted in
 * silence. Replayed in memory (the reader score_pool_open uses); a sample
 * goes through files too. */
Test(pool_journal, every_single_bit_flip_is_detected)
{
    char *dir = temp_dir("flip"), *flip = temp_dir("flipfile");
    history h;
    build_history(dir, &h);
    size_t last = h.ends[h.events - 1];
    uint8_t *copy = malloc(h.size);
    char *path = journal_of(flip);
    int torn = 0, errors = 0;
    for (size_t bit = 0; bit < 8 * h.size; bit++) {
        memcpy(copy, h.bytes, h.size);
        copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        sc_ledger *ledger = NULL;
        sc_journal_scan scan;
        int rc = sc_journal_replay(copy, h.size, "flipped", &ledger, &scan);
        if (bit / 8 >= last) {
            cr_assert_eq(rc, SCORE_OK, "bit %zu: %s", bit, score_last_error());
            cr_assert_eq(scan.events, (uint64_t)h.events - 1, "bit %zu", bit);
            cr_assert_eq(scan.torn_bytes, h.size - last, "bit %zu", bit);
            score_pool_state s = {.size = sizeof s};
            sc_ledger_state(ledger, &s);
            cr_assert(same_state(&s, &h.states[h.events - 1]), "bit %zu", bit);
            torn++;
        } else {
            cr_assert(rc == SCORE_ECORRUPT || rc == SCORE_EFORMAT || rc == SCORE_EVERSION,
                      "bit %zu (byte %zu of %zu) was not detected: %d", bit, bit / 8, h.size, rc);
            cr_assert_null(ledger);
            cr_assert(strstr(score_last_error(), "flipped"), "%s", score_last_error());
            errors++;
        }
        sc_ledger_free(ledger);
        if (bit % 37 == 0) {
            write_all(path, copy, h.size);
            warnings w = {0};
            score_pool *pool;
            int frc = open_with(flip, 1, &w, &pool);
            cr_assert_eq(frc, rc, "bit %zu: the file gives %d, memory %d", bit, frc, rc);
            if (frc == SCORE_OK) {
                cr_assert_eq(w.n, 1);
                score_pool_free(pool);
            }
        }
    }
    cr_assert_eq(torn, (int)(8 * (h.size - last)));
    cr_assert_gt(errors, 8000);
    free(copy);
    free(path);
    free(h.bytes);
    rm_tree(dir);
    rm_tree(flip);
    free(dir);
    free(flip);
}

/* Records with a good checksum but wrong content are corruption too. */
static int replay(const uint8_t *data, size_t size)
{
    sc_ledger *ledger = NULL;
    sc_journal_scan scan;
    int rc = sc_journal_replay(data, size, "crafted", &ledger, &scan);
    sc_ledger_free(ledger);
    return rc;
}

Test(pool_journal, well_formed_but_wrong_records)
{
    score_pool_config c;
    score_pool_config_init(&c);
    uint8_t buf[4096];
    size_t n = sc_journal_start(&c, buf);
    cr_assert_eq(replay(buf, n), SCORE_OK);
    sc_pool_event ev = {.type = SCORE_POOL_INJECT, .amount = 100};
    size_t one = sc_journal_event(1, &ev, buf + n);
    cr_assert_eq(replay(buf, n + one), SCORE_OK);
    /* the same record again: out of sequence */
    memcpy(buf + n + one, buf + n, one);
    cr_assert_eq(replay(buf, n + 2 * one), SCORE_ECORRUPT);
    cr_assert(strstr(score_last_error(), "sequence number 1 where 2"), "%s", score_last_error());
    /* a loan to nobody, checksum and all: refused on replay */
    make_uscc(1, ev.uscc);
    ev.type = SCORE_POOL_LEND;
    size_t two = sc_journal_event(2, &ev, buf + n + one);
    cr_assert_eq(replay(buf, n + one + two), SCORE_ECORRUPT);
    cr_assert(strstr(score_last_error(), "refused on replay"), "%s", score_last_error());
    cr_assert(strstr(score_last_error(), "event 2 at offset"), "%s", score_last_error());
    /* an event type from the future */
    ev.type = 9;
    two = sc_journal_event(2, &ev, buf + n + one);
    cr_assert_eq(replay(buf, n + one + two), SCORE_EVERSION);
    /* one event id twice */
    ev = (sc_pool_event){.type = SCORE_POOL_INJECT, .amount = 5, .id = "same"};
    one = sc_journal_event(1, &ev, buf + n);
    two = sc_journal_event(2, &ev, buf + n + one);
    cr_assert_eq(replay(buf, n + one + two), SCORE_ECORRUPT);
    cr_assert(strstr(score_last_error(), "repeats event_id"), "%s", score_last_error());
    /* not a journal at all; a journal of a newer version */
    cr_assert_eq(replay((const uint8_t *)"type,uscc,amount,pd\ninject,,1,\n", 31), SCORE_EFORMAT);
    n = sc_journal_start(&c, buf);
    buf[8] = 2;
    uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), buf, 12);
    for (int i = 0; i < 4; i++)
        buf[12 + i] = (uint8_t)(crc >> (8 * i));
    cr_assert_eq(replay(buf, n), SCORE_EVERSION);
    /* a header alone */
    n = sc_journal_start(&c, buf);
    cr_assert_eq(replay(buf, SC_JOURNAL_HEADER), SCORE_ECORRUPT);
    cr_assert(strstr(score_last_error(), "no configuration record"), "%s", score_last_error());
}

Test(pool_journal, lock_create_and_missing_ledgers)
{
    char *dir = temp_dir("lock");
    score_pool_config c;
    score_pool_config_init(&c);
    score_pool *pool, *other;
    char sub[4300];
    snprintf(sub, sizeof sub, "%s/ledger", dir);
    cr_assert_eq(score_pool_open(sub, NULL, &pool), SCORE_ENOTFOUND);
    cr_assert_eq(score_pool_open(dir, NULL, &pool), SCORE_ENOTFOUND);
    cr_assert(strstr(score_last_error(), "no pool.journal"), "%s", score_last_error());
    cr_assert_eq(score_pool_create(sub, &c), SCORE_OK, "%s", score_last_error());
    cr_assert_eq(score_pool_create(sub, &c), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "already holds"), "%s", score_last_error());
    pool = open_pool(sub);
    cr_assert_eq(score_pool_open(sub, NULL, &other), SCORE_EBUSY);
    cr_assert(strstr(score_last_error(), "in use"), "%s", score_last_error());
    cr_assert_eq(score_pool_create(sub, &c), SCORE_EBUSY);
    score_pool_config got = {.size = sizeof got};
    cr_assert_eq(score_pool_get_config(pool, &got), SCORE_OK);
    cr_assert(got.deposit_rate == c.deposit_rate && got.share_bank == c.share_bank);
    score_pool_free(pool);
    other = open_pool(sub);
    score_pool_free(other);
    score_pool_free(NULL);
    /* a file that is not a journal */
    char journal[4400];
    snprintf(journal, sizeof journal, "%s/pool.journal", sub);
    write_all(journal, (const uint8_t *)"hello, this is not a journal", 28);
    cr_assert_eq(score_pool_open(sub, NULL, &pool), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), "not a pool journal"), "%s", score_last_error());
    rm_tree(dir);
    free(dir);
}

/* ---- a writer killed with SIGKILL at 200 random points ----------------------- */

#define KILL_MEMBERS 12

/* The k-th event of an endless deterministic stream, most of them
 * accepted. A default's amount is the member's loans outstanding, which
 * the caller fills in from the ledger it applies to (*needs_loans). */
static score_pool_event planned(uint64_t k, char uscc[19], char id[24], int *needs_loans)
{
    uint64_t x = k * UINT64_C(0x9e3779b97f4a7c15) + 12345;
    x ^= x >> 29;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 32;
    make_uscc(800 + (int)(x % KILL_MEMBERS), uscc);
    snprintf(id, 24, "k%llu", (unsigned long long)k);
    int64_t small = (int64_t)(x >> 40) % 999;
    int type;
    int64_t fen;
    *needs_loans = 0;
    switch ((x >> 8) % 20) {
    case 0: type = SCORE_POOL_INJECT; fen = YUAN(5000); break;
    case 1: case 2: case 3: type = SCORE_POOL_JOIN; fen = YUAN(3000); break;
    case 4: case 5: case 6: type = SCORE_POOL_DEPOSIT; fen = YUAN(500) + small; break;
    case 7: case 8: case 9: case 10: case 11: case 12:
        type = SCORE_POOL_LEND; fen = YUAN(10000) + small; break;
    case 13: case 14: case 15: type = SCORE_POOL_REPAY; fen = YUAN(2000); break;
    case 16: case 17: type = SCORE_POOL_RECOVER; fen = YUAN(1000); break;
    case 18: type = SCORE_POOL_DEFAULT; fen = 1; *needs_loans = 1; break;
    default: type = SCORE_POOL_DEPOSIT; fen = YUAN(1); break;
    }
    return pool_event(type, type == SCORE_POOL_INJECT ? NULL : uscc, fen, 0.02, id);
}

typedef struct ack {
    uint32_t k;
    int32_t status;
} ack;

/* 0 applied, 1 a repeat, else the refusal's status. */
static int32_t apply_status(score_pool *pool, uint64_t k)
{
    char uscc[19], id[24];
    int needs_loans;
    score_pool_event e = planned(k, uscc, id, &needs_loans);
    score_pool_member_info m = {.size = sizeof m};
    if (needs_loans && score_pool_member(pool, uscc, &m) == SCORE_OK && m.loans_outstanding)
        e.amount = m.loans_outstanding;
    score_pool_outcome o = {.size = sizeof o};
    int rc = score_pool_apply(pool, &e, &o);
    return rc == SCORE_OK ? (o.duplicate ? 1 : 0) : rc;
}

/* The reference: a ledger in memory and the journal it would have written. */
typedef struct reference {
    sc_ledger *ledger;
    uint8_t *journal;
    size_t size, cap;
} reference;

static int32_t ref_apply(reference *r, uint64_t k)
{
    char uscc[19], id[24];
    int needs_loans;
    score_pool_event e = planned(k, uscc, id, &needs_loans);
    size_t index;
    score_pool_member_info m = {.size = sizeof m};
    if (needs_loans && sc_ledger_member_find(r->ledger, uscc, &index) == SCORE_OK &&
        sc_ledger_member_at(r->ledger, index, &m) == SCORE_OK && m.loans_outstanding)
        e.amount = m.loans_outstanding;
    sc_pool_event ev;
    sc_change ch;
    cr_assert_eq(sc_pool_event_in(&e, &ev), SCORE_OK);
    int rc = sc_ledger_prepare(r->ledger, &ev, &ch);
    if (rc != SCORE_OK)
        return rc;
    if (ch.duplicate)
        return 1;
    if (r->cap - r->size < SC_RECORD_MAX)
        r->journal = realloc(r->journal, r->cap = 2 * r->cap + SC_RECORD_MAX);
    r->size += sc_journal_event(ch.sequence, &ev, r->journal + r->size);
    sc_ledger_commit(r->ledger, &ch);
    return 0;
}

static void child(const char *dir, uint64_t start, int fd)
{
    score_pool *pool;
    if (score_pool_open(dir, NULL, &pool) != SCORE_OK)
        _exit(3);
    for (uint64_t k = start; k < start + 40; k++) {
        ack a = {(uint32_t)k, apply_status(pool, k)};
        if (a.status != 0 && a.status != 1 && a.status != SCORE_EREJECTED)
            _exit(4);
        if (write(fd, &a, sizeof a) != sizeof a)
            _exit(5);
    }
    score_pool_free(pool);
    _exit(0);
}

/* A child process writes events and acknowledges each through a pipe
 * once score_pool_apply has returned; the parent kills it with SIGKILL
 * after a random number of acknowledgements and a random delay. After
 * each kill the ledger reopens with exactly the acknowledged events (and
 * at most the one in flight, whole), its state that of replaying them, and
 * its journal byte for byte the one a reference ledger writes for them. */
Test(pool_journal, sigkill_at_200_random_points, .timeout = 120)
{
    char *dir = temp_dir("kill");
    score_pool_config c;
    score_pool_config_init(&c);
    c.single_member_cap = 0.5;
    c.npl_warning = 0.3;
    c.npl_suspend = 0.5;
    cr_assert_eq(score_pool_create(dir, &c), SCORE_OK);
    reference ref = {0};
    cr_assert_eq(sc_ledger_new(&c, &ref.ledger), SCORE_OK);
    ref.cap = 4096;
    ref.journal = malloc(ref.cap);
    ref.size = sc_journal_start(&c, ref.journal);
    char *journal = journal_of(dir);
    uint64_t next = 0, x = 2024;
    int torn_seen = 0, in_flight_seen = 0;
    for (int round = 0; round < 200; round++) {
        int fds[2];
        cr_assert_eq(pipe(fds), 0);
        pid_t pid = fork();
        cr_assert_neq(pid, -1);
        if (pid == 0) {
            close(fds[0]);
            child(dir, next, fds[1]);
        }
        close(fds[1]);
        x = x * 6364136223846793005u + 1442695040888963407u;
        int kill_after = (int)((x >> 33) % 12);
        useconds_t delay = (useconds_t)((x >> 20) % 600);
        ack acks[64];
        int n = 0;
        while (n < kill_after && read(fds[0], &acks[n], sizeof acks[n]) == sizeof acks[n])
            n++;
        usleep(delay);
        kill(pid, SIGKILL);
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0),
                  "round %d: the child failed (%d)", round, status);
        while (n < 64 && read(fds[0], &acks[n], sizeof acks[n]) == sizeof acks[n])
            n++;
        close(fds[0]);
        /* the acknowledged events, applied to the reference, must do
         * exactly what they did in the child */
        for (int i = 0; i < n; i++) {
            cr_assert_eq(acks[i].k, next + (uint64_t)i);
            cr_assert_eq(ref_apply(&ref, acks[i].k), acks[i].status, "round %d event %u",
                         round, acks[i].k);
        }
        next += (uint64_t)n;
        warnings w = {0};
        score_pool *pool;
        cr_assert_eq(open_with(dir, 0, &w, &pool), SCORE_OK, "round %d: %s", round,
                     score_last_error());
        score_pool_state s = pool_state(pool), r = {.size = sizeof r};
        torn_seen += s.torn_bytes > 0;
        if (s.events == sc_ledger_events(ref.ledger) + 1) {
            /* the event in flight was written before the kill but not yet
             * acknowledged: it must be the next one, whole */
            cr_assert_eq(ref_apply(&ref, next), 0, "round %d", round);
            next++;
            in_flight_seen++;
        }
        sc_ledger_state(ref.ledger, &r);
        cr_assert(same_state(&s, &r), "round %d: %llu events, the reference %llu", round,
                  (unsigned long long)s.events, (unsigned long long)r.events);
        score_pool_free(pool);
        size_t size;
        uint8_t *bytes = read_all(journal, &size);
        cr_assert(size == ref.size && !memcmp(bytes, ref.journal, size),
                  "round %d: the journal is not the reference's", round);
        free(bytes);
    }
    cr_assert_gt(next, 200, "events were applied");
    cr_log_info("SIGKILL: %llu events, %d torn tails cut, %d events in flight kept",
                (unsigned long long)next, torn_seen, in_flight_seen);
    sc_ledger_free(ref.ledger);
    free(ref.journal);
    free(journal);
    rm_tree(dir);
    free(dir);
}
