/*
** test_response.c — police response on hand-built alerts: priority order
** under scarce capacity, one action per person per day, detention length,
** findings, list growth, and people already in detention.
** Rules of tests/data/small.yaml: 0 drug_hotel (drugs, drug_test, then
** key_persons), 1 drug_pairs (drugs, visit), 2 local_hotel (order, visit),
** 3 petitioner_station (stability, visit), 4-5 water rules (no action).
*/
#include "gc_test.h"
#include "gc_response.h"

typedef struct fixture {
  gc_test_city city;                /* first: f->city.cfg etc. below are its fields */
  gc_response *resp;
} fixture;

static fixture *setup(const char *const *sets, int nsets) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  gc_test_city_build(&f->city, "small.yaml", sets, nsets);
  memset(f->city.pop.truth, 0, f->city.pop.n * sizeof *f->city.pop.truth);
  f->resp = gc_response_new(&f->city.cfg, &f->city.pop);
  assert_non_null(f->resp);
  return f;
}

static void teardown(fixture *f) {
  gc_response_free(f->resp);
  gc_test_city_free(&f->city);
  free(f);
}

static void test_priority_under_capacity(void **state) {
  (void)state;
  const char *sets[] = {"response.capacity_per_day=2"};
  fixture *f = setup(sets, 1);
  gc_alert al[] = {{100, 2, 1}, {101, 1, 1}, {102, 3, 1}, {103, 4, 1}};
  gc_outcome out[4];
  assert_int_equal(gc_response_day(f->resp, 0, al, 4, out), 0);
  assert_int_equal(out[2].status, GC_OUT_DONE);       /* stability first */
  assert_int_equal(out[1].status, GC_OUT_DONE);       /* then drugs */
  assert_int_equal(out[0].status, GC_OUT_CAPACITY);   /* public order: no capacity left */
  assert_int_equal(out[3].status, GC_OUT_NO_ACTION);  /* rule without action */
  assert_int_equal(out[2].action, GC_ACT_VISIT);
  teardown(f);
}

static void test_one_action_per_person(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_alert al[] = {{200, 2, 1}, {200, 3, 1}};
  gc_outcome out[2];
  assert_int_equal(gc_response_day(f->resp, 0, al, 2, out), 0);
  assert_int_equal(out[1].status, GC_OUT_DONE);
  assert_int_equal(out[0].status, GC_OUT_DUPLICATE);
  /* the next day the same person can be acted on again */
  assert_int_equal(gc_response_day(f->resp, 1, al, 1, out), 0);
  assert_int_equal(out[0].status, GC_OUT_DONE);
  teardown(f);
}

static void test_finding_detains_and_lists(void **state) {
  (void)state;
  const char *sets[] = {"response.actions.drug_test.finds=1", "response.actions.drug_test.on_finding=detention",
                        "response.actions.detention.days=15"};
  fixture *f = setup(sets, 3);
  int drug = 0;                                     /* truth index of active_drug_use */
  assert_string_equal(f->city.cfg.population.truth[drug].name, "active_drug_use");
  f->city.pop.truth[300] = 1u << drug;
  gc_alert al[] = {{300, 0, 1}, {301, 0, 1}};
  gc_outcome out[2];
  assert_int_equal(gc_response_day(f->resp, 4, al, 2, out), 0);
  assert_true(out[0].flags & GC_OUTF_FOUND);
  assert_true(out[0].flags & GC_OUTF_DETAINED);
  assert_int_equal(out[0].detention_days, 15);
  assert_int_equal(f->city.pop.st.detained_until[300], 4 + 1 + 15);
  int key_persons = 2;
  assert_string_equal(f->city.cfg.list[key_persons].name, "key_persons");
  assert_true(f->city.pop.st.lists[300] >> key_persons & 1);   /* then_list */
  assert_true(f->city.pop.st.lists[301] >> key_persons & 1);
  /* a detained person is not acted on again */
  gc_alert again[] = {{300, 1, 1}};
  assert_int_equal(gc_response_day(f->resp, 5, again, 1, out), 0);
  assert_int_equal(out[0].status, GC_OUT_IN_DETENTION);
  teardown(f);
}

static void test_no_false_findings_when_zero(void **state) {
  (void)state;
  const char *sets[] = {"response.actions.visit.false_finding=0", "response.capacity_per_day=100000"};
  fixture *f = setup(sets, 2);
  enum { N = 2000 };
  static gc_alert al[N];
  static gc_outcome out[N];
  for (uint32_t i = 0; i < N; i++) { al[i].person = i; al[i].rule = 2; al[i].count = 1; }
  assert_int_equal(gc_response_day(f->resp, 0, al, N, out), 0);
  for (int i = 0; i < N; i++) {
    assert_int_equal(out[i].status, GC_OUT_DONE);
    assert_false(out[i].flags & (GC_OUTF_FALSE_FINDING | GC_OUTF_DETAINED));
  }
  teardown(f);
}

static void test_list_pruning(void **state) {
  (void)state;
  const char *sets[] = {"lists.drug_users.removal_per_day=1"};
  fixture *f = setup(sets, 1);
  gc_response_init_lists(&f->city.cfg, &f->city.pop);
  uint32_t members = 0;
  for (uint32_t i = 0; i < f->city.pop.n; i++) members += f->city.pop.st.lists[i] & 1;
  assert_true(members > 0);
  gc_response_prune_lists(&f->city.cfg, &f->city.pop, 0);
  for (uint32_t i = 0; i < f->city.pop.n; i++) assert_int_equal(f->city.pop.st.lists[i] & 1, 0);
  teardown(f);
}

/* A list may be defined from an earlier list: membership follows it. */
static void test_list_from_list(void **state) {
  (void)state;
  const char *sets[] = {"lists.copy_of_drug_users={members: drug_users}"};
  fixture *f = setup(sets, 1);
  int copy = f->city.cfg.nlists - 1;
  assert_string_equal(f->city.cfg.list[copy].name, "copy_of_drug_users");
  gc_response_init_lists(&f->city.cfg, &f->city.pop);
  uint32_t members = 0;
  for (uint32_t i = 0; i < f->city.pop.n; i++) {
    assert_int_equal(f->city.pop.st.lists[i] & 1, (f->city.pop.st.lists[i] >> copy) & 1);
    members += f->city.pop.st.lists[i] & 1;
  }
  assert_true(members > 0);
  teardown(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_priority_under_capacity),
    cmocka_unit_test(test_one_action_per_person),
    cmocka_unit_test(test_finding_detains_and_lists),
    cmocka_unit_test(test_no_false_findings_when_zero),
    cmocka_unit_test(test_list_pruning),
    cmocka_unit_test(test_list_from_list),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
