#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static int line_error(const sc_table *t, uint64_t line, sc_problem *p)
{
    int rc = sc_error(SCORE_EFORMAT, "%s:%llu:%d: %s", t->path, (unsigned long long)line, p->column,
                      p->message.data ? p->message.data : "out of memory");
    sc_str_free(&p->message);
    return rc;
}

/* Split one line into cells pointing into the text (quoted cells are
 * unescaped in place: never longer than what they came from). */
static int split_line(sc_table *t, char *line, size_t len, uint64_t lineno, sc_cell *cells,
                      size_t want, size_t *count)
{
    sc_text fields[4096];
    sc_problem p = {0, {0}};
    size_t max = want ? want : SC_ARRAY_LEN(fields);
    if (max > SC_ARRAY_LEN(fields))
        return sc_error(SCORE_ELIMIT, "%s: more than %zu columns", t->path, SC_ARRAY_LEN(fields));
    char *scratch = sc_malloc(len + 1);
    if (!scratch)
        return sc_error(SCORE_ENOMEM, "out of memory reading %s", t->path);
    int rc = SCORE_OK;
    if (sc_csv_split_any(line, len, fields, max, count, scratch, &p) != 0) {
        rc = line_error(t, lineno, &p);
    } else if (want && *count != want) {
        rc = sc_error(SCORE_EFORMAT, "%s:%llu: expected %zu columns as in the header, found %zu",
                      t->path, (unsigned long long)lineno, want, *count);
    } else if (*count > max) {
        rc = sc_error(SCORE_ELIMIT, "%s: more than %zu columns", t->path, max);
    } else {
        /* unquoted fields already point into the line; copy quoted ones back */
        char *dst = line;
        for (size_t i = 0; i < *count; i++) {
            memmove(dst, fields[i].p, fields[i].len);
            cells[i] = (sc_cell){(uint32_t)(dst - t->text), (uint32_t)fields[i].len};
            dst += fields[i].len;
        }
    }
    sc_free(scratch);
    return rc;
}

static int next_line(char **pos, char *end, char **line, size_t *len)
{
    if (*pos >= end)
        return 0;
    char *nl = memchr(*pos, '\n', (size_t)(end - *pos));
    char *stop = nl ? nl : end;
    *line = *pos;
    *len = (size_t)(stop - *pos);
    if (*len && (*line)[*len - 1] == '\r')
        (*len)--;
    *pos = nl ? nl + 1 : end;
    return 1;
}

/* Two columns of one name would make "the column X" mean two things: the
 * model would train on one and a table would be read by the other. */
static int check_unique_names(const sc_table *t, uint64_t lineno)
{
    for (size_t a = 0; a < t->n_columns; a++)
        for (size_t b = a + 1; b < t->n_columns; b++) {
            const sc_cell *x = &t->header[a], *y = &t->header[b];
            if (x->len == y->len && !memcmp(t->text + x->offset, t->text + y->offset, x->len))
                return sc_error(SCORE_EFORMAT, "%s:%llu:%zu: the column \"%.*s\" appears twice "
                                "(columns %zu and %zu); names must be unique",
                                t->path, (unsigned long long)lineno, b + 1,
                                (int)(x->len < 200 ? x->len : 200), t->text + x->offset, a + 1,
                                b + 1);
        }
    return SCORE_OK;
}

static int read_header(sc_table *t, char **pos, char *end, uint64_t *lineno)
{
    char *line;
    size_t len;
    while (next_line(pos, end, &line, &len)) {
        ++*lineno;
        if (*lineno == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
            line += 3;
            len -= 3;
        }
        if (len == 0)
            continue;
        sc_cell cells[4096];
        size_t count;
        int rc = split_line(t, line, len, *lineno, cells, 0, &count);
        if (rc != SCORE_OK)
            return rc;
        if (!(t->header = sc_malloc_array(count, sizeof *t->header)))
            return sc_error(SCORE_ENOMEM, "out of memory reading %s", t->path);
        memcpy(t->header, cells, count * sizeof *cells);
        t->n_columns = count;
        return check_unique_names(t, *lineno);
    }
    return sc_error(SCORE_EFORMAT, "%s: empty; expected a header line with the column names", t->path);
}

