/* A bank's own table: CSV with a header, read whole (plain or gzip). */
#ifndef SCORE_MODEL_TABLE_H
#define SCORE_MODEL_TABLE_H

#include "model.h"

typedef struct sc_cell {
    uint32_t offset;   /* into the table's text, unescaped in place */
    uint32_t len;
} sc_cell;

typedef struct sc_table {
    const char *path;
    char *text;
    size_t n_rows, n_columns;
    sc_cell *header;
    sc_cell *cells;        /* n_rows x n_columns */
    uint64_t *line;        /* the file line of each row */
} sc_table;

int sc_table_read(const char *path, sc_table *table);
/* The same from text in memory (allocated with sc_malloc, NUL-terminated),
 * which the table takes over: sc_table_free frees it, also on failure. */
int sc_table_parse(const char *name, char *text, size_t len, sc_table *table);
void sc_table_free(sc_table *table);

/* The column called `name`: its index, or SCORE_ENOTFOUND naming the file. */
int sc_table_find(const sc_table *t, const char *name, size_t *column);
const char *sc_table_cell(const sc_table *t, size_t row, size_t column, size_t *len);

/* A cell as a number: 0 (a number), 1 (missing: empty, NA, N/A, NaN, NULL,
 * null, nan, ?, or "-"), -1 (text), -2 (a number beyond float range, which
 * the trees cannot split on: |v| > 3.4e38). */
#define SC_TABLE_TOO_LARGE (-2)
int sc_table_number(const sc_table *t, size_t row, size_t column, double *value);

#endif
