/* Early warnings: each alert fires on a hand-made panel built to trigger it
 * and not on the panel one step short of its threshold; edge triggering;
 * the configuration; the incremental monitor gives exactly the alerts of
 * re-evaluating the whole portfolio; allocation failures. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "monitor/monitor.h"

/* ---- a hand-made enterprise: 30 months to December 2024 --------------------- */

#define N_MONTHS 30
#define LAST SC_MONTH(2024, 12)
#define FIRST (LAST - N_MONTHS + 1)
#define K(k) (N_MONTHS - 1 - (k)) /* the index of month T-k */

typedef struct hand {
    double v[SC_N_FIELDS][N_MONTHS]; /* NaN: no line */
} hand;

static void base(hand *h)
{
    for (int f = 0; f < SC_N_FIELDS; f++)
        for (int m = 0; m < N_MONTHS; m++)
            h->v[f][m] = NAN;
    for (int m = 0; m < N_MONTHS; m++) {
        h->v[F_TAX_SALES][m] = 1e6;
        h->v[F_TAX_PAID][m] = 6e4;
        h->v[F_TAX_ARREARS][m] = 0;
        h->v[F_POWER_KWH][m] = 1e5;
        h->v[F_POWER_ARREARS][m] = 0;
        h->v[F_SOCIAL_INSURED][m] = 50;
        h->v[F_SOCIAL_ARREARS][m] = 0;
        h->v[F_ORDERS_AMOUNT][m] = 8e5;
        h->v[F_ORDERS_TOP_BUYER_SHARE][m] = 0.30;
        h->v[F_COURT_DISHONEST][m] = 0;
        if ((FIRST + m) % 12 == 11)
            h->v[F_TAX_RATING][m] = SC_RATING_B;
    }
}

static const char *const rating_letters = "?ABMCD";

static char *hand_csv(const hand *h, const char *uscc)
{
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, "uscc,source,field,period,value\n%s,profile,industry,,C3971\n"
                            "%s,profile,established,,2015-03-01\n", uscc, uscc);
    for (int f = 0; f < SC_N_FIELDS; f++)
        for (int m = 0; m < N_MONTHS; m++) {
            double v = h->v[f][m];
            if (isnan(v))
                continue;
            int month = FIRST + m;
            char period[16], value[32];
            if (f == F_TAX_RATING) {
                snprintf(period, sizeof period, "%d", month / 12);
                snprintf(value, sizeof value, "%c", rating_letters[(int)v]);
            } else {
                snprintf(period, sizeof period, "%04d-%02d", month / 12, month % 12 + 1);
                sc_snprintf(value, sizeof value, "%.6f", v);
            }
            if (len + 256 > cap)
                text = realloc(text, cap *= 2);
            len += (size_t)snprintf(text + len, cap - len, "%s,%s,%s,%s,%s\n", uscc,
                                    sc_fields[f].source_name, sc_fields[f].field_name, period, value);
        }
    return text;
}

static score_panel *hand_panel(const hand *h)
{
    char uscc[19];
    make_uscc(7, uscc);
    char *text = hand_csv(h, uscc);
    score_panel *panel;
    score_read_counts counts;
    diag_log log;
    int rc = read_text(text, 1, &counts, &log, &panel);
    cr_assert_eq(rc, SCORE_OK, "%s", score_last_error());
    free(text);
    return panel;
}

/* The alerts of the hand-made enterprise between November and December 2024. */
static score_alerts *alerts_of(const hand *h, const score_monitor_config *config,
                               const score_model *model)
{
    score_panel *panel = hand_panel(h);
    score_alerts *alerts;
    cr_assert_eq(score_monitor_evaluate(model, config, panel, "2024-12", NULL, &alerts), SCORE_OK,
                 "%s", score_last_error());
    score_panel_free(panel);
    return alerts;
}

