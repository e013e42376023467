/*
 * loan_decision: libscore embedded in a bank's loan system, one applicant at
 * a time.
 *
 *   loan_decision MODEL [--asof YYYY-MM] [--signals FILE [--uscc CODE]]
 *
 * Without --signals, the applicant's 24 months of history come from the
 * bank's own memory (what its data warehouse already fetched) and are added
 * observation by observation; with --signals they come from a file of the
 * signal standard v1. Either way the applicant is scored as of a month and
 * a loan request is priced with and without a guarantee.
 *
 * Only the public header is used, as a bank's own program would.
 * Exit status: 0 done; 1 usage; 2 a libscore call failed (the message names
 * the call and gives score_last_error()).
 */
#include <score.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 1
#define EXIT_FAILED 2

/* A made-up applicant: a Hangzhou electronics firm. The check character
 * (the 18th) follows GB 32100-2015, so the code passes score_uscc_valid. */
#define APPLICANT_USCC "91330106MA2H7K4E13"
#define HISTORY_FIRST_YEAR 2023
#define HISTORY_MONTHS 24

typedef struct options {
    const char *model;
    const char *asof;
    const char *signals;
    const char *uscc;
} options;

/* ---- errors -------------------------------------------------------------- */

/* score_last_error() is only valid until this thread's next library call
 * (score_strerror included), so it is printed right after the call that
 * failed and before anything else is asked of the library. */
static int fail(const char *what, int rc)
{
    fprintf(stderr, "loan_decision: %s: %s\n", what, score_last_error());
    fprintf(stderr, "  (%s)\n", score_strerror(rc));
    return rc;
}

/* ---- money --------------------------------------------------------------- */

/* Fen to "1,234,567.89": the ledger is exact in fen and so is the print. The
 * magnitude is unsigned so that INT64_MIN has one. */
static const char *yuan(int64_t fen, char *buf, size_t size)
{
    uint64_t mag = fen < 0 ? 0u - (uint64_t)fen : (uint64_t)fen;
    char digits[24], grouped[40];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, mag / 100);
    size_t g = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[g++] = ',';
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    snprintf(buf, size, "%s%s.%02u", fen < 0 ? "-" : "", grouped, (unsigned)(mag % 100));
    return buf;
}

static int64_t yuan_to_fen(double yuan_amount)
{
    return (int64_t)llround(yuan_amount * 100.0);
}

/* ---- the bank's own data ------------------------------------------------- */

/* One month of the applicant as the bank's warehouse keeps it: numbers, not
 * the text of a signals file. */
typedef struct month_record {
    int year, month;
    double sales, tax_paid, kwh, water_m3, insured;
    double orders, chain_orders, receivables, top_buyer_share;
} month_record;

/* A firm growing about 15% a year, with the Spring Festival dip in February
 * and the year-end rush, so that the features see a believable pattern. */
static month_record history_month(int i)
{
    static const double season[12] = {0.92, 0.70, 1.02, 1.00, 1.03, 1.06,
                                      0.98, 1.00, 1.04, 1.02, 1.05, 1.18};
    double level = (1.0 + 0.012 * i) * season[i % 12];
    month_record r = {.year = HISTORY_FIRST_YEAR + i / 12, .month = i % 12 + 1};
    r.sales = 2350000.0 * level;
    r.tax_paid = 0.031 * r.sales;
    r.kwh = round(86000.0 * level);
    r.water_m3 = round(310.0 * season[i % 12]);
    r.insured = 38 + i / 3;
    r.orders = 1.08 * r.sales;
    r.chain_orders = 0.40 * r.orders;
    r.receivables = 1.6 * r.sales;
    r.top_buyer_share = 0.27;
    return r;
}

/* Text observations: the profile, annual ratings and sparse events (written
 * only in the months something happened, as the standard says). */
typedef struct text_observation {
    const char *source, *field, *period, *value;
} text_observation;

