/*
** gc_preflight.c — memory preflight (see gc_preflight.h for the design).
**
** Where the peak is.  A `glasscage run` holds, at once: the program (code,
** libraries, OpenMP stacks, SQLite and the report while results are
** written); the population's arrays (gc_population.c alloc_arrays: traits,
** truth, household, work, phone and vehicle registration, ten behaviour
** multipliers, partner, tie offsets, agent state; home coordinates per
** household; 5 bytes per tie); the audit's per-agent marks (gc_audit.c:
** flagged and actioned rule masks, a harm byte, GC_HC_N counters) and per-day
** tallies; the sensors', rules', response's and feedback's per-agent arrays;
** one day's observations twice (each block's buffer, kept across days, and
** the gathered day_obs, both grown by doubling: gc_mem.h), but for the
** utility readings, which are written straight into day_obs; one block of
** events per thread; whatever the rules' windows, task queues and lists
** accumulate; and relationship inference's pair map (4-byte slots, 8 for
** the largest populations, at most 15/16 full in the fullest segment,
** growing in place: src/sensors/gc_pair_map.c).  The
** explained sample (--explain-sample K > 0) replays the run's days after its
** tables are written, rewinding it (gc_run_rewind: what the days made is
** freed first, the population kept; main.c, cli_explain.c), so the two are
** never alive together: the replay adds only its trace (a bit per agent and
** the records of the traced people, at most 3K per rule).  The twin runs to
** the end and is freed before the base run is built, so it does not add to
** the peak either.
**
** The pilot measures what cannot be read off the allocations: per agent-day
** observations, events and inference pairs, and (through glibc's mallinfo2,
** when the allocator is glibc's: not under sanitizers or valgrind) the heap
** the modules hold after building and what the days add beyond the modelled
** buffers.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif
#include "gc_preflight.h"
#include "gc_activity.h"
#include "gc_audit.h"
#include "gc_population.h"
#include "gc_sensors.h"
#include "gc_trace.h"
#include "gc_world.h"
#include "glasscage.h"
#include "sensors/gc_pair_map.h"

#define PILOT_AGENTS 20000
#define PILOT_DAYS 180              /* the scenario's days, up to this: holidays and windows matter */
/* Resident memory of the program besides the model's arrays: code and
** libraries, OpenMP threads, the results database's page cache and the
** report page (its Vega-Lite bundle, ~1 MB, and the HTML).  Measured: a
** 20,000-person run of tests/data/full.yaml without replay peaks at 13 MB. */
#define PROGRAM_BYTES (12ull << 20)
#define BLOCK_HH 512                /* glasscage.c GC_BLOCK_HH */
#define STATE_FALLBACK 24.0         /* per agent, when the heap cannot be measured */
/* The parts that grow with the people, measured against the peaks of
** province runs (November 2026), came to 0.97 of the peak at 10M and 25M
** people (1.02 at 1M): the pair map's size lands a growth step off the
** model's, the pilot's pairs are 0.97-0.98 of a large run's.  So much more
** is added, for the estimate to err towards refusing. */
#define MARGIN 0.05

const char *const gc_mem_part_names[GC_MEM_NPARTS] = {
  "program and results writing", "population", "audit", "sensors/rules/response state",
  "one day's observations and events", "rules' windows and queues", "relationship inference",
  "explained-sample replay", "margin"};

static uint64_t heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  struct mallinfo2 m = mallinfo2();
  return (uint64_t)m.uordblks + (uint64_t)m.hblkhd;
#else
  return 0;
#endif
}

static uint64_t pow2_at_least(double need, uint64_t floor) {
  uint64_t c = floor;
  while ((double)c < need) c *= 2;
  return c;
}

/* Per-agent audit bytes (gc_audit_init): flagged, actioned, harm, harm_count. */
static double audit_per_agent(void) {
  return sizeof(uint32_t) * 2 + 1 + sizeof(uint16_t) * GC_HC_N;
}

