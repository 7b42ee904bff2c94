/*
** test_response.c — police response on hand-built alerts: priority order
** under scarce capacity, one action per person per day, detention length,
** findings, list growth, people already in detention; carry-over and
** expiry, officer quotas, risk relief, interception, the state every action
** writes (chilling statistically), and actions on patrol observations.
** Rules of tests/data/small.yaml: 0 drug_hotel (drugs, drug_test, then
** key_persons), 1 drug_pairs (drugs, visit), 2 local_hotel (order, visit),
** 3 petitioner_station (stability, visit), 4-5 water rules (no action).
*/
#include <math.h>
#include "gc_test.h"
#include "gc_response.h"

typedef struct fixture {
  gc_test_city city;                /* first: f->city.cfg etc. below are its fields */
  gc_response *resp;
  gc_action_buf acts;
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
  gc_action_buf_free(&f->acts);
  gc_response_free(f->resp);
  gc_test_city_free(&f->city);
  free(f);
}

/* One day of the response on alerts only. */
static int respond(fixture *f, int day, const gc_alert *al, size_t n, gc_outcome *out) {
  return gc_response_day(f->resp, day, al, n, out, NULL, 0, &f->acts);
}

static void test_priority_under_capacity(void **state) {
  (void)state;
  const char *sets[] = {"response.capacity_per_day=2"};
  fixture *f = setup(sets, 1);
  gc_alert al[] = {{100, 2, 1}, {101, 1, 1}, {102, 3, 1}, {103, 4, 1}};
  gc_outcome out[4];
  assert_int_equal(respond(f, 0, al, 4, out), 0);
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
  assert_int_equal(respond(f, 0, al, 2, out), 0);
  assert_int_equal(out[1].status, GC_OUT_DONE);
  assert_int_equal(out[0].status, GC_OUT_DUPLICATE);
  /* the next day the same person can be acted on again */
  assert_int_equal(respond(f, 1, al, 1, out), 0);
  assert_int_equal(out[0].status, GC_OUT_DONE);
  teardown(f);
}

