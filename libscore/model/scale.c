/*
 * A model's master scale (its grades and score scaling) read from and
 * written to a scale file, replaced without touching the trees or the
 * calibration, and the model's identity: a hash of exactly those two, so
 * that a rescaled bundle (new checksum) is seen to be the same model.
 * docs/model.md, "Master scale".
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"
#include "model.h"

#define SCALE_FORMAT "libscore-scale"

static const char *const scale_keys[] = {"format",    "version",   "base_score", "odds_at_base",
                                         "pdo",       "direction", "min_score",  "max_score",
                                         "grades",    "default_grade", "sources", NULL};

typedef struct scale {
    sc_scaling scaling;
    sc_grade grades[SC_MAX_GRADES];
    size_t n_grades;
    char default_grade[8];
} scale;

static int need_number(const json_t *root, const char *key, const char *name, double *out)
{
    if (!json_object_get(root, key))
        return sc_error(SCORE_EFORMAT, "%s: scale.%s: required", name, key);
    return sc_json_number(root, key, name, -1e6, 1e6, out);
}

static int read_grades(const json_t *root, const char *name, scale *s)
{
    const json_t *grades = json_object_get(root, "grades");
    size_t n = json_array_size(grades);
    if (!json_is_array(grades) || n < 2 || n > SC_MAX_SCALE_GRADES)
        return sc_error(SCORE_EFORMAT, "%s: scale.grades: expected an array of 2 to %d bands",
                        name, SC_MAX_SCALE_GRADES);
    static const char *const band_keys[] = {"grade", "max_pd", "source", NULL};
    for (size_t g = 0; g < n; g++) {
        const json_t *band = json_array_get(grades, g);
        char where[600];
        snprintf(where, sizeof where, "%s: scale.grades[%zu]", name, g);
        const char *grade = NULL;
        double max_pd = NAN;
        int rc;
        if (!json_is_object(band))
            return sc_error(SCORE_EFORMAT, "%s: expected {\"grade\": ..., \"max_pd\": ...}", where);
        if ((rc = sc_json_check_keys(band, where, band_keys)) != SCORE_OK ||
            (rc = sc_json_string(band, "grade", where, &grade)) != SCORE_OK ||
            (rc = sc_json_number(band, "max_pd", where, 0, 1, &max_pd)) != SCORE_OK)
            return rc;
        if (!grade || !*grade || strlen(grade) >= sizeof s->grades[g].name)
            return sc_error(SCORE_EFORMAT, "%s.grade: a name of 1 to 7 characters", where);
        if (!(max_pd > 0))
            return sc_error(SCORE_EFORMAT, "%s.max_pd: required, above 0", where);
        if (g && !(max_pd > s->grades[g - 1].max_pd))
            return sc_error(SCORE_EFORMAT,
                            "%s.max_pd: %.17g is not above the previous band's %.17g; bounds must "
                            "increase",
                            where, max_pd, s->grades[g - 1].max_pd);
        for (size_t h = 0; h < g; h++)
            if (!strcmp(s->grades[h].name, grade))
                return sc_error(SCORE_EFORMAT, "%s.grade: \"%s\" named twice (also band %zu)",
                                where, grade, h);
        snprintf(s->grades[g].name, sizeof s->grades[g].name, "%s", grade);
        s->grades[g].max_pd = max_pd;
    }
    if (s->grades[n - 1].max_pd != 1)
        return sc_error(SCORE_EFORMAT, "%s: scale.grades[%zu].max_pd: the last band must reach 1",
                        name, n - 1);
    s->n_grades = n;
    return SCORE_OK;
}

static int read_scale(const json_t *root, const char *name, scale *s)
{
    int rc;
    const char *format = NULL, *direction = NULL, *dflt = NULL;
    double base, odds, pdo, lo, hi;
    if ((rc = sc_json_check_keys(root, name, scale_keys)) != SCORE_OK ||
        (rc = sc_json_string(root, "format", name, &format)) != SCORE_OK)
        return rc;
    if (format && strcmp(format, SCALE_FORMAT))
        return sc_error(SCORE_EFORMAT, "%s: scale.format: expected \"%s\"", name, SCALE_FORMAT);
    const json_t *v = json_object_get(root, "version");
    if (v && (!json_is_integer(v) || json_integer_value(v) != 1))
        return sc_error(SCORE_EVERSION, "%s: scale.version: only 1 is known", name);
    if ((rc = need_number(root, "base_score", name, &base)) != SCORE_OK ||
        (rc = need_number(root, "odds_at_base", name, &odds)) != SCORE_OK ||
        (rc = need_number(root, "pdo", name, &pdo)) != SCORE_OK ||
        (rc = need_number(root, "min_score", name, &lo)) != SCORE_OK ||
        (rc = need_number(root, "max_score", name, &hi)) != SCORE_OK ||
        (rc = sc_json_string(root, "direction", name, &direction)) != SCORE_OK ||
        (rc = sc_json_string(root, "default_grade", name, &dflt)) != SCORE_OK)
        return rc;
    if (!(pdo > 0))
        return sc_error(SCORE_EFORMAT, "%s: scale.pdo: %g is not above 0", name, pdo);
    if (!(odds > 0))
        return sc_error(SCORE_EFORMAT, "%s: scale.odds_at_base: %g is not above 0", name, odds);
    if (!(lo < hi) || lo != floor(lo) || hi != floor(hi))
        return sc_error(SCORE_EFORMAT,
                        "%s: scale.min_score: %g and max_score %g must be whole, min below max",
                        name, lo, hi);
    if (!direction || (strcmp(direction, "higher_is_safer") && strcmp(direction, "higher_is_riskier")))
        return sc_error(SCORE_EFORMAT,
                        "%s: scale.direction: expected \"higher_is_safer\" or \"higher_is_riskier\"",
                        name);
    if (!dflt || !*dflt || strlen(dflt) >= sizeof s->default_grade)
        return sc_error(SCORE_EFORMAT,
                        "%s: scale.default_grade: required, the grade of a firm in default (1 to 7 "
                        "characters)",
                        name);
    s->scaling = (sc_scaling){base, odds, pdo, (int)lo, (int)hi, 0};
    s->scaling.riskier = !strcmp(direction, "higher_is_riskier");
    snprintf(s->default_grade, sizeof s->default_grade, "%s", dflt);
    if ((rc = read_grades(root, name, s)) != SCORE_OK)
        return rc;
    /* a legacy scale's worst band may double as the default grade */
    for (size_t g = 0; g + 1 < s->n_grades; g++)
        if (!strcmp(s->grades[g].name, dflt))
            return sc_error(SCORE_EFORMAT,
                            "%s: scale.default_grade: \"%s\" is also a band; a firm in default "
                            "has a grade of its own",
                            name, dflt);
    return SCORE_OK;
}

