#!/usr/bin/python3
"""numpy_peer.py -- the NumPy peer of glasscage's pipeline (issue 6, peer 2).

usage: numpy_peer.py [POPULATION [DAYS]] [--scenario FILE] [--seed N]
                     [--compare FILE] [--scale BEHAVIOUR=FACTOR]...
       numpy_peer.py --matched-scenario OUT.yaml [--scenario FILE]
       (default 1000000 7, scenarios/default.yaml, the scenario's seed)

A straightforward vectorised NumPy implementation, as a researcher would
write it, of the default scenario's activity -> ID scan -> presence and
copresence pipeline: whole-population arrays, one pass per day and
behaviour, no Python loop over agents.  It reads its numbers from the
scenario file (python3-yaml) -- world, population (households, traits,
hidden truth), behaviour rates and multipliers, ID-scan coverage and
detection, lists and rules -- and reproduces glasscage's model
(src/gc_world.c, gc_population.c, gc_activity.c, sensors/gc_sensor_id_scan.c,
rules/gc_rule_presence.c and gc_rule_copresence.c) with its own random
numbers, so it can be compared statistically, never count for count:

  world       city places per 1,000 residents (rounded, at least one),
              `away_hotels` hotels and `away_stations` stations in every
              other region and the capital; an ID scanner per place with
              its type's coverage.
  population  households drawn head by head (crowded migrant housing),
              household-shared traits copied from the head, `given`
              shares, hidden truth, lists from traits; work or school,
              family region; behaviour multipliers.
  a day       weekday work or school; Poisson errands (shops), leisure and
              station visits; a Bernoulli local hotel night; Bernoulli
              capital and regional trips: departure at a city station (70%)
              or checkpoint, the destination's station if by rail, a hotel
              there unless staying with family (70% in the family's
              region), 1 + Poisson(trip_nights - 1) nights away (no city
              stays), and a return leg through a station or checkpoint.
  stays       (agent, place, start minute) arrays, one block per behaviour,
              concatenated per day; no end minute, since nothing downstream
              reads it (glasscage draws one per stay).
  ID scans    stays at places with a scanner, with the type's detection;
              identity_error records another household member's ID (a
              random person's for people living alone).
  rules       the scenario's presence and copresence rules on list
              selectors (the default's drug_history_hotel,
              petitioner_at_station, key_people_nearby_hotels and
              two_drug_users_one_hotel).  The copresence radius is not
              approximated: a neighbour matrix of the rule's places (same
              region, within radius_m, as gc_world_near) from pairwise
              distances of the peer's own random places, in NumPy.

Not modelled (glasscage does them, so it does strictly more work per
agent-day): calls, phone-off days, purchases, utility meters, the frequency
and baseline rules, police response (detentions, interceptions) and the
key_persons list it grows, the audit.  The peer's key_persons list therefore
stays empty, so key_people_nearby_hotels alerts less than glasscage's.

Prints "key value" lines: agent_days, build_seconds (world and population,
not compared), seconds (the days: activity, scans, rules), agent_days_per_
second, cpu_seconds (the process's CPU time over the same days),
observations (ID scans: the only observations the peer makes), ID scans and
true stays by place type, alerts per rule (triggers, as rule_daily.alerts),
peak_rss_mib.  check_seconds is the equivalence
bookkeeping, kept out of `seconds`.

--compare FILE reads glasscage's "key value" lines (bench_pipeline's) for
the same population and days and compares per-agent-day rates: stays per
place type, ID scans (all, and by place type) and the presence rule
drug_history_hotel must agree within TOLERANCE_SE standard errors of the
difference, or it prints "equivalence: MISMATCH" (what differs) and exits 1.
The standard error is the peer's own, from its per-household counts (a
cluster estimate: households are drawn independently, and traits, trips and
identity errors are shared within them), plus the variance of scanner
placement for hotel scans (coverage is per hotel), floored at the Poisson
variance of each side's count; glasscage's is taken to be the same per
agent-day.  The other rules are reported, not checked (see docs/performance.md).
--scale BEHAVIOUR=F multiplies a behaviour's rates (the test's negative
control: a wrong rate must give MISMATCH).

--matched-scenario OUT.yaml writes the scenario trimmed to what the peer
models (write_matched) and exits: bench/numpy_peer.sh times glasscage on it
too, to tell glasscage's speed from the extra work it does.
"""
import os
import resource
import sys
import time

