"""Candidate journeys for the optimizer: every itinerary that can matter, priced once.

The network enumerates itineraries; this module prices them for one traveller (seat fares,
meal days, waiting days, the shared vehicles they ride), drops the ones that can never be part
of a better plan, and finds each escort's ways out to a party and back.

Dominance (why a pruned journey loses no optimal plan).  Journey A dominates journey B of the
same start and home when

1. A leaves on the same local day as B or later, is ready for its outbound escort no earlier
   (``ready_by``: first departure minus the connection minimum of its mode) and arrives no
   later: every case and escort duty that fits B fits A, with the same outbound and return;
2. A's first scheduled departure is on B's day or earlier and A spends no more calendar days
   on the road: nobody waits or eats more;
3. A's seat fares plus one whole vehicle on each of its road legs cost no more than B's seat
   fares: whoever moves from B to A adds at most one vehicle per traveller per leg and frees
   at least what B cost, so every budget line that paid for B can pay for A (when a line pays
   escort costs but not fares, A must ride no paid vehicle at all, since an escort's vehicle
   seat is then not payable from the escort's money);
4. every scheduled service of A has more seats than all the people who could ever board it.

Then moving a whole party from B to A (merging it with a party already on A) keeps every rule
and costs no more, so some optimal plan uses no dominated journey.  Rule 4 makes this proof
possible; where seats are scarce, alternatives are kept.  ``MAX_PER_DAY`` then caps the
journeys kept per first-departure day; that cap is a heuristic, and ``capped`` reports when
it removed anything, so the optimizer knows whether its bound covers every journey.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Generic, Protocol, TypeVar

from planner import costs
from planner.assemble import journey_days, seat_fare_idr
from planner.network import ONWARD, Itinerary, Onward, TransportNetwork, passes_once
from planner.plan import Leg
from planner.scenario import Escort, Location, Scenario

VehicleKey = tuple[str, datetime]  # (link_id, departure): riders share vehicles
# Beyond this many non-dominated journeys per first-departure day, only the cheapest are kept.
MAX_PER_DAY = 3
# Escorts travel out at most this long before the party and are back within this long.
ESCORT_SEARCH = timedelta(days=4)
# For each party: the escorts kept, cheapest first, and as many for each need of its cases.
ESCORTS_KEPT = 3


@dataclass(frozen=True, slots=True)
class Journey:
    """An itinerary priced for one traveller."""

    itinerary: Itinerary
    fare_idr: int  # seat and per-person link fares
    days: int  # calendar days on the road (meals)
    anchor_date: date  # local date of the first scheduled departure (waiting)
    depart_date: date  # local date of the first leg at the start
    ready_by: datetime  # when an outbound escort must have arrived
    vehicles: tuple[VehicleKey, ...]  # road legs with a vehicle cost
    vehicle_worst_idr: int  # one whole vehicle on each of them

    @property
    def service_ids(self) -> tuple[str, ...]:
        return self.itinerary.service_ids

    @property
    def depart(self) -> datetime:
        return self.itinerary.depart

    @property
    def arrive(self) -> datetime:
        return self.itinerary.arrive


@dataclass(frozen=True, slots=True)
class EscortOption:
    """One way for an escort to serve a party: out, along, and back."""

    escort_id: str
    outbound: Itinerary | None
    back: Itinerary | None
    start: datetime
    end: datetime
    days: int
    cost_idr: int  # fares both ways and along, meals, allowance (not shared vehicles)
    service_ids: tuple[str, ...]  # seats taken on the way out and back
    vehicles: tuple[VehicleKey, ...]  # vehicle rides on the way out and back


@dataclass(frozen=True, slots=True)
class Draft:
    """A journey known by the numbers that choose among journeys (those of ``Journey``), from
    the parts the network finds it in: most journeys are dropped, and only the kept ones are
    built and priced leg by leg."""

    head: tuple[Leg, ...]  # to and on the first service, or a whole road-only journey
    way: Onward  # on from there
    fare_idr: int
    days: int
    anchor_date: date
    depart_date: date
    ready_by: datetime
    arrive: datetime
    vehicle_worst_idr: int
    service_ids: tuple[str, ...]

    @property
    def depart(self) -> datetime:
        return self.head[0].depart

    @property
    def itinerary(self) -> Itinerary:
        return Itinerary((*self.head, *self.way.legs))


class JourneyDrafts:
    """The journeys ``TransportNetwork.itineraries(..., onward=ONWARD)`` gives, as drafts.

    A way on is shared by every journey that reaches its service, so what it adds (fares,
    services, places passed) is worked out once per way."""

    def __init__(self, scenario: Scenario, network: TransportNetwork) -> None:
        self.scenario = scenario
        self.network = network
        # By the way's id; the way is kept alongside, so that its id stays its own.
        self._ways: dict[int, tuple[Onward, tuple[str, ...], frozenset[str] | None]] = {}

    def between(self, from_id: str, to_id: str, earliest: datetime) -> list[Draft]:
        scenario, settings = self.scenario, self.network.settings
        start, home = scenario.location(from_id), scenario.location(to_id)
        drafts: list[Draft] = []
        for head, ways in self.network.way_parts(from_id, to_id, earliest, settings.end, None, ONWARD):
            stops = [from_id, *(leg.to_id for leg in head)]
            passed = set(stops)
            if len(passed) < len(stops):
                continue
            first = head[0]
            anchor = next((leg for leg in head if leg.is_service), first)
            anchor_date = scenario.location(anchor.from_id).local_date(anchor.depart)
            depart_date = start.local_date(first.depart)
            ready_by = first.depart - settings.connection(first.mode)
            fare = seat_fare_idr(scenario, head)
            worst = sum(
                scenario.link(link_id).vehicle_cost_idr for link_id, _ in _vehicle_keys(scenario, head)
            )
            services = tuple(leg.service_id for leg in head if leg.service_id is not None)
            for way in ways:
                way_services, way_stops = self._way(way)
                if way_stops is None or not passed.isdisjoint(way_stops):
                    continue
                drafts.append(
                    Draft(
                        head=head,
                        way=way,
                        fare_idr=fare + way.fare_idr,
                        days=costs.day_count(depart_date, home.local_date(way.arrive)),
                        anchor_date=anchor_date,
                        depart_date=depart_date,
                        ready_by=ready_by,
                        arrive=way.arrive,
                        vehicle_worst_idr=worst + way.cost_idr - way.fare_idr,
                        service_ids=services + way_services,
                    )
                )
        return drafts

    def _way(self, way: Onward) -> tuple[tuple[str, ...], frozenset[str] | None]:
        """A way's services, and the places it stops at (None when it passes one twice)."""
        found = self._ways.get(id(way))
        if found is None:
            stops = [leg.to_id for leg in way.legs]
            unique = frozenset(stops)
            services = tuple(leg.service_id for leg in way.legs if leg.service_id is not None)
            found = self._ways[id(way)] = (way, services, unique if len(unique) == len(stops) else None)
        return found[1], found[2]


