/*
** test_population.c — the population attributes of issue 3 (vehicles,
** second-hand SIMs, compounds) and the state set after the initial lists
** (household trust, awareness), on tests/data/small.yaml with the new
** configuration fields set in C.
**
** Statistical checks compare a count with its binomial expectation and
** allow 5 standard deviations (+1 for discreteness): a correct model fails
** with probability below 1e-6, and the seed is fixed, so they are
** deterministic.
*/
#include <math.h>
#include "gc_test.h"
#include "gc_response.h"

typedef void (*tweak_fn)(gc_config *);

static gc_test_city *city_with(tweak_fn tweak) {
  gc_test_city *c = calloc(1, sizeof *c);
  assert_non_null(c);
  gc_test_load("small.yaml", NULL, 0, &c->cfg);
  if (tweak) tweak(&c->cfg);
  assert_int_equal(gc_world_build(&c->w, &c->cfg), 0);
  assert_int_equal(gc_population_build(&c->pop, &c->cfg, &c->w), 0);
  return c;
}

static void city_free(gc_test_city *c) {
  gc_test_city_free(c);
  free(c);
}

static void assert_binomial(double k, double n, double p) {
  double sd = sqrt(n * p * (1 - p));
  if (fabs(k - n * p) > 5 * sd + 1) fail_msg("count %.0f, expected %.1f +- 5 x %.2f", k, n * p, sd);
}

static int list_index(const gc_config *c, const char *name) {
  for (int l = 0; l < c->nlists; l++)
    if (!strcmp(c->list[l].name, name)) return l;
  fail_msg("no list %s", name);
  return -1;
}

static int same_household(const gc_population *p, uint32_t a, uint32_t b) {
  return p->hh[a] == p->hh[b];
}

static int is_student(const gc_test_city *c, uint32_t i) {
  return c->pop.work[i] >= 0 && c->w.type[c->pop.work[i]] == GC_PLACE_SCHOOL;
}

static void tweak_vehicles(gc_config *c) {
  c->population.vehicle_owner = 0.3;
  c->population.vehicle_registered_to_user = 0.8;
  c->population.phone_second_hand = 0.1;
}

/* Owners are a share of non-students; a vehicle not registered to its user
** is registered to the household head. */
static void test_vehicle_owners(void **state) {
  (void)state;
  gc_test_city *c = city_with(tweak_vehicles);
  const gc_population *p = &c->pop;
  double adults = 0, owners = 0, nonhead_owners = 0, nonhead_own = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    uint32_t head = p->hh_start[p->hh[i]], v = p->vehicle_reg[i];
    if (is_student(c, i)) { assert_int_equal(v, GC_NONE); continue; }
    adults++;
    if (v == GC_NONE) continue;
    owners++;
    assert_true(v == i || v == head);
    if (i != head) { nonhead_owners++; nonhead_own += v == i; }
  }
  assert_binomial(owners, adults, 0.3);
  assert_binomial(nonhead_own, nonhead_owners, 0.8);
  assert_true(nonhead_owners > 500);
  city_free(c);
}

/* A share of phones is registered to someone outside the household, and
** every other registration is exactly what the core drew (the new draws
** use their own counter). */
static void test_second_hand_sims(void **state) {
  (void)state;
  gc_test_city *base = city_with(NULL), *c = city_with(tweak_vehicles);
  const gc_population *p = &c->pop, *q = &base->pop;
  double phones = 0, outside = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    assert_int_equal(p->work[i], q->work[i]);
    assert_int_equal(p->family_region[i], q->family_region[i]);
    assert_int_equal(p->phone_reg[i] == GC_NONE, q->phone_reg[i] == GC_NONE);
    assert_true(q->phone_reg[i] == GC_NONE || same_household(q, i, q->phone_reg[i]));
    if (p->phone_reg[i] == GC_NONE) continue;
    phones++;
    if (same_household(p, i, p->phone_reg[i])) assert_int_equal(p->phone_reg[i], q->phone_reg[i]);
    else outside++;
    assert_int_equal(base->pop.vehicle_reg[i], GC_NONE);      /* no owners by default */
  }
  assert_binomial(outside, phones, 0.1);
  city_free(c);
  city_free(base);
}

static void tweak_compounds(gc_config *c) { c->world.places_per_1000[GC_PLACE_COMPOUND] = 1.5; }

