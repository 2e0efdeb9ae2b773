"""Seeded benchmark scenarios: a fortnight of returns an Indonesian social-service network faces.

``generate(cases, seed)`` returns a :class:`planner.scenario.Scenario` built directly from the
frozen domain objects.  Same arguments, same scenario: every random draw comes from
``random.Random`` streams seeded with text made from ``seed`` (one stream per part of the
world, so that ``escort_ratio`` or ``budget_ratio`` change only the escorts or the ceilings and
never the cases), and nothing depends on the clock, on hash order or on set iteration.

The world (places and prices are realistic, not a live timetable; people are made up):

* **Shelters** in Central Kalimantan (Pangkalan Bun, Sampit, Palangka Raya), South Kalimantan
  (Banjarmasin), Nunukan in North Kalimantan, where deportees from Sabah land, and Jakarta
  (RPTC Bambu Apus).  Each has its own mix of categories and of home regions: the Kalimantan
  shelters hold stranded plantation workers from Java and Lombok, Nunukan holds deportees bound
  for South Sulawesi and Nusa Tenggara Timur, Jakarta trafficking victims and migrant workers
  back from Saudi Arabia.
* **Homes** are regencies and cities of the gazetteer (``geodata/data/regencies.csv``) in Java,
  Nusa Tenggara Barat and Timur, South and Southeast Sulawesi and South Kalimantan, with ids
  ``REG-...`` as in the demo week.  Bigger instances draw on more of them (about 15 for
  ``S``, 40 for ``M``, 85 for ``L`` and 110 for ``XL``), weighted towards the regencies that
  send most migrant workers.
* **Hubs** are the real ports, airports and bus terminals between them; **services** are
  Pelni-style ships (one or two sailings a week), flights and long-distance buses; **links**
  are hired cars and minibuses from shelters to hubs, between the hubs of one city and from
  hubs to the home regencies they serve, both ways.
* **Capacity grows with the instance but slower than the cases**: seats per departure follow
  ``(cases / 50) ** 0.3`` and the demand the cheapest and fastest routes would carry; busy
  routes get more departures.  A few sailings a fortnight are nearly full ("the ship to
  Parepare is overloaded"), so seats bind.
* **No route, on purpose**: about 1 % of the cases (at least one from 20 cases up) are
  deportees in Nunukan whose homes, Sabu Raijua and Kepulauan Selayar, no ship or flight
  reaches that fortnight (the west monsoon suspends the crossings).  Their homes are
  locations without any link or service, so the planner must report ``no_route``; every
  other case's home is reachable from its shelter, which ``generate`` checks.
* **Budget lines** pay per region: district Dinsos lines, provincial lines, BP3MI offices,
  Kemensos, and companies liable for their own workers.  Budget lines carry no place in the
  data contract, so each case's ``funding`` lists the lines of its shelter's region that may
  pay for its category (a Dinsos in Kotawaringin Barat does not pay for a deportee in
  Nunukan); some cases are restricted to a single line (a company, or BP3MI).

**Structures** (``structure=``, see :mod:`benchmarks.structures`) make one hard kind of week
instead of the usual fortnight over six shelters: ``"nunukan-surge"``, 400 deportees in
Nunukan over three weeks, weekly ships to Parepare and Surabaya, some homes three services
away and escorts flying in from Makassar and Surabaya; ``"escort-scarce"``, a Jakarta
fortnight of trafficking victims who need a woman escort, with one escort per thirty cases.
They reuse the world above, with the structure's own timetable on a few routes.
``tight_budget=True`` cuts every ceiling to :data:`TIGHT_BUDGET_SHARE` of the usual one.

``write(scenario, target)`` writes a scenario as a CSV folder, an ``.xlsx`` or a ``.zip``
(it is :func:`planner.io.write.write_scenario`).  ``python -m benchmarks.generator M --seed 1
--out DIR`` does both from the command line; ``python -m benchmarks.generator --structure
nunukan-surge --tight-budget --out DIR`` makes a structure (its usual number of cases unless
one is given).
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Final, TypeVar

from benchmarks.structures import OFFICES, STRUCTURES, Office, Structure
from geodata import gazetteer, timezones
from geodata.gazetteer import Place
from planner.io.write import write_scenario
from planner.scenario import (
    DEFAULT_MIN_CONNECTION_MIN,
    BudgetLine,
    Case,
    Category,
    Costs,
    CostType,
    Escort,
    EscortChoice,
    Link,
    Location,
    LocationKind,
    Need,
    Scenario,
    Service,
    ServiceMode,
    Settings,
    Sex,
    Skill,
)

K = TypeVar("K", bound=str)

SIZES: Final[dict[str, int]] = {"S": 50, "M": 500, "L": 5000, "XL": 20000}

# Home regencies by instance size: (cases, homes), interpolated on log(cases).
_HOME_COUNTS: Final = ((50, 18), (500, 40), (5000, 90), (20000, 120))
# Days of timetable after the window, so that journeys and escorts' returns can finish.
_TIMETABLE_TAIL_DAYS: Final = 5
_ROAD_KM_FACTOR: Final = 1.3
_ROAD_KMH: Final = 50.0
# Escort-requiring cases per escort at escort_ratio = 1.0: a social worker can take two or
# three parties home in a fortnight, so escorts bind a little even at the normal ratio.
_CASES_PER_ESCORT: Final = 6.5
# Share of the estimated cheapest plan the ceilings cover at budget_ratio = 1.0.
_FUNDED_SHARE: Final = 0.92
_NO_ROUTE_SHARE: Final = 0.01
# Share of the usual ceilings a tight budget leaves.  The usual ceilings (about 92 % of the
# estimated cost of taking everyone home) add up to 1.1 to 1.35 times what the first-come
# baseline spends on a usual week or the Nunukan surge, since it leaves many cases for want of
# seats or escorts; tight ones to 50 to 65 % of it.  Where escorts bind harder (the
# escort-scarce week) the baseline spends less, and tight ceilings may still exceed that.
TIGHT_BUDGET_SHARE: Final = 0.45
_MEAL_IDR: Final = 60_000
_ALLOWANCE_GUESS_IDR: Final = 430_000


# -- the fixed world --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Site:
    """A shelter or hub; ``code`` names it in service ids (``S-KM-SMG-1201``)."""

    location_id: str
    name: str
    kind: LocationKind
    lat: float
    lon: float
    province: str
    code: str = ""


_SHELTERS: Final = (
    _Site(
        "SHL-PANGKALANBUN",
        "Shelter Dinsos Kab. Kotawaringin Barat, Pangkalan Bun",
        "shelter",
        -2.6815,
        111.6262,
        "Kalimantan Tengah",
    ),
    _Site(
        "SHL-SAMPIT",
        "Shelter Dinsos Kab. Kotawaringin Timur, Sampit",
        "shelter",
        -2.5369,
        112.9489,
        "Kalimantan Tengah",
    ),
    _Site(
        "SHL-PALANGKARAYA",
        "Rumah Perlindungan Sosial Dinsos Prov. Kalimantan Tengah, Palangka Raya",
        "shelter",
        -2.2096,
        113.9135,
        "Kalimantan Tengah",
    ),
    _Site(
        "SHL-BANJARMASIN",
        "Rumah Singgah Dinsos Kota Banjarmasin",
        "shelter",
        -3.3240,
        114.5940,
        "Kalimantan Selatan",
    ),
    _Site(
        "SHL-NUNUKAN",
        "Rusunawa Nunukan, penampungan deportan Dinsos Kab. Nunukan",
        "shelter",
        4.1290,
        117.6600,
        "Kalimantan Utara",
    ),
    _Site(
        "SHL-JAKARTA",
        "Rumah Perlindungan dan Trauma Center (RPTC) Kemensos, Bambu Apus, Jakarta Timur",
        "shelter",
        -6.3117,
        106.8975,
        "DKI Jakarta",
    ),
)

# Ports, airports and bus terminals: id | code in service ids | lat | lon | province (as people
# abbreviate it; canonical_province reads it) | name.
_HUB_TABLE: Final = """
# Kalimantan
PORT-KUMAI       | KM  |  -2.7441 | 111.7267 | Kalteng     | Pelabuhan Panglima Utar, Kumai
PORT-SAMPIT      | SPT |  -2.5478 | 112.9582 | Kalteng     | Pelabuhan Sampit
PORT-BANJARMASIN | BJM |  -3.3322 | 114.5628 | Kalsel      | Pelabuhan Trisakti, Banjarmasin
PORT-NUNUKAN     | NNK |   4.1358 | 117.6676 | Kaltara     | Pelabuhan Tunon Taka, Nunukan
PORT-TARAKAN     | TRK |   3.2866 | 117.5920 | Kaltara     | Pelabuhan Tengkayu I, Tarakan
APT-PKY          | PKY |  -2.2251 | 113.9426 | Kalteng     | Bandara Tjilik Riwut, Palangka Raya
APT-PKN          | PKN |  -2.7052 | 111.6733 | Kalteng     | Bandara Iskandar, Pangkalan Bun
APT-SMQ          | SMQ |  -2.4992 | 112.9750 | Kalteng     | Bandara H. Asan, Sampit
APT-BDJ          | BDJ |  -3.4424 | 114.7625 | Kalsel      | Bandara Syamsudin Noor, Banjarbaru
APT-TRK          | TRK |   3.3269 | 117.5658 | Kaltara     | Bandara Juwata, Tarakan
APT-NNX          | NNX |   4.1361 | 117.6672 | Kaltara     | Bandara Nunukan
APT-BPN          | BPN |  -1.2683 | 116.8945 | Kaltim      | Bandara Sultan Aji Muhammad Sulaiman Sepinggan, Balikpapan
# Java
PORT-PRIOK       | PRI |  -6.1040 | 106.8830 | DKI Jakarta | Pelabuhan Tanjung Priok, Jakarta Utara
PORT-SEMARANG    | SMG |  -6.9457 | 110.4247 | Jateng      | Pelabuhan Tanjung Emas, Semarang
PORT-SURABAYA    | SBY |  -7.1995 | 112.7326 | Jatim       | Pelabuhan Tanjung Perak, Surabaya
APT-CGK          | CGK |  -6.1256 | 106.6559 | Banten      | Bandara Soekarno-Hatta, Tangerang
APT-SRG          | SRG |  -6.9727 | 110.3754 | Jateng      | Bandara Jenderal Ahmad Yani, Semarang
APT-SUB          | SUB |  -7.3798 | 112.7868 | Jatim       | Bandara Juanda, Sidoarjo (Surabaya)
APT-YIA          | YIA |  -7.9000 | 110.0573 | DIY         | Bandara Internasional Yogyakarta, Kulon Progo
TRM-JAKARTA      | JKT |  -6.2125 | 106.9530 | DKI Jakarta | Terminal Terpadu Pulo Gebang, Jakarta Timur
TRM-SEMARANG     | SMG |  -6.9713 | 110.2965 | Jateng      | Terminal Mangkang, Semarang
TRM-YOGYAKARTA   | YK  |  -7.8336 | 110.3925 | DIY         | Terminal Giwangan, Yogyakarta
TRM-SURABAYA     | SBY |  -7.3508 | 112.7244 | Jatim       | Terminal Purabaya (Bungurasih), Sidoarjo
# Nusa Tenggara Barat
PORT-LEMBAR      | LBR |  -8.7290 | 116.0727 | NTB         | Pelabuhan Lembar, Lombok Barat
PORT-BIMA        | BIM |  -8.4540 | 118.7130 | NTB         | Pelabuhan Bima
APT-LOP          | LOP |  -8.7573 | 116.2766 | NTB         | Bandara Internasional Lombok, Praya
APT-BMU          | BMU |  -8.5396 | 118.6872 | NTB         | Bandara Sultan Muhammad Salahuddin, Bima
APT-SWQ          | SWQ |  -8.4890 | 117.4120 | NTB         | Bandara Sultan Muhammad Kaharuddin, Sumbawa Besar
TRM-MATARAM      | MTR |  -8.5944 | 116.1436 | NTB         | Terminal Mandalika, Mataram
# Nusa Tenggara Timur
PORT-KUPANG      | KPG | -10.1980 | 123.5290 | NTT         | Pelabuhan Tenau, Kupang
PORT-LABUANBAJO  | LBJ |  -8.4960 | 119.8760 | NTT         | Pelabuhan Labuan Bajo
PORT-ENDE        | END |  -8.8460 | 121.6480 | NTT         | Pelabuhan Ende
PORT-MAUMERE     | MOF |  -8.6160 | 122.2130 | NTT         | Pelabuhan Lorens Say, Maumere
PORT-WAINGAPU    | WGP |  -9.6470 | 120.2540 | NTT         | Pelabuhan Waingapu
APT-KOE          | KOE | -10.1716 | 123.6711 | NTT         | Bandara El Tari, Kupang
APT-LBJ          | LBJ |  -8.4866 | 119.8890 | NTT         | Bandara Komodo, Labuan Bajo
APT-ENE          | ENE |  -8.8493 | 121.6606 | NTT         | Bandara H. Hasan Aroeboesman, Ende
APT-MOF          | MOF |  -8.6406 | 122.2369 | NTT         | Bandara Frans Seda, Maumere
APT-TMC          | TMC |  -9.4097 | 119.2440 | NTT         | Bandara Lede Kalumbang, Tambolaka
APT-WGP          | WGP |  -9.6692 | 120.3020 | NTT         | Bandara Umbu Mehang Kunda, Waingapu
# Sulawesi
PORT-MAKASSAR    | MKS |  -5.1340 | 119.4080 | Sulsel      | Pelabuhan Soekarno-Hatta, Makassar
PORT-PAREPARE    | PRE |  -4.0140 | 119.6210 | Sulsel      | Pelabuhan Nusantara, Parepare
PORT-BAUBAU      | BAU |  -5.4650 | 122.6040 | Sultra      | Pelabuhan Murhum, Baubau
APT-UPG          | UPG |  -5.0617 | 119.5540 | Sulsel      | Bandara Sultan Hasanuddin, Maros
APT-KDI          | KDI |  -4.0816 | 122.4180 | Sultra      | Bandara Haluoleo, Konawe Selatan
TRM-MAKASSAR     | MKS |  -5.1050 | 119.5130 | Sulsel      | Terminal Regional Daya, Makassar
"""


@dataclass(frozen=True, slots=True)
class _ShelterMix:
    share: float
    categories: tuple[tuple[Category, float], ...]
    regions: tuple[tuple[str, float], ...]
    hubs: tuple[str, ...]
    bus_hubs: tuple[str, ...]
    staff: str
    """How escorts name their office, e.g. 'Dinsos Kobar'."""


_MIX: Final[dict[str, _ShelterMix]] = {
    "SHL-PANGKALANBUN": _ShelterMix(
        0.16,
        (("terlantar", 0.82), ("pmi", 0.05), ("tppo", 0.06), ("deportee", 0.07)),
        (("jateng", 0.30), ("jatim", 0.28), ("ntb", 0.30), ("diy", 0.06), ("jabar", 0.06)),
        ("PORT-KUMAI", "APT-PKN"),
        (),
        "Dinsos Kobar",
    ),
    "SHL-SAMPIT": _ShelterMix(
        0.12,
        (("terlantar", 0.80), ("pmi", 0.06), ("tppo", 0.06), ("deportee", 0.08)),
        (("jatim", 0.35), ("jateng", 0.25), ("ntb", 0.25), ("diy", 0.05), ("jabar", 0.05), ("ntt", 0.05)),
        ("PORT-SAMPIT", "APT-SMQ", "PORT-KUMAI"),
        (),
        "Dinsos Kotim",
    ),
    "SHL-PALANGKARAYA": _ShelterMix(
        0.12,
        (("terlantar", 0.45), ("pmi", 0.20), ("tppo", 0.20), ("deportee", 0.15)),
        (("jateng", 0.25), ("jatim", 0.25), ("diy", 0.15), ("ntb", 0.20), ("jabar", 0.10), ("sulsel", 0.05)),
        ("APT-PKY", "PORT-SAMPIT", "PORT-KUMAI", "PORT-BANJARMASIN", "APT-BDJ"),
        ("PORT-SAMPIT", "PORT-BANJARMASIN"),
        "Dinsos Kalteng",
    ),
    "SHL-BANJARMASIN": _ShelterMix(
        0.14,
        (("terlantar", 0.60), ("pmi", 0.15), ("tppo", 0.10), ("deportee", 0.15)),
        (("jatim", 0.35), ("jateng", 0.25), ("ntb", 0.15), ("sulsel", 0.15), ("diy", 0.05), ("jabar", 0.05)),
        ("PORT-BANJARMASIN", "APT-BDJ"),
        (),
        "Dinsos Kota Banjarmasin",
    ),
    "SHL-NUNUKAN": _ShelterMix(
        0.30,
        (("deportee", 0.85), ("pmi", 0.07), ("tppo", 0.08)),
        (("sulsel", 0.45), ("ntt", 0.30), ("sultra", 0.10), ("ntb", 0.08), ("jatim", 0.05), ("kalsel", 0.02)),
        ("PORT-NUNUKAN", "APT-NNX"),
        (),
        "Dinsos Nunukan",
    ),
    "SHL-JAKARTA": _ShelterMix(
        0.16,
        (("tppo", 0.35), ("pmi", 0.40), ("deportee", 0.20), ("terlantar", 0.05)),
        (
            ("jabar", 0.30),
            ("jateng", 0.20),
            ("jatim", 0.14),
            ("ntb", 0.15),
            ("ntt", 0.10),
            ("diy", 0.04),
            ("sulsel", 0.04),
            ("kalsel", 0.03),
        ),
        ("APT-CGK", "PORT-PRIOK", "TRM-JAKARTA"),
        ("TRM-JAKARTA",),
        "RPTC Bambu Apus",
    ),
}

# Home regions, by the shelters' names for them.
_REGIONS: Final[dict[str, str]] = {
    "jateng": "Jawa Tengah",
    "jatim": "Jawa Timur",
    "jabar": "Jawa Barat",
    "diy": "DI Yogyakarta",
    "ntb": "Nusa Tenggara Barat",
    "ntt": "Nusa Tenggara Timur",
    "sulsel": "Sulawesi Selatan",
    "sultra": "Sulawesi Tenggara",
    "kalsel": "Kalimantan Selatan",
}
# Islands without a port or airport in this world: left out of the homes rather than joined
# to a hub by a road that does not exist.
_ISLANDS_WITHOUT_HUB: Final = frozenset(
    {"KAB-ALOR", "KAB-LEMBATA", "KAB-ROTE-NDAO", "KAB-WAKATOBI", "KAB-KONAWE-KEPULAUAN"}
)
# Homes no ship or flight reaches this fortnight: the deliberate no-route cases go there.
_UNSERVED_HOMES: Final = ("KAB-SABU-RAIJUA", "KAB-KEPULAUAN-SELAYAR")

# Regencies that send many migrant workers get more of the cases (BP2MI placement figures,
# in broad terms); cities send fewer than regencies.
_SENDING_WEIGHT: Final[dict[str, float]] = {
    "KAB-LOMBOK-TIMUR": 5.0,
    "KAB-LOMBOK-TENGAH": 4.0,
    "KAB-LOMBOK-BARAT": 2.0,
    "KAB-SUMBAWA": 2.0,
    "KAB-BIMA": 2.0,
    "KAB-DOMPU": 1.5,
    "KAB-INDRAMAYU": 4.0,
    "KAB-CIREBON": 3.0,
    "KAB-CIANJUR": 2.5,
    "KAB-SUKABUMI": 2.0,
    "KAB-KARAWANG": 2.0,
    "KAB-SUBANG": 2.0,
    "KAB-CILACAP": 3.0,
    "KAB-BREBES": 2.0,
    "KAB-KENDAL": 2.0,
    "KAB-GROBOGAN": 2.0,
    "KAB-PATI": 2.0,
    "KAB-BLORA": 1.5,
    "KAB-PONOROGO": 3.0,
    "KAB-BLITAR": 3.0,
    "KAB-TULUNGAGUNG": 3.0,
    "KAB-MALANG": 3.0,
    "KAB-JEMBER": 3.0,
    "KAB-BANYUWANGI": 2.5,
    "KAB-KEDIRI": 2.0,
    "KAB-TIMOR-TENGAH-SELATAN": 3.0,
    "KAB-TIMOR-TENGAH-UTARA": 2.0,
    "KAB-BELU": 2.0,
    "KAB-MALAKA": 2.0,
    "KAB-KUPANG": 2.0,
    "KAB-SUMBA-BARAT-DAYA": 2.0,
    "KAB-FLORES-TIMUR": 2.5,
    "KAB-SIKKA": 2.0,
    "KAB-ENDE": 1.5,
    "KAB-BONE": 3.0,
    "KAB-BULUKUMBA": 2.5,
    "KAB-PINRANG": 2.5,
    "KAB-SIDENRENG-RAPPANG": 2.0,
    "KAB-WAJO": 2.5,
    "KAB-JENEPONTO": 2.0,
    "KAB-SINJAI": 2.0,
    "KOTA-PAREPARE": 1.5,
    "KAB-BUTON": 2.0,
    "KAB-MUNA": 2.0,
    "KAB-KOLAKA": 1.5,
    "KAB-HULU-SUNGAI-SELATAN": 2.0,
}

# Which hubs serve a home, by island: a home is linked to its nearest ones (see _home_hubs).
_HUB_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "java": (
        "PORT-SEMARANG",
        "APT-SRG",
        "TRM-SEMARANG",
        "PORT-SURABAYA",
        "APT-SUB",
        "TRM-SURABAYA",
        "TRM-YOGYAKARTA",
        "APT-YIA",
        "TRM-JAKARTA",
        "APT-CGK",
        "PORT-PRIOK",
    ),
    "lombok": ("PORT-LEMBAR", "APT-LOP", "TRM-MATARAM"),
    # Sumbawa is reached from Mataram by bus over the Kayangan-Poto Tano ferry.
    "sumbawa": ("TRM-MATARAM", "APT-SWQ", "APT-BMU", "PORT-BIMA"),
    "timor": ("PORT-KUPANG", "APT-KOE"),
    "flores": ("PORT-LABUANBAJO", "APT-LBJ", "PORT-ENDE", "APT-ENE", "PORT-MAUMERE", "APT-MOF"),
    "sumba": ("APT-TMC", "APT-WGP", "PORT-WAINGAPU"),
    "sulsel": ("PORT-MAKASSAR", "APT-UPG", "TRM-MAKASSAR", "PORT-PAREPARE"),
    "sultra": ("APT-KDI",),
    "buton": ("PORT-BAUBAU",),
    "kalsel": ("PORT-BANJARMASIN", "APT-BDJ"),
}
_BUTON_MUNA: Final = frozenset(
    {
        "KAB-BUTON",
        "KAB-BUTON-SELATAN",
        "KAB-BUTON-TENGAH",
        "KAB-BUTON-UTARA",
        "KAB-MUNA",
        "KAB-MUNA-BARAT",
        "KOTA-BAUBAU",
    }
)
_SUMBA: Final = frozenset({"KAB-SUMBA-BARAT", "KAB-SUMBA-BARAT-DAYA", "KAB-SUMBA-TENGAH", "KAB-SUMBA-TIMUR"})
_TIMOR: Final = frozenset(
    {
        "KAB-KUPANG",
        "KOTA-KUPANG",
        "KAB-TIMOR-TENGAH-SELATAN",
        "KAB-TIMOR-TENGAH-UTARA",
        "KAB-BELU",
        "KAB-MALAKA",
    }
)
_SUMBAWA: Final = frozenset({"KAB-SUMBAWA", "KAB-SUMBAWA-BARAT", "KAB-DOMPU", "KAB-BIMA", "KOTA-BIMA"})

# The hubs of one city or island, joined by hired cars (a traveller may land at the port and
# fly on, or come in by bus and take the ship).
_METRO_GROUPS: Final = (
    ("PORT-SEMARANG", "APT-SRG", "TRM-SEMARANG"),
    ("PORT-SURABAYA", "APT-SUB", "TRM-SURABAYA"),
    ("PORT-PRIOK", "APT-CGK", "TRM-JAKARTA"),
    ("APT-YIA", "TRM-YOGYAKARTA"),
    ("PORT-LEMBAR", "APT-LOP", "TRM-MATARAM"),
    ("PORT-BIMA", "APT-BMU"),
    ("PORT-MAKASSAR", "APT-UPG", "TRM-MAKASSAR", "PORT-PAREPARE"),
    ("PORT-KUPANG", "APT-KOE"),
    ("PORT-LABUANBAJO", "APT-LBJ"),
    ("PORT-ENDE", "APT-ENE"),
    ("PORT-MAUMERE", "APT-MOF"),
    ("PORT-WAINGAPU", "APT-WGP", "APT-TMC"),
    ("PORT-TARAKAN", "APT-TRK"),
    ("PORT-NUNUKAN", "APT-NNX"),
    ("PORT-BANJARMASIN", "APT-BDJ"),
)


@dataclass(frozen=True, slots=True)
class _Route:
    """A scheduled route, run both ways.

    ``per_week`` is departures each way in an ``M`` instance; flights and buses run half as
    often in ``S`` and up to three times as often in ``L`` and ``XL`` (see ``_services``).
    """

    a: str
    b: str
    mode: ServiceMode
    per_week: int
    hours: float
    fare_idr: int
    operators: tuple[str, ...]
    fixed: bool = False
    """Runs ``per_week`` times a week whatever the instance's size and demand (a structure's)."""


# Scheduled routes, run both ways: from | to | mode | departures a week each way | hours |
# fare | operators (DLU: Dharma Lautan Utama).
_ROUTE_TABLE: Final = """
# Ships from Kalimantan to Java, and on from Java and Sulawesi to Nusa Tenggara.
PORT-KUMAI       | PORT-SEMARANG   | ferry  |  2 |  24 |  330000 | PELNI KM Lawit; DLU KM Kirana III
PORT-KUMAI       | PORT-SURABAYA   | ferry  |  2 |  27 |  350000 | PELNI KM Leuser; DLU KM Kirana I
PORT-SAMPIT      | PORT-SURABAYA   | ferry  |  2 |  22 |  355000 | DLU KM Kirana I; PELNI KM Binaiya
PORT-SAMPIT      | PORT-SEMARANG   | ferry  |  1 |  25 |  340000 | PELNI KM Binaiya
PORT-BANJARMASIN | PORT-SURABAYA   | ferry  |  3 |  20 |  330000 | Dharma Lautan Utama KM Kirana VII
PORT-BANJARMASIN | PORT-SEMARANG   | ferry  |  2 |  24 |  350000 | PELNI KM Egon; DLU KM Kirana II
PORT-NUNUKAN     | PORT-PAREPARE   | ferry  |  2 |  44 |  640000 | PELNI KM Bukit Siguntang; PELNI KM Thalia
PORT-NUNUKAN     | PORT-MAKASSAR   | ferry  |  1 |  48 |  720000 | PELNI KM Lambelu
PORT-NUNUKAN     | PORT-TARAKAN    | ferry  | 14 | 3.5 |  270000 | Speedboat Nunukan-Tarakan
PORT-MAKASSAR    | PORT-SURABAYA   | ferry  |  2 |  24 |  450000 | PELNI KM Tidar; PELNI KM Dorolonda
PORT-PRIOK       | PORT-MAKASSAR   | ferry  |  1 |  46 |  690000 | PELNI KM Bukit Raya
PORT-SURABAYA    | PORT-LEMBAR     | ferry  |  3 |  20 |  320000 | Dharma Lautan Utama KMP Dharma Kartika IX
PORT-SURABAYA    | PORT-BIMA       | ferry  |  1 |  30 |  420000 | PELNI KM Tilongkabila
PORT-SURABAYA    | PORT-LABUANBAJO | ferry  |  1 |  38 |  490000 | PELNI KM Awu
PORT-SURABAYA    | PORT-KUPANG     | ferry  |  1 |  46 |  720000 | PELNI KM Wilis
PORT-MAKASSAR    | PORT-LABUANBAJO | ferry  |  1 |  22 |  380000 | PELNI KM Tilongkabila
PORT-MAKASSAR    | PORT-MAUMERE    | ferry  |  1 |  30 |  450000 | PELNI KM Umsini
PORT-MAKASSAR    | PORT-KUPANG     | ferry  |  1 |  40 |  620000 | PELNI KM Sirimau
PORT-MAKASSAR    | PORT-BAUBAU     | ferry  |  2 |  16 |  310000 | PELNI KM Kelimutu; PELNI KM Dorolonda
PORT-KUPANG      | PORT-ENDE       | ferry  |  1 |  16 |  260000 | ASDP KMP Ile Mandiri
PORT-KUPANG      | PORT-WAINGAPU   | ferry  |  1 |  26 |  310000 | PELNI KM Awu
# Flights.
APT-PKY          | APT-CGK         | flight |  7 | 1.4 | 1100000 | Lion Air; Citilink
APT-PKY          | APT-SUB         | flight |  7 | 1.3 | 1250000 | Lion Air
APT-PKY          | APT-SRG         | flight |  4 | 1.3 | 1350000 | Wings Air
APT-PKN          | APT-SRG         | flight |  7 | 1.2 | 1150000 | Wings Air
APT-PKN          | APT-SUB         | flight |  7 | 1.4 | 1300000 | NAM Air
APT-PKN          | APT-CGK         | flight |  4 | 1.5 | 1200000 | Citilink
APT-SMQ          | APT-SUB         | flight |  7 | 1.3 | 1200000 | Wings Air
APT-SMQ          | APT-CGK         | flight |  4 | 1.5 | 1250000 | Citilink
APT-BDJ          | APT-CGK         | flight | 14 | 1.8 | 1100000 | Lion Air; Batik Air; Garuda Indonesia
APT-BDJ          | APT-SUB         | flight | 14 | 1.2 |  950000 | Lion Air; Citilink
APT-BDJ          | APT-YIA         | flight |  4 | 1.5 | 1150000 | Lion Air
APT-BDJ          | APT-UPG         | flight |  7 | 1.3 | 1200000 | Lion Air
APT-NNX          | APT-TRK         | flight |  7 | 0.6 |  700000 | Wings Air
APT-TRK          | APT-UPG         | flight |  7 | 2.0 | 1650000 | Lion Air; Super Air Jet
APT-TRK          | APT-SUB         | flight |  4 | 2.3 | 1950000 | Lion Air
APT-TRK          | APT-CGK         | flight |  7 | 2.8 | 2150000 | Lion Air; Batik Air
APT-CGK          | APT-SUB         | flight | 14 | 1.5 | 1100000 | Citilink; Lion Air; Garuda Indonesia
APT-CGK          | APT-SRG         | flight |  7 | 1.2 |  950000 | Batik Air; Citilink
APT-CGK          | APT-YIA         | flight |  7 | 1.2 | 1000000 | Garuda Indonesia; Lion Air
APT-CGK          | APT-LOP         | flight |  7 | 2.0 | 1500000 | Lion Air; Garuda Indonesia
APT-CGK          | APT-UPG         | flight |  7 | 2.3 | 1700000 | Lion Air; Batik Air
APT-CGK          | APT-KOE         | flight |  7 | 3.0 | 2300000 | Garuda Indonesia; Lion Air
APT-CGK          | APT-KDI         | flight |  4 | 2.8 | 2000000 | Lion Air
APT-SUB          | APT-LOP         | flight |  7 | 1.1 |  850000 | Lion Air; Wings Air
APT-SUB          | APT-UPG         | flight |  7 | 1.5 | 1200000 | Lion Air; Citilink
APT-SUB          | APT-KOE         | flight |  7 | 2.0 | 1600000 | Lion Air
APT-SUB          | APT-LBJ         | flight |  4 | 1.8 | 1500000 | Wings Air
APT-LOP          | APT-BMU         | flight |  7 | 1.0 |  900000 | Wings Air
APT-LOP          | APT-SWQ         | flight |  4 | 0.7 |  750000 | Wings Air
APT-UPG          | APT-KOE         | flight |  7 | 1.7 | 1500000 | Lion Air
APT-UPG          | APT-KDI         | flight |  7 | 1.0 |  850000 | Lion Air; Wings Air
APT-UPG          | APT-LBJ         | flight |  4 | 1.2 | 1100000 | Wings Air
APT-UPG          | APT-MOF         | flight |  4 | 1.5 | 1300000 | Wings Air
APT-KOE          | APT-ENE         | flight |  7 | 1.0 |  900000 | Wings Air
APT-KOE          | APT-MOF         | flight |  7 | 1.0 |  950000 | Wings Air; TransNusa
APT-KOE          | APT-WGP         | flight |  4 | 1.2 | 1000000 | Wings Air
APT-KOE          | APT-TMC         | flight |  4 | 1.2 | 1000000 | Wings Air
APT-KOE          | APT-LBJ         | flight |  4 | 1.5 | 1200000 | TransNusa
# Long-distance buses (AKAP); Surabaya-Mataram includes the Bali and Lombok crossings.
TRM-JAKARTA      | TRM-SEMARANG    | bus    | 14 |   8 |  200000 | PO Sinar Jaya; PO Haryanto
TRM-JAKARTA      | TRM-YOGYAKARTA  | bus    | 14 |  10 |  230000 | PO Rosalia Indah; PO Sinar Jaya
TRM-JAKARTA      | TRM-SURABAYA    | bus    |  7 |  13 |  320000 | PO Pahala Kencana; PO Lorena
TRM-SEMARANG     | TRM-YOGYAKARTA  | bus    | 21 | 3.5 |   75000 | PO Nusantara
TRM-SEMARANG     | TRM-SURABAYA    | bus    | 14 |   6 |  140000 | PO Haryanto; PO Eka
TRM-YOGYAKARTA   | TRM-SURABAYA    | bus    | 14 |   7 |  150000 | PO Eka; PO Sugeng Rahayu
TRM-SURABAYA     | TRM-MATARAM     | bus    |  7 |  20 |  400000 | PO Safari Dharma Raya
"""

_HUB_KINDS: Final[dict[str, LocationKind]] = {"PORT": "port", "APT": "airport", "TRM": "terminal"}
_ROUTE_MODES: Final[dict[str, ServiceMode]] = {"ferry": "ferry", "flight": "flight", "bus": "bus"}


def _table(text: str, columns: int) -> list[list[str]]:
    rows = []
    for line in text.strip().splitlines():
        if line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) != columns:
            raise ValueError(f"expected {columns} cells: {line!r}")
        rows.append(cells)
    return rows


def _province(text: str) -> str:
    province = timezones.canonical_province(text)
    if province is None:
        raise ValueError(f"unknown province {text!r}")
    return province


def _parse_hubs(text: str) -> tuple[_Site, ...]:
    return tuple(
        _Site(hub_id, name, _HUB_KINDS[hub_id.split("-")[0]], float(lat), float(lon), _province(short), code)
        for hub_id, code, lat, lon, short, name in _table(text, 6)
    )


def _operator(text: str) -> str:
    return "Dharma Lautan Utama " + text.removeprefix("DLU ") if text.startswith("DLU ") else text


def _parse_routes(text: str, *, fixed: bool = False) -> tuple[_Route, ...]:
    return tuple(
        _Route(
            a,
            b,
            _ROUTE_MODES[mode],
            int(week),
            float(hours),
            int(fare),
            tuple(_operator(o) for o in operators.split("; ")),
            fixed,
        )
        for a, b, mode, week, hours, fare, operators in _table(text, 7)
    )


_HUBS: Final = _parse_hubs(_HUB_TABLE)
_ROUTES: Final = _parse_routes(_ROUTE_TABLE)

# Seats set aside for this office per departure: (in an S instance, least, most).
_SEATS: Final[dict[str, tuple[int, int, int]]] = {
    "ferry": (20, 20, 150),
    "speedboat": (10, 8, 60),
    "flight": (4, 3, 20),
    "bus": (8, 6, 40),
}
# Most departures a route may get per week when demand asks for more.
_MAX_PER_WEEK: Final[dict[str, int]] = {"ferry": 7, "speedboat": 28, "flight": 21, "bus": 28}
_DEPART_HOURS: Final[dict[str, tuple[int, ...]]] = {
    "ferry": (9, 10, 12, 14, 16, 18, 20, 21),
    "speedboat": (7, 8, 9, 13, 14, 15),
    "flight": (6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19),
    "bus": (6, 7, 8, 13, 15, 16, 17, 18, 19),
}
_MIN_CONNECTION: Final = DEFAULT_MIN_CONNECTION_MIN


@dataclass(frozen=True, slots=True)
class _LineSpec:
    budget_line_id: str
    name: str
    agency: str
    categories: frozenset[Category] | None
    cost_types: frozenset[CostType] | None
    preference: int
    shelters: tuple[str, ...] | None
    """Shelters whose cases it may pay for; None: every shelter (a national line)."""


_KALTENG = ("SHL-PANGKALANBUN", "SHL-SAMPIT", "SHL-PALANGKARAYA")
_TERLANTAR: Final[frozenset[Category]] = frozenset({"terlantar"})
_MIGRANTS: Final[frozenset[Category]] = frozenset({"pmi", "deportee"})
_LINES: Final = (
    _LineSpec(
        "BL-KOBAR-TERLANTAR",
        "Pemulangan orang terlantar",
        "Dinsos Kab. Kotawaringin Barat",
        _TERLANTAR,
        None,
        50,
        ("SHL-PANGKALANBUN",),
    ),
    _LineSpec(
        "BL-KOTIM-TERLANTAR",
        "Pemulangan orang terlantar",
        "Dinsos Kab. Kotawaringin Timur",
        _TERLANTAR,
        None,
        50,
        ("SHL-SAMPIT",),
    ),
    _LineSpec(
        "BL-PALANGKARAYA-TERLANTAR",
        "Pemulangan orang terlantar",
        "Dinsos Kota Palangka Raya",
        _TERLANTAR,
        None,
        50,
        ("SHL-PALANGKARAYA",),
    ),
    _LineSpec(
        "BL-KALTENG-PROV",
        "Pemulangan orang terlantar, PMI bermasalah dan korban TPPO",
        "Dinsos Prov. Kalimantan Tengah",
        None,
        None,
        80,
        _KALTENG,
    ),
    _LineSpec(
        "BL-BP3MI-KALTENG",
        "Pemulangan PMI bermasalah dan deportan",
        "BP3MI Kalimantan Tengah",
        _MIGRANTS,
        None,
        60,
        _KALTENG,
    ),
    _LineSpec(
        "BL-BANJARMASIN-TERLANTAR",
        "Pemulangan orang terlantar",
        "Dinsos Kota Banjarmasin",
        _TERLANTAR,
        None,
        50,
        ("SHL-BANJARMASIN",),
    ),
    _LineSpec(
        "BL-KALSEL-PROV",
        "Pemulangan orang terlantar dan korban TPPO",
        "Dinsos Prov. Kalimantan Selatan",
        None,
        None,
        80,
        ("SHL-BANJARMASIN",),
    ),
    _LineSpec(
        "BL-BP3MI-KALSEL",
        "Pemulangan PMI bermasalah dan deportan",
        "BP3MI Kalimantan Selatan",
        _MIGRANTS,
        None,
        60,
        ("SHL-BANJARMASIN",),
    ),
    _LineSpec(
        "BL-NUNUKAN-DEPORTAN",
        "Pemulangan deportan dan orang terlantar",
        "Dinsos Kab. Nunukan",
        frozenset({"deportee", "terlantar"}),
        None,
        50,
        ("SHL-NUNUKAN",),
    ),
    _LineSpec(
        "BL-KALTARA-PROV",
        "Penanganan deportan, PMI bermasalah dan korban TPPO",
        "Dinsos Prov. Kalimantan Utara",
        None,
        None,
        80,
        ("SHL-NUNUKAN",),
    ),
    _LineSpec(
        "BL-BP3MI-KALTARA",
        "Pemulangan PMI bermasalah dan deportan",
        "BP3MI Kalimantan Utara",
        _MIGRANTS,
        None,
        60,
        ("SHL-NUNUKAN",),
    ),
    _LineSpec(
        "BL-KEMENSOS-RPTC",
        "Pemulangan klien RPTC ke daerah asal",
        "Kementerian Sosial RI (RPTC Bambu Apus)",
        None,
        None,
        70,
        ("SHL-JAKARTA",),
    ),
    _LineSpec(
        "BL-BP3MI-DKI",
        "Pemulangan PMI bermasalah dan deportan",
        "BP3MI DKI Jakarta",
        _MIGRANTS,
        None,
        60,
        ("SHL-JAKARTA",),
    ),
    _LineSpec(
        "BL-KEMENSOS-TPPO",
        "Pemulangan korban TPPO ke daerah asal",
        "Kementerian Sosial RI",
        frozenset({"tppo"}),
        None,
        100,
        None,
    ),
)
_BP3MI_OF: Final[dict[str, str]] = {
    "SHL-PANGKALANBUN": "BL-BP3MI-KALTENG",
    "SHL-SAMPIT": "BL-BP3MI-KALTENG",
    "SHL-PALANGKARAYA": "BL-BP3MI-KALTENG",
    "SHL-BANJARMASIN": "BL-BP3MI-KALSEL",
    "SHL-NUNUKAN": "BL-BP3MI-KALTARA",
    "SHL-JAKARTA": "BL-BP3MI-DKI",
}


@dataclass(frozen=True, slots=True)
class _Company:
    """A company liable for returning its own stranded workers; it pays fares and meals only."""

    budget_line_id: str
    name: str
    shelter: str
    from_cases: int
    """The company appears from this instance size on."""


_COMPANIES: Final = (
    _Company("BL-PT-SML", "PT Sawit Makmur Lestari", "SHL-PANGKALANBUN", 1),
    _Company("BL-PT-AMS", "PT Agro Mentaya Sejahtera", "SHL-SAMPIT", 200),
    _Company("BL-PT-BBT", "PT Barito Bara Tambang", "SHL-BANJARMASIN", 2000),
)
# Share of a company shelter's single adult stranded workers who worked for the company.
_COMPANY_SHARE: Final = 0.45

# First two NIK digits: the province codes of Statistics Indonesia.
_PROVINCE_CODE: Final[dict[str, str]] = {
    "DKI Jakarta": "31",
    "Jawa Barat": "32",
    "Jawa Tengah": "33",
    "DI Yogyakarta": "34",
    "Jawa Timur": "35",
    "Banten": "36",
    "Nusa Tenggara Barat": "52",
    "Nusa Tenggara Timur": "53",
    "Kalimantan Selatan": "63",
    "Sulawesi Selatan": "73",
    "Sulawesi Tenggara": "74",
}

# -- names (made up from common given names; never real people) --------------------------------

_Names = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _NamePool:
    men: _Names
    women: _Names
    men_second: _Names
    women_second: _Names
    men_prefix: tuple[str, float] = ("", 0.0)
    women_prefix: tuple[str, float] = ("", 0.0)
    family: _Names = ()
    """Family names, used instead of second names (NTT)."""


def _names(text: str) -> _Names:
    return tuple(name.strip() for name in text.split(","))


_JAVANESE: Final = _NamePool(
    men=_names(
        "Agus, Bambang, Budi, Dwi, Eko, Joko, Heru, Slamet, Sugeng, Sutrisno, Suparman, Sukardi, "
        "Wahyu, Teguh, Yanto, Purwanto, Sunarto, Mulyadi, Imam, Arif, Rudi, Kasmanto, Sarwono, "
        "Ponidi, Suwarno, Triyono, Bagus, Fajar, Muhammad, Ahmad"
    ),
    women=_names(
        "Sri, Siti, Dwi, Tri, Yuli, Endang, Sumarni, Sumiati, Wulan, Dewi, Rina, Ani, Eka, Ratna, "
        "Puji, Ernawati, Murni, Tutik, Sulastri, Nur"
    ),
    men_second=_names(
        "Santoso, Prasetyo, Setiawan, Saputra, Nugroho, Hidayat, Susanto, Wibowo, Purnomo, Riyadi, "
        "Hartono, Kurniawan, Firmansyah, Utomo"
    ),
    women_second=_names(
        "Wahyuni, Lestari, Rahayu, Astuti, Handayani, Susanti, Rahmawati, Anggraini, Maryam, "
        "Aminah, Fitriani, Purwanti"
    ),
)
_SUNDANESE: Final = _NamePool(
    men=_names(
        "Asep, Dede, Ujang, Cecep, Dadang, Yayan, Deden, Iwan, Ade, Hendra, Wawan, Encep, Jajang, Dedi, Agus"
    ),
    women=_names("Euis, Iis, Neneng, Imas, Cucu, Entin, Yati, Nia, Lilis, Teti, Elis, Siti"),
    men_second=_names("Sunarya, Hidayat, Saepudin, Supriatna, Kurnia, Permana, Suryana, Mulyana"),
    women_second=_names("Nurhasanah, Rohayati, Kurniasih, Jubaedah, Marlina, Komalasari, Nurjanah"),
)
_SASAK: Final = _NamePool(
    men=_names(
        "Muhammad, Ahmad, Zainuddin, Hasanudin, Sahrul, Saepul, Abdul, Junaidi, Syamsul, Haerul, "
        "Sapri, Mahsun, Rusdi, Zulkifli, Khairul, Muhlis"
    ),
    women=_names("Nurhayati, Sri, Rina, Aminah, Hayati, Rohani, Zakiah, Rukmini, Nurul, Maesarah"),
    men_second=_names("Fauzi, Hadi, Gunawan, Wijaya, Rahman, Hamdani, Ramdhan, Pratama"),
    women_second=_names("Handayani, Apriani, Wahyuni, Herniwati, Safitri, Hidayati"),
    men_prefix=("Lalu", 0.2),
    women_prefix=("Baiq", 0.2),
)
_MBOJO: Final = _NamePool(
    men=_names("Muhammad, Abdul, Syamsul, Ridwan, Arifin, Jufri, Nasrullah, Ikhsan, Hamzah, Irfan"),
    women=_names("Nurhayati, Siti, Aisyah, Rosmiati, Jubaidah, Hadijah, Rostina, Nurhasanah"),
    men_second=_names("Muis, Ridwan, Junaidi, Hadi, Syarifuddin, Firmansyah"),
    women_second=_names("Aminah, Hasanah, Rahmah, Fitri"),
)
_NTT: Final = _NamePool(
    men=_names(
        "Yohanes, Fransiskus, Agustinus, Yosef, Petrus, Paulus, Markus, Stefanus, Yakobus, "
        "Dominikus, Aloysius, Kornelis, Melkianus, Yeremias, Simon, Antonius"
    ),
    women=_names(
        "Maria, Yuliana, Kristina, Marselina, Agustina, Margaretha, Veronika, Theresia, Yohana, "
        "Florentina, Adriana, Elisabeth, Katarina, Imelda, Martha"
    ),
    men_second=(),
    women_second=(),
    family=_names(
        "Nenobais, Tefa, Bria, Seran, Nahak, Klau, Bani, Tlonaen, Taek, Atok, Wolo, Ndona, Bate, "
        "Lewar, Parera, Making, Kelen, Jehadu, Ndapa, Kaka, Lede, Dangu"
    ),
)
_BUGIS: Final = _NamePool(
    men=_names(
        "Muhammad, Ahmad, Syamsuddin, Hasanuddin, Irwan, Basri, Ramli, Jumadi, Syahrir, Arman, "
        "Rahmat, Akbar, Hamzah, Sudirman, Ardiansyah, Rusli, Ilham"
    ),
    women=_names(
        "Hasnah, Nurhayati, Jumriani, Rahmawati, Hasmiati, Nurhaeda, Sitti, Haslinda, Murniati, "
        "Jusniati, Rosmini, Hartati"
    ),
    men_second=_names("Rahman, Hamid, Amir, Latif, Saleh, Arsyad, Syam"),
    women_second=_names("Nur, Amir, Rahim, Basri"),
    men_prefix=("Andi", 0.08),
    women_prefix=("Andi", 0.08),
)
_BUTON: Final = _NamePool(
    men=_names("Ode Ahmad, Ode Rusdin, Rudin, Sali, Mane, Ode Hamid, Ndibu, Sarudin, Hasimu, Ali"),
    women=_names("Ode Nurma, Ati, Sitti, Ode Hasni, Rina, Jumia, Nuru, Halima"),
    men_second=(),
    women_second=(),
    men_prefix=("La", 1.0),
    women_prefix=("Wa", 1.0),
)
_BANJAR: Final = _NamePool(
    men=_names(
        "Muhammad, Ahmad, Rahmadi, Abdul, Hairul, Saberi, Fahriannor, Rusdiansyah, Supiansyah, "
        "Norhadi, Syahrani"
    ),
    women=_names("Normah, Salmah, Aluh, Mariatul, Noorhayati, Rusmini, Hamidah, Jamilah, Rahmah"),
    men_second=_names("Noor, Rahman, Ansyari, Fauzan"),
    women_second=_names("Hayati, Jannah, Fitriah"),
)
_CHILD_BOYS: Final = ("Muhammad Rizky", "Aditya", "Fadil", "Alif", "Arkan", "Rafi", "Dimas", "Rizal", "Bima")
_CHILD_GIRLS: Final = ("Aulia", "Putri", "Nabila", "Zahra", "Keisha", "Salsabila", "Nayla", "Aisyah", "Alya")


def _name_pool(home: Place) -> _NamePool:
    if home.province == "Jawa Barat":
        return _SUNDANESE
    if home.province == "Nusa Tenggara Barat":
        return _MBOJO if home.place_id in _SUMBAWA else _SASAK
    if home.province == "Nusa Tenggara Timur":
        return _NTT
    if home.province == "Sulawesi Selatan":
        return _BUGIS
    if home.province == "Sulawesi Tenggara":
        return _BUTON if home.place_id in _BUTON_MUNA else _BUGIS
    if home.province == "Kalimantan Selatan":
        return _BANJAR
    return _JAVANESE


# -- helpers ----------------------------------------------------------------------------------


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle km; geodata.geometry has the same formula but imports pyproj and shapely."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _round_to(value: float, step: int) -> int:
    return max(step, round(value / step) * step)


def _ceil_to(value: float, step: int) -> int:
    return math.ceil(value / step) * step


def _weighted(rng: random.Random, items: Sequence[tuple[K, float]]) -> K:
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def _offset(province: str) -> timedelta:
    offset = timezones.utc_offset_for_province(province)
    if offset is None:
        raise ValueError(f"no time zone for province {province!r}")
    return offset


def _home_id(place: Place) -> str:
    return "REG-" + place.place_id.removeprefix("KAB-")


def _home_name(place: Place) -> str:
    if place.kind == "city":
        return place.name
    short = place.name.replace("Kabupaten ", "Kab. ", 1)
    return short if place.name.endswith(place.seat) else f"{short} ({place.seat})"


def _home_count(cases: int, pool: int) -> int:
    if cases <= _HOME_COUNTS[0][0]:
        wanted = min(_HOME_COUNTS[0][1], max(2, math.ceil(cases / 3)))
    else:
        wanted = _HOME_COUNTS[-1][1]
        for (n0, k0), (n1, k1) in itertools.pairwise(_HOME_COUNTS):
            if cases <= n1:
                share = math.log(cases / n0) / math.log(n1 / n0)
                wanted = round(k0 + share * (k1 - k0))
                break
        else:
            n0, k0 = _HOME_COUNTS[-1]
            wanted = round(k0 * (cases / n0) ** 0.2)
    return min(wanted, pool)


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), exactly."""
    mass = sum(weights)
    raw = [total * w / mass for w in weights]
    counts = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _sample_without_replacement(rng: random.Random, items: Sequence[tuple[str, float]], k: int) -> list[str]:
    """Weighted sampling without replacement (Efraimidis-Spirakis keys)."""
    keyed = sorted(((rng.random() ** (1.0 / w), key) for key, w in items), reverse=True)
    return [key for _, key in keyed[:k]]


