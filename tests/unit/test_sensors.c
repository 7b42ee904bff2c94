/*
** test_sensors.c — the sensor kinds of issue 3 on hand-built event streams
** over the test city (tests/data/small.yaml, new configuration fields set
** in C), relationship inference on hand-built scans, and equipment
** placement.  Statistical checks compare counts with their binomial
** expectation: |observed - n p| <= 4.5 sqrt(n p (1 - p)).
*/
#include <math.h>
#include "gc_test.h"
#include "gc_activity.h"
#include "gc_response.h"
#include "gc_sensors.h"
#include "sensors/gc_sensor_kind.h"

typedef struct fixture {
  gc_test_city city;                /* first: f->city.cfg etc. are its fields */
  gc_sensors *sensors;
  gc_event *ev;
  size_t nev, cap;
  gc_obs_buf ob;
  gc_sensor_ctx ctx;
} fixture;

typedef void (*tweak_fn)(gc_config *cfg);

/* The test city, with tweak applied to the configuration before the world
** and the population are built. */
static fixture *setup(tweak_fn tweak) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  gc_test_load("small.yaml", NULL, 0, &f->city.cfg);
  if (tweak) tweak(&f->city.cfg);
  assert_int_equal(gc_world_build(&f->city.w, &f->city.cfg), 0);
  assert_int_equal(gc_population_build(&f->city.pop, &f->city.cfg, &f->city.w), 0);
  gc_response_init_lists(&f->city.cfg, &f->city.pop);
  /* Hand-built streams decide who lives where: nobody is a compound's resident
  ** unless a test says so. */
  for (uint32_t h = 0; h < f->city.pop.nhh; h++) f->city.pop.hh_compound[h] = GC_NONE;
  return f;
}

static void teardown(fixture *f) {
  gc_sensors_free(f->sensors);
  gc_obs_buf_free(&f->ob);
  free(f->ev);
  gc_test_city_free(&f->city);
  free(f);
}

static void add(fixture *f, gc_event e) {
  if (f->nev == f->cap) {
    f->cap = f->cap ? 2 * f->cap : 1024;
    f->ev = realloc(f->ev, f->cap * sizeof *f->ev);
    assert_non_null(f->ev);
  }
  f->ev[f->nev++] = e;
}

static gc_event stay(uint32_t agent, uint32_t place, int start, int end, int seq, int flags, uint32_t other) {
  gc_event e = {agent, place, other, 0, (uint16_t)start, (uint16_t)end, (uint16_t)seq, GC_TE_STAY, (uint8_t)flags};
  return e;
}

static gc_event event(int kind, uint32_t agent, uint32_t place, int seq, int flags, uint32_t other) {
  gc_event e = {agent, place, other, 0, 600, 600, (uint16_t)seq, (uint8_t)kind, (uint8_t)flags};
  return e;
}

/* Sensor state (after lists and any population edits), context for `day`,
** then observe f->ev into a cleared f->ob. */
static void observe(fixture *f, const uint8_t *patrolled, int day) {
  if (!f->sensors) {
    f->sensors = gc_sensors_new(&f->city.cfg, &f->city.w, &f->city.pop);
    assert_non_null(f->sensors);
  }
  gc_sensor_ctx_init(&f->ctx, &f->city.cfg, &f->city.w, &f->city.pop, f->sensors, patrolled, day);
  f->ob.n = 0;
  f->ob.identity_errors = 0;
  memset(f->ob.by_kind, 0, sizeof f->ob.by_kind);
  gc_sensors_observe(&f->ctx, f->ev, f->nev, &f->ob);
  assert_false(f->ob.oom);
}

static void binomial(double observed, double n, double p, const char *what) {
  double sd = sqrt(n * p * (1 - p)), mean = n * p;
  if (fabs(observed - mean) > 4.5 * sd + 1e-9)
    fail_msg("%s: observed %.0f, expected %.1f +- 4.5 x %.2f", what, observed, mean, sd);
}

static uint32_t first_place(const fixture *f, int type) {
  assert_true(gc_world_count(&f->city.w, 0, type) > 0);
  return f->city.w.range[0][type];
}

static uint64_t count_kind(const fixture *f, int kind) {
  uint64_t n = 0;
  for (size_t k = 0; k < f->ob.n; k++) n += f->ob.obs[k].kind == kind;
  return n;
}

/* ---- equipment placement ---- */

static void big_world(gc_config *c) {
  c->population.size = 200000;
  c->world.places_per_1000[GC_PLACE_COMPOUND] = 1.5;
}

static void equipped(gc_config *c) {
  big_world(c);
  gc_sensor_cfg *s = &c->sensors;
  s->cctv.coverage[GC_PLACE_SHOP] = 0.3;
  s->cctv.coverage[GC_PLACE_SCHOOL] = 0.5;
  s->cctv.infrared = 0.3;
  s->wifi_coverage[GC_PLACE_LEISURE] = 0.2;
  s->wifi_coverage[GC_PLACE_STATION] = 0.5;
  s->plate_coverage[GC_PLACE_CHECKPOINT] = 1.0;
  s->compound_coverage = 0.6;
}

/* Equipment shares by place type follow the coverages; places and ID
** scanners are where they were without any equipment. */
static void test_equipment_coverage(void **state) {
  (void)state;
  gc_config cfg;
  gc_test_load("small.yaml", NULL, 0, &cfg);
  big_world(&cfg);
  gc_world bare, w;
  assert_int_equal(gc_world_build(&bare, &cfg), 0);
  equipped(&cfg);
  assert_int_equal(gc_world_build(&w, &cfg), 0);
  assert_int_equal(w.nplaces, bare.nplaces);
  assert_memory_equal(w.x, bare.x, w.nplaces * sizeof *w.x);
  assert_memory_equal(w.scanner, bare.scanner, w.nplaces);
  for (uint32_t p = 0; p < bare.nplaces; p++) assert_int_equal(bare.equip[p], 0);
  const gc_sensor_cfg *s = &cfg.sensors;
  uint64_t cams_all = 0, infrared = 0;
  for (int t = 0; t < GC_PLACE_NTYPES; t++) {
    uint64_t n = 0, cam = 0, wifi = 0, plate = 0, visitor = 0;
    for (uint32_t p = 0; p < w.nplaces; p++) {
      if (w.type[p] != t) continue;
      n++;
      cam += (w.equip[p] & GC_EQ_CAMERA) != 0;
      infrared += (w.equip[p] & GC_EQ_INFRARED) != 0;
      assert_false((w.equip[p] & GC_EQ_INFRARED) && !(w.equip[p] & GC_EQ_CAMERA));
      wifi += (w.equip[p] & GC_EQ_WIFI) != 0;
      plate += (w.equip[p] & GC_EQ_PLATE) != 0;
      visitor += (w.equip[p] & GC_EQ_VISITOR) != 0;
    }
    cams_all += cam;
    binomial((double)cam, (double)n, s->cctv.coverage[t], "cameras");
    binomial((double)wifi, (double)n, s->wifi_coverage[t], "wifi sniffers");
    binomial((double)plate, (double)n, s->plate_coverage[t], "plate readers");
    binomial((double)visitor, (double)n, t == GC_PLACE_COMPOUND ? s->compound_coverage : 0, "visitor systems");
    if (t == GC_PLACE_COMPOUND) assert_true(n >= 200);
  }
  assert_true(cams_all > 100);
  binomial((double)infrared, (double)cams_all, s->cctv.infrared, "infrared among cameras");
  gc_world_free(&w);
  gc_world_free(&bare);
}

