/*
 * bench_shap: exact TreeSHAP contributions of the native forest (per-leaf
 * tables, shap.c) against XGBoost's pred_contribs (XGBoosterPredictFromDMatrix,
 * type 2, one thread) and against the reference algorithm libscore ran
 * before, on the same model and rows, in one run, one thread. Checks every
 * row: within 1e-9 relative of the reference, within float tolerance of
 * XGBoost. Results and the commands: bench/README.md.
 *
 *   bench_shap --full [--trees N] [--depth D]   random full trees (78 features)
 *   bench_shap --bundle models/default.json.gz  a libscore model bundle
 *   bench_shap --model xgboost.json             an XGBoost JSON model
 *   options: --rows N (100000) --reference-rows N (2000) --repeat R (3)
 *
 * Rows: each feature missing with probability 0.2, else a value near a
 * threshold the model splits it at, so that rows take every branch. Times
 * are process CPU time (a shared machine's waits are not counted); each
 * repetition runs every method in turn and the best is kept.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xgboost/c_api.h>

#include "core/core.h"
#include "model/model.h"

static int n_trees = 300, depth = 6, repeat = 3;
static size_t n_rows = 100000, n_reference = 2000, n_features = 78;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_shap: %s: %s\n", what, detail);
    exit(1);
}

#define XGB(call)                          \
    do {                                   \
        if ((call) != 0)                   \
            die(#call, XGBGetLastError()); \
    } while (0)

static void quiet(const char *message)
{
    (void)message;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng_state = 12345;

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

/* ---- models ----------------------------------------------------------------- */

/* XGBoost's JSON of `n_trees` random full trees of `depth` over n_features:
 * covers adding up from random leaf covers, thresholds in (0, 1). */
static char *full_forest_json(void)
{
    json_t *trees = json_array(), *info = json_array();
    const size_t n = ((size_t)2 << depth) - 1, first_leaf = n / 2;
    double *cover = malloc(n * sizeof *cover);
    for (int t = 0; t < n_trees; t++) {
        for (size_t i = n; i-- > 0;)
            cover[i] = i >= first_leaf ? (double)(float)(1 + uniform() * 50)
                                       : (double)(float)(cover[2 * i + 1] + cover[2 * i + 2]);
        json_t *a[10];
        for (size_t k = 0; k < 10; k++)
            a[k] = json_array();
        for (size_t i = 0; i < n; i++) {
            int leaf = i >= first_leaf;
            json_array_append_new(a[0], json_real(0));
            json_array_append_new(a[1], json_integer((json_int_t)(next_u64() % 2)));
            json_array_append_new(a[2], json_integer(leaf ? -1 : (json_int_t)(2 * i + 1)));
            json_array_append_new(a[3], json_real(0));
            json_array_append_new(a[4], json_integer(i ? (json_int_t)((i - 1) / 2) : 2147483647));
            json_array_append_new(a[5], json_integer(leaf ? -1 : (json_int_t)(2 * i + 2)));
            json_array_append_new(a[6], json_real((double)(float)(leaf ? (uniform() - 0.5) * 0.1
                                                                        : uniform())));
            json_array_append_new(a[7], json_integer(leaf ? 0 : (json_int_t)(next_u64() % n_features)));
            json_array_append_new(a[8], json_integer(0));
            json_array_append_new(a[9], json_real(cover[i]));
        }
        char nodes[32], nf[32];
        snprintf(nodes, sizeof nodes, "%zu", n);
        snprintf(nf, sizeof nf, "%zu", n_features);
        json_array_append_new(
            trees, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:[], s:[], s:[], "
                             "s:[], s:i, s:{s:s, s:s, s:s, s:s}}",
                             "base_weights", a[0], "default_left", a[1], "left_children", a[2],
                             "loss_changes", a[3], "parents", a[4], "right_children", a[5],
                             "split_conditions", a[6], "split_indices", a[7], "split_type", a[8],
                             "sum_hessian", a[9], "categories", "categories_nodes",
                             "categories_segments", "categories_sizes", "id", t, "tree_param",
                             "num_nodes", nodes, "num_deleted", "0", "num_feature", nf,
                             "size_leaf_vector", "0"));
        json_array_append_new(info, json_integer(0));
    }
    free(cover);
    char skeleton[768];
    snprintf(skeleton, sizeof skeleton,
             "{\"learner\": {\"attributes\": {}, \"feature_names\": [], \"feature_types\": [],"
             " \"gradient_booster\": {\"name\": \"gbtree\", \"model\": {\"gbtree_model_param\":"
             " {\"num_parallel_tree\": \"1\", \"num_trees\": \"%d\"}, \"tree_info\": [],"
             " \"trees\": []}}, \"learner_model_param\": {\"base_score\": \"5E-1\","
             " \"boost_from_average\": \"1\", \"num_class\": \"0\", \"num_feature\": \"%zu\","
             " \"num_target\": \"1\"}, \"objective\": {\"name\": \"binary:logistic\","
             " \"reg_loss_param\": {\"scale_pos_weight\": \"1\"}}}, \"version\": [1, 7, 4]}",
             n_trees, n_features);
    json_error_t e;
    json_t *model = json_loads(skeleton, 0, &e);
    if (!model)
        die("full trees", e.text);
    json_t *gbtree = json_object_get(
        json_object_get(json_object_get(model, "learner"), "gradient_booster"), "model");
    json_object_set_new(gbtree, "trees", trees);
    json_object_set_new(gbtree, "tree_info", info);
    char *text = json_dumps(model, JSON_COMPACT);
    json_decref(model);
    return text;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path, "cannot open");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)len + 1);
    if (fread(text, 1, (size_t)len, f) != (size_t)len)
        die(path, "cannot read");
    text[len] = '\0';
    fclose(f);
    return text;
}

