#include <math.h>
#include <string.h>

#include "scorecard.h"

size_t score_model_n_reasons(const score_model *m)
{
    return m ? m->n_reasons : 0;
}

size_t score_model_n_grades(const score_model *m)
{
    return m ? m->n_grades : 0;
}

const char *score_model_grade_name(const score_model *m, size_t grade)
{
    return m && grade < m->n_grades ? m->grades[grade].name : NULL;
}

int score_pd_to_score(const score_model *m, double pd)
{
    return m ? sc_score_of_pd(&m->scaling, isnan(pd) ? 1.0 : pd) : 0;
}

/* Rows of contributions computed together (sc_forest_contributions_rows
 * takes them through each tree in blocks). */
#define REASON_BLOCK 64

typedef struct score_job {
    const score_model *m;
    const float *rows;
    size_t k;                /* reasons a row */
    double *margin, *pd;
    int *score, *grade, *reasons;
    double *contributions;   /* contributions_batch: the output; else NULL */
} score_job;

static int score_range(void *user, size_t begin, size_t end)
{
    static const char fn[] = "score_model_score_batch";
    const score_job *job = user;
    const score_model *m = job->m;
    const size_t nf = m->n_features, n = end - begin;
    double block[256]; /* margins without allocation when none is asked for */
    for (size_t at = 0; at < n && (job->margin || job->pd || job->score || job->grade);) {
        size_t len = n - at < 256 ? n - at : 256;
        const size_t r0 = begin + at;
        double *mg = job->margin ? job->margin + r0 : block;
        sc_forest_predict(m->forest, job->rows + r0 * nf, len, mg);
        for (size_t i = 0; i < len; i++) {
            double p = sc_calibrated_pd(&m->calibration, mg[i]);
            if (job->pd)
                job->pd[r0 + i] = p;
            if (job->score)
                job->score[r0 + i] = sc_score_of_pd(&m->scaling, p);
            if (job->grade)
                job->grade[r0 + i] = (int)sc_grade_of_pd(m, p);
        }
        at += len;
    }
    if (job->contributions)
        return sc_forest_contributions_rows(m->forest, job->rows + begin * nf, n,
                                            job->contributions + begin * (nf + 1));
    if (!job->reasons || !job->k)
        return SCORE_OK;
    double *c = sc_malloc_array(REASON_BLOCK * (nf + 1), sizeof *c);
    if (!c)
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    int rc = SCORE_OK;
    for (size_t at = 0; rc == SCORE_OK && at < n; at += REASON_BLOCK) {
        size_t len = n - at < REASON_BLOCK ? n - at : REASON_BLOCK;
        const size_t r0 = begin + at;
        rc = sc_forest_contributions_rows(m->forest, job->rows + r0 * nf, len, c);
        for (size_t i = 0; rc == SCORE_OK && i < len; i++)
            sc_top_reasons(c + i * (nf + 1), nf, job->k, job->reasons + (r0 + i) * job->k);
    }
    sc_free(c);
    return rc;
}

int sc_score_batch_plain(const score_model *m, const float *rows, size_t n_rows,
                         const score_batch_options *opt, size_t k, double *margin, double *pd,
                         int *score, int *grade, int *reasons)
{
    score_job job = {m, rows, k, margin, pd, score, grade, reasons, NULL};
    return sc_parallel_ranges(n_rows, opt->threads, score_range, &job);
}

int sc_score_rows(const score_model *m, const float *rows, size_t n_rows, double *margin,
                  double *pd, int *score, int *grade, int *reasons)
{
    score_batch_options opt;
    score_batch_options_init(&opt);
    return sc_score_batch_plain(m, rows, n_rows, &opt, m->n_reasons, margin, pd, score, grade,
                                reasons);
}

int score_model_score_batch(const score_model *m, const float *rows, size_t n_rows,
                            const score_batch_options *options, double *margin, double *pd,
                            int *score, int *grade, int *reasons)
{
    static const char fn[] = "score_model_score_batch";
    score_batch_options opt;
    if (!m || (n_rows && !rows))
        return sc_error(SCORE_EINVAL, "%s: model and rows must not be NULL", fn);
    int rc = sc_batch_options(options, &opt, fn);
    if (rc != SCORE_OK)
        return rc;
    size_t k = opt.n_reasons == SCORE_REASONS_MODEL ? m->n_reasons : opt.n_reasons;
    if (k > m->n_features)
        return sc_error(SCORE_EINVAL, "%s: %zu reasons asked for, but the model has %zu features",
                        fn, k, m->n_features);
    if (m->evidence)
        return sc_score_batch_with_evidence(m, rows, n_rows, &opt, k, margin, pd, score, grade,
                                            reasons);
    return sc_score_batch_plain(m, rows, n_rows, &opt, k, margin, pd, score, grade, reasons);
}

