/*
 * The validation report as one self-contained HTML page: inline CSS,
 * charts as inline SVG drawn here, no script and nothing fetched, so it
 * opens the same from a mail attachment, a file share or an archive.
 * Numbers the tests read back carry data-* attributes.
 */
#include <math.h>
#include <string.h>

#include "report.h"

#define W 520
#define H 340
#define LEFT 64
#define RIGHT 20
#define TOP 34
#define BOTTOM 52
#define PW (W - LEFT - RIGHT)
#define PH (H - TOP - BOTTOM)

#define COLOR_BAD "#c0392b"
#define COLOR_GOOD "#2471a3"
#define COLOR_MODEL "#34495e"

void sc_report_escape(sc_str *s, const char *text)
{
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '<': sc_str_puts(s, "&lt;"); break;
        case '>': sc_str_puts(s, "&gt;"); break;
        case '&': sc_str_puts(s, "&amp;"); break;
        case '"': sc_str_puts(s, "&quot;"); break;
        default: sc_str_append(s, p, 1); break;
        }
    }
}

static void pct(sc_str *s, double v, int decimals)
{
    if (isnan(v))
        sc_str_puts(s, "&ndash;");
    else
        sc_str_printf(s, "%.*f%%", decimals, v * 100);
}

/* ---- chart frames ------------------------------------------------------------- */

static void svg_open(sc_str *s, const char *title, const char *label)
{
    sc_str_printf(s, "<figure><svg viewBox=\"0 0 %d %d\" "
                  "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"", W, H, W, H);
    sc_report_escape(s, label);
    sc_str_printf(s, "\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                  "<text x=\"%d\" y=\"20\" class=\"t\">", W, H, LEFT);
    sc_report_escape(s, title);
    sc_str_puts(s, "</text>");
}

static void svg_close(sc_str *s, const char *caption)
{
    sc_str_printf(s, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                  "stroke=\"#999\"/></svg><figcaption>", LEFT, TOP, PW, PH);
    sc_report_escape(s, caption);
    sc_str_puts(s, "</figcaption></figure>\n");
}

static double px(double fraction)
{
    return LEFT + fraction * PW;
}

static double py(double fraction)
{
    return TOP + (1 - fraction) * PH;
}

static void x_tick(sc_str *s, double fraction, const char *label)
{
    sc_str_printf(s, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>"
                  "<text x=\"%.1f\" y=\"%d\" class=\"xl\">", px(fraction), TOP + PH, px(fraction),
                  TOP + PH + 5, px(fraction), TOP + PH + 18);
    sc_report_escape(s, label);
    sc_str_puts(s, "</text>");
}

static void y_tick(sc_str *s, double fraction, const char *label, int grid)
{
    if (grid)
        sc_str_printf(s, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>",
                      LEFT, py(fraction), LEFT + PW, py(fraction));
    sc_str_printf(s, "<text x=\"%d\" y=\"%.1f\" class=\"yl\">", LEFT - 6, py(fraction) + 4);
    sc_report_escape(s, label);
    sc_str_puts(s, "</text>");
}

/* Five ticks from 0 to `top` (a share), written as percentages. */
static void percent_ticks(sc_str *s, double top, int decimals)
{
    char label[16];
    for (int i = 0; i <= 4; i++) {
        sc_snprintf(label, sizeof label, "%.*f%%", decimals, top * 100 * i / 4);
        y_tick(s, i / 4.0, label, 1);
    }
}

static void axis_names(sc_str *s, const char *x, const char *y)
{
    sc_str_printf(s, "<text x=\"%d\" y=\"%d\" class=\"an\">", LEFT + PW / 2, H - 8);
    sc_report_escape(s, x);
    sc_str_printf(s, "</text><text transform=\"translate(14 %d) rotate(-90)\" class=\"an\">",
                  TOP + PH / 2);
    sc_report_escape(s, y);
    sc_str_puts(s, "</text>");
}

static void unit_ticks(sc_str *s, int x_axis, int y_axis)
{
    char label[16];
    for (int i = 0; i <= 5; i++) {
        sc_snprintf(label, sizeof label, "%d%%", i * 20);
        if (x_axis)
            x_tick(s, i / 5.0, label);
        if (y_axis)
            y_tick(s, i / 5.0, label, 1);
    }
}

/* A legend line at the top left of the plot. */
static void legend(sc_str *s, int row, const char *color, const char *text)
{
    int x = LEFT + 10, y = TOP + 14 + row * 16;
    sc_str_printf(s, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                  "stroke-width=\"3\"/><text x=\"%d\" y=\"%d\" class=\"lg\">", x, y - 4, x + 18,
                  y - 4, color, x + 24, y);
    sc_report_escape(s, text);
    sc_str_puts(s, "</text>");
}

/* ---- the charts ---------------------------------------------------------------- */

static void chart_roc(sc_str *s, const score_report *r)
{
    char text[128];
    svg_open(s, "ROC curve", "ROC curve of the model on the validation sample");
    unit_ticks(s, 1, 1);
    axis_names(s, "false positive rate (goods flagged)", "true positive rate (defaults caught)");
    sc_str_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#aaa\" "
                  "stroke-dasharray=\"4 3\"/>", px(0), py(0), px(1), py(1));
    sc_str_printf(s, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                  COLOR_MODEL);
    for (size_t i = 0; i < r->n_roc; i++)
        if (!isnan(r->roc[i].fpr) && !isnan(r->roc[i].tpr))
            sc_str_printf(s, "%.1f,%.1f ", px(r->roc[i].fpr), py(r->roc[i].tpr));
    sc_str_puts(s, "\"/>");
    if (isnan(r->auc))
        sc_snprintf(text, sizeof text, "no AUC: the sample has one class only");
    else
        sc_snprintf(text, sizeof text, "AUC %.4f   Gini %.4f", r->auc, 2 * r->auc - 1);
    sc_str_printf(s, "<text x=\"%.1f\" y=\"%.1f\" class=\"big\">", px(0.42), py(0.12));
    sc_report_escape(s, text);
    sc_str_puts(s, "</text>");
    svg_close(s, "Share of defaults caught against share of goods flagged, at every PD cut-off. "
                 "The diagonal is a model that knows nothing.");
}

