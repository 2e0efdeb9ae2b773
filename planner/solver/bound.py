"""A lower bound of the whole week at every round: the Lagrangian bound of the master's duals.

Take the master's row duals (of the right sign) as multipliers of every row but the units',
and a multiplier for each row not yet made: 0, except a vehicle row (the vehicle's cost per
seat) and the escort rows of an itinerary not in the master (a unit's share of the least duty
any able escort can have with such a party, ``planner.solver.floor``, shared among the units
that may leave by then whose rows the same escorts' duties enter, ``Pricing.escort_share``; at
that price no such duty has a negative reduced cost).  What is left is a problem that splits:

* each unit takes at most itself on the itinerary of least reduced cost, or waits: its
  ``least`` from pricing, times its size where negative;
* each escort takes duties that do not overlap (a rule every plan keeps, kept here besides its
  busy rows' duals): duties contain their party's itinerary, so at most a set of itineraries
  that do not overlap in time, each at the least reduced cost of any of the escort's duties
  with it (from pricing and the master's own duties);
* vehicles and money flows at their bounds where their reduced cost is negative.

Its optimum, plus the multipliers times the rows' right-hand sides, is at most the cost of any
plan of the week that keeps the network's rules (``planner.solver.network``): weak duality.
When no column prices out, it equals the master's value: the linear relaxation of the whole.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from planner.solver.master import MONEY, Master
from planner.solver.pricing import DutyPrice, UnitPrice

# Rows kept whole in the problem that splits, not priced by a multiplier.
_KEPT = ("unit",)


def lagrangian_bound(master: Master, units: Sequence[UnitPrice], duties: Sequence[DutyPrice]) -> float:
    """The bound, in rupiah, at the master's last duals."""
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
    total += sum(_escort_part(m, escort_id, least) for escort_id, least in found.items())
    return total * MONEY


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


def _escort_part(master: Master, escort_id: str, least: dict[int, float]) -> float:
    """The best set of the escort's party itineraries that do not overlap in time (weighted
    interval scheduling), each at its least reduced cost where negative."""
    items = []
    for j, value in least.items():
        if value < 0:
            journey = master.journeys[j].journey
            items.append((journey.arrive.timestamp(), journey.depart.timestamp(), value))
    if not items:
        return 0.0
    items.sort()
    ends = [end for end, _, _ in items]
    best = [0.0] * (len(items) + 1)
    for k, (_, start, value) in enumerate(items):
        # Itineraries ending no later than this one starts can both be taken.
        before = bisect_right(ends, start, 0, k)
        best[k + 1] = min(best[k], best[before] + value)
    return best[-1]