/* ---- CCTV ---- */

static void cctv_on(gc_config *c) {
  c->sensors.cctv.coverage[GC_PLACE_SHOP] = 1e-12;     /* switched on; cameras set by hand */
  c->sensors.cctv.miss = 0.1;
  c->sensors.cctv.false_match = 0.05;
  c->sensors.cctv.night_factor = 0.4;
}

/* Matches ~ Binomial(stays, 1 - miss) by day, times night_factor at night
** without infrared; false matches ~ Binomial(matches, false_match). */
static void test_cctv_miss_night_false_match(void **state) {
  (void)state;
  fixture *f = setup(cctv_on);
  uint32_t plain = first_place(f, GC_PLACE_SHOP), ir = plain + 1;
  f->city.w.equip[plain] = GC_EQ_CAMERA;
  f->city.w.equip[ir] = GC_EQ_CAMERA | GC_EQ_INFRARED;
  uint32_t n = f->city.pop.n;
  for (uint32_t i = 0; i < n; i++) {
    add(f, stay(i, plain, 600, 645, 0, 0, GC_NONE));       /* day */
    add(f, stay(i, plain, 1300, 1400, 1, 0, GC_NONE));     /* night, no infrared */
    add(f, stay(i, ir, 1300, 1400, 2, 0, GC_NONE));        /* night, infrared */
    add(f, stay(i, ir, 300, 400, 3, 0, GC_NONE));          /* night (before 06:00), infrared */
  }
  observe(f, NULL, 4);
  uint64_t day = 0, night = 0, night_ir = 0, matched = 0, falsem = 0;
  for (size_t k = 0; k < f->ob.n; k++) {
    const gc_obs *o = &f->ob.obs[k];
    assert_int_equal(o->kind, GC_OBS_SIGHTING);
    assert_int_equal(o->sub, GC_PLACE_SHOP);
    matched++;
    if (o->flags & GC_OBSF_FALSE_MATCH) {
      falsem++;
      assert_int_not_equal(o->person, o->agent);
    } else {
      assert_int_equal(o->person, o->agent);
    }
    if (o->where == plain && o->time == 600) { day++; assert_true(o->value == 45.0f); }
    else if (o->where == plain) { night++; assert_true(o->value == 100.0f); }
    else night_ir++;
  }
  binomial((double)day, n, 0.9, "day matches");
  binomial((double)night, n, 0.9 * 0.4, "night matches without infrared");
  binomial((double)night_ir, 2.0 * n, 0.9, "night matches with infrared");
  binomial((double)falsem, (double)matched, 0.05, "false matches");
  assert_int_equal(f->ob.identity_errors, falsem);
  teardown(f);
}

static void home_cams(gc_config *c) {
  c->sensors.cctv.homes_list = 0;        /* drug_users */
  c->sensors.cctv.homes_count = 9;       /* Zhouning */
}

/* Exactly homes_count households, each with a listed member, chosen the
** same way every time; -1 means every such household. */
static void test_home_cameras_count(void **state) {
  (void)state;
  fixture *f = setup(home_cams);
  const gc_population *p = &f->city.pop;
  gc_sensors *a = gc_sensors_new(&f->city.cfg, &f->city.w, p), *b = gc_sensors_new(&f->city.cfg, &f->city.w, p);
  assert_non_null(a);
  assert_non_null(b);
  uint32_t cams = 0, eligible = 0;
  for (uint32_t h = 0; h < p->nhh; h++) {
    int listed = 0;
    for (uint32_t i = p->hh_start[h]; i < p->hh_start[h + 1]; i++) listed |= p->st.lists[i] & 1;
    eligible += (uint32_t)listed;
    assert_int_equal(a->home_cam[h], b->home_cam[h]);
    if (!a->home_cam[h]) continue;
    cams++;
    assert_true(listed);
  }
  assert_int_equal(cams, 9);
  assert_int_equal(a->nhome_cams, 9);
  assert_true(eligible > 100);
  gc_sensors_free(a);
  gc_sensors_free(b);
  f->city.cfg.sensors.cctv.homes_count = -1;
  a = gc_sensors_new(&f->city.cfg, &f->city.w, p);
  assert_non_null(a);
  assert_int_equal(a->nhome_cams, eligible);
  gc_sensors_free(a);
  teardown(f);
}

/* A resident of a household with a home camera who goes out is seen once a
** day at home (miss 0); nobody else is. */
static void test_home_sightings(void **state) {
  (void)state;
  fixture *f = setup(home_cams);
  f->city.cfg.sensors.cctv.night_factor = 1;
  f->sensors = gc_sensors_new(&f->city.cfg, &f->city.w, &f->city.pop);
  assert_non_null(f->sensors);
  const gc_population *p = &f->city.pop;
  uint32_t shop = first_place(f, GC_PLACE_SHOP), expected = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    if (i % 3 == 0) {                                   /* stays home all day */
      add(f, event(GC_TE_CALL_NEW, i, 0, 0, 0, GC_NONE));
      continue;
    }
    add(f, event(GC_TE_CALL_NEW, i, 0, 0, 0, GC_NONE));
    add(f, stay(i, shop, 500, 530, 1, 0, GC_NONE));
    add(f, stay(i, shop, 700, 730, 2, 0, GC_NONE));
    expected += f->sensors->home_cam[p->hh[i]] != 0;
  }
  f->city.cfg.sensors.phone_coverage = 0;
  observe(f, NULL, 0);
  assert_true(expected > 0);
  assert_int_equal(f->ob.n, expected);
  for (size_t k = 0; k < f->ob.n; k++) {
    const gc_obs *o = &f->ob.obs[k];
    assert_int_equal(o->kind, GC_OBS_SIGHTING);
    assert_int_equal(o->flags, GC_OBSF_HOME);
    assert_int_equal(o->sub, GC_PLACE_HOME);
    assert_int_equal(o->where, p->hh[o->agent]);
    assert_int_equal(o->person, o->agent);
    assert_int_equal(o->time, 500);
  }
  teardown(f);
}

/* ---- wifi ---- */

static void wifi_on(gc_config *c) {
  c->sensors.wifi_coverage[GC_PLACE_LEISURE] = 1e-12;
  c->sensors.wifi_detection = 1;
}

