"""A bound of the whole week over parties keyed by their way onto a first service and their
arrival home.

The Lagrangian bound (``planner.solver.bound``) prices an escorted unit on an itinerary the
master does not have at a guess of its escort rows' multipliers, and its escorts apart from
it.  Here the party rows (``cap``, ``escorted``, ``skill``) are not priced at all: they stay
in small programs, one per *key*, the pair of a way onto a first service (or a way by road
alone) and an arrival at the home.  Every other row is priced at the master's duals, and
the escorted units' own rows at multipliers of their own, so that what is left splits into

* each unescorted unit on its cheapest itinerary, or waiting (as in the Lagrangian bound);
* vehicles and money flows at their bounds where their reduced cost is negative;
* for each key, escorts and escorted units on the key's itineraries, with the party rows of
  every one of those itineraries summed: each escort at most once (every duty with such a
  party covers the moment it leaves: one duty at a time), each unit at most itself (its own
  row, kept as well as priced), at the least reduced cost any of the key's itineraries gives
  it.  Each unit's least is found on its own path to that arrival, each escort's on its own
  (its way out to the way onto the first service, its fares and duals along, its way back
  from that arrival), so a unit and its escort may take different paths between the same
  two ends: the program relaxes, never tightens.

Each key's program is bounded from below by its Lagrangian dual at a chosen point (each
unit's gain charged to the escorts who can meet its rarest need); where that is negative,
the program is solved.  Every plan of the network's rules is a solution of the problem that
splits, so the sum bounds the week (weak duality), whatever the multipliers.  The escorted
units' are the duals of their rows in one program over the keys found negative, those rows
kept there: at the master's own, a unit the master leaves waiting is counted once in every
key where it saves (docs/solver.md).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import highspy
import numpy as np

from planner.solver.master import MONEY, NEEDS, Master, RowKey, suits
from planner.solver.network import shortest_paths
from planner.solver.pricing import Pricing, UnitPrice, _Rider
from planner.solver.program import INF, Program

_PARTY = ("cap", "escorted", "skill")
_REACHED = 1e17
# Programs over the keys with a negative value, grown until no key outside is negative.
ROUNDS = 6
PROGRAM_SECONDS = 0.004  # what one key's program takes, as measured, with room


def arrival_bound(
    master: Master,
    pricing: Pricing,
    units: Sequence[UnitPrice],
    deadline: float | None = None,
    parts: dict[str, float] | None = None,
) -> float | None:
    """The bound, in rupiah, at the master's present duals; ``units`` priced at them (the
    unescorted units' least is taken from there) and ``pricing`` refreshed at them.  None
    when it would not be made by ``deadline`` (``time.perf_counter()``), judged as it goes by
    the starts and homes done so far."""
    m = master
    escorted = {u for u, unit in enumerate(m.units) if unit.escorted}
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
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for u in sorted(escorted):
        unit = m.units[u]
        if unit.ready < m.scenario.settings.end_date:
            pairs[(unit.origin, unit.home)].append(u)
    keys = _Keys(m, pricing)
    blocks: list[_Block] = []
    began = time.perf_counter()
    for done, ((origin, home), members) in enumerate(pairs.items(), start=1):
        pricing.tick()
        blocks += [
            block for block in (keys.heads(origin, home, members), keys.roads(origin, home, members)) if block
        ]
        # The keys' programs take about a third of the time the keys take to make.
        spent = time.perf_counter() - began
        if deadline is not None and began + spent * len(pairs) / done * 1.3 > deadline:
            return None
    # The escorted units' rows are priced at multipliers of their own: the master's duals to
    # begin with, then the duals of those rows in one program over the keys found negative so
    # far, each unit's row kept across them (``_Keys.coupled``).  Every point gives a bound.
    upper = np.array([float(unit.upper) for unit in m.units])
    price = np.array([min(m.dual(("unit", u)), 0.0) if u in escorted else 0.0 for u in range(len(m.units))])
    mask = np.array([u in escorted for u in range(len(m.units))])
    # Each key left negative by the quick test is a program of its own, a few milliseconds.
    programs = sum(keys.screened(block, price) for block in blocks)
    if deadline is not None and time.perf_counter() + PROGRAM_SECONDS * programs > deadline:
        return None
    best = -math.inf
    included: dict[tuple[int, int, int], None] = {}
    for _ in range(ROUNDS):
        value, negative = 0.0, []
        try:
            for b, block in enumerate(blocks):
                found, below = keys.programs(block, price, deadline)
                value += found
                negative += [(b, i, k) for i, k in below]
        except _Late:
            break
        value += total + float((upper * price)[mask].sum())
        if value > best:
            best = value
            shares["keys"] = value - total
        fresh = [key for key in negative if key not in included]
        if not fresh:
            break
        included.update(dict.fromkeys(fresh))
        price = keys.coupled(blocks, list(included), price)
    if best == -math.inf:
        return None
    if parts is not None:
        parts.update({key: value * MONEY for key, value in shares.items()})
    return best * MONEY


class _Late(Exception):
    """The keys' programs still going at the deadline."""


