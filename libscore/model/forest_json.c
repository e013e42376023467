/*
 * The native forest, first half: reading XGBoost's JSON model into the
 * layouts of forest.h, with every check a hostile or damaged model needs.
 * forest_predict.c holds the kernels that walk the trees.
 */
#include <math.h>
#include <string.h>

#include "forest.h"

#define MSG "XGBoost model: "

/* ---- reading the learner ------------------------------------------------ */

/* A member that must be present and of one JSON type. */
static int member(const json_t *obj, const char *key, const char *where, json_type type,
                  const json_t **out)
{
    static const char *const names[] = {"an object", "an array", "a string", "an integer",
                                        "a number", "true", "false", "null"};
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return sc_error(SCORE_EFORMAT, MSG "%s has no \"%s\"", where, key);
    int ok = json_typeof(v) == type || (type == JSON_REAL && json_is_number(v));
    if (!ok)
        return sc_error(SCORE_EFORMAT, MSG "%s.%s: expected %s", where, key, names[type]);
    *out = v;
    return SCORE_OK;
}

/* A count XGBoost writes as a decimal string ("num_nodes": "95"); a JSON
 * integer is accepted too. */
static int count_value(const json_t *v, const char *where, const char *key, long long *out)
{
    long long n = 0;
    if (json_is_integer(v)) {
        n = json_integer_value(v);
        if (n < 0)
            goto bad;
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        if (len == 0 || len > 15)
            goto bad;
        for (size_t i = 0; i < len; i++) {
            if (s[i] < '0' || s[i] > '9')
                goto bad;
            n = n * 10 + (s[i] - '0');
        }
    } else {
        goto bad;
    }
    *out = n;
    return SCORE_OK;
bad:
    return sc_error(SCORE_EFORMAT, MSG "%s.%s: expected a count (a decimal string like \"12\")",
                    where, key);
}

static int count_member(const json_t *obj, const char *key, const char *where, long long *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return sc_error(SCORE_EFORMAT, MSG "%s has no \"%s\"", where, key);
    return count_value(v, where, key, out);
}

/* base_score, a string such as "5E-1" (XGBoost 2.1 writes "[5E-1]"). The
 * number is read by jansson, which does not depend on the C locale. */
static int read_base_score(const json_t *param, float *out)
{
    const json_t *v = NULL;
    int rc = member(param, "base_score", "learner.learner_model_param", JSON_STRING, &v);
    if (rc)
        return rc;
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
        s++;
        len -= 2;
    }
    json_error_t e;
    json_t *num = json_loadb(s, len, JSON_DECODE_ANY, &e);
    double d = num && json_is_number(num) ? json_number_value(num) : NAN;
    json_decref(num);
    float b = (float)d;
    if (!(b > 0.0f && b < 1.0f))
        return sc_error(SCORE_EFORMAT,
                        MSG "learner.learner_model_param.base_score \"%s\": expected a number "
                            "strictly between 0 and 1",
                        json_string_value(v));
    *out = b;
    return SCORE_OK;
}

static int check_version(const json_t *model)
{
    const json_t *v = NULL;
    int rc = member(model, "version", "the top level", JSON_ARRAY, &v);
    if (rc)
        return rc;
    if (json_array_size(v) != 3)
        return sc_error(SCORE_EFORMAT, MSG "version: expected [major, minor, patch]");
    for (size_t i = 0; i < 3; i++)
        if (!json_is_integer(json_array_get(v, i)) || json_integer_value(json_array_get(v, i)) < 0)
            return sc_error(SCORE_EFORMAT, MSG "version: expected [major, minor, patch]");
    json_int_t major = json_integer_value(json_array_get(v, 0));
    if (major != 1 && major != 2)
        return sc_error(SCORE_EUNSUPPORTED,
                        MSG "written by XGBoost %lld.%lld; the JSON models of versions 1.x "
                            "and 2.x are supported",
                        (long long)major, (long long)json_integer_value(json_array_get(v, 1)));
    return SCORE_OK;
}

