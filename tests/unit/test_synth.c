/* The synthetic enterprise generator: determinism, conformance to signal
 * standard v1, the shares docs/synth.md promises, the truth and the labels,
 * errors, and allocation failure. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/core.h"
#include "helpers.h"

/* ---- helpers --------------------------------------------------------------- */

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/score-synth-XXXXXX");
    cr_assert(mkdtemp(dir), "mkdtemp");
    return dir;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "open %s", path);
    size_t cap = 1 << 16, n = 0;
    char *data = malloc(cap);
    for (size_t got; (got = fread(data + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap)
            data = realloc(data, cap *= 2);
    }
    fclose(f);
    data[n < cap ? n : cap - 1] = '\0';
    *len = n;
    return data;
}

/* The decompressed text of a gzip file, NUL-terminated. */
static char *gunzip_file(const char *path, size_t *len)
{
    gzFile g = gzopen(path, "rb");
    cr_assert(g, "gzopen %s", path);
    size_t cap = 1 << 20, n = 0;
    char *data = malloc(cap + 1);
    for (int got; (got = gzread(g, data + n, (unsigned)(cap - n))) > 0;) {
        n += (size_t)got;
        if (n == cap)
            data = realloc(data, (cap *= 2) + 1);
    }
    int err;
    gzerror(g, &err);
    cr_assert(err == Z_OK || err == Z_STREAM_END, "gzip error in %s", path);
    gzclose(g);
    data[n] = '\0';
    *len = n;
    return data;
}

static int files_equal(const char *a, const char *b)
{
    size_t la, lb;
    char *da = slurp(a, &la), *db = slurp(b, &lb);
    int same = la == lb && memcmp(da, db, la) == 0;
    free(da);
    free(db);
    return same;
}

static void options(score_synth_options *o, uint64_t n, int months, const char *asof, uint64_t seed)
{
    score_synth_options_init(o);
    o->enterprises = n;
    o->months = months;
    o->asof = asof;
    o->seed = seed;
}

static void write_or_fail(const char *dir, const score_synth_options *o, score_synth_summary *s)
{
    int rc = score_synth_write(dir, o, s);
    cr_assert_eq(rc, SCORE_OK, "score_synth_write: %s", score_last_error());
}

