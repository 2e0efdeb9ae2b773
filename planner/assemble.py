"""From the planners' decisions to a ``Plan``: legs, escort duties, charges and the objective.

Planners (the first-come baseline, the optimizer) decide who travels on which itinerary with
which escorts and which lines pay; this module prices those decisions as the contract says and
writes them down.  The checker does not use it: it recomputes everything on its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from planner import costs
from planner.network import Itinerary
from planner.plan import BoundScope, Charge, EscortDuty, Leg, Objective, Party, Plan, Status, Unplanned
from planner.scenario import BudgetLine, Case, CostType, Scenario


@dataclass(frozen=True, slots=True)
class EscortTrip:
    """An escort's way out to a party and back; None where base and place coincide."""

    escort_id: str
    outbound: Itinerary | None
    back: Itinerary | None


@dataclass(frozen=True, slots=True)
class PartyChoice:
    case_ids: tuple[str, ...]
    itinerary: Itinerary
    escorts: tuple[EscortTrip, ...] = ()


@dataclass(frozen=True, slots=True)
class CostItem:
    """One amount that budget lines must pay in full, and the lines that may pay it."""

    cost_type: CostType
    party_id: str
    amount_idr: int
    case_id: str | None = None
    escort_id: str | None = None


def seat_fare_idr(scenario: Scenario, legs: Iterable[Leg]) -> int:
    """What one traveller pays in seat and per-person link fares over ``legs``."""
    total = 0
    for leg in legs:
        if leg.service_id is not None:
            total += scenario.service(leg.service_id).fare_idr
        else:
            link = scenario.find_link(leg.from_id, leg.to_id, leg.mode)
            assert link is not None
            total += link.fare_idr
    return total


def journey_days(scenario: Scenario, legs: Sequence[Leg]) -> int:
    """Calendar days from the first departure (local at its start) to the last arrival."""
    first = scenario.location(legs[0].from_id).local_date(legs[0].depart)
    last = scenario.location(legs[-1].to_id).local_date(legs[-1].arrive)
    return costs.day_count(first, last)


def duty_days(scenario: Scenario, base_id: str, start: datetime, end: datetime) -> int:
    base = scenario.location(base_id)
    return costs.day_count(base.local_date(start), base.local_date(end))


def escort_legs(choice: PartyChoice, trip: EscortTrip) -> list[Leg]:
    legs = list(trip.outbound.legs) if trip.outbound else []
    legs += choice.itinerary.legs
    legs += trip.back.legs if trip.back else ()
    return legs


def escort_cost_idr(scenario: Scenario, choice: PartyChoice, trip: EscortTrip) -> tuple[int, int]:
    """(days of duty, everything the escort costs but shared vehicles)."""
    escort = scenario.escort(trip.escort_id)
    legs = escort_legs(choice, trip)
    days = duty_days(scenario, escort.base_id, legs[0].depart, legs[-1].arrive)
    cost = (
        seat_fare_idr(scenario, legs)
        + costs.meal_idr(days, scenario.settings)
        + escort.daily_allowance_idr * days
    )
    return days, cost


