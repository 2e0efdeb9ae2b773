"""The plan checker: every rule of the data contract, and the plan's cost, recomputed.

It shares the domain model with the planners but none of their code (no network, no
assembly, no model), so that a plan is verified by an independent reading of the contract.
Budget staff use it on plans they are given; the test suite runs it on every plan made.
A re-plan is also checked against the plan it replaces (``Against``): what was under way or
pinned is unchanged, nobody is booked in the past, and ``change_idr`` is recomputed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from planner.plan import EscortDuty, Leg, Party, Plan
from planner.scenario import Case, Escort, Scenario


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True, slots=True)
class Recomputed:
    """The plan's cost as the contract defines it, from the scenario alone."""

    fares_idr: int
    meals_idr: int
    allowance_idr: int
    waiting_idr: int
    shelter_idr: int
    # Re-planning: the cost of changed bookings, recomputed from the old plan when the check
    # is given it, else the plan's own ``change_idr`` (it cannot be recomputed without it).
    change_idr: int = 0

    @property
    def cost_idr(self) -> int:
        return self.fares_idr + self.meals_idr + self.allowance_idr

    @property
    def total_idr(self) -> int:
        return self.cost_idr + self.waiting_idr + self.shelter_idr + self.change_idr


RULE_CASES = "cases"
RULE_CHAIN = "rule 1 (journey)"
RULE_WINDOW = "rule 2 (window)"
RULE_HOUSEHOLD = "rule 3 (household)"
RULE_SEATS = "rule 4 (seats)"
RULE_PARTY = "rule 5 (escorts of a party)"
RULE_DUTY = "rule 6 (escort duty)"
RULE_BUDGET = "rule 7 (budget)"
RULE_COST = "cost"
RULE_FIXED = "re-plan (fixed party)"
RULE_PAST = "re-plan (booked in the past)"


def _days(first: date, last: date) -> int:
    return (last - first).days + 1


