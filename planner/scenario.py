"""The scenario: everything a plan is made from, as frozen, validated objects.

Objects here are built only by ``planner.io.validate`` (or by tests), which checks every
field once; the rest of the planner trusts them.  Derived facts the contract defines (does a
case need an escort, its priority, a household's members) are computed here and nowhere else.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from types import MappingProxyType
from typing import Literal, get_args

from planner.bookings import Bookings

Sex = Literal["F", "M"]
Category = Literal["terlantar", "pmi", "tppo", "deportee"]
Need = Literal["medical", "psychosocial", "wheelchair", "female_escort"]
EscortChoice = Literal["yes", "no", "auto"]
LocationKind = Literal["shelter", "port", "airport", "terminal", "station", "city"]
ServiceMode = Literal["ferry", "flight", "bus", "train"]
LinkMode = Literal["car", "bus"]
Mode = Literal["ferry", "flight", "bus", "train", "car"]
CostType = Literal["fare", "meal", "escort"]
Skill = Literal["medical", "psychosocial"]

SEXES: tuple[str, ...] = get_args(Sex)
CATEGORIES: tuple[str, ...] = get_args(Category)
NEEDS: tuple[str, ...] = get_args(Need)
ESCORT_CHOICES: tuple[str, ...] = get_args(EscortChoice)
LOCATION_KINDS: tuple[str, ...] = get_args(LocationKind)
SERVICE_MODES: tuple[str, ...] = get_args(ServiceMode)
LINK_MODES: tuple[str, ...] = get_args(LinkMode)
MODES: tuple[str, ...] = get_args(Mode)
COST_TYPES: tuple[str, ...] = get_args(CostType)
SKILLS: tuple[str, ...] = get_args(Skill)

DEFAULT_MIN_CONNECTION_MIN: Mapping[str, int] = MappingProxyType(
    {"flight": 90, "ferry": 120, "train": 30, "bus": 30, "car": 0}
)


@dataclass(frozen=True, slots=True)
class Location:
    location_id: str
    name: str
    kind: LocationKind
    lat: float
    lon: float
    province: str
    utc_offset: timedelta
    receiver: str | None = None  # the office that takes people over at this home, if named

    @property
    def tz(self) -> timezone:
        return timezone(self.utc_offset)

    def local_date(self, moment: datetime) -> date:
        """The calendar day at this place when ``moment`` happens."""
        return moment.astimezone(self.tz).date()

    def midnight(self, day: date) -> datetime:
        """Local midnight at this place at the start of ``day``."""
        return datetime.combine(day, time(0, 0), tzinfo=self.tz)


@dataclass(frozen=True, slots=True)
class Case:
    """One person waiting to go home."""

    case_id: str
    sex: Sex
    age: int
    category: Category
    location_id: str
    home_id: str
    ready: date
    household_id: str | None = None
    registered: date | None = None
    needs: frozenset[Need] = frozenset()
    escort: EscortChoice = "auto"
    given_priority: int | None = None
    funding: frozenset[str] = frozenset()
    name: str | None = None
    national_id: str | None = None

    @property
    def household_key(self) -> str:
        """The household a case travels with; a case without one is its own household."""
        return self.household_id if self.household_id else f"~{self.case_id}"

    @property
    def needs_escort(self) -> bool:
        if self.escort == "yes":
            return True
        if self.escort == "no":
            return False
        return (
            self.category == "tppo"
            or self.age < 18
            or "medical" in self.needs
            or "psychosocial" in self.needs
        )

    @property
    def priority(self) -> int:
        if self.given_priority is not None:
            return self.given_priority
        value = 1
        if self.needs_escort:
            value += 1
        if self.age < 18 or self.age >= 60 or "medical" in self.needs:
            value += 1
        return min(value, 5)

    def may_be_funded_by(self, line: BudgetLine) -> bool:
        """Whether ``line`` may pay for this case at all (category and funding list)."""
        if line.categories is not None and self.category not in line.categories:
            return False
        return not self.funding or line.budget_line_id in self.funding


@dataclass(frozen=True, slots=True)
class Household:
    """Cases that travel together: same legs, same departures, or not at all."""

    household_id: str
    case_ids: tuple[str, ...]
    location_id: str
    home_id: str
    ready: date


@dataclass(frozen=True, slots=True)
class Service:
    """One dated departure of a scheduled ferry, flight, bus or train."""

    service_id: str
    mode: ServiceMode
    from_id: str
    to_id: str
    depart: datetime
    arrive: datetime
    seats: int
    fare_idr: int
    operator: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """An unscheduled road leg that can start at any time."""

    from_id: str
    to_id: str
    mode: LinkMode
    duration_min: int
    fare_idr: int = 0
    vehicle_cost_idr: int = 0
    vehicle_capacity: int | None = None

    @property
    def link_id(self) -> str:
        return f"{self.from_id}>{self.to_id}:{self.mode}"

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_min)

    def vehicles_for(self, travellers: int) -> int:
        if self.vehicle_cost_idr == 0 or travellers == 0:
            return 0
        if self.vehicle_capacity is None:
            return 1
        return math.ceil(travellers / self.vehicle_capacity)


@dataclass(frozen=True, slots=True)
class Escort:
    """A social worker or officer who accompanies cases and then travels back."""

    escort_id: str
    sex: Sex
    base_id: str
    available_from: date
    available_to: date
    daily_allowance_idr: int
    skills: frozenset[Skill] = frozenset()
    max_cases: int = 5
    name: str | None = None


@dataclass(frozen=True, slots=True)
class BudgetLine:
    budget_line_id: str
    name: str
    agency: str
    ceiling_idr: int
    categories: frozenset[Category] | None = None  # None: every category
    cost_types: frozenset[CostType] | None = None  # None: every cost type
    preference: int = 100

    def pays(self, cost_type: CostType) -> bool:
        return self.cost_types is None or cost_type in self.cost_types


@dataclass(frozen=True, slots=True)
class Costs:
    waiting_idr_per_day: int = 150_000
    shelter_idr_per_day: int = 75_000
    meal_idr_per_travel_day: int = 60_000
    carry_over_days: int = 7
    change_idr_per_person: int = 100_000  # re-planning: one traveller's booking changed


@dataclass(frozen=True, slots=True)
class Settings:
    name: str
    start: datetime
    horizon_days: int = 14
    costs: Costs = field(default_factory=Costs)
    min_connection_min: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_MIN_CONNECTION_MIN))

    @property
    def end(self) -> datetime:
        """First moment after the planning window."""
        return self.start + timedelta(days=self.horizon_days)

    @property
    def end_date(self) -> date:
        """Start date + horizon_days: the date the contract counts unplanned waiting to."""
        return self.start.date() + timedelta(days=self.horizon_days)

    def connection(self, next_mode: str) -> timedelta:
        return timedelta(minutes=self.min_connection_min.get(next_mode, 0))


@dataclass(frozen=True)
class Scenario:
    settings: Settings
    locations: Mapping[str, Location]
    cases: tuple[Case, ...]
    services: tuple[Service, ...] = ()
    links: tuple[Link, ...] = ()
    escorts: tuple[Escort, ...] = ()
    budget_lines: tuple[BudgetLine, ...] = ()
    # Re-planning only: what an earlier plan booked, and what changing it costs.
    bookings: Bookings | None = None
    _case_by_id: Mapping[str, Case] = field(init=False, repr=False, compare=False)
    _service_by_id: Mapping[str, Service] = field(init=False, repr=False, compare=False)
    _link_by_id: Mapping[str, Link] = field(init=False, repr=False, compare=False)
    _escort_by_id: Mapping[str, Escort] = field(init=False, repr=False, compare=False)
    _line_by_id: Mapping[str, BudgetLine] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "locations", MappingProxyType(dict(self.locations)))
        for name, items, key in (
            ("_case_by_id", self.cases, "case_id"),
            ("_service_by_id", self.services, "service_id"),
            ("_link_by_id", self.links, "link_id"),
            ("_escort_by_id", self.escorts, "escort_id"),
            ("_line_by_id", self.budget_lines, "budget_line_id"),
        ):
            index = {getattr(item, key): item for item in items}
            object.__setattr__(self, name, MappingProxyType(index))

    def __reduce__(self) -> tuple[type[Scenario], tuple[object, ...]]:
        # Pickled as it was made (``planner.ahead`` hands it to a second process): the
        # read-only indexes are made again on the other side.
        return (
            Scenario,
            (
                self.settings,
                dict(self.locations),
                self.cases,
                self.services,
                self.links,
                self.escorts,
                self.budget_lines,
                self.bookings,
            ),
        )

    @property
    def name(self) -> str:
        return self.settings.name

    def case(self, case_id: str) -> Case:
        return self._case_by_id[case_id]

    def service(self, service_id: str) -> Service:
        return self._service_by_id[service_id]

    def link(self, link_id: str) -> Link:
        return self._link_by_id[link_id]

    def escort(self, escort_id: str) -> Escort:
        return self._escort_by_id[escort_id]

    def budget_line(self, budget_line_id: str) -> BudgetLine:
        return self._line_by_id[budget_line_id]

    def location(self, location_id: str) -> Location:
        return self.locations[location_id]

    def has_case(self, case_id: str) -> bool:
        return case_id in self._case_by_id

    def has_service(self, service_id: str) -> bool:
        return service_id in self._service_by_id

    def has_escort(self, escort_id: str) -> bool:
        return escort_id in self._escort_by_id

    def has_budget_line(self, budget_line_id: str) -> bool:
        return budget_line_id in self._line_by_id

    def find_link(self, from_id: str, to_id: str, mode: str) -> Link | None:
        return self._link_by_id.get(f"{from_id}>{to_id}:{mode}")

    @property
    def households(self) -> tuple[Household, ...]:
        """Households in the order their first member appears in ``cases``."""
        members: dict[str, list[Case]] = {}
        for case in self.cases:
            members.setdefault(case.household_key, []).append(case)
        return tuple(
            Household(
                household_id=key,
                case_ids=tuple(c.case_id for c in group),
                location_id=group[0].location_id,
                home_id=group[0].home_id,
                ready=max(c.ready for c in group),
            )
            for key, group in members.items()
        )
