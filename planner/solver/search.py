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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace

import numpy as np

from planner.ahead import Ahead
from planner.aside import Aside
from planner.journeys import EscortOption, Journey, escort_option
from planner.model import Problem, ReturnModel, idr_bound, money_unit
from planner.network import TransportNetwork
from planner.optimizer import Narrow, Optimizer, Options, OutOfTime
from planner.plan import BoundScope, Plan, Status
from planner.scenario import Escort, Scenario
from planner.solver.dive import Dive, dive
from planner.solver.generation import MAX_ROUNDS, PARTIES_EVERY, ColumnGeneration, Round
from planner.solver.lns import Improved, improve
from planner.solver.master import MONEY
from planner.solver.regions import regions

# The part of the time for which columns are generated; the search has the rest.  Once no
# column prices out, the rest of that share goes to the search too.
GENERATION_SHARE = 0.45
# Below regions, weeks of this many planning units or more generate for this share only: their
# search needs more than half the time for a good first plan (docs/solver.md).
SEARCH_HEAVY_UNITS = 400
SEARCH_HEAVY_SHARE = 0.35
BOUND_SCOPE: BoundScope = "network"
# A round of generation for the search may end at most this part of the time limit after its
# share.
OVERRUN_SHARE = 0.1
# Less than this part of the time limit left after generation: no search, the first-come plan.
SEARCH_LEFT = 0.1
# A second pass over every column made is searched when at least this many seconds are left,
# and this part of the time limit: on 20,000 cases a pass's model and plan take 15 s alone.
SECOND_PASS_SECONDS = 2.0
SECOND_PASS_SHARE = 0.05
# At most this part of the time limit goes to diving after generation, before the search.
DIVE_SHARE = 0.1
# On weeks seeded after their first round (``BESIDE_CASES``), the search starts from the
# master of two rounds, dived (docs/solver.md): the second round takes about ``ROUND_GROWTH``
# times the first round and the master's solve after it ``SOLVE_GROWTH`` times, and they are
# begun only where they would end by ``DIVE_FIRST_BY`` of the time limit; the solve is given
# up at ``SOLVED_BY``, the dive ends at ``DIVED_BY`` or once ``DIVE_LEFT`` of its columns are
# fractional, and the exact model over its columns is searched from its whole ones until
# ``REPAIRED_BY``, or for at least ``REPAIR_SHARE`` of the limit; the search's first pass, over
# those columns and the seed's, goes on from its plan.
ROUND_GROWTH = 3.0
SOLVE_GROWTH = 2.5
DIVE_FIRST_BY = 0.72
SOLVED_BY = 0.75
DIVED_BY = 0.78
DIVE_LEFT = 0.3
REPAIRED_BY = 0.8
REPAIR_SHARE = 0.06
# At most this part goes to the neighbourhoods of the best plan after the search, before the
# rounds for the bound.
LNS_SHARE = 0.15
# The share of the time the bound over parties by their two ends may take after generation.
ARRIVALS_SHARE = 0.2
# From this many cases on, the baseline's plan is made in a second process, and seeds the
# master after the first round instead of before it.
BESIDE_CASES = 1000
# Below this many cases, that process then prices the bound at the empty master with the
# escorts' shares by departure (``Ahead.bound``); on 20,000 cases it would need another 1.7 GiB.
# It then takes up to ``SEAT_STEPS`` steps with multipliers on the seats where the time limit
# rules, and none under a work limit, where the bound is waited for.
AHEAD_BOUND_UNTIL = 10_000
SEAT_STEPS = 30
# The bound solved beside ends its last slice by this part of the time limit: one that ends
# after the plan is lost with the process, and M's last slices are seconds long.
ASIDE_SHARE = 0.95
# The first pass's share of the search's time on weeks of ``BESIDE_CASES`` cases or more and
# fewer than ``FIRST_PASS_UNTIL``: on 20,000 cases the second pass gains less than the first
# (docs/solver.md).
FIRST_PASS_SHARE = 0.2
FIRST_PASS_UNTIL = 10_000
# Weeks whose largest part has at least this many planning units are searched region by region
# (``planner.solver.regions``).
REGION_UNITS = 1000
# Escorts of the same base offered each party itinerary's duties too, at most this many more
# per itinerary (``twin_duties``).
TWINS = 4


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
    # Diving (``planner.solver.dive``) and the neighbourhoods of the best plan
    # (``planner.solver.lns``) are off: at 30 s they took time from the search and the bound
    # rounds and left the plans where they were (measured in docs/solver.md).
    diving = False
    neighbourhoods = False
    regions_from = REGION_UNITS

    def __init__(
        self,
        scenario: Scenario,
        network: TransportNetwork | None = None,
        rounds: Callable[[Round], None] | None = None,
        booked: Plan | None = None,
    ) -> None:
        super().__init__(scenario, network)
        # Re-planning: the earlier plan's parties that may move, put in the master beside the
        # baseline's, so that keeping a booking is a column the search can choose.
        self.booked = booked
        self.generation: ColumnGeneration | None = None
        self.generation_stats: GenerationStats | None = None
        self._rounds = rounds
        self._share = GENERATION_SHARE
        self._widen = False  # the second pass: every column, from the first pass's plan
        self._work: float | None = None
        self._started: float | None = None  # set by ``plan``, with its time limit
        self._limit: float | None = None
        self._hint: Plan | None = None
        self._options = Options()  # those of the solve under way
        self._bounding: Ahead | None = None  # the second process, still pricing its bound
        self.dive: Dive | None = None
        self.dived_plan: Plan | None = None  # the search's start made from the dive, if any
        self.improved: Improved | None = None
        self._aside: Aside | None = None  # the bound beside, till a generation takes it

    def plan(
        self,
        options: Options | None = None,
        progress: Callable[[float, int, int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> Plan:
        options = options or Options()
        started = self._started = time.perf_counter()
        self._limit = options.time_limit
        self._work = options.work_limit
        self._options = options
        self._widen = False
        self.dive = self.dived_plan = None
        self._bounding = None
        # The bound solved beside is started at once, while this process prepares the week
        # on one core: made at the empty master, it needs nothing from here.
        self._aside = self._aside_for(started + ASIDE_SHARE * options.time_limit, options)
        self._best: Plan | None = None  # the best plan once the searches are done
        original = self._rounds
        if progress is not None:
            # What the search reports as its bound covers only its columns: show the week's.
            shown = progress
            known = self._rounds

            def rounds(done: Round) -> None:
                if known is not None:
                    known(done)
                best = self._best if self._best is not None else self.baseline
                if best is not None:
                    shown(time.perf_counter() - started, best.objective.total_idr, self.bound_idr)

            def searched(seconds: float, best: int, lower: int) -> None:
                shown(time.perf_counter() - started, best, self.bound_idr)

            self._rounds, progress = rounds, searched
        try:
            plan = self._passes(options, progress, stop, started)
        finally:
            self._rounds = original
            if self.generation is not None:
                self.generation.finish()
            if self._aside is not None:
                # Started but never handed to a generation (the week ended before one).
                self._aside.finish()
                self._aside = None
            if self._bounding is not None:
                self._bound_ahead(self._bounding, wait=False, stop=None)
                self._bounding.close()
                self._bounding = None
        return _proven(plan, self.bound_idr)

    def _aside_for(self, until: float, options: Options) -> Aside | None:
        """The bound over the party rows at the empty master in a second process (``Aside``),
        for the first pass's generation to take: on a timed solve of a week planned afresh (a
        re-plan's master starts from its bookings) whose baseline seeds the master before the
        first round (with hints, and not made beside: ``ahead``), and small enough for that
        bound (``ColumnGeneration.fits_beside``)."""
        scenario = self.scenario
        if (
            self._work is not None
            or not options.hints
            or self.booked is not None
            or scenario.bookings is not None
            or self._baseline_beside(options)
            or not ColumnGeneration.fits_beside_alone(scenario)
        ):
            return None
        return Aside(scenario, until)

    def _passes(
        self,
        options: Options,
        progress: Callable[[float, int, int], None] | None,
        stop: threading.Event | None,
        started: float,
    ) -> Plan:
        # On large weeks the first pass (what the relaxation uses) soon finds what it will
        # find, and the second (every column, from the first's plan) goes on finding better
        # plans with time: the first has a share of the search's time, up to a size where the
        # second's problem is too large to gain as much (docs/solver.md).
        shortened = options.work_limit is None and self._first_pass_shared
        if shortened:
            self.search_share = FIRST_PASS_SHARE
        try:
            first = super().plan(options, progress, stop)
        finally:
            self.search_share = 1.0
        left = options.time_limit - (time.perf_counter() - started)
        # A shortened first pass whose search found nothing in its share (the first-come plan,
        # ``timeout``) leaves the rest of the time to the second, once columns are made.
        searched = shortened and self.generation is not None and bool(self.generation.rounds)
        if (
            options.work_limit is not None  # a reproducible plan: one pass
            or left < max(SECOND_PASS_SECONDS, SECOND_PASS_SHARE * options.time_limit)
            or (stop is not None and stop.is_set())
            or self.generation is None
            or first.status == "optimal"
            or (first.status == "timeout" and not searched)
        ):
            return first
        best = self._best = self._second_pass(options, progress, stop, left, first)
        if self.neighbourhoods and (stop is None or not stop.is_set()):
            ends = min(started + options.time_limit, time.perf_counter() + LNS_SHARE * options.time_limit)
            best = self._best = self._improve(best, ends, options, stop)
        # Time still left goes to the bound: more rounds, each of whose bounds is valid.
        generation = self.generation
        if not generation.converged and generation.rounds and (stop is None or not stop.is_set()):
            generation.run(
                started + options.time_limit,
                (lambda: stop.is_set()) if stop is not None else None,
                self._rounds,
                until_stalled=False,
                strict=True,
                parties_every=PARTIES_EVERY,
                smoothing=0.0,
                # The longest round so far may be shorter than the next: one with the seed's
                # itineraries, on large weeks.
                hard=started + options.time_limit,
                arrivals=True,
            )
            if self.generation_stats is not None:
                self.generation_stats = replace(
                    self.generation_stats,
                    rounds=len(generation.rounds),
                    converged=generation.converged,
                    bound_idr=self.bound_idr,
                )
        return replace(_proven(best, self.bound_idr), solve_seconds=time.perf_counter() - started)

    def _improve(self, best: Plan, deadline: float, options: Options, stop: threading.Event | None) -> Plan:
        """The best plan, searched one neighbourhood at a time over every column made
        (``planner.solver.lns``) until ``deadline``."""
        problem = self.every_column()
        found = self.improved = improve(problem, best, deadline, options.seed, options.workers, stop)
        if found is None or found.total_idr >= best.objective.total_idr:
            return best
        assert self._started is not None
        seconds = time.perf_counter() - self._started
        plan = self._assemble(problem, found.travel, found.escorts, "feasible", 0, seconds)
        return plan if plan.objective.total_idr < best.objective.total_idr else best

    def _second_pass(
        self,
        options: Options,
        progress: Callable[[float, int, int], None] | None,
        stop: threading.Event | None,
        left: float,
        first: Plan,
    ) -> Plan:
        # Time is left: search the exact model over every column made, from the first plan.
        baseline, self._hint = self.baseline, first
        self._widen = True
        try:
            second = super().plan(replace(options, time_limit=left), progress, stop)
        finally:
            self.baseline, self._widen = baseline, False
        return second if second.objective.total_idr < first.objective.total_idr else first

    def ahead(self, options: Options) -> AbstractContextManager[Ahead | None]:
        """On weeks of ``BESIDE_CASES`` or more, the second core makes the baseline's plan while
        this one runs the first round of generation (the escorts' ways are priced here), and
        then, on a week planned afresh of fewer than ``AHEAD_BOUND_UNTIL`` cases, a bound
        (``Ahead.bound``).  The second pass starts from the first pass's plan, and needs none."""
        if not self._baseline_beside(options):
            return nullcontext(None)
        scenario = self.scenario
        if (
            self.booked is not None
            or scenario.bookings is not None
            or len(scenario.cases) >= AHEAD_BOUND_UNTIL
        ):
            return Ahead(scenario, ways=False)
        steps = 0 if self._work is not None else SEAT_STEPS
        return self._ahead_bounding(Ahead(scenario, ways=False, bound=True, steps=steps))

    @contextmanager
    def _ahead_bounding(self, ahead: Ahead) -> Iterator[Ahead]:
        """``ahead``, left to price its bound once the problem is made: without a second round
        the first-come plan is handed over right after the first, before the bound is priced.
        ``plan`` reads it and ends the process."""
        try:
            yield ahead
        finally:
            if self._started is None:
                ahead.close()  # a problem asked for alone: no ``plan`` to read it
            else:
                ahead.settle()  # the search begins: the bound it is pricing, and no more
                self._bounding = ahead

    def _baseline_beside(self, options: Options) -> bool:
        """Whether the baseline's plan is made in a second process (``ahead``)."""
        return (
            not self._widen
            and options.workers >= 2
            and options.hints
            and len(self.scenario.cases) >= BESIDE_CASES
        )

    def baseline_plan(
        self, ahead: Ahead | None = None, deadline: float | None = None, stop: threading.Event | None = None
    ) -> Plan:
        """The first pass's plan is the second pass's hint, in the baseline's place."""
        if self._widen and self._hint is not None:
            self.baseline = self._hint
            return self._hint
        return super().baseline_plan(ahead, deadline, stop)

    def problem(
        self,
        seed: Plan | Callable[[], Plan] | None = None,
        deadline: float | None = None,
        stop: threading.Event | None = None,
        ahead: object | None = None,
    ) -> Problem:
        scenario = self.scenario
        if self._widen and self.generation is not None:
            return self._columns(self.generation, every=True)
        # A seed made beside (``ahead``, on large weeks) goes in after the first round, which
        # it then does not slow down, and the search comes next: on 5,000 cases the first
        # round took 88 s with the seed's itineraries and 57 s without, and a second round
        # with them more than the time left.  Which it is depends on the week's size only,
        # so a plan under ``--work-limit`` is the same however fast the second process is.
        later = ahead is not None and seed is not None
        # ``plan`` sets when the solve began and its limit; a problem asked for alone starts now.
        started = self._started if self._started is not None else time.perf_counter()
        limit = self._limit if self._limit is not None else 30.0
        generation = self.generation = ColumnGeneration(scenario, self.network)
        if seed is not None and not later:
            if self.booked is None and scenario.bookings is None:
                # Once seeded, the first round's duals are the seed's. (Re-planning prices a
                # booked itinerary as the master's only, so it has no such bound.)  Its bound
                # over the party rows is solved beside (``plan`` started it), not under a work
                # limit, where the bound may not depend on the machine's speed.
                aside, self._aside = self._aside, None
                generation.empty_bound(beside=(lambda: aside) if aside is not None else None)
            generation.seed(seed() if callable(seed) else seed)
        if self.booked is not None:
            generation.seed(self.booked)
        share = self._share
        if SEARCH_HEAVY_UNITS <= len(generation.units) < self.regions_from:
            share = min(share, SEARCH_HEAVY_SHARE)
        ends = started + limit * share
        if deadline is not None:
            ends = min(ends, deadline)
        if time.perf_counter() > ends:
            raise OutOfTime
        halt = (lambda: stop.is_set()) if stop is not None else None
        # Rounds still going past the share and its overrun are given up there, their columns
        # kept, and so is the relaxation's solve that picks the search's columns: on 500 cases
        # a third round ran to 21.6 s of 30 and that solve to 34 s, past the time to search.
        late = None if self._work is not None else min(started + limit, ends + OVERRUN_SHARE * limit)
        if self._work is not None:
            # Reproducible: a number of rounds, whatever the machine's speed, then the search
            # to its deterministic work limit.
            rounds = 1 if later else max(1, round(self._work))
            generation.run(None, halt, self._rounds, max_rounds=rounds)
        else:
            # No round is begun that could not end soon after the share (the longest so far):
            # a round that ends late leaves the search no time; one that ends just after still
            # gives it columns (measured in docs/solver.md).
            generation.run(
                ends,
                halt,
                self._rounds,
                max_rounds=1 if later else MAX_ROUNDS,
                overrun=OVERRUN_SHARE * limit,
                hard=late,
                # The last round's bound over parties by the way they leave gives up a little
                # before the round would be (its columns would go with it).
                arrivals_by=None if later or late is None else late - OVERRUN_SHARE * limit / 4,
            )
            if time.perf_counter() > started + (1 - SEARCH_LEFT) * limit:
                # A first round longer than the time (5,000 cases) leaves nothing to search:
                # the first-come plan with the round's bound, in time.
                raise OutOfTime
        if not later and self._work is None and generation.rounds and not generation.converged:
            # The bound over parties by the way they leave, at the duals of the master with
            # every column made, where it fits a share of the time: the rounds make it at most
            # in their last, at that round's duals, and a degenerate master's duals move it by
            # several percent from one optimal vertex to the next (docs/solver.md); the better
            # is kept.  Its solve is the one that picks the search's columns, given up as late.
            # Not on reproducible runs: whether it fits is a matter of time.
            generation.bound_by_arrivals(ARRIVALS_SHARE * limit, solve_by=late)
        start_dive = False
        if later:
            assert seed is not None
            generation.seed(seed() if callable(seed) else seed)
            self._bound_ahead(ahead, wait=False, stop=stop)
            start_dive = self._work is None and self._second_round(
                generation, started, limit, ends, halt, late
            )
        if start_dive:
            # The master of two rounds, solved in time, dived towards whole and searched over
            # its columns: the search's start (docs/solver.md, "The national plan from the master").
            dived_by = started + DIVED_BY * limit
            value = generation.master.solve_within(started + SOLVED_BY * limit - time.perf_counter())
            if value is not None:
                generation.value = value
                self.dive = dive(generation, dived_by, halt, until=DIVE_LEFT, reprice=False, resolve=False)
                generation.dived = self.dive.columns
        elif self.diving:
            dives = None if self._work is not None else time.perf_counter() + DIVE_SHARE * limit
            self.dive = dive(generation, dives, halt)
            generation.dived = self.dive.columns
        if later:
            # Under a work limit the bound is waited for: the plan's status may depend on it.
            self._bound_ahead(ahead, wait=self._work is not None, stop=stop)
        problem = self._columns(generation, relaxed=late)
        if start_dive and self.dive is not None:
            repaired_by = max(started + REPAIRED_BY * limit, time.perf_counter() + REPAIR_SHARE * limit)
            self._start_from_dive(problem, self.dive, repaired_by, stop)
        return problem

    def _bound_ahead(self, ahead: object | None, wait: bool, stop: threading.Event | None) -> None:
        """Keep the bound the second process priced (``Ahead.bound``), if it has."""
        if isinstance(ahead, Ahead) and self.generation is not None:
            found = ahead.bound(wait, stop)
            if found is not None:
                self.generation.bound = max(self.generation.bound, found)

    def _second_round(
        self,
        generation: ColumnGeneration,
        started: float,
        limit: float,
        ends: float,
        halt: Callable[[], bool] | None,
        late: float | None,
    ) -> bool:
        """On a week seeded after its first round: a second round, where it and the master's
        solve after it may end by ``DIVE_FIRST_BY`` of the time limit, judged by the first
        round.  Whether it ended."""
        if not generation.rounds or generation.converged:
            return False
        longest = generation.longest_round
        if time.perf_counter() + (ROUND_GROWTH + SOLVE_GROWTH) * longest > started + DIVE_FIRST_BY * limit:
            return False
        before = len(generation.rounds)
        generation.run(ends, halt, self._rounds, max_rounds=1, until_stalled=False, hard=late)
        return len(generation.rounds) > before and not generation.converged

    def _start_from_dive(
        self, problem: Problem, found: Dive, deadline: float, stop: threading.Event | None
    ) -> None:
        """The exact model over the columns the dive's master used, from its whole ones (the
        dive's money rows are the master's, which the contract's may not meet), searched until
        ``deadline``: where its plan is better than the first-come one it is the search's start."""
        assert self.generation is not None and self._started is not None
        count = len(self.generation.master.columns)
        used, whole = np.zeros(count), np.zeros(count)
        used[sorted(found.columns)] = 1.0
        for column, value in found.taken.items():
            whole[column] = value
        keep, duties = self._in_problem(problem, used)
        taken, chosen = self._in_problem(problem, whole)
        travel = {key: round(value) for key, value in taken.items()}
        escorts = set(chosen)
        model = ReturnModel(problem.narrowed(keep, duties))
        model.hint(travel, escorts)
        options = self._options
        solution = model.solve(
            max(0.1, deadline - time.perf_counter()), options.workers, options.seed, stop=stop
        )
        if solution.status not in ("optimal", "feasible"):
            return
        seconds = time.perf_counter() - self._started
        plan = self._assemble(problem, solution.travel, solution.escorts, "feasible", 0, seconds)
        baseline = self.baseline
        if baseline is None or plan.objective.total_idr < baseline.objective.total_idr:
            self.baseline = self.dived_plan = plan
            # The search over the dive's columns goes on from it, with the time that is left:
            # no second pass would have the time to build the problem over every column.
            self.search_share = 1.0

    @property
    def _first_pass_shared(self) -> bool:
        """Whether the week's size is one whose first pass has a share of the search's time
        (``FIRST_PASS_SHARE``) in a timed solve."""
        return BESIDE_CASES <= len(self.scenario.cases) < FIRST_PASS_UNTIL

    def every_column(self) -> Problem:
        """Once columns are generated: the exact model's problem over every itinerary and duty
        made, as the second pass and the neighbourhoods search it."""
        assert self.generation is not None, "plan first"
        return self._columns(self.generation, every=True)

    def _columns(
        self, generation: ColumnGeneration, every: bool = False, relaxed: float | None = None
    ) -> Problem:
        """The exact model's problem over the master's itineraries and duties: those its
        relaxation uses (solved by ``relaxed`` if given) and the baseline's, or ``every`` one."""
        m = generation.master
        units = generation.units
        # Price-and-branch on what the relaxation uses (and the baseline's plan): the exact
        # model over every column made is larger than its search can handle in the time left.
        used = set(range(len(m.columns))) if every else generation.used(relaxed)
        kept = [
            j
            for j, rows in enumerate(m.journeys)
            if any(c in used for c in rows.units) or any(c in used for c in rows.duties)
        ]
        journeys: list[Journey] = [m.journeys[j].journey for j in kept]
        by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, j in enumerate(kept):
            rows = m.journeys[j]
            by_pair[(rows.origin, rows.home)].append(index)
        usable: dict[int, list[int]] = {}
        for u, unit in enumerate(units):
            found = [
                j for j in by_pair.get((unit.origin, unit.home), []) if journeys[j].depart >= unit.earliest
            ]
            if found:
                usable[u] = found
        options: dict[int, list[EscortOption]] = defaultdict(list)
        for index, j in enumerate(kept):
            for column in m.journeys[j].duties:
                option = m.columns[column].option
                assert option is not None
                if column in used:
                    options[index].append(option)
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
        self._kept = kept
        # The counts above are the generation's duties; these are its duties offered to others:
        # in the second pass, and in the first on the weeks whose first pass has a share of the
        # search's time.  In the 500-case week's only pass the larger problem left the search
        # without a plan better than the first-come one in 30 s (docs/solver.md).
        if TWINS and (every or self._first_pass_shared):
            twins = escort_twins(self.scenario)
            for index, offered in options.items():
                offered.extend(twin_duties(self.scenario, twins, journeys[index], offered))
        return Problem(self.scenario, units, journeys, usable, dict(options))

    def support(self, problem: Problem) -> tuple[set[tuple[int, int]], set[tuple[int, int]]] | None:
        """What the master's last solution uses, in the indices of ``problem`` (a part of the
        problem ``_columns`` made last): the master is solved already, the exact model's
        relaxation over many columns may take much of the search's time (docs/solver.md)."""
        generation = self.generation
        if generation is None:
            return None
        m = generation.master
        if len(m.col_value) < len(m.columns):
            return None  # columns made since the last solve have no value
        travel, escorts = self._in_problem(problem, m.col_value)
        return set(travel), set(escorts)

    def _in_problem(
        self, problem: Problem, values: np.ndarray
    ) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], float]]:
        """The master's unit and duty columns whose ``values`` (one a column) are above zero,
        in the indices of ``problem`` (a part of the problem ``_columns`` made last): the
        units' journeys and the escort options, each with its value."""
        assert self.generation is not None
        m = self.generation.master
        index = {id(unit): u for u, unit in enumerate(self.generation.units)}
        whole = problem.global_journeys or list(range(len(problem.journeys)))
        travel: dict[tuple[int, int], float] = {}
        for local, journeys in problem.usable.items():
            u = index[id(problem.units[local])]
            for j in journeys:
                column = m.x_index.get((u, self._kept[whole[j]]))
                if column is not None and values[column] > 1e-6:
                    travel[(local, j)] = float(values[column])
        escorts: dict[tuple[int, int], float] = {}
        for j, options in problem.options.items():
            rows = m.journeys[self._kept[whole[j]]]
            taken = {id(m.columns[c].option): float(values[c]) for c in rows.duties if values[c] > 1e-6}
            for o, option in enumerate(options):
                if id(option) in taken:
                    escorts[(j, o)] = taken[id(option)]
        return travel, escorts

    def parts(self, problem: Problem, options: Options) -> list[tuple[list[int], Narrow | None]]:
        """Large weeks region by region, each with its share of what regions share."""
        found = super().parts(problem, options)
        if (
            self.generation is None
            or not options.decompose
            or max((len(part) for part, _ in found), default=0) < self.regions_from
        ):
            return found
        return [
            (group, share.apply if share.escorts or share.seats or share.ceilings else None)
            for group, share in regions(problem, self.generation.master, self._kept)
        ]

    @property
    def bound_idr(self) -> int:
        """The column generation's bound of the whole week, in rupiah: every plan's total is a
        whole number of the scenario's money unit, and HiGHS's duals are exact to about 1e-9."""
        if self.generation is None:
            return 0
        self.generation.collect()
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
        first = self.baseline
        if first is not None and first.objective.total_idr < plan.objective.total_idr:
            # Parts without time wait whole where regions share (their first-come plans may
            # not fit the shares): never hand back less than the plan the search started from.
            plan = replace(first, solve_seconds=seconds)
        return _proven(plan, self.bound_idr)

    def _fallback(self, started: float, bound: int) -> Plan:
        if self.dived_plan is not None and self.baseline is self.dived_plan:
            # No time to search beyond the dive's plan: still a plan the optimizer made, not
            # the first-come one that ``timeout`` names.
            return _proven(
                replace(self.dived_plan, solve_seconds=time.perf_counter() - started), self.bound_idr
            )
        return _proven(super()._fallback(started, self.bound_idr), self.bound_idr)


