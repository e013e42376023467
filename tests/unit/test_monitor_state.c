/* The incremental monitor against re-evaluation of the whole portfolio,
 * month after month, with and without a model; GRADE_FALL; arguments;
 * allocation failures. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "monitor/monitor.h"

#define FIRST SC_MONTH(2022, 1)
#define LAST SC_MONTH(2024, 12)
#define N_ENT 400
#define N_LATE 20 /* enterprises that join the portfolio in November 2024 */

/* one synthetic portfolio and model for every test (fixture_make), and a
 * small table model */
static fixture shared;
static score_model *model, *table_model;

__attribute__((constructor)) static void make_shared(void)
{
    fixture_make(&shared, 600, 3);
    model = shared.model;
    float rows[40 * 2], y[40];
    for (int i = 0; i < 40; i++) {
        rows[2 * i] = (float)i;
        rows[2 * i + 1] = (float)(i % 7);
        y[i] = (float)(i % 3 == 0);
    }
    const char *names[2] = {"a", "b"};
    score_train_options o;
    score_train_options_init(&o);
    o.max_rounds = 5;
    if (score_model_train_matrix(rows, y, 40, 2, names, NULL, &o, &table_model) != SCORE_OK)
        abort();
}

__attribute__((destructor)) static void free_shared(void)
{
    score_model_free(table_model);
    fixture_free(&shared);
}

/* Which lines a step of the month-by-month test adds. */
typedef struct step {
    int from, to;        /* months (inclusive) of the lines added */
    int share_percent;   /* of the regular enterprises that get them */
    int late_join;       /* 1: the late joiners come in with their history to `to`;
                            2: they get the lines dated from..to */
} step;

static int keep_step(void *user, unsigned e, int month)
{
    const step *s = user;
    int late = e >= N_ENT - N_LATE;
    if (late)
        return s->late_join == 1 ? month <= s->to
               : s->late_join == 2 && month >= s->from && month <= s->to;
    if (month == 0)
        return s->from == FIRST;
    return month >= s->from && month <= s->to &&
           (int)((e * 2654435761u + (unsigned)month * 40503u) % 100) < s->share_percent;
}

static void add_step(score_panel *panel, const step *s)
{
    size_t len;
    char *text = synthetic_csv(N_ENT, FIRST, LAST, 11, keep_step, (void *)s, &len);
    score_read_options o;
    score_read_options_init(&o);
    o.strict = 1;
    cr_assert_eq(score_panel_read_buffer(panel, "step.csv", text, len, &o, NULL), SCORE_OK, "%s",
                 score_last_error());
    free(text);
}

static void assert_same_alerts(const score_alerts *a, const score_alerts *b, const char *month)
{
    cr_assert_eq(score_alerts_count(a), score_alerts_count(b), "%s: %zu alerts incrementally, %zu "
                 "re-evaluating", month, score_alerts_count(a), score_alerts_count(b));
    for (size_t i = 0; i < score_alerts_count(a); i++) {
        score_alert x = {.size = sizeof x}, y = {.size = sizeof y};
        cr_assert_eq(score_alerts_get(a, i, &x), SCORE_OK);
        cr_assert_eq(score_alerts_get(b, i, &y), SCORE_OK);
        cr_assert_str_eq(x.uscc, y.uscc, "%s #%zu", month, i);
        cr_assert_str_eq(x.code, y.code, "%s #%zu %s", month, i, x.uscc);
        cr_assert_eq(x.severity, y.severity);
        cr_assert_str_eq(x.message_zh, y.message_zh);
        cr_assert_str_eq(x.message_en, y.message_en);
        cr_assert_str_eq(x.evidence, y.evidence);
        cr_assert_eq(x.month, y.month);
        cr_assert_eq(x.previous_month, y.previous_month);
    }
}

static size_t count_code(const score_alerts *a, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < score_alerts_count(a); i++) {
        score_alert x = {.size = sizeof x};
        score_alerts_get(a, i, &x);
        n += !strcmp(x.code, code);
    }
    return n;
}

