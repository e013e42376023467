/* score train, score predict, score explain. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* ---- train ---------------------------------------------------------------- */

static const char train_help[] =
    "usage: score train --signals FILE [--signals FILE ...] --labels FILE --asof YYYY-MM\n"
    "                   --out MODEL [options]\n"
    "       score train --table FILE --label COLUMN [--id COLUMN] --out MODEL [options]\n"
    "\n"
    "Trains gradient-boosted trees (XGBoost, binary logistic, histogram method) with\n"
    "early stopping on a validation split, calibrates the PD on it (Platt), and\n"
    "writes the model bundle. From signals: feature spec v1 as of the month, labels\n"
    "from a CSV with header uscc,default; monotone constraints from the features'\n"
    "directions of risk. From a table: a CSV with a header, a 0/1 label column, an\n"
    "optional id column, and numeric or text columns (empty = missing).\n"
    "Progress (round, train and validation AUC) goes to stderr.\n"
    "\n"
    "options:\n"
    "  --seed N             split and sampling seed (default 1)\n"
    "  --threads N          XGBoost threads (default 1: the same bundle on any machine)\n"
    "  --max-rounds N       default 2000\n"
    "  --learning-rate X    default 0.05\n"
    "  --max-depth N        default 4\n"
    "  --no-monotone        no monotone constraints\n"
    "  --strict             (signals) the first bad input line fails\n"
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
    score_train_options options;
} train_args;

static int parse_number(cli_args *a, const char *opt, double lo, double hi, double *out)
{
    const char *v = cli_value(a, opt);
    char *end;
    if (!v)
        return -1;
    double d = strtod(v, &end);
    if (*end || !(d >= lo && d <= hi)) {
        cli_usage_error(a->command, "%s takes a number from %g to %g, got '%s'", opt, lo, hi, v);
        return -1;
    }
    *out = d;
    return 0;
}

static int parse_train(int argc, char **argv, train_args *t)
{
    cli_args a;
    cli_args_init(&a, "train", argc, argv);
    score_train_options_init(&t->options);
    for (const char *opt; (opt = cli_next(&a));) {
        double d;
        int rc = cli_signals_option(&a, opt, &t->signals);
        const char **text = !strcmp(opt, "--labels") ? &t->labels : !strcmp(opt, "--asof") ? &t->asof
                          : !strcmp(opt, "--table") ? &t->table : !strcmp(opt, "--label") ? &t->label
                          : !strcmp(opt, "--id") ? &t->id : !strcmp(opt, "--out") ? &t->out : NULL;
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        if (text) {
            if (!(*text = cli_value(&a, opt)))
                return -1;
        } else if (!strcmp(opt, "--seed")) {
            if (parse_number(&a, opt, 0, 9007199254740992.0, &d))
                return -1;
            t->options.seed = (uint64_t)d;
        } else if (!strcmp(opt, "--threads") || !strcmp(opt, "--max-rounds") ||
                   !strcmp(opt, "--max-depth")) {
            if (parse_number(&a, opt, 1, 100000, &d))
                return -1;
            *(!strcmp(opt, "--threads") ? &t->options.threads
              : !strcmp(opt, "--max-rounds") ? &t->options.max_rounds : &t->options.max_depth) = (int)d;
        } else if (!strcmp(opt, "--learning-rate")) {
            if (parse_number(&a, opt, 1e-6, 1, &t->options.learning_rate))
                return -1;
        } else if (!strcmp(opt, "--no-monotone")) {
            t->options.monotone = 0;
        } else {
            cli_usage_error("train", "unknown option '%s'", opt);
            return -1;
        }
    }
    int from_signals = t->signals.n_files || t->labels || t->asof;
    if (!t->out || from_signals == (t->table != NULL) ||
        (from_signals && (!t->signals.n_files || !t->labels || !t->asof)) ||
        (t->table && !t->label)) {
        cli_usage_error("train", "give --out and either --signals, --labels and --asof, or "
                                 "--table and --label");
        return -1;
    }
    if (t->asof && !cli_is_month(t->asof)) {
        cli_usage_error("train", "--asof takes a month YYYY-MM, got '%s'", t->asof);
        return -1;
    }
    return 0;
}

int cmd_train(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(train_help, stdout);
        return EXIT_DONE;
    }
    train_args t;
    memset(&t, 0, sizeof t);
    if (parse_train(argc, argv, &t) != 0)
        return EXIT_USAGE;
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
    rc = score_model_save(model, t.out);
    if (rc != SCORE_OK) {
        score_model_free(model);
        return cli_fail("train", "cannot write the model", rc);
    }
    print_summary(model, t.out);
    score_model_free(model);
    return status;
}

