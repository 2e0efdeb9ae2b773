"""Who may see and do what: offices keep to their own, and names and national ids reach only
officers, in JSON and files alike."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import add_user
from api.db import StoredPlan, StoredScenario, make_engine, sessions, upgrade
from planner.baseline import plan_baseline
from planner.cli import demo_path
from planner.io.plan_json import plan_to_dict
from planner.io.validate import read_scenario
from planner.io.write import write_scenario
from planner.scenario import Scenario

ROLES = ("officer", "budget", "coordinator", "admin")


@dataclass
class Service:
    client: TestClient
    keys: dict[str, str]  # role -> key, all of office A; "other" is an officer of office B
    scenario: Scenario
    scenario_id: int
    plan_id: int

    def get(self, path: str, who: str) -> tuple[int, bytes]:
        response = self.client.get(path, headers={"Authorization": f"Bearer {self.keys[who]}"})
        return response.status_code, response.content


@pytest.fixture
def service(database_url: str, tmp_path: Path) -> Iterator[Service]:
    upgrade(database_url)
    engine = make_engine(database_url)
    keys: dict[str, str] = {}
    with sessions(engine)() as session, session.begin():
        for who in ROLES:
            keys[who] = add_user(session, f"{who}-a", "Dinsos Kab. Kotawaringin Barat", who)
        keys["other"] = add_user(session, "officer-b", "BP3MI Kalimantan Tengah", "officer")
    scenario = read_scenario(demo_path())
    archive = write_scenario(scenario, tmp_path / "demo.zip")
    with TestClient(create_app(database_url, workers=0)) as client:
        officer = {"Authorization": f"Bearer {keys['officer']}"}
        uploaded = client.post(
            "/scenarios",
            files=[("files", ("demo.zip", archive.read_bytes(), "application/zip"))],
            headers=officer,
        )
        assert uploaded.status_code == 201, uploaded.text
        scenario_id = uploaded.json()["scenario_id"]
        # A finished plan as a worker stores it (solving itself is tested in test_jobs).
        plan = plan_baseline(scenario)
        with sessions(engine)() as session, session.begin():
            stored = session.get(StoredScenario, scenario_id)
            assert stored is not None
            row = StoredPlan(
                office_id=stored.office_id,
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
            plan_id = row.plan_id
        yield Service(client, keys, scenario, scenario_id, plan_id)
    engine.dispose()


def _texts(content: bytes) -> str:
    """Everything readable in a response: a workbook's XML parts too."""
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return " ".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return content.decode("utf-8", "replace")


def _personal(scenario: Scenario) -> list[str]:
    return [v for c in scenario.cases for v in (c.name, c.national_id) if v]


OUTPUTS = ("manifests.xlsx", "manifests.csv", "itineraries.html", "budget.xlsx", "map.html")
MAY = {
    "officer": {"manifests.xlsx", "manifests.csv", "itineraries.html", "budget.xlsx", "map.html"},
    "budget": {"budget.xlsx"},
    "coordinator": {"map.html"},
    "admin": set(),
}


@pytest.mark.parametrize("who", ROLES)
def test_each_role_fetches_exactly_its_outputs(service: Service, who: str) -> None:
    for name in OUTPUTS:
        status, _ = service.get(f"/plans/{service.plan_id}/{name}", who)
        assert status == (200 if name in MAY[who] else 403), (who, name)


@pytest.mark.parametrize("who", ["budget", "coordinator"])
def test_names_and_national_ids_never_reach_budget_or_coordinator(service: Service, who: str) -> None:
    paths = [
        "/scenarios",
        f"/scenarios/{service.scenario_id}",
        f"/scenarios/{service.scenario_id}/cases",
        "/plans",
        f"/plans/{service.plan_id}",
        "/jobs",
        *(f"/plans/{service.plan_id}/{name}" for name in MAY[who]),
        *(f"/plans/{service.plan_id}/{name}?lang=en" for name in MAY[who]),
    ]
    seen = []
    for path in paths:
        status, content = service.get(path, who)
        assert status == 200, (path, content[:200])
        seen.append(_texts(content))
    everything = "\n".join(seen)
    leaked = [value for value in _personal(service.scenario) if value in everything]
    assert leaked == []


