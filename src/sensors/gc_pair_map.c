/*
** gc_pair_map.c — the pairs relationship inference has seen together.
**
** Operation mix.  Every co-stay and co-travel of a day is one call of
** gc_pair_map_together: a lookup that, most of the time, misses and inserts
** (most pairs are seen once: in the province at 1M people, 94M distinct
** pairs and 0.3M inferred ties).  Nothing is ever deleted but by
** gc_pair_map_forget, rarely.  The map outgrows memory long before it
** outgrows time, so bytes per pair come first.
**
** Representation.  A pair a < b is numbered t = b(b-1)/2 + a, below
** n(n-1)/2 for n people: kbits bits (46 at 10M people).  A bijection of
** kbits-bit numbers (xor-shifts and odd multipliers modulo 2^kbits) turns t
** into h; the top sbits of h pick one of 2^sbits segments, and a slot keeps
** only the other rbits of h (quotienting: the segment is implicit), above
** the pair's state: count - 1 (cbits, 1 bit for min_together 2) and the day
** + 1 it was last counted on (dbits, from the run's days), never 0, so a
** zero slot is empty.  As h is a bijection, (segment, remainder) names
** exactly one pair: nothing is approximate.  sbits is chosen so that slots
** fit 32 bits (sbits = kbits + cbits + dbits - 32: 2^20 segments at 10M
** people, 30 days, min_together 2); where that would take more segments
** than half the people (above ~35M, or very long runs), slots are 64 bits
** and sbits only what 64 bits need.  At least 256 segments either way.
**
** Each segment is an open-addressing table of `cap` slots, linear probing
** from home = r * cap / 2^rbits (monotone in r), wrapping within the
** segment, kept in Robin Hood order: along a run, slots are sorted by home,
** then by r.  A lookup stops at the first slot that would come after its
** pair (a miss costs about what a hit does, even at a load of 0.9), an
** insert moves the rest of its run one slot on, and slots read from just
** after an empty one come sorted, which makes every rebuild linear.  All
** segments have the same cap and lie end to end in one array, so a pair's
** slot address follows from the pair alone (one memory access, which the
** caller prefetches) and there is no directory.
**
** Growth.  When an insert would leave a segment less than 1/16 empty, every
** segment grows (by a quarter while the array is under 1 GiB, by a
** sixteenth beyond): the array is realloc'ed (for a large block glibc moves
** the pages with mremap rather than copying them, so an old and a new array
** are never both resident) and the segments are rebuilt from the last to
** the first, segment j moving from j * cap to j * cap' >= j * cap, past the
** segments still to move (through a scratch copy of one segment where its
** old and new places overlap).  Segments fill alike, the fullest deciding
** (at 10M people 2^20 segments of ~3,300 pairs, the fullest ~9% above the
** mean), so the load is 0.80-0.87 once past 1 GiB: 4.6-5.0 bytes per pair
** (4.5 for the province at 1M people), against 32-64 for the 16-byte slots
** at most half full (doubling, with old and new maps alive) this replaced.
** The price is time: each growth rewrites the array, about 17 slot moves
** per pair over a run at the sixteenth.  gc_pair_map_bytes_for models all
** this for the memory preflight; tests/unit/test_pair_map.c checks it.
*/
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "gc_pair_map.h"

#define SEG_BITS_MIN 8        /* at least 256 segments: a segment's rehash is a small transient */
#define CAP_MIN 4             /* slots per segment at first */
#define FREE_DIV 16           /* the map grows before a segment is less than 1/FREE_DIV empty */
#define DAYS_MAX 65535        /* what the 16-bit last_day of the old map could hold */

static int bitlen(uint64_t x) { return x ? 64 - __builtin_clzll(x) : 0; }

/* Slots a segment may fill before the map grows. */
static uint64_t seg_limit(uint64_t cap) {
  uint64_t free = cap / FREE_DIV;
  return cap - (free ? free : 1);
}

/* Each growth rewrites the whole array, so small steps cost time: over a
** run, about 1/step slot moves per pair.  A quarter while the slots take
** under 1 GiB (what that leaves unused is small then), a sixteenth beyond,
** where bytes decide whether a run fits at all. */
static uint64_t next_cap(uint64_t cap, uint64_t nseg, size_t slot) {
  uint64_t step = cap * nseg * slot < (1ull << 30) ? cap / 4 : cap / 16;
  return cap + (step > 2 ? step : 2);
}

