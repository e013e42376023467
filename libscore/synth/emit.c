/* One firm's rows as signal standard v1 text, in the natural export order:
 * profile, then each source and field in the standard's order, by period. */
#include <string.h>

#include "synth.h"

const syn_field_info syn_field_infos[SYN_N_FIELDS] = {
    [SF_TAX_SALES] = {"tax,sales,", FMT_MONEY, SS_TAX},
    [SF_TAX_PAID] = {"tax,paid,", FMT_MONEY, SS_TAX},
    [SF_TAX_ARREARS] = {"tax,arrears,", FMT_MONEY, SS_TAX},
    [SF_POWER_KWH] = {"power,kwh,", FMT_INT, SS_POWER},
    [SF_POWER_ARREARS] = {"power,arrears,", FMT_MONEY, SS_POWER},
    [SF_WATER_M3] = {"water,m3,", FMT_INT, SS_WATER},
    [SF_SOCIAL_INSURED] = {"social,insured,", FMT_INT, SS_SOCIAL},
    [SF_SOCIAL_ARREARS] = {"social,arrears,", FMT_MONEY, SS_SOCIAL},
    [SF_IP_INVENTION] = {"ip,invention,", FMT_INT, -1},
    [SF_IP_UTILITY] = {"ip,utility,", FMT_INT, -1},
    [SF_IP_DESIGN] = {"ip,design,", FMT_INT, -1},
    [SF_IP_SOFTWARE] = {"ip,software,", FMT_INT, -1},
    [SF_IP_PLEDGED] = {"ip,pledged,", FMT_INT, -1},
    [SF_ORDERS_AMOUNT] = {"orders,amount,", FMT_MONEY, SS_ORDERS},
    [SF_ORDERS_CHAIN] = {"orders,chain_master,", FMT_MONEY, SS_ORDERS},
    [SF_ORDERS_RECEIVABLES] = {"orders,receivables,", FMT_MONEY, SS_ORDERS},
    [SF_ORDERS_TOP_SHARE] = {"orders,top_buyer_share,", FMT_SHARE, SS_ORDERS},
    [SF_COURT_CASES] = {"court,cases,", FMT_INT, -1},
    [SF_COURT_ENFORCED] = {"court,enforced,", FMT_MONEY, -1},
    [SF_COURT_DISHONEST] = {"court,dishonest,", FMT_FLAG, -1},
    [SF_EQUITY_RAISED] = {"equity,raised,", FMT_MONEY, -1},
    [SF_EQUITY_GOV_FUND] = {"equity,gov_fund,", FMT_FLAG, -1},
};

/* The longest row: 18 + 1 + 23 ("orders,top_buyer_share,") + 7 + 1 + a
 * value of at most 22 characters + 1, rounded up. */
#define SYN_MAX_ROW 96
#define SYN_PROFILE_ROWS 7

int syn_work_init(syn_work *k, const syn_world *w)
{
    memset(k, 0, sizeof *k);
    size_t n = (size_t)w->n;
    size_t rows = SYN_PROFILE_ROWS + SYN_MAX_YEARS + (size_t)SYN_N_FIELDS * n;
    size_t doubles = (2 + (size_t)SYN_N_FIELDS) * n;
    size_t bytes = doubles * sizeof(double) + n + SYN_N_FIELDS * n;
    k->text_cap = rows * SYN_MAX_ROW;
    k->block = sc_malloc(bytes);
    k->text = sc_malloc(k->text_cap);
    if (!k->block || !k->text) {
        syn_work_free(k);
        return sc_error(SCORE_ENOMEM, "synth: out of memory");
    }
    k->n = w->n;
    double *d = k->block;
    k->x = d;
    k->fake = d + n;
    for (int f = 0; f < SYN_N_FIELDS; f++)
        k->value[f] = d + (2 + (size_t)f) * n;
    unsigned char *b = (unsigned char *)(d + doubles);
    k->episode = (signed char *)b;
    b += n;
    for (int f = 0; f < SYN_N_FIELDS; f++, b += n)
        k->state[f] = b;
    return SCORE_OK;
}

void syn_work_free(syn_work *k)
{
    sc_free(k->block);
    sc_free(k->text);
    memset(k, 0, sizeof *k);
}

/* ---- numbers, written without printf: exact and fast -------------------- */

