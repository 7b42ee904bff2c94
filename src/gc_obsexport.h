/*
** gc_obsexport.h — the day's observations and alerts as CSV files, for
** peers that evaluate the same rules elsewhere (bench/duckdb_peer.mjs).
**
** Design.  An exporter is a day sink (gc_run_set_sink): after a day's rules
** have run, and before police respond, it writes
**   DIR/observations-DDD.csv  every observation of day DDD, with the lists
**                             the observed person was on when the rules ran
**   DIR/alerts-DDD.csv        the alerts of day DDD (rule, person, count)
** and, once when opened, DIR/places.csv (the world's places) and
** DIR/rules.csv (the parameters of every rule, for copresence and frequency
** rules whatever a SQL peer needs to evaluate them).  It only reads the
** run, so results are the same with and without it.  Each file is written
** to a temporary name and renamed when complete.  The layout is in
** docs/results-schema.md ("Exported observations").  The true agent behind
** an observation is not exported: rules never read it.
*/
#ifndef GC_OBSEXPORT_H
#define GC_OBSEXPORT_H

#include <stddef.h>
#include "glasscage.h"

typedef struct gc_obsx gc_obsx;

/* Creates DIR (and missing parents) and writes places.csv and rules.csv for
** run r.  Returns the exporter, which the caller owns (gc_obsx_free) and
** attaches with gc_obsx_attach; NULL on failure with a message in err. */
gc_obsx *gc_obsx_open(const char *dir, const gc_run *r, char *err, size_t errlen);

/* Makes x the day sink of r (replacing any other).  x must outlive r's steps.
** A failed write makes gc_run_step return GC_ERR_IO; gc_obsx_error says why. */
void gc_obsx_attach(gc_obsx *x, gc_run *r);

/* The message of the last failed write ("" if none). */
const char *gc_obsx_error(const gc_obsx *x);

/* Writes the files of one day view (what the sink does). Returns 0 or -1. */
int gc_obsx_write_day(gc_obsx *x, const gc_day_view *v);

void gc_obsx_free(gc_obsx *x);

#endif
