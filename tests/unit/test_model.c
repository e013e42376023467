/* Models: training, the bundle (byte-identical, corruption refused),
 * prediction through the native forest, threads, scaling, grades, reasons,
 * table models. */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "helpers.h"
#include "model/model.h"

#define N_ROWS 3000
#define N_FEAT 6

static float rows[N_ROWS * N_FEAT], labels[N_ROWS];
static const char *names[N_FEAT] = {"growth", "arrears", "age", "noise", "lawsuits", "share"};
static const int directions[N_FEAT] = {-1, 1, -1, 0, 1, 1};
static char dir[64];

static uint64_t state = 88172645463325252ULL;
static double uniform(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) / 9007199254740992.0;
}

static void make_data(void)
{
    for (int i = 0; i < N_ROWS; i++) {
        float *r = rows + i * N_FEAT;
        r[0] = (float)(uniform() * 2 - 1);
        r[1] = uniform() < 0.7 ? 0.0f : (float)(uniform() * 1e5);
        r[2] = (float)(uniform() * 200);
        r[3] = (float)uniform();
        r[4] = (float)floor(uniform() * uniform() * 5);
        r[5] = uniform() < 0.15 ? NAN : (float)uniform();
        double z = -3.2 - 1.5 * r[0] + (r[1] > 0 ? 1.2 : 0) - 0.01 * r[2] + 0.5 * r[4] +
                   (isnan(r[5]) ? 0.5 : r[5]);
        labels[i] = uniform() < 1 / (1 + exp(-z)) ? 1.0f : 0.0f;
    }
}

