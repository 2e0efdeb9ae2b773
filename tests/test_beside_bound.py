"""The bound over the party rows at the empty master, solved beside the rounds.

On escort-scarce weeks that bound is the best of the run, and its program takes longer than
a round, so a second process makes it and solves it in slices, and may be ended before its
optimum.  Stopped anywhere, its duals still give a bound (every column of the program is
boxed): these tests check that this bound is at most the program's optimum and the week's
best plan, and that a solve keeps it.
"""

from __future__ import annotations

import time
from pathlib import Path

import highspy
import pytest
from hypothesis import HealthCheck, given, settings

from benchmarks.generator import generate
from planner.aside import SCENARIO, Aside
from planner.network import TransportNetwork
from planner.optimizer import Options
from planner.scenario import Scenario
from planner.solver.generation import ColumnGeneration
from planner.solver.parties import PartyProgram
from planner.solver.program import Program
from planner.solver.search import ColumnOptimizer
from tests.test_column_generation import exhaustive, far_weeks, service, ways_to_lombok, week
from tests.tiny import WITA, at, back_ferry, case, escort, ferry


def two_parties() -> Program:
    """Two options of value 3 and 2 and room for one: the least value is -3."""
    program = Program()
    program.add(-3.0, {("room",): 1.0}, upper=1.0)
    program.add(-2.0, {("room",): 1.0}, upper=1.0)
    program.bound(("room",), -highspy.kHighsInf, 1.0)
    return program


def test_any_duals_of_the_right_signs_bound_the_least_value() -> None:
    program = two_parties()
    assert program.solve() == pytest.approx(-3.0)
    assert program.box_bound([0.0]) == pytest.approx(-5.0)  # each option at its own value
    assert program.box_bound([-3.0]) == pytest.approx(-3.0)  # the room's price: the optimum
    assert program.box_bound([-10.0]) == pytest.approx(-10.0)
    # A positive multiplier on a row with no lower side is clipped to 0.
    assert program.box_bound([4.0]) == pytest.approx(-5.0)


def test_a_column_without_a_box_gives_no_bound() -> None:
    program = two_parties()
    program.add(-1.0, {("room",): 1.0})
    assert program.box_bound([-3.0]) is None


def empty_program(s: Scenario) -> PartyProgram:
    generation = ColumnGeneration(s, TransportNetwork(s))
    generation.master.solve()
    units, _ = generation.priced()
    return generation._party_program(units)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(far_weeks())
def test_the_party_bound_at_the_empty_master_stopped_anywhere_is_at_most_the_best_plan(s: Scenario) -> None:
    best = exhaustive(s)
    found = empty_program(s)
    optimum = found.program.solve()
    assert optimum is not None
    assert found.bound(optimum) <= best + 1, "a bound of the week is at most its best plan"
    for iterations in (0, 1, 3, 10):
        solver = found.program.highs()
        solver.setOptionValue("simplex_iteration_limit", iterations)
        value = found.program.least(solver)
        assert value is not None
        assert value <= optimum + 1e-6
        assert found.bound(value) <= best + 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(far_weeks())
def test_the_party_bound_with_the_vehicles_to_the_first_service_is_at_most_the_best_plan(s: Scenario) -> None:
    best = exhaustive(s)
    found = ColumnGeneration(s, TransportNetwork(s)).empty_party_program()
    optimum = found.program.solve()
    assert optimum is not None
    assert found.bound(optimum) <= best + 1, "a bound of the week is at most its best plan"


def test_a_lone_traveller_pays_the_whole_car_to_the_port() -> None:
    """One person, the ferries of 2 and 4 Dec, and the car from the shelter to Kumai before
    each (Rp 200.000 for six seats).  Priced a seat at a time, the car costs a sixth of what
    the lone traveller pays; as a row of the program, all of it."""
    s = week((case("C1"),), (ferry("F2", 2), ferry("F4", 4)))
    best = exhaustive(s)
    plain = empty_program(s)
    seated = plain.bound(plain.program.solve() or 0.0)
    whole = ColumnGeneration(s, TransportNetwork(s)).empty_party_program()
    bound = whole.bound(whole.program.solve() or 0.0)
    assert seated < bound <= best + 1
    assert bound - seated >= 200_000 * 5 / 6 - 1, "the five seats it cannot share"


def test_a_program_solved_in_slices_rises_to_its_optimum() -> None:
    found = empty_program(generate(40, seed=1, structure="escort-scarce"))
    optimum = found.program.solve()
    assert optimum is not None
    whole = list(found.program.rising(time.perf_counter() + 60))
    assert whole[-1] == pytest.approx(optimum)
    # Slices of 20 ms: a bound after each that rises, never above the optimum.  (Slices of
    # 5 ms once made no progress on a loaded machine and ran out of the minute.)
    sliced = list(found.program.rising(time.perf_counter() + 60, first=0.02, most=0.02))
    assert len(sliced) > 1, "the dual simplex needs more than 20 ms on this week"
    assert sliced == sorted(set(sliced))
    assert sliced[-1] == pytest.approx(optimum)
    assert sliced[0] <= optimum + 1e-6
    assert list(found.program.rising(time.perf_counter())) == [], "no time, no bound"


