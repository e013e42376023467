/* The native forest against XGBoost itself: models trained here through the
 * XGBoost C API (missing values, monotone constraints, deleted nodes, boosted
 * random forests, deep lossguide trees, single leaves, no trees), margins on
 * >= 10,000 rows with missing values and infinities compared with
 * XGBoosterPredictFromDense, every kernel bit for bit, TreeSHAP with
 * pred_contribs; malformed and unsupported models refused with messages;
 * 8 threads sharing a forest; every allocation failing in turn. */
#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

#include "helpers.h"
#include "core/core.h"
#include "core/rng.h"
#include "model/forest.h"

#define NF 12          /* features of the test models */
#define N_TRAIN 2000
#define N_EVAL 10000

/* ---- data ---------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t next_u64(void)
{
    return sc_splitmix64(&rng_state);
}

static double uniform(void)
{
    return (double)(next_u64() >> 11) / 9007199254740992.0;
}

/* Rows of four kinds of columns (smooth, small integers with many ties,
 * wide positive, two decimals), NaN at `nan_rate`; labels drawn from a
 * logistic model of a few columns. */
static void make_rows(uint64_t seed, size_t n, size_t nf, double nan_rate, float *x, float *y)
{
    rng_state = seed;
    for (size_t r = 0; r < n; r++) {
        double z = 0;
        for (size_t j = 0; j < nf; j++) {
            double v;
            switch (j % 4) {
            case 0: v = uniform() + uniform() + uniform() - 1.5; break;
            case 1: v = (double)(next_u64() % 6); break;
            case 2: v = exp(uniform() * 14 - 7); break;
            default: v = round(uniform() * 200 - 100) / 100; break;
            }
            if (j < 4)
                z += (j == 1 ? -0.4 : j == 2 ? 0.3 * log(v) : 1.5) * v;
            x[r * nf + j] = uniform() < nan_rate ? NAN : (float)v;
        }
        if (y)
            y[r] = uniform() < 1 / (1 + exp(-z)) ? 1.0f : 0.0f;
    }
}

/* ---- XGBoost ------------------------------------------------------------- */

static void quiet(const char *message)
{
    (void)message;
}

#define XGB(call) cr_assert_eq((call), 0, "%s: %s", #call, XGBGetLastError())

/* Train on N_TRAIN rows of nf columns with `params` (key, value, ..., NULL). */
static BoosterHandle train_nf(const char *const *params, int rounds, uint64_t seed, size_t nf)
{
    XGBRegisterLogCallback(quiet);
    float *x = malloc(sizeof(float) * N_TRAIN * nf), *y = malloc(sizeof(float) * N_TRAIN);
    make_rows(seed, N_TRAIN, nf, 0.15, x, y);
    DMatrixHandle d;
    BoosterHandle b;
    XGB(XGDMatrixCreateFromMat(x, N_TRAIN, nf, NAN, &d));
    XGB(XGDMatrixSetFloatInfo(d, "label", y, N_TRAIN));
    XGB(XGBoosterCreate(&d, 1, &b));
    XGB(XGBoosterSetParam(b, "verbosity", "0"));
    XGB(XGBoosterSetParam(b, "nthread", "1"));
    XGB(XGBoosterSetParam(b, "seed", "7"));
    for (size_t i = 0; params[i]; i += 2)
        XGB(XGBoosterSetParam(b, params[i], params[i + 1]));
    for (int i = 0; i < rounds; i++)
        XGB(XGBoosterUpdateOneIter(b, i, d));
    XGB(XGDMatrixFree(d));
    free(x);
    free(y);
    return b;
}

static BoosterHandle train(const char *const *params, int rounds, uint64_t seed)
{
    return train_nf(params, rounds, seed, NF);
}

static json_t *model_json(BoosterHandle b)
{
    bst_ulong len;
    const char *buf;
    XGB(XGBoosterSaveModelToBuffer(b, "{\"format\": \"json\"}", &len, &buf));
    json_error_t e;
    json_t *m = json_loadb(buf, len, 0, &e);
    cr_assert_not_null(m, "XGBoost's JSON: %s", e.text);
    return m;
}

static BoosterHandle booster_from_json(const json_t *m)
{
    char *text = json_dumps(m, JSON_COMPACT);
    BoosterHandle b;
    XGB(XGBoosterCreate(NULL, 0, &b));
    /* XGBoost 1.7's JSON reader parses long decimals with the host's
     * strtod: under de_DE "0.51178354024887085" became 0. The library never
     * hands XGBoost JSON; this test does, so it does it in the C locale. */
    int rc = xgboost_load_json(b, text);
    XGB(rc);
    free(text);
    return b;
}

/* XGBoost's margins through the inplace predictor, as libscore's callers
 * would use it. */
static void xgb_margins(BoosterHandle b, const float *x, size_t n, size_t nf, float *out)
{
    char array[256];
    snprintf(array, sizeof array,
             "{\"data\": [%llu, true], \"shape\": [%zu, %zu], \"typestr\": \"<f4\", "
             "\"version\": 3}",
             (unsigned long long)(uintptr_t)x, n, nf);
    const char *config = "{\"type\": 1, \"training\": false, \"iteration_begin\": 0, "
                         "\"iteration_end\": 0, \"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}";
    const bst_ulong *shape;
    bst_ulong dim;
    const float *result;
    XGB(XGBoosterPredictFromDense(b, array, config, NULL, &shape, &dim, &result));
    cr_assert_eq(shape[0], n);
    memcpy(out, result, n * sizeof *out);
}

