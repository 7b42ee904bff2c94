/*
** gc_sensor_inference.c — relationship inference from co-stays and
** co-travel (HRW-2017: the Police Cloud "uncovers hidden relationships"
** such as people staying in the same hotel or travelling together).
**
** Each day, serially after the day's observations are gathered, the ID
** scans at hotels and stations are sorted by (place, minute, person).  Two
** people scanned at the same hotel on the same day co-stayed; two scanned
** at the same station within travel_minutes co-travelled.  Identities are
** the scanned ones (a borrowed card makes a wrong pair), as the platform
** sees them.  A pair counts at most once a day; a pair seen together on
** min_together days is an inferred tie.  Ties are audited against the true
** social graph (same household, partners, friend and coworker ties in
** either direction).  If inference.from_list and join_list are set, the
** other person of a newly inferred tie with a from_list member joins
** join_list: how association alone grows a list.
**
** Representation: one open-addressing hash map keyed by the pair (a < b,
** key (a << 32) | b), linear probing, doubling when half full — no
** allocation per pair, memory O(pairs ever seen).  A hotel with k scans in
** a day costs k(k-1)/2 pair updates; stations are bounded by the window.
** The day's pair keys are first collected (in the order of the sorted
** scans, so the order of updates, hence of list joins, is fixed), then the
** map is grown once for all of them and updated with software prefetch:
** the map is far larger than the cache and a probe is otherwise one memory
** miss.  A pair seen twice in a day counts once (last_day).
**
** With inference.window_days = w > 0, a co-occurrence more than w days after
** the pair's previous one starts its count again, so an unconfirmed pair
** last seen more than w days ago can never be confirmed by its old count:
** before the map would grow, it is rebuilt without those pairs.  Memory is
** then bounded by the pairs seen within a window plus the inferred ties.
**
** Switch: cfg->sensors.inference.enabled, as the scenario loader sets it
** (true when the scenario has an `inference:` section); nothing is
** allocated or computed when it is 0.
*/
#include <stdlib.h>
#include <string.h>
#include "gc_mem.h"
#include "gc_sensor_kind.h"

