/*
 * forest: the native forest. XGBoost's trees (binary:logistic, gbtree,
 * numerical splits) loaded from XGBoost's own JSON model into compact arrays
 * and evaluated in plain C, giving the same margins as XGBoost's predictor,
 * and exact TreeSHAP contributions as XGBoost's pred_contribs. Stands on core
 * (and jansson for the JSON). Internal: the model module wraps it.
 *
 * What "the same margins" means, precisely (XGBoost 1.7, src/predictor):
 *   - at a split, a present value x goes left when (float)x < threshold, both
 *     float32; otherwise right. A missing value (NaN) follows the node's
 *     default direction. +-inf are values like any other.
 *   - the margin starts from the logit of base_score, computed in float as
 *     XGBoost does (-logf(1/b - 1)), and adds the trees' leaf values one by
 *     one in tree order, in float32. The forest does exactly the same, so its
 *     margins are XGBoost's bit for bit (the tests check it on models with
 *     missing values; the contract is 1e-5).
 *
 * Layout (bench/README.md has the measurements behind it). Every tree is
 * kept breadth-first, all trees in one array of 12-byte nodes, the two
 * children of a split side by side (threshold or leaf value, feature and
 * default direction, index of the left child; a leaf points at itself).
 * When no tree is deeper than SC_FOREST_PERFECT_MAX_DEPTH and padding costs
 * at most SC_FOREST_PERFECT_PADDING times the nodes, every tree is also laid
 * out as a perfect binary tree of the forest's depth D: 2^D - 1 splits of 8
 * bytes in heap order (children of i at 2i + 1 and 2i + 2, nothing stored)
 * and 2^D leaf values; a leaf above depth D is padded with dummy splits
 * whose subtrees all hold its value. A row is first expanded so that
 * missing values need no test at the splits; then 16 walks (trees of one
 * row) run interleaved so that their memory latencies overlap, D
 * branch-free steps each on the perfect layout, as many steps as the
 * deepest of the 16 on the breadth-first one (a walk at a leaf stays
 * there); blocks of 8 rows share each chunk of 32 trees while it is in the
 * first level cache.
 */
#ifndef SCORE_MODEL_FOREST_H
#define SCORE_MODEL_FOREST_H

#include <jansson.h>
#include <stdint.h>

#include "../core/core.h"

typedef struct sc_forest sc_forest;

/* Limits, documented because a model beyond them is refused. */
#define SC_FOREST_MAX_DEPTH 128           /* levels of one tree (SCORE_ELIMIT) */
#define SC_FOREST_MAX_FEATURES (1u << 24) /* columns of a model (SCORE_ELIMIT) */
#define SC_FOREST_MAX_NODES (1u << 24)    /* nodes of one tree (SCORE_ELIMIT) */
#define SC_FOREST_MAX_TOTAL_NODES (1u << 31) /* nodes of all trees (SCORE_ELIMIT) */
#define SC_FOREST_PERFECT_MAX_DEPTH 8     /* deeper forests: breadth-first layout only */
#define SC_FOREST_PERFECT_PADDING 4       /* padded splits <= 4 x nodes, else the same */

/*
 * Build a forest from XGBoost's JSON model object (what
 * XGBoosterSaveModelToBuffer with {"format":"json"} writes:
 * {"learner": {...}, "version": [1,7,4]}). Everything is checked: objective
 * binary:logistic, booster gbtree, one target and class, base_score in (0,1),
 * every tree's arrays as long as its num_nodes, child indices in range, every
 * node reached once from the root (no cycle, no shared node) with a matching
 * parents entry, split indices < n_features, finite float thresholds and leaf
 * values, positive finite covers (TreeSHAP weighs paths by them).
 * Nodes XGBoost marked deleted (unreachable) are ignored. num_parallel_tree > 1
 * (boosted random forests) is handled: all trees are summed, as XGBoost does.
 * n_features is the model's column count and must equal
 * learner_model_param.num_feature.
 * Fails: SCORE_EINVAL (NULL model or out, n_features 0); SCORE_EUNSUPPORTED
 * for categorical splits (split_type 1 or categories), dart, gblinear,
 * multi-class or multi-target models, objectives other than binary:logistic,
 * XGBoost JSON format versions other than 1.x and 2.x; SCORE_EFORMAT naming
 * the tree and node (or the key) for anything malformed; SCORE_ELIMIT for a
 * tree deeper than SC_FOREST_MAX_DEPTH or larger than SC_FOREST_MAX_NODES, or
 * more than SC_FOREST_MAX_FEATURES columns; SCORE_ENOMEM. The caller owns
 * *out (sc_forest_free); *out is written only on success.
 */
