/* libFuzzer target: the credit-enhancement request and configuration
 * readers on arbitrary bytes. What they accept is computed, and the results
 * must keep their invariants: the limit within the request, the enhanced
 * figures never worse than the bare ones, a configuration written out reads
 * back to the same text. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"

static const char example[] =
    "{\"pd\": 0.01, \"lgd\": 0.45, \"amount\": 5000000, \"tenor_years\": 2.5,"
    " \"annual_sales\": 39000000, \"orders_verified\": 2000000, \"receivables_verified\": 1000000,"
    " \"patents\": {\"invention\": 3000000, \"utility\": 500000},"
    " \"guarantee\": {\"share\": 0.5, \"pd\": 0.003}, \"compensation_share\": 0.3}";

static void check(const score_enhance_config *config, const score_enhance_request *request)
{
    score_enhance_result with = {.size = sizeof with}, without = {.size = sizeof without};
    if (score_enhance_compute(config, request, &with, &without) != SCORE_OK)
        return;
    if (with.limit < 0 || with.limit > request->amount || with.limit > with.limit_available ||
        without.limit > with.limit || with.capital < 0 || with.expected_loss < 0 ||
        !isfinite(with.rate) || !isfinite(without.rate) || !(with.risk_weight >= 0) ||
        with.lgd_effective > without.lgd_effective + 1e-15 || strcmp(with.grade, without.grade))
        __builtin_trap();
    if (request->guarantee_approach == SCORE_GUARANTEE_LGD_SHARING &&
        (with.risk_weight > without.risk_weight * (1 + 1e-12) || with.rate > without.rate + 1e-15))
        __builtin_trap();
}

/* The two views (1.1): limits within the request, nothing negative or
 * infinite, the regulatory weight never above the borrower's own, the
 * economic LGD never above the bare one. */
static void check_views(const score_enhance_config *config, const score_enhance_request *request,
                        const score_enhance_terms *terms)
{
    score_enhance_figures w = {.size = sizeof w}, wo = {.size = sizeof wo};
    if (score_enhance_evaluate(config, request, terms, &w, &wo) != SCORE_OK)
        return;
    if (w.limit < 0 || w.limit > request->amount || w.limit > w.limit_available || w.reg_rwa < 0 ||
        w.reg_capital < 0 || w.econ_expected_loss < 0 || !isfinite(w.rate) ||
        !isfinite(w.all_in_cost) || !isfinite(wo.all_in_cost) ||
        w.reg_risk_weight > w.reg_borrower_risk_weight * (1 + 1e-12) + 1e-15 ||
        w.econ_lgd > (request->lgd < 0 ? 1.0 : request->lgd) + 1e-15 || w.reg_collateral > w.limit)
        __builtin_trap();
}

static void config_round_trip(const score_enhance_config *config)
{
    size_t length, again;
    if (score_enhance_config_json(config, NULL, 0, &length) != SCORE_OK)
        return;
    char *text = malloc(length + 1), *second = NULL;
    score_enhance_config *back = NULL;
    if (text && score_enhance_config_json(config, text, length + 1, &length) == SCORE_OK) {
        if (score_enhance_config_parse(text, length, "written", &back) != SCORE_OK)
            __builtin_trap();
        if (score_enhance_config_json(back, NULL, 0, &again) != SCORE_OK || again != length)
            __builtin_trap();
        second = malloc(again + 1);
        if (second && score_enhance_config_json(back, second, again + 1, &again) == SCORE_OK &&
            memcmp(text, second, length) != 0)
            __builtin_trap();
    }
    free(second);
    free(text);
    score_enhance_config_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    score_enhance_request request;
    score_enhance_request_init(&request);
    if (score_enhance_request_parse(text, size, "fuzz", &request) == SCORE_OK) {
        if (request.pd < 0)
            request.pd = 0.02; /* as a model would supply it */
        check(NULL, &request);
    }
    score_enhance_terms terms;
    score_enhance_request_init(&request);
    score_enhance_terms_init(&terms);
    if (score_enhance_request_parse_terms(text, size, "fuzz", &request, &terms) == SCORE_OK) {
        if (request.pd < 0)
            request.pd = 0.02;
        check_views(NULL, &request, &terms);
    }
    score_enhance_config *config;
    if (score_enhance_config_parse(text, size, "fuzz", &config) == SCORE_OK) {
        score_enhance_request_init(&request);
        if (score_enhance_request_parse(example, strlen(example), "example", &request) != SCORE_OK)
            __builtin_trap();
        check(config, &request);
        request.guarantee_approach = SCORE_GUARANTEE_SUBSTITUTION;
        check(config, &request);
        score_enhance_terms_init(&terms);
        request.guarantee_approach = SCORE_GUARANTEE_LGD_SHARING;
        snprintf(terms.guarantor_kind, sizeof terms.guarantor_kind, "government_reguarantor");
        terms.deposits_at_lender = 50000000;
        for (int a = SCORE_APPROACH_CONFIGURED; a <= SCORE_APPROACH_AUTO; a++) {
            terms.approach = a;
            check_views(config, &request, &terms);
        }
        config_round_trip(config);
        score_enhance_config_free(config);
    }
    return 0;
}
