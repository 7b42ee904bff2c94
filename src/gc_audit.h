/*
** gc_audit.h — tallies of what the rules did and to whom.
**
** Design.  The audit is the only module that reads both what the platform
** saw (alerts, outcomes) and the hidden truth.  Daily tallies are small
** fixed arrays (days x rules); per-agent state is two rule bit masks
** (ever flagged, ever actioned) and a harm byte, so group tables for any
** trait can be computed once at the end by one pass over agents, whatever
** traits the scenario declares.
**
** Definitions (docs/results-schema.md repeats them for readers):
**  - with_claim: the flagged person has a hidden condition the rule claims
**    to detect (lawful ones included: the rule did find what it looks for);
**  - innocent: acted on without any *unlawful* condition the rule claims;
**    every action on a lawful condition (a petition trip) is a harm;
**  - for the all-rules row ("*"): with_claim means having a condition that
**    at least one rule claims, flagged_with_claim means flagged by any rule
**    and having such a condition, and innocent (actioned, detained) means
**    having no unlawful hidden condition at all.
*/
#ifndef GC_AUDIT_H
#define GC_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include "gc_activity.h"
#include "gc_config.h"
#include "gc_population.h"
#include "gc_response.h"
#include "gc_rules.h"
#include "gc_sensors.h"

typedef struct gc_rule_day {
  uint64_t alerts;              /* triggers */
  uint64_t people_flagged;
  uint64_t people_with_claim;
  uint64_t actions;
  uint64_t innocent_actions;
  uint64_t unhandled;           /* not reached: capacity */
  uint64_t skipped;             /* acted on today by a higher-priority alert, or in detention */
  uint64_t findings;            /* true findings */
  uint64_t false_findings;
  uint64_t detentions;
  uint64_t innocent_detentions;
  uint64_t innocent_detention_days;
  uint64_t action_by_type[GC_ACT_NTYPES];   /* primary and follow-up actions */
} gc_rule_day;

typedef struct gc_day {
  gc_truth_tally truth;
  uint64_t observations;
  uint64_t obs_by_kind[GC_OBS_NKINDS];
  uint64_t identity_errors;
  uint64_t alerts, people_flagged, actions, innocent_actions;
  uint64_t detained;            /* people still held at the end of the day (into the next) */
  uint64_t detained_innocent;   /* ...of whom with no unlawful hidden condition */
} gc_day;

typedef struct gc_group_row {
  int rule;                     /* -1: any rule */
  int trait, value;             /* trait == ntraits: everyone (value 0) */
  uint64_t population, with_claim, flagged, flagged_with_claim, actioned, innocent_actioned;
  uint64_t detained, innocent_detained;
} gc_group_row;

enum { GC_HARM_DETAINED = 1, GC_HARM_DETAINED_INNOCENT = 2, GC_HARM_IN_DETENTION_INNOCENT = 4 };

typedef struct gc_audit {
  int days, nrules, nlists;
  gc_rule_day *rule_daily;      /* days * nrules */
  uint64_t *list_daily;         /* days * nlists: size at the end of the day */
  gc_day *daily;
  uint32_t *flagged;            /* per agent: rules that ever flagged them */
  uint32_t *actioned;           /* per agent: rules that ever acted on them */
  uint8_t *harm;                /* per agent: GC_HARM_* */
  gc_group_row *groups;         /* filled by gc_audit_finish */
  size_t ngroups;
} gc_audit;

/* Allocates the audit for cfg and n agents.  Returns 0 or -1 (OOM, a is
** then freed).  Free with gc_audit_free. */
int gc_audit_init(gc_audit *a, const gc_config *cfg, uint32_t n);
void gc_audit_free(gc_audit *a);

/* Records the day's alerts and their outcomes. */
void gc_audit_alerts(gc_audit *a, const gc_config *cfg, const gc_population *pop, int day,
                     const gc_alert *alerts, const gc_outcome *out, size_t n);

/* Records end-of-day state: list sizes, people in detention. */
void gc_audit_end_of_day(gc_audit *a, const gc_config *cfg, const gc_population *pop, int day);

/* Computes the group table.  Returns 0 or -1 (OOM). */
int gc_audit_finish(gc_audit *a, const gc_config *cfg, const gc_population *pop);

/* Sums of a rule's daily rows over the run. */
gc_rule_day gc_audit_rule_total(const gc_audit *a, int rule);

#endif
