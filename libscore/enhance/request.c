/*
 * A loan application: read from JSON, or filled in by a bank's own program,
 * and checked the same way either way (sc_enhance_request_check).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/json.h"
#include "../core/money.h"
#include "enhance.h"

/* The largest amount a request may hold: 10^12 yuan (one trillion), far
 * above any single loan; sums of five such amounts stay exact in a double. */
#define MAX_AMOUNT_FEN INT64_C(100000000000000)
#define MAX_TENOR_YEARS 100.0

void score_enhance_request_init(score_enhance_request *request)
{
    if (!request)
        return;
    memset(request, 0, sizeof *request);
    request->size = sizeof *request;
    request->pd = -1;
    request->lgd = -1;
    request->annual_sales = -1;
    request->guarantee_pd = -1;
    request->guarantee_approach = SCORE_GUARANTEE_LGD_SHARING;
}

/* ---- checking a request struct ---------------------------------------------- */

static int check_fraction(double v, int optional, const char *where, const char *key)
{
    if (optional && v < 0)
        return SCORE_OK;
    if (!(v >= 0 && v <= 1))
        return sc_error(SCORE_EINVAL, "%s.%s: %.17g is outside 0..1", where, key, v);
    return SCORE_OK;
}

static int check_money(int64_t fen, int64_t min, int optional, const char *where, const char *key)
{
    if (optional && fen < 0)
        return SCORE_OK;
    if (fen < min || fen > MAX_AMOUNT_FEN) {
        char text[32];
        sc_money_format(fen, text);
        return sc_error(SCORE_EINVAL, "%s.%s: %s yuan is outside %s..1000000000000 yuan", where,
                        key, text, min ? "0.01" : "0");
    }
    return SCORE_OK;
}

int sc_enhance_request_check(const score_enhance_request *r, const char *where, int need_pd)
{
    int rc;
    if (memchr(r->uscc, '\0', sizeof r->uscc) == NULL)
        return sc_error(SCORE_EINVAL, "%s.uscc: not NUL-terminated", where);
    if (r->uscc[0] && !score_uscc_valid(r->uscc))
        return sc_error(SCORE_EINVAL, "%s.uscc: \"%s\" is not a valid unified social credit code",
                        where, r->uscc);
    if (need_pd && r->pd < 0)
        return sc_error(SCORE_EINVAL,
                        "%s.pd: not given; put it in the request or score the enterprise with a "
                        "model",
                        where);
    if ((rc = check_fraction(r->pd, 1, where, "pd")) != SCORE_OK ||
        (rc = check_fraction(r->lgd, 1, where, "lgd")) != SCORE_OK ||
        (rc = check_money(r->amount, 1, 0, where, "amount")) != SCORE_OK)
        return rc;
    if (!(r->tenor_years > 0 && r->tenor_years <= MAX_TENOR_YEARS))
        return sc_error(SCORE_EINVAL, "%s.tenor_years: %.17g is outside (0, %g]", where,
                        r->tenor_years, MAX_TENOR_YEARS);
    if ((rc = check_money(r->annual_sales, 0, 1, where, "annual_sales")) != SCORE_OK ||
        (rc = check_money(r->orders_verified, 0, 0, where, "orders_verified")) != SCORE_OK ||
        (rc = check_money(r->receivables_verified, 0, 0, where, "receivables_verified")) !=
            SCORE_OK ||
        (rc = check_money(r->patent_invention, 0, 0, where, "patents.invention")) != SCORE_OK ||
        (rc = check_money(r->patent_utility, 0, 0, where, "patents.utility")) != SCORE_OK ||
        (rc = check_money(r->patent_trademark, 0, 0, where, "patents.trademark")) != SCORE_OK ||
        (rc = check_fraction(r->guarantee_share, 0, where, "guarantee.share")) != SCORE_OK ||
        (rc = check_fraction(r->guarantee_pd, 1, where, "guarantee.pd")) != SCORE_OK ||
        (rc = check_fraction(r->compensation_share, 0, where, "compensation_share")) != SCORE_OK)
        return rc;
    if (r->guarantee_share + r->compensation_share > 1.0 + 1e-12)
        return sc_error(SCORE_EINVAL,
                        "%s: guarantee.share %g + compensation_share %g is above 1: others "
                        "cannot bear more than the whole loss",
                        where, r->guarantee_share, r->compensation_share);
    if (r->guarantee_approach != SCORE_GUARANTEE_LGD_SHARING &&
        r->guarantee_approach != SCORE_GUARANTEE_SUBSTITUTION)
        return sc_error(SCORE_EINVAL,
                        "%s.guarantee: approach %d is neither SCORE_GUARANTEE_LGD_SHARING nor "
                        "SCORE_GUARANTEE_SUBSTITUTION",
                        where, r->guarantee_approach);
    if (r->guarantee_approach == SCORE_GUARANTEE_SUBSTITUTION && r->guarantee_share > 0 &&
        r->guarantee_pd < 0)
        return sc_error(SCORE_EINVAL,
                        "%s.guarantee.pd: not given; substitution needs the guarantor's PD", where);
    return SCORE_OK;
}