/* With detection 1, the share of logs under a wrong identity is exactly
** the share of (present, switched-on) phones not registered to their user;
** switched-off phones and people without a phone are never logged. */
static void test_wifi_identity(void **state) {
  (void)state;
  fixture *f = setup(wifi_on);
  gc_population *p = &f->city.pop;
  uint32_t place = first_place(f, GC_PLACE_LEISURE);
  f->city.w.equip[place] = GC_EQ_WIFI;
  uint64_t carried = 0, foreign = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    switch (i % 10) {
    case 0: p->phone_reg[i] = (i + 7) % p->n; break;        /* a relative's or second-hand */
    case 1: p->phone_reg[i] = GC_NONE; break;
    default: p->phone_reg[i] = i;
    }
    add(f, stay(i, place, 1100, 1200, 0, 0, GC_NONE));
    if (i % 10 == 2) add(f, event(GC_TE_PHONE_OFF, i, 0, 1, 0, GC_NONE));
    else if (i % 10 != 1) {
      carried++;
      foreign += i % 10 == 0;
    }
  }
  f->city.cfg.sensors.phone_coverage = 0;
  observe(f, NULL, 1);
  assert_int_equal(f->ob.by_kind[GC_OBS_WIFI], carried);
  uint64_t wrong = 0;
  for (size_t k = 0; k < f->ob.n; k++) {
    const gc_obs *o = &f->ob.obs[k];
    assert_int_equal(o->person, p->phone_reg[o->agent]);
    assert_int_not_equal(o->agent % 10, 1);
    assert_int_not_equal(o->agent % 10, 2);
    wrong += o->person != o->agent;
  }
  assert_int_equal(wrong, foreign);
  assert_int_equal(f->ob.identity_errors, foreign);
  f->city.cfg.sensors.wifi_detection = 0.8;
  observe(f, NULL, 1);
  binomial((double)f->ob.by_kind[GC_OBS_WIFI], (double)carried, 0.8, "wifi detection");
  teardown(f);
}

/* ---- plates and vehicle mismatch ---- */

static void plates_on(gc_config *c) {
  c->sensors.plate_coverage[GC_PLACE_CHECKPOINT] = 1e-12;
  c->sensors.cctv.coverage[GC_PLACE_CHECKPOINT] = 1e-12;
  c->sensors.plate_detection = 0.95;
  c->sensors.plate_misread = 0.02;
  c->sensors.cctv.miss = 0.3;
}

/* Reads ~ Binomial(car stays, detection); misreads ~ Binomial(reads,
** misread), each naming another registered owner; stays on foot give none. */
static void test_plate_reads_and_misreads(void **state) {
  (void)state;
  fixture *f = setup(plates_on);
  gc_population *p = &f->city.pop;
  for (uint32_t i = 0; i < p->n; i += 3) p->vehicle_reg[i] = i;
  uint32_t cp = first_place(f, GC_PLACE_CHECKPOINT);
  f->city.w.equip[cp] = GC_EQ_PLATE;
  f->city.w.scanner[cp] = 0;
  uint64_t cars = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    int own = p->vehicle_reg[i] != GC_NONE;
    add(f, stay(i, cp, 600, 630, 0, own ? GC_EVF_CAR : 0, own ? i : GC_NONE));
    cars += (uint64_t)own;
  }
  observe(f, NULL, 2);
  uint64_t reads = 0, misreads = 0;
  for (size_t k = 0; k < f->ob.n; k++) {
    const gc_obs *o = &f->ob.obs[k];
    assert_int_equal(o->kind, GC_OBS_PLATE);
    reads++;
    assert_int_not_equal(p->vehicle_reg[o->person], GC_NONE);   /* always a registered owner */
    if (o->flags & GC_OBSF_FALSE_MATCH) {
      misreads++;
      assert_int_not_equal(o->person, o->agent);
    } else {
      assert_int_equal(o->person, o->agent);
    }
  }
  binomial((double)reads, (double)cars, 0.95, "plate reads");
  binomial((double)misreads, (double)reads, 0.02, "plate misreads");
  teardown(f);
}

/* With a camera and a reader at one place (no misreads, no false matches),
** a VEHICLE_MISMATCH fires exactly for the borrowed vehicles whose driver's
** face was matched, naming the driver and the owner. */
static void test_vehicle_mismatch(void **state) {
  (void)state;
  fixture *f = setup(plates_on);
  f->city.cfg.sensors.plate_misread = 0;
  f->city.cfg.sensors.plate_detection = 1;
  gc_population *p = &f->city.pop;
  for (uint32_t i = 0; i < p->n; i += 2) p->vehicle_reg[i] = i;
  uint32_t cp = first_place(f, GC_PLACE_CHECKPOINT);
  f->city.w.equip[cp] = GC_EQ_PLATE | GC_EQ_CAMERA;
  f->city.w.scanner[cp] = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    if (i % 4 == 0) add(f, stay(i, cp, 600, 630, 0, GC_EVF_CAR, i));                         /* own car */
    else if (i % 4 == 1) add(f, stay(i, cp, 600, 630, 0, GC_EVF_CAR | GC_EVF_BORROWED, i - 1)); /* borrowed */
    else add(f, stay(i, cp, 600, 630, 0, 0, GC_NONE));                                       /* on foot */
  }
  observe(f, NULL, 3);
  uint8_t *seen = calloc(p->n, 1), *mism = calloc(p->n, 1);
  assert_non_null(seen);
  assert_non_null(mism);
  uint64_t nm = 0;
  for (size_t k = 0; k < f->ob.n; k++) {
    const gc_obs *o = &f->ob.obs[k];
    if (o->kind == GC_OBS_SIGHTING) seen[o->agent] = 1;
    if (o->kind != GC_OBS_VEHICLE_MISMATCH) continue;
    nm++;
    mism[o->agent] = 1;
    assert_int_equal(o->person, o->agent);
    assert_int_equal(o->other, o->agent - 1);
  }
  uint64_t borrowed_seen = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    assert_int_equal(mism[i], i % 4 == 1 && seen[i]);
    borrowed_seen += i % 4 == 1 && seen[i];
  }
  assert_int_equal(nm, borrowed_seen);
  binomial((double)borrowed_seen, p->n / 4.0, 0.7, "faces matched in borrowed vehicles");
  free(seen);
  free(mism);
  teardown(f);
}

/* ---- compound visitor systems ---- */

static void compounds(gc_config *c) {
  c->world.places_per_1000[GC_PLACE_COMPOUND] = 1.5;
  c->sensors.compound_coverage = 1e-12;
  c->sensors.companion_recorded = 0.7;
}

