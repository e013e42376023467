/* The registry of financed documents: the log's document records, read
 * once into a table keyed by the salted document hash. Only the salted hash
 * is stored: SHA-256(salt || the holder's hash), the salt shared by the
 * lenders of one platform, so that a hash seen in the log cannot be matched
 * against documents by anyone outside it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "evidence.h"

#define LENDER_MAX 64

typedef struct doc_entry {
    uint8_t key[SC_EVID_HASH];
    uint64_t first;
    int64_t face, registered;
    char lender[LENDER_MAX + 1];
    int used;
} doc_entry;

struct sc_evid_registry {
    uint8_t salt[32];
    doc_entry *slots;
    size_t cap, count;
};

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void sc_evid_registry_free(sc_evid_registry *r)
{
    if (!r)
        return;
    sc_free(r->slots);
    sc_free(r);
}

static doc_entry *slot(sc_evid_registry *r, const uint8_t *key)
{
    size_t i = (size_t)get64(key) & (r->cap - 1);
    while (r->slots[i].used && memcmp(r->slots[i].key, key, SC_EVID_HASH))
        i = (i + 1) & (r->cap - 1);
    return &r->slots[i];
}

static int grow(sc_evid_registry *r)
{
    if ((r->count + 1) * 2 <= r->cap)
        return SCORE_OK;
    size_t cap = r->cap ? r->cap * 2 : 64;
    doc_entry *old = r->slots;
    size_t old_cap = r->cap;
    if (!(r->slots = sc_calloc(cap, sizeof *r->slots))) {
        r->slots = old;
        return sc_error(SCORE_ENOMEM, "evidence registry: out of memory");
    }
    r->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].used)
            *slot(r, old[i].key) = old[i];
    sc_free(old);
    return SCORE_OK;
}

/* Add or update the entry of one document record. */
static int note(sc_evid_registry *r, const sc_evid_record *rec)
{
    const uint8_t *p = rec->body;
    if (rec->body_len < 44 || rec->body_len != (size_t)44 + p[1] || p[1] > LENDER_MAX)
        return sc_error(SCORE_ECORRUPT, "record %llu: a malformed document body",
                        (unsigned long long)rec->number);
    int rc = grow(r);
    if (rc != SCORE_OK)
        return rc;
    doc_entry *e = slot(r, rec->input);
    if (!e->used) {
        e->used = 1;
        memcpy(e->key, rec->input, SC_EVID_HASH);
        e->first = rec->number;
        e->face = (int64_t)get64(p + 28);
        memcpy(e->lender, p + 44, p[1]);
        e->lender[p[1]] = 0;
        r->count++;
    }
    e->registered = (int64_t)get64(p + 36);
    return SCORE_OK;
}

static int visit(void *user, const sc_evid_record *rec, const uint8_t *leaf, size_t offset)
{
    (void)leaf;
    (void)offset;
    return rec->kind == SCORE_EVIDENCE_DOCUMENT ? note(user, rec) : SCORE_OK;
}

/* Called with the lock held. */
static int registry(score_evidence_log *log, sc_evid_registry **out)
{
    if (log->registry) {
        *out = log->registry;
        return SCORE_OK;
    }
    sc_evid_registry *r = sc_calloc(1, sizeof *r);
    if (!r)
        return sc_error(SCORE_ENOMEM, "evidence registry: out of memory");
    char *path = sc_evid_path(log->dir, "salt");
    uint8_t *data = NULL;
    size_t size = 0;
    int rc = path ? sc_evid_read_file(path, &data, &size)
                  : sc_error(SCORE_ENOMEM, "evidence registry: out of memory");
    if (rc == SCORE_OK && size != sizeof r->salt)
        rc = sc_error(SCORE_ECORRUPT, "%s: %zu bytes, not the 32 of a salt", path, size);
    if (rc == SCORE_OK)
        memcpy(r->salt, data, sizeof r->salt);
    sc_free(data);
    sc_free(path);
    data = NULL;
    if (rc == SCORE_OK)
        rc = sc_evid_read_file(log->log_path, &data, &size);
    if (rc == SCORE_OK) {
        sc_evid_scan_result s;
        rc = sc_evid_scan(data, size < log->end ? size : log->end, log->log_path, visit, r, &s);
    }
    sc_free(data);
    if (rc != SCORE_OK) {
        sc_evid_registry_free(r);
        return rc;
    }
    *out = log->registry = r;
    return SCORE_OK;
}

void score_evidence_document_init(score_evidence_document *d)
{
    if (!d)
        return;
    memset(d, 0, sizeof *d);
    d->size = sizeof *d;
}

static void salted(const sc_evid_registry *r, const uint8_t *doc_hash, uint8_t out[32])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, r->salt, sizeof r->salt);
    crypto_hash_sha256_update(&st, doc_hash, SC_EVID_HASH);
    crypto_hash_sha256_final(&st, out);
}

