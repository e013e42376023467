/* score pool: mutual-aid risk pools (docs/pools.md). A ledger directory
 * (init, apply, state) and the loss simulation and sizing of a list of
 * members (simulate, size). Output is JSON; money in yuan with two
 * decimals. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* apply failed after committing events: a retry must know it */
#define EXIT_PARTIAL 4

static const char help[] =
    "usage: score pool init     --config FILE.json --ledger DIR\n"
    "       score pool apply    --ledger DIR --events FILE.csv\n"
    "       score pool state    --ledger DIR\n"
    "       score pool simulate --config FILE.json --members FILE.csv [--scenarios N]\n"
    "                           [--seed S] [--threads T]\n"
    "       score pool size     --config FILE.json --members FILE.csv\n"
    "                           --solve deposit_rate|fund --target P [--scenarios N]\n"
    "                           [--seed S] [--threads T]\n"
    "\n"
    "A mutual-aid risk pool: members' deposits, a risk-compensation fund and a\n"
    "bank share the losses of the members' loans (docs/pools.md).\n"
    "\n"
    "  init      create a ledger in DIR with the configuration (shares as\n"
    "            fractions, money in yuan; \"preset\": fuqing, anhui-4321 or\n"
    "            national-guarantee-fund may stand in for \"waterfall\")\n"
    "  apply     apply the events of a CSV file: header type,uscc,amount,pd\n"
    "            (optionally event_id, dishonest); types inject, join, deposit,\n"
    "            lend, repay, default, recover, leave; amounts in yuan. Each\n"
    "            refused event is printed on stderr with its line.\n"
    "  state     the ledger's state\n"
    "  simulate  Monte Carlo of one horizon's losses of the members in a CSV\n"
    "            file (uscc,pd,ead,lgd; ead in yuan) under the configuration\n"
    "            (its compensation_fund is the fund assumed)\n"
    "  size      the smallest deposit rate, or fund, that keeps the bank's\n"
    "            probability of any loss at or below P, and the simulation at it\n"
    "\n"
    "  --scenarios N  scenarios to draw (default 100000)\n"
    "  --seed S       the random seed (default 1); the same seed, the same result\n"
    "  --threads T    threads (default: one per CPU); the result does not depend on it\n"
    "  --output FILE  write the JSON to FILE instead of standard output\n"
    "\n"
    "exit status: 0 done; 1 usage; 2 an input could not be used (nothing\n"
    "             changed); 3 apply: some events were refused (the others applied);\n"
    "             4 apply: failed part-way or could not write its report, after\n"
    "             committing events (stderr says how many)\n";

/* ---- JSON output, with money as numbers with exactly two decimals -------- */

typedef struct jw {
    FILE *f;
    int depth, first;
} jw;

static void jw_key(jw *w, const char *key)
{
    fprintf(w->f, "%s\n%*s", w->first ? "" : ",", 2 * w->depth, "");
    w->first = 0;
    if (key)
        fprintf(w->f, "\"%s\": ", key); /* keys are this file's own words */
}

static void jw_open(jw *w, const char *key)
{
    if (w->depth)
        jw_key(w, key);
    fputc('{', w->f);
    w->depth++;
    w->first = 1;
}

static void jw_close(jw *w)
{
    w->depth--;
    fprintf(w->f, "\n%*s}", 2 * w->depth, "");
    w->first = 0;
    if (!w->depth)
        fputc('\n', w->f);
}

static void jw_string(jw *w, const char *key, const char *value)
{
    jw_key(w, key);
    json_t *s = json_string(value);
    char *text = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
    fputs(text ? text : "null", w->f);
    free(text);
    json_decref(s);
}

static void jw_real(jw *w, const char *key, double value)
{
    jw_key(w, key);
    if (isfinite(value))
        fprintf(w->f, "%.10g", value);
    else
        fputs("null", w->f);
}

static void jw_uint(jw *w, const char *key, unsigned long long value)
{
    jw_key(w, key);
    fprintf(w->f, "%llu", value);
}

static void jw_bool(jw *w, const char *key, int value)
{
    jw_key(w, key);
    fputs(value ? "true" : "false", w->f);
}

/* fen as yuan: "-12.05" */
static void jw_money(jw *w, const char *key, int64_t fen)
{
    jw_key(w, key);
    unsigned long long m = fen < 0 ? 0ULL - (unsigned long long)fen : (unsigned long long)fen;
    fprintf(w->f, "%s%llu.%02llu", fen < 0 ? "-" : "", m / 100, m % 100);
}

