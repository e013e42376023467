/*
 * Alerts: the comparison of an enterprise's state at two months (edge
 * triggered: a condition raises an alert when it holds now and did not
 * before), each alert's texts in Chinese and English quoting its numbers,
 * its evidence as a JSON object, and the caller-owned list they go in.
 */
#include <math.h>
#include <string.h>

#include "monitor.h"

int sc_alerts_new(score_alerts **out)
{
    score_alerts *a = sc_calloc(1, sizeof *a);
    if (!a)
        return sc_error(SCORE_ENOMEM, "out of memory for alerts");
    sc_str_init(&a->text);
    *out = a;
    return SCORE_OK;
}

void score_alerts_free(score_alerts *alerts)
{
    if (!alerts)
        return;
    sc_free(alerts->rec);
    sc_str_free(&alerts->text);
    sc_free(alerts);
}

size_t score_alerts_count(const score_alerts *alerts)
{
    return alerts ? alerts->n : 0;
}

int score_alerts_get(const score_alerts *alerts, size_t index, score_alert *out)
{
    if (!alerts || !out || index >= alerts->n)
        return sc_error(SCORE_EINVAL, "score_alerts_get: %s",
                        !alerts || !out ? "NULL argument" : "index out of range");
    int rc = sc_out_size(out->size, sizeof *out, "score_alerts_get", "score_alert");
    if (rc != SCORE_OK)
        return rc;
    const sc_alert_rec *r = &alerts->rec[index];
    const char *text = alerts->text.data;
    score_alert a = {
        .size = out->size,
        .uscc = r->uscc,
        .code = sc_alert_catalogue[r->code].code,
        .severity = r->severity,
        .severity_name = sc_severity_name(r->severity),
        .message_zh = text + r->zh,
        .message_en = text + r->en,
        .evidence = text + r->evidence,
        .month = r->month,
        .previous_month = r->previous,
    };
    memcpy(out, &a, out->size);
    return SCORE_OK;
}

/* ---- numbers in texts ------------------------------------------------------- */

/* A whole amount with thousands separators: 1234567.8 -> "1,234,568". */
static void put_amount(sc_str *s, double v)
{
    char digits[64];
    sc_snprintf(digits, sizeof digits, "%.0f", fabs(v) < 1e18 ? fabs(v) : 1e18);
    size_t n = strlen(digits);
    if (v <= -0.5)
        sc_str_puts(s, "-");
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            sc_str_puts(s, ",");
        sc_str_append(s, digits + i, 1);
    }
}

/* A change as a whole percentage without its sign: -0.4213 -> "42%". */
static void put_percent(sc_str *s, double share)
{
    sc_str_printf(s, "%.0f%%", fabs(share) * 100);
}

static void put_pd(sc_str *s, double pd)
{
    sc_str_printf(s, "%.2f%%", pd * 100);
}

static const char *rating_name(double rating)
{
    static const char *const names[] = {NULL, "A", "B", "M", "C", "D"};
    return rating >= 1 && rating <= 5 ? names[(int)rating] : NULL;
}

/* ---- evidence --------------------------------------------------------------- */

static void json_number(sc_str *s, const char *key, double v)
{
    sc_str_key(s, ", ", key);
    sc_str_number_g(s, v, 10);
}

static void json_text(sc_str *s, const char *key, const char *v)
{
    sc_str_key(s, ", ", key);
    if (v)
        sc_str_json(s, v);
    else
        sc_str_puts(s, "null");
}

/* ---- one alert ---------------------------------------------------------------- */

typedef struct compared {
    const sc_monitor_ctx *ctx;
    const sc_state *before, *now;   /* before->month is INT_MIN when there was no state */
    const double *p;                /* the rule's thresholds */
} compared;

typedef struct drop_words {
    const char *zh_what, *en_what, *zh_unit, *en_unit, *zh_base, *en_base, *key;
} drop_words;

