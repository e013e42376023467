/* The log's bytes (docs/evidence.md, "The log file"): a 16-byte header,
 * then records, each
 *
 *   u32 crc32   of the bytes from `length` to the end of the payload
 *   u32 length  of the payload, SC_EVID_FIXED..SC_EVID_PAYLOAD_MAX
 *   u64 number  0, 1, 2, ...
 *   payload:    prev[32] kind u8, 0 u8, actor_len u16, time_us i64,
 *               model[32] config[32] input[32] body_len u32, actor, body
 *
 * all little-endian. The CRC only tells a torn or damaged write from a
 * whole one; tampering is caught by the chain (prev) and the tree. */
#include <string.h>
#include <sodium.h>
#include <zlib.h>

#include "evidence.h"

static const uint8_t magic[8] = {'S', 'C', 'E', 'V', 'L', 'O', 'G', 0x1a};
#define LOG_VERSION 1

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

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

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint32_t crc(const uint8_t *p, size_t n)
{
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
}

void sc_evid_file_header(uint8_t out[SC_EVID_FILE_HEADER])
{
    memcpy(out, magic, sizeof magic);
    put32(out + 8, LOG_VERSION);
    put32(out + 12, crc(out, 12));
}

int sc_evid_check_file_header(const uint8_t *data, size_t size, const char *name)
{
    if (size < SC_EVID_FILE_HEADER)
        return sc_error(SCORE_ECORRUPT, "%s: %zu bytes, shorter than an evidence log's header",
                        name, size);
    if (memcmp(data, magic, sizeof magic))
        return sc_error(SCORE_EFORMAT, "%s: not an evidence log (its first bytes are not the "
                        "log's signature)", name);
    if (crc(data, 12) != get32(data + 12))
        return sc_error(SCORE_ECORRUPT, "%s: the log's header is damaged", name);
    if (get32(data + 8) != LOG_VERSION)
        return sc_error(SCORE_EVERSION, "%s: evidence log version %u is not known to this "
                        "libscore (written by a newer one?)", name, get32(data + 8));
    return SCORE_OK;
}

void sc_evid_leaf_hash(uint64_t number, const uint8_t *payload, size_t len,
                       uint8_t out[SC_EVID_HASH])
{
    crypto_hash_sha256_state st;
    uint8_t head[9] = {0};
    put64(head + 1, number);
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, head, sizeof head);
    crypto_hash_sha256_update(&st, payload, len);
    crypto_hash_sha256_final(&st, out);
}

void sc_evid_node_hash(const uint8_t *left, const uint8_t *right, uint8_t out[SC_EVID_HASH])
{
    uint8_t buf[1 + 2 * SC_EVID_HASH];
    buf[0] = 1;
    memcpy(buf + 1, left, SC_EVID_HASH);
    memcpy(buf + 1 + SC_EVID_HASH, right, SC_EVID_HASH);
    crypto_hash_sha256(out, buf, sizeof buf);
}

static int kind_known(int kind)
{
    return kind >= SCORE_EVIDENCE_SCORE && kind <= SCORE_EVIDENCE_DOCUMENT;
}

int sc_evid_encode(sc_str *out, const sc_evid_record *r, uint8_t leaf[SC_EVID_HASH])
{
    if (!kind_known(r->kind))
        return sc_error(SCORE_EINVAL, "evidence record: kind %d is not one of "
                        "SCORE_EVIDENCE_*", r->kind);
    if (r->actor_len > SC_EVID_ACTOR_MAX)
        return sc_error(SCORE_EINVAL, "evidence record: an actor of %zu bytes (at most %d)",
                        r->actor_len, SC_EVID_ACTOR_MAX);
    if (r->body_len > SC_EVID_PAYLOAD_MAX - SC_EVID_FIXED - SC_EVID_ACTOR_MAX)
        return sc_error(SCORE_ELIMIT, "evidence record: a body of %zu bytes (at most %u)",
                        r->body_len, SC_EVID_PAYLOAD_MAX - SC_EVID_FIXED - SC_EVID_ACTOR_MAX);
    size_t len = SC_EVID_FIXED + r->actor_len + r->body_len;
    size_t at = out->len;
    uint8_t fixed[SC_EVID_FRAME + SC_EVID_FIXED] = {0};
    sc_str_append(out, (const char *)fixed, sizeof fixed);
    sc_str_append(out, r->actor, r->actor_len);
    sc_str_append(out, (const char *)r->body, r->body_len);
    if (sc_str_status(out) != SCORE_OK)
        return sc_error(SCORE_ENOMEM, "evidence record: out of memory");
    uint8_t *f = (uint8_t *)out->data + at, *p = f + SC_EVID_FRAME;
    put32(f + 4, (uint32_t)len);
    put64(f + 8, r->number);
    memcpy(p, r->prev, SC_EVID_HASH);
    p[32] = (uint8_t)r->kind;
    put16(p + 34, (uint16_t)r->actor_len);
    put64(p + 36, (uint64_t)r->time_us);
    memcpy(p + 44, r->model, SC_EVID_HASH);
    memcpy(p + 76, r->config, SC_EVID_HASH);
    memcpy(p + 108, r->input, SC_EVID_HASH);
    put32(p + 140, (uint32_t)r->body_len);
    put32(f, crc(f + 4, SC_EVID_FRAME - 4 + len));
    sc_evid_leaf_hash(r->number, p, len, leaf);
    return SCORE_OK;
}

