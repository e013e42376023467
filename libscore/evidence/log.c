/* Opening, appending to and closing an evidence log; keys and heads.
 *
 * Order of writes in an append: the records to `log`, one fsync (now they
 * are acknowledged), then the derived files (tree.K, offsets) without a
 * sync. A crash can therefore leave the log ahead of its tree, never
 * behind: opening adds the missing records to the tree, and a record the
 * tree holds but the log does not is damage, never a torn tail. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "evidence.h"

static const char secret_tag[] = "libscore-evidence-secret-key-v1 ";
static const char public_tag[] = "libscore-evidence-public-key-v1 ";

void sc_evid_init_sodium(void)
{
    /* Safe to call from several threads; later calls return 1. It fails
     * only without a source of randomness, which keygen and create report
     * through randombytes itself aborting; nothing else here needs it. */
    if (sodium_init() < 0)
        return;
}

char *sc_evid_path(const char *dir, const char *file)
{
    size_t a = strlen(dir), b = strlen(file);
    char *p = sc_malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, file, b + 1);
    return p;
}

void sc_evid_hex(const uint8_t *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int sc_evid_unhex(const char *text, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(text[2 * i]), lo = hi < 0 ? -1 : hexval(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int64_t sc_evid_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void sc_evid_format_time(int64_t time_us, char out[32])
{
    time_t secs = (time_t)(time_us >= 0 ? time_us / 1000000 : (time_us - 999999) / 1000000);
    long micro = (long)(time_us - (int64_t)secs * 1000000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
        snprintf(out, 32, "(out of range)");
        return;
    }
    char text[64];
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micro);
    memcpy(out, text, 32);
    out[31] = 0;
}

int sc_evid_read_file(const char *path, uint8_t **data, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sc_error(errno == ENOENT ? SCORE_ENOTFOUND : SCORE_EIO, "%s: %s", path,
                        strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return sc_error(SCORE_EIO, "%s: %s", path, strerror(errno));
    }
    uint8_t *buf = sc_malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return sc_error(SCORE_ENOMEM, "%s: out of memory", path);
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            break;
        }
        got += (size_t)r;
    }
    close(fd);
    buf[got] = 0;
    *data = buf;
    *size = got;
    return SCORE_OK;
}

static int write_all(int fd, const void *data, size_t n, off_t at)
{
    const uint8_t *p = data;
    while (n) {
        ssize_t w = pwrite(fd, p, n, at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
        at += w;
    }
    return 0;
}

/* ---- keys ------------------------------------------------------------------ */

static int write_key(const char *path, const char *tag, const uint8_t *key, size_t n, int mode)
{
    char text[200];
    size_t t = strlen(tag);
    memcpy(text, tag, t);
    sc_evid_hex(key, n, text + t);
    strcat(text, "\n");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return sc_error(SCORE_EIO, "%s: %s", path, strerror(errno));
    int bad = fchmod(fd, (mode_t)mode) != 0 || write_all(fd, text, strlen(text), 0) != 0 ||
              fsync(fd) != 0;
    int err = errno;
    close(fd);
    sodium_memzero(text, sizeof text);
    if (bad) {
        unlink(path);
        return sc_error(SCORE_EIO, "%s: %s", path, strerror(err));
    }
    return SCORE_OK;
}

int score_evidence_keygen(const char *dir)
{
    if (!dir)
        return sc_error(SCORE_EINVAL, "score_evidence_keygen: dir must not be NULL");
    sc_evid_init_sodium();
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    char *sp = sc_evid_path(dir, "evidence.key"), *pp = sc_evid_path(dir, "evidence.pub");
    int rc = !sp || !pp ? sc_error(SCORE_ENOMEM, "score_evidence_keygen: out of memory")
                        : write_key(sp, secret_tag, sk, sizeof sk, 0600);
    if (rc == SCORE_OK && (rc = write_key(pp, public_tag, pk, sizeof pk, 0644)) != SCORE_OK)
        unlink(sp);
    sodium_memzero(sk, sizeof sk);
    sc_free(sp);
    sc_free(pp);
    return rc;
}

static int read_key(const char *path, const char *tag, uint8_t *key, size_t n, int secret)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sc_error(SCORE_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return sc_error(SCORE_EIO, "%s: %s", path, strerror(errno));
    }
    if (secret && (st.st_mode & 077)) {
        close(fd);
        return sc_error(SCORE_EINVAL, "%s: a private key readable or writable by others (mode "
                        "%04o); make it 0600 (chmod 600) and think whether it leaked",
                        path, (unsigned)(st.st_mode & 07777));
    }
    char text[300];
    ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    size_t t = strlen(tag);
    if (got < 0)
        return sc_error(SCORE_EIO, "%s: %s", path, strerror(errno));
    text[got] = 0;
    int ok = (size_t)got >= t + 2 * n && !memcmp(text, tag, t) &&
             sc_evid_unhex(text + t, key, n) == 0 &&
             (text[t + 2 * n] == '\n' || text[t + 2 * n] == 0);
    sodium_memzero(text, sizeof text);
    if (!ok)
        return sc_error(SCORE_EFORMAT, "%s: not a libscore evidence %s key file", path,
                        secret ? "private" : "public");
    return SCORE_OK;
}

