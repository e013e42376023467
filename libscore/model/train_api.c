#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "train.h"

/* ---- a matrix in memory ------------------------------------------------- */

static int table_columns_of_names(score_model *m)
{
    m->columns = sc_calloc(m->n_features, sizeof *m->columns);
    if (!m->columns)
        return sc_error(SCORE_ENOMEM, "out of memory");
    m->n_columns = m->n_features;
    for (size_t j = 0; j < m->n_features; j++) {
        m->columns[j].first_feature = j;
        if (!(m->columns[j].name = sc_strdup(m->feature_names[j])))
            return sc_error(SCORE_ENOMEM, "out of memory");
    }
    return SCORE_OK;
}

int score_model_train_matrix(const float *rows, const float *labels, size_t n_rows,
                             size_t n_features, const char *const *feature_names,
                             const int *directions, const score_train_options *options,
                             score_model **out)
{
    static const char fn[] = "score_model_train_matrix";
    score_train_options o;
    if (!rows || !labels || !feature_names || !out)
        return sc_error(SCORE_EINVAL, "%s: rows, labels, feature_names and out must not be NULL", fn);
    int rc = sc_train_options_copy(options, &o, fn);
    for (size_t j = 0; rc == SCORE_OK && j < n_features; j++)
        if (!feature_names[j] || !*feature_names[j] ||
            (directions && (directions[j] < -1 || directions[j] > 1)))
            rc = sc_error(SCORE_EINVAL, "%s: feature %zu needs a name and a direction of -1, 0 or 1",
                          fn, j + 1);
    if (rc != SCORE_OK)
        return rc;
    sc_train_data d = {rows, labels, n_rows, n_features, NULL, feature_names, directions};
    json_t *summary = json_pack("{s:s}", "source", "matrix");
    score_model *m;
    rc = summary ? sc_train_model(&d, &o, summary, &m) : sc_error(SCORE_ENOMEM, "out of memory");
    json_decref(summary);
    if (rc == SCORE_OK && (rc = table_columns_of_names(m)) != SCORE_OK)
        score_model_free(m);
    if (rc == SCORE_OK)
        *out = m;
    return rc;
}

/* ---- signals and a labels file -------------------------------------------- */

typedef sc_label label;

static int by_uscc(const void *a, const void *b)
{
    return strcmp(((const label *)a)->uscc, ((const label *)b)->uscc);
}

int sc_labels_read(const char *path, sc_label **out, size_t *n_out)
{
    sc_table t;
    size_t cu, cd;
    int rc = sc_table_read(path, &t);
    if (rc != SCORE_OK)
        return rc;
    if ((rc = sc_table_find(&t, "uscc", &cu)) != SCORE_OK ||
        (rc = sc_table_find(&t, "default", &cd)) != SCORE_OK) {
        sc_table_free(&t);
        return sc_error(rc, "%s: a labels file has the header uscc,default", path);
    }
    label *labels = sc_malloc_array(t.n_rows ? t.n_rows : 1, sizeof *labels);
    if (!labels)
        rc = sc_error(SCORE_ENOMEM, "out of memory reading %s", path);
    for (size_t r = 0; rc == SCORE_OK && r < t.n_rows; r++) {
        size_t len;
        const char *code = sc_table_cell(&t, r, cu, &len);
        double v;
        sc_snprintf(labels[r].uscc, sizeof labels[r].uscc, "%.*s", (int)(len < 18 ? len : 18), code);
        if (len != 18 || !score_uscc_valid(labels[r].uscc))
            rc = sc_error(SCORE_EFORMAT, "%s:%llu:%zu: uscc: not a valid Unified Social Credit Code",
                          path, (unsigned long long)t.line[r], cu + 1);
        else if (sc_table_number(&t, r, cd, &v) != 0 || (v != 0 && v != 1))
            rc = sc_error(SCORE_EFORMAT, "%s:%llu:%zu: default: expected 0 or 1", path,
                          (unsigned long long)t.line[r], cd + 1);
        else
            labels[r].value = (float)v;
    }
    size_t n = t.n_rows;
    sc_table_free(&t);
    if (rc == SCORE_OK) {
        qsort(labels, n, sizeof *labels, by_uscc);
        for (size_t i = 1; i < n && rc == SCORE_OK; i++)
            if (!strcmp(labels[i].uscc, labels[i - 1].uscc))
                rc = sc_error(SCORE_EFORMAT, "%s: %s is labelled twice", path, labels[i].uscc);
    }
    if (rc != SCORE_OK) {
        sc_free(labels);
        return rc;
    }
    *out = labels;
    *n_out = n;
    return SCORE_OK;
}