static int read_rows(sc_table *t, char **pos, char *end, uint64_t lineno)
{
    size_t cap_rows = 0;
    char *line;
    size_t len;
    while (next_line(pos, end, &line, &len)) {
        lineno++;
        if (len == 0)
            continue;
        size_t before = cap_rows;
        if (sc_grow((void **)&t->line, &cap_rows, t->n_rows + 1, sizeof *t->line) != SCORE_OK)
            return sc_error(SCORE_ENOMEM, "out of memory reading %s", t->path);
        if (cap_rows != before) {
            sc_cell *cells = sc_realloc_array(t->cells, cap_rows * t->n_columns, sizeof *cells);
            if (!cells)
                return sc_error(SCORE_ENOMEM, "out of memory reading %s", t->path);
            t->cells = cells;
        }
        size_t count;
        int rc = split_line(t, line, len, lineno, t->cells + t->n_rows * t->n_columns,
                            t->n_columns, &count);
        if (rc != SCORE_OK)
            return rc;
        t->line[t->n_rows++] = lineno;
    }
    return SCORE_OK;
}

int sc_table_parse(const char *name, char *text, size_t len, sc_table *t)
{
    memset(t, 0, sizeof *t);
    t->path = name;
    t->text = text;
    if (len > UINT32_MAX) {
        sc_table_free(t);
        return sc_error(SCORE_ELIMIT, "%s: tables are limited to 4 GiB", name);
    }
    char *pos = t->text, *end = t->text + len;
    uint64_t lineno = 0;
    int rc = read_header(t, &pos, end, &lineno);
    if (rc == SCORE_OK)
        rc = read_rows(t, &pos, end, lineno);
    if (rc != SCORE_OK)
        sc_table_free(t);
    return rc;
}

int sc_table_read(const char *path, sc_table *t)
{
    char *text;
    size_t len;
    int rc = sc_read_whole_file(path, &text, &len);
    if (rc != SCORE_OK) {
        memset(t, 0, sizeof *t);
        return rc;
    }
    return sc_table_parse(path, text, len, t);
}

void sc_table_free(sc_table *t)
{
    sc_free(t->text);
    sc_free(t->header);
    sc_free(t->cells);
    sc_free(t->line);
    memset(t, 0, sizeof *t);
}

int sc_table_find(const sc_table *t, const char *name, size_t *column)
{
    size_t n = strlen(name);
    for (size_t c = 0; c < t->n_columns; c++)
        if (t->header[c].len == n && !memcmp(t->text + t->header[c].offset, name, n)) {
            *column = c;
            return SCORE_OK;
        }
    return sc_error(SCORE_ENOTFOUND, "%s: no column \"%s\" in the header", t->path, name);
}

const char *sc_table_cell(const sc_table *t, size_t row, size_t column, size_t *len)
{
    const sc_cell *c = row == SIZE_MAX ? &t->header[column] : &t->cells[row * t->n_columns + column];
    *len = c->len;
    return t->text + c->offset;
}

static int is_missing(const char *s, size_t len)
{
    static const char *const tokens[] = {"", "NA", "N/A", "NaN", "nan", "NULL", "null", "?", "-"};
    for (size_t i = 0; i < SC_ARRAY_LEN(tokens); i++)
        if (strlen(tokens[i]) == len && !memcmp(s, tokens[i], len))
            return 1;
    return 0;
}

int sc_table_number(const sc_table *t, size_t row, size_t column, double *value)
{
    size_t len;
    const char *s = sc_table_cell(t, row, column, &len);
    if (is_missing(s, len)) {
        *value = NAN;
        return 1;
    }
    char buf[64];
    if (len >= sizeof buf || strchr("+-.0123456789", s[0]) == NULL)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    double v = sc_strtod(buf, &end);
    if (*end)
        return -1;
    if (!isfinite(v) || fabs(v) > FLT_MAX)
        return SC_TABLE_TOO_LARGE;
    *value = v;
    return 0;
}
