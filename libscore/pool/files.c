/* The pool's CSV files: events, applied by score_pool_apply_file (pool.c),
 * and members, read by score_pool_read_members. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/money.h"
#include "files.h"

#define FILE_MAX (UINT64_C(1) << 30)
#define FIELDS_MAX 16

/* ---- lines ------------------------------------------------------------------- */

int sc_lines_read(const char *path, sc_lines *f)
{
    memset(f, 0, sizeof *f);
    FILE *in = fopen(path, "rb");
    if (!in)
        return sc_error(SCORE_EIO, "cannot read %s: %s", path, strerror(errno));
    size_t cap = 0;
    int rc = SCORE_OK;
    for (;;) {
        if (f->size == FILE_MAX) {
            rc = sc_error(SCORE_ELIMIT, "%s is larger than 1 GiB", path);
            break;
        }
        if (sc_grow((void **)&f->data, &cap, f->size + 65536 + 1, 1) != SCORE_OK) {
            rc = sc_error(SCORE_ENOMEM, "out of memory reading %s", path);
            break;
        }
        size_t want = cap - f->size - 1;
        if (want > FILE_MAX - f->size)
            want = (size_t)(FILE_MAX - f->size);
        size_t got = fread(f->data + f->size, 1, want, in);
        f->size += got;
        if (got < want) {
            if (ferror(in))
                rc = sc_error(SCORE_EIO, "cannot read %s: %s", path, strerror(errno));
            break;
        }
    }
    fclose(in);
    if (rc != SCORE_OK) {
        sc_lines_free(f);
        return rc;
    }
    if (f->size >= 3 && !memcmp(f->data, "\xEF\xBB\xBF", 3))
        f->pos = 3;
    return SCORE_OK;
}

int sc_lines_next(sc_lines *f, const char **text, size_t *len)
{
    while (f->pos < f->size) {
        const char *start = f->data + f->pos;
        const char *nl = memchr(start, '\n', f->size - f->pos);
        size_t n = nl ? (size_t)(nl - start) : f->size - f->pos;
        f->pos += n + (nl != NULL);
        f->line++;
        if (n && start[n - 1] == '\r')
            n--;
        if (n == 0)
            continue;
        *text = start;
        *len = n;
        return 1;
    }
    return 0;
}

void sc_lines_free(sc_lines *f)
{
    sc_free(f->data);
    memset(f, 0, sizeof *f);
}

/* ---- fields ------------------------------------------------------------------ */

typedef struct field {
    const char *p;
    size_t len;
} field;

/* Split a line at commas; returns the number of fields (which may exceed
 * FIELDS_MAX; only the first FIELDS_MAX are kept), or -1 for a quote or a
 * NUL byte, which these files never hold. */
static int split(const char *text, size_t len, field *fields)
{
    if (memchr(text, '"', len) || memchr(text, '\0', len))
        return -1;
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != ',')
            continue;
        if (n < FIELDS_MAX)
            fields[n] = (field){text + start, i - start};
        n++;
        start = i + 1;
    }
    return n;
}

static int is(const field *f, const char *word)
{
    return f->len == strlen(word) && !memcmp(f->p, word, f->len);
}

/* A decimal number: digits with an optional point and exponent, nothing
 * else (no spaces, hex, inf or nan). */
