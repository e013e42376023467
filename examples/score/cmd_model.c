/* score train, score predict, score explain. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"

/* ---- train ---------------------------------------------------------------- */

static const char train_synopsis[] =
    "score train --signals FILE [--signals FILE ...] --labels FILE --asof YYYY-MM\n"
    "                   --out MODEL [options]\n"
    "       score train --table FILE --label COLUMN [--id COLUMN] --out MODEL [options]";

static const char train_about[] =
    "Trains gradient-boosted trees (XGBoost, binary logistic, histogram method) with\n"
    "early stopping on a validation split, calibrates the PD on it (Platt), and\n"
    "writes the model bundle. From signals: feature spec v1 as of the month, labels\n"
    "from a CSV with header uscc,default; monotone constraints from the features'\n"
    "directions of risk. From a table: a CSV with a header, a 0/1 label column, an\n"
    "optional id column, and numeric or text columns (empty = missing).\n"
    "Progress (round, train and validation AUC) goes to stderr.\n"
    "SOURCE_DATE_EPOCH fixes the bundle's creation time: two trainings on the same\n"
    "data with the same options then give byte-identical bundles.\n";

static int print_round(void *user, int round, double train_auc, double valid_auc)
{
    int *every = user;
    if (round == 1 || round % *every == 0)
        fprintf(stderr, "round %5d  train AUC %.4f  validation AUC %.4f\n", round, train_auc,
                valid_auc);
    return 0;
}

static void print_warning(void *user, const score_diagnostic *d)
{
    (void)user;
    fprintf(stderr, "warning: %s\n", d->text);
}

static void print_summary(const score_model *model, const char *path)
{
    size_t len;
    if (score_model_metadata(model, NULL, 0, &len) != SCORE_OK)
        return;
    char *text = malloc(len + 1);
    if (text && score_model_metadata(model, text, len + 1, &len) == SCORE_OK) {
        const char *metrics = strstr(text, "\"validation\"");
        fprintf(stderr, "score train: wrote %s; %zu features; validation metrics:\n", path,
                score_model_n_features(model));
        if (metrics) {
            const char *end = strchr(metrics, '}');
            fprintf(stderr, "%.*s}\n", end ? (int)(end - metrics) : 200, metrics);
        }
    }
    free(text);
}

typedef struct train_args {
    cli_signals signals;
    const char *labels, *asof, *table, *label, *id, *out;
    int no_monotone;
    score_train_options options;
} train_args;

/* CLI_GO_ON, or the exit status to return. */
static int parse_train(int argc, char **argv, train_args *t)
{
    score_train_options_init(&t->options);
    score_train_options *o = &t->options;
    cli_option options[] = {
        CLI_SIGNALS_OPTIONS(&t->signals, 0),
        CLI_OPT_IN("labels", &t->labels, "FILE", 0, "(signals) labels: a CSV uscc,default"),
        CLI_OPT_MONTH("asof", &t->asof, 0, "(signals) the as-of month of the features"),
        CLI_OPT_IN("table", &t->table, "FILE", 0, "a bank's own table: a CSV with a header"),
        CLI_OPT_TEXT("label", &t->label, "COLUMN", 0, "(table) the 0/1 label column"),
        CLI_OPT_TEXT("id", &t->id, "COLUMN", 0, "(table) the id column, not a feature"),
        CLI_OPT_OUT("out", &t->out, "MODEL", CLI_REQUIRED, "the model bundle written"),
        CLI_OPT_U64("seed", &o->seed, 0, 0, 0, "split and sampling seed (default 1)"),
        CLI_OPT_INT("threads", &o->threads, 1, 256, 0,
                    "XGBoost threads (default 1: the same bundle on any machine)"),
        CLI_OPT_INT("max-rounds", &o->max_rounds, 1, 100000, 0, "boosting rounds at most "
                                                                "(default 2000)"),
        CLI_OPT_REAL("learning-rate", &o->learning_rate, 1e-6, 1, 0, "default 0.05"),
        CLI_OPT_INT("max-depth", &o->max_depth, 1, 16, 0, "tree depth (default 4)"),
        CLI_OPT_FLAG("no-monotone", &t->no_monotone, "no monotone constraints"),
        CLI_OPT_END,
    };
    cli_spec spec = {"train", train_synopsis, train_about, NULL, options};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;
    if (t->no_monotone)
        o->monotone = 0;
    int from_signals = t->signals.files.n || t->labels || t->asof;
    if (from_signals == (t->table != NULL) ||
        (from_signals && (!t->signals.files.n || !t->labels || !t->asof)) ||
        (t->table && !t->label) || (!t->table && (t->label || t->id)))
        return cli_usage_error("train", "give --out and either --signals, --labels and --asof, "
                                        "or --table and --label");
    return CLI_GO_ON;
}