static double audit_per_day(const gc_config *cfg) {
  int nr = cfg->nrules ? cfg->nrules : 1, nl = cfg->nlists ? cfg->nlists : 1;
  return (double)sizeof(gc_day) + 256.0 * (nr + nl * (1 + 2 * GC_MAX_TRAITS));
}

/* Day buffers of n agents: observations per block (not the utility
** readings) and gathered (grouped by kind), the percentile rules' keys (4
** bytes per observation), events per thread.  The buffers' doubling leaves
** up to half of each unused; pages never written are never resident, so
** the observations count as written. */
static double day_bytes(const gc_pilot_rates *r, double n, int threads) {
  double obs = r->obs_per_agent_day * n, meters = r->meter_obs_per_agent_day * n;
  double blocks = (obs - meters) * sizeof(gc_obs), gathered = obs * (sizeof(gc_obs) + sizeof(uint32_t));
  double ev = (double)pow2_at_least(r->events_per_agent_day * r->agents_per_hh * BLOCK_HH, 256);
  return blocks + gathered + (threads > 0 ? threads : 1) * ev * sizeof(gc_event);
}

/* People per place of type t at population n: in the city, or (away) in
** each other region and the capital. */
static double per_place(const gc_config *cfg, double n, int t, int away) {
  uint32_t c = away ? gc_world_away_places(cfg, (int64_t)n, t) : gc_world_city_places(cfg, (int64_t)n, t);
  return c ? n / c : 1;
}

/* How pairs per agent at n compare with the pilot's.  Pairs of people who
** know each other (household members travelling together) come with the
** people: a constant per agent.  Strangers meet by chance: a place with k
** scans a day gives about k^2 / 2 pairs, and k grows with the people per
** place, n over the number of places, which for the city's hotels and
** stations, and for the other regions' when the scenario gives them a
** density, follows the people (and the rounding of small cities keeps off
** its limit: a 20,000-person pilot of a scenario with a station per 50,000
** people has a 20,000-person station), and for the other regions' fixed
** numbers of hotels and stations is n itself.  The pilot's distinct pairs
** are there at any size; what a crowd s times the pilot's adds, s - 1 times
** the pilot's meetings, is counted as new pairs: in the pilot's small pool
** (one station, two hotels a region) strangers meet again whom a large
** city's many places keep apart (the province's pilot met its city-station
** strangers 1.07 times each, away-station strangers 1.7 times; at 1M people
** 1.01 and 1.06).  Scaling the distinct pairs alone gave 0.92 of the pairs
** at 1M, this 0.97 (November 2026). */
static double pair_scale(const gc_config *cfg, const gc_pilot_rates *r, double n) {
  static const struct { int cat, type, away; } where[] = {
    {GC_INF_CITY_HOTEL, GC_PLACE_HOTEL, 0}, {GC_INF_CITY_STATION, GC_PLACE_STATION, 0},
    {GC_INF_AWAY_HOTEL, GC_PLACE_HOTEL, 1}, {GC_INF_AWAY_STATION, GC_PLACE_STATION, 1}};
  double np = r->n > 0 ? (double)r->n : 1, s = r->pairs_ties;
  for (size_t k = 0; k < sizeof where / sizeof where[0]; k++) {
    int c = where[k].cat;
    double crowd = per_place(cfg, n, where[k].type, where[k].away) / per_place(cfg, np, where[k].type, where[k].away);
    s += r->pairs_share[c] + r->pairs_met[c] * (crowd - 1);
  }
  return s;
}

/* The most pairs the pair map holds for n agents: the most the pilot's map
** held, per agent, scaled to n (pair_scale). */
static double inference_pairs(const gc_config *cfg, const gc_pilot_rates *r, double n) {
  if (!cfg->sensors.inference.enabled || r->pairs_live <= 0 || n <= 0) return 0;
  return r->pairs_live * n * pair_scale(cfg, r, n);
}

