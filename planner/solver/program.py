"""A linear program built a column at a time, its rows named by keys, solved once by HiGHS:
the bounds' own programs (``parties``, ``flows``), which are not kept between rounds."""

from __future__ import annotations

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

    def entry(self, key: RowKey, column: int, value: float) -> None:
        self.rows.append(self.row(key))
        self.cols.append(column)
        self.values.append(value)

    def solve(self, seconds: float | None = None) -> float | None:
        """The least value; None when HiGHS ends without an optimum (or out of time)."""
        if not self.cost:
            return 0.0
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
        if seconds is not None:
            solver.setOptionValue("time_limit", max(seconds, 0.1))
        solver.passModel(program)
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return float(solver.getInfo().objective_function_value)
