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
** An observation carries the observed identity (`person`), which rules use,
** and the true agent (`agent`), which only the audit may read.
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
  GC_OBS_NKINDS
} gc_obs_kind;

enum { GC_OBSF_LOCAL_HOTEL = 1 };

typedef struct gc_obs {
  uint32_t person;      /* observed identity */
  uint32_t agent;       /* true agent: audit only */
  uint32_t where;
  float value;
  uint16_t time;        /* minute of the day the record was made */
  uint8_t kind;         /* gc_obs_kind */
  uint8_t sub;
  uint8_t flags;
} gc_obs;

typedef struct gc_obs_buf {
  gc_obs *obs;
  size_t n, cap;
  int oom;
  uint64_t by_kind[GC_OBS_NKINDS];
  uint64_t identity_errors;
} gc_obs_buf;

typedef struct gc_sensor_ctx {
  const gc_config *cfg;
  const gc_world *world;
  const gc_population *pop;
  gc_rng_key key, ukey;
  int day;
} gc_sensor_ctx;

void gc_sensor_ctx_init(gc_sensor_ctx *ctx, const gc_config *cfg, const gc_world *w,
                        const gc_population *pop, int day);

/* Appends the observations of events ev[0..n-1] to out. */
void gc_sensors_observe(const gc_sensor_ctx *ctx, const gc_event *ev, size_t n, gc_obs_buf *out);

/* Appends the utility readings of households [h0, h1) to out. */
void gc_sensors_utility(const gc_sensor_ctx *ctx, uint32_t h0, uint32_t h1, gc_obs_buf *out);

/* True daily (electricity, water) use of household h on the context's day. */
void gc_sensors_household_use(const gc_sensor_ctx *ctx, uint32_t h, double *kwh, double *litres);

void gc_obs_buf_free(gc_obs_buf *b);

#endif
