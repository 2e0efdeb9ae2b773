"""The coordinators' route map: what map.html holds, and what a real browser draws from it.

The browser is Debian's chromium driven by Playwright (``make test`` installs chromium); every
internet request is refused, as on a machine without internet, so the page must draw from
what it carries.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page

from maps.route_map import (
    BACKGROUND,
    ESCORT_LEG_CLASS,
    LAND_STYLE,
    PARTY_LEG_CLASS,
    ROUTE_COLOURS,
    ROUTE_OF_MODE,
    write_map,
)
from maps.screenshot import open_page, render
from planner.baseline import plan_baseline
from planner.cli import demo_path
from planner.io.validate import read_scenario
from planner.plan import Plan
from planner.reports.labels import REASONS
from planner.scenario import Scenario

# A busy fortnight with enough budget and escorts for hundreds of parties.


@pytest.fixture(scope="module")
def demo() -> Scenario:
    """The demo week, every case with a name and a NIK (personal data the map must keep out)."""
    scenario = read_scenario(demo_path())
    cases = tuple(
        replace(
            case,
            name=case.name or f"Nama Contoh {i:03d}",
            national_id=case.national_id or f"{5203000000000000 + i:016d}",
        )
        for i, case in enumerate(scenario.cases)
    )
    return replace(scenario, cases=cases)


@pytest.fixture(scope="module")
def demo_plan(demo: Scenario) -> Plan:
    plan = plan_baseline(demo)
    assert plan.parties and plan.unplanned, "the demo's plan should have parties and unplanned cases"
    return plan


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, demo: Scenario, demo_plan: Plan) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("maps")
    return {
        "id": write_map(demo, demo_plan, folder / "map.html"),
        "en": write_map(demo, demo_plan, folder / "map-en.html", lang="en"),
        "names": write_map(demo, demo_plan, folder / "map-names.html", names=True),
    }


@pytest.fixture(scope="module")
def browser_page() -> Iterator[tuple[Page, list[str]]]:
    """One offline chromium page for the module, with the page errors it reports."""
    errors: list[str] = []
    with open_page(offline=True) as page:
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page, errors


def party_legs(plan: Plan) -> int:
    return sum(len(party.legs) for party in plan.parties)


def escort_legs(plan: Plan) -> int:
    return sum(len(d.outbound_legs) + len(d.return_legs) for d in plan.escort_duties)


def line_count(text: str, css_class: str) -> int:
    return len(re.findall(rf'"className":\s*"{css_class}"', text))


def overlays(text: str) -> list[str]:
    """The names the layer control lists as switchable layers."""
    block = re.search(r"overlays\s*:\s*\{(.*?)\}", text, re.S)
    assert block, "the page has no layer control"
    return [json.loads(name) for name in re.findall(r'("(?:[^"\\]|\\.)*")\s*:', block.group(1))]


def test_a_layer_per_home_province(demo: Scenario, demo_plan: Plan, pages: dict[str, Path]) -> None:
    names = overlays(pages["id"].read_text(encoding="utf-8"))
    provinces = {demo.location(party.legs[-1].to_id).province for party in demo_plan.parties}
    assert len(provinces) >= 2
    for province in provinces:
        assert sum(province in name for name in names) == 1, (province, names)
    assert sum(name.startswith("Ke ") for name in names) == len(provinces)


def test_one_line_per_party_leg(demo_plan: Plan, pages: dict[str, Path]) -> None:
    text = pages["id"].read_text(encoding="utf-8")
    assert line_count(text, PARTY_LEG_CLASS) == party_legs(demo_plan)
    assert line_count(text, ESCORT_LEG_CLASS) == escort_legs(demo_plan) > 0


def test_personal_data_only_with_names(demo: Scenario, demo_plan: Plan, pages: dict[str, Path]) -> None:
    default = pages["id"].read_text(encoding="utf-8")
    with_names = pages["names"].read_text(encoding="utf-8")
    planned = {case_id for party in demo_plan.parties for case_id in party.case_ids}
    escorts = {escort_id for party in demo_plan.parties for escort_id in party.escort_ids}
    for case in demo.cases:
        assert case.name and case.national_id
        assert html.escape(case.name) not in default, case.case_id
        assert case.national_id not in default, case.case_id
        if case.case_id in planned:
            assert html.escape(case.name) in with_names, case.case_id
            assert case.national_id in with_names, case.case_id
    named_escorts = [demo.escort(e).name for e in escorts if demo.escort(e).name]
    assert named_escorts
    for name in named_escorts:
        assert name
        assert html.escape(name) not in default
        assert html.escape(name) in with_names


def test_page_links_nothing_from_the_internet(pages: dict[str, Path]) -> None:
    for page in pages.values():
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.I), "scripts must be inline"
        assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", text, re.I)
        assert "@import" not in text
        assert 'version="1.9.4"' in text, "Leaflet 1.9.4 is inlined"
        assert "jquery" not in text.lower() and "bootstrap" not in text.lower()


def test_words_in_bahasa_by_default_and_english_on_request(demo_plan: Plan, pages: dict[str, Path]) -> None:
    bahasa = pages["id"].read_text(encoding="utf-8")
    english = pages["en"].read_text(encoding="utf-8")
    for reason in {item.reason for item in demo_plan.unplanned}:
        assert f"<b>{REASONS[reason].id}<" in bahasa and f"<b>{REASONS[reason].en}<" in english
    for words in (
        "Peta rute pemulangan",
        "Kapal laut",
        "Pesawat",
        "Jalan darat",
        "Belum terencana",
        "Rombongan",
    ):
        assert words in bahasa and words not in english, words
    for words in ("Return route map", "Ferry", "Flight", "Road (car, bus)", "Unplanned", "Party"):
        assert words in english, words
    assert "Return route map" not in bahasa


def shot_colours(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def near(image: Image.Image, colour: str, tolerance: int = 40) -> int:
    """How many pixels are drawn in ``colour`` (anti-aliasing blurs the edges)."""
    target = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    found = 0
    for count, pixel in image.getcolors(maxcolors=1 << 24) or ():
        assert isinstance(pixel, tuple)
        if sum(abs(a - b) for a, b in zip(pixel, target, strict=True)) <= tolerance:
            found += count
    return found


def test_chromium_draws_the_demo_map(
    demo_plan: Plan, pages: dict[str, Path], browser_page: tuple[Page, list[str]], tmp_path: Path
) -> None:
    page, errors = browser_page
    shot = render(page, pages["id"])
    assert not errors
    assert page.locator(".leaflet-overlay-pane path").count() >= party_legs(demo_plan)
    assert shot.party_legs == party_legs(demo_plan)
    assert shot.escort_legs == escort_legs(demo_plan)
    assert shot.markers > 0
    image = shot_colours(shot.png)
    assert image.size == (1280, 800)
    assert len(image.getcolors(maxcolors=1 << 24) or ()) > 200, "the screenshot looks blank"
    for route in {ROUTE_OF_MODE[leg.mode] for party in demo_plan.parties for leg in party.legs}:
        assert near(image, ROUTE_COLOURS[route]) > 300, route
    # A party leg opens the party's pop-up.
    page.locator(f"path.{PARTY_LEG_CLASS}").first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5000)
    assert "Rombongan" in popup.inner_text()


def test_a_plan_without_parties_still_draws(
    demo: Scenario, demo_plan: Plan, browser_page: tuple[Page, list[str]], tmp_path: Path
) -> None:
    page, errors = browser_page
    # Everyone ready only after the window: every case waits, none travels.
    late = replace(
        demo,
        cases=tuple(replace(c, ready=demo.settings.end_date + timedelta(days=1)) for c in demo.cases),
    )
    waiting = plan_baseline(late)
    assert not waiting.parties and len(waiting.unplanned) == len(demo.cases)
    # Not a valid plan for other outputs, but one the map must draw: nobody to send home.
    nobody = replace(demo_plan, parties=(), escort_duties=(), charges=(), unplanned=())
    drawn = {}
    for scenario, plan, name in ((late, waiting, "waiting"), (replace(demo, cases=()), nobody, "empty")):
        path = write_map(scenario, plan, tmp_path / f"{name}.html")
        text = path.read_text(encoding="utf-8")
        assert line_count(text, PARTY_LEG_CLASS) == 0
        shot = render(page, path)
        assert not errors, name
        assert shot.party_legs == 0 and shot.escort_legs == 0
        center = page.evaluate(
            "() => { for (const k in window) if (k.startsWith('map_')) return window[k].getCenter(); }"
        )
        assert -11.5 <= center["lat"] <= 6.5 and 94.5 <= center["lng"] <= 141.5, (name, center)
        drawn[name] = shot.markers
    # Three shelters, each with its ring of unplanned cases; then nothing at all on Indonesia.
    assert drawn == {"waiting": 6, "empty": 0}


def test_hundreds_of_parties(
    browser_page: tuple[Page, list[str]], many_parties: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    scenario, plan = many_parties
    path = write_map(scenario, plan, tmp_path / "busy.html")
    text = path.read_text(encoding="utf-8")
    assert line_count(text, PARTY_LEG_CLASS) == party_legs(plan)
    # The party's pop-up is written once, not once per leg: the page grows by little per leg.
    assert len(text.encode()) < 3_000_000, len(text)
    page, errors = browser_page
    shot = render(page, path)
    assert not errors
    assert shot.party_legs == party_legs(plan)


def test_offline_the_map_still_shows_indonesia(
    pages: dict[str, Path], browser_page: tuple[Page, list[str]]
) -> None:
    """Without tiles the islands and province borders are drawn from the shipped Natural Earth
    outlines (maps/static/indonesia), in the land colour, under the routes."""
    page, errors = browser_page
    shot = render(page, pages["id"])
    assert not errors
    assert page.locator(".leaflet-repatLand-pane path").count() >= 30
    image = shot_colours(shot.png)
    assert near(image, str(LAND_STYLE["fillColor"]), tolerance=6) > 100_000, "no land drawn"
    assert near(image, BACKGROUND, tolerance=6) > 100_000, "no sea drawn"
