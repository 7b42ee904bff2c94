/*
** test_feedback.c — end-of-day feedback: trust recovery timing (one level
** per recover_days without an action, never past the starting level),
** the trust census against a full count, and interception marks that last
** one day.  Actions come from the real response on hand-built alerts.
*/
#include "gc_test.h"
#include "gc_feedback.h"
#include "gc_response.h"

typedef struct fixture {
  gc_test_city city;
  gc_response *resp;
  gc_feedback *fb;
  gc_action_buf acts;
  gc_feedback_tally tally;
} fixture;

/* small.yaml with three trust levels; households start at level 0 except
** those listed in `start` (household, level) pairs. */
static fixture *setup(int drop, int recover, const uint32_t *start, int nstart) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  gc_test_city_build(&f->city, "small.yaml", NULL, 0);
  gc_config *cfg = &f->city.cfg;
  gc_trust_cfg *tc = &cfg->population.trust;
  tc->nlevels = 3;
  strcpy(tc->level[0], "trusted"); strcpy(tc->level[1], "normal"); strcpy(tc->level[2], "distrusted");
  tc->drop_per_action = drop;
  tc->recover_days = recover;
  cfg->response.action[GC_ACT_VISIT].false_finding = 0;
  memset(f->city.pop.truth, 0, f->city.pop.n * sizeof *f->city.pop.truth);
  memset(f->city.pop.st.hh_trust, 0, f->city.pop.nhh);
  for (int k = 0; k < nstart; k++) f->city.pop.st.hh_trust[start[2 * k]] = (uint8_t)start[2 * k + 1];
  f->resp = gc_response_new(cfg, &f->city.pop);
  f->fb = gc_feedback_new(cfg, &f->city.pop);
  assert_non_null(f->resp);
  assert_non_null(f->fb);
  return f;
}

static void teardown(fixture *f) {
  gc_action_buf_free(&f->acts);
  gc_feedback_free(f->fb);
  gc_response_free(f->resp);
  gc_test_city_free(&f->city);
  free(f);
}

/* One day: visits (rule 2) on people[0..n-1], then feedback. */
static void day_of(fixture *f, int day, const uint32_t *people, int n) {
  gc_alert al[8] = {{0, 0, 0}};
  gc_outcome out[8];
  for (int k = 0; k < n; k++) al[k] = (gc_alert){people[k], 2, 1};
  assert_int_equal(gc_response_day(f->resp, day, al, (size_t)n, out, NULL, 0, &f->acts), 0);
  assert_int_equal((int)f->acts.n, n);
  assert_int_equal(gc_feedback_day(f->fb, day, &f->acts, &f->tally), 0);
}

/* The census equals a full count of households per level. */
static void check_census(const fixture *f) {
  uint64_t at[GC_MAX_TRUST] = {0};
  for (uint32_t h = 0; h < f->city.pop.nhh; h++) at[f->city.pop.st.hh_trust[h]]++;
  for (int l = 0; l < GC_MAX_TRUST; l++) assert_int_equal(f->tally.households_at[l], at[l]);
}

/* Acted on at day 5, a household is one level down at the ends of days
** 5 .. 5 + R - 1 and regains it at the end of day 5 + R: R days without an
** action after the action day.  Another household's action changes nothing
** for this one. */
static void test_recovery_timing(void **state) {
  (void)state;
  enum { R = 10 };
  fixture *f = setup(1, R, NULL, 0);
  uint32_t h = 40, person = f->city.pop.hh_start[h];
  uint32_t other = f->city.pop.hh_start[41];
  for (int day = 0; day < 40; day++) {
    if (day == 5) day_of(f, day, &person, 1);
    else if (day == 20) day_of(f, day, &other, 1);
    else day_of(f, day, NULL, 0);
    int expect = day >= 5 && day < 5 + R;
    assert_int_equal(f->city.pop.st.hh_trust[h], expect);
    assert_int_equal(f->tally.trust_recovered, (uint64_t)(day == 5 + R || day == 20 + R));
    assert_int_equal(f->tally.households_lowered, (uint64_t)(expect + (day >= 20 && day < 20 + R)));
    check_census(f);
  }
  teardown(f);
}

