/*
** gc_population.c — drawing the synthetic population.
**
** Order of construction and why:
**  1. heads, sequentially: a household's size may depend on its head's
**     traits (crowded migrant housing), and households are laid out
**     contiguously, so sizes are drawn one household after another.  Each
**     head's traits come from its own stream, so this order costs nothing
**     in reproducibility.
**  1b. homes, in parallel: uniform over the city or, for households a
**     `neighbourhoods` entry matches (residential segregation, Lum & Isaac
**     2016), inside the entry's districts with its share (only the head's
**     traits are needed, and they are drawn).
**  2. everyone else's traits and truth, in parallel: shared traits
**     (ethnicity, migrant status) are copied from the head, others drawn
**     from the first matching `given` or the unconditional shares.
**  3. behaviour multipliers, work, phones, vehicles, in parallel.
**  4. ties: couples sequentially (pairs must be symmetric), friend and
**     coworker out-ties in parallel into a CSR built from per-agent counts.
**  5. each household's compound gate (the nearest compound place to the
**     home), in parallel.
**
** Attributes added after the core (second-hand SIMs, vehicles) draw from
** their own counter (agent, 2, .) of the TRAITS stream, and only when their
** share is positive, so a scenario that leaves them at zero draws exactly
** the population it drew before they existed.
**
** gc_population_init_state runs after the initial lists are known: a
** household's starting trust level may depend on its head's list
** membership ("given: {petitioners: distrusted}"), and so may awareness.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "gc_population.h"
#include "gc_rng.h"

int gc_pop_selected(const gc_population *p, uint32_t i, const gc_selector *s) {
  if (s->everyone) return 1;
  if (s->nany == 0 && s->nall == 0) return 0;
  if (s->nany) {
    int hit = 0;
    for (int k = 0; k < s->nany && !hit; k++) hit = gc_pop_cond(p, i, s->any[k]);
    if (!hit) return 0;
  }
  for (int k = 0; k < s->nall; k++)
    if (!gc_pop_cond(p, i, s->all[k])) return 0;
  return 1;
}

/* Draws trait t of agent i (traits < t already set). */
static void draw_trait(gc_population *p, const gc_trait *tr, int t, uint32_t i, gc_stream *s) {
  const double *share = tr->share;
  for (int g = 0; g < tr->ngiven; g++)
    if (gc_pop_cond(p, i, tr->given[g].cond)) { share = tr->given[g].share; break; }
  p->trait[t][i] = (uint8_t)gc_stream_pick_shares(s, share, tr->nvalues);
}

static void draw_agent(gc_population *p, const gc_config *cfg, uint32_t i, uint32_t head, gc_rng_key key) {
  gc_stream s;
  gc_stream_init(&s, key, i, 0);
  const gc_population_cfg *pc = &cfg->population;
  for (int t = 0; t < pc->ntraits; t++) {
    if (pc->trait[t].shared_by_household && i != head) {
      p->trait[t][i] = p->trait[t][head];
      (void)gc_stream_u32(&s);          /* keep the stream aligned for every agent */
    } else {
      draw_trait(p, &pc->trait[t], t, i, &s);
    }
  }
  uint16_t truth = 0;
  p->truth[i] = 0;
  for (int k = 0; k < pc->ntruth; k++) {
    const gc_truth *tt = &pc->truth[k];
    double prev = tt->prevalence;
    for (int g = 0; g < tt->ngiven; g++)
      if (gc_pop_cond(p, i, tt->given[g].cond)) { prev = tt->given[g].share[1]; break; }
    if (gc_stream_u01(&s) < prev) truth |= (uint16_t)(1u << k);
    p->truth[i] = truth;                /* later truth may depend on earlier */
  }
}

static int draw_household_size(const gc_household_cfg *h, int crowded, gc_stream *s) {
  if (crowded) return h->crowded_size[gc_stream_pick_shares(s, h->crowded_size_share, h->ncrowded)];
  return h->size[gc_stream_pick_shares(s, h->share, h->nsizes)];
}

