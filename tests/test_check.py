"""The checker finds each way a hand-broken plan breaks the contract, and passes good plans."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from planner.baseline import plan_baseline
from planner.check import check_plan, recompute_cost
from planner.plan import Leg, Plan
from planner.scenario import Link, Service
from tests import tiny
from tests.tiny import at, back_ferry, case, escort, ferry, scenario


def rules(plan: Plan, world: object) -> list[str]:
    return [str(v) for v in check_plan(world, plan)]  # type: ignore[arg-type]


def test_baseline_plan_of_two_cases_passes_and_costs_what_a_person_computes() -> None:
    world = scenario((case("C1"), case("C2")))
    plan = plan_baseline(world)
    assert rules(plan, world) == []
    # Two fares of 400.000, two meals for 2 days (2 and 3 Dec), one car each way-leg:
    # shelter->Kumai 200.000 and Semarang->Grobogan 600.000 for a party of two.
    assert plan.objective.cost_idr == 2 * 400_000 + 2 * 2 * 60_000 + 200_000 + 600_000
    # Both ready 1 Dec, ferry on 2 Dec: one day of waiting each, priority 1.
    assert plan.objective.waiting_idr == 2 * 150_000
    assert plan.objective.shelter_idr == 2 * 75_000
    assert recompute_cost(world, plan).total_idr == plan.objective.total_idr


def test_over_full_ferry_is_reported() -> None:
    world = scenario((case("C1"), case("C2"), case("C3")))
    plan = plan_baseline(world)
    tight = scenario(world.cases, services=(tiny.with_seats(ferry("F1", 2), 2), back_ferry("R1", 4)))
    found = rules(plan, tight)
    assert any(
        v.startswith("rule 4 (seats): F1") and "carries 3 travellers but has 2 seats" in v for v in found
    )


def test_household_split_is_reported() -> None:
    world = scenario((case("C1", household_id="H1"), case("C2", household_id="H1")))
    plan = plan_baseline(world)
    party = plan.parties[0]
    split = replace(
        plan,
        parties=(replace(party, case_ids=("C1",)),),
        unplanned=(*plan.unplanned, tiny_unplanned("C2")),
    )
    found = rules(split, world)
    assert any(v.startswith("rule 3 (household): household H1 is split") for v in found)


def tiny_unplanned(case_id: str) -> object:
    from planner.plan import Unplanned

    return Unplanned(case_id, "no_seats", "test")


def test_line_over_its_ceiling_is_reported() -> None:
    world = scenario((case("C1"),))
    plan = plan_baseline(world)
    poor = scenario(world.cases, lines=(replace(tiny.LINE, ceiling_idr=100_000),))
    found = rules(plan, poor)
    assert any(
        v.startswith("rule 7 (budget): line B-DINSOS is charged") and "over its ceiling of Rp 100.000" in v
        for v in found
    )


def test_leg_before_ready_date_is_reported() -> None:
    world = scenario((case("C1"),))
    plan = plan_baseline(world)
    late = scenario((case("C1", ready=date(2026, 12, 3)),))
    found = rules(plan, late)
    assert any(v.startswith("rule 1 (journey): party P1: leaves 2026-12-02") for v in found)


def test_escort_in_two_places_at_once_is_reported() -> None:
    tppo = {"category": "tppo", "sex": "F"}
    world = scenario(
        (case("C1", **tppo), case("C2", home="REG-LOTIM", **tppo)),
        services=(ferry("F1", 2), back_ferry("R1", 4), back_ferry("R2", 5), *LOMBOK_SERVICES),
        links=(*tiny.LINKS, *LOMBOK_LINKS),
        escorts=(escort("E1"), escort("E2")),
    )
    plan = plan_baseline(world)
    assert rules(plan, world) == []
    assert {d.escort_id for d in plan.escort_duties} == {"E1", "E2"}
    # Give both duties to E1: the two journeys overlap in time.
    duties = tuple(replace(d, escort_id="E1") for d in plan.escort_duties)
    parties = tuple(replace(p, escort_ids=("E1",)) for p in plan.parties)
    found = rules(replace(plan, escort_duties=duties, parties=parties), world)
    assert any(v.startswith("rule 6 (escort duty): escort E1 is on two duties at once") for v in found)


# Semarang -> Lombok by air crosses from WIB (+07:00) to WITA (+08:00).
LOMBOK_SERVICES = (
    # Leaves Semarang 10:00 WIB, lands 12:00 WITA (= 11:00 WIB).
    Service("FL1", "flight", "PORT-SMG", "REG-LOTIM", at(3, 10), at(3, 12, tz=tiny.WITA), 5, 900_000),
    Service("FL2", "flight", "REG-LOTIM", "PORT-SMG", at(4, 13, tz=tiny.WITA), at(4, 14), 5, 900_000),
)
LOMBOK_LINKS: tuple[Link, ...] = ()


def test_missed_connection_across_a_time_zone_change_is_reported() -> None:
    # A bus from Lombok home written in WITA leaving 11:30+08:00 = 10:30 WIB, i.e. before the
    # flight from Semarang (10:00 WIB) has even landed (12:00 WITA): on the wall clocks
    # "arrive 12:00, leave 11:30" might be missed, and "10:00 -> 11:30" looks fine.
    world = scenario(
        (case("C1", home="REG-LOTIM"),), services=(ferry("F1", 2), back_ferry("R1", 4), *LOMBOK_SERVICES)
    )
    plan = plan_baseline(world)
    assert rules(plan, world) == []
    party = plan.parties[0]
    flight = next(leg for leg in party.legs if leg.service_id == "FL1")
    assert flight.arrive.utcoffset() == timedelta(hours=8)
    # Hand-edit: take the flight on the day the ferry lands, an hour after landing, but write
    # the flight's times in the wrong zone so that a wall-clock reading passes.
    early = Service(
        "FL0", "flight", "PORT-SMG", "REG-LOTIM", at(3, 9, tz=tiny.WITA), at(3, 11, tz=tiny.WITA), 5, 900_000
    )
    world2 = scenario(world.cases, services=(*world.services, early))
    legs = tuple(
        Leg(
            "FL0", "flight", "PORT-SMG", "REG-LOTIM", early.depart, early.arrive, leg.travellers, leg.cost_idr
        )
        if leg.service_id == "FL1"
        else leg
        for leg in party.legs
    )
    found = rules(replace(plan, parties=(replace(party, legs=legs),)), world2)
    # Ferry lands 08:00 WIB; the flight leaves 09:00 WITA = 08:00 WIB: 0 minutes, 90 needed.
    assert any("missed connection at PORT-SMG: 0 min" in v and "at least 90 min" in v for v in found)


def test_wrong_total_and_unpaid_case_are_reported() -> None:
    world = scenario((case("C1"),))
    plan = plan_baseline(world)
    wrong = replace(
        plan,
        objective=replace(plan.objective, total_idr=plan.objective.total_idr - 1),
        charges=tuple(c for c in plan.charges if not (c.case_id == "C1" and c.cost_type == "meal")),
    )
    found = rules(wrong, world)
    assert any(v.startswith("cost: objective.total_idr") for v in found)
    assert any(v.startswith("rule 7 (budget): case C1: meal charges add up to Rp 0") for v in found)


def test_charge_to_a_line_the_case_may_not_use_is_reported() -> None:
    company = replace(tiny.LINE, budget_line_id="B-PT", categories=frozenset({"pmi"}))
    world = scenario((case("C1"),), lines=(tiny.LINE, company))
    plan = plan_baseline(world)
    moved = tuple(
        replace(c, budget_line_id="B-PT") if c.case_id == "C1" and c.cost_type == "fare" else c
        for c in plan.charges
    )
    found = rules(replace(plan, charges=moved), world)
    assert any("line B-PT may not pay for case C1 (terlantar)" in v for v in found)


def test_every_case_must_appear_once() -> None:
    world = scenario((case("C1"), case("C2")))
    plan = plan_baseline(world)
    missing = replace(plan, parties=(replace(plan.parties[0], case_ids=("C1",)),))
    found = rules(missing, world)
    assert "cases: case C2 is neither in a party nor unplanned" in found