def test_a_second_process_ended_before_its_program_is_made_proves_nothing() -> None:
    s = generate(40, seed=1, structure="escort-scarce")
    aside = Aside(s, time.perf_counter() + 60)
    assert aside.finish() is None
    assert aside.done and aside.failure is None
    waited = Aside(s, time.perf_counter() + 60)
    bound = waited.finish(wait=True)
    assert waited.failure is None
    made = ColumnGeneration(s, TransportNetwork(s)).empty_party_program()
    assert bound == pytest.approx(made.bound(made.program.solve() or 0.0))


def test_a_second_process_without_time_for_its_program_keeps_the_lagrangian_bound() -> None:
    # The rounds' process leaves the Lagrangian bound at the empty master to the second one,
    # which writes it before it makes its program: with no time to solve that, it is the bound.
    s = generate(40, seed=1, structure="escort-scarce")
    empty = ColumnGeneration(s, TransportNetwork(s))
    empty.empty_bound()
    assert empty.bound > 0
    left = ColumnGeneration(s, TransportNetwork(s))
    left.empty_bound(beside=lambda: Aside(s, time.perf_counter()))
    assert left.bound == 0.0, "priced by the second process, not here"
    left.finish(wait=True)
    assert left.beside_bound == pytest.approx(empty.bound)
    assert left.bound == pytest.approx(empty.bound)


def test_a_second_process_that_fails_says_why_and_proves_nothing() -> None:
    s = generate(40, seed=1, structure="escort-scarce")
    aside = Aside(s, time.perf_counter() + 60)
    # Spoilt before the process has read it (it is still starting its interpreter).
    (Path(aside._folder.name) / SCENARIO).write_bytes(b"not a scenario")
    assert aside.finish(wait=True) is None
    assert aside.failure is not None and "Error" in aside.failure


def test_an_escort_scarce_solve_keeps_the_bound_solved_beside() -> None:
    """On the 40-case escort-scarce week the bound at the empty master is solved beside the
    rounds, beats the Lagrangian bound there, and the plan keeps it."""
    s = generate(40, seed=1, structure="escort-scarce")
    empty = ColumnGeneration(s, TransportNetwork(s))
    empty.empty_bound()
    alone = ColumnGeneration(s, TransportNetwork(s))
    until = time.perf_counter() + 120
    alone.empty_bound(beside=lambda: Aside(s, until))
    alone.finish(wait=True)
    assert alone.beside_bound is not None
    assert alone.beside_bound > empty.bound, "on this week it beats the Lagrangian bound"
    assert alone.bound == max(empty.bound, alone.beside_bound)

    optimizer = ColumnOptimizer(s)
    plan = optimizer.plan(Options(time_limit=20, seed=0))
    generation = optimizer.generation
    assert generation is not None and generation.beside_bound is not None
    assert generation._beside is None, "the thread is done with when the plan is"
    assert plan.objective.lower_bound_idr >= min(
        generation.beside_bound * (1 - 1e-5) - 10_000, plan.objective.total_idr
    )
    assert plan.objective.lower_bound_idr <= plan.objective.total_idr


def empty_bound(s: Scenario) -> float:
    found = ColumnGeneration(s, TransportNetwork(s)).empty_party_program()
    return found.bound(found.program.solve() or 0.0)


# The escort's car back from Kumai to the shelter, which no unit rides: the program prices a
# vehicle its party does not need whole as one seat of six (Rp 200.000 / 6).
EMPTY_SEATS = 200_000 * 5 / 6


def test_an_escort_pays_whole_days_for_a_party_taken_in_an_hour() -> None:
    """A 12-year-old from the shelter to Kumai, half an hour by car, with the escort of the
    shelter (the best plan: two cars of Rp 200.000, the child's meals, the escort's day,
    Rp 920.000).  The duty lasts an hour; it pays the day (Rp 460.000 of allowance and
    meals), not an hour of it.  The bound misses the empty seats of both cars: the child's
    car there is the child's own row, whole, but the escort rides it too."""
    s = week((case("C1", home="PORT-KUMAI", age=12),), (), escorts=(escort("E1"),))
    best = exhaustive(s)
    assert best == 920_000
    assert empty_bound(s) == pytest.approx(best - 2 * EMPTY_SEATS, abs=1)


