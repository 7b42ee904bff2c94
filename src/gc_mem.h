/*
** gc_mem.h — the one way glasscage grows a buffer.
**
** Day buffers (events, observations, alerts, candidates) are reused from
** day to day and grow geometrically, so after the first days the loop does
** not allocate.  Out of memory is reported, never fatal here: callers pass
** the failure up as GC_ERR_NOMEM and the run stops cleanly.
*/
#ifndef GC_MEM_H
#define GC_MEM_H

#include <stdlib.h>

/* Returns buf grown to hold at least `need` elements of `size` bytes (at
** least 256, doubling), updating *cap; or NULL on allocation failure, in
** which case buf and *cap are untouched and still owned by the caller. */
static inline void *gc_grow(void *buf, size_t *cap, size_t need, size_t size) {
  if (need <= *cap && buf) return buf;      /* never NULL on success, even for need 0 */
  if (need <= *cap) need = *cap;
  size_t n = *cap ? *cap : 256;
  while (n < need) n *= 2;
  void *p = realloc(buf, n * size);
  if (p) *cap = n;
  return p;
}

#endif
