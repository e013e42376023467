#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char synopsis[] =
    "score recalibrate --model MODEL --signals FILE [--signals FILE ...]\n"
    "                         --labels FILE --asof YYYY-MM [--central-tendency P] --out MODEL2\n"
    "       score recalibrate --model MODEL --signals FILE ... --asof YYYY-MM\n"
    "                         --central-tendency P --out MODEL2";

static const char about[] =
    "Calibrate a model to the bank's own book without retraining: Platt's two\n"
    "coefficients refitted on the enterprises of the signals that have a label\n"
    "(CSV uscc,default), and/or shifted so that the mean PD of the enterprises\n"
    "scored equals P, a long-run default rate. The trees are untouched: margins\n"
    "and rankings stay. Prints calibration by decile of PD before and after and\n"
    "the Hosmer-Lemeshow statistic on the labelled firms (8 degrees of freedom;\n"
    "above 15.5 the calibration is rejected at 5%).\n";

static const char exit_status[] =
    "exit status: 0 done; 1 usage; 2 the model, signals or labels could not be used\n";

static const char name[] = "recalibrate";

typedef struct labelled {
    size_t row;
    double pd_before, pd_after;
    float label;
} labelled;

static int by_pd(const void *a, const void *b)
{
    double x = ((const labelled *)a)->pd_before, y = ((const labelled *)b)->pd_before;
    return (x > y) - (x < y);
}

/* Deciles of the PD before; each decile's mean PD before and after, its
 * observed rate, and Hosmer-Lemeshow over the ten. */
static void print_deciles(labelled *rows, size_t n)
{
    qsort(rows, n, sizeof *rows, by_pd);
    double hl[2] = {0, 0};
    printf("decile  firms  defaults  observed  pd_before  pd_after\n");
    for (int d = 0; d < 10; d++) {
        size_t lo = n * (size_t)d / 10, hi = n * (size_t)(d + 1) / 10;
        double k = (double)(hi - lo), bad = 0, before = 0, after = 0;
        for (size_t i = lo; i < hi; i++) {
            bad += rows[i].label;
            before += rows[i].pd_before;
            after += rows[i].pd_after;
        }
        if (k == 0)
            continue;
        printf("%6d %6.0f %9.0f %9.4f %10.4f %9.4f\n", d + 1, k, bad, bad / k, before / k,
               after / k);
        const double e[2] = {before, after};
        for (int t = 0; t < 2; t++)
            if (e[t] > 0 && e[t] < k)
                hl[t] += (bad - e[t]) * (bad - e[t]) / (e[t] * (1 - e[t] / k));
    }
    printf("Hosmer-Lemeshow (8 df, 5%% critical value 15.51): before %.2f, after %.2f\n", hl[0],
           hl[1]);
}

typedef struct opts {
    const char *model, *labels, *asof, *out;
    double ct;
    cli_signals signals;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    cli_option options[] = {
        CLI_OPT_IN("model", &o->model, "MODEL", CLI_REQUIRED, "the model bundle"),
        CLI_SIGNALS_OPTIONS(&o->signals, CLI_REQUIRED),
        CLI_OPT_IN("labels", &o->labels, "FILE", 0, "the bank's labels (CSV uscc,default)"),
        CLI_OPT_MONTH("asof", &o->asof, CLI_REQUIRED, "the as-of month of the labels"),
        CLI_OPT_REAL("central-tendency", &o->ct, 1e-9, 1 - 1e-9, 0,
                     "shift the PDs so that their mean is this long-run default rate"),
        CLI_OPT_OUT("out", &o->out, "MODEL2", CLI_REQUIRED, "the recalibrated bundle"),
        CLI_OPT_END,
    };
    cli_spec spec = {name, synopsis, about, exit_status, options};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;
    if (!o->labels && !(o->ct > 0))
        return cli_usage_error(name, "give --labels or --central-tendency (or both); --table is "
                                     "not supported yet");
    return EXIT_DONE;
}

/* The label of each scored row from the labels file; -1 when none.
 * row_of: the row of each panel enterprise, or SIZE_MAX. */
