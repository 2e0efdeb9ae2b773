"""The optimizer: valid plans, the right reasons for who waits, and the true optimum on tiny
scenarios, found here by trying every plan."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from itertools import product
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planner.assemble import EscortTrip, PartyChoice, build_plan
from planner.charging import NoCharging, allocate
from planner.check import check_plan
from planner.cli import app
from planner.io.validate import read_scenario
from planner.io.write import write_scenario
from planner.milp import DutyTree, HighsModel
from planner.model import ReturnModel, Solution
from planner.network import Itinerary, TransportNetwork
from planner.optimizer import Optimizer, Options, Relaxation
from planner.plan import Plan, Unplanned
from planner.scenario import BudgetLine, Scenario
from tests.tiny import LINE, at, back_ferry, case, escort, ferry, scenario, with_seats

FAST = Options(time_limit=10, workers=2, seed=1)


def optimize(s: Scenario, options: Options = FAST) -> Plan:
    plan = Optimizer(s).plan(options)
    assert check_plan(s, plan) == [], "the optimizer's plan must pass the checker"
    assert sorted(plan.planned_case_ids + tuple(u.case_id for u in plan.unplanned)) == sorted(
        c.case_id for c in s.cases
    )
    return plan


def reasons(plan: Plan) -> dict[str, str]:
    return {u.case_id: u.reason for u in plan.unplanned}


# -- small cases a person can check ----------------------------------------------------------------


def test_one_case_goes_home_on_the_ferry_and_the_plan_is_proven_optimal() -> None:
    plan = optimize(scenario((case("C1"),)))
    assert plan.planned_case_ids == ("C1",)
    assert plan.status == "optimal"
    assert plan.objective.gap == 0.0
    assert plan.objective.lower_bound_idr == plan.objective.total_idr


def test_cases_from_the_same_shelter_to_the_same_home_share_one_party_and_its_cars() -> None:
    plan = optimize(scenario((case("C1"), case("C2"), case("C3"))))
    assert len(plan.parties) == 1
    assert sorted(plan.parties[0].case_ids) == ["C1", "C2", "C3"]


def test_a_household_travels_whole_or_not_at_all() -> None:
    family = (case("C1", household_id="H1"), case("C2", household_id="H1"), case("C3", household_id="H1"))
    plan = optimize(scenario(family, services=(with_seats(ferry("F1", 2), 2), back_ferry("R1", 4))))
    assert plan.planned_case_ids == ()
    assert set(reasons(plan).values()) == {"no_seats"}


def test_too_little_budget_leaves_the_case_waiting_for_money() -> None:
    poor = replace(LINE, ceiling_idr=300_000)
    plan = optimize(scenario((case("C1"),), lines=(poor,)))
    assert reasons(plan) == {"C1": "budget"}
    assert "B-DINSOS has Rp 300.000 left" in plan.unplanned[0].detail


def test_a_trafficking_victim_without_a_free_escort_waits_for_one() -> None:
    busy = escort("E1", available_from=date(2026, 12, 20), available_to=date(2026, 12, 30))
    plan = optimize(scenario((case("C1", category="tppo"),), escorts=(busy,)))
    assert reasons(plan) == {"C1": "no_escort"}


def test_a_woman_escort_is_found_when_a_case_needs_one() -> None:
    man, woman = escort("E1", sex="M"), escort("E2", sex="F")
    plan = optimize(
        scenario((case("C1", category="tppo", needs=frozenset({"female_escort"})),), escorts=(man, woman))
    )
    assert plan.planned_case_ids == ("C1",)
    assert plan.escort_duties[0].escort_id == "E2"


def test_full_ferries_leave_the_last_case_waiting_for_a_seat() -> None:
    services = (with_seats(ferry("F1", 2), 1), with_seats(ferry("F2", 3), 1), back_ferry("R1", 4))
    plan = optimize(scenario((case("C1"), case("C2"), case("C3")), services=services))
    assert len(plan.planned_case_ids) == 2
    (waiting,) = plan.unplanned
    assert waiting.reason == "no_seats"
    assert "ferries to Tanjung Emas on 2 Dec and 3 Dec are full" in waiting.detail


def test_a_home_no_route_reaches_is_reported_as_such() -> None:
    plan = optimize(scenario((case("C1", home="REG-NOWHERE"), case("C2"))))
    assert reasons(plan) == {"C1": "no_route"}


def test_a_case_ready_after_the_window_is_not_ready() -> None:
    plan = optimize(scenario((case("C1", ready=date(2026, 12, 20)), case("C2"))))
    assert reasons(plan) == {"C1": "not_ready"}
    assert "20 Dec 2026" in plan.unplanned[0].detail


def test_a_case_ready_after_the_last_ferry_of_the_window_waits_for_the_horizon() -> None:
    plan = optimize(scenario((case("C1", ready=date(2026, 12, 5)),)))
    assert reasons(plan) == {"C1": "horizon"}


def test_the_cheaper_later_ferry_wins_for_a_low_priority_case() -> None:
    # A day later saves Rp 150.000 + Rp 75.000 of waiting; the ferry is Rp 1.000.000 cheaper.
    services = (ferry("F1", 2, fare=1_500_000), ferry("F2", 3, fare=500_000), back_ferry("R1", 4))
    plan = optimize(scenario((case("C1"),), services=services))
    assert [leg.service_id for leg in plan.parties[0].legs if leg.service_id] == ["F2"]


def test_the_same_seed_and_work_limit_give_the_same_plan() -> None:
    s = scenario(
        (case("C1"), case("C2", category="tppo"), case("C3", household_id="H"), case("C4", household_id="H")),
        services=(ferry("F1", 2), ferry("F2", 3), back_ferry("R1", 4), back_ferry("R2", 5)),
        escorts=(escort("E1"), escort("E2", sex="M")),
    )
    options = Options(time_limit=30, seed=7, work_limit=5.0)
    first, second = optimize(s, options), optimize(s, options)
    assert replace(first, solve_seconds=0) == replace(second, solve_seconds=0)


def test_with_no_time_to_build_the_model_the_baseline_plan_comes_back_valid() -> None:
    s = scenario(
        (case("C1"), case("C2", category="tppo"), case("C3", household_id="H"), case("C4", household_id="H")),
        services=(ferry("F1", 2), ferry("F2", 3), back_ferry("R1", 4), back_ferry("R2", 5)),
        escorts=(escort("E1"), escort("E2", sex="M")),
    )
    optimizer = Optimizer(s)
    plan = optimizer.plan(Options(time_limit=0))
    assert check_plan(s, plan) == []
    assert plan.status == "timeout"
    assert optimizer.baseline is not None
    assert plan.objective.total_idr == optimizer.baseline.objective.total_idr
    assert plan.planned_case_ids == optimizer.baseline.planned_case_ids


def test_the_baseline_plan_of_each_part_makes_a_valid_plan_of_the_whole() -> None:
    """What the optimizer returns for the parts it has no time left for: here every unit is
    a part of its own, and together they must give back the baseline's plan."""
    from planner.cli import demo_path
    from planner.optimizer import _baseline_solution, restrict

    s = read_scenario(demo_path())
    optimizer = Optimizer(s)
    baseline = optimizer.plan(Options(time_limit=0))  # the baseline, and the network built
    problem = optimizer.problem(baseline)
    travel: dict[tuple[int, int], int] = {}
    escorts = {}
    for part in ([u] for u in range(len(problem.units))):
        sub = restrict(problem, part)
        solution = _baseline_solution(sub, baseline)
        travel |= {(part[u], sub.global_journeys[j]): n for (u, j), n in solution.travel.items()}
        escorts |= {sub.global_journeys[j]: used for j, used in solution.escorts.items()}
    plan = optimizer._assemble(problem, travel, escorts, "feasible", 0, 0.0)
    assert check_plan(s, plan) == []
    assert plan.objective.total_idr == baseline.objective.total_idr
    assert sorted(plan.planned_case_ids) == sorted(baseline.planned_case_ids)


