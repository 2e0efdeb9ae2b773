"""The restricted master: the linear relaxation of the week over the columns generated so far.

Columns are a unit on an itinerary (``x``), an escort duty (``y``: an escort, a party's
itinerary, a way out and a way back), vehicles hired on a road link at one departure (``n``)
and money flowing from a pool of cost items to a budget line (``f``).  Rows come in families,
named by a key whose first word is the family (the contract's rule in brackets):

* ``unit``: each unit travels at most whole, the rest wait (rule 3 for households);
* ``seat``: riders on a service within its seats (rule 4);
* ``vehicle``: riders on a road link departure within the vehicles hired for it; ``ride`` and
  ``eride``: a unit or an escort that rides one needs a whole vehicle;
* ``cap``, ``escorted``, ``skill``: a party's escorts can take its escorted cases, there is an
  escort wherever an escorted unit travels, and one with each skill and sex its cases need
  (rule 5); a party is a way onto a first service and a home (``party_key``), so an escort
  leaves with its cases but may go on from the first service by another way: a relaxation,
  which lets pricing value every itinerary of a party the master has exactly;
* ``busy``: an escort does one duty at a time (rule 6);
* ``pool`` and ``line``: every cost item paid in full, no line over its ceiling (rule 7).

Rows are made when a column first needs them; a row not yet made has no dual, which is a
dual value of 0 in the bound's sense (``planner.solver.bound``).  Money is counted in
thousands of rupiah inside the LP, which keeps HiGHS's simplex well scaled.

A party item (an escort, a hired vehicle) may be paid by a line that could pay for one of the
party's cases.  Here an escort's costs may be paid by any line that may pay for some case of
the same start and home, and vehicles by any line that may pay a fare: more than the contract
allows, so the LP relaxes the week, never less.  The integer plans are made by the exact model
(``planner.model``), which pools them as the contract says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import csc_matrix

from planner.journeys import EscortOption, Journey
from planner.model import Unit, case_journey_cost, case_lines, case_unplanned_cost, duty_cost
from planner.plan import Leg
from planner.scenario import CostType, Scenario

MONEY = 1000.0  # rupiah per LP unit of money
_INF = highspy.kHighsInf
NEEDS = ("medical", "psychosocial", "female_escort")
# From this many rows, and this many columns added since the last solve, the master is solved
# by the interior point method (``Master._choose``).
BARRIER_ROWS = 20_000
BARRIER_COLUMNS = 500
# HiGHS's ``simplex_strategy`` values.
SIMPLEX_DUAL = 1
SIMPLEX_PRIMAL = 4

RowKey = tuple[Hashable, ...]


def suits(scenario: Scenario, escort_id: str, need: str) -> bool:
    escort = scenario.escort(escort_id)
    return escort.sex == "F" if need == "female_escort" else need in escort.skills


@dataclass(frozen=True)
class Busy:
    """What an escort's busy rows charge a duty: the duals of the moments it covers.  A duty
    from ``start`` to ``end`` pays ``upto(end) - before(start)``."""

    moments: np.ndarray
    total: np.ndarray  # running sums, from 0

    def before(self, moment: float | np.ndarray) -> np.ndarray:
        return np.asarray(self.total[np.searchsorted(self.moments, moment, side="left")])

    def upto(self, moment: float | np.ndarray) -> np.ndarray:
        return np.asarray(self.total[np.searchsorted(self.moments, moment, side="right")])

    @property
    def all(self) -> float:
        return float(self.total[-1])


@dataclass
class Column:
    kind: str  # x, y, n or f
    cost: float  # in thousands of rupiah
    upper: float
    entries: dict[RowKey, float]
    unit: int = -1
    journey: int = -1
    option: EscortOption | None = None


@dataclass
class JourneyRows:
    """What the master knows of one party itinerary."""

    journey: Journey
    origin: str
    home: str
    party: int = -1  # its party's index (``Master.parties``): whose escort rows it enters
    units: list[int] = field(default_factory=list)  # x columns on it
    duties: list[int] = field(default_factory=list)  # y columns on it


@dataclass
class PartyRows:
    """The escort rows of a party: its way onto the first service and its home
    (``party_key``).  Every itinerary of the party enters them."""

    origin: str
    home: str
    units: list[int] = field(default_factory=list)  # x columns on its itineraries
    duties: list[int] = field(default_factory=list)  # y columns on its itineraries


def party_key(legs: tuple[Leg, ...], home: str) -> tuple[object, ...]:
    """The party of an itinerary: its legs up to its first service (all of them by road
    alone) and its home.  A plan's escorts travel with their cases on the same legs; rows per
    party ask less, that they leave together by the same way onto the first service for the
    same home, so the master relaxes the week further: an escort's way on from the first
    service may differ from its cases' (docs/solver.md, "Escort rows per party")."""
    way = []
    for leg in legs:
        way.append(leg.key)
        if leg.is_service:
            break
    return (tuple(way), home)


