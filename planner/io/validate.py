"""Turn raw tables into a ``Scenario``, or into the full list of what is wrong with them.

This is the border: every field is parsed and checked here, once, and each problem names its
file, row and column and says what to do.  Nothing after this module re-checks input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar, cast

from geodata import gazetteer, timezones
from planner.errors import Problem, ScenarioError
from planner.io.read import RawScenario, Row, Table, read_raw
from planner.scenario import (
    CATEGORIES,
    COST_TYPES,
    DEFAULT_MIN_CONNECTION_MIN,
    ESCORT_CHOICES,
    LINK_MODES,
    LOCATION_KINDS,
    MODES,
    NEEDS,
    SERVICE_MODES,
    SEXES,
    SKILLS,
    BudgetLine,
    Case,
    Costs,
    Escort,
    Link,
    Location,
    Scenario,
    Service,
    Settings,
)

T = TypeVar("T")

# Indonesia with its outer islands, generously: a point outside is a swapped lat/lon or a typo.
LAT_RANGE = (-11.5, 6.5)
LON_RANGE = (94.5, 141.5)
MAX_IDR = 10**13
NIK = re.compile(r"\d{16}")
ID = re.compile(r"[^\s,;]{1,80}")


class Invalid(ValueError):
    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


# -- field parsers: text in, value out, or Invalid ---------------------------------------------


def parse_id(text: str) -> str:
    if not ID.fullmatch(text):
        raise Invalid(
            f"'{_short(text)}' is not a usable id", "use letters, digits, '-' or '_' without spaces"
        )
    return text


def parse_text(text: str) -> str:
    return text


def parse_int(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        cleaned = text.replace("_", "")
        try:
            value = int(cleaned)
        except ValueError:
            raise Invalid(
                f"'{_short(text)}' is not a whole number", f"write {what} as digits only, e.g. 350000"
            ) from None
        if not low <= value <= high:
            raise Invalid(f"{value} is outside {low}..{high}", f"give {what} between {low} and {high}")
        return value

    return parse


parse_idr = parse_int(0, MAX_IDR, "an amount in whole rupiah")


def parse_float_range(low: float, high: float, what: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise Invalid(
                f"'{_short(text)}' is not a number", f"write {what} in decimal degrees, e.g. -2.68"
            ) from None
        if not math.isfinite(value) or not low <= value <= high:
            raise Invalid(
                f"{text} is outside Indonesia ({low}..{high})",
                f"check {what}: latitude and longitude may be swapped",
            )
        return value

    return parse


def parse_choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        for value in (text, text.lower(), text.upper()):
            if value in choices:
                return value
        raise Invalid(
            f"'{_short(text)}' is not one of {', '.join(choices)}", f"use one of {', '.join(choices)}"
        )

    return parse


def parse_set(choices: tuple[str, ...]) -> Callable[[str], frozenset[str]]:
    def parse(text: str) -> frozenset[str]:
        values = [v.strip().lower() for v in text.split(";") if v.strip()]
        unknown = [v for v in values if v not in choices]
        if unknown:
            raise Invalid(
                f"'{_short(unknown[0])}' is not one of {', '.join(choices)}",
                f"list values from {', '.join(choices)}, separated by ';'",
            )
        return frozenset(values)

    return parse


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"'{_short(text)}' is not a date", "write dates as YYYY-MM-DD, e.g. 2026-11-30"
        ) from None
    return moment.date()


def parse_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise Invalid(
            f"'{_short(text)}' is not a date and time", "write e.g. 2026-11-30T19:00+07:00"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid(
            f"'{_short(text)}' has no UTC offset",
            "add the place's offset: +07:00 (WIB), +08:00 (WITA) or +09:00 (WIT)",
        )
    return moment


def parse_offset(text: str) -> timedelta:
    offset = timezones.parse_utc_offset(text)
    if offset is None:
        raise Invalid(
            f"'{_short(text)}' is not a UTC offset", "write +07:00, +08:00 or +09:00, or leave it empty"
        )
    return offset


def parse_nik(text: str) -> str:
    digits = text.replace(" ", "").replace(".", "")
    if not NIK.fullmatch(digits):
        raise Invalid("is not a 16-digit NIK", "write the 16 digits of the national ID, or leave it empty")
    return digits


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


# -- a table reader that collects problems -------------------------------------------------------


@dataclass
class Cells:
    """One row's typed cells; a failed cell records a problem and yields None."""

    table: Table
    row: Row
    problems: list[Problem]
    ok: bool = True

    def get(self, column: str, parse: Callable[[str], T], required: bool = True) -> T | None:
        text = self.row.cells.get(column, "")
        if not text:
            if required and column in self.table.columns:
                self.fail(column, "is empty", f"fill in {column}")
            return None
        try:
            return parse(text)
        except Invalid as error:
            self.fail(column, error.message, error.fix)
            return None

    def fail(self, column: str, message: str, fix: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.table.file, self.row.number, column, message, fix))


