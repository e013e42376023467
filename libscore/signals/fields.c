#include <string.h>

#include "signals.h"

#define FIELD(src, fld, sid, per, val, sparse) { src, fld, sid, per, val, sparse }

const sc_field_info sc_fields[SC_N_FIELDS] = {
    FIELD("profile", "industry", SRC_PROFILE, PERIOD_NONE, VALUE_INDUSTRY, 0),
    FIELD("profile", "established", SRC_PROFILE, PERIOD_NONE, VALUE_DATE, 0),
    FIELD("profile", "registered_capital", SRC_PROFILE, PERIOD_NONE, VALUE_AMOUNT, 0),
    FIELD("profile", "region", SRC_PROFILE, PERIOD_NONE, VALUE_REGION, 0),
    FIELD("profile", "hitech", SRC_PROFILE, PERIOD_NONE, VALUE_FLAG, 0),
    FIELD("profile", "srdi", SRC_PROFILE, PERIOD_NONE, VALUE_FLAG, 0),
    FIELD("profile", "little_giant", SRC_PROFILE, PERIOD_NONE, VALUE_FLAG, 0),
    FIELD("tax", "sales", SRC_TAX, PERIOD_MONTH, VALUE_SIGNED_MONEY, 0),
    FIELD("tax", "paid", SRC_TAX, PERIOD_MONTH, VALUE_AMOUNT, 0),
    FIELD("tax", "arrears", SRC_TAX, PERIOD_MONTH, VALUE_AMOUNT, 0),
    FIELD("tax", "rating", SRC_TAX, PERIOD_YEAR, VALUE_RATING, 0),
    FIELD("power", "kwh", SRC_POWER, PERIOD_MONTH, VALUE_AMOUNT, 0),
    FIELD("power", "arrears", SRC_POWER, PERIOD_MONTH, VALUE_AMOUNT, 0),
    FIELD("water", "m3", SRC_WATER, PERIOD_MONTH, VALUE_AMOUNT, 0),
    FIELD("social", "insured", SRC_SOCIAL, PERIOD_MONTH, VALUE_COUNT, 0),
    FIELD("social", "arrears", SRC_SOCIAL, PERIOD_MONTH, VALUE_AMOUNT, 0),
    FIELD("ip", "invention", SRC_IP, PERIOD_MONTH, VALUE_COUNT, 1),
    FIELD("ip", "utility", SRC_IP, PERIOD_MONTH, VALUE_COUNT, 1),
    FIELD("ip", "design", SRC_IP, PERIOD_MONTH, VALUE_COUNT, 1),
    FIELD("ip", "software", SRC_IP, PERIOD_MONTH, VALUE_COUNT, 1),
    FIELD("ip", "pledged", SRC_IP, PERIOD_MONTH, VALUE_COUNT, 1),
    FIELD("orders", "amount", SRC_ORDERS, PERIOD_MONTH, VALUE_AMOUNT, 0),
    FIELD("orders", "chain_master", SRC_ORDERS, PERIOD_MONTH, VALUE_AMOUNT, 0),
    FIELD("orders", "receivables", SRC_ORDERS, PERIOD_MONTH, VALUE_AMOUNT, 0),
    FIELD("orders", "top_buyer_share", SRC_ORDERS, PERIOD_MONTH, VALUE_SHARE, 0),
    FIELD("court", "cases", SRC_COURT, PERIOD_MONTH, VALUE_COUNT, 1),
    FIELD("court", "enforced", SRC_COURT, PERIOD_MONTH, VALUE_AMOUNT, 1),
    FIELD("court", "dishonest", SRC_COURT, PERIOD_MONTH, VALUE_FLAG, 0),
    FIELD("equity", "raised", SRC_EQUITY, PERIOD_MONTH, VALUE_AMOUNT, 1),
    FIELD("equity", "gov_fund", SRC_EQUITY, PERIOD_MONTH, VALUE_FLAG, 1),
};

const char *const sc_source_names[SC_N_SOURCES] = {
    "profile", "tax", "power", "water", "social", "ip", "orders", "court", "equity",
};

static int same(const char *text, size_t len, const char *name)
{
    return strlen(name) == len && memcmp(text, name, len) == 0;
}

int sc_source_lookup(const char *source, size_t len)
{
    for (int s = 0; s < SC_N_SOURCES; s++)
        if (same(source, len, sc_source_names[s]))
            return s;
    return -1;
}

int sc_field_lookup(const char *source, size_t source_len,
                    const char *field, size_t field_len)
{
    int s = sc_source_lookup(source, source_len);
    if (s < 0)
        return -1;
    for (int f = 0; f < SC_N_FIELDS; f++)
        if ((int)sc_fields[f].source == s && same(field, field_len, sc_fields[f].field_name))
            return f;
    return -1;
}

size_t score_signal_n_fields(void)
{
    return SC_N_FIELDS;
}

int score_signal_field(size_t index, const char **source, const char **field)
{
    if (index >= SC_N_FIELDS)
        return sc_error(SCORE_EINVAL, "score_signal_field: index %zu is not below %d",
                        index, SC_N_FIELDS);
    if (source)
        *source = sc_fields[index].source_name;
    if (field)
        *field = sc_fields[index].field_name;
    return SCORE_OK;
}

int sc_industry_section(double stored)
{
    int section = (int)(stored / 100000.0);
    return section >= 1 && section <= 20 ? section : 0;
}

size_t score_signal_n_sources(void)
{
    return SC_N_SOURCES;
}

const char *score_signal_source(size_t index)
{
    return index < SC_N_SOURCES ? sc_source_names[index] : NULL;
}