/* The slot layout for these arguments (kbits ... wide of m). */
static void layout(gc_pair_map *m, uint32_t agents, int need, int days) {
  uint64_t n = agents, keys = n * (n > 0 ? n - 1 : 0) / 2;
  m->agents = agents;
  m->need = need < 1 ? 1 : need;
  m->days = days < 1 ? 1 : days;
  m->kbits = keys > 1 ? bitlen(keys - 1) : 1;
  m->cbits = bitlen((uint64_t)(m->need - 1));
  m->dbits = bitlen((uint64_t)m->days);
  int state = m->cbits + m->dbits, s = m->kbits + state - 32;
  m->wide = 0;
  if (s < SEG_BITS_MIN) s = SEG_BITS_MIN;
  if (s > SEG_BITS_MIN && (1ull << s) > n / 2) {
    m->wide = 1;
    s = m->kbits + state - 64;
    if (s < SEG_BITS_MIN) s = SEG_BITS_MIN;
  }
  if (s > m->kbits) s = m->kbits;
  m->sbits = s;
  m->rbits = m->kbits - s;
}

void gc_pair_map_init(gc_pair_map *m, uint32_t agents, int need, int days) {
  memset(m, 0, sizeof *m);
  layout(m, agents, need, days);
}

void gc_pair_map_free(gc_pair_map *m) {
  free(m->slot);
  free(m->seg_n);
  free(m->scratch);
  gc_pair_map_init(m, m->agents, m->need, m->days);
}

static uint64_t nseg(const gc_pair_map *m) { return 1ull << m->sbits; }
static size_t slot_size(const gc_pair_map *m) { return m->wide ? 8 : 4; }
static int state_bits(const gc_pair_map *m) { return m->cbits + m->dbits; }

static uint64_t get(const gc_pair_map *m, const void *v, uint64_t i) {
  return m->wide ? ((const uint64_t *)v)[i] : ((const uint32_t *)v)[i];
}

static void put(const gc_pair_map *m, void *v, uint64_t i, uint64_t x) {
  if (m->wide) ((uint64_t *)v)[i] = x;
  else ((uint32_t *)v)[i] = (uint32_t)x;
}

/* The bijection of kbits-bit numbers that spreads pair numbers over segments. */
static uint64_t scramble(const gc_pair_map *m, uint64_t x) {
  uint64_t mask = m->kbits == 64 ? ~0ull : (1ull << m->kbits) - 1;
  int h = (m->kbits + 1) / 2;
  x ^= x >> h;
  x = (x * 0xBF58476D1CE4E5B9ull) & mask;
  x ^= x >> h;
  x = (x * 0x94D049BB133111EBull) & mask;
  return x ^ (x >> h);
}

static uint64_t pair_hash(const gc_pair_map *m, uint32_t a, uint32_t b) {
  assert(a < b && b < m->agents);
  return scramble(m, (uint64_t)b * (b - 1) / 2 + a);
}

/* The home of remainder r in a segment of cap slots: monotone in r. */
static uint64_t home(const gc_pair_map *m, uint64_t r, uint64_t cap) {
  int drop = m->rbits > 32 ? m->rbits - 32 : 0;
  return ((r >> drop) * cap) >> (m->rbits - drop);
}

/* Looks for remainder r in the segment of cap slots at base: returns 1
** with its index in *at and its slot in *x, or 0 with in *at the index where
** it belongs (an empty slot, or the first of those that come after it). */
static int seek(const gc_pair_map *m, uint64_t base, uint64_t cap, uint64_t r, uint64_t *at, uint64_t *x) {
  int st = state_bits(m);
  uint64_t i = home(m, r, cap);
  for (uint64_t d = 0;; d++) {
    uint64_t y = get(m, m->slot, base + i);
    if (!y) break;
    uint64_t ry = y >> st, hy = home(m, ry, cap), dy = i >= hy ? i - hy : i + cap - hy;
    if (ry == r) {
      *at = base + i;
      *x = y;
      return 1;
    }
    if (dy < d || (dy == d && ry > r)) break;   /* a later home, or the same home and a larger r */
    if (++i == cap) i = 0;
  }
  *at = base + i;
  *x = 0;
  return 0;
}

/* Puts slot x at index `at` of the segment of cap slots at base, moving the
** slots from there to the next empty one a place on. */
static void shift_in(gc_pair_map *m, uint64_t base, uint64_t cap, uint64_t at, uint64_t x) {
  uint64_t i = at - base;
  for (;;) {
    uint64_t y = get(m, m->slot, base + i);
    put(m, m->slot, base + i, x);
    if (!y) return;
    x = y;
    if (++i == cap) i = 0;
  }
}

/* Puts slot x (its pair not held) into segment j of cap slots. */
static void place(gc_pair_map *m, uint64_t j, uint64_t cap, uint64_t x) {
  uint64_t at, y;
  seek(m, j * cap, cap, x >> state_bits(m), &at, &y);
  shift_in(m, j * cap, cap, at, x);
}