class Validator:
    def __init__(self, raw: RawScenario) -> None:
        self.raw = raw
        self.problems: list[Problem] = list(raw.problems)
        self.locations: dict[str, Location] = {}

    # -- helpers --------------------------------------------------------------------------------

    def table(self, name: str, required: dict[str, bool]) -> Table | None:
        table = self.raw.tables.get(name)
        if table is None:
            return None
        for column, needed in required.items():
            if needed and column not in table.columns:
                self.problems.append(
                    Problem(
                        table.file,
                        1,
                        column,
                        "required column is missing",
                        f"add a column '{column}' to the header",
                    )
                )
        known = set(required)
        for column in table.columns:
            if column not in known:
                close = _closest(column, known)
                if close:
                    self.problems.append(
                        Problem(
                            table.file, 1, column, "is not a column of this table", f"did you mean '{close}'?"
                        )
                    )
        if any(needed and column not in table.columns for column, needed in required.items()):
            return None
        return table

    def unique(self, table: Table, column: str, rows: list[tuple[Row, str]]) -> None:
        first: dict[str, int] = {}
        for row, value in rows:
            if value in first:
                self.problems.append(
                    Problem(
                        table.file,
                        row.number,
                        column,
                        f"'{value}' is used again (first on row {first[value]})",
                        "give every row its own id",
                    )
                )
            else:
                first[value] = row.number

    def resolve_place(self, cells: Cells, column: str) -> str | None:
        """A location id, or a regency/city name the gazetteer knows (added as a location)."""
        text = cells.row.cells.get(column, "")
        if not text:
            cells.get(column, parse_text)  # records "is empty"
            return None
        if text in self.locations:
            return text
        place = gazetteer.lookup(text)
        if place is None and gazetteer.by_id(text) is not None:
            place = gazetteer.by_id(text)
        if place is not None:
            if place.place_id not in self.locations:
                offset = timezones.utc_offset_for_province(place.province) or timedelta(hours=7)
                self.locations[place.place_id] = Location(
                    place.place_id, place.name, "city", place.lat, place.lon, place.province, offset
                )
            return place.place_id
        options = [p.name for p in gazetteer.ambiguous(text)]
        if options:
            cells.fail(
                column, f"'{_short(text)}' names more than one place", f"write one of: {'; '.join(options)}"
            )
        else:
            hints = _closest(text, set(self.locations)) or "; ".join(gazetteer.suggest(text))
            fix = f"did you mean '{hints}'?" if hints else "add it to locations.csv or use a regency name"
            cells.fail(
                column,
                f"'{_short(text)}' is not a location id of locations.csv nor a known regency or city",
                fix,
            )
        return None

    # -- tables ---------------------------------------------------------------------------------

    def read_locations(self) -> None:
        table = self.table(
            "locations",
            {
                "location_id": True,
                "name": True,
                "kind": True,
                "lat": True,
                "lon": True,
                "province": True,
                "utc_offset": False,
                "receiver": False,
            },
        )
        if table is None:
            return
        ids: list[tuple[Row, str]] = []
        for row in table.rows:
            c = Cells(table, row, self.problems)
            location_id = c.get("location_id", parse_id)
            name = c.get("name", parse_text)
            kind = c.get("kind", parse_choice(LOCATION_KINDS))
            lat = c.get("lat", parse_float_range(*LAT_RANGE, "lat"))
            lon = c.get("lon", parse_float_range(*LON_RANGE, "lon"))
            province_text = c.get("province", parse_text)
            offset = c.get("utc_offset", parse_offset, required=False)
            receiver = c.get("receiver", parse_text, required=False)
            province = None
            if province_text is not None:
                province = timezones.canonical_province(province_text)
                if province is None:
                    hint = (
                        "; ".join(_closest_all(province_text, set(timezones.PROVINCES)))
                        or "e.g. Kalimantan Tengah"
                    )
                    c.fail(
                        "province",
                        f"'{_short(province_text)}' is not an Indonesian province",
                        f"use the province's name: {hint}",
                    )
            if offset is None and province is not None and c.ok:
                offset = timezones.utc_offset_for_province(province)
            if offset is not None and offset not in (
                timedelta(hours=7),
                timedelta(hours=8),
                timedelta(hours=9),
            ):
                c.fail(
                    "utc_offset",
                    "is not an Indonesian zone",
                    "use +07:00 (WIB), +08:00 (WITA) or +09:00 (WIT)",
                )
            if location_id is not None:
                ids.append((row, location_id))
            if (
                c.ok
                and location_id
                and name
                and kind
                and lat is not None
                and lon is not None
                and province
                and offset is not None
                and location_id not in self.locations
            ):
                self.locations[location_id] = Location(
                    location_id, name, cast(Any, kind), lat, lon, province, offset, receiver
                )
        self.unique(table, "location_id", ids)

    def read_settings(self) -> Settings:
        raw = self.raw.settings
        file = self.raw.settings_file
        known_top = {"name", "start", "horizon_days", "costs", "rules"}
        for key in raw:
            if key not in known_top:
                self.problems.append(
                    Problem(file, 0, key, "is not a setting", f"use one of {', '.join(sorted(known_top))}")
                )
        name = str(raw.get("name") or self.raw.name)
        start = self._setting_start(raw.get("start"), file)
        horizon = self._setting_int(raw, "horizon_days", 14, 1, 366, file)
        costs_raw = raw.get("costs", {})
        rules_raw = raw.get("rules", {})
        if not isinstance(costs_raw, dict):
            self.problems.append(
                Problem(
                    file, 0, "costs", "must be a table of numbers", "write [costs] then key = value lines"
                )
            )
            costs_raw = {}
        if not isinstance(rules_raw, dict):
            self.problems.append(
                Problem(file, 0, "rules", "must be a table", "write [rules.min_connection_min]")
            )
            rules_raw = {}
        defaults = Costs()
        for key in costs_raw:
            if not hasattr(defaults, key):
                self.problems.append(
                    Problem(
                        file,
                        0,
                        f"costs.{key}",
                        "is not a cost setting",
                        "use waiting_idr_per_day, shelter_idr_per_day, meal_idr_per_travel_day, carry_over_days "
                        "or change_idr_per_person",
                    )
                )
        costs = Costs(
            waiting_idr_per_day=self._setting_int(
                costs_raw, "waiting_idr_per_day", defaults.waiting_idr_per_day, 0, MAX_IDR, file, "costs."
            ),
            shelter_idr_per_day=self._setting_int(
                costs_raw, "shelter_idr_per_day", defaults.shelter_idr_per_day, 0, MAX_IDR, file, "costs."
            ),
            meal_idr_per_travel_day=self._setting_int(
                costs_raw,
                "meal_idr_per_travel_day",
                defaults.meal_idr_per_travel_day,
                0,
                MAX_IDR,
                file,
                "costs.",
            ),
            carry_over_days=self._setting_int(
                costs_raw, "carry_over_days", defaults.carry_over_days, 0, 365, file, "costs."
            ),
            change_idr_per_person=self._setting_int(
                costs_raw,
                "change_idr_per_person",
                defaults.change_idr_per_person,
                0,
                MAX_IDR,
                file,
                "costs.",
            ),
        )
        connection = dict(DEFAULT_MIN_CONNECTION_MIN)
        given = rules_raw.get("min_connection_min", {})
        if not isinstance(given, dict):
            self.problems.append(
                Problem(
                    file,
                    0,
                    "rules.min_connection_min",
                    "must be a table keyed by mode",
                    "write [rules.min_connection_min] then ferry = 120",
                )
            )
            given = {}
        for mode in given:
            if mode not in MODES:
                self.problems.append(
                    Problem(
                        file,
                        0,
                        f"rules.min_connection_min.{mode}",
                        "is not a mode",
                        f"use one of {', '.join(MODES)}",
                    )
                )
                continue
            connection[mode] = self._setting_int(
                given, mode, connection[mode], 0, 7 * 24 * 60, file, "rules.min_connection_min."
            )
        return Settings(
            name=name, start=start, horizon_days=horizon, costs=costs, min_connection_min=connection
        )

    def _setting_start(self, value: object, file: str) -> datetime:
        if value is None:
            today = datetime.now(timezone(timedelta(hours=7))).date()
            return datetime.combine(today, datetime.min.time(), tzinfo=timezone(timedelta(hours=7)))
        if isinstance(value, datetime):
            if value.tzinfo is None:
                self.problems.append(
                    Problem(file, 0, "start", "has no UTC offset", "write e.g. 2026-11-30T00:00+07:00")
                )
                return value.replace(tzinfo=timezone(timedelta(hours=7)))
            return value
        try:
            return parse_datetime(str(value))
        except Invalid as error:
            self.problems.append(Problem(file, 0, "start", error.message, error.fix))
            return datetime(2000, 1, 1, tzinfo=timezone(timedelta(hours=7)))

    def _setting_int(
        self,
        table: Mapping[str, Any],
        key: str,
        default: int,
        low: int,
        high: int,
        file: str,
        prefix: str = "",
    ) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = parse_int(low, high, key)(str(value))
            except Invalid as error:
                self.problems.append(Problem(file, 0, prefix + key, error.message, error.fix))
                return default
        if not low <= value <= high:
            self.problems.append(
                Problem(
                    file,
                    0,
                    prefix + key,
                    f"{value} is outside {low}..{high}",
                    f"give a value between {low} and {high}",
                )
            )
            return default
        return int(value)

    def read_budget_lines(self) -> list[BudgetLine]:
        table = self.table(
            "budget_lines",
            {
                "budget_line_id": True,
                "name": True,
                "agency": True,
                "ceiling_idr": True,
                "categories": False,
                "cost_types": False,
                "preference": False,
            },
        )
        if table is None:
            return []
        lines: list[BudgetLine] = []
        ids: list[tuple[Row, str]] = []
        for row in table.rows:
            c = Cells(table, row, self.problems)
            line_id = c.get("budget_line_id", parse_id)
            name = c.get("name", parse_text)
            agency = c.get("agency", parse_text)
            ceiling = c.get("ceiling_idr", parse_idr)
            categories = c.get("categories", _star_or(CATEGORIES), required=False)
            cost_types = c.get("cost_types", _star_or(COST_TYPES), required=False)
            preference = c.get(
                "preference", parse_int(-1_000_000, 1_000_000, "the preference"), required=False
            )
            if line_id is not None:
                ids.append((row, line_id))
            if c.ok and line_id and name and agency and ceiling is not None:
                lines.append(
                    BudgetLine(
                        line_id,
                        name,
                        agency,
                        ceiling,
                        categories=cast(Any, categories or None),
                        cost_types=cast(Any, cost_types or None),
                        preference=100 if preference is None else preference,
                    )
                )
        self.unique(table, "budget_line_id", ids)
        return lines

    def read_cases(self, line_ids: set[str], lines_given: bool) -> list[Case]:
        table = self.table(
            "cases",
            {
                "case_id": True,
                "household_id": False,
                "sex": True,
                "age": True,
                "category": True,
                "location_id": True,
                "home_id": True,
                "ready": True,
                "registered": False,
                "needs": False,
                "escort": False,
                "priority": False,
                "funding": False,
                "name": False,
                "national_id": False,
            },
        )
        if table is None:
            return []
        cases: list[Case] = []
        ids: list[tuple[Row, str]] = []
        households: dict[str, tuple[int, str | None, str | None]] = {}
        for row in table.rows:
            c = Cells(table, row, self.problems)
            case_id = c.get("case_id", parse_id)
            household = c.get("household_id", parse_id, required=False)
            sex = c.get("sex", parse_choice(SEXES))
            age = c.get("age", parse_int(0, 120, "the age in years"))
            category = c.get("category", parse_choice(CATEGORIES))
            location_id = self.resolve_place(c, "location_id")
            home_id = self.resolve_place(c, "home_id")
            ready = c.get("ready", parse_date)
            registered = c.get("registered", parse_date, required=False)
            needs = c.get("needs", parse_set(NEEDS), required=False) or frozenset()
            escort = c.get("escort", parse_choice(ESCORT_CHOICES), required=False) or "auto"
            priority = c.get("priority", parse_int(1, 5, "the priority"), required=False)
            funding = c.get("funding", _id_list, required=False) or frozenset()
            name = c.get("name", parse_text, required=False)
            nik = c.get("national_id", parse_nik, required=False)
            for line_id in sorted(funding):
                if line_id not in line_ids:
                    hint = _closest(line_id, line_ids)
                    fix = (
                        f"did you mean '{hint}'?"
                        if hint
                        else ("add the line to budget_lines.csv" if lines_given else "add budget_lines.csv")
                    )
                    c.fail(
                        "funding", f"names budget line '{line_id}', which budget_lines.csv does not have", fix
                    )
            if location_id is not None and home_id is not None and location_id == home_id:
                c.fail(
                    "home_id", "is where the person already is", "give the home regency, or close the case"
                )
            if registered is not None and ready is not None and registered > ready + timedelta(days=366):
                c.fail("registered", "is more than a year after ready", "check the two dates")
            if escort == "no" and "female_escort" in needs:
                c.fail(
                    "escort",
                    "is 'no' but needs include female_escort",
                    "use 'yes' or 'auto', or drop female_escort from needs",
                )
            if case_id is not None:
                ids.append((row, case_id))
            if household is not None and location_id is not None and home_id is not None:
                first = households.get(household)
                if first is None:
                    households[household] = (row.number, location_id, home_id)
                elif first[1] != location_id:
                    c.fail(
                        "location_id",
                        f"household '{household}' is split: row {first[0]} is at '{first[1]}'",
                        "a household waits in one place; correct the location or the household id",
                    )
                elif first[2] != home_id:
                    c.fail(
                        "home_id",
                        f"household '{household}' is split: row {first[0]} goes home to '{first[2]}'",
                        "a household goes to one home; correct the home or the household id",
                    )
            if (
                c.ok
                and case_id
                and sex
                and age is not None
                and category
                and location_id
                and home_id
                and ready
            ):
                cases.append(
                    Case(
                        case_id=case_id,
                        sex=cast(Any, sex),
                        age=age,
                        category=cast(Any, category),
                        location_id=location_id,
                        home_id=home_id,
                        ready=ready,
                        household_id=household,
                        registered=registered,
                        needs=cast(Any, needs),
                        escort=cast(Any, escort),
                        given_priority=priority,
                        funding=funding,
                        name=name,
                        national_id=nik,
                    )
                )
        self.unique(table, "case_id", ids)
        return cases

    def read_services(self) -> list[Service]:
        table = self.table(
            "services",
            {
                "service_id": True,
                "mode": True,
                "operator": False,
                "from_id": True,
                "to_id": True,
                "depart": True,
                "arrive": True,
                "seats": True,
                "fare_idr": True,
            },
        )
        if table is None:
            return []
        services: list[Service] = []
        ids: list[tuple[Row, str]] = []
        for row in table.rows:
            c = Cells(table, row, self.problems)
            service_id = c.get("service_id", parse_id)
            mode = c.get("mode", parse_choice(SERVICE_MODES))
            operator = c.get("operator", parse_text, required=False)
            from_id = self.known_location(c, "from_id")
            to_id = self.known_location(c, "to_id")
            depart = c.get("depart", parse_datetime)
            arrive = c.get("arrive", parse_datetime)
            seats = c.get("seats", parse_int(0, 100_000, "the number of seats"))
            fare = c.get("fare_idr", parse_idr)
            if depart is not None and arrive is not None and arrive <= depart:
                c.fail(
                    "arrive",
                    f"is not after depart ({depart.isoformat(timespec='minutes')})",
                    "check the times and their UTC offsets",
                )
            if from_id is not None and from_id == to_id:
                c.fail("to_id", "is the same place as from_id", "a service goes from one place to another")
            if service_id is not None:
                ids.append((row, service_id))
            if (
                c.ok
                and service_id
                and mode
                and from_id
                and to_id
                and depart
                and arrive
                and seats is not None
                and fare is not None
            ):
                services.append(
                    Service(
                        service_id, cast(Any, mode), from_id, to_id, depart, arrive, seats, fare, operator
                    )
                )
        self.unique(table, "service_id", ids)
        return services

    def known_location(self, cells: Cells, column: str) -> str | None:
        value = cells.get(column, parse_id)
        if value is None:
            return None
        if value in self.locations:
            return value
        return self.resolve_place(cells, column)

    def read_links(self) -> list[Link]:
        table = self.table(
            "links",
            {
                "from_id": True,
                "to_id": True,
                "mode": True,
                "duration_min": True,
                "fare_idr": False,
                "vehicle_cost_idr": False,
                "vehicle_capacity": False,
            },
        )
        if table is None:
            return []
        links: list[Link] = []
        ids: list[tuple[Row, str]] = []
        for row in table.rows:
            c = Cells(table, row, self.problems)
            from_id = self.known_location(c, "from_id")
            to_id = self.known_location(c, "to_id")
            mode = c.get("mode", parse_choice(LINK_MODES))
            duration = c.get("duration_min", parse_int(1, 14 * 24 * 60, "the travel minutes"))
            fare = c.get("fare_idr", parse_idr, required=False) or 0
            vehicle_cost = c.get("vehicle_cost_idr", parse_idr, required=False) or 0
            capacity = c.get("vehicle_capacity", parse_int(1, 1000, "the seats per vehicle"), required=False)
            if from_id is not None and from_id == to_id:
                c.fail("to_id", "is the same place as from_id", "a link goes from one place to another")
            if vehicle_cost and capacity is None:
                c.fail(
                    "vehicle_capacity", "is empty but vehicle_cost_idr is set", "give the seats per vehicle"
                )
            if c.ok and from_id and to_id and mode and duration:
                link = Link(from_id, to_id, cast(Any, mode), duration, fare, vehicle_cost, capacity)
                ids.append((row, link.link_id))
                links.append(link)
        first: dict[str, int] = {}
        for row, link_id in ids:
            if link_id in first:
                self.problems.append(
                    Problem(
                        table.file,
                        row.number,
                        "to_id",
                        f"repeats the {link_id.split(':')[1]} link of row {first[link_id]}",
                        "keep one row per from, to and mode",
                    )
                )
            else:
                first[link_id] = row.number
        return links

    def read_escorts(self) -> list[Escort]:
        table = self.table(
            "escorts",
            {
                "escort_id": True,
                "name": False,
                "sex": True,
                "base_id": True,
                "available_from": True,
                "available_to": True,
                "skills": False,
                "max_cases": False,
                "daily_allowance_idr": True,
            },
        )
        if table is None:
            return []
        escorts: list[Escort] = []
        ids: list[tuple[Row, str]] = []
        for row in table.rows:
            c = Cells(table, row, self.problems)
            escort_id = c.get("escort_id", parse_id)
            name = c.get("name", parse_text, required=False)
            sex = c.get("sex", parse_choice(SEXES))
            base_id = self.known_location(c, "base_id")
            available_from = c.get("available_from", parse_date)
            available_to = c.get("available_to", parse_date)
            skills = c.get("skills", parse_set(SKILLS), required=False) or frozenset()
            max_cases = c.get("max_cases", parse_int(1, 100, "the number of cases"), required=False)
            allowance = c.get("daily_allowance_idr", parse_idr)
            if available_from and available_to and available_to < available_from:
                c.fail("available_to", f"is before available_from ({available_from})", "check the two dates")
            if escort_id is not None:
                ids.append((row, escort_id))
            if (
                c.ok
                and escort_id
                and sex
                and base_id
                and available_from
                and available_to
                and allowance is not None
            ):
                escorts.append(
                    Escort(
                        escort_id,
                        cast(Any, sex),
                        base_id,
                        available_from,
                        available_to,
                        allowance,
                        cast(Any, skills),
                        5 if max_cases is None else max_cases,
                        name,
                    )
                )
        self.unique(table, "escort_id", ids)
        return escorts

    def check_offsets(self, services: list[Service]) -> None:
        """A time written in another zone than its place's is legal, but a UTC offset that
        matches no zone of Indonesia is a typo."""
        table = self.raw.tables.get("services")
        if table is None:
            return
        for service, row in zip(services, _rows_of(table, [s.service_id for s in services]), strict=False):
            for column, moment in (("depart", service.depart), ("arrive", service.arrive)):
                offset = moment.utcoffset()
                if offset not in (timedelta(hours=7), timedelta(hours=8), timedelta(hours=9)):
                    self.problems.append(
                        Problem(
                            table.file,
                            row,
                            column,
                            "has a UTC offset that is no Indonesian zone",
                            "use +07:00 (WIB), +08:00 (WITA) or +09:00 (WIT)",
                        )
                    )

    def run(self) -> Scenario:
        self.read_locations()
        settings = self.read_settings()
        lines = self.read_budget_lines()
        cases = self.read_cases({line.budget_line_id for line in lines}, "budget_lines" in self.raw.tables)
        services = self.read_services()
        links = self.read_links()
        escorts = self.read_escorts()
        self.check_offsets(services)
        if "cases" in self.raw.tables and not self.raw.tables["cases"].rows and not self.problems:
            self.problems.append(
                Problem(self.raw.tables["cases"].file, 0, "", "has no cases", "add one row per person")
            )
        if self.problems:
            raise ScenarioError(_sorted(self.problems))
        return Scenario(
            settings=settings,
            locations=self.locations,
            cases=tuple(cases),
            services=tuple(services),
            links=tuple(links),
            escorts=tuple(escorts),
            budget_lines=tuple(lines),
        )