/* The pair map at its largest for `pairs` pairs of n agents, in the map's
** own model of its size (gc_pair_map_bytes_for: segments grown by steps,
** the fullest deciding; it grows in place, so old and new arrays are never
** both there, and a window forgets pairs in place). */
static double inference_bytes(const gc_config *cfg, double n, double pairs) {
  const gc_inference_cfg *ic = &cfg->sensors.inference;
  if (pairs <= 0) return 0;
  return gc_pair_map_bytes_for((uint32_t)n, ic->min_together, cfg->days, pairs);
}

static int pilot_one_thread(const gc_config *cfg, int64_t agents, gc_pilot_rates *out);

/* The police act on a fixed number of people a day (response.capacity_per_day,
** quota.per_day), not on a share: on a pilot of 20,000 people the province's
** 300 a day reach 50 times the share of a 1M-person run, and the people acted
** on travel less (detained, intercepted, evading by car): that pilot met
** 17.4 strangers per person at its station, against 25.9 with the police of
** a 1M run scaled to it (November 2026).  So the pilot's police get the run's
** capacity and quota per person, rounded (to none for the largest runs, where
** they reach a negligible share).  Points of a sweep that differ only in
** their size share the pilot of the largest, whose police are the thinnest:
** the smaller ones are then estimated with less policing, hence more
** travel, than they have, which errs towards refusing. */
static void police_share(gc_config *pc, const gc_config *cfg) {
  if (cfg->population.size <= pc->population.size) return;
  double share = (double)pc->population.size / (double)cfg->population.size;
  pc->response.capacity_per_day = (int)llround(cfg->response.capacity_per_day * share);
  pc->response.quota_per_day = (int)llround(cfg->response.quota_per_day * share);
}

static int longest_window(const gc_config *cfg) {
  int w = 1;
  for (int k = 0; k < cfg->nrules; k++) {
    const gc_rule_cfg *rc = &cfg->rule[k];
    if (rc->window_days > w) w = rc->window_days;
    for (int f = 0; f < rc->nfeatures; f++)
      if (rc->feature[f].window_days > w) w = rc->feature[f].window_days;
  }
  return w;
}

/* The pilot runs on one thread: its heap figures then come from one fixed
** sequence of allocations, so the estimate is the same every time (with
** several threads, which thread's buffers grow depends on scheduling).  The
** run's own thread count is restored afterwards (gc_run_new sets it). */
int gc_preflight_pilot(const gc_config *cfg, int threads, gc_pilot_rates *out) {
  (void)threads;
#ifdef _OPENMP
  int saved = omp_get_max_threads();
#endif
  int rc = pilot_one_thread(cfg, PILOT_AGENTS, out);
#ifdef _OPENMP
  omp_set_num_threads(saved);
#endif
  return rc;
}

