/*
** test_model.c — whole-run statistical checks against closed-form
** expectations (tolerance: 4 standard deviations unless stated), whole-run
** invariants, and determinism of the audit across thread counts.
*/
#include <math.h>
#include "gc_test.h"
#include "glasscage.h"


static void within(double observed, double expected, double sd, const char *what) {
  if (fabs(observed - expected) > 4 * sd)
    fail_msg("%s: observed %.1f, expected %.1f +- 4 x %.2f", what, observed, expected, sd);
}

/* Presence rule: each watched person-day has at most one local hotel stay,
** with probability 1 - exp(-r); each is scanned with probability d.  So
** triggers ~ Binomial(S x days, (1 - exp(-r)) d) with S the list size. */
static void test_presence_binomial(void **state) {
  (void)state;
  static gc_config cfg;
  gc_test_load("closed_form.yaml", NULL, 0, &cfg);
  gc_run *run = gc_test_run_all(&cfg, 0);
  const gc_audit *a = gc_run_audit(run);
  double S = (double)a->list_daily[0];
  within(S, 0.05 * cfg.population.size, sqrt(cfg.population.size * 0.05 * 0.95), "list size");
  double q = -expm1(-0.02) * 0.8, trials = S * cfg.days;
  gc_rule_day t = gc_audit_rule_total(a, 0);
  within((double)t.alerts, trials * q, sqrt(trials * q * (1 - q)), "presence triggers");
  assert_int_equal(t.alerts, t.people_flagged);      /* at most one stay per day */
  assert_int_equal(t.actions, 0);                     /* the rule asks for no action */
  assert_int_equal(t.people_with_claim, 0);           /* nobody has the condition */
  gc_run_free(run);
}

/* P(at least 2 successes in n Bernoulli(q) trials). */
static double at_least_two(double q, int n) {
  return 1 - pow(1 - q, n) - n * q * pow(1 - q, n - 1);
}

/* The disparate-impact mechanism: a facially neutral frequency rule
** ("two local hotel nights in 20 days") flags migrants more only through
** the stated behaviour multiplier.  Per group, flagged people ~
** Binomial(N_g, P(>= 2 scanned stays in 20 days)). */
static void check_groups(const char *const *sets, int nsets, double migrant_factor) {
  static gc_config cfg;
  gc_test_load("closed_form.yaml", sets, nsets, &cfg);
  gc_run *run = gc_test_run_all(&cfg, 0);
  const gc_audit *a = gc_run_audit(run);
  double q[2];
  q[0] = -expm1(-0.02) * 0.8;
  q[1] = -expm1(-0.02 * migrant_factor) * 0.8;
  double rate[2];
  for (size_t g = 0; g < a->ngroups; g++) {
    const gc_group_row *x = &a->groups[g];
    if (x->rule != 2 || x->trait != 1) continue;          /* rule local_hotel_twice, trait migrant */
    double p = at_least_two(q[x->value], cfg.days), n = (double)x->population;
    within((double)x->flagged, n * p, sqrt(n * p * (1 - p)), x->value ? "migrants flagged" : "others flagged");
    rate[x->value] = x->flagged / n;
  }
  double want = at_least_two(q[1], cfg.days) / at_least_two(q[0], cfg.days);
  print_message("migrant factor %.0f: flag-rate ratio %.2f (closed form %.2f)\n", migrant_factor, rate[1] / rate[0], want);
  gc_run_free(run);
}

static void test_disparity_mechanism(void **state) {
  (void)state;
  check_groups(NULL, 0, 1.0);
  const char *sets[] = {"activity.behaviours.hotel_local={rate: 0.02, multipliers: {migrant: 3}}"};
  check_groups(sets, 1, 3.0);
}

