#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xgboost/c_api.h>

#include "../core/json.h"
#include "train.h"

/* SOURCE_DATE_EPOCH, when set, so that two trainings give identical files. */
static void creation_time(char out[32])
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long t = epoch ? strtoll(epoch, &end, 10) : 0;
    time_t when = epoch && *epoch && !*end && t >= 0 ? (time_t)t : time(NULL);
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *metrics_json(const sc_metrics *m)
{
    return json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:I,s:I}", "auc", m->auc, "ks", m->ks, "brier",
                     m->brier, "log_loss", m->log_loss, "default_rate", m->default_rate, "mean_pd",
                     m->mean_pd, "rows", (json_int_t)m->n, "defaults", (json_int_t)m->n_default);
}

/* Predicted against observed default rate by grade, on the held-out rows. */
static json_t *calibration_table(const score_model *m, const double *pd, const float *y,
                                 const unsigned char *valid, size_t n)
{
    double rows[SC_MAX_GRADES] = {0}, bads[SC_MAX_GRADES] = {0}, pds[SC_MAX_GRADES] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!valid[i])
            continue;
        size_t g = sc_grade_of_pd(m, pd[i]);
        rows[g]++;
        bads[g] += y[i];
        pds[g] += pd[i];
    }
    int failed = 0;
    json_t *table = sc_json_checked(json_array(), &failed);
    for (size_t g = 0; g < m->n_grades; g++)
        sc_json_push(table, json_pack("{s:s,s:I,s:I,s:f,s:f}", "grade", m->grades[g].name,
                                               "rows", (json_int_t)rows[g], "defaults",
                                               (json_int_t)bads[g], "mean_pd",
                                               rows[g] ? pds[g] / rows[g] : 0.0, "default_rate",
                                               rows[g] ? bads[g] / rows[g] : 0.0),
                     &failed);
    if (failed) {
        json_decref(table);
        return NULL;
    }
    return table;
}

static json_t *parameters_json(const score_train_options *o, const sc_train_data *d)
{
    return json_pack("{s:s,s:s,s:f,s:i,s:f,s:f,s:i,s:f,s:i,s:i,s:f,s:I,s:i,s:b}", "objective",
                     "binary:logistic", "tree_method", "hist", "learning_rate", o->learning_rate,
                     "max_depth", o->max_depth, "subsample", 0.8, "colsample_bytree", 0.8,
                     "min_child_weight", 1, "lambda", 1.0, "max_rounds", o->max_rounds,
                     "early_stopping_rounds", o->early_stopping_rounds, "validation_share",
                     o->validation_share, "seed", (json_int_t)o->seed, "threads", o->threads,
                     "monotone_constraints", o->monotone && d->directions != NULL);
}

static json_t *build_metadata(const score_model *m, const sc_train_data *d,
                              const score_train_options *o, const json_t *summary, int trees,
                              const sc_metrics *train, const sc_metrics *held_out, json_t *table)
{
    char created[32], version[32];
    int major, minor, patch;
    creation_time(created);
    XGBoostVersion(&major, &minor, &patch);
    sc_snprintf(version, sizeof version, "%d.%d.%d", major, minor, patch);
    json_t *training = json_pack("{s:I,s:I,s:f,s:I,s:I,s:I}", "rows", (json_int_t)d->n_rows,
                                 "defaults", (json_int_t)(train->n_default + held_out->n_default),
                                 "default_rate",
                                 (double)(train->n_default + held_out->n_default) / (double)d->n_rows,
                                 "train_rows", (json_int_t)train->n, "validation_rows",
                                 (json_int_t)held_out->n, "features", (json_int_t)d->n_features);
    if (training && summary && json_object_update(training, (json_t *)summary) != 0) {
        json_decref(training);
        training = NULL;
    }
    (void)m;
    return json_pack("{s:s,s:s,s:s,s:o,s:o,s:{s:i,s:s,s:{s:f},s:o,s:o}}", "created", created,
                     "library", SCORE_VERSION_STRING, "xgboost", version, "training", training,
                     "parameters", parameters_json(o, d), "metrics", "trees", trees, "calibration",
                     "platt", "train", "auc", train->auc, "validation", metrics_json(held_out),
                     "calibration_table", table);
}

/* Population distributions of every feature and of the score, for drift. */
static int fit_population(score_model *m, const sc_train_data *d, const double *pd)
{
    size_t n = d->n_rows;
    m->population = sc_calloc(d->n_features + 1, sizeof *m->population);
    double *column = sc_malloc_array(n ? n : 1, sizeof *column);
    int rc = m->population && column ? SCORE_OK : sc_error(SCORE_ENOMEM, "out of memory");
    for (size_t j = 0; j < d->n_features && rc == SCORE_OK; j++) {
        for (size_t i = 0; i < n; i++)
            column[i] = d->rows[i * d->n_features + j];
        rc = sc_distribution_fit(column, n, &m->population[j]);
    }
    for (size_t i = 0; i < n && rc == SCORE_OK; i++)
        column[i] = sc_score_of_pd(&m->scaling, pd[i]);
    if (rc == SCORE_OK)
        rc = sc_distribution_fit(column, n, &m->population[d->n_features]);
    sc_free(column);
    return rc;
}

