#include <math.h>
#include <string.h>

#include "json.h"
#include "money.h"

static int parse_error(const char *name, const json_error_t *e)
{
    if (e->line > 0)
        return sc_error(SCORE_EFORMAT, "%s:%d:%d: not valid JSON: %s", name, e->line, e->column,
                        e->text);
    return sc_error(SCORE_EFORMAT, "%s: not valid JSON: %s", name, e->text);
}

static int object_only(json_t *root, const char *name, json_t **out)
{
    if (!json_is_object(root)) {
        json_decref(root);
        return sc_error(SCORE_EFORMAT, "%s: expected a JSON object at the top level", name);
    }
    *out = root;
    return SCORE_OK;
}

int sc_json_load_file(const char *path, json_t **out)
{
    json_error_t e;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (!root) {
        if (e.line <= 0 && strstr(e.text, "unable to open"))
            return sc_error(SCORE_EIO, "%s: cannot read: %s", path, e.text);
        return parse_error(path, &e);
    }
    return object_only(root, path, out);
}

int sc_json_parse(const char *text, size_t len, const char *name, json_t **out)
{
    json_error_t e;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
    if (!root)
        return parse_error(name, &e);
    return object_only(root, name, out);
}

int sc_json_check_keys(const json_t *obj, const char *where, const char *const allowed[])
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        int known = 0;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (known)
            continue;
        sc_str list;
        sc_str_init(&list);
        for (size_t i = 0; allowed[i]; i++)
            sc_str_printf(&list, "%s%s", i ? ", " : "", allowed[i]);
        int rc = sc_error(SCORE_EFORMAT, "%s: unknown key \"%s\"; known keys: %s", where, key,
                          list.data ? list.data : "");
        sc_str_free(&list);
        return rc;
    }
    return SCORE_OK;
}

int sc_json_number(const json_t *obj, const char *key, const char *where, double min, double max,
                   double *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return SCORE_OK;
    if (!json_is_number(v))
        return sc_error(SCORE_EFORMAT, "%s.%s: expected a number", where, key);
    double d = json_number_value(v);
    if (!isfinite(d) || d < min || d > max)
        return sc_error(SCORE_EFORMAT, "%s.%s: %.17g is outside %g..%g", where, key, d, min, max);
    *out = d;
    return SCORE_OK;
}

int sc_json_money(const json_t *obj, const char *key, const char *where, int64_t min_fen,
                  int64_t max_fen, int64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return SCORE_OK;
    int64_t fen;
    if (json_is_integer(v)) {
        json_int_t yuan = json_integer_value(v);
        if (yuan > SC_MONEY_MAX_FEN / 100 || yuan < -SC_MONEY_MAX_FEN / 100)
            return sc_error(SCORE_EFORMAT, "%s.%s: amount out of range", where, key);
        fen = (int64_t)yuan * 100;
    } else if (!json_is_real(v) || sc_money_from_yuan(json_real_value(v), &fen) != 0) {
        return sc_error(SCORE_EFORMAT,
                        "%s.%s: expected an amount in yuan with at most two decimals", where, key);
    }
    if (fen < min_fen || fen > max_fen) {
        char lo[32], hi[32];
        sc_money_format(min_fen, lo);
        sc_money_format(max_fen, hi);
        return sc_error(SCORE_EFORMAT, "%s.%s: amount outside %s..%s yuan", where, key, lo, hi);
    }
    *out = fen;
    return SCORE_OK;
}

int sc_json_string(const json_t *obj, const char *key, const char *where, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return SCORE_OK;
    if (!json_is_string(v))
        return sc_error(SCORE_EFORMAT, "%s.%s: expected a string", where, key);
    *out = json_string_value(v);
    return SCORE_OK;
}

int sc_json_object(const json_t *obj, const char *key, const char *where, const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return SCORE_OK;
    if (!json_is_object(v))
        return sc_error(SCORE_EFORMAT, "%s.%s: expected an object", where, key);
    *out = v;
    return SCORE_OK;
}

void sc_json_push(json_t *array, json_t *value, int *failed)
{
    /* jansson drops the value's reference on failure, NULL array included */
    if (json_array_append_new(array, value) != 0)
        *failed = 1;
}

void sc_json_put(json_t *object, const char *key, json_t *value, int *failed)
{
    if (json_object_set_new(object, key, value) != 0)
        *failed = 1;
}

json_t *sc_json_checked(json_t *value, int *failed)
{
    if (!value)
        *failed = 1;
    return value;
}

static int append_to_str(const char *buffer, size_t size, void *data)
{
    sc_str *s = data;
    sc_str_append(s, buffer, size);
    return sc_str_status(s) == SCORE_OK ? 0 : -1;
}

int sc_json_dump(const json_t *value, size_t flags, sc_str *out)
{
    /* the sc_str's failure is sticky: a write jansson forgets to check
     * still fails the whole text */
    if (json_dump_callback(value, append_to_str, out, flags) != 0 || sc_str_status(out) != SCORE_OK)
        return sc_error(SCORE_ENOMEM, "out of memory writing JSON");
    return SCORE_OK;
}