static void setup(void)
{
    make_data();
    snprintf(dir, sizeof dir, "/tmp/score-model-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static score_model *train(uint64_t seed)
{
    score_train_options o;
    score_train_options_init(&o);
    o.seed = seed;
    o.max_rounds = 150;
    score_model *m = NULL;
    int rc = score_model_train_matrix(rows, labels, N_ROWS, N_FEAT, names, directions, &o, &m);
    cr_assert_eq(rc, SCORE_OK, "%s", score_last_error());
    return m;
}

static char *path_in_dir(const char *name)
{
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(*len + 1);
    cr_assert_eq(fread(buf, 1, *len, f), *len);
    fclose(f);
    return buf;
}

static void spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(data, 1, len, f);
    fclose(f);
}

TestSuite(model, .init = setup, .fini = teardown);

Test(model, trains_saves_and_loads_the_same_numbers)
{
    score_model *m = train(1);
    char *path = path_in_dir("m.json.gz");
    cr_assert_eq(score_model_save(m, path), SCORE_OK, "%s", score_last_error());
    score_model *loaded;
    cr_assert_eq(score_model_load(path, &loaded), SCORE_OK, "%s", score_last_error());
    cr_assert_eq(score_model_n_features(loaded), N_FEAT);
    double a[N_ROWS], b[N_ROWS], pa[N_ROWS], pb[N_ROWS];
    cr_assert_eq(score_model_predict(m, rows, N_ROWS, a, pa), SCORE_OK);
    cr_assert_eq(score_model_predict(loaded, rows, N_ROWS, b, pb), SCORE_OK);
    for (int i = 0; i < N_ROWS; i++) {
        cr_assert_eq(a[i], b[i], "row %d margin %.17g vs %.17g", i, a[i], b[i]);
        cr_assert_eq(pa[i], pb[i]);
        cr_assert(pa[i] > 0 && pa[i] < 1);
    }
    /* pd alone, without margins, is the same */
    double only_pd[N_ROWS];
    cr_assert_eq(score_model_predict(loaded, rows, N_ROWS, NULL, only_pd), SCORE_OK);
    cr_assert(memcmp(only_pd, pb, sizeof pb) == 0);
    int kind;
    score_model_input(loaded, &kind);
    cr_assert_eq(kind, SCORE_INPUT_TABLE);
    const char *name;
    int d;
    cr_assert_eq(score_model_feature(loaded, 1, &name, &d), SCORE_OK);
    cr_assert_str_eq(name, "arrears");
    cr_assert_eq(d, 1);
    size_t len;
    cr_assert_eq(score_model_metadata(loaded, NULL, 0, &len), SCORE_OK);
    char *meta = malloc(len + 1);
    cr_assert_eq(score_model_metadata(loaded, meta, len + 1, &len), SCORE_OK);
    cr_assert(strstr(meta, "\"auc\"") && strstr(meta, "\"ks\"") && strstr(meta, "\"brier\"") &&
              strstr(meta, "\"calibration_table\"") && strstr(meta, "\"trees\"") &&
              strstr(meta, "2023-11-14T22:13:20Z"), "%s", meta);
    free(meta);
    score_model_free(m);
    score_model_free(loaded);
}

Test(model, learns_and_is_calibrated)
{
    score_model *m = train(1);
    double pd[N_ROWS], mean = 0, bads = 0;
    score_model_predict(m, rows, N_ROWS, NULL, pd);
    for (int i = 0; i < N_ROWS; i++) {
        mean += pd[i];
        bads += labels[i];
    }
    /* Platt scaling fitted on held-out rows keeps the mean PD near the default rate */
    cr_assert(fabs(mean / N_ROWS - bads / N_ROWS) < 0.02, "mean pd %.4f rate %.4f", mean / N_ROWS,
              bads / N_ROWS);
    /* monotone: more arrears never lowers the margin */
    float row[N_FEAT];
    memcpy(row, rows, sizeof row);
    double prev = -1e300;
    for (float arrears = 0; arrears <= 1e5f; arrears += 5e3f) {
        row[1] = arrears;
        double margin;
        score_model_predict(m, row, 1, &margin, NULL);
        cr_assert_geq(margin, prev - 1e-12);
        prev = margin;
    }
    score_model_free(m);
}

Test(model, the_same_data_and_seed_give_byte_identical_bundles)
{
    score_model *a = train(7), *b = train(7), *c = train(8);
    char *pa = path_in_dir("a.json.gz"), *pb = path_in_dir("b.json.gz"), *pc = path_in_dir("c.json.gz");
    score_model_save(a, pa);
    score_model_save(b, pb);
    score_model_save(c, pc);
    size_t la, lb, lc;
    unsigned char *da = slurp(pa, &la), *db = slurp(pb, &lb), *dc = slurp(pc, &lc);
    cr_assert(la == lb && memcmp(da, db, la) == 0, "two trainings with seed 7 differ");
    cr_assert(la != lc || memcmp(da, dc, la) != 0, "seed 8 gave the same bundle as seed 7");
    free(da);
    free(db);
    free(dc);
    score_model_free(a);
    score_model_free(b);
    score_model_free(c);
}

/* The bundle's JSON text, decompressed. */
static char *bundle_text(const char *path, size_t *len)
{
    size_t zlen;
    unsigned char *z = slurp(path, &zlen);
    size_t cap = zlen * 20 + 1024;
    char *text = malloc(cap);
    z_stream zs = {0};
    inflateInit2(&zs, 31);
    zs.next_in = z;
    zs.avail_in = (uInt)zlen;
    zs.next_out = (Bytef *)text;
    zs.avail_out = (uInt)cap;
    cr_assert_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
    *len = zs.total_out;
    inflateEnd(&zs);
    free(z);
    return text;
}

static void write_gzip_text(const char *path, const char *text, size_t len)
{
    size_t zlen;
    unsigned char *z = gzip_bytes(text, len, &zlen);
    spit(path, z, zlen);
    free(z);
}

/* Replace the first `from` by `to` in a bundle's text, recompress, and
 * optionally recompute the checksum (a deliberate, consistent edit). */
static void edited(const char *src, const char *dst, const char *from, const char *to, int fix)
{
    size_t len;
    char *text = bundle_text(src, &len);
    char *at = strstr(text, from);
    cr_assert_not_null(at, "no %s in the bundle", from);
    size_t out_len = len - strlen(from) + strlen(to);
    char *out = malloc(out_len + 64);
    memcpy(out, text, (size_t)(at - text));
    memcpy(out + (at - text), to, strlen(to));
    memcpy(out + (at - text) + strlen(to), at + strlen(from), len - (size_t)(at - text) - strlen(from));
    if (fix) {
        char *key = strstr(out, "\n\"checksum\": \"crc32:");
        cr_assert_not_null(key);
        uLong crc = crc32(0L, (const Bytef *)out, (uInt)(key - 1 - out));
        out_len = (size_t)(key - out);
        out_len += (size_t)sprintf(key, "\n\"checksum\": \"crc32:%08lx\"\n}\n", (unsigned long)crc);
    }
    write_gzip_text(dst, out, out_len);
    free(text);
    free(out);
}

static void refused(const char *path, int code, const char *needle)
{
    score_model *m = (score_model *)0x1;
    int rc = score_model_load(path, &m);
    cr_assert_eq(rc, code, "%s: got %d (%s), expected %d", path, rc, score_last_error(), code);
    cr_assert_eq(m, (score_model *)0x1, "the output is untouched on failure");
    cr_assert(strstr(score_last_error(), needle), "message \"%s\" lacks \"%s\"", score_last_error(),
              needle);
}

/* One XGBoost tree: a chain `depth` splits deep (0: a single leaf). */
static json_t *chain_tree(unsigned depth, int id, const char *num_feature)
{
    size_t n = 2 * depth + 1;
    json_t *tree = json_object(), *arrays[10];
    static const char *const names[] = {"base_weights", "default_left", "left_children",
                                        "loss_changes", "parents", "right_children",
                                        "split_conditions", "split_indices", "split_type",
                                        "sum_hessian"};
    for (size_t a = 0; a < 10; a++) {
        arrays[a] = json_array();
        json_object_set_new(tree, names[a], arrays[a]);
    }
    for (size_t i = 0; i < n; i++) {
        int leaf = i % 2 || i == n - 1;
        json_array_append_new(arrays[0], json_real(0));
        json_array_append_new(arrays[1], json_integer(0));
        json_array_append_new(arrays[2], json_integer(leaf ? -1 : (json_int_t)i + 1));
        json_array_append_new(arrays[3], json_real(0));
        json_array_append_new(arrays[4],
                              json_integer(i == 0 ? 2147483647 : (json_int_t)((i - 1) / 2 * 2)));
        json_array_append_new(arrays[5], json_integer(leaf ? -1 : (json_int_t)i + 2));
        json_array_append_new(arrays[6], json_real(leaf ? 0.01 : 0.5));
        json_array_append_new(arrays[7], json_integer(leaf ? 0 : (json_int_t)(i / 2 % N_FEAT)));
        json_array_append_new(arrays[8], json_integer(0));
        json_array_append_new(arrays[9], json_real((double)(n - i)));
    }
    static const char *const empty[] = {"categories", "categories_nodes", "categories_segments",
                                        "categories_sizes"};
    for (size_t a = 0; a < 4; a++)
        json_object_set_new(tree, empty[a], json_array());
    json_object_set_new(tree, "id", json_integer(id));
    char num[32];
    snprintf(num, sizeof num, "%zu", n);
    json_t *param = json_pack("{s:s,s:s,s:s,s:s}", "num_nodes", num, "num_deleted", "0",
                              "num_feature", num_feature, "size_leaf_vector", "0");
    json_object_set_new(tree, "tree_param", param);
    return tree;
}

/* A checksummed bundle whose forest is one chain `depth` deep followed by
 * single leaves up to `n_trees`: what a crafted file can claim. */
static void bundle_with_trees(const char *good, const char *bad, unsigned depth, size_t n_trees)
{
    size_t len;
    char *text = bundle_text(good, &len);
    json_error_t err;
    json_t *root = json_loadb(text, len, 0, &err);
    cr_assert_not_null(root, "%s", err.text);
    json_object_del(root, "checksum");
    json_t *learner = json_object_get(json_object_get(root, "xgboost"), "learner");
    json_t *model = json_object_get(json_object_get(learner, "gradient_booster"), "model");
    const char *nf = json_string_value(
        json_object_get(json_object_get(learner, "learner_model_param"), "num_feature"));
    json_t *trees = json_array(), *info = json_array();
    for (size_t t = 0; t < n_trees; t++) {
        json_array_append_new(trees, chain_tree(t == 0 ? depth : 0, (int)t, nf));
        json_array_append_new(info, json_integer(0));
    }
    json_object_set_new(model, "trees", trees);
    json_object_set_new(model, "tree_info", info);
    char count[32];
    snprintf(count, sizeof count, "%zu", n_trees);
    json_object_set_new(json_object_get(model, "gbtree_model_param"), "num_trees",
                        json_string(count));
    json_object_del(model, "iteration_indptr");
    char *body = json_dumps(root, JSON_PRESERVE_ORDER | JSON_COMPACT);
    cr_assert_not_null(body);
    size_t body_len = strlen(body) - 1; /* without the closing brace */
    char *out = malloc(body_len + 64);
    memcpy(out, body, body_len);
    uLong crc = crc32(0L, (const Bytef *)out, (uInt)body_len);
    size_t out_len = body_len + (size_t)sprintf(out + body_len,
                                                ",\n\"checksum\": \"crc32:%08lx\"\n}\n",
                                                (unsigned long)crc);
    write_gzip_text(bad, out, out_len);
    free(out);
    free(body);
    json_decref(root);
    free(text);
}

Test(model, crafted_forests_beyond_the_limits_are_refused)
{
    score_model *m = train(1);
    char *good = path_in_dir("good.json.gz"), *bad = path_in_dir("deep.json.gz");
    cr_assert_eq(score_model_save(m, good), SCORE_OK);
    score_model_free(m);
    score_model *out = NULL;
    /* a chain 16 deep is what training can make: it loads */
    bundle_with_trees(good, bad, 16, 3);
    cr_assert_eq(score_model_load(bad, &out), SCORE_OK, "%s", score_last_error());
    score_model_free(out);
    /* 17 and 128 levels: refused, not served at TreeSHAP's cost */
    unsigned deep[] = {17, 128};
    for (size_t i = 0; i < 2; i++) {
        bundle_with_trees(good, bad, deep[i], 3);
        cr_assert_eq(score_model_load(bad, &out), SCORE_ELIMIT, "depth %u: %s", deep[i],
                     score_last_error());
        cr_assert(strstr(score_last_error(), "levels deep"), "%s", score_last_error());
    }
    /* one tree more than training can make */
    bundle_with_trees(good, bad, 2, 100001);
    cr_assert_eq(score_model_load(bad, &out), SCORE_ELIMIT, "%s", score_last_error());
    cr_assert(strstr(score_last_error(), "100001 trees"), "%s", score_last_error());
}

Test(model, damaged_and_altered_bundles_are_refused)
{
    score_model *m = train(1);
    char *good = path_in_dir("good.json.gz"), *bad = path_in_dir("bad.json.gz");
    score_model_save(m, good);
    score_model_free(m);
    size_t zlen;
    unsigned char *z = slurp(good, &zlen);
    /* truncated anywhere */
    for (size_t cut = 0; cut < zlen; cut += zlen / 23 + 1) {
        spit(bad, z, cut);
        score_model *out;
        int rc = score_model_load(bad, &out);
        cr_assert(rc == SCORE_ECORRUPT || rc == SCORE_EFORMAT, "cut %zu: %d %s", cut, rc,
                  score_last_error());
    }
    /* a flipped byte in the compressed stream */
    z[zlen / 2] ^= 0x40;
    spit(bad, z, zlen);
    refused(bad, SCORE_ECORRUPT, "bad.json.gz");
    free(z);
    /* a changed number, recompressed: the checksum catches it */
    edited(good, bad, "\"points_to_double\":20.0", "\"points_to_double\":25.0", 0);
    refused(bad, SCORE_ECORRUPT, "checksum mismatch");
    /* consistent edits that break the rules */
    edited(good, bad, "\"version\": 1,", "\"version\": 2,", 1);
    refused(bad, SCORE_EVERSION, "bundle version");
    edited(good, bad, "\"format\": \"libscore-model\"", "\"format\": \"other\"", 1);
    refused(bad, SCORE_EFORMAT, "not a libscore model bundle");
    edited(good, bad, "\"features\": [\"growth\"", "\"features\": [\"growth2\"", 1);
    refused(bad, SCORE_EFORMAT, "does not match");
    edited(good, bad, "\"features\": [\"growth\",", "\"features\": [", 1);
    refused(bad, SCORE_EFORMAT, "");
    edited(good, bad, "{\"grade\":\"AAA\",\"max_pd\":0.00050000000000000001}",
           "{\"grade\":\"AAA\",\"max_pd\":0.5}", 1);
    refused(bad, SCORE_EFORMAT, "grades");
    edited(good, bad, "\"split_type\":[0", "\"split_type\":[1", 1);
    refused(bad, SCORE_EUNSUPPORTED, "categorical");
    /* checksummed bundles outside the scaling and calibration contract:
     * a score of -2147483648, every PD 0 and grade AAA */
    static const char *const outside[][2] = {
        {"\"base_score\":600.0", "\"base_score\":1e308"},
        {"\"base_score\":600.0", "\"base_score\":-1e7"},
        {"\"points_to_double\":20.0", "\"points_to_double\":1e300"},
        {"\"points_to_double\":20.0", "\"points_to_double\":-20.0"},
        {"\"base_odds\":50.0", "\"base_odds\":1e-300"},
        {"\"min\":300", "\"min\":-3000000000"},
        {"\"max\":900", "\"max\":900.5"},
        {"\"calibration\": {\"method\":\"platt\",\"a\":", "\"calibration\": {\"method\":\"platt\",\"a\":1e300,\"x\":"},
        {"\"calibration\": {\"method\":\"platt\",\"a\":", "\"calibration\": {\"method\":\"platt\",\"a\":-1,\"x\":"},
    };
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        edited(good, bad, outside[i][0], outside[i][1], 1);
        refused(bad, SCORE_EFORMAT, i < 7 ? "scaling" : "calibration");
    }
    /* an unknown key is ignored, as DESIGN promises */
    edited(good, bad, "\n\"metadata\":", "\n\"future_key\": {\"x\":1},\n\"metadata\":", 1);
    score_model *ok;
    cr_assert_eq(score_model_load(bad, &ok), SCORE_OK, "%s", score_last_error());
    score_model_free(ok);
    refused("/nonexistent/m.json.gz", SCORE_EIO, "/nonexistent/m.json.gz");
}

