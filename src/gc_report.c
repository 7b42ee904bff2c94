/*
** gc_report.c — report.html from results.db (see gc_report.h).
**
** The page is a sequence of sections, each a function that queries the
** database and writes HTML.  Every definition comes from
** docs/results-schema.md and docs/methodology.md (precision, recall, the
** four-fifths ratios, FPR and FDR of the group_disparity view, innocence
** judged against unlawful claimed conditions); the two figures computed
** here follow the CLI summary and tools/scenario_doc.py: innocent actions
** per true detection (actions on people without an unlawful claimed
** condition, per finding of a rule whose claims are unlawful) and the most
** disproportionate group (largest flag ratio above 1 among groups of 100+
** people with 10+ flagged, outside the traits the rule selects by).
**
** A query that fails (a table missing from an older results file) marks the
** report as failed; the optional tables (scenario, explain_sample, trace)
** are looked up in sqlite_master first and the section says when they are
** absent.  Numbers are printed with fixed rounding per format so that the
** browser test can parse them back.
*/
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "gc_html.h"
#include "gc_report.h"

/* How a number is shown: the test reads data-fmt to parse the text back. */
enum { F_TEXT, F_INT, F_PCT, F_RATIO, F_RATE, F_DEC2 };
static const char *const fmt_names[] = {"text", "int", "pct", "ratio", "rate", "dec2"};

#define FEW_FLAGGED 10     /* methodology: ratios of smaller counts are noise */
#define TRACE_ROWS 300     /* rows of one explained person's timeline */

typedef struct rep {
  FILE *f;
  sqlite3 *db;
  char *err;
  size_t errlen;
  int failed;              /* a query failed: the report is not written */
} rep;

static sqlite3_stmt *prep(rep *r, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
    if (!r->failed) snprintf(r->err, r->errlen, "results database: %s", sqlite3_errmsg(r->db));
    r->failed = 1;
    return NULL;
  }
  return st;
}

static void done(rep *r, sqlite3_stmt *st, int rc) {
  if (rc != SQLITE_DONE && rc != SQLITE_ROW && !r->failed) {
    snprintf(r->err, r->errlen, "results database: %s", sqlite3_errmsg(r->db));
    r->failed = 1;
  }
  sqlite3_finalize(st);
}

/* The first column of the first row of sql (with up to two text
** parameters) into *out.  Returns 1 for a number, 0 for NULL or no row. */
static int scalar(rep *r, double *out, const char *sql, const char *a, const char *b) {
  sqlite3_stmt *st = prep(r, sql);
  *out = 0;
  if (!st) return 0;
  if (a) sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
  if (b) sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st), ok = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
  if (ok) *out = sqlite3_column_double(st, 0);
  done(r, st, rc);
  return ok;
}

static int has_table(rep *r, const char *name) {
  double n;
  scalar(r, &n, "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", name, NULL);
  return n > 0;
}

static void out(rep *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(r->f, fmt, ap);
  va_end(ap);
}

static void text(rep *r, const char *s) { gc_html_text(r->f, s); }

/* v as text with thousands separators and `digits` decimals. */
static void grouped(char *buf, size_t len, double v, int digits) {
  char raw[64];
  snprintf(raw, sizeof raw, "%.*f", digits, fabs(v) < 5e15 ? fabs(v) : 5e15);
  const char *dot = strchr(raw, '.');
  size_t ni = dot ? (size_t)(dot - raw) : strlen(raw), k = 0;
  int neg = v < 0 && strspn(raw, "0.") != strlen(raw);
  if (neg && k + 1 < len) buf[k++] = '-';
  for (size_t i = 0; i < ni && k + 2 < len; i++) {
    if (i && (ni - i) % 3 == 0) buf[k++] = ',';
    buf[k++] = raw[i];
  }
  snprintf(buf + k, len - k, "%s", dot ? dot : "");
}

static void format(char *buf, size_t len, double v, int fmt) {
  switch (fmt) {
  case F_INT: grouped(buf, len, v, 0); break;
  case F_PCT: grouped(buf, len - 1, 100 * v, 1); strcat(buf, "%"); break;
  case F_RATIO: case F_RATE: case F_DEC2: grouped(buf, len, v, 2); break;
  default: snprintf(buf, len, "%g", v);
  }
}

/* A displayed number: <tag class=num data-key data-value data-fmt>text</tag>.
** `isnull`: the database holds NULL (shown as "–", or as `nulltext`). */
static void number_ex(rep *r, const char *tag, const char *cls, const char *key, int isnull, double v, int fmt,
                      const char *nulltext) {
  char shown[80];
  out(r, "<%s class=\"num%s%s\" data-key=\"", tag, cls ? " " : "", cls ? cls : "");
  text(r, key);
  out(r, "\" data-fmt=\"%s\" data-value=\"", fmt_names[fmt]);
  if (!isnull) {
    if (v == floor(v) && fabs(v) < 9007199254740992.0) out(r, "%.0f", v);
    else out(r, "%.17g", v);
  }
  out(r, "\">");
  if (isnull) text(r, nulltext ? nulltext : "–");
  else {
    format(shown, sizeof shown, v, fmt);
    text(r, shown);
  }
  out(r, "</%s>", tag);
}

static void number(rep *r, const char *tag, const char *key, int isnull, double v, int fmt) {
  number_ex(r, tag, NULL, key, isnull, v, fmt, NULL);
}

/* ---------------------------------------------------------------- tables */

typedef struct column {
  const char *head;        /* header text; NULL for a key column */
  int fmt;
  const char *title;       /* header tooltip: the definition, or NULL */
} column;