static void month_by_month(const score_model *m)
{
    static const step steps[] = {
        {FIRST, SC_MONTH(2024, 9), 100, 0},           /* history to September */
        {SC_MONTH(2024, 10), SC_MONTH(2024, 10), 60, 0}, /* October: 60% report */
        {SC_MONTH(2024, 11), SC_MONTH(2024, 11), 30, 1}, /* November: 30%, and newcomers */
        {SC_MONTH(2024, 12), SC_MONTH(2024, 12), 100, 2},
    };
    static const char *const months[] = {"2024-09", "2024-10", "2024-11", "2024-12"};
    score_panel *panel;
    cr_assert_eq(score_panel_new(&panel), SCORE_OK);
    score_monitor *monitor;
    cr_assert_eq(score_monitor_new(m, NULL, &monitor), SCORE_OK);
    size_t total = 0, grade_falls = 0;
    for (size_t s = 0; s < 4; s++) {
        add_step(panel, &steps[s]);
        score_alerts *incremental, *full;
        cr_assert_eq(score_monitor_update(monitor, panel, months[s], &incremental), SCORE_OK, "%s",
                     score_last_error());
        cr_assert_eq(score_monitor_evaluate(m, NULL, panel, months[s], s ? months[s - 1] : NULL,
                                            &full), SCORE_OK, "%s", score_last_error());
        assert_same_alerts(incremental, full, months[s]);
        total += score_alerts_count(full);
        grade_falls += count_code(full, "GRADE_FALL");
        score_monitor_stats st = {.size = sizeof st};
        cr_assert_eq(score_monitor_stats_get(monitor, &st), SCORE_OK);
        cr_assert_eq(st.month, 202409 + (int)s);
        cr_assert_eq(st.evaluated + st.carried, st.enterprises);
        if (s == 1) /* only the enterprises with October data were looked at again */
            cr_assert(st.evaluated > N_ENT * 45 / 100 && st.evaluated < N_ENT * 75 / 100,
                      "evaluated %zu", st.evaluated);
        if (s == 2)
            cr_assert_eq(st.enterprises, N_ENT);
        score_alerts_free(incremental);
        score_alerts_free(full);
    }
    cr_assert(total > 20, "only %zu alerts in four months", total);
    if (m)
        cr_assert(grade_falls > 0, "no grade fell in four months");
    score_monitor_free(monitor);
    score_panel_free(panel);
}

Test(state, incremental_equals_full_without_a_model)
{
    month_by_month(NULL);
}

Test(state, incremental_equals_full_with_a_model)
{
    month_by_month(model);
}

Test(state, update_refuses_a_month_not_after_its_own)
{
    size_t len;
    char *text = synthetic_csv(30, FIRST, LAST, 2, NULL, NULL, &len);
    score_panel *panel;
    cr_assert_eq(read_bytes(text, len, 1, NULL, NULL, &panel), SCORE_OK);
    free(text);
    score_monitor *monitor;
    cr_assert_eq(score_monitor_new(NULL, NULL, &monitor), SCORE_OK);
    cr_assert_eq(score_monitor_update(monitor, panel, "2024-06", NULL), SCORE_OK);
    cr_assert_eq(score_monitor_update(monitor, panel, "2024-06", NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "not after the monitor's month 2024-06"), "%s",
              score_last_error());
    cr_assert_eq(score_monitor_update(monitor, panel, "2024-13", NULL), SCORE_EINVAL);
    score_alerts *alerts = NULL;
    cr_assert_eq(score_monitor_evaluate(NULL, NULL, panel, "2024-06", "2024-06", &alerts),
                 SCORE_EINVAL);
    cr_assert_eq(score_monitor_evaluate(NULL, NULL, NULL, "2024-06", NULL, &alerts), SCORE_EINVAL);
    cr_assert_null(alerts);
    score_alert a = {.size = sizeof a};
    cr_assert_eq(score_alerts_get(NULL, 0, &a), SCORE_EINVAL);
    score_monitor_stats st = {0};
    cr_assert_eq(score_monitor_stats_get(monitor, &st), SCORE_EINVAL);
    score_monitor_free(monitor);
    score_monitor_free(NULL);
    score_alerts_free(NULL);
    score_panel_free(panel);
}

