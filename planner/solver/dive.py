"""Diving with re-pricing: a whole plan pushed out of the master itself.

The master's relaxation is driven towards whole values: the unit and duty columns it uses
nearest to whole are rounded up (their lower bound raised), a batch at a time, at most one
column a unit and one an escort in a batch; a batch that leaves the master no solution is
tried again a quarter as large, and a single column that does not fit is rounded down
instead.  The master is solved again, and after every few fixings a round of pricing adds the
columns the fixed master now wants, so that the dive can leave the columns generation found
for the relaxation (a party that lost its escort to a fixed duty finds another itinerary).  It
ends when every unit and duty column is whole (or all but a given part of them), when a fixing
leaves the master no solution, or at the deadline.  The columns of the last master are what
the dive hands to the exact model's search, its whole columns the search's start; the master's
bounds are then restored, so that it is again the relaxation of the week.

Rounds priced during the dive are rounds of the generation like any other: their Lagrangian
bounds are valid (the multipliers are the fixed master's row duals, of the right signs), only
weaker, and the best bound of all rounds is kept.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from planner.journeys import EscortOption
from planner.solver.generation import ColumnGeneration

# A column at least this whole is fixed in the same step as the others.
ALMOST_WHOLE = 0.9
# Fixing steps between two rounds of pricing.
REPRICE_EVERY = 3
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Dive:
    """What a dive ended with: the columns its last master used, those of them whole (unit and
    duty columns, with their whole values), whether every one was whole, its value (rupiah)
    and the fixing steps and pricing rounds it took."""

    columns: frozenset[int]
    whole: bool
    value: float
    steps: int
    rounds: int
    taken: dict[int, int] = field(default_factory=dict)


def dive(
    generation: ColumnGeneration,
    deadline: float | None = None,
    stop: Callable[[], bool] | None = None,
    max_steps: int = 200,
    until: float = 0.0,
    reprice: bool = True,
    resolve: bool = True,
) -> Dive:
    """Dive from the master's present relaxation; with ``deadline`` None the dive is bounded
    by ``max_steps`` alone (reproducible).  It stops once at most ``until`` of the unit and
    duty columns the master uses are fractional (0: whole), leaving the rest to the exact
    model's search.  Without ``reprice`` no round is priced: on large weeks a round takes
    longer than the dive.  Without ``resolve`` the master's bounds are freed but it is not
    solved again: its last solution stays the dive's until columns or a solve come."""
    m = generation.master
    converged = generation.converged
    fixed: list[int] = []
    rounds = steps = 0
    value = m.solve()
    whole = False
    batch = 1
    try:
        while steps < max_steps:
            if (deadline is not None and time.perf_counter() > deadline) or (stop is not None and stop()):
                break
            chosen, fractional, used = _to_fix(generation)
            if not chosen:
                whole = True
                break
            if fractional <= until * used:
                break
            steps += 1
            # Batches grow while they fit and shrink when they do not: a large week's master
            # has too many fractional columns to fix one a step in the time (docs/solver.md).
            almost = sum(1 for _, part in chosen if part >= ALMOST_WHOLE)
            batch = min(len(chosen), max(2 * batch, almost, 1))
            fits, batch = _fix(generation, chosen, batch, fixed)
            if not fits:
                break
            value = m.solve()
            if reprice and steps % REPRICE_EVERY == 0:
                before = len(generation.rounds)
                generation.run(deadline, stop, None, max_rounds=1, until_stalled=False, smoothing=0.0)
                rounds += len(generation.rounds) - before
                value = m.solve()
        values = m.col_value
        used_columns = frozenset(int(c) for c in np.flatnonzero(values > _EPS))
        taken = {
            c: round(float(values[c]))
            for c in used_columns
            if m.columns[c].kind in ("x", "y") and abs(values[c] - round(float(values[c]))) <= _EPS
        }
    finally:
        # The master is the week's relaxation again; a round without new columns during the
        # dive said nothing about it.
        for column in fixed:
            m.fix(column, 0.0, m.columns[column].upper)
        generation.converged = converged
        if resolve:
            generation.value = m.solve()
    return Dive(used_columns, whole, value, steps, rounds, taken)


def _to_fix(generation: ColumnGeneration) -> tuple[list[tuple[int, float]], int, int]:
    """The fractional unit and duty columns the master uses, nearest to whole first, at most
    one a unit and one an escort (two of a unit rounded up together leave no solution), each
    with how whole it is; how many are fractional, and how many are used."""
    m = generation.master
    values = m.col_value
    fractional: list[tuple[float, int]] = []
    used = 0
    for c in np.flatnonzero(values > _EPS).tolist():
        column = m.columns[c]
        if column.kind not in ("x", "y"):
            continue
        used += 1
        value = float(values[c])
        part = value - math.floor(value + _EPS)
        if part > _EPS:
            fractional.append((part, c))
    fractional.sort(key=lambda item: (-item[0], item[1]))
    seen: set[tuple[str, object]] = set()
    chosen: list[tuple[int, float]] = []
    for part, c in fractional:
        column = m.columns[c]
        key = ("unit", column.unit) if column.kind == "x" else ("escort", _escort(column.option))
        if key not in seen:
            seen.add(key)
            chosen.append((c, part))
    return chosen, len(fractional), used


def _escort(option: EscortOption | None) -> str:
    assert option is not None
    return option.escort_id


def _fix(
    generation: ColumnGeneration, chosen: list[tuple[int, float]], batch: int, fixed: list[int]
) -> tuple[bool, int]:
    """Round up the first ``batch`` chosen columns (raise their lower bounds to the next whole
    value); where the master then has no solution, a quarter as many, down to one, whose upper
    bound is rounded down instead when it alone does not fit.  Whether a fixing held, and the
    batch that did."""
    m = generation.master
    values = m.col_value
    while True:
        part = chosen[:batch]
        ups = [(c, float(math.ceil(float(values[c]) - _EPS))) for c, _ in part]
        for column, up in ups:
            m.fix(column, up, m.columns[column].upper)
        if m.feasible():
            fixed.extend(c for c, _ in ups)
            return True, batch
        for column, _ in ups:
            m.fix(column, 0.0, m.columns[column].upper)
        if batch == 1:
            column, up = ups[0]
            m.fix(column, 0.0, up - 1.0)
            fixed.append(column)
            return m.feasible(), 1
        batch = max(1, batch // 4)