/* The rows of sql as a table.  The query's first nkey columns form the row's
** key (joined by '.' after `prefix`) and are not shown unless listed in
** cols; then one column per entry of cols: F_TEXT ones are escaped text,
** numeric ones numbers keyed PREFIX.KEY.COLUMN_NAME.  A result column named
** _few (not shown) marks the row as a small group; _out (not shown, 1/0)
** marks the row's ratios as outside the four-fifths band.  Returns rows. */
static int table(rep *r, const char *prefix, const char *sql, const char *bind, int nkey, const column *cols,
                 int ncols) {
  sqlite3_stmt *st = prep(r, sql);
  if (!st) return 0;
  if (bind) sqlite3_bind_text(st, 1, bind, -1, SQLITE_TRANSIENT);
  int nc = sqlite3_column_count(st), few_col = -1, rows = 0, rc;
  for (int c = 0; c < nc; c++)
    if (!strcmp(sqlite3_column_name(st, c), "_few")) few_col = c;
  out(r, "<div class=\"scroll\"><table>\n<thead><tr>");
  for (int i = 0; i < ncols; i++) {
    out(r, "<th%s", cols[i].fmt == F_TEXT ? " class=\"text\"" : "");
    if (cols[i].title) { out(r, " title=\""); text(r, cols[i].title); out(r, "\""); }
    out(r, ">");
    text(r, cols[i].head);
    out(r, "</th>");
  }
  out(r, "</tr></thead>\n<tbody>\n");
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    char key[512];
    int k = snprintf(key, sizeof key, "%s", prefix);
    for (int c = 0; c < nkey && k < (int)sizeof key; c++)
      k += snprintf(key + k, sizeof key - k, ".%s", (const char *)sqlite3_column_text(st, c));
    int few = few_col >= 0 && sqlite3_column_int(st, few_col);
    out(r, "<tr%s>", few ? " class=\"few\"" : "");
    int shown = 0;
    for (int c = nkey; c < nc && shown < ncols; c++) {
      const char *name = sqlite3_column_name(st, c);
      if (name[0] == '_') continue;
      const column *col = &cols[shown++];
      if (col->fmt == F_TEXT) {
        const char *t = (const char *)sqlite3_column_text(st, c);
        out(r, "<td class=\"text\">");
        text(r, t ? t : "");
        if (few && shown == 1) out(r, " <span class=\"few-mark\" title=\"fewer than %d people flagged: "
                                      "ratios are noise\">(few)</span>", FEW_FLAGGED);
        out(r, "</td>");
      } else {
        char fk[600];
        snprintf(fk, sizeof fk, "%s.%s", key, name);
        int isnull = sqlite3_column_type(st, c) == SQLITE_NULL;
        double v = sqlite3_column_double(st, c);
        const char *cls = NULL;
        if (col->fmt == F_RATIO && !isnull && !few && (v > 1.25 || v < 0.8)) cls = v > 1.25 ? "over" : "under";
        number_ex(r, "td", cls, fk, isnull, v, col->fmt, NULL);
      }
    }
    out(r, "</tr>\n");
    rows++;
  }
  out(r, "</tbody></table></div>\n");
  done(r, st, rc);
  return rows;
}

static void data_block(rep *r, const char *id, const char *sql) {
  if (r->failed) return;
  gc_html_data(r->f, id);
  char qerr[256];
  if (gc_json_query(r->f, r->db, sql, qerr, sizeof qerr)) {
    snprintf(r->err, r->errlen, "results database: %s", qerr);
    r->failed = 1;
  }
  out(r, "</script>\n");
}

/* A chart placeholder that report.js fills; `what` says in one sentence what it shows. */
static void chart(rep *r, const char *id, const char *what) {
  out(r, "<figure class=\"chart-box\"><div class=\"chart\" id=\"%s\"></div><figcaption>", id);
  text(r, what);
  out(r, "</figcaption></figure>\n");
}

static void explain(rep *r, const char *s) {
  out(r, "<p class=\"explain\">");
  text(r, s);
  out(r, "</p>\n");
}

/* ---------------------------------------------------------------- header */

static void info(rep *r, const char *key, char *buf, size_t len) {
  sqlite3_stmt *st = prep(r, "SELECT value FROM run_info WHERE key = ?");
  snprintf(buf, len, "?");
  if (!st) return;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) snprintf(buf, len, "%s", sqlite3_column_text(st, 0));
  done(r, st, rc);
}

static void header(rep *r) {
  char name[128], scen[600], version[64], seed[64], days[32], pop[32], hash[32], twin[600];
  info(r, "scenario_name", name, sizeof name);
  info(r, "scenario", scen, sizeof scen);
  info(r, "version", version, sizeof version);
  info(r, "seed", seed, sizeof seed);
  info(r, "days", days, sizeof days);
  info(r, "population", pop, sizeof pop);
  info(r, "scenario_hash", hash, sizeof hash);
  info(r, "twin", twin, sizeof twin);
  out(r, "<header><p class=\"kicker\">glasscage audit report &middot; synthetic people only</p>\n<h1>");
  text(r, name);
  out(r, "</h1>\n<p class=\"run\">Scenario <code>");
  text(r, scen);
  out(r, "</code>: ");
  number(r, "span", "run.population", 0, atof(pop), F_INT);
  out(r, " synthetic people over ");
  number(r, "span", "run.days", 0, atof(days), F_INT);
  out(r, " days, seed ");
  text(r, seed);
  out(r, ", glasscage ");
  text(r, version);
  out(r, ", scenario hash ");
  text(r, hash);
  if (strcmp(twin, "none")) {
    out(r, ", twin <code>");
    text(r, twin);
    out(r, "</code>");
  }
  out(r, ".</p>\n");
  explain(r, "Everyone in this report is synthetic: glasscage built a city whose hidden truth it knows, ran a "
             "surveillance platform's rules over it and counted what they did. Nothing here concerns a real "
             "person. One run is one random draw: rerun with other seeds (--seed N) before quoting a small count.");
  out(r, "<noscript><p class=\"warn\">Charts need JavaScript; every number is also in the tables.</p></noscript>\n"
         "<nav class=\"toc\"><a href=\"#headline\">Headline</a><a href=\"#rules\">Rules</a>"
         "<a href=\"#groups\">Groups</a><a href=\"#lists\">Lists</a><a href=\"#evasion\">Evasion</a>"
         "<a href=\"#redlist\">Red list</a><a href=\"#twin\">Twin</a><a href=\"#scenario\">Scenario</a>"
         "<a href=\"#explained\">Explained people</a><a href=\"#definitions\">Definitions</a></nav>\n</header>\n");
}

/* -------------------------------------------------------------- headline */

/* Innocent actions and true detections of a rule ("*": all), as scenario_doc.py. */
static void per_detection(rep *r, const char *rule, double *innocent, double *found, int *lawful) {
  const char *sql_all =
    "SELECT SUM(d.innocent_actions + d.carried_innocent_actions),"
    " SUM(CASE WHEN r.lawful_claim = 0 THEN d.findings ELSE 0 END) FROM rule_daily d JOIN rules r USING(rule)";
  const char *sql_one =
    "SELECT SUM(d.innocent_actions + d.carried_innocent_actions),"
    " SUM(CASE WHEN r.lawful_claim = 0 THEN d.findings ELSE 0 END) FROM rule_daily d JOIN rules r USING(rule)"
    " WHERE rule = ?";
  int all = !strcmp(rule, "*");
  sqlite3_stmt *st = prep(r, all ? sql_all : sql_one);
  *innocent = *found = 0;
  *lawful = 0;
  if (!st) return;
  if (!all) sqlite3_bind_text(st, 1, rule, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *innocent = sqlite3_column_double(st, 0);
    *found = sqlite3_column_double(st, 1);
  }
  done(r, st, rc);
  double n;
  if (all) scalar(r, &n, "SELECT count(*) > 0 AND min(lawful_claim) = 1 FROM rules", NULL, NULL);
  else scalar(r, &n, "SELECT lawful_claim FROM rules WHERE rule = ?", rule, NULL);
  *lawful = n > 0;
}

