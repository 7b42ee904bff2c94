/*
** test_scenario.c — unit tests of gc_scenario and gc_diag.
**
** What is pinned down here: the built-in default loads cleanly and its
** names resolve to the right indices (the contract every other module
** relies on); --set overrides replace, add and address rules by name;
** one load reports every error with file:line:col and key path; and the
** provenance hash moves with the overrides.  The malformed-scenario corpus
** in tests/bad/ is also checked here, through the library, when the test
** can find it (tests/bad/check.sh checks the same files through the CLI).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc_names.h"
#include "gc_scenario.h"
#include "gc_test.h"

/* One load: the config and its messages, freed by fx_free. */
typedef struct fx {
  gc_config *cfg;
  gc_diag *diag;
  int nerr;
} fx;

static fx fx_load(const char *name, const char *text, const char *const *sets, int nsets) {
  fx f;
  f.cfg = malloc(sizeof *f.cfg);
  f.diag = gc_diag_new();
  assert_non_null(f.cfg);
  assert_non_null(f.diag);
  f.nerr = gcs_load(name, text, strlen(text), sets, nsets, f.cfg, f.diag);
  return f;
}

static fx fx_default(const char *const *sets, int nsets) {
  size_t len;
  const char *text = gcs_builtin_text("default", &len);
  assert_non_null(text);
  assert_int_equal(strlen(text), len);
  return fx_load("default", text, sets, nsets);
}

static void fx_free(fx *f) {
  free(f->cfg);
  gc_diag_free(f->diag);
}

static void fx_print(const fx *f) {
  gc_diag_print(f->diag, stderr);
}

/* 1 if some message contains all of the given substrings. */
static int has_msg(const fx *f, const char *a, const char *b) {
  for (int i = 0; i < gc_diag_count(f->diag); i++) {
    const char *m = gc_diag_msg(f->diag, i);
    if (strstr(m, a) && (!b || strstr(m, b))) return 1;
  }
  return 0;
}

static void expect_ok(const fx *f) {
  if (f->nerr) fx_print(f);
  assert_int_equal(f->nerr, 0);
}

static void expect_cond(gc_cond c, int kind, int index, int value) {
  assert_int_equal(c.kind, kind);
  assert_int_equal(c.index, index);
  assert_int_equal(c.value, value);
}

/* A small valid scenario used by several tests. */
static const char SMALL[] =
  "days: 10\n"
  "population:\n"
  "  size: 1000\n"
  "  traits:\n"
  "    sex: {values: {female: 0.5, male: 0.5}}\n"
  "    migrant: {prevalence: 0.2, given: {sex=male: 0.3}}\n"
  "  truth:\n"
  "    theft: {prevalence: 0.01, given: {migrant: 0.02}}\n"
  "lists:\n"
  "  watched: {members: {any: [migrant], all: [sex=male]}}\n"
  "  later: {}\n"
  "rules:\n"
  "  - name: r1\n"
  "    kind: presence\n"
  "    who: watched\n"
  "    where: station\n"
  "    claims: theft\n"
  "    priority: default\n"
  "    action: list_entry\n"
  "    list: later\n";

/* ---------------------------------------------------------------- default */

static void test_default_loads(void **state) {
  (void)state;
  fx f = fx_default(NULL, 0);
  const gc_config *c = f.cfg;
  expect_ok(&f);
  assert_string_equal(c->name, "default");
  assert_int_equal(c->population.size, 200000);
  assert_int_equal(c->days, 30);
  assert_true(c->seed == 20171119u);
  assert_int_equal(c->start_weekday, 0);
  assert_int_equal(c->population.ntraits, 7);
  assert_int_equal(c->population.ntruth, 4);
  assert_int_equal(c->nlists, 5);
  assert_int_equal(c->nrules, 8);
  assert_int_equal(c->response.npriorities, 3);
  fx_free(&f);
}

static void test_default_rules(void **state) {
  (void)state;
  static const int kinds[8] = {GC_RULE_PRESENCE, GC_RULE_COPRESENCE, GC_RULE_COPRESENCE,
                               GC_RULE_FREQUENCY, GC_RULE_FREQUENCY, GC_RULE_PRESENCE,
                               GC_RULE_BASELINE, GC_RULE_BASELINE};
  fx f = fx_default(NULL, 0);
  const gc_config *c = f.cfg;
  expect_ok(&f);
  for (int i = 0; i < 8; i++) {
    assert_int_equal(c->rule[i].kind, kinds[i]);
    assert_int_equal(c->rule[i].action_list, -1);
  }
  const gc_rule_cfg *r = &c->rule[0];
  assert_string_equal(r->name, "drug_history_hotel");
  assert_string_equal(r->source, "WANG-2017");
  assert_int_equal(r->who.nany, 1);
  expect_cond(r->who.any[0], GC_COND_LIST, gc_test_list(c, "drug_users"), 1);
  assert_int_equal(r->nwhere, 1);
  assert_int_equal(r->where[0], GC_PLACE_HOTEL);
  assert_int_equal(r->claims[0], gc_test_truth(c, "active_drug_use"));
  assert_int_equal(r->priority, 1);
  assert_int_equal(r->action, GC_ACT_DRUG_TEST);
  assert_int_equal(r->then_list, -1);
  r = &c->rule[1];
  assert_int_equal(r->who.nany, 4);
  assert_int_equal(r->min_people, 4);
  assert_int_equal(r->within_minutes, 1440);
  assert_true(r->radius_m == 2000);
  assert_int_equal(r->then_list, gc_test_list(c, "key_persons"));
  r = &c->rule[3];
  assert_int_equal(r->who.everyone, 1);
  assert_int_equal(r->event, GC_EV_HOTEL_STAY_LOCAL);
  assert_int_equal(r->nclaims, 3);
  assert_int_equal(r->purchase, -1);
  assert_int_equal(r->window_days, 30);
  r = &c->rule[6];
  assert_int_equal(r->measure, GC_MEASURE_WATER);
  assert_int_equal(r->over, GC_OVER_PERCENTILE);
  assert_true(r->percentile == 99.5);
  assert_int_equal(r->min_history_days, 7);
  assert_int_equal(c->rule[7].over, GC_OVER_BASELINE);
  assert_true(c->rule[7].factor == 2.0);
  fx_free(&f);
}

