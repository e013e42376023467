/* Every rule of the enterprise signal standard v1, line by line. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define H "uscc,source,field,period,value\n"
#define U1 "914403001922038216"
#define U2 "91330100799655058B"
#define U3 "91110000MA01ABCDEX"

static void assert_counts(const score_read_counts *c, unsigned long long read,
                          unsigned long long accepted, unsigned long long replaced,
                          unsigned long long skipped, unsigned long long rejected)
{
    cr_assert_eq(c->read, read, "read %llu", (unsigned long long)c->read);
    cr_assert_eq(c->accepted, accepted, "accepted %llu", (unsigned long long)c->accepted);
    cr_assert_eq(c->replaced, replaced, "replaced %llu", (unsigned long long)c->replaced);
    cr_assert_eq(c->skipped, skipped, "skipped %llu", (unsigned long long)c->skipped);
    cr_assert_eq(c->rejected, rejected, "rejected %llu", (unsigned long long)c->rejected);
    cr_assert_eq(c->read, c->accepted + c->skipped + c->rejected);
}

/* Read one data line after the header: 1 accepted, 0 rejected, or -1 skipped. */
static int one_line(const char *line, diag_log *log)
{
    char text[4096];
    snprintf(text, sizeof text, H "%s\n", line);
    score_read_counts c;
    cr_assert_eq(read_text(text, 0, &c, log, NULL), SCORE_OK);
    cr_assert_eq(c.read, 1);
    return c.accepted ? 1 : c.skipped ? -1 : 0;
}

#define ACCEPTS(line) cr_assert_eq(one_line(line, &log), 1, "should accept: %s (%s)", line, log.text[0])
#define REJECTS(line, col) do { cr_assert_eq(one_line(line, &log), 0, "should reject: %s", line); \
    cr_assert_eq(log.column[0], col, "column of %s: %s", line, log.text[0]); } while (0)

Test(reader, a_simple_file)
{
    score_read_counts c;
    score_panel *p;
    cr_assert_eq(read_text(H U1 ",tax,sales,2024-01,1200.5\n" U1 ",tax,sales,2024-02,-300\n" U2
                           ",power,kwh,2024-01,5000\n" U1 ",profile,industry,,C3971\n",
                           0, &c, NULL, &p),
                 SCORE_OK);
    assert_counts(&c, 4, 4, 0, 0, 0);
    cr_assert_eq(score_panel_n_enterprises(p), 2);
    cr_assert_eq(score_panel_n_observations(p), 4);
    size_t n;
    cr_assert_float_eq(series_last(p, U1, "tax", "sales", NULL, &n), -300.0, 0);
    cr_assert_eq(n, 2);
    cr_assert_float_eq(series_last(p, U1, "profile", "industry", NULL, &n), 3 * 100000 + 4 * 10000 + 3971.0, 0);
    score_panel_free(p);
}

Test(reader, byte_order_mark_crlf_and_blank_lines)
{
    score_read_counts c;
    cr_assert_eq(read_text("\xEF\xBB\xBF" "uscc,source,field,period,value\r\n\r\n" U1
                           ",tax,paid,2024-01,10\r\n\n\n" U1 ",tax,paid,2024-02,11\r\n",
                           0, &c, NULL, NULL),
                 SCORE_OK);
    assert_counts(&c, 2, 2, 0, 0, 0);
}

Test(reader, the_last_line_needs_no_line_end)
{
    score_read_counts c;
    cr_assert_eq(read_text(H U1 ",tax,paid,2024-01,10", 0, &c, NULL, NULL), SCORE_OK);
    assert_counts(&c, 1, 1, 0, 0, 0);
}

Test(reader, a_quoted_header_and_repeated_headers)
{
    score_read_counts c;
    diag_log log;
    cr_assert_eq(read_text("\"uscc\",\"source\",field,period,\"value\"\n" U1 ",tax,paid,2024-01,1\n" H U1
                           ",tax,paid,2024-02,2\n\"uscc\",source,field,period,value\n",
                           0, &c, &log, NULL),
                 SCORE_OK);
    assert_counts(&c, 2, 2, 0, 0, 0);
    cr_assert_eq(log.n, 0, "repeated headers are skipped silently");
}

