"""Regions of a week searched apart, what they share divided by the master's relaxation.

A national week has shelters in several regions whose parties ride different services but
share escorts, a few services (an escort's flight out, a ship that calls at two ports) and
national budget lines.  Searched as one exact model, its integer search grows with the whole
week; searched region by region, each model stays the size of its region.  A *region* is the
shelters of one province; regions meet only where they share:

* an escort with options in several regions serves the one where the master's relaxation
  gives it the most duty (whole, so that its duties never overlap across regions);
* a service several regions ride (parties or escorts) has its seats divided in proportion to
  what the relaxation seats there from each region (whole seats, largest remainder);
* a line that could run out and that several regions may charge has its ceiling divided in
  proportion to what the relaxation pays from it for each region, in whole money units.

A vehicle hired on the same link and departure by two regions is hired once for both riders
in the week's plan, which costs no more.  Each region's plan keeps its share, so their union
keeps every rule of the week, and the plan's bound is still the column generation's bound of
the whole week (the shares only restrict where the search looks).  Where the relaxation is whole, its shares are those of a
best plan and the regions apart find it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from planner.model import Problem, money_unit
from planner.optimizer import scarce_lines
from planner.solver.master import Master


@dataclass(frozen=True, slots=True)
class Share:
    """What one region may use of what regions share."""

    escorts: frozenset[str]  # escorts it may not use (they serve another region)
    seats: Mapping[str, int]  # service -> the seats it may take, where services are shared
    ceilings: Mapping[str, int]  # line -> the part of the ceiling it may spend, where shared

    def apply(self, problem: Problem) -> Problem:
        """The region's problem with only its share of what is shared."""
        scenario = problem.scenario
        if self.seats:
            scenario = replace(
                scenario,
                services=tuple(
                    replace(s, seats=self.seats[s.service_id]) if s.service_id in self.seats else s
                    for s in scenario.services
                ),
            )
        if self.ceilings:
            scenario = replace(
                scenario,
                budget_lines=tuple(
                    replace(b, ceiling_idr=self.ceilings[b.budget_line_id])
                    if b.budget_line_id in self.ceilings
                    else b
                    for b in scenario.budget_lines
                ),
            )
        options = {
            j: [o for o in found if o.escort_id not in self.escorts] for j, found in problem.options.items()
        }
        return Problem(
            scenario,
            problem.units,
            problem.journeys,
            problem.usable,
            {j: found for j, found in options.items() if found},
            problem.global_journeys,
        )


