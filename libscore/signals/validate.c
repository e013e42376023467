#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

static void quoted(sc_str *s, sc_text t)
{
    sc_str_puts(s, "\"");
    sc_str_quote(s, t.p, t.len, 48);
    sc_str_puts(s, "\"");
}

static int fail(sc_problem *problem, int column)
{
    problem->column = column;
    return -1;
}

/* ---- uscc ------------------------------------------------------------ */

int sc_check_uscc(sc_text uscc, sc_problem *problem)
{
    sc_str *m = &problem->message;
    if (uscc.len != 18) {
        sc_str_printf(m, "expected an 18-character Unified Social Credit Code, got %zu characters ",
                      uscc.len);
        quoted(m, uscc);
        return fail(problem, COL_USCC + 1);
    }
    for (size_t i = 0; i < 18; i++) {
        unsigned char c = (unsigned char)uscc.p[i];
        if (sc_uscc_value(c) >= 0)
            continue;
        if (c >= 'a' && c <= 'z')
            sc_str_printf(m, "character %zu '%c' is lower case; codes are upper case ", i + 1, c);
        else
            sc_str_printf(m, "character %zu is not one of 0-9 A-Y without I O S V Z ", i + 1);
        quoted(m, uscc);
        return fail(problem, COL_USCC + 1);
    }
    int expected = sc_uscc_check_char(uscc.p);
    if (expected != uscc.p[17]) {
        sc_str_printf(m, "check character is '%c', expected '%c' ", uscc.p[17], expected);
        quoted(m, uscc);
        return fail(problem, COL_USCC + 1);
    }
    return 0;
}

/* ---- source and field ------------------------------------------------ */

int sc_check_field(sc_text source, sc_text field, sc_problem *problem)
{
    int id = sc_field_lookup(source.p, source.len, field.p, field.len);
    if (id >= 0)
        return id;
    if (sc_source_lookup(source.p, source.len) < 0) {
        sc_str_puts(&problem->message, "unknown source ");
        quoted(&problem->message, source);
        sc_str_puts(&problem->message, "; line skipped");
        fail(problem, COL_SOURCE + 1);
    } else {
        sc_str_puts(&problem->message, "unknown field ");
        quoted(&problem->message, field);
        sc_str_printf(&problem->message, " of source %.*s; line skipped",
                      (int)source.len, source.p);
        fail(problem, COL_FIELD + 1);
    }
    return -1;
}

/* ---- period ---------------------------------------------------------- */

static int all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

