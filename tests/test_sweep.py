"""What-if sweeps: the variants of a week (budget, escorts, fares and their product), a sweep of
the demo week on the embedded Dask cluster whose table matches its plans, more budget never
planning fewer people on a tiny week solved to optimality, a killed worker that loses no other
variant's result, and bad ``--vary`` values refused in words."""

from __future__ import annotations

import csv
import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.check import check_plan
from planner.cli import app, demo_path
from planner.cluster import Cluster, run_variants, sweep
from planner.io.validate import read_scenario
from planner.optimizer import Options
from planner.scenario import Link, Scenario
from planner.sweep import Axis, SweepError, VariantResult, parse_axis, solve_variant, variants
from tests.tiny import LINE, case, escort, scenario

runner = CliRunner()
PER_PERSON = 670_000  # the tiny week's cost of one case home: ferry, two buses, meals
BUS_LINKS = (
    Link("SHL-PKB", "PORT-KUMAI", "bus", 30, 50_000),
    Link("PORT-SMG", "REG-GROBOGAN", "bus", 180, 100_000),
)


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return read_scenario(demo_path())


def test_the_variants_are_the_product_of_the_axes_named_in_order(demo: Scenario) -> None:
    axes = [parse_axis("budget=0.7,1.0"), parse_axis("escorts=+0,+2"), parse_axis("fares.ferry=1.0,1.2")]
    found = variants(demo, axes)
    assert len(found) == 8
    assert [v.name for v in found[:2]] == ["v01", "v02"]
    assert (found[0].budget, found[0].escorts_added, found[0].fares) == (0.7, 0, (("ferry", 1.0),))
    assert (found[-1].budget, found[-1].escorts_added, found[-1].fares) == (1.0, 2, (("ferry", 1.2),))
    assert found[-1].describe() == "budget x1, 2 escort(s) added, ferry fares x1.2"


def test_budget_scales_every_line_or_only_the_named_one(demo: Scenario) -> None:
    first = demo.budget_lines[0]
    every = variants(demo, [Axis("budget", (0.5,))])[0].apply(demo)
    assert [b.ceiling_idr for b in every.budget_lines] == [
        round(b.ceiling_idr * 0.5) for b in demo.budget_lines
    ]
    one = variants(demo, [Axis("budget", (2.0,))], first.budget_line_id)[0].apply(demo)
    assert one.budget_lines[0].ceiling_idr == first.ceiling_idr * 2
    assert one.budget_lines[1:] == demo.budget_lines[1:]


def test_fares_scale_by_mode_only_that_mode(demo: Scenario) -> None:
    week = variants(demo, [Axis("fares.ferry", (1.5,))])[0].apply(demo)
    for before, after in zip(demo.services, week.services, strict=True):
        assert after.fare_idr == (round(before.fare_idr * 1.5) if before.mode == "ferry" else before.fare_idr)
    assert week.links == demo.links
    every = variants(demo, [Axis("fares", (2.0,))])[0].apply(demo)
    assert all(b.fare_idr == a.fare_idr * 2 for a, b in zip(demo.services, every.services, strict=True))
    assert all(
        b.vehicle_cost_idr == a.vehicle_cost_idr * 2 for a, b in zip(demo.links, every.links, strict=True)
    )


def test_added_escorts_copy_women_first_round_robin_when_a_case_needs_a_woman() -> None:
    week = scenario(
        (case("C1", category="tppo", sex="F", needs=frozenset({"female_escort"})),),
        escorts=(escort("E1", sex="M"), escort("E2", sex="F", skills=frozenset({"psychosocial"}))),
    )
    added = variants(week, [Axis("escorts", (3,))])[0].apply(week).escorts[2:]
    assert [e.escort_id for e in added] == ["E2+1", "E1+1", "E2+2"]
    assert [e.sex for e in added] == ["F", "M", "F"]
    assert added[0].skills == frozenset({"psychosocial"}) and added[0].base_id == "SHL-PKB"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("budget", "NAME=VALUES"),
        ("budgt=1", "cannot be varied"),
        ("budget=0.5,abc", "'abc' is not a factor"),
        ("budget=-1", "from 0 to"),
        ("escorts=+1.5", "whole number"),
        ("fares=1,1", "given twice"),
    ],
)
def test_bad_vary_values_are_refused_in_words(text: str, said: str) -> None:
    with pytest.raises(SweepError, match=said):
        parse_axis(text)


