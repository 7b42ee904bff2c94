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
#include "gc_feedback.h"
#include "gc_patrol.h"
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
  uint64_t carried_actions;     /* actions today on this rule's tasks of earlier days */
  uint64_t carried_innocent_actions;
} gc_rule_day;

typedef struct gc_day {
  gc_truth_tally truth;
  uint64_t observations;
  uint64_t obs_by_kind[GC_OBS_NKINDS];
  uint64_t identity_errors;
  uint64_t alerts, people_flagged, actions, innocent_actions;
  uint64_t detained;            /* people still held at the end of the day (into the next) */
  uint64_t detained_innocent;   /* ...of whom with no unlawful hidden condition */
  uint64_t actions_by_origin[GC_ORIGIN_N];          /* every action performed, by what prompted it */
  uint64_t innocent_by_origin[GC_ORIGIN_N];         /* ...on people with no unlawful hidden condition */
  uint64_t intercepted, petitions_intercepted;      /* trips ended on their departure day */
  uint64_t tasks_expired, tasks_waiting;            /* carry-over of unhandled tasks */
  uint64_t offences_exempt_discovered;              /* red-listed offenders a patrol caught anyway */
  gc_feedback_tally trust;                          /* trust levels at the end of the day */
} gc_day;

/* Harms per person, counted from every action record (any origin). */
enum { GC_HC_VISITS = 0, GC_HC_ID_CHECKS, GC_HC_DRUG_TESTS, GC_HC_PATROL_STOPS, GC_HC_DETENTION_DAYS,
       GC_HC_INNOCENT_DETENTION_DAYS,
       GC_HC_HOME_VISITS,             /* home visits to the person's household (a human sensor, HRW-2018) */
       GC_HC_UNUSUAL,                 /* times a visit report marked the person "unusual" */
       GC_HC_N };

/* Harms and evasion by group (trait value), over every rule and origin. */
typedef struct gc_harm_row {
  int trait, value;             /* trait == ntraits: everyone */
  uint64_t population, actioned, innocent_actioned;
  uint64_t count[GC_HC_N];      /* sums of the per-person counters */
  uint64_t evaders;             /* people who paid any evasion cost */
  uint64_t evasion_cents, evasion_centiminutes;  /* integer sums: identical for any thread count */
  uint64_t aware, chilled;
} gc_harm_row;

/* The run's headline figures, compared between a run and its twin. */
typedef enum {
  GC_M_OFFENCES = 0, GC_M_OFFENCES_EXEMPT, GC_M_CAPITAL_TRIPS, GC_M_PETITION_TRIPS,
  GC_M_PETITIONS_DELIVERED, GC_M_PETITIONS_INTERCEPTED, GC_M_PETITIONS_ABANDONED, GC_M_ALERTS,
  GC_M_PEOPLE_FLAGGED, GC_M_ACTIONS, GC_M_INNOCENT_ACTIONS, GC_M_PEOPLE_DETAINED,
  GC_M_INNOCENT_DETAINED, GC_M_INNOCENT_DETENTION_DAYS, GC_M_TRUE_FINDINGS, GC_M_PATROL_STOPS,
  GC_M_EVASION_MONEY, GC_M_EVASION_MINUTES, GC_M_LISTED_END, GC_M_N
} gc_metric;

extern const char *const gc_metric_names[];      /* GC_M_* */
extern const char *const gc_metric_meanings[];

typedef struct gc_group_row {
  int rule;                     /* -1: any rule */
  int trait, value;             /* trait == ntraits: everyone (value 0) */
  uint64_t population, with_claim, flagged, flagged_with_claim, actioned, innocent_actioned;
  uint64_t detained, innocent_detained;
} gc_group_row;

enum { GC_HARM_DETAINED = 1, GC_HARM_DETAINED_INNOCENT = 2, GC_HARM_IN_DETENTION_INNOCENT = 4 };

typedef struct gc_audit {
  int days, nrules, nlists, nvalues;  /* nvalues: trait values of all traits together */
  gc_rule_day *rule_daily;      /* days * nrules */
  uint64_t *list_daily;         /* days * nlists: size at the end of the day */
  gc_day *daily;
  uint32_t *flagged;            /* per agent: rules that ever flagged them */
  uint32_t *actioned;           /* per agent: rules that ever acted on them */
  uint8_t *harm;                /* per agent: GC_HARM_* */
  uint16_t *harm_count;         /* per agent: GC_HC_N saturating counters */
  uint64_t *list_group_daily;   /* days * nlists * nvalues: members with each trait value */
  gc_patrol_day *patrol_daily;  /* days, when patrols are on */
  int ndistricts;
  gc_group_row *groups;         /* filled by gc_audit_finish */
  size_t ngroups;
  gc_harm_row *harms;           /* filled by gc_audit_finish */
  size_t nharms;
  gc_inference_result inference;
} gc_audit;

/* Allocates the audit for cfg and n agents.  Returns 0 or -1 (OOM, a is
** then freed).  Free with gc_audit_free. */
int gc_audit_init(gc_audit *a, const gc_config *cfg, uint32_t n);
void gc_audit_free(gc_audit *a);

/* Records the day's alerts and their outcomes. */
void gc_audit_alerts(gc_audit *a, const gc_config *cfg, const gc_population *pop, int day,
                     const gc_alert *alerts, const gc_outcome *out, size_t n);

/* Records every action performed today (acts from gc_response_day): harms
** per person, actions by origin, rule tallies of carried-over tasks. */
void gc_audit_actions(gc_audit *a, const gc_config *cfg, const gc_population *pop, int day,
                      const gc_action_buf *acts);

/* Records harms that are observations rather than actions: home visits
** (each member of a visited household) and "unusual" marks in visit
** reports: their ranges in obs, the day's observations grouped by kind as
** kinds says. */
void gc_audit_observations(gc_audit *a, const gc_population *pop, const gc_obs *obs, const gc_obs_kinds *kinds);

/* Records the day's patrol allocation and what it found (rec may be NULL). */
void gc_audit_patrol(gc_audit *a, const gc_population *pop, int day, const gc_patrol_day *rec,
                     const gc_obs *obs, size_t n);

/* The headline figures of the run so far, into out[GC_M_N]. */
void gc_audit_summary(const gc_audit *a, const gc_config *cfg, double *out);

/* Records end-of-day state: list sizes, people in detention. */
void gc_audit_end_of_day(gc_audit *a, const gc_config *cfg, const gc_population *pop, int day);

/* Computes the group table.  Returns 0 or -1 (OOM). */
int gc_audit_finish(gc_audit *a, const gc_config *cfg, const gc_population *pop);

/* Rules (bit r) whose claimed conditions agent i has, lawful ones included
** (*claim: "with_claim"), and rules for which i is innocent (*innocent: no
** unlawful condition the rule claims), as defined above. */
void gc_audit_claim_masks(const gc_config *cfg, const gc_population *pop, uint32_t i, uint32_t *claim,
                          uint32_t *innocent);

/* Sums of a rule's daily rows over the run. */
gc_rule_day gc_audit_rule_total(const gc_audit *a, int rule);

#endif
