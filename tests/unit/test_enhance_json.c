/* Credit enhancement: requests and configurations read from JSON, every
 * refusal with its message, the configuration written back, and allocation
 * failure. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "enhance/enhance.h"

static const char example_json[] =
    "{\"uscc\": \"914403001922038216\", \"pd\": 0.01, \"lgd\": 0.45, \"amount\": 5000000,\n"
    " \"tenor_years\": 2.5, \"annual_sales\": 39000000,\n"
    " \"orders_verified\": 2000000, \"receivables_verified\": 1000000,\n"
    " \"patents\": {\"invention\": 3000000, \"utility\": 500000, \"trademark\": 0},\n"
    " \"guarantee\": {\"share\": 0.5, \"pd\": 0.003}, \"compensation_share\": 0.3}";

static int parse(const char *text, score_enhance_request *r)
{
    score_enhance_request_init(r);
    return score_enhance_request_parse(text, strlen(text), "req.json", r);
}

Test(enhance_request, worked_example_parses)
{
    score_enhance_request r;
    cr_assert_eq(parse(example_json, &r), SCORE_OK, "%s", score_last_error());
    cr_assert_str_eq(r.uscc, "914403001922038216");
    cr_assert_float_eq(r.pd, 0.01, 0);
    cr_assert_float_eq(r.lgd, 0.45, 0);
    cr_assert_eq(r.amount, INT64_C(500000000));
    cr_assert_float_eq(r.tenor_years, 2.5, 0);
    cr_assert_eq(r.annual_sales, INT64_C(3900000000));
    cr_assert_eq(r.orders_verified, INT64_C(200000000));
    cr_assert_eq(r.receivables_verified, INT64_C(100000000));
    cr_assert_eq(r.patent_invention, INT64_C(300000000));
    cr_assert_eq(r.patent_utility, INT64_C(50000000));
    cr_assert_eq(r.patent_trademark, 0);
    cr_assert_float_eq(r.guarantee_share, 0.5, 0);
    cr_assert_float_eq(r.guarantee_pd, 0.003, 0);
    cr_assert_eq(r.guarantee_approach, SCORE_GUARANTEE_LGD_SHARING);
    cr_assert_float_eq(r.compensation_share, 0.3, 0);
    cr_assert_eq(r.size, sizeof r);
}

Test(enhance_request, defaults_and_options)
{
    score_enhance_request r;
    cr_assert_eq(parse("{\"amount\": 1000.5, \"tenor_years\": 1}", &r), SCORE_OK, "%s",
                 score_last_error());
    cr_assert_eq(r.amount, 100050);
    cr_assert(r.pd < 0 && r.lgd < 0 && r.annual_sales < 0 && r.guarantee_pd < 0);
    cr_assert_str_eq(r.uscc, "");
    cr_assert_eq(r.guarantee_share, 0);
    /* no PD: parsed (a model may supply it), but not computed */
    score_enhance_result w = {.size = sizeof w};
    cr_assert_eq(score_enhance_compute(NULL, &r, &w, NULL), SCORE_EINVAL);
    r.pd = 0.02;
    cr_assert_eq(score_enhance_compute(NULL, &r, &w, NULL), SCORE_OK);
    cr_assert_float_eq(w.lgd_effective, 0.45, 0, "the configuration's LGD");
    /* substitution, and lgd_sharing said explicitly */
    cr_assert_eq(parse("{\"amount\": 1, \"tenor_years\": 1, \"guarantee\": {\"share\": 0.4, "
                       "\"pd\": 0.002, \"substitution\": true}}",
                       &r),
                 SCORE_OK, "%s", score_last_error());
    cr_assert_eq(r.guarantee_approach, SCORE_GUARANTEE_SUBSTITUTION);
    cr_assert_eq(parse("{\"amount\": 1, \"tenor_years\": 1, \"guarantee\": {\"share\": 0.4, "
                       "\"substitution\": false, \"lgd_sharing\": true}}",
                       &r),
                 SCORE_OK, "%s", score_last_error());
    cr_assert_eq(r.guarantee_approach, SCORE_GUARANTEE_LGD_SHARING);
    cr_assert_eq(parse("{\"amount\": 1, \"tenor_years\": 1, \"guarantee\": {\"share\": 0.4, "
                       "\"pd\": 0.01, \"lgd_sharing\": false}}",
                       &r),
                 SCORE_OK, "%s", score_last_error());
    cr_assert_eq(r.guarantee_approach, SCORE_GUARANTEE_SUBSTITUTION);
    /* the edges of every range are accepted */
    cr_assert_eq(parse("{\"amount\": 1000000000000, \"tenor_years\": 100, \"pd\": 1, \"lgd\": 0,"
                       " \"compensation_share\": 1, \"guarantee\": {\"share\": 0}}",
                       &r),
                 SCORE_OK, "%s", score_last_error());
    cr_assert_eq(parse("{\"amount\": 0.01, \"tenor_years\": 0.001, \"pd\": 0, \"annual_sales\": 0,"
                       " \"guarantee\": {\"share\": 0.7}, \"compensation_share\": 0.3}",
                       &r),
                 SCORE_OK, "%s", score_last_error());
}

