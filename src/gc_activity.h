/*
** gc_activity.h — one synthetic person's true day.
**
** Design.  For each agent and day the activity model draws, from the
** agent's own random stream (purpose ACTIVITY, counter (agent, day, k)), an
** itinerary of stays at places (work or school, errands, leisure, station
** visits, local hotel nights, departures and arrivals of trips, hotel
** check-ins away) and the day's signals (calls to new numbers, phone off,
** ID-linked purchases, offences).  Homes and ordinary calls are not
** emitted as events: no sensor of this model sees them, and leaving them
** out keeps the day's buffer small; call volume is drawn so that the
** stream is the same when later models use it.
**
** Events go into a caller-owned gc_event_buf that grows geometrically and
** is reused day after day, so the loop allocates only while a buffer is
** still growing.  The state written is the agent's own trip fields and,
** when household members travel together (activity.travel_together > 0),
** those of the members of its household who join its trip: a household's
** agents must be processed in agent order into one buffer (as the blocks
** of households are); households may go in any order and on any thread.
** The buffer stays sorted by agent (see gc_activity.c).
**
** Issue 3 adds compound entries with companions, religious visits, nights
** with a partner living apart, car trips and rail tickets, petition
** delivery, and the reactions to policing (deterrence, chilling, evasion
** with costs); their draws come from a second per-agent stream (see
** gc_activity.c).  State written besides the trip fields is still the
** agent's own: its flags (GC_AGENT_PETITION, _DELIVERED, _BY_CAR, and
** clearing _INTERCEPTED), trip_start and evasion totals.  Read-only
** cross-agent reads (a partner's detention, ties' vehicles) touch only
** state that changes between days.
*/
#ifndef GC_ACTIVITY_H
#define GC_ACTIVITY_H

#include <stddef.h>
#include <stdint.h>
#include "gc_config.h"
#include "gc_population.h"
#include "gc_rng.h"
#include "gc_world.h"

typedef enum {
  GC_TE_STAY = 0,      /* at `place` from start to end (minutes; > 1440 runs past midnight) */
  GC_TE_CALL_NEW,      /* call to a new number; place = 1 if out of area */
  GC_TE_PHONE_OFF,
  GC_TE_PURCHASE,      /* place = category, qty = quantity */
  GC_TE_OFFENCE,       /* place where it happened */
  GC_TE_COMPANION,     /* at compound `place` with companion `other` (one event per companion) */
  GC_TE_TICKET,        /* real-name rail ticket: place = departure station, other = destination region
                          as written on the ticket (GC_EVF_DECOY: not the real one; unused) */
  GC_TE_NIGHT,         /* night away from home in the city: place = household slept at */
  GC_TE_EVASION,       /* an act of evasion: place = gc_evasion, qty = yuan, end - start = minutes */
  GC_TE_NKINDS
} gc_true_event_kind;

/* Event flags.  A stay's `other` is the vehicle used to arrive (identity
** it is registered to; GC_NONE on foot or by rail) when GC_EVF_CAR is set. */
/* Event numbers (gc_event.seq) of an agent-day: the core's events count
** from 0, tickets from GC_SEQ_TICKETS, events emitted on behalf of a
** travelling companion from GC_SEQ_COMPANIONS. */
enum { GC_SEQ_TICKETS = 0x4000, GC_SEQ_COMPANIONS = 0x8000 };

enum {
  GC_EVF_DEPART = 1, GC_EVF_ARRIVE = 2, GC_EVF_PETITION = 4,
  GC_EVF_CAR = 8,         /* came by car: `other` = vehicle's registered owner */
  GC_EVF_CASH = 16,       /* paid in cash (errands): no payment record */
  GC_EVF_DECOY = 32,      /* ticket is a decoy (evasion) */
  GC_EVF_BORROWED = 64    /* the vehicle is not the agent's own (evasion) */
};

typedef struct gc_event {
  uint32_t agent;
  uint32_t place;
  uint32_t other;      /* companion, vehicle owner, ticket destination; GC_NONE if none */
  float qty;
  uint16_t start, end;
  uint16_t seq;        /* index of this event among the agent's events of the day */
  uint8_t kind;        /* gc_true_event_kind */
  uint8_t flags;
} gc_event;

