"""The plan's sentences about waiting cases, in the reader's language.

``plan.json`` says why a case waits in English (the contract's exchange language). Outputs in
Bahasa Indonesia translate the sentences repat writes, template by template; a sentence of
another origin (a hand-made plan) is shown as it is rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from planner.reports.labels import Lang

_RP = r"Rp [\d.]+"
_MONTHS = {"May": "Mei", "Aug": "Agu", "Oct": "Okt", "Dec": "Des"}
_MODES = {
    "ferry": "kapal laut",
    "ferries": "kapal laut",
    "flight": "pesawat",
    "flights": "pesawat",
    "bus": "bus",
    "buses": "bus",
    "train": "kereta api",
    "trains": "kereta api",
}
_WANTED = {"woman": "perempuan", "medical": "medis", "psychosocial": "psikososial"}


def _escort(m: re.Match[str]) -> str:
    wanted = " ".join(_WANTED.get(w, w) for w in m["wanted"].split())
    who = f"pendamping {wanted}" if wanted else "pendamping"
    return f"tidak ada {who} yang bebas untuk keberangkatan {m['when']}"


def _lines(m: re.Match[str]) -> str:
    if m["lines"] == "no budget line may pay for this case":
        said = "tidak ada mata anggaran yang boleh membayar kasus ini"
    else:
        said = ", ".join(
            re.sub(rf"^(\S+) has ({_RP}) left$", r"\1 tersisa \2", part) for part in m["lines"].split(", ")
        )
    return f"{said}; perjalanan berbiaya {m['cost']}"


def _full(m: re.Match[str]) -> str:
    parts = re.split(r", (?=the )| and (?=the )", m["parts"])
    said = []
    for part in parts:
        found = re.fullmatch(r"the (\w+) to (.+) on (.+)", part)
        if found is None:
            return m[0]
        mode, place, days = found.groups()
        days = days.replace(" and ", " dan ")
        said.append(f"{_MODES.get(mode, mode)} ke {place} pada {days}")
    return f"{' dan '.join(said)} penuh"


_TEMPLATES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"ready only on (?P<d>.+?), after the plan's window ends on (?P<e>.+)"),
        lambda m: f"baru siap pada {m['d']}, setelah jangka waktu rencana berakhir pada {m['e']}",
    ),
    (
        re.compile(r"ready only on (?P<d>.+?), after the plan's window"),
        lambda m: f"baru siap pada {m['d']}, setelah jangka waktu rencana",
    ),
    (
        re.compile(r"no ferry, flight, bus or road link leads from (?P<a>.+) to (?P<b>.+)"),
        lambda m: f"tidak ada kapal, pesawat, bus atau jalan darat dari {m['a']} ke {m['b']}",
    ),
    (
        re.compile(r"no departure from (?P<a>.+) to (?P<b>.+) fits the window after (?P<d>.+)"),
        lambda m: f"tidak ada keberangkatan dari {m['a']} ke {m['b']} dalam jangka waktu setelah {m['d']}",
    ),
    (
        re.compile(
            rf"not placed when the search stopped: the cheapest journey home leaves (?P<d>.+?) and costs "
            rf"(?P<c>{_RP}) with the waiting before it; plan again with more time"
        ),
        lambda m: (
            f"belum ditempatkan saat pencarian berhenti: perjalanan pulang termurah berangkat {m['d']} "
            f"dan berbiaya {m['c']} termasuk masa tunggu sebelumnya; rencanakan lagi dengan waktu lebih lama"
        ),
    ),
    (
        re.compile(
            rf"the cheapest journey home \(leaving (?P<d>.+?)\) costs (?P<c>{_RP}) with the waiting before "
            rf"it, more than the (?P<s>{_RP}) that waiting longer costs"
        ),
        lambda m: (
            f"perjalanan pulang termurah (berangkat {m['d']}) berbiaya {m['c']} termasuk masa tunggu, "
            f"lebih dari {m['s']} yang menjadi biaya menunggu lebih lama"
        ),
    ),
    (
        re.compile(
            r"no (?P<wanted>(?:(?:woman|medical|psychosocial) )*)escort is free "
            r"(?:to travel with|for) the departure of (?P<when>.+)"
        ),
        _escort,
    ),
    (
        re.compile(r"(?P<s>\S+) on (?P<d>.+?) has (?P<n>\d+) seats left, (?P<k>\d+) needed"),
        lambda m: f"{m['s']} pada {m['d']} tinggal {m['n']} kursi, perlu {m['k']}",
    ),
    (
        re.compile(rf"the trip costs (?P<c>{_RP}) but the lines that may pay it have too little left"),
        lambda m: f"perjalanan berbiaya {m['c']}, tetapi mata anggaran yang boleh membayarnya tidak cukup",
    ),
    (re.compile(rf"(?P<lines>.+); the trip costs (?P<cost>{_RP})"), _lines),
    (re.compile(r"(?P<parts>the .+) (?:are|is) full"), _full),
]


def detail(sentence: str, lang: Lang) -> str:
    """``sentence`` (the plan's English) as the reader reads it."""
    if lang == "en":
        return sentence
    for pattern, say in _TEMPLATES:
        found = pattern.fullmatch(sentence)
        if found is not None:
            said = say(found)
            return re.sub(r"\b(May|Aug|Oct|Dec)\b", lambda m: _MONTHS[m[1]], said)
    return sentence