static int pilot_one_thread(const gc_config *cfg, int64_t agents, gc_pilot_rates *out) {
  memset(out, 0, sizeof *out);
  gc_config *pc = malloc(sizeof *pc);
  if (!pc) return -1;
  *pc = *cfg;
  pc->population.size = cfg->population.size < agents ? cfg->population.size : agents;
  if (pc->population.size < 1) pc->population.size = 1;
  police_share(pc, cfg);
  pc->days = cfg->days < PILOT_DAYS ? cfg->days : PILOT_DAYS;
  char err[256];
  gc_run *run = NULL;
  uint64_t h0 = heap_in_use();
  if (gc_run_new(pc, 1, &run, err, sizeof err)) { free(pc); return -1; }
  uint64_t h1 = heap_in_use();
  const gc_population *pop = gc_run_population(run);
  double n = pop->n ? pop->n : 1;
  out->n = pop->n;
  out->days = pc->days;
  out->pop_bytes = gc_population_bytes_per_agent(pop);
  out->agents_per_hh = pop->nhh ? n / pop->nhh : 1;
  int rc = gc_run_step(run);
  uint64_t hday1 = heap_in_use();       /* the day buffers have (nearly) their size after one day */
  size_t inf1 = gc_run_inference_load(run).bytes, live_max = 0, buf1 = gc_run_day_buffer_bytes(run);
  gc_inference_load load;
  for (;;) {
    load = gc_run_inference_load(run);
    if (load.pairs > live_max) live_max = load.pairs;
    if (rc != GC_OK) break;
    rc = gc_run_step(run);
  }
  uint64_t h2 = heap_in_use();
  size_t inf2 = load.bytes, buf2 = gc_run_day_buffer_bytes(run);
  if (rc == GC_ERR_NOMEM || gc_run_finish(run)) { gc_run_free(run); free(pc); return -1; }
  const gc_audit *a = gc_run_audit(run);
  for (int d = 0; d < pc->days; d++) {
    if (a->daily[d].observations / n > out->obs_per_agent_day) {   /* the busiest day, and its readings */
      out->obs_per_agent_day = a->daily[d].observations / n;
      out->meter_obs_per_agent_day =
          (double)(a->daily[d].obs_by_kind[GC_OBS_ELECTRICITY] + a->daily[d].obs_by_kind[GC_OBS_WATER]) / n;
    }
    if (a->daily[d].truth.events / n > out->events_per_agent_day) out->events_per_agent_day = a->daily[d].truth.events / n;
  }
  if (pc->days > 0) out->pairs_per_agent_day = (double)a->inference.pairs_seen / n / pc->days;
  out->pairs_live = (double)live_max / n;
  out->pairs_day = (double)load.max_day / n;
  uint64_t all = 0;
  for (int k = 0; k < GC_INF_NCATS; k++) all += load.cat[k];
  for (int k = 0; k < GC_INF_NCATS; k++) {
    double strangers = (double)(load.cat[k] - load.cat_ties[k]);
    out->pairs_share[k] = all ? strangers / (double)all : 0;
    out->pairs_ties += all ? (double)load.cat_ties[k] / (double)all : 0;
    /* the ties' meetings are taken to repeat as often as the strangers' */
    out->pairs_met[k] = all && load.cat[k] ? (double)load.cat_days[k] * strangers / (double)load.cat[k] / (double)all : 0;
  }
  out->heap_measured = h1 > h0 && h2 >= h1;
  if (out->heap_measured) {
    double state = (double)(h1 - h0) / n - out->pop_bytes - audit_per_agent() - pc->days * audit_per_day(pc) / n;
    out->state_bytes = state > 0 ? state : 0;
    /* what later days add (windows, queues, lists) per agent-day; day one's growth is the day buffers,
    ** and what they grow by later (a busier day doubling one) is not a window's either: the day's
    ** part models them at the busiest day */
    double later = (double)(h2 > hday1 ? h2 - hday1 : 0) - ((double)inf2 - (double)inf1) - ((double)buf2 - (double)buf1);
    /* rounded up to 1/64 byte per agent-day: the heap counters move by a few
    ** hundred bytes with what the process did before the pilot (`run` and
    ** `validate` differ), which must not move the largest size that fits */
    double g = later > 0 && pc->days > 1 ? later / n / (pc->days - 1) : 0;
    out->growth_bytes = ceil(g * 64) / 64;
  } else {
    out->state_bytes = STATE_FALLBACK;
  }
  gc_run_free(run);
  free(pc);
  return 0;
}

