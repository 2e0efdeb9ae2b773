"""Plans shared by the tests of the outputs: building them is the slow part."""

from __future__ import annotations

import pytest

from benchmarks.generator import generate
from planner.baseline import plan_baseline
from planner.plan import Plan
from planner.scenario import Scenario


@pytest.fixture(scope="session")
def many_parties() -> tuple[Scenario, Plan]:
    """A generated week, with money and escorts to spare, whose first-come plan sends hundreds
    of parties (220)."""
    scenario = generate(500, seed=2, budget_ratio=10.0, escort_ratio=10.0)
    plan = plan_baseline(scenario)
    assert len(plan.parties) >= 200
    return scenario, plan
