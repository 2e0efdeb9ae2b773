"""``map.html``: the coordinators' route map of a plan.

The map shows where people wait (shelters), the ports, airports, terminals and stations the
plan uses (hubs), the home regions, every party's legs coloured by mode, the escorts' own
travel out to their party and back to base, and the cases left unplanned, grouped by where
they wait and why.  Routes and home regions sit in one layer per home province, so that the
coordinator of one receiving province can switch the others off.  Escorts' outbound and return
legs are drawn dashed in their own "escort travel" layer, not in the province layers: they
start and end at the escorts' bases, far from the province, and would clutter it.

Personal data stays off the map unless ``names=True`` (internal use): by default it shows
counts, ids, sex and age groups only.

The page must work without internet (field offices, CI): Leaflet is inlined from
``maps/static/leaflet`` and folium's links to CDNs are dropped.  Only the background tiles
come from OpenStreetMap; without them the map shows labelled places and the routes over
Indonesia's coastline and province borders (Natural Earth, inlined from
``maps/static/indonesia``), which the tiles cover when they load.  folium's own Popup needs
jQuery, so pop-ups and tooltips are bound here with Leaflet's ``bindPopup``/``bindTooltip`` directly.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import folium
from folium.template import Template

from geodata.geometry import INDONESIA_LAT, INDONESIA_LON, leg_line
from planner.plan import Leg, Party, Plan
from planner.reports import written
from planner.reports.details import detail
from planner.reports.labels import (
    CATEGORIES,
    MODES,
    NEEDS,
    REASONS,
    SEXES,
    Lang,
    Text,
    age_group,
    local_time,
    receiver,
    word,
)
from planner.scenario import Location, Scenario

L: Final = {
    "title": Text("Peta rute pemulangan", "Return route map"),
    "party": Text("Rombongan", "Party"),
    "to_province": Text("Ke {province} ({n} rombongan)", "To {province} ({n} parties)"),
    "places": Text("Shelter dan simpul transportasi", "Shelters and transport hubs"),
    "escort_travel": Text("Perjalanan pendamping (pergi/pulang)", "Escort travel (out and back)"),
    "unplanned_layer": Text("Belum terencana ({n} orang)", "Unplanned ({n} people)"),
    "road": Text("Jalan darat (mobil, bus)", "Road (car, bus)"),
    "shelter": Text("Shelter (tempat menunggu)", "Shelter (where people wait)"),
    "hub": Text("Pelabuhan, bandara, terminal", "Port, airport, terminal"),
    "home": Text("Daerah asal (tujuan)", "Home region (destination)"),
    "unplanned": Text("Belum terencana", "Unplanned"),
    "escort_leg": Text("Perjalanan pendamping", "Escort travel"),
    "out": Text("pergi ke titik awal", "out to the start"),
    "back": Text("kembali ke pangkalan", "back to base"),
    "depart": Text("Berangkat", "Departs"),
    "arrive": Text("Tiba", "Arrives"),
    "people": Text("Orang", "People"),
    "households": Text("Keluarga", "Households"),
    "categories": Text("Kategori", "Categories"),
    "escorts": Text("Pendamping", "Escorts"),
    "no_escort": Text("tanpa pendamping", "none"),
    "cases": Text("Kasus", "Cases"),
    "home_region": Text("Daerah asal", "Home region"),
    "receiver": Text("Diterima oleh", "Received by"),
    "legs": Text("Perjalanan", "Legs"),
    "waiting_here": Text("Menunggu di sini", "Waiting here"),
    "leaving": Text("berangkat dalam rencana", "leave in this plan"),
    "parties_home": Text("Rombongan yang tiba", "Parties arriving"),
    "unplanned_here": Text("{n} orang belum terencana", "{n} unplanned here"),
    "reason": Text("Alasan", "Reason"),
    "detail": Text("Keterangan", "Detail"),
    "more": Text("dan {n} lainnya", "and {n} more"),
    "summary": Text(
        "{parties} rombongan, {cases} orang; {unplanned} belum terencana",
        "{parties} parties, {cases} people; {unplanned} unplanned",
    ),
    "offline": Text(
        "Pulau dan batas provinsi: Natural Earth; latar peta rinci perlu internet.",
        "Islands and province borders: Natural Earth; the detailed background needs internet.",
    ),
}
KINDS: Final = {
    "shelter": Text("Shelter", "Shelter"),
    "port": Text("Pelabuhan", "Port"),
    "airport": Text("Bandara", "Airport"),
    "terminal": Text("Terminal", "Terminal"),
    "station": Text("Stasiun", "Station"),
    "city": Text("Kota/kabupaten", "City/regency"),
}

# A fixed palette, one colour per kind of route, readable on tiles and on a plain background.
ROUTE_COLOURS: Final = {"road": "#a6611a", "ferry": "#2166ac", "flight": "#d01c8b", "train": "#4d9221"}
ROUTE_OF_MODE: Final = {"car": "road", "bus": "road", "ferry": "ferry", "flight": "flight", "train": "train"}
MARKER_STYLES: Final[dict[str, dict[str, Any]]] = {
    "shelter": {"radius": 8, "color": "#ffffff", "weight": 2, "fillColor": "#542788", "fillOpacity": 1},
    "home": {"radius": 7, "color": "#333333", "weight": 2, "fillColor": "#f1a340", "fillOpacity": 1},
    "hub": {"radius": 5, "color": "#333333", "weight": 2, "fillColor": "#ffffff", "fillOpacity": 1},
}
UNPLANNED_STYLE: Final[dict[str, Any]] = {
    "color": "#b2182b",
    "weight": 3,
    "fillColor": "#ef3b2c",
    "fillOpacity": 0.25,
}
# The sea; the land is drawn from Natural Earth's provinces (``maps/static/indonesia``).
BACKGROUND: Final = "#d4e4ef"
LAND_STYLE: Final[dict[str, Any]] = {
    "color": "#8c959d",
    "weight": 0.8,
    "fillColor": "#f6f3ea",
    "fillOpacity": 1,
}
# The land's own pane, under Leaflet's tile pane (z-index 200): the tiles cover it when they
# load, and without internet it is what the map shows of Indonesia.
LAND_PANE: Final = "repatLand"

# Classes on the drawn SVG paths: they tell party legs from escorts' own legs (tests count them).
PARTY_LEG_CLASS: Final = "repat-leg"
ESCORT_LEG_CLASS: Final = "repat-escort-leg"

# Leaflet's marker pane lies above the overlay pane: markers stay clickable above the routes
# whichever layer is switched on last.
_MARKER_PANE: Final = "markerPane"
_ARC_POINTS: Final = 16
_DETAILS_PER_REASON: Final = 3

# Parts of folium and branca carry no types: called through these names, they are plain calls.
Element: Final[Any] = folium.Element
MacroElement: Final[Any] = folium.MacroElement
PolyLine: Final[Any] = folium.PolyLine

_STATIC: Final = resources.files("maps") / "static" / "leaflet"
_PROVINCES: Final = resources.files("maps") / "static" / "indonesia" / "provinces.geojson"
_PANEL_WIDTH: Final = 300
# Labels stand to the right of their marker: room for them beside the panels.
_LABEL_ROOM: Final = 120

# One template for every pop-up and tooltip; content and options arrive as JavaScript.
_BIND: Final = Template(
    "{% macro script(this, kwargs) %}"
    "{{ this._parent.get_name() }}.{{ this.method }}({{ this.content }}, {{ this.options }});"
    "{% endmacro %}"
)


def render_map(scenario: Scenario, plan: Plan, lang: Lang = "id", names: bool = False) -> folium.Map:
    """The route map of ``plan``; its page (``.get_root().render()``) needs no internet."""
    drawing = _Drawing(scenario, plan, lang, names)
    drawing.draw()
    page: folium.Map = drawing.map
    return page


def write_map(scenario: Scenario, plan: Plan, path: Path, lang: Lang = "id", names: bool = False) -> Path:
    """Write the map's page to ``path`` (completely or not at all) and return ``path``."""
    page = render_map(scenario, plan, lang, names).get_root().render()
    with written(path) as part:
        part.write_text(page, encoding="utf-8")
    return path


