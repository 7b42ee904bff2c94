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
** Representation: the pair map of gc_pair_map.c.  A pair is numbered,
** scrambled, and kept in one of 2^k segments of one flat array as the rest
** of its number, its count (saturated at min_together) and its last day:
** 4 bytes per slot up to ~35M people, at a load of 0.7-0.9, growing in
** place (by a sixteenth once over 1 GiB), never holding an old and a new
** array.  The province at 1M people x 30 days, its away places fixed (93.6M
** pairs): 4.5 bytes per pair and a peak RSS of 0.94 GiB, against 46 bytes
** per pair (16-byte slots at most half full, doubling, old and new maps
** alive while it grew, a buffer of the day's pair keys) and 6.55 GiB
** before.  With the other regions' hotels and stations fixed in number,
** the pairs grew as the square of the population (3.44G at 10M people: a
** 16.3 GB map, where the 16-byte map would have needed 137 GB); since the
** province gives them a density (world.away_hotels_per_1000, gc_world.c)
** they grow with it, about 71 per person.
**
** A hotel with k scans in a day costs k(k-1)/2 pair updates; stations are
** bounded by the window.  The day's pairs are generated twice from the
** sorted scans: first only counted (the window's schedule below needs the
** number), then applied in that order, so the order of updates, hence of
** list joins, is fixed.  Each pair's slot is prefetched AHEAD pairs before
** its update: the map is far larger than the cache, and an update is
** otherwise one memory miss.  Nothing is buffered per pair.
**
** With inference.window_days = w > 0, a co-occurrence more than w days after
** the pair's previous one starts its count again, so an unconfirmed pair
** last seen more than w days ago can never be confirmed by its old count,
** and the map forgets such pairs from time to time.  Memory is then bounded
** by the pairs seen within a window plus the inferred ties.  When it
** forgets them is part of the results: a forgotten pair seen again counts
** again in pairs_seen (and in the new pairs by place).  So the schedule is
** the one the 16-byte map had — before it would have grown, i.e. when the
** pairs held plus the day's would pass half of a capacity doubling from
** 1024 (forget_cap) — not the new map's growth, which would change
** pairs_seen whenever its layout changed.
**
** Switch: cfg->sensors.inference.enabled, as the scenario loader sets it
** (true when the scenario has an `inference:` section); nothing is
** allocated or computed when it is 0.
*/
#include <stdlib.h>
#include <string.h>
#include "gc_mem.h"
#include "gc_pair_map.h"
#include "gc_sensor_kind.h"

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
  const gc_inference_cfg *ic = &s->cfg->sensors.inference;
  if (!ic->enabled) return 0;
  gc_pair_map_init(&s->pairs, pop->n, ic->min_together, s->cfg->days);
  s->inf.true_ties = count_true_ties(pop);
  return 0;
}

gc_inference_load gc_sensors_inference_load(const gc_sensors *s) {
  gc_inference_load l = {0};
  if (!s) return l;
  l.pairs = s->pairs.n;
  l.max_day = s->max_day_pairs;
  l.bytes = gc_pair_map_bytes(&s->pairs) + s->scans_cap * sizeof *s->scans;
  memcpy(l.cat, s->cat_new, sizeof l.cat);
  memcpy(l.cat_ties, s->cat_new_true, sizeof l.cat_ties);
  memcpy(l.cat_days, s->cat_days, sizeof l.cat_days);
  return l;
}

void gc_inference_free(gc_sensors *s) {
  gc_pair_map_free(&s->pairs);
  free(s->scans);
  s->scans = NULL;
  s->scans_cap = 0;
}

static void join_associates(gc_sensors *s, gc_population *pop, uint32_t a, uint32_t b) {
  const gc_inference_cfg *ic = &s->cfg->sensors.inference;
  if (ic->from_list < 0 || ic->join_list < 0) return;
  uint16_t from = (uint16_t)(1u << ic->from_list), join = (uint16_t)(1u << ic->join_list);
  int a_from = (pop->st.lists[a] & from) != 0, b_from = (pop->st.lists[b] & from) != 0;
  if (a_from && !(pop->st.lists[b] & join)) { pop->st.lists[b] |= join; s->inf.list_joins++; }
  if (b_from && !(pop->st.lists[a] & join)) { pop->st.lists[a] |= join; s->inf.list_joins++; }
}