/* The agent state's arrays, all zero (gc_agent_state; hh_trust sized n, as nhh <= n). */
static int alloc_state(gc_population *p) {
  size_t n = p->n ? p->n : 1;
  gc_agent_state *st = &p->st;
  st->lists = calloc(n, sizeof *st->lists);
  st->detained_until = calloc(n, sizeof *st->detained_until);
  st->away_until = calloc(n, sizeof *st->away_until);
  st->away_region = calloc(n, 1);
  st->trip_start = calloc(n, sizeof *st->trip_start);
  st->flags = calloc(n, 1);
  st->risk = calloc(n, 1);
  st->risk_relief_until = calloc(n, sizeof *st->risk_relief_until);
  st->last_action = calloc(n, sizeof *st->last_action);
  st->actions = calloc(n, sizeof *st->actions);
  st->evasion_money = calloc(n, sizeof *st->evasion_money);
  st->evasion_minutes = calloc(n, sizeof *st->evasion_minutes);
  st->hh_trust = calloc(n, 1);
  st->hh_trust_day = calloc(n, sizeof *st->hh_trust_day);
  return st->lists && st->detained_until && st->away_until && st->away_region && st->trip_start && st->flags &&
         st->risk && st->risk_relief_until && st->last_action && st->actions && st->evasion_money &&
         st->evasion_minutes && st->hh_trust && st->hh_trust_day ? 0 : -1;
}

static void free_state(gc_agent_state *st) {
  free(st->lists); free(st->detained_until); free(st->away_until); free(st->away_region);
  free(st->trip_start); free(st->flags); free(st->risk); free(st->risk_relief_until); free(st->last_action);
  free(st->actions); free(st->evasion_money); free(st->evasion_minutes); free(st->hh_trust);
  free(st->hh_trust_day);
  memset(st, 0, sizeof *st);
}

int gc_population_reset_state(gc_population *p) {
  free_state(&p->st);
  return alloc_state(p);
}

static int alloc_arrays(gc_population *p, const gc_config *cfg) {
  size_t n = p->n ? p->n : 1;
  for (int t = 0; t < p->ntraits; t++)
    if (!(p->trait[t] = malloc(n))) return -1;
  p->truth = calloc(n, sizeof *p->truth);
  p->hh = malloc(n * sizeof *p->hh);
  p->hh_start = malloc((n + 1) * sizeof *p->hh_start);
  p->work = malloc(n * sizeof *p->work);
  p->phone_reg = malloc(n * sizeof *p->phone_reg);
  p->mult = malloc(n * GC_BEH_N * sizeof *p->mult);
  p->family_region = calloc(n, 1);
  p->partner = malloc(n * sizeof *p->partner);
  p->tie_start = calloc(n + 1, sizeof *p->tie_start);
  p->vehicle_reg = malloc(n * sizeof *p->vehicle_reg);
  p->hh_compound = malloc(n * sizeof *p->hh_compound);      /* nhh <= n */
  if (alloc_state(p) || !p->vehicle_reg || !p->hh_compound) return -1;
  for (size_t i = 0; i < n; i++) p->vehicle_reg[i] = p->hh_compound[i] = GC_NONE;
  if (cfg->activity.npurchases)
    if (!(p->purchase_mult = malloc(n * (size_t)cfg->activity.npurchases * sizeof *p->purchase_mult)))
      return -1;
  if (!p->truth || !p->hh || !p->hh_start || !p->work || !p->phone_reg || !p->mult ||
      !p->family_region || !p->partner || !p->tie_start)
    return -1;
  return 0;
}