/* Percentile rule: exactly the readings above the k-th order statistic,
** k = round(p (n - 1)), are flagged, every day. */
static void test_percentile_exact(void **state) {
  (void)state;
  static gc_config cfg;
  gc_test_load("closed_form.yaml", NULL, 0, &cfg);
  cfg.days = 3;
  gc_run *run = gc_test_run_all(&cfg, 0);
  const gc_audit *a = gc_run_audit(run);
  for (int d = 0; d < cfg.days; d++) {
    uint64_t n = a->daily[d].obs_by_kind[GC_OBS_WATER];
    uint64_t k = (uint64_t)(0.95 * (double)(n - 1) + 0.5);
    assert_int_equal(a->rule_daily[(size_t)d * (size_t)a->nrules + 1].alerts, n - 1 - k);
  }
  gc_run_free(run);
}

/* Household sizes: uniform on 1..4, mean 2.5, variance 1.25. */
static void test_household_sizes(void **state) {
  (void)state;
  static gc_config cfg;
  gc_test_load("closed_form.yaml", NULL, 0, &cfg);
  gc_world w;
  gc_population p;
  assert_int_equal(gc_world_build(&w, &cfg), 0);
  assert_int_equal(gc_population_build(&p, &cfg, &w), 0);
  double mean = (double)p.n / p.nhh;
  within(mean, 2.5, sqrt(1.25 / p.nhh) + 4.0 / p.nhh, "mean household size");
  /* shared traits are shared; migrant given minority is 0.4 */
  uint64_t minority = 0, minority_migrant = 0;
  for (uint32_t h = 0; h < p.nhh; h++) {
    uint32_t head = p.hh_start[h];
    for (uint32_t i = head; i < p.hh_start[h + 1]; i++) {
      assert_int_equal(p.trait[0][i], p.trait[0][head]);
      assert_int_equal(p.trait[1][i], p.trait[1][head]);
    }
    if (p.trait[0][head] == 1) {
      minority++;
      minority_migrant += p.trait[1][head];
    }
  }
  within((double)minority_migrant, 0.4 * minority, sqrt(minority * 0.24), "migrant | minority");
  gc_population_free(&p);
  gc_world_free(&w);
}

/* ID scans record a wrong identity with probability identity_error. */
static void test_identity_errors(void **state) {
  (void)state;
  static gc_config cfg;
  const char *sets[] = {"sensors.id_scan.identity_error=0.1", "days=5",
                        "population.phones.registered_to_user=1"};
  gc_test_load("closed_form.yaml", sets, 3, &cfg);
  gc_run *run = gc_test_run_all(&cfg, 0);
  const gc_audit *a = gc_run_audit(run);
  uint64_t scans = 0, wrong = 0;
  for (int d = 0; d < cfg.days; d++) {
    scans += a->daily[d].obs_by_kind[GC_OBS_ID_SCAN];
    wrong += a->daily[d].identity_errors;
  }
  assert_true(scans > 1000);
  within((double)wrong, 0.1 * scans, sqrt(scans * 0.09), "identity errors");
  gc_run_free(run);
}

/* Invariants of the response: with capacity 0 nothing is done and every
** alert of an acting rule is unhandled; with response off nothing is done. */
static void test_response_invariants(void **state) {
  (void)state;
  static gc_config cfg;
  const char *sets[] = {"response.capacity_per_day=0", "days=5"};
  gc_test_load("small.yaml", sets, 2, &cfg);
  gc_run *run = gc_test_run_all(&cfg, 0);
  const gc_audit *a = gc_run_audit(run);
  for (int r = 0; r < cfg.nrules; r++) {
    gc_rule_day t = gc_audit_rule_total(a, r);
    assert_int_equal(t.actions, 0);
    assert_int_equal(t.detentions, 0);
    if (cfg.rule[r].action != GC_ACT_NONE && cfg.response.action[cfg.rule[r].action].cost > 0)
      assert_int_equal(t.unhandled, t.people_flagged);
  }
  gc_run_free(run);
  const char *off[] = {"response.enabled=false", "days=5"};
  gc_test_load("small.yaml", off, 2, &cfg);
  run = gc_test_run_all(&cfg, 0);
  a = gc_run_audit(run);
  for (int d = 0; d < cfg.days; d++) assert_int_equal(a->daily[d].actions, 0);
  gc_run_free(run);
}