/* pred_contribs: n x (nf + 1). */
static void xgb_contribs(BoosterHandle b, const float *x, size_t n, size_t nf, float *out)
{
    DMatrixHandle d;
    XGB(XGDMatrixCreateFromMat(x, n, nf, NAN, &d));
    const char *config = "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, "
                         "\"iteration_end\": 0, \"strict_shape\": false}";
    const bst_ulong *shape;
    bst_ulong dim;
    const float *result;
    XGB(XGBoosterPredictFromDMatrix(b, d, config, &shape, &dim, &result));
    cr_assert_eq(dim, 2);
    cr_assert_eq(shape[1], nf + 1);
    memcpy(out, result, n * (nf + 1) * sizeof *out);
    XGB(XGDMatrixFree(d));
}

static sc_forest *forest_of(const json_t *m, size_t nf)
{
    sc_forest *f = NULL;
    int rc = sc_forest_from_xgboost(m, nf, &f);
    cr_assert_eq(rc, SCORE_OK, "forest: %d %s", rc, score_last_error());
    return f;
}

static json_t *trees_of(json_t *m)
{
    json_t *t = json_object_get(
        json_object_get(json_object_get(json_object_get(m, "learner"), "gradient_booster"),
                        "model"),
        "trees");
    cr_assert(json_is_array(t));
    return t;
}

static json_t *learner(json_t *m)
{
    return json_object_get(m, "learner");
}

/* ---- evaluation rows --------------------------------------------------------- */

/* N_EVAL rows: fresh rows with 20% NaN, then rows whose values are the
 * model's own thresholds and their float neighbours (where < and <= part),
 * then +-inf, all mixed with NaN. */
static float *eval_rows(json_t *m, size_t nf)
{
    float *x = malloc(sizeof(float) * N_EVAL * nf);
    make_rows(99, N_EVAL, nf, 0.2, x, NULL);
    json_t *trees = trees_of(m);
    size_t r = N_EVAL / 2, t, k = 0;
    json_t *tree;
    json_array_foreach(trees, t, tree) {
        json_t *feat = json_object_get(tree, "split_indices");
        json_t *cond = json_object_get(tree, "split_conditions");
        json_t *left = json_object_get(tree, "left_children");
        for (size_t i = 0; i < json_array_size(feat) && r < N_EVAL - 100; i++) {
            if (json_integer_value(json_array_get(left, i)) < 0)
                continue;
            size_t j = (size_t)json_integer_value(json_array_get(feat, i));
            float v = (float)json_number_value(json_array_get(cond, i));
            float vs[3] = {v, nextafterf(v, -INFINITY), nextafterf(v, INFINITY)};
            x[r * nf + j] = vs[k++ % 3];
            r += 1 + (k % 3 == 0);
        }
    }
    for (size_t i = N_EVAL - 100; i < N_EVAL; i++)
        x[i * nf + i % nf] = i % 2 ? INFINITY : -INFINITY;
    return x;
}

/* Margins of every kernel equal XGBoost's bit for bit (the contract is
 * 1e-5; the forest adds in float in tree order exactly as XGBoost). */
static void check_margins(json_t *m, BoosterHandle b, size_t nf, int expect_perfect)
{
    sc_forest *f = forest_of(m, nf);
    float *x = eval_rows(m, nf);
    float *want = malloc(sizeof(float) * N_EVAL);
    double *got = malloc(sizeof(double) * N_EVAL);
    xgb_margins(b, x, N_EVAL, nf, want);
    cr_assert_eq(sc_forest_has_kernel(f, SC_FOREST_KERNEL_PERFECT), expect_perfect);
    int kernels = 0;
    for (int k = 0; k < SC_FOREST_KERNEL_COUNT; k++) {
        if (!sc_forest_has_kernel(f, (enum sc_forest_kernel)k)) {
            cr_assert_eq(sc_forest_predict_kernel(f, (enum sc_forest_kernel)k, x, 1, got),
                         SCORE_EUNSUPPORTED);
            continue;
        }
        kernels++;
        /* batches of every size up to 19 rows, then the rest in one */
        size_t done = 0;
        for (size_t n = 1; n < 20; n++, done += n - 1)
            cr_assert_eq(sc_forest_predict_kernel(f, (enum sc_forest_kernel)k, x + done * nf,
                                                  n, got + done),
                         SCORE_OK);
        sc_forest_predict_kernel(f, (enum sc_forest_kernel)k, x + done * nf, N_EVAL - done,
                                 got + done);
        for (size_t i = 0; i < N_EVAL; i++) {
            cr_assert(fabs(got[i] - want[i]) <= 1e-5, "kernel %s row %zu: %.9g, XGBoost %.9g",
                      sc_forest_kernel_name((enum sc_forest_kernel)k), i, got[i], want[i]);
            cr_assert_eq((float)got[i], want[i], "kernel %s row %zu: %.9g, XGBoost %.9g",
                         sc_forest_kernel_name((enum sc_forest_kernel)k), i, got[i], want[i]);
        }
    }
    cr_assert_geq(kernels, expect_perfect ? 4 : 2);
    sc_forest_predict(f, x, N_EVAL, got);
    for (size_t i = 0; i < N_EVAL; i++)
        cr_assert_eq((float)got[i], want[i]);
    free(x);
    free(want);
    free(got);
    sc_forest_free(f);
}

/* Contributions against pred_contribs on `n` rows (1e-4); their sum is the
 * margin. */
