/* Drift (PSI against a hand computation, empty bins, verdicts, the
 * portfolio's drift and grade migration) and the validation report (its
 * numbers against an independent computation, the page self-contained). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "monitor/report.h"

#define FIRST SC_MONTH(2022, 1)
#define LAST SC_MONTH(2024, 12)
#define N_ENT 500

/* one synthetic portfolio and model for every test (fixture_make) */
static fixture shared;
static const char *dir, *labels;
static score_model *model;
static score_panel *panel;

__attribute__((constructor)) static void make_shared(void)
{
    fixture_make(&shared, N_ENT, 9);
    dir = shared.dir;
    labels = shared.labels;
    model = shared.model;
    panel = shared.panel;
}

__attribute__((destructor)) static void free_shared(void)
{
    fixture_free(&shared);
}

/* ---- PSI -------------------------------------------------------------------------- */

Test(psi, against_a_hand_computation)
{
    double e[3] = {0.25, 0.25, 0.5}, a[3] = {0.5, 0.25, 0.25}, psi;
    cr_assert_eq(score_psi(e, a, 3, &psi), SCORE_OK);
    /* (0.5 - 0.25) ln 2 + 0 + (0.25 - 0.5) ln(1/2) = 0.5 ln 2 */
    cr_assert_float_eq(psi, 0.5 * log(2.0), 1e-15);
    double same[4] = {0.1, 0.2, 0.3, 0.4};
    cr_assert_eq(score_psi(same, same, 4, &psi), SCORE_OK);
    cr_assert_eq(psi, 0.0);
    /* symmetric in its two arguments */
    double back;
    cr_assert_eq(score_psi(a, e, 3, &back), SCORE_OK);
    cr_assert_float_eq(back, 0.5 * log(2.0), 1e-15);
}

Test(psi, empty_bins_are_floored_not_infinite)
{
    double e[3] = {0.5, 0.5, 0}, a[3] = {0.5, 0.4, 0.1}, psi;
    cr_assert_eq(score_psi(e, a, 3, &psi), SCORE_OK);
    double hand = (0.4 - 0.5) * log(0.4 / 0.5) + (0.1 - 1e-4) * log(0.1 / 1e-4);
    cr_assert(isfinite(psi));
    cr_assert_float_eq(psi, hand, 1e-12);
    /* empty on the other side */
    cr_assert_eq(score_psi(a, e, 3, &psi), SCORE_OK);
    cr_assert_float_eq(psi, hand, 1e-12);
    /* empty on both sides adds nothing */
    double e2[3] = {0.5, 0.5, 0}, a2[3] = {0.5, 0.5, 0};
    cr_assert_eq(score_psi(e2, a2, 3, &psi), SCORE_OK);
    cr_assert_eq(psi, 0.0);
    /* shares below the floor count as the floor */
    double e3[2] = {0.99995, 0.00005}, a3[2] = {1, 0};
    cr_assert_eq(score_psi(e3, a3, 2, &psi), SCORE_OK);
    cr_assert_float_eq(psi, (1 - 0.99995) * log(1 / 0.99995), 1e-15);
}

Test(psi, verdicts_and_bad_input)
{
    cr_assert_eq(score_psi_verdict(0.0999), SCORE_PSI_STABLE);
    cr_assert_eq(score_psi_verdict(0.10), SCORE_PSI_INVESTIGATE);
    cr_assert_eq(score_psi_verdict(0.25), SCORE_PSI_INVESTIGATE);
    cr_assert_eq(score_psi_verdict(0.2501), SCORE_PSI_SHIFTED);
    cr_assert_str_eq(score_psi_verdict_name(SCORE_PSI_SHIFTED), "shifted");
    cr_assert_null(score_psi_verdict_name(3));
    double e[2] = {0.5, 0.5}, a[2] = {-0.1, 1.1}, nan2[2] = {NAN, 1}, psi = 7;
    cr_assert_eq(score_psi(e, a, 2, &psi), SCORE_EINVAL);
    cr_assert_eq(score_psi(e, nan2, 2, &psi), SCORE_EINVAL);
    cr_assert_eq(score_psi(e, e, 0, &psi), SCORE_EINVAL);
    cr_assert_eq(score_psi(NULL, e, 2, &psi), SCORE_EINVAL);
    cr_assert_eq(psi, 7);
}