/* a statistic in fen, rounded to the fen */
static void jw_money_d(jw *w, const char *key, double fen)
{
    jw_money(w, key, (int64_t)llround(fen));
}

static const char *const party_names[SCORE_POOL_N_PARTIES] = {"members", "bank", "fund",
                                                              "guarantor", "reguarantor"};

static void print_config(jw *w, const char *key, const score_pool_config *c)
{
    jw_open(w, key);
    jw_real(w, "deposit_rate", c->deposit_rate);
    jw_real(w, "leverage", c->leverage);
    jw_real(w, "single_member_cap", c->single_member_cap);
    jw_open(w, "admission");
    jw_real(w, "max_pd", c->max_pd);
    jw_close(w);
    jw_money(w, "compensation_fund", c->compensation_fund);
    jw_open(w, "waterfall");
    jw_real(w, "bank", c->share_bank);
    jw_real(w, "fund", c->share_fund);
    jw_real(w, "guarantor", c->share_guarantor);
    jw_real(w, "reguarantor", c->share_reguarantor);
    jw_close(w);
    jw_real(w, "npl_warning", c->npl_warning);
    jw_real(w, "npl_suspend", c->npl_suspend);
    jw_real(w, "fund_floor", c->fund_floor);
    if (c->correlation < 0)
        jw_string(w, "correlation", "basel");
    else
        jw_real(w, "correlation", c->correlation);
    jw_close(w);
}

static void print_state(jw *w, const char *key, const char *dir, const score_pool_state *s)
{
    static const char *const status[] = {"open", "warning", "suspended"};
    jw_open(w, key);
    jw_string(w, "ledger", dir);
    jw_uint(w, "events", s->events);
    jw_uint(w, "members", s->members);
    jw_money(w, "loans_outstanding", s->loans_outstanding);
    jw_money(w, "deposits", s->deposits);
    jw_money(w, "fund_balance", s->fund_balance);
    jw_money(w, "lending_capacity", s->lending_capacity);
    jw_money(w, "defaulted_unrecovered", s->defaulted_unrecovered);
    jw_open(w, "losses");
    for (int p = 0; p < SCORE_POOL_N_PARTIES; p++)
        jw_money(w, party_names[p], s->losses[p]);
    jw_close(w);
    jw_real(w, "npl_ratio", s->npl_ratio);
    jw_string(w, "status", s->status >= 0 && s->status <= 2 ? status[s->status] : "unknown");
    jw_bool(w, "replenish_due", s->replenish_due);
    jw_open(w, "flows");
    jw_money(w, "injected", s->injected);
    jw_money(w, "deposited", s->deposited);
    jw_money(w, "lent", s->lent);
    jw_money(w, "repaid", s->repaid);
    jw_money(w, "refunded", s->refunded);
    jw_money(w, "compensation", s->compensation);
    jw_money(w, "recoveries_paid", s->recoveries_paid);
    jw_close(w);
    jw_uint(w, "journal_bytes", s->journal_bytes);
    jw_uint(w, "torn_bytes", s->torn_bytes);
    jw_close(w);
}

static void print_simulation(jw *w, const char *key, size_t members, uint64_t seed,
                             const score_pool_sim_result *r)
{
    jw_open(w, key);
    jw_uint(w, "members", members);
    jw_uint(w, "scenarios", r->scenarios);
    jw_uint(w, "seed", seed);
    jw_money_d(w, "expected_loss", r->expected_loss);
    jw_money_d(w, "expected_loss_stderr", r->expected_loss_stderr);
    jw_open(w, "loss_quantiles");
    jw_money_d(w, "0.95", r->loss_q95);
    jw_money_d(w, "0.99", r->loss_q99);
    jw_money_d(w, "0.999", r->loss_q999);
    jw_close(w);
    jw_money_d(w, "expected_shortfall", r->expected_shortfall_99);
    jw_real(w, "default_rate", r->default_rate);
    jw_real(w, "default_rate_stderr", r->default_rate_stderr);
    jw_open(w, "parties");
    for (int p = 0; p < SCORE_POOL_N_PARTIES; p++) {
        jw_open(w, party_names[p]);
        jw_money_d(w, "expected_loss", r->party_expected_loss[p]);
        jw_real(w, "p_loss", r->party_p_loss[p]);
        jw_close(w);
    }
    jw_close(w);
    jw_real(w, "p_fund_exhausted", r->p_fund_exhausted);
    jw_real(w, "p_suspended", r->p_suspended);
    jw_close(w);
}

/* ---- arguments ------------------------------------------------------------------ */

