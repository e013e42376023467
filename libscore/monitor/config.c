/*
 * The alert catalogue (codes, default severities, thresholds and their
 * ranges) and the monitor's configuration: defaults, reading it from JSON
 * (every key optional, unknown keys refused, ranges checked) and writing it
 * back. One table serves reading, writing and the documentation's defaults.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"
#include "monitor.h"

#define CONFIG_VERSION 1
#define P(key, fallback, min, max, whole) {key, fallback, min, max, whole}

const sc_alert_info sc_alert_catalogue[SC_N_ALERTS] = {
    [AL_POWER_QOQ_DROP] = {"POWER_QOQ_DROP", SCORE_SEVERITY_WARNING,
                           "power use of the last quarter down on the quarter before",
                           {P("max_change", -0.30, -1, 0, 0)}, 1},
    [AL_POWER_YOY_DROP] = {"POWER_YOY_DROP", SCORE_SEVERITY_WARNING,
                           "power use of the last quarter down on the same quarter a year before",
                           {P("max_change", -0.30, -1, 0, 0)}, 1},
    [AL_SALES_QOQ_DROP] = {"SALES_QOQ_DROP", SCORE_SEVERITY_WARNING,
                           "invoiced sales of the last quarter down on the quarter before",
                           {P("max_change", -0.30, -1, 0, 0)}, 1},
    [AL_SALES_YOY_DROP] = {"SALES_YOY_DROP", SCORE_SEVERITY_WARNING,
                           "invoiced sales of the last quarter down on the same quarter a year before",
                           {P("max_change", -0.30, -1, 0, 0)}, 1},
    [AL_TAX_ARREARS_NEW] = {"TAX_ARREARS_NEW", SCORE_SEVERITY_WARNING,
                            "overdue tax above the amount, where there was none",
                            {P("min_amount", 0, 0, 1e12, 0)}, 1},
    [AL_POWER_ARREARS_NEW] = {"POWER_ARREARS_NEW", SCORE_SEVERITY_WARNING,
                              "overdue electricity bills above the amount, where there were none",
                              {P("min_amount", 0, 0, 1e12, 0)}, 1},
    [AL_SOCIAL_ARREARS_NEW] = {"SOCIAL_ARREARS_NEW", SCORE_SEVERITY_WARNING,
                               "overdue social insurance above the amount, where there was none",
                               {P("min_amount", 0, 0, 1e12, 0)}, 1},
    [AL_HEADCOUNT_DROP] = {"HEADCOUNT_DROP", SCORE_SEVERITY_WARNING,
                           "insured employees down on a quarter before, by share and by number",
                           {P("max_change", -0.20, -1, 0, 0), P("min_loss", 3, 0, 1e6, 1)}, 2},
    [AL_LAWSUIT_NEW] = {"LAWSUIT_NEW", SCORE_SEVERITY_INFO,
                        "new lawsuits as defendant within the window",
                        {P("min_cases", 1, 1, 1e6, 1), P("window_months", 3, 1, 12, 1)}, 2},
    [AL_ENFORCEMENT_NEW] = {"ENFORCEMENT_NEW", SCORE_SEVERITY_CRITICAL,
                            "an amount newly under court enforcement within the window",
                            {P("min_amount", 0, 0, 1e12, 0), P("window_months", 3, 1, 12, 1)}, 2},
    [AL_DISHONEST_LISTED] = {"DISHONEST_LISTED", SCORE_SEVERITY_CRITICAL,
                             "put on the list of dishonest judgment debtors", {{0}}, 0},
    [AL_TAX_RATING_C] = {"TAX_RATING_C", SCORE_SEVERITY_WARNING,
                         "tax credit rating fell to C", {{0}}, 0},
    [AL_TAX_RATING_D] = {"TAX_RATING_D", SCORE_SEVERITY_CRITICAL,
                         "tax credit rating fell to D", {{0}}, 0},
    [AL_BUYER_CONCENTRATION] = {"BUYER_CONCENTRATION", SCORE_SEVERITY_INFO,
                                "the largest buyer's share of orders jumped",
                                {P("min_jump", 0.20, 0, 1, 0), P("min_share", 0.50, 0, 1, 0)}, 2},
    [AL_INFLATED_INVOICES] = {"INFLATED_INVOICES", SCORE_SEVERITY_CRITICAL,
                              "sales up on a year before while power use and headcount fell",
                              {P("min_sales_growth", 0.20, 0, 10, 0),
                               P("max_power_change", -0.10, -1, 0, 0),
                               P("max_headcount_change", -0.10, -1, 0, 0)}, 3},
    [AL_GRADE_FALL] = {"GRADE_FALL", SCORE_SEVERITY_WARNING,
                       "the model's grade fell by at least this many notches",
                       {P("min_notches", 2, 1, SC_MAX_GRADES - 1, 1)}, 1},
};

static const char *const severity_names[] = {NULL, "info", "warning", "critical"};

const char *sc_severity_name(int severity)
{
    return severity >= SCORE_SEVERITY_INFO && severity <= SCORE_SEVERITY_CRITICAL
               ? severity_names[severity]
               : NULL;
}

const char *score_alert_severity_name(int severity)
{
    return sc_severity_name(severity);
}

void sc_monitor_config_defaults(score_monitor_config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t a = 0; a < SC_N_ALERTS; a++) {
        const sc_alert_info *info = &sc_alert_catalogue[a];
        c->rule[a].enabled = 1;
        c->rule[a].severity = info->severity;
        for (size_t p = 0; p < info->n_params; p++)
            c->rule[a].param[p] = info->param[p].fallback;
    }
}

int sc_out_size(size_t size, size_t known, const char *fn, const char *type)
{
    if (size < sizeof(size_t) || size > known)
        return sc_error(SCORE_EINVAL, "%s: out->size %zu is not sizeof(%s) (%zu) or that of an "
                        "earlier version", fn, size, type, known);
    return SCORE_OK;
}

int sc_text_out(sc_str *s, char *buffer, size_t capacity, size_t *length, const char *fn)
{
    if (sc_str_status(s) != SCORE_OK) {
        sc_str_free(s);
        return sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    }
    if (capacity > s->len)
        memcpy(buffer, s->data ? s->data : "", s->len + 1);
    *length = s->len;
    sc_str_free(s);
    return SCORE_OK;
}

size_t score_alert_n_codes(void)
{
    return SC_N_ALERTS;
}

int score_alert_code_info(size_t index, const char **code, int *severity, const char **description)
{
    if (index >= SC_N_ALERTS)
        return sc_error(SCORE_EINVAL, "score_alert_code_info: index %zu is not below %d", index,
                        SC_N_ALERTS);
    if (code)
        *code = sc_alert_catalogue[index].code;
    if (severity)
        *severity = sc_alert_catalogue[index].severity;
    if (description)
        *description = sc_alert_catalogue[index].description;
    return SCORE_OK;
}

int score_monitor_config_new(score_monitor_config **out)
{
    if (!out)
        return sc_error(SCORE_EINVAL, "score_monitor_config_new: out is NULL");
    score_monitor_config *c = sc_malloc(sizeof *c);
    if (!c)
        return sc_error(SCORE_ENOMEM, "score_monitor_config_new: out of memory");
    sc_monitor_config_defaults(c);
    *out = c;
    return SCORE_OK;
}

void score_monitor_config_free(score_monitor_config *config)
{
    sc_free(config);
}

/* ---- reading ---------------------------------------------------------------- */