static void chart_ks(sc_str *s, const score_report *r)
{
    /* cumulative shares of bads and goods with a score at or below x */
    svg_open(s, "KS: cumulative share by score", "KS curve");
    unit_ticks(s, 0, 1);
    axis_names(s, "score (riskiest on the left)", "cumulative share");
    int lo = r->hist_from, hi = r->hist_from + (int)r->n_hist * SC_REPORT_SCORE_BIN;
    char label[16];
    for (int v = lo; v <= hi; v += SC_REPORT_SCORE_BIN * (r->n_hist > 12 ? 5 : 2)) {
        sc_snprintf(label, sizeof label, "%d", v);
        x_tick(s, (double)(v - lo) / (hi - lo), label);
    }
    const char *colors[2] = {COLOR_BAD, COLOR_GOOD};
    for (int bad = 1; bad >= 0; bad--) {
        sc_str_printf(s, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                      colors[1 - bad]);
        for (size_t i = 0; i < r->n_roc; i++) {
            double share = bad ? r->roc[i].tpr : r->roc[i].fpr;
            if (!isnan(share))
                sc_str_printf(s, "%.1f,%.1f ",
                              px((double)(r->roc[i].score - lo) / (hi - lo)), py(share));
        }
        sc_str_puts(s, "\"/>");
    }
    legend(s, 0, COLOR_BAD, "defaults");
    legend(s, 1, COLOR_GOOD, "goods");
    if (!isnan(r->ks)) {
        double x = px((double)(r->ks_score - lo) / (hi - lo));
        int right_half = x > LEFT + PW / 2;
        sc_str_printf(s, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\" "
                      "stroke-dasharray=\"3 3\"/><text x=\"%.1f\" y=\"%d\" class=\"big\" "
                      "text-anchor=\"%s\">KS %.4f at %d</text>", x, TOP, x, TOP + PH,
                      right_half ? x - 6 : x + 6, TOP + PH / 2, right_half ? "end" : "start",
                      r->ks, r->ks_score);
    }
    svg_close(s, "Share of defaults and of goods scoring at or below each score; KS is the "
                 "largest gap between the two.");
}