import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE_SE = 5.0

# gc_place_type order (src/gc_config.h): place types are numbered as in glasscage
TYPES = ["home", "workplace", "school", "shop", "leisure", "station", "hotel", "checkpoint",
         "compound", "religious"]
T = {name: k for k, name in enumerate(TYPES)}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# ID-scan categories, as bench_pipeline prints them
SCANS = ["hotel_local", "hotel_away", "station", "checkpoint"]
CHECKED = ([f"stays_{t}" for t in TYPES[1:8]] + ["id_scans"] + [f"id_scans_{s}" for s in SCANS] +
           ["alerts_drug_history_hotel"])


# ---------------------------------------------------------------- scenario

def behaviour_rates(beh, scale):
    """(weekday, weekend, multipliers) per behaviour of activity.behaviours."""
    out = {}
    for name, b in beh.items():
        wd = b.get("weekday", b.get("rate", 0.0))
        we = b.get("weekend", b.get("rate", wd))
        f = scale.get(name, 1.0)
        out[name] = (wd * f, we * f, dict(b.get("multipliers") or {}))
    return out


# Scenario features that change stays or scans and that the peer does not
# reproduce: it refuses them rather than give rates that merely look wrong.
UNSUPPORTED = [("activity", "holiday"), ("activity", "travel_together"), ("population", "vehicles"),
               ("population", "households", "neighbourhoods"), ("reactions",),
               ("activity", "behaviours", "compound_visit"), ("activity", "behaviours", "religious"),
               ("activity", "behaviours", "partner_visit")]


def refuse_unsupported(sc):
    for keys in UNSUPPORTED:
        node = sc
        for k in keys:
            node = node.get(k) if isinstance(node, dict) else None
        if node:
            raise SystemExit(f"numpy_peer: {'.'.join(keys)} is not reproduced by the peer")


def load_scenario(path, n, days, scale):
    with open(path, encoding="utf-8") as f:
        sc = yaml.safe_load(f)
    refuse_unsupported(sc)
    sc["population"]["size"] = n
    sc["days"] = days
    sc["rates"] = behaviour_rates(sc["activity"]["behaviours"], scale)
    return sc


# ------------------------------------------------------------------- world

class World:
    """Places numbered by region, then type (gc_world.h), with scanners."""

    def __init__(self, sc, rng):
        w, n = sc["world"], sc["population"]["size"]
        self.nregions = w["other_regions"] + 2
        self.capital = self.nregions - 1
        counts = np.zeros((self.nregions, len(TYPES)), np.int64)
        for t, d in (w.get("places_per_1000") or {}).items():
            if d > 0:   # llround, and at least one place (gc_world.c city_count)
                counts[0, T[t]] = max(1, int(np.floor(d * n / 1000.0 + 0.5)))
        counts[1:, T["hotel"]] = w["away_hotels"]
        counts[1:, T["station"]] = w["away_stations"]
        self.count = counts
        self.start = np.concatenate(([0], np.cumsum(counts.ravel())[:-1])).reshape(counts.shape)
        self.type = np.repeat(np.tile(np.arange(len(TYPES)), self.nregions), counts.ravel()).astype(np.int8)
        self.region = np.repeat(np.arange(self.nregions), counts.sum(1)).astype(np.int8)
        self.nplaces = len(self.type)
        self.place_points(w, rng)
        self.place_scanners(sc["sensors"]["id_scan"], rng)

    def place_points(self, w, rng):
        """Uniform in the city's square, or a 10 km square around a region's
        centre on a circle (the capital farther out), as gc_world.c."""
        half = w["city_km"] * 500.0
        r = np.arange(self.nregions)
        dist = np.where(r == self.capital, w["capital_distance_km"], w["other_distance_km"]) * 1000.0
        angle = 2 * np.pi * r / (self.capital + 1)
        cx = np.where(r == 0, half, half + dist * np.cos(angle))
        cy = np.where(r == 0, half, half + dist * np.sin(angle))
        side = np.where(r == 0, w["city_km"] * 1000.0, 10000.0)
        reg = self.region.astype(np.int64)
        self.x = cx[reg] - side[reg] / 2 + rng.random(self.nplaces) * side[reg]
        self.y = cy[reg] - side[reg] / 2 + rng.random(self.nplaces) * side[reg]

    def place_scanners(self, ids, rng):
        self.coverage = np.zeros(len(TYPES))
        self.detection = np.zeros(len(TYPES))
        for t in ("hotel", "station", "checkpoint"):
            self.coverage[T[t]] = ids.get(t, {}).get("coverage", 1.0)
            self.detection[T[t]] = ids.get(t, {}).get("detection", 1.0)
        self.identity_error = ids.get("identity_error", 0.0)
        self.scanner = rng.random(self.nplaces) < self.coverage[self.type]

    def random_place(self, rng, region, t, k):
        """k uniform places of type t in region (scalar or per-stay array);
        None if there is none (a scalar region without such places)."""
        cnt = self.count[region, t]
        if np.isscalar(cnt) or np.ndim(cnt) == 0:
            return None if cnt == 0 else self.start[region, t] + rng.integers(0, cnt, k)
        return self.start[region, t] + (rng.random(k) * cnt).astype(np.int64)

    def near_matrix(self, mask, radius):
        """Boolean matrix over the places of the types in `mask`: same region
        and within radius (place itself included), as gc_world_near; built
        a block of rows at a time so it never holds more than a block of
        distances."""
        ids = np.flatnonzero(mask[self.type])
        x, y, r = self.x[ids], self.y[ids], self.region[ids]
        near = np.zeros((len(ids), len(ids)), bool)
        for a in range(0, len(ids), 1024):
            b = slice(a, a + 1024)
            d2 = (x[b, None] - x[None, :]) ** 2 + (y[b, None] - y[None, :]) ** 2
            near[b] = (r[b, None] == r[None, :]) & (d2 <= radius * radius)
        index = np.full(self.nplaces, -1, np.int64)
        index[ids] = np.arange(len(ids))
        return near, index