/* Each entry is recorded; companions ~ Binomial(companions, recorded);
** an entry's value is its recorded companions; a resident's own compound
** and compounds without a system record nothing. */
static void test_compound_companions(void **state) {
  (void)state;
  fixture *f = setup(compounds);
  gc_population *p = &f->city.pop;
  uint32_t c0 = first_place(f, GC_PLACE_COMPOUND), c1 = c0 + 1, c2 = c0 + 2;
  f->city.w.equip[c0] = f->city.w.equip[c1] = GC_EQ_VISITOR;
  p->hh_compound[p->hh[0]] = c0;
  uint64_t companions = 0, entries = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    uint32_t where = i % 5 == 4 ? c2 : c0;
    add(f, stay(i, where, 900, 960, 0, 0, GC_NONE));
    int k = (int)(i % 4);
    for (int j = 0; j < k; j++) add(f, event(GC_TE_COMPANION, i, where, 1 + j, 0, (i + 1 + (uint32_t)j) % p->n));
    if (where == c0 && p->hh[i] != p->hh[0]) { entries++; companions += (uint64_t)k; }
  }
  observe(f, NULL, 5);
  assert_int_equal(count_kind(f, GC_OBS_COMPOUND_ENTRY), entries);
  uint64_t recorded = count_kind(f, GC_OBS_COMPANION);
  binomial((double)recorded, (double)companions, 0.7, "companions recorded");
  double sum = 0;
  for (size_t k = 0; k < f->ob.n; k++) {
    const gc_obs *o = &f->ob.obs[k];
    assert_int_equal(o->where, c0);
    assert_int_not_equal(p->hh[o->agent], p->hh[0]);              /* residents come home */
    if (o->kind == GC_OBS_COMPOUND_ENTRY) {
      sum += o->value;
      uint32_t n = 0;
      for (size_t j = k + 1; j < f->ob.n && f->ob.obs[j].kind == GC_OBS_COMPANION; j++) {
        assert_int_equal(f->ob.obs[j].person, o->person);
        n++;
      }
      assert_true(o->value == (float)n);
    }
  }
  assert_true(sum == (double)recorded);
  teardown(f);
}

/* Two entries into one compound in a day: each companion goes with the
** entry it followed, once. */
static void test_companions_belong_to_their_entry(void **state) {
  (void)state;
  fixture *f = setup(compounds);
  f->city.cfg.sensors.companion_recorded = 1;
  uint32_t c0 = first_place(f, GC_PLACE_COMPOUND);
  f->city.w.equip[c0] = GC_EQ_VISITOR;
  add(f, stay(5, c0, 600, 620, 0, 0, GC_NONE));
  add(f, event(GC_TE_COMPANION, 5, c0, 1, 0, 100));
  add(f, stay(5, c0, 900, 920, 2, 0, GC_NONE));
  add(f, event(GC_TE_COMPANION, 5, c0, 3, 0, 101));
  add(f, event(GC_TE_COMPANION, 5, c0, 4, 0, 102));
  observe(f, NULL, 0);
  assert_int_equal(f->ob.n, 5);
  assert_int_equal(f->ob.obs[0].kind, GC_OBS_COMPOUND_ENTRY);
  assert_true(f->ob.obs[0].value == 1.0f);
  assert_int_equal(f->ob.obs[1].other, 100);
  assert_int_equal(f->ob.obs[2].kind, GC_OBS_COMPOUND_ENTRY);
  assert_true(f->ob.obs[2].value == 2.0f);
  assert_int_equal(f->ob.obs[3].other, 101);
  assert_int_equal(f->ob.obs[4].other, 102);
  teardown(f);
}

/* ---- railway, payments, cash, linkage ---- */

static void records_on(gc_config *c) {
  c->sensors.railway_coverage = 1;
  c->sensors.payment_coverage = 1;
  c->sensors.purchase_coverage = 1;
}

/* Every ticket is recorded at coverage 1; a decoy also gives a no-show;
** at coverage 0.6 tickets ~ Binomial(tickets, 0.6). */
static void test_tickets_and_decoys(void **state) {
  (void)state;
  fixture *f = setup(records_on);
  uint32_t st = first_place(f, GC_PLACE_STATION), n = f->city.pop.n, decoys = 0;
  for (uint32_t i = 0; i < n; i++) {
    int decoy = i % 7 == 0;
    add(f, event(GC_TE_TICKET, i, st, 0, decoy ? GC_EVF_DECOY : 0, decoy ? 2 : 3));
    decoys += (uint32_t)decoy;
  }
  observe(f, NULL, 0);
  assert_int_equal(f->ob.by_kind[GC_OBS_TICKET], n);
  assert_int_equal(f->ob.by_kind[GC_OBS_TICKET_NO_SHOW], decoys);
  for (size_t k = 0; k < f->ob.n; k++) {
    const gc_obs *o = &f->ob.obs[k];
    assert_int_equal(o->person, o->agent);
    assert_int_equal(o->where, st);
    assert_int_equal(o->other, o->kind == GC_OBS_TICKET_NO_SHOW || o->agent % 7 == 0 ? 2 : 3);
    if (o->kind == GC_OBS_TICKET_NO_SHOW) assert_int_equal(o->agent % 7, 0);
  }
  f->city.cfg.sensors.railway_coverage = 0.6;
  observe(f, NULL, 0);
  binomial((double)f->ob.by_kind[GC_OBS_TICKET], n, 0.6, "tickets recorded");
  teardown(f);
}

/* Paying cash leaves no payment and no ID-linked purchase. */
static void test_cash_leaves_no_record(void **state) {
  (void)state;
  fixture *f = setup(records_on);
  uint32_t shop = first_place(f, GC_PLACE_SHOP), leisure = first_place(f, GC_PLACE_LEISURE);
  for (uint32_t i = 0; i < 1000; i++) {
    int cash = i % 2 ? GC_EVF_CASH : 0;
    add(f, stay(i, shop, 600, 620, 0, cash, GC_NONE));
    add(f, stay(i, leisure, 1100, 1200, 1, 0, GC_NONE));     /* not a shop: no payment */
    gc_event e = event(GC_TE_PURCHASE, i, 0, 2, cash, GC_NONE);
    e.qty = 5;
    add(f, e);
  }
  observe(f, NULL, 0);
  assert_int_equal(f->ob.by_kind[GC_OBS_PAYMENT], 500);
  assert_int_equal(f->ob.by_kind[GC_OBS_PURCHASE], 500);
  for (size_t k = 0; k < f->ob.n; k++) {
    const gc_obs *o = &f->ob.obs[k];
    if (o->kind != GC_OBS_PAYMENT && o->kind != GC_OBS_PURCHASE) continue;
    assert_int_equal(o->agent % 2, 0);
    if (o->kind == GC_OBS_PAYMENT) assert_int_equal(o->where, shop);
  }
  teardown(f);
}

/* Records linked by ID go to a wrong person ~ Binomial(records,
** linkage_error), flagged and counted as identity errors; ID scans are not
** linked from another database and are untouched. */
static void test_linkage_errors(void **state) {
  (void)state;
  fixture *f = setup(records_on);
  f->city.cfg.sensors.linkage_error = 0.1;
  f->city.cfg.sensors.compound_coverage = 1e-12;
  uint32_t shop = first_place(f, GC_PLACE_SHOP), st = first_place(f, GC_PLACE_STATION);
  uint32_t hotel = first_place(f, GC_PLACE_HOTEL);
  f->city.w.scanner[hotel] = 1;
  f->city.cfg.sensors.id_detection[GC_PLACE_HOTEL] = 1;
  for (uint32_t i = 0; i < f->city.pop.n; i++) {
    add(f, stay(i, shop, 600, 620, 0, 0, GC_NONE));
    add(f, event(GC_TE_TICKET, i, st, 1, 0, 1));
    gc_event e = event(GC_TE_PURCHASE, i, 0, 2, 0, GC_NONE);
    add(f, e);
    add(f, stay(i, hotel, 1300, 1900, 3, 0, GC_NONE));
  }
  observe(f, NULL, 6);
  uint64_t linked = 0, wrong = 0;
  for (size_t k = 0; k < f->ob.n; k++) {
    const gc_obs *o = &f->ob.obs[k];
    if (o->kind == GC_OBS_ID_SCAN) { assert_int_equal(o->person, o->agent); continue; }
    linked++;
    int err = (o->flags & GC_OBSF_LINKAGE_ERROR) != 0;
    assert_int_equal(err, o->person != o->agent);
    wrong += (uint64_t)err;
  }
  assert_int_equal(linked, 3 * (uint64_t)f->city.pop.n);
  binomial((double)wrong, (double)linked, 0.1, "linkage errors");
  assert_int_equal(f->ob.identity_errors, wrong);
  teardown(f);
}