static void check_contribs(json_t *m, BoosterHandle b, size_t nf, size_t n)
{
    sc_forest *f = forest_of(m, nf);
    float *x = malloc(sizeof(float) * n * nf);
    make_rows(1234, n, nf, 0.25, x, NULL);
    float *want = malloc(sizeof(float) * n * (nf + 1));
    xgb_contribs(b, x, n, nf, want);
    double *got = malloc(sizeof(double) * (nf + 1));
    double worst = 0;
    for (size_t r = 0; r < n; r++) {
        cr_assert_eq(sc_forest_contributions(f, x + r * nf, got), SCORE_OK);
        double sum = 0, margin;
        for (size_t j = 0; j <= nf; j++) {
            double d = fabs(got[j] - want[r * (nf + 1) + j]);
            worst = d > worst ? d : worst;
            cr_assert(d <= 1e-4, "row %zu feature %zu: %.9g, XGBoost %.9g", r, j, got[j],
                      want[r * (nf + 1) + j]);
            sum += got[j];
        }
        cr_assert_float_eq(got[nf], sc_forest_bias(f), 1e-12);
        sc_forest_predict(f, x + r * nf, 1, &margin);
        cr_assert(fabs(sum - margin) <= 1e-5 * fmax(1, fabs(margin)),
                  "row %zu: contributions add up to %.9g, margin %.9g", r, sum, margin);
    }
    cr_log_info("contributions: largest difference from XGBoost %.3g", worst);
    free(x);
    free(want);
    free(got);
    sc_forest_free(f);
}

static const char *const HIST[] = {"objective", "binary:logistic", "tree_method", "hist",
                                   "max_depth", "6", "eta", "0.1", "base_score", "0.3",
                                   "monotone_constraints", "(1,-1,0,0,1,0,0,0,0,0,0,-1)",
                                   "subsample", "0.8", "colsample_bytree", "0.9", NULL};

Test(forest, hist_model_with_monotone_constraints)
{
    BoosterHandle b = train(HIST, 100, 1);
    json_t *m = model_json(b);
    sc_forest *f = forest_of(m, NF);
    cr_assert_eq(sc_forest_n_trees(f), 100);
    cr_assert_eq(sc_forest_n_features(f), NF);
    cr_assert_eq(sc_forest_max_depth(f), 6);
    cr_assert_eq((float)sc_forest_base_margin(f), -logf(1.0f / 0.3f - 1.0f));
    sc_forest_free(f);
    check_margins(m, b, NF, 1);
    check_contribs(m, b, NF, 300);
    json_decref(m);
    XGBoosterFree(b);
}

Test(forest, exact_model_with_deleted_nodes)
{
    static const char *const p[] = {"objective", "binary:logistic", "tree_method", "exact",
                                    "max_depth", "5", "gamma", "2", NULL};
    BoosterHandle b = train(p, 40, 2);
    json_t *m = model_json(b);
    long long deleted = 0;
    size_t t;
    json_t *tree;
    json_array_foreach(trees_of(m), t, tree)
        deleted += atoll(json_string_value(
            json_object_get(json_object_get(tree, "tree_param"), "num_deleted")));
    cr_assert_gt(deleted, 0, "pruning leaves deleted nodes in the model");
    check_margins(m, b, NF, 1);
    check_contribs(m, b, NF, 200);
    json_decref(m);
    XGBoosterFree(b);
}

Test(forest, boosted_random_forest)
{
    static const char *const p[] = {"objective", "binary:logistic", "num_parallel_tree", "3",
                                    "subsample", "0.7", "colsample_bynode", "0.7",
                                    "max_depth", "4", NULL};
    BoosterHandle b = train(p, 10, 3);
    json_t *m = model_json(b);
    sc_forest *f = forest_of(m, NF);
    cr_assert_eq(sc_forest_n_trees(f), 30);
    sc_forest_free(f);
    check_margins(m, b, NF, 1);
    check_contribs(m, b, NF, 100);
    json_decref(m);
    XGBoosterFree(b);
}

Test(forest, deep_lossguide_trees_use_the_breadth_first_layout)
{
    static const char *const p[] = {"objective", "binary:logistic", "tree_method", "hist",
                                    "grow_policy", "lossguide", "max_depth", "0",
                                    "max_leaves", "200", "min_child_weight", "0.5", NULL};
    BoosterHandle b = train(p, 30, 4);
    json_t *m = model_json(b);
    sc_forest *f = forest_of(m, NF);
    cr_assert_gt(sc_forest_max_depth(f), SC_FOREST_PERFECT_MAX_DEPTH);
    cr_assert_eq(sc_forest_auto_kernel(f), SC_FOREST_KERNEL_DEEP);
    sc_forest_free(f);
    check_margins(m, b, NF, 0);
    check_contribs(m, b, NF, 100);
    json_decref(m);
    XGBoosterFree(b);
}

