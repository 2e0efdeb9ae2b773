"""The contract's day counts and cost formulas, in one place.

A day count between two moments is the number of calendar dates from the first one's local
date to the second one's local date, both ends included; "local" is the place's own zone.
"""

from __future__ import annotations

from datetime import date

from planner.scenario import Case, Settings


def day_count(first: date, last: date) -> int:
    """Calendar dates from ``first`` to ``last``, both included (1 for the same day)."""
    return (last - first).days + 1


def planned_waiting_days(case: Case, anchor_local_date: date) -> int:
    """Days a planned case waits: local date of its first scheduled departure minus ready."""
    return (anchor_local_date - case.ready).days


def unplanned_waiting_days(case: Case, settings: Settings) -> int:
    """Days an unplanned case waits: to the window's end, plus the carry-over days.

    A case ready only after the window ends has waited nothing inside it, so the first part
    is never negative (the contract's formula would otherwise reward a late ``ready``).
    """
    inside = max(0, (settings.end_date - case.ready).days)
    return inside + settings.costs.carry_over_days


def waiting_idr(case: Case, days: int, settings: Settings) -> int:
    return case.priority * settings.costs.waiting_idr_per_day * days


def shelter_idr(days: int, settings: Settings) -> int:
    return settings.costs.shelter_idr_per_day * days


def meal_idr(days: int, settings: Settings) -> int:
    return settings.costs.meal_idr_per_travel_day * days
