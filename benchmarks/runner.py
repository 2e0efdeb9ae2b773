"""Solve generated instances with each method, in the same run on the same machine.

Methods: the optimizer (CP-SAT, decomposed, warm-started from the baseline), the first-come
baseline, and the optimizer's model as one monolithic MILP solved by HiGHS.  Each solve runs in
a fresh process, so that its wall time and peak memory (the process's maximum resident set,
C++ solvers included) are its own.  Every plan goes through the checker; a plan that fails the
check fails the benchmark.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import resource
import statistics
import time
from dataclasses import asdict, dataclass
from typing import Literal

from benchmarks.generator import generate
from planner.baseline import Baseline
from planner.check import check_plan, waiting_days
from planner.optimizer import Optimizer, Options
from planner.plan import Plan
from planner.scenario import Scenario

Method = Literal["optimizer", "baseline", "highs"]
METHODS: tuple[Method, ...] = ("optimizer", "baseline", "highs")


@dataclass(frozen=True, slots=True)
class Target:
    """What the optimizer must reach on an instance size, on the 2-core machine."""

    seconds: float
    gap: float | None  # None: any valid plan


TARGETS: dict[str, Target] = {
    "S": Target(30, 0.01),
    "M": Target(10, 0.01),
    "L": Target(60, 0.02),
    "XL": Target(300, None),
}

# Issue 4's busy district weeks, 50 to 150 cases with scarce escorts and a tight budget: each
# (cases, seed) must be proven within 1% in 30 s.  Five generated weeks of each size, so that
# the target is measured on more than a chosen few (seeds 4 and 5 were first measured by hand,
# and most of the weeks that miss are among them); tests/test_busy_week.py solves 80-tight-3
# and 150-tight-1 to a deterministic work limit.
BUSY_WEEKS: tuple[tuple[int, int], ...] = tuple(
    (cases, seed) for cases in (50, 80, 120, 150) for seed in (1, 2, 3, 4, 5)
)
BUSY_TARGET = Target(30, 0.01)


def busy_week(cases: int, seed: int) -> Instance:
    return Instance(str(cases), seed, escort_ratio=0.5, budget_ratio=0.6)


@dataclass(frozen=True, slots=True)
class Instance:
    size: str
    seed: int = 0
    escort_ratio: float = 1.0
    budget_ratio: float = 1.0

    @property
    def name(self) -> str:
        tight = "" if (self.escort_ratio, self.budget_ratio) == (1.0, 1.0) else "-tight"
        return f"{self.size}{tight}-{self.seed}"

    def scenario(self) -> Scenario:
        cases: int | str = int(self.size) if self.size.isdigit() else self.size
        return generate(cases, self.seed, escort_ratio=self.escort_ratio, budget_ratio=self.budget_ratio)


@dataclass(frozen=True, slots=True)
class Result:
    instance: str
    method: Method
    cases: int
    services: int
    itineraries: int
    variables: int
    wall_s: float
    peak_mib: float
    total_idr: int
    planned_share: float
    mean_wait_days: float
    worst_wait_days: int
    gap: float
    status: str
    check: str  # "ok" or the first broken rule

    @property
    def passed(self) -> bool:
        return self.check == "ok"


def _solve(instance: Instance, method: Method, time_limit: float, gap: float) -> Result:
    scenario = instance.scenario()
    started = time.perf_counter()
    itineraries = variables = 0
    if method == "baseline":
        plan = Baseline(scenario).plan()
    else:
        optimizer = Optimizer(scenario)
        options = (
            Options(time_limit=time_limit, gap=gap)
            if method == "optimizer"
            else Options(time_limit=time_limit, gap=gap, engine="highs", hints=False, decompose=False)
        )
        plan = optimizer.plan(options)
        if optimizer.stats is not None:
            itineraries, variables = optimizer.stats.journeys_enumerated, optimizer.stats.variables
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return _result(instance, method, scenario, plan, wall, peak, itineraries, variables)


def _result(
    instance: Instance,
    method: Method,
    scenario: Scenario,
    plan: Plan,
    wall: float,
    peak: float,
    itineraries: int,
    variables: int,
) -> Result:
    broken = check_plan(scenario, plan)
    waits = list(waiting_days(scenario, plan).values())
    return Result(
        instance=instance.name,
        method=method,
        cases=len(scenario.cases),
        services=len(scenario.services),
        itineraries=itineraries,
        variables=variables,
        wall_s=round(wall, 2),
        peak_mib=round(peak, 1),
        total_idr=plan.objective.total_idr,
        planned_share=round(len(plan.planned_case_ids) / max(1, len(scenario.cases)), 4),
        mean_wait_days=round(statistics.fmean(waits), 2) if waits else 0.0,
        worst_wait_days=max(waits, default=0),
        gap=round(plan.objective.gap, 5),
        status=plan.status,
        check="ok" if not broken else str(broken[0]),
    )


def _child(
    instance: Instance, method: Method, time_limit: float, gap: float, queue: multiprocessing.Queue[object]
) -> None:
    queue.put(asdict(_solve(instance, method, time_limit, gap)))


def run_one(instance: Instance, method: Method, time_limit: float, gap: float = 0.0) -> Result:
    """One solve in a fresh process (spawned, so that nothing of this one is counted)."""
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[object] = context.Queue()
    process = context.Process(target=_child, args=(instance, method, time_limit, gap, queue))
    process.start()
    while True:
        try:
            found = queue.get(timeout=1.0)
            break
        except queue_module.Empty:
            if not process.is_alive():
                raise RuntimeError(
                    f"{method} on {instance.name} stopped without a result (exit code {process.exitcode})"
                ) from None
    process.join()
    assert isinstance(found, dict)
    return Result(**found)


@dataclass(frozen=True, slots=True)
class Comparison:
    """One instance: the three methods side by side, and how the optimizer compares."""

    optimizer: Result
    baseline: Result
    highs: Result | None
    target: Target

    @property
    def versus_baseline(self) -> float:
        return self.optimizer.total_idr / max(1, self.baseline.total_idr)

    @property
    def versus_highs(self) -> float | None:
        if self.highs is None or self.highs.status == "timeout":
            return None
        return self.optimizer.total_idr / max(1, self.highs.total_idr)

    @property
    def highs_reached_gap(self) -> bool:
        return (
            self.highs is not None and self.highs.status != "timeout" and self.highs.gap <= self.optimizer.gap
        )

    @property
    def speedup(self) -> float:
        """HiGHS's wall time to the optimizer's gap over the optimizer's (a lower bound when
        HiGHS did not get there in its time)."""
        assert self.highs is not None
        return self.highs.wall_s / max(0.01, self.optimizer.wall_s)

    @property
    def met(self) -> bool:
        gap_ok = self.target.gap is None or self.optimizer.gap <= self.target.gap
        return gap_ok and self.optimizer.wall_s <= self.target.seconds * 1.05 and self.optimizer.passed

    @property
    def results(self) -> list[Result]:
        return [r for r in (self.optimizer, self.baseline, self.highs) if r is not None]


def compare(instance: Instance, target: Target, highs_factor: float | None = 10.0) -> Comparison:
    """The optimizer with the size's time and gap targets, the baseline, and HiGHS given
    ``highs_factor`` times the optimizer's wall time to reach the optimizer's gap."""
    optimizer = run_one(instance, "optimizer", target.seconds, target.gap or 0.0)
    baseline = run_one(instance, "baseline", target.seconds)
    highs = None
    if highs_factor is not None:
        limit = max(30.0, highs_factor * optimizer.wall_s)
        highs = run_one(instance, "highs", limit, optimizer.gap)
    return Comparison(optimizer, baseline, highs, target)
