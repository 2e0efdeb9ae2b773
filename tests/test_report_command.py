"""`repat plan` writes every output beside plan.json; `repat report` makes them from any plan."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from planner.cli import app, demo_path
from planner.io.validate import read_scenario

OUTPUTS = ("plan.json", "manifests.xlsx", "manifests.csv", "itineraries.html", "budget.xlsx", "map.html")


def test_plan_writes_every_output_beside_the_plan(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["plan", str(demo_path()), "--out", str(tmp_path), "--baseline"])
    assert result.exit_code == 0, result.output
    for name in OUTPUTS:
        assert (tmp_path / name).stat().st_size > 0, name
    assert not list(tmp_path.glob(".*.part"))
    assert "Rombongan" in (tmp_path / "itineraries.html").read_text(encoding="utf-8")


def test_report_remakes_the_outputs_of_a_plan_in_english_with_names_on_the_map(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["plan", str(demo_path()), "--out", str(tmp_path / "plan"), "--baseline"])
    plan_json = tmp_path / "plan" / "plan.json"
    result = runner.invoke(
        app,
        [
            "report",
            str(demo_path()),
            str(plan_json),
            "--out",
            str(tmp_path / "en"),
            "--lang",
            "en",
            "--map-names",
        ],
    )
    assert result.exit_code == 0, result.output
    for name in OUTPUTS[1:]:
        assert (tmp_path / "en" / name).exists(), name
    assert "Party" in (tmp_path / "en" / "itineraries.html").read_text(encoding="utf-8")
    planned = json.loads(plan_json.read_text())["parties"][0]["case_ids"][0]
    name = read_scenario(demo_path()).case(planned).name
    assert name and name in (tmp_path / "en" / "map.html").read_text(encoding="utf-8")


def test_report_refuses_a_plan_that_breaks_the_rules_and_writes_nothing(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["plan", str(demo_path()), "--out", str(tmp_path), "--baseline"])
    plan_json = tmp_path / "plan.json"
    plan = json.loads(plan_json.read_text())
    plan["objective"]["total_idr"] += 1
    plan_json.write_text(json.dumps(plan))
    result = runner.invoke(app, ["report", str(demo_path()), str(plan_json), "--out", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "--unchecked" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r").exists()
    unchecked = runner.invoke(
        app, ["report", str(demo_path()), str(plan_json), "--out", str(tmp_path / "r"), "--unchecked"]
    )
    assert unchecked.exit_code == 0, unchecked.output
    assert (tmp_path / "r" / "budget.xlsx").exists()


def test_report_names_what_a_plan_of_another_scenario_lacks(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["plan", str(demo_path()), "--out", str(tmp_path), "--baseline"])
    plan_json = tmp_path / "plan.json"
    plan = json.loads(plan_json.read_text())
    plan["parties"][0]["case_ids"][0] = "C-NOBODY"
    plan["parties"][0]["legs"][0]["to_id"] = "NOWHERE"
    plan_json.write_text(json.dumps(plan))
    result = runner.invoke(
        app, ["report", str(demo_path()), str(plan_json), "--out", str(tmp_path / "r"), "--unchecked"]
    )
    assert result.exit_code == 2
    assert "'C-NOBODY' is not in the scenario" in result.output
    assert "'NOWHERE' is not in the scenario" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r").exists()


def test_report_names_an_unreadable_plan(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text("{not json")
    result = CliRunner().invoke(app, ["report", str(demo_path()), str(tmp_path / "plan.json")])
    assert result.exit_code == 2
    assert "plan.json" in result.output and "Traceback" not in result.output