def vehicle_groups(choices: Sequence[PartyChoice]) -> dict[tuple[str, str, str, datetime], dict[int, int]]:
    """Travellers per party index on every (link, departure time): they share vehicles."""
    groups: dict[tuple[str, str, str, datetime], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for index, choice in enumerate(choices):
        for leg in choice.itinerary.legs:
            if leg.service_id is None:
                groups[(leg.from_id, leg.to_id, leg.mode, leg.depart)][index] += len(choice.case_ids) + len(
                    choice.escorts
                )
        for trip in choice.escorts:
            for itinerary in (trip.outbound, trip.back):
                for leg in itinerary.legs if itinerary else ():
                    if leg.service_id is None:
                        groups[(leg.from_id, leg.to_id, leg.mode, leg.depart)][index] += 1
    return groups


def vehicle_cost_by_party(
    scenario: Scenario, choices: Sequence[PartyChoice]
) -> list[dict[tuple[str, str, str, datetime], int]]:
    """Each party's share of each shared vehicle departure (shares add up exactly)."""
    shares: list[dict[tuple[str, str, str, datetime], int]] = [{} for _ in choices]
    for key, riders in vehicle_groups(choices).items():
        link = scenario.find_link(key[0], key[1], key[2])
        assert link is not None
        total = link.vehicles_for(sum(riders.values())) * link.vehicle_cost_idr
        for index, amount in _split(total, riders).items():
            if amount:
                shares[index][key] = amount
    return shares


def _split(total: int, weights: dict[int, int]) -> dict[int, int]:
    """Split an amount by weights into whole rupiah that add up exactly."""
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        return dict.fromkeys(weights, 0)
    base = {k: total * w // weight_sum for k, w in weights.items()}
    rest = total - sum(base.values())
    for k in sorted(weights, key=lambda k: (-(total * weights[k] % weight_sum), k))[:rest]:
        base[k] += 1
    return base


def cost_items(
    scenario: Scenario, choices: Sequence[PartyChoice], party_ids: Sequence[str]
) -> list[CostItem]:
    items: list[CostItem] = []
    vehicles = vehicle_cost_by_party(scenario, choices)
    for index, (choice, party_id) in enumerate(zip(choices, party_ids, strict=True)):
        legs = choice.itinerary.legs
        fare = seat_fare_idr(scenario, legs)
        meal = costs.meal_idr(journey_days(scenario, legs), scenario.settings)
        for case_id in choice.case_ids:
            if fare:
                items.append(CostItem("fare", party_id, fare, case_id=case_id))
            if meal:
                items.append(CostItem("meal", party_id, meal, case_id=case_id))
        for trip in choice.escorts:
            _, amount = escort_cost_idr(scenario, choice, trip)
            if amount:
                items.append(CostItem("escort", party_id, amount, escort_id=trip.escort_id))
        vehicle_total = sum(vehicles[index].values())
        if vehicle_total:
            items.append(CostItem("fare", party_id, vehicle_total))
    return items


def eligible_lines(scenario: Scenario, item: CostItem, party_cases: Sequence[Case]) -> list[BudgetLine]:
    """Lines that may pay ``item`` (rule 7), cheapest preference first."""
    if item.case_id is not None:
        case = scenario.case(item.case_id)
        lines = [b for b in scenario.budget_lines if b.pays(item.cost_type) and case.may_be_funded_by(b)]
    else:
        lines = [
            b
            for b in scenario.budget_lines
            if b.pays(item.cost_type) and any(c.may_be_funded_by(b) for c in party_cases)
        ]
    return sorted(lines, key=lambda b: (b.preference, b.budget_line_id))


def greedy_charges(
    scenario: Scenario,
    items: Sequence[CostItem],
    remaining: dict[str, int],
    party_cases: dict[str, list[Case]],
) -> list[Charge] | None:
    """Charge each item to eligible lines in order of preference, splitting where one line
    runs out; None (and ``remaining`` untouched) when the items cannot all be paid."""
    left = dict(remaining)
    charges: list[Charge] = []
    for item in items:
        due = item.amount_idr
        for line in eligible_lines(scenario, item, party_cases[item.party_id]):
            take = min(due, left[line.budget_line_id])
            if take <= 0:
                continue
            left[line.budget_line_id] -= take
            due -= take
            charges.append(
                Charge(line.budget_line_id, item.cost_type, item.party_id, take, item.case_id, item.escort_id)
            )
            if due == 0:
                break
        if due:
            return None
    remaining.update(left)
    return charges


def build_plan(
    scenario: Scenario,
    choices: Sequence[PartyChoice],
    charges: Sequence[Charge],
    unplanned: Sequence[Unplanned],
    status: Status,
    solve_seconds: float = 0.0,
    lower_bound_idr: int | None = None,
    party_ids: Sequence[str] | None = None,
    bound_scope: BoundScope | None = None,
) -> Plan:
    ids = list(party_ids) if party_ids is not None else [f"P{i + 1}" for i in range(len(choices))]
    settings = scenario.settings
    vehicles = vehicle_cost_by_party(scenario, choices)
    parties: list[Party] = []
    duties: list[EscortDuty] = []
    fares = meals = allowance = waiting = shelter = 0
    for index, (choice, party_id) in enumerate(zip(choices, ids, strict=True)):
        travellers = len(choice.case_ids) + len(choice.escorts)
        legs = tuple(_priced(scenario, leg, travellers) for leg in choice.itinerary.legs)
        parties.append(Party(party_id, choice.case_ids, tuple(t.escort_id for t in choice.escorts), legs))
        per_case_fare = seat_fare_idr(scenario, choice.itinerary.legs)
        days = journey_days(scenario, choice.itinerary.legs)
        anchor = choice.itinerary.anchor
        anchor_date = scenario.location(anchor.from_id).local_date(anchor.depart)
        for case_id in choice.case_ids:
            case = scenario.case(case_id)
            fares += per_case_fare
            meals += costs.meal_idr(days, settings)
            wait = costs.planned_waiting_days(case, anchor_date)
            waiting += costs.waiting_idr(case, wait, settings)
            shelter += costs.shelter_idr(wait, settings)
        fares += sum(vehicles[index].values())
        for trip in choice.escorts:
            escort = scenario.escort(trip.escort_id)
            all_legs = escort_legs(choice, trip)
            duty_day_count, duty_cost = escort_cost_idr(scenario, choice, trip)
            fares += seat_fare_idr(scenario, all_legs)
            meals += costs.meal_idr(duty_day_count, settings)
            allowance += escort.daily_allowance_idr * duty_day_count
            duties.append(
                EscortDuty(
                    escort_id=trip.escort_id,
                    party_id=party_id,
                    start=all_legs[0].depart,
                    end=all_legs[-1].arrive,
                    outbound_legs=tuple(_priced(scenario, leg, 1) for leg in trip.outbound.legs)
                    if trip.outbound
                    else (),
                    return_legs=tuple(_priced(scenario, leg, 1) for leg in trip.back.legs)
                    if trip.back
                    else (),
                    days=duty_day_count,
                    cost_idr=duty_cost,
                )
            )
    for item in unplanned:
        case = scenario.case(item.case_id)
        wait = costs.unplanned_waiting_days(case, settings)
        waiting += costs.waiting_idr(case, wait, settings)
        shelter += costs.shelter_idr(wait, settings)
    cost = fares + meals + allowance
    total = cost + waiting + shelter
    # A plan made without a proof (the baseline's, a hand-made one) proves only that no plan
    # costs less than nothing.
    bound = 0 if lower_bound_idr is None else lower_bound_idr
    gap = 0.0 if total == 0 else max(0.0, (total - bound) / total)
    return Plan(
        scenario=scenario.name,
        start=settings.start,
        horizon_days=settings.horizon_days,
        status=status,
        objective=Objective(total, cost, waiting, shelter, bound, gap, bound_scope),
        parties=tuple(parties),
        escort_duties=tuple(duties),
        charges=tuple(charges),
        unplanned=tuple(unplanned),
        solve_seconds=solve_seconds,
    )


def _priced(scenario: Scenario, leg: Leg, travellers: int) -> Leg:
    """The leg with its travellers and their seat fares (shared vehicles are charged to the
    party as a whole, since parties on the same departure share them)."""
    return replace(leg, travellers=travellers, cost_idr=seat_fare_idr(scenario, (leg,)) * travellers)
