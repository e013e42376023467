/* Monte Carlo of one horizon's losses of a pool (docs/pools.md, "Loss
 * simulation").
 *
 * Model: a one-factor Gaussian copula. Member i defaults when
 *     sqrt(rho_i) Z + sqrt(1 - rho_i) e_i < G(pd_i),
 * Z and e_i independent standard normals (G the normal quantile), i.e. when
 *     e_i < a_i - b_i Z,  a_i = G(pd_i) / sqrt(1 - rho_i),  b_i = sqrt(rho_i / (1 - rho_i)).
 *
 * Random numbers: scenarios are cut into fixed blocks of BLOCK; block k
 * draws from its own xoshiro256+ stream seeded from (seed, k) through
 * splitmix64, so any thread may run any block, and block results are
 * combined in block order: the result is the same, bit for bit, for any
 * number of threads. A scenario's draws depend on the seed, the members'
 * PDs and correlations only; the deposit rate, the fund and the shares do
 * not change them (common random numbers), so configurations are compared
 * on the same scenarios.
 *
 * Speed: member i defaults exactly when its uniform u_i < N(a_i - b_i Z).
 * Members are put in a few groups of similar (a, b); per scenario each
 * group gets an upper bound hi and a lower bound lo of N(a_i - b_i Z) over
 * its members, with a margin for rounding. Only the members with u_i < hi
 * can default (a few percent); instead of drawing every member's u_i, the
 * gap to the next such member is drawn directly (geometric with parameter
 * hi) and its u_i uniformly below hi, which is the same distribution. A
 * candidate under lo defaults; between lo and hi, G(u_i) < a_i - b_i Z
 * decides. The work per scenario is proportional to the candidates, not
 * to the members. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/money.h"
#include "../core/rng.h"
#include "pool.h"

#define BLOCK 512
#define SCENARIOS_MAX UINT64_C(50000000)
#define THREADS_MAX 64
#define EXACT_SUM_MAX 9007199254740992.0 /* 2^53: sums of fen stay exact below it */
#define RECORD_MAX (UINT64_C(1) << 32)
#define GROUPS_EXACT 16  /* up to this many distinct (a, b): one group each */
#define GROUPS 8         /* else this many groups of members of similar a */
#define NEVER 255         /* the group of members that never default by draw */

typedef struct sim_member {
    double a, b;    /* default when G(u) < a - b Z; a = -inf: never by draw */
    double loss;    /* ead x lgd, fen */
    double ead;     /* fen */
} sim_member;

/* Per block: sums over its scenarios, in scenario order. */
typedef struct acc {
    double loss, loss2, defaults, defaults2, fund_call_max;
    double party[SCORE_POOL_N_PARTIES];
    uint64_t hit[SCORE_POOL_N_PARTIES], exhausted, suspended;
} acc;

/* One block's recorded defaulters. */
typedef struct block_record {
    uint32_t count[BLOCK];
    uint32_t *index;
    size_t n, cap;
} block_record;

struct sc_sim {
    size_t n;
    sim_member *m;
    uint32_t *always;          /* members with PD 1 */
    size_t n_always;
    double ead_total;
    double share[SC_TIER3];
    double suspend;
    uint8_t *group;            /* each member's group, NEVER for pd 0 or 1 */
    size_t n_groups;
    uint32_t *in_group;        /* the members of group g: in_group[start[g] .. start[g+1]) */
    size_t start[GROUPS_EXACT + 1];
    /* each group's extremes of a and b */
    double a_min[GROUPS_EXACT], a_max[GROUPS_EXACT], b_min[GROUPS_EXACT], b_max[GROUPS_EXACT];
    uint64_t scenarios, seed;
    unsigned threads;
    score_progress_fn progress;
    void *progress_user;
    size_t n_blocks;
    block_record *records;     /* n_blocks, when recording */
};

/* ---- random numbers ---------------------------------------------------------- */

/* Block b's stream of the core generator. The draws use xoshiro256+, the
 * variant for floating point (only its top 53 bits are used); the state is
 * a local that the compiler keeps in registers. */
static void seed_block(uint64_t seed, uint64_t block, sc_rng *r)
{
    uint64_t x = block ^ UINT64_C(0x6a09e667f3bcc909);
    sc_rng_seed_state(r, sc_splitmix64(&x) ^ seed);
}

