/*
** gc_diag.c — the error-message collector.
**
** Representation.  A growable array of entries; each entry owns one
** formatted message (malloc'd) and remembers the line, column and the length
** of the source-name prefix of its text, which is all gc_diag_sort needs.
** The expected load is a handful of messages, at worst a few thousand for a
** badly broken file, so a plain array and qsort are plenty.
**
** Out of memory.  If an entry cannot be stored the collector counts it in
** `lost`; lost messages read as OOM_TEXT.  If only the text cannot be
** formatted, the entry points at OOM_TEXT (never freed).
*/
#include "gc_diag.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Immutable; entries point at it when their text could not be allocated. */
static const char OOM_TEXT[] = "(out of memory: message lost)";

typedef struct gc_diag_entry {
  char *msg;       /* owned, or OOM_TEXT */
  size_t flen;     /* length of the source name at the start of msg */
  int line, col;   /* 1-based; <= 0 when absent */
  int rank;        /* sort key: order of first appearance of the source */
  int seq;         /* sort key: insertion order, for stability */
} gc_diag_entry;

struct gc_diag {
  gc_diag_entry *e;
  int n, cap;
  int lost;        /* messages that could not be stored at all */
};

gc_diag *gc_diag_new(void) {
  return calloc(1, sizeof(gc_diag));
}

static void entry_free(gc_diag_entry *e) {
  if (e->msg != OOM_TEXT) free(e->msg);
}

void gc_diag_free(gc_diag *d) {
  if (!d) return;
  for (int i = 0; i < d->n; i++) entry_free(&d->e[i]);
  free(d->e);
  free(d);
}

/* Makes room for one more entry; 0 when out of memory. */
static int grow(gc_diag *d) {
  if (d->n < d->cap) return 1;
  int cap = d->cap ? d->cap * 2 : 16;
  gc_diag_entry *e = realloc(d->e, (size_t)cap * sizeof *e);
  if (!e) return 0;
  d->e = e;
  d->cap = cap;
  return 1;
}

/* Writes "file:line:col: path: " into buf (buf may be NULL when cap is 0);
** returns the length snprintf would produce. */
static int prefix(char *buf, size_t cap, const char *file, int line, int col, const char *path) {
  const char *p = path && *path ? path : NULL;
  const char *sep = p ? ": " : "";
  if (line > 0 && col > 0)
    return snprintf(buf, cap, "%s:%d:%d: %s%s", file, line, col, p ? p : "", sep);
  if (line > 0) return snprintf(buf, cap, "%s:%d: %s%s", file, line, p ? p : "", sep);
  return snprintf(buf, cap, "%s: %s%s", file, p ? p : "", sep);
}

/* The formatted message, malloc'd; NULL when out of memory. */
static char *format(const char *file, int line, int col, const char *path, const char *fmt,
                    va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int np = prefix(NULL, 0, file, line, col, path);
  int nb = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (np < 0 || nb < 0) return NULL;
  char *s = malloc((size_t)np + (size_t)nb + 1);
  if (!s) return NULL;
  prefix(s, (size_t)np + 1, file, line, col, path);
  vsnprintf(s + np, (size_t)nb + 1, fmt, ap);
  return s;
}

void gc_diag_vadd(gc_diag *d, const char *file, int line, int col, const char *path,
                  const char *fmt, va_list ap) {
  assert(d && fmt);
  if (!file) file = "?";
  if (!grow(d)) {
    d->lost++;
    return;
  }
  gc_diag_entry *e = &d->e[d->n];
  e->msg = format(file, line, col, path, fmt, ap);
  if (!e->msg) e->msg = (char *)OOM_TEXT;
  e->flen = strlen(file);
  e->line = line;
  e->col = col;
  e->rank = 0;
  e->seq = d->n;
  d->n++;
}

void gc_diag_add(gc_diag *d, const char *file, int line, int col, const char *path,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gc_diag_vadd(d, file, line, col, path, fmt, ap);
  va_end(ap);
}

int gc_diag_count(const gc_diag *d) {
  assert(d);
  return d->n + d->lost;
}

const char *gc_diag_msg(const gc_diag *d, int i) {
  assert(d && i >= 0 && i < gc_diag_count(d));
  return i < d->n ? d->e[i].msg : OOM_TEXT;
}

static int same_source(const gc_diag_entry *a, const gc_diag_entry *b) {
  return a->flen == b->flen && strncmp(a->msg, b->msg, a->flen) == 0;
}

/* Ranks entries [from, n) by the first appearance of their source. */
static void rank_sources(gc_diag *d, int from) {
  int next = 0;
  for (int i = from; i < d->n; i++) {
    d->e[i].rank = -1;
    for (int j = from; j < i && d->e[i].rank < 0; j++)
      if (same_source(&d->e[i], &d->e[j])) d->e[i].rank = d->e[j].rank;
    if (d->e[i].rank < 0) d->e[i].rank = next++;
  }
}

static int cmp_int(int a, int b) {
  return (a > b) - (a < b);
}

static int cmp_entry(const void *pa, const void *pb) {
  const gc_diag_entry *a = pa, *b = pb;
  int c = cmp_int(a->rank, b->rank);
  if (!c) c = cmp_int(a->line, b->line);
  if (!c) c = cmp_int(a->col, b->col);
  if (!c) c = cmp_int(a->seq, b->seq);
  return c;
}

void gc_diag_sort(gc_diag *d, int from) {
  assert(d);
  if (from < 0) from = 0;
  if (d->n - from < 2) return;
  rank_sources(d, from);
  qsort(d->e + from, (size_t)(d->n - from), sizeof *d->e, cmp_entry);
}

void gc_diag_print(const gc_diag *d, FILE *f) {
  assert(d && f);
  for (int i = 0; i < gc_diag_count(d); i++) fprintf(f, "%s\n", gc_diag_msg(d, i));
}
