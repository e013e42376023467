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

/* A member's deposit is not stored: it holds units of the members' pool
 * (see deposit_of), so that a loss shared by every deposit changes one
 * number, not every member. */
typedef struct member {
    char uscc[19];
    uint8_t active, defaulted;
    double pd;
    int64_t loans;
    int64_t net;        /* fen put into the pool of deposits, less fen taken out */
    int64_t own_borne;  /* its own defaults' losses taken from its deposit, unrecovered */
    sc_u128 units;      /* its units of the pool; void unless epoch is the pool's */
    uint32_t epoch;
    uint32_t loss_plus1;  /* 1 + index of its default in losses[]; 0 none */
} member;

/* One default and what of it is still unrecovered, by who bore it. */
typedef struct loss {
    uint32_t member;
    int64_t amount, unrecovered;
    int64_t own;       /* the defaulter's own deposit */
    int64_t others;    /* the pool of the other members' deposits */
    int64_t party[SC_TIER3];
} loss;

/* A pool that starts (or starts again, empty of money) values a unit at
 * 2^-16 fen, so that the rounding of units stays far below a fen. */
#define UNITS_PER_FEN ((sc_u128)1 << 16)
#define UNITS_MAX ((sc_u128)1 << 126)

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
    int64_t deposits, fund, loans, unrecovered;  /* deposits: the pool's money, D */
    sc_u128 units;                                /* U, all units of the current epoch */
    uint32_t epoch;                               /* bumped when D fell to 0 and money came */
    int64_t others_paid_out;  /* recoveries for a pool nobody held any more, paid out */
    int64_t *settled;         /* every member's deposit, by largest remainder ... */
    size_t cap_settled;
    uint64_t settled_at;      /* ... as of this many events (valid when settled_ok) */
    int settled_ok;
    int64_t loss[SCORE_POOL_N_PARTIES];
    int64_t injected, deposited, lent, repaid, refunded, compensation, recoveries_paid;
};

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
    sc_free(l->losses);
    sc_free(l->settled);
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

/* The non-performing balance the bank still carries: what of the defaults
 * is neither recovered nor compensated (by the deposits, the fund or a
 * guarantor). A default paid in full by the pool is no longer the bank's
 * bad loan, so it leaves the ratio; counting it for good made a pool
 * suspend after an ordinary repayment shrank the denominator. */
static int64_t npl_balance(const sc_ledger *l)
{
    return l->loss[SCORE_POOL_PARTY_BANK];
}

static int status_of(const sc_ledger *l)
{
    int64_t bad = npl_balance(l);
    if (bad == 0)
        return SCORE_POOL_OPEN;
    i128 npl = (i128)bad * SC_PPB, base = (i128)l->loans + bad;
    if (npl >= base * l->rules.suspend_ppb)
        return SCORE_POOL_SUSPENDED;
    if (npl >= base * l->rules.warning_ppb)
        return SCORE_POOL_WARNING;
    return SCORE_POOL_OPEN;
}

static double npl_ratio(const sc_ledger *l)
{
    int64_t bad = npl_balance(l), base = l->loans + bad;
    return base ? (double)bad / (double)base : 0.0;
}

/* Not core's sc_money_split: that one takes double weights and works in
 * long double, whose width differs between machines (80 bits on x86-64,
 * 128 on aarch64), while a journal must replay to the same fen anywhere;
 * this one is integer arithmetic in 128 bits throughout.
 *
 * Split `total` (0 <= total <= the sum of the weights) in proportion to the
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

/* ---- the pool of deposits --------------------------------------------------- */

static sc_u128 units_of(const sc_ledger *l, const member *m)
{
    return m->epoch == l->epoch ? m->units : 0;
}

/* A member's deposit rounded down, the value every rule uses: O(1), and
 * the same on replay whatever was read in between. */
static int64_t floor_value(const sc_ledger *l, const member *m)
{
    sc_u128 u = units_of(l, m);
    if (!u || !l->units)
        return 0;
    return (int64_t)sc_muldiv(u, (uint64_t)l->deposits, l->units, NULL);
}

/* The units that `amount` fen buys in a pool of `money` fen and `units`
 * units, rounded up so that the payer's deposit is at least what it paid
 * (the others give up less than 2^-16 fen). An empty pool starts a new
 * epoch (money 0 with units left: what they held is gone). */
static int mint(int64_t money, sc_u128 units, int64_t amount, sc_change *ch)
{
    ch->new_epoch = units != 0 && money == 0;
    if (money == 0 || units == 0) {
        ch->units = (sc_u128)amount * UNITS_PER_FEN;
        return SCORE_OK;
    }
    uint64_t most = (uint64_t)(amount / money) + 1;
    if (units > (UNITS_MAX - units) / most)
        return sc_error(SCORE_ELIMIT, "the members' deposits have lost nearly all their value "
                        "(%lld fen left for units once worth far more); new money would "
                        "exceed the pool's 2^126 units", (long long)money);
    sc_u128 rem;
    ch->units = sc_muldiv(units, (uint64_t)amount, (sc_u128)money, &rem) + (rem != 0);
    return SCORE_OK;
}

