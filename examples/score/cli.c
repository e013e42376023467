#include <errno.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_args_init(cli_args *a, const char *command, int argc, char **argv)
{
    a->argc = argc;
    a->argv = argv;
    a->index = -1;
    a->command = command;
}

const char *cli_next(cli_args *a)
{
    a->index++;
    return a->index < a->argc ? a->argv[a->index] : NULL;
}

const char *cli_value(cli_args *a, const char *option)
{
    if (a->index + 1 >= a->argc) {
        cli_usage_error(a->command, "%s needs a value", option);
        return NULL;
    }
    return a->argv[++a->index];
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "score %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n'score %s --help' shows the usage.\n", command);
    return EXIT_USAGE;
}

int cli_parse_uint64(const char *text, unsigned long long *out)
{
    if (!text || !*text || *text == '-' || *text == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

int cli_fail(const char *command, const char *what, int status)
{
    const char *detail = score_last_error();
    fprintf(stderr, "score %s: %s: %s\n", command, what, *detail ? detail : score_strerror(status));
    return EXIT_UNUSABLE;
}

static int progress_shown;

int cli_progress(void *user, const char *stage, uint64_t done, uint64_t total)
{
    const char *what = user ? (const char *)user : "";
    if (!isatty(STDERR_FILENO))
        return 0;
    if (total)
        fprintf(stderr, "\r%s %s: %3.0f%%", stage, what, 100.0 * (double)done / (double)total);
    else
        fprintf(stderr, "\r%s %s: %llu", stage, what, (unsigned long long)done);
    progress_shown = 1;
    return 0;
}

void cli_progress_done(void)
{
    if (progress_shown)
        fprintf(stderr, "\r\033[K");
    progress_shown = 0;
}

void cli_print_diagnostic(void *user, const score_diagnostic *d)
{
    (void)user;
    cli_progress_done();
    fprintf(stderr, "%s%s\n", d->severity == SCORE_DIAG_WARNING ? "warning: " : "", d->text);
}

int cli_is_month(const char *t)
{
    if (!t || strlen(t) != 7 || t[4] != '-' || strspn(t, "0123456789") != 4 ||
        strspn(t + 5, "0123456789") != 2)
        return 0;
    int year = atoi(t), month = atoi(t + 5);
    return year >= CLI_YEAR_MIN && year <= CLI_YEAR_MAX && month >= 1 && month <= 12;
}

void cli_format_number(char out[32], double v, int digits)
{
    if (isnan(v)) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 32, "%.*g", digits, v);
    /* main sets LC_NUMERIC to "C"; this guards a caller that did not */
    const char *point = localeconv()->decimal_point;
    if (point[0] && point[0] != '.' && !point[1]) {
        char *p = strchr(out, point[0]);
        if (p)
            *p = '.';
    }
}

int cli_json_print(FILE *out, const struct json_t *value, int indent)
{
    size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) | JSON_INDENT(indent);
    if (json_dumpf((const json_t *)value, out, flags) != 0 || fputc('\n', out) == EOF)
        return -1;
    return ferror(out) ? -1 : 0;
}

int cli_load_model(const char *command, const char *path, int want, score_model **out)
{
    score_model *model;
    int rc = score_model_load(path, &model), kind;
    if (rc != SCORE_OK)
        return cli_fail(command, "cannot load the model", rc);
    score_model_input(model, &kind);
    if (kind != want) {
        score_model_free(model);
        return cli_usage_error(command, "%s is a %s model; this needs a %s model", path,
                               kind == SCORE_INPUT_SIGNALS ? "signals" : "table",
                               want == SCORE_INPUT_SIGNALS ? "signals" : "table");
    }
    *out = model;
    return EXIT_DONE;
}

int cli_read_signals(const char *command, const cli_signals *s, score_panel **out,
                     score_read_counts *counts)
{
    score_panel *panel;
    int rc = score_panel_new(&panel);
    if (rc != SCORE_OK)
        return cli_fail(command, "cannot create a panel", rc);
    memset(counts, 0, sizeof *counts);
    counts->size = sizeof *counts;
    score_read_options options;
    score_read_options_init(&options);
    options.strict = s->strict;
    options.diagnostic = cli_print_diagnostic;
    options.progress = cli_progress;
    for (int i = 0; i < s->files.n; i++) {
        options.progress_user = (void *)s->files.items[i];
        rc = score_panel_read_file(panel, s->files.items[i], &options, counts);
        cli_progress_done();
        if (rc != SCORE_OK) {
            score_panel_free(panel);
            return cli_fail(command, "input could not be used", rc);
        }
    }
    *out = panel;
    return counts->rejected ? EXIT_REJECTED : EXIT_DONE;
}

int cli_default_threads(void)
{
    unsigned n = score_cpus_available();
    return n > 256 ? 256 : (int)n;
}

int cli_attach_evidence(const char *command, const char *dir, const char *actor,
                        score_model *model, const char *model_path, score_evidence_log **log)
{
    *log = NULL;
    if (cli_evidence_open(command, dir, log) != EXIT_DONE)
        return EXIT_UNUSABLE;
    int rc = score_model_attach_evidence(model, *log, cli_evidence_actor(actor), model_path);
    if (rc != SCORE_OK) {
        cli_fail(command, dir, rc);
        score_evidence_close(*log);
        *log = NULL;
        return EXIT_UNUSABLE;
    }
    return EXIT_DONE;
}
