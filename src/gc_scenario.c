/*
** gc_scenario.c — scenario loading: YAML text + --set overrides -> gc_config.
**
** Design.  A load is three passes over one small tree of nodes.
**
**  1. Build.  libyaml's event parser turns the text into nodes (scalar,
**     mapping, sequence), each remembering its source name and the 1-based
**     line and column where it starts.  A syntax error stops the load: the
**     half-read document would only produce confusing follow-on errors.
**     Duplicate keys are reported here and the first one is kept.  Aliases
**     are expanded by copying, within a node budget, so that a "billion
**     laughs" file cannot exhaust memory.
**  2. Override.  Each `key.path=value` parses its value as a YAML document
**     of its own whose nodes carry the source "--set", line 1 and the column
**     inside the override, and grafts it onto the tree: missing mappings are
**     created, present values replaced, sequence items addressed by [i] or
**     by their `name`.  Keys an override adds are ordinary nodes, so a
**     misspelt override path is caught by the same unknown-key check, with
**     the same did-you-mean, as a misspelt key in the file.
**  3. Validate.  A walk over the schema in a fixed order (top-level scalars,
**     world, population, activity, lists, trust.given, sensors, response,
**     rules, reactions), chosen so that every name is declared before
**     anything refers to it: traits, hidden truth, lists, trust and risk
**     levels are resolved to indices (gc_cond), priorities and purchase
**     categories to indices.  The one forward reference, a score feature
**     counting the alerts of a later rule, is resolved once every rule has
**     its name.  Messages are sorted into file order afterwards, so the
**     walk's order never shows.  The walk never stops at an error:
**     every getter reports and leaves the default in place, so later checks
**     still run.  An error that is only a consequence of an earlier one (a
**     condition naming a trait whose declaration was broken) is suppressed.
**
** Memory.  Every node and string lives in one arena owned by the load and
** freed when it returns; nothing in gc_config points into it.  Out-of-memory
** policy (as Lua's luaD_throw): an arena allocation failure longjmps back to
** gcs_load, which releases libyaml's state and the arena and reports one
** "out of memory" error.  No other code path allocates.
**
** Operation mix.  A scenario is a few hundred nodes, loaded once per run (a
** sweep loads it once per point), so clarity wins over speed everywhere:
** keys are found by linear search, duplicates by a quadratic scan.
*/
#include "gc_names.h"
#include "gc_scenario.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define GCS_PATH_MAX   256               /* key paths in messages */
#define GCS_DEPTH_MAX  64                /* nesting of the YAML document */
#define GCS_NODES_MAX  1000000L          /* node budget (alias expansion) */
#define GCS_FILE_MAX   (64L << 20)       /* scenario files larger than this are refused */
#define GCS_SEGS_MAX   32                /* components of an override path */
#define GCS_ROOT       "(top level)"     /* key path of the document itself */
#define GCS_SET_SRC    "--set"           /* source name of override values */
#define GCS_SUM_TOL    1e-6              /* shares must sum to 1 within this */

#if defined(__GNUC__)
#define GCS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GCS_PRINTF(f, a)
#endif

/* ------------------------------------------------------------------------
** Vocabularies: the shared tables of gc_names.h under short local names.
*/
#define PLACE_NAMES gc_place_names
#define BEH_NAMES gc_behaviour_names
#define EVENT_NAMES gc_event_names
#define MEASURE_NAMES gc_measure_names
#define OVER_NAMES gc_over_names
#define KIND_NAMES gc_rule_kind_names
#define ACTION_NAMES gc_action_names
#define WEEKDAY_NAMES gc_weekday_names
#define DEST_NAMES gc_destination_names
#define SIGNAL_NAMES gc_signal_names
#define EVASION_NAMES gc_evasion_names

/* Keys allowed at each spot of the schema. */
static const char *const K_TOP[] = {"name", "description", "seed", "days", "start_weekday",
                                    "world", "population", "activity", "sensors", "lists",
                                    "rules", "response", "reactions", NULL};
static const char *const K_WORLD[] = {"city_km", "other_regions", "other_distance_km",
                                      "capital_distance_km", "away_hotels", "away_stations",
                                      "away_hotels_per_1000", "away_stations_per_1000",
                                      "places_per_1000", NULL};
static const char *const K_POPULATION[] = {"size", "employed", "students", "phones", "vehicles",
                                           "households", "traits", "truth", "ties", "trust",
                                           "risk_levels", NULL};
static const char *const K_PHONES[] = {"owners", "registered_to_user", "second_hand", NULL};
static const char *const K_VEHICLES[] = {"owners", "registered_to_user", NULL};
static const char *const K_TRUST[] = {"levels", "initial", "given", "drop_per_action",
                                      "recover_days", NULL};
static const char *const K_HOUSEHOLDS[] = {"sizes", "crowded", "neighbourhoods", NULL};
static const char *const K_NEIGHBOURHOOD[] = {"if", "districts", "share", NULL};
static const char *const K_CROWDED[] = {"if", "share", "sizes", NULL};
static const char *const K_TRAIT[] = {"values", "prevalence", "household", "reference",
                                      "given", NULL};
static const char *const K_TRUTH[] = {"prevalence", "given", "lawful", NULL};
static const char *const K_TIES[] = {"friends", "coworkers", "couples", "couples_apart",
                                     "family_out_of_region", NULL};
static const char *const K_ACTIVITY[] = {"out_of_area_share", "trip_nights", "offences_by",
                                         "offences_at", "offences_near_home", "petitions_by", "trip_by_car", "travel_together",
                                         "holiday", "utility", "behaviours", "purchases", NULL};
static const char *const K_HOLIDAY[] = {"first_day", "days", "partner_visit", NULL};
static const char *const K_UTILITY[] = {"electricity_kwh", "water_litres", "size_exponent",
                                        "noise_sd", NULL};
static const char *const K_BEHAVIOUR[] = {"rate", "weekday", "weekend", "multipliers", "minutes",
                                          "minutes_multipliers", NULL};
static const char *const K_PURCHASE[] = {"rate", "mean", "sd_log", "multipliers", NULL};
static const char *const K_SENSORS[] = {"id_scan", "phone_records", "purchase_records",
                                        "utility_meters", "cctv", "wifi", "plates",
                                        "compound_visitors", "railway", "payments",
                                        "phone_location", "linkage_error", "home_visits",
                                        "inference", NULL};
static const char *const K_ID_SCAN[] = {"hotel", "station", "checkpoint", "identity_error",
                                        NULL};
static const char *const K_SCANNER[] = {"coverage", "detection", NULL};
static const char *const K_COVERAGE[] = {"coverage", NULL};
static const char *const K_CCTV[] = {"coverage", "infrared", "night_factor", "miss",
                                     "false_match", "homes_of", "homes", NULL};
static const char *const K_PLATES[] = {"coverage", "detection", "misread", NULL};
static const char *const K_COMPOUND[] = {"coverage", "companions_recorded", NULL};
static const char *const K_HOME_VISITS[] = {"unusual_if", "unusual_otherwise", NULL};
static const char *const K_INFERENCE[] = {"min_together", "travel_minutes", "window_days",
                                          "associates_of", "associates_join", NULL};
static const char *const K_LIST[] = {"members", "removal_per_day", "exempt", NULL};
static const char *const K_RESPONSE[] = {"capacity_per_day", "priorities", "actions",
                                         "enabled", "carry_over_days", "quota",
                                         "lower_risk_days", "intercept", "patrol", NULL};
static const char *const K_QUOTA[] = {"per_day", "from", NULL};
static const char *const K_PATROL[] = {"patrols", "districts", "prior", "decay", "discover",
                                       "reported", "stop", "correction", "action", "incidents", NULL};
static const char *const K_ACTION[] = {"cost", "finds", "false_finding", "on_finding", "days",
                                       NULL};
static const char *const K_REACTIONS[] = {"aware", "aware_after_action", "evasion",
                                          "deterrence", "chilling", NULL};
static const char *const K_EVASION[] = {"prob", "cost_money", "cost_minutes", NULL};
static const char *const K_DETERRENCE[] = {"factor", "days", NULL};
static const char *const K_SELECTOR[] = {"any", "all", NULL};
static const char *const K_RULE_COMMON[] = {"name", "kind", "source", "description", "who",
                                            "claims", "priority", "action", "list",
                                            "then_list", NULL};
static const char *const K_RULE_KIND[GC_RULE_NKINDS][8] = {
  [GC_RULE_PRESENCE] = {"where", "radius_m", NULL},
  [GC_RULE_COPRESENCE] = {"where", "min_people", "radius_m", "within_minutes", NULL},
  [GC_RULE_FREQUENCY] = {"event", "purchase", "min_count", "window_days", "distinct", NULL},
  [GC_RULE_BASELINE] = {"measure", "purchase", "over", "factor", "percentile",
                        "min_history_days", NULL},
  [GC_RULE_MOVEMENT] = {"destination", NULL},
  [GC_RULE_ABSENCE] = {"signal", "days", NULL},
  [GC_RULE_DWELL] = {"where", "min_minutes", "window_days", NULL},
  [GC_RULE_SCORE] = {"features", "levels", "alert_at", NULL},
};
/* Keys of one score feature; the first five name its kind, in gc_feature_kind order. */
static const char *const K_FEATURE[] = {"if", "count", "alerts", "actions", "ties_to", "weight",
                                        "window_days", "cap", NULL};
#define FEATURE_KINDS 5
/* Behaviours that are stays at a place: only these have a length (minutes). */
static const int STAY_BEHAVIOURS[] = {GC_BEH_ERRAND, GC_BEH_LEISURE, GC_BEH_STATION_VISIT,
                                      GC_BEH_COMPOUND_VISIT, GC_BEH_RELIGIOUS};
/* Behaviours whose rate is a probability, not a count. */
static const int PROB_BEHAVIOURS[] = {GC_BEH_NEW_COMPANION, GC_BEH_PARTNER_VISIT};

/* ------------------------------------------------------------------------
** Defaults: the values of scenarios/default.yaml where that file sets them
** (docs/scenario-reference.md lists them all).
*/
static const double DEF_PLACES[GC_PLACE_NTYPES] = {
  [GC_PLACE_WORKPLACE] = 25, [GC_PLACE_SCHOOL] = 0.6, [GC_PLACE_SHOP] = 6,
  [GC_PLACE_LEISURE] = 4, [GC_PLACE_STATION] = 0.02, [GC_PLACE_HOTEL] = 0.6,
  [GC_PLACE_CHECKPOINT] = 0.04};
static const double DEF_RATE[GC_BEH_N][2] = {   /* weekday, weekend */
  [GC_BEH_ERRAND] = {0.6, 1.0}, [GC_BEH_LEISURE] = {0.25, 0.7},
  [GC_BEH_STATION_VISIT] = {0.01, 0.01}, [GC_BEH_HOTEL_LOCAL] = {0.0008, 0.0008},
  [GC_BEH_TRIP_REGION] = {0.004, 0.004}, [GC_BEH_TRIP_CAPITAL] = {0.0004, 0.0004},
  [GC_BEH_CALLS] = {5, 5}, [GC_BEH_NEW_NUMBER] = {0.08, 0.08},
  [GC_BEH_PHONE_OFF] = {0.01, 0.01}, [GC_BEH_OFFENCE] = {0.3, 0.3}};
static const int DEF_HH_SIZE[] = {1, 2, 3, 4, 5};
static const double DEF_HH_SHARE[] = {0.16, 0.28, 0.30, 0.16, 0.10};
static const gc_action_cfg DEF_ACTION[GC_ACT_NTYPES] = {
  [GC_ACT_NONE] = {0, 0, 0, GC_ACT_NONE, 0},
  [GC_ACT_VISIT] = {1, 0.3, 0.01, GC_ACT_DETENTION, 0},
  [GC_ACT_ID_CHECK] = {1, 0.1, 0.0, GC_ACT_NONE, 0},
  [GC_ACT_DRUG_TEST] = {1, 0.95, 0.02, GC_ACT_DETENTION, 0},
  [GC_ACT_DETENTION] = {2, 0, 0, GC_ACT_NONE, 15},
  [GC_ACT_LIST_ENTRY] = {0, 0, 0, GC_ACT_NONE, 0}};

/* ------------------------------------------------------------------------
** The node tree and the load context.
*/
enum { NODE_SCALAR = 0, NODE_MAP, NODE_SEQ };

typedef struct gcs_node gcs_node;
struct gcs_node {
  int kind;          /* NODE_* */
  int plain;         /* scalar written without quotes or tag: may be a number, bool or null */
  const char *src;   /* display name; not owned (the caller's string or a literal) */
  int line, col;     /* 1-based start of the node */
  const char *text;  /* scalar text, NUL-terminated */
  int n, cap;        /* pairs of a mapping, items of a sequence */
  gcs_node **key;    /* mapping keys */
  gcs_node **val;    /* mapping values, sequence items */
};

typedef struct gcs_block {
  struct gcs_block *next;
  size_t used, cap;
  max_align_t data[];
} gcs_block;

typedef struct gcs_ctx {
  jmp_buf oom;                 /* arena_alloc jumps here when malloc fails */
  gcs_block *blocks;           /* the arena */
  long nnodes;                 /* nodes made so far (budget GCS_NODES_MAX) */
  yaml_parser_t parser;        /* live while parser_live: freed on the OOM path too */
  yaml_event_t event;
  int parser_live, event_live;
  gc_diag *diag;
  gc_config *cfg;
  /* Declarations, so conditions can be resolved and cascades suppressed. */
  const gcs_node *trait_node[GC_MAX_TRAITS];
  char trait_bad[GC_MAX_TRAITS];      /* declaration had errors: stay quiet about uses */
  char trait_binary[GC_MAX_TRAITS];   /* declared with prevalence (values no, yes) */
  const gcs_node *truth_node[GC_MAX_TRUTH];
  const gcs_node *list_node[GC_MAX_LISTS];
  int prio_bad;                       /* response.priorities had errors */
  int traits_bad, truth_bad, lists_bad;  /* a whole section was missing or of the wrong
                                            type: unknown names are its consequence */
  int trust_bad, risk_bad;            /* population.trust / risk_levels had errors */
  /* Score features naming a rule (`alerts: NAME`): resolved after all rules
  ** are read, since a feature may name a later rule. */
  const gcs_node *alerts_node[GC_MAX_RULES][GC_MAX_FEATURES];
  /* population.households.neighbourhoods[k].districts: checked against the
  ** district grid once response.patrol.districts is read. */
  const gcs_node *nb_districts[GC_MAX_NEIGHBOURHOODS];
} gcs_ctx;

/* A position in the schema walk: a mapping (or nothing) and its key path. */
typedef struct gcs_at {
  gcs_ctx *cx;
  const gcs_node *map;     /* the mapping; NULL when absent, null or of the wrong type */
  const gcs_node *pos;     /* where "required key is missing" points */
  int present;             /* 1: required keys inside are checked */
  char path[GCS_PATH_MAX];
} gcs_at;

/* ------------------------------------------------------------------------
** Arena.
*/
static gcs_block *arena_grow(gcs_ctx *cx, size_t size) {
  size_t cap = size > 65536 ? size : 65536;
  gcs_block *b = malloc(sizeof *b + cap);
  if (!b) longjmp(cx->oom, 1);
  b->next = cx->blocks;
  b->used = 0;
  b->cap = cap;
  cx->blocks = b;
  return b;
}

/* Memory that lives until the load returns; never NULL. */
static void *arena_alloc(gcs_ctx *cx, size_t size) {
  size_t a = sizeof(max_align_t);
  size = (size + a - 1) / a * a;
  gcs_block *b = cx->blocks;
  if (!b || b->cap - b->used < size) b = arena_grow(cx, size);
  void *p = (char *)b->data + b->used;
  b->used += size;
  return p;
}

static void arena_free(gcs_ctx *cx) {
  while (cx->blocks) {
    gcs_block *next = cx->blocks->next;
    free(cx->blocks);
    cx->blocks = next;
  }
}

static char *arena_strndup(gcs_ctx *cx, const char *s, size_t n) {
  char *p = arena_alloc(cx, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

/* ------------------------------------------------------------------------
** Nodes.
*/
static gcs_node *node_new(gcs_ctx *cx, int kind, const char *src, int line, int col) {
  gcs_node *n = arena_alloc(cx, sizeof *n);
  memset(n, 0, sizeof *n);
  n->kind = kind;
  n->src = src;
  n->line = line;
  n->col = col;
  n->text = "";
  cx->nnodes++;
  return n;
}

static gcs_node *scalar_new(gcs_ctx *cx, const char *src, int line, int col, const char *text,
                            size_t len, int plain) {
  gcs_node *n = node_new(cx, NODE_SCALAR, src, line, col);
  n->text = arena_strndup(cx, text, len);
  n->plain = plain;
  return n;
}

/* Appends an item (key NULL) to a sequence or a pair to a mapping. */
static void node_push(gcs_ctx *cx, gcs_node *p, gcs_node *key, gcs_node *val) {
  if (p->n == p->cap) {
    int cap = p->cap ? p->cap * 2 : 8;
    gcs_node **v = arena_alloc(cx, (size_t)cap * sizeof *v);
    gcs_node **k = arena_alloc(cx, (size_t)cap * sizeof *k);
    if (p->n) memcpy(v, p->val, (size_t)p->n * sizeof *v);
    if (p->n && p->key) memcpy(k, p->key, (size_t)p->n * sizeof *k);
    p->val = v;
    p->key = k;
    p->cap = cap;
  }
  p->key[p->n] = key;
  p->val[p->n] = val;
  p->n++;
}

/* Index of the pair with scalar key `key` in mapping m, or -1. */
static int map_find(const gcs_node *m, const char *key) {
  if (!m || m->kind != NODE_MAP) return -1;
  for (int i = 0; i < m->n; i++)
    if (m->key[i]->kind == NODE_SCALAR && strcmp(m->key[i]->text, key) == 0) return i;
  return -1;
}

static const gcs_node *map_get(const gcs_node *m, const char *key) {
  int i = map_find(m, key);
  return i < 0 ? NULL : m->val[i];
}

static const gcs_node *map_key(const gcs_node *m, const char *key) {
  int i = map_find(m, key);
  return i < 0 ? NULL : m->key[i];
}

static long node_count(const gcs_node *n) {
  long c = 1;
  for (int i = 0; i < n->n; i++) c += node_count(n->val[i]) + (n->key ? 1 : 0);
  return c;
}

static gcs_node *node_copy(gcs_ctx *cx, const gcs_node *n) {
  gcs_node *c = node_new(cx, n->kind, n->src, n->line, n->col);
  c->text = n->text;
  c->plain = n->plain;
  for (int i = 0; i < n->n; i++)
    node_push(cx, c, n->kind == NODE_MAP ? node_copy(cx, n->key[i]) : NULL,
              node_copy(cx, n->val[i]));
  return c;
}

static int str_ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    int ca = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
    int cb = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
    if (ca != cb) return 0;
  }
  return *a == *b;
}

/* YAML 1.1 null: an empty plain scalar, ~ or null. */
static int is_null(const gcs_node *n) {
  return n->kind == NODE_SCALAR && n->plain &&
         (!*n->text || !strcmp(n->text, "~") || str_ieq(n->text, "null"));
}

/* ------------------------------------------------------------------------
** Paths and errors.
*/
/* Appends s to out (of GCS_PATH_MAX bytes) from *k, truncating silently:
** an over-long path in a message is still useful. */
static void path_put(char *out, size_t *k, const char *s) {
  for (; *s && *k + 1 < GCS_PATH_MAX; s++) out[(*k)++] = *s;
  out[*k] = 0;
}

/* out = parent.key (or key when parent is empty); out may equal parent. */
static void path_key(char *out, const char *parent, const char *key) {
  size_t k = 0;
  if (out != parent) path_put(out, &k, parent);
  else k = strlen(out);
  if (*parent) path_put(out, &k, ".");
  path_put(out, &k, key);
}

/* out = parent[i]; out may equal parent. */
static void path_idx(char *out, const char *parent, int i) {
  char num[16];
  size_t k = 0;
  snprintf(num, sizeof num, "[%d]", i);
  if (out != parent) path_put(out, &k, parent);
  else k = strlen(out);
  path_put(out, &k, num);
}

static void err(gcs_ctx *cx, const gcs_node *at, const char *path, const char *fmt, ...)
  GCS_PRINTF(4, 5);
static void err(gcs_ctx *cx, const gcs_node *at, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gc_diag_vadd(cx->diag, at->src, at->line, at->col, path && *path ? path : GCS_ROOT, fmt, ap);
  va_end(ap);
}

/* How a node reads in "expected X, got Y". */
static const char *got(const gcs_node *n, char *buf, size_t cap) {
  if (n->kind == NODE_MAP) return "a mapping";
  if (n->kind == NODE_SEQ) return "a sequence";
  if (is_null(n)) return "nothing";
  snprintf(buf, cap, "\"%.60s%s\"", n->text, strlen(n->text) > 60 ? "..." : "");
  return buf;
}

