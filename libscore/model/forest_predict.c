/*
 * The native forest, second half: the accessors and the kernels that walk
 * the trees (forest.h describes the layouts; forest_json.c builds them).
 */
#include <math.h>
#include <string.h>

#include "forest.h"

size_t sc_forest_n_trees(const sc_forest *f)
{
    return f->n_trees;
}

size_t sc_forest_n_features(const sc_forest *f)
{
    return f->n_features;
}

unsigned sc_forest_max_depth(const sc_forest *f)
{
    return f->max_depth;
}

double sc_forest_base_margin(const sc_forest *f)
{
    return f->base_margin;
}

double sc_forest_bias(const sc_forest *f)
{
    return f->bias;
}

/* ---- kernels ------------------------------------------------------------- */

/* Each kernel is compiled on its own (SC_KERNEL), so that registers are
 * allocated for its loop alone; its steps are inlined into it (SC_INLINE). */
#if defined(__GNUC__) || defined(__clang__)
#define SC_INLINE static inline __attribute__((always_inline))
#define SC_KERNEL static __attribute__((noinline))
#else
#define SC_INLINE static inline
#define SC_KERNEL static
#endif

/*
 * Missing values are settled once per row rather than at every split: the
 * expanded row holds each feature twice, value 2j with NaN replaced by +inf
 * and value 2j + 1 with NaN replaced by -inf, and a last value -inf. A
 * split's word 2 * feature + default_left names the copy whose replacement
 * goes the default way (+inf < threshold is false: right; -inf < threshold
 * is true: left; thresholds are finite), so a step is one comparison:
 * right when xr[word] >= threshold, which for a present value is XGBoost's
 * !(x < threshold). Real infinities are equal in both copies and go where
 * XGBoost sends them. A leaf's word names the last value, -inf, which never
 * goes right, and its `left` is itself: a walk that has reached a leaf stays
 * there. Rows of more features than EXPAND_MAX_FEATURES are not expanded
 * (the buffer lives on the stack) and take the per-split NaN test instead.
 */
#define EXPAND_MAX_FEATURES 1024

static void expand_row(const float *row, size_t n_features, float *xr)
{
    for (size_t j = 0; j < n_features; j++) {
        const float x = row[j];
        xr[2 * j] = isnan(x) ? INFINITY : x;
        xr[2 * j + 1] = isnan(x) ? -INFINITY : x;
    }
    xr[2 * n_features] = -INFINITY;
}

/* The way XGBoost decides at a split, on a row as given. */
SC_INLINE uint32_t goes_right(float x, float threshold, uint32_t word)
{
    return (uint32_t)(x >= threshold) | ((uint32_t)isnan(x) & ~word & 1u);
}

/* ---- breadth-first layout ---- */

/* One walk at a time until a leaf: the straightforward kernel. */
static float walk_general(const sc_forest_node *nodes, size_t i, const float *row)
{
    while (nodes[i].left != i) {
        const sc_forest_node *node = &nodes[i];
        i = node->left + goes_right(row[node->word >> 1], node->value, node->word);
    }
    return nodes[i].value;
}

SC_KERNEL void predict_general(const sc_forest *f, const float *rows, size_t n_rows, double *margin)
{
    for (size_t r = 0; r < n_rows; r++) {
        const float *row = rows + r * f->n_features;
        float m = f->base_margin;
        for (size_t t = 0; t < f->n_trees; t++)
            m += walk_general(f->nodes, f->tree_start[t], row);
        margin[r] = m;
    }
}

#define TREE_WAYS 16 /* walks interleaved */
#if defined(__GNUC__) && !defined(__clang__)
#define UNROLL_WAYS _Pragma("GCC unroll 16")
#else
#define UNROLL_WAYS
#endif

/* Trees first..last - 1 of an expanded row, TREE_WAYS walks at a time,
 * each as many steps as the deepest tree of its group (a walk at a leaf
 * stays there); the leaf values are added to m in tree order, so the float
 * sum is XGBoost's. */
SC_KERNEL float walk_deep(const sc_forest *f, size_t first, size_t last, float m, const float *xr)
{
    const sc_forest_node *nodes = f->nodes;
    size_t t = first;
    for (; t + TREE_WAYS <= last; t += TREE_WAYS) {
        size_t i[TREE_WAYS];
        unsigned depth = 0;
        for (int k = 0; k < TREE_WAYS; k++) {
            i[k] = f->tree_start[t + (size_t)k];
            depth = f->tree_depth[t + (size_t)k] > depth ? f->tree_depth[t + (size_t)k] : depth;
        }
        for (unsigned d = 0; d < depth; d++) {
            UNROLL_WAYS
            for (int k = 0; k < TREE_WAYS; k++)
                i[k] = nodes[i[k]].left + (size_t)(xr[nodes[i[k]].word] >= nodes[i[k]].value);
        }
        for (int k = 0; k < TREE_WAYS; k++)
            m += nodes[i[k]].value;
    }
    for (; t < last; t++) {
        size_t i = f->tree_start[t];
        for (unsigned d = 0; d < f->tree_depth[t]; d++)
            i = nodes[i].left + (size_t)(xr[nodes[i].word] >= nodes[i].value);
        m += nodes[i].value;
    }
    return m;
}

