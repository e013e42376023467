/*
 * JSON input for configuration files and requests (jansson), with messages
 * that name the file, the line and column, or the key path, and refusal of
 * keys a reader does not know where a typo would silently change a decision.
 */
#ifndef SCORE_CORE_JSON_H
#define SCORE_CORE_JSON_H

#include <jansson.h>

#include "core.h"

/* Parse a file or text; the caller owns *out (json_decref). SCORE_EIO when
 * the file cannot be read, SCORE_EFORMAT ("name:line:column: message") when
 * it is not JSON or its top level is not an object. */
int sc_json_load_file(const char *path, json_t **out);
int sc_json_parse(const char *text, size_t len, const char *name, json_t **out);

/* SCORE_EFORMAT naming `where` and the key when `obj` has a key not in the
 * NULL-terminated list `allowed`. */
int sc_json_check_keys(const json_t *obj, const char *where, const char *const allowed[]);

/* Read an optional number: an absent key keeps *out; a present one must be
 * a number within [min, max] (SCORE_EFORMAT otherwise, naming where.key). */
int sc_json_number(const json_t *obj, const char *key, const char *where, double min,
                   double max, double *out);
/* The same for an optional money amount in yuan with at most two decimals,
 * stored as fen; amounts must lie in [min_fen, max_fen]. */
int sc_json_money(const json_t *obj, const char *key, const char *where, int64_t min_fen,
                  int64_t max_fen, int64_t *out);
/* An optional string (borrowed from obj; valid while obj lives). */
int sc_json_string(const json_t *obj, const char *key, const char *where, const char **out);
/* An optional object; *out stays NULL when absent. */
int sc_json_object(const json_t *obj, const char *key, const char *where, const json_t **out);

/* ---- building with jansson ---------------------------------------------------
 *
 * jansson's constructors return NULL and its appends -1 when memory runs
 * out, and an unchecked append silently drops a member (a model bundle
 * that does not load, written with SCORE_OK). These take a value that may
 * be NULL, always take over its reference, and set *failed on any failure,
 * so a builder checks once at the end. */
void sc_json_push(json_t *array, json_t *value, int *failed);
void sc_json_put(json_t *object, const char *key, json_t *value, int *failed);
/* Append `value` as JSON text (json_dumps `flags`) to `out`. SCORE_OK or
 * SCORE_ENOMEM. Writes through the sc_str, never jansson's own buffer:
 * jansson 2.14's json_dumps ignores a failed write of an object key and
 * returned {":"a"} for {"name":"a"} when an allocation failed there. */
int sc_json_dump(const json_t *value, size_t flags, sc_str *out);
/* A checked value: `value`, or NULL with *failed set when it is NULL. */
json_t *sc_json_checked(json_t *value, int *failed);

#endif
