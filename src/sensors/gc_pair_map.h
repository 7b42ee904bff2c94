/*
** gc_pair_map.h — how often the platform saw each pair of people together,
** for relationship inference (gc_sensor_inference.c).
**
** A set of person pairs (a < b), each with the days it was seen together
** (saturated at min_together: more cannot matter) and the last of those
** days, kept exactly: no pair is ever confused with another.  It is built
** for billions of pairs, so a pair costs 4 bytes of slot where the
** population allows it (8 otherwise) at a load of 0.7-0.9; see
** gc_pair_map.c for the representation.  Nothing is allocated until the
** first pair.
*/
#ifndef GC_PAIR_MAP_H
#define GC_PAIR_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct gc_pair_map {
  void *slot;            /* nseg segments of cap slots (uint32_t, or uint64_t when wide); NULL: none yet */
  uint32_t *seg_n;       /* pairs per segment */
  void *scratch;         /* one segment's slots while it is rehashed */
  uint64_t scratch_cap;  /* in slots */
  uint64_t cap;          /* slots per segment (any number >= 4) */
  size_t n;              /* pairs held */
  uint32_t agents;       /* person ids are below this */
  int need;              /* min_together: a pair's count stops here */
  int days;              /* the largest day + 1 the slots can hold (grows on demand) */
  int wide;              /* 1: 8-byte slots */
  int kbits, sbits, rbits; /* bits of a pair's index, of its segment, of the remainder a slot keeps */
  int cbits, dbits;      /* bits of count - 1 and of the last day (day + 1) in a slot */
} gc_pair_map;

/* What gc_pair_map_together did. */
enum {
  GC_PAIR_NEW = 1,       /* the pair was not held: now it is, counted once */
  GC_PAIR_TIE = 2        /* the pair's count reached min_together today */
};

/* Prepares m for pairs of people 0..agents-1 whose ties need `need` >= 1
** days together, over days 0..days-1 (later days are accepted: the slots are
** then rebuilt wider).  Allocates nothing; free with gc_pair_map_free. */
void gc_pair_map_init(gc_pair_map *m, uint32_t agents, int need, int days);

/* Frees what m holds and leaves it empty (as after init with the same
** arguments). */
void gc_pair_map_free(gc_pair_map *m);

/* One day together for a < b on `day` (days in non-decreasing order): a
** pair counts at most once a day; with window > 0 a count more than window
** days after the pair's previous one starts again from one.  Returns
** GC_PAIR_NEW and/or GC_PAIR_TIE, 0, or -1 when out of memory (m is then
** unchanged and still valid). */
int gc_pair_map_together(gc_pair_map *m, uint32_t a, uint32_t b, int day, int window);

/* Whether a < b is held; if so its count (at most need) and the day + 1 it
** was last counted on (for a pair at need: the day it got there). */
int gc_pair_map_get(const gc_pair_map *m, uint32_t a, uint32_t b, int *count, int *last_day);

/* Hints the cache that gc_pair_map_together(m, a, b, ...) comes soon. */
void gc_pair_map_prefetch(const gc_pair_map *m, uint32_t a, uint32_t b);

/* Forgets every pair below need whose next day together on `day` or later
** would start its count again (last counted more than window days before
** day + 1); window > 0.  Allocates nothing. */
void gc_pair_map_forget(gc_pair_map *m, int day, int window);

/* Bytes m holds now. */
size_t gc_pair_map_bytes(const gc_pair_map *m);

/* Bytes a map init'ed with these arguments holds once it has held `pairs`
** pairs (the memory preflight's model of it), 0 for none. */
double gc_pair_map_bytes_for(uint32_t agents, int need, int days, double pairs);

#endif
