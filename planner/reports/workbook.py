"""What the spreadsheets written for officers and budget staff have in common.

Headers bold and frozen so they stay in view on long lists, columns wide enough to read
without resizing, money as numbers in rupiah format so staff can add them up themselves, and
sheet titles Excel accepts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner.reports.labels import Text, rupiah

MONEY = '"Rp" #,##0'
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)

# Both the manifests and the budget name who a row is about in these words.
ROLES: dict[str, Text] = {
    "case": Text("kasus", "case"),
    "escort": Text("pendamping", "escort"),
    "vehicle": Text("kendaraan bersama", "shared vehicle"),
}

Cell = str | int | float | None
_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
_TITLE_MAX = 31
_WIDTH_MIN, _WIDTH_MAX = 6, 60


def sheet_title(text: str) -> str:
    """``text`` as Excel accepts a sheet title: at most 31 characters, none of ``[]:*?/\\'``.

    The apostrophe is allowed by Excel inside a title but needs quoting in every link to the
    sheet; dropping it keeps the links simple.
    """
    return _FORBIDDEN.sub("-", text).strip()[:_TITLE_MAX].strip()


def header(sheet: Any, row: int, labels: Sequence[str]) -> None:
    """A bold header row, frozen with everything above it."""
    for column, label in enumerate(labels, start=1):
        sheet.cell(row=row, column=column, value=label).font = BOLD
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1).coordinate


def put_row(
    sheet: Any, row: int, values: Sequence[Cell], money: Sequence[int] = (), bold: bool = False
) -> None:
    """Write ``values`` from column A; the 1-based columns in ``money`` get the rupiah format."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        if column in money and value is not None:
            cell.number_format = MONEY
        if bold:
            cell.font = BOLD


def fit_columns(sheet: Any, from_row: int = 1) -> None:
    """Each column as wide as its longest value from ``from_row`` down shows, within bounds."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=from_row):
        for cell in row:
            if cell.value is None:
                continue
            shown = rupiah(cell.value) if cell.number_format == MONEY else str(cell.value)
            widths[cell.column] = max(widths.get(cell.column, 0), len(shown))
    for column, width in widths.items():
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(_WIDTH_MAX, max(_WIDTH_MIN, width + 2))
