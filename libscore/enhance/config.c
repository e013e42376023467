/*
 * The bank's configuration: defaults, reading it from JSON (every key
 * optional, unknown keys refused, ranges and orders checked) and writing it
 * back. One table of keys serves reading and writing, so the two cannot
 * drift apart.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"
#include "config_views.h"
#include "enhance.h"

#define CONFIG_VERSION 1

const score_enhance_config *sc_enhance_config_or_defaults(const score_enhance_config *config,
                                                          score_enhance_config *storage)
{
    if (config)
        return config;
    sc_enhance_config_defaults(storage);
    return storage;
}

void sc_enhance_config_defaults(score_enhance_config *c)
{
    static const double shares[SC_ENHANCE_GRADES] = {0.30, 0.25, 0.20, 0.15, 0.10,
                                                     0.08, 0.05, 0,    0,    0};
    memset(c, 0, sizeof *c);
    c->funding_rate = 0.02;
    c->operating_cost = 0.01;
    c->hurdle_rate = 0.10;
    c->eur_rate = 7.8;
    c->pd_floor = 0.0005;
    c->lgd = 0.45;
    c->scaling_factor = 1.0;
    c->maturity_min = 1.0;
    c->maturity_max = 5.0;
    c->firm_size_enabled = 1;
    c->firm_size_currency = SC_FIRM_SIZE_EUR;
    c->firm_size_floor = 5.0;
    c->firm_size_ceiling = 50.0;
    c->advance_invention = 0.25;
    c->advance_utility = 0.15;
    c->advance_trademark = 0.50;
    c->advance_orders = 0.70;
    c->advance_receivables = 0.80;
    memcpy(c->grade_bounds, sc_master_grade_max_pd, sizeof c->grade_bounds);
    memcpy(c->sales_shares, shares, sizeof shares);
    sc_enhance_views_defaults(c);
}

/* ---- the keys ------------------------------------------------------------- */

typedef struct number_key {
    const char *key;
    size_t offset; /* of a double in score_enhance_config */
    double min, max;
} number_key;

#define NUMBER(key, member, min, max) {key, offsetof(score_enhance_config, member), min, max}

static const number_key top_numbers[] = {
    NUMBER("funding_rate", funding_rate, -0.1, 1),
    NUMBER("operating_cost", operating_cost, 0, 1),
    NUMBER("hurdle_rate", hurdle_rate, 0, 1),
    NUMBER("eur_rate", eur_rate, 0.01, 1000),
    NUMBER("pd_floor", pd_floor, SC_ENHANCE_PD_FLOOR_MIN, 1),
    NUMBER("lgd", lgd, 0, 1),
    NUMBER("scaling_factor", scaling_factor, 0.01, 10),
};
static const number_key maturity_numbers[] = {
    NUMBER("min", maturity_min, 0, 100),
    NUMBER("max", maturity_max, 0, 100),
};
static const number_key firm_size_numbers[] = {
    NUMBER("floor_millions", firm_size_floor, 0.000001, 1e9),
    NUMBER("ceiling_millions", firm_size_ceiling, 0.000001, 1e9),
};
static const number_key advance_numbers[] = {
    NUMBER("invention", advance_invention, 0, 1),
    NUMBER("utility", advance_utility, 0, 1),
    NUMBER("trademark", advance_trademark, 0, 1),
    NUMBER("orders", advance_orders, 0, 1),
    NUMBER("receivables", advance_receivables, 0, 1),
};

static double *member(score_enhance_config *c, size_t offset)
{
    return (double *)((char *)c + offset);
}

static const char *const top_keys[] = {
    "version", "funding_rate", "operating_cost", "hurdle_rate", "eur_rate", "pd_floor", "lgd",
    "scaling_factor", "maturity", "firm_size", "advance_rates", "grades", "sales_shares",
    SC_ENHANCE_VIEW_KEYS, NULL,
};
static const char *const maturity_keys[] = {"min", "max", NULL};
static const char *const firm_size_keys[] = {"enabled", "currency", "floor_millions",
                                             "ceiling_millions", NULL};
static const char *const advance_keys[] = {"invention", "utility", "trademark", "orders",
                                           "receivables", NULL};
static const char *const bound_keys[] = {"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C",
                                         NULL};
static const char *const share_keys[] = {"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C",
                                         "D", NULL};

