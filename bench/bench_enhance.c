/* Credit enhancement: how many applications a second one thread prices,
 * from structs (a bank's loan system) and from JSON text (the batch of
 * `score enhance --requests`). Varied, deterministic requests.
 *
 *   ./build/bench/bench_enhance [N]        (N requests, default 200000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "score.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t state = 88172645463325252u;
static double uniform(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) * (1.0 / 9007199254740992.0);
}

static const char *const kinds[] = {"", "commercial_guarantor", "government_reguarantor",
                                     "national_financing_guarantee_fund"};

/* The same request's 1.1 terms and JSON (no 1.0 substitution flag). */
static void make_terms(const score_enhance_request *r, score_enhance_terms *t, char *json,
                       size_t cap)
{
    score_enhance_terms_init(t);
    t->approach = uniform() < 0.5 ? SCORE_APPROACH_STANDARDISED : SCORE_APPROACH_FIRB;
    snprintf(t->guarantor_kind, sizeof t->guarantor_kind, "%s", kinds[(int)(4 * uniform()) & 3]);
    t->guarantee_fee_rate = 0.02 * uniform();
    t->deposits_at_lender = (int64_t)(5e5 * uniform()) * 100;
    t->pool_deposit_share = 0.1 * uniform();
    t->pool_deposit_rate = 0.0035;
    snprintf(json, cap,
             "{\"pd\": %.17g, \"lgd\": %.17g, \"amount\": %lld, \"tenor_years\": %.17g,"
             " \"annual_sales\": %lld, \"orders_verified\": %lld, \"receivables_verified\": %lld,"
             " \"patents\": {\"invention\": %lld}, \"guarantee\": {\"share\": %.17g, \"pd\": %.17g,"
             " \"kind\": \"%s\", \"fee_rate\": %.17g}, \"compensation_share\": %.17g,"
             " \"approach\": \"%s\", \"deposits_at_lender\": %lld,"
             " \"pool\": {\"deposit_share\": %.17g, \"deposit_rate\": 0.0035}}",
             r->pd, r->lgd, (long long)(r->amount / 100), r->tenor_years,
             (long long)(r->annual_sales / 100), (long long)(r->orders_verified / 100),
             (long long)(r->receivables_verified / 100), (long long)(r->patent_invention / 100),
             r->guarantee_share, r->guarantee_pd, t->guarantor_kind, t->guarantee_fee_rate,
             r->compensation_share, score_enhance_approach_name(t->approach),
             (long long)(t->deposits_at_lender / 100), t->pool_deposit_share);
}