static void test_default_population(void **state) {
  (void)state;
  fx f = fx_default(NULL, 0);
  const gc_config *c = f.cfg;
  const gc_population_cfg *p = &c->population;
  expect_ok(&f);
  int eth = gc_test_trait(c, "ethnicity"), mig = gc_test_trait(c, "migrant"), drug = gc_test_trait(c, "drug_history");
  assert_int_equal(p->trait[eth].reference_value, 0);
  assert_int_equal(p->trait[eth].shared_by_household, 1);
  assert_int_equal(p->trait[gc_test_trait(c, "sex")].reference_value, 0); /* tie: first value */
  assert_int_equal(p->trait[mig].ngiven, 1);
  expect_cond(p->trait[mig].given[0].cond, GC_COND_TRAIT, eth, 1);
  assert_true(p->trait[mig].given[0].share[1] == 0.35);
  expect_cond(p->trait[drug].given[0].cond, GC_COND_TRAIT, mig, 1);
  const gc_truth *t = &p->truth[gc_test_truth(c, "petition_trip")];
  assert_int_equal(t->lawful, 1);
  expect_cond(t->given[0].cond, GC_COND_TRAIT, gc_test_trait(c, "petition_grievance"), 1);
  assert_int_equal(p->households.nsizes, 5);
  expect_cond(p->households.crowded_if, GC_COND_TRAIT, mig, 1);
  assert_int_equal(p->households.ncrowded, 3);
  assert_int_equal(p->households.crowded_size[2], 12);
  fx_free(&f);
}

static void test_default_rest(void **state) {
  (void)state;
  fx f = fx_default(NULL, 0);
  const gc_config *c = f.cfg;
  expect_ok(&f);
  assert_int_equal(c->list[gc_test_list(c, "red_list")].exempt, 1);
  assert_int_equal(c->list[gc_test_list(c, "drug_users")].exempt, 0);
  assert_int_equal(c->list[gc_test_list(c, "key_persons")].initially_empty, 1);
  assert_int_equal(c->list[gc_test_list(c, "drug_users")].initially_empty, 0);
  assert_int_equal(c->activity.offence_truth, gc_test_truth(c, "pickpocketing"));
  const gc_behaviour_cfg *b = &c->activity.beh[GC_BEH_STATION_VISIT];
  assert_int_equal(b->nmult, 1);
  expect_cond(b->mult[0].cond, GC_COND_TRUTH, gc_test_truth(c, "pickpocketing"), 1);
  assert_true(b->mult[0].factor == 60);
  assert_true(c->activity.beh[GC_BEH_ERRAND].rate_weekend == 1.0);
  assert_int_equal(c->activity.npurchases, 1);
  assert_true(c->sensors.id_coverage[GC_PLACE_HOTEL] == 0.95);
  assert_true(c->sensors.id_detection[GC_PLACE_CHECKPOINT] == 0.6);
  assert_int_equal(c->response.action[GC_ACT_VISIT].on_finding, GC_ACT_DETENTION);
  assert_int_equal(c->response.action[GC_ACT_DETENTION].days, 15);
  assert_true(c->world.places_per_1000[GC_PLACE_STATION] == 0.02);
  fx_free(&f);
}

static void test_small_and_defaults(void **state) {
  (void)state;
  fx f = fx_load("small.yaml", SMALL, NULL, 0);
  const gc_config *c = f.cfg;
  expect_ok(&f);
  assert_string_equal(c->name, "scenario");
  assert_true(c->seed == 1);
  assert_true(c->world.city_km == 18);
  assert_int_equal(c->response.capacity_per_day, 40);
  assert_string_equal(c->response.priority[0], "default");
  assert_int_equal(c->response.enabled, 1);
  assert_int_equal(c->activity.offence_truth, -1);
  assert_true(c->activity.beh[GC_BEH_CALLS].rate_weekday == 5);
  assert_true(c->sensors.id_detection[GC_PLACE_STATION] == 1);
  const gc_list_cfg *w = &c->list[0];
  assert_int_equal(w->members.nany, 1);
  assert_int_equal(w->members.nall, 1);
  expect_cond(w->members.all[0], GC_COND_TRAIT, 0, 1);
  assert_int_equal(c->rule[0].action, GC_ACT_LIST_ENTRY);
  assert_int_equal(c->rule[0].action_list, 1);
  expect_cond(c->population.truth[0].given[0].cond, GC_COND_TRAIT, 1, 1);
  fx_free(&f);
}

/* -------------------------------------------------------------- overrides */

static void test_set_size(void **state) {
  (void)state;
  const char *sets[] = {"population.size=1000", "days=7"};
  fx f = fx_default(sets, 2);
  expect_ok(&f);
  assert_int_equal(f.cfg->population.size, 1000);
  assert_int_equal(f.cfg->days, 7);
  fx_free(&f);
}

static void test_set_where(void **state) {
  (void)state;
  const char *sets[] = {"rules[0].where=[hotel,station]"};
  fx f = fx_default(sets, 1);
  expect_ok(&f);
  assert_int_equal(f.cfg->rule[0].nwhere, 2);
  assert_int_equal(f.cfg->rule[0].where[0], GC_PLACE_HOTEL);
  assert_int_equal(f.cfg->rule[0].where[1], GC_PLACE_STATION);
  fx_free(&f);
}

static void test_set_rule_by_name(void **state) {
  (void)state;
  const char *sets[] = {"rules.drug_history_hotel.priority=stability",
                        "rules.electricity_jump.factor=3"};
  fx f = fx_default(sets, 2);
  expect_ok(&f);
  assert_int_equal(f.cfg->rule[0].priority, 0);
  assert_true(f.cfg->rule[7].factor == 3);
  fx_free(&f);
}

/* No sensor observes homes: a rule on them would never fire, so it is refused. */
static void test_where_home_refused(void **state) {
  (void)state;
  const char *sets[] = {"rules[0].where=[hotel, home]"};
  fx f = fx_default(sets, 1);
  assert_true(has_msg(&f, "rules[0].where[1]: no sensor observes homes", NULL));
  fx_free(&f);
}

