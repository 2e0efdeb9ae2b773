"""Week structures the benchmark generator makes besides its usual fortnight (issue 23).

The usual instance spreads its cases over six shelters.  A structure is a preset of
:func:`benchmarks.generator.generate` for one hard kind of week instead: where the cases wait,
who they are and where they go home, how long the window is, which routes run differently
from the usual timetable, and where the escorts are based.  This module only describes them;
the generator builds them, and nothing here draws a random number.

* ``nunukan-surge``: a surge of deportees from Sabah in the Rusunawa shelter in Nunukan, going
  home to South Sulawesi, Nusa Tenggara (Lombok, Sumbawa, Flores, Timor, Sumba), East Java and
  Southeast Sulawesi.  PELNI ships sail once a week to Parepare and to Surabaya, a speedboat
  crosses to Tarakan five times a week, and Tarakan's flights to Makassar, Surabaya and
  Balikpapan go four times a week.  Most deportees are assessed in the first days, so the
  first ships fill and the second week's ships matter; Sumba is three services away.  A few
  escorts wait in Nunukan, and BP3MI officers from Makassar and Surabaya fly in to take
  parties home (an escort from Nunukan could not come back from Sumba in three services).
* ``escort-scarce``: a fortnight at the ministry's trafficking-victim centre in Jakarta, most
  cases women victims who travel only with a woman escort, and one escort for every thirty
  cases, half of them women.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from planner.scenario import Category


@dataclass(frozen=True, slots=True)
class Office:
    """Where some of a structure's escorts are based when not at the shelter."""

    location_id: str
    name: str
    lat: float
    lon: float
    province: str
    hubs: tuple[str, ...]
    """Hubs a hired car joins to the office, both ways."""
    staff: str
    """How its escorts name their office, e.g. 'BP3MI Sulsel'."""


@dataclass(frozen=True, slots=True)
class Structure:
    name: str
    cases: int
    """Cases when the command line names none."""
    shelter: str
    """Where every case waits."""
    categories: tuple[tuple[Category, float], ...]
    regions: tuple[tuple[str, float], ...]
    """Home regions by the generator's short names ('sulsel', 'ntb'...), with weights."""
    hubs: tuple[str, ...]
    """Hubs a hired car joins to the shelter."""
    bus_hubs: tuple[str, ...]
    """Of those, the ones a minibus also runs to."""
    horizon_days: int
    routes: str = ""
    """Rows in the generator's route table format.  A row replaces the usual route between the
    same two places by the same mode (0 departures a week: the route does not run), or adds one;
    its departures a week are kept whatever the demand."""
    homes: tuple[str, ...] = ()
    """Gazetteer ids always among the candidate homes."""
    surge_days: int | None = None
    """Most deportees become ready in the first ``surge_days`` days; None: batches every few days."""
    cases_per_escort: float = 6.5
    """Cases (all of them, not only the escorted) per escort at ``escort_ratio`` 1.0."""
    escort_bases: tuple[tuple[str, float], ...] = ()
    """Where the escorts are based (the shelter or an office of :data:`OFFICES`), with shares."""
    women_escorts: float = 0.5
    """Share of the escorts who are women; at least one when a case needs a woman escort, and
    never all of them when there are two or more."""
    tppo_women: float = 0.75
    """Share of women among trafficking victims."""
    female_escort: float = 0.85
    """Chance that a woman trafficking victim needs a woman escort."""


OFFICES: Final[dict[str, Office]] = {
    office.location_id: office
    for office in (
        Office(
            "OFC-BP3MI-SULSEL",
            "Kantor BP3MI Sulawesi Selatan, Makassar",
            -5.1580,
            119.4330,
            "Sulawesi Selatan",
            ("APT-UPG", "PORT-MAKASSAR", "TRM-MAKASSAR"),
            "BP3MI Sulsel",
        ),
        Office(
            "OFC-BP3MI-JATIM",
            "Kantor BP3MI Jawa Timur, Surabaya",
            -7.3100,
            112.7300,
            "Jawa Timur",
            ("APT-SUB", "PORT-SURABAYA", "TRM-SURABAYA"),
            "BP3MI Jatim",
        ),
    )
}