# -------------------------------------------------------------- population

def parse_cond(text, traits, truth):
    """A condition of the scenario language: `trait` (yes), `trait=value` or
    a hidden-truth name.  Returns a function of the population's arrays."""
    name, _, value = str(text).partition("=")
    if name in traits:
        v = traits[name]["values"].index(value or "yes")
        return lambda p: p["trait"][name] == v
    if name in truth:
        return lambda p: p["truth"][name]
    raise SystemExit(f"numpy_peer: condition {text!r} is not a trait or hidden truth")


def trait_specs(pc):
    """Traits in declaration order: values, shares, household flag, givens."""
    specs = {}
    for name, t in pc["traits"].items():
        if "values" in t:
            values, share = list(t["values"]), np.array(list(t["values"].values()), float)
        else:
            values, share = ["no", "yes"], np.array([1 - t["prevalence"], t["prevalence"]])
        specs[name] = {"values": values, "share": share, "household": bool(t.get("household")),
                       "given": t.get("given") or {}}
    for name, s in specs.items():
        rows = []
        for cond, g in s["given"].items():
            row = np.array([g[v] for v in s["values"]], float) if isinstance(g, dict) else np.array([1 - g, g])
            rows.append((parse_cond(cond, specs, {}), row))
        s["given"] = rows
    return specs


def pick(rng, default, given, p, k):
    """Index of each of k draws from per-person shares: the first matching
    `given` row, else the default (gc_population.c draw_trait)."""
    sel = np.zeros(k, np.int64)
    for g, (cond, _) in reversed(list(enumerate(given))):
        sel[cond(p)] = g + 1
    cum = np.cumsum(np.vstack([default] + [row for _, row in given]), axis=1)[:, :-1]
    return (rng.random(k)[:, None] >= cum[sel]).sum(1).astype(np.int8)


def draw_heads(specs, hc, rng, k):
    """k household heads: all traits, then size (crowded housing if the
    head meets `crowded.if`)."""
    p = {"trait": {}, "truth": {}}
    for name, s in specs.items():
        p["trait"][name] = pick(rng, s["share"], s["given"], p, k)
    sizes, shares = np.array(list(hc["sizes"].keys())), np.array(list(hc["sizes"].values()), float)
    size = sizes[pick(rng, shares, [], p, k)]
    cr = hc.get("crowded")
    if cr:
        crowded = parse_cond(cr["if"], specs, {})(p) & (rng.random(k) < cr["share"])
        csizes, cshares = np.array(list(cr["sizes"].keys())), np.array(list(cr["sizes"].values()), float)
        size = np.where(crowded, csizes[pick(rng, cshares, [], p, k)], size)
    return p["trait"], size