/* Nights away are located under the phone's registered identity, unless
** the phone was off or there is none. */
static void test_phone_nights(void **state) {
  (void)state;
  fixture *f = setup(NULL);
  f->city.cfg.sensors.phone_location_coverage = 1;
  f->city.cfg.sensors.phone_coverage = 0;
  gc_population *p = &f->city.pop;
  p->phone_reg[10] = 11;
  p->phone_reg[12] = GC_NONE;
  p->phone_reg[13] = 13;
  p->phone_reg[14] = 14;
  add(f, event(GC_TE_NIGHT, 10, 40, 0, 0, GC_NONE));
  add(f, event(GC_TE_NIGHT, 12, 41, 0, 0, GC_NONE));
  add(f, event(GC_TE_PHONE_OFF, 13, 0, 0, 0, GC_NONE));
  add(f, event(GC_TE_NIGHT, 13, 42, 1, 0, GC_NONE));
  add(f, event(GC_TE_NIGHT, 14, 43, 0, 0, GC_NONE));
  observe(f, NULL, 0);
  assert_int_equal(f->ob.n, 2);
  assert_int_equal(f->ob.obs[0].kind, GC_OBS_PHONE_NIGHT);
  assert_int_equal(f->ob.obs[0].person, 11);
  assert_int_equal(f->ob.obs[0].where, 40);
  assert_int_equal(f->ob.obs[0].other, 0);
  assert_int_equal(f->ob.obs[1].person, 14);
  assert_int_equal(f->ob.identity_errors, 1);
  teardown(f);
}

/* ---- home visits ---- */

/* Visits per trust level ~ Binomial(households x days, 1 / interval), none
** at "never"; UNUSUAL per condition group ~ Binomial(members present at
** visits, probability of the first matching condition); absent members
** are never marked. */
static void test_home_visits(void **state) {
  (void)state;
  fixture *f = setup(NULL);
  gc_config *c = &f->city.cfg;
  gc_population *p = &f->city.pop;
  c->population.trust.nlevels = 3;
  c->population.trust.visit_every_days[0] = 20;
  c->population.trust.visit_every_days[1] = 4;
  c->population.trust.visit_every_days[2] = 0;
  gc_home_visit_cfg *hv = &c->sensors.home_visit;
  hv->nunusual = 2;
  hv->unusual_if[0] = (gc_cond){GC_COND_TRUTH, 0, 1};          /* active_drug_use */
  hv->unusual_prob[0] = 0.5;
  hv->unusual_if[1] = (gc_cond){GC_COND_TRAIT, 2, 1};          /* drug_history (bias) */
  hv->unusual_prob[1] = 0.2;
  hv->unusual_otherwise = 0.02;
  for (uint32_t h = 0; h < p->nhh; h++) p->st.hh_trust[h] = (uint8_t)(h % 3);
  for (uint32_t i = 0; i < p->n; i++) {
    p->truth[i] = i % 11 == 0 ? 1 : 0;
    p->trait[2][i] = i % 5 == 0;
    p->st.away_until[i] = i % 13 == 0 ? 1000 : 0;             /* away: never marked */
  }
  gc_sensor_ctx ctx;
  const int days = 60;
  uint64_t visits[3] = {0}, trials[3] = {0}, marks[3] = {0}, hh_level[3] = {0};
  for (uint32_t h = 0; h < p->nhh; h++) hh_level[h % 3]++;
  for (int d = 0; d < days; d++) {
    gc_sensor_ctx_init(&ctx, c, &f->city.w, p, NULL, NULL, d);
    f->ob.n = 0;
    gc_sensors_home_visits(&ctx, 0, p->nhh, &f->ob);
    for (size_t k = 0; k < f->ob.n; k++) {
      const gc_obs *o = &f->ob.obs[k];
      if (o->kind == GC_OBS_HOME_VISIT) {
        assert_int_equal(o->person, p->hh_start[o->where]);
        visits[o->where % 3]++;
        for (uint32_t i = p->hh_start[o->where]; i < p->hh_start[o->where + 1]; i++)
          if (i % 13) trials[i % 11 == 0 ? 0 : i % 5 == 0 ? 1 : 2]++;
      } else {
        assert_int_equal(o->kind, GC_OBS_UNUSUAL);
        assert_int_equal(p->hh[o->person], o->where);
        assert_int_not_equal(o->person % 13, 0);
        marks[o->person % 11 == 0 ? 0 : o->person % 5 == 0 ? 1 : 2]++;
      }
    }
  }
  binomial((double)visits[0], (double)hh_level[0] * days, 1.0 / 20, "visits, trusted");
  binomial((double)visits[1], (double)hh_level[1] * days, 1.0 / 4, "visits, normal");
  assert_int_equal(visits[2], 0);
  binomial((double)marks[0], (double)trials[0], 0.5, "unusual, truth");
  binomial((double)marks[1], (double)trials[1], 0.2, "unusual, trait");
  binomial((double)marks[2], (double)trials[2], 0.02, "unusual, otherwise");
  c->population.trust.nlevels = 0;                              /* trust off: no visits */
  gc_sensor_ctx_init(&ctx, c, &f->city.w, p, NULL, NULL, 0);
  f->ob.n = 0;
  gc_sensors_home_visits(&ctx, 0, p->nhh, &f->ob);
  assert_int_equal(f->ob.n, 0);
  teardown(f);
}

/* ---- patrols ---- */

