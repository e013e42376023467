/*
 * Models on a bank's own table: numeric columns by name, text columns with
 * up to 32 levels one-hot encoded as name=level, others left out with a
 * warning. The same mapping turns a table into rows at prediction.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "train.h"

struct score_table {
    size_t n_rows, n_features;
    float *rows;
    char **ids;
    char *id_name;
};

static void warn(const score_diagnostic_fn fn, void *user, const char *path, size_t column,
                 const char *name, const char *message)
{
    if (!fn)
        return;
    char text[1024];
    sc_snprintf(text, sizeof text, "%s:1:%zu: %s: %s", path, column + 1, name, message);
    score_diagnostic d = {SCORE_DIAG_WARNING, path, 1, (int)column + 1, name, message, text};
    fn(user, &d);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct levels of a text column, sorted; more than SC_MAX_LEVELS
 * gives n > SC_MAX_LEVELS and no list. */
static int column_levels(const sc_table *t, size_t col, sc_table_column *out)
{
    char *levels[SC_MAX_LEVELS + 1];
    size_t n = 0;
    int rc = SCORE_OK;
    for (size_t r = 0; r < t->n_rows && n <= SC_MAX_LEVELS && rc == SCORE_OK; r++) {
        double v;
        if (sc_table_number(t, r, col, &v) == 1)
            continue;
        size_t len;
        const char *cell = sc_table_cell(t, r, col, &len);
        size_t k = 0;
        while (k < n && (strlen(levels[k]) != len || memcmp(levels[k], cell, len)))
            k++;
        if (k < n)
            continue;
        if (n < SC_MAX_LEVELS + 1 && !(levels[n++] = strndup(cell, len)))
            rc = sc_error(SCORE_ENOMEM, "out of memory");
    }
    if (rc == SCORE_OK && n <= SC_MAX_LEVELS) {
        qsort(levels, n, sizeof *levels, by_string);
        out->levels = sc_calloc(n, sizeof *out->levels);
        for (size_t k = 0; out->levels && k < n; k++)
            out->levels[k] = sc_strdup(levels[k]);
        for (size_t k = 0; out->levels && k < n; k++)
            if (!out->levels[k])
                rc = sc_error(SCORE_ENOMEM, "out of memory");
        if (!out->levels)
            rc = sc_error(SCORE_ENOMEM, "out of memory");
    }
    out->n_levels = n;
    for (size_t k = 0; k < n; k++)
        free(levels[k]);
    return rc;
}

/* What a cell that is not a clean number is: the message of a rejection. */
static const char *not_a_number(int kind)
{
    return kind == SC_TABLE_TOO_LARGE ? "a number beyond float range (|x| > 3.4e38), which the "
                                        "trees cannot use"
                                      : "expected a number or an empty cell";
}

/* A column is text when most of its cells are text (numbers are then just
 * levels, as industry codes can be); a number beyond float range, or a
 * text cell in a column of numbers, is an error naming the cell: either
 * would otherwise change the model silently (the column dropped as text
 * with too many levels, or an infinite feature). 1 text, 0 numbers. */
static int classify_column(const sc_table *t, size_t col, int *is_text)
{
    size_t numbers = 0, texts = 0, first_text = SIZE_MAX;
    for (size_t r = 0; r < t->n_rows; r++) {
        double v;
        int kind = sc_table_number(t, r, col, &v);
        if (kind == SC_TABLE_TOO_LARGE) {
            size_t len;
            const char *cell = sc_table_cell(t, r, col, &len);
            return sc_error(SCORE_EFORMAT, "%s:%llu:%zu: \"%.*s\": %s", t->path,
                            (unsigned long long)t->line[r], col + 1, (int)(len < 64 ? len : 64),
                            cell, not_a_number(kind));
        }
        numbers += kind == 0;
        if (kind < 0 && texts++ == 0)
            first_text = r;
    }
    *is_text = texts > 0 && texts >= numbers;
    if (texts > 0 && !*is_text) {
        size_t len, name_len;
        const char *cell = sc_table_cell(t, first_text, col, &len);
        const char *name = sc_table_cell(t, SIZE_MAX, col, &name_len);
        return sc_error(SCORE_EFORMAT, "%s:%llu:%zu: \"%.*s\" in the column \"%.*s\", whose other "
                        "%zu values are numbers (%zu text cells in all); correct the cell or leave "
                        "it empty", t->path, (unsigned long long)t->line[first_text], col + 1,
                        (int)(len < 64 ? len : 64), cell, (int)(name_len < 64 ? name_len : 64), name,
                        numbers, texts);
    }
    return SCORE_OK;
}

