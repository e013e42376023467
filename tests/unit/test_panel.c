/* The panel: ordering, the as-of cut, the API path, concurrent readers. */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "signals/signals.h"

#define H "uscc,source,field,period,value\n"
#define U1 "914403001922038216"
#define U2 "91330100799655058B"
#define U3 "91110000MA01ABCDEX"

Test(panel, observations_are_16_bytes)
{
    cr_assert_eq(sizeof(sc_obs), 16);
}

Test(panel, enterprises_are_numbered_in_uscc_order)
{
    score_panel *p;
    cr_assert_eq(read_text(H U2 ",tax,paid,2024-01,1\n" U1 ",tax,paid,2024-01,1\n" U3
                           ",tax,paid,2024-01,1\n",
                           0, NULL, NULL, &p),
                 SCORE_OK);
    char code[19];
    const char *expected[] = {U3, U2, U1};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(score_panel_enterprise(p, i, code), SCORE_OK);
        cr_assert_str_eq(code, expected[i]);
        size_t index;
        cr_assert_eq(score_panel_find(p, expected[i], &index), SCORE_OK);
        cr_assert_eq(index, i);
    }
    cr_assert_eq(score_panel_enterprise(p, 3, code), SCORE_EINVAL);
    cr_assert_eq(score_panel_find(p, "91320500MA1N2P3Q4P", &(size_t){0}), SCORE_ENOTFOUND);
    score_panel_free(p);
}

