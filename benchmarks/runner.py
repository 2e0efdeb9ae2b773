"""Solve generated instances with each method, in the same run on the same machine.

Methods: the column generation solver (``planner.solver``: every itinerary and escort duty,
priced on the network, and a bound of the whole week), the optimizer (CP-SAT over capped
journeys, decomposed, warm-started from the baseline), the first-come baseline, and the
optimizer's model as one monolithic MILP solved by HiGHS.  Each solve runs in a fresh process,
so that its wall time and peak memory (the process's maximum resident set, C++ solvers
included) are its own.  Every plan goes through the checker; a plan that fails the check fails
the benchmark.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import resource
import statistics
import threading
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import psutil

from benchmarks.generator import generate
from planner.baseline import Baseline
from planner.check import check_plan, waiting_days
from planner.optimizer import Optimizer, Options
from planner.plan import Plan
from planner.scenario import Scenario
from planner.solver.search import ColumnOptimizer

Method = Literal["columns", "optimizer", "baseline", "highs"]
METHODS: tuple[Method, ...] = ("columns", "optimizer", "baseline", "highs")


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
    """A generated week: ``size`` is a number of cases or a size of the generator (``"M"``);
    ``structure`` and ``tight_budget`` as in :func:`benchmarks.generator.generate`."""

    size: str
    seed: int = 0
    escort_ratio: float = 1.0
    budget_ratio: float = 1.0
    structure: str | None = None
    tight_budget: bool = False

    @property
    def name(self) -> str:
        """``120-tight-4`` (a busy week), ``nunukan-surge-400-1``, ``120-tight-budget-1``..."""
        head = self.size if self.structure is None else f"{self.structure}-{self.size}"
        tight = "" if (self.escort_ratio, self.budget_ratio) == (1.0, 1.0) else "-tight"
        budget = "-budget" if self.tight_budget else ""
        return f"{head}{tight}{budget}-{self.seed}"

    def scenario(self) -> Scenario:
        cases: int | str = int(self.size) if self.size.isdigit() else self.size
        return generate(
            cases,
            self.seed,
            escort_ratio=self.escort_ratio,
            budget_ratio=self.budget_ratio,
            structure=self.structure,
            tight_budget=self.tight_budget,
        )


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
    time_limit_s: float = 0.0
    planned: int = 0  # cases planned
    lower_bound_idr: int = 0  # the plan's, over what its bound_scope says
    bound_scope: str = ""
    week_bound_idr: int = 0  # the column generation's bound of the whole week, as found
    duties: int = 0  # escort options or duties offered to the model
    rounds: int = 0  # of column generation
    converged: bool | None = None  # no column priced out at the end
    helper_peak_mib: float = 0.0  # the largest process the solve started (the optimizer's second)

    @property
    def passed(self) -> bool:
        return self.check == "ok"


@dataclass(frozen=True, slots=True)
class _Effort:
    """What a method built on its way to the plan."""

    itineraries: int = 0
    variables: int = 0
    duties: int = 0
    week_bound_idr: int = 0
    rounds: int = 0
    converged: bool | None = None


def _solve(instance: Instance, method: Method, time_limit: float, gap: float) -> Result:
    scenario = instance.scenario()
    with _Helpers() as helpers:
        started = time.perf_counter()
        plan, effort = _plan(scenario, method, time_limit, gap)
        wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return _result(instance, method, scenario, plan, wall, peak, effort, time_limit, helpers.peak_mib)


class _Helpers:
    """The largest resident set a process the solve started reached, read from the kernel's
    high-water mark (``VmHWM``, kept per process from its ``exec``) every ``EVERY`` seconds
    while it runs.  ``RUSAGE_CHILDREN`` would count, as the child's, the memory this process
    had when it started the child (Linux carries the high-water mark over ``exec``): 3 GiB
    for a helper of 0.5 GiB on L."""

    EVERY = 0.05

    def __init__(self) -> None:
        self.peak_mib = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _Helpers:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        me = psutil.Process()
        mine = me.cmdline()
        while True:
            try:
                children = me.children(recursive=True)
            except psutil.Error:  # one ended while they were listed: look again
                children = []
            for child in children:
                # Between its fork and its exec a child still shows this process's memory.
                if _command(child) not in (None, mine):
                    self.peak_mib = max(self.peak_mib, _high_water_mib(child.pid))
            if self._done.wait(self.EVERY):
                return


def _command(process: psutil.Process) -> list[str] | None:
    try:
        return list(process.cmdline())
    except psutil.Error:
        return None


def _high_water_mib(pid: int) -> float:
    """A process's largest resident set so far (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return 0.0