static void make(score_enhance_request *r, char *json, size_t cap)
{
    score_enhance_request_init(r);
    r->pd = 0.0002 + 0.15 * uniform() * uniform();
    r->lgd = 0.3 + 0.3 * uniform();
    r->amount = (int64_t)(1e5 + 2e7 * uniform()) * 100;
    r->tenor_years = 0.5 + 5 * uniform();
    r->annual_sales = (int64_t)(1e6 + 4e8 * uniform()) * 100;
    r->orders_verified = (int64_t)(5e6 * uniform()) * 100;
    r->receivables_verified = (int64_t)(3e6 * uniform()) * 100;
    r->patent_invention = (int64_t)(4e6 * uniform()) * 100;
    r->guarantee_share = 0.6 * uniform();
    r->guarantee_pd = 0.001 + 0.01 * uniform();
    r->guarantee_approach = uniform() < 0.3;
    r->compensation_share = (1 - r->guarantee_share) * 0.5 * uniform();
    snprintf(json, cap,
             "{\"pd\": %.17g, \"lgd\": %.17g, \"amount\": %lld, \"tenor_years\": %.17g,"
             " \"annual_sales\": %lld, \"orders_verified\": %lld, \"receivables_verified\": %lld,"
             " \"patents\": {\"invention\": %lld}, \"guarantee\": {\"share\": %.17g, \"pd\": %.17g,"
             " \"substitution\": %s}, \"compensation_share\": %.17g}",
             r->pd, r->lgd, (long long)(r->amount / 100), r->tenor_years,
             (long long)(r->annual_sales / 100), (long long)(r->orders_verified / 100),
             (long long)(r->receivables_verified / 100), (long long)(r->patent_invention / 100),
             r->guarantee_share, r->guarantee_pd, r->guarantee_approach ? "true" : "false",
             r->compensation_share);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
    if (n == 0)
        n = 1;
    score_enhance_request *requests = malloc(n * sizeof *requests);
    char *texts = malloc(n * 512);
    if (!requests || !texts)
        return 1;
    score_enhance_terms *terms = malloc(n * sizeof *terms);
    char *texts2 = malloc(n * 768);
    if (!terms || !texts2)
        return 1;
    for (size_t i = 0; i < n; i++) {
        make(&requests[i], texts + i * 512, 512);
        make_terms(&requests[i], &terms[i], texts2 + i * 768, 768);
    }
    score_enhance_config *config;
    if (score_enhance_config_new(&config) != SCORE_OK)
        return 1;

    double *rates = malloc(n * sizeof *rates);
    size_t differ = 0;
    if (!rates)
        return 1;
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        score_enhance_result w = {.size = sizeof w}, wo = {.size = sizeof wo};
        if (score_enhance_compute(config, &requests[i], &w, &wo) != SCORE_OK) {
            fprintf(stderr, "request %zu: %s\n", i, score_last_error());
            return 1;
        }
        rates[i] = w.rate + wo.rate;
    }
    double structs = now() - t0;

    t0 = now();
    for (size_t i = 0; i < n; i++) {
        score_enhance_request r;
        score_enhance_request_init(&r);
        const char *text = texts + i * 512;
        score_enhance_result w = {.size = sizeof w}, wo = {.size = sizeof wo};
        if (score_enhance_request_parse(text, strlen(text), "bench", &r) != SCORE_OK ||
            score_enhance_compute(config, &r, &w, &wo) != SCORE_OK) {
            fprintf(stderr, "request %zu: %s\n", i, score_last_error());
            return 1;
        }
        differ += rates[i] != w.rate + wo.rate;
    }
    double parsed = now() - t0;

    /* 1.1: both views, structs then JSON, in the same run */
    double *rates2 = malloc(n * sizeof *rates2);
    size_t differ2 = 0;
    if (!rates2)
        return 1;
    t0 = now();
    for (size_t i = 0; i < n; i++) {
        score_enhance_figures w = {.size = sizeof w}, wo = {.size = sizeof wo};
        if (score_enhance_evaluate(config, &requests[i], &terms[i], &w, &wo) != SCORE_OK) {
            fprintf(stderr, "request %zu: %s\n", i, score_last_error());
            return 1;
        }
        rates2[i] = w.rate + wo.rate;
    }
    double structs2 = now() - t0;
    t0 = now();
    for (size_t i = 0; i < n; i++) {
        score_enhance_request r;
        score_enhance_terms t;
        score_enhance_request_init(&r);
        score_enhance_terms_init(&t);
        const char *text = texts2 + i * 768;
        score_enhance_figures w = {.size = sizeof w}, wo = {.size = sizeof wo};
        if (score_enhance_request_parse_terms(text, strlen(text), "bench", &r, &t) != SCORE_OK ||
            score_enhance_evaluate(config, &r, &t, &w, &wo) != SCORE_OK) {
            fprintf(stderr, "request %zu: %s\n", i, score_last_error());
            return 1;
        }
        differ2 += rates2[i] != w.rate + wo.rate;
    }
    double parsed2 = now() - t0;
    printf("requests:                       %zu\n", n);
    printf("compute (with + without):       %.2f us each, %.0f requests/s\n", structs / n * 1e6,
           n / structs);
    printf("parse JSON + compute:           %.2f us each, %.0f requests/s\n", parsed / n * 1e6,
           n / parsed);
    printf("results differing between them: %zu\n", differ);
    printf("1.1 evaluate (both views):      %.2f us each (%.2fx compute)\n", structs2 / n * 1e6,
           structs2 / structs);
    printf("1.1 parse terms + evaluate:     %.2f us each (%.2fx parse + compute)\n",
           parsed2 / n * 1e6, parsed2 / parsed);
    printf("1.1 results differing:          %zu\n", differ2);
    free(rates2);
    free(terms);
    free(texts2);
    score_enhance_config_free(config);
    free(rates);
    free(texts);
    free(requests);
    return 0;
}
