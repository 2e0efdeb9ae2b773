"""Bad scenario files give every problem with file, row and column, and never a traceback."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import ScenarioError
from planner.io.validate import read_scenario
from planner.io.write import write_scenario
from tests.tiny import case, escort, scenario

WORLD = scenario(
    (
        case("C1", household_id="H1", funding=frozenset({"B-DINSOS"})),
        case("C2", household_id="H1"),
        case("C3", sex="F", category="tppo", national_id="6201014507900001"),
    ),
    escorts=(escort("E1"),),
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "week"
    write_scenario(WORLD, target)
    return target


def edit(folder: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` counts as a spreadsheet does (header is row 1)."""
    path = folder / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[row - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def problems(folder: Path) -> list[str]:
    with pytest.raises(ScenarioError) as raised:
        read_scenario(folder)
    return [str(p) for p in raised.value.problems]


def test_the_written_tiny_world_reads_back_unchanged(folder: Path) -> None:
    assert read_scenario(folder) == WORLD


@pytest.mark.parametrize("target", ["week", "book.xlsx", "week.zip"])
def test_round_trip_through_every_format(tmp_path: Path, target: str) -> None:
    path = tmp_path / target
    write_scenario(WORLD, path)
    assert read_scenario(path) == WORLD


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "expected"),
    [
        ("cases", 2, "home_id", "REG-ATLANTIS", "cases.csv:2:home_id: 'REG-ATLANTIS' is not a location id"),
        ("cases", 3, "case_id", "C1", "cases.csv:3:case_id: 'C1' is used again (first on row 2)"),
        ("cases", 2, "sex", "X", "cases.csv:2:sex: 'X' is not one of F, M"),
        ("cases", 2, "category", "refugee", "cases.csv:2:category: 'refugee' is not one of terlantar"),
        ("cases", 2, "needs", "medical;wings", "cases.csv:2:needs: 'wings' is not one of medical"),
        ("cases", 2, "age", "thirty", "cases.csv:2:age: 'thirty' is not a whole number"),
        ("cases", 2, "ready", "30/11/2026", "cases.csv:2:ready: '30/11/2026' is not a date"),
        ("cases", 2, "funding", "B-NOPE", "cases.csv:2:funding: names budget line 'B-NOPE'"),
        ("cases", 4, "national_id", "62010145", "cases.csv:4:national_id: is not a 16-digit NIK"),
        ("cases", 3, "location_id", "PORT-KUMAI", "cases.csv:3:location_id: household 'H1' is split"),
        ("cases", 3, "home_id", "REG-LOTIM", "cases.csv:3:home_id: household 'H1' is split"),
        (
            "services",
            2,
            "depart",
            "2026-12-02T08:00",
            "services.csv:2:depart: '2026-12-02T08:00' has no UTC offset",
        ),
        ("services", 2, "arrive", "2026-12-01T08:00+07:00", "services.csv:2:arrive: is not after depart"),
        ("services", 2, "seats", "-3", "services.csv:2:seats: -3 is outside 0..100000"),
        (
            "services",
            2,
            "fare_idr",
            "400000.50",
            "services.csv:2:fare_idr: '400000.50' is not a whole number",
        ),
        (
            "services",
            2,
            "mode",
            "rocket",
            "services.csv:2:mode: 'rocket' is not one of ferry, flight, bus, train",
        ),
        (
            "services",
            2,
            "from_id",
            "PORT-NOWHERE",
            "services.csv:2:from_id: 'PORT-NOWHERE' is not a location id",
        ),
        ("locations", 2, "lat", "111.62", "locations.csv:2:lat: 111.62 is outside Indonesia"),
        (
            "locations",
            2,
            "province",
            "Atlantis",
            "locations.csv:2:province: 'Atlantis' is not an Indonesian province",
        ),
        ("locations", 3, "location_id", "SHL-PKB", "locations.csv:3:location_id: 'SHL-PKB' is used again"),
        ("links", 2, "duration_min", "0", "links.csv:2:duration_min: 0 is outside"),
        ("escorts", 2, "available_to", "2026-11-01", "escorts.csv:2:available_to: is before available_from"),
        ("budget_lines", 2, "ceiling_idr", "-5", "budget_lines.csv:2:ceiling_idr: -5 is outside"),
        (
            "budget_lines",
            2,
            "cost_types",
            "fare;hotel",
            "budget_lines.csv:2:cost_types: 'hotel' is not one of fare",
        ),
    ],
)
def test_each_planted_error_is_named_with_file_row_and_column(
    folder: Path, table: str, row: int, column: str, value: str, expected: str
) -> None:
    edit(folder, table, row, column, value)
    found = problems(folder)
    assert any(p.startswith(expected) for p in found), found


