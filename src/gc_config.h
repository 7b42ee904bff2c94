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
#define GC_MAX_TRUST     4    /* household trust levels */
#define GC_MAX_RISK      4    /* person risk levels (level 0 = none) */
#define GC_MAX_FEATURES  12   /* weighted features of a score rule */
#define GC_MAX_UNUSUAL   8    /* (condition, probability) pairs of home-visit reports */
#define GC_MAX_DISTRICTS 64   /* patrol districts (side <= 8) */
#define GC_MAX_NEIGHBOURHOODS 8  /* residential-segregation entries of population.households */

#define GC_POPULATION_MAX 50000000  /* 50M: beyond this a run is refused */
/* Largest densities the loader accepts (places per 1,000 people): with
** GC_POPULATION_MAX people every place id stays below GC_NONE (gc_world.c
** checks it at compile time). */
#define GC_PLACES_PER_1000_MAX 1000        /* world.places_per_1000, each city type */
#define GC_AWAY_HOTELS_PER_1000_MAX 100    /* world.away_hotels_per_1000 */
#define GC_AWAY_STATIONS_PER_1000_MAX 10   /* world.away_stations_per_1000 */
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
  GC_PLACE_COMPOUND,     /* gate of a residential compound (visitor systems, HRW-2018) */
  GC_PLACE_RELIGIOUS,    /* mosque, temple, church */
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
  GC_BEH_COMPOUND_VISIT,  /* entries into another residential compound, per day */
  GC_BEH_COMPANIONS,      /* mean companions per compound entry (not a daily rate) */
  GC_BEH_NEW_COMPANION,   /* probability a companion is a stranger rather than a tie */
  GC_BEH_PARTNER_VISIT,   /* probability of a night with a partner who lives apart */
  GC_BEH_RELIGIOUS,       /* visits to a religious site, per day */
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
  GC_EV_SIGHTING,             /* CCTV face match */
  GC_EV_WIFI,                 /* device seen by a wifi sniffer, linked to its registered owner */
  GC_EV_PLATE,                /* plate read of a vehicle registered to the person */
  GC_EV_COMPOUND_ENTRY,       /* entry into another compound recorded by its visitor system */
  GC_EV_COMPANION,            /* a companion recorded with the person's compound entry; other = companion */
  GC_EV_TICKET,               /* real-name railway ticket bought */
  GC_EV_TICKET_NO_SHOW,       /* ticket not used (a decoy) */
  GC_EV_UNUSUAL,              /* home-visit report marked the person "unusual" */
  GC_EV_PAYMENT,              /* mobile payment at a shop */
  GC_EV_VEHICLE_MISMATCH,     /* face-matched driver in a vehicle registered to someone else */
  GC_EV_NKINDS
} gc_event_kind;

typedef enum { GC_MEASURE_ELECTRICITY = 0, GC_MEASURE_WATER, GC_MEASURE_PURCHASE } gc_measure;
typedef enum { GC_OVER_BASELINE = 0, GC_OVER_PERCENTILE } gc_over;

