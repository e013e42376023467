#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: score enhance --request FILE.json [--config FILE.json] [--output FILE]\n"
    "       score enhance --requests FILE.jsonl [--config FILE.json] [--output FILE]\n"
    "       score enhance --show-config [--config FILE.json]\n"
    "\n"
    "What a loan application is worth to the bank, with and without its credit\n"
    "enhancements (guarantee, risk-compensation fund, pledged patents, order and\n"
    "receivable financing): the limit, the Basel IRB capital and the risk-adjusted\n"
    "minimum rate. Prints a JSON object with pd, grade, limit, lgd_effective,\n"
    "capital, risk_weight, rate, their parts, and a without_enhancement object\n"
    "with the same keys. Rates, shares and risk weights are fractions (0.7239);\n"
    "money is in yuan. docs/enhancement.md gives every rule and default.\n"
    "\n"
    "  --request FILE    one request, a JSON object ('-' reads stdin):\n"
    "                    {\"uscc\": \"914403001922038216\", \"pd\": 0.01, \"lgd\": 0.45,\n"
    "                     \"amount\": 5000000, \"tenor_years\": 2.5, \"annual_sales\": 39000000,\n"
    "                     \"orders_verified\": 2000000, \"receivables_verified\": 1000000,\n"
    "                     \"patents\": {\"invention\": 3000000, \"utility\": 500000},\n"
    "                     \"guarantee\": {\"share\": 0.5, \"pd\": 0.003},\n"
    "                     \"compensation_share\": 0.3}\n"
    "  --requests FILE   many requests, one JSON object a line; one result a line,\n"
    "                    with its line number; a bad line is reported on stderr as\n"
    "                    file:line: message and the batch goes on\n"
    "  --config FILE     the bank's parameters (JSON; every key optional)\n"
    "  --evidence DIR    log every priced request in the evidence log DIR (made when\n"
    "                    missing; docs/evidence.md); --actor NAME: who decides\n"
    "  --output FILE     write the results there instead of stdout\n"
    "  --show-config     print the configuration in force, every key, and stop\n"
    "  --model MODEL --signals FILE [--signals FILE ...] --asof YYYY-MM\n"
    "                    take each request's PD from the model: its enterprise\n"
    "                    (\"uscc\") is scored on the signals as of the month; a \"pd\"\n"
    "                    in the request is then ignored\n"
    "\n"
    "exit status: 0 done; 1 usage; 2 the request or configuration could not be\n"
    "             used (nothing written); 3 done, but some lines were rejected\n";

static const char name[] = "enhance";

/* ---- JSON output ---------------------------------------------------------- */

/* Yuan: a whole number when the fen are zero, otherwise with its decimals. */
static json_t *yuan(int64_t fen)
{
    if (fen % 100 == 0)
        return json_integer(fen / 100);
    return json_real((double)fen / 100.0);
}

static json_t *figures_json(const score_enhance_result *r)
{
    json_t *o = json_object();
    json_t *parts = json_object();
    json_object_set_new(o, "pd", json_real(r->pd));
    json_object_set_new(o, "grade", json_string(r->grade));
    json_object_set_new(o, "limit", yuan(r->limit));
    json_object_set_new(o, "lgd_effective", json_real(r->lgd_effective));
    json_object_set_new(o, "capital", yuan(r->capital));
    json_object_set_new(o, "risk_weight", json_real(r->risk_weight));
    json_object_set_new(o, "rate", json_real(r->rate));
    json_object_set_new(o, "rate_credit", json_real(r->rate_credit));
    json_object_set_new(o, "rate_capital", json_real(r->rate_capital));
    json_object_set_new(o, "capital_ratio", json_real(r->capital_ratio));
    json_object_set_new(o, "expected_loss", yuan(r->expected_loss));
    json_object_set_new(o, "limit_available", yuan(r->limit_available));
    json_object_set_new(parts, "sales", yuan(r->limit_sales));
    json_object_set_new(parts, "patents", yuan(r->limit_patents));
    json_object_set_new(parts, "orders", yuan(r->limit_orders));
    json_object_set_new(parts, "receivables", yuan(r->limit_receivables));
    json_object_set_new(o, "limit_parts", parts);
    json_object_set_new(o, "correlation", json_real(r->correlation));
    json_object_set_new(o, "firm_size", json_real(r->firm_size));
    json_object_set_new(o, "maturity", json_real(r->maturity));
    return o;
}