int score_model_set_scale(score_model *model, const char *text, size_t length, const char *name)
{
    if (!model || !text)
        return sc_error(SCORE_EINVAL, "score_model_set_scale: NULL argument");
    if (!name)
        name = "scale";
    json_t *root;
    int rc = sc_json_parse(text, length, name, &root);
    if (rc != SCORE_OK)
        return rc;
    scale s;
    memset(&s, 0, sizeof s);
    rc = read_scale(root, name, &s);
    json_decref(root);
    if (rc != SCORE_OK)
        return rc;
    model->scaling = s.scaling;
    memcpy(model->grades, s.grades, sizeof s.grades);
    model->n_grades = s.n_grades;
    memcpy(model->default_grade, s.default_grade, sizeof s.default_grade);
    return SCORE_OK;
}

/* Written by jansson, whose numbers do not follow the host's locale; every
 * constructor checked, so a failed allocation is an error, never a scale
 * with a grade missing. */
static json_t *scale_json(const score_model *m)
{
    const sc_scaling *k = &m->scaling;
    int failed = 0;
    json_t *grades = sc_json_checked(json_array(), &failed);
    for (size_t g = 0; grades && g < m->n_grades; g++)
        sc_json_push(grades, json_pack("{s:s,s:f}", "grade", m->grades[g].name, "max_pd",
                                       m->grades[g].max_pd), &failed);
    if (failed) {
        json_decref(grades);
        return NULL;
    }
    return json_pack("{s:s,s:i,s:f,s:f,s:f,s:s,s:i,s:i,s:s,s:o}", "format", SCALE_FORMAT,
                     "version", 1, "base_score", k->base_score, "odds_at_base", k->base_odds,
                     "pdo", k->points_to_double, "direction",
                     k->riskier ? "higher_is_riskier" : "higher_is_safer", "min_score",
                     k->min_score, "max_score", k->max_score, "default_grade",
                     m->default_grade[0] ? m->default_grade : SC_DEFAULT_GRADE, "grades", grades);
}

int score_model_scale_json(const score_model *model, char *buffer, size_t capacity,
                           size_t *length)
{
    if (!model || !length || (!buffer && capacity))
        return sc_error(SCORE_EINVAL, "score_model_scale_json: NULL argument");
    json_t *o = scale_json(model);
    sc_str text;
    sc_str_init(&text);
    int rc = o ? sc_json_dump(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17),
                              &text)
               : SCORE_ENOMEM;
    json_decref(o);
    if (rc != SCORE_OK) {
        sc_str_free(&text);
        return sc_error(SCORE_ENOMEM, "score_model_scale_json: out of memory");
    }
    if (capacity > text.len)
        memcpy(buffer, text.data, text.len + 1);
    *length = text.len;
    sc_str_free(&text);
    return SCORE_OK;
}

/* FNV-1a, 64 bits: enough to tell models apart, not a defence against
 * forgery (the bundle's checksum is no such defence either). */
static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

int score_model_identity(const score_model *model, char out[17])
{
    if (!model || !out)
        return sc_error(SCORE_EINVAL, "score_model_identity: NULL argument");
    uint64_t h = UINT64_C(14695981039346656037);
    h = fnv(h, model->xgboost_json, strlen(model->xgboost_json));
    /* the doubles' bits, most significant byte first: the same on every host */
    const double cal[2] = {model->calibration.a, model->calibration.b};
    for (int i = 0; i < 2; i++) {
        uint64_t bits;
        memcpy(&bits, &cal[i], sizeof bits);
        unsigned char bytes[8];
        for (int b = 0; b < 8; b++)
            bytes[b] = (unsigned char)(bits >> (56 - 8 * b));
        h = fnv(h, bytes, sizeof bytes);
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return SCORE_OK;
}
