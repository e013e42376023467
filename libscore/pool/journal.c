/* The journal's bytes (docs/pools.md, "The journal"): a 16-byte file
 * header, then records, each
 *
 *   u32 crc32   of the bytes from `length` to the end of the payload
 *   u32 length  of the payload, 20..256
 *   u64 sequence: 0 for the configuration, then 1, 2, ... one per event
 *   payload
 *
 * all little-endian. Reading verifies every record; a bad last record
 * with nothing valid after it is a torn tail, anything else bad is
 * corruption. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "pool.h"

static const uint8_t magic[8] = {'S', 'C', 'P', 'O', 'O', 'L', 0x1a, '\n'};
#define JOURNAL_VERSION 1
#define CONFIG_VERSION 1
#define TYPE_CONFIG 0
#define CONFIG_PAYLOAD 112
#define EVENT_FIXED 20
#define PAYLOAD_MIN EVENT_FIXED
#define FLAG_DISHONEST 1u

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void putf(uint8_t *p, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    put64(p, bits);
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static double getf(const uint8_t *p)
{
    uint64_t bits = get64(p);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static uint32_t crc(const uint8_t *p, size_t n)
{
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
}

/* Wrap a payload already at out + SC_RECORD_HEADER into a record. */
static size_t seal(uint8_t *out, uint64_t sequence, size_t length)
{
    put32(out + 4, (uint32_t)length);
    put64(out + 8, sequence);
    put32(out, crc(out + 4, SC_RECORD_HEADER - 4 + length));
    return SC_RECORD_HEADER + length;
}

size_t sc_journal_start(const score_pool_config *c, uint8_t *out)
{
    memcpy(out, magic, sizeof magic);
    put32(out + 8, JOURNAL_VERSION);
    put32(out + 12, crc(out, 12));
    uint8_t *p = out + SC_JOURNAL_HEADER + SC_RECORD_HEADER;
    memset(p, 0, CONFIG_PAYLOAD);
    p[0] = TYPE_CONFIG;
    put32(p + 4, CONFIG_VERSION);
    const double fields[12] = {c->deposit_rate, c->leverage, c->single_member_cap, c->max_pd,
                               c->share_bank, c->share_fund, c->share_guarantor,
                               c->share_reguarantor, c->npl_warning, c->npl_suspend,
                               c->fund_floor, c->correlation};
    for (int i = 0; i < 12; i++)
        putf(p + 8 + 8 * i, fields[i]);
    put64(p + 104, (uint64_t)c->compensation_fund);
    return SC_JOURNAL_HEADER + seal(out + SC_JOURNAL_HEADER, 0, CONFIG_PAYLOAD);
}

size_t sc_journal_event(uint64_t sequence, const sc_pool_event *ev, uint8_t *out)
{
    uint8_t *p = out + SC_RECORD_HEADER;
    size_t uscc_len = strlen(ev->uscc), id_len = strlen(ev->id);
    p[0] = (uint8_t)ev->type;
    p[1] = ev->dishonest ? FLAG_DISHONEST : 0;
    p[2] = (uint8_t)uscc_len;
    p[3] = (uint8_t)id_len;
    put64(p + 4, (uint64_t)ev->amount);
    putf(p + 12, ev->pd);
    memcpy(p + EVENT_FIXED, ev->uscc, uscc_len);
    memcpy(p + EVENT_FIXED + uscc_len, ev->id, id_len);
    return seal(out, sequence, EVENT_FIXED + uscc_len + id_len);
}

/* ---- reading ----------------------------------------------------------------- */

/* Whether a whole, intact record starts at pos; its payload length and
 * sequence when it does, else why not. */
static int record_at(const uint8_t *data, size_t size, size_t pos, uint32_t *length,
                     uint64_t *sequence, const char **why)
{
    if (size - pos < SC_RECORD_HEADER) {
        *why = "an incomplete record header";
        return 0;
    }
    uint32_t len = get32(data + pos + 4);
    if (len < PAYLOAD_MIN || len > SC_RECORD_PAYLOAD_MAX) {
        *why = "a record length out of range";
        return 0;
    }
    if (size - pos - SC_RECORD_HEADER < len) {
        *why = "a record cut short by the end of the file";
        return 0;
    }
    if (crc(data + pos + 4, SC_RECORD_HEADER - 4 + len) != get32(data + pos)) {
        *why = "a record whose checksum does not match";
        return 0;
    }
    *length = len;
    *sequence = get64(data + pos + 8);
    return 1;
}