/* Where PDs come from when a model is given: the model scores the
 * request's enterprise on the panel as of the month. */
typedef struct pd_source {
    const score_model *model;
    const score_panel *panel;
    const char *asof;
} pd_source;

static int model_pd(const pd_source *src, score_enhance_request *request)
{
    size_t n = score_model_n_features(src->model);
    float *row = malloc(n * sizeof *row);
    if (!row)
        return SCORE_ENOMEM;
    int rc = request->uscc[0] ? score_features_enterprise(src->panel, request->uscc, src->asof, row)
                              : SCORE_EINVAL;
    if (rc == SCORE_OK)
        rc = score_model_predict(src->model, row, 1, NULL, &request->pd);
    else if (!request->uscc[0])
        fprintf(stderr, "score %s: a request needs \"uscc\" when the PD comes from a model\n", name);
    free(row);
    return rc;
}

/* Compute one parsed request and print its result; `line` 0 for none.
 * Returns SCORE_OK or the status of score_enhance_compute. */
static int compute_and_print(FILE *out, const score_enhance_config *config,
                             const score_enhance_request *given, const pd_source *src,
                             unsigned long long line, size_t indent)
{
    score_enhance_result with = {.size = sizeof with}, without = {.size = sizeof without};
    score_enhance_request copy = *given, *request = &copy;
    int rc = src ? model_pd(src, &copy) : SCORE_OK;
    if (rc == SCORE_OK)
        rc = score_enhance_compute(config, request, &with, &without);
    if (rc != SCORE_OK)
        return rc;
    json_t *o = json_object();
    if (line)
        json_object_set_new(o, "line", json_integer((json_int_t)line));
    if (request->uscc[0])
        json_object_set_new(o, "uscc", json_string(request->uscc));
    json_t *with_json = figures_json(&with);
    json_object_update(o, with_json);
    json_decref(with_json);
    json_object_set_new(o, "without_enhancement", figures_json(&without));
    json_dumpf(o, out, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) | JSON_INDENT(indent));
    fputc('\n', out);
    json_decref(o);
    return SCORE_OK;
}

/* ---- input ---------------------------------------------------------------- */

static FILE *open_input(const char *path)
{
    if (!strcmp(path, "-"))
        return stdin;
    FILE *f = fopen(path, "rb");
    if (!f)
        fprintf(stderr, "score %s: cannot read %s: %s\n", name, path, strerror(errno));
    return f;
}

static void close_input(FILE *f)
{
    if (f && f != stdin)
        fclose(f);
}

/* The whole of a file in a new buffer; NULL (message printed) on failure. */
static char *read_all(const char *path, size_t *length)
{
    FILE *f = open_input(path);
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    for (size_t n; text && (n = fread(text + len, 1, cap - len, f)) > 0;) {
        len += n;
        if (len == cap) {
            char *grown = realloc(text, cap *= 2);
            if (!grown)
                free(text);
            text = grown;
        }
    }
    int failed = ferror(f);
    close_input(f);
    if (!text || failed) {
        fprintf(stderr, "score %s: cannot read %s: %s\n", name, path,
                text ? "read error" : "out of memory");
        free(text);
        return NULL;
    }
    *length = len;
    return text;
}

static int blank(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", text[i]))
            return 0;
    return 1;
}

/* ---- the two modes ---------------------------------------------------------- */

