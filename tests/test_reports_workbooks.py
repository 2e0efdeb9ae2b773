"""The logistics officers' manifests and the budget staff's workbook, read back with openpyxl.

Officers book every seat off the manifests, so each traveller must be on the sheet of every
departure they ride and on no other; budget staff reconcile the workbook with plan.json, so
its money must add up to the plan's to the rupiah.
"""

from __future__ import annotations

import csv
import dataclasses
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from planner.baseline import plan_baseline
from planner.cli import demo_path
from planner.io.validate import read_scenario
from planner.optimizer import Optimizer, Options
from planner.plan import Plan
from planner.reports import manifests as m
from planner.reports.budget import write_budget
from planner.reports.details import detail
from planner.reports.labels import COST_TYPES, MODES, Lang, local_time, word
from planner.reports.manifests import departures, write_manifests
from planner.reports.workbook import MONEY, ROLES
from planner.scenario import COST_TYPES as COST_TYPE_KEYS
from planner.scenario import Scenario

Planned = tuple[Scenario, Plan, Path]


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return read_scenario(demo_path())


@pytest.fixture(scope="module")
def baseline_plan(demo: Scenario) -> Plan:
    return plan_baseline(demo)


@pytest.fixture(scope="module")
def optimized_plan(demo: Scenario) -> Plan:
    return Optimizer(demo).plan(Options(time_limit=60, work_limit=5))


@pytest.fixture(scope="module", params=["baseline", "optimizer"])
def planned(
    request: pytest.FixtureRequest, demo: Scenario, tmp_path_factory: pytest.TempPathFactory
) -> Planned:
    """The demo week planned both ways, with both workbooks written in Bahasa (the default)."""
    plan: Plan = request.getfixturevalue(
        f"{'optimized' if request.param == 'optimizer' else 'baseline'}_plan"
    )
    out = tmp_path_factory.mktemp(request.param)
    write_manifests(demo, plan, out)
    write_budget(demo, plan, out)
    return demo, plan, out


# -- reading the workbooks back ------------------------------------------------------------------


def _table(sheet: Any, header_row: int = 1) -> list[dict[str, Any]]:
    """Rows under ``header_row`` as dicts keyed by the header, up to the first empty row."""
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    names = rows[0]
    table = []
    for values in rows[1:]:
        if all(v is None for v in values):
            break
        table.append(dict(zip(names, values, strict=True)))
    return table


def _manifest(sheet: Any) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    """A departure sheet's title block (label: value), its table of travellers, and the row of
    the table's header."""
    header_row = next(
        row
        for row in range(1, sheet.max_row + 1)
        if sheet.cell(row=row, column=1).value == m.TRAVELLER_COLUMNS[0]("id")
    )
    block = {
        sheet.cell(row=row, column=1).value: sheet.cell(row=row, column=2).value
        for row in range(2, header_row)
        if sheet.cell(row=row, column=1).value is not None
    }
    return block, _table(sheet, header_row), header_row


def _ride_id(block: dict[str, Any]) -> tuple[Any, ...]:
    """What tells one departure from another on its sheet: mode, places, local departure
    time, and the service where it is one (a service sheet shows the service's seats)."""
    service = block[m.RIDE("id")] if m.SEATS("id") in block else None
    return (block[m.MODE("id")], block[m.FROM("id")], block[m.TO("id")], block[m.DEPART("id")], service)


def _roles(lang: Lang = "id") -> dict[str, str]:
    return {word(ROLES, role, lang): role for role in ("case", "escort")}


def _manifest_rows(out: Path) -> dict[str, Counter[tuple[str, str]]]:
    """Per departure sheet: how often each (role, case or escort id) appears on it."""
    workbook = load_workbook(out / "manifests.xlsx")
    roles = _roles()
    person, role = m.TRAVELLER_COLUMNS[3]("id"), m.TRAVELLER_COLUMNS[1]("id")
    return {
        name: Counter((roles[row[role]], row[person]) for row in _manifest(workbook[name])[1])
        for name in workbook.sheetnames[1:]
    }


# -- manifests -----------------------------------------------------------------------------------


