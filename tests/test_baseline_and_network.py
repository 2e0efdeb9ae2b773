"""The network finds dated journeys; the first-come baseline books them and says who waits why."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from planner.baseline import plan_baseline
from planner.check import check_plan
from planner.network import Reachability, TransportNetwork
from tests import tiny
from tests.tiny import at, back_ferry, case, escort, ferry, scenario


def test_itinerary_times_road_legs_just_in_time_and_home_right_after() -> None:
    world = scenario((case("C1"),))
    network = TransportNetwork(world)
    journeys = list(network.itineraries("SHL-PKB", "REG-GROBOGAN", at(1, 0)))
    assert len(journeys) == 1
    legs = journeys[0].legs
    assert [leg.service_id for leg in legs] == [None, "F1", None]
    # Car to Kumai arrives two hours (the ferry's connection minimum) before 08:00.
    assert legs[0].depart == at(2, 5, 30) and legs[0].arrive == at(2, 6)
    assert legs[2].depart == at(3, 8) and legs[2].arrive == at(3, 11)


def test_no_route_is_told_apart_from_no_route_in_the_window() -> None:
    world = scenario((case("C1"),))
    network = TransportNetwork(world)
    assert network.reachability("SHL-PKB", "REG-NOWHERE", at(1, 0)) is Reachability.NO_ROUTE
    # The only ferry leaves on 2 Dec: ready on 3 Dec there is a route, but not in the window.
    assert network.reachability("SHL-PKB", "REG-GROBOGAN", at(3, 0)) is Reachability.NONE_IN_WINDOW
    assert network.reachability("SHL-PKB", "REG-GROBOGAN", at(1, 0)) is Reachability.OK


def test_connection_minimum_counts_in_absolute_time_across_zones() -> None:
    # Ferry lands in Semarang 08:00 WIB; a flight leaving 09:00 WITA (= 08:00 WIB) cannot be
    # caught, one leaving 10:00 WITA (= 09:00 WIB) neither (90 min needed), 11:00 WITA can.
    flights = tuple(
        tiny.Service(
            f"FL{h}",
            "flight",
            "PORT-SMG",
            "REG-LOTIM",
            at(3, h, tz=tiny.WITA),
            at(3, h + 2, tz=tiny.WITA),
            5,
            900_000,
        )
        for h in (9, 10, 11)
    )
    world = scenario((case("C1", home="REG-LOTIM"),), services=(ferry("F1", 2), *flights))
    journeys = list(TransportNetwork(world).itineraries("SHL-PKB", "REG-LOTIM", at(1, 0)))
    assert [j.service_ids for j in journeys] == [("F1", "FL11")]


def test_baseline_groups_a_household_and_plans_everyone_it_can() -> None:
    world = scenario((case("C1", household_id="H"), case("C2", household_id="H"), case("C3")))
    plan = plan_baseline(world)
    assert check_plan(world, plan) == []
    assert [sorted(p.case_ids) for p in plan.parties] == [["C1", "C2", "C3"]]


def test_reasons_for_waiting() -> None:
    world = scenario(
        (
            case("NOROUTE", home="REG-NOWHERE"),
            case("LATE", ready=date(2026, 12, 20)),
            case("MISSED", ready=date(2026, 12, 3)),
            case("SEATED1"),
            case("SEATED2"),
            case("NOSEAT"),
            case("VICTIM", sex="F", category="tppo", needs=frozenset({"female_escort"})),
        ),
        services=(tiny.with_seats(ferry("F1", 2), 3), back_ferry("R1", 4)),
        escorts=(escort("E1", sex="M"),),
    )
    plan = plan_baseline(world)
    assert check_plan(world, plan) == []
    reasons = {u.case_id: u.reason for u in plan.unplanned}
    assert reasons["NOROUTE"] == "no_route"
    assert reasons["LATE"] == "not_ready"
    assert reasons["MISSED"] == "horizon"
    assert reasons["VICTIM"] == "no_escort"
    assert "woman" in next(u.detail for u in plan.unplanned if u.case_id == "VICTIM")
    assert (
        sorted(c for p in plan.parties for c in p.case_ids) == ["NOSEAT", "SEATED1", "SEATED2"]
        or reasons.get("NOSEAT") == "no_seats"
    )


def test_full_ferry_leaves_the_last_comer_waiting_for_seats() -> None:
    world = scenario(
        (
            case("A", ready=date(2026, 12, 1)),
            case("B", ready=date(2026, 12, 1)),
            case("C", ready=date(2026, 12, 2)),
        ),
        services=(tiny.with_seats(ferry("F1", 2), 2),),
    )
    plan = plan_baseline(world)
    assert check_plan(world, plan) == []
    assert [(u.case_id, u.reason) for u in plan.unplanned] == [("C", "no_seats")]
    assert "F1" in plan.unplanned[0].detail and "0 seats left" in plan.unplanned[0].detail


def test_empty_budget_leaves_everyone_waiting_for_money() -> None:
    world = scenario((case("C1"),), lines=(replace(tiny.LINE, ceiling_idr=500_000),))
    plan = plan_baseline(world)
    assert check_plan(world, plan) == []
    assert [(u.case_id, u.reason) for u in plan.unplanned] == [("C1", "budget")]
    # The unplanned case waits to the window's end (8 Dec) plus the carry-over week.
    assert plan.objective.waiting_idr == 150_000 * ((7 - 0) + 7)


def test_escort_goes_out_with_the_party_and_comes_back_within_availability() -> None:
    world = scenario(
        (case("V", sex="F", category="tppo"),),
        escorts=(escort("E-BUSY", available_to=date(2026, 12, 3)), escort("E-FREE")),
    )
    plan = plan_baseline(world)
    assert check_plan(world, plan) == []
    (duty,) = plan.escort_duties
    assert duty.escort_id == "E-FREE"
    assert duty.return_legs[-1].to_id == "SHL-PKB"
    assert duty.days == (date(2026, 12, 5) - date(2026, 12, 2)).days + 1
    assert duty.end - duty.start > timedelta(days=3)


def test_two_escorts_of_one_party_never_both_count_on_the_last_seat_home() -> None:
    # Two trafficking victims need two escorts (one case each); the ferry back has one seat,
    # so the second escort must wait for the later ferry, never take a seat that is not there.
    world = scenario(
        (case("C1", category="tppo", household_id="H"), case("C2", category="tppo", household_id="H")),
        services=(ferry("F1", 2), back_ferry("R1", 4, seats=1), back_ferry("R2", 5)),
        escorts=(escort("E1", max_cases=1), escort("E2", max_cases=1)),
    )
    plan = plan_baseline(world)
    assert check_plan(world, plan) == []
    assert plan.planned_case_ids == ("C1", "C2")
    backs = sorted(
        next(leg.service_id for leg in d.return_legs if leg.service_id) for d in plan.escort_duties
    )
    assert backs == ["R1", "R2"]
