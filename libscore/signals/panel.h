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

#endif
