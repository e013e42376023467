/*
 * bench_forest: the native forest against XGBoost's own predictor
 * (XGBoosterPredictFromDense), on the same model and rows, in one run and
 * one thread. Trains a realistic model through the C API (78 features like
 * feature spec v1, missing values, depth 6) or loads an XGBoost JSON model,
 * then times one row per call and batches of 10,000 and 100,000 rows for
 * XGBoost, a naive pointer tree, and every kernel of the forest, checking
 * that each gives XGBoost's margins. Results and the command that produced
 * them: bench/README.md.
 *
 *   bench_forest [--trees N] [--depth D] [--features F] [--train-rows N]
 *                [--model xgboost.json] [--save xgboost.json] [--repeat R]
 *
 * Each repetition runs every method in turn (so that a busy machine slows
 * them alike) and the best time of each is kept.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xgboost/c_api.h>

#include "core/core.h"
#include "model/forest.h"

static int n_trees = 500, max_depth = 6, n_features = 78, n_train = 10000, repeat = 5;
static const char *model_path, *save_path;

#define SINGLE_ROWS 20000
#define BATCH_SMALL 10000
#define BATCH_LARGE 100000

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_forest: %s: %s\n", what, detail);
    exit(1);
}

#define XGB(call)                                  \
    do {                                           \
        if ((call) != 0)                           \
            die(#call, XGBGetLastError());         \
    } while (0)

static void quiet(const char *message)
{
    (void)message;
}

/* Process CPU time: on a shared machine, time spent waiting for a core is
 * not counted against anyone (every thread of XGBoost would count). */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- data: columns like feature spec v1 (amounts, ratios, counts, flags) -- */

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

static void make_rows(size_t n, float *x, float *y)
{
    for (size_t r = 0; r < n; r++) {
        double z = -2.0, health = uniform() * 2 - 1;
        for (int j = 0; j < n_features; j++) {
            double v;
            switch (j % 5) {
            case 0: v = exp(10 + 3 * uniform() + health); break;          /* amounts */
            case 1: v = health * 0.3 + (uniform() - 0.5) * 0.8; break;     /* growth rates */
            case 2: v = (double)(next_u64() % 4 == 0 ? next_u64() % 5 : 0); break; /* counts */
            case 3: v = (double)(next_u64() % 2); break;                  /* flags */
            default: v = uniform(); break;                                /* shares */
            }
            if (j % 7 == 1)
                z -= 1.2 * v;
            else if (j % 7 == 2)
                z += 0.4 * v;
            else if (j % 11 == 3)
                z += 0.8 * v - 0.2;
            /* about a fifth missing, more in some columns */
            x[r * n_features + j] = uniform() < (j % 3 == 0 ? 0.35 : 0.12) ? NAN : (float)v;
        }
        if (y)
            y[r] = uniform() < 1 / (1 + exp(-z)) ? 1.0f : 0.0f;
    }
}

/* ---- the model ---------------------------------------------------------------- */

static BoosterHandle train_model(void)
{
    float *x = malloc(sizeof(float) * n_train * n_features), *y = malloc(sizeof(float) * n_train);
    make_rows(n_train, x, y);
    DMatrixHandle d;
    BoosterHandle b;
    char depth[16];
    snprintf(depth, sizeof depth, "%d", max_depth);
    XGB(XGDMatrixCreateFromMat(x, n_train, n_features, NAN, &d));
    XGB(XGDMatrixSetFloatInfo(d, "label", y, n_train));
    XGB(XGBoosterCreate(&d, 1, &b));
    XGB(XGBoosterSetParam(b, "verbosity", "0"));
    XGB(XGBoosterSetParam(b, "objective", "binary:logistic"));
    XGB(XGBoosterSetParam(b, "tree_method", "hist"));
    XGB(XGBoosterSetParam(b, "max_depth", depth));
    XGB(XGBoosterSetParam(b, "eta", "0.05"));
    XGB(XGBoosterSetParam(b, "subsample", "0.8"));
    XGB(XGBoosterSetParam(b, "colsample_bytree", "0.8"));
    XGB(XGBoosterSetParam(b, "min_child_weight", "2"));
    XGB(XGBoosterSetParam(b, "seed", "1"));
    XGB(XGBoosterSetParam(b, "nthread", "2"));
    for (int i = 0; i < n_trees; i++)
        XGB(XGBoosterUpdateOneIter(b, i, d));
    XGB(XGDMatrixFree(d));
    free(x);
    free(y);
    return b;
}

