"""``python -m benchmarks sweep``: twelve variants of a busy week on the embedded Dask cluster
(two workers, one variant each at a time) against the same twelve one after another in this
process, in the same run; wall times and each plan's numbers side by side."""

from __future__ import annotations

import time
from dataclasses import dataclass

from benchmarks.runner import busy_week
from planner.cluster import sweep
from planner.optimizer import Options
from planner.sweep import Axis, VariantResult, solve_variant, variants

AXES = [Axis("budget", (0.8, 1.0, 1.2)), Axis("escorts", (0, 2)), Axis("fares", (1.0, 1.2))]


@dataclass(frozen=True, slots=True)
class SweepTimes:
    week: str
    variants: int
    time_limit: float
    cluster_s: float  # start, solve every variant, stop
    serial_s: float
    cluster: list[VariantResult]
    serial: list[VariantResult]


def measure(cases: int = 80, seed: int = 1, time_limit: float = 10.0) -> SweepTimes:
    instance = busy_week(cases, seed)
    week = instance.scenario()
    chosen = variants(week, AXES)
    options = Options(time_limit=time_limit, workers=1, seed=0)
    started = time.perf_counter()
    on_cluster = sweep(week, chosen, options, workers=2)
    cluster_s = time.perf_counter() - started
    started = time.perf_counter()
    one_by_one = [solve_variant(week, v, options)[0] for v in chosen]
    serial_s = time.perf_counter() - started
    return SweepTimes(instance.name, len(chosen), time_limit, cluster_s, serial_s, on_cluster, one_by_one)


def markdown(times: SweepTimes) -> str:
    lines = [
        f"{times.variants} variants of the busy week {times.week}, {times.time_limit:g} s each (one search "
        f"thread per variant): on the cluster {times.cluster_s:.1f} s wall (start and stop included), "
        f"one after another in one process {times.serial_s:.1f} s; "
        f"{times.serial_s / times.cluster_s:.2f}x.",
        "",
        "| variant | description | home (cluster) | home (serial) | total cluster | total serial | check |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for a, b in zip(times.cluster, times.serial, strict=True):
        lines.append(
            f"| {a.variant.name} | {a.description} | {a.planned} | {b.planned} | {a.total_idr:,} | "
            f"{b.total_idr:,} | {a.check}/{b.check} |"
        )
    return "\n".join(lines)