static void per_detection_cell(rep *r, const char *tag, const char *key, const char *rule) {
  double inn, found;
  int lawful;
  per_detection(r, rule, &inn, &found, &lawful);
  char buf[96];
  if (lawful) number_ex(r, tag, NULL, key, 1, 0, F_DEC2, "every action is a harm (lawful claim)");
  else if (found > 0) number(r, tag, key, 0, inn / found, F_DEC2);
  else {
    snprintf(buf, sizeof buf, "%.0f innocent actions, no true detection", inn);
    number_ex(r, tag, NULL, key, 1, 0, F_DEC2, inn > 0 ? buf : "–");
  }
}

static void figure(rep *r, const char *key, int isnull, double v, int fmt, const char *label) {
  out(r, "<div class=\"figure\"><div class=\"value\">");
  number(r, "span", key, isnull, v, fmt);
  out(r, "</div><div class=\"label\">");
  text(r, label);
  out(r, "</div></div>\n");
}

static void headline(rep *r) {
  double v[8] = {0}, alerts;      /* the columns below, in order */
  sqlite3_stmt *st = prep(r, "SELECT population, with_claim, flagged, flagged_with_claim, actioned,"
                             " innocent_actioned, detained, innocent_detained FROM group_audit"
                             " WHERE rule = '*' AND trait = 'all'");
  if (st) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
      for (int i = 0; i < 8; i++) v[i] = sqlite3_column_double(st, i);
    done(r, st, rc);
  }
  scalar(r, &alerts, "SELECT SUM(alerts) FROM rule_daily", NULL, NULL);
  out(r, "<section id=\"headline\"><h2>Headline</h2>\n<p class=\"lede\">The rules flagged ");
  number(r, "strong", "headline.flagged", 0, v[2], F_INT);
  out(r, " people. Only ");
  number(r, "strong", "headline.flagged_with_claim", 0, v[3], F_INT);
  out(r, " of them had done what a rule claims to detect; ");
  number(r, "strong", "headline.flagged_without_claim", 0, v[2] - v[3], F_INT);
  out(r, " had not. In the whole synthetic city ");
  number(r, "strong", "headline.with_claim", 0, v[1], F_INT);
  out(r, " people had such a condition.</p>\n<div class=\"headline\">\n");
  figure(r, "headline.alerts", 0, alerts, F_INT, "alerts: times a rule fired (one person can set one off many times)");
  figure(r, "headline.flagged", 0, v[2], F_INT, "people flagged by at least one rule");
  figure(r, "headline.precision", v[2] == 0, v[2] ? v[3] / v[2] : 0, F_PCT,
         "precision: share of flagged people who really had a condition a rule claims to detect");
  figure(r, "headline.innocent_actioned", 0, v[5], F_INT,
         "innocent people police acted on: no unlawful condition the rules claim");
  out(r, "<div class=\"figure\"><div class=\"value\">");
  per_detection_cell(r, "span", "headline.innocent_per_detection", "*");
  out(r, "</div><div class=\"label\">innocent actions per true detection: police actions on people without an "
         "unlawful claimed condition, for each action that found one the person really had</div></div>\n");
  figure(r, "headline.detained", 0, v[6], F_INT, "people detained (any reason)");
  figure(r, "headline.innocent_detained", 0, v[7], F_INT, "of them with no unlawful hidden condition at all");
  out(r, "</div>\n");
  explain(r, "What is true: the simulation knows every person's hidden condition. What the platform believed: "
             "an alert. The gap between the two is the platform's error, and every innocent person acted on "
             "is a harm it caused. Conditions a rule claims include lawful ones (a planned petition trip); "
             "acting on those is always counted as innocent.");
  chart(r, "c-flagged", "Per rule: people flagged who had done what the rule claims (dark) and who had not (light).");
  out(r, "</section>\n");
}

/* ----------------------------------------------------------------- rules */

/* Whether the comma-separated list contains name. */
static int in_list(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; p && *p;) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && !strncmp(p, name, n)) return 1;
    p = e ? e + 1 : NULL;
  }
  return 0;
}

