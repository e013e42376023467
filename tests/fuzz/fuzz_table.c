/* libFuzzer target: a bank's CSV table, then training's column planning
 * is not reached (it needs XGBoost); reading, cells and numbers are. */
#include <stdint.h>
#include <string.h>

#include "model/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = sc_malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    sc_table t;
    if (sc_table_parse("fuzz", text, size, &t) != SCORE_OK)
        return 0;
    for (size_t r = 0; r < t.n_rows && r < 256; r++)
        for (size_t c = 0; c < t.n_columns; c++) {
            double v;
            size_t len;
            sc_table_number(&t, r, c, &v);
            sc_table_cell(&t, r, c, &len);
        }
    size_t column;
    sc_table_find(&t, "bad", &column);
    sc_table_free(&t);
    return 0;
}
