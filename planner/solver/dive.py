"""Diving with re-pricing: a whole plan pushed out of the master itself.

The master's relaxation is driven towards whole values: the unit and duty columns it uses
almost whole are fixed there (their lower bound raised), or, when none is, the one nearest to
whole; the master is solved again, and after every few fixings a round of pricing adds the
columns the fixed master now wants, so that the dive can leave the columns generation found
for the relaxation (a party that lost its escort to a fixed duty finds another itinerary). It
ends when every unit and duty column is whole, when a fixing leaves the master no solution and
bounding the column above instead does not help either, or at the deadline. The columns of the
last master are what the dive hands to the exact model's search; the master's bounds are then
restored, so that it is again the relaxation of the week.

Rounds priced during the dive are rounds of the generation like any other: their Lagrangian
bounds are valid (the multipliers are the fixed master's row duals, of the right signs), only
weaker, and the best bound of all rounds is kept.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from planner.solver.generation import ColumnGeneration

# A column at least this whole is fixed in the same step as the others.
ALMOST_WHOLE = 0.9
# Fixing steps between two rounds of pricing.
REPRICE_EVERY = 3
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Dive:
    """What a dive ended with: the columns its last master used, whether they were whole,
    its value (rupiah) and the fixing steps and pricing rounds it took."""

    columns: frozenset[int]
    whole: bool
    value: float
    steps: int
    rounds: int


def dive(
    generation: ColumnGeneration,
    deadline: float | None = None,
    stop: Callable[[], bool] | None = None,
    max_steps: int = 200,
) -> Dive:
    """Dive from the master's present relaxation; with ``deadline`` None the dive is bounded
    by ``max_steps`` alone (reproducible)."""
    m = generation.master
    converged = generation.converged
    fixed: list[int] = []
    rounds = steps = 0
    value = m.solve()
    whole = False
    try:
        while steps < max_steps:
            if (deadline is not None and time.perf_counter() > deadline) or (stop is not None and stop()):
                break
            chosen = _to_fix(generation)
            if not chosen:
                whole = True
                break
            steps += 1
            if not _fix(generation, chosen, fixed):
                break
            value = m.solve()
            if steps % REPRICE_EVERY == 0:
                before = len(generation.rounds)
                generation.run(deadline, stop, None, max_rounds=1, until_stalled=False, smoothing=0.0)
                rounds += len(generation.rounds) - before
                value = m.solve()
        used = frozenset(int(c) for c in np.flatnonzero(m.col_value > _EPS))
    finally:
        # The master is the week's relaxation again; a round without new columns during the
        # dive said nothing about it.
        for column in fixed:
            m.fix(column, 0.0, m.columns[column].upper)
        generation.converged = converged
        generation.value = m.solve()
    return Dive(used, whole, value, steps, rounds)


def _to_fix(generation: ColumnGeneration) -> list[tuple[int, float]]:
    """The unit and duty columns to fix in the next step, each with its new lower bound: those
    almost whole, or else the one nearest to whole; none when all are whole."""
    m = generation.master
    almost: list[tuple[int, float]] = []
    nearest: tuple[float, int, float] | None = None
    values = m.col_value
    for c in np.flatnonzero(values > _EPS).tolist():
        column = m.columns[c]
        if column.kind not in ("x", "y"):
            continue
        value = float(values[c])
        part = value - math.floor(value + _EPS)
        if part <= _EPS:
            continue  # whole already
        up = float(math.ceil(value - _EPS))
        if part >= ALMOST_WHOLE:
            almost.append((c, up))
        elif nearest is None or part > nearest[0]:
            nearest = (part, c, up)
    if almost:
        return almost
    return [(nearest[1], nearest[2])] if nearest is not None else []


def _fix(generation: ColumnGeneration, chosen: list[tuple[int, float]], fixed: list[int]) -> bool:
    """Raise the chosen columns' lower bounds; where the master then has no solution, bound
    the nearest-to-whole column above instead (rounded down).  False when neither works."""
    m = generation.master
    for column, lower in chosen:
        m.fix(column, lower, m.columns[column].upper)
        fixed.append(column)
    if m.feasible():
        return True
    for column, _ in chosen:
        m.fix(column, 0.0, m.columns[column].upper)
    if len(chosen) > 1:
        # Together they did not fit: the single nearest to whole, as in a dive of one.
        best = max(chosen, key=lambda item: float(m.col_value[item[0]]) % 1.0)
        return _fix(generation, [best], fixed)
    column, lower = chosen[0]
    m.fix(column, 0.0, lower - 1.0)
    return m.feasible()
