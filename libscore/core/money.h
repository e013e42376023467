/*
 * Money as integer fen (1 yuan = 100 fen), exactly: parsed from decimal text
 * without passing through floating point, and split without losing a fen.
 */
#ifndef SCORE_CORE_MONEY_H
#define SCORE_CORE_MONEY_H

#include <stdint.h>

#include "core.h"

/* The largest amount the library accepts: 10^15 yuan, far above any ledger
 * and well inside int64 fen and the exact range of a double. */
#define SC_MONEY_MAX_FEN INT64_C(100000000000000000)

/* Parse yuan written [-]digits[.d[d]] ("1200", "1200.5", "1200.50") into fen.
 * 0, or -1 when the text is not such an amount or is out of range. */
int sc_money_parse(const char *text, size_t len, int64_t *fen);

/* Yuan as a double (for JSON numbers) into fen; -1 unless it has at most two
 * decimals (within 1e-6 of a whole fen) and is within the range. */
int sc_money_from_yuan(double yuan, int64_t *fen);

/* Write fen as yuan with two decimals ("-12.05") into out (32 bytes). */
void sc_money_format(int64_t fen, char out[32]);

/* Split `total` fen into n parts in proportion to `weights` (>= 0, not all
 * zero) by largest remainder: the parts add up to total exactly. Ties in the
 * remainder go to the lower `order` key (e.g. the rank of a USCC), then the
 * lower index. `order` may be NULL. SCORE_EINVAL on bad weights. */
int sc_money_split(int64_t total, const double *weights, const uint32_t *order, size_t n,
                   int64_t *parts);

#endif
