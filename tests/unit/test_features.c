/* Feature spec v1: golden values worked out by hand for every feature on a
 * tiny panel (the arithmetic is in the comments), the as-of cut, duplicates
 * and the dishonest-debtor listing that holds. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "core/core.h"

#define E1 "914403001922038216"
#define E2 "91330100799655058B"
#define E3 "91110000MA01ABCDEX"
#define E4 "91310115MA1K3XY006"

static char text[1 << 16];
static size_t len;

static void add(const char *uscc, const char *source, const char *field, const char *period,
                const char *value)
{
    len += (size_t)snprintf(text + len, sizeof text - len, "%s,%s,%s,%s,%s\n", uscc, source, field,
                            period, value);
}

static void addm(const char *uscc, const char *source, const char *field, int year, int month,
                 double value)
{
    char period[24], v[32];
    snprintf(period, sizeof period, "%04d-%02d", year, month);
    c_snprintf(v, sizeof v, "%.10g", value);
    add(uscc, source, field, period, v);
}

/* The panel of the golden test; with_future adds rows after 2024-12. */
static void build(int with_future)
{
    len = (size_t)snprintf(text, sizeof text, "uscc,source,field,period,value\n");
    add(E1, "profile", "industry", "", "C3971");
    add(E1, "profile", "established", "", "2019-06-15");
    add(E1, "profile", "registered_capital", "", "5000000");
    add(E1, "profile", "region", "", "330106");
    add(E1, "profile", "hitech", "", "1");
    add(E1, "profile", "srdi", "", "0");
    addm(E1, "tax", "sales", 2024, 12, 999); /* replaced below: the later line holds */
    for (int m = 1; m <= 12; m++)
        addm(E1, "tax", "sales", 2023, m, 100);
    for (int m = 1; m <= 9; m++)
        addm(E1, "tax", "sales", 2024, m, 120);
    addm(E1, "tax", "sales", 2024, 10, 150);
    addm(E1, "tax", "sales", 2024, 11, 140);
    addm(E1, "tax", "sales", 2024, 12, 130);
    for (int m = 1; m <= 12; m++)
        addm(E1, "tax", "paid", 2024, m, 6);
    addm(E1, "tax", "arrears", 2024, 11, 50);
    addm(E1, "tax", "arrears", 2024, 12, 0);
    add(E1, "tax", "rating", "2022", "A");
    add(E1, "tax", "rating", "2023", "B");
    for (int m = 1; m <= 12; m++)
        addm(E1, "power", "kwh", 2023, m, 1000);
    for (int m = 1; m <= 9; m++)
        addm(E1, "power", "kwh", 2024, m, 1000);
    addm(E1, "power", "kwh", 2024, 10, 900);
    addm(E1, "power", "kwh", 2024, 11, 800);
    addm(E1, "power", "kwh", 2024, 12, 700);
    addm(E1, "social", "insured", 2023, 12, 10);
    addm(E1, "social", "insured", 2024, 9, 12);
    addm(E1, "social", "insured", 2024, 12, 11);
    addm(E1, "social", "arrears", 2024, 12, 30);
    for (int m = 10; m <= 12; m++)
        addm(E1, "orders", "amount", 2023, m, 100);
    for (int m = 1; m <= 12; m++) {
        addm(E1, "orders", "amount", 2024, m, 200);
        addm(E1, "orders", "chain_master", 2024, m, 50);
        addm(E1, "orders", "top_buyer_share", 2024, m, m <= 9 ? 0.3 : 0.6);
    }
    addm(E1, "orders", "receivables", 2024, 12, 390);
    addm(E1, "ip", "invention", 2020, 5, 2);
    addm(E1, "ip", "invention", 2024, 3, 1);
    addm(E1, "ip", "utility", 2024, 6, 4);
    addm(E1, "ip", "software", 2021, 1, 5);
    addm(E1, "ip", "pledged", 2024, 7, 2);
    addm(E1, "court", "cases", 2023, 6, 5);
    addm(E1, "court", "cases", 2024, 2, 2);
    addm(E1, "court", "cases", 2024, 11, 1);
    addm(E1, "court", "enforced", 2024, 11, 10000);
    addm(E1, "court", "dishonest", 2024, 5, 1);
    addm(E1, "court", "dishonest", 2024, 10, 0);
    addm(E1, "equity", "raised", 2023, 3, 1000000);
    addm(E1, "equity", "raised", 2024, 8, 500000);
    addm(E1, "equity", "gov_fund", 2023, 3, 1);

    add(E2, "profile", "established", "", "2025-03-01"); /* after the as-of month: no row */
    addm(E2, "tax", "sales", 2024, 12, 5);

    add(E3, "profile", "industry", "", "M7320");
    addm(E3, "court", "dishonest", 2022, 5, 1); /* the listing holds to this day */

    add(E4, "profile", "established", "", "2024-08-10");
    addm(E4, "tax", "sales", 2024, 9, 10);
    addm(E4, "tax", "sales", 2024, 10, 20);
    addm(E4, "tax", "sales", 2024, 11, 0);
    addm(E4, "tax", "sales", 2024, 12, 40);

    if (with_future) {
        addm(E1, "tax", "sales", 2025, 1, 99999);
        addm(E1, "power", "kwh", 2025, 1, 1);
        addm(E1, "court", "dishonest", 2025, 2, 1);
        addm(E1, "court", "cases", 2025, 1, 40);
        add(E1, "tax", "rating", "2025", "D");
        addm(E1, "social", "insured", 2025, 1, 1);
        addm(E3, "court", "dishonest", 2025, 1, 0);
        addm(E4, "tax", "sales", 2025, 1, 1);
    }
}