static void write_drop(const compared *c, int a, sc_str *zh, sc_str *en, sc_str *ev)
{
    static const drop_words words[] = {
        [AL_POWER_QOQ_DROP] = {"用电量", "power use", " 千瓦时", " kWh", "较上季度",
                               "on the previous quarter", "power"},
        [AL_POWER_YOY_DROP] = {"用电量", "power use", " 千瓦时", " kWh", "较上年同期",
                               "on the same quarter a year before", "power"},
        [AL_SALES_QOQ_DROP] = {"开票销售额", "invoiced sales", " 元", " yuan", "较上季度",
                               "on the previous quarter", "sales"},
        [AL_SALES_YOY_DROP] = {"开票销售额", "invoiced sales", " 元", " yuan", "较上年同期",
                               "on the same quarter a year before", "sales"},
    };
    const drop_words *w = &words[a];
    const sc_facts *f = &c->now->facts, *b = &c->before->facts;
    int power = a == AL_POWER_QOQ_DROP || a == AL_POWER_YOY_DROP;
    int yoy = a == AL_POWER_YOY_DROP || a == AL_SALES_YOY_DROP;
    double now = power ? f->power_3m : f->sales_3m;
    double base = power ? (yoy ? f->power_year_ago_3m : f->power_prev_3m)
                        : (yoy ? f->sales_year_ago_3m : f->sales_prev_3m);
    double was = power ? sc_change(b->power_3m, yoy ? b->power_year_ago_3m : b->power_prev_3m)
                       : sc_change(b->sales_3m, yoy ? b->sales_year_ago_3m : b->sales_prev_3m);
    double change = sc_change(now, base);
    sc_str_printf(zh, "%s%s下降 ", w->zh_what, w->zh_base);
    put_percent(zh, change);
    sc_str_puts(zh, "（近三个月月均 ");
    put_amount(zh, now);
    sc_str_printf(zh, "%s，%s ", w->zh_unit, yoy ? "上年同期" : "此前三个月");
    put_amount(zh, base);
    sc_str_printf(zh, "%s）", w->zh_unit);
    sc_str_printf(en, "%s down ", w->en_what);
    put_percent(en, change);
    sc_str_printf(en, " %s (", w->en_base);
    put_amount(en, now);
    sc_str_printf(en, "%s a month against ", w->en_unit);
    put_amount(en, base);
    sc_str_puts(en, ")");
    char key[64];
    sc_snprintf(key, sizeof key, "%s_3m_mean", w->key);
    json_number(ev, key, now);
    sc_snprintf(key, sizeof key, "%s_%s_3m_mean", w->key, yoy ? "year_ago" : "prev");
    json_number(ev, key, base);
    json_number(ev, "change", change);
    json_number(ev, "max_change", c->p[0]);
    json_number(ev, "previous_change", was);
}

static void write_arrears(const compared *c, int a, sc_str *zh, sc_str *en, sc_str *ev)
{
    const sc_facts *f = &c->now->facts, *b = &c->before->facts;
    double now = a == AL_TAX_ARREARS_NEW ? f->tax_arrears
                 : a == AL_POWER_ARREARS_NEW ? f->power_arrears : f->social_arrears;
    double was = a == AL_TAX_ARREARS_NEW ? b->tax_arrears
                 : a == AL_POWER_ARREARS_NEW ? b->power_arrears : b->social_arrears;
    const char *zh_what = a == AL_TAX_ARREARS_NEW ? "新增欠税 "
                          : a == AL_POWER_ARREARS_NEW ? "新增欠缴电费 " : "新增欠缴社保费 ";
    const char *en_what = a == AL_TAX_ARREARS_NEW ? "tax arrears"
                          : a == AL_POWER_ARREARS_NEW ? "overdue electricity bills"
                                                      : "social insurance arrears";
    const char *key = a == AL_TAX_ARREARS_NEW ? "tax" : a == AL_POWER_ARREARS_NEW ? "power" : "social";
    sc_str_puts(zh, zh_what);
    put_amount(zh, now);
    sc_str_puts(zh, " 元");
    sc_str_puts(en, "new ");
    sc_str_puts(en, en_what);
    sc_str_puts(en, " of ");
    put_amount(en, now);
    sc_str_puts(en, " yuan");
    char name[64];
    sc_snprintf(name, sizeof name, "%s_arrears", key);
    json_number(ev, name, now);
    json_number(ev, "min_amount", c->p[0]);
    sc_snprintf(name, sizeof name, "previous_%s_arrears", key);
    json_number(ev, name, was);
}

