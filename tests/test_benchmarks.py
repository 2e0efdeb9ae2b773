"""The benchmark runner, run as a smoke test on the smallest size: every plan it makes must
pass the checker (its speed is measured by the benchmarks themselves, not here)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path


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
