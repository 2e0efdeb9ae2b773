"""The first-come planner: what an officer does by hand today, and the optimizer's yardstick.

Households are taken in order of readiness.  Each goes on its earliest feasible journey,
joining the party already booked on the very same legs when there is one (so that one escort
serves many), with the first free suitable escorts and the first budget lines with room.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Generic, TypeVar

import numpy as np

from planner.assemble import (
    EscortTrip,
    PartyChoice,
    build_plan,
    cost_items,
    escort_legs,
    greedy_charges,
)
from planner.charging import allocate
from planner.network import ONWARD, Itinerary, Reachability, TransportNetwork
from planner.plan import Leg, Plan, Reason, Unplanned
from planner.scenario import Case, Escort, Household, Scenario

# An officer looks at the first departures that come, not every combination of them, and
# takes the one that gets the person home first.
MAX_TRIED = 60
# Escorts travel out at most this long before the party leaves, and back within this long.
ESCORT_SEARCH = timedelta(days=4)
DAY = timedelta(days=1)

T = TypeVar("T")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_DAY_MICROS = DAY // _MICROSECOND
_NEVER_FROM, _NEVER_TO = np.iinfo(np.int64).max, np.iinfo(np.int64).min


def _micros(moment: datetime) -> int:
    """A moment as whole microseconds since the epoch: exact, unlike ``timestamp()``."""
    return (moment - _EPOCH) // _MICROSECOND


class _Calendar:
    """The escorts' days on duty and the duties booked so far, also as arrays in the order of
    ``scenario.escorts``: which escorts are free over a party's travel is asked for nearly
    every party, and of every escort."""

    def __init__(self, scenario: Scenario) -> None:
        escorts = scenario.escorts
        self.index = {e.escort_id: i for i, e in enumerate(escorts)}
        # The start of each escort's first and last day on duty, at its base.
        self.days = [
            (base.midnight(e.available_from), base.midnight(e.available_to))
            for e in escorts
            for base in (scenario.location(e.base_id),)
        ]
        self.duties: list[list[tuple[datetime, datetime]]] = [[] for _ in escorts]
        self._first_day = np.array([_micros(first) for first, _ in self.days], dtype=np.int64)
        self._last_day = np.array([_micros(last) for _, last in self.days], dtype=np.int64)
        # Duty k of escort i spans [_busy_from[i, k], _busy_to[i, k]]; unused slots overlap nothing.
        self._busy_from = np.full((len(escorts), 1), _NEVER_FROM, dtype=np.int64)
        self._busy_to = np.full((len(escorts), 1), _NEVER_TO, dtype=np.int64)
        # Parties on the same journey ask alike until the next booking.
        self._free: dict[tuple[int, int], np.ndarray] = {}

    def book(self, escort_id: str, start: datetime, end: datetime) -> None:
        index = self.index[escort_id]
        duties = self.duties[index]
        duties.append((start, end))
        slot = len(duties) - 1
        if slot == self._busy_from.shape[1]:
            self._busy_from = np.hstack([self._busy_from, np.full_like(self._busy_from, _NEVER_FROM)])
            self._busy_to = np.hstack([self._busy_to, np.full_like(self._busy_to, _NEVER_TO)])
        self._busy_from[index, slot] = _micros(start)
        self._busy_to[index, slot] = _micros(end)
        self._free.clear()

    def free(self, escort_id: str, start: datetime, end: datetime) -> bool:
        """Whether the escort is on duty on the days, at its base, of ``start`` and ``end``
        and booked for nothing between them."""
        index = self.index[escort_id]
        first_day, last_day = self.days[index]
        # ``end - DAY``: the day after the last may be past the calendar's end.
        if start < first_day or end - DAY >= last_day:
            return False
        return not any(start <= busy_end and busy_start <= end for busy_start, busy_end in self.duties[index])

    def free_among(self, order: np.ndarray, start: datetime, end: datetime) -> list[int]:
        """Those of the escorts ``order`` (indices) that are ``free`` over ``start``, ``end``."""
        low, high = _micros(start), _micros(end)
        free = self._free.get((low, high))
        if free is None:
            busy = ((self._busy_from <= high) & (self._busy_to >= low)).any(axis=1)
            on_duty = (self._first_day <= low) & (self._last_day > high - _DAY_MICROS)
            free = self._free[(low, high)] = on_duty & ~busy
        found: list[int] = order[free[order]].tolist()
        return found


@dataclass
class _Booking:
    """Mutable ledger while the baseline books: seats, escort duties, money left."""

    seats: dict[str, int]
    money: dict[str, int]
    calendar: _Calendar
    parties: dict[tuple[Leg, ...], int] = field(default_factory=dict)  # legs -> index in the plan


def needs_of(cases: Sequence[Case]) -> tuple[int, bool, bool, bool]:
    """(escort-requiring cases, medical, psychosocial, woman escort) for a party."""
    escorted = [c for c in cases if c.needs_escort]
    return (
        len(escorted),
        any("medical" in c.needs for c in escorted),
        any("psychosocial" in c.needs for c in escorted),
        any("female_escort" in c.needs for c in escorted),
    )


def escorts_suffice(cases: Sequence[Case], escorts: Sequence[Escort]) -> bool:
    """Rule 5 for one party."""
    return _needs_met(needs_of(cases), escorts)


def _needs_met(needs: tuple[int, bool, bool, bool], escorts: Sequence[Escort]) -> bool:
    """Rule 5 for a party with ``needs`` (``needs_of``)."""
    count, medical, psychosocial, female = needs
    if count == 0:
        return True
    if not escorts:
        return False
    ordered = sorted(escorts, key=lambda e: -e.max_cases)
    enough = sum(1 for _ in ordered) >= _escorts_needed(count, ordered)
    return (
        enough
        and (not medical or any("medical" in e.skills for e in escorts))
        and (not psychosocial or any("psychosocial" in e.skills for e in escorts))
        and (not female or any(e.sex == "F" for e in escorts))
    )


def _escorts_needed(count: int, escorts: Sequence[Escort]) -> int:
    """ceil(count / max_cases) with each escort's own max_cases: the fewest escorts of those
    given, largest capacity first, whose capacities cover ``count``."""
    covered = 0
    for used, escort in enumerate(escorts, start=1):
        covered += escort.max_cases
        if covered >= count:
            return used
    return len(escorts) + 1


class Baseline:
    def __init__(self, scenario: Scenario, network: TransportNetwork | None = None) -> None:
        self.scenario = scenario
        self.network = network or TransportNetwork(scenario)
        self.settings = scenario.settings
        self._ways_between: dict[tuple[str, str], _Ways] = {}
        self._ways_back: dict[tuple[str, str, datetime, datetime], _Replay[Itinerary]] = {}
        self._journeys: dict[tuple[str, str, datetime], list[Itinerary]] = {}
        self._escort_order: dict[str, np.ndarray] = {}

    def plan(self) -> Plan:
        scenario = self.scenario
        booking = _Booking(
            seats={s.service_id: s.seats for s in scenario.services},
            money={b.budget_line_id: b.ceiling_idr for b in scenario.budget_lines},
            calendar=_Calendar(scenario),
        )
        choices: list[PartyChoice] = []
        unplanned: list[Unplanned] = []
        households = sorted(
            scenario.households, key=lambda h: (h.ready, _registered(scenario, h), h.household_id)
        )
        for household in households:
            result = self._place(household, choices, booking)
            if isinstance(result, tuple):
                reason, detail = result
                unplanned += [Unplanned(case_id, reason, detail) for case_id in household.case_ids]
        party_ids = [f"P{i + 1}" for i in range(len(choices))]
        party_cases = {
            pid: [scenario.case(c) for c in ch.case_ids] for pid, ch in zip(party_ids, choices, strict=True)
        }
        money = {b.budget_line_id: b.ceiling_idr for b in scenario.budget_lines}
        charges = greedy_charges(scenario, cost_items(scenario, choices, party_ids), money, party_cases)
        if charges is None:
            # Charged in one go, greedily, an item can take the money another item could only
            # get from that line.  The parties were affordable one at a time, and shared
            # vehicles only make the final items smaller, so a min-cost flow always finds
            # the charges.
            charges = allocate(scenario, choices, party_ids)
        order = {case.case_id: i for i, case in enumerate(scenario.cases)}
        unplanned.sort(key=lambda u: order[u.case_id])
        return build_plan(
            scenario, choices, charges, unplanned, status="feasible", party_ids=party_ids, bound_scope="none"
        )

    # -- one household -----------------------------------------------------------------------

    def _place(
        self, household: Household, choices: list[PartyChoice], booking: _Booking
    ) -> tuple[Reason, str] | None:
        scenario = self.scenario
        origin = scenario.location(household.location_id)
        home = scenario.location(household.home_id)
        cases = [scenario.case(c) for c in household.case_ids]
        earliest = max(origin.midnight(household.ready), self.settings.start)
        if household.ready >= self.settings.end_date:
            return "not_ready", f"ready only on {household.ready:%d %b %Y}, after the plan's window"
        itineraries = self._journeys_home(origin.location_id, home.location_id, earliest)
        if not itineraries:
            reach = self.network.reachability(origin.location_id, home.location_id, earliest)
            if reach is Reachability.NO_ROUTE:
                return (
                    "no_route",
                    f"no ferry, flight, bus or road link leads from {origin.name} to {home.name}",
                )
            return (
                "horizon",
                f"no departure from {origin.name} to {home.name} fits the window after {household.ready:%d %b}",
            )
        failures: Counter[Reason] = Counter()
        details: dict[Reason, str] = {}
        for itinerary in itineraries:
            outcome = self._try(itinerary, cases, choices, booking)
            if outcome is None:
                return None
            failures[outcome[0]] += 1
            details.setdefault(outcome[0], outcome[1])
        reason = max(failures, key=lambda r: (failures[r], r))
        return reason, details[reason]

    def _journeys_home(self, origin_id: str, home_id: str, earliest: datetime) -> list[Itinerary]:
        """The journeys a household tries, in order: the same for every household that leaves
        the same place for the same home on the same day."""
        key = (origin_id, home_id, earliest)
        found = self._journeys.get(key)
        if found is None:
            found = self._journeys[key] = sorted(
                islice(self.network.itineraries(origin_id, home_id, earliest), MAX_TRIED),
                key=lambda it: (it.arrive, it.anchor.depart, len(it.legs)),
            )
        return found

    def _try(
        self, itinerary: Itinerary, cases: list[Case], choices: list[PartyChoice], booking: _Booking
    ) -> tuple[Reason, str] | None:
        scenario = self.scenario
        joined = booking.parties.get(itinerary.legs)
        party_cases = cases + (
            [scenario.case(c) for c in choices[joined].case_ids] if joined is not None else []
        )
        kept = list(choices[joined].escorts) if joined is not None else []
        new_trips = self._escorts_for(itinerary, party_cases, kept, booking)
        if new_trips is None:
            _, medical, psycho, female = needs_of(party_cases)
            wanted = ", ".join(
                w for w, on in (("medical", medical), ("psychosocial", psycho), ("woman", female)) if on
            )
            return (
                "no_escort",
                f"no {wanted + ' ' if wanted else ''}escort is free for the departure of {_when(itinerary)}",
            )
        need = len(cases) + len(new_trips)
        for leg in itinerary.legs:
            if leg.service_id is not None and booking.seats[leg.service_id] < need:
                return (
                    "no_seats",
                    f"{leg.service_id} on {_when_leg(leg.depart)} has {booking.seats[leg.service_id]} seats left, {need} needed",
                )
        trips = kept + new_trips
        choice = PartyChoice(tuple(c.case_id for c in party_cases), itinerary, tuple(trips))
        # Budget: this party alone, everything it adds (cases, new escorts, its vehicles).
        probe = PartyChoice(tuple(c.case_id for c in cases), itinerary, tuple(new_trips))
        items = cost_items(scenario, [probe], ["new"])
        money = dict(booking.money)
        if greedy_charges(scenario, items, money, {"new": party_cases}) is None:
            total = sum(i.amount_idr for i in items)
            return (
                "budget",
                f"the trip costs Rp {total:,} but the lines that may pay it have too little left".replace(
                    ",", "."
                ),
            )
        booking.money.update(money)
        for trip in new_trips:
            for service_id in _own_seats(trip, itinerary):
                booking.seats[service_id] -= 1
            legs = escort_legs(choice, trip)
            booking.calendar.book(trip.escort_id, legs[0].depart, legs[-1].arrive)
        for leg in itinerary.legs:
            if leg.service_id is not None:
                booking.seats[leg.service_id] -= need
        if joined is not None:
            choices[joined] = PartyChoice(
                choices[joined].case_ids + tuple(c.case_id for c in cases), itinerary, tuple(trips)
            )
        else:
            booking.parties[itinerary.legs] = len(choices)
            choices.append(choice)
        return None

    def _escorts_for(
        self, itinerary: Itinerary, cases: list[Case], kept: list[EscortTrip], booking: _Booking
    ) -> list[EscortTrip] | None:
        """New escorts so that the party meets rule 5: the shelter's own staff first, then the
        others, each in id order, the first free who helps."""
        scenario = self.scenario
        chosen: list[EscortTrip] = []
        current = [scenario.escort(t.escort_id) for t in kept]
        needs = needs_of(cases)
        if _needs_met(needs, current):
            return chosen
        first, last = itinerary.legs[0], itinerary.legs[-1]
        # The duty covers at least the party's own travel: an escort off duty or busy then
        # cannot serve, whatever the ways out and back, which need not be searched.
        free = booking.calendar.free_among(self._escorts_from(first.from_id), first.depart, last.arrive)
        lack = _Lack.of(needs, current)
        taken = {e.escort_id for e in current}
        # Seats the escorts chosen so far take on their own ways out and back, held while the
        # next ones look for seats: two escorts must not both count on the last one.
        held: list[str] = []
        try:
            for index in free:
                escort = scenario.escorts[index]
                if escort.escort_id in taken or not lack.helped_by(escort):
                    continue
                trip = self._trip(escort, itinerary, booking)
                if trip is None:
                    continue
                chosen.append(trip)
                current.append(escort)
                taken.add(escort.escort_id)
                if _needs_met(needs, current):
                    return chosen
                lack = _Lack.of(needs, current)
                for service_id in _own_seats(trip, itinerary):
                    booking.seats[service_id] -= 1
                    held.append(service_id)
            return None
        finally:
            for service_id in held:
                booking.seats[service_id] += 1

    def _escorts_from(self, start: str) -> np.ndarray:
        """Every escort (as indices into ``scenario.escorts``) in the order asked for a party
        leaving ``start``: its own staff first, then by id."""
        found = self._escort_order.get(start)
        if found is None:
            escorts = self.scenario.escorts
            found = self._escort_order[start] = np.array(
                sorted(
                    range(len(escorts)), key=lambda i: (escorts[i].base_id != start, escorts[i].escort_id)
                ),
                dtype=np.intp,
            )
        return found

    def _ways(self, from_id: str, to_id: str) -> _Ways:
        """Every way between two places over the window and the days around it, by departure
        (fewest legs last on a tie), with the departures for bisect: asked once per pair."""
        key = (from_id, to_id)
        if key not in self._ways_between:
            start, end = self.settings.start, self.settings.end
            earliest = min(
                [start - ESCORT_SEARCH]
                + [
                    self.scenario.location(e.base_id).midnight(e.available_from)
                    for e in self.scenario.escorts
                ]
            )
            found = sorted(
                self.network.itineraries(from_id, to_id, earliest, end + timedelta(days=1), onward=ONWARD),
                key=lambda it: (it.depart, -len(it.legs)),
            )
            self._ways_between[key] = _Ways(
                [_micros(it.depart) for it in found],
                np.array([_micros(it.arrive) for it in found], dtype=np.int64),
                found,
            )
        return self._ways_between[key]

    def _trip(self, escort: Escort, itinerary: Itinerary, booking: _Booking) -> EscortTrip | None:
        """The escort's ways out to the party and back to base, for an escort free over the
        party's own travel."""
        first, last = itinerary.legs[0], itinerary.legs[-1]
        on_duty, last_day = booking.calendar.days[booking.calendar.index[escort.escort_id]]
        outbound: Itinerary | None = None
        if escort.base_id != first.from_id:
            need_by = first.depart - self.settings.connection(first.mode)
            earliest = max(on_duty, need_by - ESCORT_SEARCH)
            outbound = self._ways(escort.base_id, first.from_id).latest(earliest, need_by, booking)
            if outbound is None:
                return None
        back: Itinerary | None = None
        if escort.base_id != last.to_id:
            latest = min(last_day + DAY, last.arrive + ESCORT_SEARCH)
            back = next(
                (
                    it
                    for it in self._ways_home(last.to_id, escort.base_id, last.arrive, latest)
                    if _seats_ok(it, booking)
                ),
                None,
            )
            if back is None:
                return None
        start = outbound.depart if outbound else first.depart
        end = back.arrive if back else last.arrive
        if not booking.calendar.free(escort.escort_id, start, end):
            return None
        return EscortTrip(escort.escort_id, outbound, back)

    def _ways_home(
        self, from_id: str, base_id: str, arrived: datetime, latest: datetime
    ) -> _Replay[Itinerary]:
        """The ways back to an escort's base after a party arrives at ``from_id``, anchored
        before ``latest``, that leave after the connection: searched only as far as asked, once
        for all the escorts who ask."""
        key = (from_id, base_id, arrived, latest)
        found = self._ways_back.get(key)
        if found is None:
            found = self._ways_back[key] = _Replay(
                it
                for it in self.network.itineraries(
                    from_id, base_id, arrived, latest, road_days=2, onward=ONWARD
                )
                if it.depart >= arrived + self.settings.connection(it.legs[0].mode)
            )
        return found