/* Decide the model's columns from the training table. */
static int plan_columns(const sc_table *t, size_t label, size_t id, score_model *m,
                        const score_train_options *o, json_t *ignored)
{
    m->columns = sc_calloc(t->n_columns, sizeof *m->columns);
    if (!m->columns)
        return sc_error(SCORE_ENOMEM, "out of memory");
    size_t features = 0;
    for (size_t c = 0; c < t->n_columns; c++) {
        if (c == label || c == id)
            continue;
        size_t len;
        const char *name = sc_table_cell(t, SIZE_MAX, c, &len);
        sc_table_column *tc = &m->columns[m->n_columns];
        if (len == 0)
            return sc_error(SCORE_EFORMAT, "%s:1:%zu: a column without a name", t->path, c + 1);
        if (!(tc->name = strndup(name, len)))
            return sc_error(SCORE_ENOMEM, "out of memory");
        int is_text, rc = classify_column(t, c, &is_text);
        if (rc != SCORE_OK) {
            free(tc->name); /* not counted in n_columns yet: the caller would not free it */
            tc->name = NULL;
            return rc;
        }
        if (is_text) {
            rc = column_levels(t, c, tc);
            if (rc != SCORE_OK) {
                free(tc->name);
                tc->name = NULL;
                return rc;
            }
            if (tc->n_levels > SC_MAX_LEVELS) {
                warn(o->diagnostic, o->diagnostic_user, t->path, c, tc->name,
                     "text column with more than 32 distinct values: not used");
                int lost = json_array_append_new(ignored, json_string(tc->name)) != 0;
                free(tc->name);
                memset(tc, 0, sizeof *tc);
                if (lost)
                    return sc_error(SCORE_ENOMEM, "out of memory");
                continue;
            }
        }
        tc->first_feature = features;
        features += tc->n_levels ? tc->n_levels : 1;
        m->n_columns++;
    }
    m->n_features = features;
    return features ? SCORE_OK
                    : sc_error(SCORE_EINVAL, "%s: no column to train on besides the label and id",
                               t->path);
}

static int feature_names(score_model *m)
{
    m->feature_names = sc_calloc(m->n_features, sizeof *m->feature_names);
    m->directions = sc_calloc(m->n_features, sizeof *m->directions);
    if (!m->feature_names || !m->directions)
        return sc_error(SCORE_ENOMEM, "out of memory");
    for (size_t c = 0; c < m->n_columns; c++) {
        const sc_table_column *tc = &m->columns[c];
        for (size_t k = 0; k < (tc->n_levels ? tc->n_levels : 1); k++) {
            sc_str name;
            sc_str_init(&name);
            sc_str_puts(&name, tc->name);
            if (tc->n_levels)
                sc_str_printf(&name, "=%s", tc->levels[k]);
            if (sc_str_status(&name) != SCORE_OK)
                return sc_error(SCORE_ENOMEM, "out of memory");
            m->feature_names[tc->first_feature + k] = name.data;
        }
    }
    return SCORE_OK;
}

/* One table row as the model's features. 0, or the cell's kind (-1 text,
 * SC_TABLE_TOO_LARGE) with *bad_column set to the table column holding it
 * where a number belongs. */