int sc_forest_from_xgboost(const json_t *model, size_t n_features, sc_forest **out);

/* Free a forest. Accepts NULL. */
void sc_forest_free(sc_forest *forest);

size_t sc_forest_n_trees(const sc_forest *forest);
size_t sc_forest_n_features(const sc_forest *forest);
/* The deepest tree's number of split levels (0 when every tree is a leaf). */
unsigned sc_forest_max_depth(const sc_forest *forest);
/* logit(base_score) as XGBoost computes it (in float). */
double sc_forest_base_margin(const sc_forest *forest);
/* The bias of the contributions: base margin plus each tree's expected value
 * (leaf values weighted by cover), as XGBoost's pred_contribs gives it. */
double sc_forest_bias(const sc_forest *forest);

/*
 * Margins of n_rows row-major rows (n_features floats each, NaN = missing)
 * into margin[n_rows]. Never fails, never allocates; thread-safe (the forest
 * is immutable). n_rows 0 does nothing.
 */
void sc_forest_predict(const sc_forest *forest, const float *rows, size_t n_rows, double *margin);

/*
 * Exact TreeSHAP (the contributions XGBoost's pred_contribs computes) of one
 * row (n_features floats, NaN = missing): contribs[n_features + 1], the last
 * entry the bias (sc_forest_bias). The entries add up to the row's margin
 * (to rounding). Computed in double, by the per-leaf tables of shap.c (the
 * reference algorithm for trees without them). contribs is written only on
 * success. Fails: SCORE_ENOMEM (only for forests deeper than 16 levels,
 * whose paths need a heap buffer). Thread-safe.
 */
int sc_forest_contributions(const sc_forest *forest, const float *row, double *contribs);

/* The same for n_rows rows into contribs[n_rows * (n_features + 1)], a
 * block of rows at a time through each tree (faster than row by row). */
int sc_forest_contributions_rows(const sc_forest *forest, const float *rows, size_t n_rows,
                                 double *contribs);

/* The same by Lundberg et al.'s Algorithm 2 on every tree, as XGBoost does:
 * the reference the tests and the benchmark hold the tables to. */
int sc_forest_contributions_reference(const sc_forest *forest, const float *row,
                                      double *contribs);

/* Build the TreeSHAP tables of a forest whose trees are laid out (called by
 * sc_forest_from_xgboost). Fails: SCORE_ENOMEM. */
int sc_forest_shap_prepare(sc_forest *forest);
void sc_forest_shap_free(sc_forest *forest);

/* Trees up to this depth get TreeSHAP tables (2^d doubles a leaf of d
 * distinct features: 64 KB for a full tree of depth 8)... */
#define SC_SHAP_FAST_MAX_DEPTH 8
/* ...as long as all tables together stay within this many doubles (64 MB);
 * the trees past it take the reference algorithm. */
#define SC_SHAP_MAX_TABLE ((size_t)1 << 23)

/* ---- kernels (tests and bench/bench_forest.c pick one explicitly) ------- */

/* The ways to walk the trees. AUTO is what sc_forest_predict does:
 * INTERLEAVED when the forest has the perfect layout, else DEEP. The others
 * exist so that tests can check that every kernel gives the same bits and
 * the benchmark can measure each step. */