def price(scenario: Scenario, network: TransportNetwork, itinerary: Itinerary) -> Journey:
    return price_itinerary(scenario, itinerary)


def price_itinerary(scenario: Scenario, itinerary: Itinerary) -> Journey:
    """An itinerary priced for one traveller: what the models and the plan count of it."""
    first = itinerary.legs[0]
    anchor = itinerary.anchor
    vehicles = _vehicle_keys(scenario, itinerary.legs)
    worst = sum(scenario.link(link_id).vehicle_cost_idr for link_id, _ in vehicles)
    return Journey(
        itinerary=itinerary,
        fare_idr=seat_fare_idr(scenario, itinerary.legs),
        days=journey_days(scenario, itinerary.legs),
        anchor_date=scenario.location(anchor.from_id).local_date(anchor.depart),
        depart_date=scenario.location(first.from_id).local_date(first.depart),
        ready_by=first.depart - scenario.settings.connection(first.mode),
        vehicles=tuple(vehicles),
        vehicle_worst_idr=worst,
    )


class Priced(Protocol):
    """What the choice among journeys looks at: a ``Journey`` or a ``Draft``."""

    @property
    def fare_idr(self) -> int: ...
    @property
    def days(self) -> int: ...
    @property
    def anchor_date(self) -> date: ...
    @property
    def depart_date(self) -> date: ...
    @property
    def ready_by(self) -> datetime: ...
    @property
    def arrive(self) -> datetime: ...
    @property
    def depart(self) -> datetime: ...
    @property
    def vehicle_worst_idr(self) -> int: ...
    @property
    def service_ids(self) -> tuple[str, ...]: ...