def test_a_search_cut_short_still_proves_the_linear_relaxation_s_bound() -> None:
    """The demo week with almost no search: CP-SAT proves little, and the plan's bound is the
    linear relaxation's, which no plan of the model can beat."""
    from planner.cli import demo_path

    s = read_scenario(demo_path())
    optimizer = Optimizer(s)
    plan = optimizer.plan(Options(time_limit=900, seed=0, work_limit=0.2, decompose=False))
    assert check_plan(s, plan) == []
    assert optimizer.baseline is not None
    relaxed = HighsModel(ReturnModel(optimizer.problem(optimizer.baseline)))
    assert relaxed.relaxation(60) is not None
    assert plan.objective.lower_bound_idr >= relaxed.relaxation_bound() > 0
    assert plan.objective.lower_bound_idr <= plan.objective.total_idr


def test_the_relaxation_pays_a_whole_car_whichever_of_two_ferries_a_case_takes() -> None:
    """Two ferries leave Kumai together, so both journeys ride the same cars.  Half the case on
    each would need half a car each way if the rule "whoever rides needs a whole car" were
    stated journey by journey; stated over both, the relaxation is the optimum itself."""
    s = scenario((case("C1"),), services=(ferry("F1", 2), ferry("F2", 2), back_ferry("R1", 4)))
    optimizer = Optimizer(s)
    plan = optimizer.plan(FAST)
    assert check_plan(s, plan) == [] and plan.status == "optimal"
    assert optimizer.baseline is not None
    problem = optimizer.problem(optimizer.baseline)
    assert len(problem.journeys) == 2
    relaxed = HighsModel(ReturnModel(problem))
    assert relaxed.relaxation(60) is not None
    assert relaxed.relaxation_bound() == plan.objective.total_idr == 1_545_000


