"""What-if sweeps: the variants of a week, each solved and checked on its own.

A sweep varies a week along axes and takes every combination (the cartesian product):

- ``budget=0.7,0.85,1.0,1.2``: every budget line's ceiling times the factor, or only the
  line named by ``line_id`` (``repat sweep --line ID``).  Ceilings are rounded to the rupiah.
- ``escorts=+0,+2,+4``: that many escorts added as copies of the week's own escorts, with
  their sex, skills, base, free days, allowance and case limit.  The escorts copied are taken
  round-robin over the week's escorts in the order they are listed, women first when any case
  needs a woman escort (``female_escort``), so that two added escorts of a week with women
  victims are two women where the week has two.  A copy of ``E3`` is ``E3+1`` (the second
  copy of it ``E3+2``).
- ``fares=1.0,1.2``: every service's fare and every road link's fare and vehicle price times
  the factor; ``fares.ferry=1.2`` only the ferries' (any mode: ferry, flight, bus, train on
  services; car and bus on road links).  Fares are rounded to the rupiah.

Each :class:`Variant` is named (``v03``) and described in words; :func:`solve_variant` plans it
with the column generation solver, checks the plan and returns a small :class:`VariantResult`.
No file format and no distributed engine here: ``planner.cluster`` runs the variants as tasks,
``planner.reports.sweep`` writes what they found.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from dataclasses import dataclass, replace

from planner.check import check_plan, waiting_days
from planner.optimizer import Options
from planner.plan import Plan
from planner.scenario import MODES, Escort, Scenario
from planner.solver.search import ColumnOptimizer

AXES: tuple[str, ...] = ("budget", "escorts", "fares", *(f"fares.{mode}" for mode in MODES))
MAX_FACTOR = 100.0
MAX_ADDED = 1000


class SweepError(ValueError):
    """A sweep that cannot be made: a bad ``--vary`` value, an unknown line. Said in words."""


@dataclass(frozen=True, slots=True)
class Axis:
    """One thing varied and its values: factors for budget and fares, escorts added."""

    name: str
    values: tuple[float, ...]


def parse_axis(text: str) -> Axis:
    """``budget=0.7,1.0`` -> ``Axis("budget", (0.7, 1.0))``; ``escorts=+0,+2`` -> (0, 2).

    Raises :class:`SweepError` with what to write instead.
    """
    name, sep, values = text.partition("=")
    name = name.strip().lower()
    if not sep or not values.strip():
        raise SweepError(f"'{text}' is not NAME=VALUES, e.g. budget=0.7,0.85,1.0 or escorts=+0,+2")
    if name not in AXES:
        raise SweepError(f"'{name}' cannot be varied; vary one of: {', '.join(AXES)}")
    parsed: list[float] = []
    for raw in values.split(","):
        word = raw.strip()
        if name == "escorts":
            try:
                added = int(word)
            except ValueError:
                raise SweepError(
                    f"escorts: '{word}' is not a whole number of escorts to add, e.g. +0,+2,+4"
                ) from None
            if not 0 <= added <= MAX_ADDED:
                raise SweepError(f"escorts: '{word}' must be from +0 to +{MAX_ADDED} escorts added")
            parsed.append(float(added))
        else:
            try:
                factor = float(word)
            except ValueError:
                raise SweepError(f"{name}: '{word}' is not a factor, e.g. 0.85 or 1.2") from None
            if not 0 <= factor <= MAX_FACTOR:  # also refuses nan
                raise SweepError(f"{name}: '{word}' must be a factor from 0 to {MAX_FACTOR:g}")
            parsed.append(factor)
    if len(set(parsed)) != len(parsed):
        raise SweepError(f"{name}: a value is given twice in '{values}'")
    return Axis(name, tuple(parsed))


@dataclass(frozen=True, slots=True)
class Variant:
    """One combination of the axes' values: the week with its budget, escorts and fares changed."""

    name: str
    budget: float = 1.0
    line_id: str | None = None  # None: every line's ceiling is scaled
    escorts_added: int = 0
    fares: tuple[tuple[str, float], ...] = ()  # (mode or "all", factor), applied in order

    @property
    def fare_factor(self) -> float:
        """The factor on all fares (1.0 when only some modes', or none, change)."""
        return next((f for mode, f in self.fares if mode == "all"), 1.0)

    def parameters(self) -> dict[str, str | float | int]:
        """The variant's values by axis, as a table's columns show them."""
        found: dict[str, str | float | int] = {
            "budget": self.budget,
            "line": self.line_id or "all",
            "escorts": self.escorts_added,
        }
        for mode, factor in self.fares:
            found["fares" if mode == "all" else f"fares.{mode}"] = factor
        return found

    def describe(self) -> str:
        """The variant in words: ``budget x0.85 on B-PROV, 2 escorts added, ferry fares x1.2``."""
        where = f" on {self.line_id}" if self.line_id else ""
        parts = [f"budget x{self.budget:g}{where}", f"{self.escorts_added} escort(s) added"]
        for mode, factor in self.fares:
            parts.append(f"{'all' if mode == 'all' else mode} fares x{factor:g}")
        return ", ".join(parts)

    def apply(self, scenario: Scenario) -> Scenario:
        """The week as this variant has it."""
        lines = tuple(
            replace(line, ceiling_idr=round(line.ceiling_idr * self.budget))
            if self.line_id is None or line.budget_line_id == self.line_id
            else line
            for line in scenario.budget_lines
        )
        services, links = scenario.services, scenario.links
        for mode, factor in self.fares:
            services = tuple(
                replace(s, fare_idr=round(s.fare_idr * factor)) if mode in ("all", s.mode) else s
                for s in services
            )
            links = tuple(
                replace(
                    link,
                    fare_idr=round(link.fare_idr * factor),
                    vehicle_cost_idr=round(link.vehicle_cost_idr * factor),
                )
                if mode in ("all", link.mode)
                else link
                for link in links
            )
        escorts = scenario.escorts + added_escorts(scenario, self.escorts_added)
        return replace(scenario, budget_lines=lines, services=services, links=links, escorts=escorts)


