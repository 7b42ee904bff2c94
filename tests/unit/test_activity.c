/*
** test_activity.c — the day of one agent (activity), what the sensors make
** of it, and how the audit counts alerts and outcomes, on tests/data/small.yaml.
*/
#include <math.h>
#include "gc_test.h"
#include "gc_activity.h"
#include "gc_audit.h"
#include "gc_sensors.h"

typedef struct fixture {
  gc_test_city city;                /* first: f->city.cfg etc. below are its fields */
  gc_event_buf ev;
  gc_obs_buf ob;
} fixture;

static fixture *setup(const char *const *sets, int nsets) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  gc_test_city_build(&f->city, "small.yaml", sets, nsets);
  return f;
}

static void teardown(fixture *f) {
  gc_event_buf_free(&f->ev);
  gc_obs_buf_free(&f->ob);
  gc_test_city_free(&f->city);
  free(f);
}

/* All agents' events of `day` into f->ev. */
static void live_day(fixture *f, int day) {
  gc_activity_ctx ctx;
  gc_activity_ctx_init(&ctx, &f->city.cfg, &f->city.w, &f->city.pop, day);
  f->ev.n = 0;
  memset(&f->ev.tally, 0, sizeof f->ev.tally);
  for (uint32_t i = 0; i < f->city.pop.n; i++) gc_activity_agent_day(&ctx, i, &f->ev);
  assert_false(f->ev.oom);
}

static void test_detained_do_nothing_away_only_phone(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  for (uint32_t i = 0; i < f->city.pop.n; i++) {
    if (i % 2) f->city.pop.st.detained_until[i] = 9;
    else f->city.pop.st.away_until[i] = 9;
  }
  live_day(f, 2);
  assert_int_equal(f->ev.tally.agents_detained, f->city.pop.n / 2);
  assert_int_equal(f->ev.tally.agents_active, 0);
  assert_true(f->ev.n > 0);                        /* phones still ring */
  for (size_t k = 0; k < f->ev.n; k++) {
    assert_int_equal(f->ev.ev[k].agent % 2, 0);
    assert_true(f->ev.ev[k].kind == GC_TE_CALL_NEW || f->ev.ev[k].kind == GC_TE_PHONE_OFF ||
                f->ev.ev[k].kind == GC_TE_PURCHASE);
  }
  teardown(f);
}

static void test_work_on_weekdays_only(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);                    /* start_weekday monday: day 5 is Saturday */
  for (int day = 0; day < 7; day++) {
    memset(f->city.pop.st.away_until, 0, f->city.pop.n * sizeof *f->city.pop.st.away_until);
    live_day(f, day);
    uint32_t workers = 0, at_work = 0;
    for (uint32_t i = 0; i < f->city.pop.n; i++) workers += f->city.pop.work[i] >= 0;
    for (size_t k = 0; k < f->ev.n; k++) {
      const gc_event *e = &f->ev.ev[k];
      if (e->kind == GC_TE_STAY && (int32_t)e->place == f->city.pop.work[e->agent]) at_work++;
    }
    assert_int_equal(at_work, day < 5 ? workers : 0);
  }
  teardown(f);
}

static void test_event_order_and_purity(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  live_day(f, 3);
  size_t n1 = f->ev.n;
  gc_event *copy = malloc(n1 * sizeof *copy);
  memcpy(copy, f->ev.ev, n1 * sizeof *copy);
  for (size_t k = 1; k < n1; k++)
    if (copy[k].agent == copy[k - 1].agent) assert_int_equal(copy[k].seq, copy[k - 1].seq + 1);
    else assert_true(copy[k].agent > copy[k - 1].agent && copy[k].seq == 0);
  memset(f->city.pop.st.away_until, 0, f->city.pop.n * sizeof *f->city.pop.st.away_until);  /* undo trips */
  live_day(f, 3);
  assert_int_equal(f->ev.n, n1);
  assert_memory_equal(f->ev.ev, copy, n1 * sizeof *copy);
  free(copy);
  teardown(f);
}

