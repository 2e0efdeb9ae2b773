"""The optimizer: scenario -> network -> journeys -> CP-SAT model(s) -> plan.

The problem splits where it splits: units that share no service, vehicle, escort or scarce
budget line are solved as separate models, and their bounds add up.  The first-come baseline
seeds every model with a hint, so that a plan at least as good is known from the start.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

import numpy as np

from planner.ahead import Ahead
from planner.assemble import EscortTrip, PartyChoice, build_plan
from planner.baseline import Baseline
from planner.charging import allocate
from planner.journeys import (
    Draft,
    EscortOption,
    EscortTrips,
    Journey,
    JourneyDrafts,
    candidate_journeys,
    escort_places,
    price,
    roomy_services,
)
from planner.milp import DutyTree, HighsModel
from planner.model import Cut, Problem, ReturnModel, Solution, planning_units
from planner.network import Itinerary, TransportNetwork
from planner.plan import Leg, Plan, Status
from planner.reasons import explain_unplanned
from planner.scenario import Scenario

Progress = Callable[[float, int, int], None]
# What narrows a part's problem to its share of what the parts share.
Narrow = Callable[[Problem], Problem]
# The part of a model's time given to finding a good first plan from the linear relaxation,
# waiting for the relaxation included.  The narrowed search improves plans faster than the
# whole one, and stops early once it has proven its best: on the 150-case busy week at 30 s,
# 0.25 ended at 3.85%, 0.4 at 2.50% and 0.55 at 2.39%; the 80-case week ended within its
# usual spread with each (its narrowed search is solved in about 1.5 s).
LP_START_SHARE = 0.4
# The part of that time a timed search waits for the relaxation before it takes the choices
# of a relaxation the optimizer already has (``Optimizer.support``, docs/solver.md).
SUPPORT_WAIT = 0.25
# The most of a part's time the linear relaxation may take.  Without it there is neither a
# good hint nor a bound, and the search alone does worse: on the 150-case busy week at 30 s,
# a relaxation cut short at half the time (it took 5-9 s there before the vehicle rows of
# ``ReturnModel._vehicles``, 3-4 s with its cuts since) left the baseline's hint and no bound,
# and the plan ended at Rp 611.8 M against 415-421 M with it.
RELAXATION_SHARE = 0.8
# A problem not built within this part of the time leaves too little to model and solve it.
PROBLEM_SHARE = 0.5
# Rounds of cuts found from the relaxation's values and solved again (``ReturnModel.ride_cuts``).
CUT_ROUNDS = 10
# The duty tree's thread (``Relaxation``) is one of the options' workers, and the search has
# the others.  Beside a two-worker search it was starved: at the same priority the search
# found worse plans, and at niceness 5 the tree opened 9 nodes in 11 s on the 120-case busy
# week (seed 4) where alone it opens 30.  Once the tree's thread also searched around what
# its nodes used (``WIDEN_EVERY``), it found the plans the second worker had: the twenty
# busy weeks at 30 s were met on 17 with a one-worker search beside it, 15 with two.
# Every so many seconds the tree's thread searches the problem narrowed to what its nodes
# used (``Relaxation._widen``), for at most so many seconds.
WIDEN_EVERY = 2.0
WIDEN_SECONDS = 2.0
# Kept for making the plan from the solution and explaining who waits, and for CP-SAT's own
# start and end around its time limit: 80 cases at 30 s ended at 30.1 s with 2%, 150 at 31.6.
ASSEMBLY_SHARE = 0.04
# The baseline's plan and the escorts' ways are made in a second process (``planner.ahead``)
# where there are at least this many pairs of places an escort travels between times
# services.  The second process builds its own network first, and on smaller weeks the
# problem waits for it: with the ways alone there, building the problem of a 50-case busy
# week (74,000) took 4.3 s either way, of an 80-case one (150,000) 7.4 s instead of 9.0.
# ``python -m benchmarks prep`` measures the 80- to 150-case weeks.
AHEAD_WORK = 100_000
Engine = Literal["cp-sat", "highs"]


@dataclass(frozen=True, slots=True)
class Options:
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    work_limit: float | None = None  # deterministic time: reproducible plans
    hints: bool = True
    decompose: bool = True
    gap: float = 0.0  # stop once a plan is proven within this relative gap
    engine: Engine = "cp-sat"  # "highs": the same model as one MILP, a yardstick
    lp_start: bool = True  # polish the hint over the support of the linear relaxation


@dataclass(frozen=True, slots=True)
class Stats:
    units: int
    journeys_enumerated: int
    journeys_kept: int
    journeys_capped: int
    escort_options: int
    components: int
    variables: int


class Optimizer:
    # Whether a second process may make the baseline's plan and the escorts' ways meanwhile.
    AHEAD = True
    # The share of the time left after the problem is made that the searches take (the
    # column generation's first pass takes less: a second pass follows).
    search_share = 1.0

    def __init__(self, scenario: Scenario, network: TransportNetwork | None = None) -> None:
        self.scenario = scenario
        self._network = network
        self.stats: Stats | None = None
        self.baseline: Plan | None = None

    @property
    def network(self) -> TransportNetwork:
        """Built when first needed, so that ``plan`` counts it against its time limit (a
        province's timetable takes seconds)."""
        if self._network is None:
            self._network = TransportNetwork(self.scenario)
        return self._network

    # -- the problem -----------------------------------------------------------------------------

    def ahead(self, options: Options) -> AbstractContextManager[Ahead | None]:
        """The second process making the baseline's plan and the escorts' ways, if any."""
        return _ahead(self.scenario, options if self.AHEAD else replace(options, workers=1))

    def baseline_plan(
        self, ahead: Ahead | None = None, deadline: float | None = None, stop: threading.Event | None = None
    ) -> Plan:
        """The first-come baseline's plan (kept as ``baseline``): made by ``ahead`` where it
        made it in time, else here."""
        if self.baseline is None:
            made = ahead.baseline(deadline, stop) if ahead is not None else None
            self.baseline = made if made is not None else Baseline(self.scenario, self.network).plan()
        return self.baseline

    def problem(
        self,
        seed: Plan | Callable[[], Plan] | None = None,
        deadline: float | None = None,
        stop: threading.Event | None = None,
        ahead: Ahead | None = None,
    ) -> Problem:
        """Units, their candidate journeys and escort options; the journeys and duties of
        ``seed`` (the baseline's plan) are always among them, so that it can be a hint.  A
        ``seed`` to call is called once the cases' journeys are drafted: it may be made
        meanwhile.  The escorts' ways come from ``ahead`` where it found them.

        Raises ``OutOfTime`` once ``time.perf_counter()`` passes ``deadline`` or ``stop`` is set."""

        def on_time() -> None:
            if deadline is not None and time.perf_counter() > deadline:
                raise OutOfTime
            if stop is not None and stop.is_set():
                raise OutOfTime

        scenario, network = self.scenario, self.network
        settings = scenario.settings
        units = planning_units(scenario)
        by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
        for u, unit in enumerate(units):
            if unit.ready < settings.end_date:
                by_pair[(unit.origin, unit.home)].append(u)
        priced: dict[tuple[str, str], list[Draft]] = {}
        riders: Counter[str] = Counter()
        drafting = JourneyDrafts(scenario, network)
        for (origin, home), members in by_pair.items():
            on_time()
            earliest = max(settings.start, min(units[u].earliest for u in members))
            found = drafting.between(origin, home, earliest)
            priced[(origin, home)] = found
            people = sum(units[u].size for u in members)
            for service_id in {s for j in found for s in j.service_ids}:
                riders[service_id] += people
        roomy = roomy_services(scenario, riders)
        journeys: list[Journey] = []
        usable: dict[int, list[int]] = defaultdict(list)
        enumerated = capped = 0
        if callable(seed):
            seed = seed()
        seeded = _seed_journeys(scenario, network, seed)
        for pair, members in by_pair.items():
            kept = candidate_journeys(scenario, priced[pair], roomy)
            enumerated += kept.enumerated
            capped += kept.capped
            # One journey per set of legs: a party is defined by its legs (rule 5).
            built = [price(scenario, network, draft.itinerary) for draft in kept.journeys]
            distinct = {_key(j.itinerary): j for j in (*seeded.get(pair, []), *built)}
            for journey in distinct.values():
                index = len(journeys)
                journeys.append(journey)
                for u in members:
                    if journey.depart >= units[u].earliest:
                        usable[u].append(index)
        trips = EscortTrips(scenario, network, ahead.ways(deadline, stop) if ahead is not None else None)
        options: dict[int, list[EscortOption]] = {}
        riders_of: dict[int, list[int]] = defaultdict(list)
        for u, js in usable.items():
            for j in js:
                riders_of[j].append(u)
        escorted_journeys = {j for u, js in usable.items() if units[u].escorted for j in js}
        seeded_duties = _seed_duties(seed)
        for j in sorted(escorted_journeys):
            on_time()
            needs = {n for u in riders_of[j] for c in units[u].per_step if c.needs_escort for n in c.needs}
            found_options = trips.party_options(journeys[j], sorted(needs))
            legs = tuple(leg.key for leg in journeys[j].itinerary.legs)
            for escort_id, out, back in seeded_duties.get(legs, []):
                option = trips.option(scenario.escort(escort_id), journeys[j], out, back)
                if option is not None and option not in found_options:
                    found_options.append(option)
            options[j] = found_options
        self._counts = (enumerated, len(journeys), capped, sum(len(o) for o in options.values()))
        return Problem(scenario, units, journeys, dict(usable), options)

    # -- solving ---------------------------------------------------------------------------------

    def plan(
        self,
        options: Options | None = None,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> Plan:
        """The best plan found within the options' time limit.  Setting ``stop`` (from another
        thread) ends the search early, as running out of time does: the plan is then the best
        found so far, the baseline's where nothing better is known."""
        options = options or Options()
        started = time.perf_counter()

        def stopped() -> bool:
            return stop is not None and stop.is_set()

        deadline = started + options.time_limit * PROBLEM_SHARE
        self.baseline = None
        # The second core makes the baseline's plan and searches the escorts' ways while this
        # one drafts the cases' journeys.
        with self.ahead(options) as ahead:

            def baseline() -> Plan:
                return self.baseline_plan(ahead, deadline, stop)

            try:
                problem = self.problem(baseline if options.hints else None, deadline, stop, ahead)
            except OutOfTime:
                # Too big to model in the time given: the baseline's plan is the best known.
                self.baseline = baseline()
                return self._fallback(started, 0)
            self.baseline = baseline()
            if stopped():
                return self._fallback(started, 0)
        parts = self.parts(problem, options)
        sizes = [max(1, len(part)) for part, _ in parts]
        # The searches end by the time limit, less the assembly's share, or sooner: a share of
        # the time left (``search_share``) where another search follows.
        search_ends = started + options.time_limit * (1 - ASSEMBLY_SHARE)
        search_ends = time.perf_counter() + self.search_share * (search_ends - time.perf_counter())
        travel: dict[tuple[int, int], int] = {}
        escorts: dict[int, list[EscortOption]] = {}
        objective = bound = 0
        statuses: list[str] = []
        variables = 0
        solved_total = [0] * len(parts)
        solved_bound = [0] * len(parts)
        found = [False] * len(parts)

        def report(part: int, relaxation: Relaxation | None = None) -> Progress:
            def inner(seconds: float, best: int, lower: int) -> None:
                proven = relaxation.bound if relaxation is not None else 0
                if best >= 0:
                    if relaxation is not None:
                        relaxation.improved(best)
                        # The tree's narrowed searches may know a better plan than the search.
                        if relaxation.incumbent is not None:
                            best = min(best, relaxation.incumbent)
                    solved_total[part] = best
                    found[part] = True
                solved_bound[part] = max(0, lower, proven)
                if progress is None:
                    return
                now = time.perf_counter() - started
                if all(found):
                    progress(now, sum(solved_total), sum(solved_bound))
                elif self.baseline is not None:
                    # The parts searched so far are not a plan of the week: until every part has
                    # one, the best whole plan known is the hint's (the baseline's, or the first
                    # pass's in a second pass).
                    progress(now, self.baseline.objective.total_idr, sum(solved_bound))

            return inner

        for index, (part, narrow) in enumerate(parts):
            sub = restrict(problem, part)
            if narrow is not None:
                sub = narrow(sub)
            solution: Solution
            if time.perf_counter() - started >= options.time_limit or stopped():
                if not options.hints:
                    return self._fallback(started, 0)  # the baseline's journeys may be missing
                # No time left for this part: the baseline's plan for it, which the parts
                # already solved leave feasible (they share nothing scarce with it); a part
                # with a share of what parts share waits, since the baseline's may exceed it.
                solution = (
                    _baseline_solution(sub, self.baseline)
                    if narrow is None
                    else Solution({}, {}, 0, 0, "feasible")
                )
                statuses.append(solution.status)
                for (u, j), count in solution.travel.items():
                    travel[(part[u], sub.global_journeys[j])] = count
                for j, used in solution.escorts.items():
                    escorts[sub.global_journeys[j]] = used
                continue
            model = ReturnModel(sub)
            variables += len(model.m.proto.variables)
            relaxation = None
            ends: float | None = None  # when the duty tree must end, if there is one
            if options.engine == "cp-sat" and options.lp_start:
                limit = _time_share(search_ends, sizes, index) * RELAXATION_SHARE
                # The tree's bound depends on how many nodes it opens in the time: a search
                # to a work limit, reproducible, has the relaxation's bound alone.
                if options.work_limit is None:
                    ends = time.perf_counter() + _time_share(search_ends, sizes, index)
                relaxation = Relaxation(model, max(0.1, limit), ends, options.gap)
            seed = baseline_hint(sub, self.baseline) if options.hints else ({}, set())
            if options.hints:
                model.hint(*seed)
            share = _time_share(search_ends, sizes, index)
            work = _share(options.work_limit, sizes, index)
            if options.engine == "highs":
                solution = HighsModel(model).solve(share, options.workers, options.gap)
            else:
                relaxed = 0
                if relaxation is not None:
                    clock = time.perf_counter()
                    relaxed = self._polish(relaxation, model, seed, share, options, work, stop)
                    share -= time.perf_counter() - clock
                    work = work * (1 - LP_START_SHARE) if work is not None else None
                halt = _Either(relaxation.proven, stop) if relaxation is not None else stop
                # The tree's thread is one of the workers: the search has the others.
                searching = (
                    options.workers - 1 if ends is not None and options.workers > 1 else options.workers
                )
                solution = model.solve(
                    share,
                    searching,
                    options.seed,
                    work,
                    report(index, relaxation),
                    options.gap,
                    halt,
                    relaxation.offer if relaxation is not None else None,
                )
                if relaxation is not None:
                    relaxed = max(relaxed, relaxation.finish())
                    solution = _better(solution, relaxation.best)
                solution = _with_bound(solution, relaxed)
            statuses.append(solution.status)
            objective += solution.objective
            bound += solution.bound
            solved_total[index], solved_bound[index] = solution.objective, solution.bound
            for (u, j), count in solution.travel.items():
                travel[(part[u], sub.global_journeys[j])] = count
            for j, used in solution.escorts.items():
                escorts[sub.global_journeys[j]] = used
        self.stats = Stats(len(problem.units), *self._counts[:3], self._counts[3], len(parts), variables)
        status: Status = "optimal" if all(s == "optimal" for s in statuses) else "feasible"
        if any(s not in ("optimal", "feasible") for s in statuses):
            status = "timeout"
        if status == "timeout":
            return self._fallback(started, bound)
        return self._assemble(problem, travel, escorts, status, bound, time.perf_counter() - started)

    def parts(self, problem: Problem, options: Options) -> list[tuple[list[int], Narrow | None]]:
        """The parts searched one after another, each with what narrows its problem (None:
        the part shares nothing scarce with the others)."""
        if not options.decompose:
            return [(list(range(len(problem.units))), None)]
        return [(part, None) for part in components(problem)]

    def _polish(
        self,
        relaxation: Relaxation,
        model: ReturnModel,
        seed: tuple[dict[tuple[int, int], int], set[tuple[int, int]]],
        share: float,
        options: Options,
        work: float | None,
        stop: threading.Event | None = None,
    ) -> int:
        """Start the search near the best plan: the linear relaxation says which journeys and
        escorts matter, and a short search of the problem narrowed to those and the baseline's
        (``seed``) gives the hint.  This takes ``LP_START_SHARE`` of the part's ``share`` of the
        time, whatever is still spent waiting for the relaxation included.  Returns the relaxation's
        bound (0 without one).

        The narrowed problem is modelled on its own: on the 150-case busy week it has 1,222
        variables against 30,444, and 2 s of search find Rp 415.0 M where the same search
        over the whole model, its other choices fixed to zero, found Rp 456.5 M.
        """
        started = time.perf_counter()
        seconds = share * LP_START_SHARE
        # A timed search waits a little for the relaxation; then what the optimizer's own
        # relaxation uses, if it has one, picks the choices (the search keeps the relaxation).
        support = None
        if work is None and not relaxation.rooted(seconds * SUPPORT_WAIT):
            support = self.support(model.p)
        bound = 0
        if support is None:
            values, bound = relaxation.result()
            if values is None:
                return 0
            model.add_cuts(relaxation.cuts)
            support = model.used(values)
        travel, escorts = seed
        relaxed_travel, relaxed_escorts = support
        narrow = model.p.narrowed(relaxed_travel | set(travel), relaxed_escorts | escorts)
        small = ReturnModel(narrow)
        if options.hints and self.baseline is not None:
            small.hint(*baseline_hint(narrow, self.baseline))
        left = max(seconds / 3, seconds - (time.perf_counter() - started))
        found = small.solve(
            left, options.workers, options.seed, work * LP_START_SHARE if work else None, stop=stop
        )
        if found.status in ("optimal", "feasible"):
            model.hint(found.travel, model.p.duties(found.escorts))
            relaxation.offer(found)
        return bound

    def support(self, problem: Problem) -> tuple[set[tuple[int, int]], set[tuple[int, int]]] | None:
        """The journeys of units and the escort options (``(journey, option index)``) of
        ``problem`` that a relaxation already solved uses, for ``_polish`` not to wait for the
        part's own: None here, where there is none."""
        return None

    def _fallback(self, started: float, bound: int) -> Plan:
        """No model found a plan in time: the baseline's plan, with the bound proven so far."""
        assert self.baseline is not None
        return replace(
            self.baseline,
            status="timeout",
            solve_seconds=time.perf_counter() - started,
            objective=replace(
                self.baseline.objective,
                lower_bound_idr=min(bound, self.baseline.objective.total_idr),
                gap=_gap(self.baseline.objective.total_idr, bound),
                bound_scope="restricted" if bound else "none",
            ),
        )

    def _assemble(
        self,
        problem: Problem,
        travel: dict[tuple[int, int], int],
        escorts: dict[int, list[EscortOption]],
        status: Status,
        bound: int,
        seconds: float,
    ) -> Plan:
        scenario = self.scenario
        remaining = {u: list(unit.members) for u, unit in enumerate(problem.units)}
        riding: dict[int, list[str]] = defaultdict(list)
        for (u, j), count in sorted(travel.items()):
            unit = problem.units[u]
            take = count if unit.counted else unit.size
            riding[j] += [c.case_id for c in remaining[u][:take]]
            remaining[u] = remaining[u][take:]
        order = {case.case_id: i for i, case in enumerate(scenario.cases)}
        choices = []
        for j in sorted(riding, key=lambda j: (problem.journeys[j].depart, j)):
            trips = tuple(EscortTrip(o.escort_id, o.outbound, o.back) for o in escorts.get(j, []))
            case_ids = tuple(sorted(riding[j], key=order.__getitem__))
            choices.append(PartyChoice(case_ids, problem.journeys[j].itinerary, trips))
        party_ids = [f"P{i + 1}" for i in range(len(choices))]
        charges = allocate(scenario, choices, party_ids)
        planned = {c for choice in choices for c in choice.case_ids}
        unplanned = explain_unplanned(scenario, self.network, problem, choices, charges, planned)
        plan = build_plan(
            scenario,
            choices,
            charges,
            unplanned,
            status,
            seconds,
            lower_bound_idr=bound,
            party_ids=party_ids,
            bound_scope="restricted",
        )
        return plan


def _seed_journeys(
    scenario: Scenario, network: TransportNetwork, seed: Plan | None
) -> dict[tuple[str, str], list[Journey]]:
    found: dict[tuple[str, str], list[Journey]] = defaultdict(list)
    for party in seed.parties if seed else ():
        case = scenario.case(party.case_ids[0])
        found[(case.location_id, case.home_id)].append(price(scenario, network, _bare(party.legs)))
    return found


def _seed_duties(
    seed: Plan | None,
) -> dict[tuple[object, ...], list[tuple[str, Itinerary | None, Itinerary | None]]]:
    found: dict[tuple[object, ...], list[tuple[str, Itinerary | None, Itinerary | None]]] = defaultdict(list)
    if seed is None:
        return found
    for duty in seed.escort_duties:
        legs = tuple(leg.key for leg in seed.party(duty.party_id).legs)
        out = _bare(duty.outbound_legs) if duty.outbound_legs else None
        back = _bare(duty.return_legs) if duty.return_legs else None
        found[legs].append((duty.escort_id, out, back))
    return found


def _bare(legs: tuple[Leg, ...]) -> Itinerary:
    """An itinerary of a plan's legs, without the plan's traveller counts and prices."""
    return Itinerary(tuple(replace(leg, travellers=0, cost_idr=0) for leg in legs))


def _key(itinerary: Itinerary) -> tuple[object, ...]:
    return tuple(leg.key for leg in itinerary.legs)


class Relaxation:
    """The linear relaxation of a part, solved by HiGHS in a thread of its own.  HiGHS lets
    go of the interpreter while it solves, so the relaxation runs on the second core while
    the baseline's plan is made a hint.  Without it there is neither a good hint nor, when
    time is short, any bound, so it may take most of the part's time (``RELAXATION_SHARE``).

    Given a ``deadline``, the thread then goes on with a tree over the escort duties
    (``DutyTree``) beside the search, until the deadline or ``finish``: its bound rises where
    the search's own stalls, and now and then searches the problem narrowed to what the
    tree's nodes used, from the best plan known (``best``, which the search ``offer``s its
    plans to).  It sets ``proven`` once the best total known (``incumbent``) is within
    ``gap`` of that bound, so that the search may stop."""

    def __init__(
        self, model: ReturnModel, time_limit: float, deadline: float | None = None, gap: float = 0.0
    ) -> None:
        self.model = HighsModel(model)
        self.cuts: list[Cut] = []  # found in rounds, for the CP-SAT model once it is free
        self.incumbent: int | None = None  # the best total known so far, in rupiah
        self.best: Solution | None = None  # the best plan found so far, by any search
        self.proven = threading.Event()
        self._offered = threading.Lock()
        self._values: list[float] | None = None
        self._bound = 0
        self._gap = gap
        self._failed: BaseException | None = None
        self._rooted = threading.Event()
        self._halt = threading.Event()
        # Not a daemon: a node still being solved when the plan is done ends by its deadline,
        # and the interpreter waits for it.  A daemon thread inside HiGHS at exit made the
        # process abort ("terminate called without an active exception", exit code 134).
        self._thread = threading.Thread(target=self._solve, args=(time_limit, deadline), name="relaxation")
        self._thread.start()

    @property
    def bound(self) -> int:
        """The best bound proven so far, in rupiah (0 before the relaxation is solved)."""
        return self._bound

    def _solve(self, time_limit: float, deadline: float | None) -> None:
        try:
            try:
                self._root(time_limit)
            finally:
                self._rooted.set()
            if deadline is not None and self._values is not None:
                self._branch(deadline)
        except BaseException as failure:  # handed to the caller of result() or finish()
            self._failed = failure

    def _root(self, time_limit: float) -> None:
        ends = time.perf_counter() + time_limit
        values = self.model.relaxation(time_limit)
        for _ in range(CUT_ROUNDS):
            if values is None:
                break
            self._values, self._bound = values, self.model.relaxation_bound()
            cuts = self.model.model.ride_cuts(values)
            if not cuts or time.perf_counter() >= ends:
                break
            self.cuts += cuts
            self.model.add_cuts(cuts)
            values = self.model.relaxation(ends - time.perf_counter())

    def _branch(self, deadline: float) -> None:
        assert self._values is not None
        tree = DutyTree(self.model, self._values)
        # The last narrowed search: when, from which plan, and how many columns it saw.
        widened, start, known = time.perf_counter(), self.best, int(tree.seen.sum())
        while not self._halt.is_set() and not tree.done and time.perf_counter() < deadline:
            incumbent = None if self.incumbent is None else self.incumbent / self.model.unit
            tree.step(deadline - time.perf_counter(), incumbent)
            self._bound = max(self._bound, self.model.in_idr_bound(tree.bound(incumbent)))
            self._check()
            now = time.perf_counter()
            if now - widened >= WIDEN_EVERY and self.best is not None:
                seen = int(tree.seen.sum())
                if seen > known or self.best is not start:
                    start, known = self.best, seen
                    self._widen(tree.seen, min(WIDEN_SECONDS, deadline - now))
                widened = time.perf_counter()

    def _widen(self, seen: np.ndarray, seconds: float) -> None:
        """Search the problem narrowed to the best plan's choices and every journey and duty
        some node of the tree used: the nodes' relaxations, each with other duties whole, show
        other ways to spend a tight budget, and the narrowed problem is small enough to search
        in a second or two."""
        best = self.best
        assert best is not None
        model = self.model.model
        travel, escorts = model.used(seen.tolist())
        narrow = model.p.narrowed(travel | set(best.travel), escorts | model.p.duties(best.escorts))
        small = ReturnModel(narrow)
        small.hint(best.travel, narrow.duties(best.escorts))
        found = small.solve(seconds, workers=1, stop=self._halt)
        if found.status in ("optimal", "feasible"):
            self.offer(found)

    def offer(self, solution: Solution) -> None:
        """A plan found by a search, the whole problem's or a narrowed one's: the narrowed
        searches start from the best.  Its bound may be the narrowed problem's, not the
        whole's, and is dropped."""
        with self._offered:  # the search's callback and the tree's thread both offer
            if self.best is not None and solution.objective >= self.best.objective:
                return
            self.best = replace(solution, bound=0, status="feasible")
        self.improved(solution.objective)

    def improved(self, total: int) -> None:
        """A plan of ``total`` rupiah is known (the search reports its own here)."""
        with self._offered:
            self.incumbent = total if self.incumbent is None else min(self.incumbent, total)
        self._check()

    def _check(self) -> None:
        if self.incumbent is not None and _gap(self.incumbent, self._bound) <= self._gap:
            self.proven.set()

    def rooted(self, seconds: float) -> bool:
        """Whether the relaxation has ended (solved or given up) within ``seconds``."""
        return self._rooted.wait(seconds)

    def result(self) -> tuple[list[float] | None, int]:
        """The relaxation's values by variable index and its bound, once solved (None and 0
        when HiGHS did not solve it in its time)."""
        self._rooted.wait()
        if self._failed is not None:
            raise self._failed
        if self._values is None:
            return None, 0
        return self._values, self._bound

    def finish(self) -> int:
        """Stop the tree and return the best bound it proved.  A node being solved is left
        to end on its own (it holds HiGHS, not this thread)."""
        self._halt.set()
        if self._failed is not None:
            raise self._failed
        return self._bound


class _Either:
    """Set once either event is."""

    def __init__(self, first: threading.Event, second: threading.Event | None) -> None:
        self.first, self.second = first, second

    def is_set(self) -> bool:
        return self.first.is_set() or (self.second is not None and self.second.is_set())


def _better(solution: Solution, other: Solution | None) -> Solution:
    """The better of the search's solution and a narrowed search's (``other``), with the
    search's bound: only the search's holds for the whole problem."""
    if other is None:
        return solution
    if solution.status in ("optimal", "feasible") and solution.objective <= other.objective:
        return solution
    bound = min(solution.bound, other.objective)
    return replace(other, bound=bound, status="optimal" if bound >= other.objective else "feasible")


def _with_bound(solution: Solution, bound: int) -> Solution:
    """The solution with ``bound`` (the linear relaxation's) where it proves more than the
    search did: on a big week cut short, the search may not have finished its own."""
    if solution.status not in ("optimal", "feasible") or bound <= solution.bound:
        return solution
    bound = min(bound, solution.objective)
    return replace(solution, bound=bound, status="optimal" if bound >= solution.objective else "feasible")


def _time_share(ends: float, sizes: list[int], index: int) -> float:
    """Part ``index``'s share of the seconds left till ``ends``, by its size among the parts
    left."""
    left = ends - time.perf_counter()
    return left * sizes[index] / sum(sizes[index:])


def _share(work_limit: float | None, sizes: list[int], index: int) -> float | None:
    if work_limit is None:
        return None
    return work_limit * sizes[index] / sum(sizes)


def _gap(total: int, bound: int) -> float:
    return 0.0 if total <= 0 else max(0.0, (total - bound) / total)


# -- decomposition -------------------------------------------------------------------------------


def components(problem: Problem) -> list[list[int]]:
    """Units that share nothing scarce are planned apart: groups of unit indices.

    Two units are joined when their journeys share a scheduled service or a vehicle departure,
    when one escort could serve both, or when a budget line that may pay both could run out.
    """
    parent = list(range(len(problem.units)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def join(members: list[int]) -> None:
        for other in members[1:]:
            ra, rb = find(members[0]), find(other)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

    users: dict[object, list[int]] = defaultdict(list)
    for u, js in problem.usable.items():
        touched: set[object] = set()
        for j in js:
            journey = problem.journeys[j]
            touched.update(("s", s) for s in journey.service_ids)
            touched.update(("v", k) for k in journey.vehicles)
            for option in problem.options.get(j, []):
                touched.add(("e", option.escort_id))
                touched.update(("s", s) for s in option.service_ids)
                touched.update(("v", k) for k in option.vehicles)
        for resource in touched:
            users[resource].append(u)
    for line in scarce_lines(problem):
        users[("b", line)] = [
            u
            for u, unit in enumerate(problem.units)
            if any(c.may_be_funded_by(problem.scenario.budget_line(line)) for c in unit.members)
        ]
    for members in users.values():
        join(members)
    groups: dict[int, list[int]] = defaultdict(list)
    for u in range(len(problem.units)):
        groups[find(u)].append(u)
    return [groups[root] for root in sorted(groups)]


def scarce_lines(problem: Problem) -> list[str]:
    """Lines whose ceiling is below everything that could ever be charged to them."""
    scenario = problem.scenario
    meal = scenario.settings.costs.meal_idr_per_travel_day
    case_most = {
        u: max(
            (problem.journeys[j].fare_idr + problem.journeys[j].days * meal for j in js),
            default=0,
        )
        for u, js in problem.usable.items()
    }
    escort_most = sum(max((o.cost_idr for o in opts), default=0) for opts in problem.options.values())
    vehicle_most = sum(
        scenario.link(k[0]).vehicle_cost_idr * len(problem.units)
        for k in {k for j in problem.journeys for k in j.vehicles}
    )
    scarce = []
    for line in scenario.budget_lines:
        most = escort_most + vehicle_most
        for u, unit in enumerate(problem.units):
            if any(c.may_be_funded_by(line) for c in unit.members):
                most += case_most.get(u, 0) * unit.size
        if most > line.ceiling_idr:
            scarce.append(line.budget_line_id)
    return scarce


def restrict(problem: Problem, part: list[int]) -> Problem:
    """The sub-problem of some units, with the journeys and escort options they can use."""
    used = sorted({j for u in part for j in problem.usable.get(u, [])})
    local = {j: i for i, j in enumerate(used)}
    usable = {i: [local[j] for j in problem.usable.get(u, [])] for i, u in enumerate(part)}
    sub = Problem(
        problem.scenario,
        [problem.units[u] for u in part],
        [problem.journeys[j] for j in used],
        usable,
        {local[j]: problem.options[j] for j in used if j in problem.options},
        used,
    )
    return sub


@contextmanager
def _ahead(scenario: Scenario, options: Options) -> Iterator[Ahead | None]:
    """A second process making the baseline's plan and the escorts' ways, where there is a
    second worker and enough to search for it to pay (``AHEAD_WORK``)."""
    if options.workers < 2 or len(escort_places(scenario)) * len(scenario.services) < AHEAD_WORK:
        yield None
        return
    with Ahead(scenario) as ahead:
        yield ahead


class OutOfTime(Exception):
    """The time limit passed before the problem was built."""


def _baseline_solution(problem: Problem, baseline: Plan) -> Solution:
    """The baseline's plan of a part, as a solution with nothing proven (bound 0)."""
    travel, used = baseline_hint(problem, baseline)
    escorts: dict[int, list[EscortOption]] = defaultdict(list)
    for j, o in sorted(used):
        escorts[j].append(problem.options[j][o])
    return Solution(travel, dict(escorts), 0, 0, "feasible")


# -- warm start ----------------------------------------------------------------------------------


def baseline_hint(
    problem: Problem, baseline: Plan
) -> tuple[dict[tuple[int, int], int], set[tuple[int, int]]]:
    """The baseline's plan in the model's variables, as far as its journeys were kept."""
    by_legs: dict[tuple[object, ...], int] = {
        tuple(leg.key for leg in journey.itinerary.legs): j for j, journey in enumerate(problem.journeys)
    }
    unit_of = {c.case_id: u for u, unit in enumerate(problem.units) for c in unit.members}
    travel: dict[tuple[int, int], int] = defaultdict(int)
    escorts: set[tuple[int, int]] = set()
    duties = {(d.escort_id, d.party_id): d for d in baseline.escort_duties}
    for party in baseline.parties:
        j = by_legs.get(tuple(leg.key for leg in party.legs))
        if j is None:
            continue
        for case_id in party.case_ids:
            u = unit_of.get(case_id)
            if u is None:
                continue
            unit = problem.units[u]
            travel[(u, j)] = travel[(u, j)] + 1 if unit.counted else 1
        for escort_id in party.escort_ids:
            duty = duties[(escort_id, party.party_id)]
            for o, option in enumerate(problem.options.get(j, [])):
                if (
                    option.escort_id == escort_id
                    and _legs(option.outbound) == tuple(leg.key for leg in duty.outbound_legs)
                    and _legs(option.back) == tuple(leg.key for leg in duty.return_legs)
                ):
                    escorts.add((j, o))
    return dict(travel), escorts


def _legs(itinerary: object) -> tuple[tuple[str | None, str, str, str, datetime], ...]:
    if itinerary is None:
        return ()
    return tuple(leg.key for leg in itinerary.legs)  # type: ignore[attr-defined]


def optimize(
    scenario: Scenario,
    options: Options | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> Plan:
    return Optimizer(scenario).plan(options, progress, stop)


__all__ = ["Optimizer", "Options", "Stats", "optimize"]
