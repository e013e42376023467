/* score_evidence_verify: one sequential pass over the mapped log that
 * rebuilds the tree (a stack of complete subtrees, as RFC 9162's
 * algorithms allow) and checks every stored leaf, node, offset and head
 * against it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "evidence.h"

typedef struct mapped {
    uint8_t *data;
    size_t size;
} mapped;

typedef struct head_item {
    score_evidence_head head;
    long stored;                /* its place in the heads file, -1 for the published one */
} head_item;

typedef struct verifier {
    const char *dir;
    const score_evidence_verify_options *o;
    mapped levels[SC_EVID_LEVELS];
    mapped offsets;
    uint8_t stack[SC_EVID_LEVELS][SC_EVID_HASH];
    int n_stack;                /* levels of the stack: bit k of the count */
    uint64_t count;
    head_item *heads;
    size_t n_heads, next_head;
    uint64_t next_progress;
    size_t log_size;
} verifier;

static int map_file(const char *dir, const char *file, mapped *m, int required)
{
    memset(m, 0, sizeof *m);
    char *path = sc_evid_path(dir, file);
    if (!path)
        return sc_error(SCORE_ENOMEM, "evidence: out of memory");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc = SCORE_OK;
    struct stat st;
    if (fd < 0)
        rc = required || errno != ENOENT
             ? sc_error(errno == ENOENT ? SCORE_ENOTFOUND : SCORE_EIO, "%s: %s", path,
                        strerror(errno)) : SCORE_OK;
    else if (fstat(fd, &st) != 0)
        rc = sc_error(SCORE_EIO, "%s: %s", path, strerror(errno));
    else if (st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED)
            rc = sc_error(SCORE_EIO, "%s: %s", path, strerror(errno));
        else {
            m->data = p;
            m->size = (size_t)st.st_size;
            posix_madvise(p, m->size, POSIX_MADV_SEQUENTIAL);
        }
    }
    if (fd >= 0)
        close(fd);
    sc_free(path);
    return rc;
}

static void unmap(mapped *m)
{
    if (m->data)
        munmap(m->data, m->size);
    m->data = NULL;
}

/* The root of the leaves so far, from the stack. */
static void stack_root(const verifier *v, uint8_t out[SC_EVID_HASH])
{
    if (v->count == 0) {
        crypto_hash_sha256(out, (const unsigned char *)"", 0);
        return;
    }
    int k = 0;
    while (!(v->count >> k & 1))
        k++;
    memcpy(out, v->stack[k], SC_EVID_HASH);
    for (k++; k < SC_EVID_LEVELS; k++)
        if (v->count >> k & 1)
            sc_evid_node_hash(v->stack[k], out, out);
}

static int check_heads(verifier *v)
{
    while (v->next_head < v->n_heads && v->heads[v->next_head].head.tree_size == v->count) {
        head_item *h = &v->heads[v->next_head++];
        uint8_t root[SC_EVID_HASH];
        stack_root(v, root);
        char which[80];
        if (h->stored >= 0)
            snprintf(which, sizeof which, "stored head %ld", h->stored);
        else
            snprintf(which, sizeof which, "the published head");
        if (memcmp(root, h->head.root, SC_EVID_HASH))
            return sc_error(SCORE_ECORRUPT, "%s/log: %s (%llu records) signed a root that the "
                            "records do not give: records before %llu were rewritten (with the "
                            "tree and checksums recomputed)", v->dir, which,
                            (unsigned long long)h->head.tree_size,
                            (unsigned long long)h->head.tree_size);
    }
    return SCORE_OK;
}

