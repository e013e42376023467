/* A byte stream from a file or memory, plain or gzip (by magic bytes), with
 * truncation, corruption and trailing garbage reported, never ignored. */
#ifndef SCORE_SIGNALS_INPUT_H
#define SCORE_SIGNALS_INPUT_H

#include <stdio.h>
#include <zlib.h>

#include "signals.h"

typedef struct sc_input {
    const char *name;
    FILE *file;                   /* NULL for memory */
    const unsigned char *memory;
    size_t memory_size;
    unsigned char *raw;           /* compressed (or plain) bytes read ahead */
    size_t raw_cap, raw_len, raw_pos;
    uint64_t raw_consumed;        /* bytes of the source handed to the parser or zlib */
    uint64_t raw_total;           /* size of the source, 0 if unknown */
    int source_eof;
    int gzip;
    int member_open;              /* inside a gzip member */
    unsigned members;
    z_stream zs;
    int zs_ready;
} sc_input;

int sc_input_open_file(sc_input *in, const char *path);
int sc_input_open_memory(sc_input *in, const char *name, const void *data, size_t size);
/* Read up to cap bytes of content; *got = 0 means the end. Errors come
 * with score_last_error() naming the input. */
int sc_input_read(sc_input *in, unsigned char *dst, size_t cap, size_t *got);
void sc_input_close(sc_input *in);
/* For gzip: check that the rest of the stream inflates and its checksums
 * hold, without consuming it (the reader calls it before its first
 * rejected line, so that a damaged file is reported by its cause, not by
 * the garbage lines it inflates to). SCORE_OK when it holds or cannot be
 * checked (a pipe, plain text); the gzip error otherwise. */
int sc_input_verify_rest(sc_input *in);
/* About how many bytes of content the input holds: the file's size, or for
 * gzip the trailer's size of the last member, kept within 3 to 20 times the
 * compressed size. 0 when unknown. */
uint64_t sc_input_size_hint(const sc_input *in);

#endif
