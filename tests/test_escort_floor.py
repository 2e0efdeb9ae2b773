"""The escort floors (``planner.solver.floor``) made for every need at once are the floors made
need by need, a single moment's floor read from them is the one found alone, leaving out the
escorts another one dominates changes no floor, and a duty's floor counts its calendar days."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from benchmarks.generator import generate
from planner.network import TransportNetwork
from planner.solver.floor import FLOOR_KEYS, EscortFloor
from planner.solver.generation import ColumnGeneration
from planner.solver.master import MONEY, Busy
from tests.tiny import LINKS, at, back_ferry, case, escort, ferry, scenario


@pytest.fixture(scope="module")
def generation() -> ColumnGeneration:
    week = generate(40, seed=4, escort_ratio=0.5, budget_ratio=0.6)
    # A dearer copy of each escort, and a twin of the first: each is dominated, the twin by a tie.
    dearer = tuple(
        replace(e, escort_id=f"{e.escort_id}-B", daily_allowance_idr=e.daily_allowance_idr + 50_000)
        for e in week.escorts
    )
    twin = replace(week.escorts[0], escort_id=f"{week.escorts[0].escort_id}-T")
    week = replace(week, escorts=(*week.escorts, *dearer, twin))
    made = ColumnGeneration(week, TransportNetwork(week))
    made.run(None, None, max_rounds=2, until_stalled=False)  # duals on seats, vehicles, escorts
    made.pricing.refresh()
    return made


def _places(generation: ColumnGeneration) -> list[str]:
    return sorted({u.origin for u in generation.units} | {u.home for u in generation.units})


def test_the_week_has_escorts_of_every_need(generation: ColumnGeneration) -> None:
    floor = generation.pricing.floor
    assert all(0 < len(floor.able[need]) < len(floor.able[None]) for need in FLOOR_KEYS if need is not None)


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


def test_leaving_out_the_dominated_escorts_changes_no_floor(
    generation: ColumnGeneration, monkeypatch: pytest.MonkeyPatch
) -> None:
    p, net = generation.pricing, generation.net
    few = EscortFloor(p)
    assert 0 < len(few.escorts) < len(few.able[None])  # else this test could not fail
    monkeypatch.setattr(EscortFloor, "_undominated", lambda self, escorts: np.ones(len(escorts), dtype=bool))
    every = EscortFloor(p)
    assert len(every.escorts) == len(every.able[None])
    for place in _places(generation):
        _, a = p._origin(place)
        into = np.nonzero(net.arc_head == net.sink[place])[0]
        arrive = net.node_time[net.arc_tail[into]]
        outs, all_outs = (
            few.outs(place, a["depart"], a["ready_by"]),
            every.outs(place, a["depart"], a["ready_by"]),
        )
        backs, all_backs = few.backs(place, arrive), every.backs(place, arrive)
        for need in FLOOR_KEYS:
            assert np.array_equal(outs[need], all_outs[need]), (place, need)
            assert np.array_equal(backs[need], all_backs[need]), (place, need)


def test_an_escort_with_busy_duals_dominates_no_one(
    generation: ColumnGeneration, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every escort charged for being busy at one moment: none may stand in for another.
    charged = Busy(np.array([generation.scenario.settings.start.timestamp()]), np.array([0.0, 1.0]))
    monkeypatch.setattr(EscortFloor, "_busy", lambda self, escort: charged)
    floor = EscortFloor(generation.pricing)
    assert len(floor.escorts) == len(floor.able[None])


def test_a_duty_s_floor_counts_the_part_of_its_first_day_gone_and_of_its_last_day_left() -> None:
    # The shelter's escort leaves with a party at 06:30 on 1 Dec: its way out costs nothing but
    # the six and a half hours of that day gone.  From Grobogan, reached at 11:00 on 2 Dec, its
    # way back is the ferry of 6 Dec, home on 7 Dec: the fare, and every hour from the arrival to
    # the end of 7 Dec, the last calendar day of its duty.  (The cars cost nothing here.)
    links = tuple(replace(link, vehicle_cost_idr=0) for link in LINKS)
    week = scenario(
        (case("C1", sex="F", age=12),),
        services=(ferry("F1", 1), back_ferry("R6", 6)),
        escorts=(escort("E1"),),
        links=links,
    )
    generation = ColumnGeneration(week, TransportNetwork(week))
    generation.pricing.refresh()
    floor = generation.pricing.floor
    (e1,) = week.escorts
    rate = floor.rates["E1"]
    leaves = np.array([at(1, 6, 30).timestamp()])
    assert floor._escort_out(e1, "SHL-PKB", leaves, leaves)[0] == pytest.approx(rate * 6.5 * 3600)
    arrives = at(2, 11)
    back = floor.back(None, "REG-GROBOGAN", np.array([arrives.timestamp()]))[0]
    assert back == pytest.approx(400_000 / MONEY + rate * (at(8, 0) - arrives).total_seconds())