static void type_err(gcs_ctx *cx, const gcs_node *n, const char *path, const char *want) {
  char buf[80];
  err(cx, n, path, "expected %s, got %s", want, got(n, buf, sizeof buf));
}

/* ------------------------------------------------------------------------
** Did you mean: Levenshtein distance, case-insensitive, over short words.
*/
static int lower(int c) {
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int levenshtein(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  if (na > 63 || nb > 63) return 1000;
  int row[64];
  for (size_t j = 0; j <= nb; j++) row[j] = (int)j;
  for (size_t i = 1; i <= na; i++) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= nb; j++) {
      int up = row[j];
      int sub = diag + (lower(a[i - 1]) != lower(b[j - 1]));
      int best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
      row[j] = sub < best ? sub : best;
      diag = up;
    }
  }
  return row[nb];
}

/* The candidate closest to w, or NULL when none is close enough to be a typo. */
static const char *closest(const char *w, const char *const *cand, int n) {
  size_t len = strlen(w);
  int limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
  const char *best = NULL;
  int bestd = limit + 1;
  for (int i = 0; i < n; i++) {
    int d = levenshtein(w, cand[i]);
    if (d < bestd) best = cand[i], bestd = d;
  }
  return best;
}

static int count_names(const char *const *names) {
  int n = 0;
  while (names[n]) n++;
  return n;
}

/* " (did you mean "x"?)", " (allowed: a, b, c)" or, with no candidates,
** " (" + none + ")". */
static const char *hint(char *buf, size_t cap, const char *w, const char *const *cand, int n,
                        const char *none) {
  const char *c = closest(w, cand, n);
  if (c) {
    snprintf(buf, cap, " (did you mean \"%s\"?)", c);
    return buf;
  }
  if (n == 0) {
    snprintf(buf, cap, " (%s)", none ? none : "nothing is allowed here");
    return buf;
  }
  size_t k = (size_t)snprintf(buf, cap, " (allowed: ");
  for (int i = 0; i < n && k < cap; i++)
    k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", cand[i]);
  if (k < cap) snprintf(buf + k, cap - k, ")");
  if (k + 1 >= cap && cap > 5) strcpy(buf + cap - 6, "...)");
  return buf;
}

static int name_index(const char *w, const char *const *names) {
  for (int i = 0; names[i]; i++)
    if (!strcmp(w, names[i])) return i;
  return -1;
}

/* ------------------------------------------------------------------------
** Tree building with libyaml.
*/
typedef struct gcs_anchor {
  const char *name;
  gcs_node *node;
} gcs_anchor;

typedef struct gcs_builder {
  gcs_ctx *cx;
  const char *src;                    /* display name given to every node */
  const char *text;
  size_t len;
  int col0;                           /* override values: column of their first character - 1 */
  const char *base;                   /* key path the document sits at ("" for a file) */
  gcs_node *stack[GCS_DEPTH_MAX];     /* open mappings and sequences */
  gcs_node *pending[GCS_DEPTH_MAX];   /* a mapping's key waiting for its value */
  int depth;
  gcs_node *root;
  int ndocs;
  int failed;                         /* an error stopped the build */
  gcs_anchor *anchors;
  int nanchors, capanchors;
} gcs_builder;

static int mark_line(const gcs_builder *b, yaml_mark_t m) {
  return b->col0 ? 1 : (int)m.line + 1;
}

/* Override values are one line of the override: there the column is the
** character offset plus the value's own column, and the line is 1. */
static int mark_col(const gcs_builder *b, yaml_mark_t m) {
  return b->col0 ? b->col0 + (int)m.index + 1 : (int)m.column + 1;
}

/* The key path of the innermost open node, for syntax and duplicate errors. */
static void builder_path(const gcs_builder *b, char *out) {
  size_t k = 0;
  path_put(out, &k, b->base);
  for (int i = 0; i < b->depth; i++) {
    const gcs_node *p = b->stack[i];
    int last = i == b->depth - 1;
    if (p->kind == NODE_SEQ && !last && p->n) path_idx(out, out, p->n - 1);
    else if (p->kind == NODE_MAP && last && b->pending[i])
      path_key(out, out, b->pending[i]->text);
    else if (p->kind == NODE_MAP && !last && p->n) path_key(out, out, p->key[p->n - 1]->text);
  }
}

static void builder_err(gcs_builder *b, int line, int col, const char *fmt, ...)
  GCS_PRINTF(4, 5);
static void builder_err(gcs_builder *b, int line, int col, const char *fmt, ...) {
  char path[GCS_PATH_MAX];
  builder_path(b, path);
  va_list ap;
  va_start(ap, fmt);
  gc_diag_vadd(b->cx->diag, b->src, line, col, *path ? path : GCS_ROOT, fmt, ap);
  va_end(ap);
}

static void anchor_add(gcs_builder *b, const yaml_char_t *name, gcs_node *n) {
  if (!name) return;
  if (b->nanchors == b->capanchors) {
    int cap = b->capanchors ? b->capanchors * 2 : 8;
    gcs_anchor *a = arena_alloc(b->cx, (size_t)cap * sizeof *a);
    if (b->nanchors) memcpy(a, b->anchors, (size_t)b->nanchors * sizeof *a);
    b->anchors = a;
    b->capanchors = cap;
  }
  const char *s = (const char *)name;
  b->anchors[b->nanchors].name = arena_strndup(b->cx, s, strlen(s));
  b->anchors[b->nanchors].node = n;
  b->nanchors++;
}

static gcs_node *anchor_find(const gcs_builder *b, const yaml_char_t *name) {
  for (int i = b->nanchors - 1; i >= 0; i--)
    if (!strcmp(b->anchors[i].name, (const char *)name)) return b->anchors[i].node;
  return NULL;
}

/* Checks a new key against the mapping's keys; 1 if it is a duplicate. */
static int duplicate_key(gcs_builder *b, const gcs_node *m, const gcs_node *k) {
  if (k->kind != NODE_SCALAR) return 0;
  int i = map_find(m, k->text);
  if (i < 0) return 0;
  builder_err(b, k->line, k->col, "duplicate key \"%s\" (the first one is at line %d)", k->text,
              m->key[i]->line);
  return 1;
}

/* Puts a finished or newly opened node in its place in the tree. */
static void attach(gcs_builder *b, gcs_node *n) {
  if (b->depth == 0) {
    b->root = n;
    return;
  }
  int d = b->depth - 1;
  gcs_node *p = b->stack[d];
  if (p->kind == NODE_SEQ) {
    node_push(b->cx, p, NULL, n);
  } else if (!b->pending[d]) {
    if (n->kind != NODE_SCALAR)
      builder_err(b, n->line, n->col, "a key must be a plain name, got %s",
                  n->kind == NODE_MAP ? "a mapping" : "a sequence");
    b->pending[d] = n;
  } else {
    gcs_node *k = b->pending[d];
    if (!duplicate_key(b, p, k)) node_push(b->cx, p, k, n);
    b->pending[d] = NULL;
  }
}

static int ev_scalar(gcs_builder *b, const yaml_event_t *ev) {
  const char *tag = (const char *)ev->data.scalar.tag;
  int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
              !(tag && !strcmp(tag, YAML_STR_TAG));
  gcs_node *n = scalar_new(b->cx, b->src, mark_line(b, ev->start_mark),
                           mark_col(b, ev->start_mark), (const char *)ev->data.scalar.value,
                           ev->data.scalar.length, plain);
  anchor_add(b, ev->data.scalar.anchor, n);
  attach(b, n);
  return 0;
}

static int ev_open(gcs_builder *b, const yaml_event_t *ev, int kind, const yaml_char_t *anchor) {
  if (b->depth == GCS_DEPTH_MAX) {
    builder_err(b, mark_line(b, ev->start_mark), mark_col(b, ev->start_mark),
                "nested too deeply (at most %d levels)", GCS_DEPTH_MAX);
    return 1;
  }
  gcs_node *n = node_new(b->cx, kind, b->src, mark_line(b, ev->start_mark),
                         mark_col(b, ev->start_mark));
  anchor_add(b, anchor, n);
  attach(b, n);
  b->pending[b->depth] = NULL;
  b->stack[b->depth++] = n;
  return 0;
}

static int ev_alias(gcs_builder *b, const yaml_event_t *ev) {
  int line = mark_line(b, ev->start_mark), col = mark_col(b, ev->start_mark);
  gcs_node *a = anchor_find(b, ev->data.alias.anchor);
  if (!a) {
    builder_err(b, line, col, "unknown alias *%s", (const char *)ev->data.alias.anchor);
    return 1;
  }
  if (b->cx->nnodes + node_count(a) > GCS_NODES_MAX) {
    builder_err(b, line, col, "alias *%s expands to too many nodes (at most %ld in all)",
                (const char *)ev->data.alias.anchor, GCS_NODES_MAX);
    return 1;
  }
  attach(b, node_copy(b->cx, a));
  return 0;
}

static int ev_document(gcs_builder *b, const yaml_event_t *ev) {
  if (b->ndocs++ == 0) return 0;
  builder_err(b, mark_line(b, ev->start_mark), mark_col(b, ev->start_mark),
              "a scenario is one YAML document; this is a second one (remove the \"---\")");
  return 1;
}

/* Handles one event; nonzero stops the build (an error was reported). */
static int build_event(gcs_builder *b, const yaml_event_t *ev) {
  switch (ev->type) {
  case YAML_DOCUMENT_START_EVENT: return ev_document(b, ev);
  case YAML_SCALAR_EVENT: return ev_scalar(b, ev);
  case YAML_SEQUENCE_START_EVENT:
    return ev_open(b, ev, NODE_SEQ, ev->data.sequence_start.anchor);
  case YAML_MAPPING_START_EVENT: return ev_open(b, ev, NODE_MAP, ev->data.mapping_start.anchor);
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT: b->depth--; return 0;
  case YAML_ALIAS_EVENT: return ev_alias(b, ev);
  default: return 0;
  }
}

/* Line and column of a byte offset (reader errors carry only an offset). */
static void offset_pos(const gcs_builder *b, size_t off, int *line, int *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off && i < b->len; i++) {
    if (b->text[i] == '\n') ++*line, *col = 1;
    else ++*col;
  }
  if (b->col0) *line = 1, *col = b->col0 + (int)off + 1;
}

/* A plain-words hint for libyaml's most common complaints. */
static const char *syntax_hint(const char *problem) {
  static const char *const H[][2] = {
    {"mapping values are not allowed", "; check the indentation, or quote a value containing \": \""},
    {"did not find expected key", "; check the indentation of this line and the one before"},
    {"expected ',' or ']'", "; is a [ left unclosed?"},
    {"expected ',' or '}'", "; is a { left unclosed?"},
    {"could not find expected ':'", "; a key needs a colon after it"},
    {"found unexpected end of stream", "; is a quote left unclosed?"},
    {"UTF-8", "; save the file as UTF-8 text"},
  };
  for (size_t i = 0; i < sizeof H / sizeof H[0]; i++)
    if (strstr(problem, H[i][0])) return H[i][1];
  return "";
}

static void syntax_error(gcs_builder *b, const yaml_parser_t *p) {
  if (p->error == YAML_MEMORY_ERROR) longjmp(b->cx->oom, 1);
  int line = mark_line(b, p->problem_mark), col = mark_col(b, p->problem_mark);
  if (p->error == YAML_READER_ERROR) offset_pos(b, p->problem_offset, &line, &col);
  const char *problem = p->problem ? p->problem : "unreadable YAML";
  size_t at = p->problem_mark.index;
  int tab = p->error == YAML_SCANNER_ERROR && at < b->len && b->text[at] == '\t';
  char ctx[160] = "";
  if (p->context && p->error != YAML_READER_ERROR)
    snprintf(ctx, sizeof ctx, " (%s at line %d, column %d)", p->context,
             mark_line(b, p->context_mark), mark_col(b, p->context_mark));
  builder_err(b, line, col, "YAML syntax error: %s%s%s", problem, ctx,
              tab ? "; tabs cannot indent YAML, use spaces" : syntax_hint(problem));
}

/* Parses b->text into b->root (NULL for a stream without a document).
** Returns 0 after reporting an error that stops the load. */
static int build(gcs_builder *b) {
  gcs_ctx *cx = b->cx;
  if (!yaml_parser_initialize(&cx->parser)) longjmp(cx->oom, 1);
  cx->parser_live = 1;
  yaml_parser_set_input_string(&cx->parser, (const unsigned char *)b->text, b->len);
  for (int done = 0; !done;) {
    if (!yaml_parser_parse(&cx->parser, &cx->event)) {
      syntax_error(b, &cx->parser);
      b->failed = 1;
      break;
    }
    cx->event_live = 1;
    done = cx->event.type == YAML_STREAM_END_EVENT;
    if (build_event(b, &cx->event)) b->failed = done = 1;
    yaml_event_delete(&cx->event);
    cx->event_live = 0;
  }
  yaml_parser_delete(&cx->parser);
  cx->parser_live = 0;
  return !b->failed;
}

static void builder_init(gcs_builder *b, gcs_ctx *cx, const char *src, const char *text,
                         size_t len, int col0) {
  memset(b, 0, sizeof *b);
  b->base = "";
  b->cx = cx;
  b->src = src;
  b->text = text;
  b->len = len;
  b->col0 = col0;
}

/* ------------------------------------------------------------------------
** Overrides: key.path=value grafted onto the tree.
*/
typedef struct gcs_seg {
  const char *name;   /* key, or NULL for [index] */
  size_t len;
  long index;
  int col;            /* 1-based column in the override */
} gcs_seg;

typedef struct gcs_set {
  gcs_ctx *cx;
  const char *s;      /* the whole override */
  char key[GCS_PATH_MAX];  /* its key part, the path used in messages */
  gcs_seg seg[GCS_SEGS_MAX];
  int nseg;
} gcs_set;

static void set_err(gcs_set *o, int col, const char *fmt, ...) GCS_PRINTF(3, 4);
static void set_err(gcs_set *o, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gc_diag_vadd(o->cx->diag, GCS_SET_SRC, 1, col, *o->key ? o->key : GCS_ROOT, fmt, ap);
  va_end(ap);
}

/* Reads "[name]" at s[*i] (a sequence item by its name, as .name);
** returns 0 when malformed. */
static int seg_name_index(gcs_set *o, size_t *i, size_t end) {
  size_t start = *i, j = start + 1;
  while (j < end && o->s[j] != ']' && o->s[j] != '[' && o->s[j] != '.') j++;
  if (j == start + 1 || j >= end || o->s[j] != ']' || o->nseg == GCS_SEGS_MAX) return 0;
  o->seg[o->nseg++] = (gcs_seg){o->s + start + 1, j - start - 1, -1, (int)start + 2};
  *i = j + 1;
  return 1;
}

/* Reads "[digits]" or "[name]" at s[*i]; returns 0 on a malformed index. */
static int seg_index(gcs_set *o, size_t *i, size_t end) {
  size_t start = *i;
  long v = 0;
  size_t j = start + 1;
  if (j < end && !(o->s[j] >= '0' && o->s[j] <= '9')) return seg_name_index(o, i, end);
  for (; j < end && o->s[j] >= '0' && o->s[j] <= '9' && v < 100000000; j++)
    v = v * 10 + (o->s[j] - '0');
  if (j == start + 1 || j >= end || o->s[j] != ']' || o->nseg == GCS_SEGS_MAX) return 0;
  o->seg[o->nseg++] = (gcs_seg){NULL, 0, v, (int)start + 1};
  *i = j + 1;
  return 1;
}

/* Splits s[0, end) into segments: name{[i]} separated by dots. */
static int set_parse_path(gcs_set *o, size_t end) {
  size_t i = 0;
  while (i < end) {
    size_t start = i;
    while (i < end && o->s[i] != '.' && o->s[i] != '[') i++;
    if (i > start) {
      if (o->nseg == GCS_SEGS_MAX) return 0;
      o->seg[o->nseg++] = (gcs_seg){o->s + start, i - start, -1, (int)start + 1};
    } else if (o->s[i] == '.' || o->nseg == 0) {
      return 0;
    }
    while (i < end && o->s[i] == '[')
      if (!seg_index(o, &i, end)) return 0;
    if (i < end && o->s[i] == '.' && ++i == end) return 0;
  }
  return o->nseg > 0;
}

static gcs_node *seg_key_node(gcs_set *o, const gcs_seg *g) {
  return scalar_new(o->cx, GCS_SET_SRC, 1, g->col, g->name, g->len, 1);
}

static int seg_is(const gcs_seg *g, const char *s) {
  return strlen(s) == g->len && !strncmp(s, g->name, g->len);
}

/* Index of the mapping item of sequence q whose name is segment g, or -1. */
static int seq_find_named(const gcs_node *q, const gcs_seg *g) {
  for (int i = 0; i < q->n; i++) {
    const gcs_node *nm = map_get(q->val[i], "name");
    if (nm && nm->kind == NODE_SCALAR && seg_is(g, nm->text)) return i;
  }
  return -1;
}

static void seq_named_err(gcs_set *o, const gcs_node *q, const gcs_seg *g) {
  const char *cand[GC_MAX_RULES + 1] = {0};
  int n = 0;
  for (int i = 0; i < q->n && n < GC_MAX_RULES; i++) {
    const gcs_node *nm = map_get(q->val[i], "name");
    if (nm && nm->kind == NODE_SCALAR) cand[n++] = nm->text;
  }
  char w[GC_NAME_MAX * 2], h[512];
  snprintf(w, sizeof w, "%.*s", (int)g->len, g->name);
  set_err(o, g->col, "no item named \"%s\"%s", w,
          hint(h, sizeof h, w, cand, n, "no item has a name"));
}

/* The slot (pointer into a val array) that segment g of `at` addresses;
** creates a missing mapping key.  NULL after reporting an error. */
static gcs_node **set_slot(gcs_set *o, gcs_node *at, const gcs_seg *g) {
  if (g->name && at->kind == NODE_MAP) {
    for (int i = 0; i < at->n; i++)
      if (at->key[i]->kind == NODE_SCALAR && seg_is(g, at->key[i]->text)) return &at->val[i];
    node_push(o->cx, at, seg_key_node(o, g), NULL);
    return &at->val[at->n - 1];
  }
  if (g->name && at->kind == NODE_SEQ) {
    int i = seq_find_named(at, g);
    if (i >= 0) return &at->val[i];
    seq_named_err(o, at, g);
    return NULL;
  }
  if (!g->name && at->kind == NODE_SEQ) {
    if (g->index < at->n) return &at->val[g->index];
    if (g->index == at->n) {
      node_push(o->cx, at, NULL, NULL);
      return &at->val[at->n - 1];
    }
    set_err(o, g->col, "index [%ld] is out of range: the sequence has %d items (use [%d] to add "
            "one)", g->index, at->n, at->n);
    return NULL;
  }
  set_err(o, g->col, "cannot use %s here: the value at this point is %s",
          g->name ? "a key" : "an [index]",
          at->kind == NODE_MAP ? "a mapping" : at->kind == NODE_SEQ ? "a sequence" : "a single value");
  return NULL;
}

/* Walks to the parent of the last segment, creating mappings on the way. */
static gcs_node *set_walk(gcs_set *o, gcs_node *root) {
  gcs_node *at = root;
  for (int i = 0; i + 1 < o->nseg; i++) {
    gcs_node **slot = set_slot(o, at, &o->seg[i]);
    if (!slot) return NULL;
    if (!*slot || is_null(*slot))
      *slot = node_new(o->cx, o->seg[i + 1].name ? NODE_MAP : NODE_SEQ, GCS_SET_SRC, 1,
                       o->seg[i + 1].col);
    at = *slot;
  }
  return at;
}

/* Parses the value part as YAML; NULL after reporting a syntax error. */
static gcs_node *set_value(gcs_set *o, size_t eq) {
  gcs_builder b;
  const char *v = o->s + eq + 1;
  builder_init(&b, o->cx, GCS_SET_SRC, v, strlen(v), (int)eq + 1);
  b.base = o->key;
  if (!build(&b)) return NULL;
  if (!b.root) return scalar_new(o->cx, GCS_SET_SRC, 1, (int)eq + 2, "", 0, 1);
  return b.root;
}

