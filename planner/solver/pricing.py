"""Exact pricing: for each unit the itinerary of least reduced cost, for each escort and party
the duty of least reduced cost, over the whole time-expanded network.

Every cost of a journey is a sum over its arcs once a journey's days are written as the day
number of its arrival less that of its departure (plus one): the departure's part sits on the
way onto the first service (a ``Head``), the arrival's on the arc into the sink.  With the
master's duals on seats, vehicles and money, every arc inside the network costs at least
nothing, so one Dijkstra search per class of riders (``scipy.sparse.csgraph``) from every
destination at once gives the cheapest way on from each departure; each unit then looks at its
own ways onto a first service.

The reduced costs found here are lower bounds of every column's reduced cost at the duals of
``planner.solver.bound`` (the Lagrangian multipliers), and exact for the columns of the
network's rules; the columns added are priced again exactly by the master before they are.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import combinations
from typing import cast

import numpy as np
from scipy.sparse import csr_matrix

from planner.journeys import EscortOption, Journey, escort_option
from planner.model import Unit, case_unplanned_cost
from planner.network import Itinerary, RoadPath
from planner.plan import Leg
from planner.scenario import CostType, Escort, Scenario
from planner.solver.floor import EscortFloor, no_dearer
from planner.solver.master import MONEY, NEEDS, Master, suits
from planner.solver.network import (
    Head,
    RoadWay,
    Sweep,
    TimeExpanded,
    VehicleKey,
    service_leg,
    shortest_paths,
)

_FAR = 1e18  # an arc that may not be taken
# Itineraries with other first departures offered at once to an escorted unit.
ALTERNATIVES = 4
_REACHED = 1e17


# Whose duties an escorted unit's share is the least of: any escort's (None), the escorts able
# to meet a need, or, for needs no escort of the week meets together, one duty for each.
Need = str | tuple[str, ...] | None

# An escorted unit's reduced cost on each head of its start, and on each way by road alone.
EscortedValues = tuple[np.ndarray, list[tuple[RoadWay, float]]]


@dataclass(frozen=True, slots=True)
class _Share:
    """What an escorted unit pays of the least duty (``share``, on the row of ``need``) on
    itineraries leaving from ``lo`` to before ``hi`` (seconds)."""

    lo: float
    hi: float
    share: float
    need: Need


@dataclass(frozen=True, slots=True)
class UnitPrice:
    """The least reduced cost of a unit over every itinerary (its unit row left out), and the
    itinerary of a new column when that is one."""

    unit: int
    least: float  # thousands of rupiah; 0 when nothing beats waiting
    itinerary: Itinerary | None
    path: tuple[int, tuple[int, ...]] | None = None  # (head, nodes to the sink) in the network
    others: tuple[tuple[Itinerary, tuple[int, tuple[int, ...]] | None], ...] = ()  # more that price out


@dataclass(frozen=True, slots=True)
class DutyPrice:
    escort_id: str
    journey: int
    least: float  # the least reduced cost of the escort's duties with the party
    option: EscortOption | None


class Pricing:
    def __init__(self, scenario: Scenario, net: TimeExpanded, master: Master, units: list[Unit]) -> None:
        self.scenario = scenario
        self.net = net
        self.master = master
        self.units = units
        # Called between units and between escorts: it may raise to end a round that runs past
        # the time (a first round of 20,000 cases outlasts a 300 s limit many times over).
        self.tick: Callable[[], None] = _nothing
        settings = scenario.settings
        self.meal = float(settings.costs.meal_idr_per_travel_day)
        self.start_ts = settings.start.timestamp()
        self.end_ts = settings.end.timestamp()
        self.last_day = net.day_of(settings.end_date) + 60
        arcs = len(net.arc_tail)
        sizes = np.diff(net.arc_vehicle_ptr)
        self._vehicle_arc = np.repeat(np.arange(arcs), sizes)
        self._sink_arc = net.arc_day >= 0
        vehicle_arcs: dict[int, list[int]] = defaultdict(list)
        for arc, vehicle in zip(self._vehicle_arc.tolist(), net.arc_vehicles.tolist(), strict=True):
            vehicle_arcs[vehicle].append(arc)
        self._vehicle_arcs = dict(vehicle_arcs)
        self._service_arc = net.arc_service >= 0
        # An escorted unit pays its ``escort_share`` of the least duty a party can have
        # (``party_floor``) on every itinerary of a party whose escort rows are not made yet.
        self.most_cases = max((e.max_cases for e in scenario.escorts), default=1)
        # Steps, not units: a count of identical cases moves a step at a time, and a duty
        # earns a unit's row's multiplier once per step (``upper`` times).
        ready: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
        for u, unit in enumerate(units):
            if unit.escorted:
                ready[(unit.origin, unit.home)].append((unit.earliest.timestamp(), u))
        # An escorted unit's share of the least duty is counted among the escorted units of its
        # start and home that may leave by its itinerary's departure (``escort_share``); without
        # ``by_departure``, among all of them (fewer searches, a smaller share: as valid).
        self.by_departure = True
        # Needs no escort of the week meets together: a party with a unit needing both has a
        # duty for each, and each of their rows may carry a share of its own (``_own_need``).
        self._apart = {
            (a, b)
            for i, a in enumerate(NEEDS)
            for b in NEEDS[i + 1 :]
            if not any(
                suits(scenario, e.escort_id, a) and suits(scenario, e.escort_id, b) for e in scenario.escorts
            )
        }
        self._able = {n: sum(suits(scenario, e.escort_id, n) for e in scenario.escorts) for n in NEEDS}
        self._own = [self._own_need(unit) for unit in units]
        # The kinds of escort the week has, by the needs each meets.
        kinds = sorted(
            {frozenset(n for n in NEEDS if suits(scenario, e.escort_id, n)) for e in scenario.escorts},
            key=sorted,
        )
        # Per start and home: the moments its escorted units may first leave (sorted), the
        # steps that may have left by each, and per kind of escort the steps of those whose
        # own rows that kind's duties enter: who may share a party leaving then.
        self._ready_steps: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._met_steps: dict[tuple[str, str], np.ndarray] = {}  # kinds x moments
        self._by_moment: dict[tuple[str, str], list[int]] = {}
        for key, moments in ready.items():
            moments.sort()
            times = np.array([t for t, _ in moments])
            steps = np.cumsum([units[u].upper for _, u in moments])
            self._ready_steps[key] = (times, steps)
            met = np.array(
                [[units[u].upper * _meets(kind, self._own[u]) for _, u in moments] for kind in kinds],
                dtype=np.int64,
            ).reshape(len(kinds), len(moments))
            self._met_steps[key] = np.cumsum(met, axis=1)
            self._by_moment[key] = [u for _, u in moments]
        self._kinds = kinds
        self._shares_at: dict[tuple[tuple[str, str], int], dict[int, tuple[float, Need]]] = {}
        self._arc_seconds = np.where(
            self._sink_arc, 0.0, net.node_time[net.arc_head] - net.node_time[net.arc_tail]
        )
        self._arc_seconds[~np.isfinite(self._arc_seconds)] = 0.0
        assert (self._arc_seconds >= -1e-6).all(), "arcs go forward in time"
        self._heads: dict[str, tuple[list[Head], dict[str, np.ndarray]]] = {}
        self._head_ways: dict[str, list[tuple[object, ...]]] = {}
        # Each start and home's ways' parties with rows, as of a count of the master's rows.
        self._head_parties: dict[tuple[str, str], tuple[int, np.ndarray]] = {}
        # Multipliers of vehicles without rows in the master set by a bound whose own program
        # has their rows (``ColumnGeneration.empty_party_program``); read at the next refresh.
        self.whole: dict[tuple[str, object], float] = {}
        self._layouts: dict[object, _Layout] = {}
        self._sweep: Sweep | None = None
        self._head_owner: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._earliest: dict[str, np.ndarray] = {}
        self._latest: dict[str, np.ndarray] = {}
        # Arcs by their tail, to walk the network forward from a node.
        self._out_order = np.argsort(net.arc_tail, kind="stable")
        self._out_start = np.searchsorted(net.arc_tail[self._out_order], np.arange(net.nodes + 1))
        # The path through the network of each master journey that pricing made: (head, nodes).
        self.paths: dict[int, tuple[int, tuple[int, ...]]] = {}
        # Arrivals at each place (service arrivals and road ways), by time: escorts' ways out end there.
        count = len(net.services)
        arrivals: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for s, service in enumerate(net.services):
            arrivals[service.to_id].append((service.arrive.timestamp(), count + s))
        for r, place in enumerate(net.road_place):
            node = net.first_road_node + r
            arrivals[place].append((float(net.node_time[node]), node))
        self._arrivals = {
            place: (np.array([t for t, _ in found]), np.array([n for _, n in found], dtype=np.int64))
            for place, found in ((p, sorted(f)) for p, f in arrivals.items())
        }

    # -- duals as arc costs ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the master's duals: per service seat, per vehicle key, per money pool."""
        m, net = self.master, self.net
        self.seat = np.array([-m.dual(("seat", s.service_id)) for s in net.services])
        self.vehicle = np.array([self._vehicle_multiplier(key) for key in net.vehicle_keys])
        self._vehicles_known = len(self.vehicle)  # ``vehicle``'s entries beyond are not set yet
        arcs = len(net.arc_tail)
        per_arc = np.zeros(arcs)
        if len(self._vehicle_arc):
            np.add.at(per_arc, self._vehicle_arc, self.vehicle[net.arc_vehicles])
        per_arc[self._service_arc] += self.seat[net.arc_service[self._service_arc]]
        # What one more rider costs on each arc in duals (thousands of rupiah), fares aside.
        self.arc_dual = per_arc
        self.forget()
        self._head_sums: dict[str, np.ndarray] = {}
        self._erides: dict[str, dict[int, float]] | None = None
        self._erides_dual: np.ndarray | None = None
        # Each unit's own vehicle rows (``ride``): what its riding a vehicle costs it in duals.
        self.ride: dict[int, dict[int, float]] = defaultdict(dict)
        for index, key in enumerate(m.row_keys):
            if key[0] == "ride" and index < len(m.row_dual) and m.row_dual[index] < 0:
                vehicle = net.vehicle((key[2], key[3]))  # type: ignore[arg-type]
                self.ride[key[1]][vehicle] = -float(m.row_dual[index])  # type: ignore[index]

    def forget(self) -> None:
        """Drop what the last refresh's pricing made (escorts' and the floor's searches, ways
        by road): the next ``refresh`` makes it again at its own duals."""
        self.floor = EscortFloor(self)
        self._searches: dict[tuple[str, float], _EscortSearch] = {}
        self._escort_weights: dict[float, np.ndarray] = {}
        self._afters: dict[tuple[int, bytes], tuple[RoadPath, _After]] = {}
        self._onward_ways: dict[tuple[str, bytes], _WaysBack] = {}
        self._priced_vehicles: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
        self._party_floors: dict[tuple[Need, str, str], np.ndarray] = {}
        self._homes_floor: dict[tuple[str | None, str], np.ndarray] = {}

    def _vehicle_multiplier(self, key: tuple[str, object]) -> float:
        """A vehicle row's multiplier, as the cost of one rider: its dual where the master has
        the row; else the vehicle's cost over its seats, the most at which hiring it has no
        negative reduced cost (so that a new departure's vehicle is not free)."""
        m = self.master
        if ("vehicle", *key) in m.rows:
            return -m.dual(("vehicle", *key))
        whole = self.whole.get(key)
        if whole is not None:
            return whole
        link = self.scenario.link(key[0])
        return link.vehicle_cost_idr / (link.vehicle_capacity or m.travellers) / MONEY

    def absent_vehicles(self, vehicles: tuple[tuple[str, object], ...]) -> float:
        """What one rider pays in the multipliers of vehicle rows the master does not have."""
        return sum(self._vehicle_multiplier(k) for k in vehicles if ("vehicle", *k) not in self.master.rows)

    def vehicles_after(self, path: RoadPath, moments: np.ndarray) -> _After:
        """The way by road ``path`` after each of ``moments`` (rule 2, timestamps of the
        arrivals): what one rider pays for its vehicles in multipliers, and when each hired
        link leaves; found once a round for every escort's way back, since the escorts ask
        for the same moments (a loop per escort was half of L's first round)."""
        key = (id(path), moments.tobytes())
        known = self._afters.get(key)
        if known is None or known[0] is not path:
            paid = np.zeros(len(moments))
            departs = []
            for link_id, offset in self.net.vehicle_offsets(path):
                at = moments + offset
                paid += self._link_multipliers(link_id, at)
                departs.append((link_id, at))
            known = self._afters[key] = (path, _After(paid, tuple(departs)))
        return known[1]

    def ways_back(self, place: str, moments: np.ndarray) -> _WaysBack:
        """Every way on from ``place`` after each of ``moments`` (timestamps) as any escort's
        way back reads it: staying to catch a departure there, or each road way to another
        place (rule 2) and on from there.  Made once a round per place and moments: every
        escort asks for the same ones, and only its own search's costs differ (measured in
        docs/solver.md)."""
        key = (place, moments.tobytes())
        found = self._onward_ways.get(key)
        if found is not None:
            return found
        net = self.net
        roads = net.roads_from(place)
        count = len(roads) + 1
        at = np.zeros((count, len(moments)), dtype=np.int32)
        caught = np.zeros((count, len(moments)), dtype=bool)
        paid = np.zeros((count, len(moments)))

        def catch(row: int, target: str, reached: np.ndarray) -> None:
            found = net.catch(target, reached, waits=True)
            if found is not None:
                at[row], caught[row] = found

        catch(0, place, moments)
        afters: list[_After] = []
        to: dict[str, list[int]] = defaultdict(list)
        for row, (target, path, _, span) in enumerate(roads, start=1):
            catch(row, target, moments + span)
            after = self.vehicles_after(path, moments)
            paid[row] = after.paid
            afters.append(after)
            to[target].append(row)
        found = self._onward_ways[key] = _WaysBack(
            at,
            caught,
            np.array([0.0, *(fare for _, _, fare, _ in roads)]),
            np.array([0.0, *(span for _, _, _, span in roads)]),
            paid,
            tuple(afters),
            {target: np.array(rows) for target, rows in to.items()},
        )
        return found

    def _link_multipliers(self, link_id: str, departs: np.ndarray) -> np.ndarray:
        """``_vehicle_multiplier`` of the link's vehicle at each of ``departs`` (timestamps),
        without making their keys: the keys the master or ``whole`` prices are looked up."""
        if self._priced_vehicles is None:
            m = self.master
            priced = cast(dict[VehicleKey, float], dict(self.whole))
            for index, row in enumerate(m.row_keys):
                if row[0] == "vehicle":
                    dual = float(m.row_dual[index]) if index < len(m.row_dual) else 0.0
                    priced[cast(VehicleKey, row[1:])] = -dual
            self._priced_vehicles = _by_link(priced)
        link = self.scenario.link(link_id)
        seat = link.vehicle_cost_idr / (link.vehicle_capacity or self.master.travellers) / MONEY
        found = self._priced_vehicles.get(link_id)
        return np.full(len(departs), seat) if found is None else _at(found, departs, seat)

    def _vehicles(self, vehicles: tuple[int, ...]) -> float:
        if not vehicles:
            return 0.0
        self._grow()
        return float(self.vehicle[list(vehicles)].sum())

    def _grow(self) -> None:
        """The multipliers of vehicle keys made since the last refresh (road ways timed since).
        The array grows by doubling: the keys come a few at a time, and copying it for each was
        a twentieth of the national week's rounds."""
        keys = self.net.vehicle_keys
        known = self._vehicles_known
        if known == len(keys):
            return
        if len(self.vehicle) < len(keys):
            grown = np.zeros(max(2 * len(self.vehicle), len(keys)))
            grown[:known] = self.vehicle[:known]
            self.vehicle = grown
        self.vehicle[known : len(keys)] = [self._vehicle_multiplier(k) for k in keys[known:]]
        self._vehicles_known = len(keys)

    def _pool(self, cost_type: CostType, case_id: str) -> float:
        return -self.master.dual(("pool", cost_type, self.master.lines(case_id, cost_type)))

    def _weights(self, rider: _Rider) -> np.ndarray:
        """What one rider of a class costs on each arc (thousands of rupiah)."""
        net = self.net
        w = net.arc_fare / MONEY * rider.fares + self.arc_dual * rider.duals + rider.time * self._arc_seconds
        w[self._sink_arc] += rider.sink * net.arc_day[self._sink_arc]
        return np.maximum(w, 0.0)

    def distances_from(self, weights: np.ndarray, sources: np.ndarray) -> np.ndarray:
        """The least cost at ``weights`` from each of ``sources`` to every node, forward in
        time (a row each): one sweep for all of them (``Sweep``), laid out once."""
        layout = self._layout(False)
        if self._sweep is None:
            self._sweep = Sweep(layout.indptr, layout.indices, layout.size)
        return self._sweep.distances(layout.data(weights), sources)

    def _layout(self, reverse: bool) -> _Layout:
        net = self.net
        layout = self._layouts.get(reverse)
        if layout is None:
            layout = self._layouts[reverse] = _Layout.of(
                net.arc_head if reverse else net.arc_tail,
                net.arc_tail if reverse else net.arc_head,
                net.nodes,
            )
        return layout

    def _graph(
        self,
        weights: np.ndarray,
        reverse: bool,
        extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> csr_matrix:
        net = self.net
        if extra is None:
            # The network's arcs never change: their order in the matrix is found once, and each
            # search only puts its weights there (parallel arcs add up, as scipy adds them).
            return self._layout(reverse).matrix(weights)
        count = len(net.services)
        sources, targets, costs = extra
        if (
            (sources == net.nodes).all()
            and (targets < count).all()
            and len(np.unique(targets)) == len(targets)
        ):
            # A source before some departures: laid out once with an arc to every departure,
            # those not given infinite (an infinite arc is never taken).
            layout = self._layouts.get(("source", reverse))
            if layout is None:
                tails = np.concatenate([net.arc_tail, np.full(count, net.nodes)])
                heads = np.concatenate([net.arc_head, np.arange(count)])
                layout = self._layouts[("source", reverse)] = _Layout.of(
                    heads if reverse else tails, tails if reverse else heads, net.nodes + 1
                )
            given = np.full(count, np.inf)
            given[targets] = costs
            return layout.matrix(np.concatenate([weights, given]))
        tails = np.concatenate([net.arc_tail, sources])
        heads = np.concatenate([net.arc_head, targets])
        weights = np.concatenate([weights, costs])
        size = net.nodes + 1
        if reverse:
            tails, heads = heads, tails
        return csr_matrix((weights, (tails, heads)), shape=(size, size))

    # -- units ----------------------------------------------------------------------------------

    def _origin(self, place: str) -> tuple[list[Head], dict[str, np.ndarray]]:
        found = self._heads.get(place)
        if found is None:
            heads = self.net.heads(place)
            arrays = {
                "service": np.array([h.service for h in heads], dtype=np.int64),
                "fare": np.array([h.fare_idr for h in heads], dtype=np.float64),
                "depart": np.array([h.depart for h in heads]),
                "depart_day": np.array([h.depart_day for h in heads], dtype=np.float64),
                "anchor_day": np.array([h.anchor_day for h in heads], dtype=np.float64),
                "anchor": np.array([self.net.services[h.service].depart.timestamp() for h in heads]),
                "ready_by": np.array([self._ready_by(h) for h in heads]),
            }
            found = self._heads[place] = (heads, arrays)
        return found

    def _ready_by(self, head: Head) -> float:
        """When an escort must be at a party's start for it to leave on ``head``."""
        first = head.legs[0] if head.legs else None
        mode = first.mode if first is not None else self.net.services[head.service].mode
        return head.depart - self.scenario.settings.connection(mode).total_seconds()

    def _sinks_floor(self, need: Need, place: str) -> tuple[np.ndarray, np.ndarray]:
        """The way-back floor on the arcs into ``place``'s sink: those arcs, and its value on
        each (0 on every other arc)."""
        into, floors = self.floor.sinks(place)
        return into, cast(np.ndarray, sum(floors[n] for n in _parts(need)))

    # -- units, with escort rows per party ------------------------------------------------------

    def units_priced(self, present: dict[tuple[str, str], list[int]]) -> list[UnitPrice]:
        """Each unit's least reduced cost with the master's escort rows per party: every
        itinerary of a party the master has pays that party's rows' duals, whichever way it
        goes on from its first service, so its own way is searched without escorts (one search
        per class of riders); elsewhere an escorted unit pays its share of the least duty any
        able escort can have with a party leaving by that way (``party_floor``)."""
        net = self.net
        classes: dict[tuple[float, float], list[int]] = defaultdict(list)
        for u, unit in enumerate(self.units):
            if unit.ready >= self.scenario.settings.end_date:
                continue
            fare = sum(self._pool("fare", c.case_id) for c in unit.per_step) / unit.persons
            meal = sum(self._pool("meal", c.case_id) for c in unit.per_step) / unit.persons
            classes[(fare, meal)].append(u)
        found: list[UnitPrice] = []
        for (fare, meal), members in classes.items():
            rider = _Rider(1 + fare, 1.0, self.meal * (1 + meal) / MONEY, 0.0, None)
            weights = self._weights(rider)
            homes = sorted({self.units[u].home for u in members})
            dist, pred = shortest_paths(self._graph(weights, reverse=True), [net.sink[h] for h in homes])
            dist, pred = np.atleast_2d(dist), np.atleast_2d(pred)
            row = {h: k for k, h in enumerate(homes)}
            for u in members:
                self.tick()
                unit = self.units[u]
                on, back = dist[row[unit.home]], pred[row[unit.home]]
                if u in self.ride:
                    # The unit's own vehicle rows change its arc costs: a search of its own.
                    mine = weights.copy()
                    for vehicle, value in self.ride[u].items():
                        mine[self._vehicle_arcs.get(vehicle, [])] += value / unit.persons
                    on, back = shortest_paths(self._graph(mine, reverse=True), net.sink[unit.home])
                found.append(self._keyed(u, rider, on, back, present))
        return found

    def _keyed(
        self,
        u: int,
        rider: _Rider,
        dist: np.ndarray,
        pred: np.ndarray,
        present: dict[tuple[str, str], list[int]],
    ) -> UnitPrice:
        unit, m = self.units[u], self.master
        heads, a = self._origin(unit.origin)
        offers: list[tuple[float, Itinerary, tuple[int, tuple[int, ...]] | None]] = []
        least = 0.0  # the bound's, over every itinerary: offered or not
        if len(heads):
            value = self._on_heads(u, rider, dist[a["service"]])
            if unit.escorted:
                value = value + self._escort_terms(u, a)
            least = min(least, float(value.min()))
            # Escorted units' columns often price out and are then not taken, their escorts
            # dearer than the floor: offer several first departures at once.
            for k in np.argsort(value)[: ALTERNATIVES if unit.escorted else 1].tolist():
                if value[k] < -1e-3:
                    nodes = self._tree_path(heads[k].service, unit.home, pred)
                    legs = (*heads[k].legs, *self.net.legs_of(list(nodes)))
                    offers.append((float(value[k]), Itinerary(legs), (k, nodes)))
        for road, by_road in self._by_road(u, rider):
            if unit.escorted:
                by_road += self._road_term(u, road)
            least = min(least, by_road)
            if by_road < -1e-3:
                offers.append((by_road, Itinerary(road.legs), None))
        offers.sort(key=lambda offer: offer[0])
        own: int | None = None
        joining: list[tuple[float, int]] = []  # master journeys the unit has no column on
        for j in present.get((unit.origin, unit.home), []):
            if m.journeys[j].journey.depart >= unit.earliest:
                on_own = self.x_reduced(u, j, with_unit=False)
                if on_own < least - 1e-9:
                    least, own = on_own, j
                if on_own < -1e-3 and (u, j) not in m.x_index:
                    joining.append((on_own, j))
        itinerary: Itinerary | None = None
        path: tuple[int, tuple[int, ...]] | None = None
        offered: int | None = None
        more: list[tuple[Itinerary, tuple[int, tuple[int, ...]] | None]] = []
        others = offers if unit.escorted else []
        if own is None and offers:
            _, itinerary, path = offers[0]
            more += [(it, p) for _, it, p in others[1:ALTERNATIVES]]
        elif own is not None and (u, own) not in m.x_index:
            itinerary = m.journeys[own].journey.itinerary
            path = self.paths.get(own)
            offered = own
            more += [(it, p) for _, it, p in others[: ALTERNATIVES - 1]]
        for _, j in sorted(joining)[:ALTERNATIVES]:
            if j != offered:
                more.append((m.journeys[j].journey.itinerary, self.paths.get(j)))
        return UnitPrice(u, least, itinerary, path, tuple(more))

    def head_parties(self, origin: str, home: str) -> np.ndarray:
        """The master's party with escort rows of each way onto a first service from
        ``origin`` to ``home`` (``Master.parties``), -1 where it has none."""
        m = self.master
        found = self._head_parties.get((origin, home))
        if found is None or found[0] != len(m.row_keys):
            heads, _ = self._origin(origin)
            ways = self._head_ways.get(origin)
            if ways is None:
                ways = self._head_ways[origin] = [
                    tuple(leg.key for leg in (*head.legs, service_leg(self.net.services[head.service])))
                    for head in heads
                ]
            at = [m.party_at(way, home) for way in ways]
            made = [-1 if k is None or ("cap", k) not in m.rows else k for k in at]
            found = (len(m.row_keys), np.array(made, dtype=np.int64))
            self._head_parties[(origin, home)] = found
        return found[1]

    def party_term(self, u: int, k: int) -> float:
        """What unit ``u`` (a step) pays on any itinerary of the master's party ``k`` in the
        duals of its escort rows (those not made count 0)."""
        m, unit = self.master, self.units[u]
        value = unit.escorted * m.dual(("cap", k)) - m.dual(("escorted", u, k))
        return value - sum(m.dual(("skill", u, k, need)) for need in NEEDS if unit.needs(need))

    def _escort_terms(self, u: int, a: dict[str, np.ndarray]) -> np.ndarray:
        """An escorted unit's escort rows on each way onto a first service from its start:
        its party's duals where the master has the party, else its share (by the moment it
        leaves, ``_shares``) of the party's floor."""
        unit = self.units[u]
        parties = self.head_parties(unit.origin, unit.home)
        made = parties >= 0
        terms = np.zeros(len(parties))
        for i in np.flatnonzero(made).tolist():
            terms[i] = self.party_term(u, int(parties[i]))
        for part in self._shares(u):
            if not part.share:
                continue
            at = ~made & (a["depart"] >= part.lo) & (a["depart"] < part.hi)
            if at.any():
                terms[at] += part.share * self.party_floor(part.need, unit.origin, unit.home)[at]
        return terms

    def party_floor(self, need: Need, origin: str, home: str) -> np.ndarray:
        """On each way onto a first service from ``origin``, the least any escort able to meet
        ``need`` pays for a duty with a party leaving by it for ``home``, on any way on from
        its first service: the floor's way out, the way on at one rider's fares and duals and
        the least rate, and the floor's way back (for needs apart, the sum of each one's)."""
        key = (need, origin, home)
        found = self._party_floors.get(key)
        if found is None:
            found = np.zeros(len(self._origin(origin)[0]))
            for n in _parts(need):
                on = self._homes_floor.get((n, home))
                if on is None:
                    # Kept at the services' departures alone (the first nodes), where heads
                    # lead: a whole row per need and home took 750 MiB on XL.
                    on = self.party_floors(n, [home])[0][: len(self.net.services)].copy()
                    self._homes_floor[(n, home)] = on
                found = found + self.floor.heads(origin)[n] + self.head_party(n, origin, on)
            self._party_floors[key] = found
        return found

    def _road_term(self, u: int, way: RoadWay) -> float:
        """An escorted unit's escort rows on a way by road alone: its party's duals, or its
        share of the floor (the escort on the same way: its fare, vehicles and days)."""
        unit = self.units[u]
        k = self.master.party_of(way.legs, unit.home)
        if k is not None and ("cap", k) in self.master.rows:
            return self.party_term(u, k)
        depart, arrive = way.depart.timestamp(), way.arrive.timestamp()
        share, need = self._share_moment(u, depart)
        if not share:
            return 0.0
        along = way.fare_idr / MONEY + self._vehicles(way.vehicles)
        return share * sum(
            self.floor.out_at(n, unit.origin, depart, depart)
            + self.floor.back_at(n, unit.home, arrive)
            + along
            + self.floor.rate(n) * (arrive - depart)
            for n in _parts(need)
        )

    def _shares(self, u: int) -> list[_Share]:
        """The unit's share of the least duty (``escort_share``) by the moment its itinerary
        leaves: a part per run of moments with the same share and need."""
        unit = self.units[u]
        if not unit.escorted:
            return [_Share(-math.inf, math.inf, 0.0, None)]
        key = (unit.origin, unit.home)
        times, _ = self._ready_steps[key]
        if not self.by_departure:
            return [_Share(-math.inf, math.inf, *self._share_at(key, len(times) - 1)[u])]
        first = int(np.searchsorted(times, unit.earliest.timestamp(), side="right")) - 1
        parts: list[_Share] = []
        lo = -math.inf
        for i in range(first, len(times)):
            if i + 1 < len(times) and times[i + 1] == times[i]:
                continue
            share, need = self._share_at(key, i)[u]
            if parts and (parts[-1].share, parts[-1].need) == (share, need):
                lo = parts.pop().lo
            hi = float(times[i + 1]) if i + 1 < len(times) else math.inf
            parts.append(_Share(lo, hi, share, need))
            lo = hi
        return parts

    def _terms(self, u: int, rider: _Rider) -> tuple[float, float]:
        """What a unit's step pays per day it waits from the window's start, and the part of
        its reduced cost that does not depend on the itinerary (its waiting till ready, the
        carry-over saved, its day of departure)."""
        unit, settings = self.units[u], self.scenario.settings
        waiting = [
            c.priority * settings.costs.waiting_idr_per_day + settings.costs.shelter_idr_per_day
            for c in unit.per_step
        ]
        per_day = sum(waiting) / MONEY
        ready = sum(w * self.net.day_of(c.ready) for w, c in zip(waiting, unit.per_step, strict=True)) / MONEY
        saved = sum(case_unplanned_cost(self.scenario, c) for c in unit.per_step) / MONEY
        if self.scenario.bookings is not None:
            # Every itinerary but a booked one carries the change its waiting carries too (the
            # booked one is the master's, priced there).
            saved -= sum(self.scenario.bookings.unplanned_change(c.case_id) for c in unit.per_step) / MONEY
        return per_day, -ready - saved + unit.persons * rider.sink

    def _riding(self, u: int, rider: _Rider, vehicles: tuple[int, ...]) -> float:
        ride = self.ride.get(u, {})
        return (
            self._vehicles(vehicles) * rider.duals
            + sum(ride.get(v, 0.0) for v in vehicles) / self.units[u].persons
        )

    def _head_vehicles(self, place: str) -> np.ndarray:
        """What one rider pays in vehicle multipliers on each way onto a first service from
        ``place``, found once a round for every unit starting there."""
        found = self._head_sums.get(place)
        if found is None:
            heads, _ = self._origin(place)
            owner = self._head_owner.get(place)
            if owner is None:
                owner = self._head_owner[place] = (
                    np.repeat(np.arange(len(heads)), [len(h.vehicles) for h in heads]),
                    np.array([v for h in heads for v in h.vehicles], dtype=np.int64),
                )
            self._grow()
            found = np.bincount(owner[0], weights=self.vehicle[owner[1]], minlength=len(heads))
            self._head_sums[place] = found
        return found

    def _on_heads(self, u: int, rider: _Rider, on: np.ndarray) -> np.ndarray:
        """The unit's reduced cost (a step of it, its unit row left out) leaving by each way
        onto a first service from its start, going on at the cost ``on`` from that service:
        infinite where it may not leave so."""
        unit = self.units[u]
        heads, a = self._origin(unit.origin)
        per_day, constant = self._terms(u, rider)
        head_vehicles = self._head_vehicles(unit.origin) * rider.duals
        ride = self.ride.get(u)
        if ride:
            own = [sum(ride.get(v, 0.0) for v in h.vehicles) for h in heads]
            head_vehicles = head_vehicles + np.array(own) / unit.persons
        value = unit.persons * (
            a["fare"] / MONEY * rider.fares
            + head_vehicles
            + on
            - rider.sink * a["depart_day"]
            + rider.time * (a["anchor"] - a["depart"])
        )
        value += per_day * a["anchor_day"] + constant
        ok = (a["depart"] >= unit.earliest.timestamp()) & (a["anchor"] >= self.start_ts)
        ok &= (a["anchor"] < self.end_ts) & (on < _REACHED)
        return np.where(ok, value, np.inf)

    def _by_road(self, u: int, rider: _Rider) -> list[tuple[RoadWay, float]]:
        """The unit's reduced cost (a step, its unit row left out, no escort paid) on each way
        by road alone, at 07:00 on a day of the window."""
        unit, net = self.units[u], self.net
        per_day, constant = self._terms(u, rider)
        earliest = unit.earliest.timestamp()
        found: list[tuple[RoadWay, float]] = []
        for moment in net.road_days(unit.origin, unit.ready):
            if moment.timestamp() < earliest:
                continue
            for road in net.transport.road_paths(unit.origin, unit.home):
                if not road.links:
                    continue
                way = net.road_at(road, moment)
                days = net.day(unit.home, way.arrive) - net.day(unit.origin, way.depart) + 1
                seconds = (way.arrive - way.depart).total_seconds()
                value = unit.persons * (
                    way.fare_idr / MONEY * rider.fares
                    + self._riding(u, rider, way.vehicles)
                    + rider.time * seconds
                )
                value += unit.persons * rider.sink * days + per_day * net.day(unit.origin, way.depart)
                value += constant - unit.persons * rider.sink
                found.append((way, float(value)))
        return found

    def x_reduced(self, u: int, j: int, with_unit: bool = True) -> float:
        """The reduced cost of unit ``u`` on the master's journey ``j`` at the multipliers of
        the bound: the master's duals, and for rows it does not have yet the multipliers of
        the search (a vehicle's cost per seat, the unit's share of the least duty)."""
        m = self.master
        x = m.x_index.get((u, j))
        if x is not None:
            # Its column has every row it enters: its reduced cost is the master's.
            value = m.column_reduced(x)
            return value if with_unit else value + m.dual(("unit", u))
        journey = m.journeys[j].journey
        cost, entries = m.x_entries(u, j, make=False)
        if not with_unit:
            entries.pop(("unit", u), None)
        cost += self.units[u].persons * self.absent_vehicles(journey.vehicles)
        if ("cap", m.journeys[j].party) not in m.rows and self.units[u].escorted:
            moment = journey.depart.timestamp()
            need = self.escort_need(u, moment)
            rows, path = m.journeys[j], self.paths.get(j)
            if path is not None:
                least = float(self.party_floor(need, rows.origin, rows.home)[path[0]])
            elif journey.service_ids:
                # A way onto its first service the network does not have: the way out's floor
                # alone is at most the least duty on any way on.
                least = sum(
                    self.floor.out_at(n, rows.origin, moment, journey.ready_by.timestamp())
                    for n in _parts(need)
                )
            else:
                least = self._least_duty(journey, need)
            cost += least * self.escort_share(u, moment)
        return m.reduced_cost(cost, entries)

    def escort_share(self, u: int, moment: float) -> float:
        """The part of the least duty a party can have (``party_floor``) that unit ``u`` pays
        on an itinerary leaving at ``moment`` whose party's escort rows the master does not
        have yet (``_share_at``)."""
        return self._share_moment(u, moment)[0]

    def escort_need(self, u: int, moment: float) -> Need:
        """Whose duties the unit's share is the least of: where it is taken on the unit's own
        rows, its ``_own_need``; else any escort's (None)."""
        return self._share_moment(u, moment)[1]

    def _share_moment(self, u: int, moment: float) -> tuple[float, Need]:
        unit = self.units[u]
        if not unit.escorted:
            return 0.0, None
        key = (unit.origin, unit.home)
        times, _ = self._ready_steps[key]
        at = len(times) - 1
        if self.by_departure:
            # At least the unit's own moment: it is one of those who may leave.
            at = int(np.searchsorted(times, max(moment, unit.earliest.timestamp()), side="right")) - 1
        return self._share_at(key, at)[u]

    def _share_at(self, key: tuple[str, str], at: int) -> dict[int, tuple[float, Need]]:
        """Each escorted unit's share and need on an itinerary from ``key``'s start to its home
        whose party's escort rows the master does not have yet, leaving by the ``at``-th moment
        one of them may first leave (the units not ready by then have no column, so no rows,
        there).

        Those rows' multipliers are one of two sets, for every unit alike (an itinerary's party
        row and its units' own rows must not both carry one).  Either each unit's own rows
        (an escort able to meet its ``_own_need`` wherever it travels, which a duty earns once
        per step) carry the least duty of those escorts over ``n``: for each kind of escort
        meeting those rows, the steps whose own rows that kind's duties enter, the most of
        them.  A duty of any kind then earns at most its least duty over the count of the steps
        it can earn from, times that count.  Or the escort row of the party (escorts enough
        for its cases) carries the least duty per case an escort may take.  Either way no duty
        with such a party has a negative reduced cost, as the bound needs (docs/solver.md).
        The own rows where the steps are at most an escort's cases (no share there is smaller
        than one over all of them); elsewhere the set whose shares sum to more."""
        found = self._shares_at.get((key, at))
        if found is not None:
            return found
        met = self._met_steps[key][:, at]
        own: dict[int, tuple[float, Need]] = {}
        party: dict[int, tuple[float, Need]] = {}
        mine = ours = 0.0
        for u in self._by_moment[key][: at + 1]:
            unit = self.units[u]
            need = self._own[u]
            count = max(
                [int(met[k]) for k, kind in enumerate(self._kinds) if _meets(kind, need)] + [unit.upper]
            )
            own[u] = (1.0 / count, need)
            party[u] = (unit.escorted / self.most_cases, None)
            mine += unit.upper / count
            ours += unit.upper * unit.escorted / self.most_cases
        total = int(self._ready_steps[key][1][at])
        found = self._shares_at[(key, at)] = own if total <= self.most_cases or mine >= ours else party
        return found

    def _own_need(self, unit: Unit) -> Need:
        """The rows of its own on which an escorted unit's share is taken: an escort wherever
        it travels (None) if it has no need; that of its rarest need (fewest escorts meet it);
        or, where it has needs no escort meets together, one for each of them (each then
        carries the least duty of the escorts meeting that need: no duty enters two of them)."""
        if not unit.escorted:
            return None
        needs = [need for need in NEEDS if unit.needs(need)]
        if not needs:
            return None
        apart = max(
            (
                group
                for size in range(len(needs), 1, -1)
                for group in combinations(needs, size)
                if all(pair in self._apart for pair in combinations(group, 2))
            ),
            key=lambda group: (len(group), -sum(self._able[n] for n in group)),
            default=None,
        )
        if apart is not None:
            return apart
        return min(needs, key=lambda need: (self._able[need], need))

    def _least_duty(self, journey: Journey, need: Need) -> float:
        """The least the duty of an escort able to meet ``need`` (any escort with None) with a
        party on ``journey`` costs (thousands); for needs apart, the sum of each one's."""
        if isinstance(need, tuple):
            return sum(self._least_duty(journey, n) for n in need)
        net = self.net
        legs = journey.itinerary.legs
        along = journey.fare_idr / MONEY
        along += sum(self.seat[net.service_index[s]] for s in journey.service_ids if s in net.service_index)
        along += sum(self._vehicle_multiplier(k) for k in journey.vehicles)
        depart, arrive = journey.depart.timestamp(), journey.arrive.timestamp()
        out = self.floor.out_at(need, legs[0].from_id, depart, journey.ready_by.timestamp())
        back = self.floor.back_at(need, legs[-1].to_id, arrive)
        return float(out + along + self.floor.rate(need) * (arrive - depart) + back)

    def _tree_path(
        self, node: int, home: str | None, pred: np.ndarray, sink: int | None = None
    ) -> tuple[int, ...]:
        """The nodes from ``node`` to the sink (of ``home``) along the search's tree."""
        if sink is None:
            assert home is not None
            sink = self.net.sink[home]
        nodes = [node]
        while node != sink:
            node = int(pred[node])
            assert node >= 0, "a reached node has a way on"
            nodes.append(node)
        return tuple(nodes)

    # -- what escorts may gain from escorted units: the bound's parties -------------------------

    def escorted_values(self, every: bool = False) -> dict[int, EscortedValues]:
        """Each escorted unit's reduced cost (a step of it, its unit row left out, no escort
        paid) leaving on each way onto a first service from its start (its best itinerary on
        from there), and on each way by road alone; with ``every``, every unit's."""
        net = self.net
        classes: dict[tuple[float, float], list[int]] = defaultdict(list)
        for u, unit in enumerate(self.units):
            if (every or unit.escorted) and unit.ready < self.scenario.settings.end_date:
                fare = sum(self._pool("fare", c.case_id) for c in unit.per_step) / unit.persons
                meal = sum(self._pool("meal", c.case_id) for c in unit.per_step) / unit.persons
                classes[(fare, meal)].append(u)
        found: dict[int, EscortedValues] = {}
        for (fare, meal), members in classes.items():
            rider = _Rider(1 + fare, 1.0, self.meal * (1 + meal) / MONEY, 0.0)
            weights = self._weights(rider)
            homes = sorted({self.units[u].home for u in members})
            dist, _ = shortest_paths(self._graph(weights, reverse=True), [net.sink[h] for h in homes])
            row = {h: k for k, h in enumerate(homes)}
            for u in members:
                unit = self.units[u]
                on = dist[row[unit.home]]
                if u in self.ride:
                    mine = weights.copy()
                    for vehicle, value in self.ride[u].items():
                        mine[self._vehicle_arcs.get(vehicle, [])] += value / unit.persons
                    on, _ = shortest_paths(self._graph(mine, reverse=True), net.sink[unit.home])
                _, a = self._origin(unit.origin)
                found[u] = (self._on_heads(u, rider, on[a["service"]]), self._by_road(u, rider))
        return found

    def party_floors(self, need: str | None, homes: list[str]) -> np.ndarray:
        """From each node, the least an escort able to meet ``need`` pays going on with a party
        to each of ``homes`` (a row each) and back to its base from there, at the duals: one
        rider's fares and duals, its days at the least rate, and the way back's floor."""
        rate = self.floor.rate(need)
        weights = self._weights(_Rider(1.0, 1.0, 0.0, rate, need))
        for home in homes:
            into, floor = self._sinks_floor(need, home)
            weights[into] += floor
        dist, _ = shortest_paths(self._graph(weights, reverse=True), [self.net.sink[h] for h in homes])
        return np.atleast_2d(dist)

    def head_party(self, need: str | None, origin: str, on: np.ndarray) -> np.ndarray:
        """What the same escort pays from its party's start on each head of ``origin`` (its way
        onto the first service), going on at ``on`` from that service."""
        _, a = self._origin(origin)
        rate = self.floor.rate(need)
        return np.asarray(
            a["fare"] / MONEY
            + self._head_vehicles(origin)
            + rate * (a["anchor"] - a["depart"])
            + on[a["service"]]
        )

    def earliest_arrivals(self, home: str) -> np.ndarray:
        """From each node, the fewest seconds to arrive at ``home`` (infinite where it cannot)."""
        found = self._earliest.get(home)
        if found is None:
            seconds = np.where(self._sink_arc, 0.0, self._arc_seconds)
            found, _ = shortest_paths(self._graph(seconds, reverse=True), self.net.sink[home])
            self._earliest[home] = found
        return found

    def latest_out(self, base: str, place: str, ready_by: np.ndarray) -> np.ndarray:
        """The latest moment a way from ``base`` can leave and reach ``place`` by each of
        ``ready_by`` (-inf where none can): no duty from ``base`` with a party leaving
        ``place`` then begins later."""
        found = np.full(len(ready_by), -np.inf)
        arrivals = self._arrivals.get(place)
        if arrivals is not None and len(arrivals[1]):
            times, nodes = arrivals
            latest = np.maximum.accumulate(self._latest_leaving(base)[nodes])
            k = np.searchsorted(times, ready_by, side="right")
            found = np.where(k > 0, latest[np.maximum(k - 1, 0)], -np.inf)
        start = self.scenario.settings.start
        for path in self.net.transport.road_paths(base, place):
            if path.links:
                span = (start - self.net.road_before(path, start).depart).total_seconds()
                found = np.maximum(found, ready_by - span)
        return np.asarray(found)

    def _latest_leaving(self, base: str) -> np.ndarray:
        """For each node, the latest moment one can leave ``base`` by a way onto a first service
        and be there.  The search's cost to a node is ``top - 2 * leaving + at`` (the seconds on
        the way add up to ``at - leaving``), least where ``leaving`` is latest."""
        found = self._latest.get(base)
        if found is None:
            net = self.net
            heads, a = self._origin(base)
            found = np.full(net.nodes, -np.inf)
            if len(heads):
                top = 2.0 * float(a["depart"].max())
                # One way onto each service, the latest (parallel arcs would add up in the graph).
                services, first = np.unique(
                    a["service"][np.argsort(-a["depart"], kind="stable")], return_index=True
                )
                leaving = -np.sort(-a["depart"], kind="stable")[first]
                anchors = net.node_time[services]
                extra = (
                    np.full(len(services), net.nodes, dtype=np.int64),
                    services,
                    top - 2.0 * leaving + anchors,
                )
                seconds = np.where(self._sink_arc, 0.0, self._arc_seconds)
                dist, _ = shortest_paths(self._graph(seconds, False, extra), net.nodes)
                at = net.node_time
                ok = np.isfinite(dist[: net.nodes]) & np.isfinite(at)
                found[ok] = (top + at[ok] - dist[: net.nodes][ok]) / 2.0
            self._latest[base] = found
        return found

    def earliest_back(self, base: str, place: str, arrive: np.ndarray) -> np.ndarray:
        """The earliest moment someone at ``place`` at each of ``arrive`` can be back at
        ``base`` (inf where never)."""
        if place == base:
            return np.asarray(arrive, dtype=np.float64)
        net = self.net
        secs = self.earliest_arrivals(base)

        def onward(at: str, moment: np.ndarray) -> np.ndarray:
            found = net.wait_arrays(at)
            if found is None:
                return np.full(len(moment), np.inf)
            times, nodes = found
            k = np.searchsorted(times, moment, side="left")
            node = nodes[np.minimum(k, len(nodes) - 1)]
            return np.where(k < len(nodes), net.node_time[node] + secs[node], np.inf)

        best = onward(place, arrive)
        for target, _, _, span in net.roads_from(place):
            reached = arrive + span
            best = np.minimum(best, reached if target == base else onward(target, reached))
        return np.asarray(best)

    # -- escort duties ----------------------------------------------------------------------------

    def duties_priced(
        self, journeys: list[int], first: int = 0, local: bool = False, keep: int | None = None
    ) -> list[DutyPrice]:
        """For each escort and each of the master's party itineraries in ``journeys``, the least
        reduced cost of its duties with that party (its busy rows' duals included, from the
        duty's start to its end), and the duty that reaches it where it prices out (with
        ``keep``, for each itinerary's ``keep`` most negative only).  With ``first``, only each
        itinerary's ``first`` cheapest duties per case an escort takes, each with its duty;
        with ``local`` too, only among the escorts based at the party's start or home, where
        there are any."""
        scenario, m = self.scenario, self.master
        prices: list[DutyPrice] = []
        if not journeys:
            return prices
        # Escort costs are paid from the pool of the party's start and home: its dual scales
        # everything a duty costs.
        by_rate: dict[float, list[int]] = defaultdict(list)
        for j in journeys:
            by_rate[self.escort_money(m.journeys[j].origin, m.journeys[j].home)].append(j)
        parties = {j: self._party(j) for j in journeys}
        passed = self._outranked(first, parties) if first else set()
        anyone: set[int] | None = None  # with ``local``: the itineraries any escort values
        if local:
            bases = {e.base_id for e in scenario.escorts}
            anyone = {j for j in journeys if not {m.journeys[j].origin, m.journeys[j].home} & bases}
        # With ``first``, the duties are made only for the cheapest: making one prices its legs.
        cheapest: dict[int, list[tuple[float, int, float, _EscortSearch]]] = defaultdict(list)
        # With ``keep``: the duties that price out, by itinerary (made once all are valued).
        pending: dict[int, list[tuple[float, int, _EscortSearch]]] = defaultdict(list)
        for escort in scenario.escorts:
            if escort.escort_id in passed:
                continue
            self.tick()
            able = [need for need in NEEDS if suits(scenario, escort.escort_id, need)]
            for money, every in by_rate.items():
                group = every
                if anyone is not None:
                    base = escort.base_id
                    group = [
                        j for j in every if j in anyone or base in (m.journeys[j].origin, m.journeys[j].home)
                    ]
                    if not group:
                        continue
                search = self.escort_search(escort, money)
                values = self._duty_values(search, group, parties, able)
                if first and local:
                    # Only the cheapest duties are made, of a few escorts: every escort's
                    # searches kept to the end took 2.6 GiB at the peak of 20,000 cases' first
                    # round, 2.1 GiB without them.
                    search.trim()
                for j, value in zip(group, values.tolist(), strict=True):
                    if first:
                        if value < np.inf:
                            found = cheapest[j]
                            found.append((value / escort.max_cases, len(found), value, search))
                        continue
                    option = None
                    if value < -1e-9:
                        if keep is not None:
                            pending[j].append((value, len(prices), search))
                        else:
                            ways = self._ways(search, j)
                            option = self._duty_option(search, j, ways) if ways is not None else None
                    prices.append(DutyPrice(escort.escort_id, j, value, option))
        for j, priced in pending.items():
            priced.sort(key=lambda item: (item[0], item[1]))
            made = 0
            for _, index, search in priced:
                ways = self._ways(search, j)
                option = self._duty_option(search, j, ways) if ways is not None else None
                if option is not None:
                    prices[index] = replace(prices[index], option=option)
                    made += 1
                    if made == keep:
                        break
        for j in journeys:
            found = cheapest.get(j, [])
            found.sort(key=lambda item: (item[0], item[1]))
            made = 0
            for _, _, value, search in found:
                ways = self._ways(search, j)
                if ways is None:
                    continue
                option = self._duty_option(search, j, ways)
                if option is None:
                    continue
                prices.append(DutyPrice(search.escort.escort_id, j, value, option))
                made += 1
                if made == first:
                    break
        return prices

    def _outranked(self, first: int, parties: dict[int, _Party]) -> set[str]:
        """The escorts that could not be among the ``first`` cheapest per case of any of
        ``parties``: ``first`` others each take as many cases, cost no more on any way
        (``no_dearer``) and come before them, by a lower allowance (then a duty costs less: it
        is at least a day) or by being listed first.  Only where no party's escort rows carry a
        dual (new rows, as ``ColumnGeneration._escort_new`` asks): else an escort of more needs
        could earn less.  In the first round of 20,000 cases, 492 of 811 escorts need not be valued."""
        if any(p.cap or p.escorted or any(p.skills.values()) for p in parties.values()):
            return set()
        escorts = self.scenario.escorts
        m = self.master
        # Free at the master's duals, and in the searches kept from this round's pricing.
        charged = {key[0] for key, search in self._searches.items() if search.busy.all or search.own}
        free = np.array(
            [
                e.escort_id not in charged
                and m.busy(e.escort_id).all == 0.0
                and not self._escort_rides(e.escort_id)
                for e in escorts
            ],
            dtype=bool,
        )
        cheaper = no_dearer(self.scenario, escorts, free)
        cases = np.array([e.max_cases for e in escorts])
        allowance = np.array([e.daily_allowance_idr for e in escorts])
        order = np.arange(len(escorts))
        before = (allowance[:, None] < allowance[None, :]) | (order[:, None] < order[None, :])
        ahead = cheaper & before & (cases[:, None] == cases[None, :])
        return {e.escort_id for e, n in zip(escorts, ahead.sum(axis=0).tolist(), strict=True) if n >= first}

    def escort_money(self, origin: str, home: str) -> float:
        """What a rupiah of an escort's duty with a party from ``origin`` to ``home`` costs:
        one, less the dual of the pool its lines pay from."""
        m = self.master
        return 1.0 - m.dual(("pool", "escort", m.party_lines(origin, home, "escort")))

    def escort_search(self, escort: Escort, money: float) -> _EscortSearch:
        """The escort's searches at ``money`` (``escort_money``), its days at its allowance and
        meals and its own vehicle rows priced."""
        rate = (self.meal + escort.daily_allowance_idr) / MONEY * money
        return self._search(escort, money, rate, self._escort_rides(escort.escort_id))

    def _search(self, escort: Escort, money: float, rate: float, own: dict[int, float]) -> _EscortSearch:
        """The escort's searches at this round's duals, shared by every pricing of its duties
        until the next ``refresh``: a new itinerary's first duties use the round's ways."""
        key = (escort.escort_id, money)
        found = self._searches.get(key)
        if found is None:
            found = self._searches[key] = _EscortSearch(self, escort, money, rate, own)
        return found

    def _party(self, j: int) -> _Party:
        """What any escort's duty with the party on the master's journey ``j`` pays along it
        and earns from its escort rows, whoever the escort: found once a round, not per escort."""
        m, net = self.master, self.net
        journey = m.journeys[j].journey
        vehicles = tuple(net.vehicle(k) for k in journey.vehicles)
        cap, earned, skills = m.party_gives(m.journeys[j].party)
        return _Party(
            fare=journey.fare_idr / MONEY,
            seats=sum(self.seat[net.service_index[s]] for s in journey.service_ids),
            vehicles=vehicles,
            riding=self._vehicles(vehicles),
            cap=cap,
            escorted=earned,
            skills=skills,
        )

    def _escort_rides(self, escort_id: str) -> dict[int, float]:
        """The escort's own vehicle rows (``eride``): what its riding a vehicle costs in duals;
        every escort's found in one pass over the rows per set of the master's duals (a pass
        per escort and pricing took 8 s of L's first round).  The duals are read as they are
        now, which after a smoothed round's pricing are the master's own again."""
        m = self.master
        if self._erides is None or self._erides_dual is not m.row_dual:
            net = self.net
            self._erides_dual = m.row_dual
            self._erides = defaultdict(dict)
            for index, key in enumerate(m.row_keys):
                if key[0] == "eride" and index < len(m.row_dual) and m.row_dual[index] < 0:
                    vehicle = net.vehicle((key[2], key[3]))  # type: ignore[arg-type]
                    self._erides[key[1]][vehicle] = -float(m.row_dual[index])  # type: ignore[index]
        return self._erides.get(escort_id, {})

    def _duty_values(
        self, search: _EscortSearch, journeys: list[int], parties: dict[int, _Party], able: list[str]
    ) -> np.ndarray:
        """The least reduced cost of the escort's duties with the party on each of the
        master's ``journeys`` (infinite where it has no way out or back): its ways out and
        back, priced per place in arrays, its fares, seats and vehicles along with the party
        for one more rider, its days, and what the party's escort rows give back."""
        m = self.master
        escort = search.escort
        count = len(journeys)
        along = np.empty(count)
        earned = np.empty(count)
        capacity = np.empty(count)
        out = np.full(count, np.inf)
        back = np.full(count, np.inf)
        starts: dict[str, list[int]] = defaultdict(list)
        ends: dict[str, list[int]] = defaultdict(list)
        for i, j in enumerate(journeys):
            rows, party = m.journeys[j], parties[j]
            value = party.fare * search.money + party.seats + party.riding
            if search.own:
                value += sum(search.own.get(v, 0.0) for v in party.vehicles)
            along[i] = value
            capacity[i] = escort.max_cases * party.cap
            earned[i] = party.escorted + sum(party.skills.get(need, 0.0) for need in able)
            starts[rows.origin].append(i)
            ends[rows.home].append(i)
        for place, at in starts.items():
            chosen = [m.journeys[journeys[i]].journey for i in at]
            out[at] = search.outs(place, [j.depart for j in chosen], [j.ready_by for j in chosen])
        for place, at in ends.items():
            back[at] = search.backs(place, [m.journeys[journeys[i]].journey.arrive for i in at])
        values: np.ndarray = out + along + back + search.rate - capacity + earned
        return np.where(np.isfinite(out) & np.isfinite(back), values, np.inf)

    def _ways(self, search: _EscortSearch, j: int) -> _Ways | None:
        """The legs of the escort's cheapest ways out to and back from the party on journey
        ``j``, those ``_duty_values`` prices (none from or to its base), or None."""
        rows = self.master.journeys[j]
        escort = search.escort
        base = self.scenario.location(escort.base_id)
        journey = rows.journey
        out: tuple[Leg, ...] | None = None
        if escort.base_id == rows.origin:
            out = () if base.local_date(journey.depart) >= escort.available_from else None
        else:
            found = search.way_out(rows.origin, journey)
            out = found[1] if found is not None else None
        back: tuple[Leg, ...] | None = None
        if escort.base_id == rows.home:
            back = () if base.local_date(journey.arrive) <= escort.available_to else None
        else:
            found = search.way_back(rows.home, journey.arrive)
            back = found[1] if found is not None else None
        return None if out is None or back is None else (out, back)

    def _duty_option(self, search: _EscortSearch, j: int, ways: _Ways) -> EscortOption | None:
        out, back = ways
        return escort_option(
            self.scenario,
            search.escort,
            self.master.journeys[j].journey,
            Itinerary(out) if out else None,
            Itinerary(back) if back else None,
        )


_Ways = tuple[tuple[Leg, ...], tuple[Leg, ...]]  # a duty's legs out and back


def _nothing() -> None:
    return None


@dataclass(frozen=True, slots=True)
class _After:
    """A way by road after each of some moments: what one rider pays for its vehicles in
    multipliers, and when each of its hired links leaves."""

    paid: np.ndarray
    departs: tuple[tuple[str, np.ndarray], ...]  # each hired link and when it leaves

    def own(self, priced: dict[str, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """What each way pays in a traveller's own vehicle multipliers, ``priced`` by link:
        the departures' timestamps (sorted) and their multipliers."""
        paid = np.zeros(len(self.paid))
        for link, at in self.departs:
            found = priced.get(link)
            if found is not None:
                paid += _at(found, at, 0.0)
        return paid


@dataclass(frozen=True, slots=True)
class _WaysBack:
    """``Pricing.ways_back``: a row per way (staying at the place first, then each road way),
    a column per moment."""

    at: np.ndarray  # the wait node's position in ``TimeExpanded.waits`` where the way goes on
    caught: np.ndarray  # whether a departure is left to catch there
    fare: np.ndarray  # per way, per rider (rupiah; 0 for staying)
    span: np.ndarray  # per way, seconds from the moment to arriving at its place
    paid: np.ndarray  # what one rider pays for its vehicles in multipliers
    afters: tuple[_After, ...]  # each road way's vehicles (rows from 1)
    to: dict[str, np.ndarray]  # the rows of the road ways to each place


def _at(priced: tuple[np.ndarray, np.ndarray], moments: np.ndarray, otherwise: float) -> np.ndarray:
    """The values ``priced`` gives at ``moments`` (sorted timestamps and their values),
    ``otherwise`` where it has none."""
    times, values = priced
    found = np.full(len(moments), otherwise)
    k = np.minimum(np.searchsorted(times, moments), len(times) - 1)
    hit = times[k] == moments
    found[hit] = values[k[hit]]
    return found


def _by_link(priced: dict[VehicleKey, float]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Vehicle multipliers by link: the departures' timestamps, sorted, and their values."""
    found: dict[str, dict[float, float]] = defaultdict(dict)
    for (link, depart), value in priced.items():
        found[link][depart.timestamp()] = value
    return {link: (np.array(sorted(at)), np.array([at[t] for t in sorted(at)])) for link, at in found.items()}


class _EscortSearch:
    """One escort's ways out from its base and back to it, at one price of money, searched
    lazily: out from the first day of availability, back within it.

    A way out's first leg is counted as ``-rate`` a day and a way back's arrival as ``rate``
    a day, so that a duty's days (last day less first day, plus one) are a sum over its arcs;
    the way out's search is shifted by ``last_day`` so that every arc costs at least nothing.
    """

    def __init__(
        self, pricing: Pricing, escort: Escort, money: float, rate: float, own: dict[int, float]
    ) -> None:
        self.p = pricing
        self.escort = escort
        self.money = money
        self.rate = rate
        self.own = own
        self._own_links: dict[str, tuple[np.ndarray, np.ndarray]] | None = None  # ``own`` by link
        net = pricing.net
        # One array of arc weights per price of money, shared by the escorts without vehicle
        # rows of their own: a copy each took 700 MiB on L (204 escorts).
        weights = pricing._escort_weights.get(money)
        if weights is None:
            weights = pricing._escort_weights[money] = np.maximum(
                net.arc_fare / MONEY * money + pricing.arc_dual, 0.0
            )
        if own:
            weights = weights.copy()
            for vehicle, value in own.items():
                weights[pricing._vehicle_arcs.get(vehicle, [])] += value
        self.weights = weights
        base = pricing.scenario.location(escort.base_id)
        self.earliest = base.midnight(escort.available_from)
        self.deadline = base.midnight(escort.available_to).timestamp() + 86400.0
        self._out: tuple[np.ndarray, np.ndarray, dict[int, int]] | None = None
        # The escort's busy rows: a duty pays the duals of the moments it covers.
        self.busy = pricing.master.busy(escort.escort_id)
        self._back: tuple[np.ndarray, np.ndarray] | None = None
        # Parties leaving one place at one time (or arriving at one) share their ways.
        self._ways_out: dict[tuple[str, datetime], tuple[float, tuple[Leg, ...]] | None] = {}
        self._ways_back: dict[tuple[str, datetime], tuple[float, tuple[Leg, ...]] | None] = {}
        self._outs: dict[tuple[str, datetime], float] = {}
        self._backs: dict[tuple[str, datetime], float] = {}

    def riding(self, vehicles: tuple[int, ...]) -> float:
        return self.p._vehicles(vehicles) + sum(self.own.get(v, 0.0) for v in vehicles)

    def trim(self) -> None:
        """Drop the searches (the values found stay): they are made again, the same, if a
        way's legs are asked for."""
        self._out = None
        self._back = None

    def _search_out(self) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
        if self._out is None:
            p, net = self.p, self.p.net
            heads, a = p._origin(self.escort.base_id)
            earliest = self.earliest.timestamp()
            best: dict[int, tuple[float, int]] = {}
            for k, head in enumerate(heads):
                if a["depart"][k] < earliest:
                    continue
                cost = head.fare_idr / MONEY * self.money + self.riding(head.vehicles)
                cost += self.rate * (p.last_day - head.depart_day)
                cost += self.busy.all - float(self.busy.before(a["depart"][k]))
                if head.service not in best or cost < best[head.service][0]:
                    best[head.service] = (cost, k)
            source = net.nodes
            services = np.array(sorted(best), dtype=np.int64)
            extra = (
                np.full(len(services), source, dtype=np.int64),
                services,
                np.array([best[s][0] for s in services.tolist()]),
            )
            dist, pred = shortest_paths(p._graph(self.weights, False, extra), source)
            self._out = (dist, pred, {s: k for s, (_, k) in best.items()})
        return self._out

    def _search_back(self) -> tuple[np.ndarray, np.ndarray]:
        """The least cost home from each wait node (in the order of ``TimeExpanded.waits``), and
        the search's tree over every node."""
        if self._back is None:
            p, net = self.p, self.p.net
            sink = net.sink[self.escort.base_id]
            into = net.arc_head == sink
            arrive = net.node_time[net.arc_tail]
            home = self.rate * net.arc_day + self.busy.upto(arrive)
            home_in_time = np.where(arrive < self.deadline, home, _FAR)
            weights = np.where(into, home_in_time, self.weights)
            dist, pred = shortest_paths(p._graph(weights, reverse=True), sink)
            # Its costs are read at wait nodes only (2% of L's nodes); its tree walks from any.
            self._back = (dist[net.waits()[0]], pred)
        return self._back

    def way_out(self, place: str, journey: Journey) -> tuple[float, tuple[Leg, ...]] | None:
        """The least cost of a way from the base to ``place`` arriving by the party's
        ``ready_by``, and its legs."""
        key = (place, journey.ready_by)
        if key not in self._ways_out:
            self._ways_out[key] = self._way_out(place, journey.ready_by)
        return self._ways_out[key]

    def _way_out(self, place: str, ready_by: datetime) -> tuple[float, tuple[Leg, ...]] | None:
        p, net = self.p, self.p.net
        best_node: tuple[float, int] | None = None
        found = p._arrivals.get(place)
        if found is not None:
            dist, pred, head_of = self._search_out()
            times, nodes = found
            k = bisect_right(times, ready_by.timestamp())
            if k:
                reach = dist[nodes[:k]]
                i = int(np.argmin(reach))
                if reach[i] < _REACHED:
                    best_node = (float(reach[i]) - self.rate * p.last_day - self.busy.all, int(nodes[i]))
        best_road: tuple[float, tuple[Leg, ...]] | None = None
        for path in net.transport.road_paths(self.escort.base_id, place):
            if not path.links:
                continue
            way = net.road_before(path, ready_by)
            if way.depart < self.earliest:
                continue
            cost = way.fare_idr / MONEY * self.money + self.riding(way.vehicles)
            cost -= self.rate * net.day(self.escort.base_id, way.depart)
            cost -= float(self.busy.before(way.depart.timestamp()))
            if best_road is None or cost < best_road[0]:
                best_road = (cost, way.legs)
        if best_node is None or (best_road is not None and best_road[0] < best_node[0]):
            return best_road
        # Walk the search's tree back to its source: the head onto the first service, then on.
        dist, pred, head_of = self._search_out()
        walk: list[int] = []
        node = best_node[1]
        while node != net.nodes:
            walk.append(node)
            node = int(pred[node])
        walk.reverse()
        head = net.heads(self.escort.base_id)[head_of[walk[0]]]
        return best_node[0], (*head.legs, *net.legs_of(walk))

    def outs(self, place: str, departs: list[datetime], ready_by: list[datetime]) -> np.ndarray:
        """What the way out to a party leaving ``place`` at each of ``departs`` costs, there
        by ``ready_by``: ``out_values``, or where the escort is based at ``place``, only its
        first day and the busy rows before it (infinite before it is available)."""
        escort, net = self.escort, self.p.net
        if escort.base_id != place:
            return self.out_values(place, ready_by)
        base = self.p.scenario.location(place)
        return np.array(
            [
                -self.rate * net.day(place, d) - float(self.busy.before(d.timestamp()))
                if base.local_date(d) >= escort.available_from
                else np.inf
                for d in departs
            ],
            dtype=np.float64,
        )

    def backs(self, place: str, arrived: list[datetime]) -> np.ndarray:
        """What the way back from a party arriving at ``place`` at each of ``arrived`` costs:
        ``back_values``, or where the escort is based at ``place``, only its last day and the
        busy rows up to it (infinite after it is available)."""
        escort, net = self.escort, self.p.net
        if escort.base_id != place:
            return self.back_values(place, arrived)
        base = self.p.scenario.location(place)
        return np.array(
            [
                self.rate * net.day(place, t) + float(self.busy.upto(t.timestamp()))
                if base.local_date(t) <= escort.available_to
                else np.inf
                for t in arrived
            ],
            dtype=np.float64,
        )

    def out_values(self, place: str, ready_by: list[datetime]) -> np.ndarray:
        """What ``way_out`` costs for a party at ``place`` by each of ``ready_by`` (infinite
        where there is no way), without making the ways' legs; kept until the next refresh."""
        return self._kept(self._out_values, place, ready_by, self._outs)

    def back_values(self, place: str, arrived: list[datetime]) -> np.ndarray:
        """What ``way_back`` costs from ``place`` after each of ``arrived`` (infinite where
        there is no way), without making the ways' legs; kept until the next refresh."""
        return self._kept(self._back_values, place, arrived, self._backs)

    @staticmethod
    def _kept(
        find: Callable[[str, list[datetime]], np.ndarray],
        place: str,
        moments: list[datetime],
        known: dict[tuple[str, datetime], float],
    ) -> np.ndarray:
        missing = list(dict.fromkeys(m for m in moments if (place, m) not in known))
        if missing:
            for moment, value in zip(missing, find(place, missing).tolist(), strict=True):
                known[(place, moment)] = value
        return np.array([known[(place, m)] for m in moments], dtype=np.float64)

    def _out_values(self, place: str, ready_by: list[datetime]) -> np.ndarray:
        p, net = self.p, self.p.net
        moments = np.array([r.timestamp() for r in ready_by])
        best = np.full(len(moments), np.inf)
        found = p._arrivals.get(place)
        if found is not None and len(found[1]):
            dist, _, _ = self._search_out()
            times, nodes = found
            reach = np.minimum.accumulate(dist[nodes])
            k = np.searchsorted(times, moments, side="right")
            value = np.where(k > 0, reach[np.maximum(k - 1, 0)], np.inf)
            ok = value < _REACHED
            best[ok] = value[ok] - self.rate * p.last_day - self.busy.all
        paths = [path for path in net.transport.road_paths(self.escort.base_id, place) if path.links]
        if paths:
            for i, when in enumerate(ready_by):
                for path in paths:
                    way = net.road_before(path, when)
                    if way.depart < self.earliest:
                        continue
                    cost = way.fare_idr / MONEY * self.money + self.riding(way.vehicles)
                    cost -= self.rate * net.day(self.escort.base_id, way.depart)
                    cost -= float(self.busy.before(way.depart.timestamp()))
                    if cost < best[i]:
                        best[i] = cost
        return best

    def _back_values(self, place: str, arrived: list[datetime]) -> np.ndarray:
        dist, _ = self._search_back()
        moments = np.array([a.timestamp() for a in arrived])
        ways = self.p.ways_back(place, moments)
        reach = np.full(ways.at.shape, np.inf)
        reach[ways.caught] = dist[ways.at[ways.caught]]
        cost = ways.fare / MONEY * self.money
        low = np.where(reach < _REACHED, cost[:, None] + reach, np.inf)
        home = ways.to.get(self.escort.base_id)
        if home is not None:
            # Home by road: its days and busy rows up to the arrival, if in time.
            net = self.p.net
            for row in home.tolist():
                reached = moments + ways.span[row]
                on = reached < self.deadline
                at = reached[on]
                low[row] = np.inf
                low[row, on] = cost[row] + (
                    self.rate * net.days_at(self.escort.base_id, at) + self.busy.upto(at)
                )
        # A way by road is dearer than its low by its vehicles, whoever rides it.
        paid = ways.paid
        if self.own:
            if self._own_links is None:
                keys = self.p.net.vehicle_keys
                self._own_links = _by_link({keys[vehicle]: own for vehicle, own in self.own.items()})
            paid = paid.copy()
            for row, after in enumerate(ways.afters, start=1):
                paid[row] = paid[row] + after.own(self._own_links)
        best: np.ndarray = (low + paid).min(axis=0)
        return best

    def way_back(self, place: str, arrived: datetime) -> tuple[float, tuple[Leg, ...]] | None:
        """The least cost of a way from ``place`` back to the base after ``arrived``, home in
        time, and its legs."""
        key = (place, arrived)
        if key not in self._ways_back:
            self._ways_back[key] = self._way_back(place, arrived)
        return self._ways_back[key]

    def _way_back(self, place: str, arrived: datetime) -> tuple[float, tuple[Leg, ...]] | None:
        net = self.p.net
        dist, pred = self._search_back()
        slot = net.waits()[1]
        sink = net.sink[self.escort.base_id]
        best: tuple[float, tuple[Leg, ...], int | None] | None = None
        wait = net.wait_after(place, arrived.timestamp())
        if wait is not None and dist[slot[wait]] < _REACHED:
            best = (float(dist[slot[wait]]), (), wait)
        # By road first.  Candidates are compared without their vehicles first (a vehicle's
        # key needs the legs timed, which costs); only those that could still win are timed.
        moment = arrived.timestamp()
        candidates: list[tuple[float, RoadPath, int | None]] = []
        for target, path, fare, span in net.roads_from(place):
            cost = fare / MONEY * self.money
            reached = moment + span
            if target == self.escort.base_id:
                if reached < self.deadline:
                    day = datetime.fromtimestamp(reached, net.scenario.location(target).tz).date()
                    home = self.rate * net.day_of(day) + float(self.busy.upto(reached))
                    candidates.append((cost + home, path, None))
                continue
            onward = net.wait_after(target, reached)
            if onward is not None and dist[slot[onward]] < _REACHED:
                candidates.append((cost + float(dist[slot[onward]]), path, onward))
        candidates.sort(key=lambda item: item[0])
        for low, path, onward in candidates:
            if best is not None and low >= best[0]:
                break
            way = net.road_after(path, arrived)
            total = low + self.riding(way.vehicles)
            if best is None or total < best[0]:
                best = (total, way.legs, onward)
        if best is None:
            return None
        value, lead, node = best
        if node is None:
            return value, lead
        nodes = [node]
        while node != sink:
            node = int(pred[node])
            nodes.append(node)
        return value, (*lead, *net.legs_of(nodes))


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where each arc's weight goes in a compressed sparse row matrix of fixed shape."""

    position: np.ndarray  # each arc's entry
    entries: int
    indices: np.ndarray
    indptr: np.ndarray
    size: int

    @staticmethod
    def of(rows: np.ndarray, columns: np.ndarray, size: int) -> _Layout:
        order = np.lexsort((columns, rows))
        sorted_rows, sorted_columns = rows[order], columns[order]
        # A new entry wherever the (row, column) pair changes; parallel arcs share one.
        new = np.ones(len(order), dtype=bool)
        new[1:] = (sorted_rows[1:] != sorted_rows[:-1]) | (sorted_columns[1:] != sorted_columns[:-1])
        entry = np.cumsum(new) - 1
        position = np.empty(len(order), dtype=np.int64)
        position[order] = entry
        indptr = np.zeros(size + 1, dtype=np.int64)
        np.add.at(indptr, sorted_rows[new] + 1, 1)
        return _Layout(position, int(new.sum()), sorted_columns[new], np.cumsum(indptr), size)

    def data(self, weights: np.ndarray) -> np.ndarray:
        """The matrix's entries at the arcs' ``weights``."""
        return np.bincount(self.position, weights=weights, minlength=self.entries)

    def matrix(self, weights: np.ndarray) -> csr_matrix:
        return csr_matrix((self.data(weights), self.indices, self.indptr), shape=(self.size, self.size))


@dataclass(frozen=True, slots=True)
class _Party:
    """A master journey's party as every escort's duty with it sees it (thousands): its fare
    (each escort's search prices it at its pool's price of money), the seat and vehicle duals
    of one more rider, the dual of its capacity row, and what its cases' escort rows and (per
    need) skill rows give back."""

    fare: float
    seats: float
    vehicles: tuple[int, ...]
    riding: float
    cap: float
    escorted: float
    skills: dict[str, float]


@dataclass(frozen=True, slots=True)
class _Rider:
    """How a class of riders counts an arc: its fares times ``fares`` (its own and its
    escorts' share, each paid from a pool with its dual), its duals times ``duals``, a day of
    arrival times ``sink``, and each second on the road times ``time`` (its escorts' days)."""

    fares: float
    duals: float
    sink: float
    time: float
    need: Need = None  # whose duties its escorts' share is the least of


def _parts(need: Need) -> tuple[str | None, ...]:
    """The floor's keys whose least duties a share of ``need`` sums."""
    return need if isinstance(need, tuple) else (need,)


def _meets(kind: frozenset[str], need: Need) -> bool:
    """Whether a duty of an escort meeting ``kind``'s needs enters a unit's own rows of
    ``need``."""
    if need is None:
        return True
    if isinstance(need, tuple):
        return any(n in kind for n in need)
    return need in kind
