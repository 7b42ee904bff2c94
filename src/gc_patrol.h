/*
** gc_patrol.h — place-based patrols that follow past discoveries.
**
** Design.  The home city is cut into districts (gc_world.district).  Each
** day `patrols` patrols are sent to districts drawn with probability
** proportional to each district's discovery count, a decaying tally of
** incidents police discovered there (and, optionally, incidents the public
** reported).  Patrols discover offences only where they are, so the counts
** feed on themselves: the runaway feedback loop of Ensign et al. (2018)
** and Lum & Isaac (2016).  With `correction`, a discovery is accepted with
** probability 1 - (district's share of patrols), the authors' fix.
** Sensing (who a patrol stops, what it discovers) is done by the sensors
** from gc_patrol_today(); acting on it by the response.
**
** Abstract incident mode (response.patrol.incidents): Ensign et al.'s urn
** itself.  Each district has true incidents ~ Poisson(rate) a day, drawn
** here; a patrolled district's incidents are discovered (probability
** `discover` per patrol), any incident is reported (probability
** `reported`), and both feed the counts.  Agents' offences are then not
** sensed as discoveries or reports: the population only fills the city.
*/
#ifndef GC_PATROL_H
#define GC_PATROL_H

#include <stddef.h>
#include <stdint.h>
#include "gc_config.h"
#include "gc_sensors.h"
#include "gc_world.h"

typedef struct gc_patrol gc_patrol;

/* Per day and district, for the audit. */
typedef struct gc_patrol_day {
  uint8_t patrols[GC_MAX_DISTRICTS];
  uint32_t discoveries[GC_MAX_DISTRICTS];
  uint32_t reported[GC_MAX_DISTRICTS];
  float weight[GC_MAX_DISTRICTS];       /* count used to allocate that day's patrols */
  uint32_t incidents[GC_MAX_DISTRICTS]; /* true incidents (abstract incident mode only) */
} gc_patrol_day;

/* Returns the patrol state, or NULL (allocation failure).  Patrols are off
** (gc_patrol_today returns NULL) when cfg->response.patrol.patrols == 0. */
gc_patrol *gc_patrol_new(const gc_config *cfg, const gc_world *w);
void gc_patrol_free(gc_patrol *p);

/* Draws day's allocation from the current counts. */
void gc_patrol_plan(gc_patrol *p, int day);

/* Patrols per district today (ndistricts entries), or NULL when off. */
const uint8_t *gc_patrol_today(const gc_patrol *p);

/* Updates counts from the day's DISCOVERY and REPORTED observations (in the
** abstract incident mode: from the day's drawn incidents, obs unused), then
** decays them. */
void gc_patrol_learn(gc_patrol *p, int day, const gc_obs *obs, size_t n);

/* The record of `day` (after gc_patrol_learn), or NULL when off. */
const gc_patrol_day *gc_patrol_record(const gc_patrol *p, int day);

#endif