static const text_observation applicant_facts[] = {
    {"profile", "industry", "", "C3971"},
    {"profile", "established", "", "2016-05-18"},
    {"profile", "registered_capital", "", "10000000"},
    {"profile", "region", "", "330106"},
    {"profile", "hitech", "", "1"},
    {"profile", "srdi", "", "1"},
    {"profile", "little_giant", "", "0"},
    {"tax", "rating", "2023", "A"},
    {"tax", "rating", "2024", "A"},
    {"ip", "utility", "2023-04", "3"},
    {"ip", "invention", "2023-09", "1"},
    {"ip", "utility", "2024-02", "2"},
    {"ip", "invention", "2024-05", "2"},
    {"ip", "software", "2024-07", "1"},
    {"equity", "raised", "2024-04", "8000000"},
    {"equity", "gov_fund", "2024-04", "1"},
};

/* Late feed items, each showing one outcome of score_panel_add: a kWh keyed
 * with a letter O (rejected, the run goes on), a re-issued invoice total
 * (replaces the earlier figure), a field from a newer exporter (skipped). */
static const text_observation late_feed[] = {
    {"power", "kwh", "2024-12", "9O412"},
    {"tax", "sales", "2024-11", "3045210.50"},
    {"esg", "score", "2024", "72"},
};

/* ---- building the panel from memory -------------------------------------- */

typedef struct add_tally {
    unsigned accepted, replaced, skipped, rejected;
} add_tally;

/* A rejected observation is reported and counted, and the run goes on, as a
 * bad line of a file would be; any other failure stops the run. */
static int add_one(score_panel *panel, add_tally *tally, const char *source, const char *field,
                   const char *period, const char *value)
{
    int status;
    int rc = score_panel_add(panel, APPLICANT_USCC, source, field, period, value, &status);
    if (rc == SCORE_EREJECTED) {
        fprintf(stderr, "rejected, going on: %s:%s %s \"%s\": %s\n", source, field, period, value,
                score_last_error());
        tally->rejected++;
        return SCORE_OK;
    }
    if (rc != SCORE_OK)
        return fail("cannot add an observation", rc);
    tally->accepted += status == SCORE_ADD_ACCEPTED;
    tally->replaced += status == SCORE_ADD_REPLACED;
    tally->skipped += status == SCORE_ADD_SKIPPED;
    return SCORE_OK;
}

static int add_number(score_panel *panel, add_tally *tally, const char *source,
                      const char *field, const char *period, double value, int decimals)
{
    char text[64];
    snprintf(text, sizeof text, "%.*f", decimals, value);
    return add_one(panel, tally, source, field, period, text);
}

static int add_month(score_panel *panel, add_tally *tally, const month_record *r)
{
    char p[16];
    snprintf(p, sizeof p, "%04d-%02d", r->year, r->month);
    int rc = SCORE_OK;
    const struct {
        const char *source, *field;
        double value;
        int decimals;
    } fields[] = {
        {"tax", "sales", r->sales, 2},          {"tax", "paid", r->tax_paid, 2},
        {"tax", "arrears", 0, 0},               {"power", "kwh", r->kwh, 0},
        {"power", "arrears", 0, 0},             {"water", "m3", r->water_m3, 0},
        {"social", "insured", r->insured, 0},   {"social", "arrears", 0, 0},
        {"orders", "amount", r->orders, 2},     {"orders", "chain_master", r->chain_orders, 2},
        {"orders", "receivables", r->receivables, 2},
        {"orders", "top_buyer_share", r->top_buyer_share, 2},
    };
    for (size_t i = 0; rc == SCORE_OK && i < sizeof fields / sizeof fields[0]; i++)
        rc = add_number(panel, tally, fields[i].source, fields[i].field, p, fields[i].value,
                        fields[i].decimals);
    return rc;
}

static int add_texts(score_panel *panel, add_tally *tally, const text_observation *obs,
                     size_t n)
{
    int rc = SCORE_OK;
    for (size_t i = 0; rc == SCORE_OK && i < n; i++)
        rc = add_one(panel, tally, obs[i].source, obs[i].field, obs[i].period, obs[i].value);
    return rc;
}