Test(panel, the_as_of_cut)
{
    score_panel *p;
    cr_assert_eq(read_text(H U1 ",power,kwh,2024-03,3\n" U1 ",power,kwh,2024-01,1\n" U1
                           ",power,kwh,2024-02,2\n" U1 ",power,kwh,2025-01,99\n" U1
                           ",profile,hitech,,1\n",
                           0, NULL, NULL, &p),
                 SCORE_OK);
    int months[8];
    double values[8];
    size_t n;
    cr_assert_eq(score_panel_series(p, U1, "power", "kwh", "2024-02", months, values, 8, &n), SCORE_OK);
    cr_assert_eq(n, 2);
    cr_assert(months[0] == 202401 && months[1] == 202402 && values[0] == 1 && values[1] == 2);
    cr_assert_eq(score_panel_series(p, U1, "power", "kwh", "2023-12", months, values, 8, &n), SCORE_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(score_panel_series(p, U1, "power", "kwh", NULL, NULL, NULL, 0, &n), SCORE_OK);
    cr_assert_eq(n, 4, "capacity 0 asks for the size");
    cr_assert_eq(score_panel_series(p, U1, "profile", "hitech", "1990-01", months, values, 8, &n),
                 SCORE_OK);
    cr_assert_eq(n, 1, "profile fields are always used");
    cr_assert_eq(months[0], 0);
    cr_assert_eq(score_panel_series(p, U1, "power", "kwh", "2024-13", NULL, NULL, 0, &n), SCORE_EINVAL);
    cr_assert_eq(score_panel_series(p, U1, "power", "volts", NULL, NULL, NULL, 0, &n), SCORE_ENOTFOUND);
    int first, last;
    cr_assert_eq(score_panel_period_range(p, &first, &last), SCORE_OK);
    cr_assert(first == 202401 && last == 202501);
    score_panel_free(p);
}

Test(panel, sources_per_enterprise)
{
    score_panel *p;
    cr_assert_eq(read_text(H U1 ",power,kwh,2024-03,3\n" U1 ",court,cases,2024-01,1\n" U2
                           ",power,kwh,2024-02,2\n",
                           0, NULL, NULL, &p),
                 SCORE_OK);
    unsigned mask;
    size_t i, count;
    score_panel_find(p, U1, &i);
    cr_assert_eq(score_panel_enterprise_sources(p, i, &mask), SCORE_OK);
    cr_assert_eq(mask, (1u << 2) | (1u << 7));
    cr_assert_eq(score_panel_source_count(p, "power", &count), SCORE_OK);
    cr_assert_eq(count, 2);
    cr_assert_eq(score_panel_source_count(p, "court", &count), SCORE_OK);
    cr_assert_eq(count, 1);
    cr_assert_eq(score_panel_source_count(p, "weather", &count), SCORE_ENOTFOUND);
    score_panel_free(p);
}

Test(panel, observations_added_through_the_api)
{
    score_panel *p;
    score_panel_new(&p);
    int status;
    cr_assert_eq(score_panel_add(p, U1, "tax", "sales", "2024-01", "100", &status), SCORE_OK);
    cr_assert_eq(status, SCORE_ADD_ACCEPTED);
    cr_assert_eq(score_panel_add(p, U1, "tax", "sales", "2024-01", "150", &status), SCORE_OK);
    cr_assert_eq(status, SCORE_ADD_REPLACED);
    cr_assert_eq(score_panel_add(p, U1, "customs", "exports", "2024-01", "x", &status), SCORE_OK);
    cr_assert_eq(status, SCORE_ADD_SKIPPED);
    cr_assert_eq(score_panel_add(p, U1, "tax", "sales", "2024-02", "1,5", &status), SCORE_EREJECTED);
    cr_assert(strstr(score_last_error(), "score_panel_add:5: value: expected a decimal number"), "%s",
              score_last_error());
    cr_assert_eq(score_panel_add(p, "91330100799655058b", "tax", "sales", "2024-02", "1", NULL),
                 SCORE_EREJECTED);
    cr_assert(strstr(score_last_error(), ":1: uscc:"), "%s", score_last_error());
    cr_assert_eq(score_panel_add(p, U2, "profile", "srdi", NULL, "1", NULL), SCORE_OK);
    cr_assert_eq(score_panel_add(p, U2, "tax", "paid", "2024-01", NULL, NULL), SCORE_OK);
    cr_assert_eq(score_panel_add(p, NULL, "tax", "paid", "2024-01", "1", NULL), SCORE_EINVAL);
    cr_assert_eq(score_panel_n_observations(p), 3);
    cr_assert_float_eq(series_last(p, U1, "tax", "sales", NULL, NULL), 150.0, 0);
    cr_assert(isnan(series_last(p, U2, "tax", "paid", NULL, NULL)));
    /* adding after reading works, and a file then replaces an API value */
    cr_assert_eq(score_panel_add(p, U3, "power", "kwh", "2024-01", "10", NULL), SCORE_OK);
    const char *text = H U1 ",tax,sales,2024-01,175\n";
    score_read_counts c = {.size = sizeof c};
    cr_assert_eq(score_panel_read_buffer(p, "f.csv", text, strlen(text), NULL, &c), SCORE_OK);
    cr_assert_eq(c.replaced, 1);
    cr_assert_eq(score_panel_n_enterprises(p), 3);
    cr_assert_float_eq(series_last(p, U1, "tax", "sales", NULL, NULL), 175.0, 0);
    cr_assert_float_eq(series_last(p, U3, "power", "kwh", NULL, NULL), 10.0, 0);
    score_panel_free(p);
}

static const char *field_names[][2] = {{"tax", "sales"}, {"power", "kwh"}, {"social", "insured"},
                                       {"orders", "amount"}, {"water", "m3"}};

/* The panel after adding many observations in random order equals what a
 * plain sort of the same observations says. */
Test(panel, random_order_is_sorted_exactly)
{
    const char *codes[] = {U1, U2, U3, "91310115MA1K3XY006", "92440300L12345678R"};
    score_panel *p;
    score_panel_new(&p);
    double expected[5][5][36];
    for (int e = 0; e < 5; e++)
        for (int f = 0; f < 5; f++)
            for (int m = 0; m < 36; m++)
                expected[e][f][m] = NAN;
    srand(7);
    for (int i = 0; i < 4000; i++) {
        int e = rand() % 5, f = rand() % 5, m = rand() % 36;
        char period[16], value[16];
        snprintf(period, sizeof period, "%04d-%02d", 2022 + m / 12, m % 12 + 1);
        snprintf(value, sizeof value, "%d", i);
        cr_assert_eq(score_panel_add(p, codes[e], field_names[f][0], field_names[f][1], period, value,
                                     NULL),
                     SCORE_OK);
        expected[e][f][m] = i;
        if (i % 997 == 0) /* reads in between force sorts, later adds rebuild the index */
            score_panel_enterprise(p, 0, (char[19]){0});
    }
    for (int e = 0; e < 5; e++)
        for (int f = 0; f < 5; f++) {
            int months[64];
            double values[64];
            size_t n, k = 0;
            cr_assert_eq(score_panel_series(p, codes[e], field_names[f][0], field_names[f][1], NULL,
                                            months, values, 64, &n),
                         SCORE_OK);
            for (int m = 0; m < 36; m++) {
                if (isnan(expected[e][f][m]))
                    continue;
                cr_assert_lt(k, n);
                cr_assert_eq(months[k], (2022 + m / 12) * 100 + m % 12 + 1);
                cr_assert_eq(values[k], expected[e][f][m]);
                k++;
            }
            cr_assert_eq(k, n);
        }
    score_panel_free(p);
}

typedef struct reader_job {
    const score_panel *panel;
    double sum;
} reader_job;

static void *read_everything(void *arg)
{
    reader_job *job = arg;
    size_t n = score_panel_n_enterprises(job->panel);
    for (size_t i = 0; i < n; i++) {
        char code[19];
        if (score_panel_enterprise(job->panel, i, code) != SCORE_OK)
            return NULL;
        double values[64];
        size_t k;
        score_panel_series(job->panel, code, "tax", "sales", "2024-06", NULL, values, 64, &k);
        for (size_t j = 0; j < k && j < 64; j++)
            job->sum += values[j];
    }
    return NULL;
}

Test(panel, readers_in_several_threads_see_the_same_panel)
{
    const char *codes[] = {U1, U2, U3, "91310115MA1K3XY006", "92440300L12345678R"};
    score_panel *p;
    score_panel_new(&p);
    for (int i = 0; i < 2000; i++) {
        char period[16], value[16];
        snprintf(period, sizeof period, "2024-%02d", i % 12 + 1);
        snprintf(value, sizeof value, "%d", i % 17);
        score_panel_add(p, codes[(i * 7) % 5], "tax", "sales", period, value, NULL);
    }
    /* unsorted additions: the first readers race to sort them */
    reader_job jobs[8];
    pthread_t threads[8];
    for (int t = 0; t < 8; t++) {
        jobs[t] = (reader_job){p, 0};
        pthread_create(&threads[t], NULL, read_everything, &jobs[t]);
    }
    for (int t = 0; t < 8; t++)
        pthread_join(threads[t], NULL);
    for (int t = 1; t < 8; t++)
        cr_assert_eq(jobs[t].sum, jobs[0].sum);
    cr_assert_gt(jobs[0].sum, 0);
    score_panel_free(p);
}

/* After a sort, new lines are checked against the sorted part by binary
 * search and the tail is merged in: replacements of sorted observations,
 * new observations of known and new enterprises, and a failed read. */
Test(panel, reading_into_a_sorted_panel)
{
    score_panel *p;
    score_panel_new(&p);
    const char *first = H U2 ",tax,paid,2024-01,1\n" U2 ",tax,paid,2024-03,3\n" U1
                        ",tax,paid,2024-01,10\n" U1 ",power,kwh,2024-02,5\n";
    cr_assert_eq(score_panel_read_buffer(p, "a.csv", first, strlen(first), NULL, NULL), SCORE_OK);
    char code[19];
    cr_assert_eq(score_panel_enterprise(p, 0, code), SCORE_OK); /* sorts */
    const char *second = H U2 ",tax,paid,2024-02,2\n" U2 ",tax,paid,2024-03,33\n" U3
                         ",tax,paid,2024-01,7\n" U1 ",tax,paid,2024-01,11\n" U3 ",tax,paid,2024-01,8\n";
    score_read_counts c = {.size = sizeof c};
    cr_assert_eq(score_panel_read_buffer(p, "b.csv", second, strlen(second), NULL, &c), SCORE_OK);
    cr_assert_eq(c.replaced, 3, "two in the sorted part, one in the new tail");
    cr_assert_eq(score_panel_n_observations(p), 6);
    int months[8];
    double values[8];
    size_t n;
    cr_assert_eq(score_panel_series(p, U2, "tax", "paid", NULL, months, values, 8, &n), SCORE_OK);
    cr_assert_eq(n, 3);
    cr_assert(months[0] == 202401 && months[1] == 202402 && months[2] == 202403);
    cr_assert(values[0] == 1 && values[1] == 2 && values[2] == 33);
    cr_assert_float_eq(series_last(p, U1, "tax", "paid", NULL, NULL), 11.0, 0);
    cr_assert_float_eq(series_last(p, U3, "tax", "paid", NULL, NULL), 8.0, 0);
    const char *expected[] = {U3, U2, U1};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(score_panel_enterprise(p, i, code), SCORE_OK);
        cr_assert_str_eq(code, expected[i]);
    }
    /* a failed read after the sort leaves the sorted panel as it was */
    const char *bad = H U1 ",tax,paid,2024-01,99\n" U1 ",power,kwh,2024-09,1\n"
                      "91310115MA1K3XY006,tax,paid,2024-01,1\n" U1 ",tax,paid,2024-02,x\n";
    score_read_options o;
    score_read_options_init(&o);
    o.strict = 1;
    cr_assert_eq(score_panel_read_buffer(p, "c.csv", bad, strlen(bad), &o, NULL), SCORE_EREJECTED);
    cr_assert_eq(score_panel_n_observations(p), 6);
    cr_assert_eq(score_panel_n_enterprises(p), 3);
    cr_assert_float_eq(series_last(p, U1, "tax", "paid", NULL, NULL), 11.0, 0);
    cr_assert_eq(score_panel_series(p, U1, "power", "kwh", NULL, NULL, NULL, 0, &n), SCORE_OK);
    cr_assert_eq(n, 1);
    score_panel_free(p);
}