static void apply_set(gcs_ctx *cx, gcs_node *root, const char *s) {
  gcs_set o;
  memset(&o, 0, sizeof o);
  o.cx = cx;
  o.s = s;
  const char *eq = strchr(s, '=');
  size_t keylen = eq ? (size_t)(eq - s) : strlen(s);
  snprintf(o.key, sizeof o.key, "%.*s", (int)keylen, s);
  if (!eq || !set_parse_path(&o, keylen)) {
    set_err(&o, 1, "expected key.path=value, e.g. population.size=1000 or rules[0].where=[hotel]"
            " (got \"%s\")", s);
    return;
  }
  gcs_node *val = set_value(&o, keylen);
  gcs_node *parent = val ? set_walk(&o, root) : NULL;
  gcs_node **slot = parent ? set_slot(&o, parent, &o.seg[o.nseg - 1]) : NULL;
  if (slot) *slot = val;
}

/* ------------------------------------------------------------------------
** Scalar conversion.
*/
int gcs_number(const char *text, double *out) {
  char buf[64];
  size_t k = 0;
  for (const char *s = text; *s; s++) {
    if (*s == '_') continue;
    if (!strchr("0123456789+-.eE", *s) || k + 1 >= sizeof buf) return 0;
    buf[k++] = *s;
  }
  buf[k] = 0;
  char *end;
  double x = strtod(buf, &end);
  if (!k || *end || !isfinite(x)) return 0;
  *out = x;
  return 1;
}

static int num_parse(const gcs_node *n, double *out) {
  if (n->kind != NODE_SCALAR || !n->plain) return 0;
  return gcs_number(n->text, out);
}

static int is_whole(double x) {
  double a = x < 0 ? -x : x;
  return a >= 9e15 || x == (double)(long long)x;
}

/* A number for messages: 50000000, not 5e+07. */
static const char *fmt_num(char *buf, size_t cap, double x) {
  double a = x < 0 ? -x : x;
  if (is_whole(x) && a < 1e15) snprintf(buf, cap, "%.0f", x);
  else snprintf(buf, cap, "%g", x);
  return buf;
}

typedef struct gcs_range {
  double lo, hi;
  int lo_open, hi_open;   /* 1: the bound itself is not allowed */
} gcs_range;

#define RANGE(lo, hi) ((gcs_range){(lo), (hi), 0, 0})
#define RANGE_POS(hi) ((gcs_range){0, (hi), 1, 0})
#define PROB RANGE(0, 1)

static int in_range(double x, gcs_range r) {
  return (r.lo_open ? x > r.lo : x >= r.lo) && (r.hi_open ? x < r.hi : x <= r.hi);
}

static void range_err(gcs_ctx *cx, const gcs_node *n, const char *path, gcs_range r) {
  char lo[32], hi[32];
  fmt_num(lo, sizeof lo, r.lo);
  fmt_num(hi, sizeof hi, r.hi);
  if (!r.lo_open && !r.hi_open)
    err(cx, n, path, "must be between %s and %s, got %s", lo, hi, n->text);
  else if (r.lo_open && r.hi_open)
    err(cx, n, path, "must be between %s and %s (both excluded), got %s", lo, hi, n->text);
  else if (r.lo_open)
    err(cx, n, path, "must be greater than %s and at most %s, got %s", lo, hi, n->text);
  else
    err(cx, n, path, "must be at least %s and less than %s, got %s", lo, hi, n->text);
}

/* ------------------------------------------------------------------------
** Value getters.  Each returns 1 and stores the value, or -1 after
** reporting an error (the output is left untouched).
*/
static int v_num(gcs_ctx *cx, const gcs_node *n, const char *path, gcs_range r, double *out) {
  double x;
  if (!num_parse(n, &x)) {
    type_err(cx, n, path, "a number");
    return -1;
  }
  if (!in_range(x, r)) {
    range_err(cx, n, path, r);
    return -1;
  }
  *out = x;
  return 1;
}

static int v_int(gcs_ctx *cx, const gcs_node *n, const char *path, long lo, long hi, long *out) {
  double x;
  if (!num_parse(n, &x)) {
    type_err(cx, n, path, "a whole number");
    return -1;
  }
  if (!is_whole(x)) {
    char l[32], h[32];
    err(cx, n, path, "must be a whole number between %s and %s, got %s",
        fmt_num(l, sizeof l, (double)lo), fmt_num(h, sizeof h, (double)hi), n->text);
    return -1;
  }
  if (!in_range(x, RANGE((double)lo, (double)hi))) {
    range_err(cx, n, path, RANGE((double)lo, (double)hi));
    return -1;
  }
  *out = (long)x;
  return 1;
}

static int v_int32(gcs_ctx *cx, const gcs_node *n, const char *path, long lo, long hi, int *out) {
  long v;
  if (v_int(cx, n, path, lo, hi, &v) < 0) return -1;
  *out = (int)v;
  return 1;
}

static int v_u64(gcs_ctx *cx, const gcs_node *n, const char *path, uint64_t *out) {
  double x;
  if (!num_parse(n, &x)) {
    type_err(cx, n, path, "a whole number");
    return -1;
  }
  char digits[32];
  size_t k = 0;
  for (const char *s = n->text; *s && k + 1 < sizeof digits; s++)
    if (*s != '_') digits[k++] = *s;
  digits[k] = 0;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(digits, &end, 10);
  if (!k || *end || errno || digits[0] == '-') {
    err(cx, n, path, "must be a whole number between 0 and %llu, got %s", (unsigned long long)UINT64_MAX,
        n->text);
    return -1;
  }
  *out = (uint64_t)v;
  return 1;
}

static int v_bool(gcs_ctx *cx, const gcs_node *n, const char *path, int *out) {
  static const char *const T[] = {"true", "yes", "on"}, *const F[] = {"false", "no", "off"};
  for (int i = 0; n->kind == NODE_SCALAR && n->plain && i < 3; i++) {
    if (str_ieq(n->text, T[i])) return *out = 1;
    if (str_ieq(n->text, F[i])) return (*out = 0), 1;
  }
  type_err(cx, n, path, "true or false");
  return -1;
}

/* A scalar as text; cap includes the NUL. */
static int v_str(gcs_ctx *cx, const gcs_node *n, const char *path, char *out, size_t cap) {
  if (n->kind != NODE_SCALAR || is_null(n)) {
    type_err(cx, n, path, "text");
    return -1;
  }
  if (strlen(n->text) >= cap) {
    err(cx, n, path, "is too long (at most %zu characters, got %zu)", cap - 1, strlen(n->text));
    return -1;
  }
  strcpy(out, n->text);
  return 1;
}

/* A name: letters, digits and _ (lowercase only when `lower_only`). */
static int v_name(gcs_ctx *cx, const gcs_node *n, const char *path, char *out, int lower_only) {
  char tmp[GC_NAME_MAX];
  if (v_str(cx, n, path, tmp, sizeof tmp) < 0) return -1;
  for (const char *s = tmp; *s; s++) {
    int ok = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
             (!lower_only && *s >= 'A' && *s <= 'Z');
    if (!ok) {
      err(cx, n, path, "\"%s\" is not a valid name (allowed: %sletters, digits and _)", tmp,
          lower_only ? "lowercase " : "");
      return -1;
    }
  }
  strcpy(out, tmp);
  return 1;
}

/* One of `names` (NULL-terminated); `what` says what it is ("rule kind"). */
static int v_enum(gcs_ctx *cx, const gcs_node *n, const char *path, const char *what,
                  const char *const *names, int *out) {
  if (n->kind != NODE_SCALAR || is_null(n)) {
    char want[64];
    snprintf(want, sizeof want, "a %s", what);
    type_err(cx, n, path, want);
    return -1;
  }
  int i = name_index(n->text, names);
  if (i >= 0) return *out = i, 1;
  char h[512];
  err(cx, n, path, "unknown %s \"%s\"%s", what, n->text,
      hint(h, sizeof h, n->text, names, count_names(names), NULL));
  return -1;
}

/* ------------------------------------------------------------------------
** Positions in the schema walk.
*/
/* An `at` for node n (a mapping, or null meaning empty) at `path`.  Returns
** 1 when usable, -1 (after an error) when n is not a mapping. */
static int at_of(gcs_at *a, gcs_ctx *cx, const gcs_node *n, const char *path) {
  a->cx = cx;
  snprintf(a->path, sizeof a->path, "%s", path);
  a->pos = n;
  a->map = n->kind == NODE_MAP ? n : NULL;
  a->present = n->kind == NODE_MAP || is_null(n);
  if (a->present) return 1;
  type_err(cx, n, path, "a mapping (key: value lines)");
  return -1;
}

/* The mapping at parent.key: 0 when absent, else as at_of. */
static int at_open(gcs_at *a, const gcs_at *parent, const char *key) {
  char path[GCS_PATH_MAX];
  path_key(path, parent->path, key);
  const gcs_node *n = map_get(parent->map, key);
  if (n) return at_of(a, parent->cx, n, path);
  a->cx = parent->cx;
  snprintf(a->path, sizeof a->path, "%s", path);
  a->map = NULL;
  a->pos = parent->pos;
  a->present = 0;
  return 0;
}

static const gcs_node *at_get(const gcs_at *a, const char *key) {
  return map_get(a->map, key);
}

/* 1 if key is present; else reports it missing (when the mapping exists). */
static int at_need(const gcs_at *a, const char *key) {
  if (at_get(a, key)) return 1;
  if (!a->present) return 0;
  char path[GCS_PATH_MAX];
  path_key(path, a->path, key);
  err(a->cx, a->pos, path, "required key is missing");
  return 0;
}

static void unknown_key(gcs_ctx *cx, const gcs_node *k, const char *parent,
                        const char *const *allowed, int n) {
  char path[GCS_PATH_MAX], h[512];
  path_key(path, parent, k->text);
  err(cx, k, path, "unknown key \"%s\"%s", k->text, hint(h, sizeof h, k->text, allowed, n, NULL));
}

/* Reports every key of the mapping that is not in `allowed`. */
static void at_keys(const gcs_at *a, const char *const *allowed) {
  for (int i = 0; a->map && i < a->map->n; i++) {
    const gcs_node *k = a->map->key[i];
    if (k->kind == NODE_SCALAR && name_index(k->text, allowed) < 0)
      unknown_key(a->cx, k, a->path, allowed, count_names(allowed));
  }
}

/* Key path of a child, for the at_ getters. */
static const char *at_path(const gcs_at *a, const char *key, char *buf) {
  path_key(buf, a->path, key);
  return buf;
}

/* Reports key `key` of a as present where it has no use. */
static void unused_key(const gcs_at *a, const char *key, const char *why) {
  char p[GCS_PATH_MAX];
  const gcs_node *k = map_key(a->map, key);
  if (k) err(a->cx, k, at_path(a, key, p), "%s", why);
}

static int at_num(const gcs_at *a, const char *key, gcs_range r, double *out) {
  char p[GCS_PATH_MAX];
  const gcs_node *n = at_get(a, key);
  return n ? v_num(a->cx, n, at_path(a, key, p), r, out) : 0;
}

static int at_int(const gcs_at *a, const char *key, long lo, long hi, int *out) {
  char p[GCS_PATH_MAX];
  const gcs_node *n = at_get(a, key);
  return n ? v_int32(a->cx, n, at_path(a, key, p), lo, hi, out) : 0;
}

static int at_bool(const gcs_at *a, const char *key, int *out) {
  char p[GCS_PATH_MAX];
  const gcs_node *n = at_get(a, key);
  return n ? v_bool(a->cx, n, at_path(a, key, p), out) : 0;
}

static int at_str(const gcs_at *a, const char *key, char *out, size_t cap) {
  char p[GCS_PATH_MAX];
  const gcs_node *n = at_get(a, key);
  return n ? v_str(a->cx, n, at_path(a, key, p), out, cap) : 0;
}

static int at_enum(const gcs_at *a, const char *key, const char *what, const char *const *names,
                   int *out) {
  char p[GCS_PATH_MAX];
  const gcs_node *n = at_get(a, key);
  return n ? v_enum(a->cx, n, at_path(a, key, p), what, names, out) : 0;
}

/* Required variants: report a missing key. */
static int at_need_num(const gcs_at *a, const char *key, gcs_range r, double *out) {
  return at_need(a, key) ? at_num(a, key, r, out) : 0;
}

static int at_need_int(const gcs_at *a, const char *key, long lo, long hi, int *out) {
  return at_need(a, key) ? at_int(a, key, lo, hi, out) : 0;
}

static int at_need_enum(const gcs_at *a, const char *key, const char *what,
                        const char *const *names, int *out) {
  return at_need(a, key) ? at_enum(a, key, what, names, out) : 0;
}

/* Shares (each 0..1) must sum to 1; reported at the mapping. */
static int check_sum(gcs_ctx *cx, const gcs_node *m, const char *path, const double *share,
                     int n) {
  double sum = 0;
  for (int i = 0; i < n; i++) sum += share[i];
  if (fabs(sum - 1) <= GCS_SUM_TOL) return 1;
  err(cx, m, path, "shares must sum to 1, got %.10g", sum);
  return 0;
}

/* ------------------------------------------------------------------------
** Conditions: "trait", "trait=value", "truth_name", "list_name",
** "trust=LEVEL" (the household's trust level is LEVEL) and "risk=LEVEL"
** (the person's risk level is at least LEVEL).
*/
/* SC_PLATFORM marks spots the platform itself evaluates (rule selectors,
** list members, score features, trust): there hidden truth is refused as
** something the platform cannot see. */
enum { SC_TRAIT = 1, SC_TRUTH = 2, SC_LIST = 4, SC_TRUST = 8, SC_RISK = 16, SC_PLATFORM = 32 };

/* What a condition may refer to at one spot of the schema. */
typedef struct gcs_scope {
  int allow;                     /* SC_* bits; traits are always allowed */
  int ntraits, ntruth, nlists;   /* how many of each are visible (declared earlier) */
  const char *rule;              /* the rule, for messages */
} gcs_scope;

static int trait_index(const gcs_ctx *cx, const char *name) {
  for (int i = 0; i < cx->cfg->population.ntraits; i++)
    if (!strcmp(cx->cfg->population.trait[i].name, name)) return i;
  return -1;
}

static int truth_index(const gcs_ctx *cx, const char *name) {
  for (int i = 0; i < cx->cfg->population.ntruth; i++)
    if (!strcmp(cx->cfg->population.truth[i].name, name)) return i;
  return -1;
}

static int list_index(const gcs_ctx *cx, const char *name) {
  for (int i = 0; i < cx->cfg->nlists; i++)
    if (!strcmp(cx->cfg->list[i].name, name)) return i;
  return -1;
}

static int value_index(const gc_trait *t, const char *value) {
  for (int v = 0; v < t->nvalues; v++)
    if (!strcmp(t->value[v], value)) return v;
  return -1;
}

/* Pointers to a trait's value names, for hints. */
static int value_names(const gc_trait *t, const char **out) {
  for (int v = 0; v < t->nvalues; v++) out[v] = t->value[v];
  return t->nvalues;
}

static void cond_not_yes_no(gcs_ctx *cx, const gcs_node *n, const char *path,
                            const gc_trait *t) {
  char forms[GC_MAX_VALUES][GC_NAME_MAX * 2 + 2], h[512];
  const char *cand[GC_MAX_VALUES] = {0};
  for (int v = 0; v < t->nvalues; v++) {
    snprintf(forms[v], sizeof forms[v], "%s=%s", t->name, t->value[v]);
    cand[v] = forms[v];
  }
  err(cx, n, path, "\"%s\" is not a yes/no trait; name one of its values%s", t->name,
      hint(h, sizeof h, "", cand, t->nvalues, NULL));
}

static int cond_trait(gcs_ctx *cx, const gcs_node *n, const char *path, const gcs_scope *sc,
                      int i, const char *value, gc_cond *out) {
  const gc_trait *t = &cx->cfg->population.trait[i];
  if (i >= sc->ntraits) {
    err(cx, n, path, "trait \"%s\" is declared after this point (%s)", t->name, sc->rule);
    return -1;
  }
  if (cx->trait_bad[i]) return -1;
  int v = value_index(t, value ? value : "yes");
  if (v < 0 && !value) {
    cond_not_yes_no(cx, n, path, t);
    return -1;
  }
  if (v < 0) {
    const char *cand[GC_MAX_VALUES] = {0};
    char h[512];
    err(cx, n, path, "trait \"%s\" has no value \"%s\"%s", t->name, value,
        hint(h, sizeof h, value, cand, value_names(t, cand), NULL));
    return -1;
  }
  *out = (gc_cond){GC_COND_TRAIT, (uint8_t)i, (uint8_t)v};
  return 1;
}

static int cond_truth(gcs_ctx *cx, const gcs_node *n, const char *path, const gcs_scope *sc,
                      int i, const char *value, gc_cond *out) {
  const char *name = cx->cfg->population.truth[i].name;
  if (!(sc->allow & SC_TRUTH) && (sc->allow & SC_PLATFORM))
    err(cx, n, path, "the platform cannot see hidden truth: \"%s\" is a hidden-truth condition (%s)",
        name, sc->rule);
  else if (!(sc->allow & SC_TRUTH))
    err(cx, n, path, "\"%s\" is a hidden-truth condition (%s)", name, sc->rule);
  else if (i >= sc->ntruth)
    err(cx, n, path, "\"%s\" is declared after this point (%s)", name, sc->rule);
  else if (value)
    err(cx, n, path, "\"%s\" is a hidden-truth condition and takes no =%s", name, value);
  else {
    *out = (gc_cond){GC_COND_TRUTH, (uint8_t)i, 1};
    return 1;
  }
  return -1;
}

static int cond_list(gcs_ctx *cx, const gcs_node *n, const char *path, const gcs_scope *sc,
                     int i, const char *value, gc_cond *out) {
  const char *name = cx->cfg->list[i].name;
  if (!(sc->allow & SC_LIST))
    err(cx, n, path, "\"%s\" is a list (%s)", name, sc->rule);
  else if (i >= sc->nlists)
    err(cx, n, path, "list \"%s\" is this list or declared after it (%s)", name, sc->rule);
  else if (value)
    err(cx, n, path, "\"%s\" is a list and takes no =%s", name, value);
  else {
    *out = (gc_cond){GC_COND_LIST, (uint8_t)i, 1};
    return 1;
  }
  return -1;
}

/* "trust=LEVEL" or "risk=LEVEL": level names resolve to indices. */
static int cond_level(gcs_ctx *cx, const gcs_node *n, const char *path, const gcs_scope *sc,
                      int risk, const char *value, gc_cond *out) {
  const gc_population_cfg *p = &cx->cfg->population;
  const char *word = risk ? "risk" : "trust";
  int nlev = risk ? p->nrisk : p->trust.nlevels;
  char forms[GC_MAX_TRUST > GC_MAX_RISK ? GC_MAX_TRUST : GC_MAX_RISK][GC_NAME_MAX + 8], h[512];
  const char *cand[GC_MAX_TRUST > GC_MAX_RISK ? GC_MAX_TRUST : GC_MAX_RISK];
  int nc = 0, v = -1;
  if (!(sc->allow & (risk ? SC_RISK : SC_TRUST))) {
    err(cx, n, path, "\"%s\" is a %s-level condition (%s)", n->text, word, sc->rule);
    return -1;
  }
  if (risk ? cx->risk_bad : cx->trust_bad) return -1;
  if (nlev == 0) {
    err(cx, n, path, "\"%s\" needs %s levels, and none are declared (%s)", n->text, word,
        risk ? "population.risk_levels" : "population.trust.levels");
    return -1;
  }
  for (int l = risk ? 1 : 0; l < nlev; l++) {
    const char *lv = risk ? p->risk[l] : p->trust.level[l];
    snprintf(forms[nc], sizeof forms[nc], "%s=%s", word, lv);
    cand[nc] = forms[nc];
    nc++;
    if (value && !strcmp(value, lv)) v = l;
  }
  if (risk && value && !strcmp(value, p->risk[0])) {
    err(cx, n, path, "\"%s\" holds for everyone (risk=LEVEL means at least LEVEL); name a level "
        "above \"%s\"%s", n->text, p->risk[0], hint(h, sizeof h, "", cand, nc, NULL));
    return -1;
  }
  if (v < 0 && !value) {
    err(cx, n, path, "\"%s\" needs a level: write %s=LEVEL%s", word, word,
        hint(h, sizeof h, "", cand, nc, NULL));
    return -1;
  }
  if (v < 0) {
    err(cx, n, path, "unknown %s level \"%s\"%s", word, value,
        hint(h, sizeof h, n->text, cand, nc, NULL));
    return -1;
  }
  *out = (gc_cond){(uint8_t)(risk ? GC_COND_RISK : GC_COND_TRUST), 0, (uint8_t)v};
  return 1;
}

