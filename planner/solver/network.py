"""The week's time-expanded network, as arrays: what pricing searches for the cheapest ways.

Nodes, by kind (every arc goes forward in time, so the network is acyclic; ``Sweep`` searches
it by the depth of each arc's head):

* ``D[s]`` and ``A[s]``: each service's departure and arrival, joined by its ride arc;
* per place, a chain of *wait* nodes, one per departure from it, in the order of the moment a
  traveller must be there to catch it (the departure less the connection minimum of its
  mode); each wait node boards its departure or waits for the next;
* a *road* node for each road way (a chain of at most three links, as the transport network
  keeps them) taken after an arrival;
* a *sink* per place: where a journey ends.

An arrival joins the first wait node at its place that it can still catch, and so every later
departure from there, however long the wait: there is no cap on services or layovers.

The modelling rules, which say exactly what "every itinerary" means here (docs/solver.md):

1. Road legs that lead from the start place to the first service are timed to reach it just
   in time (the latest that catches it), as the transport network times them.
2. Road legs after a service leave as soon as the connection minimum allows.
3. A journey by road alone leaves at 07:00 local time on some day of the window; an escort's
   way out by road alone arrives just in time for the party, and its way back by road leaves
   as soon as the party has arrived.
4. Road ways are the transport network's: at most three links, none beaten on duration, fare
   and vehicle cost by another.

A plan whose road legs keep these rules is a path here; the bound covers every such plan.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from planner.network import ROAD_DAY_START, RoadPath, TransportNetwork
from planner.plan import Leg
from planner.scenario import Link, Scenario, Service

VehicleKey = tuple[str, datetime]
# Day numbers count from two days before the window's start date, so that every local date
# of the week (an arrival further west may fall on the day before) has a number >= 0.
_DAY_ZERO_BEFORE = 2


@dataclass(frozen=True, slots=True)
class Head:
    """A way onto a first service from a start place: road legs just in time, or none."""

    place: str
    service: int
    legs: tuple[Leg, ...]
    fare_idr: int
    vehicles: tuple[int, ...]
    depart: float  # POSIX seconds of the first leg
    depart_day: int  # day number of the first leg at the start place
    anchor_day: int  # day number of the service's departure at its place


@dataclass(frozen=True, slots=True)
class RoadWay:
    """Road legs timed by the rules above, with what one rider pays and the vehicles used."""

    legs: tuple[Leg, ...]
    fare_idr: int
    vehicles: tuple[int, ...]

    @property
    def depart(self) -> datetime:
        return self.legs[0].depart

    @property
    def arrive(self) -> datetime:
        return self.legs[-1].arrive


_Shape = tuple[int, timedelta, timedelta, tuple[tuple[str, timedelta], ...]]


class _RoadWays:
    """The road ways after arrivals, each made when first asked for: most never are, and
    making every way's legs was most of the network's making (docs/solver.md)."""

    def __init__(self, net: TimeExpanded) -> None:
        self.net = net
        self.arrived: list[tuple[RoadPath, datetime]] = []  # each way's path and arrival

    def __len__(self) -> int:
        return len(self.arrived)

    def __getitem__(self, index: int) -> RoadWay:
        path, arrived = self.arrived[index]
        return self.net.road_after(path, arrived)


class TimeExpanded:
    """The week's network of dated services and timed road ways, as arc arrays.

    ``arc_fare`` is what one rider pays on an arc, ``arc_service`` the service whose seat it
    takes (or -1), and the vehicle keys it rides are ``arc_vehicles[arc_vehicle_ptr[a]:...]``.
    A sink arc (into ``sink[place]``) carries the day number of its arrival in ``arc_day``
    (-1 elsewhere): the meals of a journey are counted from there.
    """

    def __init__(self, scenario: Scenario, transport: TransportNetwork) -> None:
        self.scenario = scenario
        self.transport = transport
        settings = scenario.settings
        self.day_zero: date = settings.start.date() - timedelta(days=_DAY_ZERO_BEFORE)
        self.services: tuple[Service, ...] = scenario.services
        self.service_index = {s.service_id: i for i, s in enumerate(self.services)}
        self.places: tuple[str, ...] = tuple(scenario.locations)
        self.place_index = {p: i for i, p in enumerate(self.places)}
        self.vehicle_keys: list[VehicleKey] = []
        self._vehicle_index: dict[VehicleKey, int] = {}
        self._roads_at: dict[tuple[int, datetime], tuple[RoadPath, RoadWay]] = {}
        self._offsets: dict[int, tuple[RoadPath, tuple[tuple[str, float], ...]]] = {}
        self.road_ways = _RoadWays(self)  # the road node r's way is road_ways[r - first road]
        self.road_place: list[str] = []  # where each road way arrives
        self._shapes: dict[int, tuple[RoadPath, _Shape]] = {}
        count = len(self.services)
        self._kinds: list[str] = ["D"] * count + ["A"] * count
        self._times: list[float] = [s.depart.timestamp() for s in self.services]
        self._times += [s.arrive.timestamp() for s in self.services]
        tails: list[int] = []
        heads: list[int] = []
        fares: list[int] = []
        arc_services: list[int] = []
        arc_vehicles: list[tuple[int, ...]] = []
        arc_days: list[int] = []

        def arc(
            tail: int,
            head: int,
            fare: int = 0,
            service: int = -1,
            vehicles: tuple[int, ...] = (),
            day: int = -1,
        ) -> None:
            tails.append(tail)
            heads.append(head)
            fares.append(fare)
            arc_services.append(service)
            arc_vehicles.append(vehicles)
            arc_days.append(day)

        for s, service in enumerate(self.services):
            arc(s, count + s, service.fare_idr, s)
        # Wait chains: per place, its departures by the moment one must be there.
        by_place: dict[str, list[int]] = defaultdict(list)
        for s, service in enumerate(self.services):
            by_place[service.from_id].append(s)
        self._wait_of: dict[int, tuple[str, int]] = {}
        self.wait_times: dict[str, list[float]] = {}
        self.wait_nodes: dict[str, list[int]] = {}
        for place, departures in by_place.items():
            ready = {s: self._must_be_there(self.services[s]) for s in departures}
            departures.sort(key=lambda s: (ready[s], self.services[s].depart, s))
            nodes = []
            for s in departures:
                node = self._node("W", ready[s])
                nodes.append(node)
                arc(node, s)
            for first, second in pairwise(nodes):
                arc(first, second)
            self.wait_times[place] = [ready[s] for s in departures]
            self.wait_nodes[place] = nodes
            for k, s in enumerate(departures):
                self._wait_of[s] = (place, k)
        self.sink = {place: self._node("T", float("inf")) for place in self.places}
        self.first_road_node = len(self._kinds)
        # Arrivals: to the wait chain at the place, to its sink, and on by road.
        for s, service in enumerate(self.services):
            arrival = count + s
            wait = self.wait_after(service.to_id, service.arrive.timestamp())
            if wait is not None:
                arc(arrival, wait)
            arc(arrival, self.sink[service.to_id], day=self.day(service.to_id, service.arrive))
            for target in self.places:
                if target == service.to_id:
                    continue
                for path in transport.road_paths(service.to_id, target):
                    # The way's legs are made when asked for (``road_ways``): only its arrival,
                    # fare and vehicles are needed here.
                    fare, connect, span, hired = self._shape(path)
                    leaving = service.arrive + connect
                    arrive = leaving + span
                    road = self._node("R", arrive.timestamp())
                    self.road_ways.arrived.append((path, service.arrive))
                    self.road_place.append(target)
                    vehicles = tuple(self.vehicle((link_id, leaving + offset)) for link_id, offset in hired)
                    arc(arrival, road, fare, -1, vehicles)
                    wait = self.wait_after(target, arrive.timestamp())
                    if wait is not None:
                        arc(road, wait)
                    arc(road, self.sink[target], day=self.day(target, arrive))
        self.nodes = len(self._kinds)
        self.node_time = np.array(self._times)
        self.arc_tail = np.array(tails, dtype=np.int64)
        self.arc_head = np.array(heads, dtype=np.int64)
        self.arc_fare = np.array(fares, dtype=np.float64)
        self.arc_service = np.array(arc_services, dtype=np.int64)
        self.arc_day = np.array(arc_days, dtype=np.int64)
        sizes = np.array([len(v) for v in arc_vehicles], dtype=np.int64)
        self.arc_vehicle_ptr = np.concatenate([[0], np.cumsum(sizes)])
        self.arc_vehicles = np.array([k for v in arc_vehicles for k in v], dtype=np.int64)
        # Which road arc (tail -> road node) leads into each road node.
        self.road_arc = np.full(self.nodes, -1, dtype=np.int64)
        roads = self.arc_head >= self.first_road_node
        roads &= self.arc_head < self.first_road_node + len(self.road_ways)
        roads &= self.arc_tail < 2 * count
        self.road_arc[self.arc_head[roads]] = np.nonzero(roads)[0]
        self._heads: dict[str, list[Head]] = {}
        self._heads_by_service: dict[str, dict[int, list[int]]] = {}
        self._by_tail: tuple[np.ndarray, np.ndarray] | None = None
        self._roads_from: dict[str, list[tuple[str, RoadPath, float, float]]] = {}
        self._wait_arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._waits: tuple[np.ndarray, np.ndarray] | None = None

    # -- building ---------------------------------------------------------------------------------

    def _node(self, kind: str, moment: float) -> int:
        self._kinds.append(kind)
        self._times.append(moment)
        return len(self._kinds) - 1

    def _must_be_there(self, service: Service) -> float:
        return (service.depart - self.scenario.settings.connection(service.mode)).timestamp()

    def vehicle(self, key: VehicleKey) -> int:
        found = self._vehicle_index.get(key)
        if found is None:
            found = self._vehicle_index[key] = len(self.vehicle_keys)
            self.vehicle_keys.append(key)
        return found

    def _way(self, links: tuple[Link, ...], legs: list[Leg]) -> RoadWay:
        vehicles = tuple(
            self.vehicle((link.link_id, leg.depart))
            for link, leg in zip(links, legs, strict=True)
            if link.vehicle_cost_idr
        )
        return RoadWay(tuple(legs), sum(link.fare_idr for link in links), vehicles)

    def _shape(self, path: RoadPath) -> _Shape:
        """What ``road_after(path, arrived)`` is for any ``arrived``: its fare, the wait before
        its first link, the time from then to its arrival, and each hired link with the time
        from the first link's departure to its own."""
        found = self._shapes.get(id(path))
        if found is None or found[0] is not path:
            zero = self.scenario.settings.start
            first = self.scenario.settings.connection(path.links[0].mode)
            timed = list(self._timed(path, zero))
            last_link, last_depart = timed[-1]
            shape = (
                sum(link.fare_idr for link in path.links),
                first,
                last_depart + last_link.duration - zero,
                tuple((link.link_id, depart - zero) for link, depart in timed if link.vehicle_cost_idr),
            )
            found = self._shapes[id(path)] = (path, shape)
        return found[1]

    def road_after(self, path: RoadPath, arrived: datetime) -> RoadWay:
        """Rule 2: each link leaves as soon as the connection minimum after ``arrived`` allows."""
        return self.road_at(path, arrived + self.scenario.settings.connection(path.links[0].mode))

    def road_at(self, path: RoadPath, leaving: datetime) -> RoadWay:
        """A journey by road alone, its first link leaving at ``leaving`` and each next one as
        soon as the connection minimum allows."""
        # Pricing asks for the same ways again and again (every escort's way back from the
        # same arrival): kept with their path, so that a path's id is never reused for another.
        key = (id(path), leaving)
        known = self._roads_at.get(key)
        if known is not None and known[0] is path:
            return known[1]
        legs = [_link_leg(link, depart) for link, depart in self._timed(path, leaving)]
        way = self._way(path.links, legs)
        self._roads_at[key] = (path, way)
        return way

    def _timed(self, path: RoadPath, leaving: datetime) -> Iterator[tuple[Link, datetime]]:
        """Each link of ``path`` with its departure: the first at ``leaving``, each next one as
        soon as the connection minimum allows."""
        moment = leaving
        for index, link in enumerate(path.links):
            if index:
                moment = moment + self.scenario.settings.connection(link.mode)
            yield link, moment
            moment = moment + link.duration

    def vehicle_offsets(self, path: RoadPath) -> tuple[tuple[str, float], ...]:
        """Each hired link of ``road_after(path, arrived)`` with the seconds from ``arrived``
        to its departure, the same for every arrival."""
        found = self._offsets.get(id(path))
        if found is None or found[0] is not path:
            _, connect, _, hired = self._shape(path)
            offsets = tuple((link_id, (connect + offset).total_seconds()) for link_id, offset in hired)
            found = self._offsets[id(path)] = (path, offsets)
        return found[1]

    def road_before(self, path: RoadPath, arrive_by: datetime) -> RoadWay:
        """Rule 1: the links timed to arrive at ``arrive_by``, each as late as it can leave."""
        legs: list[Leg] = []
        moment = arrive_by
        for link in reversed(path.links):
            depart = moment - link.duration
            legs.append(_link_leg(link, depart))
            moment = depart - self.scenario.settings.connection(link.mode)
        legs.reverse()
        return self._way(path.links, legs)

    # -- questions ------------------------------------------------------------------------------

    def day(self, place: str, moment: datetime) -> int:
        """The day number of ``moment`` at ``place``."""
        return (self.scenario.location(place).local_date(moment) - self.day_zero).days

    def day_of(self, when: date) -> int:
        return (when - self.day_zero).days

    def days_at(self, place: str, moments: np.ndarray) -> np.ndarray:
        """``day`` for each of POSIX ``moments`` at ``place``."""
        offset = self.scenario.location(place).utc_offset.total_seconds()
        epoch = (self.day_zero - date(1970, 1, 1)).days
        return np.asarray(np.floor((moments + offset) / 86400.0) - epoch)

    def wait_after(self, place: str, moment: float) -> int | None:
        """The wait node at ``place`` from which a traveller there at ``moment`` can catch
        every departure still catchable; None when there is none."""
        times = self.wait_times.get(place)
        if times is None:
            return None
        k = bisect_left(times, moment)
        return self.wait_nodes[place][k] if k < len(times) else None

    def roads_from(self, place: str) -> list[tuple[str, RoadPath, float, float]]:
        """Every road way from ``place`` to another place: (the place, the way, its fare per
        rider, the seconds from being ready to leave to arriving when timed by rule 2)."""
        found = self._roads_from.get(place)
        if found is None:
            connection = self.scenario.settings.connection
            found = [
                (
                    target,
                    path,
                    float(path.fare_per_rider),
                    sum((connection(link.mode) + link.duration).total_seconds() for link in path.links),
                )
                for target in self.places
                for path in self.transport.road_paths(place, target)
                if path.links
            ]
            self._roads_from[place] = found
        return found

    def wait_arrays(self, place: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The wait chain at ``place`` as arrays: the moments one must be there, the nodes."""
        found = self._wait_arrays.get(place)
        if found is None and place in self.wait_times:
            found = self._wait_arrays[place] = (
                np.array(self.wait_times[place]),
                np.array(self.wait_nodes[place], dtype=np.int64),
            )
        return found

    def waits(self) -> tuple[np.ndarray, np.ndarray]:
        """Every wait node of the week, and each node's position among them (-1 at the others):
        a search that only ``onward`` reads need be kept only there."""
        if self._waits is None:
            nodes = np.array(sorted(n for chain in self.wait_nodes.values() for n in chain), dtype=np.int64)
            slot = np.full(self.nodes, -1, dtype=np.int64)
            slot[nodes] = np.arange(len(nodes))
            self._waits = (nodes, slot)
        return self._waits

    def onward(
        self,
        place: str,
        moments: np.ndarray,
        dist: np.ndarray,
        none: float = np.inf,
        rows: np.ndarray | None = None,
        waits: bool = False,
    ) -> np.ndarray:
        """The cost on from ``place`` for someone there at each of ``moments``: ``dist`` (one
        search, or a row per search, of which only ``rows`` where given; with ``waits``, kept
        only at the wait nodes, as ``waits()`` orders them) at the wait node that catches every
        departure still catchable; ``none`` where no departure is left."""
        found = self.catch(place, moments, waits)
        shape = dist.shape[:-1] if rows is None else (len(rows),)
        if found is None:
            return np.full((*shape, len(moments)), none)
        at, caught = found
        read = dist[..., at] if rows is None else dist[np.ix_(rows, at)]
        return np.where(caught, read, none)

    def catch(
        self, place: str, moments: np.ndarray, waits: bool = False
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """For someone at ``place`` at each of ``moments``: the wait node that catches every
        departure still catchable (with ``waits``, its position in ``waits()``; the last node
        where none is left), and whether one is left; None where the place has no departures."""
        found = self.wait_arrays(place)
        if found is None:
            return None
        times, nodes = found
        k = np.searchsorted(times, moments, side="left")
        at = nodes[np.minimum(k, len(nodes) - 1)]
        if waits:
            at = self.waits()[1][at]
        return at, k < len(nodes)

    def heads(self, place: str) -> list[Head]:
        """Every way onto a first service from ``place``: boarding one that leaves there, or
        road legs just in time for one that leaves elsewhere (rule 1)."""
        found = self._heads.get(place)
        if found is not None:
            return found
        found = []
        for s, service in enumerate(self.services):
            for path in self.transport.road_paths(place, service.from_id):
                if path.links:
                    way = self.road_before(
                        path, service.depart - self.scenario.settings.connection(service.mode)
                    )
                    legs, fare, vehicles = way.legs, way.fare_idr, way.vehicles
                else:
                    legs, fare, vehicles = (), 0, ()
                first = legs[0].depart if legs else service.depart
                found.append(
                    Head(
                        place,
                        s,
                        legs,
                        fare,
                        vehicles,
                        first.timestamp(),
                        self.day(place, first),
                        self.day(service.from_id, service.depart),
                    )
                )
        self._heads[place] = found
        return found

    def road_days(self, place: str, first: date) -> list[datetime]:
        """The moments a journey by road alone may leave ``place`` (rule 3), from ``first``."""
        settings = self.scenario.settings
        tz = self.scenario.location(place).tz
        found: list[datetime] = []
        day = first
        while True:
            moment = datetime.combine(day, ROAD_DAY_START, tzinfo=tz)
            if moment >= settings.end:
                return found
            if moment >= settings.start:
                found.append(moment)
            day += timedelta(days=1)

    def _heads_onto(self, place: str, service: int) -> list[int]:
        """The indices in ``heads(place)`` of the ways onto ``service``, in order."""
        found = self._heads_by_service.get(place)
        if found is None:
            found = self._heads_by_service[place] = defaultdict(list)
            for k, head in enumerate(self.heads(place)):
                found[head.service].append(k)
        return found.get(service, [])

    def _arcs_from(self, node: int) -> np.ndarray:
        """The arcs leaving ``node``, in the order of their index."""
        if self._by_tail is None:
            order = np.argsort(self.arc_tail, kind="stable")
            self._by_tail = (order, np.searchsorted(self.arc_tail[order], np.arange(self.nodes + 1)))
        order, starts = self._by_tail
        return order[starts[node] : starts[node + 1]]

    def locate(self, legs: tuple[Leg, ...]) -> tuple[int, tuple[int, ...]] | None:
        """A journey's head (its index in ``heads``) and nodes to the sink, when the journey is
        a path of this network; None when it is not (a plan made by other rules)."""
        services = [i for i, leg in enumerate(legs) if leg.service_id is not None]
        if not services:
            return None
        first = services[0]
        s = self.service_index.get(legs[first].service_id or "")
        if s is None:
            return None
        lead = tuple(leg.key for leg in legs[:first])
        heads = self.heads(legs[0].from_id)
        head = next(
            (
                k
                for k in self._heads_onto(legs[0].from_id, s)
                if tuple(leg.key for leg in heads[k].legs) == lead
            ),
            None,
        )
        if head is None:
            return None
        count = len(self.services)
        nodes = [s, count + s]
        i = first + 1
        while True:
            here = nodes[-1]
            place = legs[i - 1].to_id
            if i == len(legs):
                nodes.append(self.sink[place])
                return head, tuple(nodes)
            if legs[i].service_id is None:
                end = i
                while end < len(legs) and legs[end].service_id is None:
                    end += 1
                wanted = tuple(leg.key for leg in legs[i:end])
                road = next(
                    (
                        int(self.arc_head[a])
                        for a in self._arcs_from(here)
                        if self.first_road_node
                        <= self.arc_head[a]
                        < self.first_road_node + len(self.road_ways)
                        # Where the way ends first: its legs are made only to be compared.
                        and self.road_place[int(self.arc_head[a]) - self.first_road_node]
                        == legs[end - 1].to_id
                        and tuple(
                            leg.key
                            for leg in self.road_ways[int(self.arc_head[a]) - self.first_road_node].legs
                        )
                        == wanted
                    ),
                    None,
                )
                if road is None:
                    return None
                nodes.append(road)
                i = end
                continue
            t = self.service_index.get(legs[i].service_id or "")
            if t is None:
                return None
            wait = self.wait_after(place, self._times[here])
            if wait is None:
                return None
            at, k = self._wait_of[t]
            chain = self.wait_nodes[at]
            if at != place or wait not in chain or chain.index(wait) > k:
                return None
            nodes += chain[chain.index(wait) : k + 1]
            nodes += [t, count + t]
            i += 1

    def legs_of(self, nodes: list[int]) -> list[Leg]:
        """The legs along a path of nodes: a ride for each service, road legs for each road."""
        count = len(self.services)
        legs: list[Leg] = []
        for node in nodes:
            if node < count:
                legs.append(service_leg(self.services[node]))
            elif self.first_road_node <= node < self.first_road_node + len(self.road_ways):
                legs += self.road_ways[node - self.first_road_node].legs
        return legs


def service_leg(service: Service) -> Leg:
    """A service's ride, as an itinerary has it."""
    return Leg(
        service.service_id, service.mode, service.from_id, service.to_id, service.depart, service.arrive
    )


def _link_leg(link: Link, depart: datetime) -> Leg:
    return Leg(None, link.mode, link.from_id, link.to_id, depart, depart + link.duration)


def distances(graph: csr_matrix, sources: np.ndarray) -> np.ndarray:
    """Dijkstra from each of ``sources``, distances only (a row each)."""
    found: np.ndarray = dijkstra(graph, True, np.asarray(sources, dtype=np.int64), False)
    return found


class Sweep:
    """Searches from many sources at once over an acyclic graph of fixed shape (a compressed
    sparse row matrix's ``indptr`` and ``indices``, arcs from row to column): the arcs grouped
    by the depth of their head (the most arcs on a way to it), so that a pass over the depths,
    a few hundred in the week's network, finds every source's distances together in array
    operations, where Dijkstra searches once per source."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, size: int) -> None:
        tails = np.repeat(np.arange(size), np.diff(indptr))
        heads = np.asarray(indices, dtype=np.int64)
        depth = np.zeros(size, dtype=np.int64)
        indegree = np.bincount(heads, minlength=size)
        frontier = np.flatnonzero(indegree == 0)
        level, seen = 0, 0
        while len(frontier):
            depth[frontier] = level
            seen += len(frontier)
            # The arcs out of the frontier: ranges of the matrix's entries.
            counts = indptr[frontier + 1] - indptr[frontier]
            starts = np.repeat(indptr[frontier] - np.cumsum(counts) + counts, counts)
            out = heads[starts + np.arange(counts.sum())]
            np.subtract.at(indegree, out, 1)
            frontier = np.unique(out[indegree[out] == 0])
            level += 1
        if seen != size:
            raise ValueError("the graph has a cycle")
        # Entries sorted by their head's depth, then head; one slice per depth past the first.
        order = np.lexsort((heads, depth[heads]))
        self._entries = order
        self._tails = tails[order]
        bounds = np.searchsorted(depth[heads][order], np.arange(1, level + 1))
        self._levels: list[tuple[int, int, np.ndarray, np.ndarray]] = []
        for lo, hi in pairwise(bounds.tolist()):
            if hi > lo:
                ends = heads[order[lo:hi]]
                first = np.flatnonzero(np.r_[True, ends[1:] != ends[:-1]])
                self._levels.append((lo, hi, ends[first], first))
        self.size = size

    def distances(self, data: np.ndarray, sources: np.ndarray) -> np.ndarray:
        """The least cost from each of ``sources`` to every node (a row each, as ``distances``
        gives), the matrix's entries costing ``data``; nothing is negative."""
        found = np.full((self.size, len(sources)), np.inf)
        found[sources, np.arange(len(sources))] = 0.0
        costs = data[self._entries]
        for lo, hi, ends, first in self._levels:
            reached = np.minimum.reduceat(found[self._tails[lo:hi]] + costs[lo:hi, None], first, axis=0)
            found[ends] = np.minimum(found[ends], reached)
        return found.T


def shortest_paths(graph: csr_matrix, sources: int | list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Dijkstra from ``sources`` (one row of results each, or a row for one source)."""
    found = dijkstra(graph, True, np.atleast_1d(np.asarray(sources, dtype=np.int64)), True)
    dist, pred = found[0], found[1]
    if isinstance(sources, int):
        return dist[0], pred[0]
    return dist, pred
