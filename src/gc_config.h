/*
** gc_config.h — the validated configuration of one glasscage run.
**
** Design.  Only the scenario module (gc_scenario.c) knows YAML.  It parses a
** scenario file, applies --set overrides, validates every key and fills one
** gc_config.  Every other module (world, population, activity, sensors,
** rules, response, audit, results) takes this plain struct and may assume it
** is valid: names are resolved to indices, probabilities are in [0,1], sizes
** are within the limits below.  The struct is fixed-size (no pointers) so it
** can be copied, hashed and compared; the largest part is the rule table.
**
** A "condition" (gc_cond) is the one way the configuration refers to a
** person's attributes: a trait having a value, a hidden-truth condition
** being present, or membership of a list.  Selectors (who a rule looks at),
** trait dependencies ("given") and behaviour multipliers are all built from
** conditions, which is what makes the disparate-impact mechanism explicit:
** a behaviour rate depends on traits only through multipliers the scenario
** states.
*/
#ifndef GC_CONFIG_H
#define GC_CONFIG_H

#include <stdint.h>

#define GC_NAME_MAX      48   /* names of traits, values, lists, rules (incl. NUL) */
#define GC_TEXT_MAX      512  /* free text: description, rule source */
#define GC_MAX_TRAITS    24
#define GC_MAX_VALUES    8    /* values of one trait; binary traits are no/yes */
#define GC_MAX_GIVEN     8    /* conditional prevalences per trait or truth */
#define GC_MAX_TRUTH     12   /* hidden-truth conditions */
#define GC_MAX_LISTS     16
#define GC_MAX_RULES     32
#define GC_MAX_CONDS     8    /* conditions in one selector */
#define GC_MAX_MULT      8    /* multipliers per behaviour */
#define GC_MAX_HHSIZES   16   /* entries of a household size distribution */
#define GC_MAX_PURCHASES 8    /* ID-linked purchase categories */
#define GC_MAX_REGIONS   32   /* home city + other regions + capital */
#define GC_MAX_PRIORITY  8    /* priority classes of the response */
#define GC_MAX_CLAIMS    4    /* hidden conditions one rule claims to detect */
#define GC_MAX_PLACETYPES_IN_RULE 8

#define GC_POPULATION_MAX 50000000  /* 50M: beyond this a run is refused */
#define GC_DAYS_MAX       3650

/* Place types are a fixed vocabulary because the activity model gives each
** its meaning (where work happens, where hotels are).  Densities are set by
** the scenario.  GC_PLACE_HOME is a household's dwelling; it is not in the
** place table's densities but is a valid `where` for rules. */
typedef enum {
  GC_PLACE_HOME = 0,
  GC_PLACE_WORKPLACE,
  GC_PLACE_SCHOOL,
  GC_PLACE_SHOP,
  GC_PLACE_LEISURE,      /* parks, bars, restaurants */
  GC_PLACE_STATION,      /* railway and coach stations */
  GC_PLACE_HOTEL,
  GC_PLACE_CHECKPOINT,   /* road checkpoints on the city's edge */
  GC_PLACE_NTYPES
} gc_place_type;

/* Behaviours: the daily activity model's tunable rates.  Each is a mean
** count (or probability) per agent-day, multiplied by the multipliers whose
** condition the agent meets. */
typedef enum {
  GC_BEH_ERRAND = 0,      /* visit to a shop */
  GC_BEH_LEISURE,         /* visit to a leisure place */
  GC_BEH_STATION_VISIT,   /* time at a station without travelling (meeting, waiting, vending) */
  GC_BEH_HOTEL_LOCAL,     /* a night in a hotel of the home city */
  GC_BEH_TRIP_REGION,     /* start a trip to another region (station, hotel away) */
  GC_BEH_TRIP_CAPITAL,    /* start a trip to the capital */
  GC_BEH_CALLS,           /* phone calls per day */
  GC_BEH_NEW_NUMBER,      /* calls to a number never called before, per day */
  GC_BEH_PHONE_OFF,       /* phone switched off for most of the day */
  GC_BEH_OFFENCE,         /* offences per day by people whose truth enables them */
  GC_BEH_N
} gc_behaviour;

/* Observation kinds counted by frequency rules and measured by baseline rules. */
typedef enum {
  GC_EV_ID_SCAN = 0,          /* any ID scan (hotel, station, checkpoint) */
  GC_EV_HOTEL_STAY,           /* hotel check-in anywhere */
  GC_EV_HOTEL_STAY_LOCAL,     /* hotel check-in in the home city by a resident */
  GC_EV_STATION_SCAN,
  GC_EV_CHECKPOINT_SCAN,
  GC_EV_CALL_NEW,             /* call to a new number */
  GC_EV_CALL_NEW_OUT_OF_AREA, /* call to a new number registered in another region */
  GC_EV_PHONE_OFF,
  GC_EV_PURCHASE,             /* ID-linked purchase of `category` */
  GC_EV_NKINDS
} gc_event_kind;