static BoosterHandle load_model(const char *path)
{
    BoosterHandle b;
    XGB(XGBoosterCreate(NULL, 0, &b));
    XGB(XGBoosterLoadModel(b, path));
    bst_ulong nf;
    XGB(XGBoosterGetNumFeature(b, &nf));
    n_features = (int)nf;
    return b;
}

/* ---- XGBoost's inplace predictor, as a caller would use it ---------------------- */

static const float *xgb_result;

static void xgb_predict(BoosterHandle b, const float *x, size_t n, float *out)
{
    char array[192];
    snprintf(array, sizeof array,
             "{\"data\": [%llu, true], \"shape\": [%zu, %d], \"typestr\": \"<f4\", "
             "\"version\": 3}",
             (unsigned long long)(uintptr_t)x, n, n_features);
    static const char config[] = "{\"type\": 1, \"training\": false, \"iteration_begin\": 0, "
                                 "\"iteration_end\": 0, \"strict_shape\": false, "
                                 "\"missing\": NaN, \"cache_id\": 0}";
    const bst_ulong *shape;
    bst_ulong dim;
    XGB(XGBoosterPredictFromDense(b, array, config, NULL, &shape, &dim, &xgb_result));
    memcpy(out, xgb_result, n * sizeof *out);
}

/* ---- step 0: a naive pointer tree (one malloc per node) ------------------------- */

typedef struct pnode {
    float value;
    uint32_t feature;
    int leaf, default_left;
    struct pnode *left, *right;
} pnode;

static pnode *pointer_tree(const sc_forest_node *nodes, size_t i)
{
    pnode *p = malloc(sizeof *p);
    p->value = nodes[i].value;
    p->feature = nodes[i].word >> 1;
    p->leaf = nodes[i].left == i;
    p->default_left = nodes[i].word & 1;
    p->left = p->leaf ? NULL : pointer_tree(nodes, nodes[i].left);
    p->right = p->leaf ? NULL : pointer_tree(nodes, nodes[i].left + 1);
    return p;
}

static void pointer_free(pnode *p)
{
    if (p) {
        pointer_free(p->left);
        pointer_free(p->right);
        free(p);
    }
}

static pnode **pointer_trees;

static void pointer_predict(const sc_forest *f, const float *x, size_t n, double *out)
{
    for (size_t r = 0; r < n; r++) {
        const float *row = x + r * f->n_features;
        float m = f->base_margin;
        for (size_t t = 0; t < f->n_trees; t++) {
            const pnode *p = pointer_trees[t];
            while (!p->leaf) {
                float v = row[p->feature];
                p = isnan(v) ? (p->default_left ? p->left : p->right)
                             : (v < p->value ? p->left : p->right);
            }
            m += p->value;
        }
        out[r] = m;
    }
}

/* ---- tried and not kept: AVX2 and AVX-512 gathers on the perfect layout ---------- */

