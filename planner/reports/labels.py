"""Words and formats shared by every output, in Bahasa Indonesia (the default) and English.

Each output keeps the labels only it uses beside its own code, as ``Text`` pairs; the words
every output shares (modes, cost types, reasons, categories, months) and the formats of
money, dates and local times live here, so that a manifest and the map say the same thing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, NamedTuple, get_args

from geodata.timezones import zone_name
from planner.scenario import Location

Lang = Literal["id", "en"]
LANGS: tuple[str, ...] = get_args(Lang)


class Text(NamedTuple):
    """One label in both languages."""

    id: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return self.id if lang == "id" else self.en


MODES: dict[str, Text] = {
    "ferry": Text("Kapal laut", "Ferry"),
    "flight": Text("Pesawat", "Flight"),
    "bus": Text("Bus", "Bus"),
    "train": Text("Kereta api", "Train"),
    "car": Text("Mobil sewa", "Hired car"),
}
COST_TYPES: dict[str, Text] = {
    "fare": Text("Tiket & kendaraan", "Fares & vehicles"),
    "meal": Text("Uang makan", "Meals"),
    "escort": Text("Pendamping", "Escorts"),
}
REASONS: dict[str, Text] = {
    "no_seats": Text("Kursi penuh", "No seats"),
    "no_escort": Text("Tidak ada pendamping", "No escort"),
    "budget": Text("Anggaran tidak cukup", "Budget"),
    "no_route": Text("Tidak ada rute", "No route"),
    "not_ready": Text("Belum siap", "Not ready"),
    "horizon": Text("Di luar jangka waktu", "Beyond the window"),
}
CATEGORIES: dict[str, Text] = {
    "terlantar": Text("Terlantar", "Stranded"),
    "pmi": Text("PMI bermasalah", "Migrant worker"),
    "tppo": Text("Korban TPPO", "Trafficking victim"),
    "deportee": Text("Deportan", "Deportee"),
}
SEXES: dict[str, Text] = {"F": Text("P", "F"), "M": Text("L", "M")}
NEEDS: dict[str, Text] = {
    "medical": Text("medis", "medical"),
    "psychosocial": Text("psikososial", "psychosocial"),
    "wheelchair": Text("kursi roda", "wheelchair"),
    "female_escort": Text("pendamping perempuan", "woman escort"),
}
RECEIVER = Text("Dinas Sosial {place}", "Social office of {place}")

_MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_DAYS = {
    "id": ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def word(table: dict[str, Text], key: str, lang: Lang) -> str:
    """A shared word, or the key itself where the table has none."""
    text = table.get(key)
    return text(lang) if text else key


def rupiah(amount: int) -> str:
    """``Rp 1.240.000``: Indonesian digit grouping, as officers write it."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def day(value: date, lang: Lang) -> str:
    """``Sen 24 Nov 2026``."""
    return f"{_DAYS[lang][value.weekday()]} {value.day} {_MONTHS[lang][value.month - 1]} {value.year}"


def local_time(moment: datetime, place: Location, lang: Lang) -> str:
    """The time at ``place`` with its zone's name, as tickets show it: ``Sen 24 Nov 2026 08.00 WIB``."""
    local = moment.astimezone(place.tz)
    clock = f"{local:%H.%M}" if lang == "id" else f"{local:%H:%M}"
    return f"{day(local.date(), lang)} {clock} {zone(place)}"


def zone(place: Location) -> str:
    """WIB, WITA or WIT; ``UTC+hh:mm`` for a place outside Indonesia's three zones."""
    try:
        return zone_name(place.utc_offset)
    except ValueError:
        minutes = int(place.utc_offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def receiver(home: Location, lang: Lang) -> str:
    """Who takes the person over at home: the office named in locations.csv, or else the
    home region's social office, which receives returnees (handover, step 6 of a return)."""
    return home.receiver or RECEIVER(lang).format(place=home.name)


def age_group(age: int, lang: Lang) -> str:
    """An age band for outputs that must not identify a person (the map)."""
    if age < 18:
        return Text("anak (<18)", "child (<18)")(lang)
    if age >= 60:
        return Text("lansia (60+)", "older (60+)")(lang)
    return Text("dewasa", "adult")(lang)