typedef struct job {
    const score_model *m;
    double margin[N_ROWS];
} job;

static void *predict_all(void *arg)
{
    job *j = arg;
    for (int i = 0; i < N_ROWS; i += 7) {
        size_t n = i + 7 <= N_ROWS ? 7 : (size_t)(N_ROWS - i);
        score_model_predict(j->m, rows + i * N_FEAT, n, j->margin + i, NULL);
    }
    return NULL;
}

Test(model, eight_threads_share_one_model)
{
    score_model *m = train(1);
    static job jobs[9];
    pthread_t t[8];
    jobs[8].m = m;
    predict_all(&jobs[8]);
    for (int k = 0; k < 8; k++) {
        jobs[k].m = m;
        pthread_create(&t[k], NULL, predict_all, &jobs[k]);
    }
    for (int k = 0; k < 8; k++) {
        pthread_join(t[k], NULL);
        cr_assert(memcmp(jobs[k].margin, jobs[8].margin, sizeof jobs[8].margin) == 0);
    }
    score_model_free(m);
}

typedef struct save_job {
    const score_model *m;
    const char *path;
    int failures;
} save_job;

static void *save_many(void *arg)
{
    save_job *job = arg;
    for (int i = 0; i < 10; i++)
        job->failures += score_model_save(job->m, job->path) != SCORE_OK;
    return NULL;
}

