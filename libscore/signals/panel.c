#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "panel.h"

typedef struct sc_undo {
    uint32_t index;
    double value;
} sc_undo;

struct score_panel {
    sc_obs *obs;
    size_t n_obs, cap_obs;
    char (*codes)[18];                /* USCC of each enterprise id */
    size_t n_ent, cap_ent;
    uint32_t *ent_hash;               /* slots: enterprise id + 1, 0 empty */
    size_t ent_hash_cap;
    size_t n_sorted;                  /* obs[0 .. n_sorted) are sorted by (ent, field, period) */
    size_t n_ent_sorted;              /* ids below this were numbered in USCC order */
    uint32_t *obs_hash;               /* the tail obs[n_sorted .. n_obs) only: slots are
                                         fingerprint << 28 | (obs index + 1) */
    size_t obs_hash_cap;              /* 0 when dropped; rebuilt from the tail when needed */
    uint32_t *ent_start;              /* n_ent_sorted + 1 offsets of the sorted part */
    uint16_t *ent_last;               /* n_ent_sorted: latest dated period, 0 none */
    unsigned min_period, max_period;  /* of dated observations; min 0 when none */
    size_t last_ent;                  /* the enterprise of the previous put */
    sc_undo *undo;                    /* values replaced since sc_panel_begin */
    size_t n_undo, cap_undo;
    size_t undo_limit;                /* replacements below this index are logged */
    int recording;
    pthread_mutex_t lock;             /* serialises sorting by concurrent readers */
    atomic_int sorted;                /* obs sorted by (ent, field, period), ids by USCC */
};

#define NO_ENT ((size_t)-1)

#define OBS_INDEX_BITS 28
#define OBS_INDEX_MASK ((1u << OBS_INDEX_BITS) - 1)

/* ---- hashing --------------------------------------------------------- */

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

static uint64_t uscc_hash(const char *code)
{
    uint64_t a, b;
    uint16_t c;
    memcpy(&a, code, 8);
    memcpy(&b, code + 8, 8);
    memcpy(&c, code + 16, 2);
    return mix(a ^ mix(b ^ ((uint64_t)c << 48)));
}

static uint64_t obs_key(size_t ent, unsigned field, unsigned period)
{
    return ((uint64_t)ent << 32) | ((uint64_t)field << 16) | period;
}

static uint64_t obs_hash_of(uint64_t key)
{
    return mix(key);
}

/* ---- lifecycle ------------------------------------------------------- */

int score_panel_new(score_panel **out)
{
    if (!out)
        return sc_error(SCORE_EINVAL, "score_panel_new: out is NULL");
    score_panel *p = sc_calloc(1, sizeof *p);
    if (!p)
        return sc_error(SCORE_ENOMEM, "score_panel_new: out of memory");
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        sc_free(p);
        return sc_error(SCORE_ENOMEM, "score_panel_new: cannot create a mutex");
    }
    p->last_ent = NO_ENT;
    atomic_init(&p->sorted, 1);
    *out = p;
    return SCORE_OK;
}

void score_panel_free(score_panel *p)
{
    if (!p)
        return;
    sc_free(p->obs);
    sc_free(p->codes);
    sc_free(p->ent_hash);
    sc_free(p->obs_hash);
    sc_free(p->ent_start);
    sc_free(p->ent_last);
    sc_free(p->undo);
    pthread_mutex_destroy(&p->lock);
    sc_free(p);
}

size_t score_panel_n_enterprises(const score_panel *p)
{
    return p ? p->n_ent : 0;
}

size_t score_panel_n_observations(const score_panel *p)
{
    return p ? p->n_obs : 0;
}

/* ---- the enterprise hash --------------------------------------------- */

static void ent_hash_insert(uint32_t *table, size_t cap, const char *code, size_t ent)
{
    size_t mask = cap - 1;
    size_t slot = (size_t)uscc_hash(code) & mask;
    while (table[slot])
        slot = (slot + 1) & mask;
    table[slot] = (uint32_t)(ent + 1);
}

static void ent_hash_rebuild(score_panel *p)
{
    memset(p->ent_hash, 0, p->ent_hash_cap * sizeof *p->ent_hash);
    for (size_t e = 0; e < p->n_ent; e++)
        ent_hash_insert(p->ent_hash, p->ent_hash_cap, p->codes[e], e);
}

