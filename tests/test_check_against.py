"""A re-plan checked against the plan it replaces: parties under way or pinned stay as they
were, nobody is booked in the past, and the change cost is what the moved travellers cost.
And plan.json keeps the re-planning fields."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.baseline import plan_baseline
from planner.check import check_plan, recompute_cost
from planner.cli import app
from planner.io.plan_json import plan_from_dict, plan_to_dict, read_plan, write_plan
from planner.io.write import write_scenario
from planner.plan import Plan, Unplanned
from planner.scenario import Scenario
from tests.tiny import at, back_ferry, case, escort, ferry, scenario

# C1 (a trafficking victim, with escort E1) sails on F1 on 2 Dec, C2 (ready 4 Dec) on F2 on
# 4 Dec; F3 on 5 Dec is the spare ship.  The escort comes back on R1 (4 Dec) or R2 (5 Dec).
SERVICES = (ferry("F1", 2), ferry("F2", 4), ferry("F3", 5), back_ferry("R1", 4), back_ferry("R2", 5))
WORLD = scenario(
    (case("C1", sex="F", category="tppo"), case("C2", ready=date(2026, 12, 4))),
    services=SERVICES,
    escorts=(escort("E1"),),
    horizon_days=8,
)
OLD = plan_baseline(WORLD)
RATE = WORLD.settings.costs.change_idr_per_person  # Rp 100.000


def with_seats(world: Scenario, **seats: int) -> Scenario:
    services = tuple(replace(s, seats=seats.get(s.service_id, s.seats)) for s in world.services)
    return replace(world, services=services)


def charged(plan: Plan, change_idr: int) -> Plan:
    """The plan with its change cost set and counted in its total."""
    o = plan.objective
    return replace(plan, objective=replace(o, change_idr=change_idr, total_idr=o.total_idr + change_idr))


def found(world: Scenario, plan: Plan, **kw: object) -> list[str]:
    return [str(v) for v in check_plan(world, plan, OLD, **kw)]  # type: ignore[arg-type]


def test_the_old_plan_is_what_a_person_expects() -> None:
    assert [(p.party_id, p.case_ids, p.escort_ids) for p in OLD.parties] == [
        ("P1", ("C1",), ("E1",)),
        ("P2", ("C2",), ()),
    ]
    assert [leg.service_id for leg in OLD.parties[0].legs] == [None, "F1", None]
    assert [leg.service_id for leg in OLD.escort_duties[0].return_legs] == [None, "R1", None]
    assert check_plan(WORLD, OLD) == []


def test_an_unchanged_re_plan_passes_and_costs_no_change() -> None:
    assert found(WORLD, OLD, now=at(3, 0)) == []
    assert recompute_cost(WORLD, OLD, against=OLD).change_idr == 0


def test_a_re_plan_that_changes_a_party_under_way_is_reported() -> None:
    # P1 left on 2 Dec.  A new plan that sends it half an hour earlier, or with another escort,
    # changes a journey already made.
    party, duty = OLD.parties[0], OLD.escort_duties[0]
    car = party.legs[0]
    earlier = replace(car, depart=at(2, 5), arrive=at(2, 5, 30))
    moved = replace(
        OLD,
        parties=(replace(party, legs=(earlier, *party.legs[1:])), OLD.parties[1]),
        escort_duties=(replace(duty, start=at(2, 5)),),
    )
    violations = found(WORLD, charged(moved, 2 * RATE), now=at(3, 0))
    assert any(
        v.startswith(
            "re-plan (fixed party): party P1 (under way at 2026-12-03T00:00+07:00) changed (now P1): "
        )
        and "legs were car SHL-PKB -> PORT-KUMAI 2026-12-02T05:30+07:00" in v
        for v in violations
    ), violations
    world = replace(WORLD, escorts=(escort("E1"), escort("E2")))
    swapped = replace(
        OLD,
        parties=(replace(party, escort_ids=("E2",)), OLD.parties[1]),
        escort_duties=(replace(duty, escort_id="E2"),),
        charges=tuple(replace(c, escort_id="E2") if c.escort_id == "E1" else c for c in OLD.charges),
    )
    assert found(world, charged(swapped, RATE), now=at(3, 0)) == [
        "re-plan (fixed party): party P1 (under way at 2026-12-03T00:00+07:00) changed (now P1): "
        "escorts were E1, now E2",
        "re-plan (fixed party): party P1 (under way at 2026-12-03T00:00+07:00): the duty of escort E1 "
        "is missing from the plan",
    ]


def test_a_changed_escort_return_of_a_party_under_way_is_reported() -> None:
    world = with_seats(WORLD, R1=0)
    later = plan_baseline(world)
    assert [leg.service_id for leg in later.escort_duties[0].return_legs] == [None, "R2", None]
    violations = found(world, charged(later, RATE), now=at(3, 0))
    assert violations == [
        "re-plan (fixed party): party P1 (under way at 2026-12-03T00:00+07:00): the duty of escort E1 "
        "changed: return legs were car REG-GROBOGAN -> PORT-SMG 2026-12-04T07:00+07:00, "
        "R1 PORT-SMG -> PORT-KUMAI 2026-12-04T12:00+07:00, car PORT-KUMAI -> SHL-PKB 2026-12-05T12:00+07:00; "
        "now car REG-GROBOGAN -> PORT-SMG 2026-12-05T07:00+07:00, R2 PORT-SMG -> PORT-KUMAI "
        "2026-12-05T12:00+07:00, car PORT-KUMAI -> SHL-PKB 2026-12-06T12:00+07:00"
    ]


@pytest.mark.parametrize("how", ["flag in plan.json", "--pin"])
def test_a_re_plan_that_changes_a_pinned_party_is_reported(how: str) -> None:
    world = with_seats(WORLD, F2=0)
    later = plan_baseline(world)  # C2 now sails on F3
    assert [leg.service_id for leg in later.parties[1].legs] == [None, "F3", None]
    if how == "--pin":
        violations = [
            str(v) for v in check_plan(world, charged(later, RATE), OLD, at(1, 0), frozenset({"P2"}))
        ]
    else:
        pinned = replace(OLD, parties=(OLD.parties[0], replace(OLD.parties[1], pinned=True)))
        violations = [str(v) for v in check_plan(world, charged(later, RATE), pinned, at(1, 0))]
    assert len(violations) == 1 and violations[0].startswith(
        "re-plan (fixed party): party P2 (pinned) changed (now P2): legs were car SHL-PKB -> PORT-KUMAI"
    ), violations
    # Not pinned, the same move is a fair re-plan.
    assert found(world, charged(later, RATE), now=at(1, 0)) == []


def test_a_pinned_party_missing_from_the_re_plan_is_reported() -> None:
    dropped = replace(
        OLD,
        parties=OLD.parties[:1],
        unplanned=(Unplanned("C2", "no_seats", "test"),),
    )
    violations = [str(v) for v in check_plan(WORLD, dropped, OLD, at(1, 0), frozenset({"P2"}))]
    assert "re-plan (fixed party): party P2 (pinned) is missing from the plan" in violations


def test_a_new_booking_in_the_past_is_reported() -> None:
    # In the old plan C2 was waiting; the new plan books C2 on a car that left at 05:30.
    waiting = replace(OLD, parties=OLD.parties[:1], unplanned=(Unplanned("C2", "not_ready", "test"),))
    violations = [str(v) for v in check_plan(WORLD, OLD, waiting, at(4, 6))]
    assert violations == [
        "re-plan (booked in the past): party P2 is booked on car SHL-PKB -> PORT-KUMAI 2026-12-04T05:30+07:00, "
        "before 2026-12-04T06:00+07:00"
    ]


def test_a_wrong_change_cost_is_reported_and_the_right_one_passes() -> None:
    world = with_seats(WORLD, F2=0)
    later = plan_baseline(world)  # C2 moved from F2 to F3: one traveller changed
    violations = found(world, later, now=at(1, 0))
    assert (
        "cost: objective.change_idr is Rp 0 but 1 traveller(s) of the old plan changed or no longer travel "
        "(C2): Rp 100.000"
    ) in violations
    assert any(v.startswith("cost: objective.total_idr") for v in violations)
    assert found(world, charged(later, RATE), now=at(1, 0)) == []
    assert recompute_cost(world, later, against=OLD).change_idr == RATE


def test_without_the_old_plan_the_plans_own_change_cost_is_part_of_its_total() -> None:
    assert check_plan(WORLD, charged(OLD, 300_000)) == []
    wrong = replace(OLD, objective=replace(OLD.objective, change_idr=300_000))
    assert [str(v) for v in check_plan(WORLD, wrong)] == [
        f"cost: objective.total_idr is Rp {OLD.objective.total_idr:,} but the plan costs Rp {OLD.objective.total_idr + 300_000:,}".replace(
            ",", "."
        )
    ]


# -- plan.json -------------------------------------------------------------------------------------


def test_plan_json_round_trips_pinned_and_change_idr(tmp_path: Path) -> None:
    plan = charged(replace(OLD, parties=(replace(OLD.parties[0], pinned=True), OLD.parties[1])), 200_000)
    document = plan_to_dict(plan)
    assert [p.get("pinned") for p in document["parties"]] == [True, None]
    assert document["objective"]["change_idr"] == 200_000
    assert read_plan(write_plan(plan, tmp_path / "plan.json")) == replace(
        plan, solve_seconds=round(plan.solve_seconds, 3)
    )


def test_an_older_plan_json_reads_with_nothing_pinned_and_no_change_cost() -> None:
    document = plan_to_dict(OLD)
    del document["objective"]["change_idr"]
    read = plan_from_dict(json.loads(json.dumps(document)))
    assert read.objective.change_idr == 0 and not any(p.pinned for p in read.parties)


# -- the command line --------------------------------------------------------------------------------


def test_cli_check_against_reports_a_changed_pinned_party_and_passes_a_fair_re_plan(tmp_path: Path) -> None:
    world = with_seats(WORLD, F2=0)
    write_scenario(world, tmp_path / "week")
    old = write_plan(OLD, tmp_path / "old.json")
    new = write_plan(charged(plan_baseline(world), RATE), tmp_path / "new.json")
    base = [
        "check",
        str(tmp_path / "week"),
        str(new),
        "--against",
        str(old),
        "--now",
        "2026-12-01T00:00+07:00",
    ]
    fair = CliRunner().invoke(app, base)
    assert fair.exit_code == 0, fair.output
    assert "changed bookings cost Rp 100.000" in fair.output
    pinned = CliRunner().invoke(app, [*base, "--pin", "P2"])
    assert pinned.exit_code == 1
    assert "re-plan (fixed party): party P2 (pinned) changed" in pinned.output


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--now", "2026-12-01T00:00"], "--now: '2026-12-01T00:00' has no UTC offset"),
        ([], "--against needs --now"),
        (["--now", "2026-12-01T00:00+07:00", "--pin", "P9"], "--pin: 'P9' is not a party of old.json"),
    ],
)
def test_cli_check_against_refuses_bad_options_without_a_traceback(
    tmp_path: Path, extra: list[str], expected: str
) -> None:
    write_scenario(WORLD, tmp_path / "week")
    old = write_plan(OLD, tmp_path / "old.json")
    result = CliRunner().invoke(
        app, ["check", str(tmp_path / "week"), str(old), "--against", str(old), *extra]
    )
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output