/* ---- perfect layout ---- */

/* One step down from heap position i. */
SC_INLINE size_t step_nan(const sc_forest_split *splits, const float *row, size_t i)
{
    const sc_forest_split s = splits[i];
    return 2 * i + 1 + goes_right(row[s.word >> 1], s.threshold, s.word);
}

SC_INLINE size_t step_expanded(const sc_forest_split *splits, const float *xr, size_t i)
{
    const sc_forest_split s = splits[i];
    return 2 * i + 1 + (size_t)(xr[s.word] >= s.threshold);
}

/* One walk at a time, depth steps each. */
SC_KERNEL void predict_perfect(const sc_forest *f, const float *rows, size_t n_rows, double *margin)
{
    const unsigned depth = f->depth;
    const size_t per_tree = sc_forest_perfect_splits(depth), n_leaves = (size_t)1 << depth;
    for (size_t r = 0; r < n_rows; r++) {
        const float *row = rows + r * f->n_features;
        float m = f->base_margin;
        for (size_t t = 0; t < f->n_trees; t++) {
            const sc_forest_split *splits = f->splits + t * per_tree;
            size_t i = 0;
            for (unsigned d = 0; d < depth; d++)
                i = step_nan(splits, row, i);
            m += f->leaves[t * n_leaves + i - per_tree];
        }
        margin[r] = m;
    }
}

/* Trees first..last - 1 of one row (expanded or not), TREE_WAYS walks at a
 * time, the leaf values added to m in tree order. Inlined with a constant
 * depth (walk_perfect), the offsets of the trees' splits become constants
 * of the instructions. */
SC_INLINE float walk_trees(const sc_forest *f, size_t first, size_t last, float m, const float *x,
                           int expanded, unsigned depth)
{
    const size_t per_tree = sc_forest_perfect_splits(depth), n_leaves = (size_t)1 << depth;
    size_t t = first;
    for (; t + TREE_WAYS <= last; t += TREE_WAYS) {
        const sc_forest_split *splits = f->splits + t * per_tree;
        size_t i[TREE_WAYS] = {0};
        for (unsigned d = 0; d < depth; d++) {
            UNROLL_WAYS
            for (int k = 0; k < TREE_WAYS; k++)
                i[k] = expanded ? step_expanded(splits + (size_t)k * per_tree, x, i[k])
                                : step_nan(splits + (size_t)k * per_tree, x, i[k]);
        }
        for (int k = 0; k < TREE_WAYS; k++)
            m += f->leaves[(t + (size_t)k) * n_leaves + i[k] - per_tree];
    }
    for (; t < last; t++) {
        const sc_forest_split *splits = f->splits + t * per_tree;
        size_t i = 0;
        for (unsigned d = 0; d < depth; d++)
            i = expanded ? step_expanded(splits, x, i) : step_nan(splits, x, i);
        m += f->leaves[t * n_leaves + i - per_tree];
    }
    return m;
}

SC_KERNEL float walk_perfect(const sc_forest *f, size_t first, size_t last, float m, const float *xr)
{
    switch (f->depth) {
    case 1: return walk_trees(f, first, last, m, xr, 1, 1);
    case 2: return walk_trees(f, first, last, m, xr, 1, 2);
    case 3: return walk_trees(f, first, last, m, xr, 1, 3);
    case 4: return walk_trees(f, first, last, m, xr, 1, 4);
    case 5: return walk_trees(f, first, last, m, xr, 1, 5);
    case 6: return walk_trees(f, first, last, m, xr, 1, 6);
    case 7: return walk_trees(f, first, last, m, xr, 1, 7);
    case 8: return walk_trees(f, first, last, m, xr, 1, 8);
    default: return walk_trees(f, first, last, m, xr, 1, f->depth);
    }
}

/* ---- interleaved kernels: blocks of rows, chunks of trees ---- */

/*
 * BLOCK_ROWS expanded rows walk BLOCK_TREES trees each before the next
 * chunk, so that a chunk's nodes are read from the first level cache by all
 * rows of the block. A single row, or rows too wide to expand, go one by
 * one.
 */
#define BLOCK_ROWS 8
#define BLOCK_TREES 32