P = TypeVar("P", bound=Priced)


def dominates(a: Priced, b: Priced, roomy: set[str], vehicle_rides_paid_by_escort_lines: bool) -> bool:
    """Whether ``a`` dominates ``b`` in the sense of the module's proof."""
    worst = a.vehicle_worst_idr
    if worst and not vehicle_rides_paid_by_escort_lines:
        return False
    return (
        a.depart_date >= b.depart_date
        and a.ready_by >= b.ready_by
        and a.arrive <= b.arrive
        and a.anchor_date <= b.anchor_date
        and a.days <= b.days
        and a.fare_idr + worst <= b.fare_idr
        and all(s in roomy for s in a.service_ids)
    )


@dataclass(frozen=True, slots=True)
class JourneySet(Generic[P]):
    journeys: tuple[P, ...]
    enumerated: int
    capped: int  # journeys no kept journey dominates, dropped by MAX_PER_DAY


def candidate_journeys(
    scenario: Scenario,
    priced: Sequence[P],
    roomy: set[str],
    max_per_day: int = MAX_PER_DAY,
) -> JourneySet[P]:
    """The journeys worth offering among ``priced`` (all of one start and home)."""
    escort_only_lines = any(line.pays("escort") and not line.pays("fare") for line in scenario.budget_lines)
    by_day: dict[date, list[P]] = defaultdict(list)
    for journey in priced:
        by_day[journey.anchor_date].append(journey)
    chosen: list[P] = []
    capped = 0
    for day in sorted(by_day):
        # Cheapest first, so that a dominating journey is met before those it dominates.
        group = sorted(by_day[day], key=lambda j: (j.fare_idr + j.vehicle_worst_idr, j.days, j.arrive))
        kept: list[P] = []
        per_first: dict[tuple[str, ...], int] = defaultdict(int)
        for journey in group:
            if any(dominates(other, journey, roomy, not escort_only_lines) for other in kept):
                continue
            # Not all on one first service: when it fills up, the alternatives must differ.
            first = journey.service_ids[:1]
            if len(kept) >= max_per_day or per_first[first] >= max(2, max_per_day // 3):
                capped += 1
                continue
            per_first[first] += 1
            kept.append(journey)
        chosen += kept
    chosen.sort(key=lambda j: (j.depart, j.arrive, j.fare_idr))
    return JourneySet(tuple(chosen), len(priced), capped)


def roomy_services(scenario: Scenario, riders: dict[str, int]) -> set[str]:
    """Services whose seats exceed everyone who could ever board them (``riders`` counts the
    cases whose journeys may use each service; every escort may board too)."""
    escorts = len(scenario.escorts)
    return {s.service_id for s in scenario.services if s.seats >= riders.get(s.service_id, 0) + escorts}


# Ways between two places, by the pair: departures (for bisect), and the ways with their fares.
Ways = dict[tuple[str, str], tuple[list[float], list[tuple[Itinerary, int]]]]


def escort_places(scenario: Scenario) -> list[tuple[str, str]]:
    """The pairs of places an escort may travel between for a duty: from each base to where
    escorted cases start, and from where they go home back to each base."""
    bases = sorted({e.base_id for e in scenario.escorts})
    starts = sorted({c.location_id for c in scenario.cases if c.needs_escort})
    ends = sorted({c.home_id for c in scenario.cases if c.needs_escort})
    out = [(base, start) for base in bases for start in starts if base != start]
    back = [(end, base) for end in ends for base in bases if end != base]
    return out + back


class EscortTrips:
    """Each escort's ways out to a party's start and back home from its destination.

    All journeys between two places are enumerated once; each question then filters them.
    """

    def __init__(self, scenario: Scenario, network: TransportNetwork, ways: Ways | None = None) -> None:
        self.scenario = scenario
        self.network = network
        # ``ways``: what ``between`` gives for some pairs of places, found beforehand (by
        # ``planner.ahead``, in another process); the others are searched when first asked.
        self._all: Ways = dict(ways or {})
        # Parties that start or end alike share an escort's ways out or back.
        self._out: dict[tuple[str, date, str, datetime], list[Itinerary]] = {}
        self._back: dict[tuple[str, date, str, datetime], list[Itinerary]] = {}
        self._earliest = min(
            [scenario.location(e.base_id).midnight(e.available_from) for e in scenario.escorts],
            default=scenario.settings.start,
        )
        latest = max((e.available_to for e in scenario.escorts), default=scenario.settings.end_date)
        self._latest = scenario.settings.start + timedelta(
            days=(latest - scenario.settings.start.date()).days + 2
        )

    def between(self, from_id: str, to_id: str) -> tuple[list[float], list[tuple[Itinerary, int]]]:
        """All journeys between two places that no other beats, by departure (with the
        departures, for bisect), with their fares."""
        key = (from_id, to_id)
        if key not in self._all:
            self._all[key] = self._pareto_ways(from_id, to_id)
        return self._all[key]

    def _pareto_ways(self, from_id: str, to_id: str) -> tuple[list[float], list[tuple[Itinerary, int]]]:
        # A way that leaves no later, arrives no earlier and costs no less is never taken.
        # Ways are compared on numbers and only the ones kept are built: most are beaten.
        heads: list[tuple[Leg, ...]] = []
        candidates: list[tuple[float, float, int, int, int, Onward]] = []
        found = self.network.way_parts(from_id, to_id, self._earliest, self._latest, None, ONWARD)
        for head, ways in found:
            depart = -head[0].depart.timestamp()
            fare = seat_fare_idr(self.scenario, head)
            for way in ways:
                candidates.append((depart, way.at, fare + way.fare_idr, len(candidates), len(heads), way))
            heads.append(head)
        candidates.sort()  # the order found breaks ties, and the ways are never compared
        kept: list[tuple[Itinerary, int]] = []
        # The later-leaving ways seen so far that nothing beats: arrivals ascending, fares
        # descending; the last one arriving no later than a way is its cheapest rival.
        front_arrive: list[float] = []
        front_fare: list[int] = []
        for _, arrive, fare, _, index, way in candidates:
            rival = bisect_right(front_arrive, arrive) - 1
            if rival >= 0 and front_fare[rival] <= fare:
                continue
            legs = (*heads[index], *way.legs)
            if not passes_once(from_id, legs):
                continue
            kept.append((Itinerary(legs), fare))
            # Drop the ways this one now beats: those arriving no earlier, costing no less.
            end = rival + 1
            while end < len(front_arrive) and front_fare[end] >= fare:
                end += 1
            front_arrive[rival + 1 : end] = [arrive]
            front_fare[rival + 1 : end] = [fare]
        ordered = sorted(kept, key=lambda item: item[0].depart)
        return [it.depart.timestamp() for it, _ in ordered], ordered

    def _departing(
        self, from_id: str, to_id: str, first: datetime, last: datetime
    ) -> list[tuple[Itinerary, int]]:
        departures, ordered = self.between(from_id, to_id)
        low = bisect_left(departures, first.timestamp())
        high = bisect_right(departures, last.timestamp())
        return ordered[low:high]

    def outbound(self, escort: Escort, to_id: str, ready_by: datetime) -> list[Itinerary]:
        """Ways from the base arriving by ``ready_by``: the latest-leaving and the cheapest."""
        key = (escort.base_id, escort.available_from, to_id, ready_by)
        if key not in self._out:
            self._out[key] = self._outbound(escort, to_id, ready_by)
        return self._out[key]

    def _outbound(self, escort: Escort, to_id: str, ready_by: datetime) -> list[Itinerary]:
        base = self.scenario.location(escort.base_id)
        earliest = max(base.midnight(escort.available_from), ready_by - ESCORT_SEARCH)
        found = [
            (it, fare)
            for it, fare in self._departing(escort.base_id, to_id, earliest, ready_by)
            if it.arrive <= ready_by
        ]
        return _two(found, lambda item: (-item[0].depart.timestamp(), item[1]))

    def back(self, escort: Escort, from_id: str, arrived: datetime) -> list[Itinerary]:
        """Ways back to the base after ``arrived``: the earliest home and the cheapest."""
        key = (escort.base_id, escort.available_to, from_id, arrived)
        if key not in self._back:
            self._back[key] = self._way_back(escort, from_id, arrived)
        return self._back[key]

    def _way_back(self, escort: Escort, from_id: str, arrived: datetime) -> list[Itinerary]:
        base = self.scenario.location(escort.base_id)
        latest_end = base.midnight(escort.available_to + timedelta(days=1))
        settings = self.network.settings
        found = [
            (it, fare)
            for it, fare in self._departing(from_id, escort.base_id, arrived, arrived + ESCORT_SEARCH)
            if it.depart >= arrived + settings.connection(it.legs[0].mode) and it.arrive < latest_end
        ]
        return _two(found, lambda item: (item[0].arrive, item[1]))

    def options(self, escort: Escort, journey: Journey) -> list[EscortOption]:
        """Every way (out, back) this escort can serve a party on ``journey``."""
        legs = journey.itinerary.legs
        start_id, end_id = legs[0].from_id, legs[-1].to_id
        outs: Sequence[Itinerary | None] = (
            [None] if escort.base_id == start_id else self.outbound(escort, start_id, journey.ready_by)
        )
        backs: Sequence[Itinerary | None] = (
            [None] if escort.base_id == end_id else self.back(escort, end_id, journey.arrive)
        )
        if not outs or not backs:
            return []
        # The soonest ways out and back, and the cheapest ones.
        pairs = dict.fromkeys([(outs[0], backs[0]), (outs[-1], backs[-1])])
        return [o for out, back in pairs if (o := self.option(escort, journey, out, back)) is not None]

    def party_options(
        self, journey: Journey, needs: Sequence[str], keep: int = ESCORTS_KEPT
    ) -> list[EscortOption]:
        """The options of ``nearest_escorts`` for a party on ``journey``, its cases needing
        ``needs``.  Escorts are tried nearest first (out to the start and back from the end,
        as the crow flies) and only until twice ``keep`` of them, and of those able to meet
        each need, can serve: the ways of far-away escorts are never searched."""
        legs = journey.itinerary.legs
        start = self.scenario.location(legs[0].from_id)
        end = self.scenario.location(legs[-1].to_id)

        def away(escort: Escort) -> tuple[float, str]:
            base = self.scenario.location(escort.base_id)
            return (_apart(base, start) + _apart(end, base), escort.escort_id)

        wanted = 2 * keep
        found: list[EscortOption] = []
        served = 0
        able = dict.fromkeys(needs, 0)
        for escort in sorted(self.scenario.escorts, key=away):
            if served >= wanted and all(count >= wanted for count in able.values()):
                break
            meets = [need for need in able if _meets(escort, need)]
            if served >= wanted and all(able[need] >= wanted for need in meets):
                continue  # enough escorts, and enough for every need this one meets
            options = self.options(escort, journey)
            if not options:
                continue
            found += options
            served += 1
            for need in meets:
                able[need] += 1
        # In the scenario's order of escorts, whatever the order they were tried in.
        order = {e.escort_id: i for i, e in enumerate(self.scenario.escorts)}
        found.sort(key=lambda option: order[option.escort_id])
        return nearest_escorts(self.scenario, found, needs, keep)

    def option(
        self, escort: Escort, journey: Journey, out: Itinerary | None, back: Itinerary | None
    ) -> EscortOption | None:
        return escort_option(self.scenario, escort, journey, out, back)


def escort_option(
    scenario: Scenario, escort: Escort, journey: Journey, out: Itinerary | None, back: Itinerary | None
) -> EscortOption | None:
    """The escort's duty with a party on ``journey``, out and back as given; None outside
    the escort's availability."""
    base = scenario.location(escort.base_id)
    meal = scenario.settings.costs.meal_idr_per_travel_day
    start = out.depart if out else journey.depart
    end = back.arrive if back else journey.arrive
    first_day, last_day = base.local_date(start), base.local_date(end)
    if first_day < escort.available_from or last_day > escort.available_to:
        return None
    days = (last_day - first_day).days + 1
    own = [*(out.legs if out else ()), *(back.legs if back else ())]
    fare = seat_fare_idr(scenario, own) + journey.fare_idr
    return EscortOption(
        escort_id=escort.escort_id,
        outbound=out,
        back=back,
        start=start,
        end=end,
        days=days,
        cost_idr=fare + days * (meal + escort.daily_allowance_idr),
        service_ids=tuple(leg.service_id for leg in own if leg.service_id is not None),
        vehicles=tuple(_vehicle_keys(scenario, own)),
    )


def nearest_escorts(
    scenario: Scenario, options: list[EscortOption], needs: Iterable[str], keep: int = ESCORTS_KEPT
) -> list[EscortOption]:
    """The options of the ``keep`` escorts that serve this party cheapest (a vehicle of their
    own counted whole), and of the ``keep`` cheapest able to meet each of ``needs``.

    A heuristic, like the cap on journeys: an escort from far away costs more than one near,
    and each need keeps alternatives for when the nearest is busy.  Without it, the options
    grow with escorts times parties, more than the plan of a whole province can afford.
    """
    cheapest: dict[str, int] = {}
    for option in options:
        own = option.cost_idr + sum(scenario.link(link_id).vehicle_cost_idr for link_id, _ in option.vehicles)
        cheapest[option.escort_id] = min(own, cheapest.get(option.escort_id, own))
    ranked = [scenario.escort(e) for e in sorted(cheapest, key=lambda e: (cheapest[e], e))]
    kept = {e.escort_id for e in ranked[:keep]}
    for need in needs:
        able = [e for e in ranked if _meets(e, need)]
        kept.update(e.escort_id for e in able[:keep])
    return [option for option in options if option.escort_id in kept]


def _apart(a: Location, b: Location) -> float:
    """How far apart two places are, in degrees on a flat map: enough to rank them."""
    across = (a.lon - b.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    return math.hypot(a.lat - b.lat, across)


def _meets(escort: Escort, need: str) -> bool:
    return escort.sex == "F" if need == "female_escort" else need in escort.skills


def _two(
    found: list[tuple[Itinerary, int]],
    soonest: Callable[[tuple[Itinerary, int]], tuple[float | datetime, int]],
) -> list[Itinerary]:
    """The soonest way and, when it differs, the cheapest: an escort's choices out or back."""
    if not found:
        return []
    first = min(found, key=soonest)
    cheapest = min(found, key=lambda item: (item[1], soonest(item)))
    return [first[0]] if cheapest is first else [first[0], cheapest[0]]


def _vehicle_keys(scenario: Scenario, legs: Iterable[Leg]) -> list[VehicleKey]:
    keys: list[VehicleKey] = []
    for leg in legs:
        if leg.service_id is None:
            link = scenario.find_link(leg.from_id, leg.to_id, leg.mode)
            assert link is not None
            if link.vehicle_cost_idr:
                keys.append((link.link_id, leg.depart))
    return keys
