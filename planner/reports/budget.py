"""The budget staff's workbook: what the plan charges to each budget line, and why.

Every figure comes from the plan's charges, so the workbook adds up to the plan's
``objective.cost_idr`` to the rupiah (the contract makes every cost item a charge, shared
vehicles included). Money is written as numbers, never as formulas alone, so a reader that
does not recalculate still sees every amount.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from planner.plan import Charge, Plan
from planner.reports import written
from planner.reports.details import detail
from planner.reports.labels import CATEGORIES, COST_TYPES, Lang, Text, day, word
from planner.reports.workbook import BOLD, ROLES, fit_columns, header, put_row, sheet_title
from planner.scenario import COST_TYPES as COST_TYPE_KEYS
from planner.scenario import Scenario

LINES_SHEET = Text("Mata anggaran", "Budget lines")
CHARGES_SHEET = Text("Rincian beban", "Charges")
PER_PERSON_SHEET = Text("Biaya per orang", "Cost per person")
PER_PROVINCE_SHEET = Text("Per provinsi asal", "Per home province")
WAITING_SHEET = Text("Menunggu anggaran", "Waiting for budget")

TOTAL = Text("Jumlah", "Total")
LINE_ID = Text("ID mata anggaran", "Budget line id")
NAME = Text("Nama", "Name")
AGENCY = Text("Instansi", "Agency")
PREFERENCE = Text("Urutan pemakaian", "Preference")
CEILING = Text("Pagu", "Ceiling")
CHARGED = Text("Dibebankan", "Charged")
REMAINING = Text("Sisa", "Remaining")
PARTY = Text("Rombongan", "Party")
FOR = Text("Untuk", "For")
WHO = Text("ID kasus / pendamping", "Case / escort id")
COST_TYPE = Text("Jenis biaya", "Cost type")
AMOUNT = Text("Nominal", "Amount")
CASES = Text("Kasus", "Cases")
ESCORTS = Text("Pendamping", "Escorts")
PER_CASE = Text("Per kasus", "Per case")
HOME = Text("Daerah asal", "Home region")
PROVINCE = Text("Provinsi asal", "Home province")
PLANNED_CASES = Text("Kasus direncanakan", "Cases planned")
TOTAL_CHARGED = Text("Jumlah dibebankan", "Total charged")
COST_PER_CASE = Text("Biaya per kasus", "Cost per case")
CASE_ID = Text("ID kasus", "Case id")
CATEGORY = Text("Kategori", "Category")
PRIORITY = Text("Prioritas", "Priority")
READY = Text("Siap berangkat", "Ready")
WHERE = Text("Lokasi sekarang", "Now at")
DETAIL = Text("Keterangan rencana", "What the plan says")
UNKNOWN_LINE = Text("(tidak ada di skenario)", "(not in the scenario)")


def write_budget(
    scenario: Scenario, plan: Plan, out_dir: Path, lang: Lang = "id", names: bool = True
) -> Path:
    """Write ``budget.xlsx`` into ``out_dir`` and return its path."""
    workbook = Workbook()
    _lines(workbook.active, scenario, plan, lang)
    _charges(workbook.create_sheet(), plan, lang)
    _per_party(workbook.create_sheet(), scenario, plan, lang)
    _per_province(workbook.create_sheet(), scenario, plan, lang)
    _waiting(workbook.create_sheet(), scenario, plan, lang, names)
    path = out_dir / "budget.xlsx"
    with written(path) as part:
        workbook.save(part)
    return path


def _lines(sheet: Any, scenario: Scenario, plan: Plan, lang: Lang) -> None:
    sheet.title = sheet_title(LINES_SHEET(lang))
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    for charge in plan.charges:
        by_type[charge.budget_line_id][charge.cost_type] += charge.amount_idr
    known = [line.budget_line_id for line in scenario.budget_lines]
    # A plan made by hand may charge a line the scenario lacks; its money still counts.
    strays = sorted(set(by_type) - set(known))
    header(
        sheet,
        1,
        [
            LINE_ID(lang),
            NAME(lang),
            AGENCY(lang),
            PREFERENCE(lang),
            CEILING(lang),
            CHARGED(lang),
            REMAINING(lang),
            *(word(COST_TYPES, t, lang) for t in COST_TYPE_KEYS),
        ],
    )
    money = range(5, 8 + len(COST_TYPE_KEYS))
    totals = [0] * (3 + len(COST_TYPE_KEYS))
    row = 1
    for line_id in [*known, *strays]:
        row += 1
        charged = sum(by_type[line_id].values())
        per_type = [by_type[line_id][t] for t in COST_TYPE_KEYS]
        if line_id in known:
            line = scenario.budget_line(line_id)
            ceiling: int | None = line.ceiling_idr
            head: list[str | int | None] = [line_id, line.name, line.agency, line.preference]
        else:
            ceiling = None
            head = [line_id, UNKNOWN_LINE(lang), None, None]
        remaining = None if ceiling is None else ceiling - charged
        figures = [ceiling, charged, remaining, *per_type]
        put_row(sheet, row, [*head, *figures], money=money)
        totals = [total + (figure or 0) for total, figure in zip(totals, figures, strict=True)]
    put_row(sheet, row + 1, [TOTAL(lang), None, None, None, *totals], money=money, bold=True)
    fit_columns(sheet)


def _charges(sheet: Any, plan: Plan, lang: Lang) -> None:
    sheet.title = sheet_title(CHARGES_SHEET(lang))
    header(sheet, 1, [PARTY(lang), FOR(lang), WHO(lang), COST_TYPE(lang), LINE_ID(lang), AMOUNT(lang)])
    row = 1
    for charge in plan.charges:
        row += 1
        role, who = _payee(charge, lang)
        put_row(
            sheet,
            row,
            [
                charge.party_id,
                role,
                who,
                word(COST_TYPES, charge.cost_type, lang),
                charge.budget_line_id,
                charge.amount_idr,
            ],
            money=(6,),
        )
    total = sum(charge.amount_idr for charge in plan.charges)
    put_row(sheet, row + 1, [TOTAL(lang), None, None, None, None, total], money=(6,), bold=True)
    fit_columns(sheet)


def _payee(charge: Charge, lang: Lang) -> tuple[str, str | None]:
    """Who a charge pays for: a case, an escort, or the shared vehicles of the party."""
    if charge.case_id is not None:
        return word(ROLES, "case", lang), charge.case_id
    if charge.escort_id is not None:
        return word(ROLES, "escort", lang), charge.escort_id
    return word(ROLES, "vehicle", lang), None


def _per_case(charged: int, cases: int) -> int | None:
    return round(charged / cases) if cases else None


def _per_party(sheet: Any, scenario: Scenario, plan: Plan, lang: Lang) -> None:
    sheet.title = sheet_title(PER_PERSON_SHEET(lang))
    charged: Counter[str] = Counter()
    for charge in plan.charges:
        charged[charge.party_id] += charge.amount_idr
    total = sum(charged.values())
    cases = len(plan.planned_case_ids)
    # The figure the staff ask for first, above the detail it comes from.
    summary: list[tuple[Text, int | None, bool]] = [
        (TOTAL_CHARGED, total, True),
        (PLANNED_CASES, cases, False),
        (COST_PER_CASE, _per_case(total, cases), True),
    ]
    for row, (label, value, is_money) in enumerate(summary, start=1):
        put_row(sheet, row, [label(lang), value], money=(2,) if is_money else ())
        sheet.cell(row=row, column=1).font = BOLD
    top = len(summary) + 2
    header(
        sheet,
        top,
        [PARTY(lang), HOME(lang), PROVINCE(lang), CASES(lang), ESCORTS(lang), CHARGED(lang), PER_CASE(lang)],
    )
    row = top
    for party in plan.parties:
        row += 1
        homes = sorted({scenario.case(c).home_id for c in party.case_ids})
        places = [scenario.location(home) for home in homes]
        amount = charged[party.party_id]
        put_row(
            sheet,
            row,
            [
                party.party_id,
                ", ".join(place.name for place in places),
                ", ".join(sorted({place.province for place in places})),
                len(party.case_ids),
                len(party.escort_ids),
                amount,
                _per_case(amount, len(party.case_ids)),
            ],
            money=(6, 7),
        )
    escorts = sum(len(party.escort_ids) for party in plan.parties)
    put_row(
        sheet,
        row + 1,
        [TOTAL(lang), None, None, cases, escorts, total, _per_case(total, cases)],
        money=(6, 7),
        bold=True,
    )
    fit_columns(sheet)


def _per_province(sheet: Any, scenario: Scenario, plan: Plan, lang: Lang) -> None:
    """Charges by the cases' home province: a case's own charges go to its province, the
    party's shared ones (escorts, vehicles) are split over its cases, whole rupiah."""
    sheet.title = sheet_title(PER_PROVINCE_SHEET(lang))
    province_of = {
        case_id: scenario.location(scenario.case(case_id).home_id).province
        for case_id in plan.planned_case_ids
    }
    members = {party.party_id: party.case_ids for party in plan.parties}
    charged: Counter[str] = Counter()
    for charge in plan.charges:
        if charge.case_id is not None and charge.case_id in province_of:
            charged[province_of[charge.case_id]] += charge.amount_idr
            continue
        weights = Counter(province_of[c] for c in members.get(charge.party_id, ()))
        for province, share in _split(charge.amount_idr, weights).items():
            charged[province] += share
    cases = Counter(province_of.values())
    header(sheet, 1, [PROVINCE(lang), CASES(lang), CHARGED(lang), PER_CASE(lang)])
    row = 1
    for province in sorted(set(cases) | set(charged)):
        row += 1
        amount = charged[province]
        put_row(
            sheet, row, [province, cases[province], amount, _per_case(amount, cases[province])], money=(3, 4)
        )
    total, count = sum(charged.values()), sum(cases.values())
    put_row(sheet, row + 1, [TOTAL(lang), count, total, _per_case(total, count)], money=(3, 4), bold=True)
    fit_columns(sheet)


