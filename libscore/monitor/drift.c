/*
 * Drift: the population stability index of every feature and of the score
 * against the training population the bundle stores (its bins plus a bin
 * for missing values), and the migration of grades between two months.
 */
#include <math.h>
#include <string.h>

#include "monitor.h"

double sc_psi(const double *expected, const double *actual, size_t n)
{
    double psi = 0;
    for (size_t i = 0; i < n; i++) {
        double e = expected[i] < SC_PSI_FLOOR ? SC_PSI_FLOOR : expected[i];
        double a = actual[i] < SC_PSI_FLOOR ? SC_PSI_FLOOR : actual[i];
        psi += (a - e) * log(a / e);
    }
    return psi;
}

int sc_psi_verdict(double psi)
{
    return psi < 0.10 ? SCORE_PSI_STABLE : psi <= 0.25 ? SCORE_PSI_INVESTIGATE : SCORE_PSI_SHIFTED;
}

const char *sc_psi_verdict_name(int verdict)
{
    static const char *const names[] = {"stable", "investigate", "shifted"};
    return verdict >= 0 && verdict <= 2 ? names[verdict] : NULL;
}

int score_psi(const double *expected, const double *actual, size_t n, double *psi)
{
    if (!expected || !actual || !psi || n == 0)
        return sc_error(SCORE_EINVAL, "score_psi: %s",
                        n == 0 ? "no bins" : "expected, actual and psi must not be NULL");
    for (size_t i = 0; i < n; i++)
        if (!(expected[i] >= 0 && actual[i] >= 0) || isinf(expected[i]) || isinf(actual[i]))
            return sc_error(SCORE_EINVAL, "score_psi: bin %zu: shares must be finite and not "
                            "negative (expected %g, actual %g)", i, expected[i], actual[i]);
    *psi = sc_psi(expected, actual, n);
    return SCORE_OK;
}

int score_psi_verdict(double psi)
{
    return sc_psi_verdict(psi);
}

const char *score_psi_verdict_name(int verdict)
{
    return sc_psi_verdict_name(verdict);
}

void sc_distribution_shares(const sc_distribution *d, const double *values, size_t n, double *out)
{
    size_t edges = d->n_bins - 1;
    memset(out, 0, (d->n_bins + 1) * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (isnan(values[i])) {
            out[d->n_bins] += 1;
            continue;
        }
        size_t b = 0;
        while (b < edges && values[i] >= d->edges[b])
            b++;
        out[b] += 1;
    }
    for (size_t b = 0; b <= d->n_bins && n; b++)
        out[b] /= (double)n;
}

/* ---- the drift of a portfolio --------------------------------------------------- */

typedef struct drift_item {
    char *name;
    double psi;
    int verdict;
    size_t n_bins;                             /* value bins + 1 (missing) */
    double edges[SC_POPULATION_BINS - 1];
    double expected[SC_POPULATION_BINS + 1];
    double actual[SC_POPULATION_BINS + 1];
} drift_item;

struct score_drift {
    int asof, previous;        /* month numbers; previous INT_MIN when none */
    size_t n, n_previous, n_both;
    drift_item *items;         /* features, then the score */
    size_t n_items;
    size_t n_grades;
    char grades[SC_MAX_GRADES][8];
    size_t *migration;         /* n_grades x n_grades, or NULL */
};

void score_drift_free(score_drift *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_items; i++)
        sc_free(d->items[i].name);
    sc_free(d->items);
    sc_free(d->migration);
    sc_free(d);
}

/* Scores of the panel at one month: rows, their panel indices, grades. */
typedef struct scored_month {
    size_t n;
    float *rows;
    size_t *index;
    int *score, *grade;
} scored_month;

static void scored_free(scored_month *s)
{
    sc_free(s->rows);
    sc_free(s->index);
    sc_free(s->score);
    sc_free(s->grade);
    memset(s, 0, sizeof *s);
}

