"""Which budget line pays what: a minimum-cost flow from cost items to lines.

The optimizer decides who travels how; that fixes every cost item.  What is left is a
transportation problem: each item flows to the lines that may pay it (rule 7), no line beyond
its ceiling, and a rupiah on a line costs the line's ``preference``, so lines with a lower
preference are spent first.  Shared vehicles flow through the parties that ride them, since a
vehicle is payable by any line that may pay for a case of a party on board.  The flow is
integral (network simplex), so charges are whole rupiah.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import networkx as nx

from planner.assemble import CostItem, PartyChoice, cost_items, eligible_lines, vehicle_groups
from planner.plan import Charge
from planner.scenario import Case, Scenario


class NoCharging(Exception):
    """The items cannot all be paid within the ceilings."""


def allocate(scenario: Scenario, choices: Sequence[PartyChoice], party_ids: Sequence[str]) -> list[Charge]:
    party_cases: dict[str, list[Case]] = {
        pid: [scenario.case(c) for c in choice.case_ids]
        for pid, choice in zip(party_ids, choices, strict=True)
    }
    items = [item for item in cost_items(scenario, choices, party_ids) if item.case_id or item.escort_id]
    flow = nx.DiGraph()
    node: tuple[object, ...]
    sink = ("sink",)
    total = 0
    for index, item in enumerate(items):
        node = ("item", index)
        flow.add_node(node, demand=-item.amount_idr)
        total += item.amount_idr
        for line in eligible_lines(scenario, item, party_cases[item.party_id]):
            flow.add_edge(node, ("line", line.budget_line_id), weight=line.preference)
    # Shared vehicles: each departure's cost may go to any party on board.
    for key, riders in vehicle_groups(choices).items():
        link = scenario.find_link(key[0], key[1], key[2])
        assert link is not None
        amount = link.vehicles_for(sum(riders.values())) * link.vehicle_cost_idr
        if not amount:
            continue
        node = ("vehicle", *key)
        flow.add_node(node, demand=-amount)
        total += amount
        for index in riders:
            pid = party_ids[index]
            flow.add_edge(node, ("party", pid), weight=0)
            probe = CostItem("fare", pid, 1)
            for line in eligible_lines(scenario, probe, party_cases[pid]):
                flow.add_edge(("party", pid), ("line", line.budget_line_id), weight=line.preference)
    for line in scenario.budget_lines:
        flow.add_edge(("line", line.budget_line_id), sink, capacity=line.ceiling_idr, weight=0)
    flow.add_node(sink, demand=total)
    if total == 0:
        return []
    try:
        solved = nx.network_simplex(flow)[1]
    except nx.NetworkXUnfeasible as error:
        raise NoCharging(str(error)) from None
    charges: list[Charge] = []
    for index, item in enumerate(items):
        for target, amount in sorted(solved[("item", index)].items()):
            if amount:
                charges.append(
                    Charge(target[1], item.cost_type, item.party_id, amount, item.case_id, item.escort_id)
                )
    vehicle_paid: dict[tuple[str, str], int] = defaultdict(int)
    for pid in party_ids:
        for target, amount in solved.get(("party", pid), {}).items():
            if amount:
                vehicle_paid[(pid, target[1])] += amount
    for (pid, line_id), amount in sorted(vehicle_paid.items()):
        charges.append(Charge(line_id, "fare", pid, amount))
    return charges
