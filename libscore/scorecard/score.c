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

int sc_score_rows(const score_model *m, const float *rows, size_t n_rows, double *margin,
                  double *pd, int *score, int *grade, int *reasons)
{
    static const char fn[] = "score_model_score";
    double *contributions = NULL;
    if (reasons && m->n_reasons &&
        !(contributions = sc_malloc_array(m->n_features + 1, sizeof *contributions)))
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    for (size_t i = 0; i < n_rows; i++) {
        const float *row = rows + i * m->n_features;
        double mg, p;
        sc_forest_predict(m->forest, row, 1, &mg);
        p = sc_calibrated_pd(&m->calibration, mg);
        if (margin)
            margin[i] = mg;
        if (pd)
            pd[i] = p;
        if (score)
            score[i] = sc_score_of_pd(&m->scaling, p);
        if (grade)
            grade[i] = (int)sc_grade_of_pd(m, p);
        if (!contributions)
            continue;
        int rc = sc_forest_contributions(m->forest, row, contributions);
        if (rc != SCORE_OK) {
            sc_free(contributions);
            return rc;
        }
        sc_top_reasons(contributions, m->n_features, m->n_reasons, reasons + i * m->n_reasons);
    }
    sc_free(contributions);
    return SCORE_OK;
}

int score_model_score(const score_model *m, const float *rows, size_t n_rows, double *margin,
                  double *pd, int *score, int *grade, int *reasons)
{
    if (!m || (n_rows && !rows))
        return sc_error(SCORE_EINVAL, "score_model_score: model and rows must not be NULL");
    if (!m->evidence)
        return sc_score_rows(m, rows, n_rows, margin, pd, score, grade, reasons);
    return sc_score_with_evidence(m, rows, n_rows, margin, pd, score, grade, reasons, sc_score_rows);
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