/* The CLI summary's "most disproportionate group". */
static void worst_group(rep *r, const char *rule, const char *key) {
  char selects[1024] = "";
  sqlite3_stmt *st = prep(r, "SELECT group_concat(selects_by) FROM rules WHERE rule = ? OR ? = '*'");
  if (!st) return;
  sqlite3_bind_text(st, 1, rule, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, rule, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
    snprintf(selects, sizeof selects, "%s", sqlite3_column_text(st, 0));
  done(r, st, rc);
  st = prep(r, "SELECT trait, value, flag_ratio FROM group_disparity WHERE rule = ? AND trait != 'all'"
               " AND value != reference AND population >= 100 AND flagged >= 10 AND flag_ratio > 1"
               " ORDER BY flag_ratio DESC");
  if (!st) return;
  sqlite3_bind_text(st, 1, rule, -1, SQLITE_TRANSIENT);
  int found = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    if (in_list(selects, t)) continue;
    out(r, "<td class=\"text\">");
    text(r, t);
    out(r, "=");
    text(r, (const char *)sqlite3_column_text(st, 1));
    out(r, " &times;");
    double ratio = sqlite3_column_double(st, 2);
    number(r, "span", key, 0, ratio, F_RATIO);
    if (ratio < 1.25) out(r, " <span class=\"muted\">(below 1.25: no marked disparity)</span>");
    out(r, "</td>");
    found = 1;
    break;
  }
  if (!found) number_ex(r, "td", NULL, key, 1, 0, F_RATIO, "–");
  done(r, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static void rules_section(rep *r) {
  static const column what[] = {
    {"rule", F_TEXT, NULL}, {"kind", F_TEXT, NULL}, {"source", F_TEXT, "the public source the rule recreates"},
    {"claims to detect", F_TEXT, "hidden conditions the rule is meant to find"}, {"action", F_TEXT, NULL}};
  static const column did[] = {
    {"rule", F_TEXT, NULL},
    {"alerts", F_INT, "times the rule fired"}, {"people flagged", F_INT, "distinct people, whole run"},
    {"flagged with claim", F_INT, "flagged people who had a claimed condition"},
    {"precision", F_PCT, "flagged with claim / people flagged"},
    {"people with claim", F_INT, "everyone in the city with a claimed condition"},
    {"recall", F_PCT, "flagged with claim / people with claim"},
    {"people actioned", F_INT, NULL},
    {"innocent actioned", F_INT, "actioned without an unlawful claimed condition"},
    {"innocent detention days", F_INT, NULL}};
  out(r, "<section id=\"rules\"><h2>Rules</h2>\n");
  explain(r, "Each rule is a tripwire the platform runs over its records. Precision is the share of the people a "
             "rule flagged who really had the hidden condition it claims to detect; recall is the share of all "
             "people with that condition whom it flagged. The rule never sees the truth; only this audit does.");
  out(r, "<h3>What each rule claims</h3>\n");
  table(r, "rule",
        "SELECT s.rule, s.rule, r.kind, r.source,"
        " s.claims || CASE WHEN s.lawful_claim THEN ' (lawful)' ELSE '' END, r.action"
        " FROM rule_summary s JOIN rules r USING(rule) ORDER BY r.position",
        NULL, 1, what, (int)(sizeof what / sizeof *what));
  out(r, "<h3>What each rule did</h3>\n");
  table(r, "rule",
        "SELECT s.rule, s.rule,"
        " s.alerts, s.people_flagged, s.flagged_with_claim, s.precision, s.population_with_claim, s.recall,"
        " s.people_actioned, s.innocent_people_actioned, s.innocent_detention_days"
        " FROM rule_summary s JOIN rules r USING(rule) ORDER BY r.position",
        NULL, 1, did, (int)(sizeof did / sizeof *did));
  out(r, "<h3>Harm per true detection and the most burdened group</h3>\n");
  explain(r, "Innocent actions per true detection: how many people without an unlawful claimed condition police "
             "acted on for each action that found something real. A rule that claims a lawful condition (a "
             "petition) never detects anything: every action it causes is a harm. The last column is the group "
             "flagged most often relative to its reference group (groups of 100+ people with 10+ flagged), "
             "leaving out the traits the rule selects people by, which it burdens by design.");
  out(r, "<div class=\"scroll\"><table><thead><tr><th class=\"text\">rule</th><th>innocent actions per true "
         "detection</th><th class=\"text\">most disproportionate group (flag rate vs reference)</th></tr></thead>"
         "<tbody>\n");
  sqlite3_stmt *st = prep(r, "SELECT rule FROM (SELECT rule, position FROM rules UNION ALL SELECT '*', 1e9) ORDER BY position");
  if (st) {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      char rule[128], key[200];
      snprintf(rule, sizeof rule, "%s", sqlite3_column_text(st, 0));
      out(r, "<tr><td class=\"text\">");
      text(r, strcmp(rule, "*") ? rule : "all rules");
      out(r, "</td>");
      snprintf(key, sizeof key, "rule.%s.innocent_per_detection", rule);
      per_detection_cell(r, "td", key, rule);
      snprintf(key, sizeof key, "rule.%s.worst_ratio", rule);
      worst_group(r, rule, key);
      out(r, "</tr>\n");
    }
    done(r, st, rc);
  }
  out(r, "</tbody></table></div>\n<details><summary>What each rule does</summary><dl>\n");
  st = prep(r, "SELECT rule, description, then_list, selects_by FROM rules ORDER BY position");
  if (st) {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      out(r, "<dt><code>");
      text(r, (const char *)sqlite3_column_text(st, 0));
      out(r, "</code></dt><dd>");
      text(r, (const char *)sqlite3_column_text(st, 1));
      if (sqlite3_column_text(st, 2)) {
        out(r, " People acted on are added to the list <code>");
        text(r, (const char *)sqlite3_column_text(st, 2));
        out(r, "</code>.");
      }
      const char *by = (const char *)sqlite3_column_text(st, 3);
      if (by && *by) {
        out(r, " Selects people by: ");
        text(r, by);
        out(r, ".");
      }
      out(r, "</dd>\n");
    }
    done(r, st, rc);
  }
  out(r, "</dl></details>\n<div class=\"charts\">\n");
  chart(r, "c-alerts", "Alerts per day, one line per rule: click a rule in the legend to pick it out.");
  chart(r, "c-precision", "Precision and recall per rule: how often a flag was right, and how many of the people "
                          "with the condition were found.");
  chart(r, "c-actions", "What police did on each rule's alerts, by action (follow-ups such as a detention after a "
                        "positive test count once more).");
  out(r, "</div>\n");
  chart(r, "c-rule-daily", "One rule, day by day (choose it above the chart): people flagged, those of them with "
                           "the claimed condition, police actions and innocent people acted on.");
  out(r, "</section>\n");
}

/* ---------------------------------------------------------------- groups */

static const column group_cols[] = {
  {"trait", F_TEXT, NULL}, {"group", F_TEXT, NULL}, {"people", F_INT, NULL}, {"flagged", F_INT, NULL},
  {"flagged per 1,000", F_RATE, NULL},
  {"flag ratio", F_RATIO, "flag rate / reference group's flag rate"},
  {"actioned", F_INT, NULL}, {"actioned per 1,000", F_RATE, NULL},
  {"action ratio", F_RATIO, "action rate / reference group's action rate"},
  {"FPR", F_PCT, "false positive rate: flagged without the claim / people without the claim"},
  {"FDR", F_PCT, "false discovery rate: flagged without the claim / flagged"}};

static const char *const group_sql =
  "SELECT g.rule, g.trait, g.value, g.trait,"
  " g.value || CASE WHEN g.value = g.reference AND g.trait != 'all' THEN ' (reference)' ELSE '' END,"
  " g.population, g.flagged, g.flag_rate_per_1000, g.flag_ratio, g.actioned, g.action_rate_per_1000,"
  " g.action_ratio, g.false_positive_rate, g.false_discovery_rate, g.flagged < 10 AS _few"
  " FROM group_disparity g LEFT JOIN traits t ON t.trait = g.trait AND t.value = g.value"
  " WHERE g.rule = ? ORDER BY g.trait = 'all' DESC, g.trait, t.position";