Test(psi, shares_in_the_bundle_bins)
{
    sc_distribution d = {.n_bins = 3, .edges = {1, 2}};
    double v[7] = {0.5, 1, 1.5, 2, 3, NAN, -4}, out[4];
    sc_distribution_shares(&d, v, 7, out);
    cr_assert_float_eq(out[0], 2 / 7.0, 1e-15); /* 0.5, -4 */
    cr_assert_float_eq(out[1], 2 / 7.0, 1e-15); /* 1, 1.5 */
    cr_assert_float_eq(out[2], 2 / 7.0, 1e-15); /* 2, 3 */
    cr_assert_float_eq(out[3], 1 / 7.0, 1e-15); /* NaN */
}

/* ---- drift of a portfolio ----------------------------------------------------------- */


Test(drift, none_at_the_training_month_and_some_later)
{
    score_drift *d;
    cr_assert_eq(score_drift_compute(model, panel, "2023-12", NULL, &d), SCORE_OK, "%s",
                 score_last_error());
    size_t n = score_drift_count(d);
    cr_assert_eq(n, score_model_n_features(model) + 1);
    for (size_t i = 0; i < n; i++) {
        score_drift_entry e = {.size = sizeof e};
        cr_assert_eq(score_drift_get(d, i, &e), SCORE_OK);
        /* every enterprise was labelled: the same rows as the training population */
        cr_assert(e.psi < 1e-12, "%s: PSI %g at the training month", e.name, e.psi);
        cr_assert_eq(e.verdict, SCORE_PSI_STABLE);
        double sum_e = 0, sum_a = 0;
        for (size_t b = 0; b < e.n_bins; b++) {
            sum_e += e.expected[b];
            sum_a += e.actual[b];
        }
        cr_assert_float_eq(sum_e, 1, 1e-9, "%s", e.name);
        cr_assert_float_eq(sum_a, 1, 1e-9, "%s", e.name);
    }
    score_drift_entry last = {.size = sizeof last};
    score_drift_get(d, n - 1, &last);
    cr_assert_str_eq(last.name, "score");
    size_t grades;
    cr_assert_eq(score_drift_migration(d, NULL, 0, &grades), SCORE_ENOTFOUND);
    score_drift_free(d);

    /* a year on, distress has spread: the score and some features moved */
    cr_assert_eq(score_drift_compute(model, panel, "2024-12", "2024-06", &d), SCORE_OK);
    score_drift_get(d, n - 1, &last);
    cr_assert(last.psi > 0.01, "score PSI %g", last.psi);
    double hand = sc_psi(last.expected, last.actual, last.n_bins);
    cr_assert_float_eq(last.psi, hand, 1e-15);
    for (size_t i = 0; i < n; i++) {
        score_drift_entry e = {.size = sizeof e};
        score_drift_get(d, i, &e);
        cr_assert(isfinite(e.psi), "%s", e.name);
    }
    /* everyone is a year older */
    size_t age;
    cr_assert_eq(score_feature_index("age_months", &age), SCORE_OK);
    score_drift_entry e = {.size = sizeof e};
    score_drift_get(d, age, &e);
    cr_assert(e.psi > 0.02, "age_months PSI %g", e.psi);
    cr_assert_eq(score_drift_migration(d, NULL, 0, &grades), SCORE_OK);
    cr_assert_eq(grades, score_model_n_grades(model));
    size_t *counts = calloc(grades * grades, sizeof *counts), total = 0;
    cr_assert_eq(score_drift_migration(d, counts, grades * grades, &grades), SCORE_OK);
    for (size_t i = 0; i < grades * grades; i++)
        total += counts[i];
    cr_assert_eq(total, N_ENT);
    free(counts);

    size_t len;
    cr_assert_eq(score_drift_json(d, NULL, 0, &len), SCORE_OK);
    char *text = malloc(len + 1);
    cr_assert_eq(score_drift_json(d, text, len + 1, &len), SCORE_OK);
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    cr_assert_not_null(doc, "%s at %d:%d", err.text, err.line, err.column);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "asof")), "2024-12");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "previous")), "2024-06");
    cr_assert_eq(json_array_size(json_object_get(doc, "features")), n - 1);
    const json_t *mig = json_object_get(doc, "migration");
    cr_assert_eq(json_integer_value(json_object_get(mig, "enterprises")), N_ENT);
    cr_assert_eq(json_array_size(json_object_get(mig, "counts")), grades);
    cr_assert_float_eq(json_number_value(json_object_get(json_object_get(doc, "score"), "psi")),
                       last.psi, 1e-6);
    json_decref(doc);
    free(text);
    score_drift_free(d);

    /* six years after the data end every window is empty: shifted */
    cr_assert_eq(score_drift_compute(model, panel, "2030-12", NULL, &d), SCORE_OK);
    size_t sales;
    cr_assert_eq(score_feature_index("sales_12m", &sales), SCORE_OK);
    score_drift_get(d, sales, &e);
    cr_assert_eq(e.verdict, SCORE_PSI_SHIFTED, "sales_12m PSI %g", e.psi);
    cr_assert_float_eq(e.actual[e.n_bins - 1], 1, 1e-15); /* all missing */
    cr_assert(isfinite(e.psi) && e.psi > 5, "%g", e.psi);
    score_drift_get(d, age, &e);
    cr_assert_eq(e.verdict, SCORE_PSI_SHIFTED, "age_months PSI %g", e.psi);
    score_drift_free(d);
}

