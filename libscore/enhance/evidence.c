/* An enhancement configuration with an evidence log attached: each priced
 * request leaves an enhance record holding the request's canonical JSON. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "../evidence/evidence.h"
#include "enhance.h"

int score_enhance_config_attach_evidence(score_enhance_config *config, score_evidence_log *log,
                                         const char *actor)
{
    if (!config)
        return sc_error(SCORE_EINVAL, "score_enhance_config_attach_evidence: config is NULL");
    if (!log) {
        sc_free(config->evidence);
        config->evidence = NULL;
        return SCORE_OK;
    }
    sc_evid_link *l;
    int rc = sc_evid_link_new(log, actor, &l);
    if (rc != SCORE_OK)
        return rc;
    size_t len = 0;
    char *text = NULL;
    rc = score_enhance_config_json(config, NULL, 0, &len);
    if (rc == SCORE_OK && !(text = sc_malloc(len + 1)))
        rc = sc_error(SCORE_ENOMEM, "score_enhance_config_attach_evidence: out of memory");
    if (rc == SCORE_OK)
        rc = score_enhance_config_json(config, text, len + 1, &len);
    if (rc == SCORE_OK) {
        score_evidence_sha256(text, len, l->config);
        rc = sc_evid_append_loaded(l, SCORE_EVIDENCE_CONFIG_LOADED, text);
    }
    sc_free(text);
    if (rc != SCORE_OK) {
        sc_free(l);
        return rc;
    }
    sc_free(config->evidence);
    config->evidence = l;
    return SCORE_OK;
}

/* Every member, in the order of the struct, money in fen: one text for one
 * request whatever JSON it came from (docs/evidence.md). */
static char *canonical(const score_enhance_request *r)
{
    json_t *o = json_object(), *g = json_object(), *p = json_object();
    json_object_set_new(o, "uscc", json_string(r->uscc));
    json_object_set_new(o, "pd", json_real(r->pd));
    json_object_set_new(o, "lgd", json_real(r->lgd));
    json_object_set_new(o, "amount_fen", json_integer(r->amount));
    json_object_set_new(o, "tenor_years", json_real(r->tenor_years));
    json_object_set_new(o, "annual_sales_fen", json_integer(r->annual_sales));
    json_object_set_new(o, "orders_verified_fen", json_integer(r->orders_verified));
    json_object_set_new(o, "receivables_verified_fen", json_integer(r->receivables_verified));
    json_object_set_new(p, "invention_fen", json_integer(r->patent_invention));
    json_object_set_new(p, "utility_fen", json_integer(r->patent_utility));
    json_object_set_new(p, "trademark_fen", json_integer(r->patent_trademark));
    json_object_set_new(o, "patents", p);
    json_object_set_new(g, "share", json_real(r->guarantee_share));
    json_object_set_new(g, "pd", json_real(r->guarantee_pd));
    json_object_set_new(g, "substitution",
                        json_boolean(r->guarantee_approach == SCORE_GUARANTEE_SUBSTITUTION));
    json_object_set_new(o, "guarantee", g);
    json_object_set_new(o, "compensation_share", json_real(r->compensation_share));
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(o);
    return text;
}

int sc_enhance_evidence(const score_enhance_config *config, const score_enhance_request *request,
                        const score_enhance_result *with, const score_enhance_result *without)
{
    if (!config->evidence)
        return SCORE_OK;
    char *text = canonical(request);
    if (!text)
        return sc_error(SCORE_ENOMEM, "score_enhance_compute: out of memory");
    const int64_t figures[5] = {with->limit, with->capital, with->expected_loss, without->limit,
                                0};
    const double rates[2] = {with->rate, without->rate};
    int rc = sc_evid_append_enhance(config->evidence, text, strlen(text), figures, rates);
    free(text);
    if (rc != SCORE_OK && rc != SCORE_ENOMEM)
        rc = sc_error_prefix(rc, "score_enhance_compute: the evidence log");
    return rc;
}