static size_t nf;
static float rows[4][128];
static size_t row_of[4];
static size_t n_rows;

static void compute(int with_future)
{
    build(with_future);
    score_panel *p;
    score_read_counts c;
    cr_assert_eq(read_bytes(text, len, 0, &c, NULL, &p), SCORE_OK);
    cr_assert_eq(c.rejected, 0);
    cr_assert_eq(c.replaced, 1);
    nf = score_features_count();
    cr_assert_leq(nf, 128);
    float *matrix = calloc(4 * nf, sizeof(float));
    size_t index[4];
    cr_assert_eq(score_features_compute(p, "2024-12", matrix, 4, index, &n_rows), SCORE_OK);
    cr_assert_eq(n_rows, 3, "E2, established after the as-of month, has no row");
    for (size_t r = 0; r < n_rows; r++) {
        memcpy(rows[r], matrix + r * nf, nf * sizeof(float));
        char code[19];
        score_panel_enterprise(p, index[r], code);
        row_of[r] = !strcmp(code, E1) ? 1 : !strcmp(code, E3) ? 3 : !strcmp(code, E4) ? 4 : 0;
    }
    free(matrix);
    score_panel_free(p);
}

static const float *row_for(int which)
{
    for (size_t r = 0; r < n_rows; r++)
        if ((int)row_of[r] == which)
            return rows[r];
    cr_assert_fail("no row for E%d", which);
    return NULL;
}

static float feature(const float *row, const char *name)
{
    size_t i;
    cr_assert_eq(score_feature_index(name, &i), SCORE_OK, "no feature %s", name);
    return row[i];
}

#define EXPECT(row, name, value) do { float got_ = feature(row, name); double want_ = (value); \
    if (isnan(want_)) cr_assert(isnan(got_), "%s: expected missing, got %.9g", name, got_); \
    else cr_assert(fabs(got_ - want_) <= 1e-6 * fmax(1.0, fabs(want_)), \
                   "%s: expected %.9g, got %.9g", name, want_, got_); checked++; } while (0)

