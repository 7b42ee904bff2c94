/*
** test_pair_map.c — relationship inference's pair map (src/sensors/
** gc_pair_map.c): what one day together does to a pair (new, once a day,
** a tie at min_together, a window that starts the count again), forgetting
** stale pairs, days beyond those it was made for, its layouts (4-byte slots,
** 8-byte slots for the largest populations), a randomized stress against a
** plain reference map, its memory model against what it holds, and an
** allocation failure in the middle of a growth.  The randomized tests use a
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
  assert_true(stress(5000, 3, 40, 40, 4, 20000, 2) > 0);     /* a window that forgets */
  stress(300, 1, 10, 10, 0, 3000, 3);                        /* few people: every pair soon seen */
  stress(10000000, 2, 30, 30, 30, 20000, 4);                 /* 2^20 segments, 4-byte slots */
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
  /* and both work at those sizes */
  stress(50000000, 1000, 3650, 3, 0, 3000, 6);
  assert_true(stress(50000000, 2, 30, 10, 3, 3000, 7) > 0);
}

/* gc_pair_map_bytes_for (the memory preflight's model) against what a map
** holds after random pairs: within a growth step or two. */
static void test_bytes_model(void **state) {
  (void)state;
  static const uint32_t agents[] = {20000, 1000000, 10000000};
  for (int t = 0; t < 3; t++) {
    rng_state = 11 + (uint64_t)t;
    gc_pair_map m;
    gc_pair_map_init(&m, agents[t], 2, 30);
    for (int k = 0; k < 3000000; k++) {
      uint32_t a = (uint32_t)(next_u64() % agents[t]), b = (uint32_t)(next_u64() % agents[t]);
      if (a == b) continue;
      assert_true(gc_pair_map_together(&m, a < b ? a : b, a < b ? b : a, 0, 0) >= 0);
    }
    double model = gc_pair_map_bytes_for(agents[t], 2, 30, (double)m.n), held = (double)gc_pair_map_bytes(&m);
    print_message("agents %u: %zu pairs, %.0f bytes held, %.0f modelled (%.2f bytes per pair)\n", agents[t], m.n,
                  held, model, held / (double)m.n);
    assert_true(held > 0.85 * model && held < 1.15 * model);
    gc_pair_map_free(&m);
  }
  assert_true(gc_pair_map_bytes_for(1000, 2, 30, 0) == 0);
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
    uint64_t cap = m.cap;
    fail_in = k % 2;                            /* the scratch's or the slots' realloc, if it grows */
    int got = gc_pair_map_together(&m, a, b, k / 20000, 0);
    fail_in = -1;
    if (got < 0) {
      failures++;
      assert_true(m.cap == cap);
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
    cmocka_unit_test(test_bytes_model),
    cmocka_unit_test(test_failed_growth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
