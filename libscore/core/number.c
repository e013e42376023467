#define _GNU_SOURCE /* strtod_l */
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Every number the library reads or writes is in the C locale: a host that
 * called setlocale(LC_ALL, "") for de_DE must still get "0.02", never
 * "0,02", and must still be able to read what the library wrote. The locale
 * object is made once; uselocale() switches only the calling thread. */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static locale_t the_c_locale(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    return c_locale;
}

int sc_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    locale_t c = the_c_locale();
    if (!c)
        return vsnprintf(buf, size, fmt, ap);
    locale_t old = uselocale(c);
    int n = vsnprintf(buf, size, fmt, ap);
    uselocale(old);
    return n;
}

int sc_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = sc_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

double sc_strtod(const char *text, char **end)
{
    locale_t c = the_c_locale();
    return c ? strtod_l(text, end, c) : strtod(text, end);
}

size_t sc_format_double(char out[SC_NUMBER_MAX], double v)
{
    if (isnan(v))
        return (size_t)sc_snprintf(out, SC_NUMBER_MAX, "nan");
    for (int digits = 15; digits <= 17; digits++) {
        int n = sc_snprintf(out, SC_NUMBER_MAX, "%.*g", digits, v);
        if (digits == 17 || sc_strtod(out, NULL) == v)
            return (size_t)n;
    }
    return strlen(out);
}

void sc_str_number(sc_str *s, double v)
{
    if (!isfinite(v)) {
        sc_str_puts(s, "null");
        return;
    }
    char text[SC_NUMBER_MAX];
    size_t n = sc_format_double(text, v);
    sc_str_append(s, text, n);
}

void sc_str_number_g(sc_str *s, double v, int digits)
{
    if (!isfinite(v))
        sc_str_puts(s, "null");
    else
        sc_str_printf(s, "%.*g", digits, v);
}

void sc_str_number_f(sc_str *s, double v, int decimals)
{
    if (!isfinite(v))
        sc_str_puts(s, "null");
    else
        sc_str_printf(s, "%.*f", decimals, v);
}

void sc_str_key(sc_str *s, const char *separator, const char *key)
{
    if (separator)
        sc_str_puts(s, separator);
    sc_str_json(s, key);
    sc_str_puts(s, ": ");
}