static int panel_from_memory(score_panel *panel, char uscc[SCORE_USCC_SIZE])
{
    /* The bank's master data may hold a mistyped code; a code that fails its
     * check character would be refused by every observation anyway. */
    if (!score_uscc_valid(APPLICANT_USCC)) {
        fprintf(stderr, "loan_decision: %s is not a valid USCC\n", APPLICANT_USCC);
        return SCORE_EINVAL;
    }
    add_tally tally = {0};
    int rc = add_texts(panel, &tally, applicant_facts,
                       sizeof applicant_facts / sizeof applicant_facts[0]);
    for (int i = 0; rc == SCORE_OK && i < HISTORY_MONTHS; i++) {
        month_record r = history_month(i);
        rc = add_month(panel, &tally, &r);
    }
    if (rc == SCORE_OK)
        rc = add_texts(panel, &tally, late_feed, sizeof late_feed / sizeof late_feed[0]);
    if (rc != SCORE_OK)
        return rc;
    printf("observations from memory: %u accepted, %u replaced, %u skipped, %u rejected\n",
           tally.accepted, tally.replaced, tally.skipped, tally.rejected);
    memcpy(uscc, APPLICANT_USCC, sizeof APPLICANT_USCC);
    return SCORE_OK;
}

/* ---- or from a signals file ---------------------------------------------- */

static void print_diagnostic(void *user, const score_diagnostic *d)
{
    (void)user;
    if (d->severity == SCORE_DIAG_ERROR)
        fprintf(stderr, "rejected, going on: %s\n", d->text);
}

/* The applicant is --uscc, or the file's first enterprise when the file is
 * one applicant's export. */
static int pick_applicant(const score_panel *panel, const char *wanted, char uscc[SCORE_USCC_SIZE])
{
    size_t index;
    int rc;
    if (!wanted)
        rc = score_panel_enterprise(panel, 0, uscc);
    else if ((rc = score_panel_find(panel, wanted, &index)) == SCORE_OK)
        rc = score_panel_enterprise(panel, index, uscc);
    return rc == SCORE_OK ? rc : fail("cannot find the applicant in the signals", rc);
}

static int panel_from_file(score_panel *panel, const char *path, const char *wanted,
                           char uscc[SCORE_USCC_SIZE])
{
    score_read_options read_options;
    score_read_options_init(&read_options);
    read_options.diagnostic = print_diagnostic;
    score_read_counts counts = {.size = sizeof counts};
    int rc = score_panel_read_file(panel, path, &read_options, &counts);
    if (rc != SCORE_OK)
        return fail("cannot read the signals", rc);
    printf("observations from %s: %" PRIu64 " accepted, %" PRIu64 " replaced, %" PRIu64
           " skipped, %" PRIu64 " rejected\n",
           path, counts.accepted, counts.replaced, counts.skipped, counts.rejected);
    if (score_panel_n_enterprises(panel) == 0) {
        fprintf(stderr, "loan_decision: %s holds no enterprise\n", path);
        return SCORE_ENOTFOUND;
    }
    return pick_applicant(panel, wanted, uscc);
}

/* ---- scoring ------------------------------------------------------------- */

static int load_model(const char *path, score_model **out)
{
    int rc = score_model_load(path, out);
    if (rc != SCORE_OK)
        return fail("cannot load the model", rc);
    int kind;
    if ((rc = score_model_input(*out, &kind)) != SCORE_OK)
        return fail("cannot tell what the model eats", rc);
    if (kind != SCORE_INPUT_SIGNALS || score_model_n_features(*out) != score_features_count()) {
        fprintf(stderr, "loan_decision: %s does not score signals (feature spec v%d)\n", path,
                score_features_spec_version());
        return SCORE_EUNSUPPORTED;
    }
    return SCORE_OK;
}

static int print_reasons(const score_model *model, const float *row, const int *reasons)
{
    size_t k = score_model_n_reasons(model);
    printf("reasons (what pushes the risk up most):\n");
    for (size_t j = 0; j < k && reasons[j] >= 0; j++) {
        const char *code;
        char zh[256], en[256];
        size_t f = (size_t)reasons[j];
        int rc = score_model_reason(model, f, row[f], &code, zh, sizeof zh, en, sizeof en);
        if (rc != SCORE_OK)
            return fail("cannot name a reason", rc);
        printf("  %zu. %-18s %s\n     %-18s %s\n", j + 1, code, zh, "", en);
    }
    if (k == 0 || reasons[0] < 0)
        printf("  none: no feature pushes the risk above the average\n");
    return SCORE_OK;
}

