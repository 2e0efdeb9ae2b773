"""A coordinator on the web page of a planned week: no case's name or NIK on any page, in either
language; the route map and plan.json; and 403 for the manifests, itineraries and budget
workbook, exactly as the API's role table (``api.auth.MAY``) gives them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access import OUTPUTS
from api.app import create_app
from api.auth import MAY
from api.db import Job, StoredPlan, StoredScenario, User, make_engine, sessions
from api.web.pages import DOWNLOADS
from planner.baseline import plan_baseline
from planner.cli import demo_path
from planner.io.plan_json import plan_to_dict
from planner.io.validate import read_scenario
from planner.scenario import Scenario
from tests.web.conftest import Keys, make_users
from tests.web.test_signing_in import sign_in


@dataclass(frozen=True)
class PlannedWeek:
    client: TestClient
    keys: Keys
    scenario: Scenario
    scenario_id: int
    job_id: int
    plan_id: int


@pytest.fixture
def planned(tmp_path: Path, demo_workbook: Path) -> Iterator[PlannedWeek]:
    """The demo week uploaded by the officer through the page, and a finished run with its plan
    as a worker stores it (solving itself is tested in tests/api/test_jobs)."""
    url = f"sqlite:///{tmp_path / 'repat.db'}"
    keys = make_users(url)
    scenario = read_scenario(demo_path())
    with TestClient(create_app(url, workers=0)) as client:
        csrf = sign_in(client, keys.officer)
        workbook = [("files", (demo_workbook.name, demo_workbook.read_bytes(), "application/octet-stream"))]
        stored = client.post("/minggu", data={"csrf": csrf}, files=workbook, follow_redirects=False)
        assert stored.status_code == 303, stored.text
        scenario_id = int(stored.headers["location"].rsplit("/", 1)[-1])
        plan = plan_baseline(scenario)
        assert plan.parties and plan.unplanned, "the demo week's plan should have parties and waiting cases"
        engine = make_engine(url)
        try:
            with sessions(engine)() as session, session.begin():
                week = session.get(StoredScenario, scenario_id)
                officer = session.query(User).filter_by(name="Siti Rahma").one()
                assert week is not None
                row = StoredPlan(
                    office_id=week.office_id,
                    scenario_id=scenario_id,
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
                job = Job(
                    office_id=week.office_id,
                    scenario_id=scenario_id,
                    state="finished",
                    parameters={"baseline": True},
                    submitted_by=officer.user_id,
                    best_idr=plan.objective.total_idr,
                    bound_idr=plan.objective.lower_bound_idr,
                    progress_seconds=plan.solve_seconds,
                    plan_id=row.plan_id,
                )
                session.add(job)
                session.flush()
                plan_id, job_id = row.plan_id, job.job_id
        finally:
            engine.dispose()
        yield PlannedWeek(client, keys, scenario, scenario_id, job_id, plan_id)


def personal(scenario: Scenario) -> list[str]:
    found = [v for c in scenario.cases for v in (c.name, c.national_id) if v]
    assert found, "the demo week should have names and NIKs to hide"
    return found


def pages(week: PlannedWeek) -> list[str]:
    return [
        "/minggu",
        f"/minggu/{week.scenario_id}",
        f"/proses/{week.job_id}",
        f"/proses/{week.job_id}/kemajuan",
        f"/rencana/{week.plan_id}",
    ]


def offered(page: str) -> set[str]:
    return set(re.findall(r'data-file="([^"]+)"', page))


def test_the_officer_sees_the_names_the_coordinator_must_not(planned: PlannedWeek) -> None:
    """The control: on the same pages an officer does read names, so their absence below means
    something."""
    client = planned.client
    sign_in(client, planned.keys.officer)
    page = client.get(f"/rencana/{planned.plan_id}").text
    assert any(p in page for p in personal(planned.scenario))
    assert offered(page) == set(DOWNLOADS)


def test_a_coordinator_sees_no_name_nor_nik_gets_the_map_and_plan_json_and_nothing_else(
    planned: PlannedWeek,
) -> None:
    client, private = planned.client, personal(planned.scenario)
    client.cookies.clear()
    sign_in(client, planned.keys.coordinator)
    for lang in ("id", "en"):
        client.get(f"/bahasa?to={lang}")
        assert f'<html lang="{lang}">' in client.get("/minggu").text
        for path in pages(planned):
            answer = client.get(path)
            assert answer.status_code == 200, (lang, path)
            seen = [p for p in private if p in answer.text]
            assert not seen, (lang, path, seen[:3])
    client.get("/bahasa?to=id")

    plan_page = client.get(f"/rencana/{planned.plan_id}").text
    assert "(koordinator)" in plan_page
    # The parties and the waiting are there, by case id, sex and age group.
    assert 'class="card party"' in plan_page and 'id="waiting"' in plan_page
    assert planned.scenario.cases[0].case_id in plan_page
    # Offered exactly what the role table gives a coordinator, plus plan.json for every reader.
    may_have = {f for f, o in OUTPUTS.items() if "coordinator" in MAY[o.permission]} | {"plan.json"}
    assert may_have == {"map.html", "plan.json"}
    assert offered(plan_page) == may_have
    assert 'id="route-map"' in plan_page

    base = f"/rencana/{planned.plan_id}/unduh"
    for file in ("map.html", "plan.json"):
        answer = client.get(f"{base}/{file}")
        assert answer.status_code == 200, file
        assert not [p for p in private if p in answer.text], file
    assert "<html" in client.get(f"{base}/map.html?di_halaman=1").text.lower()
    document = json.loads(client.get(f"{base}/plan.json").text)
    assert document["parties"]
    for file in ("manifests.xlsx", "manifests.csv", "itineraries.html", "budget.xlsx"):
        refused = client.get(f"{base}/{file}")
        assert refused.status_code == 403, file
        assert not [p for p in private if p in refused.text], file
    # Nor may a coordinator upload or start a solve.
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/minggu").text)
    assert csrf is not None
    assert 'id="upload-form"' not in client.get("/minggu").text
    started = client.post(
        f"/minggu/{planned.scenario_id}/rencanakan", data={"csrf": csrf.group(1)}, follow_redirects=False
    )
    assert started.status_code == 403