/* A lawful claim makes every action a harm: innocent actions == actions. */
static void test_lawful_claims_are_harms(void **state) {
  (void)state;
  static gc_config cfg;
  const char *sets[] = {"days=10", "population.size=20000", "response.capacity_per_day=100000"};
  gc_test_load("small.yaml", sets, 3, &cfg);
  gc_run *run = gc_test_run_all(&cfg, 0);
  gc_rule_day t = gc_audit_rule_total(gc_run_audit(run), 3);   /* petitioner_station */
  assert_true(t.actions > 0);
  assert_int_equal(t.innocent_actions, t.actions);
  assert_true(t.people_with_claim > 0);
  gc_run_free(run);
}

static uint64_t actions_of_day(const gc_day *d) {
  uint64_t n = 0;
  for (int o = 0; o < GC_ORIGIN_N; o++) n += d->actions_by_origin[o];
  return n + d->actions;
}

/* Twin invariants: a twin with response switched off takes no action, and
** its true world is identical to the base run's (same events, same
** observations, same alerts) up to and including the first day on which
** police act in the base run; the runs may diverge only after it. */
static void twin_invariants(const char *file, const char *const *sets, int nsets) {
  static gc_config cfg, twin;
  gc_test_load(file, sets, nsets, &cfg);
  twin = cfg;
  twin.response.enabled = 0;
  gc_run *b = gc_test_run_all(&cfg, 0), *t = gc_test_run_all(&twin, 2);
  const gc_audit *ab = gc_run_audit(b), *at = gc_run_audit(t);
  int first = -1;
  for (int d = 0; d < cfg.days && first < 0; d++)
    if (actions_of_day(&ab->daily[d])) first = d;
  assert_true(first >= 0);                       /* the base run does act */
  for (int d = 0; d <= first; d++) {
    assert_memory_equal(&ab->daily[d].truth, &at->daily[d].truth, sizeof(gc_truth_tally));
    assert_memory_equal(ab->daily[d].obs_by_kind, at->daily[d].obs_by_kind, sizeof ab->daily[d].obs_by_kind);
    assert_int_equal(ab->daily[d].alerts, at->daily[d].alerts);
  }
  for (int d = 0; d < cfg.days; d++) assert_int_equal(actions_of_day(&at->daily[d]), 0);
  double sb[GC_M_N], st[GC_M_N];
  assert_int_equal(gc_run_summary(b, sb), GC_OK);
  assert_int_equal(gc_run_summary(t, st), GC_OK);
  assert_true(sb[GC_M_ACTIONS] > 0);
  assert_true(st[GC_M_ACTIONS] == 0 && st[GC_M_PEOPLE_DETAINED] == 0 && st[GC_M_INNOCENT_DETENTION_DAYS] == 0);
  gc_run_free(b);
  gc_run_free(t);
}

static void test_twin_invariants(void **state) {
  (void)state;
  const char *small[] = {"days=12", "population.size=20000"};
  twin_invariants("small.yaml", small, 2);
  const char *full[] = {"population.size=5000"};     /* every sensor, patrols, quotas, reactions */
  twin_invariants("full.yaml", full, 1);
}

/* The audits of two finished runs of cfg are identical, to the byte. */
static void assert_audits_equal(const gc_config *cfg, gc_run *r1, gc_run *r2) {
  const gc_audit *a = gc_run_audit(r1), *b = gc_run_audit(r2);
  assert_memory_equal(a->rule_daily, b->rule_daily, sizeof *a->rule_daily * (size_t)cfg->days * (size_t)cfg->nrules);
  assert_memory_equal(a->daily, b->daily, sizeof *a->daily * (size_t)cfg->days);
  assert_int_equal(a->ngroups, b->ngroups);
  assert_memory_equal(a->groups, b->groups, sizeof *a->groups * a->ngroups);
  assert_memory_equal(a->flagged, b->flagged, sizeof *a->flagged * gc_run_population(r1)->n);
  assert_int_equal(a->nharms, b->nharms);
  assert_memory_equal(a->harms, b->harms, sizeof *a->harms * a->nharms);
  assert_memory_equal(a->harm_count, b->harm_count, sizeof *a->harm_count * GC_HC_N * gc_run_population(r1)->n);
  assert_memory_equal(a->list_group_daily, b->list_group_daily,
                      sizeof *a->list_group_daily * (size_t)cfg->days * (size_t)cfg->nlists * (size_t)a->nvalues);
}

