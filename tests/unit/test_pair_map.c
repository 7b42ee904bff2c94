/*
** test_pair_map.c — relationship inference's pair map (src/sensors/
** gc_pair_map.c): what one day together does to a pair (new, once a day,
** a tie at min_together, a window that starts the count again), forgetting
** stale pairs, days beyond those it was made for, its layouts (4-byte slots,
** 8-byte slots for the largest populations), a randomized stress against a
** plain reference map, segments loaded unevenly (so that they spill into
** the overflow and the overflow fills), its memory model against what it
** holds, and an allocation failure in the middle of a growth.  The randomized tests use a
** fixed seed (xorshift64), printed when they fail.
**
** Linked with --wrap for malloc, calloc and realloc (tests/meson.build), so
** one allocation can be made to fail.
*/
#include "gc_test.h"
#include "sensors/gc_pair_map.h"

#include "gc_alloc_wrap.h"

static long fail_in = -1;     /* allocations until one fails; -1: none fails */

static int should_fail(void) { return fail_in >= 0 && fail_in-- == 0; }
void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return should_fail() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }

static uint64_t rng_state;
static uint64_t next_u64(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* The reference: the semantics of the 16-byte map this one replaced, kept
** as plainly as possible (open addressing on the whole pair, fixed size). */
typedef struct ref_slot {
  uint64_t key;                 /* a << 32 | b; 0 empty */
  int count, last;
} ref_slot;

typedef struct ref_map {
  ref_slot *s;
  size_t cap, n;
  int need;
} ref_map;

static ref_slot *ref_find(ref_map *r, uint64_t key) {
  size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (r->cap - 1);
  while (r->s[i].key && r->s[i].key != key) i = (i + 1) & (r->cap - 1);
  return &r->s[i];
}

static int ref_together(ref_map *r, uint32_t a, uint32_t b, int day, int window) {
  ref_slot *sl = ref_find(r, (uint64_t)a << 32 | b);
  int f = 0;
  if (!sl->key) {
    sl->key = (uint64_t)a << 32 | b;
    r->n++;
    f = GC_PAIR_NEW;
  }
  if (sl->last == day + 1) return f;
  if (window > 0 && sl->count < r->need && sl->last && day + 1 - sl->last > window) sl->count = 0;
  sl->last = day + 1;
  if (sl->count < 65535) sl->count++;
  return f | (sl->count == r->need ? GC_PAIR_TIE : 0);
}

static void ref_forget(ref_map *r, int day, int window) {
  ref_slot *old = r->s;
  r->s = calloc(r->cap, sizeof *r->s);
  assert_non_null(r->s);
  r->n = 0;
  for (size_t k = 0; k < r->cap; k++) {
    if (!old[k].key || (old[k].count < r->need && day + 1 - old[k].last > window)) continue;
    *ref_find(r, old[k].key) = old[k];
    r->n++;
  }
  free(old);
}

/* Every pair of r is in m with r's count (capped at need) and, below need, its last day. */
static void check_all(const gc_pair_map *m, const ref_map *r) {
  assert_int_equal(m->n, r->n);
  for (size_t k = 0; k < r->cap; k++) {
    const ref_slot *sl = &r->s[k];
    if (!sl->key) continue;
    int count, last;
    assert_int_equal(gc_pair_map_get(m, (uint32_t)(sl->key >> 32), (uint32_t)sl->key, &count, &last), 1);
    assert_int_equal(count, sl->count < r->need ? sl->count : r->need);
    if (sl->count < r->need) assert_int_equal(last, sl->last);
  }
}

static void test_one_pair(void **state) {
  (void)state;
  gc_pair_map m;
  gc_pair_map_init(&m, 1000, 2, 30);
  assert_null(m.slot);                                          /* nothing until the first pair */
  assert_int_equal(gc_pair_map_bytes(&m), 0);
  int count, last;
  assert_int_equal(gc_pair_map_get(&m, 3, 7, &count, &last), 0);
  assert_int_equal(gc_pair_map_together(&m, 3, 7, 0, 0), GC_PAIR_NEW);
  assert_int_equal(gc_pair_map_together(&m, 3, 7, 0, 0), 0);   /* once a day */
  assert_int_equal(gc_pair_map_get(&m, 3, 7, &count, &last), 1);
  assert_int_equal(count, 1);
  assert_int_equal(last, 1);
  assert_int_equal(gc_pair_map_get(&m, 3, 8, &count, &last), 0);
  assert_int_equal(gc_pair_map_get(&m, 7, 999, &count, &last), 0);
  assert_int_equal(gc_pair_map_together(&m, 3, 7, 4, 0), GC_PAIR_TIE);
  assert_int_equal(gc_pair_map_together(&m, 3, 7, 5, 0), 0);   /* a tie once */
  assert_int_equal(gc_pair_map_together(&m, 3, 7, 29, 0), 0);
  assert_int_equal(gc_pair_map_get(&m, 3, 7, &count, &last), 1);
  assert_int_equal(count, 2);
  assert_int_equal(gc_pair_map_together(&m, 0, 999, 29, 0), GC_PAIR_NEW);   /* the extreme ids */
  assert_int_equal(gc_pair_map_together(&m, 998, 999, 29, 0), GC_PAIR_NEW);
  assert_int_equal(m.n, 3);
  assert_true(gc_pair_map_bytes(&m) > 0);
  gc_pair_map_free(&m);
  assert_null(m.slot);
  assert_int_equal(m.n, 0);
  /* min_together 1: the first day is the tie */
  gc_pair_map_init(&m, 1000, 1, 30);
  assert_int_equal(gc_pair_map_together(&m, 1, 2, 0, 0), GC_PAIR_NEW | GC_PAIR_TIE);
  assert_int_equal(gc_pair_map_together(&m, 1, 2, 1, 0), 0);
  gc_pair_map_free(&m);
}

/* min_together 3, window 5: days 0, 5 (5 days on: counts), 11 (6 days on:
** starts again), 12, 13 (the tie). */
static void test_window(void **state) {
  (void)state;
  gc_pair_map m;
  gc_pair_map_init(&m, 100, 3, 30);
  int count, last;
  assert_int_equal(gc_pair_map_together(&m, 10, 20, 0, 5), GC_PAIR_NEW);
  assert_int_equal(gc_pair_map_together(&m, 10, 20, 5, 5), 0);
  assert_true(gc_pair_map_get(&m, 10, 20, &count, &last) && count == 2 && last == 6);
  assert_int_equal(gc_pair_map_together(&m, 10, 20, 11, 5), 0);
  assert_true(gc_pair_map_get(&m, 10, 20, &count, &last) && count == 1 && last == 12);
  assert_int_equal(gc_pair_map_together(&m, 10, 20, 12, 5), 0);
  assert_int_equal(gc_pair_map_together(&m, 10, 20, 13, 5), GC_PAIR_TIE);
  assert_int_equal(gc_pair_map_together(&m, 10, 20, 29, 5), 0);   /* confirmed ties do not start again */
  gc_pair_map_free(&m);
}

/* Forgetting drops exactly the pairs below need last counted more than
** window days ago; a forgotten pair seen again is new again. */
static void test_forget(void **state) {
  (void)state;
  gc_pair_map m;
  gc_pair_map_init(&m, 5000, 2, 30);
  for (uint32_t a = 0; a < 60; a++)
    for (uint32_t b = a + 1; b < 60; b++) assert_true(gc_pair_map_together(&m, a, b, 0, 3) >= 0);
  assert_int_equal(gc_pair_map_together(&m, 0, 1, 1, 3), GC_PAIR_TIE);   /* confirmed: kept */
  assert_int_equal(gc_pair_map_together(&m, 100, 101, 2, 3), GC_PAIR_NEW); /* recent: kept */
  size_t before = m.n;
  gc_pair_map_forget(&m, 3, 3);                 /* day 3: day 0's are 4 days old, not yet stale */
  assert_int_equal(m.n, before);
  gc_pair_map_forget(&m, 4, 3);
  assert_int_equal(m.n, 2);
  int count, last;
  assert_true(gc_pair_map_get(&m, 0, 1, &count, &last) && count == 2);
  assert_true(gc_pair_map_get(&m, 100, 101, &count, &last) && count == 1 && last == 3);
  assert_int_equal(gc_pair_map_get(&m, 5, 9, &count, &last), 0);
  assert_int_equal(gc_pair_map_together(&m, 5, 9, 4, 3), GC_PAIR_NEW);
  gc_pair_map_free(&m);
}

static uint64_t stress_ovf_max;   /* the most pairs the last stress's overflow held */

/* One randomized run against the reference: `agents` people, pairs drawn
** from a few crowded places (many repeats) and at random, over `days` days
** (more than the map was made for when days > init_days), forgetting as
** the inference module does (before the reference's size would double).
** Returns how many pairs were forgotten. */
static size_t stress(uint32_t agents, int need, int init_days, int days, int window, size_t per_day, uint64_t seed) {
  print_message("stress: agents %u need %d days %d window %d seed %llu\n", agents, need, days, window,
                (unsigned long long)seed);
  rng_state = seed;
  gc_pair_map m;
  gc_pair_map_init(&m, agents, need, init_days);
  ref_map r = {NULL, 1, 0, need};
  while (r.cap < 4 * per_day * (size_t)days) r.cap *= 2;
  r.s = calloc(r.cap, sizeof *r.s);
  assert_non_null(r.s);
  size_t planned = 1024, forgotten = 0;
  stress_ovf_max = 0;
  for (int d = 0; d < days; d++) {
    if (window > 0 && (m.n + per_day) * 2 > planned) {
      size_t before = m.n;
      gc_pair_map_forget(&m, d, window);
      ref_forget(&r, d, window);
      forgotten += before - m.n;
    }
    while ((m.n + per_day) * 2 > planned) planned *= 2;
    for (size_t k = 0; k < per_day; k++) {
      uint32_t a, b;
      if (next_u64() % 2) {                                  /* a crowded place: 300 regulars */
        a = (uint32_t)(next_u64() % 300) * (agents / 300);
        b = (uint32_t)(next_u64() % 300) * (agents / 300);
      } else {
        a = (uint32_t)(next_u64() % agents);
        b = (uint32_t)(next_u64() % agents);
      }
      if (a == b) continue;
      if (a > b) { uint32_t t = a; a = b; b = t; }
      gc_pair_map_prefetch(&m, a, b);
      int want = ref_together(&r, a, b, d, window);
      assert_int_equal(gc_pair_map_together(&m, a, b, d, window), want);
      if (m.ovf_n > stress_ovf_max) stress_ovf_max = m.ovf_n;
    }
    if (d % 7 == 0 || d == days - 1) check_all(&m, &r);
  }
  gc_pair_map_free(&m);
  free(r.s);
  return forgotten;
}

static void test_stress(void **state) {
  (void)state;
  stress(5000, 2, 30, 30, 0, 20000, 1);                      /* 4-byte slots, 256 segments */
  assert_true(stress_ovf_max > 0);                           /* full segments spilled */
  assert_true(stress(5000, 3, 40, 40, 4, 20000, 2) > 0);     /* a window that forgets */
  assert_true(stress_ovf_max > 0);
  stress(300, 1, 10, 10, 0, 3000, 3);                        /* few people: every pair soon seen */
  stress(10000000, 2, 30, 30, 30, 20000, 4);                 /* 2^20 segments, 4-byte slots */
  assert_true(stress_ovf_max > 0);
  assert_true(stress(5000, 2, 10, 60, 7, 5000, 5) > 0);      /* days beyond init: rebuilt wider */
}

/* The layouts: 4-byte slots up to the tens of millions, 8-byte for the
** largest populations and the longest counts. */
static void test_layouts(void **state) {
  (void)state;
  gc_pair_map m;
  gc_pair_map_init(&m, 10000000, 2, 30);
  assert_int_equal(m.wide, 0);
  assert_int_equal(m.kbits, 46);
  assert_int_equal(m.sbits, 20);                             /* 46 + 1 + 5 - 32 */
  gc_pair_map_init(&m, 50000000, 2, 30);
  assert_int_equal(m.wide, 1);
  gc_pair_map_init(&m, 50000000, 1000, 3650);                /* the loader's largest */
  assert_int_equal(m.wide, 1);
  assert_true(m.rbits + m.cbits + m.dbits <= 64);
  /* and both work at those sizes, the overflow's two-word entries too */
  stress(50000000, 1000, 3650, 3, 0, 3000, 6);
  assert_true(stress_ovf_max > 0);
  assert_true(stress(50000000, 2, 30, 10, 3, 3000, 7) > 0);
  assert_true(stress_ovf_max > 0);
}

/* Skewed segments: pairs of 4 of the 256 segments only (which segment a
** new pair went to is read off seg_n), so those fill, spill into the
** overflow and make the map grow when it is full, while the other 252 stay
** almost empty; then a window forgets in the overflow too.  Against the
** reference throughout. */
static void test_skewed(void **state) {
  (void)state;
  rng_state = 31;
  const uint32_t agents = 20000;
  gc_pair_map m, probe;
  gc_pair_map_init(&m, agents, 3, 30);
  gc_pair_map_init(&probe, agents, 3, 30);
  assert_int_equal(m.sbits, 8);
  ref_map r = {NULL, 1 << 20, 0, 3};
  r.s = calloc(r.cap, sizeof *r.s);
  assert_non_null(r.s);
  /* 60,000 pairs of segments 0-3, found by inserting into a probe map */
  enum { NP = 60000 };
  uint32_t *pa = malloc(NP * sizeof *pa), *pb = malloc(NP * sizeof *pb);
  assert_true(pa && pb);
  size_t np = 0;
  while (np < NP) {
    uint32_t a = (uint32_t)(next_u64() % agents), b = (uint32_t)(next_u64() % agents);
    if (a == b) continue;
    if (a > b) { uint32_t t = a; a = b; b = t; }
    uint32_t before[4];
    uint64_t cap = probe.cap;
    for (int j = 0; j < 4; j++) before[j] = probe.seg_n ? probe.seg_n[j] : 0;
    if (!(gc_pair_map_together(&probe, a, b, 0, 0) & GC_PAIR_NEW) || probe.cap != cap) continue;   /* a growth moves others */
    for (int j = 0; j < 4; j++)
      if (probe.seg_n[j] != before[j]) {
        pa[np] = a;
        pb[np++] = b;
      }
  }
  gc_pair_map_free(&probe);
  /* 20 days: each day 3,000 of them drawn again at random (repeats count on) */
  uint64_t grown = 0, ovf_max = 0, cap = 0;
  for (int d = 0; d < 20; d++) {
    for (int k = 0; k < 3000 * (d + 1) && k < NP; k++) {
      size_t i = (size_t)(next_u64() % (uint64_t)(3000 * (d + 1) < NP ? 3000 * (d + 1) : NP));
      gc_pair_map_prefetch(&m, pa[i], pb[i]);
      int want = ref_together(&r, pa[i], pb[i], d, 0);
      assert_int_equal(gc_pair_map_together(&m, pa[i], pb[i], d, 0), want);
      if (m.ovf_n > ovf_max) ovf_max = m.ovf_n;
      grown += m.cap != cap;
      cap = m.cap;
    }
    for (uint64_t j = 4; j < 256; j++) assert_int_equal(m.seg_n[j], 0);
    check_all(&m, &r);
  }
  print_message("skewed: %zu pairs, %llu in the overflow at most, %llu sizes, %.1f bytes per pair\n", m.n,
                (unsigned long long)ovf_max, (unsigned long long)grown, (double)gc_pair_map_bytes(&m) / (double)m.n);
  assert_true(ovf_max > 1000);                  /* the overflow took many */
  assert_true(grown > 3);                       /* and the map grew when it was full */
  /* a window of 5 days on day 20: pairs below 3 last counted before day 15 go, in the overflow too */
  uint64_t spilled = m.ovf_n;
  gc_pair_map_forget(&m, 20, 5);
  ref_forget(&r, 20, 5);
  assert_true(m.ovf_n < spilled);
  check_all(&m, &r);
  for (int k = 0; k < NP; k++) {               /* and it goes on alike */
    int want = ref_together(&r, pa[k], pb[k], 21 + k / 20000, 5);
    assert_int_equal(gc_pair_map_together(&m, pa[k], pb[k], 21 + k / 20000, 5), want);
  }
  check_all(&m, &r);
  free(pa);
  free(pb);
  free(r.s);
  gc_pair_map_free(&m);
}

/* gc_pair_map_bytes_for (the memory preflight's model) against what a map
** holds after random pairs, at segment means from about 10 to 10,000 pairs
** (the province at 25M people: about 200): within 15%, a growth step of a
** sixteenth and the randomness of the segments' loads (the step is a quarter
** below 1 GiB, so the model may be one step off there: a growth more or less
** near its threshold). */
static void test_bytes_model(void **state) {
  (void)state;
  static const struct { uint32_t agents; int pairs; } c[] = {
    {20000, 3000}, {20000, 50000}, {20000, 200000}, {20000, 3000000},
    {1000000, 3000000}, {10000000, 3000000}, {25000000, 4000000},
  };
  for (size_t t = 0; t < sizeof c / sizeof *c; t++) {
    rng_state = 11 + (uint64_t)t;
    gc_pair_map m;
    gc_pair_map_init(&m, c[t].agents, 2, 30);
    while (m.n < (size_t)c[t].pairs) {
      uint32_t a = (uint32_t)(next_u64() % c[t].agents), b = (uint32_t)(next_u64() % c[t].agents);
      if (a == b) continue;
      assert_true(gc_pair_map_together(&m, a < b ? a : b, a < b ? b : a, 0, 0) >= 0);
    }
    double model = gc_pair_map_bytes_for(c[t].agents, 2, 30, (double)m.n), held = (double)gc_pair_map_bytes(&m);
    print_message("agents %u: %zu pairs (%.1f a segment), %.0f bytes held, %.0f modelled (%.2f bytes per pair)\n",
                  c[t].agents, m.n, (double)m.n / (double)(1ull << m.sbits), held, model, held / (double)m.n);
    if (held > 0.87 * model && held < 1.15 * model) {
      gc_pair_map_free(&m);
      continue;
    }
    /* one step off: the model for a few percent more or fewer pairs agrees */
    double lo = gc_pair_map_bytes_for(c[t].agents, 2, 30, 0.97 * (double)m.n);
    double hi = gc_pair_map_bytes_for(c[t].agents, 2, 30, 1.03 * (double)m.n);
    print_message("  model for 3%% fewer / more pairs: %.0f / %.0f\n", lo, hi);
    assert_true((held > 0.97 * lo && held < 1.03 * lo) || (held > 0.97 * hi && held < 1.03 * hi));
    gc_pair_map_free(&m);
  }
  assert_true(gc_pair_map_bytes_for(1000, 2, 30, 0) == 0);
  /* the province's largest (the preflight's pairs at 25M people): about 4.7 bytes a pair, not 6.1 */
  double b = gc_pair_map_bytes_for(25000000, 2, 30, 1.745e9) / 1.745e9;
  print_message("25M people, 1.745e9 pairs: %.2f bytes per pair modelled\n", b);
  assert_true(b > 4.3 && b < 5.0);
}

/* An allocation failing in the middle of growth leaves the map as it was;
** the same insert succeeds afterwards. */
static void test_failed_growth(void **state) {
  (void)state;
  rng_state = 21;
  gc_pair_map m;
  gc_pair_map_init(&m, 100000, 2, 30);
  ref_map r = {NULL, 1 << 18, 0, 2};
  r.s = calloc(r.cap, sizeof *r.s);
  assert_non_null(r.s);
  fail_in = 0;
  assert_int_equal(gc_pair_map_together(&m, 1, 2, 0, 0), -1);   /* the first allocation */
  assert_null(m.slot);
  int failures = 0;
  for (int k = 0; k < 60000; k++) {
    uint32_t a = (uint32_t)(next_u64() % 100000), b = (uint32_t)(next_u64() % 100000);
    if (a == b) continue;
    if (a > b) { uint32_t t = a; a = b; b = t; }
    uint64_t cap = m.cap, ovf_n = m.ovf_n;
    fail_in = k % 3;                            /* the scratch's realloc, the overflow's calloc or the slots' realloc */
    int got = gc_pair_map_together(&m, a, b, k / 20000, 0);
    fail_in = -1;
    if (got < 0) {
      failures++;
      assert_true(m.cap == cap && m.ovf_n == ovf_n);
      check_all(&m, &r);
      got = gc_pair_map_together(&m, a, b, k / 20000, 0);
    }
    assert_int_equal(got, ref_together(&r, a, b, k / 20000, 0));
  }
  assert_true(failures > 5);
  check_all(&m, &r);
  gc_pair_map_free(&m);
  free(r.s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_one_pair),
    cmocka_unit_test(test_window),
    cmocka_unit_test(test_forget),
    cmocka_unit_test(test_stress),
    cmocka_unit_test(test_layouts),
    cmocka_unit_test(test_skewed),
    cmocka_unit_test(test_bytes_model),
    cmocka_unit_test(test_failed_growth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
