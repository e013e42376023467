/* A model with an evidence log attached: every row scored leaves a score
 * record; and the replay of those records. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../evidence/evidence.h"
#include "scorecard.h"

int score_model_attach_evidence(score_model *m, score_evidence_log *log, const char *actor,
                                const char *bundle_path)
{
    if (!m)
        return sc_error(SCORE_EINVAL, "score_model_attach_evidence: model must not be NULL");
    if (!log) {
        sc_free(m->evidence);
        m->evidence = NULL;
        return SCORE_OK;
    }
    sc_evid_link *l;
    int rc = sc_evid_link_new(log, actor, &l);
    if (rc == SCORE_OK && bundle_path)
        rc = score_evidence_sha256_file(bundle_path, l->model);
    if (rc == SCORE_OK)
        rc = sc_evid_append_loaded(l, SCORE_EVIDENCE_MODEL_LOADED,
                                   bundle_path ? bundle_path : "(a model not read from a file)");
    if (rc != SCORE_OK) {
        sc_free(l);
        return rc;
    }
    sc_free(m->evidence);
    m->evidence = l;
    return SCORE_OK;
}

int sc_score_batch_with_evidence(const score_model *m, const float *rows, size_t n_rows,
                                 const score_batch_options *opt, size_t k, double *margin,
                                 double *pd, int *score, int *grade, int *reasons)
{
    size_t km = m->n_reasons, kc = k > km ? k : km, n = n_rows ? n_rows : 1;
    double *mg = sc_malloc_array(n, sizeof *mg), *p = sc_malloc_array(n, sizeof *p);
    int *s = sc_malloc_array(n, sizeof *s), *g = sc_malloc_array(n, sizeof *g);
    int *r = kc ? sc_malloc_array(n * kc, sizeof *r) : NULL;
    int *logged = kc != km && km ? sc_malloc_array(n * km, sizeof *logged) : r;
    int rc = !mg || !p || !s || !g || (kc && !r) || (km && !logged)
                 ? sc_error(SCORE_ENOMEM, "score_model_score: out of memory") : SCORE_OK;
    if (rc == SCORE_OK)
        rc = sc_score_batch_plain(m, rows, n_rows, opt, kc, mg, p, s, g, r);
    for (size_t i = 0; rc == SCORE_OK && logged != r && i < n_rows; i++)
        memcpy(logged + i * km, r + i * kc, km * sizeof *r);
    if (rc == SCORE_OK)
        rc = sc_evid_append_scores(m->evidence, rows, n_rows, m->n_features, p, s, g, logged, km);
    if (rc != SCORE_OK && rc != SCORE_ENOMEM)
        rc = sc_error_prefix(rc, "score_model_score: the evidence log");
    if (rc == SCORE_OK) {
        if (margin)
            memcpy(margin, mg, n_rows * sizeof *mg);
        if (pd)
            memcpy(pd, p, n_rows * sizeof *p);
        if (score)
            memcpy(score, s, n_rows * sizeof *s);
        if (grade)
            memcpy(grade, g, n_rows * sizeof *g);
        for (size_t i = 0; reasons && k && i < n_rows; i++)
            memcpy(reasons + i * k, r + i * kc, k * sizeof *r);
    }
    if (logged != r)
        sc_free(logged);
    sc_free(mg), sc_free(p), sc_free(s), sc_free(g), sc_free(r);
    return rc;
}

/* ---- replay ---------------------------------------------------------------------- */

typedef struct replay {
    const score_model *model;
    uint8_t bundle[SCORE_EVIDENCE_HASH];
    int have_bundle;
    score_diagnostic_fn report;
    void *user;
    uint64_t checked, differ;
    float *row;
    int reasons[256];
} replay;

