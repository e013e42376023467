/*
 * The two ways to raise alerts, which give the same alerts:
 *
 *   score_monitor_evaluate  stateless: every enterprise of the panel is
 *                           assessed as of the previous month and as of the
 *                           as-of month, and the two compared;
 *   score_monitor_update    a monitor keeps each enterprise's last state and
 *                           re-assesses only the enterprises touched by new
 *                           data (an observation dated after the previous
 *                           month); the others keep their state.
 */
#include <string.h>

#include "monitor.h"

static int check_model(const score_model *model, const char *fn)
{
    if (model && model->input != INPUT_SIGNALS)
        return sc_error(SCORE_EINVAL, "%s: the model eats a table with named columns, not signals",
                        fn);
    return SCORE_OK;
}

static int previous_month(const char *previous, int asof, const char *fn, int *out)
{
    if (!previous) {
        *out = asof - 1;
        return SCORE_OK;
    }
    char what[96];
    sc_snprintf(what, sizeof what, "%s: previous", fn);
    int rc = sc_month_arg(previous, what, out);
    if (rc == SCORE_OK && *out >= asof)
        rc = sc_error(SCORE_EINVAL, "%s: previous (%s) must be before asof", fn, previous);
    return rc;
}

/* Enterprises assessed together: their states are computed on the threads
 * (each writes only its own), then compared in order on the calling thread,
 * so that the alerts are the same for any number of threads. */
#define EVALUATE_CHUNK 4096

typedef struct evaluate_job {
    const sc_monitor_ctx *ctx;
    const score_panel *panel;
    size_t first;                 /* the chunk's first enterprise */
    int before_month, now_month;
    sc_state *before, *now;       /* a chunk's states */
} evaluate_job;

static int evaluate_range(void *user, size_t begin, size_t end)
{
    const evaluate_job *job = user;
    sc_view *view = sc_malloc(sizeof *view);
    if (!view)
        return sc_error(SCORE_ENOMEM, "out of memory");
    for (size_t i = begin; i < end; i++) {
        sc_monitor_assess(job->ctx, job->panel, job->first + i, job->before_month, view,
                          &job->before[i]);
        sc_monitor_assess(job->ctx, job->panel, job->first + i, job->now_month, view, &job->now[i]);
    }
    sc_free(view);
    return SCORE_OK;
}

static int evaluate(const score_model *model, const score_monitor_config *config,
                    const score_panel *panel, const char *asof, const char *previous,
                    unsigned threads, const char *fn, score_alerts **out)
{
    int now_month, before_month;
    if (!panel || !out)
        return sc_error(SCORE_EINVAL, "%s: panel and out must not be NULL", fn);
    int rc = check_model(model, fn);
    char what[96];
    snprintf(what, sizeof what, "%s: asof", fn);
    if (rc == SCORE_OK)
        rc = sc_month_arg(asof, what, &now_month);
    if (rc == SCORE_OK)
        rc = previous_month(previous, now_month, fn, &before_month);
    if (rc == SCORE_OK && (rc = sc_panel_prepare(panel)) != SCORE_OK)
        rc = sc_error_prefix(rc, fn);
    if (rc != SCORE_OK)
        return rc;
    score_monitor_config defaults;
    if (!config) {
        sc_monitor_config_defaults(&defaults);
        config = &defaults;
    }
    sc_monitor_ctx ctx = {model, config};
    score_alerts *alerts = NULL;
    const size_t n = score_panel_n_enterprises(panel);
    const size_t chunk = n < EVALUATE_CHUNK ? n + 1 : EVALUATE_CHUNK;
    evaluate_job job = {&ctx, panel, 0, before_month, now_month, NULL, NULL};
    job.before = sc_malloc_array(chunk, sizeof *job.before);
    job.now = sc_malloc_array(chunk, sizeof *job.now);
    if (!job.before || !job.now || (rc = sc_alerts_new(&alerts)) != SCORE_OK) {
        sc_free(job.before);
        sc_free(job.now);
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    }
    for (job.first = 0; job.first < n && rc == SCORE_OK; job.first += chunk) {
        const size_t len = n - job.first < chunk ? n - job.first : chunk;
        rc = sc_parallel_ranges(len, threads, evaluate_range, &job);
        for (size_t i = 0; i < len && rc == SCORE_OK; i++)
            rc = sc_alerts_compare(alerts, &ctx, sc_panel_uscc(panel, job.first + i),
                                   &job.before[i], &job.now[i]);
    }
    sc_free(job.before);
    sc_free(job.now);
    if (rc != SCORE_OK) {
        score_alerts_free(alerts);
        return sc_error_prefix(rc, fn);
    }
    *out = alerts;
    return SCORE_OK;
}

int score_monitor_evaluate(const score_model *model, const score_monitor_config *config,
                           const score_panel *panel, const char *asof, const char *previous,
                           score_alerts **out)
{
    return evaluate(model, config, panel, asof, previous, 1, "score_monitor_evaluate", out);
}

