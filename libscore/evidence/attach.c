/* Records appended on behalf of a model or an enhancement configuration
 * that a log is attached to (score_model_attach_evidence and
 * score_enhance_config_attach_evidence live with the modules they attach
 * to; they call these). */
#include <string.h>
#include <sodium.h>

#include "evidence.h"

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void putf64(uint8_t *p, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    put64(p, bits);
}

int sc_evid_link_new(score_evidence_log *log, const char *actor, sc_evid_link **out)
{
    size_t n = actor ? strlen(actor) : 0;
    if (n > SC_EVID_ACTOR_MAX)
        return sc_error(SCORE_EINVAL, "evidence: an actor of %zu bytes (at most %d)", n,
                        SC_EVID_ACTOR_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)actor[i] < 0x20 || actor[i] == 0x7f)
            return sc_error(SCORE_EINVAL, "evidence: the actor holds a control character");
    sc_evid_link *l = sc_calloc(1, sizeof *l);
    if (!l)
        return sc_error(SCORE_ENOMEM, "evidence: out of memory");
    l->log = log;
    if (n)
        memcpy(l->actor, actor, n);
    *out = l;
    return SCORE_OK;
}

static void base(const sc_evid_link *l, int kind, int64_t now, sc_evid_record *r)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->time_us = now;
    r->actor = l->actor;
    r->actor_len = strlen(l->actor);
    r->model = l->model;
    r->config = l->config;
}

static int append(const sc_evid_link *l, const sc_evid_record *r, size_t n)
{
    pthread_mutex_lock(&l->log->lock);
    int rc = sc_evid_append_locked(l->log, r, n, NULL);
    pthread_mutex_unlock(&l->log->lock);
    return rc;
}

int sc_evid_append_loaded(const sc_evid_link *l, int kind, const char *what)
{
    sc_evid_record r;
    base(l, kind, sc_evid_now_us(), &r);
    uint8_t zero[SC_EVID_HASH] = {0};
    r.input = zero;
    r.body = (const uint8_t *)what;
    r.body_len = strlen(what);
    return append(l, &r, 1);
}

size_t sc_evid_score_body_size(size_t n_features, size_t n_reasons)
{
    return 16 + 2 * n_reasons + 4 * n_features;
}

void sc_evid_score_body_encode(uint8_t *p, const float *row, size_t n_features, double pd,
                               int score, int grade, const int *reasons, size_t n_reasons)
{
    putf64(p, pd);
    put32(p + 8, (uint32_t)score);
    p[12] = (uint8_t)grade;
    p[13] = (uint8_t)n_reasons;
    put16(p + 14, (uint16_t)n_features);
    uint8_t *q = p + 16;
    for (size_t k = 0; k < n_reasons; k++, q += 2)
        put16(q, (uint16_t)(int16_t)reasons[k]);
    for (size_t j = 0; j < n_features; j++, q += 4) {
        uint32_t bits;
        memcpy(&bits, &row[j], sizeof bits);
        put32(q, bits);
    }
}

int sc_evid_append_scores(const sc_evid_link *l, const float *rows, size_t n_rows,
                          size_t n_features, const double *pd, const int *score,
                          const int *grade, const int *reasons, size_t n_reasons)
{
    if (n_rows == 0)
        return SCORE_OK;
    if (n_features > 65535 || n_reasons > 255)
        return sc_error(SCORE_ELIMIT, "evidence: %zu features or %zu reasons are more than a "
                        "score record holds", n_features, n_reasons);
    size_t body = sc_evid_score_body_size(n_features, n_reasons);
    sc_evid_record *r = sc_malloc_array(n_rows, sizeof *r);
    uint8_t *bodies = sc_malloc_array(n_rows, body);
    uint8_t *inputs = sc_malloc_array(n_rows, SC_EVID_HASH);
    int rc = SCORE_OK;
    if (!r || !bodies || !inputs)
        rc = sc_error(SCORE_ENOMEM, "evidence: out of memory");
    int64_t now = sc_evid_now_us();
    for (size_t i = 0; i < n_rows && rc == SCORE_OK; i++) {
        uint8_t *b = bodies + i * body;
        const float *row = rows + i * n_features;
        sc_evid_score_body_encode(b, row, n_features, pd[i], score[i], grade[i],
                                  reasons ? reasons + i * n_reasons : NULL,
                                  reasons ? n_reasons : 0);
        /* The inputs' hash is of the float32 bits, little-endian, as stored. */
        crypto_hash_sha256(inputs + i * SC_EVID_HASH, b + 16 + 2 * (reasons ? n_reasons : 0),
                           4 * n_features);
        base(l, SCORE_EVIDENCE_SCORE, now, &r[i]);
        r[i].input = inputs + i * SC_EVID_HASH;
        r[i].body = b;
        r[i].body_len = sc_evid_score_body_size(n_features, reasons ? n_reasons : 0);
    }
    if (rc == SCORE_OK)
        rc = append(l, r, n_rows);
    sc_free(r);
    sc_free(bodies);
    sc_free(inputs);
    return rc;
}

int sc_evid_append_enhance(const sc_evid_link *l, const char *request, size_t len,
                           const int64_t figures[5], const double rates[2])
{
    uint8_t *body = sc_malloc(48 + len);
    if (!body)
        return sc_error(SCORE_ENOMEM, "evidence: out of memory");
    put64(body, (uint64_t)figures[0]);
    putf64(body + 8, rates[0]);
    put64(body + 16, (uint64_t)figures[1]);
    put64(body + 24, (uint64_t)figures[2]);
    put64(body + 32, (uint64_t)figures[3]);
    putf64(body + 40, rates[1]);
    memcpy(body + 48, request, len);
    uint8_t input[SC_EVID_HASH];
    crypto_hash_sha256(input, (const uint8_t *)request, len);
    sc_evid_record r;
    base(l, SCORE_EVIDENCE_ENHANCE, sc_evid_now_us(), &r);
    r.input = input;
    r.body = body;
    r.body_len = 48 + len;
    int rc = append(l, &r, 1);
    sc_free(body);
    return rc;
}
