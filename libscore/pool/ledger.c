/* The ledger of a pool: members, loans, deposits, the fund, defaults and
 * recoveries, and the rules every event must pass. No I/O: the journal
 * (journal.c) and the handle (pool.c) stand on this.
 *
 * Every amount is int64 fen and every rule is integer arithmetic (rates in
 * parts per billion, products in 128 bits), so a journal replays to the
 * same fen on every machine. */
#define _XOPEN_SOURCE 700 /* tsearch */
#include <math.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/money.h"
#include "pool.h"

__extension__ typedef __int128 i128;

/* Every balance, total and flow of a ledger stays at or below this
 * (10^16 yuan): far above any pool, with room in int64 for their sums. */
#define TOTAL_MAX INT64_C(1000000000000000000)
#define MEMBERS_MAX ((size_t)INT32_MAX)

enum { T_BANK, T_FUND, T_GUARANTOR, T_REGUARANTOR };

typedef struct member {
    char uscc[19];
    uint8_t active, defaulted;
    double pd;
    int64_t deposit, loans, borne;
    uint32_t loss_plus1;  /* 1 + index of its default in losses[]; 0 none */
} member;

/* One default and what of it is still unrecovered, by who bore it. */
typedef struct loss {
    uint32_t member;
    int64_t amount, unrecovered;
    int64_t own;
    int64_t party[SC_TIER3];
    sc_share *shares;  /* the other members' deposits */
    size_t n_shares;
} loss;

typedef struct member_key {
    uint32_t index;
    char uscc[19];
} member_key;

/* An applied event with an id: enough to tell a repeat from a reuse. */
typedef struct id_key {
    uint64_t sequence;
    int64_t amount;
    double pd;
    int type, dishonest;
    char uscc[19];
    char id[SC_POOL_ID_MAX + 1];
} id_key;

struct sc_ledger {
    score_pool_config config;
    sc_pool_rules rules;
    member *members;
    size_t n_members, cap_members;
    loss *losses;
    size_t n_losses, cap_losses;
    void *member_tree, *id_tree;
    uint64_t events, active;
    int64_t deposits, fund, loans, unrecovered;
    int64_t loss[SCORE_POOL_N_PARTIES];
    int64_t injected, deposited, lent, repaid, refunded, compensation, recoveries_paid;
};

/* ---- events ------------------------------------------------------------------ */

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

/* ---- the ledger -------------------------------------------------------------- */

static int member_cmp(const void *a, const void *b)
{
    return strcmp(((const member_key *)a)->uscc, ((const member_key *)b)->uscc);
}

static int id_cmp(const void *a, const void *b)
{
    return strcmp(((const id_key *)a)->id, ((const id_key *)b)->id);
}

static void tree_free(void **root, int (*cmp)(const void *, const void *))
{
    while (*root) {
        void *key = *(void **)*root; /* a tree node starts with its key */
        tdelete(key, root, cmp);
        sc_free(key);
    }
}

int sc_ledger_new(const score_pool_config *config, sc_ledger **out)
{
    sc_ledger *l = sc_calloc(1, sizeof *l);
    if (!l)
        return sc_error(SCORE_ENOMEM, "out of memory creating a pool ledger");
    l->config = *config;
    sc_pool_rules_from(config, &l->rules);
    *out = l;
    return SCORE_OK;
}

void sc_ledger_free(sc_ledger *l)
{
    if (!l)
        return;
    tree_free(&l->member_tree, member_cmp);
    tree_free(&l->id_tree, id_cmp);
    for (size_t i = 0; i < l->n_losses; i++)
        sc_free(l->losses[i].shares);
    sc_free(l->losses);
    sc_free(l->members);
    sc_free(l);
}

const score_pool_config *sc_ledger_config(const sc_ledger *l)
{
    return &l->config;
}

uint64_t sc_ledger_events(const sc_ledger *l)
{
    return l->events;
}

size_t sc_ledger_n_members(const sc_ledger *l)
{
    return l->n_members;
}

static size_t find(const sc_ledger *l, const char *uscc)
{
    member_key probe;
    size_t n = strnlen(uscc, sizeof probe.uscc - 1);
    memcpy(probe.uscc, uscc, n);
    probe.uscc[n] = '\0';
    void **node = tfind(&probe, (void *const *)&l->member_tree, member_cmp);
    return node ? (*(member_key **)node)->index : SIZE_MAX;
}

