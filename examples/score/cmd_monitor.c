/* score monitor, score drift, score report. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"

/* Options these three commands share. */
typedef struct monitor_args {
    const char *command;
    cli_signals signals;
    const char *model, *asof, *previous, *out, *config, *labels, *evidence, *actor;
    int show_config;
    int threads;   /* --threads (score monitor) */
} monitor_args;

/* The table entries of the model, the signals and the month. */
#define MONITOR_OPTIONS(m, required)                                                           \
    CLI_OPT_IN("model", &(m)->model, "MODEL", required, "the model bundle (a signals model)"),  \
    CLI_SIGNALS_OPTIONS(&(m)->signals, required),                                              \
    CLI_OPT_MONTH("asof", &(m)->asof, required, "the month looked at")

#define PREVIOUS_OPTION(m)                                                                     \
    CLI_OPT_MONTH("previous", &(m)->previous, 0, "the month compared with (default: the\n"      \
                                                 "month before --asof)")

/* Parse against the table; then --previous before --asof. CLI_GO_ON, or the
 * exit status to return. */
static int parse(monitor_args *m, const cli_spec *spec, int argc, char **argv)
{
    int parsed = cli_parse(spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;
    if (m->previous && m->asof && strcmp(m->previous, m->asof) >= 0)
        return cli_usage_error(m->command, "--previous (%s) must be before --asof (%s)",
                               m->previous, m->asof);
    return CLI_GO_ON;
}

/* The model and the panel; EXIT_DONE, EXIT_REJECTED, or EXIT_USAGE or
 * EXIT_UNUSABLE with neither. */
static int load(const monitor_args *m, score_model **model, score_panel **panel)
{
    int loaded = cli_load_model(m->command, m->model, SCORE_INPUT_SIGNALS, model);
    if (loaded != EXIT_DONE)
        return loaded;
    score_read_counts counts;
    int status = cli_read_signals(m->command, &m->signals, panel, &counts);
    if (status == EXIT_UNUSABLE)
        score_model_free(*model);
    return status;
}

/* ---- monitor ------------------------------------------------------------------------- */

static const char monitor_synopsis[] =
    "score monitor --model MODEL --signals FILE [--signals FILE ...] --asof YYYY-MM\n"
    "                     [--previous YYYY-MM] --out alerts.csv [--config FILE] [--strict]\n"
    "       score monitor --show-config [--config FILE]";

static const char monitor_about[] =
    "Early warnings: compares every enterprise's signals as of --asof with the previous\n"
    "month (--previous, default the month before) and writes the alerts raised, one per\n"
    "line, with the columns uscc,code,severity,message_zh,message_en,evidence (evidence: a\n"
    "JSON object of the values compared). Alerts are edge-triggered: raised in the month a\n"
    "condition becomes true. Each enterprise is looked at as of its latest month with\n"
    "data, at most the month asked for; one without data after the previous month raises\n"
    "nothing. The model scores both months for GRADE_FALL.\n";

static int write_alerts(const char *path, const score_alerts *alerts)
{
    cli_output out;
    if (cli_output_open(&out, path) != 0)
        return EXIT_UNUSABLE;
    csv_writer w;
    csv_init(&w, out.file);
    static const char *const columns[] = {"uscc", "code", "severity", "message_zh", "message_en",
                                          "evidence"};
    for (size_t j = 0; j < sizeof columns / sizeof columns[0]; j++)
        csv_field(&w, columns[j]);
    csv_end_row(&w);
    size_t by_severity[4] = {0};
    for (size_t i = 0; i < score_alerts_count(alerts); i++) {
        score_alert a = {.size = sizeof a};
        score_alerts_get(alerts, i, &a);
        const char *fields[] = {a.uscc, a.code, a.severity_name, a.message_zh, a.message_en,
                                a.evidence};
        for (size_t j = 0; j < sizeof fields / sizeof fields[0]; j++)
            csv_field(&w, fields[j]);
        csv_end_row(&w);
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
    return cli_flush_stdout("monitor") == 0 ? EXIT_DONE : EXIT_UNUSABLE;
}

/* --evidence: which model bundle and which configuration the alerts come
 * from. Alerts are not decisions on credit and are not logged one by one. */
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
    monitor_args m = {.command = "monitor", .threads = cli_default_threads()};
    cli_option options[] = {
        MONITOR_OPTIONS(&m, 0),
        PREVIOUS_OPTION(&m),
        CLI_OPT_OUT("out", &m.out, "FILE.csv", 0, "the alerts written ('-': stdout)"),
        CLI_OPT_IN("config", &m.config, "FILE", 0, "thresholds, severities, alerts switched off\n"
                                                   "(JSON; docs/monitoring.md)"),
        CLI_OPT_FLAG("show-config", &m.show_config, "print the configuration in force, every\n"
                                                    "key and its value, and stop"),
        CLI_OPT_THREADS(&m.threads),
        CLI_EVIDENCE_OPTIONS(&m.evidence, &m.actor,
                             "the model bundle and configuration in force"),
        CLI_OPT_END,
    };
    cli_spec spec = {"monitor", monitor_synopsis, monitor_about, NULL, options};
    int parsed = parse(&m, &spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;
    if (m.show_config && (m.model || m.signals.files.n || m.asof || m.previous || m.out))
        return cli_usage_error("monitor", "--show-config takes only --config");
    if (!m.show_config && (!m.model || !m.signals.files.n || !m.asof || !m.out))
        return cli_usage_error("monitor", "--model, --signals, --asof and --out are required");
    score_monitor_config *config = NULL;
    int rc;
    if (m.config && (rc = score_monitor_config_load(m.config, &config)) != SCORE_OK) {
        char what[4200];
        snprintf(what, sizeof what, "the configuration %s cannot be used", m.config);
        return cli_fail("monitor", what, rc);
    }
    if (m.show_config) {
        int status = show_config(config);
        score_monitor_config_free(config);
        return status;
    }
    score_model *model;
    score_panel *panel;
    int status = load(&m, &model, &panel);
    if (status == EXIT_UNUSABLE || status == EXIT_USAGE) {
        score_monitor_config_free(config);
        return status;
    }
    if (m.evidence && log_monitor(&m, model, config) != EXIT_DONE) {
        score_panel_free(panel);
        score_model_free(model);
        score_monitor_config_free(config);
        return EXIT_UNUSABLE;
    }
    score_alerts *alerts;
    score_batch_options batch;
    score_batch_options_init(&batch);
    batch.threads = (unsigned)m.threads;
    rc = score_monitor_evaluate_batch(model, config, panel, m.asof, m.previous, &batch, &alerts);
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

static const char drift_about[] =
    "Population stability of the portfolio against the model's training population:\n"
    "the PSI, sum (a - e) ln(a / e) over the bundle's bins and a bin for missing values,\n"
    "of every feature and of the score, with the verdicts stable (below 0.10),\n"
    "investigate (0.10 to 0.25) and shifted (above 0.25). A share below 0.0001 counts\n"
    "as 0.0001, so an empty bin gives a large but finite term. With --previous, also\n"
    "the migration matrix of grades between the two months (rows: previous grade).\n"
    "Writes JSON to --out, or to standard output.\n";

static int write_text(const char *path, const char *text)
{
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
    monitor_args m = {.command = "drift", .out = "-"};
    cli_option options[] = {
        MONITOR_OPTIONS(&m, CLI_REQUIRED),
        PREVIOUS_OPTION(&m),
        CLI_OPT_OUT("out", &m.out, "FILE.json", 0, "where the JSON goes (default '-': stdout)"),
        CLI_OPT_END,
    };
    cli_spec spec = {"drift", NULL, drift_about, NULL, options};
    int parsed = parse(&m, &spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;
    score_model *model;
    score_panel *panel;
    int status = load(&m, &model, &panel);
    if (status == EXIT_UNUSABLE || status == EXIT_USAGE)
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
        if (written == EXIT_DONE)
            print_drift_summary(d);
    }
    free(text);
    score_drift_free(d);
    score_panel_free(panel);
    score_model_free(model);
    return status;
}

/* ---- report ----------------------------------------------------------------------------- */

static const char report_about[] =
    "The model validation report a risk committee reads, as one self-contained HTML\n"
    "file (inline SVG charts, no script, nothing fetched): ROC with AUC and Gini, the KS\n"
    "curve, calibration by grade (mean predicted PD against the observed default rate\n"
    "with Wilson 95% intervals), score distributions of goods and defaults, default\n"
    "rate by grade, PSI against the training population, the features with the largest\n"
    "average |contribution| (exact tree SHAP), and a summary of the data. The labels\n"
    "file has the header uscc,default (1: defaulted within 12 months after --asof).\n";

int cmd_report(int argc, char **argv)
{
    monitor_args m = {.command = "report"};
    cli_option options[] = {
        MONITOR_OPTIONS(&m, CLI_REQUIRED),
        CLI_OPT_IN("labels", &m.labels, "FILE", CLI_REQUIRED, "a CSV uscc,default"),
        CLI_OPT_OUT("out", &m.out, "report.html", CLI_REQUIRED, "the report written"),
        CLI_OPT_END,
    };
    cli_spec spec = {"report", NULL, report_about, NULL, options};
    int parsed = parse(&m, &spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;
    score_model *model;
    score_panel *panel;
    int status = load(&m, &model, &panel);
    if (status == EXIT_UNUSABLE || status == EXIT_USAGE)
        return status;
    score_report *report = NULL;
    /* the report writer writes a device in place: "-" is stdout */
    const char *path = strcmp(m.out, "-") ? m.out : "/dev/stdout";
    int rc = score_report_new(model, panel, m.labels, m.asof, &report);
    if (rc != SCORE_OK) {
        status = cli_fail("report", "cannot make the report", rc);
    } else if ((rc = score_report_save(report, path)) != SCORE_OK) {
        status = cli_fail("report", "cannot write the report", rc);
    } else {
        score_report_summary s = {.size = sizeof s};
        score_report_summary_get(report, &s);
        fprintf(stderr, "score report: %zu labelled enterprises, %zu defaults; AUC %.4f, "
                "Gini %.4f, KS %.4f -> %s\n", s.labelled, s.defaults, s.auc, s.gini, s.ks, m.out);
    }
    score_report_free(report);
    score_panel_free(panel);
    score_model_free(model);
    return status;
}