/* Pass 1: household sizes and heads. */
static void build_households(gc_population *p, const gc_config *cfg) {
  const gc_household_cfg *hc = &cfg->population.households;
  gc_rng_key tkey = gc_rng_key_make(cfg->seed, GC_RNG_TRAITS);
  gc_rng_key hkey = gc_rng_key_make(cfg->seed, GC_RNG_HOUSEHOLD);
  uint32_t i = 0, h = 0;
  while (i < p->n) {
    draw_agent(p, cfg, i, i, tkey);
    gc_stream s;
    gc_stream_init(&s, hkey, h, 0);
    int crowded = hc->ncrowded > 0 && gc_pop_cond(p, i, hc->crowded_if) &&
                  gc_stream_u01(&s) < hc->crowded_share;
    uint32_t size = (uint32_t)draw_household_size(hc, crowded, &s);
    if (size > p->n - i) size = p->n - i;
    p->ncrowded += (uint64_t)crowded;
    p->hh_start[h++] = i;
    for (uint32_t k = 0; k < size; k++) p->hh[i + k] = h - 1;
    i += size;
  }
  p->nhh = h;
  p->hh_start[h] = p->n;
}

/* lo + u * width as a float that stays in the cell [lo, lo + width) of
** gc_world_district_xy: the rounding to float may land on the next cell's
** edge (or the previous one's), so step until it is inside. */
static float in_cell(double lo, double width, double u, const gc_world *w, int cell) {
  float v = (float)(lo + u * width);
  while (v > 0 && (int)(v / w->city_m * w->districts_side) > cell) v = nextafterf(v, 0.0f);
  while ((int)(v / w->city_m * w->districts_side) < cell) v = nextafterf(v, INFINITY);
  return v;
}

/* Residential segregation: the first neighbourhood entry whose condition
** household h's head meets places the home, with probability `share`,
** uniformly in one of its districts (each equally likely, so inside the
** listed area the home is uniform).  Draws from counter (h, 2) of the
** HOUSEHOLD stream, and only for households an entry matches: without the
** key, or for anyone it does not match, the home is the core's draw. */
static void neighbourhood_home(gc_population *p, const gc_household_cfg *hc, const gc_world *w, gc_rng_key key,
                               uint32_t h) {
  uint32_t head = p->hh_start[h];
  for (int k = 0; k < hc->nneighbourhoods; k++) {
    const gc_neighbourhood_cfg *nb = &hc->neighbourhood[k];
    if (!gc_pop_cond(p, head, nb->cond)) continue;
    philox4x32_ctr_t u = gc_rng4(key, h, 2, 0);
    if (gc_u01(u.v[0]) >= nb->share) return;
    uint32_t pick = (uint32_t)(gc_u01(u.v[1]) * nb->ndistricts);
    int d = nb->district[pick < (uint32_t)nb->ndistricts ? pick : (uint32_t)nb->ndistricts - 1];
    double x0, y0, wd;
    gc_world_district_box(w, d, &x0, &y0, &wd);
    p->hh_x[h] = in_cell(x0, wd, gc_u01(u.v[2]), w, d % w->districts_side);
    p->hh_y[h] = in_cell(y0, wd, gc_u01(u.v[3]), w, d / w->districts_side);
    return;
  }
}

static void place_homes(gc_population *p, const gc_config *cfg, const gc_world *w) {
  gc_rng_key key = gc_rng_key_make(cfg->seed, GC_RNG_HOUSEHOLD);
  const gc_household_cfg *hc = &cfg->population.households;
  #pragma omp parallel for schedule(static)
  for (uint32_t h = 0; h < p->nhh; h++) {
    philox4x32_ctr_t u = gc_rng4(key, h, 1, 0);
    p->hh_x[h] = (float)(gc_u01(u.v[0]) * w->city_m);
    p->hh_y[h] = (float)(gc_u01(u.v[1]) * w->city_m);
    if (hc->nneighbourhoods) neighbourhood_home(p, hc, w, key, h);
  }
}

static float multiplier(const gc_population *p, uint32_t i, const gc_multiplier *m, int nm) {
  double f = 1.0;
  for (int k = 0; k < nm; k++)
    if (gc_pop_cond(p, i, m[k].cond)) f *= m[k].factor;
  return (float)f;
}

