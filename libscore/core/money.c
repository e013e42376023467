#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

int sc_money_parse(const char *text, size_t len, int64_t *fen)
{
    size_t i = 0;
    int negative = 0;
    if (i < len && text[i] == '-') {
        negative = 1;
        i++;
    }
    size_t start = i;
    int64_t yuan = 0;
    for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
        if (yuan > SC_MONEY_MAX_FEN / 1000)
            return -1;
        yuan = yuan * 10 + (text[i] - '0');
    }
    if (i == start)
        return -1;
    int64_t cents = 0;
    if (i < len && text[i] == '.') {
        size_t decimals = 0;
        for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++, decimals++) {
            if (decimals >= 2)
                return -1;
            cents = cents * 10 + (text[i] - '0');
        }
        if (decimals == 0)
            return -1;
        if (decimals == 1)
            cents *= 10;
    }
    if (i != len)
        return -1;
    int64_t v = yuan * 100 + cents;
    if (v > SC_MONEY_MAX_FEN)
        return -1;
    *fen = negative ? -v : v;
    return 0;
}

int sc_money_from_yuan(double yuan, int64_t *fen)
{
    if (!isfinite(yuan) || fabs(yuan) > (double)(SC_MONEY_MAX_FEN / 100))
        return -1;
    double scaled = yuan * 100.0;
    double whole = nearbyint(scaled);
    if (fabs(scaled - whole) > 1e-6 * fmax(1.0, fabs(scaled)) && fabs(scaled - whole) > 1e-6)
        return -1;
    *fen = (int64_t)whole;
    return 0;
}

void sc_money_format(int64_t fen, char out[32])
{
    uint64_t magnitude = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    sc_snprintf(out, 32, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(magnitude / 100),
             (unsigned long long)(magnitude % 100));
}

typedef struct remainder_rank {
    double remainder;
    uint32_t order;
    uint32_t index;
} remainder_rank;

static int by_remainder(const void *a, const void *b)
{
    const remainder_rank *x = a, *y = b;
    if (x->remainder != y->remainder)
        return x->remainder > y->remainder ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

int sc_money_split(int64_t total, const double *weights, const uint32_t *order, size_t n,
                   int64_t *parts)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(weights[i] >= 0) || !isfinite(weights[i]))
            return sc_error(SCORE_EINVAL, "split weights must be finite and >= 0");
        sum += weights[i];
    }
    if (n == 0 || !(sum > 0))
        return sc_error(SCORE_EINVAL, "split weights must not all be zero");
    remainder_rank *ranks = sc_malloc_array(n, sizeof *ranks);
    if (!ranks)
        return sc_error(SCORE_ENOMEM, "out of memory splitting an amount");
    int64_t magnitude = total < 0 ? -total : total, given = 0;
    for (size_t i = 0; i < n; i++) {
        /* long double keeps fen exact for any amount the library accepts */
        long double exact = (long double)magnitude * weights[i] / sum;
        int64_t floor_part = (int64_t)floorl(exact);
        parts[i] = floor_part;
        given += floor_part;
        ranks[i] = (remainder_rank){(double)(exact - floor_part), order ? order[i] : 0, (uint32_t)i};
    }
    qsort(ranks, n, sizeof *ranks, by_remainder);
    /* rounding of the quotients can, in rare cases, put the floors one fen
     * above the total: take it back from the smallest remainders */
    for (size_t k = n; given > magnitude; k = k > 1 ? k - 1 : n) {
        if (parts[ranks[k - 1].index] > 0) {
            parts[ranks[k - 1].index]--;
            given--;
        }
    }
    for (size_t k = 0; given < magnitude; k = (k + 1) % n) {
        if (weights[ranks[k].index] > 0) {
            parts[ranks[k].index]++;
            given++;
        }
    }
    if (total < 0)
        for (size_t i = 0; i < n; i++)
            parts[i] = -parts[i];
    sc_free(ranks);
    return SCORE_OK;
}
