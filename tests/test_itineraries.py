"""itineraries.html: a printable page per party with every leg, escort and the receiver."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from planner.baseline import plan_baseline
from planner.cli import demo_path
from planner.io.validate import read_scenario
from planner.plan import Plan
from planner.reports.itineraries import render_itineraries, write_itineraries
from planner.reports.labels import receiver
from planner.scenario import Scenario


class Rows(HTMLParser):
    """Counts table rows by class, per party section, and checks that tags close."""

    def __init__(self) -> None:
        super().__init__()
        self.section: str | None = None
        self.rows: dict[str, dict[str, int]] = {}
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag not in ("meta", "br"):
            self.open.append(tag)
        if tag == "section":
            self.section = found.get("id") or "waiting"
            self.rows[self.section] = {}
        if tag == "tr" and self.section and found.get("class"):
            kind = found["class"] or ""
            self.rows[self.section][kind] = self.rows[self.section].get(kind, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()


def parsed(html: str) -> Rows:
    rows = Rows()
    rows.feed(html)
    assert rows.open == []
    return rows


@pytest.fixture(scope="module")
def demo() -> tuple[Scenario, Plan]:
    scenario = read_scenario(demo_path())
    return scenario, plan_baseline(scenario)


def test_every_party_has_a_page_with_each_leg_person_escort_leg_and_receiver(
    demo: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    scenario, plan = demo
    html = write_itineraries(scenario, plan, tmp_path).read_text(encoding="utf-8")
    rows = parsed(html).rows
    for party in plan.parties:
        assert rows[party.party_id].get("leg", 0) == len(party.legs)
        assert rows[party.party_id].get("person", 0) == len(party.case_ids)
        duties = [d for d in plan.escort_duties if d.party_id == party.party_id]
        own_legs = sum(len(d.outbound_legs) + len(d.return_legs) for d in duties)
        assert rows[party.party_id].get("escort-leg", 0) == own_legs
        home = scenario.location(scenario.case(party.case_ids[0]).home_id)
        assert receiver(home, "id") in html
    assert rows["waiting"]["waiting"] == len(plan.unplanned)
    for case_id in plan.planned_case_ids:
        name = scenario.case(case_id).name
        if name:
            assert name in html


def test_times_are_local_with_the_zone_name(demo: tuple[Scenario, Plan]) -> None:
    scenario, plan = demo
    html = render_itineraries(scenario, plan)
    lombok = [p for p in plan.parties if scenario.location(p.legs[-1].to_id).utc_offset == timedelta(hours=8)]
    assert lombok, "the demo sends someone to Nusa Tenggara Barat"
    last = lombok[0].legs[-1]
    arrival = last.arrive.astimezone(scenario.location(last.to_id).tz)
    assert f"{arrival:%H.%M} WITA" in html


def test_english_on_request_bahasa_by_default(demo: tuple[Scenario, Plan]) -> None:
    scenario, plan = demo
    assert "Rombongan" in render_itineraries(scenario, plan)
    english = render_itineraries(scenario, plan, "en")
    assert "Party" in english and "Rombongan" not in english
    assert 'lang="en"' in english


def test_a_plan_with_nobody_planned_still_makes_a_document(
    demo: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    scenario, _ = demo
    late = scenario.settings.end_date + timedelta(days=1)
    idle = replace(scenario, cases=tuple(replace(c, ready=late) for c in scenario.cases))
    plan = plan_baseline(idle)
    assert not plan.parties
    html = write_itineraries(idle, plan, tmp_path).read_text(encoding="utf-8")
    assert parsed(html).rows["waiting"]["waiting"] == len(idle.cases)


def test_hundreds_of_parties_make_one_page_each(many_parties: tuple[Scenario, Plan], tmp_path: Path) -> None:
    scenario, plan = many_parties
    rows = parsed(write_itineraries(scenario, plan, tmp_path).read_text(encoding="utf-8")).rows
    assert len(rows) == len(plan.parties) + (1 if plan.unplanned else 0)


def test_names_are_escaped(demo: tuple[Scenario, Plan]) -> None:
    scenario, plan = demo
    first = plan.parties[0].case_ids[0]
    marked = replace(
        scenario,
        cases=tuple(replace(c, name="<b>Siti & co</b>") if c.case_id == first else c for c in scenario.cases),
    )
    html = render_itineraries(marked, plan)
    assert "<b>Siti" not in html and "&lt;b&gt;Siti &amp; co&lt;/b&gt;" in html