static void test_trip_return(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  f->city.pop.st.away_until[77] = 4;
  gc_activity_ctx ctx;
  gc_activity_ctx_init(&ctx, &f->city.cfg, &f->city.w, &f->city.pop, 4);
  gc_activity_agent_day(&ctx, 77, &f->ev);
  assert_true(f->ev.n >= 1);
  assert_int_equal(f->ev.ev[0].flags & GC_EVF_ARRIVE, GC_EVF_ARRIVE);
  int t = f->city.w.type[f->ev.ev[0].place];
  assert_true(t == GC_PLACE_STATION || t == GC_PLACE_CHECKPOINT);
  assert_int_equal(f->city.pop.st.away_until[77], 0);
  teardown(f);
}

static void test_perfect_scanners_see_every_hotel_stay(void **state) {
  (void)state;
  const char *sets[] = {"sensors.id_scan.hotel={coverage: 1, detection: 1}", "sensors.id_scan.identity_error=0"};
  fixture *f = setup(sets, 2);
  live_day(f, 0);
  gc_sensor_ctx s;
  gc_sensor_ctx_init(&s, &f->city.cfg, &f->city.w, &f->city.pop, NULL, NULL, 0);
  gc_sensors_observe(&s, f->ev.ev, f->ev.n, &f->ob);
  uint64_t stays = 0, scans = 0;
  for (size_t k = 0; k < f->ev.n; k++)
    stays += f->ev.ev[k].kind == GC_TE_STAY && f->city.w.type[f->ev.ev[k].place] == GC_PLACE_HOTEL;
  for (size_t k = 0; k < f->ob.n; k++)
    if (f->ob.obs[k].kind == GC_OBS_ID_SCAN && f->ob.obs[k].sub == GC_PLACE_HOTEL) {
      scans++;
      assert_int_equal(f->ob.obs[k].person, f->ob.obs[k].agent);
    }
  assert_true(stays > 20);
  assert_int_equal(scans, stays);
  teardown(f);
}

static void test_no_scanner_no_record_and_phone_identity(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  uint32_t hotel = f->city.w.range[0][GC_PLACE_HOTEL];
  f->city.w.scanner[hotel] = 0;
  f->city.pop.phone_reg[5] = 6;                        /* agent 5's phone is registered to agent 6 */
  gc_event ev[] = {
    {5, hotel, GC_NONE, 0, 1260, 1900, 0, GC_TE_STAY, 0},
    {5, 1, GC_NONE, 0, 600, 600, 1, GC_TE_CALL_NEW, 0},
    {5, 0, GC_NONE, 0, 600, 600, 2, GC_TE_OFFENCE, 0},
  };
  gc_sensor_ctx s;
  gc_sensor_ctx_init(&s, &f->city.cfg, &f->city.w, &f->city.pop, NULL, NULL, 0);
  s.cfg = &f->city.cfg;
  f->city.cfg.sensors.phone_coverage = 1;
  gc_sensors_observe(&s, ev, 3, &f->ob);
  assert_int_equal(f->ob.n, 1);                   /* no scanner; offences are never seen */
  assert_int_equal(f->ob.obs[0].kind, GC_OBS_CALL_NEW);
  assert_int_equal(f->ob.obs[0].person, 6);
  assert_int_equal(f->ob.obs[0].agent, 5);
  assert_int_equal(f->ob.obs[0].sub, 1);          /* out of area */
  assert_int_equal(f->ob.identity_errors, 1);
  teardown(f);
}

static void test_utility_follows_people_present(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  uint32_t h = 0;
  while (f->city.pop.hh_start[h + 1] - f->city.pop.hh_start[h] < 3) h++;
  uint32_t size = f->city.pop.hh_start[h + 1] - f->city.pop.hh_start[h];
  gc_sensor_ctx s;
  gc_sensor_ctx_init(&s, &f->city.cfg, &f->city.w, &f->city.pop, NULL, NULL, 2);
  double k1, l1, k2, l2;
  gc_sensors_household_use(&s, h, &k1, &l1);
  f->city.pop.st.detained_until[f->city.pop.hh_start[h]] = 10;       /* one member in detention */
  gc_sensors_household_use(&s, h, &k2, &l2);
  double e = f->city.cfg.activity.utility_size_exponent;
  assert_true(fabs(k2 / k1 - pow((size - 1.0) / size, e)) < 1e-9);
  assert_true(fabs(l2 / l1 - pow((size - 1.0) / size, e)) < 1e-9);
  teardown(f);
}