static char *path_in(const char *dir, const char *name)
{
    static char buf[4][4096];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* Panel-level facts about one firm. */
static double profile_value(const score_panel *p, const char *uscc, const char *field)
{
    return series_last(p, uscc, "profile", field, NULL, NULL);
}

/* ---- determinism ------------------------------------------------------------ */

Test(synth, the_same_options_give_the_same_bytes)
{
    char *a = temp_dir(), *b = temp_dir(), *c = temp_dir();
    score_synth_options o;
    options(&o, 300, 24, "2024-12", 1);
    write_or_fail(a, &o, NULL);
    write_or_fail(b, &o, NULL);
    o.seed = 2;
    write_or_fail(c, &o, NULL);
    const char *names[] = {"signals.csv.gz", "labels.csv", "truth.csv"};
    for (int i = 0; i < 3; i++) {
        cr_assert(files_equal(path_in(a, names[i]), path_in(b, names[i])), "%s differs", names[i]);
        cr_assert_not(files_equal(path_in(a, names[i]), path_in(c, names[i])),
                      "%s is the same for another seed", names[i]);
    }
    /* the gzip header carries no time and no name */
    size_t len;
    unsigned char *gz = (unsigned char *)slurp(path_in(a, "signals.csv.gz"), &len);
    cr_assert(len > 10 && gz[0] == 0x1f && gz[1] == 0x8b);
    cr_assert_eq(gz[3] & 0x08, 0, "no file name");
    cr_assert(gz[4] == 0 && gz[5] == 0 && gz[6] == 0 && gz[7] == 0, "mtime is zero");
    free(gz);
    remove_tree(a);
    remove_tree(b);
    remove_tree(c);
    free(a);
    free(b);
    free(c);
}

Test(synth, a_firm_does_not_depend_on_how_many_are_generated)
{
    char *a = temp_dir(), *b = temp_dir();
    score_synth_options o;
    options(&o, 40, 24, "2024-06", 9);
    write_or_fail(a, &o, NULL);
    o.enterprises = 90;
    write_or_fail(b, &o, NULL);
    const char *names[] = {"labels.csv", "truth.csv"};
    for (int i = 0; i < 2; i++) {
        size_t la, lb;
        char *da = slurp(path_in(a, names[i]), &la), *db = slurp(path_in(b, names[i]), &lb);
        cr_assert(la < lb && memcmp(da, db, la) == 0, "%s of 40 firms is a prefix of 90's", names[i]);
        free(da);
        free(db);
    }
    size_t la, lb;
    char *da = gunzip_file(path_in(a, "signals.csv.gz"), &la);
    char *db = gunzip_file(path_in(b, "signals.csv.gz"), &lb);
    cr_assert(la < lb && memcmp(da, db, la) == 0, "the signals of 40 firms are a prefix of 90's");
    free(da);
    free(db);
    remove_tree(a);
    remove_tree(b);
    free(a);
    free(b);
}

/* ---- the files follow the standard ------------------------------------------- */

static int field_index(const char *source, size_t slen, const char *field, size_t flen)
{
    for (size_t i = 0; i < score_signal_n_fields(); i++) {
        const char *s, *f;
        score_signal_field(i, &s, &f);
        if (strlen(s) == slen && !strncmp(s, source, slen) && strlen(f) == flen &&
            !strncmp(f, field, flen))
            return (int)i;
    }
    return -1;
}

/* Line by line: firms in blocks, fields in the standard's order, periods
 * ascending and never after the as-of month, values formatted compactly,
 * sparse fields only where something happened. */
static void check_text(const char *text, const char *asof, size_t expect_firms)
{
    const char *line = strchr(text, '\n') + 1;
    char firm[19] = "", prev_period[8] = "";
    int prev_field = -1;
    size_t firms = 0;
    char(*seen)[19] = calloc(expect_firms + 1, 19);
    for (const char *end; *line; line = end + 1) {
        end = strchr(line, '\n');
        cr_assert(end, "every line ends with \\n");
        const char *col[5];
        size_t len[5];
        const char *p = line;
        for (int c = 0; c < 5; c++) {
            const char *q = c < 4 ? memchr(p, ',', (size_t)(end - p)) : end;
            cr_assert(q, "five columns: %.80s", line);
            col[c] = p;
            len[c] = (size_t)(q - p);
            p = q + 1;
        }
        cr_assert_eq(len[0], 18);
        if (strncmp(firm, col[0], 18)) {
            for (size_t i = 0; i < firms; i++)
                cr_assert(strncmp(seen[i], col[0], 18), "firm %.18s in one block only", col[0]);
            cr_assert(firms < expect_firms);
            memcpy(seen[firms++], col[0], 18);
            memcpy(firm, col[0], 18);
            firm[18] = '\0';
            cr_assert(score_uscc_valid(firm), "%s is a valid code", firm);
            prev_field = -1;
        }
        int fi = field_index(col[1], len[1], col[2], len[2]);
        cr_assert(fi >= 0, "known field: %.60s", line);
        cr_assert(fi >= prev_field, "fields in the standard's order: %.60s", line);
        char period[8] = "";
        memcpy(period, col[3], len[3] < 7 ? len[3] : 7);
        if (fi == prev_field && len[3])
            cr_assert(strcmp(period, prev_period) > 0, "periods ascending: %.60s", line);
        prev_field = fi;
        strcpy(prev_period, period);
        int profile = !strncmp(col[1], "profile", len[1]);
        int annual = !strncmp(col[2], "rating", len[2]);
        cr_assert_eq(len[3], profile ? 0 : annual ? 4 : 7, "period form: %.60s", line);
        if (len[3] == 7)
            cr_assert(strcmp(period, asof) <= 0, "no period after as-of: %.60s", line);
        if (annual)
            cr_assert(strncmp(period, asof, 4) < 0 || !strcmp(asof + 5, "12"),
                      "a rating only for a year closed by the as-of month: %.60s", line);
        /* values: compact numbers */
        const char *dot = memchr(col[4], '.', len[4]);
        if (dot)
            cr_assert(len[4] - (size_t)(dot - col[4]) - 1 <= 4 && col[4][len[4] - 1] != '0',
                      "compact decimals: %.60s", line);
        int sparse = !strncmp(col[1], "ip", len[1]) || !strncmp(col[1], "equity", len[1]) ||
                     (!strncmp(col[1], "court", len[1]) && strncmp(col[2], "dishonest", len[2]));
        if (sparse)
            cr_assert(len[4] && sc_strtod(col[4], NULL) > 0, "sparse fields only when something "
                      "happened: %.60s", line);
        int count = !strncmp(col[1], "ip", len[1]) || !strncmp(col[2], "cases", len[2]) ||
                    !strncmp(col[2], "kwh", len[2]) || !strncmp(col[2], "m3", len[2]) ||
                    !strncmp(col[2], "insured", len[2]);
        if (count)
            cr_assert_null(dot, "counts are whole: %.60s", line);
    }
    cr_assert_eq(firms, expect_firms);
    free(seen);
}

Test(synth, every_line_is_accepted_by_the_reader)
{
    const char *asofs[] = {"2024-12", "2023-06"};
    for (int k = 0; k < 2; k++) {
        char *dir = temp_dir();
        score_synth_options o;
        options(&o, 400, 24, asofs[k], 3);
        score_synth_summary s = {.size = sizeof s};
        write_or_fail(dir, &o, &s);
        cr_assert_eq(s.enterprises, 400);

        score_panel *p;
        score_panel_new(&p);
        score_read_options ro;
        score_read_options_init(&ro);
        ro.strict = 1;
        score_read_counts c = {.size = sizeof c};
        cr_assert_eq(score_panel_read_file(p, path_in(dir, "signals.csv.gz"), &ro, &c), SCORE_OK,
                     "%s", score_last_error());
        cr_assert_eq(c.rejected, 0);
        cr_assert_eq(c.skipped, 0);
        cr_assert_eq(c.replaced, 0);
        cr_assert_eq(c.read, s.observations);
        cr_assert_eq(c.accepted, s.observations);
        cr_assert_eq(score_panel_n_enterprises(p), 400, "codes are unique");
        int first, last, yyyymm = atoi(asofs[k]) * 100 + atoi(asofs[k] + 5);
        cr_assert_eq(score_panel_period_range(p, &first, &last), SCORE_OK);
        cr_assert_eq(last, yyyymm, "the last period is the as-of month");

        size_t len;
        char *text = gunzip_file(path_in(dir, "signals.csv.gz"), &len);
        cr_assert(!strncmp(text, "uscc,source,field,period,value\n", 31));
        check_text(text, asofs[k], 400);
        free(text);

        /* labels and truth: one row per firm established by the as-of month */
        char *labels = slurp(path_in(dir, "labels.csv"), &len);
        char *truth = slurp(path_in(dir, "truth.csv"), &len);
        cr_assert(!strncmp(labels, "uscc,default\n", 13));
        cr_assert(!strncmp(truth, "uscc,pd\n", 8));
        uint64_t rows = 0, defaults = 0;
        double pd_sum = 0;
        for (char *l = strchr(labels, '\n') + 1, *t = strchr(truth, '\n') + 1; *l;
             l = strchr(l, '\n') + 1, t = strchr(t, '\n') + 1) {
            cr_assert(!strncmp(l, t, 19), "labels and truth in the same order");
            char code[19];
            memcpy(code, l, 18);
            code[18] = '\0';
            size_t index;
            cr_assert_eq(score_panel_find(p, code, &index), SCORE_OK, "%s has signals", code);
            int est = (int)profile_value(p, code, "established") / 100;
            cr_assert(est <= yyyymm, "%s is established by the as-of month", code);
            cr_assert(l[19] == '0' || l[19] == '1');
            defaults += l[19] == '1';
            double pd = sc_strtod(t + 19, NULL);
            cr_assert(pd > 0 && pd < 1);
            pd_sum += pd;
            rows++;
        }
        cr_assert_eq(rows, s.scored);
        cr_assert_eq(defaults, s.defaults);
        cr_assert_float_eq(pd_sum / (double)rows, s.mean_pd, 1e-6);
        free(labels);
        free(truth);
        score_panel_free(p);
        remove_tree(dir);
        free(dir);
    }
}

Test(synth, the_panel_variant_equals_the_files)
{
    char *dir = temp_dir();
    score_synth_options o;
    options(&o, 150, 12, "2022-03", 5);
    write_or_fail(dir, &o, NULL);
    score_panel *from_file, *direct;
    score_panel_new(&from_file);
    score_panel_new(&direct);
    cr_assert_eq(score_panel_read_file(from_file, path_in(dir, "signals.csv.gz"), NULL, NULL),
                 SCORE_OK);
    char *codes = malloc(150 * 19);
    double pd[150];
    int label[150];
    score_synth_summary s = {.size = sizeof s};
    cr_assert_eq(score_synth_panel(&o, direct, codes, pd, label, &s), SCORE_OK, "%s",
                 score_last_error());
    cr_assert_eq(score_panel_n_observations(direct), score_panel_n_observations(from_file));
    cr_assert_eq(score_panel_n_observations(direct), s.observations);
    cr_assert_eq(score_panel_n_enterprises(direct), 150);

    size_t len;
    char *truth = slurp(path_in(dir, "truth.csv"), &len);
    char *t = strchr(truth, '\n') + 1;
    for (int i = 0; i < 150; i++) {
        cr_assert(score_uscc_valid(codes + 19 * i));
        double a = series_last(direct, codes + 19 * i, "tax", "sales", NULL, NULL);
        double b = series_last(from_file, codes + 19 * i, "tax", "sales", NULL, NULL);
        cr_assert((isnan(a) && isnan(b)) || a == b);
        if (label[i] < 0) {
            cr_assert(isnan(pd[i]));
            continue;
        }
        cr_assert(!strncmp(t, codes + 19 * i, 18), "the truth's order is the generation order");
        cr_assert_float_eq(sc_strtod(t + 19, NULL), pd[i], 1e-8 * pd[i]);
        t = strchr(t, '\n') + 1;
    }
    cr_assert_eq(*t, '\0');
    free(truth);

    /* the truth alone (no panel) is the same truth */
    double pd2[150];
    int label2[150];
    cr_assert_eq(score_synth_panel(&o, NULL, NULL, pd2, label2, NULL), SCORE_OK);
    for (int i = 0; i < 150; i++) {
        cr_assert_eq(label2[i], label[i]);
        cr_assert(isnan(pd[i]) ? isnan(pd2[i]) : pd2[i] == pd[i]);
    }
    free(codes);
    score_panel_free(from_file);
    score_panel_free(direct);
    remove_tree(dir);
    free(dir);
}

/* ---- the promises of docs/synth.md ----------------------------------------------- */

/* |observed - expected| within 4.5 binomial standard deviations. */
static void assert_share(const char *what, double count, double n, double expected)
{
    double share = count / n, sd = sqrt(expected * (1 - expected) / n);
    cr_assert(fabs(share - expected) <= 4.5 * sd + 1e-9, "%s: %.4f of %.0f, expected %.4f (sd %.4f)",
              what, share, n, expected, sd);
}

#define N_SHARES 2000
#define BIT(name) (1u << source_bit(name))

static int source_bit(const char *name)
{
    for (size_t i = 0; i < score_signal_n_sources(); i++)
        if (!strcmp(score_signal_source(i), name))
            return (int)i;
    cr_assert_fail("no source %s", name);
    return 0;
}

Test(synth, the_shares_the_documentation_promises)
{
    score_synth_options o;
    options(&o, N_SHARES, 24, "2024-12", 21);
    score_panel *p;
    score_panel_new(&p);
    char *codes = malloc(N_SHARES * 19);
    static double pd[N_SHARES];
    static int label[N_SHARES];
    cr_assert_eq(score_synth_panel(&o, p, codes, pd, label, NULL), SCORE_OK, "%s",
                 score_last_error());
    double unborn = 0, young = 0, old = 0;
    double missing[5] = {0}, by_kind[3] = {0}, power_missing[3] = {0};
    const char *dense[5] = {"tax", "water", "social", "orders", "power"};
    const double expected[4] = {0.03, 0.45, 0.05, 0.50};
    for (int i = 0; i < N_SHARES; i++) {
        const char *code = codes + 19 * i;
        size_t index;
        unsigned mask;
        cr_assert_eq(score_panel_find(p, code, &index), SCORE_OK);
        cr_assert_eq(score_panel_enterprise_sources(p, index, &mask), SCORE_OK);
        int est = (int)profile_value(p, code, "established") / 100;   /* YYYYMM */
        if (est > 202412) {
            unborn++;
            cr_assert_eq(mask, BIT("profile"), "a firm established after as-of has a profile only");
            cr_assert_eq(label[i], -1);
            continue;
        }
        cr_assert(label[i] == 0 || label[i] == 1);
        if (est >= 202301) {
            young++;
            continue;
        }
        old++;
        for (int s = 0; s < 4; s++)
            missing[s] += !(mask & BIT(dense[s]));
        int section = (int)(profile_value(p, code, "industry") / 100000);
        int kind = section == 3 ? 0 : section == 9 ? 1 : section == 13 ? 2 : -1;
        cr_assert(kind >= 0, "industries are C, I or M sections");
        by_kind[kind]++;
        power_missing[kind] += !(mask & BIT("power"));
    }
    assert_share("established after the as-of month", unborn, N_SHARES, 0.01);
    assert_share("established inside the window", young, N_SHARES, 0.08);
    for (int s = 0; s < 4; s++)
        assert_share(dense[s], missing[s], old, expected[s]);
    const double power_expected[3] = {0.08, 0.40, 0.25};
    for (int k = 0; k < 3; k++)
        assert_share("power by kind", power_missing[k], by_kind[k], power_expected[k]);
    free(codes);
    score_panel_free(p);
}

/* A firm's story shows in its signals: arrears, listings and inflated
 * invoices go with a higher true PD; the Spring Festival dips power use. */
Test(synth, the_story_shows_in_the_signals)
{
    score_synth_options o;
    options(&o, N_SHARES, 24, "2024-12", 4);
    score_panel *p;
    score_panel_new(&p);
    char *codes = malloc(N_SHARES * 19);
    static double pd[N_SHARES];
    cr_assert_eq(score_synth_panel(&o, p, codes, pd, NULL, NULL), SCORE_OK);
    double pd_arrears = 0, n_arrears = 0, pd_clean = 0, n_clean = 0;
    double pd_listed = 0, n_listed = 0, kwh[3] = {0, 0, 0};
    double sales_median_sum = 0, n_sales = 0, in_range = 0;
    for (int i = 0; i < N_SHARES; i++) {
        const char *code = codes + 19 * i;
        if (isnan(pd[i]))
            continue;
        double tax = series_last(p, code, "tax", "arrears", NULL, NULL);
        double social = series_last(p, code, "social", "arrears", NULL, NULL);
        double dishonest = series_last(p, code, "court", "dishonest", NULL, NULL);
        if ((tax > 0 && !isnan(tax)) || (social > 0 && !isnan(social))) {
            pd_arrears += pd[i];
            n_arrears++;
        } else {
            pd_clean += pd[i];
            n_clean++;
        }
        if (dishonest == 1) {
            pd_listed += pd[i];
            n_listed++;
        }
        const char *months[3] = {"2024-01", "2024-02", "2024-03"};
        double v[3];
        for (int m = 0; m < 3; m++) {
            size_t n;
            v[m] = series_last(p, code, "power", "kwh", months[m], &n);
        }
        if (!isnan(v[0]) && !isnan(v[1]) && !isnan(v[2]) &&
            (int)profile_value(p, code, "established") < 20230101)
            for (int m = 0; m < 3; m++)
                kwh[m] += v[m];
        /* the median month of sales of a firm with two years of history */
        double sales[64];
        size_t n = 0;
        int mon[64];
        if ((int)profile_value(p, code, "established") < 20210101 &&
            score_panel_series(p, code, "tax", "sales", NULL, mon, sales, 64, &n) == SCORE_OK &&
            n >= 20) {
            for (size_t a = 1; a < n; a++)
                for (size_t b = a; b > 0 && sales[b - 1] > sales[b]; b--) {
                    double tmp = sales[b];
                    sales[b] = sales[b - 1];
                    sales[b - 1] = tmp;
                }
            double median = sales[n / 2];
            if (!isnan(median)) {
                sales_median_sum += log10(median);
                n_sales++;
                in_range += median >= 5e4 && median <= 2e7;
            }
        }
    }
    cr_assert(n_arrears > 50 && n_listed > 10);
    cr_assert_gt(pd_arrears / n_arrears, 2 * pd_clean / n_clean, "arrears mean risk");
    cr_assert_gt(pd_listed / n_listed, 4 * pd_clean / n_clean, "a listing means risk");
    cr_assert_lt(kwh[1], 0.85 * (kwh[0] + kwh[2]) / 2, "the Spring Festival dip (2024-02-10)");
    double mean_log = sales_median_sum / n_sales;
    cr_assert(mean_log > 5.3 && mean_log < 6.7, "typical monthly sales 10^%.2f yuan", mean_log);
    cr_assert_gt(in_range / n_sales, 0.97, "monthly sales within 5e4..2e7 yuan");
    free(codes);
    score_panel_free(p);
}

Test(synth, the_truth_meets_the_target_and_the_labels_follow_it)
{
    const double targets[] = {0.05, 0.02};
    for (int k = 0; k < 2; k++) {
        score_synth_options o;
        options(&o, 40000, 24, "2024-12", 77);
        o.default_rate = targets[k];
        score_synth_summary s = {.size = sizeof s};
        cr_assert_eq(score_synth_panel(&o, NULL, NULL, NULL, NULL, &s), SCORE_OK);
        cr_assert_eq(s.observations, 0);
        double label_rate = (double)s.defaults / (double)s.scored;
        double se = sqrt(s.mean_pd * (1 - s.mean_pd) / (double)s.scored);
        cr_assert(fabs(s.mean_pd - targets[k]) < 0.1 * targets[k], "mean pd %.4f for target %.3f",
                  s.mean_pd, targets[k]);
        cr_assert(fabs(label_rate - s.mean_pd) < 4.5 * se, "label rate %.4f, mean pd %.4f",
                  label_rate, s.mean_pd);
        assert_share("firms established by the as-of month", (double)s.scored, 40000, 0.99);
    }
}

/* ---- options, errors, files ------------------------------------------------------ */

Test(synth, bad_options_are_refused_with_a_message)
{
    score_synth_options o;
    options(&o, 0, 24, NULL, 1);
    cr_assert_eq(score_synth_panel(&o, NULL, NULL, NULL, NULL, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "enterprises"), "%s", score_last_error());
    options(&o, 10000001, 24, NULL, 1);
    cr_assert_eq(score_synth_panel(&o, NULL, NULL, NULL, NULL, NULL), SCORE_ELIMIT);
    options(&o, 10, 0, NULL, 1);
    cr_assert_eq(score_synth_panel(&o, NULL, NULL, NULL, NULL, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "months"), "%s", score_last_error());
    options(&o, 10, 241, NULL, 1);
    cr_assert_eq(score_synth_panel(&o, NULL, NULL, NULL, NULL, NULL), SCORE_EINVAL);
    options(&o, 10, 24, "2024-13", 1);
    cr_assert_eq(score_synth_panel(&o, NULL, NULL, NULL, NULL, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "asof"), "%s", score_last_error());
    options(&o, 10, 24, "1989-12", 1);
    cr_assert_eq(score_synth_panel(&o, NULL, NULL, NULL, NULL, NULL), SCORE_EINVAL);
    const double rates[] = {0, 0.0009, 0.51, NAN, INFINITY};
    for (int i = 0; i < 5; i++) {
        options(&o, 10, 24, NULL, 1);
        o.default_rate = rates[i];
        cr_assert_eq(score_synth_panel(&o, NULL, NULL, NULL, NULL, NULL), SCORE_EINVAL);
        cr_assert(strstr(score_last_error(), "default_rate"), "%s", score_last_error());
    }
    options(&o, 10, 24, NULL, 1);
    o.size = sizeof o + 8;
    cr_assert_eq(score_synth_panel(&o, NULL, NULL, NULL, NULL, NULL), SCORE_EINVAL);
    o.size = 0;
    cr_assert_eq(score_synth_panel(&o, NULL, NULL, NULL, NULL, NULL), SCORE_EINVAL);
    score_synth_summary s = {.size = sizeof s + 1};
    cr_assert_eq(score_synth_panel(NULL, NULL, NULL, NULL, NULL, &s), SCORE_EINVAL);
    cr_assert_eq(score_synth_write(NULL, NULL, NULL), SCORE_EINVAL);
    cr_assert_eq(score_synth_write("", NULL, NULL), SCORE_EINVAL);

    /* an older caller's shorter struct: the members it has, defaults after */
    options(&o, 10, 6, "2020-01", 1);
    o.size = offsetof(score_synth_options, default_rate);
    o.default_rate = -1;   /* beyond its size: ignored */
    cr_assert_eq(score_synth_panel(&o, NULL, NULL, NULL, NULL, NULL), SCORE_OK, "%s",
                 score_last_error());
    /* NULL options are the defaults: 1000 firms */
    score_synth_summary d = {.size = sizeof d};
    cr_assert_eq(score_synth_panel(NULL, NULL, NULL, NULL, NULL, &d), SCORE_OK);
    cr_assert_eq(d.enterprises, 1000);
    /* a short summary gets only its members */
    score_synth_summary half;
    memset(&half, 0xAB, sizeof half);
    half.size = offsetof(score_synth_summary, scored);
    cr_assert_eq(score_synth_panel(NULL, NULL, NULL, NULL, NULL, &half), SCORE_OK);
    cr_assert_eq(half.enterprises, 1000);
    cr_assert_eq(half.defaults, 0xABABABABABABABABull, "members beyond its size untouched");
}

Test(synth, a_directory_that_cannot_be_made_fails_naming_it)
{
    char *dir = temp_dir();
    char file[4200], under[4300];
    snprintf(file, sizeof file, "%s/plain", dir);
    FILE *f = fopen(file, "w");
    fputs("x", f);
    fclose(f);
    snprintf(under, sizeof under, "%s/plain/out", dir);
    score_synth_options o;
    options(&o, 5, 6, NULL, 1);
    cr_assert_eq(score_synth_write(under, &o, NULL), SCORE_EIO);
    cr_assert(strstr(score_last_error(), file), "%s", score_last_error());
    cr_assert_eq(score_synth_write(file, &o, NULL), SCORE_EIO);
    cr_assert(strstr(score_last_error(), "not a directory"), "%s", score_last_error());
    /* missing parents are created */
    snprintf(under, sizeof under, "%s/a/b/c", dir);
    write_or_fail(under, &o, NULL);
    cr_assert_eq(count_entries(under), 3);
    remove_tree(dir);
    free(dir);
}

static int stop_after(void *user, const char *stage, uint64_t done, uint64_t total)
{
    uint64_t *calls = user;
    cr_assert_str_eq(stage, "synth");
    cr_assert(done <= total);
    return ++*calls > 2;
}

Test(synth, a_canceled_run_leaves_the_old_files_and_no_temporary)
{
    char *dir = temp_dir();
    score_synth_options o;
    options(&o, 50, 12, NULL, 1);
    write_or_fail(dir, &o, NULL);
    char *before = slurp(path_in(dir, "truth.csv"), &(size_t){0});
    options(&o, 5000, 12, NULL, 2);
    uint64_t calls = 0;
    o.progress = stop_after;
    o.progress_user = &calls;
    cr_assert_eq(score_synth_write(dir, &o, NULL), SCORE_ECANCELED);
    cr_assert(strstr(score_last_error(), "canceled"), "%s", score_last_error());
    cr_assert_eq(count_entries(dir), 3, "no temporary file is left");
    char *after = slurp(path_in(dir, "truth.csv"), &(size_t){0});
    cr_assert_str_eq(before, after, "the old files stay");
    free(before);
    free(after);
    /* the same for the panel: left as it was */
    score_panel *p;
    score_panel_new(&p);
    calls = 0;
    cr_assert_eq(score_synth_panel(&o, p, NULL, NULL, NULL, NULL), SCORE_ECANCELED);
    cr_assert_eq(score_panel_n_observations(p), 0);
    score_panel_free(p);
    remove_tree(dir);
    free(dir);
}

/* ---- allocation failure ------------------------------------------------------------ */

Test(synth, every_allocation_failure_is_clean)
{
    score_synth_options o;
    options(&o, 6, 3, "2021-02", 3);
    char codes[6 * 19];
    double pd[6];
    int label[6];
    long ok_at = 0;
    for (long nth = 1; nth < 10000 && !ok_at; nth++) {
        score_panel *p;
        cr_assert_eq(score_panel_new(&p), SCORE_OK);
        memset(pd, 0, sizeof pd);
        sc_test_fail_allocation(nth);
        int rc = score_synth_panel(&o, p, codes, pd, label, NULL);
        sc_test_fail_allocation(0);
        if (rc == SCORE_OK) {
            ok_at = nth;
        } else {
            cr_assert_eq(rc, SCORE_ENOMEM, "allocation %ld: %d %s", nth, rc, score_last_error());
            cr_assert_eq(score_panel_n_observations(p), 0);
            cr_assert_eq(pd[0], 0, "outputs untouched");
        }
        score_panel_free(p);
    }
    cr_assert(ok_at > 3);

    char *dir = temp_dir();
    ok_at = 0;
    for (long nth = 1; nth < 10000 && !ok_at; nth++) {
        sc_test_fail_allocation(nth);
        int rc = score_synth_write(dir, &o, NULL);
        sc_test_fail_allocation(0);
        if (rc == SCORE_OK)
            ok_at = nth;
        else
            cr_assert_eq(rc, SCORE_ENOMEM, "allocation %ld: %d %s", nth, rc, score_last_error());
        cr_assert_eq(count_entries(dir), rc == SCORE_OK ? 3 : 0, "nothing left behind");
    }
    cr_assert(ok_at > 3);
    remove_tree(dir);
    free(dir);
}

/* ---- the module stands on core alone -------------------------------------------- */

Test(synth, the_module_includes_only_core)
{
    const char *dir = TEST_SOURCE_DIR "/libscore/synth";
    DIR *d = opendir(dir);
    cr_assert(d);
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 3 || (strcmp(e->d_name + n - 2, ".c") && strcmp(e->d_name + n - 2, ".h")))
            continue;
        files++;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *text = slurp(path, &len);
        for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
            if (strncmp(line, "#include \"", 10))
                continue;
            int ok = !strncmp(line + 10, "synth.h\"", 8) || !strncmp(line + 10, "../core/", 8);
            cr_assert(ok, "%s includes only core and its own header: %.60s", e->d_name, line);
        }
        free(text);
    }
    closedir(d);
    cr_assert_geq(files, 4);
}