/*
 * Batches: each vector lane walks one row through the same tree, blocks of
 * 4 vectors at a time, each lane adding its leaves in tree order. One row:
 * each lane walks one tree of the expanded row (forest_predict.c) at a time. Both
 * give XGBoost's bits; on the machine of bench/README.md both are slower
 * than the portable interleaved kernel, so the library does not use them.
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SIMD 1
#include <immintrin.h>

static void expand(const float *row, size_t nf, float *xr)
{
    for (size_t j = 0; j < nf; j++) {
        xr[2 * j] = isnan(row[j]) ? INFINITY : row[j];
        xr[2 * j + 1] = isnan(row[j]) ? -INFINITY : row[j];
    }
    xr[2 * nf] = -INFINITY;
}

static float rest_of_trees(const sc_forest *f, size_t t, float m, const float *xr)
{
    const size_t per_tree = ((size_t)1 << f->depth) - 1;
    for (; t < f->n_trees; t++) {
        size_t i = 0;
        for (unsigned d = 0; d < f->depth; d++) {
            const sc_forest_split s = f->splits[t * per_tree + i];
            i = 2 * i + 1 + (xr[s.word] >= s.threshold);
        }
        m += f->leaves[t * (per_tree + 1) + i - per_tree];
    }
    return m;
}

__attribute__((target("avx2"))) static float row_avx2(const sc_forest *f, const float *row)
{
    float xr[2 * 1024 + 1];
    expand(row, f->n_features, xr);
    const int per_tree = (1 << f->depth) - 1, n_leaves = 1 << f->depth;
    const float *thr = &f->splits[0].threshold;
    const int *word = (const int *)&f->splits[0].word;
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), one = _mm256_set1_epi32(1);
    float m = f->base_margin;
    size_t t = 0;
    for (; t + 8 <= f->n_trees; t += 8) {
        const __m256i tree = _mm256_add_epi32(_mm256_set1_epi32((int)t), lane);
        const __m256i base = _mm256_mullo_epi32(tree, _mm256_set1_epi32(per_tree));
        __m256i i = _mm256_setzero_si256();
        for (unsigned d = 0; d < f->depth; d++) {
            const __m256i node = _mm256_add_epi32(base, i);
            const __m256 th = _mm256_i32gather_ps(thr, node, 8);
            const __m256 x = _mm256_i32gather_ps(xr, _mm256_i32gather_epi32(word, node, 8), 4);
            i = _mm256_sub_epi32(_mm256_add_epi32(_mm256_add_epi32(i, i), one),
                                 _mm256_castps_si256(_mm256_cmp_ps(x, th, _CMP_GE_OQ)));
        }
        const __m256i leaf = _mm256_add_epi32(_mm256_mullo_epi32(tree, _mm256_set1_epi32(n_leaves)),
                                              _mm256_sub_epi32(i, _mm256_set1_epi32(per_tree)));
        float v[8];
        _mm256_storeu_ps(v, _mm256_i32gather_ps(f->leaves, leaf, 4));
        for (int k = 0; k < 8; k++)
            m += v[k];
    }
    return rest_of_trees(f, t, m, xr);
}

__attribute__((target("avx2"))) static void predict_avx2(const sc_forest *f, const float *rows,
                                                         size_t n_rows, double *margin)
{
    const int per_tree = (1 << f->depth) - 1, n_leaves = 1 << f->depth;
    const size_t nf = f->n_features;
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i row_offset = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                                  _mm256_set1_epi32((int)nf));
    size_t r = 0;
    for (; r + 32 <= n_rows; r += 32) {
        const float *block = rows + r * nf;
        __m256 m[4];
        for (int b = 0; b < 4; b++)
            m[b] = _mm256_set1_ps(f->base_margin);
        for (size_t t = 0; t < f->n_trees; t++) {
            const float *thr = &f->splits[t * (size_t)per_tree].threshold;
            const int *word = (const int *)&f->splits[t * (size_t)per_tree].word;
            __m256i i[4];
            for (int b = 0; b < 4; b++)
                i[b] = _mm256_setzero_si256();
            for (unsigned d = 0; d < f->depth; d++)
                for (int b = 0; b < 4; b++) {
                    const __m256 th = _mm256_i32gather_ps(thr, i[b], 8);
                    const __m256i w = _mm256_i32gather_epi32(word, i[b], 8);
                    const __m256i at = _mm256_add_epi32(row_offset, _mm256_srli_epi32(w, 1));
                    const __m256 x = _mm256_i32gather_ps(block + (size_t)b * 8 * nf, at, 4);
                    /* right: !(x < threshold), but a NaN at a default-left split goes left */
                    const __m256 dl = _mm256_castsi256_ps(
                        _mm256_cmpeq_epi32(_mm256_and_si256(w, one), one));
                    const __m256 nan_left = _mm256_and_ps(_mm256_cmp_ps(x, x, _CMP_UNORD_Q), dl);
                    const __m256 right = _mm256_andnot_ps(nan_left, _mm256_cmp_ps(x, th, _CMP_NLT_UQ));
                    i[b] = _mm256_sub_epi32(_mm256_add_epi32(_mm256_add_epi32(i[b], i[b]), one),
                                            _mm256_castps_si256(right));
                }
            const float *leaves = f->leaves + t * (size_t)n_leaves;
            for (int b = 0; b < 4; b++)
                m[b] = _mm256_add_ps(m[b], _mm256_i32gather_ps(
                                               leaves, _mm256_sub_epi32(i[b], _mm256_set1_epi32(per_tree)), 4));
        }
        for (int b = 0; b < 4; b++) {
            float v[8];
            _mm256_storeu_ps(v, m[b]);
            for (int k = 0; k < 8; k++)
                margin[r + (size_t)b * 8 + (size_t)k] = v[k];
        }
    }
    for (; r < n_rows; r++)
        margin[r] = row_avx2(f, rows + r * nf);
}

/* 16 walks of an expanded row: the 8-byte splits at `node` (two 64-bit
 * gathers), the row's values, the way down. */
