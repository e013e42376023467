/*
 * The model validation report: every number it shows, computed once from
 * the model, the panel and the labels. report_html.c draws them.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/file.h"
#include "../core/json.h"
#include "report.h"

void sc_wilson(size_t defaults, size_t count, double *low, double *high)
{
    if (count == 0) {
        *low = *high = NAN;
        return;
    }
    const double z = 1.959963984540054;
    double n = (double)count, p = (double)defaults / n, z2 = z * z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    /* exact at the ends, where rounding would leave 1e-18 or 0.9999999999999999 */
    *low = defaults == 0 || centre - half < 0 ? 0 : centre - half;
    *high = defaults == count || centre + half > 1 ? 1 : centre + half;
}

void score_report_free(score_report *r)
{
    if (!r)
        return;
    sc_free(r->roc);
    sc_free(r->hist_good);
    sc_free(r->hist_bad);
    score_drift_free(r->drift);
    sc_free(r->model_created);
    sc_free(r->model_training);
    sc_free(r);
}

/* The labelled sample: rows, labels, and what the model says of them. */
typedef struct sample {
    size_t n;
    float *rows;
    float *label;
    double *pd;
    int *score, *grade;
} sample;

static void sample_free(sample *s)
{
    sc_free(s->rows);
    sc_free(s->label);
    sc_free(s->pd);
    sc_free(s->score);
    sc_free(s->grade);
}

static int by_uscc(const void *a, const void *b)
{
    return strcmp(((const sc_label *)a)->uscc, ((const sc_label *)b)->uscc);
}

/* Features of every enterprise existing at asof, kept for those labelled. */
static int build_sample(score_report *r, const score_model *m, const score_panel *panel,
                        const char *asof, const sc_label *labels, size_t n_labels, sample *s)
{
    size_t n;
    int rc = score_features_compute(panel, asof, NULL, 0, NULL, &n);
    if (rc != SCORE_OK)
        return rc;
    r->scored = n;
    size_t cap = n ? n : 1;
    float *all = sc_malloc_array(cap, SC_N_FEATURES * sizeof *all);
    size_t *index = sc_malloc_array(cap, sizeof *index);
    s->rows = sc_malloc_array(cap, SC_N_FEATURES * sizeof *s->rows);
    s->label = sc_malloc_array(cap, sizeof *s->label);
    s->pd = sc_malloc_array(cap, sizeof *s->pd);
    s->score = sc_malloc_array(cap, sizeof *s->score);
    s->grade = sc_malloc_array(cap, sizeof *s->grade);
    if (!all || !index || !s->rows || !s->label || !s->pd || !s->score || !s->grade)
        rc = sc_error(SCORE_ENOMEM, "out of memory for the report");
    if (rc == SCORE_OK && n)
        rc = score_features_compute(panel, asof, all, n, index, &n);
    for (size_t i = 0; i < n && rc == SCORE_OK; i++) {
        sc_label key;
        memcpy(key.uscc, sc_panel_uscc(panel, index[i]), 18);
        key.uscc[18] = '\0';
        const sc_label *hit = bsearch(&key, labels, n_labels, sizeof *labels, by_uscc);
        if (!hit)
            continue;
        memcpy(s->rows + s->n * SC_N_FEATURES, all + i * SC_N_FEATURES,
               SC_N_FEATURES * sizeof *all);
        s->label[s->n++] = hit->value;
    }
    sc_free(all);
    sc_free(index);
    if (rc == SCORE_OK && s->n == 0)
        rc = sc_error(SCORE_ENOTFOUND, "no labelled enterprise of the panel exists at %s", asof);
    if (rc == SCORE_OK)
        rc = score_model_score(m, s->rows, s->n, NULL, s->pd, s->score, s->grade, NULL);
    r->labelled = s->n;
    r->labels_unmatched = n_labels - s->n;
    return rc;
}

typedef struct ranked {
    double pd;
    float label;
    int score;
} ranked;

static int riskiest_first(const void *a, const void *b)
{
    double x = ((const ranked *)a)->pd, y = ((const ranked *)b)->pd;
    return (x < y) - (x > y);
}

