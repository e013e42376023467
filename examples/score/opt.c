/* The option tables' parser and the help made from them (cli.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char common_exit_status[] =
    "exit status: 0 done; 1 usage error; 2 an input could not be used (nothing\n"
    "             written); 3 done, but some input lines were rejected\n";

const cli_option *cli_find(const cli_spec *spec, const char *name)
{
    for (const cli_option *o = spec->options; o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    return NULL;
}

int cli_given(const cli_spec *spec, const char *name)
{
    const cli_option *o = cli_find(spec, name);
    return o && o->given;
}

/* ---- help ------------------------------------------------------------------ */

static int takes_value(const cli_option *o)
{
    return o->kind != CLI_FLAG;
}

/* "1..16", "0.000001..1", "1 or more" */
static void format_range(const cli_option *o, char *out, size_t size)
{
    char lo[32], hi[32];
    cli_format_number(lo, o->min, 15);
    cli_format_number(hi, o->max, 15);
    if (o->kind == CLI_U64 && o->max == 0)
        snprintf(out, size, "%s..18446744073709551615", lo);
    else
        snprintf(out, size, "%s..%s", lo, hi);
}

static void print_synopsis(const cli_spec *spec, FILE *out)
{
    if (spec->synopsis) {
        fprintf(out, "usage: %s\n", spec->synopsis);
        return;
    }
    fprintf(out, "usage: score %s", spec->command);
    for (const cli_option *o = spec->options; o->name; o++) {
        int required = (o->flags & CLI_REQUIRED) != 0;
        fprintf(out, " %s--%s%s%s%s%s", required ? "" : "[", o->name, takes_value(o) ? " " : "",
                takes_value(o) ? o->meta : "", o->flags & CLI_REPEAT ? " ..." : "",
                required ? "" : "]");
    }
    fputc('\n', out);
}

void cli_print_help(const cli_spec *spec, FILE *out)
{
    print_synopsis(spec, out);
    if (spec->about)
        fprintf(out, "\n%s", spec->about);
    fputs("\noptions:\n", out);
    for (const cli_option *o = spec->options; o->name; o++) {
        char head[64], range[80] = "";
        snprintf(head, sizeof head, "--%s%s%s", o->name, takes_value(o) ? " " : "",
                 takes_value(o) ? o->meta : "");
        if (o->kind == CLI_INT || o->kind == CLI_U64 || o->kind == CLI_REAL)
            format_range(o, range, sizeof range);
        fprintf(out, "  %-20s", head);
        if (strlen(head) > 20)
            fprintf(out, "\n  %-20s", "");
        for (const char *p = o->help; *p; p++) {
            fputc(*p, out);
            if (*p == '\n')
                fprintf(out, "  %-20s", "");
        }
        if (*range)
            fprintf(out, " (%s)", range);
        if (o->flags & CLI_REPEAT)
            fputs(" [repeatable]", out);
        fputc('\n', out);
    }
    fputs("  --help              this help\n\n", out);
    fputs(spec->exit_status ? spec->exit_status : common_exit_status, out);
}

/* ---- values --------------------------------------------------------------- */

static int range_error(const cli_spec *spec, const cli_option *o, const char *what,
                       const char *text)
{
    char range[80];
    format_range(o, range, sizeof range);
    return cli_usage_error(spec->command, "--%s takes %s in %s, got '%s'", o->name, what, range,
                           text);
}

/* A whole number, digits only (no sign, no spaces, no hex). */
static int parse_whole(const char *text, unsigned long long *out)
{
    if (!*text || strspn(text, "0123456789") != strlen(text))
        return -1;
    errno = 0;
    *out = strtoull(text, NULL, 10);
    return errno ? -1 : 0;
}

/* A decimal number: digits with at most one '.', an optional exponent.
 * The CLI runs with LC_NUMERIC "C" (main), so strtod reads '.' whatever
 * the user's locale. */
