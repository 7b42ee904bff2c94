/*
** gc_world.h — regions and places, with a grid index for radius queries.
**
** Design.  Region 0 is the home city, a square of side city_km; regions
** 1..other_regions lie on a circle at other_distance_km; the capital is the
** last region.  Places are stored structure-of-arrays, sorted by region and
** then by type, so "a random hotel of region r" is a uniform index into
** range[r][type].  Coordinates are metres in one plane.  The spatial index
** is a uniform grid per region (cell side GC_WORLD_CELL_M) in CSR form:
** cell_start[c]..cell_start[c+1] index cell_place[], a cell's places in
** ascending id (so its places of one type are one run).  Radius queries visit
** only the cells the circle touches, and only in the query place's region,
** because regions are hundreds of kilometres apart.
** Homes are not places: a household's home is a coordinate in gc_population.
*/
#ifndef GC_WORLD_H
#define GC_WORLD_H

#include <stdint.h>
#include "gc_config.h"

#define GC_WORLD_CELL_M 500.0
#define GC_NO_DISTRICT 0xFFFFu

/* Sensors installed at a place besides the ID scanner (gc_world.equip). */
enum { GC_EQ_CAMERA = 1, GC_EQ_INFRARED = 2, GC_EQ_WIFI = 4, GC_EQ_PLATE = 8, GC_EQ_VISITOR = 16 };

typedef struct gc_world {
  int nregions;                         /* city + others + capital */
  int capital;                          /* region index of the capital */
  uint32_t nplaces;
  float *x, *y;                         /* metres */
  uint8_t *type;                        /* gc_place_type */
  uint8_t *region;
  uint8_t *scanner;                     /* 1: place has an ID scanner */
  uint8_t *equip;                       /* GC_EQ_* bits: other sensors at the place */
  uint16_t *district;                   /* patrol district of a city place; GC_NO_DISTRICT elsewhere */
  int districts_side, ndistricts;       /* city cut into side x side districts (>= 1); with
                                        ** response.patrol.incidents, ndistricts bands of x */
  uint32_t *dt_start;                   /* ndistricts * GC_PLACE_NTYPES + 1: city places of district d
                                           and type t are dt_place[dt_start[d*NT+t] .. dt_start[d*NT+t+1]] */
  uint32_t *dt_place;
  uint32_t range[GC_MAX_REGIONS][GC_PLACE_NTYPES + 1];  /* [r][t]..[r][t+1] */
  /* grid */
  double origin_x[GC_MAX_REGIONS], origin_y[GC_MAX_REGIONS];
  int nx[GC_MAX_REGIONS], ny[GC_MAX_REGIONS];
  uint32_t cell_base[GC_MAX_REGIONS];   /* first cell of region r */
  uint32_t ncells;
  uint32_t *cell_start;                 /* ncells + 1 */
  uint32_t *cell_place;                 /* nplaces */
  double city_m;                        /* side of the city in metres */
} gc_world;

/* Builds the world for cfg (population size sets the city's place counts).
** Returns 0, or -1 on allocation failure (w is then freed).  Caller owns w
** and frees it with gc_world_free. */
int gc_world_build(gc_world *w, const gc_config *cfg);
void gc_world_free(gc_world *w);

/* Number of places of type t the city (region 0) has for a population of size. */
uint32_t gc_world_city_places(const gc_config *cfg, int64_t size, int t);

/* Number of places of type t in each other region and in the capital for a
** home population of size: the fixed world.away_hotels / away_stations, or,
** when the scenario sets away_hotels_per_1000 / away_stations_per_1000 > 0,
** density x size / 1000, rounded, at least 1 (as in the city); 0 for the
** other types. */
uint32_t gc_world_away_places(const gc_config *cfg, int64_t size, int t);

/* Number of places of type t in region r. */
static inline uint32_t gc_world_count(const gc_world *w, int r, int t) {
  return w->range[r][t + 1] - w->range[r][t];
}

/* Writes into out[] (capacity max) the places of the same region within
** radius_m of place p, p itself included; returns how many there are (which
** may exceed max; only max are written). */
uint32_t gc_world_near(const gc_world *w, uint32_t p, double radius_m, uint32_t *out, uint32_t max);

/* The patrol district of a point of the home city (clamped to the city). */
static inline int gc_world_district_xy(const gc_world *w, double x, double y) {
  int side = w->districts_side;
  int cx = (int)(x / w->city_m * side), cy = (int)(y / w->city_m * side);
  cx = cx < 0 ? 0 : cx >= side ? side - 1 : cx;
  cy = cy < 0 ? 0 : cy >= side ? side - 1 : cy;
  return cy * side + cx;
}

/* Number of city places of type t in district d; the k-th is
** w->dt_place[w->dt_start[d * GC_PLACE_NTYPES + t] + k]. */
static inline uint32_t gc_world_dcount(const gc_world *w, int d, int t) {
  size_t b = (size_t)d * GC_PLACE_NTYPES + (size_t)t;
  return w->dt_start[b + 1] - w->dt_start[b];
}

/* District d's square of the grid: [*x0, *x0 + side_m) x [*y0, *y0 + side_m). */
static inline void gc_world_district_box(const gc_world *w, int d, double *x0, double *y0, double *side_m) {
  int side = w->districts_side;
  *side_m = w->city_m / side;
  *x0 = (d % side) * *side_m;
  *y0 = (d / side) * *side_m;
}

/* Distance in metres between two places. */
double gc_world_dist(const gc_world *w, uint32_t a, uint32_t b);

#endif
