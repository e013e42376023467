/*
 * Exact TreeSHAP on the native forest, with XGBoost's conventions
 * (pred_contribs): a missing value follows the default direction, the split
 * compares in float, the cover of a node is its sum_hessian, and the bias is
 * the base margin plus every tree's cover-weighted mean leaf value.
 * Computed in double. Two algorithms give the same contributions (to
 * rounding; tests/unit/test_shap.c holds them to 1e-9):
 *
 * The reference: Algorithm 2 of Lundberg, Erion and Lee, "Consistent
 * Individualized Feature Attribution for Tree Ensembles" (2018), the one
 * XGBoost runs. It follows every root-to-leaf path once, keeping on the way
 * the "unique path" of features met so far: for each, the fraction of the
 * cover that flows down the path when the feature is unknown (zero) and
 * whether the row itself goes that way (one), and the permutation weights of
 * subsets of those features. At a leaf, each feature on the path is credited
 * the leaf value times the weight of the orderings in which adding it
 * changes the outcome. A feature met twice on one path is unwound and
 * extended again, so it counts once. O(L D^2) a tree, with divisions.
 *
 * The fast one, in the spirit of FastTreeSHAP v2 (Yang 2022): what a leaf
 * gives a row depends only on which of the d distinct features on its path
 * the row agrees with (goes the leaf's way at every split on it), a set A.
 * With z_j the fraction of the cover the path keeps at feature j's splits,
 * a leaf of value v gives f(S) = v prod_{j not in S} z_j when the features S
 * (a subset of A) are known, and Shapley's formula with the weights
 * w(s) = s! (d - 1 - s)! / d! becomes
 *     phi_i = -Q(A)                               for i on the path, not in A
 *     phi_i = (1 - z_i) / z_i * Q(A \ {i})         for i in A
 * where Q(B) = v sum_{S subset of B} w(|S|) prod_{j not in S} z_j. Q is
 * tabulated per leaf for all 2^d sets B when the forest is loaded; a row
 * then costs one comparison per split (which way it goes, carried down the
 * tree as a bit mask of agreeing features) and d + 1 table reads per leaf:
 * O(L D), no division. Trees deeper than SC_SHAP_FAST_MAX_DEPTH, trees past
 * the table budget, and paths whose fractions are too small to divide by
 * use the reference.
 */
#include <math.h>
#include <string.h>

#include "forest.h"

/* ---- the reference (Lundberg et al. 2018) ------------------------------------ */

typedef struct path_elem {
    double zero;      /* fraction of cover flowing this way when the feature is unknown */
    double one;       /* 1 when the row goes this way, else 0 */
    double pweight;   /* permutation weight of subsets of this size */
    int32_t feature;  /* -1 for the root's placeholder */
} path_elem;

