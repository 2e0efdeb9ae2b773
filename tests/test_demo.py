"""The demo week: valid, exported to every format unchanged, planned and checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.baseline import plan_baseline
from planner.check import check_plan
from planner.cli import app, demo_path
from planner.io.validate import read_scenario
from planner.io.write import write_scenario
from planner.scenario import Scenario
from tests.test_validation import edit


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return read_scenario(demo_path())


def test_demo_week_has_the_shape_the_issue_asks_for(demo: Scenario) -> None:
    shelters = {demo.location(c.location_id).name for c in demo.cases}
    assert len(shelters) == 3
    assert 40 <= len(demo.cases) <= 60
    assert 6 <= len(demo.escorts) <= 8
    assert 4 <= len(demo.budget_lines) <= 6
    assert any(c.household_id for c in demo.cases)
    assert any("female_escort" in c.needs for c in demo.cases)
    assert any("medical" in c.needs for c in demo.cases)
    assert {s.mode for s in demo.services} >= {"ferry", "flight", "bus"}


@pytest.mark.parametrize("target", ["csv", "demo.xlsx", "demo.zip"])
def test_demo_exports_read_back_to_the_same_scenario(demo: Scenario, tmp_path: Path, target: str) -> None:
    result = CliRunner().invoke(app, ["demo", "--export", str(tmp_path / target)])
    assert result.exit_code == 0, result.output
    assert read_scenario(tmp_path / target) == demo


def test_baseline_plan_of_the_demo_passes_the_checker(demo: Scenario) -> None:
    plan = plan_baseline(demo)
    assert check_plan(demo, plan) == []
    assert len(plan.planned_case_ids) + len(plan.unplanned) == len(demo.cases)
    assert len(plan.planned_case_ids) > 0
    reasons = {u.reason for u in plan.unplanned}
    assert "no_route" in reasons and "not_ready" in reasons


def test_cli_plan_then_check_round_trip(tmp_path: Path) -> None:
    runner = CliRunner()
    planned = runner.invoke(app, ["plan", str(demo_path()), "--out", str(tmp_path), "--baseline"])
    assert planned.exit_code == 0, planned.output
    checked = runner.invoke(app, ["check", str(demo_path()), str(tmp_path / "plan.json")])
    assert checked.exit_code == 0, checked.output
    assert "obeys every rule" in checked.output


def test_cli_check_rejects_a_hand_broken_plan(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["plan", str(demo_path()), "--out", str(tmp_path), "--baseline"])
    text = (tmp_path / "plan.json").read_text()
    (tmp_path / "plan.json").write_text(text.replace('"total_idr": ', '"total_idr": 1', 1))
    checked = runner.invoke(app, ["check", str(demo_path()), str(tmp_path / "plan.json")])
    assert checked.exit_code == 1
    assert "cost: objective.total_idr" in checked.output


def test_cli_check_names_a_malformed_plan(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text('{"contract": "repat-plan/1", "parties": 3}')
    checked = CliRunner().invoke(app, ["check", str(demo_path()), str(tmp_path / "plan.json")])
    assert checked.exit_code == 2
    assert "$.parties" in checked.output and "Traceback" not in checked.output


def test_a_broken_copy_of_the_demo_lists_every_planted_error(tmp_path: Path) -> None:
    write_scenario(read_scenario(demo_path()), tmp_path / "week")

    planted = [
        ("cases", 5, "home_id", "Kab. Atlantis", "cases.csv:5:home_id:"),
        ("cases", 9, "ready", "2026-13-01", "cases.csv:9:ready:"),
        ("services", 3, "arrive", "2026-12-01T08:00", "services.csv:3:arrive:"),
        ("services", 7, "seats", "ten", "services.csv:7:seats:"),
        ("locations", 4, "lon", "-110.5", "locations.csv:4:lon:"),
        ("escorts", 2, "sex", "W", "escorts.csv:2:sex:"),
        ("budget_lines", 3, "ceiling_idr", "Rp 5 juta", "budget_lines.csv:3:ceiling_idr:"),
    ]
    for table, row, column, value, _ in planted:
        edit(tmp_path / "week", table, row, column, value)
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "week")])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if ".csv:" in line]
    for *_, where in planted:
        assert any(line.startswith(where) for line in lines), (where, lines)
    assert "Traceback" not in result.output
