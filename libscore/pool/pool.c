/* The public pool handle: the ledger directory (journal + lock file), the
 * file lock that keeps one writer, the mutex that serialises threads, and
 * durability: every change is written and synced before the call returns. */
#define _DEFAULT_SOURCE /* flock */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/file.h"
#include "files.h"
#include "pool.h"

#define JOURNAL_NAME "pool.journal"
#define LOCK_NAME "pool.lock"

struct score_pool {
    pthread_mutex_t mutex;
    sc_ledger *ledger;
    char *journal_path;
    int lock_fd, journal_fd;
    int read_only;
    int failed;            /* a write or sync failed: no more changes until reopened */
    uint64_t end;          /* the journal's length as this handle wrote it */
    uint64_t torn_bytes;   /* cut (or, read-only, left out) when opened */
};

/* ---- public structs ---------------------------------------------------------- */

int sc_pool_size_ok(const void *caller, size_t full, const char *what)
{
    if (!caller)
        return sc_error(SCORE_EINVAL, "%s is NULL", what);
    size_t size = *(const size_t *)caller;
    if (size < sizeof(size_t) || size > full)
        return sc_error(SCORE_EINVAL, "%s->size is %zu; set it to the sizeof of its struct (%zu)",
                        what, size, full);
    return SCORE_OK;
}

void sc_pool_copy_out(void *caller, const void *filled)
{
    size_t size = *(const size_t *)caller;
    memcpy(caller, filled, size);
    *(size_t *)caller = size;
}

/* ---- files ------------------------------------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = sc_malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int io_error(const char *what, const char *path)
{
    return sc_error(SCORE_EIO, "%s %s: %s", what, path, strerror(errno));
}

static int write_all(int fd, const uint8_t *data, size_t n, uint64_t offset)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, data, n, (off_t)offset);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        data += w;
        n -= (size_t)w;
        offset += (uint64_t)w;
    }
    return 0;
}

/* Open (making it) and lock DIR/pool.lock: exclusively for a writer,
 * shared for a reader. */
static int take_lock(const char *dir, int exclusive, int *out)
{
    char *path = path_join(dir, LOCK_NAME);
    if (!path)
        return sc_error(SCORE_ENOMEM, "out of memory");
    /* O_NONBLOCK: a FIFO planted here must not hang the open */
    int fd = open(path, O_RDWR | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd < 0 && !exclusive && (errno == EACCES || errno == EROFS))
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int rc = io_error("cannot open", path);
        sc_free(path);
        return rc;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int rc = sc_error(SCORE_EIO, "%s is not a regular file; a ledger's lock file must be "
                          "one", path);
        close(fd);
        sc_free(path);
        return rc;
    }
    int r;
    while ((r = flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB)) != 0 && errno == EINTR)
        ;
    if (r != 0) {
        int rc = errno == EWOULDBLOCK
                     ? sc_error(SCORE_EBUSY, "%s: the ledger is in use: another %s holds its lock "
                                "(%s)", dir, exclusive ? "handle" : "writer", path)
                     : io_error("cannot lock", path);
        close(fd);
        sc_free(path);
        return rc;
    }
    sc_free(path);
    *out = fd;
    return SCORE_OK;
}

static int dir_exists(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT)
            return sc_error(SCORE_ENOTFOUND, "%s: no such directory; create the ledger with "
                            "score_pool_create (score pool init)", dir);
        return io_error("cannot use", dir);
    }
    if (!S_ISDIR(st.st_mode))
        return sc_error(SCORE_EINVAL, "%s is not a directory", dir);
    return SCORE_OK;
}

/* ---- create ------------------------------------------------------------------ */

/* Written whole or not at all under a temporary name no other writer uses
 * (core/file.h), so two creators, or a link planted at a fixed temporary
 * name, can never mix or redirect the bytes. */
static int write_new_journal(const char *journal, const score_pool_config *c)
{
    uint8_t start[SC_JOURNAL_HEADER + SC_RECORD_MAX];
    size_t n = sc_journal_start(c, start);
    return sc_write_file(journal, start, n, "pool journal");
}

