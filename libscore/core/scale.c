/* The bounds are those of common ten-grade bank master scales (S&P-like
 * letters, PD bands widening geometrically toward default); docs/model.md
 * and docs/enhancement.md show them. */
#include "scale.h"

const char *const sc_master_grade_names[SC_MASTER_GRADES] = {
    "AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D",
};

const double sc_master_grade_max_pd[SC_MASTER_GRADES] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.10, 0.20, 1.0,
};
