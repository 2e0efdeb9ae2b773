"""Read what happened to a week: ``events.csv`` (or a workbook's ``events`` sheet) and the new
cases of ``--new-cases``, checked against the week they happen to.

The border again, as ``validate.py`` is for a scenario: every row is parsed and checked here,
every problem is collected with its file, row and column and what to do, and then all of
them are raised at once as a ``ScenarioError`` (which the CLI and the service print like a
scenario's).  Tables are read by ``read.py`` and cases checked by the scenario's own
``Validator``, so that an events file or a new case reads exactly like a scenario's table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from planner.errors import Problem, ScenarioError
from planner.events import (
    CancelService,
    CloseLink,
    EscortUnavailable,
    Event,
    NotReady,
    Seats,
    Withdraw,
)
from planner.io.read import RawScenario, Table, read_table
from planner.io.validate import (
    Cells,
    Invalid,
    Validator,
    _closest,
    parse_date,
    parse_id,
    parse_int,
)
from planner.scenario import LINK_MODES, Case, Scenario

__all__ = ["EVENT_KINDS", "read_events", "read_new_cases"]

T = TypeVar("T")

EVENTS_SHEET = "events"
CASES_SHEET = "cases"
COLUMNS = {"event": True, "id": True, "value": False, "start": False, "end": False}
# What each kind of event reads besides its id.
EVENT_KINDS: dict[str, tuple[str, ...]] = {
    "cancel_service": (),
    "seats": ("value",),
    "escort_unavailable": ("start", "end"),
    "not_ready": ("value",),
    "withdraw": (),
    "close_link": (),
}
MAX_SEATS = 100_000  # as services.csv's seats


def read_events(path: Path, scenario: Scenario) -> tuple[Event, ...]:
    """The events of ``path`` (a CSV file, or an .xlsx workbook's sheet ``events``), in the
    order of their rows; ``ScenarioError`` with every problem found otherwise."""
    table, read_problems = read_table(path, EVENTS_SHEET)
    problems = list(read_problems)
    events: list[Event] = []
    if table is not None:
        validator = Validator(RawScenario(str(path), path.stem, {EVENTS_SHEET: table}, {}, "", ()))
        checked = validator.table(EVENTS_SHEET, COLUMNS)
        problems += validator.problems
        if checked is not None:
            reader = _EventReader(checked, scenario, problems)
            for row_cells in checked.rows:
                event = reader.event(Cells(checked, row_cells, problems))
                if event is not None:
                    events.append(event)
    if problems:
        order = list(COLUMNS)
        raise ScenarioError(
            sorted(problems, key=lambda p: (p.row, order.index(p.column) if p.column in order else 99))
        )
    return tuple(events)


class _EventReader:
    def __init__(self, table: Table, scenario: Scenario, problems: list[Problem]) -> None:
        self.table = table
        self.s = scenario
        self.problems = problems
        settings = scenario.settings
        # The window's days as the contract counts them: from the start date to start date +
        # horizon_days (the day unplanned waiting is counted to: "not this week").
        self.first_day = settings.start.date()
        self.after_day = settings.end_date

    def event(self, c: Cells) -> Event | None:
        kind = c.get("event", _event_kind)
        ident = c.get("id", parse_id)
        if kind is None:
            return None
        uses = EVENT_KINDS[kind]
        for column in ("value", "start", "end"):
            if column not in uses and c.row.cells.get(column, ""):
                c.fail(column, f"is not used by {_article(kind)} {kind} event", "leave it empty")
        row = c.row.number
        if kind == "cancel_service":
            service_id = self.service(c, ident)
            return CancelService(service_id, row) if c.ok and service_id else None
        if kind == "seats":
            seats = self.needed(
                c, "value", parse_int(0, MAX_SEATS, "the number of seats"), "the seats left, e.g. 20"
            )
            service_id = self.service(c, ident)
            return Seats(service_id, seats, row) if c.ok and service_id and seats is not None else None
        if kind == "escort_unavailable":
            first = self.needed(c, "start", self.window_date, "the first day the escort cannot travel")
            last = self.needed(c, "end", self.window_date, "the last day the escort cannot travel")
            if first is not None and last is not None and last < first:
                c.fail("end", f"is before start ({first})", "check the two dates")
            escort_id = self.known(
                c, ident, self.s.has_escort, [e.escort_id for e in self.s.escorts], "escort"
            )
            if c.ok and escort_id and first is not None and last is not None:
                return EscortUnavailable(escort_id, first, last, row)
            return None
        if kind == "not_ready":
            ready = self.needed(
                c, "value", self.window_date, "the day the case will be ready, e.g. 2026-12-04"
            )
            case_id = self.case(c, ident)
            return NotReady(case_id, ready, row) if c.ok and case_id and ready is not None else None
        if kind == "withdraw":
            case_id = self.case(c, ident)
            return Withdraw(case_id, row) if c.ok and case_id else None
        closed = self.link(c, ident)
        return CloseLink(*closed, row=row) if c.ok and closed else None

    # -- cells ----------------------------------------------------------------------------------

    def needed(self, c: Cells, column: str, parse: Callable[[str], T], what: str) -> T | None:
        """A cell the row's kind of event needs, whether or not the header has its column."""
        if not c.row.cells.get(column, ""):
            kind = c.row.cells.get("event", "").lower()
            c.fail(column, f"is empty but {_article(kind)} {kind} event needs it", f"give {what}")
            return None
        return c.get(column, parse)

    def window_date(self, text: str) -> date:
        day = parse_date(text)
        if not self.first_day <= day <= self.after_day:
            raise Invalid(
                f"{day} is outside the planning window ({self.first_day} to {self.after_day})",
                f"give a date from {self.first_day} to {self.after_day}",
            )
        return day

    def known(
        self, c: Cells, ident: str | None, has: Callable[[str], bool], ids: list[str], what: str
    ) -> str | None:
        if ident is None:
            return None
        if has(ident):
            return ident
        close = _closest(ident, set(ids))
        fix = f"did you mean '{close}'?" if close else f"use {_article(what)} {what}_id of {what}s.csv"
        c.fail("id", f"'{ident}' is not {_article(what)} {what} of the week", fix)
        return None

    def service(self, c: Cells, ident: str | None) -> str | None:
        return self.known(c, ident, self.s.has_service, [s.service_id for s in self.s.services], "service")

    def case(self, c: Cells, ident: str | None) -> str | None:
        return self.known(c, ident, self.s.has_case, [k.case_id for k in self.s.cases], "case")

    def link(self, c: Cells, ident: str | None) -> tuple[str, str, str | None] | None:
        """``FROM>TO`` (every mode) or ``FROM>TO:MODE``, naming a link of the week."""
        if ident is None:
            return None
        places, _, mode_text = ident.partition(":")
        from_id, arrow, to_id = places.partition(">")
        if not arrow or not from_id or not to_id or (":" in ident and not mode_text):
            c.fail(
                "id",
                f"'{ident}' is not a link",
                "write FROM>TO (every mode) or FROM>TO:MODE, e.g. PORT-KUMAI>SHL-PKB:car",
            )
            return None
        mode = mode_text.lower() or None
        if mode is not None and mode not in LINK_MODES:
            c.fail("id", f"'{mode_text}' is not a mode of links", f"use one of {', '.join(LINK_MODES)}")
            return None
        links = self.s.links
        if any((k.from_id, k.to_id) == (from_id, to_id) and mode in (None, k.mode) for k in links):
            return from_id, to_id, mode
        options = {k.link_id for k in links} | {f"{k.from_id}>{k.to_id}" for k in links}
        close = _closest(ident, options)
        fix = f"did you mean '{close}'?" if close else "name a from_id>to_id of links.csv"
        c.fail("id", f"'{ident}' is not a link of the week", fix)
        return None


def _event_kind(text: str) -> str:
    kind = text.strip().lower()
    if kind in EVENT_KINDS:
        return kind
    close = _closest(kind, set(EVENT_KINDS))
    fix = f"did you mean '{close}'?" if close else f"use one of {', '.join(EVENT_KINDS)}"
    raise Invalid(f"'{text}' is not an event", fix)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


# -- new cases -------------------------------------------------------------------------------------


def read_new_cases(path: Path, scenario: Scenario) -> tuple[Case, ...]:
    """Cases arriving after the week was planned: rows of a ``cases.csv`` (or a workbook's
    sheet ``cases``), checked by the scenario's own rules for cases and, since they join the
    week's table of cases, against it: an id already used, a household the week has
    elsewhere, or a place the week has no location for (nothing could reach it) is a
    problem.  ``ScenarioError`` with every problem found otherwise."""
    table, read_problems = read_table(path, CASES_SHEET)
    if table is None:
        raise ScenarioError(list(read_problems))
    validator = Validator(RawScenario(str(path), path.stem, {CASES_SHEET: table}, {}, "", read_problems))
    validator.locations = dict(scenario.locations)
    lines = {line.budget_line_id for line in scenario.budget_lines}
    cases = validator.read_cases(lines, bool(scenario.budget_lines))
    problems = list(validator.problems)
    row_of = {row.cells.get("case_id", ""): row.number for row in table.rows}
    text_of = {row.cells.get("case_id", ""): row.cells for row in table.rows}
    for row in table.rows:
        case_id = row.cells.get("case_id", "")
        if case_id and scenario.has_case(case_id):
            problems.append(
                Problem(
                    table.file,
                    row.number,
                    "case_id",
                    f"'{case_id}' is already a case of the week",
                    "give the new case its own id (a not_ready event changes a case of the week)",
                )
            )
    members: dict[str, Case] = {}
    for known in scenario.cases:
        if known.household_id:
            members.setdefault(known.household_id, known)
    for case in cases:
        if scenario.has_case(case.case_id):
            continue
        row_number = row_of.get(case.case_id, 0)
        for column, place in (("location_id", case.location_id), ("home_id", case.home_id)):
            if place not in scenario.locations:
                written = text_of.get(case.case_id, {}).get(column, place)
                problems.append(
                    Problem(
                        table.file,
                        row_number,
                        column,
                        f"'{written}' is not a location of the week: no service or link reaches it",
                        "give a location of the week, or add the place and its links to the week",
                    )
                )
        first = members.get(case.household_id) if case.household_id else None
        if first is not None:
            for column, theirs, ours, what in (
                ("location_id", first.location_id, case.location_id, "waits at"),
                ("home_id", first.home_id, case.home_id, "goes home to"),
            ):
                if theirs != ours:
                    problems.append(
                        Problem(
                            table.file,
                            row_number,
                            column,
                            f"household '{case.household_id}' is split: case {first.case_id} of the week {what} '{theirs}'",
                            "a household travels together; correct the place or the household id",
                        )
                    )
                    break
    if problems:
        raise ScenarioError(sorted(problems, key=lambda p: p.row))
    return tuple(cases)