typedef enum {
  GC_RULE_PRESENCE = 0,
  GC_RULE_COPRESENCE,
  GC_RULE_FREQUENCY,
  GC_RULE_BASELINE,
  GC_RULE_MOVEMENT,       /* leaves the home city / heads to a destination */
  GC_RULE_ABSENCE,        /* an expected signal missing for >= days */
  GC_RULE_DWELL,          /* time at a place type >= minutes */
  GC_RULE_SCORE,          /* weighted features >= threshold => risk level */
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

/* Destinations of movement rules. */
typedef enum { GC_DEST_CAPITAL = 0, GC_DEST_OTHER_REGION, GC_DEST_ANY } gc_destination;

/* Signals whose absence an absence rule watches. */
typedef enum {
  GC_SIGNAL_PHONE = 0,     /* phone-off records on `days` consecutive days */
  GC_SIGNAL_OFF_GRID,      /* no observation of any kind of the person for `days` days */
  GC_SIGNAL_PARTNER,       /* no night together with a partner registered elsewhere for `days` days */
  GC_SIGNAL_PAYMENTS,      /* no mobile payment for `days` days by someone who paid before */
  GC_SIGNAL_N
} gc_signal;

/* Evasion behaviours of aware agents (NYT-2022, Tianjin). */
typedef enum {
  GC_EVADE_PHONE_OFF = 0,  /* phone off on trip days */
  GC_EVADE_CASH,           /* pay cash: purchases and payments not linked to the ID */
  GC_EVADE_DECOY_TICKET,   /* buy a ticket to another destination, travel otherwise */
  GC_EVADE_PRIVATE_DRIVER, /* travel in a hired car: no station scans, the driver's plate */
  GC_EVADE_CHANGE_VEHICLE, /* drive a vehicle registered to someone else */
  GC_EVADE_N
} gc_evasion;

/* Features of score rules. */
typedef enum {
  GC_FEAT_COND = 0,        /* meets `cond` (trait, list, trust or risk level) */
  GC_FEAT_EVENTS,          /* count of observations of `event` in the last window_days */
  GC_FEAT_ALERTS,          /* alerts of rule `rule` (-1: any rule) in the last window_days */
  GC_FEAT_ACTIONS,         /* police actions on the person in the last window_days */
  GC_FEAT_TIES,            /* ties (as the platform knows them) to members of list `cond.index` */
  GC_FEAT_N
} gc_feature_kind;

typedef enum {
  GC_COND_TRAIT = 0,
  GC_COND_TRUTH,
  GC_COND_LIST,
  GC_COND_TRUST,           /* household trust level == value */
  GC_COND_RISK             /* person's risk level >= value (1..nrisk-1) */
} gc_cond_kind;

typedef struct gc_cond {
  uint8_t kind;    /* gc_cond_kind */
  uint8_t index;   /* trait, truth or list index; 0 for trust and risk */
  uint8_t value;   /* trait value index; 1 for truth/list ("has it"); trust or risk level */
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
  double minutes;                       /* mean length of a stay (stay behaviours); 0: built-in */
  int nminmult;
  gc_multiplier minmult[GC_MAX_MULT];   /* multiply the stay length (loitering pickpockets) */
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
  double away_hotels_per_1000;          /* > 0: replaces away_hotels with this many per 1,000 of
                                           the home population, per region (gc_world_away_places) */
  double away_stations_per_1000;        /* > 0: likewise for away_stations */
} gc_world_cfg;

/* Residential segregation (Lum & Isaac 2016: the groups a hotspot map
** targets live in some neighbourhoods): a household whose head meets `cond`
** (the first entry that matches) has its home, with probability `share`,
** uniformly inside one of `district[]` (patrol districts of
** response.patrol.districts), and otherwise anywhere in the city. */
typedef struct gc_neighbourhood_cfg {
  gc_cond cond;                         /* a trait condition on the household head */
  double share;
  int ndistricts;
  uint8_t district[GC_MAX_DISTRICTS];   /* distinct, each < districts_side^2 */
} gc_neighbourhood_cfg;

typedef struct gc_household_cfg {
  int nsizes;
  int size[GC_MAX_HHSIZES];
  double share[GC_MAX_HHSIZES];
  gc_cond crowded_if;                   /* households whose head meets this... */
  double crowded_share;                 /* ...are crowded with this probability */
  int ncrowded;
  int crowded_size[GC_MAX_HHSIZES];
  double crowded_size_share[GC_MAX_HHSIZES];
  int nneighbourhoods;                  /* 0: homes uniform over the city */
  gc_neighbourhood_cfg neighbourhood[GC_MAX_NEIGHBOURHOODS];
} gc_household_cfg;

typedef struct gc_ties_cfg {
  double friends;                       /* mean friends per agent */
  double coworkers;                     /* mean coworker ties per worker */
  double couple_share;                  /* adults in a couple */
  double couple_apart;                  /* couples living apart for work */
  double family_out_of_region;          /* agents with family in another region */
} gc_ties_cfg;

/* Trust levels of households (HRW-2018: visits "from daily to once every
** two months" depending on whether a family is deemed trustworthy).
** nlevels == 0 switches trust and home visits off. */
typedef struct gc_trust_cfg {
  int nlevels;
  char level[GC_MAX_TRUST][GC_NAME_MAX];     /* most trusted first */
  double visit_every_days[GC_MAX_TRUST];     /* mean days between home visits; 0: never */
  int initial;                               /* level of a household nobody below matches */
  int ngiven;
  gc_cond given[GC_MAX_GIVEN];               /* a household whose head meets given[k]... */
  int given_level[GC_MAX_GIVEN];             /* ...starts at this level (first match wins) */
  int drop_per_action;                       /* levels lost when a member is acted on */
  int recover_days;                          /* days without action to regain a level; 0 never */
} gc_trust_cfg;

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
  double phone_registered_to_user;      /* else registered to a household member... */
  double phone_second_hand;             /* ...or, with this share, to an unrelated person (second-hand SIM) */
  double vehicle_owner;                 /* share of adults (non-students) with a vehicle */
  double vehicle_registered_to_user;    /* else registered to the household head */
  gc_trust_cfg trust;
  int nrisk;                            /* risk levels incl. level 0 ("none"); 0: no score rules */
  char risk[GC_MAX_RISK][GC_NAME_MAX];
} gc_population_cfg;