typedef enum { GC_MEASURE_ELECTRICITY = 0, GC_MEASURE_WATER, GC_MEASURE_PURCHASE } gc_measure;
typedef enum { GC_OVER_BASELINE = 0, GC_OVER_PERCENTILE } gc_over;

typedef enum {
  GC_RULE_PRESENCE = 0,
  GC_RULE_COPRESENCE,
  GC_RULE_FREQUENCY,
  GC_RULE_BASELINE,
  GC_RULE_NKINDS
} gc_rule_kind;

typedef enum {
  GC_ACT_NONE = 0,     /* alert is recorded, nobody acts */
  GC_ACT_VISIT,
  GC_ACT_ID_CHECK,
  GC_ACT_DRUG_TEST,
  GC_ACT_DETENTION,
  GC_ACT_LIST_ENTRY,
  GC_ACT_NTYPES
} gc_action_type;

typedef enum { GC_COND_TRAIT = 0, GC_COND_TRUTH, GC_COND_LIST } gc_cond_kind;

typedef struct gc_cond {
  uint8_t kind;    /* gc_cond_kind */
  uint8_t index;   /* trait, truth or list index */
  uint8_t value;   /* trait value index; 1 for truth/list ("has it") */
} gc_cond;

/* A prevalence (binary trait or truth) or value shares (categorical trait)
** that applies when `cond` holds; the first matching `given` wins. */
typedef struct gc_given {
  gc_cond cond;
  double share[GC_MAX_VALUES];     /* shares per value; binary: share[1] = prevalence */
} gc_given;

typedef struct gc_trait {
  char name[GC_NAME_MAX];
  int nvalues;                          /* 2 for binary traits (no, yes) */
  char value[GC_MAX_VALUES][GC_NAME_MAX];
  double share[GC_MAX_VALUES];          /* unconditional shares, sum to 1 */
  int ngiven;
  gc_given given[GC_MAX_GIVEN];         /* may only refer to earlier traits */
  int shared_by_household;              /* drawn once per household */
  int reference_value;                  /* reference group for disparity ratios */
} gc_trait;

/* Hidden truth: what the rules claim to detect.  Drawn per agent, never
** observed directly; it shapes behaviour only through multipliers. */
typedef struct gc_truth {
  char name[GC_NAME_MAX];
  double prevalence;
  int ngiven;
  gc_given given[GC_MAX_GIVEN];         /* may refer to traits; share[1] = prevalence */
  int lawful;                           /* 1: acting on it is always a harm (petitioning) */
} gc_truth;

typedef struct gc_multiplier {
  gc_cond cond;
  double factor;
} gc_multiplier;

typedef struct gc_behaviour_cfg {
  double rate_weekday;                  /* mean per agent-day */
  double rate_weekend;
  int nmult;
  gc_multiplier mult[GC_MAX_MULT];      /* all matching factors multiply */
} gc_behaviour_cfg;

typedef struct gc_purchase_cfg {
  char name[GC_NAME_MAX];
  double rate;                          /* purchases per agent-day */
  double mean_qty;                      /* mean quantity (log-normal) */
  double sd_log;                        /* sd of log quantity */
  int nmult;
  gc_multiplier mult[GC_MAX_MULT];      /* multiply the rate */
} gc_purchase_cfg;

typedef struct gc_world_cfg {
  int other_regions;                    /* regions besides the home city and capital */
  double other_distance_km;             /* distance of other regions' centres */
  double capital_distance_km;
  double city_km;                       /* side of the square home city */
  double places_per_1000[GC_PLACE_NTYPES];  /* densities in the home city */
  int away_hotels;                      /* hotels per other region and in the capital */
  int away_stations;
} gc_world_cfg;

typedef struct gc_household_cfg {
  int nsizes;
  int size[GC_MAX_HHSIZES];
  double share[GC_MAX_HHSIZES];
  gc_cond crowded_if;                   /* households whose head meets this... */
  double crowded_share;                 /* ...are crowded with this probability */
  int ncrowded;
  int crowded_size[GC_MAX_HHSIZES];
  double crowded_size_share[GC_MAX_HHSIZES];
} gc_household_cfg;

typedef struct gc_ties_cfg {
  double friends;                       /* mean friends per agent */
  double coworkers;                     /* mean coworker ties per worker */
  double couple_share;                  /* adults in a couple */
  double couple_apart;                  /* couples living apart for work */
  double family_out_of_region;          /* agents with family in another region */
} gc_ties_cfg;