int cmd_train(int argc, char **argv)
{
    train_args t;
    memset(&t, 0, sizeof t);
    int parsed = parse_train(argc, argv, &t);
    if (parsed != CLI_GO_ON)
        return parsed;
    /* the bundle writer writes a device in place: "-" is stdout */
    const char *path = strcmp(t.out, "-") ? t.out : "/dev/stdout";
    int every = isatty(STDERR_FILENO) ? 10 : 50;
    t.options.round_callback = print_round;
    t.options.round_user = &every;
    t.options.diagnostic = print_warning;
    score_model *model = NULL;
    int status = EXIT_DONE, rc;
    if (t.table) {
        rc = score_model_train_table(t.table, t.label, t.id, &t.options, &model);
    } else {
        score_panel *panel;
        score_read_counts counts;
        status = cli_read_signals("train", &t.signals, &panel, &counts);
        if (status == EXIT_UNUSABLE)
            return status;
        rc = score_model_train_signals(panel, t.asof, t.labels, &t.options, &model);
        score_panel_free(panel);
    }
    if (rc != SCORE_OK)
        return cli_fail("train", "cannot train", rc);
    rc = score_model_save(model, path);
    if (rc != SCORE_OK) {
        score_model_free(model);
        return cli_fail("train", "cannot write the model", rc);
    }
    print_summary(model, t.out);
    score_model_free(model);
    return status;
}

/* ---- predict --------------------------------------------------------------- */

static const char predict_synopsis[] =
    "score predict --model MODEL --signals FILE [--signals FILE ...] --asof YYYY-MM\n"
    "                     --out FILE.csv [--strict] [--reasons N|none] [--threads N]\n"
    "       score predict --model MODEL --table FILE [--id COLUMN] --out FILE.csv [--strict]\n"
    "                     [--reasons N|none] [--threads N]";

static const char predict_about[] =
    "Scores every enterprise (or table row) and writes a CSV with the columns: the id\n"
    "under its input name (uscc, the --id column, or row), pd (calibrated 12-month\n"
    "probability of default), score (an integer, higher is safer), grade, margin,\n"
    "reason1..reasonN (reason codes of the features that push the risk up the\n"
    "most; blank when fewer do). 'score explain' gives the texts. Fields are\n"
    "quoted as RFC 4180 says when they hold a comma, a quote or a line break.\n"
    "--reasons none leaves the reason columns out and computes no contributions.\n";

/* How predict runs: --reasons and --threads. */
typedef struct predict_run {
    score_batch_options options;
    size_t k;   /* reasons a row */
} predict_run;

typedef struct scored_rows {
    size_t n, k;
    double *margin, *pd;
    int *score, *grade, *reasons;
} scored_rows;

static void scored_free(scored_rows *s)
{
    free(s->margin);
    free(s->pd);
    free(s->score);
    free(s->grade);
    free(s->reasons);
}

static int scored_alloc(scored_rows *s, size_t n, size_t k)
{
    s->n = n;
    s->k = k;
    n = n ? n : 1;
    s->margin = malloc(n * sizeof *s->margin);
    s->pd = malloc(n * sizeof *s->pd);
    s->score = malloc(n * sizeof *s->score);
    s->grade = malloc(n * sizeof *s->grade);
    s->reasons = malloc(n * (k ? k : 1) * sizeof *s->reasons);
    return s->margin && s->pd && s->score && s->grade && s->reasons ? 0 : -1;
}

