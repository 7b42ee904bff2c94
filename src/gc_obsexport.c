/*
** gc_obsexport.c — observations and alerts per day as CSV (gc_obsexport.h).
**
** Why CSV: DuckDB (the peer that reads these files) parses it in parallel and
** exactly when every column is an integer or a float printed with enough
** digits to round-trip (%.9g for a float), and anyone can read it.  A binary
** layout would be smaller but DuckDB has no reader for raw structs, and the
** peer's load time is reported apart from its rule time anyway.
** Integers are formatted by hand: at a million agents a day has about a
** million rows, where fprintf alone would cost more than the rules.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "gc_obsexport.h"
#include "gc_names.h"
#include "rules/gc_rule_kind.h"

struct gc_obsx {
  char *dir;
  char err[4400];                 /* a path and strerror */
};

static int make_dirs(const char *path) {
  char buf[4096];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) { errno = ENAMETOOLONG; return -1; }
  for (char *p = buf + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      if (mkdir(buf, 0777) && errno != EEXIST) return -1;
      *p = '/';
    }
  if (mkdir(buf, 0777) && errno != EEXIST) return -1;
  struct stat st;
  if (stat(buf, &st)) return -1;
  if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
  return 0;
}

/* One file written to NAME.tmp and renamed to NAME by finish(). */
typedef struct outfile {
  FILE *f;
  char path[4200], tmp[4220];
} outfile;

static int start(gc_obsx *x, outfile *o, const char *name) {
  snprintf(o->path, sizeof o->path, "%s/%s", x->dir, name);
  snprintf(o->tmp, sizeof o->tmp, "%s.tmp", o->path);
  o->f = fopen(o->tmp, "w");
  if (!o->f) {
    snprintf(x->err, sizeof x->err, "cannot write %.4250s: %s", o->tmp, strerror(errno));
    return -1;
  }
  setvbuf(o->f, NULL, _IOFBF, 1 << 20);
  return 0;
}

static int finish(gc_obsx *x, outfile *o) {
  int bad = ferror(o->f);
  bad |= fclose(o->f) != 0;
  if (!bad && rename(o->tmp, o->path) == 0) return 0;
  snprintf(x->err, sizeof x->err, "cannot write %.4250s: %s", o->path, strerror(errno ? errno : EIO));
  remove(o->tmp);
  return -1;
}

/* Appends the decimal digits of v to p; returns the new end. */
static char *put_u(char *p, uint64_t v) {
  char t[24];
  int n = 0;
  do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) *p++ = t[--n];
  return p;
}

static char *put_i(char *p, long long v) {
  if (v < 0) { *p++ = '-'; return put_u(p, (uint64_t)(-(v + 1)) + 1); }
  return put_u(p, (uint64_t)v);
}

static int write_places(gc_obsx *x, const gc_world *w) {
  outfile o;
  if (start(x, &o, "places.csv")) return -1;
  fputs("place,type,region,x,y\n", o.f);
  for (uint32_t p = 0; p < w->nplaces; p++)
    fprintf(o.f, "%u,%d,%d,%.9g,%.9g\n", p, w->type[p], w->region[p], (double)w->x[p], (double)w->y[p]);
  return finish(x, &o);
}

/* What a frequency rule's event means in observation terms (gc_event_matches):
** the observation kind, the `sub` it needs (-1 any) and the flags it needs. */
static void event_match(const gc_rule_cfg *rc, int *kind, int *sub, int *flags) {
  *kind = gc_event_obs_kind(rc->event);
  *sub = -1;
  *flags = 0;
  switch (rc->event) {
  case GC_EV_HOTEL_STAY: *sub = GC_PLACE_HOTEL; break;
  case GC_EV_HOTEL_STAY_LOCAL: *sub = GC_PLACE_HOTEL; *flags = GC_OBSF_LOCAL_HOTEL; break;
  case GC_EV_STATION_SCAN: *sub = GC_PLACE_STATION; break;
  case GC_EV_CHECKPOINT_SCAN: *sub = GC_PLACE_CHECKPOINT; break;
  case GC_EV_CALL_NEW_OUT_OF_AREA: *sub = 1; break;
  case GC_EV_PURCHASE: *sub = rc->purchase; break;
  default: break;
  }
}

/* "everyone", "nobody", "lists" (only list conditions: lists_any, lists_all)
** or "other" (traits, truth, trust or risk: not evaluable from the export). */
static const char *selector_form(const gc_selector *s, unsigned *any, unsigned *all) {
  *any = *all = 0;
  if (s->everyone) return "everyone";
  if (!s->nany && !s->nall) return "nobody";
  for (int k = 0; k < s->nany; k++) {
    if (s->any[k].kind != GC_COND_LIST) return "other";
    *any |= 1u << s->any[k].index;
  }
  for (int k = 0; k < s->nall; k++) {
    if (s->all[k].kind != GC_COND_LIST) return "other";
    *all |= 1u << s->all[k].index;
  }
  return "lists";
}