# -- the network: homes, links, routes ---------------------------------------------------------


def _island(place: Place) -> str:
    pid, province = place.place_id, place.province
    if province == "Nusa Tenggara Barat":
        return "sumbawa" if pid in _SUMBAWA else "lombok"
    if province == "Nusa Tenggara Timur":
        if pid in _SUMBA:
            return "sumba"
        return "timor" if pid in _TIMOR else "flores"
    if province == "Sulawesi Selatan":
        return "sulsel"
    if province == "Sulawesi Tenggara":
        return "buton" if pid in _BUTON_MUNA else "sultra"
    if province == "Kalimantan Selatan":
        return "kalsel"
    return "java"


def _home_pool() -> dict[str, list[Place]]:
    """Candidate homes by region, in gazetteer order."""
    by_province = {province: region for region, province in _REGIONS.items()}
    pool: dict[str, list[Place]] = {region: [] for region in _REGIONS}
    for place in gazetteer.all_places():
        region = by_province.get(place.province)
        if region is None or place.place_id in _ISLANDS_WITHOUT_HUB or place.place_id in _UNSERVED_HOMES:
            continue
        pool[region].append(place)
    return pool


def _place_weight(place: Place) -> float:
    return _SENDING_WEIGHT.get(place.place_id, 0.5 if place.kind == "city" else 1.0)