/* The top 53 bits as a uniform in (0, 1), never 0 or 1. */
static inline double uniform53(uint64_t bits53)
{
    return ((double)bits53 + 0.5) * 0x1p-53;
}

/* ---- the model --------------------------------------------------------------- */

typedef struct line {
    double a, b;
    uint32_t member;
} line;

static int by_line(const void *x, const void *y)
{
    const line *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return (p->member > q->member) - (p->member < q->member);
}

/* Group the members with 0 < pd < 1 by their line a - b z: one group per
 * distinct line when there are few, else GROUPS groups of consecutive a. */
static int build_groups(sc_sim *s)
{
    line *lines = sc_malloc_array(s->n, sizeof *lines);
    if (!lines || !(s->group = sc_malloc(s->n))) {
        sc_free(lines);
        return sc_error(SCORE_ENOMEM, "out of memory building the simulation");
    }
    size_t k = 0, distinct = 0;
    for (size_t i = 0; i < s->n; i++) {
        s->group[i] = NEVER;
        if (isfinite(s->m[i].a))
            lines[k++] = (line){s->m[i].a, s->m[i].b, (uint32_t)i};
    }
    qsort(lines, k, sizeof *lines, by_line);
    for (size_t i = 0; i < k; i++)
        distinct += i == 0 || lines[i].a != lines[i - 1].a || lines[i].b != lines[i - 1].b;
    s->n_groups = distinct <= GROUPS_EXACT ? distinct : GROUPS;
    for (size_t i = 0, g = 0; i < k; i++) {
        if (distinct <= GROUPS_EXACT)
            g += i > 0 && (lines[i].a != lines[i - 1].a || lines[i].b != lines[i - 1].b);
        else
            g = i * GROUPS / k;
        s->group[lines[i].member] = (uint8_t)g;
        int first = i == 0 || s->group[lines[i - 1].member] != g;
        s->a_min[g] = first ? lines[i].a : fmin(s->a_min[g], lines[i].a);
        s->a_max[g] = first ? lines[i].a : fmax(s->a_max[g], lines[i].a);
        s->b_min[g] = first ? lines[i].b : fmin(s->b_min[g], lines[i].b);
        s->b_max[g] = first ? lines[i].b : fmax(s->b_max[g], lines[i].b);
    }
    /* each group's members, in member order */
    if (!(s->in_group = sc_malloc_array(k + 1, sizeof *s->in_group))) {
        sc_free(lines);
        return sc_error(SCORE_ENOMEM, "out of memory building the simulation");
    }
    size_t at = 0;
    for (size_t g = 0; g < s->n_groups; g++) {
        s->start[g] = at;
        for (size_t i = 0; i < s->n; i++)
            if (s->group[i] == g)
                s->in_group[at++] = (uint32_t)i;
    }
    s->start[s->n_groups] = at;
    sc_free(lines);
    return SCORE_OK;
}

/* Bounds of N(a_i - b_i z) over each group's members in a scenario with
 * systematic factor z: hi[g] at or above, lo[g] at or below, with margins
 * that cover the rounding of N and G, so that the shortcuts never
 * disagree with the test G(u) < a_i - b_i z. */
static void bounds(const sc_sim *s, double z, double lo[], double hi[])
{
    for (size_t g = 0; g < s->n_groups; g++) {
        double c_hi = s->a_max[g] - (z >= 0 ? s->b_min[g] : s->b_max[g]) * z;
        double c_lo = s->a_min[g] - (z >= 0 ? s->b_max[g] : s->b_min[g]) * z;
        hi[g] = fmin(1, sc_normal_cdf(c_hi) * (1 + 1e-9) + 1e-300);
        lo[g] = sc_normal_cdf(c_lo) * (1 - 1e-9);
    }
}

/* ---- one scenario's waterfall ------------------------------------------------ */

typedef struct outcome {
    double total, party[SCORE_POOL_N_PARTIES], fund_call;
    int exhausted, suspended;
} outcome;

/* The defaulters use their own deposits, then the survivors' deposits
 * jointly, then the parties share the rest; the fund pays at most its
 * balance and the bank takes the excess. */