typedef struct joined {
    float *rows, *labels;
    char **ids;
    size_t n, unlabelled;
} joined;

static void joined_free(joined *j)
{
    sc_free(j->rows);
    sc_free(j->labels);
    sc_free(j->ids);
}

/* Feature rows of the enterprises that have a label, in USCC order. */
static int join_labels(const score_panel *panel, const char *asof, const label *labels,
                       size_t n_labels, joined *j, char (**codes)[SCORE_USCC_SIZE])
{
    size_t n_rows, nf = SC_N_FEATURES;
    int rc = score_features_compute(panel, asof, NULL, 0, NULL, &n_rows);
    if (rc != SCORE_OK)
        return rc;
    float *matrix = sc_malloc_array(n_rows * nf + 1, sizeof *matrix);
    size_t *index = sc_malloc_array(n_rows + 1, sizeof *index);
    j->rows = sc_malloc_array(n_rows * nf + 1, sizeof *j->rows);
    j->labels = sc_malloc_array(n_rows + 1, sizeof *j->labels);
    j->ids = sc_malloc_array(n_rows + 1, sizeof *j->ids);
    *codes = sc_malloc_array(n_rows + 1, sizeof **codes);
    if (!matrix || !index || !j->rows || !j->labels || !j->ids || !*codes)
        rc = sc_error(SCORE_ENOMEM, "out of memory joining labels");
    if (rc == SCORE_OK)
        rc = score_features_compute(panel, asof, matrix, n_rows, index, &n_rows);
    for (size_t r = 0; rc == SCORE_OK && r < n_rows; r++) {
        label key;
        score_panel_enterprise(panel, index[r], key.uscc);
        const label *hit = bsearch(&key, labels, n_labels, sizeof *labels, by_uscc);
        if (!hit) {
            j->unlabelled++;
            continue;
        }
        memcpy(j->rows + j->n * nf, matrix + r * nf, nf * sizeof *matrix);
        j->labels[j->n] = hit->value;
        memcpy((*codes)[j->n], key.uscc, SCORE_USCC_SIZE);
        j->ids[j->n] = (*codes)[j->n];
        j->n++;
    }
    sc_free(matrix);
    sc_free(index);
    return rc;
}

int score_model_train_signals(const score_panel *panel, const char *asof, const char *labels_path,
                              const score_train_options *options, score_model **out)
{
    static const char fn[] = "score_model_train_signals";
    score_train_options o;
    int month;
    if (!panel || !labels_path || !out)
        return sc_error(SCORE_EINVAL, "%s: panel, labels_path and out must not be NULL", fn);
    int rc = sc_train_options_copy(options, &o, fn);
    if (rc == SCORE_OK)
        rc = sc_month_arg(asof, "score_model_train_signals: asof", &month);
    label *labels = NULL;
    size_t n_labels = 0;
    if (rc == SCORE_OK)
        rc = sc_labels_read(labels_path, &labels, &n_labels);
    joined j = {0};
    char (*codes)[SCORE_USCC_SIZE] = NULL;
    if (rc == SCORE_OK)
        rc = join_labels(panel, asof, labels, n_labels, &j, &codes);
    const char *names[SC_N_FEATURES];
    int directions[SC_N_FEATURES];
    for (size_t f = 0; f < SC_N_FEATURES; f++) {
        names[f] = sc_feature_spec[f].name;
        directions[f] = sc_feature_spec[f].direction;
    }
    score_model *m = NULL;
    if (rc == SCORE_OK) {
        sc_train_data d = {j.rows, j.labels, j.n, SC_N_FEATURES, (const char *const *)j.ids, names,
                           directions};
        json_t *summary = json_pack("{s:s,s:s,s:I,s:I,s:I}", "source", "signals", "asof", asof,
                                    "labelled_enterprises", (json_int_t)j.n,
                                    "enterprises_without_label", (json_int_t)j.unlabelled,
                                    "labels_without_enterprise", (json_int_t)(n_labels - j.n));
        rc = summary ? sc_train_model(&d, &o, summary, &m)
                     : sc_error(SCORE_ENOMEM, "out of memory");
        json_decref(summary);
    }
    if (rc == SCORE_OK) {
        m->input = INPUT_SIGNALS;
        m->spec_version = SC_FEATURE_SPEC_VERSION;
        *out = m;
    }
    sc_free(labels);
    sc_free(codes);
    joined_free(&j);
    return rc;
}