/* ---- rows near the thresholds ------------------------------------------------ */

static float *make_rows(const sc_forest *f, size_t n)
{
    const size_t nf = f->n_features, total = f->tree_start[f->n_trees];
    float *x = malloc(n * nf * sizeof *x);
    for (size_t r = 0; r < n; r++) {
        for (size_t j = 0; j < nf; j++) {
            x[r * nf + j] = NAN;
            if (uniform() < 0.2)
                continue;
            /* a random split's threshold, moved a little either way */
            for (int tries = 0; tries < 64; tries++) {
                const sc_forest_node *node = &f->nodes[next_u64() % total];
                if (node->left != (uint32_t)(node - f->nodes) && (node->word >> 1) == j) {
                    x[r * nf + j] = node->value * (float)(0.9 + 0.2 * uniform());
                    break;
                }
            }
            if (isnan(x[r * nf + j]))
                x[r * nf + j] = (float)uniform();
        }
    }
    return x;
}

/* ---- the methods ----------------------------------------------------------------- */

/* XGBoost 1.7.4's inplace predictor (XGBoosterPredictFromDense) refuses
 * type 2 ("Unsupported prediction type:2"), so contributions go through a
 * DMatrix made from the dense rows, as a caller must do; its making is
 * timed with them. */
static DMatrixHandle xgb_matrix;

static void xgb_contribs(BoosterHandle b, const float *x, size_t n, const float **out)
{
    if (xgb_matrix)
        XGDMatrixFree(xgb_matrix);
    XGB(XGDMatrixCreateFromMat(x, n, n_features, NAN, &xgb_matrix));
    static const char config[] = "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, "
                                 "\"iteration_end\": 0, \"strict_shape\": false}";
    const bst_ulong *shape;
    bst_ulong dim;
    XGB(XGBoosterPredictFromDMatrix(b, xgb_matrix, config, &shape, &dim, out));
    if (dim != 2 || shape[0] != n || shape[1] != n_features + 1)
        die("pred_contribs", "unexpected shape");
}

static void forest_contribs(const sc_forest *f, const float *x, size_t n, double *out,
                            int reference)
{
    const size_t nf = f->n_features;
    if (!reference && sc_forest_contributions_rows(f, x, n, out) != SCORE_OK)
        die("contributions", score_last_error());
    for (size_t r = 0; reference && r < n; r++)
        if (sc_forest_contributions_reference(f, x + r * nf, out + r * (nf + 1)) != SCORE_OK)
            die("contributions", score_last_error());
}

