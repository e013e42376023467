/*
 * The validation pack's sections of the report page and every figure of
 * the report as JSON (score_report_json). The figures come from
 * validation.c; this file only draws and writes them.
 */
#include <math.h>
#include <string.h>

#include "report.h"

static void num(sc_str *s, double v, int decimals, int percent)
{
    if (isnan(v))
        sc_str_puts(s, "&ndash;");
    else if (percent)
        sc_str_printf(s, "%.*f%%", decimals, v * 100);
    else
        sc_str_printf(s, "%.*f", decimals, v);
}

static void cell(sc_str *s, double v, int decimals, int percent)
{
    sc_str_puts(s, "<td>");
    num(s, v, decimals, percent);
    sc_str_puts(s, "</td>");
}

static void intervals(sc_str *s, const score_report *r)
{
    const sc_validation *v = &r->validation;
    sc_str_puts(s, "<h2>Discrimination with 95% intervals &middot; 区分能力及其 95% 置信区间</h2>"
                   "<table class=\"num\" id=\"intervals\"><tr><th>measure</th><th>value</th>"
                   "<th>95% interval</th><th>method</th></tr>\n<tr data-metric=\"gini\"><td>Gini</td>");
    cell(s, v->gini, 4, 0);
    sc_str_puts(s, "<td>");
    num(s, v->gini_low, 4, 0);
    sc_str_puts(s, " &ndash; ");
    num(s, v->gini_high, 4, 0);
    sc_str_puts(s, "</td><td class=\"text\">2&middot;AUC &minus; 1; AUC standard error by Hanley "
                   "&amp; McNeil (1982)</td></tr>\n<tr data-metric=\"ks\"><td>KS</td>");
    cell(s, r->ks, 4, 0);
    sc_str_puts(s, "<td>");
    num(s, v->ks_low, 4, 0);
    sc_str_puts(s, " &ndash; ");
    num(s, v->ks_high, 4, 0);
    sc_str_puts(s, "</td><td class=\"text\">Dvoretzky&ndash;Kiefer&ndash;Wolfowitz bound on "
                   "each class (Massart 1990): conservative</td></tr></table>\n");
}

static void gains_table(sc_str *s, const score_report *r)
{
    const sc_validation *v = &r->validation;
    sc_str_puts(s, "<h2>Gains table by decile &middot; 十分位收益表</h2><table class=\"num\" "
                   "id=\"gains\"><tr><th>decile (riskiest first)</th><th>enterprises</th>"
                   "<th>scores</th><th>defaults</th><th>default rate</th><th>mean PD</th>"
                   "<th>lift</th><th>cumulative bads</th><th>cumulative goods</th><th>KS</th></tr>\n");
    for (size_t d = 0; d < v->n_deciles; d++) {
        const sc_decile *g = &v->decile[d];
        sc_str_printf(s, "<tr data-decile=\"%zu\"><td>%zu</td><td>%zu</td><td>%d&ndash;%d</td>"
                      "<td>%zu</td>", d + 1, d + 1, g->count, g->score_min, g->score_max,
                      g->defaults);
        cell(s, g->default_rate, 2, 1);
        cell(s, g->pd_mean, 2, 1);
        cell(s, g->lift, 2, 0);
        cell(s, g->cum_bad_share, 1, 1);
        cell(s, g->cum_good_share, 1, 1);
        cell(s, g->ks, 4, 0);
        sc_str_puts(s, "</tr>\n");
    }
    sc_str_puts(s, "</table>\n");
}