/* A PD on the calibration chart's log axis, 0.01% .. 100%. */
static double log_fraction(double pd)
{
    double v = pd < 1e-4 ? 1e-4 : pd;
    return (log10(v) + 4) / 4;
}

static void chart_calibration(sc_str *s, const score_report *r)
{
    svg_open(s, "Calibration by grade", "Predicted PD against observed default rate by grade");
    static const char *const ticks[] = {"0.01%", "0.1%", "1%", "10%", "100%"};
    for (int i = 0; i <= 4; i++)
        y_tick(s, i / 4.0, ticks[i], 1);
    axis_names(s, "grade", "PD (log scale)");
    double slot = (double)PW / (double)r->n_grades;
    for (size_t g = 0; g < r->n_grades; g++) {
        score_report_grade rg = {.size = sizeof rg};
        score_report_grade_get(r, g, &rg);
        double cx = LEFT + slot * ((double)g + 0.5);
        sc_str_printf(s, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">", cx, TOP + PH + 18);
        sc_report_escape(s, r->grades[g]);
        sc_str_printf(s, "</text><text x=\"%.1f\" y=\"%d\" class=\"xs\">n=%zu</text>", cx,
                      TOP + PH + 32, rg.count);
        if (!rg.count)
            continue;
        double y_lo = py(log_fraction(rg.ci_low)), y_hi = py(log_fraction(rg.ci_high));
        sc_str_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                      "stroke-width=\"2\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                      "stroke=\"%s\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                      "stroke=\"%s\"/>", cx, y_lo, cx, y_hi, COLOR_BAD, cx - 5, y_lo, cx + 5, y_lo,
                      COLOR_BAD, cx - 5, y_hi, cx + 5, y_hi, COLOR_BAD);
        sc_str_printf(s, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", cx,
                      py(log_fraction(rg.default_rate)), rg.defaults ? COLOR_BAD : "#fff");
        if (!rg.defaults)
            sc_str_printf(s, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"none\" stroke=\"%s\"/>",
                          cx, py(log_fraction(rg.default_rate)), COLOR_BAD);
        double my = py(log_fraction(rg.mean_pd));
        sc_str_printf(s, "<path d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\" fill=\"none\" stroke=\"%s\" "
                      "stroke-width=\"2\"/>", cx, my - 6, COLOR_MODEL);
    }
    legend(s, 0, COLOR_MODEL, "mean predicted PD");
    legend(s, 1, COLOR_BAD, "observed, 95% interval");
    svg_close(s, "Diamonds: the model's mean PD in each grade. Dots: the observed default rate, "
                 "with its Wilson 95% interval (a hollow dot: no default observed, drawn at the "
                 "axis floor).");
}

static void chart_histogram(sc_str *s, const score_report *r)
{
    svg_open(s, "Score distribution of goods and defaults", "Score histograms");
    size_t goods = r->labelled - r->defaults, bads = r->defaults;
    double top = 0;
    for (size_t b = 0; b < r->n_hist; b++) {
        double g = goods ? (double)r->hist_good[b] / (double)goods : 0;
        double d = bads ? (double)r->hist_bad[b] / (double)bads : 0;
        top = g > top ? g : top;
        top = d > top ? d : top;
    }
    top = top > 0 ? ceil(top * 10) / 10 : 1;
    percent_ticks(s, top, 0);
    char label[16];
    axis_names(s, "score", "share of its group");
    double slot = (double)PW / (double)r->n_hist;
    for (size_t b = 0; b < r->n_hist; b++) {
        double g = goods ? (double)r->hist_good[b] / (double)goods : 0;
        double d = bads ? (double)r->hist_bad[b] / (double)bads : 0;
        double x = LEFT + slot * (double)b;
        sc_str_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>"
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                      x + 1, py(g / top), slot / 2 - 1, g / top * PH, COLOR_GOOD, x + slot / 2,
                      py(d / top), slot / 2 - 1, d / top * PH, COLOR_BAD);
        if (b % (r->n_hist > 12 ? 5 : 2) == 0) {
            sc_snprintf(label, sizeof label, "%d", r->hist_from + (int)b * SC_REPORT_SCORE_BIN);
            x_tick(s, (double)b / (double)r->n_hist, label);
        }
    }
    legend(s, 0, COLOR_GOOD, "goods");
    legend(s, 1, COLOR_BAD, "defaults");
    svg_close(s, "Share of goods and of defaults in each band of 20 points. The further apart the "
                 "two, the better the score separates them.");
}

