/*
** test_rules_model.c — the rule kinds and rule-language extensions of the
** full model (issue 3) on hand-built observation streams.
**
** The population comes from tests/data/small.yaml; the fixture clears every
** list and the scenario's rules, so each test adds exactly the rules it
** needs (rule i is the i-th added) and controls who is watched.  Fields the
** scenario loader does not know yet (new kinds, radius on presence, risk
** levels, trust levels) are set in C.  Lists of small.yaml: 0 drug_users,
** 1 petitioners, 2 key_persons, 3 red_list (exempt).
*/
#include <math.h>
#include "gc_test.h"
#include "gc_rng.h"
#include "gc_rules.h"

enum { DRUG = 0, PETITIONERS = 1, KEY = 2, RED = 3, EVERYONE = -1 };

typedef struct fixture {
  gc_test_city city;                /* first: f->city.cfg etc. are its fields */
  gc_rules *rules;
  gc_alert_buf out;
} fixture;

static fixture *setup_with(const char *const *sets, int nsets) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  gc_test_city_build(&f->city, "small.yaml", sets, nsets);
  memset(f->city.pop.st.lists, 0, f->city.pop.n * sizeof *f->city.pop.st.lists);
  assert_string_equal(f->city.cfg.list[RED].name, "red_list");
  assert_true(f->city.cfg.list[RED].exempt);
  gc_population_cfg *pc = &f->city.cfg.population;
  static const char *const risk[] = {"none", "low", "medium", "high"};
  static const char *const trust[] = {"trusted", "normal", "distrusted"};
  pc->nrisk = 4;
  for (int l = 0; l < 4; l++) snprintf(pc->risk[l], GC_NAME_MAX, "%s", risk[l]);
  pc->trust.nlevels = 3;
  for (int l = 0; l < 3; l++) snprintf(pc->trust.level[l], GC_NAME_MAX, "%s", trust[l]);
  f->city.cfg.nrules = 0;
  return f;
}

static fixture *setup(void) { return setup_with(NULL, 0); }

/* Adds a rule of `kind` watching members of list `who` (EVERYONE: all). */
static gc_rule_cfg *add_rule(fixture *f, int kind, int who) {
  gc_config *cfg = &f->city.cfg;
  assert_true(cfg->nrules < GC_MAX_RULES);
  gc_rule_cfg *rc = &cfg->rule[cfg->nrules];
  memset(rc, 0, sizeof *rc);
  snprintf(rc->name, GC_NAME_MAX, "rule%d", cfg->nrules);
  rc->kind = kind;
  if (who == EVERYONE) rc->who.everyone = 1;
  else {
    rc->who.nany = 1;
    rc->who.any[0] = (gc_cond){GC_COND_LIST, (uint8_t)who, 1};
  }
  rc->action = GC_ACT_NONE;
  rc->action_list = rc->then_list = -1;
  rc->purchase = -1;
  rc->window_days = 1;
  cfg->nrules++;
  return rc;
}

static void compile(fixture *f) {
  f->rules = gc_rules_new(&f->city.cfg, &f->city.w, &f->city.pop);
  assert_non_null(f->rules);
}

static void teardown(fixture *f) {
  gc_rules_free(f->rules);
  gc_alert_buf_free(&f->out);
  gc_test_city_free(&f->city);
  free(f);
}

static void join(fixture *f, uint32_t person, int list) { f->city.pop.st.lists[person] |= (uint16_t)(1u << list); }

static gc_obs ob(int kind, uint32_t person, uint32_t where, int sub, uint32_t other, float value, int minute) {
  gc_obs o = {person, person, where, other, value, (uint16_t)minute, (uint8_t)kind, (uint8_t)sub, 0};
  return o;
}

/* An observation of `kind` at place p (sub = its type). */
static gc_obs at(const fixture *f, int kind, uint32_t person, uint32_t p, int minute, float minutes) {
  return ob(kind, person, p, f->city.w.type[p], GC_NONE, minutes, minute);
}

static uint32_t place(const fixture *f, int region, int type, int k) {
  assert_true(gc_world_count(&f->city.w, region, type) > (uint32_t)k);
  return f->city.w.range[region][type] + (uint32_t)k;
}



static void day(fixture *f, int d, const gc_obs *obs, size_t n) {
  assert_int_equal(gc_rules_day(f->rules, d, obs, n, NULL, &f->out), 0);
}

#define N(a) (sizeof(a) / sizeof *(a))

/* ---------------------------------------------------------------- presence */

/* Copresence reads cameras and wifi like ID scans ("four people with a
** protest history enter the same park": parks have no ID scanners); a person
** seen by two sensors counts once; home sightings are not at a place. */
static void test_copresence_sightings(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *park = add_rule(f, GC_RULE_COPRESENCE, PETITIONERS);
  park->nwhere = 1;
  park->where[0] = GC_PLACE_LEISURE;
  park->min_people = 4;
  park->radius_m = 0;
  park->within_minutes = 60;
  compile(f);
  for (uint32_t p = 30; p <= 40; p++) join(f, p, PETITIONERS);
  uint32_t pk = place(f, 0, GC_PLACE_LEISURE, 0), pk2 = place(f, 0, GC_PLACE_LEISURE, 1);
  gc_obs home = ob(GC_OBS_SIGHTING, 39, pk2, GC_PLACE_HOME, GC_NONE, 30, 1000);
  home.flags = GC_OBSF_HOME;
  gc_obs obs[] = {
    /* park 1: four people by camera, wifi, both, and a plate read: a group of four */
    at(f, GC_OBS_SIGHTING, 30, pk, 1000, 60), at(f, GC_OBS_WIFI, 31, pk, 1010, 60),
    at(f, GC_OBS_SIGHTING, 32, pk, 1020, 60), at(f, GC_OBS_WIFI, 32, pk, 1020, 60),
    at(f, GC_OBS_PLATE, 33, pk, 1030, 0),
    /* park 2: three people, one of them seen twice, and a home sighting: no group */
    at(f, GC_OBS_SIGHTING, 35, pk2, 1000, 60), at(f, GC_OBS_WIFI, 35, pk2, 1000, 60),
    at(f, GC_OBS_SIGHTING, 36, pk2, 1005, 60), at(f, GC_OBS_ID_SCAN, 37, pk2, 1010, 0), home,
  };
  day(f, 0, obs, N(obs));
  for (uint32_t p = 30; p <= 33; p++) assert_int_equal(gc_test_alerted(&f->out, 0, p) > 0, 1);
  assert_int_equal(gc_test_rule_alerts(&f->out, 0), 4);
  teardown(f);
}

