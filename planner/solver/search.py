"""Integer plans over the generated columns: price-and-branch.

Column generation leaves the master with the itineraries and escort duties that matter; the
exact model of the week (``planner.model``, whose money rows are the contract's) is then
solved over those columns, and the baseline's, by the optimizer's search (CP-SAT, with
HiGHS's relaxation, its cuts and duty tree, narrowed searches around what they use).  Its own
bound is a bound of those columns only; the plan reports the column generation's bound, which
covers the whole week.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from planner.journeys import EscortOption, Journey
from planner.model import Problem, idr_bound, money_unit
from planner.network import TransportNetwork
from planner.optimizer import Optimizer, Options, OutOfTime
from planner.plan import BoundScope, Plan, Status
from planner.scenario import Scenario
from planner.solver.generation import ColumnGeneration, Round
from planner.solver.master import MONEY

# The part of the time for which columns are generated; the search has the rest.  Once no
# column prices out, the rest of that share goes to the search too.
GENERATION_SHARE = 0.45
BOUND_SCOPE: BoundScope = "network"


@dataclass(frozen=True, slots=True)
class GenerationStats:
    rounds: int
    converged: bool
    itineraries: int
    duties: int
    relaxation_idr: int  # the master's last value
    bound_idr: int


class ColumnOptimizer(Optimizer):
    """The optimizer, its journeys and duties found by column generation instead of the capped
    enumeration."""

    AHEAD = False  # the escorts' ways are priced here, not enumerated in a second process

    def __init__(
        self,
        scenario: Scenario,
        network: TransportNetwork | None = None,
        rounds: Callable[[Round], None] | None = None,
    ) -> None:
        super().__init__(scenario, network)
        self.generation: ColumnGeneration | None = None
        self.generation_stats: GenerationStats | None = None
        self._rounds = rounds
        self._share = GENERATION_SHARE

    def plan(
        self,
        options: Options | None = None,
        progress: Callable[[float, int, int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> Plan:
        options = options or Options()
        self._started = time.perf_counter()
        self._limit = options.time_limit
        self._stop = stop
        return super().plan(options, progress, stop)

    def problem(
        self,
        seed: Plan | Callable[[], Plan] | None = None,
        deadline: float | None = None,
        stop: threading.Event | None = None,
        ahead: object | None = None,
    ) -> Problem:
        scenario = self.scenario
        if callable(seed):
            seed = seed()
        generation = self.generation = ColumnGeneration(scenario, self.network)
        if seed is not None:
            generation.seed(seed)
        ends = getattr(self, "_started", time.perf_counter()) + getattr(self, "_limit", 30.0) * self._share
        if deadline is not None:
            ends = min(ends, deadline)
        if time.perf_counter() > ends:
            raise OutOfTime
        generation.run(ends, (lambda: stop.is_set()) if stop is not None else None, self._rounds)
        return self._columns(generation)

    def _columns(self, generation: ColumnGeneration) -> Problem:
        """The exact model's problem over the master's itineraries and duties."""
        m = generation.master
        units = generation.units
        journeys: list[Journey] = [rows.journey for rows in m.journeys]
        by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
        for j, rows in enumerate(m.journeys):
            by_pair[(rows.origin, rows.home)].append(j)
        usable: dict[int, list[int]] = {}
        for u, unit in enumerate(units):
            found = [
                j for j in by_pair.get((unit.origin, unit.home), []) if journeys[j].depart >= unit.earliest
            ]
            if found:
                usable[u] = found
        options: dict[int, list[EscortOption]] = defaultdict(list)
        for j, rows in enumerate(m.journeys):
            for column in rows.duties:
                option = m.columns[column].option
                assert option is not None
                options[j].append(option)
        stats = GenerationStats(
            rounds=len(generation.rounds),
            converged=generation.converged,
            itineraries=len(journeys),
            duties=sum(len(o) for o in options.values()),
            relaxation_idr=round(generation.value) if generation.rounds else 0,
            bound_idr=self.bound_idr,
        )
        self.generation_stats = stats
        self._counts = (len(journeys), len(journeys), 0, stats.duties)
        return Problem(self.scenario, units, journeys, usable, dict(options))

    @property
    def bound_idr(self) -> int:
        """The column generation's bound of the whole week, in rupiah: every plan's total is a
        whole number of the scenario's money unit, and HiGHS's duals are exact to about 1e-9."""
        if self.generation is None:
            return 0
        bound = self.generation.bound
        unit = money_unit(self.scenario)
        return max(0, idr_bound((bound - 1e-6 * abs(bound) - MONEY * 1e-3) / unit, unit))

    def _assemble(
        self,
        problem: Problem,
        travel: dict[tuple[int, int], int],
        escorts: dict[int, list[EscortOption]],
        status: Status,
        bound: int,
        seconds: float,
    ) -> Plan:
        plan = super()._assemble(problem, travel, escorts, status, self.bound_idr, seconds)
        return _proven(plan, self.bound_idr)

    def _fallback(self, started: float, bound: int) -> Plan:
        return _proven(super()._fallback(started, self.bound_idr), self.bound_idr)


def _proven(plan: Plan, bound: int) -> Plan:
    """The plan with the whole week's bound: ``optimal`` only when it is proven."""
    total = plan.objective.total_idr
    bound = min(bound, total)
    status: Status = plan.status
    if status in ("optimal", "feasible"):
        status = "optimal" if bound >= total else "feasible"
    gap = 0.0 if total == 0 else max(0.0, (total - bound) / total)
    objective = replace(plan.objective, lower_bound_idr=bound, gap=gap, bound_scope=BOUND_SCOPE)
    return replace(plan, status=status, objective=objective)


def solve(
    scenario: Scenario,
    options: Options | None = None,
    progress: Callable[[float, int, int], None] | None = None,
    stop: threading.Event | None = None,
) -> Plan:
    return ColumnOptimizer(scenario).plan(options, progress, stop)