/* Every bad request is refused with SCORE_EFORMAT, a message naming where
 * and what, and the request left as it was. */
Test(enhance_request, bad_requests_are_refused_by_name)
{
    static const struct { const char *json, *message; } bad[] = {
        {"{\"amount\": -5, \"tenor_years\": 1}", "req.json: request.amount: amount outside 0.01.."},
        {"{\"amount\": 5, \"tenor_years\": 1, \"annual_sales\": -1}", "request.annual_sales: amount outside 0.00.."},
        {"{\"amount\": 5, \"tenor_years\": 1, \"orders_verified\": -0.01}", "request.orders_verified"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"receivables_verified\": -3}", "request.receivables_verified"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"patents\": {\"utility\": -1}}", "request.patents.utility: amount outside"},
        {"{\"amount\": 0, \"tenor_years\": 1}", "request.amount: amount outside 0.01"},
        {"{\"amount\": 1000000000000.01, \"tenor_years\": 1}", "request.amount"},
        {"{\"amount\": 5.001, \"tenor_years\": 1}", "request.amount: expected an amount in yuan with at most two decimals"},
        {"{\"amount\": \"5\", \"tenor_years\": 1}", "request.amount: expected an amount"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"pd\": 1.5}", "req.json: request.pd: 1.5 is outside 0..1"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"pd\": -0.01}", "request.pd: -0.01"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"pd\": \"0.01\"}", "request.pd: expected a number"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"pd\": true}", "request.pd: expected a number"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"lgd\": 1.01}", "request.lgd: 1.01"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"compensation_share\": 1.2}", "request.compensation_share: 1.2"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"guarantee\": {\"share\": 1.5}}", "request.guarantee.share: 1.5"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"guarantee\": {\"share\": 0.5, \"pd\": 2}}", "request.guarantee.pd: 2"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"guarantee\": {\"share\": 0.8}, \"compensation_share\": 0.3}",
         "req.json: request: guarantee.share 0.8 + compensation_share 0.3 is above 1"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"guarantee\": {\"share\": 0.5, \"pd\": 0.01, \"substitution\": true, \"lgd_sharing\": true}}",
         "request.guarantee: substitution and lgd_sharing both asked for"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"guarantee\": {\"share\": 0.5, \"substitution\": false, \"lgd_sharing\": false}}",
         "request.guarantee: substitution and lgd_sharing both false"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"guarantee\": {\"share\": 0.5, \"substitution\": true}}",
         "request.guarantee.pd: not given; substitution needs the guarantor's PD"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"guarantee\": {\"share\": 0.5, \"substitution\": 1}}",
         "request.guarantee.substitution: expected true or false"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"guarantee\": {\"pd\": 0.01}}", "request.guarantee.share: required"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"guarantee\": {\"share\": 0.5, \"fee\": 0.01}}",
         "request.guarantee: unknown key \"fee\"; known keys: share, pd, substitution, lgd_sharing"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"guarantee\": 0.5}", "request.guarantee: expected an object"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"patents\": {\"design\": 5}}", "request.patents: unknown key \"design\""},
        {"{\"amount\": 5, \"tenor_years\": 1, \"ammount\": 5}", "req.json: request: unknown key \"ammount\""},
        {"{\"tenor_years\": 1}", "request.amount: required"},
        {"{\"amount\": 5}", "request.tenor_years: required"},
        {"{\"amount\": 5, \"tenor_years\": 0}", "request.tenor_years: must be above 0"},
        {"{\"amount\": 5, \"tenor_years\": 101}", "request.tenor_years: 101 is outside"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"uscc\": \"914403001922038217\"}",
         "request.uscc: \"914403001922038217\" is not a valid unified social credit code"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"uscc\": \"91440300192203821\"}", "request.uscc"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"uscc\": 914403001922038216}", "request.uscc: expected a string"},
        {"{\"amount\": 5, \"tenor_years\": 1, \"pd\": 0.1, \"pd\": 0.2}", "req.json:1:"},
        {"{\"amount\": 5,\n \"tenor_years\": }", "req.json:2:"},
        {"[1, 2]", "req.json: expected a JSON object"},
        {"", "req.json"},
    };
    for (size_t i = 0; i < SC_ARRAY_LEN(bad); i++) {
        score_enhance_request r;
        score_enhance_request_init(&r);
        r.amount = 77;
        int rc = score_enhance_request_parse(bad[i].json, strlen(bad[i].json), "req.json", &r);
        cr_assert_eq(rc, SCORE_EFORMAT, "%s: got %d", bad[i].json, rc);
        cr_assert(strstr(score_last_error(), bad[i].message), "%s\n  message: %s\n  wanted: %s",
                  bad[i].json, score_last_error(), bad[i].message);
        cr_assert_eq(r.amount, 77, "the request is untouched on failure");
    }
}