static void chart_default_rate(sc_str *s, const score_report *r)
{
    svg_open(s, "Observed default rate by grade", "Default rate by grade");
    double top = 0;
    for (size_t g = 0; g < r->n_grades; g++)
        if (r->grade[g].count) {
            double rate = (double)r->grade[g].defaults / (double)r->grade[g].count;
            top = rate > top ? rate : top;
        }
    top = top > 0 ? ceil(top * 20) / 20 : 0.05;
    percent_ticks(s, top, 1);
    axis_names(s, "grade", "default rate");
    double slot = (double)PW / (double)r->n_grades;
    for (size_t g = 0; g < r->n_grades; g++) {
        double cx = LEFT + slot * ((double)g + 0.5);
        sc_str_printf(s, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">", cx, TOP + PH + 18);
        sc_report_escape(s, r->grades[g]);
        sc_str_puts(s, "</text>");
        if (!r->grade[g].count)
            continue;
        double rate = (double)r->grade[g].defaults / (double)r->grade[g].count;
        sc_str_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" class=\"xs\">%.1f%%</text>", cx - slot * 0.35,
                      py(rate / top), slot * 0.7, rate / top * PH, COLOR_BAD, cx,
                      py(rate / top) - 4, rate * 100);
    }
    svg_close(s, "Share of the labelled enterprises in each grade that defaulted within 12 "
                 "months. It should rise from AAA to D.");
}

static void chart_importance(sc_str *s, const score_report *r)
{
    svg_open(s, "Most important features", "Average absolute contribution by feature");
    double top = r->n_top ? r->top[0].mean_abs : 1;
    top = top > 0 ? top : 1;
    double row = (double)PH / SC_REPORT_TOP_FEATURES;
    for (size_t i = 0; i < r->n_top; i++) {
        double y = TOP + row * (double)i;
        double w = r->top[i].mean_abs / top * (PW - 210);
        sc_str_printf(s, "<text x=\"%d\" y=\"%.1f\" class=\"fl\">", LEFT + 146,
                      y + row * 0.7);
        sc_report_escape(s, sc_feature_spec[r->top[i].feature].name);
        sc_str_printf(s, "</text><rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                      "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" class=\"xs\" "
                      "text-anchor=\"start\">%.4f</text>", LEFT + 150, y + 2, w, row - 4,
                      COLOR_MODEL, LEFT + 154 + w, y + row * 0.7, r->top[i].mean_abs);
    }
    svg_close(s, "Average absolute exact tree SHAP contribution to the margin (log-odds), over "
                 "the labelled enterprises.");
}

/* ---- tables ---------------------------------------------------------------------- */

/* One headline figure: the value (NaN: a dash, as when the sample has only
 * one class and AUC and KS do not exist), in a card with its label. */
static void card(sc_str *s, const char *metric, double value, int percent, const char *label)
{
    sc_str_printf(s, "<div><b data-metric=\"%s\" data-value=\"", metric);
    if (!isnan(value))
        sc_str_printf(s, "%.10g", value);
    sc_str_puts(s, "\">");
    if (isnan(value))
        sc_str_puts(s, "&ndash;");
    else if (percent)
        pct(s, value, 2);
    else
        sc_str_printf(s, "%.4f", value);
    sc_str_puts(s, "</b>");
    sc_report_escape(s, label);
    sc_str_puts(s, "</div>");
}