static size_t ent_find(const score_panel *p, const char *code)
{
    if (!p->ent_hash_cap)
        return NO_ENT;
    size_t mask = p->ent_hash_cap - 1;
    size_t slot = (size_t)uscc_hash(code) & mask;
    for (uint32_t v; (v = p->ent_hash[slot]) != 0; slot = (slot + 1) & mask)
        if (memcmp(p->codes[v - 1], code, 18) == 0)
            return v - 1;
    return NO_ENT;
}

/* ---- the observation hash -------------------------------------------- */

static void obs_hash_insert(uint32_t *table, size_t cap, uint64_t key, size_t index)
{
    uint64_t h = obs_hash_of(key);
    size_t mask = cap - 1;
    size_t slot = (size_t)(h >> 32) & mask;
    while (table[slot])
        slot = (slot + 1) & mask;
    table[slot] = (uint32_t)((h & 0xF) << OBS_INDEX_BITS) | (uint32_t)(index + 1);
}

static size_t table_size_for(size_t n)
{
    size_t cap = 1024;
    while (cap < 2 * n)
        cap *= 2;
    return cap;
}

/* Make the hash of the unsorted tail hold the tail grown to `n` observations
 * in all, at a load of at most one half. The sorted part needs no hash: a
 * binary search in its enterprise's slice finds a key there. */
static int obs_hash_reserve(score_panel *p, size_t n)
{
    size_t tail = n - p->n_sorted;
    if (p->obs_hash_cap && 2 * tail <= p->obs_hash_cap)
        return SCORE_OK;
    size_t cap = table_size_for(tail);
    uint32_t *table = sc_calloc(cap, sizeof *table);
    if (!table)
        return SCORE_ENOMEM;
    sc_advise_huge(table, cap * sizeof *table);
    for (size_t i = p->n_sorted; i < p->n_obs; i++) {
        const sc_obs *o = &p->obs[i];
        obs_hash_insert(table, cap, obs_key(o->ent, o->field, o->period), i);
    }
    sc_free(p->obs_hash);
    p->obs_hash = table;
    p->obs_hash_cap = cap;
    return SCORE_OK;
}

static void drop_obs_hash(score_panel *p)
{
    sc_free(p->obs_hash);
    p->obs_hash = NULL;
    p->obs_hash_cap = 0;
}

static int ent_hash_reserve(score_panel *p, size_t n)
{
    if (p->ent_hash_cap && 2 * n <= p->ent_hash_cap)
        return SCORE_OK;
    size_t cap = table_size_for(n);
    uint32_t *table = sc_calloc(cap, sizeof *table);
    if (!table)
        return SCORE_ENOMEM;
    sc_advise_huge(table, cap * sizeof *table);
    sc_free(p->ent_hash);
    p->ent_hash = table;
    p->ent_hash_cap = cap;
    ent_hash_rebuild(p);
    return SCORE_OK;
}

/* ---- writing --------------------------------------------------------- */

int sc_panel_begin(score_panel *p, sc_savepoint *save)
{
    save->n_obs = p->n_obs;
    save->n_ent = p->n_ent;
    save->min_period = p->min_period;
    save->max_period = p->max_period;
    save->sorted = atomic_load(&p->sorted);
    p->n_undo = 0;
    p->undo_limit = p->n_obs;
    p->recording = 1;
    if (obs_hash_reserve(p, p->n_obs + 1) != SCORE_OK)
        return sc_error(SCORE_ENOMEM, "out of memory indexing the panel");
    return SCORE_OK;
}

void sc_panel_commit(score_panel *p, sc_savepoint *save)
{
    (void)save;
    p->recording = 0;
    p->n_undo = 0;
    if (p->cap_undo > 1024) {
        sc_free(p->undo);
        p->undo = NULL;
        p->cap_undo = 0;
    }
}

