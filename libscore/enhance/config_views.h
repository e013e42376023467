/*
 * The configuration keys of the regulatory and economic views, read and
 * written beside the 1.0 keys of config.c.
 */
#ifndef SCORE_ENHANCE_CONFIG_VIEWS_H
#define SCORE_ENHANCE_CONFIG_VIEWS_H

#include "enhance.h"

/* The top-level keys these add to the configuration. */
#define SC_ENHANCE_VIEW_KEYS                                                                  \
    "approach", "capital_ratio", "double_financing", "standardised", "firb", "retail",       \
        "collateral", "economic", "eligible_guarantors"

/* How config.c writes a number (the same for every key). */
typedef void (*sc_enhance_put_number)(sc_str *s, double v);

void sc_enhance_views_defaults(score_enhance_config *c);
int sc_enhance_views_read(const json_t *root, const char *name, score_enhance_config *c);
void sc_enhance_views_write(sc_str *s, const score_enhance_config *c, sc_enhance_put_number put);

#endif
