"""The bound from one linear program over flows (``planner.solver.flows``): on the hand-made
weeks of ``test_column_generation`` it is the best plan itself where the linear relaxation has
no gap (an escort two islands away, one who waits for the ferry back), and on random small
weeks it is never above the best of every plan."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from planner.model import planning_units
from planner.network import TransportNetwork
from planner.scenario import Scenario
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


def flow_bound(s: Scenario) -> float:
    found = FlowBound(s, TimeExpanded(s, TransportNetwork(s)), planning_units(s)).value()
    assert found is not None, "the program is solved"
    return found


def test_on_the_hand_made_weeks_the_bound_is_the_best_plan() -> None:
    for week in (
        four_services_to_lombok,
        weekly_ship_to_makassar,
        woman_escort_in_makassar,
        escort_waits_for_the_ferry_back,
    ):
        s = week()
        assert abs(flow_bound(s) - exhaustive(s)) < 1, week.__name__


def test_the_couple_s_half_seat_is_what_the_bound_does_not_see() -> None:
    # One seat on the first week's ferry, and a couple who travel together: the relaxation
    # sends half of the couple on it (a seat's worth), so the bound is below the best plan.
    s = one_seat_in_the_first_week()
    assert flow_bound(s) < exhaustive(s)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(far_weeks())
def test_the_bound_is_at_most_the_best_of_every_plan(s: Scenario) -> None:
    assert flow_bound(s) <= exhaustive(s) + 1
