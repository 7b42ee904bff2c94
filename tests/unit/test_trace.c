/*
** test_trace.c — the trace of chosen agents (gc_trace): the set, the
** filters (events by agent; observations by true agent and by observed
** identity, twice when both are traced), list changes, and whole runs in
** which everyone is traced, so that the trace must account for every
** event, observation, alert and action the run counted independently, and
** must not depend on the thread count.
*/
#include "gc_test.h"
#include "gc_names.h"
#include "gc_trace.h"

static void test_set(void **state) {
  (void)state;
  uint32_t ids[] = {5, 3, 5, 9};
  gc_trace *t = gc_trace_new(10, ids, 4);
  assert_non_null(t);
  assert_int_equal(t->nagents, 3);
  assert_int_equal(t->agent[0], 3);
  assert_int_equal(t->agent[1], 5);
  assert_int_equal(t->agent[2], 9);
  assert_true(gc_trace_has(t, 5));
  assert_false(gc_trace_has(t, 4));
  assert_false(gc_trace_has(t, 10));
  assert_int_equal(gc_trace_index(t, 9), 2);
  assert_int_equal(gc_trace_index(t, 4), -1);
  gc_trace_free(t);
  uint32_t bad[] = {1, 10};
  assert_null(gc_trace_new(10, bad, 2));
}

static void test_filters(void **state) {
  (void)state;
  uint32_t ids[] = {2, 5};
  gc_trace *t = gc_trace_new(10, ids, 2);
  assert_non_null(t);
  gc_event ev[6];
  memset(ev, 0, sizeof ev);
  for (int k = 0; k < 6; k++) { ev[k].agent = (uint32_t)(k + 1); ev[k].kind = GC_TE_STAY; }
  ev[4].kind = GC_TE_EVASION;                   /* agent 5 */
  gc_trace_buf b = {0};
  gc_trace_events(t, 3, ev, 6, &b);
  assert_int_equal(b.n, 2);
  assert_int_equal(b.r[0].agent, 2);
  assert_int_equal(b.r[0].layer, GC_TL_TRUTH);
  assert_int_equal(b.r[1].agent, 5);
  assert_int_equal(b.r[1].layer, GC_TL_COST);
  assert_int_equal(b.r[1].day, 3);
  gc_trace_append(t, &b);
  gc_trace_buf_free(&b);
  /* (person, agent): own record; recorded under another's identity; attributed to 2 though made
  ** by 7; both traced (two records); neither */
  uint32_t pa[][2] = {{2, 2}, {7, 2}, {2, 7}, {2, 5}, {7, 8}};
  gc_obs obs[5];
  memset(obs, 0, sizeof obs);
  for (int k = 0; k < 5; k++) {
    obs[k].person = pa[k][0];
    obs[k].agent = pa[k][1];
    obs[k].kind = GC_OBS_ID_SCAN;
    obs[k].where = GC_NONE;
  }
  obs[2].flags = GC_OBSF_FALSE_MATCH;
  gc_trace_obs(t, 3, obs, 5);
  assert_int_equal(t->rec.n, 2 + 5);
  size_t for2 = 0, for5 = 0;
  for (size_t k = 2; k < t->rec.n; k++) {
    for2 += t->rec.r[k].agent == 2;
    for5 += t->rec.r[k].agent == 5;
  }
  assert_int_equal(for2, 4);
  assert_int_equal(for5, 1);
  gc_config *cfg = calloc(1, sizeof *cfg);
  gc_world w;
  memset(&w, 0, sizeof w);
  assert_non_null(cfg);
  gc_trace_sort(t);
  size_t first, count;
  gc_trace_span(t, 2, &first, &count);
  assert_int_equal(count, 5);
  int attributed = 0, under = 0;
  for (size_t k = first; k < first + count; k++) {
    gc_trace_row row;
    gc_trace_row_of(t, k, cfg, &w, NULL, &row);
    attributed += strstr(row.detail, "attributed to this person but made by agent 7 (false face match)") != NULL;
    under += strstr(row.detail, "recorded under agent 7's identity") != NULL;
  }
  assert_int_equal(attributed, 1);
  assert_int_equal(under, 1);
  free(cfg);
  gc_trace_free(t);
}

