/*
** gc_activity.c — the daily itinerary model.
**
** Rates are the scenario's weekday or weekend means times the agent's
** precomputed multipliers (gc_population.mult).  Counts are Poisson for
** repeatable behaviours (errands, new numbers, offences) and Bernoulli for
** day-level choices (a hotel night, starting a trip, switching the phone
** off, a purchase) with probability 1 - exp(-rate), so that rate keeps the
** meaning "expected events per day" for small rates: a Bernoulli choice is
** whether a Poisson(rate) count is at least one.  Days of the festival
** (holiday_first_day, holiday_days) use weekend rates: nobody works,
** couples living apart meet.  Ordinary calls (`calls`) are volume only:
** nothing reads them, so they draw nothing.
**
** Drawing the counts (issue 6).  The core's counted behaviours of an
** agent-day are drawn together (draw_counts): the total is one
** Poisson(R) draw, R the sum of their rates, and each of its events is
** given to behaviour b with probability rate_b / R, one word each.  By the
** splitting property of the Poisson process this is exactly a set of
** independent Poisson(rate_b) counts, but it costs one exp() and about
** 1 + n words a day instead of one exp() and one word per behaviour; on
** most days nothing rare happens and only errands and leisure are split.
** (tests/cli/test_rng_change.py checks the audit's figures against the
** per-behaviour draws this replaced, over many seeds.)
**
** Two streams per agent-day.  The core's behaviours draw from counter
** (agent, day, .); everything added in issue 3 (compound and religious
** visits, the choice of car, evasion, the thinning of deterred offences)
** draws from (agent, day + GC_ACT_XDAY, .), so switching a new behaviour on
** does not reshuffle the errands and trips of the people it does not touch,
** and a feature whose rate is 0 costs no draw at all.  Decisions of a
** couple draw from (lower id, day + GC_ACT_PAIR_DAY, 0), which both
** partners can compute without reading each other's mutable state.
**
** Trips: a traveller leaves through a city station (70%) or a road
** checkpoint (30%), arrives at a station in the destination if by rail, and
** checks into a hotel there unless staying with family (70% when the
** destination is the family's region).  Vehicle owners go by car with
** probability trip_by_car (a checkpoint, the plate of their vehicle).  Rail
** travellers buy a real-name ticket (HRW-2018).  The destination is the
** capital for capital trips, else the family's region half of the time,
** else a random other region.  Nights away are 1 + Poisson, mean
** trip_nights - 1.  While away the agent makes no city stays; on the return
** day an arrival at a city station or checkpoint is emitted (by car if the
** trip left by car).  A capital trip by someone with the lawful petition
** truth is a petition trip; it is delivered on the first day after
** departure, unless the response intercepted it on the departure day.
**
** Offences of people whose truth enables them happen at a random city place
** of the `offences_at` types, or, with activity.offences_near_home, at one
** in the offender's home district (the world's district index), which is
** what lets residential segregation decide who a hotspot patrol meets.
**
** Reactions to policing (NYT-2022; HRW-2018 "surveillance itself deters"):
**  - deterrence: within reaction.deterrence_days after an action, each
**    offence is committed with probability reaction.deterrence (thinning of
**    the undeterred Poisson count, so committed ~ Poisson(rate x factor));
**    offences_deterred counts the thinned-out offences, i.e. the draws that
**    were suppressed: offences the no-response twin commits and this world
**    does not because of deterrence (detention prevents others, counted in
**    neither).
**  - chilling: a petitioner marked chilled by the response gives up every
**    later petition trip (counted when the trip would have started).
**  - evasion by aware agents (Tianjin's "anti-reconnaissance awareness",
**    NYT-2022), each with reaction.evade[k].prob per occasion and a cost:
**      phone off     occasions: trip days (departure and days away)
**      cash          occasions: errands (no payment) and ID-linked purchases
**      decoy ticket  occasions: rail departures; the traveller goes by own
**                    car, or by a hired driver (counted as a private-driver
**                    use) if without one
**      private driver occasions: departures not by car
**      change vehicle occasions: departures by own car; a household
**                    member's or a tie's vehicle, else an acquaintance's
**    Each use emits GC_TE_EVASION and adds its cost to the agent's totals.
**
** Travelling together (activity.travel_together; HRW-2017: the Police
** Cloud infers relationships from "people staying in the same hotel or
** travelling together").  When an agent starts a trip, each other member
** of its household who is free that day joins with probability
** travel_together: same departure station or checkpoint and minute, a
** real-name ticket of its own to the same destination if by rail, the
** same arrival station, the same hotel (none if staying with family), the
** same nights.  Free: not detained, not away, not returning and not
** already travelling today.  The joining draw of member k (index in the
** household) is (initiator, day + GC_ACT_JOIN_DAY, k), independent of
** every other stream, so switching the feature on reshuffles nobody's
** day; at 0 there is no draw at all.  A household lives in one block,
** processed in agent order on one thread, so the initiator writes the
** companions' trip state.  The two orders:
**  - a companion with a lower id has already lived its day (its stays
**    stand: the trip is decided after them); its party events are
**    inserted right after its own events, so the buffer stays sorted by
**    agent and whole-day sensors see one run per agent-day;
**  - a companion with a higher id is appended for now; on its own turn it
**    finds itself away, moves its party events to the end, and emits only
**    its phone's signals.
** Party events carry seq GC_ACT_PARTY_SEQ + k, a range the agent's own
** events never reach, since sensors key draws on (agent, day, seq).
** A companion is never a petitioner (the petition flag is the
** initiator's) and does not get GC_AGENT_BY_CAR: it comes back on its own
** return day, drawn from its own stream as the core's return leg.  In a
** car the companion is a passenger: its checkpoint stay has no
** GC_EVF_CAR, so the vehicle is read once, from the initiator's event.
** The travel mode and its evasions (decoy ticket, private driver, change
** of vehicle) are the initiator's: a hired driver carries the party, and
** only the initiator pays and emits the evasion; a companion makes no
** evasion of its own on the departure day.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "gc_activity.h"
#include "gc_mem.h"

#define GC_ACT_XDAY 0x40000000u     /* counter offset of the issue-3 stream */
#define GC_ACT_PAIR_DAY 0x80000000u /* counter offset of couples' draws */
#define GC_ACT_OWNER_TRIES 32       /* rejection draws for "a random vehicle owner" */
#define GC_ACT_JOIN_DAY 0xC0000000u /* counter offset of the draws of household members joining a trip */
#define GC_ACT_PARTY_SEQ GC_SEQ_COMPANIONS  /* seq of events emitted on a companion's behalf */
#define GC_ACT_PARTY_MAX 4          /* departure, ticket, arrival station, hotel */

/* The core's counted behaviours (draw_counts); purchases last, one each. */
enum {
  C_ERRAND, C_LEISURE, C_STATION, C_HOTEL, C_TRIP_REGION, C_TRIP_CAPITAL, C_NEW_NUMBER, C_PHONE_OFF,
  C_OFFENCE, C_PURCHASE, C_N = C_PURCHASE + GC_MAX_PURCHASES
};
_Static_assert(C_N == GC_ACT_NCOUNTS, "gc_activity.h sizes the base rates");

/* The behaviour whose rate and multiplier each count uses (C_PURCHASE up: none). */
static const int8_t count_beh[C_PURCHASE] = {
  GC_BEH_ERRAND, GC_BEH_LEISURE, GC_BEH_STATION_VISIT, GC_BEH_HOTEL_LOCAL, GC_BEH_TRIP_REGION,
  GC_BEH_TRIP_CAPITAL, GC_BEH_NEW_NUMBER, GC_BEH_PHONE_OFF, GC_BEH_OFFENCE
};

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