/* How agents react to policing (HRW-2018, NYT-2022: "surveillance itself
** deters"; Tianjin's "anti-reconnaissance awareness"). */
typedef struct gc_evasion_cfg {
  double prob;                          /* P(an aware agent uses it), per occasion */
  double cost_money;                    /* per use, yuan */
  double cost_minutes;                  /* per use */
} gc_evasion_cfg;



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
  uint16_t offence_places;              /* bit per place type where offences happen (default: station) */
  int offences_near_home;               /* 1: at a place of those types in the offender's home
                                           district (the city if it has none); 0: anywhere */
  int petition_truth;                   /* lawful truth whose capital trips are petitions; -1 none */
  double trip_by_car;                   /* share of vehicle owners' trips made by car */
  int holiday_first_day, holiday_days;  /* a festival (Spring Festival): weekend rates, partners meet */
  double holiday_partner_visit;         /* P(night together) per holiday day for couples apart */
  double travel_together;               /* P(each household member joins a trip), co-travel and co-stays */
} gc_activity_cfg;

/* CCTV with face matching (HRW-2018; Zhouning, NYT-2022). */
typedef struct gc_cctv_cfg {
  double coverage[GC_PLACE_NTYPES];     /* share of places of each type with a camera */
  double infrared;                      /* share of cameras that see at night */
  double night_factor;                  /* detection factor at night (20:00-06:00) without infrared */
  double miss;                          /* P(a person in view is not matched) */
  double false_match;                   /* P(a sighting is attributed to the wrong person) */
  int homes_list;                       /* list whose members' homes get a camera; -1 none */
  int homes_count;                      /* how many such homes (Zhouning: 9); -1 all */
} gc_cctv_cfg;

typedef struct gc_home_visit_cfg {
  int nunusual;                         /* a member meeting cond[k] is marked unusual with prob[k] */
  gc_cond unusual_if[GC_MAX_UNUSUAL];   /* (truth: what visits claim to notice; traits: bias) */
  double unusual_prob[GC_MAX_UNUSUAL];  /* first match wins */
  double unusual_otherwise;             /* P(marked unusual) for everyone else, per visit */
} gc_home_visit_cfg;

/* Relationship inference from co-stays and co-travel (HRW-2017). */
typedef struct gc_inference_cfg {
  int enabled;
  int min_together;                     /* co-occurrences before a tie is inferred */
  int travel_minutes;                   /* co-travel: scanned at one station within this */
  int window_days;                      /* co-occurrences count only within this many days of the
                                           previous one; older unconfirmed pairs are forgotten (0: never) */
  int from_list, join_list;             /* inferred associates of from_list join join_list; -1 none */
} gc_inference_cfg;