/* Each household's compound is the compound place nearest its home. */
static void test_compound_is_nearest(void **state) {
  (void)state;
  gc_test_city *c = city_with(tweak_compounds);
  const gc_population *p = &c->pop;
  uint32_t lo = c->w.range[0][GC_PLACE_COMPOUND], hi = c->w.range[0][GC_PLACE_COMPOUND + 1];
  assert_true(hi - lo >= 5);
  uint32_t used_distinct = 0;
  for (uint32_t q = lo; q < hi; q++) {
    int used = 0;
    for (uint32_t h = 0; h < p->nhh && !used; h++) used = p->hh_compound[h] == q;
    used_distinct += (uint32_t)used;
  }
  assert_true(used_distinct >= 2);
  for (uint32_t h = 0; h < p->nhh; h++) {
    uint32_t best = GC_NONE;
    double bd = 0;
    for (uint32_t q = lo; q < hi; q++) {
      double dx = c->w.x[q] - p->hh_x[h], dy = c->w.y[q] - p->hh_y[h], d2 = dx * dx + dy * dy;
      if (best == GC_NONE || d2 < bd) { best = q; bd = d2; }
    }
    assert_int_equal(p->hh_compound[h], best);
  }
  city_free(c);
  gc_test_city *none = city_with(NULL);                /* small.yaml has no compounds */
  for (uint32_t h = 0; h < none->pop.nhh; h++) assert_int_equal(none->pop.hh_compound[h], GC_NONE);
  city_free(none);
}

/* Initial trust: the first `given` the head meets, else the initial level;
** awareness: exactly the agents the selector picks. */
static void test_trust_and_awareness(void **state) {
  (void)state;
  gc_test_city *c = city_with(NULL);
  gc_config *cfg = &c->cfg;
  int eth = gc_test_trait(cfg, "ethnicity"), grievance = gc_test_trait(cfg, "petition_grievance");
  int petitioners = list_index(cfg, "petitioners");
  gc_trust_cfg *tc = &cfg->population.trust;
  tc->nlevels = 3;
  strcpy(tc->level[0], "trusted"); strcpy(tc->level[1], "normal"); strcpy(tc->level[2], "distrusted");
  tc->initial = 1;
  tc->ngiven = 2;
  tc->given[0] = (gc_cond){GC_COND_LIST, (uint8_t)petitioners, 1};
  tc->given_level[0] = 0;                        /* first match wins, even over minority */
  tc->given[1] = (gc_cond){GC_COND_TRAIT, (uint8_t)eth, 1};
  tc->given_level[1] = 2;
  gc_selector *aw = &cfg->reaction.aware;
  memset(aw, 0, sizeof *aw);
  gc_response_init_lists(cfg, &c->pop);
  gc_population_init_state(&c->pop, cfg);
  const gc_population *p = &c->pop;
  for (uint32_t i = 0; i < p->n; i++) assert_int_equal(p->st.flags[i] & GC_AGENT_AWARE, 0);   /* nobody */
  uint32_t counts[3] = {0, 0, 0};
  for (uint32_t h = 0; h < p->nhh; h++) {
    uint32_t head = p->hh_start[h];
    int want = (p->st.lists[head] >> petitioners & 1) ? 0 : p->trait[eth][head] == 1 ? 2 : 1;
    assert_int_equal(p->st.hh_trust[h], want);
    counts[want]++;
  }
  assert_true(counts[0] > 0 && counts[1] > 0 && counts[2] > 0);
  aw->nany = 1;
  aw->any[0] = (gc_cond){GC_COND_TRAIT, (uint8_t)grievance, 1};
  gc_population_init_state(&c->pop, cfg);
  uint32_t aware = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    assert_int_equal(!!(p->st.flags[i] & GC_AGENT_AWARE), p->trait[grievance][i] == 1);
    aware += p->trait[grievance][i] == 1;
  }
  assert_true(aware > 20);
  aw->nany = 0;
  aw->everyone = 1;
  gc_population_init_state(&c->pop, cfg);
  for (uint32_t i = 0; i < p->n; i++) assert_true(p->st.flags[i] & GC_AGENT_AWARE);
  city_free(c);
}

/* Trust off (no levels): households stay at level 0. */
static void test_trust_off(void **state) {
  (void)state;
  gc_test_city *c = city_with(NULL);
  gc_population_init_state(&c->pop, &c->cfg);
  for (uint32_t h = 0; h < c->pop.nhh; h++) assert_int_equal(c->pop.st.hh_trust[h], 0);
  assert_true(gc_population_bytes_per_agent(&c->pop) > 100);
  city_free(c);
}

/* Residential segregation: minority households (head ethnicity=minority)
** live in districts 0, 1, 4, 5 of the 4 x 4 grid with probability 0.6, else
** anywhere, so the share of their homes in those districts is
** 0.6 + 0.4 x 4/16 = 0.7: binomial, 4.5 sd.  Inside the listed area each
** district is equally likely (binomial 1/4 of those homes, 4.5 sd).  Every
** household the entry does not match keeps exactly the home it has without
** the key, and nothing else about the population changes. */
static const char *const big[] = {"population.size=40000"};

static void segregate(gc_config *c) {
  gc_household_cfg *h = &c->population.households;
  h->nneighbourhoods = 1;
  h->neighbourhood[0] = (gc_neighbourhood_cfg){
      .cond = {GC_COND_TRAIT, (uint8_t)gc_test_trait(c, "ethnicity"), 1}, .share = 0.6, .ndistricts = 4,
      .district = {0, 1, 4, 5}};
}

