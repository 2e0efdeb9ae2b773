"""Re-planning a stored plan after a disruption: what a request asks, checked as the command line
checks it, and the job that plans the week again.

The events and new cases are read by ``planner.io.events`` and nothing else: an uploaded file
as it came, and JSON rows written as the CSV file they stand for, so every problem is the same
``file:row:column`` list as ``repat validate --events``.  What a job re-plans from is kept in
its parameters (``replan``: the plan, ``now``, the pins, and the rows of the events and new
cases), so that the job can run again and its plan can show what it was made from.  The plan
it re-plans is only read: the new plan is the scenario's next version.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from api.db import StoredPlan, StoredReplan, StoredScenario
from api.scenarios import UploadError, archive, unarchive
from planner.check import Violation, check_plan
from planner.errors import Problem, ScenarioError
from planner.events import Event, apply_events
from planner.io.events import read_events, read_new_cases
from planner.io.read import read_table
from planner.io.validate import Invalid, parse_datetime
from planner.optimizer import Options
from planner.plan import Leg, Plan
from planner.replan import Change, Replanned, replan
from planner.scenario import Case, Scenario

EVENTS_FILE = "events.csv"
NEW_CASES_FILE = "new_cases.csv"
EVENTS_SHEET = "events"
CASES_SHEET = "cases"
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
FILE_NAME_BYTES = 200
Rows = list[dict[str, str]]


def week_archive(session: Session, plan: StoredPlan) -> bytes:
    """The week ``plan`` was made for, as a .zip: a re-plan's week after its events, or else
    its scenario as uploaded."""
    replanned = session.get(StoredReplan, plan.plan_id)
    if replanned is not None:
        return replanned.archive
    stored = session.get(StoredScenario, plan.scenario_id)
    assert stored is not None
    return stored.archive


# -- reading what a request sends ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Upload:
    """A file of a multipart request: its name and content."""

    name: str
    content: bytes


Source = Upload | Sequence[Mapping[str, Any]] | None


def rows_csv(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """JSON rows as the CSV file they stand for: a column for every key, in the order first met."""
    columns = list(dict.fromkeys(str(k) for row in rows for k in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        values = {str(k): v for k, v in row.items()}
        writer.writerow(["" if values.get(c) is None else str(values.get(c)) for c in columns])
    return out.getvalue().encode()


def _file_name(name: str, default: str) -> str:
    """The upload's own name, which its problems name, unless a file system could not hold it."""
    name = Path(name).name
    if not name or name in (".", "..") or CONTROL.search(name) or len(name.encode()) > FILE_NAME_BYTES:
        return default
    return name


def _read(
    source: Source,
    default_name: str,
    sheet: str,
    read: Callable[[Path, Scenario], tuple[Any, ...]],
    week: Scenario,
    problems: list[Problem],
) -> tuple[tuple[Any, ...], Rows]:
    """What ``read`` finds in an uploaded file or in JSON rows, and the rows to keep for the job;
    problems are added to ``problems``."""
    if source is None or (not isinstance(source, Upload) and not source):
        return (), []
    if isinstance(source, Upload):
        name, content = _file_name(source.name, default_name), source.content
    else:
        name, content = default_name, rows_csv(source)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            found = read(path, week)
        except ScenarioError as error:
            problems += error.problems
            return (), []
        table, _ = read_table(path, sheet)
    assert table is not None  # read() read it
    return found, [dict(row.cells) for row in table.rows]


@dataclass(frozen=True, slots=True)
class Asked:
    """A valid re-plan request: what the job keeps in its parameters under ``replan``."""

    basis: dict[str, Any]
    events: tuple[Event, ...]
    new_cases: tuple[Case, ...]


def check_request(
    week: Scenario, old: Plan, plan_id: int, now: str, pins: Sequence[str], events: Source, new_cases: Source
) -> Asked:
    """Read and check a re-plan of ``old`` (a plan of ``week``); ``UploadError`` with every
    problem otherwise."""
    problems: list[Problem] = []
    try:
        moment: datetime | None = parse_datetime(now)
    except Invalid as error:
        problems.append(Problem("now", 0, "", error.message, error.fix))
        moment = None
    parties = {p.party_id for p in old.parties}
    for pin in pins:
        if pin not in parties:
            problems.append(
                Problem(
                    "pin",
                    0,
                    "",
                    f"'{CONTROL.sub('?', pin)[:40]}' is not a party of plan {plan_id}",
                    "pin parties by their id in the plan (P1, P2, ...)",
                )
            )
    found_events, event_rows = _read(events, EVENTS_FILE, EVENTS_SHEET, read_events, week, problems)
    found_cases, case_rows = _read(new_cases, NEW_CASES_FILE, CASES_SHEET, read_new_cases, week, problems)
    if problems:
        raise UploadError(problems)
    assert moment is not None
    basis = {
        "plan_id": plan_id,
        "now": moment.isoformat(),
        "pin": list(dict.fromkeys(pins)),
        "events": event_rows,
        "new_cases": case_rows,
    }
    return Asked(basis, found_events, found_cases)