static uint64_t mix64(uint64_t x) {
  x ^= x >> 30; x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27; x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/* Rebuilds the map at capacity ncap, keeping the slots keep() accepts. */
static int map_rebuild(gc_pair_map *m, size_t ncap, int day, int window, int need) {
  gc_pair_slot *ns = calloc(ncap, sizeof *ns);
  if (!ns) return -1;
  size_t n = 0;
  for (size_t k = 0; k < m->cap; k++) {
    const gc_pair_slot *sl = &m->slot[k];
    if (!sl->key) continue;
    /* forget an unconfirmed pair whose next co-occurrence could no longer count */
    if (window > 0 && sl->count < need && day + 1 - (int)sl->last_day > window) continue;
    size_t i = mix64(sl->key) & (ncap - 1);
    while (ns[i].key) i = (i + 1) & (ncap - 1);
    ns[i] = *sl;
    n++;
  }
  free(m->slot);
  m->slot = ns;
  m->cap = ncap;
  m->n = n;
  return 0;
}

static int map_grow(gc_pair_map *m) {
  return map_rebuild(m, m->cap ? m->cap * 2 : 1024, 0, 0, 0);
}

/* The slot of key, inserted (count 0) if absent (*created = 1); NULL when out of memory. */
static gc_pair_slot *map_get(gc_pair_map *m, uint64_t key, int *created) {
  if ((m->n + 1) * 2 > m->cap && map_grow(m)) return NULL;
  size_t mask = m->cap - 1, i = mix64(key) & mask;
  while (m->slot[i].key && m->slot[i].key != key) i = (i + 1) & mask;
  *created = !m->slot[i].key;
  if (*created) {
    m->slot[i].key = key;
    m->n++;
  }
  return &m->slot[i];
}

static int has_out_tie(const gc_population *p, uint32_t a, uint32_t b) {
  for (uint64_t k = p->tie_start[a]; k < p->tie_start[a + 1]; k++)
    if (p->tie_dst[k] == b) return 1;
  return 0;
}

/* Whether a and b are tied in the true social graph. */
static int true_tie(const gc_population *p, uint32_t a, uint32_t b) {
  return p->hh[a] == p->hh[b] || p->partner[a] == b || has_out_tie(p, a, b) || has_out_tie(p, b, a);
}

/* Undirected true tie pairs: household pairs, partners apart, and CSR
** ties not already counted (each pair once, whichever side lists it). */
static uint64_t count_true_ties(const gc_population *p) {
  uint64_t n = 0;
  for (uint32_t h = 0; h < p->nhh; h++) {
    uint64_t k = p->hh_start[h + 1] - p->hh_start[h];
    n += k * (k - 1) / 2;
  }
  /* An integer sum: the same for any thread count. */
  #pragma omp parallel for schedule(static) reduction(+ : n)
  for (uint32_t i = 0; i < p->n; i++) {
    uint32_t q = p->partner[i];
    if (q != GC_NONE && i < q && p->hh[i] != p->hh[q]) n++;
    for (uint64_t k = p->tie_start[i]; k < p->tie_start[i + 1]; k++) {
      uint32_t j = p->tie_dst[k];
      if (j == i || p->hh[j] == p->hh[i] || p->partner[i] == j) continue;
      int dup = 0;
      for (uint64_t m = p->tie_start[i]; m < k && !dup; m++) dup = p->tie_dst[m] == j;
      if (dup || (j < i && has_out_tie(p, j, i))) continue;   /* counted from j's side */
      n++;
    }
  }
  return n;
}

int gc_inference_init(gc_sensors *s, const gc_population *pop) {
  if (!s->cfg->sensors.inference.enabled) return 0;
  s->inf.true_ties = count_true_ties(pop);
  return 0;
}

gc_inference_load gc_sensors_inference_load(const gc_sensors *s) {
  gc_inference_load l = {0};
  if (!s) return l;
  l.pairs = s->pairs.n;
  l.max_day = s->max_day_pairs;
  l.bytes = s->pairs.cap * sizeof *s->pairs.slot + s->scans_cap * sizeof *s->scans +
            s->day_pairs_cap * sizeof *s->day_pairs + s->day_cat_cap;
  memcpy(l.cat, s->cat_new, sizeof l.cat);
  memcpy(l.cat_ties, s->cat_new_true, sizeof l.cat_ties);
  return l;
}

void gc_inference_free(gc_sensors *s) {
  free(s->pairs.slot);
  free(s->scans);
  free(s->day_pairs);
  free(s->day_cat);
  s->day_cat = NULL;
  memset(&s->pairs, 0, sizeof s->pairs);
  s->scans = NULL;
  s->day_pairs = NULL;
}

static void join_associates(gc_sensors *s, gc_population *pop, uint32_t a, uint32_t b) {
  const gc_inference_cfg *ic = &s->cfg->sensors.inference;
  if (ic->from_list < 0 || ic->join_list < 0) return;
  uint16_t from = (uint16_t)(1u << ic->from_list), join = (uint16_t)(1u << ic->join_list);
  int a_from = (pop->st.lists[a] & from) != 0, b_from = (pop->st.lists[b] & from) != 0;
  if (a_from && !(pop->st.lists[b] & join)) { pop->st.lists[b] |= join; s->inf.list_joins++; }
  if (b_from && !(pop->st.lists[a] & join)) { pop->st.lists[a] |= join; s->inf.list_joins++; }
}

/* One day together for the pair with key `key` (a < b). */
static void together(gc_sensors *s, gc_population *pop, int day, uint64_t key, int cat) {
  uint32_t a = (uint32_t)(key >> 32), b = (uint32_t)key;
  int created = 0;
  gc_pair_slot *sl = map_get(&s->pairs, key, &created);     /* never NULL: capacity reserved */
  if (created) {
    int t = true_tie(pop, a, b);
    s->inf.pairs_seen++;
    s->inf.true_seen += (uint64_t)t;
    s->cat_new[cat]++;
    s->cat_new_true[cat] += (uint64_t)t;
  }
  if (sl->last_day == (uint16_t)(day + 1)) return;
  int need = s->cfg->sensors.inference.min_together < 1 ? 1 : s->cfg->sensors.inference.min_together;
  int window = s->cfg->sensors.inference.window_days;
  if (window > 0 && sl->count < need && sl->last_day && day + 1 - (int)sl->last_day > window)
    sl->count = 0;                        /* too long ago: start again */
  sl->last_day = (uint16_t)(day + 1);
  if (sl->count < UINT16_MAX) sl->count++;
  if (sl->count != need) return;
  s->inf.inferred++;
  s->inf.inferred_true += (uint64_t)true_tie(pop, a, b);
  join_associates(s, pop, a, b);
}

static int add_pair(gc_sensors *s, size_t *np, uint32_t x, uint32_t y) {
  if (x == y) return 0;
  uint64_t *v = gc_grow(s->day_pairs, &s->day_pairs_cap, *np + 1, sizeof *v);
  if (!v) return -1;
  s->day_pairs = v;
  v[(*np)++] = x < y ? ((uint64_t)x << 32) | y : ((uint64_t)y << 32) | x;
  return 0;
}

static int cmp_scan(const void *pa, const void *pb) {
  const gc_scan_rec *a = pa, *b = pb;
  if (a->place != b->place) return a->place < b->place ? -1 : 1;
  if (a->time != b->time) return a->time < b->time ? -1 : 1;
  return (a->person > b->person) - (a->person < b->person);
}

/* The day's hotel and station scans, in the order made (with obs grouped
** by kind, kinds gives the ID scans' range: no pass over the whole day). */
static int collect_scans(gc_sensors *s, const gc_obs *obs, size_t n, const gc_obs_kinds *kinds, size_t *count) {
  size_t k = 0;
  size_t i0 = kinds ? kinds->start[GC_OBS_ID_SCAN] : 0, i1 = kinds ? kinds->start[GC_OBS_ID_SCAN + 1] : n;
  for (size_t i = i0; i < i1; i++) {
    const gc_obs *o = &obs[i];
    if (o->kind != GC_OBS_ID_SCAN || (o->sub != GC_PLACE_HOTEL && o->sub != GC_PLACE_STATION)) continue;
    gc_scan_rec *r = gc_grow(s->scans, &s->scans_cap, k + 1, sizeof *r);
    if (!r) return -1;
    s->scans = r;
    int hotel = o->sub == GC_PLACE_HOTEL;
    s->scans[k++] = (gc_scan_rec){o->where, o->person, (uint16_t)(hotel ? 0 : o->time), (uint16_t)hotel};
  }
  *count = k;
  return 0;
}

/* The day's co-stay and co-travel pair keys (with repeats) into
** s->day_pairs[0..*np). */
static int day_pairs(gc_sensors *s, size_t ns, size_t *np) {
  int window = s->cfg->sensors.inference.travel_minutes < 0 ? 0 : s->cfg->sensors.inference.travel_minutes;
  const gc_scan_rec *r = s->scans;
  *np = 0;
  for (size_t a = 0, b; a < ns; a = b) {
    for (b = a + 1; b < ns && r[b].place == r[a].place; b++) {}
    size_t before = *np;
    for (size_t i = a; i < b; i++)
      for (size_t j = i + 1; j < b; j++) {
        if (!r[i].hotel && r[j].time - r[i].time > window) break;
        if (add_pair(s, np, r[i].person, r[j].person)) return -1;
      }
    int away = s->world && s->world->region[r[a].place] != 0;
    if (*np > before) {
      uint8_t *c = gc_grow(s->day_cat, &s->day_cat_cap, *np, 1);
      if (!c) return -1;
      s->day_cat = c;
      memset(c + before, (away ? GC_INF_AWAY_HOTEL : GC_INF_CITY_HOTEL) + !r[a].hotel, *np - before);
    }
  }
  return 0;
}

int gc_sensors_infer(gc_sensors *s, gc_population *pop, int day, const gc_obs *obs, size_t n,
                     const gc_obs_kinds *kinds) {
  if (!s || !s->cfg->sensors.inference.enabled) return 0;
  size_t ns, np;
  if (collect_scans(s, obs, n, kinds, &ns)) return -1;
  if (ns > 1) qsort(s->scans, ns, sizeof *s->scans, cmp_scan);
  if (day_pairs(s, ns, &np)) return -1;
  if (np > s->max_day_pairs) s->max_day_pairs = np;
  const gc_inference_cfg *ic = &s->cfg->sensors.inference;
  if ((s->pairs.n + np) * 2 > s->pairs.cap && ic->window_days > 0 && s->pairs.cap &&
      map_rebuild(&s->pairs, s->pairs.cap, day, ic->window_days, ic->min_together < 1 ? 1 : ic->min_together))
    return -1;                            /* forget stale pairs before growing */
  while ((s->pairs.n + np) * 2 > s->pairs.cap)
    if (map_grow(&s->pairs)) return -1;
  const uint64_t *key = s->day_pairs;
  size_t mask = s->pairs.cap - 1;
  enum { AHEAD = 8 };
  for (size_t k = 0; k < np; k++) {
    if (k + AHEAD < np) __builtin_prefetch(&s->pairs.slot[mix64(key[k + AHEAD]) & mask], 1);
    together(s, pop, day, key[k], s->day_cat[k]);
  }
  return 0;
}

gc_inference_result gc_sensors_inference(const gc_sensors *s) {
  gc_inference_result none = {0};
  return s ? s->inf : none;
}