static void write_headcount(const compared *c, sc_str *zh, sc_str *en, sc_str *ev)
{
    const sc_facts *f = &c->now->facts, *b = &c->before->facts;
    double change = sc_change(f->staff, f->staff_quarter_ago);
    sc_str_puts(zh, "参保人数较上季度减少 ");
    put_percent(zh, change);
    sc_str_printf(zh, "（从 %.0f 人降至 %.0f 人）", f->staff_quarter_ago, f->staff);
    sc_str_puts(en, "insured employees down ");
    put_percent(en, change);
    sc_str_printf(en, " on a quarter before (from %.0f to %.0f)", f->staff_quarter_ago, f->staff);
    json_number(ev, "headcount", f->staff);
    json_number(ev, "headcount_quarter_ago", f->staff_quarter_ago);
    json_number(ev, "change", change);
    json_number(ev, "loss", f->staff_quarter_ago - f->staff);
    json_number(ev, "max_change", c->p[0]);
    json_number(ev, "min_loss", c->p[1]);
    json_number(ev, "previous_change", sc_change(b->staff, b->staff_quarter_ago));
}

static void write_court(const compared *c, int a, sc_str *zh, sc_str *en, sc_str *ev)
{
    const sc_facts *f = &c->now->facts, *b = &c->before->facts;
    int window = (int)c->p[1];
    if (a == AL_LAWSUIT_NEW) {
        sc_str_printf(zh, "近 %d 个月新增被诉案件 %.0f 起", window, f->lawsuits);
        sc_str_printf(en, "%.0f new lawsuit%s as defendant in the last %d month%s", f->lawsuits,
                      f->lawsuits == 1 ? "" : "s", window, window == 1 ? "" : "s");
        json_number(ev, "lawsuits", f->lawsuits);
        json_number(ev, "window_months", window);
        json_number(ev, "min_cases", c->p[0]);
        json_number(ev, "previous_lawsuits", b->lawsuits);
        return;
    }
    sc_str_printf(zh, "近 %d 个月新增被执行金额 ", window);
    put_amount(zh, f->enforced);
    sc_str_puts(zh, " 元");
    put_amount(en, f->enforced);
    sc_str_printf(en, " yuan newly under court enforcement in the last %d month%s", window,
                  window == 1 ? "" : "s");
    json_number(ev, "enforced", f->enforced);
    json_number(ev, "window_months", window);
    json_number(ev, "min_amount", c->p[0]);
    json_number(ev, "previous_enforced", b->enforced);
}

static void write_rating(const compared *c, int a, sc_str *zh, sc_str *en, sc_str *ev)
{
    const char *now = a == AL_TAX_RATING_C ? "C" : "D";
    const char *was = rating_name(c->before->facts.rating);
    sc_str_printf(zh, "纳税信用等级降为 %s", now);
    sc_str_printf(en, "tax credit rating down to %s", now);
    if (was) {
        sc_str_printf(zh, "（此前为 %s）", was);
        sc_str_printf(en, " (was %s)", was);
    } else {
        sc_str_puts(zh, "（此前无评级）");
        sc_str_puts(en, " (no rating before)");
    }
    json_text(ev, "rating", now);
    json_text(ev, "previous_rating", was);
}

static void write_buyer(const compared *c, sc_str *zh, sc_str *en, sc_str *ev)
{
    const sc_facts *f = &c->now->facts, *b = &c->before->facts;
    sc_str_puts(zh, "最大客户订单占比升至 ");
    put_percent(zh, f->buyer_share_3m);
    sc_str_puts(zh, "（此前九个月平均 ");
    put_percent(zh, f->buyer_share_prev_9m);
    sc_str_puts(zh, "）");
    sc_str_puts(en, "largest buyer's share of orders up to ");
    put_percent(en, f->buyer_share_3m);
    sc_str_puts(en, " (");
    put_percent(en, f->buyer_share_prev_9m);
    sc_str_puts(en, " over the 9 months before)");
    json_number(ev, "top_buyer_share_3m", f->buyer_share_3m);
    json_number(ev, "top_buyer_share_prev_9m", f->buyer_share_prev_9m);
    json_number(ev, "jump", f->buyer_share_3m - f->buyer_share_prev_9m);
    json_number(ev, "min_jump", c->p[0]);
    json_number(ev, "min_share", c->p[1]);
    json_number(ev, "previous_jump", b->buyer_share_3m - b->buyer_share_prev_9m);
}