@dataclass
class _Drawing:
    scenario: Scenario
    plan: Plan
    lang: Lang
    names: bool
    map: Any = None
    points: list[tuple[float, float]] = field(default_factory=list)

    def t(self, key: str, **values: object) -> str:
        text = L[key](self.lang)
        return text.format(**values) if values else text

    def draw(self) -> None:
        self.map = _offline_map()
        self.map.get_root().header.add_child(
            Element(f"<title>{html.escape(self.t('title'))}: {html.escape(self.plan.scenario)}</title>"),
            name="repat_title",
        )
        by_province: dict[str, list[Party]] = defaultdict(list)
        for party in self.plan.parties:
            by_province[self.home_of(party).province].append(party)

        for province in sorted(by_province):
            parties = by_province[province]
            layer = folium.FeatureGroup(name=self.t("to_province", province=province, n=len(parties)))
            for party in parties:
                self.draw_party(party, layer)
            self.draw_homes(parties, layer)
            layer.add_to(self.map)
        self.draw_escort_travel()
        self.draw_places()
        self.draw_unplanned()
        folium.LayerControl(collapsed=False, position="topright").add_to(self.map)
        self.draw_legend()
        self.fit()

    # Parties and their legs ------------------------------------------------------------------

    def home_of(self, party: Party) -> Location:
        """Where the party's last leg arrives: its cases' home region."""
        if party.legs:
            return self.scenario.location(party.legs[-1].to_id)
        return self.scenario.location(self.scenario.case(party.case_ids[0]).home_id)

    def draw_party(self, party: Party, layer: Any) -> None:
        # The party's pop-up and the legs' tooltip are bound once to the group of its legs, not
        # repeated on every leg: the clicked leg is marked in the pop-up by the page's script.
        group = folium.FeatureGroup(control=False)
        who = f"{self.t('party')} {party.party_id}"
        for number, leg in enumerate(party.legs):
            self.leg_line(leg, who, number=number).add_to(group)
        _bind(group, "bindPopup", f"repatPartyPopup({_js(self.party_popup(party))})", maxWidth=460)
        _bind(group, "bindTooltip", "repatTip", sticky=True)
        group.add_to(layer)

    def leg_line(self, leg: Leg, who: str, number: int | None = None, escort: bool = False) -> Any:
        """One line for one leg: a party's ``number``-th leg, or an escort's own leg (dashed)."""
        start, end = self.scenario.location(leg.from_id), self.scenario.location(leg.to_id)
        geometry = leg_line(start.lat, start.lon, end.lat, end.lon, leg.mode, points=_ARC_POINTS)
        locations = [(round(lat, 4), round(lon, 4)) for lon, lat in geometry.coords]
        self.points += locations
        line = PolyLine(locations)
        # folium writes every Leaflet default into every line; only what differs keeps pages small.
        line.options = {
            "color": ROUTE_COLOURS[ROUTE_OF_MODE.get(leg.mode, "road")],
            "weight": 2.5 if escort else 4,
            "opacity": 0.9 if escort else 1.0,
            "className": ESCORT_LEG_CLASS if escort else PARTY_LEG_CLASS,
            # An escort's leg has no pop-up: its tooltip says when.
            "tip": self.leg_tip(leg, who, times=escort),
            **({"dashArray": "8 6"} if escort else {}),
            **({"leg": number} if number is not None else {}),
        }
        return line

    def leg_text(self, leg: Leg) -> str:
        """Mode, service, places and local times of a leg, for pop-ups."""
        start, end = self.scenario.location(leg.from_id), self.scenario.location(leg.to_id)
        return (
            f"{_e(self.ride(leg))}: {_e(start.name)} &rarr; {_e(end.name)}<br>"
            f"{_e(local_time(leg.depart, start, self.lang))} &ndash; {_e(local_time(leg.arrive, end, self.lang))}"
        )

    def leg_tip(self, leg: Leg, who: str, times: bool) -> str:
        """A leg's tooltip, one line of plain text: the party's pop-up holds the rest."""
        start, end = self.scenario.location(leg.from_id), self.scenario.location(leg.to_id)
        text = f"{who} · {self.ride(leg)}: {_short_name(start)} → {_short_name(end)}"
        if times:
            text += f", {local_time(leg.depart, start, self.lang)} – {local_time(leg.arrive, end, self.lang)}"
        return _e(text)

    def ride(self, leg: Leg) -> str:
        mode = word(MODES, leg.mode, self.lang)
        return f"{mode} {leg.service_id}" if leg.service_id else mode

    def party_popup(self, party: Party) -> str:
        cases = [self.scenario.case(case_id) for case_id in party.case_ids]
        home = self.home_of(party)
        rows = [
            f"<b>{_e(self.t('party'))} {_e(party.party_id)}</b> &rarr; {_e(home.name)}, {_e(home.province)}"
        ]
        if party.legs:
            first, last = party.legs[0], party.legs[-1]
            start, end = self.scenario.location(first.from_id), self.scenario.location(last.to_id)
            rows.append(
                f"{_e(self.t('depart'))}: {_e(local_time(first.depart, start, self.lang))}, {_e(start.name)}"
            )
            rows.append(f"{_e(self.t('arrive'))}: {_e(local_time(last.arrive, end, self.lang))}")
        sexes = _counts(word(SEXES, c.sex, self.lang) for c in cases)
        ages = _counts(age_group(c.age, self.lang) for c in cases)
        households = len({c.household_key for c in cases})
        rows.append(
            f"{_e(self.t('people'))}: {len(cases)} ({_e(sexes)}; {_e(ages)}); "
            f"{_e(self.t('households'))}: {households}"
        )
        rows.append(
            f"{_e(self.t('categories'))}: {_e(_counts(word(CATEGORIES, c.category, self.lang) for c in cases))}"
        )
        escorts = [self.escort_text(escort_id) for escort_id in party.escort_ids]
        rows.append(f"{_e(self.t('escorts'))}: {_e('; '.join(escorts) or self.t('no_escort'))}")
        rows.append(f"{_e(self.t('home_region'))}: {_e(home.name)}")
        rows.append(f"{_e(self.t('receiver'))}: {_e(receiver(home, self.lang))}")
        if self.names:
            people = [
                " ".join(
                    part for part in (c.case_id, c.name, c.national_id and f"NIK {c.national_id}") if part
                )
                for c in cases
            ]
        else:
            people = list(party.case_ids)
        rows.append(f"{_e(self.t('cases'))}: {_e(', '.join(people))}")
        legs = "".join(f'<li data-leg="{n}">{self.leg_text(leg)}</li>' for n, leg in enumerate(party.legs))
        legs_block = f"<br><b>{_e(self.t('legs'))}</b><ol>{legs}</ol>" if legs else ""
        return "<br>".join(rows) + legs_block

    def escort_text(self, escort_id: str) -> str:
        if not self.scenario.has_escort(escort_id):
            return escort_id
        escort = self.scenario.escort(escort_id)
        skills = (word(NEEDS, skill, self.lang) for skill in sorted(escort.skills))
        traits = ", ".join([word(SEXES, escort.sex, self.lang), *skills])
        name = f" {escort.name}" if self.names and escort.name else ""
        return f"{escort_id}{name} ({traits})"

    def draw_homes(self, parties: Sequence[Party], layer: Any) -> None:
        arriving: dict[str, list[Party]] = defaultdict(list)
        for party in parties:
            arriving[self.home_of(party).location_id].append(party)
        for location_id, group in sorted(arriving.items()):
            home = self.scenario.location(location_id)
            lines = [
                f"{_e(p.party_id)}: {len(p.case_ids)} {_e(self.t('people').lower())}"
                + (f", {_e(local_time(p.legs[-1].arrive, home, self.lang))}" if p.legs else "")
                for p in group
            ]
            popup = (
                f"<b>{_e(home.name)}</b><br>{_e(self.t('home'))}, {_e(home.province)}<br>"
                f"{_e(self.t('receiver'))}: {_e(receiver(home, self.lang))}<br>"
                f"{_e(self.t('parties_home'))}:<br>" + "<br>".join(lines)
            )
            self.marker(home, "home", popup, layer)

    # Escorts' own travel ---------------------------------------------------------------------

    def draw_escort_travel(self) -> None:
        layer = folium.FeatureGroup(name=self.t("escort_travel"))
        drawn = False
        for duty in self.plan.escort_duties:
            who = f"{self.t('escort_leg')}: {self.escort_text(duty.escort_id)}, {self.t('party')} {duty.party_id}"
            for legs, way in ((duty.outbound_legs, "out"), (duty.return_legs, "back")):
                for leg in legs:
                    self.leg_line(leg, f"{who} ({self.t(way)})", escort=True).add_to(layer)
                    drawn = True
        if drawn:
            _bind(layer, "bindTooltip", "repatTip", sticky=True)
            layer.add_to(self.map)

    # Places ----------------------------------------------------------------------------------

    def draw_places(self) -> None:
        """Shelters where cases wait and the hubs the legs pass; home regions are drawn per province."""
        waiting = Counter(c.location_id for c in self.scenario.cases)
        leaving = Counter(
            self.scenario.case(case_id).location_id
            for party in self.plan.parties
            for case_id in party.case_ids
        )
        homes = {self.home_of(party).location_id for party in self.plan.parties}
        used = {
            place
            for leg in self.all_legs()
            for place in (leg.from_id, leg.to_id)
            if place not in waiting and place not in homes
        }
        layer = folium.FeatureGroup(name=self.t("places"))
        for location_id in sorted(waiting):
            place = self.scenario.location(location_id)
            popup = (
                f"<b>{_e(place.name)}</b><br>{_e(word(KINDS, place.kind, self.lang))}, {_e(place.province)}<br>"
                f"{_e(self.t('waiting_here'))}: {waiting[location_id]} {_e(self.t('people').lower())}, "
                f"{leaving[location_id]} {_e(self.t('leaving'))}"
            )
            self.marker(place, "shelter", popup, layer)
        for location_id in sorted(used):
            place = self.scenario.location(location_id)
            popup = (
                f"<b>{_e(place.name)}</b><br>{_e(word(KINDS, place.kind, self.lang))}, {_e(place.province)}"
            )
            self.marker(place, "hub", popup, layer)
        if waiting or used:
            layer.add_to(self.map)

    def all_legs(self) -> Iterable[Leg]:
        for party in self.plan.parties:
            yield from party.legs
        for duty in self.plan.escort_duties:
            yield from duty.outbound_legs
            yield from duty.return_legs

    def marker(self, place: Location, role: str, popup: str, layer: Any) -> None:
        marker = folium.CircleMarker([place.lat, place.lon])
        marker.options = {**MARKER_STYLES[role], "pane": _MARKER_PANE}
        _bind(marker, "bindPopup", _js(popup), maxWidth=360)
        self.label(marker, place, role)
        marker.add_to(layer)
        self.points.append((place.lat, place.lon))

    def label(self, marker: Any, place: Location, role: str) -> None:
        """A permanent name beside the marker, so that the map reads without background tiles."""
        _bind(
            marker,
            "bindTooltip",
            _js(_e(_short_name(place))),
            permanent=True,
            direction="right",
            className=f"repat-label repat-label-{role}",
        )

    # Unplanned cases -------------------------------------------------------------------------

    def draw_unplanned(self) -> None:
        if not self.plan.unplanned:
            return
        private = self.private_words()
        by_place: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for item in self.plan.unplanned:
            by_place[self.scenario.case(item.case_id).location_id].append(
                (item.reason, detail(item.detail, self.lang))
            )
        layer = folium.FeatureGroup(name=self.t("unplanned_layer", n=len(self.plan.unplanned)))
        for location_id, items in sorted(by_place.items()):
            place = self.scenario.location(location_id)
            reasons = Counter(reason for reason, _ in items)
            rows = [f"<b>{_e(self.t('unplanned_here', n=len(items)))}</b>", f"{_e(place.name)}"]
            for reason, count in reasons.most_common():
                details = list(
                    dict.fromkeys(d for r, d in items if r == reason and d and _is_public(d, private))
                )
                shown = details[:_DETAILS_PER_REASON]
                if len(details) > len(shown):
                    shown.append(self.t("more", n=len(details) - len(shown)))
                rows.append(f"<b>{_e(word(REASONS, reason, self.lang))}</b>: {count}")
                rows += [f"&nbsp;&middot; {_e(detail)}" for detail in shown]
            marker = folium.CircleMarker([place.lat, place.lon])
            radius = min(22.0, 10 + 2 * math.sqrt(len(items)))
            marker.options = {**UNPLANNED_STYLE, "radius": round(radius, 1), "pane": _MARKER_PANE}
            _bind(marker, "bindPopup", _js("<br>".join(rows)), maxWidth=420)
            _bind(marker, "bindTooltip", _js(_e(self.t("unplanned_here", n=len(items)))), direction="left")
            marker.add_to(layer)
            self.points.append((place.lat, place.lon))
        layer.add_to(self.map)

    def private_words(self) -> set[str]:
        """Names and NIKs that must never reach the page through a reason's sentence."""
        words = {value for c in self.scenario.cases for value in (c.name, c.national_id) if value}
        return words | {e.name for e in self.scenario.escorts if e.name}

    # Legend and view -------------------------------------------------------------------------

    def draw_legend(self) -> None:
        routes = [
            (self.t("road"), ROUTE_COLOURS["road"]),
            *((word(MODES, mode, self.lang), ROUTE_COLOURS[mode]) for mode in ("ferry", "flight", "train")),
        ]
        rows = [
            f'<div><span class="repat-line" style="border-color:{c}"></span>{_e(t)}</div>' for t, c in routes
        ]
        rows.append(
            f'<div><span class="repat-line repat-dashed"></span>{_e(self.t("escort_leg"))}</div>',
        )
        for key, style in MARKER_STYLES.items():
            rows.append(
                f'<div><span class="repat-dot" style="background:{style["fillColor"]};'
                f'border-color:{style["color"]}"></span>{_e(self.t(key))}</div>'
            )
        rows.append(
            f'<div><span class="repat-dot repat-ring" style="border-color:{UNPLANNED_STYLE["color"]}"></span>'
            f"{_e(self.t('unplanned'))}</div>"
        )
        cases = sum(len(p.case_ids) for p in self.plan.parties)
        summary = self.t(
            "summary", parties=len(self.plan.parties), cases=cases, unplanned=len(self.plan.unplanned)
        )
        legend = (
            f'<div class="repat-legend"><b>{_e(self.t("title"))}</b><br>'
            f'<span class="repat-note">{_e(self.plan.scenario)}: {_e(summary)}</span>'
            f"{''.join(rows)}"
            f'<span class="repat-note">{_e(self.t("offline"))}</span></div>'
        )
        self.map.get_root().html.add_child(Element(legend), name="repat_legend")

    def fit(self) -> None:
        if self.points:
            lats = [lat for lat, _ in self.points]
            lons = [lon for _, lon in self.points]
            bounds = [[min(lats), min(lons)], [max(lats), max(lons)]]
        else:
            bounds = [[INDONESIA_LAT[0], INDONESIA_LON[0]], [INDONESIA_LAT[1], INDONESIA_LON[1]]]
        self.map.location = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
        # The layer control and the legend stand on the right: the routes are fitted beside them.
        self.map.fit_bounds(
            bounds,
            padding_top_left=(30, 30),
            padding_bottom_right=(_PANEL_WIDTH + _LABEL_ROOM, 30),
            max_zoom=10,
        )
        declutter = MacroElement()
        declutter._template = _DECLUTTER
        declutter.add_to(self.map)