static void calibration_tests(sc_str *s, const score_report *r)
{
    const sc_validation *v = &r->validation;
    sc_str_puts(s, "<h2>Calibration tests &middot; 校准检验</h2><p>Jeffreys test per grade (ECB "
                   "instructions for reporting validation results, 2019, 2.5.3.1): the "
                   "probability under the Beta(d&nbsp;+&nbsp;&frac12;, n&nbsp;&minus;&nbsp;d&nbsp;+&nbsp;&frac12;) "
                   "posterior that the default rate is below the grade's mean PD; below 5% the "
                   "PD is too low for the defaults seen.</p><table class=\"num\" id=\"jeffreys\">"
                   "<tr><th>grade</th><th>enterprises</th><th>defaults</th><th>mean PD</th>"
                   "<th>Jeffreys p-value</th><th>verdict</th></tr>\n");
    for (size_t g = 0; g < r->n_grades; g++) {
        const sc_report_grade *rg = &r->grade[g];
        if (!rg->count)
            continue;
        sc_str_puts(s, "<tr data-grade=\"");
        sc_report_escape(s, r->grades[g]);
        sc_str_puts(s, "\"><td>");
        sc_report_escape(s, r->grades[g]);
        sc_str_printf(s, "</td><td>%zu</td><td>%zu</td>", rg->count, rg->defaults);
        cell(s, rg->pd_sum / (double)rg->count, 3, 1);
        cell(s, v->jeffreys_p[g], 4, 0);
        sc_str_printf(s, "<td>%s</td></tr>\n", v->jeffreys_p[g] < 0.05
                                                   ? "<span class=\"bad\">PD too low</span>"
                                                   : "consistent");
    }
    sc_str_printf(s, "</table><p id=\"hosmer-lemeshow\">Hosmer&ndash;Lemeshow over the deciles: "
                     "statistic ");
    num(s, v->hl_statistic, 3, 0);
    sc_str_printf(s, " on %d degrees of freedom, p-value ", v->hl_df);
    num(s, v->hl_p, 4, 0);
    sc_str_printf(s, " (%s).</p>\n", isnan(v->hl_p) ? "too few deciles"
                                     : v->hl_p < 0.05 ? "<span class=\"bad\">predicted and observed "
                                                        "defaults differ</span>"
                                                      : "no significant difference");
}

static void challenger_section(sc_str *s, const score_report *r)
{
    const sc_validation *v = &r->validation;
    sc_str_puts(s, "<h2>Challenger &middot; 挑战者模型</h2><p>A logistic regression on "
                   "weight-of-evidence bins (monotone binning, IV at least "
                   "0.02), fitted by the library on the same labelled sample and scored out of "
                   "fold (two folds by row), against the model.</p><table class=\"num\" "
                   "id=\"challenger\"><tr><th>model</th><th>AUC</th><th>Gini</th></tr>"
                   "<tr><td>this model</td>");
    cell(s, r->auc, 4, 0);
    cell(s, 2 * r->auc - 1, 4, 0);
    sc_str_printf(s, "</tr><tr><td>WOE logistic regression (%zu features)</td>",
                  v->challenger_features);
    cell(s, v->challenger_auc, 4, 0);
    cell(s, 2 * v->challenger_auc - 1, 4, 0);
    sc_str_puts(s, "</tr></table>\n");
    if (isnan(v->challenger_auc)) {
        sc_str_puts(s, "<p>No challenger: ");
        sc_report_escape(s, v->challenger_note);
        sc_str_puts(s, "</p>\n");
    }
}

static void reason_table(sc_str *s, const score_report *r)
{
    const sc_validation *v = &r->validation;
    sc_str_printf(s, "<h2>Reason codes given &middot; 原因代码频率</h2><p>Over the %zu labelled "
                     "enterprises with at least one reason.</p><table class=\"num\" id=\"reasons\">"
                     "<tr><th>code</th><th>first reason</th><th>any reason</th><th>share</th></tr>\n",
                  v->rows_with_reasons);
    for (size_t i = 0; i < v->n_reasons; i++) {
        const sc_reason_count *c = &v->reasons[i];
        sc_str_puts(s, "<tr data-code=\"");
        sc_report_escape(s, c->code);
        sc_str_puts(s, "\"><td>");
        sc_report_escape(s, c->code);
        sc_str_printf(s, "</td><td>%zu</td><td>%zu</td>", c->first, c->any);
        cell(s, v->rows_with_reasons ? (double)c->any / (double)v->rows_with_reasons : NAN, 1, 1);
        sc_str_puts(s, "</tr>\n");
    }
    sc_str_puts(s, "</table>\n");
}

void sc_report_render_validation(const score_report *r, sc_str *s)
{
    intervals(s, r);
    gains_table(s, r);
    calibration_tests(s, r);
    challenger_section(s, r);
    reason_table(s, r);
}

/* ---- JSON -------------------------------------------------------------------------- */

static void key_number(sc_str *s, const char *key, double v)
{
    sc_str_printf(s, "\"%s\":", key);
    sc_str_number(s, v);
}

static void json_deciles(sc_str *s, const sc_validation *v)
{
    sc_str_puts(s, ",\"deciles\":[");
    for (size_t d = 0; d < v->n_deciles; d++) {
        const sc_decile *g = &v->decile[d];
        sc_str_printf(s, "%s{\"decile\":%zu,\"count\":%zu,\"defaults\":%zu,\"score_min\":%d,"
                      "\"score_max\":%d,", d ? "," : "", d + 1, g->count, g->defaults,
                      g->score_min, g->score_max);
        key_number(s, "default_rate", g->default_rate);
        sc_str_puts(s, ",");
        key_number(s, "pd_mean", g->pd_mean);
        sc_str_puts(s, ",");
        key_number(s, "lift", g->lift);
        sc_str_puts(s, ",");
        key_number(s, "cum_bad_share", g->cum_bad_share);
        sc_str_puts(s, ",");
        key_number(s, "cum_good_share", g->cum_good_share);
        sc_str_puts(s, ",");
        key_number(s, "ks", g->ks);
        sc_str_puts(s, "}");
    }
    sc_str_puts(s, "]");
}