def test_all_errors_are_reported_at_once(folder: Path) -> None:
    edit(folder, "cases", 2, "sex", "X")
    edit(folder, "services", 2, "depart", "tomorrow")
    edit(folder, "escorts", 2, "daily_allowance_idr", "lots")
    found = problems(folder)
    assert len(found) == 3
    assert [p.split(":")[0] for p in found] == ["cases.csv", "services.csv", "escorts.csv"]


def test_missing_file_and_missing_column(folder: Path) -> None:
    (folder / "locations.csv").unlink()
    text = (folder / "services.csv").read_text().replace("fare_idr", "price")
    (folder / "services.csv").write_text(text)
    found = problems(folder)
    assert "locations.csv: is missing (add locations.csv to the scenario)" in found
    assert any(p.startswith("services.csv:1:fare_idr: required column is missing") for p in found)


def test_home_given_by_regency_name_resolves_through_the_gazetteer(folder: Path) -> None:
    edit(folder, "cases", 4, "home_id", "Kab. Lombok Timur")
    loaded = read_scenario(folder)
    home = loaded.location(loaded.case("C3").home_id)
    assert home.province == "Nusa Tenggara Barat"
    assert home.utc_offset.total_seconds() == 8 * 3600


def test_empty_binary_and_wrongly_encoded_files_are_problems_not_crashes(folder: Path) -> None:
    (folder / "cases.csv").write_bytes(b"")
    (folder / "services.csv").write_bytes(b"\x00\x01\x02PK\x03\x04binary")
    (folder / "links.csv").write_bytes("from_id,to_id\nKab. Bekasi,Bandung\n".encode("utf-16"))
    found = problems(folder)
    assert "cases.csv:1: has no header row (the first row names the columns)" in found
    assert any(p.startswith("services.csv:1: contains binary data") for p in found)
    assert any(p.startswith("links.csv:1: is not UTF-8 text") for p in found)


def test_cli_validate_prints_problems_and_exits_2(folder: Path) -> None:
    edit(folder, "cases", 2, "sex", "X")
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "cases.csv:2:sex: 'X' is not one of F, M (use one of F, M)" in result.output
    assert "Traceback" not in result.output


def test_cli_validate_summarises_a_valid_scenario(folder: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert "3 cases in 2 households" in result.output


def test_not_a_scenario_at_all(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    result = CliRunner().invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "cannot read a scenario from a '.txt' file" in result.output


def test_damaged_workbook_and_zip(tmp_path: Path) -> None:
    for name in ("book.xlsx", "week.zip"):
        (tmp_path / name).write_bytes(b"PK\x03\x04 this is not really an archive")
        found = problems(tmp_path / name)
        assert len(found) == 1 and found[0].startswith(f"{name}: is not a readable")


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp())
    write_scenario(WORLD, root / "week")
    yield root / "week"
    shutil.rmtree(root)


FILES = [
    "cases.csv",
    "locations.csv",
    "services.csv",
    "links.csv",
    "escorts.csv",
    "budget_lines.csv",
    "scenario.toml",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), content=st.binary(max_size=400))
def test_random_bytes_in_any_file_never_crash(template: Path, name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "week"
        shutil.copytree(template, target)
        (target / name).write_bytes(content)
        try:
            read_scenario(target)
        except ScenarioError as error:
            assert error.problems
            assert all(p.file and p.message and p.fix for p in error.problems)


@settings(max_examples=80, deadline=None)
@given(
    name=st.sampled_from(FILES[:-1]),
    cut=st.integers(min_value=0, max_value=2000),
    junk=st.text(alphabet=st.sampled_from(list(',"\n;:+-T0123456789abc \t\r')), max_size=30),
)
def test_random_csv_damage_never_crashes(template: Path, name: str, cut: int, junk: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "week"
        shutil.copytree(template, target)
        text = (target / name).read_text(encoding="utf-8")
        position = cut % (len(text) + 1)
        (target / name).write_text(text[:position] + junk + text[position + len(junk) :], encoding="utf-8")
        try:
            read_scenario(target)
        except ScenarioError as error:
            assert error.problems