# The page --------------------------------------------------------------------------------------

_CSS: Final = f"""
.leaflet-container {{ background: {BACKGROUND}; font-family: "DejaVu Sans", Arial, sans-serif; }}
.repat-legend {{ position: fixed; bottom: 24px; right: 10px; z-index: 1000; width: {_PANEL_WIDTH - 22}px;
  background: rgba(255,255,255,0.94); border: 1px solid #888; border-radius: 4px; padding: 8px 10px;
  font: 11px/1.45 "DejaVu Sans", Arial, sans-serif; color: #222; }}
.repat-legend div {{ white-space: nowrap; }}
.repat-note {{ display: block; color: #555; font-size: 11px; white-space: normal; margin: 2px 0; }}
.repat-line {{ display: inline-block; width: 26px; height: 0; border-top: 4px solid #555;
  vertical-align: middle; margin-right: 6px; }}
.repat-dashed {{ border-top: 3px dashed #555; }}
.repat-dot {{ display: inline-block; width: 12px; height: 12px; border-radius: 50%; border: 2px solid;
  vertical-align: middle; margin: 0 13px 0 7px; box-sizing: border-box; }}
.repat-ring {{ width: 16px; height: 16px; border-width: 3px; margin: 0 11px 0 5px;
  background: {UNPLANNED_STYLE["fillColor"]}40; }}
.leaflet-tooltip.repat-label {{ background: rgba(255,255,255,0.8); border: 0; box-shadow: none;
  padding: 0 3px; font-size: 11px; color: #222; }}
.leaflet-tooltip.repat-label::before {{ display: none; }}
.leaflet-popup-content ol {{ margin: 4px 0 0 0; padding-left: 18px; }}
.repat-this-leg {{ font-weight: bold; background: #fff3c4; }}
.leaflet-control-layers-expanded {{ font-size: 12px; width: {_PANEL_WIDTH - 42}px; }}
"""


