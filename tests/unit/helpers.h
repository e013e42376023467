/* Helpers shared by the Criterion tests. */
#ifndef SCORE_TEST_HELPERS_H
#define SCORE_TEST_HELPERS_H

#include <stddef.h>

#include "score.h"

/* Diagnostics collected from a read. */
typedef struct diag_log {
    char text[64][512];
    int severity[64];
    int column[64];
    unsigned long long line[64];
    int n;
} diag_log;

void collect_diagnostic(void *user, const score_diagnostic *d);

/* Read `text` (a whole file's content) into a new panel, leniently unless
 * strict; counts and diagnostics returned. The panel is freed unless
 * panel_out is given. Returns the status of score_panel_read_buffer. */
int read_text(const char *text, int strict, score_read_counts *counts, diag_log *log,
              score_panel **panel_out);
int read_bytes(const void *data, size_t size, int strict, score_read_counts *counts,
               diag_log *log, score_panel **panel_out);

/* gzip-compress `size` bytes into a new malloc'ed buffer. */
unsigned char *gzip_bytes(const void *data, size_t size, size_t *out_size);

/* One value of a series (as of asof, NULL for all); NaN when absent. */
double series_last(const score_panel *p, const char *uscc, const char *source, const char *field,
                   const char *asof, size_t *n);

/* Whether a diagnostic containing `needle` was logged. */
int log_has(const diag_log *log, const char *needle);

#endif
