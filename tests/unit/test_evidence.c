/*
 * The evidence log: every kind of tampering named and never taken for a
 * torn tail; a writer killed with SIGKILL loses no acknowledged record;
 * proofs against an independent Merkle tree and the RFC 6962/9162 test
 * vectors; keys; the document registry; replay.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>
#include <zlib.h>

#include "evidence/evidence.h"
#include "scorecard/scorecard.h"
#include "helpers.h"

/* Paths live in a ring of static buffers: each test runs in its own
 * process and uses a path soon after making it. */
static char *path_buffer(void)
{
    static char ring[256][512];
    static int next;
    return ring[next++ % 256];
}

static char *temp_dir(const char *tag)
{
    char *d = path_buffer();
    snprintf(d, 512, "/tmp/score_evid_%s_XXXXXX", tag);
    cr_assert_not_null(mkdtemp(d));
    return d;
}

static char *path_in(const char *dir, const char *file)
{
    char *p = path_buffer();
    size_t a = strlen(dir), b = strlen(file);
    cr_assert_lt(a + b + 2, 512);
    memmove(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, file, b + 1);
    return p;
}

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *size = 0;
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return b;
}

static void write_all(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, size, f), size);
    fclose(f);
}

/* Copy every file of dir `from` into `to` (made). */
static void copy_dir(const char *from, const char *to)
{
    mkdir(to, 0755);
    DIR *d = opendir(from);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *a = path_in(from, e->d_name), *b = path_in(to, e->d_name);
        size_t n;
        uint8_t *bytes = read_all(a, &n);
        write_all(b, bytes, n);
        free(bytes);
    }
    closedir(d);
}

static score_evidence_log *open_log(const char *dir, const char *key, int create)
{
    score_evidence_open_options o;
    score_evidence_open_options_init(&o);
    o.create = create;
    o.private_key = key;
    score_evidence_log *log;
    cr_assert_eq(score_evidence_open(dir, &o, &log), SCORE_OK, "%s", score_last_error());
    return log;
}

/* Record i's body: deterministic, of varying length. */
static size_t body_of(uint64_t i, uint8_t *out)
{
    size_t n = 5 + (size_t)(i * 37 % 90);
    for (size_t k = 0; k < n; k++)
        out[k] = (uint8_t)(i * 131 + k * 7);
    return n;
}

static void append_n(score_evidence_log *log, uint64_t first, uint64_t n)
{
    for (uint64_t i = first; i < first + n; i++) {
        uint8_t body[128];
        score_evidence_entry e;
        score_evidence_entry_init(&e);
        e.kind = SCORE_EVIDENCE_POOL_EVENT;
        e.actor = "tester";
        e.time_us = 1700000000000000 + (int64_t)i;
        e.body = body;
        e.body_length = body_of(i, body);
        score_evidence_sha256(body, e.body_length, e.input_sha256);
        uint64_t at;
        cr_assert_eq(score_evidence_append(log, &e, 1, &at), SCORE_OK, "%s", score_last_error());
        cr_assert_eq(at, i);
    }
}

typedef struct lfix {
    char dir[512], keys[512], key[512], pub[512], alt[512];
    uint8_t public_key[32];
    size_t ends[64];            /* the log's offset after each record */
    size_t n;
} lfix;

