"""The plan: who travels when, on which legs, with which escort, paid by which line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from planner.scenario import CostType, Mode

Status = Literal["optimal", "feasible", "infeasible", "timeout"]
Reason = Literal["no_seats", "no_escort", "budget", "no_route", "not_ready", "horizon"]

STATUSES: tuple[str, ...] = get_args(Status)
REASONS: tuple[str, ...] = get_args(Reason)
# What ``lower_bound_idr`` bounds (docs/data-contract.md): nothing proven; only the journeys
# and duties a restricted model kept; every itinerary and duty of the time-expanded network.
BoundScope = Literal["none", "restricted", "network"]
BOUND_SCOPES: tuple[str, ...] = get_args(BoundScope)
CONTRACT = "repat-plan/1"


@dataclass(frozen=True, slots=True)
class Leg:
    """One ride: a dated service (``service_id`` set) or a road link (``service_id`` None)."""

    service_id: str | None
    mode: Mode
    from_id: str
    to_id: str
    depart: datetime
    arrive: datetime
    travellers: int = 0
    cost_idr: int = 0

    @property
    def is_service(self) -> bool:
        return self.service_id is not None

    @property
    def key(self) -> tuple[str | None, str, str, str, datetime]:
        """Identity of the ride: travellers with equal keys share the seat pool or vehicles."""
        return (self.service_id, self.mode, self.from_id, self.to_id, self.depart)


@dataclass(frozen=True, slots=True)
class Party:
    """Cases that travel exactly the same legs at the same times, with their escorts."""

    party_id: str
    case_ids: tuple[str, ...]
    escort_ids: tuple[str, ...]
    legs: tuple[Leg, ...]
    pinned: bool = False  # re-planning: an officer fixed this party; a re-plan keeps it as it is


@dataclass(frozen=True, slots=True)
class EscortDuty:
    """An escort's journey: out to the party's start, with the party, back to base."""

    escort_id: str
    party_id: str
    start: datetime
    end: datetime
    outbound_legs: tuple[Leg, ...] = ()
    return_legs: tuple[Leg, ...] = ()
    days: int = 0
    cost_idr: int = 0


@dataclass(frozen=True, slots=True)
class Charge:
    """An amount on one budget line for one cost item."""

    budget_line_id: str
    cost_type: CostType
    party_id: str
    amount_idr: int
    case_id: str | None = None
    escort_id: str | None = None


@dataclass(frozen=True, slots=True)
class Unplanned:
    case_id: str
    reason: Reason
    detail: str


@dataclass(frozen=True, slots=True)
class Objective:
    total_idr: int = 0
    cost_idr: int = 0
    waiting_idr: int = 0
    shelter_idr: int = 0
    lower_bound_idr: int = 0
    gap: float = 0.0
    bound_scope: BoundScope | None = None  # None: not said (a plan read from an older file)
    # Re-planning: what changing travellers' bookings costs (costs.change_idr_per_person each),
    # part of total_idr; 0 for a plan made from scratch.
    change_idr: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    scenario: str
    start: datetime
    horizon_days: int
    status: Status
    objective: Objective
    parties: tuple[Party, ...] = ()
    escort_duties: tuple[EscortDuty, ...] = ()
    charges: tuple[Charge, ...] = ()
    unplanned: tuple[Unplanned, ...] = ()
    solve_seconds: float = 0.0
    contract: str = CONTRACT

    def party(self, party_id: str) -> Party:
        for party in self.parties:
            if party.party_id == party_id:
                return party
        raise KeyError(party_id)

    @property
    def planned_case_ids(self) -> tuple[str, ...]:
        return tuple(case_id for party in self.parties for case_id in party.case_ids)