static void write_scored(FILE *out, const score_model *model, const char *id_name,
                         const char *const *ids, const scored_rows *s)
{
    size_t k = s->k;
    csv_writer w;
    csv_init(&w, out);
    const char *columns[] = {id_name, "pd", "score", "grade", "margin"};
    for (size_t j = 0; j < 5; j++)
        csv_field(&w, columns[j]);
    for (size_t j = 0; j < k; j++) {
        char column[32];
        snprintf(column, sizeof column, "reason%zu", j + 1);
        csv_field(&w, column);
    }
    csv_end_row(&w);
    for (size_t i = 0; i < s->n; i++) {
        char number[32];
        csv_field(&w, ids[i]);
        cli_format_number(number, s->pd[i], 9);
        csv_field(&w, number);
        snprintf(number, sizeof number, "%d", s->score[i]);
        csv_field(&w, number);
        csv_field(&w, score_model_grade_name(model, (size_t)s->grade[i]));
        cli_format_number(number, s->margin[i], 9);
        csv_field(&w, number);
        for (size_t j = 0; j < k; j++) {
            int f = s->reasons[i * k + j];
            const char *code = "";
            if (f >= 0)
                score_model_reason(model, (size_t)f, NAN, &code, NULL, 0, NULL, 0);
            csv_field(&w, code);
        }
        csv_end_row(&w);
    }
}

static int write_predictions(const char *path, const score_model *model, const char *id_name,
                             const char *const *ids, const scored_rows *s)
{
    cli_output out;
    if (cli_output_open(&out, path) != 0)
        return EXIT_UNUSABLE;
    write_scored(out.file, model, id_name, ids, s);
    if (cli_output_commit(&out) != 0)
        return EXIT_UNUSABLE;
    fprintf(stderr, "score predict: %zu rows scored -> %s\n", s->n, path);
    return EXIT_DONE;
}

static int predict_panel(const score_model *model, const cli_signals *signals, const char *asof,
                         const predict_run *run, const char *path)
{
    score_panel *panel;
    score_read_counts counts;
    int status = cli_read_signals("predict", signals, &panel, &counts);
    if (status == EXIT_UNUSABLE)
        return status;
    size_t n, nf = score_model_n_features(model);
    scored_rows s = {0};
    size_t *index = NULL;
    float *rows = NULL;
    char (*codes)[19] = NULL;
    const char **ids = NULL;
    int rc = score_features_compute_batch(panel, asof, &run->options, NULL, 0, NULL, &n);
    if (rc == SCORE_OK &&
        (scored_alloc(&s, n, run->k) || !(index = malloc((n + 1) * sizeof *index)) ||
         !(rows = malloc((n * nf + 1) * sizeof *rows)) ||
         !(codes = malloc((n + 1) * sizeof *codes)) || !(ids = malloc((n + 1) * sizeof *ids))))
        rc = SCORE_ENOMEM;
    if (rc == SCORE_OK)
        rc = score_features_compute_batch(panel, asof, &run->options, rows, n, index, &n);
    if (rc == SCORE_OK)
        rc = score_model_score_batch(model, rows, n, &run->options, s.margin, s.pd, s.score,
                                     s.grade, s.reasons);
    int written = EXIT_UNUSABLE;
    if (rc != SCORE_OK) {
        cli_fail("predict", "cannot score", rc);
    } else {
        for (size_t i = 0; i < n; i++) {
            score_panel_enterprise(panel, index[i], codes[i]);
            ids[i] = codes[i];
        }
        written = write_predictions(path, model, "uscc", ids, &s);
    }
    scored_free(&s);
    free(index);
    free(rows);
    free(codes);
    free(ids);
    score_panel_free(panel);
    return written != EXIT_DONE ? written : status;
}

static int predict_table(const score_model *model, const char *table_path, const char *id,
                         int strict, const predict_run *run, const char *path)
{
    score_read_options options;
    score_read_options_init(&options);
    options.strict = strict;
    options.diagnostic = cli_print_diagnostic;
    score_read_counts counts = {.size = sizeof counts};
    score_table *table;
    int rc = score_table_read(model, table_path, id, &options, &counts, &table);
    if (rc != SCORE_OK)
        return cli_fail("predict", "input could not be used", rc);
    size_t n = score_table_n_rows(table);
    scored_rows s = {0};
    const char **ids = malloc((n + 1) * sizeof *ids);
    int status = EXIT_UNUSABLE;
    if (!ids || scored_alloc(&s, n, run->k))
        fprintf(stderr, "score predict: out of memory\n");
    else if ((rc = score_model_score_batch(model, score_table_rows(table), n, &run->options,
                                           s.margin, s.pd, s.score, s.grade, s.reasons)) !=
             SCORE_OK)
        cli_fail("predict", "cannot score", rc);
    else {
        for (size_t i = 0; i < n; i++)
            ids[i] = score_table_id(table, i);
        status = write_predictions(path, model, score_table_id_name(table), ids, &s);
        if (status == EXIT_DONE && counts.rejected)
            status = EXIT_REJECTED;
    }
    free(ids);
    scored_free(&s);
    score_table_free(table);
    return status;
}

