"""Write a ``Scenario`` back out as the contract's tables: CSV folder, .xlsx workbook or .zip.

Writing from the model (rather than copying files) means that what is written is what was
understood: regency names resolved by the gazetteer come out as location rows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

from planner.scenario import Scenario

Cell = str | int | float
TableRows = tuple[tuple[str, ...], list[list[Cell]]]


def _dt(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _joined(values: Iterable[str]) -> str:
    return ";".join(sorted(values))


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def scenario_tables(scenario: Scenario) -> dict[str, TableRows]:
    tables: dict[str, TableRows] = {}
    tables["locations"] = (
        ("location_id", "name", "kind", "lat", "lon", "province", "utc_offset", "receiver"),
        [
            [
                loc.location_id,
                loc.name,
                loc.kind,
                loc.lat,
                loc.lon,
                loc.province,
                _offset(loc.utc_offset),
                loc.receiver or "",
            ]
            for loc in scenario.locations.values()
        ],
    )
    tables["cases"] = (
        (
            "case_id",
            "household_id",
            "sex",
            "age",
            "category",
            "location_id",
            "home_id",
            "ready",
            "registered",
            "needs",
            "escort",
            "priority",
            "funding",
            "name",
            "national_id",
        ),
        [
            [
                c.case_id,
                c.household_id or "",
                c.sex,
                c.age,
                c.category,
                c.location_id,
                c.home_id,
                _day(c.ready),
                _day(c.registered),
                _joined(c.needs),
                c.escort,
                "" if c.given_priority is None else c.given_priority,
                _joined(c.funding),
                c.name or "",
                c.national_id or "",
            ]
            for c in scenario.cases
        ],
    )
    tables["services"] = (
        ("service_id", "mode", "operator", "from_id", "to_id", "depart", "arrive", "seats", "fare_idr"),
        [
            [
                s.service_id,
                s.mode,
                s.operator or "",
                s.from_id,
                s.to_id,
                _dt(s.depart),
                _dt(s.arrive),
                s.seats,
                s.fare_idr,
            ]
            for s in scenario.services
        ],
    )
    tables["links"] = (
        ("from_id", "to_id", "mode", "duration_min", "fare_idr", "vehicle_cost_idr", "vehicle_capacity"),
        [
            [
                k.from_id,
                k.to_id,
                k.mode,
                k.duration_min,
                k.fare_idr,
                k.vehicle_cost_idr,
                "" if k.vehicle_capacity is None else k.vehicle_capacity,
            ]
            for k in scenario.links
        ],
    )
    tables["escorts"] = (
        (
            "escort_id",
            "name",
            "sex",
            "base_id",
            "available_from",
            "available_to",
            "skills",
            "max_cases",
            "daily_allowance_idr",
        ),
        [
            [
                e.escort_id,
                e.name or "",
                e.sex,
                e.base_id,
                _day(e.available_from),
                _day(e.available_to),
                _joined(e.skills),
                e.max_cases,
                e.daily_allowance_idr,
            ]
            for e in scenario.escorts
        ],
    )
    tables["budget_lines"] = (
        ("budget_line_id", "name", "agency", "ceiling_idr", "categories", "cost_types", "preference"),
        [
            [
                b.budget_line_id,
                b.name,
                b.agency,
                b.ceiling_idr,
                _joined(b.categories) if b.categories else "*",
                _joined(b.cost_types) if b.cost_types else "*",
                b.preference,
            ]
            for b in scenario.budget_lines
        ],
    )
    return tables


def settings_items(scenario: Scenario) -> list[tuple[str, str | int]]:
    """The settings as dotted keys, the shape of the workbook's 'scenario' sheet."""
    s = scenario.settings
    items: list[tuple[str, str | int]] = [
        ("name", s.name),
        ("start", _dt(s.start)),
        ("horizon_days", s.horizon_days),
        ("costs.waiting_idr_per_day", s.costs.waiting_idr_per_day),
        ("costs.shelter_idr_per_day", s.costs.shelter_idr_per_day),
        ("costs.meal_idr_per_travel_day", s.costs.meal_idr_per_travel_day),
        ("costs.carry_over_days", s.costs.carry_over_days),
        ("costs.change_idr_per_person", s.costs.change_idr_per_person),
    ]
    items += [(f"rules.min_connection_min.{mode}", minutes) for mode, minutes in s.min_connection_min.items()]
    return items


def settings_toml(scenario: Scenario) -> str:
    s = scenario.settings
    name = s.name.replace("\\", "\\\\").replace('"', '\\"')
    lines = [
        f'name = "{name}"',
        f'start = "{_dt(s.start)}"',
        f"horizon_days = {s.horizon_days}",
        "",
        "[costs]",
    ]
    lines += [
        f"{key.split('.', 1)[1]} = {value}"
        for key, value in settings_items(scenario)
        if key.startswith("costs.")
    ]
    lines += ["", "[rules.min_connection_min]"]
    lines += [f"{mode} = {minutes}" for mode, minutes in s.min_connection_min.items()]
    return "\n".join(lines) + "\n"


def _csv_text(columns: tuple[str, ...], rows: list[list[Cell]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def write_folder(scenario: Scenario, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, (columns, rows) in scenario_tables(scenario).items():
        path = folder / f"{table}.csv"
        path.write_text(_csv_text(columns, rows), encoding="utf-8")
        written.append(path)
    path = folder / "scenario.toml"
    path.write_text(settings_toml(scenario), encoding="utf-8")
    written.append(path)
    return written


def write_zip(scenario: Scenario, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table, (columns, rows) in scenario_tables(scenario).items():
            archive.writestr(f"{table}.csv", _csv_text(columns, rows))
        archive.writestr("scenario.toml", settings_toml(scenario))
    tmp.replace(path)
    return path


def write_workbook(scenario: Scenario, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    settings = book.create_sheet("scenario")
    settings.append(["key", "value"])
    for key, value in settings_items(scenario):
        settings.append([key, value])
    for table, (columns, rows) in scenario_tables(scenario).items():
        sheet = book.create_sheet(table)
        sheet.append(list(columns))
        for row in rows:
            # Dates and times stay text: Excel would drop the UTC offset of a datetime cell.
            sheet.append(row)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            width = max([len(column)] + [len(str(r[index - 1])) for r in rows[:200]])
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 40)
    for sheet in book.worksheets:
        sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    book.save(tmp)
    tmp.replace(path)
    return path


def write_scenario(scenario: Scenario, target: Path) -> Path:
    """Write as a workbook (.xlsx), a zip (.zip) or else a folder of CSV files."""
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        return write_workbook(scenario, target)
    if suffix == ".zip":
        return write_zip(scenario, target)
    write_folder(scenario, target)
    return target