static void cond_unknown(gcs_ctx *cx, const gcs_node *n, const char *path, const gcs_scope *sc,
                         const char *name) {
  const char *cand[GC_MAX_TRAITS + GC_MAX_TRUTH + GC_MAX_LISTS + 2] = {0};
  int k = 0;
  const gc_population_cfg *p = &cx->cfg->population;
  if (cx->traits_bad || ((sc->allow & SC_TRUTH) && cx->truth_bad) ||
      ((sc->allow & SC_LIST) && cx->lists_bad))
    return;
  for (int i = 0; i < sc->ntraits; i++) cand[k++] = p->trait[i].name;
  for (int i = 0; (sc->allow & SC_TRUTH) && i < sc->ntruth; i++) cand[k++] = p->truth[i].name;
  for (int i = 0; (sc->allow & SC_LIST) && i < sc->nlists; i++) cand[k++] = cx->cfg->list[i].name;
  if ((sc->allow & SC_TRUST) && p->trust.nlevels) cand[k++] = "trust";
  if ((sc->allow & SC_RISK) && p->nrisk) cand[k++] = "risk";
  char h[1024];
  err(cx, n, path, "unknown condition \"%s\"%s", name,
      hint(h, sizeof h, name, cand, k, "nothing is declared that could be used here"));
}

/* Resolves one condition.  1 on success, -1 after an error (or silently
** when it names a declaration that already had errors). */
static int cond_parse(gcs_ctx *cx, const gcs_node *n, const char *path, const gcs_scope *sc,
                      gc_cond *out) {
  if (n->kind != NODE_SCALAR || is_null(n)) {
    type_err(cx, n, path, "a condition such as migrant or sex=female");
    return -1;
  }
  char name[GC_NAME_MAX];
  const char *eq = strchr(n->text, '=');
  size_t len = eq ? (size_t)(eq - n->text) : strlen(n->text);
  snprintf(name, sizeof name, "%.*s", (int)(len < GC_NAME_MAX ? len : GC_NAME_MAX - 1), n->text);
  const char *value = eq ? eq + 1 : NULL;
  int i;
  if (!strcmp(name, "trust") || !strcmp(name, "risk"))
    return cond_level(cx, n, path, sc, name[0] == 'r', value, out);
  if (len < GC_NAME_MAX && (i = trait_index(cx, name)) >= 0)
    return cond_trait(cx, n, path, sc, i, value, out);
  if (len < GC_NAME_MAX && (i = truth_index(cx, name)) >= 0)
    return cond_truth(cx, n, path, sc, i, value, out);
  if (len < GC_NAME_MAX && (i = list_index(cx, name)) >= 0)
    return cond_list(cx, n, path, sc, i, value, out);
  cond_unknown(cx, n, path, sc, name);
  return -1;
}

/* ------------------------------------------------------------------------
** Selectors: everyone | none | condition | [conditions] | {any: .., all: ..}
*/
/* A condition or a sequence of them, into conds[*n]. */
static int conds_parse(gcs_ctx *cx, const gcs_node *n, const char *path, const gcs_scope *sc,
                       gc_cond *conds, int *count) {
  if (n->kind == NODE_SCALAR) return (*count = 1), cond_parse(cx, n, path, sc, &conds[0]);
  if (n->kind != NODE_SEQ) {
    type_err(cx, n, path, "a condition or a sequence of conditions");
    return -1;
  }
  if (n->n == 0 || n->n > GC_MAX_CONDS) {
    err(cx, n, path, "needs 1 to %d conditions, got %d", GC_MAX_CONDS, n->n);
    return -1;
  }
  int ok = 1;
  for (int i = 0; i < n->n; i++) {
    char p[GCS_PATH_MAX];
    path_idx(p, path, i);
    if (cond_parse(cx, n->val[i], p, sc, &conds[i]) < 0) ok = 0;
  }
  *count = n->n;
  return ok ? 1 : -1;
}

static int sel_map(gcs_ctx *cx, const gcs_node *n, const char *path, const gcs_scope *sc,
                   gc_selector *out) {
  gcs_at a;
  at_of(&a, cx, n, path);
  at_keys(&a, K_SELECTOR);
  const gcs_node *any = at_get(&a, "any"), *all = at_get(&a, "all");
  char p[GCS_PATH_MAX];
  int ok = 1;
  if (!any && !all) {
    err(cx, n, path, "a selector mapping needs any, all or both");
    return -1;
  }
  if (any && conds_parse(cx, any, at_path(&a, "any", p), sc, out->any, &out->nany) < 0) ok = 0;
  if (all && conds_parse(cx, all, at_path(&a, "all", p), sc, out->all, &out->nall) < 0) ok = 0;
  return ok ? 1 : -1;
}

/* Parses a selector into *out (zeroed first).  "none" is accepted only when
** `empty` is non-NULL and sets *empty. */
static int sel_parse(gcs_ctx *cx, const gcs_node *n, const char *path, const gcs_scope *sc,
                     gc_selector *out, int *empty) {
  memset(out, 0, sizeof *out);
  if (n->kind == NODE_SCALAR && !strcmp(n->text, "everyone")) return out->everyone = 1;
  if (n->kind == NODE_SCALAR && !strcmp(n->text, "none") && empty) return *empty = 1;
  if (n->kind == NODE_SCALAR && !strcmp(n->text, "none")) {
    err(cx, n, path, "\"none\" selects nobody; it is only allowed for list members (allowed: "
        "everyone, a condition, a sequence of conditions, or {any: [...], all: [...]})");
    return -1;
  }
  if (n->kind == NODE_MAP) return sel_map(cx, n, path, sc, out);
  return conds_parse(cx, n, path, sc, out->any, &out->nany);
}

/* ------------------------------------------------------------------------
** Place types in rules and activity: any type but home.
*/
/* All place types but home, for messages. */
static const char *places_but_home(char *buf, size_t cap) {
  size_t k = 0;
  buf[0] = 0;
  for (int t = 1; t < GC_PLACE_NTYPES && k < cap; t++)
    k += (size_t)snprintf(buf + k, cap - k, "%s%s", t > 1 ? ", " : "", PLACE_NAMES[t]);
  return buf;
}

/* One place type other than home; `why_home` says why home is refused. */
static int place_type(gcs_ctx *cx, const gcs_node *n, const char *path, const char *why_home,
                      int *t) {
  if (n->kind == NODE_SCALAR && !strcmp(n->text, "home")) {
    char allowed[256];
    err(cx, n, path, "%s (allowed: %s)", why_home, places_but_home(allowed, sizeof allowed));
    return -1;
  }
  if (v_enum(cx, n, path, "place type", PLACE_NAMES + 1, t) <= 0) return -1;
  (*t)++;
  return 1;
}

/* One place type or a sequence of 1..GC_MAX_PLACETYPES_IN_RULE distinct
** ones, appended to out[*nout]. */
static void v_places(gcs_ctx *cx, const gcs_node *n, const char *path, const char *why_home,
                     uint8_t *out, int *nout) {
  char p[GCS_PATH_MAX];
  int t;
  if (n->kind == NODE_SCALAR) {
    if (place_type(cx, n, path, why_home, &t) > 0) out[(*nout)++] = (uint8_t)t;
    return;
  }
  if (n->kind != NODE_SEQ || n->n < 1 || n->n > GC_MAX_PLACETYPES_IN_RULE) {
    type_err(cx, n, path, "a place type or a sequence of 1 to 8 place types");
    return;
  }
  for (int i = 0; i < n->n; i++) {
    path_idx(p, path, i);
    if (place_type(cx, n->val[i], p, why_home, &t) < 0) continue;
    for (int j = 0; j < *nout; j++)
      if (out[j] == t) t = -1;
    if (t < 0) err(cx, n->val[i], p, "place type \"%s\" is listed twice", n->val[i]->text);
    else out[(*nout)++] = (uint8_t)t;
  }
}

/* A mapping place type -> share (sensor coverage by place type). */
static void place_shares(const gcs_at *parent, const char *key, const char *why_home,
                         double *out) {
  gcs_at a;
  if (at_open(&a, parent, key) <= 0 || !a.map) return;
  for (int i = 0; i < a.map->n; i++) {
    const gcs_node *k = a.map->key[i];
    char p[GCS_PATH_MAX];
    int t;
    if (k->kind != NODE_SCALAR) continue;
    path_key(p, a.path, k->text);
    if (place_type(a.cx, k, p, why_home, &t) > 0) v_num(a.cx, a.map->val[i], p, PROB, &out[t]);
  }
}

/* ------------------------------------------------------------------------
** Names shared by traits, hidden truth and lists.
*/
/* 0 if `name` may be declared; else reports why not. */
static int name_taken(gcs_ctx *cx, const gcs_node *k, const char *path, const char *name) {
  const char *what = NULL;
  if (!strcmp(name, "everyone") || !strcmp(name, "none")) what = "a selector keyword";
  else if (!strcmp(name, "trust") || !strcmp(name, "risk")) what = "trust=/risk= conditions";
  else if (trait_index(cx, name) >= 0) what = "a trait";
  else if (truth_index(cx, name) >= 0) what = "a hidden-truth condition";
  else if (list_index(cx, name) >= 0) what = "a list";
  if (!what) return 0;
  err(cx, k, path, "the name \"%s\" is already used by %s (names must be unique across traits, "
      "truth and lists)", name, what);
  return 1;
}

/* Validates key k of a declaring mapping as a new name; 1 if usable. */
static int declare_name(gcs_ctx *cx, const gcs_node *k, const char *parent, char *out) {
  char path[GCS_PATH_MAX];
  if (k->kind != NODE_SCALAR) return 0;
  path_key(path, parent, k->text);
  return v_name(cx, k, path, out, 0) > 0 && !name_taken(cx, k, path, out);
}

/* "Too many" once per section: 1 while there is room. */
static int room(gcs_ctx *cx, const gcs_node *k, const char *path, int n, int max,
                const char *what) {
  if (n < max) return 1;
  if (n == max) err(cx, k, path, "too many %s (at most %d)", what, max);
  return 0;
}

/* ------------------------------------------------------------------------
** Top level and world.
*/
static void top_scalars(gcs_ctx *cx, const gcs_at *top) {
  gc_config *c = cx->cfg;
  char p[GCS_PATH_MAX];
  at_keys(top, K_TOP);
  at_str(top, "name", c->name, sizeof c->name);
  at_str(top, "description", c->description, sizeof c->description);
  const gcs_node *seed = at_get(top, "seed");
  if (seed) v_u64(cx, seed, at_path(top, "seed", p), &c->seed);
  at_need_int(top, "days", 1, GC_DAYS_MAX, &c->days);
  at_enum(top, "start_weekday", "weekday", WEEKDAY_NAMES, &c->start_weekday);
}

static void world_places(const gcs_at *w) {
  gcs_at a;
  if (at_open(&a, w, "places_per_1000") <= 0 || !a.map) return;
  for (int i = 0; i < a.map->n; i++) {
    const gcs_node *k = a.map->key[i];
    char p[GCS_PATH_MAX];
    int t;
    if (k->kind != NODE_SCALAR) continue;
    path_key(p, a.path, k->text);
    if (!strcmp(k->text, "home"))
      err(a.cx, k, p, "home has no density: dwellings come from population.households");
    else if (v_enum(a.cx, k, p, "place type", PLACE_NAMES + 1, &t) > 0)
      v_num(a.cx, a.map->val[i], p, RANGE(0, GC_PLACES_PER_1000_MAX), &a.cx->cfg->world.places_per_1000[t + 1]);
  }
}

static void world(gcs_ctx *cx, const gcs_at *top) {
  gc_world_cfg *w = &cx->cfg->world;
  gcs_at a;
  if (at_open(&a, top, "world") <= 0) return;
  at_keys(&a, K_WORLD);
  at_num(&a, "city_km", RANGE(0.5, 1000), &w->city_km);
  /* home city + capital + other regions must fit GC_MAX_REGIONS with room to spare */
  at_int(&a, "other_regions", 0, 28, &w->other_regions);
  at_num(&a, "other_distance_km", RANGE_POS(20000), &w->other_distance_km);
  at_num(&a, "capital_distance_km", RANGE_POS(20000), &w->capital_distance_km);
  at_int(&a, "away_hotels", 1, 10000, &w->away_hotels);
  at_int(&a, "away_stations", 1, 100, &w->away_stations);
  /* densities: 0 leaves the fixed counts above; the maxima keep place ids in
  ** 32 bits at the largest population (gc_config.h) */
  at_num(&a, "away_hotels_per_1000", RANGE(0, GC_AWAY_HOTELS_PER_1000_MAX), &w->away_hotels_per_1000);
  at_num(&a, "away_stations_per_1000", RANGE(0, GC_AWAY_STATIONS_PER_1000_MAX), &w->away_stations_per_1000);
  world_places(&a);
}

/* ------------------------------------------------------------------------
** Population: size, shares, phones, ties.
*/
static void pop_size(const gcs_at *a) {
  char p[GCS_PATH_MAX];
  const gcs_node *n = at_need(a, "size") ? at_get(a, "size") : NULL;
  double x;
  if (!n) return;
  at_path(a, "size", p);
  if (!num_parse(n, &x)) {
    type_err(a->cx, n, p, "a whole number of people");
  } else if (!is_whole(x) || x < 1 || x > GC_POPULATION_MAX) {
    err(a->cx, n, p, "must be a whole number of people between 1 and %d, got %s%s",
        GC_POPULATION_MAX, n->text,
        x > GC_POPULATION_MAX ? " (glasscage refuses runs above this size)" : "");
  } else {
    a->cx->cfg->population.size = (int64_t)x;
  }
}

static void pop_shares(const gcs_at *a) {
  gc_population_cfg *p = &a->cx->cfg->population;
  int e = at_num(a, "employed", PROB, &p->employed);
  int s = at_num(a, "students", PROB, &p->students);
  if (e < 0 || s < 0 || p->employed + p->students <= 1 + GCS_SUM_TOL) return;
  const char *key = at_get(a, "students") ? "students" : "employed";
  const gcs_node *n = at_get(a, key);
  char path[GCS_PATH_MAX];
  err(a->cx, n ? n : a->pos, at_path(a, key, path),
      "employed + students must be at most 1, got %g + %g", p->employed, p->students);
}

static void pop_phones(const gcs_at *pop) {
  gc_population_cfg *p = &pop->cx->cfg->population;
  gcs_at a;
  if (at_open(&a, pop, "phones") <= 0) return;
  at_keys(&a, K_PHONES);
  at_num(&a, "owners", PROB, &p->phone_owner);
  at_num(&a, "registered_to_user", PROB, &p->phone_registered_to_user);
  at_num(&a, "second_hand", PROB, &p->phone_second_hand);
}

static void pop_vehicles(const gcs_at *pop) {
  gc_population_cfg *p = &pop->cx->cfg->population;
  gcs_at a;
  if (at_open(&a, pop, "vehicles") <= 0) return;
  at_keys(&a, K_VEHICLES);
  at_num(&a, "owners", PROB, &p->vehicle_owner);
  at_num(&a, "registered_to_user", PROB, &p->vehicle_registered_to_user);
}

/* A sequence of lo..hi distinct names (risk levels, priority classes);
** `what` names one and `whats` several ("level", "levels"); `example`
** shows the form. */
static int distinct_names(gcs_ctx *cx, const gcs_node *n, const char *path, int lo, int hi, const char *what,
                          const char *whats, const char *example, char names[][GC_NAME_MAX]) {
  if (n->kind != NODE_SEQ) {
    type_err(cx, n, path, example);
    return 0;
  }
  if (n->n < lo || n->n > hi) {
    err(cx, n, path, "needs %d to %d %s, got %d", lo, hi, whats, n->n);
    return 0;
  }
  int ok = 1;
  for (int i = 0; i < n->n; i++) {
    char p[GCS_PATH_MAX];
    path_idx(p, path, i);
    if (v_name(cx, n->val[i], p, names[i], 0) < 0) {
      ok = 0;
      continue;
    }
    for (int j = 0; j < i; j++)
      if (!strcmp(names[j], names[i]))
        ok = 0, err(cx, n->val[i], p, "%s \"%s\" is listed twice", what, names[i]);
  }
  return ok;
}

/* Risk levels (score rules): level 0 first, e.g. [none, low, medium, high]. */
static void pop_risk(const gcs_at *pop) {
  gc_population_cfg *p = &pop->cx->cfg->population;
  const gcs_node *n = at_get(pop, "risk_levels");
  char names[GC_MAX_RISK][GC_NAME_MAX], path[GCS_PATH_MAX];
  if (!n) return;
  if (!distinct_names(pop->cx, n, at_path(pop, "risk_levels", path), 2, GC_MAX_RISK, "level", "levels",
                      "a sequence of level names, level 0 first, e.g. [none, low, high]", names)) {
    pop->cx->risk_bad = 1;
    return;
  }
  memcpy(p->risk, names, sizeof names);
  p->nrisk = n->n;
}

/* Index of trust level `name`, or -1. */
static int trust_index(const gc_trust_cfg *t, const char *name) {
  for (int l = 0; l < t->nlevels; l++)
    if (!strcmp(t->level[l], name)) return l;
  return -1;
}

/* A trust level's name, as its index; reports unknown names. */
static int v_trust_level(gcs_ctx *cx, const gcs_node *n, const char *path, int *out) {
  const gc_trust_cfg *t = &cx->cfg->population.trust;
  const char *cand[GC_MAX_TRUST] = {0};
  char h[512];
  if (n->kind != NODE_SCALAR || is_null(n)) {
    type_err(cx, n, path, "the name of a trust level");
    return -1;
  }
  int l = trust_index(t, n->text);
  if (l >= 0) return *out = l, 1;
  for (int i = 0; i < t->nlevels; i++) cand[i] = t->level[i];
  err(cx, n, path, "unknown trust level \"%s\"%s", n->text,
      hint(h, sizeof h, n->text, cand, t->nlevels, "population.trust.levels"));
  return -1;
}

/* trust.levels: an ordered mapping name -> mean days between home visits. */
static int trust_levels(gcs_ctx *cx, const gcs_node *m, const char *path, gc_trust_cfg *t) {
  gc_trust_cfg tmp = *t;
  if (m->kind != NODE_MAP) {
    type_err(cx, m, path, "a mapping of level: days between home visits, most trusted first, "
             "e.g. {trusted: 60, distrusted: 1}");
    return 0;
  }
  if (m->n < 1 || m->n > GC_MAX_TRUST) {
    err(cx, m, path, "needs 1 to %d trust levels, got %d", GC_MAX_TRUST, m->n);
    return 0;
  }
  int ok = 1;
  for (int i = 0; i < m->n; i++) {
    char p[GCS_PATH_MAX];
    path_key(p, path, m->key[i]->text);
    if (v_name(cx, m->key[i], p, tmp.level[i], 0) < 0) ok = 0;
    if (v_num(cx, m->val[i], p, RANGE(0, GC_DAYS_MAX), &tmp.visit_every_days[i]) < 0) ok = 0;
  }
  if (!ok) return 0;
  tmp.nlevels = m->n;
  *t = tmp;
  return 1;
}

/* population.trust without `given` (which may name lists: see trust_given). */
static void pop_trust(const gcs_at *pop) {
  gcs_ctx *cx = pop->cx;
  gc_trust_cfg *t = &cx->cfg->population.trust;
  gcs_at a;
  char p[GCS_PATH_MAX];
  int r = at_open(&a, pop, "trust");
  if (r < 0) cx->trust_bad = 1;
  if (r <= 0) return;
  at_keys(&a, K_TRUST);
  if (!at_need(&a, "levels") ||
      !trust_levels(cx, at_get(&a, "levels"), at_path(&a, "levels", p), t)) {
    cx->trust_bad = 1;
    return;
  }
  if (at_get(&a, "initial"))
    v_trust_level(cx, at_get(&a, "initial"), at_path(&a, "initial", p), &t->initial);
  at_int(&a, "drop_per_action", 0, GC_MAX_TRUST - 1, &t->drop_per_action);
  at_int(&a, "recover_days", 0, GC_DAYS_MAX, &t->recover_days);
}

/* trust.given: condition on the household head -> initial level; read
** after the lists so that a list can be named (lists are filled before
** trust levels are set: gc_population_init_state). */
static void trust_given(gcs_ctx *cx, const gcs_node *root) {
  gc_trust_cfg *t = &cx->cfg->population.trust;
  const gcs_node *m = map_get(map_get(map_get(root, "population"), "trust"), "given");
  const char *path = "population.trust.given";
  gcs_scope sc = {SC_TRAIT | SC_LIST | SC_PLATFORM, cx->cfg->population.ntraits, 0,
                  cx->cfg->nlists, "trust.given may use traits and lists"};
  if (!m || is_null(m) || cx->trust_bad || !t->nlevels) return;
  if (m->kind != NODE_MAP) {
    type_err(cx, m, path, "a mapping of condition: trust level, e.g. {ethnicity=minority: "
             "distrusted}");
    return;
  }
  for (int i = 0; i < m->n; i++) {
    char p[GCS_PATH_MAX];
    gc_cond c;
    int l;
    path_key(p, path, m->key[i]->text);
    if (!room(cx, m->key[i], p, i, GC_MAX_GIVEN, "given entries")) break;
    int ok = cond_parse(cx, m->key[i], p, &sc, &c) > 0;
    ok &= v_trust_level(cx, m->val[i], p, &l) > 0;
    if (!ok) continue;
    t->given[t->ngiven] = c;
    t->given_level[t->ngiven++] = l;
  }
}