typedef struct gc_sensor_cfg {
  double id_coverage[GC_PLACE_NTYPES];  /* share of places with an ID scanner (hotel, station, checkpoint) */
  double id_detection[GC_PLACE_NTYPES]; /* probability a visit at an equipped place is scanned */
  double id_identity_error;             /* scan records another person's ID */
  double phone_coverage;                /* share of phone records the platform receives */
  double purchase_coverage;             /* share of purchases linked to an ID */
  double meter_coverage;                /* share of households with a reporting meter */
  gc_cctv_cfg cctv;
  double wifi_coverage[GC_PLACE_NTYPES];/* share of places with a wifi sniffer */
  double wifi_detection;                /* P(a present phone is logged) */
  double plate_coverage[GC_PLACE_NTYPES];  /* share of places with a plate reader (checkpoints) */
  double plate_detection;
  double plate_misread;                 /* P(read attributed to a wrong vehicle) */
  double compound_coverage;             /* share of compounds with a visitor system */
  double companion_recorded;            /* P(a companion is registered with the entry) */
  double railway_coverage;              /* share of rail trips with a real-name ticket record */
  double payment_coverage;              /* share of shop visits paid by a traceable mobile payment */
  double phone_location_coverage;       /* nights away from home located by the phone network */
  double linkage_error;                 /* P(a record linked by ID goes to the wrong person) */
  gc_home_visit_cfg home_visit;
  gc_inference_cfg inference;
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

typedef struct gc_score_feature {
  int kind;                             /* gc_feature_kind */
  gc_cond cond;                         /* GC_FEAT_COND; list index for GC_FEAT_TIES */
  int event;                            /* GC_FEAT_EVENTS: gc_event_kind */
  int rule;                             /* GC_FEAT_ALERTS: rule index, -1 any */
  int window_days;
  double weight;                        /* added per unit (per count, or once for a condition) */
  double cap;                           /* at most this many units count; 0: no cap */
} gc_score_feature;

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
  /* frequency */
  int distinct;                         /* count distinct `other` (companions) instead of records */
  /* movement */
  int destination;                      /* gc_destination */
  /* absence */
  int signal;                           /* gc_signal */
  int days;                             /* missing for at least this many days */
  /* dwell */
  int min_minutes;                      /* time at `where` ... */
  /* (window_days: summed over this many days; 1 = one stay) */
  /* score */
  int nfeatures;
  gc_score_feature feature[GC_MAX_FEATURES];
  double level_at[GC_MAX_RISK];         /* score >= level_at[l] => risk level l (l >= 1) */
  int alert_level;                      /* alert when the level rises to >= this */
} gc_rule_cfg;

typedef struct gc_action_cfg {
  int cost;                             /* officer-slots per action */
  double finds;                         /* probability a true claimed condition is found */
  double false_finding;                 /* probability of "finding" something that is not there */
  int on_finding;                       /* gc_action_type taken after a finding */
  int days;                             /* detention length */
} gc_action_cfg;

/* Place-based patrols sent where incidents were discovered before: the
** runaway-feedback mechanism of Ensign et al. (2018) and Lum & Isaac (2016).
** The city is cut into side x side districts; each day `patrols` districts
** are drawn with probability proportional to their discovery counts.
** With `incidents` (nincidents > 0) the districts are a 1 x nincidents strip
** and their incidents come from an abstract Poisson process per district,
** as in Ensign et al.'s urn, instead of from agents' offences. */
typedef struct gc_patrol_cfg {
  int patrols;                          /* patrols per day; 0 = off */
  int districts_side;
  double prior;                         /* initial discovery count of every district */
  int npriors;                          /* > 0: priors[] per district instead of `prior` */
  double priors[GC_MAX_DISTRICTS];
  int nincidents;                       /* > 0: abstract incident mode, this many districts */
  double incidents[GC_MAX_DISTRICTS];   /* daily Poisson rate of true incidents per district */
  double decay;                         /* daily decay of counts (0.01 = 1%) */
  double discover;                      /* P(an offence in a patrolled district is discovered) */
  double reported;                      /* P(an offence anywhere is reported by the public) */
  double stop;                          /* P(a person staying in a patrolled district is stopped), per stay */
  int correction;                       /* Ensign et al.: accept a discovery w.p. 1 - district share */
  int action;                           /* action taken on a discovered offender */
} gc_patrol_cfg;

typedef struct gc_reaction_cfg {
  gc_selector aware;                    /* initially aware of surveillance */
  int aware_after_action;               /* acted-on people become aware */
  gc_evasion_cfg evade[GC_EVADE_N];
  double deterrence;                    /* factor on offence rate after an action (1 = none) */
  int deterrence_days;                  /* how long; 0 = for the rest of the run */
  double chilling;                      /* P(a petitioner gives up the petition after an action) */
} gc_reaction_cfg;

typedef struct gc_response_cfg {
  int capacity_per_day;                 /* officer-slots per day */
  int npriorities;
  char priority[GC_MAX_PRIORITY][GC_NAME_MAX];
  gc_action_cfg action[GC_ACT_NTYPES];
  int enabled;                          /* 0: alerts are recorded, nobody acts (twin) */
  int carry_over_days;                  /* unhandled tasks wait this many days, then expire */
  int quota_per_day;                    /* actions officers must report each day */
  int quota_list;                       /* short of tasks, they visit members of this list; -1 none */
  int lower_risk_days;                  /* nothing found: risk level lowered by one this long; 0 off */
  int intercept;                        /* acting on a traveller on departure day ends the trip */
  gc_patrol_cfg patrol;
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
  gc_reaction_cfg reaction;
} gc_config;

#endif
