/*
** gc_rule_presence.c — "a selected person is observed at a place type".
** The drug-user early-warning system (WANG-2017): an alert whenever a person
** on the drug-user list uses their ID, e.g. to check into a hotel.
** One trigger per matching ID scan; no state across days.
*/
#include <stdio.h>
#include "gc_rule_kind.h"

static int compile(gc_rule *r, const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  (void)r; (void)cfg; (void)w; (void)pop;
  return 0;
}

static int evaluate(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits) {
  const gc_obs *o;
  GC_FOR_KIND(env, GC_OBS_ID_SCAN, o) {
    if (!((r->where_mask >> o->sub) & 1) || !gc_rule_watches(r, env, o->person)) continue;
    if (gc_u32vec_push(hits, o->person)) return -1;
  }
  return 0;
}

static void release(gc_rule *r) { (void)r; }

static void describe(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len) {
  char who[256], where[128];
  gc_describe_selector(cfg, &rc->who, who, sizeof who);
  gc_describe_where(rc, where, sizeof where);
  snprintf(buf, len, "alert when %s is ID-scanned at a %s", who, where);
}

const gc_rule_ops gc_rule_presence_ops = {"presence", compile, evaluate, release, describe};