/* Allocates the first segments; 0 or -1. */
static int start(gc_pair_map *m) {
  uint64_t s = nseg(m);
  m->slot = calloc(s * CAP_MIN, slot_size(m));
  m->seg_n = calloc(s, sizeof *m->seg_n);
  m->scratch = malloc(CAP_MIN * slot_size(m));
  if (!m->slot || !m->seg_n || !m->scratch) {
    gc_pair_map_free(m);
    return -1;
  }
  m->cap = m->scratch_cap = CAP_MIN;
  return 0;
}

/* Whether slot x is a pair below need last counted more than window days
** before day + 1 (window 0: none is). */
static int stale(const gc_pair_map *m, uint64_t x, int day, int window) {
  if (window <= 0) return 0;
  int count = (int)((x >> m->dbits) & ((1ull << m->cbits) - 1)) + 1;
  int last = (int)(x & ((1ull << m->dbits) - 1));
  return count < m->need && day + 1 - last > window;
}

/* Moves segment j from its place at j * cap (cap slots) to j * ncap (ncap
** >= cap slots), without the stale pairs (window 0: keeping all); returns
** how many it dropped.  The slots (through the scratch where the two places
** overlap) are put back in their order, starting after an empty slot:
** sorted by home, so the rebuild is linear. */
static uint64_t resettle(gc_pair_map *m, uint64_t j, uint64_t cap, uint64_t ncap, int day, int window) {
  size_t w = slot_size(m);
  const void *from = (char *)m->slot + j * cap * w;
  if ((j + 1) * cap > j * ncap) {          /* the new place overlaps the old: copy first */
    memcpy(m->scratch, from, cap * w);
    from = m->scratch;
  }
  memset((char *)m->slot + j * ncap * w, 0, ncap * w);
  uint64_t q = 0, drop = 0, base = j * ncap, first = 0, prev = 0, wrap = 0, p = 0, n = 0;
  int st = state_bits(m), spill = 0;
  while (get(m, from, q)) q++;             /* a segment is never full */
  for (uint64_t k = 1; k < cap; k++) {
    uint64_t x = get(m, from, q + k < cap ? q + k : q + k - cap);
    if (!x) continue;
    if (stale(m, x, day, window)) {
      drop++;
      continue;
    }
    /* homes rise (once wrapping round) in this order: each slot goes at its
    ** home or just after the previous one, until a slot would come round to
    ** the first; any after that take the general way in */
    uint64_t h = home(m, x >> st, ncap);
    if (n++ == 0) first = p = h;
    else if (!spill) {
      if (h < prev) wrap = ncap;
      p = h + wrap > p + 1 ? h + wrap : p + 1;
      spill = p >= first + ncap;
    }
    prev = h;
    if (spill) place(m, j, ncap, x);
    else put(m, m->slot, base + (p < ncap ? p : p - ncap), x);
  }
  return drop;
}

/* Every segment next_cap slots; 0, or -1 with m unchanged. */
static int grow(gc_pair_map *m) {
  uint64_t cap = m->cap, s = nseg(m), ncap = next_cap(cap, s, slot_size(m));
  size_t w = slot_size(m);
  if (m->scratch_cap < ncap) {   /* the next growth's old size: no allocation between realloc and rehash */
    void *p = realloc(m->scratch, ncap * w);
    if (!p) return -1;
    m->scratch = p;
    m->scratch_cap = ncap;
  }
  void *p = realloc(m->slot, s * ncap * w);
  if (!p) return -1;
  m->slot = p;
  /* from the last segment down: segment j's new place starts at j * ncap >=
  ** j * cap, past the old places of the segments still to move */
  for (uint64_t j = s; j-- > 0;) resettle(m, j, cap, ncap, 0, 0);
  m->cap = ncap;
  return 0;
}

/* Inserts pair image h with slot state `state` (not held); 0 or -1. */
static int insert(gc_pair_map *m, uint64_t h, uint64_t state) {
  if (!m->slot && start(m)) return -1;
  uint64_t j = h >> m->rbits, r = h & ((1ull << m->rbits) - 1);
  if (m->seg_n[j] + 1 > seg_limit(m->cap) && grow(m)) return -1;
  place(m, j, m->cap, r << state_bits(m) | state);
  m->seg_n[j]++;
  m->n++;
  return 0;
}

/* Rebuilds m with slots for days up to `days` (a later day than init's). */
static int widen(gc_pair_map *m, int days) {
  gc_pair_map t;
  gc_pair_map_init(&t, m->agents, m->need, days);
  int st = state_bits(m);
  uint64_t total = m->slot ? nseg(m) * m->cap : 0, dmask = (1ull << m->dbits) - 1;
  for (uint64_t i = 0; i < total; i++) {
    uint64_t x = get(m, m->slot, i);
    if (!x) continue;
    uint64_t h = (i / m->cap) << m->rbits | x >> st;
    uint64_t count1 = (x & ((1ull << st) - 1)) >> m->dbits, last = x & dmask;
    if (insert(&t, h, count1 << t.dbits | last)) {
      gc_pair_map_free(&t);
      return -1;
    }
  }
  gc_pair_map_free(m);
  *m = t;
  return 0;
}

