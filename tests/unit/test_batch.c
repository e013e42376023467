/* The batch calls of section 12: the same bits on 1, 2 and 8 threads
 * (features of a synthetic panel, scores, reasons, contributions of the
 * default model); the same as the one-call-a-row functions; n_reasons
 * chosen or none (then reasons are not touched); bad options refused. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "score.h"

#define MODEL TEST_SOURCE_DIR "/models/default.json.gz"

static score_model *model;
static score_panel *panel;
static float *rows;
static size_t n_rows, nf;

static void setup(void)
{
    cr_assert_eq(score_model_load(MODEL, &model), SCORE_OK, "%s", score_last_error());
    score_synth_options o;
    score_synth_options_init(&o);
    o.enterprises = 1500;
    o.months = 18;
    o.seed = 11;
    cr_assert_eq(score_panel_new(&panel), SCORE_OK);
    cr_assert_eq(score_synth_panel(&o, panel, NULL, NULL, NULL, NULL), SCORE_OK, "%s",
                 score_last_error());
    nf = score_model_n_features(model);
    cr_assert_eq(nf, score_features_count());
    cr_assert_eq(score_features_compute(panel, "2024-12", NULL, 0, NULL, &n_rows), SCORE_OK);
    rows = malloc(n_rows * nf * sizeof *rows);
    cr_assert_eq(score_features_compute(panel, "2024-12", rows, n_rows, NULL, &n_rows), SCORE_OK);
}

static void teardown(void)
{
    free(rows);
    score_panel_free(panel);
    score_model_free(model);
}

TestSuite(batch, .init = setup, .fini = teardown);

static score_batch_options with(unsigned threads, size_t n_reasons)
{
    score_batch_options o;
    score_batch_options_init(&o);
    o.threads = threads;
    o.n_reasons = n_reasons;
    return o;
}

Test(batch, features_are_the_same_bits_on_1_2_and_8_threads)
{
    float *want = malloc(n_rows * nf * sizeof *want), *got = malloc(n_rows * nf * sizeof *got);
    size_t *want_index = malloc(n_rows * sizeof *want_index), *index = malloc(n_rows * sizeof *index);
    size_t n;
    cr_assert_eq(score_features_compute(panel, "2024-12", want, n_rows, want_index, &n), SCORE_OK);
    static const unsigned threads[] = {1, 2, 8};
    for (size_t t = 0; t < 3; t++) {
        score_batch_options o = with(threads[t], 0);
        size_t count = 0;
        cr_assert_eq(score_features_compute_batch(panel, "2024-12", &o, NULL, 0, NULL, &count),
                     SCORE_OK);
        cr_assert_eq(count, n_rows);
        memset(got, 0xAB, n_rows * nf * sizeof *got);
        cr_assert_eq(score_features_compute_batch(panel, "2024-12", &o, got, n_rows, index, &count),
                     SCORE_OK, "%s", score_last_error());
        cr_assert_eq(count, n_rows);
        cr_assert_arr_eq(got, want, n_rows * nf * sizeof *got, "%u threads", threads[t]);
        cr_assert_arr_eq(index, want_index, n_rows * sizeof *index);
    }
    free(want);
    free(got);
    free(want_index);
    free(index);
}

typedef struct scored {
    double *margin, *pd;
    int *score, *grade, *reasons;
} scored;

static scored scored_new(size_t k)
{
    scored s = {calloc(n_rows, sizeof(double)), calloc(n_rows, sizeof(double)),
                calloc(n_rows, sizeof(int)), calloc(n_rows, sizeof(int)),
                calloc(n_rows * (k ? k : 1), sizeof(int))};
    return s;
}

static void scored_free(scored *s)
{
    free(s->margin);
    free(s->pd);
    free(s->score);
    free(s->grade);
    free(s->reasons);
}

Test(batch, scores_and_reasons_are_the_same_bits_on_1_2_and_8_threads)
{
    const size_t k = score_model_n_reasons(model);
    cr_assert_gt(k, 0);
    scored want = scored_new(k);
    cr_assert_eq(score_model_score(model, rows, n_rows, want.margin, want.pd, want.score,
                                   want.grade, want.reasons), SCORE_OK);
    static const unsigned threads[] = {1, 2, 8};
    for (size_t t = 0; t < 3; t++) {
        scored got = scored_new(k);
        score_batch_options o = with(threads[t], SCORE_REASONS_MODEL);
        cr_assert_eq(score_model_score_batch(model, rows, n_rows, &o, got.margin, got.pd,
                                             got.score, got.grade, got.reasons), SCORE_OK);
        cr_assert_arr_eq(got.margin, want.margin, n_rows * sizeof(double), "%u", threads[t]);
        cr_assert_arr_eq(got.pd, want.pd, n_rows * sizeof(double));
        cr_assert_arr_eq(got.score, want.score, n_rows * sizeof(int));
        cr_assert_arr_eq(got.grade, want.grade, n_rows * sizeof(int));
        cr_assert_arr_eq(got.reasons, want.reasons, n_rows * k * sizeof(int));
        scored_free(&got);
    }
    /* some rows have reasons, and margins match the plain prediction */
    size_t with_reasons = 0;
    for (size_t i = 0; i < n_rows; i++)
        with_reasons += want.reasons[i * k] >= 0;
    cr_assert_gt(with_reasons, n_rows / 2);
    double *margin = malloc(n_rows * sizeof *margin);
    cr_assert_eq(score_model_predict(model, rows, n_rows, margin, NULL), SCORE_OK);
    cr_assert_arr_eq(margin, want.margin, n_rows * sizeof *margin);
    free(margin);
    scored_free(&want);
}