/* The offset of a valid record after a bad one at `bad`, or 0. Candidates
 * must be plausible (a sequence number that could follow) before their
 * checksum is computed, which keeps the search linear in practice. */
static size_t valid_after(const uint8_t *data, size_t size, size_t bad, uint64_t expect)
{
    uint64_t most = expect + (size - bad) / (SC_RECORD_HEADER + PAYLOAD_MIN) + 1;
    for (size_t q = bad + 1; q + SC_RECORD_HEADER + PAYLOAD_MIN <= size; q++) {
        uint64_t seq = get64(data + q + 8);
        uint32_t len = get32(data + q + 4);
        if (seq < expect || seq > most || len < PAYLOAD_MIN || len > SC_RECORD_PAYLOAD_MAX)
            continue;
        uint32_t l2;
        uint64_t s2;
        const char *why;
        if (record_at(data, size, q, &l2, &s2, &why))
            return q;
    }
    return 0;
}

static int read_config(const uint8_t *p, uint32_t len, const char *name, score_pool_config *c)
{
    if (p[0] != TYPE_CONFIG)
        return sc_error(SCORE_ECORRUPT, "%s: the first record is not the pool's configuration",
                        name);
    if (get32(p + 4) != CONFIG_VERSION)
        return sc_error(SCORE_EVERSION, "%s: configuration record version %u is not known to "
                        "this libscore (written by a newer one?)", name, get32(p + 4));
    if (len != CONFIG_PAYLOAD)
        return sc_error(SCORE_ECORRUPT, "%s: the configuration record has %u bytes, not %d",
                        name, len, CONFIG_PAYLOAD);
    score_pool_config_init(c);
    double *fields[12] = {&c->deposit_rate, &c->leverage, &c->single_member_cap, &c->max_pd,
                          &c->share_bank, &c->share_fund, &c->share_guarantor,
                          &c->share_reguarantor, &c->npl_warning, &c->npl_suspend,
                          &c->fund_floor, &c->correlation};
    for (int i = 0; i < 12; i++)
        *fields[i] = getf(p + 8 + 8 * i);
    c->compensation_fund = (int64_t)get64(p + 104);
    if (sc_pool_config_check(c) != SCORE_OK)
        return sc_error_prefix(SCORE_ECORRUPT, name);
    return SCORE_OK;
}

static int read_event(const uint8_t *p, uint32_t len, sc_pool_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->type = p[0];
    if (!sc_pool_type_name(ev->type))
        return sc_error(SCORE_EVERSION, "event type %d is not known to this libscore (written "
                        "by a newer one?)", ev->type);
    if (p[1] & ~FLAG_DISHONEST)
        return sc_error(SCORE_EVERSION, "event flags 0x%02x are not known to this libscore",
                        p[1]);
    size_t uscc_len = p[2], id_len = p[3];
    if ((uscc_len != 0 && uscc_len != 18) || id_len > SC_POOL_ID_MAX ||
        len != EVENT_FIXED + uscc_len + id_len)
        return sc_error(SCORE_ECORRUPT, "malformed event record");
    ev->dishonest = p[1] & FLAG_DISHONEST;
    ev->amount = (int64_t)get64(p + 4);
    ev->pd = getf(p + 12);
    memcpy(ev->uscc, p + EVENT_FIXED, uscc_len);
    memcpy(ev->id, p + EVENT_FIXED + uscc_len, id_len);
    if (ev->amount < 0 || (uscc_len && !score_uscc_valid(ev->uscc)) ||
        (id_len && !sc_pool_id_valid(ev->id, id_len)) ||
        (ev->type != SCORE_POOL_JOIN && (ev->pd != 0 || ev->dishonest)))
        return sc_error(SCORE_ECORRUPT, "malformed event record");
    return SCORE_OK;
}