int gc_pair_map_together(gc_pair_map *m, uint32_t a, uint32_t b, int day, int window) {
  assert(day >= 0 && day < DAYS_MAX);
  if (day + 1 > m->days) {
    int d = 2 * m->days < DAYS_MAX ? 2 * m->days : DAYS_MAX;
    if (widen(m, day + 1 > d ? day + 1 : d)) return -1;
  }
  uint64_t h = pair_hash(m, a, b), x = 0, today = (uint64_t)day + 1;
  uint64_t j = h >> m->rbits, r = h & ((1ull << m->rbits) - 1);
  uint64_t i = 0;
  if (!m->slot || !seek(m, j * m->cap, m->cap, r, &i, &x)) {
    if (insert(m, h, today)) return -1;
    return GC_PAIR_NEW | (m->need == 1 ? GC_PAIR_TIE : 0);
  }
  int count = (int)((x >> m->dbits) & ((1ull << m->cbits) - 1)) + 1;
  int last = (int)(x & ((1ull << m->dbits) - 1));
  if (count >= m->need || last == (int)today) return 0;
  if (window > 0 && (int)today - last > window) count = 0;   /* too long ago: start again */
  count++;
  put(m, m->slot, i, r << state_bits(m) | (uint64_t)(count - 1) << m->dbits | today);
  return count == m->need ? GC_PAIR_TIE : 0;
}

int gc_pair_map_get(const gc_pair_map *m, uint32_t a, uint32_t b, int *count, int *last_day) {
  if (!m->slot) return 0;
  uint64_t h = pair_hash(m, a, b), x;
  uint64_t j = h >> m->rbits, r = h & ((1ull << m->rbits) - 1);
  uint64_t at;
  if (!seek(m, j * m->cap, m->cap, r, &at, &x)) return 0;
  *count = (int)((x >> m->dbits) & ((1ull << m->cbits) - 1)) + 1;
  *last_day = (int)(x & ((1ull << m->dbits) - 1));
  return 1;
}

void gc_pair_map_prefetch(const gc_pair_map *m, uint32_t a, uint32_t b) {
  if (!m->slot) return;
  uint64_t h = pair_hash(m, a, b);
  uint64_t j = h >> m->rbits, r = h & ((1ull << m->rbits) - 1);
  __builtin_prefetch((const char *)m->slot + (j * m->cap + home(m, r, m->cap)) * slot_size(m), 1);
}

void gc_pair_map_forget(gc_pair_map *m, int day, int window) {
  assert(window > 0);
  if (!m->slot) return;
  uint64_t cap = m->cap;
  for (uint64_t j = 0; j < nseg(m); j++) {
    uint64_t k, drop = 0;
    for (k = 0; k < cap && !drop; k++) {
      uint64_t x = get(m, m->slot, j * cap + k);
      drop = x && stale(m, x, day, window);
    }
    if (!drop) continue;
    drop = resettle(m, j, cap, cap, day, window);
    m->seg_n[j] -= (uint32_t)drop;
    m->n -= drop;
  }
}

/* Bytes of m's arrays with segments of cap slots. */
static double bytes_at(const gc_pair_map *m, uint64_t cap, uint64_t scratch_cap) {
  return (double)((nseg(m) * cap + scratch_cap) * slot_size(m) + nseg(m) * sizeof *m->seg_n);
}

size_t gc_pair_map_bytes(const gc_pair_map *m) {
  return m->slot ? (size_t)bytes_at(m, m->cap, m->scratch_cap) : 0;
}

/* The count the fullest of s segments reaches when each holds a Poisson
** number of pairs with this mean: the least k with s P(X > k) < 1/2. */
static double fullest(double mean, double s) {
  for (double k = floor(mean);; k++) {
    double t = exp((k + 1) * log(mean) - mean - lgamma(k + 2)), tail = 0;
    for (double i = k + 1; t > 1e-300 && t > tail * 1e-9; i++) {
      tail += t;
      t *= mean / (i + 1);
    }
    if (s * tail < 0.5) return k;
  }
}

double gc_pair_map_bytes_for(uint32_t agents, int need, int days, double pairs) {
  if (pairs <= 0) return 0;
  gc_pair_map m;
  gc_pair_map_init(&m, agents, need, days);
  double most = fullest(pairs / (double)nseg(&m), (double)nseg(&m));
  uint64_t cap = CAP_MIN;
  while ((double)seg_limit(cap) < most) cap = next_cap(cap, nseg(&m), slot_size(&m));
  return bytes_at(&m, cap, cap);
}