/* ---- reading JSON --------------------------------------------------------------- */

static const char *const request_keys[] = {
    "uscc", "pd", "lgd", "amount", "tenor_years", "annual_sales", "orders_verified",
    "receivables_verified", "patents", "guarantee", "compensation_share", NULL,
};
static const char *const patent_keys[] = {"invention", "utility", "trademark", NULL};
static const char *const guarantee_keys[] = {"share", "pd", "substitution", "lgd_sharing", NULL};
/* since 1.1, read with score_enhance_request_parse_terms() */
static const char *const request_keys_terms[] = {
    "uscc", "pd", "lgd", "amount", "tenor_years", "annual_sales", "orders_verified",
    "receivables_verified", "patents", "guarantee", "compensation_share", "approach",
    "deposits_at_lender", "pool", "other_exposure", "small_micro",
    "receivables_from_financed_orders", NULL,
};
static const char *const guarantee_keys_terms[] = {"share", "pd", "kind", "fee_rate",
                                                   "substitution", "lgd_sharing", NULL};
static const char *const pool_keys[] = {"deposit_share", "deposit_rate", NULL};

int sc_enhance_json_flag(const json_t *obj, const char *key, const char *where, int *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return SCORE_OK;
    if (!json_is_boolean(v))
        return sc_error(SCORE_EFORMAT, "%s.%s: expected true or false", where, key);
    *out = json_is_true(v);
    return SCORE_OK;
}

/* The 1.0 flags have no meaning for the two views: each view counts a
 * guarantee its own way. */
static int refuse_old_flags(const json_t *g, const char *where)
{
    static const char *const old[] = {"substitution", "lgd_sharing"};
    for (size_t i = 0; i < SC_ARRAY_LEN(old); i++)
        if (json_object_get(g, old[i]))
            return sc_error(SCORE_EFORMAT,
                            "%s.%s: replaced since 1.1: the regulatory view counts a guarantee "
                            "from an eligible guarantor (guarantee.kind) by substitution and the "
                            "economic view by loss sharing with the guarantor's own default "
                            "risk; remove the key",
                            where, old[i]);
    return SCORE_OK;
}

static int read_guarantee_terms(const json_t *g, const char *where, score_enhance_terms *t)
{
    const char *kind = NULL;
    int rc;
    if ((rc = refuse_old_flags(g, where)) != SCORE_OK ||
        (rc = sc_json_string(g, "kind", where, &kind)) != SCORE_OK ||
        (rc = sc_json_number(g, "fee_rate", where, 0, 1, &t->guarantee_fee_rate)) != SCORE_OK)
        return rc;
    if (kind) {
        if (strlen(kind) >= sizeof t->guarantor_kind)
            return sc_error(SCORE_EFORMAT, "%s.kind: longer than %zu characters", where,
                            sizeof t->guarantor_kind - 1);
        memcpy(t->guarantor_kind, kind, strlen(kind) + 1);
    }
    return SCORE_OK;
}