def test_the_command_refuses_a_bad_vary_without_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["sweep", str(demo_path()), "--vary", "budget=0.5,lots", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "'lots' is not a factor" in result.output
    result = runner.invoke(
        app, ["sweep", str(demo_path()), "--vary", "budget=1", "--line", "B-NONE", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "not a budget line" in result.output


def test_a_sweep_of_the_demo_week_on_the_local_cluster_matches_its_checked_plans(
    demo: Scenario, tmp_path: Path
) -> None:
    """Four variants on the embedded cluster (2 workers), through the command; each variant
    solved again here at the same seed and work limit gives the same plan, which passes the
    checker, and the table's row is that plan's numbers."""
    result = runner.invoke(
        app,
        [
            "sweep", str(demo_path()), "--vary", "budget=0.6,1.0", "--vary", "escorts=+0,+2",
            "--work-limit", "1", "--seed", "3", "--out", str(tmp_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for name in ("sweep.csv", "sweep.xlsx", "sweep.png", "variants/v04.json"):
        assert (tmp_path / name).stat().st_size > 0
    assert not list(tmp_path.rglob("*.part"))
    with (tmp_path / "sweep.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["variant"] for r in rows] == ["v01", "v02", "v03", "v04"]
    options = Options(time_limit=30, workers=1, seed=3, work_limit=1)
    for row, variant in zip(
        rows, variants(demo, [Axis("budget", (0.6, 1.0)), Axis("escorts", (0, 2))]), strict=True
    ):
        week = variant.apply(demo)
        _, plan = solve_variant(demo, variant, options)
        assert check_plan(week, plan) == []
        assert row["check"] == "ok" and row["attempts"] == "1"
        assert int(row["people_home"]) == len(plan.planned_case_ids)
        assert int(row["total_idr"]) == plan.objective.total_idr
        assert int(row["money_idr"]) == plan.objective.cost_idr
        assert int(row["bound_idr"]) == plan.objective.lower_bound_idr
        assert row["status"] == plan.status
        for line in week.budget_lines:
            spent = sum(c.amount_idr for c in plan.charges if c.budget_line_id == line.budget_line_id)
            assert int(row[f"money_{line.budget_line_id}"]) == spent
            assert spent <= line.ceiling_idr
    # More budget, the same escorts: never fewer people home (v01/v03 with none added, v02/v04
    # with two). These plans are not proven optimal (the demo week's gap is about 3%); the
    # test below checks the same on a week whose every variant is.
    people = [int(r["people_home"]) for r in rows]
    assert people[2] >= people[0] and people[3] >= people[1], people


def test_more_budget_never_plans_fewer_people_when_each_variant_is_optimal() -> None:
    """Six people, one line paying Rp 670.000 a head: a quarter of four heads' money takes one
    home, the whole four; every variant proven optimal."""
    week = scenario(
        tuple(case(f"C{i}") for i in range(1, 7)),
        lines=(replace(LINE, ceiling_idr=4 * PER_PERSON),),
        links=BUS_LINKS,
    )
    chosen = variants(week, [Axis("budget", (0.25, 0.5, 0.75, 1.0, 1.5))])
    results = sweep(week, chosen, Options(time_limit=10, workers=1, work_limit=5), workers=2)
    assert [r.status for r in results] == ["optimal"] * 5
    assert all(r.check == "ok" for r in results)
    planned = [r.planned for r in results]
    assert planned == sorted(planned)
    assert planned == [1, 2, 3, 4, 6]


def test_a_killed_worker_loses_no_other_variant_s_result(demo: Scenario) -> None:
    """A worker is killed while it solves; its variant is run again (or reported failed), and
    the variants solved elsewhere keep their results."""
    chosen = variants(demo, [Axis("budget", (0.6, 0.8, 1.0, 1.2))])
    options = Options(time_limit=3, workers=1, seed=0)
    arrived: list[VariantResult] = []
    killed: list[int] = []
    with Cluster(workers=2) as cluster:

        def landed(result: VariantResult) -> None:
            arrived.append(result)
            if killed:
                return
            pids = cluster.worker_pids()
            busy = [address for address, keys in cluster.client.processing().items() if keys]
            assert busy, "no worker is solving a variant"
            killed.append(pids[busy[0]])
            os.kill(pids[busy[0]], signal.SIGKILL)

        results = run_variants(cluster, demo, chosen, options, on_result=landed)
    assert killed
    assert [r.variant.name for r in results] == [v.name for v in chosen]
    assert arrived[0] in results  # the result from before the kill is intact
    retried = [r for r in results if r.attempts == 2 or r.failed]
    assert retried, "no variant was run again after the kill"
    for r in results:
        assert r.failed or (r.check == "ok" and r.planned > 0)
        if r.failed:
            assert r.attempts == 2 and r.error
    assert sum(not r.failed for r in results) >= 3