__attribute__((target("avx512f"))) static inline __m512i step16(const long long *splits,
                                                                __m512i node, const float *xr,
                                                                __m512i i)
{
    const __m512i lo = _mm512_i32gather_epi64(_mm512_castsi512_si256(node), splits, 8);
    const __m512i hi = _mm512_i32gather_epi64(_mm512_extracti64x4_epi64(node, 1), splits, 8);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    const __m512 th = _mm512_castsi512_ps(_mm512_permutex2var_epi32(lo, even, hi));
    const __m512 x = _mm512_i32gather_ps(_mm512_permutex2var_epi32(lo, odd, hi), xr, 4);
    const __mmask16 right = _mm512_cmp_ps_mask(x, th, _CMP_GE_OQ);
    const __m512i down = _mm512_add_epi32(_mm512_add_epi32(i, i), _mm512_set1_epi32(1));
    return _mm512_mask_add_epi32(down, right, down, _mm512_set1_epi32(1));
}

/* One row, 32 trees at a time in two vectors. */
__attribute__((target("avx512f"))) static float row_avx512(const sc_forest *f, const float *row)
{
    float xr[2 * 1024 + 1];
    expand(row, f->n_features, xr);
    const int per_tree = (1 << f->depth) - 1, n_leaves = 1 << f->depth;
    const long long *splits = (const long long *)f->splits;
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i vper = _mm512_set1_epi32(per_tree), vleaves = _mm512_set1_epi32(n_leaves);
    float m = f->base_margin;
    size_t t = 0;
    for (; t + 32 <= f->n_trees; t += 32) {
        const __m512i ta = _mm512_add_epi32(_mm512_set1_epi32((int)t), lane);
        const __m512i tb = _mm512_add_epi32(ta, _mm512_set1_epi32(16));
        const __m512i ba = _mm512_mullo_epi32(ta, vper), bb = _mm512_mullo_epi32(tb, vper);
        __m512i ia = _mm512_setzero_si512(), ib = _mm512_setzero_si512();
        for (unsigned d = 0; d < f->depth; d++) {
            ia = step16(splits, _mm512_add_epi32(ba, ia), xr, ia);
            ib = step16(splits, _mm512_add_epi32(bb, ib), xr, ib);
        }
        float v[32];
        _mm512_storeu_ps(v, _mm512_i32gather_ps(
                                _mm512_add_epi32(_mm512_mullo_epi32(ta, vleaves), _mm512_sub_epi32(ia, vper)),
                                f->leaves, 4));
        _mm512_storeu_ps(v + 16, _mm512_i32gather_ps(
                                     _mm512_add_epi32(_mm512_mullo_epi32(tb, vleaves), _mm512_sub_epi32(ib, vper)),
                                     f->leaves, 4));
        for (int k = 0; k < 32; k++)
            m += v[k];
    }
    return rest_of_trees(f, t, m, xr);
}

__attribute__((target("avx512f"))) static void predict_avx512(const sc_forest *f, const float *rows,
                                                             size_t n_rows, double *margin)
{
    const int per_tree = (1 << f->depth) - 1, n_leaves = 1 << f->depth;
    const size_t nf = f->n_features;
    const __m512i one = _mm512_set1_epi32(1);
    const __m512i row_offset = _mm512_mullo_epi32(
        _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
        _mm512_set1_epi32((int)nf));
    size_t r = 0;
    for (; r + 64 <= n_rows; r += 64) {
        const float *block = rows + r * nf;
        __m512 m[4];
        for (int b = 0; b < 4; b++)
            m[b] = _mm512_set1_ps(f->base_margin);
        for (size_t t = 0; t < f->n_trees; t++) {
            const float *thr = &f->splits[t * (size_t)per_tree].threshold;
            const int *word = (const int *)&f->splits[t * (size_t)per_tree].word;
            __m512i i[4];
            for (int b = 0; b < 4; b++)
                i[b] = _mm512_setzero_si512();
            for (unsigned d = 0; d < f->depth; d++)
                for (int b = 0; b < 4; b++) {
                    const __m512 th = _mm512_i32gather_ps(i[b], thr, 8);
                    const __m512i w = _mm512_i32gather_epi32(i[b], word, 8);
                    const __m512i at = _mm512_add_epi32(row_offset, _mm512_srli_epi32(w, 1));
                    const __m512 x = _mm512_i32gather_ps(at, block + (size_t)b * 16 * nf, 4);
                    const __mmask16 nan_left = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q) &
                                               _mm512_test_epi32_mask(w, one);
                    const __mmask16 right = _mm512_cmp_ps_mask(x, th, _CMP_NLT_UQ) & ~nan_left;
                    const __m512i down = _mm512_add_epi32(_mm512_add_epi32(i[b], i[b]), one);
                    i[b] = _mm512_mask_add_epi32(down, right, down, one);
                }
            const float *leaves = f->leaves + t * (size_t)n_leaves;
            for (int b = 0; b < 4; b++)
                m[b] = _mm512_add_ps(m[b], _mm512_i32gather_ps(
                                               _mm512_sub_epi32(i[b], _mm512_set1_epi32(per_tree)), leaves, 4));
        }
        for (int b = 0; b < 4; b++) {
            float v[16];
            _mm512_storeu_ps(v, m[b]);
            for (int k = 0; k < 16; k++)
                margin[r + (size_t)b * 16 + (size_t)k] = v[k];
        }
    }
    for (; r < n_rows; r++)
        margin[r] = row_avx512(f, rows + r * nf);
}
#endif

