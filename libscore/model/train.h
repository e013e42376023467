/* Training internals shared by the training entry points. */
#ifndef SCORE_MODEL_TRAIN_H
#define SCORE_MODEL_TRAIN_H

#include "model.h"

typedef struct sc_train_data {
    const float *rows;             /* n_rows x n_features, row-major, NaN missing */
    const float *labels;           /* 0 or 1 */
    size_t n_rows, n_features;
    const char *const *ids;        /* row ids for the split; NULL: by position */
    const char *const *names;      /* n_features */
    const int *directions;         /* monotone constraints; NULL for none */
} sc_train_data;

void sc_xgboost_quiet(void);
int sc_xgboost_check(int rc, const char *what);
int sc_train_options_copy(const score_train_options *given, score_train_options *out,
                          const char *fn);

/* Boost with early stopping on the validation rows (marked in `valid`,
 * which the function fills), and return the best rounds as XGBoost JSON. */
int sc_train_booster(const sc_train_data *d, const score_train_options *o, unsigned char *valid,
                     char **xgboost_json, int *trees);

/* Everything from the data to a finished model: booster, forest,
 * calibration, metrics, population, metadata. `summary` (owned by the
 * caller) is merged into the metadata's "training" object. */
int sc_train_model(const sc_train_data *d, const score_train_options *o, const json_t *summary,
                   score_model **out);

#endif
