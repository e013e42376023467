/*
 * The model bundle: one gzip-compressed JSON file, readable with zcat.
 * Each top-level key stands on its own line; the last line holds a CRC-32 of
 * every byte before it, so a truncated or altered file is refused even when
 * it was recompressed. See docs/model-bundle.md.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../core/file.h"
#include "../core/json.h"
#include "model.h"

#define CHECKSUM_KEY "\n\"checksum\": \"crc32:"

/* ---- writing ------------------------------------------------------------ */

/* Every builder below sets *failed when jansson runs out of memory and
 * returns what it has; bundle_text refuses the whole bundle then. */
static json_t *distribution_json(const sc_distribution *d, int *failed)
{
    json_t *edges = sc_json_checked(json_array(), failed);
    json_t *shares = sc_json_checked(json_array(), failed);
    for (size_t b = 0; b + 1 < d->n_bins; b++)
        sc_json_push(edges, json_real(d->edges[b]), failed);
    for (size_t b = 0; b < d->n_bins; b++)
        sc_json_push(shares, json_real(d->share[b]), failed);
    /* "o" takes over edges and shares even when json_pack fails */
    return sc_json_checked(
        json_pack("{s:o,s:o,s:f}", "edges", edges, "shares", shares, "missing", d->missing),
        failed);
}

static json_t *feature_spec_json(const score_model *m, int *failed)
{
    if (m->input == INPUT_SIGNALS)
        return sc_json_checked(json_pack("{s:s,s:s,s:i}", "kind", "signals", "name",
                                         "libscore-features", "version", m->spec_version),
                               failed);
    json_t *columns = sc_json_checked(json_array(), failed);
    for (size_t c = 0; c < m->n_columns; c++) {
        json_t *col = sc_json_checked(json_pack("{s:s}", "name", m->columns[c].name), failed);
        if (m->columns[c].n_levels) {
            json_t *levels = sc_json_checked(json_array(), failed);
            for (size_t l = 0; l < m->columns[c].n_levels; l++)
                sc_json_push(levels, json_string(m->columns[c].levels[l]), failed);
            sc_json_put(col, "levels", levels, failed);
        }
        sc_json_push(columns, col, failed);
    }
    json_t *spec =
        sc_json_checked(json_pack("{s:s,s:o}", "kind", "table", "columns", columns), failed);
    if (m->id_column)
        sc_json_put(spec, "id", json_string(m->id_column), failed);
    if (m->label_column)
        sc_json_put(spec, "label", json_string(m->label_column), failed);
    return spec;
}

/* The top-level keys after "xgboost", in order; NULL when memory ran out. */
static json_t *rest_of_bundle(const score_model *m)
{
    int failed = 0;
    json_t *features = sc_json_checked(json_array(), &failed);
    json_t *grades = sc_json_checked(json_array(), &failed);
    json_t *population = sc_json_checked(json_array(), &failed);
    json_t *directions = sc_json_checked(json_array(), &failed);
    for (size_t j = 0; j < m->n_features; j++) {
        sc_json_push(features, json_string(m->feature_names[j]), &failed);
        json_t *d = distribution_json(&m->population[j], &failed);
        sc_json_put(d, "feature", json_string(m->feature_names[j]), &failed);
        sc_json_push(population, d, &failed);
        sc_json_push(directions, json_integer(m->directions[j]), &failed);
    }
    for (size_t g = 0; g < m->n_grades; g++)
        sc_json_push(grades,
                     json_pack("{s:s,s:f}", "grade", m->grades[g].name, "max_pd",
                               m->grades[g].max_pd),
                     &failed);
    json_t *spec = feature_spec_json(m, &failed);
    json_t *score = distribution_json(&m->population[m->n_features], &failed);
    json_t *rest = json_pack(
        "{s:o,s:o,s:o,s:{s:s,s:f,s:f},s:{s:f,s:f,s:f,s:i,s:i},s:o,s:{s:s,s:i,s:I},"
        "s:{s:o,s:o},s:O}",
        "features", features, "directions", directions, "feature_spec", spec,
        "calibration", "method", "platt", "a", m->calibration.a, "b", m->calibration.b, "scaling",
        "base_score", m->scaling.base_score, "base_odds", m->scaling.base_odds, "points_to_double",
        m->scaling.points_to_double, "min", m->scaling.min_score, "max", m->scaling.max_score,
        "grades", grades, "reasons", "catalogue", "libscore-reasons", "version", 1,
        "per_enterprise", (json_int_t)m->n_reasons, "population", "features", population, "score",
        score, "metadata", m->metadata);
    if (failed) {
        json_decref(rest);
        return NULL;
    }
    return rest;
}

