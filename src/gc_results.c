/*
** gc_results.c — writing results.db.
** Rows are inserted with prepared statements inside one transaction; the
** journal is off for the temporary file (it is renamed only when complete,
** which gives the all-or-nothing property a journal would).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "gc_results.h"
#include "gc_rules.h"
#include "glasscage.h"

static const char *const schema =
  "CREATE TABLE run_info(key TEXT PRIMARY KEY, value TEXT);\n"
  "CREATE TABLE rules(rule TEXT PRIMARY KEY, position INTEGER, kind TEXT, source TEXT, description TEXT,"
  " claims TEXT, lawful_claim INTEGER, priority TEXT, action TEXT, then_list TEXT, selects_by TEXT);\n"
  "CREATE TABLE rule_daily(day INTEGER, rule TEXT, alerts INTEGER, people_flagged INTEGER,"
  " people_with_claim INTEGER, actions INTEGER, innocent_actions INTEGER, unhandled INTEGER,"
  " skipped INTEGER, findings INTEGER, false_findings INTEGER, detentions INTEGER, innocent_detentions INTEGER,"
  " innocent_detention_days INTEGER, carried_actions INTEGER, carried_innocent_actions INTEGER,"
  " PRIMARY KEY(day, rule));\n"
  "CREATE TABLE action_daily(day INTEGER, rule TEXT, action TEXT, count INTEGER, PRIMARY KEY(day, rule, action));\n"
  "CREATE TABLE group_audit(rule TEXT, trait TEXT, value TEXT, population INTEGER, with_claim INTEGER,"
  " flagged INTEGER, flagged_with_claim INTEGER, actioned INTEGER, innocent_actioned INTEGER,"
  " detained INTEGER, innocent_detained INTEGER, PRIMARY KEY(rule, trait, value));\n"
  "CREATE TABLE traits(trait TEXT, value TEXT, position INTEGER, is_reference INTEGER, hidden INTEGER,"
  " PRIMARY KEY(trait, value));\n"
  "CREATE TABLE lists(list TEXT PRIMARY KEY, exempt INTEGER, removal_per_day REAL);\n"
  "CREATE TABLE list_daily(day INTEGER, list TEXT, size INTEGER, PRIMARY KEY(day, list));\n"
  "CREATE TABLE daily(day INTEGER PRIMARY KEY, agents_active INTEGER, agents_detained INTEGER,"
  " detained_end INTEGER, detained_end_innocent INTEGER, events INTEGER, observations INTEGER, id_scans INTEGER,"
  " phone_records INTEGER, purchase_records INTEGER, utility_readings INTEGER, identity_errors INTEGER,"
  " alerts INTEGER, people_flagged INTEGER, actions INTEGER, innocent_actions INTEGER, offences INTEGER,"
  " offences_by_exempt INTEGER, capital_trips INTEGER, petition_trips INTEGER);\n"
  "CREATE TABLE obs_daily(day INTEGER, kind TEXT, observations INTEGER, PRIMARY KEY(day, kind));\n"
  "CREATE TABLE response_daily(day INTEGER PRIMARY KEY, actions_alert INTEGER, actions_carried INTEGER,"
  " actions_quota INTEGER, patrol_stops INTEGER, patrol_discoveries INTEGER, innocent_actions_all INTEGER,"
  " tasks_expired INTEGER, tasks_waiting INTEGER, trips_intercepted INTEGER, petitions_intercepted INTEGER);\n"
  "CREATE TABLE behaviour_daily(day INTEGER PRIMARY KEY, petitions_delivered INTEGER,"
  " petitions_abandoned INTEGER, offences_deterred INTEGER, offences_by_exempt_discovered INTEGER,"
  " compound_entries INTEGER, nights_with_partner INTEGER, trip_companions INTEGER, evasions INTEGER,"
  " evasion_yuan REAL, evasion_minutes REAL);\n"
  "CREATE TABLE trust_daily(day INTEGER, level TEXT, position INTEGER, households INTEGER,"
  " PRIMARY KEY(day, level));\n"
  "CREATE TABLE evasion(kind TEXT PRIMARY KEY, uses INTEGER, yuan REAL, minutes REAL);\n"
  "CREATE TABLE group_harms(trait TEXT, value TEXT, population INTEGER, people_actioned INTEGER,"
  " innocent_people_actioned INTEGER, visits INTEGER, id_checks INTEGER, drug_tests INTEGER,"
  " patrol_stops INTEGER, detention_days INTEGER, innocent_detention_days INTEGER, home_visits INTEGER,"
  " unusual_reports INTEGER, evaders INTEGER,"
  " evasion_yuan REAL, evasion_minutes REAL, aware INTEGER, chilled INTEGER, PRIMARY KEY(trait, value));\n"
  "CREATE TABLE list_group_daily(day INTEGER, list TEXT, trait TEXT, value TEXT, members INTEGER,"
  " PRIMARY KEY(day, list, trait, value));\n"
  "CREATE TABLE patrol_daily(day INTEGER, district INTEGER, patrols INTEGER, weight REAL,"
  " discoveries INTEGER, reported INTEGER, offences INTEGER, PRIMARY KEY(day, district));\n"
  "CREATE TABLE inference(pairs_seen INTEGER, inferred INTEGER, inferred_true INTEGER, true_ties INTEGER,"
  " true_seen INTEGER, list_joins INTEGER);\n"
  "CREATE VIEW inference_summary AS SELECT *, CAST(inferred_true AS REAL) / NULLIF(inferred, 0) AS precision,"
  " CAST(inferred_true AS REAL) / NULLIF(true_ties, 0) AS recall FROM inference;\n"
  "CREATE TABLE scenario(source TEXT, text TEXT, sets TEXT);\n"
  "CREATE TABLE explain_sample(rule TEXT, category TEXT, agent INTEGER, PRIMARY KEY(rule, category, agent));\n"
  "CREATE TABLE trace_agent(agent INTEGER PRIMARY KEY, household INTEGER, traits TEXT, truths TEXT,"
  " lists_at_start TEXT);\n"
  "CREATE TABLE trace(agent INTEGER, seq INTEGER, day INTEGER, minute INTEGER, layer TEXT, what TEXT,"
  " place TEXT, detail TEXT, PRIMARY KEY(agent, seq));\n"
  "CREATE TABLE twin_delta(metric TEXT PRIMARY KEY, position INTEGER, base REAL, twin REAL, delta REAL,"
  " meaning TEXT);\n"
  "CREATE VIEW harm_disparity AS SELECT h.trait, h.value, h.population,"
  " 1000.0 * h.people_actioned / NULLIF(h.population, 0) AS actioned_per_1000,"
  " 1000.0 * h.innocent_people_actioned / NULLIF(h.population, 0) AS innocent_actioned_per_1000,"
  " (CAST(h.people_actioned AS REAL) / NULLIF(h.population, 0)) /"
  "   NULLIF(CAST(ref.people_actioned AS REAL) / NULLIF(ref.population, 0), 0) AS actioned_ratio,"
  " 1000.0 * h.detention_days / NULLIF(h.population, 0) AS detention_days_per_1000,"
  " CAST(h.home_visits AS REAL) / NULLIF(h.population, 0) AS home_visits_per_person,"
  " (CAST(h.home_visits AS REAL) / NULLIF(h.population, 0)) /"
  "   NULLIF(CAST(ref.home_visits AS REAL) / NULLIF(ref.population, 0), 0) AS home_visit_ratio,"
  " h.evasion_yuan / NULLIF(h.evaders, 0) AS yuan_per_evader, ref.value AS reference"
  " FROM group_harms h JOIN traits rt ON rt.trait = h.trait AND rt.is_reference = 1"
  " JOIN group_harms ref ON ref.trait = h.trait AND ref.value = rt.value;\n"
  "CREATE VIEW rule_summary AS SELECT r.rule, r.kind, r.claims, r.lawful_claim,"
  " SUM(d.alerts) AS alerts, g.flagged AS people_flagged, g.flagged_with_claim AS flagged_with_claim,"
  " g.with_claim AS population_with_claim,"
  " CAST(g.flagged_with_claim AS REAL) / NULLIF(g.flagged, 0) AS precision,"
  " CAST(g.flagged_with_claim AS REAL) / NULLIF(g.with_claim, 0) AS recall,"
  " g.actioned AS people_actioned, g.innocent_actioned AS innocent_people_actioned,"
  " SUM(d.innocent_detention_days) AS innocent_detention_days"
  " FROM rules r JOIN rule_daily d ON d.rule = r.rule"
  " JOIN group_audit g ON g.rule = r.rule AND g.trait = 'all' AND g.value = 'all'"
  " GROUP BY r.rule ORDER BY r.position;\n"
  "CREATE VIEW group_disparity AS SELECT g.rule, g.trait, g.value, g.population, g.flagged, g.actioned,"
  " 1000.0 * g.flagged / NULLIF(g.population, 0) AS flag_rate_per_1000,"
  " 1000.0 * g.actioned / NULLIF(g.population, 0) AS action_rate_per_1000,"
  " (CAST(g.flagged AS REAL) / NULLIF(g.population, 0)) /"
  "   NULLIF(CAST(ref.flagged AS REAL) / NULLIF(ref.population, 0), 0) AS flag_ratio,"
  " (CAST(g.actioned AS REAL) / NULLIF(g.population, 0)) /"
  "   NULLIF(CAST(ref.actioned AS REAL) / NULLIF(ref.population, 0), 0) AS action_ratio,"
  " CAST(g.flagged - g.flagged_with_claim AS REAL) / NULLIF(g.population - g.with_claim, 0) AS false_positive_rate,"
  " CAST(g.flagged - g.flagged_with_claim AS REAL) / NULLIF(g.flagged, 0) AS false_discovery_rate,"
  " ref.value AS reference"
  " FROM group_audit g JOIN traits t ON t.trait = g.trait AND t.value = g.value"
  " JOIN traits rt ON rt.trait = g.trait AND rt.is_reference = 1"
  " JOIN group_audit ref ON ref.rule = g.rule AND ref.trait = g.trait AND ref.value = rt.value;\n";

typedef struct writer {
  sqlite3 *db;
  char *err;
  size_t errlen;
} writer;

static int fail(writer *w, const char *what) {
  snprintf(w->err, w->errlen, "%s: %s", what, w->db ? sqlite3_errmsg(w->db) : "cannot open");
  return -1;
}

static int exec(writer *w, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(w->db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
  snprintf(w->err, w->errlen, "results database: %s", msg ? msg : "error");
  sqlite3_free(msg);
  return -1;
}

/* Binds values by a format string (t: text, z: text or NULL, i: int64,
** d: double) and steps. */
static int row(writer *w, sqlite3_stmt *st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sqlite3_reset(st);
  for (int k = 0; fmt[k]; k++) {
    int rc;
    if (fmt[k] == 't' || fmt[k] == 'z') {
      const char *s = va_arg(ap, const char *);
      rc = s ? sqlite3_bind_text(st, k + 1, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, k + 1);
    }
    else if (fmt[k] == 'i') rc = sqlite3_bind_int64(st, k + 1, (sqlite3_int64)va_arg(ap, long long));
    else rc = sqlite3_bind_double(st, k + 1, va_arg(ap, double));
    if (rc != SQLITE_OK) { va_end(ap); return fail(w, "results database"); }
  }
  va_end(ap);
  return sqlite3_step(st) == SQLITE_DONE ? 0 : fail(w, "results database");
}