static int parse_number(const field *f, double *out)
{
    char buf[64];
    if (f->len == 0 || f->len >= sizeof buf)
        return -1;
    for (size_t i = 0; i < f->len; i++)
        if (!strchr("0123456789.eE+-", f->p[i]))
            return -1;
    memcpy(buf, f->p, f->len);
    buf[f->len] = '\0';
    char *end;
    errno = 0;
    double d = sc_strtod(buf, &end);
    if (*end || errno == ERANGE || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

static int quoted(sc_str *s, const field *f)
{
    sc_str_init(s);
    sc_str_quote(s, f->p, f->len, 40);
    return sc_str_status(s);
}

/* SCORE_EREJECTED (or, for a header, SCORE_EFORMAT) with "what: \"text\"". */
static int bad_text(int code, const char *prefix, const field *f, const char *what)
{
    sc_str q;
    quoted(&q, f);
    int rc = sc_error(code, "%s%s, got \"%s\"", prefix, what, q.data ? q.data : "");
    sc_str_free(&q);
    return rc;
}

static int get_uscc(const field *f, char out[19])
{
    if (f->len == 18) {
        memcpy(out, f->p, 18);
        out[18] = '\0';
        if (score_uscc_valid(out))
            return SCORE_OK;
    }
    return bad_text(SCORE_EREJECTED, "", f, "expected an 18-character USCC with a valid check "
                    "character");
}

/* ---- events ------------------------------------------------------------------ */

static const char *const event_columns[EV_COLUMNS] = {"type", "uscc", "amount", "pd",
                                                      "event_id", "dishonest"};

int sc_events_header(const char *path, uint64_t line, const char *text, size_t len,
                     sc_event_columns *c)
{
    field fields[FIELDS_MAX];
    int n = split(text, len, fields);
    for (int k = 0; k < EV_COLUMNS; k++)
        c->at[k] = -1;
    if (n < 0 || n > FIELDS_MAX)
        return sc_error(SCORE_EFORMAT, "%s:%llu: expected the header type,uscc,amount,pd "
                        "(optionally event_id, dishonest)", path, (unsigned long long)line);
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < EV_COLUMNS && !is(&fields[i], event_columns[k]))
            k++;
        char prefix[256];
        snprintf(prefix, sizeof prefix, "%s:%llu:%d: ", path, (unsigned long long)line, i + 1);
        if (k == EV_COLUMNS)
            return bad_text(SCORE_EFORMAT, prefix, &fields[i], "expected a column of type, "
                            "uscc, amount, pd, event_id, dishonest");
        if (c->at[k] >= 0)
            return sc_error(SCORE_EFORMAT, "%scolumn %s appears twice", prefix,
                            event_columns[k]);
        c->at[k] = i;
    }
    for (int k = 0; k <= EV_PD; k++)
        if (c->at[k] < 0)
            return sc_error(SCORE_EFORMAT, "%s:%llu: the header has no column %s; expected "
                            "type,uscc,amount,pd (optionally event_id, dishonest)", path,
                            (unsigned long long)line, event_columns[k]);
    c->n = (size_t)n;
    return SCORE_OK;
}

static int event_fields(const sc_event_columns *c, const field *fields, sc_pool_event *ev,
                        int *k)
{
    const field *f = &fields[c->at[*k = EV_TYPE]];
    if (!(ev->type = sc_pool_type_lookup(f->p, f->len)))
        return bad_text(SCORE_EREJECTED, "", f, "expected inject, join, deposit, lend, repay, "
                        "default, recover or leave");
    f = &fields[c->at[*k = EV_USCC]];
    int rc = SCORE_OK;
    if (f->len && (rc = get_uscc(f, ev->uscc)) != SCORE_OK)
        return rc;
    f = &fields[c->at[*k = EV_AMOUNT]];
    if (f->len == 0) {
        if (ev->type != SCORE_POOL_LEAVE)
            return sc_error(SCORE_EREJECTED, "missing; a %s needs an amount in yuan",
                            sc_pool_type_name(ev->type));
    } else if (sc_money_parse(f->p, f->len, &ev->amount) != 0) {
        return bad_text(SCORE_EREJECTED, "", f, "expected yuan with at most two decimals");
    } else if (ev->amount < 0) {
        return sc_error(SCORE_EREJECTED, "must not be negative");
    }
    f = &fields[c->at[*k = EV_PD]];
    if (ev->type == SCORE_POOL_JOIN) {
        if (parse_number(f, &ev->pd) != 0 || ev->pd < 0 || ev->pd > 1)
            return bad_text(SCORE_EREJECTED, "", f, "a join needs the member's PD, a number "
                            "in 0..1");
    } else if (f->len) {
        return sc_error(SCORE_EREJECTED, "only a join gives a PD; leave it empty");
    }
    if (c->at[*k = EV_ID] >= 0 && (f = &fields[c->at[EV_ID]])->len) {
        if (!sc_pool_id_valid(f->p, f->len))
            return bad_text(SCORE_EREJECTED, "", f, "expected 1..64 printable ASCII characters "
                            "without spaces");
        memcpy(ev->id, f->p, f->len);
        ev->id[f->len] = '\0';
    }
    if (c->at[*k = EV_DISHONEST] >= 0 && (f = &fields[c->at[EV_DISHONEST]])->len) {
        if (!is(f, "0") && !is(f, "1"))
            return bad_text(SCORE_EREJECTED, "", f, "expected 0 or 1");
        ev->dishonest = is(f, "1");
        if (ev->dishonest && ev->type != SCORE_POOL_JOIN)
            return sc_error(SCORE_EREJECTED, "only a join gives the listing; leave it empty");
    }
    return SCORE_OK;
}