static void waterfall(const sc_sim *s, double rate, double fund, const uint32_t *def, size_t k,
                      outcome *o)
{
    double total = 0, own = 0, rest = 0, ead_def = 0;
    for (size_t j = 0; j < k; j++) {
        const sim_member *m = &s->m[def[j]];
        double deposit = rate * m->ead, take = m->loss < deposit ? m->loss : deposit;
        total += m->loss;
        own += take;
        rest += m->loss - take;
        ead_def += m->ead;
    }
    double pooled = rate * (s->ead_total - ead_def); /* exact difference of whole fen */
    double others = rest < pooled ? rest : pooled, beyond = rest - others;
    o->total = total;
    o->party[SCORE_POOL_PARTY_MEMBERS] = own + others;
    o->party[SCORE_POOL_PARTY_BANK] = s->share[0] * beyond;
    o->party[SCORE_POOL_PARTY_FUND] = s->share[1] * beyond;
    o->party[SCORE_POOL_PARTY_GUARANTOR] = s->share[2] * beyond;
    o->party[SCORE_POOL_PARTY_REGUARANTOR] = s->share[3] * beyond;
    o->fund_call = o->party[SCORE_POOL_PARTY_FUND];
    o->exhausted = o->fund_call > 0 && o->fund_call >= fund;
    if (o->fund_call > fund) {
        o->party[SCORE_POOL_PARTY_BANK] += o->fund_call - fund;
        o->party[SCORE_POOL_PARTY_FUND] = fund;
    }
    o->suspended = k > 0 && ead_def >= s->suspend * s->ead_total;
}

static void add(acc *a, const outcome *o, size_t k)
{
    a->loss += o->total;
    a->loss2 += o->total * o->total;
    a->defaults += (double)k;
    a->defaults2 += (double)k * (double)k;
    if (o->fund_call > a->fund_call_max)
        a->fund_call_max = o->fund_call;
    for (int p = 0; p < SCORE_POOL_N_PARTIES; p++) {
        a->party[p] += o->party[p];
        a->hit[p] += o->party[p] > 0;
    }
    a->exhausted += (uint64_t)o->exhausted;
    a->suspended += (uint64_t)o->suspended;
}

/* ---- running blocks on threads ----------------------------------------------- */

/* A worker's scratch: one scenario's defaulters. */
typedef struct scratch {
    uint32_t *def;
} scratch;

typedef struct job {
    const sc_sim *sim;
    int draw;                  /* 1: draw the scenarios; 0: rerun the recorded ones */
    double rate, fund;
    acc *accs;                 /* one per block */
    double *totals;            /* each scenario's total loss, or NULL */
    atomic_size_t next, done;
    atomic_int stop;
    atomic_int failed;         /* a status code from a worker */
    atomic_uint_fast64_t recorded;
} job;

static int record(block_record *r, const uint32_t *def, size_t k, job *j)
{
    if (k == 0)
        return SCORE_OK;
    if (sc_grow((void **)&r->index, &r->cap, r->n + k, sizeof *r->index) != SCORE_OK)
        return SCORE_ENOMEM;
    memcpy(r->index + r->n, def, k * sizeof *def);
    r->n += k;
    if (atomic_fetch_add(&j->recorded, k) + k > RECORD_MAX)
        return SCORE_ELIMIT;
    return SCORE_OK;
}

/* Draw one block's scenarios: Z, then group by group the candidates (the
 * members whose uniform falls under the group's upper bound), each found
 * by a geometric jump, then decided. */
