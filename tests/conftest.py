"""Plans shared by the tests of the outputs: building them is the slow part."""

from __future__ import annotations

import pytest

from benchmarks.generator import generate
from planner.baseline import plan_baseline
from planner.plan import Plan
from planner.scenario import Scenario


@pytest.fixture(scope="session")
def many_parties() -> tuple[Scenario, Plan]:
    """A generated week whose first-come plan sends hundreds of parties (239)."""
    scenario = generate(900, seed=2)
    plan = plan_baseline(scenario)
    assert len(plan.parties) >= 200
    return scenario, plan
