"""The transport network: which journeys exist between two places in the planning window.

Two graphs:

* the *static* graph (networkx) has one node per location and an edge per service or link;
  it answers "is there any route at all", whatever the dates;
* the *time-expanded* graph has a node per service departure and per service arrival; a
  ride joins the two, and a connection joins an arrival to every later departure that can be
  caught from it, directly or over road links, honouring the minimum connection time of the
  next leg's mode.  Itineraries are paths in it.  Its connections are made per arrival when
  first asked for (``_caught_after``): the column generation (``planner.solver``) walks a
  network of its own and needs only the road paths from here.

Road links are unscheduled.  Before a scheduled service they are timed to arrive just in time
(so that nobody sits at a port longer than needed and travellers bound for the same departure
share vehicles); after the last service they leave as soon as the connection allows.  A
journey made of road links alone leaves at ``ROAD_DAY_START`` local time.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

import networkx as nx

from planner.plan import Leg
from planner.scenario import Link, Scenario, Service

ROAD_DAY_START = time(7, 0)
MAX_ROAD_LINKS = 3
# Nobody is left at a port or airport between two services for longer than this: a longer
# layover is never better than waiting at the shelter for a later first departure.
MAX_LAYOVER = timedelta(hours=48)
# Ways on after each first service, when only the best are asked for (``onward_ways``).
ONWARD = 4


@dataclass(frozen=True, slots=True)
class Itinerary:
    """A chain of legs from a start place to a destination."""

    legs: tuple[Leg, ...]

    @property
    def depart(self) -> datetime:
        return self.legs[0].depart

    @property
    def arrive(self) -> datetime:
        return self.legs[-1].arrive

    @property
    def anchor(self) -> Leg:
        """The first scheduled departure, or the first leg of a road-only journey."""
        for leg in self.legs:
            if leg.is_service:
                return leg
        return self.legs[0]

    @property
    def service_ids(self) -> tuple[str, ...]:
        return tuple(leg.service_id for leg in self.legs if leg.service_id is not None)

    @property
    def keys(self) -> tuple[tuple[str | None, str, str, str, datetime], ...]:
        """Its legs' identities (``Leg.key``): two bookings of the same rides have equal keys."""
        return tuple(leg.key for leg in self.legs)


@dataclass(frozen=True, slots=True)
class Onward:
    """A way on to a destination after a service: its legs, cost per rider and arrival."""

    legs: tuple[Leg, ...]
    cost_idr: int
    fare_idr: int  # seat and per-person road fares: ``cost_idr`` without the vehicles
    arrive: datetime
    at: float  # ``arrive`` as POSIX seconds: ways are compared by the million


class Reachability(Enum):
    """Why there is or is not a journey: the planner's reasons build on this."""

    OK = "ok"
    NO_ROUTE = "no_route"  # no chain of services and links at all, whatever the dates
    NONE_IN_WINDOW = "none_in_window"  # routes exist, but no dated chain fits the window


@dataclass(frozen=True, slots=True)
class RoadPath:
    links: tuple[Link, ...]

    @property
    def cost_per_rider(self) -> int:
        """Fares, and a whole vehicle where the link hires one: the most one rider can cost."""
        return sum(link.fare_idr + link.vehicle_cost_idr for link in self.links)

    @property
    def fare_per_rider(self) -> int:
        return sum(link.fare_idr for link in self.links)

    @property
    def duration(self) -> timedelta:
        return sum((link.duration for link in self.links), timedelta())