/* The learner's parameters: objective, classes, targets, features. */
static int check_learner(const json_t *learner, size_t n_features, float *base_score)
{
    const json_t *objective = NULL, *name = NULL, *param = NULL;
    int rc = member(learner, "objective", "learner", JSON_OBJECT, &objective);
    if (!rc)
        rc = member(objective, "name", "learner.objective", JSON_STRING, &name);
    if (rc)
        return rc;
    if (strcmp(json_string_value(name), "binary:logistic") != 0)
        return sc_error(SCORE_EUNSUPPORTED,
                        MSG "objective \"%s\"; only binary:logistic models are supported",
                        json_string_value(name));
    rc = member(learner, "learner_model_param", "learner", JSON_OBJECT, &param);
    if (rc)
        return rc;
    const char *where = "learner.learner_model_param";
    long long num_class = 0, num_target = 1, num_feature;
    rc = count_member(param, "num_class", where, &num_class);
    if (!rc && json_object_get(param, "num_target"))
        rc = count_member(param, "num_target", where, &num_target);
    if (!rc)
        rc = count_member(param, "num_feature", where, &num_feature);
    if (rc)
        return rc;
    if (num_class > 1)
        return sc_error(SCORE_EUNSUPPORTED,
                        MSG "a multi-class model (%lld classes); only binary models are supported",
                        num_class);
    if (num_target != 1)
        return sc_error(SCORE_EUNSUPPORTED,
                        MSG "a model with %lld targets; only one target is supported", num_target);
    if ((unsigned long long)num_feature != n_features)
        return sc_error(SCORE_EFORMAT, MSG "%s.num_feature is %lld, but the model has %zu columns",
                        where, num_feature, n_features);
    return read_base_score(param, base_score);
}

/* The booster: gbtree, its trees and tree_info. */
static int find_trees(const json_t *learner, const json_t **trees)
{
    const json_t *booster = NULL, *name = NULL, *model = NULL, *param = NULL, *info = NULL;
    int rc = member(learner, "gradient_booster", "learner", JSON_OBJECT, &booster);
    if (!rc)
        rc = member(booster, "name", "learner.gradient_booster", JSON_STRING, &name);
    if (rc)
        return rc;
    const char *booster_name = json_string_value(name);
    if (strcmp(booster_name, "gbtree") != 0) {
        if (strcmp(booster_name, "dart") == 0 || strcmp(booster_name, "gblinear") == 0)
            return sc_error(SCORE_EUNSUPPORTED,
                            MSG "booster \"%s\"; only gbtree models are supported", booster_name);
        return sc_error(SCORE_EFORMAT, MSG "unknown booster \"%s\"", booster_name);
    }
    const char *where = "learner.gradient_booster.model";
    rc = member(booster, "model", "learner.gradient_booster", JSON_OBJECT, &model);
    if (!rc)
        rc = member(model, "gbtree_model_param", where, JSON_OBJECT, &param);
    if (!rc)
        rc = member(model, "trees", where, JSON_ARRAY, trees);
    if (!rc)
        rc = member(model, "tree_info", where, JSON_ARRAY, &info);
    if (rc)
        return rc;
    long long num_trees, num_parallel = 1;
    const char *pwhere = "learner.gradient_booster.model.gbtree_model_param";
    rc = count_member(param, "num_trees", pwhere, &num_trees);
    if (!rc && json_object_get(param, "num_parallel_tree"))
        rc = count_member(param, "num_parallel_tree", pwhere, &num_parallel);
    if (rc)
        return rc;
    size_t n = json_array_size(*trees);
    if ((unsigned long long)num_trees != n)
        return sc_error(SCORE_EFORMAT, MSG "num_trees is %lld but %zu trees are stored", num_trees,
                        n);
    if (num_parallel < 1 || (long long)n % num_parallel != 0)
        return sc_error(SCORE_EFORMAT, MSG "num_parallel_tree is %lld but %zu trees are stored",
                        num_parallel, n);
    if (json_array_size(info) != n)
        return sc_error(SCORE_EFORMAT, MSG "tree_info has %zu entries for %zu trees",
                        json_array_size(info), n);
    for (size_t t = 0; t < n; t++) {
        const json_t *g = json_array_get(info, t);
        if (!json_is_integer(g) || json_integer_value(g) != 0)
            return sc_error(SCORE_EUNSUPPORTED,
                            MSG "tree_info[%zu] is not 0: trees of several output groups "
                                "(a multi-class model); only binary models are supported",
                            t);
    }
    return SCORE_OK;
}