static void test_presence_located_observations(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *hotel = add_rule(f, GC_RULE_PRESENCE, DRUG);
  hotel->nwhere = 1;
  hotel->where[0] = GC_PLACE_HOTEL;
  gc_rule_cfg *home = add_rule(f, GC_RULE_PRESENCE, DRUG);   /* the loader refuses this; the rule handles it */
  home->nwhere = 1;
  home->where[0] = GC_PLACE_HOME;
  compile(f);
  for (uint32_t p = 10; p <= 16; p++) join(f, p, DRUG);
  join(f, 12, RED);
  uint32_t h = place(f, 0, GC_PLACE_HOTEL, 0), st = place(f, 0, GC_PLACE_STATION, 0);
  gc_obs home_sighting = ob(GC_OBS_SIGHTING, 14, h, GC_PLACE_HOME, GC_NONE, 30, 600);
  home_sighting.flags = GC_OBSF_HOME;        /* `where` is a household, whose number is a hotel's */
  gc_obs obs[] = {
    at(f, GC_OBS_SIGHTING, 10, h, 600, 20), at(f, GC_OBS_WIFI, 11, h, 600, 20),
    at(f, GC_OBS_PLATE, 13, h, 600, 0), at(f, GC_OBS_ID_SCAN, 15, h, 600, 0),
    at(f, GC_OBS_SIGHTING, 16, st, 600, 20),                  /* wrong place type */
    at(f, GC_OBS_SIGHTING, 12, h, 600, 20),                   /* red-listed */
    at(f, GC_OBS_PAYMENT, 16, h, 600, 0),                     /* not a located observation kind */
    at(f, GC_OBS_SIGHTING, 20, h, 600, 20),                   /* not on the list */
    home_sighting,
  };
  day(f, 0, obs, N(obs));
  assert_int_equal(gc_test_alerted(&f->out, 0, 10), 1);
  assert_int_equal(gc_test_alerted(&f->out, 0, 11), 1);
  assert_int_equal(gc_test_alerted(&f->out, 0, 13), 1);
  assert_int_equal(gc_test_alerted(&f->out, 0, 15), 1);
  assert_int_equal(gc_test_rule_alerts(&f->out, 0), 4);
  assert_int_equal(gc_test_rule_alerts(&f->out, 1), 1);
  assert_int_equal(gc_test_alerted(&f->out, 1, 14), 1);
  teardown(f);
}

/* Near-a-school bits from the grid against every pair of places. */
static void test_presence_radius_matches_brute_force(void **state) {
  (void)state;
  for (int trial = 0; trial < 3; trial++) {
    static const double radius[] = {150, 400, 1200};
    fixture *f = setup();
    gc_rule_cfg *rc = add_rule(f, GC_RULE_PRESENCE, EVERYONE);
    rc->nwhere = 2;
    rc->where[0] = GC_PLACE_SCHOOL;
    rc->where[1] = GC_PLACE_STATION;
    rc->radius_m = radius[trial];
    compile(f);
    const gc_world *w = &f->city.w;
    assert_true(w->nplaces < f->city.pop.n);
    gc_obs *obs = malloc(w->nplaces * sizeof *obs);
    assert_non_null(obs);
    for (uint32_t p = 0; p < w->nplaces; p++) obs[p] = at(f, GC_OBS_SIGHTING, p, p, 600, 5);
    day(f, 0, obs, w->nplaces);
    uint32_t fired = 0, fired_not_at = 0;
    for (uint32_t p = 0; p < w->nplaces; p++) {
      int near = 0;
      for (uint32_t q = 0; q < w->nplaces && !near; q++)
        near = (w->type[q] == GC_PLACE_SCHOOL || w->type[q] == GC_PLACE_STATION) &&
               w->region[q] == w->region[p] && gc_world_dist(w, p, q) <= rc->radius_m;
      assert_int_equal(gc_test_alerted(&f->out, 0, p), near);
      fired += (uint32_t)near;
      fired_not_at += near && w->type[p] != GC_PLACE_SCHOOL && w->type[p] != GC_PLACE_STATION;
    }
    assert_true(fired_not_at > 0);           /* the radius reaches beyond the schools themselves */
    assert_true(fired < w->nplaces);         /* and not everywhere */
    free(obs);
    teardown(f);
  }
}

/* The nearest non-school place fires at radius d + 0.5 m, not at d - 0.5 m. */
static void test_presence_radius_boundary(void **state) {
  (void)state;
  fixture *probe = setup();
  const gc_world *w = &probe->city.w;
  uint32_t best = 0;
  double bestd = 1e18;
  for (uint32_t p = 0; p < w->nplaces; p++) {
    if (w->type[p] == GC_PLACE_SCHOOL) continue;
    for (uint32_t q = 0; q < w->nplaces; q++)
      if (w->type[q] == GC_PLACE_SCHOOL && w->region[q] == w->region[p] && gc_world_dist(w, p, q) < bestd) {
        bestd = gc_world_dist(w, p, q);
        best = p;
      }
  }
  teardown(probe);
  assert_true(bestd > 1 && bestd < 1e17);
  for (int inside = 0; inside < 2; inside++) {
    fixture *f = setup();
    gc_rule_cfg *rc = add_rule(f, GC_RULE_PRESENCE, EVERYONE);
    rc->nwhere = 1;
    rc->where[0] = GC_PLACE_SCHOOL;
    rc->radius_m = inside ? bestd + 0.5 : bestd - 0.5;
    compile(f);
    gc_obs o = at(f, GC_OBS_WIFI, 40, best, 700, 10);
    day(f, 0, &o, 1);
    assert_int_equal(gc_test_alerted(&f->out, 0, 40), inside);
    teardown(f);
  }
}

/* --------------------------------------------------------------- frequency */

static void test_frequency_new_event_kinds(void **state) {
  (void)state;
  static const int ev[] = {GC_EV_SIGHTING, GC_EV_WIFI, GC_EV_PLATE, GC_EV_COMPOUND_ENTRY, GC_EV_COMPANION,
                           GC_EV_TICKET, GC_EV_TICKET_NO_SHOW, GC_EV_UNUSUAL, GC_EV_PAYMENT,
                           GC_EV_VEHICLE_MISMATCH};
  static const int kind[] = {GC_OBS_SIGHTING, GC_OBS_WIFI, GC_OBS_PLATE, GC_OBS_COMPOUND_ENTRY, GC_OBS_COMPANION,
                             GC_OBS_TICKET, GC_OBS_TICKET_NO_SHOW, GC_OBS_UNUSUAL, GC_OBS_PAYMENT,
                             GC_OBS_VEHICLE_MISMATCH};
  fixture *f = setup();
  for (size_t k = 0; k < N(ev); k++) {
    gc_rule_cfg *rc = add_rule(f, GC_RULE_FREQUENCY, EVERYONE);
    rc->event = ev[k];
    rc->min_count = 2;
    rc->window_days = 2;
  }
  compile(f);
  gc_obs obs[N(kind)];
  for (size_t k = 0; k < N(kind); k++) obs[k] = ob(kind[k], 100 + (uint32_t)k, 0, 0, 7, 1, 600);
  day(f, 0, obs, N(obs));
  assert_int_equal(f->out.n, 0);             /* one record each: below min_count 2 */
  day(f, 1, obs, N(obs));
  for (size_t k = 0; k < N(ev); k++) {
    assert_int_equal(gc_test_rule_alerts(&f->out, (int)k), 1);
    assert_int_equal(gc_test_alerted(&f->out, (int)k, 100 + (uint32_t)k), 1);
  }
  teardown(f);
}

