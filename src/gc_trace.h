/*
** gc_trace.h — timelines of a few synthetic agents, for explanations.
**
** Design.  An explanation shows one synthetic person's run: what they
** really did, what the sensors recorded about them (or attributed to them),
** which rules fired, what police did, lists joined and left, what evading
** cost them.  Keeping that for everyone would cost memory per agent-day, so
** a run traces only a set of agents chosen in advance: a bitmap over the
** population answers "is i traced?" in O(1), and a sorted list of the ids
** serves the per-agent passes.  A run without a trace never calls this
** module (one NULL check per block and per day in glasscage.c).
**
** Records are copies of the model's own records (true event, observation,
** alert and outcome, action, list change), stored raw while the run goes
** on and put into words only when read (gc_trace_row), so the day loop does
** no formatting.  Blocks of households run in parallel, so true events are
** filtered into one buffer per block and appended in block order: the trace
** is identical for any thread count.  Memory: O(traced agents x days).
**
** The explained sample (gc_trace_sample_choose) is picked after a run from
** the audit's per-agent "ever flagged by rule r" mask and the hidden truth,
** with the audit's own definitions (gc_audit.h): for each rule up to K
** agents flagged while innocent, K flagged with a claimed condition and K
** missed (with a claimed condition, never flagged by the rule), the K with
** the smallest hash of (seed, agent), so the choice is reproducible.
*/
#ifndef GC_TRACE_H
#define GC_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include "gc_activity.h"
#include "gc_audit.h"
#include "gc_config.h"
#include "gc_population.h"
#include "gc_response.h"
#include "gc_rules.h"
#include "gc_sensors.h"
#include "gc_world.h"

/* Layers of a timeline, in the order a day is shown (gc_trace_layer_names). */
typedef enum { GC_TL_TRUTH = 0, GC_TL_SENSOR, GC_TL_RULE, GC_TL_RESPONSE, GC_TL_LIST, GC_TL_COST,
               GC_TL_N } gc_trace_layer;

enum { GC_TS_EVENT = 0, GC_TS_OBS, GC_TS_ALERT, GC_TS_ACTION, GC_TS_LIST };  /* gc_trace_rec.src */

typedef struct gc_trace_rec {
  uint32_t agent;               /* whose timeline the record is in */
  uint32_t ord;                 /* collection order (stable sort key) */
  uint16_t day;
  uint8_t layer;                /* gc_trace_layer */
  uint8_t src;                  /* GC_TS_*: which member of u */
  union {
    gc_event ev;
    gc_obs obs;
    struct { gc_alert al; gc_outcome out; } alert;
    gc_action_rec act;
    struct { uint8_t list, entered; } list;
  } u;
} gc_trace_rec;

typedef struct gc_trace_buf {
  gc_trace_rec *r;
  size_t n, cap;
  int oom;
} gc_trace_buf;

typedef struct gc_trace {
  uint32_t n;                   /* population size */
  uint64_t *bits;               /* n bits: traced agents */
  uint32_t *agent;              /* traced agents, ascending */
  uint32_t nagents;
  uint16_t *lists_start;        /* per traced agent: lists before day 0 */
  uint16_t *lists_now;          /* per traced agent: lists at the end of the last day traced */
  int started;
  gc_trace_buf rec;             /* the records, in collection order until gc_trace_sort */
} gc_trace;

/* Creates a trace of agents[0..k-1] (duplicates allowed) in a population
** of n.  Returns NULL on allocation failure or an id >= n; the caller owns
** the result (gc_trace_free). */
gc_trace *gc_trace_new(uint32_t n, const uint32_t *agents, size_t k);
void gc_trace_free(gc_trace *t);

static inline int gc_trace_has(const gc_trace *t, uint32_t i) {
  return i < t->n && ((t->bits[i >> 6] >> (i & 63)) & 1);
}

/* Index of agent i in t->agent, or -1. */
int gc_trace_index(const gc_trace *t, uint32_t i);

