"""A lower bound of the whole week at every round: the Lagrangian bound of the master's duals.

The escort rows are per party (``planner.solver.master.party_key``: a way onto a first service
and a home), which relaxes the week: an escort must leave with its cases but may go on from
their first service by another way.  Take the master's row duals (of the right sign) as
multipliers of every row but the units', and a multiplier for each row not yet made: 0, except
a vehicle row (the vehicle's cost per seat) and the escort rows of a party not in the master
(a unit's share of the least duty any able escort can have with such a party on any way on,
``Pricing.party_floor``, shared among the units that may leave by then whose rows the same
escorts' duties enter, ``Pricing.escort_share``; at that price no such duty has a negative
reduced cost).  What is left is a problem that splits:

* each unit takes at most itself on the itinerary of least reduced cost, or waits: its
  ``least`` from pricing, times its size where negative;
* each escort takes duties that do not overlap (a rule every plan keeps, kept here besides its
  busy rows' duals): at most a set of parties that do not overlap in time (each from its
  departure to its earliest arrival), each at the least reduced cost of any of the escort's
  duties with it on any way on (``arrivals._Keys.head_duties``; a party by road alone has one
  way, priced with the master's duties);
* vehicles and money flows at their bounds where their reduced cost is negative.

Its optimum, plus the multipliers times the rows' right-hand sides, is at most the cost of any
plan of the week that keeps the network's rules (``planner.solver.network``): weak duality.
When no column prices out, it equals the master's value: the linear relaxation of the whole
with escort rows per party.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from planner.solver.arrivals import _Keys
from planner.solver.master import MONEY, NEEDS, Master, suits
from planner.solver.pricing import DutyPrice, Pricing, UnitPrice

# Rows kept whole in the problem that splits, not priced by a multiplier.
_KEPT = ("unit",)
# The most escorts times starts and homes with parties for each escort's own searches.
PARTY_SEARCHES = 3000


@dataclass(frozen=True, slots=True)
class EscortWay:
    """An escort's least duty with a master's party (its way onto a first service ``head``
    from ``origin``), on a way on of the escort's own, negative at the duals priced: the
    master has no duty on that way yet (``keys.escort_way`` finds it)."""

    value: float
    keys: _Keys
    escort: int
    origin: str
    home: str
    head: int


def lagrangian_bound(
    master: Master,
    units: Sequence[UnitPrice],
    duties: Sequence[DutyPrice],
    pricing: Pricing,
    ways: list[EscortWay] | None = None,
    keys: _Keys | None = None,
) -> float:
    """The bound, in rupiah, at the master's last duals, ``pricing`` refreshed at them: it
    prices each escort's least duty with each of the master's parties over every way on from
    the party's first service (those that are negative go to ``ways``), by the escorts'
    searches of ``keys`` where given (made at the same duals), else of its own."""
    m = master
    total = m.constant
    for index, key in enumerate(m.row_keys):
        if key[0] in _KEPT:
            continue
        dual = float(m.row_dual[index])
        side = m.row_upper[index] if dual < 0 else m.row_lower[index]
        if dual and math.isfinite(side):
            total += side * dual
    for price in units:
        if price.least < 0:
            total += m.units[price.unit].upper * price.least
    reduced = m.reduced_costs()
    for c, column in enumerate(m.columns):
        if column.kind in ("n", "f") and reduced[c] < 0:
            total += float(reduced[c]) * column.upper
    found = _by_escort(m, duties, reduced)
    items: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    covered = _party_items(m, pricing, items, ways, keys)
    for escort_id, least in found.items():
        for j, value in least.items():
            rows = m.journeys[j]
            if value < 0 and rows.party not in covered:
                items[escort_id].append(
                    (rows.journey.depart.timestamp(), rows.journey.arrive.timestamp(), value)
                )
    total += sum(_escort_part(found) for found in items.values())
    return total * MONEY


def _party_items(
    master: Master,
    pricing: Pricing,
    items: dict[str, list[tuple[float, float, float]]],
    ways: list[EscortWay] | None = None,
    keys: _Keys | None = None,
) -> set[int]:
    """Each escort's least duty with each of the master's parties that leave by a way onto a
    first service of the network, where negative, as (start, end, value) in ``items``: the
    party's departure and earliest arrival, and the least over every way on from its first
    service (``arrivals._Keys.head_duties``) less what its escort rows give back.  The
    parties so priced: a duty with any other is priced on its own journey."""
    m = master
    # The starts and homes of the parties with escort rows.
    made = dict.fromkeys((p.origin, p.home) for k, p in enumerate(m.parties) if ("cap", k) in m.rows)
    covered: set[int] = set()
    escorts = m.scenario.escorts
    # Each escort's own search per start and home, where they are few enough; else the floors
    # of the kinds of escort it belongs to (less, so as valid).
    searched = len(escorts) * len(made) <= PARTY_SEARCHES
    for origin, home in made:
        at = pricing.head_parties(origin, home)
        heads = np.flatnonzero(at >= 0).tolist()
        if not heads:
            continue
        if searched:
            if keys is None:
                keys = _Keys(m, pricing)
            duties, begins, ends = keys.head_duties(origin, home, spans=False)
        else:
            duties, begins, ends = _floors(m, pricing, origin, home)
        for h in heads:
            k = int(at[h])
            covered.add(k)
            cap, earned, skills = m.party_gives(k)
            for e, escort in enumerate(escorts):
                gives = escort.max_cases * cap - earned
                gives -= sum(v for need, v in skills.items() if suits(m.scenario, escort.escort_id, need))
                value = float(duties[e, h]) - gives
                if value < 0:
                    items[escort.escort_id].append((float(begins[e, h]), float(ends[e, h]), value))
                    if ways is not None and keys is not None:
                        ways.append(EscortWay(value, keys, e, origin, home, h))
    return covered


def _floors(
    master: Master, pricing: Pricing, origin: str, home: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_Keys.head_duties`` (the parties' own spans) from the floors: each escort's least duty
    with a party on each way onto a first service from ``origin`` to ``home`` at least the most
    of the floors of the needs it meets (``Pricing.party_floor``: the least any escort able to
    meet a need pays)."""
    scenario = master.scenario
    _, a = pricing._origin(origin)
    floors = {need: pricing.party_floor(need, origin, home) for need in (None, *NEEDS)}
    duties = np.empty((len(scenario.escorts), len(a["depart"])))
    for e, escort in enumerate(scenario.escorts):
        met = [need for need in NEEDS if suits(scenario, escort.escort_id, need)]
        duties[e] = np.max([floors[need] for need in (None, *met)], axis=0)
    arrive = pricing.earliest_arrivals(home)[a["service"]] + a["anchor"]
    begins = np.broadcast_to(a["depart"], duties.shape)
    return duties, begins, np.broadcast_to(arrive, duties.shape)