/* The alert with this code, into *out; 0 when there is none. */
static int find_alert(const score_alerts *alerts, const char *code, score_alert *out)
{
    for (size_t i = 0; i < score_alerts_count(alerts); i++) {
        score_alert a = {.size = sizeof a};
        cr_assert_eq(score_alerts_get(alerts, i, &a), SCORE_OK);
        if (!strcmp(a.code, code)) {
            if (out)
                *out = a;
            return 1;
        }
    }
    return 0;
}

static int fires(const hand *h, const char *code, const score_monitor_config *config)
{
    score_alerts *alerts = alerts_of(h, config, NULL);
    int found = find_alert(alerts, code, NULL);
    score_alerts_free(alerts);
    return found;
}

typedef void (*setup_fn)(hand *h, int at_threshold);

/* Fires on the panel at its threshold, not on the one a step short, and
 * never on the unchanged base enterprise. */
static void check(const char *code, setup_fn setup)
{
    hand h;
    base(&h);
    cr_assert_not(fires(&h, code, NULL), "%s fires on the base enterprise", code);
    setup(&h, 1);
    cr_assert(fires(&h, code, NULL), "%s does not fire at its threshold", code);
    base(&h);
    setup(&h, 0);
    cr_assert_not(fires(&h, code, NULL), "%s fires one step short of its threshold", code);
}

/* ---- one setup per alert --------------------------------------------------------- */

/* Power at T so that the quarter's mean is 70% (30% down), or 71% of before. */
static void power_drop(hand *h, int at)
{
    h->v[F_POWER_KWH][K(0)] = at ? 1e4 : 1.3e4;
}

static void power_yoy_drop(hand *h, int at)
{
    /* the quarter before is as low as now, so only the year-on-year fall is new */
    for (int k = 3; k <= 5; k++)
        h->v[F_POWER_KWH][K(k)] = 7e4;
    h->v[F_POWER_KWH][K(0)] = at ? 1e4 : 1.3e4;
}

static void sales_drop(hand *h, int at)
{
    h->v[F_TAX_SALES][K(0)] = at ? 1e5 : 1.3e5;
}

static void sales_yoy_drop(hand *h, int at)
{
    for (int k = 3; k <= 5; k++)
        h->v[F_TAX_SALES][K(k)] = 7e5;
    h->v[F_TAX_SALES][K(0)] = at ? 1e5 : 1.3e5;
}

static void tax_arrears(hand *h, int at)
{
    h->v[F_TAX_ARREARS][K(0)] = at ? 0.01 : 0;
}

static void power_arrears(hand *h, int at)
{
    h->v[F_POWER_ARREARS][K(0)] = at ? 0.01 : 0;
}

static void social_arrears(hand *h, int at)
{
    h->v[F_SOCIAL_ARREARS][K(0)] = at ? 0.01 : 0;
}

static void headcount_drop(hand *h, int at)
{
    h->v[F_SOCIAL_INSURED][K(0)] = at ? 40 : 41; /* -20% or -18% on 50 */
}

static void headcount_small_firm(hand *h, int at)
{
    /* -20% at both, but a loss of 3 (the default min_loss) against 2 */
    for (int m = 0; m < N_MONTHS; m++)
        h->v[F_SOCIAL_INSURED][m] = at ? 15 : 10;
    h->v[F_SOCIAL_INSURED][K(0)] = at ? 12 : 8;
}

static void lawsuit(hand *h, int at)
{
    if (at)
        h->v[F_COURT_CASES][K(0)] = 1;
}

static void enforcement(hand *h, int at)
{
    h->v[F_COURT_ENFORCED][K(0)] = at ? 0.01 : 0;
}

static void dishonest(hand *h, int at)
{
    h->v[F_COURT_DISHONEST][K(0)] = at ? 1 : 0;
}

static void rating_c(hand *h, int at)
{
    h->v[F_TAX_RATING][K(0)] = at ? SC_RATING_C : SC_RATING_M;
}