static void test_set_adds(void **state) {
  (void)state;
  const char *sets[] = {
    "activity.behaviours.errand={rate: 2}", "world.places_per_1000.hotel=1.5",
    "rules[8]={name: extra, kind: presence, who: everyone, where: shop, claims: pickpocketing, "
    "priority: drugs}",
    "sensors.phone_records={coverage: 0.5}"};
  fx f = fx_default(sets, 4);
  expect_ok(&f);
  assert_true(f.cfg->activity.beh[GC_BEH_ERRAND].rate_weekday == 2);
  assert_true(f.cfg->activity.beh[GC_BEH_ERRAND].rate_weekend == 2);
  assert_true(f.cfg->world.places_per_1000[GC_PLACE_HOTEL] == 1.5);
  assert_int_equal(f.cfg->nrules, 9);
  assert_string_equal(f.cfg->rule[8].name, "extra");
  assert_int_equal(f.cfg->rule[8].where[0], GC_PLACE_SHOP);
  assert_true(f.cfg->sensors.phone_coverage == 0.5);
  fx_free(&f);
}

static void test_set_errors(void **state) {
  (void)state;
  const char *sets[] = {"population.size=-5", "population.sise=3", "rules.nosuch.priority=x",
                        "rules[20].name=x", "novalue", "days=[1"};
  fx f = fx_default(sets, 6);
  if (f.nerr != 6) fx_print(&f);
  assert_int_equal(f.nerr, 6);
  assert_true(has_msg(&f, "--set:1:17: population.size: ", "got -5"));
  assert_true(has_msg(&f, "--set:1:12: population.sise: unknown key \"sise\"",
                      "did you mean \"size\"?"));
  assert_true(has_msg(&f, "--set:1:7: rules.nosuch.priority: no item named \"nosuch\"", NULL));
  assert_true(has_msg(&f, "--set:1:6: rules[20].name: index [20] is out of range", NULL));
  assert_true(has_msg(&f, "--set:1:1: novalue: expected key.path=value", NULL));
  assert_true(has_msg(&f, "--set:1:", "days: YAML syntax error"));
  fx_free(&f);
}

static void test_hash(void **state) {
  (void)state;
  const char *a[] = {"days=5"}, *b[] = {"days=6"}, *ab[] = {"a", "bc"}, *ba[] = {"ab", "c"};
  uint64_t h0 = gcs_hash("x: 1", 4, NULL, 0);
  assert_true(h0 == gcs_hash("x: 1", 4, NULL, 0));
  assert_true(h0 != gcs_hash("x: 1", 4, a, 1));
  assert_true(gcs_hash("x: 1", 4, a, 1) != gcs_hash("x: 1", 4, b, 1));
  assert_true(gcs_hash("", 0, ab, 2) != gcs_hash("", 0, ba, 2));
  assert_true(gcs_hash("", 0, NULL, 0) == 14695981039346656037ULL);
}

/* ----------------------------------------------------------------- errors */

static void test_many_errors_one_pass(void **state) {
  (void)state;
  const char *text =
    "days: 0\n"                               /* range */
    "population:\n"
    "  sise: 10\n"                            /* unknown key, and size missing */
    "  employed: 1.5\n"                       /* range */
    "  traits:\n"
    "    sex: {values: {f: 0.5, m: 0.4}}\n"  /* shares */
    "    age: {values: {young: 0.5, old: 0.5}}\n"
    "rules:\n"
    "  - name: Bad-Name\n"                    /* name */
    "    kind: presence\n"
    "    who: age=x\n"                        /* no such value */
    "    where: [hotel, moon]\n"              /* place */
    "    claims: nothing\n"                   /* truth */
    "    priority: default\n";
  fx f = fx_load("m.yaml", text, NULL, 0);
  assert_true(has_msg(&f, "m.yaml:1:7: days: must be between 1 and 3650, got 0", NULL));
  assert_true(has_msg(&f, "m.yaml:3:3: population.sise: unknown key \"sise\" (did you mean \"size\"?)",
                      NULL));
  assert_true(has_msg(&f, "m.yaml:3:3: population.size: required key is missing", NULL));
  assert_true(has_msg(&f, "m.yaml:4:13: population.employed: must be between 0 and 1, got 1.5",
                      NULL));
  assert_true(has_msg(&f, "m.yaml:6:19: population.traits.sex.values: shares must sum to 1", NULL));
  assert_true(has_msg(&f, "m.yaml:9:11: rules[0].name: ", "not a valid name"));
  assert_true(has_msg(&f, "m.yaml:11:10: rules[0].who: trait \"age\" has no value \"x\"", NULL));
  assert_true(has_msg(&f, "m.yaml:12:20: rules[0].where[1]: unknown place type \"moon\"", NULL));
  assert_true(has_msg(&f, "m.yaml:13:13: rules[0].claims: unknown hidden-truth condition", NULL));
  assert_int_equal(f.nerr, 9);
  /* sorted into reading order */
  assert_non_null(strstr(gc_diag_msg(f.diag, 0), "m.yaml:1:7:"));
  assert_non_null(strstr(gc_diag_msg(f.diag, 8), "m.yaml:13:13:"));
  fx_free(&f);
}

static void test_did_you_mean(void **state) {
  (void)state;
  fx f = fx_load("d.yaml", "days: 3\npopulation: {size: 5}\nactivty: {}\nrules:\n - {kind: presnce}\n",
                 NULL, 0);
  assert_true(has_msg(&f, "d.yaml:3:1: activty: unknown key \"activty\" (did you mean \"activity\"?)",
                      NULL));
  assert_true(has_msg(&f, "rules[0].kind: unknown rule kind \"presnce\" (did you mean \"presence\"?)",
                      NULL));
  fx_free(&f);
}

static void test_kind_keys(void **state) {
  (void)state;
  const char *sets[] = {"rules[0].min_count=3", "rules[6].factor=2", "rules[3].radius=5"};
  fx f = fx_default(sets, 3);
  assert_true(has_msg(&f, "rules[0].min_count: not used by rules of kind presence", NULL));
  assert_true(has_msg(&f, "rules[6].factor: only used with over: baseline", NULL));
  assert_true(has_msg(&f, "rules[3].radius: unknown key", NULL));
  assert_int_equal(f.nerr, 3);
  fx_free(&f);
}