/* ---- reading ---------------------------------------------------------------- */

typedef struct where_buf {
    char text[512];
} where_buf;

static const char *where_of(where_buf *w, const char *name, const char *path)
{
    sc_snprintf(w->text, sizeof w->text, "%s: %s", name, path);
    return w->text;
}

static int read_numbers(const json_t *obj, const char *where, const number_key *keys, size_t n,
                        score_enhance_config *c)
{
    for (size_t i = 0; i < n; i++) {
        int rc = sc_json_number(obj, keys[i].key, where, keys[i].min, keys[i].max,
                                member(c, keys[i].offset));
        if (rc != SCORE_OK)
            return rc;
    }
    return SCORE_OK;
}

/* An optional sub-object `key` of the configuration, its keys checked;
 * *obj stays NULL when absent. `w` receives its place for messages. */
static int open_section(const json_t *root, const char *key, const char *name,
                        const char *const allowed[], where_buf *w, const json_t **obj)
{
    where_buf top;
    int rc = sc_json_object(root, key, where_of(&top, name, "config"), obj);
    if (rc != SCORE_OK || !*obj)
        return rc;
    char path[64];
    sc_snprintf(path, sizeof path, "config.%s", key);
    return sc_json_check_keys(*obj, where_of(w, name, path), allowed);
}

/* An optional sub-object of numbers. */
static int read_section(const json_t *root, const char *key, const char *name,
                        const char *const allowed[], const number_key *keys, size_t n,
                        score_enhance_config *c, const json_t **out)
{
    where_buf w;
    const json_t *obj = NULL;
    int rc = open_section(root, key, name, allowed, &w, &obj);
    if (rc != SCORE_OK || !obj || (rc = read_numbers(obj, w.text, keys, n, c)) != SCORE_OK)
        return rc;
    if (out)
        *out = obj;
    return SCORE_OK;
}

/* An optional table by grade: each value a fraction. */
static int read_grade_table(const json_t *root, const char *key, const char *name,
                            const char *const allowed[], double *values, size_t n)
{
    where_buf w;
    const json_t *obj = NULL;
    int rc = open_section(root, key, name, allowed, &w, &obj);
    for (size_t i = 0; rc == SCORE_OK && obj && i < n; i++)
        rc = sc_json_number(obj, allowed[i], w.text, 0, 1, &values[i]);
    return rc;
}

static int read_firm_size(const json_t *root, const char *name, score_enhance_config *c)
{
    const json_t *obj = NULL;
    int rc = read_section(root, "firm_size", name, firm_size_keys, firm_size_numbers,
                          SC_ARRAY_LEN(firm_size_numbers), c, &obj);
    if (rc != SCORE_OK || !obj)
        return rc;
    where_buf w;
    const char *where = where_of(&w, name, "config.firm_size"), *currency = NULL;
    if ((rc = sc_enhance_json_flag(obj, "enabled", where, &c->firm_size_enabled)) != SCORE_OK ||
        (rc = sc_json_string(obj, "currency", where, &currency)) != SCORE_OK)
        return rc;
    if (currency) {
        if (!strcmp(currency, "EUR"))
            c->firm_size_currency = SC_FIRM_SIZE_EUR;
        else if (!strcmp(currency, "CNY"))
            c->firm_size_currency = SC_FIRM_SIZE_CNY;
        else
            return sc_error(SCORE_EFORMAT,
                            "%s: config.firm_size.currency: expected \"EUR\" or \"CNY\", got \"%.40s\"",
                            name, currency);
    }
    return SCORE_OK;
}

static int read_version(const json_t *root, const char *name)
{
    const json_t *v = json_object_get(root, "version");
    if (!v)
        return SCORE_OK;
    if (!json_is_integer(v))
        return sc_error(SCORE_EFORMAT, "%s: config.version: expected the integer %d", name,
                        CONFIG_VERSION);
    if (json_integer_value(v) != CONFIG_VERSION)
        return sc_error(SCORE_EVERSION,
                        "%s: config.version: %lld is not a version this library knows (%d)", name,
                        (long long)json_integer_value(v), CONFIG_VERSION);
    return SCORE_OK;
}