static int score_month(const score_model *m, const score_panel *panel, const char *month,
                       scored_month *s)
{
    memset(s, 0, sizeof *s);
    int rc = score_features_compute(panel, month, NULL, 0, NULL, &s->n);
    if (rc != SCORE_OK)
        return rc;
    size_t n = s->n ? s->n : 1;
    s->rows = sc_malloc_array(n, SC_N_FEATURES * sizeof *s->rows);
    s->index = sc_malloc_array(n, sizeof *s->index);
    s->score = sc_malloc_array(n, sizeof *s->score);
    s->grade = sc_malloc_array(n, sizeof *s->grade);
    if (!s->rows || !s->index || !s->score || !s->grade)
        rc = sc_error(SCORE_ENOMEM, "out of memory scoring the panel");
    if (rc == SCORE_OK && s->n)
        rc = score_features_compute(panel, month, s->rows, s->n, s->index, &s->n);
    if (rc == SCORE_OK && s->n)
        rc = score_model_score(m, s->rows, s->n, NULL, NULL, s->score, s->grade, NULL);
    if (rc != SCORE_OK)
        scored_free(s);
    return rc;
}

static int fill_item(drift_item *item, const char *name, const sc_distribution *pop,
                     const double *values, size_t n)
{
    item->name = sc_strdup(name);
    if (!item->name)
        return sc_error(SCORE_ENOMEM, "out of memory for drift");
    item->n_bins = pop->n_bins + 1;
    memcpy(item->edges, pop->edges, (pop->n_bins - 1) * sizeof *item->edges);
    memcpy(item->expected, pop->share, pop->n_bins * sizeof *item->expected);
    item->expected[pop->n_bins] = pop->missing;
    sc_distribution_shares(pop, values, n, item->actual);
    item->psi = sc_psi(item->expected, item->actual, item->n_bins);
    item->verdict = sc_psi_verdict(item->psi);
    return SCORE_OK;
}

static int fill_items(score_drift *d, const score_model *m, const scored_month *now)
{
    double *column = sc_malloc_array(now->n, sizeof *column);
    d->items = sc_calloc(m->n_features + 1, sizeof *d->items);
    int rc = column && d->items ? SCORE_OK : sc_error(SCORE_ENOMEM, "out of memory for drift");
    if (d->items)
        d->n_items = m->n_features + 1;
    for (size_t j = 0; j < m->n_features && rc == SCORE_OK; j++) {
        for (size_t i = 0; i < now->n; i++)
            column[i] = now->rows[i * SC_N_FEATURES + j];
        rc = fill_item(&d->items[j], m->feature_names[j], &m->population[j], column, now->n);
    }
    for (size_t i = 0; i < now->n && rc == SCORE_OK; i++)
        column[i] = now->score[i];
    if (rc == SCORE_OK)
        rc = fill_item(&d->items[m->n_features], "score", &m->population[m->n_features], column,
                       now->n);
    sc_free(column);
    return rc;
}

static int fill_migration(score_drift *d, const scored_month *now, const scored_month *before)
{
    d->migration = sc_calloc(d->n_grades * d->n_grades, sizeof *d->migration);
    if (!d->migration)
        return sc_error(SCORE_ENOMEM, "out of memory for drift");
    /* both lists are in ascending order of panel index */
    for (size_t i = 0, j = 0; i < now->n && j < before->n;) {
        if (now->index[i] < before->index[j]) {
            i++;
        } else if (now->index[i] > before->index[j]) {
            j++;
        } else {
            d->migration[(size_t)before->grade[j] * d->n_grades + (size_t)now->grade[i]]++;
            d->n_both++;
            i++;
            j++;
        }
    }
    return SCORE_OK;
}