int score_monitor_evaluate_batch(const score_model *model, const score_monitor_config *config,
                                 const score_panel *panel, const char *asof, const char *previous,
                                 const score_batch_options *options, score_alerts **out)
{
    static const char fn[] = "score_monitor_evaluate_batch";
    score_batch_options opt;
    int rc = sc_batch_options(options, &opt, fn);
    return rc != SCORE_OK ? rc : evaluate(model, config, panel, asof, previous, opt.threads, fn, out);
}

/* ---- the stateful monitor ---------------------------------------------------- */

/* A state computed by an update, applied only when the whole update worked. */
typedef struct sc_pending_state {
    size_t entry;          /* index of the monitor's entry, or SIZE_MAX for a new enterprise */
    char uscc[18];
    sc_state state;
} sc_pending_state;

struct score_monitor {
    const score_model *model;
    score_monitor_config config;
    int month;                 /* the month of the last update; INT_MIN before the first */
    /* the enterprises, sorted by USCC; the codes apart from the states, so
     * that the walk over every enterprise each month reads little memory */
    char (*codes)[18];
    sc_state *states;
    size_t n_entries;
    size_t evaluated, carried; /* of the last update */
};

int score_monitor_new(const score_model *model, const score_monitor_config *config,
                      score_monitor **out)
{
    static const char fn[] = "score_monitor_new";
    if (!out)
        return sc_error(SCORE_EINVAL, "%s: out is NULL", fn);
    int rc = check_model(model, fn);
    if (rc != SCORE_OK)
        return rc;
    score_monitor *m = sc_calloc(1, sizeof *m);
    if (!m)
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    m->model = model;
    if (config)
        m->config = *config;
    else
        sc_monitor_config_defaults(&m->config);
    m->month = INT_MIN;
    *out = m;
    return SCORE_OK;
}

void score_monitor_free(score_monitor *monitor)
{
    if (!monitor)
        return;
    sc_free(monitor->codes);
    sc_free(monitor->states);
    sc_free(monitor);
}

typedef struct update_run {
    score_monitor *m;
    const score_panel *panel;
    sc_monitor_ctx ctx;
    int now_month, before_month;
    sc_view *view;
    score_alerts *alerts;
    sc_pending_state *pending;
    size_t n_pending, cap_pending, n_new, evaluated;
} update_run;

static int keep(update_run *u, size_t entry, const char *uscc, const sc_state *state)
{
    if (u->n_pending == u->cap_pending &&
        sc_grow((void **)&u->pending, &u->cap_pending, u->n_pending + 1, sizeof *u->pending) !=
            SCORE_OK)
        return sc_error(SCORE_ENOMEM, "out of memory for the monitor's states");
    sc_pending_state *p = &u->pending[u->n_pending++];
    p->entry = entry;
    memcpy(p->uscc, uscc, 18);
    p->state = *state;
    u->n_new += entry == SIZE_MAX;
    return SCORE_OK;
}

/* Bring the observations of enterprise e into the cache ahead of its
 * assessment: touched enterprises are scattered over the panel, and their
 * observations would otherwise come from memory one miss after another. */
static void prefetch_enterprise(const score_panel *panel, size_t e)
{
    size_t n;
    const sc_obs *obs = sc_panel_obs(panel, e, &n);
    const char *p = (const char *)obs, *end = (const char *)(obs + n);
    for (; p < end; p += 64)
        __builtin_prefetch(p);
}

/* Assess one enterprise now; `entry` is its index in the monitor, or
 * SIZE_MAX when the monitor has no state of it. */
static int visit(update_run *u, size_t e, size_t entry)
{
    const char *uscc = sc_panel_uscc(u->panel, e);
    sc_state before, now;
    if (entry != SIZE_MAX)
        before = u->m->states[entry];
    else
        sc_monitor_assess(&u->ctx, u->panel, e, u->before_month, u->view, &before);
    sc_monitor_assess(&u->ctx, u->panel, e, u->now_month, u->view, &now);
    u->evaluated++;
    int rc = sc_alerts_compare(u->alerts, &u->ctx, uscc, &before, &now);
    return rc == SCORE_OK ? keep(u, entry, uscc, &now) : rc;
}

typedef struct due {
    size_t e, entry;
} due;

/* Find the enterprises to assess (new to the monitor, or with an
 * observation dated after the previous month), then assess them in panel
 * order, fetching the next one's observations while assessing this one. */