static int score_applicant(const score_model *model, const score_panel *panel, const char *uscc,
                           const char *asof, double *pd_out)
{
    size_t k = score_model_n_reasons(model);
    float *row = malloc(score_features_count() * sizeof *row);
    int *reasons = malloc((k ? k : 1) * sizeof *reasons);
    double margin, pd;
    int score, grade;
    int rc = row && reasons ? SCORE_OK : SCORE_ENOMEM;
    if (rc != SCORE_OK)
        fprintf(stderr, "loan_decision: out of memory\n");
    else if ((rc = score_features_enterprise(panel, uscc, asof, row)) != SCORE_OK)
        fail("cannot compute the applicant's features", rc);
    else if ((rc = score_model_score(model, row, 1, &margin, &pd, &score, &grade, reasons)) !=
             SCORE_OK)
        fail("cannot score the applicant", rc);
    if (rc == SCORE_OK) {
        printf("\napplicant %s as of %s\n", uscc, asof);
        printf("pd %.4f%%  score %d\n", 100.0 * pd, score);
        printf("grade %s\n", score_model_grade_name(model, (size_t)grade));
        rc = print_reasons(model, row, reasons);
        *pd_out = pd;
    }
    free(reasons);
    free(row);
    return rc;
}

/* ---- pricing ------------------------------------------------------------- */

/* Sales of the twelve months ending at `asof` (YYYYMM); -1 (unknown to
 * score_enhance_compute) when there are none. A missing month adds nothing:
 * that can only lower the unsecured line, the cautious side. */
static int64_t sales_last_year(const int *months, const double *values, size_t n, int asof)
{
    double sum = 0;
    size_t have = 0;
    for (size_t i = 0; i < n; i++) {
        int age = (asof / 100 - months[i] / 100) * 12 + asof % 100 - months[i] % 100;
        if (age < 12 && !isnan(values[i])) {
            sum += values[i];
            have++;
        }
    }
    return have ? yuan_to_fen(sum) : -1;
}

/* The trailing twelve months of invoiced sales set the unsecured line and
 * the firm-size adjustment. They are taken from the panel, not the bank's
 * records, so that a file and memory give them the same way. */
static int trailing_sales(const score_panel *panel, const char *uscc, const char *asof,
                          int64_t *fen)
{
    size_t n;
    int rc = score_panel_series(panel, uscc, "tax", "sales", asof, NULL, NULL, 0, &n);
    if (rc != SCORE_OK)
        return fail("cannot read the applicant's sales", rc);
    int *months = malloc((n + 1) * sizeof *months);
    double *values = malloc((n + 1) * sizeof *values);
    int year = 0, month = 0;
    sscanf(asof, "%d-%d", &year, &month);
    if (!months || !values) {
        fprintf(stderr, "loan_decision: out of memory\n");
        rc = SCORE_ENOMEM;
    } else if ((rc = score_panel_series(panel, uscc, "tax", "sales", asof, months, values, n,
                                        &n)) != SCORE_OK) {
        fail("cannot read the applicant's sales", rc);
    } else {
        *fen = sales_last_year(months, values, n, year * 100 + month);
    }
    free(months);
    free(values);
    return rc;
}

static void print_row_money(const char *label, int64_t with, int64_t without)
{
    char a[40], b[40];
    printf("  %-24s %18s %18s\n", label, yuan(with, a, sizeof a), yuan(without, b, sizeof b));
}

static void print_figures(const score_enhance_result *with, const score_enhance_result *without)
{
    printf("  %-24s %18s %18s\n", "", "with guarantee", "without");
    printf("  %-24s %18s %18s\n", "grade", with->grade, without->grade);
    print_row_money("limit (yuan)", with->limit, without->limit);
    print_row_money("limit available (yuan)", with->limit_available, without->limit_available);
    printf("  %-24s %18.4f %18.4f\n", "LGD borne by the bank", with->lgd_effective,
           without->lgd_effective);
    printf("  %-24s %18.4f %18.4f\n", "risk weight", with->risk_weight, without->risk_weight);
    print_row_money("capital (yuan)", with->capital, without->capital);
    print_row_money("expected loss (yuan)", with->expected_loss, without->expected_loss);
    printf("  %-24s %17.2f%% %17.2f%%\n", "minimum rate", 100.0 * with->rate,
           100.0 * without->rate);
}