class TransportNetwork:
    def __init__(
        self, scenario: Scenario, max_services: int = 3, max_layover: timedelta = MAX_LAYOVER
    ) -> None:
        self.scenario = scenario
        self.settings = scenario.settings
        self.max_services = max_services
        self.max_layover = max_layover
        self.static: nx.MultiDiGraph = nx.MultiDiGraph()
        self.road: nx.MultiDiGraph = nx.MultiDiGraph()
        self._road_paths: dict[tuple[str, str], tuple[RoadPath, ...]] = {}
        self._road_from: dict[str, dict[str, list[tuple[Link, ...]]]] = {}
        self._services_to: dict[str, dict[str, int]] = {}
        self._onward: dict[tuple[str, str, int, int], tuple[Onward, ...]] = {}
        self._near: dict[str, tuple[list[float], list[Service]]] = {}
        self._legs_before: dict[tuple[int, str], tuple[Leg, ...]] = {}
        # One leg per service, made once: journeys share them.
        self._legs = {s.service_id: _service_leg(s) for s in scenario.services}
        self._by_departure = sorted(scenario.services, key=lambda s: (s.depart, s.service_id))
        self._build()
        self._caught: dict[str, dict[str, tuple[list[tuple[Leg, ...]], list[int], list[int]]]] = {}
        self._next: dict[str, list[tuple[Service, Leg, tuple[Leg, ...], int, int]]] = {}
        self._tails: dict[tuple[int, str], tuple[Leg, ...]] = {}
        self._after: dict[str, list[tuple[Service, Leg, tuple[tuple[Leg, ...], ...]]]] = {}

    # -- construction -------------------------------------------------------------------

    def _build(self) -> None:
        scenario = self.scenario
        self.static.add_nodes_from(scenario.locations)
        self.road.add_nodes_from(scenario.locations)
        for link in scenario.links:
            self.static.add_edge(link.from_id, link.to_id, key=link.link_id, services=0)
            self.road.add_edge(link.from_id, link.to_id, key=link.link_id, link=link)
        for service in scenario.services:
            self.static.add_edge(service.from_id, service.to_id, key=service.service_id, services=1)
        by_origin: dict[str, list[Service]] = {}
        for service in scenario.services:
            by_origin.setdefault(service.from_id, []).append(service)
        for departures in by_origin.values():
            departures.sort(key=lambda s: s.depart)
        self._departures = by_origin
        self._departure_times = {
            origin: [s.depart.timestamp() for s in departures] for origin, departures in by_origin.items()
        }
        self._connection: dict[str, timedelta] = {
            mode: self.settings.connection(mode) for mode in {s.mode for s in scenario.services}
        }
        self._connection.update({link.mode: self.settings.connection(link.mode) for link in scenario.links})

    def _caught_after(self, service_id: str) -> dict[str, tuple[list[tuple[Leg, ...]], list[int], list[int]]]:
        """The departures that can be caught after ``service_id`` arrives, each with every road
        way to it (timed just in time) and what a rider pays for it, whole vehicles counted and
        not: made when first asked for, since the column generation asks for none of them."""
        found = self._caught.get(service_id)
        if found is not None:
            return found
        found = self._caught[service_id] = {}
        arriving = self.scenario.service(service_id)
        connection = self._connection
        for target, departures in self._departures.items():
            times = self._departure_times[target]
            for path in self.road_paths(arriving.to_id, target):
                duration = path.duration
                cost, fare = path.cost_per_rider, path.fare_per_rider
                # The connection before the road, or before the next service without one.
                first = connection[path.links[0].mode] if path.links else None
                latest = arriving.arrive + self.max_layover + duration
                # No departure before the arrival plus the road can be caught.
                start = bisect_left(times, (arriving.arrive + duration).timestamp())
                for leaving in departures[start:]:
                    if leaving.depart > latest:
                        break
                    if leaving.service_id == arriving.service_id:
                        continue
                    ready = arriving.arrive + (first if first is not None else connection[leaving.mode])
                    legs = self._road_legs_before(path, leaving)
                    if (legs[0].depart if legs else leaving.depart) < ready:
                        continue
                    ways = found.get(leaving.service_id)
                    if ways is None:
                        ways = found[leaving.service_id] = ([], [], [])
                    ways[0].append(legs)
                    # What a rider pays for these legs, whole vehicles counted, and without.
                    ways[1].append(cost)
                    ways[2].append(fare)
        return found

    def _next_of(self, service_id: str) -> list[tuple[Service, Leg, tuple[Leg, ...], int, int]]:
        """The connections after a service as plain lists: the search for ways on walks them
        for every destination.  Of the road ways to a next service only the cheapest (then the
        shortest) is kept: the ways on through that service arrive alike whatever the road, so
        a dearer road never wins."""
        found = self._next.get(service_id)
        if found is None:
            found = self._next[service_id] = [
                (
                    self.scenario.service(next_id),
                    self._legs[next_id],
                    *_cheapest_lead(tuple(roads), tuple(costs), tuple(fares)),
                )
                for next_id, (roads, costs, fares) in self._caught_after(service_id).items()
            ]
        return found

    def road_paths(self, from_id: str, to_id: str) -> tuple[RoadPath, ...]:
        """Road-only ways from one place to another (the empty way when they coincide).

        Only paths not beaten on all of duration, fare per person and vehicle cost by
        another path are kept.
        """
        key = (from_id, to_id)
        if key in self._road_paths:
            return self._road_paths[key]
        if from_id == to_id:
            found: tuple[RoadPath, ...] = (RoadPath(()),)
        elif from_id not in self.road or to_id not in self.road:
            found = ()
        else:
            candidates = [RoadPath(links) for links in self._simple_road_paths(from_id).get(to_id, ())]
            found = tuple(_pareto_roads(candidates))
        self._road_paths[key] = found
        return found

    def _simple_road_paths(self, from_id: str) -> dict[str, list[tuple[Link, ...]]]:
        """Every road path of at most ``MAX_ROAD_LINKS`` links from ``from_id`` that passes no
        place twice, by destination, depth first with links in the road graph's order (that
        of ``networkx.all_simple_edge_paths``).  One walk per start serves every destination:
        a walk per pair of places cost seconds on a province's network."""
        found = self._road_from.get(from_id)
        if found is not None:
            return found
        found = defaultdict(list)

        def walk(place: str, links: tuple[Link, ...], passed: set[str]) -> None:
            for _, to_id, link in self.road.out_edges(place, data="link"):
                if to_id in passed:
                    continue
                path = (*links, link)
                found[to_id].append(path)
                if len(path) < MAX_ROAD_LINKS:
                    walk(to_id, path, passed | {to_id})

        walk(from_id, (), {from_id})
        self._road_from[from_id] = found
        return found

    def _road_legs_before(self, path: RoadPath, service: Service) -> tuple[Leg, ...]:
        """Time a road path to arrive just in time for ``service``."""
        # Paths live in ``_road_paths`` for the network's life, so their ids stay theirs.
        key = (id(path), service.service_id)
        found = self._legs_before.get(key)
        if found is None:
            found = self._legs_before[key] = self._time_road_before(path, service)
        return found

    def _time_road_before(self, path: RoadPath, service: Service) -> tuple[Leg, ...]:
        legs: list[Leg] = []
        arrive_by = service.depart - self.settings.connection(service.mode)
        for link in reversed(path.links):
            depart = arrive_by - link.duration
            legs.append(_link_leg(link, depart))
            arrive_by = depart - self.settings.connection(link.mode)
        legs.reverse()
        return tuple(legs)

    def _road_legs_after(self, path: RoadPath, arrived: datetime, first: bool) -> tuple[Leg, ...]:
        """Time a road path to leave as soon as possible after ``arrived``."""
        legs: list[Leg] = []
        moment = arrived
        for index, link in enumerate(path.links):
            if not (first and index == 0):
                moment = moment + self.settings.connection(link.mode)
            legs.append(_link_leg(link, moment))
            moment = moment + link.duration
        return tuple(legs)

    def services_to(self, to_id: str) -> dict[str, int]:
        """For each place that can reach ``to_id``: the fewest scheduled services on the way.

        The search for journeys uses it to leave early every branch that could no longer
        arrive within ``max_services``; it changes which journeys are found, not which exist.
        """
        if to_id not in self._services_to:
            self._services_to[to_id] = (
                nx.single_source_dijkstra_path_length(
                    self.static.reverse(copy=False), to_id, weight="services"
                )
                if to_id in self.static
                else {}
            )
        return self._services_to[to_id]

    # -- questions ------------------------------------------------------------------------

    def route_exists(self, from_id: str, to_id: str) -> bool:
        if from_id not in self.static or to_id not in self.static:
            return False
        return bool(nx.has_path(self.static, from_id, to_id))

    def reachability(
        self, from_id: str, to_id: str, earliest: datetime, latest_anchor: datetime | None = None
    ) -> Reachability:
        if not self.route_exists(from_id, to_id):
            return Reachability.NO_ROUTE
        for _ in self.itineraries(from_id, to_id, earliest, latest_anchor):
            return Reachability.OK
        return Reachability.NONE_IN_WINDOW

    def itineraries(
        self,
        from_id: str,
        to_id: str,
        earliest: datetime,
        latest_anchor: datetime | None = None,
        road_days: int | None = None,
        onward: int | None = None,
    ) -> Iterator[Itinerary]:
        """Journeys leaving no earlier than ``earliest``, anchored before ``latest_anchor``.

        The anchor is the first scheduled departure (the contract's rule 2); it defaults to
        the window's end.  Journeys by road alone are offered once a day for ``road_days``
        days (default: every day of the window left).  Journeys never pass a place twice.

        With ``onward``, only the ``onward`` best ways on after each first service are given
        (see ``onward_ways``) instead of every one: the number of journeys then grows with the
        timetable, not with the number of ways to combine it.
        """
        latest = latest_anchor if latest_anchor is not None else self.settings.end
        if from_id == to_id:
            return
        if onward is not None:
            for head, ways in self.way_parts(from_id, to_id, earliest, latest, road_days, onward):
                for way in ways:
                    legs = (*head, *way.legs)
                    if passes_once(from_id, legs):
                        yield Itinerary(legs)
            return
        yield from self._road_only(from_id, to_id, earliest, latest, road_days)
        for first, lead in self._starts(from_id, to_id, earliest, latest):
            visited = {from_id, *(leg.to_id for leg in lead)}
            if first.to_id in visited:
                continue
            yield from self._extend(lead + (self._legs[first.service_id],), visited | {first.to_id}, to_id)

    def way_parts(
        self,
        from_id: str,
        to_id: str,
        earliest: datetime,
        latest: datetime,
        road_days: int | None,
        onward: int,
    ) -> Iterator[tuple[tuple[Leg, ...], tuple[Onward, ...]]]:
        """The journeys of ``itineraries(..., onward=...)`` in parts: the legs to and on each
        first service, and the best ways on from it (a road-only journey is all head, with one
        empty way on).  A caller that compares journeys can do so before building them; a
        journey built from parts must still pass each place once (``passes_once``)."""
        for it in self._road_only(from_id, to_id, earliest, latest, road_days):
            yield it.legs, (Onward((), 0, 0, it.arrive, it.arrive.timestamp()),)
        for first, lead in self._starts(from_id, to_id, earliest, latest):
            ways = self.onward_ways(first.service_id, to_id, self.max_services - 1, onward)
            yield (*lead, self._legs[first.service_id]), ways

    def _starts(
        self, from_id: str, to_id: str, earliest: datetime, latest: datetime
    ) -> Iterator[tuple[Service, tuple[Leg, ...]]]:
        """Each first service that leaves in time and can still reach ``to_id``, with the road
        legs that bring a traveller to it just in time."""
        needed = self.services_to(to_id)
        for first in self._first_services(from_id, earliest):
            if first.depart >= latest:
                break
            if needed.get(first.to_id, self.max_services) > self.max_services - 1:
                continue
            for path in self.road_paths(from_id, first.from_id):
                lead = self._road_legs_before(path, first)
                if not (lead and lead[0].depart < earliest):
                    yield first, lead

    def _first_services(self, from_id: str, earliest: datetime) -> list[Service]:
        """Services leaving no earlier than ``earliest`` from places reachable by road from
        ``from_id`` (itself included), by departure."""
        if from_id not in self._near:
            near = [s for s in self._by_departure if self.road_paths(from_id, s.from_id)]
            self._near[from_id] = ([s.depart.timestamp() for s in near], near)
        departures, services = self._near[from_id]
        return services[bisect_left(departures, earliest.timestamp()) :]

    def onward_ways(self, service_id: str, to_id: str, services_left: int, keep: int) -> tuple[Onward, ...]:
        """The best ways to ``to_id`` after riding ``service_id``, using at most
        ``services_left`` more services: those no other way beats on both cost per rider (a
        whole vehicle counted for each road leg with one) and arrival, and of those the
        ``keep`` cheapest, the earliest arrival always among them.

        Computed backwards from the destination and remembered, so each service is looked at
        once per destination, however many journeys pass through it.
        """
        key = (service_id, to_id, services_left, keep)
        found = self._onward.get(key)
        if found is not None:
            return found
        service = self.scenario.service(service_id)
        # Candidates are (cost, arrival, legs, order, fare, road, service, way on): compared on
        # the numbers before any of them is built; ``order`` keeps the comparison off the rest.
        candidates: list[_Way] = []
        for path in self.road_paths(service.to_id, to_id):
            tail = self._tail(path, service)
            arrive = tail[-1].arrive if tail else service.arrive
            candidates.append(
                (
                    path.cost_per_rider,
                    arrive.timestamp(),
                    len(tail),
                    len(candidates),
                    path.fare_per_rider,
                    tail,
                    None,
                    None,
                )
            )
        if services_left > 0:
            needed = self.services_to(to_id)
            for following, leg, lead, road_cost, road_fare in self._next_of(service_id):
                if needed.get(following.to_id, services_left) > services_left - 1:
                    continue
                rest = self.onward_ways(following.service_id, to_id, services_left - 1, keep)
                cost = road_cost + following.fare_idr
                fare = road_fare + following.fare_idr
                size = len(lead) + 1
                for way in rest:
                    candidates.append(
                        (
                            cost + way.cost_idr,
                            way.at,
                            size + len(way.legs),
                            len(candidates),
                            fare + way.fare_idr,
                            lead,
                            leg,
                            way,
                        )
                    )
        found = tuple(
            Onward((*lead, leg, *way.legs), cost, fare, way.arrive, at)
            if leg is not None and way is not None
            else Onward(lead, cost, fare, lead[-1].arrive if lead else service.arrive, at)
            for cost, at, _, _, fare, lead, leg, way in _best_ways(candidates, keep)
        )
        self._onward[key] = found
        return found

    def _tail(self, path: RoadPath, service: Service) -> tuple[Leg, ...]:
        """A road path timed to leave as soon as possible after ``service`` arrives."""
        key = (id(path), service.service_id)
        found = self._tails.get(key)
        if found is None:
            found = self._tails[key] = self._road_legs_after(path, service.arrive, first=False)
        return found

    def _extend(self, legs: tuple[Leg, ...], visited: set[str], to_id: str) -> Iterator[Itinerary]:
        last = legs[-1]
        assert last.service_id is not None
        service = self.scenario.service(last.service_id)
        for path in self.road_paths(last.to_id, to_id):
            if any(link.to_id in visited and link.to_id != to_id for link in path.links[:-1]):
                continue
            yield Itinerary(legs + self._tail(path, service))
        left = self.max_services - sum(1 for leg in legs if leg.is_service)
        if left <= 0:
            return
        needed = self.services_to(to_id)
        for following, next_leg, roads in self._connections(last.service_id):
            if following.to_id in visited or needed.get(following.to_id, left) > left - 1:
                continue
            for lead in roads:
                stops = {leg.to_id for leg in lead}
                if stops & visited - {last.to_id}:
                    continue
                yield from self._extend(legs + lead + (next_leg,), visited | stops | {following.to_id}, to_id)

    def _connections(self, service_id: str) -> list[tuple[Service, Leg, tuple[tuple[Leg, ...], ...]]]:
        """The services that can be caught after ``service_id``, each with its leg and every
        road way to it, in the time-expanded graph's order: a graph view per step of the
        search for journeys costs more than the list."""
        found = self._after.get(service_id)
        if found is None:
            found = self._after[service_id] = [
                (self.scenario.service(next_id), self._legs[next_id], tuple(ways[0]))
                for next_id, ways in self._caught_after(service_id).items()
            ]
        return found

    def _road_only(
        self,
        from_id: str,
        to_id: str,
        earliest: datetime,
        latest: datetime,
        road_days: int | None,
    ) -> Iterator[Itinerary]:
        paths = [p for p in self.road_paths(from_id, to_id) if p.links]
        if not paths:
            return
        tz = self.scenario.location(from_id).tz
        day: date = earliest.astimezone(tz).date()
        offered = 0
        while road_days is None or offered < road_days:
            moment = datetime.combine(day, ROAD_DAY_START, tzinfo=tz)
            if moment >= latest:
                return
            if moment >= earliest:
                for path in paths:
                    yield Itinerary(self._road_legs_after(path, moment, first=True))
                offered += 1
            day += timedelta(days=1)


