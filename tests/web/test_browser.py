"""The officers' web page in a real browser (Debian's chromium, driven by Playwright): an
officer signs in, uploads the demo workbook and a broken copy, plans the week, watches the
search and reads and downloads the plan; a budget user then sees no name or NIK on any page
and cannot reach the manifests.  axe-core checks every page for serious or critical
accessibility violations.  The pictures in docs/ are drawn by this test.

Every request that leaves this machine is refused, as in an office without internet: the
route map must still show Indonesia's islands (no background tiles).
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, Route

from maps.screenshot import open_page
from planner.cli import demo_path
from planner.io.validate import read_scenario
from tests.web.conftest import PLANTED, LiveService

AXE = Path(__file__).parent / "axe-core" / "axe.min.js"
DOCS = Path(__file__).resolve().parents[2] / "docs"
# Generous bounds on waits for the solve: the machine is shared; they measure nothing.
SOLVE_WAIT_MS = 300_000
# Long enough for the solver to report its column-generation rounds (a bound above 0, and
# moving), so that the progress chart shows something; the plan's quality is not the point.
TIME_LIMIT = "22"
RUPIAH = re.compile(r"^Rp \d{1,3}(\.\d{3})*$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def offline(route: Route) -> None:
    """Requests to the service on the loopback go through; any other address is refused."""
    if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with open_page(offline=False) as opened:
        opened.route("**/*", offline)
        # A page with the route map loads when the map has been drawn: seconds, more on a busy machine.
        opened.set_default_navigation_timeout(120_000)
        yield opened


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations of the page (the map's own frame aside)."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {iframes: false, resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v.get("impact") in ("serious", "critical")
    ]


def accessible(page: Page) -> None:
    violations = serious_violations(page)
    assert not violations, (page.url, violations)


def amount(text: str) -> int:
    """``Rp 1.234.000`` read back; only the way Indonesians write rupiah is accepted."""
    assert RUPIAH.match(text), text
    return int(text.removeprefix("Rp ").replace(".", ""))


def drawn_points(page: Page, line: str) -> list[tuple[float, float]]:
    """The (x, y) points of one of the chart's polylines."""
    text = page.get_attribute(line, "points") or ""
    return [(float(x), float(y)) for x, y in (point.split(",") for point in text.split())]


