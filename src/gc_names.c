/*
** gc_names.c — the vocabulary tables (see gc_names.h).
*/
#include <stddef.h>
#include "gc_activity.h"
#include "gc_config.h"
#include "gc_response.h"
#include "gc_trace.h"
#include "gc_names.h"

const char *const gc_place_names[] = {"home", "workplace", "school", "shop", "leisure",
                                      "station", "hotel", "checkpoint", "compound", "religious", NULL};
const char *const gc_behaviour_names[] = {"errand", "leisure", "station_visit", "hotel_local",
                                          "trip_region", "trip_capital", "calls", "new_number",
                                          "phone_off", "offence", "compound_visit", "companions",
                                          "new_companion", "partner_visit", "religious", NULL};
const char *const gc_event_names[] = {"id_scan", "hotel_stay", "hotel_stay_local",
                                      "station_scan", "checkpoint_scan", "call_new",
                                      "call_new_out_of_area", "phone_off", "purchase", "sighting",
                                      "wifi", "plate", "compound_entry", "companion", "ticket",
                                      "ticket_no_show", "unusual", "payment", "vehicle_mismatch", NULL};
const char *const gc_measure_names[] = {"electricity", "water", "purchase", NULL};
const char *const gc_over_names[] = {"baseline", "percentile", NULL};
const char *const gc_rule_kind_names[] = {"presence", "copresence", "frequency", "baseline",
                                          "movement", "absence", "dwell", "score", NULL};
const char *const gc_destination_names[] = {"capital", "other_region", "any", NULL};
const char *const gc_signal_names[] = {"phone", "off_grid", "partner", "payments", NULL};
const char *const gc_evasion_names[] = {"phone_off", "cash", "decoy_ticket", "private_driver",
                                        "change_vehicle", NULL};
const char *const gc_feature_names[] = {"if", "count", "alerts", "actions", "ties_to", NULL};
const char *const gc_obs_kind_names[] = {"id_scan", "call_new", "phone_off", "purchase",
                                         "electricity", "water", "sighting", "wifi", "plate",
                                         "compound_entry", "companion", "ticket", "ticket_no_show",
                                         "home_visit", "unusual", "phone_night", "payment",
                                         "vehicle_mismatch", "patrol_stop", "discovery", "reported",
                                         NULL};
const char *const gc_true_event_names[] = {"stay", "call_new", "phone_off", "purchase", "offence",
                                           "companion", "ticket", "night_away", "evasion", NULL};
const char *const gc_trace_layer_names[] = {"truth", "sensor", "rule", "response", "list", "cost", NULL};
const char *const gc_origin_names[] = {"alert", "carried", "quota", "patrol_stop", "patrol_discovery", NULL};
const char *const gc_action_names[] = {"none", "visit", "id_check", "drug_test",
                                       "detention", "list_entry", NULL};
const char *const gc_weekday_names[] = {"monday", "tuesday", "wednesday", "thursday",
                                        "friday", "saturday", "sunday", NULL};

static const char *word(const char *const *names, int n, int i) {
  return i >= 0 && i < n ? names[i] : "?";
}

const char *gc_place_type_name(int t) { return word(gc_place_names, GC_PLACE_NTYPES, t); }
const char *gc_behaviour_name(int b) { return word(gc_behaviour_names, GC_BEH_N, b); }
const char *gc_event_kind_name(int ev) { return word(gc_event_names, GC_EV_NKINDS, ev); }
const char *gc_measure_name(int m) { return word(gc_measure_names, GC_MEASURE_PURCHASE + 1, m); }
const char *gc_rule_kind_name(int kind) { return word(gc_rule_kind_names, GC_RULE_NKINDS, kind); }
const char *gc_action_name(int a) { return word(gc_action_names, GC_ACT_NTYPES, a); }
const char *gc_destination_name(int d) { return word(gc_destination_names, GC_DEST_ANY + 1, d); }
const char *gc_signal_name(int s) { return word(gc_signal_names, GC_SIGNAL_N, s); }
const char *gc_evasion_name(int e) { return word(gc_evasion_names, GC_EVADE_N, e); }
const char *gc_feature_name(int f) { return word(gc_feature_names, GC_FEAT_N, f); }

/* Compile-time checks that every table has one word per enum value. */
#define GC_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)
_Static_assert(GC_COUNT(gc_place_names) == GC_PLACE_NTYPES, "gc_place_names");
_Static_assert(GC_COUNT(gc_behaviour_names) == GC_BEH_N, "gc_behaviour_names");
_Static_assert(GC_COUNT(gc_event_names) == GC_EV_NKINDS, "gc_event_names");
_Static_assert(GC_COUNT(gc_rule_kind_names) == GC_RULE_NKINDS, "gc_rule_kind_names");
_Static_assert(GC_COUNT(gc_action_names) == GC_ACT_NTYPES, "gc_action_names");
_Static_assert(GC_COUNT(gc_signal_names) == GC_SIGNAL_N, "gc_signal_names");
_Static_assert(GC_COUNT(gc_evasion_names) == GC_EVADE_N, "gc_evasion_names");
_Static_assert(GC_COUNT(gc_feature_names) == GC_FEAT_N, "gc_feature_names");
_Static_assert(GC_COUNT(gc_obs_kind_names) == GC_OBS_NKINDS, "gc_obs_kind_names");
_Static_assert(GC_COUNT(gc_true_event_names) == GC_TE_NKINDS, "gc_true_event_names");
_Static_assert(GC_COUNT(gc_trace_layer_names) == GC_TL_N, "gc_trace_layer_names");
_Static_assert(GC_COUNT(gc_origin_names) == GC_ORIGIN_N, "gc_origin_names");