/* Stops and discoveries only in patrolled districts, ~ Binomial with
** patrol.stop and patrol.discover; reports anywhere in the city ~
** Binomial(offences, patrol.reported); nothing without patrols. */
static void test_patrol_sensing(void **state) {
  (void)state;
  fixture *f = setup(NULL);
  gc_patrol_cfg *pc = &f->city.cfg.response.patrol;
  pc->stop = 0.3;
  pc->discover = 0.5;
  pc->reported = 0.1;
  const gc_world *w = &f->city.w;
  assert_true(w->ndistricts == 16);
  uint8_t patrolled[GC_MAX_DISTRICTS] = {0};
  patrolled[0] = 1;
  patrolled[5] = 2;
  uint64_t stays_in = 0, off_in = 0, offences = 0;
  /* k patrols in a district are k chances: P = 1 - (1 - p)^k; sums of
  ** Bernoulli means and variances give the expectation (4.5 sd) */
  double stop_mean = 0, stop_var = 0, disc_mean = 0, disc_var = 0;
  uint32_t n = f->city.pop.n;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t place = w->range[0][GC_PLACE_WORKPLACE] + i % gc_world_count(w, 0, GC_PLACE_WORKPLACE);
    uint32_t st = w->range[0][GC_PLACE_SHOP] + i % gc_world_count(w, 0, GC_PLACE_SHOP);
    add(f, stay(i, place, 540, 1000, 0, 0, GC_NONE));
    add(f, event(GC_TE_OFFENCE, i, st, 1, 0, GC_NONE));
    add(f, stay(i, w->range[1][GC_PLACE_HOTEL], 1300, 1900, 2, 0, GC_NONE));    /* away: no district */
    stays_in += patrolled[w->district[place]] > 0;
    off_in += patrolled[w->district[st]] > 0;
    double ps = 1 - pow(0.7, patrolled[w->district[place]]), pd = 1 - pow(0.5, patrolled[w->district[st]]);
    stop_mean += ps; stop_var += ps * (1 - ps);
    disc_mean += pd; disc_var += pd * (1 - pd);
    offences++;
  }
  f->city.cfg.sensors.phone_coverage = 0;
  f->city.w.scanner[w->range[1][GC_PLACE_HOTEL]] = 0;
  observe(f, patrolled, 3);
  uint64_t stops = 0, disc = 0, rep = 0;
  for (size_t k = 0; k < f->ob.n; k++) {
    const gc_obs *o = &f->ob.obs[k];
    assert_int_equal(o->person, o->agent);
    assert_int_equal(o->other, w->district[o->where]);
    if (o->kind == GC_OBS_PATROL_STOP) { stops++; assert_true(patrolled[o->other] > 0); }
    else if (o->kind == GC_OBS_DISCOVERY) { disc++; assert_true(patrolled[o->other] > 0); }
    else { assert_int_equal(o->kind, GC_OBS_REPORTED); rep++; }
  }
  assert_true(stays_in > 100 && off_in > 100);
  if (fabs((double)stops - stop_mean) > 4.5 * sqrt(stop_var))
    fail_msg("patrol stops: observed %llu, expected %.1f +- 4.5 x %.2f", (unsigned long long)stops, stop_mean, sqrt(stop_var));
  if (fabs((double)disc - disc_mean) > 4.5 * sqrt(disc_var))
    fail_msg("discoveries: observed %llu, expected %.1f +- 4.5 x %.2f", (unsigned long long)disc, disc_mean, sqrt(disc_var));
  assert_true(stop_mean > 1.2 * 0.3 * (double)stays_in);     /* the two-patrol district matters */
  binomial((double)rep, (double)offences, 0.1, "public reports");
  observe(f, NULL, 3);
  assert_int_equal(f->ob.n, 0);
  teardown(f);
}

/* ---- relationship inference ---- */

static void inference_on(gc_config *c) {
  c->sensors.inference.enabled = 1;
  c->sensors.inference.min_together = 2;
  c->sensors.inference.travel_minutes = 30;
  c->sensors.inference.from_list = 1;      /* petitioners */
  c->sensors.inference.join_list = 2;      /* key_persons */
}

static gc_obs scan(uint32_t person, uint32_t place, int type, int minute) {
  gc_obs o = {person, person, place, GC_NONE, 0, (uint16_t)minute, GC_OBS_ID_SCAN, (uint8_t)type, 0};
  return o;
}

static int tied(const gc_population *p, uint32_t a, uint32_t b) {
  if (p->hh[a] == p->hh[b] || p->partner[a] == b) return 1;
  for (uint64_t k = p->tie_start[a]; k < p->tie_start[a + 1]; k++) if (p->tie_dst[k] == b) return 1;
  for (uint64_t k = p->tie_start[b]; k < p->tie_start[b + 1]; k++) if (p->tie_dst[k] == a) return 1;
  return 0;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* True tie pairs, counted by brute force: every pair, sorted, deduplicated. */
static uint64_t brute_true_ties(const gc_population *p) {
  size_t cap = 1024, n = 0;
  uint64_t *v = malloc(cap * sizeof *v);
  assert_non_null(v);
#define PUSH(a, b) do { uint32_t x_ = (a), y_ = (b); if (x_ == y_) break; if (n == cap) { cap *= 2; v = realloc(v, cap * sizeof *v); assert_non_null(v); } \
    v[n++] = x_ < y_ ? ((uint64_t)x_ << 32) | y_ : ((uint64_t)y_ << 32) | x_; } while (0)
  for (uint32_t h = 0; h < p->nhh; h++)
    for (uint32_t i = p->hh_start[h]; i < p->hh_start[h + 1]; i++)
      for (uint32_t j = i + 1; j < p->hh_start[h + 1]; j++) PUSH(i, j);
  for (uint32_t i = 0; i < p->n; i++) {
    if (p->partner[i] != GC_NONE) PUSH(i, p->partner[i]);
    for (uint64_t k = p->tie_start[i]; k < p->tie_start[i + 1]; k++) PUSH(i, p->tie_dst[k]);
  }
#undef PUSH
  qsort(v, n, sizeof *v, cmp_u64);
  uint64_t distinct = 0;
  for (size_t k = 0; k < n; k++) distinct += k == 0 || v[k] != v[k - 1];
  free(v);
  return distinct;
}

