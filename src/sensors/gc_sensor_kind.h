/*
** gc_sensor_kind.h — the interface every sensor kind implements, and the
** sensor state they share.
**
** Design.  A sensor kind says which true-event kinds it reads, whether the
** configuration switches it on for the day (`on`, evaluated once by
** gc_sensor_ctx_init into ctx->on[event kind], so a switched-off sensor
** costs nothing per event), and turns one event into zero or more
** observations (`observe`).  The driver (gc_sensors.c) walks the day's
** events one agent at a time and hands each sensor the agent's whole day
** (gc_sense_run) as well as the event, because some sensors need it: a
** phone switched off today is invisible to wifi sniffers, a home camera
** sees a resident once a day, a compound entry records the companions that
** came with it.  Kinds that do say so (whole_day); when none of them is on,
** the driver skips cutting the events into agent-days.
**
** Randomness.  A sensor draws from the SENSORS stream with counter
** (agent, day, seq | salt << 16): seq is the event's index in the agent's
** day, the salt the sensor kind's (below), so two sensors looking at one
** stay draw independent numbers, and ID scans, phones and purchases (salt
** 0) draw what they drew before issue 3.  Linkage errors and CCTV false
** matches draw from the LINKAGE stream with the same counter, so turning
** linkage errors on does not change which events are observed.
** Adding a kind means one file here, one line in the registry in
** gc_sensors.c and a section in docs/scenario-reference.md.
*/
#ifndef GC_SENSOR_KIND_H
#define GC_SENSOR_KIND_H

#include <stddef.h>
#include <stdint.h>
#include "../gc_sensors.h"
#include "gc_pair_map.h"

/* Salts of the sensor kinds' counters (third counter word, bits 16..). */
enum {
  GC_SALT_BASE = 0,      /* ID scans, phone records, purchases (pre-issue-3 streams) */
  GC_SALT_CCTV = 1,
  GC_SALT_WIFI = 2,
  GC_SALT_PLATE = 3,
  GC_SALT_VISITOR = 4,
  GC_SALT_RAILWAY = 5,
  GC_SALT_PAYMENT = 6,
  GC_SALT_PHONE_NIGHT = 7,
  GC_SALT_PATROL = 8,
  GC_SALT_HOME_CCTV = 9,
  GC_SALT_COMPANION = 10
};

/* One ID scan at a hotel or station, for the day's inference. */
typedef struct gc_scan_rec {
  uint32_t place;
  uint32_t person;
  uint16_t time;         /* minute of day; 0 for hotels (co-stay is same day) */
  uint16_t hotel;        /* 1: hotel (co-stay), 0: station (co-travel) */
} gc_scan_rec;

#define GC_METER_NOISE_N 4096     /* 16 KB of floats: stays in the L1 cache */

struct gc_sensors {
  const gc_config *cfg;
  uint32_t nhh;
  uint8_t *home_cam;           /* per household: GC_EQ_CAMERA [| GC_EQ_INFRARED]; NULL if none */
  uint8_t *metered;            /* bit per household: a reporting utility meter; NULL if none */
  float *meter_noise;          /* GC_METER_NOISE_N + 1 values of the meters' log-normal factor at
                                  u = k / GC_METER_NOISE_N (gc_sensor_utility.c); NULL if none */
  uint32_t nhome_cams;
  uint32_t *owners;            /* distinct registered vehicle owners, ascending (misreads) */
  uint32_t nowners;
  gc_pair_map pairs;           /* relationship inference */
  size_t forget_cap;           /* when a window forgets stale pairs: the capacity the 16-byte map
                                  had (gc_sensor_inference.c) */
  gc_scan_rec *scans;          /* the day's hotel and station scans (reused) */
  size_t scans_cap;
  size_t max_day_pairs;        /* the most pair keys of one day so far */
  gc_inference_result inf;
  const gc_world *world;
  uint64_t cat_new[GC_INF_NCATS];      /* distinct pairs so far by where first seen (gc_inference_cat) */
  uint64_t cat_new_true[GC_INF_NCATS]; /* of which true ties */
  uint64_t cat_days[GC_INF_NCATS];     /* pair-days (a pair together on a day) by place (gc_inference_cat) */
};

/* The day of the agent whose event is being observed. */
typedef struct gc_sense_run {
  const gc_event *ev;          /* the agent's events today (contiguous) */
  size_t n;
  int phone_off;               /* the agent's phone was off today */
  long first_stay;             /* index into ev of the first stay, -1 none */
} gc_sense_run;