/* ---- reading one tree ---------------------------------------------------- */

/* The per-node arrays of one tree, all checked to have n_nodes entries. */
typedef struct tree_json {
    const json_t *left, *right, *parent, *feature, *cond, *dleft, *hess;
    long long n_nodes, n_deleted;
} tree_json;

static int tree_array(const json_t *tree, const char *key, size_t t, long long n_nodes, int required,
                      const json_t **out)
{
    const json_t *v = json_object_get(tree, key);
    if (!v) {
        if (required)
            return sc_error(SCORE_EFORMAT, MSG "tree %zu has no \"%s\"", t, key);
        *out = NULL;
        return SCORE_OK;
    }
    if (!json_is_array(v))
        return sc_error(SCORE_EFORMAT, MSG "tree %zu: \"%s\" is not an array", t, key);
    if ((long long)json_array_size(v) != n_nodes)
        return sc_error(SCORE_EFORMAT, MSG "tree %zu: \"%s\" has %zu entries for %lld nodes", t,
                        key, json_array_size(v), n_nodes);
    *out = v;
    return SCORE_OK;
}

/* A tree's size, and its arrays checked for length and element types. */
static int read_tree_json(const json_t *tree, size_t t, tree_json *tj)
{
    if (!json_is_object(tree))
        return sc_error(SCORE_EFORMAT, MSG "tree %zu is not an object", t);
    const json_t *param = NULL, *id = json_object_get(tree, "id");
    char where[64];
    sc_snprintf(where, sizeof where, "tree %zu", t);
    if (id && (!json_is_integer(id) || json_integer_value(id) != (json_int_t)t))
        return sc_error(SCORE_EFORMAT, MSG "tree %zu has id %s", t,
                        json_is_integer(id) ? "of another tree" : "that is not an integer");
    int rc = member(tree, "tree_param", where, JSON_OBJECT, &param);
    tj->n_deleted = 0;
    if (!rc) {
        sc_snprintf(where, sizeof where, "tree %zu.tree_param", t);
        rc = count_member(param, "num_nodes", where, &tj->n_nodes);
    }
    if (!rc && json_object_get(param, "num_deleted"))
        rc = count_member(param, "num_deleted", where, &tj->n_deleted);
    if (rc)
        return rc;
    if (tj->n_nodes < 1)
        return sc_error(SCORE_EFORMAT, MSG "tree %zu has no nodes", t);
    if (tj->n_nodes > (long long)SC_FOREST_MAX_NODES)
        return sc_error(SCORE_ELIMIT, MSG "tree %zu has %lld nodes; at most %u are supported", t,
                        tj->n_nodes, SC_FOREST_MAX_NODES);
    long long n = tj->n_nodes;
    const json_t *stype, *weights, *gains;
    if ((rc = tree_array(tree, "left_children", t, n, 1, &tj->left)) ||
        (rc = tree_array(tree, "right_children", t, n, 1, &tj->right)) ||
        (rc = tree_array(tree, "parents", t, n, 1, &tj->parent)) ||
        (rc = tree_array(tree, "split_indices", t, n, 1, &tj->feature)) ||
        (rc = tree_array(tree, "split_conditions", t, n, 1, &tj->cond)) ||
        (rc = tree_array(tree, "default_left", t, n, 1, &tj->dleft)) ||
        (rc = tree_array(tree, "sum_hessian", t, n, 1, &tj->hess)) ||
        (rc = tree_array(tree, "split_type", t, n, 0, &stype)) ||
        (rc = tree_array(tree, "base_weights", t, n, 0, &weights)) ||
        (rc = tree_array(tree, "loss_changes", t, n, 0, &gains)))
        return rc;

    static const char *const categories[] = {"categories", "categories_nodes",
                                             "categories_segments", "categories_sizes"};
    for (size_t i = 0; i < SC_ARRAY_LEN(categories); i++) {
        const json_t *c = json_object_get(tree, categories[i]);
        if (c && (!json_is_array(c) || json_array_size(c) != 0))
            return sc_error(SCORE_EUNSUPPORTED,
                            MSG "tree %zu has categorical splits (\"%s\"); only numerical "
                                "splits are supported",
                            t, categories[i]);
    }

    for (long long i = 0; i < n; i++) {
        const char *bad = NULL;
        if (!json_is_integer(json_array_get(tj->left, (size_t)i)))
            bad = "left_children";
        else if (!json_is_integer(json_array_get(tj->right, (size_t)i)))
            bad = "right_children";
        else if (!json_is_integer(json_array_get(tj->parent, (size_t)i)))
            bad = "parents";
        else if (!json_is_integer(json_array_get(tj->feature, (size_t)i)))
            bad = "split_indices";
        else if (!json_is_number(json_array_get(tj->cond, (size_t)i)))
            bad = "split_conditions";
        else if (!json_is_number(json_array_get(tj->hess, (size_t)i)))
            bad = "sum_hessian";
        if (bad)
            return sc_error(SCORE_EFORMAT, MSG "tree %zu node %lld: %s is not a number", t, i, bad);
        const json_t *d = json_array_get(tj->dleft, (size_t)i);
        if (!json_is_boolean(d) &&
            !(json_is_integer(d) && (json_integer_value(d) == 0 || json_integer_value(d) == 1)))
            return sc_error(SCORE_EFORMAT, MSG "tree %zu node %lld: default_left is not 0 or 1", t,
                            i);
        if (stype) {
            const json_t *s = json_array_get(stype, (size_t)i);
            if (json_is_integer(s) && json_integer_value(s) == 1)
                return sc_error(SCORE_EUNSUPPORTED,
                                MSG "tree %zu node %lld is a categorical split; only numerical "
                                    "splits are supported",
                                t, i);
            if (!json_is_integer(s) || json_integer_value(s) != 0)
                return sc_error(SCORE_EFORMAT, MSG "tree %zu node %lld: unknown split_type", t, i);
        }
        if ((weights && !json_is_number(json_array_get(weights, (size_t)i))) ||
            (gains && !json_is_number(json_array_get(gains, (size_t)i))))
            return sc_error(SCORE_EFORMAT, MSG "tree %zu node %lld: %s is not a number", t, i,
                            weights && !json_is_number(json_array_get(weights, (size_t)i))
                                ? "base_weights"
                                : "loss_changes");
    }
    return SCORE_OK;
}