Test(state, table_models_are_refused)
{
    score_monitor *monitor = NULL;
    cr_assert_eq(score_monitor_new(table_model, NULL, &monitor), SCORE_EINVAL);
    cr_assert_null(monitor);
    score_alerts *alerts = NULL;
    cr_assert_eq(score_monitor_evaluate(table_model, NULL, shared.panel, "2024-06", NULL, &alerts),
                 SCORE_EINVAL);
    cr_assert_null(alerts);
}

static size_t line(char *text, size_t len, size_t cap, const char *uscc, const char *source,
                   const char *field, int month, double value)
{
    return len + (size_t)sc_snprintf(text + len, cap - len, "%s,%s,%s,%04d-%02d,%.2f\n", uscc, source,
                                  field, month / 12, month % 12 + 1, value);
}

/* GRADE_FALL on a hand-made enterprise: healthy in November, in distress in
 * December; it fires at min_notches equal to the fall, not one above. */
Test(state, grade_fall_at_and_one_short_of_its_threshold)
{
    char uscc[19];
    make_uscc(999999, uscc);
    char text[1 << 16];
    size_t cap = sizeof text;
    size_t len = (size_t)snprintf(text, cap, "uscc,source,field,period,value\n"
                                  "%s,profile,industry,,C3971\n%s,profile,established,,2019-07-15\n"
                                  "%s,profile,hitech,,0\n%s,tax,rating,2022,B\n"
                                  "%s,tax,rating,2023,B\n", uscc, uscc, uscc, uscc, uscc);
    /* like the healthy enterprises the model was trained on, until December */
    for (int m = FIRST; m <= LAST; m++) {
        int bad = m == SC_MONTH(2024, 12);
        len = line(text, len, cap, uscc, "tax", "sales", m, bad ? 2e5 : 1e6);
        len = line(text, len, cap, uscc, "tax", "paid", m, 6e4);
        len = line(text, len, cap, uscc, "power", "kwh", m, bad ? 2e4 : 1e5);
        len = line(text, len, cap, uscc, "social", "insured", m, 50);
        len = line(text, len, cap, uscc, "tax", "arrears", m, bad ? 9e4 : 0);
        len = line(text, len, cap, uscc, "power", "arrears", m, bad ? 5e4 : 0);
        len = line(text, len, cap, uscc, "social", "arrears", m, bad ? 6e4 : 0);
        len = line(text, len, cap, uscc, "orders", "amount", m, 8e5);
        len = line(text, len, cap, uscc, "orders", "top_buyer_share", m, bad ? 0.9 : 0.3);
        if (bad)
            len = line(text, len, cap, uscc, "court", "cases", m, 3);
    }
    score_panel *panel;
    cr_assert_eq(read_text(text, 1, NULL, NULL, &panel), SCORE_OK, "%s", score_last_error());
    float row[SC_N_FEATURES];
    int before, after;
    cr_assert_eq(score_features_enterprise(panel, uscc, "2024-11", row), SCORE_OK);
    score_model_score(model, row, 1, NULL, NULL, NULL, &before, NULL);
    cr_assert_eq(score_features_enterprise(panel, uscc, "2024-12", row), SCORE_OK);
    score_model_score(model, row, 1, NULL, NULL, NULL, &after, NULL);
    int fall = after - before;
    cr_assert(fall >= 2, "the model moves the enterprise from grade %d to %d only", before, after);
    for (int notches = fall; notches <= fall + 1; notches++) {
        char json[128];
        snprintf(json, sizeof json, "{\"alerts\": {\"GRADE_FALL\": {\"min_notches\": %d}}}", notches);
        score_monitor_config *c;
        cr_assert_eq(score_monitor_config_parse(json, strlen(json), NULL, &c), SCORE_OK);
        score_alerts *alerts;
        cr_assert_eq(score_monitor_evaluate(model, c, panel, "2024-12", NULL, &alerts), SCORE_OK);
        cr_assert_eq(count_code(alerts, "GRADE_FALL"), notches == fall, "min_notches %d, fall %d",
                     notches, fall);
        if (notches == fall) {
            score_alert a = {.size = sizeof a};
            for (size_t i = 0; i < score_alerts_count(alerts); i++) {
                score_alerts_get(alerts, i, &a);
                if (!strcmp(a.code, "GRADE_FALL"))
                    break;
            }
            char expect[64];
            snprintf(expect, sizeof expect, "grade down %d notches from %s to %s", fall,
                     score_model_grade_name(model, (size_t)before),
                     score_model_grade_name(model, (size_t)after));
            cr_assert(strstr(a.message_en, expect), "%s", a.message_en);
            cr_assert(strstr(a.message_zh, "信用等级下调"), "%s", a.message_zh);
        }
        score_alerts_free(alerts);
        score_monitor_config_free(c);
    }
    /* without a model there is no GRADE_FALL */
    score_alerts *alerts;
    cr_assert_eq(score_monitor_evaluate(NULL, NULL, panel, "2024-12", NULL, &alerts), SCORE_OK);
    cr_assert_eq(count_code(alerts, "GRADE_FALL"), 0);
    cr_assert(count_code(alerts, "TAX_ARREARS_NEW") == 1 && count_code(alerts, "LAWSUIT_NEW") == 1);
    score_alerts_free(alerts);
    score_panel_free(panel);
}

