"""A stronger bound of the whole week: the best multipliers of the party rows, by a linear program.

The Lagrangian bound (``planner.solver.bound``) takes the master's duals as multipliers, and
for the escort rows of itineraries the master does not have it must guess: an escorted unit
pays a share of the least duty.  Where the master's duals are degenerate (an escort fully used
and its value sitting on its cases' rows) that guess makes the bound weak.  Here every
multiplier but those of the party rows (``cap``, ``escorted``, ``skill``, made or not) stays
as the master's; the party rows' are chosen best, which is the optimum of a linear program:

* each escorted unit takes at most one option, at its reduced cost without its unit and party
  rows: one of its master columns, or (any itinerary of the network) the best way on from a
  way onto a first service or a way by road alone;
* each escort takes parties that do not overlap in time (a path through its moments): a duty
  of the master's itineraries at its least reduced cost, or a party leaving by a way onto a
  first service or by road, at the floor of its duties from there (``planner.solver.floor``)
  and at least the escort's allowance and meals for the whole calendar days of its span;
* a unit's option needs, at the same place (slot), escorts with each of its needs and
  escorts enough for its escorted cases.

Every plan of the network's rules gives a solution of that program costing no more than its
Lagrangian terms (the floors are at most the duties' reduced costs, a party's span lies
inside its escort's duty, and a duty pays each calendar day it covers), and the program's optimum
is the Lagrangian bound at the best party multipliers (its kept parts, one option per unit and
paths of parties, have integral polytopes): a bound of the week.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import numpy as np

from planner.model import Unit
from planner.scenario import Escort
from planner.solver.floor import DAY, FLOOR_KEYS, NO_ESCORT
from planner.solver.master import MONEY, NEEDS, Master, RowKey, suits
from planner.solver.network import RoadWay
from planner.solver.pricing import DutyPrice, EscortedValues, Pricing, UnitPrice
from planner.solver.program import INF, Program

_PARTY = ("cap", "escorted", "skill")

Slot = tuple[Hashable, ...]


@dataclass(frozen=True)
class PartyProgram:
    """The program of the bound, and the bound's terms outside it (thousands of rupiah): any
    lower bound of the program's least value, added to them, is a bound of the week."""

    outside: float
    program: Program

    def bound(self, value: float) -> float:
        """The week's bound, in rupiah, for a lower bound ``value`` of the program."""
        return (self.outside + value) * MONEY


def party_program(
    master: Master,
    pricing: Pricing,
    units: Sequence[UnitPrice],
    duties: Sequence[DutyPrice],
    values: dict[int, EscortedValues] | None = None,
    vehicles: bool = False,
) -> PartyProgram:
    """The program at the master's (current) multipliers, ``units`` and ``duties`` priced
    there, and the escorted units' options at ``values`` (``Pricing.escorted_values``, made
    now if not given).  With ``vehicles`` (at the empty master), every unit's options are in
    the program, ``values`` priced with the vehicles of the ways onto first services
    (``head_vehicles``) free, and those vehicles' rows are the program's: a unit leaving by
    such a way needs a whole vehicle, and the vehicle's riders fit in its seats."""
    m = master
    total = m.constant
    for index, key in enumerate(m.row_keys):
        if key[0] == "unit" or key[0] in _PARTY:
            continue
        dual = float(m.row_dual[index])
        side = m.row_upper[index] if dual < 0 else m.row_lower[index]
        if dual and math.isfinite(side):
            total += side * dual
    reduced = m.reduced_costs()
    for c, column in enumerate(m.columns):
        if column.kind in ("n", "f") and reduced[c] < 0:
            total += float(reduced[c]) * column.upper
    for price in units:
        unit = m.units[price.unit]
        if not unit.escorted and not vehicles:
            total += unit.upper * min(0.0, price.least)
    return PartyProgram(total, _Program(m, pricing, duties, vehicles).build(values))