static int map_row(const score_model *m, const sc_table *t, const size_t *where, size_t r,
                   float *out, size_t *bad_column)
{
    for (size_t c = 0; c < m->n_columns; c++) {
        const sc_table_column *tc = &m->columns[c];
        double v;
        int kind = sc_table_number(t, r, where[c], &v);
        if (!tc->n_levels) {
            if (kind < 0) {
                *bad_column = where[c];
                return kind;
            }
            out[tc->first_feature] = (float)v;
            continue;
        }
        size_t len;
        const char *cell = sc_table_cell(t, r, where[c], &len);
        for (size_t k = 0; k < tc->n_levels; k++)
            out[tc->first_feature + k] =
                kind == 1 ? NAN : (float)(strlen(tc->levels[k]) == len &&
                                          !memcmp(tc->levels[k], cell, len));
    }
    return 0;
}

static int locate_columns(const score_model *m, const sc_table *t, size_t *where)
{
    for (size_t c = 0; c < m->n_columns; c++) {
        int rc = sc_table_find(t, m->columns[c].name, &where[c]);
        if (rc != SCORE_OK)
            return sc_error(rc, "%s: the model needs the column \"%s\", which the table lacks",
                            t->path, m->columns[c].name);
    }
    return SCORE_OK;
}

typedef struct table_data {
    float *rows, *labels;
    char **ids;
} table_data;

static int build_training_rows(const score_model *m, const sc_table *t, size_t label, size_t id,
                               table_data *td)
{
    size_t *where = sc_malloc_array(m->n_columns + 1, sizeof *where);
    td->rows = sc_malloc_array(t->n_rows * m->n_features + 1, sizeof *td->rows);
    td->labels = sc_malloc_array(t->n_rows + 1, sizeof *td->labels);
    td->ids = id != SIZE_MAX ? sc_calloc(t->n_rows + 1, sizeof *td->ids) : NULL;
    int rc = where && td->rows && td->labels && (id == SIZE_MAX || td->ids)
                 ? locate_columns(m, t, where) : sc_error(SCORE_ENOMEM, "out of memory");
    for (size_t r = 0; rc == SCORE_OK && r < t->n_rows; r++) {
        double y;
        size_t bad;
        int kind = 0;
        if (sc_table_number(t, r, label, &y) != 0 || (y != 0 && y != 1))
            rc = sc_error(SCORE_EFORMAT, "%s:%llu:%zu: the label column must be 0 or 1 (1 = default)",
                          t->path, (unsigned long long)t->line[r], label + 1);
        else if ((kind = map_row(m, t, where, r, td->rows + r * m->n_features, &bad)) != 0)
            rc = sc_error(SCORE_EFORMAT, "%s:%llu:%zu: %s", t->path,
                          (unsigned long long)t->line[r], bad + 1, not_a_number(kind));
        td->labels[r] = (float)y;
        size_t len;
        if (rc == SCORE_OK && td->ids) {
            const char *cell = sc_table_cell(t, r, id, &len);
            if (!(td->ids[r] = strndup(cell, len)))
                rc = sc_error(SCORE_ENOMEM, "out of memory");
        }
    }
    sc_free(where);
    return rc;
}

static void table_data_free(table_data *td, size_t n)
{
    sc_free(td->rows);
    sc_free(td->labels);
    for (size_t r = 0; td->ids && r < n; r++)
        free(td->ids[r]);
    sc_free(td->ids);
}

static int prepare_table_model(const sc_table *t, const char *label_column, const char *id_column,
                               const score_train_options *o, score_model *m, size_t *label,
                               size_t *id, json_t *ignored)
{
    int rc = sc_table_find(t, label_column, label);
    *id = SIZE_MAX;
    if (rc == SCORE_OK && id_column)
        rc = sc_table_find(t, id_column, id);
    if (rc == SCORE_OK && id_column && !(m->id_column = sc_strdup(id_column)))
        rc = sc_error(SCORE_ENOMEM, "out of memory");
    if (rc == SCORE_OK && !(m->label_column = sc_strdup(label_column)))
        rc = sc_error(SCORE_ENOMEM, "out of memory");
    if (rc == SCORE_OK)
        rc = plan_columns(t, *label, *id, m, o, ignored);
    if (rc == SCORE_OK)
        rc = feature_names(m);
    return rc;
}

