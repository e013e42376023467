#include <string.h>

#include "validate.h"

const char *const sc_column_names[SC_N_COLUMNS] = {"uscc", "source", "field", "period", "value"};

static int structure_error(sc_problem *problem, int column, const char *what)
{
    problem->column = column;
    sc_str_puts(&problem->message, what);
    return -1;
}

/* A quoted field starting at line[*pos] (the opening quote). */
static int split_quoted(const char *line, size_t len, size_t *pos, sc_text *out,
                        char **scratch, int column, sc_problem *problem)
{
    size_t i = *pos + 1;
    char *dst = *scratch;
    out->p = dst;
    for (;;) {
        const char *q = memchr(line + i, '"', len - i);
        if (!q)
            return structure_error(problem, column,
                                   "quote not closed before the end of the line "
                                   "(a quoted field may not contain a line break)");
        size_t run = (size_t)(q - (line + i));
        memcpy(dst, line + i, run);
        dst += run;
        i += run + 1;
        if (i < len && line[i] == '"') {
            *dst++ = '"';
            i++;
            continue;
        }
        break;
    }
    if (i < len && line[i] != ',')
        return structure_error(problem, column,
                               "unexpected character after a closing quote; "
                               "expected a comma or the end of the line");
    out->len = (size_t)(dst - out->p);
    *scratch = dst;
    *pos = i;
    return 0;
}

int sc_csv_split_any(const char *line, size_t len, sc_text *fields, size_t max_fields,
                     size_t *count_out, char *scratch, sc_problem *problem)
{
    size_t pos = 0, count = 0;
    for (;;) {
        sc_text field;
        if (pos < len && line[pos] == '"') {
            if (split_quoted(line, len, &pos, &field, &scratch, (int)count + 1, problem) != 0)
                return -1;
        } else {
            const char *comma = memchr(line + pos, ',', len - pos);
            size_t end = comma ? (size_t)(comma - line) : len;
            if (memchr(line + pos, '"', end - pos))
                return structure_error(problem, (int)count + 1,
                                       "a quote inside an unquoted field; "
                                       "quote the whole field and double the quote");
            field.p = line + pos;
            field.len = end - pos;
            pos = end;
        }
        if (count < max_fields)
            fields[count] = field;
        count++;
        if (pos >= len)
            break;
        pos++; /* the comma */
        if (pos == len) {
            /* a trailing comma opens one more, empty, field */
            if (count < max_fields)
                fields[count] = (sc_text){line + len, 0};
            count++;
            break;
        }
    }
    *count_out = count;
    return 0;
}

int sc_csv_split(const char *line, size_t len, sc_text fields[SC_N_COLUMNS], char *scratch,
                 sc_problem *problem)
{
    size_t count;
    if (sc_csv_split_any(line, len, fields, SC_N_COLUMNS, &count, scratch, problem) != 0)
        return -1;
    if (count != SC_N_COLUMNS) {
        problem->column = count < SC_N_COLUMNS ? (int)count + 1 : SC_N_COLUMNS + 1;
        sc_str_printf(&problem->message,
                      "expected 5 columns (uscc,source,field,period,value), found %zu", count);
        return -1;
    }
    return 0;
}
