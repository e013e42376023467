/* Benchmark of the pool module (bench/README.md, "Mutual-aid risk pools").
 *
 *   build/bench/bench_pool [--members N] [--scenarios N] [--repeat N] [--numpy PATH|none]
 *
 * 1. The loss simulation of 1,000 members x 100,000 scenarios with
 *    score_pool_simulate, on 1 thread and on all CPUs (the median of
 *    --repeat runs each), and the same simulation in vectorised numpy
 *    (bench/pool_numpy.py, run with /usr/bin/python3 on the same members
 *    and configuration files, in the same run). Targets: at least 10x
 *    faster than numpy, under 1 second.
 * 2. The ledger: events applied one by one (each synced to disk), a file
 *    of events (one sync), and reopening (verifying and replaying) the
 *    journal.
 * 3. The ledger at scale: --ledger-members (100,000) joins and loans and
 *    --defaults (10,000) defaults in one file, and reopening it. Target:
 *    under 5 s. --only ledger skips the simulation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "score.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void make_uscc(int i, char out[SCORE_USCC_SIZE])
{
    snprintf(out, SCORE_USCC_SIZE, "91330100%09d", i % 1000000000);
    out[17] = (char)sc_uscc_check_char(out);
    out[18] = '\0';
}

static uint64_t rng(uint64_t *x)
{
    *x = *x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *x >> 11;
}

/* A cluster of members: PDs log-uniform over 0.2%..5% (mean about 1.6%),
 * loans of 1 to 5 million yuan, LGD 45%. */