static void test_lists(void **state) {
  (void)state;
  gc_population pop;
  memset(&pop, 0, sizeof pop);
  uint16_t lists[4] = {0, 1, 0, 0};
  pop.n = 4;
  pop.st.lists = lists;
  uint32_t ids[] = {1, 2};
  gc_trace *t = gc_trace_new(4, ids, 2);
  assert_non_null(t);
  gc_trace_start(t, &pop);
  lists[1] = 2;                                 /* left list 0, entered list 1 */
  lists[2] = 4;                                 /* entered list 2 */
  lists[3] = 1;                                 /* not traced */
  gc_trace_lists(t, 0, &pop);
  gc_trace_lists(t, 1, &pop);                   /* no change: nothing */
  assert_int_equal(t->rec.n, 3);
  assert_int_equal(t->lists_start[0], 1);
  int entered = 0;
  for (size_t k = 0; k < t->rec.n; k++) entered += t->rec.r[k].u.list.entered;
  assert_int_equal(entered, 2);
  gc_trace_free(t);
}

typedef struct counts { uint64_t events, obs, idents, alerts, actions; gc_trace *t; gc_run *run; } counts;

/* Runs full.yaml (small) with everyone traced on `threads` threads. */
static counts traced_run(int threads) {
  static const char *const sets[] = {"population.size=1500"};
  gc_config cfg;
  gc_test_load("full.yaml", sets, 1, &cfg);
  gc_run *run = NULL;
  char err[256];
  assert_int_equal(gc_run_new(&cfg, threads, &run, err, sizeof err), GC_OK);
  uint32_t n = gc_run_population(run)->n;
  uint32_t *all = malloc(n * sizeof *all);
  assert_non_null(all);
  for (uint32_t i = 0; i < n; i++) all[i] = i;
  counts c = {0};
  c.t = gc_trace_new(n, all, n);
  free(all);
  assert_non_null(c.t);
  assert_int_equal(gc_run_trace(run, c.t), GC_OK);
  while (gc_run_step(run) == GC_OK) {}
  assert_int_equal(gc_run_day(run), cfg.days);
  assert_int_equal(gc_run_trace(run, c.t), GC_ERR_IO);   /* too late */
  const gc_audit *a = gc_run_audit(run);
  for (int d = 0; d < cfg.days; d++) {
    c.events += a->daily[d].truth.events;
    c.obs += a->daily[d].observations;
    c.idents += a->daily[d].identity_errors;
    c.alerts += a->daily[d].people_flagged;
    for (int o = 0; o < GC_ORIGIN_N; o++) c.actions += a->daily[d].actions_by_origin[o];
  }
  c.run = run;
  gc_trace_sort(c.t);
  return c;
}

static void test_everyone_traced(void **state) {
  (void)state;
  counts c = traced_run(1);
  uint64_t by[GC_TL_N] = {0};
  for (size_t k = 0; k < c.t->rec.n; k++) by[c.t->rec.r[k].layer]++;
  assert_true(c.events > 0 && c.obs > 0 && c.alerts > 0 && c.actions > 0);
  assert_int_equal(by[GC_TL_TRUTH] + by[GC_TL_COST], c.events);
  assert_int_equal(by[GC_TL_SENSOR], c.obs + c.idents);    /* identity errors are in two timelines */
  assert_int_equal(by[GC_TL_RULE], c.alerts);
  assert_int_equal(by[GC_TL_RESPONSE], c.actions);
  counts c2 = traced_run(2);
  assert_int_equal(c2.t->rec.n, c.t->rec.n);
  for (size_t k = 0; k < c.t->rec.n; k++) {       /* the same records, in words */
    gc_trace_row x, y;
    gc_trace_row_of(c.t, k, gc_run_config(c.run), gc_run_world(c.run), gc_run_population(c.run), &x);
    gc_trace_row_of(c2.t, k, gc_run_config(c2.run), gc_run_world(c2.run), gc_run_population(c2.run), &y);
    assert_int_equal(x.agent, y.agent);
    assert_int_equal(x.day, y.day);
    assert_int_equal(x.minute, y.minute);
    assert_string_equal(x.layer, y.layer);
    assert_string_equal(x.what, y.what);
    assert_string_equal(x.place, y.place);
    assert_string_equal(x.detail, y.detail);
  }
  gc_run_free(c.run);
  gc_run_free(c2.run);
  gc_trace_free(c.t);
  gc_trace_free(c2.t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_set),
    cmocka_unit_test(test_filters),
    cmocka_unit_test(test_lists),
    cmocka_unit_test(test_everyone_traced),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
