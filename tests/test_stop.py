"""Stopping the optimizer from another thread: it returns the best plan known so far, which
obeys every rule (a cancelled job of the service keeps that plan)."""

from __future__ import annotations

import threading
import time

from planner.check import check_plan
from planner.cli import demo_path
from planner.io.validate import read_scenario
from planner.optimizer import Optimizer, Options

# Far beyond what any stopped search takes: a stop that did not work would run this long.
LONG = 600.0


def test_a_stop_set_from_the_start_returns_the_baselines_plan() -> None:
    scenario = read_scenario(demo_path())
    stop = threading.Event()
    stop.set()
    started = time.perf_counter()
    optimizer = Optimizer(scenario)
    plan = optimizer.plan(Options(time_limit=LONG), stop=stop)
    assert time.perf_counter() - started < LONG / 4
    assert check_plan(scenario, plan) == []
    assert optimizer.baseline is not None
    assert plan.objective.total_idr == optimizer.baseline.objective.total_idr


def test_a_stop_during_the_search_returns_its_best_plan() -> None:
    scenario = read_scenario(demo_path())
    stop = threading.Event()
    reported: list[int] = []

    def progress(_: float, best: int, __: int) -> None:
        if best >= 0:
            reported.append(best)
            stop.set()  # from the solver's own thread, as the service's watcher does from another

    optimizer = Optimizer(scenario)
    # Without the linear relaxation's start the search reports its first plan within seconds.
    plan = optimizer.plan(Options(time_limit=LONG, seed=1, lp_start=False), progress, stop)
    assert reported, "the search reported no plan before it stopped"
    assert plan.solve_seconds < LONG / 4
    assert plan.status in ("feasible", "optimal")
    assert check_plan(scenario, plan) == []
    assert optimizer.baseline is not None
    assert plan.objective.total_idr <= optimizer.baseline.objective.total_idr