void sc_panel_rollback(score_panel *p, const sc_savepoint *save)
{
    for (size_t i = p->n_undo; i-- > 0;)
        p->obs[p->undo[i].index].value = p->undo[i].value;
    p->n_obs = save->n_obs;
    p->n_ent = save->n_ent;
    p->min_period = save->min_period;
    p->max_period = save->max_period;
    p->last_ent = NO_ENT;
    /* Nothing is sorted during a read, so the sorted part is as it was. The
     * enterprise table only lost entries: rebuild it in place. The tail's
     * table is dropped and rebuilt by the next write. */
    if (p->ent_hash_cap)
        ent_hash_rebuild(p);
    drop_obs_hash(p);
    atomic_store(&p->sorted, save->sorted);
    sc_panel_commit(p, NULL);
}

/* Room for one more enterprise, so that interning cannot fail half way. */
static int reserve_ent(score_panel *p)
{
    if (p->n_ent >= SC_MAX_ENT)
        return sc_error(SCORE_ELIMIT, "the panel holds its limit of %zu enterprises", SC_MAX_ENT);
    if (sc_grow((void **)&p->codes, &p->cap_ent, p->n_ent + 1, sizeof *p->codes) != SCORE_OK ||
        ent_hash_reserve(p, p->n_ent + 1) != SCORE_OK)
        return sc_error(SCORE_ENOMEM, "out of memory adding enterprise %zu to the panel", p->n_ent + 1);
    return SCORE_OK;
}

/* Room for `more` observations, `replacing` of them replacements that the
 * undo log must hold; SCORE_ENOMEM without a message. */
static int grow_for(score_panel *p, size_t more, size_t replacing)
{
    size_t want = p->n_obs + more;
    if (sc_grow((void **)&p->obs, &p->cap_obs, want, sizeof *p->obs) != SCORE_OK ||
        obs_hash_reserve(p, want) != SCORE_OK ||
        (p->recording &&
         sc_grow((void **)&p->undo, &p->cap_undo, p->n_undo + replacing, sizeof *p->undo) != SCORE_OK))
        return SCORE_ENOMEM;
    return SCORE_OK;
}

int sc_panel_reserve(score_panel *p, size_t more)
{
    if (more > SC_MAX_OBS - p->n_obs)
        return sc_error(SCORE_ELIMIT, "the panel holds its limit of %zu observations", SC_MAX_OBS);
    if (grow_for(p, more, more) != SCORE_OK)
        return sc_error(SCORE_ENOMEM, "out of memory adding to the panel (%zu observations)",
                        p->n_obs);
    return SCORE_OK;
}

void sc_panel_expect(score_panel *p, size_t observations)
{
    if (observations > SC_MAX_OBS - p->n_obs)
        observations = SC_MAX_OBS - p->n_obs;
    /* only a hint: without the memory, the tables grow as the data comes */
    (void)grow_for(p, observations, 0);
}

int sc_panel_intern(score_panel *p, const char *uscc, uint32_t *ent)
{
    if (p->last_ent != NO_ENT && memcmp(p->codes[p->last_ent], uscc, 18) == 0) {
        *ent = (uint32_t)p->last_ent;
        return SCORE_OK;
    }
    size_t e = ent_find(p, uscc);
    if (e == NO_ENT) {
        int rc = reserve_ent(p);
        if (rc != SCORE_OK)
            return rc;
        e = p->n_ent++;
        memcpy(p->codes[e], uscc, 18);
        ent_hash_insert(p->ent_hash, p->ent_hash_cap, uscc, e);
        atomic_store_explicit(&p->sorted, 0, memory_order_relaxed);
    }
    p->last_ent = e;
    *ent = (uint32_t)e;
    return SCORE_OK;
}

static void replace_value(score_panel *p, size_t i, sc_pending *o)
{
    if (p->recording && i < p->undo_limit)
        p->undo[p->n_undo++] = (sc_undo){(uint32_t)i, p->obs[i].value};
    p->obs[i].value = o->value;
    o->replaced = 1;
}

/* The index of the key in the sorted part, or NO_ENT. */
static size_t find_sorted(const score_panel *p, const sc_pending *o)
{
    if (o->ent >= p->n_ent_sorted)
        return NO_ENT;
    size_t first = p->ent_start[o->ent], n = p->ent_start[o->ent + 1] - first;
    size_t i = first + sc_obs_lower_bound(p->obs + first, n, o->field, o->period);
    if (i < first + n && p->obs[i].field == o->field && p->obs[i].period == o->period)
        return i;
    return NO_ENT;
}

