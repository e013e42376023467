/*
 * The one CSV writer of the score program (RFC 4180). A field is quoted
 * when it holds a comma, a double quote, a CR or LF, or starts or ends with
 * a space or tab (which many readers would trim); a quote inside is doubled.
 * Every other field is written as it is, so an empty field stays empty
 * (a missing value) and numbers stay bare. Rows end with "\n".
 *
 * It depends on nothing but stdio, so the fuzz target compiles it alone
 * (tests/fuzz/fuzz_csv_writer.c reads every row back).
 */
#ifndef SCORE_CLI_CSV_H
#define SCORE_CLI_CSV_H

#include <stddef.h>
#include <stdio.h>

typedef struct csv_writer {
    FILE *file;
    size_t fields;   /* fields written in the current row */
    int last_empty;  /* the last field written was empty and bare */
} csv_writer;

void csv_init(csv_writer *w, FILE *file);
/* One field of `len` bytes (any bytes). */
void csv_field_n(csv_writer *w, const char *text, size_t len);
/* One NUL-terminated field; NULL is an empty field. */
void csv_field(csv_writer *w, const char *text);
/* End the row. A row of one empty field is written as "" so that it is not
 * read as a blank line. */
void csv_end_row(csv_writer *w);
/* Whether `len` bytes need quotes. */
int csv_needs_quotes(const char *text, size_t len);

#endif