# Place labels that would overlap an earlier one are hidden until the zoom leaves them room:
# shelters first, then home regions, then hubs.
_DECLUTTER: Final = Template(
    """{% macro script(this, kwargs) %}
(function (map) {
  var order = ["shelter", "home", "hub"];
  function declutter() {
    var labels = Array.prototype.slice.call(document.querySelectorAll(".leaflet-tooltip.repat-label"));
    labels.sort(function (a, b) {
      return order.findIndex(function (r) { return a.classList.contains("repat-label-" + r); })
        - order.findIndex(function (r) { return b.classList.contains("repat-label-" + r); });
    });
    var kept = [];
    labels.forEach(function (label) {
      label.style.visibility = "";
      var r = label.getBoundingClientRect();
      var clash = kept.some(function (k) {
        return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top;
      });
      if (clash) { label.style.visibility = "hidden"; } else { kept.push(r); }
    });
  }
  map.on("zoomend moveend overlayadd overlayremove", function () { setTimeout(declutter, 0); });
  declutter();
})({{ this._parent.get_name() }});
{% endmacro %}"""
)


# Shared by every leg, so that no leg repeats them: a leg's tooltip is its ``tip`` option, and a
# party's pop-up marks the leg that was clicked (``leg`` option, ``data-leg`` in the list).
_SCRIPT: Final = """
function repatTip(leg) { return leg.options.tip; }
function repatPartyPopup(html) {
  return function (leg) {
    return html.replace('<li data-leg="' + leg.options.leg + '">', '<li class="repat-this-leg">');
  };
}
"""


