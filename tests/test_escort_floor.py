"""The escort floors (``planner.solver.floor``) made for every need at once are the floors made
need by need, and a single moment's floor read from them is the one found alone."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.generator import generate
from planner.network import TransportNetwork
from planner.solver.floor import FLOOR_KEYS, EscortFloor
from planner.solver.generation import ColumnGeneration


@pytest.fixture(scope="module")
def generation() -> ColumnGeneration:
    week = generate(40, seed=4, escort_ratio=0.5, budget_ratio=0.6)
    made = ColumnGeneration(week, TransportNetwork(week))
    made.run(None, None, max_rounds=2, until_stalled=False)  # duals on seats, vehicles, escorts
    made.pricing.refresh()
    return made


def _places(generation: ColumnGeneration) -> list[str]:
    return sorted({u.origin for u in generation.units} | {u.home for u in generation.units})


def test_the_week_has_escorts_of_every_need(generation: ColumnGeneration) -> None:
    floor = generation.pricing.floor
    assert all(0 < len(floor.able[need]) < len(floor.escorts) for need in FLOOR_KEYS if need is not None)


def test_the_ways_out_for_every_need_at_once_are_those_of_each_need(generation: ColumnGeneration) -> None:
    p = generation.pricing
    for place in _places(generation):
        _, a = p._origin(place)
        every = p.floor.outs(place, a["depart"], a["ready_by"])
        for need in FLOOR_KEYS:
            alone = EscortFloor(p).out(need, place, a["depart"], a["ready_by"])
            assert np.array_equal(every[need], alone), (place, need)


def test_the_ways_back_for_every_need_at_once_are_those_of_each_need(generation: ColumnGeneration) -> None:
    p, net = generation.pricing, generation.net
    reached = 0
    for place in _places(generation):
        into = np.nonzero(net.arc_head == net.sink[place])[0]
        arrive = net.node_time[net.arc_tail[into]]
        every = p.floor.backs(place, arrive)
        for need in FLOOR_KEYS:
            alone = EscortFloor(p).back(need, place, arrive)
            assert np.array_equal(every[need], alone), (place, need)
            reached += int((alone < 1e9).sum())
    assert reached  # some escort can come back from somewhere


def test_a_moments_floor_read_from_its_places_floors_is_the_one_found_alone(
    generation: ColumnGeneration,
) -> None:
    p, net = generation.pricing, generation.net
    known, alone = EscortFloor(p), EscortFloor(p)
    for place in _places(generation):
        _, a = p._origin(place)
        known.heads(place)
        known.sinks(place)
        into = np.nonzero(net.arc_head == net.sink[place])[0]
        for need in FLOOR_KEYS:
            for depart, ready_by in list(zip(a["depart"].tolist(), a["ready_by"].tolist(), strict=True))[:20]:
                assert known.out_at(need, place, depart, ready_by) == alone.out_at(
                    need, place, depart, ready_by
                )
            for arrive in net.node_time[net.arc_tail[into]].tolist()[:20]:
                assert known.back_at(need, place, arrive) == alone.back_at(need, place, arrive)