static int visit(void *user, const sc_evid_record *r, const uint8_t *leaf, size_t offset)
{
    verifier *v = user;
    uint64_t i = r->number;
    if (v->offsets.size / 8 > i) {
        uint64_t at = 0;
        for (int b = 7; b >= 0; b--)
            at = at << 8 | v->offsets.data[8 * i + (size_t)b];
        if (at != offset)
            return sc_error(SCORE_ECORRUPT, "%s/offsets: record %llu is at offset %zu, the "
                            "index says %llu", v->dir, (unsigned long long)i, offset,
                            (unsigned long long)at);
    }
    if (v->levels[0].size / SC_EVID_HASH > i &&
        memcmp(v->levels[0].data + i * SC_EVID_HASH, leaf, SC_EVID_HASH))
        return sc_error(SCORE_ECORRUPT, "%s/log: record %llu at offset %zu is not the record "
                        "the tree holds (its leaf hash differs): it was rewritten after it "
                        "was logged", v->dir, (unsigned long long)i, offset);
    /* Push the leaf; merge equal subtrees, checking each stored node. */
    uint8_t node[SC_EVID_HASH];
    memcpy(node, leaf, SC_EVID_HASH);
    int k = 0;
    uint64_t c = v->count;
    while (c >> k & 1) {
        sc_evid_node_hash(v->stack[k], node, node);
        k++;
        uint64_t j = ((c + 1) >> k) - 1;
        if (v->levels[k].size / SC_EVID_HASH > j &&
            memcmp(v->levels[k].data + j * SC_EVID_HASH, node, SC_EVID_HASH))
            return sc_error(SCORE_ECORRUPT, "%s/tree.%d: node %llu (records %llu..%llu) does "
                            "not match the records", v->dir, k, (unsigned long long)j,
                            (unsigned long long)(j << k), (unsigned long long)(((j + 1) << k) - 1));
    }
    memcpy(v->stack[k], node, SC_EVID_HASH);
    v->count++;
    if (v->o->progress && offset >= v->next_progress) {
        v->next_progress = offset + (64u << 20);
        if (v->o->progress(v->o->progress_user, "verify", offset, v->log_size))
            return sc_error(SCORE_ECANCELED, "score_evidence_verify: canceled");
    }
    return check_heads(v);
}

static int cmp_heads(const void *a, const void *b)
{
    const head_item *x = a, *y = b;
    return x->head.tree_size < y->head.tree_size ? -1 : x->head.tree_size > y->head.tree_size;
}

static int load_heads(verifier *v)
{
    mapped m;
    int rc = map_file(v->dir, "heads", &m, 0);
    if (rc != SCORE_OK)
        return rc;
    if (m.size % SC_EVID_HEAD_BYTES) {
        unmap(&m);
        return sc_error(SCORE_ECORRUPT, "%s/heads: %zu bytes, not a whole number of heads",
                        v->dir, m.size);
    }
    size_t n = m.size / SC_EVID_HEAD_BYTES;
    v->heads = sc_calloc(n + 1, sizeof *v->heads);
    if (!v->heads) {
        unmap(&m);
        return sc_error(SCORE_ENOMEM, "evidence: out of memory");
    }
    for (size_t i = 0; i < n && rc == SCORE_OK; i++) {
        head_item *h = &v->heads[v->n_heads++];
        sc_evid_head_decode(m.data + i * SC_EVID_HEAD_BYTES, &h->head);
        h->stored = (long)i;
        if (i && h->head.tree_size < v->heads[i - 1].head.tree_size)
            rc = sc_error(SCORE_ECORRUPT, "%s/heads: stored head %zu (%llu records) follows one "
                          "of %llu: heads were reordered or the log shrank", v->dir, i,
                          (unsigned long long)h->head.tree_size,
                          (unsigned long long)v->heads[i - 1].head.tree_size);
        if (rc == SCORE_OK && v->o->public_key &&
            score_evidence_head_check(&h->head, v->o->public_key) != SCORE_OK) {
            char prefix[200];
            snprintf(prefix, sizeof prefix, "%s/heads: stored head %zu (%llu records)", v->dir,
                     i, (unsigned long long)h->head.tree_size);
            rc = sc_error_prefix(SCORE_ECORRUPT, prefix);
        }
    }
    unmap(&m);
    if (rc == SCORE_OK && v->o->head) {
        head_item *h = &v->heads[v->n_heads++];
        h->head = *v->o->head;
        h->stored = -1;
        if (v->o->public_key && score_evidence_head_check(&h->head, v->o->public_key) != SCORE_OK)
            rc = sc_error_prefix(SCORE_ECORRUPT, "the published head");
    }
    if (rc == SCORE_OK)
        qsort(v->heads, v->n_heads, sizeof *v->heads, cmp_heads);
    return rc;
}

void score_evidence_verify_options_init(score_evidence_verify_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
}

static void warn(const score_evidence_verify_options *o, const char *file, const char *msg)
{
    if (!o->diagnostic)
        return;
    char text[600];
    snprintf(text, sizeof text, "%s: %s", file, msg);
    score_diagnostic d = {SCORE_DIAG_WARNING, file, 0, 0, "", msg, text};
    o->diagnostic(o->user, &d);
}

/* After the pass: what the tree, index and heads hold beyond the log is
 * a removal, never a torn write. */
