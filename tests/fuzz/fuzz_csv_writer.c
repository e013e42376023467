/* libFuzzer target: the score program's CSV writer (examples/score/csv.c).
 * Random rows of random fields (any bytes) are written, then read back by
 * an RFC 4180 reader written here, independently of the writer; every
 * field and every row must come back exactly, and no bare field may hold
 * what a reader would split on or trim.
 *
 * Input: byte 0 = fields a row (1..8); the rest, fields separated by 0xFF. */
#define _GNU_SOURCE /* open_memstream */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../examples/score/csv.h"

#define MAX_FIELDS 4096

typedef struct span {
    const uint8_t *p;
    size_t n;
} span;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_csv_writer: %s\n", what);
    abort();
}

/* Read one field at *pos of text[0..len); its bytes into out. Returns the
 * byte after the field (',' or '\n'). */
static int read_field(const char *text, size_t len, size_t *pos, char *out, size_t *out_len)
{
    size_t i = *pos, n = 0;
    if (i < len && text[i] == '"') {
        for (i++;; i++) {
            if (i >= len)
                fail("quoted field not closed");
            if (text[i] == '"') {
                if (i + 1 < len && text[i + 1] == '"') {
                    out[n++] = '"';
                    i++;
                    continue;
                }
                i++;
                break;
            }
            out[n++] = text[i];
        }
    } else {
        for (; i < len && text[i] != ',' && text[i] != '\n'; i++) {
            if (text[i] == '"' || text[i] == '\r')
                fail("a quote or CR in a bare field");
            out[n++] = text[i];
        }
        if (n && (out[0] == ' ' || out[0] == '\t' || out[n - 1] == ' ' || out[n - 1] == '\t'))
            fail("a bare field with a leading or trailing blank");
    }
    if (i >= len || (text[i] != ',' && text[i] != '\n'))
        fail("a field not followed by a comma or a line end");
    *out_len = n;
    *pos = i + 1;
    return text[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t per_row = (size_t)(data[0] % 8) + 1;
    span *fields = malloc(MAX_FIELDS * sizeof *fields);
    size_t n = 0;
    const uint8_t *p = data + 1, *end = data + size;
    while (n < MAX_FIELDS) {
        const uint8_t *sep = memchr(p, 0xFF, (size_t)(end - p));
        fields[n++] = (span){p, sep ? (size_t)(sep - p) : (size_t)(end - p)};
        if (!sep)
            break;
        p = sep + 1;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        fail("open_memstream");
    csv_writer w;
    csv_init(&w, f);
    for (size_t i = 0; i < n; i++) {
        csv_field_n(&w, (const char *)fields[i].p, fields[i].n);
        if ((i + 1) % per_row == 0 || i + 1 == n)
            csv_end_row(&w);
    }
    if (fclose(f) != 0)
        fail("fclose");

    char *back = malloc(len + 1);
    size_t pos = 0, i = 0, in_row = 0;
    while (pos < len) {
        size_t got;
        int after = read_field(text, len, &pos, back, &got);
        if (i >= n)
            fail("more fields read than written");
        if (got != fields[i].n || memcmp(back, fields[i].p, got) != 0)
            fail("a field came back changed");
        i++;
        in_row++;
        size_t want = i == n && n % per_row ? n % per_row : per_row;
        if (after == '\n') {
            if (in_row != want)
                fail("a row came back with another number of fields");
            in_row = 0;
        } else if (in_row == want) {
            fail("a row did not end where it was ended");
        }
    }
    if (i != n || in_row != 0)
        fail("fewer fields read than written");
    free(back);
    free(text);
    free(fields);
    return 0;
}
