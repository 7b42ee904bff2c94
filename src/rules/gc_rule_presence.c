/*
** gc_rule_presence.c — "a selected person is observed at (or near) a place
** type".  The drug-user early-warning system (WANG-2017): an alert whenever
** a person on the drug-user list uses their ID, e.g. to check into a hotel.
** Zhouning's cameras: an alert "each time a person with a mental-illness
** history comes near a school" (NYT-2022), which is `radius_m`.
**
** Any located observation counts: ID scans, CCTV sightings, wifi logs and
** plate reads at a place.  Sightings and wifi logs at a home count only if
** `where` includes home (the loader refuses homes as `where`, so in
** practice they never do); homes are not places, so `radius_m` never
** applies to them.  With radius_m > 0, compile marks once, per place, whether
** a place of a `where` type lies within radius (same region, via the world's
** grid); the day's work is then one bit test per observation.
** One trigger per matching observation; no state across days.
*/
#include <stdio.h>
#include <stdlib.h>
#include "gc_rule_kind.h"

typedef struct presence_state {
  uint8_t *near;             /* per place: within radius_m of a `where` place; NULL: radius 0 */
} presence_state;

static int compile(gc_rule *r, const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  (void)cfg; (void)pop;
  if (r->cfg->radius_m <= 0) return 0;
  presence_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  r->state = s;
  uint32_t cap = w->nplaces ? w->nplaces : 1;
  uint32_t *buf = malloc(cap * sizeof *buf);
  s->near = calloc(cap, 1);
  if (!buf || !s->near) { free(buf); return -1; }
  for (uint32_t p = 0; p < w->nplaces; p++) {
    if (!((r->where_mask >> w->type[p]) & 1)) continue;
    uint32_t nn = gc_world_near(w, p, r->cfg->radius_m, buf, cap);
    for (uint32_t k = 0; k < nn && k < cap; k++) s->near[buf[k]] = 1;
  }
  free(buf);
  return 0;
}

static int matches(const gc_rule *r, const gc_obs *o) {
  const presence_state *s = r->state;
  int type;
  if (!gc_obs_at_place(o, &type)) return (o->flags & GC_OBSF_HOME) && (r->where_mask & (1u << GC_PLACE_HOME));
  if (s) return s->near[o->where];
  return (r->where_mask >> type) & 1;
}

static int evaluate(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits) {
  static const int kinds[] = {GC_OBS_ID_SCAN, GC_OBS_SIGHTING, GC_OBS_WIFI, GC_OBS_PLATE};
  const gc_obs *o;
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
    GC_FOR_KIND(env, kinds[k], o) {
      if (!matches(r, o) || !gc_rule_watches(r, env, o->person)) continue;
      if (gc_u32vec_push(hits, o->person)) return -1;
    }
  return 0;
}

static void release(gc_rule *r) {
  presence_state *s = r->state;
  if (!s) return;
  free(s->near);
  free(s);
  r->state = NULL;
}

static void describe(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len) {
  char who[256], where[128];
  gc_describe_selector(cfg, &rc->who, who, sizeof who);
  gc_describe_where(rc, where, sizeof where);
  if (rc->radius_m > 0)
    snprintf(buf, len, "alert when %s is observed (ID scan, camera, wifi or plate) within %.0f m of a %s",
             who, rc->radius_m, where);
  else
    snprintf(buf, len, "alert when %s is observed (ID scan, camera, wifi or plate) at a %s", who, where);
}

const gc_rule_ops gc_rule_presence_ops = {"presence", compile, evaluate, release, describe};