enum sc_forest_kernel {
    SC_FOREST_KERNEL_AUTO,
    SC_FOREST_KERNEL_GENERAL,     /* breadth-first nodes, one walk at a time to a leaf */
    SC_FOREST_KERNEL_DEEP,        /* breadth-first nodes, 16 walks interleaved */
    SC_FOREST_KERNEL_PERFECT,     /* perfect layout, one walk at a time */
    SC_FOREST_KERNEL_INTERLEAVED, /* perfect layout, 16 walks interleaved */
    SC_FOREST_KERNEL_COUNT
};

/* Whether `kernel` can run this forest (the perfect kernels need the
 * perfect layout). */
int sc_forest_has_kernel(const sc_forest *forest, enum sc_forest_kernel kernel);
/* The kernel AUTO stands for on this forest, and a name for any. */
enum sc_forest_kernel sc_forest_auto_kernel(const sc_forest *forest);
const char *sc_forest_kernel_name(enum sc_forest_kernel kernel);

/* sc_forest_predict with a chosen kernel. SCORE_EUNSUPPORTED when
 * sc_forest_has_kernel says no (margin untouched), else SCORE_OK. */
int sc_forest_predict_kernel(const sc_forest *forest, enum sc_forest_kernel kernel,
                             const float *rows, size_t n_rows, double *margin);

/* ---- layout (read by shap.c and the benchmark; others use the above) ---- */

/*
 * A node of the breadth-first layout: all trees in one array, each tree's
 * nodes breadth-first from its root, the two children of a split side by
 * side. A split: `value` is its threshold, `word` 2 * feature +
 * default_left, `left` the index (in the whole array) of its left child, the
 * right child being left + 1. A leaf: `value` is its value, `word`
 * 2 * n_features, `left` its own index, so that a walk which goes on from a
 * leaf stays on it (forest_predict.c explains the expanded rows this serves).
 */
typedef struct sc_forest_node {
    float value;
    uint32_t word;
    uint32_t left;
} sc_forest_node;

/* A leaf of a tree with TreeSHAP tables (shap.c): its node (in its tree),
 * its d distinct path features, (1 - z) / z of each (z the fraction of the
 * cover the path keeps at that feature's splits) and where its 2^d table
 * entries start. */
typedef struct sc_shap_leaf {
    uint32_t node;
    uint32_t d;
    size_t table;
    uint32_t feature[SC_SHAP_FAST_MAX_DEPTH];
    double ratio[SC_SHAP_FAST_MAX_DEPTH];
} sc_shap_leaf;

/* A split of the perfect layout; `word` as in sc_forest_node. */
typedef struct sc_forest_split {
    float threshold;
    uint32_t word;
} sc_forest_split;

struct sc_forest {
    size_t n_trees;
    size_t n_features;
    float base_margin;           /* float, as XGBoost adds it */
    double bias;                 /* base_margin + sum of expected_value */
    unsigned max_depth;

    /* breadth-first layout: tree t is nodes[tree_start[t] .. tree_start[t + 1]) */
    sc_forest_node *nodes;
    size_t *tree_start;          /* n_trees + 1 */
    uint8_t *tree_depth;         /* per tree, its number of split levels */
    float *cover;                /* per node, XGBoost's sum_hessian */
    double *expected_value;      /* per tree: cover-weighted mean of its leaves */

    /* perfect layout, NULL when the forest is too deep or sparse for it:
     * tree t's splits at splits[t * (2^depth - 1)], leaves at leaves[t * 2^depth] */
    unsigned depth;
    sc_forest_split *splits;
    float *leaves;

    /* TreeSHAP tables (shap.c): tree t's leaves are shap_leaf[shap_leaf_start[t]
     * ..] up to the next tree's start, or it has none (SIZE_MAX: the
     * reference algorithm); shap_bit per node: the position of its split's
     * feature among the distinct features on the path to it */
    size_t *shap_leaf_start;     /* n_trees + 1 */
    uint8_t *shap_bit;
    sc_shap_leaf *shap_leaf;
    double *shap_table;
};

/* The splits of one tree of the perfect layout of depth `depth`. */
static inline size_t sc_forest_perfect_splits(unsigned depth)
{
    return ((size_t)1 << depth) - 1;
}

#endif
