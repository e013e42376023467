/*
 * pool: mutual-aid risk pools. The ledger (members, loans, deposits, the
 * compensation fund, the loss waterfall and recoveries, all in exact fen),
 * its append-only journal, and the Monte Carlo engine of one horizon's
 * losses with the sizing built on it. Stands on core only.
 *
 * Layering inside the module:
 *   config.c    defaults, presets, checks, the JSON file
 *   events.c    an event's shape: types, ids, a public event copied in
 *   index.c     the arithmetic of the members' deposit pool (units)
 *   ledger.c    the state and the rules of every event (no I/O)
 *   journal.c   the journal's bytes: encoding, verification, replay
 *   pool.c      the public handle: files, lock, mutex, durability
 *   files.c     the events and members CSV files
 *   simulate.c  the Monte Carlo engine and score_pool_simulate
 *   size.c      score_pool_size
 */
#ifndef SCORE_POOL_H
#define SCORE_POOL_H

#include <stdint.h>

#include "../core/core.h"
#include "../core/normal.h"

/* ---- configuration ------------------------------------------------------ */

/* Rates and shares as the ledger uses them: integers in parts per billion,
 * so that every check and split is exact integer arithmetic and a journal
 * replays to the same fen on every machine. */
#define SC_PPB INT64_C(1000000000)

/* The tier after the deposits, in this order (ties in a split go to the
 * earlier party). Index i here is party i + 1 of SCORE_POOL_PARTY_*. */
#define SC_TIER3 4

typedef struct sc_pool_rules {
    int64_t deposit_ppb;     /* deposit_rate */
    int64_t leverage_ppb;    /* leverage */
    int64_t member_cap_ppb;  /* single_member_cap */
    int64_t share_ppb[SC_TIER3];
    int64_t warning_ppb, suspend_ppb, floor_ppb;
    double max_pd;
} sc_pool_rules;

/* Copy a caller's config (size-checked, over the defaults) into *out and
 * check it. SCORE_EINVAL naming the bad member. */
int sc_pool_config_in(const score_pool_config *config, score_pool_config *out);
/* Check every member of a full config; SCORE_EINVAL naming the first bad one. */
int sc_pool_config_check(const score_pool_config *c);
void sc_pool_rules_from(const score_pool_config *c, sc_pool_rules *rules);
/* The asset correlation of a member of PD `pd` under this config: the
 * configured one, or the Basel corporate formula when it is negative. */
double sc_pool_correlation(const score_pool_config *c, double pd);

/* ---- events -------------------------------------------------------------- */

#define SC_POOL_ID_MAX 64
#define SC_POOL_TYPE_MIN SCORE_POOL_INJECT
#define SC_POOL_TYPE_MAX SCORE_POOL_LEAVE

typedef struct sc_pool_event {
    int type;                        /* SCORE_POOL_INJECT .. SCORE_POOL_LEAVE */
    char uscc[19];                   /* "" when none */
    int64_t amount;                  /* fen */
    double pd;                       /* join only, else 0 */
    int dishonest;                   /* join only, else 0 */
    char id[SC_POOL_ID_MAX + 1];     /* "" when none */
} sc_pool_event;

/* "inject", "join", ...; NULL for an unknown type. */
const char *sc_pool_type_name(int type);
/* The type named by text[0..len), or 0. */
int sc_pool_type_lookup(const char *text, size_t len);
/* Copy a public event in, checking its shape (not the ledger's rules):
 * SCORE_EINVAL for a NULL or bad size, SCORE_EREJECTED for content. */
int sc_pool_event_in(const score_pool_event *event, sc_pool_event *out);
/* Whether an event id is 1..64 bytes of printable ASCII without spaces. */
int sc_pool_id_valid(const char *id, size_t len);

/* ---- the ledger: state and rules, without I/O ------------------------------ */

typedef struct sc_ledger sc_ledger;

/* The members' deposits are one pool of money D held in units (U in all):
 * a default, a compensation or a recovery changes D alone, in O(1), and a
 * member's deposit, units * D / U, is worked out when it is read or leaves
 * (index.c, docs/pools.md "Deposits as a pool"). */
__extension__ typedef unsigned __int128 sc_u128;
/* floor(a * b / c) exactly (192-bit product), the remainder into *rem when
 * not NULL; 0 < c < 2^127 and the quotient fits in 128 bits. */
sc_u128 sc_muldiv(sc_u128 a, uint64_t b, sc_u128 c, sc_u128 *rem);

/* The worked-out effect of one event, made by sc_ledger_prepare() (which
 * does every check and every allocation) and applied by sc_ledger_commit()
 * (which cannot fail) or dropped by sc_ledger_abandon(). */
typedef struct sc_change {
    sc_pool_event event;
    int duplicate;                   /* event_id applied before: nothing to do */
    uint64_t sequence;               /* this event's number (or the earlier one's) */
    uint32_t member;                 /* the member concerned (join: its new slot) */
    int new_member;                  /* join of a USCC never seen before */
    int64_t own;                     /* default: borne by its own deposit; recover: back to it */
    int64_t others;                  /* the same for the other members' deposits, in total */
    int64_t taken;                   /* default: the defaulter's deposit taken out of the pool */
    sc_u128 units;                   /* join, deposit, recover: units minted for the member */
    int new_epoch;                   /* the pool was empty of money: old units are void */
    int64_t party[SC_TIER3];         /* bank, fund, guarantor, reguarantor */
    int64_t refund;                  /* leave */
    void *member_key;                /* tree nodes made in prepare */
    void *id_key;
} sc_change;