/* score.h calls saving thread-safe: eight threads saving two different
 * models to one path leave one whole bundle of one of them, never a mix,
 * and a link planted at the old temporary name is not written through. */
Test(model, concurrent_saves_leave_one_whole_bundle)
{
    score_model *a = train(1), *b = train(2);
    char *path = path_in_dir("shared.json.gz");
    char victim[512], planted[512];
    snprintf(victim, sizeof victim, "%s", path_in_dir("victim.txt"));
    snprintf(planted, sizeof planted, "%s.tmp", path);
    FILE *f = fopen(victim, "w");
    fputs("precious\n", f);
    fclose(f);
    cr_assert_eq(symlink(victim, planted), 0);
    save_job jobs[8];
    pthread_t t[8];
    for (int k = 0; k < 8; k++) {
        jobs[k] = (save_job){k % 2 ? a : b, path, 0};
        pthread_create(&t[k], NULL, save_many, &jobs[k]);
    }
    for (int k = 0; k < 8; k++) {
        pthread_join(t[k], NULL);
        cr_assert_eq(jobs[k].failures, 0, "%s", score_last_error());
    }
    score_model *back;
    cr_assert_eq(score_model_load(path, &back), SCORE_OK, "%s", score_last_error());
    float row[N_FEAT] = {0.4f, 0.2f, 0.9f};
    double got, want_a, want_b;
    score_model_predict(back, row, 1, &got, NULL);
    score_model_predict(a, row, 1, &want_a, NULL);
    score_model_predict(b, row, 1, &want_b, NULL);
    cr_assert(got == want_a || got == want_b);
    f = fopen(victim, "r");
    char text[32] = "";
    cr_assert_not_null(fgets(text, sizeof text, f));
    fclose(f);
    cr_assert_str_eq(text, "precious\n", "the planted link was written through");
    score_model_free(back);
    score_model_free(a);
    score_model_free(b);
}