void gc_preflight_model(const gc_config *cfg, int threads, int explain_k, const gc_pilot_rates *r,
                        int64_t size, gc_mem_estimate *out) {
  memset(out, 0, sizeof *out);
  double n = (double)(size > 0 ? size : 0);
  int days = cfg->days;
  int win = longest_window(cfg);         /* windows stop growing once full */
  double grow_days = (days < win ? days : win) - 1;
  out->size = size;
  out->days = days;
  out->part[GC_MEM_PROGRAM] = PROGRAM_BYTES;
  out->part[GC_MEM_POPULATION] = (uint64_t)(r->pop_bytes * n);
  out->part[GC_MEM_AUDIT] = (uint64_t)(audit_per_agent() * n + days * audit_per_day(cfg));
  out->part[GC_MEM_STATE] = (uint64_t)(r->state_bytes * n);
  out->part[GC_MEM_DAY] = n > 0 ? (uint64_t)day_bytes(r, n, threads) : 0;
  out->part[GC_MEM_WINDOWS] = (uint64_t)(r->growth_bytes * n * (grow_days > 0 ? grow_days : 0));
  out->pairs = inference_pairs(cfg, r, n);
  out->part[GC_MEM_INFERENCE] = (uint64_t)inference_bytes(cfg, n, out->pairs);
  if (explain_k > 0) {            /* the trace: see the top */
    double traced = 3.0 * explain_k * (cfg->nrules > 0 ? cfg->nrules : 1);
    double recs = traced * days * (r->events_per_agent_day + r->obs_per_agent_day + 1) * 2;
    out->part[GC_MEM_REPLAY] = (uint64_t)(n / 8 + recs * sizeof(gc_trace_rec));
  }
  double grows = 0;
  for (int p = GC_MEM_POPULATION; p <= GC_MEM_INFERENCE; p++) grows += (double)out->part[p];
  out->part[GC_MEM_MARGIN] = (uint64_t)(MARGIN * grows);
  for (int p = 0; p < GC_MEM_NPARTS; p++) out->total += out->part[p];
}

int gc_preflight_estimate(const gc_config *cfg, int threads, int explain_k, gc_mem_estimate *out) {
  gc_pilot_rates r;
  if (gc_preflight_pilot(cfg, threads, &r)) return -1;
  gc_preflight_model(cfg, threads, explain_k, &r, cfg->population.size, out);
  return 0;
}

int gc_preflight_parse_bytes(const char *s, uint64_t *bytes) {
  char *end;
  if (!s || !*s || *s == '-') return -1;
  double v = strtod(s, &end);
  if (end == s || v < 0) return -1;
  double m = 1;
  if (*end) {
    switch (*end) {
    case 'k': case 'K': m = 1024.0; break;
    case 'm': case 'M': m = 1024.0 * 1024; break;
    case 'g': case 'G': m = 1024.0 * 1024 * 1024; break;
    case 't': case 'T': m = 1024.0 * 1024 * 1024 * 1024; break;
    default: return -1;
    }
    end++;
    if (*end == 'i') end++;
    if (*end == 'B' || *end == 'b') end++;
    if (*end) return -1;
  }
  if (v * m >= 1.8e19) return -1;
  *bytes = (uint64_t)(v * m);
  return 0;
}

/* The first number in a file (a "max" reads as none), or UINT64_MAX. */
static uint64_t read_number(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return UINT64_MAX;
  unsigned long long v;
  int ok = fscanf(f, "%llu", &v) == 1;
  fclose(f);
  return ok ? (uint64_t)v : UINT64_MAX;
}

static uint64_t mem_available(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  if (!f) return UINT64_MAX;
  char line[256];
  uint64_t v = UINT64_MAX;
  unsigned long long kb;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) { v = (uint64_t)kb * 1024; break; }
  fclose(f);
  return v;
}

int gc_preflight_available(uint64_t *bytes) {
  const char *env = getenv("GLASSCAGE_MEMORY_LIMIT");
  if (env && *env) {
    if (gc_preflight_parse_bytes(env, bytes)) { *bytes = UINT64_MAX; return -2; }
    return 0;
  }
  uint64_t v = mem_available();
  uint64_t max = read_number("/sys/fs/cgroup/memory.max"), cur = read_number("/sys/fs/cgroup/memory.current");
  if (max != UINT64_MAX) {
    uint64_t left = cur != UINT64_MAX && cur < max ? max - cur : max;
    if (left < v) v = left;
  }
  struct rlimit rl;
  if (!getrlimit(RLIMIT_AS, &rl) && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < v) v = rl.rlim_cur;
  if (!getrlimit(RLIMIT_DATA, &rl) && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < v) v = rl.rlim_cur;
  *bytes = v;
  return v == UINT64_MAX ? -1 : 0;
}