static int read_severity(const json_t *rule, const char *where, int *out)
{
    const char *name = NULL;
    int rc = sc_json_string(rule, "severity", where, &name);
    if (rc != SCORE_OK || !name)
        return rc;
    for (int s = SCORE_SEVERITY_INFO; s <= SCORE_SEVERITY_CRITICAL; s++)
        if (!strcmp(name, severity_names[s])) {
            *out = s;
            return SCORE_OK;
        }
    return sc_error(SCORE_EFORMAT, "%s.severity: \"%s\" is not info, warning or critical", where,
                    name);
}

static int read_rule(const json_t *rule, const char *where, const sc_alert_info *info,
                     sc_alert_rule *out)
{
    const char *allowed[SC_ALERT_MAX_PARAMS + 3] = {"enabled", "severity"};
    for (size_t p = 0; p < info->n_params; p++)
        allowed[2 + p] = info->param[p].key;
    if (!json_is_object(rule))
        return sc_error(SCORE_EFORMAT, "%s: expected an object", where);
    int rc = sc_json_check_keys(rule, where, allowed);
    const json_t *enabled = json_object_get(rule, "enabled");
    if (rc == SCORE_OK && enabled) {
        if (!json_is_boolean(enabled))
            return sc_error(SCORE_EFORMAT, "%s.enabled: expected true or false", where);
        out->enabled = json_is_true(enabled);
    }
    if (rc == SCORE_OK)
        rc = read_severity(rule, where, &out->severity);
    for (size_t p = 0; p < info->n_params && rc == SCORE_OK; p++) {
        const sc_alert_param *param = &info->param[p];
        rc = sc_json_number(rule, param->key, where, param->min, param->max, &out->param[p]);
        if (out->param[p] == 0)
            out->param[p] = 0; /* -0 is 0: written as 0, read back as 0 */
        if (rc == SCORE_OK && param->whole && out->param[p] != floor(out->param[p]))
            rc = sc_error(SCORE_EFORMAT, "%s.%s: expected a whole number, got %.17g", where,
                          param->key, out->param[p]);
    }
    return rc;
}

