#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "helpers.h"

void collect_diagnostic(void *user, const score_diagnostic *d)
{
    diag_log *log = user;
    if (!log || log->n >= 64)
        return;
    snprintf(log->text[log->n], sizeof log->text[0], "%s", d->text);
    log->severity[log->n] = d->severity;
    log->column[log->n] = d->column;
    log->line[log->n] = d->line;
    log->n++;
}

int read_bytes(const void *data, size_t size, int strict, score_read_counts *counts, diag_log *log,
               score_panel **panel_out)
{
    score_panel *panel = NULL;
    if (score_panel_new(&panel) != SCORE_OK)
        return SCORE_ENOMEM;
    score_read_options options;
    score_read_options_init(&options);
    options.strict = strict;
    options.diagnostic = collect_diagnostic;
    options.diagnostic_user = log;
    if (counts) {
        memset(counts, 0, sizeof *counts);
        counts->size = sizeof *counts;
    }
    if (log)
        memset(log, 0, sizeof *log);
    int rc = score_panel_read_buffer(panel, "t.csv", data, size, &options, counts);
    if (panel_out)
        *panel_out = panel;
    else
        score_panel_free(panel);
    return rc;
}

int read_text(const char *text, int strict, score_read_counts *counts, diag_log *log,
              score_panel **panel_out)
{
    return read_bytes(text, strlen(text), strict, counts, log, panel_out);
}

unsigned char *gzip_bytes(const void *data, size_t size, size_t *out_size)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&zs, size) + 64;
    unsigned char *out = malloc(cap);
    zs.next_in = (unsigned char *)data;
    zs.avail_in = (uInt)size;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    deflate(&zs, Z_FINISH);
    *out_size = zs.total_out;
    deflateEnd(&zs);
    return out;
}

double series_last(const score_panel *p, const char *uscc, const char *source, const char *field,
                   const char *asof, size_t *n)
{
    int months[512];
    double values[512];
    size_t count = 0;
    if (score_panel_series(p, uscc, source, field, asof, months, values, 512, &count) != SCORE_OK)
        count = 0;
    if (n)
        *n = count;
    return count ? values[count - 1] : NAN;
}

int log_has(const diag_log *log, const char *needle)
{
    for (int i = 0; i < log->n; i++)
        if (strstr(log->text[i], needle))
            return 1;
    return 0;
}