int64_t gc_preflight_largest(const gc_config *cfg, int threads, int explain_k, const gc_pilot_rates *r,
                             uint64_t available) {
  gc_mem_estimate e;
  int64_t lo = 0, hi = cfg->population.size;   /* lo fits (or is 0); hi + 1 is the first not known to fit */
  gc_preflight_model(cfg, threads, explain_k, r, hi, &e);
  if (e.total <= available) return hi;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo + 1) / 2;
    gc_preflight_model(cfg, threads, explain_k, r, mid, &e);
    if (e.total <= available) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

void gc_preflight_format(uint64_t bytes, char *buf, size_t len) {
  double b = (double)bytes;
  if (b >= 1024.0 * 1024 * 1024) snprintf(buf, len, "%.1f GiB", b / (1024.0 * 1024 * 1024));
  else if (b >= 1024.0 * 1024) snprintf(buf, len, "%.0f MiB", b / (1024.0 * 1024));
  else snprintf(buf, len, "%.0f KiB", b / 1024.0);
}

/* 25000000 -> "25,000,000". */
static void with_commas(int64_t v, char *buf, size_t len) {
  char raw[32];
  snprintf(raw, sizeof raw, "%lld", (long long)v);
  size_t n = strlen(raw), k = 0;
  for (size_t i = 0; i < n && k + 2 < len; i++) {
    if (i && (n - i) % 3 == 0) buf[k++] = ',';
    buf[k++] = raw[i];
  }
  buf[k] = 0;
}

/* "population 5,000,000 × 30 days: population 620 MiB, audit 90 MiB, ..." */
static void describe(const gc_mem_estimate *e, char *buf, size_t len) {
  char people[32], b[32];
  with_commas(e->size, people, sizeof people);
  size_t k = (size_t)snprintf(buf, len, "population %s x %d days:", people, e->days);
  const char *sep = " ";
  for (int p = 0; p < GC_MEM_NPARTS && k < len; p++) {
    if (!e->part[p] || e->part[p] * 100 < e->total) continue;   /* parts under 1% are left out */
    gc_preflight_format(e->part[p], b, sizeof b);
    k += (size_t)snprintf(buf + k, len - k, "%s%s %s", sep, gc_mem_part_names[p], b);
    sep = ", ";
  }
}

int gc_preflight_check(const gc_config *cfg, int threads, int explain_k, char *msg, size_t len) {
  uint64_t avail;
  int arc = gc_preflight_available(&avail);
  if (arc == -2) {
    snprintf(msg, len, "GLASSCAGE_MEMORY_LIMIT takes bytes with an optional K, M or G suffix (e.g. 4G)");
    return -1;
  }
  gc_pilot_rates r;
  if (gc_preflight_pilot(cfg, threads, &r)) {
    snprintf(msg, len, "out of memory in the memory preflight's pilot run");
    return -1;
  }
#ifdef _OPENMP
  if (threads <= 0) threads = omp_get_max_threads();   /* one block of events per thread */
#endif
  gc_mem_estimate e;
  gc_preflight_model(cfg, threads, explain_k, &r, cfg->population.size, &e);
  char need[32], have[32], parts[512];
  gc_preflight_format(e.total, need, sizeof need);
  describe(&e, parts, sizeof parts);
  if (arc || e.total <= avail) {
    if (arc) snprintf(have, sizeof have, "unknown");
    else gc_preflight_format(avail, have, sizeof have);
    snprintf(msg, len, "memory: about %s at the peak (%s); %s available", need, parts, have);
    return 0;
  }
  gc_preflight_format(avail, have, sizeof have);
  int64_t largest = gc_preflight_largest(cfg, threads, explain_k, &r, avail);
  char big[32], hint[160] = "";
  with_commas(largest, big, sizeof big);
  if (explain_k > 0) {
    gc_mem_estimate e0;
    gc_preflight_model(cfg, threads, 0, &r, cfg->population.size, &e0);
    if (e0.total <= avail) snprintf(hint, sizeof hint, "; with --explain-sample 0 this run fits");
  }
  snprintf(msg, len,
           "this run needs about %s at its peak (%s); %s is available; the largest population that fits "
           "is %s%s (or lower the days; --no-preflight skips this check)",
           need, parts, have, big, hint);
  return 1;
}
