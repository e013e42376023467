/* Tree heads, their signatures, and the proofs of RFC 9162 with their
 * checks (sections 2.1.3 and 2.1.4). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <sodium.h>

#include "evidence.h"

static const char *const kind_names[] = {NULL, "score", "explain", "enhance", "pool_event",
                                         "model_loaded", "config_loaded", "document"};

const char *score_evidence_kind_name(int kind)
{
    return kind >= 1 && kind < (int)SC_ARRAY_LEN(kind_names) ? kind_names[kind] : NULL;
}

int score_evidence_sha256(const void *data, size_t length, uint8_t *out)
{
    if ((!data && length) || !out)
        return sc_error(SCORE_EINVAL, "score_evidence_sha256: NULL argument");
    crypto_hash_sha256(out, data ? data : (const void *)"", length);
    return SCORE_OK;
}

int score_evidence_sha256_file(const char *path, uint8_t *out)
{
    if (!path || !out)
        return sc_error(SCORE_EINVAL, "score_evidence_sha256_file: NULL argument");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sc_error(SCORE_EIO, "%s: %s", path, strerror(errno));
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    uint8_t buf[65536];
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int rc = sc_error(SCORE_EIO, "%s: %s", path, strerror(errno));
            close(fd);
            return rc;
        }
        crypto_hash_sha256_update(&st, buf, (size_t)r);
    }
    close(fd);
    crypto_hash_sha256_final(&st, out);
    return SCORE_OK;
}

/* ---- heads ------------------------------------------------------------------------ */

static void put64le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* What a head's signature covers. */
static void head_message(const score_evidence_head *h, uint8_t out[56])
{
    memcpy(out, "SCEVHEAD", 8);
    put64le(out + 8, h->tree_size);
    put64le(out + 16, (uint64_t)h->time_us);
    memcpy(out + 24, h->root, SC_EVID_HASH);
}

void sc_evid_head_encode(const score_evidence_head *h, uint8_t out[SC_EVID_HEAD_BYTES])
{
    put64le(out, h->tree_size);
    put64le(out + 8, (uint64_t)h->time_us);
    memcpy(out + 16, h->root, 32);
    memcpy(out + 48, h->public_key, 32);
    memcpy(out + 80, h->signature, 64);
}

void sc_evid_head_decode(const uint8_t in[SC_EVID_HEAD_BYTES], score_evidence_head *h)
{
    memset(h, 0, sizeof *h);
    h->size = sizeof *h;
    h->tree_size = get64le(in);
    h->time_us = (int64_t)get64le(in + 8);
    memcpy(h->root, in + 16, 32);
    memcpy(h->public_key, in + 48, 32);
    memcpy(h->signature, in + 80, 64);
}

int score_evidence_head_check(const score_evidence_head *h, const uint8_t *public_key)
{
    if (!h || !public_key)
        return sc_error(SCORE_EINVAL, "score_evidence_head_check: NULL argument");
    sc_evid_init_sodium();
    uint8_t msg[56];
    head_message(h, msg);
    if (crypto_sign_ed25519_verify_detached(h->signature, msg, sizeof msg, public_key) != 0)
        return sc_error(SCORE_ECORRUPT, "the head of %llu records does not carry a valid "
                        "signature by this public key (%s)", (unsigned long long)h->tree_size,
                        memcmp(h->public_key, public_key, 32)
                        ? "it names another signing key" : "it was altered or forged");
    return SCORE_OK;
}

int score_evidence_root(score_evidence_log *log, uint64_t tree_size, uint8_t *root)
{
    if (!log || !root)
        return sc_error(SCORE_EINVAL, "score_evidence_root: NULL argument");
    pthread_mutex_lock(&log->lock);
    int rc = tree_size > log->tree.size
             ? sc_error(SCORE_EINVAL, "score_evidence_root: %llu records asked, the log holds "
                        "%llu", (unsigned long long)tree_size, (unsigned long long)log->tree.size)
             : sc_evid_tree_mth(&log->tree, 0, tree_size, root);
    pthread_mutex_unlock(&log->lock);
    return rc;
}

int score_evidence_leaf_hash(score_evidence_log *log, uint64_t index, uint8_t *hash)
{
    if (!log || !hash)
        return sc_error(SCORE_EINVAL, "score_evidence_leaf_hash: NULL argument");
    pthread_mutex_lock(&log->lock);
    int rc = index >= log->tree.size
             ? sc_error(SCORE_EINVAL, "score_evidence_leaf_hash: no record %llu (the log "
                        "holds %llu)", (unsigned long long)index, (unsigned long long)log->n)
             : sc_evid_tree_node(&log->tree, 0, index, hash);
    pthread_mutex_unlock(&log->lock);
    return rc;
}

