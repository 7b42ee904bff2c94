/*
** gc_trace.c — traced agents' records and their words (see gc_trace.h).
**
** The hooks copy records; nothing is formatted until gc_trace_row_of, so
** the cost while a run goes on is one bitmap test per record of the day.
** Words come from the scenario's vocabulary (gc_names.h, the config's
** names), so a trace reads like the scenario that produced it.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gc_mem.h"
#include "gc_names.h"
#include "gc_trace.h"

const char *const gc_sample_category_names[] = {"flagged_innocent", "flagged_with_claim", "missed", NULL};

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

gc_trace *gc_trace_new(uint32_t n, const uint32_t *agents, size_t k) {
  gc_trace *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->n = n;
  t->bits = calloc((size_t)n / 64 + 1, sizeof *t->bits);
  t->agent = malloc((k ? k : 1) * sizeof *t->agent);
  if (!t->bits || !t->agent) goto err;
  for (size_t j = 0; j < k; j++) {
    if (agents[j] >= n) goto err;
    if (gc_trace_has(t, agents[j])) continue;
    t->bits[agents[j] >> 6] |= 1ull << (agents[j] & 63);
    t->agent[t->nagents++] = agents[j];
  }
  qsort(t->agent, t->nagents, sizeof *t->agent, cmp_u32);
  t->lists_start = calloc((size_t)t->nagents + 1, sizeof *t->lists_start);
  t->lists_now = calloc((size_t)t->nagents + 1, sizeof *t->lists_now);
  if (!t->lists_start || !t->lists_now) goto err;
  return t;
err:
  gc_trace_free(t);
  return NULL;
}

void gc_trace_buf_free(gc_trace_buf *b) {
  free(b->r);
  b->r = NULL;
  b->n = b->cap = 0;
}

void gc_trace_free(gc_trace *t) {
  if (!t) return;
  free(t->bits);
  free(t->agent);
  free(t->lists_start);
  free(t->lists_now);
  gc_trace_buf_free(&t->rec);
  free(t);
}

int gc_trace_index(const gc_trace *t, uint32_t i) {
  size_t lo = 0, hi = t->nagents;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (t->agent[mid] < i) lo = mid + 1;
    else hi = mid;
  }
  return lo < t->nagents && t->agent[lo] == i ? (int)lo : -1;
}

/* A new record at the end of b, zeroed but for agent, day, layer, src; NULL (oom set) on failure. */
static gc_trace_rec *push(gc_trace_buf *b, uint32_t agent, int day, int layer, int src) {
  gc_trace_rec *r = gc_grow(b->r, &b->cap, b->n + 1, sizeof *r);
  if (!r) { b->oom = 1; return NULL; }
  b->r = r;
  r = &b->r[b->n++];
  memset(r, 0, sizeof *r);
  r->agent = agent;
  r->day = (uint16_t)day;
  r->layer = (uint8_t)layer;
  r->src = (uint8_t)src;
  return r;
}

void gc_trace_start(gc_trace *t, const gc_population *pop) {
  for (uint32_t j = 0; j < t->nagents; j++) t->lists_start[j] = t->lists_now[j] = pop->st.lists[t->agent[j]];
  t->started = 1;
}

void gc_trace_events(const gc_trace *t, int day, const gc_event *ev, size_t n, gc_trace_buf *out) {
  for (size_t k = 0; k < n; k++) {
    if (!gc_trace_has(t, ev[k].agent)) continue;
    gc_trace_rec *r = push(out, ev[k].agent, day, ev[k].kind == GC_TE_EVASION ? GC_TL_COST : GC_TL_TRUTH,
                           GC_TS_EVENT);
    if (r) r->u.ev = ev[k];
  }
}

void gc_trace_append(gc_trace *t, const gc_trace_buf *b) {
  if (b->oom) { t->rec.oom = 1; return; }
  if (!b->n) return;
  gc_trace_rec *r = gc_grow(t->rec.r, &t->rec.cap, t->rec.n + b->n, sizeof *r);
  if (!r) { t->rec.oom = 1; return; }
  t->rec.r = r;
  memcpy(t->rec.r + t->rec.n, b->r, b->n * sizeof *b->r);
  t->rec.n += b->n;
}

