/*
** glasscage.c — the run handle and the day loop.
**
** One day:  activity and sensors run together over fixed blocks of
** households (GC_BLOCK_HH), in parallel; each block keeps its own
** observation buffer, and the blocks are concatenated in block order.  The
** block partition does not depend on the number of threads, and nothing in
** a block depends on other blocks, which is what makes results identical
** for any thread count.  The blocks are then gathered, in parallel, into
** one day array grouped by kind, each kind in block order (every block's
** place in each kind is a prefix sum of the blocks' counts, so the result
** is the serial one whatever the threads): what reads one kind (rules,
** inference, the audit) reads it contiguous.  The utility readings, most
** of a city's observations and a fixed number per block, skip the blocks:
** the gather writes them straight into their places.  What reads the whole
** day reads it grouped too: police response and patrols take one kind at a time or
** only count, so they see what they saw in block order; the trace and the
** explained timelines, which keep the order observations were made in, read
** the blocks themselves.  Then rules (in parallel over rules), response
** (serial: capacity is one queue), audit.
**
** Transient memory is one day's events (per thread, one block at a time)
** and one day's observations; persistent memory is O(agents).
*/
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "glasscage.h"
#include "gc_activity.h"
#include "gc_feedback.h"
#include "gc_mem.h"
#include "gc_patrol.h"
#include "gc_response.h"
#include "gc_results.h"
#include "gc_rules.h"
#include "gc_sensors.h"
#include "gc_trace.h"

#define GC_BLOCK_HH 512

struct gc_run {
  gc_config cfg;
  int threads;
  int day;
  gc_world world;
  gc_population pop;
  gc_sensors *sensors;
  gc_rules *rules;
  gc_response *response;
  gc_audit audit;
  uint32_t nblocks;
  gc_obs_buf *block_obs;          /* per block */
  gc_event_buf *thread_events;    /* per thread */
  gc_obs *day_obs;                /* the day's observations grouped by kind */
  size_t day_obs_cap, day_obs_n;
  gc_obs_kinds day_kinds;         /* where each kind starts in day_obs */
  size_t *block_at;               /* per block and kind: where its observations go in day_obs */
  uint64_t *meters_at;            /* per block: metered households before it; NULL: no meters */
  gc_alert_buf alerts;
  gc_outcome *outcomes;
  size_t outcomes_cap;
  gc_action_buf acts;             /* the day's police actions */
  gc_patrol *patrol;
  gc_feedback *feedback;
  uint64_t total_obs, total_events;
  int finished;
  gc_trace *trace;                /* borrowed; NULL: no agent is traced */
  gc_trace_buf *block_trace;      /* per block, while tracing */
  size_t *block_meters;           /* per block, while tracing with meters: its observations before
                                     the utility readings (the order they were made in) */
  gc_day_sink sink;               /* optional observer; zero: none */
};

static int start(gc_run *r);

/* The households of block b: [*h0, *h1). */
static void block_households(const gc_run *r, uint32_t b, uint32_t *h0, uint32_t *h1) {
  *h0 = b * GC_BLOCK_HH;
  *h1 = *h0 + GC_BLOCK_HH < r->pop.nhh ? *h0 + GC_BLOCK_HH : r->pop.nhh;
}

