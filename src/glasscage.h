/*
** glasscage.h — the library's public interface: one opaque run handle.
**
** Lifecycle (after OpenABM's new_model / one_time_step / destroy_model):
**   gc_config cfg;  gcs_load_file(...)          validated configuration
**   gc_run *run;    gc_run_new(&cfg, threads, &run, err, sizeof err)
**   gc_run_trace(run, trace);                   optional: timelines of chosen agents (gc_trace.h)
**   while (gc_run_step(run) == GC_OK) ...       one simulated day per call
**   gc_run_finish(run);                         group tables
**   gc_run_write_results(run, "out/results.db", &prov, NULL, err, sizeof err)
**   gc_run_free(run);
** The handle owns every buffer of the run.  Results are identical for any
** thread count (see gc_rng.h for why).
*/
#ifndef GLASSCAGE_H
#define GLASSCAGE_H

#include <stddef.h>
#include <stdint.h>
#include "gc_audit.h"
#include "gc_config.h"
#include "gc_population.h"
#include "gc_rules.h"
#include "gc_sensors.h"
#include "gc_trace.h"
#include "gc_world.h"

#define GLASSCAGE_VERSION "0.1.0"

enum {
  GC_OK = 0,
  GC_DONE = 1,          /* gc_run_step: every day has been simulated */
  GC_ERR_NOMEM = -1,
  GC_ERR_IO = -2
};

typedef struct gc_run gc_run;

/* Provenance written into run_info next to the run's own facts. */
typedef struct gc_provenance {
  const char *scenario;         /* file name or "builtin:NAME" */
  uint64_t scenario_hash;
  double wall_seconds;          /* filled by the caller: the library does not time itself */
  double build_seconds;
  const double *twin;           /* the twin run's gc_run_summary, or NULL: no twin */
  const char *twin_desc;        /* how the twin differs: "no-response", "rules=FILE" */
  const char *scenario_text;    /* the exact YAML text loaded (table scenario), or NULL */
  size_t scenario_len;
  const char *sets;             /* the --set KEY=VALUE arguments in order, one per line, or NULL */
} gc_provenance;

/* What a day sink sees once the rules of a day have run and before police
** respond: the day's observations exactly as the rules read them (grouped
** by kind, id_scan first, each kind in the order the observations were
** made), the alerts they produced (sorted by rule, then person), and the
** population, whose lists are still those the rules saw.  Everything is
** borrowed for the duration of the call. */
typedef struct gc_day_view {
  int day;
  const gc_obs *obs;
  size_t nobs;
  const gc_alert *alerts;
  size_t nalerts;
  const gc_population *pop;
} gc_day_view;

/* An optional observer of every day (exports, benchmarks).  It must not
** change the run: the run reads nothing it does. */
typedef struct gc_day_sink {
  void (*before_rules)(void *ctx, int day);                  /* may be NULL */
  int (*after_rules)(void *ctx, const gc_day_view *v);       /* may be NULL; nonzero: GC_ERR_IO */
  void *ctx;
} gc_day_sink;

/* Builds world and population for cfg (copied) using `threads` OpenMP
** threads (0: OpenMP's default).  On success *out owns the run; on failure
** returns GC_ERR_NOMEM with a message in err. */
int gc_run_new(const gc_config *cfg, int threads, gc_run **out, char *err, size_t errlen);

/* Simulates the next day.  Returns GC_OK, GC_DONE when all days are done
** (nothing is simulated), GC_ERR_NOMEM, or GC_ERR_IO when the day sink failed. */
int gc_run_step(gc_run *r);

/* Sets the day sink (copied; NULL removes it).  Call before the first step. */
void gc_run_set_sink(gc_run *r, const gc_day_sink *s);

/* Computes the end-of-run tables; call once after the last step. */
int gc_run_finish(gc_run *r);

/* Traces the agents of t (see gc_trace.h) from the first day on: call after
** gc_run_new and before the first gc_run_step.  t is borrowed and must
** outlive the run's steps; its records are complete after the last step.
** Returns GC_OK, GC_ERR_NOMEM, or GC_ERR_IO (too late, or t is for another
** population size). */
int gc_run_trace(gc_run *r, gc_trace *t);

/* Writes results to `path` through a temporary file renamed at the end, so
** an interrupted write leaves no results file.  ex (may be NULL: none) adds
** the explained sample and its trace (tables explain_sample, trace_agent,
** trace).  Returns GC_OK or GC_ERR_IO (message in err). */
int gc_run_write_results(gc_run *r, const char *path, const gc_provenance *prov, const gc_explained *ex,
                         char *err, size_t errlen);

/* gc_run_write_results in two steps, so that the explained sample's replay
** need not be alive with the run it explains: the first writes everything
** but the explained sample under the file's temporary name (the run may
** then be freed); the second, given the replay (a run of the same scenario,
** so the same people and places), adds the sample and moves the file into
** place (ex NULL: moves it only).  Each returns as gc_run_write_results; a
** failure of the second leaves nothing behind, and between the two
** gc_results_discard(path) removes the temporary file. */
int gc_run_write_results_first(gc_run *r, const char *path, const gc_provenance *prov, char *err, size_t errlen);
int gc_run_write_explained(const gc_run *replay, const char *path, const gc_explained *ex, char *err, size_t errlen);

void gc_run_free(gc_run *r);

/* Takes r back to day 0 as gc_run_new left it, keeping its world and
** population as built (what building them cost is not paid again): the
** agents' state, the audit, sensors, rules, response, patrols, feedback,
** the day buffers, any trace and sink are made anew.  The same days then give
** the same results (the explained sample's replay uses this).  Returns
** GC_OK or GC_ERR_NOMEM (then only gc_run_free may be called). */
int gc_run_rewind(gc_run *r, char *err, size_t errlen);

int gc_run_day(const gc_run *r);                  /* days simulated so far */
int gc_run_threads(const gc_run *r);
const gc_config *gc_run_config(const gc_run *r);
const gc_world *gc_run_world(const gc_run *r);
const gc_population *gc_run_population(const gc_run *r);
const gc_audit *gc_run_audit(const gc_run *r);
gc_inference_load gc_run_inference_load(const gc_run *r);   /* gc_sensors_inference_load */
size_t gc_run_day_buffer_bytes(const gc_run *r);            /* the day's observation and event buffers, allocated */
uint64_t gc_run_observations(const gc_run *r);   /* total so far */
uint64_t gc_run_events(const gc_run *r);

/* The run's headline figures (gc_metric in gc_audit.h) into out[GC_M_N];
** computes the end-of-run tables first.  Returns GC_OK or GC_ERR_NOMEM. */
int gc_run_summary(gc_run *r, double *out);

#endif
