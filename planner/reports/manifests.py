"""Manifests for the logistics officers: who to book on each departure.

Officers book tickets and hire cars one departure at a time, so the plan is turned inside out:
instead of each party's legs, each departure (one distinct ride) with everyone of ours on it:
the parties' cases, their escorts, and escorts travelling out to a party's start or back
to base on their own, since those need a seat too.

``manifests.xlsx`` has an index of the departures in time order and one sheet per departure;
``manifests.csv`` has the same rows for other tools. The CSV keeps the NIK as its 16 digits:
Excel would round it if the CSV were opened there, so officers read NIKs off the workbook.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink

from planner.plan import Leg, Party, Plan
from planner.reports import written
from planner.reports.labels import MODES, NEEDS, SEXES, Lang, Text, day, local_time, receiver, word, zone
from planner.reports.workbook import BOLD, ROLES, TITLE, Cell, fit_columns, header, put_row, sheet_title
from planner.scenario import Mode, Scenario

Role = Literal["case", "escort"]
Trip = Literal["party", "outbound", "return"]

RideKey = tuple[str | None, str, str, str, datetime]  # Leg.key

_TRIP_ORDER: dict[Trip, int] = {"outbound": 0, "party": 1, "return": 2}


@dataclass(frozen=True, slots=True)
class Traveller:
    """One of our people on a departure: a case or an escort, and why they ride it."""

    party_id: str
    role: Role
    person_id: str  # case_id or escort_id
    trip: Trip  # with the party, or an escort's own way out to it or back to base


@dataclass(frozen=True, slots=True)
class Departure:
    """One distinct ride (a ``Leg.key``) and everyone of ours on it, numbered in time order."""

    number: int
    service_id: str | None
    mode: Mode
    from_id: str
    to_id: str
    depart: datetime
    arrive: datetime
    travellers: tuple[Traveller, ...]

    @property
    def is_service(self) -> bool:
        return self.service_id is not None

    @property
    def key(self) -> RideKey:
        return (self.service_id, self.mode, self.from_id, self.to_id, self.depart)


def departures(plan: Plan) -> list[Departure]:
    """Every ride the plan books, in time order, each traveller once."""
    rides: dict[RideKey, Leg] = {}
    riders: dict[RideKey, dict[tuple[str, str], Traveller]] = {}
    order = {party.party_id: index for index, party in enumerate(plan.parties)}

    def board(leg: Leg, traveller: Traveller) -> None:
        rides.setdefault(leg.key, leg)
        # One ticket per person per ride, even if a plan were to list them twice.
        riders.setdefault(leg.key, {}).setdefault((traveller.role, traveller.person_id), traveller)

    for party in plan.parties:
        for leg in party.legs:
            for case_id in party.case_ids:
                board(leg, Traveller(party.party_id, "case", case_id, "party"))
            for escort_id in party.escort_ids:
                board(leg, Traveller(party.party_id, "escort", escort_id, "party"))
    for duty in plan.escort_duties:
        own_way: tuple[tuple[Trip, tuple[Leg, ...]], ...] = (
            ("outbound", duty.outbound_legs),
            ("return", duty.return_legs),
        )
        for trip, legs in own_way:
            for leg in legs:
                board(leg, Traveller(duty.party_id, "escort", duty.escort_id, trip))

    def when(key: RideKey) -> tuple[datetime, str, str, str, str]:
        service_id, mode, from_id, to_id, depart = key
        return (depart, service_id or "", mode, from_id, to_id)

    def seat_order(traveller: Traveller) -> tuple[int, int, int]:
        return (
            order.get(traveller.party_id, len(order)),
            traveller.role == "escort",
            _TRIP_ORDER[traveller.trip],
        )

    result: list[Departure] = []
    for number, key in enumerate(sorted(rides, key=when), start=1):
        leg = rides[key]
        result.append(
            Departure(
                number=number,
                service_id=leg.service_id,
                mode=leg.mode,
                from_id=leg.from_id,
                to_id=leg.to_id,
                depart=leg.depart,
                arrive=leg.arrive,
                travellers=tuple(sorted(riders[key].values(), key=seat_order)),
            )
        )
    return result


# -- words ---------------------------------------------------------------------------------------

INDEX_SHEET = Text("Keberangkatan", "Departures")
BACK = Text("← Daftar keberangkatan", "← All departures")
MANIFEST = Text("Manifes keberangkatan {number}", "Departure manifest {number}")
TRIPS: dict[str, Text] = {
    "party": Text("bersama rombongan", "with the party"),
    "outbound": Text("menuju rombongan", "out to the party"),
    "return": Text("pulang ke pangkalan", "back to base"),
}
BASE = Text("Pangkalan: {place}", "Base: {place}")

NUMBER = Text("No.", "No.")
SHEET = Text("Lembar", "Sheet")
DEPART = Text("Berangkat", "Departs")
ARRIVE = Text("Tiba", "Arrives")
MODE = Text("Moda", "Mode")
RIDE = Text("Layanan / ruas jalan", "Service / road link")
OPERATOR = Text("Operator", "Operator")
FROM = Text("Dari", "From")
TO = Text("Ke", "To")
ZONES = Text("Zona waktu", "Time zones")
BOOKED = Text("Penumpang dipesan", "Travellers booked")
SEATS = Text("Kursi layanan", "Seats on the service")
VEHICLES = Text("Kendaraan disewa", "Vehicles hired")
CAPACITY = Text("Kursi per kendaraan", "Seats per vehicle")

TRAVELLER_COLUMNS = (
    Text("Rombongan", "Party"),
    Text("Peran", "Role"),
    Text("Perjalanan", "Trip"),
    Text("ID kasus / pendamping", "Case / escort id"),
    Text("Nama", "Name"),
    Text("NIK", "National id (NIK)"),
    Text("Jenis kelamin", "Sex"),
    Text("Umur", "Age"),
    Text("Kebutuhan", "Needs"),
    Text("ID keluarga", "Household id"),
    Text("Pendamping rombongan", "Party's escorts"),
    Text("Daerah asal", "Home region"),
    Text("Provinsi", "Province"),
    Text("Penerima", "Received by"),
)
INDEX_COLUMNS = (
    NUMBER,
    SHEET,
    DEPART,
    ARRIVE,
    MODE,
    RIDE,
    OPERATOR,
    FROM,
    TO,
    BOOKED,
    SEATS,
    VEHICLES,
    CAPACITY,
)
# Far enough right that the title beside it is not cut off.
_BACK_COLUMN = 5
CSV_COLUMNS = (NUMBER, SHEET, DEPART, ARRIVE, MODE, RIDE, FROM, TO, *TRAVELLER_COLUMNS)


# -- writing -------------------------------------------------------------------------------------


def write_manifests(scenario: Scenario, plan: Plan, out_dir: Path, lang: Lang = "id") -> list[Path]:
    """Write ``manifests.xlsx`` and ``manifests.csv`` into ``out_dir``; return their paths."""
    rides = departures(plan)
    parties = {party.party_id: party for party in plan.parties}
    titles = _sheet_titles(scenario, rides, lang)
    facts = {ride.number: _Facts(scenario, ride, lang) for ride in rides}
    rows = {
        ride.number: [_traveller_row(scenario, parties, t, lang) for t in ride.travellers] for ride in rides
    }

    workbook = Workbook()
    index = workbook.active
    index.title = sheet_title(INDEX_SHEET(lang))
    header(index, 1, [column(lang) for column in INDEX_COLUMNS])
    for row, ride in enumerate(rides, start=2):
        about = facts[ride.number]
        put_row(
            index,
            row,
            [
                ride.number,
                titles[ride.number],
                about.depart,
                about.arrive,
                about.mode,
                about.ride,
                about.operator,
                about.from_name,
                about.to_name,
                len(ride.travellers),
                about.seats,
                about.vehicles,
                about.capacity,
            ],
        )
        _link(index.cell(row=row, column=2), titles[ride.number])
    fit_columns(index)
    for ride in rides:
        sheet = workbook.create_sheet(titles[ride.number])
        _manifest_sheet(sheet, ride, facts[ride.number], rows[ride.number], lang)
        _link(sheet.cell(row=1, column=_BACK_COLUMN), index.title)

    xlsx, table = out_dir / "manifests.xlsx", out_dir / "manifests.csv"
    with written(xlsx) as part:
        workbook.save(part)
    with written(table) as part, part.open("w", newline="", encoding="utf-8-sig") as stream:
        out = csv.writer(stream)
        out.writerow([column(lang) for column in CSV_COLUMNS])
        for ride in rides:
            about = facts[ride.number]
            lead = [
                ride.number,
                titles[ride.number],
                about.depart,
                about.arrive,
                about.mode,
                about.ride,
                about.from_name,
                about.to_name,
            ]
            for values in rows[ride.number]:
                out.writerow(["" if value is None else value for value in (*lead, *values)])
    return [xlsx, table]


class _Facts:
    """What officers read about one departure, in their words and local times."""

    def __init__(self, scenario: Scenario, ride: Departure, lang: Lang) -> None:
        origin, destination = scenario.location(ride.from_id), scenario.location(ride.to_id)
        self.mode = word(MODES, ride.mode, lang)
        self.from_name, self.to_name = origin.name, destination.name
        self.depart = local_time(ride.depart, origin, lang)
        self.arrive = local_time(ride.arrive, destination, lang)
        self.zones = (
            zone(origin) if zone(origin) == zone(destination) else f"{zone(origin)} → {zone(destination)}"
        )
        self.operator: str | None = None
        self.seats: int | None = None
        self.vehicles: int | None = None
        self.capacity: int | None = None
        if ride.service_id is not None:
            self.ride = ride.service_id
            if scenario.has_service(ride.service_id):
                service = scenario.service(ride.service_id)
                self.operator, self.seats = service.operator, service.seats
        else:
            self.ride = f"{ride.from_id} → {ride.to_id}"
            link = scenario.find_link(ride.from_id, ride.to_id, ride.mode)
            if link is not None:
                self.vehicles = link.vehicles_for(len(ride.travellers))
                self.capacity = link.vehicle_capacity


def _sheet_titles(scenario: Scenario, rides: Sequence[Departure], lang: Lang) -> dict[int, str]:
    """``012 24Nov 0800 KMP-A123``: the number keeps titles unique and in order, the local
    day and time and the service (or the road leg's destination) tell officers which it is."""
    width = max(3, len(str(len(rides))))
    titles: dict[int, str] = {}
    for ride in rides:
        local = ride.depart.astimezone(scenario.location(ride.from_id).tz)
        _, date_of_month, month, _ = day(local.date(), lang).split()
        what = ride.service_id if ride.service_id is not None else ride.to_id
        titles[ride.number] = sheet_title(
            f"{ride.number:0{width}d} {date_of_month}{month} {local:%H%M} {what}"
        )
    return titles


def _link(cell: Any, title: str) -> None:
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{title}'!A1", display=str(cell.value))
    cell.style = "Hyperlink"


def _traveller_row(
    scenario: Scenario, parties: dict[str, Party], traveller: Traveller, lang: Lang
) -> list[Cell]:
    party = parties.get(traveller.party_id)
    escorts = ", ".join(party.escort_ids) if party else ""
    lead: list[Cell] = [
        traveller.party_id,
        word(ROLES, traveller.role, lang),
        word(TRIPS, traveller.trip, lang),
        traveller.person_id,
    ]
    if traveller.role == "case":
        case = scenario.case(traveller.person_id)
        home = scenario.location(case.home_id)
        needs = ", ".join(word(NEEDS, need, lang) for need in sorted(case.needs))
        return [
            *lead,
            case.name,
            case.national_id,
            word(SEXES, case.sex, lang),
            case.age,
            needs or None,
            case.household_id,
            escorts or None,
            home.name,
            home.province,
            receiver(home, lang),
        ]
    escort = scenario.escort(traveller.person_id)
    base = scenario.location(escort.base_id)
    return [
        *lead,
        escort.name,
        None,
        word(SEXES, escort.sex, lang),
        None,
        None,
        None,
        escorts or None,
        base.name,
        base.province,
        BASE(lang).format(place=base.name),
    ]


def _manifest_sheet(sheet: Any, ride: Departure, facts: _Facts, rows: list[list[Cell]], lang: Lang) -> None:
    sheet.cell(row=1, column=1, value=MANIFEST(lang).format(number=ride.number)).font = TITLE
    sheet.cell(row=1, column=_BACK_COLUMN, value=BACK(lang))
    block: list[tuple[Text, Cell]] = [
        (MODE, facts.mode),
        (RIDE, facts.ride),
        (OPERATOR, facts.operator),
        (FROM, facts.from_name),
        (DEPART, facts.depart),
        (TO, facts.to_name),
        (ARRIVE, facts.arrive),
        (ZONES, facts.zones),
        (BOOKED, len(ride.travellers)),
    ]
    if ride.is_service:
        block.append((SEATS, facts.seats))
    else:
        block += [(VEHICLES, facts.vehicles), (CAPACITY, facts.capacity)]
    for row, (label, value) in enumerate(block, start=2):
        sheet.cell(row=row, column=1, value=label(lang)).font = BOLD
        sheet.cell(row=row, column=2, value=value)
    top = len(block) + 3
    header(sheet, top, [column(lang) for column in TRAVELLER_COLUMNS])
    for row, values in enumerate(rows, start=top + 1):
        put_row(sheet, row, values)
    # The title block's long names overflow into the empty cells beside them; only the
    # table decides how wide a column is.
    fit_columns(sheet, from_row=top)