Test(features, golden_values_of_every_feature)
{
    compute(0);
    int checked = 0;
    const float *e1 = row_for(1);
    /* sales 2024: 9 x 120, then 150 140 130: sum 1500, mean 125; 2023: 100 each */
    EXPECT(e1, "sales_12m", 1500);
    EXPECT(e1, "tax_paid_12m", 72);
    EXPECT(e1, "power_12m", 11400);                /* 9 x 1000 + 900 + 800 + 700 */
    EXPECT(e1, "water_12m", NAN);
    EXPECT(e1, "headcount", 11);
    EXPECT(e1, "registered_capital", 5000000);
    EXPECT(e1, "sales_yoy", 140.0 / 100 - 1);      /* Oct-Dec 2024 mean 140 on Oct-Dec 2023 */
    EXPECT(e1, "sales_qoq", 140.0 / 120 - 1);
    EXPECT(e1, "sales_growth_12m", 125.0 / 100 - 1);
    EXPECT(e1, "power_yoy", 800.0 / 1000 - 1);
    EXPECT(e1, "power_qoq", 800.0 / 1000 - 1);
    EXPECT(e1, "headcount_yoy", 11.0 / 10 - 1);    /* Dec 2024 on Dec 2023 */
    EXPECT(e1, "headcount_qoq", 11.0 / 12 - 1);    /* on Sep 2024 */
    EXPECT(e1, "orders_yoy", 200.0 / 100 - 1);
    EXPECT(e1, "sales_vs_12m_avg", 140.0 / 125 - 1);
    EXPECT(e1, "power_vs_12m_avg", 800.0 / 950 - 1);
    EXPECT(e1, "headcount_vs_12m_avg", NAN);       /* 2 months in the year: too few for a mean */
    EXPECT(e1, "sales_cv_12m", sqrt(1100.0 / 12) / 125);   /* squared deviations 225+625+225+25 */
    EXPECT(e1, "power_cv_12m", sqrt(110000.0 / 12) / 950);
    EXPECT(e1, "tax_arrears", 0);                  /* Dec's 0 after Nov's 50 */
    EXPECT(e1, "power_arrears", NAN);
    EXPECT(e1, "social_arrears", 30);
    EXPECT(e1, "arrears_to_sales", 30.0 / 125);
    EXPECT(e1, "arrears_months_12m", 2);           /* Nov (tax), Dec (social) */
    EXPECT(e1, "months_without_invoices_12m", 0);
    EXPECT(e1, "sales_declines", 2);               /* 130 < 140 < 150, 150 > 120 */
    EXPECT(e1, "power_declines", 3);               /* 700 < 800 < 900 < 1000 */
    EXPECT(e1, "lawsuits_3m", 1);
    EXPECT(e1, "lawsuits_12m", 3);                 /* Feb 2, Nov 1; Jun 2023 is older */
    EXPECT(e1, "enforced_12m", 10000);
    EXPECT(e1, "dishonest_listed", 0);             /* listed in May, taken off in Oct */
    EXPECT(e1, "sales_power_gap", (130.0 / 100 - 1) - (900.0 / 1000 - 1)); /* Jul-Dec on Jul-Dec */
    EXPECT(e1, "sales_headcount_gap", 0.4 - 0.1);
    EXPECT(e1, "tax_paid_to_sales", 6.0 / 125);
    EXPECT(e1, "sales_per_employee", 1500.0 / 11);
    EXPECT(e1, "receivables_to_sales", 390.0 / 125);
    EXPECT(e1, "top_buyer_share", (9 * 0.3 + 3 * 0.6) / 12);
    EXPECT(e1, "top_buyer_share_change", 0.6 - 0.3);
    EXPECT(e1, "chain_master_share", 600.0 / 2400);
    EXPECT(e1, "orders_to_sales", 200.0 / 125);
    EXPECT(e1, "orders_12m", 2400);
    EXPECT(e1, "invention_patents", 3);
    EXPECT(e1, "utility_patents", 4);
    EXPECT(e1, "design_patents", 0);               /* sparse: no line means none */
    EXPECT(e1, "software_copyrights", 5);
    EXPECT(e1, "patents_12m", 5);                  /* 1 invention (Mar) + 4 utility (Jun) */
    EXPECT(e1, "pledged_patents", 2);
    EXPECT(e1, "hitech", 1);
    EXPECT(e1, "srdi", 0);
    EXPECT(e1, "little_giant", NAN);
    EXPECT(e1, "equity_raised_24m", 1500000);
    EXPECT(e1, "gov_fund_backed", 1);
    EXPECT(e1, "months_since_equity", 4);          /* Aug 2024 */
    EXPECT(e1, "age_months", 66);                  /* Jun 2019 to Dec 2024 */
    EXPECT(e1, "tax_rating", 2);                   /* B for 2023 */
    EXPECT(e1, "tax_months_24m", 24);
    EXPECT(e1, "power_months_24m", 24);
    EXPECT(e1, "water_months_24m", 0);
    EXPECT(e1, "social_months_24m", 3);
    EXPECT(e1, "orders_months_24m", 15);
    EXPECT(e1, "history_months", 24);
    for (char s = 'A'; s <= 'T'; s++) {
        char name[16];
        snprintf(name, sizeof name, "industry_%c", s);
        EXPECT(e1, name, s == 'C' ? 1 : 0);
    }
    cr_assert_eq((size_t)checked, nf, "every feature has a golden value: %d of %zu", checked, nf);

    const float *e3 = row_for(3);
    EXPECT(e3, "dishonest_listed", 1);             /* listed in 2022 and never taken off */
    EXPECT(e3, "industry_M", 1);
    EXPECT(e3, "industry_C", 0);
    EXPECT(e3, "sales_12m", NAN);
    EXPECT(e3, "months_without_invoices_12m", NAN);
    EXPECT(e3, "lawsuits_12m", 0);
    EXPECT(e3, "history_months", NAN);
    EXPECT(e3, "tax_months_24m", 0);
    EXPECT(e3, "age_months", NAN);
    EXPECT(e3, "tax_rating", NAN);

    const float *e4 = row_for(4);                  /* a young firm: Sep-Dec 10 20 0 40 */
    EXPECT(e4, "age_months", 4);
    EXPECT(e4, "sales_12m", 70.0 / 4 * 12);
    EXPECT(e4, "months_without_invoices_12m", 1);  /* Nov; months before it began do not count */
    EXPECT(e4, "sales_declines", 0);
    EXPECT(e4, "sales_qoq", NAN);                  /* one month in the quarter before */
    EXPECT(e4, "sales_vs_12m_avg", 20.0 / 17.5 - 1);   /* Oct-Dec on the 4 months there are */
    EXPECT(e4, "history_months", 4);
    EXPECT(e4, "industry_A", NAN);                 /* no industry code: every section missing */
}

