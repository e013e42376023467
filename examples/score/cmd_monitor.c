/* score monitor, score drift, score report. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Options these three commands share. */
typedef struct monitor_args {
    const char *command;
    cli_signals signals;
    const char *model, *asof, *previous, *out, *config, *labels, *evidence, *actor;
    int show_config;
    int needs_out, needs_labels;
} monitor_args;

/* Parse the options `allowed` (a list like "model asof previous out") and
 * --signals/--strict. 0, or -1 after a usage message. */
static int parse(monitor_args *m, const char *allowed, int argc, char **argv)
{
    cli_args a;
    cli_args_init(&a, m->command, argc, argv);
    for (const char *opt; (opt = cli_next(&a));) {
        int rc = cli_signals_option(&a, opt, &m->signals);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        const char *name = !strncmp(opt, "--", 2) ? opt + 2 : "";
        const char **slot = !strcmp(name, "model") ? &m->model : !strcmp(name, "asof") ? &m->asof
                          : !strcmp(name, "previous") ? &m->previous : !strcmp(name, "out") ? &m->out
                          : !strcmp(name, "config") ? &m->config : !strcmp(name, "labels") ? &m->labels
                          : !strcmp(name, "evidence") ? &m->evidence : !strcmp(name, "actor") ? &m->actor
                          : NULL;
        const char *hit = *name ? strstr(allowed, name) : NULL;
        size_t len = strlen(name);
        int known = hit && (hit == allowed || hit[-1] == ' ') && (hit[len] == ' ' || !hit[len]);
        if (known && !strcmp(name, "show-config")) {
            m->show_config = 1;
            continue;
        }
        if (!known || !slot) {
            cli_usage_error(m->command, "unknown option '%s'", opt);
            return -1;
        }
        if (!(*slot = cli_value(&a, opt)))
            return -1;
    }
    if (m->show_config)
        return 0;
    if (!m->model || !m->signals.n_files || !m->asof || (m->needs_out && !m->out) ||
        (m->needs_labels && !m->labels)) {
        cli_usage_error(m->command, "--model, --signals, --asof%s%s are required",
                        m->needs_labels ? ", --labels" : "", m->needs_out ? " and --out" : "");
        return -1;
    }
    const char *months[2] = {m->asof, m->previous};
    for (int i = 0; i < 2; i++)
        if (months[i] && !cli_is_month(months[i])) {
            cli_usage_error(m->command, "--%s takes a month YYYY-MM, got '%s'",
                            i ? "previous" : "asof", months[i]);
            return -1;
        }
    if (m->previous && strcmp(m->previous, m->asof) >= 0) {
        cli_usage_error(m->command, "--previous (%s) must be before --asof (%s)", m->previous,
                        m->asof);
        return -1;
    }
    return 0;
}

/* The model and the panel; EXIT_DONE, EXIT_REJECTED or EXIT_UNUSABLE. */
static int load(const monitor_args *m, score_model **model, score_panel **panel)
{
    int rc = score_model_load(m->model, model);
    if (rc != SCORE_OK)
        return cli_fail(m->command, "cannot load the model", rc);
    int kind;
    score_model_input(*model, &kind);
    if (kind != SCORE_INPUT_SIGNALS) {
        fprintf(stderr, "score %s: %s eats a table, not signals\n", m->command, m->model);
        score_model_free(*model);
        return EXIT_UNUSABLE;
    }
    score_read_counts counts;
    int status = cli_read_signals(m->command, &m->signals, panel, &counts);
    if (status == EXIT_UNUSABLE)
        score_model_free(*model);
    return status;
}

/* ---- monitor ------------------------------------------------------------------------- */

static const char monitor_help[] =
    "usage: score monitor --model MODEL --signals FILE [--signals FILE ...] --asof YYYY-MM\n"
    "                     [--previous YYYY-MM] --out alerts.csv [--config FILE] [--strict]\n"
    "       score monitor --show-config [--config FILE]\n"
    "\n"
    "Early warnings: compares every enterprise's signals as of --asof with the previous\n"
    "month (--previous, default the month before) and writes the alerts raised, one per\n"
    "line, with the columns uscc,code,severity,message_zh,message_en,evidence (evidence: a\n"
    "JSON object of the values compared). Alerts are edge-triggered: raised in the month a\n"
    "condition becomes true. Each enterprise is looked at as of its latest month with\n"
    "data, at most the month asked for; one without data after the previous month raises\n"
    "nothing. The model scores both months for GRADE_FALL.\n"
    "\n"
    "  --config FILE   thresholds, severities, alerts switched off (JSON; see\n"
    "                  --show-config for every key and its default; docs/monitoring.md)\n"
    "  --show-config   print the configuration in force and stop\n"
    "  --evidence DIR  record the model bundle and configuration in force in the\n"
    "                  evidence log DIR (docs/evidence.md); --actor NAME: who runs it\n"
    "\n"
    "exit status: 0 done; 1 usage; 2 an input could not be used (nothing written);\n"
    "             3 done, but some signal lines were rejected\n";

