/* libFuzzer target: the native forest's reader on arbitrary JSON (an
 * XGBoost model as a bundle would carry it), then, for what it accepts,
 * every kernel on rows of missing, infinite, zero and random values (all
 * kernels must give the same bits) and the contributions of each row. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "model/forest.h"

#define ROWS 5

/* The model's own column count when it names a small one, else 12. */
static size_t columns_of(const json_t *m)
{
    const json_t *v = json_object_get(
        json_object_get(json_object_get(m, "learner"), "learner_model_param"), "num_feature");
    long n = json_is_string(v) ? strtol(json_string_value(v), NULL, 10) : 0;
    return n >= 1 && n <= 2048 ? (size_t)n : 12;
}

static void exercise(const sc_forest *f, size_t nf)
{
    float *rows = malloc(ROWS * nf * sizeof *rows);
    double *contribs = malloc((nf + 1) * sizeof *contribs);
    double margin[SC_FOREST_KERNEL_COUNT][ROWS];
    if (!rows || !contribs)
        goto done;
    static const float values[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 1.0f, -1.5f, 1e30f};
    uint32_t s = 12345;
    for (size_t i = 0; i < ROWS * nf; i++) {
        s = s * 1103515245u + 12345u;
        rows[i] = values[(s >> 16) % SC_ARRAY_LEN(values)];
    }
    for (int k = 0; k < SC_FOREST_KERNEL_COUNT; k++) {
        if (!sc_forest_has_kernel(f, (enum sc_forest_kernel)k))
            continue;
        sc_forest_predict_kernel(f, (enum sc_forest_kernel)k, rows, ROWS, margin[k]);
        for (size_t r = 0; r < ROWS; r++) {
            double a = margin[k][r], b = margin[SC_FOREST_KERNEL_GENERAL][r];
            if (k != SC_FOREST_KERNEL_AUTO && k != SC_FOREST_KERNEL_GENERAL && a != b &&
                !(isnan(a) && isnan(b)))
                __builtin_trap();
        }
    }
    for (size_t r = 0; r < ROWS; r++)
        sc_forest_contributions(f, rows + r * nf, contribs);
done:
    free(rows);
    free(contribs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t e;
    json_t *m = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
    if (!m)
        return 0;
    size_t nf = columns_of(m);
    sc_forest *f;
    if (sc_forest_from_xgboost(m, nf, &f) == SCORE_OK) {
        exercise(f, nf);
        sc_forest_free(f);
    }
    json_decref(m);
    return 0;
}
