"""The least an escort's duty with a party can cost, dated: the floor an escorted unit pays on
an itinerary whose party's escort rows the master does not have yet.

For each escort, each round: the cheapest way from its base to a party's start arriving in
time for the party's departure, and back from its home after its arrival, home within the
escort's availability, at the master's duals.  A duty's calendar days at its base are its
hours over 24, plus the part of its first day gone when it leaves and the part of its last day
left when it is back: the way out counts the first part and the way back the second.  For a
need (a woman escort, a skill), the least over the escorts able to meet it.  Every duty with a
party on an itinerary of the network's rules costs at least

    OUT(start, departure) + ALONG + rate * (arrival - departure) + BACK(home, arrival)

with ALONG one more rider's fares and duals on the itinerary and ``rate`` the least allowance
and meals of those escorts, per second.  OUT counts the escort's busy rows before the departure
and BACK those after the arrival; the busy rows during the party's journey are one escort's,
and a least over escorts taken apart cannot add them.  Where one escort alone meets a need and
has busy duals, every duty for that need is that escort's: the floors ``Pricing`` reads
(``heads``, ``sinks``, ``out_at``, ``back_at``) then count them too, OUT less the escort's busy
duals before the departure and BACK plus those up to the arrival, whose sum is the duals of the
moments in between.  ``Pricing`` charges an escorted unit its share of the floor; the bound's
proof needs only that it is at most every such duty's reduced cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from planner.scenario import Escort, Scenario
from planner.solver.master import MONEY, NEEDS, Busy, suits
from planner.solver.network import shortest_paths

if TYPE_CHECKING:
    from planner.solver.pricing import Pricing

FLOOR_KEYS: tuple[str | None, ...] = (None, *NEEDS)
NO_ESCORT = 1e9  # thousands of rupiah: more than any week costs
_FAR = 1e18
_REACHED = 1e17
DAY = 86400.0
_CHUNK = 64  # sources at a time in ``party_by``: its arrays are ends x sources x arrivals


@dataclass(frozen=True, slots=True)
class _BackRows:
    index: np.ndarray  # each escort's row in the floor's way-back searches
    rates: np.ndarray
    deadlines: np.ndarray
    bases: np.ndarray


class EscortFloor:
    def __init__(self, pricing: Pricing) -> None:
        self.p = pricing
        scenario = pricing.scenario
        meal = pricing.meal
        self.rates = {e.escort_id: (meal + e.daily_allowance_idr) / MONEY / DAY for e in scenario.escorts}
        self.able: dict[str | None, list[Escort]] = {
            need: [e for e in scenario.escorts if need is None or suits(scenario, e.escort_id, need)]
            for need in FLOOR_KEYS
        }
        self._busies: dict[str, Busy] = {}
        # The escorts whose ways are valued: a floor is a least over escorts, and an escort
        # another one dominates never sets it (811 escorts of 20,000 cases, 75 that can).
        kept = self._undominated(scenario.escorts)
        self.escorts = [e for e, keep in zip(scenario.escorts, kept, strict=True) if keep]
        valued = {e.escort_id for e in self.escorts}
        self.bearers = {need: [e for e in able if e.escort_id in valued] for need, able in self.able.items()}
        # Times are counted from two days before the window, so that shifted costs stay >= 0.
        self.zero = scenario.settings.start.timestamp() - 2 * DAY
        self.top = scenario.settings.end.timestamp() + 60 * DAY
        self._out: dict[str, np.ndarray] = {}
        self._back_all: np.ndarray | None = None  # a row per escort valued
        self._back_made = np.zeros(0, dtype=bool)
        self._back_stacks: dict[str | None, _BackRows] = {}
        self._one: dict[tuple[str, str | None, str, float, float], float] = {}
        self._heads: dict[str, dict[str | None, np.ndarray]] = {}
        self._head_at: dict[str, dict[tuple[float, float], int]] = {}
        self._sinks: dict[str, tuple[np.ndarray, dict[str | None, np.ndarray]]] = {}
        self._sink_at: dict[str, dict[float, int]] = {}
        self._onto: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._backs_before: dict[tuple[str, float], np.ndarray] = {}
        self._party_backs: dict[tuple[str, str, bytes], np.ndarray] = {}

    def _undominated(self, escorts: tuple[Escort, ...]) -> np.ndarray:
        """Whether each escort may give a floor: not when another one costs no more on every
        way (``no_dearer``); of escorts alike in all, the one listed first."""
        free = np.array([self._busy(e).all == 0.0 for e in escorts], dtype=bool)
        cheaper = no_dearer(self.p.scenario, escorts, free)
        order = np.arange(len(escorts))
        alike = cheaper & cheaper.T
        dominated = cheaper & (~alike | (order[:, None] < order[None, :]))
        return np.asarray(~dominated.any(axis=0))

    def rate(self, need: str | None) -> float:
        able = self.able[need]
        return min((self.rates[e.escort_id] for e in able), default=0.0)

    # -- the searches, once per escort and round --------------------------------------------------

    def _busy(self, escort: Escort) -> Busy:
        found = self._busies.get(escort.escort_id)
        if found is None:
            found = self._busies[escort.escort_id] = self.p.master.busy(escort.escort_id)
        return found

    def _weights(self) -> np.ndarray:
        net = self.p.net
        return np.maximum(net.arc_fare / MONEY + self.p.arc_dual, 0.0)

    def _out_search(self, escort: Escort) -> np.ndarray:
        """Least cost to each node from the base, counted as money plus ``rate`` times the
        seconds from the way out's start to ``top``."""
        found = self._out.get(escort.escort_id)
        if found is not None:
            return found
        p, net = self.p, self.p.net
        rate = self.rates[escort.escort_id]
        base = p.scenario.location(escort.base_id)
        earliest = base.midnight(escort.available_from).timestamp()
        heads, a = p._origin(escort.base_id)
        busy = self._busy(escort)
        best: dict[int, float] = {}
        for k, head in enumerate(heads):
            if a["depart"][k] < earliest:
                continue
            cost = head.fare_idr / MONEY + p._vehicles(head.vehicles) + rate * (self.top - a["depart"][k])
            cost += rate * DAY * float(self._gone(escort.base_id, a["depart"][k]))
            cost += busy.all - float(busy.before(a["depart"][k]))
            if cost < best.get(head.service, np.inf):
                best[head.service] = cost
        source = net.nodes
        services = np.array(sorted(best), dtype=np.int64)
        extra = (
            np.full(len(services), source, dtype=np.int64),
            services,
            np.array([best[s] for s in services.tolist()]),
        )
        dist, _ = shortest_paths(p._graph(self._weights(), False, extra), source)
        self._out[escort.escort_id] = dist
        return dist

    def _back_searches(self, index: np.ndarray) -> np.ndarray:
        """The way-back searches at the wait nodes, a row per escort valued (``escorts``, in
        its order), those of ``index`` made if not yet: the escorts able to meet each need read
        their rows here rather than from a copy of their own."""
        # Kept only at the wait nodes, where ``_wait_rows`` reads them: a row over every node
        # was 2.4 GB on 20,000 cases.
        waits, _ = self.p.net.waits()
        if self._back_all is None:
            self._back_all = np.full((len(self.escorts), len(waits)), np.inf)
            self._back_made = np.zeros(len(self.escorts), dtype=bool)
        for i in index[~self._back_made[index]].tolist():
            self._back_all[i] = self._back_search(self.escorts[i])[waits]
            self._back_made[i] = True
        return self._back_all

    def _back_search(self, escort: Escort) -> np.ndarray:
        """Least cost from each node back to the base, home before the end of availability,
        counted as money plus ``rate`` times the seconds from ``zero`` to the return."""
        p, net = self.p, self.p.net
        rate = self.rates[escort.escort_id]
        deadline = self._deadline(escort)
        sink = net.sink[escort.base_id]
        arrive = net.node_time[net.arc_tail]
        into = net.arc_head == sink
        busy = self._busy(escort)
        home = (
            rate * (arrive - self.zero)
            + busy.upto(arrive)
            + rate * DAY * (1 - self._gone(escort.base_id, arrive))
        )
        weights = np.where(into, np.where(arrive < deadline, home, _FAR), self._weights())
        dist, _ = shortest_paths(p._graph(weights, reverse=True), sink)
        return dist

    # -- questions ----------------------------------------------------------------------------------

    def heads(self, place: str) -> dict[str | None, np.ndarray]:
        """``out`` on each way onto a first service from ``place`` (``Pricing._origin``), for
        every need; kept until the next refresh."""
        found = self._heads.get(place)
        if found is None:
            _, a = self.p._origin(place)
            found = self.outs(place, a["depart"], a["ready_by"])
            found = self._heads[place] = {
                need: self._out_alone(need, v, a["depart"]) for need, v in found.items()
            }
            moments = zip(a["depart"].tolist(), a["ready_by"].tolist(), strict=True)
            self._head_at[place] = {key: k for k, key in enumerate(moments)}
        return found

    def sinks(self, place: str) -> tuple[np.ndarray, dict[str | None, np.ndarray]]:
        """The arcs into ``place``'s sink, and ``back`` at the moment each arrives, for every
        need; kept until the next refresh."""
        found = self._sinks.get(place)
        if found is None:
            net = self.p.net
            into = np.nonzero(net.arc_head == net.sink[place])[0]
            arrive = net.node_time[net.arc_tail[into]]
            backs = self.backs(place, arrive)
            found = self._sinks[place] = (into, {n: self._back_alone(n, v, arrive) for n, v in backs.items()})
            self._sink_at[place] = {moment: k for k, moment in enumerate(arrive.tolist())}
        return found

    def out_at(self, need: str | None, place: str, depart: float, ready_by: float) -> float:
        key = ("out", need, place, depart, ready_by)
        found = self._one.get(key)
        if found is None:
            # A way onto a first service whose floors are known already: every escort's way
            # out was valued there, for every need (each value depends on its moments alone).
            k = self._head_at.get(place, {}).get((depart, ready_by))
            if k is not None:
                found = float(self._heads[place][need][k])
            else:
                at = np.array([depart])
                found = float(self._out_alone(need, self.out(need, place, at, np.array([ready_by])), at)[0])
            self._one[key] = found
        return found

    def back_at(self, need: str | None, place: str, arrive: float) -> float:
        key = ("back", need, place, arrive, arrive)
        found = self._one.get(key)
        if found is None:
            k = self._sink_at.get(place, {}).get(arrive)
            if k is not None:
                found = float(self._sinks[place][1][need][k])
            else:
                at = np.array([arrive])
                found = float(self._back_alone(need, self.back(need, place, at), at)[0])
            self._one[key] = found
        return found

    def _alone(self, need: str | None) -> Escort | None:
        """The escort who alone meets ``need``, where it has busy duals.  (An escort that
        another one dominates is left out of the floors only where that other one has no busy
        duals, ``_undominated``: so a need with one such escort has no other able escort.)"""
        bearers = self.bearers[need]
        if len(bearers) == 1 and self._busy(bearers[0]).all > 0.0:
            return bearers[0]
        return None

    def _out_alone(self, need: str | None, out: np.ndarray, depart: np.ndarray) -> np.ndarray:
        """``out`` less the busy duals before ``depart`` of the escort alone meeting ``need``."""
        escort = self._alone(need)
        if escort is None:
            return out
        return np.where(out < NO_ESCORT, out - self._busy(escort).before(depart), out)

    def _back_alone(self, need: str | None, back: np.ndarray, arrive: np.ndarray) -> np.ndarray:
        """``back`` plus the busy duals up to ``arrive`` of the escort alone meeting ``need``."""
        escort = self._alone(need)
        if escort is None:
            return back
        return np.where(back < NO_ESCORT, back + self._busy(escort).upto(arrive), back)

    def out(self, need: str | None, place: str, depart: np.ndarray, ready_by: np.ndarray) -> np.ndarray:
        """For parties leaving ``place`` at ``depart`` (an escort there by ``ready_by``): the
        least an able escort's way out costs, its days counted to the departure."""
        result = np.full(len(depart), NO_ESCORT)
        for escort in self.bearers[need]:
            result = np.minimum(result, self._escort_out(escort, place, depart, ready_by))
        return result

    def outs(self, place: str, depart: np.ndarray, ready_by: np.ndarray) -> dict[str | None, np.ndarray]:
        """``out`` for every need at once: each escort's way out is valued once, not once per
        need it meets (on 20,000 cases the floors were half of the first round)."""
        every = np.array([self._escort_out(e, place, depart, ready_by) for e in self.escorts])
        every = every.reshape(len(self.escorts), len(depart))
        return {need: self._least(every, need) for need in FLOOR_KEYS}

    def _least(self, every: np.ndarray, need: str | None) -> np.ndarray:
        """The least of the rows of ``every`` (a row per escort valued) of the escorts able to
        meet ``need``."""
        rows = self._back_rows(need).index
        return np.asarray(every[rows].min(axis=0)) if len(rows) else np.full(every.shape[1], NO_ESCORT)

    def _escort_out(self, escort: Escort, place: str, depart: np.ndarray, ready_by: np.ndarray) -> np.ndarray:
        p, net = self.p, self.p.net
        rate = self.rates[escort.escort_id]
        base = p.scenario.location(escort.base_id)
        earliest = base.midnight(escort.available_from).timestamp()
        if escort.base_id == place:
            return np.where(depart >= earliest, rate * DAY * self._gone(place, depart), NO_ESCORT)
        result = np.full(len(depart), NO_ESCORT)
        busy = self._busy(escort)
        arrivals = p._arrivals.get(place)
        if arrivals is not None:
            dist = self._out_search(escort)
            times, nodes = arrivals
            reach = np.minimum.accumulate(dist[nodes]) if len(nodes) else np.array([])
            k = np.searchsorted(times, ready_by, side="right")
            ok = k > 0
            value = np.where(ok, reach[np.maximum(k - 1, 0)] if len(nodes) else _FAR, _FAR)
            # The busy rows it covers before the party leaves (from its start, in the search).
            value -= busy.all - busy.before(depart)
            value = np.where(value < _REACHED, value - rate * (self.top - depart), NO_ESCORT)
            result = np.minimum(result, value)
        for path in net.transport.road_paths(escort.base_id, place):
            if not path.links:
                continue
            way = net.road_before(path, p.scenario.settings.start)
            span = (p.scenario.settings.start - way.depart).total_seconds()
            start = ready_by - span
            value = way.fare_idr / MONEY + rate * (depart - start) + busy.before(depart) - busy.before(start)
            value += rate * DAY * self._gone(escort.base_id, start)
            result = np.minimum(result, np.where(start >= earliest, value, NO_ESCORT))
        return np.asarray(np.maximum(result, 0.0))

    def back(self, need: str | None, place: str, arrive: np.ndarray) -> np.ndarray:
        """For parties arriving at ``place`` at ``arrive``: the least an able escort's way back
        costs, its days counted from the arrival."""
        able = self.bearers[need]
        if not able:
            return np.full(len(arrive), NO_ESCORT)
        return np.asarray(self._backs(need, place, arrive).min(axis=0))

    def backs(self, place: str, arrive: np.ndarray) -> dict[str | None, np.ndarray]:
        """``back`` for every need at once, each escort's way back valued once."""
        every = self._backs(None, place, arrive)
        return {need: self._least(every, need) for need in FLOOR_KEYS}

    def _backs(self, need: str | None, place: str, arrive: np.ndarray) -> np.ndarray:
        """``back`` for each escort of ``bearers[need]``, a row each."""
        able = self.bearers[need]
        # Every able escort at once, one row each: the per-escort loop was the hot spot of
        # pricing on weeks of hundreds of cases.
        rows = self._back_rows(need)
        every = self._back_searches(rows.index)
        best = self._wait_rows(place, arrive, every, rows.index)
        for target, _, fare, span in self.p.net.roads_from(place):
            reached = arrive + span
            value = fare / MONEY + self._wait_rows(target, reached, every, rows.index)
            for i in np.flatnonzero(rows.bases == target).tolist():
                home = (
                    fare / MONEY
                    + rows.rates[i] * (reached - self.zero)
                    + self._busy(able[i]).upto(reached)
                    + rows.rates[i] * DAY * (1 - self._gone(target, reached))
                )
                value[i] = np.where(reached < rows.deadlines[i], home, _FAR)
            best = np.minimum(best, value)
        # The busy rows it covers after the party arrives (to its return, in the search).
        busy = np.array([self._busy(e).upto(arrive) for e in able]).reshape(len(able), len(arrive))
        best = best - rows.rates[:, None] * (arrive - self.zero)[None, :] - busy
        result = np.where(best < _REACHED, np.maximum(best, 0.0), NO_ESCORT)
        for i in np.flatnonzero(rows.bases == place).tolist():
            left = rows.rates[i] * DAY * (1 - self._gone(place, arrive))
            result[i] = np.where(arrive < rows.deadlines[i], left, NO_ESCORT)
        return np.asarray(result)

    def back_by(self, base: str, place: str, arrive: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """For each of ``ends`` (a row each) and each of ``arrive`` (a column each): the least
        fares and duals of a way from ``place`` after that arrival back to ``base`` before that
        end (infinite where there is none); at the base itself, nothing before the end."""
        if base == place:
            return np.where(arrive[None, :] < ends[:, None], 0.0, np.inf)
        net = self.p.net
        every = np.array([self._back_before(base, float(end)) for end in ends.tolist()])
        best = net.onward(place, arrive, every, _FAR, waits=True)
        for target, _, fare, span in net.roads_from(place):
            reached = arrive + span
            if target == base:
                value = np.where(reached[None, :] < ends[:, None], fare / MONEY, _FAR)
            else:
                value = fare / MONEY + net.onward(target, reached, every, _FAR, waits=True)
            best = np.minimum(best, value)
        return np.where(best < _REACHED, best, np.inf)

    def _back_before(self, base: str, end: float) -> np.ndarray:
        """The least fares and duals back to ``base`` before ``end`` from each wait node."""
        key = (base, end)
        found = self._backs_before.get(key)
        if found is None:
            net = self.p.net
            sink = net.sink[base]
            into = net.arc_head == sink
            weights = self._weights()
            weights[into] = np.where(net.node_time[net.arc_tail[into]] < end, 0.0, _FAR)
            dist, _ = shortest_paths(self.p._graph(weights, reverse=True), sink)
            found = self._backs_before[key] = dist[net.waits()[0]]
        return found

    def party_by(self, base: str, home: str, reach: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """For each of ``ends`` (a row each) and each row of ``reach`` (a column each: the least
        fares and duals from a node to each arc into ``home``'s sink, ``onto(home)``): the
        least of going on with a party to ``home`` and from there back to ``base`` before that
        end (infinite where no way does)."""
        _, arrive = self.onto(home)
        key = (base, home, ends.tobytes())
        back = self._party_backs.get(key)
        if back is None:
            back = self._party_backs[key] = self.back_by(base, home, arrive, ends)
        found = np.full((len(ends), len(reach)), np.inf)
        for at in range(0, len(reach), _CHUNK):
            part = reach[at : at + _CHUNK]
            found[:, at : at + len(part)] = (part[None, :, :] + back[:, None, :]).min(axis=2, initial=np.inf)
        return np.where(found < _REACHED, found, np.inf)

    def onto(self, home: str) -> tuple[np.ndarray, np.ndarray]:
        """The nodes whose arcs lead into ``home``'s sink, and the moment of each."""
        found = self._onto.get(home)
        if found is None:
            net = self.p.net
            tails = net.arc_tail[net.arc_head == net.sink[home]]
            found = self._onto[home] = (tails, net.node_time[tails])
        return found

    def reach(self, sources: np.ndarray) -> np.ndarray:
        """The least fares and duals from each of ``sources`` (distinct nodes, a row each) to
        every node (infinite where none leads), all of them in one sweep over the network
        (``Pricing.distances_from``): a search from each took most of the time to make the
        bound's program of 500 cases."""
        return self.p.distances_from(self._weights(), sources)

    def _gone(self, base: str, moment: float | np.ndarray) -> np.ndarray:
        """The part of its day at ``base`` gone at each moment (0 at local midnight)."""
        offset = self.p.scenario.location(base).utc_offset.total_seconds()
        return np.asarray(np.mod(np.asarray(moment) + offset, DAY) / DAY)

    def _deadline(self, escort: Escort) -> float:
        base = self.p.scenario.location(escort.base_id)
        return base.midnight(escort.available_to).timestamp() + DAY

    def _back_rows(self, need: str | None) -> _BackRows:
        """The escorts of ``bearers[need]``, one row each: their way-back searches, rates,
        deadlines and bases."""
        found = self._back_stacks.get(need)
        if found is None:
            able = self.bearers[need]
            row = {e.escort_id: i for i, e in enumerate(self.escorts)}
            found = self._back_stacks[need] = _BackRows(
                np.array([row[e.escort_id] for e in able], dtype=np.int64),
                np.array([self.rates[e.escort_id] for e in able]),
                np.array([self._deadline(e) for e in able]),
                np.array([e.base_id for e in able]),
            )
        return found

    def _wait_cost(self, place: str, moment: np.ndarray, dist: np.ndarray) -> np.ndarray:
        """The least cost on from ``place`` for someone there at ``moment`` (by departures),
        for each row of ``dist`` (one search, or one per escort)."""
        return self.p.net.onward(place, moment, dist, _FAR)

    def _wait_rows(self, place: str, moment: np.ndarray, every: np.ndarray, index: np.ndarray) -> np.ndarray:
        """The least cost on from ``place`` for someone there at ``moment`` (by departures),
        for the escorts of rows ``index`` of ``every`` (a search per escort valued)."""
        return self.p.net.onward(place, moment, every, _FAR, rows=index, waits=True)


def no_dearer(scenario: Scenario, escorts: tuple[Escort, ...], free: np.ndarray) -> np.ndarray:
    """``[i, j]``: escort ``i`` (not ``j``) costs no more than escort ``j`` on any way out to a
    party or back from it, and can take every case ``j`` can: the same base, a daily
    allowance no higher, available from no later and to no earlier, every need ``j`` meets, and
    no busy duals or vehicle rows of its own (``free``).  A way pays fares, duals on its arcs
    and days at the allowance, and busy and vehicle duals only ever add to it."""
    count = len(escorts)
    if not count:
        return np.zeros((0, 0), dtype=bool)
    bases = {base: k for k, base in enumerate(dict.fromkeys(e.base_id for e in escorts))}
    base = np.array([bases[e.base_id] for e in escorts])
    allowance = np.array([e.daily_allowance_idr for e in escorts])
    start = np.array([e.available_from.toordinal() for e in escorts])
    end = np.array([e.available_to.toordinal() for e in escorts])
    can = np.array([[suits(scenario, e.escort_id, need) for need in NEEDS] for e in escorts], dtype=bool)
    covers = (can[:, None, :] | ~can[None, :, :]).all(axis=2)
    found = (
        (base[:, None] == base[None, :])
        & (allowance[:, None] <= allowance[None, :])
        & (start[:, None] <= start[None, :])
        & (end[:, None] >= end[None, :])
        & covers
        & free[:, None]
    )
    np.fill_diagonal(found, False)
    return np.asarray(found)