int score_evidence_public_key_read(const char *path, uint8_t *key)
{
    if (!path || !key)
        return sc_error(SCORE_EINVAL, "score_evidence_public_key_read: NULL argument");
    return read_key(path, public_tag, key, 32, 0);
}

/* ---- opening ------------------------------------------------------------------ */

void score_evidence_open_options_init(score_evidence_open_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
}

static void warn(const score_evidence_open_options *o, const char *file, const char *message)
{
    if (!o->diagnostic)
        return;
    char text[600];
    snprintf(text, sizeof text, "%s: %s", file, message);
    score_diagnostic d = {SCORE_DIAG_WARNING, file, 0, 0, "", message, text};
    o->diagnostic(o->user, &d);
}

static int create_log(const char *dir, const char *log_path)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return sc_error(SCORE_EIO, "%s: %s", dir, strerror(errno));
    char *salt_path = sc_evid_path(dir, "salt");
    if (!salt_path)
        return sc_error(SCORE_ENOMEM, "evidence: out of memory");
    uint8_t salt[32], header[SC_EVID_FILE_HEADER];
    randombytes_buf(salt, sizeof salt);
    sc_evid_file_header(header);
    int rc = SCORE_OK;
    int fd = open(salt_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, salt, sizeof salt, 0) != 0 || fsync(fd) != 0)
        rc = sc_error(SCORE_EIO, "%s: %s", salt_path, strerror(errno));
    if (fd >= 0)
        close(fd);
    sc_free(salt_path);
    if (rc != SCORE_OK)
        return rc;
    fd = open(log_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, header, sizeof header, 0) != 0 || fsync(fd) != 0)
        rc = sc_error(SCORE_EIO, "%s: %s", log_path, strerror(errno));
    if (fd >= 0)
        close(fd);
    int dfd = open(dir, O_RDONLY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return rc;
}

static int read_at(int fd, void *buf, size_t n, uint64_t at)
{
    uint8_t *p = buf;
    while (n) {
        ssize_t r = pread(fd, p, n, (off_t)at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
        at += (uint64_t)r;
    }
    return 0;
}

static uint64_t get64le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put64le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Read the framed record at `at` (up to `limit`) whole: its payload, length,
 * leaf hash. 1 when whole and intact; 0 with *cut/why otherwise. */
static int frame_from_file(int fd, uint64_t at, uint64_t limit, uint8_t **payload, uint32_t *len,
                           uint64_t *number, uint8_t leaf[SC_EVID_HASH], int *cut,
                           const char **why)
{
    uint8_t head[SC_EVID_FRAME];
    *payload = NULL;
    *cut = 0;
    if (limit - at < SC_EVID_FRAME || read_at(fd, head, sizeof head, at) != 0) {
        *cut = 1;
        *why = "an incomplete record header";
        return 0;
    }
    uint32_t l = (uint32_t)get64le(head + 4) & 0xffffffffu;
    if (l < SC_EVID_FIXED || l > SC_EVID_PAYLOAD_MAX) {
        *why = "a record length out of range";
        return 0;
    }
    if (limit - at - SC_EVID_FRAME < l) {
        *cut = 1;
        *why = "a record cut short by the end of the file";
        return 0;
    }
    uint8_t *buf = sc_malloc(SC_EVID_FRAME + l);
    if (!buf) {
        *why = "out of memory";
        return -1;
    }
    if (read_at(fd, buf, SC_EVID_FRAME + l, at) != 0) {
        sc_free(buf);
        *why = "a read error";
        return 0;
    }
    uint32_t l2;
    int ok = sc_evid_frame_at(buf, SC_EVID_FRAME + l, 0, &l2, number, cut, why);
    if (ok) {
        memmove(buf, buf + SC_EVID_FRAME, l);
        *payload = buf;
        *len = l;
        sc_evid_leaf_hash(*number, buf, l, leaf);
    } else {
        sc_free(buf);
    }
    return ok;
}

static int lock_log(int fd, const char *path)
{
    struct flock fl = {0};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &fl) != 0)
        return sc_error(errno == EACCES || errno == EAGAIN ? SCORE_EBUSY : SCORE_EIO,
                        "%s: %s", path, errno == EACCES || errno == EAGAIN
                        ? "another process is writing this evidence log" : strerror(errno));
    return SCORE_OK;
}