static int read_guarantee(const json_t *g, const char *where, score_enhance_request *r,
                          score_enhance_terms *t)
{
    int rc, substitution = -1, sharing = -1;
    if ((rc = sc_json_check_keys(g, where, t ? guarantee_keys_terms : guarantee_keys)) !=
            SCORE_OK ||
        (t && (rc = read_guarantee_terms(g, where, t)) != SCORE_OK))
        return rc;
    if (!json_object_get(g, "share"))
        return sc_error(SCORE_EFORMAT, "%s.share: required: the share of the loan guaranteed",
                        where);
    if ((rc = sc_json_number(g, "share", where, 0, 1, &r->guarantee_share)) != SCORE_OK ||
        (rc = sc_json_number(g, "pd", where, 0, 1, &r->guarantee_pd)) != SCORE_OK ||
        (rc = sc_enhance_json_flag(g, "substitution", where, &substitution)) != SCORE_OK ||
        (rc = sc_enhance_json_flag(g, "lgd_sharing", where, &sharing)) != SCORE_OK)
        return rc;
    if (substitution == 1 && sharing == 1)
        return sc_error(SCORE_EFORMAT,
                        "%s: substitution and lgd_sharing both asked for; a guarantee counts one "
                        "way, never both",
                        where);
    if (substitution == 0 && sharing == 0)
        return sc_error(SCORE_EFORMAT,
                        "%s: substitution and lgd_sharing both false; say how the guarantee "
                        "counts (or leave both out for lgd_sharing)",
                        where);
    r->guarantee_approach = substitution == 1 || sharing == 0 ? SCORE_GUARANTEE_SUBSTITUTION
                                                              : SCORE_GUARANTEE_LGD_SHARING;
    return SCORE_OK;
}

static int read_terms(const json_t *root, const char *where, score_enhance_terms *t)
{
    char sub[600];
    const char *approach = NULL;
    const json_t *pool = NULL, *small = json_object_get(root, "small_micro");
    int rc;
    if ((rc = sc_json_string(root, "approach", where, &approach)) != SCORE_OK ||
        (rc = sc_json_money(root, "deposits_at_lender", where, 0, MAX_AMOUNT_FEN,
                            &t->deposits_at_lender)) != SCORE_OK ||
        (rc = sc_json_money(root, "other_exposure", where, 0, MAX_AMOUNT_FEN,
                            &t->other_exposure)) != SCORE_OK ||
        (rc = sc_json_money(root, "receivables_from_financed_orders", where, 0, MAX_AMOUNT_FEN,
                            &t->receivables_from_financed_orders)) != SCORE_OK ||
        (rc = sc_json_object(root, "pool", where, &pool)) != SCORE_OK)
        return rc;
    if (approach && score_enhance_approach_parse(approach, &t->approach) != SCORE_OK)
        return sc_error(SCORE_EFORMAT,
                        "%s.approach: \"%.40s\" is not an approach; expected \"standardised\", "
                        "\"firb\", \"retail\" or \"auto\"",
                        where, approach);
    if (small) {
        if (!json_is_boolean(small))
            return sc_error(SCORE_EFORMAT, "%s.small_micro: expected true or false", where);
        t->small_micro = json_is_true(small);
    }
    if (pool) {
        snprintf(sub, sizeof sub, "%s.pool", where);
        if ((rc = sc_json_check_keys(pool, sub, pool_keys)) != SCORE_OK ||
            (rc = sc_json_number(pool, "deposit_share", sub, 0, 0.9, &t->pool_deposit_share)) !=
                SCORE_OK ||
            (rc = sc_json_number(pool, "deposit_rate", sub, 0, 1, &t->pool_deposit_rate)) !=
                SCORE_OK)
            return rc;
    }
    return SCORE_OK;
}

