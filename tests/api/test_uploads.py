"""Uploads: a valid week is stored, a wrong one answers every problem and stores nothing; a
hand-made plan is checked against the stored week."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import add_user
from api.db import make_engine, sessions, upgrade
from planner.baseline import plan_baseline
from planner.cli import demo_path
from planner.io.plan_json import plan_to_dict
from planner.io.validate import read_scenario

MiB = 1024 * 1024


@pytest.fixture
def client(database_url: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    upgrade(database_url)
    engine = make_engine(database_url)
    with sessions(engine)() as session, session.begin():
        key = add_user(session, "officer", "Dinsos Kab. Sampit", "officer")
    with TestClient(create_app(database_url, workers=0, max_upload_bytes=2 * MiB)) as test_client:
        yield test_client, {"Authorization": f"Bearer {key}"}
    engine.dispose()


def _demo_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(demo_path().iterdir()) if p.suffix in (".csv", ".toml")}


def _scenarios(client: TestClient, auth: dict[str, str]) -> list[object]:
    listed: list[object] = client.get("/scenarios", headers=auth).json()
    return listed


def test_the_csv_files_of_a_folder_make_a_stored_week(client: tuple[TestClient, dict[str, str]]) -> None:
    test_client, auth = client
    files = [("files", (name, content, "text/csv")) for name, content in _demo_files().items()]
    response = test_client.post("/scenarios", files=files, headers=auth)
    assert response.status_code == 201, response.text
    summary = response.json()["summary"]
    assert summary["cases"] == len(read_scenario(demo_path()).cases)
    assert len(_scenarios(test_client, auth)) == 1


def test_a_wrong_cell_is_named_by_file_row_and_column_and_nothing_is_stored(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    test_client, auth = client
    files = _demo_files()
    rows = list(csv.reader(io.StringIO(files["cases.csv"].decode())))
    rows[3][rows[0].index("age")] = "tiga puluh"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    files["cases.csv"] = out.getvalue().encode()
    response = test_client.post(
        "/scenarios", files=[("files", (n, c, "text/csv")) for n, c in files.items()], headers=auth
    )
    assert response.status_code == 422
    body = response.json()
    assert "nothing was stored" in body["error"]
    problem = body["problems"][0]
    assert (problem["file"], problem["row"], problem["column"]) == ("cases.csv", 4, "age")
    assert problem["fix"]
    assert _scenarios(test_client, auth) == []


def test_a_week_as_json_is_read_like_its_files(client: tuple[TestClient, dict[str, str]]) -> None:
    test_client, auth = client
    tables = {}
    for name, content in _demo_files().items():
        if name.endswith(".csv"):
            tables[name.removesuffix(".csv")] = list(csv.DictReader(io.StringIO(content.decode())))
    settings = tomllib.loads(_demo_files()["scenario.toml"].decode())
    response = test_client.post(
        "/scenarios/json", json={"name": "demo", "settings": settings, "tables": tables}, headers=auth
    )
    assert response.status_code == 201, response.text
    assert response.json()["summary"]["cases"] == len(read_scenario(demo_path()).cases)
    broken = test_client.post("/scenarios/json", json={"tables": {"people": []}}, headers=auth)
    assert broken.status_code == 422 and broken.json()["problems"]


def test_an_upload_over_the_limit_is_refused(client: tuple[TestClient, dict[str, str]]) -> None:
    test_client, auth = client
    big = b"case_id\n" + b"C\n" * (MiB + 1)
    response = test_client.post("/scenarios", files=[("files", ("cases.csv", big, "text/csv"))], headers=auth)
    assert response.status_code == 413
    assert "limit" in response.json()["error"]
    assert _scenarios(test_client, auth) == []


def test_a_file_that_is_no_scenario_is_named(client: tuple[TestClient, dict[str, str]]) -> None:
    test_client, auth = client
    response = test_client.post(
        "/scenarios", files=[("files", ("notes.txt", b"hello", "text/plain"))], headers=auth
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["file"] == "notes.txt"
    corrupt = test_client.post(
        "/scenarios", files=[("files", ("week.zip", b"not a zip", "application/zip"))], headers=auth
    )
    assert corrupt.status_code == 422 and corrupt.json()["problems"]


def test_a_hand_made_plan_is_checked_against_the_stored_week(
    client: tuple[TestClient, dict[str, str]], tmp_path: Path
) -> None:
    test_client, auth = client
    files = [("files", (n, c, "text/csv")) for n, c in _demo_files().items()]
    scenario_id = test_client.post("/scenarios", files=files, headers=auth).json()["scenario_id"]
    document = plan_to_dict(plan_baseline(read_scenario(demo_path())))
    good = test_client.post(
        f"/scenarios/{scenario_id}/check",
        files=[("plan_file", ("plan.json", json.dumps(document).encode(), "application/json"))],
        headers=auth,
    )
    assert good.status_code == 200 and good.json()["valid"] is True, good.text
    document["objective"]["total_idr"] += 1
    bad = test_client.post(
        f"/scenarios/{scenario_id}/check",
        files=[("plan_file", ("plan.json", json.dumps(document).encode(), "application/json"))],
        headers=auth,
    )
    assert bad.status_code == 200 and bad.json()["valid"] is False
    assert any("total_idr" in v for v in bad.json()["violations"])
    unreadable = test_client.post(
        f"/scenarios/{scenario_id}/check",
        files=[("plan_file", ("plan.json", b"{", "application/json"))],
        headers=auth,
    )
    assert unreadable.status_code == 422 and "error" in unreadable.json()
