"""Regions searched apart: what they share divided by the master's relaxation.

Two shelters far apart: Pangkalan Bun (Kalimantan), whose parties sail from Kumai to Semarang,
and Makassar (Sulawesi), whose parties drive to Bone.  They ride no service in common, but
they share the one woman escort (based in Makassar; she can reach Pangkalan Bun by two ships,
and one duty there takes her nine days) and one national line that cannot pay for everyone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from planner.check import check_plan
from planner.optimizer import Options, components
from planner.plan import Plan
from planner.scenario import BudgetLine, Costs, Link, Scenario, Settings
from planner.solver.regions import regions
from planner.solver.search import ColumnOptimizer
from tests.test_column_generation import PLACES, woman_escort_in_makassar
from tests.tiny import LINKS, at, case

NATIONAL = BudgetLine("B-KEMENSOS", "Pemulangan nasional", "Kemensos", 3_500_000)
# Reproducible: a number of generation rounds, then the search to a deterministic work limit.
OPTIONS = Options(time_limit=120, work_limit=10, seed=0)


def two_regions(ceiling: int = NATIONAL.ceiling_idr) -> Scenario:
    # The woman escort's week of the tests of column generation: her ships from Makassar to
    # Pangkalan Bun and back, the ferries from Kumai; and a road from Makassar to Bone.
    base = woman_escort_in_makassar()
    services = base.services
    links = (
        *base.links[len(LINKS) :],
        Link("KOTA-MKS", "REG-BONE", "car", 180, 0, 450_000, 4),
        Link("REG-BONE", "KOTA-MKS", "car", 180, 0, 450_000, 4),
    )
    escorts = base.escorts
    victim = {"sex": "F", "category": "tppo", "needs": frozenset({"female_escort"})}
    in_makassar = {"location_id": "KOTA-MKS", "home_id": "REG-BONE"}
    cases = (
        case("A-V1", age=16, **victim),
        case("A-V2", age=19, **victim),
        *(case(f"A-M{k}") for k in range(1, 4)),
        replace(case("B-V1", age=17, ready=date(2026, 12, 3), **victim), **in_makassar),  # type: ignore[arg-type]
        *(replace(case(f"B-M{k}", ready=date(2026, 12, 2)), **in_makassar) for k in range(1, 3)),  # type: ignore[arg-type]
    )
    settings = Settings(name="two regions", start=at(1, 0), horizon_days=7, costs=Costs())
    line = replace(NATIONAL, ceiling_idr=ceiling)
    return Scenario(settings, PLACES, cases, services, LINKS + links, escorts, (line,))


def planned(s: Scenario, regions_from: int) -> tuple[Plan, ColumnOptimizer]:
    optimizer = ColumnOptimizer(s)
    optimizer.regions_from = regions_from
    plan = optimizer.plan(OPTIONS)
    assert check_plan(s, plan) == []
    assert sorted(plan.planned_case_ids + tuple(u.case_id for u in plan.unplanned)) == sorted(
        c.case_id for c in s.cases
    )
    return plan, optimizer


def test_the_regions_share_only_the_escort_and_the_line() -> None:
    s = two_regions()
    optimizer = ColumnOptimizer(s)
    optimizer.regions_from = 10**6
    optimizer.plan(OPTIONS)
    assert optimizer.generation is not None
    problem = optimizer._columns(optimizer.generation, every=True)
    # Whole, the escort and the line join the two shelters into one part.
    assert len(components(problem)) == 1
    found = regions(problem, optimizer.generation.master, optimizer._kept)
    assert len(found) == 2
    places = [{problem.units[u].origin for u in group} for group, _ in found]
    assert sorted(map(sorted, places)) == [["KOTA-MKS"], ["SHL-PKB"]]
    shares = [share for _, share in found]
    # The woman escort serves one region only; the line's ceiling is divided, not doubled.
    assert sorted(len(share.escorts) for share in shares) == [0, 1]
    assert {e for share in shares for e in share.escorts} == {"E-MKS"}
    assert sum(share.ceilings["B-KEMENSOS"] for share in shares) == NATIONAL.ceiling_idr
    assert not any(share.seats for share in shares)


def test_the_regions_planned_apart_give_the_whole_weeks_total() -> None:
    s = two_regions()
    whole, together = planned(s, regions_from=10**6)
    apart, split = planned(s, regions_from=1)
    assert together.stats is not None and together.stats.components == 1
    assert split.stats is not None and split.stats.components == 2
    assert apart.objective.total_idr == whole.objective.total_idr
    assert apart.objective.lower_bound_idr == whole.objective.lower_bound_idr
    assert sorted(apart.planned_case_ids) == sorted(whole.planned_case_ids)
    # The line runs out: somebody waits for want of money, in either plan.
    assert any(u.reason == "budget" for u in apart.unplanned)
    assert any(u.reason == "budget" for u in whole.unplanned)


@pytest.mark.parametrize("ceiling", [2_000_000, 3_000_000, 100_000_000])
def test_with_more_or_less_money_the_regions_apart_match_the_whole_week(ceiling: int) -> None:
    s = two_regions(ceiling)
    whole, _ = planned(s, regions_from=10**6)
    apart, _ = planned(s, regions_from=1)
    assert apart.objective.total_idr == whole.objective.total_idr


def test_while_the_regions_are_searched_the_progress_shows_whole_plans() -> None:
    # The regions searched so far are not a plan of the week: what is shown as the best plan
    # must be a whole plan's total.
    s = two_regions()
    shown: list[tuple[int, int]] = []
    optimizer = ColumnOptimizer(s)
    optimizer.regions_from = 1
    plan = optimizer.plan(OPTIONS, progress=lambda seconds, best, bound: shown.append((best, bound)))
    assert optimizer.stats is not None and optimizer.stats.components == 2
    assert shown
    assert all(best >= plan.objective.total_idr for best, _ in shown)
    assert all(best >= bound for best, bound in shown)