def copy_order(scenario: Scenario) -> tuple[Escort, ...]:
    """The escorts in the order they are copied: as listed, women first when a case of the week
    needs a woman escort."""
    escorts = scenario.escorts
    if any("female_escort" in case.needs for case in scenario.cases):
        escorts = tuple(e for e in escorts if e.sex == "F") + tuple(e for e in escorts if e.sex != "F")
    return escorts


def added_escorts(scenario: Scenario, count: int) -> tuple[Escort, ...]:
    """``count`` copies of the week's escorts, round-robin in :func:`copy_order`."""
    order = copy_order(scenario)
    if count and not order:
        raise SweepError("escorts cannot be added: the week has no escort to copy")
    taken: Counter[str] = Counter()
    copies: list[Escort] = []
    for index in range(count):
        original = order[index % len(order)]
        taken[original.escort_id] += 1
        copy_id = f"{original.escort_id}+{taken[original.escort_id]}"
        copies.append(replace(original, escort_id=copy_id, name=f"extra escort like {original.escort_id}"))
    return tuple(copies)


def variants(scenario: Scenario, axes: list[Axis], line_id: str | None = None) -> tuple[Variant, ...]:
    """Every combination of the axes' values, named ``v01``, ``v02``... in the product's order
    (the first axis varies slowest).  An axis given twice, or ``line_id`` not in the week, is a
    :class:`SweepError`."""
    names = [axis.name for axis in axes]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SweepError(f"{', '.join(twice)} varied twice: give each axis once, with all its values")
    if line_id is not None and not scenario.has_budget_line(line_id):
        known = ", ".join(line.budget_line_id for line in scenario.budget_lines)
        raise SweepError(f"--line '{line_id}' is not a budget line of the week (it has {known})")
    if line_id is not None and "budget" not in names:
        raise SweepError("--line names the line whose budget varies: give --vary budget=... with it")
    if any(a.name == "escorts" and any(v > 0 for v in a.values) for a in axes) and not scenario.escorts:
        raise SweepError("escorts cannot be added: the week has no escort to copy")
    width = max(2, len(str(_count(axes))))
    found: list[Variant] = []
    for index, values in enumerate(itertools.product(*(axis.values for axis in axes)), start=1):
        chosen = dict(zip(names, values, strict=True))
        fares = tuple(
            ("all" if name == "fares" else name.removeprefix("fares."), chosen[name])
            for name in names
            if name.startswith("fares")
        )
        found.append(
            Variant(
                name=f"v{index:0{width}d}",
                budget=chosen.get("budget", 1.0),
                line_id=line_id,
                escorts_added=int(chosen.get("escorts", 0)),
                fares=fares,
            )
        )
    return tuple(found)