static sqlite3_stmt *prep(writer *w, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK) fail(w, "results database");
  return st;
}

int gc_results_volatile_key(const char *key) {
  static const char *const keys[] = {"threads", "wall_seconds", "build_seconds", "agent_days_per_second",
                                     "created", NULL};
  for (int i = 0; keys[i]; i++)
    if (!strcmp(key, keys[i])) return 1;
  return 0;
}

static int write_run_info(writer *w, const gc_config *cfg, const gc_world *wo, const gc_population *pop,
                          const gc_results_info *info) {
  sqlite3_stmt *st = prep(w, "INSERT INTO run_info VALUES(?, ?)");
  if (!st) return -1;
  const gc_provenance *p = info->prov;
  double agent_days = (double)pop->n * info->days_run;
  struct { const char *k; char v[96]; } kv[24];
  int n = 0;
#define KV(key, ...) do { kv[n].k = key; snprintf(kv[n].v, sizeof kv[n].v, __VA_ARGS__); n++; } while (0)
  KV("version", "%s", GLASSCAGE_VERSION);
  KV("scenario_name", "%s", cfg->name);
  KV("scenario_hash", "%016llx", (unsigned long long)(p ? p->scenario_hash : 0));
  KV("seed", "%llu", (unsigned long long)cfg->seed);
  KV("days", "%d", info->days_run);
  KV("population", "%u", pop->n);
  KV("households", "%u", pop->nhh);
  KV("crowded_households", "%llu", (unsigned long long)pop->ncrowded);
  KV("places", "%u", wo->nplaces);
  KV("ties", "%llu", (unsigned long long)pop->nties);
  KV("couples", "%llu", (unsigned long long)pop->ncouples);
  KV("couples_apart", "%llu", (unsigned long long)pop->ncouples_apart);
  KV("agent_days", "%.0f", agent_days);
  KV("events", "%llu", (unsigned long long)info->events);
  KV("observations", "%llu", (unsigned long long)info->observations);
  KV("response_enabled", "%d", cfg->response.enabled);
  KV("twin", "%s", info->twin_desc ? info->twin_desc : "none");
  KV("bytes_per_agent", "%.1f", info->bytes_per_agent);
  KV("threads", "%d", info->threads);
  KV("wall_seconds", "%.3f", p ? p->wall_seconds : 0.0);
  KV("build_seconds", "%.3f", p ? p->build_seconds : 0.0);
  KV("agent_days_per_second", "%.0f", p && p->wall_seconds > 0 ? agent_days / p->wall_seconds : 0.0);
#undef KV
  int rc = row(w, st, "tt", "scenario", p && p->scenario ? p->scenario : "");
  for (int k = 0; k < n && !rc; k++) rc = row(w, st, "tt", kv[k].k, kv[k].v);
  sqlite3_finalize(st);
  return rc;
}

