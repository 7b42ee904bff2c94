/*
** gc_sensors.h — what the platform sees of the true events.
**
** Design.  Each sensor kind turns a true event into at most one observation
** with its own coverage, detection probability and identity error, drawing
** from the SENSORS stream with counter (agent, day, event seq), so whether
** an event is seen never depends on other agents or on threads.
**   ID scans      hotels, stations, checkpoints with a scanner (world.scanner);
**                 detection per place type; with probability identity_error
**                 the ID scanned is another household member's (a borrowed
**                 card) or, for people living alone, a random person's.
**   phone records new-number calls and phone-off days, recorded under the
**                 identity the phone is registered to (not always its user).
**   purchases     ID-linked purchases with probability purchase coverage.
**   utility       daily household electricity and water, for households
**                 with a reporting meter; consumption grows with the number
**                 of people present (size^exponent) times log-normal noise.
**   CCTV          face matching at places with a camera (gc_world.equip) and
**                 outside chosen homes of listed people (Zhouning); misses,
**                 a night factor without infrared, false matches.
**   wifi          sniffers log phones under their registered identity.
**   plates        plate readers log the vehicle's registered owner; with a
**                 camera at the same place, a face-matched driver in someone
**                 else's vehicle is a VEHICLE_MISMATCH (Tianjin, NYT-2022).
**   visitors      compound visitor systems: entries and companions.
**   railway       real-name tickets (decoys: TICKET_NO_SHOW as well).
**   payments      traceable mobile payments at shops (cash leaves none).
**   phone location nights away from home located by the phone network.
**   home visits   a biased human sensor whose frequency follows household
**                 trust (HRW-2018).
**   patrols       stops, discoveries and public reports where patrols are.
** Records linked by ID number from other databases (purchases, tickets,
** compound entries, payments) go to a wrong person with probability
** linkage_error (purpose LINKAGE).  After a day's observations, relationship
** inference counts co-stays and co-travel (HRW-2017).  Each sensor kind
** lives in its own file under src/sensors/ (interface: gc_sensor_kind.h).
** An observation carries the observed identity (`person`), which rules use,
** and the true agent (`agent`), which only the audit may read.
** identity_errors counts the observations whose person is not their agent.
*/
#ifndef GC_SENSORS_H
#define GC_SENSORS_H

#include <stddef.h>
#include <stdint.h>
#include "gc_activity.h"

typedef enum {
  GC_OBS_ID_SCAN = 0,   /* where = place, sub = place type, flags: local hotel */
  GC_OBS_CALL_NEW,      /* sub = 1 if out of area */
  GC_OBS_PHONE_OFF,
  GC_OBS_PURCHASE,      /* sub = category, value = quantity */
  GC_OBS_ELECTRICITY,   /* where = household, person = its head, value = kWh */
  GC_OBS_WATER,         /* litres */
  GC_OBS_SIGHTING,      /* CCTV face match: where = place (or household, GC_OBSF_HOME), sub = place type,
                           value = minutes in view */
  GC_OBS_WIFI,          /* device logged: person = identity the phone is registered to; as SIGHTING */
  GC_OBS_PLATE,         /* plate read: person = registered owner, where = place, sub = place type */
  GC_OBS_COMPOUND_ENTRY,/* visitor system: where = compound place, value = companions recorded */
  GC_OBS_COMPANION,     /* one per recorded companion: person = entrant, other = companion */
  GC_OBS_TICKET,        /* person = purchaser, where = departure station, other = destination region */
  GC_OBS_TICKET_NO_SHOW,/* a ticket bought but not used: as TICKET */
  GC_OBS_HOME_VISIT,    /* a home visit took place: person = head, where = household */
  GC_OBS_UNUSUAL,       /* visit report marks the person unusual: where = household */
  GC_OBS_PHONE_NIGHT,   /* phone located away from home at night: where = household, other = region */
  GC_OBS_PAYMENT,       /* mobile payment: where = shop */
  GC_OBS_VEHICLE_MISMATCH, /* face-matched driver in someone else's vehicle: other = vehicle owner */
  GC_OBS_PATROL_STOP,   /* a patrol stopped and checked the person: where = place, other = district */
  GC_OBS_DISCOVERY,     /* a patrol discovered an offence: person = offender, other = district */
  GC_OBS_REPORTED,      /* an offence reported by the public: person = offender, other = district */
  GC_OBS_NKINDS
} gc_obs_kind;