/* A log of 40 records with heads signed at 13, 27 and 40 records. */
static void build(lfix *f)
{
    f->alt[0] = 0;
    strcpy(f->dir, temp_dir("log"));
    strcpy(f->keys, temp_dir("keys"));
    cr_assert_eq(score_evidence_keygen(f->keys), SCORE_OK, "%s", score_last_error());
    strcpy(f->key, path_in(f->keys, "evidence.key"));
    strcpy(f->pub, path_in(f->keys, "evidence.pub"));
    cr_assert_eq(score_evidence_public_key_read(f->pub, f->public_key), SCORE_OK);
    score_evidence_log *log = open_log(f->dir, f->key, 1);
    score_evidence_head h = {.size = sizeof h};
    append_n(log, 0, 13);
    cr_assert_eq(score_evidence_sign_head(log, &h), SCORE_OK);
    append_n(log, 13, 14);
    cr_assert_eq(score_evidence_sign_head(log, &h), SCORE_OK);
    append_n(log, 27, 13);
    cr_assert_eq(score_evidence_sign_head(log, &h), SCORE_OK);
    score_evidence_close(log);
    f->n = 40;
    char *lp = path_in(f->dir, "log");
    size_t size;
    uint8_t *bytes = read_all(lp, &size);
    size_t pos = SC_EVID_FILE_HEADER;
    for (size_t i = 0; i < f->n; i++) {
        uint32_t len = (uint32_t)bytes[pos + 4] | (uint32_t)bytes[pos + 5] << 8 |
                       (uint32_t)bytes[pos + 6] << 16;
        pos += SC_EVID_FRAME + len;
        f->ends[i] = pos;
    }
    cr_assert_eq(pos, size);
    free(bytes);
}

static size_t start_of(const lfix *f, size_t i)
{
    return i ? f->ends[i - 1] : SC_EVID_FILE_HEADER;
}

typedef struct verdict {
    int rc;
    score_evidence_verify_result r;
    diag_log warnings;
} verdict;

static verdict verify_dir(const char *dir, const uint8_t *key, const score_evidence_head *head)
{
    verdict v;
    memset(&v, 0, sizeof v);
    score_evidence_verify_options o;
    score_evidence_verify_options_init(&o);
    o.public_key = key;
    o.head = head;
    o.diagnostic = collect_diagnostic;
    o.user = &v.warnings;
    v.r.size = sizeof v.r;
    v.rc = score_evidence_verify(dir, &o, &v.r);
    return v;
}

/* Write `bytes` as the log of a copy of the lfix and verify it. */
static verdict verify_altered(lfix *f, const uint8_t *bytes, size_t size)
{
    if (!f->alt[0]) {
        strcpy(f->alt, temp_dir("alt"));
        copy_dir(f->dir, f->alt);
    }
    char *lp = path_in(f->alt, "log");
    write_all(lp, bytes, size);
    verdict v = verify_dir(f->alt, f->public_key, NULL);
    return v;
}

static uint8_t *log_bytes(const lfix *f, size_t *size)
{
    char *lp = path_in(f->dir, "log");
    uint8_t *b = read_all(lp, size);
    return b;
}

Test(evidence, intact_log_verifies)
{
    lfix f;
    build(&f);
    verdict v = verify_dir(f.dir, f.public_key, NULL);
    cr_assert_eq(v.rc, SCORE_OK, "%s", score_last_error());
    cr_assert_eq(v.r.records, 40);
    cr_assert_eq(v.r.heads, 3);
    cr_assert_eq(v.r.bad_record, UINT64_MAX);
    cr_assert_eq(v.warnings.n, 0);
}

/* Every byte of every record flipped, one at a time: verify fails and names
 * the record holding the byte; never a torn tail. */
Test(evidence, every_byte_flip_is_named, .timeout = 300)
{
    lfix f;
    build(&f);
    size_t size;
    uint8_t *bytes = log_bytes(&f, &size);
    size_t rec = 0;
    for (size_t at = SC_EVID_FILE_HEADER; at < size; at++) {
        while (at >= f.ends[rec])
            rec++;
        bytes[at] ^= 0x20;
        verdict v = verify_altered(&f, bytes, size);
        bytes[at] ^= 0x20;
        cr_assert_eq(v.rc, SCORE_ECORRUPT, "byte %zu: %d", at, v.rc);
        cr_assert_eq(v.r.bad_record, rec, "byte %zu of record %zu: named %llu (%s)", at, rec,
                     (unsigned long long)v.r.bad_record, score_last_error());
        cr_assert_eq(v.warnings.n, 0, "byte %zu: taken for a torn tail", at);
    }
    free(bytes);
}