static void csv_field(FILE *f, const char *text)
{
    fputc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static int write_alerts(const char *path, const score_alerts *alerts)
{
    cli_output out;
    if (cli_output_open(&out, path) != 0)
        return EXIT_UNUSABLE;
    fputs("uscc,code,severity,message_zh,message_en,evidence\n", out.file);
    size_t by_severity[4] = {0};
    for (size_t i = 0; i < score_alerts_count(alerts); i++) {
        score_alert a = {.size = sizeof a};
        score_alerts_get(alerts, i, &a);
        fprintf(out.file, "%s,%s,%s,", a.uscc, a.code, a.severity_name);
        csv_field(out.file, a.message_zh);
        fputc(',', out.file);
        csv_field(out.file, a.message_en);
        fputc(',', out.file);
        csv_field(out.file, a.evidence);
        fputc('\n', out.file);
        by_severity[a.severity & 3]++;
    }
    if (cli_output_commit(&out) != 0)
        return EXIT_UNUSABLE;
    fprintf(stderr, "score monitor: %zu alerts (%zu critical, %zu warning, %zu info) -> %s\n",
            score_alerts_count(alerts), by_severity[SCORE_SEVERITY_CRITICAL],
            by_severity[SCORE_SEVERITY_WARNING], by_severity[SCORE_SEVERITY_INFO], path);
    return EXIT_DONE;
}

static int show_config(const score_monitor_config *config)
{
    size_t len;
    if (score_monitor_config_json(config, NULL, 0, &len) != SCORE_OK)
        return cli_fail("monitor", "cannot write the configuration", SCORE_ENOMEM);
    char *text = malloc(len + 1);
    if (!text || score_monitor_config_json(config, text, len + 1, &len) != SCORE_OK) {
        free(text);
        return cli_fail("monitor", "cannot write the configuration", SCORE_ENOMEM);
    }
    fputs(text, stdout);
    free(text);
    return EXIT_DONE;
}

/* --evidence: which model bundle and which configuration the alerts come
 * from (a model_loaded and a config_loaded record). The alerts themselves
 * are not decisions on credit and are not logged one by one. */
static int log_monitor(const monitor_args *m, score_model *model,
                       const score_monitor_config *config)
{
    score_evidence_log *log;
    if (cli_evidence_open("monitor", m->evidence, &log) != EXIT_DONE)
        return EXIT_UNUSABLE;
    const char *actor = cli_evidence_actor(m->actor);
    int rc = score_model_attach_evidence(model, log, actor, m->model);
    score_model_attach_evidence(model, NULL, NULL, NULL);
    size_t len = 0;
    char *text = NULL;
    if (rc == SCORE_OK && (rc = score_monitor_config_json(config, NULL, 0, &len)) == SCORE_OK &&
        !(text = malloc(len + 1)))
        rc = SCORE_ENOMEM;
    if (rc == SCORE_OK && (rc = score_monitor_config_json(config, text, len + 1, &len)) == SCORE_OK) {
        score_evidence_entry e;
        score_evidence_entry_init(&e);
        e.kind = SCORE_EVIDENCE_CONFIG_LOADED;
        e.actor = actor;
        score_evidence_sha256_file(m->model, e.model_sha256);
        score_evidence_sha256(text, len, e.config_sha256);
        e.body = text;
        e.body_length = len;
        rc = score_evidence_append(log, &e, 1, NULL);
    }
    free(text);
    score_evidence_close(log);
    return rc == SCORE_OK ? EXIT_DONE : cli_fail("monitor", m->evidence, rc);
}

int cmd_monitor(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(monitor_help, stdout);
        return EXIT_DONE;
    }
    monitor_args m = {.command = "monitor", .needs_out = 1};
    if (parse(&m, "model asof previous out config show-config evidence actor", argc, argv) != 0)
        return EXIT_USAGE;
    score_monitor_config *config = NULL;
    int rc;
    if (m.config && (rc = score_monitor_config_load(m.config, &config)) != SCORE_OK)
        return cli_fail("monitor", "cannot use the configuration", rc);
    if (m.show_config) {
        int status = show_config(config);
        score_monitor_config_free(config);
        return status;
    }
    score_model *model;
    score_panel *panel;
    int status = load(&m, &model, &panel);
    if (status == EXIT_UNUSABLE) {
        score_monitor_config_free(config);
        return status;
    }
    if (m.evidence && status != EXIT_UNUSABLE && log_monitor(&m, model, config) != EXIT_DONE) {
        score_panel_free(panel);
        score_model_free(model);
        score_monitor_config_free(config);
        return EXIT_UNUSABLE;
    }
    score_alerts *alerts;
    rc = score_monitor_evaluate(model, config, panel, m.asof, m.previous, &alerts);
    if (rc != SCORE_OK) {
        status = cli_fail("monitor", "cannot evaluate", rc);
    } else {
        int written = write_alerts(m.out, alerts);
        status = written != EXIT_DONE ? written : status;
        score_alerts_free(alerts);
    }
    score_panel_free(panel);
    score_model_free(model);
    score_monitor_config_free(config);
    return status;
}

/* ---- drift ----------------------------------------------------------------------------- */

