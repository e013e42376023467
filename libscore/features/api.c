#include <math.h>
#include <string.h>

#include "features.h"

size_t score_features_count(void)
{
    return SC_N_FEATURES;
}

int score_features_spec_version(void)
{
    return SC_FEATURE_SPEC_VERSION;
}

int score_feature_info(size_t index, const char **name, int *direction, const char **description)
{
    if (index >= SC_N_FEATURES)
        return sc_error(SCORE_EINVAL, "score_feature_info: index %zu is not below %d", index,
                        SC_N_FEATURES);
    if (name)
        *name = sc_feature_spec[index].name;
    if (direction)
        *direction = sc_feature_spec[index].direction;
    if (description)
        *description = sc_feature_spec[index].description;
    return SCORE_OK;
}

int score_feature_index(const char *name, size_t *index)
{
    if (!name || !index)
        return sc_error(SCORE_EINVAL, "score_feature_index: NULL argument");
    for (size_t i = 0; i < SC_N_FEATURES; i++)
        if (strcmp(sc_feature_spec[i].name, name) == 0) {
            *index = i;
            return SCORE_OK;
        }
    return sc_error(SCORE_ENOTFOUND, "score_feature_index: feature spec v1 has no feature \"%s\"",
                    name);
}

static void store_row(const double *row, float *out)
{
    for (size_t j = 0; j < SC_N_FEATURES; j++)
        out[j] = (float)row[j];
}

int score_features_compute(const score_panel *panel, const char *asof, float *matrix,
                           size_t capacity_rows, size_t *enterprise_index, size_t *n_rows)
{
    static const char fn[] = "score_features_compute";
    int month;
    if (!panel || !n_rows || (capacity_rows && !matrix))
        return sc_error(SCORE_EINVAL, "%s: panel and n_rows must not be NULL, nor matrix when "
                        "capacity_rows > 0", fn);
    int rc = sc_month_arg(asof, "score_features_compute: asof", &month);
    if (rc != SCORE_OK)
        return rc;
    if ((rc = sc_panel_prepare(panel)) != SCORE_OK)
        return sc_error_prefix(rc, fn);
    sc_view *view = sc_malloc(sizeof *view);
    if (!view)
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    size_t rows = 0, n_ent = score_panel_n_enterprises(panel);
    double row[SC_N_FEATURES];
    for (size_t e = 0; e < n_ent; e++) {
        if (sc_view_fill(panel, e, month, view) != 0)
            continue; /* established after the as-of month */
        if (rows < capacity_rows) {
            sc_features_row(view, row);
            store_row(row, matrix + rows * SC_N_FEATURES);
            if (enterprise_index)
                enterprise_index[rows] = e;
        }
        rows++;
    }
    sc_free(view);
    *n_rows = rows;
    return SCORE_OK;
}

int score_features_enterprise(const score_panel *panel, const char *uscc, const char *asof,
                              float *row)
{
    static const char fn[] = "score_features_enterprise";
    int month;
    size_t ent;
    if (!panel || !uscc || !row)
        return sc_error(SCORE_EINVAL, "%s: NULL argument", fn);
    int rc = sc_month_arg(asof, "score_features_enterprise: asof", &month);
    if (rc != SCORE_OK || (rc = score_panel_find(panel, uscc, &ent)) != SCORE_OK)
        return rc;
    sc_view *view = sc_malloc(sizeof *view);
    if (!view)
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    double values[SC_N_FEATURES];
    int later = sc_view_fill(panel, ent, month, view);
    if (!later)
        sc_features_row(view, values);
    sc_free(view);
    if (later)
        return sc_error(SCORE_ENOTFOUND, "%s: %s was established after %s and has no row", fn,
                        uscc, asof);
    store_row(values, row);
    return SCORE_OK;
}

/* ---- on threads ------------------------------------------------------------ */

typedef struct features_job {
    const score_panel *panel;
    int month;
    float *rows;          /* a row for every enterprise (NULL: count only) */
    unsigned char *has;   /* whether the enterprise has a row at the month */
} features_job;

static int features_range(void *user, size_t begin, size_t end)
{
    features_job *job = user;
    sc_view *view = sc_malloc(sizeof *view);
    if (!view)
        return sc_error(SCORE_ENOMEM, "score_features_compute_batch: out of memory");
    double row[SC_N_FEATURES];
    for (size_t e = begin; e < end; e++) {
        job->has[e] = sc_view_fill(job->panel, e, job->month, view) == 0;
        if (job->has[e] && job->rows) {
            sc_features_row(view, row);
            store_row(row, job->rows + e * SC_N_FEATURES);
        }
    }
    sc_free(view);
    return SCORE_OK;
}

int score_features_compute_batch(const score_panel *panel, const char *asof,
                                 const score_batch_options *options, float *matrix,
                                 size_t capacity_rows, size_t *enterprise_index, size_t *n_rows)
{
    static const char fn[] = "score_features_compute_batch";
    score_batch_options opt;
    int rc = sc_batch_options(options, &opt, fn);
    if (rc != SCORE_OK)
        return rc;
    if (opt.threads == 1)
        return score_features_compute(panel, asof, matrix, capacity_rows, enterprise_index, n_rows);
    int month;
    if (!panel || !n_rows || (capacity_rows && !matrix))
        return sc_error(SCORE_EINVAL, "%s: panel and n_rows must not be NULL, nor matrix when "
                        "capacity_rows > 0", fn);
    if ((rc = sc_month_arg(asof, "score_features_compute_batch: asof", &month)) != SCORE_OK)
        return rc;
    /* prepared once here: the threads then only read the panel */
    if ((rc = sc_panel_prepare(panel)) != SCORE_OK)
        return sc_error_prefix(rc, fn);
    const size_t n_ent = score_panel_n_enterprises(panel);
    features_job job = {.panel = panel, .month = month};
    job.has = sc_malloc(n_ent + 1);
    if (capacity_rows)
        job.rows = sc_malloc_array(n_ent * SC_N_FEATURES + 1, sizeof *job.rows);
    if (!job.has || (capacity_rows && !job.rows))
        rc = sc_error(SCORE_ENOMEM, "%s: out of memory for %zu enterprises", fn, n_ent);
    if (rc == SCORE_OK)
        rc = sc_parallel_ranges(n_ent, opt.threads, features_range, &job);
    size_t rows = 0;
    for (size_t e = 0; rc == SCORE_OK && e < n_ent; e++) {
        if (!job.has[e])
            continue;
        if (rows < capacity_rows) {
            memcpy(matrix + rows * SC_N_FEATURES, job.rows + e * SC_N_FEATURES,
                   SC_N_FEATURES * sizeof *matrix);
            if (enterprise_index)
                enterprise_index[rows] = e;
        }
        rows++;
    }
    sc_free(job.has);
    sc_free(job.rows);
    if (rc == SCORE_OK)
        *n_rows = rows;
    return rc;
}