@dataclass
class _Block:
    """Keys of one start and home: the least reduced costs of their columns, each unit's
    without its own row (``values``: unit, arrival, way) and each escort's (``duties``)."""

    members: list[int]
    values: np.ndarray
    duties: np.ndarray

    def __bool__(self) -> bool:
        return bool(self.values.size)


class _Keys:
    def __init__(self, master: Master, pricing: Pricing) -> None:
        self.m = master
        self.p = pricing
        scenario = master.scenario
        self.escorts = scenario.escorts
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

    def _money(self, origin: str, home: str) -> float:
        m = self.m
        return 1.0 - m.dual(("pool", "escort", m.party_lines(origin, home, "escort")))

    def _rider(self, u: int) -> _Rider:
        p, unit = self.p, self.m.units[u]
        fare = sum(p._pool("fare", c.case_id) for c in unit.per_step) / unit.persons
        meal = sum(p._pool("meal", c.case_id) for c in unit.per_step) / unit.persons
        return _Rider(1 + fare, 1.0, p.meal * (1 + meal) / MONEY, 0.0, None)

    def heads(self, origin: str, home: str, members: list[int]) -> _Block:
        """The keys of ways onto a first service from ``origin`` and arrivals at ``home``."""
        p, m = self.p, self.m
        net = p.net
        heads, a = p._origin(origin)
        into = np.flatnonzero(p._sink_arc & (net.arc_head == net.sink[home]))
        if not len(heads) or not len(into):
            return _Block(members, np.empty((0, 0, 0)), np.empty((0, 0, 0)))
        arrivals = net.arc_tail[into]
        services = a["service"]
        # Each unit's reduced cost (its unit row's dual in) by arrival and way onto a service.
        values = np.empty((len(members), len(into), len(heads)))
        classes: dict[_Rider, list[int]] = defaultdict(list)
        for i, u in enumerate(members):
            classes[self._rider(u)].append(i)
        for rider, at in classes.items():
            weights = p._weights(rider)
            shared: np.ndarray | None = None
            for i in at:
                u = members[i]
                mine = weights
                if u in p.ride:
                    mine = weights.copy()
                    for vehicle, value in p.ride[u].items():
                        mine[p._vehicle_arcs.get(vehicle, [])] += value / m.units[u].persons
                    on = self._onward(mine, arrivals, into, services)
                else:
                    if shared is None:
                        shared = self._onward(weights, arrivals, into, services)
                    on = shared
                base = p._on_heads(u, rider, np.zeros(len(heads)))
                value = base[None, :] + m.units[u].persons * on
                value[(on >= _REACHED) | ~np.isfinite(base)[None, :].repeat(len(into), 0)] = np.inf
                values[i] = value
        money = self._money(origin, home)
        weights = p._weights(_Rider(money, 1.0, 0.0, 0.0, None))
        along = self._onward(weights, arrivals, into, services)
        along += (a["fare"] / MONEY * money + p._head_vehicles(origin))[None, :]
        along[along >= _REACHED] = np.inf
        departs = [datetime.fromtimestamp(float(t), UTC) for t in a["depart"]]
        ready = [datetime.fromtimestamp(float(t), UTC) for t in a["ready_by"]]
        arrive = [datetime.fromtimestamp(float(t), UTC) for t in self._arrived(home, arrivals)]
        duties = np.empty((len(self.escorts), len(into), len(heads)))
        for e, escort in enumerate(self.escorts):
            rate = (p.meal + escort.daily_allowance_idr) / MONEY * money
            search = p._search(escort, money, rate, p._escort_rides(escort.escort_id))
            out = self._out(search, origin, departs, ready)
            back = self._back(search, home, arrive)
            duties[e] = out[None, :] + along + back[:, None] + rate
        return _Block(members, values, duties)

    def _arrived(self, home: str, arrivals: np.ndarray) -> np.ndarray:
        """When each arrival node reaches ``home``: a service's arrival, or a road way's."""
        times, nodes = self.p._arrivals[home]
        moment = dict(zip(nodes.tolist(), times.tolist(), strict=True))
        return np.array([moment[int(n)] for n in arrivals])

    def _onward(
        self, weights: np.ndarray, arrivals: np.ndarray, into: np.ndarray, services: np.ndarray
    ) -> np.ndarray:
        """The least cost from each service's departure to each arrival and into the sink."""
        graph = self.p._graph(weights, reverse=True)
        dist, _ = shortest_paths(graph, [int(n) for n in arrivals])
        found = dist[:, services] + weights[into][:, None]
        found[~np.isfinite(found)] = _REACHED
        return np.asarray(found)

    def _out(self, search: object, origin: str, departs: list[datetime], ready: list[datetime]) -> np.ndarray:
        escort = search.escort  # type: ignore[attr-defined]
        if escort.base_id != origin:
            return np.asarray(search.out_values(origin, ready))  # type: ignore[attr-defined]
        base = self.m.scenario.location(escort.base_id)
        net = self.p.net
        return np.array(
            [
                -search.rate * net.day(escort.base_id, d) - float(search.busy.before(d.timestamp()))  # type: ignore[attr-defined]
                if base.local_date(d) >= escort.available_from
                else np.inf
                for d in departs
            ]
        )

    def _back(self, search: object, home: str, arrive: list[datetime]) -> np.ndarray:
        escort = search.escort  # type: ignore[attr-defined]
        if escort.base_id != home:
            return np.asarray(search.back_values(home, arrive))  # type: ignore[attr-defined]
        base = self.m.scenario.location(escort.base_id)
        net = self.p.net
        return np.array(
            [
                search.rate * net.day(escort.base_id, t) + float(search.busy.upto(t.timestamp()))  # type: ignore[attr-defined]
                if base.local_date(t) <= escort.available_to
                else np.inf
                for t in arrive
            ]
        )

    def roads(self, origin: str, home: str, members: list[int]) -> _Block:
        """The keys of ways by road alone from ``origin`` to ``home``."""
        p, m = self.p, self.m
        ways: dict[tuple[float, int], object] = {}
        found: dict[tuple[float, int], dict[int, float]] = defaultdict(dict)
        for i, u in enumerate(members):
            for way, value in p._by_road(u, self._rider(u), 0.0):
                key = (way.depart.timestamp(), id(way))
                ways[key] = way
                found[key][i] = value
        if not ways:
            return _Block(members, np.empty((0, 0, 0)), np.empty((0, 0, 0)))
        order = sorted(ways)
        values = np.full((len(members), 1, len(order)), np.inf)
        for k, key in enumerate(order):
            for i, value in found[key].items():
                values[i, 0, k] = value
        money = self._money(origin, home)
        settings = m.scenario.settings
        departs = [ways[key].depart for key in order]  # type: ignore[attr-defined]
        ready = [ways[key].depart - settings.connection(ways[key].legs[0].mode) for key in order]  # type: ignore[attr-defined]
        arrive = [ways[key].arrive for key in order]  # type: ignore[attr-defined]
        along = np.array(
            [ways[key].fare_idr / MONEY * money + p._vehicles(ways[key].vehicles) for key in order]  # type: ignore[attr-defined]
        )
        duties = np.empty((len(self.escorts), 1, len(order)))
        for e, escort in enumerate(self.escorts):
            rate = (p.meal + escort.daily_allowance_idr) / MONEY * money
            search = p._search(escort, money, rate, p._escort_rides(escort.escort_id))
            out = self._out(search, origin, departs, ready)
            back = self._back(search, home, arrive)
            duties[e, 0] = out + along + back + rate
        return _Block(members, values, duties)

    def screened(self, block: _Block, price: np.ndarray) -> int:
        """How many of the block's keys the quick test leaves to a program of their own."""
        return int((self._low(block, price) < -1e-9).sum())

    def _low(self, block: _Block, price: np.ndarray) -> np.ndarray:
        """Each key's program's dual at the quick test's point: at most its value."""
        m, members = self.m, block.members
        values = block.values - price[members][:, None, None]
        upper = np.array([m.units[u].upper for u in members], dtype=np.float64)
        gain = np.where(values < 0, -values, 0.0) * upper[:, None, None]
        charged = np.einsum("eu,uik->eik", self.pays[:, members], gain)
        duties = block.duties
        low: np.ndarray = np.where(np.isfinite(duties), np.minimum(duties - charged, 0.0), 0.0).sum(axis=0)
        return low

    def programs(
        self, block: _Block, price: np.ndarray, deadline: float | None = None
    ) -> tuple[float, list[tuple[int, int]]]:
        """The sum over the block's keys of each key's program, the units' rows at ``price``,
        and the keys whose program is negative; ``_Late`` past ``deadline``."""
        members = block.members
        values = block.values - price[members][:, None, None]
        duties = block.duties
        low = self._low(block, price)
        total = float(low.sum())
        negative = []
        for i, k in zip(*np.nonzero(low < -1e-9), strict=True):
            if deadline is not None and time.perf_counter() > deadline:
                raise _Late
            found = self._program(members, values[:, i, k], duties[:, i, k])
            if found is not None and found > low[i, k]:
                total += found - float(low[i, k])
            if found is None or found < -1e-6:
                negative.append((int(i), int(k)))
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

    def _key(
        self, lp: Program, key: object, escorts: list[tuple[int, float]], units: list[tuple[int, float]]
    ) -> dict[int, int]:
        """A key's escorts and units in ``lp`` (each at its least reduced cost) with the key's
        party rows, summed over its itineraries; each unit's column."""
        m, scenario = self.m, self.m.scenario
        for e, cost in escorts:
            escort = self.escorts[e]
            entries: dict[RowKey, float] = {("cap", key): -float(escort.max_cases)}
            for u, _ in units:
                unit = m.units[u]
                entries[("escorted", key, u)] = -float(unit.upper)
                for need in NEEDS:
                    if unit.needs(need) and suits(scenario, escort.escort_id, need):
                        entries[("skill", key, u, need)] = -float(unit.upper)
            lp.add(cost, entries, upper=1.0)
        columns = {}
        for u, cost in units:
            unit = m.units[u]
            entries = {("cap", key): float(unit.escorted), ("escorted", key, u): 1.0}
            entries.update({("skill", key, u, need): 1.0 for need in NEEDS if unit.needs(need)})
            columns[u] = lp.add(cost, entries, upper=float(unit.upper))
        return columns

    def coupled(
        self, blocks: list[_Block], keys: list[tuple[int, int, int]], start: np.ndarray
    ) -> np.ndarray:
        """The escorted units' multipliers: the duals of their rows in one program over
        ``keys`` (block, arrival, way), each unit's row kept across them; ``start`` for units
        in none of them, or if the program is not solved."""
        m = self.m
        lp = Program()
        for key in keys:
            b, i, k = key
            block = blocks[b]
            escorts = [
                (e, float(block.duties[e, i, k]))
                for e in range(len(self.escorts))
                if np.isfinite(block.duties[e, i, k])
            ]
            units = [
                (u, float(block.values[j, i, k]))
                for j, u in enumerate(block.members)
                if block.values[j, i, k] < 0
            ]
            for u, column in self._key(lp, key, escorts, units).items():
                lp.entry(("unit", u), column, 1.0)
        price = start.copy()
        rows = {int(str(row[1])): row for row in lp.row_index if row[0] == "unit"}
        for u, row in rows.items():
            lp.bound(row, -INF, float(m.units[u].upper))
        solver = lp.highs()
        solver.run()
        if solver.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            duals = solver.getSolution().row_dual
            for u, row in rows.items():
                price[u] = min(float(duals[lp.row_index[row]]), 0.0)
        return price