static long long int_at(const json_t *array, long long i)
{
    return (long long)json_integer_value(json_array_get(array, (size_t)i));
}

static double number_at(const json_t *array, long long i)
{
    return json_number_value(json_array_get(array, (size_t)i));
}

static int default_left_at(const json_t *array, long long i)
{
    const json_t *d = json_array_get(array, (size_t)i);
    return json_is_true(d) || (json_is_integer(d) && json_integer_value(d) == 1);
}

/* A float32 value that must be finite once rounded to float. */
static int float_at(const json_t *array, long long i, size_t t, const char *what, float *out)
{
    double d = number_at(array, i);
    float f = (float)d;
    if (!isfinite(d) || !isfinite(f))
        return sc_error(SCORE_EFORMAT, MSG "tree %zu node %lld: %s %g is not a finite float", t, i,
                        what, d);
    *out = f;
    return SCORE_OK;
}

/* Scratch space for one tree, grown to the largest. */
typedef struct scratch {
    int32_t *order;   /* breadth-first queue: the JSON index of new node q */
    int32_t *seen;    /* JSON index -> new index + 1, 0 when not reached yet */
    uint8_t *depth;   /* depth of new node q */
    double *mean;     /* cover-weighted mean of the leaves under new node q */
    size_t cap;
} scratch;