static int write_offsets(score_evidence_log *log, const uint64_t *offsets, uint64_t first,
                         uint64_t n)
{
    if (n == 0)
        return SCORE_OK;
    uint8_t *buf = sc_malloc_array((size_t)n, 8);
    if (!buf)
        return sc_error(SCORE_ENOMEM, "evidence: out of memory");
    for (uint64_t i = 0; i < n; i++)
        put64le(buf + 8 * i, offsets[i]);
    int bad = write_all(log->fd_offsets, buf, (size_t)n * 8, (off_t)(first * 8));
    sc_free(buf);
    if (bad)
        return sc_error(SCORE_EIO, "%s/offsets: %s", log->dir, strerror(errno));
    return SCORE_OK;
}

/* The records the log holds beyond the tree (written, synced, then a crash
 * before the tree was): chain them on and add them to the tree. */
static int catch_up(score_evidence_log *log, uint64_t size, const score_evidence_open_options *o)
{
    uint64_t at = log->end;
    while (at < size) {
        uint8_t *payload, leaf[SC_EVID_HASH];
        uint32_t len;
        uint64_t number;
        int cut;
        const char *why;
        int ok = frame_from_file(log->fd, at, size, &payload, &len, &number, leaf, &cut, &why);
        if (ok < 0)
            return sc_error(SCORE_ENOMEM, "evidence: out of memory");
        if (!ok) {
            if (!cut)
                return sc_error(SCORE_ECORRUPT, "%s: record %llu at offset %llu: %s (only a "
                                "record cut short at the end can be a torn write)",
                                log->log_path, (unsigned long long)log->n,
                                (unsigned long long)at, why);
            char msg[300];
            snprintf(msg, sizeof msg, "%llu bytes of a torn write after record %llu (never "
                     "acknowledged) cut off", (unsigned long long)(size - at),
                     (unsigned long long)log->n);
            warn(o, log->log_path, msg);
            if (ftruncate(log->fd, (off_t)at) != 0)
                return sc_error(SCORE_EIO, "%s: %s", log->log_path, strerror(errno));
            break;
        }
        sc_evid_record r;
        int rc = sc_evid_decode(payload, len, number, &r);
        if (rc == SCORE_OK && number != log->n)
            rc = sc_error(SCORE_ECORRUPT, "numbered %llu", (unsigned long long)number);
        if (rc == SCORE_OK && memcmp(r.prev, log->last_leaf, SC_EVID_HASH))
            rc = sc_error(SCORE_ECORRUPT, "the chain is broken (it does not carry the hash of "
                          "the record before)");
        sc_free(payload);
        if (rc == SCORE_OK) {
            rc = sc_evid_tree_append(&log->tree, leaf, 1);
            if (rc == SCORE_OK)
                rc = write_offsets(log, &at, log->n, 1);
        }
        if (rc != SCORE_OK) {
            char where[300];
            snprintf(where, sizeof where, "%s: record %llu at offset %llu", log->log_path,
                     (unsigned long long)log->n, (unsigned long long)at);
            return sc_error_prefix(rc, where);
        }
        memcpy(log->last_leaf, leaf, SC_EVID_HASH);
        log->n++;
        at += SC_EVID_FRAME + len;
        log->end = at;
    }
    return SCORE_OK;
}

/* Where the tree says the log ends: the last record it holds must be whole
 * and be the tree's last leaf. */