/* One day together for the pair with key `key` (a << 32 | b, a < b); 0 or -1. */
static int together(gc_sensors *s, gc_population *pop, int day, uint64_t key, int cat) {
  uint32_t a = (uint32_t)(key >> 32), b = (uint32_t)key;
  int f = gc_pair_map_together(&s->pairs, a, b, day, s->cfg->sensors.inference.window_days);
  if (f < 0) return -1;
  s->cat_days[cat]++;
  if (f & GC_PAIR_NEW) {
    int t = true_tie(pop, a, b);
    s->inf.pairs_seen++;
    s->inf.true_seen += (uint64_t)t;
    s->cat_new[cat]++;
    s->cat_new_true[cat] += (uint64_t)t;
  }
  if (!(f & GC_PAIR_TIE)) return 0;
  s->inf.inferred++;
  s->inf.inferred_true += (uint64_t)true_tie(pop, a, b);
  join_associates(s, pop, a, b);
  return 0;
}

enum { AHEAD = 8 };             /* pairs whose slots are prefetched before their update */

/* Where the day's pairs go: counted only, or counted and updated in order,
** each AHEAD pairs after its slot was prefetched. */
typedef struct pair_sink {
  gc_sensors *s;
  gc_population *pop;
  int day;
  int update;                   /* 0: count only */
  size_t n;                     /* pairs so far */
  uint64_t key[AHEAD];          /* the last AHEAD pairs, by n % AHEAD */
  uint8_t cat[AHEAD];
} pair_sink;

static int emit(pair_sink *k, uint32_t x, uint32_t y, int cat) {
  if (k->update) {
    size_t i = k->n % AHEAD;
    if (k->n >= AHEAD && together(k->s, k->pop, k->day, k->key[i], k->cat[i])) return -1;
    uint32_t a = x < y ? x : y, b = x < y ? y : x;
    gc_pair_map_prefetch(&k->s->pairs, a, b);
    k->key[i] = (uint64_t)a << 32 | b;
    k->cat[i] = (uint8_t)cat;
  }
  k->n++;
  return 0;
}

static int drain(pair_sink *k) {
  if (!k->update) return 0;
  for (size_t n = k->n > AHEAD ? k->n - AHEAD : 0; n < k->n; n++)
    if (together(k->s, k->pop, k->day, k->key[n % AHEAD], k->cat[n % AHEAD])) return -1;
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

/* The day's co-stays and co-travels, in the order of the sorted scans,
** into k; 0 or -1. */
static int day_pairs(gc_sensors *s, size_t ns, pair_sink *k) {
  int window = s->cfg->sensors.inference.travel_minutes < 0 ? 0 : s->cfg->sensors.inference.travel_minutes;
  const gc_scan_rec *r = s->scans;
  for (size_t a = 0, b; a < ns; a = b) {
    for (b = a + 1; b < ns && r[b].place == r[a].place; b++) {}
    int away = s->world && s->world->region[r[a].place] != 0;
    int cat = (away ? GC_INF_AWAY_HOTEL : GC_INF_CITY_HOTEL) + !r[a].hotel;
    for (size_t i = a; i < b; i++)
      for (size_t j = i + 1; j < b; j++) {
        if (!r[i].hotel && r[j].time - r[i].time > window) break;
        if (r[i].person != r[j].person && emit(k, r[i].person, r[j].person, cat)) return -1;
      }
  }
  return drain(k);
}

int gc_sensors_infer(gc_sensors *s, gc_population *pop, int day, const gc_obs *obs, size_t n,
                     const gc_obs_kinds *kinds) {
  if (!s || !s->cfg->sensors.inference.enabled) return 0;
  size_t ns;
  if (collect_scans(s, obs, n, kinds, &ns)) return -1;
  if (ns > 1) qsort(s->scans, ns, sizeof *s->scans, cmp_scan);
  pair_sink k = {s, pop, day, 0, 0, {0}, {0}};
  day_pairs(s, ns, &k);                 /* count: cannot fail */
  size_t np = k.n;
  if (np > s->max_day_pairs) s->max_day_pairs = np;
  /* Stale pairs are forgotten when the 16-byte map would have grown: a pair
  ** forgotten and seen again counts again in pairs_seen, so when that
  ** happens must not depend on this map's layout. */
  int window = s->cfg->sensors.inference.window_days;
  if ((s->pairs.n + np) * 2 > s->forget_cap && window > 0 && s->forget_cap)
    gc_pair_map_forget(&s->pairs, day, window);
  while ((s->pairs.n + np) * 2 > s->forget_cap) s->forget_cap = s->forget_cap ? s->forget_cap * 2 : 1024;
  k.update = 1;
  k.n = 0;
  return day_pairs(s, ns, &k);
}

gc_inference_result gc_sensors_inference(const gc_sensors *s) {
  gc_inference_result none = {0};
  return s ? s->inf : none;
}