enum { GC_OBSF_LOCAL_HOTEL = 1, GC_OBSF_HOME = 2, GC_OBSF_LINKAGE_ERROR = 4, GC_OBSF_FALSE_MATCH = 8 };  /* 6 bits at most */

/* 24 bytes: a day's observations but the utility readings are held twice
** (the blocks' buffers and the day grouped by kind), about a tenth of a
** large run's memory, so kind, sub and flags share 16 bits. */
typedef struct gc_obs {
  uint32_t person;      /* observed identity */
  uint32_t agent;       /* true agent: audit only */
  uint32_t where;
  uint32_t other;       /* see the kinds; GC_NONE if unused */
  float value;
  uint16_t time;        /* minute of the day the record was made */
  uint16_t kind : 5;    /* gc_obs_kind */
  uint16_t sub : 5;     /* a place type (gc_place_type), a purchase category, 1: out of area */
  uint16_t flags : 6;   /* GC_OBSF_* */
} gc_obs;
_Static_assert(GC_OBS_NKINDS <= 32 && GC_PLACE_NTYPES <= 32 && GC_MAX_PURCHASES <= 32, "gc_obs's kind and sub fields");
_Static_assert(sizeof(gc_obs) == 24, "gc_obs is 24 bytes");

typedef struct gc_obs_buf {
  gc_obs *obs;
  size_t n, cap;
  int oom;
  uint64_t by_kind[GC_OBS_NKINDS];
  uint64_t identity_errors;
} gc_obs_buf;

/* A day's observations grouped by kind: kind k's are obs[start[k] ..
** start[k + 1]), in the order they were made (a stable partition).  The run
** gathers its blocks into one day array grouped so (glasscage.c), and
** everything that reads one kind (rules, inference, the audit) reads its
** range alone, contiguous: most of a day's observations are utility
** readings, which only baseline rules read. */
typedef struct gc_obs_kinds {
  size_t start[GC_OBS_NKINDS + 1];
} gc_obs_kinds;

/* Copies obs[0..n-1] grouped by kind (a stable counting sort) into *out,
** which holds *cap observations and is grown as needed (the caller keeps
** owning it), and sets *k.  Returns 0, or -1 on allocation failure (*out
** and *cap unchanged). */
int gc_obs_group(gc_obs **out, size_t *cap, const gc_obs *obs, size_t n, gc_obs_kinds *k);

/* Persistent sensor state (cameras outside homes, relationship inference):
** built once after the initial lists, owned by the run. */
typedef struct gc_sensors gc_sensors;

/* Ties the platform inferred from co-stays and co-travel, audited against
** the true social graph (household, partner, friend, coworker). */
typedef struct gc_inference_result {
  uint64_t pairs_seen;        /* distinct pairs observed together at least once */
  uint64_t inferred;          /* pairs together >= min_together times: inferred ties */
  uint64_t inferred_true;     /* ...that are true ties */
  uint64_t true_ties;         /* undirected true tie pairs in the population */
  uint64_t true_seen;         /* true tie pairs observed together at least once */
  uint64_t list_joins;        /* people who joined join_list as associates */
} gc_inference_result;

/* Returns the sensor state for cfg, or NULL on allocation failure.  Call
** after the initial lists are set (cameras go to listed people's homes)
** and after vehicles are registered (misread plates name registered
** owners).  Keeps a pointer to cfg, which must outlive it; the caller owns
** the result and frees it with gc_sensors_free. */
gc_sensors *gc_sensors_new(const gc_config *cfg, const gc_world *w, const gc_population *pop);
void gc_sensors_free(gc_sensors *s);

#define GC_SENSE_SIZE_POW 32   /* household sizes with a precomputed size factor */

typedef struct gc_sensor_ctx {
  const gc_config *cfg;
  const gc_world *world;
  const gc_population *pop;
  const gc_sensors *state;
  const uint8_t *patrolled;   /* per district: patrols there today; NULL: no patrols */
  gc_rng_key key, ukey;
  int day;
  gc_rng_key lkey, hkey;      /* LINKAGE (linkage errors, false matches), HOME_VISITS */
  uint16_t on[GC_TE_NKINDS];  /* per true-event kind: bit per sensor kind switched on (set by init) */
  uint16_t allow[64];         /* per place's equipment bits (GC_EQ_*, 32: ID scanner): kinds that can see a stay there */
  double size_pow[GC_SENSE_SIZE_POW];  /* n^utility.size_exponent for n people present */
} gc_sensor_ctx;

