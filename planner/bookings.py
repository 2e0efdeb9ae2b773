"""What an earlier plan booked, for re-planning: keeping a traveller's booking costs nothing,
changing or cancelling it costs ``change_idr`` (the scenario's ``change_idr_per_person``).

Costs are counted so that the planners need no new rule: a booked case's waiting (its
unplanned cost) and every itinerary but its booked one carry the change; a booked escort duty
is a constant change, taken back by a duty on exactly the booked legs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

# A leg's identity, as ``planner.plan.Leg.key``: service, mode, from, to, departure.
LegKey = tuple[str | None, str, str, str, datetime]
Legs = tuple[LegKey, ...]


@dataclass(frozen=True)
class Bookings:
    change_idr: int
    cases: Mapping[str, Legs]  # case id -> the legs its party booked
    duties: frozenset[tuple[str, Legs, Legs, Legs]]  # escort, party's legs, way out, way back

    def case_change(self, case_id: str, legs: Legs) -> int:
        """The change a case pays travelling on ``legs``."""
        booked = self.cases.get(case_id)
        return self.change_idr if booked is not None and booked != legs else 0

    def unplanned_change(self, case_id: str) -> int:
        """The change a booked case pays when it waits after all."""
        return self.change_idr if case_id in self.cases else 0

    def duty_change(self, escort_id: str, party: Legs, out: Legs, back: Legs) -> int:
        """What a duty adds to the constant change of every booked duty: minus the change
        when it is a booked duty kept as it was."""
        return -self.change_idr if (escort_id, party, out, back) in self.duties else 0

    @property
    def duties_change(self) -> int:
        """The change of every booked duty, as if none were kept."""
        return self.change_idr * len(self.duties)