/* ROC points and KS, walking tie groups of PD from the riskiest down. */
static int discrimination(score_report *r, const sample *s)
{
    ranked *k = sc_malloc_array(s->n, sizeof *k);
    r->roc = sc_malloc_array(s->n + 1, sizeof *r->roc);
    if (!k || !r->roc) {
        sc_free(k);
        return sc_error(SCORE_ENOMEM, "out of memory for the report");
    }
    for (size_t i = 0; i < s->n; i++)
        k[i] = (ranked){s->pd[i], s->label[i], s->score[i]};
    qsort(k, s->n, sizeof *k, riskiest_first);
    double bads = (double)r->defaults, goods = (double)(s->n - r->defaults);
    double tp = 0, fp = 0;
    r->roc[r->n_roc++] = (sc_roc_point){0, 0, 0, k[0].score};
    for (size_t i = 0; i < s->n;) {
        size_t j = i;
        while (j < s->n && k[j].pd == k[i].pd) {
            tp += k[j].label;
            fp += 1 - k[j].label;
            j++;
        }
        double tpr = bads > 0 ? tp / bads : NAN, fpr = goods > 0 ? fp / goods : NAN;
        r->roc[r->n_roc++] = (sc_roc_point){fpr, tpr, tpr - fpr, k[i].score};
        i = j;
    }
    r->ks = NAN;
    if (bads > 0 && goods > 0) {
        r->ks = 0;
        for (size_t i = 0; i < r->n_roc; i++)
            if (fabs(r->roc[i].ks_gap) > r->ks) {
                r->ks = fabs(r->roc[i].ks_gap);
                r->ks_score = r->roc[i].score;
            }
    }
    sc_free(k);
    return SCORE_OK;
}

static int histograms(score_report *r, const sample *s)
{
    int lo = s->score[0], hi = s->score[0];
    for (size_t i = 1; i < s->n; i++) {
        lo = s->score[i] < lo ? s->score[i] : lo;
        hi = s->score[i] > hi ? s->score[i] : hi;
    }
    r->hist_from = (int)floor((double)lo / SC_REPORT_SCORE_BIN) * SC_REPORT_SCORE_BIN;
    r->n_hist = (size_t)((hi - r->hist_from) / SC_REPORT_SCORE_BIN + 1);
    r->hist_good = sc_calloc(r->n_hist, sizeof *r->hist_good);
    r->hist_bad = sc_calloc(r->n_hist, sizeof *r->hist_bad);
    if (!r->hist_good || !r->hist_bad)
        return sc_error(SCORE_ENOMEM, "out of memory for the report");
    for (size_t i = 0; i < s->n; i++) {
        size_t b = (size_t)((s->score[i] - r->hist_from) / SC_REPORT_SCORE_BIN);
        (s->label[i] ? r->hist_bad : r->hist_good)[b]++;
    }
    return SCORE_OK;
}

static int by_importance(const void *a, const void *b)
{
    const sc_importance *x = a, *y = b;
    if (x->mean_abs != y->mean_abs)
        return x->mean_abs < y->mean_abs ? 1 : -1;
    return (x->feature > y->feature) - (x->feature < y->feature);
}

/* Mean |exact tree SHAP contribution| per feature over an evenly spaced
 * sample of the labelled rows. */
static int importance(score_report *r, const score_model *m, const sample *s)
{
    size_t nf = m->n_features, step = s->n > SC_REPORT_SHAP_SAMPLE
                                          ? (s->n + SC_REPORT_SHAP_SAMPLE - 1) / SC_REPORT_SHAP_SAMPLE
                                          : 1;
    double *contributions = sc_malloc_array(nf + 1, sizeof *contributions);
    sc_importance *all = sc_calloc(nf, sizeof *all);
    int rc = contributions && all ? SCORE_OK : sc_error(SCORE_ENOMEM, "out of memory for the report");
    for (size_t j = 0; j < nf && all; j++)
        all[j].feature = j;
    for (size_t i = 0; i < s->n && rc == SCORE_OK; i += step) {
        rc = score_model_contributions(m, s->rows + i * nf, contributions);
        for (size_t j = 0; j < nf && rc == SCORE_OK; j++)
            all[j].mean_abs += fabs(contributions[j]);
        r->shap_rows++;
    }
    if (rc == SCORE_OK) {
        for (size_t j = 0; j < nf; j++)
            all[j].mean_abs /= (double)r->shap_rows;
        qsort(all, nf, sizeof *all, by_importance);
        r->n_top = nf < SC_REPORT_TOP_FEATURES ? nf : SC_REPORT_TOP_FEATURES;
        memcpy(r->top, all, r->n_top * sizeof *all);
    }
    sc_free(contributions);
    sc_free(all);
    return rc;
}