def _count(axes: list[Axis]) -> int:
    total = 1
    for axis in axes:
        total *= len(axis.values)
    return total


@dataclass(frozen=True, slots=True)
class VariantResult:
    """What one variant's plan comes to: small enough to send back from a worker."""

    variant: Variant
    description: str
    cases: int
    planned: int  # people home
    money_by_line: dict[str, int]  # rupiah charged to each budget line of the week
    cost_idr: int
    waiting_days: int  # all cases' days of waiting, planned or not (the contract's count)
    total_idr: int
    bound_idr: int
    gap: float
    status: str  # the plan's: optimal, feasible, timeout; "failed" when no plan was made
    check: str  # "ok", or the number of broken rules and the first
    seconds: float
    attempts: int = 1
    error: str | None = None  # why the variant failed, when it did
    worker: str = ""  # where it was solved

    @property
    def failed(self) -> bool:
        return self.error is not None


def failed_result(variant: Variant, error: str, attempts: int) -> VariantResult:
    """The row of a variant that gave no plan."""
    return VariantResult(
        variant=variant,
        description=variant.describe(),
        cases=0,
        planned=0,
        money_by_line={},
        cost_idr=0,
        waiting_days=0,
        total_idr=0,
        bound_idr=0,
        gap=0.0,
        status="failed",
        check="-",
        seconds=0.0,
        attempts=attempts,
        error=error,
    )


def summarise(scenario: Scenario, variant: Variant, plan: Plan, seconds: float) -> VariantResult:
    """A variant's plan, checked, as its row of the sweep."""
    broken = check_plan(scenario, plan)
    money: dict[str, int] = {line.budget_line_id: 0 for line in scenario.budget_lines}
    for charge in plan.charges:
        money[charge.budget_line_id] = money.get(charge.budget_line_id, 0) + charge.amount_idr
    objective = plan.objective
    return VariantResult(
        variant=variant,
        description=variant.describe(),
        cases=len(scenario.cases),
        planned=len(plan.planned_case_ids),
        money_by_line=money,
        cost_idr=objective.cost_idr,
        waiting_days=sum(waiting_days(scenario, plan).values()),
        total_idr=objective.total_idr,
        bound_idr=objective.lower_bound_idr,
        gap=objective.gap,
        status=plan.status,
        check="ok" if not broken else f"{len(broken)} broken: {broken[0]}",
        seconds=round(seconds, 2),
    )


def solve_variant(scenario: Scenario, variant: Variant, options: Options) -> tuple[VariantResult, Plan]:
    """Plan the variant of ``scenario`` with the column generation solver and check the plan."""
    week = variant.apply(scenario)
    started = time.perf_counter()
    plan = ColumnOptimizer(week).plan(options)
    return summarise(week, variant, plan, time.perf_counter() - started), plan