static uint32_t pick_place(const gc_world *w, int type, gc_stream *s) {
  uint32_t cnt = gc_world_count(w, 0, type);
  return cnt ? w->range[0][type] + gc_stream_below(s, cnt) : GC_NONE;
}

/* A uniformly random agent outside household [first, first + size); i
** itself if the household is the whole population. */
static uint32_t unrelated(const gc_population *p, uint32_t i, uint32_t first, uint32_t size, gc_stream *s) {
  if (p->n <= size) return i;
  uint32_t j = gc_stream_below(s, p->n - size);
  return j < first ? j : j + size;
}

/* Second-hand SIMs and vehicles, from counter (i, 2) so that the core's
** draws (counter (i, 1)) are unchanged.  A second-hand SIM overrides the
** registration drawn above: `phone_second_hand` is the share of all phones
** registered to an unrelated person (the previous owner), and
** `phone_registered_to_user` applies to the rest.  Vehicles belong to
** adults who are not students; one not registered to its user is
** registered to the household head (HRW-2018 notes cars registered in a
** relative's name, which is what makes plate reads misattribute). */
static void second_hand_and_vehicle(gc_population *p, const gc_population_cfg *pc, uint32_t i, int student,
                                    gc_rng_key key) {
  if (pc->phone_second_hand <= 0 && pc->vehicle_owner <= 0) return;
  gc_stream s;
  gc_stream_init(&s, key, i, 2);
  uint32_t first = p->hh_start[p->hh[i]], size = p->hh_start[p->hh[i] + 1] - first;
  if (pc->phone_second_hand > 0 && p->phone_reg[i] != GC_NONE && gc_stream_u01(&s) < pc->phone_second_hand)
    p->phone_reg[i] = unrelated(p, i, first, size, &s);
  if (pc->vehicle_owner > 0 && !student && gc_stream_u01(&s) < pc->vehicle_owner)
    p->vehicle_reg[i] = gc_stream_u01(&s) < pc->vehicle_registered_to_user ? i : first;
}

/* Pass 3: multipliers, work or school, phone, family region. */
static void agent_attributes(gc_population *p, const gc_config *cfg, const gc_world *w, uint32_t i, gc_rng_key key) {
  const gc_population_cfg *pc = &cfg->population;
  for (int b = 0; b < GC_BEH_N; b++)
    p->mult[(size_t)i * GC_BEH_N + b] = multiplier(p, i, cfg->activity.beh[b].mult, cfg->activity.beh[b].nmult);
  for (int c = 0; c < cfg->activity.npurchases; c++)
    p->purchase_mult[(size_t)i * (size_t)cfg->activity.npurchases + (size_t)c] =
      multiplier(p, i, cfg->activity.purchase[c].mult, cfg->activity.purchase[c].nmult);
  gc_stream s;
  gc_stream_init(&s, key, i, 1);
  double u = gc_stream_u01(&s);
  uint32_t place = GC_NONE;
  if (u < pc->employed) place = pick_place(w, GC_PLACE_WORKPLACE, &s);
  else if (u < pc->employed + pc->students) place = pick_place(w, GC_PLACE_SCHOOL, &s);
  p->work[i] = place == GC_NONE ? -1 : (int32_t)place;
  uint32_t h = p->hh[i], first = p->hh_start[h], size = p->hh_start[h + 1] - first;
  if (gc_stream_u01(&s) >= pc->phone_owner) p->phone_reg[i] = GC_NONE;
  else if (gc_stream_u01(&s) < pc->phone_registered_to_user || size == 1) p->phone_reg[i] = i;
  else p->phone_reg[i] = first + (i - first + 1 + gc_stream_below(&s, size - 1)) % size;
  int others = cfg->world.other_regions;
  if (others > 0 && gc_stream_u01(&s) < pc->ties.family_out_of_region)
    p->family_region[i] = (uint8_t)(1 + gc_stream_below(&s, (uint32_t)others));
  int student = u >= pc->employed && u < pc->employed + pc->students;
  second_hand_and_vehicle(p, pc, i, student, key);
}