static int one_request(FILE *out, const score_enhance_config *config, const pd_source *src,
                       const char *path)
{
    size_t length;
    char *text = read_all(path, &length);
    if (!text)
        return EXIT_UNUSABLE;
    const char *shown = !strcmp(path, "-") ? "stdin" : path;
    score_enhance_request request;
    score_enhance_request_init(&request);
    int rc = score_enhance_request_parse(text, length, shown, &request);
    free(text);
    if (rc == SCORE_OK && (rc = compute_and_print(out, config, &request, src, 0, 2)) != SCORE_OK) {
        fprintf(stderr, "score %s: %s: %s\n", name, shown, score_last_error());
        return EXIT_UNUSABLE;
    }
    if (rc != SCORE_OK)
        return cli_fail(name, "the request could not be used", rc);
    return EXIT_DONE;
}

/* A rejected line on stderr. The parser numbers lines and columns within
 * the text it was given; a JSON Lines record is one line, so its "1:" is
 * dropped in favour of the column alone. */
static void print_rejection(const char *where, const char *message)
{
    size_t n = strlen(where);
    if (!strncmp(message, where, n) && !strncmp(message + n, ":1:", 3))
        fprintf(stderr, "%s: column %s\n", where, message + n + 3);
    else
        fprintf(stderr, "%s\n", message);
}

static int many_requests(FILE *out, const score_enhance_config *config, const pd_source *src,
                         const char *path)
{
    FILE *in = open_input(path);
    if (!in)
        return EXIT_UNUSABLE;
    const char *shown = !strcmp(path, "-") ? "stdin" : path;
    char *line = NULL, where[4096];
    size_t cap = 0;
    unsigned long long number = 0, rejected = 0;
    for (ssize_t len; (len = getline(&line, &cap, in)) >= 0;) {
        number++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (blank(line, (size_t)len))
            continue;
        snprintf(where, sizeof where, "%s:%llu", shown, number);
        score_enhance_request request;
        score_enhance_request_init(&request);
        int rc = score_enhance_request_parse(line, (size_t)len, where, &request);
        if (rc == SCORE_OK && (rc = compute_and_print(out, config, &request, src, number, 0)) != SCORE_OK)
            fprintf(stderr, "%s: %s\n", where, score_last_error());
        else if (rc != SCORE_OK)
            print_rejection(where, score_last_error());
        rejected += rc != SCORE_OK;
    }
    int failed = ferror(in);
    free(line);
    close_input(in);
    if (failed) {
        fprintf(stderr, "score %s: cannot read %s\n", name, shown);
        return EXIT_UNUSABLE;
    }
    if (rejected)
        fprintf(stderr, "score %s: %llu of the requests in %s rejected\n", name, rejected, shown);
    return rejected ? EXIT_REJECTED : EXIT_DONE;
}

static int show_config(const score_enhance_config *config)
{
    size_t length;
    int rc = score_enhance_config_json(config, NULL, 0, &length);
    char *text = rc == SCORE_OK ? malloc(length + 1) : NULL;
    if (!text || (rc = score_enhance_config_json(config, text, length + 1, &length)) != SCORE_OK) {
        free(text);
        return cli_fail(name, "cannot write the configuration", rc ? rc : SCORE_ENOMEM);
    }
    fputs(text, stdout);
    free(text);
    return EXIT_DONE;
}