/* ---- predict --------------------------------------------------------------- */

static const char predict_help[] =
    "usage: score predict --model MODEL --signals FILE [--signals FILE ...] --asof YYYY-MM\n"
    "                     --out FILE.csv [--strict]\n"
    "       score predict --model MODEL --table FILE [--id COLUMN] --out FILE.csv [--strict]\n"
    "       either with [--evidence DIR [--actor NAME]]: a score record of each row in\n"
    "       the evidence log DIR (made when missing; docs/evidence.md)\n"
    "\n"
    "Scores every enterprise (or table row) and writes a CSV with the columns: the id\n"
    "under its input name (uscc, the --id column, or row), pd (calibrated 12-month\n"
    "probability of default), score (an integer, higher is safer), grade, margin,\n"
    "reason1..reasonN (reason codes of the features that push the risk up the\n"
    "most; blank when fewer do). 'score explain' gives the texts.\n";

typedef struct scored_rows {
    size_t n;
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
    size_t k = score_model_n_reasons(model);
    fprintf(out, "%s,pd,score,grade,margin", id_name);
    for (size_t j = 0; j < k; j++)
        fprintf(out, ",reason%zu", j + 1);
    fputc('\n', out);
    for (size_t i = 0; i < s->n; i++) {
        fprintf(out, "%s,%.9g,%d,%s,%.9g", ids[i], s->pd[i], s->score[i],
                score_model_grade_name(model, (size_t)s->grade[i]), s->margin[i]);
        for (size_t j = 0; j < k; j++) {
            int f = s->reasons[i * k + j];
            const char *code = "";
            if (f >= 0)
                score_model_reason(model, (size_t)f, NAN, &code, NULL, 0, NULL, 0);
            fprintf(out, ",%s", code);
        }
        fputc('\n', out);
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
                         const char *path)
{
    score_panel *panel;
    score_read_counts counts;
    int status = cli_read_signals("predict", signals, &panel, &counts);
    if (status == EXIT_UNUSABLE)
        return status;
    size_t n, k = score_model_n_reasons(model);
    scored_rows s = {0};
    size_t *index = NULL;
    char (*codes)[19] = NULL;
    const char **ids = NULL;
    int rc = score_model_score_panel(model, panel, asof, 0, NULL, NULL, NULL, NULL, NULL, NULL, &n);
    if (rc == SCORE_OK && (scored_alloc(&s, n, k) || !(index = malloc((n + 1) * sizeof *index)) ||
                           !(codes = malloc((n + 1) * sizeof *codes)) ||
                           !(ids = malloc((n + 1) * sizeof *ids))))
        rc = SCORE_ENOMEM;
    if (rc == SCORE_OK)
        rc = score_model_score_panel(model, panel, asof, n, index, s.margin, s.pd, s.score, s.grade,
                                     s.reasons, &n);
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
    free(codes);
    free(ids);
    score_panel_free(panel);
    return written != EXIT_DONE ? written : status;
}

static int predict_table(const score_model *model, const char *table_path, const char *id,
                         int strict, const char *path)
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
    if (!ids || scored_alloc(&s, n, score_model_n_reasons(model)))
        fprintf(stderr, "score predict: out of memory\n");
    else if ((rc = score_model_score(model, score_table_rows(table), n, s.margin, s.pd, s.score,
                                     s.grade, s.reasons)) != SCORE_OK)
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
    if (cli_wants_help(argc, argv)) {
        fputs(predict_help, stdout);
        return EXIT_DONE;
    }
    cli_signals signals = {0};
    const char *model_path = NULL, *asof = NULL, *table = NULL, *id = NULL, *out = NULL;
    const char *evidence = NULL, *actor = NULL;
    cli_args a;
    cli_args_init(&a, "predict", argc, argv);
    for (const char *opt; (opt = cli_next(&a));) {
        int rc = cli_signals_option(&a, opt, &signals);
        const char **text = !strcmp(opt, "--model") ? &model_path : !strcmp(opt, "--asof") ? &asof
                          : !strcmp(opt, "--table") ? &table : !strcmp(opt, "--id") ? &id
                          : !strcmp(opt, "--out") ? &out : !strcmp(opt, "--evidence") ? &evidence
                          : !strcmp(opt, "--actor") ? &actor : NULL;
        if (rc < 0)
            return EXIT_USAGE;
        if (rc > 0)
            continue;
        if (!text)
            return cli_usage_error("predict", "unknown option '%s'", opt);
        if (!(*text = cli_value(&a, opt)))
            return EXIT_USAGE;
    }
    if (!model_path || !out || (signals.n_files > 0) == (table != NULL) ||
        (signals.n_files && !asof))
        return cli_usage_error("predict", "give --model, --out and either --signals with --asof, "
                                          "or --table");
    if (asof && !cli_is_month(asof))
        return cli_usage_error("predict", "--asof takes a month YYYY-MM, got '%s'", asof);
    score_model *model;
    int rc = score_model_load(model_path, &model);
    if (rc != SCORE_OK)
        return cli_fail("predict", "cannot load the model", rc);
    score_evidence_log *log = NULL;
    if (evidence && (cli_evidence_open("predict", evidence, &log) != EXIT_DONE ||
                     (rc = score_model_attach_evidence(model, log, cli_evidence_actor(actor),
                                                       model_path)) != SCORE_OK)) {
        if (log)
            cli_fail("predict", evidence, rc);
        score_evidence_close(log);
        score_model_free(model);
        return EXIT_UNUSABLE;
    }
    int kind;
    score_model_input(model, &kind);
    int status;
    if ((kind == SCORE_INPUT_SIGNALS) != (table == NULL)) {
        fprintf(stderr, "score predict: %s eats %s; give %s\n", model_path,
                kind == SCORE_INPUT_SIGNALS ? "signals (feature spec v1)" : "a table",
                kind == SCORE_INPUT_SIGNALS ? "--signals and --asof" : "--table");
        status = EXIT_USAGE;
    } else if (table) {
        status = predict_table(model, table, id, signals.strict, out);
    } else {
        status = predict_panel(model, &signals, asof, out);
    }
    score_model_free(model);
    score_evidence_close(log);
    return status;
}