static int scratch_reserve(scratch *s, size_t n)
{
    if (n <= s->cap)
        return SCORE_OK;
    sc_free(s->order);
    sc_free(s->seen);
    sc_free(s->depth);
    sc_free(s->mean);
    s->order = sc_malloc_array(n, sizeof *s->order);
    s->seen = sc_malloc_array(n, sizeof *s->seen);
    s->depth = sc_malloc_array(n, sizeof *s->depth);
    s->mean = sc_malloc_array(n, sizeof *s->mean);
    if (!s->order || !s->seen || !s->depth || !s->mean) {
        s->cap = 0;
        return sc_error(SCORE_ENOMEM, MSG "out of memory for a tree of %zu nodes", n);
    }
    s->cap = n;
    return SCORE_OK;
}

static void scratch_free(scratch *s)
{
    sc_free(s->order);
    sc_free(s->seen);
    sc_free(s->depth);
    sc_free(s->mean);
}

/*
 * Renumber one tree breadth-first from the root, the children of a node side
 * by side, checking every reached node. Writes *n_out nodes to nodes[] and
 * cover[] (the tree's nodes will sit at index `base` of the whole array, to
 * which `left` refers), the tree's depth and its expected value.
 */
static int build_tree(const tree_json *tj, size_t t, size_t n_features, scratch *s, size_t base,
                      sc_forest_node *nodes, float *cover, size_t *n_out, unsigned *depth_out,
                      double *expected)
{
    const long long n = tj->n_nodes;
    memset(s->seen, 0, (size_t)n * sizeof *s->seen);
    long long root_parent = int_at(tj->parent, 0);
    if (root_parent != -1 && root_parent != 2147483647)
        return sc_error(SCORE_EFORMAT, MSG "tree %zu node 0: the root has parent %lld", t,
                        root_parent);
    s->order[0] = 0;
    s->seen[0] = 1;
    s->depth[0] = 0;
    size_t head = 0, tail = 1;
    unsigned depth = 0;
    int rc;
    while (head < tail) {
        const size_t q = head++;
        const long long i = s->order[q];
        const long long l = int_at(tj->left, i), r = int_at(tj->right, i);
        sc_forest_node *node = &nodes[q];
        double h = number_at(tj->hess, i);
        if (!(h > 0) || !isfinite(h) || !((float)h > 0) || !isfinite((float)h))
            return sc_error(SCORE_EFORMAT,
                            MSG "tree %zu node %lld: sum_hessian %g is not a positive finite "
                                "float (TreeSHAP weighs paths by it)",
                            t, i, h);
        cover[q] = (float)h;
        if (l == -1) {
            if (r != -1)
                return sc_error(SCORE_EFORMAT,
                                MSG "tree %zu node %lld: no left child but right child %lld", t, i,
                                r);
            if ((rc = float_at(tj->cond, i, t, "leaf value", &node->value)))
                return rc;
            node->word = (uint32_t)(2 * n_features);
            node->left = (uint32_t)(base + q);
            continue;
        }
        if (r == -1)
            return sc_error(SCORE_EFORMAT,
                            MSG "tree %zu node %lld: left child %lld but no right child", t, i, l);
        if (l < 0 || l >= n || r < 0 || r >= n)
            return sc_error(SCORE_EFORMAT, MSG "tree %zu node %lld: child %lld is outside 0..%lld",
                            t, i, l < 0 || l >= n ? l : r, n - 1);
        if (l == r || s->seen[l] || s->seen[r])
            return sc_error(SCORE_EFORMAT,
                            MSG "tree %zu node %lld: child %lld is reached twice (a cycle or a "
                                "shared node)",
                            t, i, l == r || s->seen[l] ? l : r);
        if (int_at(tj->parent, l) != i || int_at(tj->parent, r) != i) {
            long long c = int_at(tj->parent, l) != i ? l : r;
            return sc_error(SCORE_EFORMAT,
                            MSG "tree %zu node %lld: its child %lld names %lld as its parent", t,
                            i, c, int_at(tj->parent, c));
        }
        long long f = int_at(tj->feature, i);
        if (f < 0 || (unsigned long long)f >= n_features)
            return sc_error(SCORE_EFORMAT,
                            MSG "tree %zu node %lld: split on feature %lld, but the model has %zu "
                                "features",
                            t, i, f, n_features);
        if ((rc = float_at(tj->cond, i, t, "threshold", &node->value)))
            return rc;
        if (s->depth[q] + 1u > SC_FOREST_MAX_DEPTH)
            return sc_error(SCORE_ELIMIT, MSG "tree %zu is deeper than %u levels", t,
                            SC_FOREST_MAX_DEPTH);
        node->word = (uint32_t)(2 * f + default_left_at(tj->dleft, i));
        node->left = (uint32_t)(base + tail);
        s->order[tail] = (int32_t)l;
        s->order[tail + 1] = (int32_t)r;
        s->seen[l] = (int32_t)tail + 1;
        s->seen[r] = (int32_t)tail + 2;
        s->depth[tail] = s->depth[tail + 1] = (uint8_t)(s->depth[q] + 1);
        if (s->depth[q] + 1u > depth)
            depth = s->depth[q] + 1u;
        tail += 2;
    }
    if ((long long)tail + tj->n_deleted != n)
        return sc_error(SCORE_EFORMAT,
                        MSG "tree %zu: %lld of its %lld nodes are not reached from the root, but "
                            "num_deleted is %lld",
                        t, n - (long long)tail, n, tj->n_deleted);

    /* expected value, bottom up as XGBoost's FillNodeMeanValue (children
     * come after their parent breadth-first) */
    for (size_t q = tail; q-- > 0;) {
        const sc_forest_node *node = &nodes[q];
        if (node->left == base + q) {
            s->mean[q] = node->value;
        } else {
            size_t l = node->left - base;
            s->mean[q] = (s->mean[l] * cover[l] + s->mean[l + 1] * cover[l + 1]) / cover[q];
        }
    }
    *expected = s->mean[0];
    *n_out = tail;
    *depth_out = depth;
    return SCORE_OK;
}

