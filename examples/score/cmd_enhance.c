#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char synopsis[] =
    "score enhance --request FILE.json [--config FILE.json] [--output FILE]\n"
    "       score enhance --requests FILE.jsonl [--config FILE.json] [--output FILE]\n"
    "       score enhance --show-config [--config FILE.json]";

static const char about[] =
    "What a loan application is worth to the bank, with and without its credit\n"
    "enhancements (guarantee, risk-compensation fund, pledged patents, order and\n"
    "receivable financing): the limit, the Basel IRB capital and the risk-adjusted\n"
    "minimum rate. Prints a JSON object with pd, grade, limit, lgd_effective,\n"
    "capital, risk_weight, rate, their parts, and a without_enhancement object\n"
    "with the same keys. Rates, shares and risk weights are fractions (0.7239);\n"
    "money is in yuan. docs/enhancement.md gives every rule and default.\n"
    "\n"
    "A request is a JSON object:\n"
    "  {\"uscc\": \"914403001922038216\", \"pd\": 0.01, \"lgd\": 0.45,\n"
    "   \"amount\": 5000000, \"tenor_years\": 2.5, \"annual_sales\": 39000000,\n"
    "   \"orders_verified\": 2000000, \"receivables_verified\": 1000000,\n"
    "   \"patents\": {\"invention\": 3000000, \"utility\": 500000},\n"
    "   \"guarantee\": {\"share\": 0.5, \"pd\": 0.003},\n"
    "   \"compensation_share\": 0.3}\n"
    "With --requests, one result a line, with its line number; a bad line is\n"
    "reported on stderr as file:line: message and the batch goes on. With --model,\n"
    "--signals and --asof, each request's PD comes from the model: its enterprise\n"
    "(\"uscc\") is scored on the signals as of the month; a \"pd\" in the request\n"
    "is then ignored.\n";

static const char exit_status[] =
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
    cli_json_print(out, o, (int)indent); /* a write error is caught when the output closes */
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
    return cli_flush_stdout(name) == 0 ? EXIT_DONE : EXIT_UNUSABLE;
}

int cmd_enhance(int argc, char **argv)
{
    const char *request = NULL, *requests = NULL, *config_path = NULL, *output = NULL;
    const char *model_path = NULL, *asof = NULL;
    cli_signals signals = {0};
    int show = 0;
    cli_option options[] = {
        CLI_OPT_IN("request", &request, "FILE", CLI_OWN_STDIN, "one request, a JSON object "
                                                               "('-' reads stdin)"),
        CLI_OPT_IN("requests", &requests, "FILE", CLI_OWN_STDIN,
                   "many requests, one JSON object a line ('-' reads stdin)"),
        CLI_OPT_IN("config", &config_path, "FILE", 0, "the bank's parameters (JSON; every key "
                                                      "optional)"),
        CLI_OPT_OUT("output", &output, "FILE", 0, "write the results there ('-' or none: stdout)"),
        CLI_OPT_FLAG("show-config", &show, "print the configuration in force, every key, and "
                                           "stop"),
        CLI_OPT_IN("model", &model_path, "MODEL", 0, "take each request's PD from the model"),
        CLI_SIGNALS_OPTIONS(&signals, 0),
        CLI_OPT_MONTH("asof", &asof, 0, "(with --model) the as-of month of the PD"),
        CLI_OPT_END,
    };
    cli_spec spec = {name, synopsis, about, exit_status, options};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;
    if (!show && !request == !requests)
        return cli_usage_error(name, "give one of --request FILE or --requests FILE");
    if (show && (request || requests || output))
        return cli_usage_error(name, "--show-config takes only --config");
    if ((model_path || signals.files.n || asof) && !(model_path && signals.files.n && asof))
        return cli_usage_error(name, "a PD from a model needs --model, --signals and --asof");
    pd_source source = {NULL, NULL, asof};
    score_model *model = NULL;
    score_panel *panel = NULL;
    int read_status = EXIT_DONE;
    if (model_path) {
        int loaded = cli_load_model(name, model_path, SCORE_INPUT_SIGNALS, &model);
        if (loaded != EXIT_DONE)
            return loaded;
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
    cli_output o = {0};
    FILE *out = stdout;
    if (output) {
        if (cli_output_open(&o, output) != 0) {
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
    score_panel_free(panel);
    if (output) {
        if (status == EXIT_UNUSABLE)
            cli_output_abort(&o);
        else if (cli_output_commit(&o) != 0)
            status = EXIT_UNUSABLE;
    } else if (cli_flush_stdout(name) != 0) {
        status = EXIT_UNUSABLE;
    }
    return status;
}