Test(model, scaling_and_grade_boundaries)
{
    score_model *m = train(1);
    /* 600 points at odds 50:1, 20 points to double */
    cr_assert_eq(score_pd_to_score(m, 1.0 / 51), 600);
    cr_assert_eq(score_pd_to_score(m, 1.0 / 101), 620);
    cr_assert_eq(score_pd_to_score(m, 1.0 / 26), 580);
    cr_assert_eq(score_pd_to_score(m, 1e-12), 900);
    cr_assert_eq(score_pd_to_score(m, 0.9999), 300);
    cr_assert_eq(score_pd_to_score(m, 0), 900);
    cr_assert_eq(score_pd_to_score(m, 1), 300);
    cr_assert_eq(score_model_n_grades(m), 10);
    const char *expected[] = {"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D"};
    const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.10, 0.20};
    for (size_t g = 0; g < 10; g++)
        cr_assert_str_eq(score_model_grade_name(m, g), expected[g]);
    cr_assert_null(score_model_grade_name(m, 10));
    for (size_t g = 0; g < 9; g++) {
        /* a PD exactly at a band's upper bound is in that band; just above, in the next */
        cr_assert_eq(sc_grade_of_pd(m, bounds[g]), g);
        cr_assert_eq(sc_grade_of_pd(m, nextafter(bounds[g], 1)), g + 1);
    }
    cr_assert_eq(sc_grade_of_pd(m, 0.999), 9);
    score_model_free(m);
}