static int max_threads(void) {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

static int thread_id(void) {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

int gc_run_new(const gc_config *cfg, int threads, gc_run **out, char *err, size_t errlen) {
  *out = NULL;
  gc_run *r = calloc(1, sizeof *r);
  if (!r) goto oom;
  r->cfg = *cfg;
#ifdef _OPENMP
  if (threads > 0) omp_set_num_threads(threads);
#endif
  r->threads = max_threads();
  if (gc_world_build(&r->world, &r->cfg)) goto oom;
  if (gc_population_build(&r->pop, &r->cfg, &r->world)) goto oom;
  if (gc_activity_prepare(&r->cfg, &r->pop)) goto oom;
  if (start(r)) goto oom;
  *out = r;
  return GC_OK;
oom:
  snprintf(err, errlen, "out of memory while building a population of %lld people",
           (long long)cfg->population.size);
  gc_run_free(r);
  return GC_ERR_NOMEM;
}

/* What a run starts from besides its world and population: the agents'
** initial state (lists, trust, awareness), the audit, sensors, rules,
** response, patrols, feedback and the day buffers.  0, or -1 if out of
** memory (free the run). */
static int start(gc_run *r) {
  gc_response_init_lists(&r->cfg, &r->pop);
  gc_population_init_state(&r->pop, &r->cfg);
  if (gc_audit_init(&r->audit, &r->cfg, r->pop.n)) return -1;
  if (!(r->sensors = gc_sensors_new(&r->cfg, &r->world, &r->pop))) return -1;
  if (!(r->rules = gc_rules_new(&r->cfg, &r->world, &r->pop))) return -1;
  if (!(r->response = gc_response_new(&r->cfg, &r->pop))) return -1;
  if (!(r->patrol = gc_patrol_new(&r->cfg, &r->world))) return -1;
  if (!(r->feedback = gc_feedback_new(&r->cfg, &r->pop))) return -1;
  r->nblocks = (r->pop.nhh + GC_BLOCK_HH - 1) / GC_BLOCK_HH;
  r->block_obs = calloc(r->nblocks + 1, sizeof *r->block_obs);
  r->thread_events = calloc((size_t)r->threads, sizeof *r->thread_events);
  r->block_at = calloc((size_t)r->nblocks + 1, GC_OBS_NKINDS * sizeof *r->block_at);
  if (!r->block_obs || !r->thread_events || !r->block_at) return -1;
  if (r->cfg.sensors.meter_coverage > 0) {      /* the utility readings' places in each day */
    if (!(r->meters_at = malloc(((size_t)r->nblocks + 1) * sizeof *r->meters_at))) return -1;
    r->meters_at[0] = 0;
    for (uint32_t b = 0; b < r->nblocks; b++) {
      uint32_t h0, h1;
      block_households(r, b, &h0, &h1);
      r->meters_at[b + 1] = r->meters_at[b] + gc_sensors_metered_in(r->sensors, &r->cfg, h0, h1);
    }
  }
  return 0;
}

/* Frees what start() made (and the trace's buffers) and zeroes every field
** but the configuration, the threads, the world and the population. */
static void stop(gc_run *r) {
  if (r->block_obs)
    for (uint32_t b = 0; b < r->nblocks; b++) gc_obs_buf_free(&r->block_obs[b]);
  if (r->thread_events)
    for (int t = 0; t < r->threads; t++) gc_event_buf_free(&r->thread_events[t]);
  if (r->block_trace)
    for (uint32_t b = 0; b < r->nblocks; b++) gc_trace_buf_free(&r->block_trace[b]);
  free(r->block_trace);
  free(r->block_meters);
  free(r->block_obs);
  free(r->meters_at);
  free(r->thread_events);
  free(r->day_obs);
  free(r->block_at);
  free(r->outcomes);
  gc_action_buf_free(&r->acts);
  gc_alert_buf_free(&r->alerts);
  gc_rules_free(r->rules);
  gc_sensors_free(r->sensors);
  gc_response_free(r->response);
  gc_patrol_free(r->patrol);
  gc_feedback_free(r->feedback);
  gc_audit_free(&r->audit);
  int threads = r->threads;
  gc_world w = r->world;
  gc_population p = r->pop;
  memset((char *)r + offsetof(gc_run, threads), 0, sizeof *r - offsetof(gc_run, threads));  /* cfg comes first */
  r->threads = threads;
  r->world = w;
  r->pop = p;
}

void gc_run_free(gc_run *r) {
  if (!r) return;
  stop(r);
  gc_population_free(&r->pop);
  gc_world_free(&r->world);
  free(r);
}

int gc_run_rewind(gc_run *r, char *err, size_t errlen) {
  stop(r);
  if (gc_population_reset_state(&r->pop) || start(r)) {
    snprintf(err, errlen, "out of memory while starting again from a population of %u people", r->pop.n);
    return GC_ERR_NOMEM;
  }
  return GC_OK;
}

/* Activity and sensing for one block of households. */
static void simulate_block(gc_run *r, uint32_t b, const gc_activity_ctx *act, const gc_sensor_ctx *sen,
                           gc_event_buf *ev) {
  uint32_t h0, h1;
  block_households(r, b, &h0, &h1);
  gc_obs_buf *ob = &r->block_obs[b];
  ob->n = 0;
  memset(ob->by_kind, 0, sizeof ob->by_kind);
  ob->identity_errors = 0;
  ev->n = 0;
  gc_activity_agents(act, r->pop.hh_start[h0], r->pop.hh_start[h1], ev);
  if (r->trace) {
    r->block_trace[b].n = 0;
    gc_trace_events(r->trace, r->day, ev->ev, ev->n, &r->block_trace[b]);
  }
  gc_sensors_observe(sen, ev->ev, ev->n, ob);
  if (r->block_meters) r->block_meters[b] = ob->n;
  if (!r->meters_at) gc_sensors_utility(sen, h0, h1, ob);   /* else gathered: gather_observations */
  gc_sensors_home_visits(sen, h0, h1, ob);
}

/* Block b's observations of `kind`, the utility readings (not in its
** buffer: see gather_observations) included. */
static uint64_t block_count(const gc_run *r, uint32_t b, int kind) {
  uint64_t n = r->block_obs[b].by_kind[kind];
  if (r->meters_at && (kind == GC_OBS_ELECTRICITY || kind == GC_OBS_WATER))
    n += r->meters_at[b + 1] - r->meters_at[b];
  return n;
}

/* Block b's observations into day_obs, each after the earlier blocks' of
** its kind. */
static void gather_block(gc_run *r, uint32_t b) {
  const gc_obs_buf *ob = &r->block_obs[b];
  size_t pos[GC_OBS_NKINDS];
  memcpy(pos, &r->block_at[(size_t)b * GC_OBS_NKINDS], sizeof pos);
  gc_obs *day = r->day_obs;
  for (size_t i = 0; i < ob->n; i++) day[pos[ob->obs[i].kind]++] = ob->obs[i];
}

/* The blocks' observations into one day array grouped by kind, each kind
** in block order.  The positions are prefix sums of the blocks' counts by
** kind, so the copies are independent and run in parallel: one pass over
** the day's observations where copying and then indexing by kind took
** three, two of them serial.  The utility readings, when there are meters,
** are not in the blocks' buffers: a block's number of them is fixed
** (meters_at), so they are written here, straight into their places, the
** same readings the block would have made (nothing a block does changes
** who is at home in another).  In a city they are most of the day's
** observations, which are then neither held twice nor copied. */
static int gather_observations(gc_run *r, gc_day *dd, const gc_sensor_ctx *sen) {
  size_t total = 0, kind_at[GC_OBS_NKINDS + 1] = {0};
  for (uint32_t b = 0; b < r->nblocks; b++) {
    const gc_obs_buf *ob = &r->block_obs[b];
    if (ob->oom) return -1;
    for (int j = 0; j < GC_OBS_NKINDS; j++) {
      uint64_t k = block_count(r, b, j);
      total += k;
      kind_at[j + 1] += k;
      dd->obs_by_kind[j] += k;
    }
    dd->identity_errors += ob->identity_errors;
  }
  gc_obs *o = gc_grow(r->day_obs, &r->day_obs_cap, total, sizeof *o);
  if (!o) return -1;
  r->day_obs = o;
  for (int j = 0; j < GC_OBS_NKINDS; j++) kind_at[j + 1] += kind_at[j];
  memcpy(r->day_kinds.start, kind_at, sizeof kind_at);
  for (uint32_t b = 0; b < r->nblocks; b++) {
    size_t *at = &r->block_at[(size_t)b * GC_OBS_NKINDS];
    for (int j = 0; j < GC_OBS_NKINDS; j++) {
      at[j] = kind_at[j];
      kind_at[j] += block_count(r, b, j);
    }
  }
  int nb = (int)r->nblocks;
  #pragma omp parallel for schedule(static)
  for (int b = 0; b < nb; b++) {
    gather_block(r, (uint32_t)b);
    if (r->meters_at) {
      const size_t *at = &r->block_at[(size_t)b * GC_OBS_NKINDS];
      uint32_t h0, h1;
      block_households(r, (uint32_t)b, &h0, &h1);
      size_t k = gc_sensors_utility_into(sen, h0, h1, o + at[GC_OBS_ELECTRICITY], o + at[GC_OBS_WATER]);
      assert(k == r->meters_at[b + 1] - r->meters_at[b]);
      (void)k;
    }
  }
  r->day_obs_n = total;
  dd->observations = total;
  r->total_obs += total;
  return 0;
}


/* Block b's observations to the trace in the order they were made: the
** sensors', the utility readings (from the day array, where they were
** written), the home visits'. */
static void trace_block_obs(gc_run *r, uint32_t b) {
  const gc_obs_buf *ob = &r->block_obs[b];
  if (!r->meters_at) {
    gc_trace_obs(r->trace, r->day, ob->obs, ob->n);
    return;
  }
  size_t mid = r->block_meters[b], n = r->meters_at[b + 1] - r->meters_at[b];
  const size_t *at = &r->block_at[(size_t)b * GC_OBS_NKINDS];
  gc_trace_obs(r->trace, r->day, ob->obs, mid);
  for (size_t k = 0; k < n; k++) {
    gc_trace_obs(r->trace, r->day, &r->day_obs[at[GC_OBS_ELECTRICITY] + k], 1);
    gc_trace_obs(r->trace, r->day, &r->day_obs[at[GC_OBS_WATER] + k], 1);
  }
  gc_trace_obs(r->trace, r->day, ob->obs + mid, ob->n - mid);
}

static int simulate_people(gc_run *r, gc_day *dd) {
  gc_activity_ctx act;
  gc_sensor_ctx sen;
  gc_activity_ctx_init(&act, &r->cfg, &r->world, &r->pop, r->day);
  gc_patrol_plan(r->patrol, r->day);
  gc_sensor_ctx_init(&sen, &r->cfg, &r->world, &r->pop, r->sensors, gc_patrol_today(r->patrol), r->day);
  for (int t = 0; t < r->threads; t++) memset(&r->thread_events[t].tally, 0, sizeof(gc_truth_tally));
  int nb = (int)r->nblocks;
  #pragma omp parallel for schedule(dynamic, 4)
  for (int b = 0; b < nb; b++)
    simulate_block(r, (uint32_t)b, &act, &sen, &r->thread_events[thread_id()]);
  for (int t = 0; t < r->threads; t++) {
    if (r->thread_events[t].oom) return -1;
    gc_truth_tally_add(&dd->truth, &r->thread_events[t].tally);
  }
  r->total_events += dd->truth.events;
  if (gather_observations(r, dd, &sen)) return -1;
  if (r->trace) {                          /* observations in the order made: from the blocks */
    for (uint32_t b = 0; b < r->nblocks; b++) gc_trace_append(r->trace, &r->block_trace[b]);
    for (uint32_t b = 0; b < r->nblocks; b++) trace_block_obs(r, b);
  }
  return gc_sensors_infer(r->sensors, &r->pop, r->day, r->day_obs, r->day_obs_n, &r->day_kinds);
}

static int respond(gc_run *r) {
  size_t n = r->alerts.n;
  gc_outcome *o = gc_grow(r->outcomes, &r->outcomes_cap, n, sizeof *o);
  if (!o) return -1;
  r->outcomes = o;
  return gc_response_day(r->response, r->day, r->alerts.a, n, r->outcomes, r->day_obs, r->day_obs_n,
                         &r->acts);
}

int gc_run_step(gc_run *r) {
  if (r->day >= r->cfg.days) return GC_DONE;
  gc_day *dd = &r->audit.daily[r->day];
  if (simulate_people(r, dd)) return GC_ERR_NOMEM;
  if (r->sink.before_rules) r->sink.before_rules(r->sink.ctx, r->day);
  if (gc_rules_day(r->rules, r->day, r->day_obs, r->day_obs_n, &r->day_kinds, &r->alerts) || r->alerts.oom)
    return GC_ERR_NOMEM;
  if (r->sink.after_rules) {
    gc_day_view v = {r->day, r->day_obs, r->day_obs_n, r->alerts.a, r->alerts.n, &r->pop};
    if (r->sink.after_rules(r->sink.ctx, &v)) return GC_ERR_IO;
  }
  if (respond(r)) return GC_ERR_NOMEM;
  if (r->trace) {
    gc_trace_alerts(r->trace, r->day, r->alerts.a, r->outcomes, r->alerts.n);
    gc_trace_actions(r->trace, r->day, &r->acts);
  }
  gc_audit_alerts(&r->audit, &r->cfg, &r->pop, r->day, r->alerts.a, r->outcomes, r->alerts.n);
  gc_audit_actions(&r->audit, &r->cfg, &r->pop, r->day, &r->acts);
  gc_audit_observations(&r->audit, &r->pop, r->day_obs, &r->day_kinds);
  gc_patrol_learn(r->patrol, r->day, r->day_obs, r->day_obs_n);
  gc_audit_patrol(&r->audit, &r->pop, r->day, gc_patrol_record(r->patrol, r->day), r->day_obs, r->day_obs_n);
  gc_response_prune_lists(&r->cfg, &r->pop, r->day);
  if (gc_feedback_day(r->feedback, r->day, &r->acts, &dd->trust)) return GC_ERR_NOMEM;
  gc_audit_end_of_day(&r->audit, &r->cfg, &r->pop, r->day);
  if (r->trace) {
    gc_trace_lists(r->trace, r->day, &r->pop);
    if (gc_trace_oom(r->trace)) return GC_ERR_NOMEM;
  }
  r->day++;
  return GC_OK;
}

void gc_run_set_sink(gc_run *r, const gc_day_sink *s) {
  if (s) r->sink = *s;
  else memset(&r->sink, 0, sizeof r->sink);
}

int gc_run_summary(gc_run *r, double *out) {
  if (gc_run_finish(r)) return GC_ERR_NOMEM;
  gc_audit_summary(&r->audit, &r->cfg, out);
  return GC_OK;
}

int gc_run_finish(gc_run *r) {
  if (r->finished) return GC_OK;
  r->audit.inference = gc_sensors_inference(r->sensors);
  if (gc_audit_finish(&r->audit, &r->cfg, &r->pop)) return GC_ERR_NOMEM;
  r->finished = 1;
  return GC_OK;
}

int gc_run_day(const gc_run *r) { return r->day; }
int gc_run_threads(const gc_run *r) { return r->threads; }
const gc_config *gc_run_config(const gc_run *r) { return &r->cfg; }
const gc_world *gc_run_world(const gc_run *r) { return &r->world; }
const gc_population *gc_run_population(const gc_run *r) { return &r->pop; }
const gc_audit *gc_run_audit(const gc_run *r) { return &r->audit; }
gc_inference_load gc_run_inference_load(const gc_run *r) { return gc_sensors_inference_load(r->sensors); }

size_t gc_run_day_buffer_bytes(const gc_run *r) {
  size_t b = r->day_obs_cap * sizeof(gc_obs);
  for (uint32_t k = 0; k < r->nblocks; k++) b += r->block_obs[k].cap * sizeof(gc_obs);
  for (int t = 0; t < r->threads; t++) b += r->thread_events[t].cap * sizeof(gc_event);
  return b;
}
uint64_t gc_run_observations(const gc_run *r) { return r->total_obs; }
uint64_t gc_run_events(const gc_run *r) { return r->total_events; }

int gc_run_trace(gc_run *r, gc_trace *t) {
  if (r->day != 0 || r->trace || t->n != r->pop.n) return GC_ERR_IO;
  r->block_trace = calloc(r->nblocks + 1, sizeof *r->block_trace);
  r->block_meters = calloc(r->nblocks + 1, sizeof *r->block_meters);
  if (!r->block_trace || !r->block_meters) return GC_ERR_NOMEM;
  gc_trace_start(t, &r->pop);
  r->trace = t;
  return GC_OK;
}

static int write_results(gc_run *r, const char *path, const gc_provenance *prov, const gc_explained *ex, int later,
                         char *err, size_t errlen) {
  if (gc_run_finish(r)) {
    snprintf(err, errlen, "out of memory while computing group tables");
    return GC_ERR_NOMEM;
  }
  gc_results_info info = {prov, r->threads, r->day, r->total_events, r->total_obs,
                          gc_population_bytes_per_agent(&r->pop), prov ? prov->twin : NULL,
                          prov ? prov->twin_desc : NULL, ex, later};
  return gc_results_write(path, &r->cfg, &r->world, &r->pop, &r->audit, &info, err, errlen) ? GC_ERR_IO : GC_OK;
}

int gc_run_write_results(gc_run *r, const char *path, const gc_provenance *prov, const gc_explained *ex,
                         char *err, size_t errlen) {
  return write_results(r, path, prov, ex, 0, err, errlen);
}

int gc_run_write_results_first(gc_run *r, const char *path, const gc_provenance *prov, char *err, size_t errlen) {
  return write_results(r, path, prov, NULL, 1, err, errlen);
}

int gc_run_write_explained(const gc_run *replay, const char *path, const gc_explained *ex, char *err, size_t errlen) {
  if (ex && !replay) {
    snprintf(err, errlen, "the explained sample has no replay");
    gc_results_discard(path);
    return GC_ERR_IO;
  }
  int rc = gc_results_add_explained(path, replay ? &replay->cfg : NULL, replay ? &replay->world : NULL,
                                    replay ? &replay->pop : NULL, ex, err, errlen);
  return rc ? GC_ERR_IO : GC_OK;
}