static void write_inflated(const compared *c, sc_str *zh, sc_str *en, sc_str *ev)
{
    const sc_facts *f = &c->now->facts;
    double sales = sc_change(f->sales_3m, f->sales_year_ago_3m);
    double power = sc_change(f->power_3m, f->power_year_ago_3m);
    double staff = sc_change(f->staff, f->staff_year_ago);
    sc_str_puts(zh, "开票销售额同比增长 ");
    put_percent(zh, sales);
    sc_str_puts(zh, "，而用电量下降 ");
    put_percent(zh, power);
    sc_str_puts(zh, "、参保人数下降 ");
    put_percent(zh, staff);
    sc_str_puts(zh, "（疑似虚开发票）");
    sc_str_puts(en, "invoiced sales up ");
    put_percent(en, sales);
    sc_str_puts(en, " on a year before while power use fell ");
    put_percent(en, power);
    sc_str_puts(en, " and headcount ");
    put_percent(en, staff);
    sc_str_puts(en, " (the pattern of inflated invoices)");
    json_number(ev, "sales_yoy", sales);
    json_number(ev, "power_yoy", power);
    json_number(ev, "headcount_yoy", staff);
    json_number(ev, "min_sales_growth", c->p[0]);
    json_number(ev, "max_power_change", c->p[1]);
    json_number(ev, "max_headcount_change", c->p[2]);
}

static void write_grade(const compared *c, sc_str *zh, sc_str *en, sc_str *ev)
{
    const sc_state *now = c->now, *was = c->before;
    const char *g1 = score_model_grade_name(c->ctx->model, (size_t)now->grade);
    const char *g0 = score_model_grade_name(c->ctx->model, (size_t)was->grade);
    int notches = now->grade - was->grade;
    sc_str_printf(zh, "信用等级下调 %d 级：从 %s 降至 %s（违约概率 ", notches, g0, g1);
    put_pd(zh, was->pd);
    sc_str_puts(zh, " 升至 ");
    put_pd(zh, now->pd);
    sc_str_printf(zh, "，评分 %d 降至 %d）", was->score, now->score);
    sc_str_printf(en, "grade down %d notches from %s to %s (PD ", notches, g0, g1);
    put_pd(en, was->pd);
    sc_str_puts(en, " to ");
    put_pd(en, now->pd);
    sc_str_printf(en, ", score %d to %d)", was->score, now->score);
    json_text(ev, "grade", g1);
    json_text(ev, "previous_grade", g0);
    json_number(ev, "notches", notches);
    json_number(ev, "min_notches", c->p[0]);
    json_number(ev, "pd", now->pd);
    json_number(ev, "previous_pd", was->pd);
    json_number(ev, "score", now->score);
    json_number(ev, "previous_score", was->score);
}

