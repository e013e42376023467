#include <stdio.h>
#include <string.h>

#include "core.h"

static int digits(const char *p, size_t n, int *value)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    *value = v;
    return 0;
}

int sc_month_parse(const char *text, size_t len, int *month)
{
    int year, mon;
    if (len != 7 || text[4] != '-' || digits(text, 4, &year) || digits(text + 5, 2, &mon))
        return -1;
    if (year < SC_YEAR_MIN || year > SC_YEAR_MAX || mon < 1 || mon > 12)
        return -1;
    *month = SC_MONTH(year, mon);
    return 0;
}

int sc_month_arg(const char *text, const char *what, int *month)
{
    if (!text)
        return sc_error(SCORE_EINVAL, "%s: expected a month YYYY-MM, got NULL", what);
    if (sc_month_parse(text, strlen(text), month) != 0)
        return sc_error(SCORE_EINVAL, "%s: expected a month YYYY-MM (years %d..%d), got \"%.20s\"",
                        what, SC_YEAR_MIN, SC_YEAR_MAX, text);
    return SCORE_OK;
}

void sc_month_format(int month, char out[8])
{
    unsigned year = (unsigned)SC_MONTH_YEAR(month) % 10000u;
    unsigned mon = (unsigned)SC_MONTH_OF_YEAR(month) % 100u;
    sc_snprintf(out, 8, "%04u-%02u", year, mon);
}

int sc_month_yyyymm(int month)
{
    return SC_MONTH_YEAR(month) * 100 + SC_MONTH_OF_YEAR(month);
}