static void json_grades(sc_str *s, const score_report *r)
{
    sc_str_puts(s, ",\"grades\":[");
    for (size_t g = 0; g < r->n_grades; g++) {
        const sc_report_grade *rg = &r->grade[g];
        double low, high;
        sc_wilson(rg->defaults, rg->count, &low, &high);
        sc_str_printf(s, "%s{\"grade\":", g ? "," : "");
        sc_str_json(s, r->grades[g]);
        sc_str_printf(s, ",\"count\":%zu,\"defaults\":%zu,", rg->count, rg->defaults);
        key_number(s, "mean_pd", rg->count ? rg->pd_sum / (double)rg->count : NAN);
        sc_str_puts(s, ",");
        key_number(s, "wilson_low", low);
        sc_str_puts(s, ",");
        key_number(s, "wilson_high", high);
        sc_str_puts(s, ",");
        key_number(s, "jeffreys_p", r->validation.jeffreys_p[g]);
        sc_str_puts(s, "}");
    }
    sc_str_puts(s, "]");
}

static void json_rest(sc_str *s, const score_report *r)
{
    const sc_validation *v = &r->validation;
    sc_str_puts(s, ",\"hosmer_lemeshow\":{");
    key_number(s, "statistic", v->hl_statistic);
    sc_str_printf(s, ",\"df\":%d,", v->hl_df);
    key_number(s, "p_value", v->hl_p);
    sc_str_puts(s, "},\"challenger\":{\"method\":\"woe_logistic_2fold\",");
    key_number(s, "auc", v->challenger_auc);
    sc_str_printf(s, ",\"features\":%zu,\"note\":", v->challenger_features);
    sc_str_json(s, v->challenger_note);
    sc_str_printf(s, "},\"reasons\":{\"rows\":%zu,\"codes\":[", v->rows_with_reasons);
    for (size_t i = 0; i < v->n_reasons; i++) {
        sc_str_printf(s, "%s{\"code\":", i ? "," : "");
        sc_str_json(s, v->reasons[i].code);
        sc_str_printf(s, ",\"first\":%zu,\"any\":%zu}", v->reasons[i].first, v->reasons[i].any);
    }
    sc_str_puts(s, "]},\"psi\":[");
    size_t n = score_drift_count(r->drift);
    for (size_t i = 0; i < n; i++) {
        score_drift_entry e = {.size = sizeof e};
        if (score_drift_get(r->drift, i, &e) != SCORE_OK)
            continue;
        sc_str_printf(s, "%s{\"name\":", i ? "," : "");
        sc_str_json(s, e.name);
        sc_str_puts(s, ",");
        key_number(s, "psi", e.psi);
        sc_str_puts(s, "}");
    }
    sc_str_puts(s, "]");
}

void sc_report_json(const score_report *r, sc_str *s)
{
    const sc_validation *v = &r->validation;
    char asof[8];
    sc_month_format(r->asof, asof);
    sc_str_printf(s, "{\"asof\":\"%s\",\"enterprises\":%zu,\"scored\":%zu,\"labelled\":%zu,"
                  "\"defaults\":%zu,", asof, r->enterprises, r->scored, r->labelled, r->defaults);
    key_number(s, "auc", r->auc);
    sc_str_puts(s, ",");
    key_number(s, "auc_se", v->auc_se);
    sc_str_puts(s, ",");
    key_number(s, "gini", v->gini);
    sc_str_puts(s, ",");
    key_number(s, "gini_low", v->gini_low);
    sc_str_puts(s, ",");
    key_number(s, "gini_high", v->gini_high);
    sc_str_puts(s, ",");
    key_number(s, "ks", r->ks);
    sc_str_puts(s, ",");
    key_number(s, "ks_low", v->ks_low);
    sc_str_puts(s, ",");
    key_number(s, "ks_high", v->ks_high);
    sc_str_puts(s, ",");
    key_number(s, "brier", r->brier);
    sc_str_puts(s, ",");
    key_number(s, "mean_pd", r->mean_pd);
    json_deciles(s, v);
    json_grades(s, r);
    json_rest(s, r);
    sc_str_puts(s, "}\n");
}