int score_pool_create(const char *dir, const score_pool_config *config)
{
    if (!dir || !*dir)
        return sc_error(SCORE_EINVAL, "dir is NULL or empty");
    score_pool_config c;
    int rc = sc_pool_config_in(config, &c);
    if (rc != SCORE_OK)
        return rc;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return io_error("cannot create", dir);
    if ((rc = dir_exists(dir)) != SCORE_OK)
        return rc;
    int lock_fd;
    if ((rc = take_lock(dir, 1, &lock_fd)) != SCORE_OK)
        return rc;
    char *journal = path_join(dir, JOURNAL_NAME);
    struct stat st;
    if (!journal)
        rc = sc_error(SCORE_ENOMEM, "out of memory");
    else if (lstat(journal, &st) == 0)
        rc = sc_error(SCORE_EINVAL, "%s already holds a pool ledger (%s); refusing to replace "
                      "it", dir, journal);
    else if (errno != ENOENT)
        rc = io_error("cannot use", journal);
    else
        rc = write_new_journal(journal, &c);
    sc_free(journal);
    close(lock_fd);
    return rc;
}

/* ---- open -------------------------------------------------------------------- */

void score_pool_open_options_init(score_pool_open_options *options)
{
    if (!options)
        return;
    memset(options, 0, sizeof *options);
    options->size = sizeof *options;
}

static void warn(const score_pool_open_options *o, const char *file, const char *fmt, ...)
    SC_PRINTF(3, 4);

static void warn(const score_pool_open_options *o, const char *file, const char *fmt, ...)
{
    if (!o->diagnostic)
        return;
    char message[512], text[1024];
    va_list ap;
    va_start(ap, fmt);
    sc_vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    snprintf(text, sizeof text, "%s: %s", file, message);
    score_diagnostic d = {SCORE_DIAG_WARNING, file, 0, 0, "", message, text};
    o->diagnostic(o->diagnostic_user, &d);
}

/* Map, verify and replay the journal; cut a torn tail when writable. */
static int load(score_pool *p, const score_pool_open_options *o)
{
    struct stat st;
    if (fstat(p->journal_fd, &st) != 0)
        return io_error("cannot read", p->journal_path);
    if (!S_ISREG(st.st_mode))
        return sc_error(SCORE_EIO, "%s is not a regular file (a FIFO, device or directory); a "
                        "pool journal is one", p->journal_path);
    if ((uint64_t)st.st_size > SIZE_MAX / 2)
        return sc_error(SCORE_ELIMIT, "%s is too large to open", p->journal_path);
    size_t size = (size_t)st.st_size;
    void *data = NULL;
    if (size > 0) {
        data = mmap(NULL, size, PROT_READ, MAP_PRIVATE, p->journal_fd, 0);
        if (data == MAP_FAILED)
            return io_error("cannot read", p->journal_path);
    }
    sc_journal_scan scan;
    int rc = sc_journal_replay(data, size, p->journal_path, &p->ledger, &scan);
    if (data)
        munmap(data, size);
    if (rc != SCORE_OK)
        return rc;
    if ((rc = sc_ledger_audit(p->ledger)) != SCORE_OK)
        return sc_error_prefix(rc, p->journal_path);
    p->end = p->read_only ? size : scan.good_end;
    p->torn_bytes = scan.torn_bytes;
    if (!scan.torn_bytes)
        return SCORE_OK;
    if (!p->read_only) {
        if (ftruncate(p->journal_fd, (off_t)scan.good_end) != 0 || fsync(p->journal_fd) != 0)
            return io_error("cannot cut the torn tail of", p->journal_path);
    }
    warn(o, p->journal_path, "%s a torn tail of %zu bytes at offset %zu: an incomplete last "
         "record, as a crash while writing leaves; the ledger holds the %llu events before it",
         p->read_only ? "left out" : "cut", scan.torn_bytes, scan.good_end,
         (unsigned long long)scan.events);
    return SCORE_OK;
}

static void close_pool(score_pool *p)
{
    if (p->journal_fd >= 0)
        close(p->journal_fd);
    if (p->lock_fd >= 0)
        close(p->lock_fd);
    sc_ledger_free(p->ledger);
    sc_free(p->journal_path);
    sc_free(p);
}