/* Relations between keys, checked once every key is read. */
static int check_relations(const score_enhance_config *c, const char *name)
{
    if (c->hurdle_rate < c->funding_rate)
        return sc_error(SCORE_EFORMAT,
                        "%s: config.hurdle_rate: %g is below funding_rate %g; capital would "
                        "lower the price",
                        name, c->hurdle_rate, c->funding_rate);
    if (c->maturity_min > c->maturity_max)
        return sc_error(SCORE_EFORMAT, "%s: config.maturity.min: %g is above maturity.max %g",
                        name, c->maturity_min, c->maturity_max);
    if (!(c->firm_size_floor < c->firm_size_ceiling))
        return sc_error(SCORE_EFORMAT,
                        "%s: config.firm_size.floor_millions: %g is not below ceiling_millions %g",
                        name, c->firm_size_floor, c->firm_size_ceiling);
    for (int g = 1; g < SC_ENHANCE_GRADES - 1; g++)
        if (!(c->grade_bounds[g] > c->grade_bounds[g - 1]))
            return sc_error(SCORE_EFORMAT,
                            "%s: config.grades.%s: %g is not above grades.%s %g; bounds must "
                            "rise from AAA to C",
                            name, bound_keys[g], c->grade_bounds[g], bound_keys[g - 1],
                            c->grade_bounds[g - 1]);
    for (int g = 1; g < SC_ENHANCE_GRADES; g++)
        if (c->sales_shares[g] > c->sales_shares[g - 1])
            return sc_error(SCORE_EFORMAT,
                            "%s: config.sales_shares.%s: %g is above sales_shares.%s %g; a worse "
                            "grade may not get a larger share",
                            name, share_keys[g], c->sales_shares[g], share_keys[g - 1],
                            c->sales_shares[g - 1]);
    return SCORE_OK;
}

static int read_config(const json_t *root, const char *name, score_enhance_config *c)
{
    where_buf w;
    const char *where = where_of(&w, name, "config");
    int rc;
    if ((rc = sc_json_check_keys(root, where, top_keys)) != SCORE_OK ||
        (rc = read_version(root, name)) != SCORE_OK ||
        (rc = read_numbers(root, where, top_numbers, SC_ARRAY_LEN(top_numbers), c)) != SCORE_OK ||
        (rc = read_section(root, "maturity", name, maturity_keys, maturity_numbers,
                           SC_ARRAY_LEN(maturity_numbers), c, NULL)) != SCORE_OK ||
        (rc = read_firm_size(root, name, c)) != SCORE_OK ||
        (rc = read_section(root, "advance_rates", name, advance_keys, advance_numbers,
                           SC_ARRAY_LEN(advance_numbers), c, NULL)) != SCORE_OK ||
        (rc = read_grade_table(root, "grades", name, bound_keys, c->grade_bounds,
                               SC_ENHANCE_GRADES - 1)) != SCORE_OK ||
        (rc = read_grade_table(root, "sales_shares", name, share_keys, c->sales_shares,
                               SC_ENHANCE_GRADES)) != SCORE_OK ||
        (rc = sc_enhance_views_read(root, name, c)) != SCORE_OK)
        return rc;
    return check_relations(c, name);
}

/* Read a parsed document into a new configuration; root is released. */
static int finish(json_t *root, const char *name, score_enhance_config **out)
{
    score_enhance_config *c = sc_malloc(sizeof *c);
    if (!c) {
        json_decref(root);
        return sc_error(SCORE_ENOMEM, "%s: out of memory", name);
    }
    sc_enhance_config_defaults(c);
    int rc = read_config(root, name, c);
    json_decref(root);
    if (rc != SCORE_OK) {
        sc_free(c);
        return rc;
    }
    *out = c;
    return SCORE_OK;
}

int score_enhance_config_new(score_enhance_config **out)
{
    if (!out)
        return sc_error(SCORE_EINVAL, "score_enhance_config_new: out is NULL");
    score_enhance_config *c = sc_malloc(sizeof *c);
    if (!c)
        return sc_error(SCORE_ENOMEM, "score_enhance_config_new: out of memory");
    sc_enhance_config_defaults(c);
    *out = c;
    return SCORE_OK;
}

int score_enhance_config_load(const char *path, score_enhance_config **out)
{
    if (!path || !out)
        return sc_error(SCORE_EINVAL, "score_enhance_config_load: NULL argument");
    json_t *root;
    int rc = sc_json_load_file(path, &root);
    if (rc != SCORE_OK)
        return rc;
    return finish(root, path, out);
}