Test(reader, a_wrong_header_fails_the_file)
{
    const char *bad[] = {
        "uscc,source,field,value,period\n" U1 ",tax,paid,2024-01,1\n",
        "USCC,source,field,period,value\n",
        "uscc,source,field,period\n",
        "uscc,source,field,period,value,extra\n",
        "uscc, source,field,period,value\n",
        U1 ",tax,paid,2024-01,1\n",
        "",
        "\n\n",
        "\xEF\xBB\xBF",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        score_read_counts c;
        cr_assert_eq(read_text(bad[i], 0, &c, NULL, NULL), SCORE_EFORMAT, "case %zu", i);
        cr_assert(strstr(score_last_error(), "t.csv"), "message names the file: %s", score_last_error());
        cr_assert(strstr(score_last_error(), "uscc,source,field,period,value"));
    }
}

Test(reader, rfc4180_quoting)
{
    diag_log log;
    ACCEPTS("\"" U1 "\",\"tax\",\"paid\",\"2024-01\",\"12\"");
    ACCEPTS(U1 ",tax,paid,2024-01,\"12\"");
    /* a comma and a doubled quote inside quotes: valid CSV, unknown source */
    cr_assert_eq(one_line(U1 ",\"ta,x\",paid,2024-01,1", &log), -1);
    cr_assert_eq(one_line(U1 ",\"ta\"\"x\",paid,2024-01,1", &log), -1);
    cr_assert(log_has(&log, "unknown source \"ta\"x\""), "%s", log.text[0]);
    REJECTS(U1 ",tax,paid,2024-01,\"12", 5);
    cr_assert(log_has(&log, "quote not closed"));
    REJECTS(U1 ",tax,paid,2024-01,\"12\"3", 5);
    cr_assert(log_has(&log, "after a closing quote"));
    REJECTS(U1 ",tax,pa\"id,2024-01,12", 3);
    cr_assert(log_has(&log, "a quote inside an unquoted field"));
    REJECTS(U1 ",tax,paid,2024-01", 5);
    cr_assert(log_has(&log, "t.csv:2:5: value: expected 5 columns"), "%s", log.text[0]);
    REJECTS(U1 ",tax,paid,2024-01,1,", 6);
    REJECTS(U1 ",tax,paid,2024-01,1,x", 6);
    REJECTS(U1, 2);
    REJECTS(" ", 2);
}

Test(reader, an_open_quote_loses_only_its_own_line)
{
    score_read_counts c;
    diag_log log;
    cr_assert_eq(read_text(H U1 ",tax,paid,2024-01,\"1\n" U1 ",tax,paid,2024-02,2\n" U1
                           ",tax,paid,2024-03,\"3,\n" U1 ",tax,paid,2024-04,4\n",
                           0, &c, &log, NULL),
                 SCORE_OK);
    assert_counts(&c, 4, 2, 0, 0, 2);
    cr_assert(log_has(&log, "t.csv:2:5:"));
    cr_assert(log_has(&log, "t.csv:4:5:"));
}

Test(reader, unknown_sources_and_fields_are_skipped_with_a_warning)
{
    score_read_counts c;
    diag_log log;
    cr_assert_eq(read_text(H U1 ",customs,exports,2024-01,5\n" U1 ",tax,vat_refund,2024-01,5\n" U1
                           ",tax,paid,2024-01,5\n",
                           0, &c, &log, NULL),
                 SCORE_OK);
    assert_counts(&c, 3, 1, 0, 2, 0);
    cr_assert_eq(log.severity[0], SCORE_DIAG_WARNING);
    cr_assert(log_has(&log, "t.csv:2:2: source: unknown source \"customs\""), "%s", log.text[0]);
    cr_assert(log_has(&log, "t.csv:3:3: field: unknown field \"vat_refund\" of source tax"), "%s",
              log.text[1]);
    cr_assert_eq(read_text(H U1 ",customs,exports,2024-01,5\n", 1, &c, &log, NULL), SCORE_EREJECTED);
    cr_assert(strstr(score_last_error(), "t.csv:2:2: source: unknown source"), "%s", score_last_error());
    cr_assert(strstr(score_last_error(), "strict"));
}