def test_the_relaxation_s_cuts_pay_a_whole_car_for_the_escort_s_way_back() -> None:
    """A child needs an escort, and two escorts would ride the same cars home from Grobogan.
    Half of each escort would need half the cars: the plain relaxation says so, Rp 400.000
    short of the optimum.  The ride cuts found from its values close the gap."""
    s = scenario((case("C1", age=12),), escorts=(escort("E1"), escort("E2")))
    optimizer = Optimizer(s)
    plan = optimizer.plan(FAST)
    assert check_plan(s, plan) == [] and plan.status == "optimal"
    assert optimizer.baseline is not None
    problem = optimizer.problem(optimizer.baseline)
    plain = HighsModel(ReturnModel(problem))
    assert plain.relaxation(60) is not None
    assert plain.relaxation_bound() == plan.objective.total_idr - 400_000
    relaxation = Relaxation(ReturnModel(problem), 60)
    _, bound = relaxation.result()
    assert relaxation.cuts and bound == plan.objective.total_idr == 5_285_000


def test_the_duty_tree_proves_that_a_tight_budget_pays_an_escort_whole_or_not_at_all() -> None:
    """A child needs an escort; the line's Rp 3.000.000 pays for the adult's trip, or for
    part of the child's with its escort, never all of it.  The relaxation takes a fraction
    of the child with the same fraction of an escort and is Rp 1.215.000 short of the
    optimum; the tree over the escort duties (two nodes: the escort goes, or not) proves
    the optimum, in which the child waits for money."""
    s = scenario(
        (case("C1", age=12), case("C2")),
        escorts=(escort("E1"),),
        lines=(replace(LINE, ceiling_idr=3_000_000),),
    )
    optimizer = Optimizer(s)
    plan = optimizer.plan(FAST)
    assert check_plan(s, plan) == [] and plan.status == "optimal"
    assert plan.planned_case_ids == ("C2",) and reasons(plan) == {"C1": "budget"}
    assert optimizer.baseline is not None
    relaxation = Relaxation(ReturnModel(optimizer.problem(optimizer.baseline)), 60)
    values, bound = relaxation.result()
    assert values is not None and bound == plan.objective.total_idr - 1_215_000
    tree = DutyTree(relaxation.model, values)
    while not tree.done:
        tree.step(60)
    assert relaxation.model.in_idr_bound(tree.bound()) == plan.objective.total_idr == 8_895_000
    # Beside a search, the relaxation's thread goes on with the tree and publishes its bound.
    beside = Relaxation(ReturnModel(optimizer.problem(optimizer.baseline)), 60, time.perf_counter() + 60)
    waited = time.perf_counter()
    while beside.bound < plan.objective.total_idr and time.perf_counter() - waited < 30:
        time.sleep(0.05)
    assert beside.finish() == plan.objective.total_idr
    # A node still solving when the plan is done is waited for at exit: a daemon thread inside
    # HiGHS then made the process abort with exit code 134 (the escort-scarce week at 30 s).
    assert not beside._thread.daemon


