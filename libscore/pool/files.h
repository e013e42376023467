/* The pool's CSV files: events (type,uscc,amount,pd[,event_id][,dishonest])
 * and members (uscc,pd,ead,lgd). Plain CSV without quoting: none of these
 * fields ever needs a comma or a quote. Internal to the pool module. */
#ifndef SCORE_POOL_FILES_H
#define SCORE_POOL_FILES_H

#include "pool.h"

/* A whole file in memory, handed out line by line. */
typedef struct sc_lines {
    char *data;
    size_t size, pos;
    uint64_t line;      /* the number of the line last handed out */
} sc_lines;

/* Read a file (at most 1 GiB; a UTF-8 byte order mark is skipped).
 * SCORE_EIO, SCORE_ELIMIT, SCORE_ENOMEM. */
int sc_lines_read(const char *path, sc_lines *f);
/* The next line that is not blank, without its line end: 1, or 0 at the end. */
int sc_lines_next(sc_lines *f, const char **text, size_t *len);
void sc_lines_free(sc_lines *f);

enum { EV_TYPE, EV_USCC, EV_AMOUNT, EV_PD, EV_ID, EV_DISHONEST, EV_COLUMNS };

typedef struct sc_event_columns {
    int at[EV_COLUMNS];   /* the 0-based position of each column, or -1 */
    size_t n;             /* the number of columns in the file */
} sc_event_columns;

/* The header line of an events file; SCORE_EFORMAT naming what is wrong. */
int sc_events_header(const char *path, uint64_t line, const char *text, size_t len,
                     sc_event_columns *columns);
/* One line of an events file as an event. SCORE_EREJECTED with the
 * problem as the message and *column / *column_name set (0 / "" for the
 * whole line). */
int sc_events_line(const sc_event_columns *columns, const char *text, size_t len,
                   sc_pool_event *ev, int *column, const char **column_name);

#endif