int main(int argc, char **argv)
{
    const char *bundle = NULL, *model_path = NULL;
    int full = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--full")) {
            full = 1;
            continue;
        }
        if (!v)
            die(a, "needs a value (see the comment at the top of bench_shap.c)");
        if (!strcmp(a, "--trees"))
            n_trees = atoi(v);
        else if (!strcmp(a, "--depth"))
            depth = atoi(v);
        else if (!strcmp(a, "--rows"))
            n_rows = (size_t)atol(v);
        else if (!strcmp(a, "--reference-rows"))
            n_reference = (size_t)atol(v);
        else if (!strcmp(a, "--repeat"))
            repeat = atoi(v);
        else if (!strcmp(a, "--bundle"))
            bundle = v;
        else if (!strcmp(a, "--model"))
            model_path = v;
        else
            die(a, "unknown option");
        i++;
    }
    if (full + !!bundle + !!model_path != 1)
        die("usage", "give one of --full, --bundle FILE, --model FILE");
    XGBRegisterLogCallback(quiet);

    score_model *scored = NULL;
    char *text;
    if (bundle) {
        if (score_model_load(bundle, &scored) != SCORE_OK)
            die(bundle, score_last_error());
        text = strdup(scored->xgboost_json);
        n_features = scored->n_features;
    } else {
        text = full ? full_forest_json() : read_text(model_path);
    }
    json_error_t e;
    json_t *m = json_loads(text, 0, &e);
    if (!m)
        die("model JSON", e.text);
    if (!full && !bundle)
        n_features = (size_t)atol(json_string_value(json_object_get(
            json_object_get(json_object_get(m, "learner"), "learner_model_param"), "num_feature")));
    sc_forest *f;
    if (sc_forest_from_xgboost(m, n_features, &f) != SCORE_OK)
        die("forest", score_last_error());
    json_decref(m);
    BoosterHandle b;
    XGB(XGBoosterCreate(NULL, 0, &b));
    XGB(XGBoosterLoadModelFromBuffer(b, text, strlen(text)));
    XGB(XGBoosterSetParam(b, "nthread", "1"));
    free(text);

    size_t leaves = 0, with_tables = 0;
    for (size_t i = 0; i < f->tree_start[f->n_trees]; i++)
        leaves += f->nodes[i].left == i;
    for (size_t t = 0; t < f->n_trees; t++)
        with_tables += f->shap_leaf_start[t] != SIZE_MAX;
    printf("model: %zu trees (%zu with tables), depth %u, %zu leaves, %zu features; %zu rows\n",
           f->n_trees, with_tables, f->max_depth, leaves, n_features, n_rows);

    const size_t nf = n_features, w = nf + 1;
    if (n_reference > n_rows)
        n_reference = n_rows;
    float *x = make_rows(f, n_rows);
    double *fast = malloc(n_rows * w * sizeof *fast), *ref = malloc(n_reference * w * sizeof *ref);
    const float *xgb = NULL;
    double best[3] = {INFINITY, INFINITY, INFINITY};
    for (int rep = 0; rep < repeat; rep++) {
        double t0 = now();
        xgb_contribs(b, x, n_rows, &xgb);
        double t1 = now();
        forest_contribs(f, x, n_rows, fast, 0);
        double t2 = now();
        forest_contribs(f, x, n_reference, ref, 1);
        double t3 = now();
        best[0] = fmin(best[0], (t1 - t0) / n_rows);
        best[1] = fmin(best[1], (t2 - t1) / n_rows);
        best[2] = fmin(best[2], (t3 - t2) / n_reference);
    }
    /* the same contributions */
    double worst_ref = 0, worst_xgb = 0;
    for (size_t r = 0; r < n_rows; r++) {
        for (size_t j = 0; j < w; j++) {
            double d = fabs(fast[r * w + j] - xgb[r * w + j]) / fmax(1, fabs(fast[r * w + j]));
            worst_xgb = fmax(worst_xgb, d);
            if (r < n_reference) {
                double largest = 0;
                for (size_t k = 0; k < nf; k++)
                    largest = fmax(largest, fabs(ref[r * w + k]));
                double scale = fmax(fabs(ref[r * w + j]), 1e-6 * largest);
                if (scale > 0)
                    worst_ref = fmax(worst_ref, fabs(fast[r * w + j] - ref[r * w + j]) / scale);
            }
        }
    }
    printf("XGBoost pred_contribs (1 thread)   %10.2f us/row\n", best[0] * 1e6);
    printf("reference TreeSHAP (%zu rows)     %10.2f us/row  %.2fx XGBoost\n", n_reference,
           best[2] * 1e6, best[0] / best[2]);
    printf("tables                             %10.2f us/row  %.2fx XGBoost, %.2fx reference\n",
           best[1] * 1e6, best[0] / best[1], best[2] / best[1]);
    printf("largest difference: from the reference %.3g relative, from XGBoost %.3g\n", worst_ref,
           worst_xgb);
    int ok = worst_ref <= 1e-9 && worst_xgb <= 1e-4;
    if (!ok)
        printf("MISMATCH\n");
    free(x);
    free(fast);
    free(ref);
    XGDMatrixFree(xgb_matrix);
    XGBoosterFree(b);
    sc_forest_free(f);
    score_model_free(scored);
    return ok ? 0 : 1;
}
