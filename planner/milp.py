"""The same model as one monolithic MILP, solved by HiGHS: a yardstick for the CP-SAT search.

The CP-SAT model of ``planner.model`` is linear: even the escorts' no-overlap rule is stated as
linear rows (``ReturnModel._busy``), exact for duties fixed in time.  So the MILP is read
straight off the CP-SAT model: same variables, same rows, same objective; nothing is modelled
twice.
"""

from __future__ import annotations

import heapq
import math
import os
import sys
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

from planner.journeys import EscortOption
from planner.model import Cut, ReturnModel, Solution, idr_bound, money_unit

_INF = highspy.kHighsInf
_HUGE = 2**62  # CP-SAT's open domain ends
# One HiGHS solve at a time in this process: a part's duty tree may still be solving its last
# node when the next part's relaxation starts, and HiGHS shares one scheduler per process.
_SOLVING = threading.Lock()
# A value closer than this to a whole number is whole (HiGHS's own feasibility tolerance).
_WHOLE = 1e-6


@dataclass(frozen=True, slots=True)
class MilpSize:
    variables: int
    rows: int
    nonzeros: int


class HighsModel:
    """A ``ReturnModel`` handed to HiGHS, its money counted in the largest unit that divides
    every amount (``money_unit``): in rupiah, HiGHS's simplex stalls on some weeks."""

    def __init__(self, model: ReturnModel) -> None:
        self.model = model
        self.unit = money_unit(model.p.scenario)
        self.highs = _quiet_highs()
        self.size = self._translate()

    def relaxation(self, time_limit: float) -> list[float] | None:
        """The linear relaxation's optimal values by variable index, or None when HiGHS does
        not solve it within ``time_limit`` seconds.  The simplex is serial: the same values
        on every run.  (The thread count is left alone: HiGHS keeps one thread pool per
        process and refuses to run when it changes.)"""
        h, count = self.highs, self.size.variables
        h.changeColsIntegrality(
            count, np.arange(count, dtype=np.int32), np.full(count, highspy.HighsVarType.kContinuous)
        )
        _limit(h, time_limit)
        with _SOLVING:
            h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return list(h.getSolution().col_value)

    def add_cuts(self, cuts: list[Cut]) -> None:
        """Add rows of the model's own variables that name no money (``ReturnModel.ride_cuts``),
        so they are read as they are.  The next ``relaxation`` starts from the last basis."""
        starts: list[int] = []
        columns: list[int] = []
        values: list[float] = []
        for names, coeffs, _ in cuts:
            assert not any(v in self.model.money_variables for v in names)
            starts.append(len(columns))
            columns += names
            values += coeffs
        self.highs.addRows(
            len(cuts),
            np.full(len(cuts), -_INF),
            np.array([upper for _, _, upper in cuts], float),
            len(columns),
            np.array(starts, np.int32),
            np.array(columns, np.int32),
            np.array(values, float),
        )

    def relaxation_bound(self) -> int:
        """After ``relaxation``: its optimum as a bound of the model, in rupiah.  Every plan's
        total is a whole number of the model's money units, so the optimum rounds up, once
        HiGHS's tolerance (relative 1e-7 on the objective) is taken off."""
        return self.in_idr_bound(self.highs.getInfo().objective_function_value)

    def in_idr_bound(self, value: float) -> int:
        """An optimum of the relaxation (or of a part of it) in the model's money unit, as a
        bound in rupiah."""
        return max(0, idr_bound(value - 1e-6 * abs(value), self.unit))

    def _translate(self) -> MilpSize:
        """The model's rows and objective with money in ``self.unit``: every amount is a
        multiple of it, so dividing the money variables' bounds, the rows that name them and
        the objective by the ratio of the units is exact."""
        proto, h = _message(self.model.m), self.highs
        ratio = self.unit // self.model.unit
        money_variables = self.model.money_variables
        domains = np.array([(v.domain[0], v.domain[-1]) for v in proto.variables], float).reshape(-1, 2)
        domains[money_variables.start : money_variables.stop] /= ratio
        count = len(domains)
        h.addVars(count, domains[:, 0], domains[:, 1])
        everything = np.arange(count, dtype=np.int32)
        h.changeColsIntegrality(count, everything, np.full(count, highspy.HighsVarType.kInteger))
        cost = np.zeros(count)
        for var, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
            cost[var] = coeff / ratio
        h.changeColsCost(count, everything, cost)
        # With the constant part of total_idr (everyone's waiting if unplanned) inside the
        # model, HiGHS's relative gap is the gap of total_idr, as CP-SAT's is.
        h.changeObjectiveOffset(float(proto.objective.offset) / ratio)
        # The rows are gathered first and handed over at once: one call per row cost seconds.
        lows: list[float] = []
        highs: list[float] = []
        starts: list[int] = []
        columns: list[int] = []
        values: list[float] = []
        for constraint in proto.constraints:
            kind = constraint.WhichOneof("constraint")
            if len(constraint.enforcement_literal) and kind != "interval":
                raise ValueError("the MILP reading handles no enforced constraints")
            if kind == "linear":
                linear = constraint.linear
                bounds = list(linear.domain)
                if len(bounds) != 2:
                    raise ValueError("the MILP reading handles linear rows over one interval only")
                names = list(linear.vars)
                coeffs = list(linear.coeffs)
                row_ratio = 1
                if ratio != 1 and any(v in money_variables for v in names):
                    # A money row: divided by the ratio, with its money variables counted in
                    # the larger unit, whose coefficients therefore stay.
                    row_ratio = ratio
                    coeffs = [
                        c if v in money_variables else c / ratio for v, c in zip(names, coeffs, strict=True)
                    ]
                starts.append(len(columns))
                lows.append(-_INF if bounds[0] <= -_HUGE else bounds[0] / row_ratio)
                highs.append(_INF if bounds[1] >= _HUGE else bounds[1] / row_ratio)
                columns += names
                values += coeffs
            elif kind == "bool_or":
                # At least one literal true; a negated literal ~v counts as (1 - v).
                terms: dict[int, float] = defaultdict(float)
                low = 1.0
                for literal in constraint.bool_or.literals:
                    if literal >= 0:
                        terms[literal] += 1.0
                    else:
                        terms[-literal - 1] -= 1.0
                        low -= 1.0
                starts.append(len(columns))
                lows.append(low)
                highs.append(_INF)
                for var in sorted(terms):
                    columns.append(var)
                    values.append(terms[var])
            elif kind in ("interval", "no_overlap"):
                continue  # stated again as the linear busy rows
            else:
                raise ValueError(f"the MILP reading does not handle {constraint}")
        rows, nonzeros = len(starts), len(columns)
        h.addRows(
            rows,
            np.array(lows, float),
            np.array(highs, float),
            nonzeros,
            np.array(starts, np.int32),
            np.array(columns, np.int32),
            np.array(values, float),
        )
        return MilpSize(count, rows, nonzeros)

    def solve(self, time_limit: float, threads: int = 2, gap: float = 0.0) -> Solution:
        """Solve until proven within ``gap`` of ``total_idr`` or ``time_limit`` seconds."""
        h = self.highs
        _limit(h, time_limit)
        h.setOptionValue("threads", threads)
        h.setOptionValue("mip_rel_gap", gap)
        h.run()
        info = h.getInfo()
        status = h.getModelStatus()
        # Before its first LP (a presolve cut short by the time limit) HiGHS knows no bound.
        dual = info.mip_dual_bound
        bound = max(0, idr_bound(dual, self.unit)) if math.isfinite(dual) else 0
        if info.primal_solution_status != 2:  # no feasible plan found
            name = "infeasible" if status == highspy.HighsModelStatus.kInfeasible else "unknown"
            return Solution({}, {}, 0, bound, name)
        values = h.getSolution().col_value
        m = self.model
        travel = {key: round(values[var.index]) for key, var in m.x.items() if round(values[var.index])}
        escorts: dict[int, list[EscortOption]] = defaultdict(list)
        for (j, o), var in sorted(m.y.items()):
            if round(values[var.index]):
                escorts[j].append(m.p.options[j][o])
        objective = round(info.objective_function_value) * self.unit
        # HiGHS says optimal when it stops at the gap asked for; the plan says what was proven.
        bound = min(bound, objective)
        return Solution(
            travel, dict(escorts), objective, bound, "optimal" if bound >= objective else "feasible"
        )


