/* Validation of one standard v1 line: shared by files and score_panel_add. */
#ifndef SCORE_SIGNALS_VALIDATE_H
#define SCORE_SIGNALS_VALIDATE_H

#include "signals.h"

#define SC_N_COLUMNS 5
enum { COL_USCC, COL_SOURCE, COL_FIELD, COL_PERIOD, COL_VALUE };
extern const char *const sc_column_names[SC_N_COLUMNS];

/* 0 when the USCC is well formed, else -1 with the problem described. */
int sc_check_uscc(sc_text uscc, sc_problem *problem);

/* The field id, or -1 (unknown: problem says which of source or field). */
int sc_check_field(sc_text source, sc_text field, sc_problem *problem);

/* Period and value of a known field: 0 and the stored forms, or -1. */
int sc_check_period(int field, sc_text period, uint16_t *stored, sc_problem *problem);
int sc_check_value(int field, sc_text value, double *stored, sc_problem *problem);

/* The CSV structure of one standard v1 line: exactly five columns; quoted fields are unescaped into `scratch`, which must
 * hold `len` bytes. Returns 0, or -1 with the problem described. */
int sc_csv_split(const char *line, size_t len, sc_text fields[SC_N_COLUMNS],
                 char *scratch, sc_problem *problem);

#endif