static int copy_names(score_model *m, const sc_train_data *d, const score_train_options *o)
{
    m->n_features = d->n_features;
    m->feature_names = sc_calloc(d->n_features, sizeof *m->feature_names);
    m->directions = sc_calloc(d->n_features, sizeof *m->directions);
    if (!m->feature_names || !m->directions)
        return sc_error(SCORE_ENOMEM, "out of memory");
    for (size_t j = 0; j < d->n_features; j++) {
        if (!(m->feature_names[j] = sc_strdup(d->names[j])))
            return sc_error(SCORE_ENOMEM, "out of memory");
        m->directions[j] = o->monotone && d->directions ? d->directions[j] : 0;
    }
    return SCORE_OK;
}

/* Margins, calibration and metrics once the booster is trained. */
static int calibrate(score_model *m, const sc_train_data *d, const unsigned char *valid, double *pd,
                     sc_metrics *train, sc_metrics *held_out)
{
    size_t n = d->n_rows, n_valid = 0;
    double *margin = sc_malloc_array(n, sizeof *margin);
    double *split_pd = sc_malloc_array(n, sizeof *split_pd);
    float *split_y = sc_malloc_array(n, sizeof *split_y);
    int rc = margin && split_pd && split_y ? SCORE_OK : sc_error(SCORE_ENOMEM, "out of memory");
    if (rc == SCORE_OK) {
        sc_forest_predict(m->forest, d->rows, n, margin);
        for (size_t i = 0; i < n; i++)
            if (valid[i]) {
                split_pd[n_valid] = margin[i];
                split_y[n_valid++] = d->labels[i];
            }
        rc = sc_calibration_fit(split_pd, split_y, n_valid, &m->calibration);
    }
    for (size_t i = 0; rc == SCORE_OK && i < n; i++)
        pd[i] = sc_calibrated_pd(&m->calibration, margin[i]);
    for (int part = 1; rc == SCORE_OK && part >= 0; part--) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (valid[i] == part) {
                split_pd[k] = pd[i];
                split_y[k++] = d->labels[i];
            }
        rc = sc_metrics_compute(split_pd, split_y, k, part ? held_out : train);
    }
    sc_free(margin);
    sc_free(split_pd);
    sc_free(split_y);
    return rc;
}

static int check_data(const sc_train_data *d)
{
    size_t bads = 0;
    for (size_t i = 0; i < d->n_rows; i++) {
        if (d->labels[i] != 0 && d->labels[i] != 1)
            return sc_error(SCORE_EINVAL, "label of row %zu is %g; labels are 0 or 1", i + 1,
                            (double)d->labels[i]);
        bads += d->labels[i] == 1;
    }
    if (d->n_features == 0)
        return sc_error(SCORE_EINVAL, "no feature to train on");
    if (bads < 10 || d->n_rows - bads < 10)
        return sc_error(SCORE_EINVAL, "training needs at least 10 defaults and 10 non-defaults; "
                        "the data has %zu rows with %zu defaults", d->n_rows, bads);
    return SCORE_OK;
}

int sc_train_model(const sc_train_data *d, const score_train_options *o, const json_t *summary,
                   score_model **out)
{
    int rc = check_data(d);
    if (rc != SCORE_OK)
        return rc;
    score_model *m = sc_calloc(1, sizeof *m);
    unsigned char *valid = sc_calloc(d->n_rows, 1);
    double *pd = sc_malloc_array(d->n_rows, sizeof *pd);
    json_t *root = NULL;
    int trees = 0;
    sc_metrics train, held_out;
    if (!m || !valid || !pd)
        rc = sc_error(SCORE_ENOMEM, "out of memory");
    if (rc == SCORE_OK) {
        sc_model_default_scorecard(m);
        m->input = INPUT_TABLE;
        rc = copy_names(m, d, o);
    }
    if (rc == SCORE_OK)
        rc = sc_train_booster(d, o, valid, &m->xgboost_json, &trees);
    if (rc == SCORE_OK && !(root = json_loads(m->xgboost_json, 0, NULL)))
        rc = sc_error(SCORE_EDEPENDENCY, "XGBoost wrote a model that is not JSON");
    if (rc == SCORE_OK)
        rc = sc_forest_from_xgboost(root, d->n_features, &m->forest);
    json_decref(root);
    if (rc == SCORE_OK)
        rc = calibrate(m, d, valid, pd, &train, &held_out);
    if (rc == SCORE_OK)
        rc = fit_population(m, d, pd);
    if (rc == SCORE_OK &&
        !(m->metadata = build_metadata(m, d, o, summary, trees, &train, &held_out,
                                       calibration_table(m, pd, d->labels, valid, d->n_rows))))
        rc = sc_error(SCORE_ENOMEM, "out of memory writing the model's metadata");
    sc_free(valid);
    sc_free(pd);
    if (rc != SCORE_OK) {
        score_model_free(m);
        return rc;
    }
    *out = m;
    return SCORE_OK;
}