int score_drift_compute(const score_model *model, const score_panel *panel, const char *asof,
                        const char *previous, score_drift **out)
{
    static const char fn[] = "score_drift_compute";
    int now_month, before_month = INT_MIN;
    if (!model || !panel || !out)
        return sc_error(SCORE_EINVAL, "%s: model, panel and out must not be NULL", fn);
    if (model->input != INPUT_SIGNALS)
        return sc_error(SCORE_EINVAL, "%s: the model eats a table with named columns, not signals",
                        fn);
    int rc = sc_month_arg(asof, "score_drift_compute: asof", &now_month);
    if (rc == SCORE_OK && previous) {
        rc = sc_month_arg(previous, "score_drift_compute: previous", &before_month);
        if (rc == SCORE_OK && before_month >= now_month)
            rc = sc_error(SCORE_EINVAL, "%s: previous (%s) must be before asof", fn, previous);
    }
    if (rc != SCORE_OK)
        return rc;
    score_drift *d = sc_calloc(1, sizeof *d);
    if (!d)
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    d->asof = now_month;
    d->previous = before_month;
    d->n_grades = model->n_grades;
    for (size_t g = 0; g < model->n_grades; g++)
        memcpy(d->grades[g], model->grades[g].name, sizeof d->grades[g]);
    scored_month now = {0}, before = {0};
    rc = score_month(model, panel, asof, &now);
    if (rc == SCORE_OK && now.n == 0)
        rc = sc_error(SCORE_ENOTFOUND, "no enterprise of the panel exists at %s", asof);
    if (rc == SCORE_OK)
        rc = fill_items(d, model, &now);
    if (rc == SCORE_OK && previous)
        rc = score_month(model, panel, previous, &before);
    if (rc == SCORE_OK && previous)
        rc = fill_migration(d, &now, &before);
    d->n = now.n;
    d->n_previous = before.n;
    scored_free(&now);
    scored_free(&before);
    if (rc != SCORE_OK) {
        score_drift_free(d);
        return sc_error_prefix(rc, fn);
    }
    *out = d;
    return SCORE_OK;
}

size_t score_drift_count(const score_drift *d)
{
    return d ? d->n_items : 0;
}

int score_drift_get(const score_drift *d, size_t index, score_drift_entry *out)
{
    if (!d || !out || index >= d->n_items)
        return sc_error(SCORE_EINVAL, "score_drift_get: %s",
                        !d || !out ? "NULL argument" : "index out of range");
    int rc = sc_out_size(out->size, sizeof *out, "score_drift_get", "score_drift_entry");
    if (rc != SCORE_OK)
        return rc;
    const drift_item *it = &d->items[index];
    score_drift_entry e = {out->size, it->name,   it->psi,      it->verdict,
                           it->n_bins, it->edges, it->expected, it->actual};
    memcpy(out, &e, out->size);
    return SCORE_OK;
}

int score_drift_migration(const score_drift *d, size_t *counts, size_t capacity, size_t *n_grades)
{
    if (!d || !n_grades || (capacity && !counts))
        return sc_error(SCORE_EINVAL, "score_drift_migration: NULL argument");
    if (!d->migration)
        return sc_error(SCORE_ENOTFOUND, "score_drift_migration: the drift was computed without "
                        "a previous month");
    size_t n = d->n_grades * d->n_grades;
    if (capacity)
        memcpy(counts, d->migration, (capacity < n ? capacity : n) * sizeof *counts);
    *n_grades = d->n_grades;
    return SCORE_OK;
}

/* ---- JSON ------------------------------------------------------------------------ */

static void json_shares(sc_str *s, const char *separator, double expected, double actual)
{
    sc_str_key(s, separator, "expected");
    sc_str_number_f(s, expected, 6);
    sc_str_key(s, ", ", "actual");
    sc_str_number_f(s, actual, 6);
}

static void json_item(sc_str *s, const drift_item *it, int is_score)
{
    if (!is_score) {
        sc_str_puts(s, "{\"feature\": ");
        sc_str_json(s, it->name);
        sc_str_puts(s, ", ");
    } else {
        sc_str_puts(s, "{");
    }
    sc_str_key(s, NULL, "psi");
    sc_str_number_f(s, it->psi, 6);
    sc_str_printf(s, ", \"verdict\": \"%s\", \"bins\": [", sc_psi_verdict_name(it->verdict));
    size_t value_bins = it->n_bins - 1;
    for (size_t b = 0; b < value_bins; b++) {
        sc_str_printf(s, "%s{\"from\": ", b ? ", " : "");
        if (b == 0)
            sc_str_puts(s, "null");
        else
            sc_str_number_g(s, it->edges[b - 1], 10);
        sc_str_key(s, ", ", "below");
        sc_str_number_g(s, b + 1 < value_bins ? it->edges[b] : NAN, 10);
        json_shares(s, ", ", it->expected[b], it->actual[b]);
        sc_str_puts(s, "}");
    }
    sc_str_puts(s, "], \"missing\": {");
    json_shares(s, NULL, it->expected[value_bins], it->actual[value_bins]);
    sc_str_puts(s, "}}");
}

