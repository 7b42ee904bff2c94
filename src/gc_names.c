/*
** gc_names.c — the vocabulary tables (see gc_names.h).
*/
#include <stddef.h>
#include "gc_config.h"
#include "gc_names.h"

const char *const gc_place_names[] = {"home", "workplace", "school", "shop", "leisure",
                                      "station", "hotel", "checkpoint", NULL};
const char *const gc_behaviour_names[] = {"errand", "leisure", "station_visit", "hotel_local",
                                          "trip_region", "trip_capital", "calls", "new_number",
                                          "phone_off", "offence", NULL};
const char *const gc_event_names[] = {"id_scan", "hotel_stay", "hotel_stay_local",
                                      "station_scan", "checkpoint_scan", "call_new",
                                      "call_new_out_of_area", "phone_off", "purchase", NULL};
const char *const gc_measure_names[] = {"electricity", "water", "purchase", NULL};
const char *const gc_over_names[] = {"baseline", "percentile", NULL};
const char *const gc_rule_kind_names[] = {"presence", "copresence", "frequency", "baseline", NULL};
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