Test(forest, single_leaf_trees_and_no_trees)
{
    static const char *const p[] = {"objective", "binary:logistic", "min_child_weight", "1e9",
                                    NULL};
    BoosterHandle b = train(p, 5, 5);
    json_t *m = model_json(b);
    sc_forest *f = forest_of(m, NF);
    cr_assert_eq(sc_forest_max_depth(f), 0);
    sc_forest_free(f);
    check_margins(m, b, NF, 1);
    check_contribs(m, b, NF, 20);
    json_decref(m);
    XGBoosterFree(b);

    /* XGBoost cannot save a model before its first round: empty one */
    b = train(HIST, 1, 5);
    m = model_json(b);
    XGBoosterFree(b);
    json_array_clear(trees_of(m));
    json_array_clear(json_object_get(json_object_get(json_object_get(learner(m),
                                                                     "gradient_booster"),
                                                     "model"),
                                     "tree_info"));
    json_object_set_new(json_object_get(json_object_get(json_object_get(learner(m),
                                                                        "gradient_booster"),
                                                        "model"),
                                        "gbtree_model_param"),
                        "num_trees", json_string("0"));
    b = booster_from_json(m);
    f = forest_of(m, NF);
    cr_assert_eq(sc_forest_n_trees(f), 0);
    sc_forest_free(f);
    check_margins(m, b, NF, 1);
    json_decref(m);
    XGBoosterFree(b);
}

/* ---- node numbering ------------------------------------------------------------ */

/* Renumber every tree's nodes (root kept at 0) with a random permutation:
 * children no longer follow their parent or each other. */
static void permute_nodes(json_t *m)
{
    static const char *const per_node[] = {"base_weights", "default_left", "loss_changes",
                                           "split_conditions", "split_indices", "split_type",
                                           "sum_hessian", "left_children", "right_children",
                                           "parents"};
    size_t t;
    json_t *tree;
    json_array_foreach(trees_of(m), t, tree) {
        size_t n = json_array_size(json_object_get(tree, "left_children"));
        size_t *to = malloc(n * sizeof *to);
        for (size_t i = 0; i < n; i++)
            to[i] = i;
        for (size_t i = n - 1; i > 1; i--) {
            size_t j = 1 + next_u64() % i;
            size_t s = to[i];
            to[i] = to[j];
            to[j] = s;
        }
        for (size_t a = 0; a < SC_ARRAY_LEN(per_node); a++) {
            json_t *old = json_object_get(tree, per_node[a]);
            json_t *new = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(new, json_null());
            for (size_t i = 0; i < n; i++) {
                json_t *v = json_array_get(old, i);
                if (a >= 7 && json_integer_value(v) >= 0 && json_integer_value(v) < (json_int_t)n)
                    v = json_integer((json_int_t)to[json_integer_value(v)]);
                else
                    json_incref(v);
                json_array_set_new(new, to[i], v);
            }
            json_object_set_new(tree, per_node[a], new);
        }
        free(to);
    }
}

Test(forest, node_numbering_does_not_matter)
{
    BoosterHandle b = train(HIST, 30, 6);
    json_t *m = model_json(b);
    json_t *p = json_deep_copy(m);
    rng_state = 42;
    permute_nodes(p);
    sc_forest *f = forest_of(m, NF), *g = forest_of(p, NF);
    float *x = eval_rows(m, NF);
    double *a = malloc(sizeof(double) * N_EVAL), *c = malloc(sizeof(double) * N_EVAL);
    sc_forest_predict(f, x, N_EVAL, a);
    sc_forest_predict(g, x, N_EVAL, c);
    cr_assert_arr_eq(a, c, sizeof(double) * N_EVAL);
    double ca[NF + 1], cc[NF + 1];
    for (size_t r = 0; r < 50; r++) {
        sc_forest_contributions(f, x + r * NF, ca);
        sc_forest_contributions(g, x + r * NF, cc);
        for (size_t j = 0; j <= NF; j++)
            cr_assert_float_eq(ca[j], cc[j], 1e-12);
    }
    free(x);
    free(a);
    free(c);
    sc_forest_free(f);
    sc_forest_free(g);
    json_decref(p);
    json_decref(m);
    XGBoosterFree(b);
}

/* ---- a synthetic deep tree, loaded into XGBoost too --------------------------------- */

/* Replace the trees of model m by one chain-shaped tree `depth` splits
 * deep, splitting on features 0, step, 2 step, ... modulo `modulo` (so that
 * features repeat along the path). */
static void chain_into(json_t *m, unsigned depth, uint64_t seed, size_t step, size_t modulo)
{
    rng_state = seed;
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
    double *cover = malloc(n * sizeof *cover);
    for (size_t i = n; i-- > 0;)
        cover[i] = i % 2 || i == n - 1 ? 1 + uniform() * 20 : cover[i + 1] + cover[i + 2];
    for (size_t i = 0; i < n; i++) {
        int leaf = i % 2 || i == n - 1;
        json_array_append_new(arrays[0], json_real(0));
        json_array_append_new(arrays[1], json_integer(next_u64() % 2));
        json_array_append_new(arrays[2], json_integer(leaf ? -1 : (json_int_t)i + 1));
        json_array_append_new(arrays[3], json_real(0));
        json_array_append_new(arrays[4],
                              json_integer(i == 0 ? 2147483647 : (json_int_t)((i - 1) / 2 * 2)));
        json_array_append_new(arrays[5], json_integer(leaf ? -1 : (json_int_t)i + 2));
        json_array_append_new(arrays[6],
                              json_real(leaf ? (double)(float)(uniform() - 0.5)
                                             : (double)(float)(uniform() * 2 - 1.4)));
        json_array_append_new(arrays[7],
                              json_integer(leaf ? 0 : (json_int_t)((i / 2 * step) % modulo)));
        json_array_append_new(arrays[8], json_integer(0));
        json_array_append_new(arrays[9], json_real((double)(float)cover[i]));
    }
    free(cover);
    json_object_set_new(tree, "categories", json_array());
    json_object_set_new(tree, "categories_nodes", json_array());
    json_object_set_new(tree, "categories_segments", json_array());
    json_object_set_new(tree, "categories_sizes", json_array());
    json_object_set_new(tree, "id", json_integer(0));
    json_t *param = json_object();
    char num[32];
    snprintf(num, sizeof num, "%zu", n);
    json_object_set_new(param, "num_nodes", json_string(num));
    json_object_set_new(param, "num_deleted", json_string("0"));
    json_object_set_new(param, "num_feature",
                        json_string(json_string_value(json_object_get(
                            json_object_get(learner(m), "learner_model_param"), "num_feature"))));
    json_object_set_new(param, "size_leaf_vector", json_string("0"));
    json_object_set_new(tree, "tree_param", param);
    json_array_clear(trees_of(m));
    json_array_append_new(trees_of(m), tree);
    json_t *model = json_object_get(json_object_get(learner(m), "gradient_booster"), "model");
    json_object_set_new(json_object_get(model, "gbtree_model_param"), "num_trees",
                        json_string("1"));
    json_array_clear(json_object_get(model, "tree_info"));
    json_array_append_new(json_object_get(model, "tree_info"), json_integer(0));
}

