/*
** gc_sensors.c — the sensor driver: registry, day context, the event walk.
**
** Design.  Sensor kinds live in src/sensors/, one file each, behind the
** interface in sensors/gc_sensor_kind.h.  gc_sensor_ctx_init asks every
** kind once whether it is on (coverage above zero, equipment placed,
** patrols out) and records, per true-event kind, a bit mask of the kinds
** that read it; gc_sensors_observe then walks the events one agent-day at a
** time and calls only those.  A scenario that switches a sensor off pays
** nothing for it per event; a kind that needs equipment (a scanner, a
** camera) is called only for stays at places that have it (ctx->allow), so
** the default scenario's walk costs what the pre-issue-3 walk cost.
**
** The persistent state (gc_sensors) holds what is decided once per run:
** which households have a camera outside (Zhouning, NYT-2022), the
** registered vehicle owners a misread plate can point at, and the pair map
** of relationship inference.
*/
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "gc_mem.h"
#include "gc_sensors.h"
#include "sensors/gc_sensor_kind.h"

/* Order = bit index in ctx->on, and the order in which a stay's
** observations are appended. */
static const gc_sensor_ops *const registry[] = {
  &gc_sensor_id_scan_ops,
  &gc_sensor_phone_ops,
  &gc_sensor_purchase_ops,
  &gc_sensor_payment_ops,
  &gc_sensor_cctv_ops,
  &gc_sensor_home_cctv_ops,
  &gc_sensor_wifi_ops,
  &gc_sensor_plate_ops,
  &gc_sensor_visitor_ops,
  &gc_sensor_railway_ops,
  &gc_sensor_phone_location_ops,
  &gc_sensor_patrol_ops,
};
#define NSENSORS ((int)(sizeof registry / sizeof registry[0]))
_Static_assert(sizeof registry / sizeof registry[0] <= 16, "ctx->on holds 16 sensor kinds");

int gc_obs_push(gc_obs_buf *b, const gc_obs *o) {
  gc_obs *ob = gc_grow(b->obs, &b->cap, b->n + 1, sizeof *ob);
  if (!ob) { b->oom = 1; return -1; }
  b->obs = ob;
  b->obs[b->n++] = *o;
  b->by_kind[o->kind]++;
  b->identity_errors += o->person != o->agent;
  return 0;
}

gc_obs *gc_obs_reserve(gc_obs_buf *b, size_t more) {
  gc_obs *ob = gc_grow(b->obs, &b->cap, b->n + more, sizeof *ob);
  if (!ob) { b->oom = 1; return NULL; }
  b->obs = ob;
  return ob + b->n;
}

void gc_obs_buf_free(gc_obs_buf *b) {
  free(b->obs);
  b->obs = NULL;
  b->n = b->cap = 0;
}

int gc_obs_group(gc_obs **out, size_t *cap, const gc_obs *obs, size_t n, gc_obs_kinds *k) {
  assert(out && cap && k && (obs || !n));
  gc_obs *g = gc_grow(*out, cap, n, sizeof *g);
  if (!g) return -1;
  *out = g;
  size_t at[GC_OBS_NKINDS + 1] = {0};
  for (size_t i = 0; i < n; i++) at[obs[i].kind + 1]++;
  for (int j = 0; j < GC_OBS_NKINDS; j++) at[j + 1] += at[j];
  memcpy(k->start, at, sizeof at);
  for (size_t i = 0; i < n; i++) g[at[obs[i].kind]++] = obs[i];
  return 0;
}

uint32_t gc_sense_link(const gc_sensor_ctx *c, const gc_event *e, int salt, uint8_t *flags) {
  double err = c->cfg->sensors.linkage_error;
  if (!(err > 0)) return e->agent;
  philox4x32_ctr_t u = gc_sense_draw(c, c->lkey, e, salt);
  if (gc_u01(u.v[0]) >= err) return e->agent;
  *flags |= GC_OBSF_LINKAGE_ERROR;
  return gc_sense_other_agent(c->pop, e->agent, u.v[1]);
}