Test(batch, contributions_are_the_same_bits_on_1_2_and_8_threads_and_as_row_by_row)
{
    const size_t w = nf + 1;
    double *want = malloc(n_rows * w * sizeof *want), *got = malloc(n_rows * w * sizeof *got);
    for (size_t i = 0; i < n_rows; i++)
        cr_assert_eq(score_model_contributions(model, rows + i * nf, want + i * w), SCORE_OK);
    static const unsigned threads[] = {1, 2, 8};
    for (size_t t = 0; t < 3; t++) {
        score_batch_options o = with(threads[t], 0);
        cr_assert_eq(score_model_contributions_batch(model, rows, n_rows, &o, got), SCORE_OK);
        cr_assert_arr_eq(got, want, n_rows * w * sizeof *got, "%u threads", threads[t]);
    }
    free(want);
    free(got);
}

Test(batch, the_number_of_reasons_is_chosen_and_none_leaves_them_alone)
{
    const size_t k = score_model_n_reasons(model);
    int *model_k = malloc(n_rows * k * sizeof *model_k), *five = malloc(n_rows * 5 * sizeof *five);
    score_batch_options o = with(2, SCORE_REASONS_MODEL);
    cr_assert_eq(score_model_score_batch(model, rows, n_rows, &o, NULL, NULL, NULL, NULL, model_k),
                 SCORE_OK);
    o.n_reasons = 5;
    cr_assert_eq(score_model_score_batch(model, rows, n_rows, &o, NULL, NULL, NULL, NULL, five),
                 SCORE_OK);
    for (size_t i = 0; i < n_rows; i++)
        cr_assert_arr_eq(five + i * 5, model_k + i * k, (k < 5 ? k : 5) * sizeof(int), "row %zu", i);
    /* none: the reasons array is not touched, scores are still given */
    o.n_reasons = 0;
    int untouched[4] = {7, 7, 7, 7};
    double pd[2];
    cr_assert_eq(score_model_score_batch(model, rows, 2, &o, NULL, pd, NULL, NULL, untouched),
                 SCORE_OK);
    cr_assert_eq(untouched[0], 7);
    cr_assert_eq(untouched[3], 7);
    cr_assert(pd[0] > 0 && pd[0] < 1);
    free(model_k);
    free(five);
}

Test(batch, bad_options_are_refused)
{
    double pd[1];
    score_batch_options o = with(1, nf + 1);
    cr_assert_eq(score_model_score_batch(model, rows, 1, &o, NULL, pd, NULL, NULL, NULL),
                 SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "reasons"), "%s", score_last_error());
    o = with(1000, 1);
    cr_assert_eq(score_model_score_batch(model, rows, 1, &o, NULL, pd, NULL, NULL, NULL),
                 SCORE_EINVAL);
    o = with(1, 1);
    o.size = sizeof o + 8;
    cr_assert_eq(score_model_score_batch(model, rows, 1, &o, NULL, pd, NULL, NULL, NULL),
                 SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "size"), "%s", score_last_error());
    cr_assert_eq(score_model_contributions_batch(model, rows, 1, NULL, NULL), SCORE_EINVAL);
    size_t n;
    cr_assert_eq(score_features_compute_batch(panel, "2024-13", NULL, NULL, 0, NULL, &n),
                 SCORE_EINVAL);
    /* NULL options are the defaults; 0 threads is every CPU available */
    cr_assert_eq(score_model_score_batch(model, rows, 1, NULL, NULL, pd, NULL, NULL, NULL), SCORE_OK);
    o = with(0, 0);
    cr_assert_eq(score_model_score_batch(model, rows, 1, &o, NULL, pd, NULL, NULL, NULL), SCORE_OK);
    cr_assert_geq(score_cpus_available(), 1);
}