def _offline_map() -> Any:
    """A folium map whose page carries Leaflet inline and links to no CDN."""
    page = folium.Map(
        location=[-2.5, 118.0],
        zoom_start=5,
        tiles=None,
        prefer_canvas=False,
        control_scale=True,
        font_size="12px",
    )
    # folium links Leaflet, jQuery, Bootstrap and icon fonts from CDNs: none of them loads offline,
    # and the map needs nothing but Leaflet, which is inlined below.
    page.default_js = []
    page.default_css = []
    folium.TileLayer("OpenStreetMap", control=False).add_to(page)
    land = MacroElement()
    land._template = _LAND
    land.provinces = _provinces()
    land.pane = _js(LAND_PANE)
    land.style = _js(LAND_STYLE)
    land.add_to(page)
    root: Any = page.get_root()
    header = root.header
    header.add_child(Element(f"<style>{_static('leaflet.css')}</style>"), name="leaflet_css")
    header.add_child(Element(f"<script>{_static('leaflet.js')}</script>"), name="leaflet")
    header.add_child(Element(f"<style>{_CSS}</style>"), name="repat_css")
    header.add_child(Element(f"<script>{_SCRIPT}</script>"), name="repat_script")
    return page


# Indonesia's coastline and province borders, drawn first and never clickable.
_LAND: Final = Template(
    """{% macro script(this, kwargs) %}
(function (map) {
  map.createPane({{ this.pane }}).style.zIndex = 150;
  L.geoJSON({{ this.provinces }}, {pane: {{ this.pane }}, interactive: false, style: {{ this.style }}}).addTo(map);
})({{ this._parent.get_name() }});
{% endmacro %}"""
)


