"""A bound of the week from one linear program over flows in the time-expanded network.

The master keeps a party's escort rows per itinerary, and an itinerary not in the master has
rows of its own whose multipliers the Lagrangian bound can only guess.  Here every escort row
is per *ride* instead (a way onto a first service, a service, a road way after an arrival, a
way by road alone), the same for every itinerary that takes it, so nothing is guessed:

* each unit is a flow of at most its steps from its ways onto a first service (or its ways by
  road alone) to its home through the network's arcs, at its costs (fares, meals by the day of
  departure and of arrival, waiting to the first departure);
* each escort is one flow through its own moments (so its duties never overlap); a duty
  leaves the base by a way onto a first service, runs through the network to a start (a
  layer of its own), waits there for a party's way onto its first service, rides a party's
  arcs to its home (a layer per start and home), and runs back through the network; its days
  are counted in the base's calendar, from the day it leaves to the day it is back;
* on every ride of an escorted unit, escorts of its start and home ride too: enough for the
  unit (``escorted``), one with each of its needs (``skill``), and places for its cases
  (``cap``); seats, hired vehicles, whole vehicles and money pools as in the master.

Every plan of the network's rules is such a flow: its parties' escorts ride every ride of
their cases, out and back by ways of the network.  The program relaxes the week (fractions,
escorts who take turns along one party's way, money for an escort's way out and back and its
days after the first not drawn from a line), so its value bounds every plan.  Its size is
units and escorts times the network's arcs: the demo week's program has 585,503 columns and
HiGHS did not solve it in an hour (docs/solver.md), which is why it is not a planning step
and the next master prices the same rows by columns.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from itertools import pairwise

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from planner.model import Unit
from planner.network import RoadPath
from planner.scenario import Escort, Link, Scenario
from planner.solver.floor import NO_ESCORT
from planner.solver.master import MONEY, NEEDS, Master, RowKey, suits
from planner.solver.network import RoadWay, TimeExpanded, shortest_paths
from planner.solver.pricing import Pricing, _Rider
from planner.solver.program import INF, Program

_FAR = 1e18
_REACHED = 1e17
_KEPT = 1e-6  # thousands of rupiah: an itinerary is kept when it saves more than this
_TOP = 10_000.0  # a day number after every day of a week's ways


class _Plain(Pricing):
    """Pricing at no duals: vehicles are paid by their own columns here, never per seat."""

    def _vehicle_multiplier(self, key: tuple[str, object]) -> float:
        return 0.0


Ride = tuple[str, object]  # ("h", head index), ("a", arc) or ("w", a way's legs)


class FlowBound:
    def __init__(self, scenario: Scenario, net: TimeExpanded, units: list[Unit]) -> None:
        self.scenario = scenario
        self.net = net
        self.units = units
        self.master = Master(scenario, units)
        self.master.solve()  # no columns: every dual is 0
        self.p = _Plain(scenario, net, self.master, units)
        self.p.refresh()
        p = self.p
        self.rider = _Rider(1.0, 1.0, p.meal / MONEY, 0.0)
        self.weights = p._weights(self.rider)
        arcs = len(net.arc_tail)
        self.graph = csr_matrix((np.ones(arcs), (net.arc_tail, net.arc_head)), shape=(net.nodes, net.nodes))
        self.reverse = self.graph.T.tocsr()
        first_road = net.first_road_node
        roads = (net.arc_head >= first_road) & (net.arc_head < first_road + len(net.road_ways))
        self.riding = (
            (net.arc_service >= 0) | (roads & (net.arc_fare > 0)) | (np.diff(net.arc_vehicle_ptr) > 0)
        )
        self.lp = Program()
        self.pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
        end = scenario.settings.end_date
        for u, unit in enumerate(units):
            if unit.ready < end:
                self.pairs[(unit.origin, unit.home)].append(u)
        self.hired: dict[int, int] = {}  # the column of each vehicle's hires
        # An escort's way out or back pays at least its fares and its share of each vehicle it
        # rides, were the vehicle full.
        shares = np.array([self._share(self.scenario.link(key[0])) for key in net.vehicle_keys])
        self.fares = np.maximum(net.arc_fare / MONEY, 0.0)
        if len(net.arc_vehicles):
            np.add.at(self.fares, p._vehicle_arc, shares[net.arc_vehicles])
        self._outs: dict[str, np.ndarray] = {}
        self._chains: dict[tuple[str, str], list[RowKey]] = {}
        self._outward_to: dict[str, set[str]] = defaultdict(set)
        self._homeward_from: dict[str, set[int]] = defaultdict(set)
        self._place_of = {
            int(node): place for place, (_, nodes) in p._arrivals.items() for node in nodes.tolist()
        }
        self._backs: dict[str, np.ndarray] = {}

    # -- the program ------------------------------------------------------------------------------

    def value(self, seconds: float | None = None) -> float | None:
        """The bound in rupiah; None when the program was not solved in time (or at all)."""
        if self.scenario.bookings is not None:
            return None
        found = self.build().solve(seconds)
        if found is None:
            return None
        return (self.master.constant + found) * MONEY

    def build(self) -> Program:
        """The program, made once: its rows and columns."""
        if not self.lp.cost:
            for pair, members in self.pairs.items():
                self._pair(pair, members)
            self._layers()
            self.close()
        return self.lp

    def _kept(self, u: int, value: np.ndarray, services: np.ndarray, on: np.ndarray) -> np.ndarray:
        """The arcs on some itinerary of unit ``u`` that costs less than its waiting.

        A plan that moves a unit on a dearer itinerary is no cheaper than the same plan with
        the unit waiting (its seats, escorts and money are freed, its cost is not less), so
        some best plan of the week keeps to these arcs."""
        net, p = self.net, self.p
        persons = self.units[u].persons
        ok = np.isfinite(value) & (value < -_KEPT)
        if not ok.any():
            return np.zeros(0, dtype=np.int64)
        # The least cost from the start to each node, per rider, shifted to be >= 0.
        start = value[ok] / persons - on[services[ok]]
        shift = max(0.0, -float(start.min()))
        extra = (np.full(int(ok.sum()), net.nodes, dtype=np.int64), services[ok], start + shift)
        ahead, _ = shortest_paths(p._graph(self.weights, False, extra), net.nodes)
        through = ahead[net.arc_tail] - shift + self.weights + on[net.arc_head]
        return np.nonzero(through < -_KEPT / persons)[0]

    def _pair(self, pair: tuple[str, str], members: list[int]) -> None:
        net, p, lp = self.net, self.p, self.lp
        origin, home = pair
        sink = net.sink[home]
        heads, a = p._origin(origin)
        zero = np.zeros(len(heads))
        escorted = [u for u in members if self.units[u].escorted]
        rides: set[Ride] = set()
        pair_nodes = np.zeros(net.nodes, dtype=bool)
        ways: dict[tuple[object, ...], RoadWay] = {}
        # Per rider, the least cost on from every node to the home.
        on, _ = shortest_paths(p._graph(self.weights, reverse=True), sink)
        escorted_arcs: set[int] = set()
        for u in members:
            unit = self.units[u]
            lp.row(("unit", u), -INF, float(unit.upper))
            value = p._on_heads(u, self.rider, on[a["service"]]) if len(heads) else zero
            allowed = [k for k in range(len(heads)) if value[k] < -_KEPT]
            arcs = self._kept(u, value, a["service"], on)
            nodes = np.zeros(net.nodes, dtype=bool)
            nodes[net.arc_tail[arcs]] = True
            nodes[net.arc_head[arcs]] = True
            for k in allowed:
                nodes[heads[k].service] = True
            if unit.escorted:
                escorted_arcs.update(arcs.tolist())
                pair_nodes |= nodes
            # What leaving by each head costs, the way on from its service aside.
            leaving = {k: float(value[k] - unit.persons * on[heads[k].service]) for k in allowed}
            for node in np.nonzero(nodes)[0].tolist():
                if node != sink:
                    lp.row(("node", u, node), 0.0, 0.0)
            for k in allowed:
                entries: dict[RowKey, float] = {("unit", u): 1.0, ("node", u, heads[k].service): 1.0}
                self._vehicles(entries, heads[k].vehicles, u)
                self._money(entries, u, heads[k].fare_idr, p.meal * (1.0 - a["depart_day"][k]))
                self._linking(entries, u, pair, ("h", k), rides)
                lp.add(leaving[k], entries)
            for arc in arcs.tolist():
                tail, head = int(net.arc_tail[arc]), int(net.arc_head[arc])
                entries = {("node", u, tail): -1.0}
                if head != sink:
                    entries[("node", u, head)] = 1.0
                service = int(net.arc_service[arc])
                if service >= 0:
                    entries[lp_seat(lp, net, service)] = float(unit.persons)
                self._vehicles(entries, self._arc_vehicles(arc), u)
                self._money(entries, u, float(net.arc_fare[arc]), p.meal * max(float(net.arc_day[arc]), 0.0))
                if self.riding[arc]:
                    self._linking(entries, u, pair, ("a", arc), rides)
                lp.add(unit.persons * float(self.weights[arc]), entries)
            for way, cost in p._by_road(u, self.rider):
                if cost >= -_KEPT:
                    continue
                key = tuple(leg.key for leg in way.legs)
                ways[key] = way
                entries = {("unit", u): 1.0}
                self._vehicles(entries, way.vehicles, u)
                days = net.day(unit.home, way.arrive) - net.day(unit.origin, way.depart) + 1
                self._money(entries, u, way.fare_idr, p.meal * days)
                self._linking(entries, u, pair, ("w", key), rides)
                lp.add(cost, entries)
        if not escorted:
            return
        for escort in self.scenario.escorts:
            self._escort(escort, pair, escorted, sorted(escorted_arcs), pair_nodes, ways, rides)

    def _escort(
        self,
        escort: Escort,
        pair: tuple[str, str],
        escorted: list[int],
        arcs: list[int],
        nodes: np.ndarray,
        ways: dict[tuple[object, ...], RoadWay],
        rides: set[Ride],
    ) -> None:
        net, p, lp = self.net, self.p, self.lp
        origin, home = pair
        e = escort.escort_id
        heads, a = p._origin(origin)
        layer = ("layer", e, pair)
        sink = net.sink[home]
        made = False
        if len(heads):
            out = self._out(escort, origin, a["depart"], a["ready_by"])
            leave = self._leave(escort, origin, a["depart"], a["ready_by"])
            road = self._road_out(escort, origin, a["ready_by"]) if escort.base_id != origin else out
            chain = self._chain(escort, origin) if escort.base_id != origin else None
            for k, way_on in enumerate(heads):
                if out[k] >= NO_ESCORT or ("h", k) not in rides or not nodes[way_on.service]:
                    continue
                node = (*layer, way_on.service)
                lp.row(node, 0.0, 0.0)
                sources: list[tuple[RowKey, float]] = []
                if chain is None:
                    sources.append((self._moment(e, float(leave[k])), float(out[k])))
                else:
                    # By its way out through the network to the start (``_outward``), or by road.
                    sources.append((chain[k], 0.0))
                    if road[0][k] < NO_ESCORT:
                        sources.append((self._moment(e, float(road[1][k])), float(road[0][k])))
                for source, out_cost in sources:
                    entries: dict[RowKey, float] = {source: -1.0, node: 1.0}
                    self._escort_vehicles(entries, way_on.vehicles, e)
                    self._escort_linking(entries, escort, pair, escorted, ("h", k), rides)
                    self._escort_money(entries, pair, a["fare"][k] / MONEY + self._rate(escort))
                    lp.add(out_cost + a["fare"][k] / MONEY, entries)
                made = True
        if made:
            into = [arc for arc in arcs if int(net.arc_head[arc]) == sink]
            arrive = net.node_time[net.arc_tail[into]] if into else np.zeros(0)
            back = self._back(escort, home, arrive)
            returns = self._return(escort, home, arrive)
            back_of = dict(zip(into, zip(back.tolist(), returns.tolist(), strict=True), strict=True))
            for arc in arcs:
                tail, head = int(net.arc_tail[arc]), int(net.arc_head[arc])
                entries = {lp_node(lp, (*layer, tail)): -1.0}
                if head == sink and escort.base_id != home:
                    # On by its way back through the network (``_homeward``).
                    entries[self._homeward(escort, tail)] = 1.0
                    cost = 0.0
                elif head == sink:
                    cost, moment = back_of[arc]
                    if cost >= NO_ESCORT:
                        continue
                    entries[self._moment(e, moment)] = 1.0
                else:
                    entries[lp_node(lp, (*layer, head))] = 1.0
                    cost = float(net.arc_fare[arc]) / MONEY
                service = int(net.arc_service[arc])
                if service >= 0:
                    entries[lp_seat(lp, net, service)] = 1.0
                self._escort_vehicles(entries, self._arc_vehicles(arc), e)
                if self.riding[arc]:
                    self._escort_linking(entries, escort, pair, escorted, ("a", arc), rides)
                self._escort_money(entries, pair, float(net.arc_fare[arc]) / MONEY if head != sink else 0.0)
                lp.add(float(cost), entries)
        for key, way in ways.items():
            if ("w", key) not in rides:
                continue
            depart, arrive_at = np.array([way.depart.timestamp()]), np.array([way.arrive.timestamp()])
            out_cost = float(self._out(escort, origin, depart, depart)[0])
            back_cost = float(self._back(escort, home, arrive_at)[0])
            if out_cost >= NO_ESCORT or back_cost >= NO_ESCORT:
                continue
            entries = {
                self._moment(e, float(self._leave(escort, origin, depart, depart)[0])): -1.0,
                self._moment(e, float(self._return(escort, home, arrive_at)[0])): 1.0,
            }
            self._escort_vehicles(entries, way.vehicles, e)
            self._escort_linking(entries, escort, pair, escorted, ("w", key), rides)
            cost = out_cost + way.fare_idr / MONEY + back_cost
            self._escort_money(entries, pair, way.fare_idr / MONEY + self._rate(escort))
            lp.add(cost, entries)

    # -- escorts' ways out and back through the network --------------------------------------------

    def _chain(self, escort: Escort, place: str) -> list[RowKey]:
        """The rows of an escort waiting at ``place`` for each of its heads (by the moment it
        must be there), which its ways out through the network reach."""
        key = (escort.escort_id, place)
        found = self._chains.get(key)
        if found is None:
            _, a = self.p._origin(place)
            order = np.argsort(a["ready_by"], kind="stable")
            found = [("at", escort.escort_id, place, 0)] * len(order)
            for i, k in enumerate(order.tolist()):
                found[k] = ("at", escort.escort_id, place, i)
                self.lp.row(found[k], 0.0, 0.0)
            for i in range(len(order) - 1):
                self.lp.add(
                    0.0,
                    {("at", escort.escort_id, place, i): -1.0, ("at", escort.escort_id, place, i + 1): 1.0},
                )
            self._chains[key] = found
            self._outward_to[escort.escort_id].add(place)
        return found

    def _homeward(self, escort: Escort, node: int) -> RowKey:
        key: RowKey = ("back", escort.escort_id, node)
        self.lp.row(key, 0.0, 0.0)
        self._homeward_from[escort.escort_id].add(node)
        return key

    def _road_out(self, escort: Escort, place: str, ready_by: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """An escort's way out by road alone to parties at ``place`` (there by ``ready_by``):
        its cost and the moment it leaves."""
        rate = self._rate(escort)
        first = self.net.day_of(escort.available_from)
        best = np.full(len(ready_by), NO_ESCORT)
        leave = ready_by.copy()
        start = self.scenario.settings.start
        for path in self.net.transport.road_paths(escort.base_id, place):
            if not path.links:
                continue
            span = (start - self.net.road_before(path, start).depart).total_seconds()
            day = self.net.days_at(escort.base_id, ready_by - span)
            value = np.where(day >= first, self._road(path) - rate * day, NO_ESCORT)
            better = value < best
            best = np.where(better, value, best)
            leave = np.where(better, ready_by - span, leave)
        return best, leave

    def _layers(self) -> None:
        """Each escort's ways out from its base to the starts it may serve, and back from the
        homes, as flows through the network: its seats and vehicles counted as everyone's."""
        net, p, lp = self.net, self.p, self.lp
        for escort in self.scenario.escorts:
            e = escort.escort_id
            rate = self._rate(escort)
            places = self._outward_to.get(e, set())
            if places:
                first = net.day_of(escort.available_from)
                heads, a = p._origin(escort.base_id)
                targets: list[int] = []
                for place in sorted(places):
                    arrivals = p._arrivals.get(place)
                    if arrivals is not None:
                        targets += arrivals[1].tolist()
                starts = [k for k in range(len(heads)) if a["depart_day"][k] >= first]
                arcs, nodes = self._between([heads[k].service for k in starts], targets)
                for k in starts:
                    if nodes[heads[k].service]:
                        entries: dict[RowKey, float] = {
                            self._moment(e, float(a["depart"][k])): -1.0,
                            lp_node(lp, ("out", e, heads[k].service)): 1.0,
                        }
                        self._escort_vehicles(entries, heads[k].vehicles, e)
                        lp.add(a["fare"][k] / MONEY - rate * a["depart_day"][k], entries)
                for arc in arcs.tolist():
                    tail, head = int(net.arc_tail[arc]), int(net.arc_head[arc])
                    entries = {lp_node(lp, ("out", e, tail)): -1.0, lp_node(lp, ("out", e, head)): 1.0}
                    self._escort_ride(entries, arc, e)
                    lp.add(float(net.arc_fare[arc]) / MONEY, entries)
                for place in sorted(places):
                    arrivals = p._arrivals.get(place)
                    if arrivals is None:
                        continue
                    _, h = p._origin(place)
                    ready = np.sort(h["ready_by"])
                    for moment, node in zip(arrivals[0].tolist(), arrivals[1].tolist(), strict=True):
                        i = int(np.searchsorted(ready, moment, side="left"))
                        if nodes[node] and i < len(ready):
                            lp.add(0.0, {("out", e, node): -1.0, ("at", e, place, i): 1.0})
            froms = self._homeward_from.get(e, set())
            if froms:
                last = net.day_of(escort.available_to)
                sink = net.sink[escort.base_id]
                # From a home it may leave by a road way first (rule 2), then by the network.
                entering = set(froms)
                for node in sorted(froms):
                    place, moment = self._place_of[node], float(net.node_time[node])
                    for target, path, _, _ in net.roads_from(place):
                        way = net.road_after(path, datetime.fromtimestamp(moment, tz=UTC))
                        entries = {("back", e, node): -1.0}
                        self._escort_vehicles(entries, tuple(way.vehicles), e)
                        cost = way.fare_idr / MONEY
                        reached = way.arrive.timestamp()
                        if target == escort.base_id:
                            day = int(self.net.days_at(target, np.array([reached]))[0])
                            if day > last:
                                continue
                            entries[self._moment(e, reached)] = 1.0
                            lp.add(cost + rate * (day + 1.0), entries)
                            continue
                        wait = net.wait_after(target, reached)
                        if wait is not None:
                            entries[lp_node(lp, ("back", e, wait))] = 1.0
                            entering.add(wait)
                            lp.add(cost, entries)
                arcs, _ = self._between(sorted(entering), [sink])
                for arc in arcs.tolist():
                    tail, head = int(net.arc_tail[arc]), int(net.arc_head[arc])
                    entries = {lp_node(lp, ("back", e, tail)): -1.0}
                    if head == sink:
                        day = int(net.arc_day[arc])
                        if day > last:
                            continue
                        entries[self._moment(e, float(net.node_time[tail]))] = 1.0
                        lp.add(rate * (day + 1.0), entries)
                        continue
                    entries[lp_node(lp, ("back", e, head))] = 1.0
                    self._escort_ride(entries, arc, e)
                    lp.add(float(net.arc_fare[arc]) / MONEY, entries)

    def _escort_ride(self, entries: dict[RowKey, float], arc: int, escort_id: str) -> None:
        service = int(self.net.arc_service[arc])
        if service >= 0:
            entries[lp_seat(self.lp, self.net, service)] = 1.0
        self._escort_vehicles(entries, self._arc_vehicles(arc), escort_id)

    def _between(self, sources: list[int], targets: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The arcs on some path from ``sources`` to ``targets`` (never into another sink)."""
        net = self.net
        ahead = np.zeros(net.nodes, dtype=bool)
        for node in sorted(set(sources)):
            if not ahead[node]:
                ahead[breadth_first_order(self.graph, node, directed=True, return_predecessors=False)] = True
        behind = np.zeros(net.nodes, dtype=bool)
        for node in sorted(set(targets)):
            if not behind[node]:
                behind[breadth_first_order(self.reverse, node, directed=True, return_predecessors=False)] = (
                    True
                )
        sinks = np.zeros(net.nodes, dtype=bool)
        sinks[list(net.sink.values())] = True
        sinks[targets] = False
        arcs = np.nonzero(ahead[net.arc_tail] & behind[net.arc_head] & ~sinks[net.arc_head])[0]
        return arcs, ahead & behind

    # -- escorts' ways out and back, their days counted in the base's calendar --------------------

    def _share(self, link: Link) -> float:
        return link.vehicle_cost_idr / (link.vehicle_capacity or self.master.travellers) / MONEY

    def _road(self, path: RoadPath) -> float:
        return path.fare_per_rider / MONEY + sum(self._share(link) for link in path.links)

    def _rate(self, escort: Escort) -> float:
        return (self.p.meal + escort.daily_allowance_idr) / MONEY

    def _out_search(self, escort: Escort) -> np.ndarray:
        """Least fares to each node from the base plus the rate on the days from ``_TOP`` back
        to the day the way out leaves."""
        found = self._outs.get(escort.escort_id)
        if found is not None:
            return found
        p, net = self.p, self.net
        rate = self._rate(escort)
        first = net.day_of(escort.available_from)
        heads, a = p._origin(escort.base_id)
        best: dict[int, float] = {}
        for k, head in enumerate(heads):
            if a["depart_day"][k] < first:
                continue
            cost = head.fare_idr / MONEY + rate * (_TOP - a["depart_day"][k])
            if cost < best.get(head.service, np.inf):
                best[head.service] = cost
        services = np.array(sorted(best), dtype=np.int64)
        extra = (
            np.full(len(services), net.nodes, dtype=np.int64),
            services,
            np.array([best[s] for s in services.tolist()]),
        )
        dist, _ = shortest_paths(p._graph(self.fares, False, extra), net.nodes)
        self._outs[escort.escort_id] = dist
        return dist

    def _out(self, escort: Escort, place: str, depart: np.ndarray, ready_by: np.ndarray) -> np.ndarray:
        """The least an escort's way out costs for parties leaving ``place`` at ``depart`` (the
        escort there by ``ready_by``): its fares less the rate times the day it leaves."""
        p = self.p
        rate = self._rate(escort)
        first = self.net.day_of(escort.available_from)
        if escort.base_id == place:
            day = self.net.days_at(place, depart)
            return np.where(day >= first, -rate * day, NO_ESCORT)
        result = np.full(len(depart), NO_ESCORT)
        arrivals = p._arrivals.get(place)
        if arrivals is not None and len(arrivals[1]):
            dist = self._out_search(escort)
            times, nodes = arrivals
            reach = np.minimum.accumulate(dist[nodes])
            k = np.searchsorted(times, ready_by, side="right")
            value = np.where(k > 0, reach[np.maximum(k - 1, 0)], _FAR)
            result = np.where(value < _REACHED, value - rate * _TOP, result)
        for path in self.net.transport.road_paths(escort.base_id, place):
            if not path.links:
                continue
            start = self.scenario.settings.start
            span = (start - self.net.road_before(path, start).depart).total_seconds()
            day = self.net.days_at(escort.base_id, ready_by - span)
            value = self._road(path) - rate * day
            result = np.minimum(result, np.where(day >= first, value, NO_ESCORT))
        return result

    def _back_search(self, escort: Escort) -> np.ndarray:
        """Least cost from each node back to the base: fares, and the rate on the days up to
        the day of the return."""
        found = self._backs.get(escort.escort_id)
        if found is not None:
            return found
        net = self.net
        rate = self._rate(escort)
        last = net.day_of(escort.available_to)
        into = net.arc_head == net.sink[escort.base_id]
        home = np.where(net.arc_day <= last, rate * (net.arc_day + 1.0), _FAR)
        weights = np.where(into, home, self.fares)
        dist, _ = shortest_paths(self.p._graph(weights, reverse=True), net.sink[escort.base_id])
        self._backs[escort.escort_id] = dist
        return dist

    def _back(self, escort: Escort, place: str, arrive: np.ndarray) -> np.ndarray:
        """The least an escort's way back costs for parties arriving at ``place`` at ``arrive``:
        its fares plus the rate times the day after its return."""
        net = self.net
        rate = self._rate(escort)
        last = net.day_of(escort.available_to)
        base = escort.base_id

        def at_base(moment: np.ndarray) -> np.ndarray:
            day = self.net.days_at(base, moment)
            return np.where(day <= last, rate * (day + 1.0), _FAR)

        if base == place:
            best = at_base(arrive)
        else:
            dist = self._back_search(escort)
            best = self.p.floor._wait_cost(place, arrive, dist)
            for target, path, _, span in net.roads_from(place):
                reached = arrive + span
                tail = at_base(reached) if target == base else self.p.floor._wait_cost(target, reached, dist)
                best = np.minimum(best, self._road(path) + tail)
        return np.where(best < _REACHED, best, NO_ESCORT)

    def _moment(self, escort_id: str, moment: float) -> RowKey:
        key: RowKey = ("moment", escort_id, moment)
        self.lp.row(key, 0.0, 0.0)
        return key

    def close(self) -> None:
        """Each escort's moments in order, joined by idle arcs, one escort flowing through."""
        lp = self.lp
        by_escort: dict[str, list[float]] = defaultdict(list)
        for key in lp.row_index:
            if key[0] == "moment":
                by_escort[key[1]].append(key[2])  # type: ignore[index, arg-type]
        for escort_id, moments in by_escort.items():
            moments.sort()
            first = ("moment", escort_id, moments[0])
            lp.add(0.0, {first: 1.0}, upper=1.0, lower=1.0)
            for before, after in pairwise(moments):
                lp.add(0.0, {("moment", escort_id, before): -1.0, ("moment", escort_id, after): 1.0})
            lp.add(0.0, {("moment", escort_id, moments[-1]): -1.0}, upper=1.0)

    def _leave(self, escort: Escort, place: str, depart: np.ndarray, ready_by: np.ndarray) -> np.ndarray:
        """The latest an escort's way out to ``place`` can leave for parties leaving then."""
        if escort.base_id == place:
            return depart
        out = self.p.latest_out(escort.base_id, place, ready_by)
        return np.where(np.isfinite(out), np.minimum(depart, out), depart)

    def _return(self, escort: Escort, place: str, arrive: np.ndarray) -> np.ndarray:
        """The earliest an escort can be back at its base from parties arriving then."""
        if escort.base_id == place:
            return arrive
        back = self.p.earliest_back(escort.base_id, place, arrive)
        return np.where(np.isfinite(back), np.maximum(arrive, back), arrive)

    # -- rows shared by units and escorts -----------------------------------------------------------

    def _arc_vehicles(self, arc: int) -> tuple[int, ...]:
        net = self.net
        return tuple(net.arc_vehicles[net.arc_vehicle_ptr[arc] : net.arc_vehicle_ptr[arc + 1]].tolist())

    def _vehicle(self, vehicle: int) -> RowKey:
        """The row of riders on a hired vehicle, and the column of vehicles hired."""
        key: RowKey = ("vehicle", vehicle)
        if key not in self.lp.row_index:
            self.lp.row(key)
            link = self.scenario.link(self.net.vehicle_keys[vehicle][0])
            capacity = link.vehicle_capacity or self.master.travellers
            pool = self._pool("fare", self.master.vehicle_lines)
            self.hired[vehicle] = self.lp.add(
                link.vehicle_cost_idr / MONEY,
                {key: -float(capacity), pool: link.vehicle_cost_idr / MONEY},
                upper=float(link.vehicles_for(self.master.travellers)),
            )
        return key

    def _pool(self, cost_type: str, lines: frozenset[str]) -> RowKey:
        """The row of a pool of cost items, flowing into the lines that may pay it."""
        key: RowKey = ("pool", cost_type, lines)
        if key not in self.lp.row_index:
            self.lp.row(key)
            for line_id in sorted(lines):
                line: RowKey = ("line", line_id)
                ceiling = self.scenario.budget_line(line_id).ceiling_idr / MONEY
                self.lp.row(line, -INF, ceiling)
                self.lp.add(0.0, {key: -1.0, line: 1.0}, upper=ceiling)
        return key

    def _money(self, entries: dict[RowKey, float], u: int, fare: float, meal: float) -> None:
        """A step of unit ``u`` pays ``fare`` and ``meal`` (rupiah) per case from its pools."""
        for case in self.units[u].per_step:
            for cost_type, amount in (("fare", fare), ("meal", meal)):
                if amount:
                    key = self._pool(cost_type, self.master.lines(case.case_id, cost_type))  # type: ignore[arg-type]
                    entries[key] = entries.get(key, 0.0) + amount / MONEY

    def _escort_money(self, entries: dict[RowKey, float], pair: tuple[str, str], cost: float) -> None:
        if cost:
            key = self._pool("escort", self.master.party_lines(pair[0], pair[1], "escort"))
            entries[key] = entries.get(key, 0.0) + cost

    def _vehicles(self, entries: dict[RowKey, float], vehicles: tuple[int, ...], u: int) -> None:
        unit = self.units[u]
        for vehicle in vehicles:
            entries[self._vehicle(vehicle)] = entries.get(("vehicle", vehicle), 0.0) + unit.persons
            ride: RowKey = ("ride", u, vehicle)
            if ride not in self.lp.row_index:
                self.lp.row(ride)
                self.lp.entry(ride, self.hired[vehicle], -float(unit.upper))
            entries[ride] = entries.get(ride, 0.0) + 1.0

    def _escort_vehicles(
        self, entries: dict[RowKey, float], vehicles: tuple[int, ...], escort_id: str
    ) -> None:
        for vehicle in vehicles:
            entries[self._vehicle(vehicle)] = entries.get(("vehicle", vehicle), 0.0) + 1.0
            ride: RowKey = ("eride", escort_id, vehicle)
            if ride not in self.lp.row_index:
                self.lp.row(ride)
                self.lp.entry(ride, self.hired[vehicle], -1.0)
            entries[ride] = entries.get(ride, 0.0) + 1.0

    def _linking(
        self, entries: dict[RowKey, float], u: int, pair: tuple[str, str], ride: Ride, rides: set[Ride]
    ) -> None:
        unit = self.units[u]
        if not unit.escorted:
            return
        rides.add(ride)
        lp = self.lp
        for key, value in (
            (("escorted", u, ride), 1.0),
            (("cap", pair, ride), float(unit.escorted)),
            *((("skill", u, ride, need), 1.0) for need in NEEDS if unit.needs(need)),
        ):
            lp.row(key)
            entries[key] = value

    def _escort_linking(
        self,
        entries: dict[RowKey, float],
        escort: Escort,
        pair: tuple[str, str],
        escorted: list[int],
        ride: Ride,
        rides: set[Ride],
    ) -> None:
        if ride not in rides:
            return
        rows = self.lp.row_index
        cap: RowKey = ("cap", pair, ride)
        if cap in rows:
            entries[cap] = -float(escort.max_cases)
        for u in escorted:
            upper = float(self.units[u].upper)
            key: RowKey = ("escorted", u, ride)
            if key in rows:
                entries[key] = -upper
            for need in NEEDS:
                key = ("skill", u, ride, need)
                if key in rows and suits(self.scenario, escort.escort_id, need):
                    entries[key] = -upper


def lp_seat(lp: Program, net: TimeExpanded, service: int) -> RowKey:
    key: RowKey = ("seat", service)
    lp.row(key, -INF, float(net.services[service].seats))
    return key


def lp_node(lp: Program, key: RowKey) -> RowKey:
    lp.row(key, 0.0, 0.0)
    return key
