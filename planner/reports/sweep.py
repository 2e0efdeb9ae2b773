"""What a sweep found, for budget staff: ``sweep.csv``, ``sweep.xlsx`` (one row per variant),
``sweep.png`` (people home against money, one curve per escort setting) and each variant's
result as ``variants/NAME.json`` the moment it arrives.  Every file is written whole or not at
all (a ``.part`` file renamed)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from openpyxl import Workbook

from planner.reports import written
from planner.reports.workbook import fit_columns, header, put_row
from planner.sweep import VariantResult

Cell = str | int | float


def columns(results: Sequence[VariantResult]) -> tuple[list[str], list[str]]:
    """The parameter columns (axes varied in any result) and the budget lines' ids, in order."""
    axes: list[str] = []
    lines: list[str] = []
    for result in results:
        for name in result.variant.parameters():
            if name not in axes:
                axes.append(name)
        for line in result.money_by_line:
            if line not in lines:
                lines.append(line)
    return axes, lines


def table(results: Sequence[VariantResult]) -> tuple[list[str], list[list[Cell]]]:
    """The header and one row per variant, as both the CSV and the workbook have them."""
    axes, lines = columns(results)
    head = [
        "variant",
        "description",
        *axes,
        "people_home",
        "cases",
        *(f"money_{line}" for line in lines),
        "money_idr",
        "waiting_days",
        "total_idr",
        "bound_idr",
        "gap",
        "status",
        "check",
        "seconds",
        "attempts",
        "error",
    ]
    rows: list[list[Cell]] = []
    for r in results:
        parameters = r.variant.parameters()
        rows.append(
            [
                r.variant.name,
                r.description,
                *(parameters.get(axis, "") for axis in axes),
                r.planned,
                r.cases,
                *(r.money_by_line.get(line, 0) for line in lines),
                r.cost_idr,
                r.waiting_days,
                r.total_idr,
                r.bound_idr,
                round(r.gap, 5),
                r.status,
                r.check,
                r.seconds,
                r.attempts,
                r.error or "",
            ]
        )
    return head, rows


def write_result(result: VariantResult, out_dir: Path) -> Path:
    """``out_dir/variants/NAME.json``: one variant's result, as soon as it is known."""
    path = out_dir / "variants" / f"{result.variant.name}.json"
    document = asdict(result)
    document["failed"] = result.failed
    with written(path) as part:
        part.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def write_csv(results: Sequence[VariantResult], out_dir: Path) -> Path:
    head, rows = table(results)
    path = out_dir / "sweep.csv"
    with written(path) as part, part.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(head)
        writer.writerows(rows)
    return path


def write_xlsx(results: Sequence[VariantResult], out_dir: Path) -> Path:
    head, rows = table(results)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "sweep"
    header(sheet, 1, head)
    money = [i for i, name in enumerate(head, start=1) if name.startswith("money_") or name.endswith("_idr")]
    for index, row in enumerate(rows, start=2):
        put_row(sheet, index, row, money=money)
    fit_columns(sheet)
    path = out_dir / "sweep.xlsx"
    with written(path) as part:
        workbook.save(part)
    return path


def write_png(results: Sequence[VariantResult], out_dir: Path, title: str = "") -> Path:
    """People home against the money spent, one curve per number of escorts added; each point
    labelled with its variant."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves: dict[int, list[VariantResult]] = defaultdict(list)
    for result in results:
        if not result.failed:
            curves[result.variant.escorts_added].append(result)
    figure, axes = plt.subplots(figsize=(8, 5), dpi=110)
    for added, points in sorted(curves.items()):
        points.sort(key=lambda r: (r.cost_idr, r.planned))
        xs = [r.cost_idr / 1e6 for r in points]
        ys = [r.planned for r in points]
        axes.plot(xs, ys, marker="o", label=f"+{added} escorts")
        for r, x, y in zip(points, xs, ys, strict=True):
            axes.annotate(r.variant.name, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7)
    cases = max((r.cases for r in results), default=0)
    if cases:
        axes.axhline(cases, color="grey", linestyle=":", linewidth=1, label=f"all {cases} cases")
    axes.set_xlabel("money spent (million rupiah)")
    axes.set_ylabel("people home")
    axes.set_title(title or "What if? People home against money")
    axes.grid(True, alpha=0.3)
    axes.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    path = out_dir / "sweep.png"
    with written(path) as part:
        figure.savefig(part, format="png")
    plt.close(figure)
    return path