int score_evidence_sign_head(score_evidence_log *log, score_evidence_head *head)
{
    static const char fn[] = "score_evidence_sign_head";
    if (!log || !head || head->size != sizeof *head)
        return sc_error(SCORE_EINVAL, "%s: NULL argument or head->size not set", fn);
    if (!log->has_key)
        return sc_error(SCORE_EINVAL, "%s: the log was opened without a private key", fn);
    if (log->read_only)
        return sc_error(SCORE_EINVAL, "%s: the log was opened read-only", fn);
    score_evidence_head h;
    memset(&h, 0, sizeof h);
    h.size = sizeof h;
    pthread_mutex_lock(&log->lock);
    h.tree_size = log->n;
    h.time_us = sc_evid_now_us();
    int rc = sc_evid_tree_mth(&log->tree, 0, h.tree_size, h.root);
    if (rc == SCORE_OK) {
        uint8_t msg[56], rec[SC_EVID_HEAD_BYTES];
        head_message(&h, msg);
        crypto_sign_ed25519_detached(h.signature, NULL, msg, sizeof msg, log->secret);
        memcpy(h.public_key, log->public_key, 32);
        sc_evid_head_encode(&h, rec);
        char *path = sc_evid_path(log->dir, "heads");
        int fd = path ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : -1;
        if (!path)
            rc = sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
        else if (fd < 0 || write(fd, rec, sizeof rec) != (ssize_t)sizeof rec || fsync(fd) != 0)
            rc = sc_error(SCORE_EIO, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        sc_free(path);
    }
    pthread_mutex_unlock(&log->lock);
    if (rc == SCORE_OK)
        *head = h;
    return rc;
}

static int copy_text(const char *text, char *buffer, size_t capacity, size_t *length)
{
    size_t n = strlen(text);
    if (length)
        *length = n;
    if (capacity == 0)
        return SCORE_OK;
    if (!buffer || capacity <= n)
        return sc_error(SCORE_EINVAL, "a buffer of %zu bytes for %zu", capacity, n + 1);
    memcpy(buffer, text, n + 1);
    return SCORE_OK;
}

int score_evidence_head_json(const score_evidence_head *h, char *buffer, size_t capacity,
                             size_t *length)
{
    if (!h)
        return sc_error(SCORE_EINVAL, "score_evidence_head_json: NULL head");
    char root[65], key[65], sig[129], time[32], text[600];
    sc_evid_hex(h->root, 32, root);
    sc_evid_hex(h->public_key, 32, key);
    sc_evid_hex(h->signature, 64, sig);
    sc_evid_format_time(h->time_us, time);
    snprintf(text, sizeof text, "{\"tree_size\": %llu, \"root\": \"%s\", \"time\": \"%s\", "
             "\"time_us\": %lld, \"public_key\": \"%s\", \"signature\": \"%s\"}",
             (unsigned long long)h->tree_size, root, time, (long long)h->time_us, key, sig);
    return copy_text(text, buffer, capacity, length);
}

static int hex_member(json_t *o, const char *key, uint8_t *out, size_t n)
{
    json_t *v = json_object_get(o, key);
    const char *s = json_string_value(v);
    if (!s || strlen(s) != 2 * n || sc_evid_unhex(s, out, n) != 0)
        return sc_error(SCORE_EFORMAT, "head.%s: expected %zu hex digits", key, 2 * n);
    return SCORE_OK;
}

int score_evidence_head_parse(const char *text, size_t length, score_evidence_head *h)
{
    if (!text || !h || h->size != sizeof *h)
        return sc_error(SCORE_EINVAL, "score_evidence_head_parse: NULL argument or size not set");
    json_error_t err;
    json_t *o = json_loadb(text, length, JSON_REJECT_DUPLICATES, &err);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return sc_error(SCORE_EFORMAT, "head: not a JSON object (%s)", o ? "" : err.text);
    }
    score_evidence_head r;
    memset(&r, 0, sizeof r);
    r.size = sizeof r;
    int rc = SCORE_OK;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
        if (strcmp(key, "tree_size") && strcmp(key, "root") && strcmp(key, "time") &&
            strcmp(key, "time_us") && strcmp(key, "public_key") && strcmp(key, "signature")) {
            rc = sc_error(SCORE_EFORMAT, "head.%s: not a key of a tree head", key);
            break;
        }
    json_t *size = json_object_get(o, "tree_size"), *time = json_object_get(o, "time_us");
    if (rc == SCORE_OK && (!json_is_integer(size) || json_integer_value(size) < 0))
        rc = sc_error(SCORE_EFORMAT, "head.tree_size: expected a count");
    if (rc == SCORE_OK && !json_is_integer(time))
        rc = sc_error(SCORE_EFORMAT, "head.time_us: expected an integer");
    if (rc == SCORE_OK && (rc = hex_member(o, "root", r.root, 32)) == SCORE_OK &&
        (rc = hex_member(o, "public_key", r.public_key, 32)) == SCORE_OK)
        rc = hex_member(o, "signature", r.signature, 64);
    if (rc == SCORE_OK) {
        r.tree_size = (uint64_t)json_integer_value(size);
        r.time_us = (int64_t)json_integer_value(time);
        char want[32];
        sc_evid_format_time(r.time_us, want);
        const char *t = json_string_value(json_object_get(o, "time"));
        if (t && strcmp(t, want))
            rc = sc_error(SCORE_EFORMAT, "head.time: \"%s\" is not time_us (%s)", t, want);
    }
    json_decref(o);
    if (rc == SCORE_OK)
        *h = r;
    return rc;
}

