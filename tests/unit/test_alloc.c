/* Allocation failure: the reader and the panel fail the 1st, 2nd, ...
 * allocation in turn. Each time the call returns SCORE_ENOMEM, leaks
 * nothing (LeakSanitizer checks in the sanitizer build) and leaves the panel
 * as it was and usable. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "helpers.h"

#define H "uscc,source,field,period,value\n"
#define U1 "914403001922038216"
#define U2 "91330100799655058B"

static const char base_text[] = H U1 ",tax,paid,2024-01,1\n" U2 ",tax,paid,2024-01,2\n";

static char *big_text(size_t *len)
{
    /* enough lines to grow every table more than once, duplicates, a long number */
    size_t cap = 4000 * 64;
    char *text = malloc(cap);
    size_t n = (size_t)sprintf(text, H);
    for (int i = 0; i < 3000; i++) {
        char code[19];
        snprintf(code, sizeof code, "%s", i % 3 ? U1 : U2);
        n += (size_t)sprintf(text + n, "%s,power,kwh,%04d-%02d,%d\n", code, 1950 + i / 36, i % 12 + 1, i);
    }
    n += (size_t)sprintf(text + n, U1 ",tax,paid,2024-01,3\n");
    n += (size_t)sprintf(text + n, U1 ",tax,sales,2024-01,%0150d\n", 7);
    n += (size_t)sprintf(text + n, "bad line\n");
    *len = n;
    return text;
}

/* One read with allocations failing as `fail` sets up; checks what a
 * failure must leave behind. Returns the read's status. */
static int read_failing(const void *data, size_t len, void (*fail)(long), long nth)
{
    score_panel *p;
    cr_assert_eq(score_panel_new(&p), SCORE_OK);
    cr_assert_eq(score_panel_read_buffer(p, "base", base_text, strlen(base_text), NULL, NULL), SCORE_OK);
    size_t n_obs = score_panel_n_observations(p), n_ent = score_panel_n_enterprises(p);
    score_read_counts c = {.size = sizeof c};
    fail(nth);
    int rc = score_panel_read_buffer(p, "big", data, len, NULL, &c);
    sc_test_fail_allocation(0);
    if (rc != SCORE_OK) {
        cr_assert_eq(rc, SCORE_ENOMEM, "allocation %ld gave %d: %s", nth, rc, score_last_error());
        cr_assert_eq(c.read, 0, "counts are untouched on failure");
        cr_assert_eq(score_panel_n_observations(p), n_obs);
        cr_assert_eq(score_panel_n_enterprises(p), n_ent);
        cr_assert_float_eq(series_last(p, U1, "tax", "paid", NULL, NULL), 1.0, 0);
    }
    /* still usable: the same read now succeeds */
    cr_assert_eq(score_panel_read_buffer(p, "big", data, len, NULL, NULL), SCORE_OK);
    cr_assert_float_eq(series_last(p, U1, "tax", "paid", NULL, NULL), 3.0, 0);
    score_panel_free(p);
    return rc;
}

/* Fail the 1st, 2nd, ... allocation of a read in turn, once and from then
 * on: every allocation the read makes is reached. A size hint's allocation
 * may fail quietly (the tables then grow as the data comes), so a read may
 * succeed with one allocation failed; it must never do anything else. */
static void check_failures(const void *data, size_t len)
{
    score_panel *p;
    score_panel_new(&p);
    sc_test_fail_allocation(0);
    cr_assert_eq(score_panel_read_buffer(p, "big", data, len, NULL, NULL), SCORE_OK);
    long total = sc_test_allocation_count();
    score_panel_free(p);
    int failures = 0;
    for (long nth = 1; nth <= total + 2; nth++) {
        failures += read_failing(data, len, sc_test_fail_allocation, nth) != SCORE_OK;
        failures += read_failing(data, len, sc_test_fail_allocations_from, nth) != SCORE_OK;
    }
    cr_assert_gt(failures, total, "%d failures in %ld allocations", failures, total);
}

Test(alloc, reading_plain_text)
{
    size_t len;
    char *text = big_text(&len);
    check_failures(text, len);
    free(text);
}

Test(alloc, reading_gzip)
{
    size_t len, zlen;
    char *text = big_text(&len);
    unsigned char *z = gzip_bytes(text, len, &zlen);
    check_failures(z, zlen);
    free(text);
    free(z);
}

Test(alloc, adding_and_sorting)
{
    long succeeded_at = 0;
    for (long nth = 1; nth < 10000 && !succeeded_at; nth++) {
        score_panel *p = NULL;
        sc_test_fail_allocation(nth);
        int rc = score_panel_new(&p);
        for (int i = 0; rc == SCORE_OK && i < 200; i++) {
            char period[16];
            snprintf(period, sizeof period, "20%02d-%02d", 10 + i / 12, i % 12 + 1);
            size_t before = score_panel_n_observations(p);
            rc = score_panel_add(p, i % 2 ? U1 : U2, "tax", "sales", period, "5", NULL);
            if (rc != SCORE_OK)
                cr_assert_eq(score_panel_n_observations(p), before);
        }
        char code[19];
        if (rc == SCORE_OK)
            rc = score_panel_enterprise(p, 0, code);
        sc_test_fail_allocation(0);
        if (rc == SCORE_OK) {
            succeeded_at = nth;
        } else {
            cr_assert_eq(rc, SCORE_ENOMEM, "allocation %ld: %d %s", nth, rc, score_last_error());
            if (p) {
                /* usable after the failure */
                cr_assert_eq(score_panel_add(p, U1, "tax", "paid", "2024-01", "1", NULL), SCORE_OK);
                cr_assert_eq(score_panel_enterprise(p, 0, code), SCORE_OK);
            }
        }
        score_panel_free(p);
    }
    cr_assert_gt(succeeded_at, 3);
}
