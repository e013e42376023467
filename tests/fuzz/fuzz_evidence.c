/* libFuzzer target: the evidence log's reader (framing, numbering, chain,
 * payloads, the score/enhance/document bodies, a record as JSON) and the
 * tree head's JSON reader, on arbitrary bytes. The bytes are read three
 * ways: as a whole log; as the payload of one record sealed with a valid
 * checksum, so the fuzzer reaches the payload checks behind the CRC; and
 * as a head. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <zlib.h>

#include "evidence/evidence.h"

static int visit(void *user, const sc_evid_record *r, const uint8_t *leaf, size_t offset)
{
    (void)user;
    (void)offset;
    json_t *o = sc_evid_record_json(r, leaf);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    free(text);
    json_decref(o);
    if (r->kind == SCORE_EVIDENCE_SCORE || r->kind == SCORE_EVIDENCE_EXPLAIN) {
        sc_evid_score_body b;
        if (sc_evid_score_body_decode(r, &b) == SCORE_OK && b.n_features > 65535)
            abort();
    }
    return SCORE_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_evid_scan_result s;
    if (sc_evid_scan(data, size, "fuzz", visit, NULL, &s) == SCORE_OK &&
        s.good_end + s.torn_bytes != size)
        abort();
    /* one record holding the bytes as its payload, sealed */
    if (size >= SC_EVID_FIXED && size <= 65536) {
        size_t n = SC_EVID_FILE_HEADER + SC_EVID_FRAME + size;
        uint8_t *log = malloc(n);
        sc_evid_file_header(log);
        uint8_t *f = log + SC_EVID_FILE_HEADER;
        memset(f, 0, SC_EVID_FRAME);
        f[4] = (uint8_t)size;
        f[5] = (uint8_t)(size >> 8);
        f[6] = (uint8_t)(size >> 16);
        memcpy(f + SC_EVID_FRAME, data, size);
        memset(f + SC_EVID_FRAME, 0, SC_EVID_HASH);     /* the first record's prev */
        uint32_t c = (uint32_t)crc32(crc32(0L, Z_NULL, 0), f + 4, (uInt)(SC_EVID_FRAME - 4 + size));
        for (int i = 0; i < 4; i++)
            f[i] = (uint8_t)(c >> (8 * i));
        sc_evid_scan(log, n, "fuzz", visit, NULL, &s);
        free(log);
    }
    score_evidence_head h;
    h.size = sizeof h;
    score_evidence_head_parse((const char *)data, size, &h);
    return 0;
}
