/* A model's master scale replaced without retraining: PDs and margins bit
 * for bit the same, identity the same, checksum new, scores and grades by
 * the new scale; bad scale files refused naming the key; old bundles load. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "score.h"

#define DEFAULT_MODEL TEST_SOURCE_DIR "/models/default.json.gz"
#define AGENCY_SCALE TEST_SOURCE_DIR "/models/scale-agency.json"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static score_model *load(const char *path)
{
    score_model *m = NULL;
    cr_assert_eq(score_model_load(path, &m), SCORE_OK, "%s", score_last_error());
    return m;
}

#define N_ROWS 200

static void rows_of(const score_model *m, float *rows)
{
    size_t n = score_model_n_features(m);
    unsigned s = 12345;
    for (size_t i = 0; i < N_ROWS * n; i++) {
        s = s * 1103515245u + 12345u;
        rows[i] = (float)((s >> 8) % 2000) / 100.0f - 5.0f;
    }
}

Test(model_scale, rescale_round_trip)
{
    score_model *m = load(DEFAULT_MODEL);
    size_t nf = score_model_n_features(m);
    float *rows = malloc(N_ROWS * nf * sizeof *rows);
    rows_of(m, rows);
    double margin[N_ROWS], pd[N_ROWS], margin2[N_ROWS], pd2[N_ROWS];
    int score[N_ROWS], grade[N_ROWS], score2[N_ROWS], grade2[N_ROWS];
    cr_assert_eq(score_model_score(m, rows, N_ROWS, margin, pd, score, grade, NULL), SCORE_OK,
                 "%s", score_last_error());
    char id[17], id2[17], sum[16], sum2[16];
    cr_assert_eq(score_model_identity(m, id), SCORE_OK);
    cr_assert_eq(score_model_checksum(m, sum), SCORE_OK);
    cr_assert_eq(strncmp(sum, "crc32:", 6), 0);

    size_t len;
    const char *text = slurp(AGENCY_SCALE, &len);
    cr_assert_eq(score_model_set_scale(m, text, len, "scale-agency.json"), SCORE_OK, "%s",
                 score_last_error());
    char path[] = "/tmp/libscore-rescaled-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    cr_assert_eq(score_model_save(m, path), SCORE_OK, "%s", score_last_error());
    score_model *back = load(path);
    unlink(path);
    cr_assert_eq(score_model_score(back, rows, N_ROWS, margin2, pd2, score2, grade2, NULL),
                 SCORE_OK);
    cr_assert_eq(memcmp(margin, margin2, sizeof margin), 0, "margins changed");
    cr_assert_eq(memcmp(pd, pd2, sizeof pd), 0, "PDs changed");
    cr_assert_eq(score_model_identity(back, id2), SCORE_OK);
    cr_assert_str_eq(id, id2);
    cr_assert_eq(score_model_checksum(back, sum2), SCORE_OK);
    cr_assert_str_neq(sum, sum2);
    /* grades follow the new bands, independently: the first bound at or above */
    static const double bounds[] = {0.0001, 0.0003, 0.0009, 0.003, 0.013, 0.09, 0.35, 0.6, 1};
    static const char *const names[] = {"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"};
    cr_assert_eq(score_model_n_grades(back), 9);
    for (int i = 0; i < N_ROWS; i++) {
        int g = 0;
        while (g < 8 && pd2[i] > bounds[g])
            g++;
        cr_assert_eq(grade2[i], g, "row %d pd %g", i, pd2[i]);
        cr_assert_str_eq(score_model_grade_name(back, (size_t)grade2[i]), names[g]);
        /* the same points-to-double scaling: 600 at 50:1, 20 points */
        double want = 600 + 20 / log(2.0) * (log((1 - pd2[i]) / pd2[i]) - log(50.0));
        want = fmin(fmax(nearbyint(want), 300), 900);
        cr_assert(fabs(score2[i] - want) <= 1, "row %d score %d want %g", i, score2[i], want);
    }
    /* a PD of 2.3% is single B on this scale */
    int b = 0;
    while (b < 8 && 0.023 > bounds[b])
        b++;
    cr_assert_str_eq(names[b], "B");
    /* the scale written back reads back the same */
    char out[8192];
    cr_assert_eq(score_model_scale_json(back, out, sizeof out, &len), SCORE_OK);
    cr_assert_eq(score_model_set_scale(m, out, len, "again"), SCORE_OK, "%s", score_last_error());
    char sum3[16];
    score_model_checksum(m, sum3);
    cr_assert_str_eq(sum2, sum3);
    free(rows);
    score_model_free(m);
    score_model_free(back);
}