static gc_obs companion(uint32_t person, uint32_t who) {
  return ob(GC_OBS_COMPANION, person, 0, 0, who, 0, 900);
}

/* NYT-2022: a man entering a compound with different companions. */
static void test_frequency_distinct_companions(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *rc = add_rule(f, GC_RULE_FREQUENCY, EVERYONE);
  rc->event = GC_EV_COMPANION;
  rc->distinct = 1;
  rc->min_count = 3;
  rc->window_days = 5;
  gc_rule_cfg *plain = add_rule(f, GC_RULE_FREQUENCY, EVERYONE);   /* the same without distinct */
  plain->event = GC_EV_COMPANION;
  plain->min_count = 3;
  plain->window_days = 5;
  compile(f);
  join(f, 204, RED);
  /* 200: the same companion four times; 201: three companions on days 0, 2, 4;
  ** 202: three companions on days 0, 3, 5 (day 0 is out of day 5's window);
  ** 203: companions with no identity recorded do not count; 204: red-listed. */
  gc_obs d0[] = {companion(200, 7), companion(200, 7), companion(201, 7), companion(202, 7),
                 companion(203, GC_NONE), companion(203, GC_NONE), companion(203, 5),
                 companion(204, 1), companion(204, 2), companion(204, 3)};
  gc_obs d1[] = {companion(200, 7)};
  gc_obs d2[] = {companion(200, 7), companion(201, 8)};
  gc_obs d3[] = {companion(202, 8), companion(203, GC_NONE)};
  gc_obs d4[] = {companion(201, 9)};
  gc_obs d5[] = {companion(202, 9), companion(203, 6)};
  struct { const gc_obs *o; size_t n; } days[] = {{d0, N(d0)}, {d1, N(d1)}, {d2, N(d2)}, {d3, N(d3)},
                                                  {d4, N(d4)}, {d5, N(d5)}};
  for (int d = 0; d < 6; d++) {
    day(f, d, days[d].o, days[d].n);
    assert_int_equal(gc_test_alerted(&f->out, 0, 201), d == 4);
    assert_int_equal(gc_test_rule_alerts(&f->out, 0), d == 4);
    assert_int_equal(gc_test_alerted(&f->out, 1, 200), d == 1 || d == 2);   /* 3 and 4 records, one of them today */
  }
  teardown(f);
}

/* ---------------------------------------------------------------- movement */

static void test_movement(void **state) {
  (void)state;
  fixture *f = setup();
  for (int d = 0; d <= GC_DEST_ANY; d++) add_rule(f, GC_RULE_MOVEMENT, PETITIONERS)->destination = d;
  compile(f);
  const gc_world *w = &f->city.w;
  uint32_t cap = (uint32_t)w->capital;
  assert_true(cap >= 2);
  for (uint32_t p = 300; p <= 308; p++) join(f, p, PETITIONERS);
  join(f, 305, RED);
  uint32_t cap_hotel = place(f, w->capital, GC_PLACE_HOTEL, 0);
  gc_obs home = ob(GC_OBS_SIGHTING, 307, cap_hotel, GC_PLACE_HOME, GC_NONE, 10, 600);
  home.flags = GC_OBSF_HOME;
  gc_obs obs[] = {
    ob(GC_OBS_TICKET, 300, place(f, 0, GC_PLACE_STATION, 0), GC_PLACE_STATION, cap, 0, 480),
    ob(GC_OBS_TICKET, 301, place(f, 0, GC_PLACE_STATION, 0), GC_PLACE_STATION, 1, 0, 480),
    ob(GC_OBS_TICKET, 302, place(f, 0, GC_PLACE_STATION, 0), GC_PLACE_STATION, 0, 0, 480),
    at(f, GC_OBS_ID_SCAN, 303, cap_hotel, 1300, 0),
    at(f, GC_OBS_SIGHTING, 304, place(f, 0, GC_PLACE_SHOP, 0), 700, 10),
    ob(GC_OBS_TICKET, 305, place(f, 0, GC_PLACE_STATION, 0), GC_PLACE_STATION, cap, 0, 480),
    ob(GC_OBS_TICKET, 306, place(f, 0, GC_PLACE_STATION, 0), GC_PLACE_STATION, GC_NONE, 0, 480),
    home,
    at(f, GC_OBS_PLATE, 308, place(f, 1, GC_PLACE_HOTEL, 0), 700, 0),
    ob(GC_OBS_TICKET, 310, place(f, 0, GC_PLACE_STATION, 0), GC_PLACE_STATION, cap, 0, 480),  /* not watched */
    ob(GC_OBS_TICKET_NO_SHOW, 304, place(f, 0, GC_PLACE_STATION, 0), GC_PLACE_STATION, cap, 0, 480),
  };
  day(f, 0, obs, N(obs));
  /* capital, other_region, any */
  static const struct { uint32_t p; int c, o, a; } want[] = {
    {300, 1, 0, 1}, {301, 0, 1, 1}, {302, 0, 0, 0}, {303, 1, 0, 1}, {304, 0, 0, 0},
    {305, 0, 0, 0}, {306, 0, 0, 0}, {307, 0, 0, 0}, {308, 0, 1, 1}, {310, 0, 0, 0}};
  for (size_t k = 0; k < N(want); k++) {
    assert_int_equal(gc_test_alerted(&f->out, GC_DEST_CAPITAL, want[k].p), want[k].c);
    assert_int_equal(gc_test_alerted(&f->out, GC_DEST_OTHER_REGION, want[k].p), want[k].o);
    assert_int_equal(gc_test_alerted(&f->out, GC_DEST_ANY, want[k].p), want[k].a);
  }
  assert_int_equal(gc_test_rule_alerts(&f->out, GC_DEST_ANY), 4);
  teardown(f);
}

/* ----------------------------------------------------------------- absence */

static gc_obs phone_off(uint32_t person) { return ob(GC_OBS_PHONE_OFF, person, 0, 0, GC_NONE, 0, 0); }

