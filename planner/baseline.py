"""The first-come planner: what an officer does by hand today, and the optimizer's yardstick.

Households are taken in order of readiness.  Each goes on its earliest feasible journey,
joining the party already booked on the very same legs when there is one (so that one escort
serves many), with the first free suitable escorts and the first budget lines with room.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

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


@dataclass
class _Booking:
    """Mutable ledger while the baseline books: seats, escort duties, money left."""

    seats: dict[str, int]
    money: dict[str, int]
    duties: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)
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
    count, medical, psychosocial, female = needs_of(cases)
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
        self._ways_between: dict[tuple[str, str], tuple[list[float], list[Itinerary]]] = {}

    def plan(self) -> Plan:
        scenario = self.scenario
        booking = _Booking(
            seats={s.service_id: s.seats for s in scenario.services},
            money={b.budget_line_id: b.ceiling_idr for b in scenario.budget_lines},
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
        itineraries = sorted(
            islice(self.network.itineraries(origin.location_id, home.location_id, earliest), MAX_TRIED),
            key=lambda it: (it.arrive, it.anchor.depart, len(it.legs)),
        )
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
            booking.duties.setdefault(trip.escort_id, []).append((legs[0].depart, legs[-1].arrive))
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
        if escorts_suffice(cases, current):
            return chosen
        start = itinerary.legs[0].from_id
        # Seats the escorts chosen so far take on their own ways out and back, held while the
        # next ones look for seats: two escorts must not both count on the last one.
        held: list[str] = []
        try:
            for escort in sorted(scenario.escorts, key=lambda e: (e.base_id != start, e.escort_id)):
                if escort in current or not _helps(cases, current, escort):
                    continue
                trip = self._trip(escort, itinerary, booking)
                if trip is None:
                    continue
                chosen.append(trip)
                current.append(escort)
                if escorts_suffice(cases, current):
                    return chosen
                for service_id in _own_seats(trip, itinerary):
                    booking.seats[service_id] -= 1
                    held.append(service_id)
            return None
        finally:
            for service_id in held:
                booking.seats[service_id] += 1

    def _ways(self, from_id: str, to_id: str) -> tuple[list[float], list[Itinerary]]:
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
            self._ways_between[key] = ([it.depart.timestamp() for it in found], found)
        return self._ways_between[key]

    def _trip(self, escort: Escort, itinerary: Itinerary, booking: _Booking) -> EscortTrip | None:
        scenario = self.scenario
        base = scenario.location(escort.base_id)
        first, last = itinerary.legs[0], itinerary.legs[-1]
        # The duty covers at least the party's own travel: an escort off duty or busy then
        # cannot serve, whatever the ways out and back, which need not be searched.
        if not self._free(
            escort,
            base.local_date(first.depart),
            base.local_date(last.arrive),
            first.depart,
            last.arrive,
            booking,
        ):
            return None
        outbound: Itinerary | None = None
        if escort.base_id != first.from_id:
            need_by = first.depart - self.settings.connection(first.mode)
            earliest = max(base.midnight(escort.available_from), need_by - ESCORT_SEARCH)
            departures, ways = self._ways(escort.base_id, first.from_id)
            low = bisect_left(departures, earliest.timestamp())
            high = bisect_right(departures, need_by.timestamp())
            # The latest way out that arrives in time and has seats (the fewest legs on a tie).
            outbound = next(
                (it for it in reversed(ways[low:high]) if it.arrive <= need_by and _seats_ok(it, booking)),
                None,
            )
            if outbound is None:
                return None
        back: Itinerary | None = None
        if escort.base_id != last.to_id:
            latest = min(base.midnight(escort.available_to) + timedelta(days=1), last.arrive + ESCORT_SEARCH)
            back = next(
                (
                    it
                    for it in self.network.itineraries(
                        last.to_id, escort.base_id, last.arrive, latest, road_days=2, onward=ONWARD
                    )
                    if it.depart >= last.arrive + self.settings.connection(it.legs[0].mode)
                    and _seats_ok(it, booking)
                ),
                None,
            )
            if back is None:
                return None
        start = outbound.depart if outbound else first.depart
        end = back.arrive if back else last.arrive
        if not self._free(escort, base.local_date(start), base.local_date(end), start, end, booking):
            return None
        return EscortTrip(escort.escort_id, outbound, back)

    @staticmethod
    def _free(
        escort: Escort, first: date, last: date, start: datetime, end: datetime, booking: _Booking
    ) -> bool:
        """Whether the escort is on duty from ``first`` to ``last`` and booked for nothing
        between ``start`` and ``end``."""
        if first < escort.available_from or last > escort.available_to:
            return False
        return not any(
            start <= busy_end and busy_start <= end
            for busy_start, busy_end in booking.duties.get(escort.escort_id, [])
        )


def _own_seats(trip: EscortTrip, itinerary: Itinerary) -> list[str]:
    """The services an escort takes a seat on going out and back, beyond the party's own."""
    own = (*(trip.outbound.legs if trip.outbound else ()), *(trip.back.legs if trip.back else ()))
    return [leg.service_id for leg in own if leg.service_id is not None and leg not in itinerary.legs]


def _helps(cases: list[Case], current: list[Escort], escort: Escort) -> bool:
    """Whether adding ``escort`` brings the party closer to rule 5."""
    count, medical, psychosocial, female = needs_of(cases)
    missing_skill = (medical and not any("medical" in e.skills for e in current)) or (
        psychosocial and not any("psychosocial" in e.skills for e in current)
    )
    missing_woman = female and not any(e.sex == "F" for e in current)
    capacity = sum(e.max_cases for e in current)
    if missing_woman and escort.sex == "F":
        return True
    if missing_skill and (
        (medical and "medical" in escort.skills) or (psychosocial and "psychosocial" in escort.skills)
    ):
        return True
    return capacity < count and not missing_woman and not missing_skill


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