def test_an_escort_whose_fast_way_back_is_dear_pays_the_days_of_the_slow_one() -> None:
    """A 12-year-old from the shelter to Semarang port on the ferry of 2 Dec, with the
    shelter's escort.  Back, the escort takes the ferry of 3 Dec (Rp 400.000, at the shelter
    at 12:30 on 4 Dec) or a flight to Kumai (Rp 1.500.000, at the shelter at noon on 3 Dec).
    Priced once, the party took the ferry's fare and hours and the flight's end, so two whole
    days; by the day it is back, the ferry's way pays its three whole days and the flight's
    its fare: the bound is the best plan but for the car back's empty seats."""
    flight = service("FL3", "flight", "PORT-SMG", "PORT-KUMAI", at(3, 10), at(3, 11, 30), 1_500_000)
    s = week(
        (case("C1", home="PORT-SMG", age=12),),
        (ferry("F2", 2), back_ferry("R3", 3), flight),
        escorts=(escort("E1"),),
    )
    best = exhaustive(s)
    assert best == 3_625_000
    assert empty_bound(s) == pytest.approx(best - EMPTY_SEATS, abs=1)


def test_an_escort_whose_party_goes_the_slow_way_pays_the_days_of_its_way_back() -> None:
    """A 12-year-old from the shelter to Lombok Timur, with the shelter's escort: on from
    Semarang by bus, night ferry and bus (Rp 550.000, at home on 4 Dec at 16:00) or by air
    (Rp 2.500.000, at home on 3 Dec).  The escort flies back to Semarang the next morning
    there is a flight (4 or 6 Dec) and takes that day's ferry to Kumai.  The best plan goes
    the slow way, the escort back on 7 Dec.  Priced apart, the escort's fares on were the
    slow way's and its way back the fast party's, home on 5 Dec: two days too few.  Priced
    by the day it is back, the fares on and back are those of ways that are back by then."""
    services = (
        *ways_to_lombok(),
        service("A4", "flight", "REG-LOTIM", "PORT-SMG", at(4, 9, tz=WITA), at(4, 9, 30), 1_000_000),
        service("A6", "flight", "REG-LOTIM", "PORT-SMG", at(6, 9, tz=WITA), at(6, 9, 30), 1_000_000),
        back_ferry("R4", 4),
        back_ferry("R6", 6),
    )
    s = week((case("C1", home="REG-LOTIM", age=12),), services, escorts=(escort("E1"),))
    best = exhaustive(s)
    assert best == 7_165_000
    assert empty_bound(s) == pytest.approx(best - EMPTY_SEATS, abs=1)


def recorded_asides(monkeypatch: pytest.MonkeyPatch) -> list[Aside]:
    """Every second process the solves start from here on, in the order started."""
    made: list[Aside] = []

    class Recorded(Aside):
        def __init__(self, scenario: Scenario, until: float) -> None:
            made.append(self)
            super().__init__(scenario, until)

    monkeypatch.setattr("planner.solver.search.Aside", Recorded)
    return made


def test_the_bound_beside_starts_before_the_week_is_prepared_and_the_rounds_take_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It needs nothing from the main process: started with the solve, it has the second core
    while the main one makes the network and the first-come plan."""
    made = recorded_asides(monkeypatch)
    started_before: list[int] = []  # second processes started when the generation is made
    prepare = ColumnGeneration.__init__

    def prepared(self: ColumnGeneration, *args: object, **kwargs: object) -> None:
        started_before.append(len(made))
        prepare(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ColumnGeneration, "__init__", prepared)
    s = generate(40, seed=1, structure="escort-scarce")
    optimizer = ColumnOptimizer(s)
    optimizer.plan(Options(time_limit=10, seed=0))
    assert started_before[0] == 1
    assert len(made) == 1, "the one started first is the one the rounds take"
    assert made[0].done, "ended with the solve"
    generation = optimizer.generation
    assert generation is not None and generation._beside is None


def test_a_bound_beside_that_no_round_takes_is_ended_with_the_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    made = recorded_asides(monkeypatch)

    def broken(self: ColumnGeneration, *args: object, **kwargs: object) -> None:
        raise RuntimeError("the week's generation could not be made")

    monkeypatch.setattr(ColumnGeneration, "__init__", broken)
    s = generate(40, seed=1, structure="escort-scarce")
    optimizer = ColumnOptimizer(s)
    with pytest.raises(RuntimeError):
        optimizer.plan(Options(time_limit=5, seed=0))
    assert len(made) == 1 and made[0].done, "no second process is left behind"
    assert optimizer._aside is None


def test_a_solve_without_the_first_come_hint_starts_no_bound_beside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the hint the master starts empty and never prices the empty master alone."""
    made = recorded_asides(monkeypatch)
    s = generate(40, seed=1, structure="escort-scarce")
    ColumnOptimizer(s).plan(Options(time_limit=5, seed=0, hints=False))
    assert made == []