/* Couples: the head and the next member, or (living apart for work) the
** head and a random unpartnered agent of another household. */
static void build_couples(gc_population *p, const gc_config *cfg) {
  const gc_ties_cfg *tc = &cfg->population.ties;
  gc_rng_key key = gc_rng_key_make(cfg->seed, GC_RNG_TIES);
  for (uint32_t i = 0; i < p->n; i++) p->partner[i] = GC_NONE;
  for (uint32_t h = 0; h < p->nhh; h++) {
    uint32_t a = p->hh_start[h], size = p->hh_start[h + 1] - a;
    gc_stream s;
    gc_stream_init(&s, key, h, 0);
    if (p->partner[a] != GC_NONE || gc_stream_u01(&s) >= tc->couple_share) continue;
    uint32_t b = GC_NONE;
    if (gc_stream_u01(&s) < tc->couple_apart) {
      uint32_t c = gc_stream_below(&s, p->n);
      if (p->hh[c] != h && p->partner[c] == GC_NONE) b = c;
      if (b != GC_NONE) p->ncouples_apart++;
    } else if (size >= 2 && p->partner[a + 1] == GC_NONE) {
      b = a + 1;
    }
    if (b == GC_NONE) continue;
    p->partner[a] = b;
    p->partner[b] = a;
    p->ncouples++;
  }
}

/* Members of each workplace, for coworker ties: CSR by place id. */
static int workplace_members(const gc_population *p, const gc_world *w, uint32_t **start, uint32_t **member) {
  *start = calloc((size_t)w->nplaces + 1, sizeof **start);
  *member = malloc(((size_t)p->n + 1) * sizeof **member);
  if (!*start || !*member) return -1;
  for (uint32_t i = 0; i < p->n; i++)
    if (p->work[i] >= 0) (*start)[p->work[i] + 1]++;
  for (uint32_t q = 0; q < w->nplaces; q++) (*start)[q + 1] += (*start)[q];
  uint32_t *fill = malloc(((size_t)w->nplaces + 1) * sizeof *fill);
  if (!fill) return -1;
  memcpy(fill, *start, (size_t)w->nplaces * sizeof *fill);
  for (uint32_t i = 0; i < p->n; i++)
    if (p->work[i] >= 0) (*member)[fill[p->work[i]]++] = i;
  free(fill);
  return 0;
}

static uint32_t tie_counts(const gc_population *p, const gc_config *cfg, uint32_t i, gc_rng_key key, uint32_t *nf) {
  gc_stream s;
  gc_stream_init(&s, key, i, 1);
  *nf = gc_stream_poisson(&s, cfg->population.ties.friends);
  uint32_t nc = p->work[i] >= 0 ? gc_stream_poisson(&s, cfg->population.ties.coworkers) : 0;
  return *nf + nc;
}

static void fill_ties(gc_population *p, const gc_config *cfg, uint32_t i, gc_rng_key key,
                      const uint32_t *wstart, const uint32_t *wmember) {
  gc_stream s;
  uint32_t nf;
  uint32_t total = tie_counts(p, cfg, i, key, &nf);
  gc_stream_init(&s, key, i, 2);
  uint64_t k = p->tie_start[i];
  for (uint32_t j = 0; j < total; j++, k++) {
    if (j < nf) {
      p->tie_dst[k] = gc_stream_below(&s, p->n);
      p->tie_kind[k] = GC_TIE_FRIEND;
    } else {
      uint32_t a = wstart[p->work[i]], cnt = wstart[p->work[i] + 1] - a;
      p->tie_dst[k] = wmember[a + gc_stream_below(&s, cnt)];
      p->tie_kind[k] = GC_TIE_COWORKER;
    }
  }
}

