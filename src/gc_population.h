/*
** gc_population.h — synthetic people, households, ties and hidden truth.
**
** Design.  Agents are numbered so that each household's members are
** contiguous (household h holds agents hh_start[h]..hh_start[h+1]-1, the
** first being its head), which keeps household loops cache-friendly and
** makes "the household's registered head" free to find.  Everything is
** structure-of-arrays: one byte array per trait, a bit mask of hidden truth,
** and one float per agent and behaviour holding the product of the
** scenario's multipliers, so the day loop never re-evaluates conditions.
**
** Mutable per-agent state (list membership, detention, trips) lives here
** too, in gc_agent_state, because it is O(agents) and persists across days;
** the response module is its only writer apart from activity's trip fields.
**
** Ties form a CSR graph of directed out-ties (friends, coworkers), plus a
** symmetric partner array (couples, some living apart) and, per agent, the
** region of out-of-region family (0 = none).
*/
#ifndef GC_POPULATION_H
#define GC_POPULATION_H

#include <stdint.h>
#include "gc_config.h"
#include "gc_world.h"

#define GC_NONE UINT32_MAX

enum gc_tie_kind { GC_TIE_FRIEND = 0, GC_TIE_COWORKER = 1 };

/* Bits of gc_agent_state.flags. */
enum {
  GC_AGENT_AWARE = 1,       /* aware of surveillance: may evade (gc_reaction_cfg) */
  GC_AGENT_CHILLED = 2,     /* gave up a lawful petition after police action */
  GC_AGENT_PETITION = 4,    /* the current trip is a petition trip */
  GC_AGENT_DELIVERED = 8,   /* the current petition trip reached the capital (counted) */
  GC_AGENT_INTERCEPTED = 16,/* a trip was ended by police on its departure day (cleared next day) */
  GC_AGENT_BY_CAR = 32      /* the current trip left by car: the return leg is by car too (activity) */
};

typedef struct gc_agent_state {
  uint16_t *lists;          /* bit l: member of list l */
  uint16_t *detained_until; /* first day free again; 0 = never detained */
  uint16_t *away_until;     /* day the agent returns from a trip; 0 = home */
  uint8_t *away_region;     /* region of the current trip */
  uint16_t *trip_start;     /* day the current trip started */
  uint8_t *flags;           /* GC_AGENT_* */
  uint8_t *risk;            /* risk level set by score rules (0 = none) */
  uint16_t *risk_relief_until; /* "nothing found": risk counts one level lower until this day */
  uint16_t *last_action;    /* day + 1 of the last police action on the agent; 0 never */
  uint16_t *actions;        /* police actions on the agent so far (saturating) */
  float *evasion_money;     /* yuan spent evading so far */
  float *evasion_minutes;   /* minutes spent evading so far */
  uint8_t *hh_trust;        /* per household: trust level (0 = most trusted) */
  uint16_t *hh_trust_day;   /* per household: day of the last trust change */
} gc_agent_state;

/* An agent's counted behaviours (gc_activity_prepare), [0] weekdays, [1]
** weekends: the total rate, the errand and the leisure rate, and
** exp(-total) of the total as stored (double: the Poisson inversion's
** cumulative sum must reach 1 to within far less than the largest uniform's
** distance from 1, 2^-33; with a float its own rounding left up to 1e-7). */
typedef struct gc_act_rate {
  float total[2], errand[2], leisure[2];
  double p0[2];
} gc_act_rate;

typedef struct gc_population {
  uint32_t n;
  uint32_t nhh;
  int ntraits, ntruth, npurchases;
  uint8_t *trait[GC_MAX_TRAITS];    /* value index per agent */
  uint16_t *truth;                  /* bit t: has hidden condition t */
  uint32_t *hh;                     /* household of each agent */
  uint32_t *hh_start;               /* nhh + 1 */
  float *hh_x, *hh_y;               /* home coordinates, metres */
  int32_t *work;                    /* workplace or school place id, -1 none */
  uint32_t *phone_reg;              /* identity the agent's phone is registered to; GC_NONE: no phone */
  uint32_t *vehicle_reg;            /* identity the agent's vehicle is registered to; GC_NONE: none */
  uint32_t *hh_compound;            /* compound place of each household; GC_NONE: none */
  float *mult;                      /* n * GC_BEH_N behaviour multipliers */
  float *purchase_mult;             /* n * npurchases, NULL if none */
  gc_act_rate *act_rate;            /* n: the counted behaviours' rates (gc_activity_prepare); NULL: none */
  uint8_t *family_region;           /* region of out-of-region family, 0 none */
  uint32_t *partner;                /* spouse, GC_NONE if none */
  uint64_t *tie_start;              /* n + 1: 64-bit, a country's ties exceed 2^32 */
  uint32_t *tie_dst;
  uint8_t *tie_kind;
  uint64_t nties, ncouples, ncouples_apart, ncrowded;
  gc_agent_state st;
} gc_population;

/* Builds the population for cfg over world w with up to `threads` OpenMP
** threads; the result does not depend on the thread count.  Returns 0, or
** -1 on allocation failure (p is then freed).  Caller frees with
** gc_population_free. */
int gc_population_build(gc_population *p, const gc_config *cfg, const gc_world *w);
void gc_population_free(gc_population *p);

/* Replaces the agent state (p->st) by the all-zero state gc_population_build
** leaves, keeping everything built; gc_response_init_lists and
** gc_population_init_state then give the state a run starts from (used to
** replay a run without building its population again).  Returns 0, or -1
** if out of memory (the state is then partly missing: free p). */
int gc_population_reset_state(gc_population *p);

/* Sets the state that depends on the initial lists (call after
** gc_response_init_lists): households' initial trust levels, agents
** initially aware of surveillance (cfg->reaction.aware). */
void gc_population_init_state(gc_population *p, const gc_config *cfg);

/* Whether agent i meets condition c (traits, truth, lists). */
static inline int gc_pop_cond(const gc_population *p, uint32_t i, gc_cond c) {
  switch (c.kind) {
  case GC_COND_TRAIT: return p->trait[c.index][i] == c.value;
  case GC_COND_TRUTH: return (p->truth[i] >> c.index) & 1;
  case GC_COND_TRUST: return p->st.hh_trust[p->hh[i]] == c.value;
  case GC_COND_RISK: return p->st.risk[i] >= c.value;
  default: return (p->st.lists[i] >> c.index) & 1;
  }
}

/* Whether agent i is selected by s. */
int gc_pop_selected(const gc_population *p, uint32_t i, const gc_selector *s);

/* Bytes of persistent memory held per agent (for the performance docs). */
double gc_population_bytes_per_agent(const gc_population *p);

#endif