Test(enhance_request, api_misuse)
{
    score_enhance_request r;
    score_enhance_request_init(&r);
    cr_assert_eq(score_enhance_request_parse(NULL, 0, NULL, &r), SCORE_EINVAL);
    cr_assert_eq(score_enhance_request_parse("{}", 2, NULL, NULL), SCORE_EINVAL);
    r.size = sizeof r + 1;
    cr_assert_eq(score_enhance_request_parse(example_json, strlen(example_json), NULL, &r),
                 SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "request->size"), "%s", score_last_error());
    score_enhance_request_init(NULL);
    /* the default name */
    score_enhance_request_init(&r);
    const char *negative = "{\"amount\": -1, \"tenor_years\": 1}";
    cr_assert_eq(score_enhance_request_parse(negative, strlen(negative), NULL, &r), SCORE_EFORMAT);
    cr_assert(!strncmp(score_last_error(), "request: request.amount", 23), "%s", score_last_error());
    /* text with a NUL inside, and text not ending where the object ends */
    cr_assert_eq(score_enhance_request_parse("{\"amount\": 5}\0xx", 16, NULL, &r), SCORE_EFORMAT);
    cr_assert_eq(score_enhance_request_parse("{} {}", 5, NULL, &r), SCORE_EFORMAT);
}

Test(enhance_request, a_shorter_struct_gets_its_members_only)
{
    unsigned char buffer[sizeof(score_enhance_request) + 8];
    memset(buffer, 0xcc, sizeof buffer);
    score_enhance_request *r = (score_enhance_request *)buffer;
    r->size = offsetof(score_enhance_request, annual_sales);
    cr_assert_eq(score_enhance_request_parse(example_json, strlen(example_json), NULL, r), SCORE_OK);
    cr_assert_eq(r->amount, INT64_C(500000000));
    cr_assert_eq(buffer[offsetof(score_enhance_request, annual_sales)], 0xcc);
    cr_assert_eq(r->size, offsetof(score_enhance_request, annual_sales));
}

/* ---- configuration ---------------------------------------------------------- */

static int config_parse(const char *text, score_enhance_config **c)
{
    return score_enhance_config_parse(text, strlen(text), "bank.json", c);
}

static char *config_text(const score_enhance_config *c)
{
    size_t len = 0;
    cr_assert_eq(score_enhance_config_json(c, NULL, 0, &len), SCORE_OK);
    char *text = malloc(len + 1);
    size_t len2 = 0;
    cr_assert_eq(score_enhance_config_json(c, text, len + 1, &len2), SCORE_OK);
    cr_assert_eq(len, len2);
    cr_assert_eq(strlen(text), len);
    return text;
}