static void test_names_and_truth(void **state) {
  (void)state;
  const char *sets[] = {"lists.migrant={}", "rules[0].who=active_drug_use",
                        "lists.drug_users.members=active_drug_use"};
  fx f = fx_default(sets, 3);
  assert_true(has_msg(&f, "lists.migrant: the name \"migrant\" is already used by a trait", NULL));
  assert_true(has_msg(&f, "rules[0].who: the platform cannot see hidden truth", NULL));
  assert_true(has_msg(&f, "lists.drug_users.members: the platform cannot see hidden truth", NULL));
  fx_free(&f);
}

static void test_empty_and_syntax(void **state) {
  (void)state;
  fx f = fx_load("e.yaml", "# only a comment\n", NULL, 0);
  assert_int_equal(f.nerr, 1);
  assert_true(has_msg(&f, "e.yaml:1:1: (top level): the scenario is empty", NULL));
  fx_free(&f);
  f = fx_load("s.yaml", "days: 3\npopulation:\n  size: [1, 2\n", NULL, 0);
  assert_int_equal(f.nerr, 1);
  assert_true(has_msg(&f, "s.yaml:", "population.size: YAML syntax error"));
  fx_free(&f);
  f = fx_load("t.yaml", "days: 3\npopulation:\n\tsize: 4\n", NULL, 0);
  assert_true(has_msg(&f, "t.yaml:3:1: ", "tabs cannot indent YAML"));
  fx_free(&f);
}