def _plan(scenario: Scenario, method: Method, time_limit: float, gap: float) -> tuple[Plan, _Effort]:
    effort = _Effort()
    if method == "baseline":
        plan = Baseline(scenario).plan()
    elif method == "columns":
        columns = ColumnOptimizer(scenario)
        plan = columns.plan(Options(time_limit=time_limit, gap=gap))
        generated = columns.generation_stats
        effort = _Effort(
            itineraries=generated.itineraries if generated is not None else 0,
            variables=columns.stats.variables if columns.stats is not None else 0,
            duties=generated.duties if generated is not None else 0,
            # The bound as found, before the plan caps it at its own total: a bound above a
            # plan is a bug the benchmark must see.
            week_bound_idr=columns.bound_idr,
            rounds=generated.rounds if generated is not None else 0,
            converged=generated.converged if generated is not None else None,
        )
    else:
        optimizer = Optimizer(scenario)
        options = (
            Options(time_limit=time_limit, gap=gap)
            if method == "optimizer"
            else Options(time_limit=time_limit, gap=gap, engine="highs", hints=False, decompose=False)
        )
        plan = optimizer.plan(options)
        if optimizer.stats is not None:
            stats = optimizer.stats
            effort = _Effort(stats.journeys_enumerated, stats.variables, stats.escort_options)
    return plan, effort


def _result(
    instance: Instance,
    method: Method,
    scenario: Scenario,
    plan: Plan,
    wall: float,
    peak: float,
    effort: _Effort,
    time_limit: float = 0.0,
    helper_peak: float = 0.0,
) -> Result:
    broken = check_plan(scenario, plan)
    waits = list(waiting_days(scenario, plan).values())
    itineraries, variables = effort.itineraries, effort.variables
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
        time_limit_s=time_limit,
        planned=len(plan.planned_case_ids),
        lower_bound_idr=plan.objective.lower_bound_idr,
        bound_scope=plan.objective.bound_scope or "",
        week_bound_idr=effort.week_bound_idr,
        duties=effort.duties,
        rounds=effort.rounds,
        converged=effort.converged,
        helper_peak_mib=round(helper_peak, 1),
    )


def _child(
    instance: Instance, method: Method, time_limit: float, gap: float, queue: multiprocessing.Queue[object]
) -> None:
    try:
        queue.put(asdict(_solve(instance, method, time_limit, gap)))
    except BaseException:
        queue.put(traceback.format_exc())
        raise


def run_one(
    instance: Instance, method: Method, time_limit: float, gap: float = 0.0, patience: float | None = None
) -> Result:
    """One solve in a fresh process (spawned, so that nothing of this one is counted).  A solve
    that fails, or runs ``patience`` seconds (by default far beyond its time limit), raises
    :class:`RuntimeError` naming the method and the instance."""
    patience = patience if patience is not None else 4 * time_limit + 600
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[object] = context.Queue()
    process = context.Process(target=_child, args=(instance, method, time_limit, gap, queue))
    started = time.perf_counter()
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
            if time.perf_counter() - started > patience:
                process.kill()
                process.join()
                raise RuntimeError(
                    f"{method} on {instance.name} ran past {patience:.0f} s; stopped"
                ) from None
    process.join()
    if isinstance(found, str):
        raise RuntimeError(f"{method} on {instance.name} failed:\n{found}")
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