/* Since 1.1: the scale's direction and default grade; a bundle without
 * them scores higher-is-safer and names "D" for a firm in default. */
static json_t *scale_extra(const score_model *m)
{
    return json_pack("{s:s,s:s}", "direction",
                     m->scaling.riskier ? "higher_is_riskier" : "higher_is_safer",
                     "default_grade", m->default_grade[0] ? m->default_grade : SC_DEFAULT_GRADE);
}

static int bundle_text(const score_model *m, sc_str *text)
{
    json_t *rest = rest_of_bundle(m);
    int failed = 0;
    if (rest)
        sc_json_put(rest, "scale", scale_extra(m), &failed);
    if (!rest || failed) {
        json_decref(rest);
        return sc_error(SCORE_ENOMEM, "out of memory writing the bundle");
    }
    sc_str_printf(text, "{\"format\": \"%s\",\n\"version\": %d,\n\"xgboost\": ", SC_BUNDLE_FORMAT,
                  SC_BUNDLE_VERSION);
    sc_str_puts(text, m->xgboost_json);
    const char *key;
    json_t *value;
    json_object_foreach(rest, key, value) {
        sc_str_printf(text, ",\n\"%s\": ", key);
        if (sc_json_dump(value, JSON_COMPACT | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY, text) !=
            SCORE_OK) {
            json_decref(rest);
            return sc_error(SCORE_ENOMEM, "out of memory writing the bundle");
        }
    }
    json_decref(rest);
    uLong crc = crc32(0L, (const Bytef *)text->data, (uInt)text->len);
    sc_str_printf(text, "," CHECKSUM_KEY "%08lx\"\n}\n", (unsigned long)crc);
    return sc_str_status(text) == SCORE_OK ? SCORE_OK
                                           : sc_error(SCORE_ENOMEM, "out of memory writing the bundle");
}

/* gzip with a fixed header (no name, no time): the same model, the same bytes.
 * Written through core/file.h: concurrent saves and a link planted at a
 * temporary name cannot damage the bundle or another file. */
static int write_gzip(const char *path, const char *data, size_t len)
{
    sc_outfile f;
    int rc = sc_outfile_open(&f, path, "model bundle");
    if (rc != SCORE_OK)
        return rc;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    zs.zalloc = sc_zlib_alloc;
    zs.zfree = sc_zlib_free;
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        sc_outfile_abort(&f);
        return sc_error(SCORE_ENOMEM, "out of memory compressing the bundle");
    }
    unsigned char out[1 << 16];
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)len;
    for (int z = Z_OK; rc == SCORE_OK && z != Z_STREAM_END;) {
        zs.next_out = out;
        zs.avail_out = sizeof out;
        z = deflate(&zs, Z_FINISH);
        if (z != Z_OK && z != Z_STREAM_END)
            rc = sc_error(SCORE_ENOMEM, "%s: cannot compress the bundle (zlib %d)", path, z);
        else
            sc_outfile_write(&f, out, sizeof out - zs.avail_out);
    }
    deflateEnd(&zs);
    if (rc != SCORE_OK) {
        sc_outfile_abort(&f);
        return rc;
    }
    return sc_outfile_commit(&f);
}

int sc_bundle_write(const score_model *m, const char *path)
{
    sc_str text;
    sc_str_init(&text);
    int rc = bundle_text(m, &text);
    if (rc == SCORE_OK)
        rc = write_gzip(path, text.data, text.len);
    sc_str_free(&text);
    return rc;
}

/* ---- reading ------------------------------------------------------------ */