static const char drift_help[] =
    "usage: score drift --model MODEL --signals FILE [--signals FILE ...] --asof YYYY-MM\n"
    "                   [--previous YYYY-MM] [--out FILE.json] [--strict]\n"
    "\n"
    "Population stability of the portfolio against the model's training population:\n"
    "the PSI, sum (a - e) ln(a / e) over the bundle's bins and a bin for missing values,\n"
    "of every feature and of the score, with the verdicts stable (below 0.10),\n"
    "investigate (0.10 to 0.25) and shifted (above 0.25). A share below 0.0001 counts\n"
    "as 0.0001, so an empty bin gives a large but finite term. With --previous, also\n"
    "the migration matrix of grades between the two months (rows: previous grade).\n"
    "Writes JSON to --out, or to standard output.\n";

static int write_text(const char *path, const char *text)
{
    if (!path) {
        fputs(text, stdout);
        return fflush(stdout) == 0 ? EXIT_DONE : EXIT_UNUSABLE;
    }
    cli_output out;
    if (cli_output_open(&out, path) != 0)
        return EXIT_UNUSABLE;
    fputs(text, out.file);
    return cli_output_commit(&out) == 0 ? EXIT_DONE : EXIT_UNUSABLE;
}

static void print_drift_summary(const score_drift *d)
{
    size_t n = score_drift_count(d), verdicts[3] = {0};
    score_drift_entry score = {.size = sizeof score};
    for (size_t i = 0; i < n; i++) {
        score_drift_entry e = {.size = sizeof e};
        score_drift_get(d, i, &e);
        verdicts[e.verdict]++;
        if (i + 1 == n)
            score = e;
    }
    fprintf(stderr, "score drift: score PSI %.4f (%s); features: %zu stable, %zu investigate, "
            "%zu shifted\n", score.psi, score_psi_verdict_name(score.verdict), verdicts[0],
            verdicts[1], verdicts[2] - (score.verdict == SCORE_PSI_SHIFTED));
}

int cmd_drift(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(drift_help, stdout);
        return EXIT_DONE;
    }
    monitor_args m = {.command = "drift"};
    if (parse(&m, "model asof previous out", argc, argv) != 0)
        return EXIT_USAGE;
    score_model *model;
    score_panel *panel;
    int status = load(&m, &model, &panel);
    if (status == EXIT_UNUSABLE)
        return status;
    score_drift *d = NULL;
    int rc = score_drift_compute(model, panel, m.asof, m.previous, &d);
    size_t len;
    char *text = NULL;
    if (rc == SCORE_OK && (rc = score_drift_json(d, NULL, 0, &len)) == SCORE_OK) {
        text = malloc(len + 1);
        rc = text ? score_drift_json(d, text, len + 1, &len) : SCORE_ENOMEM;
    }
    if (rc != SCORE_OK) {
        status = cli_fail("drift", "cannot compute the drift", rc);
    } else {
        int written = write_text(m.out, text);
        status = written != EXIT_DONE ? written : status;
        print_drift_summary(d);
    }
    free(text);
    score_drift_free(d);
    score_panel_free(panel);
    score_model_free(model);
    return status;
}

/* ---- report ----------------------------------------------------------------------------- */

static const char report_help[] =
    "usage: score report --model MODEL --signals FILE [--signals FILE ...] --labels FILE\n"
    "                    --asof YYYY-MM --out report.html [--strict]\n"
    "\n"
    "The model validation report a risk committee reads, as one self-contained HTML\n"
    "file (inline SVG charts, no script, nothing fetched): ROC with AUC and Gini, the KS\n"
    "curve, calibration by grade (mean predicted PD against the observed default rate\n"
    "with Wilson 95% intervals), score distributions of goods and defaults, default\n"
    "rate by grade, PSI against the training population, the features with the largest\n"
    "average |contribution| (exact tree SHAP), and a summary of the data. The labels\n"
    "file has the header uscc,default (1: defaulted within 12 months after --asof).\n";

int cmd_report(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(report_help, stdout);
        return EXIT_DONE;
    }
    monitor_args m = {.command = "report", .needs_out = 1, .needs_labels = 1};
    if (parse(&m, "model asof out labels", argc, argv) != 0)
        return EXIT_USAGE;
    score_model *model;
    score_panel *panel;
    int status = load(&m, &model, &panel);
    if (status == EXIT_UNUSABLE)
        return status;
    score_report *report;
    int rc = score_report_new(model, panel, m.labels, m.asof, &report);
    if (rc == SCORE_OK) {
        rc = score_report_save(report, m.out);
        score_report_summary s = {.size = sizeof s};
        score_report_summary_get(report, &s);
        if (rc == SCORE_OK)
            fprintf(stderr, "score report: %zu labelled enterprises, %zu defaults; AUC %.4f, "
                    "Gini %.4f, KS %.4f -> %s\n", s.labelled, s.defaults, s.auc, s.gini, s.ks,
                    m.out);
        score_report_free(report);
    }
    if (rc != SCORE_OK)
        status = cli_fail("report", "cannot write the report", rc);
    score_panel_free(panel);
    score_model_free(model);
    return status;
}
