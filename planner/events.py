"""What happened to a week after it was planned: the events a re-plan starts from.

Pure domain: frozen events in, a new ``Scenario`` out.  Reading them from ``events.csv`` or a
workbook sheet, and every check of their ids and dates, is ``planner.io.events``; here every
event is trusted to name something of the scenario it is applied to.

One event per kind of disruption (docs/data-contract.md, "Re-planning"):

- ``CancelService``: a ferry, flight, bus or train no longer runs;
- ``Seats``: the seats the office can book on a service are now ``seats``;
- ``EscortUnavailable``: an escort cannot travel from ``first`` to ``last`` (both inclusive);
- ``NotReady``: a case can travel only from ``ready`` on;
- ``Withdraw``: a case no longer travels with us (it leaves the week);
- ``CloseLink``: a road link is closed (one mode, or every mode when ``mode`` is None).

Each carries the ``row`` of the events file it came from (0 when made in code) and can
``describe`` itself in a sentence an officer reads, for unplanned reasons and change lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from planner.scenario import Case, Escort, Scenario, Service

__all__ = [
    "CancelService",
    "CloseLink",
    "EscortUnavailable",
    "Event",
    "NotReady",
    "Seats",
    "Withdraw",
    "apply_events",
    "narrowed_availability",
]


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _moment(scenario: Scenario, service: Service) -> str:
    """The departure in the local time of the place it leaves from."""
    local = service.depart
    if service.from_id in scenario.locations:
        local = service.depart.astimezone(scenario.location(service.from_id).tz)
    return f"{local.day} {local:%b %Y %H:%M}"


def _service_words(scenario: Scenario, service_id: str) -> str:
    if not scenario.has_service(service_id):
        return f"the service {service_id}"
    service = scenario.service(service_id)
    return (
        f"the {service.mode} {service_id} of {_moment(scenario, service)} "
        f"from {service.from_id} to {service.to_id}"
    )


@dataclass(frozen=True, slots=True)
class CancelService:
    """A dated service no longer runs."""

    service_id: str
    row: int = 0

    def describe(self, scenario: Scenario) -> str:
        return f"{_service_words(scenario, self.service_id)} was cancelled"


@dataclass(frozen=True, slots=True)
class Seats:
    """The seats this office can book on a service are now ``seats`` in all (0 allowed)."""

    service_id: str
    seats: int
    row: int = 0

    def describe(self, scenario: Scenario) -> str:
        words = _service_words(scenario, self.service_id)
        if scenario.has_service(self.service_id):
            before = scenario.service(self.service_id).seats
            if self.seats < before:
                return f"the seats on {words} were cut from {before} to {self.seats}"
            if self.seats > before:
                return f"the seats on {words} were raised from {before} to {self.seats}"
        return f"the seats on {words} are now {self.seats}"


@dataclass(frozen=True, slots=True)
class EscortUnavailable:
    """An escort cannot travel on the days ``first`` to ``last``, both included."""

    escort_id: str
    first: date
    last: date
    row: int = 0

    def describe(self, scenario: Scenario) -> str:
        if self.first == self.last:
            return f"escort {self.escort_id} is unavailable on {_day(self.first)}"
        return f"escort {self.escort_id} is unavailable from {_day(self.first)} to {_day(self.last)}"


@dataclass(frozen=True, slots=True)
class NotReady:
    """A case can travel only from ``ready`` on (its new ready date)."""

    case_id: str
    ready: date
    row: int = 0

    def describe(self, scenario: Scenario) -> str:
        return f"case {self.case_id} is not ready to travel before {_day(self.ready)}"


@dataclass(frozen=True, slots=True)
class Withdraw:
    """A case no longer travels with us: it leaves the week (and its household)."""

    case_id: str
    row: int = 0

    def describe(self, scenario: Scenario) -> str:
        return f"case {self.case_id} was withdrawn"


@dataclass(frozen=True, slots=True)
class CloseLink:
    """A road link is closed: the one of ``mode``, or every mode between the places if None."""

    from_id: str
    to_id: str
    mode: str | None = None
    row: int = 0

    def describe(self, scenario: Scenario) -> str:
        if self.mode is None:
            return f"the road from {self.from_id} to {self.to_id} was closed"
        return f"the {self.mode} link from {self.from_id} to {self.to_id} was closed"

    def closes(self, from_id: str, to_id: str, mode: str) -> bool:
        return (from_id, to_id) == (self.from_id, self.to_id) and self.mode in (None, mode)


Event = CancelService | Seats | EscortUnavailable | NotReady | Withdraw | CloseLink


def narrowed_availability(escort: Escort, first: date, last: date) -> tuple[date, date] | None:
    """The escort's availability once the days ``first``..``last`` are taken out of it.

    The contract gives an escort one availability interval, so a hole cannot be kept: the
    part after ``last`` is kept when there is one, else the part before ``first``; None when
    neither is left (the escort is removed from the week).
    """
    after = (max(escort.available_from, last + timedelta(days=1)), escort.available_to)
    if after[0] <= after[1]:
        return after
    before = (escort.available_from, min(escort.available_to, first - timedelta(days=1)))
    if before[0] <= before[1]:
        return before
    return None


def apply_events(scenario: Scenario, events: Iterable[Event], new_cases: Iterable[Case] = ()) -> Scenario:
    """The week as it is after ``events`` (applied in order), with ``new_cases`` appended.

    Every event must name a service, escort, case or link of ``scenario``
    (``planner.io.events.read_events`` makes sure); an event on something an earlier event
    already removed (a cancelled service, a withdrawn case, an escort left with no days)
    changes nothing.  New cases' ids must be new.  Everything else is kept as it was.
    """
    services = {s.service_id: s for s in scenario.services}
    escorts: dict[str, Escort] = {e.escort_id: e for e in scenario.escorts}
    cases: dict[str, Case] = {c.case_id: c for c in scenario.cases}
    links = list(scenario.links)
    for event in events:
        match event:
            case CancelService(service_id=service_id):
                _known(scenario.has_service(service_id), event)
                services.pop(service_id, None)
            case Seats(service_id=service_id, seats=seats):
                _known(scenario.has_service(service_id), event)
                if seats < 0:
                    raise ValueError(f"{event}: seats cannot be negative")
                if service_id in services:
                    services[service_id] = replace(services[service_id], seats=seats)
            case EscortUnavailable(escort_id=escort_id, first=first, last=last):
                _known(scenario.has_escort(escort_id), event)
                if last < first:
                    raise ValueError(f"{event}: last is before first")
                if escort_id in escorts:
                    kept = narrowed_availability(escorts[escort_id], first, last)
                    if kept is None:
                        del escorts[escort_id]
                    else:
                        escorts[escort_id] = replace(
                            escorts[escort_id], available_from=kept[0], available_to=kept[1]
                        )
            case NotReady(case_id=case_id, ready=ready):
                _known(scenario.has_case(case_id), event)
                if case_id in cases:
                    cases[case_id] = replace(cases[case_id], ready=ready)
            case Withdraw(case_id=case_id):
                _known(scenario.has_case(case_id), event)
                cases.pop(case_id, None)
            case CloseLink():
                _known(
                    any(event.closes(link.from_id, link.to_id, link.mode) for link in scenario.links), event
                )
                links = [link for link in links if not event.closes(link.from_id, link.to_id, link.mode)]
    added = tuple(new_cases)
    taken = {c.case_id for c in scenario.cases}
    for case in added:
        if case.case_id in taken:
            raise ValueError(f"new case {case.case_id}: the id is already used in the week")
        taken.add(case.case_id)
    return replace(
        scenario,
        cases=(*(cases[c.case_id] for c in scenario.cases if c.case_id in cases), *added),
        services=tuple(services[s.service_id] for s in scenario.services if s.service_id in services),
        links=tuple(links),
        escorts=tuple(escorts[e.escort_id] for e in scenario.escorts if e.escort_id in escorts),
    )


def _known(known: bool, event: Event) -> None:
    if not known:
        raise ValueError(f"{event} names what the week does not have")
