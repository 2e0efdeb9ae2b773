"""The benchmark runner, run as a smoke test on the smallest size: every plan it makes must
pass the checker (its speed is measured by the benchmarks themselves, not here)."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from benchmarks.prep import markdown, measure


def test_the_runner_solves_size_s_with_every_method_and_every_plan_passes_the_checker(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "run", "--size", "S", "--time-limit", "10"]
        + ["--highs-factor", "1", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = list(csv.DictReader((tmp_path / "results.csv").open(encoding="utf-8")))
    assert [r["method"] for r in rows] == ["optimizer", "baseline", "highs"]
    assert all(r["check"] == "ok" for r in rows)
    assert all(int(r["cases"]) == 50 for r in rows)
    optimizer, baseline, _ = rows
    assert int(optimizer["total_idr"]) <= int(baseline["total_idr"])
    assert (tmp_path / "results.md").read_text(encoding="utf-8").count("| S-0 |") == 4
    assert (tmp_path / "scaling.png").stat().st_size > 10_000


def test_the_busy_weeks_are_the_issue_s_range_with_scarce_escorts_and_a_tight_budget() -> None:
    from benchmarks.generator import generate
    from benchmarks.runner import BUSY_TARGET, BUSY_WEEKS, busy_week

    assert BUSY_TARGET.seconds == 30 and BUSY_TARGET.gap == 0.01
    assert {cases for cases, _ in BUSY_WEEKS} == {50, 80, 120, 150}
    assert min(c for c, _ in BUSY_WEEKS) == 50 and max(c for c, _ in BUSY_WEEKS) == 150
    for cases, seed in BUSY_WEEKS[:1]:
        instance = busy_week(cases, seed)
        scenario = instance.scenario()
        assert len(scenario.cases) == cases
        assert instance.name == f"{cases}-tight-{seed}"
        relaxed = generate(cases, seed)
        assert len(scenario.escorts) < len(relaxed.escorts)
        assert sum(b.ceiling_idr for b in scenario.budget_lines) < sum(
            b.ceiling_idr for b in relaxed.budget_lines
        )


def test_the_preparation_benchmark_times_both_ways_and_finds_the_same_problem() -> None:
    found = measure(((30, 2),), runs=1)
    assert sorted(p.ahead for p in found) == [False, True]
    assert len({p.problem for p in found}) == 1
    report = markdown(found, "python -m benchmarks prep", "test")
    assert "| 30-tight-2 |" in report and report.rstrip().endswith("| yes |")
    changed = [found[0], replace(found[1], problem="another")]
    assert markdown(changed, "", "").rstrip().endswith("| **no** |")


def test_the_busy_benchmark_runs_the_weeks_it_is_given_and_names_a_week_it_does_not_know(
    tmp_path: Path,
) -> None:
    def busy(*weeks: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "benchmarks", "busy", "--time-limit", "5", "--out", str(tmp_path)]
        for week in weeks:
            command += ["--week", week]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    unknown = busy("50-2", "50-9")
    assert unknown.returncode == 2
    assert "Unknown week 50-9" in unknown.stdout and "150-5" in unknown.stdout
    assert not (tmp_path / "results.csv").exists()
    done = busy("50-2")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = list(csv.DictReader((tmp_path / "results.csv").open(encoding="utf-8")))
    assert [(r["instance"], r["method"]) for r in rows] == [
        ("50-tight-2", "optimizer"),
        ("50-tight-2", "baseline"),
    ]
    assert all(r["check"] == "ok" for r in rows)