def test_officers_see_names_where_they_need_them(service: Service) -> None:
    planned = plan_baseline(service.scenario).planned_case_ids[0]
    name = service.scenario.case(planned).name
    assert name
    for path in (f"/scenarios/{service.scenario_id}/cases", f"/plans/{service.plan_id}/manifests.xlsx"):
        status, content = service.get(path, "officer")
        assert status == 200 and name in _texts(content), path
    status, content = service.get(f"/plans/{service.plan_id}/map.html", "officer")
    assert name not in _texts(content), "the map names nobody unless asked"
    status, content = service.get(f"/plans/{service.plan_id}/map.html?names=true", "officer")
    assert name in _texts(content)
    status, _ = service.get(f"/plans/{service.plan_id}/map.html?names=true", "coordinator")
    assert status == 403


def test_another_offices_objects_do_not_exist_for_a_user(service: Service) -> None:
    for path in (
        f"/scenarios/{service.scenario_id}",
        f"/scenarios/{service.scenario_id}/cases",
        f"/plans/{service.plan_id}",
        f"/plans/{service.plan_id}/budget.xlsx",
    ):
        status, _ = service.get(path, "other")
        assert status == 404, path
    for path in ("/scenarios", "/plans", "/jobs"):
        status, content = service.get(path, "other")
        assert status == 200 and content == b"[]", path


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/scenarios"),
        ("get", "/plans"),
        ("get", "/jobs"),
        ("get", "/users"),
        ("get", "/audit"),
        ("post", "/scenarios/json"),
        ("get", "/plans/1/map.html"),
    ],
)
def test_a_missing_or_unknown_key_gets_401(service: Service, method: str, path: str) -> None:
    for headers in ({}, {"Authorization": "Bearer rpt_not-a-key"}, {"X-API-Key": "wrong"}):
        response = service.client.request(method, path, headers=headers)
        assert response.status_code == 401, (path, headers, response.text)
        assert "error" in response.json()
    assert service.client.get("/health").status_code == 200


def test_only_officers_upload_and_solve_and_only_admins_manage_users(service: Service) -> None:
    for who in ("budget", "coordinator", "admin"):
        headers = {"Authorization": f"Bearer {service.keys[who]}"}
        solve = service.client.post(f"/scenarios/{service.scenario_id}/jobs", json={}, headers=headers)
        assert solve.status_code == 403, who
        assert "may not" in solve.json()["error"]
    for who in ("officer", "budget", "coordinator"):
        assert service.get("/users", who)[0] == 403
    admin = {"Authorization": f"Bearer {service.keys['admin']}"}
    made = service.client.post("/users", json={"name": "new-budget", "role": "budget"}, headers=admin)
    assert made.status_code == 201
    key = made.json()["api_key"]
    assert service.client.get("/plans", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert service.get("/audit", "admin")[0] == 200
    assert service.get(f"/plans/{service.plan_id}", "admin")[0] == 403


def test_an_output_rendered_once_is_served_again_and_every_fetch_is_audited(service: Service) -> None:
    path = f"/plans/{service.plan_id}/map.html"
    first, again = service.get(path, "coordinator"), service.get(path, "coordinator")
    assert first == again and first[0] == 200
    named = service.get(f"{path}?names=true", "officer")
    assert named[1] != first[1], "a named map is never served to those who may not see names"
    assert service.get(path, "coordinator") == first
    status, content = service.get("/audit?limit=1000", "admin")
    fetches = [e for e in json.loads(content) if e["action"] == "fetch output"]
    assert status == 200 and len(fetches) >= 4