/* A list-entry rule on someone already on its list does nothing (skipped):
** no capacity, no action, no harm counted again every day. */
static void test_list_entry_once(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_rule_cfg *rc = &f->city.cfg.rule[2];
  rc->action = GC_ACT_LIST_ENTRY;
  rc->action_list = 2;
  f->city.pop.st.lists[300] &= (uint16_t)~(1u << 2);
  gc_alert al[] = {{300, 2, 1}};
  gc_outcome out[1];
  assert_int_equal(respond(f, 0, al, 1, out), 0);
  assert_int_equal(out[0].status, GC_OUT_DONE);
  assert_true(f->city.pop.st.lists[300] >> 2 & 1);
  assert_int_equal(f->acts.n, 1);
  assert_int_equal(respond(f, 1, al, 1, out), 0);
  assert_int_equal(out[0].status, GC_OUT_DUPLICATE);
  assert_int_equal(f->acts.n, 0);
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
  assert_int_equal(respond(f, 4, al, 2, out), 0);
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
  assert_int_equal(respond(f, 5, again, 1, out), 0);
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
  assert_int_equal(respond(f, 0, al, N, out), 0);
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

/* ---- carry-over and expiry ------------------------------------------- */

/* The action record of `person` today, or NULL. */
static const gc_action_rec *rec_of(const fixture *f, uint32_t person) {
  for (size_t j = 0; j < f->acts.n; j++)
    if (f->acts.a[j].person == person) return &f->acts.a[j];
  return NULL;
}

/* Waiting tasks compete with new ones by class first, then today's first. */
static void test_carry_over_order(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_response_cfg *rc = &f->city.cfg.response;
  rc->carry_over_days = 2;
  rc->capacity_per_day = 1;
  rc->action[GC_ACT_VISIT].false_finding = 0;
  gc_outcome out[4];
  /* day 0: drugs (rule 1) beats order (rule 2); two order tasks wait */
  gc_alert d0[] = {{100, 2, 1}, {101, 2, 1}, {102, 1, 1}};
  assert_int_equal(respond(f, 0, d0, 3, out), 0);
  assert_int_equal(out[2].status, GC_OUT_DONE);
  assert_int_equal(out[0].status, GC_OUT_CAPACITY);
  assert_int_equal(out[1].status, GC_OUT_CAPACITY);
  assert_int_equal(f->acts.n, 1);
  assert_int_equal(f->acts.carried, 2);
  assert_int_equal(f->acts.expired, 0);
  /* day 1: a new stability alert goes first; a new order alert queues before the older ones */
  gc_alert d1[] = {{103, 2, 1}, {104, 3, 1}};
  assert_int_equal(respond(f, 1, d1, 2, out), 0);
  assert_int_equal(out[1].status, GC_OUT_DONE);
  assert_int_equal(out[0].status, GC_OUT_CAPACITY);
  assert_int_equal(f->acts.n, 1);
  assert_int_equal(f->acts.a[0].person, 104);
  assert_int_equal(f->acts.carried, 3);
  /* day 2: with room for one, today's order alert goes before the older ones */
  gc_alert d2[] = {{105, 2, 1}};
  assert_int_equal(respond(f, 2, d2, 1, out), 0);
  assert_int_equal(out[0].status, GC_OUT_DONE);
  assert_int_equal(f->acts.n, 1);
  assert_int_equal(f->acts.a[0].person, 105);
  assert_int_equal(f->acts.a[0].origin, GC_ORIGIN_ALERT);
  /* both day-0 tasks have waited carry_over_days: they expire now; 103 waits */
  assert_int_equal(f->acts.expired, 2);
  assert_int_equal(f->acts.carried, 1);
  assert_int_equal(gc_response_waiting(f->resp), 1);
  /* day 3, room for one and nothing new: the carried day-1 task is done on its last day */
  assert_int_equal(respond(f, 3, NULL, 0, out), 0);
  assert_int_equal(f->acts.n, 1);
  const gc_action_rec *a = &f->acts.a[0];
  assert_int_equal(a->person, 103);
  assert_int_equal(a->origin, GC_ORIGIN_CARRIED);
  assert_int_equal(a->rule, 2);
  assert_int_equal(a->action, GC_ACT_VISIT);
  assert_int_equal(f->acts.expired, 0);
  assert_int_equal(f->acts.carried, 0);
  /* day 4: nothing left */
  rc->capacity_per_day = 5;
  assert_int_equal(respond(f, 4, NULL, 0, out), 0);
  assert_int_equal(f->acts.n, 0);
  assert_int_equal(f->acts.carried, 0);
  assert_int_equal(f->acts.expired, 0);
  teardown(f);
}

/* carry_over_days = d: a task raised on day c can be done on days c..c+d. */
static void test_expiry_boundary(void **state) {
  (void)state;
  for (int keep = 0; keep <= 3; keep++) {
    for (int done_on = 0; done_on <= keep + 1; done_on++) {
      fixture *f = setup(NULL, 0);
      gc_response_cfg *rc = &f->city.cfg.response;
      rc->carry_over_days = keep;
      gc_alert al[] = {{300, 2, 1}};
      gc_outcome out[1];
      int performed = 0, expired = 0;
      for (int day = 0; day <= keep + 1; day++) {
        rc->capacity_per_day = day == done_on ? 1 : 0;
        assert_int_equal(respond(f, day, al, day == 0 ? 1 : 0, out), 0);
        performed += (int)f->acts.n;
        expired += (int)f->acts.expired;
        if (f->acts.n) assert_int_equal(f->acts.a[0].origin, day == 0 ? GC_ORIGIN_ALERT : GC_ORIGIN_CARRIED);
      }
      assert_int_equal(performed, done_on <= keep);
      assert_int_equal(expired, done_on > keep);
      teardown(f);
    }
  }
}

/* A carried task on someone acted on today, or detained, is dropped; a
** person keeps one waiting task. */
static void test_carried_dropped(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_response_cfg *rc = &f->city.cfg.response;
  rc->carry_over_days = 5;
  rc->capacity_per_day = 0;
  gc_outcome out[3];
  gc_alert d0[] = {{400, 2, 1}, {401, 2, 1}, {401, 1, 1}};
  assert_int_equal(respond(f, 0, d0, 3, out), 0);
  assert_int_equal(f->acts.carried, 2);          /* 401's two tasks: one waits */
  rc->capacity_per_day = 10;
  f->city.pop.st.detained_until[401] = 9;        /* detained meanwhile */
  gc_alert d1[] = {{400, 3, 1}};                  /* 400 acted on for a stability alert */
  assert_int_equal(respond(f, 1, d1, 1, out), 0);
  assert_int_equal(out[0].status, GC_OUT_DONE);
  assert_int_equal(f->acts.n, 1);
  assert_int_equal(f->acts.a[0].origin, GC_ORIGIN_ALERT);
  assert_int_equal(f->acts.carried, 0);
  assert_int_equal(f->acts.expired, 0);
  teardown(f);
}

/* Without carry-over every unreached task expires the same day. */
static void test_no_carry_over(void **state) {
  (void)state;
  const char *sets[] = {"response.capacity_per_day=1"};
  fixture *f = setup(sets, 1);
  gc_alert al[] = {{10, 2, 1}, {11, 2, 1}, {12, 2, 1}};
  gc_outcome out[3];
  assert_int_equal(respond(f, 0, al, 3, out), 0);
  assert_int_equal(f->acts.n, 1);
  assert_int_equal(f->acts.expired, 2);
  assert_int_equal(f->acts.carried, 0);
  assert_int_equal(respond(f, 1, NULL, 0, out), 0);
  assert_int_equal(f->acts.n, 0);
  teardown(f);
}

/* ---- quota ------------------------------------------------------------ */

/* Members of `list` who are not on the red list (list 3 of small.yaml). */
static uint32_t list_members(const fixture *f, int list) {
  uint32_t m = 0;
  for (uint32_t i = 0; i < f->city.pop.n; i++)
    m += (f->city.pop.st.lists[i] >> list & 1) && !(f->city.pop.st.lists[i] >> 3 & 1);
  return m;
}

/* Officers short of their quota visit list members: exactly up to the quota
** or the capacity, only members, each once, the same ones for the same day. */
static void test_quota(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_response_init_lists(&f->city.cfg, &f->city.pop);
  gc_response_cfg *rc = &f->city.cfg.response;
  int drug_users = 0;
  assert_string_equal(f->city.cfg.list[drug_users].name, "drug_users");
  uint32_t m = list_members(f, drug_users);
  assert_true(m > 100);
  rc->quota_per_day = 10;
  rc->quota_list = drug_users;
  rc->capacity_per_day = 100;
  rc->action[GC_ACT_VISIT].false_finding = 0;
  gc_outcome out[3];
  /* no alerts: ten quota visits */
  assert_int_equal(respond(f, 0, NULL, 0, out), 0);
  assert_int_equal(f->acts.n, 10);
  uint32_t first[10];
  for (size_t j = 0; j < f->acts.n; j++) {
    const gc_action_rec *a = &f->acts.a[j];
    assert_int_equal(a->origin, GC_ORIGIN_QUOTA);
    assert_int_equal(a->rule, -1);
    assert_int_equal(a->action, GC_ACT_VISIT);
    assert_true(f->city.pop.st.lists[a->person] >> drug_users & 1);
    for (size_t i = 0; i < j; i++) assert_int_not_equal(first[i], a->person);
    first[j] = a->person;
  }
  /* three alert actions: seven quota visits fill the quota */
  gc_alert al[] = {{1, 2, 1}, {2, 2, 1}, {3, 2, 1}};
  assert_int_equal(respond(f, 1, al, 3, out), 0);
  assert_int_equal(f->acts.n, 10);
  for (size_t j = 3; j < 10; j++) assert_int_equal(f->acts.a[j].origin, GC_ORIGIN_QUOTA);
  /* capacity binds first: five slots, three used by alerts */
  rc->capacity_per_day = 5;
  assert_int_equal(respond(f, 2, al, 3, out), 0);
  assert_int_equal(f->acts.n, 5);
  /* a fresh response draws the same members for the same day */
  rc->capacity_per_day = 100;
  gc_response *again = gc_response_new(&f->city.cfg, &f->city.pop);
  assert_non_null(again);
  gc_action_buf acts2 = {0};
  assert_int_equal(gc_response_day(again, 0, NULL, 0, out, NULL, 0, &acts2), 0);
  assert_int_equal(acts2.n, 10);
  for (size_t j = 0; j < 10; j++) assert_int_equal(acts2.a[j].person, first[j]);
  gc_action_buf_free(&acts2);
  gc_response_free(again);
  /* a quota above the list size visits every free member once */
  rc->quota_per_day = (int)m + 50;
  rc->capacity_per_day = (int)m + 50;
  f->city.pop.st.detained_until[first[0]] = 100;   /* detained members are not visited */
  assert_int_equal(respond(f, 3, NULL, 0, out), 0);
  assert_int_equal(f->acts.n, m - 1);
  assert_null(rec_of(f, first[0]));
  /* members of the red list are never visited for the quota */
  int red = 3;
  assert_true(f->city.cfg.list[red].exempt);
  uint32_t nred = 0;
  for (uint32_t i = 0; i < f->city.pop.n && nred < 20; i++)
    if ((f->city.pop.st.lists[i] >> drug_users & 1) && !(f->city.pop.st.lists[i] >> red & 1) && i != first[0]) {
      f->city.pop.st.lists[i] |= 1u << red;
      nred++;
    }
  assert_int_equal(respond(f, 4, NULL, 0, out), 0);
  assert_int_equal(f->acts.n, m - 1 - 20);
  for (size_t j = 0; j < f->acts.n; j++) assert_false(f->city.pop.st.lists[f->acts.a[j].person] >> red & 1);
  teardown(f);
}

/* Over many days the sample covers the whole list: it is random, not the
** first members by number.  Expected coverage after D days with k of m a
** day is 1 - (1 - k/m)^D; with m ~ 250, k = 10, D = 200 that is > 0.999. */
static void test_quota_random(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_response_init_lists(&f->city.cfg, &f->city.pop);
  gc_response_cfg *rc = &f->city.cfg.response;
  rc->quota_per_day = 10;
  rc->quota_list = 0;
  rc->action[GC_ACT_VISIT].false_finding = 0;
  uint32_t m = list_members(f, 0);
  uint8_t *seen = calloc(f->city.pop.n, 1);
  assert_non_null(seen);
  uint32_t covered = 0;
  gc_outcome out[1];
  for (int day = 0; day < 200; day++) {
    assert_int_equal(respond(f, day, NULL, 0, out), 0);
    assert_int_equal(f->acts.n, 10);
    for (size_t j = 0; j < f->acts.n; j++) covered += !seen[f->acts.a[j].person]++;
  }
  assert_true(covered > 0.97 * m);
  free(seen);
  teardown(f);
}

/* ---- relief, interception, state ---------------------------------------- */

static void test_relief_only_when_nothing_found(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_response_cfg *rc = &f->city.cfg.response;
  rc->lower_risk_days = 30;
  rc->action[GC_ACT_VISIT].finds = 1;
  rc->action[GC_ACT_VISIT].false_finding = 0;
  rc->action[GC_ACT_VISIT].on_finding = GC_ACT_NONE;
  f->city.pop.truth[20] = 1u << 0;                 /* active_drug_use: local_hotel claims it */
  gc_alert al[] = {{20, 2, 1}, {21, 2, 1}};
  gc_outcome out[2];
  assert_int_equal(respond(f, 6, al, 2, out), 0);
  assert_true(out[0].flags & GC_OUTF_FOUND);
  assert_int_equal(f->city.pop.st.risk_relief_until[20], 0);
  assert_false(out[0].flags & GC_OUTF_RELIEF);
  assert_int_equal(f->city.pop.st.risk_relief_until[21], 6 + 1 + 30);
  assert_true(out[1].flags & GC_OUTF_RELIEF);
  /* a false finding is a finding too */
  rc->action[GC_ACT_VISIT].false_finding = 1;
  gc_alert al2[] = {{22, 2, 1}};
  assert_int_equal(respond(f, 6, al2, 1, out), 0);
  assert_true(out[0].flags & GC_OUTF_FALSE_FINDING);
  assert_int_equal(f->city.pop.st.risk_relief_until[22], 0);
  /* switched off */
  rc->lower_risk_days = 0;
  rc->action[GC_ACT_VISIT].false_finding = 0;
  gc_alert al3[] = {{23, 2, 1}};
  assert_int_equal(respond(f, 6, al3, 1, out), 0);
  assert_int_equal(f->city.pop.st.risk_relief_until[23], 0);
  teardown(f);
}

static void test_intercept(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_agent_state *st = &f->city.pop.st;
  f->city.cfg.response.intercept = 1;
  f->city.cfg.response.action[GC_ACT_VISIT].false_finding = 0;
  int day = 8;
  /* 30: petition trip starting today; 31: trip started yesterday; 32: ordinary trip today */
  st->away_until[30] = (uint16_t)(day + 3); st->trip_start[30] = (uint16_t)day;
  st->flags[30] = GC_AGENT_PETITION;
  st->away_until[31] = (uint16_t)(day + 3); st->trip_start[31] = (uint16_t)(day - 1);
  st->flags[31] = GC_AGENT_PETITION | GC_AGENT_DELIVERED;
  st->away_until[32] = (uint16_t)(day + 2); st->trip_start[32] = (uint16_t)day;
  gc_alert al[] = {{30, 3, 1}, {31, 3, 1}, {32, 2, 1}, {33, 2, 1}};
  gc_outcome out[4];
  assert_int_equal(respond(f, day, al, 4, out), 0);
  assert_int_equal(f->acts.n, 4);
  assert_int_equal(f->acts.intercepted, 2);
  assert_int_equal(f->acts.petitions_intercepted, 1);
  assert_int_equal(st->away_until[30], 0);
  assert_int_equal(st->flags[30] & (GC_AGENT_PETITION | GC_AGENT_DELIVERED | GC_AGENT_INTERCEPTED),
                   GC_AGENT_INTERCEPTED);
  assert_true(out[0].flags & GC_OUTF_INTERCEPTED);
  assert_int_equal(st->away_until[31], day + 3);   /* already on the way: not ended */
  assert_int_equal(st->flags[31] & (GC_AGENT_PETITION | GC_AGENT_DELIVERED | GC_AGENT_INTERCEPTED),
                   GC_AGENT_PETITION | GC_AGENT_DELIVERED);
  assert_false(out[1].flags & GC_OUTF_INTERCEPTED);
  assert_int_equal(st->away_until[32], 0);
  assert_true(st->flags[32] & GC_AGENT_INTERCEPTED);
  assert_false(out[3].flags & GC_OUTF_INTERCEPTED);
  /* switched off */
  f->city.cfg.response.intercept = 0;
  st->away_until[34] = (uint16_t)(day + 3); st->trip_start[34] = (uint16_t)day;
  gc_alert al2[] = {{34, 3, 1}};
  assert_int_equal(respond(f, day, al2, 1, out), 0);
  assert_int_equal(f->acts.intercepted, 0);
  assert_int_equal(st->away_until[34], day + 3);
  teardown(f);
}

static void test_state_updates(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_config *cfg = &f->city.cfg;
  gc_population *pop = &f->city.pop;
  cfg->response.action[GC_ACT_VISIT].false_finding = 0;
  cfg->reaction.aware_after_action = 1;
  cfg->population.trust.nlevels = 3;
  cfg->population.trust.drop_per_action = 1;
  /* a household of three or more */
  uint32_t h = 0;
  while (pop->hh_start[h + 1] - pop->hh_start[h] < 3) h++;
  uint32_t a = pop->hh_start[h], b = a + 1, c = a + 2;
  pop->st.hh_trust[h] = 1;
  pop->st.actions[b] = UINT16_MAX;
  gc_alert al[] = {{a, 2, 1}, {b, 2, 1}};
  gc_outcome out[2];
  assert_int_equal(respond(f, 12, al, 2, out), 0);
  assert_int_equal(pop->st.last_action[a], 13);
  assert_int_equal(pop->st.actions[a], 1);
  assert_int_equal(pop->st.actions[b], UINT16_MAX);       /* saturates */
  assert_true(pop->st.flags[a] & GC_AGENT_AWARE);
  assert_int_equal(pop->st.last_action[c], 0);
  assert_false(pop->st.flags[c] & GC_AGENT_AWARE);
  assert_int_equal(pop->st.hh_trust[h], 2);                /* two actions: bounded by level 2 */
  assert_int_equal(pop->st.hh_trust_day[h], 12);
  /* two levels per action from the top: still bounded */
  cfg->population.trust.drop_per_action = 2;
  pop->st.hh_trust[h] = 0;
  gc_alert al2[] = {{c, 2, 1}};
  assert_int_equal(respond(f, 13, al2, 1, out), 0);
  assert_int_equal(pop->st.hh_trust[h], 2);
  assert_int_equal(pop->st.actions[c], 1);
  /* nothing is aware or changes trust when switched off */
  cfg->reaction.aware_after_action = 0;
  cfg->population.trust.nlevels = 0;
  pop->st.hh_trust[h] = 0;
  gc_alert al3[] = {{c, 2, 1}};
  assert_int_equal(respond(f, 14, al3, 1, out), 0);
  assert_int_equal(pop->st.hh_trust[h], 0);
  assert_int_equal(pop->st.actions[c], 2);
  teardown(f);
}

/* Chilling: each acted-on petitioner gives up with probability `chilling`
** (a fresh draw per day).  N = 4000 petitioners acted on over D = 5 days
** (the flag reset in between) give a Binomial(20000, 0.3) count: mean
** 6000, sd 64.8; tolerance 5 sd (a 10% bias in the rate is 9 sd).  People
** without the petition truth are never chilled. */
static void test_chilling_binomial(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_config *cfg = &f->city.cfg;
  enum { N = 4000, D = 5 };
  int petition = 2;
  assert_string_equal(cfg->population.truth[petition].name, "petition_trip");
  cfg->activity.petition_truth = petition;
  cfg->reaction.chilling = 0.3;
  cfg->response.capacity_per_day = 2 * N;
  cfg->response.action[GC_ACT_VISIT].false_finding = 0;
  static gc_alert al[N + 500];
  static gc_outcome out[N + 500];
  for (uint32_t i = 0; i < N + 500; i++) {
    al[i] = (gc_alert){i, 2, 1};
    if (i < N) f->city.pop.truth[i] = (uint16_t)(1u << petition);
  }
  long chilled = 0;
  for (int day = 0; day < D; day++) {
    assert_int_equal(respond(f, day, al, N + 500, out), 0);
    for (uint32_t i = 0; i < N + 500; i++) {
      int c = (f->city.pop.st.flags[i] & GC_AGENT_CHILLED) != 0;
      if (i >= N) assert_int_equal(c, 0);
      chilled += c;
      f->city.pop.st.flags[i] &= (uint8_t)~GC_AGENT_CHILLED;
    }
  }
  double n = (double)N * D, mean = n * 0.3, sd = sqrt(n * 0.3 * 0.7);
  assert_true(fabs(chilled - mean) < 5 * sd);
  teardown(f);
}

/* ---- patrol observations ----------------------------------------------- */

static void test_patrol_actions(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_response_cfg *rc = &f->city.cfg.response;
  rc->patrol.patrols = 2;
  rc->patrol.action = GC_ACT_DETENTION;
  rc->action[GC_ACT_DETENTION].days = 5;
  rc->capacity_per_day = 1;
  rc->lower_risk_days = 30;
  rc->action[GC_ACT_VISIT].false_finding = 0;
  gc_obs obs[] = {
    {600, 600, 7, 2, 0, 600, GC_OBS_PATROL_STOP, GC_PLACE_SHOP, 0},
    {601, 601, 7, 2, 0, 610, GC_OBS_DISCOVERY, GC_PLACE_STATION, 0},
    {601, 601, 7, 2, 0, 620, GC_OBS_DISCOVERY, GC_PLACE_STATION, 0},   /* twice: acted on once */
    {602, 602, 7, 2, 0, 630, GC_OBS_PATROL_STOP, GC_PLACE_SHOP, 0},    /* acted on for an alert */
    {603, 603, 7, 2, 0, 640, GC_OBS_REPORTED, GC_PLACE_SHOP, 0},       /* not the response's */
    {604, 604, 7, 2, 0, 650, GC_OBS_ID_SCAN, GC_PLACE_HOTEL, 0},
  };
  gc_alert al[] = {{601, 3, 1}, {602, 2, 1}};
  gc_outcome out[2];
  assert_int_equal(gc_response_day(f->resp, 9, al, 2, out, obs, 6, &f->acts), 0);
  assert_int_equal(f->acts.n, 3);
  const gc_action_rec *d = rec_of(f, 601), *s = rec_of(f, 600), *a = rec_of(f, 602);
  assert_non_null(d); assert_non_null(s); assert_non_null(a);
  assert_int_equal(d->origin, GC_ORIGIN_PATROL_DISCOVERY);
  assert_int_equal(d->rule, -1);
  assert_int_equal(d->action, GC_ACT_DETENTION);
  assert_int_equal(d->flags & (GC_OUTF_FOUND | GC_OUTF_DETAINED), GC_OUTF_FOUND | GC_OUTF_DETAINED);
  assert_int_equal(d->detention_days, 5);
  assert_int_equal(f->city.pop.st.detained_until[601], 9 + 1 + 5);
  assert_int_equal(out[0].status, GC_OUT_DUPLICATE);   /* the offender was already taken */
  assert_int_equal(out[1].status, GC_OUT_DONE);        /* patrols did not use the capacity */
  assert_int_equal(a->origin, GC_ORIGIN_ALERT);
  assert_int_equal(s->origin, GC_ORIGIN_PATROL_STOP);
  assert_int_equal(s->action, GC_ACT_ID_CHECK);
  assert_int_equal(s->rule, -1);
  assert_int_equal(s->flags, 0);                       /* no finding, no relief */
  assert_int_equal(f->city.pop.st.last_action[600], 0);  /* a stop marks nobody */
  assert_int_equal(f->city.pop.st.last_action[601], 10);
  /* a visit as the patrol action: the seen offence is a finding, followed up */
  rc->patrol.action = GC_ACT_VISIT;
  rc->action[GC_ACT_VISIT].on_finding = GC_ACT_DETENTION;
  gc_obs o2[] = {{605, 605, 7, 1, 0, 600, GC_OBS_DISCOVERY, GC_PLACE_STATION, 0}};
  assert_int_equal(gc_response_day(f->resp, 10, NULL, 0, out, o2, 1, &f->acts), 0);
  assert_int_equal(f->acts.n, 1);
  assert_int_equal(f->acts.a[0].action, GC_ACT_VISIT);
  assert_int_equal(f->acts.a[0].followup, GC_ACT_DETENTION);
  assert_true(f->acts.a[0].flags & GC_OUTF_DETAINED);
  /* patrols off: patrol observations are ignored */
  rc->patrol.patrols = 0;
  gc_obs o3[] = {{606, 606, 7, 1, 0, 600, GC_OBS_DISCOVERY, GC_PLACE_STATION, 0}};
  assert_int_equal(gc_response_day(f->resp, 11, NULL, 0, out, o3, 1, &f->acts), 0);
  assert_int_equal(f->acts.n, 0);
  teardown(f);
}

/* With the response switched off (twin) nothing is done at all. */
static void test_disabled(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_response_cfg *rc = &f->city.cfg.response;
  rc->enabled = 0;
  rc->patrol.patrols = 1;
  rc->quota_per_day = 5;
  rc->quota_list = 0;
  gc_response_init_lists(&f->city.cfg, &f->city.pop);
  gc_obs obs[] = {{600, 600, 7, 2, 0, 600, GC_OBS_PATROL_STOP, GC_PLACE_SHOP, 0}};
  gc_alert al[] = {{601, 3, 1}};
  gc_outcome out[1];
  assert_int_equal(gc_response_day(f->resp, 0, al, 1, out, obs, 1, &f->acts), 0);
  assert_int_equal(f->acts.n, 0);
  assert_int_equal(out[0].status, GC_OUT_NO_ACTION);
  for (uint32_t i = 0; i < f->city.pop.n; i++) assert_int_equal(f->city.pop.st.actions[i], 0);
  teardown(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_priority_under_capacity),
    cmocka_unit_test(test_one_action_per_person),
    cmocka_unit_test(test_list_entry_once),
    cmocka_unit_test(test_finding_detains_and_lists),
    cmocka_unit_test(test_no_false_findings_when_zero),
    cmocka_unit_test(test_list_pruning),
    cmocka_unit_test(test_list_from_list),
    cmocka_unit_test(test_carry_over_order),
    cmocka_unit_test(test_expiry_boundary),
    cmocka_unit_test(test_carried_dropped),
    cmocka_unit_test(test_no_carry_over),
    cmocka_unit_test(test_quota),
    cmocka_unit_test(test_quota_random),
    cmocka_unit_test(test_relief_only_when_nothing_found),
    cmocka_unit_test(test_intercept),
    cmocka_unit_test(test_state_updates),
    cmocka_unit_test(test_chilling_binomial),
    cmocka_unit_test(test_patrol_actions),
    cmocka_unit_test(test_disabled),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
