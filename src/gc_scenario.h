/*
** gc_scenario.h — scenario loading: YAML text and --set overrides in, one
** validated gc_config out.
**
** Design.  This is the only module that knows YAML (architecture.md).  A
** load parses the text into a small node tree, grafts each override
** ("key.path=value") onto the tree, and then walks the tree against the
** scenario schema, filling *cfg and reporting every problem it finds to a
** gc_diag in the form "FILE:LINE:COL: key.path: problem (allowed: ...)".
** Nothing in *cfg points into the text or the tree; the struct is plain
** data (see gc_config.h).  docs/scenario-reference.md documents every key,
** its default and its range.
**
** Overrides.  `key.path=value`: the path uses dots between mapping keys and
** [i] for sequence items; a sequence of named mappings (rules) may also be
** addressed by name (rules.drug_history_hotel.priority=drugs, or
** rules[drug_history_hotel].priority=drugs).  The value
** is parsed as YAML ("[hotel,station]", "{rate: 2}", "0.5").  Errors in an
** override are reported with the display name "--set", line 1 and the
** column within the override string.
*/
#ifndef GC_SCENARIO_H
#define GC_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "gc_config.h"
#include "gc_diag.h"

/* The built-in scenarios, generated at build time by tools/embed.c from
** scenarios/[NAME].yaml; text is NUL-terminated, len excludes the NUL. */
typedef struct gcs_builtin {
  const char *name;
  const char *text;
  size_t len;
} gcs_builtin;
extern const gcs_builtin gcs_builtins[];
extern const int gcs_nbuiltins;

/* Parses text (len bytes, need not be NUL-terminated), applies the nsets
** overrides in order and validates.  display_name names the text in
** messages (a path, or "default" for a built-in).  Fills *cfg (zeroed
** first, then defaults, then the scenario's values; every "-1 none" index is
** -1 when unused).  Returns the number of errors added to diag; 0 means *cfg
** is valid.  On errors *cfg is partly filled and must not be run.  Nothing
** passed in is retained. */
int gcs_load(const char *display_name, const char *text, size_t len,
             const char *const *sets, int nsets, gc_config *cfg, gc_diag *diag);

/* Reads the file at path and calls gcs_load with path as display name.  An
** unreadable file is one error naming the path.  Returns the error count. */
int gcs_load_file(const char *path, const char *const *sets, int nsets, gc_config *cfg,
                  gc_diag *diag);

/* The text of built-in scenario `name` (static storage, NUL-terminated) and
** its length in *len (len may be NULL); NULL if there is no such built-in. */
const char *gcs_builtin_text(const char *name, size_t *len);

/* FNV-1a 64 over the text and then each override (each preceded by a 0
** byte, so "a","bc" and "ab","c" differ): the scenario's provenance hash. */
uint64_t gcs_hash(const char *text, size_t len, const char *const *sets, int nsets);

/* A plain scalar as the loader reads a number (digits, sign, '.', 'e';
** '_' ignored): 1 and *out, or 0 when the text is not a number. */
int gcs_number(const char *text, double *out);

/* The --set overrides as stored in results.db (table scenario): one per
** line, each ending in a newline.  Returns a malloc'd string or NULL. */
char *gcs_join_sets(const char *const *sets, int nsets);

#endif
