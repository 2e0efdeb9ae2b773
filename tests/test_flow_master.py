"""The flow program solved by column generation over its blocks (``planner.solver.flowmaster``):
it ends at the program's own value, and its bound, at every round, is never above a plan."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from planner.model import planning_units
from planner.network import TransportNetwork
from planner.scenario import Scenario
from planner.solver.flowmaster import FlowMaster
from planner.solver.flows import FlowBound
from planner.solver.network import TimeExpanded
from tests.test_column_generation import (
    escort_waits_for_the_ferry_back,
    exhaustive,
    far_weeks,
    four_services_to_lombok,
    one_seat_in_the_first_week,
    weekly_ship_to_makassar,
    woman_escort_in_makassar,
)


def program(s: Scenario) -> FlowBound:
    return FlowBound(s, TimeExpanded(s, TransportNetwork(s)), planning_units(s))


def solved(s: Scenario) -> FlowMaster:
    flows = program(s)
    master = FlowMaster(flows.build(), flows.master.constant)
    master.solve()
    return master


def test_on_the_hand_made_weeks_it_ends_at_the_program_s_value() -> None:
    for week in (
        four_services_to_lombok,
        weekly_ship_to_makassar,
        woman_escort_in_makassar,
        escort_waits_for_the_ferry_back,
        one_seat_in_the_first_week,
    ):
        s = week()
        whole = program(s).value()
        assert whole is not None
        master = solved(s)
        assert abs(master.value * 1000 - whole) < 1, week.__name__
        # Nothing prices out at the end, so the bound there is the master's value.
        assert abs(master.best * 1000 - whole) < 1, week.__name__


def test_an_escort_two_islands_away_is_found_and_the_bound_is_the_best_plan() -> None:
    s = escort_waits_for_the_ferry_back()
    assert abs(solved(s).best * 1000 - exhaustive(s)) < 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(far_weeks())
def test_the_bound_is_at_most_the_best_of_every_plan(s: Scenario) -> None:
    master = solved(s)
    assert master.best * 1000 <= exhaustive(s) + 1
    assert master.best <= master.value + 1e-6
