"""Diving with re-pricing (``planner.solver.dive``): the dive ends with whole unit and duty
columns on the weeks a person can check, hands its columns to the search, leaves the master as
the relaxation of the week, and the bounds of the rounds it priced are still bounds."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import HealthCheck, given, settings

from planner.baseline import plan_baseline
from planner.check import check_plan
from planner.network import TransportNetwork
from planner.optimizer import Options
from planner.scenario import Scenario
from planner.solver.dive import dive
from planner.solver.generation import ColumnGeneration
from planner.solver.search import ColumnOptimizer
from tests.test_column_generation import (
    exhaustive,
    far_weeks,
    one_seat_in_the_first_week,
    solved,
    woman_escort_in_makassar,
)


def generated(s: Scenario, rounds: int) -> ColumnGeneration:
    generation = ColumnGeneration(s, TransportNetwork(s))
    generation.run(max_rounds=rounds, smoothing=0.0)
    return generation


def test_the_dive_ends_whole_and_the_master_is_the_relaxation_again() -> None:
    for s in (woman_escort_in_makassar(), one_seat_in_the_first_week()):
        best = exhaustive(s)
        generation = generated(s, 1)
        before = generation.master.solve()
        converged = generation.converged
        found = dive(generation, None, max_steps=100)
        assert found.whole
        # Its plan is a plan of the master with whole travellers: never below the relaxation.
        assert found.value >= before - 1e-3
        # Restored: the bounds freed, the relaxation over every column made (the dive's too).
        assert generation.converged == converged
        assert generation.value <= before + 1e-3
        assert generation.master.solve() == generation.value
        assert generation.bound <= best + 1


def test_the_woman_escort_s_duty_is_among_the_dive_s_columns() -> None:
    s = woman_escort_in_makassar()
    generation = generated(s, 2)
    found = dive(generation, None, max_steps=100)
    m = generation.master
    duties = [m.columns[c].option for c in found.columns if m.columns[c].kind == "y"]
    assert [d.escort_id for d in duties if d is not None] == ["E-MKS"]
    assert found.columns <= generation.used()


def test_the_optimizer_dives_when_asked_and_its_plan_is_the_best(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ColumnOptimizer, "diving", True)
    s = woman_escort_in_makassar()
    plan, optimizer = solved(s, Options(time_limit=10, seed=0))
    assert optimizer.dive is not None
    assert plan.objective.total_idr == exhaustive(s)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(far_weeks())
def test_after_a_dive_every_bound_is_still_at_most_the_best_plan(s: Scenario) -> None:
    best = exhaustive(s)
    generation = generated(s, 1)
    before = generation.master.solve()
    found = dive(generation, None, max_steps=50)
    assert generation.bound <= best + 1, "a bound of the week is at most its best plan"
    assert generation.value <= before + 1e-3
    if found.whole and math.isfinite(found.value):
        assert found.value >= before - 1e-3


def test_a_dive_may_stop_with_some_columns_fractional_and_names_its_whole_ones() -> None:
    s = woman_escort_in_makassar()
    generation = generated(s, 2)
    found = dive(generation, None, max_steps=100, until=1.0, reprice=False, resolve=False)
    m = generation.master
    # Stopped at once: every column it names whole is whole in the master's last solution.
    assert found.steps == 0
    for column, value in found.taken.items():
        assert m.columns[column].kind in ("x", "y")
        assert abs(m.col_value[column] - value) <= 1e-6
    assert set(found.taken) <= found.columns


def test_the_search_starts_from_the_dive_s_plan_where_it_is_better() -> None:
    for s in (woman_escort_in_makassar(), one_seat_in_the_first_week()):
        best = exhaustive(s)
        optimizer = ColumnOptimizer(s)
        optimizer.generation = generation = generated(s, 2)
        optimizer._started = time.perf_counter()
        optimizer.baseline = first = plan_baseline(s, optimizer.network)
        found = dive(generation, None, max_steps=100, reprice=False, resolve=False)
        problem = optimizer._columns(generation)
        optimizer._start_from_dive(problem, found, time.perf_counter() + 5.0, None)
        start = optimizer.baseline
        assert check_plan(s, start) == []
        assert best <= start.objective.total_idr <= first.objective.total_idr
        if optimizer.dived_plan is not None:
            assert start is optimizer.dived_plan
            assert start.objective.total_idr < first.objective.total_idr
