/* libFuzzer target: the model bundle's reader on arbitrary JSON text. The
 * checksum line is recomputed for the input, so the fuzzer reaches the JSON
 * and the checks behind it instead of stopping at the CRC. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    score_model *m;
    /* as given */
    if (sc_bundle_parse("fuzz", (const char *)data, size, &m) == SCORE_OK)
        score_model_free(m);
    /* with a valid checksum line appended */
    static char text[1 << 20];
    if (size + 64 > sizeof text)
        return 0;
    memcpy(text, data, size);
    uLong crc = crc32(0L, (const Bytef *)text, (uInt)size);
    int n = snprintf(text + size, 64, ",\n\"checksum\": \"crc32:%08lx\"\n}\n", (unsigned long)crc);
    if (sc_bundle_parse("fuzz", text, size + (size_t)n, &m) == SCORE_OK) {
        float row[256] = {0};
        double margin;
        if (score_model_n_features(m) <= 256) {
            score_model_predict(m, row, 1, &margin, NULL);
            double contributions[257];
            score_model_contributions(m, row, contributions);
        }
        score_model_free(m);
    }
    return 0;
}
