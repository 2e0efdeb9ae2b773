"""Which columns come in.  A party itinerary that has just got escorted cases gets its
cheapest duties at once (``ColumnGeneration._escort_new``): the escorts that others outrank on
every way are not valued for them, and the columns are the same as when every escort is.  A
round with ``keep`` makes only each itinerary's most negative duties but prices every one.  A
relaxation not solved in time gives the search its last columns and every one made since."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from benchmarks.generator import generate
from planner.network import TransportNetwork
from planner.scenario import Scenario
from planner.solver.generation import FIRST_DUTIES, ColumnGeneration
from planner.solver.pricing import ALTERNATIVES, Pricing


def _week() -> Scenario:
    week = generate(40, seed=4, escort_ratio=0.5, budget_ratio=0.6)
    # Two dearer copies of each escort (outranked by it and by the cheaper copy), a twin of the
    # first (outranked only by it: listed after it) and a copy that takes fewer cases (never).
    dearer = tuple(
        replace(e, escort_id=f"{e.escort_id}-{k}", daily_allowance_idr=e.daily_allowance_idr + k * 50_000)
        for e in week.escorts
        for k in (1, 2)
    )
    first = week.escorts[0]
    twin = replace(first, escort_id=f"{first.escort_id}-T")
    fewer = replace(first, escort_id=f"{first.escort_id}-F", max_cases=first.max_cases - 1)
    return replace(week, escorts=(*week.escorts, *dearer, twin, fewer))


def _columns(generation: ColumnGeneration) -> list[tuple[str, float, int, int, str | None]]:
    return [
        (c.kind, round(c.cost, 6), c.unit, c.journey, c.option.escort_id if c.option else None)
        for c in generation.master.columns
    ]


def test_outranked_escorts_are_not_valued_and_the_columns_stay_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    week = _week()
    passed: list[set[str]] = []
    outranked = Pricing._outranked

    def spy(self: Pricing, first: int, parties: dict) -> set[str]:  # type: ignore[type-arg]
        found = outranked(self, first, parties)
        passed.append(found)
        return found

    monkeypatch.setattr(Pricing, "_outranked", spy)
    few = ColumnGeneration(week, TransportNetwork(week))
    few.run(None, None, max_rounds=3, until_stalled=False)
    copies = {e.escort_id for e in week.escorts if e.escort_id.endswith("-2")}
    assert FIRST_DUTIES == 2 and any(copies <= found for found in passed)
    assert not any(found & {f"{week.escorts[0].escort_id}-{k}" for k in "TF"} for found in passed)

    monkeypatch.setattr(Pricing, "_outranked", lambda self, first, parties: set())
    every = ColumnGeneration(week, TransportNetwork(week))
    every.run(None, None, max_rounds=3, until_stalled=False)
    assert _columns(few) == _columns(every)
    assert [(r.master_idr, r.bound_idr) for r in few.rounds] == [
        (r.master_idr, r.bound_idr) for r in every.rounds
    ]


def test_a_round_keeps_the_most_negative_duties_of_each_itinerary_and_prices_every_one() -> None:
    week = _week()
    generation = ColumnGeneration(week, TransportNetwork(week))
    generation.run(None, None, max_rounds=2, until_stalled=False)
    pricing, escorted = generation.pricing, generation._escorted()
    pricing.refresh()
    every = pricing.duties_priced(escorted)
    pricing.refresh()
    kept = pricing.duties_priced(escorted, keep=1)
    assert [(p.escort_id, p.journey, p.least) for p in kept] == [
        (p.escort_id, p.journey, p.least) for p in every
    ]
    made = [p for p in every if p.option is not None]
    assert len({p.journey for p in made}) < len(made)  # some itinerary has more than one
    for j in {p.journey for p in made}:
        best = min((p for p in made if p.journey == j), key=lambda p: p.least)
        assert [p.option for p in kept if p.journey == j and p.option is not None] == [best.option]


def test_a_relaxation_not_solved_in_time_uses_its_last_columns_and_every_one_made_since(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    week = _week()
    generation = ColumnGeneration(week, TransportNetwork(week))
    generation.run(None, None, max_rounds=2, until_stalled=False)
    m = generation.master
    solved = len(m.col_value)
    assert solved < len(m.columns)  # the last round's columns came after its solve
    last = {c for c, x in enumerate(m.col_value) if x > 1e-6}
    monkeypatch.setattr(type(m), "solve_within", lambda self, seconds: None)
    used = generation.used(deadline=0.0)
    assert used == last | set(range(solved, len(m.columns))) | generation.seeded
    assert len(m.col_value) == solved  # the last solution is kept
    monkeypatch.undo()
    assert generation.used(deadline=time.perf_counter() + 600) == generation.used()


def test_an_escorted_unit_is_offered_the_master_parties_it_could_join() -> None:
    """A new itinerary cheaper at the escorts' floor often waits for escorts who are busy;
    the master's parties that already have theirs are offered beside it."""
    week = generate(40, seed=1, structure="escort-scarce")
    generation = ColumnGeneration(week, TransportNetwork(week))
    generation.run(None, None, max_rounds=3, until_stalled=False)
    m = generation.master
    m.solve()
    units, _ = generation.priced()
    checked = 0
    for price in units:
        unit = generation.units[price.unit]
        if not unit.escorted:
            continue
        offered = {m.journey_index.get(tuple(leg.key for leg in it.legs)) for it, _ in price.others}
        if price.itinerary is not None:
            offered.add(m.journey_index.get(tuple(leg.key for leg in price.itinerary.legs)))
        joining = sorted(
            (generation.pricing.x_reduced(price.unit, j, with_unit=False), j)
            for j, rows in enumerate(m.journeys)
            if (rows.origin, rows.home) == (unit.origin, unit.home)
            and rows.journey.depart >= unit.earliest
            and (price.unit, j) not in m.x_index
        )
        for value, j in joining[:ALTERNATIVES]:
            if value < -1e-3:
                assert j in offered
                checked += 1
    assert checked