static void rating_d(hand *h, int at)
{
    h->v[F_TAX_RATING][K(0)] = at ? SC_RATING_D : SC_RATING_C;
}

static void buyer_jump(hand *h, int at)
{
    /* the quarter's mean share 0.50 against 0.30 before: a jump of 0.20 */
    h->v[F_ORDERS_TOP_BUYER_SHARE][K(0)] = at ? 0.90 : 0.87;
}

static void buyer_jump_small(hand *h, int at)
{
    /* a share of 0.5 or more, but a jump short of 0.20 unless at */
    for (int m = 0; m < N_MONTHS; m++)
        h->v[F_ORDERS_TOP_BUYER_SHARE][m] = 0.40;
    for (int k = 0; k <= 2; k++)
        h->v[F_ORDERS_TOP_BUYER_SHARE][K(k)] = 0.40;
    h->v[F_ORDERS_TOP_BUYER_SHARE][K(0)] = at ? 0.40 + 0.60 : 0.40 + 0.57;
}

/* sales +20%, power -10%, headcount -10% on a year before */
static void inflated(hand *h, int at)
{
    h->v[F_TAX_SALES][K(0)] = 1.6e6;
    h->v[F_POWER_KWH][K(0)] = 7e4;
    h->v[F_SOCIAL_INSURED][K(0)] = 45;
    if (!at)
        h->v[F_TAX_SALES][K(0)] = 1.57e6;
}

static void inflated_power_short(hand *h, int at)
{
    inflated(h, 1);
    if (!at)
        h->v[F_POWER_KWH][K(0)] = 7.3e4;
}

static void inflated_staff_short(hand *h, int at)
{
    inflated(h, 1);
    if (!at)
        h->v[F_SOCIAL_INSURED][K(0)] = 46;
}

Test(alerts, power_qoq_drop) { check("POWER_QOQ_DROP", power_drop); }
Test(alerts, power_yoy_drop) { check("POWER_YOY_DROP", power_yoy_drop); }
Test(alerts, sales_qoq_drop) { check("SALES_QOQ_DROP", sales_drop); }
Test(alerts, sales_yoy_drop) { check("SALES_YOY_DROP", sales_yoy_drop); }
Test(alerts, tax_arrears_new) { check("TAX_ARREARS_NEW", tax_arrears); }
Test(alerts, power_arrears_new) { check("POWER_ARREARS_NEW", power_arrears); }
Test(alerts, social_arrears_new) { check("SOCIAL_ARREARS_NEW", social_arrears); }
Test(alerts, headcount_drop) { check("HEADCOUNT_DROP", headcount_drop); }
Test(alerts, headcount_drop_needs_a_loss_of_people) { check("HEADCOUNT_DROP", headcount_small_firm); }
Test(alerts, lawsuit_new) { check("LAWSUIT_NEW", lawsuit); }
Test(alerts, enforcement_new) { check("ENFORCEMENT_NEW", enforcement); }
Test(alerts, dishonest_listed) { check("DISHONEST_LISTED", dishonest); }
Test(alerts, tax_rating_c) { check("TAX_RATING_C", rating_c); }
Test(alerts, tax_rating_d) { check("TAX_RATING_D", rating_d); }
Test(alerts, buyer_concentration) { check("BUYER_CONCENTRATION", buyer_jump); }
Test(alerts, buyer_concentration_needs_the_jump) { check("BUYER_CONCENTRATION", buyer_jump_small); }
Test(alerts, inflated_invoices) { check("INFLATED_INVOICES", inflated); }
Test(alerts, inflated_invoices_needs_power_down) { check("INFLATED_INVOICES", inflated_power_short); }
Test(alerts, inflated_invoices_needs_headcount_down) { check("INFLATED_INVOICES", inflated_staff_short); }