static int replay_event(sc_ledger *l, const uint8_t *p, uint32_t len)
{
    sc_pool_event ev;
    int rc = read_event(p, len, &ev);
    if (rc != SCORE_OK)
        return rc;
    sc_change ch;
    rc = sc_ledger_prepare(l, &ev, &ch);
    if (rc == SCORE_ENOMEM)
        return rc;
    if (rc != SCORE_OK)
        return sc_error_prefix(SCORE_ECORRUPT, "refused on replay");
    if (ch.duplicate) {
        sc_ledger_abandon(l, &ch);
        return sc_error(SCORE_ECORRUPT, "repeats event_id \"%s\"", ev.id);
    }
    sc_ledger_commit(l, &ch);
    return SCORE_OK;
}

int sc_journal_replay(const uint8_t *data, size_t size, const char *name, sc_ledger **out,
                      sc_journal_scan *scan)
{
    if (size < SC_JOURNAL_HEADER)
        return sc_error(SCORE_ECORRUPT, "%s: %zu bytes, shorter than a journal's header", name,
                        size);
    if (memcmp(data, magic, sizeof magic))
        return sc_error(SCORE_EFORMAT, "%s: not a pool journal (its first bytes are not the "
                        "journal's signature)", name);
    if (crc(data, 12) != get32(data + 12))
        return sc_error(SCORE_ECORRUPT, "%s: the journal's header is damaged", name);
    if (get32(data + 8) != JOURNAL_VERSION)
        return sc_error(SCORE_EVERSION, "%s: journal version %u is not known to this libscore "
                        "(written by a newer one?)", name, get32(data + 8));
    sc_ledger *ledger = NULL;
    size_t pos = SC_JOURNAL_HEADER;
    uint64_t expect = 0;
    const char *why = NULL;
    int rc = SCORE_OK;
    while (pos < size) {
        uint32_t len;
        uint64_t seq;
        if (!record_at(data, size, pos, &len, &seq, &why))
            break;
        if (seq != expect) {
            rc = sc_error(SCORE_ECORRUPT, "%s: the record at offset %zu has sequence number "
                          "%llu where %llu was expected", name, pos, (unsigned long long)seq,
                          (unsigned long long)expect);
            break;
        }
        const uint8_t *payload = data + pos + SC_RECORD_HEADER;
        if (expect == 0) {
            score_pool_config config;
            rc = read_config(payload, len, name, &config);
            if (rc == SCORE_OK)
                rc = sc_ledger_new(&config, &ledger);
        } else {
            rc = replay_event(ledger, payload, len);
            if (rc != SCORE_OK && rc != SCORE_ENOMEM) {
                char where[256];
                snprintf(where, sizeof where, "%s: event %llu at offset %zu", name,
                         (unsigned long long)expect, pos);
                rc = sc_error_prefix(rc, where);
            }
        }
        if (rc != SCORE_OK)
            break;
        pos += SC_RECORD_HEADER + len;
        expect++;
    }
    if (rc == SCORE_OK && pos < size) {
        size_t next = valid_after(data, size, pos, expect);
        if (next)
            rc = sc_error(SCORE_ECORRUPT, "%s: %s at offset %zu is followed by a valid record "
                          "at offset %zu: the journal is corrupt (a torn write can only be "
                          "last)", name, why, pos, next);
        else if (!ledger)
            rc = sc_error(SCORE_ECORRUPT, "%s: the configuration record is damaged (%s at "
                          "offset %zu)", name, why, pos);
        else if (size - pos > SC_RECORD_MAX)
            /* one crash tears at most the record being written; more than
             * a record's worth of damage would drop records that were
             * acknowledged, so it is not cut silently */
            rc = sc_error(SCORE_ECORRUPT, "%s: %zu damaged bytes at the end, from offset %zu "
                          "(%s), more than the %d bytes of the largest record: not a torn "
                          "write but damage to records already written (%llu events before "
                          "it are intact); restore the journal from a copy", name,
                          size - pos, pos, why, SC_RECORD_MAX,
                          (unsigned long long)(expect - 1));
    }
    if (rc == SCORE_OK && !ledger)
        rc = sc_error(SCORE_ECORRUPT, "%s: the journal has no configuration record", name);
    if (rc != SCORE_OK) {
        sc_ledger_free(ledger);
        return rc;
    }
    scan->events = expect - 1;
    scan->good_end = pos;
    scan->torn_bytes = size - pos;
    *out = ledger;
    return SCORE_OK;
}