void gc_trace_obs(gc_trace *t, int day, const gc_obs *obs, size_t n) {
  for (size_t k = 0; k < n; k++) {
    const gc_obs *o = &obs[k];
    if (gc_trace_has(t, o->agent)) {
      gc_trace_rec *r = push(&t->rec, o->agent, day, GC_TL_SENSOR, GC_TS_OBS);
      if (r) r->u.obs = *o;
    }
    if (o->person != o->agent && gc_trace_has(t, o->person)) {
      gc_trace_rec *r = push(&t->rec, o->person, day, GC_TL_SENSOR, GC_TS_OBS);
      if (r) r->u.obs = *o;
    }
  }
}

void gc_trace_alerts(gc_trace *t, int day, const gc_alert *al, const gc_outcome *out, size_t n) {
  for (size_t k = 0; k < n; k++) {
    if (!gc_trace_has(t, al[k].person)) continue;
    gc_trace_rec *r = push(&t->rec, al[k].person, day, GC_TL_RULE, GC_TS_ALERT);
    if (!r) continue;
    r->u.alert.al = al[k];
    r->u.alert.out = out[k];
  }
}

void gc_trace_actions(gc_trace *t, int day, const gc_action_buf *acts) {
  for (size_t k = 0; k < acts->n; k++) {
    if (!gc_trace_has(t, acts->a[k].person)) continue;
    gc_trace_rec *r = push(&t->rec, acts->a[k].person, day, GC_TL_RESPONSE, GC_TS_ACTION);
    if (r) r->u.act = acts->a[k];
  }
}

void gc_trace_lists(gc_trace *t, int day, const gc_population *pop) {
  for (uint32_t j = 0; j < t->nagents; j++) {
    uint16_t now = pop->st.lists[t->agent[j]], was = t->lists_now[j], diff = now ^ was;
    for (int l = 0; diff >> l; l++) {
      if (!((diff >> l) & 1)) continue;
      gc_trace_rec *r = push(&t->rec, t->agent[j], day, GC_TL_LIST, GC_TS_LIST);
      if (!r) continue;
      r->u.list.list = (uint8_t)l;
      r->u.list.entered = (uint8_t)((now >> l) & 1);
    }
    t->lists_now[j] = now;
  }
}

int gc_trace_oom(const gc_trace *t) { return t->rec.oom; }

/* Minute a record is shown at within its layer (activity emits an agent's
** stays by kind, not by time); records without one keep their order. */
static int sort_minute(const gc_trace_rec *r) {
  if (r->src == GC_TS_EVENT) return r->u.ev.start;
  if (r->src == GC_TS_OBS) return r->u.obs.time;
  return 0;
}

static int by_agent_day_layer(const void *a, const void *b) {
  const gc_trace_rec *x = a, *y = b;
  if (x->agent != y->agent) return x->agent < y->agent ? -1 : 1;
  if (x->day != y->day) return x->day < y->day ? -1 : 1;
  if (x->layer != y->layer) return x->layer < y->layer ? -1 : 1;
  int mx = sort_minute(x), my = sort_minute(y);
  if (mx != my) return mx < my ? -1 : 1;
  return (x->ord > y->ord) - (x->ord < y->ord);
}

void gc_trace_sort(gc_trace *t) {
  for (size_t k = 0; k < t->rec.n; k++) t->rec.r[k].ord = (uint32_t)k;
  if (t->rec.n) qsort(t->rec.r, t->rec.n, sizeof *t->rec.r, by_agent_day_layer);
}

void gc_trace_span(const gc_trace *t, uint32_t agent, size_t *first, size_t *count) {
  size_t lo = 0, hi = t->rec.n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (t->rec.r[mid].agent < agent) lo = mid + 1;
    else hi = mid;
  }
  size_t e = lo;
  while (e < t->rec.n && t->rec.r[e].agent == agent) e++;
  *first = lo;
  *count = e - lo;
}

