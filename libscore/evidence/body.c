/* The bodies of score, explain, enhance and document records
 * (docs/evidence.md, "Records"), and a record as JSON. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "evidence.h"

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static double getf64(const uint8_t *p)
{
    uint64_t bits = get64(p);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static float getf32(const uint8_t *p)
{
    uint32_t bits = get32(p);
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* score and explain: f64 pd, i32 score, u8 grade, u8 n_reasons,
 * u16 n_features, i16 reasons[n_reasons], f32 features[n_features], and for
 * explain f64 contributions[n_features + 1]. */
int sc_evid_score_body_decode(const sc_evid_record *r, sc_evid_score_body *b)
{
    memset(b, 0, sizeof *b);
    const uint8_t *p = r->body;
    if (r->body_len < 16)
        return sc_error(SCORE_ECORRUPT, "record %llu: a %s body of %zu bytes is too short",
                        (unsigned long long)r->number, score_evidence_kind_name(r->kind),
                        r->body_len);
    b->pd = getf64(p);
    b->score = (int32_t)get32(p + 8);
    b->grade = p[12];
    b->n_reasons = p[13];
    b->n_features = (size_t)p[14] | (size_t)p[15] << 8;
    size_t want = 16 + 2 * b->n_reasons + 4 * b->n_features;
    if (r->kind == SCORE_EVIDENCE_EXPLAIN)
        want += 8 * (b->n_features + 1);
    if (r->body_len != want)
        return sc_error(SCORE_ECORRUPT, "record %llu: a %s body of %zu bytes where %zu were "
                        "expected", (unsigned long long)r->number,
                        score_evidence_kind_name(r->kind), r->body_len, want);
    b->reasons = p + 16;
    b->features = b->reasons + 2 * b->n_reasons;
    b->contributions = r->kind == SCORE_EVIDENCE_EXPLAIN ? b->features + 4 * b->n_features : NULL;
    return SCORE_OK;
}

static json_t *hex_json(const uint8_t *bytes, size_t n)
{
    char buf[2 * 256 + 1];
    if (n > 256) {
        sc_str s;
        sc_str_init(&s);
        for (size_t i = 0; i < n; i += 256) {
            size_t k = n - i < 256 ? n - i : 256;
            sc_evid_hex(bytes + i, k, buf);
            sc_str_puts(&s, buf);
        }
        json_t *j = s.data ? json_string(s.data) : json_string("");
        sc_str_free(&s);
        return j;
    }
    sc_evid_hex(bytes, n, buf);
    return json_string(buf);
}

/* A float as JSON: a number when finite, else null. */
static json_t *real_json(double d)
{
    return isfinite(d) ? json_real(d) : json_null();
}

static json_t *score_body_json(const sc_evid_record *r)
{
    sc_evid_score_body b;
    if (sc_evid_score_body_decode(r, &b) != SCORE_OK)
        return NULL;
    json_t *o = json_object(), *reasons = json_array(), *features = json_array();
    json_object_set_new(o, "pd", real_json(b.pd));
    json_object_set_new(o, "score", json_integer(b.score));
    json_object_set_new(o, "grade", json_integer(b.grade));
    for (size_t i = 0; i < b.n_reasons; i++)
        json_array_append_new(reasons, json_integer((int16_t)(b.reasons[2 * i] |
                                                              b.reasons[2 * i + 1] << 8)));
    for (size_t i = 0; i < b.n_features; i++)
        json_array_append_new(features, real_json(getf32(b.features + 4 * i)));
    json_object_set_new(o, "reasons", reasons);
    json_object_set_new(o, "features", features);
    if (b.contributions) {
        json_t *c = json_array();
        for (size_t i = 0; i <= b.n_features; i++)
            json_array_append_new(c, real_json(getf64(b.contributions + 8 * i)));
        json_object_set_new(o, "contributions", c);
    }
    return o;
}

/* enhance: i64 limit, f64 rate, i64 capital, i64 expected_loss, i64
 * limit_without, f64 rate_without, then the request's canonical JSON. */
static json_t *enhance_body_json(const sc_evid_record *r)
{
    if (r->body_len < 48)
        return NULL;
    const uint8_t *p = r->body;
    json_t *o = json_object();
    json_object_set_new(o, "limit_fen", json_integer((json_int_t)get64(p)));
    json_object_set_new(o, "rate", real_json(getf64(p + 8)));
    json_object_set_new(o, "capital_fen", json_integer((json_int_t)get64(p + 16)));
    json_object_set_new(o, "expected_loss_fen", json_integer((json_int_t)get64(p + 24)));
    json_object_set_new(o, "limit_without_fen", json_integer((json_int_t)get64(p + 32)));
    json_object_set_new(o, "rate_without", real_json(getf64(p + 40)));
    json_object_set_new(o, "request", json_stringn((const char *)p + 48, r->body_len - 48));
    return o;
}