@dataclass(frozen=True, slots=True)
class _Edge:
    """One way to go from a place to the next, for the planning estimates below."""

    to_id: str
    fare: int
    vehicle_cost: int
    capacity: int
    minutes: int
    route: tuple[str, str, str] | None  # (from, to, mode) of a scheduled route; None for a link
    per_week: int = 0

    @property
    def cost(self) -> float:
        """Per person, a hired car shared by a party of three (the estimate's typical party)."""
        return self.fare + self.vehicle_cost / min(3, self.capacity)


class _World:
    """Locations, links and routes of one instance, with the estimates that size the rest."""

    def __init__(self, homes: list[Place], offices: Sequence[_Site] = ()) -> None:
        self.sites: dict[str, _Site] = {s.location_id: s for s in (*_SHELTERS, *_HUBS, *offices)}
        self.homes = homes
        self.locations: dict[str, Location] = {}
        for site in (*_SHELTERS, *_HUBS, *offices):
            self.locations[site.location_id] = Location(
                site.location_id,
                site.name,
                site.kind,
                site.lat,
                site.lon,
                site.province,
                _offset(site.province),
            )
        for place in homes:
            self.locations[_home_id(place)] = Location(
                _home_id(place),
                _home_name(place),
                "city",
                place.lat,
                place.lon,
                place.province,
                _offset(place.province),
            )
        self.links: dict[str, Link] = {}
        self.edges: dict[str, list[_Edge]] = {loc_id: [] for loc_id in self.locations}

    def keep_only(self, keep: set[str]) -> None:
        self.locations = {i: loc for i, loc in self.locations.items() if i in keep}
        self.links = {i: k for i, k in self.links.items() if k.from_id in keep and k.to_id in keep}

    def _coords(self, loc_id: str) -> tuple[float, float]:
        loc = self.locations[loc_id]
        return loc.lat, loc.lon

    def road_km(self, a: str, b: str) -> float:
        return _km(*self._coords(a), *self._coords(b)) * _ROAD_KM_FACTOR

    def add_road(self, rng: random.Random, a: str, b: str, *, bus: bool, extra_min: int = 0) -> None:
        """A hired car both ways, and a minibus or bus where one runs; prices from distance."""
        km = self.road_km(a, b)
        minutes = max(15, _round_to(km / _ROAD_KMH * 60 + extra_min, 5))
        capacity = rng.choice((6, 6, 6, 7, 7, 10, 12))
        per_km = 4_500 if capacity <= 7 else 6_500
        vehicle = _round_to(150_000 + per_km * km + extra_min * 1_500, 50_000)
        for x, y in ((a, b), (b, a)):
            self._add_link(Link(x, y, "car", minutes, 0, vehicle, capacity))
        if bus and km > 30:
            fare = _round_to(10_000 + 320 * km + extra_min * 300, 5_000)
            bus_minutes = _round_to(minutes * 1.15 + 15, 5)
            for x, y in ((a, b), (b, a)):
                self._add_link(Link(x, y, "bus", bus_minutes, fare))

    def _add_link(self, link: Link) -> None:
        if link.link_id in self.links:
            return
        self.links[link.link_id] = link
        self.edges[link.from_id].append(
            _Edge(
                link.to_id,
                link.fare_idr,
                link.vehicle_cost_idr,
                link.vehicle_capacity or 1,
                link.duration_min,
                None,
            )
        )

    def add_route(self, route: _Route) -> None:
        wait = _MIN_CONNECTION.get(route.mode, 0)
        for x, y in ((route.a, route.b), (route.b, route.a)):
            minutes = int(route.hours * 60) + wait
            self.edges[x].append(_Edge(y, route.fare_idr, 0, 1, minutes, (x, y, route.mode), route.per_week))

    def paths_from(self, source: str, by: str) -> dict[str, tuple[float, int, list[_Edge]]]:
        """Cheapest (``by='cost'``) or fastest (``by='time'``) way to every place: cost, minutes, edges."""
        best: dict[str, tuple[float, int, list[_Edge]]] = {source: (0.0, 0, [])}
        heap: list[tuple[float, int, str]] = [(0.0, 0, source)]
        counter = 0
        done: set[str] = set()
        while heap:
            _, _, node = heapq.heappop(heap)
            if node in done:
                continue
            done.add(node)
            cost, minutes, path = best[node]
            for edge in self.edges[node]:
                if edge.to_id.startswith("SHL-") and edge.to_id != source:
                    continue  # nobody travels through another shelter
                candidate = (cost + edge.cost, minutes + edge.minutes, [*path, edge])
                key = candidate[0] if by == "cost" else candidate[1]
                old = best.get(edge.to_id)
                if old is None or key < (old[0] if by == "cost" else old[1]):
                    best[edge.to_id] = candidate
                    counter += 1
                    heapq.heappush(heap, (key, counter, edge.to_id))
        return best