def _split(amount: int, weights: Counter[str]) -> dict[str, int]:
    """``amount`` in whole rupiah in proportion to ``weights``; the shares add up to it exactly.

    A charge whose party has no case (only a hand-made plan has one) stays under an empty
    province, so the sheet's total still equals the plan's.
    """
    whole = sum(weights.values())
    if not whole:
        return {"": amount}
    shares = {key: amount * weight // whole for key, weight in weights.items()}
    left = amount - sum(shares.values())
    by_remainder = sorted(weights, key=lambda key: (-(amount * weights[key] % whole), key))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares


def _waiting(sheet: Any, scenario: Scenario, plan: Plan, lang: Lang, names: bool) -> None:
    """The cases waiting for money; their names only where the reader may see them (the
    service gives budget staff the workbook without)."""
    sheet.title = sheet_title(WAITING_SHEET(lang))
    header(
        sheet,
        1,
        [
            CASE_ID(lang),
            NAME(lang),
            CATEGORY(lang),
            PRIORITY(lang),
            READY(lang),
            WHERE(lang),
            HOME(lang),
            PROVINCE(lang),
            DETAIL(lang),
        ],
    )
    row = 1
    for item in plan.unplanned:
        if item.reason != "budget":
            continue
        row += 1
        case = scenario.case(item.case_id)
        home = scenario.location(case.home_id)
        put_row(
            sheet,
            row,
            [
                case.case_id,
                case.name if names else None,
                word(CATEGORIES, case.category, lang),
                case.priority,
                day(case.ready, lang),
                scenario.location(case.location_id).name,
                home.name,
                home.province,
                detail(item.detail, lang),
            ],
        )
    fit_columns(sheet)