Test(reader, the_order_of_checks)
{
    diag_log log;
    /* a bad code is found before an unknown source */
    REJECTS("91440300192203821X,customs,x,garbage,garbage", 1);
    /* an unknown source is skipped without checking its period or value */
    cr_assert_eq(one_line(U1 ",customs,x,garbage,garbage", &log), -1);
    cr_assert_eq(one_line(U1 ",tax,x,garbage,garbage", &log), -1);
    /* the period is checked before the value */
    REJECTS(U1 ",tax,paid,2024-13,abc", 4);
    REJECTS(U1 ",tax,paid,2024-12,abc", 5);
    /* the CSV structure comes first of all */
    REJECTS("bad,customs", 3);
}

Test(reader, periods)
{
    diag_log log;
    ACCEPTS(U1 ",tax,paid,2024-12,1");
    ACCEPTS(U1 ",tax,rating,2023,A");
    ACCEPTS(U1 ",profile,hitech,,1");
    REJECTS(U1 ",tax,paid,2024,1", 4);
    cr_assert(log_has(&log, "tax:paid is monthly: expected YYYY-MM"), "%s", log.text[0]);
    REJECTS(U1 ",tax,paid,2024-1,1", 4);
    REJECTS(U1 ",tax,paid,2024-00,1", 4);
    REJECTS(U1 ",tax,paid,2024-13,1", 4);
    REJECTS(U1 ",tax,paid,2024/01,1", 4);
    REJECTS(U1 ",tax,paid,1899-12,1", 4);
    REJECTS(U1 ",tax,paid,,1", 4);
    REJECTS(U1 ",tax,rating,2023-12,A", 4);
    cr_assert(log_has(&log, "tax:rating is annual: expected YYYY"), "%s", log.text[0]);
    REJECTS(U1 ",profile,hitech,2024-01,1", 4);
    cr_assert(log_has(&log, "expected empty"));
}

Test(reader, the_value_grammar)
{
    diag_log log;
    const char *good[] = {"12", "-3.5", "1e6", "+4", "1.5e-3", "0", "0.000", "1e+2", "007", "-0",
                          "123456789012345678901234567890", "1.7976931348623157e308", "4.9e-324",
                          "1e-400"};
    const char *bad[] = {"nan", "NaN", "inf", "-inf", "Infinity", "0x10", "1,5", " 12", "12 ", ".5",
                         "5.", "1e", "1e+", "1E6", "--1", "+-1", "1.2.3", "1e6.5", "１２", "12abc",
                         "e5", "-", "+", "."};
    char line[256];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        snprintf(line, sizeof line, U1 ",tax,sales,2024-01,\"%s\"", good[i]);
        ACCEPTS(line);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(line, sizeof line, U1 ",tax,sales,2024-01,\"%s\"", bad[i]);
        REJECTS(line, 5);
        cr_assert(log_has(&log, "expected a decimal number"), "%s", log.text[0]);
    }
    REJECTS(U1 ",tax,sales,2024-01,1e309", 5);
    cr_assert(log_has(&log, "overflows a double"));
    REJECTS(U1 ",tax,sales,2024-01,-2e400", 5);
}

