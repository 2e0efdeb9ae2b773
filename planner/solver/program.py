"""A linear program built a column at a time, its rows named by keys, solved once by HiGHS:
the bounds' own programs (``parties``, ``flows``), which are not kept between rounds."""

from __future__ import annotations

import threading
import time
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

    def add_at(self, cost: float, rows: list[int], values: list[float], upper: float = INF) -> int:
        """``add`` with the rows given by index (``row``), for columns made by the thousand."""
        column = len(self.cost)
        self.cost.append(cost)
        self.lower.append(0.0)
        self.upper.append(upper)
        self.rows.extend(rows)
        self.cols.extend([column] * len(rows))
        self.values.extend(values)
        return column

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

    def highs(self) -> highspy.Highs:
        """The program in a HiGHS instance of its own, not yet solved."""
        shape = (len(self.row_lower), len(self.cost))
        matrix = csc_matrix((self.values, (self.rows, self.cols)), shape=shape)
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
        shape = (len(self.row_lower), len(self.cost))
        matrix = csc_matrix((self.values, (self.rows, self.cols)), shape=shape)
        reduced = np.array(self.cost) - matrix.T @ y
        return float(sides.sum() + np.where(reduced < 0, reduced * col_upper, reduced * col_lower).sum())


class Beside:
    """A program solved in a thread of its own until ``until`` (``time.perf_counter()``), or
    until ``finish``: HiGHS lets go of the interpreter while it solves, so the program runs
    on the second core.  Stopped early, its duals still give a bound (``Program.least``)."""

    def __init__(self, program: Program, until: float) -> None:
        self.value: float | None = None
        self._failed: BaseException | None = None
        self._solver = program.highs()
        self._solver.setOptionValue("time_limit", max(until - time.perf_counter(), 0.1))
        # Not a daemon: a thread inside HiGHS at the interpreter's exit aborts the process.
        self._thread = threading.Thread(target=self._solve, args=(program,), name="program")
        self._thread.start()

    def _solve(self, program: Program) -> None:
        try:
            self.value = program.least(self._solver)
        except BaseException as failure:  # handed to the caller of finish()
            self._failed = failure

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def finish(self, wait: bool = False) -> float | None:
        """Stop the solve where it is (``wait``: let it end by itself), and its lower bound
        (None if it gave none)."""
        while not wait and not self.done:
            # Again until it ends: a cancel that comes before HiGHS begins its run may be lost.
            self._solver.cancelSolve()  # type: ignore[no-untyped-call]
            self._thread.join(0.05)
        self._thread.join()
        if self._failed is not None:
            raise self._failed
        return self.value