def _by_escort(
    master: Master, duties: Sequence[DutyPrice], reduced: np.ndarray
) -> dict[str, dict[int, float]]:
    """The least reduced cost of each escort's duties with each party; ``reduced``, every
    master column's."""
    least: dict[str, dict[int, float]] = defaultdict(dict)
    for price in duties:
        known = least[price.escort_id].get(price.journey, math.inf)
        least[price.escort_id][price.journey] = min(known, price.least)
    for escort_id, columns in master.escort_duties.items():
        for index in columns:
            column = master.columns[index]
            known = least[escort_id].get(column.journey, math.inf)
            least[escort_id][column.journey] = min(known, float(reduced[index]))
    return least


def _escort_part(found: list[tuple[float, float, float]]) -> float:
    """The best set of the escort's parties (start, end, least reduced cost) that do not
    overlap in time (weighted interval scheduling)."""
    if not found:
        return 0.0
    items = sorted((end, start, value) for start, end, value in found)
    ends = [end for end, _, _ in items]
    best = [0.0] * (len(items) + 1)
    for k, (_, start, value) in enumerate(items):
        # Itineraries ending no later than this one starts can both be taken.
        before = bisect_right(ends, start, 0, k)
        best[k + 1] = min(best[k], best[before] + value)
    return best[-1]