Test(reader, numbers_are_exact)
{
    score_panel *p;
    cr_assert_eq(read_text(H U1 ",tax,sales,2024-01,0.1\n" U1 ",tax,sales,2024-02,123456.78\n" U1
                           ",tax,sales,2024-03,1.000000000000000000001\n" U1
                           ",tax,sales,2024-04,9007199254740993\n" U1 ",tax,sales,2024-05,2.5e-7\n",
                           0, NULL, NULL, &p),
                 SCORE_OK);
    double v[8];
    size_t n;
    cr_assert_eq(score_panel_series(p, U1, "tax", "sales", NULL, NULL, v, 8, &n), SCORE_OK);
    cr_assert_eq(n, 5);
    cr_assert(v[0] == 0.1 && v[1] == 123456.78 && v[2] == 1.0 && v[3] == 9007199254740992.0 &&
              v[4] == 2.5e-7);
    score_panel_free(p);
}

Test(reader, range_checks)
{
    diag_log log;
    ACCEPTS(U1 ",tax,sales,2024-01,-500");
    REJECTS(U1 ",tax,paid,2024-01,-1", 5);
    cr_assert(log_has(&log, "tax:paid must be >= 0"), "%s", log.text[0]);
    REJECTS(U1 ",power,kwh,2024-01,-0.5", 5);
    REJECTS(U1 ",water,m3,2024-01,-2", 5);
    REJECTS(U1 ",profile,registered_capital,,-1", 5);
    ACCEPTS(U1 ",social,insured,2024-01,12");
    ACCEPTS(U1 ",social,insured,2024-01,12.0");
    REJECTS(U1 ",social,insured,2024-01,12.5", 5);
    cr_assert(log_has(&log, "whole number"));
    REJECTS(U1 ",ip,invention,2024-01,-1", 5);
    REJECTS(U1 ",court,cases,2024-01,0.5", 5);
    ACCEPTS(U1 ",orders,top_buyer_share,2024-01,1");
    ACCEPTS(U1 ",orders,top_buyer_share,2024-01,0");
    REJECTS(U1 ",orders,top_buyer_share,2024-01,1.01", 5);
    REJECTS(U1 ",orders,top_buyer_share,2024-01,-0.01", 5);
    ACCEPTS(U1 ",court,dishonest,2024-01,0");
    REJECTS(U1 ",court,dishonest,2024-01,2", 5);
    REJECTS(U1 ",profile,hitech,,0.5", 5);
    REJECTS(U1 ",equity,gov_fund,2024-01,-1", 5);
}

Test(reader, codes)
{
    diag_log log;
    ACCEPTS(U1 ",profile,industry,,C3971");
    ACCEPTS(U1 ",profile,industry,,I6513");
    ACCEPTS(U1 ",profile,industry,,M7320");
    ACCEPTS(U1 ",profile,industry,,C39");
    REJECTS(U1 ",profile,industry,,C", 5);
    REJECTS(U1 ",profile,industry,,c3971", 5);
    REJECTS(U1 ",profile,industry,,Z3971", 5);
    REJECTS(U1 ",profile,industry,,C397100", 5);
    REJECTS(U1 ",profile,industry,,C0111", 5);
    cr_assert(log_has(&log, "does not belong to its section"));
    ACCEPTS(U1 ",profile,established,,2024-02-29");
    REJECTS(U1 ",profile,established,,2023-02-29", 5);
    cr_assert(log_has(&log, "not a real date"));
    REJECTS(U1 ",profile,established,,2023-04-31", 5);
    REJECTS(U1 ",profile,established,,2023-4-1", 5);
    REJECTS(U1 ",profile,established,,20230401", 5);
    ACCEPTS(U1 ",profile,region,,330106");
    REJECTS(U1 ",profile,region,,33010", 5);
    REJECTS(U1 ",profile,region,,990106", 5);
    ACCEPTS(U1 ",tax,rating,2023,A");
    ACCEPTS(U1 ",tax,rating,2023,M");
    ACCEPTS(U1 ",tax,rating,2023,D");
    REJECTS(U1 ",tax,rating,2023,E", 5);
    REJECTS(U1 ",tax,rating,2023,a", 5);
    REJECTS(U1 ",tax,rating,2023,AA", 5);
}

