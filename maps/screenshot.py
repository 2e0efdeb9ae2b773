"""Render a map page in headless Chromium: the README's picture and the map's browser test.

``python -m maps.screenshot MAP_HTML PNG [--offline]`` saves what a coordinator sees at
1280x800.  The browser is Debian's ``chromium`` (``make chromium`` installs it), driven by
Playwright; Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from playwright.sync_api import Page, ViewportSize, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM: Final = Path(os.environ.get("REPAT_CHROMIUM", "/usr/bin/chromium"))
VIEWPORT: Final[ViewportSize] = {"width": 1280, "height": 800}
# Background tiles may still be arriving; they are optional, so waiting for them is bounded.
_TILE_WAIT_MS: Final = 5000


class BrowserMissing(RuntimeError):
    """Chromium is not installed where the map's rendering expects it."""


@dataclass(frozen=True, slots=True)
class Rendered:
    png: bytes
    party_legs: int
    escort_legs: int
    markers: int


@contextmanager
def open_page(offline: bool = True) -> Iterator[Page]:
    """A 1280x800 page in headless Chromium; with ``offline`` every http(s) request fails."""
    if not CHROMIUM.exists():
        raise BrowserMissing(
            f"chromium is not installed at {CHROMIUM}: run `make chromium` "
            "(apt-get install --no-install-recommends chromium) or set REPAT_CHROMIUM"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            # Chromium's own offline mode fails requests at once, where a request handler in Python
            # would answer each background tile in turn and hold the page's load event for seconds.
            page = browser.new_page(viewport=VIEWPORT, offline=offline)
            yield page
        finally:
            browser.close()


def render(page: Page, map_html: Path, tiles: bool = False, timeout_ms: int = 20_000) -> Rendered:
    """Open ``map_html``, wait until Leaflet has drawn it (and the tiles, a while) and take a screenshot."""
    page.goto(map_html.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
    # The layer control is added after every layer, in the same script: once it is there,
    # everything has been drawn.
    page.wait_for_selector(".leaflet-control-layers", state="attached", timeout=timeout_ms)
    if tiles:
        with suppress(PlaywrightTimeout):  # tiles that never come only leave the background plain
            page.wait_for_load_state("networkidle", timeout=_TILE_WAIT_MS)
    counts = page.evaluate(
        """() => ({
            party: document.querySelectorAll('.leaflet-overlay-pane path.repat-leg').length,
            escort: document.querySelectorAll('.leaflet-overlay-pane path.repat-escort-leg').length,
            markers: document.querySelectorAll('.leaflet-marker-pane path').length,
        })"""
    )
    png = page.screenshot(full_page=False)
    return Rendered(png, int(counts["party"]), int(counts["escort"]), int(counts["markers"]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m maps.screenshot", description=__doc__.splitlines()[0])
    parser.add_argument("map_html", type=Path, help="a map.html written by maps.route_map.write_map")
    parser.add_argument("png", type=Path, help="where to save the screenshot")
    parser.add_argument(
        "--offline", action="store_true", help="refuse every internet request (no background tiles)"
    )
    args = parser.parse_args(argv)
    if not args.map_html.is_file():
        parser.error(f"{args.map_html} is not a file")
    try:
        with open_page(offline=args.offline) as page:
            shot = render(page, args.map_html, tiles=not args.offline)
    except BrowserMissing as error:
        print(error, file=sys.stderr)
        return 2
    args.png.parent.mkdir(parents=True, exist_ok=True)
    args.png.write_bytes(shot.png)
    print(f"{args.png}: {shot.party_legs} party legs, {shot.escort_legs} escort legs, {shot.markers} markers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
