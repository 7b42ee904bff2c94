/*
** gc_names.h — the scenario language's words for the enums of gc_config.h.
**
** One vocabulary serves both directions: the scenario module parses these
** words into enum values, and the rules, results and CLI print them back,
** so a name in results.db is always the name a user writes in a scenario.
** Arrays are indexed by the enum and NULL-terminated; the strings are static.
*/
#ifndef GC_NAMES_H
#define GC_NAMES_H

extern const char *const gc_place_names[];      /* gc_place_type */
extern const char *const gc_behaviour_names[];  /* gc_behaviour */
extern const char *const gc_event_names[];      /* gc_event_kind */
extern const char *const gc_measure_names[];    /* gc_measure */
extern const char *const gc_over_names[];       /* gc_over */
extern const char *const gc_rule_kind_names[];  /* gc_rule_kind */
extern const char *const gc_action_names[];     /* gc_action_type ("none" for 0) */
extern const char *const gc_weekday_names[];    /* 0 = monday */
extern const char *const gc_destination_names[]; /* gc_destination */
extern const char *const gc_signal_names[];     /* gc_signal */
extern const char *const gc_evasion_names[];    /* gc_evasion */
extern const char *const gc_feature_names[];    /* gc_feature_kind */
extern const char *const gc_obs_kind_names[];   /* gc_obs_kind (gc_sensors.h) */
extern const char *const gc_true_event_names[]; /* gc_true_event_kind (gc_activity.h) */
extern const char *const gc_trace_layer_names[]; /* gc_trace_layer (gc_trace.h) */
extern const char *const gc_origin_names[];     /* gc_origin (gc_response.h) */

/* The word for an enum value; "?" when out of range. */
const char *gc_place_type_name(int t);
const char *gc_behaviour_name(int b);
const char *gc_event_kind_name(int ev);
const char *gc_measure_name(int m);
const char *gc_rule_kind_name(int kind);
const char *gc_action_name(int a);
const char *gc_destination_name(int d);
const char *gc_signal_name(int s);
const char *gc_evasion_name(int e);
const char *gc_feature_name(int f);

#endif