static void headline(sc_str *s, const score_report *r)
{
    score_report_summary m = {.size = sizeof m};
    score_report_summary_get(r, &m);
    char ks[64], labelled[96];
    sc_snprintf(ks, sizeof ks, isnan(m.ks) ? "KS" : "KS (at score %d)", m.ks_score);
    sc_snprintf(labelled, sizeof labelled, "labelled enterprises (%zu defaults)", m.defaults);
    sc_str_puts(s, "<section class=\"cards\">");
    card(s, "auc", m.auc, 0, "AUC");
    card(s, "gini", m.gini, 0, "Gini");
    card(s, "ks", m.ks, 0, ks);
    card(s, "default_rate", m.default_rate, 1, "observed default rate");
    card(s, "mean_pd", m.mean_pd, 1, "mean predicted PD");
    sc_str_printf(s, "<div><b data-metric=\"labelled\" data-value=\"%zu\">%zu</b>", m.labelled,
                  m.labelled);
    sc_report_escape(s, labelled);
    sc_str_puts(s, "</div>");
    card(s, "brier", m.brier, 0, "Brier score");
    sc_str_puts(s, "</section>\n");
}

static void grade_table(sc_str *s, const score_report *r)
{
    sc_str_puts(s, "<h2>Default rate and calibration by grade</h2><table class=\"num\"><tr>"
                   "<th>grade</th><th>enterprises</th><th>defaults</th><th>observed rate</th>"
                   "<th>95% interval</th><th>mean predicted PD</th><th>predicted in interval</th>"
                   "</tr>\n");
    for (size_t g = 0; g < r->n_grades; g++) {
        score_report_grade rg = {.size = sizeof rg};
        score_report_grade_get(r, g, &rg);
        sc_str_puts(s, "<tr data-grade=\"");
        sc_report_escape(s, r->grades[g]);
        sc_str_printf(s, "\" data-count=\"%zu\" data-defaults=\"%zu\" data-rate=\"", rg.count,
                      rg.defaults);
        if (rg.count)
            sc_str_printf(s, "%.10g", rg.default_rate);
        sc_str_puts(s, "\"><td>");
        sc_report_escape(s, r->grades[g]);
        sc_str_printf(s, "</td><td>%zu</td><td>%zu</td><td>", rg.count, rg.defaults);
        pct(s, rg.default_rate, 2);
        sc_str_puts(s, "</td><td>");
        if (rg.count) {
            pct(s, rg.ci_low, 2);
            sc_str_puts(s, " &ndash; ");
            pct(s, rg.ci_high, 2);
        }
        sc_str_puts(s, "</td><td>");
        pct(s, rg.mean_pd, 3);
        sc_str_printf(s, "</td><td>%s</td></tr>\n",
                      !rg.count ? "" : rg.mean_pd >= rg.ci_low && rg.mean_pd <= rg.ci_high
                                         ? "yes" : "<span class=\"bad\">no</span>");
    }
    sc_str_puts(s, "</table>\n");
}

static void psi_row(sc_str *s, const score_drift_entry *e)
{
    static const char *const classes[] = {"ok", "warn", "bad"};
    sc_str_puts(s, "<tr data-psi=\"");
    sc_report_escape(s, e->name);
    sc_str_printf(s, "\"><td>");
    sc_report_escape(s, e->name);
    sc_str_printf(s, "</td><td>%.4f</td><td class=\"%s\">%s</td><td>", e->psi,
                  classes[e->verdict], score_psi_verdict_name(e->verdict));
    pct(s, e->expected[e->n_bins - 1], 1);
    sc_str_puts(s, "</td><td>");
    pct(s, e->actual[e->n_bins - 1], 1);
    sc_str_puts(s, "</td></tr>\n");
}

static int by_psi(const void *a, const void *b)
{
    double x = ((const score_drift_entry *)a)->psi, y = ((const score_drift_entry *)b)->psi;
    return (x < y) - (x > y);
}