static void test_meter_coverage(void **state) {
  (void)state;
  const char *sets[] = {"sensors.utility_meters.coverage=0.3"};
  fixture *f = setup(sets, 1);
  gc_sensor_ctx s;
  gc_sensor_ctx_init(&s, &f->city.cfg, &f->city.w, &f->city.pop, NULL, NULL, 0);
  gc_sensors_utility(&s, 0, f->city.pop.nhh, &f->ob);
  double n = f->city.pop.nhh, metered = (double)f->ob.by_kind[GC_OBS_WATER];
  assert_int_equal(f->ob.by_kind[GC_OBS_WATER], f->ob.by_kind[GC_OBS_ELECTRICITY]);
  assert_true(fabs(metered - 0.3 * n) < 4 * sqrt(n * 0.21));
  teardown(f);
}

static void test_audit_counts(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  memset(f->city.pop.truth, 0, f->city.pop.n * sizeof *f->city.pop.truth);
  f->city.pop.truth[10] = 1u << 0;                     /* active_drug_use: claimed by rule 0 */
  f->city.pop.truth[11] = 1u << 2;                     /* petition_trip (lawful): claimed by rule 3 */
  gc_audit a;
  assert_int_equal(gc_audit_init(&a, &f->city.cfg, f->city.pop.n), 0);
  gc_alert al[] = {{10, 0, 2}, {12, 0, 1}, {11, 3, 1}, {13, 3, 1}};
  gc_outcome out[4] = {
    {GC_OUT_DONE, GC_ACT_DRUG_TEST, GC_ACT_DETENTION, GC_OUTF_FOUND | GC_OUTF_DETAINED, 15},
    {GC_OUT_DONE, GC_ACT_DRUG_TEST, GC_ACT_NONE, 0, 0},
    {GC_OUT_DONE, GC_ACT_VISIT, GC_ACT_DETENTION, GC_OUTF_FOUND | GC_OUTF_DETAINED, 15},
    {GC_OUT_CAPACITY, 0, 0, 0, 0},
  };
  gc_audit_alerts(&a, &f->city.cfg, &f->city.pop, 1, al, out, 4);
  const gc_rule_day *r0 = &a.rule_daily[1 * (size_t)a.nrules + 0], *r3 = &a.rule_daily[1 * (size_t)a.nrules + 3];
  assert_int_equal(r0->alerts, 3);
  assert_int_equal(r0->people_flagged, 2);
  assert_int_equal(r0->people_with_claim, 1);
  assert_int_equal(r0->actions, 2);
  assert_int_equal(r0->innocent_actions, 1);
  assert_int_equal(r0->detentions, 1);
  assert_int_equal(r0->innocent_detentions, 0);
  assert_int_equal(r3->people_with_claim, 1);     /* the rule found what it looks for... */
  assert_int_equal(r3->innocent_actions, 1);      /* ...and acting on it is a harm */
  assert_int_equal(r3->innocent_detention_days, 15);
  assert_int_equal(r3->unhandled, 1);
  assert_int_equal(a.flagged[13], 1u << 3);
  assert_int_equal(a.actioned[13], 0);
  assert_int_equal(gc_audit_finish(&a, &f->city.cfg, &f->city.pop), 0);
  int nt = f->city.cfg.population.ntraits;
  for (size_t g = 0; g < a.ngroups; g++) {
    const gc_group_row *x = &a.groups[g];
    if (x->trait != nt) continue;
    assert_int_equal(x->population, f->city.pop.n);
    if (x->rule == -1) {
      assert_int_equal(x->flagged, 4);
      assert_int_equal(x->actioned, 3);
      assert_int_equal(x->innocent_actioned, 2);  /* 12 and 11 (lawful) */
      assert_int_equal(x->detained, 2);
      assert_int_equal(x->innocent_detained, 1);
    }
  }
  gc_audit_free(&a);
  teardown(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_detained_do_nothing_away_only_phone),
    cmocka_unit_test(test_work_on_weekdays_only),
    cmocka_unit_test(test_event_order_and_purity),
    cmocka_unit_test(test_trip_return),
    cmocka_unit_test(test_perfect_scanners_see_every_hotel_stay),
    cmocka_unit_test(test_no_scanner_no_record_and_phone_identity),
    cmocka_unit_test(test_utility_follows_people_present),
    cmocka_unit_test(test_meter_coverage),
    cmocka_unit_test(test_audit_counts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