int score_pool_open(const char *dir, const score_pool_open_options *options, score_pool **out)
{
    score_pool_open_options o;
    score_pool_open_options_init(&o);
    if (options) {
        int rc = sc_pool_size_ok(options, sizeof o, "options");
        if (rc != SCORE_OK)
            return rc;
        memcpy(&o, options, options->size);
    }
    if (!dir || !*dir || !out)
        return sc_error(SCORE_EINVAL, "dir and out must not be NULL");
    int rc = dir_exists(dir);
    if (rc != SCORE_OK)
        return rc;
    score_pool *p = sc_calloc(1, sizeof *p);
    if (!p)
        return sc_error(SCORE_ENOMEM, "out of memory opening a pool");
    p->lock_fd = p->journal_fd = -1;
    p->read_only = o.read_only != 0;
    if (!(p->journal_path = path_join(dir, JOURNAL_NAME)))
        rc = sc_error(SCORE_ENOMEM, "out of memory opening a pool");
    if (rc == SCORE_OK)
        rc = take_lock(dir, !p->read_only, &p->lock_fd);
    if (rc == SCORE_OK) {
        p->journal_fd = open(p->journal_path,
                             (p->read_only ? O_RDONLY : O_RDWR) | O_NONBLOCK | O_CLOEXEC);
        if (p->journal_fd < 0)
            rc = errno == ENOENT
                     ? sc_error(SCORE_ENOTFOUND, "%s holds no pool ledger (no %s); create one "
                                "with score_pool_create (score pool init)", dir, JOURNAL_NAME)
                     : io_error("cannot open", p->journal_path);
    }
    if (rc == SCORE_OK)
        rc = load(p, &o);
    if (rc == SCORE_OK && pthread_mutex_init(&p->mutex, NULL) != 0)
        rc = sc_error(SCORE_ENOMEM, "cannot create a mutex");
    if (rc != SCORE_OK) {
        close_pool(p);
        return rc;
    }
    *out = p;
    return SCORE_OK;
}

void score_pool_free(score_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_destroy(&pool->mutex);
    close_pool(pool);
}

/* ---- changes ----------------------------------------------------------------- */

static int writable(const score_pool *p)
{
    if (p->read_only)
        return sc_error(SCORE_EINVAL, "%s: this handle was opened read-only", p->journal_path);
    if (p->failed)
        return sc_error(SCORE_EIO, "%s: an earlier write or sync failed; close the pool and "
                        "open it again", p->journal_path);
    return SCORE_OK;
}

/* After a failed write: take back what may have been written, and refuse
 * further changes (after a failed sync the kernel's pages cannot be
 * trusted, so only a reopen, which verifies the file, goes on). */
static int write_failed(score_pool *p, const char *what)
{
    int rc = io_error(what, p->journal_path);
    if (ftruncate(p->journal_fd, (off_t)p->end) == 0)
        (void)fsync(p->journal_fd);
    p->failed = 1;
    return rc;
}

/* Check, write (and sync) and apply one event, with the mutex held. */
static int apply_locked(score_pool *p, const sc_pool_event *ev, int sync, sc_change *ch)
{
    int rc = writable(p);
    if (rc == SCORE_OK)
        rc = sc_ledger_prepare(p->ledger, ev, ch);
    if (rc != SCORE_OK || ch->duplicate)
        return rc;
    uint8_t record[SC_RECORD_MAX];
    size_t n = sc_journal_event(ch->sequence, ev, record);
    if (write_all(p->journal_fd, record, n, p->end) != 0) {
        sc_ledger_abandon(p->ledger, ch);
        return write_failed(p, "cannot write");
    }
    if (sync && fdatasync(p->journal_fd) != 0) {
        sc_ledger_abandon(p->ledger, ch);
        return write_failed(p, "cannot sync");
    }
    p->end += n;
    sc_ledger_commit(p->ledger, ch);
    return SCORE_OK;
}

static void outcome_of(const sc_change *ch, score_pool_outcome *out)
{
    score_pool_outcome o = {sizeof o, ch->duplicate, ch->sequence, ch->own, {0}, ch->refund};
    o.parties[SCORE_POOL_PARTY_MEMBERS] = ch->own + ch->others;
    for (int k = 0; k < SC_TIER3; k++)
        o.parties[k + 1] = ch->party[k];
    sc_pool_copy_out(out, &o);
}