Test(alerts, texts_quote_the_numbers_and_evidence_is_json)
{
    hand h;
    base(&h);
    power_drop(&h, 1);
    h.v[F_TAX_ARREARS][K(0)] = 12345.6;
    score_alerts *alerts = alerts_of(&h, NULL, NULL);
    score_alert a = {.size = sizeof a};
    cr_assert(find_alert(alerts, "POWER_QOQ_DROP", &a));
    cr_assert_eq(a.severity, SCORE_SEVERITY_WARNING);
    cr_assert_str_eq(a.severity_name, "warning");
    cr_assert_str_eq(a.message_zh, "用电量较上季度下降 30%（近三个月月均 70,000 千瓦时，此前三个月 100,000 千瓦时）");
    cr_assert_str_eq(a.message_en, "power use down 30% on the previous quarter (70,000 kWh a month against 100,000)");
    cr_assert_eq(a.month, 202412);
    cr_assert_eq(a.previous_month, 202411);
    json_error_t err;
    json_t *ev = json_loads(a.evidence, 0, &err);
    cr_assert_not_null(ev, "%s: %s", a.evidence, err.text);
    cr_assert_float_eq(json_number_value(json_object_get(ev, "power_3m_mean")), 70000, 1e-6);
    cr_assert_float_eq(json_number_value(json_object_get(ev, "power_prev_3m_mean")), 100000, 1e-6);
    cr_assert_float_eq(json_number_value(json_object_get(ev, "max_change")), -0.3, 1e-12);
    cr_assert_float_eq(json_number_value(json_object_get(ev, "previous_change")), 0, 1e-12);
    cr_assert_str_eq(json_string_value(json_object_get(ev, "month")), "2024-12");
    json_decref(ev);
    cr_assert(find_alert(alerts, "TAX_ARREARS_NEW", &a));
    cr_assert_str_eq(a.message_zh, "新增欠税 12,346 元");
    cr_assert_str_eq(a.message_en, "new tax arrears of 12,346 yuan");
    cr_assert(strstr(a.evidence, "\"tax_arrears\": 12345.6"), "%s", a.evidence);
    cr_assert(strstr(a.evidence, "\"previous_tax_arrears\": 0"), "%s", a.evidence);
    score_alerts_free(alerts);
}

Test(alerts, edge_triggered_not_repeated_while_true)
{
    hand h;
    base(&h);
    h.v[F_TAX_ARREARS][K(1)] = 5000; /* already owed in November */
    h.v[F_TAX_ARREARS][K(0)] = 8000;
    h.v[F_COURT_DISHONEST][K(1)] = 1;
    h.v[F_COURT_DISHONEST][K(0)] = 1;
    cr_assert_not(fires(&h, "TAX_ARREARS_NEW", NULL));
    cr_assert_not(fires(&h, "DISHONEST_LISTED", NULL));
    /* paid in November, owed again in December: a new edge */
    h.v[F_TAX_ARREARS][K(1)] = 0;
    cr_assert(fires(&h, "TAX_ARREARS_NEW", NULL));
}

Test(alerts, no_new_data_no_alert)
{
    /* the December drop is there, but nothing is dated after November when
     * the previous month is November and the as-of month December minus the
     * December lines: the enterprise is looked at as of November twice */
    hand h;
    base(&h);
    for (int f = 0; f < SC_N_FIELDS; f++)
        h.v[f][K(0)] = NAN;
    h.v[F_POWER_KWH][K(1)] = 1e4;
    score_panel *panel = hand_panel(&h);
    score_alerts *alerts;
    cr_assert_eq(score_monitor_evaluate(NULL, NULL, panel, "2024-12", NULL, &alerts), SCORE_OK);
    cr_assert_eq(score_alerts_count(alerts), 0);
    score_alerts_free(alerts);
    /* one month earlier the drop is new */
    cr_assert_eq(score_monitor_evaluate(NULL, NULL, panel, "2024-11", NULL, &alerts), SCORE_OK);
    cr_assert(find_alert(alerts, "POWER_QOQ_DROP", NULL));
    score_alerts_free(alerts);
    score_panel_free(panel);
}