static void pop_ties(const gcs_at *pop) {
  gc_ties_cfg *t = &pop->cx->cfg->population.ties;
  gcs_at a;
  if (at_open(&a, pop, "ties") <= 0) return;
  at_keys(&a, K_TIES);
  at_num(&a, "friends", RANGE(0, 100), &t->friends);
  at_num(&a, "coworkers", RANGE(0, 100), &t->coworkers);
  at_num(&a, "couples", PROB, &t->couple_share);
  at_num(&a, "couples_apart", PROB, &t->couple_apart);
  at_num(&a, "family_out_of_region", PROB, &t->family_out_of_region);
}

/* ------------------------------------------------------------------------
** Households: size distributions and crowding.
*/
/* A mapping size -> share into size, share and n (only on success). */
static int hh_sizes(gcs_ctx *cx, const gcs_node *m, const char *path, int *size, double *share,
                    int *n) {
  int sz[GC_MAX_HHSIZES];
  double sh[GC_MAX_HHSIZES];
  int ok = 1, k = 0;
  if (m->kind != NODE_MAP || m->n == 0) {
    type_err(cx, m, path, "a mapping of household size: share, e.g. {1: 0.3, 2: 0.7}");
    return 0;
  }
  if (m->n > GC_MAX_HHSIZES) {
    err(cx, m, path, "too many household sizes (at most %d)", GC_MAX_HHSIZES);
    return 0;
  }
  for (int i = 0; i < m->n; i++) {
    char p[GCS_PATH_MAX];
    path_key(p, path, m->key[i]->text);
    if (v_int32(cx, m->key[i], p, 1, 64, &sz[k]) < 0 ||
        v_num(cx, m->val[i], p, PROB, &sh[k]) < 0) {
      ok = 0;
      continue;
    }
    for (int j = 0; j < k; j++)
      if (sz[j] == sz[k]) ok = 0, err(cx, m->key[i], p, "household size %d is given twice", sz[k]);
    k++;
  }
  if (!ok || !check_sum(cx, m, path, sh, k)) return 0;
  memcpy(size, sz, (size_t)k * sizeof *sz);
  memcpy(share, sh, (size_t)k * sizeof *sh);
  *n = k;
  return 1;
}

static void hh_crowded_if(const gcs_at *a) {
  gcs_ctx *cx = a->cx;
  const gcs_node *n = at_need(a, "if") ? at_get(a, "if") : NULL;
  char p[GCS_PATH_MAX];
  gcs_scope sc = {SC_TRAIT, cx->cfg->population.ntraits, 0, 0,
                  "households.crowded.if is one trait condition"};
  if (!n) return;
  if (n->kind != NODE_SCALAR) type_err(cx, n, at_path(a, "if", p), "one trait condition such as "
                                       "migrant or ethnicity=minority");
  else cond_parse(cx, n, at_path(a, "if", p), &sc, &cx->cfg->population.households.crowded_if);
}

static void hh_crowded(const gcs_at *hh) {
  gc_household_cfg *h = &hh->cx->cfg->population.households;
  gcs_at a;
  if (at_open(&a, hh, "crowded") <= 0) return;
  at_keys(&a, K_CROWDED);
  hh_crowded_if(&a);
  at_need_num(&a, "share", PROB, &h->crowded_share);
  char p[GCS_PATH_MAX];
  if (at_need(&a, "sizes"))
    hh_sizes(a.cx, at_get(&a, "sizes"), at_path(&a, "sizes", p), h->crowded_size,
             h->crowded_size_share, &h->ncrowded);
}

/* One neighbourhoods entry {if: CONDITION, districts: [..], share: p}.
** District numbers are range-checked here against the largest grid and
** against the scenario's grid in hh_neighbourhood_grid, after the response
** section is read. */
static int hh_neighbourhood(gcs_ctx *cx, const gcs_node *n, const char *path, gc_neighbourhood_cfg *out) {
  gcs_at a;
  char p[GCS_PATH_MAX];
  gcs_scope sc = {SC_TRAIT, cx->cfg->population.ntraits, 0, 0,
                  "neighbourhoods.if is one trait condition on the household head"};
  memset(out, 0, sizeof *out);
  if (n->kind != NODE_MAP) {
    type_err(cx, n, path, "an entry such as {if: ethnicity=minority, districts: [0, 1], share: 0.8}");
    return 0;
  }
  at_of(&a, cx, n, path);
  at_keys(&a, K_NEIGHBOURHOOD);
  int ok = 1;
  const gcs_node *c = at_need(&a, "if") ? at_get(&a, "if") : NULL;
  if (!c) ok = 0;
  else if (c->kind != NODE_SCALAR) {
    type_err(cx, c, at_path(&a, "if", p), "one trait condition such as ethnicity=minority");
    ok = 0;
  } else if (cond_parse(cx, c, at_path(&a, "if", p), &sc, &out->cond) < 0) ok = 0;
  if (at_need_num(&a, "share", PROB, &out->share) <= 0) ok = 0;
  const gcs_node *d = at_need(&a, "districts") ? at_get(&a, "districts") : NULL;
  if (!d) return 0;
  at_path(&a, "districts", p);
  if (d->kind != NODE_SEQ) {
    type_err(cx, d, p, "a sequence of district numbers, e.g. [0, 1, 4, 5]");
    return 0;
  }
  if (d->n < 1 || d->n > GC_MAX_DISTRICTS) {
    err(cx, d, p, "needs 1 to %d districts, got %d", GC_MAX_DISTRICTS, d->n);
    return 0;
  }
  for (int i = 0; i < d->n; i++) {
    char q[GCS_PATH_MAX];
    int v;
    path_idx(q, p, i);
    if (v_int32(cx, d->val[i], q, 0, GC_MAX_DISTRICTS - 1, &v) < 0) {
      ok = 0;
      continue;
    }
    for (int j = 0; j < out->ndistricts; j++)
      if (out->district[j] == v) {
        err(cx, d->val[i], q, "district %d is listed twice", v);
        ok = 0;
      }
    out->district[out->ndistricts++] = (uint8_t)v;
  }
  return ok;
}

static void hh_neighbourhoods(const gcs_at *hh) {
  gcs_ctx *cx = hh->cx;
  gc_household_cfg *h = &cx->cfg->population.households;
  const gcs_node *n = at_get(hh, "neighbourhoods");
  char path[GCS_PATH_MAX];
  if (!n) return;
  at_path(hh, "neighbourhoods", path);
  if (n->kind != NODE_SEQ) {
    type_err(cx, n, path, "a sequence of entries such as {if: ethnicity=minority, districts: [0, 1], "
             "share: 0.8}");
    return;
  }
  if (n->n > GC_MAX_NEIGHBOURHOODS) {
    err(cx, n, path, "too many entries (at most %d)", GC_MAX_NEIGHBOURHOODS);
    return;
  }
  for (int i = 0; i < n->n; i++) {
    char p[GCS_PATH_MAX];
    path_idx(p, path, i);
    gc_neighbourhood_cfg nb;
    if (!hh_neighbourhood(cx, n->val[i], p, &nb)) continue;
    cx->nb_districts[h->nneighbourhoods] = map_get(n->val[i], "districts");
    h->neighbourhood[h->nneighbourhoods++] = nb;
  }
}

/* After the response section: every listed district lies in the grid of
** response.patrol.districts. */
static void hh_neighbourhood_grid(gcs_ctx *cx) {
  const gc_household_cfg *h = &cx->cfg->population.households;
  int side = cx->cfg->response.patrol.districts_side, nd = side * side;
  if (h->nneighbourhoods > 0 && cx->cfg->response.patrol.nincidents > 0) {
    /* abstract incidents lay districts out as a strip, not the grid homes are placed on */
    err(cx, cx->nb_districts[0], "population.households.neighbourhoods",
        "neighbourhoods place homes on the grid of patrol districts, which response.patrol.incidents "
        "replaces with abstract regions: use one or the other");
    return;
  }
  for (int k = 0; k < h->nneighbourhoods; k++)
    for (int i = 0; i < h->neighbourhood[k].ndistricts; i++)
      if (h->neighbourhood[k].district[i] >= nd) {
        char p[GCS_PATH_MAX], q[GCS_PATH_MAX], r[GCS_PATH_MAX];
        path_idx(p, "population.households.neighbourhoods", k);
        path_key(q, p, "districts");
        path_idx(r, q, i);
        err(cx, cx->nb_districts[k]->val[i], r, "district %d is outside the city's %d x %d grid of "
            "districts (0..%d; response.patrol.districts: %d)", h->neighbourhood[k].district[i], side, side,
            nd - 1, side);
      }
}

static void pop_households(const gcs_at *pop) {
  gc_household_cfg *h = &pop->cx->cfg->population.households;
  gcs_at a;
  char p[GCS_PATH_MAX];
  if (at_open(&a, pop, "households") <= 0) return;
  at_keys(&a, K_HOUSEHOLDS);
  if (at_get(&a, "sizes"))
    hh_sizes(a.cx, at_get(&a, "sizes"), at_path(&a, "sizes", p), h->size, h->share, &h->nsizes);
  hh_crowded(&a);
  hh_neighbourhoods(&a);
}

/* ------------------------------------------------------------------------
** Traits.
*/
static int trait_values(gcs_ctx *cx, gc_trait *t, const gcs_node *m, const char *path) {
  if (m->kind != NODE_MAP) {
    type_err(cx, m, path, "a mapping of value: share, e.g. {female: 0.5, male: 0.5}");
    return 0;
  }
  if (m->n < 2 || m->n > GC_MAX_VALUES) {
    err(cx, m, path, "a trait needs 2 to %d values, got %d", GC_MAX_VALUES, m->n);
    return 0;
  }
  int ok = 1;
  for (int i = 0; i < m->n; i++) {
    char p[GCS_PATH_MAX];
    path_key(p, path, m->key[i]->text);
    if (v_name(cx, m->key[i], p, t->value[i], 0) < 0) ok = 0;
    if (v_num(cx, m->val[i], p, PROB, &t->share[i]) < 0) ok = 0;
  }
  t->nvalues = m->n;
  return ok && check_sum(cx, m, path, t->share, m->n);
}

static int trait_prevalence(gcs_ctx *cx, gc_trait *t, const gcs_node *n, const char *path) {
  double p;
  if (v_num(cx, n, path, PROB, &p) < 0) return 0;
  t->nvalues = 2;
  strcpy(t->value[0], "no");
  strcpy(t->value[1], "yes");
  t->share[0] = 1 - p;
  t->share[1] = p;
  return 1;
}

/* Default reference group: "no" for yes/no traits, else the largest share. */
static int trait_default_reference(const gc_trait *t, int binary) {
  int best = 0;
  for (int v = 1; !binary && v < t->nvalues; v++)
    if (t->share[v] > t->share[best]) best = v;
  return best;
}

static void trait_reference(const gcs_at *a, gc_trait *t, int binary) {
  const gcs_node *n = at_get(a, "reference");
  char p[GCS_PATH_MAX], h[512];
  t->reference_value = trait_default_reference(t, binary);
  if (!n || v_str(a->cx, n, at_path(a, "reference", p), h, GC_NAME_MAX) < 0) return;
  int v = value_index(t, n->text);
  const char *cand[GC_MAX_VALUES] = {0};
  if (v >= 0) t->reference_value = v;
  else err(a->cx, n, p, "trait \"%s\" has no value \"%s\"%s", t->name, n->text,
           hint(h, sizeof h, n->text, cand, value_names(t, cand), NULL));
}

/* Values or prevalence, household, reference.  1 if the trait is usable. */
static int trait_body(gcs_ctx *cx, int ti, const gcs_node *n, const char *path) {
  gc_trait *t = &cx->cfg->population.trait[ti];
  gcs_at a;
  char p[GCS_PATH_MAX];
  if (at_of(&a, cx, n, path) < 0) return 0;
  at_keys(&a, K_TRAIT);
  const gcs_node *values = at_get(&a, "values"), *prev = at_get(&a, "prevalence");
  int ok;
  if (values && prev) {
    err(cx, map_key(n, "prevalence"), at_path(&a, "prevalence", p),
        "give either values (categorical trait) or prevalence (yes/no trait), not both");
    ok = 0;
  } else if (values) {
    ok = trait_values(cx, t, values, at_path(&a, "values", p));
  } else if (prev) {
    ok = trait_prevalence(cx, t, prev, at_path(&a, "prevalence", p));
    cx->trait_binary[ti] = 1;
  } else {
    err(cx, n, path, "needs values (categorical trait) or prevalence (yes/no trait)");
    ok = 0;
  }
  at_bool(&a, "household", &t->shared_by_household);
  if (ok) trait_reference(&a, t, cx->trait_binary[ti]);
  return ok;
}

/* A prevalence, as shares {1 - p, p}. */
static int given_prevalence(gcs_ctx *cx, const gcs_node *n, const char *path, double *share) {
  double p;
  if (v_num(cx, n, path, PROB, &p) < 0) return 0;
  share[0] = 1 - p;
  share[1] = p;
  return 1;
}

/* A mapping value: share over the values of a categorical trait. */
static int given_shares(gcs_ctx *cx, const gcs_node *m, const char *path, const gc_trait *t,
                        double *share) {
  if (m->kind != NODE_MAP) {
    type_err(cx, m, path, "a mapping of value: share");
    return 0;
  }
  int ok = 1;
  for (int i = 0; i < m->n; i++) {
    char p[GCS_PATH_MAX], h[512];
    const char *cand[GC_MAX_VALUES] = {0};
    path_key(p, path, m->key[i]->text);
    int v = value_index(t, m->key[i]->text);
    if (v < 0)
      ok = 0, err(cx, m->key[i], p, "trait \"%s\" has no value \"%s\"%s", t->name,
                  m->key[i]->text, hint(h, sizeof h, m->key[i]->text, cand,
                                        value_names(t, cand), NULL));
    else if (v_num(cx, m->val[i], p, PROB, &share[v]) < 0) ok = 0;
  }
  return ok && check_sum(cx, m, path, share, t->nvalues);
}

/* given: condition -> prevalence (cat NULL) or -> {value: share}. */
static void given_parse(gcs_ctx *cx, const gcs_node *m, const char *path, const gcs_scope *sc,
                        const gc_trait *cat, gc_given *out, int *nout) {
  if (is_null(m)) return;
  if (m->kind != NODE_MAP) {
    type_err(cx, m, path, "a mapping of condition: prevalence");
    return;
  }
  for (int i = 0; i < m->n; i++) {
    char p[GCS_PATH_MAX];
    gc_given g;
    memset(&g, 0, sizeof g);
    path_key(p, path, m->key[i]->text);
    if (!room(cx, m->key[i], p, i, GC_MAX_GIVEN, "given entries")) break;
    int ok = cond_parse(cx, m->key[i], p, sc, &g.cond) > 0;
    ok &= cat ? given_shares(cx, m->val[i], p, cat, g.share)
              : given_prevalence(cx, m->val[i], p, g.share);
    if (ok) out[(*nout)++] = g;
  }
}

static void trait_given(gcs_ctx *cx, int ti) {
  gc_trait *t = &cx->cfg->population.trait[ti];
  const gcs_node *g = map_get(cx->trait_node[ti], "given");
  char p[GCS_PATH_MAX];
  gcs_scope sc = {SC_TRAIT, ti, 0, 0, "a trait's given may only use traits declared before it"};
  if (!g || cx->trait_bad[ti]) return;
  snprintf(p, sizeof p, "population.traits.%s.given", t->name);
  given_parse(cx, g, p, &sc, cx->trait_binary[ti] ? NULL : t, t->given, &t->ngiven);
}

static void pop_traits(const gcs_at *pop) {
  gcs_ctx *cx = pop->cx;
  gc_population_cfg *p = &cx->cfg->population;
  gcs_at a;
  cx->traits_bad = at_open(&a, pop, "traits") < 0;
  if (!a.map) return;
  for (int i = 0; i < a.map->n; i++) {
    const gcs_node *k = a.map->key[i];
    char path[GCS_PATH_MAX], name[GC_NAME_MAX];
    path_key(path, a.path, k->text);
    if (!room(cx, k, path, i, GC_MAX_TRAITS, "traits")) break;
    if (!declare_name(cx, k, a.path, name)) continue;
    int t = p->ntraits++;
    strcpy(p->trait[t].name, name);
    cx->trait_node[t] = a.map->val[i];
    cx->trait_bad[t] = !trait_body(cx, t, a.map->val[i], path);
  }
  for (int t = 0; t < p->ntraits; t++) trait_given(cx, t);
}

/* ------------------------------------------------------------------------
** Hidden truth.
*/
static void truth_body(gcs_ctx *cx, int ti) {
  gc_truth *t = &cx->cfg->population.truth[ti];
  gcs_at a;
  char path[GCS_PATH_MAX], p[GCS_PATH_MAX];
  gcs_scope sc = {SC_TRAIT | SC_TRUTH, cx->cfg->population.ntraits, ti, 0,
                  "truth given may use traits and hidden truth declared before it"};
  snprintf(path, sizeof path, "population.truth.%s", t->name);
  if (at_of(&a, cx, cx->truth_node[ti], path) < 0) return;
  at_keys(&a, K_TRUTH);
  at_need_num(&a, "prevalence", PROB, &t->prevalence);
  if (at_get(&a, "given"))
    given_parse(cx, at_get(&a, "given"), at_path(&a, "given", p), &sc, NULL, t->given, &t->ngiven);
  at_bool(&a, "lawful", &t->lawful);
}

static void pop_truth(const gcs_at *pop) {
  gcs_ctx *cx = pop->cx;
  gc_population_cfg *p = &cx->cfg->population;
  gcs_at a;
  cx->truth_bad = at_open(&a, pop, "truth") < 0;
  if (!a.map) return;
  for (int i = 0; i < a.map->n; i++) {
    const gcs_node *k = a.map->key[i];
    char path[GCS_PATH_MAX], name[GC_NAME_MAX];
    path_key(path, a.path, k->text);
    if (!room(cx, k, path, i, GC_MAX_TRUTH, "hidden-truth conditions")) break;
    if (!declare_name(cx, k, a.path, name)) continue;
    strcpy(p->truth[p->ntruth].name, name);
    cx->truth_node[p->ntruth++] = a.map->val[i];
  }
  for (int t = 0; t < p->ntruth; t++) truth_body(cx, t);
}

static void population(const gcs_at *top) {
  gcs_at a;
  at_need(top, "population");
  if (at_open(&a, top, "population") <= 0) {
    top->cx->traits_bad = top->cx->truth_bad = 1;
    top->cx->trust_bad = top->cx->risk_bad = at_get(top, "population") != NULL;
    return;
  }
  at_keys(&a, K_POPULATION);
  pop_size(&a);
  pop_shares(&a);
  pop_phones(&a);
  pop_vehicles(&a);
  pop_traits(&a);
  pop_truth(&a);
  pop_households(&a);
  pop_ties(&a);
  pop_trust(&a);
  pop_risk(&a);
}

/* ------------------------------------------------------------------------
** Activity.
*/
static void multipliers(gcs_ctx *cx, const gcs_node *m, const char *path, gc_multiplier *out,
                        int *n) {
  gcs_scope sc = {SC_TRAIT | SC_TRUTH, cx->cfg->population.ntraits, cx->cfg->population.ntruth,
                  0, "multipliers may use traits and hidden truth"};
  if (is_null(m)) return;
  if (m->kind != NODE_MAP) {
    type_err(cx, m, path, "a mapping of condition: factor, e.g. {migrant: 2}");
    return;
  }
  *n = 0;
  for (int i = 0; i < m->n; i++) {
    char p[GCS_PATH_MAX];
    gc_multiplier x;
    memset(&x, 0, sizeof x);        /* padding too: twins compare configurations with memcmp */
    path_key(p, path, m->key[i]->text);
    if (!room(cx, m->key[i], p, i, GC_MAX_MULT, "multipliers")) break;
    int ok = cond_parse(cx, m->key[i], p, &sc, &x.cond) > 0;
    ok &= v_num(cx, m->val[i], p, RANGE(0, 1e6), &x.factor) > 0;
    if (ok) out[(*n)++] = x;
  }
}