@dataclass(frozen=True, slots=True)
class _Ways:
    """Ways between two places by departure, with departures and arrivals in microseconds."""

    departs: list[int]
    arrives: np.ndarray
    ways: list[Itinerary]

    def latest(self, earliest: datetime, arrive_by: datetime, booking: _Booking) -> Itinerary | None:
        """The way leaving latest, from ``earliest`` on, that arrives by ``arrive_by`` and has
        seats (the fewest legs on a tie)."""
        low = bisect_left(self.departs, _micros(earliest))
        high = bisect_right(self.departs, _micros(arrive_by))
        in_time = np.flatnonzero(self.arrives[low:high] <= _micros(arrive_by))
        return next(
            (
                self.ways[low + i]
                for i in reversed(in_time.tolist())
                if _seats_ok(self.ways[low + i], booking)
            ),
            None,
        )


class _Replay(Generic[T]):
    """The items of an iterator, drawn from it only as far as someone asks, and kept for the
    next who asks."""

    def __init__(self, source: Iterator[T]) -> None:
        self._source = source
        self._drawn: list[T] = []

    def __iter__(self) -> Iterator[T]:
        drawn = self._drawn
        index = 0
        while True:
            if index == len(drawn):
                try:
                    drawn.append(next(self._source))
                except StopIteration:
                    return
            yield drawn[index]
            index += 1