int sc_ledger_member_find(const sc_ledger *l, const char *uscc, size_t *index)
{
    if (strnlen(uscc, 19) != 18)
        return SCORE_ENOTFOUND;
    size_t i = find(l, uscc);
    if (i == SIZE_MAX)
        return SCORE_ENOTFOUND;
    *index = i;
    return SCORE_OK;
}

/* ---- integer rules ----------------------------------------------------------- */

static int64_t mul_ppb(int64_t amount, int64_t ppb)
{
    return (int64_t)((i128)amount * ppb / SC_PPB);
}

static int64_t capacity(const sc_ledger *l)
{
    i128 cap = (i128)(l->deposits + l->fund) * l->rules.leverage_ppb / SC_PPB;
    return cap > TOTAL_MAX ? TOTAL_MAX : (int64_t)cap;
}

static int status_of(const sc_ledger *l)
{
    if (l->unrecovered == 0)
        return SCORE_POOL_OPEN;
    i128 npl = (i128)l->unrecovered * SC_PPB, base = (i128)l->loans + l->unrecovered;
    if (npl >= base * l->rules.suspend_ppb)
        return SCORE_POOL_SUSPENDED;
    if (npl >= base * l->rules.warning_ppb)
        return SCORE_POOL_WARNING;
    return SCORE_POOL_OPEN;
}

static double npl_ratio(const sc_ledger *l)
{
    int64_t base = l->loans + l->unrecovered;
    return base ? (double)l->unrecovered / (double)base : 0.0;
}

/* Split `total` (0 <= total <= the sum of the weights) in proportion to the
 * weights, exactly: each part is the floor of its exact share, and the fen
 * left go one each to the largest remainders, ties to the lower key (a
 * USCC, or with keys NULL the lower index). No part exceeds its weight. */
typedef struct rank {
    int64_t remainder;
    const char *key;
    size_t index;
} rank;