def test_every_traveller_is_on_each_departure_they_ride_once_and_nowhere_else(planned: Planned) -> None:
    scenario, plan, out = planned

    def ride_id(leg: Any) -> tuple[Any, ...]:
        origin = scenario.location(leg.from_id)
        return (
            word(MODES, leg.mode, "id"),
            origin.name,
            scenario.location(leg.to_id).name,
            local_time(leg.depart, origin, "id"),
            leg.service_id,
        )

    expected: dict[tuple[Any, ...], Counter[tuple[str, str]]] = {}
    for party in plan.parties:
        for leg in party.legs:
            riders = expected.setdefault(ride_id(leg), Counter())
            riders.update(("case", c) for c in party.case_ids)
            riders.update(("escort", e) for e in party.escort_ids)
    for duty in plan.escort_duties:
        for leg in (*duty.outbound_legs, *duty.return_legs):
            expected.setdefault(ride_id(leg), Counter())[("escort", duty.escort_id)] += 1
    assert any(duty.outbound_legs or duty.return_legs for duty in plan.escort_duties)

    workbook = load_workbook(out / "manifests.xlsx")
    rows = _manifest_rows(out)
    found = {_ride_id(_manifest(workbook[name])[0]): riders for name, riders in rows.items()}
    assert len(found) == len(rows), "two sheets describe the same departure"
    assert found == expected
    assert all(count == 1 for riders in found.values() for count in riders.values())


def test_no_service_sheet_books_more_seats_than_the_service_has(planned: Planned) -> None:
    scenario, _, out = planned
    workbook = load_workbook(out / "manifests.xlsx")
    services = roads = 0
    for name in workbook.sheetnames[1:]:
        block, travellers, _ = _manifest(workbook[name])
        assert block[m.BOOKED("id")] == len(travellers) > 0
        if m.SEATS("id") in block:
            services += 1
            service = scenario.service(block[m.RIDE("id")])
            assert block[m.SEATS("id")] == service.seats
            assert len(travellers) <= service.seats
        else:
            roads += 1
            from_id, to_id = block[m.RIDE("id")].split(" → ")
            mode = next(key for key, text in MODES.items() if text("id") == block[m.MODE("id")])
            link = scenario.find_link(from_id, to_id, mode)
            assert link is not None
            assert block[m.VEHICLES("id")] == link.vehicles_for(len(travellers))
            assert block[m.CAPACITY("id")] == link.vehicle_capacity
    assert services and roads


def test_the_index_lists_every_departure_in_time_order_and_links_to_its_sheet(planned: Planned) -> None:
    _, plan, out = planned
    workbook = load_workbook(out / "manifests.xlsx")
    index, *sheets = workbook.sheetnames
    assert index == "Keberangkatan"
    rides = departures(plan)
    assert [ride.depart for ride in rides] == sorted(ride.depart for ride in rides)
    listed = _table(workbook[index])
    assert [row[m.SHEET("id")] for row in listed] == sheets
    assert [row[m.NUMBER("id")] for row in listed] == [ride.number for ride in rides]
    assert [row[m.BOOKED("id")] for row in listed] == [len(ride.travellers) for ride in rides]
    for row, name in enumerate(sheets, start=2):
        assert workbook[index].cell(row=row, column=2).hyperlink.location == f"'{name}'!A1"
    assert len(set(sheets)) == len(sheets)
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in sheets)
    assert workbook[index].freeze_panes == "A2"


def test_departure_sheets_freeze_the_header_of_their_table(planned: Planned) -> None:
    _, _, out = planned
    workbook = load_workbook(out / "manifests.xlsx")
    for name in workbook.sheetnames[1:]:
        sheet = workbook[name]
        _, _, header_row = _manifest(sheet)
        assert sheet.cell(row=header_row, column=1).value == "Rombongan"
        assert sheet.freeze_panes == f"A{header_row + 1}"
        assert sheet.cell(row=header_row, column=1).font.b