static void store_one(score_panel *p, sc_pending *o, uint64_t key, uint64_t h)
{
    size_t mask = p->obs_hash_cap - 1;
    size_t slot = (size_t)(h >> 32) & mask;
    uint32_t fingerprint = (uint32_t)(h & 0xF);
    for (uint32_t v; (v = p->obs_hash[slot]) != 0; slot = (slot + 1) & mask) {
        if ((v >> OBS_INDEX_BITS) != fingerprint)
            continue;
        size_t i = (v & OBS_INDEX_MASK) - 1;
        const sc_obs *old = &p->obs[i];
        if (obs_key(old->ent, old->field, old->period) == key) {
            replace_value(p, i, o);
            return;
        }
    }
    size_t sorted = find_sorted(p, o);
    if (sorted != NO_ENT) {
        replace_value(p, sorted, o);
        return;
    }
    size_t i = p->n_obs++;
    p->obs[i] = (sc_obs){o->ent, o->period, o->field, 0, o->value};
    p->obs_hash[slot] = (fingerprint << OBS_INDEX_BITS) | (uint32_t)(i + 1);
    if (o->period) {
        if (!p->min_period || o->period < p->min_period)
            p->min_period = o->period;
        if (o->period > p->max_period)
            p->max_period = o->period;
    }
    o->replaced = 0;
    atomic_store_explicit(&p->sorted, 0, memory_order_relaxed);
}

/* Hashing a whole batch first and prefetching its slots lets the cache
 * misses of the table overlap instead of coming one after another. */
void sc_panel_store(score_panel *p, sc_pending *batch, size_t n)
{
    uint64_t keys[SC_BATCH], hashes[SC_BATCH];
    for (size_t start = 0; start < n; start += SC_BATCH) {
        size_t m = n - start < SC_BATCH ? n - start : SC_BATCH;
        sc_pending *b = batch + start;
        for (size_t i = 0; i < m; i++) {
            keys[i] = obs_key(b[i].ent, b[i].field, b[i].period);
            hashes[i] = obs_hash_of(keys[i]);
            __builtin_prefetch(&p->obs_hash[(size_t)(hashes[i] >> 32) & (p->obs_hash_cap - 1)]);
            if (b[i].ent < p->n_ent_sorted)
                __builtin_prefetch(&p->ent_start[b[i].ent]);
        }
        for (size_t i = 0; i < m; i++)
            store_one(p, &b[i], keys[i], hashes[i]);
    }
}

int sc_panel_put(score_panel *p, const char *uscc, int field, uint16_t period, double value,
                 int *replaced)
{
    /* everything that can fail comes before the first change */
    int rc = sc_panel_reserve(p, 1);
    if (rc == SCORE_OK)
        rc = reserve_ent(p);
    if (rc != SCORE_OK)
        return rc;
    sc_pending o = {0, period, (uint8_t)field, 0, value, 0};
    sc_panel_intern(p, uscc, &o.ent);
    sc_panel_store(p, &o, 1);
    *replaced = o.replaced;
    return SCORE_OK;
}

/* ---- sorting --------------------------------------------------------- */

typedef struct ranked_code {
    char code[18];
    uint32_t old_id;
} ranked_code;

static int compare_codes(const void *a, const void *b)
{
    return memcmp(a, b, 18);
}

static int compare_obs_in_ent(const void *a, const void *b)
{
    const sc_obs *x = a, *y = b;
    if (x->field != y->field)
        return x->field < y->field ? -1 : 1;
    return (x->period > y->period) - (x->period < y->period);
}

/* Renumber enterprises in USCC order: the ids below n_ent_sorted already
 * are, so only the newcomers are sorted, then merged in from the back.
 * `ranked` holds the newcomers, `rank` receives old id -> new id. */