int sc_ledger_new(const score_pool_config *config, sc_ledger **out);
void sc_ledger_free(sc_ledger *ledger);
const score_pool_config *sc_ledger_config(const sc_ledger *ledger);

/* Check `event` against the state and work out its effect into *change.
 * SCORE_EREJECTED with the reason when the rules refuse it, SCORE_ELIMIT
 * when a total would leave the library's range, SCORE_ENOMEM. On failure
 * nothing is changed and *change holds nothing to free. */
int sc_ledger_prepare(sc_ledger *ledger, const sc_pool_event *event, sc_change *change);
void sc_ledger_commit(sc_ledger *ledger, sc_change *change);
void sc_ledger_abandon(sc_ledger *ledger, sc_change *change);

/* The full state (size already set by the caller of the public function). */
void sc_ledger_state(const sc_ledger *ledger, score_pool_state *state);
uint64_t sc_ledger_events(const sc_ledger *ledger);
size_t sc_ledger_n_members(const sc_ledger *ledger);
int sc_ledger_member_at(const sc_ledger *ledger, size_t index, score_pool_member_info *info);
int sc_ledger_member_find(const sc_ledger *ledger, const char *uscc, size_t *index);

/* Recompute every total from the members and defaults and check the money
 * identity; SCORE_ECORRUPT with what disagrees. O(members + defaults). */
int sc_ledger_audit(const sc_ledger *ledger);

/* ---- public structs ------------------------------------------------------------ */

/* Whether a caller's struct (first member size_t size) has a size this
 * library can fill: at least the size member, at most `full`. SCORE_EINVAL
 * naming `what` otherwise. */
int sc_pool_size_ok(const void *caller, size_t full, const char *what);
/* Copy a filled struct to the caller's, at most the caller's size bytes,
 * keeping the caller's size. */
void sc_pool_copy_out(void *caller, const void *filled);

/* ---- the journal's bytes ------------------------------------------------------ */

#define SC_JOURNAL_HEADER 16
#define SC_RECORD_HEADER 16
#define SC_RECORD_PAYLOAD_MAX 256
#define SC_RECORD_MAX (SC_RECORD_HEADER + SC_RECORD_PAYLOAD_MAX)

/* The file header followed by the configuration record (sequence 0);
 * returns the number of bytes written to out (at most SC_JOURNAL_HEADER +
 * SC_RECORD_MAX). */
size_t sc_journal_start(const score_pool_config *config, uint8_t *out);
/* One event record; returns its size. */
size_t sc_journal_event(uint64_t sequence, const sc_pool_event *event, uint8_t *out);

typedef struct sc_journal_scan {
    uint64_t events;        /* event records replayed */
    size_t good_end;        /* offset just after the last whole record */
    size_t torn_bytes;      /* bytes after it: a torn tail (0 when none) */
} sc_journal_scan;

/* Verify a whole journal held in memory and replay it into a new ledger.
 * A torn tail (an invalid last record with nothing valid after it) is left
 * out and reported in scan->torn_bytes. Fails with SCORE_ECORRUPT (a bad
 * record followed by a valid one, a damaged header or configuration, a
 * record out of sequence, an event the rules refuse on replay),
 * SCORE_EFORMAT (not a pool journal), SCORE_EVERSION (a newer journal),
 * SCORE_ENOMEM. `name` is used in messages. */
int sc_journal_replay(const uint8_t *data, size_t size, const char *name, sc_ledger **ledger,
                      sc_journal_scan *scan);

/* ---- the Monte Carlo engine (simulate.c), used by size.c ------------------------- */

typedef struct sc_sim sc_sim;

/* Build the model of n members and draw every scenario (options->scenarios,
 * from options->seed). With `record`, each scenario's defaulters are kept
 * so that sc_sim_evaluate can rerun the waterfall at other deposit rates
 * and funds without drawing again. */
int sc_sim_run(const score_pool_config *config, size_t n, const double *pd, const int64_t *ead,
               const double *lgd, const score_pool_sim_options *options, int record,
               sc_sim **out, score_pool_sim_result *result);
void sc_sim_free(sc_sim *sim);
/* The bank's probability of any loss at this deposit rate and fund, from
 * the recorded scenarios. SCORE_ENOMEM. */
int sc_sim_bank_p_loss(const sc_sim *sim, double deposit_rate, double fund, double *p);
/* The largest fund call of any recorded scenario at this deposit rate
 * (fen): a fund this large is never exhausted. SCORE_ENOMEM. */
int sc_sim_max_fund_call(const sc_sim *sim, double deposit_rate, double *max);
/* The whole result at this deposit rate and fund, from the recorded
 * scenarios: exactly what score_pool_simulate gives for that config. */
int sc_sim_result_at(sc_sim *sim, double deposit_rate, double fund, score_pool_sim_result *out);

#endif