/* Cameras outside the homes of `homes_count` households (all if -1) among
** those with a member on homes_list, chosen by a partial shuffle of the
** eligible households from the PLACEMENT stream. */
static int place_home_cameras(gc_sensors *s, const gc_config *cfg, const gc_population *pop) {
  const gc_cctv_cfg *cc = &cfg->sensors.cctv;
  if (cc->homes_list < 0 || cc->homes_count == 0) return 0;
  uint32_t *elig = malloc(((size_t)pop->nhh + 1) * sizeof *elig);
  s->home_cam = calloc((size_t)pop->nhh + 1, 1);
  if (!elig || !s->home_cam) { free(elig); return -1; }
  uint32_t ne = 0;
  for (uint32_t h = 0; h < pop->nhh; h++)
    for (uint32_t i = pop->hh_start[h]; i < pop->hh_start[h + 1]; i++)
      if ((pop->st.lists[i] >> cc->homes_list) & 1) { elig[ne++] = h; break; }
  uint32_t k = cc->homes_count < 0 || (uint32_t)cc->homes_count > ne ? ne : (uint32_t)cc->homes_count;
  gc_rng_key key = gc_rng_key_make(cfg->seed, GC_RNG_PLACEMENT);
  gc_stream st;
  gc_stream_init(&st, key, UINT32_MAX, 0);
  for (uint32_t j = 0; j < k; j++) {
    uint32_t r = j + gc_stream_below(&st, ne - j);
    uint32_t h = elig[r];
    elig[r] = elig[j];
    elig[j] = h;
    uint8_t cam = GC_EQ_CAMERA;
    if (gc_u01(gc_rng4(key, h, 2, 0).v[0]) < cc->infrared) cam |= GC_EQ_INFRARED;
    s->home_cam[h] = cam;
  }
  s->nhome_cams = k;
  free(elig);
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Distinct registered vehicle owners, the identities a misread can return. */
static int list_vehicle_owners(gc_sensors *s, const gc_config *cfg, const gc_population *pop) {
  if (!(cfg->sensors.plate_misread > 0)) return 0;
  uint32_t n = 0;
  for (uint32_t i = 0; i < pop->n; i++) n += pop->vehicle_reg[i] != GC_NONE;
  if (!n) return 0;
  if (!(s->owners = malloc((size_t)n * sizeof *s->owners))) return -1;
  n = 0;
  for (uint32_t i = 0; i < pop->n; i++)
    if (pop->vehicle_reg[i] != GC_NONE) s->owners[n++] = pop->vehicle_reg[i];
  qsort(s->owners, n, sizeof *s->owners, cmp_u32);
  uint32_t m = 0;
  for (uint32_t i = 0; i < n; i++)
    if (!m || s->owners[m - 1] != s->owners[i]) s->owners[m++] = s->owners[i];
  s->nowners = m;
  return 0;
}

/* Which households have a reporting meter, decided once instead of every day. */
static int place_meters(gc_sensors *s, const gc_config *cfg, const gc_population *pop) {
  if (!(cfg->sensors.meter_coverage > 0)) return 0;
  if (!(s->metered = calloc((size_t)pop->nhh / 8 + 1, 1))) return -1;
  if (!(s->meter_noise = malloc((GC_METER_NOISE_N + 1) * sizeof *s->meter_noise))) return -1;
  double sd = cfg->activity.utility_noise_sd;
  for (int k = 1; k < GC_METER_NOISE_N; k++)
    s->meter_noise[k] = (float)exp(sd * gc_normal_quantile((double)k / GC_METER_NOISE_N) - sd * sd / 2);
  s->meter_noise[0] = s->meter_noise[GC_METER_NOISE_N] = 0;     /* the tails are computed (meter_factor) */
  for (uint32_t h = 0; h < pop->nhh; h++)
    if (gc_sensors_metered(cfg, h)) s->metered[h >> 3] |= (uint8_t)(1u << (h & 7));
  return 0;
}

gc_sensors *gc_sensors_new(const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  gc_sensors *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->cfg = cfg;
  s->world = w;
  s->nhh = pop->nhh;
  if (place_home_cameras(s, cfg, pop) || place_meters(s, cfg, pop) || list_vehicle_owners(s, cfg, pop) ||
      gc_inference_init(s, pop)) {
    gc_sensors_free(s);
    return NULL;
  }
  return s;
}

void gc_sensors_free(gc_sensors *s) {
  if (!s) return;
  gc_inference_free(s);
  free(s->home_cam);
  free(s->metered);
  free(s->meter_noise);
  free(s->owners);
  free(s);
}

void gc_sensor_ctx_init(gc_sensor_ctx *ctx, const gc_config *cfg, const gc_world *w,
                        const gc_population *pop, const gc_sensors *state, const uint8_t *patrolled,
                        int day) {
  ctx->cfg = cfg;
  ctx->world = w;
  ctx->pop = pop;
  ctx->state = state;
  ctx->patrolled = patrolled;
  ctx->key = gc_rng_key_make(cfg->seed, GC_RNG_SENSORS);
  ctx->ukey = gc_rng_key_make(cfg->seed, GC_RNG_UTILITY);
  ctx->lkey = gc_rng_key_make(cfg->seed, GC_RNG_LINKAGE);
  ctx->hkey = gc_rng_key_make(cfg->seed, GC_RNG_HOME_VISITS);
  ctx->day = day;
  for (int n = 0; n < GC_SENSE_SIZE_POW; n++) ctx->size_pow[n] = pow((double)n, cfg->activity.utility_size_exponent);
  memset(ctx->on, 0, sizeof ctx->on);
  for (int k = 0; k < NSENSORS; k++) {
    if (!registry[k]->on(ctx)) continue;
    for (int t = 0; t < GC_TE_NKINDS; t++)
      if ((registry[k]->reads >> t) & 1) ctx->on[t] |= (uint16_t)(1u << k);
  }
  _Static_assert(sizeof ctx->allow / sizeof ctx->allow[0] == GC_AT_NBITS, "allow covers every place-bit combination");
  for (unsigned b = 0; b < GC_AT_NBITS; b++) {
    ctx->allow[b] = 0;
    for (int k = 0; k < NSENSORS; k++)
      if (!registry[k]->at || (registry[k]->at & b)) ctx->allow[b] |= (uint16_t)(1u << k);
  }
}

/* The sensor kinds that see event e: those on for its kind, and for a stay
** only those whose equipment is at the place (equip and scanner are the
** world's, passed in so that the event loops keep them in registers). */
static inline unsigned seen_by(const gc_sensor_ctx *c, const uint8_t *equip, const uint8_t *scanner,
                               const gc_event *e) {
  unsigned m = e->kind < GC_TE_NKINDS ? c->on[e->kind] : 0;
  if (e->kind == GC_TE_STAY && m)
    m &= c->allow[(equip[e->place] & (GC_AT_SCANNER - 1)) | (scanner[e->place] ? GC_AT_SCANNER : 0)];
  return m;
}

static inline void dispatch(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, unsigned m,
                            gc_obs_buf *out) {
  while (m) {
    int s = __builtin_ctz(m);
    m &= m - 1;
    registry[s]->observe(c, run, e, out);
  }
}

void gc_sensors_observe(const gc_sensor_ctx *c, const gc_event *ev, size_t n, gc_obs_buf *out) {
  unsigned any = 0, whole_day = 0;
  for (int t = 0; t < GC_TE_NKINDS; t++) any |= c->on[t];
  for (int k = 0; k < NSENSORS; k++) whole_day |= registry[k]->whole_day ? 1u << k : 0;
  const uint8_t *equip = c->world->equip, *scanner = c->world->scanner;
  if (!(any & whole_day)) {                 /* no kind on needs the agent's day: one pass */
    gc_sense_run none = {ev, n, 0, -1};
    for (const gc_event *e = ev, *end = ev + n; e < end; e++) {
      unsigned m = seen_by(c, equip, scanner, e);
      if (m) dispatch(c, &none, e, m, out);   /* most events: none (a stay without equipment) */
    }
    return;
  }
  size_t k = 0;
  while (k < n) {
    size_t end = k + 1;
    while (end < n && ev[end].agent == ev[k].agent) end++;
    gc_sense_run run = {ev + k, end - k, 0, -1};
    for (size_t j = k; j < end; j++) {
      if (ev[j].kind == GC_TE_PHONE_OFF) run.phone_off = 1;
      else if (ev[j].kind == GC_TE_STAY && run.first_stay < 0) run.first_stay = (long)(j - k);
    }
    for (size_t j = k; j < end; j++) dispatch(c, &run, &ev[j], seen_by(c, equip, scanner, &ev[j]), out);
    k = end;
  }
}