int cmd_predict(int argc, char **argv)
{
    cli_signals signals = {0};
    const char *model_path = NULL, *asof = NULL, *table = NULL, *id = NULL, *out = NULL;
    const char *reasons = NULL, *evidence = NULL, *actor = NULL;
    int threads = cli_default_threads();
    cli_option options[] = {
        CLI_OPT_IN("model", &model_path, "MODEL", CLI_REQUIRED, "the model bundle"),
        CLI_SIGNALS_OPTIONS(&signals, 0),
        CLI_OPT_MONTH("asof", &asof, 0, "(signals) the as-of month"),
        CLI_OPT_IN("table", &table, "FILE", 0, "a table with the model's columns (a CSV)"),
        CLI_OPT_TEXT("id", &id, "COLUMN", 0, "(table) the id column"),
        CLI_OPT_OUT("out", &out, "FILE.csv", CLI_REQUIRED, "the CSV written ('-': stdout)"),
        CLI_OPT_TEXT("reasons", &reasons, "N|none", 0,
                     "reasons a row (default: the model's); none computes no contributions"),
        CLI_OPT_THREADS(&threads),
        CLI_EVIDENCE_OPTIONS(&evidence, &actor, "a score record of each row"),
        CLI_OPT_END,
    };
    cli_spec spec = {"predict", predict_synopsis, predict_about, NULL, options};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;
    if ((signals.files.n > 0) == (table != NULL) || (signals.files.n && !asof) ||
        (table && asof) || (id && !table))
        return cli_usage_error("predict", "give --model, --out and either --signals with --asof, "
                                          "or --table");
    unsigned long long k = 0;
    if (reasons && strcmp(reasons, "none") != 0 &&
        (cli_parse_uint64(reasons, &k) != 0 || k > 100000))
        return cli_usage_error("predict", "--reasons takes a number or 'none', got '%s'", reasons);
    score_model *model;
    int status = cli_load_model("predict", model_path,
                                table ? SCORE_INPUT_TABLE : SCORE_INPUT_SIGNALS, &model);
    if (status != EXIT_DONE)
        return status;
    score_evidence_log *log = NULL;
    if (evidence && cli_attach_evidence("predict", evidence, actor, model, model_path, &log) !=
                        EXIT_DONE) {
        score_model_free(model);
        return EXIT_UNUSABLE;
    }
    predict_run run;
    score_batch_options_init(&run.options);
    run.options.threads = (unsigned)threads;
    run.k = !reasons ? score_model_n_reasons(model) : (size_t)k;
    run.options.n_reasons = run.k;
    size_t nf = score_model_n_features(model);
    if (run.k > nf) {
        score_model_free(model);
        score_evidence_close(log);
        return cli_usage_error("predict", "--reasons %s: the model has %zu features", reasons, nf);
    }
    if (table) {
        status = predict_table(model, table, id, signals.strict, &run, out);
    } else {
        status = predict_panel(model, &signals, asof, &run, out);
    }
    score_model_free(model);
    score_evidence_close(log);
    return status;
}

/* ---- explain -------------------------------------------------------------- */

static const char explain_about[] =
    "Explains one enterprise's score: PD, score, grade, the reasons (codes and texts\n"
    "in Chinese and English), and every feature's value and exact tree SHAP\n"
    "contribution to the margin (positive pushes the risk up), strongest first.\n";

typedef struct ranked {
    size_t feature;
    double contribution;
} ranked;

static int by_contribution(const void *a, const void *b)
{
    double x = ((const ranked *)a)->contribution, y = ((const ranked *)b)->contribution;
    return (x < y) - (x > y);
}