static int parse_real(const char *text, double *out)
{
    if (!*text || strspn(text, "0123456789.eE+-") != strlen(text))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (*end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int store(const cli_spec *spec, cli_option *o, const char *text)
{
    unsigned long long whole;
    double real;
    switch (o->kind) {
    case CLI_FLAG:
        *(int *)o->value = 1;
        return 0;
    case CLI_MONTH:
        if (!cli_is_month(text))
            return cli_usage_error(spec->command,
                                   "--%s takes a month YYYY-MM (years %d..%d), got '%s'", o->name,
                                   CLI_YEAR_MIN, CLI_YEAR_MAX, text);
        *(const char **)o->value = text;
        return 0;
    case CLI_INT:
        if (parse_whole(text, &whole) || (double)whole < o->min || (double)whole > o->max)
            return range_error(spec, o, "a whole number", text);
        *(int *)o->value = (int)whole;
        return 0;
    case CLI_U64:
        if (parse_whole(text, &whole) || (double)whole < o->min ||
            (o->max != 0 && (double)whole > o->max))
            return range_error(spec, o, "a whole number", text);
        *(uint64_t *)o->value = whole;
        return 0;
    case CLI_REAL:
        if (parse_real(text, &real) || real < o->min || real > o->max)
            return range_error(spec, o, "a number", text);
        *(double *)o->value = real;
        return 0;
    case CLI_IN:
        if (!strcmp(text, "-") && !(o->flags & CLI_OWN_STDIN))
            text = "/dev/stdin";
        /* fall through */
    case CLI_TEXT:
    case CLI_OUT:
    case CLI_DIR:
        if (!*text)
            return cli_usage_error(spec->command, "--%s: an empty value", o->name);
        if (o->flags & CLI_REPEAT) {
            cli_list *list = o->value;
            if (list->n == CLI_MAX_FILES)
                return cli_usage_error(spec->command, "--%s given more than %d times", o->name,
                                       CLI_MAX_FILES);
            list->items[list->n++] = text;
        } else {
            *(const char **)o->value = text;
        }
        return 0;
    }
    return cli_usage_error(spec->command, "--%s: unknown kind of option", o->name);
}

/* ---- inputs and outputs ------------------------------------------------------ */

typedef struct named_path {
    const char *option, *path;
} named_path;

/* Every value of the options of one kind, "-" and /dev/stdin kept. */
static size_t collect(const cli_spec *spec, cli_kind kind, named_path *out, size_t cap)
{
    size_t n = 0;
    for (const cli_option *o = spec->options; o->name; o++) {
        if (o->kind != kind || !o->given)
            continue;
        if (o->flags & CLI_REPEAT) {
            const cli_list *list = o->value;
            for (int i = 0; i < list->n && n < cap; i++)
                out[n++] = (named_path){o->name, list->items[i]};
        } else if (n < cap) {
            out[n++] = (named_path){o->name, *(const char **)o->value};
        }
    }
    return n;
}

static int is_stdin(const char *path)
{
    return !strcmp(path, "-") || !strcmp(path, "/dev/stdin");
}

/* Refuse, before anything is read: stdin twice, and an output that is one
 * of the inputs (stat follows links, so a link or a second name of the
 * input is caught too). */
static int check_files(const cli_spec *spec)
{
    named_path in[CLI_MAX_FILES + 16], out[16];
    size_t n_in = collect(spec, CLI_IN, in, sizeof in / sizeof in[0]);
    size_t n_out = collect(spec, CLI_OUT, out, sizeof out / sizeof out[0]);
    const char *first_stdin = NULL;
    for (size_t i = 0; i < n_in; i++) {
        if (!is_stdin(in[i].path))
            continue;
        if (first_stdin)
            return cli_usage_error(spec->command, "standard input given twice (--%s and --%s)",
                                   first_stdin, in[i].option);
        first_stdin = in[i].option;
    }
    for (size_t j = 0; j < n_out; j++) {
        struct stat so, si;
        if (!strcmp(out[j].path, "-") || stat(out[j].path, &so) != 0)
            continue;
        if (!S_ISREG(so.st_mode))
            continue; /* a FIFO or device is written in place, never replaced */
        for (size_t i = 0; i < n_in; i++)
            if (stat(in[i].path, &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
                return cli_usage_error(spec->command,
                                       "--%s %s is the same file as --%s %s; refusing to "
                                       "overwrite an input", out[j].option, out[j].path,
                                       in[i].option, in[i].path);
    }
    return CLI_GO_ON;
}

/* ---- the parser -------------------------------------------------------------- */

static cli_option *lookup(const cli_spec *spec, const char *name, size_t len)
{
    for (cli_option *o = spec->options; o->name; o++)
        if (strlen(o->name) == len && !strncmp(o->name, name, len))
            return o;
    return NULL;
}

int cli_parse(const cli_spec *spec, int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            cli_print_help(spec, stdout);
            return EXIT_DONE;
        }
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || !arg[2])
            return cli_usage_error(spec->command, "unexpected argument '%s'", arg);
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        cli_option *o = lookup(spec, name, len);
        if (!o)
            return cli_usage_error(spec->command, "unknown option '--%.*s'", (int)len, name);
        if (o->given && !(o->flags & CLI_REPEAT))
            return cli_usage_error(spec->command, "--%s given twice", o->name);
        o->given++;
        const char *value = NULL;
        if (!takes_value(o)) {
            if (eq)
                return cli_usage_error(spec->command, "--%s takes no value", o->name);
        } else if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return cli_usage_error(spec->command, "--%s needs a value (%s)", o->name, o->meta);
        }
        if (store(spec, o, value) != 0)
            return EXIT_USAGE;
    }
    for (const cli_option *o = spec->options; o->name; o++)
        if ((o->flags & CLI_REQUIRED) && !o->given)
            return cli_usage_error(spec->command, "--%s %s is required", o->name,
                                   takes_value(o) ? o->meta : "");
    return check_files(spec);
}