static int read_request(const json_t *root, const char *name, score_enhance_request *r,
                        score_enhance_terms *t)
{
    char where[512], sub[600];
    sc_snprintf(where, sizeof where, "%s: request", name);
    int rc;
    if ((rc = sc_json_check_keys(root, where, t ? request_keys_terms : request_keys)) !=
            SCORE_OK ||
        (t && (rc = read_terms(root, where, t)) != SCORE_OK))
        return rc;
    static const char *const required[] = {"amount", "tenor_years"};
    for (size_t i = 0; i < SC_ARRAY_LEN(required); i++)
        if (!json_object_get(root, required[i]))
            return sc_error(SCORE_EFORMAT, "%s.%s: required", where, required[i]);

    const char *uscc = NULL;
    if ((rc = sc_json_string(root, "uscc", where, &uscc)) != SCORE_OK)
        return rc;
    if (uscc) {
        if (strlen(uscc) != 18 || !score_uscc_valid(uscc))
            return sc_error(SCORE_EFORMAT,
                            "%s.uscc: \"%.40s\" is not a valid unified social credit code", where,
                            uscc);
        memcpy(r->uscc, uscc, 19);
    }
    const json_t *patents = NULL, *guarantee = NULL;
    if ((rc = sc_json_number(root, "pd", where, 0, 1, &r->pd)) != SCORE_OK ||
        (rc = sc_json_number(root, "lgd", where, 0, 1, &r->lgd)) != SCORE_OK ||
        (rc = sc_json_money(root, "amount", where, 1, MAX_AMOUNT_FEN, &r->amount)) != SCORE_OK ||
        (rc = sc_json_number(root, "tenor_years", where, 0, MAX_TENOR_YEARS, &r->tenor_years)) !=
            SCORE_OK ||
        (rc = sc_json_money(root, "annual_sales", where, 0, MAX_AMOUNT_FEN, &r->annual_sales)) !=
            SCORE_OK ||
        (rc = sc_json_money(root, "orders_verified", where, 0, MAX_AMOUNT_FEN,
                            &r->orders_verified)) != SCORE_OK ||
        (rc = sc_json_money(root, "receivables_verified", where, 0, MAX_AMOUNT_FEN,
                            &r->receivables_verified)) != SCORE_OK ||
        (rc = sc_json_number(root, "compensation_share", where, 0, 1, &r->compensation_share)) !=
            SCORE_OK ||
        (rc = sc_json_object(root, "patents", where, &patents)) != SCORE_OK ||
        (rc = sc_json_object(root, "guarantee", where, &guarantee)) != SCORE_OK)
        return rc;
    if (r->tenor_years <= 0)
        return sc_error(SCORE_EFORMAT, "%s.tenor_years: must be above 0", where);
    if (patents) {
        sc_snprintf(sub, sizeof sub, "%s.patents", where);
        if ((rc = sc_json_check_keys(patents, sub, patent_keys)) != SCORE_OK ||
            (rc = sc_json_money(patents, "invention", sub, 0, MAX_AMOUNT_FEN,
                                &r->patent_invention)) != SCORE_OK ||
            (rc = sc_json_money(patents, "utility", sub, 0, MAX_AMOUNT_FEN, &r->patent_utility)) !=
                SCORE_OK ||
            (rc = sc_json_money(patents, "trademark", sub, 0, MAX_AMOUNT_FEN,
                                &r->patent_trademark)) != SCORE_OK)
            return rc;
    }
    if (guarantee) {
        sc_snprintf(sub, sizeof sub, "%s.guarantee", where);
        if ((rc = read_guarantee(guarantee, sub, r, t)) != SCORE_OK)
            return rc;
    }
    /* relations between keys, with the checks a bank's own struct gets */
    rc = sc_enhance_request_check(r, where, 0);
    if (rc == SCORE_OK && t)
        rc = sc_enhance_terms_check(t, r, where);
    return rc == SCORE_EINVAL ? SCORE_EFORMAT : rc;
}

static int parse(const char *text, size_t length, const char *name,
                 score_enhance_request *request, score_enhance_terms *terms)
{
    if (!text || !request)
        return sc_error(SCORE_EINVAL, "score_enhance_request_parse: NULL argument");
    if (request->size < sizeof(size_t) || request->size > sizeof *request)
        return sc_error(SCORE_EINVAL,
                        "score_enhance_request_parse: request->size is %zu; set it to "
                        "sizeof(score_enhance_request)",
                        request->size);
    if (!name)
        name = "request";
    json_t *root;
    int rc = sc_json_parse(text, length, name, &root);
    if (rc != SCORE_OK)
        return rc;
    score_enhance_request r;
    score_enhance_request_init(&r);
    score_enhance_terms t;
    score_enhance_terms_init(&t);
    rc = read_request(root, name, &r, terms ? &t : NULL);
    json_decref(root);
    if (rc != SCORE_OK)
        return rc;
    size_t size = request->size;
    memcpy(request, &r, size);
    request->size = size;
    if (terms)
        *terms = t;
    return SCORE_OK;
}