static void test_absence_phone(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *rc = add_rule(f, GC_RULE_ABSENCE, EVERYONE);
  rc->signal = GC_SIGNAL_PHONE;
  rc->days = 3;
  compile(f);
  join(f, 403, RED);
  /* 400 off on days 0..7: fires on days 2 and 5 (3 and 6 days in a row);
  ** 401 off days 0, 1 (days - 1), back on day 2, off again 3..5: fires on day 5;
  ** 402 two records a day on days 0, 1: two days only; 403 red-listed. */
  for (int d = 0; d < 8; d++) {
    gc_obs obs[8];
    size_t n = 0;
    obs[n++] = phone_off(400);
    if (d != 2 && d <= 5) obs[n++] = phone_off(401);
    if (d <= 1) { obs[n++] = phone_off(402); obs[n++] = phone_off(402); }
    obs[n++] = phone_off(403);
    day(f, d, obs, n);
    assert_int_equal(gc_test_alerted(&f->out, 0, 400), d == 2 || d == 5);
    assert_int_equal(gc_test_alerted(&f->out, 0, 401), d == 5);
    assert_int_equal(gc_test_rule_alerts(&f->out, 0), (size_t)(d == 2) + (d == 5) * 2);
  }
  teardown(f);
}

static void test_absence_off_grid(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *rc = add_rule(f, GC_RULE_ABSENCE, DRUG);
  rc->signal = GC_SIGNAL_OFF_GRID;
  rc->days = 3;
  compile(f);
  join(f, 500, DRUG);              /* never observed: day 0 counts as seen */
  join(f, 501, DRUG);              /* observed on day 2 (a utility reading in their name) */
  join(f, 502, DRUG);              /* observed every day */
  for (int d = 0; d < 8; d++) {
    gc_obs obs[2];
    size_t n = 0;
    obs[n++] = ob(GC_OBS_ELECTRICITY, 502, 0, 0, GC_NONE, 5, 0);
    if (d == 2) obs[n++] = ob(GC_OBS_WATER, 501, 0, 0, GC_NONE, 5, 0);
    day(f, d, obs, n);
    assert_int_equal(gc_test_alerted(&f->out, 0, 500), d == 3 || d == 6);
    assert_int_equal(gc_test_alerted(&f->out, 0, 501), d == 5);
    assert_int_equal(gc_test_rule_alerts(&f->out, 0), (size_t)(d == 3) + (d == 5) + (d == 6));
  }
  teardown(f);
}

/* Two partnerless agents of different households made a couple living apart. */
static void make_couple(fixture *f, uint32_t *a, uint32_t *b) {
  gc_population *pop = &f->city.pop;
  *a = *b = GC_NONE;
  for (uint32_t i = 1000; i < pop->n && *b == GC_NONE; i++) {
    if (pop->partner[i] != GC_NONE) continue;
    if (*a == GC_NONE) *a = i;
    else if (pop->hh[i] != pop->hh[*a]) *b = i;
  }
  assert_true(*b != GC_NONE);
  pop->partner[*a] = *b;
  pop->partner[*b] = *a;
}

/* NYT-2022: the suspicious-marriage check. */
static void test_absence_partner(void **state) {
  (void)state;
  fixture *f = setup();
  uint32_t a, b;
  make_couple(f, &a, &b);
  gc_rule_cfg *rc = add_rule(f, GC_RULE_ABSENCE, DRUG);
  rc->signal = GC_SIGNAL_PARTNER;
  rc->days = 4;
  compile(f);
  join(f, a, DRUG);
  join(f, b, DRUG);
  const gc_population *pop = &f->city.pop;
  uint32_t h0 = place(f, 0, GC_PLACE_HOTEL, 0), h1 = place(f, 0, GC_PLACE_HOTEL, 1);
  for (int d = 0; d <= 16; d++) {
    gc_obs obs[4];
    size_t n = 0;
    if (d == 6) { obs[n++] = at(f, GC_OBS_ID_SCAN, a, h0, 1300, 0); obs[n++] = at(f, GC_OBS_ID_SCAN, b, h0, 1310, 0); }
    if (d == 11) { obs[n++] = at(f, GC_OBS_ID_SCAN, a, h0, 1300, 0); obs[n++] = at(f, GC_OBS_ID_SCAN, b, h1, 1310, 0); }
    if (d == 8)  obs[n++] = ob(GC_OBS_PHONE_NIGHT, a, pop->hh[a], 0, 0, 0, 1400);   /* at home: not together */
    if (d == 12) obs[n++] = ob(GC_OBS_PHONE_NIGHT, b, pop->hh[a], 0, 0, 0, 1400);   /* at the partner's */
    day(f, d, obs, n);
    /* together on days 0 (start), 6 (same hotel) and 12 (phone at the partner's home) */
    int fire = d == 4 || d == 10 || d == 16;
    assert_int_equal(gc_test_alerted(&f->out, 0, a), fire);
    assert_int_equal(gc_test_alerted(&f->out, 0, b), fire);
    assert_int_equal(gc_test_rule_alerts(&f->out, 0), fire ? 2u : 0u);   /* other couples apart are not watched */
  }
  teardown(f);
}

static void test_absence_payments(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *rc = add_rule(f, GC_RULE_ABSENCE, EVERYONE);
  rc->signal = GC_SIGNAL_PAYMENTS;
  rc->days = 3;
  compile(f);
  uint32_t shop = place(f, 0, GC_PLACE_SHOP, 0);
  for (int d = 0; d < 8; d++) {
    gc_obs obs[2];
    size_t n = 0;
    if (d == 0) obs[n++] = at(f, GC_OBS_PAYMENT, 600, shop, 700, 0);
    if (d == 0 || d == 2) obs[n++] = at(f, GC_OBS_PAYMENT, 602, shop, 700, 0);
    day(f, d, obs, n);
    assert_int_equal(gc_test_alerted(&f->out, 0, 600), d == 3 || d == 6);
    assert_int_equal(gc_test_alerted(&f->out, 0, 602), d == 5);
    assert_int_equal(gc_test_rule_alerts(&f->out, 0), (size_t)(d == 3) + (d == 5) + (d == 6));  /* never-payers never */
  }
  teardown(f);
}