_Path = tuple[float, int, list[_Edge]]


def _estimate(
    world: _World, drafts: list[_CaseDraft], escorted: list[bool]
) -> tuple[dict[tuple[str, str, str], float], set[str], list[tuple[float, float]]]:
    """What the cheapest and the fastest ways home imply: travellers per route (to size seats),
    the places on the way (to size the network) and per case its own cost and its share of an
    escort's (to size the ceilings).

    Cases of one shelter going to one home travel in about two waves a fortnight, so a party
    holds half of them (up to a car load) and an escort takes half of the escorted ones (up to
    four); the escort comes back alone, by ship or plane, whichever costs less with the days
    of allowance it takes.
    """
    paths: dict[tuple[str, str], dict[str, _Path]] = {
        (s.location_id, by): world.paths_from(s.location_id, by) for s in _SHELTERS for by in ("cost", "time")
    }
    per_pair: dict[tuple[str, str], int] = {}
    escorted_per_pair: dict[tuple[str, str], int] = {}
    for draft, needs_escort in zip(drafts, escorted, strict=True):
        pair = (draft.shelter, _home_id(draft.home))
        per_pair[pair] = per_pair.get(pair, 0) + 1
        escorted_per_pair[pair] = escorted_per_pair.get(pair, 0) + needs_escort
    demand: dict[tuple[str, str, str], float] = {}
    on_way: set[str] = set()
    estimates: list[tuple[float, float]] = []
    for draft, needs_escort in zip(drafts, escorted, strict=True):
        pair = (draft.shelter, _home_id(draft.home))
        cheapest = paths[(draft.shelter, "cost")].get(pair[1])
        if cheapest is None:
            if draft.home.place_id not in _UNSERVED_HOMES:
                raise AssertionError(f"{pair[1]} cannot be reached from {draft.shelter}")
            estimates.append((0.0, 0.0))
            continue
        party = min(6.0, max(1.0, per_pair[pair] / 2))
        per_escort = min(4.0, max(1.0, escorted_per_pair[pair] / 2))
        escorts = 1 / per_escort if needs_escort else 0.0
        fastest = paths[(draft.shelter, "time")][pair[1]]
        for weight, (_, _, edges) in ((0.8, cheapest), (0.2, fastest)):
            for edge in edges:
                on_way.add(edge.to_id)
                if edge.route is not None:
                    back = (edge.route[1], edge.route[0], edge.route[2])
                    demand[edge.route] = demand.get(edge.route, 0.0) + weight * (1 + escorts)
                    demand[back] = demand.get(back, 0.0) + weight * escorts
        money, days = _journey(cheapest[2], party)
        own = money + days * _MEAL_IDR
        escort = 0.0
        if needs_escort:
            # Back alone, by the cheaper of waiting for the ship or flying; every link and route
            # runs both ways at the same price, so the way back mirrors a way there.
            home_again = []
            for path in (cheapest, fastest):
                back_money, back_days = _journey(path[2], 1)
                duty_days = days + back_days + _wait_to_return(path[2])
                home_again.append(back_money + duty_days * (_MEAL_IDR + _ALLOWANCE_GUESS_IDR))
            escort = (money + min(home_again)) / per_escort
        estimates.append((own, escort))
    return demand, on_way, estimates