static void test_alias_bomb(void **state) {
  (void)state;
  char text[4096];
  size_t k = (size_t)snprintf(text, sizeof text, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
  for (int i = 1; i < 12; i++)
    k += (size_t)snprintf(text + k, sizeof text - k,
                          "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
                          i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
  fx f = fx_load("bomb.yaml", text, NULL, 0);
  assert_true(has_msg(&f, "expands to too many nodes", NULL));
  fx_free(&f);
}

static void test_unreadable_file(void **state) {
  (void)state;
  gc_config *c = malloc(sizeof *c);
  gc_diag *d = gc_diag_new();
  assert_int_equal(gcs_load_file("/nonexistent/dir/x.yaml", NULL, 0, c, d), 1);
  assert_non_null(strstr(gc_diag_msg(d, 0), "/nonexistent/dir/x.yaml: cannot read"));
  free(c);
  gc_diag_free(d);
}

static void test_diag_format(void **state) {
  (void)state;
  gc_diag *d = gc_diag_new();
  gc_diag_add(d, "f", 3, 4, "a.b", "bad %d", 7);
  gc_diag_add(d, "f", 0, 0, "a", "no position");
  gc_diag_add(d, "f", 1, 2, NULL, "no path");
  gc_diag_add(d, "g", 1, 1, "x", "other file");
  assert_int_equal(gc_diag_count(d), 4);
  assert_string_equal(gc_diag_msg(d, 0), "f:3:4: a.b: bad 7");
  assert_string_equal(gc_diag_msg(d, 1), "f: a: no position");
  assert_string_equal(gc_diag_msg(d, 2), "f:1:2: no path");
  gc_diag_sort(d, 0);
  assert_string_equal(gc_diag_msg(d, 0), "f: a: no position");
  assert_string_equal(gc_diag_msg(d, 1), "f:1:2: no path");
  assert_string_equal(gc_diag_msg(d, 3), "g:1:1: x: other file");
  gc_diag_free(d);
  gc_diag_free(NULL);
}

static void test_vocab(void **state) {
  (void)state;
  assert_string_equal(gc_place_type_name(GC_PLACE_HOTEL), "hotel");
  assert_string_equal(gc_event_kind_name(GC_EV_PURCHASE), "purchase");
  assert_string_equal(gc_action_name(GC_ACT_NONE), "none");
  assert_string_equal(gc_rule_kind_name(GC_RULE_NKINDS), "?");
  assert_null(gcs_builtin_text("no-such-scenario", NULL));
}

/* ------------------------------------------------ the full model (issue 3) */

#ifndef GC_TEST_DATA
#define GC_TEST_DATA "tests/data"
#endif

/* tests/data/full.yaml with overrides: every key of the full model. */
static fx fx_full(const char *const *sets, int nsets) {
  fx f;
  f.cfg = malloc(sizeof *f.cfg);
  f.diag = gc_diag_new();
  assert_non_null(f.cfg);
  assert_non_null(f.diag);
  f.nerr = gcs_load_file(GC_TEST_DATA "/full.yaml", sets, nsets, f.cfg, f.diag);
  return f;
}

static int rule(const gc_config *c, const char *name) {
  for (int i = 0; i < c->nrules; i++)
    if (!strcmp(c->rule[i].name, name)) return i;
  fail_msg("no rule %s", name);
  return -1;
}

static void test_full_population(void **state) {
  (void)state;
  fx f = fx_full(NULL, 0);
  const gc_config *c = f.cfg;
  const gc_population_cfg *p = &c->population;
  expect_ok(&f);
  assert_int_equal(p->size, 3000);
  assert_int_equal(c->days, 14);
  assert_true(c->world.places_per_1000[GC_PLACE_COMPOUND] == 1.5);
  assert_true(c->world.places_per_1000[GC_PLACE_RELIGIOUS] == 0.3);
  assert_true(p->phone_second_hand == 0.02);
  assert_true(p->vehicle_owner == 0.3);
  assert_true(p->vehicle_registered_to_user == 0.8);
  const gc_trust_cfg *t = &p->trust;
  assert_int_equal(t->nlevels, 3);
  assert_string_equal(t->level[0], "trusted");
  assert_string_equal(t->level[2], "distrusted");
  assert_true(t->visit_every_days[0] == 60 && t->visit_every_days[1] == 14 &&
              t->visit_every_days[2] == 1);
  assert_int_equal(t->initial, 1);
  assert_int_equal(t->ngiven, 2);
  expect_cond(t->given[0], GC_COND_TRAIT, gc_test_trait(c, "ethnicity"), 1);
  assert_int_equal(t->given_level[0], 2);
  expect_cond(t->given[1], GC_COND_TRAIT, gc_test_trait(c, "official"), 1);
  assert_int_equal(t->given_level[1], 0);
  assert_int_equal(t->drop_per_action, 1);
  assert_int_equal(t->recover_days, 60);
  assert_int_equal(p->nrisk, 4);
  assert_string_equal(p->risk[0], "none");
  assert_string_equal(p->risk[3], "high");
  fx_free(&f);
}

static void test_full_activity(void **state) {
  (void)state;
  fx f = fx_full(NULL, 0);
  const gc_config *c = f.cfg;
  const gc_activity_cfg *a = &c->activity;
  expect_ok(&f);
  assert_int_equal(a->offence_places, (1u << GC_PLACE_STATION) | (1u << GC_PLACE_LEISURE));
  assert_int_equal(a->petition_truth, gc_test_truth(c, "petition_trip"));
  assert_true(a->trip_by_car == 0.5);
  assert_true(a->travel_together == 0.3);
  assert_int_equal(a->holiday_first_day, 9);   /* first_day: 10 is day index 9 */
  assert_int_equal(a->holiday_days, 4);
  assert_true(a->holiday_partner_visit == 0.9);
  const gc_behaviour_cfg *b = &a->beh[GC_BEH_STATION_VISIT];
  assert_true(b->minutes == 90);
  assert_int_equal(b->nminmult, 1);
  expect_cond(b->minmult[0].cond, GC_COND_TRUTH, gc_test_truth(c, "pickpocketing"), 1);
  assert_true(b->minmult[0].factor == 3);
  assert_int_equal(b->nmult, 1);
  b = &a->beh[GC_BEH_COMPOUND_VISIT];
  assert_true(b->rate_weekday == 0.02 && b->rate_weekend == 0.02);
  expect_cond(b->mult[0].cond, GC_COND_TRUTH, gc_test_truth(c, "pyramid_scheme"), 1);
  assert_true(a->beh[GC_BEH_COMPANIONS].rate_weekday == 1.0);
  assert_true(a->beh[GC_BEH_NEW_COMPANION].mult[0].factor == 8);
  assert_true(a->beh[GC_BEH_PARTNER_VISIT].mult[0].factor == 0.02);
  assert_true(a->beh[GC_BEH_RELIGIOUS].minutes == 60);
  assert_true(a->beh[GC_BEH_LEISURE].minutes == 90);
  assert_true(a->beh[GC_BEH_ERRAND].minutes == 30);
  fx_free(&f);
}

static void test_full_sensors(void **state) {
  (void)state;
  fx f = fx_full(NULL, 0);
  const gc_config *c = f.cfg;
  const gc_sensor_cfg *s = &c->sensors;
  expect_ok(&f);
  assert_true(s->cctv.coverage[GC_PLACE_STATION] == 0.8);
  assert_true(s->cctv.coverage[GC_PLACE_RELIGIOUS] == 1.0);
  assert_true(s->cctv.coverage[GC_PLACE_HOTEL] == 0);
  assert_true(s->cctv.infrared == 0.3 && s->cctv.night_factor == 0.4);
  assert_true(s->cctv.miss == 0.1 && s->cctv.false_match == 0.001);
  assert_int_equal(s->cctv.homes_list, gc_test_list(c, "mental_illness"));
  assert_int_equal(s->cctv.homes_count, 9);
  assert_true(s->wifi_coverage[GC_PLACE_LEISURE] == 0.2 && s->wifi_detection == 0.8);
  assert_true(s->plate_coverage[GC_PLACE_CHECKPOINT] == 1.0);
  assert_true(s->plate_detection == 0.95 && s->plate_misread == 0.01);
  assert_true(s->compound_coverage == 0.6 && s->companion_recorded == 0.8);
  assert_true(s->railway_coverage == 1.0 && s->payment_coverage == 0.8);
  assert_true(s->phone_location_coverage == 1.0 && s->linkage_error == 0.01);
  assert_int_equal(s->home_visit.nunusual, 2);
  expect_cond(s->home_visit.unusual_if[1], GC_COND_TRUTH, gc_test_truth(c, "religious_practice"), 1);
  assert_true(s->home_visit.unusual_prob[0] == 0.2 && s->home_visit.unusual_otherwise == 0.01);
  assert_int_equal(s->inference.enabled, 1);
  assert_int_equal(s->inference.min_together, 3);
  assert_int_equal(s->inference.travel_minutes, 30);
  assert_int_equal(s->inference.window_days, 7);
  assert_int_equal(s->inference.from_list, gc_test_list(c, "petitioners"));
  assert_int_equal(s->inference.join_list, gc_test_list(c, "key_persons"));
  fx_free(&f);
}

static void test_full_rules(void **state) {
  (void)state;
  fx f = fx_full(NULL, 0);
  const gc_config *c = f.cfg;
  expect_ok(&f);
  const gc_rule_cfg *r = &c->rule[rule(c, "risk_score")];
  assert_int_equal(r->kind, GC_RULE_SCORE);
  assert_int_equal(r->nfeatures, 7);
  assert_int_equal(r->feature[0].kind, GC_FEAT_COND);
  expect_cond(r->feature[0].cond, GC_COND_TRAIT, gc_test_trait(c, "petition_grievance"), 1);
  assert_true(r->feature[0].weight == 2);
  expect_cond(r->feature[1].cond, GC_COND_TRUST, 0, 2);
  assert_int_equal(r->feature[2].kind, GC_FEAT_EVENTS);
  assert_int_equal(r->feature[2].event, GC_EV_TICKET);
  assert_true(r->feature[2].cap == 3);
  assert_int_equal(r->feature[3].kind, GC_FEAT_ALERTS);
  assert_int_equal(r->feature[3].rule, -1);
  assert_int_equal(r->feature[4].rule, rule(c, "near_school"));   /* a later rule */
  assert_int_equal(r->feature[4].window_days, 7);
  assert_int_equal(r->feature[5].kind, GC_FEAT_ACTIONS);
  assert_int_equal(r->feature[5].window_days, 90);
  assert_int_equal(r->feature[6].kind, GC_FEAT_TIES);
  expect_cond(r->feature[6].cond, GC_COND_LIST, gc_test_list(c, "petitioners"), 1);
  assert_true(r->feature[6].cap == 4 && r->feature[6].weight == 0.5);
  assert_true(r->level_at[1] == 2 && r->level_at[2] == 4 && r->level_at[3] == 6);
  assert_int_equal(r->alert_level, 2);
  r = &c->rule[rule(c, "near_school")];
  assert_true(r->radius_m == 200);
  r = &c->rule[rule(c, "many_strangers")];
  assert_int_equal(r->event, GC_EV_COMPANION);
  assert_int_equal(r->distinct, 1);
  r = &c->rule[rule(c, "to_capital")];
  assert_int_equal(r->destination, GC_DEST_CAPITAL);
  assert_int_equal(r->who.nany, 2);
  expect_cond(r->who.any[1], GC_COND_RISK, 0, 3);
  r = &c->rule[rule(c, "phone_dark")];
  assert_int_equal(r->signal, GC_SIGNAL_PHONE);
  assert_int_equal(r->days, 2);
  expect_cond(r->who.any[1], GC_COND_TRUST, 0, 2);
  assert_int_equal(c->rule[rule(c, "couple_apart")].signal, GC_SIGNAL_PARTNER);
  r = &c->rule[rule(c, "station_loiter")];
  assert_int_equal(r->kind, GC_RULE_DWELL);
  assert_int_equal(r->where[0], GC_PLACE_STATION);
  assert_int_equal(r->min_minutes, 180);
  assert_int_equal(r->window_days, 1);
  fx_free(&f);
}

static void test_full_response_reactions(void **state) {
  (void)state;
  fx f = fx_full(NULL, 0);
  const gc_config *c = f.cfg;
  const gc_response_cfg *r = &c->response;
  const gc_reaction_cfg *x = &c->reaction;
  expect_ok(&f);
  assert_int_equal(r->carry_over_days, 2);
  assert_int_equal(r->quota_per_day, 5);
  assert_int_equal(r->quota_list, gc_test_list(c, "key_persons"));
  assert_int_equal(r->lower_risk_days, 30);
  assert_int_equal(r->intercept, 1);
  assert_int_equal(r->patrol.patrols, 2);
  assert_int_equal(r->patrol.districts_side, 4);
  assert_true(r->patrol.prior == 1 && r->patrol.decay == 0.01 && r->patrol.discover == 0.5);
  assert_true(r->patrol.reported == 0.1 && r->patrol.stop == 0.05);
  assert_int_equal(r->patrol.correction, 0);
  assert_int_equal(r->patrol.action, GC_ACT_DETENTION);
  assert_int_equal(x->aware.nany, 2);
  expect_cond(x->aware.any[0], GC_COND_TRAIT, gc_test_trait(c, "petition_grievance"), 1);
  expect_cond(x->aware.any[1], GC_COND_TRUST, 0, 2);
  assert_int_equal(x->aware_after_action, 1);
  assert_true(x->evade[GC_EVADE_PHONE_OFF].prob == 0.7);
  assert_true(x->evade[GC_EVADE_CASH].cost_minutes == 5);
  assert_true(x->evade[GC_EVADE_DECOY_TICKET].cost_money == 150);
  assert_true(x->evade[GC_EVADE_PRIVATE_DRIVER].cost_money == 800);
  assert_true(x->evade[GC_EVADE_CHANGE_VEHICLE].prob == 0.2);
  assert_true(x->deterrence == 0.3);
  assert_int_equal(x->deterrence_days, 60);
  assert_true(x->chilling == 0.5);
  fx_free(&f);
}

/* Defaults of the new keys: the full model is off unless a scenario turns it on. */
static void test_new_defaults(void **state) {
  (void)state;
  fx f = fx_load("small.yaml", SMALL, NULL, 0);
  const gc_config *c = f.cfg;
  expect_ok(&f);
  assert_int_equal(c->population.trust.nlevels, 0);
  assert_int_equal(c->population.nrisk, 0);
  assert_true(c->population.vehicle_owner == 0 && c->population.vehicle_registered_to_user == 1);
  assert_int_equal(c->activity.offence_places, 1u << GC_PLACE_STATION);
  assert_int_equal(c->activity.petition_truth, -1);
  assert_int_equal(c->activity.holiday_first_day, -1);
  assert_true(c->activity.travel_together == 0);
  assert_true(c->sensors.cctv.coverage[GC_PLACE_STATION] == 0 && c->sensors.cctv.night_factor == 1);
  assert_int_equal(c->sensors.cctv.homes_list, -1);
  assert_int_equal(c->sensors.inference.enabled, 0);
  assert_true(c->sensors.wifi_detection == 1 && c->sensors.railway_coverage == 0);
  assert_int_equal(c->response.patrol.patrols, 0);
  assert_int_equal(c->response.quota_list, -1);
  assert_int_equal(c->response.intercept, 1);
  assert_true(c->reaction.deterrence == 1);
  assert_int_equal(c->reaction.aware.everyone + c->reaction.aware.nany + c->reaction.aware.nall, 0);
  fx_free(&f);
  /* the first lawful truth petitions, even without an activity section */
  const char *sets[] = {"population.truth.theft.lawful=true"};
  f = fx_load("small.yaml", SMALL, sets, 1);
  expect_ok(&f);
  assert_int_equal(f.cfg->activity.petition_truth, 0);
  fx_free(&f);
  /* rule defaults: destination any, dwell over one day, score alerts at the top level */
  const char *more[] = {"rules[7]={name: m, kind: movement, who: everyone, claims: petition_trip, "
                        "priority: order}",
                        "rules[8]={name: d, kind: dwell, who: everyone, where: hotel, "
                        "min_minutes: 60, claims: pickpocketing, priority: order}",
                        "rules[9]={name: s, kind: score, who: everyone, claims: pyramid_scheme, "
                        "priority: order, features: [{if: migrant, weight: 1}], "
                        "levels: {low: 1, medium: 2, high: 3}}"};
  f = fx_full(more, 3);
  expect_ok(&f);
  assert_int_equal(f.cfg->rule[7].destination, GC_DEST_ANY);
  assert_int_equal(f.cfg->rule[8].window_days, 1);
  assert_int_equal(f.cfg->rule[9].alert_level, 3);
  assert_int_equal(f.cfg->rule[0].alert_level, 2);   /* alert_at: medium in the file */
  fx_free(&f);
}

static void test_full_sets(void **state) {
  (void)state;
  const char *sets[] = {"response.patrol.patrols=3", "rules[phone_dark].days=5",
                        "rules.station_loiter.min_minutes=240", "reactions.evasion.cash.prob=0.1",
                        "sensors.cctv.homes=3", "population.trust.initial=trusted",
                        "activity.offences_at=[hotel]", "rules[risk_score].levels.high=7",
};
  fx f = fx_full(sets, 8);
  expect_ok(&f);
  const gc_config *c = f.cfg;
  assert_int_equal(c->response.patrol.patrols, 3);
  assert_int_equal(c->rule[rule(c, "phone_dark")].days, 5);
  assert_int_equal(c->rule[rule(c, "station_loiter")].min_minutes, 240);
  assert_true(c->reaction.evade[GC_EVADE_CASH].prob == 0.1);
  assert_int_equal(c->sensors.cctv.homes_count, 3);
  assert_int_equal(c->population.trust.initial, 0);
  assert_int_equal(c->activity.offence_places, 1u << GC_PLACE_HOTEL);
  assert_true(c->rule[0].level_at[3] == 7);
  fx_free(&f);
  /* two risk levels: the rule, the aware selector and who must follow */
  const char *two[] = {"population.risk_levels=[none, high]", "rules.risk_score.levels={high: 3}",
                       "rules.risk_score.alert_at=high", "reactions.aware=none",
                       "rules.to_capital.who=petitioners"};
  f = fx_full(two, 5);
  expect_ok(&f);
  assert_int_equal(f.cfg->population.nrisk, 2);
  assert_true(f.cfg->rule[0].level_at[1] == 3);
  assert_int_equal(f.cfg->rule[0].alert_level, 1);
  assert_int_equal(f.cfg->reaction.aware.nany, 0);
  fx_free(&f);
}

/* Cross-checks of the new keys, one load, each with its own message. */
static void test_full_errors(void **state) {
  (void)state;
  const char *sets[] = {
    "rules.to_capital.distinct=true",                       /* key of another kind */
    "rules.many_strangers.event=ticket",                    /* distinct needs companion */
    "rules.risk_score.levels={low: 2, medium: 2, high: 6}", /* not rising */
    "rules.risk_score.alert_at=none",                       /* level 0 */
    "rules.risk_score.features[0]={if: pyramid_scheme, weight: 1}", /* truth */
    "rules.risk_score.features[3]={alerts: nosuch_rule, weight: 1}",
    "activity.behaviours.errand.multipliers={risk=high: 2}",  /* risk outside who/score/aware */
    "activity.holiday.days=6",                              /* past day 14 */
    "activity.petitions_by=pickpocketing",                  /* not lawful */
    "activity.behaviours.calls={minutes: 5}",               /* not a stay */
    "response.patrol.districts=1",                          /* 2 patrols, 1 district */
    "sensors.inference.associates_join=null",               /* needs both */
    "reactions.aware=[religious_practice]",                 /* truth */
    "reactions.evasion.cash.prob=1.5",
    "population.trust.given={petition_grievance: suspicious}",
    "activity.behaviours.partner_visit.rate=2",             /* a probability */
    "activity.travel_together=1.2",
  };
  fx f = fx_full(sets, 17);
  assert_true(has_msg(&f, "--set:1:", "rules[3].distinct: not used by rules of kind "
                      "movement (only by frequency rules)"));
  assert_true(has_msg(&f, "rules[2].distinct: distinct: true counts distinct companions", NULL));
  assert_true(has_msg(&f, "rules[0].levels.medium: thresholds must rise with the level: "
                      "medium (2) is not above low (2)", NULL));
  assert_true(has_msg(&f, "rules[0].alert_at: \"none\" is level 0", NULL));
  assert_true(has_msg(&f, "rules[0].features[0].if: the platform cannot see hidden truth",
                      NULL));
  assert_true(has_msg(&f, "rules[0].features[3].alerts: unknown rule \"nosuch_rule\"", NULL));
  assert_true(has_msg(&f, "multipliers.risk=high: \"risk=high\" is a risk-level condition", NULL));
  assert_true(has_msg(&f, "activity.holiday.days: the holiday (days 10 to 15) runs past", NULL));
  assert_true(has_msg(&f, "activity.petitions_by: \"pickpocketing\" is not lawful", NULL));
  assert_true(has_msg(&f, "activity.behaviours.calls.minutes: only used by stay behaviours", NULL));
  assert_true(has_msg(&f, "response.patrol.patrols: 2 patrols a day, but the city has only 1 district ", NULL));
  assert_true(has_msg(&f, "sensors.inference.associates_join: expected the name of a list", NULL));
  assert_true(has_msg(&f, "reactions.aware[0]: \"religious_practice\" is a hidden-truth condition",
                      NULL));
  assert_true(has_msg(&f, "reactions.evasion.cash.prob: must be between 0 and 1, got 1.5", NULL));
  assert_true(has_msg(&f, "population.trust.given.petition_grievance: unknown trust level "
                      "\"suspicious\"", NULL));
  assert_true(has_msg(&f, "partner_visit.rate: partner_visit is a probability", NULL));
  assert_true(has_msg(&f, "activity.travel_together: must be between 0 and 1, got 1.2", NULL));
  if (f.nerr != 17) fx_print(&f);
  assert_int_equal(f.nerr, 17);
  fx_free(&f);
}

/* Levels the scenario does not declare: trust and risk conditions, score rules, home visits. */
static void test_undeclared_levels(void **state) {
  (void)state;
  const char *sets[] = {"rules[0].who=[watched, trust=low]", "rules[1]={name: s, kind: score, "
                        "who: everyone, claims: theft, priority: default, features: [{if: migrant, "
                        "weight: 1}], levels: {high: 1}}",
                        "sensors.home_visits={unusual_otherwise: 0.1}",
                        "response.lower_risk_days=5", "rules[2]={name: f, kind: frequency, "
                        "who: risk=high, event: id_scan, min_count: 1, window_days: 1, "
                        "claims: theft, priority: default}"};
  fx f = fx_load("small.yaml", SMALL, sets, 5);
  assert_true(has_msg(&f, "rules[0].who[1]: \"trust=low\" needs trust levels, and none are declared",
                      NULL));
  assert_true(has_msg(&f, "rules[1].kind: score rules assign risk levels, and none are declared",
                      NULL));
  assert_true(has_msg(&f, "sensors.home_visits: home visits need population.trust.levels", NULL));
  assert_true(has_msg(&f, "response.lower_risk_days: lowers risk levels, and none are declared",
                      NULL));
  assert_true(has_msg(&f, "rules[2].who: \"risk=high\" needs risk levels", NULL));
  if (f.nerr != 5) fx_print(&f);
  assert_int_equal(f.nerr, 5);
  fx_free(&f);
}

/* trust=/risk= spelled wrong, or without a level; names reserved. */
static void test_level_conditions(void **state) {
  (void)state;
  const char *sets[] = {"rules.phone_dark.who=trust", "rules.to_capital.who=risk=hihg",
                        "rules.near_school.who=risk=none", "lists.trust={}"};
  fx f = fx_full(sets, 4);
  assert_true(has_msg(&f, "rules[4].who: \"trust\" needs a level: write trust=LEVEL "
                      "(allowed: trust=trusted, trust=normal, trust=distrusted)", NULL));
  assert_true(has_msg(&f, "rules[3].who: unknown risk level \"hihg\" (did you mean "
                      "\"risk=high\"?)", NULL));
  assert_true(has_msg(&f, "rules[1].who: \"risk=none\" holds for everyone", NULL));
  assert_true(has_msg(&f, "lists.trust: the name \"trust\" is already used by trust=/risk= "
                      "conditions", NULL));
  fx_free(&f);
}

/* ------------------------------------------------- the tests/bad/ corpus */

/* tests/bad: from $GC_BAD_DIR, next to the build's test data directory
** (tests/meson.build defines GC_TEST_DATA), or relative to the working
** directory; NULL (the test is skipped) if none exists. */
static const char *bad_dir(void) {
  static const char *const dirs[] = {
#ifdef GC_TEST_DATA
    GC_TEST_DATA "/../bad",
#endif
    "tests/bad", "../tests/bad", "../../tests/bad", "../../../tests/bad"};
  const char *env = getenv("GC_BAD_DIR");
  if (env) return env;
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    DIR *d = opendir(dirs[i]);
    if (d) return closedir(d), dirs[i];
  }
  return NULL;
}

/* Loads one bad file and checks its "# expect: LINE:COL KEY.PATH" line and,
** when present, its "# message: TEXT" line (how the problem begins). */
static void check_bad(const char *dir, const char *name) {
  char path[512], want[1024], line[512], line2[512] = "", msg[400] = "";
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  int ln, col;
  char key[200];
  assert_non_null(fgets(line, sizeof line, f));
  if (!fgets(line2, sizeof line2, f)) line2[0] = 0;
  fclose(f);
  if (sscanf(line, "# expect: %d:%d %199[^\n]", &ln, &col, key) != 3) fail_msg("%s: no expect line", path);
  if (sscanf(line2, "# message: %399[^\n]", msg) != 1) msg[0] = 0;
  snprintf(want, sizeof want, "%s:%d:%d: %s: %s", path, ln, col, key, msg);
  gc_config *c = malloc(sizeof *c);
  gc_diag *d = gc_diag_new();
  int n = gcs_load_file(path, NULL, 0, c, d);
  int found = 0;
  for (int i = 0; i < gc_diag_count(d); i++) found |= strstr(gc_diag_msg(d, i), want) != NULL;
  if (!found || n < 1) {
    gc_diag_print(d, stderr);
    fail_msg("%s: expected a message starting %s", path, want);
  }
  free(c);
  gc_diag_free(d);
}

static void test_bad_corpus(void **state) {
  (void)state;
  const char *dir = bad_dir();
  if (!dir) skip();
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml")) check_bad(dir, e->d_name), n++;
  }
  closedir(d);
  assert_true(n >= 60);
}