int sc_evid_decode(const uint8_t *p, size_t len, uint64_t number, sc_evid_record *r)
{
    if (len < SC_EVID_FIXED)
        return sc_error(SCORE_ECORRUPT, "a payload of %zu bytes, shorter than a record's",
                        len);
    memset(r, 0, sizeof *r);
    r->number = number;
    r->prev = p;
    r->kind = p[32];
    r->actor_len = (size_t)p[34] | (size_t)p[35] << 8;
    r->time_us = (int64_t)get64(p + 36);
    r->model = p + 44;
    r->config = p + 76;
    r->input = p + 108;
    r->body_len = get32(p + 140);
    r->actor = (const char *)p + SC_EVID_FIXED;
    r->body = p + SC_EVID_FIXED + r->actor_len;
    if (!kind_known(r->kind))
        return sc_error(SCORE_ECORRUPT, "kind %d is not a record kind", r->kind);
    if (p[33] != 0)
        return sc_error(SCORE_ECORRUPT, "a reserved byte is %d, not 0", p[33]);
    if (r->actor_len > SC_EVID_ACTOR_MAX ||
        (uint64_t)SC_EVID_FIXED + r->actor_len + r->body_len != len)
        return sc_error(SCORE_ECORRUPT, "actor (%zu bytes) and body (%zu bytes) do not fill "
                        "the payload of %zu bytes", r->actor_len, r->body_len, len);
    for (size_t i = 0; i < r->actor_len; i++)
        if ((unsigned char)r->actor[i] < 0x20 || r->actor[i] == 0x7f)
            return sc_error(SCORE_ECORRUPT, "the actor holds a control character");
    return SCORE_OK;
}

int sc_evid_frame_at(const uint8_t *data, size_t size, size_t pos, uint32_t *len,
                     uint64_t *number, int *cut, const char **why)
{
    *cut = 0;
    if (size - pos < SC_EVID_FRAME) {
        *cut = 1;
        *why = "an incomplete record header";
        return 0;
    }
    uint32_t l = get32(data + pos + 4);
    if (l < SC_EVID_FIXED || l > SC_EVID_PAYLOAD_MAX) {
        *why = "a record length out of range";
        return 0;
    }
    if (size - pos - SC_EVID_FRAME < l) {
        *cut = 1;
        *why = "a record cut short by the end of the file";
        return 0;
    }
    if (crc(data + pos + 4, SC_EVID_FRAME - 4 + l) != get32(data + pos)) {
        *why = "a checksum that does not match its bytes (the record was altered or damaged)";
        return 0;
    }
    *len = l;
    *number = get64(data + pos + 8);
    return 1;
}

int sc_evid_scan(const uint8_t *data, size_t size, const char *name, sc_evid_visit_fn visit,
                 void *user, sc_evid_scan_result *out)
{
    memset(out, 0, sizeof *out);
    out->bad_record = UINT64_MAX;
    int rc = sc_evid_check_file_header(data, size, name);
    if (rc != SCORE_OK)
        return rc;
    size_t pos = SC_EVID_FILE_HEADER;
    uint64_t expect = 0;
    uint8_t prev[SC_EVID_HASH] = {0};
    while (pos < size) {
        uint32_t len;
        uint64_t number;
        int cut;
        const char *why;
        if (!sc_evid_frame_at(data, size, pos, &len, &number, &cut, &why)) {
            if (!cut) {
                out->bad_record = expect;
                return sc_error(SCORE_ECORRUPT, "%s: record %llu at offset %zu: %s", name,
                                (unsigned long long)expect, pos, why);
            }
            break;
        }
        out->bad_record = expect;
        if (number != expect)
            return sc_error(SCORE_ECORRUPT, "%s: record %llu at offset %zu is numbered %llu: "
                            "records were deleted, inserted or reordered", name,
                            (unsigned long long)expect, pos, (unsigned long long)number);
        const uint8_t *payload = data + pos + SC_EVID_FRAME;
        sc_evid_record r;
        if ((rc = sc_evid_decode(payload, len, number, &r)) != SCORE_OK) {
            char where[300];
            snprintf(where, sizeof where, "%s: record %llu at offset %zu", name,
                     (unsigned long long)expect, pos);
            return sc_error_prefix(rc, where);
        }
        if (memcmp(r.prev, prev, SC_EVID_HASH))
            return sc_error(SCORE_ECORRUPT, "%s: record %llu at offset %zu: the chain is "
                            "broken (it does not carry the hash of record %llu)", name,
                            (unsigned long long)expect, pos,
                            (unsigned long long)(expect ? expect - 1 : 0));
        uint8_t leaf[SC_EVID_HASH];
        sc_evid_leaf_hash(number, payload, len, leaf);
        if (visit && (rc = visit(user, &r, leaf, pos)) != SCORE_OK)
            return rc;
        memcpy(prev, leaf, SC_EVID_HASH);
        pos += SC_EVID_FRAME + len;
        expect++;
    }
    out->bad_record = UINT64_MAX;
    out->records = expect;
    out->good_end = pos;
    out->torn_bytes = size - pos;
    return SCORE_OK;
}