static gc_test_city *big_city(tweak_fn tweak) {
  gc_test_city *c = calloc(1, sizeof *c);
  assert_non_null(c);
  gc_test_load("small.yaml", big, 1, &c->cfg);
  assert_int_equal(c->cfg.response.patrol.districts_side, 4);
  if (tweak) tweak(&c->cfg);
  assert_int_equal(gc_world_build(&c->w, &c->cfg), 0);
  assert_int_equal(gc_population_build(&c->pop, &c->cfg, &c->w), 0);
  return c;
}

static void test_neighbourhoods(void **state) {
  (void)state;
  gc_test_city *a = big_city(NULL), *b = big_city(segregate);
  int eth = gc_test_trait(&b->cfg, "ethnicity");
  assert_int_equal(a->pop.nhh, b->pop.nhh);
  assert_memory_equal(a->pop.hh_start, b->pop.hh_start, ((size_t)a->pop.nhh + 1) * sizeof *a->pop.hh_start);
  assert_memory_equal(a->pop.trait[eth], b->pop.trait[eth], a->pop.n);
  assert_memory_equal(a->pop.truth, b->pop.truth, a->pop.n * sizeof *a->pop.truth);
  assert_memory_equal(a->pop.work, b->pop.work, a->pop.n * sizeof *a->pop.work);
  double minority = 0, inside = 0, per[16] = {0};
  for (uint32_t h = 0; h < b->pop.nhh; h++) {
    float x = b->pop.hh_x[h], y = b->pop.hh_y[h];
    assert_true(x >= 0 && x <= b->w.city_m && y >= 0 && y <= b->w.city_m);
    if (b->pop.trait[eth][b->pop.hh_start[h]] != 1) {
      assert_true(x == a->pop.hh_x[h] && y == a->pop.hh_y[h]);      /* untouched */
      continue;
    }
    minority++;
    int d = gc_world_district_xy(&b->w, x, y);
    if (d == 0 || d == 1 || d == 4 || d == 5) {
      inside++;
      per[d]++;
    }
  }
  assert_true(minority > 500);
  double p = 0.6 + 0.4 * 4.0 / 16.0, sd = sqrt(minority * p * (1 - p));
  if (fabs(inside - minority * p) > 4.5 * sd)
    fail_msg("%.0f of %.0f minority homes in the listed districts, expected %.1f +- 4.5 x %.2f", inside, minority,
             minority * p, sd);
  for (int d = 0; d < 16; d++) {
    if (d != 0 && d != 1 && d != 4 && d != 5) continue;
    double q = sqrt(inside * 0.25 * 0.75);
    if (fabs(per[d] - inside / 4) > 4.5 * q) fail_msg("district %d: %.0f of %.0f", d, per[d], inside);
  }
  city_free(a);
  city_free(b);
}

/* A home placed in a district is inside it even at the float edge: share 1
** into every district of an 8 x 8 grid, and each home's district is one of
** the listed ones. */
static void all_minority_in_even_districts(gc_config *c) {
  c->response.patrol.districts_side = 8;
  gc_household_cfg *h = &c->population.households;
  h->nneighbourhoods = 2;
  gc_neighbourhood_cfg *nb = &h->neighbourhood[0];
  *nb = (gc_neighbourhood_cfg){.cond = {GC_COND_TRAIT, (uint8_t)gc_test_trait(c, "ethnicity"), 1}, .share = 1};
  for (int d = 0; d < 64; d += 2) nb->district[nb->ndistricts++] = (uint8_t)d;
  h->neighbourhood[1] = (gc_neighbourhood_cfg){      /* everyone else; the first match wins */
      .cond = {GC_COND_TRAIT, (uint8_t)gc_test_trait(c, "ethnicity"), 0}, .share = 1, .ndistricts = 1, .district = {63}};
}

static void test_neighbourhood_first_match_and_edges(void **state) {
  (void)state;
  gc_test_city *b = big_city(all_minority_in_even_districts);
  int eth = gc_test_trait(&b->cfg, "ethnicity");
  for (uint32_t h = 0; h < b->pop.nhh; h++) {
    int d = gc_world_district_xy(&b->w, b->pop.hh_x[h], b->pop.hh_y[h]);
    if (b->pop.trait[eth][b->pop.hh_start[h]] == 1) assert_int_equal(d % 2, 0);
    else assert_int_equal(d, 63);
  }
  city_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_vehicle_owners),
    cmocka_unit_test(test_second_hand_sims),
    cmocka_unit_test(test_compound_is_nearest),
    cmocka_unit_test(test_trust_and_awareness),
    cmocka_unit_test(test_trust_off),
    cmocka_unit_test(test_neighbourhoods),
    cmocka_unit_test(test_neighbourhood_first_match_and_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