def escort_twins(scenario: Scenario) -> dict[str, list[Escort]]:
    """For each escort, the others of its base, the most alike first (sex, skills, cases)."""
    by_base: dict[str, list[Escort]] = defaultdict(list)
    for escort in scenario.escorts:
        by_base[escort.base_id].append(escort)
    found: dict[str, list[Escort]] = {}
    for escort in scenario.escorts:
        found[escort.escort_id] = sorted(
            (e for e in by_base[escort.base_id] if e.escort_id != escort.escort_id),
            key=lambda e: (e.sex != escort.sex, e.skills != escort.skills, -e.max_cases, e.escort_id),
        )
    return found


def twin_duties(
    scenario: Scenario, twins: dict[str, list[Escort]], journey: Journey, options: list[EscortOption]
) -> list[EscortOption]:
    """Duties the generation gave one escort, offered to others of its base on the same
    ways out and back (at most ``TWINS`` for the itinerary).  The first round makes each new
    party itinerary's duties for its cheapest escorts only, and on large weeks the search has
    that round's alone: escorts of the same shelter stayed idle while cases waited for one."""
    have = {option.escort_id for option in options}
    extra: list[EscortOption] = []
    for option in options:
        for other in twins[option.escort_id]:
            if len(extra) >= TWINS:
                return extra
            if other.escort_id in have:
                continue
            found = escort_option(scenario, other, journey, option.outbound, option.back)
            if found is not None:
                extra.append(found)
                have.add(other.escort_id)
    return extra


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