/* ---- timing ---------------------------------------------------------------------- */

enum { M_XGBOOST = -4, M_POINTER = -3, M_AVX2 = -2, M_AVX512 = -1 };

typedef struct method {
    int id;   /* M_XGBOOST, M_POINTER, or an sc_forest_kernel */
    const char *name;
    double single, batch_small, batch_large; /* seconds per row */
    double max_diff;
} method;

static BoosterHandle booster;
static const sc_forest *forest;
static float *scratch_f;

static void run(int id, const float *x, size_t n, double *out)
{
    if (id == M_XGBOOST) {
        xgb_predict(booster, x, n, scratch_f);
        for (size_t i = 0; i < n; i++)
            out[i] = scratch_f[i];
    } else if (id == M_POINTER) {
        pointer_predict(forest, x, n, out);
#ifdef HAVE_SIMD
    } else if (id == M_AVX2) {
        predict_avx2(forest, x, n, out);
    } else if (id == M_AVX512) {
        predict_avx512(forest, x, n, out);
#endif
    } else {
        sc_forest_predict_kernel(forest, (enum sc_forest_kernel)id, x, n, out);
    }
}

/* Seconds per row of one run; one call per row when single. */
static double time_once(int id, const float *x, size_t n, int single, double *out)
{
    double t0 = now();
    if (single)
        for (size_t r = 0; r < n; r++)
            run(id, x + r * n_features, 1, out + r);
    else
        run(id, x, n, out);
    return (now() - t0) / (double)n;
}

static void keep_best(double *best, double t)
{
    if (t < *best)
        *best = t;
}