typedef struct shap_ctx {
    const sc_forest_node *nodes;
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
static void shap_walk(const shap_ctx *c, size_t node, unsigned depth, path_elem *parent_path,
                      double zero, double one, int32_t feature)
{
    path_elem *path = parent_path + depth + 1;
    memcpy(path, parent_path, depth * sizeof *path);
    extend_path(path, depth, zero, one, feature);

    const sc_forest_node *n = &c->nodes[node];
    if (n->left == node) {
        for (unsigned i = 1; i <= depth; i++) {
            const double w = unwound_sum(path, depth, i);
            c->phi[path[i].feature] += w * (path[i].one - path[i].zero) * n->value;
        }
        return;
    }

    const int32_t split = (int32_t)(n->word >> 1);
    const float x = c->row[split];
    int go_left = isnan(x) ? (n->word & 1u) != 0 : x < n->value;
    const size_t hot = go_left ? n->left : n->left + 1;
    const size_t cold = go_left ? n->left + 1 : n->left;
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

/* (D + 2)(D + 3) / 2 elements hold the paths of every level of a tree of
 * depth D. */
static size_t path_buffer_size(unsigned depth)
{
    return ((size_t)depth + 2) * (depth + 3) / 2;
}

static void reference_tree(const sc_forest *f, size_t t, const float *row, double *phi,
                           path_elem *buffer)
{
    shap_ctx c = {.nodes = f->nodes, .cover = f->cover, .row = row, .phi = phi};
    shap_walk(&c, f->tree_start[t], 0, buffer, 1, 1, -1);
}

/* ---- the fast one: tables built with the forest -------------------------------- */

/* The state of a path at a node while the tables are built. */
typedef struct path_state {
    unsigned d;
    uint32_t feature[SC_SHAP_FAST_MAX_DEPTH];
    double zero[SC_SHAP_FAST_MAX_DEPTH];
} path_state;

/* Below this a fraction is not divided by (1/z would lose the digits); the
 * tree takes the reference. Real covers never come near it. */
#define SHAP_MIN_FRACTION 1e-150

static int tabulate_leaf(const path_state *p, double value, sc_shap_leaf *leaf, double *table)
{
    const unsigned d = p->d;
    const size_t n_sets = (size_t)1 << d;
    double weight[SC_SHAP_FAST_MAX_DEPTH + 1];
    /* w(s) = s! (d - 1 - s)! / d!, by w(0) = 1 / d and w(s + 1) = w(s) (s + 1) / (d - 1 - s) */
    weight[0] = 1.0 / d;
    for (unsigned s = 0; s + 1 < d; s++)
        weight[s + 1] = weight[s] * (s + 1) / (double)(d - 1 - s);
    for (unsigned k = 0; k < d; k++) {
        if (!(p->zero[k] >= SHAP_MIN_FRACTION))
            return 0;
        leaf->feature[k] = p->feature[k];
        leaf->ratio[k] = (1 - p->zero[k]) / p->zero[k];
    }
    leaf->d = d;
    /* g(S) = v w(|S|) prod_{j not in S} z_j, then Q(B) = sum over subsets S
     * of B of g(S), one bit at a time */
    for (size_t set = 0; set < n_sets; set++) {
        double g = value * weight[__builtin_popcountll(set)];
        for (unsigned j = 0; j < d; j++)
            if (!(set >> j & 1u))
                g *= p->zero[j];
        table[set] = g;
    }
    for (unsigned k = 0; k < d; k++)
        for (size_t set = 0; set < n_sets; set++)
            if (set >> k & 1u)
                table[set] += table[set ^ ((size_t)1 << k)];
    return 1;
}

/* The tables of tree t: its leaves from f->shap_leaf + *n_leaves, their
 * tables from f->shap_table + *n_table. 0 when the tree must take the
 * reference (nothing is then kept of it). */
static int tabulate_tree(sc_forest *f, size_t t, path_state *state, size_t *n_leaves,
                         size_t *n_table)
{
    const size_t base = f->tree_start[t], n = f->tree_start[t + 1] - base;
    size_t leaves = *n_leaves, table = *n_table;
    state[0].d = 0;
    for (size_t q = 0; q < n; q++) {
        const sc_forest_node *node = &f->nodes[base + q];
        const path_state *p = &state[q];
        if (node->left == base + q) {
            if (p->d == 0)
                continue; /* a tree of one leaf gives nothing but the bias */
            sc_shap_leaf *leaf = &f->shap_leaf[leaves];
            leaf->node = (uint32_t)q;
            leaf->table = table;
            if (!tabulate_leaf(p, node->value, leaf, f->shap_table + table))
                return 0;
            leaves++;
            table += (size_t)1 << p->d;
            continue;
        }
        const uint32_t feature = node->word >> 1;
        unsigned k = 0;
        while (k < p->d && p->feature[k] != feature)
            k++;
        f->shap_bit[base + q] = (uint8_t)k;
        for (size_t side = 0; side < 2; side++) {
            const size_t child = node->left - base + side;
            path_state *c = &state[child];
            *c = *p;
            if (k == c->d) {
                c->feature[c->d] = feature;
                c->zero[c->d++] = 1;
            }
            c->zero[k] *= f->cover[base + child] / (double)f->cover[base + q];
        }
    }
    *n_leaves = leaves;
    *n_table = table;
    return 1;
}

/* Table entries tree t would need: sum over its leaves of 2^d, bounded by
 * its leaves times 2^depth; SIZE_MAX for a tree too deep for tables. */
static size_t table_bound(const sc_forest *f, size_t t, size_t *leaves)
{
    size_t n = f->tree_start[t + 1] - f->tree_start[t];
    *leaves = (n + 1) / 2;
    if (f->tree_depth[t] > SC_SHAP_FAST_MAX_DEPTH)
        return SIZE_MAX;
    return *leaves << f->tree_depth[t];
}

int sc_forest_shap_prepare(sc_forest *f)
{
    size_t total_nodes = f->tree_start[f->n_trees], n_leaves = 0, n_table = 0;
    f->shap_leaf_start = sc_calloc(f->n_trees + 1, sizeof *f->shap_leaf_start);
    f->shap_bit = sc_calloc(total_nodes + 1, sizeof *f->shap_bit);
    if (!f->shap_leaf_start || !f->shap_bit)
        return sc_error(SCORE_ENOMEM, "forest: out of memory for the TreeSHAP tables");
    for (size_t t = 0; t < f->n_trees; t++) {
        size_t leaves, entries = table_bound(f, t, &leaves);
        if (entries != SIZE_MAX && n_table + entries <= SC_SHAP_MAX_TABLE) {
            n_leaves += leaves;
            n_table += entries;
        }
    }
    f->shap_leaf = sc_malloc_array(n_leaves + 1, sizeof *f->shap_leaf);
    f->shap_table = sc_malloc_array(n_table + 1, sizeof *f->shap_table);
    path_state *state = sc_malloc_array(((size_t)2 << SC_SHAP_FAST_MAX_DEPTH), sizeof *state);
    if (!f->shap_leaf || !f->shap_table || !state) {
        sc_free(state);
        return sc_error(SCORE_ENOMEM, "forest: out of memory for the TreeSHAP tables");
    }
    size_t at_leaf = 0, at_table = 0, leaf_budget = n_leaves, table_budget = n_table;
    for (size_t t = 0; t < f->n_trees; t++) {
        size_t leaves, entries = table_bound(f, t, &leaves), next_leaf = at_leaf,
                       next_table = at_table;
        f->shap_leaf_start[t] = at_leaf;
        if (entries != SIZE_MAX && at_leaf + leaves <= leaf_budget &&
            at_table + entries <= table_budget &&
            tabulate_tree(f, t, state, &next_leaf, &next_table)) {
            at_leaf = next_leaf;
            at_table = next_table;
        } else {
            f->shap_leaf_start[t] = SIZE_MAX; /* the reference */
        }
    }
    f->shap_leaf_start[f->n_trees] = at_leaf;
    sc_free(state);
    return SCORE_OK;
}

void sc_forest_shap_free(sc_forest *f)
{
    sc_free(f->shap_leaf_start);
    sc_free(f->shap_bit);
    sc_free(f->shap_leaf);
    sc_free(f->shap_table);
}

/* ---- the fast one: a row ---------------------------------------------------- */

/* The first leaf record of the next tree with tables after t. */
static size_t leaf_end(const sc_forest *f, size_t t)
{
    size_t u = t + 1;
    while (f->shap_leaf_start[u] == SIZE_MAX)
        u++;
    return f->shap_leaf_start[u];
}

static void fast_tree(const sc_forest *f, size_t t, const float *row, double *restrict phi)
{
    const size_t base = f->tree_start[t], n = f->tree_start[t + 1] - base;
    const sc_forest_node *nodes = f->nodes + base;
    const uint8_t *shap_bit = f->shap_bit + base;
    /* agree[q]: bit k set when the row agrees with every split on the path's
     * k-th feature from the root to node q */
    uint8_t agree[(2u << SC_SHAP_FAST_MAX_DEPTH)];
    agree[0] = 0xFF;
    for (size_t q = 0; q < n; q++) {
        const sc_forest_node *node = &nodes[q];
        if (node->left == base + q)
            continue;
        const float x = row[node->word >> 1];
        const unsigned right = isnan(x) ? !(node->word & 1u) : !(x < node->value);
        const uint8_t mask = agree[q], cut = (uint8_t)(mask & ~(1u << shap_bit[q]));
        const size_t l = node->left - base;
        agree[l] = right ? cut : mask;
        agree[l + 1] = right ? mask : cut;
    }
    const sc_shap_leaf *restrict leaf = f->shap_leaf + f->shap_leaf_start[t];
    const sc_shap_leaf *end = f->shap_leaf + leaf_end(f, t);
    const double *restrict tables = f->shap_table;
    for (; leaf < end; leaf++) {
        const unsigned d = leaf->d;
        const unsigned a = agree[leaf->node] & ((1u << d) - 1);
        const double *restrict table = tables + leaf->table;
        const double off = -table[a];
        for (unsigned k = 0; k < d; k++) {
            const unsigned bit = 1u << k;
            const double gain = leaf->ratio[k] * table[a ^ bit];
            phi[leaf->feature[k]] += (a & bit) ? gain : off;
        }
    }
}

/* ---- both ----------------------------------------------------------------------- */

/* Rows are taken in blocks, tree by tree, so that a tree's tables (32 KB
 * for a full tree of depth 6) stay in cache while every row of the block
 * reads them; measured on the 300-tree model of bench/README.md. */
#define SHAP_BLOCK 16

static int contributions(const sc_forest *f, const float *rows, size_t n_rows, double *out,
                         int reference)
{
    path_elem stack[(SHAP_STACK_DEPTH + 2) * (SHAP_STACK_DEPTH + 3) / 2];
    path_elem *buffer = stack;
    if (f->max_depth > SHAP_STACK_DEPTH) {
        buffer = sc_malloc_array(path_buffer_size(f->max_depth), sizeof *buffer);
        if (!buffer)
            return sc_error(SCORE_ENOMEM, "forest: out of memory for the TreeSHAP paths");
    }
    const size_t nf = f->n_features;
    memset(out, 0, n_rows * (nf + 1) * sizeof *out);
    for (size_t start = 0; start < n_rows; start += SHAP_BLOCK) {
        const size_t end = n_rows - start < SHAP_BLOCK ? n_rows : start + SHAP_BLOCK;
        for (size_t t = 0; t < f->n_trees; t++) {
            const int fast = !reference && f->shap_leaf_start[t] != SIZE_MAX;
            for (size_t r = start; r < end; r++) {
                if (fast)
                    fast_tree(f, t, rows + r * nf, out + r * (nf + 1));
                else
                    reference_tree(f, t, rows + r * nf, out + r * (nf + 1), buffer);
            }
        }
        for (size_t r = start; r < end; r++)
            out[r * (nf + 1) + nf] = f->bias;
    }
    if (buffer != stack)
        sc_free(buffer);
    return SCORE_OK;
}

int sc_forest_contributions(const sc_forest *f, const float *row, double *contribs)
{
    return contributions(f, row, 1, contribs, 0);
}

int sc_forest_contributions_rows(const sc_forest *f, const float *rows, size_t n_rows,
                                 double *contribs)
{
    return contributions(f, rows, n_rows, contribs, 0);
}

int sc_forest_contributions_reference(const sc_forest *f, const float *row, double *contribs)
{
    return contributions(f, row, 1, contribs, 1);
}