static void write_inputs(const char *dir, int n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/members.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fprintf(f, "uscc,pd,ead,lgd\n");
    uint64_t x = 20240601;
    for (int i = 0; i < n; i++) {
        char uscc[19];
        make_uscc(i, uscc);
        double u = (double)rng(&x) * 0x1p-53;
        double pd = 0.002 * exp(u * log(25.0));
        long yuan = 1000000 + (long)(rng(&x) % 4000000);
        fprintf(f, "%s,%.6f,%ld.%02d,0.45\n", uscc, pd, yuan, (int)(rng(&x) % 100));
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/pool.json", dir);
    f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fprintf(f, "{\"deposit_rate\": 0.04, \"compensation_fund\": 50000000, "
               "\"preset\": \"fuqing\"}\n");
    fclose(f);
}

static void print_result(const char *who, double seconds, const score_pool_sim_result *r)
{
    printf("  %-22s %8.3f s   EL %14.2f   q99 %15.2f   bank P(loss) %.4f\n", who, seconds,
           r->expected_loss / 100, r->loss_q99 / 100, r->party_p_loss[SCORE_POOL_PARTY_BANK]);
}

/* Run the numpy version; its seconds, or -1. */
static double run_numpy(const char *script, const char *dir, uint64_t scenarios)
{
    char command[9000];
    snprintf(command, sizeof command,
             "/usr/bin/python3 %s --config %s/pool.json --members %s/members.csv "
             "--scenarios %llu --seed 1", script, dir, dir, (unsigned long long)scenarios);
    FILE *p = popen(command, "r");
    if (!p)
        return -1;
    char line[8192] = "";
    if (!fgets(line, sizeof line, p))
        line[0] = '\0';
    int status = pclose(p);
    double seconds = -1, el = 0, q99 = 0, bank = 0;
    const char *s = strstr(line, "\"seconds\": "), *e = strstr(line, "\"expected_loss\": "),
               *q = strstr(line, "\"loss_q99\": "), *b = strstr(line, "\"party_p_loss\": [");
    if (status != 0 || !s || !e || !q || !b) {
        fprintf(stderr, "numpy run failed (%d): %s\n", status, line);
        return -1;
    }
    seconds = strtod(s + 11, NULL);
    el = strtod(e + 17, NULL);
    q99 = strtod(q + 12, NULL);
    strtod(b + 17, (char **)&b); /* the members' entry, then the bank's */
    bank = strtod(b + 1, NULL);
    printf("  %-22s %8.3f s   EL %14.2f   q99 %15.2f   bank P(loss) %.4f\n",
           "numpy (pool_numpy.py)", seconds, el, q99, bank);
    return seconds;
}

static void bench_simulation(const char *dir, int n, uint64_t scenarios, int repeat,
                             const char *script)
{
    size_t count = 0;
    char members[4200], config_path[4200];
    snprintf(members, sizeof members, "%s/members.csv", dir);
    snprintf(config_path, sizeof config_path, "%s/pool.json", dir);
    score_pool_config config;
    score_pool_config_init(&config);
    if (score_pool_config_read_file(config_path, &config) != SCORE_OK ||
        score_pool_read_members(members, NULL, NULL, NULL, 0, &count) != SCORE_OK) {
        fprintf(stderr, "%s\n", score_last_error());
        exit(2);
    }
    double *pd = malloc(count * sizeof *pd), *lgd = malloc(count * sizeof *lgd);
    int64_t *ead = malloc(count * sizeof *ead);
    score_pool_read_members(members, pd, ead, lgd, count, &count);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    printf("simulation: %d members x %llu scenarios, %ld CPUs online\n", n,
           (unsigned long long)scenarios, cpus);
    double best_all = 0;
    unsigned thread_counts[2] = {1, 0};
    score_pool_sim_result results[2];
    for (int t = 0; t < 2; t++) {
        double times[32];
        for (int k = 0; k < repeat; k++) {
            score_pool_sim_options o;
            score_pool_sim_options_init(&o);
            o.scenarios = scenarios;
            o.seed = 1;
            o.threads = thread_counts[t];
            results[t].size = sizeof results[t];
            double start = now();
            if (score_pool_simulate(&config, count, pd, ead, lgd, &o, &results[t]) != SCORE_OK) {
                fprintf(stderr, "%s\n", score_last_error());
                exit(2);
            }
            times[k] = now() - start;
        }
        double m = median(times, repeat);
        char who[64];
        snprintf(who, sizeof who, "libscore, %s", t == 0 ? "1 thread" : "all CPUs");
        print_result(who, m, &results[t]);
        if (t == 1)
            best_all = m;
    }
    if (memcmp(&results[0], &results[1], sizeof results[0]))
        printf("  !! the results differ between thread counts\n");
    else
        printf("  (identical results on 1 thread and on all CPUs)\n");
    if (script) {
        double numpy = run_numpy(script, dir, scenarios);
        if (numpy > 0)
            printf("  speed-up over numpy: %.1fx (target >= 10x); libscore %.3f s (target < 1 s)\n",
                   numpy / best_all, best_all);
    }
    free(pd);
    free(lgd);
    free(ead);
}

static void bench_ledger(const char *dir)
{
    char ledger[4200], events[4200];
    snprintf(ledger, sizeof ledger, "%s/ledger", dir);
    snprintf(events, sizeof events, "%s/events.csv", dir);
    score_pool_config config;
    score_pool_config_init(&config);
    config.single_member_cap = 1;
    if (score_pool_create(ledger, &config) != SCORE_OK) {
        fprintf(stderr, "%s\n", score_last_error());
        exit(2);
    }
    score_pool *pool;
    score_pool_open(ledger, NULL, &pool);
    enum { ONE_BY_ONE = 2000, MEMBERS = 200, FILE_EVENTS = 100000 };
    char uscc[19];
    double start = now();
    for (int i = 0; i < ONE_BY_ONE; i++) {
        make_uscc(i % MEMBERS, uscc);
        score_pool_event e = {sizeof e, i < MEMBERS ? SCORE_POOL_JOIN : SCORE_POOL_DEPOSIT, uscc,
                              100000, 0.01, 0, NULL};
        if (score_pool_apply(pool, &e, NULL) != SCORE_OK) {
            fprintf(stderr, "%s\n", score_last_error());
            exit(2);
        }
    }
    double one = now() - start;
    FILE *f = fopen(events, "w");
    fprintf(f, "type,uscc,amount,pd,event_id\n");
    for (int i = 0; i < FILE_EVENTS; i++) {
        make_uscc(i % MEMBERS, uscc);
        static const char *const types[] = {"deposit", "lend", "repay"};
        fprintf(f, "%s,%s,%d.00,,e%d\n", types[i % 3], uscc, i % 3 == 0 ? 40 : 1000, i);
    }
    fclose(f);
    score_pool_apply_counts counts = {sizeof counts, 0, 0, 0, 0};
    start = now();
    score_pool_apply_file(pool, events, NULL, &counts);
    double file = now() - start;
    score_pool_state state = {.size = sizeof state};
    score_pool_get_state(pool, &state);
    score_pool_free(pool);
    start = now();
    score_pool_open(ledger, NULL, &pool);
    double reopen = now() - start;
    score_pool_free(pool);
    printf("ledger:\n");
    printf("  %d events one by one, each synced:  %8.0f events/s\n", ONE_BY_ONE, ONE_BY_ONE / one);
    printf("  %llu events from a file, one sync:   %8.0f events/s (%llu refused)\n",
           (unsigned long long)counts.lines, (double)counts.lines / file,
           (unsigned long long)counts.refused);
    printf("  reopen (verify + replay) %llu events, %.1f MB: %.3f s, %.0f events/s\n",
           (unsigned long long)state.events, (double)state.journal_bytes / 1e6, reopen,
           (double)state.events / reopen);
}

/* A pool's life at scale in one file: MEMBERS joins and loans, DEFAULTS
 * defaults (each shared by every other member's deposit) and a recovery of
 * half of them; then reopening it. A default used to visit every member. */
static void bench_defaults(const char *dir, int members, int defaults)
{
    char ledger[4200], events[4200];
    snprintf(ledger, sizeof ledger, "%s/ledger-defaults", dir);
    snprintf(events, sizeof events, "%s/defaults.csv", dir);
    score_pool_config config;
    score_pool_config_init(&config);
    config.single_member_cap = 1;
    config.leverage = 1000;
    config.npl_warning = config.npl_suspend = 1;
    if (score_pool_create(ledger, &config) != SCORE_OK) {
        fprintf(stderr, "%s\n", score_last_error());
        exit(2);
    }
    FILE *f = fopen(events, "w");
    fprintf(f, "type,uscc,amount,pd,event_id\ninject,,100000000,,fund\n");
    char uscc[19];
    for (int i = 0; i < members; i++) {
        make_uscc(i, uscc);
        fprintf(f, "join,%s,20000.%02d,0.01,j%d\n", uscc, i % 100, i);
    }
    for (int i = 0; i < members; i++) {
        make_uscc(i, uscc);
        fprintf(f, "lend,%s,40000,,l%d\n", uscc, i);
    }
    int step = defaults ? members / defaults : 1;
    for (int k = 0; k < defaults; k++) {
        make_uscc(k * step, uscc);
        fprintf(f, "default,%s,40000,,d%d\n", uscc, k);
        if (k % 2)
            fprintf(f, "recover,%s,12345.67,,r%d\n", uscc, k);
    }
    fclose(f);
    score_pool *pool;
    if (score_pool_open(ledger, NULL, &pool) != SCORE_OK) {
        fprintf(stderr, "%s\n", score_last_error());
        exit(2);
    }
    score_pool_apply_counts counts = {sizeof counts, 0, 0, 0, 0};
    double start = now(), start_cpu = cpu();
    int rc = score_pool_apply_file(pool, events, NULL, &counts);
    double file = now() - start, file_cpu = cpu() - start_cpu;
    if (rc != SCORE_OK) {
        fprintf(stderr, "%s\n", score_last_error());
        exit(2);
    }
    score_pool_state state = {.size = sizeof state};
    score_pool_get_state(pool, &state);
    score_pool_free(pool);
    start = now();
    start_cpu = cpu();
    score_pool_open(ledger, NULL, &pool);
    double reopen = now() - start, reopen_cpu = cpu() - start_cpu;
    score_pool_free(pool);
    printf("ledger at scale: %d members, %d defaults, %d recoveries in one file\n", members,
           defaults, defaults / 2);
    printf("  apply %llu events: %.3f s (%.3f s CPU), %.0f events/s (%llu refused)\n",
           (unsigned long long)counts.lines, file, file_cpu, (double)counts.lines / file,
           (unsigned long long)counts.refused);
    printf("  reopen (verify + replay) %llu events, %.1f MB: %.3f s (%.3f s CPU)\n",
           (unsigned long long)state.events, (double)state.journal_bytes / 1e6, reopen,
           reopen_cpu);
}

int main(int argc, char **argv)
{
    int n = 1000, repeat = 3, ledger_members = 100000, defaults = 10000, only_ledger = 0;
    unsigned long long scenarios = 100000;
    static char script[4200];
    snprintf(script, sizeof script, "%s", __FILE__);
    char *slash = strrchr(script, '/');
    snprintf(slash ? slash + 1 : script, sizeof script - (size_t)(slash ? slash + 1 - script : 0),
             "pool_numpy.py");
    const char *numpy = script;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--members"))
            n = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--scenarios"))
            scenarios = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--repeat"))
            repeat = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--ledger-members"))
            ledger_members = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--defaults"))
            defaults = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--only"))
            only_ledger = !strcmp(argv[i + 1], "ledger");
        else if (!strcmp(argv[i], "--numpy"))
            numpy = strcmp(argv[i + 1], "none") ? argv[i + 1] : NULL;
    }
    if (n < 1 || repeat < 1 || repeat > 32 || scenarios < 1 || ledger_members < 1 ||
        defaults < 0 || defaults > ledger_members) {
        fprintf(stderr, "usage: bench_pool [--members N] [--scenarios N] [--repeat 1..32] "
                        "[--numpy PATH|none] [--ledger-members N] [--defaults N] "
                        "[--only ledger]\n");
        return 1;
    }
    char dir[] = "/tmp/bench_pool.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    printf("libscore %s, bench_pool\n", score_version_string());
    write_inputs(dir, n);
    if (!only_ledger)
        bench_simulation(dir, n, scenarios, repeat, numpy);
    bench_ledger(dir);
    bench_defaults(dir, ledger_members, defaults);
    char command[4300];
    snprintf(command, sizeof command, "rm -rf %s", dir);
    if (system(command) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return 0;
}