typedef struct gc_population_cfg {
  int64_t size;
  gc_household_cfg households;
  int ntraits;
  gc_trait trait[GC_MAX_TRAITS];
  int ntruth;
  gc_truth truth[GC_MAX_TRUTH];
  gc_ties_cfg ties;
  double employed;                      /* share with a workplace (adults) */
  double students;                      /* share with a school */
  double phone_owner;                   /* share with a phone */
  double phone_registered_to_user;      /* else registered to a household member */
} gc_population_cfg;

typedef struct gc_activity_cfg {
  gc_behaviour_cfg beh[GC_BEH_N];
  int npurchases;
  gc_purchase_cfg purchase[GC_MAX_PURCHASES];
  double out_of_area_share;             /* share of new numbers that are out of area */
  double trip_nights_mean;              /* nights per trip (geometric, >= 1) */
  double electricity_base;              /* kWh per household-day at size 1 */
  double water_base;                    /* litres per household-day at size 1 */
  double utility_size_exponent;         /* use grows as size^exponent */
  double utility_noise_sd;              /* sd of log daily use */
  int offence_truth;                    /* truth index enabling GC_BEH_OFFENCE; -1 none */
} gc_activity_cfg;

typedef struct gc_sensor_cfg {
  double id_coverage[GC_PLACE_NTYPES];  /* share of places with an ID scanner (hotel, station, checkpoint) */
  double id_detection[GC_PLACE_NTYPES]; /* probability a visit at an equipped place is scanned */
  double id_identity_error;             /* scan records another person's ID */
  double phone_coverage;                /* share of phone records the platform receives */
  double purchase_coverage;             /* share of purchases linked to an ID */
  double meter_coverage;                /* share of households with a reporting meter */
} gc_sensor_cfg;

typedef struct gc_selector {
  int everyone;                         /* 1: no condition */
  int nany;
  gc_cond any[GC_MAX_CONDS];            /* meets at least one of these (if nany > 0) */
  int nall;
  gc_cond all[GC_MAX_CONDS];            /* and all of these */
} gc_selector;

typedef struct gc_list_cfg {
  char name[GC_NAME_MAX];
  gc_selector members;                  /* initial members; `everyone` = 0 and no conds: empty */
  int initially_empty;
  double removal_per_day;               /* probability a member is removed on a day */
  int exempt;                           /* red list: members are ignored by every rule */
} gc_list_cfg;

typedef struct gc_rule_cfg {
  char name[GC_NAME_MAX];
  char source[GC_TEXT_MAX];             /* short name of the public source, e.g. NYT-2022 */
  int kind;                             /* gc_rule_kind */
  gc_selector who;
  int nwhere;
  uint8_t where[GC_MAX_PLACETYPES_IN_RULE];  /* place types (presence, copresence) */
  int nclaims;
  uint8_t claims[GC_MAX_CLAIMS];        /* truth indices; any of them counts */
  int priority;                         /* priority class index, 0 = highest */
  int action;                           /* gc_action_type */
  int action_list;                      /* list for GC_ACT_LIST_ENTRY, -1 otherwise */
  int then_list;                        /* list joined by everyone actioned; -1 none */
  /* copresence */
  int min_people;
  double radius_m;
  int within_minutes;
  /* frequency */
  int event;                            /* gc_event_kind */
  int purchase;                         /* category for GC_EV_PURCHASE, -1 any */
  int min_count;
  int window_days;
  /* baseline */
  int measure;                          /* gc_measure */
  int over;                             /* gc_over */
  double factor;                        /* alert when value > factor * personal baseline */
  double percentile;                    /* alert when value > this population percentile */
  int min_history_days;                 /* days of history before a baseline is trusted */
} gc_rule_cfg;

typedef struct gc_action_cfg {
  int cost;                             /* officer-slots per action */
  double finds;                         /* probability a true claimed condition is found */
  double false_finding;                 /* probability of "finding" something that is not there */
  int on_finding;                       /* gc_action_type taken after a finding */
  int days;                             /* detention length */
} gc_action_cfg;

typedef struct gc_response_cfg {
  int capacity_per_day;                 /* officer-slots per day */
  int npriorities;
  char priority[GC_MAX_PRIORITY][GC_NAME_MAX];
  gc_action_cfg action[GC_ACT_NTYPES];
  int enabled;                          /* 0: alerts are recorded, nobody acts (twin) */
} gc_response_cfg;

typedef struct gc_config {
  char name[GC_NAME_MAX];
  char description[GC_TEXT_MAX];
  uint64_t seed;
  int days;
  int start_weekday;                    /* 0 = Monday */
  gc_world_cfg world;
  gc_population_cfg population;
  gc_activity_cfg activity;
  gc_sensor_cfg sensors;
  int nlists;
  gc_list_cfg list[GC_MAX_LISTS];
  int nrules;
  gc_rule_cfg rule[GC_MAX_RULES];
  gc_response_cfg response;
} gc_config;

#endif