int score_enhance_request_parse(const char *text, size_t length, const char *name,
                                score_enhance_request *request)
{
    return parse(text, length, name, request, NULL);
}

int score_enhance_request_parse_terms(const char *text, size_t length, const char *name,
                                      score_enhance_request *request, score_enhance_terms *terms)
{
    if (!terms)
        return sc_error(SCORE_EINVAL, "score_enhance_request_parse_terms: terms is NULL");
    if (terms->size != sizeof *terms)
        return sc_error(SCORE_EINVAL,
                        "score_enhance_request_parse_terms: terms->size is %zu; set it to "
                        "sizeof(score_enhance_terms)",
                        terms->size);
    return parse(text, length, name, request, terms);
}

void score_enhance_terms_init(score_enhance_terms *terms)
{
    if (!terms)
        return;
    memset(terms, 0, sizeof *terms);
    terms->size = sizeof *terms;
    terms->approach = SCORE_APPROACH_CONFIGURED;
    terms->small_micro = -1;
}

int sc_enhance_terms_check(const score_enhance_terms *t, const score_enhance_request *r,
                           const char *where)
{
    int rc;
    if (memchr(t->guarantor_kind, '\0', sizeof t->guarantor_kind) == NULL)
        return sc_error(SCORE_EINVAL, "%s.guarantee.kind: not NUL-terminated", where);
    if (!score_enhance_approach_name(t->approach))
        return sc_error(SCORE_EINVAL, "%s.approach: %d is not a SCORE_APPROACH_* value", where,
                        t->approach);
    if (!(t->guarantee_fee_rate >= 0 && t->guarantee_fee_rate <= 1))
        return sc_error(SCORE_EINVAL, "%s.guarantee.fee_rate: %.17g is outside 0..1", where,
                        t->guarantee_fee_rate);
    if (!(t->pool_deposit_share >= 0 && t->pool_deposit_share <= 0.9))
        return sc_error(SCORE_EINVAL, "%s.pool.deposit_share: %.17g is outside 0..0.9", where,
                        t->pool_deposit_share);
    if (!(t->pool_deposit_rate >= 0 && t->pool_deposit_rate <= 1))
        return sc_error(SCORE_EINVAL, "%s.pool.deposit_rate: %.17g is outside 0..1", where,
                        t->pool_deposit_rate);
    if (t->small_micro < -1 || t->small_micro > 1)
        return sc_error(SCORE_EINVAL, "%s.small_micro: %d is not -1, 0 or 1", where,
                        t->small_micro);
    if ((rc = check_money(t->deposits_at_lender, 0, 0, where, "deposits_at_lender")) !=
            SCORE_OK ||
        (rc = check_money(t->other_exposure, 0, 0, where, "other_exposure")) != SCORE_OK ||
        (rc = check_money(t->receivables_from_financed_orders, 0, 0, where,
                          "receivables_from_financed_orders")) != SCORE_OK)
        return rc;
    if (t->receivables_from_financed_orders > r->receivables_verified)
        return sc_error(SCORE_EINVAL,
                        "%s.receivables_from_financed_orders: above receivables_verified; only "
                        "verified receivables can arise from financed orders",
                        where);
    return SCORE_OK;
}

static const char *const approach_names[] = {"configured", "standardised", "firb", "retail",
                                             "auto"};

const char *score_enhance_approach_name(int approach)
{
    if (approach < 0 || approach >= (int)SC_ARRAY_LEN(approach_names))
        return NULL;
    return approach_names[approach];
}

int score_enhance_approach_parse(const char *name, int *approach)
{
    if (!name || !approach)
        return sc_error(SCORE_EINVAL, "score_enhance_approach_parse: NULL argument");
    for (size_t i = 1; i < SC_ARRAY_LEN(approach_names); i++)
        if (!strcmp(name, approach_names[i])) {
            *approach = (int)i;
            return SCORE_OK;
        }
    return sc_error(SCORE_EINVAL,
                    "approach \"%.40s\" does not exist; expected standardised, firb, retail or "
                    "auto",
                    name);
}
