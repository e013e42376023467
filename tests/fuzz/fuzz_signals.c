/* libFuzzer target: the signals reader on arbitrary bytes, lenient and
 * strict, then every reading function on what it kept. */
#include <stddef.h>
#include <stdint.h>

#include "score.h"

static void read_back(const score_panel *panel)
{
    size_t n = score_panel_n_enterprises(panel);
    for (size_t i = 0; i < n && i < 64; i++) {
        char code[19];
        unsigned sources;
        if (score_panel_enterprise(panel, i, code) != SCORE_OK)
            return;
        score_panel_enterprise_sources(panel, i, &sources);
        int months[16];
        double values[16];
        size_t k;
        score_panel_series(panel, code, "tax", "sales", "2024-06", months, values, 16, &k);
        score_panel_series(panel, code, "profile", "industry", NULL, months, values, 16, &k);
    }
    int first, last;
    score_panel_period_range(panel, &first, &last);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int strict = 0; strict <= 1; strict++) {
        score_panel *panel;
        if (score_panel_new(&panel) != SCORE_OK)
            return 0;
        score_read_options options;
        score_read_options_init(&options);
        options.strict = strict;
        score_read_counts counts = {.size = sizeof counts};
        if (score_panel_read_buffer(panel, "fuzz", data, size, &options, &counts) == SCORE_OK &&
            counts.read != counts.accepted + counts.skipped + counts.rejected)
            __builtin_trap();
        read_back(panel);
        score_panel_free(panel);
    }
    return 0;
}
