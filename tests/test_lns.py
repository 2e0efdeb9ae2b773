"""The large-neighbourhood search over the generated columns (``planner.solver.lns``): from
the first-come plan it finds the best plan on a week a person can check, never returns a worse
plan, and what it returns passes the checker."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings

from planner.check import check_plan
from planner.optimizer import Options
from planner.plan import Plan
from planner.scenario import Scenario
from planner.solver.lns import improve
from planner.solver.search import ColumnOptimizer
from tests.test_column_generation import exhaustive, far_weeks, woman_escort_in_makassar


def from_first_come(s: Scenario, seconds: float = 10.0) -> tuple[Plan, Plan | None, ColumnOptimizer]:
    """The first-come plan, and the plan the neighbourhoods make of it over every column the
    solver made (None when they find nothing better)."""
    optimizer = ColumnOptimizer(s)
    optimizer.plan(Options(time_limit=5, seed=0))
    assert optimizer.generation is not None and optimizer.baseline is not None
    problem = optimizer._columns(optimizer.generation, every=True)
    first_come = optimizer.baseline
    found = improve(problem, first_come, time.perf_counter() + seconds, seconds=1.0)
    if found is None:
        return first_come, None, optimizer
    assert found.total_idr <= first_come.objective.total_idr
    plan = optimizer._assemble(problem, found.travel, found.escorts, "feasible", 0, 1.0)
    assert check_plan(s, plan) == []
    assert plan.objective.total_idr == found.total_idr
    return first_come, plan, optimizer


def test_the_victims_escort_two_islands_away_is_found_from_the_first_come_plan() -> None:
    s = woman_escort_in_makassar()
    first_come, plan, _ = from_first_come(s)
    assert plan is not None
    assert plan.objective.total_idr == exhaustive(s) < first_come.objective.total_idr
    assert [d.escort_id for d in plan.escort_duties] == ["E-MKS"]


def test_the_optimizer_improves_a_plan_it_is_given() -> None:
    s = woman_escort_in_makassar()
    optimizer = ColumnOptimizer(s)
    proven = optimizer.plan(Options(time_limit=10, seed=0))
    assert proven.status == "optimal" and optimizer.improved is None
    assert optimizer.baseline is not None
    options = Options(time_limit=10, seed=0)
    plan = optimizer._improve(optimizer.baseline, time.perf_counter() + 5, options, None)
    assert optimizer.improved is not None and optimizer.improved.better >= 1
    assert check_plan(s, plan) == []
    assert plan.objective.total_idr == exhaustive(s)
    assert plan.objective.lower_bound_idr <= plan.objective.total_idr


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(far_weeks())
def test_the_neighbourhoods_never_make_a_plan_worse(s: Scenario) -> None:
    first_come, plan, _ = from_first_come(s, seconds=3.0)
    best = exhaustive(s)
    if plan is not None:
        assert best <= plan.objective.total_idr <= first_come.objective.total_idr