def test_the_csv_has_the_same_traveller_departure_rows_as_the_workbook(planned: Planned) -> None:
    _, _, out = planned
    assert (out / "manifests.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    with (out / "manifests.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    roles = _roles()
    in_csv = Counter(
        (row[m.SHEET("id")], roles[row[m.TRAVELLER_COLUMNS[1]("id")]], row[m.TRAVELLER_COLUMNS[3]("id")])
        for row in rows
    )
    in_workbook = Counter(
        (name, role, person)
        for name, riders in _manifest_rows(out).items()
        for role, person in riders.elements()
    )
    assert in_csv == in_workbook


# -- budget --------------------------------------------------------------------------------------


def _charged(plan: Plan, line_id: str, cost_type: str | None = None) -> int:
    return sum(
        c.amount_idr
        for c in plan.charges
        if c.budget_line_id == line_id and (cost_type is None or c.cost_type == cost_type)
    )


def test_each_budget_line_shows_its_ceiling_what_is_charged_and_what_remains(planned: Planned) -> None:
    scenario, plan, out = planned
    sheet = load_workbook(out / "budget.xlsx")["Mata anggaran"]
    rows = {row["ID mata anggaran"]: row for row in _table(sheet)}
    for line in scenario.budget_lines:
        row = rows[line.budget_line_id]
        charged = _charged(plan, line.budget_line_id)
        assert (row["Pagu"], row["Dibebankan"], row["Sisa"]) == (
            line.ceiling_idr,
            charged,
            line.ceiling_idr - charged,
        )
        for cost_type in COST_TYPE_KEYS:
            assert row[word(COST_TYPES, cost_type, "id")] == _charged(plan, line.budget_line_id, cost_type)
    assert rows["Jumlah"]["Pagu"] == sum(line.ceiling_idr for line in scenario.budget_lines)


def test_budget_totals_equal_the_plans_cost_to_the_rupiah(planned: Planned) -> None:
    _, plan, out = planned
    cost = plan.objective.cost_idr
    assert sum(c.amount_idr for c in plan.charges) == cost
    workbook = load_workbook(out / "budget.xlsx")
    assert {row["ID mata anggaran"]: row for row in _table(workbook["Mata anggaran"])}["Jumlah"][
        "Dibebankan"
    ] == cost
    charges = _table(workbook["Rincian beban"])
    assert charges[-1]["Rombongan"] == "Jumlah" and charges[-1]["Nominal"] == cost
    assert sum(row["Nominal"] for row in charges[:-1]) == cost
    per_person = workbook["Biaya per orang"]
    assert per_person["B1"].value == cost
    assert per_person["B2"].value == len(plan.planned_case_ids)
    assert per_person["B3"].value == round(cost / len(plan.planned_case_ids))
    parties = _table(per_person, 5)
    assert [row["Rombongan"] for row in parties] == [*(p.party_id for p in plan.parties), "Jumlah"]
    assert sum(row["Dibebankan"] for row in parties[:-1]) == parties[-1]["Dibebankan"] == cost
    provinces = _table(workbook["Per provinsi asal"])
    assert sum(row["Dibebankan"] for row in provinces[:-1]) == provinces[-1]["Dibebankan"] == cost
    assert provinces[-1]["Kasus"] == len(plan.planned_case_ids)


def test_every_charge_is_listed_with_whom_it_pays_for(planned: Planned) -> None:
    _, plan, out = planned
    rows = _table(load_workbook(out / "budget.xlsx")["Rincian beban"])[:-1]
    vehicle = word(ROLES, "vehicle", "id")
    listed = Counter(
        (r["Rombongan"], r["ID kasus / pendamping"], r["ID mata anggaran"], r["Nominal"]) for r in rows
    )
    planned_charges = Counter(
        (c.party_id, c.case_id or c.escort_id, c.budget_line_id, c.amount_idr) for c in plan.charges
    )
    assert listed == planned_charges
    assert any(r["Untuk"] == vehicle and r["ID kasus / pendamping"] is None for r in rows)


def test_money_is_numbers_in_rupiah_under_frozen_bold_headers(planned: Planned) -> None:
    _, _, out = planned
    workbook = load_workbook(out / "budget.xlsx")
    money_columns = {
        "Mata anggaran": ["Pagu", "Dibebankan", "Sisa", *(word(COST_TYPES, t, "id") for t in COST_TYPE_KEYS)],
        "Rincian beban": ["Nominal"],
        "Per provinsi asal": ["Dibebankan", "Per kasus"],
    }
    for name, columns in money_columns.items():
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        names = [cell.value for cell in sheet[1]]
        for column in columns:
            cells = [row[names.index(column)] for row in sheet.iter_rows(min_row=2)]
            assert cells
            for cell in cells:
                assert type(cell.value) is int, (name, column, cell.value)
                assert cell.number_format == MONEY == '"Rp" #,##0'
    assert workbook["Biaya per orang"].freeze_panes == "A6"
    for sheet in workbook:
        assert sheet.column_dimensions["A"].width > 6


def test_cases_waiting_for_money_are_listed_with_the_plans_detail(planned: Planned) -> None:
    _, plan, out = planned
    rows = _table(load_workbook(out / "budget.xlsx")["Menunggu anggaran"])
    waiting = [u for u in plan.unplanned if u.reason == "budget"]
    assert waiting
    # In Bahasa, as the rest of the workbook (planner.reports.details translates the plan's).
    assert [(r["ID kasus"], r["Keterangan rencana"]) for r in rows] == [
        (u.case_id, detail(u.detail, "id")) for u in waiting
    ]


# -- languages -----------------------------------------------------------------------------------


def test_english_on_request_bahasa_by_default(demo: Scenario, baseline_plan: Plan, tmp_path: Path) -> None:
    write_manifests(demo, baseline_plan, tmp_path / "en", lang="en")
    write_budget(demo, baseline_plan, tmp_path / "en", lang="en")
    budget = load_workbook(tmp_path / "en" / "budget.xlsx")
    assert budget.sheetnames == [
        "Budget lines",
        "Charges",
        "Cost per person",
        "Per home province",
        "Waiting for budget",
    ]
    assert [c.value for c in budget["Budget lines"][1]][:7] == [
        "Budget line id",
        "Name",
        "Agency",
        "Preference",
        "Ceiling",
        "Charged",
        "Remaining",
    ]
    manifests = load_workbook(tmp_path / "en" / "manifests.xlsx")
    assert manifests.sheetnames[0] == "Departures"
    first = manifests[manifests.sheetnames[1]]
    assert first["A1"].value.startswith("Departure manifest")
    header_row = int(first.freeze_panes[1:]) - 1
    assert [c.value for c in first[header_row]][:4] == ["Party", "Role", "Trip", "Case / escort id"]
    with (tmp_path / "en" / "manifests.csv").open(encoding="utf-8-sig") as stream:
        assert next(csv.reader(stream))[:3] == ["No.", "Sheet", "Departs"]

    write_manifests(demo, baseline_plan, tmp_path / "id")
    write_budget(demo, baseline_plan, tmp_path / "id")
    assert load_workbook(tmp_path / "id" / "budget.xlsx").sheetnames[0] == "Mata anggaran"
    bahasa = load_workbook(tmp_path / "id" / "manifests.xlsx")
    assert bahasa.sheetnames[0] == "Keberangkatan"
    assert bahasa[bahasa.sheetnames[1]]["A1"].value.startswith("Manifes keberangkatan")


# -- edge weeks ----------------------------------------------------------------------------------


def _open_both(out: Path, read_only: bool = False) -> tuple[Any, Any]:
    return (
        load_workbook(out / "manifests.xlsx", read_only=read_only),
        load_workbook(out / "budget.xlsx", read_only=read_only),
    )


def test_a_week_with_nobody_planned_still_gives_both_workbooks(demo: Scenario, tmp_path: Path) -> None:
    late = demo.settings.end_date + timedelta(days=1)
    nobody_ready = dataclasses.replace(
        demo, cases=tuple(dataclasses.replace(c, ready=late) for c in demo.cases)
    )
    plan = plan_baseline(nobody_ready)
    assert plan.planned_case_ids == () and plan.charges == ()
    assert [p.name for p in write_manifests(nobody_ready, plan, tmp_path)] == [
        "manifests.xlsx",
        "manifests.csv",
    ]
    write_budget(nobody_ready, plan, tmp_path)
    manifests, budget = _open_both(tmp_path)
    assert manifests.sheetnames == ["Keberangkatan"]
    assert budget["Biaya per orang"]["B1"].value == 0
    assert budget["Biaya per orang"]["B3"].value is None  # no cases: no cost per case to divide
    assert len((tmp_path / "manifests.csv").read_text(encoding="utf-8-sig").splitlines()) == 1


def test_a_week_with_hundreds_of_parties_gives_both_workbooks(
    many_parties: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    scenario, plan = many_parties
    write_manifests(scenario, plan, tmp_path)
    write_budget(scenario, plan, tmp_path)
    manifests, budget = _open_both(tmp_path, read_only=True)
    assert len(manifests.sheetnames) == len(departures(plan)) + 1
    assert len(set(manifests.sheetnames)) == len(manifests.sheetnames)
    lines = list(budget["Mata anggaran"].iter_rows(values_only=True))
    assert lines[-1][0] == "Jumlah" and lines[-1][5] == plan.objective.cost_idr
    assert not list(tmp_path.glob(".*.part"))