def test_a_tree_node_gets_the_seconds_it_is_given_however_long_highs_ran_before() -> None:
    """HiGHS's time limit counts every run of its instance: a node given a tenth of a second
    after the relaxation has been solved for longer must still be solved, not cut short
    with nothing proven."""
    s = scenario(
        (case("C1", age=12), case("C2")),
        escorts=(escort("E1"),),
        lines=(replace(LINE, ceiling_idr=3_000_000),),
    )
    optimizer = Optimizer(s)
    plan = optimizer.plan(FAST)
    assert optimizer.baseline is not None
    highs = HighsModel(ReturnModel(optimizer.problem(optimizer.baseline)))
    values = highs.relaxation(60)
    while highs.highs.getRunTime() < 0.3:
        values = highs.relaxation(60)
    assert values is not None
    tree = DutyTree(highs, values)
    while not tree.done:
        tree.step(0.1)
    assert highs.in_idr_bound(tree.bound()) == plan.objective.total_idr


def test_a_search_narrowed_to_what_the_relaxations_used_finds_plans_the_best_plan_misses() -> None:
    """The narrowed searches of the tree's thread start from the best plan known and may use,
    besides its journeys and duties, only those some relaxation used.  From the plan in
    which nobody travels, and nothing else, there is nothing better to find; with what the
    relaxation used (a fraction of the child with its escort, and the adult), the optimum."""
    s = scenario(
        (case("C1", age=12), case("C2")),
        escorts=(escort("E1"),),
        lines=(replace(LINE, ceiling_idr=3_000_000),),
    )
    optimizer = Optimizer(s)
    plan = optimizer.plan(FAST)
    assert optimizer.baseline is not None
    model = ReturnModel(optimizer.problem(optimizer.baseline))
    relaxation = Relaxation(model, 60)
    values, _ = relaxation.result()
    assert values is not None
    relaxation.offer(Solution({}, {}, model.constant, 123, "optimal"))
    assert relaxation.incumbent == model.constant > plan.objective.total_idr
    relaxation._widen(np.zeros(len(values), bool), 10)
    assert relaxation.best is not None and relaxation.best.objective == model.constant
    assert relaxation.best.bound == 0  # a narrowed problem's bound proves nothing of the whole
    relaxation._widen(np.asarray(values) > 1e-6, 10)
    assert relaxation.best.objective == relaxation.incumbent == plan.objective.total_idr
    travelling = {case.case_id for u, _ in relaxation.best.travel for case in model.p.units[u].members}
    assert travelling == {"C2"} and not relaxation.best.escorts


def test_highs_reads_a_model_in_rupiah_as_exactly_the_model_in_the_money_unit() -> None:
    """The optimizer's model counts rupiah; HiGHS rescales it as it reads it, and must find
    the relaxation of the same model built in the larger unit."""
    from planner.cli import demo_path
    from planner.model import money_unit

    s = read_scenario(demo_path())
    problem = Optimizer(s).problem()
    in_rupiah = HighsModel(ReturnModel(problem))
    in_units = HighsModel(ReturnModel(problem, money_unit(s)))
    assert in_rupiah.unit == in_units.unit == money_unit(s) > 1
    assert in_rupiah.size == in_units.size
    assert in_rupiah.relaxation(60) is not None and in_units.relaxation(60) is not None
    assert in_rupiah.relaxation_bound() == in_units.relaxation_bound() > 0


def test_preferred_lines_are_spent_first_when_the_total_is_equal() -> None:
    cheap = BudgetLine("B-FIRST", "Dana cadangan", "Dinsos", 10_000_000, preference=1)
    plan = optimize(scenario((case("C1"),), lines=(LINE, cheap)))
    assert {c.budget_line_id for c in plan.charges} == {"B-FIRST"}


# -- the optimum, by trying every plan ----------------------------------------------------------------