static int build_ties(gc_population *p, const gc_config *cfg, const gc_world *w) {
  gc_rng_key key = gc_rng_key_make(cfg->seed, GC_RNG_TIES);
  build_couples(p, cfg);
  uint32_t *wstart = NULL, *wmember = NULL;
  int rc = -1;
  if (workplace_members(p, w, &wstart, &wmember)) goto done;
  #pragma omp parallel for schedule(static)
  for (uint32_t i = 0; i < p->n; i++) {
    uint32_t nf;
    p->tie_start[i + 1] = tie_counts(p, cfg, i, key, &nf);
  }
  for (uint32_t i = 0; i < p->n; i++) p->tie_start[i + 1] += p->tie_start[i];
  p->nties = p->tie_start[p->n];
  p->tie_dst = malloc(((size_t)p->nties + 1) * sizeof *p->tie_dst);
  p->tie_kind = malloc((size_t)p->nties + 1);
  if (!p->tie_dst || !p->tie_kind) goto done;
  #pragma omp parallel for schedule(static)
  for (uint32_t i = 0; i < p->n; i++) fill_ties(p, cfg, i, key, wstart, wmember);
  rc = 0;
done:
  free(wstart);
  free(wmember);
  return rc;
}

/* The first index of cell c's places at or above place id `from` (a
** cell's places are in ascending id, gc_world.h). */
static uint32_t cell_from(const gc_world *w, uint32_t c, uint32_t from) {
  uint32_t lo = w->cell_start[c], hi = w->cell_start[c + 1];
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (w->cell_place[mid] < from) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/* The compound place of region 0 nearest to (x, y), ties to the lower id;
** GC_NONE if the city has none.  Searches the world's grid in square rings
** around the home's cell and stops once a ring cannot hold anything nearer:
** every place in ring k is at least (k - 1) cells away.  In a cell only the
** compounds are read (a run of ids, found by bisection): the city's area is
** fixed, so a cell holds more places the more people there are, and reading
** them all made this quadratic in the population (the province at 10M
** people: 10 s of CPU, 2.8 s so). */
static uint32_t nearest_compound(const gc_world *w, double x, double y) {
  if (!gc_world_count(w, 0, GC_PLACE_COMPOUND)) return GC_NONE;
  uint32_t first = w->range[0][GC_PLACE_COMPOUND], end = w->range[0][GC_PLACE_COMPOUND + 1];
  int nx = w->nx[0], ny = w->ny[0];
  int cx = (int)floor((x - w->origin_x[0]) / GC_WORLD_CELL_M), cy = (int)floor((y - w->origin_y[0]) / GC_WORLD_CELL_M);
  cx = cx < 0 ? 0 : cx >= nx ? nx - 1 : cx;
  cy = cy < 0 ? 0 : cy >= ny ? ny - 1 : cy;
  uint32_t best = GC_NONE;
  double best_d2 = 0;
  int rings = nx > ny ? nx : ny;
  for (int k = 0; k < rings; k++) {
    double reach = (k - 1) * GC_WORLD_CELL_M;
    if (best != GC_NONE && reach > 0 && reach * reach > best_d2) break;
    for (int iy = cy - k; iy <= cy + k; iy++) {
      if (iy < 0 || iy >= ny) continue;
      int edge = iy == cy - k || iy == cy + k;
      for (int ix = cx - k; ix <= cx + k; ix += edge || k == 0 ? 1 : 2 * k) {
        if (ix < 0 || ix >= nx) continue;
        uint32_t c = w->cell_base[0] + (uint32_t)(iy * nx + ix);
        for (uint32_t j = cell_from(w, c, first); j < w->cell_start[c + 1] && w->cell_place[j] < end; j++) {
          uint32_t q = w->cell_place[j];
          double dx = w->x[q] - x, dy = w->y[q] - y, d2 = dx * dx + dy * dy;
          if (best == GC_NONE || d2 < best_d2 || (d2 == best_d2 && q < best)) { best = q; best_d2 = d2; }
        }
      }
    }
  }
  return best;
}

int gc_population_build(gc_population *p, const gc_config *cfg, const gc_world *w) {
  memset(p, 0, sizeof *p);
  p->n = (uint32_t)cfg->population.size;
  p->ntraits = cfg->population.ntraits;
  p->ntruth = cfg->population.ntruth;
  p->npurchases = cfg->activity.npurchases;
  if (alloc_arrays(p, cfg)) goto err;
  build_households(p, cfg);
  p->hh_x = malloc(((size_t)p->nhh + 1) * sizeof *p->hh_x);
  p->hh_y = malloc(((size_t)p->nhh + 1) * sizeof *p->hh_y);
  if (!p->hh_x || !p->hh_y) goto err;
  place_homes(p, cfg, w);
  gc_rng_key tkey = gc_rng_key_make(cfg->seed, GC_RNG_TRAITS);
  #pragma omp parallel for schedule(static)
  for (uint32_t i = 0; i < p->n; i++) {
    uint32_t head = p->hh_start[p->hh[i]];
    if (i != head) draw_agent(p, cfg, i, head, tkey);
  }
  #pragma omp parallel for schedule(static)
  for (uint32_t i = 0; i < p->n; i++) agent_attributes(p, cfg, w, i, tkey);
  if (build_ties(p, cfg, w)) goto err;
  #pragma omp parallel for schedule(static)
  for (uint32_t h = 0; h < p->nhh; h++) p->hh_compound[h] = nearest_compound(w, p->hh_x[h], p->hh_y[h]);
  return 0;
err:
  gc_population_free(p);
  return -1;
}

void gc_population_init_state(gc_population *p, const gc_config *cfg) {
  const gc_trust_cfg *tc = &cfg->population.trust;
  if (tc->nlevels > 0) {
    #pragma omp parallel for schedule(static)
    for (uint32_t h = 0; h < p->nhh; h++) {
      uint32_t head = p->hh_start[h];
      int level = tc->initial;
      for (int g = 0; g < tc->ngiven; g++)
        if (gc_pop_cond(p, head, tc->given[g])) { level = tc->given_level[g]; break; }
      p->st.hh_trust[h] = (uint8_t)level;
      p->st.hh_trust_day[h] = 0;
    }
  }
  const gc_selector *aware = &cfg->reaction.aware;
  if (!aware->everyone && !aware->nany && !aware->nall) return;     /* nobody: no pass */
  #pragma omp parallel for schedule(static)
  for (uint32_t i = 0; i < p->n; i++)
    if (gc_pop_selected(p, i, aware)) p->st.flags[i] |= GC_AGENT_AWARE;
}

void gc_population_free(gc_population *p) {
  for (int t = 0; t < GC_MAX_TRAITS; t++) free(p->trait[t]);
  free(p->truth); free(p->hh); free(p->hh_start); free(p->hh_x); free(p->hh_y);
  free(p->work); free(p->phone_reg); free(p->mult); free(p->purchase_mult); free(p->act_rate);
  free(p->family_region); free(p->partner); free(p->tie_start); free(p->tie_dst);
  free(p->tie_kind); free(p->vehicle_reg); free(p->hh_compound);
  free_state(&p->st);
  memset(p, 0, sizeof *p);
}

double gc_population_bytes_per_agent(const gc_population *p) {
  if (!p->n) return 0;
  double b = 0;
  b += (double)p->ntraits + 2 + 4 + 4 + GC_BEH_N * 4.0 + 1 + 4;  /* traits truth hh work mult family partner */
  b += 4 + 4 + 8 + 4;                                     /* phone_reg vehicle_reg tie_start hh_start */
  b += (double)p->npurchases * 4;
  b += sizeof(gc_act_rate);                               /* act_rate (gc_activity_prepare) */
  b += 2 + 2 + 2 + 1 + 2 + 1 + 1 + 2 + 2 + 2 + 4 + 4;     /* agent state (gc_agent_state) */
  b += 4 + 1 + 2;                                         /* hh_compound, hh_trust(_day): sized n */
  b += (double)p->nties * 5 / p->n;                       /* ties */
  b += (double)p->nhh * 8 / p->n;                         /* home coordinates */
  return b;
}
