/*
** gc_sensor_home_visit.c — home visits, a human sensor (HRW-2018).
**
** Teams visit households "from daily to once every two months" depending
** on whether the family is deemed trustworthy: a household at trust level
** l is visited on a day with probability 1 / visit_every_days[l] (0:
** never), so the number of visits over D days is Binomial(D, 1/interval)
** and distrust, which police action raises, brings more visits and so more
** reports: a feedback loop.  A visit yields HOME_VISIT (person = head) and,
** for each member at home, an UNUSUAL mark with the probability of the
** first unusual_if condition the member meets (truth: what visits claim to
** notice; traits: the visitors' bias) or unusual_otherwise.  Identities
** are true: the visitors see the people.  Draws: HOME_VISITS stream,
** entity = household, day; word 0 decides the visit, then one word per
** member, so reports never depend on other households or threads.
** With no trust levels (population.trust absent) there are no visits.
*/
#include "gc_sensor_kind.h"

static double unusual_prob(const gc_home_visit_cfg *hv, const gc_population *p, uint32_t i) {
  for (int k = 0; k < hv->nunusual; k++)
    if (gc_pop_cond(p, i, hv->unusual_if[k])) return hv->unusual_prob[k];
  return hv->unusual_otherwise;
}

static void visit(const gc_sensor_ctx *c, uint32_t h, gc_stream *s, gc_obs_buf *out) {
  const gc_population *p = c->pop;
  const gc_home_visit_cfg *hv = &c->cfg->sensors.home_visit;
  uint32_t head = p->hh_start[h];
  uint16_t minute = (uint16_t)(540 + gc_stream_below(s, 600));
  gc_obs o = {head, head, h, GC_NONE, 0, minute, GC_OBS_HOME_VISIT, GC_PLACE_HOME, 0};
  gc_obs_push(out, &o);
  for (uint32_t i = head; i < p->hh_start[h + 1]; i++) {
    double u = gc_stream_u01(s);                  /* drawn for everyone: streams stay aligned */
    if (p->st.detained_until[i] > c->day || p->st.away_until[i] > c->day) continue;
    if (u >= unusual_prob(hv, p, i)) continue;
    gc_obs m = {i, i, h, GC_NONE, 0, minute, GC_OBS_UNUSUAL, GC_PLACE_HOME, 0};
    gc_obs_push(out, &m);
  }
}

void gc_sensors_home_visits(const gc_sensor_ctx *c, uint32_t h0, uint32_t h1, gc_obs_buf *out) {
  const gc_trust_cfg *tc = &c->cfg->population.trust;
  double prob[GC_MAX_TRUST];
  int any = 0;
  for (int l = 0; l < GC_MAX_TRUST; l++) {
    double every = l < tc->nlevels ? tc->visit_every_days[l] : 0;
    prob[l] = every > 0 ? (every < 1 ? 1 : 1.0 / every) : 0;
    any |= prob[l] > 0;
  }
  if (!any) return;
  const gc_population *p = c->pop;
  for (uint32_t h = h0; h < h1; h++) {
    uint8_t level = p->st.hh_trust[h];
    if (level >= GC_MAX_TRUST || !(prob[level] > 0)) continue;
    gc_stream s;
    gc_stream_init(&s, c->hkey, h, (uint32_t)c->day);
    if (gc_stream_u01(&s) >= prob[level]) continue;
    visit(c, h, &s, out);
  }
}