static int by_remainder(const void *a, const void *b)
{
    const rank *x = a, *y = b;
    if (x->remainder != y->remainder)
        return x->remainder > y->remainder ? -1 : 1;
    if (x->key && y->key) {
        int c = strcmp(x->key, y->key);
        if (c)
            return c;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

static int split(int64_t total, const int64_t *weights, const char *const *keys, size_t n,
                 int64_t *parts)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += weights[i];
    memset(parts, 0, n * sizeof *parts);
    if (total == 0 || sum == 0)
        return SCORE_OK;
    rank small[SC_TIER3], *ranks = n <= SC_TIER3 ? small : sc_malloc_array(n, sizeof *ranks);
    if (!ranks)
        return sc_error(SCORE_ENOMEM, "out of memory splitting a loss");
    int64_t given = 0;
    for (size_t i = 0; i < n; i++) {
        i128 exact = (i128)total * weights[i];
        parts[i] = (int64_t)(exact / sum);
        given += parts[i];
        ranks[i] = (rank){(int64_t)(exact % sum), keys ? keys[i] : NULL, i};
    }
    qsort(ranks, n, sizeof *ranks, by_remainder);
    for (size_t k = 0; given < total; k++, given++)
        parts[ranks[k].index]++;
    if (ranks != small)
        sc_free(ranks);
    return SCORE_OK;
}

/* ---- checking events --------------------------------------------------------- */

static const char *yuan(int64_t fen, char out[32])
{
    sc_money_format(fen, out);
    return out;
}

static int refuse(const sc_pool_event *ev, const char *fmt, ...) SC_PRINTF(2, 3);

static int refuse(const sc_pool_event *ev, const char *fmt, ...)
{
    char reason[768];
    va_list ap;
    va_start(ap, fmt);
    sc_vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return sc_error(SCORE_EREJECTED, "%s%s%s: %s", sc_pool_type_name(ev->type),
                    ev->uscc[0] ? " " : "", ev->uscc, reason);
}

static int over_limit(int64_t now, int64_t add, const char *what)
{
    if (add > TOTAL_MAX - now)
        return sc_error(SCORE_ELIMIT, "the pool's %s would exceed 10^16 yuan, the most a "
                        "ledger holds", what);
    return SCORE_OK;
}

/* The member an event names, which must be a current member. */
static int current_member(const sc_ledger *l, const sc_pool_event *ev, size_t *index)
{
    if (!ev->uscc[0])
        return refuse(ev, "uscc is empty; a %s names a member", sc_pool_type_name(ev->type));
    size_t i = find(l, ev->uscc);
    if (i == SIZE_MAX)
        return refuse(ev, "not a member of this pool");
    if (!l->members[i].active)
        return refuse(ev, "left the pool");
    *index = i;
    return SCORE_OK;
}

static int positive(const sc_pool_event *ev)
{
    return ev->amount > 0 ? SCORE_OK : refuse(ev, "amount must be above 0");
}

/* A current member and an amount above 0. */
static int member_amount(const sc_ledger *l, const sc_pool_event *ev, size_t *index)
{
    int rc = current_member(l, ev, index);
    return rc == SCORE_OK ? positive(ev) : rc;
}

static int prep_inject(sc_ledger *l, const sc_pool_event *ev, sc_change *ch)
{
    (void)ch;
    int rc = positive(ev);
    if (rc == SCORE_OK)
        rc = over_limit(l->injected, ev->amount, "fund injections");
    return rc;
}

static int prep_join(sc_ledger *l, const sc_pool_event *ev, sc_change *ch)
{
    if (!ev->uscc[0])
        return refuse(ev, "uscc is empty; a join names the member");
    size_t i = find(l, ev->uscc);
    if (i != SIZE_MAX && l->members[i].active)
        return refuse(ev, "already a member");
    if (i != SIZE_MAX && l->members[i].defaulted)
        return refuse(ev, "defaulted in this pool before; it cannot rejoin");
    if (!(ev->pd >= 0 && ev->pd <= 1))
        return refuse(ev, "pd %g is outside 0..1", ev->pd);
    if (ev->pd > l->rules.max_pd)
        return refuse(ev, "PD %.6g is above the pool's admission maximum %.6g", ev->pd,
                      l->rules.max_pd);
    if (ev->dishonest)
        return refuse(ev, "has a standing dishonest-debtor listing; not admitted");
    if (i == SIZE_MAX && l->n_members >= MEMBERS_MAX)
        return sc_error(SCORE_ELIMIT, "a pool holds at most %zu members", MEMBERS_MAX);
    ch->new_member = i == SIZE_MAX;
    ch->member = (uint32_t)(i == SIZE_MAX ? l->n_members : i);
    return over_limit(l->deposited, ev->amount, "deposits paid in");
}

static int prep_deposit(sc_ledger *l, const sc_pool_event *ev, sc_change *ch)
{
    size_t i = 0;
    int rc = member_amount(l, ev, &i);
    if (rc != SCORE_OK)
        return rc;
    ch->member = (uint32_t)i;
    return over_limit(l->deposited, ev->amount, "deposits paid in");
}

static int prep_lend(sc_ledger *l, const sc_pool_event *ev, sc_change *ch)
{
    size_t i = 0;
    int rc = member_amount(l, ev, &i);
    if (rc != SCORE_OK)
        return rc;
    const member *m = &l->members[i];
    char a[32], b[32], c[32], d[32];
    if (m->defaulted)
        return refuse(ev, "defaulted; it cannot borrow again");
    if (status_of(l) == SCORE_POOL_SUSPENDED)
        return refuse(ev, "new loans are suspended: the NPL ratio %.2f%% is at or above %.2f%%",
                      100 * npl_ratio(l), 100 * l->config.npl_suspend);
    int64_t cap = capacity(l);
    if (ev->amount > cap - l->loans)
        return refuse(ev, "loans outstanding %s + %s yuan would exceed the pool's lending "
                      "capacity %s yuan (%g x the deposits and fund of %s yuan)", yuan(l->loans, a),
                      yuan(ev->amount, b), yuan(cap, c), l->config.leverage,
                      yuan(l->deposits + l->fund, d));
    int64_t member_cap = mul_ppb(cap, l->rules.member_cap_ppb);
    if (ev->amount > member_cap - m->loans)
        return refuse(ev, "its loans %s + %s yuan would exceed the single-member cap %s yuan "
                      "(%g of the capacity)", yuan(m->loans, a), yuan(ev->amount, b),
                      yuan(member_cap, c), l->config.single_member_cap);
    i128 covered = (i128)m->deposit * SC_PPB,
         needed = (i128)l->rules.deposit_ppb * (m->loans + ev->amount);
    if (covered < needed)
        return refuse(ev, "its deposit %s yuan is below %g of its loans after this one, %s "
                      "yuan (%s needed)", yuan(m->deposit, a), l->config.deposit_rate,
                      yuan(m->loans + ev->amount, b),
                      yuan((int64_t)((needed + SC_PPB - 1) / SC_PPB), c));
    ch->member = (uint32_t)i;
    return over_limit(l->lent, ev->amount, "loans made");
}

static int prep_repay(sc_ledger *l, const sc_pool_event *ev, sc_change *ch)
{
    size_t i = 0;
    int rc = member_amount(l, ev, &i);
    if (rc != SCORE_OK)
        return rc;
    char a[32], b[32];
    if (ev->amount > l->members[i].loans)
        return refuse(ev, "repayment %s yuan is above the loans outstanding %s yuan",
                      yuan(ev->amount, a), yuan(l->members[i].loans, b));
    ch->member = (uint32_t)i;
    return SCORE_OK;
}

/* The loss beyond the deposits, split among the parties in the agreed
 * shares; the fund pays at most its balance and the bank takes the rest. */
static void split_parties(const sc_ledger *l, int64_t rest, int64_t party[SC_TIER3])
{
    split(rest, l->rules.share_ppb, NULL, SC_TIER3, party); /* cannot fail for 4 */
    if (party[T_FUND] > l->fund) {
        party[T_BANK] += party[T_FUND] - l->fund;
        party[T_FUND] = l->fund;
    }
}

static int split_others(const sc_ledger *l, size_t defaulter, int64_t total, sc_change *ch)
{
    size_t n = 0;
    for (size_t j = 0; j < l->n_members; j++)
        n += j != defaulter && l->members[j].deposit > 0;
    int64_t *weights = sc_malloc_array(n, 2 * sizeof *weights);
    const char **keys = sc_malloc_array(n, sizeof *keys);
    uint32_t *who = sc_malloc_array(n, sizeof *who);
    int rc = weights && keys && who ? SCORE_OK
                                    : sc_error(SCORE_ENOMEM, "out of memory splitting a loss");
    for (size_t j = 0, k = 0; rc == SCORE_OK && j < l->n_members; j++) {
        if (j == defaulter || l->members[j].deposit <= 0)
            continue;
        weights[k] = l->members[j].deposit;
        keys[k] = l->members[j].uscc;
        who[k++] = (uint32_t)j;
    }
    int64_t *parts = weights ? weights + n : NULL;
    if (rc == SCORE_OK)
        rc = split(total, weights, keys, n, parts);
    size_t kept = 0;
    for (size_t k = 0; rc == SCORE_OK && k < n; k++)
        kept += parts[k] > 0;
    if (rc == SCORE_OK && !(ch->shares = sc_malloc_array(kept, sizeof *ch->shares)))
        rc = sc_error(SCORE_ENOMEM, "out of memory splitting a loss");
    for (size_t k = 0; rc == SCORE_OK && k < n; k++)
        if (parts[k] > 0)
            ch->shares[ch->n_shares++] = (sc_share){who[k], parts[k]};
    sc_free(weights);
    sc_free(keys);
    sc_free(who);
    return rc;
}

static int prep_default(sc_ledger *l, const sc_pool_event *ev, sc_change *ch)
{
    size_t i = 0;
    int rc = current_member(l, ev, &i);
    if (rc != SCORE_OK)
        return rc;
    const member *m = &l->members[i];
    char a[32], b[32];
    if (m->loans == 0)
        return refuse(ev, "has no loans outstanding");
    if (ev->amount != m->loans)
        return refuse(ev, "default amount %s yuan is not the amount outstanding %s yuan",
                      yuan(ev->amount, a), yuan(m->loans, b));
    int64_t loss_amount = m->loans;
    ch->member = (uint32_t)i;
    ch->own = m->deposit < loss_amount ? m->deposit : loss_amount;
    int64_t rest = loss_amount - ch->own, pooled = l->deposits - m->deposit;
    ch->others = rest < pooled ? rest : pooled;
    if (ch->others > 0 && (rc = split_others(l, i, ch->others, ch)) != SCORE_OK)
        return rc;
    split_parties(l, rest - ch->others, ch->party);
    return over_limit(l->compensation, ch->own + ch->others + ch->party[T_FUND],
                      "compensation paid");
}

static int prep_recover(sc_ledger *l, const sc_pool_event *ev, sc_change *ch)
{
    if (!ev->uscc[0])
        return refuse(ev, "uscc is empty; a recover names the defaulted member");
    size_t i = find(l, ev->uscc);
    if (i == SIZE_MAX)
        return refuse(ev, "not a member of this pool");
    if (!l->members[i].loss_plus1)
        return refuse(ev, "has no default to recover");
    int rc = positive(ev);
    if (rc != SCORE_OK)
        return rc;
    const loss *d = &l->losses[l->members[i].loss_plus1 - 1];
    char a[32], b[32];
    if (ev->amount > d->unrecovered)
        return refuse(ev, "recovery %s yuan is above the unrecovered loss %s yuan",
                      yuan(ev->amount, a), yuan(d->unrecovered, b));
    ch->member = (uint32_t)i;
    /* in reverse order of the waterfall: the parties, the other members'
     * deposits, the defaulter's own deposit; within a tier pro rata to what
     * each still bears */
    int64_t left = ev->amount, tier3 = 0;
    for (int k = 0; k < SC_TIER3; k++)
        tier3 += d->party[k];
    int64_t back3 = left < tier3 ? left : tier3;
    split(back3, d->party, NULL, SC_TIER3, ch->party);
    left -= back3;
    int64_t tier2 = 0;
    for (size_t k = 0; k < d->n_shares; k++)
        tier2 += d->shares[k].amount;
    ch->others = left < tier2 ? left : tier2;
    left -= ch->others;
    ch->own = left;
    if (ch->others > 0) {
        int64_t *weights = sc_malloc_array(d->n_shares, 2 * sizeof *weights);
        const char **keys = sc_malloc_array(d->n_shares, sizeof *keys);
        ch->shares = sc_malloc_array(d->n_shares, sizeof *ch->shares);
        rc = weights && keys && ch->shares ? SCORE_OK
                                           : sc_error(SCORE_ENOMEM, "out of memory splitting a "
                                                      "recovery");
        for (size_t k = 0; rc == SCORE_OK && k < d->n_shares; k++) {
            weights[k] = d->shares[k].amount;
            keys[k] = l->members[d->shares[k].member].uscc;
        }
        if (rc == SCORE_OK)
            rc = split(ch->others, weights, keys, d->n_shares, weights + d->n_shares);
        for (size_t k = 0; rc == SCORE_OK && k < d->n_shares; k++)
            ch->shares[k] = (sc_share){d->shares[k].member, weights[d->n_shares + k]};
        ch->n_shares = d->n_shares;
        sc_free(weights);
        sc_free(keys);
        if (rc != SCORE_OK)
            return rc;
    }
    return over_limit(l->recoveries_paid, ev->amount, "recoveries paid");
}

static int prep_leave(sc_ledger *l, const sc_pool_event *ev, sc_change *ch)
{
    size_t i = 0;
    int rc = current_member(l, ev, &i);
    if (rc != SCORE_OK)
        return rc;
    const member *m = &l->members[i];
    char a[32], b[32];
    if (m->loans > 0)
        return refuse(ev, "has loans outstanding of %s yuan; they must be repaid (or have "
                      "defaulted) before it leaves", yuan(m->loans, a));
    if (ev->amount != 0 && ev->amount != m->deposit)
        return refuse(ev, "amount %s yuan is not its deposit %s yuan (give 0 or the deposit)",
                      yuan(ev->amount, a), yuan(m->deposit, b));
    ch->member = (uint32_t)i;
    ch->refund = m->deposit;
    return over_limit(l->refunded, ch->refund, "deposits refunded");
}

static int same_event(const id_key *k, const sc_pool_event *ev)
{
    return k->type == ev->type && k->amount == ev->amount && !strcmp(k->uscc, ev->uscc) &&
           k->dishonest == ev->dishonest && (k->pd == ev->pd || (isnan(k->pd) && isnan(ev->pd)));
}

static void drop_key(void **tree, void **key, int (*cmp)(const void *, const void *))
{
    if (*key) {
        tdelete(*key, tree, cmp);
        sc_free(*key);
        *key = NULL;
    }
}

/* Make room for what commit will add, so that commit cannot fail. */
static int reserve(sc_ledger *l, sc_change *ch)
{
    const sc_pool_event *ev = &ch->event;
    if (ch->new_member) {
        member_key *k = sc_malloc(sizeof *k);
        if (!k || sc_grow((void **)&l->members, &l->cap_members, l->n_members + 1,
                          sizeof *l->members) != SCORE_OK) {
            sc_free(k);
            return sc_error(SCORE_ENOMEM, "out of memory adding a member");
        }
        k->index = ch->member;
        memcpy(k->uscc, ev->uscc, sizeof k->uscc);
        if (!tsearch(k, &l->member_tree, member_cmp)) {
            sc_free(k);
            return sc_error(SCORE_ENOMEM, "out of memory adding a member");
        }
        ch->member_key = k;
    }
    if (ev->type == SCORE_POOL_DEFAULT &&
        sc_grow((void **)&l->losses, &l->cap_losses, l->n_losses + 1, sizeof *l->losses))
        return sc_error(SCORE_ENOMEM, "out of memory recording a default");
    if (ev->id[0]) {
        id_key *k = sc_malloc(sizeof *k);
        if (!k)
            return sc_error(SCORE_ENOMEM, "out of memory recording an event id");
        *k = (id_key){ch->sequence, ev->amount, ev->pd, ev->type, ev->dishonest, "", ""};
        memcpy(k->uscc, ev->uscc, sizeof k->uscc);
        memcpy(k->id, ev->id, sizeof k->id);
        if (!tsearch(k, &l->id_tree, id_cmp)) {
            sc_free(k);
            return sc_error(SCORE_ENOMEM, "out of memory recording an event id");
        }
        ch->id_key = k;
    }
    return SCORE_OK;
}

void sc_ledger_abandon(sc_ledger *l, sc_change *ch)
{
    drop_key(&l->member_tree, &ch->member_key, member_cmp);
    drop_key(&l->id_tree, &ch->id_key, id_cmp);
    sc_free(ch->shares);
    ch->shares = NULL;
    ch->n_shares = 0;
}

int sc_ledger_prepare(sc_ledger *l, const sc_pool_event *ev, sc_change *ch)
{
    memset(ch, 0, sizeof *ch);
    ch->event = *ev;
    if (ev->id[0]) {
        id_key probe;
        memcpy(probe.id, ev->id, sizeof probe.id);
        void **node = tfind(&probe, &l->id_tree, id_cmp);
        if (node) {
            const id_key *k = *(id_key **)node;
            char a[32];
            if (!same_event(k, ev))
                return refuse(ev, "event_id \"%s\" was already used by event %llu (%s %s %s "
                              "yuan), a different event", ev->id,
                              (unsigned long long)k->sequence, sc_pool_type_name(k->type),
                              k->uscc[0] ? k->uscc : "-", yuan(k->amount, a));
            ch->duplicate = 1;
            ch->sequence = k->sequence;
            return SCORE_OK;
        }
    }
    ch->sequence = l->events + 1;
    static int (*const prep[])(sc_ledger *, const sc_pool_event *, sc_change *) = {
        NULL, prep_inject, prep_join, prep_deposit, prep_lend,
        prep_repay, prep_default, prep_recover, prep_leave};
    if (!sc_pool_type_name(ev->type))
        return sc_error(SCORE_EINVAL, "unknown event type %d", ev->type);
    int rc = prep[ev->type](l, ev, ch);
    if (rc == SCORE_OK)
        rc = reserve(l, ch);
    if (rc != SCORE_OK) {
        int keep = rc;
        sc_ledger_abandon(l, ch);
        return keep;
    }
    return SCORE_OK;
}

/* ---- applying events --------------------------------------------------------- */

/* Money coming back to a member's deposit: to the deposit while it is a
 * member, paid out to it once it has left. */
static void back_to_member(sc_ledger *l, size_t index, int64_t amount)
{
    member *m = &l->members[index];
    m->borne -= amount;
    l->loss[SCORE_POOL_PARTY_MEMBERS] -= amount;
    if (m->active) {
        m->deposit += amount;
        l->deposits += amount;
    } else {
        l->recoveries_paid += amount;
    }
}

static void commit_default(sc_ledger *l, sc_change *ch)
{
    member *m = &l->members[ch->member];
    int64_t amount = m->loans;
    loss *d = &l->losses[l->n_losses];
    *d = (loss){ch->member, amount, amount, ch->own, {0}, ch->shares, ch->n_shares};
    memcpy(d->party, ch->party, sizeof d->party);
    m->loss_plus1 = (uint32_t)++l->n_losses;
    ch->shares = NULL; /* now the default's */
    m->loans = 0;
    m->defaulted = 1;
    m->deposit -= ch->own;
    m->borne += ch->own;
    for (size_t k = 0; k < d->n_shares; k++) {
        member *o = &l->members[d->shares[k].member];
        o->deposit -= d->shares[k].amount;
        o->borne += d->shares[k].amount;
    }
    l->loans -= amount;
    l->unrecovered += amount;
    l->deposits -= ch->own + ch->others;
    l->fund -= ch->party[T_FUND];
    l->compensation += ch->own + ch->others + ch->party[T_FUND];
    l->loss[SCORE_POOL_PARTY_MEMBERS] += ch->own + ch->others;
    for (int k = 0; k < SC_TIER3; k++)
        l->loss[k + 1] += ch->party[k];
}

static void commit_recover(sc_ledger *l, sc_change *ch)
{
    member *m = &l->members[ch->member];
    loss *d = &l->losses[m->loss_plus1 - 1];
    d->unrecovered -= ch->event.amount;
    l->unrecovered -= ch->event.amount;
    for (int k = 0; k < SC_TIER3; k++) {
        d->party[k] -= ch->party[k];
        l->loss[k + 1] -= ch->party[k];
        if (k == T_FUND)
            l->fund += ch->party[k];
        else
            l->recoveries_paid += ch->party[k];
    }
    for (size_t k = 0; k < ch->n_shares; k++) {
        d->shares[k].amount -= ch->shares[k].amount;
        back_to_member(l, ch->shares[k].member, ch->shares[k].amount);
    }
    d->own -= ch->own;
    back_to_member(l, ch->member, ch->own);
}

void sc_ledger_commit(sc_ledger *l, sc_change *ch)
{
    if (ch->duplicate)
        return;
    const sc_pool_event *ev = &ch->event;
    member *m = ev->type == SCORE_POOL_INJECT ? NULL : &l->members[ch->member];
    switch (ev->type) {
    case SCORE_POOL_INJECT:
        l->fund += ev->amount;
        l->injected += ev->amount;
        break;
    case SCORE_POOL_JOIN:
        if (ch->new_member) {
            memset(m, 0, sizeof *m);
            memcpy(m->uscc, ev->uscc, sizeof m->uscc);
            l->n_members++;
        }
        m->active = 1;
        m->pd = ev->pd;
        l->active++;
        m->deposit += ev->amount; /* the first deposit */
        l->deposits += ev->amount;
        l->deposited += ev->amount;
        break;
    case SCORE_POOL_DEPOSIT:
        m->deposit += ev->amount;
        l->deposits += ev->amount;
        l->deposited += ev->amount;
        break;
    case SCORE_POOL_LEND:
        m->loans += ev->amount;
        l->loans += ev->amount;
        l->lent += ev->amount;
        break;
    case SCORE_POOL_REPAY:
        m->loans -= ev->amount;
        l->loans -= ev->amount;
        l->repaid += ev->amount;
        break;
    case SCORE_POOL_DEFAULT:
        commit_default(l, ch);
        break;
    case SCORE_POOL_RECOVER:
        commit_recover(l, ch);
        break;
    case SCORE_POOL_LEAVE:
        l->deposits -= ch->refund;
        l->refunded += ch->refund;
        m->deposit = 0;
        m->active = 0;
        l->active--;
        break;
    }
    l->events++;
    /* the tree nodes stay; only the scratch is freed */
    ch->member_key = ch->id_key = NULL;
    sc_free(ch->shares);
    ch->shares = NULL;
    ch->n_shares = 0;
}

/* ---- reading the state ------------------------------------------------------- */

void sc_ledger_state(const sc_ledger *l, score_pool_state *s)
{
    size_t size = s->size;
    memset(s, 0, sizeof *s);
    s->size = size;
    s->events = l->events;
    s->members = l->active;
    s->member_records = l->n_members;
    s->loans_outstanding = l->loans;
    s->deposits = l->deposits;
    s->fund_balance = l->fund;
    s->lending_capacity = capacity(l);
    s->defaulted_unrecovered = l->unrecovered;
    memcpy(s->losses, l->loss, sizeof s->losses);
    s->npl_ratio = npl_ratio(l);
    s->status = status_of(l);
    s->replenish_due = (i128)l->fund * SC_PPB < (i128)l->rules.floor_ppb * l->loans;
    s->injected = l->injected;
    s->deposited = l->deposited;
    s->lent = l->lent;
    s->repaid = l->repaid;
    s->refunded = l->refunded;
    s->compensation = l->compensation;
    s->recoveries_paid = l->recoveries_paid;
}

int sc_ledger_member_at(const sc_ledger *l, size_t index, score_pool_member_info *info)
{
    if (index >= l->n_members)
        return sc_error(SCORE_EINVAL, "member index %zu is out of range (the pool has had %zu "
                        "members)", index, l->n_members);
    const member *m = &l->members[index];
    size_t size = info->size;
    memset(info, 0, sizeof *info);
    info->size = size;
    memcpy(info->uscc, m->uscc, sizeof info->uscc);
    info->active = m->active;
    info->defaulted = m->defaulted;
    info->pd = m->pd;
    info->deposit = m->deposit;
    info->loans_outstanding = m->loans;
    info->defaulted_unrecovered = m->loss_plus1 ? l->losses[m->loss_plus1 - 1].unrecovered : 0;
    info->loss_borne = m->borne;
    return SCORE_OK;
}

int sc_ledger_audit(const sc_ledger *l)
{
    int64_t deposits = 0, loans = 0, borne = 0, unrecovered = 0, party[SC_TIER3] = {0};
    uint64_t active = 0;
    for (size_t i = 0; i < l->n_members; i++) {
        const member *m = &l->members[i];
        if (m->deposit < 0 || m->loans < 0 || m->borne < 0 || (!m->active && m->deposit) ||
            (!m->active && m->loans))
            return sc_error(SCORE_ECORRUPT, "member %s has an impossible balance", m->uscc);
        deposits += m->deposit;
        loans += m->loans;
        borne += m->borne;
        active += m->active;
    }
    for (size_t i = 0; i < l->n_losses; i++) {
        const loss *d = &l->losses[i];
        int64_t parts = d->own;
        for (int k = 0; k < SC_TIER3; k++) {
            parts += d->party[k];
            party[k] += d->party[k];
        }
        for (size_t k = 0; k < d->n_shares; k++)
            parts += d->shares[k].amount;
        if (parts != d->unrecovered || d->unrecovered < 0 || d->unrecovered > d->amount)
            return sc_error(SCORE_ECORRUPT, "the default of %s does not add up",
                            l->members[d->member].uscc);
        unrecovered += d->unrecovered;
    }
    int64_t losses = 0;
    for (int k = 0; k < SCORE_POOL_N_PARTIES; k++)
        losses += l->loss[k];
    int64_t in = l->injected + l->deposited + l->lent;
    int64_t held = l->loans + l->deposits + l->fund + losses + l->repaid + l->refunded +
                   l->compensation + l->recoveries_paid;
    if (deposits != l->deposits || loans != l->loans || active != l->active)
        return sc_error(SCORE_ECORRUPT, "the members' balances do not add up to the totals");
    if (borne != l->loss[SCORE_POOL_PARTY_MEMBERS] || unrecovered != l->unrecovered ||
        losses != l->unrecovered)
        return sc_error(SCORE_ECORRUPT, "the losses do not add up to the defaults");
    for (int k = 0; k < SC_TIER3; k++)
        if (party[k] != l->loss[k + 1])
            return sc_error(SCORE_ECORRUPT, "the parties' losses do not add up");
    if (l->fund < 0 || l->deposits < 0 || l->loans < 0)
        return sc_error(SCORE_ECORRUPT, "a negative balance");
    if (in != held) {
        char a[32], b[32];
        return sc_error(SCORE_ECORRUPT, "money is not conserved: %s yuan came in, %s yuan "
                        "is accounted for", yuan(in, a), yuan(held, b));
    }
    return SCORE_OK;
}
