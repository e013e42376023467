#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xgboost/c_api.h>

#include "../core/rng.h"
#include "train.h"

/* ---- XGBoost plumbing ------------------------------------------------- */

static void discard_log(const char *message)
{
    (void)message;
}

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

/* The library never prints: XGBoost's console output is silenced once. */
static void silence_xgboost(void)
{
    XGBRegisterLogCallback(discard_log);
    XGBSetGlobalConfig("{\"verbosity\": 0}");
}

void sc_xgboost_quiet(void)
{
    pthread_once(&quiet_once, silence_xgboost);
}

int sc_xgboost_check(int rc, const char *what)
{
    if (rc == 0)
        return SCORE_OK;
    const char *detail = XGBGetLastError();
    return sc_error(SCORE_EDEPENDENCY, "XGBoost failed to %s: %s", what,
                    detail && *detail ? detail : "no message");
}

/* ---- options ---------------------------------------------------------- */

void score_train_options_init(score_train_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->seed = 1;
    o->threads = 1;
    o->max_rounds = 2000;
    o->early_stopping_rounds = 50;
    o->learning_rate = 0.05;
    o->max_depth = 4;
    o->validation_share = 0.2;
    o->monotone = 1;
}

int sc_train_options_copy(const score_train_options *given, score_train_options *out, const char *fn)
{
    score_train_options_init(out);
    if (!given)
        return SCORE_OK;
    if (given->size < sizeof(size_t) || given->size > sizeof *out)
        return sc_error(SCORE_EINVAL, "%s: options->size is %zu; set it to "
                        "sizeof(score_train_options)", fn, given->size);
    memcpy(out, given, given->size);
    out->size = sizeof *out;
    if (out->threads < 1 || out->threads > 256 || out->max_rounds < 1 || out->max_rounds > 100000 ||
        out->early_stopping_rounds < 1 || !(out->learning_rate > 0 && out->learning_rate <= 1) ||
        out->max_depth < 1 || out->max_depth > 16 ||
        !(out->validation_share >= 0.05 && out->validation_share <= 0.5))
        return sc_error(SCORE_EINVAL, "%s: options out of range: threads 1..256, max_rounds "
                        "1..100000, early_stopping_rounds >= 1, learning_rate in (0, 1], "
                        "max_depth 1..16, validation_share 0.05..0.5", fn);
    return SCORE_OK;
}

/* ---- the split ---------------------------------------------------------- */

static uint64_t text_hash(const char *s)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

typedef struct keyed_row {
    uint64_t key;
    size_t row;
} keyed_row;

static int by_key(const void *a, const void *b)
{
    const keyed_row *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* A stratified split that depends only on the seed and each row's id (or
 * its position), so the same data always splits the same way. */
static int split_rows(const sc_train_data *d, const score_train_options *o, unsigned char *valid)
{
    keyed_row *keyed = sc_malloc_array(d->n_rows, sizeof *keyed);
    if (!keyed)
        return sc_error(SCORE_ENOMEM, "out of memory splitting the training data");
    for (int cls = 0; cls <= 1; cls++) {
        size_t m = 0;
        for (size_t i = 0; i < d->n_rows; i++) {
            if ((d->labels[i] != 0) != cls)
                continue;
            uint64_t id = d->ids ? text_hash(d->ids[i]) : (uint64_t)i;
            keyed[m++] = (keyed_row){sc_rng_hash(id ^ sc_rng_hash(o->seed)), i};
        }
        qsort(keyed, m, sizeof *keyed, by_key);
        size_t take = (size_t)ceil(o->validation_share * (double)m);
        for (size_t k = 0; k < m; k++)
            valid[keyed[k].row] = k < take;
    }
    sc_free(keyed);
    return SCORE_OK;
}

/* ---- boosting ------------------------------------------------------------ */

static int make_dmatrix(const sc_train_data *d, const unsigned char *valid, int want_valid,
                        DMatrixHandle *out, size_t *rows_out)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n_rows; i++)
        n += valid[i] == want_valid;
    float *x = sc_malloc_array(n * d->n_features + 1, sizeof *x);
    float *y = sc_malloc_array(n + 1, sizeof *y);
    int rc = SCORE_OK;
    if (!x || !y) {
        rc = sc_error(SCORE_ENOMEM, "out of memory preparing the training data");
    } else {
        size_t r = 0;
        for (size_t i = 0; i < d->n_rows; i++) {
            if (valid[i] != want_valid)
                continue;
            memcpy(x + r * d->n_features, d->rows + i * d->n_features, d->n_features * sizeof *x);
            y[r++] = d->labels[i];
        }
        rc = sc_xgboost_check(XGDMatrixCreateFromMat(x, (bst_ulong)n, (bst_ulong)d->n_features,
                                                     NAN, out), "create a DMatrix");
        if (rc == SCORE_OK &&
            (rc = sc_xgboost_check(XGDMatrixSetFloatInfo(*out, "label", y, (bst_ulong)n),
                                   "set labels")) != SCORE_OK)
            XGDMatrixFree(*out);
    }
    sc_free(x);
    sc_free(y);
    *rows_out = n;
    return rc;
}

static int set_param(BoosterHandle b, const char *name, const char *value)
{
    return sc_xgboost_check(XGBoosterSetParam(b, name, value), name);
}