static int write_rules(writer *w, const gc_config *cfg) {
  sqlite3_stmt *st = prep(w, "INSERT INTO rules VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return -1;
  int rc = 0;
  for (int i = 0; i < cfg->nrules && !rc; i++) {
    const gc_rule_cfg *r = &cfg->rule[i];
    char desc[512], claims[256] = "", by[GC_MAX_TRAITS * GC_NAME_MAX] = "";
    int lawful = 1;
    uint32_t sel = gc_rules_selects_by(cfg, i);
    for (int t = 0; t < cfg->population.ntraits; t++)
      if ((sel >> t) & 1) {
        size_t u = strlen(by);
        snprintf(by + u, sizeof by - u, "%s%s", u ? "," : "", cfg->population.trait[t].name);
      }
    gc_rules_describe(cfg, i, desc, sizeof desc);
    for (int k = 0; k < r->nclaims; k++) {
      size_t u = strlen(claims);
      snprintf(claims + u, sizeof claims - u, "%s%s", k ? "," : "", cfg->population.truth[r->claims[k]].name);
      lawful &= cfg->population.truth[r->claims[k]].lawful;
    }
    rc = row(w, st, "tittttittzt", r->name, (long long)i, gc_rule_kind_name(r->kind), r->source, desc, claims,
             (long long)lawful, cfg->response.priority[r->priority], gc_action_name(r->action),
             r->then_list >= 0 ? cfg->list[r->then_list].name : NULL, by);
  }
  sqlite3_finalize(st);
  return rc;
}

static int write_rule_daily(writer *w, const gc_config *cfg, const gc_audit *a) {
  sqlite3_stmt *st = prep(w, "INSERT INTO rule_daily VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  sqlite3_stmt *act = prep(w, "INSERT INTO action_daily VALUES(?,?,?,?)");
  int rc = st && act ? 0 : -1;
  for (int d = 0; d < a->days && !rc; d++)
    for (int r = 0; r < a->nrules && !rc; r++) {
      const gc_rule_day *x = &a->rule_daily[(size_t)d * (size_t)a->nrules + (size_t)r];
      rc = row(w, st, "itiiiiiiiiiiiiii", (long long)d, cfg->rule[r].name, (long long)x->alerts,
               (long long)x->people_flagged, (long long)x->people_with_claim, (long long)x->actions,
               (long long)x->innocent_actions, (long long)x->unhandled, (long long)x->skipped,
               (long long)x->findings,
               (long long)x->false_findings, (long long)x->detentions, (long long)x->innocent_detentions,
               (long long)x->innocent_detention_days, (long long)x->carried_actions,
               (long long)x->carried_innocent_actions);
      for (int k = 1; k < GC_ACT_NTYPES && !rc; k++)
        if (x->action_by_type[k])
          rc = row(w, act, "itti", (long long)d, cfg->rule[r].name, gc_action_name(k), (long long)x->action_by_type[k]);
    }
  sqlite3_finalize(st);
  sqlite3_finalize(act);
  return rc;
}

static int write_groups(writer *w, const gc_config *cfg, const gc_audit *a) {
  sqlite3_stmt *st = prep(w, "INSERT INTO group_audit VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  int rc = st ? 0 : -1;
  int nt = cfg->population.ntraits;
  for (size_t g = 0; g < a->ngroups && !rc; g++) {
    const gc_group_row *x = &a->groups[g];
    const char *rule = x->rule < 0 ? "*" : cfg->rule[x->rule].name;
    const char *trait = x->trait < nt ? cfg->population.trait[x->trait].name : "all";
    const char *value = x->trait < nt ? cfg->population.trait[x->trait].value[x->value] : "all";
    rc = row(w, st, "tttiiiiiiii", rule, trait, value, (long long)x->population, (long long)x->with_claim,
             (long long)x->flagged, (long long)x->flagged_with_claim, (long long)x->actioned,
             (long long)x->innocent_actioned, (long long)x->detained, (long long)x->innocent_detained);
  }
  sqlite3_finalize(st);
  return rc;
}

static int write_traits_lists(writer *w, const gc_config *cfg, const gc_audit *a) {
  sqlite3_stmt *st = prep(w, "INSERT INTO traits VALUES(?,?,?,?,?)");
  int rc = st ? 0 : -1;
  for (int t = 0; t < cfg->population.ntraits && !rc; t++) {
    const gc_trait *tr = &cfg->population.trait[t];
    for (int v = 0; v < tr->nvalues && !rc; v++)
      rc = row(w, st, "ttiii", tr->name, tr->value[v], (long long)v, (long long)(v == tr->reference_value), 0LL);
  }
  if (!rc) rc = row(w, st, "ttiii", "all", "all", 0LL, 1LL, 0LL);
  for (int k = 0; k < cfg->population.ntruth && !rc; k++)
    rc = row(w, st, "ttiii", cfg->population.truth[k].name, "yes", 1LL, 0LL, 1LL);
  sqlite3_finalize(st);
  st = prep(w, "INSERT INTO lists VALUES(?,?,?)");
  sqlite3_stmt *ld = prep(w, "INSERT INTO list_daily VALUES(?,?,?)");
  if (!st || !ld) rc = -1;
  for (int l = 0; l < cfg->nlists && !rc; l++)
    rc = row(w, st, "tid", cfg->list[l].name, (long long)cfg->list[l].exempt, cfg->list[l].removal_per_day);
  for (int d = 0; d < a->days && !rc; d++)
    for (int l = 0; l < cfg->nlists && !rc; l++)
      rc = row(w, ld, "iti", (long long)d, cfg->list[l].name, (long long)a->list_daily[(size_t)d * (size_t)cfg->nlists + (size_t)l]);
  sqlite3_finalize(st);
  sqlite3_finalize(ld);
  return rc;
}

static int write_daily(writer *w, const gc_audit *a, int days) {
  sqlite3_stmt *st = prep(w, "INSERT INTO daily VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  int rc = st ? 0 : -1;
  for (int d = 0; d < days && !rc; d++) {
    const gc_day *x = &a->daily[d];
    rc = row(w, st, "iiiiiiiiiiiiiiiiiiii", (long long)d, (long long)x->truth.agents_active,
             (long long)x->truth.agents_detained, (long long)x->detained, (long long)x->detained_innocent,
             (long long)x->truth.events,
             (long long)x->observations, (long long)x->obs_by_kind[GC_OBS_ID_SCAN],
             (long long)(x->obs_by_kind[GC_OBS_CALL_NEW] + x->obs_by_kind[GC_OBS_PHONE_OFF]),
             (long long)x->obs_by_kind[GC_OBS_PURCHASE],
             (long long)(x->obs_by_kind[GC_OBS_ELECTRICITY] + x->obs_by_kind[GC_OBS_WATER]),
             (long long)x->identity_errors, (long long)x->alerts, (long long)x->people_flagged,
             (long long)x->actions, (long long)x->innocent_actions, (long long)x->truth.offences,
             (long long)x->truth.offences_exempt, (long long)x->truth.capital_trips,
             (long long)x->truth.petition_trips);
  }
  sqlite3_finalize(st);
  return rc;
}

static int write_obs_daily(writer *w, const gc_audit *a, int days) {
  sqlite3_stmt *st = prep(w, "INSERT INTO obs_daily VALUES(?,?,?)");
  int rc = st ? 0 : -1;
  for (int d = 0; d < days && !rc; d++)
    for (int k = 0; k < GC_OBS_NKINDS && !rc; k++)
      if (a->daily[d].obs_by_kind[k])
        rc = row(w, st, "iti", (long long)d, gc_obs_kind_names[k], (long long)a->daily[d].obs_by_kind[k]);
  sqlite3_finalize(st);
  return rc;
}

static int write_response_daily(writer *w, const gc_audit *a, int days) {
  sqlite3_stmt *st = prep(w, "INSERT INTO response_daily VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  sqlite3_stmt *bh = prep(w, "INSERT INTO behaviour_daily VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  int rc = st && bh ? 0 : -1;
  for (int d = 0; d < days && !rc; d++) {
    const gc_day *x = &a->daily[d];
    uint64_t innocent = 0, evasions = 0;
    for (int o = 0; o < GC_ORIGIN_N; o++) innocent += x->innocent_by_origin[o];
    for (int k = 0; k < GC_EVADE_N; k++) evasions += x->truth.evasions[k];
    rc = row(w, st, "iiiiiiiiiii", (long long)d, (long long)x->actions_by_origin[GC_ORIGIN_ALERT],
             (long long)x->actions_by_origin[GC_ORIGIN_CARRIED], (long long)x->actions_by_origin[GC_ORIGIN_QUOTA],
             (long long)x->actions_by_origin[GC_ORIGIN_PATROL_STOP],
             (long long)x->actions_by_origin[GC_ORIGIN_PATROL_DISCOVERY], (long long)innocent,
             (long long)x->tasks_expired, (long long)x->tasks_waiting, (long long)x->intercepted,
             (long long)x->petitions_intercepted);
    if (!rc)
      rc = row(w, bh, "iiiiiiiiidd", (long long)d, (long long)x->truth.petitions_delivered,
               (long long)x->truth.petitions_abandoned, (long long)x->truth.offences_deterred,
               (long long)x->offences_exempt_discovered, (long long)x->truth.compound_entries,
               (long long)x->truth.nights_with_partner, (long long)x->truth.trip_companions, (long long)evasions,
               (double)x->truth.evasion_cents / 100.0, (double)x->truth.evasion_centiminutes / 100.0);
  }
  sqlite3_finalize(st);
  sqlite3_finalize(bh);
  return rc;
}

static int write_trust(writer *w, const gc_config *cfg, const gc_audit *a, int days) {
  const gc_trust_cfg *tc = &cfg->population.trust;
  sqlite3_stmt *st = prep(w, "INSERT INTO trust_daily VALUES(?,?,?,?)");
  int rc = st ? 0 : -1;
  for (int d = 0; d < days && !rc; d++)
    for (int l = 0; l < tc->nlevels && !rc; l++)
      rc = row(w, st, "itii", (long long)d, tc->level[l], (long long)l, (long long)a->daily[d].trust.households_at[l]);
  sqlite3_finalize(st);
  return rc;
}

static int write_evasion(writer *w, const gc_config *cfg, const gc_audit *a, int days) {
  sqlite3_stmt *st = prep(w, "INSERT INTO evasion VALUES(?,?,?,?)");
  int rc = st ? 0 : -1;
  for (int k = 0; k < GC_EVADE_N && !rc; k++) {
    uint64_t uses = 0;
    for (int d = 0; d < days; d++) uses += a->daily[d].truth.evasions[k];
    const gc_evasion_cfg *e = &cfg->reaction.evade[k];
    rc = row(w, st, "tidd", gc_evasion_name(k), (long long)uses, (double)uses * e->cost_money,
             (double)uses * e->cost_minutes);
  }
  sqlite3_finalize(st);
  return rc;
}

static int write_harms(writer *w, const gc_config *cfg, const gc_audit *a) {
  sqlite3_stmt *st = prep(w, "INSERT INTO group_harms VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  int rc = st ? 0 : -1;
  int nt = cfg->population.ntraits;
  for (size_t g = 0; g < a->nharms && !rc; g++) {
    const gc_harm_row *x = &a->harms[g];
    const char *trait = x->trait < nt ? cfg->population.trait[x->trait].name : "all";
    const char *value = x->trait < nt ? cfg->population.trait[x->trait].value[x->value] : "all";
    rc = row(w, st, "ttiiiiiiiiiiiiddii", trait, value, (long long)x->population, (long long)x->actioned,
             (long long)x->innocent_actioned, (long long)x->count[GC_HC_VISITS],
             (long long)x->count[GC_HC_ID_CHECKS], (long long)x->count[GC_HC_DRUG_TESTS],
             (long long)x->count[GC_HC_PATROL_STOPS], (long long)x->count[GC_HC_DETENTION_DAYS],
             (long long)x->count[GC_HC_INNOCENT_DETENTION_DAYS], (long long)x->count[GC_HC_HOME_VISITS],
             (long long)x->count[GC_HC_UNUSUAL], (long long)x->evaders,
             (double)x->evasion_cents / 100.0, (double)x->evasion_centiminutes / 100.0,
             (long long)x->aware, (long long)x->chilled);
  }
  sqlite3_finalize(st);
  return rc;
}

static int write_list_groups(writer *w, const gc_config *cfg, const gc_audit *a, int days) {
  sqlite3_stmt *st = prep(w, "INSERT INTO list_group_daily VALUES(?,?,?,?,?)");
  int rc = st ? 0 : -1;
  int nl = cfg->nlists, nv = a->nvalues;
  for (int d = 0; d < days && !rc; d++)
    for (int l = 0; l < nl && !rc; l++) {
      int k = 0;
      for (int t = 0; t < cfg->population.ntraits && !rc; t++)
        for (int v = 0; v < cfg->population.trait[t].nvalues && !rc; v++, k++)
          rc = row(w, st, "ittti", (long long)d, cfg->list[l].name, cfg->population.trait[t].name,
                   cfg->population.trait[t].value[v],
                   (long long)a->list_group_daily[((size_t)d * (size_t)nl + (size_t)l) * (size_t)nv + (size_t)k]);
    }
  sqlite3_finalize(st);
  return rc;
}

/* offences: the agents' true offences in the district, or in the abstract
** incident mode the true incidents of its Poisson process. */
static int write_patrol(writer *w, const gc_config *cfg, const gc_audit *a, int days) {
  int abstract = cfg->response.patrol.nincidents > 0;
  if (!a->patrol_daily) return 0;
  sqlite3_stmt *st = prep(w, "INSERT INTO patrol_daily VALUES(?,?,?,?,?,?,?)");
  int rc = st ? 0 : -1;
  for (int d = 0; d < days && !rc; d++)
    for (int k = 0; k < a->ndistricts && k < GC_MAX_DISTRICTS && !rc; k++) {
      const gc_patrol_day *p = &a->patrol_daily[d];
      rc = row(w, st, "iiidiii", (long long)d, (long long)k, (long long)p->patrols[k], (double)p->weight[k],
               (long long)p->discoveries[k], (long long)p->reported[k],
               (long long)(abstract ? p->incidents[k] : a->daily[d].truth.offences_by_district[k]));
    }
  sqlite3_finalize(st);
  return rc;
}

static int write_inference(writer *w, const gc_audit *a) {
  const gc_inference_result *x = &a->inference;
  sqlite3_stmt *st = prep(w, "INSERT INTO inference VALUES(?,?,?,?,?,?)");
  int rc = st ? 0 : -1;
  if (!rc)
    rc = row(w, st, "iiiiii", (long long)x->pairs_seen, (long long)x->inferred, (long long)x->inferred_true,
             (long long)x->true_ties, (long long)x->true_seen, (long long)x->list_joins);
  sqlite3_finalize(st);
  return rc;
}

static int write_twin(writer *w, const gc_config *cfg, const gc_audit *a, const gc_results_info *info) {
  if (!info->twin) return 0;
  double base[GC_M_N];
  gc_audit_summary(a, cfg, base);
  sqlite3_stmt *st = prep(w, "INSERT INTO twin_delta VALUES(?,?,?,?,?,?)");
  int rc = st ? 0 : -1;
  for (int k = 0; k < GC_M_N && !rc; k++)
    rc = row(w, st, "tiddd" "t", gc_metric_names[k], (long long)k, base[k], info->twin[k],
             base[k] - info->twin[k], gc_metric_meanings[k]);
  sqlite3_finalize(st);
  return rc;
}

static int write_scenario(writer *w, const gc_results_info *info) {
  const gc_provenance *p = info->prov;
  sqlite3_stmt *st = prep(w, "INSERT INTO scenario VALUES(?, ?, ?)");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, p && p->scenario ? p->scenario : "", -1, SQLITE_STATIC);
  if (p && p->scenario_text) sqlite3_bind_text(st, 2, p->scenario_text, (int)p->scenario_len, SQLITE_STATIC);
  else sqlite3_bind_null(st, 2);
  sqlite3_bind_text(st, 3, p && p->sets ? p->sets : "", -1, SQLITE_STATIC);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(w, "results database");
  sqlite3_finalize(st);
  return rc;
}

/* The explained sample and the trace of its agents, when the run has them. */
static int write_explained(writer *w, const gc_config *cfg, const gc_world *wo, const gc_population *pop,
                           const gc_explained *ex) {
  if (!ex || !ex->trace) return 0;
  const gc_trace *t = ex->trace;
  sqlite3_stmt *ss = prep(w, "INSERT INTO explain_sample VALUES(?,?,?)");
  sqlite3_stmt *sa = prep(w, "INSERT INTO trace_agent VALUES(?,?,?,?,?)");
  sqlite3_stmt *st = prep(w, "INSERT INTO trace VALUES(?,?,?,?,?,?,?,?)");
  int rc = ss && sa && st ? 0 : -1;
  for (size_t k = 0; ex->sample && k < ex->sample->n && !rc; k++) {
    const gc_sample_entry *e = &ex->sample->e[k];
    rc = row(w, ss, "tti", cfg->rule[e->rule].name, gc_sample_category_names[e->category], (long long)e->agent);
  }
  gc_trace_facts *f = malloc(sizeof *f);
  if (!f && !rc) rc = fail(w, "out of memory");
  for (uint32_t j = 0; j < t->nagents && !rc; j++) {
    gc_trace_facts_of(t, j, cfg, pop, f);
    rc = row(w, sa, "iittt", (long long)t->agent[j], (long long)f->household, f->traits, f->truths, f->lists);
  }
  free(f);
  gc_trace_row tr;
  uint32_t prev = GC_NONE;
  long long seq = 0;
  for (size_t k = 0; k < t->rec.n && !rc; k++) {
    gc_trace_row_of(t, k, cfg, wo, pop, &tr);
    seq = tr.agent == prev ? seq + 1 : 0;
    prev = tr.agent;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, tr.agent);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_bind_int64(st, 3, tr.day);
    if (tr.minute < 0) sqlite3_bind_null(st, 4);
    else sqlite3_bind_int64(st, 4, tr.minute);
    sqlite3_bind_text(st, 5, tr.layer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, tr.what, -1, SQLITE_TRANSIENT);
    if (tr.place[0]) sqlite3_bind_text(st, 7, tr.place, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, 7);
    sqlite3_bind_text(st, 8, tr.detail, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) rc = fail(w, "results database");
  }
  sqlite3_finalize(ss);
  sqlite3_finalize(sa);
  sqlite3_finalize(st);
  return rc;
}

static int write_all(writer *w, const gc_config *cfg, const gc_world *wo, const gc_population *pop,
                     const gc_audit *a, const gc_results_info *info) {
  if (exec(w, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;")) return -1;
  if (exec(w, schema)) return -1;
  if (write_run_info(w, cfg, wo, pop, info)) return -1;
  if (write_rules(w, cfg)) return -1;
  if (write_rule_daily(w, cfg, a)) return -1;
  if (write_groups(w, cfg, a)) return -1;
  if (write_traits_lists(w, cfg, a)) return -1;
  if (write_daily(w, a, info->days_run)) return -1;
  if (write_obs_daily(w, a, info->days_run) || write_response_daily(w, a, info->days_run)) return -1;
  if (write_evasion(w, cfg, a, info->days_run) || write_harms(w, cfg, a)) return -1;
  if (write_trust(w, cfg, a, info->days_run)) return -1;
  if (write_list_groups(w, cfg, a, info->days_run) || write_patrol(w, cfg, a, info->days_run)) return -1;
  if (write_inference(w, a) || write_twin(w, cfg, a, info)) return -1;
  if (write_scenario(w, info)) return -1;
  if (!info->explained_later && write_explained(w, cfg, wo, pop, info->explained)) return -1;
  return exec(w, "COMMIT;");
}

int gc_results_temp_path(const char *path, char *buf, size_t len) {
  return snprintf(buf, len, "%s.tmp-%ld", path, (long)getpid()) < (int)len ? 0 : -1;
}

/* What a results file is written from. */
typedef struct contents {
  const gc_config *cfg;
  const gc_world *wo;
  const gc_population *pop;
  const gc_audit *a;
  const gc_results_info *info;
  const gc_explained *ex;
} contents;

static int body_all(writer *w, const contents *c) {
  return write_all(w, c->cfg, c->wo, c->pop, c->a, c->info);
}

static int body_explained(writer *w, const contents *c) {
  return exec(w, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;") ||
         write_explained(w, c->cfg, c->wo, c->pop, c->ex) || exec(w, "COMMIT;");
}

/* Runs body on path's temporary file (create: a new one, else the one an
** earlier step left), closes it and, with move, renames it into place.  On
** failure the temporary file is removed.  Returns 0 or -1 (message in err). */
static int in_temp_file(const char *path, int create, int move, int (*body)(writer *, const contents *),
                        const contents *c, char *err, size_t errlen) {
  char tmp[4096];
  if (gc_results_temp_path(path, tmp, sizeof tmp)) {
    snprintf(err, errlen, "%s: path too long", path);
    return -1;
  }
  if (create) remove(tmp);
  writer w = {NULL, err, errlen};
  int rc = -1;
  if (sqlite3_open_v2(tmp, &w.db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot %s: %s", tmp, create ? "create" : "open",
             w.db ? sqlite3_errmsg(w.db) : "out of memory");
    goto done;
  }
  if (body(&w, c)) goto done;
  int closed = sqlite3_close_v2(w.db);
  w.db = NULL;
  if (closed != SQLITE_OK) { snprintf(err, errlen, "%s: cannot close", tmp); goto done; }
  if (move && rename(tmp, path)) { snprintf(err, errlen, "%s: cannot rename into place", path); goto done; }
  rc = 0;
done:
  if (w.db) sqlite3_close_v2(w.db);
  if (rc) remove(tmp);
  return rc;
}

int gc_results_write(const char *path, const gc_config *cfg, const gc_world *wo, const gc_population *pop,
                     const gc_audit *a, const gc_results_info *info, char *err, size_t errlen) {
  contents c = {cfg, wo, pop, a, info, NULL};
  return in_temp_file(path, 1, !info->explained_later, body_all, &c, err, errlen);
}

int gc_results_add_explained(const char *path, const gc_config *cfg, const gc_world *wo, const gc_population *pop,
                             const gc_explained *ex, char *err, size_t errlen) {
  contents c = {cfg, wo, pop, NULL, NULL, ex};
  return in_temp_file(path, 0, 1, body_explained, &c, err, errlen);
}

void gc_results_discard(const char *path) {
  char tmp[4096];
  if (!gc_results_temp_path(path, tmp, sizeof tmp)) remove(tmp);
}
