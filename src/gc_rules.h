/*
** gc_rules.h — tripwire rules: observed records in, alerts out.
**
** Design.  A gc_rules holds the compiled rules of a run and whatever state
** a rule kind keeps across days (frequency windows, personal baselines,
** earlier co-presence candidates).  Each day gc_rules_day takes the day's
** observations grouped by kind (gc_obs_kinds: the run gathers them so),
** then runs every rule on the kinds it reads.  People on an exempt list (the red
** list) are removed before any rule sees them, as the platforms are reported to do
** (NYT-2022).  A rule never reads ground truth: it sees `person` (the
** observed identity), traits and lists, like the platforms it models.
**
** An alert is one (rule, person, day); `count` says how many triggers
** (scans, groups, readings) produced it.  Alerts come out sorted by rule,
** then person, so everything downstream is deterministic.
** Each rule kind lives in its own file under src/rules/ behind the small
** interface in rules/gc_rule_kind.h (compile, evaluate a day, describe).
*/
#ifndef GC_RULES_H
#define GC_RULES_H

#include <stddef.h>
#include <stdint.h>
#include "gc_config.h"
#include "gc_names.h"
#include "gc_population.h"
#include "gc_sensors.h"
#include "gc_world.h"

typedef struct gc_alert {
  uint32_t person;
  uint16_t rule;
  uint16_t count;       /* triggers today, saturating */
} gc_alert;

typedef struct gc_alert_buf {
  gc_alert *a;
  size_t n, cap;
  int oom;
  uint64_t triggers[GC_MAX_RULES];    /* today's triggers per rule */
} gc_alert_buf;

typedef struct gc_rules gc_rules;

/* Compiles the rules of cfg.  Returns NULL on allocation failure.  The
** caller owns the result (gc_rules_free); cfg, world and pop must outlive it.
** pop is written only in one place: when score rules exist, gc_rules_day
** sets pop->st.risk (every agent's risk level) after all rules have run. */
gc_rules *gc_rules_new(const gc_config *cfg, const gc_world *w, gc_population *pop);
void gc_rules_free(gc_rules *r);

/* Evaluates every rule on the day's observations obs[0..n-1] (which it
** does not modify), grouped by kind as kinds says (NULL: in any order, and
** gc_rules_day groups a copy, in storage it keeps), and appends the alerts
** to out (cleared first).  Rules read the risk levels of the previous day; with score
** rules, today's levels are written to pop->st.risk at the end.  Call once
** per day, in order.
** Returns 0, or -1 on allocation failure. */
int gc_rules_day(gc_rules *r, int day, const gc_obs *obs, size_t n, const gc_obs_kinds *kinds,
                 gc_alert_buf *out);

/* Traits rule i (or, for -1, any rule) selects people by, directly or
** through the lists it names, as a bit mask: a group defined by them is
** burdened by design, so disparity summaries look past them. */
uint32_t gc_rules_selects_by(const gc_config *cfg, int rule);

/* One line describing rule i in words, written into buf. */
void gc_rules_describe(const gc_config *cfg, int i, char *buf, size_t len);

void gc_alert_buf_free(gc_alert_buf *b);

#endif