/* ---- the perfect layout -------------------------------------------------- */

/* Lay out the subtree at node g of the breadth-first layout at heap
 * position pos. */
static void fill_perfect(const sc_forest_node *nodes, size_t g, unsigned level, unsigned depth,
                         size_t pos, sc_forest_split *splits, float *leaves)
{
    const sc_forest_node *node = &nodes[g];
    if (level == depth) {
        leaves[pos - sc_forest_perfect_splits(depth)] = node->value;
        return;
    }
    if (node->left == g) {
        /* a dummy split: both sides hold this leaf's value */
        splits[pos].threshold = 0.0f;
        splits[pos].word = 0;
        fill_perfect(nodes, g, level + 1, depth, 2 * pos + 1, splits, leaves);
        fill_perfect(nodes, g, level + 1, depth, 2 * pos + 2, splits, leaves);
        return;
    }
    splits[pos].threshold = node->value;
    splits[pos].word = node->word;
    fill_perfect(nodes, node->left, level + 1, depth, 2 * pos + 1, splits, leaves);
    fill_perfect(nodes, node->left + 1, level + 1, depth, 2 * pos + 2, splits, leaves);
}

static int build_perfect(sc_forest *f)
{
    const size_t per_tree = sc_forest_perfect_splits(f->depth), n_leaves = (size_t)1 << f->depth;
    f->splits = sc_malloc_array(f->n_trees * per_tree + 1, sizeof *f->splits);
    f->leaves = sc_malloc_array(f->n_trees * n_leaves + 1, sizeof *f->leaves);
    if (!f->splits || !f->leaves)
        return sc_error(SCORE_ENOMEM, MSG "out of memory for the perfect layout");
    for (size_t t = 0; t < f->n_trees; t++)
        fill_perfect(f->nodes, f->tree_start[t], 0, f->depth, 0, f->splits + t * per_tree,
                     f->leaves + t * n_leaves);
    return SCORE_OK;
}

/* ---- building ------------------------------------------------------------ */