class Master:
    def __init__(self, scenario: Scenario, units: Sequence[Unit]) -> None:
        self.scenario = scenario
        self.units = units
        self.h = highspy.Highs()  # type: ignore[no-untyped-call]
        self.h.setOptionValue("output_flag", False)
        self.rows: dict[RowKey, int] = {}
        self.row_keys: list[RowKey] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.columns: list[Column] = []
        self.journeys: list[JourneyRows] = []
        self.journey_index: dict[tuple[object, ...], int] = {}
        self.parties: list[PartyRows] = []
        self.party_index: dict[tuple[object, ...], int] = {}
        self.duty_index: dict[tuple[str, int, tuple[object, ...], tuple[object, ...]], int] = {}
        self.x_index: dict[tuple[int, int], int] = {}
        self.vehicle_column: dict[tuple[str, object], int] = {}
        self.escort_duties: dict[str, list[int]] = defaultdict(list)
        self.unit_columns: dict[int, list[int]] = defaultdict(list)
        self.busy_moments: dict[str, set[float]] = defaultdict(set)
        self._vehicles_of: dict[int, frozenset[tuple[str, object]]] = {}  # a duty's, by column
        # The columns that ride each vehicle, per unit and per escort, in the order made: the
        # entries of a ``ride`` or ``eride`` row when it is made.
        self._unit_riders: dict[tuple[int, tuple[str, object]], list[int]] = defaultdict(list)
        self._escort_riders: dict[tuple[str, tuple[str, object]], list[int]] = defaultdict(list)
        self._added = 0  # columns added since the last solve
        # What HiGHS is to be given before it next solves, in the order it was made: runs of
        # rows and runs of columns, each exactly as it would have been added alone.  Adding
        # rows one at a time was a ninth of the national week's rounds; all rows before all
        # columns (the same matrix) left HiGHS on other degenerate vertices.
        self._pending: list[tuple[str, tuple[float, float, np.ndarray, np.ndarray]]] = []
        self.constant = sum(case_unplanned_cost(scenario, c) for u in units for c in u.members) / MONEY
        if scenario.bookings is not None:
            # Re-planning: every booked duty's change, taken back by a duty that keeps it.
            self.constant += scenario.bookings.duties_change / MONEY
        self._lines: dict[tuple[str, CostType], frozenset[str]] = {}
        pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
        for case in scenario.cases:
            pairs[(case.location_id, case.home_id)].add(case.case_id)
        self._party_lines: dict[tuple[str, str, CostType], frozenset[str]] = {}
        for (origin, home), case_ids in pairs.items():
            for cost_type in ("fare", "escort"):
                self._party_lines[(origin, home, cost_type)] = frozenset(
                    line for c in case_ids for line in self.lines(c, cost_type)
                )
        self.vehicle_lines = frozenset(line for c in scenario.cases for line in self.lines(c.case_id, "fare"))
        self.travellers = len(scenario.cases) + len(scenario.escorts)
        for u, unit in enumerate(units):
            self.row(("unit", u), -_INF, unit.upper)
        for line in scenario.budget_lines:
            self.row(("line", line.budget_line_id), -_INF, line.ceiling_idr / MONEY)
        self.solved = False
        # Every column's entries as triplets, to price all of them at once.
        self._entry_rows: list[int] = []
        self._entry_columns: list[int] = []
        self._entry_values: list[float] = []
        self._costs: list[float] = []
        self._reduced: tuple[np.ndarray, np.ndarray] | None = None

    # -- rows -------------------------------------------------------------------------------------

    def lines(self, case_id: str, cost_type: CostType) -> frozenset[str]:
        key = (case_id, cost_type)
        found = self._lines.get(key)
        if found is None:
            found = self._lines[key] = case_lines(self.scenario, self.scenario.case(case_id), cost_type)
        return found

    def row(self, key: RowKey, lower: float, upper: float, entries: Iterable[tuple[int, float]] = ()) -> int:
        """The row of ``key``, made with ``entries`` (existing columns) when new."""
        found = self.rows.get(key)
        if found is not None:
            return found
        index = self.rows[key] = len(self.row_keys)
        self.row_keys.append(key)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        listed = list(entries)
        self._pending.append(
            (
                "row",
                (
                    lower,
                    upper,
                    np.array([c for c, _ in listed], dtype=np.int32),
                    np.array([v for _, v in listed], dtype=np.float64),
                ),
            )
        )
        for column, value in listed:
            self.columns[column].entries[key] = value
            self._entry_rows.append(index)
            self._entry_columns.append(column)
            self._entry_values.append(value)
        if key[0] == "pool":
            # Each pool flows into the lines that may pay it.
            lines: frozenset[str] = key[2]  # type: ignore[assignment]
            for line in sorted(lines):
                self._add(
                    Column(
                        "f",
                        0.0,
                        self.scenario.budget_line(line).ceiling_idr / MONEY,
                        {key: -1.0, ("line", line): 1.0},
                    )
                )
        return index

    def party_lines(self, origin: str, home: str, cost_type: CostType) -> frozenset[str]:
        """The lines that may pay a party item of a party from ``origin`` to ``home``."""
        return self._party_lines[(origin, home, cost_type)]

    def _pool(self, cost_type: CostType, lines: frozenset[str]) -> RowKey:
        key: RowKey = ("pool", cost_type, lines)
        self.row(key, -_INF, 0.0)
        return key

    def _vehicle(self, vehicle: tuple[str, object]) -> RowKey:
        key: RowKey = ("vehicle", *vehicle)
        if key in self.rows:
            return key
        link = self.scenario.link(vehicle[0])
        self.row(key, -_INF, 0.0)
        capacity = link.vehicle_capacity or self.travellers
        pool = self._pool("fare", self.vehicle_lines)
        self.vehicle_column[vehicle] = self._add(
            Column(
                "n",
                link.vehicle_cost_idr / MONEY,
                float(link.vehicles_for(self.travellers)),
                {key: -float(capacity), pool: link.vehicle_cost_idr / MONEY},
            )
        )
        return key

    def _seat(self, service_id: str) -> RowKey:
        key: RowKey = ("seat", service_id)
        self.row(key, -_INF, float(self.scenario.service(service_id).seats))
        return key

    def seat_row(self, service_id: str) -> int:
        """The index of a service's seat row, made if new."""
        return self.rows[self._seat(service_id)]

    # -- columns ----------------------------------------------------------------------------------

    def _add(self, column: Column) -> int:
        for key in column.entries:
            assert key in self.rows, key
        index = len(self.columns)
        self.columns.append(column)
        rows = [self.rows[k] for k in column.entries]
        self._entry_rows += rows
        self._entry_columns += [index] * len(rows)
        self._entry_values += column.entries.values()
        self._costs.append(column.cost)
        self._pending.append(
            (
                "column",
                (
                    column.cost,
                    column.upper,
                    np.array(rows, dtype=np.int32),
                    np.array(list(column.entries.values()), dtype=np.float64),
                ),
            )
        )
        self._added += 1
        self.solved = False
        return index

    def _hand(self, together: bool = False) -> None:
        """Give HiGHS what was made since it was last given, a run of rows or of columns at a
        time, in the order made; ``together``: every new row in one call, then every new
        column in one.  The LP is the same either way, and one call per run is slow on a large
        master (docs/solver.md); but from a simplex basis the order changes which of a
        degenerate master's optimal duals HiGHS returns, so runs stay for the simplex."""
        pending, self._pending = self._pending, []
        if together and pending:
            self._hand_together(pending)
            return
        start = 0
        while start < len(pending):
            kind = pending[start][0]
            end = start
            while end < len(pending) and pending[end][0] == kind:
                end += 1
            run = [payload for _, payload in pending[start:end]]
            self._give(kind, run)
            start = end

    def _give(self, kind: str, run: list[tuple[float, float, np.ndarray, np.ndarray]]) -> None:
        firsts = np.cumsum([0] + [len(p[2]) for p in run[:-1]]).astype(np.int32)
        indices = np.concatenate([p[2] for p in run]).astype(np.int32)
        values = np.concatenate([p[3] for p in run]).astype(np.float64)
        bounds = np.array([[p[0], p[1]] for p in run], dtype=np.float64).reshape(-1, 2)
        if kind == "row":
            self.h.addRows(len(run), bounds[:, 0], bounds[:, 1], len(indices), firsts, indices, values)
        else:
            self.h.addCols(
                len(run),
                bounds[:, 0],
                np.zeros(len(run)),
                bounds[:, 1],
                len(indices),
                firsts,
                indices,
                values,
            )

    def _hand_together(self, pending: list[tuple[str, tuple[float, float, np.ndarray, np.ndarray]]]) -> None:
        # A new row's entries on new columns go with those columns, which by then have every
        # row made after them in their entries.
        handed = self.h.getNumCol()
        rows = []
        for kind, (lower, upper, columns, values) in pending:
            if kind == "row":
                old = columns < handed
                rows.append((lower, upper, columns[old], values[old]))
        if rows:
            self._give("row", rows)
        made = [
            (
                self.columns[c].cost,
                self.columns[c].upper,
                np.array([self.rows[key] for key in self.columns[c].entries], dtype=np.int32),
                np.fromiter(self.columns[c].entries.values(), dtype=np.float64),
            )
            for c in range(handed, len(self.columns))
        ]
        if made:
            self._give("column", made)

    def _choose(self, primal: bool = False) -> None:
        """How HiGHS solves next: a master that has grown large by a round's columns by the
        interior point method (then a crossover to a basis, so the duals are a vertex's as the
        simplex's are); a small one, or one whose columns were only bounded (diving), by the
        dual simplex from the last basis, which a large master's round of new columns leaves
        far from its optimum (docs/solver.md).  With ``primal``, a small one by the primal
        simplex from the last basis instead: several times faster after a round's new
        columns, but its duals are other optimal duals of the master, worse multipliers for
        the bounds."""
        barrier = len(self.row_keys) >= BARRIER_ROWS and self._added >= BARRIER_COLUMNS
        self._hand(together=barrier)
        self.h.setOptionValue("solver", "ipm" if barrier else "simplex")
        self.h.setOptionValue("simplex_strategy", SIMPLEX_PRIMAL if primal else SIMPLEX_DUAL)
        self._added = 0

    def journey(self, journey: Journey) -> int:
        key = tuple(leg.key for leg in journey.itinerary.legs)
        found = self.journey_index.get(key)
        if found is None:
            legs = journey.itinerary.legs
            found = self.journey_index[key] = len(self.journeys)
            rows = JourneyRows(journey, legs[0].from_id, legs[-1].to_id)
            rows.party = self.party(legs, rows.home)
            self.journeys.append(rows)
        return found

    def party(self, legs: tuple[Leg, ...], home: str) -> int:
        """The index of the party of an itinerary, made if new."""
        key = party_key(legs, home)
        found = self.party_index.get(key)
        if found is None:
            found = self.party_index[key] = len(self.parties)
            self.parties.append(PartyRows(legs[0].from_id, home))
        return found

    def party_units(self, k: int) -> list[int]:
        """The units with a column on an itinerary of party ``k``, each once."""
        return list(dict.fromkeys(self.columns[x].unit for x in self.parties[k].units))

    def party_gives(self, k: int) -> tuple[float, float, dict[str, float]]:
        """What party ``k``'s escort rows give a duty with it, at the last duals: its capacity
        row's dual (per case the escort takes), the units' own rows' duals summed (each a
        step, <= 0), and per need the skill rows' (<= 0; an escort earns those it meets)."""
        earned = 0.0
        skills: dict[str, float] = defaultdict(float)
        for u in self.party_units(k):
            unit = self.units[u]
            if unit.escorted:
                earned += unit.upper * self.dual(("escorted", u, k))
                for need in NEEDS:
                    if unit.needs(need):
                        skills[need] += unit.upper * self.dual(("skill", u, k, need))
        return self.dual(("cap", k)), earned, dict(skills)

    def party_of(self, legs: tuple[Leg, ...], home: str) -> int | None:
        """The index of an itinerary's party where the master has it."""
        return self.party_index.get(party_key(legs, home))

    def party_at(self, way: tuple[object, ...], home: str) -> int | None:
        """The index of the party leaving by ``way`` (its legs' keys to the first service)."""
        return self.party_index.get((way, home))

    def x_entries(self, u: int, j: int, make: bool = True) -> tuple[float, dict[RowKey, float]]:
        """The cost and rows of unit ``u`` on journey ``j``, the rows made as needed; with
        ``make`` False, rows not yet made are left out (their dual is 0)."""
        unit, rows = self.units[u], self.journeys[j]
        journey = rows.journey
        scenario = self.scenario
        cost = sum(
            case_journey_cost(scenario, c, journey) - case_unplanned_cost(scenario, c) for c in unit.per_step
        )
        entries: dict[RowKey, float] = defaultdict(float)

        def put(key: RowKey, value: float) -> None:
            if make or key in self.rows:
                entries[key] += value

        put(("unit", u), 1.0)
        for service_id in journey.service_ids:
            put(self._seat(service_id) if make else ("seat", service_id), unit.persons)
        for vehicle in journey.vehicles:
            put(self._vehicle(vehicle) if make else ("vehicle", *vehicle), unit.persons)
            # Whoever rides needs a whole vehicle: over all the unit's journeys that ride it
            # (it takes one), at most the unit's size times the vehicles hired.
            ride: RowKey = ("ride", u, *vehicle)
            if make and ride not in self.rows:
                riding = [(x, 1.0) for x in self._unit_riders[(u, vehicle)]]
                self.row(ride, -_INF, 0.0, [*riding, (self.vehicle_column[vehicle], -float(unit.upper))])
            put(ride, 1.0)
        meal = scenario.settings.costs.meal_idr_per_travel_day * journey.days
        items: tuple[tuple[CostType, int], ...] = (("fare", journey.fare_idr), ("meal", meal))
        for case in unit.per_step:
            for cost_type, amount in items:
                if amount:
                    lines = self.lines(case.case_id, cost_type)
                    put(self._pool(cost_type, lines) if make else ("pool", cost_type, lines), amount / MONEY)
        if unit.escorted:
            k, party = rows.party, self.parties[rows.party]
            if make:
                self.row(("cap", k), 0.0, _INF, [(d, self._capacity(d)) for d in party.duties])
            put(("cap", k), -float(unit.escorted))
            key: RowKey = ("escorted", u, k)
            if make:
                self.row(key, -_INF, 0.0, [(d, -float(unit.upper)) for d in party.duties])
            put(key, 1.0)
            for need in NEEDS:
                if unit.needs(need):
                    key = ("skill", u, k, need)
                    if make:
                        able = [(d, -float(unit.upper)) for d in party.duties if self._suits(d, need)]
                        self.row(key, -_INF, 0.0, able)
                    put(key, 1.0)
        return cost / MONEY, dict(entries)

    def add_x(self, u: int, j: int) -> int | None:
        if (u, j) in self.x_index:
            return None
        cost, entries = self.x_entries(u, j)
        index = self._add(Column("x", cost, float(self.units[u].upper), entries, unit=u, journey=j))
        self.x_index[(u, j)] = index
        self.unit_columns[u].append(index)
        for vehicle in dict.fromkeys(self.journeys[j].journey.vehicles):
            self._unit_riders[(u, vehicle)].append(index)
        self.journeys[j].units.append(index)
        self.parties[self.journeys[j].party].units.append(index)
        return index

    def _journey_of(self, column: int) -> Journey:
        return self.journeys[self.columns[column].journey].journey

    def _duty_vehicles(self, column: int) -> frozenset[tuple[str, object]]:
        found = self._vehicles_of.get(column)
        if found is None:
            option = self.columns[column].option
            assert option is not None
            found = self._vehicles_of[column] = frozenset(
                (*self._journey_of(column).vehicles, *option.vehicles)
            )
        return found

    def _capacity(self, column: int) -> float:
        option = self.columns[column].option
        assert option is not None
        return float(self.scenario.escort(option.escort_id).max_cases)

    def _suits(self, column: int, need: str) -> bool:
        option = self.columns[column].option
        assert option is not None
        return suits(self.scenario, option.escort_id, need)

    def y_entries(self, j: int, option: EscortOption, make: bool = True) -> tuple[float, dict[RowKey, float]]:
        """The cost and rows of an escort duty with the party on journey ``j``.  With ``make``
        False, rows not yet made are left out (as for pricing, where their dual is 0)."""
        rows = self.journeys[j]
        journey = rows.journey
        scenario = self.scenario
        escort = scenario.escort(option.escort_id)
        entries: dict[RowKey, float] = defaultdict(float)

        def put(key: RowKey, value: float) -> None:
            if make or key in self.rows:
                entries[key] += value

        for service_id in (*journey.service_ids, *option.service_ids):
            put(self._seat(service_id) if make else ("seat", service_id), 1.0)
        for vehicle in dict.fromkeys((*journey.vehicles, *option.vehicles)):
            put(self._vehicle(vehicle) if make else ("vehicle", *vehicle), 1.0)
            # An escort's duties that ride a vehicle overlap: at most one is taken, and it
            # needs a whole vehicle.
            key = ("eride", option.escort_id, *vehicle)
            if make and key not in self.rows:
                riding = [(d, 1.0) for d in self._escort_riders[(option.escort_id, vehicle)]]
                self.row(key, -_INF, 0.0, [*riding, (self.vehicle_column[vehicle], -1.0)])
            put(key, 1.0)
        lines = self._party_lines[(rows.origin, rows.home, "escort")]
        put(self._pool("escort", lines) if make else ("pool", "escort", lines), option.cost_idr / MONEY)
        k = rows.party
        put(("cap", k), float(escort.max_cases))
        for u in self.party_units(k):
            unit = self.units[u]
            if not unit.escorted:
                continue
            put(("escorted", u, k), -float(unit.upper))
            for need in NEEDS:
                if unit.needs(need) and suits(scenario, option.escort_id, need):
                    put(("skill", u, k, need), -float(unit.upper))
        start, end = option.start.timestamp(), option.end.timestamp()
        for moment in self.busy_moments[option.escort_id]:
            if start <= moment <= end:
                put(("busy", option.escort_id, moment), 1.0)
        return duty_cost(scenario, journey, option) / MONEY, dict(entries)

    def add_y(self, j: int, option: EscortOption) -> int | None:
        out = tuple(leg.key for leg in option.outbound.legs) if option.outbound else ()
        back = tuple(leg.key for leg in option.back.legs) if option.back else ()
        key = (option.escort_id, j, out, back)
        if key in self.duty_index:
            return None
        rows = self.journeys[j]
        party = self.parties[rows.party]
        # The capacity row exists once an escorted unit rides; a duty needs no rows of its own.
        self.row(("cap", rows.party), 0.0, _INF, [(d, self._capacity(d)) for d in party.duties])
        cost, entries = self.y_entries(j, option)
        index = self._add(Column("y", cost, 1.0, entries, journey=j, option=option))
        self.duty_index[key] = index
        rows.duties.append(index)
        party.duties.append(index)
        # Its start is a moment at which the escort is busy with at most one duty.
        moment = option.start.timestamp()
        if moment not in self.busy_moments[option.escort_id]:
            self.busy_moments[option.escort_id].add(moment)
            covering = [(d, 1.0) for d in self.escort_duties[option.escort_id] if self._covers(d, moment)]
            self.row(("busy", option.escort_id, moment), -_INF, 1.0, [*covering, (index, 1.0)])
        self.escort_duties[option.escort_id].append(index)
        for vehicle in self._duty_vehicles(index):
            self._escort_riders[(option.escort_id, vehicle)].append(index)
        return index

    def _covers(self, column: int, moment: float) -> bool:
        option = self.columns[column].option
        assert option is not None
        return option.start.timestamp() <= moment <= option.end.timestamp()

    # -- solving ----------------------------------------------------------------------------------

    def solve(self, primal: bool = False) -> float:
        """Solve the LP from the last basis (``primal``: by the primal simplex, see
        ``_choose``); its value in rupiah."""
        if not self.columns:
            # Nobody can travel yet: everyone waits, and every dual is 0.
            self.row_dual = np.zeros(len(self.row_keys))
            self.col_value = np.zeros(0)
            self.solved = True
            return self.constant * MONEY
        self._choose(primal)
        self.h.run()
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the restricted master ended {self.h.modelStatusToString(status)}")
        return self._read()

    def solve_within(self, seconds: float) -> float | None:
        """``solve`` in at most ``seconds``; None (and the last solution kept) if it did not end."""
        if not self.columns:
            return self.solve()
        self._choose()
        # HiGHS counts its time limit over every run of the instance, not from this one.
        self.h.setOptionValue("time_limit", self.h.getRunTime() + max(seconds, 0.01))
        try:
            self.h.run()
        finally:
            self.h.setOptionValue("time_limit", float("inf"))
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return self._read()

    def _read(self) -> float:
        self.solved = True
        solution = self.h.getSolution()
        # Duals of the right sign only (a <= row's is <= 0, a >= row's >= 0): the bound takes
        # them as Lagrangian multipliers, which must have that sign; HiGHS may leave noise.
        dual = np.array(solution.row_dual)
        lower = np.isfinite(np.array(self.row_lower))
        upper = np.isfinite(np.array(self.row_upper))
        dual = np.where(upper & ~lower, np.minimum(dual, 0.0), dual)
        dual = np.where(lower & ~upper, np.maximum(dual, 0.0), dual)
        self.row_dual = dual
        self.col_dual = np.array(solution.col_dual)
        self.col_value = np.array(solution.col_value)
        return (self.h.getInfo().objective_function_value + self.constant) * MONEY

    def fix(self, column: int, lower: float, upper: float) -> None:
        """Bound a column (diving fixes columns, then frees them again)."""
        self._hand()
        self.h.changeColBounds(column, lower, upper)
        self.solved = False

    def feasible(self) -> bool:
        """Solve from the last basis: False when the columns' bounds leave no solution (the
        last solution read stays)."""
        self._choose()
        self.h.run()
        return bool(self.h.getModelStatus() == highspy.HighsModelStatus.kOptimal)

    def dual(self, key: RowKey) -> float:
        index = self.rows.get(key)
        # A row made since the last solve has no dual yet: 0.
        return 0.0 if index is None or index >= len(self.row_dual) else float(self.row_dual[index])

    def without(self, kinds: tuple[str, ...], duals: np.ndarray) -> np.ndarray:
        """``duals`` with those of the rows of ``kinds`` at 0."""
        kept = duals.copy()
        kept[[index for index, key in enumerate(self.row_keys[: len(duals)]) if key[0] in kinds]] = 0.0
        return kept

    def busy(self, escort_id: str) -> Busy:
        """The escort's busy rows' duals as a cost over time (thousands of rupiah)."""
        moments = sorted(self.busy_moments.get(escort_id, ()))
        costs = [max(0.0, -self.dual(("busy", escort_id, moment))) for moment in moments]
        return Busy(np.array(moments), np.concatenate([[0.0], np.cumsum(costs)]))

    def reduced_costs(self, duals: np.ndarray | None = None) -> np.ndarray:
        """Every column's reduced cost (thousands of rupiah) at ``duals`` (the last ones by
        default, kept while they and the columns stay the same); rows made since count 0."""
        if duals is None:
            known = self._reduced
            if known is not None and known[0] is self.row_dual and len(known[1]) == len(self.columns):
                return known[1]
            found = self.reduced_costs(self.row_dual)
            self._reduced = (self.row_dual, found)
            return found
        y = np.concatenate([duals, np.zeros(len(self.row_keys) - len(duals))])
        matrix = csc_matrix(
            (self._entry_values, (self._entry_rows, self._entry_columns)),
            shape=(len(self.row_keys), len(self.columns)),
        )
        priced: np.ndarray = np.asarray(self._costs) - np.asarray(matrix.T @ y)
        return priced

    def column_reduced(self, column: int) -> float:
        """A column's reduced cost at the last duals, from every column's priced at once while
        the duals stay the same (rows made since have none, so columns added since leave the
        others' as they were)."""
        known = self._reduced
        if known is None or known[0] is not self.row_dual or column >= len(known[1]):
            return float(self.reduced_costs()[column])
        return float(known[1][column])

    def reduced_cost(self, cost: float, entries: dict[RowKey, float]) -> float:
        """A column's reduced cost (thousands of rupiah) at the last duals; rows not made
        count 0."""
        return cost - sum(value * self.dual(key) for key, value in entries.items())