Test(drift, bad_arguments)
{
    score_drift *d = NULL;
    cr_assert_eq(score_drift_compute(model, panel, "2024-12", "2024-12", &d), SCORE_EINVAL);
    cr_assert_eq(score_drift_compute(model, panel, "2024-1", NULL, &d), SCORE_EINVAL);
    cr_assert_eq(score_drift_compute(NULL, panel, "2024-12", NULL, &d), SCORE_EINVAL);
    cr_assert_eq(score_drift_compute(model, panel, "1990-01", NULL, &d), SCORE_ENOTFOUND);
    cr_assert_null(d);
    score_drift_free(NULL);
}

/* ---- the report ------------------------------------------------------------------------ */

/* AUC as the share of (bad, good) pairs where the bad has the higher PD,
 * ties half: the definition, pair by pair. */
static double pairwise_auc(const double *pd, const int *y, size_t n)
{
    double wins = 0, pairs = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (y[i] && !y[j]) {
                wins += pd[i] > pd[j] ? 1 : pd[i] == pd[j] ? 0.5 : 0;
                pairs++;
            }
    return wins / pairs;
}

/* KS: the largest gap between the shares of bads and goods with PD at or
 * above t, over every PD t of the sample. */
static double brute_ks(const double *pd, const int *y, size_t n)
{
    double bads = 0, best = 0;
    for (size_t i = 0; i < n; i++)
        bads += y[i];
    for (size_t t = 0; t < n; t++) {
        double b = 0, g = 0;
        for (size_t i = 0; i < n; i++)
            if (pd[i] >= pd[t])
                *(y[i] ? &b : &g) += 1;
        double gap = fabs(b / bads - g / ((double)n - bads));
        best = gap > best ? gap : best;
    }
    return best;
}