void gc_truth_tally_add(gc_truth_tally *to, const gc_truth_tally *from) {
  to->events += from->events;
  for (int t = 0; t < GC_PLACE_NTYPES; t++) to->stays[t] += from->stays[t];
  to->offences += from->offences;
  to->offences_exempt += from->offences_exempt;
  to->capital_trips += from->capital_trips;
  to->petition_trips += from->petition_trips;
  to->agents_active += from->agents_active;
  to->agents_detained += from->agents_detained;
  to->petitions_delivered += from->petitions_delivered;
  to->petitions_abandoned += from->petitions_abandoned;
  to->offences_deterred += from->offences_deterred;
  for (int k = 0; k < GC_EVADE_N; k++) to->evasions[k] += from->evasions[k];
  to->evasion_cents += from->evasion_cents;
  to->evasion_centiminutes += from->evasion_centiminutes;
  to->compound_entries += from->compound_entries;
  to->nights_with_partner += from->nights_with_partner;
  to->trip_companions += from->trip_companions;
  for (int k = 0; k < GC_MAX_DISTRICTS; k++) to->offences_by_district[k] += from->offences_by_district[k];
}

static void set_rates(gc_activity_ctx *ctx, const gc_config *cfg, int weekend);

/* The routine's city stays: where, when and how long (visit's arguments). */
static const struct { uint8_t type, b; int16_t from, to, lo, span; } city_stay[3] = {
  {GC_PLACE_SHOP, GC_BEH_ERRAND, 480, 1200, 20, 40},
  {GC_PLACE_LEISURE, GC_BEH_LEISURE, 1080, 1320, 60, 120},
  {GC_PLACE_STATION, GC_BEH_STATION_VISIT, 420, 1200, 30, 210},
};

void gc_activity_ctx_init(gc_activity_ctx *ctx, const gc_config *cfg, const gc_world *w,
                          gc_population *pop, int day) {
  const gc_activity_cfg *a = &cfg->activity;
  ctx->cfg = cfg;
  ctx->world = w;
  ctx->pop = pop;
  ctx->key = gc_rng_key_make(cfg->seed, GC_RNG_ACTIVITY);
  ctx->day = day;
  int wd = (cfg->start_weekday + day) % 7;
  ctx->holiday = a->holiday_first_day >= 0 && day >= a->holiday_first_day &&
                 day < a->holiday_first_day + a->holiday_days;
  ctx->weekend = wd >= 5 || ctx->holiday;
  ctx->exempt_lists = 0;
  for (int l = 0; l < cfg->nlists; l++)
    if (cfg->list[l].exempt) ctx->exempt_lists |= (uint16_t)(1u << l);
  ctx->petition_truth = a->petition_truth;
  ctx->evading = 0;
  for (int k = 0; k < GC_EVADE_N; k++) ctx->evading |= cfg->reaction.evade[k].prob > 0;
  const gc_behaviour_cfg *pv = &a->beh[GC_BEH_PARTNER_VISIT];
  ctx->partner_rate = ctx->holiday ? a->holiday_partner_visit : ctx->weekend ? pv->rate_weekend : pv->rate_weekday;
  const gc_behaviour_cfg *cv = &a->beh[GC_BEH_COMPOUND_VISIT], *rv = &a->beh[GC_BEH_RELIGIOUS];
  ctx->compound_visits = (ctx->weekend ? cv->rate_weekend : cv->rate_weekday) > 0;
  ctx->religious_visits = (ctx->weekend ? rv->rate_weekend : rv->rate_weekday) > 0;
  set_rates(ctx, cfg, ctx->weekend);
  ctx->stay_core = 1;
  for (int j = 0; j < 3; j++) {
    const gc_behaviour_cfg *bc = &a->beh[city_stay[j].b];
    ctx->stay_first[j] = w ? w->range[0][city_stay[j].type] : 0;
    ctx->stay_count[j] = w ? gc_world_count(w, 0, city_stay[j].type) : 0;
    ctx->stay_core &= bc->minutes <= 0 && bc->nminmult == 0;
  }
}

/* The counted behaviours' base rates of a weekday (weekend 0) or a weekend
** day (1), and the list of those with a positive one. */
static void set_rates(gc_activity_ctx *ctx, const gc_config *cfg, int weekend) {
  const gc_activity_cfg *a = &cfg->activity;
  for (int k = 0; k < C_PURCHASE; k++) {
    const gc_behaviour_cfg *bc = &a->beh[count_beh[k]];
    ctx->base[k] = weekend ? bc->rate_weekend : bc->rate_weekday;
  }
  for (int k = 0; k < a->npurchases; k++) ctx->base[C_PURCHASE + k] = a->purchase[k].rate;
  ctx->nactive = 0;
  ctx->first_signal = -1;
  for (int k = 0; k < C_PURCHASE + a->npurchases; k++) {
    if (!(ctx->base[k] > 0) || (k == C_OFFENCE && a->offence_truth < 0)) continue;
    if (k >= C_NEW_NUMBER && ctx->first_signal < 0) ctx->first_signal = ctx->nactive;
    ctx->active[ctx->nactive++] = (uint8_t)k;
  }
  if (ctx->first_signal < 0) ctx->first_signal = ctx->nactive;
  for (ctx->first_rare = 0; ctx->first_rare < ctx->nactive && ctx->active[ctx->first_rare] <= C_LEISURE;)
    ctx->first_rare++;
  ctx->offence_truth = a->offence_truth;
}

typedef struct day_state {
  const gc_activity_ctx *ctx;
  gc_event_buf *out;
  gc_stream s;          /* the core's behaviours */
  gc_stream x;          /* behaviours of issue 3 (see the top) */
  uint32_t agent;
  uint16_t seq;
  uint16_t tseq;         /* tickets: numbered from GC_SEQ_TICKETS, so the core's events keep their numbers */
  uint8_t aware;        /* aware and some evasion is possible */
  uint8_t phone_off;    /* a phone-off event was emitted today */
  uint32_t n[C_N];      /* today's counts (draw_counts); those after C_LEISURE only if `rare` */
  uint32_t rare;        /* events among them that are not errands or leisure (0: the later steps have none) */
} day_state;

static inline double rate(const day_state *d, int b) {
  const gc_behaviour_cfg *bc = &d->ctx->cfg->activity.beh[b];
  double base = d->ctx->weekend ? bc->rate_weekend : bc->rate_weekday;
  return base * d->ctx->pop->mult[(size_t)d->agent * GC_BEH_N + (size_t)b];
}

/* Agent i's rate of counted behaviour k (C_*) on a day with base rates base. */
static inline double count_rate(const gc_population *p, int npurchases, const double *base, uint32_t i, int k) {
  if (k >= C_PURCHASE) return base[k] * p->purchase_mult[(size_t)i * (size_t)npurchases + (size_t)(k - C_PURCHASE)];
  return base[k] * p->mult[(size_t)i * GC_BEH_N + (size_t)count_beh[k]];
}

/* Whether agent i's truth enables offences. */
static inline int offender(const gc_population *p, int offence_truth, uint32_t i) {
  return offence_truth >= 0 && ((p->truth[i] >> offence_truth) & 1);
}

/* The total of agent i's counted behaviours among active[j0..n-1] on a day
** with base rates base (offences only for an offender, never when
** signals_only). */
static double count_total(const gc_population *p, int npurchases, const double *base, const uint8_t *active, int j0,
                          int n, uint32_t i, int offences) {
  double total = 0;
  for (int j = j0; j < n; j++)
    if (active[j] != C_OFFENCE || offences) total += count_rate(p, npurchases, base, i, active[j]);
  return total;
}

