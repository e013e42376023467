/*
 * signals: the enterprise signal standard v1 (docs/signals.md) read into a
 * panel. Stands on core. Later modules (features, monitor) read panels
 * through the functions and the record layout declared here.
 */
#ifndef SCORE_SIGNALS_H
#define SCORE_SIGNALS_H

#include <stdint.h>

#include "../core/core.h"

enum sc_source {
    SRC_PROFILE, SRC_TAX, SRC_POWER, SRC_WATER, SRC_SOCIAL,
    SRC_IP, SRC_ORDERS, SRC_COURT, SRC_EQUITY,
    SC_N_SOURCES
};

/* The order of this list is the order of score_signal_field(); never
 * reorder it, only append. */
enum sc_field {
    F_INDUSTRY, F_ESTABLISHED, F_REGISTERED_CAPITAL, F_REGION,
    F_HITECH, F_SRDI, F_LITTLE_GIANT,
    F_TAX_SALES, F_TAX_PAID, F_TAX_ARREARS, F_TAX_RATING,
    F_POWER_KWH, F_POWER_ARREARS,
    F_WATER_M3,
    F_SOCIAL_INSURED, F_SOCIAL_ARREARS,
    F_IP_INVENTION, F_IP_UTILITY, F_IP_DESIGN, F_IP_SOFTWARE, F_IP_PLEDGED,
    F_ORDERS_AMOUNT, F_ORDERS_CHAIN_MASTER, F_ORDERS_RECEIVABLES, F_ORDERS_TOP_BUYER_SHARE,
    F_COURT_CASES, F_COURT_ENFORCED, F_COURT_DISHONEST,
    F_EQUITY_RAISED, F_EQUITY_GOV_FUND,
    SC_N_FIELDS
};

enum sc_period_kind { PERIOD_NONE, PERIOD_MONTH, PERIOD_YEAR };

enum sc_value_kind {
    VALUE_INDUSTRY,     /* code: section letter + 2..4 digits */
    VALUE_DATE,         /* code: YYYY-MM-DD */
    VALUE_REGION,       /* code: 6 digits */
    VALUE_RATING,       /* code: A B M C D */
    VALUE_SIGNED_MONEY, /* any finite number */
    VALUE_AMOUNT,       /* money, kWh, m3: >= 0 */
    VALUE_COUNT,        /* whole number >= 0 */
    VALUE_SHARE,        /* 0..1 */
    VALUE_FLAG          /* 0 or 1 */
};

typedef struct sc_field_info {
    const char *source_name;
    const char *field_name;
    enum sc_source source;
    enum sc_period_kind period;
    enum sc_value_kind value;
    int sparse;         /* a month without a line means 0 */
} sc_field_info;

extern const sc_field_info sc_fields[SC_N_FIELDS];
extern const char *const sc_source_names[SC_N_SOURCES];

/* The field id of source/field, or -1 (source_known says whether the source
 * alone is one the standard defines). */
int sc_field_lookup(const char *source, size_t source_len,
                    const char *field, size_t field_len);
int sc_source_lookup(const char *source, size_t len);

/* ---- CSV (RFC 4180 without line breaks in quoted fields) ---------------- */

typedef struct sc_text { const char *p; size_t len; } sc_text;

/* Why a line failed: the 1-based column (0: the whole line) and a message. */
typedef struct sc_problem {
    int column;
    sc_str message;
} sc_problem;

/* Split one line (without its line end) into fields: fills up to
 * max_fields and counts them all into *count. Quoted fields are unescaped
 * into `scratch`, which must hold `len` bytes. 0, or -1 with the problem
 * (an unclosed quote, text after a closing quote, a quote in an unquoted
 * field) described. */
int sc_csv_split_any(const char *line, size_t len, sc_text *fields, size_t max_fields,
                     size_t *count, char *scratch, sc_problem *problem);

/* The whole content of a file, plain or gzip (with the same checks as the
 * signals reader), NUL-terminated; the caller frees *data with sc_free. */
int sc_read_whole_file(const char *path, char **data, size_t *len);
/* The same, refusing (SCORE_EFORMAT) a file of more than `max` bytes once
 * decompressed; the limit is checked while reading. */
int sc_read_whole_file_max(const char *path, size_t max, char **data, size_t *len);

/* ---- codes and values ------------------------------------------------ */

/* Tax ratings as stored: A=1, B=2, M=3, C=4, D=5. */
#define SC_RATING_A 1
#define SC_RATING_B 2
#define SC_RATING_M 3
#define SC_RATING_C 4
#define SC_RATING_D 5

/* The section of a stored industry value, 1 (A) .. 20 (T). */
int sc_industry_section(double stored);

/* ---- the panel ------------------------------------------------------- */

/* A stored period: 0 for profile fields, else month - SC_PERIOD_BASE.
 * Annual periods are stored as December of the year. */
#define SC_PERIOD_BASE (SC_MONTH(SC_YEAR_MIN, 1) - 1)
#define SC_PERIOD_OF_MONTH(m) ((uint16_t)((m) - SC_PERIOD_BASE))
#define SC_MONTH_OF_PERIOD(p) ((int)(p) + SC_PERIOD_BASE)

/* One stored observation: 16 bytes, no pointer, no heap block of its own.
 * Once sorted, a panel's observations are ordered by (ent, field, period). */
typedef struct sc_obs {
    uint32_t ent;
    uint16_t period;
    uint8_t field;
    uint8_t reserved;
    double value;       /* NaN: the file said "missing" */
} sc_obs;

#define SC_MAX_OBS ((size_t)0x0FFFFFFE)
#define SC_MAX_ENT ((size_t)0x7FFFFFFE)

/* Sort what was added since the last sort, so that the functions below may
 * be used. Safe to call from several threads at once (it locks). */
int sc_panel_prepare(const score_panel *panel);

/* After sc_panel_prepare: enterprise `ent`'s observations (sorted by field,
 * then period), and its USCC (18 characters, not NUL-terminated). */
const sc_obs *sc_panel_obs(const score_panel *panel, size_t ent, size_t *n);
const char *sc_panel_uscc(const score_panel *panel, size_t ent);
/* After sc_panel_prepare: the latest period of any dated observation of
 * enterprise `ent` (0 when it has none), without a look at its
 * observations (the monitor asks it of every enterprise every month). */
unsigned sc_panel_last_period(const score_panel *panel, size_t ent);

/* The first index in obs[0..n) with (field, period) >= (field, period). */
size_t sc_obs_lower_bound(const sc_obs *obs, size_t n, int field, unsigned period);

#endif
