"""``itineraries.html``: one printable page per party, for the officers and escorts who travel.

Each page says who travels (cases and escorts), every leg with its local times and zone, the
connections between legs, each escort's way out to the party and back to base, and who receives
the party at home.  The page is plain HTML with print styles: a browser prints it as one sheet
per party, and it needs no internet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import jinja2

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
    day,
    local_time,
    receiver,
    word,
)
from planner.scenario import Scenario

L = {
    "title": Text("Rencana perjalanan pemulangan", "Return itineraries"),
    "party": Text("Rombongan", "Party"),
    "parties": Text("Rombongan", "Parties"),
    "cases": Text("Orang yang dipulangkan", "People returning home"),
    "case": Text("Kasus", "Case"),
    "name": Text("Nama", "Name"),
    "sex": Text("L/P", "Sex"),
    "age": Text("Umur", "Age"),
    "household": Text("Keluarga", "Household"),
    "category": Text("Kategori", "Category"),
    "needs": Text("Kebutuhan", "Needs"),
    "escorts": Text("Pendamping", "Escorts"),
    "escort": Text("Pendamping", "Escort"),
    "skills": Text("Keahlian", "Skills"),
    "base": Text("Berangkat dari / kembali ke", "Base"),
    "no_escort": Text("Tanpa pendamping", "No escort"),
    "legs": Text("Perjalanan", "Legs"),
    "mode": Text("Moda", "Mode"),
    "service": Text("Layanan", "Service"),
    "road": Text("Jalan darat", "Road"),
    "from": Text("Dari", "From"),
    "to": Text("Ke", "To"),
    "depart": Text("Berangkat", "Departs"),
    "arrive": Text("Tiba", "Arrives"),
    "duration": Text("Lama", "Duration"),
    "connection": Text("Transit {time} di {place}", "Connection of {time} at {place}"),
    "home": Text("Daerah asal", "Home region"),
    "receiver": Text("Diterima oleh", "Received by"),
    "out": Text("Perjalanan pendamping menuju titik awal", "Escort's way out to the start"),
    "back": Text("Perjalanan pendamping kembali", "Escort's way back to base"),
    "joins": Text("sudah berada di titik awal", "already at the start"),
    "at_home": Text("tetap di tujuan", "stays at the destination"),
    "duty": Text("Tugas: {start} s.d. {end}, {days} hari", "Duty: {start} to {end}, {days} days"),
    "waiting": Text("Belum dipulangkan dalam rencana ini", "Not returned in this plan"),
    "reason": Text("Alasan", "Reason"),
    "detail": Text("Keterangan", "Detail"),
    "none": Text("Tidak ada rombongan dalam rencana ini.", "This plan sends no party home."),
    "summary": Text(
        "{parties} rombongan, {cases} orang, {escorts} pendamping; {waiting} orang belum dipulangkan.",
        "{parties} parties, {cases} people, {escorts} escorts; {waiting} people not returned.",
    ),
    "window": Text("Jangka waktu", "Window"),
    "span": Text("{first} s.d. {last} ({days} hari)", "{first} to {last} ({days} days)"),
    "hours": Text("{h} jam {m} menit", "{h} h {m} min"),
}


@dataclass(frozen=True, slots=True)
class LegRow:
    mode: str
    service: str
    origin: str
    depart: str
    destination: str
    arrive: str
    duration: str
    connection: str | None  # the wait before the next leg, said in words


@dataclass(frozen=True, slots=True)
class Person:
    case_id: str
    name: str
    sex: str
    age: int
    household: str
    category: str
    needs: str


@dataclass(frozen=True, slots=True)
class EscortPage:
    escort_id: str
    name: str
    sex: str
    skills: str
    base: str
    duty: str
    out: tuple[LegRow, ...]
    back: tuple[LegRow, ...]


@dataclass(frozen=True, slots=True)
class PartyPage:
    party_id: str
    home: str
    receiver: str
    first_day: str
    people: tuple[Person, ...]
    escorts: tuple[EscortPage, ...]
    legs: tuple[LegRow, ...]


@dataclass(frozen=True, slots=True)
class Waiting:
    case_id: str
    name: str
    place: str
    reason: str
    detail: str


def _span(delta: timedelta, lang: Lang) -> str:
    minutes = int(delta.total_seconds() // 60)
    return L["hours"](lang).format(h=minutes // 60, m=minutes % 60)


def _legs(scenario: Scenario, legs: tuple[Leg, ...], lang: Lang) -> tuple[LegRow, ...]:
    rows = []
    for k, leg in enumerate(legs):
        origin, destination = scenario.location(leg.from_id), scenario.location(leg.to_id)
        connection = None
        if k + 1 < len(legs) and legs[k + 1].depart > leg.arrive:
            connection = L["connection"](lang).format(
                time=_span(legs[k + 1].depart - leg.arrive, lang), place=destination.name
            )
        service = leg.service_id or L["road"](lang)
        if leg.service_id and scenario.has_service(leg.service_id):
            operator = scenario.service(leg.service_id).operator
            service = f"{leg.service_id} ({operator})" if operator else leg.service_id
        rows.append(
            LegRow(
                mode=word(MODES, leg.mode, lang),
                service=service,
                origin=origin.name,
                depart=local_time(leg.depart, origin, lang),
                destination=destination.name,
                arrive=local_time(leg.arrive, destination, lang),
                duration=_span(leg.arrive - leg.depart, lang),
                connection=connection,
            )
        )
    return tuple(rows)


def _party_page(scenario: Scenario, plan: Plan, party: Party, lang: Lang) -> PartyPage:
    cases = [scenario.case(c) for c in party.case_ids]
    home = scenario.location(cases[0].home_id)
    people = tuple(
        Person(
            case_id=c.case_id,
            name=c.name or "",
            sex=word(SEXES, c.sex, lang),
            age=c.age,
            household=c.household_id or "",
            category=word(CATEGORIES, c.category, lang),
            needs=", ".join(word(NEEDS, n, lang) for n in sorted(c.needs)),
        )
        for c in cases
    )
    escorts = []
    for duty in plan.escort_duties:
        if duty.party_id != party.party_id:
            continue
        escort = scenario.escort(duty.escort_id)
        base = scenario.location(escort.base_id)
        escorts.append(
            EscortPage(
                escort_id=escort.escort_id,
                name=escort.name or "",
                sex=word(SEXES, escort.sex, lang),
                skills=", ".join(word(NEEDS, s, lang) for s in sorted(escort.skills)),
                base=base.name,
                duty=L["duty"](lang).format(
                    start=local_time(duty.start, base, lang),
                    end=local_time(duty.end, base, lang),
                    days=duty.days,
                ),
                out=_legs(scenario, duty.outbound_legs, lang),
                back=_legs(scenario, duty.return_legs, lang),
            )
        )
    first = party.legs[0]
    return PartyPage(
        party_id=party.party_id,
        home=f"{home.name}, {home.province}",
        receiver=receiver(home, lang),
        first_day=day(_local(first.depart, scenario, first.from_id).date(), lang),
        people=people,
        escorts=tuple(escorts),
        legs=_legs(scenario, party.legs, lang),
    )


def _local(moment: datetime, scenario: Scenario, location_id: str) -> datetime:
    return moment.astimezone(scenario.location(location_id).tz)


def render_itineraries(scenario: Scenario, plan: Plan, lang: Lang = "id") -> str:
    """The whole document as HTML."""
    pages = [_party_page(scenario, plan, p, lang) for p in plan.parties]
    waiting = [
        Waiting(
            case_id=u.case_id,
            name=scenario.case(u.case_id).name or "",
            place=scenario.location(scenario.case(u.case_id).location_id).name,
            reason=word(REASONS, u.reason, lang),
            detail=detail(u.detail, lang),
        )
        for u in plan.unplanned
    ]
    summary = L["summary"](lang).format(
        parties=len(pages),
        cases=len(plan.planned_case_ids),
        escorts=len({d.escort_id for d in plan.escort_duties}),
        waiting=len(waiting),
    )
    last = plan.start.date() + timedelta(days=plan.horizon_days - 1)
    window = L["span"](lang).format(
        first=day(plan.start.date(), lang), last=day(last, lang), days=plan.horizon_days
    )
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("planner.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("itineraries.html.j2")
    labels = {key: text(lang) for key, text in L.items()}
    return template.render(
        lang=lang,
        L=labels,
        scenario=scenario.name,
        window=window,
        summary=summary,
        pages=pages,
        waiting=waiting,
    )


def write_itineraries(scenario: Scenario, plan: Plan, out_dir: Path, lang: Lang = "id") -> Path:
    path = out_dir / "itineraries.html"
    with written(path) as part:
        part.write_text(render_itineraries(scenario, plan, lang), encoding="utf-8")
    return path
