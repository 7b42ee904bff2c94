/*
** gc_rule_kind.h — the interface every rule kind implements.
** Adding a kind means one file in src/rules/, one line in the registry in
** gc_rules.c and a section in docs/scenario-reference.md.
*/
#ifndef GC_RULE_KIND_H
#define GC_RULE_KIND_H

#include <stddef.h>
#include <stdint.h>
#include "../gc_rules.h"

/* A growable array of uint32 (persons, indices). */
typedef struct gc_u32vec {
  uint32_t *v;
  size_t n, cap;
} gc_u32vec;

/* What a rule sees on one day. */
typedef struct gc_rule_env {
  const gc_config *cfg;
  const gc_world *world;
  const gc_population *pop;       /* st.risk holds the previous day's levels */
  int day;
  const gc_obs *obs;              /* the day's observations grouped by kind */
  const size_t *kind_start;       /* kind k: obs[kind_start[k] .. kind_start[k + 1]) */
  uint16_t exempt_lists;
  /* Score rules write today's risk levels here (max over score rules; all
  ** zero before the first one runs); the driver copies it to pop->st.risk
  ** after every rule has run, so no rule sees a half-updated day.  NULL
  ** when the run has no score rule. */
  uint8_t *risk;
  /* The alerts the rules produced on day prev_alerts_day (the previous
  ** call), sorted by rule then person; kept only when a score rule counts
  ** alerts (otherwise nprev_alerts = 0). */
  const gc_alert *prev_alerts;
  size_t nprev_alerts;
  int prev_alerts_day;            /* -1 before the first day */
} gc_rule_env;

/* A compiled rule: its configuration and private state. */
typedef struct gc_rule {
  const gc_rule_cfg *cfg;
  uint16_t index;
  uint16_t where_mask;            /* bit per place type */
  void *state;
} gc_rule;

typedef struct gc_rule_ops {
  const char *name;
  /* Allocates state; returns 0 or -1 (out of memory). */
  int (*compile)(gc_rule *r, const gc_config *cfg, const gc_world *w, const gc_population *pop);
  /* Appends the persons flagged today (with repeats, one per trigger) to
  ** *hits; returns 0 or -1 (out of memory). */
  int (*evaluate)(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits);
  void (*release)(gc_rule *r);
  void (*describe)(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len);
} gc_rule_ops;

int gc_u32vec_push(gc_u32vec *v, uint32_t x);
void gc_u32vec_free(gc_u32vec *v);
void gc_sort_u32(uint32_t *a, size_t n);

/* A growable array of uint64 (packed pairs such as person << 32 | other). */
typedef struct gc_u64vec {
  uint64_t *v;
  size_t n, cap;
} gc_u64vec;

int gc_u64vec_push(gc_u64vec *v, uint64_t x);
void gc_u64vec_free(gc_u64vec *v);
void gc_sort_u64(uint64_t *a, size_t n);

/* Observation kind that records event kind ev (gc_event_kind), and whether
** observation o of that kind is an `ev` (purchase: category, -1 any).
** Shared by frequency rules and the `count:` features of score rules. */
int gc_event_obs_kind(int ev);
int gc_event_matches(int ev, int purchase, const gc_obs *o);

/* Whether o is located at a place (not at a home): ID scans, sightings,
** wifi logs and plate reads; *type is then the place type. */
static inline int gc_obs_at_place(const gc_obs *o, int *type) {
  switch (o->kind) {
  case GC_OBS_ID_SCAN: case GC_OBS_SIGHTING: case GC_OBS_WIFI: case GC_OBS_PLATE:
    if (o->flags & GC_OBSF_HOME) return 0;
    *type = o->sub;
    return 1;
  default: return 0;
  }
}

/* Whether person may be looked at by rule r: selected and not exempt. */
static inline int gc_rule_watches(const gc_rule *r, const gc_rule_env *env, uint32_t person) {
  if (env->pop->st.lists[person] & env->exempt_lists) return 0;
  return gc_pop_selected(env->pop, person, &r->cfg->who);
}

#define GC_FOR_KIND(env, kind, o) \
  for (size_t gc__k = (env)->kind_start[kind]; gc__k < (env)->kind_start[(kind) + 1] && \
       ((o) = &(env)->obs[gc__k], 1); gc__k++)

extern const gc_rule_ops gc_rule_presence_ops;
extern const gc_rule_ops gc_rule_copresence_ops;
extern const gc_rule_ops gc_rule_frequency_ops;
extern const gc_rule_ops gc_rule_baseline_ops;
extern const gc_rule_ops gc_rule_movement_ops;
extern const gc_rule_ops gc_rule_absence_ops;
extern const gc_rule_ops gc_rule_dwell_ops;
extern const gc_rule_ops gc_rule_score_ops;

/* Shared by describe functions: "drug_users or petitioners". */
void gc_describe_selector(const gc_config *cfg, const gc_selector *s, char *buf, size_t len);
void gc_describe_claims(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len);
void gc_describe_where(const gc_rule_cfg *rc, char *buf, size_t len);
/* One condition in the scenario language: "drug_users", "ethnicity=minority",
** "trust=distrusted", "risk>=high". */
void gc_describe_cond(const gc_config *cfg, gc_cond c, char *buf, size_t len);

#endif