/* ---- words ------------------------------------------------------------ */

/* Appends printf-style text to buf (truncating quietly: details are short). */
static void add(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *buf, size_t len, const char *fmt, ...) {
  size_t n = strlen(buf);
  if (n + 1 >= len) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + n, len - n, fmt, ap);
  va_end(ap);
}

static void place_words(char *buf, size_t len, const gc_world *w, uint32_t p) {
  if (p < w->nplaces) snprintf(buf, len, "%s %u", gc_place_type_name(w->type[p]), p);
  else buf[0] = 0;
}

static void clock_words(char *buf, size_t len, int minute) {
  add(buf, len, "%02d:%02d", (minute / 60) % 24, minute % 60);
}

static void event_words(const gc_event *e, const gc_config *cfg, const gc_world *w, gc_trace_row *row) {
  snprintf(row->what, sizeof row->what, "%s", e->kind == GC_TE_EVASION ? gc_evasion_name((int)e->place)
                                                                        : gc_true_event_names[e->kind]);
  row->minute = e->start % 1440;
  char *d = row->detail;
  size_t dl = sizeof row->detail;
  switch (e->kind) {
  case GC_TE_STAY:
    place_words(row->place, sizeof row->place, w, e->place);
    clock_words(d, dl, e->start);
    add(d, dl, "-");
    clock_words(d, dl, e->end);
    if (e->end >= 1440) add(d, dl, " (next day)");
    if (e->flags & GC_EVF_DEPART) add(d, dl, "; leaves on a trip");
    if (e->flags & GC_EVF_ARRIVE) add(d, dl, "; arrives from a trip");
    if (e->flags & GC_EVF_PETITION) add(d, dl, "; petition trip (lawful)");
    if (e->flags & GC_EVF_CAR) add(d, dl, "; by car registered to agent %u%s", e->other,
                                   (e->flags & GC_EVF_BORROWED) ? " (borrowed)" : "");
    if (e->flags & GC_EVF_CASH) add(d, dl, "; paid cash");
    break;
  case GC_TE_CALL_NEW: add(d, dl, "call to a new number%s", e->place ? ", out of area" : ""); break;
  case GC_TE_PHONE_OFF: add(d, dl, "phone switched off"); break;
  case GC_TE_PURCHASE:
    add(d, dl, "bought %.1f of %s", (double)e->qty,
        (int)e->place < cfg->activity.npurchases ? cfg->activity.purchase[e->place].name : "?");
    break;
  case GC_TE_OFFENCE:
    place_words(row->place, sizeof row->place, w, e->place);
    add(d, dl, "commits an offence (hidden truth)");
    break;
  case GC_TE_COMPANION:
    place_words(row->place, sizeof row->place, w, e->place);
    add(d, dl, "at the compound with agent %u", e->other);
    break;
  case GC_TE_TICKET:
    place_words(row->place, sizeof row->place, w, e->place);
    add(d, dl, "real-name rail ticket to region %u%s", e->other, (e->flags & GC_EVF_DECOY) ? " (decoy, not used)" : "");
    break;
  case GC_TE_NIGHT:
    snprintf(row->place, sizeof row->place, "household %u", e->place);
    add(d, dl, "night away from home");
    break;
  case GC_TE_EVASION:
    add(d, dl, "%.2f yuan, %d minutes", (double)e->qty, (int)e->end - (int)e->start);
    break;
  default: break;
  }
}

/* Observation kinds whose `where` is a household rather than a place. */
static int where_is_household(const gc_obs *o) {
  switch (o->kind) {
  case GC_OBS_ELECTRICITY: case GC_OBS_WATER: case GC_OBS_HOME_VISIT: case GC_OBS_UNUSUAL:
  case GC_OBS_PHONE_NIGHT: return 1;
  case GC_OBS_CALL_NEW: case GC_OBS_PHONE_OFF: case GC_OBS_PURCHASE: return -1;   /* no place */
  default: return (o->flags & GC_OBSF_HOME) ? 1 : 0;
  }
}

