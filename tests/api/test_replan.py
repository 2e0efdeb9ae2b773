"""Re-plan jobs: a plan is planned again after its events as a job like a solve, the new plan is
the scenario's next version with its changes, the plan re-planned stays byte for byte as it
was, bad events are refused with every problem and store nothing, and only officers of the
plan's office may re-plan or read the changes.  On SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from api import scenarios as uploads
from api.app import create_app
from api.auth import add_user
from api.db import Job, StoredPlan, StoredReplan, StoredScenario, User, make_engine, sessions, upgrade
from planner.baseline import plan_baseline
from planner.check import check_plan
from planner.cli import demo_path
from planner.events import CancelService, apply_events
from planner.io.plan_json import plan_from_dict, plan_to_dict
from planner.io.validate import read_scenario
from planner.plan import Plan
from planner.replan import kept_parties
from tests.api.test_jobs import SHORT, Api

OFFICE = "Dinsos Kab. Kotawaringin Barat"
HEADER = "event,id,value,start,end\n"


def _moment_and_service(old: Plan) -> tuple[datetime, str]:
    """A ``now`` a third into the plan's departures (so that some parties are under way), and a
    service only parties still to leave ride: cancelling it forces moves, not an error."""
    firsts = sorted(p.legs[0].depart for p in old.parties)
    now = firsts[len(firsts) // 3]
    kept = kept_parties(old, now)
    assert kept, "some parties are under way at now"
    taken = {leg.service_id for p in old.parties if p.party_id in kept for leg in p.legs}
    for duty in old.escort_duties:
        taken |= {leg.service_id for leg in (*duty.outbound_legs, *duty.return_legs)}
    riders: dict[str, int] = {}
    for party in old.parties:
        for leg in party.legs:
            if leg.service_id is not None and leg.service_id not in taken:
                riders[leg.service_id] = riders.get(leg.service_id, 0) + len(party.case_ids)
    assert riders, "a service that only parties still to leave ride"
    return now, max(sorted(riders), key=lambda s: riders[s])


def _under_way_service(old: Plan, now: datetime) -> str:
    kept = kept_parties(old, now)
    return next(
        leg.service_id
        for p in old.parties
        if p.party_id in kept
        for leg in p.legs
        if leg.service_id is not None
    )


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    engine = make_engine(database_url)
    try:
        with sessions(engine)() as session, session.begin():
            key = add_user(session, "officer", OFFICE, "officer")
    finally:
        engine.dispose()
    with TestClient(create_app(database_url, workers=1)) as client:
        yield Api(client, key)


def test_a_replan_after_a_cancelled_service_is_the_next_version_and_the_old_plan_stays(
    api: Api, tmp_path: Path
) -> None:
    scenario = read_scenario(demo_path())
    scenario_id = api.upload_demo(tmp_path)
    solved = api.ended(api.solve(scenario_id, **SHORT)["job_id"])
    assert solved["state"] == "finished", solved
    old_id = solved["plan_id"]
    old_response = api.get(f"/plans/{old_id}")
    old = plan_from_dict(old_response.json()["plan"])
    old_manifests = api.get(f"/plans/{old_id}/manifests.csv").content
    now, service = _moment_and_service(old)

    response = api.post(
        f"/plans/{old_id}/replan",
        files={"events": ("events.csv", f"{HEADER}cancel_service,{service},,,\n".encode(), "text/csv")},
        data={"now": now.isoformat(), "time_limit": "10", "work_limit": "1"},
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["state"] == "queued" and job["scenario_id"] == scenario_id
    ended = api.ended(job["job_id"])
    assert ended["state"] == "finished", ended

    stored = api.get(f"/plans/{ended['plan_id']}").json()
    assert stored["version"] == 2 and stored["scenario_id"] == scenario_id
    assert stored["replans"] == old_id
    made_from = stored["parameters"]["replan"]
    assert made_from["plan_id"] == old_id and made_from["pin"] == []
    assert datetime.fromisoformat(made_from["now"]) == now
    assert made_from["events"] == [
        {"event": "cancel_service", "id": service, "value": "", "start": "", "end": ""}
    ]
    new = plan_from_dict(stored["plan"])
    after = apply_events(scenario, (CancelService(service, 2),))
    # Feasible for the week after the event, and every party under way at now unchanged.
    assert check_plan(after, new, against=old, now=now) == []
    assert all(leg.service_id != service for p in new.parties for leg in p.legs)
    summary = stored["replan_summary"]
    assert set(summary["kept"]) == set(kept_parties(old, now)) and summary["moved"] >= 1

    # The plan re-planned is as it was, and so are its outputs.
    assert api.get(f"/plans/{old_id}").content == old_response.content
    assert api.get(f"/plans/{old_id}/manifests.csv").content == old_manifests
    assert [p["version"] for p in api.get(f"/plans?scenario_id={scenario_id}").json()] == [1, 2]

    # The changes name every case that rode the cancelled service.
    changes = api.get(f"/plans/{ended['plan_id']}/changes.csv")
    assert changes.status_code == 200 and changes.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(changes.text)))
    rode = {c for p in old.parties if any(leg.service_id == service for leg in p.legs) for c in p.case_ids}
    assert rode and rode <= {r["traveller_id"] for r in rows if r["kind"] == "case"}
    assert all(service in r["old_legs"] for r in rows if r["traveller_id"] in rode)
    book = api.get(f"/plans/{ended['plan_id']}/changes.xlsx?lang=en")
    assert book.status_code == 200
    assert load_workbook(io.BytesIO(book.content)).worksheets[0].max_row >= len(rode) + 1
    assert api.get(f"/plans/{old_id}/changes.csv").status_code == 404
    # The new plan's outputs read the week after the event.
    assert api.get(f"/plans/{ended['plan_id']}/manifests.csv").status_code == 200

    # A re-plan that cannot keep a party under way ends failed, with the officer's message.
    response = api.post(
        f"/plans/{old_id}/replan",
        json={
            "now": now.isoformat(),
            "events": [{"event": "cancel_service", "id": _under_way_service(old, now)}],
            "time_limit": 10,
            "work_limit": 1,
        },
    )
    assert response.status_code == 202, response.text
    failed = api.ended(response.json()["job_id"])
    assert failed["state"] == "failed" and failed["plan_id"] is None
    assert failed["message"].startswith("cannot re-plan: ") and "which is cancelled" in failed["message"]
    assert "Traceback" not in failed["message"]
    assert [p["version"] for p in api.get(f"/plans?scenario_id={scenario_id}").json()] == [1, 2]
    assert api.get(f"/plans/{old_id}").content == old_response.content


# -- without a worker: what is refused -------------------------------------------------------------


class Stock:
    def __init__(self, client: TestClient, keys: dict[str, str], plan_id: int, plan: Plan) -> None:
        self.client = client
        self.keys = keys
        self.plan_id = plan_id
        self.plan = plan

    def post(self, who: str, path: str, **kwargs: Any) -> Any:
        return self.client.post(path, headers={"Authorization": f"Bearer {self.keys[who]}"}, **kwargs)

    def get(self, who: str, path: str) -> Any:
        return self.client.get(path, headers={"Authorization": f"Bearer {self.keys[who]}"})


@pytest.fixture
def stock(database_url: str) -> Iterator[Stock]:
    """The demo week and its first-come plan, stored as an upload and a worker store them; an
    officer and a budget user of its office, and an officer of another office."""
    scenario = read_scenario(demo_path())
    plan = plan_baseline(scenario)
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with sessions(engine)() as session, session.begin():
            keys = {
                "officer": add_user(session, "officer", OFFICE, "officer"),
                "budget": add_user(session, "budget", OFFICE, "budget"),
                "stranger": add_user(session, "stranger", "KBRI Kuala Lumpur", "officer"),
            }
            session.flush()
            user = session.scalars(select(User).where(User.name == "officer")).one()
            stored = StoredScenario(
                office_id=user.office_id,
                name=scenario.name,
                archive=uploads.archive(scenario),
                summary=uploads.summary(scenario),
                uploaded_by=user.user_id,
            )
            session.add(stored)
            session.flush()
            row = StoredPlan(
                office_id=user.office_id,
                scenario_id=stored.scenario_id,
                version=1,
                status=plan.status,
                total_idr=plan.objective.total_idr,
                gap=plan.objective.gap,
                solve_seconds=plan.solve_seconds,
                parameters={"baseline": True},
                plan_json=plan_to_dict(plan),
            )
            session.add(row)
            session.flush()
            plan_id = row.plan_id
    finally:
        engine.dispose()
    with TestClient(create_app(database_url, workers=0)) as client:
        yield Stock(client, keys, plan_id, plan)


def _counts(database_url: str) -> tuple[int, int, int]:
    engine = make_engine(database_url)
    try:
        with sessions(engine)() as session:
            return (
                session.scalar(select(func.count()).select_from(Job)) or 0,
                session.scalar(select(func.count()).select_from(StoredPlan)) or 0,
                session.scalar(select(func.count()).select_from(StoredReplan)) or 0,
            )
    finally:
        engine.dispose()


def test_bad_events_answer_every_problem_with_its_row_and_store_nothing(
    stock: Stock, database_url: str
) -> None:
    before = _counts(database_url)
    original = stock.get("officer", f"/plans/{stock.plan_id}").content
    bad = f"{HEADER}cancel_service,S-NOWHERE,,,\nseats,B-MTR-SBY-1130,-3,,\n"
    bad += "not_ready,C-001,2031-01-01,,\n"
    response = stock.post(
        "officer",
        f"/plans/{stock.plan_id}/replan",
        files={"events": ("events.csv", bad.encode(), "text/csv")},
        data={"now": "2026-12-01T08:00+07:00"},
    )
    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    assert {(p["file"], p["row"]) for p in problems} == {
        ("events.csv", 2),
        ("events.csv", 3),
        ("events.csv", 4),
    }
    # An unknown service, seats below zero, a day outside the week.
    assert {(p["row"], p["column"]) for p in problems} == {(2, "id"), (3, "value"), (4, "value")}
    assert all(p["fix"] and p["text"].startswith("events.csv:") for p in problems)

    # The same events as JSON are read by the same reader: the same problems.
    rows = [
        dict(zip(HEADER.strip().split(","), line.split(","), strict=True)) for line in bad.splitlines()[1:]
    ]
    as_json = stock.post(
        "officer",
        f"/plans/{stock.plan_id}/replan",
        json={"now": "2026-12-01T08:00+07:00", "events": rows, "pin": ["P999"]},
    )
    assert as_json.status_code == 422, as_json.text
    found = as_json.json()["problems"]
    assert [p for p in found if p["file"] == "events.csv"] == problems
    assert [p["file"] for p in found if p["file"] != "events.csv"] == ["pin"]

    # A moment without its zone, and a new case that is already a case of the week.
    cases = "case_id,name\nC-001,Someone\n"
    response = stock.post(
        "officer",
        f"/plans/{stock.plan_id}/replan",
        files={"new_cases": ("cases.csv", cases.encode(), "text/csv")},
        data={"now": "2026-12-01T08:00"},
    )
    assert response.status_code == 422, response.text
    files = {p["file"] for p in response.json()["problems"]}
    assert files == {"now", "cases.csv"}
    assert stock.post("officer", f"/plans/{stock.plan_id}/replan", json={"events": []}).status_code == 422
    assert _counts(database_url) == before
    assert stock.get("officer", f"/plans/{stock.plan_id}").content == original


def test_only_officers_of_the_plans_office_replan_or_read_the_changes(
    stock: Stock, database_url: str
) -> None:
    body = {"now": "2026-12-01T08:00+07:00", "events": []}
    path = f"/plans/{stock.plan_id}/replan"
    assert stock.post("budget", path, json=body).status_code == 403
    assert stock.post("stranger", path, json=body).status_code == 404
    assert stock.post("officer", "/plans/999/replan", json=body).status_code == 404
    assert stock.client.post(path, json=body).status_code == 401
    assert stock.get("budget", f"/plans/{stock.plan_id}/changes.csv").status_code == 403
    assert stock.get("stranger", f"/plans/{stock.plan_id}/changes.csv").status_code == 404
    assert _counts(database_url) == (0, 1, 0)
    # The officer's request is a queued job that keeps what it re-plans from.
    response = stock.post("officer", path, json={**body, "pin": ["P1"], "time_limit": 5})
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["state"] == "queued" and job["parameters"]["time_limit"] == 5
    assert job["parameters"]["replan"]["pin"] == ["P1"]
    assert job["parameters"]["replan"]["plan_id"] == stock.plan_id
