"""Why a case waits, in Bahasa Indonesia: every sentence repat writes is translated."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from planner.baseline import plan_baseline
from planner.optimizer import Optimizer, Options
from planner.plan import Plan
from planner.reports.details import detail
from planner.scenario import Scenario
from tests.tiny import LINE, back_ferry, case, escort, ferry, scenario, with_seats

ENGLISH_WORDS = (" the ", " has ", " is ", " are ", " no ", " left", "costs", "escort", "ready only")


@pytest.mark.parametrize(
    ("english", "bahasa"),
    [
        (
            "no woman medical escort is free to travel with the departure of 2 Dec 19:00",
            "tidak ada pendamping perempuan medis yang bebas untuk keberangkatan 2 Des 19:00",
        ),
        (
            "B-DINSOS-KAB has Rp 350.000 left; the trip costs Rp 1.240.000",
            "B-DINSOS-KAB tersisa Rp 350.000; perjalanan berbiaya Rp 1.240.000",
        ),
        (
            "the ferries to Semarang on 24 Nov and 27 Nov are full",
            "kapal laut ke Semarang pada 24 Nov dan 27 Nov penuh",
        ),
        (
            "the ferry to Semarang on 24 Nov and the flight to Lombok on 25 Nov are full",
            "kapal laut ke Semarang pada 24 Nov dan pesawat ke Lombok pada 25 Nov penuh",
        ),
        (
            "S-12 on 01 Dec 08:00 has 0 seats left, 2 needed",
            "S-12 pada 01 Des 08:00 tinggal 0 kursi, perlu 2",
        ),
        (
            "ready only on 20 Dec 2026, after the plan's window ends on 13 Dec",
            "baru siap pada 20 Des 2026, setelah jangka waktu rencana berakhir pada 13 Des",
        ),
    ],
)
def test_sentences_read_in_bahasa(english: str, bahasa: str) -> None:
    assert detail(english, "id") == bahasa
    assert detail(english, "en") == english


def test_a_sentence_repat_did_not_write_is_left_as_it_is() -> None:
    assert detail("menunggu dokumen dari kedutaan", "id") == "menunggu dokumen dari kedutaan"


def _untranslated(plan: Plan) -> list[str]:
    said = [detail(u.detail, "id") for u in plan.unplanned]
    return [s for s in said if any(w in f" {s} " for w in ENGLISH_WORDS)]


def test_every_reason_of_a_busy_first_come_plan_is_translated(many_parties: tuple[Scenario, Plan]) -> None:
    _, plan = many_parties
    assert plan.unplanned
    assert _untranslated(plan) == []


WAITING_WEEKS = {
    "budget": lambda: scenario((case("C1"),), lines=(replace(LINE, ceiling_idr=300_000),)),
    "no_escort": lambda: scenario(
        (case("C1", category="tppo"),),
        escorts=(escort("E1", available_from=date(2026, 12, 20), available_to=date(2026, 12, 30)),),
    ),
    "no_seats": lambda: scenario(
        (case("C1"), case("C2"), case("C3")),
        services=(with_seats(ferry("F1", 2), 1), with_seats(ferry("F2", 3), 1), back_ferry("R1", 4)),
    ),
    "no_route": lambda: scenario((case("C1", home="REG-NOWHERE"), case("C2"))),
    "not_ready": lambda: scenario((case("C1", ready=date(2026, 12, 20)), case("C2"))),
    "horizon": lambda: scenario((case("C1", ready=date(2026, 12, 5)),)),
}


@pytest.mark.parametrize("reason", sorted(WAITING_WEEKS))
@pytest.mark.parametrize("planner", ["baseline", "optimizer"])
def test_each_reason_either_planner_gives_reads_in_bahasa(reason: str, planner: str) -> None:
    week = WAITING_WEEKS[reason]()
    if planner == "baseline":
        plan = plan_baseline(week)
    else:
        plan = Optimizer(week).plan(Options(time_limit=10, work_limit=2))
    assert reason in {u.reason for u in plan.unplanned}
    assert _untranslated(plan) == []
