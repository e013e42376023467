/*
 * bench_batch: what `score predict` does, stage by stage, in one process:
 * reading a signals file into a panel, feature spec v1 of every enterprise,
 * the trees (PD, score, grade: --reasons none) and the reasons (exact
 * TreeSHAP and the top k), each on 1 thread and on N, with wall time and
 * process CPU time. The outputs of 1 and N threads are compared bit for bit.
 *
 *   bench_batch SIGNALS.csv.gz MODEL [--asof YYYY-MM] [--threads N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "score.h"

static double clock_of(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct mark {
    double wall, cpu;
} mark;

static mark now(void)
{
    return (mark){clock_of(CLOCK_MONOTONIC), clock_of(CLOCK_PROCESS_CPUTIME_ID)};
}

static void report(const char *stage, unsigned threads, mark a, mark b)
{
    printf("%-10s threads=%u  wall %8.3f s  cpu %8.3f s\n", stage, threads, b.wall - a.wall,
           b.cpu - a.cpu);
}

static void die(const char *what)
{
    fprintf(stderr, "bench_batch: %s: %s\n", what, score_last_error());
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        die("usage: bench_batch SIGNALS MODEL [--asof YYYY-MM] [--threads N]");
    const char *asof = "2024-12";
    unsigned threads = 2;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--asof"))
            asof = argv[i + 1];
        else if (!strcmp(argv[i], "--threads"))
            threads = (unsigned)atoi(argv[i + 1]);
    }
    score_model *model;
    score_panel *panel;
    if (score_model_load(argv[2], &model) != SCORE_OK)
        die(argv[2]);
    if (score_panel_new(&panel) != SCORE_OK)
        die("panel");
    mark a = now();
    if (score_panel_read_file(panel, argv[1], NULL, NULL) != SCORE_OK)
        die(argv[1]);
    mark b = now();
    report("reading", 1, a, b);

    const size_t nf = score_model_n_features(model), k = score_model_n_reasons(model);
    size_t n;
    score_batch_options o;
    score_batch_options_init(&o);
    if (score_features_compute_batch(panel, asof, &o, NULL, 0, NULL, &n) != SCORE_OK)
        die("features");
    float *rows[2] = {malloc(n * nf * sizeof(float)), malloc(n * nf * sizeof(float))};
    size_t *index = malloc(n * sizeof *index);
    double *pd[2] = {malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    int *reasons[2] = {malloc(n * k * sizeof(int)), malloc(n * k * sizeof(int))};
    const unsigned counts[2] = {1, threads};
    for (int t = 0; t < 2; t++) {
        o.threads = counts[t];
        a = now();
        if (score_features_compute_batch(panel, asof, &o, rows[t], n, index, &n) != SCORE_OK)
            die("features");
        b = now();
        report("features", counts[t], a, b);
        o.n_reasons = 0;
        a = now();
        if (score_model_score_batch(model, rows[t], n, &o, NULL, pd[t], NULL, NULL, NULL))
            die("trees");
        b = now();
        report("trees", counts[t], a, b);
        o.n_reasons = SCORE_REASONS_MODEL;
        a = now();
        if (score_model_score_batch(model, rows[t], n, &o, NULL, pd[t], NULL, NULL, reasons[t]))
            die("reasons");
        b = now();
        report("trees+reasons", counts[t], a, b);
    }
    printf("rows %zu, features %zu, reasons %zu; %u threads give the bits of 1: %s\n", n, nf, k,
           threads,
           !memcmp(rows[0], rows[1], n * nf * sizeof(float)) &&
                   !memcmp(pd[0], pd[1], n * sizeof(double)) &&
                   !memcmp(reasons[0], reasons[1], n * k * sizeof(int))
               ? "yes"
               : "NO");
    for (int t = 0; t < 2; t++) {
        free(rows[t]);
        free(pd[t]);
        free(reasons[t]);
    }
    free(index);
    score_panel_free(panel);
    score_model_free(model);
    return 0;
}