typedef struct pool_args {
    const char *config, *ledger, *events, *members, *output, *solve, *target;
    unsigned long long scenarios, seed, threads;
} pool_args;

/* `allowed` lists the options of the subcommand, each followed by a space. */
static int parse_args(const char *name, const char *allowed, int argc, char **argv, pool_args *p)
{
    memset(p, 0, sizeof *p);
    p->scenarios = 100000;
    p->seed = 1;
    cli_args a;
    cli_args_init(&a, name, argc, argv);
    for (const char *opt; (opt = cli_next(&a));) {
        char word[32];
        snprintf(word, sizeof word, "%s ", opt);
        if (strncmp(opt, "--", 2) || !strstr(allowed, word))
            return cli_usage_error(name, "unknown option '%s'", opt);
        static const char *const texts[] = {"--config", "--ledger", "--events", "--members",
                                            "--output", "--solve",  "--target"};
        const char **slots[] = {&p->config, &p->ledger, &p->events, &p->members,
                                &p->output, &p->solve,  &p->target};
        unsigned long long *numbers[] = {&p->scenarios, &p->seed, &p->threads};
        static const char *const number_texts[] = {"--scenarios", "--seed", "--threads"};
        int known = 0;
        for (size_t i = 0; i < sizeof texts / sizeof texts[0] && !known; i++) {
            if (strcmp(opt, texts[i]))
                continue;
            if (!(*slots[i] = cli_value(&a, opt)))
                return EXIT_USAGE;
            known = 1;
        }
        for (size_t i = 0; i < 3 && !known; i++) {
            if (strcmp(opt, number_texts[i]))
                continue;
            const char *v = cli_value(&a, opt);
            if (!v)
                return EXIT_USAGE;
            if (cli_parse_uint64(v, numbers[i]) != 0)
                return cli_usage_error(name, "%s: expected a whole number, got '%s'", opt, v);
            known = 1;
        }
        if (!known)
            return cli_usage_error(name, "unknown option '%s'", opt);
    }
    return EXIT_DONE;
}

static int need(const char *name, const char *value, const char *option)
{
    return value ? EXIT_DONE : cli_usage_error(name, "%s is required", option);
}

/* Open the output (a file, or stdout), write, and close it. */
typedef struct out {
    cli_output file;
    int to_file;
    jw w;
} out;

static int out_open(out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->w.f = stdout;
    if (!path)
        return 0;
    if (cli_output_open(&o->file, path) != 0)
        return -1;
    o->to_file = 1;
    o->w.f = o->file.file;
    return 0;
}

static int out_close(out *o, int status)
{
    if (o->to_file)
        return cli_output_commit(&o->file) == 0 ? status : EXIT_UNUSABLE;
    return fflush(stdout) == 0 ? status : EXIT_UNUSABLE;
}

static void print_warning(void *user, const score_diagnostic *d)
{
    (void)user;
    fprintf(stderr, "warning: %s\n", d->text);
}

/* ---- the subcommands -------------------------------------------------------------- */

static int pool_init(const pool_args *p)
{
    static const char name[] = "pool init";
    if (need(name, p->config, "--config FILE.json") || need(name, p->ledger, "--ledger DIR"))
        return EXIT_USAGE;
    score_pool_config config;
    score_pool_config_init(&config);
    int rc = score_pool_config_read_file(p->config, &config);
    if (rc != SCORE_OK)
        return cli_fail(name, "the configuration cannot be used", rc);
    if ((rc = score_pool_create(p->ledger, &config)) != SCORE_OK)
        return cli_fail(name, "cannot create the ledger", rc);
    out o;
    if (out_open(&o, p->output) != 0)
        return EXIT_UNUSABLE;
    jw_open(&o.w, NULL);
    jw_string(&o.w, "ledger", p->ledger);
    print_config(&o.w, "config", &config);
    jw_close(&o.w);
    return out_close(&o, EXIT_DONE);
}

static int open_ledger(const char *name, const char *dir, int read_only, score_pool **pool)
{
    score_pool_open_options options;
    score_pool_open_options_init(&options);
    options.read_only = read_only;
    options.diagnostic = print_warning;
    int rc = score_pool_open(dir, &options, pool);
    return rc == SCORE_OK ? EXIT_DONE : cli_fail(name, "cannot open the ledger", rc);
}

