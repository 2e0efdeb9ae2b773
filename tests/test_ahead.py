"""The baseline's plan and the escorts' ways made ahead in a second process: the same plan, the
same ways, the same problem, and nothing lost when the second process fails or the search is
stopped."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.generator import generate
from planner import optimizer as optimizer_module
from planner.ahead import BASELINE, BOUND, WAYS, Ahead
from planner.baseline import Baseline
from planner.check import check_plan
from planner.journeys import EscortTrips, Ways, escort_places
from planner.model import Problem
from planner.network import TransportNetwork
from planner.optimizer import Optimizer, Options
from planner.plan import Plan
from planner.scenario import Scenario
from planner.solver import generation as generation_module
from planner.solver import search as search_module
from planner.solver.generation import ColumnGeneration
from planner.solver.search import ColumnOptimizer
from tests.test_column_generation import exhaustive, victims_ready_days_apart


@pytest.fixture(scope="module")
def week() -> Scenario:
    return generate(30, seed=2, escort_ratio=0.5, budget_ratio=0.6)


def _choices(problem: Problem) -> tuple[object, ...]:
    return (
        [j.itinerary for j in problem.journeys],
        sorted(problem.usable.items()),
        sorted(problem.options.items()),
    )


def search(scenario: Scenario, places: list[tuple[str, str]]) -> Ways:
    """The ways this process finds between each pair of ``places``."""
    trips = EscortTrips(scenario, TransportNetwork(scenario))
    return {pair: trips.between(*pair) for pair in places}


def test_the_baseline_made_ahead_is_the_baseline_this_process_makes(week: Scenario) -> None:
    with Ahead(week) as ahead:
        made = ahead.baseline()
    here = Baseline(week, TransportNetwork(week)).plan()
    assert made is not None
    assert replace(made, solve_seconds=0) == replace(here, solve_seconds=0)


def test_the_ways_found_ahead_are_the_ways_this_process_finds(week: Scenario) -> None:
    places = escort_places(week)
    assert places  # escorted cases and escorts: there are ways to search
    with Ahead(week) as ahead:
        found = ahead.ways()
    assert found == search(week, places)
    assert any(ways for _, ways in found.values())


def test_the_problem_is_the_same_with_the_ways_found_ahead(week: Scenario) -> None:
    optimizer = Optimizer(week)
    baseline = Baseline(week, optimizer.network).plan()
    alone = optimizer.problem(baseline)
    with Ahead(week) as ahead:
        helped = Optimizer(week).problem(lambda: ahead.baseline() or baseline, ahead=ahead)
    assert _choices(helped) == _choices(alone)
    assert sum(len(options) for options in alone.options.values()) > 0


def test_the_plan_is_the_same_with_the_second_process(
    week: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = Options(time_limit=600, seed=3, work_limit=2.0)
    monkeypatch.setattr(optimizer_module, "AHEAD_WORK", 10**12)
    alone = Optimizer(week)
    alone_plan = alone.plan(options)
    monkeypatch.setattr(optimizer_module, "AHEAD_WORK", 0)
    helped = Optimizer(week)
    helped_plan = helped.plan(options)
    assert replace(helped_plan, solve_seconds=0) == replace(alone_plan, solve_seconds=0)
    assert alone.baseline is not None and helped.baseline is not None
    assert replace(helped.baseline, solve_seconds=0) == replace(alone.baseline, solve_seconds=0)


def test_a_second_process_that_dies_leaves_the_ways_to_this_one(week: Scenario) -> None:
    optimizer = Optimizer(week)
    baseline = Baseline(week, optimizer.network).plan()
    with Ahead(week) as ahead:
        ahead._process.kill()
        helped = Optimizer(week).problem(baseline, ahead=ahead)
    assert _choices(helped) == _choices(optimizer.problem(baseline))


def _ways_in(cases: int, out: multiprocessing.Queue[int]) -> None:
    with Ahead(generate(cases, seed=2, escort_ratio=0.5, budget_ratio=0.6)) as ahead:
        out.put(len(ahead.ways()))


def test_a_daemon_process_such_as_a_solve_worker_may_start_the_second_process(week: Scenario) -> None:
    context = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue[int] = context.Queue()
    worker = context.Process(target=_ways_in, args=(30, out), daemon=True)
    worker.start()
    found = out.get(timeout=120)
    worker.join()
    assert found == len(escort_places(week)) > 0


def test_what_cannot_be_read_is_none(week: Scenario) -> None:
    with Ahead(week) as ahead:
        ahead._process.wait()
        folder = Path(ahead._folder.name)
        (folder / BASELINE).write_bytes(b"half a pickle")
        (folder / WAYS).write_bytes(b"half a pickle")
        (folder / BOUND).write_bytes(b"half a pickle")
        assert ahead.baseline() is None
        assert ahead.bound() is None
        assert ahead.ways() == {}


def test_a_stopped_search_ends_the_second_process(week: Scenario) -> None:
    stop = threading.Event()
    stop.set()
    ahead = Ahead(week)
    assert ahead.ways(stop=stop) == {}
    assert ahead._process.poll() is not None


def test_a_second_process_whose_starter_dies_ends_and_leaves_nothing_behind() -> None:
    starter = (
        "import os, sys\n"
        "from benchmarks.generator import generate\n"
        "from planner.ahead import Ahead\n"
        "ahead = Ahead(generate(150, seed=5, escort_ratio=0.5, budget_ratio=0.6))\n"
        "print(ahead._process.pid, ahead._folder.name, flush=True)\n"
        "os._exit(0)\n"  # killed, as it were: nothing is closed
    )
    done = subprocess.run([sys.executable, "-c", starter], capture_output=True, text=True, check=True)
    pid, folder = done.stdout.split()
    deadline = time.monotonic() + 20
    while (_running(int(pid)) or Path(folder).exists()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(int(pid))
    assert not Path(folder).exists()


def _running(pid: int) -> bool:
    """Alive and not a zombie (a container's first process may never reap an orphan)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_without_the_ways_the_second_process_makes_the_baseline_only(week: Scenario) -> None:
    with Ahead(week, ways=False) as ahead:
        made = ahead.baseline()
        assert ahead.ways() == {}
    assert made is not None
    assert replace(made, solve_seconds=0) == replace(
        Baseline(week, TransportNetwork(week)).plan(), solve_seconds=0
    )


def _large(monkeypatch: pytest.MonkeyPatch) -> None:
    """The week is taken for a large one: its baseline made beside, the seed after a round."""
    monkeypatch.setattr(search_module, "BESIDE_CASES", 0)

    def here(self: Baseline) -> Plan:
        raise AssertionError("the baseline's plan is made in the second process")

    monkeypatch.setattr(Baseline, "plan", here)


def test_a_large_week_seeds_the_master_with_the_baseline_made_beside_after_one_round(
    week: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = Baseline(week, TransportNetwork(week)).plan()
    _large(monkeypatch)
    optimizer = ColumnOptimizer(week)
    plan = optimizer.plan(Options(time_limit=600, seed=3, work_limit=4.0))
    generation = optimizer.generation
    assert generation is not None
    assert len(generation.rounds) == 1  # the search came after the first round
    assert generation.seeded  # the baseline's itineraries and duties are columns of the master
    assert optimizer.baseline is not None
    assert replace(optimizer.baseline, solve_seconds=0) == replace(made, solve_seconds=0)
    assert check_plan(week, plan) == []
    assert plan.objective.total_idr <= made.objective.total_idr
    again = ColumnOptimizer(week).plan(Options(time_limit=600, seed=3, work_limit=4.0))
    assert replace(again, solve_seconds=0) == replace(plan, solve_seconds=0)


def test_a_large_week_timed_has_a_second_round_and_its_search_starts_from_the_dived_master(
    week: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = Baseline(week, TransportNetwork(week)).plan()
    _large(monkeypatch)
    optimizer = ColumnOptimizer(week)
    # A second round is begun only where five and a half first rounds would end by 0.72 of the
    # limit: here the first ends before a second has passed, and 30 s leave room for a slow
    # machine (with 10 s a fresh clone's run once went without it).
    plan = optimizer.plan(Options(time_limit=30, seed=3))
    generation = optimizer.generation
    assert generation is not None
    assert len(generation.rounds) >= 2  # the second round came before the search
    assert optimizer.dive is not None  # and the master was dived
    assert generation.dived == optimizer.dive.columns
    assert check_plan(week, plan) == []
    assert plan.objective.total_idr <= made.objective.total_idr
    started = optimizer.dived_plan
    if started is not None:
        # The dive's plan is a plan of the week, better than the first-come one, and the
        # search never hands back a worse one.
        assert check_plan(week, started) == []
        assert started.objective.total_idr < made.objective.total_idr
        assert plan.objective.total_idr <= started.objective.total_idr


def test_a_large_week_has_no_second_process_without_hints_nor_in_its_second_pass(
    week: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    _large(monkeypatch)
    optimizer = ColumnOptimizer(week)
    optimizer._widen = True  # the second pass starts from the first pass's plan
    with optimizer.ahead(Options()) as ahead:
        assert ahead is None
    optimizer._widen = False
    with optimizer.ahead(Options(hints=False)) as ahead:
        assert ahead is None
    with optimizer.ahead(Options(workers=1)) as ahead:
        assert ahead is None
    with optimizer.ahead(Options()) as ahead:
        assert isinstance(ahead, Ahead)


def test_the_bound_priced_ahead_is_the_empty_master_s_with_shares_by_departure() -> None:
    s = victims_ready_days_apart()
    here = ColumnGeneration(s, TransportNetwork(s))
    here.departure_shares = True
    here.empty_bound()
    with Ahead(s, ways=False, bound=True) as ahead:
        found = ahead.bound(wait=True)
    assert found == here.bound
    with Ahead(s, ways=False) as ahead:
        assert ahead.bound(wait=True) is None  # not asked for


def _bound_in_rounds(s: Scenario, monkeypatch: pytest.MonkeyPatch) -> float:
    """The week taken for one of thousands of cases: no shares by departure in the rounds, nor
    a bound over the party rows.  The first round's bound, at the empty master."""
    alone = ColumnGeneration(s, TransportNetwork(s))
    alone.departure_shares = False
    alone.empty_bound()
    _large(monkeypatch)
    monkeypatch.setattr(generation_module, "DEPARTURE_SHARES_UNTIL", 0)
    monkeypatch.setattr(generation_module, "PARTIES_SIZE", -1)
    return alone.bound


def test_a_large_week_takes_the_bound_priced_beside(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first round of a large week leaves the escorts' shares by departure out; the second
    process prices them at the empty master, and the plan's bound is the better one."""
    s = victims_ready_days_apart()
    best = exhaustive(s)
    first = _bound_in_rounds(s, monkeypatch)
    optimizer = ColumnOptimizer(s)
    plan = optimizer.plan(Options(time_limit=600, seed=3, work_limit=1.0))
    generation = optimizer.generation
    assert generation is not None and not generation.departure_shares
    assert check_plan(s, plan) == []
    assert plan.objective.total_idr == best
    # Half a duty each among both victims in the first round; a whole one for the first to
    # leave in the second process's bound.
    assert [r.bound_idr for r in generation.rounds] == [first]
    assert first < generation.bound <= best
    assert first < plan.objective.lower_bound_idr <= best


def test_a_bound_priced_after_the_problem_is_made_is_still_the_plan_s(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a second round the problem is made right after the first, often before the
    second process has priced its bound: the process is left to it, and read at the end."""
    s = victims_ready_days_apart()
    first = _bound_in_rounds(s, monkeypatch)
    asked: list[bool] = []
    priced = Ahead.bound

    def late(self: Ahead, wait: bool = False, stop: threading.Event | None = None) -> float | None:
        asked.append(wait)
        return None if len(asked) < 3 else priced(self, True, stop)  # not priced before

    monkeypatch.setattr(Ahead, "bound", late)
    optimizer = ColumnOptimizer(s)
    plan = optimizer.plan(Options(time_limit=600, seed=3, work_limit=1.0))
    assert asked == [False, True, False]  # after the seed, before the search, at the end
    assert optimizer._bounding is None  # and the process ended
    assert check_plan(s, plan) == []
    assert first < plan.objective.lower_bound_idr <= plan.objective.total_idr