/* Recompute the frame's CRC after changing a payload, as an attacker
 * with write access would. */
static void reseal(uint8_t *rec)
{
    uint32_t len = (uint32_t)rec[4] | (uint32_t)rec[5] << 8 | (uint32_t)rec[6] << 16;
    
    uint32_t c = (uint32_t)crc32(crc32(0, NULL, 0), rec + 4, SC_EVID_FRAME - 4 + len);
    for (int i = 0; i < 4; i++)
        rec[i] = (uint8_t)(c >> (8 * i));
}

Test(evidence, rewritten_record_with_checksum_is_named)
{
    lfix f;
    build(&f);
    size_t size;
    uint8_t *bytes = log_bytes(&f, &size);
    for (size_t rec = 0; rec < f.n; rec++) {
        uint8_t *r = bytes + start_of(&f, rec);
        size_t body_at = SC_EVID_FRAME + SC_EVID_FIXED + strlen("tester");
        r[body_at] ^= 1;
        reseal(r);
        verdict v = verify_altered(&f, bytes, size);
        r[body_at] ^= 1;
        reseal(r);
        cr_assert_eq(v.rc, SCORE_ECORRUPT);
        cr_assert_eq(v.r.bad_record, rec, "record %zu: %s", rec, score_last_error());
        cr_assert(strstr(score_last_error(), "rewritten"), "%s", score_last_error());
    }
    free(bytes);
}

static uint8_t *splice3(const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
                       const uint8_t *c, size_t cn, size_t *n)
{
    uint8_t *out = malloc(an + bn + cn + 1);
    if (an)
        memcpy(out, a, an);
    if (bn)
        memcpy(out + an, b, bn);
    if (cn)
        memcpy(out + an + bn, c, cn);
    *n = an + bn + cn;
    return out;
}

Test(evidence, delete_insert_reorder_truncate_are_named)
{
    lfix f;
    build(&f);
    size_t size, n;
    uint8_t *b = log_bytes(&f, &size);
    for (size_t k = 0; k + 1 < f.n; k++) {
        size_t s = start_of(&f, k), e = f.ends[k], e2 = f.ends[k + 1];
        /* delete record k */
        uint8_t *x = splice3(b, s, NULL, 0, b + e, size - e, &n);
        verdict v = verify_altered(&f, x, n);
        cr_assert_eq(v.rc, SCORE_ECORRUPT);
        cr_assert_eq(v.r.bad_record, k, "delete %zu: %s", k, score_last_error());
        free(x);
        /* insert a copy of record k after it */
        x = splice3(b, e, b + s, e - s, b + e, size - e, &n);
        v = verify_altered(&f, x, n);
        cr_assert_eq(v.rc, SCORE_ECORRUPT);
        cr_assert_eq(v.r.bad_record, k + 1, "insert after %zu: %s", k, score_last_error());
        free(x);
        /* swap records k and k + 1 */
        uint8_t *y = malloc(size);
        memcpy(y, b, s);
        memcpy(y + s, b + e, e2 - e);
        memcpy(y + s + (e2 - e), b + s, e - s);
        memcpy(y + e2, b + e2, size - e2);
        v = verify_altered(&f, y, size);
        cr_assert_eq(v.rc, SCORE_ECORRUPT);
        cr_assert_eq(v.r.bad_record, k, "swap %zu: %s", k, score_last_error());
        free(y);
        /* truncate in the middle of record k, and at its start */
        for (int mid = 0; mid < 2; mid++) {
            v = verify_altered(&f, b, mid ? s + (e - s) / 2 : s);
            cr_assert_eq(v.rc, SCORE_ECORRUPT, "truncate %zu: %d", k, v.rc);
            cr_assert_eq(v.r.bad_record, k, "truncate at %zu: %s", k, score_last_error());
            cr_assert(strstr(score_last_error(), "truncated") ||
                      strstr(score_last_error(), "removed"), "%s", score_last_error());
            cr_assert_eq(v.warnings.n, 0);
        }
    }
    free(b);
}