static int walk(update_run *u)
{
    score_monitor *m = u->m;
    size_t n = score_panel_n_enterprises(u->panel), j = 0, n_due = 0, cap_due = 0;
    due *list = NULL;
    for (size_t e = 0; e < n; e++) {
        const char *uscc = sc_panel_uscc(u->panel, e);
        int cmp = 1;
        while (j < m->n_entries && (cmp = memcmp(m->codes[j], uscc, 18)) < 0)
            j++;
        size_t entry = j < m->n_entries && cmp == 0 ? j : SIZE_MAX;
        if (entry != SIZE_MAX && sc_data_month(u->panel, e, u->now_month) <= u->before_month)
            continue; /* nothing dated after the previous month: the state holds */
        if (n_due == cap_due && sc_grow((void **)&list, &cap_due, n_due + 1, sizeof *list) != SCORE_OK) {
            sc_free(list);
            return sc_error(SCORE_ENOMEM, "out of memory for the monitor's states");
        }
        list[n_due++] = (due){e, entry};
    }
    int rc = SCORE_OK;
    for (size_t i = 0; i < n_due && rc == SCORE_OK; i++) {
        if (i + 1 < n_due)
            prefetch_enterprise(u->panel, list[i + 1].e);
        rc = visit(u, list[i].e, list[i].entry);
    }
    sc_free(list);
    return rc;
}

/* Apply the pending states: in place, or merged with the new enterprises. */
static int commit(update_run *u)
{
    score_monitor *m = u->m;
    if (u->n_new == 0) {
        for (size_t i = 0; i < u->n_pending; i++)
            m->states[u->pending[i].entry] = u->pending[i].state;
        return SCORE_OK;
    }
    size_t total = m->n_entries + u->n_new;
    char (*codes)[18] = sc_malloc_array(total, sizeof *codes);
    sc_state *states = sc_malloc_array(total, sizeof *states);
    if (!codes || !states) {
        sc_free(codes);
        sc_free(states);
        return sc_error(SCORE_ENOMEM, "out of memory for the monitor's states");
    }
    size_t i = 0, k = 0;
    for (size_t j = 0; j <= m->n_entries; j++) {
        /* new enterprises sort before entry j (or come after the last) */
        for (; i < u->n_pending && u->pending[i].entry == SIZE_MAX &&
               (j == m->n_entries || memcmp(u->pending[i].uscc, m->codes[j], 18) < 0);
             i++, k++) {
            memcpy(codes[k], u->pending[i].uscc, 18);
            states[k] = u->pending[i].state;
        }
        if (j == m->n_entries)
            break;
        memcpy(codes[k], m->codes[j], 18);
        states[k] = m->states[j];
        if (i < u->n_pending && u->pending[i].entry == j)
            states[k] = u->pending[i++].state;
        k++;
    }
    sc_free(m->codes);
    sc_free(m->states);
    m->codes = codes;
    m->states = states;
    m->n_entries = total;
    return SCORE_OK;
}

int score_monitor_update(score_monitor *monitor, const score_panel *panel, const char *asof,
                         score_alerts **out)
{
    static const char fn[] = "score_monitor_update";
    if (!monitor || !panel)
        return sc_error(SCORE_EINVAL, "%s: monitor and panel must not be NULL", fn);
    update_run u = {.m = monitor, .panel = panel, .ctx = {monitor->model, &monitor->config}};
    int rc = sc_month_arg(asof, "score_monitor_update: asof", &u.now_month);
    if (rc == SCORE_OK && monitor->month != INT_MIN && u.now_month <= monitor->month) {
        char last[8];
        sc_month_format(monitor->month, last);
        rc = sc_error(SCORE_EINVAL, "%s: asof %s is not after the monitor's month %s", fn, asof,
                      last);
    }
    if (rc == SCORE_OK && (rc = sc_panel_prepare(panel)) != SCORE_OK)
        rc = sc_error_prefix(rc, fn);
    if (rc != SCORE_OK)
        return rc;
    u.before_month = monitor->month == INT_MIN ? u.now_month - 1 : monitor->month;
    u.view = sc_malloc(sizeof *u.view);
    if (!u.view || sc_alerts_new(&u.alerts) != SCORE_OK)
        rc = sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    if (rc == SCORE_OK)
        rc = walk(&u);
    if (rc == SCORE_OK)
        rc = commit(&u);
    sc_free(u.view);
    sc_free(u.pending);
    if (rc != SCORE_OK) {
        score_alerts_free(u.alerts);
        return sc_error_prefix(rc, fn);
    }
    monitor->month = u.now_month;
    monitor->evaluated = u.evaluated;
    monitor->carried = monitor->n_entries - u.evaluated;
    if (out)
        *out = u.alerts;
    else
        score_alerts_free(u.alerts);
    return SCORE_OK;
}

int score_monitor_stats_get(const score_monitor *monitor, score_monitor_stats *out)
{
    if (!monitor || !out)
        return sc_error(SCORE_EINVAL, "score_monitor_stats_get: NULL argument");
    int rc = sc_out_size(out->size, sizeof *out, "score_monitor_stats_get", "score_monitor_stats");
    if (rc != SCORE_OK)
        return rc;
    score_monitor_stats s = {
        .size = out->size,
        .month = monitor->month == INT_MIN ? 0 : sc_month_yyyymm(monitor->month),
        .enterprises = monitor->n_entries,
        .evaluated = monitor->evaluated,
        .carried = monitor->carried,
    };
    memcpy(out, &s, out->size);
    return SCORE_OK;
}