int gc_activity_prepare(const gc_config *cfg, gc_population *p) {
  free(p->act_rate);
  p->act_rate = malloc((size_t)p->n * sizeof *p->act_rate);
  if (!p->act_rate) return -1;
  gc_activity_ctx day[2];                      /* a weekday and a weekend day (no population needed) */
  for (int w = 0; w < 2; w++) {
    gc_activity_ctx_init(&day[w], cfg, NULL, p, 0);
    set_rates(&day[w], cfg, w);
  }
  int np = cfg->activity.npurchases, ot = cfg->activity.offence_truth;
  #pragma omp parallel for schedule(static)
  for (uint32_t i = 0; i < p->n; i++)
    for (int w = 0; w < 2; w++) {
      gc_act_rate *r = &p->act_rate[i];
      r->total[w] = (float)count_total(p, np, day[w].base, day[w].active, 0, day[w].nactive, i, offender(p, ot, i));
      r->p0[w] = exp(-(double)r->total[w]);     /* of the stored total: the inversion sums to 1 */
      r->errand[w] = (float)count_rate(p, np, day[w].base, i, C_ERRAND);
      r->leisure[w] = (float)count_rate(p, np, day[w].base, i, C_LEISURE);
    }
  return 0;
}

/* Today's counts of the core's behaviours (see the top): all of them for
** an agent at home, the phone's and purchases' only (`signals_only`) for
** one away; offences only for people whose truth enables them.  The total
** is drawn by inversion from one uniform u; the first event's behaviour
** reuses u's position within the total's probability step (uniform on
** [0, 1) given the total, with 2^-32 / P(total) resolution), every further
** event takes a word and is placed by summing the rates until they pass
** it (errands, the likeliest, come first). */
static void draw_counts(day_state *d, int signals_only) {
  const gc_activity_ctx *c = d->ctx;
  const gc_population *p = c->pop;
  int np = c->cfg->activity.npurchases, j0 = signals_only ? c->first_signal : 0;
  int offences = !signals_only && offender(p, c->offence_truth, d->agent);
  uint32_t ne = 0, nl = 0;                      /* errands and leisure, kept in registers */
  d->n[C_ERRAND] = d->n[C_LEISURE] = 0;
  d->rare = 0;                                  /* the other counts are cleared with the first rare event */
  double total, q, common[2] = {0, 0};          /* errand and leisure rates, when stored */
  if (!signals_only && p->act_rate) {
    const gc_act_rate *r = &p->act_rate[d->agent];
    int w = c->weekend;
    total = r->total[w];
    q = r->p0[w];
    common[0] = r->errand[w];
    common[1] = r->leisure[w];
    j0 = c->first_rare;                           /* the scan below starts after them */
  } else {
    total = count_total(p, np, c->base, c->active, j0, c->nactive, d->agent, offences);
    q = exp(-total);
  }
  if (!(total > 0)) return;
  uint32_t n;
  double x0, scale0;        /* the first event: behaviour k where x0 < (sum of rates up to k) x scale0 */
  if (total > 30) {
    n = gc_stream_poisson(&d->s, total);
    x0 = gc_stream_u01(&d->s) * total;
    scale0 = 1;
  } else {
    static const double inv[9] = {0, 1, 1 / 2., 1 / 3., 1 / 4., 1 / 5., 1 / 6., 1 / 7., 1 / 8.};
    double u = gc_stream_u01(&d->s), cdf;
    /* The first four steps of the inversion without a branch: a branch on
    ** a random number is mispredicted about once a day, which cost more
    ** than the arithmetic.  The steps are the loop's own operations, so
    ** the counts are identical to the loop's; the sums never decrease, so
    ** the count of those below u is the first n with u <= cdf(n). */
    double qs[4], cs[4];
    qs[0] = cs[0] = q;
    for (int k = 1; k < 4; k++) {
      qs[k] = qs[k - 1] * (total * inv[k]);
      cs[k] = cs[k - 1] + qs[k];
    }
    n = (uint32_t)(u > cs[0]) + (uint32_t)(u > cs[1]) + (uint32_t)(u > cs[2]) + (uint32_t)(u > cs[3]);
    q = qs[n & 3];
    cdf = cs[n & 3];
    if (n == 4) {                                 /* rare: four or more events */
      q = qs[3];
      cdf = cs[3];
      for (n = 3; u > cdf && n < 1000;) {
        n++;
        q *= n < 9 ? total * inv[n] : total / n;
        cdf += q;
      }
    }
    /* (u - (cdf - q)) / q is uniform on [0, 1) given n: compared as x0 < sum x q, without dividing */
    x0 = (u - (cdf - q)) * total;
    scale0 = q;
  }
  for (uint32_t e = 0; e < n; e++) {
    double x = e ? gc_stream_u01(&d->s) * total : x0, scale = e ? 1 : scale0;
    int k = -1;
    double sum = common[0] + common[1];
    /* errand or leisure, most events, without a branch (the same comparisons as the scan below) */
    int errand = (common[0] > 0) & (x < common[0] * scale);
    int leisure = !errand & (common[1] > 0) & (x < sum * scale);
    ne += (uint32_t)errand;
    nl += (uint32_t)leisure;
    if (errand | leisure) continue;
    if (!d->rare++) memset(d->n + C_STATION, 0, sizeof d->n - C_STATION * sizeof d->n[0]);
    if (common[1] > 0) k = C_LEISURE;
    else if (common[0] > 0) k = C_ERRAND;
    for (int j = j0; j < c->nactive; j++) {      /* the last behaviour with a rate absorbs rounding */
      int kj = c->active[j];
      if (kj == C_OFFENCE && !offences) continue;
      double r = count_rate(p, np, c->base, d->agent, kj);
      if (!(r > 0)) continue;
      k = kj;
      sum += r;
      if (x < sum * scale) break;
    }
    ne += (uint32_t)(k == C_ERRAND);
    nl += (uint32_t)(k == C_LEISURE);
    if (k > C_LEISURE) d->n[k]++;
  }
  d->n[C_ERRAND] = ne;
  d->n[C_LEISURE] = nl;
}

/* One word of the issue-3 stream: whether an event of probability p happens. */
static int chance(day_state *d, double p) {
  return gc_stream_u01(&d->x) < p;
}

static void emit_other(day_state *d, int kind, uint32_t place, uint32_t other, int start, int end, float qty,
                       int flags) {
  if (end > UINT16_MAX) end = UINT16_MAX;
  gc_event e = {d->agent, place, other, qty, (uint16_t)start, (uint16_t)end, d->seq++, (uint8_t)kind, (uint8_t)flags};
  push(d->out, &e);
  d->out->tally.events++;
  if (kind == GC_TE_STAY) d->out->tally.stays[d->ctx->world->type[place]]++;
}

/* A ticket is numbered apart (sensors key their draws on the number), so
** that buying one does not shift which later events of the day are seen. */
static void emit_ticket(day_state *d, uint32_t station, uint32_t region, int start, int flags) {
  uint16_t seq = d->seq;
  d->seq = d->tseq++;
  emit_other(d, GC_TE_TICKET, station, region, start, start, 0, flags);
  d->seq = seq;
}

static void emit(day_state *d, int kind, uint32_t place, int start, int end, float qty, int flags) {
  emit_other(d, kind, place, GC_NONE, start, end, qty, flags);
}

/* An act of evasion of kind k at minute `start`, with its costs. */
static void evade(day_state *d, int k, int start) {
  const gc_evasion_cfg *e = &d->ctx->cfg->reaction.evade[k];
  gc_population *p = d->ctx->pop;
  emit(d, GC_TE_EVASION, (uint32_t)k, start, start + (int)lround(e->cost_minutes), (float)e->cost_money, 0);
  p->st.evasion_money[d->agent] += (float)e->cost_money;
  p->st.evasion_minutes[d->agent] += (float)e->cost_minutes;
  d->out->tally.evasions[k]++;
  d->out->tally.evasion_cents += (uint64_t)llround(100.0 * e->cost_money);
  d->out->tally.evasion_centiminutes += (uint64_t)llround(100.0 * e->cost_minutes);
}