/* Lines of enterprises below `regular` dated in [from, to] (profile lines
 * with from == FIRST), and every line to `to` of the enterprise `regular`. */
typedef struct window_keep {
    unsigned regular;
    int from, to;
} window_keep;

static int keep_window(void *user, unsigned e, int month)
{
    const window_keep *w = user;
    if (e == w->regular)
        return month <= w->to;
    if (e > w->regular)
        return 0;
    return month == 0 ? w->from == FIRST : month >= w->from && month <= w->to;
}

/* Every allocation of an update and an evaluation failing in turn: a clean
 * SCORE_ENOMEM, nothing leaked, the monitor unchanged. */
Test(state, allocation_failures)
{
    size_t len;
    window_keep history = {40, FIRST, SC_MONTH(2024, 10)};
    char *first = synthetic_csv(41, FIRST, LAST, 5, keep_window, &history, &len);
    score_panel *panel;
    cr_assert_eq(read_bytes(first, len, 1, NULL, NULL, &panel), SCORE_OK);
    free(first);
    score_monitor *monitor;
    cr_assert_eq(score_monitor_new(model, NULL, &monitor), SCORE_OK);
    cr_assert_eq(score_monitor_update(monitor, panel, "2024-10", NULL), SCORE_OK);
    /* November for everyone, and a newcomer with its history */
    window_keep november = {40, SC_MONTH(2024, 11), SC_MONTH(2024, 11)};
    char *more = synthetic_csv(41, FIRST, LAST, 5, keep_window, &november, &len);
    cr_assert_eq(score_panel_read_buffer(panel, "more.csv", more, len, NULL, NULL), SCORE_OK);
    free(more);
    score_alerts *reference;
    cr_assert_eq(score_monitor_evaluate(model, NULL, panel, "2024-11", "2024-10", &reference),
                 SCORE_OK);
    int failures = 0;
    for (long nth = 1;; nth++) {
        score_alerts *alerts = NULL;
        sc_test_fail_allocation(nth);
        int rc = score_monitor_update(monitor, panel, "2024-11", &alerts);
        sc_test_fail_allocation(0);
        if (rc == SCORE_OK) {
            assert_same_alerts(alerts, reference, "2024-11");
            score_alerts_free(alerts);
            break;
        }
        cr_assert_eq(rc, SCORE_ENOMEM, "allocation %ld: %s", nth, score_last_error());
        cr_assert_null(alerts);
        score_monitor_stats st = {.size = sizeof st};
        score_monitor_stats_get(monitor, &st);
        cr_assert_eq(st.month, 202410, "a failed update changed the monitor");
        failures++;
    }
    cr_assert(failures >= 3, "only %d allocations", failures);
    for (long nth = 1;; nth++) {
        score_alerts *alerts = NULL;
        sc_test_fail_allocation(nth);
        int rc = score_monitor_evaluate(model, NULL, panel, "2024-11", "2024-10", &alerts);
        sc_test_fail_allocation(0);
        if (rc == SCORE_OK) {
            assert_same_alerts(alerts, reference, "2024-11");
            score_alerts_free(alerts);
            break;
        }
        cr_assert_eq(rc, SCORE_ENOMEM);
        cr_assert_null(alerts);
    }
    score_alerts_free(reference);
    score_monitor_free(monitor);
    score_panel_free(panel);
}