typedef float (*walk_fn)(const sc_forest *f, size_t first, size_t last, float m, const float *xr);

static void predict_blocks(const sc_forest *f, walk_fn walk, const float *rows, size_t n_rows,
                           double *margin)
{
    const size_t nf = f->n_features, stride = 2 * nf + 1;
    float xr[2 * EXPAND_MAX_FEATURES + BLOCK_ROWS]; /* one row, or a block of narrow ones */
    const size_t block = nf <= EXPAND_MAX_FEATURES / BLOCK_ROWS ? BLOCK_ROWS : 1;
    for (size_t r = 0; r < n_rows; r += block) {
        const size_t n = n_rows - r < block ? n_rows - r : block;
        float m[BLOCK_ROWS];
        for (size_t k = 0; k < n; k++) {
            expand_row(rows + (r + k) * nf, nf, xr + k * stride);
            m[k] = f->base_margin;
        }
        for (size_t t = 0; t < f->n_trees; t += BLOCK_TREES) {
            const size_t last = f->n_trees - t < BLOCK_TREES ? f->n_trees : t + BLOCK_TREES;
            for (size_t k = 0; k < n; k++)
                m[k] = walk(f, t, last, m[k], xr + k * stride);
        }
        for (size_t k = 0; k < n; k++)
            margin[r + k] = m[k];
    }
}

SC_KERNEL void predict_interleaved(const sc_forest *f, const float *rows, size_t n_rows,
                                double *margin)
{
    if (f->n_features <= EXPAND_MAX_FEATURES) {
        predict_blocks(f, walk_perfect, rows, n_rows, margin);
        return;
    }
    for (size_t r = 0; r < n_rows; r++)
        margin[r] = walk_trees(f, 0, f->n_trees, f->base_margin, rows + r * f->n_features, 0,
                               f->depth);
}

SC_KERNEL void predict_deep(const sc_forest *f, const float *rows, size_t n_rows, double *margin)
{
    if (f->n_features <= EXPAND_MAX_FEATURES)
        predict_blocks(f, walk_deep, rows, n_rows, margin);
    else
        predict_general(f, rows, n_rows, margin);
}

/* ---- choosing a kernel ----------------------------------------------------- */

static const char *const kernel_names[SC_FOREST_KERNEL_COUNT] = {
    "auto", "general", "deep", "perfect", "interleaved"};

const char *sc_forest_kernel_name(enum sc_forest_kernel kernel)
{
    return (unsigned)kernel < SC_FOREST_KERNEL_COUNT ? kernel_names[kernel] : "unknown";
}

int sc_forest_has_kernel(const sc_forest *f, enum sc_forest_kernel kernel)
{
    switch (kernel) {
    case SC_FOREST_KERNEL_AUTO:
    case SC_FOREST_KERNEL_GENERAL:
    case SC_FOREST_KERNEL_DEEP:
        return 1;
    case SC_FOREST_KERNEL_PERFECT:
    case SC_FOREST_KERNEL_INTERLEAVED:
        return f->splits != NULL;
    default:
        return 0;
    }
}

enum sc_forest_kernel sc_forest_auto_kernel(const sc_forest *f)
{
    return f->splits ? SC_FOREST_KERNEL_INTERLEAVED : SC_FOREST_KERNEL_DEEP;
}

static void run_kernel(const sc_forest *f, enum sc_forest_kernel kernel, const float *rows,
                       size_t n_rows, double *margin)
{
    switch (kernel) {
    case SC_FOREST_KERNEL_GENERAL:
        predict_general(f, rows, n_rows, margin);
        break;
    case SC_FOREST_KERNEL_PERFECT:
        predict_perfect(f, rows, n_rows, margin);
        break;
    case SC_FOREST_KERNEL_INTERLEAVED:
        predict_interleaved(f, rows, n_rows, margin);
        break;
    default:
        predict_deep(f, rows, n_rows, margin);
        break;
    }
}

int sc_forest_predict_kernel(const sc_forest *f, enum sc_forest_kernel kernel, const float *rows,
                             size_t n_rows, double *margin)
{
    if (!sc_forest_has_kernel(f, kernel))
        return sc_error(SCORE_EUNSUPPORTED, "forest: kernel %s is not available here",
                        sc_forest_kernel_name(kernel));
    if (kernel == SC_FOREST_KERNEL_AUTO)
        kernel = sc_forest_auto_kernel(f);
    run_kernel(f, kernel, rows, n_rows, margin);
    return SCORE_OK;
}

void sc_forest_predict(const sc_forest *f, const float *rows, size_t n_rows, double *margin)
{
    run_kernel(f, sc_forest_auto_kernel(f), rows, n_rows, margin);
}