static void renumber(score_panel *p, ranked_code *ranked, uint32_t *rank)
{
    size_t old = p->n_ent_sorted, added = p->n_ent - old;
    for (size_t k = 0; k < added; k++) {
        memcpy(ranked[k].code, p->codes[old + k], 18);
        ranked[k].old_id = (uint32_t)(old + k);
    }
    qsort(ranked, added, sizeof *ranked, compare_codes);
    size_t i = old, j = added;
    for (size_t k = p->n_ent; k-- > 0;) {
        if (j == 0 || (i > 0 && memcmp(p->codes[i - 1], ranked[j - 1].code, 18) > 0)) {
            i--;
            rank[i] = (uint32_t)k;
            memmove(p->codes[k], p->codes[i], 18);
        } else {
            j--;
            rank[ranked[j].old_id] = (uint32_t)k;
            memcpy(p->codes[k], ranked[j].code, 18);
        }
    }
    for (size_t o = 0; o < p->n_obs; o++)
        p->obs[o].ent = rank[p->obs[o].ent];
    ent_hash_rebuild(p);
    p->last_ent = NO_ENT;
}

/* In-place bucket sort of obs[0 .. n) by enterprise (American flag sort):
 * no second copy of the observations is needed. start[n_ent + 1] receives
 * each enterprise's offset; `next` is scratch for n_ent entries. */
static void bucket_by_enterprise(sc_obs *obs, size_t n, size_t n_ent, uint32_t *start,
                                 uint32_t *next)
{
    memset(start, 0, (n_ent + 1) * sizeof *start);
    for (size_t i = 0; i < n; i++)
        start[obs[i].ent + 1]++;
    for (size_t e = 0; e < n_ent; e++)
        start[e + 1] += start[e];
    memcpy(next, start, n_ent * sizeof *next);
    for (size_t e = 0; e < n_ent; e++) {
        while (next[e] < start[e + 1]) {
            sc_obs x = obs[next[e]];
            while (x.ent != e) {
                sc_obs y = obs[next[x.ent]];
                obs[next[x.ent]++] = x;
                x = y;
            }
            obs[next[e]++] = x;
        }
    }
}

/* Sort each enterprise's run of obs by (field, period) where it is not
 * already in order. */
static void sort_runs(sc_obs *obs, const uint32_t *start, size_t n_ent)
{
    for (size_t e = 0; e < n_ent; e++) {
        sc_obs *o = obs + start[e];
        size_t n = start[e + 1] - start[e];
        for (size_t i = 1; i < n; i++)
            if (compare_obs_in_ent(&o[i - 1], &o[i]) > 0) {
                qsort(o, n, sizeof *o, compare_obs_in_ent);
                break;
            }
    }
}

static uint64_t sort_key(const sc_obs *o)
{
    return obs_key(o->ent, o->field, o->period);
}

/* Merge the sorted tail into the sorted part, from the back, through a copy
 * of the tail. */
static void merge_tail(score_panel *p, sc_obs *scratch)
{
    size_t tail = p->n_obs - p->n_sorted;
    memcpy(scratch, p->obs + p->n_sorted, tail * sizeof *scratch);
    size_t i = p->n_sorted, j = tail;
    for (size_t k = p->n_obs; j > 0;) {
        if (i > 0 && sort_key(&p->obs[i - 1]) > sort_key(&scratch[j - 1]))
            p->obs[--k] = p->obs[--i];
        else
            p->obs[--k] = scratch[--j];
    }
}

/* Offsets and latest dated period of every enterprise, by one pass. */
static void index_enterprises(score_panel *p)
{
    memset(p->ent_start, 0, (p->n_ent + 1) * sizeof *p->ent_start);
    memset(p->ent_last, 0, (p->n_ent + 1) * sizeof *p->ent_last);
    for (size_t i = 0; i < p->n_obs; i++) {
        const sc_obs *o = &p->obs[i];
        p->ent_start[o->ent + 1]++;
        if (o->period > p->ent_last[o->ent])
            p->ent_last[o->ent] = o->period;
    }
    for (size_t e = 0; e < p->n_ent; e++)
        p->ent_start[e + 1] += p->ent_start[e];
}

/* Sort what was added since the last sort. The cost follows the tail: the
 * sorted part is only renumbered (when enterprises were added) and merged. */