/* Place bit of gc_sensor_ops.at besides the GC_EQ_* bits: an ID scanner. */
#define GC_AT_SCANNER 32
#define GC_AT_NBITS 64               /* size of gc_sensor_ctx.allow */

typedef struct gc_sensor_ops {
  const char *name;
  const char *source;          /* public source it follows (short name) */
  uint16_t reads;              /* bit per gc_true_event_kind */
  uint8_t at;                  /* a stay is seen only at places with one of these bits (GC_EQ_*,
                                  GC_AT_SCANNER); 0: at any place.  The driver filters, so
                                  places without equipment cost no call */
  /* Whether the sensor can observe anything under ctx (configuration, state, patrols). */
  int (*on)(const gc_sensor_ctx *c);
  /* Appends the observations of event e (one of run's) to out. */
  void (*observe)(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out);
  int whole_day;               /* 1: reads run (the agent's day); 0: only e, and run may be a stub */
} gc_sensor_ops;

extern const gc_sensor_ops gc_sensor_id_scan_ops;
extern const gc_sensor_ops gc_sensor_phone_ops;
extern const gc_sensor_ops gc_sensor_phone_location_ops;
extern const gc_sensor_ops gc_sensor_purchase_ops;
extern const gc_sensor_ops gc_sensor_payment_ops;
extern const gc_sensor_ops gc_sensor_cctv_ops;
extern const gc_sensor_ops gc_sensor_home_cctv_ops;
extern const gc_sensor_ops gc_sensor_wifi_ops;
extern const gc_sensor_ops gc_sensor_plate_ops;
extern const gc_sensor_ops gc_sensor_visitor_ops;
extern const gc_sensor_ops gc_sensor_railway_ops;
extern const gc_sensor_ops gc_sensor_patrol_ops;

/* ---- shared helpers (gc_sensors.c) ---- */

/* Appends o to b, counting it by kind and as an identity error when its
** person is not its agent.  Returns 0, or -1 (b->oom set). */
int gc_obs_push(gc_obs_buf *b, const gc_obs *o);

/* Room for `more` observations after b's last: returns where they go (b
** still owns it), or NULL on allocation failure (b->oom set).  A sensor
** that writes there adds what it wrote to b->n and b->by_kind itself (and
** to b->identity_errors: gc_obs_push's bookkeeping). */
gc_obs *gc_obs_reserve(gc_obs_buf *b, size_t more);

/* Four words for event e from stream key with the sensor's salt. */
static inline philox4x32_ctr_t gc_sense_draw(const gc_sensor_ctx *c, gc_rng_key key, const gc_event *e, int salt) {
  return gc_rng4(key, e->agent, (uint32_t)c->day, (uint32_t)e->seq | ((uint32_t)salt << 16));
}

/* A uniformly random agent other than `agent`, from word u. */
static inline uint32_t gc_sense_other_agent(const gc_population *p, uint32_t agent, uint32_t u) {
  if (p->n < 2) return agent;
  uint32_t o = (uint32_t)(((uint64_t)u * (p->n - 1)) >> 32);
  return o >= agent ? o + 1 : o;
}

/* The identity an ID-linked record of event e ends up under: e->agent, or
** with probability linkage_error a random other person (flag
** GC_OBSF_LINKAGE_ERROR added to *flags).  No draw when linkage_error is 0. */
uint32_t gc_sense_link(const gc_sensor_ctx *c, const gc_event *e, int salt, uint8_t *flags);

/* Night for cameras: 20:00-06:00. */
static inline int gc_sense_night(int minute) {
  minute %= 1440;
  return minute >= 1200 || minute < 360;
}

/* CCTV face matching of `agent` at a camera (infrared or not) at `minute`,
** drawing with counter (agent, day, ctr): the identity matched, or GC_NONE
** when missed; a false match sets GC_OBSF_FALSE_MATCH in *flags.  Pure:
** the plate sensor calls it again to learn whether the driver was matched. */
uint32_t gc_cctv_face(const gc_sensor_ctx *c, uint32_t agent, uint32_t ctr, int minute, int infrared, uint8_t *flags);

/* Relationship inference (gc_sensor_inference.c, which also defines
** gc_sensors_infer and gc_sensors_inference): counts the true ties once
** when inference is on; returns 0 or -1 (out of memory). */
int gc_inference_init(gc_sensors *s, const gc_population *pop);
void gc_inference_free(gc_sensors *s);

/* Household sensors: gc_sensors_utility and gc_sensors_household_use are
** defined in gc_sensor_utility.c, gc_sensors_home_visits in
** gc_sensor_home_visit.c. */

#endif