Test(reader, empty_means_missing)
{
    score_panel *p;
    score_read_counts c;
    cr_assert_eq(read_text(H U1 ",tax,paid,2024-01,\n" U1 ",profile,industry,,\n", 0, &c, NULL, &p),
                 SCORE_OK);
    assert_counts(&c, 2, 2, 0, 0, 0);
    size_t n;
    cr_assert(isnan(series_last(p, U1, "tax", "paid", NULL, &n)));
    cr_assert_eq(n, 1);
    score_panel_free(p);
}

Test(reader, a_later_duplicate_replaces_the_earlier)
{
    score_panel *p;
    score_read_counts c;
    diag_log log;
    cr_assert_eq(read_text(H U1 ",tax,paid,2024-01,1\n" U1 ",tax,paid,2024-02,2\n" U1
                           ",tax,paid,2024-01,3\n" U1 ",profile,hitech,,0\n" U1 ",profile,hitech,,1\n",
                           0, &c, &log, &p),
                 SCORE_OK);
    assert_counts(&c, 5, 5, 2, 0, 0);
    cr_assert_eq(log.n, 2);
    cr_assert_eq(log.severity[0], SCORE_DIAG_WARNING);
    cr_assert(log_has(&log, "t.csv:4: replaces an earlier observation of tax:paid 2024-01"), "%s",
              log.text[0]);
    double v[4];
    size_t n;
    score_panel_series(p, U1, "tax", "paid", NULL, NULL, v, 4, &n);
    cr_assert_eq(n, 2);
    cr_assert(v[0] == 3 && v[1] == 2);
    cr_assert_float_eq(series_last(p, U1, "profile", "hitech", NULL, NULL), 1.0, 0);
    score_panel_free(p);
    cr_assert_eq(read_text(H U1 ",tax,paid,2024-01,1\n" U1 ",tax,paid,2024-01,3\n", 1, &c, NULL, NULL),
                 SCORE_EREJECTED);
    cr_assert(strstr(score_last_error(), "t.csv:3"), "%s", score_last_error());
}

Test(reader, annual_periods_count_as_december)
{
    score_panel *p;
    cr_assert_eq(read_text(H U1 ",tax,rating,2023,B\n", 0, NULL, NULL, &p), SCORE_OK);
    size_t n;
    int month;
    series_last(p, U1, "tax", "rating", "2023-11", &n);
    cr_assert_eq(n, 0);
    double v = series_last(p, U1, "tax", "rating", "2023-12", &n);
    cr_assert_eq(n, 1);
    cr_assert_float_eq(v, 2.0, 0);
    cr_assert_eq(score_panel_series(p, U1, "tax", "rating", NULL, &month, NULL, 1, &n), SCORE_OK);
    cr_assert_eq(month, 202312);
    score_panel_free(p);
}

Test(reader, strict_mode_fails_on_the_first_bad_line)
{
    score_read_counts c = {.size = sizeof c};
    cr_assert_eq(read_text(H U1 ",tax,paid,2024-01,1\n" U1 ",tax,paid,2024-02,x\n", 1, &c, NULL, NULL),
                 SCORE_EREJECTED);
    cr_assert(strstr(score_last_error(), "t.csv:3:5: value:"), "%s", score_last_error());
    cr_assert_eq(read_text(H U1 ",tax,paid,2024-01,1\n", 1, &c, NULL, NULL), SCORE_OK);
}

Test(reader, a_line_too_long_is_rejected_alone)
{
    size_t big = 100000;
    char *text = malloc(big + 200);
    strcpy(text, H U1 ",tax,paid,2024-01,");
    size_t len = strlen(text);
    memset(text + len, '1', big);
    strcpy(text + len + big, "\n" U1 ",tax,paid,2024-02,5\n");
    score_read_counts c;
    diag_log log;
    cr_assert_eq(read_text(text, 0, &c, &log, NULL), SCORE_OK);
    assert_counts(&c, 2, 1, 0, 0, 1);
    cr_assert(log_has(&log, "t.csv:2:1: line is longer than"), "%s", log.text[0]);
    free(text);
}

