/* The panel's storage, as the reader fills it. */
#ifndef SCORE_SIGNALS_PANEL_H
#define SCORE_SIGNALS_PANEL_H

#include "signals.h"

/* Where a read started, so that a failed read can be undone exactly. */
typedef struct sc_savepoint {
    size_t n_obs;
    size_t n_ent;
    unsigned min_period, max_period;
    int sorted;
} sc_savepoint;

/* Start recording changes; every sc_panel_put until commit or rollback can
 * be undone. Needs the panel to itself. */
int sc_panel_begin(score_panel *panel, sc_savepoint *save);
void sc_panel_commit(score_panel *panel, sc_savepoint *save);
void sc_panel_rollback(score_panel *panel, const sc_savepoint *save);

/* Store one validated observation. *replaced says whether it replaced an
 * earlier one with the same key. SCORE_OK, SCORE_ENOMEM or SCORE_ELIMIT,
 * and on failure the panel is unchanged. */
int sc_panel_put(score_panel *panel, const char *uscc, int field, uint16_t period,
                 double value, int *replaced);

/* The reader's path: intern each line's enterprise as it is read (it may
 * add one), collect observations in batches, reserve room for a batch,
 * then store it, which cannot fail. */
#define SC_BATCH 64

typedef struct sc_pending {
    uint32_t ent;
    uint16_t period;
    uint8_t field;
    uint8_t replaced;   /* set by sc_panel_store */
    double value;
    uint64_t line;      /* for the reader's messages */
} sc_pending;

int sc_panel_intern(score_panel *panel, const char *uscc, uint32_t *ent);
int sc_panel_reserve(score_panel *panel, size_t more);
void sc_panel_store(score_panel *panel, sc_pending *batch, size_t n);

/* Make room, if memory allows, for about this many more observations (a
 * hint from the input's size), so that tables do not grow and rehash. */
void sc_panel_expect(score_panel *panel, size_t observations);

#endif