def head_vehicles(pricing: Pricing) -> list[tuple[str, object]]:
    """The vehicles of the ways onto a first service from every unit's start."""
    net = pricing.net
    found: set[int] = set()
    for place in sorted({unit.origin for unit in pricing.units}):
        heads, _ = pricing._origin(place)
        for head in heads:
            found.update(head.vehicles)
    return [net.vehicle_keys[v] for v in sorted(found)]


@dataclass
class _Items:
    """An escort's parties: each where it serves (``slots[which[k]]``), when, and at what
    reduced cost; made by the thousand, so kept as arrays."""

    escort: Escort
    slots: list[Slot]
    which: np.ndarray
    start: np.ndarray
    end: np.ndarray
    cost: np.ndarray

    @staticmethod
    def one(escort: Escort, slot: Slot, start: float, end: float, cost: float) -> _Items:
        return _Items(
            escort, [slot], np.zeros(1, dtype=np.int64), np.array([start]), np.array([end]), np.array([cost])
        )


class _Program:
    def __init__(
        self, master: Master, pricing: Pricing, duties: Sequence[DutyPrice], vehicles: bool = False
    ) -> None:
        self.m = master
        self.p = pricing
        self.duties = duties
        self.vehicles = vehicles
        # With ``vehicles``: the units whose options ride each vehicle (its index).
        self.riders: dict[int, set[int]] = defaultdict(set)
        scenario = master.scenario
        self.escorts = scenario.escorts
        # Unit options by slot: (unit, option column) for the linking rows.
        self.at: dict[Slot, list[int]] = defaultdict(list)
        # Each master column's reduced cost without its unit and party rows.
        self.outside = master.reduced_costs(master.without(("unit", *_PARTY), master.row_dual))
        # For each escorts' base, the days any of its escorts may be back on (``_by_day``).
        self._days = _days_back(pricing, self.escorts)

    def build(self, values: dict[int, EscortedValues] | None = None) -> Program:
        m, p = self.m, self.p
        lp = Program()  # rows: unit <= 1, need and cap <= 0, each escort's moments = supply
        escorted = [u for u, unit in enumerate(m.units) if unit.escorted]
        if values is None:
            values = p.escorted_values()
        for u in range(len(m.units)) if self.vehicles else escorted:
            self._options(u, values.get(u), lp)
        self._hired(lp)
        if not self.at:
            return self._bounded(lp, {}) if self.vehicles else Program()
        items = self._present() + self._absent(values)
        needs = {u: _needs(m.units[u]) for u in escorted}
        # Each slot's linking rows by need, made once for every escort that serves there.
        linked: dict[Slot, dict[str | None, list[int]]] = {}
        for slot, members in self.at.items():
            by_need = linked[slot] = defaultdict(list)
            for u in members:
                for need in needs[u]:
                    by_need[need].append(lp.row(("need", slot, u, need)))
        # Each slot's rows for escorts of one kind: (skills, capacity).
        serves: dict[tuple[Slot, Hashable], tuple[list[int], list[float]]] = {}
        supply: dict[RowKey, float] = {}
        by_escort: dict[str, list[_Items]] = defaultdict(list)
        for batch in items:
            kept = np.array([slot in self.at for slot in batch.slots], dtype=bool)[batch.which]
            if not kept.any():
                continue
            if not kept.all():
                batch = _Items(
                    batch.escort,
                    batch.slots,
                    batch.which[kept],
                    batch.start[kept],
                    batch.end[kept],
                    batch.cost[kept],
                )
            by_escort[batch.escort.escort_id].append(batch)
        for escort_id, found in by_escort.items():
            escort = found[0].escort
            start = np.concatenate([batch.start for batch in found])
            end = np.concatenate([batch.end for batch in found])
            moments = np.unique(np.concatenate([start, end])).tolist()
            first, last = ("flow", escort_id, moments[0]), ("flow", escort_id, moments[-1])
            supply[first] = supply.get(first, 0.0) + 1.0
            supply[last] = supply.get(last, 0.0) - 1.0
            for a, b in pairwise(moments):
                lp.add(0.0, {("flow", escort_id, a): 1.0, ("flow", escort_id, b): -1.0}, upper=1.0)
            flows = np.array([lp.row(("flow", escort_id, t)) for t in moments], dtype=np.int64)
            able = {need: suits(m.scenario, escort_id, need) for need in NEEDS}
            # The rows an escort enters at a slot depend on its skills and its capacity only.
            kind = (tuple(able.values()), escort.max_cases)
            # Each party's slot as a number: the slots of this escort in the order first met.
            numbers: dict[Slot, int] = {}
            named = np.concatenate(
                [
                    np.array(
                        [numbers.setdefault(slot, len(numbers)) for slot in batch.slots], dtype=np.int64
                    )[batch.which]
                    for batch in found
                ]
            )
            slots = list(numbers)
            # The slots' rows made in the order their parties come (a slot's capacity row is
            # new where no escort has served there yet).
            order = np.unique(named, return_index=True)[1]
            for number in named[np.sort(order)].tolist():
                slot = slots[number]
                if (slot, kind) not in serves:
                    rows = [
                        row
                        for need, need_rows in linked[slot].items()
                        if need is None or able[need]
                        for row in need_rows
                    ]
                    rows.append(lp.row(("cap", slot)))
                    serves[(slot, kind)] = (rows, [-1.0] * (len(rows) - 1) + [-float(escort.max_cases)])
            # Each party's column: its slot's rows, then a unit of flow from its start to its end.
            table = [serves.get((slot, kind), ([], [])) for slot in slots]  # some slots no party has
            rows_out, column, values_out = _entries(
                table, named, flows[np.searchsorted(moments, start)], flows[np.searchsorted(moments, end)]
            )
            cost = np.concatenate([batch.cost for batch in found])
            lp.add_many(cost, np.ones(len(cost)), rows_out, column, values_out)
        return self._bounded(lp, supply)

    def _options(self, u: int, found: EscortedValues | None, lp: Program) -> None:
        m, p = self.m, self.p
        unit = m.units[u]
        if unit.ready >= m.scenario.settings.end_date:
            return
        options: list[tuple[Slot, float]] = []
        for x in m.unit_columns.get(u, []):
            column = m.columns[x]
            reduced = float(self.outside[x])
            if reduced < 0 and ("cap", m.journeys[column.journey].party) in m.rows:
                options.append((self._slot(column.journey), reduced))
        if found is not None:
            heads, ways = found
            for k in np.nonzero(heads < 0)[0].tolist():
                options.append((("h", unit.origin, unit.home, k), float(heads[k])))
            for way, value in ways:
                if value < 0:
                    key = tuple(leg.key for leg in way.legs)
                    options.append((("r", unit.origin, unit.home, key), value))
        del p
        best: dict[Slot, float] = {}
        for slot, value in options:
            best[slot] = min(value, best.get(slot, 0.0))
        ways_on = self.p._origin(unit.origin)[0] if self.vehicles else []
        for slot, value in best.items():
            entries: dict[RowKey, float] = {("unit", u): 1.0}
            if unit.escorted:
                entries[("cap", slot)] = float(unit.escorted * unit.upper)
                for need in _needs(unit):
                    entries[("need", slot, u, need)] = 1.0
                self.at[slot].append(u)
            if self.vehicles and slot[0] == "h":
                way_on = slot[3]
                assert isinstance(way_on, int)
                for vehicle in ways_on[way_on].vehicles:
                    entries[("ride", u, vehicle)] = 1.0
                    entries[("vehicle", vehicle)] = float(unit.persons * unit.upper)
                    self.riders[vehicle].add(u)
            lp.add(unit.upper * value, entries, upper=1.0)

    def _hired(self, lp: Program) -> None:
        """With ``vehicles``: each vehicle a unit's option rides, hired in the program at its
        cost (``n``), as many as everyone could fill; every unit that rides it needs a whole
        one, and its riders fit in its seats.  Escorts and units on other ways that ride it
        are left out of these rows (a relaxation), and pay nothing for it outside them."""
        m, net = self.m, self.p.net
        for vehicle, units in sorted(self.riders.items()):
            link = m.scenario.link(net.vehicle_keys[vehicle][0])
            entries: dict[RowKey, float] = {
                ("vehicle", vehicle): -float(link.vehicle_capacity or m.travellers)
            }
            for u in units:
                entries[("ride", u, vehicle)] = -1.0
            lp.add(link.vehicle_cost_idr / MONEY, entries, upper=float(link.vehicles_for(m.travellers)))

    def _present(self) -> list[_Items]:
        """The duties with the master's party itineraries: each escort's least on each, its party
        rows left out."""
        m = self.m
        least: dict[tuple[str, int], float] = {}
        for price in self.duties:
            if not math.isfinite(price.least):
                continue
            escort = m.scenario.escort(price.escort_id)
            cap, earned, skills = m.party_gives(m.journeys[price.journey].party)
            base = price.least + escort.max_cases * cap - earned
            base -= sum(v for need, v in skills.items() if suits(m.scenario, price.escort_id, need))
            key = (price.escort_id, price.journey)
            least[key] = min(base, least.get(key, math.inf))
        items = []
        for escort_id, columns in m.escort_duties.items():
            for index in columns:
                column = m.columns[index]
                assert column.option is not None
                reduced = float(self.outside[index])
                # The master's own duty, at its own span.
                start, end = column.option.start.timestamp(), column.option.end.timestamp()
                items.append(
                    _Items.one(
                        m.scenario.escort(escort_id),
                        self._slot(column.journey),
                        start,
                        max(end, start + 1.0),
                        reduced,
                    )
                )
        # The spans of each escort's parties from one start to one home, found at once.
        groups: dict[tuple[str, str, str], list[tuple[int, float]]] = defaultdict(list)
        for (escort_id, j), cost in least.items():
            groups[(escort_id, m.journeys[j].origin, m.journeys[j].home)].append((j, cost))
        for (escort_id, origin, home), found in groups.items():
            escort = m.scenario.escort(escort_id)
            journeys = [m.journeys[j].journey for j, _ in found]
            starts, ends = duty_spans(
                self.p,
                escort,
                origin,
                home,
                np.array([journey.depart.timestamp() for journey in journeys]),
                np.array([journey.ready_by.timestamp() for journey in journeys]),
                np.array([journey.arrive.timestamp() for journey in journeys]),
            )
            for (j, cost), start, end in zip(found, starts.tolist(), ends.tolist(), strict=True):
                items.append(_Items.one(escort, self._slot(j), start, end, cost))
        return items

    def _slot(self, j: int) -> Slot:
        """Where a party on the master's journey ``j`` is, as for itineraries not in the
        master: the way onto its first service, or its way by road alone.  A journey has no
        slot of its own beside its place's: a duty counted at both would cover half a unit at
        each for half its cost."""
        rows = self.m.journeys[j]
        journey = rows.journey
        path = self.p.paths.get(j)
        if path is not None:
            return ("h", rows.origin, rows.home, path[0])
        if not journey.service_ids:
            return ("r", rows.origin, rows.home, tuple(leg.key for leg in journey.itinerary.legs))
        return ("j", j)

    def _absent(self, values: dict[int, EscortedValues]) -> list[_Items]:
        """Parties on itineraries the master does not have, at the floors of their duties: per
        start, home and way onto a first service or way by road alone where a unit has an
        option, an item per day the escort may be back (``_by_day``)."""
        m, p = self.m, self.p
        heads: dict[tuple[str, str], set[int]] = defaultdict(set)
        roads: dict[tuple[str, str], dict[tuple[object, ...], RoadWay]] = defaultdict(dict)
        for u, (found, ways) in values.items():
            unit = m.units[u]
            group = (unit.origin, unit.home)
            heads[group].update(k for k in np.nonzero(found < 0)[0].tolist() if ("h", *group, k) in self.at)
            for way, value in ways:
                key = tuple(leg.key for leg in way.legs)
                if value < 0 and ("r", *group, key) in self.at:
                    roads[group][key] = way
        keys = {e.escort_id: _floor_key(p, e) for e in self.escorts}
        homes = sorted({home for _, home in heads} | {home for _, home in roads})
        floors = {need: p.party_floors(need, homes) for need in set(keys.values())}
        # What the escort's fares on with the party and back cost by each day's end, from the
        # first service of each way on: a search from each first service of a start, then the
        # least over the arrivals at each home of the way there and the ways back from it.
        chosen = {group: np.array(sorted(ks), dtype=np.int64) for group, ks in heads.items() if ks}
        on_by: dict[tuple[str, str, str], np.ndarray] = {}
        for origin in sorted({origin for origin, _ in chosen}):
            to = [home for start, home in chosen if start == origin]
            service = p._origin(origin)[1]["service"]
            sources = np.unique(np.concatenate([service[chosen[(origin, home)]] for home in to]))
            reach = p.floor.reach(sources)
            for home in to:
                tails, _ = p.floor.onto(home)
                # Ways on by road to the same first service share its values.
                rows, each = np.unique(
                    np.searchsorted(sources, service[chosen[(origin, home)]]), return_inverse=True
                )
                for base, (_, bounds) in self._days.items():
                    found = p.floor.party_by(base, home, reach[np.ix_(rows, tails)], bounds[1])
                    on_by[(base, origin, home)] = found[:, each]
        items: list[_Items] = []
        for (origin, home), ks in chosen.items():
            _, a = p._origin(origin)
            arrive = p.earliest_arrivals(home)[a["service"][ks]] + a["anchor"][ks]
            depart = a["depart"][ks]
            head_fares = a["fare"][ks] / MONEY + p._head_vehicles(origin)[ks]
            alongs: dict[str | None, np.ndarray] = {}  # by need: the same for its escorts
            spans: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # by base: the same for its escorts
            for escort in self.escorts:
                need = keys[escort.escort_id]
                along = alongs.get(need)
                if along is None:
                    along = alongs[need] = p.head_party(need, origin, floors[need][homes.index(home)])[ks]
                out = p.floor._escort_out(escort, origin, depart, a["ready_by"][ks])
                busy = p.floor._busy(escort)
                # The busy rows' duals between the party's departure and its earliest arrival:
                # the floors count them only before and after.
                cost = out + along + busy.upto(arrive) - busy.before(depart)
                ok = np.isfinite(arrive)
                if escort.base_id not in spans:
                    spans[escort.base_id] = duty_spans(
                        p, escort, origin, home, depart, a["ready_by"][ks], np.where(ok, arrive, depart)
                    )
                starts, ends = spans[escort.base_id]
                cost = np.maximum(cost, whole_days(p, escort, starts, ends))
                keep = (out < NO_ESCORT / 2) & np.isfinite(cost) & ok
                if not keep.any():
                    continue
                on = on_by[(escort.base_id, origin, home)][:, keep]
                items.append(
                    self._by_day(
                        escort,
                        [("h", origin, home, k) for k in ks[keep].tolist()],
                        starts[keep],
                        ends[keep],
                        cost[keep],
                        self._out_by_day(escort, origin, depart[keep], a["ready_by"][ks][keep])
                        + head_fares[keep]
                        + busy.upto(arrive[keep]),
                        on,
                    )
                )
        for (origin, home), found_ways in roads.items():
            by_road = list(found_ways.values())
            slots = [("r", origin, home, road) for road in found_ways]
            leaves = np.array([way.depart.timestamp() for way in by_road])
            reaches = np.array([way.arrive.timestamp() for way in by_road])
            fixed = np.array([way.fare_idr / MONEY + p._vehicles(way.vehicles) for way in by_road])
            backs: dict[str | None, np.ndarray] = {}  # by need: the same for its escorts
            road_spans: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # by base
            back_by: dict[str, np.ndarray] = {}  # by base: fares back before each day's end
            for escort in self.escorts:
                need = keys[escort.escort_id]
                way_out = p.floor._escort_out(escort, origin, leaves, leaves)
                if need not in backs:
                    backs[need] = p.floor.back(need, home, reaches)
                way_back = backs[need]
                busy = p.floor._busy(escort)
                price = way_out + way_back + fixed + p.floor.rate(need) * (reaches - leaves)
                price += busy.upto(reaches) - busy.before(leaves)
                if escort.base_id not in road_spans:
                    road_spans[escort.base_id] = duty_spans(p, escort, origin, home, leaves, leaves, reaches)
                    back_by[escort.base_id] = p.floor.back_by(
                        escort.base_id, home, reaches, self._days[escort.base_id][1][1]
                    )
                starts, ends = road_spans[escort.base_id]
                price = np.maximum(price, whole_days(p, escort, starts, ends))
                keep = (way_out < NO_ESCORT / 2) & (way_back < NO_ESCORT / 2)
                if not keep.any():
                    continue
                items.append(
                    self._by_day(
                        escort,
                        [slot for slot, kept in zip(slots, keep.tolist(), strict=True) if kept],
                        starts[keep],
                        ends[keep],
                        price[keep],
                        self._out_by_day(escort, origin, leaves[keep], leaves[keep])
                        + fixed[keep]
                        + busy.upto(reaches[keep]),
                        back_by[escort.base_id][:, keep],
                    )
                )
        return items

    def _out_by_day(self, escort: Escort, place: str, depart: np.ndarray, ready_by: np.ndarray) -> np.ndarray:
        """The least of an escort's ways to ``place`` by each of ``ready_by`` (for parties
        leaving at ``depart``): fares and duals, less its allowance and meals times the day it
        leaves (the base's day numbers), so that adding them times the day after its return
        counts its calendar days."""
        p, net = self.p, self.p.net
        busy = p.floor._busy(escort)
        rate = p.floor.rates[escort.escort_id] * DAY
        if escort.base_id == place:
            earliest = self.m.scenario.location(place).midnight(escort.available_from).timestamp()
            left = -rate * net.days_at(place, depart) - busy.before(depart)
            return np.asarray(np.where(depart >= earliest, left, np.inf))
        search = p._search(escort, 1.0, rate, p._escort_rides(escort.escort_id))
        moments = [datetime.fromtimestamp(t, UTC) for t in ready_by.tolist()]
        return search.out_values(place, moments)

    def _by_day(
        self,
        escort: Escort,
        slots: list[Slot],
        starts: np.ndarray,
        ends: np.ndarray,
        floors: np.ndarray,
        outs: np.ndarray,
        on: np.ndarray,
    ) -> _Items:
        """``escort``'s parties at ``slots`` (spanning ``starts`` to ``ends`` at least, costing
        ``floors`` at least), as an item per day it may be back at its base: its way out, its
        fares with the party and back (``outs`` and ``on``, a row per day of ``_days``) and its
        allowance and meals for every calendar day from the one it leaves to that one.  A duty
        back on day ``d`` lasts at least to that day's start and pays at least that item, so
        the program stays a relaxation; priced once, a party paid the least fares of any way
        on and back and the days of the fastest, though the two are rarely one way."""
        days, (begins, day_ends) = self._days[escort.base_id]
        rate = self.p.floor.rates[escort.escort_id] * DAY
        deadline = self.p.floor._deadline(escort)
        cost = outs[None, :] + on + rate * (days[:, None] + 1.0)
        cost = np.where((day_ends <= deadline)[:, None], cost, np.inf)
        cost = np.maximum(cost, floors[None, :])
        # A later day at no lower cost adds nothing: its duties may take the earlier item.
        least = np.minimum.accumulate(cost, axis=0)
        earlier = np.vstack([np.full((1, cost.shape[1]), np.inf), least[:-1]])
        kept = np.isfinite(cost) & (cost < earlier - 1e-9)
        row, i = np.nonzero(kept)
        end = np.maximum(np.maximum(ends[i], begins[row]), starts[i] + 1.0)
        return _Items(escort, slots, i, starts[i].astype(np.float64), end, cost[row, i])

    @staticmethod
    def _bounded(lp: Program, supply: dict[RowKey, float]) -> Program:
        for key in list(lp.row_index):
            if key[0] == "unit":
                lp.bound(key, -INF, 1.0)
            elif key[0] == "flow":
                lp.bound(key, supply.get(key, 0.0), supply.get(key, 0.0))
        return lp