int score_model_contributions_batch(const score_model *m, const float *rows, size_t n_rows,
                                    const score_batch_options *options, double *contributions)
{
    static const char fn[] = "score_model_contributions_batch";
    score_batch_options opt;
    if (!m || (n_rows && (!rows || !contributions)))
        return sc_error(SCORE_EINVAL, "%s: model, rows and contributions must not be NULL", fn);
    int rc = sc_batch_options(options, &opt, fn);
    if (rc != SCORE_OK)
        return rc;
    score_job job = {m, rows, 0, NULL, NULL, NULL, NULL, NULL, contributions};
    return sc_parallel_ranges(n_rows, opt.threads, score_range, &job);
}

int score_model_score(const score_model *m, const float *rows, size_t n_rows, double *margin,
                      double *pd, int *score, int *grade, int *reasons)
{
    if (!m || (n_rows && !rows))
        return sc_error(SCORE_EINVAL, "score_model_score: model and rows must not be NULL");
    score_batch_options opt;
    score_batch_options_init(&opt);
    int rc = score_model_score_batch(m, rows, n_rows, &opt, margin, pd, score, grade, reasons);
    return rc == SCORE_OK ? rc : sc_error_prefix(rc, "score_model_score");
}


int score_model_score_panel(const score_model *m, const score_panel *panel, const char *asof,
                            size_t capacity, size_t *enterprise_index, double *margin, double *pd,
                            int *score, int *grade, int *reasons, size_t *n_rows)
{
    static const char fn[] = "score_model_score_panel";
    if (!m || !panel || !n_rows)
        return sc_error(SCORE_EINVAL, "%s: model, panel and n_rows must not be NULL", fn);
    if (m->input != INPUT_SIGNALS)
        return sc_error(SCORE_EINVAL, "%s: the model eats a table with named columns, not signals",
                        fn);
    size_t total;
    int rc = score_features_compute(panel, asof, NULL, 0, NULL, &total);
    if (rc != SCORE_OK)
        return rc;
    size_t n = total < capacity ? total : capacity;
    float *rows = sc_malloc_array(n * m->n_features + 1, sizeof *rows);
    size_t *index = sc_malloc_array(n + 1, sizeof *index);
    if (!rows || !index)
        rc = sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    if (rc == SCORE_OK && n)
        rc = score_features_compute(panel, asof, rows, n, index, &total);
    if (rc == SCORE_OK && n)
        rc = score_model_score(m, rows, n, margin, pd, score, grade, reasons);
    if (rc == SCORE_OK && enterprise_index)
        memcpy(enterprise_index, index, n * sizeof *index);
    sc_free(rows);
    sc_free(index);
    if (rc == SCORE_OK)
        *n_rows = total;
    return rc;
}

static void copy_out(const sc_str *s, char *out, size_t cap)
{
    if (!out || !cap)
        return;
    size_t n = s->len < cap - 1 ? s->len : cap - 1;
    /* never cut a UTF-8 character in half */
    while (n > 0 && n < s->len && ((unsigned char)s->data[n] & 0xC0) == 0x80)
        n--;
    if (n)
        memcpy(out, s->data, n);
    out[n] = '\0';
}

int score_model_reason(const score_model *m, size_t feature, double value, const char **code,
                       char *text_zh, size_t zh_capacity, char *text_en, size_t en_capacity)
{
    if (!m || feature >= m->n_features)
        return sc_error(SCORE_EINVAL, "score_model_reason: %s",
                        !m ? "model is NULL" : "feature index out of range");
    sc_str zh, en;
    sc_str_init(&zh);
    sc_str_init(&en);
    if (m->input == INPUT_SIGNALS) {
        if (code)
            *code = sc_reasons[feature].code;
        sc_reason_text(feature, value, &zh, &en);
    } else {
        const char *name = m->feature_names[feature];
        if (code)
            *code = name;
        if (isnan(value)) {
            sc_str_printf(&zh, "%s 缺失", name);
            sc_str_printf(&en, "%s missing", name);
        } else {
            sc_str_printf(&zh, "%s = %.6g", name, value);
            sc_str_printf(&en, "%s = %.6g", name, value);
        }
    }
    int rc = SCORE_OK;
    if (sc_str_status(&zh) != SCORE_OK || sc_str_status(&en) != SCORE_OK)
        rc = sc_error(SCORE_ENOMEM, "score_model_reason: out of memory");
    else {
        copy_out(&zh, text_zh, zh_capacity);
        copy_out(&en, text_en, en_capacity);
    }
    sc_str_free(&zh);
    sc_str_free(&en);
    return rc;
}