static void mint_commit(sc_ledger *l, member *m, int64_t amount, const sc_change *ch)
{
    if (ch->new_epoch) {
        l->epoch++;
        l->units = 0;
    }
    if (m->epoch != l->epoch) {
        m->units = 0;
        m->epoch = l->epoch;
    }
    m->units += ch->units;
    l->units += ch->units;
    l->deposits += amount;
    m->net += amount;
}

typedef struct holder {
    sc_u128 remainder;
    uint32_t index;
    const char *uscc;
} holder;

static int by_remainder_desc(const void *a, const void *b)
{
    const holder *x = a, *y = b;
    if (x->remainder != y->remainder)
        return x->remainder > y->remainder ? -1 : 1;
    return -strcmp(x->uscc, y->uscc); /* the value fen to the later USCC: a loss fen
                                       * falls on the earlier one */
}

/* Every member's deposit: the floor of its exact share of the pool, and
 * the fen left one each to the largest remainders, so that they add up to
 * the pool. O(members log members), kept until the next event. */
static int settle(const sc_ledger *cl)
{
    sc_ledger *l = (sc_ledger *)cl; /* a cache: the state it reads is unchanged */
    if (l->settled_ok && l->settled_at == l->events)
        return SCORE_OK;
    if (sc_grow((void **)&l->settled, &l->cap_settled, l->n_members ? l->n_members : 1,
                sizeof *l->settled) != SCORE_OK)
        return sc_error(SCORE_ENOMEM, "out of memory settling the members' deposits");
    size_t n = 0;
    for (size_t i = 0; i < l->n_members; i++)
        n += l->members[i].active && units_of(l, &l->members[i]) != 0;
    holder *h = n ? sc_malloc_array(n, sizeof *h) : NULL;
    if (n && !h)
        return sc_error(SCORE_ENOMEM, "out of memory settling the members' deposits");
    int64_t given = 0;
    for (size_t i = 0, k = 0; i < l->n_members; i++) {
        const member *m = &l->members[i];
        sc_u128 u = m->active ? units_of(l, m) : 0;
        l->settled[i] = 0;
        if (!u || !l->units)
            continue;
        sc_u128 rem;
        l->settled[i] = (int64_t)sc_muldiv(u, (uint64_t)l->deposits, l->units, &rem);
        given += l->settled[i];
        h[k++] = (holder){rem, (uint32_t)i, m->uscc};
    }
    if (n)
        qsort(h, n, sizeof *h, by_remainder_desc);
    for (size_t k = 0; given < l->deposits && k < n; k++, given++)
        l->settled[h[k].index]++;
    sc_free(h);
    l->settled_at = l->events;
    l->settled_ok = 1;
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
    int rc = over_limit(l->deposited, ev->amount, "deposits paid in");
    return rc == SCORE_OK ? mint(l->deposits, l->units, ev->amount, ch) : rc;
}