/* A second action restarts the clock; two levels come back one by one. */
static void test_recovery_restart_and_steps(void **state) {
  (void)state;
  enum { R = 7 };
  fixture *f = setup(1, R, NULL, 0);
  uint32_t h = 40, a = f->city.pop.hh_start[h];
  day_of(f, 0, &a, 1);                                   /* level 1 */
  for (int day = 1; day < 4; day++) day_of(f, day, NULL, 0);
  day_of(f, 4, &a, 1);                                   /* level 2, clock from day 4 */
  for (int day = 5; day < 4 + R; day++) { day_of(f, day, NULL, 0); assert_int_equal(f->city.pop.st.hh_trust[h], 2); }
  day_of(f, 4 + R, NULL, 0);
  assert_int_equal(f->city.pop.st.hh_trust[h], 1);
  for (int day = 5 + R; day < 4 + 2 * R; day++) { day_of(f, day, NULL, 0); assert_int_equal(f->city.pop.st.hh_trust[h], 1); }
  day_of(f, 4 + 2 * R, NULL, 0);
  assert_int_equal(f->city.pop.st.hh_trust[h], 0);
  assert_int_equal(f->tally.households_lowered, 0);
  check_census(f);
  teardown(f);
}

/* A household that started distrusted recovers to where it started, not
** past it; recover_days = 0 never recovers. */
static void test_recovery_floor(void **state) {
  (void)state;
  const uint32_t start[] = {40, 1};
  fixture *f = setup(2, 3, start, 1);
  uint32_t a = f->city.pop.hh_start[40];
  day_of(f, 0, &a, 1);
  assert_int_equal(f->city.pop.st.hh_trust[40], 2);      /* bounded by the least trusted level */
  for (int day = 1; day < 20; day++) day_of(f, day, NULL, 0);
  assert_int_equal(f->city.pop.st.hh_trust[40], 1);
  check_census(f);
  teardown(f);
  f = setup(1, 0, NULL, 0);
  a = f->city.pop.hh_start[40];
  day_of(f, 0, &a, 1);
  for (int day = 1; day < 30; day++) day_of(f, day, NULL, 0);
  assert_int_equal(f->city.pop.st.hh_trust[40], 1);
  assert_int_equal(f->tally.households_lowered, 1);
  check_census(f);
  teardown(f);
}

/* The interception mark lasts through the next day and is then cleared;
** intercepted again, it stays. */
static void test_interception_mark(void **state) {
  (void)state;
  fixture *f = setup(0, 0, NULL, 0);
  gc_agent_state *st = &f->city.pop.st;
  uint32_t p = 77, q = 78;
  st->away_until[p] = 5; st->trip_start[p] = 2;
  st->away_until[q] = 5; st->trip_start[q] = 2;
  uint32_t both[] = {p, q};
  day_of(f, 2, both, 2);
  assert_true(st->flags[p] & GC_AGENT_INTERCEPTED);
  assert_true(st->flags[q] & GC_AGENT_INTERCEPTED);
  st->away_until[q] = 6; st->trip_start[q] = 3;         /* q sets off again the next day */
  day_of(f, 3, &q, 1);
  assert_int_equal(f->tally.intercepted_cleared, 2);
  assert_false(st->flags[p] & GC_AGENT_INTERCEPTED);
  assert_true(st->flags[q] & GC_AGENT_INTERCEPTED);
  day_of(f, 4, NULL, 0);
  assert_false(st->flags[q] & GC_AGENT_INTERCEPTED);
  teardown(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_recovery_timing),
    cmocka_unit_test(test_recovery_restart_and_steps),
    cmocka_unit_test(test_recovery_floor),
    cmocka_unit_test(test_interception_mark),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