static int sort_panel(score_panel *p)
{
    size_t added = p->n_ent - p->n_ent_sorted, tail = p->n_obs - p->n_sorted;
    ranked_code *ranked = sc_malloc_array(added + 1, sizeof *ranked);
    uint32_t *rank = sc_malloc_array(p->n_ent + 1, sizeof *rank);
    uint32_t *tail_start = sc_malloc_array(p->n_ent + 1, sizeof *tail_start);
    sc_obs *scratch = p->n_sorted && tail ? sc_malloc_array(tail, sizeof *scratch) : NULL;
    uint32_t *start = sc_realloc_array(p->ent_start, p->n_ent + 1, sizeof *start);
    if (start)
        p->ent_start = start;
    uint16_t *last = sc_realloc_array(p->ent_last, p->n_ent + 1, sizeof *last);
    if (last)
        p->ent_last = last;
    int rc = SCORE_OK;
    if (!ranked || !rank || !tail_start || (p->n_sorted && tail && !scratch) || !start || !last) {
        rc = sc_error(SCORE_ENOMEM, "out of memory sorting the panel (%zu observations)", p->n_obs);
    } else {
        if (added)
            renumber(p, ranked, rank);
        sc_obs *tail_obs = p->obs + p->n_sorted;
        bucket_by_enterprise(tail_obs, tail, p->n_ent, tail_start, rank);
        sort_runs(tail_obs, tail_start, p->n_ent);
        if (scratch)
            merge_tail(p, scratch);
        index_enterprises(p);
        p->n_sorted = p->n_obs;
        p->n_ent_sorted = p->n_ent;
        drop_obs_hash(p);
    }
    sc_free(ranked);
    sc_free(rank);
    sc_free(tail_start);
    sc_free(scratch);
    return rc;
}