static int pool_apply(const pool_args *p)
{
    static const char name[] = "pool apply";
    if (need(name, p->ledger, "--ledger DIR") || need(name, p->events, "--events FILE.csv"))
        return EXIT_USAGE;
    score_pool *pool;
    if (open_ledger(name, p->ledger, 0, &pool) != EXIT_DONE)
        return EXIT_UNUSABLE;
    score_pool_apply_options options = {sizeof options, cli_print_diagnostic, NULL, cli_progress,
                                        (void *)p->events};
    score_pool_apply_counts counts = {sizeof counts, 0, 0, 0, 0};
    int rc = score_pool_apply_file(pool, p->events, &options, &counts);
    cli_progress_done();
    if (rc != SCORE_OK) {
        score_pool_free(pool);
        cli_fail(name, "the events could not all be applied", rc);
        if (!counts.applied)
            return EXIT_UNUSABLE;
        fprintf(stderr, "score %s: %zu events of %s were committed to the ledger before the "
                "failure (%zu lines read: %zu duplicates, %zu refused); applying the file again "
                "skips those with an event_id\n", name, counts.applied, p->events, counts.lines,
                counts.duplicates, counts.refused);
        return EXIT_PARTIAL;
    }
    score_pool_state state = {.size = sizeof state};
    score_pool_get_state(pool, &state);
    score_pool_free(pool);
    out o;
    rc = EXIT_UNUSABLE;
    if (out_open(&o, p->output) != 0)
        goto unwritten;
    jw_open(&o.w, NULL);
    jw_string(&o.w, "events_file", p->events);
    jw_uint(&o.w, "lines", counts.lines);
    jw_uint(&o.w, "applied", counts.applied);
    jw_uint(&o.w, "duplicates", counts.duplicates);
    jw_uint(&o.w, "refused", counts.refused);
    print_state(&o.w, "state", p->ledger, &state);
    jw_close(&o.w);
    rc = out_close(&o, counts.refused ? EXIT_REJECTED : EXIT_DONE);
    if (rc != EXIT_UNUSABLE)
        return rc;
unwritten:
    fprintf(stderr, "score %s: the report could not be written, but the %zu events applied "
            "(%zu duplicates, %zu refused, of %zu lines) are committed to the ledger; see them "
            "with score pool state\n", name, counts.applied, counts.duplicates, counts.refused,
            counts.lines);
    return EXIT_PARTIAL;
}

static int pool_state(const pool_args *p)
{
    static const char name[] = "pool state";
    if (need(name, p->ledger, "--ledger DIR"))
        return EXIT_USAGE;
    score_pool *pool;
    if (open_ledger(name, p->ledger, 1, &pool) != EXIT_DONE)
        return EXIT_UNUSABLE;
    score_pool_state state = {.size = sizeof state};
    score_pool_get_state(pool, &state);
    score_pool_free(pool);
    out o;
    if (out_open(&o, p->output) != 0)
        return EXIT_UNUSABLE;
    print_state(&o.w, NULL, p->ledger, &state);
    return out_close(&o, EXIT_DONE);
}

/* The members file and the configuration of simulate and size. */
typedef struct portfolio {
    score_pool_config config;
    size_t n;
    double *pd, *lgd;
    int64_t *ead;
} portfolio;

static void portfolio_free(portfolio *f)
{
    free(f->pd);
    free(f->lgd);
    free(f->ead);
}

static int load_portfolio(const char *name, const pool_args *p, portfolio *f)
{
    memset(f, 0, sizeof *f);
    if (need(name, p->config, "--config FILE.json") || need(name, p->members, "--members FILE.csv"))
        return EXIT_USAGE;
    if (p->scenarios == 0)
        return cli_usage_error(name, "--scenarios must be at least 1");
    score_pool_config_init(&f->config);
    int rc = score_pool_config_read_file(p->config, &f->config);
    if (rc != SCORE_OK)
        return cli_fail(name, "the configuration cannot be used", rc);
    if ((rc = score_pool_read_members(p->members, NULL, NULL, NULL, 0, &f->n)) != SCORE_OK)
        return cli_fail(name, "the members cannot be used", rc);
    if (f->n == 0) {
        fprintf(stderr, "score %s: %s lists no members\n", name, p->members);
        return EXIT_UNUSABLE;
    }
    f->pd = malloc(f->n * sizeof *f->pd);
    f->lgd = malloc(f->n * sizeof *f->lgd);
    f->ead = malloc(f->n * sizeof *f->ead);
    if (!f->pd || !f->lgd || !f->ead) {
        portfolio_free(f);
        fprintf(stderr, "score %s: out of memory\n", name);
        return EXIT_UNUSABLE;
    }
    rc = score_pool_read_members(p->members, f->pd, f->ead, f->lgd, f->n, &f->n);
    if (rc != SCORE_OK) {
        portfolio_free(f);
        return cli_fail(name, "the members cannot be used", rc);
    }
    return EXIT_DONE;
}