Test(batch, monitor_alerts_are_the_same_on_1_2_and_8_threads)
{
    score_alerts *want;
    cr_assert_eq(score_monitor_evaluate(model, NULL, panel, "2024-12", NULL, &want), SCORE_OK,
                 "%s", score_last_error());
    const size_t n = score_alerts_count(want);
    cr_assert_gt(n, 0);
    static const unsigned threads[] = {1, 2, 8};
    for (size_t t = 0; t < 3; t++) {
        score_batch_options o = with(threads[t], 0);
        score_alerts *got;
        cr_assert_eq(score_monitor_evaluate_batch(model, NULL, panel, "2024-12", NULL, &o, &got),
                     SCORE_OK, "%s", score_last_error());
        cr_assert_eq(score_alerts_count(got), n);
        for (size_t i = 0; i < n; i++) {
            score_alert a = {.size = sizeof a}, b = {.size = sizeof b};
            cr_assert_eq(score_alerts_get(want, i, &a), SCORE_OK);
            cr_assert_eq(score_alerts_get(got, i, &b), SCORE_OK);
            cr_assert_str_eq(a.uscc, b.uscc);
            cr_assert_str_eq(a.code, b.code);
            cr_assert_str_eq(a.evidence, b.evidence, "%u threads, alert %zu", threads[t], i);
            cr_assert_str_eq(a.message_en, b.message_en);
        }
        score_alerts_free(got);
    }
    score_alerts_free(want);
}

/* ---- the score program ----------------------------------------------------- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* Run the score program with args (NULL-terminated); its exit status. */
static int run(const char *const *args)
{
    const char *argv[24] = {TEST_BINARY_DIR "/score"};
    int n = 1;
    for (int i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        execv(argv[0], (char *const *)argv);
        _exit(121);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

Test(batch, score_predict_and_features_write_the_same_bytes_on_1_2_and_8_threads)
{
    char dir[] = "/tmp/libscore-batch-XXXXXX", signals[64], out[64], want_path[64];
    cr_assert_not_null(mkdtemp(dir));
    score_synth_options o;
    score_synth_options_init(&o);
    o.enterprises = 800;
    o.months = 14;
    cr_assert_eq(score_synth_write(dir, &o, NULL), SCORE_OK, "%s", score_last_error());
    snprintf(signals, sizeof signals, "%s/signals.csv.gz", dir);
    static const char *const commands[] = {"predict", "features"};
    for (size_t c = 0; c < 2; c++) {
        char *want = NULL;
        static const char *const threads[] = {"1", "2", "8"};
        for (size_t t = 0; t < 3; t++) {
            snprintf(out, sizeof out, "%s/%s%s.csv", dir, commands[c], threads[t]);
            const char *predict[] = {"predict", "--model", MODEL, "--signals", signals, "--asof",
                                     "2024-12", "--out", out, "--threads", threads[t], NULL};
            const char *features[] = {"features", "--signals", signals, "--asof", "2024-12",
                                      "--out", out, "--threads", threads[t], NULL};
            cr_assert_eq(run(c ? features : predict), 0, "%s --threads %s", commands[c],
                         threads[t]);
            char *got = slurp(out);
            if (!want) {
                want = got;
                snprintf(want_path, sizeof want_path, "%s", out);
                continue;
            }
            cr_assert_str_eq(got, want, "%s: %s and %s differ", commands[c], out, want_path);
            free(got);
            remove(out);
        }
        if (c == 0) {
            /* --reasons none: the same scores, no reason columns */
            snprintf(out, sizeof out, "%s/none.csv", dir);
            const char *none[] = {"predict", "--model", MODEL, "--signals", signals, "--asof",
                                  "2024-12", "--out", out, "--reasons", "none", NULL};
            cr_assert_eq(run(none), 0);
            char *got = slurp(out);
            cr_assert(!strstr(got, "reason1") && strstr(want, "reason1"));
            /* each line of none.csv begins the line of the full output */
            char *line = got, *full = want;
            for (int i = 0; i < 20 && line && full; i++) {
                size_t len = strcspn(line, "\n");
                cr_assert_eq(strncmp(line, full, len), 0, "line %d: %.*s", i, (int)len, line);
                line = strchr(line, '\n');
                full = strchr(full, '\n');
                line = line ? line + 1 : NULL;
                full = full ? full + 1 : NULL;
            }
            free(got);
            remove(out);
            const char *bad[] = {"predict", "--model", MODEL, "--signals", signals, "--asof",
                                 "2024-12", "--out", out, "--reasons", "x", NULL};
            cr_assert_eq(run(bad), 1);
            const char *zero[] = {"features", "--signals", signals, "--asof", "2024-12", "--out",
                                  out, "--threads", "0", NULL};
            cr_assert_eq(run(zero), 1);
        }
        free(want);
        remove(want_path);
    }
    char path[96];
    const char *files[] = {"signals.csv.gz", "labels.csv", "truth.csv"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
    }
    rmdir(dir);
}