static int draw_block(job *j, size_t b, scratch *w)
{
    const sc_sim *s = j->sim;
    sc_rng rng;
    seed_block(s->seed, b, &rng);
    uint64_t first = (uint64_t)b * BLOCK, last = first + BLOCK;
    if (last > s->scenarios)
        last = s->scenarios;
    acc *a = &j->accs[b];
    block_record *r = s->records ? &s->records[b] : NULL;
    const sim_member *m = s->m;
    uint32_t *def = w->def;
    double lo[GROUPS_EXACT], hi[GROUPS_EXACT];
    for (uint64_t sc = first; sc < last; sc++) {
        double z = sc_normal_quantile(uniform53(sc_rng_next_plus(&rng) >> 11));
        bounds(s, z, lo, hi);
        size_t k = 0;
        for (size_t g = 0; g < s->n_groups; g++) {
            const uint32_t *list = s->in_group + s->start[g];
            double size = (double)(s->start[g + 1] - s->start[g]), p = hi[g];
            double step = log1p(-p); /* -inf when p is 1: every member a candidate */
            if (!(p > 0))
                continue;
            for (double at = -1;;) {
                /* the number of members skipped: geometric, P(gap = j) = (1-p)^j p */
                double u = ((double)(sc_rng_next_plus(&rng) >> 11) + 1) * 0x1p-53; /* (0, 1] */
                double gap = p < 1 ? floor(log(u) / step) : 0;
                at += gap + 1;
                if (!(at < size))
                    break;
                uint32_t i = list[(size_t)at];
                double v = p * uniform53(sc_rng_next_plus(&rng) >> 11); /* uniform on (0, p) */
                if (v < lo[g] || sc_normal_quantile(v) < m[i].a - m[i].b * z)
                    def[k++] = i;
            }
        }
        for (size_t i = 0; i < s->n_always; i++)
            def[k++] = s->always[i];
        outcome o;
        waterfall(s, j->rate, j->fund, def, k, &o);
        add(a, &o, k);
        if (j->totals)
            j->totals[sc] = o.total;
        if (r) {
            r->count[sc - first] = (uint32_t)k;
            int rc = record(r, def, k, j);
            if (rc != SCORE_OK)
                return rc;
        }
    }
    return SCORE_OK;
}

static void rerun_block(job *j, size_t b)
{
    const sc_sim *s = j->sim;
    const block_record *r = &s->records[b];
    uint64_t first = (uint64_t)b * BLOCK, last = first + BLOCK;
    if (last > s->scenarios)
        last = s->scenarios;
    size_t at = 0;
    for (uint64_t sc = first; sc < last; sc++) {
        size_t k = r->count[sc - first];
        outcome o;
        waterfall(s, j->rate, j->fund, k ? r->index + at : NULL, k, &o);
        add(&j->accs[b], &o, k);
        if (j->totals)
            j->totals[sc] = o.total;
        at += k;
    }
}

/* Take blocks until none are left; the calling thread (main) also reports
 * progress between its blocks. */
static void work(job *j, scratch *w, int main)
{
    const sc_sim *s = j->sim;
    for (;;) {
        if (atomic_load(&j->stop))
            return;
        size_t b = atomic_fetch_add(&j->next, 1);
        if (b >= s->n_blocks)
            return;
        if (j->draw) {
            int rc = draw_block(j, b, w);
            if (rc != SCORE_OK) {
                int none = SCORE_OK;
                atomic_compare_exchange_strong(&j->failed, &none, rc);
                atomic_store(&j->stop, 1);
                return;
            }
        } else {
            rerun_block(j, b);
        }
        size_t done = atomic_fetch_add(&j->done, 1) + 1;
        if (main && j->draw && s->progress) {
            uint64_t scen = (uint64_t)done * BLOCK;
            if (s->progress(s->progress_user, "simulate", scen < s->scenarios ? scen : s->scenarios,
                            s->scenarios) != 0)
                atomic_store(&j->stop, 1);
        }
    }
}

typedef struct worker {
    job *job;
    scratch scratch;
    pthread_t thread;
} worker;

static void *work_thread(void *arg)
{
    worker *w = arg;
    work(w->job, &w->scratch, 0);
    return NULL;
}

static int run_job(job *j)
{
    const sc_sim *s = j->sim;
    unsigned threads = s->threads;
    if (threads > s->n_blocks)
        threads = (unsigned)s->n_blocks;
    worker *w = sc_calloc(threads, sizeof *w);
    if (!w)
        return sc_error(SCORE_ENOMEM, "out of memory running the simulation");
    int rc = SCORE_OK;
    unsigned started = 0;
    for (unsigned t = 0; t < threads && rc == SCORE_OK; t++) {
        scratch *sc = &w[t].scratch;
        w[t].job = j;
        if (j->draw && !(sc->def = sc_malloc_array(s->n + 1, sizeof *sc->def)))
            rc = sc_error(SCORE_ENOMEM, "out of memory running the simulation");
    }
    /* worker 0 is this thread; a thread that cannot start leaves its
     * blocks to the others, which changes nothing in the result */
    for (unsigned t = 1; t < threads && rc == SCORE_OK; t++, started++)
        if (pthread_create(&w[t].thread, NULL, work_thread, &w[t]) != 0)
            break;
    if (rc == SCORE_OK)
        work(j, &w[0].scratch, 1);
    else
        atomic_store(&j->stop, 1);
    for (unsigned t = 1; t <= started; t++)
        pthread_join(w[t].thread, NULL);
    for (unsigned t = 0; t < threads; t++)
        sc_free(w[t].scratch.def);
    sc_free(w);
    if (rc != SCORE_OK)
        return rc;
    if ((rc = atomic_load(&j->failed)) != SCORE_OK)
        return rc == SCORE_ELIMIT
                   ? sc_error(rc, "more than 2^32 defaults to keep across the scenarios; use "
                              "fewer scenarios")
                   : sc_error(rc, "out of memory keeping the scenarios' defaults");
    if (atomic_load(&j->stop))
        return sc_error(SCORE_ECANCELED, "the simulation was stopped by the progress callback");
    return SCORE_OK;
}