static void groups_section(rep *r) {
  out(r, "<section id=\"groups\"><h2>Groups</h2>\n");
  explain(r, "Flag and action rates per 1,000 people of each group, and their ratio to the trait's reference "
             "group. The four-fifths rule of US employment law reads a selection rate below 0.8 of the "
             "reference's as disparate impact; for a burden such as being flagged, a ratio above 1.25 is its "
             "mirror image. Ratios outside 0.8–1.25 are shaded. Groups with fewer than 10 people flagged are "
             "shown but marked (few): their ratios are noise.");
  explain(r, "Error parity: the false positive rate (FPR) is the share of a group's people without a claimed "
             "condition whom the rule flagged anyway; the false discovery rate (FDR) is the share of the group's "
             "flagged people who had no claimed condition. Unequal rates mean one group pays more for the "
             "platform's mistakes.");
  out(r, "<div class=\"charts\">\n");
  chart(r, "c-ratios", "Flag and action rate of each group as a multiple of its reference group's, for the rule "
                       "chosen above the chart; dashed lines at 0.8 and 1.25 (four-fifths rule), solid at 1. "
                       "Hollow points: fewer than 10 flagged. A group nobody was flagged in has a ratio of 0, "
                       "which a log scale cannot show: it is in the tables below.");
  chart(r, "c-parity", "False positive and false discovery rates per group, for the chosen rule.");
  out(r, "</div>\n<h3>All rules together</h3>\n");
  table(r, "group", group_sql, "*", 3, group_cols, (int)(sizeof group_cols / sizeof *group_cols));
  sqlite3_stmt *st = prep(r, "SELECT rule FROM rules ORDER BY position");
  if (st) {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      char rule[128];
      snprintf(rule, sizeof rule, "%s", sqlite3_column_text(st, 0));
      out(r, "<details><summary>Rule <code>");
      text(r, rule);
      out(r, "</code></summary>\n");
      table(r, "group", group_sql, rule, 3, group_cols, (int)(sizeof group_cols / sizeof *group_cols));
      out(r, "</details>\n");
    }
    done(r, st, rc);
  }
  static const column harm_cols[] = {
    {"trait", F_TEXT, NULL}, {"group", F_TEXT, NULL}, {"people", F_INT, NULL},
    {"actioned", F_INT, "distinct people police acted on, any origin"}, {"per 1,000", F_RATE, NULL},
    {"ratio", F_RATIO, "actioned rate / reference group's"},
    {"innocent actioned", F_INT, "actioned with no unlawful hidden condition"},
    {"detention days", F_INT, NULL}, {"home visits per person", F_DEC2, NULL},
    {"home visit ratio", F_RATIO, NULL}, {"evaders", F_INT, "people who paid any evasion cost"},
    {"evasion yuan", F_INT, NULL}};
  out(r, "<h3>Who carries the harms, whatever prompted them</h3>\n");
  explain(r, "Every police action counts here, not only those on alerts: carried-over tasks, quota visits to "
             "listed people and patrol stops too, plus home visits (the human sensor whose frequency follows a "
             "household's trust level) and what people paid to evade the platform.");
  table(r, "harm",
        "SELECT h.trait, h.value, h.trait,"
        " h.value || CASE WHEN h.value = d.reference AND h.trait != 'all' THEN ' (reference)' ELSE '' END,"
        " h.population, h.people_actioned, d.actioned_per_1000, d.actioned_ratio, h.innocent_people_actioned,"
        " h.detention_days, d.home_visits_per_person, d.home_visit_ratio, h.evaders, h.evasion_yuan,"
        " h.people_actioned < 10 AS _few"
        " FROM group_harms h LEFT JOIN harm_disparity d ON d.trait = h.trait AND d.value = h.value"
        " LEFT JOIN traits t ON t.trait = h.trait AND t.value = h.value"
        " ORDER BY h.trait = 'all' DESC, h.trait, t.position",
        NULL, 2, harm_cols, (int)(sizeof harm_cols / sizeof *harm_cols));
  out(r, "</section>\n");
}

/* ----------------------------------------------------------------- lists */

static void lists_section(rep *r) {
  static const column cols[] = {
    {"list", F_TEXT, NULL}, {"red list (exempt)", F_TEXT, NULL}, {"first day", F_INT, "size at the end of day 0"},
    {"last day", F_INT, "size at the end of the run"}, {"growth", F_INT, NULL}};
  out(r, "<section id=\"lists\"><h2>Key-person lists</h2>\n");
  explain(r, "Lists are who the platform watches. Rules that put the people police acted on onto a list make "
             "it grow by feedback: being watched produces the alerts that justify watching. The second chart "
             "shows whom a list grows with.");
  double n;
  scalar(r, &n, "SELECT count(*) FROM lists", NULL, NULL);
  if (n == 0) {
    out(r, "<p>This scenario keeps no lists.</p></section>\n");
    return;
  }
  table(r, "list",
        "SELECT l.list, l.list, CASE WHEN l.exempt THEN 'yes' ELSE 'no' END,"
        " (SELECT size FROM list_daily WHERE list = l.list ORDER BY day LIMIT 1) AS first,"
        " (SELECT size FROM list_daily WHERE list = l.list ORDER BY day DESC LIMIT 1) AS last,"
        " (SELECT size FROM list_daily WHERE list = l.list ORDER BY day DESC LIMIT 1) -"
        " (SELECT size FROM list_daily WHERE list = l.list ORDER BY day LIMIT 1) AS growth"
        " FROM lists l ORDER BY l.rowid",
        NULL, 1, cols, (int)(sizeof cols / sizeof *cols));
  out(r, "<div class=\"charts\">\n");
  chart(r, "c-lists", "Size of every list at the end of each day.");
  chart(r, "c-list-groups", "Members of the chosen list by group of the chosen trait, day by day.");
  out(r, "</div>\n");
  static const column gcols[] = {
    {"list", F_TEXT, NULL}, {"trait", F_TEXT, NULL}, {"group", F_TEXT, NULL},
    {"members", F_INT, "members at the end of the run"}, {"share of list", F_PCT, NULL},
    {"share of population", F_PCT, NULL}};
  out(r, "<details><summary>Members by group at the end of the run</summary>\n");
  explain(r, "A group whose share of a list is far above its share of the population is over-represented on it.");
  table(r, "listgroup",
        "SELECT m.list, m.trait, m.value, m.list, m.trait, m.value, m.members,"
        " CAST(m.members AS REAL) / NULLIF(s.size, 0) AS share_of_list,"
        " CAST(h.population AS REAL) / NULLIF(a.population, 0) AS share_of_population"
        " FROM list_group_daily m"
        " JOIN list_daily s ON s.list = m.list AND s.day = m.day"
        " LEFT JOIN group_harms h ON h.trait = m.trait AND h.value = m.value"
        " LEFT JOIN group_harms a ON a.trait = 'all'"
        " LEFT JOIN traits t ON t.trait = m.trait AND t.value = m.value"
        " JOIN lists l ON l.list = m.list"
        " WHERE m.day = (SELECT MAX(day) FROM list_group_daily)"
        " ORDER BY l.rowid, m.trait, t.position",
        NULL, 3, gcols, (int)(sizeof gcols / sizeof *gcols));
  out(r, "</details>\n</section>\n");
}

/* --------------------------------------------------------------- evasion */

static void evasion_section(rep *r) {
  static const column cols[] = {
    {"evasion", F_TEXT, NULL}, {"uses", F_INT, NULL}, {"yuan", F_INT, NULL}, {"minutes", F_INT, NULL}};
  out(r, "<section id=\"evasion\"><h2>Evasion costs</h2>\n");
  explain(r, "People who know they are watched change how they live: they switch phones off, pay cash, buy decoy "
             "tickets, hire private drivers. Each has a cost in money and time, paid by people whether or not "
             "they had anything to hide; the platform sees less and blames the silence.");
  double uses;
  scalar(r, &uses, "SELECT COALESCE(SUM(uses), 0) FROM evasion", NULL, NULL);
  if (uses == 0) {
    out(r, "<p>No one evaded the platform in this run (the scenario has no <code>reactions.evasion</code>, or "
           "nobody was aware of being watched).</p></section>\n");
    return;
  }
  table(r, "evasion",
        "SELECT kind, kind, uses, yuan, minutes FROM evasion UNION ALL"
        " SELECT 'total', 'total', SUM(uses), SUM(yuan), SUM(minutes) FROM evasion",
        NULL, 1, cols, (int)(sizeof cols / sizeof *cols));
  out(r, "<div class=\"charts\">\n");
  chart(r, "c-evasion", "Money spent on each kind of evasion over the run (yuan).");
  chart(r, "c-evasion-daily", "Acts of evasion per day.");
  out(r, "</div>\n<p>Who pays: the columns <em>evaders</em> and <em>evasion yuan</em> of the harms table "
         "(<a href=\"#groups\">Groups</a>).</p>\n</section>\n");
}