/* ---- configuration ------------------------------------------------------------------ */

static score_monitor_config *config_of(const char *json)
{
    score_monitor_config *c = NULL;
    int rc = score_monitor_config_parse(json, strlen(json), "m.json", &c);
    cr_assert_eq(rc, SCORE_OK, "%s", score_last_error());
    return c;
}

static void refused(const char *json, int code, const char *needle)
{
    score_monitor_config *c = NULL;
    cr_assert_eq(score_monitor_config_parse(json, strlen(json), "m.json", &c), code, "%s", json);
    cr_assert_null(c);
    cr_assert(strstr(score_last_error(), needle), "%s", score_last_error());
}

Test(config, thresholds_are_configurable)
{
    score_monitor_config *c = config_of("{\"alerts\": {\"TAX_ARREARS_NEW\": {\"min_amount\": 5000},"
                                        " \"LAWSUIT_NEW\": {\"min_cases\": 2},"
                                        " \"POWER_QOQ_DROP\": {\"max_change\": -0.5,"
                                        " \"severity\": \"critical\"},"
                                        " \"DISHONEST_LISTED\": {\"enabled\": false}}}");
    hand h;
    base(&h);
    h.v[F_TAX_ARREARS][K(0)] = 5000;
    cr_assert_not(fires(&h, "TAX_ARREARS_NEW", c));
    h.v[F_TAX_ARREARS][K(0)] = 5000.01;
    cr_assert(fires(&h, "TAX_ARREARS_NEW", c));
    base(&h);
    h.v[F_COURT_CASES][K(0)] = 1;
    cr_assert_not(fires(&h, "LAWSUIT_NEW", c));
    h.v[F_COURT_CASES][K(0)] = 2;
    cr_assert(fires(&h, "LAWSUIT_NEW", c));
    base(&h);
    power_drop(&h, 1); /* -30%: enough by default, not for -50% */
    cr_assert_not(fires(&h, "POWER_QOQ_DROP", c));
    h.v[F_POWER_KWH][K(0)] = 0; /* mean 66,667: -33% */
    cr_assert_not(fires(&h, "POWER_QOQ_DROP", c));
    h.v[F_POWER_KWH][K(1)] = 5e4; /* mean 50,000: -50% */
    score_alerts *alerts = alerts_of(&h, c, NULL);
    score_alert a = {.size = sizeof a};
    cr_assert(find_alert(alerts, "POWER_QOQ_DROP", &a));
    cr_assert_eq(a.severity, SCORE_SEVERITY_CRITICAL);
    score_alerts_free(alerts);
    base(&h);
    dishonest(&h, 1);
    cr_assert_not(fires(&h, "DISHONEST_LISTED", c));
    cr_assert(fires(&h, "DISHONEST_LISTED", NULL));
    score_monitor_config_free(c);
}

Test(config, refuses_what_it_does_not_know)
{
    refused("{\"alerts\": {\"POWER_DROP\": {}}}", SCORE_EFORMAT, "unknown alert code \"POWER_DROP\"");
    refused("{\"alerts\": {\"POWER_QOQ_DROP\": {\"max_chnage\": -0.2}}}", SCORE_EFORMAT,
            "m.json.alerts.POWER_QOQ_DROP: unknown key \"max_chnage\"");
    refused("{\"alert\": {}}", SCORE_EFORMAT, "unknown key \"alert\"");
    refused("{\"alerts\": {\"POWER_QOQ_DROP\": {\"max_change\": 0.2}}}", SCORE_EFORMAT,
            "m.json.alerts.POWER_QOQ_DROP.max_change: 0.2");
    refused("{\"alerts\": {\"GRADE_FALL\": {\"min_notches\": 1.5}}}", SCORE_EFORMAT,
            "expected a whole number");
    refused("{\"alerts\": {\"GRADE_FALL\": {\"severity\": \"high\"}}}", SCORE_EFORMAT,
            "\"high\" is not info, warning or critical");
    refused("{\"alerts\": {\"GRADE_FALL\": {\"enabled\": 1}}}", SCORE_EFORMAT, "expected true or false");
    refused("{\"version\": 2}", SCORE_EVERSION, "version");
    refused("[1]", SCORE_EFORMAT, "expected a JSON object");
    refused("{\"alerts\": ", SCORE_EFORMAT, "m.json:1:");
}