static int prep_deposit(sc_ledger *l, const sc_pool_event *ev, sc_change *ch)
{
    size_t i = 0;
    int rc = member_amount(l, ev, &i);
    if (rc != SCORE_OK)
        return rc;
    ch->member = (uint32_t)i;
    rc = over_limit(l->deposited, ev->amount, "deposits paid in");
    return rc == SCORE_OK ? mint(l->deposits, l->units, ev->amount, ch) : rc;
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
    int64_t deposit = floor_value(l, m);
    i128 covered = (i128)deposit * SC_PPB,
         needed = (i128)l->rules.deposit_ppb * (m->loans + ev->amount);
    if (covered < needed)
        return refuse(ev, "its deposit %s yuan is below %g of its loans after this one, %s "
                      "yuan (%s needed)", yuan(deposit, a), l->config.deposit_rate,
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
    /* the defaulter's deposit leaves the pool first; what is left of it
     * after its own loss goes back in (then nothing falls on the others) */
    ch->taken = floor_value(l, m);
    ch->own = ch->taken < loss_amount ? ch->taken : loss_amount;
    int64_t rest = loss_amount - ch->own, pooled = l->deposits - ch->taken;
    ch->others = rest < pooled ? rest : pooled;
    if (ch->taken > ch->own &&
        (rc = mint(pooled, l->units - units_of(l, m), ch->taken - ch->own, ch)) != SCORE_OK)
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
    ch->others = left < d->others ? left : d->others;
    left -= ch->others;
    ch->own = left;
    /* the others' part goes back into the pool (paid out when nobody holds
     * it any more); the own part buys the defaulter units at the price after it */
    const member *m = &l->members[i];
    int64_t money = l->deposits + (l->units ? ch->others : 0);
    if (ch->own > 0 && m->active && (rc = mint(money, l->units, ch->own, ch)) != SCORE_OK)
        return rc;
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
    if ((rc = settle(l)) != SCORE_OK)
        return rc;
    int64_t deposit = l->settled[i];
    if (ev->amount != 0 && ev->amount != deposit)
        return refuse(ev, "amount %s yuan is not its deposit %s yuan (give 0 or the deposit)",
                      yuan(ev->amount, a), yuan(deposit, b));
    ch->member = (uint32_t)i;
    ch->refund = deposit;
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

static void commit_default(sc_ledger *l, sc_change *ch)
{
    member *m = &l->members[ch->member];
    int64_t amount = m->loans;
    loss *d = &l->losses[l->n_losses];
    *d = (loss){ch->member, amount, amount, ch->own, ch->others, {0}};
    memcpy(d->party, ch->party, sizeof d->party);
    m->loss_plus1 = (uint32_t)++l->n_losses;
    m->loans = 0;
    m->defaulted = 1;
    /* out of the pool, its own loss, the rest of it back in */
    l->deposits -= ch->taken;
    l->units -= units_of(l, m);
    m->units = 0;
    m->net -= ch->taken;
    m->own_borne += ch->own;
    if (ch->taken > ch->own)
        mint_commit(l, m, ch->taken - ch->own, ch);
    l->deposits -= ch->others; /* every other deposit, pro rata, in O(1) */
    l->loans -= amount;
    l->unrecovered += amount;
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
    d->others -= ch->others;
    if (l->units) {
        l->deposits += ch->others;
    } else {
        l->recoveries_paid += ch->others;
        l->others_paid_out += ch->others;
    }
    d->own -= ch->own;
    m->own_borne -= ch->own;
    if (ch->own > 0 && m->active)
        mint_commit(l, m, ch->own, ch);
    else
        l->recoveries_paid += ch->own;
    l->loss[SCORE_POOL_PARTY_MEMBERS] -= ch->own + ch->others;
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
        mint_commit(l, m, ev->amount, ch); /* the first deposit */
        l->deposited += ev->amount;
        break;
    case SCORE_POOL_DEPOSIT:
        mint_commit(l, m, ev->amount, ch);
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
        l->units -= units_of(l, m);
        m->units = 0;
        m->net -= ch->refund;
        l->refunded += ch->refund;
        m->active = 0;
        l->active--;
        break;
    }
    l->events++;
    /* the tree nodes stay */
    ch->member_key = ch->id_key = NULL;
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
    int rc = settle(l);
    if (rc != SCORE_OK)
        return rc;
    const member *m = &l->members[index];
    size_t size = info->size;
    memset(info, 0, sizeof *info);
    info->size = size;
    memcpy(info->uscc, m->uscc, sizeof info->uscc);
    info->active = m->active;
    info->defaulted = m->defaulted;
    info->pd = m->pd;
    info->deposit = l->settled[index];
    info->loans_outstanding = m->loans;
    info->defaulted_unrecovered = m->loss_plus1 ? l->losses[m->loss_plus1 - 1].unrecovered : 0;
    info->loss_borne = m->own_borne + m->net - l->settled[index];
    return SCORE_OK;
}

int sc_ledger_audit(const sc_ledger *l)
{
    int rc = settle(l);
    if (rc != SCORE_OK)
        return rc;
    int64_t deposits = 0, loans = 0, borne = 0, unrecovered = 0, party[SC_TIER3] = {0};
    uint64_t active = 0;
    sc_u128 units = 0;
    for (size_t i = 0; i < l->n_members; i++) {
        const member *m = &l->members[i];
        if (l->settled[i] < 0 || m->loans < 0 || m->own_borne < 0 ||
            (!m->active && (units_of(l, m) || m->loans)))
            return sc_error(SCORE_ECORRUPT, "member %s has an impossible balance", m->uscc);
        deposits += l->settled[i];
        loans += m->loans;
        borne += m->own_borne + m->net - l->settled[i];
        active += m->active;
        units += units_of(l, m);
    }
    for (size_t i = 0; i < l->n_losses; i++) {
        const loss *d = &l->losses[i];
        int64_t parts = d->own + d->others;
        for (int k = 0; k < SC_TIER3; k++) {
            parts += d->party[k];
            party[k] += d->party[k];
        }
        if (parts != d->unrecovered || d->unrecovered < 0 || d->unrecovered > d->amount ||
            d->own < 0 || d->others < 0)
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
    if (deposits != l->deposits || loans != l->loans || active != l->active ||
        units != l->units)
        return sc_error(SCORE_ECORRUPT, "the members' balances do not add up to the totals");
    if (borne != l->loss[SCORE_POOL_PARTY_MEMBERS] + l->others_paid_out ||
        unrecovered != l->unrecovered || losses != l->unrecovered)
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