int sc_events_line(const sc_event_columns *c, const char *text, size_t len, sc_pool_event *ev,
                   int *column, const char **column_name)
{
    memset(ev, 0, sizeof *ev);
    *column = 0;
    *column_name = "";
    field fields[FIELDS_MAX];
    int n = split(text, len, fields);
    if (n < 0)
        return sc_error(SCORE_EREJECTED, "a quote or NUL byte; pool files hold plain fields");
    if ((size_t)n != c->n)
        return sc_error(SCORE_EREJECTED, "%d fields where the header has %zu", n, c->n);
    int k;
    int rc = event_fields(c, fields, ev, &k);
    if (rc != SCORE_OK) {
        *column = c->at[k] + 1;
        *column_name = event_columns[k];
    }
    return rc;
}

/* ---- members ----------------------------------------------------------------- */

enum { M_USCC, M_PD, M_EAD, M_LGD, M_COLUMNS };
static const char *const member_columns[M_COLUMNS] = {"uscc", "pd", "ead", "lgd"};

typedef struct member_row {
    char uscc[19];
    uint64_t line;
    double pd, lgd;
    int64_t ead;
} member_row;

typedef struct members_read {
    member_row *rows;
    size_t n, cap;
} members_read;

static int by_uscc(const void *a, const void *b)
{
    const member_row *x = a, *y = b;
    int c = strcmp(x->uscc, y->uscc);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int members_header(const char *path, uint64_t line, const char *text, size_t len,
                          int at[M_COLUMNS])
{
    field fields[FIELDS_MAX];
    int n = split(text, len, fields);
    for (int k = 0; k < M_COLUMNS; k++)
        at[k] = -1;
    for (int i = 0; n == M_COLUMNS && i < n; i++)
        for (int k = 0; k < M_COLUMNS; k++)
            if (is(&fields[i], member_columns[k]) && at[k] < 0)
                at[k] = i;
    for (int k = 0; k < M_COLUMNS; k++)
        if (at[k] < 0)
            return sc_error(SCORE_EFORMAT, "%s:%llu: expected the header uscc,pd,ead,lgd (in "
                            "any order)", path, (unsigned long long)line);
    return SCORE_OK;
}

static int member_line(const int at[M_COLUMNS], const char *text, size_t len, member_row *r,
                       int *k)
{
    field fields[FIELDS_MAX];
    int n = split(text, len, fields);
    *k = -1;
    if (n < 0)
        return sc_error(SCORE_EREJECTED, "a quote or NUL byte; pool files hold plain fields");
    if (n != M_COLUMNS)
        return sc_error(SCORE_EREJECTED, "%d fields where the header has %d", n, M_COLUMNS);
    int rc = get_uscc(&fields[at[*k = M_USCC]], r->uscc);
    if (rc != SCORE_OK)
        return rc;
    const field *f = &fields[at[*k = M_PD]];
    if (parse_number(f, &r->pd) != 0 || r->pd < 0 || r->pd > 1)
        return bad_text(SCORE_EREJECTED, "", f, "expected a PD in 0..1");
    f = &fields[at[*k = M_EAD]];
    if (sc_money_parse(f->p, f->len, &r->ead) != 0 || r->ead < 0)
        return bad_text(SCORE_EREJECTED, "", f, "expected an exposure in yuan (>= 0, at most "
                        "two decimals)");
    f = &fields[at[*k = M_LGD]];
    if (parse_number(f, &r->lgd) != 0 || r->lgd < 0 || r->lgd > 1)
        return bad_text(SCORE_EREJECTED, "", f, "expected an LGD in 0..1");
    return SCORE_OK;
}

static int read_members(const char *path, members_read *m)
{
    sc_lines f;
    int rc = sc_lines_read(path, &f), at[M_COLUMNS];
    if (rc != SCORE_OK)
        return rc;
    const char *text;
    size_t len;
    if (!sc_lines_next(&f, &text, &len))
        rc = sc_error(SCORE_EFORMAT, "%s: the file is empty; expected the header "
                      "uscc,pd,ead,lgd", path);
    else
        rc = members_header(path, f.line, text, len, at);
    while (rc == SCORE_OK && sc_lines_next(&f, &text, &len)) {
        int k = -1;
        if (sc_grow((void **)&m->rows, &m->cap, m->n + 1, sizeof *m->rows) != SCORE_OK)
            rc = sc_error(SCORE_ENOMEM, "out of memory reading members");
        else
            rc = member_line(at, text, len, &m->rows[m->n], &k);
        if (rc == SCORE_EREJECTED) {
            char where[512];
            if (k >= 0)
                snprintf(where, sizeof where, "%s:%llu:%d: %s", path,
                         (unsigned long long)f.line, at[k] + 1, member_columns[k]);
            else
                snprintf(where, sizeof where, "%s:%llu", path, (unsigned long long)f.line);
            rc = sc_error_prefix(SCORE_EFORMAT, where);
        }
        if (rc == SCORE_OK)
            m->rows[m->n++].line = f.line;
    }
    sc_lines_free(&f);
    if (rc != SCORE_OK || m->n < 2)
        return rc;
    member_row *sorted = sc_malloc_array(m->n, sizeof *sorted);
    if (!sorted)
        return sc_error(SCORE_ENOMEM, "out of memory reading members");
    memcpy(sorted, m->rows, m->n * sizeof *sorted);
    qsort(sorted, m->n, sizeof *sorted, by_uscc);
    for (size_t i = 1; rc == SCORE_OK && i < m->n; i++)
        if (!strcmp(sorted[i].uscc, sorted[i - 1].uscc))
            rc = sc_error(SCORE_EFORMAT, "%s:%llu: uscc: %s appears twice (also on line %llu)",
                          path, (unsigned long long)sorted[i].line, sorted[i].uscc,
                          (unsigned long long)sorted[i - 1].line);
    sc_free(sorted);
    return rc;
}

int score_pool_read_members(const char *path, double *pd, int64_t *ead, double *lgd,
                            size_t capacity, size_t *n_out)
{
    if (!path || !n_out || (capacity && (!pd || !ead || !lgd)))
        return sc_error(SCORE_EINVAL, "path and n_out must not be NULL, nor the arrays when "
                        "capacity > 0");
    members_read m = {0};
    int rc = read_members(path, &m);
    if (rc == SCORE_OK) {
        for (size_t i = 0; i < m.n && i < capacity; i++) {
            pd[i] = m.rows[i].pd;
            ead[i] = m.rows[i].ead;
            lgd[i] = m.rows[i].lgd;
        }
        *n_out = m.n;
    }
    sc_free(m.rows);
    return rc;
}