def brute_force(s: Scenario) -> int:
    """The least total_idr over every plan the checker accepts: each household unplanned or on
    any journey, escorts on any of their ways back."""
    network = TransportNetwork(s, max_services=3)
    households = s.households
    choices_per: list[list[Itinerary | None]] = []
    for household in households:
        origin = s.location(household.location_id)
        earliest = max(s.settings.start, origin.midnight(household.ready))
        choices_per.append([None, *network.itineraries(household.location_id, household.home_id, earliest)])
    best: int | None = None
    for picks in product(*choices_per):
        groups: dict[tuple[object, ...], list[str]] = {}
        itineraries: dict[tuple[object, ...], Itinerary] = {}
        for household, pick in zip(households, picks, strict=True):
            if pick is not None:
                key = tuple(leg.key for leg in pick.legs)
                groups.setdefault(key, []).extend(household.case_ids)
                itineraries[key] = pick
        escort_choices = [
            _escort_ways(s, network, itineraries[k])
            if any(s.case(c).needs_escort for c in groups[k])
            else [()]
            for k in groups
        ]
        for escorts in product(*escort_choices):
            choices = [
                PartyChoice(tuple(groups[k]), itineraries[k], trips)
                for k, trips in zip(groups, escorts, strict=True)
            ]
            plan = _priced(s, choices)
            if plan is not None and (best is None or plan.objective.total_idr < best):
                best = plan.objective.total_idr
    assert best is not None
    return best


def _escort_ways(
    s: Scenario, network: TransportNetwork, itinerary: Itinerary
) -> list[tuple[EscortTrip, ...]]:
    """Every single escort with every way back (the tiny world's escorts start at the shelter)."""
    ways: list[tuple[EscortTrip, ...]] = []
    last = itinerary.legs[-1]
    for e in s.escorts:
        for back in network.itineraries(last.to_id, e.base_id, last.arrive, at(20, 0)):
            if back.depart >= last.arrive + s.settings.connection(back.legs[0].mode):
                ways.append((EscortTrip(e.escort_id, None, back),))
    return ways


def _priced(s: Scenario, choices: list[PartyChoice]) -> Plan | None:
    ids = [f"P{i + 1}" for i in range(len(choices))]
    try:
        charges = allocate(s, choices, ids)
    except NoCharging:
        return None
    planned = {c for ch in choices for c in ch.case_ids}
    unplanned = [Unplanned(c.case_id, "budget", "") for c in s.cases if c.case_id not in planned]
    plan = build_plan(s, choices, charges, unplanned, "feasible", party_ids=ids)
    return plan if check_plan(s, plan) == [] else None


TINY = {
    "two cases, two ferries": scenario(
        (case("C1"), case("C2", age=70)),
        services=(ferry("F1", 2, fare=900_000), ferry("F2", 4, fare=300_000), back_ferry("R1", 5)),
    ),
    "an escorted child and an adult, one escort": scenario(
        (case("C1", age=12), case("C2")),
        services=(ferry("F1", 2), ferry("F2", 3, seats=2), back_ferry("R1", 4), back_ferry("R2", 5)),
        escorts=(escort("E1", daily_allowance_idr=300_000),),
    ),
    "tight budget, two homes": scenario(
        (case("C1"), case("C2", home="REG-LOTIM"), case("C3", category="pmi")),
        services=(ferry("F1", 2), ferry("F2", 3, fare=200_000), back_ferry("R1", 4)),
        lines=(replace(LINE, ceiling_idr=3_000_000),),
    ),
}


@pytest.mark.parametrize("name", sorted(TINY))
def test_the_optimizer_finds_the_best_plan_found_by_trying_every_plan(name: str) -> None:
    s = TINY[name]
    plan = optimize(s)
    assert plan.status == "optimal"
    assert plan.objective.total_idr == brute_force(s)


@pytest.mark.parametrize("name", sorted(TINY))
def test_the_same_model_as_a_milp_solved_by_highs_finds_the_same_optimum(name: str) -> None:
    s = TINY[name]
    problem = Optimizer(s).problem()
    solution = HighsModel(ReturnModel(problem)).solve(time_limit=60)
    assert solution.status == "optimal"
    assert solution.objective == brute_force(s)


# -- random small scenarios ---------------------------------------------------------------------------


HOMES = ("REG-GROBOGAN", "REG-LOTIM", "REG-NOWHERE")


