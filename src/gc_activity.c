/*
** gc_activity.c — the daily itinerary model.
**
** Rates are the scenario's weekday or weekend means times the agent's
** precomputed multipliers (gc_population.mult).  Counts are Poisson for
** repeatable behaviours (errands, calls) and Bernoulli for day-level
** choices (a hotel night, starting a trip, switching the phone off), using
** 1 - exp(-rate) so that rate keeps the meaning "expected events per day"
** for small rates.
**
** Trips: a traveller leaves through a city station (70%) or a road
** checkpoint (30%), arrives at a station in the destination if by rail, and
** checks into a hotel there unless staying with family (70% when the
** destination is the family's region).  The destination is the capital for
** capital trips, else the family's region half of the time, else a random
** other region.  Nights away are 1 + Poisson, mean trip_nights.  While away
** the agent makes no city stays; on the return day an arrival at a city
** station or checkpoint is emitted.
*/
#include <math.h>
#include <stdlib.h>
#include "gc_activity.h"
#include "gc_mem.h"

static int push(gc_event_buf *b, const gc_event *e) {
  gc_event *ev = gc_grow(b->ev, &b->cap, b->n + 1, sizeof *ev);
  if (!ev) { b->oom = 1; return -1; }
  b->ev = ev;
  b->ev[b->n++] = *e;
  return 0;
}

void gc_event_buf_free(gc_event_buf *b) {
  free(b->ev);
  b->ev = NULL;
  b->n = b->cap = 0;
}

void gc_activity_ctx_init(gc_activity_ctx *ctx, const gc_config *cfg, const gc_world *w,
                          gc_population *pop, int day) {
  ctx->cfg = cfg;
  ctx->world = w;
  ctx->pop = pop;
  ctx->key = gc_rng_key_make(cfg->seed, GC_RNG_ACTIVITY);
  ctx->day = day;
  int wd = (cfg->start_weekday + day) % 7;
  ctx->weekend = wd >= 5;
  ctx->exempt_lists = 0;
  for (int l = 0; l < cfg->nlists; l++)
    if (cfg->list[l].exempt) ctx->exempt_lists |= (uint16_t)(1u << l);
  ctx->petition_truth = -1;
  for (int t = 0; t < cfg->population.ntruth; t++)
    if (cfg->population.truth[t].lawful) { ctx->petition_truth = t; break; }
}

typedef struct day_state {
  const gc_activity_ctx *ctx;
  gc_event_buf *out;
  gc_stream s;
  uint32_t agent;
  uint16_t seq;
} day_state;

static double rate(const day_state *d, int b) {
  const gc_behaviour_cfg *bc = &d->ctx->cfg->activity.beh[b];
  double base = d->ctx->weekend ? bc->rate_weekend : bc->rate_weekday;
  return base * d->ctx->pop->mult[(size_t)d->agent * GC_BEH_N + (size_t)b];
}

static int bernoulli(day_state *d, double r) {
  double u = gc_stream_u01(&d->s);
  return r > 0 && u < -expm1(-r);
}

static void emit(day_state *d, int kind, uint32_t place, int start, int end, float qty, int flags) {
  gc_event e = {d->agent, place, GC_NONE, qty, (uint16_t)start, (uint16_t)end, d->seq++, (uint8_t)kind, (uint8_t)flags};
  push(d->out, &e);
  d->out->tally.events++;
  if (kind == GC_TE_STAY) d->out->tally.stays[d->ctx->world->type[place]]++;
}

static uint32_t random_place(day_state *d, int region, int type) {
  const gc_world *w = d->ctx->world;
  uint32_t cnt = gc_world_count(w, region, type);
  uint32_t u = gc_stream_below(&d->s, cnt ? cnt : 1);
  return cnt ? w->range[region][type] + u : GC_NONE;
}

/* A stay of `dur` minutes at a random place of `type` starting in [from, to). */
static void visit(day_state *d, int type, int from, int to, int dur, int flags) {
  uint32_t p = random_place(d, 0, type);
  int start = from + (int)gc_stream_below(&d->s, (uint32_t)(to - from));
  if (p != GC_NONE) emit(d, GC_TE_STAY, p, start, start + dur, 0, flags);
}

static void routine(day_state *d) {
  const gc_population *p = d->ctx->pop;
  int32_t work = p->work[d->agent];
  if (work >= 0 && !d->ctx->weekend) {
    int start = 480 + (int)gc_stream_below(&d->s, 90);
    emit(d, GC_TE_STAY, (uint32_t)work, start, start + 480, 0, 0);
  }
  uint32_t n = gc_stream_poisson(&d->s, rate(d, GC_BEH_ERRAND));
  for (uint32_t k = 0; k < n; k++) visit(d, GC_PLACE_SHOP, 480, 1200, 20 + (int)gc_stream_below(&d->s, 40), 0);
  n = gc_stream_poisson(&d->s, rate(d, GC_BEH_LEISURE));
  for (uint32_t k = 0; k < n; k++) visit(d, GC_PLACE_LEISURE, 1080, 1320, 60 + (int)gc_stream_below(&d->s, 120), 0);
  n = gc_stream_poisson(&d->s, rate(d, GC_BEH_STATION_VISIT));
  for (uint32_t k = 0; k < n; k++) visit(d, GC_PLACE_STATION, 420, 1200, 30 + (int)gc_stream_below(&d->s, 210), 0);
  if (bernoulli(d, rate(d, GC_BEH_HOTEL_LOCAL)))
    visit(d, GC_PLACE_HOTEL, 1200, 1380, 600, 0);
}

