/*
** gc_results.h — the audit as an SQLite database (results.db).
**
** Design.  Researchers query results with SQL, pandas or R, so the schema
** is flat, names rules, lists, traits and values by name, and documents
** itself (docs/results-schema.md).  Derived figures (precision, recall,
** rate ratios) are views over the stored counts, never stored twice.
** The database is written to PATH.tmp-PID inside the destination folder
** in one transaction and renamed onto PATH at the end, so a failed run
** never leaves a half-written results.db.
*/
#ifndef GC_RESULTS_H
#define GC_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include "gc_audit.h"
#include "gc_config.h"
#include "gc_population.h"
#include "gc_trace.h"
#include "gc_world.h"

struct gc_provenance;

typedef struct gc_results_info {
  const struct gc_provenance *prov;
  int threads;
  int days_run;
  uint64_t events, observations;
  double bytes_per_agent;
  const double *twin;           /* the twin's gc_audit_summary (GC_M_N values), or NULL */
  const char *twin_desc;        /* "no-response" or "rules=FILE" */
  const gc_explained *explained; /* the explained sample and its trace, or NULL */
  int explained_later;          /* leave the file under its temporary name for gc_results_add_explained */
} gc_results_info;

/* Writes the database.  Returns 0, or -1 with a message in err. */
int gc_results_write(const char *path, const gc_config *cfg, const gc_world *w, const gc_population *pop,
                     const gc_audit *a, const gc_results_info *info, char *err, size_t errlen);

/* Completes a database written with explained_later: adds the explained
** sample and its trace (ex; NULL: none) to the temporary file and moves it
** into place.  cfg, w and pop may be those of the replay that traced the
** sample, which are identical to the run's.  On failure (-1, message in
** err) the temporary file is removed. */
int gc_results_add_explained(const char *path, const gc_config *cfg, const gc_world *w, const gc_population *pop,
                             const gc_explained *ex, char *err, size_t errlen);

/* Removes the temporary file gc_results_write left for path (explained_later). */
void gc_results_discard(const char *path);

/* Writes into buf the temporary file name gc_results_write uses for path
** (so that a signal handler can remove it).  Returns 0, or -1 if too long. */
int gc_results_temp_path(const char *path, char *buf, size_t len);

/* Keys of run_info that vary between identical runs (timings, threads). */
int gc_results_volatile_key(const char *key);

#endif