/* ---- results ----------------------------------------------------------------- */

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Rearrange v so that v[k] is the k-th smallest, with nothing larger
 * before it and nothing smaller after it (Hoare's selection). */
static void select_kth(double *v, int64_t n, int64_t k)
{
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        /* v[lo..j] <= pivot <= v[i..hi]; between them, the pivot's equals */
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

/* The scenario index of the q-quantile, q = num/den: the smallest loss with
 * at least q of the scenarios at or below it. */
static uint64_t quantile_index(uint64_t n, uint64_t num, uint64_t den)
{
    uint64_t k = (num * n + den - 1) / den;
    return k ? k - 1 : 0;
}

static int finish(const sc_sim *s, const acc *accs, double *totals, score_pool_sim_result *out)
{
    acc t = {0};
    for (size_t b = 0; b < s->n_blocks; b++) {
        const acc *a = &accs[b];
        t.loss += a->loss;
        t.loss2 += a->loss2;
        t.defaults += a->defaults;
        t.defaults2 += a->defaults2;
        for (int p = 0; p < SCORE_POOL_N_PARTIES; p++) {
            t.party[p] += a->party[p];
            t.hit[p] += a->hit[p];
        }
        t.exhausted += a->exhausted;
        t.suspended += a->suspended;
    }
    double n = (double)s->scenarios, members = (double)s->n;
    score_pool_sim_result r;
    memset(&r, 0, sizeof r);
    r.size = sizeof r;
    r.scenarios = s->scenarios;
    r.expected_loss = t.loss / n;
    double var = n > 1 ? fmax(0, (t.loss2 - n * r.expected_loss * r.expected_loss) / (n - 1)) : 0;
    r.expected_loss_stderr = sqrt(var / n);
    double mean_k = t.defaults / n;
    double var_k = n > 1 ? fmax(0, (t.defaults2 - n * mean_k * mean_k) / (n - 1)) : 0;
    r.default_rate = mean_k / members;
    r.default_rate_stderr = sqrt(var_k / n) / members;
    for (int p = 0; p < SCORE_POOL_N_PARTIES; p++) {
        r.party_expected_loss[p] = t.party[p] / n;
        r.party_p_loss[p] = (double)t.hit[p] / n;
    }
    r.p_fund_exhausted = (double)t.exhausted / n;
    r.p_suspended = (double)t.suspended / n;
    /* the tail: select the 95% point, then sort what lies above it */
    uint64_t k95 = quantile_index(s->scenarios, 95, 100);
    select_kth(totals, (int64_t)s->scenarios, (int64_t)k95);
    qsort(totals + k95, (size_t)(s->scenarios - k95), sizeof *totals, cmp_double);
    r.loss_q95 = totals[k95];
    r.loss_q99 = totals[quantile_index(s->scenarios, 99, 100)];
    r.loss_q999 = totals[quantile_index(s->scenarios, 999, 1000)];
    uint64_t worst = s->scenarios - 99 * s->scenarios / 100;
    double tail = 0;
    for (uint64_t i = s->scenarios - worst; i < s->scenarios; i++)
        tail += totals[i];
    r.expected_shortfall_99 = tail / (double)worst;
    sc_pool_copy_out(out, &r);
    return SCORE_OK;
}

static int run_and_finish(const sc_sim *s, int draw, double rate, double fund,
                          score_pool_sim_result *out, double *fund_call_max, double *bank_p)
{
    acc *accs = sc_calloc(s->n_blocks, sizeof *accs);
    double *totals = out ? sc_malloc_array((size_t)s->scenarios, sizeof *totals) : NULL;
    if (!accs || (out && !totals)) {
        sc_free(accs);
        sc_free(totals);
        return sc_error(SCORE_ENOMEM, "out of memory for %llu scenarios",
                        (unsigned long long)s->scenarios);
    }
    job j = {.sim = s, .draw = draw, .rate = rate, .fund = fund, .accs = accs, .totals = totals};
    atomic_init(&j.next, 0);
    atomic_init(&j.done, 0);
    atomic_init(&j.stop, 0);
    atomic_init(&j.failed, SCORE_OK);
    atomic_init(&j.recorded, 0);
    int rc = run_job(&j);
    if (rc == SCORE_OK && out)
        rc = finish(s, accs, totals, out);
    if (rc == SCORE_OK && (fund_call_max || bank_p)) {
        double max = 0;
        uint64_t hits = 0;
        for (size_t b = 0; b < s->n_blocks; b++) {
            max = fmax(max, accs[b].fund_call_max);
            hits += accs[b].hit[SCORE_POOL_PARTY_BANK];
        }
        if (fund_call_max)
            *fund_call_max = max;
        if (bank_p)
            *bank_p = (double)hits / (double)s->scenarios;
    }
    sc_free(accs);
    sc_free(totals);
    return rc;
}

/* ---- building ---------------------------------------------------------------- */

void sc_sim_free(sc_sim *s)
{
    if (!s)
        return;
    if (s->records)
        for (size_t b = 0; b < s->n_blocks; b++)
            sc_free(s->records[b].index);
    sc_free(s->records);
    sc_free(s->m);
    sc_free(s->always);
    sc_free(s->group);
    sc_free(s->in_group);
    sc_free(s);
}

static int check_members(size_t n, const double *pd, const int64_t *ead, const double *lgd,
                         double *ead_total)
{
    if (!pd || !ead || !lgd)
        return sc_error(SCORE_EINVAL, "pd, ead and lgd must not be NULL");
    if (n == 0)
        return sc_error(SCORE_EINVAL, "no members to simulate");
    if (n > (size_t)INT32_MAX)
        return sc_error(SCORE_ELIMIT, "at most 2^31 - 1 members");
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(pd[i] >= 0 && pd[i] <= 1))
            return sc_error(SCORE_EINVAL, "member %zu: pd %g is outside 0..1", i, pd[i]);
        if (!(lgd[i] >= 0 && lgd[i] <= 1))
            return sc_error(SCORE_EINVAL, "member %zu: lgd %g is outside 0..1", i, lgd[i]);
        if (ead[i] < 0 || ead[i] > SC_MONEY_MAX_FEN)
            return sc_error(SCORE_EINVAL, "member %zu: ead is outside 0..10^15 yuan", i);
        total += (double)ead[i];
    }
    if (total >= EXACT_SUM_MAX)
        return sc_error(SCORE_ELIMIT, "the exposures add up to more than 9 x 10^13 yuan, beyond "
                        "which the simulation's sums of fen are not exact");
    *ead_total = total;
    return SCORE_OK;
}

