"""Tiny hand-made scenarios whose right answer a person can work out.

The world: a shelter in Pangkalan Bun (WIB), Kumai port half an hour away by car, a ferry to
Semarang, and a home regency, Grobogan, three hours by car from Semarang port.  A second
home, Lombok Timur (WITA, +08:00), is reached by a flight from Semarang.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from planner.scenario import (
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

WIB = timezone(timedelta(hours=7))
WITA = timezone(timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0, tz: timezone = WIB) -> datetime:
    """A moment in December 2026 (day 1 = 1 Dec)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=tz)


LOCATIONS = {
    loc.location_id: loc
    for loc in (
        Location(
            "SHL-PKB",
            "Shelter Pangkalan Bun",
            "shelter",
            -2.68,
            111.62,
            "Kalimantan Tengah",
            timedelta(hours=7),
        ),
        Location("PORT-KUMAI", "Kumai", "port", -2.74, 111.72, "Kalimantan Tengah", timedelta(hours=7)),
        Location("PORT-SMG", "Tanjung Emas", "port", -6.95, 110.42, "Jawa Tengah", timedelta(hours=7)),
        Location("REG-GROBOGAN", "Kab. Grobogan", "city", -7.08, 110.92, "Jawa Tengah", timedelta(hours=7)),
        Location(
            "REG-LOTIM", "Kab. Lombok Timur", "city", -8.65, 116.53, "Nusa Tenggara Barat", timedelta(hours=8)
        ),
        Location(
            "REG-NOWHERE", "Pulau Tanpa Kapal", "city", -5.0, 120.0, "Sulawesi Selatan", timedelta(hours=8)
        ),
    )
}


def ferry(service_id: str, day: int, seats: int = 10, fare: int = 400_000) -> Service:
    """Kumai 08:00 -> Semarang 08:00 the next day."""
    return Service(service_id, "ferry", "PORT-KUMAI", "PORT-SMG", at(day, 8), at(day + 1, 8), seats, fare)


def back_ferry(service_id: str, day: int, seats: int = 10, fare: int = 400_000) -> Service:
    return Service(service_id, "ferry", "PORT-SMG", "PORT-KUMAI", at(day, 12), at(day + 1, 12), seats, fare)


LINKS = (
    Link("SHL-PKB", "PORT-KUMAI", "car", 30, 0, 200_000, 6),
    Link("PORT-KUMAI", "SHL-PKB", "car", 30, 0, 200_000, 6),
    Link("PORT-SMG", "REG-GROBOGAN", "car", 180, 0, 600_000, 6),
    Link("REG-GROBOGAN", "PORT-SMG", "car", 180, 0, 600_000, 6),
)


def case(case_id: str, home: str = "REG-GROBOGAN", ready: date = date(2026, 12, 1), **kw: object) -> Case:
    base: dict[str, object] = {"sex": "M", "age": 30, "category": "terlantar"}
    base.update(kw)
    return Case(case_id=case_id, location_id="SHL-PKB", home_id=home, ready=ready, **base)  # type: ignore[arg-type]


def escort(escort_id: str, sex: str = "F", **kw: object) -> Escort:
    base: dict[str, object] = {
        "base_id": "SHL-PKB",
        "available_from": date(2026, 12, 1),
        "available_to": date(2026, 12, 14),
        "daily_allowance_idr": 400_000,
    }
    base.update(kw)
    return Escort(escort_id=escort_id, sex=sex, **base)  # type: ignore[arg-type]


LINE = BudgetLine("B-DINSOS", "Pemulangan orang terlantar", "Dinsos Kobar", 50_000_000)


def scenario(
    cases: tuple[Case, ...],
    services: tuple[Service, ...] = (ferry("F1", 2), back_ferry("R1", 4)),
    escorts: tuple[Escort, ...] = (),
    lines: tuple[BudgetLine, ...] = (LINE,),
    links: tuple[Link, ...] = LINKS,
    horizon_days: int = 7,
) -> Scenario:
    settings = Settings(name="tiny", start=at(1, 0), horizon_days=horizon_days, costs=Costs())
    return Scenario(settings, LOCATIONS, cases, services, links, escorts, lines)


def with_seats(service: Service, seats: int) -> Service:
    return replace(service, seats=seats)