/* Same seed, 1 and 2 threads: identical audit, to the byte. */
static void test_threads_identical(void **state) {
  (void)state;
  static gc_config cfg;
  gc_test_load("small.yaml", NULL, 0, &cfg);
  gc_run *r1 = gc_test_run_all(&cfg, 1), *r2 = gc_test_run_all(&cfg, 2);
  assert_audits_equal(&cfg, r1, r2);
  gc_run_free(r1);
  gc_run_free(r2);
}

/* gc_run_rewind (the explained sample's replay): a run taken back to day 0,
** after all its days or only some, then run to the end gives the audit and
** the agents' final state of a run built afresh, to the byte. */
static void rewind_identical(const char *file, const char **sets, int nsets) {
  static gc_config cfg;
  gc_test_load(file, sets, nsets, &cfg);
  gc_run *fresh = gc_test_run_all(&cfg, 2), *again = gc_test_run_all(&cfg, 2);
  char err[256];
  for (int partial = 0; partial < 2; partial++) {
    assert_int_equal(gc_run_rewind(again, err, sizeof err), GC_OK);
    assert_int_equal(gc_run_day(again), 0);
    int rc, days = 0;
    while ((!partial || days < 3) && (rc = gc_run_step(again)) == GC_OK) days++;
    if (partial) continue;                         /* rewound again in the middle of the run */
    assert_int_equal(rc, GC_DONE);
    assert_int_equal(gc_run_finish(again), GC_OK);
    assert_audits_equal(&cfg, fresh, again);
    const gc_population *p = gc_run_population(fresh), *q = gc_run_population(again);
    assert_memory_equal(p->st.lists, q->st.lists, p->n * sizeof *p->st.lists);
    assert_memory_equal(p->st.flags, q->st.flags, p->n);
    assert_memory_equal(p->st.detained_until, q->st.detained_until, p->n * sizeof *p->st.detained_until);
    assert_memory_equal(p->st.risk, q->st.risk, p->n);
    assert_memory_equal(p->st.evasion_money, q->st.evasion_money, p->n * sizeof *p->st.evasion_money);
    assert_memory_equal(p->st.hh_trust, q->st.hh_trust, p->nhh);
    assert_true(gc_run_observations(again) == gc_run_observations(fresh));
  }
  assert_int_equal(gc_run_rewind(again, err, sizeof err), GC_OK);
  while (gc_run_step(again) == GC_OK) {}
  assert_int_equal(gc_run_finish(again), GC_OK);
  assert_audits_equal(&cfg, fresh, again);
  gc_run_free(fresh);
  gc_run_free(again);
}

static void test_rewind_identical(void **state) {
  (void)state;
  rewind_identical("small.yaml", NULL, 0);
  const char *full[] = {"population.size=4000"};   /* every sensor, inference, patrols, reactions */
  rewind_identical("full.yaml", full, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_presence_binomial),
    cmocka_unit_test(test_percentile_exact),
    cmocka_unit_test(test_disparity_mechanism),
    cmocka_unit_test(test_household_sizes),
    cmocka_unit_test(test_identity_errors),
    cmocka_unit_test(test_response_invariants),
    cmocka_unit_test(test_lawful_claims_are_harms),
    cmocka_unit_test(test_threads_identical),
    cmocka_unit_test(test_rewind_identical),
    cmocka_unit_test(test_twin_invariants),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