static char *put_uint(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* v rounded to 1/scale (scale 100 or 10000), trailing zeros dropped:
 * 1200 -> "1200", 1200.5 -> "1200.5", 0.1234 -> "0.1234". */
static char *put_fixed(char *p, double v, int64_t scale, int decimals)
{
    double r = v * (double)scale;
    int64_t q = (int64_t)(r < 0 ? r - 0.5 : r + 0.5);
    if (q < 0) {
        *p++ = '-';
        q = -q;
    }
    p = put_uint(p, (uint64_t)(q / scale));
    int64_t frac = q % scale;
    if (frac) {
        *p++ = '.';
        for (int i = decimals - 1; i >= 0 && frac; i--) {
            int64_t unit = 1;
            for (int j = 0; j < i; j++)
                unit *= 10;
            *p++ = (char)('0' + frac / unit);
            frac %= unit;
        }
    }
    return p;
}

static char *put_value(char *p, double v, enum syn_format format)
{
    switch (format) {
    case FMT_MONEY:
        return put_fixed(p, v, 100, 2);
    case FMT_SHARE:
        return put_fixed(p, v, 10000, 4);
    case FMT_INT:
    case FMT_FLAG:
    default:
        return put_uint(p, (uint64_t)(v + 0.5));
    }
}

static char *begin_row(char *p, const syn_firm *f, const char *prefix)
{
    memcpy(p, f->uscc, 18);
    p[18] = ',';
    size_t len = strlen(prefix);
    memcpy(p + 19, prefix, len);
    return p + 19 + len;
}

static char *put_text(char *p, const char *text)
{
    size_t len = strlen(text);
    memcpy(p, text, len);
    return p + len;
}

size_t syn_firm_emit(const syn_world *w, const syn_firm *f, syn_work *k, uint64_t *rows)
{
    char *p = k->text;
    uint64_t count = 0;
    const syn_industry *ind = &syn_industries[f->industry];

    /* profile */
    p = put_text(begin_row(p, f, "profile,industry,,"), ind->code);
    *p++ = '\n';
    p = begin_row(p, f, "profile,established,,");
    int year = SC_MONTH_YEAR(f->established), month = SC_MONTH_OF_YEAR(f->established);
    p = put_uint(p, (uint64_t)year);
    *p++ = '-';
    *p++ = (char)('0' + month / 10);
    *p++ = (char)('0' + month % 10);
    *p++ = '-';
    *p++ = (char)('0' + f->established_day / 10);
    *p++ = (char)('0' + f->established_day % 10);
    *p++ = '\n';
    p = put_uint(begin_row(p, f, "profile,registered_capital,,"), (uint64_t)f->registered_capital);
    *p++ = '\n';
    p = put_uint(begin_row(p, f, "profile,region,,"), (uint64_t)f->region);
    *p++ = '\n';
    static const char *const flags[3] = {"profile,hitech,,", "profile,srdi,,",
                                         "profile,little_giant,,"};
    const int values[3] = {f->hitech, f->srdi, f->little_giant};
    for (int j = 0; j < 3; j++) {
        p = begin_row(p, f, flags[j]);
        *p++ = (char)('0' + values[j]);
        *p++ = '\n';
    }
    count += SYN_PROFILE_ROWS;

    /* monthly and annual fields; the dishonest listing may predate the window */
    for (int fld = 0; fld < SYN_N_FIELDS; fld++) {
        const syn_field_info *info = &syn_field_infos[fld];
        int from = fld == SF_COURT_DISHONEST ? 0 : w->first - w->start;
        for (int i = from; i < w->n; i++) {
            unsigned char st = k->state[fld][i];
            if (st == SYN_NONE)
                continue;
            p = begin_row(p, f, info->prefix);
            memcpy(p, w->period[i], 7);
            p += 7;
            *p++ = ',';
            if (st == SYN_VALUE)
                p = put_value(p, k->value[fld][i], info->format);
            *p++ = '\n';
            count++;
        }
        if (fld == SF_TAX_ARREARS) {
            for (int y = 0; y < f->n_years; y++) {
                p = put_uint(begin_row(p, f, "tax,rating,"), (uint64_t)f->rating_year[y]);
                *p++ = ',';
                *p++ = f->rating[y];
                *p++ = '\n';
                count++;
            }
        }
    }
    *rows += count;
    return (size_t)(p - k->text);
}