/* Prepares ctx for `day`; decides here, from cfg, the world, state (may be
** NULL: no home cameras, misreads pick any agent) and patrolled, which
** sensor kinds are on, so change cfg before, not after, this call. */
void gc_sensor_ctx_init(gc_sensor_ctx *ctx, const gc_config *cfg, const gc_world *w,
                        const gc_population *pop, const gc_sensors *state, const uint8_t *patrolled,
                        int day);

/* Appends the observations of events ev[0..n-1] to out.  Each agent's
** events of the day are expected to be contiguous (as activity emits them):
** wifi, phone location and home cameras look at the agent's whole day. */
void gc_sensors_observe(const gc_sensor_ctx *ctx, const gc_event *ev, size_t n, gc_obs_buf *out);

/* Appends the utility readings of households [h0, h1) to out. */
void gc_sensors_utility(const gc_sensor_ctx *ctx, uint32_t h0, uint32_t h1, gc_obs_buf *out);

/* The same readings written straight into place, electricity to
** electricity[0..k-1] and water to water[0..k-1], for the k metered
** households of [h0, h1) (gc_sensors_metered_in); returns k.  A run writes
** them so into its gathered day (glasscage.c): they are most of a city's
** observations, and their number in each block is known in advance. */
size_t gc_sensors_utility_into(const gc_sensor_ctx *ctx, uint32_t h0, uint32_t h1, gc_obs *electricity,
                               gc_obs *water);

/* How many households of [h0, h1) have a reporting meter (0 when no sensor
** reads meters); s may be NULL. */
uint64_t gc_sensors_metered_in(const gc_sensors *s, const gc_config *cfg, uint32_t h0, uint32_t h1);

/* Appends the home-visit reports of households [h0, h1) to out. */
void gc_sensors_home_visits(const gc_sensor_ctx *ctx, uint32_t h0, uint32_t h1, gc_obs_buf *out);

/* After a day's observations are gathered (serial): updates relationship
** inference from obs[0..n-1] (its ID scans: the range kinds gives when obs
** are grouped by kind, or found by a scan of all when kinds is NULL) and may put
** inferred associates on a list (pop state).  Does nothing unless
** cfg->sensors.inference.enabled (set by the scenario loader).  Returns 0
** or -1 on allocation failure. */
int gc_sensors_infer(gc_sensors *s, gc_population *pop, int day, const gc_obs *obs, size_t n,
                     const gc_obs_kinds *kinds);

/* Where relationship inference's pairs come from: city or away places (a
** region's away hotels and stations are a fixed number, the city's grow
** with its people), hotels or stations. */
typedef enum { GC_INF_CITY_HOTEL, GC_INF_CITY_STATION, GC_INF_AWAY_HOTEL, GC_INF_AWAY_STATION, GC_INF_NCATS } gc_inference_cat;

/* What relationship inference holds now (the memory preflight's pilot). */
typedef struct gc_inference_load {
  size_t pairs;                     /* pairs in the map */
  size_t max_day;                   /* the most pair keys of one day so far */
  size_t bytes;                     /* pair map and the day's scans */
  uint64_t cat[GC_INF_NCATS];       /* distinct pairs so far by where first seen (gc_inference_cat) */
  uint64_t cat_ties[GC_INF_NCATS];  /* of which true ties */
  uint64_t cat_days[GC_INF_NCATS];  /* pair-days so far by place: a pair together on a day, counted
                                       on every such day (gc_inference_cat) */
} gc_inference_load;

/* The load of s (all zero when s is NULL). */
gc_inference_load gc_sensors_inference_load(const gc_sensors *s);

/* The inference audit so far. */
gc_inference_result gc_sensors_inference(const gc_sensors *s);

/* True daily (electricity, water) use of household h on the context's day. */
void gc_sensors_household_use(const gc_sensor_ctx *ctx, uint32_t h, double *kwh, double *litres);

/* Whether household h has a reporting utility meter (fixed for the run). */
int gc_sensors_metered(const gc_config *cfg, uint32_t h);

void gc_obs_buf_free(gc_obs_buf *b);

#endif