@st.composite
def small_scenarios(draw: st.DrawFn) -> Scenario:
    count = draw(st.integers(1, 6))
    cases = []
    for i in range(count):
        household = draw(st.sampled_from([None, "H1", "H2"]))
        home = "REG-GROBOGAN" if household else draw(st.sampled_from(HOMES))
        cases.append(
            case(
                f"C{i + 1}",
                home=home,
                ready=date(2026, 12, draw(st.integers(1, 9))),
                household_id=household,
                age=draw(st.sampled_from([8, 30, 65])),
                sex=draw(st.sampled_from(["F", "M"])),
                category=draw(st.sampled_from(["terlantar", "pmi", "tppo"])),
                needs=frozenset(
                    draw(st.sets(st.sampled_from(["medical", "psychosocial", "female_escort"]), max_size=1))
                ),
            )
        )
    services = tuple(
        ferry(f"F{d}", d, seats=draw(st.integers(0, 4)), fare=draw(st.sampled_from([200_000, 600_000])))
        for d in draw(st.sets(st.integers(1, 6), min_size=1, max_size=3))
    ) + tuple(back_ferry(f"R{d}", d, seats=draw(st.integers(0, 3))) for d in (3, 5, 7))
    escorts = tuple(
        escort(
            f"E{i}",
            sex=draw(st.sampled_from(["F", "M"])),
            skills=frozenset(draw(st.sets(st.sampled_from(["medical", "psychosocial"])))),
            max_cases=draw(st.integers(1, 3)),
        )
        for i in range(draw(st.integers(0, 2)))
    )
    lines = (
        replace(LINE, ceiling_idr=draw(st.sampled_from([1_000_000, 5_000_000, 50_000_000])), categories=None),
        BudgetLine(
            "B-TPPO",
            "TPPO",
            "Kemensos",
            draw(st.sampled_from([0, 4_000_000])),
            categories=frozenset({"tppo"}),
            preference=10,
        ),
    )
    return scenario(tuple(cases), services=services, escorts=escorts, lines=lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios())
def test_every_plan_the_optimizer_writes_obeys_every_rule(s: Scenario) -> None:
    plan = optimize(s, Options(time_limit=5, workers=2, seed=0))
    assert plan.objective.lower_bound_idr <= plan.objective.total_idr


# -- the demo week ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_plans() -> tuple[Scenario, Plan, Plan]:
    from planner.cli import demo_path

    s = read_scenario(demo_path())
    optimizer = Optimizer(s)
    # A deterministic work limit: the same plan on any machine, however slow; the wall-clock
    # limit is only a guard.
    plan = optimizer.plan(Options(time_limit=900, seed=0, work_limit=30))
    assert optimizer.baseline is not None
    return s, plan, optimizer.baseline


def test_the_demo_plan_passes_the_checker(demo_plans: tuple[Scenario, Plan, Plan]) -> None:
    s, plan, _ = demo_plans
    assert check_plan(s, plan) == []


def test_the_demo_plan_beats_the_baseline_by_at_least_15_percent(
    demo_plans: tuple[Scenario, Plan, Plan],
) -> None:
    _, plan, baseline = demo_plans
    assert plan.objective.total_idr <= 0.85 * baseline.objective.total_idr
    assert len(plan.planned_case_ids) >= len(baseline.planned_case_ids)
    assert plan.objective.lower_bound_idr <= plan.objective.total_idr


def test_the_demo_plan_is_proven_within_one_percent(demo_plans: tuple[Scenario, Plan, Plan]) -> None:
    _, plan, _ = demo_plans
    assert plan.objective.gap <= 0.01
    assert plan.objective.lower_bound_idr >= 0.99 * plan.objective.total_idr


def test_repat_plan_optimizes_shows_the_baseline_beside_it_and_writes_a_checkable_plan(
    tmp_path: Path,
) -> None:
    s = scenario((case("C1"), case("C2", category="tppo")), escorts=(escort("E1"),))
    write_scenario(s, tmp_path / "week")
    runner = CliRunner()
    planned = runner.invoke(
        app,
        ["plan", str(tmp_path / "week"), "--out", str(tmp_path / "out"), "--time-limit", "5", "--seed", "3"],
    )
    assert planned.exit_code == 0, planned.output
    assert "First-come baseline" in planned.output and "Optimizer" in planned.output
    assert "best Rp" in planned.output  # progress while solving
    checked = runner.invoke(app, ["check", str(tmp_path / "week"), str(tmp_path / "out" / "plan.json")])
    assert checked.exit_code == 0, checked.output
    assert '"status": "optimal"' in (tmp_path / "out" / "plan.json").read_text()