static void print_rate(double per_row)
{
    double rate = 1 / per_row;
    if (rate >= 1e6)
        printf(" %7.2f M/s |", rate / 1e6);
    else
        printf(" %7.1f k/s |", rate / 1e3);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            die(a, "needs a value");
        if (!strcmp(a, "--trees"))
            n_trees = atoi(v);
        else if (!strcmp(a, "--depth"))
            max_depth = atoi(v);
        else if (!strcmp(a, "--features"))
            n_features = atoi(v);
        else if (!strcmp(a, "--train-rows"))
            n_train = atoi(v);
        else if (!strcmp(a, "--model"))
            model_path = v;
        else if (!strcmp(a, "--save"))
            save_path = v;
        else if (!strcmp(a, "--repeat"))
            repeat = atoi(v);
        else
            die(a, "unknown option");
        i++;
    }
    XGBRegisterLogCallback(quiet);
    double t0 = now();
    booster = model_path ? load_model(model_path) : train_model();
    double t_train = now() - t0;
    XGB(XGBoosterSetParam(booster, "nthread", "1"));
    if (save_path)
        XGB(XGBoosterSaveModel(booster, save_path));

    bst_ulong len;
    const char *buf;
    XGB(XGBoosterSaveModelToBuffer(booster, "{\"format\": \"json\"}", &len, &buf));
    json_error_t e;
    json_t *model = json_loadb(buf, len, 0, &e);
    if (!model)
        die("XGBoost's JSON", e.text);
    sc_forest *f;
    t0 = now();
    if (sc_forest_from_xgboost(model, (size_t)n_features, &f) != SCORE_OK)
        die("forest", score_last_error());
    double t_load = now() - t0;
    forest = f;
    pointer_trees = malloc(f->n_trees * sizeof *pointer_trees);
    for (size_t t = 0; t < f->n_trees; t++)
        pointer_trees[t] = pointer_tree(f->nodes, f->tree_start[t]);

    rng_state = 777;
    float *x = malloc(sizeof(float) * BATCH_LARGE * n_features);
    make_rows(BATCH_LARGE, x, NULL);
    scratch_f = malloc(sizeof(float) * BATCH_LARGE);
    double *want = malloc(sizeof(double) * BATCH_LARGE), *got = malloc(sizeof(double) * BATCH_LARGE);
    run(M_XGBOOST, x, BATCH_LARGE, want);

    size_t n_nodes = f->tree_start[f->n_trees];
    printf("model: %zu trees, %d features, max depth %u, %zu nodes; %s in %.1f s of CPU, "
           "forest built in %.0f ms\n",
           f->n_trees, n_features, f->max_depth, n_nodes, model_path ? "loaded" : "trained",
           t_train, t_load * 1e3);
    printf("layouts: breadth-first %zu KiB (12-byte nodes)", n_nodes * sizeof(sc_forest_node) / 1024);
    if (f->splits)
        printf(", perfect depth %u: %zu KiB (8-byte splits + leaves)", f->depth,
               f->n_trees * ((((size_t)1 << f->depth) - 1) * 8 + ((size_t)1 << f->depth) * 4) /
                   1024);
    printf("\nrows: %d single calls, batches of %d and %d; best of %d; one thread\n\n",
           SINGLE_ROWS, BATCH_SMALL, BATCH_LARGE, repeat);

    method methods[4 + SC_FOREST_KERNEL_COUNT];
    size_t n_methods = 0;
    methods[n_methods++] = (method){.id = M_XGBOOST, .name = "XGBoost PredictFromDense"};
    methods[n_methods++] = (method){.id = M_POINTER, .name = "naive pointer tree"};
    for (int k = SC_FOREST_KERNEL_GENERAL; k < SC_FOREST_KERNEL_COUNT; k++)
        if (sc_forest_has_kernel(f, (enum sc_forest_kernel)k))
            methods[n_methods++] = (method){.id = k, .name = sc_forest_kernel_name(k)};
#ifdef HAVE_SIMD
    /* the gathers index with 32-bit lanes */
    int simd_fits = f->splits && f->n_trees < ((size_t)1 << 30) >> f->depth &&
                    f->n_features <= 1024;
    if (simd_fits && __builtin_cpu_supports("avx2"))
        methods[n_methods++] = (method){.id = M_AVX2, .name = "AVX2 gathers (not kept)"};
    if (simd_fits && __builtin_cpu_supports("avx512f"))
        methods[n_methods++] = (method){.id = M_AVX512, .name = "AVX-512 gathers (not kept)"};
#endif

    for (size_t i = 0; i < n_methods; i++) {
        method *m = &methods[i];
        m->single = m->batch_small = m->batch_large = INFINITY;
        run(m->id, x, BATCH_LARGE, got);
        for (size_t r = 0; r < BATCH_LARGE; r++)
            if (fabs(got[r] - want[r]) > m->max_diff)
                m->max_diff = fabs(got[r] - want[r]);
    }
    for (int k = 0; k < repeat; k++) {
        for (size_t i = 0; i < n_methods; i++) {
            method *m = &methods[i];
            keep_best(&m->single, time_once(m->id, x, SINGLE_ROWS, 1, got));
            keep_best(&m->batch_small, time_once(m->id, x, BATCH_SMALL, 0, got));
            keep_best(&m->batch_large, time_once(m->id, x, BATCH_LARGE, 0, got));
        }
    }

    printf("| method | one row per call | ns/row | batch 10k | batch 100k | vs XGBoost "
           "(single / 10k / 100k) | max diff |\n");
    printf("|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n_methods; i++) {
        method *m = &methods[i];
        printf("| %s%s |", m->name,
               m->id == (int)sc_forest_auto_kernel(f) ? " (auto)" : "");
        print_rate(m->single);
        printf(" %6.0f |", m->single * 1e9);
        print_rate(m->batch_small);
        print_rate(m->batch_large);
        printf(" %.1fx / %.1fx / %.1fx | %.1g |\n", methods[0].single / m->single,
               methods[0].batch_small / m->batch_small, methods[0].batch_large / m->batch_large,
               m->max_diff);
    }
    for (size_t t = 0; t < f->n_trees; t++)
        pointer_free(pointer_trees[t]);
    free(pointer_trees);
    free(x);
    free(scratch_f);
    free(want);
    free(got);
    sc_forest_free(f);
    json_decref(model);
    XGBoosterFree(booster);
    return 0;
}