/* A model of one chain-shaped tree, wrapped in a trained model's learner. */
static json_t *chain_model(unsigned depth, uint64_t seed)
{
    BoosterHandle b = train(HIST, 1, 7);
    json_t *m = model_json(b);
    XGBoosterFree(b);
    chain_into(m, depth, seed, 1, 5);
    return m;
}

Test(forest, deep_chain_against_xgboost)
{
    /* 40 levels: TreeSHAP's paths go to the heap, the general kernel walks */
    json_t *m = chain_model(40, 11);
    BoosterHandle b = booster_from_json(m);
    check_margins(m, b, NF, 0);
    check_contribs(m, b, NF, 200);
    XGBoosterFree(b);
    json_decref(m);
}

Test(forest, sparse_trees_skip_the_perfect_layout)
{
    /* a chain 8 splits deep: 17 nodes, padded to 255 splits */
    json_t *m = chain_model(8, 14);
    BoosterHandle b = booster_from_json(m);
    sc_forest *f = forest_of(m, NF);
    cr_assert_eq(sc_forest_max_depth(f), 8);
    cr_assert_eq(sc_forest_auto_kernel(f), SC_FOREST_KERNEL_DEEP);
    sc_forest_free(f);
    check_margins(m, b, NF, 0);
    XGBoosterFree(b);
    json_decref(m);
    /* 5 splits deep: 11 nodes, 31 splits padded, within the bound */
    m = chain_model(5, 15);
    b = booster_from_json(m);
    check_margins(m, b, NF, 1);
    XGBoosterFree(b);
    json_decref(m);
}

Test(forest, wide_rows_are_not_expanded)
{
    /* more columns than a row expanded on the stack holds: both the perfect
     * and the breadth-first kernels test missing values at each split */
    enum { WIDE = 1030 };
    static const char *const shallow[] = {"objective", "binary:logistic", "tree_method", "hist",
                                          "max_depth", "4", "colsample_bynode", "0.5", NULL};
    BoosterHandle b = train_nf(shallow, 8, 16, WIDE);
    json_t *m = model_json(b);
    check_margins(m, b, WIDE, 1);
    check_contribs(m, b, WIDE, 10);
    XGBoosterFree(b);
    /* lossguide training on this many columns is slow: a deep chain instead */
    chain_into(m, 20, 17, 211, WIDE);
    b = booster_from_json(m);
    sc_forest *f = forest_of(m, WIDE);
    cr_assert_eq(sc_forest_auto_kernel(f), SC_FOREST_KERNEL_DEEP);
    sc_forest_free(f);
    check_margins(m, b, WIDE, 0);
    json_decref(m);
    XGBoosterFree(b);
}

Test(forest, depth_limit)
{
    json_t *m = chain_model(SC_FOREST_MAX_DEPTH, 12);
    sc_forest *f = forest_of(m, NF);
    cr_assert_eq(sc_forest_max_depth(f), SC_FOREST_MAX_DEPTH);
    sc_forest_free(f);
    json_decref(m);
    m = chain_model(SC_FOREST_MAX_DEPTH + 1, 12);
    f = NULL;
    cr_assert_eq(sc_forest_from_xgboost(m, NF, &f), SCORE_ELIMIT);
    cr_assert(strstr(score_last_error(), "deeper than 128"), "%s", score_last_error());
    cr_assert_null(f);
    json_decref(m);
}

/* ---- refused models ---------------------------------------------------------- */

static void refused(json_t *m, size_t nf, int code, const char *needle)
{
    sc_forest *sentinel = (sc_forest *)&rng_state, *f = sentinel;
    int rc = sc_forest_from_xgboost(m, nf, &f);
    cr_assert_eq(rc, code, "expected %d, got %d: %s (looking for \"%s\")", code, rc,
                 score_last_error(), needle);
    cr_assert(strstr(score_last_error(), needle), "message \"%s\" does not say \"%s\"",
              score_last_error(), needle);
    cr_assert_eq(f, sentinel, "the output is untouched on failure");
    json_decref(m);
}

static json_t *tree0(json_t *m)
{
    return json_array_get(trees_of(m), 0);
}