/* An attacker who rewrites a record and rebuilds every derived file (tree,
 * offsets) is caught by the signed heads; one who also drops the heads, by
 * a head published earlier. */
Test(evidence, rebuilt_tree_caught_by_heads)
{
    lfix f;
    build(&f);
    char *forged = temp_dir("forged");
    score_evidence_log *log = open_log(forged, NULL, 1);
    append_n(log, 0, 20);
    uint8_t body[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    score_evidence_entry e;
    score_evidence_entry_init(&e);
    e.kind = SCORE_EVIDENCE_POOL_EVENT;
    e.actor = "tester";
    e.time_us = 1700000000000020;
    e.body = body;
    e.body_length = sizeof body;
    cr_assert_eq(score_evidence_append(log, &e, 1, NULL), SCORE_OK);
    append_n(log, 21, 19);
    score_evidence_close(log);
    char *heads = path_in(f.dir, "heads"), *fh = path_in(forged, "heads");
    size_t n;
    uint8_t *h = read_all(heads, &n);
    write_all(fh, h, n);
    verdict v = verify_dir(forged, f.public_key, NULL);
    cr_assert_eq(v.rc, SCORE_ECORRUPT);
    cr_assert(strstr(score_last_error(), "stored head"), "%s", score_last_error());
    /* without stored heads: the head published at 27 records */
    unlink(fh);
    score_evidence_head published;
    sc_evid_head_decode(h + SC_EVID_HEAD_BYTES, &published);
    cr_assert_eq(published.tree_size, 27);
    v = verify_dir(forged, f.public_key, &published);
    cr_assert_eq(v.rc, SCORE_ECORRUPT);
    cr_assert(strstr(score_last_error(), "published head"), "%s", score_last_error());
    /* and the head published at 13 records still holds */
    sc_evid_head_decode(h, &published);
    v = verify_dir(forged, f.public_key, &published);
    cr_assert_eq(v.rc, SCORE_OK, "%s", score_last_error());
    free(h);
}

Test(evidence, replaced_signing_key_is_named)
{
    lfix f;
    build(&f);
    char *other = temp_dir("otherkey");
    cr_assert_eq(score_evidence_keygen(other), SCORE_OK);
    char *key = path_in(other, "evidence.key");
    char *copy = temp_dir("resigned");
    copy_dir(f.dir, copy);
    char *heads = path_in(copy, "heads");
    unlink(heads);
    score_evidence_log *log = open_log(copy, key, 0);
    score_evidence_head h = {.size = sizeof h};
    cr_assert_eq(score_evidence_sign_head(log, &h), SCORE_OK);
    score_evidence_close(log);
    verdict v = verify_dir(copy, f.public_key, NULL);
    cr_assert_eq(v.rc, SCORE_ECORRUPT);
    cr_assert(strstr(score_last_error(), "stored head 0"), "%s", score_last_error());
    cr_assert(strstr(score_last_error(), "another signing key"), "%s", score_last_error());
    cr_assert_eq(score_evidence_head_check(&h, f.public_key), SCORE_ECORRUPT);
}

Test(evidence, torn_tail_is_a_warning_and_cut_on_open)
{
    lfix f;
    build(&f);
    size_t size;
    uint8_t *b = log_bytes(&f, &size);
    /* a write torn after 30 bytes of a new record */
    uint8_t *x = splice3(b, size, b + start_of(&f, 39), 30, NULL, 0, &size);
    char *copy = temp_dir("torn");
    copy_dir(f.dir, copy);
    char *lp = path_in(copy, "log");
    write_all(lp, x, size);
    verdict v = verify_dir(copy, f.public_key, NULL);
    cr_assert_eq(v.rc, SCORE_OK, "%s", score_last_error());
    cr_assert_eq(v.r.torn_bytes, 30);
    cr_assert(log_has(&v.warnings, "torn"));
    score_evidence_open_options o;
    score_evidence_open_options_init(&o);
    diag_log w = {0};
    o.diagnostic = collect_diagnostic;
    o.user = &w;
    score_evidence_log *log;
    cr_assert_eq(score_evidence_open(copy, &o, &log), SCORE_OK, "%s", score_last_error());
    cr_assert(log_has(&w, "torn write"));
    cr_assert_eq(score_evidence_size(log), 40);
    append_n(log, 40, 2);
    score_evidence_close(log);
    v = verify_dir(copy, f.public_key, NULL);
    cr_assert_eq(v.rc, SCORE_OK, "%s", score_last_error());
    cr_assert_eq(v.r.records, 42);
    /* a complete last record with a bad checksum is damage, not a tear */
    free(b);
    b = read_all(lp, &size);
    b[size - 3] ^= 1;
    write_all(lp, b, size);
    cr_assert_eq(score_evidence_open(copy, &o, &log), SCORE_ECORRUPT);
    free(b);
    free(x);
}

Test(evidence, private_key_mode_is_checked)
{
    char *keys = temp_dir("mode");
    cr_assert_eq(score_evidence_keygen(keys), SCORE_OK);
    char *key = path_in(keys, "evidence.key");
    struct stat st;
    cr_assert_eq(stat(key, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(score_evidence_keygen(keys), SCORE_EIO, "never overwrites a key");
    chmod(key, 0640);
    char *dir = temp_dir("modelog");
    score_evidence_open_options o;
    score_evidence_open_options_init(&o);
    o.create = 1;
    o.private_key = key;
    score_evidence_log *log;
    cr_assert_eq(score_evidence_open(dir, &o, &log), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "0640"), "%s", score_last_error());
    chmod(key, 0600);
    cr_assert_eq(score_evidence_open(dir, &o, &log), SCORE_OK);
    score_evidence_close(log);
}

/* ---- proofs ------------------------------------------------------------------- */

static void leaf_of(const uint8_t *data, size_t n, uint8_t out[32])
{
    uint8_t buf[64];
    buf[0] = 0;
    memcpy(buf + 1, data, n);
    crypto_hash_sha256(out, buf, n + 1);
}

/* MTH by the RFC's definition, recursively, from leaf hashes. */
static void mth(const uint8_t *leaves, size_t n, uint8_t out[32])
{
    if (n == 1) {
        memcpy(out, leaves, 32);
        return;
    }
    size_t k = 1;
    while (k * 2 < n)
        k *= 2;
    uint8_t l[32], r[32];
    mth(leaves, k, l);
    mth(leaves + 32 * k, n - k, r);
    sc_evid_node_hash(l, r, out);
}

static void unhex(const char *t, uint8_t *out)
{
    for (int i = 0; i < 32; i++)
        sscanf(t + 2 * i, "%2hhx", &out[i]);
}

/* The test vectors of RFC 6962's reference implementation (the leaves
 * "", 00, 10, 2021, ...), which RFC 9162 keeps. */
Test(evidence, rfc_test_vector_roots)
{
    static const char *const data[8] = {"", "00", "10", "2021", "3031", "40414243",
                                        "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
    static const char *const roots[8] = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
    char *dir = temp_dir("vectors");
    sc_evid_tree t;
    cr_assert_eq(sc_evid_tree_open(&t, dir, 0, 1), SCORE_OK);
    for (int i = 0; i < 8; i++) {
        uint8_t raw[16], leaf[32], root[32], want[32];
        size_t n = strlen(data[i]) / 2;
        for (size_t k = 0; k < n; k++)
            sscanf(data[i] + 2 * k, "%2hhx", &raw[k]);
        leaf_of(raw, n, leaf);
        cr_assert_eq(sc_evid_tree_append(&t, leaf, 1), SCORE_OK);
        cr_assert_eq(sc_evid_tree_mth(&t, 0, t.size, root), SCORE_OK);
        unhex(roots[i], want);
        cr_assert(!memcmp(root, want, 32), "root of %d leaves", i + 1);
    }
    sc_evid_tree_close(&t);
}

/* Every inclusion proof of every record in every tree size up to 70, and
 * every consistency proof between them: checked, and the roots equal to
 * an independent MTH; a wrong leaf, index or root fails. */
Test(evidence, all_proofs_check, .timeout = 120)
{
    char *dir = temp_dir("proofs");
    score_evidence_log *log = open_log(dir, NULL, 1);
    append_n(log, 0, 70);
    uint8_t leaves[70 * 32];
    for (uint64_t i = 0; i < 70; i++)
        cr_assert_eq(score_evidence_leaf_hash(log, i, leaves + 32 * i), SCORE_OK);
    uint8_t roots[71][32];
    for (uint64_t n = 1; n <= 70; n++) {
        cr_assert_eq(score_evidence_root(log, n, roots[n]), SCORE_OK);
        uint8_t want[32];
        mth(leaves, n, want);
        cr_assert(!memcmp(roots[n], want, 32), "root of %llu", (unsigned long long)n);
    }
    uint8_t path[64 * 32];
    size_t np;
    for (uint64_t n = 1; n <= 70; n++) {
        for (uint64_t i = 0; i < n; i++) {
            cr_assert_eq(score_evidence_prove_inclusion(log, i, n, path, 64, &np), SCORE_OK);
            cr_assert_eq(score_evidence_check_inclusion(leaves + 32 * i, i, n, path, np,
                                                        roots[n]), SCORE_OK, "%llu in %llu",
                         (unsigned long long)i, (unsigned long long)n);
            if (n > 1) {
                cr_assert_eq(score_evidence_check_inclusion(leaves + 32 * ((i + 1) % n), i, n,
                                                            path, np, roots[n]),
                             SCORE_ECORRUPT);
                cr_assert_eq(score_evidence_check_inclusion(leaves + 32 * i, (i + 1) % n, n,
                                                            path, np, roots[n]),
                             SCORE_ECORRUPT);
            }
        }
        for (uint64_t m = 1; m <= n; m++) {
            cr_assert_eq(score_evidence_prove_consistency(log, m, n, path, 64, &np), SCORE_OK);
            cr_assert_eq(score_evidence_check_consistency(m, roots[m], n, roots[n], path, np),
                         SCORE_OK, "%llu to %llu", (unsigned long long)m, (unsigned long long)n);
            if (m < n && m > 1)
                cr_assert_eq(score_evidence_check_consistency(m, roots[m - 1], n, roots[n], path,
                                                              np), SCORE_ECORRUPT);
        }
    }
    score_evidence_close(log);
}

/* ---- a writer killed with SIGKILL ----------------------------------------------- */

static void writer(const char *dir, uint64_t next, int fd)
{
    score_evidence_open_options o;
    score_evidence_open_options_init(&o);
    o.create = 1;
    score_evidence_log *log;
    if (score_evidence_open(dir, &o, &log) != SCORE_OK)
        _exit(3);
    if (score_evidence_size(log) < next)
        _exit(4);
    next = score_evidence_size(log);
    for (;;) {
        /* batches of 1..8 records */
        uint64_t n = 1 + next % 8;
        score_evidence_entry e[8];
        uint8_t bodies[8][128];
        for (uint64_t k = 0; k < n; k++) {
            score_evidence_entry_init(&e[k]);
            e[k].kind = SCORE_EVIDENCE_POOL_EVENT;
            e[k].actor = "tester";
            e[k].time_us = 1700000000000000 + (int64_t)(next + k);
            e[k].body = bodies[k];
            e[k].body_length = body_of(next + k, bodies[k]);
        }
        uint64_t first;
        if (score_evidence_append(log, e, n, &first) != SCORE_OK || first != next)
            _exit(5);
        next += n;
        if (write(fd, &next, sizeof next) != sizeof next)
            _exit(6);
    }
}

Test(evidence, sigkill_loses_no_acknowledged_record, .timeout = 240)
{
    char *dir = temp_dir("kill");
    uint64_t acked = 0, x = 77;
    int torn = 0;
    for (int round = 0; round < 60; round++) {
        int fds[2];
        cr_assert_eq(pipe(fds), 0);
        pid_t pid = fork();
        cr_assert_neq(pid, -1);
        if (pid == 0) {
            close(fds[0]);
            writer(dir, acked, fds[1]);
        }
        close(fds[1]);
        x = x * 6364136223846793005u + 1442695040888963407u;
        int wait_acks = (int)((x >> 33) % 6);
        uint64_t got;
        for (int i = 0; i < wait_acks && read(fds[0], &got, sizeof got) == sizeof got; i++)
            acked = got;
        usleep((useconds_t)((x >> 20) % 3000));
        kill(pid, SIGKILL);
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFSIGNALED(status), "round %d: the writer failed (%d)", round, status);
        while (read(fds[0], &got, sizeof got) == sizeof got)
            acked = got;
        close(fds[0]);
        verdict v = verify_dir(dir, NULL, NULL);
        cr_assert_eq(v.rc, SCORE_OK, "round %d: %s", round, score_last_error());
        torn += v.r.torn_bytes > 0;
        score_evidence_log *log = open_log(dir, NULL, 0);
        uint64_t size = score_evidence_size(log);
        cr_assert_geq(size, acked, "round %d: %llu records, %llu acknowledged", round,
                      (unsigned long long)size, (unsigned long long)acked);
        score_evidence_close(log);
        acked = size;
    }
    /* every record is the one written */
    score_evidence_log *log = open_log(dir, NULL, 0);
    for (uint64_t i = 0; i < acked; i += 97) {
        char text[4096];
        size_t len;
        cr_assert_eq(score_evidence_record_json(log, i, text, sizeof text, &len), SCORE_OK);
        char want[64];
        snprintf(want, sizeof want, "\"time_us\": %lld", (long long)(1700000000000000 + i));
        cr_assert(strstr(text, want), "record %llu", (unsigned long long)i);
    }
    score_evidence_close(log);
    cr_assert_gt(acked, 60);
    cr_log_info("SIGKILL: %llu records, %d torn tails", (unsigned long long)acked, torn);
}

/* ---- the document registry --------------------------------------------------- */

Test(evidence, double_financing_and_over_registration_are_refused)
{
    char *dir = temp_dir("registry");
    score_evidence_log *log = open_log(dir, NULL, 1);
    append_n(log, 0, 3);
    score_evidence_document d;
    score_evidence_document_init(&d);
    d.kind = SCORE_DOCUMENT_RECEIVABLE;
    crypto_hash_sha256(d.doc_hash, (const uint8_t *)"invoice 2026-001", 16);
    d.amount = 60000;
    d.face_amount = 100000;
    d.lender = "bank-a";
    memcpy(d.uscc, "91440306588493132L", 19);
    uint64_t rec, first;
    cr_assert_eq(score_evidence_register(log, &d, &rec, &first), SCORE_OK, "%s",
                 score_last_error());
    cr_assert_eq(rec, 3);
    cr_assert_eq(first, 3);
    /* another lender, any amount, any kind: refused with the first record */
    d.lender = "bank-b";
    d.amount = 1;
    d.kind = SCORE_DOCUMENT_INVOICE;
    first = 0;
    cr_assert_eq(score_evidence_register(log, &d, &rec, &first), SCORE_EREJECTED);
    cr_assert_eq(first, 3);
    cr_assert(strstr(score_last_error(), "record 3"), "%s", score_last_error());
    /* the same lender above the face amount: refused; up to it: accepted */
    d.lender = "bank-a";
    d.amount = 40001;
    cr_assert_eq(score_evidence_register(log, &d, &rec, &first), SCORE_EREJECTED);
    cr_assert(strstr(score_last_error(), "exceed"), "%s", score_last_error());
    d.amount = 40000;
    cr_assert_eq(score_evidence_register(log, &d, &rec, &first), SCORE_OK);
    cr_assert_eq(rec, 4);
    score_evidence_close(log);
    /* the registry is the log's: it holds after reopening */
    log = open_log(dir, NULL, 0);
    int found;
    int64_t registered, face;
    cr_assert_eq(score_evidence_document_find(log, SCORE_DOCUMENT_RECEIVABLE, d.doc_hash, &found,
                                              &first, &registered, &face), SCORE_OK);
    cr_assert(found);
    cr_assert_eq(first, 3);
    cr_assert_eq(registered, 100000);
    cr_assert_eq(face, 100000);
    d.amount = 1;
    cr_assert_eq(score_evidence_register(log, &d, &rec, &first), SCORE_EREJECTED);
    d.lender = "bank-c";
    cr_assert_eq(score_evidence_register(log, &d, &rec, &first), SCORE_EREJECTED);
    /* a new document: an amount above its face is refused */
    crypto_hash_sha256(d.doc_hash, (const uint8_t *)"invoice 2026-002", 16);
    d.amount = 500;
    d.face_amount = 400;
    cr_assert_eq(score_evidence_register(log, &d, &rec, &first), SCORE_EREJECTED);
    cr_assert_eq(score_evidence_document_find(log, SCORE_DOCUMENT_ORDER, d.doc_hash, &found,
                                              NULL, NULL, NULL), SCORE_OK);
    cr_assert(!found);
    score_evidence_close(log);
    cr_assert_eq(verify_dir(dir, NULL, NULL).rc, SCORE_OK);
}

/* ---- a model with a log attached, and replay --------------------------------------- */

static void replay_report(void *user, const score_diagnostic *d)
{
    diag_log *l = user;
    collect_diagnostic(l, d);
}

Test(evidence, scores_replay_bit_identical_and_another_bundle_is_named, .timeout = 120)
{
    const char *bundle = TEST_SOURCE_DIR "/models/default.json.gz";
    score_model *m;
    cr_assert_eq(score_model_load(bundle, &m), SCORE_OK, "%s", score_last_error());
    char *dir = temp_dir("replay");
    score_evidence_log *log = open_log(dir, NULL, 1);
    cr_assert_eq(score_model_attach_evidence(m, log, "officer-7", bundle), SCORE_OK);
    size_t nf = score_model_n_features(m);
    float *rows = malloc(50 * nf * sizeof *rows);
    uint64_t x = 5;
    for (size_t i = 0; i < 50 * nf; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        rows[i] = (x >> 40) % 7 == 0 ? NAN : (float)((double)(x >> 11) / 9007199254740992.0);
    }
    double pd[50];
    cr_assert_eq(score_model_score(m, rows, 50, NULL, pd, NULL, NULL, NULL), SCORE_OK, "%s",
                 score_last_error());
    cr_assert_eq(score_evidence_size(log), 51, "a model_loaded record and 50 scores");
    uint64_t checked, differ;
    diag_log d = {0};
    cr_assert_eq(score_evidence_replay(log, m, bundle, replay_report, &d, &checked, &differ),
                 SCORE_OK, "%s", score_last_error());
    cr_assert_eq(checked, 50);
    cr_assert_eq(differ, 0);
    /* another bundle: the same model with another calibration */
    score_model_attach_evidence(m, NULL, NULL, NULL);
    m->calibration.b += 0.25;
    char *other = path_in(dir, "other.json.gz");
    cr_assert_eq(score_model_save(m, other), SCORE_OK, "%s", score_last_error());
    score_model *m2;
    cr_assert_eq(score_model_load(other, &m2), SCORE_OK);
    cr_assert_eq(score_evidence_replay(log, m2, other, replay_report, &d, &checked, &differ),
                 SCORE_OK);
    cr_assert_eq(differ, 50);
    cr_assert(log_has(&d, "another bundle"), "%s", d.n ? d.text[0] : "");
    score_evidence_close(log);
    score_model_free(m);
    score_model_free(m2);
    free(rows);
}