def _own_seats(trip: EscortTrip, itinerary: Itinerary) -> list[str]:
    """The services an escort takes a seat on going out and back, beyond the party's own."""
    own = (*(trip.outbound.legs if trip.outbound else ()), *(trip.back.legs if trip.back else ()))
    # Legs are compared whole only on a shared service: comparing every leg costs.
    shared = set(itinerary.service_ids)
    return [
        leg.service_id
        for leg in own
        if leg.service_id is not None and not (leg.service_id in shared and leg in itinerary.legs)
    ]


@dataclass(frozen=True, slots=True)
class _Lack:
    """What a party's escorts chosen so far leave short of rule 5."""

    skills: frozenset[str]  # the skills the party needs, when one of them is missing
    woman: bool
    capacity: bool  # only room for more cases: any escort helps

    @classmethod
    def of(cls, needs: tuple[int, bool, bool, bool], current: list[Escort]) -> _Lack:
        count, medical, psychosocial, female = needs
        missing_skill = (medical and not any("medical" in e.skills for e in current)) or (
            psychosocial and not any("psychosocial" in e.skills for e in current)
        )
        wanted = {s for s, on in (("medical", medical), ("psychosocial", psychosocial)) if on}
        missing_woman = female and not any(e.sex == "F" for e in current)
        short = sum(e.max_cases for e in current) < count
        return cls(
            frozenset(wanted) if missing_skill else frozenset(),
            missing_woman,
            short and not missing_woman and not missing_skill,
        )

    def helped_by(self, escort: Escort) -> bool:
        """Whether adding ``escort`` brings the party closer to rule 5."""
        return (
            (self.woman and escort.sex == "F") or not self.skills.isdisjoint(escort.skills) or self.capacity
        )


def _seats_ok(itinerary: Itinerary, booking: _Booking) -> bool:
    return all(booking.seats[leg.service_id] >= 1 for leg in itinerary.legs if leg.service_id is not None)


def _registered(scenario: Scenario, household: Household) -> str:
    dates = [scenario.case(c).registered for c in household.case_ids]
    known = [d for d in dates if d is not None]
    return min(known).isoformat() if known else "9999"


def _when(itinerary: Itinerary) -> str:
    return _when_leg(itinerary.anchor.depart)


def _when_leg(moment: datetime) -> str:
    return f"{moment:%d %b %H:%M}"


def plan_baseline(scenario: Scenario, network: TransportNetwork | None = None) -> Plan:
    return Baseline(scenario, network).plan()


__all__ = ["Baseline", "escorts_suffice", "plan_baseline"]
