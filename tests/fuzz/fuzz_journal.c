/* libFuzzer target: the pool journal reader on arbitrary bytes. Whatever
 * it accepts must be a consistent ledger: the money identity holds, the
 * torn tail and the whole records add up to the input, and the accepted
 * prefix re-encodes to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pool/pool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_ledger *ledger = NULL;
    sc_journal_scan scan;
    if (sc_journal_replay(data, size, "fuzz", &ledger, &scan) != SCORE_OK)
        return 0;
    if (scan.good_end + scan.torn_bytes != size || sc_ledger_events(ledger) != scan.events ||
        sc_ledger_audit(ledger) != SCORE_OK)
        __builtin_trap();
    score_pool_state state = {.size = sizeof state};
    sc_ledger_state(ledger, &state);
    for (size_t i = 0; i < sc_ledger_n_members(ledger) && i < 64; i++) {
        score_pool_member_info m = {.size = sizeof m};
        if (sc_ledger_member_at(ledger, i, &m) != SCORE_OK || m.deposit < 0)
            __builtin_trap();
    }
    /* the configuration record, re-encoded, is the one read */
    uint8_t start[SC_JOURNAL_HEADER + SC_RECORD_MAX];
    size_t n = sc_journal_start(sc_ledger_config(ledger), start);
    if (n > scan.good_end || memcmp(start, data, n) != 0)
        __builtin_trap();
    sc_ledger_free(ledger);
    return 0;
}