Test(enhance_config, defaults_as_documented)
{
    score_enhance_config *c;
    cr_assert_eq(score_enhance_config_new(&c), SCORE_OK);
    cr_assert_float_eq(c->funding_rate, 0.02, 0);
    cr_assert_float_eq(c->operating_cost, 0.01, 0);
    cr_assert_float_eq(c->hurdle_rate, 0.10, 0);
    cr_assert_float_eq(c->eur_rate, 7.8, 0);
    cr_assert_float_eq(c->pd_floor, 0.0005, 0);
    cr_assert_float_eq(c->lgd, 0.45, 0);
    cr_assert_float_eq(c->advance_invention, 0.25, 0);
    cr_assert_float_eq(c->advance_utility, 0.15, 0);
    cr_assert_float_eq(c->advance_trademark, 0.50, 0);
    cr_assert_float_eq(c->advance_orders, 0.70, 0);
    cr_assert_float_eq(c->advance_receivables, 0.80, 0);
    cr_assert_float_eq(c->grade_bounds[0], 0.0005, 0);
    cr_assert_float_eq(c->grade_bounds[8], 0.20, 0);
    cr_assert_float_eq(c->sales_shares[9], 0, 0, "nothing unsecured for D");
    /* an empty object is the defaults, too */
    score_enhance_config *empty;
    cr_assert_eq(config_parse("{}", &empty), SCORE_OK);
    cr_assert_eq(memcmp(c, empty, sizeof *c), 0);
    score_enhance_config_free(empty);
    score_enhance_config_free(c);
    score_enhance_config_free(NULL);
}

Test(enhance_config, written_and_read_back_the_same)
{
    score_enhance_config *c;
    const char *custom =
        "{\"version\": 1, \"funding_rate\": 0.0185, \"operating_cost\": 0.0123456789,"
        " \"hurdle_rate\": 0.12, \"eur_rate\": 7.71, \"pd_floor\": 0.0003, \"lgd\": 0.4,"
        " \"scaling_factor\": 1.06, \"maturity\": {\"min\": 0.5, \"max\": 7},"
        " \"firm_size\": {\"enabled\": false, \"currency\": \"CNY\", \"floor_millions\": 30,"
        " \"ceiling_millions\": 300},"
        " \"advance_rates\": {\"invention\": 0.3, \"utility\": 0.1, \"trademark\": 0.4,"
        " \"orders\": 0.6, \"receivables\": 0.9},"
        " \"grades\": {\"AAA\": 0.0003, \"C\": 0.3},"
        " \"sales_shares\": {\"AAA\": 0.35, \"CC\": 0.01}}";
    cr_assert_eq(config_parse(custom, &c), SCORE_OK, "%s", score_last_error());
    cr_assert_eq(c->firm_size_currency, SC_FIRM_SIZE_CNY);
    cr_assert_eq(c->firm_size_enabled, 0);
    cr_assert_float_eq(c->grade_bounds[0], 0.0003, 0);
    cr_assert_float_eq(c->grade_bounds[1], 0.001, 0, "untouched keys keep their default");
    char *text = config_text(c);
    score_enhance_config *back;
    cr_assert_eq(config_parse(text, &back), SCORE_OK, "%s\n%s", score_last_error(), text);
    cr_assert_eq(memcmp(c, back, sizeof *c), 0, "%s", text);
    cr_assert(strstr(text, "\"operating_cost\": 0.0123456789,"), "shortest form: %s", text);
    cr_assert(strstr(text, "\"currency\": \"CNY\""), "%s", text);
    free(text);
    score_enhance_config_free(back);
    score_enhance_config_free(c);
    /* the defaults (NULL) written out read back as the defaults */
    text = config_text(NULL);
    cr_assert_eq(config_parse(text, &back), SCORE_OK);
    score_enhance_config defaults;
    sc_enhance_config_defaults(&defaults);
    cr_assert_eq(memcmp(&defaults, back, sizeof defaults), 0);
    cr_assert(strstr(text, "\"pd_floor\": 0.0005,"), "%s", text);
    free(text);
    score_enhance_config_free(back);
    /* a buffer one byte short gets nothing, but the length */
    char small[8] = "unset";
    size_t len = 0;
    cr_assert_eq(score_enhance_config_json(NULL, small, sizeof small, &len), SCORE_OK);
    cr_assert_gt(len, sizeof small);
    cr_assert_str_eq(small, "unset");
    cr_assert_eq(score_enhance_config_json(NULL, NULL, 5, &len), SCORE_EINVAL);
    cr_assert_eq(score_enhance_config_json(NULL, NULL, 0, NULL), SCORE_EINVAL);
}

