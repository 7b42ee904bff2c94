/*
** gc_world.c — place generation and the grid index.
** Place counts in the city are density x population / 1000, rounded, and at
** least one for any positive density, so that small test cities still have
** a station and a hotel.  The other regions and the capital have a fixed
** number of hotels and stations (world.away_hotels, away_stations) unless
** the scenario gives them a density too (away_hotels_per_1000,
** away_stations_per_1000), counted the same way per region: our travellers
** are one city's share of a destination's guests, and a bigger home city
** sends more of them, so with a fixed number every away hotel would hold
** ever more of ours (and relationship inference's pairs there grow as the
** square of the population); a density keeps guests per away place
** constant.  Scanner placement draws once per place with the
** scenario's coverage for that place type.
** Other sensor equipment (cameras, some with infrared; wifi sniffers; plate
** readers; compound visitor systems) is placed afterwards from its own
** stream (purpose PLACEMENT, counter (place, 0, 0)), so adding or tuning a
** sensor never moves a place or a scanner, and a scenario without any such
** coverage draws nothing.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "gc_world.h"
#include "gc_rng.h"

/* The most places a world can have: every city type and both away types at
** the loader's largest densities and population, in every region.  Place
** ids are uint32_t with GC_NONE (UINT32_MAX) meaning none, so this must stay
** below it (about 0.6G against 4.29G). */
_Static_assert((double)GC_POPULATION_MAX / 1000.0 *
                       ((double)GC_PLACES_PER_1000_MAX * (GC_PLACE_NTYPES - 1) +
                        (double)(GC_AWAY_HOTELS_PER_1000_MAX + GC_AWAY_STATIONS_PER_1000_MAX) * (GC_MAX_REGIONS - 1)) +
                       2.0 * GC_PLACE_NTYPES * GC_MAX_REGIONS <
                   (double)UINT32_MAX,
               "place ids must fit in 32 bits at the largest population and densities");

/* density x size / 1000, rounded, at least 1; 0 for no density. */
static uint32_t per_1000(double d, int64_t size) {
  if (d <= 0) return 0;
  double n = d * (double)size / 1000.0;
  return n < 1 ? 1 : (uint32_t)llround(n);
}

uint32_t gc_world_city_places(const gc_config *cfg, int64_t size, int t) {
  return per_1000(cfg->world.places_per_1000[t], size);
}

uint32_t gc_world_away_places(const gc_config *cfg, int64_t size, int t) {
  const gc_world_cfg *w = &cfg->world;
  if (t == GC_PLACE_HOTEL)
    return w->away_hotels_per_1000 > 0 ? per_1000(w->away_hotels_per_1000, size) : (uint32_t)w->away_hotels;
  if (t == GC_PLACE_STATION)
    return w->away_stations_per_1000 > 0 ? per_1000(w->away_stations_per_1000, size) : (uint32_t)w->away_stations;
  return 0;
}

static uint32_t region_count(const gc_config *cfg, int r, int t) {
  return r == 0 ? gc_world_city_places(cfg, cfg->population.size, t)
                : gc_world_away_places(cfg, cfg->population.size, t);
}

static void region_centre(const gc_config *cfg, int r, int capital, double *cx, double *cy) {
  double half = cfg->world.city_km * 500.0;
  if (r == 0) { *cx = half; *cy = half; return; }
  double dist = (r == capital ? cfg->world.capital_distance_km : cfg->world.other_distance_km) * 1000.0;
  double angle = 6.283185307179586 * (double)r / (double)(capital + 1);
  *cx = half + dist * cos(angle);
  *cy = half + dist * sin(angle);
}

/* Side of the square a region's places are spread over, in metres. */
static double region_side(const gc_config *cfg, int r) {
  return r == 0 ? cfg->world.city_km * 1000.0 : 10000.0;
}

static void place_points(gc_world *w, const gc_config *cfg, int r, uint32_t from, uint32_t to, gc_rng_key key) {
  double cx, cy, side = region_side(cfg, r);
  region_centre(cfg, r, w->capital, &cx, &cy);
  for (uint32_t p = from; p < to; p++) {
    philox4x32_ctr_t u = gc_rng4(key, p, 0, 0);
    w->x[p] = (float)(cx - side / 2 + gc_u01(u.v[0]) * side);
    w->y[p] = (float)(cy - side / 2 + gc_u01(u.v[1]) * side);
    int t = w->type[p];
    double cov = cfg->sensors.id_coverage[t];
    w->scanner[p] = (uint8_t)(gc_u01(u.v[2]) < cov);
  }
}