static int check_end(score_evidence_log *log, uint64_t n, uint64_t size)
{
    uint8_t off[8];
    if (read_at(log->fd_offsets, off, 8, (n - 1) * 8) != 0)
        return sc_error(SCORE_EIO, "%s/offsets: %s", log->dir, strerror(errno));
    uint64_t at = get64le(off);
    uint8_t *payload, leaf[SC_EVID_HASH], stored[SC_EVID_HASH];
    uint32_t len;
    uint64_t number;
    int cut;
    const char *why = "an offset beyond the log";
    int ok = at >= SC_EVID_FILE_HEADER && at < size
             ? frame_from_file(log->fd, at, size, &payload, &len, &number, leaf, &cut, &why) : 0;
    if (ok < 0)
        return sc_error(SCORE_ENOMEM, "evidence: out of memory");
    if (!ok)
        return sc_error(SCORE_ECORRUPT, "%s: record %llu, which the tree holds, is damaged or "
                        "missing (%s at offset %llu): the log was truncated or altered, not "
                        "torn", log->log_path, (unsigned long long)(n - 1), why,
                        (unsigned long long)at);
    sc_free(payload);
    int rc = sc_evid_tree_node(&log->tree, 0, n - 1, stored);
    if (rc != SCORE_OK)
        return rc;
    if (number != n - 1 || memcmp(leaf, stored, SC_EVID_HASH))
        return sc_error(SCORE_ECORRUPT, "%s: record %llu does not match the tree's leaf %llu: "
                        "the log was altered", log->log_path, (unsigned long long)(n - 1),
                        (unsigned long long)(n - 1));
    memcpy(log->last_leaf, leaf, SC_EVID_HASH);
    log->end = at + SC_EVID_FRAME + len;
    return SCORE_OK;
}