/* Per-block tallies of what really happened (ground truth for the audit). */
typedef struct gc_truth_tally {
  uint64_t events;
  uint64_t stays[GC_PLACE_NTYPES];
  uint64_t offences;
  uint64_t offences_exempt;      /* offences by people on an exempt (red) list */
  uint64_t capital_trips;
  uint64_t petition_trips;       /* trips to the capital by people planning a petition */
  uint64_t agents_active;        /* agents neither detained nor away */
  uint64_t agents_detained;
  uint64_t petitions_delivered;  /* petition trips that reached the capital */
  uint64_t petitions_abandoned;  /* planned petition trips given up (chilling) */
  uint64_t offences_deterred;    /* offences not committed because of deterrence (expected count) */
  uint64_t evasions[GC_EVADE_N];
  uint64_t evasion_cents, evasion_centiminutes;  /* integers: sums identical for any thread count */
  uint64_t compound_entries, nights_with_partner;
  uint32_t offences_by_district[GC_MAX_DISTRICTS];  /* true offences in the city, by district */
  uint64_t trip_companions;      /* household members who joined another's trip (travel_together) */
} gc_truth_tally;

typedef struct gc_event_buf {
  gc_event *ev;
  size_t n, cap;
  int oom;                       /* set when growing failed; the run stops */
  gc_truth_tally tally;
} gc_event_buf;

/* Behaviours counted together each agent-day (gc_activity.c: draw_counts). */
#define GC_ACT_NCOUNTS (9 + GC_MAX_PURCHASES)

typedef struct gc_activity_ctx {
  const gc_config *cfg;
  const gc_world *world;
  gc_population *pop;           /* trip fields are written */
  gc_rng_key key;
  int day;
  int weekend;
  uint16_t exempt_lists;        /* bit mask of exempt lists */
  int petition_truth;           /* truth flagged lawful and used for capital trips, or -1 */
  int holiday;                  /* the day is in the festival: weekend rates, partner_rate */
  int evading;                  /* some evasion has a positive probability */
  double partner_rate;          /* base P(a couple living apart spends the night together) */
  int compound_visits;          /* today's base rate of compound visits > 0 */
  int religious_visits;         /* today's base rate of religious visits > 0 */
  double base[GC_ACT_NCOUNTS];  /* today's base rates of the counted behaviours (gc_activity.c) */
  uint8_t active[GC_ACT_NCOUNTS];  /* the counted behaviours with a positive base rate, ascending */
  int nactive, first_signal;    /* their number; index of the first phone or purchase one */
  int first_rare;              /* index of the first one after errands and leisure */
  int offence_truth;            /* activity.offence_truth */
  uint32_t stay_first[3], stay_count[3];  /* the routine's errand, leisure and station stays: the first
                                             city place of their type and the number of them */
  int stay_core;                /* all three have the built-in lengths (no `minutes`, no multipliers) */
} gc_activity_ctx;

/* Precomputes each agent's total rate of the counted behaviours, its
** exp(-total) and the errand and leisure rates (the likeliest) for weekdays
** and weekends (pop->act_rate), which saves gc_activity_agent_day the sum,
** the exp() and most of the choice of behaviour of every agent-day.  Without
** it (pop->act_rate NULL) they are computed each day, with the same counts
** up to rounding.  Returns 0, or -1 if out of memory. */
int gc_activity_prepare(const gc_config *cfg, gc_population *pop);

/* Prepares ctx for `day`. */
void gc_activity_ctx_init(gc_activity_ctx *ctx, const gc_config *cfg, const gc_world *w,
                          gc_population *pop, int day);

/* Appends agent i's events for ctx->day to out (and, with travel_together,
** inserts the party events of lower-id household members joining its trip
** after their own events; see gc_activity.c). */
void gc_activity_agent_day(const gc_activity_ctx *ctx, uint32_t i, gc_event_buf *out);

/* gc_activity_agent_day for agents i0 .. i1 - 1 in order (the same events),
** with the first Philox call of each agent's day computed in batches
** (gc_rng4_batch). */
void gc_activity_agents(const gc_activity_ctx *ctx, uint32_t i0, uint32_t i1, gc_event_buf *out);

/* Adds every count of `from` to `to` (blocks' tallies into a day's). */
void gc_truth_tally_add(gc_truth_tally *to, const gc_truth_tally *from);

/* Frees the buffer's storage (the struct itself is the caller's). */
void gc_event_buf_free(gc_event_buf *b);

#endif