int sc_panel_prepare(const score_panel *cp)
{
    score_panel *p = (score_panel *)cp; /* sorting keeps the logical content */
    if (atomic_load_explicit(&p->sorted, memory_order_acquire))
        return SCORE_OK;
    pthread_mutex_lock(&p->lock);
    int rc = SCORE_OK;
    if (!atomic_load_explicit(&p->sorted, memory_order_relaxed)) {
        rc = sort_panel(p);
        if (rc == SCORE_OK)
            atomic_store_explicit(&p->sorted, 1, memory_order_release);
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* ---- reading --------------------------------------------------------- */

const sc_obs *sc_panel_obs(const score_panel *p, size_t ent, size_t *n)
{
    *n = p->ent_start[ent + 1] - p->ent_start[ent];
    return p->obs + p->ent_start[ent];
}

unsigned sc_panel_last_period(const score_panel *p, size_t ent)
{
    return p->ent_last[ent];
}

const char *sc_panel_uscc(const score_panel *p, size_t ent)
{
    return p->codes[ent];
}

size_t sc_obs_lower_bound(const sc_obs *obs, size_t n, int field, unsigned period)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (obs[mid].field < field || (obs[mid].field == field && obs[mid].period < period))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int prepared(const score_panel *p, const char *fn)
{
    if (!p)
        return sc_error(SCORE_EINVAL, "%s: panel is NULL", fn);
    int rc = sc_panel_prepare(p);
    return rc == SCORE_OK ? rc : sc_error_prefix(rc, fn);
}

int score_panel_enterprise(const score_panel *p, size_t index, char uscc[SCORE_USCC_SIZE])
{
    int rc = prepared(p, "score_panel_enterprise");
    if (rc != SCORE_OK)
        return rc;
    if (!uscc || index >= p->n_ent)
        return sc_error(SCORE_EINVAL, "score_panel_enterprise: %s",
                        !uscc ? "uscc is NULL" : "index is not below the number of enterprises");
    memcpy(uscc, p->codes[index], 18);
    uscc[18] = '\0';
    return SCORE_OK;
}

static int find_code(const score_panel *p, const char *uscc, size_t *index, const char *fn)
{
    if (!uscc)
        return sc_error(SCORE_EINVAL, "%s: uscc is NULL", fn);
    size_t ent = strnlen(uscc, SCORE_USCC_SIZE) == 18 ? ent_find(p, uscc) : NO_ENT;
    if (ent == NO_ENT)
        return sc_error(SCORE_ENOTFOUND, "%s: no enterprise %.18s in the panel", fn, uscc);
    *index = ent;
    return SCORE_OK;
}

int score_panel_find(const score_panel *p, const char *uscc, size_t *index)
{
    int rc = prepared(p, "score_panel_find");
    if (rc != SCORE_OK)
        return rc;
    if (!index)
        return sc_error(SCORE_EINVAL, "score_panel_find: index is NULL");
    return find_code(p, uscc, index, "score_panel_find");
}

int score_panel_period_range(const score_panel *p, int *first_month, int *last_month)
{
    if (!p || !first_month || !last_month)
        return sc_error(SCORE_EINVAL, "score_panel_period_range: NULL argument");
    if (!p->min_period)
        return sc_error(SCORE_ENOTFOUND, "score_panel_period_range: the panel has no dated observation");
    *first_month = sc_month_yyyymm(SC_MONTH_OF_PERIOD(p->min_period));
    *last_month = sc_month_yyyymm(SC_MONTH_OF_PERIOD(p->max_period));
    return SCORE_OK;
}

int score_panel_series(const score_panel *p, const char *uscc, const char *source,
                       const char *field, const char *asof, int *months, double *values,
                       size_t capacity, size_t *n_out)
{
    static const char fn[] = "score_panel_series";
    int rc = prepared(p, fn);
    if (rc != SCORE_OK)
        return rc;
    if (!source || !field || !n_out)
        return sc_error(SCORE_EINVAL, "%s: NULL argument", fn);
    int id = sc_field_lookup(source, strlen(source), field, strlen(field));
    if (id < 0)
        return sc_error(SCORE_ENOTFOUND, "%s: standard v1 has no field %s:%s", fn, source, field);
    unsigned limit = 0xFFFF;
    if (asof) {
        int month;
        rc = sc_month_arg(asof, "score_panel_series: asof", &month);
        if (rc != SCORE_OK)
            return rc;
        limit = SC_PERIOD_OF_MONTH(month);
    }
    size_t ent = 0;
    rc = find_code(p, uscc, &ent, fn);
    if (rc != SCORE_OK)
        return rc;
    size_t n;
    const sc_obs *obs = sc_panel_obs(p, ent, &n);
    size_t lo = sc_obs_lower_bound(obs, n, id, 0);
    size_t hi = sc_obs_lower_bound(obs, n, id, limit + 1);
    for (size_t i = lo; i < hi && i - lo < capacity; i++) {
        if (months)
            months[i - lo] = obs[i].period ? sc_month_yyyymm(SC_MONTH_OF_PERIOD(obs[i].period)) : 0;
        if (values)
            values[i - lo] = obs[i].value;
    }
    *n_out = hi - lo;
    return SCORE_OK;
}

int score_panel_source_count(const score_panel *p, const char *source, size_t *count)
{
    int rc = prepared(p, "score_panel_source_count");
    if (rc != SCORE_OK)
        return rc;
    if (!source || !count)
        return sc_error(SCORE_EINVAL, "score_panel_source_count: NULL argument");
    int s = sc_source_lookup(source, strlen(source));
    if (s < 0)
        return sc_error(SCORE_ENOTFOUND, "score_panel_source_count: standard v1 has no source %s",
                        source);
    size_t total = 0;
    for (size_t e = 0; e < p->n_ent; e++) {
        unsigned mask;
        score_panel_enterprise_sources(p, e, &mask);
        total += (mask >> s) & 1u;
    }
    *count = total;
    return SCORE_OK;
}

int score_panel_enterprise_sources(const score_panel *p, size_t index, unsigned *sources)
{
    int rc = prepared(p, "score_panel_enterprise_sources");
    if (rc != SCORE_OK)
        return rc;
    if (!sources || index >= p->n_ent)
        return sc_error(SCORE_EINVAL, "score_panel_enterprise_sources: %s",
                        !sources ? "sources is NULL" : "index is not below the number of enterprises");
    size_t n;
    const sc_obs *obs = sc_panel_obs(p, index, &n);
    unsigned mask = 0;
    for (size_t i = 0; i < n; i++)
        mask |= 1u << sc_fields[obs[i].field].source;
    *sources = mask;
    return SCORE_OK;
}