/* --------------------------------------------------------------- red list */

static void redlist_section(rep *r) {
  out(r, "<section id=\"redlist\"><h2>Red-list exemptions</h2>\n");
  explain(r, "A red list names people no rule may look at (officials, in the reporting). Their offences go "
             "undetected by the rules by design: the platform's blindness is chosen, not accidental.");
  double n;
  scalar(r, &n, "SELECT count(*) FROM lists WHERE exempt = 1", NULL, NULL);
  if (n == 0) {
    out(r, "<p>This scenario has no red list.</p></section>\n");
    return;
  }
  double size, off, offx, disc;
  scalar(r, &size, "SELECT SUM(size) FROM list_daily d JOIN lists l USING(list) WHERE l.exempt = 1"
                   " AND d.day = (SELECT MAX(day) FROM list_daily)", NULL, NULL);
  scalar(r, &off, "SELECT SUM(offences) FROM daily", NULL, NULL);
  scalar(r, &offx, "SELECT SUM(offences_by_exempt) FROM daily", NULL, NULL);
  scalar(r, &disc, "SELECT SUM(offences_by_exempt_discovered) FROM behaviour_daily", NULL, NULL);
  out(r, "<div class=\"headline\">\n");
  figure(r, "redlist.members", 0, size, F_INT, "people on the red list at the end of the run");
  figure(r, "redlist.offences", 0, offx, F_INT, "offences they committed (ground truth), which no rule could flag");
  figure(r, "redlist.discovered", 0, disc, F_INT, "of those, discovered anyway by patrols");
  figure(r, "redlist.all_offences", 0, off, F_INT, "offences by everyone, for comparison");
  out(r, "</div>\n");
  chart(r, "c-redlist", "Offences per day, by red-listed people and by everyone else (ground truth).");
  out(r, "</section>\n");
}

/* ------------------------------------------------------------------ twin */

static void twin_section(rep *r) {
  out(r, "<section id=\"twin\"><h2>Twin run: what the intervention changed</h2>\n");
  double n;
  scalar(r, &n, "SELECT count(*) FROM twin_delta", NULL, NULL);
  if (n == 0) {
    out(r, "<p>No twin was run. Rerun with <code>--twin no-response</code> to compare this world with an identical "
           "one where police do not act on alerts.</p></section>\n");
    return;
  }
  char twin[600];
  info(r, "twin", twin, sizeof twin);
  out(r, "<p>The twin (<code>");
  text(r, twin);
  out(r, "</code>) is the same synthetic world on identical random streams, with police response switched off "
         "or another rule set. Until the first police action both worlds are identical; every later difference is "
         "the intervention's doing: offences prevented set against innocent people actioned, petitions "
         "suppressed and money spent evading.</p>\n");
  static const column cols[] = {
    {"metric", F_TEXT, NULL}, {"meaning", F_TEXT, NULL}, {"this run", F_INT, NULL}, {"twin", F_INT, NULL},
    {"difference", F_INT, "this run - twin"}};
  table(r, "twin", "SELECT metric, metric, meaning, base, twin, delta FROM twin_delta ORDER BY position", NULL, 1,
        cols, (int)(sizeof cols / sizeof *cols));
  chart(r, "c-twin", "Change against the twin, in percent of the twin's value (metrics the twin has above 0).");
  out(r, "</section>\n");
}

/* -------------------------------------------------------------- scenario */

/* Whether a YAML line is a `source:` key (a rule's citation). */
static int source_line(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '-')) i++;
  return n - i >= 7 && !strncmp(s + i, "source:", 7);
}

static void scenario_text(rep *r, const char *t) {
  out(r, "<h3>Sources cited (<code>source:</code> lines)</h3>\n<ul class=\"sources\">\n");
  int any = 0;
  for (const char *p = t; *p;) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (source_line(p, n)) {
      const char *v = strstr(p, "source:") + 7;
      char buf[600];
      snprintf(buf, sizeof buf, "%.*s", (int)(n - (size_t)(v - p)), v);
      int dup = 0;        /* listed before? */
      for (const char *q = t; q < p && !dup;) {
        const char *qe = strchr(q, '\n');
        size_t qn = qe ? (size_t)(qe - q) : strlen(q);
        if (source_line(q, qn)) {
          const char *qv = strstr(q, "source:") + 7;
          dup = (size_t)(q + qn - qv) == strlen(buf) && !strncmp(qv, buf, strlen(buf));
        }
        q = qe ? qe + 1 : q + qn;
      }
      if (!dup) {
        out(r, "<li>");
        text(r, buf + strspn(buf, " "));
        out(r, "</li>\n");
        any = 1;
      }
    }
    p = e ? e + 1 : p + n;
  }
  if (!any) out(r, "<li>none: the scenario's rules name no source</li>\n");
  out(r, "</ul>\n<details class=\"yaml\"><summary>The scenario file (YAML; citation lines marked)</summary>\n<pre>");
  for (const char *p = t; *p;) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char *line = malloc(n + 1);
    if (!line) { r->failed = 1; snprintf(r->err, r->errlen, "out of memory"); return; }
    memcpy(line, p, n);
    line[n] = 0;
    int mark = source_line(p, n);
    if (mark) out(r, "<mark>");
    text(r, line);
    if (mark) out(r, "</mark>");
    out(r, "\n");
    free(line);
    p = e ? e + 1 : p + n;
  }
  out(r, "</pre></details>\n");
}

static void scenario_section(rep *r) {
  out(r, "<section id=\"scenario\"><h2>The scenario</h2>\n");
  explain(r, "The scenario is the whole synthetic world and platform: who lives in the city, what they do, what "
             "the sensors record, which rules run and how police respond. Each built-in scenario names the public "
             "reporting it recreates and marks every other number as an assumption.");
  if (!has_table(r, "scenario")) {
    out(r, "<p class=\"absent\">This results file holds no copy of the scenario (it was written by a glasscage "
           "without the <code>scenario</code> table). The rules' sources are in the <a href=\"#rules\">Rules</a> "
           "table; the file itself is named in the header.</p>\n");
  } else {
    sqlite3_stmt *st = prep(r, "SELECT source, text, sets FROM scenario LIMIT 1");
    if (st) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_ROW) {
        const char *src = (const char *)sqlite3_column_text(st, 0);
        const char *t = (const char *)sqlite3_column_text(st, 1);
        const char *sets = (const char *)sqlite3_column_text(st, 2);
        out(r, "<p>Loaded from <code>");
        text(r, src ? src : "?");
        out(r, "</code>");
        if (sets && *sets) {
          out(r, " with overrides <code>");
          text(r, sets);
          out(r, "</code> (not the file as written)");
        }
        out(r, ".</p>\n");
        scenario_text(r, t ? t : "");
      } else {
        out(r, "<p class=\"absent\">The scenario table is empty.</p>\n");
      }
      done(r, st, rc);
    }
  }
  out(r, "<details><summary>Run provenance (run_info)</summary>\n");
  static const column cols[] = {{"key", F_TEXT, NULL}, {"value", F_TEXT, NULL}};
  table(r, "info", "SELECT key, key, value FROM run_info", NULL, 1, cols, 2);
  out(r, "</details>\n</section>\n");
}