Test(enhance_config, bad_configurations_are_refused_by_name)
{
    static const struct { const char *json, *message; int code; } bad[] = {
        {"{\"funding\": 0.02}", "bank.json: config: unknown key \"funding\"", SCORE_EFORMAT},
        {"{\"funding_rate\": \"2%\"}", "bank.json: config.funding_rate: expected a number", SCORE_EFORMAT},
        {"{\"funding_rate\": 2}", "config.funding_rate: 2 is outside -0.1..1", SCORE_EFORMAT},
        {"{\"operating_cost\": -0.01}", "config.operating_cost", SCORE_EFORMAT},
        {"{\"hurdle_rate\": 0.01}", "config.hurdle_rate: 0.01 is below funding_rate 0.02", SCORE_EFORMAT},
        {"{\"eur_rate\": 0}", "config.eur_rate: 0 is outside", SCORE_EFORMAT},
        {"{\"pd_floor\": 0}", "config.pd_floor: 0 is outside 0.0001..1", SCORE_EFORMAT},
        {"{\"pd_floor\": 1.5}", "config.pd_floor", SCORE_EFORMAT},
        {"{\"lgd\": 1.1}", "config.lgd", SCORE_EFORMAT},
        {"{\"scaling_factor\": 0}", "config.scaling_factor", SCORE_EFORMAT},
        {"{\"maturity\": 2.5}", "config.maturity: expected an object", SCORE_EFORMAT},
        {"{\"maturity\": {\"min\": 3, \"max\": 2}}", "config.maturity.min: 3 is above maturity.max 2", SCORE_EFORMAT},
        {"{\"maturity\": {\"mid\": 3}}", "config.maturity: unknown key \"mid\"", SCORE_EFORMAT},
        {"{\"firm_size\": {\"currency\": \"USD\"}}", "config.firm_size.currency: expected \"EUR\" or \"CNY\", got \"USD\"", SCORE_EFORMAT},
        {"{\"firm_size\": {\"currency\": 1}}", "config.firm_size.currency: expected a string", SCORE_EFORMAT},
        {"{\"firm_size\": {\"enabled\": 1}}", "config.firm_size.enabled: expected true or false", SCORE_EFORMAT},
        {"{\"firm_size\": {\"floor_millions\": 60}}", "config.firm_size.floor_millions: 60 is not below ceiling_millions 50", SCORE_EFORMAT},
        {"{\"advance_rates\": {\"invention\": 1.5}}", "bank.json: config.advance_rates.invention: 1.5 is outside 0..1", SCORE_EFORMAT},
        {"{\"advance_rates\": {\"design\": 0.1}}", "config.advance_rates: unknown key \"design\"", SCORE_EFORMAT},
        {"{\"grades\": {\"D\": 0.5}}", "config.grades: unknown key \"D\"", SCORE_EFORMAT},
        {"{\"grades\": {\"AA\": 0.0004}}", "config.grades.AA: 0.0004 is not above grades.AAA 0.0005", SCORE_EFORMAT},
        {"{\"grades\": {\"BB\": -0.1}}", "config.grades.BB: -0.10000000000000001 is outside 0..1", SCORE_EFORMAT},
        {"{\"sales_shares\": {\"D\": 0.1}}", "config.sales_shares.D: 0.1 is above sales_shares.C 0", SCORE_EFORMAT},
        {"{\"sales_shares\": {\"AAA\": 2}}", "config.sales_shares.AAA: 2 is outside 0..1", SCORE_EFORMAT},
        {"{\"sales_shares\": {\"AAA+\": 0.5}}", "config.sales_shares: unknown key \"AAA+\"", SCORE_EFORMAT},
        {"{\"version\": 2}", "config.version: 2 is not a version this library knows (1)", SCORE_EVERSION},
        {"{\"version\": \"1\"}", "config.version: expected the integer 1", SCORE_EFORMAT},
        {"{\"lgd\": 0.4,}", "bank.json:1:", SCORE_EFORMAT},
        {"0.5", "bank.json", SCORE_EFORMAT},
    };
    for (size_t i = 0; i < SC_ARRAY_LEN(bad); i++) {
        score_enhance_config *c = (score_enhance_config *)&c;
        int rc = config_parse(bad[i].json, &c);
        cr_assert_eq(rc, bad[i].code, "%s: got %d (%s)", bad[i].json, rc, score_last_error());
        cr_assert(strstr(score_last_error(), bad[i].message), "%s\n  message: %s\n  wanted: %s",
                  bad[i].json, score_last_error(), bad[i].message);
        cr_assert_eq(c, (score_enhance_config *)&c, "out untouched on failure");
    }
}

