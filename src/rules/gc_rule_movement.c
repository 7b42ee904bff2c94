/*
** gc_rule_movement.c — "a selected person heads for, or turns up in, a
** destination": petitioners buying a ticket to Beijing, people leaving the
** home region (HRW-2018, NYT-2022; Tianjin's travel alerts).
**
** Two kinds of evidence, both as the platform records them: a real-name
** railway ticket whose written destination (`other`) matches, which warns
** before the person leaves; or any located observation (ID scan, sighting,
** wifi log, plate read) at a place whose region matches, which catches the
** traveller who came another way.  Destinations: capital = the world's
** capital region; other_region = neither the home city (0) nor the
** capital; any = anywhere but the home city.  A decoy ticket matches on its
** written destination, as it does for the real platforms.
** One trigger per matching observation (the driver makes one alert per
** person-day); no state across days.
*/
#include <stdio.h>
#include "gc_rule_kind.h"

static int compile(gc_rule *r, const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  (void)r; (void)cfg; (void)w; (void)pop;
  return 0;
}

static int region_matches(int dest, const gc_world *w, uint32_t region) {
  switch (dest) {
  case GC_DEST_CAPITAL: return region == (uint32_t)w->capital;
  case GC_DEST_OTHER_REGION: return region != 0 && region != (uint32_t)w->capital;
  default: return region != 0;
  }
}

static int evaluate(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits) {
  static const int located[] = {GC_OBS_ID_SCAN, GC_OBS_SIGHTING, GC_OBS_WIFI, GC_OBS_PLATE};
  const gc_world *w = env->world;
  int dest = r->cfg->destination;
  const gc_obs *o;
  GC_FOR_KIND(env, GC_OBS_TICKET, o) {
    if (o->other == GC_NONE || !region_matches(dest, w, o->other)) continue;
    if (gc_rule_watches(r, env, o->person) && gc_u32vec_push(hits, o->person)) return -1;
  }
  for (size_t k = 0; k < sizeof located / sizeof *located; k++)
    GC_FOR_KIND(env, located[k], o) {
      int type;
      if (!gc_obs_at_place(o, &type) || o->where >= w->nplaces) continue;
      if (!region_matches(dest, w, w->region[o->where])) continue;
      if (gc_rule_watches(r, env, o->person) && gc_u32vec_push(hits, o->person)) return -1;
    }
  return 0;
}

static void release(gc_rule *r) { (void)r; }

static void describe(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len) {
  static const char *const dest[] = {"the capital", "another region", "anywhere outside the city"};
  char who[256];
  gc_describe_selector(cfg, &rc->who, who, sizeof who);
  int d = rc->destination >= 0 && rc->destination <= GC_DEST_ANY ? rc->destination : GC_DEST_ANY;
  snprintf(buf, len, "alert when %s buys a railway ticket to %s or is observed there", who, dest[d]);
}

const gc_rule_ops gc_rule_movement_ops = {"movement", compile, evaluate, release, describe};