static int build_grid(gc_world *w, const gc_config *cfg) {
  w->ncells = 0;
  for (int r = 0; r < w->nregions; r++) {
    double cx, cy, side = region_side(cfg, r);
    region_centre(cfg, r, w->capital, &cx, &cy);
    w->origin_x[r] = cx - side / 2;
    w->origin_y[r] = cy - side / 2;
    w->nx[r] = (int)ceil(side / GC_WORLD_CELL_M) + 1;
    w->ny[r] = w->nx[r];
    w->cell_base[r] = w->ncells;
    w->ncells += (uint32_t)(w->nx[r] * w->ny[r]);
  }
  w->cell_start = calloc((size_t)w->ncells + 1, sizeof *w->cell_start);
  w->cell_place = malloc(((size_t)w->nplaces + 1) * sizeof *w->cell_place);
  uint32_t *cell_of = malloc(((size_t)w->nplaces + 1) * sizeof *cell_of);
  if (!w->cell_start || !w->cell_place || !cell_of) { free(cell_of); return -1; }
  for (uint32_t p = 0; p < w->nplaces; p++) {
    int r = w->region[p];
    int ix = (int)((w->x[p] - w->origin_x[r]) / GC_WORLD_CELL_M);
    int iy = (int)((w->y[p] - w->origin_y[r]) / GC_WORLD_CELL_M);
    ix = ix < 0 ? 0 : ix >= w->nx[r] ? w->nx[r] - 1 : ix;
    iy = iy < 0 ? 0 : iy >= w->ny[r] ? w->ny[r] - 1 : iy;
    cell_of[p] = w->cell_base[r] + (uint32_t)(iy * w->nx[r] + ix);
    w->cell_start[cell_of[p] + 1]++;
  }
  for (uint32_t c = 0; c < w->ncells; c++) w->cell_start[c + 1] += w->cell_start[c];
  uint32_t *fill = malloc(((size_t)w->ncells + 1) * sizeof *fill);
  if (!fill) { free(cell_of); return -1; }
  memcpy(fill, w->cell_start, (size_t)w->ncells * sizeof *fill);
  for (uint32_t p = 0; p < w->nplaces; p++) w->cell_place[fill[cell_of[p]]++] = p;
  free(fill);
  free(cell_of);
  return 0;
}

static int any_positive(const double *v, int n) {
  for (int i = 0; i < n; i++)
    if (v[i] > 0) return 1;
  return 0;
}

/* GC_EQ_* bits of every place from the coverage shares of its type. */
static void place_equipment(gc_world *w, const gc_config *cfg) {
  const gc_sensor_cfg *s = &cfg->sensors;
  if (!any_positive(s->cctv.coverage, GC_PLACE_NTYPES) && !any_positive(s->wifi_coverage, GC_PLACE_NTYPES) &&
      !any_positive(s->plate_coverage, GC_PLACE_NTYPES) && !(s->compound_coverage > 0))
    return;
  gc_rng_key key = gc_rng_key_make(cfg->seed, GC_RNG_PLACEMENT);
  for (uint32_t p = 0; p < w->nplaces; p++) {
    int t = w->type[p];
    philox4x32_ctr_t u = gc_rng4(key, p, 0, 0);
    uint8_t eq = 0;
    if (gc_u01(u.v[0]) < s->cctv.coverage[t]) {
      eq |= GC_EQ_CAMERA;
      if (gc_u01(u.v[1]) < s->cctv.infrared) eq |= GC_EQ_INFRARED;
    }
    if (gc_u01(u.v[2]) < s->wifi_coverage[t]) eq |= GC_EQ_WIFI;
    if (gc_u01(u.v[3]) < s->plate_coverage[t]) eq |= GC_EQ_PLATE;
    if (t == GC_PLACE_COMPOUND && gc_u01(gc_rng4(key, p, 1, 0).v[0]) < s->compound_coverage) eq |= GC_EQ_VISITOR;
    w->equip[p] = eq;
  }
}

/* Patrol districts: a side x side grid over the home city, or, in the
** abstract incident mode (response.patrol.incidents), a 1 x N strip of
** vertical bands (no agent's offence feeds the patrols then; the bands only
** say where patrol stops happen). */
static void assign_districts(gc_world *w, const gc_config *cfg) {
  int side = cfg->response.patrol.districts_side, strip = cfg->response.patrol.nincidents;
  w->districts_side = side > 0 ? side : 1;
  w->ndistricts = w->districts_side * w->districts_side;
  if (strip > 0) {
    w->ndistricts = strip;
    for (uint32_t p = 0; p < w->nplaces; p++) {
      int d = (int)(w->x[p] / w->city_m * strip);
      d = d < 0 ? 0 : d >= strip ? strip - 1 : d;
      w->district[p] = w->region[p] == 0 ? (uint16_t)d : GC_NO_DISTRICT;
    }
    return;
  }
  for (uint32_t p = 0; p < w->nplaces; p++)
    w->district[p] = w->region[p] == 0 ? (uint16_t)gc_world_district_xy(w, w->x[p], w->y[p]) : GC_NO_DISTRICT;
}