/* Hand-built co-stays and co-travel give exactly the expected ties: a
** pair counts once a day, co-travel needs the window, min_together days
** make a tie, precision is audited against the true graph, and an
** inferred associate of a petitioner joins key_persons. */
static void test_inference(void **state) {
  (void)state;
  fixture *f = setup(inference_on);
  gc_population *p = &f->city.pop;
  f->sensors = gc_sensors_new(&f->city.cfg, &f->city.w, p);
  assert_non_null(f->sensors);
  uint32_t h = 0;
  while (p->hh_start[h + 1] - p->hh_start[h] < 2) h++;
  uint32_t A = p->hh_start[h], B = A + 1;                      /* a true tie */
  uint32_t C = 0, D = 0, E = 0, F = 0;                         /* strangers */
  for (C = 100; tied(p, C, C + 1) || p->hh[C] == p->hh[A]; C++) {}
  D = C + 1;
  for (E = D + 50; tied(p, E, E + 1); E++) {}
  F = E + 1;
  for (uint32_t i = 0; i < p->n; i++) p->st.lists[i] &= (uint16_t)~6u;
  p->st.lists[A] |= 2;                                         /* A is a petitioner */
  p->st.lists[C] |= 2;
  const gc_world *w = &f->city.w;
  uint32_t h1 = w->range[0][GC_PLACE_HOTEL], h2 = h1 + 1, away = w->range[1][GC_PLACE_HOTEL];
  uint32_t s1 = w->range[0][GC_PLACE_STATION];
  gc_obs day0[] = {scan(A, h1, GC_PLACE_HOTEL, 1300), scan(B, h1, GC_PLACE_HOTEL, 1350),
                   scan(A, h1, GC_PLACE_HOTEL, 1400),                           /* scanned twice */
                   scan(A, s1, GC_PLACE_STATION, 600), scan(B, s1, GC_PLACE_STATION, 610),  /* same day again */
                   scan(C, s1, GC_PLACE_STATION, 700), scan(D, s1, GC_PLACE_STATION, 725),
                   scan(E, s1, GC_PLACE_STATION, 900), scan(F, s1, GC_PLACE_STATION, 931)}; /* 31 > 30 */
  assert_int_equal(gc_sensors_infer(f->sensors, p, 0, day0, sizeof day0 / sizeof *day0, NULL), 0);
  gc_inference_result r = gc_sensors_inference(f->sensors);
  assert_int_equal(r.pairs_seen, 2);                           /* AB, CD */
  assert_int_equal(r.inferred, 0);
  gc_obs day1[] = {scan(B, away, GC_PLACE_HOTEL, 1500), scan(A, away, GC_PLACE_HOTEL, 1200),
                   scan(D, s1, GC_PLACE_STATION, 800), scan(C, s1, GC_PLACE_STATION, 790),
                   scan(E, h2, GC_PLACE_HOTEL, 1300), scan(F, h2, GC_PLACE_HOTEL, 1310)};
  assert_int_equal(gc_sensors_infer(f->sensors, p, 1, day1, sizeof day1 / sizeof *day1, NULL), 0);
  r = gc_sensors_inference(f->sensors);
  assert_int_equal(r.pairs_seen, 3);
  assert_int_equal(r.inferred, 2);                             /* AB, CD; EF together once */
  assert_int_equal(r.inferred_true, 1);                        /* precision 1/2 */
  assert_int_equal(r.true_seen, 1);
  assert_int_equal(r.list_joins, 2);                           /* B (via A), D (via C) */
  assert_true(p->st.lists[B] & 4);
  assert_true(p->st.lists[D] & 4);
  assert_false(p->st.lists[A] & 4);
  assert_false(p->st.lists[E] & 4);
  assert_int_equal(gc_sensors_infer(f->sensors, p, 2, day1, sizeof day1 / sizeof *day1, NULL), 0);
  r = gc_sensors_inference(f->sensors);
  assert_int_equal(r.inferred, 3);                             /* EF on a second day; nobody twice */
  assert_int_equal(r.list_joins, 2);
  assert_int_equal(r.true_ties, brute_true_ties(p));
  teardown(f);
}

/* window_days = 5, min_together = 2: a second co-stay 4 or 5 days later
** confirms a tie, 6 days later starts the count again; forgetting stale
** pairs (when the 16-byte map would have grown: gc_sensor_inference.c) never
** loses a count that could still matter. */
static void window_on(gc_config *c) {
  inference_on(c);
  c->sensors.inference.window_days = 5;
  c->sensors.inference.from_list = c->sensors.inference.join_list = -1;
}

static void test_inference_window(void **state) {
  (void)state;
  fixture *f = setup(window_on);
  gc_population *p = &f->city.pop;
  f->sensors = gc_sensors_new(&f->city.cfg, &f->city.w, p);
  assert_non_null(f->sensors);
  const gc_world *w = &f->city.w;
  uint32_t h1 = w->range[0][GC_PLACE_HOTEL];
  /* pairs (10,11) again on day 4, (20,21) on day 5, (30,31) on day 6 */
  gc_obs d0[] = {scan(10, h1, GC_PLACE_HOTEL, 0), scan(11, h1, GC_PLACE_HOTEL, 0),
                 scan(20, h1 + 1, GC_PLACE_HOTEL, 0), scan(21, h1 + 1, GC_PLACE_HOTEL, 0),
                 scan(30, h1 + 2, GC_PLACE_HOTEL, 0), scan(31, h1 + 2, GC_PLACE_HOTEL, 0)};
  assert_int_equal(gc_sensors_infer(f->sensors, p, 0, d0, 6, NULL), 0);
  /* day 3: 80 strangers at one hotel (3160 pairs) force the map to grow */
  static gc_obs crowd[80];
  assert_true(p->n > 400);
  for (uint32_t k = 0; k < 80; k++) crowd[k] = scan(200 + k, h1 + 3, GC_PLACE_HOTEL, 0);
  assert_int_equal(gc_sensors_infer(f->sensors, p, 3, crowd, 80, NULL), 0);
  gc_obs d4[] = {d0[0], d0[1]}, d5[] = {d0[2], d0[3]}, d6[] = {d0[4], d0[5]};
  assert_int_equal(gc_sensors_infer(f->sensors, p, 4, d4, 2, NULL), 0);
  assert_int_equal(gc_sensors_inference(f->sensors).inferred, 1);
  assert_int_equal(gc_sensors_infer(f->sensors, p, 5, d5, 2, NULL), 0);
  assert_int_equal(gc_sensors_inference(f->sensors).inferred, 2);      /* exactly 5 days: counts */
  gc_obs d8[] = {scan(40, h1 + 4, GC_PLACE_HOTEL, 0), scan(41, h1 + 4, GC_PLACE_HOTEL, 0)};
  assert_int_equal(gc_sensors_infer(f->sensors, p, 8, d8, 2, NULL), 0);
  /* day 12: another crowd; by now the day-3 crowd is stale and forgotten, (40,41) is not */
  for (uint32_t k = 0; k < 80; k++) crowd[k] = scan(300 + k, h1 + 3, GC_PLACE_HOTEL, 0);
  assert_int_equal(gc_sensors_infer(f->sensors, p, 12, crowd, 80, NULL), 0);
  assert_int_equal(gc_sensors_infer(f->sensors, p, 6 + 7, d6, 2, NULL), 0);
  assert_int_equal(gc_sensors_inference(f->sensors).inferred, 2);      /* 13 days later: starts again */
  assert_int_equal(gc_sensors_infer(f->sensors, p, 13, d8, 2, NULL), 0);
  assert_int_equal(gc_sensors_inference(f->sensors).inferred, 3);      /* kept through the rebuild */
  assert_int_equal(gc_sensors_infer(f->sensors, p, 14, d6, 2, NULL), 0);
  assert_int_equal(gc_sensors_inference(f->sensors).inferred, 4);      /* confirmed the next day */
  /* memory: the second crowd's 3160 pairs replaced the first's rather than adding to them
  ** (without forgetting the map would hold 6320 + 3 pairs) */
  assert_true(f->sensors->pairs.n < 3160 + 4 + 10);
  teardown(f);
}

/* Many pairs: the map grows and keeps every count (all pairs of 120
** people at one hotel on min_together days). */
static void test_inference_many_pairs(void **state) {
  (void)state;
  fixture *f = setup(inference_on);
  f->city.cfg.sensors.inference.from_list = -1;
  f->sensors = gc_sensors_new(&f->city.cfg, &f->city.w, &f->city.pop);
  assert_non_null(f->sensors);
  gc_obs o[120];
  uint32_t hotel = f->city.w.range[0][GC_PLACE_HOTEL];
  for (uint32_t i = 0; i < 120; i++) o[i] = scan(i * 37, hotel, GC_PLACE_HOTEL, 1300);
  for (int d = 0; d < 2; d++) assert_int_equal(gc_sensors_infer(f->sensors, &f->city.pop, d, o, 120, NULL), 0);
  gc_inference_result r = gc_sensors_inference(f->sensors);
  assert_int_equal(r.pairs_seen, 120 * 119 / 2);
  assert_int_equal(r.inferred, 120 * 119 / 2);
  teardown(f);
}

