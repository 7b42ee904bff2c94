/*
** gc_response.h — what police do with a day's alerts.
**
** Design.  Alerts become tasks.  Tasks are ordered by the rule's priority
** class (political "stability" warnings first, as HRW-2018 and NYT-2022
** report), then by rule, then in a random but reproducible order, and are
** worked through until the day's officer capacity is spent; the rest go
** unhandled.  A person is acted on at most once a day.  An action
** (visit, ID check, drug test) "finds" a condition the rule claims with
** probability `finds` if the person has it, and "finds" one wrongly with
** probability `false_finding` if not; a finding triggers the follow-up
** action (typically detention).  Follow-ups cost nothing from capacity:
** the reporting describes detention as following a finding, not competing
** with the next alert.  Everyone actioned may also be put on a list
** (`then_list`): this is how lists grow from alerts (feedback).
**
** The response writes agent state (lists, detention) and, per alert, a
** gc_outcome that the audit turns into harms and detections.
*/
#ifndef GC_RESPONSE_H
#define GC_RESPONSE_H

#include <stddef.h>
#include <stdint.h>
#include "gc_config.h"
#include "gc_population.h"
#include "gc_rules.h"

typedef enum {
  GC_OUT_NO_ACTION = 0,     /* the rule asks for no action, or response is off */
  GC_OUT_DONE,              /* acted on */
  GC_OUT_CAPACITY,          /* not reached today: capacity spent */
  GC_OUT_DUPLICATE,         /* person already acted on today by a higher-priority alert */
  GC_OUT_IN_DETENTION       /* person already detained */
} gc_outcome_status;

enum { GC_OUTF_FOUND = 1, GC_OUTF_FALSE_FINDING = 2, GC_OUTF_DETAINED = 4, GC_OUTF_LISTED = 8 };

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

void gc_action_buf_free(gc_action_buf *b);

typedef struct gc_response gc_response;

/* Creates the response for cfg over pop (whose state it will write).
** Returns NULL on allocation failure; free with gc_response_free. */
gc_response *gc_response_new(const gc_config *cfg, gc_population *pop);
void gc_response_free(gc_response *r);

/* Acts on alerts[0..n-1] of `day`, writing one outcome per alert into
** out[0..n-1] (caller-owned).  Returns 0 or -1 on allocation failure. */
int gc_response_day(gc_response *r, int day, const gc_alert *alerts, size_t n, gc_outcome *out);

/* Puts the initial members on each list (selectors over traits). */
void gc_response_init_lists(const gc_config *cfg, gc_population *pop);

/* End of day: each member leaves each list with that list's removal rate. */
void gc_response_prune_lists(const gc_config *cfg, gc_population *pop, int day);

/* Whether `person` has a condition rule `rc` claims to detect; with
** `unlawful_only`, lawful conditions (a petition trip) do not count. */
int gc_response_has_claim(const gc_config *cfg, const gc_population *pop, const gc_rule_cfg *rc,
                          uint32_t person, int unlawful_only);

#endif