Test(model, scores_and_reasons_follow_the_contributions)
{
    score_model *m = train(1);
    size_t k = score_model_n_reasons(m);
    cr_assert_eq(k, 3);
    for (int i = 0; i < 200; i++) {
        const float *row = rows + i * N_FEAT;
        double contributions[N_FEAT + 1], margin, pd;
        int score, grade, reasons[3];
        cr_assert_eq(score_model_contributions(m, row, contributions), SCORE_OK);
        cr_assert_eq(score_model_score(m, row, 1, &margin, &pd, &score, &grade, reasons), SCORE_OK);
        double sum = 0;
        for (int j = 0; j <= N_FEAT; j++)
            sum += contributions[j];
        cr_assert(fabs(sum - margin) < 1e-4, "contributions add up to the margin");
        cr_assert_eq(score, score_pd_to_score(m, pd));
        for (size_t r = 0; r < k; r++) {
            if (reasons[r] < 0) {
                for (size_t s = r; s < k; s++)
                    cr_assert_eq(reasons[s], -1);
                break;
            }
            cr_assert_gt(contributions[reasons[r]], 0, "a reason pushes the risk up");
            if (r)
                cr_assert_geq(contributions[reasons[r - 1]], contributions[reasons[r]]);
        }
    }
    const char *code;
    char zh[128], en[128];
    cr_assert_eq(score_model_reason(m, 1, 1234.5, &code, zh, sizeof zh, en, sizeof en), SCORE_OK);
    cr_assert_str_eq(code, "arrears");
    cr_assert_str_eq(en, "arrears = 1234.5");
    cr_assert_eq(score_model_reason(m, 6, 1, &code, zh, sizeof zh, en, sizeof en), SCORE_EINVAL);
    score_model_free(m);
}