static int read_labels(const char *path, const score_panel *panel, const size_t *row_of,
                       size_t n, float *label)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "score %s: cannot read %s\n", name, path);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        label[i] = -1;
    char line[256];
    unsigned long number = 0;
    while (fgets(line, sizeof line, f)) {
        number++;
        char uscc[19];
        int value;
        if (number == 1 && !strncmp(line, "uscc,", 5))
            continue;
        if (sscanf(line, "%18[0-9A-Z],%d", uscc, &value) != 2 || (value != 0 && value != 1)) {
            fprintf(stderr, "score %s: %s:%lu: expected uscc,0 or uscc,1\n", name, path, number);
            fclose(f);
            return -1;
        }
        size_t at;
        if (score_panel_find(panel, uscc, &at) == SCORE_OK && row_of[at] < n)
            label[row_of[at]] = (float)value;
    }
    fclose(f);
    return 0;
}

int cmd_recalibrate(int argc, char **argv)
{
    opts o = {0};
    int status = parse(argc, argv, &o);
    if (status != EXIT_DONE)
        return status;
    double ct = o.ct > 0 ? o.ct : -1;
    score_model *model = NULL;
    score_panel *panel = NULL;
    score_read_counts counts;
    int rc = score_model_load(o.model, &model);
    if (rc != SCORE_OK)
        return cli_fail(name, "cannot load the model", rc);
    if (cli_read_signals(name, &o.signals, &panel, &counts) == EXIT_UNUSABLE) {
        score_model_free(model);
        return EXIT_UNUSABLE;
    }
    size_t n = 0, n_panel = score_panel_n_enterprises(panel);
    rc = score_model_score_panel(model, panel, o.asof, 0, NULL, NULL, NULL, NULL, NULL, NULL, &n);
    size_t *index = malloc((n + 1) * sizeof *index), *row_of = malloc((n_panel + 1) * sizeof *row_of);
    double *margin = malloc((n + 1) * sizeof *margin), *pd = malloc((n + 1) * sizeof *pd);
    float *label = malloc((n + 1) * sizeof *label);
    labelled *rows = malloc((n + 1) * sizeof *rows);
    double *fit_margin = malloc((n + 1) * sizeof *fit_margin);
    float *fit_label = malloc((n + 1) * sizeof *fit_label);
    status = EXIT_UNUSABLE;
    if (rc == SCORE_OK && index && row_of && margin && pd && label && rows && fit_margin &&
        fit_label &&
        (rc = score_model_score_panel(model, panel, o.asof, n, index, margin, pd, NULL, NULL, NULL,
                                      &n)) == SCORE_OK) {
        for (size_t i = 0; i < n_panel; i++)
            row_of[i] = SIZE_MAX;
        for (size_t i = 0; i < n; i++)
            row_of[index[i]] = i;
        size_t m = 0;
        if (!o.labels || read_labels(o.labels, panel, row_of, n, label) == 0) {
            for (size_t i = 0; o.labels && i < n; i++)
                if (label[i] >= 0) {
                    fit_margin[m] = margin[i];
                    fit_label[m] = label[i];
                    rows[m] = (labelled){i, pd[i], 0, label[i]};
                    m++;
                }
            char id[17], id2[17];
            score_model_identity(model, id);
            /* the labelled firms refit the slope; the central tendency is
             * taken over every firm scored, the bank's whole book */
            rc = o.labels ? score_model_recalibrate(model, fit_margin, fit_label, m, -1) : SCORE_OK;
            if (rc == SCORE_OK && ct > 0)
                rc = score_model_recalibrate(model, margin, NULL, n, ct);
            if (rc == SCORE_OK)
                rc = score_model_save(model, o.out);
            /* the PDs after, from the model as saved */
            if (rc == SCORE_OK)
                rc = score_model_score_panel(model, panel, o.asof, n, index, NULL, pd, NULL, NULL,
                                             NULL, &n);
            if (rc != SCORE_OK) {
                status = cli_fail(name, "cannot recalibrate", rc);
            } else {
                double mean = 0;
                for (size_t i = 0; i < m; i++)
                    rows[i].pd_after = pd[rows[i].row];
                for (size_t i = 0; i < n; i++)
                    mean += pd[i] / (double)n;
                score_model_identity(model, id2);
                printf("firms scored: %zu, labelled: %zu; mean PD after: %.6f\n", n, m, mean);
                if (m)
                    print_deciles(rows, m);
                printf("trees untouched; identity (trees and calibration): %s before, %s after\n",
                       id, id2);
                status = EXIT_DONE;
            }
        }
    } else if (rc != SCORE_OK) {
        status = cli_fail(name, "cannot score the enterprises", rc);
    }
    free(index);
    free(row_of);
    free(margin);
    free(pd);
    free(label);
    free(rows);
    free(fit_margin);
    free(fit_label);
    score_panel_free(panel);
    score_model_free(model);
    return status;
}