/* ------------------------------------------------------- explained people */

static const char *const categories[][2] = {
  {"flagged_innocent", "Flagged without the claimed condition: the platform's false alarms."},
  {"flagged_with_claim", "Flagged and really had the claimed condition (if it is lawful, such as a petition, "
                         "every action on them is still a harm)."},
  {"missed", "Had the claimed condition and were never flagged."}};

static void agent_trace(rep *r, long long agent) {
  sqlite3_stmt *st = prep(r, "SELECT household, traits, truths, lists_at_start FROM trace_agent WHERE agent = ?");
  if (!st) return;
  sqlite3_bind_int64(st, 1, agent);
  int rc = sqlite3_step(st);
  out(r, "<details class=\"agent\"><summary>Person %lld", agent);
  if (rc == SQLITE_ROW) {
    static const char *const what[] = {"household", "traits", "hidden truth", "lists at start"};
    out(r, " &middot; household %lld</summary>\n<ul class=\"agent-facts\">", (long long)sqlite3_column_int64(st, 0));
    for (int c = 1; c < 4; c++) {
      out(r, "<li><b>%s</b>: ", what[c]);
      const char *v = (const char *)sqlite3_column_text(st, c);
      text(r, v && *v ? v : "none");
      out(r, "</li>");
    }
    out(r, "</ul>\n");
  } else {
    out(r, "</summary>\n");
  }
  done(r, st, rc);
  double n;
  char a[32];
  snprintf(a, sizeof a, "%lld", agent);
  scalar(r, &n, "SELECT count(*) FROM trace WHERE agent = CAST(? AS INTEGER)", a, NULL);
  st = prep(r, "SELECT day, minute, layer, what, place, detail FROM trace WHERE agent = ? ORDER BY seq LIMIT ?");
  if (!st) return;
  sqlite3_bind_int64(st, 1, agent);
  sqlite3_bind_int(st, 2, TRACE_ROWS);
  out(r, "<div class=\"scroll\"><table class=\"trace\"><thead><tr><th>day</th><th>time</th><th class=\"text\">layer"
         "</th><th class=\"text\">what</th><th class=\"text\">place</th><th class=\"text\">detail</th></tr></thead>"
         "<tbody>\n");
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int minute = sqlite3_column_int(st, 1);
    const char *layer = (const char *)sqlite3_column_text(st, 2);
    out(r, "<tr class=\"layer-");
    text(r, layer ? layer : "");
    out(r, "\"><td>%d</td><td>", sqlite3_column_int(st, 0));
    if (sqlite3_column_type(st, 1) != SQLITE_NULL) out(r, "%02d:%02d", minute / 60, minute % 60);
    out(r, "</td>");
    for (int c = 2; c < 6; c++) {
      const char *v = (const char *)sqlite3_column_text(st, c);
      out(r, "<td class=\"text\">");
      text(r, v ? v : "");
      out(r, "</td>");
    }
    out(r, "</tr>\n");
  }
  out(r, "</tbody></table></div>\n");
  if (n > TRACE_ROWS) out(r, "<p class=\"note\">First %d of %.0f entries.</p>\n", TRACE_ROWS, n);
  out(r, "</details>\n");
  done(r, st, rc);
}

static void explained_section(rep *r) {
  out(r, "<section id=\"explained\"><h2>Explained people</h2>\n");
  explain(r, "A few synthetic people per rule, chosen at random among those it flagged wrongly, flagged rightly "
             "and missed, with their timelines: what they really did (truth), what the sensors recorded, which "
             "rules fired, what police did, which lists they joined and what evading cost them.");
  if (!has_table(r, "explain_sample") || !has_table(r, "trace_agent") || !has_table(r, "trace")) {
    out(r, "<p class=\"absent\">This results file holds no explained sample (it was written by a glasscage "
           "without the <code>explain_sample</code> and <code>trace</code> tables). "
           "<code>glasscage explain RESULTS --agent ID</code> explains one person where available.</p>\n"
           "</section>\n");
    return;
  }
  sqlite3_stmt *rules = prep(r, "SELECT DISTINCT e.rule FROM explain_sample e LEFT JOIN rules r USING(rule)"
                                " ORDER BY r.position IS NULL, r.position, e.rule");
  if (!rules) return;
  int rc, any = 0;
  while ((rc = sqlite3_step(rules)) == SQLITE_ROW && !r->failed) {
    char rule[128];
    snprintf(rule, sizeof rule, "%s", sqlite3_column_text(rules, 0));
    out(r, "<h3>Rule <code>");
    text(r, rule);
    out(r, "</code></h3>\n");
    any = 1;
    for (size_t c = 0; c < sizeof categories / sizeof *categories; c++) {
      sqlite3_stmt *st = prep(r, "SELECT agent FROM explain_sample WHERE rule = ? AND category = ? ORDER BY agent");
      if (!st) break;
      sqlite3_bind_text(st, 1, rule, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 2, categories[c][0], -1, SQLITE_STATIC);
      int src, n = 0;
      out(r, "<div class=\"category\"><h4>");
      text(r, categories[c][1]);
      out(r, "</h4>\n");
      while ((src = sqlite3_step(st)) == SQLITE_ROW && !r->failed) {
        agent_trace(r, (long long)sqlite3_column_int64(st, 0));
        n++;
      }
      if (!n) out(r, "<p class=\"note\">None in the sample.</p>\n");
      out(r, "</div>\n");
      done(r, st, src);
    }
  }
  if (!any) out(r, "<p class=\"absent\">The explained sample is empty.</p>\n");
  done(r, rules, rc);
  out(r, "</section>\n");
}

/* ------------------------------------------------------------ definitions */