static int check_end(verifier *v, const sc_evid_scan_result *s, score_evidence_verify_result *res)
{
    uint64_t held = v->levels[0].size / SC_EVID_HASH;
    uint64_t indexed = v->offsets.size / 8;
    if (indexed > held)
        held = indexed;
    for (size_t i = 0; i < v->n_heads; i++)
        if (v->heads[i].head.tree_size > held)
            held = v->heads[i].head.tree_size;
    if (held > s->records) {
        res->bad_record = s->records;
        return sc_error(SCORE_ECORRUPT, "%s/log: record %llu is %s, but the %s holds %llu "
                        "records: the log was truncated (not a torn write)", v->dir,
                        (unsigned long long)s->records,
                        s->torn_bytes ? "cut short" : "missing",
                        v->next_head < v->n_heads ? "signed heads" : "tree",
                        (unsigned long long)held);
    }
    char msg[200];
    if (s->torn_bytes) {
        snprintf(msg, sizeof msg, "%zu bytes of a torn write after record %llu (never "
                 "acknowledged: no head or tree entry holds them)", s->torn_bytes,
                 (unsigned long long)s->records);
        warn(v->o, "log", msg);
    }
    if (v->levels[0].size / SC_EVID_HASH < s->records) {
        snprintf(msg, sizeof msg, "records %llu.. are not in the tree yet (opening the log "
                 "for writing adds them)", (unsigned long long)(v->levels[0].size / SC_EVID_HASH));
        warn(v->o, "log", msg);
    }
    return SCORE_OK;
}

int score_evidence_verify(const char *dir, const score_evidence_verify_options *options,
                          score_evidence_verify_result *result)
{
    static const char fn[] = "score_evidence_verify";
    score_evidence_verify_options o;
    score_evidence_verify_options_init(&o);
    if (!dir || !result || result->size != sizeof *result)
        return sc_error(SCORE_EINVAL, "%s: NULL argument or result->size not set", fn);
    if (options) {
        if (options->size > sizeof o || options->size < sizeof(size_t))
            return sc_error(SCORE_EINVAL, "%s: options->size is not one this library knows", fn);
        memcpy(&o, options, options->size);
    }
    sc_evid_init_sodium();
    verifier v;
    memset(&v, 0, sizeof v);
    v.dir = dir;
    v.o = &o;
    mapped log;
    memset(&log, 0, sizeof log);
    score_evidence_verify_result res;
    memset(&res, 0, sizeof res);
    res.size = sizeof res;
    res.bad_record = UINT64_MAX;
    int rc = map_file(dir, "log", &log, 1);
    if (rc == SCORE_OK)
        rc = map_file(dir, "offsets", &v.offsets, 0);
    for (int k = 0; k < SC_EVID_LEVELS && rc == SCORE_OK; k++) {
        char name[16];
        snprintf(name, sizeof name, "tree.%d", k);
        rc = map_file(dir, name, &v.levels[k], 0);
    }
    if (rc == SCORE_OK)
        rc = load_heads(&v);
    sc_evid_scan_result s;
    memset(&s, 0, sizeof s);
    s.bad_record = UINT64_MAX;
    if (rc == SCORE_OK) {
        v.log_size = log.size;
        char name[400];
        snprintf(name, sizeof name, "%s/log", dir);
        rc = check_heads(&v);
        if (rc == SCORE_OK)
            rc = sc_evid_scan(log.data ? log.data : (const uint8_t *)"", log.size, name, visit,
                              &v, &s);
        res.bad_record = s.bad_record;
    }
    if (rc == SCORE_OK)
        rc = check_end(&v, &s, &res);
    if (rc == SCORE_OK && v.next_head < v.n_heads) {
        head_item *h = &v.heads[v.next_head];
        res.bad_record = s.records;
        rc = sc_error(SCORE_ECORRUPT, "%s/log: %s holds %llu records, the log only %llu: "
                      "records were removed", dir, h->stored < 0 ? "the published head"
                      : "a stored head", (unsigned long long)h->head.tree_size,
                      (unsigned long long)s.records);
    }
    res.records = s.records;
    res.heads = v.n_heads;
    res.torn_bytes = s.torn_bytes;
    unmap(&log);
    unmap(&v.offsets);
    for (int k = 0; k < SC_EVID_LEVELS; k++)
        unmap(&v.levels[k]);
    sc_free(v.heads);
    *result = res;
    return rc;
}