/* ---- proofs ------------------------------------------------------------------------ */

int score_evidence_prove_inclusion(score_evidence_log *log, uint64_t index, uint64_t tree_size,
                                   uint8_t *path, size_t capacity, size_t *n)
{
    if (!log || !path || !n)
        return sc_error(SCORE_EINVAL, "score_evidence_prove_inclusion: NULL argument");
    pthread_mutex_lock(&log->lock);
    int rc = sc_evid_inclusion_path(&log->tree, index, tree_size, path, capacity, n);
    pthread_mutex_unlock(&log->lock);
    return rc;
}

int score_evidence_prove_consistency(score_evidence_log *log, uint64_t old_size,
                                     uint64_t tree_size, uint8_t *path, size_t capacity,
                                     size_t *n)
{
    if (!log || !path || !n)
        return sc_error(SCORE_EINVAL, "score_evidence_prove_consistency: NULL argument");
    pthread_mutex_lock(&log->lock);
    int rc = sc_evid_consistency_path(&log->tree, old_size, tree_size, path, capacity, n);
    pthread_mutex_unlock(&log->lock);
    return rc;
}

int score_evidence_check_inclusion(const uint8_t *leaf, uint64_t index, uint64_t tree_size,
                                   const uint8_t *path, size_t n, const uint8_t *root)
{
    if (!leaf || !root || (n && !path))
        return sc_error(SCORE_EINVAL, "score_evidence_check_inclusion: NULL argument");
    if (index >= tree_size)
        return sc_error(SCORE_EINVAL, "inclusion proof: record %llu is not in a tree of %llu",
                        (unsigned long long)index, (unsigned long long)tree_size);
    uint64_t fn = index, sn = tree_size - 1;
    uint8_t r[SC_EVID_HASH];
    memcpy(r, leaf, SC_EVID_HASH);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = path + i * SC_EVID_HASH;
        if (sn == 0)
            return sc_error(SCORE_ECORRUPT, "inclusion proof: %zu hashes, too many", n);
        if ((fn & 1) || fn == sn) {
            sc_evid_node_hash(p, r, r);
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            sc_evid_node_hash(r, p, r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return sc_error(SCORE_ECORRUPT, "inclusion proof: %zu hashes, too few", n);
    if (memcmp(r, root, SC_EVID_HASH))
        return sc_error(SCORE_ECORRUPT, "inclusion proof: the path does not lead to the root: "
                        "the record or the proof is not the one in that tree");
    return SCORE_OK;
}

int score_evidence_check_consistency(uint64_t old_size, const uint8_t *old_root,
                                     uint64_t tree_size, const uint8_t *root,
                                     const uint8_t *path, size_t n)
{
    if (!old_root || !root || (n && !path))
        return sc_error(SCORE_EINVAL, "score_evidence_check_consistency: NULL argument");
    if (old_size == 0 || old_size > tree_size)
        return sc_error(SCORE_EINVAL, "consistency proof: from %llu to %llu records",
                        (unsigned long long)old_size, (unsigned long long)tree_size);
    if (old_size == tree_size) {
        if (n == 0 && !memcmp(old_root, root, SC_EVID_HASH))
            return SCORE_OK;
        return sc_error(SCORE_ECORRUPT, "consistency proof: two heads of %llu records with "
                        "different roots: the log was rewritten", (unsigned long long)old_size);
    }
    if (n == 0)
        return sc_error(SCORE_ECORRUPT, "consistency proof: empty");
    size_t i = 0;
    uint8_t fr[SC_EVID_HASH], sr[SC_EVID_HASH];
    if ((old_size & (old_size - 1)) == 0) {
        memcpy(fr, old_root, SC_EVID_HASH);
    } else {
        memcpy(fr, path, SC_EVID_HASH);
        i = 1;
    }
    memcpy(sr, fr, SC_EVID_HASH);
    uint64_t fn = old_size - 1, sn = tree_size - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    for (; i < n; i++) {
        const uint8_t *c = path + i * SC_EVID_HASH;
        if (sn == 0)
            return sc_error(SCORE_ECORRUPT, "consistency proof: %zu hashes, too many", n);
        if ((fn & 1) || fn == sn) {
            sc_evid_node_hash(c, fr, fr);
            sc_evid_node_hash(c, sr, sr);
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            sc_evid_node_hash(sr, c, sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return sc_error(SCORE_ECORRUPT, "consistency proof: %zu hashes, too few", n);
    if (memcmp(fr, old_root, SC_EVID_HASH) || memcmp(sr, root, SC_EVID_HASH))
        return sc_error(SCORE_ECORRUPT, "consistency proof: the older tree is not the first "
                        "part of the newer one: the log was rewritten between the two heads");
    return SCORE_OK;
}