static void json_migration(sc_str *s, const score_drift *d)
{
    char month[8];
    sc_month_format(d->previous, month);
    sc_str_printf(s, ",\n  \"migration\": {\"from\": \"%s\", \"grades\": [", month);
    for (size_t g = 0; g < d->n_grades; g++) {
        sc_str_puts(s, g ? ", " : "");
        sc_str_json(s, d->grades[g]);
    }
    sc_str_printf(s, "], \"enterprises\": %zu, \"only_previous\": %zu, \"only_asof\": %zu, "
                  "\"counts\": [", d->n_both, d->n_previous - d->n_both, d->n - d->n_both);
    for (size_t r = 0; r < d->n_grades; r++) {
        sc_str_puts(s, r ? ",\n    [" : "\n    [");
        for (size_t c = 0; c < d->n_grades; c++)
            sc_str_printf(s, "%s%zu", c ? ", " : "", d->migration[r * d->n_grades + c]);
        sc_str_puts(s, "]");
    }
    size_t down = 0, up = 0;
    for (size_t r = 0; r < d->n_grades; r++)
        for (size_t c = 0; c < d->n_grades; c++) {
            down += c > r ? d->migration[r * d->n_grades + c] : 0;
            up += c < r ? d->migration[r * d->n_grades + c] : 0;
        }
    sc_str_printf(s, "],\n    \"downgraded\": %zu, \"upgraded\": %zu, \"unchanged\": %zu}", down,
                  up, d->n_both - down - up);
}

int score_drift_json(const score_drift *d, char *buffer, size_t capacity, size_t *length)
{
    if (!d || !length || (!buffer && capacity))
        return sc_error(SCORE_EINVAL, "score_drift_json: NULL argument");
    sc_str s;
    sc_str_init(&s);
    char month[8];
    sc_month_format(d->asof, month);
    sc_str_printf(&s, "{\n  \"asof\": \"%s\",\n  \"previous\": ", month);
    if (d->previous == INT_MIN) {
        sc_str_puts(&s, "null");
    } else {
        sc_month_format(d->previous, month);
        sc_str_printf(&s, "\"%s\"", month);
    }
    size_t verdicts[3] = {0};
    for (size_t i = 0; i < d->n_items; i++)
        verdicts[d->items[i].verdict]++;
    sc_str_printf(&s, ",\n  \"enterprises\": %zu", d->n);
    sc_str_key(&s, ",\n  ", "psi_floor");
    sc_str_number_g(&s, SC_PSI_FLOOR, 6);
    sc_str_printf(&s, ",\n  \"thresholds\": "
                  "{\"investigate\": 0.10, \"shifted\": 0.25},\n  \"verdicts\": {\"stable\": %zu, "
                  "\"investigate\": %zu, \"shifted\": %zu},\n  \"score\": ",
                  verdicts[0], verdicts[1], verdicts[2]);
    json_item(&s, &d->items[d->n_items - 1], 1);
    sc_str_puts(&s, ",\n  \"features\": [");
    for (size_t i = 0; i + 1 < d->n_items; i++) {
        sc_str_puts(&s, i ? ",\n    " : "\n    ");
        json_item(&s, &d->items[i], 0);
    }
    sc_str_puts(&s, "\n  ]");
    if (d->migration)
        json_migration(&s, d);
    sc_str_puts(&s, "\n}\n");
    return sc_text_out(&s, buffer, capacity, length, "score_drift_json");
}