Test(features, rows_after_the_as_of_month_change_nothing)
{
    compute(0);
    float before[4][128];
    memcpy(before, rows, sizeof before);
    size_t n_before = n_rows;
    compute(1);
    cr_assert_eq(n_rows, n_before);
    for (size_t r = 0; r < n_rows; r++)
        for (size_t j = 0; j < nf; j++) {
            const char *name;
            score_feature_info(j, &name, NULL, NULL);
            cr_assert(memcmp(&before[r][j], &rows[r][j], sizeof(float)) == 0,
                      "row %zu feature %s: %.9g then %.9g", r, name, before[r][j], rows[r][j]);
        }
}

Test(features, one_enterprise_equals_its_matrix_row)
{
    build(1);
    score_panel *p;
    cr_assert_eq(read_bytes(text, len, 0, NULL, NULL, &p), SCORE_OK);
    size_t n = score_features_count();
    float *row = malloc(n * sizeof *row), *matrix = malloc(4 * n * sizeof *matrix);
    size_t index[4], rows_n;
    cr_assert_eq(score_features_compute(p, "2024-12", matrix, 4, index, &rows_n), SCORE_OK);
    for (size_t r = 0; r < rows_n; r++) {
        char code[19];
        score_panel_enterprise(p, index[r], code);
        cr_assert_eq(score_features_enterprise(p, code, "2024-12", row), SCORE_OK);
        cr_assert(memcmp(row, matrix + r * n, n * sizeof *row) == 0);
    }
    cr_assert_eq(score_features_enterprise(p, E2, "2024-12", row), SCORE_ENOTFOUND);
    cr_assert(strstr(score_last_error(), "established after"), "%s", score_last_error());
    cr_assert_eq(score_features_enterprise(p, E2, "2025-03", row), SCORE_OK);
    cr_assert_eq(score_features_enterprise(p, "91320500MA1N2P3Q4P", "2024-12", row), SCORE_ENOTFOUND);
    cr_assert_eq(score_features_compute(p, "2024-1", matrix, 4, index, &rows_n), SCORE_EINVAL);
    cr_assert_eq(score_features_compute(p, "2024-12", NULL, 0, NULL, &rows_n), SCORE_OK);
    cr_assert_eq(rows_n, 3, "capacity 0 asks for the size");
    free(row);
    free(matrix);
    score_panel_free(p);
}