/* The first split of tree 0 whose children are both leaves. */
static size_t split_with_leaves(json_t *m)
{
    json_t *left = json_object_get(tree0(m), "left_children");
    for (size_t i = 0; i < json_array_size(left); i++) {
        json_int_t l = json_integer_value(json_array_get(left, i));
        if (l > 0 && json_integer_value(json_array_get(left, (size_t)l)) == -1 &&
            json_integer_value(json_array_get(left, (size_t)l + 1)) == -1)
            return i;
    }
    cr_assert_fail("no split with two leaves");
    return 0;
}

static void set_node(json_t *m, const char *array, size_t i, json_t *value)
{
    cr_assert_eq(json_array_set_new(json_object_get(tree0(m), array), i, value), 0);
}

Test(forest, malformed_models_are_refused)
{
    BoosterHandle b = train(HIST, 3, 8);
    json_t *m = model_json(b);
    XGBoosterFree(b);
    json_t *c;

    refused(json_array(), NF, SCORE_EFORMAT, "expected a JSON object");
    c = json_deep_copy(m);
    json_object_del(c, "learner");
    refused(c, NF, SCORE_EFORMAT, "has no \"learner\"");
    c = json_deep_copy(m);
    json_object_del(c, "version");
    refused(c, NF, SCORE_EFORMAT, "has no \"version\"");
    c = json_deep_copy(m);
    json_object_set_new(c, "version", json_pack("[iii]", 3, 0, 0));
    refused(c, NF, SCORE_EUNSUPPORTED, "XGBoost 3.0");

    /* the learner */
    refused(json_deep_copy(m), NF + 1, SCORE_EFORMAT, "num_feature is 12, but the model has 13");
    c = json_deep_copy(m);
    json_object_set_new(json_object_get(learner(c), "learner_model_param"), "base_score",
                        json_string("1.5"));
    refused(c, NF, SCORE_EFORMAT, "base_score \"1.5\"");
    c = json_deep_copy(m);
    json_object_set_new(json_object_get(learner(c), "learner_model_param"), "base_score",
                        json_string("half"));
    refused(c, NF, SCORE_EFORMAT, "base_score \"half\"");
    c = json_deep_copy(m);
    json_object_set_new(json_object_get(learner(c), "learner_model_param"), "num_feature",
                        json_string("12x"));
    refused(c, NF, SCORE_EFORMAT, "num_feature: expected a count");
    c = json_deep_copy(m);
    json_object_set_new(json_object_get(learner(c), "learner_model_param"), "num_target",
                        json_string("2"));
    refused(c, NF, SCORE_EUNSUPPORTED, "2 targets");
    c = json_deep_copy(m);
    json_object_set_new(json_object_get(json_object_get(json_object_get(learner(c),
                                                                        "gradient_booster"),
                                                        "model"),
                                        "gbtree_model_param"),
                        "num_trees", json_string("4"));
    refused(c, NF, SCORE_EFORMAT, "num_trees is 4 but 3 trees are stored");
    c = json_deep_copy(m);
    json_array_set_new(json_object_get(json_object_get(json_object_get(learner(c),
                                                                       "gradient_booster"),
                                                       "model"),
                                       "tree_info"),
                       1, json_integer(1));
    refused(c, NF, SCORE_EUNSUPPORTED, "tree_info[1] is not 0");

    /* arrays of the wrong length, truncated, of the wrong type */
    c = json_deep_copy(m);
    json_array_remove(json_object_get(tree0(c), "left_children"), 0);
    refused(c, NF, SCORE_EFORMAT, "tree 0: \"left_children\" has");
    c = json_deep_copy(m);
    json_array_remove(json_object_get(tree0(c), "sum_hessian"), 3);
    refused(c, NF, SCORE_EFORMAT, "tree 0: \"sum_hessian\" has");
    c = json_deep_copy(m);
    json_object_set_new(json_object_get(tree0(c), "tree_param"), "num_nodes", json_string("7"));
    refused(c, NF, SCORE_EFORMAT, "for 7 nodes");
    c = json_deep_copy(m);
    json_object_del(tree0(c), "default_left");
    refused(c, NF, SCORE_EFORMAT, "tree 0 has no \"default_left\"");
    c = json_deep_copy(m);
    set_node(c, "split_conditions", 2, json_string("0.5"));
    refused(c, NF, SCORE_EFORMAT, "tree 0 node 2: split_conditions is not a number");
    c = json_deep_copy(m);
    set_node(c, "default_left", 1, json_integer(2));
    refused(c, NF, SCORE_EFORMAT, "tree 0 node 1: default_left is not 0 or 1");
    c = json_deep_copy(m);
    json_array_set_new(trees_of(c), 2, json_string("tree"));
    refused(c, NF, SCORE_EFORMAT, "tree 2 is not an object");

    /* structure */
    size_t s = split_with_leaves(m);
    json_int_t l = json_integer_value(json_array_get(json_object_get(tree0(m), "left_children"), s));
    c = json_deep_copy(m);
    set_node(c, "left_children", 0, json_integer(9999));
    refused(c, NF, SCORE_EFORMAT, "tree 0 node 0: child 9999 is outside");
    c = json_deep_copy(m);
    set_node(c, "right_children", s, json_integer(-7));
    refused(c, NF, SCORE_EFORMAT, "is outside");
    c = json_deep_copy(m);
    set_node(c, "right_children", s, json_integer(-1));
    refused(c, NF, SCORE_EFORMAT, "but no right child");
    c = json_deep_copy(m);
    set_node(c, "left_children", (size_t)l, json_integer(0)); /* a leaf pointing at the root */
    set_node(c, "right_children", (size_t)l, json_integer(1));
    refused(c, NF, SCORE_EFORMAT, "is reached twice (a cycle or a shared node)");
    c = json_deep_copy(m);
    set_node(c, "left_children", s, json_integer(l + 1)); /* both children the same node */
    refused(c, NF, SCORE_EFORMAT, "is reached twice");
    c = json_deep_copy(m);
    set_node(c, "parents", (size_t)l, json_integer(0));
    refused(c, NF, SCORE_EFORMAT, "names 0 as its parent");
    c = json_deep_copy(m);
    set_node(c, "parents", 0, json_integer(5));
    refused(c, NF, SCORE_EFORMAT, "the root has parent 5");
    c = json_deep_copy(m);
    set_node(c, "split_indices", s, json_integer(NF));
    refused(c, NF, SCORE_EFORMAT, "split on feature 12, but the model has 12 features");
    c = json_deep_copy(m);
    set_node(c, "split_conditions", s, json_real(1e300));
    refused(c, NF, SCORE_EFORMAT, "threshold 1e+300 is not a finite float");
    c = json_deep_copy(m);
    set_node(c, "split_conditions", (size_t)l, json_real(-1e39));
    refused(c, NF, SCORE_EFORMAT, "leaf value -1e+39 is not a finite float");
    c = json_deep_copy(m);
    set_node(c, "sum_hessian", (size_t)l, json_real(0));
    refused(c, NF, SCORE_EFORMAT, "sum_hessian 0 is not a positive finite float");
    c = json_deep_copy(m);
    set_node(c, "sum_hessian", s, json_real(-3));
    refused(c, NF, SCORE_EFORMAT, "sum_hessian -3");
    /* cutting a subtree off leaves unreachable nodes that num_deleted does not count */
    c = json_deep_copy(m);
    set_node(c, "left_children", s, json_integer(-1));
    set_node(c, "right_children", s, json_integer(-1));
    refused(c, NF, SCORE_EFORMAT, "2 of its");
    /* ... and counting them makes it a valid model (as XGBoost's pruner leaves it) */
    c = json_deep_copy(m);
    set_node(c, "left_children", s, json_integer(-1));
    set_node(c, "right_children", s, json_integer(-1));
    json_object_set_new(json_object_get(tree0(c), "tree_param"), "num_deleted", json_string("2"));
    sc_forest *f = forest_of(c, NF);
    sc_forest_free(f);
    json_decref(c);

    /* categorical splits */
    c = json_deep_copy(m);
    set_node(c, "split_type", s, json_integer(1));
    refused(c, NF, SCORE_EUNSUPPORTED, "is a categorical split");
    c = json_deep_copy(m);
    json_object_set_new(tree0(c), "categories", json_pack("[i]", 2));
    refused(c, NF, SCORE_EUNSUPPORTED, "categorical splits");

    /* bad arguments */
    cr_assert_eq(sc_forest_from_xgboost(NULL, NF, &f), SCORE_EINVAL);
    cr_assert_eq(sc_forest_from_xgboost(m, NF, NULL), SCORE_EINVAL);
    cr_assert_eq(sc_forest_from_xgboost(m, 0, &f), SCORE_EINVAL);
    json_decref(m);
}