# The surge's timetable: from | to | mode | departures a week each way | hours | fare | operators.
_SURGE_ROUTES: Final = """
# The weekly PELNI ships from Nunukan; no ship to Makassar this time.
PORT-NUNUKAN | PORT-PAREPARE | ferry  | 1 |  44 |  640000 | PELNI KM Thalia
PORT-NUNUKAN | PORT-SURABAYA | ferry  | 1 |  66 |  780000 | PELNI KM Lambelu
PORT-NUNUKAN | PORT-MAKASSAR | ferry  | 0 |  48 |  720000 | PELNI KM Lambelu
# The speedboat to Tarakan; Nunukan's own airstrip has no flight this time.
PORT-NUNUKAN | PORT-TARAKAN  | ferry  | 5 | 3.5 |  270000 | Speedboat Nunukan-Tarakan
APT-NNX      | APT-TRK       | flight | 0 | 0.6 |  700000 | Wings Air
# Tarakan's flights, and Balikpapan's on to Sulawesi and Java.
APT-TRK      | APT-UPG       | flight | 4 | 2.0 | 1650000 | Lion Air; Super Air Jet
APT-TRK      | APT-SUB       | flight | 4 | 2.3 | 1950000 | Lion Air
APT-TRK      | APT-BPN       | flight | 4 | 1.2 | 1100000 | Lion Air; Wings Air
APT-TRK      | APT-CGK       | flight | 0 | 2.8 | 2150000 | Lion Air
APT-BPN      | APT-UPG       | flight | 7 | 1.1 | 1000000 | Lion Air; Batik Air
APT-BPN      | APT-SUB       | flight | 7 | 1.6 | 1200000 | Lion Air; Citilink
"""

STRUCTURES: Final[dict[str, Structure]] = {
    structure.name: structure
    for structure in (
        Structure(
            name="nunukan-surge",
            cases=400,
            shelter="SHL-NUNUKAN",
            categories=(("deportee", 0.86), ("pmi", 0.06), ("tppo", 0.08)),
            regions=(("sulsel", 0.45), ("ntb", 0.17), ("ntt", 0.15), ("jatim", 0.15), ("sultra", 0.08)),
            hubs=("PORT-NUNUKAN",),
            bus_hubs=(),
            horizon_days=21,
            routes=_SURGE_ROUTES,
            homes=("KAB-SUMBA-BARAT-DAYA", "KAB-SUMBA-TIMUR"),
            surge_days=3,
            cases_per_escort=28.0,
            escort_bases=(("SHL-NUNUKAN", 0.55), ("OFC-BP3MI-SULSEL", 0.3), ("OFC-BP3MI-JATIM", 0.15)),
            women_escorts=0.5,
        ),
        Structure(
            name="escort-scarce",
            cases=120,
            shelter="SHL-JAKARTA",
            categories=(("tppo", 0.85), ("pmi", 0.12), ("deportee", 0.03)),
            regions=(
                ("jabar", 0.30),
                ("jateng", 0.20),
                ("jatim", 0.14),
                ("ntb", 0.15),
                ("ntt", 0.10),
                ("diy", 0.04),
                ("sulsel", 0.04),
                ("kalsel", 0.03),
            ),
            hubs=("APT-CGK", "PORT-PRIOK", "TRM-JAKARTA"),
            bus_hubs=("TRM-JAKARTA",),
            horizon_days=14,
            cases_per_escort=30.0,
            escort_bases=(("SHL-JAKARTA", 1.0),),
            women_escorts=0.5,
            tppo_women=0.9,
            female_escort=0.95,
        ),
    )
}