int score_pool_apply(score_pool *pool, const score_pool_event *event, score_pool_outcome *outcome)
{
    if (!pool)
        return sc_error(SCORE_EINVAL, "pool is NULL");
    int rc = outcome ? sc_pool_size_ok(outcome, sizeof *outcome, "outcome") : SCORE_OK;
    sc_pool_event ev;
    if (rc == SCORE_OK)
        rc = sc_pool_event_in(event, &ev);
    if (rc != SCORE_OK)
        return rc;
    sc_change ch;
    pthread_mutex_lock(&pool->mutex);
    rc = apply_locked(pool, &ev, 1, &ch);
    pthread_mutex_unlock(&pool->mutex);
    if (rc == SCORE_OK && outcome)
        outcome_of(&ch, outcome);
    return rc;
}

/* ---- events files ------------------------------------------------------------ */

static void report(const score_pool_apply_options *o, const char *file, uint64_t line,
                   int column, const char *column_name, const char *message)
{
    if (!o->diagnostic)
        return;
    char text[1536];
    if (column)
        snprintf(text, sizeof text, "%s:%llu:%d: %s: %s", file, (unsigned long long)line, column,
                 column_name, message);
    else
        snprintf(text, sizeof text, "%s:%llu: %s", file, (unsigned long long)line, message);
    score_diagnostic d = {SCORE_DIAG_ERROR, file, line, column, column ? column_name : "",
                          message, text};
    o->diagnostic(o->diagnostic_user, &d);
}

static int apply_lines(score_pool *p, sc_lines *f, const char *path,
                       const score_pool_apply_options *o, score_pool_apply_counts *c)
{
    const char *text;
    size_t len;
    sc_event_columns columns;
    if (!sc_lines_next(f, &text, &len))
        return sc_error(SCORE_EFORMAT, "%s: the file is empty; expected the header "
                        "type,uscc,amount,pd", path);
    int rc = sc_events_header(path, f->line, text, len, &columns);
    while (rc == SCORE_OK && sc_lines_next(f, &text, &len)) {
        c->lines++;
        sc_pool_event ev;
        int column = 0;
        const char *column_name = "";
        int r = sc_events_line(&columns, text, len, &ev, &column, &column_name);
        sc_change ch;
        if (r == SCORE_OK)
            r = apply_locked(p, &ev, 0, &ch);
        if (r == SCORE_OK) {
            if (ch.duplicate)
                c->duplicates++;
            else
                c->applied++;
        } else if (r == SCORE_EREJECTED || r == SCORE_ELIMIT) {
            c->refused++;
            report(o, path, f->line, column, column_name, score_last_error());
        } else {
            rc = sc_error_prefix(r, path);
        }
        if (rc == SCORE_OK && o->progress && c->lines % 1024 == 0 &&
            o->progress(o->progress_user, "apply", f->pos, f->size) != 0)
            rc = sc_error(SCORE_ECANCELED, "%s: stopped by the progress callback after line "
                          "%llu", path, (unsigned long long)f->line);
    }
    return rc;
}

/* Add to the error what a failure part-way left in the journal. */
static int say_committed(int rc, const score_pool_apply_counts *c, uint64_t line, int synced)
{
    char what[256];
    if (!synced)
        snprintf(what, sizeof what, "the %zu events applied from the file could not be synced "
                 "and may be lost in a crash; reopen the ledger to see which it holds",
                 c->applied);
    else if (c->applied)
        snprintf(what, sizeof what, "%zu events applied from the file before line %llu are "
                 "committed; applying the file again skips those with an event_id",
                 c->applied, (unsigned long long)line);
    else
        snprintf(what, sizeof what, "no event of the file was committed");
    char message[1024];
    snprintf(message, sizeof message, "%s; %s", score_last_error(), what);
    return sc_error(rc, "%s", message);
}

