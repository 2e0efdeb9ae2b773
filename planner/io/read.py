"""Read a scenario's raw tables from a folder of CSV files, an .xlsx workbook or a .zip.

This layer only turns bytes into rows of text; ``validate.py`` gives them meaning.  Every
problem is collected, never raised half-way, so that a user sees all of them at once.
"""

from __future__ import annotations

import csv
import io
import tomllib
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from planner.errors import Problem

TABLES = ("locations", "cases", "services", "links", "escorts", "budget_lines")
REQUIRED_TABLES = ("locations", "cases")
SETTINGS_FILE = "scenario.toml"
SETTINGS_SHEET = "scenario"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its spreadsheet row number (header is 1) and cells by column name."""

    number: int
    cells: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    file: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class RawScenario:
    """What was found in the input, before any meaning is given to it."""

    source: str
    name: str
    tables: Mapping[str, Table]
    settings: Mapping[str, Any]
    settings_file: str
    problems: tuple[Problem, ...] = field(default=())


def read_raw(path: Path) -> RawScenario:
    """Read a folder, workbook or zip; problems are returned, not raised."""
    if path.is_dir():
        return _read_files(_folder_files(path), path.name, str(path))
    if not path.exists():
        return _nothing(path, "the scenario does not exist", "give a folder, .xlsx or .zip")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _read_zip(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path)
    return _nothing(
        path,
        f"cannot read a scenario from a '{suffix or 'plain'}' file",
        "give a folder of CSV files, an .xlsx workbook or a .zip of the folder",
    )


def _nothing(path: Path, message: str, fix: str) -> RawScenario:
    return RawScenario(
        source=str(path),
        name=path.stem,
        tables={},
        settings={},
        settings_file=SETTINGS_FILE,
        problems=(Problem(path.name, 0, "", message, fix),),
    )


def _folder_files(folder: Path) -> dict[str, bytes | Problem]:
    files: dict[str, bytes | Problem] = {}
    for name in (*(f"{t}.csv" for t in TABLES), SETTINGS_FILE):
        file = folder / name
        if not file.is_file():
            continue
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            files[name] = _too_big(name, size)
            continue
        try:
            files[name] = file.read_bytes()
        except OSError as error:
            files[name] = Problem(name, 0, "", f"cannot be read: {error.strerror}", "check its permissions")
    return files


def _too_big(name: str, size: int) -> Problem:
    return Problem(
        name,
        0,
        "",
        f"is {size // (1024 * 1024)} MiB, more than the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit",
        "split the scenario or remove unused rows",
    )


def _read_zip(path: Path) -> RawScenario:
    files: dict[str, bytes | Problem] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = {Path(info.filename).name: info for info in archive.infolist() if not info.is_dir()}
            for name in (*(f"{t}.csv" for t in TABLES), SETTINGS_FILE):
                info = members.get(name)
                if info is None:
                    continue
                if info.file_size > MAX_FILE_BYTES:
                    files[name] = _too_big(name, info.file_size)
                    continue
                files[name] = archive.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError) as error:
        return _nothing(path, f"is not a readable zip archive ({error})", "zip the scenario folder again")
    return _read_files(files, path.stem, str(path))


def read_files(files: Mapping[str, bytes], name: str) -> RawScenario:
    """Read a scenario's files given by name (``cases.csv``, ``scenario.toml``...), as a
    service receives them; a file too big is a problem like any other."""
    checked: dict[str, bytes | Problem] = {
        file: _too_big(file, len(content)) if len(content) > MAX_FILE_BYTES else content
        for file, content in files.items()
    }
    return _read_files(checked, name, name)


def _read_files(files: Mapping[str, bytes | Problem], name: str, source: str) -> RawScenario:
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    for table in TABLES:
        file = f"{table}.csv"
        content = files.get(file)
        if content is None:
            if table in REQUIRED_TABLES:
                problems.append(Problem(file, 0, "", "is missing", f"add {file} to the scenario"))
            continue
        if isinstance(content, Problem):
            problems.append(content)
            continue
        parsed = _parse_csv(file, content, problems)
        if parsed is not None:
            tables[table] = parsed
    settings: dict[str, Any] = {}
    content = files.get(SETTINGS_FILE)
    if isinstance(content, Problem):
        problems.append(content)
    elif content is not None:
        try:
            settings = tomllib.loads(content.decode("utf-8-sig"))
        except UnicodeDecodeError:
            problems.append(Problem(SETTINGS_FILE, 0, "", "is not UTF-8 text", "save it as UTF-8"))
        except tomllib.TOMLDecodeError as error:
            problems.append(
                Problem(SETTINGS_FILE, _toml_line(error), "", f"is not valid TOML: {error}", "fix the syntax")
            )
    return RawScenario(source, name, tables, settings, SETTINGS_FILE, tuple(problems))


def _toml_line(error: tomllib.TOMLDecodeError) -> int:
    lineno = getattr(error, "lineno", None)
    return int(lineno) if isinstance(lineno, int) else 0


def _parse_csv(file: str, content: bytes, problems: list[Problem]) -> Table | None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                file,
                line,
                "",
                f"is not UTF-8 text (byte {error.start} cannot be decoded)",
                "save the file as 'CSV UTF-8' from your spreadsheet program",
            )
        )
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.append(
            Problem(file, line, "", "contains binary data (a NUL byte)", "export the table again as CSV")
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = []
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                problems.append(Problem(file, 0, "", f"has more than {MAX_ROWS} rows", "split the scenario"))
                return None
    except csv.Error as error:
        problems.append(
            Problem(file, reader.line_num, "", f"is not valid CSV: {error}", "check the quoting on that line")
        )
        return None
    return _table(file, records, problems)


def _table(file: str, records: list[list[str]], problems: list[Problem]) -> Table | None:
    if not records or not any(cell.strip() for cell in records[0]):
        problems.append(Problem(file, 1, "", "has no header row", "the first row names the columns"))
        return None
    header = [cell.strip() for cell in records[0]]
    seen: set[str] = set()
    for index, column in enumerate(header):
        if column and column in seen:
            problems.append(Problem(file, 1, column, "column appears twice", "keep one of them"))
        if not column and any(index < len(r) and r[index].strip() for r in records[1:]):
            problems.append(
                Problem(file, 1, f"#{index + 1}", "column has no name", "name it in the header or delete it")
            )
        seen.add(column)
    rows: list[Row] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines are common at the end of exported sheets
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
            problems.append(
                Problem(
                    file,
                    number,
                    "",
                    f"has {len(record)} cells but the header names {len(header)} columns",
                    "remove the extra cells or name their column",
                )
            )
        cells = {
            column: record[i].strip() if i < len(record) else "" for i, column in enumerate(header) if column
        }
        rows.append(Row(number, cells))
    return Table(file, tuple(c for c in header if c), tuple(rows))


# -- workbooks ------------------------------------------------------------------------------


def _read_workbook(path: Path) -> RawScenario:
    from openpyxl import load_workbook  # only workbooks need it

    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return RawScenario(str(path), path.stem, {}, {}, SETTINGS_SHEET, (_too_big(path.name, size),))
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        return _nothing(
            path,
            f"is not a readable .xlsx workbook ({type(error).__name__})",
            "save it again from your spreadsheet program as .xlsx",
        )
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    settings: dict[str, Any] = {}
    try:
        sheets = {sheet.title.strip().lower(): sheet for sheet in book.worksheets}
        for table in TABLES:
            sheet = sheets.get(table)
            if sheet is None:
                if table in REQUIRED_TABLES:
                    problems.append(
                        Problem(path.name, 0, "", f"has no sheet '{table}'", f"add a sheet named '{table}'")
                    )
                continue
            parsed = _sheet_table(f"{path.name}[{table}]", sheet, problems)
            if parsed is not None:
                tables[table] = parsed
        sheet = sheets.get(SETTINGS_SHEET)
        if sheet is not None:
            settings = _settings_from_sheet(
                f"{path.name}[{SETTINGS_SHEET}]", sheet.iter_rows(values_only=True), problems
            )
    except Exception as error:  # a damaged sheet part
        problems.append(
            Problem(
                path.name,
                0,
                "",
                f"could not be read to the end ({type(error).__name__})",
                "save it again as .xlsx",
            )
        )
    finally:
        book.close()
    return RawScenario(
        str(path), path.stem, tables, settings, f"{path.name}[{SETTINGS_SHEET}]", tuple(problems)
    )


def _sheet_table(file: str, sheet: Any, problems: list[Problem]) -> Table | None:
    """A worksheet as a table, cells as the text a CSV file would hold."""
    records = []
    for values in sheet.iter_rows(values_only=True):
        records.append([_cell_text(v) for v in values])
        if len(records) > MAX_ROWS + 1:
            problems.append(Problem(file, 0, "", f"has more than {MAX_ROWS} rows", "split the scenario"))
            break
    return _table(file, records, problems)


def read_table(path: Path, name: str) -> tuple[Table | None, tuple[Problem, ...]]:
    """One table on its own, read as a scenario's tables are: a CSV file, or the sheet
    ``name`` of an .xlsx workbook (named ``book.xlsx[name]`` in problems).  The table is
    None when it cannot be read; problems are returned, not raised."""
    problems: list[Problem] = []
    if not path.is_file():
        fix = f"give a .csv file or an .xlsx workbook with a sheet '{name}'"
        return None, (Problem(path.name, 0, "", "does not exist or is not a file", fix),)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, (_too_big(path.name, size),)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook  # only workbooks need it

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            message = f"is not a readable .xlsx workbook ({type(error).__name__})"
            return None, (Problem(path.name, 0, "", message, "save it again as .xlsx"),)
        table = None
        try:
            sheets = {sheet.title.strip().lower(): sheet for sheet in book.worksheets}
            if name not in sheets:
                problems.append(
                    Problem(path.name, 0, "", f"has no sheet '{name}'", f"add a sheet named '{name}'")
                )
            else:
                table = _sheet_table(f"{path.name}[{name}]", sheets[name], problems)
        except Exception as error:  # a damaged sheet part
            message = f"could not be read to the end ({type(error).__name__})"
            problems.append(Problem(path.name, 0, "", message, "save it again as .xlsx"))
        finally:
            book.close()
        return table, tuple(problems)
    try:
        content = path.read_bytes()
    except OSError as error:
        return None, (
            Problem(path.name, 0, "", f"cannot be read: {error.strerror}", "check its permissions"),
        )
    return _parse_csv(path.name, content, problems), tuple(problems)


def _settings_from_sheet(file: str, rows: Any, problems: list[Problem]) -> dict[str, Any]:
    """Rows of (key, value), the key dotted as in scenario.toml (``costs.carry_over_days``)."""
    settings: dict[str, Any] = {}
    for number, values in enumerate(rows, start=1):
        cells = [_cell_text(v) for v in values][:2]
        if len(cells) < 2 or not cells[0]:
            continue
        key, value = cells[0].strip(), cells[1].strip()
        if number == 1 and key.lower() == "key":
            continue
        node = settings
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                problems.append(
                    Problem(file, number, "key", f"'{key}' conflicts with another key", "use each key once")
                )
                break
            node = child
        else:
            node[parts[-1]] = _settings_value(value)
    return settings


def _settings_value(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()  # a date cell; a naive datetime stays naive below
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