/* Whether an aware agent uses evasion k on this occasion (one draw if possible). */
static int uses(day_state *d, int k) {
  double p = d->ctx->cfg->reaction.evade[k].prob;
  return d->aware && p > 0 && chance(d, p);
}

static uint32_t random_place(gc_stream *s, const gc_world *w, int region, int type) {
  uint32_t cnt = gc_world_count(w, region, type);
  uint32_t u = gc_stream_below(s, cnt ? cnt : 1);
  return cnt ? w->range[region][type] + u : GC_NONE;
}

/* Length of a stay of behaviour b from the 16-bit number h: the built-in
** lo + U[0, span) minutes, or, when the scenario sets `minutes`,
** U[0.5, 1.5) x minutes (exactly `minutes` if span is 0); times the
** stay-length multipliers the agent meets. */
static inline int core_minutes(uint32_t h, int lo, int span) {
  return lo + (int)((h * (uint32_t)span) >> 16);
}

static inline int stay_minutes(const day_state *d, uint32_t h, int b, int lo, int span) {
  const gc_behaviour_cfg *bc = &d->ctx->cfg->activity.beh[b];
  if (bc->minutes <= 0 && bc->nminmult == 0)             /* the core's lengths: the hot path */
    return core_minutes(h, lo, span);
  double m = bc->minutes > 0 ? bc->minutes * (span > 0 ? 0.5 + (h + 0.5) / 65536.0 : 1.0)
                             : lo + (double)((h * (uint32_t)span) >> 16);
  for (int k = 0; k < bc->nminmult; k++)
    if (gc_pop_cond(d->ctx->pop, d->agent, bc->minmult[k].cond)) m *= bc->minmult[k].factor;
  return m < 1 ? 1 : m > 1440 ? 1440 : (int)lround(m);
}

/* Start minute in [from, to) from the 16-bit number h (multiply-shift:
** each minute's probability is within 1.3% of uniform for the longest
** window, 840 minutes, which no audit figure can resolve). */
static inline int minute_in(uint32_t h, int from, int to) {
  return from + (int)((h * (uint32_t)(to - from)) >> 16);
}

/* A stay at a random city place of `type` starting in [from, to), drawn
** from s: one word for the place, one for the start (low half) and the
** length (high half: stay_minutes of behaviour b with lo, span; b < 0: a
** fixed `lo` minutes).  With `other` (the vehicle) and flags.  Returns the
** start minute, or -1 if the city has no such place; *where (if not NULL)
** receives the place. */
static int visit_other(day_state *d, gc_stream *s, int type, int from, int to, int b, int lo, int span, int flags,
                       uint32_t other, uint32_t *where) {
  uint32_t p = random_place(s, d->ctx->world, 0, type);
  uint32_t w = gc_stream_u32(s);
  int start = minute_in(w & 0xFFFFu, from, to);
  int dur = b < 0 ? lo : stay_minutes(d, w >> 16, b, lo, span);
  if (where) *where = p;
  if (p == GC_NONE) return -1;
  emit_other(d, GC_TE_STAY, p, other, start, start + dur, 0, flags);
  return start;
}

static int visit(day_state *d, int type, int from, int to, int b, int lo, int span, int flags) {
  return visit_other(d, &d->s, type, from, to, b, lo, span, flags, GC_NONE, NULL);
}

/* Errands, each paid in cash by an aware agent with the cash probability. */
static void errands(day_state *d) {
  uint32_t n = d->n[C_ERRAND];
  int cash_possible = d->aware && d->ctx->cfg->reaction.evade[GC_EVADE_CASH].prob > 0 &&
                      gc_world_count(d->ctx->world, 0, GC_PLACE_SHOP) > 0;
  for (uint32_t k = 0; k < n; k++) {
    int cash = cash_possible && uses(d, GC_EVADE_CASH);
    int start = visit(d, city_stay[0].type, city_stay[0].from, city_stay[0].to, city_stay[0].b, city_stay[0].lo,
                      city_stay[0].span, cash ? GC_EVF_CASH : 0);
    if (cash) evade(d, GC_EVADE_CASH, start);
  }
}

/* The routine of an agent who is not evading when the errand, leisure and
** station stays all have the built-in lengths: what the general path below
** does, with the same words and events, without a branch on whether the
** agent works today (mispredicted for about one agent-day in four: the
** event is written in any case and counted only if so), with the places'
** ranges read once a day and room for the events reserved once. */
static void routine_core(day_state *d, int32_t work, uint32_t ne, uint32_t nl, uint32_t ns) {
  const gc_activity_ctx *c = d->ctx;
  gc_event_buf *b = d->out;
  gc_event *ev = gc_grow(b->ev, &b->cap, b->n + 1 + ns, sizeof *ev);
  if (!ev) { b->oom = 1; return; }
  b->ev = ev;
  uint32_t works = (work >= 0) & !c->weekend, place = works ? (uint32_t)work : 0;
  if (works && d->s.used == 4) gc_stream_u32(&d->s), d->s.used = 0;   /* refill, keep the word */
  int start = 480 + (int)(((uint64_t)d->s.buf.v[d->s.used & 3] * 90) >> 32);
  d->s.used += works;
  ev[b->n] = (gc_event){d->agent, place, GC_NONE, 0, (uint16_t)start, (uint16_t)(start + 480), d->seq,
                        GC_TE_STAY, 0};
  b->n += works;
  d->seq = (uint16_t)(d->seq + works);
  b->tally.events += works;
  b->tally.stays[c->world->type[place]] += works;
  for (uint32_t k = 0; k < ns; k++) {
    int j = (k >= ne) + (k >= nl);
    uint32_t cnt = c->stay_count[j];
    uint32_t u = gc_stream_below(&d->s, cnt ? cnt : 1), w = gc_stream_u32(&d->s);
    if (!cnt) continue;
    int s0 = minute_in(w & 0xFFFFu, city_stay[j].from, city_stay[j].to);
    int end = s0 + core_minutes(w >> 16, city_stay[j].lo, city_stay[j].span);
    ev[b->n++] = (gc_event){d->agent, c->stay_first[j] + u, GC_NONE, 0, (uint16_t)s0, (uint16_t)end, d->seq++,
                            GC_TE_STAY, 0};
    b->tally.events++;
    b->tally.stays[city_stay[j].type]++;
  }
}

static void routine(day_state *d) {
  const gc_population *p = d->ctx->pop;
  int32_t work = p->work[d->agent];
  uint32_t ne = d->n[C_ERRAND], nl = ne + d->n[C_LEISURE], ns = nl + (d->rare ? d->n[C_STATION] : 0), k = 0;
  if (d->ctx->stay_core && !d->aware) {
    routine_core(d, work, ne, nl, ns);
    k = ns;
  } else if (work >= 0 && !d->ctx->weekend) {
    int start = 480 + (int)gc_stream_below(&d->s, 90);
    emit(d, GC_TE_STAY, (uint32_t)work, start, start + 480, 0, 0);
  }
  /* errands, leisure, station visits in that order, as one loop: the end
  ** of each of three loops of random length was a mispredicted branch; an
  ** aware agent's errands, which may be paid in cash, come first apart */
  if (d->aware) {
    errands(d);
    k = ne;
  }
  for (; k < ns; k++) {
    int j = (k >= ne) + (k >= nl);
    visit(d, city_stay[j].type, city_stay[j].from, city_stay[j].to, city_stay[j].b, city_stay[j].lo,
          city_stay[j].span, 0);
  }
  if (d->rare && d->n[C_HOTEL])
    visit(d, GC_PLACE_HOTEL, 1200, 1380, GC_BEH_HOTEL_LOCAL, 600, 0, 0);
}