/* City places by (district, type), a CSR in place order: "a random leisure
** place of district d" (offences near the offender's home) is a uniform
** index into one range.  One counting pass over the places. */
static int district_index(gc_world *w) {
  size_t nb = (size_t)w->ndistricts * GC_PLACE_NTYPES;
  w->dt_start = calloc(nb + 1, sizeof *w->dt_start);
  w->dt_place = malloc(((size_t)w->nplaces + 1) * sizeof *w->dt_place);
  uint32_t *fill = malloc((nb + 1) * sizeof *fill);
  if (!w->dt_start || !w->dt_place || !fill) {
    free(fill);
    return -1;
  }
  for (uint32_t p = 0; p < w->nplaces; p++)
    if (w->district[p] != GC_NO_DISTRICT) w->dt_start[(size_t)w->district[p] * GC_PLACE_NTYPES + w->type[p] + 1]++;
  for (size_t b = 0; b < nb; b++) w->dt_start[b + 1] += w->dt_start[b];
  memcpy(fill, w->dt_start, nb * sizeof *fill);
  for (uint32_t p = 0; p < w->nplaces; p++)
    if (w->district[p] != GC_NO_DISTRICT) w->dt_place[fill[(size_t)w->district[p] * GC_PLACE_NTYPES + w->type[p]]++] = p;
  free(fill);
  return 0;
}

int gc_world_build(gc_world *w, const gc_config *cfg) {
  memset(w, 0, sizeof *w);
  w->nregions = cfg->world.other_regions + 2;
  w->capital = w->nregions - 1;
  w->city_m = cfg->world.city_km * 1000.0;
  uint32_t n = 0;
  for (int r = 0; r < w->nregions; r++)
    for (int t = 0; t < GC_PLACE_NTYPES; t++) {
      w->range[r][t] = n;
      n += region_count(cfg, r, t);
      w->range[r][t + 1] = n;
    }
  w->nplaces = n;
  size_t m = (size_t)n + 1;
  w->x = malloc(m * sizeof *w->x);
  w->y = malloc(m * sizeof *w->y);
  w->type = malloc(m);
  w->region = malloc(m);
  w->scanner = malloc(m);
  w->equip = calloc(m, 1);
  w->district = malloc(m * sizeof *w->district);
  if (!w->x || !w->y || !w->type || !w->region || !w->scanner || !w->equip || !w->district) goto err;
  gc_rng_key key = gc_rng_key_make(cfg->seed, GC_RNG_WORLD);
  for (int r = 0; r < w->nregions; r++)
    for (int t = 0; t < GC_PLACE_NTYPES; t++)
      for (uint32_t p = w->range[r][t]; p < w->range[r][t + 1]; p++) {
        w->type[p] = (uint8_t)t;
        w->region[p] = (uint8_t)r;
      }
  for (int r = 0; r < w->nregions; r++)
    place_points(w, cfg, r, w->range[r][0], w->range[r][GC_PLACE_NTYPES], key);
  place_equipment(w, cfg);
  if (build_grid(w, cfg)) goto err;
  assign_districts(w, cfg);
  if (district_index(w)) goto err;
  return 0;
err:
  gc_world_free(w);
  return -1;
}

void gc_world_free(gc_world *w) {
  free(w->x); free(w->y); free(w->type); free(w->region); free(w->scanner);
  free(w->equip); free(w->district);
  free(w->cell_start); free(w->cell_place); free(w->dt_start); free(w->dt_place);
  memset(w, 0, sizeof *w);
}

double gc_world_dist(const gc_world *w, uint32_t a, uint32_t b) {
  double dx = (double)w->x[a] - w->x[b], dy = (double)w->y[a] - w->y[b];
  return sqrt(dx * dx + dy * dy);
}

uint32_t gc_world_near(const gc_world *w, uint32_t p, double radius_m, uint32_t *out, uint32_t max) {
  int r = w->region[p];
  int x0 = (int)floor((w->x[p] - radius_m - w->origin_x[r]) / GC_WORLD_CELL_M);
  int x1 = (int)floor((w->x[p] + radius_m - w->origin_x[r]) / GC_WORLD_CELL_M);
  int y0 = (int)floor((w->y[p] - radius_m - w->origin_y[r]) / GC_WORLD_CELL_M);
  int y1 = (int)floor((w->y[p] + radius_m - w->origin_y[r]) / GC_WORLD_CELL_M);
  x0 = x0 < 0 ? 0 : x0; y0 = y0 < 0 ? 0 : y0;
  x1 = x1 >= w->nx[r] ? w->nx[r] - 1 : x1;
  y1 = y1 >= w->ny[r] ? w->ny[r] - 1 : y1;
  uint32_t k = 0;
  double r2 = radius_m * radius_m;
  for (int iy = y0; iy <= y1; iy++)
    for (int ix = x0; ix <= x1; ix++) {
      uint32_t c = w->cell_base[r] + (uint32_t)(iy * w->nx[r] + ix);
      for (uint32_t i = w->cell_start[c]; i < w->cell_start[c + 1]; i++) {
        uint32_t q = w->cell_place[i];
        double dx = (double)w->x[q] - w->x[p], dy = (double)w->y[q] - w->y[p];
        if (q == p || dx * dx + dy * dy <= r2) {
          if (k < max) out[k] = q;
          k++;
        }
      }
    }
  return k;
}