def drop_files(page: Page, zone: str, *files: Path) -> None:
    """Drop ``files`` on ``zone`` as a user dragging them from the desktop would: a DataTransfer
    made in the page, carried by dragenter, dragover and drop (Playwright's way, as its docs
    show for ``dispatch_event``)."""
    transfer = page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            for (const [name, type, data] of files) {
                const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], name, { type }));
            }
            return transfer;
        }""",
        [[f.name, XLSX, base64.b64encode(f.read_bytes()).decode()] for f in files],
    )
    page.dispatch_event(zone, "dragenter", {"dataTransfer": transfer})
    page.dispatch_event(zone, "dragover", {"dataTransfer": transfer})
    assert "over" in (page.get_attribute(zone, "class") or ""), "the drop zone does not show the drag"
    page.dispatch_event(zone, "drop", {"dataTransfer": transfer})
    assert "over" not in (page.get_attribute(zone, "class") or "")
    transfer.dispose()


def sign_in(page: Page, service: LiveService, key: str) -> None:
    page.context.clear_cookies()
    page.goto(service.url + "/minggu")
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/masuk"
    page.get_by_label("Kunci API").fill(key)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/minggu$"))


def test_an_officer_plans_a_week_and_a_budget_user_sees_no_personal_data(
    page: Page, live_service: LiveService, demo_workbook: Path, broken_workbook: Path
) -> None:
    service = live_service
    DOCS.mkdir(exist_ok=True)
    demo = read_scenario(demo_path())

    # Sign in.
    page.goto(service.url + "/")
    assert urlparse(page.url).path == "/masuk"
    accessible(page)
    page.screenshot(path=str(DOCS / "web-sign-in.png"))
    sign_in(page, service, service.keys.officer)
    assert "Siti Rahma" in page.inner_text("header")
    accessible(page)

    # Upload the demo workbook: its summary.
    page.set_input_files("#files", str(demo_workbook))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_url(re.compile(r"/minggu/\d+$"))
    week_url = page.url
    assert page.inner_text("#summary h2") == "Ringkasan"
    shelters = page.inner_text("#by-shelter")
    assert "Pangkalan Bun" in shelters and "Sampit" in shelters
    assert "Nusa Tenggara Barat" in page.inner_text("#by-province")
    assert "Korban TPPO" in page.inner_text("#by-category")
    assert f"{len(demo.cases)}" in page.inner_text(".facts")
    assert "Rp " in page.inner_text("#budget-lines")
    accessible(page)
    picked = page.inner_text("#summary")

    # The same workbook dropped on the drop zone: it goes into the form, and the same summary.
    page.goto(service.url + "/minggu")
    assert page.eval_on_selector("#files", "input => input.files.length") == 0
    drop_files(page, "#drop", demo_workbook)
    assert page.eval_on_selector("#files", "input => [...input.files].map(f => f.name)") == [
        demo_workbook.name
    ]
    assert page.inner_text("#chosen") == demo_workbook.name
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_url(re.compile(r"/minggu/\d+$"))
    assert page.url != week_url, "the dropped workbook was not stored as a week of its own"
    assert page.inner_text("#summary") == picked

    # A broken copy: every planted problem with its sheet, row and column; nothing stored.
    page.goto(service.url + "/minggu")
    weeks_before = page.locator("main table tbody tr").count()
    page.set_input_files("#files", str(broken_workbook))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_selector(".problems")
    rows = [r.inner_text() for r in page.locator("tr.problem").all()]
    assert len(rows) == len(PLANTED), rows
    for sheet, row, column, value in PLANTED:
        assert any(
            f"[{sheet}]" in r and f"\t{row}\t" in r and f"\t{column}\t" in r and value in r for r in rows
        ), (sheet, row, column, rows)
    assert "Tidak ada yang disimpan" in page.inner_text(".problems h2")
    assert page.locator("main section:last-of-type table tbody tr").count() == weeks_before
    accessible(page)
    page.screenshot(path=str(DOCS / "web-upload-errors.png"), full_page=True)

    # Plan the week and watch the search.
    page.goto(week_url)
    page.get_by_label("Batas waktu pencarian (detik)").fill(TIME_LIMIT)
    page.get_by_role("button", name="Mulai merencanakan").click()
    page.wait_for_url(re.compile(r"/proses/\d+$"))
    job_url = page.url
    # The picture waits for a chart worth seeing: a bound above 0, the amounts moved at least
    # once, and the best plan improved on the first one (unless the run ended before it could).
    page.wait_for_function(
        """() => {
            const byId = (id) => document.getElementById(id);
            const heights = (id) => new Set((byId(id).getAttribute('points') || '').split(' ')
                .filter(Boolean).map((point) => point.split(',')[1])).size;
            return /^Rp [1-9]/.test(byId('bound').textContent)
                && Number(byId('chart').dataset.distinctPoints || 0) >= 2
                && (heights('best-line') >= 2 || byId('progress').dataset.ended === '1');
        }""",
        timeout=SOLVE_WAIT_MS,
    )
    best, bound = amount(page.inner_text("#best")), amount(page.inner_text("#bound"))
    top, bottom = amount(page.inner_text("#y-top")), amount(page.inner_text("#y-bottom"))
    assert 0 < bottom <= bound <= best <= top, (bottom, bound, best, top)
    assert int(page.inner_text("#x-end")) >= 1
    # A bound above 0 comes from a round of column generation: the page counts them.
    assert int(page.inner_text("#rounds")) >= 1
    x_axis = page.inner_text(".x-labels")
    assert "0 detik" in x_axis and "Waktu sejak mulai (detik)" in x_axis
    drawn = {line: drawn_points(page, line) for line in ("#best-line", "#bound-line")}
    assert all(len(points) >= 2 for points in drawn.values()), drawn
    # Two lines, and at least one of them moves: three heights or more.
    assert len({y for points in drawn.values() for _, y in points}) >= 3, ("the lines are flat", drawn)
    accessible(page)
    page.screenshot(path=str(DOCS / "web-progress.png"))
    page.wait_for_selector("#see-plan[href^='/rencana/']", state="visible", timeout=SOLVE_WAIT_MS)
    assert page.inner_text("#state") in ("selesai", "dihentikan")
    page.click("#see-plan")
    page.wait_for_url(re.compile(r"/rencana/\d+$"))
    plan_url = page.url

    # The plan: parties with names for the officer, the waiting with reasons, money, the map.
    assert page.locator("article.party").count() > 0
    waiting = page.inner_text("#waiting")
    assert re.search(
        r"Kursi penuh|Tidak ada pendamping|Anggaran tidak cukup|Belum siap|Tidak ada rute", waiting
    )
    assert any(case.name and case.name in page.content() for case in demo.cases)
    assert "Rp " in page.inner_text("#money")
    assert re.search(r"\d{2}\.\d{2} (WIB|WITA|WIT)", page.inner_text("article.party"))
    route_map = page.frame_locator("#route-map")
    route_map.locator(".leaflet-control-layers").wait_for(state="attached", timeout=60_000)
    assert route_map.locator(".leaflet-repatLand-pane path").count() >= 30, "the offline coastline is missing"
    assert route_map.locator(".leaflet-overlay-pane path.repat-leg").count() > 0
    accessible(page)
    page.locator("#map-title").scroll_into_view_if_needed()
    page.screenshot(path=str(DOCS / "web-plan.png"))

    # The manifests download, with names to book seats.
    with page.expect_download() as download:
        page.click("a[data-file='manifests.xlsx']")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row}
    assert any(case.name in cells for case in demo.cases if case.name)

    # The language switch: the same page in English, money and dates still as Indonesians write them.
    page.get_by_role("link", name="Switch to English").click()
    page.wait_for_url(plan_url)
    assert "Who waits, and why" in page.inner_text("main")
    assert "Rp " in page.inner_text("#money")
    page.get_by_role("link", name="Ganti ke Bahasa Indonesia").click()
    # The switch back must have landed before the next sign-in clears the cookies (on a loaded
    # machine its redirect came after, and the sign-in never landed).
    page.wait_for_url(plan_url)
    page.wait_for_load_state()

    # A budget user: no name or NIK anywhere, no manifests, no map.
    sign_in(page, service, service.keys.budget)
    private = [c.name for c in demo.cases if c.name] + [c.national_id for c in demo.cases if c.national_id]
    assert private
    for url in (service.url + "/minggu", week_url, job_url, plan_url):
        page.goto(url)
        text = page.content()
        seen = [p for p in private if p in text]
        assert not seen, (url, seen[:3])
        accessible(page)
    page.goto(plan_url)
    assert page.locator("a[data-file='manifests.xlsx']").count() == 0
    assert page.locator("a[data-file='budget.xlsx']").count() == 1
    assert page.locator("#route-map").count() == 0
    for file in ("manifests.xlsx", "manifests.csv", "itineraries.html", "map.html"):
        answer = page.goto(f"{plan_url}/unduh/{file}")
        assert answer is not None and answer.status == 403, file
        assert not any(p in page.content() for p in private)

    # A phone's width: nothing wider than the screen but the tables, which scroll in their box.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(week_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})