int score_enhance_config_parse(const char *text, size_t length, const char *name,
                               score_enhance_config **out)
{
    if (!text || !out)
        return sc_error(SCORE_EINVAL, "score_enhance_config_parse: NULL argument");
    if (!name)
        name = "config";
    json_t *root;
    int rc = sc_json_parse(text, length, name, &root);
    if (rc != SCORE_OK)
        return rc;
    return finish(root, name, out);
}

void score_enhance_config_free(score_enhance_config *config)
{
    if (config)
        sc_free(config->evidence);
    sc_free(config);
}

/* ---- writing ---------------------------------------------------------------- */

static void put_key(sc_str *s, const char *indent, const char *key, int *first)
{
    sc_str_printf(s, "%s\n%s\"%s\": ", *first ? "" : ",", indent, key);
    *first = 0;
}

static void put_numbers(sc_str *s, const char *indent, const number_key *keys, size_t n,
                        const score_enhance_config *c, int *first)
{
    for (size_t i = 0; i < n; i++) {
        put_key(s, indent, keys[i].key, first);
        sc_str_number(s, *member((score_enhance_config *)c, keys[i].offset));
    }
}

static void put_table(sc_str *s, const char *key, const char *const names[], const double *v,
                      size_t n, int *first)
{
    put_key(s, "  ", key, first);
    sc_str_puts(s, "{");
    int inner = 1;
    for (size_t i = 0; i < n; i++) {
        put_key(s, "    ", names[i], &inner);
        sc_str_number(s, v[i]);
    }
    sc_str_puts(s, "\n  }");
}

static void put_section(sc_str *s, const char *key, const number_key *keys, size_t n,
                        const score_enhance_config *c, int *first)
{
    put_key(s, "  ", key, first);
    sc_str_puts(s, "{");
    int inner = 1;
    put_numbers(s, "    ", keys, n, c, &inner);
    sc_str_puts(s, "\n  }");
}

static void write_config(sc_str *s, const score_enhance_config *c)
{
    int first = 1;
    sc_str_puts(s, "{");
    put_key(s, "  ", "version", &first);
    sc_str_printf(s, "%d", CONFIG_VERSION);
    put_numbers(s, "  ", top_numbers, SC_ARRAY_LEN(top_numbers), c, &first);
    put_section(s, "maturity", maturity_numbers, SC_ARRAY_LEN(maturity_numbers), c, &first);
    put_key(s, "  ", "firm_size", &first);
    sc_str_printf(s, "{\n    \"enabled\": %s,\n    \"currency\": \"%s\"",
                  c->firm_size_enabled ? "true" : "false",
                  c->firm_size_currency == SC_FIRM_SIZE_EUR ? "EUR" : "CNY");
    int inner = 0;
    put_numbers(s, "    ", firm_size_numbers, SC_ARRAY_LEN(firm_size_numbers), c, &inner);
    sc_str_puts(s, "\n  }");
    put_section(s, "advance_rates", advance_numbers, SC_ARRAY_LEN(advance_numbers), c, &first);
    put_table(s, "grades", bound_keys, c->grade_bounds, SC_ENHANCE_GRADES - 1, &first);
    put_table(s, "sales_shares", share_keys, c->sales_shares, SC_ENHANCE_GRADES, &first);
    sc_enhance_views_write(s, c, sc_str_number);
    sc_str_puts(s, "\n}\n");
}

int score_enhance_config_json(const score_enhance_config *config, char *buffer, size_t capacity,
                              size_t *length)
{
    if (!length || (!buffer && capacity))
        return sc_error(SCORE_EINVAL, "score_enhance_config_json: %s",
                        !length ? "length is NULL" : "buffer is NULL with a capacity");
    score_enhance_config defaults;
    config = sc_enhance_config_or_defaults(config, &defaults);
    sc_str s;
    sc_str_init(&s);
    write_config(&s, config);
    if (sc_str_status(&s) != SCORE_OK) {
        sc_str_free(&s);
        return sc_error(SCORE_ENOMEM, "score_enhance_config_json: out of memory");
    }
    if (capacity > s.len)
        memcpy(buffer, s.data, s.len + 1);
    *length = s.len;
    sc_str_free(&s);
    return SCORE_OK;
}