/* A uniformly random agent other than the day's agent. */
static uint32_t random_other(day_state *d) {
  uint32_t n = d->ctx->pop->n;
  if (n < 2) return d->agent;
  uint32_t j = gc_stream_below(&d->x, n - 1);
  return j >= d->agent ? j + 1 : j;
}

/* A companion from the agent's ties and household (uniform over out-ties
** and the other members); GC_NONE if there is nobody.  Out-ties may point
** to the agent itself (coworkers are drawn from the whole workplace): such
** draws are repeated a few times, then give up. */
static uint32_t tie_or_member(day_state *d) {
  const gc_population *p = d->ctx->pop;
  uint32_t i = d->agent, h = p->hh[i], first = p->hh_start[h];
  uint32_t others = p->hh_start[h + 1] - first - 1;
  uint64_t t0 = p->tie_start[i], nt = p->tie_start[i + 1] - t0;
  if (nt + others == 0) return GC_NONE;
  for (int tries = 0; tries < 8; tries++) {
    uint32_t k = gc_stream_below(&d->x, (uint32_t)(nt + others));
    if (k >= nt) return first + (k - (uint32_t)nt) >= i ? first + (k - (uint32_t)nt) + 1 : first + (k - (uint32_t)nt);
    if (p->tie_dst[t0 + k] != i) return p->tie_dst[t0 + k];
  }
  return GC_NONE;
}

/* The compound of another household: a friend's with probability 1/2 if
** the agent has friends, else a random household's; a random compound if
** that one is the agent's own.  GC_NONE if there is no other compound. */
static uint32_t other_compound(day_state *d) {
  const gc_population *p = d->ctx->pop;
  const gc_world *w = d->ctx->world;
  uint32_t i = d->agent, own = p->hh_compound[p->hh[i]];
  uint64_t t0 = p->tie_start[i], nf = 0;
  while (t0 + nf < p->tie_start[i + 1] && p->tie_kind[t0 + nf] == GC_TIE_FRIEND) nf++;  /* friends first */
  uint32_t host = nf && chance(d, 0.5) ? p->tie_dst[t0 + gc_stream_below(&d->x, (uint32_t)nf)]
                                       : gc_stream_below(&d->x, p->n);
  uint32_t c = p->hh_compound[p->hh[host]];
  if (c != GC_NONE && c != own) return c;
  uint32_t cnt = gc_world_count(w, 0, GC_PLACE_COMPOUND), base = w->range[0][GC_PLACE_COMPOUND];
  if (cnt == 0) return GC_NONE;
  if (own == GC_NONE) return base + gc_stream_below(&d->x, cnt);
  if (cnt == 1) return GC_NONE;                  /* the only compound is the agent's own */
  c = base + gc_stream_below(&d->x, cnt - 1);    /* uniform over the others */
  return c >= own ? c + 1 : c;
}

/* Entries into other residential compounds, with companions registered
** at the gate (HRW-2018 visitor systems; NYT-2022's pyramid-scheme rule). */
static void compound_visits(day_state *d) {
  double r = rate(d, GC_BEH_COMPOUND_VISIT);
  if (r <= 0) return;
  uint32_t n = gc_stream_poisson(&d->x, r);
  for (uint32_t k = 0; k < n; k++) {
    uint32_t c = other_compound(d);
    if (c == GC_NONE) return;
    uint32_t w = gc_stream_u32(&d->x);
    int dur = stay_minutes(d, w >> 16, GC_BEH_COMPOUND_VISIT, 60, 120);
    int start = minute_in(w & 0xFFFFu, 600, 1200);
    emit(d, GC_TE_STAY, c, start, start + dur, 0, 0);
    d->out->tally.compound_entries++;
    uint32_t m = gc_stream_poisson(&d->x, rate(d, GC_BEH_COMPANIONS));
    double stranger = rate(d, GC_BEH_NEW_COMPANION);
    for (uint32_t j = 0; j < m; j++) {
      uint32_t who = chance(d, stranger) ? GC_NONE : tie_or_member(d);
      if (who == GC_NONE) who = random_other(d);
      emit_other(d, GC_TE_COMPANION, c, who, start, start, 0, 0);
    }
  }
}

static void religious_visits(day_state *d) {
  double r = rate(d, GC_BEH_RELIGIOUS);
  if (r <= 0) return;
  uint32_t n = gc_stream_poisson(&d->x, r);
  for (uint32_t k = 0; k < n; k++)
    visit_other(d, &d->x, GC_PLACE_RELIGIOUS, 360, 1200, GC_BEH_RELIGIOUS, 45, 60, 0, GC_NONE, NULL);
}

/* A night together for a couple living apart.  The pair's draw is keyed by
** the lower id, so both partners compute the same decision; the partner
** who travels emits the night (place = the other's household), so the
** night is emitted once, by its own agent.  The probability is the day's
** base rate times the smaller of the two partners' multipliers (a couple
** meets as rarely as its less willing member: a sham marriage needs only
** one).  The host's detention is read (it changes only between days); the
** host's own trips are not (they change during the day's pass), so a
** traveller may visit an empty home. */
static void partner_night(day_state *d) {
  const gc_activity_ctx *c = d->ctx;
  const gc_population *p = c->pop;
  uint32_t i = d->agent, j = p->partner[i];
  if (j == GC_NONE || p->hh[j] == p->hh[i] || p->st.away_until[i] > c->day ||
      p->st.detained_until[j] > c->day)
    return;
  uint32_t lo = i < j ? i : j, hi = i < j ? j : i;
  philox4x32_ctr_t u = gc_rng4(c->key, lo, (uint32_t)c->day + GC_ACT_PAIR_DAY, 0);
  float mi = p->mult[(size_t)i * GC_BEH_N + GC_BEH_PARTNER_VISIT];
  float mj = p->mult[(size_t)j * GC_BEH_N + GC_BEH_PARTNER_VISIT];
  double prob = c->partner_rate * (mi < mj ? mi : mj);
  uint32_t traveller = (u.v[1] & 1) ? lo : hi;
  if (gc_u01(u.v[0]) >= prob || traveller != i) return;
  emit(d, GC_TE_NIGHT, p->hh[j], 1260, 1260 + 600, 0, 0);
  d->out->tally.nights_with_partner++;
}

/* The registered owner of a random vehicle owner's vehicle (a hired
** driver, an acquaintance's car); GC_NONE if none is found. */
static uint32_t random_vehicle(day_state *d) {
  const gc_population *p = d->ctx->pop;
  for (int t = 0; t < GC_ACT_OWNER_TRIES; t++) {
    uint32_t j = random_other(d);
    if (p->vehicle_reg[j] != GC_NONE && p->vehicle_reg[j] != p->vehicle_reg[d->agent]) return p->vehicle_reg[j];
  }
  return GC_NONE;
}

/* Whether agent j has a vehicle agent i could borrow (not i's own). */
static int lends(const gc_population *p, uint32_t i, uint32_t j) {
  return j != i && p->vehicle_reg[j] != GC_NONE && p->vehicle_reg[j] != p->vehicle_reg[i];
}