static void data_summary(score_report *r, const score_panel *panel)
{
    r->enterprises = score_panel_n_enterprises(panel);
    r->observations = score_panel_n_observations(panel);
    if (score_panel_period_range(panel, &r->first_month, &r->last_month) != SCORE_OK)
        r->first_month = r->last_month = 0;
    for (size_t src = 0; src < SC_N_SOURCES; src++)
        if (score_panel_source_count(panel, sc_source_names[src], &r->source_count[src]) != SCORE_OK)
            r->source_count[src] = 0;
}

static int model_summary(score_report *r, const score_model *m)
{
    const json_t *meta = m->metadata;
    const char *created = json_string_value(json_object_get(meta, "created"));
    const json_t *training = json_object_get(meta, "training");
    const json_t *metrics = json_object_get(meta, "metrics");
    r->model_validation_auc =
        json_number_value(json_object_get(json_object_get(metrics, "validation"), "auc"));
    json_int_t trees = json_integer_value(json_object_get(metrics, "trees"));
    r->model_trees = trees > 0 ? (size_t)trees : 0;
    if (created && !(r->model_created = sc_strdup(created)))
        return sc_error(SCORE_ENOMEM, "out of memory for the report");
    if (training) {
        sc_str text;
        sc_str_init(&text);
        if (sc_json_dump(training, JSON_SORT_KEYS | JSON_COMPACT, &text) != SCORE_OK) {
            sc_str_free(&text);
            return sc_error(SCORE_ENOMEM, "out of memory for the report");
        }
        r->model_training = text.data; /* sc_str's buffer is sc_malloc'ed */
        text.data = NULL;
    }
    return SCORE_OK;
}

static int compute(score_report *r, const score_model *m, const score_panel *panel,
                   const char *labels_path, const char *asof)
{
    sc_label *labels = NULL;
    size_t n_labels = 0;
    int rc = sc_labels_read(labels_path, &labels, &n_labels);
    if (rc != SCORE_OK)
        return rc;
    r->labels_read = n_labels;
    sample s = {0};
    rc = build_sample(r, m, panel, asof, labels, n_labels, &s);
    sc_free(labels);
    for (size_t i = 0; i < s.n && rc == SCORE_OK; i++) {
        sc_report_grade *g = &r->grade[s.grade[i]];
        g->count++;
        g->defaults += s.label[i] != 0;
        g->pd_sum += s.pd[i];
        r->defaults += s.label[i] != 0;
    }
    sc_metrics metrics;
    if (rc == SCORE_OK && (rc = sc_metrics_compute(s.pd, s.label, s.n, &metrics)) == SCORE_OK) {
        r->auc = metrics.auc;
        r->brier = metrics.brier;
        r->mean_pd = metrics.mean_pd;
    }
    if (rc == SCORE_OK)
        rc = discrimination(r, &s);
    if (rc == SCORE_OK)
        rc = histograms(r, &s);
    if (rc == SCORE_OK)
        rc = importance(r, m, &s);
    if (rc == SCORE_OK) {
        sc_validation_input in = {s.n, s.rows, s.label, s.pd, s.score, s.grade, r->auc, r->ks};
        rc = sc_validation_compute(&r->validation, m, &in);
    }
    if (rc == SCORE_OK)
        rc = score_drift_compute(m, panel, asof, NULL, &r->drift);
    if (rc == SCORE_OK)
        rc = model_summary(r, m);
    if (rc == SCORE_OK)
        data_summary(r, panel);
    sample_free(&s);
    return rc;
}

