/* TreeSHAP by the per-leaf tables against the reference algorithm (within
 * 1e-9 relative) and against XGBoost's pred_contribs (float tolerance): random
 * forests of full depth-6 trees, trees of uneven shapes deeper than the tables
 * take (the reference then serves them), features repeated along paths,
 * missing values; and the default model. */
#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

#include "helpers.h"
#include "core/core.h"
#include "model/model.h"

#define NF 10
#define N_ROWS 2000

static uint64_t rng_state;

static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double uniform(void)
{
    return (double)(next_u64() >> 11) / 9007199254740992.0;
}

static void quiet(const char *message)
{
    (void)message;
}

#define XGB(call) cr_assert_eq((call), 0, "%s: %s", #call, XGBGetLastError())

/* A trained one-round model: the learner around the random trees. */
static json_t *skeleton(void)
{
    XGBRegisterLogCallback(quiet);
    enum { N = 200 };
    float x[N * NF], y[N];
    rng_state = 99;
    for (size_t i = 0; i < N * NF; i++)
        x[i] = (float)(uniform() * 2 - 1);
    for (size_t i = 0; i < N; i++)
        y[i] = x[i * NF] > 0 ? 1.0f : 0.0f;
    DMatrixHandle d;
    BoosterHandle b;
    XGB(XGDMatrixCreateFromMat(x, N, NF, NAN, &d));
    XGB(XGDMatrixSetFloatInfo(d, "label", y, N));
    XGB(XGBoosterCreate(&d, 1, &b));
    XGB(XGBoosterSetParam(b, "verbosity", "0"));
    XGB(XGBoosterSetParam(b, "objective", "binary:logistic"));
    XGB(XGBoosterSetParam(b, "base_score", "0.3"));
    XGB(XGBoosterUpdateOneIter(b, 0, d));
    bst_ulong len;
    const char *buf;
    XGB(XGBoosterSaveModelToBuffer(b, "{\"format\": \"json\"}", &len, &buf));
    json_error_t e;
    json_t *m = json_loadb(buf, len, 0, &e);
    cr_assert_not_null(m, "XGBoost's JSON: %s", e.text);
    XGBoosterFree(b);
    XGDMatrixFree(d);
    return m;
}

static json_t *booster_model(json_t *m)
{
    return json_object_get(json_object_get(json_object_get(m, "learner"), "gradient_booster"),
                           "model");
}

/* A random tree: every node splits while above `depth` levels, except, when
 * `ragged`, with probability 0.3 a node becomes a leaf early. Features drawn
 * from the first `n_used` (so that they repeat along paths), thresholds in
 * (-1, 1), covers positive and adding up, default directions at random. */
static json_t *random_tree(unsigned depth, int ragged, size_t n_used, int id)
{
    static const char *const names[] = {"base_weights", "default_left", "left_children",
                                        "loss_changes", "parents", "right_children",
                                        "split_conditions", "split_indices", "split_type",
                                        "sum_hessian"};
    size_t cap = ((size_t)2 << depth), n = 1;
    long long *left = malloc(cap * sizeof *left), *parent = malloc(cap * sizeof *parent);
    unsigned *level = malloc(cap * sizeof *level);
    double *cover = malloc(cap * sizeof *cover);
    parent[0] = 2147483647;
    level[0] = 0;
    for (size_t i = 0; i < n; i++) {
        left[i] = -1;
        if (level[i] < depth && !(ragged && i > 0 && uniform() < 0.3)) {
            left[i] = (long long)n;
            for (int c = 0; c < 2; c++) {
                parent[n] = (long long)i;
                level[n++] = level[i] + 1;
            }
        }
    }
    for (size_t i = n; i-- > 0;)
        cover[i] = left[i] < 0 ? (double)(float)(0.5 + uniform() * 30)
                               : (double)(float)(cover[left[i]] + cover[left[i] + 1]);
    json_t *tree = json_object(), *a[10];
    for (size_t k = 0; k < 10; k++) {
        a[k] = json_array();
        json_object_set_new(tree, names[k], a[k]);
    }
    for (size_t i = 0; i < n; i++) {
        int leaf = left[i] < 0;
        json_array_append_new(a[0], json_real(0));
        json_array_append_new(a[1], json_integer((json_int_t)(next_u64() % 2)));
        json_array_append_new(a[2], json_integer(leaf ? -1 : left[i]));
        json_array_append_new(a[3], json_real(0));
        json_array_append_new(a[4], json_integer(parent[i]));
        json_array_append_new(a[5], json_integer(leaf ? -1 : left[i] + 1));
        json_array_append_new(a[6], json_real((double)(float)(uniform() * 2 - 1) * (leaf ? 0.3 : 1)));
        json_array_append_new(a[7], json_integer(leaf ? 0 : (json_int_t)(next_u64() % n_used)));
        json_array_append_new(a[8], json_integer(0));
        json_array_append_new(a[9], json_real(cover[i]));
    }
    const char *empty[] = {"categories", "categories_nodes", "categories_segments",
                           "categories_sizes"};
    for (size_t k = 0; k < 4; k++)
        json_object_set_new(tree, empty[k], json_array());
    json_object_set_new(tree, "id", json_integer(id));
    char num[32];
    snprintf(num, sizeof num, "%zu", n);
    json_t *param = json_pack("{s:s, s:s, s:s, s:s}", "num_nodes", num, "num_deleted", "0",
                              "num_feature", "10", "size_leaf_vector", "0");
    json_object_set_new(tree, "tree_param", param);
    free(left);
    free(parent);
    free(level);
    free(cover);
    return tree;
}

