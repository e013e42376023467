/* Events as they come in, before the ledger's rules see them: the names
 * of the types, the event ids, and a public score_pool_event copied in
 * with its shape checked (a valid USCC, an amount not below 0, fields only
 * where the type has them). The rules of each event against the state are
 * the ledger's (ledger.c). */
#include <string.h>

#include "pool.h"

static const char *const type_names[] = {NULL,      "inject", "join",    "deposit", "lend",
                                         "repay",   "default", "recover", "leave"};

const char *sc_pool_type_name(int type)
{
    return type >= SC_POOL_TYPE_MIN && type <= SC_POOL_TYPE_MAX ? type_names[type] : NULL;
}

int sc_pool_type_lookup(const char *text, size_t len)
{
    for (int t = SC_POOL_TYPE_MIN; t <= SC_POOL_TYPE_MAX; t++)
        if (strlen(type_names[t]) == len && !memcmp(type_names[t], text, len))
            return t;
    return 0;
}

int sc_pool_id_valid(const char *id, size_t len)
{
    if (len == 0 || len > SC_POOL_ID_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (id[i] < 0x21 || id[i] > 0x7e)
            return 0;
    return 1;
}

int sc_pool_event_in(const score_pool_event *event, sc_pool_event *out)
{
    if (!event)
        return sc_error(SCORE_EINVAL, "event is NULL");
    if (event->size < sizeof(size_t) || event->size > sizeof *event)
        return sc_error(SCORE_EINVAL, "event->size is %zu; set it to sizeof(score_pool_event) "
                        "(%zu)", event->size, sizeof *event);
    score_pool_event e = {0};
    memcpy(&e, event, event->size);
    memset(out, 0, sizeof *out);
    if (!sc_pool_type_name(e.type))
        return sc_error(SCORE_EINVAL, "unknown event type %d", e.type);
    out->type = e.type;
    if (e.uscc && *e.uscc) {
        size_t len = strnlen(e.uscc, 19);
        if (len != 18 || !score_uscc_valid(e.uscc)) {
            sc_str q;
            sc_str_init(&q);
            sc_str_quote(&q, e.uscc, strnlen(e.uscc, 64), 40);
            int rc = sc_error(SCORE_EREJECTED, "uscc \"%s\" is not a valid USCC",
                              q.data ? q.data : "");
            sc_str_free(&q);
            return rc;
        }
        memcpy(out->uscc, e.uscc, 19);
    }
    if (e.amount < 0)
        return sc_error(SCORE_EREJECTED, "amount must not be negative");
    out->amount = e.amount;
    if (e.type == SCORE_POOL_JOIN) {
        out->pd = e.pd;
        out->dishonest = e.dishonest != 0;
    }
    if (e.event_id && *e.event_id) {
        size_t len = strnlen(e.event_id, SC_POOL_ID_MAX + 1);
        if (!sc_pool_id_valid(e.event_id, len))
            return sc_error(SCORE_EREJECTED, "event_id must be 1..%d printable ASCII characters "
                            "without spaces", SC_POOL_ID_MAX);
        memcpy(out->id, e.event_id, len + 1);
    }
    return SCORE_OK;
}

