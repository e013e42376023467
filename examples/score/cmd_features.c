#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"

static const char about[] =
    "Computes feature spec v1 (docs/features.md) for every enterprise as of a month\n"
    "and writes a CSV: the column uscc, then the features in spec order; one row\n"
    "per enterprise in ascending USCC order; a missing value is an empty field;\n"
    "numbers are written with 9 significant digits (exact for floats).\n"
    "Enterprises registered after the as-of month get no row.\n";

static void write_header(csv_writer *w)
{
    csv_field(w, "uscc");
    for (size_t j = 0, n = score_features_count(); j < n; j++) {
        const char *name;
        score_feature_info(j, &name, NULL, NULL);
        csv_field(w, name);
    }
    csv_end_row(w);
}

static void write_rows(csv_writer *w, const score_panel *panel, const float *matrix,
                       const size_t *index, size_t n_rows)
{
    size_t nf = score_features_count();
    for (size_t r = 0; r < n_rows; r++) {
        char code[19], number[32];
        score_panel_enterprise(panel, index[r], code);
        csv_field(w, code);
        for (size_t j = 0; j < nf; j++) {
            cli_format_number(number, (double)matrix[r * nf + j], 9);
            csv_field(w, number);
        }
        csv_end_row(w);
    }
}

/* Compute and write; returns 0 or EXIT_UNUSABLE. */
static int write_features(const score_panel *panel, const char *asof, int threads,
                          const char *path)
{
    size_t n_rows;
    score_batch_options options;
    score_batch_options_init(&options);
    options.threads = (unsigned)threads;
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
        csv_writer w;
        csv_init(&w, out.file);
        write_header(&w);
        write_rows(&w, panel, matrix, index, n_rows);
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
    cli_signals signals = {0};
    const char *asof = NULL, *out = NULL;
    int threads = cli_default_threads();
    cli_option options[] = {
        CLI_SIGNALS_OPTIONS(&signals, CLI_REQUIRED),
        CLI_OPT_MONTH("asof", &asof, CLI_REQUIRED, "the as-of month"),
        CLI_OPT_OUT("out", &out, "FILE.csv", CLI_REQUIRED, "the CSV written ('-': stdout)"),
        CLI_OPT_THREADS(&threads),
        CLI_OPT_END,
    };
    cli_spec spec = {name, NULL, about, NULL, options};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;
    score_panel *panel;
    score_read_counts counts;
    int status = cli_read_signals(name, &signals, &panel, &counts);
    if (status == EXIT_UNUSABLE)
        return status;
    int written = write_features(panel, asof, threads, out);
    score_panel_free(panel);
    return written ? written : status;
}