static void obs_words(const gc_obs *o, uint32_t self, const gc_config *cfg, const gc_world *w, gc_trace_row *row) {
  snprintf(row->what, sizeof row->what, "%s", o->kind < GC_OBS_NKINDS ? gc_obs_kind_names[o->kind] : "?");
  row->minute = o->time;
  int h = where_is_household(o);
  if (h > 0) snprintf(row->place, sizeof row->place, "household %u", o->where);
  else if (h == 0) place_words(row->place, sizeof row->place, w, o->where);
  char *d = row->detail;
  size_t dl = sizeof row->detail;
  switch (o->kind) {
  case GC_OBS_ELECTRICITY: row->minute = -1; add(d, dl, "household's meter: %.1f kWh today", (double)o->value); break;
  case GC_OBS_WATER: row->minute = -1; add(d, dl, "household's meter: %.0f litres today", (double)o->value); break;
  case GC_OBS_PURCHASE:
    add(d, dl, "%.1f of %s", (double)o->value, o->sub < cfg->activity.npurchases ? cfg->activity.purchase[o->sub].name : "?");
    break;
  case GC_OBS_SIGHTING: case GC_OBS_WIFI: add(d, dl, "%.0f minutes in view", (double)o->value); break;
  case GC_OBS_CALL_NEW: add(d, dl, "%s", o->sub ? "out-of-area number" : "local number"); break;
  case GC_OBS_COMPOUND_ENTRY:
    add(d, dl, "entry recorded, %.0f companion%s", (double)o->value, o->value == 1.0f ? "" : "s");
    break;
  case GC_OBS_ID_SCAN: add(d, dl, "ID card scanned"); break;
  case GC_OBS_PHONE_OFF: add(d, dl, "phone off the network"); break;
  case GC_OBS_PLATE: add(d, dl, "number plate read"); break;
  case GC_OBS_PAYMENT: add(d, dl, "mobile payment"); break;
  case GC_OBS_HOME_VISIT: add(d, dl, "officers visited the household"); break;
  case GC_OBS_UNUSUAL: add(d, dl, "visit report marks the person \"unusual\""); break;
  case GC_OBS_COMPANION: add(d, dl, "companion agent %u", o->other); break;
  case GC_OBS_TICKET: case GC_OBS_TICKET_NO_SHOW: add(d, dl, "ticket to region %u", o->other); break;
  case GC_OBS_VEHICLE_MISMATCH: add(d, dl, "driving a vehicle registered to agent %u", o->other); break;
  case GC_OBS_PHONE_NIGHT: add(d, dl, "phone located away at night"); break;
  case GC_OBS_PATROL_STOP: case GC_OBS_DISCOVERY: case GC_OBS_REPORTED: add(d, dl, "district %u", o->other); break;
  default: break;
  }
  if (o->kind == GC_OBS_ID_SCAN && (o->flags & GC_OBSF_LOCAL_HOTEL)) add(d, dl, "%slocal hotel", *d ? "; " : "");
  if (o->person == o->agent) return;
  const char *why = (o->flags & GC_OBSF_FALSE_MATCH) ? "false face match"
                  : (o->flags & GC_OBSF_LINKAGE_ERROR) ? "record linked to the wrong ID" : "identity error";
  if (self == o->agent) add(d, dl, "%srecorded under agent %u's identity (%s)", *d ? "; " : "", o->person, why);
  else add(d, dl, "%sattributed to this person but made by agent %u (%s)", *d ? "; " : "", o->agent, why);
}

static const char *const status_words[] = {"no action asked", "acted on", "not reached: officer capacity spent",
                                           "already acted on today", "already in detention"};

static void alert_words(const gc_alert *al, const gc_outcome *out, const gc_config *cfg, gc_trace_row *row) {
  const gc_rule_cfg *rc = &cfg->rule[al->rule];
  snprintf(row->what, sizeof row->what, "%s", rc->name);
  char *d = row->detail;
  size_t dl = sizeof row->detail;
  add(d, dl, "flagged (%u trigger%s, %s rule", al->count, al->count == 1 ? "" : "s", gc_rule_kind_name(rc->kind));
  if (rc->priority >= 0 && rc->priority < cfg->response.npriorities)
    add(d, dl, ", priority %s", cfg->response.priority[rc->priority]);
  add(d, dl, "); %s", out->status < 5 ? status_words[out->status] : "?");
}

