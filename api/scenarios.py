"""Turning what a user uploads into a validated scenario, and a stored one back into a scenario.

Uploads come as one .zip or .xlsx, as the CSV files and ``scenario.toml`` of a folder, or as
JSON (``{"name", "settings", "tables": {"cases": [{column: value}]}}``).  Each is read and
validated exactly as ``repat validate`` reads a file, so the problems are the same
``file:row:column`` list.  A valid scenario is stored as a .zip of its CSV files.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from planner.errors import Problem, ScenarioError
from planner.io.read import TABLES, read_files, read_raw
from planner.io.validate import read_scenario, validate
from planner.io.write import write_zip
from planner.scenario import Scenario

# The stored name's column holds 300 characters, and PostgreSQL refuses a NUL in any text.
NAME_CHARS = 300
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Well under the 255 bytes a file name may have on Linux.
FILE_NAME_BYTES = 200


class UploadError(Exception):
    """An upload that is not a valid scenario: every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def from_files(files: dict[str, bytes]) -> Scenario:
    """A scenario from uploaded files: one archive or workbook, or a folder's files."""
    names = list(files)
    if len(names) == 1 and names[0].lower().endswith((".zip", ".xlsx")):
        suffix = ".zip" if names[0].lower().endswith(".zip") else ".xlsx"
        stem = names[0][: -len(suffix)]
        # The file keeps the upload's name, which the problems and by default the scenario
        # take, unless a file system could not hold it.
        if not stem or CONTROL.search(stem) or len(stem.encode()) > FILE_NAME_BYTES:
            stem = "scenario"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{stem}{suffix}"
            path.write_bytes(files[names[0]])
            return _valid(lambda: validate(read_raw(path)), names[0])
    unknown = [n for n in names if n not in {f"{t}.csv" for t in TABLES} | {"scenario.toml"}]
    if unknown:
        expected = ", ".join([f"{t}.csv" for t in TABLES] + ["scenario.toml"])
        raise UploadError(
            [
                Problem(
                    n,
                    0,
                    "",
                    "is not a file of a scenario",
                    f"send one .zip or .xlsx, or files named {expected}",
                )
                for n in unknown
            ]
        )
    return _valid(lambda: validate(read_files(files, "upload")), "upload")


def from_json(document: Any) -> Scenario:
    """A scenario from its JSON form: the same tables and settings as the files."""
    if not isinstance(document, dict) or not isinstance(document.get("tables"), dict):
        raise UploadError(
            [Problem("scenario.json", 0, "tables", "is missing", 'send {"tables": {"cases": [...], ...}}')]
        )
    problems: list[Problem] = []
    files: dict[str, bytes] = {}
    for table, rows in document["tables"].items():
        file = f"{table}.csv"
        if table not in TABLES:
            problems.append(
                Problem("scenario.json", 0, f"tables.{table}", "is not a table", ", ".join(TABLES))
            )
            continue
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            problems.append(Problem(file, 0, "", "is not a list of rows", "send a list of {column: value}"))
            continue
        columns = list(dict.fromkeys(k for row in rows for k in row))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else str(row.get(c)) for c in columns])
        files[file] = out.getvalue().encode()
    settings = document.get("settings", {})
    if not isinstance(settings, dict):
        problems.append(
            Problem("scenario.json", 0, "settings", "is not an object", 'send {"settings": {...}}')
        )
        settings = {}
    if problems:
        raise UploadError(problems)
    name = str(document.get("name") or "upload")
    return _valid(lambda: validate(replace(read_files(files, name), settings=settings)), "scenario.json")


def _valid(read: Any, source: str) -> Scenario:
    try:
        scenario: Scenario = read()
    except ScenarioError as error:
        raise UploadError(list(error.problems)) from None
    if len(scenario.name) > NAME_CHARS or CONTROL.search(scenario.name):
        raise UploadError(
            [
                Problem(
                    source,
                    0,
                    "name",
                    "is not a usable name for the scenario",
                    f"name it in at most {NAME_CHARS} characters, without control characters",
                )
            ]
        )
    return scenario


def archive(scenario: Scenario) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return write_zip(scenario, Path(folder) / "scenario.zip").read_bytes()


def unarchive(data: bytes) -> Scenario:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.zip"
        path.write_bytes(data)
        return read_scenario(path)


def summary(scenario: Scenario) -> dict[str, Any]:
    """What a scenario holds, in counts: safe for every role."""
    cases = scenario.cases
    return {
        "name": scenario.name,
        "start": scenario.settings.start.isoformat(),
        "horizon_days": scenario.settings.horizon_days,
        "cases": len(cases),
        "households": len(scenario.households),
        "need_escort": sum(c.needs_escort for c in cases),
        "by_category": dict(sorted(Counter(c.category for c in cases).items())),
        "by_home_province": dict(
            sorted(Counter(scenario.location(c.home_id).province for c in cases).items())
        ),
        "services": len(scenario.services),
        "links": len(scenario.links),
        "escorts": len(scenario.escorts),
        "budget_lines": len(scenario.budget_lines),
        "budget_idr": sum(b.ceiling_idr for b in scenario.budget_lines),
    }


def case_rows(scenario: Scenario, names: bool) -> list[dict[str, Any]]:
    """The cases, with names and national ids only for those who may see them."""
    rows = []
    for c in scenario.cases:
        row: dict[str, Any] = {
            "case_id": c.case_id,
            "household_id": c.household_id,
            "sex": c.sex,
            "age": c.age,
            "category": c.category,
            "location_id": c.location_id,
            "home_id": c.home_id,
            "ready": c.ready.isoformat(),
            "needs": sorted(c.needs),
            "needs_escort": c.needs_escort,
            "priority": c.priority,
        }
        if names:
            row["name"] = c.name
            row["national_id"] = c.national_id
        rows.append(row)
    return rows


def problem_dicts(problems: list[Problem]) -> list[dict[str, Any]]:
    return [
        {"file": p.file, "row": p.row, "column": p.column, "message": p.message, "fix": p.fix, "text": str(p)}
        for p in problems
    ]