def _journey(edges: list[_Edge], party: float) -> tuple[float, int]:
    """Fares and shared vehicles per traveller, and calendar days on the road, leaving about
    noon and waiting at each transfer for the next departure (half the interval, two days at
    most: nobody is left longer at a port)."""
    fares = sum(e.fare for e in edges)
    shared = sum(e.vehicle_cost * math.ceil(party / e.capacity) / party for e in edges)
    services = [e for e in edges if e.route is not None]
    waits = sum(min(2 * 24 * 60, 7 * 24 * 60 // (2 * e.per_week)) for e in services[1:])
    minutes = sum(e.minutes for e in edges) + waits
    return fares + shared, 1 + (12 * 60 + minutes) // (24 * 60)


def _wait_to_return(edges: list[_Edge]) -> int:
    """Days an escort waits at the far end for the first departure back: half the interval of
    the last service on the way there, which runs both ways."""
    services = [e for e in edges if e.route is not None]
    return 7 // (2 * services[-1].per_week) if services else 0


def _home_hubs(world: _World, place: Place) -> list[tuple[str, bool, int]]:
    """The hubs that serve a home: (hub, whether a bus runs, extra minutes for a crossing).

    The nearest terminal always (the bus goes there), the nearest port and the nearest airport
    when within a day's drive; at least the nearest hub of the home's island.
    """
    home_id = _home_id(place)
    island = _island(place)
    hubs = sorted(_HUB_GROUPS[island], key=lambda h: (world.road_km(home_id, h), h))
    chosen: list[tuple[str, bool, int]] = []
    for kind in ("terminal", "port", "airport"):
        of_kind = [h for h in hubs if world.sites[h].kind == kind]
        if not of_kind:
            continue
        hub = of_kind[0]
        if kind != "terminal" and world.road_km(home_id, hub) > 320 and chosen:
            continue
        # Sumbawa to Mataram crosses Alas strait; everything else is by road.
        crossing = 120 if island == "sumbawa" and hub == "TRM-MATARAM" else 0
        chosen.append((hub, kind == "terminal" or world.road_km(home_id, hub) > 60, crossing))
    if not chosen:
        chosen.append((hubs[0], True, 0))
    return chosen


def _build_roads(
    world: _World,
    rng: random.Random,
    mixes: dict[str, _ShelterMix],
    offices: Sequence[tuple[str, tuple[str, ...]]] = (),
) -> None:
    """Roads from the shelters of ``mixes``, within each city, to the homes and from the
    escorts' ``offices`` (id, hubs) to their hubs."""
    for shelter in _SHELTERS:
        mix = mixes.get(shelter.location_id)
        if mix is None:
            continue
        for hub in mix.hubs:
            world.add_road(rng, shelter.location_id, hub, bus=hub in mix.bus_hubs)
    for group in _METRO_GROUPS:
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                world.add_road(rng, a, b, bus=False)
    for place in world.homes:
        if place.place_id in _UNSERVED_HOMES:
            continue
        for hub, bus, crossing in _home_hubs(world, place):
            world.add_road(rng, hub, _home_id(place), bus=bus, extra_min=crossing)
    for office, hubs in offices:
        for hub in hubs:
            world.add_road(rng, office, hub, bus=False)


# -- cases ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Person:
    sex: Sex
    age: int
    name: str


def _person_name(
    rng: random.Random, pool: _NamePool, sex: Sex, *, child: bool = False, family: str | None = None
) -> str:
    """A plausible name; children get today's names, and in NTT a family shares its name."""
    if child:
        given = rng.choice(_CHILD_BOYS if sex == "M" else _CHILD_GIRLS)
    else:
        given = rng.choice(pool.men if sex == "M" else pool.women)
    prefix, chance = pool.men_prefix if sex == "M" else pool.women_prefix
    parts = [prefix] if prefix and rng.random() < chance else []
    parts.append(given)
    if pool.family:
        parts.append(family or rng.choice(pool.family))
    else:
        second = pool.men_second if sex == "M" else pool.women_second
        if second and rng.random() < 0.55:
            extra = rng.choice(second)
            if extra not in given:
                parts.append(extra)
    return " ".join(parts)


class _NikMaker:
    """NIKs: real province code, a regency code from the gazetteer's order (cities from 71),
    a district, the birth date (day + 40 for women) and a serial."""

    def __init__(self) -> None:
        self.regency_code: dict[str, str] = {}
        counters: dict[tuple[str, str], int] = {}
        for place in gazetteer.all_places():
            key = (place.province, place.kind)
            counters[key] = counters.get(key, 0) + 1
            number = counters[key] + (70 if place.kind == "city" else 0)
            self.regency_code[place.place_id] = f"{number:02d}"

    def make(self, rng: random.Random, place: Place, sex: Sex, born: date) -> str:
        province = _PROVINCE_CODE.get(place.province, "99")
        day = born.day + (40 if sex == "F" else 0)
        district = rng.randint(1, 24)
        serial = rng.randint(1, 2999)
        regency = self.regency_code.get(place.place_id, "01")
        return f"{province}{regency}{district:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


@dataclass(frozen=True, slots=True)
class _CaseDraft:
    """What ``_cases`` decides before ids are given out."""

    household: int | None
    person: _Person
    category: Category
    shelter: str
    home: Place
    ready: date
    registered: date
    needs: frozenset[Need]
    escort: EscortChoice
    priority: int | None
    company: str | None
    bp3mi_only: bool
    national_id: str


def _ready_day(rng: random.Random, start: date, horizon: int) -> date:
    """Most cases get ready in the first days; a few before the window, a few after it."""
    draw = rng.random()
    if draw < 0.07:
        return start - timedelta(days=rng.randint(1, 3))
    if draw < 0.11:
        return start + timedelta(days=horizon + rng.randint(0, 3))
    spread = max(1, int(horizon * 0.65))
    return start + timedelta(days=int(rng.random() ** 1.4 * spread))


def _adult(rng: random.Random, category: Category, shelter: str, tppo_women: float = 0.75) -> tuple[Sex, int]:
    if category == "terlantar":
        return ("M" if rng.random() < 0.88 else "F"), rng.randint(19, 56)
    if category == "pmi":
        women = 0.85 if shelter == "SHL-JAKARTA" else 0.65
        return ("F" if rng.random() < women else "M"), rng.randint(21, 46)
    if category == "tppo":
        sex: Sex = "F" if rng.random() < tppo_women else "M"
        return sex, (rng.randint(14, 17) if rng.random() < 0.15 else rng.randint(18, 36))
    return ("M" if rng.random() < 0.65 else "F"), rng.randint(19, 50)


def _needs(
    rng: random.Random, category: Category, sex: Sex, age: int, female_escort: float = 0.85
) -> tuple[frozenset[Need], EscortChoice]:
    needs: list[Need] = []
    escort: EscortChoice = "auto"
    medical, psychosocial = {
        "tppo": (0.10, 0.45),
        "pmi": (0.12, 0.30),
        "deportee": (0.05, 0.04),
        "terlantar": (0.03, 0.01),
    }[category]
    if age >= 60:
        medical *= 3
    if rng.random() < medical:
        needs.append("medical")
        if rng.random() < 0.12:
            needs.append("wheelchair")
    if rng.random() < psychosocial:
        needs.append("psychosocial")
    if category == "tppo" and sex == "F" and rng.random() < female_escort:
        needs.append("female_escort")
    if category == "tppo" and sex == "M" and age >= 18 and not needs and rng.random() < 0.3:
        escort = "no"  # an adult man who declined an escort, as officers may decide
    if age >= 60 and not needs and rng.random() < 0.4:
        escort = "yes"
    return frozenset(needs), escort


def _born(rng: random.Random, start: date, age: int) -> date:
    return start - timedelta(days=age * 365 + rng.randint(30, 330))


class _CaseMaker:
    def __init__(
        self,
        rng: random.Random,
        start: date,
        horizon: int,
        tppo_women: float = 0.75,
        female_escort: float = 0.85,
    ) -> None:
        self.rng = rng
        self.start = start
        self.horizon = horizon
        self.tppo_women = tppo_women
        self.female_escort = female_escort
        self.nik = _NikMaker()
        self.households = 0

    def person(self, home: Place, sex: Sex, age: int, family: str | None = None) -> tuple[_Person, str]:
        name = _person_name(self.rng, _name_pool(home), sex, child=age < 13, family=family)
        nik = self.nik.make(self.rng, home, sex, _born(self.rng, self.start, age))
        return _Person(sex, age, name), nik

    def single(
        self,
        category: Category,
        shelter: str,
        home: Place,
        ready: date,
        company: str | None = None,
    ) -> _CaseDraft:
        rng = self.rng
        sex, age = _adult(rng, category, shelter, self.tppo_women)
        if category in ("terlantar", "deportee") and rng.random() < 0.025:
            age = rng.randint(60, 70)
        person, nik = self.person(home, sex, age)
        needs, escort = _needs(rng, category, sex, age, self.female_escort)
        if company is not None and (needs or escort == "yes" or age < 18):
            company = None  # the company line pays no escort, so its workers travel alone
        lead = (3, 30) if category == "tppo" else (2, 18)
        registered = ready - timedelta(days=rng.randint(*lead))
        priority = rng.randint(2, 5) if rng.random() < 0.015 else None
        bp3mi_only = category in ("pmi", "deportee") and rng.random() < 0.3
        return _CaseDraft(
            household=None,
            person=person,
            category=category,
            shelter=shelter,
            home=home,
            ready=ready,
            registered=registered,
            needs=needs,
            escort=escort,
            priority=priority,
            company=company,
            bp3mi_only=bp3mi_only,
            national_id=nik,
        )

    def household(
        self, category: Category, shelter: str, home: Place, ready: date, size: int
    ) -> list[_CaseDraft]:
        """A family: a couple (or a mother) with children, travelling together."""
        rng = self.rng
        self.households += 1
        number = self.households
        father_age = rng.randint(26, 52)
        members: list[tuple[Sex, int]] = []
        if category == "deportee" and rng.random() < 0.4:
            members.append(("F", rng.randint(23, 42)))
        else:
            members.append(("M", father_age))
            members.append(("F", max(19, father_age - rng.randint(0, 8))))
        eldest = min(members[-1][1] - 18, 17)
        while len(members) < size:
            age = rng.randint(0, max(0, eldest))
            members.append(("M" if rng.random() < 0.5 else "F", age))
        registered = ready - timedelta(days=rng.randint(2, 15))
        pool = _name_pool(home)
        family = rng.choice(pool.family) if pool.family else None
        drafts = []
        for sex, age in members[:size]:
            person, nik = self.person(home, sex, age, family)
            needs: frozenset[Need] = frozenset({"medical"}) if rng.random() < 0.03 else frozenset()
            drafts.append(
                _CaseDraft(
                    household=number,
                    person=person,
                    category=category,
                    shelter=shelter,
                    home=home,
                    ready=ready,
                    registered=registered,
                    needs=needs,
                    escort="auto",
                    priority=None,
                    company=None,
                    bp3mi_only=False,
                    national_id=nik,
                )
            )
        return drafts


def _cases(
    rng: random.Random,
    total: int,
    start: date,
    horizon: int,
    homes_by_region: dict[str, list[Place]],
    unserved: list[Place],
    companies: list[_Company],
    mixes: dict[str, _ShelterMix],
    structure: Structure | None = None,
) -> list[_CaseDraft]:
    """Cases for the shelters of ``mixes``.  A structure may make women victims ask for a woman
    escort more often, and with its ``surge_days`` most deportees in Nunukan get ready in the
    window's first days instead of in batches every three or four days."""
    if structure is None:
        maker = _CaseMaker(rng, start, horizon)
        surge_days = None
    else:
        maker = _CaseMaker(rng, start, horizon, structure.tppo_women, structure.female_escort)
        surge_days = structure.surge_days
    shelters = [s.location_id for s in _SHELTERS if s.location_id in mixes]
    counts = _allocate(total, [mixes[s].share for s in shelters])
    no_route = max(1, round(total * _NO_ROUTE_SHARE)) if total >= 20 else 0
    company_of = {c.shelter: c.budget_line_id for c in companies}
    drafts: list[_CaseDraft] = []
    for shelter, count in zip(shelters, counts, strict=True):
        mix = mixes[shelter]
        regions = [(r, w) for r, w in mix.regions if homes_by_region.get(r)]
        if not regions:
            regions = [(r, 1.0) for r, places in homes_by_region.items() if places]
        # Deportees from Sabah arrive in batches and are assessed together (the Nunukan news).
        if surge_days is None:
            batches = [start + timedelta(days=d) for d in range(-1, horizon, rng.randint(3, 4))]
        else:
            batches = [start + timedelta(days=d) for d in range(-1, surge_days - 1)]
        company_days = [start - timedelta(days=1), start + timedelta(days=rng.randint(1, 4))]
        made: list[_CaseDraft] = []
        reserved = no_route if shelter == "SHL-NUNUKAN" else 0
        while len(made) < count - reserved:
            category = _weighted(rng, mix.categories)
            region = _weighted(rng, regions)
            places = homes_by_region[region]
            home = rng.choices(places, weights=[_place_weight(p) for p in places])[0]
            if category == "deportee" and shelter == "SHL-NUNUKAN" and rng.random() < 0.8:
                ready = rng.choice(batches) + timedelta(days=rng.randint(0, 1))
            else:
                ready = _ready_day(rng, start, horizon)
            left = count - reserved - len(made)
            if category in ("terlantar", "deportee") and left >= 2 and rng.random() < 0.06:
                size = min(left, rng.choices((2, 3, 4, 5), weights=(45, 30, 17, 8))[0])
                made.extend(maker.household(category, shelter, home, ready, size))
                continue
            company = None
            if category == "terlantar" and shelter in company_of and rng.random() < _COMPANY_SHARE:
                company = company_of[shelter]
                ready = rng.choice(company_days)
            made.append(maker.single(category, shelter, home, ready, company))
        for index in range(reserved):
            home = unserved[index % len(unserved)]
            draft = maker.single("deportee", shelter, home, _ready_day(rng, start, horizon))
            made.insert(rng.randint(0, len(made)), draft)
        drafts.extend(made)
    return drafts


# -- timetable -----------------------------------------------------------------------------------


def _seat_class(route: _Route) -> str:
    return "speedboat" if route.mode == "ferry" and route.hours < 6 else route.mode


def _weekdays(rng: random.Random, per_week: int) -> list[int]:
    first = rng.randrange(7)
    return sorted({(first + round(i * 7 / per_week)) % 7 for i in range(per_week)})


def _services(
    rng: random.Random,
    world: _World,
    routes: list[_Route],
    demand: dict[tuple[str, str, str], float],
    cases: int,
    start: date,
    horizon: int,
) -> list[Service]:
    growth = (cases / 50) ** 0.3
    days = max(7, horizon + _TIMETABLE_TAIL_DAYS)  # every weekly route sails at least once
    services: list[Service] = []
    used: set[str] = set()
    for route in routes:
        seat_class = _seat_class(route)
        base_seats, least, most = _SEATS[seat_class]
        # Flights and buses add departures as the instance grows; ships only when full; a
        # structure's own routes keep their timetable.
        per_week = route.per_week
        if route.mode != "ferry" and not route.fixed:
            per_week = min(_MAX_PER_WEEK[seat_class], math.ceil(per_week * min(3.0, max(0.5, growth / 2))))
        for x, y in ((route.a, route.b), (route.b, route.a)):
            wanted = 1.1 * demand.get((x, y, route.mode), 0.0)
            week_runs = per_week
            while (
                not route.fixed
                and week_runs < _MAX_PER_WEEK[seat_class]
                and wanted / (week_runs * horizon / 7) > most
            ):
                week_runs = min(_MAX_PER_WEEK[seat_class], week_runs + max(1, week_runs // 2))
            seats = int(min(most, max(least, base_seats * growth, wanted / (week_runs * horizon / 7))))
            origin, destination = world.locations[x], world.locations[y]
            if week_runs <= 7:
                slots = [(d, rng.choice(_DEPART_HOURS[seat_class])) for d in _weekdays(rng, week_runs)]
                per_day = 1
            else:
                per_day = math.ceil(week_runs / 7)
                hours = sorted(rng.sample(_DEPART_HOURS[seat_class], per_day))
                slots = [(d, h) for d in range(7) for h in hours]
            minute = rng.choice((0, 0, 15, 30, 45)) if route.mode == "flight" else rng.choice((0, 0, 30))
            length = timedelta(minutes=round(route.hours * 60 * rng.uniform(0.95, 1.08) / 5) * 5)
            src = world.sites[x].code
            dst = world.sites[y].code
            prefix = {"ferry": "S", "flight": "F", "bus": "B"}[route.mode]
            for day in range(days):
                when = start + timedelta(days=day)
                for weekday, hour in slots:
                    if (when - start).days % 7 != weekday:
                        continue
                    depart = datetime.combine(when, time(hour, minute), tzinfo=timezone(origin.utc_offset))
                    arrive = (depart + length).astimezone(timezone(destination.utc_offset))
                    service_id = f"{prefix}-{src}-{dst}-{when:%m%d}"
                    if per_day > 1:
                        service_id += f"-{hour:02d}"
                    while service_id in used:
                        service_id += "b"
                    used.add(service_id)
                    fare = route.fare_idr
                    if route.mode == "flight" and when.weekday() >= 4:
                        fare = _round_to(fare * 1.1, 5_000)  # the weekend surcharge
                    berths = max(least, min(most, round(seats * rng.uniform(0.8, 1.2))))
                    if route.mode == "ferry" and rng.random() < 0.06:
                        berths = rng.randint(2, 6)  # an overloaded ship: a few berths left
                    operator = route.operators[(day + hour) % len(route.operators)]
                    services.append(
                        Service(service_id, route.mode, x, y, depart, arrive, berths, fare, operator)
                    )
    services.sort(key=lambda s: (s.depart, s.service_id))
    return services


# -- escorts -------------------------------------------------------------------------------------

_PEKSOS_TITLES: Final = ("S.Tr.Sos", "S.Sos", "S.Psi")
_NURSE_TITLES: Final = ("S.Kep", "A.Md.Kep", "S.Kep, Ns")
# Escorts' names by where they are based.
_STAFF_NAMES: Final[dict[str, _NamePool]] = {
    "SHL-PANGKALANBUN": _JAVANESE,
    "SHL-SAMPIT": _BANJAR,
    "SHL-PALANGKARAYA": _JAVANESE,
    "SHL-BANJARMASIN": _BANJAR,
    "SHL-NUNUKAN": _BUGIS,
    "SHL-JAKARTA": _SUNDANESE,
    "OFC-BP3MI-SULSEL": _BUGIS,
    "OFC-BP3MI-JATIM": _JAVANESE,
}


def _escorts(
    rng: random.Random,
    drafts: list[_CaseDraft],
    escorted: list[bool],
    ratio: float,
    start: date,
    horizon: int,
) -> list[Escort]:
    escorts: list[Escort] = []
    if ratio <= 0:
        return escorts
    end = start + timedelta(days=horizon)
    for shelter in (s.location_id for s in _SHELTERS):
        here = [d for d, needs in zip(drafts, escorted, strict=True) if needs and d.shelter == shelter]
        if not here:
            continue
        count = max(1, round(len(here) * ratio / _CASES_PER_ESCORT))
        women_needed = any("female_escort" in d.needs for d in here)
        medical_needed = any("medical" in d.needs for d in here)
        psycho_needed = any("psychosocial" in d.needs for d in here)
        female_medical = any("medical" in d.needs and "female_escort" in d.needs for d in here)
        roles: list[tuple[str, Sex]] = []
        if women_needed or psycho_needed:
            roles.append(("peksos", "F" if women_needed or rng.random() < 0.6 else "M"))
        if medical_needed:
            roles.append(("perawat", "F" if female_medical or rng.random() < 0.7 else "M"))
        if ratio >= 1.0:
            count = max(count, len(roles))
        female_share = sum(1 for d in here if "female_escort" in d.needs) / len(here)
        while len(roles) < count:
            draw = rng.random()
            if draw < 0.4:
                role = "peksos"
            elif draw < 0.55:
                role = "perawat"
            else:
                role = "staf"
            women = max(0.4, min(0.8, female_share + 0.15))
            roles.append((role, "F" if rng.random() < women else "M"))
        for role, sex in roles[:count]:
            staff = (_STAFF_NAMES[shelter], _MIX[shelter].staff)
            escorts.append(_escort(rng, role, sex, shelter, staff, start, end))
    return _numbered(escorts)


def _escort(
    rng: random.Random,
    role: str,
    sex: Sex,
    base_id: str,
    staff: tuple[_NamePool, str],
    start: date,
    end: date,
) -> Escort:
    """One escort of ``role`` (peksos, perawat or staf) based at ``base_id``; ``staff`` is the
    office's name pool and how its staff name it.  Most are free the whole window; some are
    busy the first week, some on leave from the second."""
    pool, office = staff
    name = _person_name(rng, pool, sex)
    skills: frozenset[Skill] = frozenset()
    if role == "peksos":
        name += f", {rng.choice(_PEKSOS_TITLES)} (peksos)"
        skills = frozenset({"psychosocial"})
    elif role == "perawat":
        name += f", {rng.choice(_NURSE_TITLES)} (perawat)"
        skills = frozenset({"medical"})
    else:
        name += f" ({rng.choice(('staf', 'pendamping'))} {office})"
    draw = rng.random()
    if draw < 0.2:  # busy the first week (a court hearing, another return)
        available_from = start + timedelta(days=rng.randint(3, 8))
        available_to = end + timedelta(days=rng.randint(2, 6))
    elif draw < 0.35:  # on leave or training from the second week
        available_from = start - timedelta(days=rng.randint(0, 2))
        available_to = start + timedelta(days=rng.randint(6, 10))
    else:
        available_from = start - timedelta(days=rng.randint(0, 2))
        available_to = end + timedelta(days=rng.randint(1, 6))
    return Escort(
        escort_id="",
        sex=sex,
        base_id=base_id,
        available_from=available_from,
        available_to=available_to,
        daily_allowance_idr=_round_to(rng.uniform(350_000, 500_000), 10_000),
        skills=skills,
        max_cases=rng.choice((3, 4, 4, 5, 5)),
        name=name,
    )


def _numbered(escorts: list[Escort]) -> list[Escort]:
    width = max(2, len(str(len(escorts))))
    return [replace(e, escort_id=f"E-{i:0{width}d}") for i, e in enumerate(escorts, start=1)]


def _structure_escorts(
    rng: random.Random,
    drafts: list[_CaseDraft],
    escorted: list[bool],
    structure: Structure,
    ratio: float,
    start: date,
    horizon: int,
) -> list[Escort]:
    """A structure's escorts: one per ``cases_per_escort`` cases at ``ratio`` 1.0, spread over
    its bases, a fixed share of them women (the first ones at each base).  The shelter's first
    escorts take the roles its cases need: a peksos if any needs a woman escort or psychosocial
    care, a nurse if any is medical."""
    needing = [d for d, needs in zip(drafts, escorted, strict=True) if needs]
    if ratio <= 0 or not needing:
        return []
    count = max(1, round(len(drafts) * ratio / structure.cases_per_escort))
    women_needed = any("female_escort" in d.needs for d in needing)
    women = round(count * structure.women_escorts)
    if women_needed:
        women = max(1, women)
    if count >= 2:
        women = min(women, count - 1)
    bases = [base for base, _ in structure.escort_bases]
    per_base = _allocate(count, [share for _, share in structure.escort_bases])
    women_per_base = _allocate(women, per_base)
    first_roles: list[str] = []
    if women_needed or any("psychosocial" in d.needs for d in needing):
        first_roles.append("peksos")
    if any("medical" in d.needs for d in needing):
        first_roles.append("perawat")
    end = start + timedelta(days=horizon)
    escorts: list[Escort] = []
    for base, here, women_here in zip(bases, per_base, women_per_base, strict=True):
        staff = _MIX[base].staff if base in _MIX else OFFICES[base].staff
        for k in range(here):
            sex: Sex = "F" if k < women_here else "M"
            if base == structure.shelter and k < len(first_roles):
                role = first_roles[k]
            else:
                draw = rng.random()
                role = "peksos" if draw < 0.4 else "perawat" if draw < 0.55 else "staf"
            escorts.append(_escort(rng, role, sex, base, (_STAFF_NAMES[base], staff), start, end))
    return _numbered(escorts)


def _needs_escort(draft: _CaseDraft) -> bool:
    """Asked of a throwaway Case, so that the rule stays where the scenario module keeps it."""
    probe = Case(
        "probe",
        draft.person.sex,
        draft.person.age,
        draft.category,
        draft.shelter,
        draft.home.place_id,
        draft.ready,
        needs=draft.needs,
        escort=draft.escort,
    )
    return probe.needs_escort


# -- budget ----------------------------------------------------------------------------------------


def _funding(draft: _CaseDraft, lines: list[_LineSpec]) -> frozenset[str]:
    if draft.company is not None:
        return frozenset({draft.company})
    if draft.bp3mi_only:
        return frozenset({_BP3MI_OF[draft.shelter]})
    return frozenset(
        line.budget_line_id
        for line in lines
        if (line.shelters is None or draft.shelter in line.shelters)
        and (line.categories is None or draft.category in line.categories)
    )


def _ceilings(
    drafts: list[_CaseDraft],
    funding: list[frozenset[str]],
    estimates: list[tuple[float, float]],
    lines: list[BudgetLine],
    ratio: float,
) -> list[BudgetLine]:
    """Spread each case's estimated cost over the lines that may pay it, the preferred line
    taking most, and set each ceiling to a round share of what it would pay."""
    by_id = {line.budget_line_id: line for line in lines}
    owed = {line.budget_line_id: 0.0 for line in lines}
    for allowed, (own, escort) in zip(funding, estimates, strict=True):
        parts: tuple[tuple[float, CostType], ...] = ((own, "fare"), (escort, "escort"))
        for amount, cost_type in parts:
            if amount <= 0:
                continue
            payers = sorted(
                (by_id[i] for i in allowed if by_id[i].pays(cost_type)),
                key=lambda line: (line.preference, line.budget_line_id),
            )
            if not payers:
                continue
            if len(payers) == 1:
                owed[payers[0].budget_line_id] += amount
                continue
            owed[payers[0].budget_line_id] += 0.7 * amount
            for line in payers[1:]:
                owed[line.budget_line_id] += 0.3 * amount / (len(payers) - 1)
    result = []
    for line in lines:
        if line.cost_types is not None:  # a company: ships for all its workers, not flights
            ceiling = _ceil_to(ratio * 1.1 * owed[line.budget_line_id], 1_000_000)
        elif owed[line.budget_line_id] > 0:
            ceiling = _ceil_to(ratio * _FUNDED_SHARE * owed[line.budget_line_id], 500_000)
        else:
            ceiling = _ceil_to(ratio * 5_000_000, 500_000)
        result.append(
            BudgetLine(
                line.budget_line_id,
                line.name,
                line.agency,
                ceiling,
                line.categories,
                line.cost_types,
                line.preference,
            )
        )
    return result


# -- the generator -----------------------------------------------------------------------------------


def _case_count(cases: int | str) -> tuple[int, str]:
    if isinstance(cases, str):
        size = cases.strip().upper()
        if size not in SIZES:
            raise ValueError(f"unknown size {cases!r}; use one of {', '.join(SIZES)} or a number of cases")
        return SIZES[size], size
    if isinstance(cases, bool) or not isinstance(cases, int) or cases < 1:
        raise ValueError(f"cases must be a positive number or a size name, not {cases!r}")
    return cases, str(cases)


def _preset(structure: str | None) -> Structure | None:
    if structure is None:
        return None
    if structure not in STRUCTURES:
        raise ValueError(f"unknown structure {structure!r}; use one of {', '.join(STRUCTURES)}")
    return STRUCTURES[structure]


def _with_routes(routes: Sequence[_Route], changes: Sequence[_Route]) -> list[_Route]:
    """``routes`` with each of ``changes`` replacing the route between the same two places by
    the same mode, or added after them; routes of no departures a week are left out."""

    def key(route: _Route) -> tuple[frozenset[str], str]:
        return frozenset({route.a, route.b}), route.mode

    by_key = {key(route): route for route in changes}
    merged = [by_key.pop(key(route), route) for route in routes]
    merged.extend(route for route in changes if key(route) in by_key)
    return [route for route in merged if route.per_week > 0]


def generate(
    cases: int | str,
    seed: int = 0,
    *,
    escort_ratio: float = 1.0,
    budget_ratio: float = 1.0,
    start: date = date(2026, 11, 30),
    horizon_days: int | None = None,
    structure: str | None = None,
    tight_budget: bool = False,
) -> Scenario:
    """A scenario with ``cases`` people (a number, or a size of :data:`SIZES`).

    ``escort_ratio`` scales the escorts and ``budget_ratio`` the budget ceilings relative to
    the normal workload (0.5: scarce escorts, a tight budget); neither changes anything else.
    ``tight_budget`` multiplies the ceilings by :data:`TIGHT_BUDGET_SHARE` on top of that.

    ``structure`` names a week of :data:`benchmarks.structures.STRUCTURES` instead of the usual
    fortnight over six shelters (``"nunukan-surge"``, ``"escort-scarce"``); ``horizon_days``
    defaults to the structure's window, and to 14 days without one.
    """
    total, label = _case_count(cases)
    preset = _preset(structure)
    if horizon_days is None:
        horizon_days = 14 if preset is None else preset.horizon_days
    if escort_ratio < 0 or budget_ratio < 0:
        raise ValueError("escort_ratio and budget_ratio must not be negative")
    if horizon_days < 1:
        raise ValueError("horizon_days must be at least 1")
    ceiling_ratio = budget_ratio * (TIGHT_BUDGET_SHARE if tight_budget else 1.0)

    def stream(part: str) -> random.Random:
        return random.Random(f"repat-benchmark/{seed}/{part}")

    mixes = _MIX
    offices: list[Office] = []
    routes_all: Sequence[_Route] = _ROUTES
    if preset is not None:
        mixes = {
            preset.shelter: _ShelterMix(
                1.0,
                preset.categories,
                preset.regions,
                preset.hubs,
                preset.bus_hubs,
                _MIX[preset.shelter].staff,
            )
        }
        offices = [OFFICES[base] for base, _ in preset.escort_bases if base in OFFICES]
        routes_all = _with_routes(_ROUTES, _parse_routes(preset.routes, fixed=True))

    # Homes: every region some shelter sends people to gets at least one, the rest by demand.
    pool = _home_pool()
    regions = list(_REGIONS)
    demand = [sum(m.share * dict(m.regions).get(r, 0.0) for m in mixes.values()) for r in regions]
    home_count = _home_count(total, sum(len(places) for places in pool.values()))
    wanted = [0] * len(regions)
    for i in sorted(range(len(regions)), key=lambda i: (-demand[i], i))[:home_count]:
        wanted[i] = 1
    for i, extra in enumerate(_allocate(home_count - sum(wanted), demand)):
        wanted[i] = min(len(pool[regions[i]]), wanted[i] + extra)
    rng = stream("homes")
    homes_by_region: dict[str, list[Place]] = {}
    for region, k in zip(regions, wanted, strict=True):
        places = pool[region]
        picked = set(_sample_without_replacement(rng, [(p.place_id, _place_weight(p)) for p in places], k))
        if preset is not None:
            picked |= {p.place_id for p in places if p.place_id in preset.homes}
        homes_by_region[region] = [p for p in places if p.place_id in picked]
    homes = [p for region in regions for p in homes_by_region[region]]
    unserved = [p for p in (gazetteer.by_id(i) for i in _UNSERVED_HOMES) if p is not None]

    companies = [c for c in _COMPANIES if total >= c.from_cases and c.shelter in mixes]
    drafts = _cases(
        stream("cases"), total, start, horizon_days, homes_by_region, unserved, companies, mixes, preset
    )

    # Homes nobody goes to this fortnight are no locations: a plan's map shows no empty places.
    used = {d.home.place_id for d in drafts}
    world = _World(
        [p for p in (*homes, *unserved) if p.place_id in used],
        [_Site(o.location_id, o.name, "city", o.lat, o.lon, _province(o.province)) for o in offices],
    )
    _build_roads(world, stream("roads"), mixes, [(o.location_id, o.hubs) for o in offices])
    for route in routes_all:
        world.add_route(route)

    escorted = [_needs_escort(d) for d in drafts]
    route_demand, on_way, estimates = _estimate(world, drafts, escorted)

    # Only hubs this instance uses: linked to a shelter, an office or a home, or on a cheapest
    # or fastest way home, so that a small instance gets a small network and a big one the
    # whole map; a structure keeps every hub of its own routes.
    endpoints = set(mixes) | {o.location_id for o in offices} | {_home_id(p) for p in world.homes}
    keep = endpoints | on_way | {k.to_id for k in world.links.values() if k.from_id in endpoints}
    if preset is not None:
        keep |= {place for r in routes_all if r.fixed for place in (r.a, r.b)}
    world.keep_only(keep)
    routes = [r for r in routes_all if r.a in keep and r.b in keep]
    services = _services(stream("timetable"), world, routes, route_demand, total, start, horizon_days)

    lines_spec = [spec for spec in _LINES if spec.shelters is None or any(s in mixes for s in spec.shelters)]
    lines = [
        BudgetLine(
            spec.budget_line_id,
            spec.name,
            spec.agency,
            0,
            spec.categories,
            spec.cost_types,
            spec.preference,
        )
        for spec in lines_spec
    ] + [
        BudgetLine(
            c.budget_line_id,
            "Kewajiban pemulangan pekerja",
            c.name,
            0,
            _TERLANTAR,
            frozenset({"fare", "meal"}),
            10,
        )
        for c in companies
    ]
    funding = [_funding(d, lines_spec) for d in drafts]
    lines = _ceilings(drafts, funding, estimates, lines, ceiling_ratio)

    if preset is None:
        escorts = _escorts(stream("escorts"), drafts, escorted, escort_ratio, start, horizon_days)
    else:
        escorts = _structure_escorts(
            stream("escorts"), drafts, escorted, preset, escort_ratio, start, horizon_days
        )

    width = max(3, len(str(len(drafts))))
    hh_width = max(2, len(str(max((d.household or 0) for d in drafts))))
    built = tuple(
        Case(
            case_id=f"C-{i:0{width}d}",
            sex=d.person.sex,
            age=d.person.age,
            category=d.category,
            location_id=d.shelter,
            home_id=_home_id(d.home),
            ready=d.ready,
            household_id=None if d.household is None else f"H-{d.household:0{hh_width}d}",
            registered=d.registered,
            needs=d.needs,
            escort=d.escort,
            given_priority=d.priority,
            funding=allowed,
            name=d.person.name,
            national_id=d.national_id,
        )
        for i, (d, allowed) in enumerate(zip(drafts, funding, strict=True), start=1)
    )
    title = label if preset is None else f"{preset.name} {label}"
    if tight_budget:
        title += " tight budget"
    # The window starts at midnight in Jakarta, or at a structure's shelter.
    zone = timedelta(hours=7) if preset is None else world.locations[preset.shelter].utc_offset
    settings = Settings(
        name=f"Benchmark {title} (seed {seed})",
        start=datetime.combine(start, time(0, 0), tzinfo=timezone(zone)),
        horizon_days=horizon_days,
        costs=Costs(),
        min_connection_min=dict(DEFAULT_MIN_CONNECTION_MIN),
    )
    return Scenario(
        settings=settings,
        locations=world.locations,
        cases=built,
        services=tuple(services),
        links=tuple(world.links.values()),
        escorts=tuple(escorts),
        budget_lines=tuple(lines),
    )


def write(scenario: Scenario, target: Path) -> Path:
    """Write as a CSV folder, or an .xlsx or .zip by the target's suffix."""
    return write_scenario(scenario, target)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a seeded benchmark scenario.")
    parser.add_argument(
        "cases",
        nargs="?",
        help=f"a number of cases or a size: {', '.join(SIZES)} (default: the structure's)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--escort-ratio", type=float, default=1.0)
    parser.add_argument("--budget-ratio", type=float, default=1.0)
    parser.add_argument(
        "--structure",
        choices=list(STRUCTURES),
        help="a week of one hard kind instead of the usual fortnight over six shelters",
    )
    parser.add_argument(
        "--tight-budget",
        action="store_true",
        help=f"ceilings at {TIGHT_BUDGET_SHARE:.0%}% of the usual ones (times --budget-ratio)",
    )
    parser.add_argument("--horizon-days", type=int, help="the window (default: 14, or the structure's)")
    parser.add_argument("--out", type=Path, required=True, help="a folder, or a .xlsx or .zip file")
    args = parser.parse_args(argv)
    if args.cases is None:
        if args.structure is None:
            parser.error("give a number of cases or a size, or a --structure")
        args.cases = str(STRUCTURES[args.structure].cases)
    cases: int | str = int(args.cases) if args.cases.isdigit() else args.cases
    scenario = generate(
        cases,
        args.seed,
        escort_ratio=args.escort_ratio,
        budget_ratio=args.budget_ratio,
        horizon_days=args.horizon_days,
        structure=args.structure,
        tight_budget=args.tight_budget,
    )
    print(write(scenario, args.out))


if __name__ == "__main__":
    main()