static void psi_table(sc_str *s, const score_report *r)
{
    size_t n = score_drift_count(r->drift);
    score_drift_entry entries[SC_N_FEATURES + 1];
    size_t verdicts[3] = {0};
    for (size_t i = 0; i < n && i <= SC_N_FEATURES; i++) {
        entries[i].size = sizeof entries[i];
        score_drift_get(r->drift, i, &entries[i]);
        verdicts[entries[i].verdict]++;
    }
    sc_str_printf(s, "<h2>Population stability (PSI) against the training population</h2>"
                  "<p>%zu stable (below 0.10), %zu to investigate (0.10 to 0.25), %zu shifted "
                  "(above 0.25). Bins are the training population's deciles plus a bin for "
                  "missing values; an empty bin counts as a share of 0.0001.</p>",
                  verdicts[0], verdicts[1], verdicts[2]);
    static const char head[] = "<table class=\"num\"><tr><th>feature</th><th>PSI</th>"
                               "<th>verdict</th><th>missing in training</th><th>missing now</th>"
                               "</tr>\n";
    sc_str_puts(s, head);
    psi_row(s, &entries[n - 1]); /* the score first */
    qsort(entries, n - 1, sizeof *entries, by_psi);
    size_t shown = n - 1 < 15 ? n - 1 : 15;
    for (size_t i = 0; i < shown; i++)
        psi_row(s, &entries[i]);
    sc_str_puts(s, "</table>\n");
    if (shown < n - 1) {
        sc_str_printf(s, "<details><summary>the other %zu features</summary>", n - 1 - shown);
        sc_str_puts(s, head);
        for (size_t i = shown; i < n - 1; i++)
            psi_row(s, &entries[i]);
        sc_str_puts(s, "</table></details>\n");
    }
}

static void importance_table(sc_str *s, const score_report *r)
{
    sc_str_printf(s, "<table class=\"num\"><tr><th>feature</th><th>mean |contribution|</th>"
                  "<th>what it measures</th></tr>\n");
    for (size_t i = 0; i < r->n_top; i++) {
        const sc_feature_info *f = &sc_feature_spec[r->top[i].feature];
        sc_str_puts(s, "<tr><td>");
        sc_report_escape(s, f->name);
        sc_str_printf(s, "</td><td>%.4f</td><td class=\"text\">", r->top[i].mean_abs);
        sc_report_escape(s, f->description);
        sc_str_puts(s, "</td></tr>\n");
    }
    if (r->shap_rows == r->labelled)
        sc_str_printf(s, "</table><p>Averaged over all %zu labelled enterprises.</p>\n",
                      r->shap_rows);
    else
        sc_str_printf(s, "</table><p>Averaged over %zu of the %zu labelled enterprises, evenly "
                      "spaced in the order of their USCC (at most %d are used).</p>\n",
                      r->shap_rows, r->labelled, SC_REPORT_SHAP_SAMPLE);
}

