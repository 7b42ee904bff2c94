/*
** gc_feedback.h — what a day's police actions change for the days after.
**
** Design.  The response acts and writes the immediate state (detention,
** lists, last action, awareness, chilling, a lower household trust level).
** What follows from it over time lives here, run once at the end of each
** day after the response:
**   trust recovery  a household whose trust was lowered by actions regains
**                   one level after `recover_days` days without an action
**                   on any member, down to (never past) the level it
**                   started at; the distrust loop (actions lower trust,
**                   lower trust means more home visits, HRW-2018) runs in
**                   both directions.
**   interceptions   GC_AGENT_INTERCEPTED marks people whose trip was ended
**                   on its departure day, for the rest of that day; the
**                   activity model clears it when the person's next day
**                   starts, and this module again at that day's end (a
**                   guard that costs only the day's interceptions).
**   trust census    households per trust level at the end of the day, for
**                   the audit, kept up to date from the day's actions
**                   without a pass over all households.
** Other feedback needs no daily work here: list growth happens in the
** response (then_list), list removal is gc_response_prune_lists, patrols
** learn in gc_patrol_learn, deterrence and evasion are read by the
** activity model from the agent state.
**
** Representation.  Two bytes per household (the initial level and the
** level last seen) plus the list of households below their initial level,
** allocated only when trust levels exist; the day's work is O(actions +
** households currently distrusted by actions).
*/
#ifndef GC_FEEDBACK_H
#define GC_FEEDBACK_H

#include <stddef.h>
#include <stdint.h>
#include "gc_config.h"
#include "gc_population.h"
#include "gc_response.h"

typedef struct gc_feedback gc_feedback;

typedef struct gc_feedback_tally {
  uint64_t trust_recovered;              /* households that regained a level today */
  uint64_t households_lowered;           /* households below their initial level (end of day) */
  uint64_t households_at[GC_MAX_TRUST];  /* households per trust level (end of day) */
  uint64_t intercepted_cleared;          /* interception marks cleared today */
} gc_feedback_tally;

/* Returns the feedback state for cfg over pop, or NULL on allocation
** failure; free with gc_feedback_free.  Call after
** gc_population_init_state: each household's trust level at this moment
** is the level it recovers to.  cfg and pop must outlive it. */
gc_feedback *gc_feedback_new(const gc_config *cfg, gc_population *pop);
void gc_feedback_free(gc_feedback *f);

/* End of `day`, after gc_response_day wrote `acts`: trust recovery and
** interception marks (pop state), and the day's tally into *t (may be
** NULL).  Returns 0, or -1 on allocation failure. */
int gc_feedback_day(gc_feedback *f, int day, const gc_action_buf *acts, gc_feedback_tally *t);

#endif