static void behaviour_body(gcs_ctx *cx, const gcs_node *n, const char *path,
                           gc_behaviour_cfg *b) {
  gcs_at a;
  char p[GCS_PATH_MAX];
  double r;
  if (at_of(&a, cx, n, path) < 0) return;
  at_keys(&a, K_BEHAVIOUR);
  const char *both = at_get(&a, "weekday") ? "weekday" : at_get(&a, "weekend") ? "weekend" : NULL;
  if (at_get(&a, "rate") && both)
    err(cx, map_key(n, both), at_path(&a, both, p),
        "give either rate (every day) or weekday/weekend, not both");
  if (at_num(&a, "rate", RANGE(0, 100), &r) > 0) b->rate_weekday = b->rate_weekend = r;
  at_num(&a, "weekday", RANGE(0, 100), &b->rate_weekday);
  at_num(&a, "weekend", RANGE(0, 100), &b->rate_weekend);
  if (at_get(&a, "multipliers"))
    multipliers(cx, at_get(&a, "multipliers"), at_path(&a, "multipliers", p), b->mult, &b->nmult);
}

static int in_set(int x, const int *set, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (set[i] == x) return 1;
  return 0;
}

/* The keys that only some behaviours have: a probability's range, and the
** length of a stay (minutes) with its multipliers. */
static void behaviour_extra(gcs_ctx *cx, const gcs_node *n, const char *path, int beh) {
  gc_behaviour_cfg *b = &cx->cfg->activity.beh[beh];
  gcs_at a;
  char p[GCS_PATH_MAX];
  if (n->kind != NODE_MAP) return;
  at_of(&a, cx, n, path);
  if (in_set(beh, PROB_BEHAVIOURS, sizeof PROB_BEHAVIOURS / sizeof *PROB_BEHAVIOURS))
    for (int i = 0; i < 3; i++) {
      static const char *const rk[] = {"rate", "weekday", "weekend"};
      double x;
      const gcs_node *v = at_get(&a, rk[i]);
      if (v && num_parse(v, &x) && x > 1)
        err(cx, v, at_path(&a, rk[i], p), "%s is a probability: must be at most 1, got %s",
            BEH_NAMES[beh], v->text);
    }
  if (!in_set(beh, STAY_BEHAVIOURS, sizeof STAY_BEHAVIOURS / sizeof *STAY_BEHAVIOURS)) {
    const char *why = "only used by stay behaviours (errand, leisure, station_visit, "
                      "compound_visit, religious)";
    unused_key(&a, "minutes", why);
    unused_key(&a, "minutes_multipliers", why);
    return;
  }
  at_num(&a, "minutes", (gcs_range){0, 1440, 1, 0}, &b->minutes);
  if (at_get(&a, "minutes_multipliers"))
    multipliers(cx, at_get(&a, "minutes_multipliers"), at_path(&a, "minutes_multipliers", p),
                b->minmult, &b->nminmult);
}

static void act_behaviours(const gcs_at *act) {
  gcs_at a;
  if (at_open(&a, act, "behaviours") <= 0 || !a.map) return;
  for (int i = 0; i < a.map->n; i++) {
    char p[GCS_PATH_MAX];
    int k;
    path_key(p, a.path, a.map->key[i]->text);
    if (v_enum(a.cx, a.map->key[i], p, "behaviour", BEH_NAMES, &k) <= 0) continue;
    behaviour_body(a.cx, a.map->val[i], p, &a.cx->cfg->activity.beh[k]);
    behaviour_extra(a.cx, a.map->val[i], p, k);
  }
}

static void purchase_body(gcs_ctx *cx, const gcs_node *n, const char *path, gc_purchase_cfg *c) {
  gcs_at a;
  char p[GCS_PATH_MAX];
  if (at_of(&a, cx, n, path) < 0) return;
  at_keys(&a, K_PURCHASE);
  at_need_num(&a, "rate", RANGE(0, 100), &c->rate);
  at_need_num(&a, "mean", RANGE_POS(1e9), &c->mean_qty);
  at_num(&a, "sd_log", RANGE(0, 3), &c->sd_log);
  if (at_get(&a, "multipliers"))
    multipliers(cx, at_get(&a, "multipliers"), at_path(&a, "multipliers", p), c->mult, &c->nmult);
}

static void act_purchases(const gcs_at *act) {
  gc_activity_cfg *ac = &act->cx->cfg->activity;
  gcs_at a;
  if (at_open(&a, act, "purchases") <= 0 || !a.map) return;
  for (int i = 0; i < a.map->n; i++) {
    char p[GCS_PATH_MAX];
    const gcs_node *k = a.map->key[i];
    path_key(p, a.path, k->text);
    if (!room(a.cx, k, p, i, GC_MAX_PURCHASES, "purchase categories")) break;
    gc_purchase_cfg *c = &ac->purchase[ac->npurchases];
    if (v_name(a.cx, k, p, c->name, 0) < 0) continue;
    ac->npurchases++;
    c->sd_log = 0.3;
    purchase_body(a.cx, a.map->val[i], p, c);
  }
}

/* The name of a hidden-truth condition, as its index. */
static int v_truth(gcs_ctx *cx, const gcs_node *n, const char *path, int *out) {
  const gc_population_cfg *p = &cx->cfg->population;
  const char *cand[GC_MAX_TRUTH] = {0};
  char h[512];
  if (n->kind != NODE_SCALAR || is_null(n)) {
    type_err(cx, n, path, "the name of a hidden-truth condition");
    return -1;
  }
  int i = truth_index(cx, n->text);
  if (i >= 0) return *out = i, 1;
  if (cx->truth_bad) return -1;
  for (int t = 0; t < p->ntruth; t++) cand[t] = p->truth[t].name;
  err(cx, n, path, "unknown hidden-truth condition \"%s\"%s", n->text,
      hint(h, sizeof h, n->text, cand, p->ntruth, "none is declared in population.truth"));
  return -1;
}

static void act_utility(const gcs_at *act) {
  gc_activity_cfg *c = &act->cx->cfg->activity;
  gcs_at a;
  if (at_open(&a, act, "utility") <= 0) return;
  at_keys(&a, K_UTILITY);
  at_num(&a, "electricity_kwh", RANGE_POS(1000), &c->electricity_base);
  at_num(&a, "water_litres", RANGE_POS(100000), &c->water_base);
  at_num(&a, "size_exponent", RANGE(0, 2), &c->utility_size_exponent);
  at_num(&a, "noise_sd", RANGE(0, 3), &c->utility_noise_sd);
}

/* offences_at: place types -> bit mask. */
static void act_offences_at(const gcs_at *a) {
  const gcs_node *n = at_get(a, "offences_at");
  char p[GCS_PATH_MAX];
  uint8_t t[GC_MAX_PLACETYPES_IN_RULE];
  int nt = 0;
  if (!n) return;
  v_places(a->cx, n, at_path(a, "offences_at", p), "offences at home are not modelled", t, &nt);
  if (nt == 0) return;
  a->cx->cfg->activity.offence_places = 0;
  for (int i = 0; i < nt; i++) a->cx->cfg->activity.offence_places |= (uint16_t)(1u << t[i]);
}

/* petitions_by: a lawful truth (petitioning is lawful: acting on it is a harm). */
static void act_petitions_by(const gcs_at *a) {
  gcs_ctx *cx = a->cx;
  const gcs_node *n = at_get(a, "petitions_by");
  char p[GCS_PATH_MAX];
  int t;
  if (n && n->kind == NODE_SCALAR && n->text && !strcmp(n->text, "none")) {
    cx->cfg->activity.petition_truth = -1;       /* nobody petitions, whatever else is lawful */
    return;
  }
  if (!n || v_truth(cx, n, at_path(a, "petitions_by", p), &t) < 0) return;
  if (!cx->cfg->population.truth[t].lawful)
    err(cx, n, p, "\"%s\" is not lawful: petition trips are lawful, so petitions_by must name a "
        "truth with lawful: true", n->text);
  else cx->cfg->activity.petition_truth = t;
}

/* holiday: days first_day..first_day+days-1 (1-based), within the run. */
static void act_holiday(const gcs_at *act) {
  gcs_ctx *cx = act->cx;
  gc_activity_cfg *c = &cx->cfg->activity;
  gcs_at a;
  char p[GCS_PATH_MAX];
  int first = 0, days = 0, run = cx->cfg->days;
  if (at_open(&a, act, "holiday") <= 0) return;
  at_keys(&a, K_HOLIDAY);
  int ok = at_need_int(&a, "first_day", 1, GC_DAYS_MAX, &first) > 0;
  ok &= at_need_int(&a, "days", 1, GC_DAYS_MAX, &days) > 0;
  at_num(&a, "partner_visit", PROB, &c->holiday_partner_visit);
  if (!ok) return;
  if (run > 0 && first > run)
    err(cx, at_get(&a, "first_day"), at_path(&a, "first_day", p),
        "the holiday starts on day %d, after the run's last day (days: %d)", first, run);
  else if (run > 0 && first + days - 1 > run)
    err(cx, at_get(&a, "days"), at_path(&a, "days", p),
        "the holiday (days %d to %d) runs past the run's last day (days: %d)", first,
        first + days - 1, run);
  else {
    c->holiday_first_day = first - 1;   /* the model counts days from 0 */
    c->holiday_days = days;
  }
}

static void activity(gcs_ctx *cx, const gcs_at *top) {
  gc_activity_cfg *c = &cx->cfg->activity;
  gcs_at a;
  char p[GCS_PATH_MAX];
  for (int t = 0; t < cx->cfg->population.ntruth && c->petition_truth < 0; t++)
    if (cx->cfg->population.truth[t].lawful) c->petition_truth = t;   /* the first lawful truth */
  if (at_open(&a, top, "activity") <= 0) return;
  at_keys(&a, K_ACTIVITY);
  at_num(&a, "out_of_area_share", PROB, &c->out_of_area_share);
  at_num(&a, "trip_nights", RANGE(1, 365), &c->trip_nights_mean);
  if (at_get(&a, "offences_by"))
    v_truth(cx, at_get(&a, "offences_by"), at_path(&a, "offences_by", p), &c->offence_truth);
  act_offences_at(&a);
  at_bool(&a, "offences_near_home", &c->offences_near_home);
  act_petitions_by(&a);
  at_num(&a, "trip_by_car", PROB, &c->trip_by_car);
  at_num(&a, "travel_together", PROB, &c->travel_together);
  act_holiday(&a);
  act_utility(&a);
  act_behaviours(&a);
  act_purchases(&a);
}

/* ------------------------------------------------------------------------
** Lists.
*/
static void list_body(gcs_ctx *cx, int li) {
  gc_list_cfg *l = &cx->cfg->list[li];
  gcs_at a;
  char path[GCS_PATH_MAX], p[GCS_PATH_MAX];
  gcs_scope sc = {SC_TRAIT | SC_LIST | SC_PLATFORM, cx->cfg->population.ntraits, 0, li,
                  "list members may use traits and lists declared before this one"};
  snprintf(path, sizeof path, "lists.%s", l->name);
  if (at_of(&a, cx, cx->list_node[li], path) < 0) return;
  at_keys(&a, K_LIST);
  int empty = 0;
  const gcs_node *m = at_get(&a, "members");
  if (m && sel_parse(cx, m, at_path(&a, "members", p), &sc, &l->members, &empty) > 0)
    l->initially_empty = empty;
  at_num(&a, "removal_per_day", PROB, &l->removal_per_day);
  at_bool(&a, "exempt", &l->exempt);
}

static void lists(gcs_ctx *cx, const gcs_at *top) {
  gcs_at a;
  cx->lists_bad = at_open(&a, top, "lists") < 0;
  if (!a.map) return;
  for (int i = 0; i < a.map->n; i++) {
    const gcs_node *k = a.map->key[i];
    char path[GCS_PATH_MAX], name[GC_NAME_MAX];
    path_key(path, a.path, k->text);
    if (!room(cx, k, path, i, GC_MAX_LISTS, "lists")) break;
    if (!declare_name(cx, k, a.path, name)) continue;
    gc_list_cfg *l = &cx->cfg->list[cx->cfg->nlists];
    strcpy(l->name, name);
    l->initially_empty = 1;
    cx->list_node[cx->cfg->nlists++] = a.map->val[i];
  }
  for (int l = 0; l < cx->cfg->nlists; l++) list_body(cx, l);
}

/* The name of a list, as its index. */
static int v_list(gcs_ctx *cx, const gcs_node *n, const char *path, int *out) {
  const char *cand[GC_MAX_LISTS] = {0};
  char h[1024];
  if (n->kind != NODE_SCALAR || is_null(n)) {
    type_err(cx, n, path, "the name of a list");
    return -1;
  }
  int i = list_index(cx, n->text);
  if (i >= 0) return *out = i, 1;
  if (cx->lists_bad) return -1;
  for (int l = 0; l < cx->cfg->nlists; l++) cand[l] = cx->cfg->list[l].name;
  err(cx, n, path, "unknown list \"%s\"%s", n->text,
      hint(h, sizeof h, n->text, cand, cx->cfg->nlists, "no list is declared in lists"));
  return -1;
}

/* ------------------------------------------------------------------------
** Sensors.
*/
static void id_scanner(const gcs_at *ids, const char *key, int place) {
  gc_sensor_cfg *s = &ids->cx->cfg->sensors;
  gcs_at a;
  if (at_open(&a, ids, key) <= 0) return;
  at_keys(&a, K_SCANNER);
  at_num(&a, "coverage", PROB, &s->id_coverage[place]);
  at_num(&a, "detection", PROB, &s->id_detection[place]);
}

static void coverage(const gcs_at *sen, const char *key, double *out) {
  gcs_at a;
  if (at_open(&a, sen, key) <= 0) return;
  at_keys(&a, K_COVERAGE);
  at_num(&a, "coverage", PROB, out);
}

/* CCTV with face matching (HRW-2018), and cameras outside the homes of a
** list's members (Zhouning, NYT-2022: 9 of 439 cameras). */
static void sen_cctv(const gcs_at *sen) {
  gcs_ctx *cx = sen->cx;
  gc_cctv_cfg *c = &cx->cfg->sensors.cctv;
  gcs_at a;
  char p[GCS_PATH_MAX];
  if (at_open(&a, sen, "cctv") <= 0) return;
  at_keys(&a, K_CCTV);
  place_shares(&a, "coverage", "cameras at homes are placed with homes_of", c->coverage);
  at_num(&a, "infrared", PROB, &c->infrared);
  at_num(&a, "night_factor", PROB, &c->night_factor);
  at_num(&a, "miss", PROB, &c->miss);
  at_num(&a, "false_match", PROB, &c->false_match);
  if (at_get(&a, "homes_of")) {
    v_list(cx, at_get(&a, "homes_of"), at_path(&a, "homes_of", p), &c->homes_list);
    at_int(&a, "homes", 0, GC_POPULATION_MAX, &c->homes_count);
  } else {
    unused_key(&a, "homes", "only used with homes_of (the list whose members' homes get a "
               "camera)");
  }
}

static void sen_wifi_plates(const gcs_at *sen) {
  gc_sensor_cfg *s = &sen->cx->cfg->sensors;
  gcs_at a;
  if (at_open(&a, sen, "wifi") > 0) {
    at_keys(&a, K_SCANNER);
    place_shares(&a, "coverage", "wifi sniffers at homes are not modelled", s->wifi_coverage);
    at_num(&a, "detection", PROB, &s->wifi_detection);
  }
  if (at_open(&a, sen, "plates") > 0) {
    at_keys(&a, K_PLATES);
    place_shares(&a, "coverage", "plate readers at homes are not modelled", s->plate_coverage);
    at_num(&a, "detection", PROB, &s->plate_detection);
    at_num(&a, "misread", PROB, &s->plate_misread);
  }
  if (at_open(&a, sen, "compound_visitors") > 0) {
    at_keys(&a, K_COMPOUND);
    at_num(&a, "coverage", PROB, &s->compound_coverage);
    at_num(&a, "companions_recorded", PROB, &s->companion_recorded);
  }
}

/* Home-visit reports: "unusual" flags, first matching condition wins. */
static void home_unusual(gcs_ctx *cx, const gcs_node *m, const char *path, gc_home_visit_cfg *h) {
  gcs_scope sc = {SC_TRAIT | SC_TRUTH, cx->cfg->population.ntraits, cx->cfg->population.ntruth,
                  0, "unusual_if may use traits and hidden truth"};
  if (is_null(m)) return;
  if (m->kind != NODE_MAP) {
    type_err(cx, m, path, "a mapping of condition: probability, e.g. {pyramid_scheme: 0.2}");
    return;
  }
  for (int i = 0; i < m->n; i++) {
    char p[GCS_PATH_MAX];
    gc_cond c;
    double x;
    path_key(p, path, m->key[i]->text);
    if (!room(cx, m->key[i], p, i, GC_MAX_UNUSUAL, "unusual_if entries")) break;
    int ok = cond_parse(cx, m->key[i], p, &sc, &c) > 0;
    ok &= v_num(cx, m->val[i], p, PROB, &x) > 0;
    if (!ok) continue;
    h->unusual_if[h->nunusual] = c;
    h->unusual_prob[h->nunusual++] = x;
  }
}

static void sen_home_visits(const gcs_at *sen) {
  gcs_ctx *cx = sen->cx;
  gc_home_visit_cfg *h = &cx->cfg->sensors.home_visit;
  gcs_at a;
  char p[GCS_PATH_MAX];
  if (at_open(&a, sen, "home_visits") <= 0) return;
  at_keys(&a, K_HOME_VISITS);
  if (cx->cfg->population.trust.nlevels == 0 && !cx->trust_bad)
    err(cx, map_key(sen->map, "home_visits"), a.path, "home visits need population.trust.levels "
        "(how often households of each trust level are visited)");
  if (at_get(&a, "unusual_if"))
    home_unusual(cx, at_get(&a, "unusual_if"), at_path(&a, "unusual_if", p), h);
  at_num(&a, "unusual_otherwise", PROB, &h->unusual_otherwise);
}

/* Relationship inference from co-stays and co-travel (HRW-2017). */
static void sen_inference(const gcs_at *sen) {
  gcs_ctx *cx = sen->cx;
  gc_inference_cfg *f = &cx->cfg->sensors.inference;
  gcs_at a;
  char p[GCS_PATH_MAX];
  if (at_open(&a, sen, "inference") <= 0) return;
  at_keys(&a, K_INFERENCE);
  f->enabled = 1;
  at_int(&a, "min_together", 1, 1000, &f->min_together);
  at_int(&a, "travel_minutes", 1, 1440, &f->travel_minutes);
  at_int(&a, "window_days", 0, GC_DAYS_MAX, &f->window_days);
  const gcs_node *of = at_get(&a, "associates_of"), *join = at_get(&a, "associates_join");
  if (of) v_list(cx, of, at_path(&a, "associates_of", p), &f->from_list);
  if (join) v_list(cx, join, at_path(&a, "associates_join", p), &f->join_list);
  if (of && !join)
    err(cx, map_key(a.map, "associates_of"), at_path(&a, "associates_of", p),
        "needs associates_join too (the list inferred associates join)");
  else if (join && !of)
    err(cx, map_key(a.map, "associates_join"), at_path(&a, "associates_join", p),
        "needs associates_of too (the list whose associates are inferred)");
}

static void sensors(gcs_ctx *cx, const gcs_at *top) {
  gc_sensor_cfg *s = &cx->cfg->sensors;
  gcs_at a, ids;
  if (at_open(&a, top, "sensors") <= 0) return;
  at_keys(&a, K_SENSORS);
  if (at_open(&ids, &a, "id_scan") > 0) {
    at_keys(&ids, K_ID_SCAN);
    id_scanner(&ids, "hotel", GC_PLACE_HOTEL);
    id_scanner(&ids, "station", GC_PLACE_STATION);
    id_scanner(&ids, "checkpoint", GC_PLACE_CHECKPOINT);
    at_num(&ids, "identity_error", PROB, &s->id_identity_error);
  }
  coverage(&a, "phone_records", &s->phone_coverage);
  coverage(&a, "purchase_records", &s->purchase_coverage);
  coverage(&a, "utility_meters", &s->meter_coverage);
  sen_cctv(&a);
  sen_wifi_plates(&a);
  coverage(&a, "railway", &s->railway_coverage);
  coverage(&a, "payments", &s->payment_coverage);
  coverage(&a, "phone_location", &s->phone_location_coverage);
  at_num(&a, "linkage_error", PROB, &s->linkage_error);
  sen_home_visits(&a);
  sen_inference(&a);
}

/* ------------------------------------------------------------------------
** Response.
*/
static void resp_priorities(const gcs_at *a) {
  gc_response_cfg *r = &a->cx->cfg->response;
  const gcs_node *n = at_get(a, "priorities");
  char names[GC_MAX_PRIORITY][GC_NAME_MAX], p[GCS_PATH_MAX];
  if (!n) return;
  if (!distinct_names(a->cx, n, at_path(a, "priorities", p), 1, GC_MAX_PRIORITY, "priority", "priorities",
                      "a sequence of names, highest first, e.g. [urgent, routine]", names)) {
    a->cx->prio_bad = 1;
    return;
  }
  memcpy(r->priority, names, sizeof names);
  r->npriorities = n->n;
}