Test(config, json_round_trip)
{
    score_monitor_config *c = config_of("{\"alerts\": {\"HEADCOUNT_DROP\": {\"min_loss\": 7, "
                                        "\"max_change\": -0.35}, \"GRADE_FALL\": "
                                        "{\"enabled\": false}}}");
    size_t len;
    cr_assert_eq(score_monitor_config_json(c, NULL, 0, &len), SCORE_OK);
    char *text = malloc(len + 1);
    cr_assert_eq(score_monitor_config_json(c, text, len + 1, &len), SCORE_OK);
    cr_assert(strstr(text, "\"HEADCOUNT_DROP\": {\"enabled\": true, \"severity\": \"warning\", "
                           "\"max_change\": -0.35, \"min_loss\": 7}"), "%s", text);
    score_monitor_config *back = config_of(text);
    cr_assert(memcmp(back, c, sizeof *c) == 0);
    /* the defaults, written */
    cr_assert_eq(score_monitor_config_json(NULL, NULL, 0, &len), SCORE_OK);
    char *defaults = malloc(len + 1);
    cr_assert_eq(score_monitor_config_json(NULL, defaults, len + 1, &len), SCORE_OK);
    cr_assert(strstr(defaults, "\"POWER_QOQ_DROP\": {\"enabled\": true, \"severity\": \"warning\", "
                               "\"max_change\": -0.3}"), "%s", defaults);
    free(text);
    free(defaults);
    score_monitor_config_free(c);
    score_monitor_config_free(back);
    size_t n = score_alert_n_codes();
    cr_assert_eq(n, SC_N_ALERTS);
    const char *code;
    int severity;
    cr_assert_eq(score_alert_code_info(n - 1, &code, &severity, NULL), SCORE_OK);
    cr_assert_str_eq(code, "GRADE_FALL");
    cr_assert_eq(score_alert_code_info(n, &code, NULL, NULL), SCORE_EINVAL);
}

Test(alerts, data_after_the_asof_month_change_nothing)
{
    /* a November drop in power, looked at as of November: the same alerts
     * whether December's lines are in the panel or not */
    hand h;
    base(&h);
    h.v[F_POWER_KWH][K(1)] = 1e4;
    h.v[F_TAX_ARREARS][K(1)] = 300;
    h.v[F_TAX_ARREARS][K(0)] = 0;
    score_panel *with = hand_panel(&h);
    for (int f = 0; f < SC_N_FIELDS; f++)
        h.v[f][K(0)] = NAN;
    score_panel *without = hand_panel(&h);
    score_alerts *a, *b;
    cr_assert_eq(score_monitor_evaluate(NULL, NULL, with, "2024-11", NULL, &a), SCORE_OK);
    cr_assert_eq(score_monitor_evaluate(NULL, NULL, without, "2024-11", NULL, &b), SCORE_OK);
    cr_assert_eq(score_alerts_count(a), 3); /* power down on the quarter and the year; arrears */
    cr_assert_eq(score_alerts_count(b), 3);
    for (size_t i = 0; i < 3; i++) {
        score_alert x = {.size = sizeof x}, y = {.size = sizeof y};
        score_alerts_get(a, i, &x);
        score_alerts_get(b, i, &y);
        cr_assert_str_eq(x.code, y.code);
        cr_assert_str_eq(x.evidence, y.evidence);
        cr_assert_eq(x.month, 202411);
    }
    score_alerts_free(a);
    score_alerts_free(b);
    score_panel_free(with);
    score_panel_free(without);
}
