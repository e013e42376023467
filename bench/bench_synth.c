/*
 * bench_synth: how fast the synthetic generator writes its files, and the
 * latent make-up of the population it draws (the figures of docs/synth.md
 * that the public API cannot show: firms in distress, inflating invoices...).
 *
 *   bench_synth [--large] [DIR]
 *
 * writes 10,000 firms x 24 months three times into DIR (default a new
 * directory under /tmp, removed at the end), and with --large 100,000 firms
 * once; then prints the latent shares of the 10,000-firm population.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "score.h"
#include "synth/synth.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long file_size(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static int run_write(const char *dir, uint64_t n, int repeats)
{
    score_synth_options o;
    score_synth_options_init(&o);
    o.enterprises = n;
    double best = 1e30;
    score_synth_summary s = {.size = sizeof s};
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        if (score_synth_write(dir, &o, &s) != SCORE_OK) {
            fprintf(stderr, "bench_synth: %s\n", score_last_error());
            return 1;
        }
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    long bytes = file_size(dir, "signals.csv.gz");
    printf("write %7llu firms x 24 months: %6.2f s  (%.2f M lines, %.1f MB gzip, %.0f k lines/s)\n",
           (unsigned long long)n, best, (double)s.observations / 1e6, (double)bytes / 1e6,
           (double)s.observations / best / 1e3);
    return 0;
}

static int run_truth_only(uint64_t n)
{
    score_synth_options o;
    score_synth_options_init(&o);
    o.enterprises = n;
    double t0 = now();
    if (score_synth_panel(&o, NULL, NULL, NULL, NULL, NULL) != SCORE_OK) {
        fprintf(stderr, "bench_synth: %s\n", score_last_error());
        return 1;
    }
    printf("truth only %7llu firms:             %6.2f s\n", (unsigned long long)n, now() - t0);
    return 0;
}

/* The latent population: the same firms score_synth_write draws with the
 * default options. */
static int latent_shares(uint64_t n)
{
    syn_world w;
    syn_work k;
    if (syn_world_init(&w, 1, SC_MONTH(2024, 12), 24, 0.05) != SCORE_OK ||
        syn_calibrate(&w) != SCORE_OK || syn_work_init(&k, &w) != SCORE_OK) {
        fprintf(stderr, "bench_synth: %s\n", score_last_error());
        return 1;
    }
    syn_firm *f = malloc(sizeof *f);
    double scored = 0, stage[4] = {0}, pd_stage[4] = {0}, listed = 0, fraud = 0, pd_fraud = 0;
    double episode_in_window = 0, round18 = 0, pd_sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        syn_firm_simulate(&w, i, 0, 0, &k, f);
        if (f->label < 0)
            continue;
        scored++;
        pd_sum += f->pd;
        int s = 0, a = k.episode[w.n - 1];
        if (a >= 0 && w.asof < f->episodes[a].end) {
            const syn_episode *e = &f->episodes[a];
            int d = w.asof - e->onset;
            s = d >= e->lag_court ? 3 : d >= e->lag_power_arrears ? 2 : 1;
        }
        stage[s]++;
        pd_stage[s] += f->pd;
        int in_window = 0;
        for (int j = 0; j < f->n_episodes; j++) {
            listed += f->episodes[j].listed && !f->episodes[j].delisted;
            in_window |= f->episodes[j].end >= w.first;
        }
        episode_in_window += in_window;
        if (k.fake[w.n - 1] > 0) {
            fraud++;
            pd_fraud += f->pd;
        }
        round18 += f->last_round && w.asof - f->last_round < 18;
    }
    printf("\nlatent make-up of %llu firms (seed 1, 24 months as of 2024-12, target 5%%):\n",
           (unsigned long long)n);
    printf("  established by the as-of month      %6.0f\n", scored);
    printf("  intercept of the PD logit           %6.3f\n", w.intercept);
    printf("  mean true PD                        %6.4f\n", pd_sum / scored);
    const char *names[4] = {"no distress", "distress: power falling", "distress: arrears",
                            "distress: lawsuits"};
    for (int s = 0; s < 4; s++)
        printf("  %-35s %5.2f%%  mean PD %.4f\n", names[s], 100 * stage[s] / scored,
               stage[s] ? pd_stage[s] / stage[s] : 0);
    printf("  %-35s %5.2f%%\n", "an episode during the window", 100 * episode_in_window / scored);
    printf("  %-35s %5.2f%%\n", "on the dishonest list at as-of", 100 * listed / scored);
    printf("  %-35s %5.2f%%  mean PD %.4f\n", "inflating invoices at as-of", 100 * fraud / scored,
           fraud ? pd_fraud / fraud : 0);
    printf("  %-35s %5.2f%%\n", "equity round in the last 18 months", 100 * round18 / scored);
    free(f);
    syn_work_free(&k);
    syn_world_free(&w);
    return 0;
}

int main(int argc, char **argv)
{
    int large = 0;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--large"))
            large = 1;
        else
            dir = argv[i];
    }
    char temp[] = "/tmp/bench-synth-XXXXXX";
    if (!dir && !(dir = mkdtemp(temp))) {
        perror("mkdtemp");
        return 1;
    }
    int rc = run_write(dir, 10000, 3);
    if (!rc && large)
        rc = run_write(dir, 100000, 1);
    if (!rc)
        rc = run_truth_only(100000);
    if (!rc)
        rc = latent_shares(10000);
    if (dir == temp) {
        const char *names[] = {"signals.csv.gz", "labels.csv", "truth.csv"};
        for (int i = 0; i < 3; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            unlink(path);
        }
        rmdir(dir);
    }
    return rc;
}