static void action_body(gcs_ctx *cx, const gcs_node *n, const char *path, int act,
                        const gcs_node **on_node) {
  gc_action_cfg *c = &cx->cfg->response.action[act];
  gcs_at a;
  if (at_of(&a, cx, n, path) < 0) return;
  at_keys(&a, K_ACTION);
  at_int(&a, "cost", 0, 100, &c->cost);
  at_num(&a, "finds", PROB, &c->finds);
  at_num(&a, "false_finding", PROB, &c->false_finding);
  at_enum(&a, "on_finding", "action", ACTION_NAMES, &c->on_finding);
  *on_node = at_get(&a, "on_finding");
  if (act == GC_ACT_DETENTION) at_int(&a, "days", 1, GC_DAYS_MAX, &c->days);
  else unused_key(&a, "days", "only used by detention (how many days it lasts)");
}

/* A finding that leads back to the same action would never end. */
static void action_loops(gcs_ctx *cx, const char *path, const gcs_node **on_node) {
  const gc_action_cfg *a = cx->cfg->response.action;
  for (int s = 1; s < GC_ACT_NTYPES; s++) {
    int x = a[s].on_finding, steps = 0, min = s;
    while (x != GC_ACT_NONE && x != s && steps++ < GC_ACT_NTYPES) {
      if (x < min) min = x;
      x = a[x].on_finding;
    }
    if (x != s || min != s) continue;
    int at = s;
    while (!on_node[at]) at = a[at].on_finding;
    char p[GCS_PATH_MAX];
    path_key(p, path, ACTION_NAMES[at]);
    path_key(p, p, "on_finding");
    err(cx, on_node[at], p, "on_finding makes a loop through %s (the chain of actions after a "
        "finding must end in none)", ACTION_NAMES[s]);
  }
}

static void resp_actions(const gcs_at *resp) {
  gcs_at a;
  const gcs_node *on_node[GC_ACT_NTYPES] = {0};
  if (at_open(&a, resp, "actions") <= 0 || !a.map) return;
  for (int i = 0; i < a.map->n; i++) {
    char p[GCS_PATH_MAX];
    int k;
    path_key(p, a.path, a.map->key[i]->text);
    if (v_enum(a.cx, a.map->key[i], p, "action", ACTION_NAMES + 1, &k) > 0)
      action_body(a.cx, a.map->val[i], p, k + 1, &on_node[k + 1]);
  }
  action_loops(a.cx, a.path, on_node);
}

/* Officer quotas: short of tasks, officers visit members of a list. */
static void resp_quota(const gcs_at *resp) {
  gc_response_cfg *r = &resp->cx->cfg->response;
  gcs_at a;
  char p[GCS_PATH_MAX];
  if (at_open(&a, resp, "quota") <= 0) return;
  at_keys(&a, K_QUOTA);
  at_need_int(&a, "per_day", 0, 10000000, &r->quota_per_day);
  if (at_need(&a, "from")) v_list(a.cx, at_get(&a, "from"), at_path(&a, "from", p), &r->quota_list);
}

/* A sequence of 1..max numbers in range r into out; returns how many, or
** -1 after an error. */
static int num_seq(gcs_ctx *cx, const gcs_node *n, const char *path, gcs_range r, int max, double *out) {
  if (n->kind != NODE_SEQ) {
    type_err(cx, n, path, "a sequence of numbers");
    return -1;
  }
  if (n->n < 1 || n->n > max) {
    err(cx, n, path, "needs 1 to %d numbers, got %d", max, n->n);
    return -1;
  }
  int ok = 1;
  for (int i = 0; i < n->n; i++) {
    char p[GCS_PATH_MAX];
    path_idx(p, path, i);
    if (v_num(cx, n->val[i], p, r, &out[i]) < 0) ok = 0;
  }
  return ok ? n->n : -1;
}

/* Place-based patrols (Ensign et al. 2018; Lum & Isaac 2016).  With
** `incidents` (the abstract urn of Ensign et al.) the districts are the
** list's entries; `prior` is a number for every district or a list, one
** per district. */
static void resp_patrol(const gcs_at *resp) {
  gcs_ctx *cx = resp->cx;
  gc_patrol_cfg *t = &cx->cfg->response.patrol;
  gcs_at a;
  char p[GCS_PATH_MAX];
  if (at_open(&a, resp, "patrol") <= 0) return;
  at_keys(&a, K_PATROL);
  const gcs_node *inc = at_get(&a, "incidents");
  int ninc = inc ? num_seq(cx, inc, at_path(&a, "incidents", p), RANGE(0, 1000), GC_MAX_DISTRICTS, t->incidents) : 0;
  if (ninc > 0) t->nincidents = ninc;
  if (inc) unused_key(&a, "districts", "has no use with incidents (the districts are the entries of incidents)");
  int np = at_int(&a, "patrols", 0, GC_MAX_DISTRICTS, &t->patrols);
  int nd = inc ? ninc : at_int(&a, "districts", 1, 8, &t->districts_side);
  int ndist = inc ? ninc : t->districts_side * t->districts_side;
  if (np >= 0 && nd >= 0 && t->patrols > ndist) {
    const gcs_node *at = at_get(&a, "patrols") ? at_get(&a, "patrols") : a.pos;
    if (inc)
      err(cx, at, at_path(&a, "patrols", p), "%d patrols a day, but incidents has only %d district%s",
          t->patrols, ndist, ndist > 1 ? "s" : "");
    else
      err(cx, at, at_path(&a, "patrols", p),
          "%d patrols a day, but the city has only %d district%s (districts: %d, a %d x %d grid)",
          t->patrols, ndist, t->districts_side > 1 ? "s" : "", t->districts_side, t->districts_side,
          t->districts_side);
  }
  const gcs_node *pr = at_get(&a, "prior");
  if (pr && pr->kind == NODE_SEQ) {
    double v[GC_MAX_DISTRICTS];
    int n = num_seq(cx, pr, at_path(&a, "prior", p), RANGE(0, 1e6), GC_MAX_DISTRICTS, v);
    if (n > 0 && nd >= 0 && n != ndist)
      err(cx, pr, at_path(&a, "prior", p), "has %d entr%s, one per district is needed (%d district%s)", n,
          n == 1 ? "y" : "ies", ndist, ndist > 1 ? "s" : "");
    else if (n > 0) {
      t->npriors = n;
      memcpy(t->priors, v, (size_t)n * sizeof *v);
    }
  } else at_num(&a, "prior", RANGE_POS(1e6), &t->prior);
  at_num(&a, "decay", PROB, &t->decay);
  at_num(&a, "discover", PROB, &t->discover);
  at_num(&a, "reported", PROB, &t->reported);
  at_num(&a, "stop", PROB, &t->stop);
  at_bool(&a, "correction", &t->correction);
  int act;
  if (at_enum(&a, "action", "action", ACTION_NAMES, &act) <= 0) return;
  if (act == GC_ACT_LIST_ENTRY)
    err(cx, at_get(&a, "action"), at_path(&a, "action", p), "patrols cannot enter people on a "
        "list (allowed: none, visit, id_check, drug_test, detention)");
  else t->action = act;
}

static void response(gcs_ctx *cx, const gcs_at *top) {
  gc_response_cfg *r = &cx->cfg->response;
  char p[GCS_PATH_MAX];
  gcs_at a;
  if (at_open(&a, top, "response") <= 0) {
    cx->prio_bad = at_get(top, "response") != NULL;
    return;
  }
  at_keys(&a, K_RESPONSE);
  at_int(&a, "capacity_per_day", 0, 10000000, &r->capacity_per_day);
  resp_priorities(&a);
  resp_actions(&a);
  at_bool(&a, "enabled", &r->enabled);
  at_int(&a, "carry_over_days", 0, 365, &r->carry_over_days);
  resp_quota(&a);
  if (at_int(&a, "lower_risk_days", 0, GC_DAYS_MAX, &r->lower_risk_days) > 0 &&
      r->lower_risk_days > 0 && cx->cfg->population.nrisk == 0 && !cx->risk_bad)
    err(cx, at_get(&a, "lower_risk_days"), at_path(&a, "lower_risk_days", p),
        "lowers risk levels, and none are declared (population.risk_levels)");
  at_bool(&a, "intercept", &r->intercept);
  resp_patrol(&a);
}

/* ------------------------------------------------------------------------
** Rules.
*/
/* Reports keys that are unknown, or that belong to another kind of rule. */
static void rule_keys(const gcs_at *a, int kind) {
  const char *cand[40] = {0};
  int nc = 0;
  for (int i = 0; K_RULE_COMMON[i]; i++) cand[nc++] = K_RULE_COMMON[i];
  for (int k = 0; k < GC_RULE_NKINDS; k++)
    for (int i = 0; (kind < 0 || k == kind) && K_RULE_KIND[k][i]; i++) cand[nc++] = K_RULE_KIND[k][i];
  for (int i = 0; a->map && i < a->map->n; i++) {
    const gcs_node *key = a->map->key[i];
    char owners[128] = "", p[GCS_PATH_MAX];
    if (key->kind != NODE_SCALAR || name_index(key->text, K_RULE_COMMON) >= 0) continue;
    if (kind >= 0 && name_index(key->text, K_RULE_KIND[kind]) >= 0) continue;
    for (int k = 0; k < GC_RULE_NKINDS; k++)
      if (name_index(key->text, K_RULE_KIND[k]) >= 0)
        snprintf(owners + strlen(owners), sizeof owners - strlen(owners), "%s%s",
                 *owners ? " and " : "", KIND_NAMES[k]);
    if (!*owners) unknown_key(a->cx, key, a->path, cand, nc);
    else if (kind >= 0)
      err(a->cx, key, at_path(a, key->text, p), "not used by rules of kind %s (only by %s rules)",
          KIND_NAMES[kind], owners);
  }
}

static void rule_name(const gcs_at *a, gc_rule_cfg *r, int ri) {
  char p[GCS_PATH_MAX];
  if (!at_need(a, "name") || v_name(a->cx, at_get(a, "name"), at_path(a, "name", p), r->name, 1) < 0)
    return;
  for (int j = 0; j < ri; j++)
    if (!strcmp(a->cx->cfg->rule[j].name, r->name)) {
      err(a->cx, at_get(a, "name"), p, "rule name \"%s\" is already used by rules[%d]", r->name, j);
      return;
    }
}

static void rule_who(const gcs_at *a, gc_rule_cfg *r) {
  gcs_ctx *cx = a->cx;
  char p[GCS_PATH_MAX];
  gcs_scope sc = {SC_TRAIT | SC_LIST | SC_TRUST | SC_RISK | SC_PLATFORM,
                  cx->cfg->population.ntraits, 0, cx->cfg->nlists,
                  "selectors may use traits, lists, trust and risk levels"};
  if (at_need(a, "who")) sel_parse(cx, at_get(a, "who"), at_path(a, "who", p), &sc, &r->who, NULL);
}

static void rule_claims(const gcs_at *a, gc_rule_cfg *r) {
  char path[GCS_PATH_MAX], p[GCS_PATH_MAX];
  const gcs_node *n = at_need(a, "claims") ? at_get(a, "claims") : NULL;
  int t;
  if (!n) return;
  at_path(a, "claims", path);
  if (n->kind == NODE_SCALAR) {
    if (v_truth(a->cx, n, path, &t) > 0) r->claims[r->nclaims++] = (uint8_t)t;
    return;
  }
  if (n->kind != NODE_SEQ || n->n < 1 || n->n > GC_MAX_CLAIMS) {
    char want[80];
    snprintf(want, sizeof want, "a hidden-truth name or a sequence of 1 to %d", GC_MAX_CLAIMS);
    type_err(a->cx, n, path, want);
    return;
  }
  for (int i = 0; i < n->n; i++) {
    path_idx(p, path, i);
    if (v_truth(a->cx, n->val[i], p, &t) < 0) continue;
    for (int j = 0; j < r->nclaims; j++)
      if (r->claims[j] == t) t = -1;
    if (t < 0) err(a->cx, n->val[i], p, "\"%s\" is claimed twice", n->val[i]->text);
    else r->claims[r->nclaims++] = (uint8_t)t;
  }
}

static void rule_priority(const gcs_at *a, gc_rule_cfg *r) {
  const gc_response_cfg *resp = &a->cx->cfg->response;
  const gcs_node *n = at_need(a, "priority") ? at_get(a, "priority") : NULL;
  char p[GCS_PATH_MAX], h[512], name[GC_NAME_MAX];
  const char *cand[GC_MAX_PRIORITY] = {0};
  if (!n || v_str(a->cx, n, at_path(a, "priority", p), name, sizeof name) < 0) return;
  for (int i = 0; i < resp->npriorities; i++) {
    if (!strcmp(resp->priority[i], name)) return (void)(r->priority = i);
    cand[i] = resp->priority[i];
  }
  if (!a->cx->prio_bad)
    err(a->cx, n, p, "unknown priority \"%s\"%s; priorities are declared in response.priorities",
        name, hint(h, sizeof h, name, cand, resp->npriorities, NULL));
}

static void rule_action(const gcs_at *a, gc_rule_cfg *r) {
  char p[GCS_PATH_MAX];
  int ok = at_enum(a, "action", "action", ACTION_NAMES, &r->action) >= 0;
  const gcs_node *list = at_get(a, "list"), *then = at_get(a, "then_list");
  if (ok && r->action == GC_ACT_LIST_ENTRY && at_need(a, "list"))
    v_list(a->cx, list, at_path(a, "list", p), &r->action_list);
  else if (ok && list)
    unused_key(a, "list", "only used with action: list_entry (the list people are entered on)");
  if (then) v_list(a->cx, then, at_path(a, "then_list", p), &r->then_list);
}

/* One place type or a sequence of them (a rule's `where`). */
static void rule_where(const gcs_at *a, gc_rule_cfg *r) {
  char path[GCS_PATH_MAX];
  if (at_need(a, "where"))
    v_places(a->cx, at_get(a, "where"), at_path(a, "where", path),
             "no sensor observes homes in this version", r->where, &r->nwhere);
}

/* The name of a purchase category, as its index. */
static int v_purchase(gcs_ctx *cx, const gcs_node *n, const char *path, int *out) {
  const gc_activity_cfg *ac = &cx->cfg->activity;
  const char *cand[GC_MAX_PURCHASES] = {0};
  char h[512];
  if (n->kind != NODE_SCALAR || is_null(n)) {
    type_err(cx, n, path, "the name of a purchase category");
    return -1;
  }
  for (int i = 0; i < ac->npurchases; i++) {
    if (!strcmp(ac->purchase[i].name, n->text)) return *out = i, 1;
    cand[i] = ac->purchase[i].name;
  }
  err(cx, n, path, "unknown purchase category \"%s\"%s", n->text,
      hint(h, sizeof h, n->text, cand, ac->npurchases, "none is declared in activity.purchases"));
  return -1;
}

static void rule_copresence(const gcs_at *a, gc_rule_cfg *r) {
  r->radius_m = 0;
  r->within_minutes = 1440;
  rule_where(a, r);
  at_need_int(a, "min_people", 2, 1000, &r->min_people);
  at_num(a, "radius_m", RANGE(0, 100000), &r->radius_m);
  at_int(a, "within_minutes", 1, 10080, &r->within_minutes);
}

static void rule_frequency(const gcs_at *a, gc_rule_cfg *r) {
  char p[GCS_PATH_MAX];
  int ev = at_need_enum(a, "event", "event", EVENT_NAMES, &r->event);
  if (ev > 0 && r->event == GC_EV_PURCHASE && at_get(a, "purchase"))
    v_purchase(a->cx, at_get(a, "purchase"), at_path(a, "purchase", p), &r->purchase);
  else if (ev > 0 && r->event != GC_EV_PURCHASE)
    unused_key(a, "purchase", "only used with event: purchase");
  at_need_int(a, "min_count", 1, 10000, &r->min_count);
  at_need_int(a, "window_days", 1, 366, &r->window_days);
  if (at_bool(a, "distinct", &r->distinct) > 0 && r->distinct && ev > 0 &&
      r->event != GC_EV_COMPANION)
    err(a->cx, at_get(a, "distinct"), at_path(a, "distinct", p), "distinct: true counts "
        "distinct companions; only used with event: companion (got event: %s)",
        EVENT_NAMES[r->event]);
}

static void rule_baseline_over(const gcs_at *a, gc_rule_cfg *r) {
  int over = at_need_enum(a, "over", "comparison", OVER_NAMES, &r->over);
  if (over <= 0) return;
  if (r->over == GC_OVER_BASELINE) {
    at_need_num(a, "factor", (gcs_range){1, 1e6, 1, 0}, &r->factor);
    unused_key(a, "percentile", "only used with over: percentile");
  } else {
    at_need_num(a, "percentile", (gcs_range){0, 100, 1, 1}, &r->percentile);
    unused_key(a, "factor", "only used with over: baseline");
  }
}

static void rule_baseline(const gcs_at *a, gc_rule_cfg *r) {
  char p[GCS_PATH_MAX];
  int m = at_need_enum(a, "measure", "measure", MEASURE_NAMES, &r->measure);
  if (m > 0 && r->measure == GC_MEASURE_PURCHASE && at_need(a, "purchase"))
    v_purchase(a->cx, at_get(a, "purchase"), at_path(a, "purchase", p), &r->purchase);
  else if (m > 0 && r->measure != GC_MEASURE_PURCHASE)
    unused_key(a, "purchase", "only used with measure: purchase");
  rule_baseline_over(a, r);
  r->min_history_days = 7;
  at_int(a, "min_history_days", 1, 365, &r->min_history_days);
}

static void rule_presence(const gcs_at *a, gc_rule_cfg *r) {
  rule_where(a, r);
  at_num(a, "radius_m", RANGE(0, 100000), &r->radius_m);
}

static void rule_movement(const gcs_at *a, gc_rule_cfg *r) {
  r->destination = GC_DEST_ANY;
  at_enum(a, "destination", "destination", DEST_NAMES, &r->destination);
}

static void rule_absence(const gcs_at *a, gc_rule_cfg *r) {
  at_need_enum(a, "signal", "signal", SIGNAL_NAMES, &r->signal);
  at_need_int(a, "days", 1, 366, &r->days);
}

static void rule_dwell(const gcs_at *a, gc_rule_cfg *r) {
  rule_where(a, r);
  at_need_int(a, "min_minutes", 1, 366 * 1440, &r->min_minutes);
  r->window_days = 1;
  at_int(a, "window_days", 1, 366, &r->window_days);
}

/* ---- score rules: weighted features => risk level (HRW-2018, the IJOP's
** "risk levels that rise and fall"). */

/* Which of if/count/alerts/actions/ties_to a feature has; -1 after an error. */
static int feature_kind(const gcs_at *a) {
  int kind = -1;
  char p[GCS_PATH_MAX];
  for (int i = 0; a->map && i < a->map->n; i++) {   /* in file order: blame the second */
    const gcs_node *key = a->map->key[i];
    int k = key->kind == NODE_SCALAR ? name_index(key->text, K_FEATURE) : -1;
    if (k < 0 || k >= FEATURE_KINDS) continue;
    if (kind < 0) {
      kind = k;
      continue;
    }
    err(a->cx, key, at_path(a, key->text, p),
        "a feature is one of if, count, alerts, actions, ties_to; this one already has %s",
        K_FEATURE[kind]);
    return -1;
  }
  if (kind < 0)
    err(a->cx, a->pos, a->path, "a feature needs one of if (a condition), count (an event), "
        "alerts (a rule or any), actions (any) or ties_to (a list)");
  return kind;
}

static void feature_what(const gcs_at *a, int ri, int fi, gc_score_feature *f) {
  gcs_ctx *cx = a->cx;
  const char *key = K_FEATURE[f->kind];
  const gcs_node *n = at_get(a, key);
  char p[GCS_PATH_MAX];
  static const char *const ANY[] = {"any", NULL};
  gcs_scope sc = {SC_TRAIT | SC_LIST | SC_TRUST | SC_RISK | SC_PLATFORM,
                  cx->cfg->population.ntraits, 0, cx->cfg->nlists,
                  "score features may use traits, lists, trust and risk levels"};
  int x;
  at_path(a, key, p);
  switch (f->kind) {
  case GC_FEAT_COND: cond_parse(cx, n, p, &sc, &f->cond); break;
  case GC_FEAT_EVENTS: v_enum(cx, n, p, "event", EVENT_NAMES, &f->event); break;
  case GC_FEAT_ALERTS:
    if (n->kind == NODE_SCALAR && !strcmp(n->text, "any")) f->rule = -1;
    else if (n->kind != NODE_SCALAR || is_null(n)) type_err(cx, n, p, "a rule name or any");
    else cx->alerts_node[ri][fi] = n;          /* resolved in rules_alerts */
    break;
  case GC_FEAT_ACTIONS: v_enum(cx, n, p, "value (police actions of any kind count)", ANY, &x); break;
  default:
    if (v_list(cx, n, p, &x) > 0) f->cond = (gc_cond){GC_COND_LIST, (uint8_t)x, 1};
  }
}