int sc_forest_from_xgboost(const json_t *model, size_t n_features, sc_forest **out)
{
    if (!model || !out)
        return sc_error(SCORE_EINVAL, "sc_forest_from_xgboost: NULL argument");
    if (n_features == 0)
        return sc_error(SCORE_EINVAL, MSG "a model needs at least one feature");
    if (n_features > SC_FOREST_MAX_FEATURES)
        return sc_error(SCORE_ELIMIT, MSG "%zu features; at most %u are supported", n_features,
                        SC_FOREST_MAX_FEATURES);
    if (!json_is_object(model))
        return sc_error(SCORE_EFORMAT, MSG "expected a JSON object");

    const json_t *learner = NULL, *trees = NULL;
    float base_score = 0.5f;
    int rc = check_version(model);
    if (!rc)
        rc = member(model, "learner", "the top level", JSON_OBJECT, &learner);
    if (!rc)
        rc = check_learner(learner, n_features, &base_score);
    if (!rc)
        rc = find_trees(learner, &trees);
    if (rc)
        return rc;

    /* every tree's arrays first, so that the node arrays are sized once */
    const size_t n_trees = json_array_size(trees);
    size_t total = 0, largest = 1;
    tree_json tj;
    for (size_t t = 0; t < n_trees; t++) {
        if ((rc = read_tree_json(json_array_get(trees, t), t, &tj)))
            return rc;
        total += (size_t)tj.n_nodes;
        if ((size_t)tj.n_nodes > largest)
            largest = (size_t)tj.n_nodes;
        if (total > SC_FOREST_MAX_TOTAL_NODES)
            return sc_error(SCORE_ELIMIT, MSG "more than %u nodes in all; at most %u are supported",
                            SC_FOREST_MAX_TOTAL_NODES, SC_FOREST_MAX_TOTAL_NODES);
    }

    sc_forest *f = sc_calloc(1, sizeof *f);
    if (!f)
        return sc_error(SCORE_ENOMEM, MSG "out of memory");
    scratch s = {0};
    f->n_trees = n_trees;
    f->n_features = n_features;
    f->base_margin = -logf(1.0f / base_score - 1.0f);
    f->nodes = sc_malloc_array(total + 1, sizeof *f->nodes);
    f->cover = sc_malloc_array(total + 1, sizeof *f->cover);
    f->tree_start = sc_malloc_array(n_trees + 1, sizeof *f->tree_start);
    f->expected_value = sc_malloc_array(n_trees + 1, sizeof *f->expected_value);
    f->tree_depth = sc_malloc_array(n_trees + 1, sizeof *f->tree_depth);
    if (!f->nodes || !f->cover || !f->tree_start || !f->expected_value || !f->tree_depth) {
        rc = sc_error(SCORE_ENOMEM, MSG "out of memory for %zu nodes", total);
        goto fail;
    }
    if ((rc = scratch_reserve(&s, largest)))
        goto fail;

    size_t at = 0;
    double bias = f->base_margin;
    for (size_t t = 0; t < n_trees; t++) {
        size_t n_nodes = 0;
        unsigned depth = 0;
        read_tree_json(json_array_get(trees, t), t, &tj); /* checked above */
        f->tree_start[t] = at;
        rc = build_tree(&tj, t, n_features, &s, at, f->nodes + at, f->cover + at, &n_nodes,
                        &depth, &f->expected_value[t]);
        if (rc)
            goto fail;
        at += n_nodes;
        f->tree_depth[t] = (uint8_t)depth;
        bias += f->expected_value[t];
        if (depth > f->max_depth)
            f->max_depth = depth;
    }
    f->tree_start[n_trees] = at;
    f->bias = bias;
    scratch_free(&s);
    s = (scratch){0};

    /* the perfect layout, unless the padding would blow the forest up */
    if (f->max_depth <= SC_FOREST_PERFECT_MAX_DEPTH &&
        n_trees * sc_forest_perfect_splits(f->max_depth) <= SC_FOREST_PERFECT_PADDING * at) {
        f->depth = f->max_depth;
        if ((rc = build_perfect(f)))
            goto fail;
    }
    if ((rc = sc_forest_shap_prepare(f)))
        goto fail;
    *out = f;
    return SCORE_OK;
fail:
    scratch_free(&s);
    sc_forest_free(f);
    return rc;
}

void sc_forest_free(sc_forest *f)
{
    if (!f)
        return;
    sc_free(f->nodes);
    sc_free(f->cover);
    sc_free(f->tree_start);
    sc_free(f->expected_value);
    sc_free(f->tree_depth);
    sc_free(f->splits);
    sc_free(f->leaves);
    sc_forest_shap_free(f);
    sc_free(f);
}