Test(drift, report_numbers_against_an_independent_computation)
{
    const char *asof = "2023-12";
    score_report *r;
    cr_assert_eq(score_report_new(model, panel, labels, asof, &r), SCORE_OK, "%s",
                 score_last_error());
    /* the same sample, scored and labelled here */
    size_t n;
    cr_assert_eq(score_model_score_panel(model, panel, asof, 0, NULL, NULL, NULL, NULL, NULL, NULL,
                                         &n), SCORE_OK);
    double *pd = malloc(n * sizeof *pd);
    int *grade = malloc(n * sizeof *grade), *y = malloc(n * sizeof *y);
    size_t *index = malloc(n * sizeof *index);
    cr_assert_eq(score_model_score_panel(model, panel, asof, n, index, NULL, pd, NULL, grade, NULL,
                                         &n), SCORE_OK);
    FILE *f = fopen(labels, "r");
    char line[64];
    cr_assert_not_null(fgets(line, sizeof line, f));
    size_t labelled = 0, bads = 0;
    while (fgets(line, sizeof line, f)) {
        char uscc[19];
        memcpy(uscc, line, 18);
        uscc[18] = 0;
        size_t at;
        cr_assert_eq(score_panel_find(panel, uscc, &at), SCORE_OK);
        for (size_t i = 0; i < n; i++)
            if (index[i] == at) {
                y[i] = line[19] == '1';
                labelled++;
                bads += (size_t)y[i];
            }
    }
    fclose(f);
    cr_assert_eq(labelled, n);
    score_report_summary s = {.size = sizeof s};
    cr_assert_eq(score_report_summary_get(r, &s), SCORE_OK);
    cr_assert_eq(s.labelled, n);
    cr_assert_eq(s.defaults, bads);
    cr_assert_eq(s.asof, 202312);
    cr_assert_float_eq(s.default_rate, (double)bads / (double)n, 1e-15);
    cr_assert_float_eq(s.auc, pairwise_auc(pd, y, n), 1e-12);
    cr_assert_float_eq(s.gini, 2 * s.auc - 1, 1e-15);
    cr_assert_float_eq(s.ks, brute_ks(pd, y, n), 1e-12);
    cr_assert(s.auc > 0.6, "AUC %g", s.auc);
    size_t total = 0;
    for (size_t g = 0; g < score_model_n_grades(model); g++) {
        size_t count = 0, defaults = 0;
        for (size_t i = 0; i < n; i++)
            if ((size_t)grade[i] == g) {
                count++;
                defaults += (size_t)y[i];
            }
        score_report_grade rg = {.size = sizeof rg};
        cr_assert_eq(score_report_grade_get(r, g, &rg), SCORE_OK);
        cr_assert_str_eq(rg.grade, score_model_grade_name(model, g));
        cr_assert_eq(rg.count, count, "grade %zu", g);
        cr_assert_eq(rg.defaults, defaults, "grade %zu", g);
        if (count) {
            cr_assert_float_eq(rg.default_rate, (double)defaults / (double)count, 1e-15);
            cr_assert(rg.ci_low <= rg.default_rate && rg.default_rate <= rg.ci_high);
        } else {
            cr_assert(isnan(rg.default_rate));
        }
        total += count;
    }
    cr_assert_eq(total, n);
    score_report_grade rg = {.size = sizeof rg};
    cr_assert_eq(score_report_grade_get(r, 99, &rg), SCORE_EINVAL);
    free(pd);
    free(grade);
    free(y);
    free(index);
    score_report_free(r);
}

Test(drift, wilson_interval)
{
    double lo, hi;
    /* 5 of 100: the textbook interval 0.0215 .. 0.1118 */
    sc_wilson(5, 100, &lo, &hi);
    cr_assert_float_eq(lo, 0.02154368, 1e-7);
    cr_assert_float_eq(hi, 0.11175047, 1e-7);
    sc_wilson(0, 50, &lo, &hi);
    cr_assert_eq(lo, 0);
    cr_assert(hi > 0.07 && hi < 0.072, "%g", hi);
    sc_wilson(0, 0, &lo, &hi);
    cr_assert(isnan(lo) && isnan(hi));
}