/* ---- explain -------------------------------------------------------------- */

static const char explain_help[] =
    "usage: score explain --model MODEL --signals FILE [--signals FILE ...] --asof YYYY-MM\n"
    "                     --uscc CODE [--evidence DIR [--actor NAME]]\n"
    "\n"
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
        return SCORE_OK;
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
    if (cli_wants_help(argc, argv)) {
        fputs(explain_help, stdout);
        return EXIT_DONE;
    }
    cli_signals signals = {0};
    const char *model_path = NULL, *asof = NULL, *uscc = NULL, *evidence = NULL, *actor = NULL;
    cli_args a;
    cli_args_init(&a, "explain", argc, argv);
    for (const char *opt; (opt = cli_next(&a));) {
        int rc = cli_signals_option(&a, opt, &signals);
        const char **text = !strcmp(opt, "--model") ? &model_path : !strcmp(opt, "--asof") ? &asof
                          : !strcmp(opt, "--uscc") ? &uscc : !strcmp(opt, "--evidence") ? &evidence
                          : !strcmp(opt, "--actor") ? &actor : NULL;
        if (rc < 0)
            return EXIT_USAGE;
        if (rc > 0)
            continue;
        if (!text)
            return cli_usage_error("explain", "unknown option '%s'", opt);
        if (!(*text = cli_value(&a, opt)))
            return EXIT_USAGE;
    }
    if (!model_path || !signals.n_files || !asof || !uscc)
        return cli_usage_error("explain", "--model, --signals, --asof and --uscc are required");
    if (!cli_is_month(asof))
        return cli_usage_error("explain", "--asof takes a month YYYY-MM, got '%s'", asof);
    score_model *model;
    int rc = score_model_load(model_path, &model);
    if (rc != SCORE_OK)
        return cli_fail("explain", "cannot load the model", rc);
    score_evidence_log *log = NULL;
    if (evidence && (cli_evidence_open("explain", evidence, &log) != EXIT_DONE ||
                     (rc = score_model_attach_evidence(model, log, cli_evidence_actor(actor),
                                                       model_path)) != SCORE_OK)) {
        if (log)
            cli_fail("explain", evidence, rc);
        score_evidence_close(log);
        score_model_free(model);
        return EXIT_UNUSABLE;
    }
    int kind;
    score_model_input(model, &kind);
    if (kind != SCORE_INPUT_SIGNALS) {
        score_model_free(model);
        score_evidence_close(log);
        fprintf(stderr, "score explain: %s eats a table, not signals\n", model_path);
        return EXIT_USAGE;
    }
    score_panel *panel;
    score_read_counts counts;
    int status = cli_read_signals("explain", &signals, &panel, &counts);
    if (status == EXIT_UNUSABLE) {
        score_model_free(model);
        score_evidence_close(log);
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
