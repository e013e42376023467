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

static int read_guarantee(const json_t *g, const char *where, score_enhance_request *r)
{
    int rc, substitution = -1, sharing = -1;
    if ((rc = sc_json_check_keys(g, where, guarantee_keys)) != SCORE_OK)
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

static int read_request(const json_t *root, const char *name, score_enhance_request *r)
{
    char where[512], sub[600];
    sc_snprintf(where, sizeof where, "%s: request", name);
    int rc;
    if ((rc = sc_json_check_keys(root, where, request_keys)) != SCORE_OK)
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
        if ((rc = read_guarantee(guarantee, sub, r)) != SCORE_OK)
            return rc;
    }
    /* relations between keys, with the checks a bank's own struct gets */
    rc = sc_enhance_request_check(r, where, 0);
    return rc == SCORE_EINVAL ? SCORE_EFORMAT : rc;
}

int score_enhance_request_parse(const char *text, size_t length, const char *name,
                                score_enhance_request *request)
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
    rc = read_request(root, name, &r);
    json_decref(root);
    if (rc != SCORE_OK)
        return rc;
    size_t size = request->size;
    memcpy(request, &r, size);
    request->size = size;
    return SCORE_OK;
}