static void tell(replay *x, const sc_evid_record *r, const char *what)
{
    x->differ++;
    if (!x->report)
        return;
    char rec[65], mine[65], text[900];
    sc_evid_hex(r->model, 32, rec);
    sc_evid_hex(x->bundle, 32, mine);
    const char *cause = !x->have_bundle ? "" : memcmp(r->model, x->bundle, 32)
        ? "; the cause: another bundle (the record was made with bundle sha256 %.16s..., this "
          "is %.16s...)"
        : "; the same bundle: the library or the platform computes differently";
    char causetext[300];
    snprintf(causetext, sizeof causetext, cause, rec, mine);
    snprintf(text, sizeof text, "record %llu: %s%s", (unsigned long long)r->number, what,
             causetext);
    score_diagnostic d = {SCORE_DIAG_ERROR, "replay", r->number, 0, "", text, text};
    x->report(x->user, &d);
}

static int replay_one(void *user, const sc_evid_record *r, const uint8_t *leaf, size_t offset)
{
    (void)leaf;
    (void)offset;
    replay *x = user;
    if (r->kind != SCORE_EVIDENCE_SCORE)
        return SCORE_OK;
    sc_evid_score_body b;
    int rc = sc_evid_score_body_decode(r, &b);
    if (rc != SCORE_OK)
        return rc;
    x->checked++;
    char what[400];
    if (b.n_features != x->model->n_features || b.n_reasons > 256 ||
        (b.n_reasons && b.n_reasons != x->model->n_reasons)) {
        snprintf(what, sizeof what, "the record has %zu features and %zu reasons, the model "
                 "%zu and %zu", b.n_features, b.n_reasons, x->model->n_features,
                 x->model->n_reasons);
        tell(x, r, what);
        return SCORE_OK;
    }
    for (size_t j = 0; j < b.n_features; j++) {
        const uint8_t *q = b.features + 4 * j;
        uint32_t bits = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
                        (uint32_t)q[3] << 24;
        memcpy(&x->row[j], &bits, sizeof bits);
    }
    double pd;
    int score, grade;
    rc = sc_score_rows(x->model, x->row, 1, NULL, &pd, &score, &grade,
                       b.n_reasons ? x->reasons : NULL);
    if (rc != SCORE_OK)
        return rc;
    int reasons_differ = 0;
    for (size_t k = 0; k < b.n_reasons; k++)
        if ((int16_t)(b.reasons[2 * k] | b.reasons[2 * k + 1] << 8) != x->reasons[k])
            reasons_differ = 1;
    if (memcmp(&pd, &b.pd, sizeof pd) || score != b.score || grade != b.grade ||
        reasons_differ) {
        snprintf(what, sizeof what, "recorded pd %.17g score %d grade %d, replayed pd %.17g "
                 "score %d grade %d%s", b.pd, b.score, b.grade, pd, score, grade,
                 reasons_differ ? ", other reasons" : "");
        tell(x, r, what);
    }
    return SCORE_OK;
}

int score_evidence_replay(score_evidence_log *log, const score_model *model,
                          const char *bundle_path, score_diagnostic_fn report, void *user,
                          uint64_t *checked, uint64_t *differ)
{
    if (!log || !model)
        return sc_error(SCORE_EINVAL, "score_evidence_replay: log and model must not be NULL");
    replay x;
    memset(&x, 0, sizeof x);
    x.model = model;
    x.report = report;
    x.user = user;
    int rc = SCORE_OK;
    if (bundle_path) {
        rc = score_evidence_sha256_file(bundle_path, x.bundle);
        x.have_bundle = rc == SCORE_OK;
    }
    if (rc == SCORE_OK && !(x.row = sc_malloc_array(model->n_features + 1, sizeof *x.row)))
        rc = sc_error(SCORE_ENOMEM, "score_evidence_replay: out of memory");
    uint8_t *data = NULL;
    size_t size = 0;
    if (rc == SCORE_OK)
        rc = sc_evid_read_file(log->log_path, &data, &size);
    if (rc == SCORE_OK) {
        sc_evid_scan_result s;
        rc = sc_evid_scan(data, size < log->end ? size : log->end, log->log_path, replay_one, &x,
                          &s);
    }
    sc_free(data);
    sc_free(x.row);
    if (rc == SCORE_OK) {
        if (checked)
            *checked = x.checked;
        if (differ)
            *differ = x.differ;
    }
    return rc;
}