int score_report_new(const score_model *model, const score_panel *panel, const char *labels_path,
                     const char *asof, score_report **out)
{
    static const char fn[] = "score_report_new";
    int month;
    if (!model || !panel || !labels_path || !out)
        return sc_error(SCORE_EINVAL, "%s: model, panel, labels_path and out must not be NULL", fn);
    if (model->input != INPUT_SIGNALS)
        return sc_error(SCORE_EINVAL, "%s: the model eats a table with named columns, not signals",
                        fn);
    int rc = sc_month_arg(asof, "score_report_new: asof", &month);
    if (rc != SCORE_OK)
        return rc;
    score_report *r = sc_calloc(1, sizeof *r);
    if (!r)
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    r->asof = month;
    r->n_grades = model->n_grades;
    for (size_t g = 0; g < model->n_grades; g++)
        memcpy(r->grades[g], model->grades[g].name, sizeof r->grades[g]);
    rc = compute(r, model, panel, labels_path, asof);
    if (rc != SCORE_OK) {
        score_report_free(r);
        return rc;
    }
    *out = r;
    return SCORE_OK;
}

int score_report_json(const score_report *r, char *buffer, size_t capacity, size_t *length)
{
    if (!r)
        return sc_error(SCORE_EINVAL, "score_report_json: NULL report");
    sc_str s;
    sc_str_init(&s);
    sc_report_json(r, &s);
    return sc_text_out(&s, buffer, capacity, length, "score_report_json");
}

int score_report_summary_get(const score_report *r, score_report_summary *out)
{
    if (!r || !out)
        return sc_error(SCORE_EINVAL, "score_report_summary_get: NULL argument");
    int rc = sc_out_size(out->size, sizeof *out, "score_report_summary_get",
                         "score_report_summary");
    if (rc != SCORE_OK)
        return rc;
    score_report_summary s = {
        .size = out->size,
        .asof = sc_month_yyyymm(r->asof),
        .enterprises = r->enterprises,
        .scored = r->scored,
        .labelled = r->labelled,
        .defaults = r->defaults,
        .default_rate = (double)r->defaults / (double)r->labelled,
        .mean_pd = r->mean_pd,
        .auc = r->auc,
        .gini = 2 * r->auc - 1,
        .ks = r->ks,
        .ks_score = r->ks_score,
        .brier = r->brier,
    };
    memcpy(out, &s, out->size);
    return SCORE_OK;
}

int score_report_grade_get(const score_report *r, size_t grade, score_report_grade *out)
{
    if (!r || !out || grade >= r->n_grades)
        return sc_error(SCORE_EINVAL, "score_report_grade_get: %s",
                        !r || !out ? "NULL argument" : "grade out of range");
    int rc = sc_out_size(out->size, sizeof *out, "score_report_grade_get", "score_report_grade");
    if (rc != SCORE_OK)
        return rc;
    const sc_report_grade *g = &r->grade[grade];
    score_report_grade s = {
        .size = out->size,
        .grade = r->grades[grade],
        .count = g->count,
        .defaults = g->defaults,
        .mean_pd = g->count ? g->pd_sum / (double)g->count : NAN,
        .default_rate = g->count ? (double)g->defaults / (double)g->count : NAN,
    };
    sc_wilson(g->defaults, g->count, &s.ci_low, &s.ci_high);
    memcpy(out, &s, out->size);
    return SCORE_OK;
}

static int render(const score_report *r, sc_str *s, const char *fn)
{
    sc_str_init(s);
    sc_report_render(r, s);
    if (sc_str_status(s) != SCORE_OK) {
        sc_str_free(s);
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    }
    return SCORE_OK;
}

int score_report_html(const score_report *r, char *buffer, size_t capacity, size_t *length)
{
    if (!r || !length || (!buffer && capacity))
        return sc_error(SCORE_EINVAL, "score_report_html: NULL argument");
    sc_str s;
    sc_str_init(&s);
    sc_report_render(r, &s);
    return sc_text_out(&s, buffer, capacity, length, "score_report_html");
}

int score_report_save(const score_report *r, const char *path)
{
    static const char fn[] = "score_report_save";
    if (!r || !path)
        return sc_error(SCORE_EINVAL, "%s: NULL argument", fn);
    sc_str s;
    int rc = render(r, &s, fn);
    if (rc != SCORE_OK)
        return rc;
    rc = sc_write_file(path, s.data, s.len, "report");
    sc_str_free(&s);
    return rc;
}