class DutyTree:
    """Branch and bound over the escort duties alone, on the linear relaxation.

    Where the budget is tight, most of what the relaxation misses is that an escort goes
    whole: on the 80-case busy week (seed 4) it pays 0.86 of an escort for 0.86 of a family,
    and so fits the family and three more cases into a budget that holds one or the other.
    The relaxation with every duty whole (the cases and vehicles still fractional) is Rp
    238.6 M against 233.6 M, and the best plan known is Rp 240.2 M; CP-SAT's own bound after
    30 s is Rp 235.0 M, and HiGHS's after 90 s Rp 237.0 M.  This tree branches on nothing but
    the duties, the most fractional one (weighted by its cost) first, and always opens the
    node whose relaxation is lowest, so that its bound, the lowest open node, rises as fast as
    it can.  Each node re-solves the relaxation from the last basis with changed bounds.

    The bound holds for every plan: each plan takes its duties whole, so it lies under one
    leaf.  A node no lower than the best plan known (``incumbent``) cannot hold a better one
    and is dropped, which is why the bound also counts the incumbent.
    """

    def __init__(self, model: HighsModel, values: list[float]) -> None:
        self.model = model
        lp = model.highs.getLp()
        self._lower = np.array(lp.col_lower_)
        self._upper = np.array(lp.col_upper_)
        self._cost = np.array(lp.col_cost_)
        self._duties = np.array(sorted(var.index for var in model.model.y.values()), np.int64)
        self._changed: set[int] = set()
        # Open nodes: the parent's relaxation, the order pushed, the duties fixed, and the
        # parent's final basis, from which the node is solved in tens of iterations instead
        # of hundreds (twice the nodes in the same time on the 80-case busy week).
        self._open: list[tuple[float, int, dict[int, float], highspy.HighsBasis | None]] = []
        self._pushed = 0
        self._settled: list[float] = []  # relaxations of leaves, and of nodes not solved in time
        # Every column some node's relaxation used: where plans better than the search's may be.
        self.seen = np.asarray(values) > _WHOLE
        self._branch(model.highs.getInfo().objective_function_value, {}, np.asarray(values), None)

    @property
    def done(self) -> bool:
        """Nothing left to open, or the lowest node is settled: the bound is final."""
        return not self._open or (bool(self._settled) and min(self._settled) <= self._open[0][0])

    def bound(self, incumbent: float | None = None) -> float:
        """The lowest relaxation any plan below the tree (or better than ``incumbent``) may
        have, in the model's money unit."""
        lowest = [*self._settled, *(node[0] for node in self._open[:1])]
        if incumbent is not None:
            lowest.append(incumbent)
        return min(lowest) if lowest else math.inf

    def step(self, seconds: float, incumbent: float | None = None) -> None:
        """Open the lowest node, in at most ``seconds``."""
        parent, _, fixed, basis = heapq.heappop(self._open)
        if incumbent is not None and parent >= incumbent:
            return
        h = self.model.highs
        columns = np.array(sorted(self._changed | fixed.keys()), np.int32)
        if len(columns):
            values = np.array([fixed.get(c, math.nan) for c in columns])
            keep = np.isnan(values)
            lower = np.where(keep, self._lower[columns], values)
            upper = np.where(keep, self._upper[columns], values)
            h.changeColsBounds(len(columns), columns, lower, upper)
        self._changed = set(fixed)
        if basis is not None:
            h.setBasis(basis)
        _limit(h, max(0.01, seconds))
        with _SOLVING:
            h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return  # no plan takes these duties
        if status != highspy.HighsModelStatus.kOptimal:
            self._settled.append(parent)  # not solved in time: it proves no more than its parent
            return
        value = h.getInfo().objective_function_value
        if incumbent is not None and value >= incumbent:
            return
        solution = np.asarray(h.getSolution().col_value)
        self.seen |= solution > _WHOLE
        self._branch(value, fixed, solution, h.getBasis())

    def _branch(
        self, value: float, fixed: dict[int, float], solution: np.ndarray, basis: highspy.HighsBasis | None
    ) -> None:
        duties = solution[self._duties]
        fraction = np.minimum(duties - np.floor(duties), np.ceil(duties) - duties)
        score = np.where(fraction > _WHOLE, fraction * (np.abs(self._cost[self._duties]) + 1), 0.0)
        if not len(score) or score.max() <= 0:
            self._settled.append(value)  # every duty whole: a leaf
            return
        column = int(self._duties[int(score.argmax())])
        for taken in (1.0, 0.0):
            self._pushed += 1
            heapq.heappush(self._open, (value, self._pushed, {**fixed, column: taken}, basis))


def _message(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """The model as a protobuf message.  ``CpModel.proto`` wraps the C++ message, and reading
    it element by element from Python took 1.3 s on the 150-case busy week; its bytes parsed
    by protobuf's own (upb) reader are read in a third of that."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pb"
        model.export_to_file(str(path))
        message = cp_model_pb2.CpModelProto()
        message.ParseFromString(path.read_bytes())
    return message


def _limit(highs: highspy.Highs, seconds: float) -> None:
    """Let the next run take ``seconds`` more.  HiGHS's time limit counts every run of the
    instance since it was made: set to the seconds left, the duty tree's nodes ran out of
    time once the relaxation and the nodes before had taken as long as was left, about half
    way, and each node after proved no more than its parent."""
    highs.setOptionValue("time_limit", highs.getRunTime() + float(seconds))


def _quiet_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing.  HiGHS 1.16 writes its banner to the process's
    standard output when it is created, before any option can be set, so that one moment
    runs with the output file descriptor pointed at /dev/null."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    return highs