static void sim_options(const pool_args *p, score_pool_sim_options *o)
{
    score_pool_sim_options_init(o);
    o->scenarios = p->scenarios;
    o->seed = p->seed;
    o->threads = p->threads > 1024 ? 1024 : (unsigned)p->threads;
    o->progress = cli_progress;
    o->progress_user = (void *)"";
}

static int pool_simulate(const pool_args *p)
{
    static const char name[] = "pool simulate";
    portfolio f;
    int status = load_portfolio(name, p, &f);
    if (status != EXIT_DONE)
        return status;
    score_pool_sim_options options;
    sim_options(p, &options);
    score_pool_sim_result r = {.size = sizeof r};
    int rc = score_pool_simulate(&f.config, f.n, f.pd, f.ead, f.lgd, &options, &r);
    cli_progress_done();
    portfolio_free(&f);
    if (rc != SCORE_OK)
        return cli_fail(name, "the simulation failed", rc);
    out o;
    if (out_open(&o, p->output) != 0)
        return EXIT_UNUSABLE;
    print_simulation(&o.w, NULL, f.n, p->seed, &r);
    return out_close(&o, EXIT_DONE);
}

static int pool_size(const pool_args *p)
{
    static const char name[] = "pool size";
    if (need(name, p->solve, "--solve deposit_rate|fund") || need(name, p->target, "--target P"))
        return EXIT_USAGE;
    int solve = !strcmp(p->solve, "deposit_rate") ? SCORE_POOL_SOLVE_DEPOSIT_RATE
                : !strcmp(p->solve, "fund")       ? SCORE_POOL_SOLVE_FUND
                                                  : 0;
    if (!solve)
        return cli_usage_error(name, "--solve: expected deposit_rate or fund, got '%s'", p->solve);
    char *end;
    double target = strtod(p->target, &end);
    if (*end || end == p->target || !(target >= 0 && target < 1))
        return cli_usage_error(name, "--target: expected a probability in [0, 1), got '%s'",
                               p->target);
    portfolio f;
    int status = load_portfolio(name, p, &f);
    if (status != EXIT_DONE)
        return status;
    score_pool_sim_options options;
    sim_options(p, &options);
    score_pool_config solved = {.size = sizeof solved};
    score_pool_sim_result r = {.size = sizeof r};
    int rc = score_pool_size(&f.config, f.n, f.pd, f.ead, f.lgd, solve, target, &options, &solved,
                             &r);
    cli_progress_done();
    portfolio_free(&f);
    if (rc != SCORE_OK)
        return cli_fail(name, "no solution", rc);
    out o;
    if (out_open(&o, p->output) != 0)
        return EXIT_UNUSABLE;
    jw_open(&o.w, NULL);
    jw_string(&o.w, "solve", p->solve);
    jw_real(&o.w, "target", target);
    if (solve == SCORE_POOL_SOLVE_DEPOSIT_RATE)
        jw_real(&o.w, "deposit_rate", solved.deposit_rate);
    else
        jw_money(&o.w, "compensation_fund", solved.compensation_fund);
    print_config(&o.w, "config", &solved);
    print_simulation(&o.w, "simulation", f.n, p->seed, &r);
    jw_close(&o.w);
    return out_close(&o, EXIT_DONE);
}

int cmd_pool(int argc, char **argv)
{
    if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h") ||
        cli_wants_help(argc, argv)) {
        fputs(help, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : EXIT_DONE;
    }
    static const struct {
        const char *name, *options;
        int (*run)(const pool_args *);
    } subcommands[] = {
        {"init", "--config --ledger --output ", pool_init},
        {"apply", "--ledger --events --output ", pool_apply},
        {"state", "--ledger --output ", pool_state},
        {"simulate", "--config --members --scenarios --seed --threads --output ", pool_simulate},
        {"size", "--config --members --solve --target --scenarios --seed --threads --output ",
         pool_size}};
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
        if (strcmp(argv[0], subcommands[i].name))
            continue;
        char name[32];
        snprintf(name, sizeof name, "pool %s", subcommands[i].name);
        pool_args p;
        int status = parse_args(name, subcommands[i].options, argc - 1, argv + 1, &p);
        return status == EXIT_DONE ? subcommands[i].run(&p) : status;
    }
    return cli_usage_error("pool", "unknown subcommand '%s'; expected init, apply, state, "
                           "simulate or size", argv[0]);
}