Test(forest, unsupported_boosters_and_objectives)
{
    static const char *const dart[] = {"objective", "binary:logistic", "booster", "dart", NULL};
    static const char *const linear[] = {"objective", "binary:logistic", "booster", "gblinear",
                                         NULL};
    static const char *const multi[] = {"objective", "multi:softprob", "num_class", "3", NULL};
    static const char *const squared[] = {"objective", "reg:squarederror", NULL};
    static const char *const raw[] = {"objective", "binary:logitraw", NULL};
    BoosterHandle b = train(dart, 2, 9);
    refused(model_json(b), NF, SCORE_EUNSUPPORTED, "booster \"dart\"");
    XGBoosterFree(b);
    b = train(linear, 2, 9);
    refused(model_json(b), NF, SCORE_EUNSUPPORTED, "booster \"gblinear\"");
    XGBoosterFree(b);
    /* labels 0/1 serve as classes 0 and 1 of 3 */
    b = train(multi, 2, 9);
    refused(model_json(b), NF, SCORE_EUNSUPPORTED, "multi");
    XGBoosterFree(b);
    b = train(squared, 2, 9);
    refused(model_json(b), NF, SCORE_EUNSUPPORTED, "objective \"reg:squarederror\"");
    XGBoosterFree(b);
    b = train(raw, 2, 9);
    refused(model_json(b), NF, SCORE_EUNSUPPORTED, "objective \"binary:logitraw\"");
    XGBoosterFree(b);
}

