/* libFuzzer target: the monitor's configuration reader on arbitrary bytes.
 * A configuration it accepts must write out to JSON that reads back to the
 * same text, and must evaluate a small portfolio without fault: every
 * alert with its code, severity, texts and a JSON object of evidence. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"

static score_panel *portfolio(void)
{
    static score_panel *panel;
    if (panel)
        return panel;
    static const char *const ids[2] = {"914403001922038216", "913301000000000776"};
    char text[1 << 15];
    size_t len = (size_t)snprintf(text, sizeof text, "uscc,source,field,period,value\n");
    for (int e = 0; e < 2; e++)
        for (int m = 1; m <= 15; m++) {
            int y = m <= 12 ? 2023 : 2024, mm = m <= 12 ? m : m - 12, last = m == 15;
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    "%s,tax,sales,%d-%02d,%d\n%s,power,kwh,%d-%02d,%d\n"
                                    "%s,social,insured,%d-%02d,%d\n%s,tax,arrears,%d-%02d,%d\n"
                                    "%s,orders,top_buyer_share,%d-%02d,%s\n",
                                    ids[e], y, mm, last && e ? 100000 : 900000, ids[e], y, mm,
                                    last ? 30000 : 90000, ids[e], y, mm, last ? 30 : 50, ids[e], y,
                                    mm, last ? 5000 : 0, ids[e], y, mm, last ? "0.9" : "0.3");
            if (last)
                len += (size_t)snprintf(text + len, sizeof text - len,
                                        "%s,court,cases,2024-03,2\n%s,court,dishonest,2024-03,1\n",
                                        ids[e], ids[e]);
        }
    score_read_options strict;
    score_read_options_init(&strict);
    strict.strict = 1;
    if (score_panel_new(&panel) != SCORE_OK ||
        score_panel_read_buffer(panel, "portfolio.csv", text, len, &strict, NULL) != SCORE_OK)
        __builtin_trap();
    return panel;
}

static void round_trip(const score_monitor_config *config)
{
    size_t length, again;
    if (score_monitor_config_json(config, NULL, 0, &length) != SCORE_OK)
        return;
    char *text = malloc(length + 1), *second = NULL;
    score_monitor_config *back = NULL;
    if (text && score_monitor_config_json(config, text, length + 1, &length) == SCORE_OK) {
        if (score_monitor_config_parse(text, length, "written", &back) != SCORE_OK)
            __builtin_trap();
        if (score_monitor_config_json(back, NULL, 0, &again) != SCORE_OK || again != length)
            __builtin_trap();
        second = malloc(again + 1);
        if (second && score_monitor_config_json(back, second, again + 1, &again) == SCORE_OK &&
            memcmp(text, second, length) != 0)
            __builtin_trap();
    }
    free(second);
    free(text);
    score_monitor_config_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    score_monitor_config *config;
    if (score_monitor_config_parse((const char *)data, size, "fuzz", &config) != SCORE_OK)
        return 0;
    round_trip(config);
    score_alerts *alerts;
    if (score_monitor_evaluate(NULL, config, portfolio(), "2024-03", NULL, &alerts) == SCORE_OK) {
        for (size_t i = 0; i < score_alerts_count(alerts); i++) {
            score_alert a = {.size = sizeof a};
            if (score_alerts_get(alerts, i, &a) != SCORE_OK || !a.code || !*a.message_zh ||
                !*a.message_en || a.evidence[0] != '{' || !score_alert_severity_name(a.severity))
                __builtin_trap();
        }
        score_alerts_free(alerts);
    }
    score_monitor_config_free(config);
    return 0;
}