def households(specs, hc, n, rng):
    """Heads drawn in batches until the households hold n people (the last
    one cut short, as gc_population.c); returns head traits and sizes."""
    heads, sizes = [], []
    total = 0
    while total < n:
        tr, size = draw_heads(specs, hc, rng, n // 2 + 64)
        heads.append(tr)
        sizes.append(size)
        total += int(size.sum())
    size = np.concatenate(sizes)
    head = {t: np.concatenate([h[t] for h in heads]) for t in specs}
    nh = int(np.searchsorted(np.cumsum(size), n)) + 1
    size = size[:nh].copy()
    size[-1] -= int(size.sum()) - n
    return {t: v[:nh] for t, v in head.items()}, size


class Population:
    def __init__(self, sc, world, rng):
        pc, n = sc["population"], sc["population"]["size"]
        self.n = n
        specs = trait_specs(pc)
        head, size = households(specs, pc["households"], n, rng)
        self.hh = np.repeat(np.arange(len(size)), size)
        self.nhh = len(size)
        self.hh_start = np.concatenate(([0], np.cumsum(size)[:-1]))
        self.hh_size = size
        self.draw_traits(specs, head, rng)
        self.draw_truth(pc.get("truth") or {}, specs, rng)
        self.draw_lists(sc.get("lists") or {}, specs, pc.get("truth") or {})
        self.draw_attributes(pc, sc, world, rng)

    def draw_traits(self, specs, head, rng):
        """Shared traits copied from the head; the rest drawn for members in
        order, so a `given` sees the member's own earlier traits."""
        p = {"trait": {t: v[self.hh] for t, v in head.items()}, "truth": {}}
        member = np.flatnonzero(np.arange(self.n) != self.hh_start[self.hh])
        for name, s in specs.items():
            if s["household"]:
                continue
            sub = {"trait": {t: v[member] for t, v in p["trait"].items()}}
            p["trait"][name][member] = pick(rng, s["share"], s["given"], sub, len(member))
        self.p = p
        self.specs = specs

    def draw_truth(self, truth, specs, rng):
        for name, t in truth.items():
            prev = np.full(self.n, float(t.get("prevalence", 0.0)))
            for cond, share in reversed(list((t.get("given") or {}).items())):
                prev[parse_cond(cond, specs, self.p["truth"])(self.p)] = share
            self.p["truth"][name] = rng.random(self.n) < prev

    def draw_lists(self, lists, specs, truth):
        """List bits in scenario order, from trait (or truth) membership."""
        self.list_bit = {}
        self.lists = np.zeros(self.n, np.uint16)
        self.exempt = 0
        for k, (name, l) in enumerate(lists.items()):
            self.list_bit[name] = 1 << k
            members = (l or {}).get("members", "none")
            if members != "none":
                self.lists[parse_cond(members, specs, truth)(self.p)] |= np.uint16(1 << k)
            if (l or {}).get("exempt"):
                self.exempt |= 1 << k

    def draw_attributes(self, pc, sc, world, rng):
        """Work or school, family region, behaviour multipliers."""
        u = rng.random(self.n)
        self.work = np.full(self.n, -1, np.int64)
        emp = u < pc["employed"]
        stu = ~emp & (u < pc["employed"] + pc["students"])
        for mask, t in ((emp, T["workplace"]), (stu, T["school"])):
            if world.count[0, t]:
                self.work[mask] = world.random_place(rng, 0, t, int(mask.sum()))
        others = sc["world"]["other_regions"]
        fam = rng.random(self.n) < pc["ties"]["family_out_of_region"]
        self.family = np.where(fam, 1 + rng.integers(0, max(others, 1), self.n), 0)
        self.mult = {}
        for name, (_, _, mults) in sc["rates"].items():
            m = np.ones(self.n)
            for cond, f in mults.items():
                m[parse_cond(cond, self.specs, self.p["truth"])(self.p)] *= f
            self.mult[name] = m

    def watched(self, who):
        """Selected by a list selector and on no exempt (red) list."""
        names = who if isinstance(who, list) else [who]
        bits = sum(self.list_bit[x] for x in names)
        return ((self.lists & bits) != 0) & ((self.lists & self.exempt) == 0)


# --------------------------------------------------------------- the days

class Stays:
    """One day's stays (agent, place, start minute), appended by behaviour."""

    def __init__(self):
        self.parts = []

    def add(self, agent, place, start):
        if place is not None and len(agent):
            self.parts.append((agent, place, start))

    def arrays(self):
        if not self.parts:
            z = np.zeros(0, np.int64)
            return z, z, z
        return tuple(np.concatenate([p[k] for p in self.parts]) for k in range(3))


def repeat_visits(rng, stays, world, agents, counts, t, lo, span):
    """counts[i] visits of agents[i] to random city places of type t,
    starting in [lo, lo + span)."""
    who = np.repeat(agents, counts)
    stays.add(who, world.random_place(rng, 0, t, len(who)), lo + rng.integers(0, span, len(who)))


def bernoulli(rng, rate):
    """Day-level choices with probability 1 - exp(-rate) (gc_activity.c)."""
    return rng.random(len(rate)) < -np.expm1(-rate)


class Day:
    def __init__(self, sc, world, pop, rng):
        self.sc, self.w, self.p, self.rng = sc, world, pop, rng
        self.away_until = np.zeros(pop.n, np.int32)       # 0: at home; else the return day
        self.start_wd = WEEKDAYS.index(sc.get("start_weekday", "monday"))
        self.extra_nights = sc["activity"].get("trip_nights", 2) - 1.0

    def rate(self, name, weekend, agents):
        wd, we, _ = self.sc["rates"].get(name, (0.0, 0.0, {}))
        return (we if weekend else wd) * self.p.mult[name][agents] if name in self.p.mult else np.zeros(len(agents))

    def run(self, day):
        """The day's stays of everyone at home (away agents make none)."""
        rng, w = self.rng, self.w
        weekend = (self.start_wd + day) % 7 >= 5
        here = np.flatnonzero(self.away_until <= day)
        stays = Stays()
        back = self.away_until[here]
        self.return_legs(stays, here[(back == day) & (back > 0)])
        self.away_until[here] = 0
        worker = here[self.p.work[here] >= 0]
        if not weekend:
            stays.add(worker, self.p.work[worker], 480 + rng.integers(0, 90, len(worker)))
        for name, t, lo, span in (("errand", "shop", 480, 720), ("leisure", "leisure", 1080, 240),
                                  ("station_visit", "station", 420, 780)):
            counts = rng.poisson(self.rate(name, weekend, here))
            repeat_visits(rng, stays, w, here, counts, T[t], lo, span)
        hotel = here[bernoulli(rng, self.rate("hotel_local", weekend, here))]
        stays.add(hotel, w.random_place(rng, 0, T["hotel"], len(hotel)), 1200 + rng.integers(0, 180, len(hotel)))
        self.trips(stays, here, weekend, day)
        return stays.arrays()

    def return_legs(self, stays, back):
        """By rail (70%) to a city station, else through a checkpoint."""
        rail = self.rng.random(len(back)) < 0.7
        for mask, t in ((rail, "station"), (~rail, "checkpoint")):
            a = back[mask]
            stays.add(a, self.w.random_place(self.rng, 0, T[t], len(a)), 600 + self.rng.integers(0, 600, len(a)))

    def trips(self, stays, here, weekend, day):
        rng, w, p = self.rng, self.w, self.p
        capital = bernoulli(rng, self.rate("trip_capital", weekend, here))
        region = bernoulli(rng, self.rate("trip_region", weekend, here))
        go = here[capital | region]
        cap = capital[capital | region]
        k = len(go)
        fam = p.family[go]
        others = w.nregions - 2
        dest = np.where((fam > 0) & (rng.random(k) < 0.5), fam, 1 + rng.integers(0, max(others, 1), k))
        dest = np.where(cap | (others <= 0), w.capital, dest)
        rail = rng.random(k) < 0.7
        for mask, t in ((rail, "station"), (~rail, "checkpoint")):
            a = go[mask]
            stays.add(a, w.random_place(rng, 0, T[t], len(a)), 420 + rng.integers(0, 660, len(a)))
        arrive = 720 + rng.integers(0, 360, k)
        rail &= w.count[dest, T["station"]] > 0              # the destination's station, if it has one
        stays.add(go[rail], w.random_place(rng, dest[rail], T["station"], int(rail.sum())), arrive[rail])
        hotel = ~((dest == fam) & (rng.random(k) < 0.7)) & (w.count[dest, T["hotel"]] > 0)
        stays.add(go[hotel], w.random_place(rng, dest[hotel], T["hotel"], int(hotel.sum())), arrive[hotel] + 60)
        nights = 1 + (rng.poisson(self.extra_nights, k) if self.extra_nights > 0 else 0)
        self.away_until[go] = day + nights


# --------------------------------------------------------------- ID scans

def id_scans(rng, w, p, agent, place, start):
    """Observations (person, place, type, minute) of the scanned stays; a
    scan records another household member's ID with identity_error (a
    random other person's for people living alone)."""
    seen = np.flatnonzero(w.scanner[place])
    t = w.type[place[seen]]
    seen = seen[rng.random(len(seen)) < w.detection[t]]
    agent, place, start = agent[seen], place[seen], start[seen]
    person = agent.copy()
    wrong = np.flatnonzero(rng.random(len(agent)) < w.identity_error)
    a = agent[wrong]
    first, size = p.hh_start[p.hh[a]], p.hh_size[p.hh[a]]
    u = rng.random(len(a))
    member = first + (a - first + 1 + (u * (size - 1)).astype(np.int64)) % size
    anyone = (u * p.n).astype(np.int64)
    anyone = np.where(anyone == a, (a + 1) % p.n, anyone)
    person[wrong] = np.where(size > 1, member, anyone)
    return person, agent, place, w.type[place], start % 1440


def scan_category(w, place, ptype):
    """Index into SCANS: hotels of the home city, of other regions, stations,
    checkpoints (the only places with scanners)."""
    return np.select([ptype == T["hotel"], ptype == T["station"]], [np.where(w.region[place] == 0, 0, 1), 2], 3)


# ------------------------------------------------------------------ rules

class Presence:
    """One trigger per ID scan of a watched person at a `where` place."""

    def __init__(self, r, w, p):
        if r.get("radius_m", 0) > 0:
            raise SystemExit(f"numpy_peer: presence rule {r['name']} has a radius (not reproduced)")
        self.name = r["name"]
        self.where = where_mask(r)
        self.watched = p.watched(r["who"])

    def day(self, day, person, place, ptype, minute):
        hit = self.where[ptype] & self.watched[person]
        return person[hit]


class Copresence:
    """>= min_people watched people within radius_m and within_minutes,
    anchored on today's scans, with yesterday's still in the window
    (gc_rule_copresence.c); every member of a group gets a trigger."""

    def __init__(self, r, w, p):
        self.name = r["name"]
        self.where = where_mask(r)
        self.watched = p.watched(r["who"])
        self.min_people = r["min_people"]
        self.within = r.get("within_minutes", 0)
        self.near, self.index = w.near_matrix(self.where, r.get("radius_m", 0))
        self.kept = (np.zeros(0, np.int64),) * 3            # place, person, absolute minute

    def day(self, day, person, place, ptype, minute):
        hit = self.where[ptype] & self.watched[person]
        base = day * 1440
        kp, kq, kt = self.kept
        keep = kt + self.within >= base
        cp = np.concatenate([place[hit], kp[keep]])
        cq = np.concatenate([person[hit], kq[keep]])
        ct = np.concatenate([base + minute[hit], kt[keep]])
        self.kept = (cp, cq, ct)
        na = int(hit.sum())                                  # today's candidates come first
        if na == 0:
            return np.zeros(0, np.int64)
        pair = self.near[self.index[cp[:na]][:, None], self.index[cp][None, :]]
        pair &= np.abs(ct[:na, None] - ct[None, :]) <= self.within
        who, inv = np.unique(cq, return_inverse=True)
        group = np.zeros((na, len(who)), bool)
        rows, cols = np.nonzero(pair)
        group[rows, inv[cols]] = True
        big = group[group.sum(1) >= self.min_people]
        return who[np.nonzero(big)[1]]


def where_mask(r):
    where = r["where"] if isinstance(r["where"], list) else [r["where"]]
    m = np.zeros(len(TYPES), bool)
    m[[T[t] for t in where]] = True
    return m


def make_rules(sc, w, p):
    """The scenario's presence and copresence rules whose selectors are lists."""
    out = []
    for r in sc.get("rules") or []:
        kind = {"presence": Presence, "copresence": Copresence}.get(r.get("kind"))
        who = r.get("who") if isinstance(r.get("who"), list) else [r.get("who")]
        if kind and all(x in p.list_bit for x in who):
            out.append(kind(r, w, p))
    return out


# ----------------------------------------------------- equivalence check

class Check:
    """Per-household counts of what is compared (a cluster estimate of the
    variance) and stays per hotel (the variance of scanner placement)."""

    def __init__(self, p, w):
        self.keys = CHECKED
        self.k = {key: i for i, key in enumerate(self.keys)}
        self.p, self.w = p, w
        self.by_hh = np.zeros(p.nhh * len(self.keys), np.int64)
        self.hotel_stays = np.zeros(w.nplaces, np.int64)
        self.stay_key = np.array([self.k.get(f"stays_{t}", -1) for t in TYPES])

    def day(self, agent, place, obs, category, alerts):
        w, K = self.w, len(self.keys)
        t = w.type[place]
        counted = self.stay_key[t] >= 0
        codes = [self.p.hh[agent[counted]] * K + self.stay_key[t[counted]]]
        hh = self.p.hh[obs[1]]                               # the scanned agent's household
        codes += [hh * K + self.k["id_scans"], hh * K + self.k["id_scans_hotel_local"] + category]
        for rule, who in alerts.items():
            if f"alerts_{rule}" in self.k:
                codes.append(self.p.hh[who] * K + self.k[f"alerts_{rule}"])
        self.by_hh += np.bincount(np.concatenate(codes), minlength=len(self.by_hh))
        self.hotel_stays += np.bincount(place[t == T["hotel"]], minlength=w.nplaces)

    def variances(self, days):
        """Variance of each compared total, as a ratio to agent-days: n x the
        households' sample variance of count - rate x agent-days (the total
        of agent-days is fixed, so household sizes add nothing), plus scanner
        placement for hotel scans."""
        c = self.by_hh.reshape(self.p.nhh, len(self.keys))
        exposure = self.p.hh_size[:, None] * float(days)
        resid = c - exposure * (c.sum(0) / exposure.sum())
        var = resid.var(0, ddof=1) * self.p.nhh
        w = self.w
        hotel = w.type == T["hotel"]
        det = w.detection[T["hotel"]]
        cov = w.coverage[T["hotel"]]
        for key, m in (("id_scans_hotel_local", hotel & (w.region == 0)),
                       ("id_scans_hotel_away", hotel & (w.region > 0)), ("id_scans", hotel)):
            var[self.k[key]] += float(((self.hotel_stays[m] * det) ** 2).sum()) * cov * (1 - cov)
        return dict(zip(self.keys, var))


def compare(mine, var, path):
    """Rates per 1,000 agent-days of both sides and z = difference / SE."""
    theirs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                theirs[parts[0]] = parts[1]
    a_me, a_them = float(mine["agent_days"]), float(theirs["agent_days"])
    print(f"{'per 1,000 agent-days':34} {'glasscage':>12} {'numpy':>12} {'z':>7}")
    bad = []
    for key in CHECKED + sorted(k for k in mine if k.startswith("alerts_") and k not in CHECKED):
        g, m = float(theirs.get(key, 0)), float(mine[key])
        v_me = max(var.get(key, m), m, 1.0)                  # Poisson floor; 1: both may be 0
        v_them = max(v_me * a_them / a_me, g, 1.0)
        z = (m / a_me - g / a_them) / np.sqrt(v_me / a_me ** 2 + v_them / a_them ** 2)
        checked = key in CHECKED
        note = "" if checked else "  (reported, not checked)"
        print(f"{key:34} {1000 * g / a_them:12.4f} {1000 * m / a_me:12.4f} {z:7.2f}{note}")
        if checked and abs(z) > TOLERANCE_SE:
            bad.append(f"{key} (z = {z:.1f})")
    print(f"tolerance: |z| <= {TOLERANCE_SE:g} standard errors of the difference")
    if bad:
        print("equivalence: MISMATCH " + ", ".join(bad))
        return 1
    print("equivalence: MATCH")
    return 0


# ------------------------------------------------------------------- main

def parse_args(argv):
    pos, opt, scale = [], {}, {}
    it = iter(argv)
    for a in it:
        if a in ("--scenario", "--seed", "--compare", "--matched-scenario"):
            opt[a[2:]] = next(it, None)
        elif a == "--scale":
            name, _, f = next(it, "").partition("=")
            scale[name] = float(f)
        elif a.startswith("-"):
            raise SystemExit(__doc__.split("\n\n")[1])
        else:
            pos.append(int(a))
    n, days = (pos + [1000000, 7][len(pos):])[:2]
    return n, days, opt, scale


def simulate(sc, world, pop, rng, rules, check):
    """The timed days; returns ((wall, CPU) seconds, stays, scans, alerts,
    check seconds)."""
    day_model = Day(sc, world, pop, rng)
    stays = np.zeros(len(TYPES), np.int64)
    scans = np.zeros(len(SCANS), np.int64)
    alerts = {r.name: 0 for r in rules}
    t_check = c_check = 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    for day in range(sc["days"]):
        agent, place, start = day_model.run(day)
        obs = id_scans(rng, world, pop, agent, place, start)
        hits = {r.name: r.day(day, obs[0], obs[2], obs[3], obs[4]) for r in rules}
        stays += np.bincount(world.type[place], minlength=len(TYPES))
        cat = scan_category(world, obs[2], obs[3])
        scans += np.bincount(cat, minlength=len(SCANS))
        for name, who in hits.items():
            alerts[name] += len(who)
        t1, c1 = time.perf_counter(), time.process_time()
        check.day(agent, place, obs, cat, hits)
        t_check += time.perf_counter() - t1
        c_check += time.process_time() - c1
    seconds = (time.perf_counter() - t0 - t_check, time.process_time() - c0 - c_check)
    return seconds, stays, scans, alerts, t_check


def write_matched(path, out):
    """The scenario with only what the peer models, for timing glasscage on
    the peer's work: no calls, phone-off days, offences, purchases or
    utility readings, no phone, purchase or meter records, only presence
    and copresence rules, and no police capacity (so no action, list growth
    or detention)."""
    with open(path, encoding="utf-8") as f:
        sc = yaml.safe_load(f)
    act = sc["activity"]
    for b in ("calls", "new_number", "phone_off", "offence"):
        act["behaviours"].pop(b, None)
    act.pop("purchases", None)
    act.pop("utility", None)
    sc["sensors"] = {"id_scan": sc["sensors"]["id_scan"], "phone_records": {"coverage": 0},
                     "purchase_records": {"coverage": 0}, "utility_meters": {"coverage": 0}}
    sc["rules"] = [r for r in sc["rules"] if r["kind"] in ("presence", "copresence")]
    sc["response"]["capacity_per_day"] = 0
    sc["name"] = "default_matched"
    with open(out, "w", encoding="utf-8") as f:
        yaml.safe_dump(sc, f, sort_keys=False)
    return 0


def results(agent_days, build, sec, stays, scans, alerts, t_check):
    """The "key value" lines, with bench_pipeline's keys where they mean the same."""
    out = {"agent_days": agent_days, "build_seconds": f"{build:.3f}", "seconds": f"{sec[0]:.3f}",
           "agent_days_per_second": f"{agent_days / sec[0]:.0f}", "cpu_seconds": f"{sec[1]:.3f}",
           "check_seconds": f"{t_check:.3f}", "observations": int(scans.sum()), "id_scans": int(scans.sum())}
    out.update({f"id_scans_{s}": int(c) for s, c in zip(SCANS, scans)})
    out.update({f"alerts_{k}": v for k, v in alerts.items()})
    out.update({f"stays_{t}": int(stays[T[t]]) for t in TYPES[1:]})
    out["peak_rss_mib"] = f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}"
    return out


def main(argv):
    n, days, opt, scale = parse_args(argv)
    path = opt.get("scenario") or os.path.join(ROOT, "scenarios", "default.yaml")
    if opt.get("matched-scenario"):
        return write_matched(path, opt["matched-scenario"])
    sc = load_scenario(path, n, days, scale)
    rng = np.random.default_rng(int(opt.get("seed") or sc.get("seed", 1)))
    t0 = time.perf_counter()
    world = World(sc, rng)
    pop = Population(sc, world, rng)
    rules = make_rules(sc, world, pop)
    check = Check(pop, world)
    build = time.perf_counter() - t0
    out = results(n * days, build, *simulate(sc, world, pop, rng, rules, check))
    print(f"numpy peer: numpy {np.__version__}, {sc['name']} scenario, {n} agents x {days} days, "
          f"rules: {' '.join(r.name for r in rules)}")
    for k, v in out.items():
        print(k, v)
    if opt.get("compare"):
        return compare(out, check.variances(days), opt["compare"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