/* The skeleton with n_trees random trees (depth, ragged as random_tree). */
static json_t *random_forest(uint64_t seed, size_t n_trees, unsigned depth, int ragged,
                             size_t n_used)
{
    json_t *m = skeleton();
    rng_state = seed;
    json_t *model = booster_model(m);
    json_t *trees = json_object_get(model, "trees"), *info = json_object_get(model, "tree_info");
    json_array_clear(trees);
    json_array_clear(info);
    for (size_t t = 0; t < n_trees; t++) {
        unsigned d = ragged ? 1 + (unsigned)(next_u64() % depth) : depth;
        json_array_append_new(trees, random_tree(d, ragged, n_used, (int)t));
        json_array_append_new(info, json_integer(0));
    }
    char num[32];
    snprintf(num, sizeof num, "%zu", n_trees);
    json_object_set_new(json_object_get(model, "gbtree_model_param"), "num_trees",
                        json_string(num));
    return m;
}

/* Rows in (-1.2, 1.2) with a quarter missing. */
static float *random_rows(uint64_t seed, size_t n, size_t nf)
{
    float *x = malloc(n * nf * sizeof *x);
    rng_state = seed;
    for (size_t i = 0; i < n * nf; i++)
        x[i] = uniform() < 0.25 ? NAN : (float)(uniform() * 2.4 - 1.2);
    return x;
}

/* Tables against the reference on every row: within 1e-9 of the larger of
 * the value and a millionth of the row's largest contribution (a
 * contribution that cancels to almost nothing has no relative digits to
 * keep); the sum is the margin. Returns the worst relative difference. */
static double check_reference(const sc_forest *f, const float *x, size_t n)
{
    const size_t nf = sc_forest_n_features(f);
    double *fast = malloc((nf + 1) * sizeof *fast), *ref = malloc((nf + 1) * sizeof *ref);
    double worst = 0;
    for (size_t r = 0; r < n; r++) {
        cr_assert_eq(sc_forest_contributions(f, x + r * nf, fast), SCORE_OK);
        cr_assert_eq(sc_forest_contributions_reference(f, x + r * nf, ref), SCORE_OK);
        double largest = 0, sum = 0, margin;
        for (size_t j = 0; j < nf; j++)
            largest = fmax(largest, fabs(ref[j]));
        for (size_t j = 0; j <= nf; j++) {
            double scale = fmax(fabs(ref[j]), 1e-6 * largest);
            double rel = scale > 0 ? fabs(fast[j] - ref[j]) / scale : fabs(fast[j] - ref[j]);
            worst = fmax(worst, rel);
            cr_assert(rel <= 1e-9, "row %zu feature %zu: tables %.17g, reference %.17g", r, j,
                      fast[j], ref[j]);
            sum += fast[j];
        }
        sc_forest_predict(f, x + r * nf, 1, &margin);
        cr_assert(fabs(sum - margin) <= 1e-5 * fmax(1, fabs(margin)), "row %zu: sum %.9g, margin %.9g",
                  r, sum, margin);
    }
    free(fast);
    free(ref);
    return worst;
}

/* Tables against XGBoost's pred_contribs (float32, so 1e-4 absolute). */
static void check_xgboost(const json_t *m, const sc_forest *f, const float *x, size_t n)
{
    char *text = json_dumps(m, JSON_COMPACT);
    BoosterHandle b;
    XGB(XGBoosterCreate(NULL, 0, &b));
    /* XGBoost 1.7's JSON reader parses decimals with the host's strtod (see
     * test_forest): the test hands it JSON in the C locale */
    int loaded = xgboost_load_json(b, text);
    XGB(loaded);
    free(text);
    DMatrixHandle d;
    XGB(XGDMatrixCreateFromMat(x, n, NF, NAN, &d));
    const char *config = "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, "
                         "\"iteration_end\": 0, \"strict_shape\": false}";
    const bst_ulong *shape;
    bst_ulong dim;
    const float *want;
    XGB(XGBoosterPredictFromDMatrix(b, d, config, &shape, &dim, &want));
    cr_assert_eq(shape[1], NF + 1);
    double got[NF + 1];
    for (size_t r = 0; r < n; r++) {
        cr_assert_eq(sc_forest_contributions(f, x + r * NF, got), SCORE_OK);
        for (size_t j = 0; j <= NF; j++)
            cr_assert(fabs(got[j] - want[r * (NF + 1) + j]) <= 1e-4 * fmax(1, fabs(got[j])),
                      "row %zu feature %zu: %.9g, XGBoost %.9g", r, j, got[j],
                      want[r * (NF + 1) + j]);
    }
    XGDMatrixFree(d);
    XGBoosterFree(b);
}