def regions(problem: Problem, master: Master, master_journey: Sequence[int]) -> list[tuple[list[int], Share]]:
    """The problem's units by region, each with its share; one region (and no share) where
    nothing splits.  ``master_journey`` is each of the problem's journeys in the master (the
    problem's units are the master's)."""
    groups = _groups(problem)
    if len(groups) < 2:
        return [(sorted(range(len(problem.units))), Share(frozenset(), {}, {}))]
    region_of_unit = {u: r for r, group in enumerate(groups) for u in group}
    # A journey's region is its riders': they share its services.
    region_of_journey: dict[int, int] = {}
    for u, js in problem.usable.items():
        for j in js:
            region_of_journey.setdefault(j, region_of_unit[u])
    local = {master_journey[j]: j for j in range(len(problem.journeys))}
    values = master.col_value
    escort_use: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    seat_use: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    pool_use: dict[object, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    riding: dict[object, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for c, column in enumerate(master.columns):
        value = float(values[c]) if c < len(values) else 0.0
        if value <= 1e-9 or column.kind not in ("x", "y"):
            continue
        region: int | None = region_of_unit.get(column.unit) if column.kind == "x" else None
        if column.kind == "y":
            at = local.get(column.journey)
            region = region_of_journey.get(at) if at is not None else None
            if region is not None and column.option is not None:
                escort_use[column.option.escort_id][region] += value
        if region is None:
            continue
        for key, entry in column.entries.items():
            if key[0] == "seat":
                seat_use[str(key[1])][region] += value * entry
            elif key[0] == "pool":
                pool_use[key][region] += value * entry
            elif key[0] == "vehicle":
                riding[key][region] += value * entry
    # A hired vehicle's cost is its riders' regions', shared as they ride it.
    for c, column in enumerate(master.columns):
        value = float(values[c]) if c < len(values) else 0.0
        if value <= 1e-9 or column.kind != "n":
            continue
        vehicle = next(k for k in column.entries if k[0] == "vehicle")
        pool = next(k for k in column.entries if k[0] == "pool")
        aboard = riding.get(vehicle, {})
        total = sum(aboard.values())
        for region, amount in aboard.items():
            pool_use[pool][region] += value * column.entries[pool] * amount / total
    # Escorts whose options reach several regions serve one, the one using them most.
    reach: dict[str, set[int]] = defaultdict(set)
    options_in: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for j, found in problem.options.items():
        region = region_of_journey.get(j)
        if region is None:
            continue
        for option in found:
            reach[option.escort_id].add(region)
            options_in[option.escort_id][region] += 1
    serves: dict[str, int] = {}
    for escort_id, where in reach.items():
        if len(where) > 1:
            use = escort_use.get(escort_id, {})
            serves[escort_id] = max(
                sorted(where), key=lambda r: (use.get(r, 0.0), options_in[escort_id][r], -r)
            )
    # Services that several regions ride, parties or escorts.
    riders: dict[str, set[int]] = defaultdict(set)
    for j, journey in enumerate(problem.journeys):
        region = region_of_journey.get(j)
        if region is None:
            continue
        for service_id in journey.service_ids:
            riders[service_id].add(region)
        for option in problem.options.get(j, []):
            if serves.get(option.escort_id, region) == region:
                for service_id in option.service_ids:
                    riders[service_id].add(region)
    seats: list[dict[str, int]] = [{} for _ in groups]
    for service_id, where in riders.items():
        if len(where) > 1:
            parts = _divide(
                problem.scenario.service(service_id).seats, sorted(where), seat_use[service_id], 1
            )
            for r, share in parts.items():
                seats[r][service_id] = share
    # Lines that could run out and that several regions may charge.
    ceilings: list[dict[str, int]] = [{} for _ in groups]
    unit = money_unit(problem.scenario)
    spend = _line_spend(master, pool_use)
    for line_id in scarce_lines(problem):
        line = problem.scenario.budget_line(line_id)
        paying = sorted(
            {
                region_of_unit[u]
                for u, one in enumerate(problem.units)
                if u in region_of_unit and any(c.may_be_funded_by(line) for c in one.members)
            }
        )
        if len(paying) > 1:
            parts = _divide(line.ceiling_idr // unit, paying, spend.get(line_id, {}), 1)
            for r, share in parts.items():
                ceilings[r][line_id] = share * unit
    return [
        (
            group,
            Share(
                frozenset(e for e, r in serves.items() if r != index),
                seats[index],
                ceilings[index],
            ),
        )
        for index, group in enumerate(groups)
    ]


def _groups(problem: Problem) -> list[list[int]]:
    """Units by the province of their shelter."""
    groups: dict[str, list[int]] = defaultdict(list)
    for u, unit in enumerate(problem.units):
        groups[problem.scenario.location(unit.origin).province].append(u)
    return [groups[province] for province in sorted(groups)]


def _line_spend(
    master: Master, pool_use: Mapping[object, Mapping[int, float]]
) -> dict[str, dict[int, float]]:
    """What the relaxation pays from each line for each region: each pool's flow to the line,
    divided as the regions' items fill the pool."""
    spend: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    values = master.col_value
    for c, column in enumerate(master.columns):
        value = float(values[c]) if c < len(values) else 0.0
        if column.kind != "f" or value <= 1e-9:
            continue
        pool = next(k for k, v in column.entries.items() if k[0] == "pool")
        line = next(str(k[1]) for k in column.entries if k[0] == "line")
        use = pool_use.get(pool, {})
        total = sum(use.values())
        for region, amount in use.items():
            if total > 0:
                spend[line][region] += value * amount / total
    return spend


def _divide(total: int, where: list[int], use: Mapping[int, float], step: int) -> dict[int, int]:
    """``total`` whole steps divided among ``where`` in proportion to ``use`` (equally where
    nothing is used), largest remainder first."""
    weights = [max(0.0, use.get(r, 0.0)) for r in where]
    if sum(weights) <= 0:
        weights = [1.0] * len(where)
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    whole = [int(x // step) * step for x in exact]
    left = total - sum(whole)
    order = sorted(range(len(where)), key=lambda i: (-(exact[i] - whole[i]), where[i]))
    for i in order:
        if left < step:
            break
        whole[i] += step
        left -= step
    return {r: whole[i] for i, r in enumerate(where)}