int score_pool_apply_file(score_pool *pool, const char *path,
                          const score_pool_apply_options *options,
                          score_pool_apply_counts *counts)
{
    score_pool_apply_options o = {sizeof o, NULL, NULL, NULL, NULL};
    if (!pool || !path)
        return sc_error(SCORE_EINVAL, "pool and path must not be NULL");
    int rc = options ? sc_pool_size_ok(options, sizeof o, "options") : SCORE_OK;
    if (rc == SCORE_OK && options)
        memcpy(&o, options, options->size);
    if (rc == SCORE_OK && counts)
        rc = sc_pool_size_ok(counts, sizeof *counts, "counts");
    score_pool_apply_counts c = {sizeof c, 0, 0, 0, 0};
    sc_lines f;
    if (rc == SCORE_OK && (rc = sc_lines_read(path, &f)) != SCORE_OK && counts)
        sc_pool_copy_out(counts, &c);
    if (rc != SCORE_OK)
        return rc;
    pthread_mutex_lock(&pool->mutex);
    uint64_t start = pool->end;
    rc = writable(pool);
    if (rc == SCORE_OK)
        rc = apply_lines(pool, &f, path, &o, &c);
    int synced = 1;
    if (pool->end != start && !pool->failed && fdatasync(pool->journal_fd) != 0) {
        int r = io_error("cannot sync", pool->journal_path);
        pool->failed = synced = 0;
        if (rc == SCORE_OK)
            rc = r;
    }
    pthread_mutex_unlock(&pool->mutex);
    if (rc != SCORE_OK && rc != SCORE_EINVAL)
        rc = say_committed(rc, &c, f.line, synced);
    sc_lines_free(&f);
    /* filled on failure too: a caller must know what was committed so that
     * a retry does not apply it twice */
    if (counts)
        sc_pool_copy_out(counts, &c);
    return rc;
}

/* ---- reading ----------------------------------------------------------------- */

int score_pool_get_state(score_pool *pool, score_pool_state *state)
{
    int rc = pool ? sc_pool_size_ok(state, sizeof *state, "state")
                  : sc_error(SCORE_EINVAL, "pool is NULL");
    if (rc != SCORE_OK)
        return rc;
    score_pool_state s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    pthread_mutex_lock(&pool->mutex);
    sc_ledger_state(pool->ledger, &s);
    s.journal_bytes = pool->end;
    s.torn_bytes = pool->torn_bytes;
    pthread_mutex_unlock(&pool->mutex);
    sc_pool_copy_out(state, &s);
    return SCORE_OK;
}

int score_pool_get_config(score_pool *pool, score_pool_config *config)
{
    int rc = pool ? sc_pool_size_ok(config, sizeof *config, "config")
                  : sc_error(SCORE_EINVAL, "pool is NULL");
    if (rc == SCORE_OK)
        sc_pool_copy_out(config, sc_ledger_config(pool->ledger)); /* immutable */
    return rc;
}

static int member_locked(score_pool *pool, const char *uscc, size_t index,
                         score_pool_member_info *info)
{
    score_pool_member_info m;
    memset(&m, 0, sizeof m);
    m.size = sizeof m;
    pthread_mutex_lock(&pool->mutex);
    int rc = SCORE_OK;
    if (uscc && sc_ledger_member_find(pool->ledger, uscc, &index) != SCORE_OK)
        rc = sc_error(SCORE_ENOTFOUND, "%.40s is not a member of this pool", uscc);
    if (rc == SCORE_OK)
        rc = sc_ledger_member_at(pool->ledger, index, &m);
    pthread_mutex_unlock(&pool->mutex);
    if (rc == SCORE_OK)
        sc_pool_copy_out(info, &m);
    return rc;
}

int score_pool_member(score_pool *pool, const char *uscc, score_pool_member_info *info)
{
    int rc = pool && uscc ? sc_pool_size_ok(info, sizeof *info, "info")
                          : sc_error(SCORE_EINVAL, "pool and uscc must not be NULL");
    return rc == SCORE_OK ? member_locked(pool, uscc, 0, info) : rc;
}

int score_pool_member_at(score_pool *pool, size_t index, score_pool_member_info *info)
{
    int rc = pool ? sc_pool_size_ok(info, sizeof *info, "info")
                  : sc_error(SCORE_EINVAL, "pool is NULL");
    return rc == SCORE_OK ? member_locked(pool, NULL, index, info) : rc;
}