static int set_params(BoosterHandle b, const sc_train_data *d, const score_train_options *o)
{
    char text[64];
    int rc = SCORE_OK;
    struct { const char *name, *value; } fixed[] = {
        {"objective", "binary:logistic"}, {"tree_method", "hist"}, {"eval_metric", "auc"},
        {"subsample", "0.8"}, {"colsample_bytree", "0.8"}, {"min_child_weight", "1"},
        {"lambda", "1"}, {"verbosity", "0"}, {"base_score", "0.5"},
    };
    for (size_t i = 0; i < SC_ARRAY_LEN(fixed) && rc == SCORE_OK; i++)
        rc = set_param(b, fixed[i].name, fixed[i].value);
    sc_snprintf(text, sizeof text, "%.17g", o->learning_rate);
    if (rc == SCORE_OK)
        rc = set_param(b, "eta", text);
    sc_snprintf(text, sizeof text, "%d", o->max_depth);
    if (rc == SCORE_OK)
        rc = set_param(b, "max_depth", text);
    sc_snprintf(text, sizeof text, "%llu", (unsigned long long)(o->seed & 0x7FFFFFFF));
    if (rc == SCORE_OK)
        rc = set_param(b, "seed", text);
    sc_snprintf(text, sizeof text, "%d", o->threads);
    if (rc == SCORE_OK)
        rc = set_param(b, "nthread", text);
    if (rc == SCORE_OK && o->monotone && d->directions) {
        sc_str c;
        sc_str_init(&c);
        sc_str_puts(&c, "(");
        for (size_t j = 0; j < d->n_features; j++)
            sc_str_printf(&c, "%s%d", j ? "," : "", d->directions[j]);
        sc_str_puts(&c, ")");
        rc = sc_str_status(&c) != SCORE_OK ? sc_error(SCORE_ENOMEM, "out of memory")
                                           : set_param(b, "monotone_constraints", c.data);
        sc_str_free(&c);
    }
    return rc;
}

/* "[3]\ttrain-auc:0.81\tvalid-auc:0.77" -> the two numbers. */
static void parse_eval(const char *text, double *train_auc, double *valid_auc)
{
    const char *t = strstr(text, "train-auc:"), *v = strstr(text, "valid-auc:");
    *train_auc = t ? sc_strtod(t + 10, NULL) : NAN;
    *valid_auc = v ? sc_strtod(v + 10, NULL) : NAN;
}

static int boost(BoosterHandle b, DMatrixHandle dtrain, DMatrixHandle dvalid,
                 const score_train_options *o, int *best_round, double *best_auc)
{
    DMatrixHandle sets[2] = {dtrain, dvalid};
    const char *names[2] = {"train", "valid"};
    *best_round = 0;
    *best_auc = -1;
    for (int round = 0; round < o->max_rounds; round++) {
        const char *eval;
        int rc = sc_xgboost_check(XGBoosterUpdateOneIter(b, round, dtrain), "boost a round");
        if (rc == SCORE_OK)
            rc = sc_xgboost_check(XGBoosterEvalOneIter(b, round, sets, names, 2, &eval), "evaluate");
        if (rc != SCORE_OK)
            return rc;
        double train_auc, valid_auc;
        parse_eval(eval, &train_auc, &valid_auc);
        if (valid_auc > *best_auc) {
            *best_auc = valid_auc;
            *best_round = round;
        }
        if (o->round_callback && o->round_callback(o->round_user, round + 1, train_auc, valid_auc))
            return sc_error(SCORE_ECANCELED, "training stopped by the round callback at round %d",
                            round + 1);
        if (o->progress && o->progress(o->progress_user, "train", (uint64_t)round + 1,
                                       (uint64_t)o->max_rounds))
            return sc_error(SCORE_ECANCELED, "training stopped by the progress callback");
        if (round - *best_round >= o->early_stopping_rounds)
            break;
    }
    return SCORE_OK;
}

/* The booster's first `trees` rounds as XGBoost's JSON text. */
static int booster_json(BoosterHandle b, int trees, char **out)
{
    BoosterHandle sliced;
    int rc = sc_xgboost_check(XGBoosterSlice(b, 0, trees, 1, &sliced), "slice the best rounds");
    if (rc != SCORE_OK)
        return rc;
    bst_ulong len;
    const char *buf;
    rc = sc_xgboost_check(XGBoosterSaveModelToBuffer(sliced, "{\"format\": \"json\"}", &len, &buf),
                          "save the model");
    if (rc == SCORE_OK) {
        char *copy = sc_malloc((size_t)len + 1);
        if (!copy) {
            rc = sc_error(SCORE_ENOMEM, "out of memory keeping the model");
        } else {
            memcpy(copy, buf, (size_t)len);
            copy[len] = '\0';
            *out = copy;
        }
    }
    XGBoosterFree(sliced);
    return rc;
}

int sc_train_booster(const sc_train_data *d, const score_train_options *o, unsigned char *valid,
                     char **xgboost_json, int *trees)
{
    sc_xgboost_quiet();
    int rc = split_rows(d, o, valid);
    DMatrixHandle dtrain = NULL, dvalid = NULL;
    BoosterHandle booster = NULL;
    size_t n_train = 0, n_valid = 0;
    if (rc == SCORE_OK)
        rc = make_dmatrix(d, valid, 0, &dtrain, &n_train);
    if (rc == SCORE_OK)
        rc = make_dmatrix(d, valid, 1, &dvalid, &n_valid);
    if (rc == SCORE_OK)
        rc = sc_xgboost_check(XGBoosterCreate((DMatrixHandle[]){dtrain, dvalid}, 2, &booster),
                              "create a booster");
    if (rc == SCORE_OK)
        rc = set_params(booster, d, o);
    int best = 0;
    double best_auc;
    if (rc == SCORE_OK)
        rc = boost(booster, dtrain, dvalid, o, &best, &best_auc);
    if (rc == SCORE_OK)
        rc = booster_json(booster, best + 1, xgboost_json);
    if (booster)
        XGBoosterFree(booster);
    if (dtrain)
        XGDMatrixFree(dtrain);
    if (dvalid)
        XGDMatrixFree(dvalid);
    *trees = best + 1;
    return rc;
}