/* petitions_by: none switches petitions off although truths are lawful. */
static void test_petitions_by_none(void **state) {
  (void)state;
  fx f = fx_full(NULL, 0);
  expect_ok(&f);
  assert_true(f.cfg->activity.petition_truth >= 0);
  fx_free(&f);
  const char *sets[] = {"activity.petitions_by=none"};
  f = fx_full(sets, 1);
  expect_ok(&f);
  assert_int_equal(f.cfg->activity.petition_truth, -1);
  fx_free(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_default_loads),      cmocka_unit_test(test_default_rules),
    cmocka_unit_test(test_default_population), cmocka_unit_test(test_default_rest),
    cmocka_unit_test(test_small_and_defaults), cmocka_unit_test(test_set_size),
    cmocka_unit_test(test_set_where),          cmocka_unit_test(test_set_rule_by_name),
    cmocka_unit_test(test_where_home_refused),
    cmocka_unit_test(test_set_adds),           cmocka_unit_test(test_set_errors),
    cmocka_unit_test(test_hash),               cmocka_unit_test(test_many_errors_one_pass),
    cmocka_unit_test(test_did_you_mean),       cmocka_unit_test(test_kind_keys),
    cmocka_unit_test(test_names_and_truth),    cmocka_unit_test(test_empty_and_syntax),
    cmocka_unit_test(test_alias_bomb),         cmocka_unit_test(test_unreadable_file),
    cmocka_unit_test(test_diag_format),        cmocka_unit_test(test_vocab),
    cmocka_unit_test(test_bad_corpus),
    cmocka_unit_test(test_full_population),    cmocka_unit_test(test_full_activity),
    cmocka_unit_test(test_full_sensors),       cmocka_unit_test(test_full_rules),
    cmocka_unit_test(test_full_response_reactions), cmocka_unit_test(test_new_defaults),
    cmocka_unit_test(test_full_sets),          cmocka_unit_test(test_full_errors),
    cmocka_unit_test(test_undeclared_levels),  cmocka_unit_test(test_level_conditions),
    cmocka_unit_test(test_petitions_by_none),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