static int print_explanation(const score_model *model, const char *uscc, const char *asof,
                              const float *row, const double *contributions)
{
    size_t nf = score_model_n_features(model), k = score_model_n_reasons(model);
    double margin, pd;
    int score, grade, reasons[16];
    int rc = score_model_score(model, row, 1, &margin, &pd, &score, &grade,
                               k <= 16 ? reasons : NULL);
    if (rc != SCORE_OK)
        return rc;
    printf("enterprise %s as of %s\n", uscc, asof);
    printf("pd %.6f  score %d  grade %s  margin %.6f\n\nreasons:\n", pd, score,
           score_model_grade_name(model, (size_t)grade), margin);
    for (size_t j = 0; j < k && j < 16 && reasons[j] >= 0; j++) {
        const char *code;
        char zh[256], en[256];
        size_t f = (size_t)reasons[j];
        score_model_reason(model, f, row[f], &code, zh, sizeof zh, en, sizeof en);
        printf("  %zu. %-20s %s / %s  (%+.4f)\n", j + 1, code, zh, en, contributions[f]);
    }
    ranked *order = malloc(nf * sizeof *order);
    if (!order)
        return SCORE_ENOMEM;
    for (size_t f = 0; f < nf; f++)
        order[f] = (ranked){f, contributions[f]};
    qsort(order, nf, sizeof *order, by_contribution);
    printf("\n%-30s %16s %12s\n", "feature", "value", "contribution");
    for (size_t i = 0; i < nf; i++) {
        const char *name;
        score_model_feature(model, order[i].feature, &name, NULL);
        float v = row[order[i].feature];
        if (isnan(v))
            printf("%-30s %16s %+12.6f\n", name, "missing", order[i].contribution);
        else
            printf("%-30s %16.6g %+12.6f\n", name, (double)v, order[i].contribution);
    }
    printf("%-30s %16s %+12.6f\n", "(bias: expected margin)", "", contributions[nf]);
    free(order);
    return SCORE_OK;
}

int cmd_explain(int argc, char **argv)
{
    cli_signals signals = {0};
    const char *model_path = NULL, *asof = NULL, *uscc = NULL, *evidence = NULL, *actor = NULL;
    int threads = cli_default_threads(); /* one enterprise is explained on one thread */
    cli_option options[] = {
        CLI_OPT_IN("model", &model_path, "MODEL", CLI_REQUIRED, "the model bundle"),
        CLI_SIGNALS_OPTIONS(&signals, CLI_REQUIRED),
        CLI_OPT_MONTH("asof", &asof, CLI_REQUIRED, "the as-of month"),
        CLI_OPT_TEXT("uscc", &uscc, "CODE", CLI_REQUIRED, "the enterprise"),
        CLI_OPT_THREADS(&threads),
        CLI_EVIDENCE_OPTIONS(&evidence, &actor, "a score record of the enterprise"),
        CLI_OPT_END,
    };
    cli_spec spec = {"explain", NULL, explain_about, NULL, options};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;
    score_model *model;
    int rc = cli_load_model("explain", model_path, SCORE_INPUT_SIGNALS, &model);
    if (rc != EXIT_DONE)
        return rc;
    score_evidence_log *log = NULL;
    if (evidence && cli_attach_evidence("explain", evidence, actor, model, model_path, &log) !=
                        EXIT_DONE) {
        score_model_free(model);
        return EXIT_UNUSABLE;
    }
    score_panel *panel;
    score_read_counts counts;
    int status = cli_read_signals("explain", &signals, &panel, &counts);
    if (status == EXIT_UNUSABLE) {
        score_model_free(model);
        return status;
    }
    size_t nf = score_model_n_features(model);
    float *row = malloc(nf * sizeof *row);
    double *contributions = malloc((nf + 1) * sizeof *contributions);
    if (!row || !contributions)
        rc = SCORE_ENOMEM;
    else if ((rc = score_features_enterprise(panel, uscc, asof, row)) == SCORE_OK)
        rc = score_model_contributions(model, row, contributions);
    if (rc == SCORE_OK)
        rc = print_explanation(model, uscc, asof, row, contributions);
    if (rc != SCORE_OK)
        status = cli_fail("explain", "cannot explain", rc);
    free(row);
    free(contributions);
    score_panel_free(panel);
    score_model_free(model);
    score_evidence_close(log);
    return status;
}