static int check_document(const score_evidence_document *d)
{
    static const char fn[] = "score_evidence_register";
    if (d->size != sizeof *d)
        return sc_error(SCORE_EINVAL, "%s: document->size is not sizeof(score_evidence_document)",
                        fn);
    if (d->kind < SCORE_DOCUMENT_ORDER || d->kind > SCORE_DOCUMENT_PATENT)
        return sc_error(SCORE_EINVAL, "%s: document kind %d is not a SCORE_DOCUMENT_*", fn,
                        d->kind);
    if (d->amount <= 0 || d->face_amount < 0)
        return sc_error(SCORE_EINVAL, "%s: the amount must be above 0 and the face amount not "
                        "negative", fn);
    size_t n = d->lender ? strlen(d->lender) : 0;
    if (n == 0 || n > LENDER_MAX)
        return sc_error(SCORE_EINVAL, "%s: the lender must be 1..%d bytes", fn, LENDER_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)d->lender[i] < 0x20 || d->lender[i] == 0x7f)
            return sc_error(SCORE_EINVAL, "%s: the lender holds a control character", fn);
    if (memchr(d->uscc, 0, sizeof d->uscc) == NULL || !score_uscc_valid(d->uscc))
        return sc_error(SCORE_EINVAL, "%s: \"%.18s\" is not a valid USCC", fn, d->uscc);
    return SCORE_OK;
}

int score_evidence_register(score_evidence_log *log, const score_evidence_document *d,
                            uint64_t *record, uint64_t *first)
{
    if (!log || !d)
        return sc_error(SCORE_EINVAL, "score_evidence_register: NULL argument");
    int rc = check_document(d);
    if (rc != SCORE_OK)
        return rc;
    int64_t face = d->face_amount ? d->face_amount : d->amount;
    pthread_mutex_lock(&log->lock);
    sc_evid_registry *r;
    rc = registry(log, &r);
    uint8_t key[SC_EVID_HASH];
    doc_entry *e = NULL;
    if (rc == SCORE_OK && (rc = grow(r)) == SCORE_OK) {
        salted(r, d->doc_hash, key);
        e = slot(r, key);
    }
    int existed = e && e->used;
    int64_t sum = d->amount;
    if (rc == SCORE_OK && existed) {
        if (first)
            *first = e->first;
        if (strcmp(e->lender, d->lender))
            rc = sc_error(SCORE_EREJECTED, "the document is registered already, by another "
                          "lender, in record %llu: financing it again is double financing",
                          (unsigned long long)e->first);
        else if (e->registered > e->face - d->amount)
            rc = sc_error(SCORE_EREJECTED, "the document (registered in record %llu) is worth "
                          "%lld fen; %lld are registered against it, and %lld more would "
                          "exceed it", (unsigned long long)e->first, (long long)e->face,
                          (long long)e->registered, (long long)d->amount);
        face = e->face;
        sum = e->registered + d->amount;
    } else if (rc == SCORE_OK && d->amount > face) {
        rc = sc_error(SCORE_EREJECTED, "an amount of %lld fen above the document's face amount "
                      "of %lld", (long long)d->amount, (long long)face);
    }
    if (rc == SCORE_OK) {
        size_t n = strlen(d->lender);
        uint8_t body[44 + LENDER_MAX];
        body[0] = (uint8_t)d->kind;
        body[1] = (uint8_t)n;
        memcpy(body + 2, d->uscc, 18);
        put64(body + 20, (uint64_t)d->amount);
        put64(body + 28, (uint64_t)face);
        put64(body + 36, (uint64_t)sum);
        memcpy(body + 44, d->lender, n);
        sc_evid_record rec;
        memset(&rec, 0, sizeof rec);
        rec.kind = SCORE_EVIDENCE_DOCUMENT;
        rec.time_us = sc_evid_now_us();
        rec.actor = d->lender;
        rec.actor_len = n;
        uint8_t zero[SC_EVID_HASH] = {0};
        rec.model = rec.config = zero;
        rec.input = key;
        rec.body = body;
        rec.body_len = 44 + n;
        uint64_t number;
        rc = sc_evid_append_locked(log, &rec, 1, &number);
        if (rc == SCORE_OK) {
            rec.number = number;
            rc = note(r, &rec);
            if (record)
                *record = number;
            if (first && !existed)
                *first = number;
        }
    }
    pthread_mutex_unlock(&log->lock);
    return rc;
}

int score_evidence_document_find(score_evidence_log *log, int kind, const uint8_t *doc_hash,
                                 int *found, uint64_t *first, int64_t *registered,
                                 int64_t *face_amount)
{
    if (!log || !doc_hash || !found)
        return sc_error(SCORE_EINVAL, "score_evidence_document_find: NULL argument");
    if (kind < SCORE_DOCUMENT_ORDER || kind > SCORE_DOCUMENT_PATENT)
        return sc_error(SCORE_EINVAL, "score_evidence_document_find: kind %d is not a "
                        "SCORE_DOCUMENT_*", kind);
    pthread_mutex_lock(&log->lock);
    sc_evid_registry *r;
    int rc = registry(log, &r);
    if (rc == SCORE_OK) {
        uint8_t key[SC_EVID_HASH];
        salted(r, doc_hash, key);
        doc_entry *e = r->cap ? slot(r, key) : NULL;
        *found = e && e->used;
        if (*found) {
            if (first)
                *first = e->first;
            if (registered)
                *registered = e->registered;
            if (face_amount)
                *face_amount = e->face;
        }
    }
    pthread_mutex_unlock(&log->lock);
    return rc;
}
