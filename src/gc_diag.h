/*
** gc_diag.h — a collector of user-facing error messages.
**
** Design.  Validation in glasscage reports every problem it finds in one
** pass (style habit 7), so errors are not returned one at a time but added
** to a gc_diag and printed together at the end.  Each message is formatted
** once, when it is added, as
**
**     FILE:LINE:COL: key.path: problem (allowed: ...)
**
** which is the form editors and grep understand; LINE and COL are 1-based.
** A message without a position (LINE <= 0) reads "FILE: key.path: problem".
** The collector keeps the position of every message so that the messages of
** one load can be sorted into reading order of the file.
**
** Out of memory.  A collector never loses count: if a message cannot be
** stored, gc_diag_count still includes it and gc_diag_msg returns a fixed
** "out of memory" text for it, so a caller that checks the count still
** refuses the run.
*/
#ifndef GC_DIAG_H
#define GC_DIAG_H

#include <stdarg.h>
#include <stdio.h>

typedef struct gc_diag gc_diag;   /* opaque list of messages */

#if defined(__GNUC__)
#define GC_DIAG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GC_DIAG_PRINTF(f, a)
#endif

/* A new, empty collector.  Returns NULL when out of memory; the caller owns
** the result and frees it with gc_diag_free. */
gc_diag *gc_diag_new(void);

/* Frees d and every message in it.  NULL is allowed. */
void gc_diag_free(gc_diag *d);

/* Adds one message.  file is the display name of the source ("--set" for a
** command-line override); line/col are 1-based, line <= 0 means "no
** position" and col <= 0 "no column"; path is the dotted key path (NULL or
** "" to leave it out); fmt and what follows are printf-style problem text.
** Nothing passed in is retained: d copies what it needs. */
void gc_diag_add(gc_diag *d, const char *file, int line, int col, const char *path,
                 const char *fmt, ...) GC_DIAG_PRINTF(6, 7);

/* gc_diag_add with a va_list. */
void gc_diag_vadd(gc_diag *d, const char *file, int line, int col, const char *path,
                  const char *fmt, va_list ap) GC_DIAG_PRINTF(6, 0);

/* Number of messages added so far. */
int gc_diag_count(const gc_diag *d);

/* Message i (0 <= i < count), without a trailing newline.  The string is
** owned by d and valid until the next gc_diag_add, gc_diag_sort or
** gc_diag_free. */
const char *gc_diag_msg(const gc_diag *d, int i);

/* Sorts messages [from, count) stably by source (in order of first
** appearance), then line, then column. */
void gc_diag_sort(gc_diag *d, int from);

/* Writes every message to f, one per line. */
void gc_diag_print(const gc_diag *d, FILE *f);

#endif