Test(drift, report_page_is_self_contained)
{
    score_report *r;
    cr_assert_eq(score_report_new(model, panel, labels, "2024-06", &r), SCORE_OK, "%s",
                 score_last_error());
    size_t len;
    cr_assert_eq(score_report_html(r, NULL, 0, &len), SCORE_OK);
    char *html = malloc(len + 1);
    cr_assert_eq(score_report_html(r, html, len + 1, &len), SCORE_OK);
    cr_assert_eq(strlen(html), len);
    cr_assert(!strncmp(html, "<!DOCTYPE html>", 15));
    cr_assert_null(strstr(html, "<script"));
    cr_assert_null(strstr(html, "http"));
    cr_assert_null(strstr(html, "src="));
    cr_assert_null(strstr(html, "nan"), "a NaN printed in the page");
    cr_assert_null(strstr(html, "inf"), "an infinity printed in the page");
    const char *sections[] = {"ROC curve", "KS", "Calibration by grade", "Score distribution",
                              "Observed default rate by grade", "Population stability",
                              "Most important features", "<h2>Data</h2>", "data-metric=\"auc\""};
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        cr_assert_not_null(strstr(html, sections[i]), "no %s", sections[i]);
    size_t opened = 0, closed = 0;
    for (const char *p = html; (p = strstr(p, "<svg")); p++)
        opened++;
    for (const char *p = html; (p = strstr(p, "</svg>")); p++)
        closed++;
    cr_assert_eq(opened, 6);
    cr_assert_eq(closed, 6);
    char path[128];
    snprintf(path, sizeof path, "%s/report.html", dir);
    cr_assert_eq(score_report_save(r, path), SCORE_OK, "%s", score_last_error());
    FILE *f = fopen(path, "rb");
    char *back = malloc(len + 1);
    cr_assert_eq(fread(back, 1, len + 1, f), len);
    fclose(f);
    cr_assert(memcmp(back, html, len) == 0);
    cr_assert_eq(score_report_save(r, "/nonexistent-dir/r.html"), SCORE_EIO);
    free(back);
    free(html);
    score_report_free(r);
}

Test(drift, report_refuses_bad_labels)
{
    char path[128];
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "uscc,default\n914403000000000010,2\n");
    fclose(f);
    score_report *r = NULL;
    cr_assert_eq(score_report_new(model, panel, path, "2024-06", &r), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), "bad.csv:2:"), "%s", score_last_error());
    f = fopen(path, "w");
    fprintf(f, "uscc,default\n");
    fclose(f);
    cr_assert_eq(score_report_new(model, panel, path, "2024-06", &r), SCORE_ENOTFOUND);
    cr_assert_eq(score_report_new(model, panel, "/nonexistent", "2024-06", &r), SCORE_EIO);
    cr_assert_null(r);
}

Test(drift, allocation_failures)
{
    /* a small portfolio, so that the loop over every allocation stays quick */
    size_t len;
    char *text = synthetic_csv(60, FIRST, LAST, 9, NULL, NULL, &len);
    score_panel *small;
    cr_assert_eq(read_bytes(text, len, 1, NULL, NULL, &small), SCORE_OK);
    free(text);
    for (int which = 0; which < 2; which++) {
        int failures = 0;
        for (long nth = 1;; nth++) {
            score_drift *d = NULL;
            score_report *r = NULL;
            sc_test_fail_allocation(nth);
            int rc = which ? score_report_new(model, small, labels, "2024-06", &r)
                           : score_drift_compute(model, small, "2024-06", "2024-05", &d);
            sc_test_fail_allocation(0);
            score_drift_free(d);
            score_report_free(r);
            if (rc == SCORE_OK)
                break;
            cr_assert_eq(rc, SCORE_ENOMEM, "allocation %ld: %s", nth, score_last_error());
            cr_assert(!d && !r);
            failures++;
        }
        cr_assert(failures > 3);
    }
    score_panel_free(small);
}

Test(drift, report_of_a_sample_without_defaults)
{
    char path[128];
    snprintf(path, sizeof path, "%s/none.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "uscc,default\n");
    for (unsigned e = 1; e <= 50; e++) {
        char uscc[19];
        make_uscc(e, uscc);
        fprintf(f, "%s,0\n", uscc);
    }
    fclose(f);
    score_report *r;
    cr_assert_eq(score_report_new(model, panel, path, "2024-06", &r), SCORE_OK, "%s",
                 score_last_error());
    score_report_summary s = {.size = sizeof s};
    score_report_summary_get(r, &s);
    cr_assert_eq(s.labelled, 50);
    cr_assert_eq(s.defaults, 0);
    cr_assert(isnan(s.auc) && isnan(s.ks) && isnan(s.gini));
    size_t len;
    cr_assert_eq(score_report_html(r, NULL, 0, &len), SCORE_OK);
    char *html = malloc(len + 1);
    cr_assert_eq(score_report_html(r, html, len + 1, &len), SCORE_OK);
    const char *nan = strstr(html, "nan");
    cr_assert_null(nan, "a NaN printed in the page: %.80s", nan ? nan - 40 : "");
    cr_assert_not_null(strstr(html, "one class only"));
    free(html);
    score_report_free(r);
}