def _rp(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


class _Checker:
    def __init__(self, scenario: Scenario, plan: Plan, against: Against | None = None) -> None:
        self.s = scenario
        self.plan = plan
        self.against = against
        self.found: list[Violation] = []

    def add(self, rule: str, message: str) -> None:
        self.found.append(Violation(rule, message))

    # -- legs ------------------------------------------------------------------------------------

    def leg_fare(self, leg: Leg) -> int:
        if leg.service_id is not None:
            return self.s.service(leg.service_id).fare_idr if self.s.has_service(leg.service_id) else 0
        link = self.s.find_link(leg.from_id, leg.to_id, leg.mode)
        return link.fare_idr if link else 0

    def leg_is_real(self, leg: Leg, where: str) -> bool:
        """The leg is a service of the scenario, or a link at its real duration."""
        if leg.service_id is not None:
            if not self.s.has_service(leg.service_id):
                self.add(RULE_CHAIN, f"{where}: service {leg.service_id} is not in services.csv")
                return False
            service = self.s.service(leg.service_id)
            if (service.from_id, service.to_id, service.mode) != (leg.from_id, leg.to_id, leg.mode) or (
                service.depart != leg.depart or service.arrive != leg.arrive
            ):
                self.add(
                    RULE_CHAIN,
                    f"{where}: leg {leg.service_id} does not match the service's places, mode or times",
                )
                return False
            return True
        link = self.s.find_link(leg.from_id, leg.to_id, leg.mode)
        if link is None:
            self.add(RULE_CHAIN, f"{where}: there is no {leg.mode} link from {leg.from_id} to {leg.to_id}")
            return False
        if leg.arrive - leg.depart != link.duration:
            self.add(
                RULE_CHAIN,
                f"{where}: the {leg.mode} link {leg.from_id} -> {leg.to_id} takes {link.duration_min} min, not {int((leg.arrive - leg.depart).total_seconds() // 60)}",
            )
            return False
        return True

    def chain(
        self, legs: Sequence[Leg], start: str, end: str, earliest: datetime | None, where: str, rule: str
    ) -> bool:
        if not legs:
            self.add(rule, f"{where}: has no legs")
            return False
        ok = all(self.leg_is_real(leg, where) for leg in legs)
        if legs[0].from_id != start:
            self.add(rule, f"{where}: starts at {legs[0].from_id}, not at {start}")
            ok = False
        if legs[-1].to_id != end:
            self.add(rule, f"{where}: ends at {legs[-1].to_id}, not at {end}")
            ok = False
        if earliest is not None and legs[0].depart < earliest:
            self.add(
                rule,
                f"{where}: leaves {legs[0].depart.isoformat(timespec='minutes')}, before {earliest.isoformat(timespec='minutes')}",
            )
            ok = False
        return self.connections(legs, where, rule) and ok

    def connections(self, legs: Sequence[Leg], where: str, rule: str) -> bool:
        ok = True
        for before, after in pairwise(legs):
            if after.from_id != before.to_id:
                self.add(
                    rule,
                    f"{where}: a leg leaves {after.from_id} but the previous one arrived at {before.to_id}",
                )
                ok = False
                continue
            need = timedelta(minutes=self.s.settings.min_connection_min.get(after.mode, 0))
            if after.depart < before.arrive + need:
                gap = int((after.depart - before.arrive).total_seconds() // 60)
                self.add(
                    rule,
                    f"{where}: missed connection at {after.from_id}: {gap} min between arriving "
                    f"{before.arrive.isoformat(timespec='minutes')} and leaving {after.depart.isoformat(timespec='minutes')} "
                    f"by {after.mode} (at least {int(need.total_seconds() // 60)} min)",
                )
                ok = False
        return ok

    # -- the rules -------------------------------------------------------------------------------

    def run(self) -> list[Violation]:
        s, plan = self.s, self.plan
        where_case: dict[str, list[str]] = defaultdict(list)
        for party in plan.parties:
            for case_id in party.case_ids:
                where_case[case_id].append(party.party_id)
        for item in plan.unplanned:
            where_case[item.case_id].append("unplanned")
        for case_id, places in where_case.items():
            if not s.has_case(case_id):
                self.add(RULE_CASES, f"case {case_id} is not in cases.csv")
            elif len(places) > 1:
                self.add(RULE_CASES, f"case {case_id} appears {len(places)} times ({', '.join(places)})")
        for case in s.cases:
            if case.case_id not in where_case:
                self.add(RULE_CASES, f"case {case.case_id} is neither in a party nor unplanned")
        party_ids = [p.party_id for p in plan.parties]
        for party_id in {p for p in party_ids if party_ids.count(p) > 1}:
            self.add(RULE_CASES, f"party id {party_id} is used twice")
        legs_seen: dict[tuple[tuple[str | None, str, str, str, datetime], ...], str] = {}
        for party in plan.parties:
            key = tuple(leg.key for leg in party.legs)
            if key in legs_seen:
                self.add(
                    RULE_PARTY,
                    f"parties {legs_seen[key]} and {party.party_id} travel the same legs at the same times: they are one party",
                )
            legs_seen[key] = party.party_id
            self.party(party)
        self.households()
        self.seats()
        self.duties()
        self.charges()
        if self.against is not None:
            self.found += self.against.violations(plan)
        self.cost()
        return self.found

    def party(self, party: Party) -> None:
        s = self.s
        cases = [s.case(c) for c in party.case_ids if s.has_case(c)]
        where = f"party {party.party_id}"
        if not cases:
            self.add(RULE_CHAIN, f"{where}: has no cases")
            return
        for case in cases[1:]:
            if (case.location_id, case.home_id) != (cases[0].location_id, cases[0].home_id):
                self.add(
                    RULE_CHAIN,
                    f"{where}: case {case.case_id} starts or ends elsewhere than case {cases[0].case_id}",
                )
        origin = s.location(cases[0].location_id)
        ready = max(c.ready for c in cases)
        self.chain(
            party.legs, cases[0].location_id, cases[0].home_id, origin.midnight(ready), where, RULE_CHAIN
        )
        if party.legs:
            anchor = next((leg for leg in party.legs if leg.service_id is not None), party.legs[0])
            settings = s.settings
            if not settings.start <= anchor.depart < settings.end:
                self.add(
                    RULE_WINDOW,
                    f"{where}: first departure {anchor.depart.isoformat(timespec='minutes')} is outside the window",
                )
        escorts = [s.escort(e) for e in party.escort_ids if s.has_escort(e)]
        for escort_id in party.escort_ids:
            if not s.has_escort(escort_id):
                self.add(RULE_PARTY, f"{where}: escort {escort_id} is not in escorts.csv")
        escorted = [c for c in cases if c.needs_escort]
        if escorted:
            capacity = sum(sorted((e.max_cases for e in escorts), reverse=True))
            if capacity < len(escorted):
                self.add(
                    RULE_PARTY,
                    f"{where}: {len(escorted)} cases need an escort but its {len(escorts)} escort(s) can accompany {capacity}",
                )
            for skill in ("medical", "psychosocial"):
                if any(skill in c.needs for c in escorted) and not any(skill in e.skills for e in escorts):
                    self.add(RULE_PARTY, f"{where}: a case needs {skill} care but no escort has that skill")
            if any("female_escort" in c.needs for c in escorted) and not any(e.sex == "F" for e in escorts):
                self.add(RULE_PARTY, f"{where}: a case needs a woman escort but none travels with the party")

    def households(self) -> None:
        placed: dict[str, str] = {}
        for party in self.plan.parties:
            for case_id in party.case_ids:
                placed[case_id] = party.party_id
        for household in self.s.households:
            where = {placed.get(c, "unplanned") for c in household.case_ids}
            if len(where) > 1:
                self.add(
                    RULE_HOUSEHOLD, f"household {household.household_id} is split: {', '.join(sorted(where))}"
                )

    def all_legs(self) -> list[tuple[Leg, int, str]]:
        """Every ride with how many of our travellers take it, and whose ride it is."""
        rides: list[tuple[Leg, int, str]] = []
        for party in self.plan.parties:
            riders = len(party.case_ids) + len(party.escort_ids)
            rides += [(leg, riders, party.party_id) for leg in party.legs]
        for duty in self.plan.escort_duties:
            rides += [(leg, 1, duty.party_id) for leg in (*duty.outbound_legs, *duty.return_legs)]
        return rides

    def seats(self) -> None:
        used: dict[str, int] = defaultdict(int)
        for leg, riders, _ in self.all_legs():
            if leg.service_id is not None:
                used[leg.service_id] += riders
        for service_id, count in sorted(used.items()):
            if self.s.has_service(service_id) and count > self.s.service(service_id).seats:
                service = self.s.service(service_id)
                self.add(
                    RULE_SEATS,
                    f"{service_id} ({service.from_id} -> {service.to_id}, {service.depart.isoformat(timespec='minutes')}) carries {count} travellers but has {service.seats} seats",
                )

    def duties(self) -> None:
        s, plan = self.s, self.plan
        parties = {p.party_id: p for p in plan.parties}
        by_escort: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
        covered: set[tuple[str, str]] = set()
        for duty in plan.escort_duties:
            where = f"duty of {duty.escort_id} with {duty.party_id}"
            party = parties.get(duty.party_id)
            if not s.has_escort(duty.escort_id):
                self.add(RULE_DUTY, f"{where}: escort {duty.escort_id} is not in escorts.csv")
                continue
            if party is None:
                self.add(RULE_DUTY, f"{where}: party {duty.party_id} is not in the plan")
                continue
            if duty.escort_id not in party.escort_ids:
                self.add(RULE_DUTY, f"{where}: the party does not list this escort")
            if (duty.escort_id, duty.party_id) in covered:
                self.add(RULE_DUTY, f"{where}: the duty is listed twice")
            covered.add((duty.escort_id, duty.party_id))
            escort = s.escort(duty.escort_id)
            self.one_duty(escort, party, duty.outbound_legs, duty.return_legs, duty.start, duty.end, where)
            by_escort[duty.escort_id].append((duty.start, duty.end, duty.party_id))
        for party in plan.parties:
            for escort_id in party.escort_ids:
                if (escort_id, party.party_id) not in covered and s.has_escort(escort_id):
                    self.add(
                        RULE_DUTY,
                        f"party {party.party_id}: escort {escort_id} has no duty for it (outbound, return)",
                    )
        for escort_id, spans in by_escort.items():
            spans.sort()
            for (_, a_end, a_party), (b_start, _, b_party) in pairwise(spans):
                if b_start <= a_end:
                    self.add(
                        RULE_DUTY,
                        f"escort {escort_id} is on two duties at once: with {a_party} until {a_end.isoformat(timespec='minutes')} and with {b_party} from {b_start.isoformat(timespec='minutes')}",
                    )

    def one_duty(
        self,
        escort: Escort,
        party: Party,
        out: Sequence[Leg],
        back: Sequence[Leg],
        start: datetime,
        end: datetime,
        where: str,
    ) -> None:
        if not party.legs:
            return
        base = self.s.location(escort.base_id)
        first, last = party.legs[0], party.legs[-1]
        if out:
            self.chain(out, escort.base_id, first.from_id, None, where + " (outbound)", RULE_DUTY)
        elif escort.base_id != first.from_id:
            self.add(RULE_DUTY, f"{where}: no outbound legs from base {escort.base_id} to {first.from_id}")
        if back:
            self.chain(back, last.to_id, escort.base_id, None, where + " (return)", RULE_DUTY)
        elif escort.base_id != last.to_id:
            self.add(RULE_DUTY, f"{where}: no return legs from {last.to_id} to base {escort.base_id}")
        whole = [*out, *party.legs, *back]
        self.connections(whole, where, RULE_DUTY)
        if start > whole[0].depart or end < whole[-1].arrive:
            self.add(
                RULE_DUTY,
                f"{where}: start {start.isoformat(timespec='minutes')} and end {end.isoformat(timespec='minutes')} do not cover its legs",
            )
        first_day, last_day = base.local_date(start), base.local_date(end)
        if first_day < escort.available_from or last_day > escort.available_to:
            self.add(
                RULE_DUTY,
                f"{where}: runs {first_day} to {last_day} but {escort.escort_id} is available {escort.available_from} to {escort.available_to}",
            )

    # -- money -----------------------------------------------------------------------------------

    def case_costs(self) -> dict[str, tuple[int, int]]:
        """(fares, meals) each planned case costs on its own."""
        meal = self.s.settings.costs.meal_idr_per_travel_day
        owed: dict[str, tuple[int, int]] = {}
        for party in self.plan.parties:
            if not party.legs:
                continue
            fare = sum(self.leg_fare(leg) for leg in party.legs)
            first = self.s.location(party.legs[0].from_id).local_date(party.legs[0].depart)
            last = self.s.location(party.legs[-1].to_id).local_date(party.legs[-1].arrive)
            for case_id in party.case_ids:
                owed[case_id] = (fare, meal * _days(first, last))
        return owed

    def escort_costs(self) -> dict[tuple[str, str], tuple[int, int, int]]:
        """(fares, meals, allowance) of each duty, shared vehicles apart."""
        parties = {p.party_id: p for p in self.plan.parties}
        meal = self.s.settings.costs.meal_idr_per_travel_day
        owed: dict[tuple[str, str], tuple[int, int, int]] = {}
        for duty in self.plan.escort_duties:
            party = parties.get(duty.party_id)
            if party is None or not self.s.has_escort(duty.escort_id):
                continue
            escort = self.s.escort(duty.escort_id)
            base = self.s.location(escort.base_id)
            days = _days(base.local_date(duty.start), base.local_date(duty.end))
            fares = sum(self.leg_fare(leg) for leg in (*duty.outbound_legs, *party.legs, *duty.return_legs))
            owed[(duty.escort_id, duty.party_id)] = (fares, meal * days, escort.daily_allowance_idr * days)
        return owed

    def vehicle_cost(self) -> int:
        riders: dict[tuple[str, str, str, datetime], int] = defaultdict(int)
        for leg, count, _ in self.all_legs():
            if leg.service_id is None:
                riders[(leg.from_id, leg.to_id, leg.mode, leg.depart)] += count
        total = 0
        for (from_id, to_id, mode, _), count in riders.items():
            link = self.s.find_link(from_id, to_id, mode)
            if link is not None and link.vehicle_cost_idr:
                vehicles = math.ceil(count / link.vehicle_capacity) if link.vehicle_capacity else 1
                total += vehicles * link.vehicle_cost_idr
        return total

    def charges(self) -> None:
        s, plan = self.s, self.plan
        parties = {p.party_id: p for p in plan.parties}
        case_paid: dict[tuple[str, str], int] = defaultdict(int)
        escort_paid: dict[tuple[str, str], int] = defaultdict(int)
        vehicle_paid = 0
        per_line: dict[str, int] = defaultdict(int)
        for index, charge in enumerate(plan.charges):
            where = (
                f"charge #{index + 1} ({charge.budget_line_id}, {charge.cost_type}, {_rp(charge.amount_idr)})"
            )
            if not s.has_budget_line(charge.budget_line_id):
                self.add(
                    RULE_BUDGET, f"{where}: budget line {charge.budget_line_id} is not in budget_lines.csv"
                )
                continue
            if charge.amount_idr < 0:
                self.add(RULE_BUDGET, f"{where}: a charge cannot be negative")
            line = s.budget_line(charge.budget_line_id)
            per_line[line.budget_line_id] += charge.amount_idr
            party = parties.get(charge.party_id)
            if party is None:
                self.add(RULE_BUDGET, f"{where}: names party {charge.party_id}, which the plan does not have")
                continue
            if not line.pays(charge.cost_type):
                self.add(
                    RULE_BUDGET,
                    f"{where}: line {line.budget_line_id} does not pay '{charge.cost_type}' costs",
                )
            party_cases: list[Case] = [s.case(c) for c in party.case_ids if s.has_case(c)]
            if charge.case_id is not None:
                if charge.case_id not in party.case_ids or not s.has_case(charge.case_id):
                    self.add(RULE_BUDGET, f"{where}: case {charge.case_id} is not in party {party.party_id}")
                    continue
                if charge.cost_type == "escort":
                    self.add(RULE_BUDGET, f"{where}: a case's own charge is a fare or a meal, not 'escort'")
                case = s.case(charge.case_id)
                if not case.may_be_funded_by(line):
                    self.add(
                        RULE_BUDGET,
                        f"{where}: line {line.budget_line_id} may not pay for case {case.case_id} ({case.category}{', funding ' + ';'.join(sorted(case.funding)) if case.funding else ''})",
                    )
                case_paid[(charge.case_id, charge.cost_type)] += charge.amount_idr
                continue
            if not any(c.may_be_funded_by(line) for c in party_cases):
                self.add(
                    RULE_BUDGET,
                    f"{where}: line {line.budget_line_id} may pay for no case of party {party.party_id}",
                )
            if charge.escort_id is not None:
                if charge.cost_type != "escort":
                    self.add(RULE_BUDGET, f"{where}: what an escort costs is an 'escort' item")
                escort_paid[(charge.escort_id, charge.party_id)] += charge.amount_idr
            elif charge.cost_type == "fare":
                vehicle_paid += charge.amount_idr
            else:
                self.add(RULE_BUDGET, f"{where}: a '{charge.cost_type}' charge must name a case or an escort")
        for line_id, amount in sorted(per_line.items()):
            line = s.budget_line(line_id)
            if amount > line.ceiling_idr:
                self.add(
                    RULE_BUDGET,
                    f"line {line_id} is charged {_rp(amount)}, over its ceiling of {_rp(line.ceiling_idr)}",
                )
        for case_id, (fare, meal) in self.case_costs().items():
            for cost_type, due in (("fare", fare), ("meal", meal)):
                paid = case_paid.get((case_id, cost_type), 0)
                if paid != due:
                    self.add(
                        RULE_BUDGET,
                        f"case {case_id}: {cost_type} charges add up to {_rp(paid)}, its {cost_type}s cost {_rp(due)}",
                    )
        for (escort_id, party_id), parts in self.escort_costs().items():
            paid = escort_paid.get((escort_id, party_id), 0)
            if paid != sum(parts):
                self.add(
                    RULE_BUDGET,
                    f"escort {escort_id} with {party_id}: escort charges add up to {_rp(paid)}, the duty costs {_rp(sum(parts))}",
                )
        vehicles = self.vehicle_cost()
        if vehicle_paid != vehicles:
            self.add(
                RULE_BUDGET,
                f"shared vehicles cost {_rp(vehicles)} but their charges add up to {_rp(vehicle_paid)}",
            )

    def recompute(self) -> Recomputed:
        s, settings = self.s, self.s.settings
        fares = meals = allowance = waiting = shelter = 0
        for fare, meal in self.case_costs().values():
            fares += fare
            meals += meal
        for fare, meal, pay in self.escort_costs().values():
            fares += fare
            meals += meal
            allowance += pay
        fares += self.vehicle_cost()
        per_day, shelter_day = settings.costs.waiting_idr_per_day, settings.costs.shelter_idr_per_day
        for case_id, wait in waiting_days(s, self.plan).items():
            case = s.case(case_id)
            waiting += case.priority * per_day * wait
            shelter += shelter_day * wait
        change = self.plan.objective.change_idr
        if self.against is not None:
            change = self.against.change_idr(self.plan, settings.costs.change_idr_per_person)
        return Recomputed(fares, meals, allowance, waiting, shelter, change)

    def cost(self) -> None:
        truth = self.recompute()
        o = self.plan.objective
        for name, said, real in (
            ("total_idr", o.total_idr, truth.total_idr),
            ("cost_idr", o.cost_idr, truth.cost_idr),
            ("waiting_idr", o.waiting_idr, truth.waiting_idr),
            ("shelter_idr", o.shelter_idr, truth.shelter_idr),
            ("change_idr", o.change_idr, truth.change_idr),
        ):
            if said != real and name == "change_idr":
                assert self.against is not None  # else the plan's own change_idr is taken
                moved = self.against.changed_travellers(self.plan)
                self.add(
                    RULE_COST,
                    f"objective.change_idr is {_rp(said)} but {len(moved)} traveller(s) of the old plan "
                    f"changed or no longer travel ({', '.join(moved) or 'none'}): {_rp(real)}",
                )
            elif said != real:
                self.add(RULE_COST, f"objective.{name} is {_rp(said)} but the plan costs {_rp(real)}")
        if o.lower_bound_idr > o.total_idr:
            self.add(
                RULE_COST, f"lower_bound_idr {_rp(o.lower_bound_idr)} is above total_idr {_rp(o.total_idr)}"
            )


def check_plan(
    scenario: Scenario,
    plan: Plan,
    against: Plan | None = None,
    now: datetime | None = None,
    pinned: frozenset[str] = frozenset(),
) -> list[Violation]:
    """Every way ``plan`` breaks the contract for ``scenario``; empty when it is feasible.

    A re-plan is checked ``against`` the plan it replaces (docs/data-contract.md,
    "Re-planning"): every party of ``against`` under way or done at ``now``, or pinned (its
    ``pinned`` flag, or its id in ``pinned``), must be in ``plan`` unchanged; nothing else may
    be booked on a leg leaving before ``now``; and ``change_idr`` is recomputed from the
    travellers whose bookings changed.  Without ``now`` only pinned parties are fixed.
    """
    if against is None:
        if now is not None or pinned:
            raise ValueError("now and pinned need the plan re-planned (against)")
        return _Checker(scenario, plan).run()
    if now is not None and now.utcoffset() is None:
        raise ValueError("now needs a UTC offset")
    return _Checker(scenario, plan, Against(against, now, pinned)).run()


def waiting_days(scenario: Scenario, plan: Plan) -> dict[str, int]:
    """Days each case of the scenario named in the plan waits, planned or not (the contract's
    section on cost)."""
    settings = scenario.settings
    days: dict[str, int] = {}
    for party in plan.parties:
        if not party.legs:
            continue
        anchor = next((leg for leg in party.legs if leg.service_id is not None), party.legs[0])
        anchor_day = scenario.location(anchor.from_id).local_date(anchor.depart)
        for case_id in party.case_ids:
            if scenario.has_case(case_id):
                days[case_id] = (anchor_day - scenario.case(case_id).ready).days
    for item in plan.unplanned:
        if scenario.has_case(item.case_id):
            case = scenario.case(item.case_id)
            inside = max(0, (settings.end_date - case.ready).days)
            days[item.case_id] = inside + settings.costs.carry_over_days
    return days


def recompute_cost(scenario: Scenario, plan: Plan, against: Plan | None = None) -> Recomputed:
    """The plan's cost from the scenario; its ``change_idr`` from ``against`` when given, else
    the plan's own."""
    return _Checker(scenario, plan, None if against is None else Against(against, None)).recompute()


# -- re-planning: a plan checked against the plan it replaces ----------------------------------------

LegKey = tuple[str | None, str, str, str, datetime, datetime]


def _legs(legs: Sequence[Leg]) -> tuple[LegKey, ...]:
    """What a booking is: service, mode, places and times of each leg (nothing else)."""
    return tuple((leg.service_id, leg.mode, leg.from_id, leg.to_id, leg.depart, leg.arrive) for leg in legs)


def _leg_words(legs: Sequence[Leg]) -> str:
    if not legs:
        return "none"
    return ", ".join(
        f"{leg.service_id or leg.mode} {leg.from_id} -> {leg.to_id} {leg.depart.isoformat(timespec='minutes')}"
        for leg in legs
    )


class Against:
    """The plan a re-plan replaces, what of it is fixed at ``now``, and what changing the rest
    costs."""

    def __init__(self, old: Plan, now: datetime | None, pinned: frozenset[str] = frozenset()) -> None:
        self.old = old
        self.now = now
        self.duties: dict[str, list[EscortDuty]] = defaultdict(list)
        for duty in old.escort_duties:
            self.duties[duty.party_id].append(duty)
        # Party id -> why it is fixed.
        self.fixed: dict[str, str] = {}
        for party in old.parties:
            if now is not None and self.started(party, now):
                self.fixed[party.party_id] = f"under way at {now.isoformat(timespec='minutes')}"
            elif party.pinned or party.party_id in pinned:
                self.fixed[party.party_id] = "pinned"

    def started(self, party: Party, now: datetime) -> bool:
        """Its first leg, or the first leg of one of its escorts' duties, leaves before now."""
        firsts = [party.legs[0]] if party.legs else []
        firsts += [d.outbound_legs[0] for d in self.duties[party.party_id] if d.outbound_legs]
        return any(leg.depart < now for leg in firsts)

    # -- fixed parties -------------------------------------------------------------------------------

    def violations(self, plan: Plan) -> list[Violation]:
        found: list[Violation] = []
        kept_parties: set[str] = set()
        kept_duties: set[tuple[str, str]] = set()
        for old_party in self.old.parties:
            why = self.fixed.get(old_party.party_id)
            if why is None:
                continue
            where = f"party {old_party.party_id} ({why})"
            new_party = self.match(old_party, plan)
            if new_party is None:
                found.append(Violation(RULE_FIXED, f"{where} is missing from the plan"))
                continue
            kept_parties.add(new_party.party_id)
            changes = []
            if sorted(new_party.case_ids) != sorted(old_party.case_ids):
                changes.append(
                    f"cases were {', '.join(old_party.case_ids)}, now {', '.join(new_party.case_ids) or 'none'}"
                )
            if sorted(new_party.escort_ids) != sorted(old_party.escort_ids):
                changes.append(
                    f"escorts were {', '.join(old_party.escort_ids) or 'none'}, "
                    f"now {', '.join(new_party.escort_ids) or 'none'}"
                )
            if _legs(new_party.legs) != _legs(old_party.legs):
                changes.append(f"legs were {_leg_words(old_party.legs)}; now {_leg_words(new_party.legs)}")
            if changes:
                found.append(
                    Violation(RULE_FIXED, f"{where} changed (now {new_party.party_id}): {'; '.join(changes)}")
                )
            for old_duty in self.duties[old_party.party_id]:
                kept_duties.add((old_duty.escort_id, new_party.party_id))
                duty_where = f"{where}: the duty of escort {old_duty.escort_id}"
                new_duty = next(
                    (
                        d
                        for d in plan.escort_duties
                        if d.escort_id == old_duty.escort_id and d.party_id == new_party.party_id
                    ),
                    None,
                )
                if new_duty is None:
                    found.append(Violation(RULE_FIXED, f"{duty_where} is missing from the plan"))
                    continue
                for what, was, now_legs in (
                    ("outbound", old_duty.outbound_legs, new_duty.outbound_legs),
                    ("return", old_duty.return_legs, new_duty.return_legs),
                ):
                    if _legs(was) != _legs(now_legs):
                        found.append(
                            Violation(
                                RULE_FIXED,
                                f"{duty_where} changed: {what} legs were {_leg_words(was)}; now {_leg_words(now_legs)}",
                            )
                        )
        if self.now is not None:
            found += self.past(plan, self.now, kept_parties, kept_duties)
        return found

    def match(self, old_party: Party, plan: Plan) -> Party | None:
        """The party of ``plan`` that ``old_party`` became: of those sharing cases with it, the
        one with the same legs, else the one with most of its cases."""
        cases = set(old_party.case_ids)
        legs = _legs(old_party.legs)
        sharing = [p for p in plan.parties if cases & set(p.case_ids)]
        if not sharing:
            return None
        return max(sharing, key=lambda p: (_legs(p.legs) == legs, len(cases & set(p.case_ids))))

    def past(
        self, plan: Plan, now: datetime, kept_parties: set[str], kept_duties: set[tuple[str, str]]
    ) -> list[Violation]:
        """Nobody but the fixed parties and their escorts' duties is booked before ``now``."""
        found: list[Violation] = []
        stamp = now.isoformat(timespec="minutes")
        for party in plan.parties:
            if party.party_id in kept_parties:
                continue
            early = [leg for leg in party.legs if leg.depart < now]
            if early:
                found.append(
                    Violation(
                        RULE_PAST,
                        f"party {party.party_id} is booked on {_leg_words(early[:1])}, before {stamp}",
                    )
                )
        for duty in plan.escort_duties:
            if (duty.escort_id, duty.party_id) in kept_duties:
                continue
            early = [leg for leg in (*duty.outbound_legs, *duty.return_legs) if leg.depart < now]
            if early:
                found.append(
                    Violation(
                        RULE_PAST,
                        f"the duty of escort {duty.escort_id} with {duty.party_id} is booked on "
                        f"{_leg_words(early[:1])}, before {stamp}",
                    )
                )
        return found

    # -- the cost of changes -------------------------------------------------------------------------

    def changed_travellers(self, plan: Plan) -> list[str]:
        """Travellers of the old plan (cases, and escorts per duty) whose legs changed or who
        no longer travel."""
        new_legs = {c: _legs(p.legs) for p in plan.parties for c in p.case_ids}
        new_parties = {p.party_id: p for p in plan.parties}
        new_duties: dict[str, set[tuple[tuple[LegKey, ...], ...]]] = defaultdict(set)
        for duty in plan.escort_duties:
            party = new_parties.get(duty.party_id)
            if party is not None:
                new_duties[duty.escort_id].add(
                    (_legs(duty.outbound_legs), _legs(party.legs), _legs(duty.return_legs))
                )
        changed: list[str] = []
        old_parties = {p.party_id: p for p in self.old.parties}
        for party in self.old.parties:
            legs = _legs(party.legs)
            changed += [c for c in party.case_ids if new_legs.get(c) != legs]
        for duty in self.old.escort_duties:
            party = old_parties.get(duty.party_id)
            was = (_legs(duty.outbound_legs), _legs(party.legs) if party else (), _legs(duty.return_legs))
            if was not in new_duties[duty.escort_id]:
                changed.append(f"{duty.escort_id} with {duty.party_id}")
        return changed

    def change_idr(self, plan: Plan, per_person: int) -> int:
        return per_person * len(self.changed_travellers(plan))