int cmd_enhance(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return EXIT_DONE;
    }
    const char *request = NULL, *requests = NULL, *config_path = NULL, *output = NULL;
    const char *model_path = NULL, *asof = NULL, *evidence = NULL, *actor = NULL;
    cli_signals signals = {0};
    int show = 0;
    cli_args a;
    cli_args_init(&a, name, argc, argv);
    for (const char *opt; (opt = cli_next(&a));) {
        const char **slot = !strcmp(opt, "--request")    ? &request
                            : !strcmp(opt, "--requests") ? &requests
                            : !strcmp(opt, "--config")   ? &config_path
                            : !strcmp(opt, "--output")   ? &output
                            : !strcmp(opt, "--model")    ? &model_path
                            : !strcmp(opt, "--asof")     ? &asof
                            : !strcmp(opt, "--evidence") ? &evidence
                            : !strcmp(opt, "--actor")    ? &actor
                                                         : NULL;
        int taken = cli_signals_option(&a, opt, &signals);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken > 0)
            continue;
        if (slot) {
            if (*slot)
                return cli_usage_error(name, "%s given twice", opt);
            if (!(*slot = cli_value(&a, opt)))
                return EXIT_USAGE;
        } else if (!strcmp(opt, "--show-config")) {
            show = 1;
        } else {
            return cli_usage_error(name, "unknown option '%s'", opt);
        }
    }
    if (!show && !request == !requests)
        return cli_usage_error(name, "give one of --request FILE or --requests FILE");
    if (show && (request || requests || output))
        return cli_usage_error(name, "--show-config takes only --config");
    if ((model_path || signals.n_files || asof) && !(model_path && signals.n_files && asof))
        return cli_usage_error(name, "a PD from a model needs --model, --signals and --asof");
    if (asof && !cli_is_month(asof))
        return cli_usage_error(name, "--asof takes a month YYYY-MM, got '%s'", asof);
    pd_source source = {NULL, NULL, asof};
    score_model *model = NULL;
    score_panel *panel = NULL;
    int read_status = EXIT_DONE;
    if (model_path) {
        int loaded = score_model_load(model_path, &model), kind = 0;
        if (loaded != SCORE_OK)
            return cli_fail(name, "cannot load the model", loaded);
        score_model_input(model, &kind);
        if (kind != SCORE_INPUT_SIGNALS) {
            score_model_free(model);
            return cli_usage_error(name, "%s eats a table; a PD from signals needs a signals model",
                                   model_path);
        }
        score_read_counts counts;
        read_status = cli_read_signals(name, &signals, &panel, &counts);
        if (read_status == EXIT_UNUSABLE) {
            score_model_free(model);
            return read_status;
        }
        source.model = model;
        source.panel = panel;
    }
    const pd_source *src = model ? &source : NULL;

    score_enhance_config *config;
    int rc = config_path ? score_enhance_config_load(config_path, &config)
                         : score_enhance_config_new(&config);
    if (rc != SCORE_OK) {
        score_model_free(model);
        score_panel_free(panel);
        return cli_fail(name, "the configuration could not be used", rc);
    }
    if (show) {
        int status = show_config(config);
        score_enhance_config_free(config);
        score_model_free(model);
        score_panel_free(panel);
        return status;
    }
    /* --evidence: an enhance record of every priced request (and the
     * model's score records when the PD comes from a model) */
    score_evidence_log *log = NULL;
    if (evidence && (cli_evidence_open(name, evidence, &log) != EXIT_DONE ||
                     (rc = score_enhance_config_attach_evidence(config, log,
                                                                cli_evidence_actor(actor))) ||
                     (model && (rc = score_model_attach_evidence(model, log,
                                                                 cli_evidence_actor(actor),
                                                                 model_path))))) {
        if (log)
            cli_fail(name, evidence, rc);
        score_enhance_config_free(config);
        score_model_free(model);
        score_panel_free(panel);
        score_evidence_close(log);
        return EXIT_UNUSABLE;
    }
    cli_output o = {0};
    FILE *out = stdout;
    if (output) {
        if (cli_output_open(&o, output) != 0) {
            score_evidence_close(log);
            score_enhance_config_free(config);
            score_model_free(model);
            score_panel_free(panel);
            return EXIT_UNUSABLE;
        }
        out = o.file;
    }
    int status = request ? one_request(out, config, src, request)
                         : many_requests(out, config, src, requests);
    if (status == EXIT_DONE && read_status == EXIT_REJECTED)
        status = EXIT_REJECTED;
    score_enhance_config_free(config);
    score_model_free(model);
    score_evidence_close(log);
    score_panel_free(panel);
    if (output) {
        if (status == EXIT_UNUSABLE)
            cli_output_abort(&o);
        else if (cli_output_commit(&o) != 0)
            status = EXIT_UNUSABLE;
    } else if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "score %s: cannot write the results: %s\n", name, strerror(errno));
        status = EXIT_UNUSABLE;
    }
    return status;
}