static int pick_destination(day_state *d, int capital_trip) {
  const gc_world *w = d->ctx->world;
  int others = w->nregions - 2;
  uint8_t fam = d->ctx->pop->family_region[d->agent];
  double u = gc_stream_u01(&d->s);
  if (capital_trip || others <= 0) return w->capital;
  if (fam && u < 0.5) return fam;
  return 1 + (int)gc_stream_below(&d->s, (uint32_t)others);
}

static void start_trip(day_state *d, int capital_trip) {
  const gc_activity_ctx *c = d->ctx;
  gc_population *p = c->pop;
  int region = pick_destination(d, capital_trip);
  int rail = gc_stream_u01(&d->s) < 0.7;
  int flags = GC_EVF_DEPART;
  capital_trip = region == c->world->capital;   /* also a regional trip with no other region */
  if (capital_trip && c->petition_truth >= 0 && ((p->truth[d->agent] >> c->petition_truth) & 1)) {
    flags |= GC_EVF_PETITION;
    d->out->tally.petition_trips++;
  }
  d->out->tally.capital_trips += (uint64_t)capital_trip;
  visit(d, rail ? GC_PLACE_STATION : GC_PLACE_CHECKPOINT, 420, 1080, 30, flags);
  int arrive = 720 + (int)gc_stream_below(&d->s, 360);
  if (rail) {
    uint32_t st = random_place(d, region, GC_PLACE_STATION);
    if (st != GC_NONE) emit(d, GC_TE_STAY, st, arrive, arrive + 20, 0, flags);
  }
  int with_family = region == p->family_region[d->agent] && gc_stream_u01(&d->s) < 0.7;
  uint32_t hotel = random_place(d, region, GC_PLACE_HOTEL);
  if (!with_family && hotel != GC_NONE) emit(d, GC_TE_STAY, hotel, arrive + 60, arrive + 60 + 720, 0, flags);
  double extra = c->cfg->activity.trip_nights_mean - 1.0;
  uint32_t nights = 1 + (extra > 0 ? gc_stream_poisson(&d->s, extra) : 0);
  p->st.away_until[d->agent] = (uint16_t)(c->day + (int)nights);
  p->st.away_region[d->agent] = (uint8_t)region;
}

static void trips(day_state *d) {
  int capital = bernoulli(d, rate(d, GC_BEH_TRIP_CAPITAL));
  int region = bernoulli(d, rate(d, GC_BEH_TRIP_REGION));
  if (capital || region) start_trip(d, capital);
}

static void signals(day_state *d) {
  const gc_activity_ctx *c = d->ctx;
  const gc_population *p = c->pop;
  uint32_t i = d->agent;
  (void)gc_stream_poisson(&d->s, rate(d, GC_BEH_CALLS));   /* ordinary calls: volume only */
  uint32_t n = gc_stream_poisson(&d->s, rate(d, GC_BEH_NEW_NUMBER));
  for (uint32_t k = 0; k < n; k++) {
    int ooa = gc_stream_u01(&d->s) < c->cfg->activity.out_of_area_share;
    if (p->phone_reg[i] != GC_NONE) emit(d, GC_TE_CALL_NEW, (uint32_t)ooa, 600, 600, 0, 0);
  }
  if (bernoulli(d, rate(d, GC_BEH_PHONE_OFF)) && p->phone_reg[i] != GC_NONE)
    emit(d, GC_TE_PHONE_OFF, 0, 0, 1440, 0, 0);
  for (int k = 0; k < c->cfg->activity.npurchases; k++) {
    const gc_purchase_cfg *pc = &c->cfg->activity.purchase[k];
    double r = pc->rate * p->purchase_mult[(size_t)i * (size_t)c->cfg->activity.npurchases + (size_t)k];
    if (!bernoulli(d, r)) continue;
    double q = pc->mean_qty * exp(pc->sd_log * gc_stream_normal(&d->s) - pc->sd_log * pc->sd_log / 2);
    emit(d, GC_TE_PURCHASE, (uint32_t)k, 600, 600, (float)q, 0);
  }
}

static void offences(day_state *d) {
  const gc_activity_ctx *c = d->ctx;
  int t = c->cfg->activity.offence_truth;
  if (t < 0 || !((c->pop->truth[d->agent] >> t) & 1)) return;
  uint32_t n = gc_stream_poisson(&d->s, rate(d, GC_BEH_OFFENCE));
  for (uint32_t k = 0; k < n; k++) {
    uint32_t place = random_place(d, 0, GC_PLACE_STATION);
    emit(d, GC_TE_OFFENCE, place == GC_NONE ? 0 : place, 720, 720, 0, 0);
    d->out->tally.offences++;
    if (c->pop->st.lists[d->agent] & c->exempt_lists) d->out->tally.offences_exempt++;
  }
}

void gc_activity_agent_day(const gc_activity_ctx *ctx, uint32_t i, gc_event_buf *out) {
  gc_population *p = ctx->pop;
  if (p->st.detained_until[i] > ctx->day) {
    out->tally.agents_detained++;
    return;
  }
  day_state d;
  d.ctx = ctx;
  d.out = out;
  d.agent = i;
  d.seq = 0;
  gc_stream_init(&d.s, ctx->key, i, (uint32_t)ctx->day);
  uint16_t back = p->st.away_until[i];
  if (back > ctx->day) {                     /* away: only the phone is here */
    signals(&d);
    return;
  }
  out->tally.agents_active++;
  if (back == ctx->day && back > 0) {
    p->st.away_until[i] = 0;
    int rail = gc_stream_u01(&d.s) < 0.7;
    visit(&d, rail ? GC_PLACE_STATION : GC_PLACE_CHECKPOINT, 600, 1200, 20, GC_EVF_ARRIVE);
  }
  routine(&d);
  trips(&d);
  signals(&d);
  offences(&d);
}