static void action_words(const gc_action_rec *a, const gc_config *cfg, gc_trace_row *row) {
  snprintf(row->what, sizeof row->what, "%s", gc_action_name(a->action));
  char *d = row->detail;
  size_t dl = sizeof row->detail;
  int found = a->flags & (GC_OUTF_FOUND | GC_OUTF_FALSE_FINDING);
  /* Detention rows start with their length so that summaries can add them up. */
  if ((a->flags & GC_OUTF_DETAINED) && (a->action == GC_ACT_DETENTION || (found && a->followup == GC_ACT_DETENTION)))
    add(d, dl, "%u days of detention; ", a->detention_days);
  const char *rule = a->rule >= 0 && a->rule < cfg->nrules ? cfg->rule[a->rule].name : "?";
  switch (a->origin) {
  case GC_ORIGIN_ALERT: add(d, dl, "on an alert of %s", rule); break;
  case GC_ORIGIN_CARRIED: add(d, dl, "on a task of %s carried over from an earlier day", rule); break;
  case GC_ORIGIN_QUOTA: add(d, dl, "quota visit to a listed person"); break;
  case GC_ORIGIN_PATROL_STOP: add(d, dl, "stopped by a patrol"); break;
  default: add(d, dl, "offence discovered by a patrol"); break;
  }
  if (a->flags & GC_OUTF_FOUND) add(d, dl, "; found a claimed condition");
  else if (a->flags & GC_OUTF_FALSE_FINDING) add(d, dl, "; false finding (nothing there)");
  else if (a->action != GC_ACT_LIST_ENTRY) add(d, dl, "; nothing found");
  if (found && a->followup != GC_ACT_NONE) add(d, dl, "; then %s", gc_action_name(a->followup));
  if (a->flags & GC_OUTF_INTERCEPTED) add(d, dl, "; trip stopped on its first day");
  if (a->flags & GC_OUTF_LISTED) add(d, dl, "; put on a list");
  if (a->flags & GC_OUTF_RELIEF) add(d, dl, "; risk level lowered");
}

void gc_trace_row_of(const gc_trace *t, size_t k, const gc_config *cfg, const gc_world *w,
                     const gc_population *pop, gc_trace_row *row) {
  const gc_trace_rec *r = &t->rec.r[k];
  memset(row, 0, sizeof *row);
  row->agent = r->agent;
  row->day = r->day;
  row->minute = -1;
  row->layer = gc_trace_layer_names[r->layer];
  switch (r->src) {
  case GC_TS_EVENT: event_words(&r->u.ev, cfg, w, row); break;
  case GC_TS_OBS: obs_words(&r->u.obs, r->agent, cfg, w, row); break;
  case GC_TS_ALERT: alert_words(&r->u.alert.al, &r->u.alert.out, cfg, row); break;
  case GC_TS_ACTION: action_words(&r->u.act, cfg, row); break;
  default:
    snprintf(row->what, sizeof row->what, "%s", r->u.list.list < cfg->nlists ? cfg->list[r->u.list.list].name : "?");
    snprintf(row->detail, sizeof row->detail, "%s", r->u.list.entered ? "entered the list" : "left the list");
    break;
  }
  (void)pop;
}

static void list_words(char *buf, size_t len, const gc_config *cfg, uint16_t lists) {
  buf[0] = 0;
  for (int l = 0; l < cfg->nlists; l++)
    if ((lists >> l) & 1) add(buf, len, "%s%s", *buf ? "; " : "", cfg->list[l].name);
}