def shown(parameters: dict[str, Any]) -> dict[str, Any]:
    """A job's or plan's parameters as every role may read them: the new cases by id only (their
    rows hold names and national ids)."""
    basis = parameters.get("replan")
    if not isinstance(basis, dict) or not isinstance(basis.get("new_cases"), list):
        return parameters
    ids = [row.get("case_id", "") for row in basis["new_cases"] if isinstance(row, dict)]
    return {**parameters, "replan": {**basis, "new_cases": ids}}


# -- the job -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Replanning:
    """What a re-plan job made: the plan, its check, and what is stored beside it."""

    plan: Plan
    violations: list[Violation]
    replans: int
    archive: bytes
    changes: list[dict[str, Any]]
    summary: dict[str, Any]


def run(
    parameters: dict[str, Any],
    old: Plan,
    week_zip: bytes,
    progress: Callable[[float, int, int], None],
    stop: threading.Event,
) -> Replanning:
    """Plan the week again as ``parameters["replan"]`` says; ``ReplanError`` when the plan's
    kept parties cannot be kept."""
    basis = parameters["replan"]
    week = unarchive(week_zip)
    asked = check_request(
        week,
        old,
        int(basis["plan_id"]),
        str(basis["now"]),
        list(basis.get("pin") or []),
        basis.get("events") or None,
        basis.get("new_cases") or None,
    )
    after = apply_events(week, asked.events, asked.new_cases)
    moment = parse_datetime(str(basis["now"]))
    pins = list(basis.get("pin") or [])
    options = Options(
        time_limit=float(parameters.get("time_limit") or Options().time_limit),
        seed=int(parameters.get("seed") or 0),
        work_limit=parameters.get("work_limit"),
    )
    result = replan(after, old, moment, pins, asked.events, options, progress, stop, before=week)
    violations = check_plan(after, result.plan, against=old, now=moment, pinned=frozenset(pins))
    return Replanning(
        plan=result.plan,
        violations=violations,
        replans=int(basis["plan_id"]),
        archive=archive(after),
        changes=[change_to_dict(c) for c in result.changes],
        summary=summary(result),
    )


def summary(result: Replanned) -> dict[str, Any]:
    return {
        "kept": dict(sorted(result.kept.items())),
        "moved": result.moved,
        "newly_planned": result.newly_planned,
        "newly_waiting": result.newly_waiting,
        "changes": len(result.changes),
        "change_idr": result.plan.objective.change_idr,
    }


# -- changes as stored -------------------------------------------------------------------------------


def _leg_dict(leg: Leg) -> dict[str, Any]:
    return {
        "service_id": leg.service_id,
        "mode": leg.mode,
        "from_id": leg.from_id,
        "to_id": leg.to_id,
        "depart": leg.depart.isoformat(),
        "arrive": leg.arrive.isoformat(),
        "travellers": leg.travellers,
        "cost_idr": leg.cost_idr,
    }


def _leg(data: dict[str, Any]) -> Leg:
    return Leg(
        service_id=data["service_id"],
        mode=data["mode"],
        from_id=data["from_id"],
        to_id=data["to_id"],
        depart=datetime.fromisoformat(data["depart"]),
        arrive=datetime.fromisoformat(data["arrive"]),
        travellers=int(data["travellers"]),
        cost_idr=int(data["cost_idr"]),
    )


def change_to_dict(change: Change) -> dict[str, Any]:
    return {
        "traveller_id": change.traveller_id,
        "kind": change.kind,
        "old_party": change.old_party,
        "new_party": change.new_party,
        "old_legs": [_leg_dict(leg) for leg in change.old_legs],
        "new_legs": [_leg_dict(leg) for leg in change.new_legs],
        "reason": change.reason,
    }


def change_from_dict(data: dict[str, Any]) -> Change:
    return Change(
        traveller_id=data["traveller_id"],
        kind=data["kind"],
        old_party=data["old_party"],
        new_party=data["new_party"],
        old_legs=tuple(_leg(leg) for leg in data["old_legs"]),
        new_legs=tuple(_leg(leg) for leg in data["new_legs"]),
        reason=data["reason"],
    )