static int write_rules(gc_obsx *x, const gc_config *cfg) {
  outfile o;
  if (start(x, &o, "rules.csv")) return -1;
  unsigned exempt = 0;
  for (int l = 0; l < cfg->nlists; l++)
    if (cfg->list[l].exempt) exempt |= 1u << l;
  fputs("rule,name,kind,selector,lists_any,lists_all,exempt_lists,where_mask,min_people,radius_m,"
        "within_minutes,obs_kind,match_sub,match_flags,min_count,window_days,distinct\n", o.f);
  for (int i = 0; i < cfg->nrules; i++) {
    const gc_rule_cfg *rc = &cfg->rule[i];
    unsigned any, all, where = 0;
    const char *form = selector_form(&rc->who, &any, &all);
    for (int k = 0; k < rc->nwhere; k++) where |= 1u << rc->where[k];
    int kind, sub, flags;
    event_match(rc, &kind, &sub, &flags);
    fprintf(o.f, "%d,%s,%s,%s,%u,%u,%u,%u,%d,%.17g,%d,%d,%d,%d,%d,%d,%d\n", i, rc->name,
            gc_rule_kind_name(rc->kind), form, any, all, exempt, where, rc->min_people, rc->radius_m,
            rc->within_minutes, kind, sub, flags, rc->min_count, rc->window_days, rc->distinct);
  }
  return finish(x, &o);
}

int gc_obsx_write_day(gc_obsx *x, const gc_day_view *v) {
  char name[64], line[160];
  outfile o;
  snprintf(name, sizeof name, "observations-%03d.csv", v->day);
  if (start(x, &o, name)) return -1;
  fputs("day,kind,person,place,sub,flags,time,other,value,lists\n", o.f);
  const uint16_t *lists = v->pop->st.lists;
  for (size_t i = 0; i < v->nobs; i++) {
    const gc_obs *ob = &v->obs[i];
    char *p = line;
    p = put_i(p, v->day); *p++ = ',';
    p = put_u(p, ob->kind); *p++ = ',';
    p = put_u(p, ob->person); *p++ = ',';
    p = put_u(p, ob->where); *p++ = ',';
    p = put_u(p, ob->sub); *p++ = ',';
    p = put_u(p, ob->flags); *p++ = ',';
    p = put_u(p, ob->time); *p++ = ',';
    if (ob->other != GC_NONE) p = put_u(p, ob->other);     /* empty: none (NULL) */
    *p++ = ',';
    if (ob->value == 0.0f) *p++ = '0';
    else p += snprintf(p, 24, "%.9g", (double)ob->value);
    *p++ = ',';
    p = put_u(p, ob->person < v->pop->n ? lists[ob->person] : 0);
    *p++ = '\n';
    fwrite(line, 1, (size_t)(p - line), o.f);
  }
  if (finish(x, &o)) return -1;
  snprintf(name, sizeof name, "alerts-%03d.csv", v->day);
  if (start(x, &o, name)) return -1;
  fputs("day,rule,person,count\n", o.f);
  for (size_t i = 0; i < v->nalerts; i++)
    fprintf(o.f, "%d,%u,%u,%u\n", v->day, v->alerts[i].rule, v->alerts[i].person, v->alerts[i].count);
  return finish(x, &o);
}

static int sink_after(void *ctx, const gc_day_view *v) { return gc_obsx_write_day(ctx, v); }

gc_obsx *gc_obsx_open(const char *dir, const gc_run *r, char *err, size_t errlen) {
  gc_obsx *x = calloc(1, sizeof *x);
  if (!x || !(x->dir = malloc(strlen(dir) + 1))) {
    snprintf(err, errlen, "out of memory");
    gc_obsx_free(x);
    return NULL;
  }
  strcpy(x->dir, dir);
  if (make_dirs(dir)) {
    snprintf(err, errlen, "cannot create folder %s: %s", dir, strerror(errno));
    gc_obsx_free(x);
    return NULL;
  }
  if (write_places(x, gc_run_world(r)) || write_rules(x, gc_run_config(r))) {
    snprintf(err, errlen, "%s", x->err);
    gc_obsx_free(x);
    return NULL;
  }
  return x;
}

void gc_obsx_attach(gc_obsx *x, gc_run *r) {
  gc_day_sink s = {NULL, sink_after, x};
  gc_run_set_sink(r, &s);
}

const char *gc_obsx_error(const gc_obsx *x) { return x->err; }

void gc_obsx_free(gc_obsx *x) {
  if (!x) return;
  free(x->dir);
  free(x);
}