/* Closed form: phones off independently with probability p a day.  An
** absence rule with days = 2 fires on day t for a person whose current run
** of phone-off days has even length k >= 2: P = sum_{k even, 2<=k<=t}
** p^k (1-p) + [t+1 even] p^(t+1).  Tolerance: 5 binomial standard deviations. */
static void test_absence_phone_closed_form(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *rc = add_rule(f, GC_RULE_ABSENCE, EVERYONE);
  rc->signal = GC_SIGNAL_PHONE;
  rc->days = 2;
  compile(f);
  uint32_t n = f->city.pop.n;
  const double p = 0.6;
  gc_rng_key key = gc_rng_key_make(2024, 999);
  gc_obs *obs = malloc(n * sizeof *obs);
  assert_non_null(obs);
  for (int t = 0; t < 7; t++) {
    size_t m = 0;
    for (uint32_t i = 0; i < n; i++)
      if (gc_u01(gc_rng4(key, i, (uint32_t)t, 0).v[0]) < p) obs[m++] = phone_off(i);
    day(f, t, obs, m);
    double want = 0;
    for (int k = 2; k <= t; k += 2) want += pow(p, k) * (1 - p);
    if ((t + 1) % 2 == 0) want += pow(p, t + 1);
    double mean = n * want, sd = sqrt(n * want * (1 - want));
    double got = (double)gc_test_rule_alerts(&f->out, 0);
    if (t == 0) assert_true(got == 0);
    else assert_true(fabs(got - mean) <= 5 * sd);
  }
  free(obs);
  teardown(f);
}

/* ------------------------------------------------------------------- dwell */

static void test_dwell_one_stay(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *rc = add_rule(f, GC_RULE_DWELL, EVERYONE);
  rc->nwhere = 1;
  rc->where[0] = GC_PLACE_STATION;
  rc->min_minutes = 180;
  rc->window_days = 1;
  compile(f);
  join(f, 705, RED);
  uint32_t st = place(f, 0, GC_PLACE_STATION, 0), shop = place(f, 0, GC_PLACE_SHOP, 0);
  gc_obs obs[] = {
    at(f, GC_OBS_SIGHTING, 700, st, 600, 180),                                   /* fires */
    at(f, GC_OBS_WIFI, 701, st, 600, 179),                                       /* min - 1 */
    at(f, GC_OBS_SIGHTING, 702, st, 600, 100), at(f, GC_OBS_WIFI, 702, st, 600, 100),   /* one stay */
    at(f, GC_OBS_SIGHTING, 703, shop, 600, 300),                                 /* not a station */
    at(f, GC_OBS_SIGHTING, 704, st, 600, 100), at(f, GC_OBS_SIGHTING, 704, st, 900, 100), /* two stays */
    at(f, GC_OBS_SIGHTING, 705, st, 600, 500),                                   /* red-listed */
    at(f, GC_OBS_ID_SCAN, 706, st, 600, 500),                                    /* scans carry no minutes */
  };
  day(f, 0, obs, N(obs));
  assert_int_equal(gc_test_alerted(&f->out, 0, 700), 1);
  assert_int_equal(gc_test_rule_alerts(&f->out, 0), 1);
  teardown(f);
}

/* Yangshuo: total time within a window. */
static void test_dwell_window_total(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *rc = add_rule(f, GC_RULE_DWELL, EVERYONE);
  rc->nwhere = 2;
  rc->where[0] = GC_PLACE_STATION;
  rc->where[1] = GC_PLACE_LEISURE;
  rc->min_minutes = 180;
  rc->window_days = 3;
  compile(f);
  uint32_t st = place(f, 0, GC_PLACE_STATION, 0), le = place(f, 0, GC_PLACE_LEISURE, 1);
  for (int d = 0; d < 5; d++) {
    gc_obs obs[6];
    size_t n = 0;
    if (d == 0) {
      obs[n++] = at(f, GC_OBS_SIGHTING, 710, st, 600, 100);
      obs[n++] = at(f, GC_OBS_WIFI, 710, st, 600, 100);        /* the same stay: 100, not 200 */
      obs[n++] = at(f, GC_OBS_SIGHTING, 711, st, 600, 100);
    }
    if (d == 1) {
      obs[n++] = at(f, GC_OBS_SIGHTING, 712, st, 600, 90);
      obs[n++] = at(f, GC_OBS_WIFI, 712, le, 900, 90);         /* two stays: 180 */
    }
    if (d == 2) obs[n++] = at(f, GC_OBS_WIFI, 710, le, 600, 80);   /* 100 + 80 within days 0..2 */
    if (d == 3) obs[n++] = at(f, GC_OBS_WIFI, 711, le, 600, 80);   /* day 0's 100 is out of the window */
    if (d == 4) obs[n++] = at(f, GC_OBS_WIFI, 712, le, 600, 1);    /* days 2..4: 1 minute */
    day(f, d, obs, n);
    assert_int_equal(gc_test_alerted(&f->out, 0, 710), d == 2);
    assert_int_equal(gc_test_alerted(&f->out, 0, 712), d == 1 ? 2 : 0);        /* a trigger per stay of the day */
    assert_int_equal(gc_test_rule_alerts(&f->out, 0), (size_t)(d == 1 || d == 2));
  }
  teardown(f);
}

/* ------------------------------------------------------------------- score */

static gc_score_feature feature(int kind, int window, double weight, double cap) {
  gc_score_feature x;
  memset(&x, 0, sizeof x);
  x.kind = kind;
  x.window_days = window;
  x.weight = weight;
  x.cap = cap;
  x.rule = -1;
  return x;
}

static void levels(gc_rule_cfg *rc, double low, double medium, double high, int alert_at) {
  rc->level_at[1] = low;
  rc->level_at[2] = medium;
  rc->level_at[3] = high;
  rc->alert_level = alert_at;
}