/* document: u8 doc kind, u8 lender_len, char uscc[18], i64 amount, i64
 * face_amount, i64 registered (the sum with this one), lender. */
static json_t *document_body_json(const sc_evid_record *r)
{
    const uint8_t *p = r->body;
    if (r->body_len < 44 || r->body_len != (size_t)44 + p[1])
        return NULL;
    static const char *const kinds[] = {"?", "order", "invoice", "receivable", "patent"};
    json_t *o = json_object();
    json_object_set_new(o, "document", json_string(p[0] <= 4 ? kinds[p[0]] : "?"));
    json_object_set_new(o, "uscc", json_stringn((const char *)p + 2, 18));
    json_object_set_new(o, "amount_fen", json_integer((json_int_t)get64(p + 20)));
    json_object_set_new(o, "face_amount_fen", json_integer((json_int_t)get64(p + 28)));
    json_object_set_new(o, "registered_fen", json_integer((json_int_t)get64(p + 36)));
    json_object_set_new(o, "lender", json_stringn((const char *)p + 44, p[1]));
    return o;
}

json_t *sc_evid_record_json(const sc_evid_record *r, const uint8_t *leaf)
{
    char time[32];
    sc_evid_format_time(r->time_us, time);
    json_t *o = json_object();
    json_object_set_new(o, "number", json_integer((json_int_t)r->number));
    json_object_set_new(o, "kind", json_string(score_evidence_kind_name(r->kind)));
    json_object_set_new(o, "time", json_string(time));
    json_object_set_new(o, "time_us", json_integer(r->time_us));
    json_object_set_new(o, "actor", json_stringn(r->actor, r->actor_len));
    json_object_set_new(o, "prev", hex_json(r->prev, 32));
    json_object_set_new(o, "model_sha256", hex_json(r->model, 32));
    json_object_set_new(o, "config_sha256", hex_json(r->config, 32));
    json_object_set_new(o, "input_sha256", hex_json(r->input, 32));
    json_object_set_new(o, "leaf_hash", hex_json(leaf, 32));
    json_t *body = NULL;
    if (r->kind == SCORE_EVIDENCE_SCORE || r->kind == SCORE_EVIDENCE_EXPLAIN)
        body = score_body_json(r);
    else if (r->kind == SCORE_EVIDENCE_ENHANCE)
        body = enhance_body_json(r);
    else if (r->kind == SCORE_EVIDENCE_DOCUMENT)
        body = document_body_json(r);
    else if (r->kind == SCORE_EVIDENCE_MODEL_LOADED || r->kind == SCORE_EVIDENCE_CONFIG_LOADED)
        body = json_stringn((const char *)r->body, r->body_len);
    json_object_set_new(o, "body", body ? body : hex_json(r->body, r->body_len));
    return o;
}

int score_evidence_record_json(score_evidence_log *log, uint64_t index, char *buffer,
                               size_t capacity, size_t *length)
{
    if (!log)
        return sc_error(SCORE_EINVAL, "score_evidence_record_json: NULL log");
    uint8_t *payload = NULL;
    size_t len;
    pthread_mutex_lock(&log->lock);
    int rc = sc_evid_read_payload(log, index, &payload, &len);
    pthread_mutex_unlock(&log->lock);
    if (rc != SCORE_OK)
        return rc;
    sc_evid_record r;
    rc = sc_evid_decode(payload, len, index, &r);
    char *text = NULL;
    if (rc == SCORE_OK) {
        uint8_t leaf[SC_EVID_HASH];
        sc_evid_leaf_hash(index, payload, len, leaf);
        json_t *o = sc_evid_record_json(&r, leaf);
        json_object_set_new(o, "payload", hex_json(payload, len));
        text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))
                 : NULL;
        json_decref(o);
        if (!text)
            rc = sc_error(SCORE_ENOMEM, "score_evidence_record_json: out of memory");
    }
    sc_free(payload);
    if (rc == SCORE_OK) {
        size_t n = strlen(text);
        if (length)
            *length = n;
        if (capacity && (!buffer || capacity <= n))
            rc = sc_error(SCORE_EINVAL, "score_evidence_record_json: a buffer of %zu bytes for "
                          "%zu", capacity, n + 1);
        else if (capacity)
            memcpy(buffer, text, n + 1);
    }
    free(text);
    return rc;
}
