"""A bound of the whole week over parties keyed by the way they leave their start.

The Lagrangian bound (``planner.solver.bound``) prices an escorted unit on an itinerary the
master does not have at a guess of its escort rows' multipliers, and its escorts apart from
it.  Here the party rows (``cap``, ``escorted``, ``skill``) are not priced at all: they stay
in small programs, one per *key*, a way onto a first service (or a way by road alone) with
the home its parties go to.  Every other row is priced at the master's duals, and the
escorted units' own rows and the escorts' time at multipliers of their own, so that what is
left splits into

* each unescorted unit on its cheapest itinerary, or waiting (as in the Lagrangian bound);
* vehicles and money flows at their bounds where their reduced cost is negative;
* for each key, escorts and escorted units on the key's itineraries, with the party rows of
  every one of those itineraries summed: each escort at most once (every duty with such a
  party covers the moment it leaves: one duty at a time), each unit at most itself (its own
  row, kept as well as priced), at the least reduced cost any of the key's itineraries gives
  it.  Each unit's least is found on its own path home, each escort's on its own (its way
  out to the way onto the first service, its fares and duals along, its way back from its
  arrival), so a unit and its escort may take different paths from the same way: the
  program relaxes, never tightens.

Each key's program is bounded from below by its Lagrangian dual at a chosen point (each
unit's gain charged to the escorts who can meet its rarest need); where that is negative,
the program is solved.  Every plan of the network's rules is a solution of the problem that
splits, so the sum bounds the week (weak duality), whatever the multipliers.  The escorted
units' multipliers and the escorts' time are the duals of one program over the keys found
negative, which keeps those units' rows and, per escort, a row per moment that its duties
with those keys must cover (what every such duty covers is known: from the latest its way
out can leave to the earliest its way back can arrive).  At the master's own duals a unit
the master leaves waiting is counted once in every key where it saves (docs/solver.md).

The same keys priced at the master's own duals are also a source of columns
(``party_offers``): a negative key is a party, its escorts and its units together, that
pricing a column at a time does not find.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

import highspy
import numpy as np

from planner.solver.master import MONEY, NEEDS, Master, RowKey, suits
from planner.solver.network import RoadWay, distances, shortest_paths
from planner.solver.parties import duty_spans
from planner.solver.pricing import Pricing, UnitPrice, _EscortSearch, _Rider
from planner.solver.program import INF, Program

_PARTY = ("cap", "escorted", "skill")
_REACHED = 1e17
# Programs over the keys with a negative value, grown until no key outside is negative.
ROUNDS = 6
PROGRAM_SECONDS = 0.002  # what one key's program takes: about 1.1 ms measured, with room
COUPLED_SECONDS = 0.002  # the program over the keys, per key in it: about 1.4 ms measured


def arrival_bound(
    master: Master,
    pricing: Pricing,
    units: Sequence[UnitPrice],
    deadline: float | None = None,
    parts: dict[str, float] | None = None,
    fine: bool = False,
) -> float | None:
    """The bound, in rupiah, at the master's present duals; ``units`` priced at them (the
    unescorted units' least is taken from there) and ``pricing`` refreshed at them.  None
    when it would not be made by ``deadline`` (``time.perf_counter()``), judged as it goes by
    the starts and homes done so far and by the keys its programs hold; past it, the best
    point so far, or None with ``fine``.  With ``fine``, the keys of ways onto a first
    service are split by arrival too (``_Keys.arrivals``): tighter once its programs are
    done, and a search per arrival.  ``parts``, if given, gets the bound's parts in rupiah,
    or where it gave up before its programs, ``needs``: the seconds it judged it needed."""
    m = master
    pairs, price = _escorted_pairs(m)
    escorted = {u for members in pairs.values() for u in members}
    total = m.constant
    for index, key in enumerate(m.row_keys):
        if key[0] in _PARTY or key[0] == "unit":
            continue
        dual = float(m.row_dual[index])
        side = m.row_upper[index] if dual < 0 else m.row_lower[index]
        if dual and math.isfinite(side):
            total += side * dual
    shares = {"rows": total}
    for unit_price in units:
        if unit_price.unit not in escorted and unit_price.least < 0:
            total += m.units[unit_price.unit].upper * unit_price.least
    shares["unescorted"] = total - sum(shares.values())
    reduced = m.reduced_costs()
    for c, column in enumerate(m.columns):
        if column.kind in ("n", "f") and reduced[c] < 0:
            total += float(reduced[c]) * column.upper
    shares["loose"] = total - sum(shares.values())
    keys = _Keys(m, pricing)
    blocks: list[_Block] = []
    began = time.perf_counter()
    placed: dict[tuple[str, str, bool], int] = {}  # each start and home's blocks: by road alone?
    for done, ((origin, home), members) in enumerate(pairs.items(), start=1):
        pricing.tick()
        heads = keys.arrivals(origin, home, members) if fine else keys.heads(origin, home, members)
        for by_road, block in ((False, heads), (True, keys.roads(origin, home, members))):
            if block:
                placed[(origin, home, by_road)] = len(blocks)
                blocks.append(block)
        # The keys' programs take about a third of the time the keys take to make.  The first
        # starts and homes make the searches the others share: judged from a quarter of them.
        spent = time.perf_counter() - began
        judged = done >= min(len(pairs), max(3, len(pairs) // 4))
        if deadline is not None and (
            began + spent > deadline or (judged and began + spent * len(pairs) / done * 1.3 > deadline)
        ):
            if parts is not None:
                parts["needs"] = spent * len(pairs) / done * 1.3
            return None
    # The escorted units' rows are priced at multipliers of their own: the master's duals to
    # begin with, then the duals of those rows in one program over the keys found negative so
    # far, each unit's row kept across them and the escorts' time rows beside them
    # (``_Keys.coupled``).  Every point gives a bound.
    upper = np.array([float(unit.upper) for unit in m.units])
    mask = np.array([u in escorted for u in range(len(m.units))])
    # Each key left negative by the quick test is a program of its own, a few milliseconds.
    programs = sum(keys.screened(block, price) for block in blocks)
    if deadline is not None and time.perf_counter() + PROGRAM_SECONDS * programs > deadline:
        if parts is not None:
            parts["needs"] = time.perf_counter() - began + PROGRAM_SECONDS * programs
        return None
    best = -math.inf
    # The keys of the master's own parties are in the program from the start: their escorts'
    # time is what the keys found negative compete for.
    included: dict[tuple[int, int], None] = {}
    services = pricing.net.service_index
    for c in np.flatnonzero(m.col_value > 1e-6).tolist():
        column = m.columns[c]
        if column.kind != "y":
            continue
        rows = m.journeys[column.journey]
        journey = rows.journey
        first = journey.service_ids[:1]
        b = placed.get((rows.origin, rows.home, not first))
        if b is not None:
            mark: tuple[float, ...] = (
                (float(services[first[0]]), journey.depart.timestamp())
                if first
                else (journey.depart.timestamp(), journey.arrive.timestamp())
            )
            if first and blocks[b].fine:
                mark = (*mark, journey.arrive.timestamp())
            k = blocks[b].key(mark)
            if k is not None:
                included[(b, k)] = None
    busy = _Busy({})
    for done in range(ROUNDS):
        if fine and done and deadline is not None:
            # Split by arrival, a pass at the program's multipliers may leave tens of thousands
            # of keys to programs of their own (the quick test counts without the escorts'
            # time, so at least as many): given up at once where they would not fit.
            programs = sum(keys.screened(block, price) for block in blocks)
            if time.perf_counter() + PROGRAM_SECONDS * programs > deadline:
                return None
        value, negative = 0.0, []
        try:
            for b, block in enumerate(blocks):
                found, below = keys.programs(block, price, busy, deadline)
                value += found
                negative += [(b, k) for k in below]
        except _Late:
            if fine:
                return None
            break
        value += total + float((upper * price)[mask].sum()) - busy.total
        if value > best:
            best = value
            shares["keys"] = value - total
        fresh = [key for key in negative if key not in included]
        if not fresh:
            break
        included.update(dict.fromkeys(fresh))
        if deadline is not None and time.perf_counter() + COUPLED_SECONDS * len(included) > deadline:
            # The program over the keys would not end in time: the best point so far, but split
            # by arrival, whose first passes are weak (that program makes it tight), none.
            if fine:
                return None
            break
        price, busy = keys.coupled(blocks, list(included), price)
    if best == -math.inf:
        return None
    if parts is not None:
        parts.update({key: value * MONEY for key, value in shares.items()})
    return best * MONEY


@dataclass(frozen=True)
class PartyOffer:
    """A key whose program is negative at the duals priced: escorted units and the escorts
    their party needs, leaving together by a way onto a first service (``head``) or by a way
    by road alone (``way``) for ``home``.  Pricing a column at a time misses it where the
    master has no party on that way: the units pay a share of a floor of the duty, and the
    duty is priced only once the party has rows."""

    value: float
    keys: _Keys
    origin: str
    home: str
    head: int | None
    way: RoadWay | None
    escorts: tuple[int, ...]
    units: tuple[int, ...]


def party_offers(master: Master, pricing: Pricing, most: int, keys: _Keys | None = None) -> list[PartyOffer]:
    """The ``most`` most negative keys at the master's present duals (``pricing`` refreshed at
    them), each with the escorts and units its program takes: the first pass of
    ``arrival_bound``, the escorted units' rows and the escorts' busy rows at the master's duals.
    ``keys``, if given, holds searches made at the same duals."""
    m = master
    pairs, price = _escorted_pairs(m)
    keys = keys if keys is not None else _Keys(m, pricing)
    found: list[tuple[float, str, str, _Block, int]] = []
    for (origin, home), members in pairs.items():
        pricing.tick()
        for block in (keys.heads(origin, home, members), keys.roads(origin, home, members)):
            if not block:
                continue
            values = block.values - price[members][:, None]
            low = keys._low(block, price, block.duties)
            for k in np.flatnonzero(low < -1e-9).tolist():
                value = keys._program(members, values[:, k], block.duties[:, k])
                if value is not None and value < -1e-6:
                    found.append((value, origin, home, block, k))
    found.sort(key=lambda item: item[0])
    offers = []
    for value, origin, home, block, k in found[:most]:
        values = block.values[:, k] - price[block.members]
        escorts, units = keys.solution(block.members, values, block.duties[:, k])
        if escorts and units:
            head, way = (None, block.ways[k]) if block.ways else (k, None)
            offers.append(PartyOffer(value, keys, origin, home, head, way, escorts, units))
    return offers


def _escorted_pairs(m: Master) -> tuple[dict[tuple[str, str], list[int]], np.ndarray]:
    """The escorted units ready in the window by start and home, and their rows' multipliers
    to begin with: the master's duals (at most 0), 0 for every other unit."""
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    price = np.zeros(len(m.units))
    for u, unit in enumerate(m.units):
        if unit.escorted and unit.ready < m.scenario.settings.end_date:
            pairs[(unit.origin, unit.home)].append(u)
            price[u] = min(m.dual(("unit", u)), 0.0)
    return pairs, price


