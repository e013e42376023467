#include <math.h>
#include <string.h>

#include "../core/json.h"
#include "model.h"

void score_model_free(score_model *m)
{
    if (!m)
        return;
    sc_forest_free(m->forest);
    for (size_t j = 0; m->feature_names && j < m->n_features; j++)
        sc_free(m->feature_names[j]);
    sc_free(m->feature_names);
    sc_free(m->directions);
    for (size_t c = 0; m->columns && c < m->n_columns; c++) {
        sc_free(m->columns[c].name);
        for (size_t l = 0; m->columns[c].levels && l < m->columns[c].n_levels; l++)
            sc_free(m->columns[c].levels[l]);
        sc_free(m->columns[c].levels);
    }
    sc_free(m->columns);
    sc_free(m->id_column);
    sc_free(m->label_column);
    sc_free(m->population);
    sc_free(m->xgboost_json);
    json_decref(m->metadata);
    sc_free(m->evidence);
    sc_free(m);
}

int score_model_load(const char *path, score_model **out)
{
    if (!path || !out)
        return sc_error(SCORE_EINVAL, "score_model_load: path and out must not be NULL");
    return sc_bundle_read(path, out);
}

int score_model_save(const score_model *model, const char *path)
{
    if (!model || !path)
        return sc_error(SCORE_EINVAL, "score_model_save: model and path must not be NULL");
    return sc_bundle_write(model, path);
}

size_t score_model_n_features(const score_model *model)
{
    return model ? model->n_features : 0;
}

int score_model_feature(const score_model *model, size_t index, const char **name, int *direction)
{
    if (!model || index >= model->n_features)
        return sc_error(SCORE_EINVAL, "score_model_feature: %s", !model ? "model is NULL"
                        : "index is not below the model's number of features");
    if (name)
        *name = model->feature_names[index];
    if (direction)
        *direction = model->directions[index];
    return SCORE_OK;
}

int score_model_input(const score_model *model, int *kind)
{
    if (!model || !kind)
        return sc_error(SCORE_EINVAL, "score_model_input: NULL argument");
    *kind = model->input == INPUT_SIGNALS ? SCORE_INPUT_SIGNALS : SCORE_INPUT_TABLE;
    return SCORE_OK;
}

int score_model_metadata(const score_model *model, char *buffer, size_t capacity, size_t *length)
{
    if (!model || !length || (capacity && !buffer))
        return sc_error(SCORE_EINVAL, "score_model_metadata: NULL argument");
    sc_str text;
    sc_str_init(&text);
    if (sc_json_dump(model->metadata, JSON_INDENT(2) | JSON_REAL_PRECISION(10), &text) != SCORE_OK) {
        sc_str_free(&text);
        return sc_error(SCORE_ENOMEM, "score_model_metadata: out of memory");
    }
    size_t len = text.len;
    if (capacity) {
        size_t n = len < capacity - 1 ? len : capacity - 1;
        memcpy(buffer, text.data, n);
        buffer[n] = '\0';
    }
    *length = len;
    sc_str_free(&text);
    return SCORE_OK;
}

int score_model_predict(const score_model *model, const float *rows, size_t n_rows, double *margin,
                        double *pd)
{
    if (!model || (n_rows && !rows))
        return sc_error(SCORE_EINVAL, "score_model_predict: model and rows must not be NULL");
    if (margin) {
        sc_forest_predict(model->forest, rows, n_rows, margin);
        for (size_t i = 0; pd && i < n_rows; i++)
            pd[i] = sc_calibrated_pd(&model->calibration, margin[i]);
        return SCORE_OK;
    }
    double block[256]; /* no allocation: prediction cannot fail half way */
    for (size_t start = 0; pd && start < n_rows; start += 256) {
        size_t n = n_rows - start < 256 ? n_rows - start : 256;
        sc_forest_predict(model->forest, rows + start * model->n_features, n, block);
        for (size_t i = 0; i < n; i++)
            pd[start + i] = sc_calibrated_pd(&model->calibration, block[i]);
    }
    return SCORE_OK;
}

int score_model_contributions(const score_model *model, const float *row, double *contributions)
{
    if (!model || !row || !contributions)
        return sc_error(SCORE_EINVAL, "score_model_contributions: NULL argument");
    return sc_forest_contributions(model->forest, row, contributions);
}
