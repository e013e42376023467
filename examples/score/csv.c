#include <string.h>

#include "csv.h"

void csv_init(csv_writer *w, FILE *file)
{
    w->file = file;
    w->fields = 0;
    w->last_empty = 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int csv_needs_quotes(const char *text, size_t len)
{
    if (len == 0)
        return 0;
    if (is_blank(text[0]) || is_blank(text[len - 1]))
        return 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == ',' || text[i] == '"' || text[i] == '\r' || text[i] == '\n')
            return 1;
    return 0;
}

void csv_field_n(csv_writer *w, const char *text, size_t len)
{
    if (w->fields++)
        fputc(',', w->file);
    w->last_empty = len == 0;
    if (!csv_needs_quotes(text, len)) {
        fwrite(text, 1, len, w->file);
        return;
    }
    fputc('"', w->file);
    for (const char *p = text, *end = text + len; p < end;) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        size_t n = q ? (size_t)(q - p) + 1 : (size_t)(end - p);
        fwrite(p, 1, n, w->file);
        if (q)
            fputc('"', w->file); /* the quote just written, doubled */
        p += n;
    }
    fputc('"', w->file);
}

void csv_field(csv_writer *w, const char *text)
{
    csv_field_n(w, text ? text : "", text ? strlen(text) : 0);
}

void csv_end_row(csv_writer *w)
{
    if (w->fields == 1 && w->last_empty)
        fputs("\"\"", w->file);
    fputc('\n', w->file);
    w->fields = 0;
    w->last_empty = 0;
}
