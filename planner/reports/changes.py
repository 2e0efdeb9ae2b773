"""What a re-plan changed, for the officer who rebooks: changes.xlsx and changes.csv.

One row per traveller whose booking changes (a case, or an escort's duty): the old and the
new legs in local time and why; and per departure of a service, the seats to cancel and the
seats to buy.  A traveller kept as booked is not listed.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from planner.plan import Leg
from planner.replan import Change, seats_to_rebook
from planner.reports.labels import Lang, Text, local_time, word
from planner.reports.workbook import fit_columns, header, put_row, sheet_title
from planner.scenario import Scenario

_WORDS: dict[str, Text] = {
    "travellers": Text("Pelaku perjalanan", "Travellers"),
    "seats": Text("Kursi", "Seats"),
    "traveller": Text("Pelaku", "Traveller"),
    "kind": Text("Jenis", "Kind"),
    "case": Text("kasus", "case"),
    "escort": Text("pendamping", "escort"),
    "old_party": Text("Rombongan lama", "Old party"),
    "old_legs": Text("Perjalanan lama", "Old legs"),
    "new_party": Text("Rombongan baru", "New party"),
    "new_legs": Text("Perjalanan baru", "New legs"),
    "reason": Text("Alasan", "Reason"),
    "service": Text("Layanan", "Service"),
    "from": Text("Dari", "From"),
    "to": Text("Ke", "To"),
    "depart": Text("Berangkat", "Departs"),
    "cancel": Text("Kursi dibatalkan", "Seats to cancel"),
    "buy": Text("Kursi dibeli", "Seats to buy"),
    "waits": Text("(menunggu)", "(waits)"),
}

CSV_COLUMNS = ("traveller_id", "kind", "old_party", "old_legs", "new_party", "new_legs", "reason")


def legs_text(scenario: Scenario, legs: Sequence[Leg], lang: Lang) -> str:
    """Legs as an officer reads them: ``S12 PORT-A > PORT-B Sen 24 Nov 2026 08.00 WIB; ...``."""
    parts = []
    for leg in legs:
        what = leg.service_id or leg.mode
        when = local_time(leg.depart, scenario.location(leg.from_id), lang)
        parts.append(f"{what} {leg.from_id} > {leg.to_id} {when}")
    return "; ".join(parts)


def write_changes(
    scenario: Scenario, changes: Sequence[Change], out_dir: Path, lang: Lang = "id"
) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [
        [
            c.traveller_id,
            word(_WORDS, c.kind, lang),
            c.old_party or "",
            legs_text(scenario, c.old_legs, lang) if c.old_legs else word(_WORDS, "waits", lang),
            c.new_party or "",
            legs_text(scenario, c.new_legs, lang) if c.new_legs else word(_WORDS, "waits", lang),
            c.reason,
        ]
        for c in changes
    ]
    csv_path = out_dir / "changes.csv"
    part = csv_path.with_suffix(".csv.part")
    with part.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows([[c.traveller_id, c.kind, *row[2:]] for c, row in zip(changes, rows, strict=True)])
    part.replace(csv_path)

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(word(_WORDS, "travellers", lang))
    labels = ["traveller", "kind", "old_party", "old_legs", "new_party", "new_legs", "reason"]
    header(sheet, 1, [word(_WORDS, key, lang) for key in labels])
    for index, row in enumerate(rows, start=2):
        put_row(sheet, index, row)
    fit_columns(sheet)
    seats = book.create_sheet(sheet_title(word(_WORDS, "seats", lang)))
    header(
        seats, 1, [word(_WORDS, key, lang) for key in ("service", "from", "to", "depart", "cancel", "buy")]
    )
    for index, (leg, cancel, buy) in enumerate(seats_to_rebook(changes), start=2):
        when = local_time(leg.depart, scenario.location(leg.from_id), lang)
        put_row(seats, index, [leg.service_id, leg.from_id, leg.to_id, when, cancel, buy])
    fit_columns(seats)
    xlsx_path = out_dir / "changes.xlsx"
    part = xlsx_path.with_suffix(".xlsx.part")
    book.save(part)
    part.replace(xlsx_path)
    return [xlsx_path, csv_path]