static int price_loan(const score_panel *panel, const char *uscc, const char *asof, double pd)
{
    score_enhance_request request;
    score_enhance_request_init(&request);
    memcpy(request.uscc, uscc, sizeof request.uscc);
    request.pd = pd;
    request.amount = yuan_to_fen(3000000.00);
    request.tenor_years = 2.0;
    /* The guarantee is the request's only enhancement, so the library's
     * figures "without enhancements" are exactly the loan without it. */
    request.guarantee_share = 0.5;
    request.guarantee_pd = 0.003;
    request.guarantee_approach = SCORE_GUARANTEE_LGD_SHARING;
    int rc = trailing_sales(panel, uscc, asof, &request.annual_sales);
    if (rc != SCORE_OK)
        return rc;

    score_enhance_config *config;
    if ((rc = score_enhance_config_new(&config)) != SCORE_OK)
        return fail("cannot make the pricing configuration", rc);
    score_enhance_result with = {.size = sizeof with}, without = {.size = sizeof without};
    rc = score_enhance_compute(config, &request, &with, &without);
    if (rc != SCORE_OK)
        fail("cannot price the loan", rc);
    score_enhance_config_free(config);
    if (rc != SCORE_OK)
        return rc;

    char amount[40], sales[40];
    printf("\nloan request: %s yuan over %.1f years, 50%% guaranteed (guarantor PD %.2f%%)\n",
           yuan(request.amount, amount, sizeof amount), request.tenor_years,
           100.0 * request.guarantee_pd);
    printf("annual sales: %s yuan\n",
           request.annual_sales < 0 ? "unknown" : yuan(request.annual_sales, sales, sizeof sales));
    print_figures(&with, &without);
    return SCORE_OK;
}

/* ---- the run ------------------------------------------------------------- */

static int run(const options *o)
{
    score_model *model = NULL;
    score_panel *panel = NULL;
    char uscc[SCORE_USCC_SIZE];
    double pd = 0;
    int rc = load_model(o->model, &model);
    if (rc == SCORE_OK && (rc = score_panel_new(&panel)) != SCORE_OK)
        fail("cannot create a panel", rc);
    if (rc == SCORE_OK)
        rc = o->signals ? panel_from_file(panel, o->signals, o->uscc, uscc)
                        : panel_from_memory(panel, uscc);
    if (rc == SCORE_OK)
        rc = score_applicant(model, panel, uscc, o->asof, &pd);
    if (rc == SCORE_OK)
        rc = price_loan(panel, uscc, o->asof, pd);
    score_panel_free(panel);
    score_model_free(model);
    return rc;
}

static int usage(const char *message)
{
    if (message)
        fprintf(stderr, "loan_decision: %s\n", message);
    fprintf(stderr,
            "usage: loan_decision MODEL [--asof YYYY-MM] [--signals FILE [--uscc CODE]]\n");
    return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, options *o)
{
    *o = (options){.asof = "2024-12"};
    for (int i = 1; i < argc; i++) {
        const char **slot = !strcmp(argv[i], "--asof")      ? &o->asof
                            : !strcmp(argv[i], "--signals") ? &o->signals
                            : !strcmp(argv[i], "--uscc")    ? &o->uscc
                                                            : NULL;
        if (slot && i + 1 < argc)
            *slot = argv[++i];
        else if (!slot && argv[i][0] != '-' && !o->model)
            o->model = argv[i];
        else
            return usage(slot ? "an option lacks its value" : "unexpected argument");
    }
    if (!o->model)
        return usage("the model bundle is required");
    if (o->uscc && !o->signals)
        return usage("--uscc picks an enterprise of --signals");
    if (o->uscc && !score_uscc_valid(o->uscc))
        return usage("--uscc is not a valid unified social credit code");
    return 0;
}

int main(int argc, char **argv)
{
    /* A program built against one header may meet another library at run
     * time; only the major version promises the same ABI. */
    if (score_version() / 10000 != SCORE_VERSION_MAJOR) {
        fprintf(stderr, "loan_decision: built for libscore %s, loaded %s\n",
                SCORE_VERSION_STRING, score_version_string());
        return EXIT_FAILED;
    }
    /* Line by line, so that a rejection on stderr lands among the lines it
     * concerns when both streams go to one log. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    options o;
    if (parse_args(argc, argv, &o))
        return EXIT_USAGE;
    printf("libscore %s\n", score_version_string());
    return run(&o) == SCORE_OK ? EXIT_SUCCESS : EXIT_FAILED;
}