void gc_trace_facts_of(const gc_trace *t, uint32_t j, const gc_config *cfg, const gc_population *pop,
                       gc_trace_facts *f) {
  uint32_t i = t->agent[j];
  memset(f, 0, sizeof *f);
  f->household = pop->hh[i];
  for (int k = 0; k < cfg->population.ntraits; k++) {
    const gc_trait *tr = &cfg->population.trait[k];
    add(f->traits, sizeof f->traits, "%s%s=%s", k ? "; " : "", tr->name, tr->value[pop->trait[k][i]]);
  }
  for (int k = 0; k < cfg->population.ntruth; k++)
    if ((pop->truth[i] >> k) & 1)
      add(f->truths, sizeof f->truths, "%s%s%s", *f->truths ? "; " : "", cfg->population.truth[k].name,
          cfg->population.truth[k].lawful ? " (lawful)" : "");
  list_words(f->lists, sizeof f->lists, cfg, t->lists_start[j]);
}

/* ---- the explained sample ------------------------------------------------ */

static uint64_t mix(uint64_t x) {            /* splitmix64's finaliser */
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

typedef struct ranked { uint64_t h; uint32_t agent; } ranked;

/* Keeps the k smallest (h, agent) of a slot, sorted: insertion into k entries. */
static void keep(ranked *slot, int *n, int k, uint64_t h, uint32_t agent) {
  int m = *n;
  if (m == k && h >= slot[m - 1].h) return;
  if (m < k) m++;
  int p = m - 1;
  while (p > 0 && slot[p - 1].h > h) { slot[p] = slot[p - 1]; p--; }
  slot[p].h = h;
  slot[p].agent = agent;
  *n = m;
}

int gc_trace_sample_choose(const gc_config *cfg, const gc_population *pop, const gc_audit *a, int k,
                           gc_sample *s) {
  s->e = NULL;
  s->n = 0;
  int nr = cfg->nrules, nslot = nr * GC_SAMPLE_N;
  if (k <= 0 || nslot == 0) return 0;
  if (k > GC_SAMPLE_MAX_K) k = GC_SAMPLE_MAX_K;
  ranked *slot = malloc((size_t)nslot * (size_t)k * sizeof *slot);
  int *cnt = calloc((size_t)nslot, sizeof *cnt);
  if (!slot || !cnt) { free(slot); free(cnt); return -1; }
  uint64_t key = mix(cfg->seed ^ 0x6578706c61696eull);   /* "explain" */
  for (uint32_t i = 0; i < pop->n; i++) {
    uint32_t f = a->flagged[i], claim = 0, innocent = ~0u;   /* innocent: unused here */
    if (pop->truth[i]) gc_audit_claim_masks(cfg, pop, i, &claim, &innocent);
    uint32_t any = f | claim;
    if (!any) continue;
    uint64_t h = mix(key ^ i);
    for (int r = 0; r < nr; r++) {
      int fl = (f >> r) & 1, cl = (claim >> r) & 1;
      ranked *base = slot + (size_t)r * GC_SAMPLE_N * (size_t)k;
      int *c = cnt + r * GC_SAMPLE_N;
      if (fl && !cl) keep(base, &c[GC_SAMPLE_FLAGGED_INNOCENT], k, h, i);
      if (fl && cl) keep(base + k, &c[GC_SAMPLE_FLAGGED_WITH_CLAIM], k, h, i);
      if (!fl && cl) keep(base + 2 * (size_t)k, &c[GC_SAMPLE_MISSED], k, h, i);
    }
  }
  size_t total = 0;
  for (int q = 0; q < nslot; q++) total += (size_t)cnt[q];
  s->e = malloc((total ? total : 1) * sizeof *s->e);
  if (!s->e) { free(slot); free(cnt); return -1; }
  for (int q = 0; q < nslot; q++)
    for (int m = 0; m < cnt[q]; m++) {
      gc_sample_entry *e = &s->e[s->n++];
      e->agent = slot[(size_t)q * (size_t)k + (size_t)m].agent;
      e->rule = (uint16_t)(q / GC_SAMPLE_N);
      e->category = (uint8_t)(q % GC_SAMPLE_N);
    }
  free(slot);
  free(cnt);
  return 0;
}

void gc_sample_free(gc_sample *s) {
  free(s->e);
  s->e = NULL;
  s->n = 0;
}