Test(enhance_config, load_from_a_file)
{
    char path[] = "/tmp/enhance_config_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\n  \"funding_rate\": 0.025,\n  \"advance_rates\": {\"orders\": 1.7}\n}\n", f);
    fclose(f);
    score_enhance_config *c = NULL;
    cr_assert_eq(score_enhance_config_load(path, &c), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), "config.advance_rates.orders: 1.7 is outside 0..1"), "%s",
              score_last_error());
    cr_assert(!strncmp(score_last_error(), path, strlen(path)), "names the file: %s",
              score_last_error());
    f = fopen(path, "w");
    fputs("{\"funding_rate\": 0.025}", f);
    fclose(f);
    cr_assert_eq(score_enhance_config_load(path, &c), SCORE_OK, "%s", score_last_error());
    cr_assert_float_eq(c->funding_rate, 0.025, 0);
    score_enhance_config_free(c);
    unlink(path);
    cr_assert_eq(score_enhance_config_load(path, &c), SCORE_EIO);
    cr_assert_eq(score_enhance_config_load(NULL, &c), SCORE_EINVAL);
    cr_assert_eq(score_enhance_config_new(NULL), SCORE_EINVAL);
    cr_assert_eq(score_enhance_config_parse(NULL, 0, NULL, &c), SCORE_EINVAL);
}

/* ---- allocation failure -------------------------------------------------------- */

Test(enhance_alloc, every_allocation_may_fail)
{
    const char *config_json = "{\"funding_rate\": 0.03, \"grades\": {\"AAA\": 0.0004}}";
    const char *bad_config = "{\"unknown\": 1}";
    for (long nth = 1; nth < 1000; nth++) {
        score_enhance_config *c = NULL;
        sc_test_fail_allocation(nth);
        int rc_new = score_enhance_config_new(&c);
        score_enhance_config_free(rc_new == SCORE_OK ? c : NULL);
        c = NULL;
        int rc_parse = config_parse(config_json, &c);
        int rc_bad = config_parse(bad_config, &c);
        size_t len;
        int rc_json = score_enhance_config_json(rc_parse == SCORE_OK ? c : NULL, NULL, 0, &len);
        score_enhance_request r;
        int rc_req = parse(example_json, &r);
        int rc_req_bad = parse("{\"amount\": 5, \"tenor_years\": 1, \"x\": 1}", &r);
        long made = sc_test_allocation_count();
        sc_test_fail_allocation(0);
        cr_assert(rc_new == SCORE_OK || rc_new == SCORE_ENOMEM);
        cr_assert(rc_parse == SCORE_OK || rc_parse == SCORE_ENOMEM, "%d", rc_parse);
        cr_assert(rc_bad == SCORE_EFORMAT || rc_bad == SCORE_ENOMEM, "%d", rc_bad);
        cr_assert(rc_json == SCORE_OK || rc_json == SCORE_ENOMEM);
        cr_assert_eq(rc_req, SCORE_OK, "jansson's allocations are its own");
        cr_assert_eq(rc_req_bad, SCORE_EFORMAT);
        score_enhance_config_free(rc_parse == SCORE_OK ? c : NULL);
        if (nth > made) { /* every allocation has had its turn to fail */
            cr_assert(rc_new == SCORE_OK && rc_parse == SCORE_OK && rc_json == SCORE_OK);
            cr_assert_gt(nth, 3, "config and its JSON text allocate: %ld", nth);
            return;
        }
    }
    cr_assert_fail("allocations kept failing");
}