static void definitions(rep *r) {
  out(r, "<section id=\"definitions\"><h2>Definitions</h2>\n<dl class=\"defs\">\n"
         "<dt>alert</dt><dd>one firing of a rule; one person can raise several.</dd>\n"
         "<dt>flagged</dt><dd>a person with at least one alert over the run.</dd>\n"
         "<dt>with claim</dt><dd>the person has a hidden condition the rule claims to detect. The rule never sees "
         "it; only the audit does.</dd>\n"
         "<dt>innocent</dt><dd>acted on without any <em>unlawful</em> condition the rule claims. Acting on a lawful "
         "condition (a planned petition) is always innocent: every intercepted petition is a harm.</dd>\n"
         "<dt>precision</dt><dd>flagged with claim / people flagged.</dd>\n"
         "<dt>recall</dt><dd>flagged with claim / people with the claimed condition.</dd>\n"
         "<dt>flag ratio, action ratio</dt><dd>a group's rate / its trait's reference group's rate; the "
         "four-fifths rule reads below 0.8 or (for a burden) above 1.25 as disparate impact.</dd>\n"
         "<dt>FPR</dt><dd>false positive rate: flagged without the claim / people without the claim.</dd>\n"
         "<dt>FDR</dt><dd>false discovery rate: flagged without the claim / people flagged.</dd>\n"
         "<dt>innocent actions per true detection</dt><dd>actions on people without an unlawful claimed condition, "
         "per action that found a condition the person really had (findings of rules with lawful claims are "
         "not successes).</dd>\n</dl>\n<p class=\"note\">Every table of this report is in <code>results.db</code>; "
         "see docs/results-schema.md and docs/methodology.md in the glasscage sources.</p>\n</section>\n");
}

/* ------------------------------------------------------------ data blocks */

static void data_blocks(rep *r) {
  data_block(r, "d-rules", "SELECT s.rule, s.alerts, s.people_flagged, s.flagged_with_claim, s.precision, s.recall,"
                           " s.lawful_claim, s.people_actioned, s.innocent_people_actioned"
                           " FROM rule_summary s JOIN rules r USING(rule) ORDER BY r.position");
  data_block(r, "d-rule-daily", "SELECT day, rule, alerts, people_flagged, people_with_claim,"
                                " actions + carried_actions AS actions,"
                                " innocent_actions + carried_innocent_actions AS innocent_actions"
                                " FROM rule_daily ORDER BY day, rule");
  data_block(r, "d-actions", "SELECT rule, action, SUM(count) AS count FROM action_daily GROUP BY rule, action"
                             " HAVING SUM(count) > 0 ORDER BY rule, action");
  data_block(r, "d-groups", "SELECT rule, trait, value, reference, population, flagged, flag_rate_per_1000,"
                            " flag_ratio, actioned, action_ratio, false_positive_rate, false_discovery_rate"
                            " FROM group_disparity WHERE trait != 'all'");
  data_block(r, "d-lists", "SELECT d.day, d.list, d.size, l.exempt FROM list_daily d JOIN lists l USING(list)"
                           " ORDER BY d.day, l.rowid");
  data_block(r, "d-list-groups", "SELECT day, list, trait, value, members FROM list_group_daily ORDER BY day");
  data_block(r, "d-evasion", "SELECT kind, uses, yuan, minutes FROM evasion WHERE uses > 0");
  data_block(r, "d-daily", "SELECT d.day, d.offences, d.offences_by_exempt, b.evasions FROM daily d"
                           " LEFT JOIN behaviour_daily b USING(day) ORDER BY d.day");
  data_block(r, "d-twin", "SELECT metric, base, twin, delta FROM twin_delta ORDER BY position");
}

/* ------------------------------------------------------------------ main */

/* Every table and view the report reads unconditionally; twin_delta and the
** scenario and explained-people tables are optional (older or partial runs). */
static int check_db(rep *r, const char *path) {
  static const char *const need_sql =
    "WITH need(name) AS (VALUES ('run_info'), ('rules'), ('rule_daily'), ('action_daily'), ('group_audit'),"
    " ('traits'), ('lists'), ('list_daily'), ('daily'), ('behaviour_daily'), ('evasion'), ('group_harms'),"
    " ('list_group_daily'), ('rule_summary'), ('group_disparity'), ('harm_disparity'))"
    " SELECT count(*), group_concat(name, ', ') FROM need"
    " WHERE name NOT IN (SELECT name FROM sqlite_master WHERE type IN ('table', 'view'))";
  sqlite3_stmt *st = NULL;
  char missing[512] = "";
  int rc = sqlite3_prepare_v2(r->db, need_sql, -1, &st, NULL), n = 0;
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    n = sqlite3_column_int(st, 0);
    if (sqlite3_column_text(st, 1)) snprintf(missing, sizeof missing, "%s", sqlite3_column_text(st, 1));
  }
  if (rc != SQLITE_ROW) {
    snprintf(r->err, r->errlen, "%s: not a results database: %s", path, sqlite3_errmsg(r->db));
    sqlite3_finalize(st);
    return -1;
  }
  sqlite3_finalize(st);
  if (n >= 16) snprintf(r->err, r->errlen, "%s: not a glasscage results database", path);
  else if (n) snprintf(r->err, r->errlen, "%s: an incomplete glasscage results database: missing %s", path, missing);
  return n ? -1 : 0;
}

static void page(rep *r) {
  char name[128], title[200];
  info(r, "scenario_name", name, sizeof name);
  snprintf(title, sizeof title, "glasscage report: %s", name);
  gc_html_begin(r->f, title, NULL);
  header(r);
  headline(r);
  rules_section(r);
  groups_section(r);
  lists_section(r);
  evasion_section(r);
  redlist_section(r);
  twin_section(r);
  scenario_section(r);
  explained_section(r);
  definitions(r);
  data_blocks(r);
  gc_html_end(r->f, "report.js");
}

int gc_report_write(const char *results_db, const char *html_path, char *err, size_t errlen) {
  rep r = {NULL, NULL, err, errlen, 0};
  char tmp[4200];
  int rc = GC_REPORT_BAD_INPUT;
  if (sqlite3_open_v2(results_db, &r.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot open: %s", results_db, r.db ? sqlite3_errmsg(r.db) : "out of memory");
    goto fail;
  }
  if (check_db(&r, results_db)) goto fail;
  rc = GC_REPORT_IO;
  if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", html_path, (long)getpid()) >= (int)sizeof tmp) {
    snprintf(err, errlen, "%s: path too long", html_path);
    goto fail;
  }
  r.f = fopen(tmp, "w");
  if (!r.f) {
    snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
    goto fail;
  }
  page(&r);
  int bad = ferror(r.f);
  int closed = fclose(r.f);
  r.f = NULL;
  if (r.failed) { rc = GC_REPORT_BAD_INPUT; goto fail_tmp; }
  if (bad || closed) { snprintf(err, errlen, "%s: cannot write", tmp); goto fail_tmp; }
  if (rename(tmp, html_path)) {
    snprintf(err, errlen, "%s: cannot rename into place: %s", html_path, strerror(errno));
    goto fail_tmp;
  }
  sqlite3_close_v2(r.db);
  return GC_REPORT_OK;
fail_tmp:
  remove(tmp);
fail:
  if (r.f) fclose(r.f);
  sqlite3_close_v2(r.db);
  return rc;
}
