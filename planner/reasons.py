"""Why a case waits: a reason from the contract's list and a sentence an officer understands.

Reasons are read off the finished plan, not guessed: for every journey the case could have
taken, what is left of the seats, the escorts' time and the budget lines after everyone
planned has been served shows what stands in the way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from planner.assemble import PartyChoice, escort_legs
from planner.journeys import Journey
from planner.model import Problem, Unit, case_journey_cost, case_lines, case_unplanned_cost
from planner.network import TransportNetwork
from planner.plan import Charge, Reason, Unplanned
from planner.scenario import Escort, Scenario

LegKey = tuple[str | None, str, str, str, datetime]


def rupiah(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def _day(moment: date | datetime) -> str:
    return f"{moment:%-d %b}"


@dataclass
class _Left:
    """What the plan leaves free."""

    seats: dict[str, int]
    busy: dict[str, list[tuple[datetime, datetime]]]
    money: dict[str, int]
    parties: dict[tuple[LegKey, ...], PartyChoice]
    # Each journey's index in the problem (the first of equal ones): ``list.index`` compared
    # journeys field by field, 10 s of the 5,000-case week's reasons.
    journeys: dict[Journey, int] = field(default_factory=dict)


def _left(scenario: Scenario, choices: Sequence[PartyChoice], charges: Sequence[Charge]) -> _Left:
    seats = {s.service_id: s.seats for s in scenario.services}
    busy: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for choice in choices:
        for leg in choice.itinerary.legs:
            if leg.service_id is not None:
                seats[leg.service_id] -= len(choice.case_ids) + len(choice.escorts)
        for trip in choice.escorts:
            legs = escort_legs(choice, trip)
            busy[trip.escort_id].append((legs[0].depart, legs[-1].arrive))
            for itinerary in (trip.outbound, trip.back):
                for leg in itinerary.legs if itinerary else ():
                    if leg.service_id is not None:
                        seats[leg.service_id] -= 1
    money = {b.budget_line_id: b.ceiling_idr for b in scenario.budget_lines}
    for charge in charges:
        money[charge.budget_line_id] -= charge.amount_idr
    parties = {tuple(leg.key for leg in c.itinerary.legs): c for c in choices}
    return _Left(seats, dict(busy), money, parties)


def explain_unplanned(
    scenario: Scenario,
    network: TransportNetwork,
    problem: Problem,
    choices: Sequence[PartyChoice],
    charges: Sequence[Charge],
    planned: set[str],
) -> list[Unplanned]:
    left = _left(scenario, choices, charges)
    for j, journey in enumerate(problem.journeys):
        left.journeys.setdefault(journey, j)
    found: list[Unplanned] = []
    for u, unit in enumerate(problem.units):
        waiting = [c for c in unit.members if c.case_id not in planned]
        if not waiting:
            continue
        reason, detail = _explain(scenario, network, problem, u, unit, left)
        found += [Unplanned(c.case_id, reason, detail) for c in waiting]
    order = {case.case_id: i for i, case in enumerate(scenario.cases)}
    found.sort(key=lambda item: order[item.case_id])
    return found


def _explain(
    scenario: Scenario, network: TransportNetwork, problem: Problem, u: int, unit: Unit, left: _Left
) -> tuple[Reason, str]:
    settings = scenario.settings
    origin, home = scenario.location(unit.origin), scenario.location(unit.home)
    if unit.ready >= settings.end_date:
        last = settings.end_date.toordinal() - 1
        return (
            "not_ready",
            f"ready only on {unit.ready:%-d %b %Y}, after the plan's window ends on {date.fromordinal(last):%-d %b}",
        )
    if not network.route_exists(unit.origin, unit.home):
        return "no_route", f"no ferry, flight, bus or road link leads from {origin.name} to {home.name}"
    journeys = [problem.journeys[j] for j in problem.usable.get(u, [])]
    if not journeys:
        return (
            "horizon",
            f"no departure from {origin.name} to {home.name} fits the window after {_day(unit.ready)}",
        )
    journeys.sort(key=lambda j: sum(case_journey_cost(scenario, c, j) for c in unit.per_step))
    blocks: list[tuple[Reason | None, str]] = [_blocker(scenario, problem, unit, j, left) for j in journeys]
    kinds = {kind for kind, _ in blocks if kind is not None}
    if any(kind is None for kind, _ in blocks):
        best = journeys[0]
        cost = sum(case_journey_cost(scenario, c, best) for c in unit.per_step)
        saved = sum(case_unplanned_cost(scenario, c) for c in unit.per_step)
        blocked: list[tuple[Reason | None, str]] = [(k, d) for k, d in blocks if k is not None]
        if cost < saved and blocked:
            # A free journey exists but the search stopped before using it: say what blocks
            # the others, which is what an officer rebooking by hand would meet first.
            blocks = blocked
        elif cost < saved:
            return (
                "budget",
                f"not placed when the search stopped: the cheapest journey home leaves {_day(best.depart)} "
                f"and costs {rupiah(cost)} with the waiting before it; plan again with more time",
            )
        else:
            return (
                "budget",
                f"the cheapest journey home (leaving {_day(best.depart)}) costs {rupiah(cost)} with the "
                f"waiting before it, more than the {rupiah(saved)} that waiting longer costs",
            )
        kinds = {kind for kind, _ in blocks if kind is not None}
    if kinds == {"no_seats"}:
        return "no_seats", _full(scenario, [detail for _, detail in blocks])
    kind, detail = blocks[0]
    assert kind is not None
    if kind == "no_seats":
        detail = _full(scenario, [d for k, d in blocks if k == "no_seats"])
    return kind, detail


def _blocker(
    scenario: Scenario, problem: Problem, unit: Unit, journey: Journey, left: _Left
) -> tuple[Reason | None, str]:
    persons = unit.persons
    for service_id in journey.service_ids:
        if left.seats[service_id] < persons:
            return "no_seats", service_id
    escort_cost = 0
    if unit.escorted:
        party = left.parties.get(tuple(leg.key for leg in journey.itinerary.legs))
        escort = _free_escort(scenario, problem, unit, journey, left, party)
        if escort is None:
            wanted = [
                w
                for w, need in (
                    ("woman", "female_escort"),
                    ("medical", "medical"),
                    ("psychosocial", "psychosocial"),
                )
                if unit.needs(need)
            ]
            label = " ".join(wanted) + " " if wanted else ""
            return (
                "no_escort",
                f"no {label}escort is free to travel with the departure of {journey.depart:%-d %b %H:%M}",
            )
        escort_cost = escort
    meal = scenario.settings.costs.meal_idr_per_travel_day
    need = persons * (journey.fare_idr + journey.days * meal)
    lines = set().union(*(case_lines(scenario, c, t) for c in unit.per_step for t in ("fare", "meal")))
    have = sum(max(0, left.money[b]) for b in lines)
    if have < need + escort_cost:
        names = (
            ", ".join(f"{b} has {rupiah(max(0, left.money[b]))} left" for b in sorted(lines))
            or "no budget line may pay for this case"
        )
        return "budget", f"{names}; the trip costs {rupiah(need + escort_cost)}"
    return None, ""


def _free_escort(
    scenario: Scenario,
    problem: Problem,
    unit: Unit,
    journey: Journey,
    left: _Left,
    party: PartyChoice | None,
) -> int | None:
    """The cost of one more escort this unit would need (0 if the party's escorts suffice),
    or None when no suitable escort is free."""
    if party is not None:
        escorts = [scenario.escort(t.escort_id) for t in party.escorts]
        cases = [scenario.case(c) for c in party.case_ids]
        spare = sum(e.max_cases for e in escorts) - sum(1 for c in cases if c.needs_escort)
        if spare >= unit.escorted and all(_covers(escorts, unit, need) for need in _NEEDS):
            return 0
    j = left.journeys[journey]
    for option in sorted(problem.options.get(j, []), key=lambda o: o.cost_idr):
        escort = scenario.escort(option.escort_id)
        if escort.max_cases < unit.escorted or not all(_covers([escort], unit, n) for n in _NEEDS):
            continue
        if any(
            option.start <= end and start <= option.end for start, end in left.busy.get(escort.escort_id, [])
        ):
            continue
        if any(left.seats[s] < 1 for s in option.service_ids):
            continue
        return option.cost_idr
    return None


_PLURAL = {"ferry": "ferries", "bus": "buses"}
_NEEDS = ("medical", "psychosocial", "female_escort")


def _covers(escorts: Sequence[Escort], unit: Unit, need: str) -> bool:
    if not unit.needs(need):
        return True
    if need == "female_escort":
        return any(e.sex == "F" for e in escorts)
    return any(need in e.skills for e in escorts)


def _full(scenario: Scenario, service_ids: Sequence[str]) -> str:
    """'the ferries to Semarang on 24 and 27 Nov are full'."""
    by_kind: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for service_id in dict.fromkeys(service_ids):
        service = scenario.service(service_id)
        by_kind[(service.mode, scenario.location(service.to_id).name)].append(service.depart)
    parts = []
    for (mode, to_name), departures in list(by_kind.items())[:3]:
        days = sorted({d.date(): _day(d) for d in departures}.items())
        shown = [text for _, text in days[:4]]
        name = _PLURAL.get(mode, mode + "s") if len(departures) > 1 else mode
        parts.append(f"the {name} to {to_name} on {_and(shown)}")
    verb = "are" if len(service_ids) > 1 else "is"
    return f"{_and(parts)} {verb} full"


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
