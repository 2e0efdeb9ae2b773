"""A linear program built a column at a time, its rows named by keys, solved once by HiGHS:
the bounds' own programs (``parties``, ``flows``), which are not kept between rounds."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import csc_matrix

from planner.solver.master import RowKey

INF = highspy.kHighsInf


@dataclass
class Program:
    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    row_index: dict[RowKey, int] = field(default_factory=dict)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    # The matrix as last made, and the sizes it was made at (``matrix``).
    _made: tuple[tuple[int, int, int], csc_matrix] | None = field(default=None, repr=False, compare=False)

    def row(self, key: RowKey, lower: float = -INF, upper: float = 0.0) -> int:
        """The row of ``key``, made with these bounds when new (a row is <= 0 by default)."""
        found = self.row_index.get(key)
        if found is None:
            found = self.row_index[key] = len(self.row_lower)
            self.row_lower.append(lower)
            self.row_upper.append(upper)
        return found

    def bound(self, key: RowKey, lower: float, upper: float) -> None:
        index = self.row(key)
        self.row_lower[index], self.row_upper[index] = lower, upper

    def add(self, cost: float, entries: dict[RowKey, float], upper: float = INF, lower: float = 0.0) -> int:
        column = len(self.cost)
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        for key, value in entries.items():
            self.entry(key, column, value)
        return column

    def add_many(
        self, cost: np.ndarray, upper: np.ndarray, rows: np.ndarray, columns: np.ndarray, values: np.ndarray
    ) -> int:
        """Columns by the thousand: their costs and upper bounds (lower 0), and their entries
        (``rows`` by index, ``columns`` counted from the first of them); the first's index."""
        first = len(self.cost)
        self.cost.extend(cost.tolist())
        self.lower.extend([0.0] * len(cost))
        self.upper.extend(upper.tolist())
        self.rows.extend(rows.tolist())
        self.cols.extend((columns + first).tolist())
        self.values.extend(values.tolist())
        return first

    def entry(self, key: RowKey, column: int, value: float) -> None:
        self.rows.append(self.row(key))
        self.cols.append(column)
        self.values.append(value)

    def solve(self, seconds: float | None = None) -> float | None:
        """The least value; None when HiGHS ends without an optimum (or out of time)."""
        if not self.cost:
            return 0.0
        solver = self.highs()
        if seconds is not None:
            solver.setOptionValue("time_limit", max(seconds, 0.1))
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return float(solver.getInfo().objective_function_value)

    def matrix(self) -> csc_matrix:
        """The rows' entries by column, made once for the program as it is then."""
        shape = (len(self.row_lower), len(self.cost))
        made = self._made
        if made is None or made[0] != (*shape, len(self.values)):
            made = self._made = (
                (*shape, len(self.values)),
                csc_matrix((self.values, (self.rows, self.cols)), shape=shape),
            )
        return made[1]

    def highs(self) -> highspy.Highs:
        """The program in a HiGHS instance of its own, not yet solved."""
        shape = (len(self.row_lower), len(self.cost))
        matrix = self.matrix()
        program = highspy.HighsLp()
        program.num_col_, program.num_row_ = shape[1], shape[0]
        program.col_cost_ = np.array(self.cost)
        program.col_lower_ = np.array(self.lower)
        program.col_upper_ = np.array(self.upper)
        program.row_lower_ = np.array(self.row_lower)
        program.row_upper_ = np.array(self.row_upper)
        program.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        program.a_matrix_.start_ = matrix.indptr
        program.a_matrix_.index_ = matrix.indices
        program.a_matrix_.value_ = matrix.data
        solver = highspy.Highs()  # type: ignore[no-untyped-call]
        solver.setOptionValue("output_flag", False)
        solver.passModel(program)
        return solver

    def least(self, solver: highspy.Highs) -> float | None:
        """A lower bound of the least value, from ``solver`` (``highs()``, its limits set) run
        as far as it goes: the optimum if it gets there, else the Lagrangian bound at the row
        duals it has (every column is boxed, so any duals of the right signs give one).  The
        dual simplex without presolve keeps its duals when stopped, and they improve as it
        goes.  None when a column is not boxed, or no duals came back."""
        if not self.cost:
            return 0.0
        solver.setOptionValue("presolve", "off")
        solver.setOptionValue("solver", "simplex")
        solver.run()
        if solver.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            return float(solver.getInfo().objective_function_value)
        duals = np.asarray(solver.getSolution().row_dual, dtype=float)
        if len(duals) != len(self.row_lower):
            return None
        return self.box_bound(duals)

    def rising(self, until: float, first: float = 1.0, most: float = 4.0) -> Iterator[float]:
        """Lower bounds of the least value, each above the last, until ``until``
        (``time.perf_counter()``) or the optimum (the last one then).  The dual simplex runs in
        slices of ``first`` seconds, doubled up to ``most``, each from the last one's basis, and
        each slice's duals give a bound (``least``).  HiGHS's ``cancelSolve`` was not heeded
        for most of a minute on the 500-case week's program, so a caller stops this between
        slices, or ends the process it runs in."""
        if not self.cost:
            yield 0.0
            return
        solver = self.highs()
        best = -math.inf
        seconds = first
        while (left := until - time.perf_counter()) > 0:
            solver.setOptionValue("time_limit", solver.getRunTime() + min(seconds, left))
            seconds = min(2 * seconds, most)
            value = self.least(solver)
            optimal = solver.getModelStatus() == highspy.HighsModelStatus.kOptimal
            if value is not None and value > best:
                best = value
                yield value
            if optimal or value is None:
                return

    def box_bound(self, duals: np.ndarray) -> float | None:
        """The Lagrangian bound at row multipliers ``duals`` (HiGHS's signs: positive on a
        row's lower side, negative on its upper), each clipped to the sides the row has: the
        multipliers times the sides, plus each column at the end of its box where its
        reduced cost takes it.  None when a column is not boxed."""
        lower, upper = np.array(self.row_lower), np.array(self.row_upper)
        col_lower, col_upper = np.array(self.lower), np.array(self.upper)
        if not (np.isfinite(col_lower).all() and np.isfinite(col_upper).all()):
            return None
        y = np.where(lower <= -INF, np.minimum(duals, 0.0), duals)
        y = np.where(upper >= INF, np.maximum(y, 0.0), y)
        sides = np.where(
            y > 0, y * np.where(lower <= -INF, 0.0, lower), y * np.where(upper >= INF, 0.0, upper)
        )
        reduced = np.array(self.cost) - self.matrix().T @ y
        return float(sides.sum() + np.where(reduced < 0, reduced * col_upper, reduced * col_lower).sum())
