"""A large-neighbourhood search over the generated columns: the best plan improved one start
place at a time.

The exact model over every column made is larger than its search can handle in the time left
on the larger weeks; here it is searched a neighbourhood at a time.  The units that start at
one place may take any of their columns, with any escort duty on those itineraries; every other
unit keeps its itinerary and every other party its escorts, as in the best plan.  Places are
visited in order of what their waiting cases cost in the best plan, the dearest first, then
round again while time is left.  Each neighbourhood's search starts from the best plan (its
hint), so a neighbourhood never makes the plan worse.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from planner.journeys import EscortOption
from planner.model import Problem, ReturnModel
from planner.optimizer import baseline_hint
from planner.plan import Plan

# Seconds of search per neighbourhood.
NEIGHBOURHOOD_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Improved:
    """The best plan the search found, in the problem's indices, and how it went."""

    travel: dict[tuple[int, int], int]
    escorts: dict[int, list[EscortOption]]
    total_idr: int
    searched: int  # neighbourhoods searched
    better: int  # of which improved the plan


def improve(
    problem: Problem,
    best: Plan,
    deadline: float,
    seed: int = 0,
    workers: int = 2,
    stop: threading.Event | None = None,
    seconds: float = NEIGHBOURHOOD_SECONDS,
) -> Improved | None:
    """Neighbourhoods of ``best`` until ``deadline`` (``time.perf_counter()``) or ``stop``; None
    when the plan is not one of the problem's (a journey of it is missing) or no time is left."""
    travel, chosen = baseline_hint(problem, best)
    planned = sum(
        count if problem.units[u].counted else problem.units[u].size for (u, _), count in travel.items()
    )
    if planned != len(best.planned_case_ids):
        return None  # some party's journey is not among the columns
    escorts = _options(problem, chosen)
    total = best.objective.total_idr
    places = _places(problem, best)
    searched = better = 0
    while (
        places and time.perf_counter() + seconds / 2 < deadline and not (stop is not None and stop.is_set())
    ):
        place = places[searched % len(places)]
        searched += 1
        inside = {u for u, unit in enumerate(problem.units) if unit.origin == place}
        keep = {(u, j) for (u, j) in travel if u not in inside}
        keep |= {(u, j) for u in inside for j in problem.usable.get(u, [])}
        open_journeys = {j for u in inside for j in problem.usable.get(u, [])}
        duties = problem.duties(escorts) | {
            (j, k) for j in open_journeys for k in range(len(problem.options.get(j, [])))
        }
        narrow = problem.narrowed(keep, duties)
        model = ReturnModel(narrow)
        model.hint(travel, narrow.duties(escorts))
        left = min(seconds, deadline - time.perf_counter())
        found = model.solve(max(0.1, left), workers, seed, stop=stop)
        if found.status in ("optimal", "feasible") and found.objective < total:
            travel, escorts, total = found.travel, found.escorts, found.objective
            better += 1
    if not searched:
        return None
    return Improved(travel, escorts, total, searched, better)


def _options(problem: Problem, chosen: set[tuple[int, int]]) -> dict[int, list[EscortOption]]:
    escorts: dict[int, list[EscortOption]] = defaultdict(list)
    for j, k in sorted(chosen):
        escorts[j].append(problem.options[j][k])
    return dict(escorts)


def _places(problem: Problem, best: Plan) -> list[str]:
    """The start places with units, the dearest waiting first (by the cases left waiting)."""
    waiting: dict[str, int] = defaultdict(int)
    place_of = {c.case_id: unit.origin for unit in problem.units for c in unit.members}
    for unplanned in best.unplanned:
        place = place_of.get(unplanned.case_id)
        if place is not None:
            waiting[place] += 1
    places = sorted({unit.origin for unit in problem.units})
    return sorted(places, key=lambda p: (-waiting[p], p))