/* A vehicle of a household member or a tie, other than the agent's own
** (uniform over those people); else a random vehicle. */
static uint32_t borrowed_vehicle(day_state *d) {
  const gc_population *p = d->ctx->pop;
  uint32_t i = d->agent, h = p->hh[i], cand = 0;
  for (uint32_t j = p->hh_start[h]; j < p->hh_start[h + 1]; j++) cand += (uint32_t)lends(p, i, j);
  for (uint64_t t = p->tie_start[i]; t < p->tie_start[i + 1]; t++) cand += (uint32_t)lends(p, i, p->tie_dst[t]);
  if (!cand) return random_vehicle(d);
  uint32_t pick = gc_stream_below(&d->x, cand);
  for (uint32_t j = p->hh_start[h]; j < p->hh_start[h + 1]; j++)
    if (lends(p, i, j) && pick-- == 0) return p->vehicle_reg[j];
  for (uint64_t t = p->tie_start[i]; t < p->tie_start[i + 1]; t++)
    if (lends(p, i, p->tie_dst[t]) && pick-- == 0) return p->vehicle_reg[p->tie_dst[t]];
  return GC_NONE;
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

/* How a departure goes: by rail, by road (coach) or by car (vehicle =
** registered owner; GC_NONE for a car from outside the population), and
** which evasions it uses. */
typedef struct departure {
  int rail, car;
  uint32_t vehicle;
  int vflags;                      /* GC_EVF_BORROWED: not the agent's own */
  int decoy, hired, changed;       /* evasions used */
} departure;

/* The car choice and the evasions of a departure (issue-3 stream). */
static void choose_mode(day_state *d, departure *m) {
  const gc_population *p = d->ctx->pop;
  const gc_world *w = d->ctx->world;
  uint32_t own = p->vehicle_reg[d->agent];
  double by_car = d->ctx->cfg->activity.trip_by_car;
  m->car = m->decoy = m->hired = m->changed = m->vflags = 0;
  m->vehicle = GC_NONE;
  if (own != GC_NONE && by_car > 0 && chance(d, by_car)) { m->car = 1; m->vehicle = own; }
  if (!d->aware) return;
  if (!m->car && m->rail && w->nregions > 2 && gc_world_count(w, 0, GC_PLACE_STATION) &&
      uses(d, GC_EVADE_DECOY_TICKET)) {
    m->decoy = 1;
    m->rail = 0;
    if (own != GC_NONE) { m->car = 1; m->vehicle = own; }
    else m->hired = 1;
  } else if (!m->car && uses(d, GC_EVADE_PRIVATE_DRIVER)) {
    m->hired = 1;
  }
  if (m->hired) {
    m->car = 1;
    m->vehicle = random_vehicle(d);
    m->vflags = GC_EVF_BORROWED;
  } else if (m->car && uses(d, GC_EVADE_CHANGE_VEHICLE)) {
    m->changed = 1;
    m->vehicle = borrowed_vehicle(d);
    m->vflags = GC_EVF_BORROWED;
  }
}

/* Phone off for the day as evasion (trip days of aware phone owners). */
static void phone_off_evasion(day_state *d, int start) {
  if (d->ctx->pop->phone_reg[d->agent] == GC_NONE || !uses(d, GC_EVADE_PHONE_OFF)) return;
  emit(d, GC_TE_PHONE_OFF, 0, 0, 1440, 0, 0);
  d->phone_off = 1;
  evade(d, GC_EVADE_PHONE_OFF, start);
}

/* A decoy ticket from a random city station to a region other than the
** real destination. */
static void decoy_ticket(day_state *d, int region, int start, int flags) {
  const gc_world *w = d->ctx->world;
  uint32_t st = random_place(&d->x, w, 0, GC_PLACE_STATION);
  uint32_t fake = 1 + gc_stream_below(&d->x, (uint32_t)(w->nregions - 2));
  if (fake >= (uint32_t)region) fake++;
  emit_ticket(d, st, fake, start, flags | GC_EVF_DECOY);
  evade(d, GC_EVADE_DECOY_TICKET, start);
}

/* What companions share with the initiator of a trip. */
typedef struct party {
  uint32_t from;             /* departure station or checkpoint; GC_NONE if the city has none */
  int start;                 /* departure minute */
  int ticket;                /* by rail from a station: real-name tickets */
  uint32_t station;          /* arrival station in the destination, GC_NONE if none */
  int arrive;
  uint32_t hotel;            /* GC_NONE: staying with family, or no hotel */
  int region, capital;
  uint16_t until;            /* away_until */
} party;

/* Party events of companion j into e (seq from GC_ACT_PARTY_SEQ); the count. */
static int party_events(const party *t, uint32_t j, gc_event *e) {
  int n = 0;
  uint16_t seq = GC_ACT_PARTY_SEQ;
  if (t->from != GC_NONE) {
    e[n++] = (gc_event){j, t->from, GC_NONE, 0, (uint16_t)t->start, (uint16_t)(t->start + 30), seq++, GC_TE_STAY,
                        GC_EVF_DEPART};
    if (t->ticket)
      e[n++] = (gc_event){j, t->from, (uint32_t)t->region, 0, (uint16_t)t->start, (uint16_t)t->start, seq++,
                          GC_TE_TICKET, GC_EVF_DEPART};
  }
  if (t->station != GC_NONE)
    e[n++] = (gc_event){j, t->station, GC_NONE, 0, (uint16_t)t->arrive, (uint16_t)(t->arrive + 20), seq++,
                        GC_TE_STAY, GC_EVF_DEPART};
  if (t->hotel != GC_NONE)
    e[n++] = (gc_event){j, t->hotel, GC_NONE, 0, (uint16_t)(t->arrive + 60), (uint16_t)(t->arrive + 60 + 720),
                        seq++, GC_TE_STAY, GC_EVF_DEPART};
  return n;
}

/* Inserts n events at index `at` of b (tallied as emitted). */
static void insert_events(gc_event_buf *b, size_t at, const gc_event *e, int n, const gc_world *w) {
  gc_event *ev = gc_grow(b->ev, &b->cap, b->n + (size_t)n, sizeof *ev);
  if (!ev) { b->oom = 1; return; }
  b->ev = ev;
  memmove(ev + at + n, ev + at, (b->n - at) * sizeof *ev);
  memcpy(ev + at, e, (size_t)n * sizeof *ev);
  b->n += (size_t)n;
  b->tally.events += (uint64_t)n;
  for (int k = 0; k < n; k++)
    if (e[k].kind == GC_TE_STAY) b->tally.stays[w->type[e[k].place]]++;
}

/* Household members who join agent d->agent's trip t (see the top). */
static void companions(day_state *d, const party *t) {
  const gc_activity_ctx *c = d->ctx;
  gc_population *p = c->pop;
  gc_event_buf *b = d->out;
  uint32_t i = d->agent, h = p->hh[i], first = p->hh_start[h], last = p->hh_start[h + 1];
  int day = c->day;
  for (uint32_t j = first; j < last; j++) {
    if (j == i) continue;
    philox4x32_ctr_t u = gc_rng4(c->key, i, (uint32_t)day + GC_ACT_JOIN_DAY, j - first);
    if (gc_u01(u.v[0]) >= c->cfg->activity.travel_together) continue;
    uint16_t away = p->st.away_until[j];
    if (p->st.detained_until[j] > day || (away && away >= day)) continue;   /* detained, away, returning */
    size_t at = b->n;
    if (j < i) {                 /* lived its day: insert after its events, unless it came back today */
      while (at > 0 && b->ev[at - 1].agent > j) at--;
      int back_today = 0;
      for (size_t k = at; k > 0 && b->ev[k - 1].agent == j; k--) back_today |= b->ev[k - 1].flags & GC_EVF_ARRIVE;
      if (back_today) continue;
    }
    gc_event e[GC_ACT_PARTY_MAX];
    insert_events(b, at, e, party_events(t, j, e), c->world);
    p->st.away_until[j] = t->until;
    p->st.away_region[j] = (uint8_t)t->region;
    p->st.trip_start[j] = (uint16_t)day;
    p->st.flags[j] &= (uint8_t)~(GC_AGENT_PETITION | GC_AGENT_DELIVERED | GC_AGENT_BY_CAR | GC_AGENT_INTERCEPTED);
    b->tally.trip_companions++;
    b->tally.capital_trips += (uint64_t)t->capital;   /* capital trips count travellers */
  }
}

/* A companion of higher id on its own turn: its party events, appended by
** the initiator, move to the end of the buffer (after the events of the
** agents between), so that the buffer stays sorted by agent. */
static void gather_party(gc_event_buf *b, const gc_population *p, uint32_t j) {
  uint32_t first = p->hh_start[p->hh[j]];
  size_t end = b->n;
  while (end > 0 && b->ev[end - 1].agent != j && b->ev[end - 1].agent >= first) end--;
  size_t at = end;
  while (at > 0 && b->ev[at - 1].agent == j) at--;
  size_t n = end - at;
  if (n == 0 || end == b->n || n > GC_ACT_PARTY_MAX) return;
  gc_event tmp[GC_ACT_PARTY_MAX];
  memcpy(tmp, b->ev + at, n * sizeof *tmp);
  memmove(b->ev + at, b->ev + end, (b->n - end) * sizeof *tmp);
  memcpy(b->ev + b->n - n, tmp, n * sizeof *tmp);
}

static void start_trip(day_state *d, int capital_trip) {
  const gc_activity_ctx *c = d->ctx;
  gc_population *p = c->pop;
  uint32_t i = d->agent;
  int region = pick_destination(d, capital_trip);
  departure m;
  m.rail = gc_stream_u01(&d->s) < 0.7;
  int flags = GC_EVF_DEPART;
  capital_trip = region == c->world->capital;   /* also a regional trip with no other region */
  int petition = capital_trip && c->petition_truth >= 0 && ((p->truth[i] >> c->petition_truth) & 1);
  if (petition && (p->st.flags[i] & GC_AGENT_CHILLED)) {   /* the day's trip is given up */
    d->out->tally.petitions_abandoned++;
    return;
  }
  if (petition) {
    flags |= GC_EVF_PETITION;
    d->out->tally.petition_trips++;
  }
  d->out->tally.capital_trips += (uint64_t)capital_trip;
  choose_mode(d, &m);
  int type = m.rail && !m.car ? GC_PLACE_STATION : GC_PLACE_CHECKPOINT;
  int dflags = flags | (m.car ? GC_EVF_CAR | m.vflags : 0);
  uint32_t from;
  int start = visit_other(d, &d->s, type, 420, 1080, -1, 30, 0, dflags, m.car ? m.vehicle : GC_NONE, &from);
  if (start >= 0 && type == GC_PLACE_STATION)          /* real-name ticket (HRW-2018) */
    emit_ticket(d, from, (uint32_t)region, start, flags);
  if (start < 0) start = 420;
  if (m.decoy) decoy_ticket(d, region, start, flags);
  if (m.hired) evade(d, GC_EVADE_PRIVATE_DRIVER, start);
  if (m.changed) evade(d, GC_EVADE_CHANGE_VEHICLE, start);
  if (d->aware) phone_off_evasion(d, start);
  int arrive = 720 + (int)gc_stream_below(&d->s, 360);
  uint32_t st = GC_NONE;
  if (m.rail && !m.car) {
    st = random_place(&d->s, c->world, region, GC_PLACE_STATION);
    if (st != GC_NONE) emit(d, GC_TE_STAY, st, arrive, arrive + 20, 0, flags);
  }
  int with_family = region == p->family_region[i] && gc_stream_u01(&d->s) < 0.7;
  uint32_t hotel = random_place(&d->s, c->world, region, GC_PLACE_HOTEL);
  if (!with_family && hotel != GC_NONE) emit(d, GC_TE_STAY, hotel, arrive + 60, arrive + 60 + 720, 0, flags);
  double extra = c->cfg->activity.trip_nights_mean - 1.0;
  uint32_t nights = 1 + (extra > 0 ? gc_stream_poisson(&d->s, extra) : 0);
  p->st.away_until[i] = (uint16_t)(c->day + (int)nights);
  p->st.away_region[i] = (uint8_t)region;
  p->st.trip_start[i] = (uint16_t)c->day;
  uint8_t fl = p->st.flags[i] & (uint8_t)~(GC_AGENT_PETITION | GC_AGENT_DELIVERED | GC_AGENT_BY_CAR);
  p->st.flags[i] = (uint8_t)(fl | (petition ? GC_AGENT_PETITION : 0) | (m.car ? GC_AGENT_BY_CAR : 0));
  if (c->cfg->activity.travel_together > 0 && p->hh_start[p->hh[i] + 1] - p->hh_start[p->hh[i]] > 1) {
    party t = {from, start, from != GC_NONE && type == GC_PLACE_STATION, st, arrive,
               with_family ? GC_NONE : hotel, region, capital_trip, p->st.away_until[i]};
    companions(d, &t);
  }
}

/* The return leg: by car through a checkpoint if the trip left by car
** (own vehicle, or a hired one for people without), else as the core. */
static void return_home(day_state *d) {
  gc_population *p = d->ctx->pop;
  uint32_t i = d->agent;
  p->st.away_until[i] = 0;
  int rail = gc_stream_u01(&d->s) < 0.7;
  if (p->st.flags[i] & GC_AGENT_BY_CAR) {
    uint32_t own = p->vehicle_reg[i];
    uint32_t v = own != GC_NONE ? own : random_vehicle(d);
    int fl = GC_EVF_ARRIVE | GC_EVF_CAR | (own != GC_NONE ? 0 : GC_EVF_BORROWED);
    visit_other(d, &d->s, GC_PLACE_CHECKPOINT, 600, 1200, -1, 20, 0, fl, v, NULL);
  } else {
    visit(d, rail ? GC_PLACE_STATION : GC_PLACE_CHECKPOINT, 600, 1200, -1, 20, 0, GC_EVF_ARRIVE);
  }
  p->st.flags[i] &= (uint8_t)~(GC_AGENT_PETITION | GC_AGENT_DELIVERED | GC_AGENT_BY_CAR);
}

static void trips(day_state *d) {
  if (d->n[C_TRIP_CAPITAL] || d->n[C_TRIP_REGION]) start_trip(d, d->n[C_TRIP_CAPITAL] > 0);
}

static void signals(day_state *d) {
  const gc_activity_ctx *c = d->ctx;
  const gc_population *p = c->pop;
  uint32_t i = d->agent;
  for (uint32_t k = 0; k < d->n[C_NEW_NUMBER]; k++) {
    int ooa = gc_stream_u01(&d->s) < c->cfg->activity.out_of_area_share;
    if (p->phone_reg[i] != GC_NONE) emit(d, GC_TE_CALL_NEW, (uint32_t)ooa, 600, 600, 0, 0);
  }
  if (d->n[C_PHONE_OFF] && p->phone_reg[i] != GC_NONE && !d->phone_off)
    emit(d, GC_TE_PHONE_OFF, 0, 0, 1440, 0, 0);
  for (int k = 0; k < c->cfg->activity.npurchases; k++) {
    const gc_purchase_cfg *pc = &c->cfg->activity.purchase[k];
    if (!d->n[C_PURCHASE + k]) continue;
    double q = pc->mean_qty * exp(pc->sd_log * gc_stream_normal(&d->s) - pc->sd_log * pc->sd_log / 2);
    int cash = uses(d, GC_EVADE_CASH);        /* the sensors ignore cash purchases */
    emit(d, GC_TE_PURCHASE, (uint32_t)k, 600, 600, (float)q, cash ? GC_EVF_CASH : 0);
    if (cash) evade(d, GC_EVADE_CASH, 600);
  }
}

/* A random city place of the offence place types (one word, as the core's
** station draw); GC_NONE if the city has none. */
static uint32_t offence_place(day_state *d) {
  const gc_world *w = d->ctx->world;
  uint16_t mask = d->ctx->cfg->activity.offence_places;
  uint32_t total = 0;
  for (int t = 0; t < GC_PLACE_NTYPES; t++)
    if (mask >> t & 1) total += gc_world_count(w, 0, t);
  uint32_t u = gc_stream_below(&d->s, total ? total : 1);
  if (!total) return GC_NONE;
  for (int t = 0; t < GC_PLACE_NTYPES; t++) {
    if (!(mask >> t & 1)) continue;
    uint32_t cnt = gc_world_count(w, 0, t);
    if (u < cnt) return w->range[0][t] + u;
    u -= cnt;
  }
  return GC_NONE;
}

/* activity.offences_near_home: a random place of the offence types in the
** offender's home district (Lum & Isaac 2016: drug use happens where users
** live, so where they live decides whether a hotspot patrol is there), or
** one anywhere in the city if the district has none.  One word, as
** offence_place, so the draws do not shift. */
static uint32_t offence_place_near_home(day_state *d) {
  const gc_world *w = d->ctx->world;
  const gc_population *p = d->ctx->pop;
  uint16_t mask = d->ctx->cfg->activity.offence_places;
  uint32_t h = p->hh[d->agent];
  int hd = gc_world_district_xy(w, p->hh_x[h], p->hh_y[h]);
  uint32_t total = 0;
  for (int t = 0; t < GC_PLACE_NTYPES; t++)
    if (mask >> t & 1) total += gc_world_dcount(w, hd, t);
  if (!total) return offence_place(d);
  uint32_t u = gc_stream_below(&d->s, total);
  for (int t = 0; t < GC_PLACE_NTYPES; t++) {
    if (!(mask >> t & 1)) continue;
    uint32_t cnt = gc_world_dcount(w, hd, t);
    if (u < cnt) return w->dt_place[w->dt_start[(size_t)hd * GC_PLACE_NTYPES + (size_t)t] + u];
    u -= cnt;
  }
  return GC_NONE;
}

/* Whether agent i is deterred today: acted on within deterrence_days
** (the days after the action; 0 = ever since). */
static int deterred(const gc_activity_ctx *c, uint32_t i) {
  const gc_reaction_cfg *r = &c->cfg->reaction;
  uint16_t last = c->pop->st.last_action[i];
  if (!last || r->deterrence >= 1) return 0;
  return r->deterrence_days == 0 || c->day - (last - 1) <= r->deterrence_days;
}

static void offences(day_state *d) {
  const gc_activity_ctx *c = d->ctx;
  uint32_t n = d->n[C_OFFENCE];   /* the undeterred count (0 unless the truth enables offences) */
  double keep = n && deterred(c, d->agent) ? c->cfg->reaction.deterrence : 1;
  for (uint32_t k = 0; k < n; k++) {
    uint32_t place = c->cfg->activity.offences_near_home ? offence_place_near_home(d) : offence_place(d);
    if (keep < 1 && !chance(d, keep)) {
      d->out->tally.offences_deterred++;
      continue;
    }
    /* with no place of the offence's types the offence still happens, at no
    ** place: no patrol can discover it and nobody can report where */
    if (place != GC_NONE) emit(d, GC_TE_OFFENCE, place, 720, 720, 0, 0);
    d->out->tally.offences++;
    if (place != GC_NONE && c->world->district[place] != GC_NO_DISTRICT)
      d->out->tally.offences_by_district[c->world->district[place]]++;
    if (c->pop->st.lists[d->agent] & c->exempt_lists) d->out->tally.offences_exempt++;
  }
}

/* Agent i's day; first: the first four words of its core stream, or NULL. */
static void agent_day(const gc_activity_ctx *ctx, uint32_t i, gc_event_buf *out, const philox4x32_ctr_t *first) {
  gc_population *p = ctx->pop;
  uint8_t fl = p->st.flags[i];
  if (fl & GC_AGENT_INTERCEPTED)             /* yesterday's trip ended at the station */
    p->st.flags[i] = fl = (uint8_t)(fl & ~(GC_AGENT_INTERCEPTED | GC_AGENT_BY_CAR));
  if (p->st.detained_until[i] > ctx->day) {
    out->tally.agents_detained++;
    return;
  }
  day_state d;
  d.ctx = ctx;
  d.out = out;
  d.agent = i;
  d.seq = 0;
  d.tseq = GC_SEQ_TICKETS;
  d.aware = ctx->evading && (fl & GC_AGENT_AWARE);
  d.phone_off = 0;
  if (first) gc_stream_init_first(&d.s, ctx->key, i, (uint32_t)ctx->day, *first);
  else gc_stream_init(&d.s, ctx->key, i, (uint32_t)ctx->day);
  gc_stream_init(&d.x, ctx->key, i, (uint32_t)ctx->day + GC_ACT_XDAY);
  if ((fl & (GC_AGENT_PETITION | GC_AGENT_DELIVERED)) == GC_AGENT_PETITION && ctx->day > p->st.trip_start[i] &&
      p->st.away_until[i] >= ctx->day) {     /* the first free day after departure, still on the trip */
    p->st.flags[i] = fl = (uint8_t)(fl | GC_AGENT_DELIVERED);
    out->tally.petitions_delivered++;
  }
  uint16_t back = p->st.away_until[i];
  if (back > ctx->day) {                     /* away: only the phone is here */
    draw_counts(&d, 1);
    if (p->st.trip_start[i] == ctx->day && ctx->cfg->activity.travel_together > 0) {
      gather_party(out, p, i);               /* joined a trip of a lower id today (see the top) */
      out->tally.agents_active++;            /* at home this morning, like a lower id's companion */
      if (d.rare) signals(&d);              /* no evasion: the departure is the initiator's */
      return;
    }
    if (d.aware) phone_off_evasion(&d, 480);
    if (d.rare) signals(&d);   /* counts after C_LEISURE exist only if rare */
    return;
  }
  out->tally.agents_active++;
  draw_counts(&d, 0);
  if (back == ctx->day && back > 0) return_home(&d);
  routine(&d);
  if (ctx->compound_visits) compound_visits(&d);
  if (ctx->religious_visits) religious_visits(&d);
  if (d.rare) trips(&d);      /* these three draw only for rare counts: most days have none */
  if (ctx->partner_rate > 0) partner_night(&d);
  if (d.rare) {
    signals(&d);
    offences(&d);
  }
}

void gc_activity_agent_day(const gc_activity_ctx *ctx, uint32_t i, gc_event_buf *out) {
  agent_day(ctx, i, out, NULL);
}

void gc_activity_agents(const gc_activity_ctx *ctx, uint32_t i0, uint32_t i1, gc_event_buf *out) {
  enum { CHUNK = 64 };
  philox4x32_ctr_t first[CHUNK];
  for (uint32_t i = i0; i < i1; i += CHUNK) {
    uint32_t m = i1 - i < CHUNK ? i1 - i : CHUNK;
    gc_rng4_batch(ctx->key, i, m, (uint32_t)ctx->day, 0, first);
    for (uint32_t k = 0; k < m; k++) {
      /* a rare behaviour's rate is read from the multipliers, which are
      ** otherwise not read often enough to be prefetched: ask for them
      ** a few agents ahead (a miss cost a tenth of the day's time) */
      if (i + k + 4 < ctx->pop->n) {
        const float *ahead = ctx->pop->mult + (size_t)(i + k + 4) * GC_BEH_N;
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + GC_BEH_N - 1);
      }
      agent_day(ctx, i + k, out, &first[k]);
    }
  }
}