Test(model_scale, direction_riskier_mirrors_the_score)
{
    score_model *m = load(DEFAULT_MODEL);
    const char *s = "{\"base_score\": 600, \"odds_at_base\": 50, \"pdo\": 20, \"direction\":"
                    " \"higher_is_riskier\", \"min_score\": 0, \"max_score\": 1200,"
                    " \"default_grade\": \"D\", \"grades\": [{\"grade\": \"G\", \"max_pd\": 0.1},"
                    " {\"grade\": \"R\", \"max_pd\": 1}]}";
    cr_assert_eq(score_model_set_scale(m, s, strlen(s), "s"), SCORE_OK, "%s", score_last_error());
    size_t nf = score_model_n_features(m);
    float *rows = malloc(N_ROWS * nf * sizeof *rows);
    rows_of(m, rows);
    double pd[N_ROWS];
    int score[N_ROWS];
    cr_assert_eq(score_model_score(m, rows, N_ROWS, NULL, pd, score, NULL, NULL), SCORE_OK);
    for (int i = 0; i < N_ROWS; i++) {
        double want = 600 - 20 / log(2.0) * (log((1 - pd[i]) / pd[i]) - log(50.0));
        cr_assert(fabs(score[i] - nearbyint(want)) <= 1, "row %d", i);
    }
    free(rows);
    score_model_free(m);
}

static void refused(const char *json, const char *needle)
{
    score_model *m = load(DEFAULT_MODEL);
    char sum[16], sum2[16];
    score_model_checksum(m, sum);
    cr_assert_eq(score_model_set_scale(m, json, strlen(json), "s.json"), SCORE_EFORMAT, "%s",
                 json);
    cr_assert(strstr(score_last_error(), needle), "%s: %s", needle, score_last_error());
    score_model_checksum(m, sum2);
    cr_assert_str_eq(sum, sum2, "a refused scale changed the model");
    score_model_free(m);
}

#define HEAD "{\"base_score\": 600, \"odds_at_base\": 50, \"direction\": \"higher_is_safer\"," \
             " \"min_score\": 300, \"max_score\": 900, \"default_grade\": \"D\", "

Test(model_scale, bad_scales_are_refused_by_key)
{
    refused(HEAD "\"pdo\": 0, \"grades\": [{\"grade\": \"A\", \"max_pd\": 0.1},"
                 " {\"grade\": \"B\", \"max_pd\": 1}]}",
            "scale.pdo");
    refused(HEAD "\"pdo\": 20, \"grades\": [{\"grade\": \"A\", \"max_pd\": 0.1},"
                 " {\"grade\": \"B\", \"max_pd\": 0.05}, {\"grade\": \"C\", \"max_pd\": 1}]}",
            "scale.grades[1].max_pd");
    refused(HEAD "\"pdo\": 20, \"grades\": [{\"grade\": \"A\", \"max_pd\": 0.1},"
                 " {\"grade\": \"A\", \"max_pd\": 1}]}",
            "named twice");
    refused(HEAD "\"pdo\": 20, \"grades\": [{\"grade\": \"A\", \"max_pd\": 0.1},"
                 " {\"grade\": \"B\", \"max_pd\": 0.5}]}",
            "must reach 1");
    refused(HEAD "\"pdo\": 20, \"colour\": 1, \"grades\": []}", "unknown key \"colour\"");
    char many[4096] = HEAD "\"pdo\": 20, \"grades\": [";
    for (int g = 0; g < 23; g++)
        c_snprintf(many + strlen(many), sizeof many - strlen(many),
                 "%s{\"grade\": \"G%d\", \"max_pd\": %g}", g ? ", " : "", g, (g + 1) / 23.0);
    strcat(many, "]}");
    refused(many, "2 to 22 bands");
}
