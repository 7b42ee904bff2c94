/*
** gc_response.h — what police do with a day's alerts and patrols.
**
** Design.  Alerts become tasks.  Tasks are ordered by the rule's priority
** class (political "stability" warnings first, as HRW-2018 and NYT-2022
** report), then newest first (today's tasks, then those carried over from
** earlier days, which get what capacity is left), then
** by rule, then in a random but reproducible order, and are worked through
** until the day's officer capacity is spent.  Tasks not reached wait up to
** `carry_over_days` and then expire (0: they expire the same day); each
** person has at most one waiting task (the first in that order), because
** officers act on a person at most once a day anyway.  An action
** (visit, ID check, drug test) "finds" a condition the rule claims with
** probability `finds` if the person has it, and "finds" one wrongly with
** probability `false_finding` if not; a finding triggers the follow-up
** action (typically detention).  Follow-ups cost nothing from capacity:
** the reporting describes detention as following a finding, not competing
** with the next alert.  Everyone actioned may also be put on a list
** (`then_list`): this is how lists grow from alerts (feedback).
**
** Besides alerts, a day holds: offenders a patrol discovered (acted on
** first: the offence was seen), officers' quota visits to members of a
** list when too few tasks were completed (officers are scored on
** completing pushed tasks, HRW-2018), and patrol stops (ID checks) last.
** Patrol actions cost nothing from the alert capacity: patrols are a
** separate force, and they act on whoever they find in the street, red
** list or not (the quota, drawn from the platform's lists, skips
** red-listed people as rules do).  Every action updates the person's state (last action,
** count, awareness, chilling of a lawful petition, household trust: the
** distrust loop), may end a trip on its departure day (interception), and
** an investigation that finds nothing lowers the person's risk level for
** `lower_risk_days` ("lower the alert level if nothing is found", HRW-2018).
**
** The response writes agent state and, per alert, a gc_outcome that the
** audit turns into harms and detections, plus a gc_action_buf of every
** action performed that day.
*/
#ifndef GC_RESPONSE_H
#define GC_RESPONSE_H

#include <stddef.h>
#include <stdint.h>
#include "gc_config.h"
#include "gc_population.h"
#include "gc_rules.h"
#include "gc_sensors.h"

typedef enum {
  GC_OUT_NO_ACTION = 0,     /* the rule asks for no action, or response is off */
  GC_OUT_DONE,              /* acted on */
  GC_OUT_CAPACITY,          /* not reached today: capacity spent */
  GC_OUT_DUPLICATE,         /* person already acted on today by a higher-priority alert */
  GC_OUT_IN_DETENTION       /* person already detained */
} gc_outcome_status;

enum { GC_OUTF_FOUND = 1, GC_OUTF_FALSE_FINDING = 2, GC_OUTF_DETAINED = 4, GC_OUTF_LISTED = 8,
       GC_OUTF_INTERCEPTED = 16,  /* the action ended a trip on its departure day */
       GC_OUTF_RELIEF = 32 };     /* nothing found: risk level lowered for lower_risk_days */

typedef struct gc_outcome {
  uint8_t status;           /* gc_outcome_status */
  uint8_t action;           /* primary action (gc_action_type) */
  uint8_t followup;         /* follow-up action after a finding, GC_ACT_NONE if none */
  uint8_t flags;
  uint16_t detention_days;  /* days of detention imposed today */
} gc_outcome;

/* Every action police carried out on a day, whatever prompted it: today's
** alerts, tasks carried over from earlier days, quota visits, patrol stops
** and discoveries.  The audit counts harms per person from these. */
typedef enum { GC_ORIGIN_ALERT = 0, GC_ORIGIN_CARRIED, GC_ORIGIN_QUOTA, GC_ORIGIN_PATROL_STOP,
               GC_ORIGIN_PATROL_DISCOVERY, GC_ORIGIN_N } gc_origin;

typedef struct gc_action_rec {
  uint32_t person;
  int16_t rule;             /* rule whose alert prompted it; -1 none (quota, patrol) */
  uint8_t origin;           /* gc_origin */
  uint8_t action;           /* primary action (gc_action_type) */
  uint8_t followup;         /* after a finding, GC_ACT_NONE if none */
  uint8_t flags;            /* GC_OUTF_* */
  uint16_t detention_days;
} gc_action_rec;

typedef struct gc_action_buf {
  gc_action_rec *a;
  size_t n, cap;
  uint64_t intercepted;     /* trips ended on their departure day */
  uint64_t petitions_intercepted;
  uint64_t expired;         /* carried tasks dropped after carry_over_days */
  uint64_t carried;         /* tasks waiting at the end of the day */
} gc_action_buf;

/* Frees the buffer's storage (the struct itself is the caller's) and zeroes it. */
void gc_action_buf_free(gc_action_buf *b);

typedef struct gc_response gc_response;

/* Creates the response for cfg over pop (whose state it will write); cfg
** and pop must outlive it.  Returns NULL on allocation failure; free with
** gc_response_free. */
gc_response *gc_response_new(const gc_config *cfg, gc_population *pop);
void gc_response_free(gc_response *r);

/* Acts on `day`: on the offenders in the DISCOVERY observations and the
** people in the PATROL_STOP observations of obs[0..nobs-1] (obs may be
** NULL when nobs is 0; other kinds are ignored), on alerts[0..n-1] of the
** day and the tasks still waiting from earlier days, and on quota visits.
** Writes one outcome per alert into out[0..n-1] (caller-owned; an alert
** not reached today is GC_OUT_CAPACITY even if it waits for a later day)
** and appends every action to acts (caller-owned; cleared first, storage
** reused).  Days must be passed in increasing order.  Returns 0, or -1 on
** allocation failure (the run must stop: state may be half-updated). */
int gc_response_day(gc_response *r, int day, const gc_alert *alerts, size_t n, gc_outcome *out,
                    const gc_obs *obs, size_t nobs, gc_action_buf *acts);

/* Tasks waiting for a later day (after the last gc_response_day). */
size_t gc_response_waiting(const gc_response *r);

/* Puts the initial members on each list (selectors over traits). */
void gc_response_init_lists(const gc_config *cfg, gc_population *pop);

/* End of day: each member leaves each list with that list's removal rate. */
void gc_response_prune_lists(const gc_config *cfg, gc_population *pop, int day);

/* Whether `person` has a condition rule `rc` claims to detect; with
** `unlawful_only`, lawful conditions (a petition trip) do not count. */
int gc_response_has_claim(const gc_config *cfg, const gc_population *pop, const gc_rule_cfg *rc,
                          uint32_t person, int unlawful_only);

#endif