static sc_forest *load(const json_t *m)
{
    sc_forest *f = NULL;
    int rc = sc_forest_from_xgboost(m, NF, &f);
    cr_assert_eq(rc, SCORE_OK, "%s", score_last_error());
    return f;
}

static size_t trees_with_tables(const sc_forest *f)
{
    size_t n = 0;
    for (size_t t = 0; t < f->n_trees; t++)
        n += f->shap_leaf_start[t] != SIZE_MAX;
    return n;
}

Test(shap, full_depth6_trees_match_the_reference_and_xgboost)
{
    json_t *m = random_forest(1, 100, 6, 0, NF);
    sc_forest *f = load(m);
    cr_assert_eq(trees_with_tables(f), 100);
    float *x = random_rows(2, N_ROWS, NF);
    double worst = check_reference(f, x, N_ROWS);
    cr_log_info("full depth 6: worst relative difference %.3g", worst);
    check_xgboost(m, f, x, N_ROWS);
    free(x);
    sc_forest_free(f);
    json_decref(m);
}

Test(shap, features_repeated_along_every_path)
{
    /* three features for six levels: every path meets some twice or more */
    json_t *m = random_forest(3, 60, 6, 0, 3);
    sc_forest *f = load(m);
    float *x = random_rows(4, N_ROWS, NF);
    check_reference(f, x, N_ROWS);
    check_xgboost(m, f, x, 500);
    free(x);
    sc_forest_free(f);
    json_decref(m);
}

Test(shap, ragged_and_deep_trees_mix_tables_and_the_reference)
{
    /* depths 1..11: the deeper than SC_SHAP_FAST_MAX_DEPTH take the reference */
    json_t *m = random_forest(5, 60, 11, 1, NF);
    sc_forest *f = load(m);
    size_t with = trees_with_tables(f);
    cr_assert(with > 0 && with < 60, "%zu of 60 trees with tables", with);
    float *x = random_rows(6, N_ROWS, NF);
    check_reference(f, x, N_ROWS);
    check_xgboost(m, f, x, 500);
    free(x);
    sc_forest_free(f);
    json_decref(m);
}

Test(shap, the_default_model)
{
    score_model *model = NULL;
    int rc = score_model_load(TEST_SOURCE_DIR "/models/default.json.gz", &model);
    cr_assert_eq(rc, SCORE_OK, "%s", score_last_error());
    const sc_forest *f = model->forest;
    cr_assert_eq(trees_with_tables(f), sc_forest_n_trees(f));
    /* each feature at values around the thresholds the model splits it at */
    const size_t nf = sc_forest_n_features(f);
    float *x = malloc(N_ROWS * nf * sizeof *x);
    rng_state = 7;
    for (size_t r = 0; r < N_ROWS; r++)
        for (size_t j = 0; j < nf; j++)
            x[r * nf + j] = NAN;
    for (size_t r = 0; r < N_ROWS; r++) {
        for (size_t i = 0; i < f->tree_start[f->n_trees]; i++) {
            const sc_forest_node *node = &f->nodes[i];
            if (node->left == i || uniform() < 0.9)
                continue;
            x[r * nf + (node->word >> 1)] = node->value * (float)(0.98 + 0.04 * uniform());
        }
    }
    double worst = check_reference(f, x, N_ROWS);
    cr_log_info("default model: worst relative difference %.3g", worst);
    free(x);
    score_model_free(model);
}

Test(shap, rows_at_once_give_the_bits_of_one_row_at_a_time)
{
    json_t *m = random_forest(8, 40, 6, 1, NF);
    sc_forest *f = load(m);
    const size_t n = 37; /* two blocks and a part */
    float *x = random_rows(9, n, NF);
    double *all = malloc(n * (NF + 1) * sizeof *all), one[NF + 1];
    cr_assert_eq(sc_forest_contributions_rows(f, x, n, all), SCORE_OK);
    for (size_t r = 0; r < n; r++) {
        cr_assert_eq(sc_forest_contributions(f, x + r * NF, one), SCORE_OK);
        cr_assert_arr_eq(one, all + r * (NF + 1), sizeof one, "row %zu", r);
    }
    free(all);
    free(x);
    sc_forest_free(f);
    json_decref(m);
}
