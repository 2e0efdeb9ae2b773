"""The CP-SAT model of a weekly return plan.

Decisions:

* ``x[u, j]``: how many of planning unit ``u`` travel on journey ``j``.  A unit is a household
  (0 or 1: it travels whole) or a group of cases identical for planning (a count);
* ``y[o]``: whether escort option ``o`` (an escort, a journey, a way out and a way back) is used;
* ``n[k]``: vehicles hired on a road link at one departure time;
* flows of money from cost items to budget lines.

A party is everyone on the same journey, so parties, shared vehicles and shared escorts come
out of the model rather than a grouping rule.  The objective is the contract's ``total_idr``:
money + priority-weighted waiting + shelter days, unplanned cases counted to the horizon.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from ortools.sat.python import cp_model

from planner import costs
from planner.journeys import EscortOption, Journey, VehicleKey
from planner.scenario import Case, CostType, Scenario

# Minutes: escort duties are intervals on this clock, counted from the window's start.
_MINUTE = timedelta(minutes=1)
# A relaxation value above this counts as used; a cut broken by more than the second is kept.
_CUT_EPSILON = 1e-6
_CUT_VIOLATION = 1e-3


@dataclass(frozen=True, slots=True)
class Unit:
    """Cases that are planned as one: a household, or identical cases counted."""

    unit_id: str
    members: tuple[Case, ...]
    counted: bool  # True: the members are interchangeable and x counts them
    origin: str
    home: str
    ready: date
    earliest: datetime  # local midnight of ``ready`` at the origin

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def per_step(self) -> tuple[Case, ...]:
        """The cases one step of x moves: one case of a count, the whole of a household."""
        return self.members[:1] if self.counted else self.members

    @property
    def upper(self) -> int:
        return self.size if self.counted else 1

    @property
    def persons(self) -> int:
        return len(self.per_step)

    @property
    def escorted(self) -> int:
        return sum(1 for c in self.per_step if c.needs_escort)

    def needs(self, need: str) -> bool:
        return any(need in c.needs for c in self.per_step if c.needs_escort)


def planning_units(scenario: Scenario) -> list[Unit]:
    """Households stay whole; lone cases identical for planning become one counted unit."""
    units: list[Unit] = []
    counted: dict[tuple[object, ...], list[Case]] = defaultdict(list)
    for household in scenario.households:
        members = tuple(scenario.case(c) for c in household.case_ids)
        origin = scenario.location(household.location_id)
        if len(members) == 1 and not members[0].needs:
            case = members[0]
            key = (
                case.location_id,
                case.home_id,
                case.ready,
                case.category,
                case.needs_escort,
                case.priority,
                tuple(sorted(case.funding)),
            )
            counted[key].append(case)
            continue
        units.append(
            Unit(
                unit_id=household.household_id,
                members=members,
                counted=False,
                origin=household.location_id,
                home=household.home_id,
                ready=household.ready,
                earliest=origin.midnight(household.ready),
            )
        )
    for group in counted.values():
        first = group[0]
        origin = scenario.location(first.location_id)
        units.append(
            Unit(
                unit_id="=" + first.case_id,
                members=tuple(group),
                counted=len(group) > 1,
                origin=first.location_id,
                home=first.home_id,
                ready=first.ready,
                earliest=origin.midnight(first.ready),
            )
        )
    order = {c.case_id: i for i, c in enumerate(scenario.cases)}
    units.sort(key=lambda u: order[u.members[0].case_id])
    return units


def money_unit(scenario: Scenario) -> int:
    """The greatest common divisor of every amount of money in the scenario."""
    c = scenario.settings.costs
    amounts = [c.waiting_idr_per_day, c.shelter_idr_per_day, c.meal_idr_per_travel_day]
    amounts += [s.fare_idr for s in scenario.services]
    amounts += [a for link in scenario.links for a in (link.fare_idr, link.vehicle_cost_idr)]
    amounts += [e.daily_allowance_idr for e in scenario.escorts]
    amounts += [b.ceiling_idr for b in scenario.budget_lines]
    if scenario.bookings is not None:
        amounts.append(scenario.bookings.change_idr)
    return math.gcd(*amounts) or 1


def idr_bound(bound: float, unit: int) -> int:
    """A bound counted in ``unit``, in rupiah: every total is a whole number of units."""
    return math.ceil(bound - 1e-6) * unit


def case_journey_cost(scenario: Scenario, case: Case, journey: Journey) -> int:
    """What one case adds to total_idr on ``journey``, shared vehicles aside."""
    settings = scenario.settings
    wait = costs.planned_waiting_days(case, journey.anchor_date)
    change = 0
    if scenario.bookings is not None:
        change = scenario.bookings.case_change(case.case_id, journey.itinerary.keys)
    return (
        journey.fare_idr
        + costs.meal_idr(journey.days, settings)
        + costs.waiting_idr(case, wait, settings)
        + costs.shelter_idr(wait, settings)
        + change
    )


def case_unplanned_cost(scenario: Scenario, case: Case) -> int:
    settings = scenario.settings
    wait = costs.unplanned_waiting_days(case, settings)
    change = 0 if scenario.bookings is None else scenario.bookings.unplanned_change(case.case_id)
    return costs.waiting_idr(case, wait, settings) + costs.shelter_idr(wait, settings) + change


def duty_cost(scenario: Scenario, journey: Journey, option: EscortOption) -> int:
    """What an escort duty adds to the objective: its cost, and when re-planning, minus the
    change when it keeps a booked duty (every booked duty's change is in the constant)."""
    if scenario.bookings is None:
        return option.cost_idr
    out = option.outbound.keys if option.outbound else ()
    back = option.back.keys if option.back else ()
    return option.cost_idr + scenario.bookings.duty_change(
        option.escort_id, journey.itinerary.keys, out, back
    )


def case_lines(scenario: Scenario, case: Case, cost_type: CostType) -> frozenset[str]:
    return frozenset(
        b.budget_line_id for b in scenario.budget_lines if b.pays(cost_type) and case.may_be_funded_by(b)
    )


@dataclass
class Problem:
    """One independent part of the planning problem, ready to be modelled."""

    scenario: Scenario
    units: list[Unit]
    journeys: list[Journey]
    usable: dict[int, list[int]]  # unit index -> journey indices it may take
    options: dict[int, list[EscortOption]]  # journey index -> escort options
    global_journeys: list[int] = field(default_factory=list)  # a part's journeys in the whole

    def duties(self, escorts: dict[int, list[EscortOption]]) -> set[tuple[int, int]]:
        """The (journey, option index) of the escort options a solution takes."""
        return {(j, self.options[j].index(o)) for j, used in escorts.items() for o in used}

    def narrowed(self, travel: Collection[tuple[int, int]], escorts: Collection[tuple[int, int]]) -> Problem:
        """The same problem with fewer choices: unit ``u`` may take journey ``j`` only where
        ``(u, j)`` is in ``travel``, and journey ``j`` keeps its ``o``-th escort option only
        where ``(j, o)`` is in ``escorts``.  Journeys keep their indices, so its plans are
        plans of this problem; options are renumbered."""
        usable = {u: [j for j in js if (u, j) in travel] for u, js in self.usable.items()}
        options = {j: [o for k, o in enumerate(os) if (j, k) in escorts] for j, os in self.options.items()}
        return Problem(
            self.scenario,
            self.units,
            self.journeys,
            {u: js for u, js in usable.items() if js},
            {j: os for j, os in options.items() if os},
            self.global_journeys,
        )


@dataclass
class Solution:
    """What the solver decided, in the problem's indices."""

    travel: dict[tuple[int, int], int]  # (unit, journey) -> x
    escorts: dict[int, list[EscortOption]]  # journey -> options used
    objective: int
    bound: int
    status: str  # optimal / feasible / infeasible / unknown


ProgressFn = Callable[[float, int, int], None]  # seconds, best total, bound
# A row sum(coefficient * variable) <= upper, by variable index: a cut of the linear relaxation.
Cut = tuple[tuple[int, ...], tuple[int, ...], int]


class ReturnModel:
    """Builds the CP-SAT model of a ``Problem`` and solves it."""

    def __init__(self, problem: Problem, unit: int = 1) -> None:
        self.p = problem
        self.m = cp_model.CpModel()
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.y: dict[tuple[int, int], cp_model.IntVar] = {}  # (journey, option index)
        self.n: dict[VehicleKey, cp_model.IntVar] = {}
        self.n_upper: dict[VehicleKey, int] = {}
        self.constant = 0
        # Money may be counted in a larger unit that divides every amount (``money_unit``):
        # the same plans with smaller numbers.  CP-SAT searches in rupiah: with a work limit
        # of 90 the 150-case busy week ended at 0.55% against 1.25% in the larger unit.
        # HiGHS's simplex needs the smaller numbers, and ``HighsModel`` rescales the rupiah
        # model as it reads it, so the model is built once.
        assert unit == 1 or money_unit(problem.scenario) % unit == 0
        self.unit = unit
        self._case_lines: dict[tuple[str, CostType], frozenset[str]] = {}
        self._build()

    # -- variables -----------------------------------------------------------------------------

    def _build(self) -> None:
        p, m = self.p, self.m
        scenario = p.scenario
        seats = {s.service_id: s.seats for s in scenario.services}
        for u, unit in enumerate(p.units):
            for j in p.usable.get(u, []):
                journey = p.journeys[j]
                if any(seats[s] < unit.persons for s in journey.service_ids):
                    continue
                self.x[u, j] = m.new_int_var(0, unit.upper, f"x_{u}_{j}")
            chosen = [self.x[u, j] for j in p.usable.get(u, []) if (u, j) in self.x]
            if chosen:
                m.add(sum(chosen) <= unit.upper)
        self.by_journey: dict[int, list[int]] = defaultdict(list)
        for u, j in self.x:
            self.by_journey[j].append(u)
        for j, options in p.options.items():
            if not any(p.units[u].escorted for u in self.by_journey.get(j, [])):
                continue
            for o, _ in enumerate(options):
                self.y[j, o] = m.new_bool_var(f"y_{j}_{o}")
        self._escorts_on: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (j, _), var in self.y.items():
            self._escorts_on[j].append(var)
        # Everyone on a journey, and its cases alone, as one variable each: the seat, vehicle
        # and escort rules then name a journey once instead of repeating all its decisions.
        self._persons: dict[int, cp_model.IntVar] = {}
        self._riders: dict[int, cp_model.IntVar] = {}
        for j, us in self.by_journey.items():
            most = sum(p.units[u].persons * p.units[u].upper for u in us)
            persons = m.new_int_var(0, most, f"p_{j}")
            m.add(persons == sum(p.units[u].persons * self.x[u, j] for u in us))
            self._persons[j] = persons
            escorts = self._escorts_on.get(j, [])
            if escorts:
                riders = m.new_int_var(0, most + len(escorts), f"r_{j}")
                m.add(riders == persons + sum(escorts))
                self._riders[j] = riders
            else:
                self._riders[j] = persons
        self._parties()
        self._duties()
        self._seats(seats)
        self._vehicles()
        first = len(self.m.proto.variables)
        self._money()
        # The variables made for the money rules hold amounts of money; no other does.
        self.money_variables = range(first, len(self.m.proto.variables))
        self._objective()

    # -- rules ---------------------------------------------------------------------------------

    def _parties(self) -> None:
        """Rule 5: enough escorts, with the skills and the sex the party's cases need."""
        p, m = self.p, self.m
        for j, units in self.by_journey.items():
            options = p.options.get(j, [])
            on = [(o, self.y[j, o]) for o in range(len(options)) if (j, o) in self.y]
            escorted = sum(p.units[u].escorted * self.x[u, j] for u in units if p.units[u].escorted)
            capacity = sum(p.scenario.escort(options[o].escort_id).max_cases * var for o, var in on)
            m.add(capacity >= escorted)
            # Redundant with the capacity row, but tight for the LP: one escorted case on the
            # journey needs a whole escort, not a fraction of one.
            for u in units:
                unit = p.units[u]
                if unit.escorted:
                    m.add(self.x[u, j] <= unit.upper * sum(var for _, var in on))
            for need, suits in (
                ("medical", lambda e: "medical" in e.skills),
                ("psychosocial", lambda e: "psychosocial" in e.skills),
                ("female_escort", lambda e: e.sex == "F"),
            ):
                suitable = [var for o, var in on if suits(p.scenario.escort(options[o].escort_id))]
                for u in units:
                    if p.units[u].needs(need):
                        m.add(self.x[u, j] <= p.units[u].upper * sum(suitable))
            # An escort goes with a party, never alone.
            persons = self._persons[j]
            for _, var in on:
                m.add(var <= persons)

    def _duties(self) -> None:
        """Rule 6: an escort's duties never overlap (availability is met by every option).

        Duties are fixed in time, so the "busy" rows below state the rule exactly.  An interval
        no-overlap constraint said it once more for CP-SAT's propagation, but it cost more
        than it gave: on the 150-case busy week its pairwise clauses (1.8 million) held the
        worker that proves the bound back by 8 s before its first linear relaxation.
        """
        p = self.p
        origin = p.scenario.settings.start
        spans: dict[str, list[tuple[int, int, cp_model.IntVar]]] = defaultdict(list)
        for (j, o), var in self.y.items():
            option = p.options[j][o]
            start = int((option.start - origin) / _MINUTE)
            # Touching duties count as overlapping: the next starts strictly after.
            end = int((option.end - origin) / _MINUTE) + 1
            spans[option.escort_id].append((start, end, var))
        for duties in spans.values():
            self._busy(duties)

    def _busy(self, duties: list[tuple[int, int, cp_model.IntVar]]) -> None:
        """The no-overlap rule once more, as linear rows the LP relaxation can use.

        Duties are fixed in time, so their conflicts form an interval graph, whose cliques are
        the duties covering one moment.  ``busy[k]``, the duties covering the k-th start, is 0
        or 1; it follows from the previous one by adding the duties that start and removing
        those that have ended, so each duty appears in two rows instead of one per clique.
        """
        moments = sorted({start for start, _, _ in duties})
        index = {t: k for k, t in enumerate(moments)}
        starting: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        ending: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for start, end, var in duties:
            starting[index[start]].append(var)
            # The first moment at or after the end no longer counts the duty.
            after = bisect.bisect_left(moments, end)
            if after < len(moments):
                ending[after].append(var)
        previous: list[cp_model.IntVar] = []
        for k in range(len(moments)):
            busy = self.m.new_bool_var(f"busy_{k}")
            came, went = [*previous, *starting[k]], ending[k]
            change = cp_model.LinearExpr.weighted_sum([*came, *went], [1] * len(came) + [-1] * len(went))
            self.m.add(busy == change)
            previous = [busy]

    def _seats(self, seats: dict[str, int]) -> None:
        """Rule 4 over cases, escorts with their parties, and escorts going out and back."""
        p = self.p
        load: dict[str, list[cp_model.LinearExpr]] = defaultdict(list)
        for j, riders in self._riders.items():
            for service_id in p.journeys[j].service_ids:
                load[service_id].append(riders)
        for (j, o), var in self.y.items():
            for service_id in p.options[j][o].service_ids:
                load[service_id].append(var)
        for service_id, parts in load.items():
            self.m.add(sum(parts) <= seats[service_id])

    def _vehicles(self) -> None:
        """Shared vehicles: enough for everyone on each road link departure."""
        p = self.p
        self.riders: dict[VehicleKey, dict[int, list[cp_model.LinearExpr]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for j, aboard in self._riders.items():
            for key in p.journeys[j].vehicles:
                self.riders[key][j].append(aboard)
        for (j, o), var in self.y.items():
            for key in p.options[j][o].vehicles:
                self.riders[key][j].append(var)
        for key, by_party in self.riders.items():
            link = p.scenario.link(key[0])
            most = sum(
                sum(p.units[u].persons * p.units[u].upper for u in self.by_journey.get(j, []))
                + len(p.options.get(j, []))
                for j in by_party
            )
            upper = link.vehicles_for(most)
            var = self.m.new_int_var(0, upper, f"n_{key[0]}_{key[1]:%m%d%H%M}")
            self.n_upper[key] = upper
            riders = sum(sum(parts) for parts in by_party.values())
            self.m.add(var * (link.vehicle_capacity or most) >= riders)
            self.n[key] = var
        # Redundant, tight for the LP: whoever rides needs a whole vehicle.  Stated once per
        # unit and per escort over all the journeys and duties that ride the vehicle, not once
        # per journey: a unit takes one journey, and an escort's duties that ride the same
        # vehicle at the same departure overlap, so at most one of each is taken.  Per journey,
        # the relaxation spread a case over many journeys whose escorts shared one fraction of
        # a car; on the 150-case busy week it paid for 84 vehicles where plans need 99.
        units: dict[VehicleKey, dict[int, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
        for (u, j), x in self.x.items():
            for key in p.journeys[j].vehicles:
                units[key][u].append(x)
        for key, taking in units.items():
            for u, xs in taking.items():
                self.m.add(sum(xs) <= p.units[u].upper * self.n[key])
        escorts: dict[VehicleKey, dict[str, dict[int, cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        for (j, o), y in self.y.items():
            option = p.options[j][o]
            for key in (*p.journeys[j].vehicles, *option.vehicles):
                escorts[key][option.escort_id][y.index] = y
        for key, riding in escorts.items():
            for ys in riding.values():
                self.m.add(sum(ys.values()) <= self.n[key])
        # For the cuts below: each journey's escort options by the vehicles they ride out or back.
        self._rides: dict[int, dict[VehicleKey, list[int]]] = defaultdict(lambda: defaultdict(list))
        for j, o in self.y:
            for key in set(p.options[j][o].vehicles):
                self._rides[j][key].append(o)

    def _money(self) -> None:
        """Rule 7: every item paid in full by lines that may pay it, no line over its ceiling.

        Items are pooled by the set of lines that may pay them (their class), and each pool
        flows into its lines: a transportation problem whose sources are few.  A party item
        (an escort, a shared vehicle) may be paid by any line that could pay for one of the
        party's cases, so it is split over the classes of the cases aboard; where only one
        class can ever be aboard, it joins that pool whole and needs no variable of its own.
        """
        p, m = self.p, self.m
        scenario = p.scenario
        due: dict[tuple[CostType, frozenset[str]], list[cp_model.LinearExpr]] = defaultdict(list)
        meal_rate = scenario.settings.costs.meal_idr_per_travel_day
        for (u, j), var in self.x.items():
            journey = p.journeys[j]
            for case in p.units[u].per_step:
                fare_meal: tuple[tuple[CostType, int], ...] = (
                    ("fare", self._in_units(journey.fare_idr)),
                    ("meal", self._in_units(journey.days * meal_rate)),
                )
                for cost_type, amount in fare_meal:
                    if amount:
                        due[(cost_type, self._lines(case, cost_type))].append(amount * var)
        escort_costs: dict[int, list[cp_model.LinearExpr]] = defaultdict(list)
        for (j, o), var in self.y.items():
            escort_costs[j].append(self._in_units(p.options[j][o].cost_idr) * var)
        for j, parts in escort_costs.items():
            most = self._in_units(sum(option.cost_idr for option in p.options[j]))
            self._pool("escort", cp_model.LinearExpr.sum(parts), most, self._aboard(j, "escort"), due)
        # A vehicle may be paid for a party on board: its cases, or only its escorts.
        escorts_only: dict[int, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        for key, by_party in self.riders.items():
            link = scenario.link(key[0])
            vehicle_cost = self._in_units(link.vehicle_cost_idr)
            most = vehicle_cost * self.n_upper[key]
            carriers: dict[frozenset[str], list[cp_model.LinearExpr]] = defaultdict(list)
            apart: list[cp_model.IntVar] = []
            for j, riding in by_party.items():
                classes = self._aboard(j, "fare")
                if key in p.journeys[j].vehicles:
                    for lines, xs in classes.items():
                        carriers[lines] += xs
                elif len(classes) == 1:
                    (lines,) = classes
                    carriers[lines] += riding
                else:
                    # Escorts alone, of a party of several classes: whether a class is aboard
                    # depends on both the escort and the cases, so the party's part is pooled
                    # with its other such parts below.
                    part = m.new_int_var(0, most, "g_part")
                    m.add(part <= most * sum(riding))
                    escorts_only[j].append((part, most))
                    apart.append(part)
            self._pool("fare", vehicle_cost * self.n[key], most, carriers, due, apart)
        for j, alone in escorts_only.items():
            total = cp_model.LinearExpr.sum([part for part, _ in alone])
            self._pool("fare", total, sum(most for _, most in alone), self._aboard(j, "fare"), due)
        into: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for (_, lines), parts in due.items():
            flows = [m.new_int_var(0, self._ceiling(b), f"f_{b}") for b in sorted(lines)]
            # Paying at least the items is as good as paying them exactly (the excess is never
            # needed) and leaves the solver an easy first plan: nobody travels, nothing paid.
            m.add(sum(flows) >= sum(parts))
            for b, flow in zip(sorted(lines), flows, strict=True):
                into[b].append(flow)
        for b, flows in into.items():
            m.add(sum(flows) <= self._ceiling(b))

    def _in_units(self, amount: int) -> int:
        return amount // self.unit

    def _ceiling(self, budget_line_id: str) -> int:
        return self._in_units(self.p.scenario.budget_line(budget_line_id).ceiling_idr)

    def _lines(self, case: Case, cost_type: CostType) -> frozenset[str]:
        key = (case.case_id, cost_type)
        if key not in self._case_lines:
            self._case_lines[key] = case_lines(self.p.scenario, case, cost_type)
        return self._case_lines[key]

    def _aboard(self, j: int, cost_type: CostType) -> dict[frozenset[str], list[cp_model.LinearExpr]]:
        """The classes of the cases that may travel on journey ``j``, with their x."""
        aboard: dict[frozenset[str], list[cp_model.LinearExpr]] = defaultdict(list)
        for u in self.by_journey.get(j, []):
            for lines in {self._lines(c, cost_type) for c in self.p.units[u].per_step}:
                aboard[lines].append(self.x[u, j])
        return aboard

    def _pool(
        self,
        cost_type: CostType,
        amount: cp_model.LinearExpr,
        most: int,
        carriers: dict[frozenset[str], list[cp_model.LinearExpr]],
        due: dict[tuple[CostType, frozenset[str]], list[cp_model.LinearExpr]],
        apart: Sequence[cp_model.LinearExpr] = (),
    ) -> None:
        """Pool a party item (``amount``, at most ``most``) by the classes that may carry it:
        a class's share needs one of its ``carriers`` to be non-zero; ``apart`` are shares
        already pooled elsewhere."""
        if len(carriers) == 1 and not apart:
            (lines,) = carriers
            due[(cost_type, lines)].append(amount)
            return
        shares = list(apart)
        for lines, riding in carriers.items():
            share = self.m.new_int_var(0, most, f"g_{cost_type}")
            self.m.add(share <= most * sum(riding))
            due[(cost_type, lines)].append(share)
            shares.append(share)
        self.m.add(sum(shares) >= amount)

    def _objective(self) -> None:
        p = self.p
        terms: list[cp_model.LinearExpr] = []
        for unit in p.units:
            self.constant += self._in_units(sum(case_unplanned_cost(p.scenario, c) for c in unit.members))
        for (u, j), var in self.x.items():
            unit = p.units[u]
            step = sum(
                case_journey_cost(p.scenario, c, p.journeys[j]) - case_unplanned_cost(p.scenario, c)
                for c in unit.per_step
            )
            terms.append(self._in_units(step) * var)
        for (j, o), var in self.y.items():
            terms.append(self._in_units(duty_cost(p.scenario, p.journeys[j], p.options[j][o])) * var)
        for key, var in self.n.items():
            terms.append(self._in_units(p.scenario.link(key[0]).vehicle_cost_idr) * var)
        self.m.minimize(sum(terms) + self.constant)

    # -- cuts ------------------------------------------------------------------------------------

    def ride_cuts(self, values: Sequence[float]) -> list[Cut]:
        """Rows the relaxation's ``values`` break, of a family too large to state whole.

        An escorted unit on journey j has an escort there; if none of the escorts it has rides
        vehicle k out or back, some other of j's options does not ride k, else k is hired.
        Over any set S of the unit's journeys (it takes one):

            sum(x[u, j] for j in S) <= upper * (sum(y[j, o] for j in S, o not riding k) + n[k])

        Stated in advance for each unit and vehicle, with S each journey alone and all of them,
        this came to 10,000 rows and 330,000 nonzeros on the 150-case busy week, and the
        relaxation took 8-13 s instead of 2.5.  Found here from the relaxation's own values, S
        is the journeys where the row's left side gains (which makes the most broken row of
        the family), and only broken rows are kept.
        """
        p = self.p
        taken: dict[int, float] = defaultdict(float)
        for (j, _), var in self.y.items():
            taken[j] += values[var.index]
        # The escorts of journey j that do not ride vehicle k, as much as the relaxation takes.
        rest = {
            (j, key): taken[j] - sum(values[self.y[j, o].index] for o in riding)
            for j, by_key in self._rides.items()
            for key, riding in by_key.items()
        }
        gains: dict[tuple[int, VehicleKey], list[tuple[int, float]]] = defaultdict(list)
        for (u, j), var in self.x.items():
            unit = p.units[u]
            if not unit.escorted or values[var.index] <= _CUT_EPSILON:
                continue
            for key in self._rides.get(j, {}):
                gain = values[var.index] - unit.upper * rest[j, key]
                if gain > _CUT_EPSILON:
                    gains[(u, key)].append((j, gain))
        cuts: list[Cut] = []
        for (u, key), found in gains.items():
            upper = p.units[u].upper
            if sum(g for _, g in found) - upper * values[self.n[key].index] <= _CUT_VIOLATION:
                continue
            names: list[int] = []
            coeffs: list[int] = []
            for j, _ in found:
                names.append(self.x[u, j].index)
                coeffs.append(1)
                rides = set(self._rides[j][key])
                for o in range(len(p.options[j])):
                    if (j, o) in self.y and o not in rides:
                        names.append(self.y[j, o].index)
                        coeffs.append(-upper)
            names.append(self.n[key].index)
            coeffs.append(-upper)
            cuts.append((tuple(names), tuple(coeffs), 0))
        return cuts

    def add_cuts(self, cuts: Sequence[Cut]) -> None:
        """State ``cuts`` in the model: they hold for every plan, so the search may use them."""
        for names, coeffs, upper in cuts:
            variables = [self.m.get_int_var_from_proto_index(i) for i in names]
            self.m.add(cp_model.LinearExpr.weighted_sum(variables, list(coeffs)) <= upper)

    # -- hints and solving -----------------------------------------------------------------------

    def hint(self, travel: dict[tuple[int, int], int], escorts: set[tuple[int, int]]) -> None:
        """Start the search from a known plan: the baseline's, or a better one found on the way.

        The plan fixes who travels and which escorts go; a short solve of the model with those
        fixed finds the vehicles and money flows that go with them, so that the hint is a
        complete, feasible solution and the search has a plan from its first second.  A new
        hint replaces the one before.
        """
        self.m.clear_hints()  # type: ignore[no-untyped-call]
        fixed = self.m.clone()
        for key, var in self.x.items():
            fixed.add(fixed.get_int_var_from_proto_index(var.index) == travel.get(key, 0))
        for key, var in self.y.items():
            fixed.add(fixed.get_int_var_from_proto_index(var.index) == (1 if key in escorts else 0))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 5.0
        solver.parameters.num_workers = 1
        status = solver.solve(fixed)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = solver.response_proto.solution
            for index in range(len(self.m.proto.variables)):
                self.m.add_hint(self.m.get_int_var_from_proto_index(index), values[index])
            return
        for key, var in self.x.items():
            self.m.add_hint(var, travel.get(key, 0))
        for key, var in self.y.items():
            self.m.add_hint(var, 1 if key in escorts else 0)

    def in_idr_bound(self, bound: float) -> int:
        return idr_bound(bound, self.unit)

    def used(self, marked: Sequence[float]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
        """The journeys of units, and the escort options, whose variables are ``marked`` (by
        index: true, or a relaxation's value above zero)."""
        travel = {key for key, var in self.x.items() if marked[var.index] > 1e-6}
        escorts = {key for key, var in self.y.items() if marked[var.index] > 1e-6}
        return travel, escorts

    def solve(
        self,
        time_limit: float,
        workers: int = 2,
        seed: int = 0,
        work_limit: float | None = None,
        progress: ProgressFn | None = None,
        gap: float = 0.0,
        stop: Stopping | None = None,
        plans: Callable[[Solution], None] | None = None,
    ) -> Solution:
        """Search for ``time_limit`` seconds, or until ``stop`` is set: either way the best
        plan found so far is the solution.  ``plans`` is given each better plan as it is found
        (its bound is 0)."""
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = max(0.1, time_limit)
        params.relative_gap_limit = gap
        params.num_workers = workers
        params.random_seed = seed
        if work_limit is not None:
            # Same input, seed and work limit: the same plan, whatever the machine's speed.
            # Only a single worker is deterministic without interleaving, and it is the
            # LP-driven one, which alone proves the demo week optimal in about 20 s.
            params.max_deterministic_time = work_limit
            params.num_workers = 1
        if params.num_workers < 4:
            # Below four workers CP-SAT's portfolio has no worker that tightens the bound with
            # the full linear relaxation and its cuts; measured on the demo week (30 s, 2
            # workers), that one worker takes the proven gap from ~45% to ~3% and finds better
            # plans as well.  The other worker improves plans by large neighbourhood search.
            params.subsolvers.append("max_lp")
            if work_limit is None:
                # A light presolve: one pass, without probing.  CP-SAT's full presolve took
                # 8.3 s on the 80-case busy week and 23 s on the 150-case week; this one takes
                # 1.0 s and 3.3 s, and with it the 80-case week at 30 s was proven optimal in
                # 23-25 s (three runs) where without presolve it ended at 1.1-2.4%.
                params.cp_model_probing_level = 0
                params.max_presolve_iterations = 1
            else:
                # The one deterministic worker does better without: with a work limit of 90
                # the 150-case week ended at 0.62% without presolve and 1.09% with the light
                # one (its bound stalled at Rp 409.65 M; 120 ended there too).
                params.cp_model_presolve = False
        callback = _Progress(self, progress, plans) if progress or plans else None
        if progress is not None:
            clock = time.perf_counter()
            solver.best_bound_callback = lambda bound: progress(
                time.perf_counter() - clock, -1, self.in_idr_bound(bound)
            )
        with stoppable(solver, stop):
            status = solver.solve(self.m, callback)
        name = solver.status_name(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Solution({}, {}, 0, max(0, self.in_idr_bound(solver.best_objective_bound)), name.lower())
        travel, escorts = self.decisions(solver.value)
        objective = round(solver.objective_value) * self.unit
        # Every part of total_idr is non-negative, so 0 is always a bound.
        bound = max(0, min(objective, self.in_idr_bound(solver.best_objective_bound)))
        # CP-SAT says OPTIMAL when it stops at the gap asked for; the plan says what was proven.
        proven = "optimal" if bound >= objective else "feasible"
        return Solution(travel, escorts, objective, bound, proven)

    def decisions(
        self, value: Callable[[cp_model.IntVar], int]
    ) -> tuple[dict[tuple[int, int], int], dict[int, list[EscortOption]]]:
        """Who travels on which journey, and which escorts go, in a solution's ``value``s."""
        travel = {key: count for key, var in self.x.items() if (count := value(var))}
        escorts: dict[int, list[EscortOption]] = defaultdict(list)
        for (j, o), var in sorted(self.y.items()):
            if value(var):
                escorts[j].append(self.p.options[j][o])
        return travel, dict(escorts)


class Stopping(Protocol):
    """What asks a search to stop: a ``threading.Event``, or several."""

    def is_set(self) -> bool: ...


# How often a solve looks whether it was asked to stop.
STOP_POLL_SECONDS = 0.1


@contextmanager
def stoppable(solver: cp_model.CpSolver, stop: Stopping | None) -> Iterator[None]:
    """Stop ``solver``'s search once ``stop`` is set, from a thread of its own: the solve holds
    the calling thread until it ends.  A stop before the search has begun does nothing in
    CP-SAT, so the thread asks again until the solve returns."""
    if stop is None:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while not done.wait(STOP_POLL_SECONDS):
            if stop.is_set():
                solver.stop_search()

    watcher = threading.Thread(target=watch, name="cp-sat-stop", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(
        self, model: ReturnModel, report: ProgressFn | None, plans: Callable[[Solution], None] | None
    ) -> None:
        super().__init__()
        self.model = model
        self.report = report
        self.plans = plans

    def on_solution_callback(self) -> None:
        unit = self.model.unit
        objective = round(self.objective_value) * unit
        if self.plans is not None:
            self.plans(Solution(*self.model.decisions(self.value), objective, 0, "feasible"))
        if self.report is not None:
            self.report(self.wall_time, objective, math.ceil(self.best_objective_bound - 1e-6) * unit)
