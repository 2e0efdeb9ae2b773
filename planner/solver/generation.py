"""Column generation: solve the master, price every unit and duty, add what prices out, and
know a valid bound of the week after every round."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from planner.journeys import escort_option, price_itinerary
from planner.model import Unit, planning_units
from planner.network import Itinerary, TransportNetwork
from planner.plan import Leg, Plan
from planner.scenario import Scenario
from planner.solver.arrivals import PartyOffer, _Keys, arrival_bound, party_offers
from planner.solver.bound import EscortWay, lagrangian_bound
from planner.solver.master import MONEY, Master
from planner.solver.network import TimeExpanded
from planner.solver.parties import PartyProgram, head_vehicles, party_program
from planner.solver.pricing import DutyPrice, Pricing, UnitPrice

# Rounds of one run when neither time, convergence nor a stall ends it.
MAX_ROUNDS = 1000
# A column is added when its reduced cost is below this (thousands of rupiah: one rupiah).
_ENTERING = -1e-3
# The weight of the best bound's duals in the duals priced at (Wentges smoothing) while columns
# are generated for the integer search; the rounds for the bound after it price at the master's
# own duals, which raise the bound faster (measured in docs/solver.md).
SMOOTHING = 0.3
# Generation stops when the master's value has moved by less than this share of itself over
# this many rounds (the demo week's master stood still for 40 rounds while columns came in).
STALL_ROUNDS = 8
STALL_SHARE = 1e-4
# Parties priced as a whole offered a round, the most negative first (``arrivals.party_offers``),
# on weeks where the bound by the way parties leave is made (``ARRIVALS_SIZE``).
PARTY_OFFERS = 40
# ... from the round where the master moved by less than this share of itself: before, the
# rounds' own columns move it more for the time (every round, the 150-case week, seed 5, ran 5
# rounds in its 30 s instead of 9 and ended at a gap of 10.7% against 9.4%).
OFFERS_BELOW = 0.005
# Duties given at once to a party itinerary that has just got escorted cases.
FIRST_DUTIES = 2
# The escorts' own ways on with the master's parties offered a round, the most negative first.
ESCORT_WAYS = 20
# From this many escorts on, those first duties are sought among the escorts based where the
# party starts or ends (every escort where none is): valuing every escort's ways for every new
# itinerary was most of a national week's first round.  The next round prices every escort's
# duties with it anyway.
LOCAL_FIRST_FROM = 100
# From as many escorts, a round adds only this many of the duties that price out with each
# itinerary, the most negative: every one of them was 141,000 columns and 570 s in the second
# round of 5,000 cases.  The bound still prices every duty.
DUTIES_KEPT = 3
# Rounds between two bounds over the party rows (each costs about a round's pricing; made every
# round, the demo week's bound after 30 s fell from Rp 95.0 M to 90.4 M, fewer rounds run).
# While columns are generated for the search only the first round makes one: made every third
# round there, the 500-case week's first round took 73 s of a 30 s limit.
PARTIES_EVERY = 3
# Escorted units times escorts above which no bound over the party rows is tried: the 500-case
# week (133 x 22) took 47 s for one; the escort-scarce week (104 x 4) ran one round in its time
# and its plan was 18% dearer; the Nunukan surge (90 x 14) 3% dearer.  The busy weeks are at
# most 36 x 6.
PARTIES_SIZE = 300
# Up to this size, weeks have that bound made once more at the empty master, with the vehicles
# to the first services as rows, and solved in a second process beside the rounds
# (``empty_bound``): the only one on weeks too large for it in the rounds.  M is below it;
# the national week's program is too large to make in its time (docs/solver.md).
BESIDE_SIZE = 5000
# The first step's share of the way to the target in ``seat_bounds`` (the first-come plan's
# total, far above the bound): larger steps lowered the bound at first (docs/solver.md).
SEAT_STEP = 0.0125
# Escorted units times escorts above which the bound over parties by the way they leave is
# not tried in the generation for the search: the Nunukan surge is under it, M over it, where
# it needs most of the time limit; where it gives up, its pricing pass and first keys are taken
# from the integer search (docs/solver.md).
ARRIVALS_SIZE = 1500
# Pricing shares escorts by departure (``Pricing.by_departure``) below this many cases: on the
# national week the searches it adds to the first round leave no time for the second
# (docs/solver.md, "Shares by departure").
DEPARTURE_SHARES_UNTIL = 1000
# Up to which its keys of a way onto a first service are split by arrival too: tighter on the
# 50-case busy weeks and the demo week, too slow above (docs/solver.md).
ARRIVALS_FINE = 100


@dataclass(frozen=True, slots=True)
class Round:
    number: int
    seconds: float
    master_idr: float  # the restricted master's value
    bound_idr: float  # the Lagrangian bound of the whole week at this round's duals
    added: int


RoundFn = Callable[[Round], None]


class Beside(Protocol):
    """A bound being made elsewhere (``planner.aside``: a second process): whether it has
    ended, and what it proves when stopped (``wait``: when it ends by itself), in rupiah."""

    @property
    def done(self) -> bool: ...

    def finish(self, wait: bool = False) -> float | None: ...


class ColumnGeneration:
    def __init__(
        self, scenario: Scenario, transport: TransportNetwork, units: list[Unit] | None = None
    ) -> None:
        self.scenario = scenario
        self.units = units if units is not None else planning_units(scenario)
        self.net = TimeExpanded(scenario, transport)
        self.master = Master(scenario, self.units)
        self.pricing = Pricing(scenario, self.net, self.master, self.units)
        self.departure_shares = len(scenario.cases) < DEPARTURE_SHARES_UNTIL  # ``Pricing.by_departure``
        self.bound = 0.0  # the best bound of any round: each is valid
        self.value = float("inf")
        self.rounds: list[Round] = []
        self.converged = False
        self._unit_of = {c.case_id: u for u, unit in enumerate(self.units) for c in unit.members}
        self.seeded: set[int] = set()  # the seed plan's columns
        self.dived: frozenset[int] = frozenset()  # the columns a dive's last master used
        self.longest_round = 0.0  # seconds
        self.party_seconds: float | None = None  # what the last bound over the party rows took
        self.priced_seconds = 0.0  # the longest pricing pass (``priced``)
        self.keyed_seconds: float | None = None  # what the last bound by the way parties leave took
        self.keyed_needs = 0.0  # the most time that bound judged it needed, where it gave up
        self._hard: float | None = None  # when a round of this run is given up
        self._arrivals_by: float | None = None  # when the last round's keyed bound is given up
        self._keyed_tried = False  # whether a round of this run tried the bound below
        self._party_size = _party_size(scenario, self.units)
        self.offers = True  # parties priced as a whole in the rounds that settle (``PARTY_OFFERS``)
        # The bound over the party rows at the empty master, solved beside the rounds.
        self._beside: Beside | None = None
        self.beside_bound: float | None = None  # what it gave, in rupiah

    def seed(self, plan: Plan) -> None:
        """Put a plan's itineraries and duties in the master: the integer search starts from it."""
        m = self.master
        first = len(m.columns)
        for party in plan.parties:
            journey = self._journey(_bare(party.legs))
            units = {self._unit_of[c] for c in party.case_ids}
            for u in sorted(units):
                m.add_x(u, journey)
            for duty in plan.escort_duties:
                if duty.party_id != party.party_id:
                    continue
                option = escort_option(
                    self.scenario,
                    self.scenario.escort(duty.escort_id),
                    m.journeys[journey].journey,
                    _bare(duty.outbound_legs) if duty.outbound_legs else None,
                    _bare(duty.return_legs) if duty.return_legs else None,
                )
                if option is not None:
                    m.add_y(journey, option)
        self.seeded.update(range(first, len(m.columns)))

    @property
    def fits_beside(self) -> bool:
        """Whether the week's bound over the party rows at the empty master, with the vehicles
        to the first services as rows (``empty_party_program``), can be made in a few seconds
        (``BESIDE_SIZE``), to be solved beside the rounds."""
        return self._party_size <= BESIDE_SIZE

    @staticmethod
    def fits_beside_alone(scenario: Scenario) -> bool:
        """``fits_beside`` for the week's generation before it is made."""
        return _party_size(scenario, planning_units(scenario)) <= BESIDE_SIZE

    def empty_bound(self, beside: Callable[[], Beside] | None = None) -> None:
        """Keep the Lagrangian bound at the empty master's duals (all 0), priced before any
        column and adding none: once a plan seeds the master, the first round's duals are
        the seed's, and on escort-heavy weeks their bound is the worse (docs/solver.md).
        Where it ``fits_beside``, ``beside`` starts that bound over the party rows elsewhere
        (the caller's second process), and ``collect`` and ``finish`` keep what it proves; that
        process prices this bound too, and this one goes on to the rounds."""
        m = self.master
        assert not m.columns, "the empty master's bound is priced before any column"
        if beside is not None and self.fits_beside:
            self._beside = beside()
        m.solve()
        if self._beside is not None:
            return
        units, duties = self.priced()
        self.bound = max(self.bound, lagrangian_bound(m, units, duties, self.pricing))
        self.pricing.forget()

    def seat_bounds(self, target: float) -> Iterator[float]:
        """Lagrangian bounds at the empty master with multipliers on the seats, the first with
        all of them 0, in rupiah.  Each unit's cheapest itinerary there ignores the others, and
        where together they overfill a service, its seats' multiplier rises: a subgradient
        step, Polyak's towards ``target`` (a plan's total), halved wherever the bound fell.
        Any multipliers of the right sign give a bound, so each is valid; the steps end where
        no service is overfilled."""
        m = self.master
        assert not m.columns, "priced before any column"
        services = self.scenario.services
        rows = np.array([m.seat_row(s.service_id) for s in services], dtype=np.int64)
        seats = np.array([float(s.seats) for s in services])
        at = {s.service_id: i for i, s in enumerate(services)}
        raised = np.zeros(len(services))  # thousands of rupiah a seat
        best, step = -np.inf, SEAT_STEP
        while True:
            m.row_dual = np.zeros(len(m.row_keys))
            m.row_dual[rows] = -raised
            units, duties = self.priced()
            bound = lagrangian_bound(m, units, duties, self.pricing)
            self.bound = max(self.bound, bound)
            yield bound
            riders = np.zeros(len(services))
            for price in units:
                if price.least < 0 and price.itinerary is not None:
                    unit = self.units[price.unit]
                    for leg in price.itinerary.legs:
                        if leg.service_id is not None:
                            riders[at[leg.service_id]] += unit.upper * unit.persons
            over = riders - seats
            over[(raised <= 0) & (over < 0)] = 0.0  # a multiplier stays at 0 or above
            norm = float(over @ over)
            if norm == 0 or target <= bound:
                return
            if bound > best:
                best = bound
            else:
                step /= 2
            raised = np.maximum(0.0, raised + step * (target - bound) / MONEY / norm * over)

    def collect(self) -> None:
        """Keep the bound over the party rows solved beside, if it has ended."""
        if self._beside is not None and self._beside.done:
            self.finish()

    def finish(self, wait: bool = False) -> None:
        """Stop the bound solved beside where it is (``wait``: let it end by itself), and keep
        what it proves."""
        if self._beside is None:
            return
        solving, self._beside = self._beside, None
        found = solving.finish(wait)
        if found is not None:
            self.beside_bound = found
            self.bound = max(self.bound, found)

    def _journey(self, itinerary: Itinerary) -> int:
        """The master's journey of ``itinerary``, with its path through the network if it has one."""
        m = self.master
        known = len(m.journeys)
        j = m.journey(price_itinerary(self.scenario, itinerary))
        if j == known:
            path = self.net.locate(itinerary.legs)
            if path is not None:
                self.pricing.paths[j] = path
        return j

    def run(
        self,
        deadline: float | None = None,
        stop: Callable[[], bool] | None = None,
        report: RoundFn | None = None,
        max_rounds: int = MAX_ROUNDS,
        until_stalled: bool = True,
        strict: bool = False,
        parties_every: int = 0,
        smoothing: float = SMOOTHING,
        overrun: float | None = None,
        hard: float | None = None,
        arrivals: bool = False,
        arrivals_by: float | None = None,
    ) -> None:
        """Rounds until no column prices out (the master then solves the relaxation of the
        whole week), or ``deadline`` (``time.perf_counter()``) passes, or ``stop()``, or (with
        ``until_stalled``) the master stands still.  A ``strict`` deadline is one no round may
        end after: a round that could not end by it (the longest so far) is not begun; with
        ``overrun``, no round is begun that could not end within so many seconds after it.  The
        bound over the party rows (``planner.solver.parties``) is made every ``parties_every``
        rounds from this call's first (0: in the first round of the week only), where it fits
        the time left.  Duals are priced with ``smoothing`` (the weight of the best Lagrangian
        bound's).  A round still going at ``hard`` is given up there: its bound counts only if
        its pricing had ended, and the columns it added stay (each is a column of the week).
        With ``arrivals_by``, the round after which no other could begin in time (by three
        of the longest so far) makes the bound over parties by the way they leave too, at its own
        duals, given up at ``arrivals_by`` (where it is not made, the caller may make it after
        the rounds, with a pricing pass of its own)."""
        untimed = self.pricing.tick
        self._hard = hard
        self._arrivals_by = arrivals_by
        self._keyed_tried = False
        if hard is not None:

            def tick() -> None:
                if time.perf_counter() > hard:
                    raise _Late

            self.pricing.tick = tick
        try:
            self._run(
                deadline,
                stop,
                report,
                max_rounds,
                until_stalled,
                strict,
                parties_every,
                smoothing,
                overrun,
                arrivals,
            )
        except _Late:
            return
        finally:
            self.pricing.tick = untimed
            # The round's searches are made again at the next round's duals; kept through the
            # integer search they held memory it needs on 20,000 cases.
            self.pricing.forget()

    def _run(
        self,
        deadline: float | None,
        stop: Callable[[], bool] | None,
        report: RoundFn | None,
        max_rounds: int,
        until_stalled: bool,
        strict: bool,
        parties_every: int,
        smoothing: float,
        overrun: float | None,
        arrivals: bool,
    ) -> None:
        m = self.master
        started = time.perf_counter()
        center: np.ndarray | None = None
        # The Lagrangian bound at the center: the bound over the party rows is a function of
        # other multipliers, and a center chosen by it would stay where that bound was best.
        centered = -np.inf
        for number in range(1, max_rounds + 1):
            late = 0.0 if strict else overrun
            if (
                late is not None
                and deadline is not None
                and time.perf_counter() + self.longest_round > deadline + late
            ):
                return  # a round is never cut short: this one could not end in time
            begun = time.perf_counter()
            # The last round of this run, as far as the time tells: the next could not begin
            # (rounds grow as the master does; three of the longest so far leave room for it).
            last = number == max_rounds or (
                deadline is not None and late is not None and begun + 3 * self.longest_round > deadline + late
            )
            keyed = (
                last
                and not self._keyed_tried
                and self._arrivals_by is not None
                and self._party_size <= ARRIVALS_SIZE
            )
            due = (number - 1) % parties_every == 0 if parties_every else not self.rounds
            fits = due and self._parties_fit(deadline)
            # Timed rounds that price no bound but the Lagrangian's solve the master by the
            # primal simplex: more rounds in the time, and the bounds made at the duals of the
            # dual simplex, the better multipliers (docs/solver.md).  Untimed rounds as before.
            self.value = m.solve(primal=deadline is not None and not (last or keyed or fits or arrivals))
            current = m.row_dual.copy()
            if center is None:
                center = current
            center = np.concatenate([center, np.zeros(len(current) - len(center))])
            # Wentges smoothing: price at a point between the duals of the best bound so far
            # and the master's; where nothing prices out there, at the master's own.  A round
            # that offers parties priced as a whole prices at the master's own duals, so that
            # the offers share its searches (docs/solver.md, "Parties priced as a whole").
            offering = self.offers and self._party_size <= ARRIVALS_SIZE and self._settling()
            alpha = 0.0 if offering else smoothing
            while True:
                duals = alpha * center + (1 - alpha) * current
                lagrangian, bound, found = self._price(
                    duals,
                    current,
                    fits,
                    (arrivals and fits) or keyed,
                    self._arrivals_by if keyed else self._hard,
                    offering,
                )
                if keyed:
                    self._keyed_tried, keyed = True, False
                self.bound = max(self.bound, bound)
                if lagrangian > centered:
                    centered, center = lagrangian, duals
                before = set(self._escorted())
                added = sum(self._add(kind, price) for kind, price in found)
                added += self._escort_new(before)
                if added or alpha == 0.0:
                    break
                alpha = 0.0
            m.row_dual = current
            self.longest_round = max(self.longest_round, time.perf_counter() - begun)
            done = Round(number, time.perf_counter() - started, self.value, bound, added)
            self.rounds.append(done)
            if report is not None:
                report(done)
            if added == 0:
                self.converged = True
                return
            if until_stalled and self._stalled():
                # The master has not moved for a while: its columns are those that matter, and
                # the rest of the time is better spent on integer plans.
                return
            if not strict and deadline is not None and time.perf_counter() > deadline:
                return
            if stop is not None and stop():
                return

    def used(self, deadline: float | None = None) -> set[int]:
        """The columns the master's relaxation uses, after solving it over every column made,
        and the seed plan's.  If that solve does not end by ``deadline``, those the last
        relaxation used and every column made since (each priced out at its duals)."""
        m = self.master
        if m.columns and len(m.col_value) < len(m.columns):
            value = m.solve() if deadline is None else m.solve_within(deadline - time.perf_counter())
            if value is not None:
                self.value = value
        since = set(range(len(m.col_value), len(m.columns)))  # empty once solved
        return {c for c, x in enumerate(m.col_value) if x > 1e-6} | since | self.seeded | self.dived

    def _parties_fit(self, deadline: float | None) -> bool:
        """Whether a bound over the party rows can be made and the round still end in time."""
        if not self.rounds and self._beside is not None:
            # The same bound at the empty master is being solved beside: made again in the
            # first round, it took the rounds' time from the search's columns (docs/solver.md).
            return False
        if self.party_seconds is None and self._party_size > PARTIES_SIZE:
            return False
        if deadline is None:
            return True  # rounds counted, not timed: the same bounds on any machine
        left = deadline - time.perf_counter()
        if self.party_seconds is None:
            return left > 3 * max(self.longest_round, 1.0)
        return left > self.party_seconds + self.longest_round

    def _settling(self) -> bool:
        """Whether the master moved by less than ``OFFERS_BELOW`` of itself since the last round."""
        if not self.rounds:
            return False
        before = self.rounds[-1].master_idr
        return before - self.value <= OFFERS_BELOW * abs(before)

    def _stalled(self) -> bool:
        if len(self.rounds) <= STALL_ROUNDS:
            return False
        before = self.rounds[-STALL_ROUNDS - 1].master_idr
        return before - self.value <= STALL_SHARE * abs(before)

    def _price(
        self,
        duals: np.ndarray,
        current: np.ndarray,
        parties: bool = True,
        arrivals: bool = False,
        arrivals_by: float | None = None,
        offering: bool = False,
    ) -> tuple[float, float, list[tuple[str, object]]]:
        """The Lagrangian bound at ``duals``, the bound there (with ``parties``, the better of
        it and the bound over the party rows; with ``arrivals``, of the bound over parties by
        the way they leave too, given up at ``arrivals_by``) and the columns that price out
        there and also at the master's ``current`` duals; with ``offering`` (``duals`` the
        master's own), the parties priced as a whole there too."""
        m = self.master
        m.row_dual = duals
        ways: list[EscortWay] = []
        keys: _Keys | None = None
        try:
            units, duties = self.priced()
            if offering:
                # The escorts' searches to each home, shared by the bound and the offers.
                keys = _Keys(m, self.pricing)
            lagrangian = bound = lagrangian_bound(m, units, duties, self.pricing, ways, keys)
            if parties:
                began = time.perf_counter()
                better = self.party_bound(units)
                self.party_seconds = time.perf_counter() - began
                if better is not None:
                    bound = max(bound, better)
            if arrivals:
                keyed = self._keyed_bound(units, arrivals_by)
                if keyed is not None:
                    bound = max(bound, keyed)
        finally:
            m.row_dual = current
        found: list[tuple[str, object]] = [("x", p) for p in units if p.itinerary is not None]
        found += [("x", replace(p, itinerary=it, others=())) for p in units for it, _ in p.others]
        found += [("y", p) for p in duties if p.option is not None]
        # An escort's own way on with a party of the master's, where it is dearer to take the
        # party's (its rows per party let it): the duty on it, so that the master has it.
        ways.sort(key=lambda way: way.value)
        found += [("w", way) for way in ways[:ESCORT_WAYS]]
        if keys is not None:
            # At the master's own duals: the columns are added whatever their reduced costs,
            # and at the smoothed duals they did less (80-case week, seed 1: gap 3.3% against
            # 2.3% at 30 s, one run each).
            found += [("p", offer) for offer in party_offers(m, self.pricing, PARTY_OFFERS, keys)]
        return lagrangian, bound, found

    def priced(self) -> tuple[list[UnitPrice], list[DutyPrice]]:
        """Each unit's least reduced cost, and each escort's least duty with each of the
        master's escorted itineraries, at the master's present duals."""
        m, pricing = self.master, self.pricing
        began = time.perf_counter()
        pricing.by_departure = self.departure_shares
        pricing.refresh()
        present: dict[tuple[str, str], list[int]] = defaultdict(list)
        for j, rows in enumerate(m.journeys):
            present[(rows.origin, rows.home)].append(j)
        units = pricing.units_priced(present)
        keep = DUTIES_KEPT if len(self.scenario.escorts) >= LOCAL_FIRST_FROM else None
        duties = pricing.duties_priced(self._escorted(), keep=keep)
        self.priced_seconds = max(self.priced_seconds, time.perf_counter() - began)
        return units, duties

    def bound_by_arrivals(self, seconds: float | None = None, solve_by: float | None = None) -> None:
        """The bound over parties by the way they leave (``planner.solver.arrivals``) at the
        master's own duals, kept where it is the best so far.  The master is solved first,
        given up at ``solve_by``; unsolved, the bound is made at the last round's duals where
        that round made none (any multipliers give a bound), else not at all.  It is not begun
        if the longest pricing pass and the last such bound (or the time it judged it needed
        where it gave up) would not end within ``seconds`` (it judges as it goes and gives up
        past them), nor on weeks of more than ``ARRIVALS_SIZE`` escorted units times escorts."""
        if self._party_size > ARRIVALS_SIZE:
            return
        m = self.master
        if solve_by is None:
            value: float | None = m.solve()
        else:
            left = solve_by - time.perf_counter()
            value = m.solve_within(left) if left > 0 else None
        if value is not None:
            self.value = value
        elif self.keyed_seconds is not None:
            return
        else:
            # On the surge the last round's bound gives up where that round's solve is slow,
            # and the solve after is then too late: the bound fell back to the empty master's.
            m.row_dual = np.concatenate([m.row_dual, np.zeros(len(m.row_keys) - len(m.row_dual))])
        deadline = None
        if seconds is not None:
            deadline = time.perf_counter() + seconds
            needs = self.longest_round
            if self.priced_seconds > 0:
                needs = self.priced_seconds + max(self.keyed_seconds or 0.0, self.keyed_needs)
            if time.perf_counter() + needs > deadline:
                return
        units, _ = self.priced()
        found = self._keyed_bound(units, deadline)
        if found is not None:
            self.bound = max(self.bound, found)

    def _keyed_bound(self, units: list[UnitPrice], deadline: float | None) -> float | None:
        """The bound over parties by the way they leave at the master's present duals; on
        small weeks then, in the time left, its keys split by arrival too, the better kept.
        The split one is often the tighter but may need many times as long, so it comes second
        (docs/solver.md)."""
        began = time.perf_counter()
        judged: dict[str, float] = {}
        found = arrival_bound(self.master, self.pricing, units, deadline, judged)
        if self._party_size <= ARRIVALS_FINE:
            fine = arrival_bound(self.master, self.pricing, units, deadline, fine=True)
            if fine is not None and (found is None or fine > found):
                found = fine
        if found is not None:
            self.keyed_seconds = time.perf_counter() - began
        self.keyed_needs = max(self.keyed_needs, judged.get("needs", 0.0))
        return found

    def _escorted(self) -> list[int]:
        m = self.master
        return [j for j, rows in enumerate(m.journeys) if ("cap", rows.party) in m.rows]

    def party_bound(self, units: list[UnitPrice]) -> float | None:
        """The bound over the party rows (``planner.solver.parties``) at the master's present
        duals, ``units`` priced there; None when its program could not be solved."""
        found = self._party_program(units)
        value = found.program.solve()
        return None if value is None else found.bound(value)

    def _party_program(self, units: list[UnitPrice]) -> PartyProgram:
        """That bound's program.  It keeps each escort's parties apart in time itself, so the
        busy rows' multipliers mostly tie its hands: they are taken at 0 there (measured in
        docs/solver.md).  Pricing is left at the present duals."""
        m, pricing = self.master, self.pricing
        duals = m.row_dual
        m.row_dual = m.without(("busy",), duals)
        pricing.refresh()
        try:
            return party_program(m, pricing, units, pricing.duties_priced(self._escorted()))
        finally:
            m.row_dual = duals
            pricing.refresh()

    def empty_party_program(self) -> PartyProgram:
        """The bound over the party rows at the empty master, with every unit's option in
        the program and the vehicles of its way onto a first service as rows of the program
        (``parties``, ``vehicles``): the way from a village to the port is a car a unit pays
        whole unless others leave with it, where the multipliers of absent rows charge it a
        seat."""
        m, pricing = self.master, self.pricing
        assert not m.columns, "priced before any column"
        m.solve()
        try:
            # Those vehicles' rows are the program's: no multiplier charges them outside it.
            pricing.whole = dict.fromkeys(head_vehicles(pricing), 0.0)
            pricing.refresh()
            # Every unit is in the program: no unit's least and no duty is needed outside it.
            values = pricing.escorted_values(every=True)
            return party_program(m, pricing, [], [], values, vehicles=True)
        finally:
            pricing.whole = {}
            pricing.refresh()

    def _escort_new(self, before: set[int]) -> int:
        """Give each party itinerary that has just got escorted cases its cheapest duties (per
        case they can take), so that the next master sees what escorting it costs: its escort
        row has no dual yet, and its duties would price out only a round later.  They are
        priced with the round's pricing, its escorts' searches again: which duties come first
        is a guess either way, and searching every escort's ways anew cost a quarter of the
        500-case week's rounds."""
        m, pricing = self.master, self.pricing
        new = [j for j in self._escorted() if j not in before]
        if not new:
            return 0
        added = 0
        local = len(self.scenario.escorts) >= LOCAL_FIRST_FROM
        for price in pricing.duties_priced(new, first=FIRST_DUTIES, local=local):
            if price.option is not None:
                added += int(m.add_y(price.journey, price.option) is not None)
        return added

    def _add(self, kind: str, price: object) -> int:
        """Add a priced column if its reduced cost at the master's duals is negative."""
        self.pricing.tick()
        m = self.master
        if kind == "x":
            assert isinstance(price, UnitPrice) and price.itinerary is not None
            j = self._journey(price.itinerary)
            # Priced as the search prices it: a new journey's escorts and vehicles are not free.
            if self.pricing.x_reduced(price.unit, j) < _ENTERING:
                return int(m.add_x(price.unit, j) is not None)
            return 0
        if kind == "w":
            assert isinstance(price, EscortWay)
            return self._escort_way(price)
        if kind == "p":
            assert isinstance(price, PartyOffer)
            return self._party_offer(price)
        assert isinstance(price, DutyPrice) and price.option is not None
        cost, entries = m.y_entries(price.journey, price.option, make=False)
        if m.reduced_cost(cost, entries) < _ENTERING:
            return int(m.add_y(price.journey, price.option) is not None)
        return 0

    def _party_offer(self, offer: PartyOffer) -> int:
        """A party priced as a whole (``arrivals.PartyOffer``): each of its units on its least
        itinerary of the party's way and each of its escorts' least duty with the party, as
        the key's program priced them.  Added whatever their reduced costs one by one: the
        party's rows are new, or their duals are those of the parties the master has."""
        m, pricing = self.master, self.pricing
        added = 0
        if offer.way is not None:
            j = self._journey(Itinerary(offer.way.legs))
            added += sum(m.add_x(u, j) is not None for u in offer.units)
            return added + self._duties_on(j, {self.scenario.escorts[e].escort_id for e in offer.escorts})
        assert offer.head is not None
        heads, _ = pricing._origin(offer.origin)
        head = heads[offer.head]
        if head.depart < pricing.start_ts:
            return 0
        for u in offer.units:
            nodes = offer.keys.unit_way(u, head.service)
            if nodes is not None:
                j = self._journey(Itinerary((*head.legs, *self.net.legs_of(list(nodes)))))
                added += int(m.add_x(u, j) is not None)
        for e in offer.escorts:
            way = EscortWay(offer.value, offer.keys, e, offer.origin, offer.home, offer.head)
            added += self._escort_way(way, check=False)
        return added

    def _escort_way(self, way: EscortWay, check: bool = True) -> int:
        """The escort's duty on its own way on with the party (``EscortWay``), as a journey of
        the party's with no cases on it, where it prices out at the master's duals (with
        ``check``)."""
        pricing = self.pricing
        heads, _ = pricing._origin(way.origin)
        head = heads[way.head]
        if head.depart < pricing.start_ts:
            # A party that left before the window (re-planning): its legs are booked.
            return 0
        money = pricing.escort_money(way.origin, way.home)
        nodes = way.keys.escort_way(way.escort, money, way.home, head.service)
        if nodes is None:
            return 0
        j = self._journey(Itinerary((*head.legs, *self.net.legs_of(list(nodes)))))
        return self._duties_on(j, {self.scenario.escorts[way.escort].escort_id}, check)

    def _duties_on(self, j: int, escort_ids: set[str], check: bool = False) -> int:
        """The least duty of each of ``escort_ids`` with the party on journey ``j``, added
        where it prices out at the master's duals (with ``check``), else whatever it costs."""
        m = self.master
        added = 0
        for price in self.pricing.duties_priced([j], first=0 if check else len(self.scenario.escorts)):
            if price.escort_id in escort_ids and price.option is not None:
                cost, entries = m.y_entries(j, price.option, make=False)
                if not check or m.reduced_cost(cost, entries) < _ENTERING:
                    added += int(m.add_y(j, price.option) is not None)
        return added


class _Late(Exception):
    """A round still going at the hard end of the time."""


def _party_size(scenario: Scenario, units: list[Unit]) -> int:
    """Escorted units times escorts: what the bounds over parties grow with."""
    return sum(1 for unit in units if unit.escorted) * len(scenario.escorts)


def _bare(legs: tuple[Leg, ...]) -> Itinerary:
    return Itinerary(tuple(replace(leg, travellers=0, cost_idr=0) for leg in legs))