def _entries(
    table: list[tuple[list[int], list[float]]], named: np.ndarray, leave: np.ndarray, arrive: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries of parties' columns, column after column: party ``k``'s slot's rows and
    values (``table[named[k]]``), then 1 at row ``leave[k]`` and -1 at row ``arrive[k]``; as
    rows, columns (from 0) and values."""
    lengths = np.array([len(rows) for rows, _ in table], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    rows = np.array([row for found, _ in table for row in found] or [0], dtype=np.int64)
    values = np.array([value for _, found in table for value in found] or [0.0])
    size = lengths[named] + 2
    column = np.repeat(np.arange(len(named)), size)
    place = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
    own = lengths[named][column]
    inside = place < own
    at = np.where(inside, offsets[named][column] + place, 0)
    flow = np.where(place == own, leave[column], arrive[column])
    return (
        np.where(inside, rows[at], flow),
        column,
        np.where(inside, values[at], np.where(place == own, 1.0, -1.0)),
    )


def _days_back(pricing: Pricing, escorts: Sequence[Escort]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each escorts' base, the day numbers any of its escorts may be back on, and the
    bounds of each (the base's midnights: a row of starts, a row of ends)."""
    net = pricing.net
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for base in sorted({e.base_id for e in escorts}):
        mine = [e for e in escorts if e.base_id == base]
        first = min(net.day_of(e.available_from) for e in mine)
        last = max(net.day_of(e.available_to) for e in mine)
        place = pricing.scenario.location(base)
        bounds = np.array(
            [place.midnight(net.day_zero + timedelta(days=d)).timestamp() for d in range(first, last + 2)]
        )
        found[base] = (np.arange(first, last + 1), np.vstack([bounds[:-1], bounds[1:]]))
    return found


def duty_spans(
    pricing: Pricing,
    escort: Escort,
    start: str,
    home: str,
    depart: np.ndarray,
    ready_by: np.ndarray,
    arrive: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """What every duty of ``escort`` with parties leaving ``start`` at ``depart`` (an escort
    there by ``ready_by``) and arriving at ``home`` at ``arrive`` or later covers at least: from
    the latest its way out can leave to the earliest its way back can arrive.  ``arrive`` may
    be a column against a row of ``depart``: each way back is then searched once, not once
    per departure (both spans come broadcast)."""
    first, last = depart, arrive
    if escort.base_id != start:
        out = pricing.latest_out(escort.base_id, start, ready_by)
        first = np.where(np.isfinite(out), np.minimum(depart, out), depart)
    if escort.base_id != home:
        back = pricing.earliest_back(escort.base_id, home, arrive.ravel()).reshape(arrive.shape)
        last = np.where(np.isfinite(back), np.maximum(arrive, back), arrive)
    last = np.maximum(last, first + 1.0)
    return (first if first.shape == last.shape else np.broadcast_to(first, last.shape)), last


def whole_days(pricing: Pricing, escort: Escort, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The least an escort's duties that leave its base by ``starts`` and are back no sooner
    than ``ends`` pay in allowance and meals: every calendar day between them at its base.  A
    duty pays whole days, where the floors count its hours (a party taken across midnight
    and back in ten hours is two days)."""
    base = escort.base_id
    first = pricing.net.days_at(base, starts)
    last = pricing.net.days_at(base, np.where(np.isfinite(ends), ends, starts))
    days = np.where(np.isfinite(ends), last - first + 1, np.inf)
    return np.asarray(pricing.floor.rates[escort.escort_id] * DAY * days)


def _needs(unit: Unit) -> list[str | None]:
    """The linking rows of an escorted unit's option: one per need, or one for any escort."""
    needs: list[str | None] = [need for need in NEEDS if unit.needs(need)]
    return needs or [None]


def _floor_key(pricing: Pricing, escort: Escort) -> str | None:
    """The need whose able escorts are fewest among those ``escort`` belongs to: its floors are
    the highest that are still floors of this escort's duties."""
    keys = [need for need in FLOOR_KEYS if escort in pricing.floor.able[need]]
    return min(keys, key=lambda need: (len(pricing.floor.able[need]), str(need)))