static void data_table(sc_str *s, const score_report *r)
{
    char asof[8];
    sc_month_format(r->asof, asof);
    sc_str_printf(s, "<h2>Data</h2><table class=\"kv\">"
                  "<tr><th>as-of month</th><td>%s</td></tr>"
                  "<tr><th>enterprises in the signals</th><td>%zu</td></tr>"
                  "<tr><th>observations</th><td>%zu</td></tr>", asof, r->enterprises,
                  r->observations);
    if (r->first_month)
        sc_str_printf(s, "<tr><th>months of data</th><td>%04d-%02d to %04d-%02d</td></tr>",
                      r->first_month / 100, r->first_month % 100, r->last_month / 100,
                      r->last_month % 100);
    sc_str_printf(s, "<tr><th>existing at the as-of month (scored)</th><td>%zu</td></tr>"
                  "<tr><th>labels read</th><td>%zu</td></tr>"
                  "<tr><th>labels without a scored enterprise</th><td>%zu</td></tr>"
                  "<tr><th>validation sample (scored and labelled)</th><td>%zu, of which %zu "
                  "defaults</td></tr>", r->scored, r->labels_read, r->labels_unmatched, r->labelled,
                  r->defaults);
    sc_str_puts(s, "<tr><th>enterprises with each source</th><td>");
    for (size_t src = 0; src < SC_N_SOURCES; src++)
        sc_str_printf(s, "%s%s %zu", src ? ", " : "", sc_source_names[src], r->source_count[src]);
    sc_str_puts(s, "</td></tr>");
    sc_str_puts(s, "<tr><th>model created</th><td>");
    sc_report_escape(s, r->model_created ? r->model_created : "unknown");
    sc_str_printf(s, "</td></tr><tr><th>trees; validation AUC at training</th><td>%zu; %.4f</td>"
                  "</tr><tr><th>training data</th><td class=\"text\"><code>", r->model_trees,
                  r->model_validation_auc);
    sc_report_escape(s, r->model_training ? r->model_training : "unknown");
    sc_str_puts(s, "</code></td></tr></table>\n");
}

static const char style[] =
    "body{font-family:'Noto Sans','DejaVu Sans',Arial,sans-serif;margin:24px auto;max-width:"
    "1120px;color:#222;background:#fafafa}h1{font-size:24px;margin-bottom:4px}h2{font-size:18px;"
    "margin-top:28px;border-bottom:1px solid #ccc}p.sub{color:#555;margin-top:0}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px}.cards div{background:#fff;border:1px solid "
    "#ddd;border-radius:6px;padding:10px 16px;min-width:140px;color:#555;font-size:13px}"
    ".cards b{display:block;font-size:24px;color:#222}.grid{display:flex;flex-wrap:wrap;gap:"
    "16px}figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px}"
    "figcaption{font-size:12px;color:#555;max-width:" "520px}svg text{font-size:11px;fill:#333}"
    "svg .t{font-size:14px;font-weight:bold}svg .xl,svg .xs,svg .an{text-anchor:middle}"
    "svg .yl,svg .fl{text-anchor:end}svg .xs{font-size:10px}svg .big{font-size:13px;"
    "font-weight:bold}table{border-collapse:collapse;background:#fff;margin:8px 0}"
    "td,th{border:1px solid #ddd;padding:4px 8px;font-size:13px}table.num td{text-align:right}"
    "table.num td:first-child,table.num td.text{text-align:left}th{background:#f0f0f0;text-align:left}"
    ".ok{color:#1e8449}.warn{color:#b9770e;font-weight:bold}.bad{color:#c0392b;font-weight:"
    "bold}code{font-size:11px;word-break:break-all}\n";

void sc_report_render(const score_report *r, sc_str *s)
{
    char asof[8];
    sc_month_format(r->asof, asof);
    sc_str_printf(s, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"generator\" content=\"libscore %s\">"
                  "<title>Model validation report, %s</title><style>%s</style></head><body>\n"
                  "<h1>Model validation report</h1><p class=\"sub\">Validation sample: the "
                  "enterprises scored as of %s with a 12-month default label. Produced by "
                  "libscore %s.</p>\n", SCORE_VERSION_STRING, asof, style, asof,
                  SCORE_VERSION_STRING);
    headline(s, r);
    sc_str_puts(s, "<h2>Discrimination</h2><div class=\"grid\">");
    chart_roc(s, r);
    chart_ks(s, r);
    chart_histogram(s, r);
    sc_str_puts(s, "</div><h2>Calibration</h2><div class=\"grid\">");
    chart_calibration(s, r);
    chart_default_rate(s, r);
    sc_str_puts(s, "</div>\n");
    grade_table(s, r);
    sc_report_render_validation(r, s);
    psi_table(s, r);
    sc_str_puts(s, "<h2>What drives the scores</h2><div class=\"grid\">");
    chart_importance(s, r);
    sc_str_puts(s, "</div>\n");
    importance_table(s, r);
    data_table(s, r);
    sc_str_puts(s, "</body></html>\n");
}