Test(model, a_table_with_text_columns_trains_and_predicts_by_name)
{
    char *table = path_in_dir("t.csv"), *reordered = path_in_dir("r.csv");
    FILE *f = fopen(table, "w"), *g = fopen(reordered, "w");
    fprintf(f, "id,home,growth,note,bad\n");
    fprintf(g, "extra,growth,home,id\n");
    for (int i = 0; i < N_ROWS; i++) {
        const char *home = i % 3 == 0 ? "rent" : i % 3 == 1 ? "own" : "NA";
        char growth[32];
        c_snprintf(growth, sizeof growth, "%.6g", (double)rows[i * N_FEAT]);
        fprintf(f, "E%d,%s,%s,free text %d,%d\n", i, home, growth, i, (int)labels[i]);
        fprintf(g, "x,%s,%s,E%d\n", growth, i == 5 ? "boat" : home, i);
    }
    fprintf(g, "x,oops,own,E-bad\n");
    fclose(f);
    fclose(g);
    score_train_options o;
    score_train_options_init(&o);
    o.max_rounds = 60;
    diag_log log = {0};
    o.diagnostic = collect_diagnostic;
    o.diagnostic_user = &log;
    score_model *m;
    cr_assert_eq(score_model_train_table(table, "bad", "id", &o, &m), SCORE_OK, "%s", score_last_error());
    cr_assert(log_has(&log, "note: text column with more than 32 distinct values: not used"),
              "%s", log.text[0]);
    cr_assert_eq(score_model_n_features(m), 3, "home=own, home=rent, growth");
    const char *name;
    score_model_feature(m, 0, &name, NULL);
    cr_assert_str_eq(name, "home=own");
    char *path = path_in_dir("tm.json.gz");
    cr_assert_eq(score_model_save(m, path), SCORE_OK);
    score_model *loaded;
    cr_assert_eq(score_model_load(path, &loaded), SCORE_OK, "%s", score_last_error());
    score_read_options ro;
    score_read_options_init(&ro);
    diag_log rejected = {0};
    ro.diagnostic = collect_diagnostic;
    ro.diagnostic_user = &rejected;
    score_read_counts counts = {.size = sizeof counts};
    score_table *t;
    cr_assert_eq(score_table_read(loaded, reordered, NULL, &ro, &counts, &t), SCORE_OK, "%s",
                 score_last_error());
    cr_assert_eq(counts.rejected, 1);
    cr_assert(log_has(&rejected, ":2:"), "the bad row is named by its line: %s", rejected.text[0]);
    cr_assert_eq(score_table_n_rows(t), N_ROWS);
    cr_assert_str_eq(score_table_id_name(t), "id");
    cr_assert_str_eq(score_table_id(t, 7), "E7");
    const float *mapped = score_table_rows(t);
    cr_assert(mapped[5 * 3 + 0] == 0 && mapped[5 * 3 + 1] == 0, "an unseen level is all zeros");
    cr_assert(isnan(mapped[2 * 3 + 0]) && isnan(mapped[2 * 3 + 1]), "NA is missing");
    cr_assert(mapped[0 * 3 + 1] == 1 && mapped[0 * 3 + 0] == 0, "rent");
    score_table_free(t);
    /* a table without a column the model needs fails as a whole */
    char *lacking = path_in_dir("l.csv");
    f = fopen(lacking, "w");
    fprintf(f, "id,growth\nE1,0.5\n");
    fclose(f);
    cr_assert_eq(score_table_read(loaded, lacking, NULL, NULL, NULL, &t), SCORE_ENOTFOUND);
    cr_assert(strstr(score_last_error(), "\"home\""), "%s", score_last_error());
    score_model_free(m);
    score_model_free(loaded);
}

Test(model, bad_training_input_is_refused_with_its_place)
{
    char *table = path_in_dir("bad.csv");
    FILE *f = fopen(table, "w");
    fprintf(f, "id,x,bad\nA,1,0\nB,2,2\n");
    fclose(f);
    score_model *m;
    cr_assert_eq(score_model_train_table(table, "bad", "id", NULL, &m), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), "bad.csv:3:3"), "%s", score_last_error());
    cr_assert_eq(score_model_train_table(table, "label", "id", NULL, &m), SCORE_ENOTFOUND);
    float few[4] = {1, 2, 3, 4}, y[4] = {0, 1, 0, 1};
    const char *one[1] = {"x"};
    cr_assert_eq(score_model_train_matrix(few, y, 4, 1, one, NULL, NULL, &m), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "at least 10 defaults"), "%s", score_last_error());
    score_train_options o;
    score_train_options_init(&o);
    o.max_depth = 0;
    cr_assert_eq(score_model_train_matrix(rows, labels, N_ROWS, N_FEAT, names, directions, &o, &m),
                 SCORE_EINVAL);
}

/* A table that trains: growth a number per row, the label from `labels`,
 * with `cell` put in row `at` of the growth column (NULL: none). */