def _rows_of(table: Table, service_ids: list[str]) -> list[int]:
    number = {row.cells.get("service_id", ""): row.number for row in table.rows}
    return [number.get(s, 0) for s in service_ids]


def _sorted(problems: list[Problem]) -> list[Problem]:
    order = {
        f"{t}.csv": i
        for i, t in enumerate(
            ("scenario", "locations", "cases", "services", "links", "escorts", "budget_lines")
        )
    }
    return sorted(problems, key=lambda p: (order.get(p.file, 99), p.file, p.row))


def _star_or(choices: tuple[str, ...]) -> Callable[[str], frozenset[str]]:
    def parse(text: str) -> frozenset[str]:
        if text.strip() == "*":
            return frozenset()
        return parse_set(choices)(text)

    return parse


def _id_list(text: str) -> frozenset[str]:
    return frozenset(v.strip() for v in text.split(";") if v.strip())


def _closest(word: str, options: set[str]) -> str | None:
    found = _closest_all(word, options)
    return found[0] if found else None


def _closest_all(word: str, options: set[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(word, sorted(options), n=3, cutoff=0.6)


def validate(raw: RawScenario) -> Scenario:
    """The scenario, or ``ScenarioError`` with every problem found."""
    return Validator(raw).run()


def read_scenario(path: Path | str) -> Scenario:
    return validate(read_raw(Path(path)))