/* Inference switched off: nothing counted, nothing allocated. */
static void test_inference_off(void **state) {
  (void)state;
  fixture *f = setup(NULL);
  f->sensors = gc_sensors_new(&f->city.cfg, &f->city.w, &f->city.pop);
  assert_non_null(f->sensors);
  gc_obs o[] = {scan(1, 0, GC_PLACE_HOTEL, 0), scan(2, 0, GC_PLACE_HOTEL, 0)};
  for (int d = 0; d < 5; d++) assert_int_equal(gc_sensors_infer(f->sensors, &f->city.pop, d, o, 2, NULL), 0);
  gc_inference_result r = gc_sensors_inference(f->sensors);
  assert_int_equal(r.pairs_seen + r.inferred + r.true_ties, 0);
  assert_null(f->sensors->pairs.slot);
  teardown(f);
}

/* ---- the driver ---- */

static void everything_on(gc_config *c) {
  c->world.places_per_1000[GC_PLACE_COMPOUND] = 1.5;
  for (int t = 1; t < GC_PLACE_NTYPES; t++) {
    c->sensors.cctv.coverage[t] = 0.5;
    c->sensors.wifi_coverage[t] = 0.5;
    c->sensors.plate_coverage[t] = 0.5;
  }
  c->sensors.cctv.false_match = 0.01;
  c->sensors.wifi_detection = 0.8;
  c->sensors.plate_detection = 0.9;
  c->sensors.plate_misread = 0.01;
  c->sensors.compound_coverage = 0.6;
  c->sensors.companion_recorded = 0.5;
  c->sensors.payment_coverage = 0.8;
  c->sensors.linkage_error = 0.01;
  c->sensors.id_identity_error = 0.05;
}

static void same_obs(const gc_obs *a, const gc_obs *b) {     /* field by field: gc_obs has padding */
  assert_int_equal(a->person, b->person);
  assert_int_equal(a->agent, b->agent);
  assert_int_equal(a->where, b->where);
  assert_int_equal(a->other, b->other);
  assert_true(a->value == b->value);
  assert_int_equal(a->time, b->time);
  assert_int_equal(a->kind, b->kind);
  assert_int_equal(a->sub, b->sub);
  assert_int_equal(a->flags, b->flags);
}

/* Observing a day's events in two parts (any block partition by agent)
** gives the same observations as observing them at once. */
static void test_partition_independent(void **state) {
  (void)state;
  fixture *f = setup(everything_on);
  gc_activity_ctx act;
  gc_activity_ctx_init(&act, &f->city.cfg, &f->city.w, &f->city.pop, 1);
  gc_event_buf eb = {0};
  for (uint32_t i = 0; i < f->city.pop.n; i++) gc_activity_agent_day(&act, i, &eb);
  assert_false(eb.oom);
  f->sensors = gc_sensors_new(&f->city.cfg, &f->city.w, &f->city.pop);
  assert_non_null(f->sensors);
  gc_sensor_ctx ctx;
  gc_sensor_ctx_init(&ctx, &f->city.cfg, &f->city.w, &f->city.pop, f->sensors, NULL, 1);
  gc_obs_buf all = {0}, parts = {0};
  gc_sensors_observe(&ctx, eb.ev, eb.n, &all);
  size_t cut = eb.n / 3;
  while (cut < eb.n && eb.ev[cut].agent == eb.ev[cut - 1].agent) cut++;
  gc_sensors_observe(&ctx, eb.ev + cut, eb.n - cut, &parts);
  gc_obs_buf first = {0};
  gc_sensors_observe(&ctx, eb.ev, cut, &first);
  assert_int_equal(first.n + parts.n, all.n);
  assert_true(all.by_kind[GC_OBS_SIGHTING] > 100 && all.by_kind[GC_OBS_WIFI] > 100 && all.by_kind[GC_OBS_PAYMENT] > 100);
  for (size_t k = 0; k < all.n; k++)
    same_obs(&all.obs[k], k < first.n ? &first.obs[k] : &parts.obs[k - first.n]);
  gc_obs_buf_free(&all);
  gc_obs_buf_free(&parts);
  gc_obs_buf_free(&first);
  gc_event_buf_free(&eb);
  teardown(f);
}

/* A scenario without the new sensors produces none of their kinds. */
static void test_switched_off(void **state) {
  (void)state;
  fixture *f = setup(NULL);
  gc_activity_ctx act;
  gc_activity_ctx_init(&act, &f->city.cfg, &f->city.w, &f->city.pop, 0);
  gc_event_buf eb = {0};
  for (uint32_t i = 0; i < f->city.pop.n; i++) gc_activity_agent_day(&act, i, &eb);
  f->sensors = gc_sensors_new(&f->city.cfg, &f->city.w, &f->city.pop);
  gc_sensor_ctx ctx;
  gc_sensor_ctx_init(&ctx, &f->city.cfg, &f->city.w, &f->city.pop, f->sensors, NULL, 0);
  for (int t = 0; t < GC_TE_NKINDS; t++) {
    uint16_t expect = 0;
    if (t == GC_TE_STAY) expect = 1u << 0;                               /* ID scans only */
    if (t == GC_TE_CALL_NEW || t == GC_TE_PHONE_OFF) expect = 1u << 1;
    if (t == GC_TE_PURCHASE) expect = 1u << 2;
    assert_int_equal(ctx.on[t], expect);
  }
  gc_sensors_observe(&ctx, eb.ev, eb.n, &f->ob);
  gc_sensors_home_visits(&ctx, 0, f->city.pop.nhh, &f->ob);
  for (int k = GC_OBS_SIGHTING; k < GC_OBS_NKINDS; k++) assert_int_equal(f->ob.by_kind[k], 0);
  assert_true(f->ob.by_kind[GC_OBS_ID_SCAN] > 0);
  gc_event_buf_free(&eb);
  teardown(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_equipment_coverage),
    cmocka_unit_test(test_cctv_miss_night_false_match),
    cmocka_unit_test(test_home_cameras_count),
    cmocka_unit_test(test_home_sightings),
    cmocka_unit_test(test_wifi_identity),
    cmocka_unit_test(test_plate_reads_and_misreads),
    cmocka_unit_test(test_vehicle_mismatch),
    cmocka_unit_test(test_compound_companions),
    cmocka_unit_test(test_companions_belong_to_their_entry),
    cmocka_unit_test(test_tickets_and_decoys),
    cmocka_unit_test(test_cash_leaves_no_record),
    cmocka_unit_test(test_linkage_errors),
    cmocka_unit_test(test_phone_nights),
    cmocka_unit_test(test_home_visits),
    cmocka_unit_test(test_patrol_sensing),
    cmocka_unit_test(test_inference),
    cmocka_unit_test(test_inference_many_pairs),
    cmocka_unit_test(test_inference_window),
    cmocka_unit_test(test_inference_off),
    cmocka_unit_test(test_partition_independent),
    cmocka_unit_test(test_switched_off),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
