#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: score features --signals FILE [--signals FILE ...] --asof YYYY-MM --out FILE.csv\n"
    "                      [--strict] [--threads N]\n"
    "\n"
    "Computes feature spec v1 (docs/features.md) for every enterprise as of a month\n"
    "and writes a CSV: the column uscc, then the features in spec order; one row\n"
    "per enterprise in ascending USCC order; a missing value is an empty field;\n"
    "numbers are written with 9 significant digits (exact for floats).\n"
    "Enterprises registered after the as-of month get no row.\n"
    "\n"
    CLI_THREADS_HELP
    "\n"
    "exit status: 0 done; 1 usage; 2 input unusable (nothing written);\n"
    "             3 written, but some input lines were rejected\n";

static void write_header(FILE *out)
{
    fputs("uscc", out);
    for (size_t j = 0, n = score_features_count(); j < n; j++) {
        const char *name;
        score_feature_info(j, &name, NULL, NULL);
        fprintf(out, ",%s", name);
    }
    fputc('\n', out);
}

static void write_rows(FILE *out, const score_panel *panel, const float *matrix,
                       const size_t *index, size_t n_rows)
{
    size_t nf = score_features_count();
    for (size_t r = 0; r < n_rows; r++) {
        char code[19];
        score_panel_enterprise(panel, index[r], code);
        fputs(code, out);
        for (size_t j = 0; j < nf; j++) {
            float v = matrix[r * nf + j];
            if (isnan(v))
                fputc(',', out);
            else
                fprintf(out, ",%.9g", (double)v);
        }
        fputc('\n', out);
    }
}

/* Compute and write; returns 0 or EXIT_UNUSABLE. */
static int write_features(const score_panel *panel, const char *asof, unsigned threads,
                          const char *path)
{
    size_t n_rows;
    score_batch_options options;
    score_batch_options_init(&options);
    options.threads = threads;
    int rc = score_features_compute_batch(panel, asof, &options, NULL, 0, NULL, &n_rows);
    if (rc != SCORE_OK)
        return cli_fail("features", "cannot compute features", rc);
    size_t nf = score_features_count();
    float *matrix = malloc((n_rows ? n_rows : 1) * nf * sizeof *matrix);
    size_t *index = malloc((n_rows ? n_rows : 1) * sizeof *index);
    cli_output out;
    int status = EXIT_UNUSABLE;
    if (!matrix || !index)
        fprintf(stderr, "score features: out of memory\n");
    else if ((rc = score_features_compute_batch(panel, asof, &options, matrix, n_rows, index,
                                                &n_rows)) != SCORE_OK)
        cli_fail("features", "cannot compute features", rc);
    else if (cli_output_open(&out, path) == 0) {
        write_header(out.file);
        write_rows(out.file, panel, matrix, index, n_rows);
        if (cli_output_commit(&out) == 0) {
            status = 0;
            fprintf(stderr, "score features: %zu enterprises x %zu features as of %s -> %s\n",
                    n_rows, nf, asof, path);
        }
    }
    free(matrix);
    free(index);
    return status;
}

int cmd_features(int argc, char **argv)
{
    static const char name[] = "features";
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return EXIT_DONE;
    }
    cli_signals signals = {0};
    const char *asof = NULL, *out = NULL;
    unsigned threads = cli_default_threads();
    cli_args a;
    cli_args_init(&a, name, argc, argv);
    for (const char *opt; (opt = cli_next(&a));) {
        int rc = cli_signals_option(&a, opt, &signals);
        if (!rc)
            rc = cli_threads_option(&a, opt, &threads);
        if (rc < 0)
            return EXIT_USAGE;
        if (rc > 0)
            continue;
        if (!strcmp(opt, "--asof")) {
            if (!(asof = cli_value(&a, opt)))
                return EXIT_USAGE;
        } else if (!strcmp(opt, "--out")) {
            if (!(out = cli_value(&a, opt)))
                return EXIT_USAGE;
        } else {
            return cli_usage_error(name, "unknown option '%s'", opt);
        }
    }
    if (!signals.n_files || !asof || !out)
        return cli_usage_error(name, "--signals, --asof and --out are required");
    if (!cli_is_month(asof))
        return cli_usage_error(name, "--asof takes a month YYYY-MM, got '%s'", asof);
    score_panel *panel;
    score_read_counts counts;
    int status = cli_read_signals(name, &signals, &panel, &counts);
    if (status == EXIT_UNUSABLE)
        return status;
    int written = write_features(panel, asof, threads, out);
    score_panel_free(panel);
    return written ? written : status;
}