Test(reader, bytes_that_are_not_text_are_rejected_not_crashed_on)
{
    const char text[] = H U1 ",tax,paid,2024-01,1\0002\n" U1 ",ta\377,paid,2024-01,1\n";
    score_read_counts c;
    diag_log log;
    cr_assert_eq(read_bytes(text, sizeof text - 1, 0, &c, &log, NULL), SCORE_OK);
    assert_counts(&c, 2, 0, 0, 1, 1);
    cr_assert(log_has(&log, "\\x00"), "%s", log.text[0]);
    cr_assert(log_has(&log, "\\xFF"), "%s", log.text[1]);
}

Test(reader, several_files_make_one_run)
{
    score_panel *p;
    score_panel_new(&p);
    score_read_counts c = {.size = sizeof c};
    const char *a = H U1 ",tax,paid,2024-01,1\n" U2 ",tax,paid,2024-01,1\n";
    const char *b = H U1 ",tax,paid,2024-01,7\n" U3 ",tax,paid,2024-01,1\nbad\n";
    cr_assert_eq(score_panel_read_buffer(p, "a.csv", a, strlen(a), NULL, &c), SCORE_OK);
    cr_assert_eq(score_panel_read_buffer(p, "b.csv", b, strlen(b), NULL, &c), SCORE_OK);
    assert_counts(&c, 5, 4, 1, 0, 1);
    cr_assert_eq(score_panel_n_enterprises(p), 3);
    cr_assert_float_eq(series_last(p, U1, "tax", "paid", NULL, NULL), 7.0, 0);
    /* a file that fails leaves the panel exactly as it was */
    const char *strict_bad = H U1 ",tax,paid,2024-01,9\n" U1 ",tax,paid,2024-05,9\n"
                             "91320500MA1N2P3Q4P,tax,paid,2024-01,1\n" U1 ",tax,paid,2024-02,z\n";
    score_read_options o;
    score_read_options_init(&o);
    o.strict = 1;
    cr_assert_eq(score_panel_read_buffer(p, "c.csv", strict_bad, strlen(strict_bad), &o, &c),
                 SCORE_EREJECTED);
    assert_counts(&c, 5, 4, 1, 0, 1);
    cr_assert_eq(score_panel_n_enterprises(p), 3);
    cr_assert_eq(score_panel_n_observations(p), 3);
    cr_assert_float_eq(series_last(p, U1, "tax", "paid", NULL, NULL), 7.0, 0);
    cr_assert_eq(score_panel_find(p, "91320500MA1N2P3Q4P", &(size_t){0}), SCORE_ENOTFOUND);
    score_panel_free(p);
}

Test(reader, a_missing_file_names_itself)
{
    score_panel *p;
    score_panel_new(&p);
    cr_assert_eq(score_panel_read_file(p, "/nonexistent/signals.csv", NULL, NULL), SCORE_EIO);
    cr_assert(strstr(score_last_error(), "/nonexistent/signals.csv"));
    cr_assert_eq(score_panel_read_file(p, "/", NULL, NULL), SCORE_EIO);
    score_panel_free(p);
}

static int stop_at_once(void *user, const char *stage, uint64_t done, uint64_t total)
{
    (void)user, (void)stage, (void)done, (void)total;
    return 1;
}

Test(reader, the_progress_callback_can_stop_a_read)
{
    score_panel *p;
    score_panel_new(&p);
    score_read_options o;
    score_read_options_init(&o);
    o.progress = stop_at_once;
    const char *text = H U1 ",tax,paid,2024-01,1\n";
    cr_assert_eq(score_panel_read_buffer(p, "a.csv", text, strlen(text), &o, NULL), SCORE_ECANCELED);
    cr_assert_eq(score_panel_n_observations(p), 0);
    score_panel_free(p);
}