/* The trained model takes over the table description planned in `plan`. */
static void adopt_plan(score_model *trained, score_model *plan)
{
    trained->columns = plan->columns;
    trained->n_columns = plan->n_columns;
    trained->id_column = plan->id_column;
    trained->label_column = plan->label_column;
    plan->columns = NULL;
    plan->n_columns = 0;
    plan->id_column = plan->label_column = NULL;
}

int score_model_train_table(const char *path, const char *label_column, const char *id_column,
                            const score_train_options *options, score_model **out)
{
    static const char fn[] = "score_model_train_table";
    score_train_options o;
    if (!path || !label_column || !out)
        return sc_error(SCORE_EINVAL, "%s: path, label_column and out must not be NULL", fn);
    int rc = sc_train_options_copy(options, &o, fn);
    sc_table t = {0};
    if (rc == SCORE_OK)
        rc = sc_table_read(path, &t);
    score_model *plan = sc_calloc(1, sizeof *plan), *m = NULL;
    json_t *ignored = json_array();
    size_t label, id;
    table_data td = {0};
    if (rc == SCORE_OK && (!plan || !ignored))
        rc = sc_error(SCORE_ENOMEM, "out of memory");
    if (rc == SCORE_OK)
        rc = prepare_table_model(&t, label_column, id_column, &o, plan, &label, &id, ignored);
    if (rc == SCORE_OK)
        rc = build_training_rows(plan, &t, label, id, &td);
    if (rc == SCORE_OK) {
        sc_train_data d = {td.rows, td.labels, t.n_rows, plan->n_features,
                           (const char *const *)td.ids, (const char *const *)plan->feature_names,
                           NULL};
        json_t *summary = json_pack("{s:s,s:s,s:O}", "source", "table", "label", label_column,
                                    "ignored_columns", ignored);
        rc = summary ? sc_train_model(&d, &o, summary, &m)
                     : sc_error(SCORE_ENOMEM, "out of memory");
        json_decref(summary);
    }
    if (rc == SCORE_OK) {
        adopt_plan(m, plan);
        *out = m;
    }
    table_data_free(&td, t.n_rows);
    json_decref(ignored);
    score_model_free(plan);
    sc_table_free(&t);
    return rc;
}

/* ---- prediction from a table ------------------------------------------- */

void score_table_free(score_table *t)
{
    if (!t)
        return;
    for (size_t r = 0; t->ids && r < t->n_rows; r++)
        sc_free(t->ids[r]);
    sc_free(t->ids);
    sc_free(t->rows);
    sc_free(t->id_name);
    sc_free(t);
}

size_t score_table_n_rows(const score_table *t)
{
    return t ? t->n_rows : 0;
}

const float *score_table_rows(const score_table *t)
{
    return t ? t->rows : NULL;
}

const char *score_table_id(const score_table *t, size_t row)
{
    return t && row < t->n_rows ? t->ids[row] : NULL;
}

const char *score_table_id_name(const score_table *t)
{
    return t ? t->id_name : NULL;
}

static void reject_row(const score_read_options *o, const sc_table *t, size_t r, size_t col,
                       int kind, score_read_counts *counts)
{
    counts->rejected++;
    if (!o || !o->diagnostic)
        return;
    size_t len;
    const char *name = sc_table_cell(t, SIZE_MAX, col, &len);
    char colname[256], message[512], text[1024];
    sc_snprintf(colname, sizeof colname, "%.*s", (int)(len < 255 ? len : 255), name);
    const char *cell = sc_table_cell(t, r, col, &len);
    sc_snprintf(message, sizeof message, "%s, got \"%.*s\"", not_a_number(kind),
                (int)(len < 64 ? len : 64), cell);
    sc_snprintf(text, sizeof text, "%s:%llu:%zu: %s: %s", t->path, (unsigned long long)t->line[r],
             col + 1, colname, message);
    score_diagnostic d = {SCORE_DIAG_ERROR, t->path, t->line[r], (int)col + 1, colname, message, text};
    o->diagnostic(o->diagnostic_user, &d);
}

