/*
** gc_preflight.h — memory preflight: a run's peak memory, estimated before
** the population is built, and the memory the process may use.
**
** Design.  The estimate has two halves.  What the code allocates per agent,
** per household and per day is counted from the allocations themselves
** (population arrays, ties, audit arrays).  What depends on behaviour — how
** many observations a day brings, how many pairs relationship inference
** sees, how much the rules' windows hold — is measured by a pilot: the same
** scenario at a small population for a few days (gc_preflight_pilot), whose
** per-agent rates are then scaled to the real size.  The scenario's places
** scale with its population (places per 1,000), so these rates do not
** depend on the size, but for the police, who act on a fixed number of
** people a day: the pilot's get the real size's capacity per person.  The
** pilot is deterministic, like every run.
**
** The CLI refuses a run whose estimate exceeds what is available.  The
** estimate is monotone in population.size, so gc_preflight_largest finds
** the largest size that fits by bisection over the model (one pilot).
*/
#ifndef GC_PREFLIGHT_H
#define GC_PREFLIGHT_H

#include <stddef.h>
#include <stdint.h>
#include "gc_config.h"
#include "gc_sensors.h"

enum gc_mem_part {
  GC_MEM_PROGRAM,       /* code, libraries, thread stacks, results writing (SQLite, report) */
  GC_MEM_POPULATION,    /* per-agent and per-household arrays, ties */
  GC_MEM_AUDIT,         /* per-agent audit marks and counters, per-day tallies */
  GC_MEM_STATE,         /* sensors', rules', response's and feedback's per-agent state */
  GC_MEM_DAY,           /* one day's observations (per block and gathered), events per thread */
  GC_MEM_WINDOWS,       /* what rules' windows, queues and lists accumulate over the days */
  GC_MEM_INFERENCE,     /* relationship inference's pair map at its largest */
  GC_MEM_REPLAY,        /* the explained sample's replay: its trace (the first run is freed before it) */
  GC_MEM_MARGIN,        /* a share of the parts that grow with the people, for what the model misses */
  GC_MEM_NPARTS
};

extern const char *const gc_mem_part_names[GC_MEM_NPARTS];

/* Per-agent rates measured by the pilot (see the design note). */
typedef struct gc_pilot_rates {
  int64_t n;                    /* the pilot's population */
  int days;                     /* the pilot's days */
  double pop_bytes;             /* population bytes per agent (gc_population_bytes_per_agent) */
  double agents_per_hh;
  double obs_per_agent_day;     /* the busiest pilot day */
  double meter_obs_per_agent_day;  /* of which utility readings (written straight into the gathered day) */
  double events_per_agent_day;  /* the busiest pilot day */
  double pairs_per_agent_day;   /* distinct inference pairs first seen, per agent-day */
  double pairs_live;            /* the most pairs the inference map held at a day's end, per agent */
  double pairs_day;             /* the most pair keys of one day, per agent */
  double pairs_share[GC_INF_NCATS];  /* shares of the pilot's distinct pairs of strangers by place
                                       (gc_inference_cat) */
  double pairs_met[GC_INF_NCATS];    /* the pilot's meetings of strangers by place (pair-days, a
                                       pair counted on every day together), per distinct pair */
  double pairs_ties;            /* share of the pilot's distinct pairs that are true ties */
  double state_bytes;           /* heap per agent after building, beyond population and audit */
  double growth_bytes;          /* heap per agent-day grown after day one, beyond the inference map */
  int heap_measured;            /* 0: the allocator's counters were not available (sanitizers) */
} gc_pilot_rates;

typedef struct gc_mem_estimate {
  int64_t size;                 /* population.size estimated for */
  int days;
  uint64_t part[GC_MEM_NPARTS]; /* bytes */
  uint64_t total;               /* bytes at the peak */
  double pairs;                 /* relationship inference's pairs held at the peak (0 without it) */
} gc_mem_estimate;

/* Runs the pilot for cfg into *out, on one thread whatever `threads` says
** (so the estimate is repeatable), its police scaled to cfg's population;
** the OpenMP thread count is left as it was.  Returns 0, or -1 when the
** pilot runs out of memory. */
int gc_preflight_pilot(const gc_config *cfg, int threads, gc_pilot_rates *out);

/* The estimate for cfg at population `size` from the pilot's rates;
** `explain_k` > 0 counts the explained sample's replay.  Pure arithmetic. */
void gc_preflight_model(const gc_config *cfg, int threads, int explain_k, const gc_pilot_rates *r,
                        int64_t size, gc_mem_estimate *out);

/* Pilot and model in one: the peak of a `glasscage run` of cfg with
** --explain-sample explain_k.  Returns 0, or -1 if the pilot failed. */
int gc_preflight_estimate(const gc_config *cfg, int threads, int explain_k, gc_mem_estimate *out);

/* The bytes this process may use: the least of MemAvailable, the cgroup's
** memory.max less its memory.current, RLIMIT_AS and RLIMIT_DATA; the
** environment variable GLASSCAGE_MEMORY_LIMIT (bytes, suffix K, M or G:
** powers of 1024) replaces them all.  Returns 0, or -1 when nothing could
** be read (*bytes is then UINT64_MAX) or the variable is malformed (-2). */
int gc_preflight_available(uint64_t *bytes);

/* Parses "200M"-style sizes (K, M, G, T: powers of 1024).  Returns 0 or -1. */
int gc_preflight_parse_bytes(const char *s, uint64_t *bytes);

/* The largest population.size (at most cfg's) whose estimate fits in
** `available`, by bisection over the model; 0 when not even 1 fits. */
int64_t gc_preflight_largest(const gc_config *cfg, int threads, int explain_k, const gc_pilot_rates *r,
                             uint64_t available);

/* "31.2 GiB"-style text of bytes into buf. */
void gc_preflight_format(uint64_t bytes, char *buf, size_t len);

/* The preflight of a command: estimates cfg's peak, compares it with what
** is available and, when it does not fit, writes a one-paragraph message
** (estimate, its parts, what is available, the largest size that fits) into
** msg and returns 1.  Returns 0 when it fits (msg then holds the one-line
** estimate), -1 on failure (msg says why).  `explain_k` as for run. */
int gc_preflight_check(const gc_config *cfg, int threads, int explain_k, char *msg, size_t len);

#endif