/* Events, alerts and actions in windows; levels rise and fall; alerts on a rise only. */
static void test_score_history_features(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *pres = add_rule(f, GC_RULE_PRESENCE, DRUG);
  pres->nwhere = 1;
  pres->where[0] = GC_PLACE_HOTEL;
  gc_rule_cfg *rc = add_rule(f, GC_RULE_SCORE, DRUG);
  rc->feature[rc->nfeatures] = feature(GC_FEAT_EVENTS, 3, 1, 2);
  rc->feature[rc->nfeatures++].event = GC_EV_TICKET;
  rc->feature[rc->nfeatures++] = feature(GC_FEAT_ALERTS, 2, 1, 0);   /* any rule */
  rc->feature[rc->nfeatures++] = feature(GC_FEAT_ACTIONS, 3, 1, 0);
  levels(rc, 1, 2, 3, 2);                                              /* alert at medium */
  compile(f);
  const uint32_t P = 800;
  join(f, P, DRUG);
  gc_population *pop = &f->city.pop;
  gc_obs ticket = ob(GC_OBS_TICKET, P, place(f, 0, GC_PLACE_STATION, 0), GC_PLACE_STATION, 1, 0, 480);
  gc_obs other_ticket = ticket;
  other_ticket.person = P + 1;                                         /* not watched: scores nothing */
  gc_obs scan = at(f, GC_OBS_ID_SCAN, P, place(f, 0, GC_PLACE_HOTEL, 0), 1300, 0);
  /* per day: tickets today, a hotel scan (a presence alert); expected level and score alert */
  static const struct { int tickets, scan, level, alert; } plan[] = {
    {0, 0, 0, 0},   /* 0 */
    {1, 0, 1, 0},   /* 1: one ticket: low */
    {2, 0, 2, 1},   /* 2: three tickets, capped at 2: medium, a rise */
    {0, 0, 2, 0},   /* 3: days 1..3 still hold 3 tickets: no rise, no alert */
    {0, 0, 2, 0},   /* 4: days 2..4: two tickets */
    {0, 0, 0, 0},   /* 5: none in days 3..5 */
    {1, 1, 1, 0},   /* 6: a ticket; today's presence alert does not count today */
    {0, 0, 2, 1},   /* 7: ticket (day 6) + alert (day 6): medium again, a rise */
    {0, 0, 2, 0},   /* 8: both still in their windows */
  };
  for (int d = 0; d < (int)N(plan); d++) {
    gc_obs obs[5];
    size_t n = 0;
    for (int k = 0; k < plan[d].tickets; k++) obs[n++] = ticket;
    if (plan[d].scan) obs[n++] = scan;
    obs[n++] = other_ticket;
    day(f, d, obs, n);
    assert_int_equal(pop->st.risk[P], plan[d].level);
    assert_int_equal(gc_test_alerted(&f->out, 1, P), plan[d].alert);
    assert_int_equal(gc_test_rule_alerts(&f->out, 1), (size_t)plan[d].alert);
    assert_int_equal(pop->st.risk[P + 1], 0);
  }
  day(f, 9, NULL, 0);                               /* ticket and alert have left their windows */
  assert_int_equal(pop->st.risk[P], 0);
  pop->st.last_action[P] = 10;                      /* police acted on P on day 9 (day + 1) */
  day(f, 10, NULL, 0);
  assert_int_equal(pop->st.risk[P], 1);            /* one action in days 7..9 */
  day(f, 11, NULL, 0);
  assert_int_equal(pop->st.risk[P], 1);            /* not counted twice */
  pop->st.last_action[P] = 12;                      /* and on day 11 */
  day(f, 12, NULL, 0);
  assert_int_equal(pop->st.risk[P], 2);            /* actions on days 9 and 11 */
  assert_int_equal(gc_test_alerted(&f->out, 1, P), 1);
  day(f, 13, NULL, 0);
  assert_int_equal(pop->st.risk[P], 1);            /* days 10..12: the action of day 11 */
  day(f, 15, NULL, 0);                              /* days 12..14: none (a day skipped) */
  assert_int_equal(pop->st.risk[P], 0);
  teardown(f);
}

/* Conditions, ties, relief ("nothing found"), selection, exemption, and
** risk as a selector of other rules (seen the next day). */
static void test_score_conditions_ties_relief(void **state) {
  (void)state;
  fixture *f = setup();
  gc_population *pop = &f->city.pop;
  /* P: a drug-list member with a household of 3+ and a friend outside the household */
  uint32_t P = GC_NONE, friend = GC_NONE;
  for (uint32_t i = 0; i < pop->n && P == GC_NONE; i++) {
    uint32_t h = pop->hh[i];
    if (pop->hh_start[h + 1] - pop->hh_start[h] < 3 || pop->partner[i] != GC_NONE) continue;
    for (uint64_t k = pop->tie_start[i]; k < pop->tie_start[i + 1]; k++)
      if (pop->hh[pop->tie_dst[k]] != h) { P = i; friend = pop->tie_dst[k]; break; }
  }
  assert_true(P != GC_NONE);
  const int grievance = 3;
  assert_string_equal(f->city.cfg.population.trait[grievance].name, "petition_grievance");
  gc_rule_cfg *rc = add_rule(f, GC_RULE_SCORE, DRUG);
  rc->feature[rc->nfeatures] = feature(GC_FEAT_COND, 0, 2, 0);
  rc->feature[rc->nfeatures++].cond = (gc_cond){GC_COND_TRAIT, (uint8_t)grievance, 1};
  rc->feature[rc->nfeatures] = feature(GC_FEAT_TIES, 0, 0.5, 3);
  rc->feature[rc->nfeatures++].cond = (gc_cond){GC_COND_LIST, PETITIONERS, 1};
  levels(rc, 1, 2.5, 3.5, 3);                                /* alert at high */
  gc_rule_cfg *pres = add_rule(f, GC_RULE_PRESENCE, EVERYONE);   /* watches risk >= high */
  pres->who.everyone = 0;
  pres->who.nall = 1;
  pres->who.all[0] = (gc_cond){GC_COND_RISK, 0, 3};
  pres->nwhere = 1;
  pres->where[0] = GC_PLACE_HOTEL;
  compile(f);
  uint32_t pick[2], np = 0;                                   /* Q, R: outside P's household and ties */
  for (uint32_t i = 900; np < 2; i++)
    if (pop->hh[i] != pop->hh[P] && i != friend) pick[np++] = i;
  const uint32_t Q = pick[0], R = pick[1];
  join(f, P, DRUG);
  join(f, R, DRUG);
  join(f, R, RED);
  pop->trait[grievance][P] = 1;
  pop->trait[grievance][Q] = 1;                              /* not selected */
  pop->trait[grievance][R] = 1;                              /* red-listed */
  pop->st.risk[Q] = 3;                                       /* stale: no score rule selects Q */
  uint32_t h = pop->hh[P], m = 0;
  for (uint32_t j = pop->hh_start[h]; j < pop->hh_start[h + 1]; j++)
    if (j != P && m < 2) { join(f, j, PETITIONERS); m++; }
  join(f, friend, PETITIONERS);
  /* ties: 2 household members + 1 friend = 3 => 1.5; score 3.5 = high */
  gc_obs scan = at(f, GC_OBS_ID_SCAN, P, place(f, 0, GC_PLACE_HOTEL, 0), 1300, 0);
  day(f, 0, &scan, 1);
  assert_int_equal(pop->st.risk[P], 3);
  assert_int_equal(gc_test_alerted(&f->out, 0, P), 1);
  assert_int_equal(gc_test_alerted(&f->out, 1, P), 0);                     /* rules saw yesterday's risk (0) */
  assert_int_equal(pop->st.risk[Q], 0);
  assert_int_equal(pop->st.risk[R], 0);
  assert_int_equal(gc_test_rule_alerts(&f->out, 0), 1);
  day(f, 1, &scan, 1);
  assert_int_equal(gc_test_alerted(&f->out, 0, P), 0);                     /* still high: no rise */
  assert_int_equal(gc_test_alerted(&f->out, 1, P), 1);                     /* risk >= high from day 0 */
  pop->st.risk_relief_until[P] = 4;                          /* nothing found: one lower until day 4 */
  for (int d = 2; d < 4; d++) {
    day(f, d, NULL, 0);
    assert_int_equal(pop->st.risk[P], 2);
    assert_int_equal(gc_test_rule_alerts(&f->out, 0), 0);
  }
  day(f, 4, NULL, 0);
  assert_int_equal(pop->st.risk[P], 3);
  assert_int_equal(gc_test_alerted(&f->out, 0, P), 1);                     /* a rise again */
  /* without the friend: 3.0 = medium; without the household members too: 2.0 = low */
  pop->st.lists[friend] = 0;
  day(f, 5, NULL, 0);
  assert_int_equal(pop->st.risk[P], 2);
  for (uint32_t j = pop->hh_start[h]; j < pop->hh_start[h + 1]; j++)
    if (j != P) pop->st.lists[j] = 0;
  day(f, 6, NULL, 0);
  assert_int_equal(pop->st.risk[P], 1);
  teardown(f);
}