static int open_files(score_evidence_log *log, const score_evidence_open_options *o)
{
    int flags = (log->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
    if ((log->fd = open(log->log_path, flags)) < 0)
        return sc_error(errno == ENOENT ? SCORE_ENOTFOUND : SCORE_EIO, "%s: %s%s", log->log_path,
                        strerror(errno), errno == ENOENT ? " (no evidence log here)" : "");
    int rc;
    if (!log->read_only && (rc = lock_log(log->fd, log->log_path)) != SCORE_OK)
        return rc;
    char *offp = sc_evid_path(log->dir, "offsets");
    if (!offp)
        return sc_error(SCORE_ENOMEM, "evidence: out of memory");
    log->fd_offsets = open(offp, log->read_only ? O_RDONLY | O_CLOEXEC
                                                 : O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    rc = log->fd_offsets < 0 && !(log->read_only && errno == ENOENT)
         ? sc_error(SCORE_EIO, "%s: %s", offp, strerror(errno)) : SCORE_OK;
    sc_free(offp);
    if (rc != SCORE_OK)
        return rc;
    uint8_t header[SC_EVID_FILE_HEADER];
    struct stat st;
    if (fstat(log->fd, &st) != 0)
        return sc_error(SCORE_EIO, "%s: %s", log->log_path, strerror(errno));
    uint64_t size = (uint64_t)st.st_size;
    if (read_at(log->fd, header, sizeof header, 0) != 0)
        return sc_error(SCORE_ECORRUPT, "%s: %llu bytes, shorter than an evidence log's header",
                        log->log_path, (unsigned long long)size);
    if ((rc = sc_evid_check_file_header(header, sizeof header, log->log_path)) != SCORE_OK)
        return rc;
    uint64_t n_off = 0;
    if (log->fd_offsets >= 0 && fstat(log->fd_offsets, &st) == 0)
        n_off = (uint64_t)st.st_size / 8;
    if ((rc = sc_evid_tree_open(&log->tree, log->dir, 0, !log->read_only)) != SCORE_OK)
        return rc;
    uint64_t n_tree = sc_evid_tree_stored(&log->tree, 0);
    uint64_t n = n_off < n_tree ? n_off : n_tree;
    log->end = SC_EVID_FILE_HEADER;
    if (n && (rc = check_end(log, n, size)) != SCORE_OK)
        return rc;
    log->n = n;
    log->tree.size = n;
    if (log->read_only) {
        if (size > log->end) {
            char msg[200];
            snprintf(msg, sizeof msg, "%llu bytes after record %llu are not in the tree yet "
                     "(a writer is appending, or crashed): ignored by this read-only open",
                     (unsigned long long)(size - log->end), (unsigned long long)n);
            warn(o, log->log_path, msg);
        }
        return SCORE_OK;
    }
    return catch_up(log, size, o);
}

int score_evidence_open(const char *dir, const score_evidence_open_options *options,
                        score_evidence_log **out)
{
    static const char fn[] = "score_evidence_open";
    score_evidence_open_options o;
    score_evidence_open_options_init(&o);
    if (!dir || !out)
        return sc_error(SCORE_EINVAL, "%s: dir and out must not be NULL", fn);
    if (options) {
        if (options->size > sizeof o || options->size < sizeof(size_t))
            return sc_error(SCORE_EINVAL, "%s: options->size %zu is not one this library "
                            "knows", fn, options->size);
        memcpy(&o, options, options->size);
    }
    sc_evid_init_sodium();
    score_evidence_log *log = sc_calloc(1, sizeof *log);
    if (!log)
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    log->fd = log->fd_offsets = -1;
    for (int k = 0; k < SC_EVID_LEVELS; k++)
        log->tree.fd[k] = -1;
    log->read_only = o.read_only;
    pthread_mutex_init(&log->lock, NULL);
    sc_str_init(&log->batch);
    int rc = SCORE_OK;
    if (!(log->dir = sc_strdup(dir)) || !(log->log_path = sc_evid_path(dir, "log")))
        rc = sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    if (rc == SCORE_OK && o.create && !o.read_only && access(log->log_path, F_OK) != 0)
        rc = create_log(dir, log->log_path);
    if (rc == SCORE_OK && o.private_key) {
        rc = read_key(o.private_key, secret_tag, log->secret, sizeof log->secret, 1);
        if (rc == SCORE_OK) {
            crypto_sign_ed25519_sk_to_pk(log->public_key, log->secret);
            log->has_key = 1;
        }
    }
    if (rc == SCORE_OK)
        rc = open_files(log, &o);
    if (rc != SCORE_OK) {
        score_evidence_close(log);
        return rc;
    }
    *out = log;
    return SCORE_OK;
}

void score_evidence_close(score_evidence_log *log)
{
    if (!log)
        return;
    if (log->fd >= 0)
        close(log->fd);
    if (log->fd_offsets >= 0)
        close(log->fd_offsets);
    sc_evid_tree_close(&log->tree);
    sc_evid_registry_free(log->registry);
    sodium_memzero(log->secret, sizeof log->secret);
    pthread_mutex_destroy(&log->lock);
    sc_str_free(&log->batch);
    sc_free(log->leaves);
    sc_free(log->offsets);
    sc_free(log->log_path);
    sc_free(log->dir);
    sc_free(log);
}

uint64_t score_evidence_size(score_evidence_log *log)
{
    if (!log)
        return 0;
    pthread_mutex_lock(&log->lock);
    uint64_t n = log->n;
    pthread_mutex_unlock(&log->lock);
    return n;
}

/* ---- appending ---------------------------------------------------------------- */

int sc_evid_append_locked(score_evidence_log *log, const sc_evid_record *records, size_t n,
                          uint64_t *first)
{
    if (log->read_only)
        return sc_error(SCORE_EINVAL, "%s: the evidence log was opened read-only", log->dir);
    if (n == 0) {
        if (first)
            *first = log->n;
        return SCORE_OK;
    }
    if (sc_grow((void **)&log->leaves, &log->leaves_cap, n, SC_EVID_HASH) != SCORE_OK ||
        sc_grow((void **)&log->offsets, &log->offsets_cap, n, sizeof(uint64_t)) != SCORE_OK)
        return sc_error(SCORE_ENOMEM, "evidence: out of memory");
    sc_str_clear(&log->batch);
    uint8_t prev[SC_EVID_HASH];
    memcpy(prev, log->last_leaf, SC_EVID_HASH);
    for (size_t i = 0; i < n; i++) {
        sc_evid_record r = records[i];
        r.number = log->n + i;
        r.prev = prev;
        log->offsets[i] = log->end + log->batch.len;
        int rc = sc_evid_encode(&log->batch, &r, log->leaves + i * SC_EVID_HASH);
        if (rc != SCORE_OK)
            return rc;
        memcpy(prev, log->leaves + i * SC_EVID_HASH, SC_EVID_HASH);
    }
    if (write_all(log->fd, log->batch.data, log->batch.len, (off_t)log->end) != 0 ||
        fdatasync(log->fd) != 0) {
        int rc = sc_error(SCORE_EIO, "%s: %s", log->log_path, strerror(errno));
        /* Nothing was acknowledged: leave no partial batch behind. */
        if (ftruncate(log->fd, (off_t)log->end) != 0) {
            /* opening again cuts a torn tail */
        }
        return rc;
    }
    uint64_t number = log->n;
    log->n += n;
    log->end += log->batch.len;
    memcpy(log->last_leaf, prev, SC_EVID_HASH);
    if (first)
        *first = number;
    /* Acknowledged from here on; the derived files can be rebuilt from the
     * log when these writes fail, so they do not fail the append. */
    if (sc_evid_tree_append(&log->tree, log->leaves, n) == SCORE_OK)
        write_offsets(log, log->offsets, number, n);
    else
        log->tree.size = log->n;
    return SCORE_OK;
}

void score_evidence_entry_init(score_evidence_entry *e)
{
    if (!e)
        return;
    memset(e, 0, sizeof *e);
    e->size = sizeof *e;
}

int score_evidence_append(score_evidence_log *log, const score_evidence_entry *entries, size_t n,
                          uint64_t *first)
{
    static const char fn[] = "score_evidence_append";
    if (!log || (n && !entries))
        return sc_error(SCORE_EINVAL, "%s: log and entries must not be NULL", fn);
    sc_evid_record *r = sc_calloc(n ? n : 1, sizeof *r);
    if (!r)
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    int64_t now = sc_evid_now_us();
    int rc = SCORE_OK;
    for (size_t i = 0; i < n && rc == SCORE_OK; i++) {
        const score_evidence_entry *e = &entries[i];
        if (e->size != sizeof *e)
            rc = sc_error(SCORE_EINVAL, "%s: entries[%zu].size is not "
                          "sizeof(score_evidence_entry)", fn, i);
        else if (e->body_length && !e->body)
            rc = sc_error(SCORE_EINVAL, "%s: entries[%zu].body is NULL", fn, i);
        r[i].kind = e->kind;
        r[i].time_us = e->time_us ? e->time_us : now;
        r[i].actor = e->actor ? e->actor : "";
        r[i].actor_len = strlen(r[i].actor);
        for (size_t c = 0; c < r[i].actor_len && rc == SCORE_OK; c++)
            if ((unsigned char)r[i].actor[c] < 0x20 || r[i].actor[c] == 0x7f)
                rc = sc_error(SCORE_EINVAL, "%s: entries[%zu].actor holds a control "
                              "character", fn, i);
        r[i].model = e->model_sha256;
        r[i].config = e->config_sha256;
        r[i].input = e->input_sha256;
        r[i].body = e->body;
        r[i].body_len = e->body_length;
    }
    if (rc == SCORE_OK) {
        pthread_mutex_lock(&log->lock);
        rc = sc_evid_append_locked(log, r, n, first);
        pthread_mutex_unlock(&log->lock);
    }
    sc_free(r);
    return rc;
}

int sc_evid_read_payload(score_evidence_log *log, uint64_t number, uint8_t **buf, size_t *len)
{
    if (number >= log->tree.size)
        return sc_error(SCORE_EINVAL, "%s: no record %llu (the log holds %llu)", log->dir,
                        (unsigned long long)number, (unsigned long long)log->n);
    uint8_t off[8], leaf[SC_EVID_HASH], stored[SC_EVID_HASH];
    if (log->fd_offsets < 0 || read_at(log->fd_offsets, off, 8, number * 8) != 0)
        return sc_error(SCORE_ECORRUPT, "%s/offsets: record %llu's offset is missing", log->dir,
                        (unsigned long long)number);
    uint32_t l;
    uint64_t got;
    int cut;
    const char *why;
    struct stat st;
    if (fstat(log->fd, &st) != 0)
        return sc_error(SCORE_EIO, "%s: %s", log->log_path, strerror(errno));
    uint64_t at = get64le(off);
    int ok = at < (uint64_t)st.st_size
             ? frame_from_file(log->fd, at, (uint64_t)st.st_size, buf, &l, &got, leaf, &cut, &why)
             : (why = "an offset beyond the log", 0);
    if (ok < 0)
        return sc_error(SCORE_ENOMEM, "evidence: out of memory");
    if (!ok)
        return sc_error(SCORE_ECORRUPT, "%s: record %llu: %s", log->log_path,
                        (unsigned long long)number, why);
    int rc = sc_evid_tree_node(&log->tree, 0, number, stored);
    if (rc == SCORE_OK && (got != number || memcmp(leaf, stored, SC_EVID_HASH)))
        rc = sc_error(SCORE_ECORRUPT, "%s: record %llu does not match the tree's leaf: the log "
                      "was altered (score evidence verify names the first bad record)",
                      log->log_path, (unsigned long long)number);
    if (rc != SCORE_OK) {
        sc_free(*buf);
        *buf = NULL;
        return rc;
    }
    *len = l;
    return SCORE_OK;
}