@cache
def _provinces() -> str:
    return _PROVINCES.read_text(encoding="utf-8").strip()


@cache
def _static(name: str) -> str:
    text = (_STATIC / name).read_text(encoding="utf-8")
    # The source map is not shipped: a browser's developer tools would try to fetch it.
    return "\n".join(line for line in text.splitlines() if not line.startswith("//# sourceMappingURL"))


def _bind(layer: Any, method: str, content: str, **options: object) -> None:
    """Bind a pop-up or tooltip; ``content`` is JavaScript: a JSON string or a function."""
    element = MacroElement()
    element._template = _BIND
    element.method = method
    element.content = content
    element.options = _js(options)
    layer.add_child(element)


def _js(value: object) -> str:
    """JSON that is safe inside a <script> element and keeps names readable (no \\u escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _counts(values: Iterable[str]) -> str:
    """``L 3, P 1``: each value with how often it occurs, most frequent first."""
    return ", ".join(f"{value} {count}" for value, count in Counter(values).most_common())


def _short_name(place: Location) -> str:
    """The town in a long place name: ``Pelabuhan Panglima Utar, Kumai`` -> ``Kumai``,
    ``Kab. Malang (Kepanjen)`` -> ``Kab. Malang``."""
    town = place.name.rsplit(",", 1)[-1].strip()
    if town.endswith(")") and " (" in town:
        town = town[: town.rindex(" (")]
    return town or place.location_id


def _is_public(detail: str, private: set[str]) -> bool:
    return not any(value in detail for value in private)