def _best_ways(found: list[_Way], keep: int) -> list[_Way]:
    """Ways (cost, arrival, legs, order, ...) no other beats on cost and arrival; the ``keep``
    cheapest, with the earliest."""
    front: list[_Way] = []
    # ``order`` is unique, so the sort never compares the legs.
    for way in sorted(found):
        if not front or way[1] < front[-1][1]:
            front.append(way)
    if len(front) > keep:
        front = [*front[: keep - 1], front[-1]]
    return front


_Way = tuple[int, float, int, int, int, tuple[Leg, ...], Leg | None, "Onward | None"]


def _cheapest_lead(
    roads: tuple[tuple[Leg, ...], ...], costs: tuple[int, ...], fares: tuple[int, ...]
) -> tuple[tuple[Leg, ...], int, int]:
    """The cheapest road way to a next service (cost and fare per rider), the one with fewer
    legs among equals."""
    return min(zip(roads, costs, fares, strict=True), key=lambda item: (item[1], len(item[0])))


def passes_once(from_id: str, legs: tuple[Leg, ...]) -> bool:
    stops = [from_id, *(leg.to_id for leg in legs)]
    return len(stops) == len(set(stops))


def _service_leg(service: Service) -> Leg:
    return Leg(
        service_id=service.service_id,
        mode=service.mode,
        from_id=service.from_id,
        to_id=service.to_id,
        depart=service.depart,
        arrive=service.arrive,
    )


def _link_leg(link: Link, depart: datetime) -> Leg:
    return Leg(
        service_id=None,
        mode=link.mode,
        from_id=link.from_id,
        to_id=link.to_id,
        depart=depart,
        arrive=depart + link.duration,
    )


def _pareto_roads(candidates: list[RoadPath]) -> list[RoadPath]:
    def score(path: RoadPath) -> tuple[timedelta, int, int]:
        return (
            path.duration,
            sum(link.fare_idr for link in path.links),
            sum(link.vehicle_cost_idr for link in path.links),
        )

    scored = sorted(((score(p), p) for p in candidates), key=lambda item: item[0])
    kept: list[tuple[tuple[timedelta, int, int], RoadPath]] = []
    for value, path in scored:
        if any(_no_worse(other, value) for other, _ in kept):
            continue
        kept.append((value, path))
    return [path for _, path in kept]


def _no_worse(a: tuple[timedelta, int, int], b: tuple[timedelta, int, int]) -> bool:
    return a[0] <= b[0] and a[1] <= b[1] and a[2] <= b[2]
