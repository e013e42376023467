/*
 * Exact TreeSHAP on the native forest: Algorithm 2 of Lundberg, Erion and
 * Lee, "Consistent Individualized Feature Attribution for Tree Ensembles"
 * (2018), with XGBoost's conventions (pred_contribs): a missing value follows
 * the default direction, the split compares in float, the cover of a node is
 * its sum_hessian, and the bias is the base margin plus every tree's
 * cover-weighted mean leaf value. Computed in double.
 *
 * The algorithm follows every root-to-leaf path once, keeping on the way the
 * "unique path" of features met so far: for each, the fraction of the cover
 * that flows down the path when the feature is unknown (zero) and whether the
 * row itself goes that way (one), and the permutation weights of subsets of
 * those features. At a leaf, each feature on the path is credited the leaf
 * value times the weight of the orderings in which adding it changes the
 * outcome. A feature met twice on one path is unwound and extended again, so
 * it counts once.
 */
#include <math.h>
#include <string.h>

#include "forest.h"

typedef struct path_elem {
    double zero;      /* fraction of cover flowing this way when the feature is unknown */
    double one;       /* 1 when the row goes this way, else 0 */
    double pweight;   /* permutation weight of subsets of this size */
    int32_t feature;  /* -1 for the root's placeholder */
} path_elem;

typedef struct shap_ctx {
    const sc_forest_node *tree;
    const float *cover;
    const float *row;
    double *phi;
} shap_ctx;

/* Extend the unique path (depth elements so far) by one feature. */
static void extend_path(path_elem *p, unsigned depth, double zero, double one, int32_t feature)
{
    p[depth].feature = feature;
    p[depth].zero = zero;
    p[depth].one = one;
    p[depth].pweight = depth == 0 ? 1.0 : 0.0;
    for (unsigned i = depth; i-- > 0;) {
        p[i + 1].pweight += one * p[i].pweight * (i + 1) / (double)(depth + 1);
        p[i].pweight = zero * p[i].pweight * (depth - i) / (double)(depth + 1);
    }
}

/* Undo the extension by element `index`, removing it from the path. */
static void unwind_path(path_elem *p, unsigned depth, unsigned index)
{
    const double one = p[index].one, zero = p[index].zero;
    double next = p[depth].pweight;
    for (unsigned i = depth; i-- > 0;) {
        if (one != 0) {
            const double kept = p[i].pweight;
            p[i].pweight = next * (depth + 1) / ((i + 1) * one);
            next = kept - p[i].pweight * zero * (depth - i) / (double)(depth + 1);
        } else {
            p[i].pweight = p[i].pweight * (depth + 1) / (zero * (depth - i));
        }
    }
    for (unsigned i = index; i < depth; i++) {
        p[i].feature = p[i + 1].feature;
        p[i].zero = p[i + 1].zero;
        p[i].one = p[i + 1].one;
    }
}

/* The total permutation weight the path would have without element
 * `index`, without changing it. */
static double unwound_sum(const path_elem *p, unsigned depth, unsigned index)
{
    const double one = p[index].one, zero = p[index].zero;
    double next = p[depth].pweight, total = 0;
    for (unsigned i = depth; i-- > 0;) {
        if (one != 0) {
            const double w = next * (depth + 1) / ((i + 1) * one);
            total += w;
            next = p[i].pweight - w * zero * ((depth - i) / (double)(depth + 1));
        } else {
            total += (p[i].pweight / zero) / ((depth - i) / (double)(depth + 1));
        }
    }
    return total;
}

/*
 * Visit node `node` whose unique path so far is parent_path[0 .. depth - 1],
 * arriving with fractions (zero, one) through a split on `feature`. The
 * path of this call is written after its parent's, so that the parent's
 * stays intact for its other child.
 */
static void shap_walk(const shap_ctx *c, uint32_t node, unsigned depth, path_elem *parent_path,
                      double zero, double one, int32_t feature)
{
    path_elem *path = parent_path + depth + 1;
    memcpy(path, parent_path, depth * sizeof *path);
    extend_path(path, depth, zero, one, feature);

    const sc_forest_node *n = &c->tree[node];
    if (n->word & SC_NODE_LEAF) {
        for (unsigned i = 1; i <= depth; i++) {
            const double w = unwound_sum(path, depth, i);
            c->phi[path[i].feature] += w * (path[i].one - path[i].zero) * n->value;
        }
        return;
    }

    const int32_t split = (int32_t)(n->word & SC_NODE_FEATURE_MASK);
    const float x = c->row[split];
    int go_left = isnan(x) ? (n->word & SC_NODE_DEFAULT_LEFT) != 0 : x < n->value;
    const uint32_t hot = go_left ? n->left : n->left + 1;
    const uint32_t cold = go_left ? n->left + 1 : n->left;
    const double hot_zero = c->cover[hot] / (double)c->cover[node];
    const double cold_zero = c->cover[cold] / (double)c->cover[node];

    /* a feature already on the path is unwound, then extended again below */
    double in_zero = 1, in_one = 1;
    unsigned k = 1;
    while (k <= depth && path[k].feature != split)
        k++;
    if (k <= depth) {
        in_zero = path[k].zero;
        in_one = path[k].one;
        unwind_path(path, depth, k);
        depth--;
    }
    shap_walk(c, hot, depth + 1, path, hot_zero * in_zero, in_one, split);
    shap_walk(c, cold, depth + 1, path, cold_zero * in_zero, 0, split);
}

#define SHAP_STACK_DEPTH 16

int sc_forest_contributions(const sc_forest *f, const float *row, double *contribs)
{
    /* (D + 2)(D + 3) / 2 elements hold the paths of every level of a tree
     * of depth D */
    path_elem stack[(SHAP_STACK_DEPTH + 2) * (SHAP_STACK_DEPTH + 3) / 2];
    path_elem *buffer = stack;
    if (f->max_depth > SHAP_STACK_DEPTH) {
        size_t d = f->max_depth;
        buffer = sc_malloc_array((d + 2) * (d + 3) / 2, sizeof *buffer);
        if (!buffer)
            return sc_error(SCORE_ENOMEM, "forest: out of memory for the TreeSHAP paths");
    }
    memset(contribs, 0, (f->n_features + 1) * sizeof *contribs);
    shap_ctx c = {.row = row, .phi = contribs};
    for (size_t t = 0; t < f->n_trees; t++) {
        c.tree = f->nodes + f->tree_start[t];
        c.cover = f->cover + f->tree_start[t];
        shap_walk(&c, 0, 0, buffer, 1, 1, -1);
    }
    contribs[f->n_features] = f->bias;
    if (buffer != stack)
        sc_free(buffer);
    return SCORE_OK;
}
