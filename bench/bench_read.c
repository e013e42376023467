/*
 * Reading signals into a panel, and computing feature spec v1, timed.
 *
 *   bench_read FILE [--asof YYYY-MM] [--repeat N]
 *
 * Prints, as key=value lines: lines read, seconds and lines per second of the
 * best of N reads (each into a new panel), and with --asof the seconds of
 * computing the features of every enterprise. The process's peak resident
 * memory (ru_maxrss) is printed last, so run it once per measurement of
 * memory (bench/compare_read.py does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "score.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *path = NULL, *asof = NULL;
    int repeat = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--asof") && i + 1 < argc)
            asof = argv[++i];
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else
            path = argv[i];
    }
    if (!path || repeat < 1) {
        fprintf(stderr, "usage: bench_read FILE [--asof YYYY-MM] [--repeat N]\n");
        return 1;
    }
    double best = 1e300, best_features = 1e300;
    score_read_counts counts;
    size_t n_rows = 0, n_ent = 0;
    for (int r = 0; r < repeat; r++) {
        score_panel *panel;
        memset(&counts, 0, sizeof counts);
        counts.size = sizeof counts;
        double t0 = now();
        if (score_panel_new(&panel) != SCORE_OK ||
            score_panel_read_file(panel, path, NULL, &counts) != SCORE_OK) {
            fprintf(stderr, "bench_read: %s\n", score_last_error());
            return 1;
        }
        /* sorting happens on first use: count it as part of reading */
        char first[19];
        if (score_panel_n_enterprises(panel))
            score_panel_enterprise(panel, 0, first);
        double t1 = now();
        if (t1 - t0 < best)
            best = t1 - t0;
        n_ent = score_panel_n_enterprises(panel);
        if (asof) {
            size_t nf = score_features_count();
            float *matrix = malloc(n_ent * nf * sizeof *matrix + 1);
            double t2 = now();
            if (score_features_compute(panel, asof, matrix, n_ent, NULL, &n_rows) != SCORE_OK) {
                fprintf(stderr, "bench_read: %s\n", score_last_error());
                return 1;
            }
            double t3 = now();
            if (t3 - t2 < best_features)
                best_features = t3 - t2;
            free(matrix);
        }
        score_panel_free(panel);
    }
    printf("lines=%llu\n", (unsigned long long)counts.read);
    printf("enterprises=%zu\n", n_ent);
    printf("read_seconds=%.4f\n", best);
    printf("lines_per_second=%.0f\n", (double)counts.read / best);
    if (asof) {
        printf("feature_rows=%zu\n", n_rows);
        printf("features_seconds=%.4f\n", best_features);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_rss_mb=%.1f\n", (double)ru.ru_maxrss / 1024.0);
    return 0;
}
