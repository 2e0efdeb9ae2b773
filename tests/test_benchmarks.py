"""The benchmark runner, run as a smoke test on small weeks: every plan it makes must pass the
checker, and a plan that does not, or a bound above a plan, fails the benchmark (speed is
measured by the benchmarks themselves, never asserted here)."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmarks import report, suite
from benchmarks.__main__ import app
from benchmarks.prep import markdown, measure
from benchmarks.runner import Instance, Method, Result, _Helpers


def test_the_runner_solves_size_s_with_every_method_and_every_plan_passes_the_checker(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "scale", "--size", "S", "--time-limit", "10"]
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


# -- python -m benchmarks run: the column generation solver beside the old one and the baseline --


def test_the_solver_benchmark_runs_a_small_week_with_each_method_in_its_own_process(tmp_path: Path) -> None:
    # Time enough for a round of column generation on a loaded machine: this checks the
    # benchmark's plumbing, not the solver's speed (at 3 s the round was given up in CI).
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "run",
            "--week",
            "20-1",
            "--time-limit",
            "12",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = list(csv.DictReader((tmp_path / "results.csv").open(encoding="utf-8")))
    assert [(r["instance"], r["method"]) for r in rows] == [
        ("20-tight-1", "columns"),
        ("20-tight-1", "optimizer"),
        ("20-tight-1", "highs"),
        ("20-tight-1", "baseline"),
    ]
    assert all(r["check"] == "ok" and int(r["cases"]) == 20 for r in rows)
    columns, optimizer, _, baseline = rows
    assert columns["bound_scope"] == "network"
    bound = int(columns["week_bound_idr"])
    assert 0 < bound <= min(int(r["total_idr"]) for r in rows)
    assert int(columns["lower_bound_idr"]) == bound
    assert int(columns["rounds"]) > 0 and int(columns["itineraries"]) > 0
    assert float(optimizer["gap_to_week_bound"]) == pytest.approx(
        (int(optimizer["total_idr"]) - bound) / int(optimizer["total_idr"]), abs=1e-5
    )
    assert int(columns["total_idr"]) <= int(baseline["total_idr"])
    report = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "Command: `python -m benchmarks run --week 20-1 --time-limit 12" in report
    assert report.count("| busy week, 20 cases, seed 1") == 3  # plans, targets, column generation
    assert "Every plan passed the checker" in report


def _result(method: Method, total: int, week_bound: int = 0, check: str = "ok") -> Result:
    return Result(
        instance="20-tight-1",
        method=method,
        cases=20,
        services=900,
        itineraries=0,
        variables=0,
        wall_s=1.0,
        peak_mib=100.0,
        total_idr=total,
        planned_share=0.5,
        mean_wait_days=1.0,
        worst_wait_days=2,
        gap=0.01 if method == "columns" else 0.0,
        status="feasible",
        check=check,
        time_limit_s=3.0,
        planned=10,
        lower_bound_idr=min(week_bound, total),
        bound_scope="network" if method == "columns" else "",
        week_bound_idr=week_bound,
    )


def _run_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, results: dict[str, Result | Exception]) -> str:
    """``benchmarks run`` on a 20-case week whose solves return ``results`` instead of solving;
    returns the report (and asserts that the run failed, with the reason printed)."""

    def fake(instance: Instance, method: Method, time_limit: float, gap: float = 0.0) -> Result:
        found = results[method]
        if isinstance(found, Exception):
            raise found
        return found

    monkeypatch.setattr(suite, "run_one", fake)
    done = CliRunner().invoke(app, ["run", "--week", "20-1", "--out", str(tmp_path)])
    assert done.exit_code == 1, done.output
    assert "FAILED" in done.output
    return (tmp_path / "results.md").read_text(encoding="utf-8")


def test_the_solver_benchmark_fails_when_a_plan_fails_the_checker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report = _run_with(
        monkeypatch,
        tmp_path,
        {
            "columns": _result("columns", 100, week_bound=90, check="a party rides a full ship"),
            "optimizer": _result("optimizer", 101),
            "highs": _result("highs", 102),
            "baseline": _result("baseline", 150),
        },
    )
    assert "The benchmark failed" in report
    assert (
        "column generation (new) on 20-tight-1: the plan fails the checker: a party rides a full ship"
        in report
    )


@pytest.mark.parametrize(
    ("below", "label"), [("optimizer", "capped journeys (old)"), ("highs", "HiGHS on the old model")]
)
def test_the_solver_benchmark_fails_when_its_bound_is_above_a_plan_another_method_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, below: Method, label: str
) -> None:
    found: dict[Method, int] = {"columns": 100, "optimizer": 101, "highs": 102, "baseline": 150, below: 98}
    results: dict[str, Result | Exception] = {
        method: _result(method, total) for method, total in found.items()
    }
    results["columns"] = _result("columns", 100, week_bound=99)
    report = _run_with(monkeypatch, tmp_path, results)
    assert f"| {label} |" in report
    assert f"bound of the week, Rp 99, is above the {label}'s plan, Rp 98" in report


def test_the_solver_benchmark_fails_when_a_method_gives_no_result_and_still_reports_the_others(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report = _run_with(
        monkeypatch,
        tmp_path,
        {
            "columns": RuntimeError("columns on 20-tight-1 stopped without a result (exit code -9)"),
            "optimizer": _result("optimizer", 98),
            "highs": _result("highs", 99),
            "baseline": _result("baseline", 150),
        },
    )
    assert "stopped without a result (exit code -9)" in report
    assert "| capped journeys (old) |" in report and "| first-come baseline |" in report


def test_the_targets_are_judged_from_the_numbers() -> None:
    entry = suite.busy(20, 1)
    good = suite.Measurement(
        entry,
        (
            replace(_result("columns", 1000, week_bound=985), gap=0.015),
            _result("optimizer", 999),
            _result("baseline", 1300),
        ),
    )
    assert [v.met for v in good.verdicts().values()] == [True, True, True, None]
    assert good.failures() == []
    assert good.gap_to_week_bound(_result("optimizer", 1000)) == pytest.approx(0.015)
    bad = replace(
        good,
        results=(
            replace(_result("columns", 1000, week_bound=970), gap=0.03),
            _result("optimizer", 990),
            _result("baseline", 1200),
        ),
    )
    assert [v.met for v in bad.verdicts().values()] == [False, False, False, None]
    assert bad.verdicts()["optimizer"].text == "+1.01%"
    assert bad.failures() == []  # missed targets are reported, not failures
    assert good.verdicts()["gap"].text == "1.50% in 1.0 s of 30 s"
    slow = replace(good, results=(replace(good.results[0], wall_s=40.0), *good.results[1:]))
    assert slow.verdicts()["gap"].met is False
    scarce = replace(good, entry=suite.ESCORT_SCARCE)
    assert scarce.verdicts()["gap"].met is None and scarce.verdicts()["optimizer"].met is None


def test_national_scale_is_judged_on_its_own_gap_and_memory_beside_the_baseline_only() -> None:
    xl = suite.size("XL")
    assert xl.methods == ("columns", "baseline") and xl.goal.gap == 0.05 and xl.goal.peak_mib == 4096
    assert suite.size("L").goal == suite.Goal(120, 0.03)
    assert suite.NATIONAL.instance == Instance("3000", 0) and suite.NATIONAL.goal.gap == 0.03
    columns = replace(_result("columns", 1000, week_bound=960), gap=0.04, wall_s=290.0, peak_mib=3000.0)
    fine = suite.Measurement(xl, (columns, _result("baseline", 1300)))
    verdicts = fine.verdicts()
    assert (verdicts["gap"].met, verdicts["memory"].met, verdicts["optimizer"].met) == (True, True, None)
    assert verdicts["gap"].text == "4.00% in 290.0 s of 300 s (target 5%)"
    heavy = replace(fine, results=(replace(columns, peak_mib=3900.0, helper_peak_mib=300.0), fine.results[1]))
    assert heavy.verdicts()["memory"] == suite.Verdict(False, "4,200 MiB of 4,096")
    fallback = replace(fine, results=(replace(columns, status="timeout"), fine.results[1]))
    assert "the first-come plan" in fallback.verdicts()["gap"].text


def test_the_scaling_plot_draws_the_sizes_measured_and_marks_a_fallback(tmp_path: Path) -> None:
    def sized(entry: suite.Entry, cases: int, status: str) -> suite.Measurement:
        columns = replace(_result("columns", 1000, week_bound=900), cases=cases, status=status)
        return suite.Measurement(entry, (columns, replace(_result("baseline", 1300), cases=cases)))

    assert report.suite_scaling_plot([sized(suite.size("S"), 50, "feasible")], tmp_path / "one.png") is None
    made = report.suite_scaling_plot(
        [
            sized(suite.size("S"), 50, "feasible"),
            sized(suite.busy(80, 1), 80, "feasible"),  # not a size: left out
            sized(suite.NATIONAL, 3000, "feasible"),
            sized(suite.size("L"), 5000, "timeout"),
            # XL: the solver stopped without a plan; the baseline's point and a cross remain.
            suite.Measurement(suite.size("XL"), (replace(_result("baseline", 9000), cases=20000),)),
        ],
        tmp_path / "scaling.png",
    )
    assert made is not None and made.stat().st_size > 10_000


def test_the_suite_has_the_issue_s_weeks_with_their_time_limits_and_selections_choose_among_them() -> None:
    every = suite.entries()
    assert [e.group for e in every] == ["busy"] * 20 + ["tight-budget", "surge", "escort-scarce", "M"]
    assert [e.name for e in suite.entries(only=["national"], sizes=["L"])] == ["3000-0", "L-0"]
    by_group = {e.group: e for e in every}
    assert all(e.goal.seconds == 30 for e in every if e.group != "surge")
    assert by_group["surge"].goal.seconds == 60
    assert by_group["surge"].instance == Instance("400", 1, structure="nunukan-surge")
    assert by_group["escort-scarce"].instance == Instance("120", 1, structure="escort-scarce")
    assert by_group["tight-budget"].instance.tight_budget
    assert by_group["M"].instance == Instance("M", 0)
    assert [e.name for e in suite.entries(weeks=["120-4"])] == ["120-tight-4"]
    assert [e.group for e in suite.entries(only=["surge", "busy"], sizes=["M"])] == ["busy"] * 20 + [
        "surge",
        "M",
    ]
    assert len(suite.entries(only=["busy"], weeks=["120-4"])) == 20
    for bad in ({"only": ["ships"]}, {"weeks": ["120"]}, {"sizes": ["XXL"]}):
        with pytest.raises(suite.Unknown):
            suite.entries(**bad)
    assert CliRunner().invoke(app, ["run", "--only", "ships"]).exit_code == 2


def test_a_helpers_memory_is_its_own_not_what_the_solve_held_when_it_started_it() -> None:
    held = np.ones(400 * 2**20 // 8)  # 400 MiB in this process when the helper starts
    grow = "import numpy, time; a = numpy.ones(150 * 2**20 // 8); time.sleep(0.5)"
    with _Helpers() as helpers:
        subprocess.run([sys.executable, "-c", grow], check=True)
    assert held.sum() > 0
    assert 150 <= helpers.peak_mib < 350


def test_the_relaxation_command_sets_the_master_beside_the_exact_model_over_its_columns() -> None:
    done = CliRunner().invoke(app, ["relaxation", "--week", "20-1", "--time-limit", "4"])
    assert done.exit_code == 0, done.output
    found = re.search(
        r"20-1: plan Rp ([\d,]+), bound Rp ([\d,]+); over [\d,]+ columns the master Rp ([\d,]+), "
        r"the exact model's relaxation Rp ([\d,]+)",
        " ".join(done.output.split()),
    )
    assert found is not None, done.output
    plan, bound, master, exact = (int(group.replace(",", "")) for group in found.groups())
    # The exact model's relaxation is over columns that hold the plan's; the bound is the week's.
    assert master > 0 and exact <= plan and bound <= plan


def test_the_relaxation_command_says_which_weeks_it_knows() -> None:
    done = CliRunner().invoke(app, ["relaxation", "--week", "eighty"])
    assert done.exit_code == 2
    assert "give a busy week CASES-SEED" in " ".join(done.output.split())
