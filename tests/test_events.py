"""What happened to a week: events and new cases are read with file, row and column for every
problem, and applying them changes exactly what each event says."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import ScenarioError
from planner.events import (
    CancelService,
    CloseLink,
    EscortUnavailable,
    Event,
    NotReady,
    Seats,
    Withdraw,
    apply_events,
)
from planner.io.events import read_events, read_new_cases
from planner.io.validate import read_scenario
from planner.io.write import write_scenario
from planner.scenario import Link, Scenario
from tests import tiny
from tests.tiny import back_ferry, case, escort, ferry, scenario

# Window: 1 Dec 2026 00:00 WIB + 7 days (dates 2026-12-01 to 2026-12-08 are accepted).
WORLD = scenario(
    (case("C1", household_id="H1"), case("C2", household_id="H1"), case("C3", sex="F", category="tppo")),
    services=(ferry("F1", 2), ferry("F2", 4), back_ferry("R1", 4)),
    escorts=(escort("E1"),),
    links=(*tiny.LINKS, Link("SHL-PKB", "PORT-KUMAI", "bus", 45, 25_000)),
)
HEADER = "event,id,value,start,end"
GOOD_ROWS = [
    "cancel_service,F1,,,",
    "seats,F2,3,,",
    "escort_unavailable,E1,,2026-12-03,2026-12-04",
    "not_ready,C3,2026-12-05,,",
    "withdraw,C2,,,",
    "close_link,SHL-PKB>PORT-KUMAI:bus,,,",
    "close_link,PORT-SMG>REG-GROBOGAN,,,",
]
GOOD_EVENTS: tuple[Event, ...] = (
    CancelService("F1", row=2),
    Seats("F2", 3, row=3),
    EscortUnavailable("E1", date(2026, 12, 3), date(2026, 12, 4), row=4),
    NotReady("C3", date(2026, 12, 5), row=5),
    Withdraw("C2", row=6),
    CloseLink("SHL-PKB", "PORT-KUMAI", "bus", row=7),
    CloseLink("PORT-SMG", "REG-GROBOGAN", None, row=8),
)


def events_file(tmp_path: Path, *rows: str, name: str = "events.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def problems_of(path: Path, world: Scenario = WORLD) -> list[str]:
    with pytest.raises(ScenarioError) as raised:
        read_events(path, world)
    return [str(p) for p in raised.value.problems]


# -- reading events ----------------------------------------------------------------------------------


def test_every_kind_of_event_is_read_from_csv_with_its_row(tmp_path: Path) -> None:
    assert read_events(events_file(tmp_path, *GOOD_ROWS), WORLD) == GOOD_EVENTS


def test_events_are_read_from_a_workbook_sheet_named_events(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "notes"  # type: ignore[union-attr]
    sheet = book.create_sheet("events")
    for line in [HEADER, *GOOD_ROWS]:
        sheet.append([cell or None for cell in next(csv.reader(io.StringIO(line)))])
    path = tmp_path / "changes.xlsx"
    book.save(path)
    assert read_events(path, WORLD) == GOOD_EVENTS


def test_a_bad_event_in_a_workbook_is_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "events"
    for values in (HEADER.split(","), ["seats", "F1", 4], ["withdraw", "C9"]):
        sheet.append(values)
    path = tmp_path / "changes.xlsx"
    book.save(path)
    assert problems_of(path) == [
        "changes.xlsx[events]:3:id: 'C9' is not a case of the week (use a case_id of cases.csv)"
    ]


def test_a_workbook_without_an_events_sheet_is_a_problem(tmp_path: Path) -> None:
    book = Workbook()
    path = tmp_path / "changes.xlsx"
    book.save(path)
    assert problems_of(path) == ["changes.xlsx: has no sheet 'events' (add a sheet named 'events')"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("cancel,F1,,,", "events.csv:2:event: 'cancel' is not an event (did you mean 'cancel_service'?)"),
        ("cancel_service,F11,,,", "events.csv:2:id: 'F11' is not a service of the week (did you mean 'F1'?)"),
        ("seats,F1,-3,,", "events.csv:2:value: -3 is outside 0..100000"),
        ("seats,F1,many,,", "events.csv:2:value: 'many' is not a whole number"),
        ("seats,F1,2.5,,", "events.csv:2:value: '2.5' is not a whole number"),
        ("seats,F1,,,", "events.csv:2:value: is empty but a seats event needs it (give the seats left"),
        (
            "escort_unavailable,E2,,2026-12-03,2026-12-04",
            "events.csv:2:id: 'E2' is not an escort of the week",
        ),
        ("escort_unavailable,E1,,2026-12-05,2026-12-03", "events.csv:2:end: is before start (2026-12-05)"),
        ("escort_unavailable,E1,,2026-13-01,2026-12-03", "events.csv:2:start: '2026-13-01' is not a date"),
        ("escort_unavailable,E1,,2026-12-03,", "events.csv:2:end: is empty but an escort_unavailable event"),
        (
            "not_ready,C1,2027-01-10,,",
            "events.csv:2:value: 2027-01-10 is outside the planning window (2026-12-01 to 2026-12-08)",
        ),
        ("escort_unavailable,E1,,2026-11-20,2026-12-03", "events.csv:2:start: 2026-11-20 is outside"),
        ("withdraw,C9,,,", "events.csv:2:id: 'C9' is not a case of the week"),
        ("withdraw,C1,5,,", "events.csv:2:value: is not used by a withdraw event (leave it empty)"),
        ("withdraw,,,,", "events.csv:2:id: is empty (fill in id)"),
        (
            "close_link,PORT-KUMAI>SHL-PKX,,,",
            "events.csv:2:id: 'PORT-KUMAI>SHL-PKX' is not a link of the week (did you mean 'PORT-KUMAI>SHL-PKB'?)",
        ),
        ("close_link,PORT-KUMAI,,,", "events.csv:2:id: 'PORT-KUMAI' is not a link (write FROM>TO"),
        ("close_link,PORT-KUMAI>SHL-PKB:plane,,,", "events.csv:2:id: 'plane' is not a mode of links"),
        ("close_link,PORT-KUMAI>SHL-PKB:bus,,,", "events.csv:2:id: 'PORT-KUMAI>SHL-PKB:bus' is not a link"),
    ],
)
def test_each_bad_event_is_named_with_file_row_and_column(tmp_path: Path, row: str, expected: str) -> None:
    found = problems_of(events_file(tmp_path, row))
    assert len(found) == 1 and found[0].startswith(expected), found


def test_all_bad_events_are_reported_at_once_in_row_order(tmp_path: Path) -> None:
    path = events_file(tmp_path, "seats,F1,-1,,", "withdraw,C1,,,", "explode,F1,,,", "not_ready,C9,soon,,")
    found = problems_of(path)
    assert [p.split(": ")[0] for p in found] == [
        "events.csv:2:value",
        "events.csv:4:event",
        "events.csv:5:id",
        "events.csv:5:value",
    ]


def test_missing_and_misspelt_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("event,ident,value\nwithdraw,C1,\n", encoding="utf-8")
    assert problems_of(path) == [
        "events.csv:1:id: required column is missing (add a column 'id' to the header)",
        "events.csv:1:ident: is not a column of this table (did you mean 'event'?)",
    ]


def test_an_events_file_that_does_not_exist_is_a_problem(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nothing.csv")[0].startswith("nothing.csv: does not exist")


# -- through the command line ----------------------------------------------------------------------


@pytest.fixture
def week(tmp_path: Path) -> Path:
    target = tmp_path / "week"
    write_scenario(WORLD, target)
    return target


def test_cli_validate_with_bad_events_prints_each_problem_and_no_traceback(
    week: Path, tmp_path: Path
) -> None:
    path = events_file(tmp_path, "cancel_service,F1,,,", "seats,F1,-3,,", "withdraw,C7,,,")
    result = CliRunner().invoke(app, ["validate", str(week), "--events", str(path)])
    assert result.exit_code == 2
    assert "events.csv:3:value: -3 is outside 0..100000" in result.output
    assert "events.csv:4:id: 'C7' is not a case of the week" in result.output
    assert "2 problem(s)" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_cli_validate_describes_good_events_in_sentences(week: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["validate", str(week), "--events", str(events_file(tmp_path, *GOOD_ROWS))]
    )
    assert result.exit_code == 0, result.output
    assert (
        "row 2: the ferry F1 of 2 Dec 2026 08:00 from PORT-KUMAI to PORT-SMG was cancelled" in result.output
    )
    assert "row 3: the seats on the ferry F2 of 4 Dec 2026 08:00 from PORT-KUMAI to PORT-SMG were cut" in (
        result.output.replace("\n", " ")
    )


# -- describing events ----------------------------------------------------------------------------------


def test_each_event_describes_itself_in_an_officers_words() -> None:
    assert [event.describe(WORLD) for event in GOOD_EVENTS] == [
        "the ferry F1 of 2 Dec 2026 08:00 from PORT-KUMAI to PORT-SMG was cancelled",
        "the seats on the ferry F2 of 4 Dec 2026 08:00 from PORT-KUMAI to PORT-SMG were cut from 10 to 3",
        "escort E1 is unavailable from 3 Dec 2026 to 4 Dec 2026",
        "case C3 is not ready to travel before 5 Dec 2026",
        "case C2 was withdrawn",
        "the bus link from SHL-PKB to PORT-KUMAI was closed",
        "the road from PORT-SMG to REG-GROBOGAN was closed",
    ]


# -- applying events ---------------------------------------------------------------------------------


def test_cancelling_a_service_removes_it_and_nothing_else() -> None:
    after = apply_events(WORLD, [CancelService("F1")])
    assert [s.service_id for s in after.services] == ["F2", "R1"]
    assert (after.cases, after.escorts, after.links, after.settings) == (
        WORLD.cases,
        WORLD.escorts,
        WORLD.links,
        WORLD.settings,
    )


def test_seats_set_the_services_seats() -> None:
    after = apply_events(WORLD, [Seats("F2", 0)])
    assert after.service("F2").seats == 0
    assert after.service("F1") == WORLD.service("F1")


@pytest.mark.parametrize(
    ("first", "last", "kept"),
    [
        # Available 1-14 Dec.  A hole in the middle keeps the days after it.
        (date(2026, 12, 3), date(2026, 12, 5), (date(2026, 12, 6), date(2026, 12, 14))),
        # Unavailable to the end: the days before are kept.
        (date(2026, 12, 10), date(2026, 12, 20), (date(2026, 12, 1), date(2026, 12, 9))),
        # Outside the availability: nothing changes.
        (date(2026, 11, 20), date(2026, 11, 25), (date(2026, 12, 1), date(2026, 12, 14))),
        # The whole availability: the escort is gone.
        (date(2026, 11, 30), date(2026, 12, 14), None),
    ],
)
def test_an_unavailable_escort_keeps_one_interval_after_or_before_or_leaves(
    first: date, last: date, kept: tuple[date, date] | None
) -> None:
    after = apply_events(WORLD, [EscortUnavailable("E1", first, last)])
    if kept is None:
        assert not after.has_escort("E1") and after.escorts == ()
    else:
        assert (after.escort("E1").available_from, after.escort("E1").available_to) == kept


def test_not_ready_sets_the_ready_date() -> None:
    after = apply_events(WORLD, [NotReady("C3", date(2026, 12, 5))])
    assert after.case("C3") == replace(WORLD.case("C3"), ready=date(2026, 12, 5))


def test_a_withdrawn_case_leaves_the_week_and_its_household() -> None:
    after = apply_events(WORLD, [Withdraw("C2")])
    assert not after.has_case("C2")
    assert [h.case_ids for h in after.households] == [("C1",), ("C3",)]


def test_closing_a_link_removes_one_mode_or_every_mode() -> None:
    one = apply_events(WORLD, [CloseLink("SHL-PKB", "PORT-KUMAI", "bus")])
    assert one.find_link("SHL-PKB", "PORT-KUMAI", "bus") is None
    assert one.find_link("SHL-PKB", "PORT-KUMAI", "car") is not None
    every = apply_events(WORLD, [CloseLink("SHL-PKB", "PORT-KUMAI")])
    assert [link.link_id for link in every.links] == [
        "PORT-KUMAI>SHL-PKB:car",
        "PORT-SMG>REG-GROBOGAN:car",
        "REG-GROBOGAN>PORT-SMG:car",
    ]


def test_new_cases_are_appended_and_their_ids_must_be_new() -> None:
    after = apply_events(WORLD, [], new_cases=[case("C10")])
    assert [c.case_id for c in after.cases] == ["C1", "C2", "C3", "C10"]
    with pytest.raises(ValueError, match="C1"):
        apply_events(WORLD, [], new_cases=[case("C1")])


def test_events_apply_in_order_and_one_on_something_removed_changes_nothing() -> None:
    after = apply_events(
        WORLD, [Withdraw("C3"), NotReady("C3", date(2026, 12, 5)), CancelService("F1"), Seats("F1", 2)]
    )
    assert not after.has_case("C3") and not after.has_service("F1")
    with pytest.raises(ValueError):
        apply_events(WORLD, [Withdraw("C99")])


# -- new cases ---------------------------------------------------------------------------------------


def new_cases_file(tmp_path: Path, *rows: dict[str, str]) -> Path:
    columns = ["case_id", "household_id", "sex", "age", "category", "location_id", "home_id", "ready"]
    path = tmp_path / "new.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


NEW = {
    "case_id": "C10",
    "household_id": "",
    "sex": "M",
    "age": "41",
    "category": "deportee",
    "location_id": "SHL-PKB",
    "home_id": "REG-GROBOGAN",
    "ready": "2026-12-03",
}


def test_new_cases_are_read_by_the_scenarios_rules(tmp_path: Path) -> None:
    (read,) = read_new_cases(new_cases_file(tmp_path, NEW), WORLD)
    assert read == case("C10", ready=date(2026, 12, 3), age=41, category="deportee")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"sex": "X"}, "new.csv:2:sex: 'X' is not one of F, M (use one of F, M)"),
        ({"case_id": "C1"}, "new.csv:2:case_id: 'C1' is already a case of the week"),
        ({"home_id": "REG-ATLANTIS"}, "new.csv:2:home_id: 'REG-ATLANTIS' is not a location id"),
        ({"household_id": "H1", "home_id": "REG-LOTIM"}, "new.csv:2:home_id: household 'H1' is split"),
        (
            {"home_id": "Kota Yogyakarta"},
            "new.csv:2:home_id: 'Kota Yogyakarta' is not a location of the week: no service or link reaches it",
        ),
    ],
)
def test_each_bad_new_case_is_named_with_file_row_and_column(
    tmp_path: Path, change: dict[str, str], expected: str
) -> None:
    with pytest.raises(ScenarioError) as raised:
        read_new_cases(new_cases_file(tmp_path, {**NEW, **change}), WORLD)
    found = [str(p) for p in raised.value.problems]
    assert any(p.startswith(expected) for p in found), found


def test_change_cost_per_person_is_read_from_scenario_toml(week: Path) -> None:
    assert read_scenario(week).settings.costs.change_idr_per_person == 100_000
    toml = week / "scenario.toml"
    toml.write_text(
        toml.read_text().replace("change_idr_per_person = 100000", "change_idr_per_person = 250000")
    )
    assert read_scenario(week).settings.costs.change_idr_per_person == 250_000
    toml.write_text(toml.read_text().replace("change_idr_per_person = 250000", "change_idr_per_person = -1"))
    with pytest.raises(ScenarioError) as raised:
        read_scenario(week)
    assert [str(p) for p in raised.value.problems] == [
        "scenario.toml:costs.change_idr_per_person: -1 is outside 0..10000000000000 "
        "(give a value between 0 and 10000000000000)"
    ]