/* The last line "checksum": "crc32:XXXXXXXX" and the comma before it;
 * everything is bounded by len (the text need not end with a NUL). */
static const char *find_checksum_key(const char *text, size_t len)
{
    size_t key_len = strlen(CHECKSUM_KEY);
    const char *found = NULL;
    for (const char *p = text; len - (size_t)(p - text) >= key_len;) {
        const char *nl = memchr(p, '\n', len - (size_t)(p - text));
        if (!nl || len - (size_t)(nl - text) < key_len)
            break;
        if (memcmp(nl, CHECKSUM_KEY, key_len) == 0)
            found = nl;
        p = nl + 1;
    }
    return found;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int verify_checksum(const char *path, const char *text, size_t len)
{
    const char *key = find_checksum_key(text, len);
    if (!key || key == text || key[-1] != ',')
        return sc_error(SCORE_ECORRUPT, "%s: no checksum line: not a libscore model bundle, or it "
                        "was truncated or rewritten", path);
    const char *hex = key + strlen(CHECKSUM_KEY);
    size_t rest = len - (size_t)(hex - text);
    unsigned long stored = 0;
    int ok = rest >= 11 && rest <= 12 && memcmp(hex + 8, "\"\n}", 3) == 0 &&
             (rest == 11 || hex[11] == '\n');
    for (int i = 0; ok && i < 8; i++) {
        int d = hex_digit(hex[i]);
        ok = d >= 0;
        stored = stored * 16 + (unsigned long)(d < 0 ? 0 : d);
    }
    if (!ok)
        return sc_error(SCORE_ECORRUPT, "%s: the checksum line is damaged", path);
    uLong crc = crc32(0L, (const Bytef *)text, (uInt)(key - 1 - text));
    if (crc != stored)
        return sc_error(SCORE_ECORRUPT, "%s: checksum mismatch (stored %08lx, computed %08lx): the "
                        "bundle was altered or damaged", path, stored, (unsigned long)crc);
    return SCORE_OK;
}

static int bad(const char *path, const char *what)
{
    return sc_error(SCORE_EFORMAT, "%s: %s", path, what);
}

static int read_distribution(const char *path, const json_t *j, sc_distribution *d)
{
    const json_t *edges = json_object_get(j, "edges"), *shares = json_object_get(j, "shares");
    const json_t *missing = json_object_get(j, "missing");
    size_t n = json_array_size(shares);
    if (!json_is_array(edges) || !json_is_array(shares) || !json_is_number(missing) || n == 0 ||
        n > SC_POPULATION_BINS || json_array_size(edges) + 1 != n)
        return bad(path, "population: every distribution needs edges, shares (one more than the "
                         "edges, at most 10) and missing");
    d->n_bins = n;
    d->missing = json_number_value(missing);
    for (size_t b = 0; b < n; b++) {
        const json_t *s = json_array_get(shares, b);
        if (!json_is_number(s))
            return bad(path, "population: shares must be numbers");
        d->share[b] = json_number_value(s);
        if (b + 1 < n) {
            const json_t *e = json_array_get(edges, b);
            if (!json_is_number(e) || (b && json_number_value(e) <= d->edges[b - 1]))
                return bad(path, "population: edges must be increasing numbers");
            d->edges[b] = json_number_value(e);
        }
    }
    return SCORE_OK;
}

static int read_population(const char *path, const json_t *root, score_model *m)
{
    const json_t *pop = json_object_get(root, "population");
    const json_t *features = json_object_get(pop, "features");
    if (!json_is_array(features) || json_array_size(features) != m->n_features)
        return bad(path, "population: needs one distribution per feature");
    m->population = sc_calloc(m->n_features + 1, sizeof *m->population);
    if (!m->population)
        return sc_error(SCORE_ENOMEM, "out of memory");
    for (size_t j = 0; j < m->n_features; j++) {
        int rc = read_distribution(path, json_array_get(features, j), &m->population[j]);
        if (rc != SCORE_OK)
            return rc;
    }
    return read_distribution(path, json_object_get(pop, "score"), &m->population[m->n_features]);
}

static int read_names(const char *path, const json_t *root, score_model *m)
{
    const json_t *features = json_object_get(root, "features");
    const json_t *directions = json_object_get(root, "directions");
    size_t n = json_array_size(features);
    if (!json_is_array(features) || n == 0)
        return bad(path, "features: expected a non-empty list of names");
    if (!json_is_array(directions) || json_array_size(directions) != n)
        return bad(path, "directions: expected one direction per feature");
    m->n_features = n;
    m->feature_names = sc_calloc(n, sizeof *m->feature_names);
    m->directions = sc_calloc(n, sizeof *m->directions);
    if (!m->feature_names || !m->directions)
        return sc_error(SCORE_ENOMEM, "out of memory");
    for (size_t j = 0; j < n; j++) {
        const json_t *name = json_array_get(features, j), *dir = json_array_get(directions, j);
        if (!json_is_string(name) || !json_string_length(name))
            return bad(path, "features: every name must be a non-empty string");
        if (!json_is_integer(dir) || json_integer_value(dir) < -1 || json_integer_value(dir) > 1)
            return bad(path, "directions: each must be -1, 0 or 1");
        if (!(m->feature_names[j] = sc_strdup(json_string_value(name))))
            return sc_error(SCORE_ENOMEM, "out of memory");
        m->directions[j] = (int)json_integer_value(dir);
        for (size_t k = 0; k < j; k++)
            if (!strcmp(m->feature_names[k], m->feature_names[j]))
                return sc_error(SCORE_EFORMAT, "%s: features: \"%s\" appears twice", path,
                                m->feature_names[j]);
    }
    return SCORE_OK;
}

static int read_signals_spec(const char *path, const json_t *spec, score_model *m)
{
    const json_t *version = json_object_get(spec, "version");
    const char *name = json_string_value(json_object_get(spec, "name"));
    if (!name || strcmp(name, "libscore-features") != 0 || !json_is_integer(version))
        return bad(path, "feature_spec: a signals model names the spec libscore-features and its "
                         "version");
    if (json_integer_value(version) != SC_FEATURE_SPEC_VERSION)
        return sc_error(SCORE_EVERSION, "%s: the model eats feature spec version %lld; this library "
                        "computes version %d", path, (long long)json_integer_value(version),
                        SC_FEATURE_SPEC_VERSION);
    m->input = INPUT_SIGNALS;
    m->spec_version = SC_FEATURE_SPEC_VERSION;
    if (m->n_features != SC_N_FEATURES)
        return sc_error(SCORE_EFORMAT, "%s: the feature list has %zu names; feature spec v1 has %d",
                        path, m->n_features, SC_N_FEATURES);
    for (size_t j = 0; j < m->n_features; j++)
        if (strcmp(m->feature_names[j], sc_feature_spec[j].name) != 0)
            return sc_error(SCORE_EFORMAT, "%s: feature %zu is \"%s\"; feature spec v1 has \"%s\" "
                            "there: the feature list does not match", path, j + 1,
                            m->feature_names[j], sc_feature_spec[j].name);
    return SCORE_OK;
}

/* A table model's columns, expanded to its features, must give exactly the
 * feature list: numbers by name, text columns as name=level. */
static int read_table_columns(const char *path, const json_t *columns, score_model *m)
{
    size_t n = json_array_size(columns), feature = 0;
    m->columns = sc_calloc(n ? n : 1, sizeof *m->columns);
    if (!m->columns)
        return sc_error(SCORE_ENOMEM, "out of memory");
    m->n_columns = n;
    for (size_t c = 0; c < n; c++) {
        const json_t *col = json_array_get(columns, c), *levels = json_object_get(col, "levels");
        const char *name = json_string_value(json_object_get(col, "name"));
        sc_table_column *tc = &m->columns[c];
        if (!name || (levels && (!json_is_array(levels) || json_array_size(levels) == 0 ||
                                 json_array_size(levels) > SC_MAX_LEVELS)))
            return bad(path, "feature_spec.columns: each needs a name, and levels (1 to 32 strings) "
                             "for a text column");
        if (!(tc->name = sc_strdup(name)))
            return sc_error(SCORE_ENOMEM, "out of memory");
        tc->first_feature = feature;
        tc->n_levels = json_array_size(levels);
        if (tc->n_levels && !(tc->levels = sc_calloc(tc->n_levels, sizeof *tc->levels)))
            return sc_error(SCORE_ENOMEM, "out of memory");
        for (size_t l = 0; l < tc->n_levels; l++) {
            const char *level = json_string_value(json_array_get(levels, l));
            if (!level)
                return bad(path, "feature_spec.columns: levels must be strings");
            if (!(tc->levels[l] = sc_strdup(level)))
                return sc_error(SCORE_ENOMEM, "out of memory");
        }
        size_t width = tc->n_levels ? tc->n_levels : 1;
        for (size_t k = 0; k < width; k++, feature++) {
            char expected[512];
            if (tc->n_levels)
                sc_snprintf(expected, sizeof expected, "%s=%s", name, tc->levels[k]);
            else
                sc_snprintf(expected, sizeof expected, "%s", name);
            if (feature >= m->n_features || strcmp(m->feature_names[feature], expected) != 0)
                return sc_error(SCORE_EFORMAT, "%s: feature %zu should be \"%s\" from the table's "
                                "columns: the feature list does not match", path, feature + 1,
                                expected);
        }
    }
    if (feature != m->n_features)
        return sc_error(SCORE_EFORMAT, "%s: the table's columns give %zu features, the feature list "
                        "has %zu", path, feature, m->n_features);
    return SCORE_OK;
}

static int read_feature_spec(const char *path, const json_t *root, score_model *m)
{
    const json_t *spec = json_object_get(root, "feature_spec");
    const char *kind = json_string_value(json_object_get(spec, "kind"));
    if (!kind)
        return bad(path, "feature_spec: needs a kind, \"signals\" or \"table\"");
    if (!strcmp(kind, "signals"))
        return read_signals_spec(path, spec, m);
    if (strcmp(kind, "table") != 0)
        return sc_error(SCORE_EVERSION, "%s: feature_spec kind \"%s\" is not one this library knows "
                        "(signals, table)", path, kind);
    m->input = INPUT_TABLE;
    const char *id = json_string_value(json_object_get(spec, "id"));
    const char *label = json_string_value(json_object_get(spec, "label"));
    if ((id && !(m->id_column = sc_strdup(id))) || (label && !(m->label_column = sc_strdup(label))))
        return sc_error(SCORE_ENOMEM, "out of memory");
    const json_t *columns = json_object_get(spec, "columns");
    if (!json_is_array(columns))
        return bad(path, "feature_spec.columns: expected a list");
    return read_table_columns(path, columns, m);
}

static double number_or_nan(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static int read_scorecard(const char *path, const json_t *root, score_model *m)
{
    const json_t *cal = json_object_get(root, "calibration"), *sc = json_object_get(root, "scaling");
    const char *method = json_string_value(json_object_get(cal, "method"));
    m->calibration.a = number_or_nan(cal, "a");
    m->calibration.b = number_or_nan(cal, "b");
    /* a > 0 keeps the direction (a higher margin, a higher PD); the bounds
     * keep a crafted calibration from fixing every PD at 0 or 1, where a crafted a = 1e300 gave every enterprise PD 0 and
     * grade AAA. See docs/limits.md. */
    if (!method || strcmp(method, "platt") != 0 || !(m->calibration.a > 0) ||
        !(m->calibration.a <= SC_CALIBRATION_MAX) || !(fabs(m->calibration.b) <= SC_CALIBRATION_MAX))
        return bad(path, "calibration: expected {\"method\": \"platt\", \"a\" in (0, 1e4], "
                         "\"b\" in [-1e4, 1e4]}");
    m->scaling.base_score = number_or_nan(sc, "base_score");
    m->scaling.base_odds = number_or_nan(sc, "base_odds");
    m->scaling.points_to_double = number_or_nan(sc, "points_to_double");
    double lo = number_or_nan(sc, "min"), hi = number_or_nan(sc, "max");
    /* Bounded so that every PD gives a finite number of points: a crafted
     * base_score of 1e308 made inf - inf and a score of -2147483648. */
    if (!(fabs(m->scaling.base_score) <= SC_SCORE_LIMIT) ||
        !(m->scaling.base_odds >= 1e-6 && m->scaling.base_odds <= 1e6) ||
        !(m->scaling.points_to_double > 0 && m->scaling.points_to_double <= 1e4) || !(lo < hi) ||
        !(fabs(lo) <= SC_SCORE_LIMIT) || !(fabs(hi) <= SC_SCORE_LIMIT) || lo != floor(lo) ||
        hi != floor(hi))
        return bad(path, "scaling: needs |base_score| <= 1e6, base_odds in [1e-6, 1e6], "
                         "points_to_double in (0, 1e4], whole min < max within +-1e6");
    m->scaling.min_score = (int)lo;
    m->scaling.max_score = (int)hi;
    const json_t *grades = json_object_get(root, "grades");
    m->n_grades = json_array_size(grades);
    if (!json_is_array(grades) || m->n_grades < 2 || m->n_grades > SC_MAX_GRADES)
        return bad(path, "grades: expected 2 to 22 bands");
    for (size_t g = 0; g < m->n_grades; g++) {
        const json_t *band = json_array_get(grades, g);
        const char *name = json_string_value(json_object_get(band, "grade"));
        double max_pd = number_or_nan(band, "max_pd");
        if (!name || !*name || strlen(name) >= sizeof m->grades[g].name || !(max_pd > 0) ||
            max_pd > 1 || (g && !(max_pd > m->grades[g - 1].max_pd)))
            return bad(path, "grades: each band needs a name of 1 to 7 characters and an increasing "
                             "max_pd in (0, 1]");
        sc_snprintf(m->grades[g].name, sizeof m->grades[g].name, "%s", name);
        m->grades[g].max_pd = max_pd;
    }
    if (m->grades[m->n_grades - 1].max_pd != 1)
        return bad(path, "grades: the last band must reach max_pd 1");
    const json_t *extra = json_object_get(root, "scale");
    const char *direction = json_string_value(json_object_get(extra, "direction"));
    const char *dflt = json_string_value(json_object_get(extra, "default_grade"));
    if (extra && (!direction || (strcmp(direction, "higher_is_safer") &&
                                 strcmp(direction, "higher_is_riskier")) ||
                  !dflt || !*dflt || strlen(dflt) >= sizeof m->default_grade))
        return bad(path, "scale: expected {\"direction\": \"higher_is_safer\" or "
                         "\"higher_is_riskier\", \"default_grade\": 1 to 7 characters}");
    m->scaling.riskier = direction && !strcmp(direction, "higher_is_riskier");
    snprintf(m->default_grade, sizeof m->default_grade, "%s", dflt ? dflt : SC_DEFAULT_GRADE);
    const json_t *reasons = json_object_get(root, "reasons");
    const json_t *per = json_object_get(reasons, "per_enterprise");
    if (!json_is_integer(per) || json_integer_value(per) < 0 || json_integer_value(per) > 10)
        return bad(path, "reasons.per_enterprise: expected 0 to 10");
    m->n_reasons = (size_t)json_integer_value(per);
    return SCORE_OK;
}

static int read_header(const char *path, const json_t *root)
{
    const char *format = json_string_value(json_object_get(root, "format"));
    const json_t *version = json_object_get(root, "version");
    if (!format || strcmp(format, SC_BUNDLE_FORMAT) != 0)
        return bad(path, "not a libscore model bundle (\"format\" is not \"libscore-model\")");
    if (!json_is_integer(version) || json_integer_value(version) != SC_BUNDLE_VERSION)
        return sc_error(SCORE_EVERSION, "%s: bundle version %s; this library reads version %d",
                        path, json_is_integer(version) ? "unknown to this library" : "missing",
                        SC_BUNDLE_VERSION);
    return SCORE_OK;
}

static int read_model(const char *path, const json_t *root, score_model *m)
{
    int rc = read_header(path, root);
    if (rc == SCORE_OK)
        rc = read_names(path, root, m);
    if (rc == SCORE_OK)
        rc = read_feature_spec(path, root, m);
    if (rc == SCORE_OK)
        rc = read_scorecard(path, root, m);
    if (rc == SCORE_OK)
        rc = read_population(path, root, m);
    const json_t *metadata = json_object_get(root, "metadata");
    if (rc == SCORE_OK && !json_is_object(metadata))
        rc = bad(path, "metadata: expected an object");
    if (rc == SCORE_OK)
        m->metadata = json_incref((json_t *)metadata);
    const json_t *xgb = json_object_get(root, "xgboost");
    if (rc == SCORE_OK && !json_is_object(xgb))
        rc = bad(path, "xgboost: expected XGBoost's JSON model object");
    if (rc == SCORE_OK && (rc = sc_forest_from_xgboost(xgb, m->n_features, &m->forest)) != SCORE_OK)
        sc_error_prefix(rc, path);
    /* what training can make (max_depth 1..16, max_rounds up to 100,000);
     * TreeSHAP's cost grows with the depth, so a crafted deeper tree is
     * refused rather than served slowly */
    if (rc == SCORE_OK && sc_forest_max_depth(m->forest) > SC_BUNDLE_MAX_DEPTH)
        rc = sc_error(SCORE_ELIMIT, "%s: a tree %u levels deep; bundles are limited to %d", path,
                      sc_forest_max_depth(m->forest), SC_BUNDLE_MAX_DEPTH);
    if (rc == SCORE_OK && sc_forest_n_trees(m->forest) > SC_BUNDLE_MAX_TREES)
        rc = sc_error(SCORE_ELIMIT, "%s: %zu trees; bundles are limited to %d", path,
                      sc_forest_n_trees(m->forest), SC_BUNDLE_MAX_TREES);
    if (rc == SCORE_OK &&
        !(m->xgboost_json = json_dumps(xgb, JSON_COMPACT | JSON_REAL_PRECISION(17))))
        rc = sc_error(SCORE_ENOMEM, "out of memory");
    return rc;
}

int sc_bundle_parse(const char *name, const char *text, size_t len, score_model **out)
{
    int rc = verify_checksum(name, text, len);
    json_t *root = NULL;
    json_error_t e;
    if (rc == SCORE_OK && !(root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e)))
        rc = sc_error(SCORE_EFORMAT, "%s: not valid JSON at line %d column %d: %s", name, e.line,
                      e.column, e.text);
    score_model *m = NULL;
    if (rc == SCORE_OK && !(m = sc_calloc(1, sizeof *m)))
        rc = sc_error(SCORE_ENOMEM, "out of memory");
    if (rc == SCORE_OK)
        rc = read_model(name, root, m);
    json_decref(root);
    if (rc != SCORE_OK) {
        score_model_free(m);
        return rc;
    }
    *out = m;
    return SCORE_OK;
}

int sc_bundle_read(const char *path, score_model **out)
{
    char *text;
    size_t len;
    int rc = sc_read_whole_file_max(path, SC_BUNDLE_MAX_BYTES, &text, &len);
    if (rc != SCORE_OK)
        return rc == SCORE_EFORMAT ? sc_error_prefix(SCORE_ECORRUPT, "model bundle") : rc;
    rc = sc_bundle_parse(path, text, len, out);
    sc_free(text);
    return rc;
}

int score_model_checksum(const score_model *model, char out[16])
{
    if (!model || !out)
        return sc_error(SCORE_EINVAL, "score_model_checksum: NULL argument");
    sc_str text;
    sc_str_init(&text);
    int rc = bundle_text(model, &text);
    if (rc == SCORE_OK) {
        /* the checksum line is the bundle's end: ..."crc32:XXXXXXXX"\n}\n */
        const char *key = strstr(text.data + text.len - 32, "crc32:");
        snprintf(out, 16, "%.14s", key ? key : "");
        rc = key ? SCORE_OK : sc_error(SCORE_EINVAL, "score_model_checksum: no checksum line");
    }
    sc_str_free(&text);
    return rc;
}
