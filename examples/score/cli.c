#include <errno.h>
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

int cli_signals_option(cli_args *a, const char *opt, cli_signals *s)
{
    if (!strcmp(opt, "--strict")) {
        s->strict = 1;
        return 1;
    }
    if (strcmp(opt, "--signals") != 0)
        return 0;
    const char *v = cli_value(a, opt);
    if (!v)
        return -1;
    if (s->n_files == CLI_MAX_FILES) {
        cli_usage_error(a->command, "at most %d --signals files", CLI_MAX_FILES);
        return -1;
    }
    s->files[s->n_files++] = v;
    return 1;
}

int cli_threads_option(cli_args *a, const char *opt, unsigned *threads)
{
    if (strcmp(opt, "--threads") != 0)
        return 0;
    const char *v = cli_value(a, opt);
    unsigned long long n;
    if (!v)
        return -1;
    if (cli_parse_uint64(v, &n) != 0 || n < 1 || n > 256) {
        cli_usage_error(a->command, "--threads takes a number from 1 to 256, got '%s'", v);
        return -1;
    }
    *threads = (unsigned)n;
    return 1;
}

unsigned cli_default_threads(void)
{
    unsigned n = score_cpus_available();
    return n > 256 ? 256 : n;
}

int cli_is_month(const char *t)
{
    return t && strlen(t) == 7 && t[4] == '-' && strspn(t, "0123456789-") == 7 &&
           strchr(t, '-') == t + 4 && ((t[5] == '0' && t[6] >= '1') || (t[5] == '1' && t[6] <= '2'));
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
    for (int i = 0; i < s->n_files; i++) {
        options.progress_user = (void *)s->files[i];
        rc = score_panel_read_file(panel, s->files[i], &options, counts);
        cli_progress_done();
        if (rc != SCORE_OK) {
            score_panel_free(panel);
            return cli_fail(command, "input could not be used", rc);
        }
    }
    *out = panel;
    return counts->rejected ? EXIT_REJECTED : EXIT_DONE;
}

int cli_output_open(cli_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    size_t len = strlen(path);
    o->path = strdup(path);
    o->temp = malloc(len + 16);
    if (!o->path || !o->temp) {
        cli_output_abort(o);
        fprintf(stderr, "score: out of memory\n");
        return -1;
    }
    snprintf(o->temp, len + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->temp);
    if (fd < 0 || !(o->file = fdopen(fd, "w"))) {
        fprintf(stderr, "score: cannot create %s: %s\n", o->temp, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(o->temp);
        o->temp = NULL;
        cli_output_abort(o);
        return -1;
    }
    return 0;
}

int cli_output_commit(cli_output *o)
{
    int failed = ferror(o->file) != 0;
    failed |= fflush(o->file) != 0;
    failed |= fsync(fileno(o->file)) != 0;
    failed |= fclose(o->file) != 0;
    o->file = NULL;
    if (failed || rename(o->temp, o->path) != 0) {
        fprintf(stderr, "score: cannot write %s: %s\n", o->path, strerror(errno));
        cli_output_abort(o);
        return -1;
    }
    free(o->temp);
    o->temp = NULL;
    free(o->path);
    o->path = NULL;
    return 0;
}

void cli_output_abort(cli_output *o)
{
    if (o->file)
        fclose(o->file);
    if (o->temp)
        unlink(o->temp);
    free(o->temp);
    free(o->path);
    memset(o, 0, sizeof *o);
}
