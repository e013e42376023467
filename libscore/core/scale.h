/*
 * The default master scale: ten grades from AAA to D, each with the highest
 * 12-month PD it admits. A model bundle carries its own scale and an
 * enhancement configuration its own bounds; both start from this one, so a
 * bank that changes neither sees the same grade in a score and in a price.
 * Internal: not exported.
 */
#ifndef SCORE_CORE_SCALE_H
#define SCORE_CORE_SCALE_H

#define SC_MASTER_GRADES 10

/* "AAA" .. "D" */
extern const char *const sc_master_grade_names[SC_MASTER_GRADES];

/* The upper PD bound of each grade, inclusive, rising; D's is 1. */
extern const double sc_master_grade_max_pd[SC_MASTER_GRADES];

#endif