static int read_options(const score_pool_sim_options *options, score_pool_sim_options *o)
{
    score_pool_sim_options_init(o);
    if (options) {
        int rc = sc_pool_size_ok(options, sizeof *o, "options");
        if (rc != SCORE_OK)
            return rc;
        memcpy(o, options, options->size);
    }
    if (o->scenarios == 0)
        return sc_error(SCORE_EINVAL, "options->scenarios must be at least 1");
    if (o->scenarios > SCENARIOS_MAX)
        return sc_error(SCORE_ELIMIT, "%llu scenarios; at most %llu",
                        (unsigned long long)o->scenarios, (unsigned long long)SCENARIOS_MAX);
    if (o->threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        o->threads = cpus > 0 ? (unsigned)cpus : 1;
    }
    if (o->threads > THREADS_MAX)
        o->threads = THREADS_MAX;
    return SCORE_OK;
}

void score_pool_sim_options_init(score_pool_sim_options *options)
{
    if (!options)
        return;
    memset(options, 0, sizeof *options);
    options->size = sizeof *options;
    options->scenarios = 100000;
    options->seed = 1;
}

static int build(const score_pool_config *config, size_t n, const double *pd,
                 const int64_t *ead, const double *lgd, const score_pool_sim_options *options,
                 sc_sim **out)
{
    score_pool_config c;
    score_pool_sim_options o;
    double ead_total = 0;
    int rc = sc_pool_config_in(config, &c);
    if (rc == SCORE_OK)
        rc = read_options(options, &o);
    if (rc == SCORE_OK)
        rc = check_members(n, pd, ead, lgd, &ead_total);
    if (rc != SCORE_OK)
        return rc;
    sc_sim *s = sc_calloc(1, sizeof *s);
    if (!s || !(s->m = sc_malloc_array(n, sizeof *s->m)) ||
        !(s->always = sc_malloc_array(n, sizeof *s->always))) {
        sc_sim_free(s);
        return sc_error(SCORE_ENOMEM, "out of memory building the simulation");
    }
    s->n = n;
    s->ead_total = ead_total;
    s->share[0] = c.share_bank;
    s->share[1] = c.share_fund;
    s->share[2] = c.share_guarantor;
    s->share[3] = c.share_reguarantor;
    s->suspend = c.npl_suspend;
    s->scenarios = o.scenarios;
    s->seed = o.seed;
    s->threads = o.threads;
    s->progress = o.progress;
    s->progress_user = o.progress_user;
    s->n_blocks = (size_t)((o.scenarios + BLOCK - 1) / BLOCK);
    for (size_t i = 0; i < n; i++) {
        double rho = sc_pool_correlation(&c, pd[i]);
        sim_member *m = &s->m[i];
        m->b = sqrt(rho / (1 - rho));
        m->a = pd[i] > 0 && pd[i] < 1 ? sc_normal_quantile(pd[i]) / sqrt(1 - rho) : -INFINITY;
        m->ead = (double)ead[i];
        m->loss = (double)ead[i] * lgd[i];
        if (pd[i] >= 1)
            s->always[s->n_always++] = (uint32_t)i;
    }
    if ((rc = build_groups(s)) != SCORE_OK) {
        sc_sim_free(s);
        return rc;
    }
    *out = s;
    return SCORE_OK;
}