/* A level that is not positive is never used; levels above alert_level alert too. */
static void test_score_jump_and_unused_level(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *rc = add_rule(f, GC_RULE_SCORE, EVERYONE);
  rc->feature[rc->nfeatures] = feature(GC_FEAT_EVENTS, 1, 1, 0);
  rc->feature[rc->nfeatures++].event = GC_EV_UNUSUAL;
  levels(rc, 0, 2, 4, 2);                                  /* low unused */
  compile(f);
  gc_population *pop = &f->city.pop;
  size_t nonzero = 0;
  gc_obs u = ob(GC_OBS_UNUSUAL, 50, 0, 0, GC_NONE, 0, 600);
  gc_obs four[] = {u, u, u, u};
  day(f, 0, four, 4);                                      /* 0 -> high: alert */
  for (uint32_t i = 0; i < pop->n; i++) nonzero += pop->st.risk[i] != 0;
  assert_int_equal(nonzero, 1);
  assert_int_equal(pop->st.risk[50], 3);
  assert_int_equal(gc_test_alerted(&f->out, 0, 50), 1);
  gc_obs two[] = {u, u};
  day(f, 1, two, 2);                                       /* falls to medium */
  assert_int_equal(pop->st.risk[50], 2);
  assert_int_equal(gc_test_rule_alerts(&f->out, 0), 0);
  day(f, 2, &u, 1);                                        /* 1 point: below medium, low unused */
  assert_int_equal(pop->st.risk[50], 0);
  day(f, 3, two, 2);                                       /* medium again: a rise to alert_level */
  assert_int_equal(gc_test_alerted(&f->out, 0, 50), 1);
  teardown(f);
}

/* The windowed counts against brute force.  A window keeps each day's
** persons delta-coded (1 to 3 bytes at these ids) and the (person, count)
** list merged in place; here everyone gets random tickets over days with
** gaps, from none to hundreds a day (repeats), densely or sparsely (long
** differences, persons far apart), and each person's level, at thresholds
** drawn per round, must be what the counts of the last W days give. */
static void test_score_window_counts_brute_force(void **state) {
  (void)state;
  static const char *const sets[] = {"population.size=40000"};
  enum { DAYS = 64 };
  gc_rng_key key = gc_rng_key_make(2026, 1123);
  for (int round = 0; round < 6; round++) {
    fixture *f = setup_with(sets, 1);
    gc_rule_cfg *rc = add_rule(f, GC_RULE_SCORE, EVERYONE);
    int window = 1 + 3 * round;
    rc->feature[rc->nfeatures] = feature(GC_FEAT_EVENTS, window, 1, 0);
    rc->feature[rc->nfeatures++].event = GC_EV_TICKET;
    philox4x32_ctr_t t = gc_rng4(key, (uint32_t)round, 0, 0);
    int t1 = 1 + (int)(t.v[0] % 3), t2 = t1 + 1 + (int)(t.v[1] % 8), t3 = t2 + 1 + (int)(t.v[2] % 300);
    levels(rc, t1, t2, t3, 3);
    compile(f);
    gc_population *pop = &f->city.pop;
    uint32_t n = pop->n;
    assert_true(n >= 40000);
    uint16_t *got = calloc((size_t)n * DAYS, sizeof *got);   /* tickets per person and day */
    gc_obs *obs = NULL;
    size_t cap = 0;
    double p = round % 2 ? 0.0005 : 0.4;                      /* sparse or dense */
    static const uint32_t far[] = {0, 1, 16383, 16384, 16385, 39999};
    gc_obs ticket = ob(GC_OBS_TICKET, 0, place(f, 0, GC_PLACE_STATION, 0), GC_PLACE_STATION, 1, 0, 480);
    for (int d = 0, step = 0; step < 30; step++) {
      d += 1 + (gc_rng4(key, (uint32_t)round, 1, (uint32_t)step).v[0] % 4 == 0);   /* a day skipped now and then */
      assert_true(d < DAYS);
      size_t m = 0;
      for (uint32_t i = 0; i < n; i++) {
        philox4x32_ctr_t r = gc_rng4(key, (uint32_t)round, 2 + (uint32_t)d, i);
        int k = gc_u01(r.v[0]) < p ? 1 + (int)(r.v[1] % 3) : 0;
        if (i % 4999 == (uint32_t)round) k = (int)(r.v[2] % 400);          /* heavy: many repeats */
        for (size_t q = 0; q < sizeof far / sizeof *far; q++)
          if (i == far[q] && r.v[3] % 2) k += 1;
        if (m + (size_t)k > cap) {
          cap = 2 * (m + (size_t)k) + 1024;
          obs = realloc(obs, cap * sizeof *obs);
          assert_non_null(obs);
        }
        got[(size_t)i * DAYS + (size_t)d] = (uint16_t)k;
        for (int j = 0; j < k; j++) {
          obs[m] = ticket;
          obs[m].person = obs[m].agent = i;
          m++;
        }
      }
      for (size_t a = m; a > 1; a--) {                         /* in no particular order */
        size_t b = gc_rng4(key, (uint32_t)round, 100, (uint32_t)a).v[0] % a;
        gc_obs x = obs[a - 1];
        obs[a - 1] = obs[b];
        obs[b] = x;
      }
      day(f, d, obs, m);
      for (uint32_t i = 0; i < n; i++) {
        int c = 0;
        for (int e = d - window + 1; e <= d; e++) c += e >= 0 ? got[(size_t)i * DAYS + (size_t)e] : 0;
        int want = c >= t3 ? 3 : c >= t2 ? 2 : c >= t1 ? 1 : 0;
        if (pop->st.risk[i] != want)
          fail_msg("round %d day %d person %u: %d tickets in %d days, level %d, want %d", round, d, i, c, window,
                   pop->st.risk[i], want);
      }
    }
    free(obs);
    free(got);
    teardown(f);
  }
}