static char *table_with_cell(const char *name, const char *header, int at, const char *cell)
{
    char *path = path_in_dir(name);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n", header);
    for (int i = 0; i < N_ROWS; i++) {
        char growth[32];
        c_snprintf(growth, sizeof growth, "%.6g", (double)rows[i * N_FEAT]);
        fprintf(f, "E%d,%s,%d,%d\n", i, i == at && cell ? cell : growth, i % 7, (int)labels[i]);
    }
    fclose(f);
    return path;
}

Test(model, table_columns_that_would_change_the_model_silently_are_refused)
{
    score_model *m = NULL;
    /* two columns of one name, named by their positions */
    char *twice = table_with_cell("twice.csv", "id,x,x,bad", -1, NULL);
    cr_assert_eq(score_model_train_table(twice, "bad", "id", NULL, &m), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), "twice.csv:1:3") &&
              strstr(score_last_error(), "columns 2 and 3"), "%s", score_last_error());
    /* one text cell in a column of numbers: not a text column, an error at the cell */
    char *typo = table_with_cell("typo.csv", "id,growth,age,bad", 17, "0.3O");
    cr_assert_eq(score_model_train_table(typo, "bad", "id", NULL, &m), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), "typo.csv:19:2") && strstr(score_last_error(), "0.3O") &&
              strstr(score_last_error(), "\"growth\""), "%s", score_last_error());
    /* beyond float range: an error at the cell, not an infinite feature */
    char *huge = table_with_cell("huge.csv", "id,growth,age,bad", 3, "1e39");
    cr_assert_eq(score_model_train_table(huge, "bad", "id", NULL, &m), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), "huge.csv:5:2") &&
              strstr(score_last_error(), "float range"), "%s", score_last_error());
    char *negative = table_with_cell("neg.csv", "id,growth,age,bad", 9, "-4e38");
    cr_assert_eq(score_model_train_table(negative, "bad", "id", NULL, &m), SCORE_EFORMAT);
    /* and when scoring: the row is rejected with the reason, the rest scored */
    char *clean = table_with_cell("clean.csv", "id,growth,age,bad", -1, NULL);
    score_train_options o;
    score_train_options_init(&o);
    o.max_rounds = 20;
    cr_assert_eq(score_model_train_table(clean, "bad", "id", &o, &m), SCORE_OK, "%s",
                 score_last_error());
    score_read_options ro;
    score_read_options_init(&ro);
    diag_log rejected = {0};
    ro.diagnostic = collect_diagnostic;
    ro.diagnostic_user = &rejected;
    score_read_counts counts = {.size = sizeof counts};
    score_table *t;
    cr_assert_eq(score_table_read(m, huge, NULL, &ro, &counts, &t), SCORE_OK, "%s",
                 score_last_error());
    cr_assert_eq(counts.rejected, 1);
    cr_assert_eq(score_table_n_rows(t), N_ROWS - 1);
    cr_assert(log_has(&rejected, "float range"), "%s", rejected.text[0]);
    score_table_free(t);
    ro.strict = 1;
    cr_assert_eq(score_table_read(m, huge, NULL, &ro, &counts, &t), SCORE_EREJECTED);
    cr_assert(strstr(score_last_error(), ":5:2"), "%s", score_last_error());
    score_model_free(m);
}

/* A gzip bomb: 300 MiB of spaces compressed to about 300 KiB. The reader
 * stops at the documented 256 MiB of decompressed text instead of reading
 * it all (the limit is checked while inflating). */
Test(model, a_gzip_bomb_bundle_is_refused_at_the_limit)
{
    char *path = path_in_dir("bomb.json.gz");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    cr_assert_eq(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
    static unsigned char spaces[1 << 20], out[1 << 16];
    memset(spaces, ' ', sizeof spaces);
    for (int mib = 0; mib <= 300; mib++) {
        zs.next_in = spaces;
        zs.avail_in = mib < 300 ? sizeof spaces : 0;
        int flush = mib < 300 ? Z_NO_FLUSH : Z_FINISH, z;
        do {
            zs.next_out = out;
            zs.avail_out = sizeof out;
            z = deflate(&zs, flush);
            fwrite(out, 1, sizeof out - zs.avail_out, f);
        } while (zs.avail_out == 0 || (flush == Z_FINISH && z != Z_STREAM_END));
    }
    deflateEnd(&zs);
    fclose(f);
    refused(path, SCORE_ECORRUPT, "more than 268435456 bytes (decompressed)");
}
