/*
** gc_feedback.c — trust recovery, interception marks, trust census.
**
** The response is the only writer that lowers trust; this module is the
** only one that raises it.  It notices a lowered household through the
** day's action records (the household of every person acted on), so it
** never scans all households after gc_feedback_new: `seen[h]` is the level
** it last saw, `base[h]` the level recovered to, and `low` lists exactly
** the households with seen > base.  A household's clock is
** st.hh_trust_day, which the response sets on every action on a member.
*/
#include <stdlib.h>
#include <string.h>
#include "gc_feedback.h"
#include "gc_mem.h"

struct gc_feedback {
  const gc_config *cfg;
  gc_population *pop;
  int trust;                    /* trust levels exist */
  uint8_t *base, *seen;         /* per household (trust only) */
  uint32_t *low;                /* households below their base level */
  size_t nlow, lowcap;
  uint32_t *icpt;               /* people intercepted on the previous day */
  size_t nicpt, icap;
  uint64_t at[GC_MAX_TRUST];
};

gc_feedback *gc_feedback_new(const gc_config *cfg, gc_population *pop) {
  gc_feedback *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->cfg = cfg;
  f->pop = pop;
  f->trust = cfg->population.trust.nlevels > 0;
  if (!f->trust) return f;
  f->base = malloc(pop->nhh ? pop->nhh : 1);
  f->seen = malloc(pop->nhh ? pop->nhh : 1);
  if (!f->base || !f->seen) { gc_feedback_free(f); return NULL; }
  if (pop->nhh) memcpy(f->base, pop->st.hh_trust, pop->nhh);
  if (pop->nhh) memcpy(f->seen, pop->st.hh_trust, pop->nhh);
  for (uint32_t h = 0; h < pop->nhh; h++) f->at[f->base[h] < GC_MAX_TRUST ? f->base[h] : GC_MAX_TRUST - 1]++;
  return f;
}

void gc_feedback_free(gc_feedback *f) {
  if (!f) return;
  free(f->base);
  free(f->seen);
  free(f->low);
  free(f->icpt);
  free(f);
}

/* Brings household h's census entry up to its current level. */
static int notice(gc_feedback *f, uint32_t h) {
  uint8_t lvl = f->pop->st.hh_trust[h];
  if (lvl == f->seen[h]) return 0;
  if (f->seen[h] <= f->base[h] && lvl > f->base[h]) {
    uint32_t *l = gc_grow(f->low, &f->lowcap, f->nlow + 1, sizeof *l);
    if (!l) return -1;
    f->low = l;
    f->low[f->nlow++] = h;
  }
  f->at[f->seen[h]]--;
  f->at[lvl]++;
  f->seen[h] = lvl;
  return 0;
}

/* One level back for every lowered household left alone long enough. */
static uint64_t recover(gc_feedback *f, int day) {
  int every = f->cfg->population.trust.recover_days;
  if (every <= 0) return 0;
  gc_agent_state *st = &f->pop->st;
  uint64_t n = 0;
  for (size_t k = 0; k < f->nlow;) {
    uint32_t h = f->low[k];
    if (day - st->hh_trust_day[h] >= every) {
      st->hh_trust[h]--;
      st->hh_trust_day[h] = (uint16_t)day;
      f->at[f->seen[h]]--;
      f->at[--f->seen[h]]++;
      n++;
      if (f->seen[h] <= f->base[h]) { f->low[k] = f->low[--f->nlow]; continue; }
    }
    k++;
  }
  return n;
}

/* Yesterday's interception marks go; today's are remembered for tomorrow. */
static int interceptions(gc_feedback *f, const gc_action_buf *acts, uint64_t *cleared) {
  uint8_t *flags = f->pop->st.flags;
  for (size_t k = 0; k < f->nicpt; k++) flags[f->icpt[k]] &= (uint8_t)~GC_AGENT_INTERCEPTED;
  *cleared = f->nicpt;
  f->nicpt = 0;
  for (size_t j = 0; j < acts->n; j++) {
    if (!(acts->a[j].flags & GC_OUTF_INTERCEPTED)) continue;
    uint32_t *l = gc_grow(f->icpt, &f->icap, f->nicpt + 1, sizeof *l);
    if (!l) return -1;
    f->icpt = l;
    f->icpt[f->nicpt++] = acts->a[j].person;
    flags[acts->a[j].person] |= GC_AGENT_INTERCEPTED;
  }
  return 0;
}

int gc_feedback_day(gc_feedback *f, int day, const gc_action_buf *acts, gc_feedback_tally *t) {
  gc_feedback_tally local;
  if (!t) t = &local;
  memset(t, 0, sizeof *t);
  if (f->nicpt || acts->intercepted)
    if (interceptions(f, acts, &t->intercepted_cleared)) return -1;
  if (!f->trust) return 0;
  for (size_t j = 0; j < acts->n; j++)
    if (notice(f, f->pop->hh[acts->a[j].person])) return -1;
  t->trust_recovered = recover(f, day);
  t->households_lowered = f->nlow;
  memcpy(t->households_at, f->at, sizeof t->households_at);
  return 0;
}