static int fill_table(const score_model *m, const sc_table *t, size_t id,
                      const score_read_options *o, score_read_counts *counts, score_table *out)
{
    size_t *where = sc_malloc_array(m->n_columns + 1, sizeof *where);
    int rc = where ? locate_columns(m, t, where) : sc_error(SCORE_ENOMEM, "out of memory");
    for (size_t r = 0; rc == SCORE_OK && r < t->n_rows; r++) {
        size_t bad;
        counts->read++;
        int kind = map_row(m, t, where, r, out->rows + out->n_rows * m->n_features, &bad);
        if (kind != 0) {
            if (o && o->strict)
                rc = sc_error(SCORE_EREJECTED, "%s:%llu:%zu: %s (strict mode)", t->path,
                              (unsigned long long)t->line[r], bad + 1, not_a_number(kind));
            else
                reject_row(o, t, r, bad, kind, counts);
            continue;
        }
        size_t len;
        char number[32];
        const char *cell = id == SIZE_MAX ? number : sc_table_cell(t, r, id, &len);
        if (id == SIZE_MAX)
            len = (size_t)sc_snprintf(number, sizeof number, "%zu", r + 1);
        if (!(out->ids[out->n_rows] = strndup(cell, len)))
            rc = sc_error(SCORE_ENOMEM, "out of memory");
        counts->accepted++;
        out->n_rows++;
    }
    sc_free(where);
    return rc;
}

int score_table_read(const score_model *model, const char *path, const char *id_column,
                     const score_read_options *options, score_read_counts *counts,
                     score_table **out)
{
    static const char fn[] = "score_table_read";
    if (!model || !path || !out)
        return sc_error(SCORE_EINVAL, "%s: model, path and out must not be NULL", fn);
    if (model->input != INPUT_TABLE)
        return sc_error(SCORE_EINVAL, "%s: the model eats signals (feature spec v1), not a table",
                        fn);
    if (options && (options->size < sizeof(size_t) || options->size > sizeof *options))
        return sc_error(SCORE_EINVAL, "%s: options->size is wrong", fn);
    if (counts && (counts->size < sizeof(size_t) || counts->size > sizeof *counts))
        return sc_error(SCORE_EINVAL, "%s: counts->size is wrong", fn);
    if (!id_column)
        id_column = model->id_column;
    sc_table t;
    int rc = sc_table_read(path, &t);
    if (rc != SCORE_OK)
        return rc;
    size_t id = SIZE_MAX;
    if (id_column && sc_table_find(&t, id_column, &id) != SCORE_OK && id_column != model->id_column)
        rc = sc_error(SCORE_ENOTFOUND, "%s: no id column \"%s\"", path, id_column);
    score_table *tab = sc_calloc(1, sizeof *tab);
    score_read_counts local = {sizeof local, 0, 0, 0, 0, 0};
    if (rc == SCORE_OK && (!tab || !(tab->rows = sc_malloc_array(t.n_rows * model->n_features + 1,
                                                                  sizeof *tab->rows)) ||
                           !(tab->ids = sc_calloc(t.n_rows + 1, sizeof *tab->ids)) ||
                           !(tab->id_name = sc_strdup(id != SIZE_MAX ? id_column : "row"))))
        rc = sc_error(SCORE_ENOMEM, "out of memory");
    if (rc == SCORE_OK) {
        tab->n_features = model->n_features;
        rc = fill_table(model, &t, id, options, &local, tab);
    }
    sc_table_free(&t);
    if (rc != SCORE_OK) {
        score_table_free(tab);
        return rc;
    }
    if (counts) {
        counts->read += local.read;
        counts->accepted += local.accepted;
        counts->rejected += local.rejected;
    }
    *out = tab;
    return SCORE_OK;
}