/* Day loop hooks (glasscage.c).  start: facts before day 0 (lists).
** events: appends the traced agents' true events of ev[0..n-1] to out (a
** block's buffer; evasion events go to the cost layer).  append: adds a
** block buffer to the trace.  obs: observations whose true agent or
** observed identity is traced.  alerts: alerts on traced people with their
** outcomes.  actions: police actions on traced people.  lists: list
** entries and exits since the previous call.  Allocation failures set
** t->rec.oom or out->oom; check gc_trace_oom after the day. */
void gc_trace_start(gc_trace *t, const gc_population *pop);
void gc_trace_events(const gc_trace *t, int day, const gc_event *ev, size_t n, gc_trace_buf *out);
void gc_trace_append(gc_trace *t, const gc_trace_buf *b);
void gc_trace_obs(gc_trace *t, int day, const gc_obs *obs, size_t n);
void gc_trace_alerts(gc_trace *t, int day, const gc_alert *al, const gc_outcome *out, size_t n);
void gc_trace_actions(gc_trace *t, int day, const gc_action_buf *acts);
void gc_trace_lists(gc_trace *t, int day, const gc_population *pop);
int gc_trace_oom(const gc_trace *t);

/* Frees a block buffer's storage (the struct is the caller's). */
void gc_trace_buf_free(gc_trace_buf *b);

/* Orders the records by agent, day, layer, then collection order, so that
** each agent's records are contiguous and *first..*first+*count-1 can be
** found with gc_trace_span.  Call once, after the run. */
void gc_trace_sort(gc_trace *t);
void gc_trace_span(const gc_trace *t, uint32_t agent, size_t *first, size_t *count);

/* One record in words (the `trace` table of results.db). */
typedef struct gc_trace_row {
  uint32_t agent;
  int day;
  int minute;                   /* minute of the day; -1: none */
  const char *layer;            /* static */
  char what[64];
  char place[48];               /* "" : none */
  char detail[256];
} gc_trace_row;

/* Puts record k (after gc_trace_sort) into words. */
void gc_trace_row_of(const gc_trace *t, size_t k, const gc_config *cfg, const gc_world *w,
                     const gc_population *pop, gc_trace_row *row);

/* The hidden facts of a traced agent at the start (the `trace_agent` table). */
typedef struct gc_trace_facts {
  uint32_t household;
  char traits[2048];            /* "trait=value; ..." */
  char truths[1024];            /* hidden conditions, "; "-separated, "" none */
  char lists[1024];             /* lists at start, "; "-separated, "" none */
} gc_trace_facts;

/* Facts of traced agent index j (0..nagents-1). */
void gc_trace_facts_of(const gc_trace *t, uint32_t j, const gc_config *cfg, const gc_population *pop,
                       gc_trace_facts *f);

/* The explained sample. */
enum { GC_SAMPLE_FLAGGED_INNOCENT = 0, GC_SAMPLE_FLAGGED_WITH_CLAIM, GC_SAMPLE_MISSED, GC_SAMPLE_N };
extern const char *const gc_sample_category_names[];   /* GC_SAMPLE_* */

typedef struct gc_sample_entry {
  uint32_t agent;
  uint16_t rule;
  uint8_t category;             /* GC_SAMPLE_* */
} gc_sample_entry;

typedef struct gc_sample {
  gc_sample_entry *e;           /* by rule, category, then rank */
  size_t n;
} gc_sample;

#define GC_SAMPLE_MAX_K 1000

/* Chooses up to k (1..GC_SAMPLE_MAX_K) agents per rule and category after
** a run (a->flagged must be final).  On success s->e is malloc'd (caller
** frees with gc_sample_free).  Returns 0 or -1 (out of memory). */
int gc_trace_sample_choose(const gc_config *cfg, const gc_population *pop, const gc_audit *a, int k,
                           gc_sample *s);
void gc_sample_free(gc_sample *s);

/* What results.db keeps of an explained run: the sample and the replay's
** trace of its agents (sorted), both borrowed. */
typedef struct gc_explained {
  const gc_trace *trace;
  const gc_sample *sample;
} gc_explained;

#endif