/* st.risk is the highest level any score rule gives; each rule alerts on its own level. */
static void test_score_two_rules_take_max(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *a = add_rule(f, GC_RULE_SCORE, EVERYONE);
  a->feature[a->nfeatures] = feature(GC_FEAT_EVENTS, 1, 1, 0);
  a->feature[a->nfeatures++].event = GC_EV_PAYMENT;
  levels(a, 1, 2, 3, 3);
  gc_rule_cfg *b = add_rule(f, GC_RULE_SCORE, DRUG);
  b->feature[b->nfeatures] = feature(GC_FEAT_EVENTS, 1, 1, 0);
  b->feature[b->nfeatures++].event = GC_EV_PAYMENT;
  levels(b, 3, 4, 5, 3);
  compile(f);
  join(f, 61, DRUG);
  uint32_t shop = place(f, 0, GC_PLACE_SHOP, 0);
  gc_obs obs[] = {at(f, GC_OBS_PAYMENT, 60, shop, 600, 0), at(f, GC_OBS_PAYMENT, 60, shop, 610, 0),
                  at(f, GC_OBS_PAYMENT, 61, shop, 600, 0), at(f, GC_OBS_PAYMENT, 61, shop, 610, 0),
                  at(f, GC_OBS_PAYMENT, 61, shop, 620, 0)};
  day(f, 0, obs, N(obs));
  assert_int_equal(f->city.pop.st.risk[60], 2);           /* rule a only */
  assert_int_equal(f->city.pop.st.risk[61], 3);           /* a: high (3), b: low (1): max */
  assert_int_equal(gc_test_alerted(&f->out, 0, 61), 1);
  assert_int_equal(gc_test_alerted(&f->out, 1, 61), 0);
  teardown(f);
}

/* ---------------------------------------------------------------- describe */

static void test_describe(void **state) {
  (void)state;
  fixture *f = setup();
  gc_rule_cfg *sc = add_rule(f, GC_RULE_SCORE, EVERYONE);
  sc->who.everyone = 0;
  sc->who.nany = 2;
  sc->who.any[0] = (gc_cond){GC_COND_TRUST, 0, 2};
  sc->who.any[1] = (gc_cond){GC_COND_RISK, 0, 3};
  sc->feature[sc->nfeatures] = feature(GC_FEAT_COND, 0, 2, 0);
  sc->feature[sc->nfeatures++].cond = (gc_cond){GC_COND_TRAIT, 3, 1};
  sc->feature[sc->nfeatures] = feature(GC_FEAT_EVENTS, 30, 1, 3);
  sc->feature[sc->nfeatures++].event = GC_EV_TICKET;
  sc->feature[sc->nfeatures++] = feature(GC_FEAT_ALERTS, 30, 1, 0);
  sc->feature[sc->nfeatures++] = feature(GC_FEAT_ACTIONS, 90, 1, 0);
  sc->feature[sc->nfeatures] = feature(GC_FEAT_TIES, 0, 0.5, 4);
  sc->feature[sc->nfeatures++].cond = (gc_cond){GC_COND_LIST, PETITIONERS, 1};
  levels(sc, 2, 4, 6, 3);
  gc_rule_cfg *pr = add_rule(f, GC_RULE_PRESENCE, EVERYONE);
  pr->nwhere = 1;
  pr->where[0] = GC_PLACE_SCHOOL;
  pr->radius_m = 200;
  gc_rule_cfg *fr = add_rule(f, GC_RULE_FREQUENCY, EVERYONE);
  fr->event = GC_EV_COMPANION;
  fr->distinct = 1;
  fr->min_count = 5;
  fr->window_days = 30;
  add_rule(f, GC_RULE_MOVEMENT, PETITIONERS)->destination = GC_DEST_CAPITAL;
  gc_rule_cfg *ab = add_rule(f, GC_RULE_ABSENCE, EVERYONE);
  ab->signal = GC_SIGNAL_PARTNER;
  ab->days = 30;
  gc_rule_cfg *dw = add_rule(f, GC_RULE_DWELL, EVERYONE);
  dw->nwhere = 1;
  dw->where[0] = GC_PLACE_STATION;
  dw->min_minutes = 180;
  static const char *const want[][3] = {
    {"trust=distrusted or risk>=high", "0.5 per tie to petitioners (at most 4)", "rises to high"},
    {"within 200 m of a school", "everyone", ""},
    {"5 or more different companions within 30 days", "", ""},
    {"petitioners buys a railway ticket to the capital", "", ""},
    {"partner", "30 days", ""},
    {"at a station for 180 minutes or more in one stay", "", ""},
  };
  char buf[1024];
  for (int i = 0; i < f->city.cfg.nrules; i++) {
    gc_rules_describe(&f->city.cfg, i, buf, sizeof buf);
    for (int k = 0; k < 3; k++)
      if (!strstr(buf, want[i][k])) fail_msg("rule %d: '%s' lacks '%s'", i, buf, want[i][k]);
  }
  gc_rules_describe(&f->city.cfg, 0, buf, sizeof buf);
  assert_non_null(strstr(buf, "2 if petition_grievance"));
  assert_non_null(strstr(buf, "1 per ticket record in 30 days (at most 3)"));
  assert_non_null(strstr(buf, "risk low at 2, medium at 4, high at 6"));
  teardown(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_presence_located_observations),
    cmocka_unit_test(test_copresence_sightings),
    cmocka_unit_test(test_presence_radius_matches_brute_force),
    cmocka_unit_test(test_presence_radius_boundary),
    cmocka_unit_test(test_frequency_new_event_kinds),
    cmocka_unit_test(test_frequency_distinct_companions),
    cmocka_unit_test(test_movement),
    cmocka_unit_test(test_absence_phone),
    cmocka_unit_test(test_absence_off_grid),
    cmocka_unit_test(test_absence_partner),
    cmocka_unit_test(test_absence_payments),
    cmocka_unit_test(test_absence_phone_closed_form),
    cmocka_unit_test(test_dwell_one_stay),
    cmocka_unit_test(test_dwell_window_total),
    cmocka_unit_test(test_score_history_features),
    cmocka_unit_test(test_score_conditions_ties_relief),
    cmocka_unit_test(test_score_jump_and_unused_level),
    cmocka_unit_test(test_score_two_rules_take_max),
    cmocka_unit_test(test_score_window_counts_brute_force),
    cmocka_unit_test(test_describe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