static int read_config(const json_t *root, const char *name, score_monitor_config *c)
{
    static const char *const top[] = {"version", "alerts", NULL};
    int rc = sc_json_check_keys(root, name, top);
    if (rc != SCORE_OK)
        return rc;
    const json_t *version = json_object_get(root, "version");
    if (version && (!json_is_integer(version) || json_integer_value(version) != CONFIG_VERSION))
        return sc_error(SCORE_EVERSION, "%s.version: this library reads version %d", name,
                        CONFIG_VERSION);
    const json_t *alerts = NULL;
    if ((rc = sc_json_object(root, "alerts", name, &alerts)) != SCORE_OK || !alerts)
        return rc;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)alerts, key, value) {
        size_t a = 0;
        while (a < SC_N_ALERTS && strcmp(sc_alert_catalogue[a].code, key) != 0)
            a++;
        if (a == SC_N_ALERTS)
            return sc_error(SCORE_EFORMAT, "%s.alerts: unknown alert code \"%s\" "
                            "(score monitor --show-config lists them)", name, key);
        sc_str where;
        sc_str_init(&where);
        sc_str_printf(&where, "%s.alerts.%s", name, key);
        if (sc_str_status(&where) != SCORE_OK)
            return sc_error(SCORE_ENOMEM, "%s: out of memory", name);
        rc = read_rule(value, where.data, &sc_alert_catalogue[a], &c->rule[a]);
        sc_str_free(&where);
        if (rc != SCORE_OK)
            return rc;
    }
    return SCORE_OK;
}

static int config_from_json(json_t *root, const char *name, score_monitor_config **out)
{
    score_monitor_config *c = sc_malloc(sizeof *c);
    if (!c) {
        json_decref(root);
        return sc_error(SCORE_ENOMEM, "%s: out of memory", name);
    }
    sc_monitor_config_defaults(c);
    int rc = read_config(root, name, c);
    json_decref(root);
    if (rc != SCORE_OK) {
        sc_free(c);
        return rc;
    }
    *out = c;
    return SCORE_OK;
}

int score_monitor_config_load(const char *path, score_monitor_config **out)
{
    if (!path || !out)
        return sc_error(SCORE_EINVAL, "score_monitor_config_load: NULL argument");
    json_t *root;
    int rc = sc_json_load_file(path, &root);
    return rc != SCORE_OK ? rc : config_from_json(root, path, out);
}

int score_monitor_config_parse(const char *text, size_t length, const char *name,
                               score_monitor_config **out)
{
    if (!text || !out)
        return sc_error(SCORE_EINVAL, "score_monitor_config_parse: NULL argument");
    name = name ? name : "config";
    json_t *root;
    int rc = sc_json_parse(text, length, name, &root);
    return rc != SCORE_OK ? rc : config_from_json(root, name, out);
}

/* ---- writing ------------------------------------------------------------------ */

int score_monitor_config_json(const score_monitor_config *config, char *buffer, size_t capacity,
                              size_t *length)
{
    if (!length || (!buffer && capacity))
        return sc_error(SCORE_EINVAL, "score_monitor_config_json: %s",
                        !length ? "length is NULL" : "buffer is NULL with a capacity");
    score_monitor_config defaults;
    if (!config) {
        sc_monitor_config_defaults(&defaults);
        config = &defaults;
    }
    sc_str s;
    sc_str_init(&s);
    sc_str_printf(&s, "{\n  \"version\": %d,\n  \"alerts\": {", CONFIG_VERSION);
    for (size_t a = 0; a < SC_N_ALERTS; a++) {
        const sc_alert_info *info = &sc_alert_catalogue[a];
        const sc_alert_rule *r = &config->rule[a];
        sc_str_printf(&s, "%s\n    \"%s\": {\"enabled\": %s, \"severity\": \"%s\"", a ? "," : "",
                      info->code, r->enabled ? "true" : "false", severity_names[r->severity]);
        for (size_t p = 0; p < info->n_params; p++) {
            sc_str_printf(&s, ", \"%s\": ", info->param[p].key);
            sc_str_number(&s, r->param[p]);
        }
        sc_str_puts(&s, "}");
    }
    sc_str_puts(&s, "\n  }\n}\n");
    return sc_text_out(&s, buffer, capacity, length, "score_monitor_config_json");
}