int sc_sim_run(const score_pool_config *config, size_t n, const double *pd, const int64_t *ead,
               const double *lgd, const score_pool_sim_options *options, int keep,
               sc_sim **out, score_pool_sim_result *result)
{
    sc_sim *s = NULL;
    int rc = build(config, n, pd, ead, lgd, options, &s);
    if (rc != SCORE_OK)
        return rc;
    if (keep && !(s->records = sc_calloc(s->n_blocks, sizeof *s->records)))
        rc = sc_error(SCORE_ENOMEM, "out of memory keeping the scenarios' defaults");
    if (rc == SCORE_OK)
        rc = run_and_finish(s, 1, config->deposit_rate, (double)config->compensation_fund,
                            result, NULL, NULL);
    if (rc != SCORE_OK || !out) {
        sc_sim_free(s);
        return rc;
    }
    *out = s;
    return SCORE_OK;
}

int sc_sim_bank_p_loss(const sc_sim *s, double rate, double fund, double *p)
{
    return run_and_finish(s, 0, rate, fund, NULL, NULL, p);
}

int sc_sim_max_fund_call(const sc_sim *s, double rate, double *max)
{
    return run_and_finish(s, 0, rate, 0, NULL, max, NULL);
}

int sc_sim_result_at(sc_sim *s, double rate, double fund, score_pool_sim_result *out)
{
    return run_and_finish(s, 0, rate, fund, out, NULL, NULL);
}

int score_pool_simulate(const score_pool_config *config, size_t n, const double *pd,
                        const int64_t *ead, const double *lgd,
                        const score_pool_sim_options *options, score_pool_sim_result *result)
{
    int rc = sc_pool_size_ok(result, sizeof *result, "result");
    if (rc != SCORE_OK)
        return rc;
    score_pool_config c;
    if ((rc = sc_pool_config_in(config, &c)) != SCORE_OK)
        return rc;
    return sc_sim_run(&c, n, pd, ead, lgd, options, 0, NULL, result);
}