static int parse_int(const char *p, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

int sc_check_period(int field, sc_text period, uint16_t *stored, sc_problem *problem)
{
    const sc_field_info *info = &sc_fields[field];
    sc_str *m = &problem->message;
    int month;
    switch (info->period) {
    case PERIOD_NONE:
        if (period.len == 0) {
            *stored = 0;
            return 0;
        }
        sc_str_printf(m, "%s:%s is a profile field without a period: expected empty, got ",
                      info->source_name, info->field_name);
        break;
    case PERIOD_MONTH:
        if (sc_month_parse(period.p, period.len, &month) == 0) {
            *stored = SC_PERIOD_OF_MONTH(month);
            return 0;
        }
        sc_str_printf(m, "%s:%s is monthly: expected YYYY-MM (years %d..%d), got ",
                      info->source_name, info->field_name, SC_YEAR_MIN, SC_YEAR_MAX);
        break;
    case PERIOD_YEAR:
        if (period.len == 4 && all_digits(period.p, 4)) {
            int year = parse_int(period.p, 4);
            if (year >= SC_YEAR_MIN && year <= SC_YEAR_MAX) {
                *stored = SC_PERIOD_OF_MONTH(SC_MONTH(year, 12));
                return 0;
            }
        }
        sc_str_printf(m, "%s:%s is annual: expected YYYY (years %d..%d), got ",
                      info->source_name, info->field_name, SC_YEAR_MIN, SC_YEAR_MAX);
        break;
    }
    quoted(m, period);
    return fail(problem, COL_PERIOD + 1);
}

/* ---- numbers --------------------------------------------------------- */

static const double exact_powers[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Whether t matches [+-]digits[.digits][e[+-]digits]. */
static int decimal_grammar(sc_text t)
{
    size_t i = 0, n = t.len;
    if (i < n && (t.p[i] == '+' || t.p[i] == '-'))
        i++;
    size_t start = i;
    while (i < n && t.p[i] >= '0' && t.p[i] <= '9')
        i++;
    if (i == start)
        return 0;
    if (i < n && t.p[i] == '.') {
        start = ++i;
        while (i < n && t.p[i] >= '0' && t.p[i] <= '9')
            i++;
        if (i == start)
            return 0;
    }
    if (i < n && t.p[i] == 'e') {
        i++;
        if (i < n && (t.p[i] == '+' || t.p[i] == '-'))
            i++;
        start = i;
        while (i < n && t.p[i] >= '0' && t.p[i] <= '9')
            i++;
        if (i == start)
            return 0;
    }
    return i == n;
}

/* Exact when the digits fit 2^53 and the power of ten is exact (Clinger's
 * fast path); otherwise strtod in the C locale, correctly rounded. */
static int decimal_value(sc_text t, double *out)
{
    size_t i = 0;
    int negative = 0;
    if (t.p[0] == '+' || t.p[0] == '-')
        negative = t.p[i++] == '-';
    uint64_t mantissa = 0;
    int digits = 0, scale = 0;
    for (; i < t.len && t.p[i] != '.' && t.p[i] != 'e'; i++) {
        if (digits < 19 && (mantissa || t.p[i] != '0')) {
            mantissa = mantissa * 10 + (uint64_t)(t.p[i] - '0');
            digits++;
        } else if (mantissa) {
            digits = 99; /* too many digits for the fast path */
        }
    }
    if (i < t.len && t.p[i] == '.')
        for (i++; i < t.len && t.p[i] != 'e'; i++) {
            if (digits < 19 && (mantissa || t.p[i] != '0')) {
                mantissa = mantissa * 10 + (uint64_t)(t.p[i] - '0');
                digits++;
            } else if (mantissa) {
                digits = 99;
            }
            scale--;
        }
    int exponent_digits = 0, exponent = 0, exponent_negative = 0;
    if (i < t.len && t.p[i] == 'e') {
        i++;
        if (t.p[i] == '+' || t.p[i] == '-')
            exponent_negative = t.p[i++] == '-';
        for (; i < t.len; i++, exponent_digits++)
            if (exponent < 100000)
                exponent = exponent * 10 + (t.p[i] - '0');
    }
    int power = scale + (exponent_negative ? -exponent : exponent);
    if (digits <= 19 && mantissa <= (UINT64_C(1) << 53) && power >= -22 && power <= 22) {
        double v = (double)mantissa;
        v = power < 0 ? v / exact_powers[-power] : v * exact_powers[power];
        *out = negative ? -v : v;
        return 0;
    }
    if (mantissa == 0 && digits == 0) {
        *out = negative ? -0.0 : 0.0;
        return 0;
    }
    char small[128];
    char *copy = t.len < sizeof small ? small : sc_malloc(t.len + 1);
    if (!copy)
        return SCORE_ENOMEM;
    memcpy(copy, t.p, t.len);
    copy[t.len] = '\0';
    errno = 0;
    double v = sc_strtod(copy, NULL);
    int overflow = isinf(v);
    if (copy != small)
        sc_free(copy);
    if (overflow)
        return -1;
    *out = v;
    return 0;
}

/* ---- codes ----------------------------------------------------------- */

/* GB/T 4754-2017: the divisions of each section A..T. */
static const unsigned char section_first[20] = {1, 6, 13, 44, 47, 51, 53, 61, 63, 66,
                                                70, 71, 73, 76, 80, 83, 84, 86, 91, 97};
static const unsigned char section_last[20] = {5, 12, 43, 46, 50, 52, 60, 62, 65, 69,
                                               70, 72, 75, 79, 82, 83, 85, 90, 96, 97};

static int industry_code(sc_text t, double *out)
{
    if (t.len < 3 || t.len > 5 || t.p[0] < 'A' || t.p[0] > 'T' || !all_digits(t.p + 1, t.len - 1))
        return -1;
    int section = t.p[0] - 'A';
    int division = parse_int(t.p + 1, 2);
    if (division < section_first[section] || division > section_last[section])
        return -2;
    *out = (section + 1) * 100000.0 + (double)(t.len - 1) * 10000.0 + parse_int(t.p + 1, t.len - 1);
    return 0;
}

static int date_code(sc_text t, double *out)
{
    static const int days_in_month[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (t.len != 10 || t.p[4] != '-' || t.p[7] != '-' || !all_digits(t.p, 4) ||
        !all_digits(t.p + 5, 2) || !all_digits(t.p + 8, 2))
        return -1;
    int year = parse_int(t.p, 4), month = parse_int(t.p + 5, 2), day = parse_int(t.p + 8, 2);
    if (year < SC_YEAR_MIN || year > SC_YEAR_MAX || month < 1 || month > 12)
        return -2;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int last = days_in_month[month - 1] + (month == 2 && leap);
    if (day < 1 || day > last)
        return -2;
    *out = year * 10000.0 + month * 100.0 + day;
    return 0;
}

/* GB/T 2260: provinces 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82. */
static int region_code(sc_text t, double *out)
{
    if (t.len != 6 || !all_digits(t.p, 6))
        return -1;
    int province = parse_int(t.p, 2);
    int ok = (province >= 11 && province <= 15) || (province >= 21 && province <= 23) ||
             (province >= 31 && province <= 37) || (province >= 41 && province <= 46) ||
             (province >= 50 && province <= 54) || (province >= 61 && province <= 65) ||
             province == 71 || province == 81 || province == 82;
    if (!ok)
        return -2;
    *out = parse_int(t.p, 6);
    return 0;
}

static int rating_code(sc_text t, double *out)
{
    static const char ratings[] = "ABMCD";
    if (t.len != 1)
        return -1;
    const char *r = memchr(ratings, t.p[0], 5);
    if (!r || !t.p[0])
        return -1;
    *out = (double)(r - ratings + 1);
    return 0;
}

static int check_code(const sc_field_info *info, sc_text t, double *out, sc_problem *problem)
{
    sc_str *m = &problem->message;
    int rc;
    switch (info->value) {
    case VALUE_INDUSTRY:
        rc = industry_code(t, out);
        if (rc == 0)
            return 0;
        sc_str_puts(m, rc == -2 ? "industry code's division does not belong to its section "
                                  "(GB/T 4754-2017), got "
                                : "expected a GB/T 4754-2017 industry code, a section letter "
                                  "A-T and 2 to 4 digits (C3971), got ");
        break;
    case VALUE_DATE:
        rc = date_code(t, out);
        if (rc == 0)
            return 0;
        sc_str_puts(m, rc == -2 ? "not a real date: " : "expected a date YYYY-MM-DD, got ");
        break;
    case VALUE_REGION:
        rc = region_code(t, out);
        if (rc == 0)
            return 0;
        sc_str_puts(m, rc == -2 ? "no province of GB/T 2260 has this region code's first two digits: "
                                : "expected a 6-digit administrative division code, got ");
        break;
    default:
        if (rating_code(t, out) == 0)
            return 0;
        sc_str_puts(m, "expected a tax credit rating A, B, M, C or D, got ");
        break;
    }
    quoted(m, t);
    return fail(problem, COL_VALUE + 1);
}

static int check_range(const sc_field_info *info, double v, sc_text t, sc_problem *problem)
{
    const char *rule = NULL;
    switch (info->value) {
    case VALUE_AMOUNT:
        if (v < 0)
            rule = "must be >= 0";
        break;
    case VALUE_COUNT:
        if (v < 0 || v != floor(v))
            rule = "must be a whole number >= 0";
        break;
    case VALUE_SHARE:
        if (v < 0 || v > 1)
            rule = "must lie in 0..1";
        break;
    case VALUE_FLAG:
        if (v != 0 && v != 1)
            rule = "must be 0 or 1";
        break;
    default:
        break;
    }
    if (!rule)
        return 0;
    sc_str_printf(&problem->message, "%s:%s %s, got ", info->source_name, info->field_name, rule);
    quoted(&problem->message, t);
    return fail(problem, COL_VALUE + 1);
}

int sc_check_value(int field, sc_text value, double *stored, sc_problem *problem)
{
    const sc_field_info *info = &sc_fields[field];
    if (value.len == 0) {
        *stored = NAN;
        return 0;
    }
    if (info->value <= VALUE_RATING)
        return check_code(info, value, stored, problem);
    if (!decimal_grammar(value)) {
        sc_str_puts(&problem->message,
                    "expected a decimal number [+-]digits[.digits][e[+-]digits], got ");
        quoted(&problem->message, value);
        return fail(problem, COL_VALUE + 1);
    }
    double v;
    int rc = decimal_value(value, &v);
    if (rc == SCORE_ENOMEM)
        return rc;
    if (rc != 0) {
        sc_str_puts(&problem->message, "number overflows a double: ");
        quoted(&problem->message, value);
        return fail(problem, COL_VALUE + 1);
    }
    if (check_range(info, v, value, problem) != 0)
        return -1;
    *stored = v;
    return 0;
}