static void feature_parse(gcs_ctx *cx, const gcs_node *n, const char *path, int ri, int fi,
                          gc_score_feature *f) {
  gcs_at a;
  memset(f, 0, sizeof *f);
  f->rule = -1;
  f->window_days = 30;
  if (n->kind != NODE_MAP) {
    type_err(cx, n, path, "a feature, e.g. {if: migrant, weight: 2} or {count: ticket, weight: 1}");
    return;
  }
  at_of(&a, cx, n, path);
  at_keys(&a, K_FEATURE);
  f->kind = feature_kind(&a);
  if (f->kind < 0) {
    f->kind = 0;
    return;
  }
  feature_what(&a, ri, fi, f);
  at_need_num(&a, "weight", RANGE(-1e6, 1e6), &f->weight);
  if (f->kind == GC_FEAT_EVENTS || f->kind == GC_FEAT_ALERTS || f->kind == GC_FEAT_ACTIONS)
    at_int(&a, "window_days", 1, 366, &f->window_days);
  else
    unused_key(&a, "window_days", "only used with count, alerts and actions (the days they are "
               "counted over)");
  if (f->kind != GC_FEAT_COND) at_num(&a, "cap", RANGE(0, 1e6), &f->cap);
  else unused_key(&a, "cap", "a condition counts once; cap is only used with count, alerts, "
                  "actions and ties_to");
}

static void score_features(const gcs_at *a, gc_rule_cfg *r, int ri) {
  char path[GCS_PATH_MAX], p[GCS_PATH_MAX];
  const gcs_node *n = at_need(a, "features") ? at_get(a, "features") : NULL;
  if (!n) return;
  at_path(a, "features", path);
  if (n->kind != NODE_SEQ) {
    type_err(a->cx, n, path, "a sequence of features, e.g. [{if: migrant, weight: 2}]");
    return;
  }
  if (n->n < 1 || n->n > GC_MAX_FEATURES) {
    err(a->cx, n, path, "needs 1 to %d features, got %d", GC_MAX_FEATURES, n->n);
    return;
  }
  for (int i = 0; i < n->n; i++) {
    path_idx(p, path, i);
    feature_parse(a->cx, n->val[i], p, ri, i, &r->feature[i]);
  }
  r->nfeatures = n->n;
}

/* A risk level above level 0, by name. */
static int v_risk_level(gcs_ctx *cx, const gcs_node *n, const char *path, int *out) {
  const gc_population_cfg *p = &cx->cfg->population;
  const char *cand[GC_MAX_RISK] = {0};
  char h[512];
  if (n->kind != NODE_SCALAR || is_null(n)) {
    type_err(cx, n, path, "the name of a risk level");
    return -1;
  }
  for (int l = 1; l < p->nrisk; l++) {
    if (!strcmp(p->risk[l], n->text)) return *out = l, 1;
    cand[l - 1] = p->risk[l];
  }
  if (!strcmp(p->risk[0], n->text))
    err(cx, n, path, "\"%s\" is level 0, where everyone starts; name a level above it%s",
        n->text, hint(h, sizeof h, "", cand, p->nrisk - 1, NULL));
  else
    err(cx, n, path, "unknown risk level \"%s\"%s", n->text,
        hint(h, sizeof h, n->text, cand, p->nrisk - 1, NULL));
  return -1;
}

/* levels: {LEVEL: threshold} for every level above 0, rising with the level. */
static void score_levels(const gcs_at *a, gc_rule_cfg *r) {
  gcs_ctx *cx = a->cx;
  const gc_population_cfg *pop = &cx->cfg->population;
  char path[GCS_PATH_MAX];
  const gcs_node *m = at_need(a, "levels") ? at_get(a, "levels") : NULL;
  const gcs_node *at[GC_MAX_RISK] = {0};
  if (!m) return;
  at_path(a, "levels", path);
  if (m->kind != NODE_MAP) {
    type_err(cx, m, path, "a mapping of risk level: score threshold, e.g. {low: 2, high: 6}");
    return;
  }
  int ok = 1;
  for (int i = 0; i < m->n; i++) {
    char p[GCS_PATH_MAX];
    int l;
    double x;
    path_key(p, path, m->key[i]->text);
    int good = v_risk_level(cx, m->key[i], p, &l) > 0;
    good &= v_num(cx, m->val[i], p, RANGE_POS(1e9), &x) > 0;
    if (!good) {
      ok = 0;
      continue;
    }
    r->level_at[l] = x;
    at[l] = m->val[i];
  }
  for (int l = 1; ok && l < pop->nrisk; l++) {
    if (!at[l]) {
      err(cx, m, path, "no threshold for risk level \"%s\" (every level above \"%s\" needs one)",
          pop->risk[l], pop->risk[0]);
      ok = 0;
    }
  }
  for (int l = 2; ok && l < pop->nrisk; l++) {
    if (r->level_at[l] > r->level_at[l - 1]) continue;
    char p[GCS_PATH_MAX];
    path_key(p, path, pop->risk[l]);
    err(cx, at[l], p, "thresholds must rise with the level: %s (%g) is not above %s (%g)",
        pop->risk[l], r->level_at[l], pop->risk[l - 1], r->level_at[l - 1]);
  }
}

static void rule_score(const gcs_at *a, gc_rule_cfg *r, int ri) {
  gcs_ctx *cx = a->cx;
  char p[GCS_PATH_MAX];
  score_features(a, r, ri);
  if (cx->cfg->population.nrisk == 0) {
    if (!cx->risk_bad)
      err(cx, at_get(a, "kind"), at_path(a, "kind", p), "score rules assign risk levels, and none "
          "are declared (add population.risk_levels, e.g. [none, low, high])");
    return;
  }
  score_levels(a, r);
  r->alert_level = cx->cfg->population.nrisk - 1;
  if (at_get(a, "alert_at"))
    v_risk_level(cx, at_get(a, "alert_at"), at_path(a, "alert_at", p), &r->alert_level);
}

/* Resolves `alerts: NAME` features once every rule has its name. */
static void rules_alerts(gcs_ctx *cx) {
  const char *cand[GC_MAX_RULES + 1] = {0};
  int nc = 0;
  for (int j = 0; j < cx->cfg->nrules; j++)
    if (cx->cfg->rule[j].name[0]) cand[nc++] = cx->cfg->rule[j].name;
  cand[nc++] = "any";
  for (int i = 0; i < cx->cfg->nrules; i++)
    for (int f = 0; f < GC_MAX_FEATURES; f++) {
      const gcs_node *n = cx->alerts_node[i][f];
      char p[GCS_PATH_MAX], h[1024];
      int j = 0;
      if (!n) continue;
      while (j < cx->cfg->nrules && strcmp(cx->cfg->rule[j].name, n->text)) j++;
      if (j < cx->cfg->nrules) {
        cx->cfg->rule[i].feature[f].rule = j;
        continue;
      }
      snprintf(p, sizeof p, "rules[%d].features[%d].alerts", i, f);
      err(cx, n, p, "unknown rule \"%s\"%s", n->text, hint(h, sizeof h, n->text, cand, nc, NULL));
    }
}

static void rule_parse(gcs_ctx *cx, const gcs_node *n, int ri) {
  gc_rule_cfg *r = &cx->cfg->rule[ri];
  gcs_at a;
  char path[GCS_PATH_MAX], p[GCS_PATH_MAX];
  int kind = -1;
  r->action_list = r->then_list = r->purchase = -1;
  path_idx(path, "rules", ri);
  if (n->kind != NODE_MAP) {
    type_err(cx, n, path, "a rule (a mapping with name, kind, who, claims, priority, ...)");
    return;
  }
  at_of(&a, cx, n, path);
  if (at_need_enum(&a, "kind", "rule kind", KIND_NAMES, &kind) <= 0) kind = -1;
  r->kind = kind < 0 ? 0 : kind;
  rule_keys(&a, kind);
  rule_name(&a, r, ri);
  at_str(&a, "source", r->source, sizeof r->source);
  if (at_get(&a, "description") && (at_get(&a, "description")->kind != NODE_SCALAR))
    type_err(cx, at_get(&a, "description"), at_path(&a, "description", p), "text");
  rule_who(&a, r);
  rule_claims(&a, r);
  rule_priority(&a, r);
  rule_action(&a, r);
  switch (kind) {
  case GC_RULE_PRESENCE: rule_presence(&a, r); break;
  case GC_RULE_COPRESENCE: rule_copresence(&a, r); break;
  case GC_RULE_FREQUENCY: rule_frequency(&a, r); break;
  case GC_RULE_BASELINE: rule_baseline(&a, r); break;
  case GC_RULE_MOVEMENT: rule_movement(&a, r); break;
  case GC_RULE_ABSENCE: rule_absence(&a, r); break;
  case GC_RULE_DWELL: rule_dwell(&a, r); break;
  case GC_RULE_SCORE: rule_score(&a, r, ri); break;
  default: break;
  }
}

static void rules(gcs_ctx *cx, const gcs_at *top) {
  const gcs_node *n = at_get(top, "rules");
  if (!n || is_null(n)) return;
  if (n->kind != NODE_SEQ) {
    type_err(cx, n, "rules", "a sequence of rules (each starting with \"- name: ...\")");
    return;
  }
  for (int i = 0; i < n->n; i++) {
    char p[GCS_PATH_MAX];
    path_idx(p, "rules", i);
    if (!room(cx, n->val[i], p, i, GC_MAX_RULES, "rules")) break;
    rule_parse(cx, n->val[i], i);
    cx->cfg->nrules = i + 1;
  }
  rules_alerts(cx);
}

/* ------------------------------------------------------------------------
** Reactions: awareness, evasion, deterrence, chilling (HRW-2018, NYT-2022).
*/
static void react_evasion(const gcs_at *re) {
  gcs_at a;
  if (at_open(&a, re, "evasion") <= 0 || !a.map) return;
  for (int i = 0; i < a.map->n; i++) {
    char p[GCS_PATH_MAX];
    gcs_at e;
    int k;
    path_key(p, a.path, a.map->key[i]->text);
    if (v_enum(a.cx, a.map->key[i], p, "evasion", EVASION_NAMES, &k) <= 0) continue;
    if (at_of(&e, a.cx, a.map->val[i], p) < 0) continue;
    gc_evasion_cfg *c = &a.cx->cfg->reaction.evade[k];
    at_keys(&e, K_EVASION);
    at_num(&e, "prob", PROB, &c->prob);
    at_num(&e, "cost_money", RANGE(0, 1e9), &c->cost_money);
    at_num(&e, "cost_minutes", RANGE(0, 1440), &c->cost_minutes);
  }
}

static void reactions(gcs_ctx *cx, const gcs_at *top) {
  gc_reaction_cfg *r = &cx->cfg->reaction;
  gcs_at a, d;
  char p[GCS_PATH_MAX];
  gcs_scope sc = {SC_TRAIT | SC_LIST | SC_TRUST, cx->cfg->population.ntraits, 0, cx->cfg->nlists,
                  "reactions.aware is read once, at the start, when nobody has a risk level yet: "
                  "it may use traits, lists and trust levels (their initial values)"};
  if (at_open(&a, top, "reactions") <= 0) return;
  at_keys(&a, K_REACTIONS);
  int empty = 0;
  if (at_get(&a, "aware"))
    sel_parse(cx, at_get(&a, "aware"), at_path(&a, "aware", p), &sc, &r->aware, &empty);
  at_bool(&a, "aware_after_action", &r->aware_after_action);
  react_evasion(&a);
  if (at_open(&d, &a, "deterrence") > 0) {
    at_keys(&d, K_DETERRENCE);
    at_num(&d, "factor", PROB, &r->deterrence);
    at_int(&d, "days", 0, GC_DAYS_MAX, &r->deterrence_days);
  }
  at_num(&a, "chilling", PROB, &r->chilling);
}

/* ------------------------------------------------------------------------
** Defaults.
*/
static void defaults_world(gc_world_cfg *w) {
  w->city_km = 18;
  w->other_regions = 8;
  w->other_distance_km = 300;
  w->capital_distance_km = 1100;
  w->away_hotels = 20;
  w->away_stations = 1;
  memcpy(w->places_per_1000, DEF_PLACES, sizeof DEF_PLACES);
}

static void defaults_population(gc_population_cfg *p) {
  p->employed = 0.62;
  p->students = 0.15;
  p->phone_owner = 0.95;
  p->phone_registered_to_user = 0.92;
  p->vehicle_registered_to_user = 1;   /* a perfect registry unless the scenario says otherwise */
  p->households.nsizes = (int)(sizeof DEF_HH_SIZE / sizeof DEF_HH_SIZE[0]);
  memcpy(p->households.size, DEF_HH_SIZE, sizeof DEF_HH_SIZE);
  memcpy(p->households.share, DEF_HH_SHARE, sizeof DEF_HH_SHARE);
  p->ties = (gc_ties_cfg){4, 5, 0.55, 0.12, 0.3};
}

static void defaults_activity(gc_activity_cfg *a) {
  for (int b = 0; b < GC_BEH_N; b++) {
    a->beh[b].rate_weekday = DEF_RATE[b][0];
    a->beh[b].rate_weekend = DEF_RATE[b][1];
  }
  a->out_of_area_share = 0.25;
  a->trip_nights_mean = 2;
  a->electricity_base = 4;
  a->water_base = 150;
  a->utility_size_exponent = 0.85;
  a->utility_noise_sd = 0.25;
  a->offence_truth = -1;
  a->offence_places = 1u << GC_PLACE_STATION;
  a->petition_truth = -1;
  a->trip_by_car = 0.5;
  a->travel_together = 0;            /* nobody travels with anyone: the core's trips */
  a->holiday_first_day = -1;
}

static void defaults_sensors(gc_sensor_cfg *s) {
  static const int scanned[] = {GC_PLACE_HOTEL, GC_PLACE_STATION, GC_PLACE_CHECKPOINT};
  for (int i = 0; i < 3; i++) {
    s->id_coverage[scanned[i]] = 1;
    s->id_detection[scanned[i]] = 1;
  }
  s->id_identity_error = 0;
  s->phone_coverage = 1;
  s->purchase_coverage = 1;
  s->meter_coverage = 1;
  s->cctv.homes_list = -1;
  s->cctv.homes_count = -1;
  s->cctv.night_factor = 1;
  s->inference.from_list = s->inference.join_list = -1;
  s->inference.min_together = 3;
  s->inference.travel_minutes = 30;
  s->wifi_detection = 1;               /* new sensors: off (coverage 0), but perfect where placed */
  s->plate_detection = 1;
  s->companion_recorded = 1;
}

static void defaults_response(gc_response_cfg *r) {
  r->capacity_per_day = 40;
  r->npriorities = 1;
  strcpy(r->priority[0], "default");
  memcpy(r->action, DEF_ACTION, sizeof DEF_ACTION);
  r->enabled = 1;
  r->quota_list = -1;
  r->intercept = 1;
  r->patrol.districts_side = 4;
  r->patrol.prior = 1;
  r->patrol.action = GC_ACT_DETENTION;
}

static void defaults_reaction(gc_reaction_cfg *r) {
  r->deterrence = 1;
}

static void cfg_defaults(gc_config *c) {
  memset(c, 0, sizeof *c);
  strcpy(c->name, "scenario");
  c->seed = 1;
  defaults_world(&c->world);
  defaults_population(&c->population);
  defaults_activity(&c->activity);
  defaults_sensors(&c->sensors);
  defaults_response(&c->response);
  defaults_reaction(&c->reaction);
}

/* ------------------------------------------------------------------------
** Loading.
*/
static int root_ok(gcs_ctx *cx, const char *src, const gcs_node *root) {
  if (!root || is_null(root)) {
    gc_diag_add(cx->diag, src, 1, 1, GCS_ROOT,
                "the scenario is empty (it needs at least days and population)");
    return 0;
  }
  if (root->kind == NODE_MAP) return 1;
  type_err(cx, root, "", "a mapping of keys such as days and population");
  return 0;
}

static void validate(gcs_ctx *cx, const gcs_node *root) {
  gcs_at top;
  at_of(&top, cx, root, "");
  top_scalars(cx, &top);
  world(cx, &top);
  population(&top);
  activity(cx, &top);
  lists(cx, &top);
  trust_given(cx, root);
  sensors(cx, &top);
  response(cx, &top);
  hh_neighbourhood_grid(cx);
  rules(cx, &top);
  reactions(cx, &top);
}

static void release_yaml(gcs_ctx *cx) {
  if (cx->event_live) yaml_event_delete(&cx->event);
  if (cx->parser_live) yaml_parser_delete(&cx->parser);
  cx->event_live = cx->parser_live = 0;
}

/* The load proper; 0 when it ran out of memory.  Kept apart from gcs_load
** so that no local of the function calling setjmp is used after longjmp. */
static int load_guarded(gcs_ctx *cx, const char *name, const char *text, size_t len,
                        const char *const *sets, int nsets) {
  gcs_builder b;
  if (setjmp(cx->oom)) {
    release_yaml(cx);
    return 0;
  }
  builder_init(&b, cx, name, text, len, 0);
  if (!build(&b) || !root_ok(cx, name, b.root)) return 1;
  for (int i = 0; i < nsets; i++) apply_set(cx, b.root, sets[i]);
  validate(cx, b.root);
  return 1;
}

int gcs_load(const char *display_name, const char *text, size_t len, const char *const *sets,
             int nsets, gc_config *cfg, gc_diag *diag) {
  assert(display_name && (text || !len) && (sets || !nsets) && cfg && diag);
  gcs_ctx cx;
  memset(&cx, 0, sizeof cx);
  cx.diag = diag;
  cx.cfg = cfg;
  int before = gc_diag_count(diag);
  cfg_defaults(cfg);
  if (!load_guarded(&cx, display_name, text ? text : "", len, sets, nsets))
    gc_diag_add(diag, display_name, 0, 0, NULL, "out of memory while loading the scenario");
  arena_free(&cx);
  gc_diag_sort(diag, before);
  return gc_diag_count(diag) - before;
}

/* Reads a whole file; malloc'd text (caller frees) or NULL with *why set. */
static char *read_all(FILE *f, size_t *len, const char **why) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (ferror(f)) return free(buf), *why = strerror(errno), NULL;
    if (n < cap) break;
    char *more = cap >= (size_t)GCS_FILE_MAX ? NULL : realloc(buf, cap * 2);
    if (!more) *why = cap >= (size_t)GCS_FILE_MAX ? "the file is larger than 64 MiB" : NULL;
    if (!more) return free(buf), NULL;
    buf = more;
    cap *= 2;
  }
  if (!buf) *why = "out of memory";
  *len = n;
  return buf;
}

int gcs_load_file(const char *path, const char *const *sets, int nsets, gc_config *cfg,
                  gc_diag *diag) {
  assert(path && cfg && diag);
  const char *why = "out of memory";
  size_t len = 0;
  FILE *f = fopen(path, "rb");
  char *text = f ? read_all(f, &len, &why) : NULL;
  if (!f) why = strerror(errno);
  if (f) fclose(f);
  if (!text) {
    cfg_defaults(cfg);
    gc_diag_add(diag, path, 0, 0, NULL, "cannot read the scenario file: %s", why ? why : "?");
    return 1;
  }
  int n = gcs_load(path, text, len, sets, nsets, cfg, diag);
  free(text);
  return n;
}

const char *gcs_builtin_text(const char *name, size_t *len) {
  for (int i = 0; name && i < gcs_nbuiltins; i++)
    if (!strcmp(gcs_builtins[i].name, name)) {
      if (len) *len = gcs_builtins[i].len;
      return gcs_builtins[i].text;
    }
  return NULL;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ULL;
  return h;
}

uint64_t gcs_hash(const char *text, size_t len, const char *const *sets, int nsets) {
  uint64_t h = fnv1a(14695981039346656037ULL, text, text ? len : 0);
  for (int i = 0; i < nsets; i++) {
    h = fnv1a(h, "", 1);
    h = fnv1a(h, sets[i], strlen(sets[i]));
  }
  return h;
}

char *gcs_join_sets(const char *const *sets, int nsets) {
  size_t n = 1;
  for (int k = 0; k < nsets; k++) n += strlen(sets[k]) + 1;
  char *s = malloc(n), *w = s;
  if (!s) return NULL;
  for (int k = 0; k < nsets; k++) {
    size_t len = strlen(sets[k]);
    memcpy(w, sets[k], len);
    w[len] = '\n';
    w += len + 1;
  }
  *w = 0;
  return s;
}