static void write_alert(const compared *c, int a, sc_str *zh, sc_str *en, sc_str *ev)
{
    switch (a) {
    case AL_POWER_QOQ_DROP:
    case AL_POWER_YOY_DROP:
    case AL_SALES_QOQ_DROP:
    case AL_SALES_YOY_DROP:
        write_drop(c, a, zh, en, ev);
        break;
    case AL_TAX_ARREARS_NEW:
    case AL_POWER_ARREARS_NEW:
    case AL_SOCIAL_ARREARS_NEW:
        write_arrears(c, a, zh, en, ev);
        break;
    case AL_HEADCOUNT_DROP:
        write_headcount(c, zh, en, ev);
        break;
    case AL_LAWSUIT_NEW:
    case AL_ENFORCEMENT_NEW:
        write_court(c, a, zh, en, ev);
        break;
    case AL_DISHONEST_LISTED:
        sc_str_puts(zh, "被列入失信被执行人名单");
        sc_str_puts(en, "put on the list of dishonest judgment debtors");
        json_number(ev, "dishonest_listed", 1);
        json_number(ev, "previous_dishonest_listed", c->before->facts.dishonest);
        break;
    case AL_TAX_RATING_C:
    case AL_TAX_RATING_D:
        write_rating(c, a, zh, en, ev);
        break;
    case AL_BUYER_CONCENTRATION:
        write_buyer(c, zh, en, ev);
        break;
    case AL_INFLATED_INVOICES:
        write_inflated(c, zh, en, ev);
        break;
    default:
        write_grade(c, zh, en, ev);
        break;
    }
}

static int append(score_alerts *alerts, const compared *c, const char *uscc, int a)
{
    if (alerts->n == alerts->cap &&
        sc_grow((void **)&alerts->rec, &alerts->cap, alerts->n + 1, sizeof *alerts->rec) != SCORE_OK)
        return sc_error(SCORE_ENOMEM, "out of memory for alerts");
    sc_str zh, en, ev;
    sc_str_init(&zh);
    sc_str_init(&en);
    sc_str_init(&ev);
    char month[8], previous[8];
    sc_month_format(c->now->month, month);
    sc_str_printf(&ev, "{\"month\": \"%s\"", month);
    if (c->before->month != INT_MIN) {
        sc_month_format(c->before->month, previous);
        sc_str_printf(&ev, ", \"previous_month\": \"%s\"", previous);
    } else {
        sc_str_puts(&ev, ", \"previous_month\": null");
    }
    write_alert(c, a, &zh, &en, &ev);
    sc_str_puts(&ev, "}");
    sc_alert_rec *r = &alerts->rec[alerts->n];
    memset(r, 0, sizeof *r);
    memcpy(r->uscc, uscc, 18);
    r->code = a;
    r->severity = c->ctx->config->rule[a].severity;
    r->month = sc_month_yyyymm(c->now->month);
    r->previous = c->before->month == INT_MIN ? 0 : sc_month_yyyymm(c->before->month);
    sc_str *t = &alerts->text;
    r->zh = t->len;
    sc_str_append(t, zh.data ? zh.data : "", zh.len + 1);
    r->en = t->len;
    sc_str_append(t, en.data ? en.data : "", en.len + 1);
    r->evidence = t->len;
    sc_str_append(t, ev.data ? ev.data : "", ev.len + 1);
    int rc = sc_str_status(&zh) == SCORE_OK && sc_str_status(&en) == SCORE_OK &&
                     sc_str_status(&ev) == SCORE_OK && sc_str_status(t) == SCORE_OK
                 ? SCORE_OK
                 : sc_error(SCORE_ENOMEM, "out of memory for alerts");
    sc_str_free(&zh);
    sc_str_free(&en);
    sc_str_free(&ev);
    if (rc == SCORE_OK)
        alerts->n++;
    return rc;
}

int sc_alerts_compare(score_alerts *alerts, const sc_monitor_ctx *ctx, const char *uscc,
                      const sc_state *before, const sc_state *now)
{
    if (now->month == INT_MIN)
        return SCORE_OK;
    const score_monitor_config *cfg = ctx->config;
    uint32_t was = before->month == INT_MIN ? 0 : before->active;
    for (int a = 0; a < SC_N_ALERTS; a++) {
        const sc_alert_rule *rule = &cfg->rule[a];
        int raise;
        if (!rule->enabled)
            continue;
        if (a == AL_GRADE_FALL)
            raise = ctx->model && before->month != INT_MIN && before->grade >= 0 &&
                    now->grade - before->grade >= rule->param[0];
        else
            raise = (now->active >> a & 1u) && !(was >> a & 1u);
        if (!raise)
            continue;
        compared c = {ctx, before, now, rule->param};
        int rc = append(alerts, &c, uscc, a);
        if (rc != SCORE_OK)
            return rc;
    }
    return SCORE_OK;
}