Test(features, the_spec_is_named_directed_and_documented)
{
    size_t n = score_features_count();
    cr_assert_eq(score_features_spec_version(), 1);
    FILE *doc = fopen(TEST_SOURCE_DIR "/docs/features.md", "r");
    cr_assert_not_null(doc, "docs/features.md");
    static char body[1 << 17];
    size_t got = fread(body, 1, sizeof body - 1, doc);
    body[got] = '\0';
    fclose(doc);
    for (size_t i = 0; i < n; i++) {
        const char *name, *description;
        int direction;
        cr_assert_eq(score_feature_info(i, &name, &direction, &description), SCORE_OK);
        cr_assert(direction >= -1 && direction <= 1);
        cr_assert(strlen(description) > 10);
        char needle[64];
        snprintf(needle, sizeof needle, "`%s`", name);
        if (strncmp(name, "industry_", 9) != 0)
            cr_assert(strstr(body, needle), "docs/features.md does not document %s", name);
        for (size_t j = 0; j < i; j++) {
            const char *other;
            score_feature_info(j, &other, NULL, NULL);
            cr_assert_str_neq(name, other);
        }
    }
    cr_assert_eq(score_feature_info(n, NULL, NULL, NULL), SCORE_EINVAL);
}

/* Values up to 1.7e308 pass the reader; their sums, ratios and growth
 * overflow. Every feature is then finite or NaN (missing), never +-inf. */
Test(features, huge_values_give_missing_features_not_infinities)
{
    len = (size_t)snprintf(text, sizeof text, "uscc,source,field,period,value\n");
    add(E1, "profile", "established", "", "2019-06-15");
    add(E1, "profile", "registered_capital", "", "1.7e308");
    for (int m = 1; m <= 12; m++) {
        addm(E1, "tax", "sales", 2024, m, m % 2 ? 1.7e308 : 1e-300);
        addm(E1, "tax", "sales", 2023, m, 1e-300);
        addm(E1, "power", "kwh", 2024, m, 1.7e308);
        addm(E1, "tax", "arrears", 2024, m, 1.7e308);
    }
    score_panel *p;
    score_read_counts c;
    cr_assert_eq(read_bytes(text, len, 0, &c, NULL, &p), SCORE_OK);
    cr_assert_eq(c.rejected, 0, "the reader accepts the values");
    size_t n = score_features_count(), index[1], got;
    float *row = calloc(n, sizeof(float));
    cr_assert_eq(score_features_compute(p, "2024-12", row, 1, index, &got), SCORE_OK);
    cr_assert_eq(got, 1);
    size_t nan = 0;
    for (size_t j = 0; j < n; j++) {
        cr_assert(!isinf(row[j]), "feature %zu is %g", j, row[j]);
        nan += isnan(row[j]);
    }
    cr_assert_gt(nan, 0, "what overflowed is missing");
    free(row);
    score_panel_free(p);
}