Test(forest, categorical_model_trained_by_xgboost)
{
    /* column 1 (small integers) declared categorical */
    XGBRegisterLogCallback(quiet);
    float *x = malloc(sizeof(float) * N_TRAIN * NF), *y = malloc(sizeof(float) * N_TRAIN);
    make_rows(10, N_TRAIN, NF, 0.1, x, y);
    DMatrixHandle d;
    BoosterHandle b;
    const char *types[NF];
    for (size_t j = 0; j < NF; j++)
        types[j] = j == 1 ? "c" : "q";
    XGB(XGDMatrixCreateFromMat(x, N_TRAIN, NF, NAN, &d));
    XGB(XGDMatrixSetFloatInfo(d, "label", y, N_TRAIN));
    XGB(XGDMatrixSetStrFeatureInfo(d, "feature_type", types, NF));
    XGB(XGBoosterCreate(&d, 1, &b));
    XGB(XGBoosterSetParam(b, "verbosity", "0"));
    XGB(XGBoosterSetParam(b, "nthread", "1"));
    XGB(XGBoosterSetParam(b, "tree_method", "hist"));
    XGB(XGBoosterSetParam(b, "max_cat_to_onehot", "1"));
    XGB(XGBoosterSetParam(b, "objective", "binary:logistic"));
    for (int i = 0; i < 5; i++)
        XGB(XGBoosterUpdateOneIter(b, i, d));
    /* XGBoost writes NaN as the threshold of a categorical split, which is
     * not JSON: such a model cannot travel in a JSON bundle as it is. Put a
     * number there, as anyone embedding it would have to. */
    bst_ulong len;
    const char *buf;
    XGB(XGBoosterSaveModelToBuffer(b, "{\"format\": \"json\"}", &len, &buf));
    char *text = malloc(len + 1);
    memcpy(text, buf, len);
    text[len] = '\0';
    for (char *nan = strstr(text, "NaN"); nan; nan = strstr(nan, "NaN"))
        memcpy(nan, "0.0", 3);
    json_error_t e;
    json_t *m = json_loads(text, 0, &e);
    cr_assert_not_null(m, "%s", e.text);
    free(text);
    refused(m, NF, SCORE_EUNSUPPORTED, "categorical split");
    XGBoosterFree(b);
    XGDMatrixFree(d);
    free(x);
    free(y);
}

/* ---- threads ------------------------------------------------------------------ */

typedef struct job {
    const sc_forest *f;
    const float *x;
    double *margin;
    double *contribs; /* 64 rows */
} job;

static void *work(void *arg)
{
    job *j = arg;
    /* one row at a time, then all at once, then the contributions */
    for (size_t r = 0; r < N_EVAL; r += 3)
        sc_forest_predict(j->f, j->x + r * NF, 1, j->margin + r);
    sc_forest_predict(j->f, j->x, N_EVAL, j->margin);
    for (size_t r = 0; r < 64; r++)
        if (sc_forest_contributions(j->f, j->x + r * NF, j->contribs + r * (NF + 1)) != SCORE_OK)
            return arg;
    return NULL;
}

Test(forest, eight_threads_share_one_forest)
{
    BoosterHandle b = train(HIST, 60, 11);
    json_t *m = model_json(b);
    sc_forest *f = forest_of(m, NF);
    float *x = eval_rows(m, NF);
    job one = {f, x, malloc(sizeof(double) * N_EVAL), malloc(sizeof(double) * 64 * (NF + 1))};
    cr_assert_null(work(&one));
    pthread_t th[8];
    job jobs[8];
    for (int i = 0; i < 8; i++) {
        jobs[i] = (job){f, x, malloc(sizeof(double) * N_EVAL),
                        malloc(sizeof(double) * 64 * (NF + 1))};
        cr_assert_eq(pthread_create(&th[i], NULL, work, &jobs[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        void *rc;
        pthread_join(th[i], &rc);
        cr_assert_null(rc);
        cr_assert_arr_eq(jobs[i].margin, one.margin, sizeof(double) * N_EVAL);
        cr_assert_arr_eq(jobs[i].contribs, one.contribs, sizeof(double) * 64 * (NF + 1));
        free(jobs[i].margin);
        free(jobs[i].contribs);
    }
    free(one.margin);
    free(one.contribs);
    free(x);
    sc_forest_free(f);
    json_decref(m);
    XGBoosterFree(b);
}

/* ---- allocation failure ---------------------------------------------------------- */

static void fail_each_allocation(json_t *m, size_t nf)
{
    long succeeded_at = 0;
    for (long nth = 1; nth < 1000 && !succeeded_at; nth++) {
        sc_forest *sentinel = (sc_forest *)&rng_state, *f = sentinel;
        sc_test_fail_allocation(nth);
        int rc = sc_forest_from_xgboost(m, nf, &f);
        sc_test_fail_allocation(0);
        if (rc == SCORE_OK) {
            succeeded_at = nth;
            sc_forest_free(f);
        } else {
            cr_assert_eq(rc, SCORE_ENOMEM, "allocation %ld gave %d: %s", nth, rc,
                         score_last_error());
            cr_assert_eq(f, sentinel);
        }
    }
    cr_assert_gt(succeeded_at, 5, "building allocates: %ld", succeeded_at);
}

Test(forest, allocation_failure)
{
    BoosterHandle b = train(HIST, 10, 12);
    json_t *m = model_json(b);
    fail_each_allocation(m, NF);
    json_decref(m);
    XGBoosterFree(b);

    /* a deep forest: its contributions need a heap buffer */
    m = chain_model(30, 13);
    fail_each_allocation(m, NF);
    sc_forest *f = forest_of(m, NF);
    float row[NF];
    make_rows(5, 1, NF, 0, row, NULL);
    double c[NF + 1], d[NF + 1];
    for (size_t j = 0; j <= NF; j++)
        c[j] = d[j] = -42;
    sc_test_fail_allocation(1);
    cr_assert_eq(sc_forest_contributions(f, row, c), SCORE_ENOMEM);
    sc_test_fail_allocation(0);
    cr_assert_arr_eq(c, d, sizeof c, "contributions untouched on failure");
    cr_assert_eq(sc_forest_contributions(f, row, c), SCORE_OK);
    sc_forest_free(f);
    json_decref(m);
}