class _Late(Exception):
    """The keys' programs still going at the deadline."""


@dataclass
class _Block:
    """Keys of one start and home: the least reduced costs of their columns, each unit's
    without its own row (``values``: unit by key) and each escort's (``duties``: escort by
    key)."""

    members: list[int]
    values: np.ndarray
    duties: np.ndarray
    # What every duty of each escort with a party of each key covers at least: from ``first``
    # to ``last`` (``duties``' shape).
    first: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    last: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    # What marks each key's itineraries (a row per key): the first service and the moment the
    # party leaves, or (a way by road alone) the moments it leaves and arrives.
    marks: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    fine: bool = False  # keys of a way onto a first service and an arrival, marked by both
    ways: list[RoadWay] = field(default_factory=list)  # each key's way, for ways by road alone

    def __bool__(self) -> bool:
        return bool(self.values.size)

    def key(self, mark: tuple[float, ...]) -> int | None:
        """The first key marked ``mark``; None if none is.  Asked for a few of the master's
        parties, so a scan rather than a table of every key (400,000 on a 50-case week)."""
        found = np.flatnonzero((self.marks == np.array(mark)).all(axis=1))
        return int(found[0]) if len(found) else None


class _Keys:
    def __init__(self, master: Master, pricing: Pricing) -> None:
        self.m = master
        self.p = pricing
        scenario = master.scenario
        self.escorts = scenario.escorts
        # The searches towards each home, by class of riders and by escort.
        self._homes: dict[tuple[object, ...], np.ndarray] = {}
        self._ways: dict[tuple[object, ...], np.ndarray] = {}  # an escort's search's tree
        self._preds: dict[tuple[object, ...], np.ndarray] = {}  # a class of riders' tree home
        count = {need: sum(suits(scenario, e.escort_id, need) for e in self.escorts) for need in NEEDS}
        # Who may be charged a unit's gain: every escort, or those that meet its rarest need.
        self.pays = np.zeros((len(self.escorts), len(master.units)))
        for u, unit in enumerate(master.units):
            needs = [need for need in NEEDS if unit.needs(need)]
            if needs:
                rarest = min(needs, key=lambda need: (count[need], NEEDS.index(need)))
                able = [suits(scenario, e.escort_id, rarest) for e in self.escorts]
                self.pays[:, u] = np.array(able, dtype=np.float64)
            else:
                self.pays[:, u] = 1.0

    def _rider(self, u: int) -> _Rider:
        p, unit = self.p, self.m.units[u]
        fare = sum(p._pool("fare", c.case_id) for c in unit.per_step) / unit.persons
        meal = sum(p._pool("meal", c.case_id) for c in unit.per_step) / unit.persons
        return _Rider(1 + fare, 1.0, p.meal * (1 + meal) / MONEY, 0.0, None)

    def _own_weights(self, u: int, rider: _Rider) -> np.ndarray | None:
        """The unit's arc costs with its own vehicle rows (``Pricing.ride``); None without."""
        p = self.p
        if u not in p.ride:
            return None
        weights = p._weights(rider)
        for vehicle, value in p.ride[u].items():
            weights[p._vehicle_arcs.get(vehicle, [])] += value / self.m.units[u].persons
        return weights

    def _ends(self, origin: str, home: str) -> tuple[int, dict[str, np.ndarray], np.ndarray] | None:
        """The number of ways onto a first service from ``origin``, their arrays, and the arcs
        into ``home``; None where either is missing."""
        p = self.p
        heads, a = p._origin(origin)
        into = np.flatnonzero(p._sink_arc & (p.net.arc_head == p.net.sink[home]))
        return (len(heads), a, into) if len(heads) and len(into) else None

    def heads(self, origin: str, home: str, members: list[int]) -> _Block:
        """The keys of ways onto a first service from ``origin``, for parties going to ``home``."""
        p, m = self.p, self.m
        ends_of = self._ends(origin, home)
        if ends_of is None:
            return _Block(members, np.empty((0, 0)), np.empty((0, 0)))
        count, a, _ = ends_of
        heads = range(count)
        services = a["service"]
        # Each unit's reduced cost (its unit row's dual in) by way onto a first service.
        values = np.empty((len(members), len(heads)))
        for i, u in enumerate(members):
            rider = self._rider(u)
            own = self._own_weights(u, rider)
            if own is None:
                on = self._home(home, rider, partial(p._weights, rider))[services]
            else:
                on = self._home(home, u, partial(np.asarray, own))[services]
            value = p._on_heads(u, rider, np.zeros(len(heads))) + m.units[u].persons * on
            value[on >= _REACHED] = np.inf
            values[i] = value
        duties, begins, ends = self.head_duties(origin, home)
        marks = np.column_stack([services.astype(np.float64), a["depart"]])
        return _Block(members, values, duties, begins, ends, marks)

    def head_duties(
        self, origin: str, home: str, spans: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each escort's least duty (a row each, its party rows left out, its busy rows in)
        with a party leaving ``origin`` by each way onto a first service for ``home``, on any
        way on from there; with ``spans``, what each such duty covers at least
        (``duty_spans``), else the party's own least span: its departure and its earliest
        arrival."""
        p = self.p
        ends_of = self._ends(origin, home)
        heads, a = p._origin(origin)
        duties = np.full((len(self.escorts), len(heads)), np.inf)
        begins, ends = np.empty_like(duties), np.empty_like(duties)
        services = a["service"]
        arrive = p.earliest_arrivals(home)[services] + a["anchor"] if len(heads) else np.empty(0)
        if ends_of is None:
            return duties, begins, ends
        _, _, into = ends_of
        money = p.escort_money(origin, home)
        departs = [datetime.fromtimestamp(float(t), UTC) for t in a["depart"]]
        ready = [datetime.fromtimestamp(float(t), UTC) for t in a["ready_by"]]
        first = a["fare"] / MONEY * money + p._head_vehicles(origin)
        for e, escort in enumerate(self.escorts):
            search = p.escort_search(escort, money)
            out = search.outs(origin, departs, ready)
            on = self._escort_home(e, search, home, into)[services]
            own = first
            if search.own:
                own = first + np.array([sum(search.own.get(v, 0.0) for v in head.vehicles) for head in heads])
            duties[e] = np.where(on < _REACHED, out + own + on + search.rate, np.inf)
            if spans:
                begins[e], ends[e] = duty_spans(p, escort, origin, home, a["depart"], a["ready_by"], arrive)
            else:
                begins[e], ends[e] = a["depart"], arrive
        return duties, begins, ends

    def arrivals(self, origin: str, home: str, members: list[int]) -> _Block:
        """The keys of a way onto a first service from ``origin`` and an arrival at ``home``:
        finer than ``heads`` (a unit's arrival is its escort's), and a search per arrival."""
        p, m = self.p, self.m
        ends_of = self._ends(origin, home)
        if ends_of is None:
            return _Block(members, np.empty((0, 0)), np.empty((0, 0)))
        count, a, into = ends_of
        heads = range(count)
        arrivals = p.net.arc_tail[into]
        services = a["service"]
        shape = (len(into), len(heads))  # keys by arrival, then way onto a first service
        values = np.empty((len(members), shape[0] * shape[1]))
        classes: dict[_Rider, np.ndarray] = {}  # the searches of a class of riders
        for i, u in enumerate(members):
            rider = self._rider(u)
            own = self._own_weights(u, rider)
            if own is not None:
                on = self._onward(own, arrivals, into, services)
            else:
                found = classes.get(rider)
                on = classes[rider] = (
                    found if found is not None else self._onward(p._weights(rider), arrivals, into, services)
                )
            base = p._on_heads(u, rider, np.zeros(len(heads)))
            value = base[None, :] + m.units[u].persons * on
            value[(on >= _REACHED) | ~np.isfinite(base)[None, :]] = np.inf
            values[i] = value.ravel()
        money = p.escort_money(origin, home)
        escort_rider = _Rider(money, 1.0, 0.0, 0.0, None)
        along = self._onward(p._weights(escort_rider), arrivals, into, services)
        along = along + (a["fare"] / MONEY * money + p._head_vehicles(origin))[None, :]
        along[along >= _REACHED] = np.inf
        departs = [datetime.fromtimestamp(float(t), UTC) for t in a["depart"]]
        ready = [datetime.fromtimestamp(float(t), UTC) for t in a["ready_by"]]
        moments = self._arrived(home, arrivals)
        arrive = [datetime.fromtimestamp(float(t), UTC) for t in moments]
        duties = np.empty((len(self.escorts), shape[0] * shape[1]))
        begins, ends = np.empty_like(duties), np.empty_like(duties)
        leaves = np.broadcast_to(a["depart"][None, :], shape).ravel()
        reaches = np.broadcast_to(moments[:, None], shape).ravel()
        for e, escort in enumerate(self.escorts):
            search = p.escort_search(escort, money)
            out = search.outs(origin, departs, ready)
            back = search.backs(home, arrive)
            duties[e] = (out[None, :] + along + back[:, None] + search.rate).ravel()
            begin, end = duty_spans(p, escort, origin, home, a["depart"], a["ready_by"], moments[:, None])
            begins[e], ends[e] = begin.ravel(), end.ravel()
        marks = np.column_stack([np.tile(services.astype(np.float64), shape[0]), leaves, reaches])
        return _Block(members, values, duties, begins, ends, marks, fine=True)

    def _onward(
        self, weights: np.ndarray, arrivals: np.ndarray, into: np.ndarray, services: np.ndarray
    ) -> np.ndarray:
        """The least cost from each service's departure to each arrival and into the sink (a
        row per arrival): from each first service, which are several times fewer than the
        arrivals at a home over the window, in one sweep."""
        firsts, of = np.unique(services, return_inverse=True)
        dist = self.p.distances_from(weights, firsts)
        found: np.ndarray = dist[:, arrivals].T[:, of] + weights[into][:, None]
        found[~np.isfinite(found)] = _REACHED
        return found

    def unit_way(self, u: int, service: int) -> tuple[int, ...] | None:
        """The nodes of the unit's least way on from ``service`` to its home, at its class's
        arc costs (or its own, with its vehicle rows): the path ``heads`` priced it at."""
        p, home = self.p, self.m.units[u].home
        rider = self._rider(u)
        own = self._own_weights(u, rider)
        key = (home, rider if own is None else u)
        pred = self._preds.get(key)
        if pred is None:
            weights = p._weights(rider) if own is None else own
            dist, pred = shortest_paths(p._graph(weights, reverse=True), p.net.sink[home])
            pred = self._preds[key] = np.where(np.isfinite(dist), pred, -1)
        return p._tree_path(service, home, pred) if pred[service] >= 0 else None

    def _home(self, home: str, rider: _Rider | int, weights: Callable[[], np.ndarray]) -> np.ndarray:
        """The least cost from every node to ``home`` at ``weights`` (made only when not known):
        those of a class of riders, or of one unit's own vehicle rows (``rider`` the unit)."""
        key = (home, rider)
        found = self._homes.get(key)
        if found is None:
            found = distances(self.p._graph(weights(), reverse=True), np.array([self.p.net.sink[home]]))[0]
            found[~np.isfinite(found)] = _REACHED
            self._homes[key] = found
        return found

    def _escort_home(self, e: int, search: _EscortSearch, home: str, into: np.ndarray) -> np.ndarray:
        """The least cost of the escort with a party from every node to ``home`` and from
        there back to its base: its fares and duals along, at the escort pool's price of
        money, and its way back from each arrival at ``home`` (without its days there)."""
        key = (e, search.money, home)
        found = self._homes.get(key)
        if found is None:
            p, net = self.p, self.p.net
            # Its fares and duals along, its own vehicle rows (``eride``) too.
            weights = search.weights
            arrivals = net.arc_tail[into]
            arrive = [datetime.fromtimestamp(float(t), UTC) for t in self._arrived(home, arrivals)]
            cost = weights[into] + search.backs(home, arrive)
            finite = np.isfinite(cost)
            found = np.full(net.nodes + 1, _REACHED)
            if finite.any():
                # One search from a node after every arrival, each joined at its way back's
                # cost less the least of them (Dijkstra's arcs cost at least nothing).
                nodes, first = np.unique(arrivals[finite], return_inverse=True)
                joined = np.full(len(nodes), np.inf)
                np.minimum.at(joined, first, cost[finite])
                low = float(joined.min())
                extra = (nodes, np.full(len(nodes), net.nodes, dtype=np.int64), joined - low)
                dist, pred = shortest_paths(p._graph(weights, True, extra), net.nodes)
                reached = np.isfinite(dist)
                found[reached] = dist[reached] + low
                self._ways[key] = pred
            self._homes[key] = found
        return found

    def escort_way(self, e: int, money: float, home: str, service: int) -> tuple[int, ...] | None:
        """The nodes of the escort's least way on from ``service`` to an arrival at ``home``
        found by the last ``_escort_home`` search (without the node its way back joins)."""
        pred = self._ways.get((e, money, home))
        end = self.p.net.nodes
        if pred is None or pred[service] < 0:
            return None
        nodes = [service]
        while int(pred[nodes[-1]]) != end:
            nodes.append(int(pred[nodes[-1]]))
            if nodes[-1] < 0:
                return None
        return tuple(nodes)

    def _arrived(self, home: str, arrivals: np.ndarray) -> np.ndarray:
        """When each arrival node reaches ``home``: a service's arrival, or a road way's."""
        times, nodes = self.p._arrivals[home]
        moment = dict(zip(nodes.tolist(), times.tolist(), strict=True))
        return np.array([moment[int(n)] for n in arrivals])

    def roads(self, origin: str, home: str, members: list[int]) -> _Block:
        """The keys of ways by road alone from ``origin`` to ``home``."""
        p, m = self.p, self.m
        ways: dict[tuple[float, int], RoadWay] = {}
        found: dict[tuple[float, int], dict[int, float]] = defaultdict(dict)
        for i, u in enumerate(members):
            for way, value in p._by_road(u, self._rider(u)):
                key = (way.depart.timestamp(), id(way))
                ways[key] = way
                found[key][i] = value
        if not ways:
            return _Block(members, np.empty((0, 0)), np.empty((0, 0)))
        order = sorted(ways)
        values = np.full((len(members), len(order)), np.inf)
        for k, key in enumerate(order):
            for i, value in found[key].items():
                values[i, k] = value
        money = p.escort_money(origin, home)
        settings = m.scenario.settings
        departs = [ways[key].depart for key in order]
        ready = [ways[key].depart - settings.connection(ways[key].legs[0].mode) for key in order]
        arrive = [ways[key].arrive for key in order]
        along = np.array(
            [ways[key].fare_idr / MONEY * money + p._vehicles(ways[key].vehicles) for key in order]
        )
        duties = np.empty((len(self.escorts), len(order)))
        begins, ends = np.empty_like(duties), np.empty_like(duties)
        leaves = np.array([d.timestamp() for d in departs])
        readies = np.array([r.timestamp() for r in ready])
        reaches = np.array([t.timestamp() for t in arrive])
        for e, escort in enumerate(self.escorts):
            search = p.escort_search(escort, money)
            out = search.outs(origin, departs, ready)
            back = search.backs(home, arrive)
            duties[e] = out + along + back + search.rate
            begins[e], ends[e] = duty_spans(p, escort, origin, home, leaves, readies, reaches)
        marks = np.column_stack([leaves, reaches])
        return _Block(members, values, duties, begins, ends, marks, ways=[ways[key] for key in order])

    def screened(self, block: _Block, price: np.ndarray) -> int:
        """How many of the block's keys the quick test leaves to a program of their own."""
        return int((self._low(block, price, block.duties) < -1e-9).sum())

    def _low(self, block: _Block, price: np.ndarray, duties: np.ndarray) -> np.ndarray:
        """Each key's program's dual at the quick test's point: at most its value."""
        m, members = self.m, block.members
        values = block.values - price[members][:, None]
        upper = np.array([m.units[u].upper for u in members], dtype=np.float64)
        gain = np.where(values < 0, -values, 0.0) * upper[:, None]
        charged = np.einsum("eu,uk->ek", self.pays[:, members], gain)
        low: np.ndarray = np.where(np.isfinite(duties), np.minimum(duties - charged, 0.0), 0.0).sum(axis=0)
        return low

    def programs(
        self, block: _Block, price: np.ndarray, busy: _Busy, deadline: float | None = None
    ) -> tuple[float, list[int]]:
        """The sum over the block's keys of each key's program, the units' rows at ``price``
        and the escorts' time at ``busy``, and the keys whose program is negative; ``_Late``
        past ``deadline``."""
        members = block.members
        values = block.values - price[members][:, None]
        duties = block.duties + busy.over(block)
        low = self._low(block, price, duties)
        total = float(low.sum())
        negative = []
        for k in np.flatnonzero(low < -1e-9).tolist():
            if deadline is not None and time.perf_counter() > deadline:
                raise _Late
            found = self._program(members, values[:, k], duties[:, k])
            if found is not None and found > low[k]:
                total += found - float(low[k])
            if found is None or found < -1e-6:
                negative.append(k)
        return total, negative

    def _program(self, members: list[int], values: np.ndarray, duties: np.ndarray) -> float | None:
        """One key's program solved: its escorts and units, the party rows summed."""
        escorts = [(e, float(duties[e])) for e in range(len(self.escorts)) if np.isfinite(duties[e])]
        units = [(u, float(values[i])) for i, u in enumerate(members) if values[i] < 0]
        if not escorts or not units:
            return None
        lp = Program()
        self._key(lp, 0, escorts, units)
        return lp.solve()

    def solution(
        self, members: list[int], values: np.ndarray, duties: np.ndarray
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The escorts and units one key's program takes (``_program``): its columns above 0."""
        escorts = [(e, float(duties[e])) for e in range(len(self.escorts)) if np.isfinite(duties[e])]
        units = [(u, float(values[i])) for i, u in enumerate(members) if values[i] < 0]
        if not escorts or not units:
            return (), ()
        lp = Program()
        taken, columns = self._key(lp, 0, escorts, units)
        solver = lp.highs()
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return (), ()
        x = solver.getSolution().col_value
        return (
            tuple(e for e, c in taken.items() if x[c] > 1e-6),
            tuple(u for u, c in columns.items() if x[c] > 1e-6),
        )

    def _key(
        self, lp: Program, key: object, escorts: list[tuple[int, float]], units: list[tuple[int, float]]
    ) -> tuple[dict[int, int], dict[int, int]]:
        """A key's escorts and units in ``lp`` (each at its least reduced cost) with the key's
        party rows, summed over its itineraries; each escort's column and each unit's."""
        m, scenario = self.m, self.m.scenario
        duties = {}
        for e, cost in escorts:
            escort = self.escorts[e]
            entries: dict[RowKey, float] = {("cap", key): -float(escort.max_cases)}
            for u, _ in units:
                unit = m.units[u]
                entries[("escorted", key, u)] = -float(unit.upper)
                for need in NEEDS:
                    if unit.needs(need) and suits(scenario, escort.escort_id, need):
                        entries[("skill", key, u, need)] = -float(unit.upper)
            duties[e] = lp.add(cost, entries, upper=1.0)
        columns = {}
        for u, cost in units:
            unit = m.units[u]
            entries = {("cap", key): float(unit.escorted), ("escorted", key, u): 1.0}
            entries.update({("skill", key, u, need): 1.0 for need in NEEDS if unit.needs(need)})
            columns[u] = lp.add(cost, entries, upper=float(unit.upper))
        return duties, columns

    def coupled(
        self, blocks: list[_Block], keys: list[tuple[int, int]], start: np.ndarray
    ) -> tuple[np.ndarray, _Busy]:
        """The multipliers of the escorted units' rows and of the escorts' time: the duals of
        one program over ``keys`` (block, key) that keeps each unit's row across them
        and, for each escort, a row per moment that some of its duties there must all cover
        (at most one of them); ``start`` and none if the program is not solved."""
        m = self.m
        lp = Program()
        spans: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
        for key in keys:
            b, k = key
            block = blocks[b]
            escorts = [
                (e, float(block.duties[e, k]))
                for e in range(len(self.escorts))
                if np.isfinite(block.duties[e, k])
            ]
            units = [
                (u, float(block.values[j, k])) for j, u in enumerate(block.members) if block.values[j, k] < 0
            ]
            duties, columns = self._key(lp, key, escorts, units)
            for u, column in columns.items():
                lp.entry(("unit", u), column, 1.0)
            for e, column in duties.items():
                spans[e].append((float(block.first[e, k]), float(block.last[e, k]), column))
        moments: dict[int, np.ndarray] = {}
        for e, found in spans.items():
            first = np.array([f for f, _, _ in found])
            last = np.array([t for _, t, _ in found])
            at = np.unique(first)
            moments[e] = at
            for n, moment in enumerate(at.tolist()):
                for c in np.flatnonzero((first <= moment) & (moment < last)).tolist():
                    lp.entry(("busy", e, n), found[c][2], 1.0)
                lp.bound(("busy", e, n), -INF, 1.0)
        price = start.copy()
        rows = {int(str(row[1])): row for row in lp.row_index if row[0] == "unit"}
        for u, row in rows.items():
            lp.bound(row, -INF, float(m.units[u].upper))
        solver = lp.highs()
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return price, _Busy({})
        duals = solver.getSolution().row_dual
        for u, row in rows.items():
            price[u] = min(float(duals[lp.row_index[row]]), 0.0)
        busy = {}
        for e, at in moments.items():
            values = np.array([max(-float(duals[lp.row_index[("busy", e, n)]]), 0.0) for n in range(len(at))])
            busy[e] = (at, np.concatenate([[0.0], np.cumsum(values)]))
        return price, _Busy(busy)


@dataclass(frozen=True)
class _Busy:
    """Multipliers of the rows 'each escort in at most one duty over the keys at a moment':
    by escort, the moments and the multipliers' running sum before each."""

    rows: dict[int, tuple[np.ndarray, np.ndarray]]

    @property
    def total(self) -> float:
        return sum(float(before[-1]) for _, before in self.rows.values())

    def over(self, block: _Block) -> np.ndarray:
        """What each escort's duty with each key of ``block`` pays at these multipliers: those
        of the moments it covers."""
        paid = np.zeros_like(block.duties)
        for e, (at, before) in self.rows.items():
            covered = before[np.searchsorted(at, block.last[e], "left")]
            paid[e] = covered - before[np.searchsorted(at, block.first[e], "left")]
        return paid
