"""What-if sweeps as jobs: a sweep of the demo week runs in a worker to its end, its progress
counts the variants, its table, workbook and picture are there for officers and budget staff
and name nobody; a bad ``vary`` is refused with the command line's sentence and stores nothing;
a cancelled sweep keeps the variants done; coordinators may not, other offices find nothing.
On SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from api.app import create_app
from api.auth import add_user
from api.db import Job, StoredSweep, make_engine, sessions
from planner.cli import demo_path
from planner.io.validate import read_scenario
from planner.sweep import SweepError, parse_axis
from tests.api.test_jobs import Api

OFFICE = "Dinsos Kab. Kotawaringin Barat"
OTHER = "KBRI Kuala Lumpur"
# Three variants of the demo week, each a short solve.
TWENTY = ",".join(str(1 + i / 100) for i in range(20))
SWEEP = {"vary": ["budget=0.8,1.0,1.2"], "time_limit": 10, "work_limit": 1, "seed": 0}


@dataclass
class Users:
    url: str
    officer: Api
    budget: Api
    coordinator: Api
    admin: Api
    other_officer: Api
    other_budget: Api


@pytest.fixture
def users(database_url: str) -> Iterator[Users]:
    engine = make_engine(database_url)
    try:
        with sessions(engine)() as session, session.begin():
            keys = {
                "officer": add_user(session, "officer", OFFICE, "officer"),
                "budget": add_user(session, "budget", OFFICE, "budget"),
                "coordinator": add_user(session, "coordinator", OFFICE, "coordinator"),
                "admin": add_user(session, "admin", OFFICE, "admin"),
                "other_officer": add_user(session, "other-officer", OTHER, "officer"),
                "other_budget": add_user(session, "other-budget", OTHER, "budget"),
            }
    finally:
        engine.dispose()
    with TestClient(create_app(database_url, workers=1)) as client:
        yield Users(database_url, **{who: Api(client, key) for who, key in keys.items()})


def _stored(url: str) -> tuple[int, int]:
    """How many jobs and sweeps the database holds."""
    engine = make_engine(url)
    try:
        with sessions(engine)() as session:
            return (
                session.scalar(select(func.count()).select_from(Job)) or 0,
                session.scalar(select(func.count()).select_from(StoredSweep)) or 0,
            )
    finally:
        engine.dispose()


def _start(api: Api, scenario_id: int, **body: Any) -> dict[str, Any]:
    response = api.post(f"/scenarios/{scenario_id}/sweeps", json=body)
    assert response.status_code == 202, response.text
    job: dict[str, Any] = response.json()
    return job


def _names() -> list[str]:
    """The names of the demo week's people: its cases' and its escorts'."""
    scenario = read_scenario(demo_path())
    found = [c.name for c in scenario.cases] + [e.name for e in scenario.escorts]
    assert len(found) > 10
    return [n for n in found if n]


def test_a_sweep_runs_to_done_and_gives_its_table_workbook_and_picture(users: Users, tmp_path: Path) -> None:
    scenario_id = users.officer.upload_demo(tmp_path)
    budget = users.budget
    job = _start(budget, scenario_id, **SWEEP)
    assert job["state"] == "queued" and job["plan_id"] is None
    assert (job["variants_done"], job["variants_total"]) == (0, 3)
    assert job["parameters"]["sweep"] == {"vary": ["budget=0.8,1.0,1.2"], "line": None}
    # Until it ends, there is nothing to fetch.
    assert budget.get(f"/jobs/{job['job_id']}/sweep.xlsx").status_code == 404

    seen: list[int] = []

    def watched(j: dict[str, Any]) -> bool:
        seen.append(j["variants_done"])
        return j["state"] in ("finished", "cancelled", "failed", "interrupted")

    ended = budget.wait(job["job_id"], watched, "to end")
    assert ended["state"] == "finished", ended
    assert (ended["variants_done"], ended["variants_total"]) == (3, 3)
    assert ended["plan_id"] is None and "3 variant(s) planned" in ended["message"]
    # The progress only ever counts up, from none to all.
    assert seen == sorted(seen) and set(seen) <= {0, 1, 2, 3}

    table = budget.get(f"/jobs/{job['job_id']}/sweep")
    assert table.status_code == 200, table.text
    found = table.json()
    assert found["complete"] is True and found["variants_total"] == 3
    rows = found["table"]
    assert [r["variant"] for r in rows] == ["v01", "v02", "v03"]
    assert [r["budget"] for r in rows] == [0.8, 1.0, 1.2]
    assert all(r["check"] == "ok" and r["status"] != "failed" for r in rows), rows
    assert all(0 < r["people_home"] <= r["cases"] == 50 for r in rows)
    assert all(r["money_idr"] == sum(v for k, v in r.items() if k.startswith("money_B")) for r in rows)

    book = budget.get(f"/jobs/{job['job_id']}/sweep.xlsx")
    assert book.status_code == 200 and book.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheet = load_workbook(io.BytesIO(book.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + 3 and values[0][0] == "variant"
    assert [v[0] for v in values[1:]] == ["v01", "v02", "v03"]
    home = values[0].index("people_home")
    assert [v[home] for v in values[1:]] == [r["people_home"] for r in rows]

    picture = users.officer.get(f"/jobs/{job['job_id']}/sweep.png")
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG\r\n\x1a\n")

    # Nobody's name in what the sweep gives: its job, table and workbook.
    cells = " ".join(str(c) for row in values for c in row if c is not None)
    said = " ".join([json.dumps(ended), table.text, cells, budget.get("/jobs").text])
    assert not [n for n in _names() if n in said]


def test_a_bad_vary_is_refused_with_the_command_lines_sentence_and_stores_nothing(
    users: Users, tmp_path: Path
) -> None:
    scenario_id = users.officer.upload_demo(tmp_path)
    before = _stored(users.url)
    for vary, where in [
        (["budget=0.7,lots"], "body.vary.0"),
        (["budget=1.0", "speed=2"], "body.vary.1"),
        (["escorts=+1.5"], "body.vary.0"),
        (["budget=-1"], "body.vary.0"),
        (["budget"], "body.vary.0"),
    ]:
        response = users.budget.post(f"/scenarios/{scenario_id}/sweeps", json={**SWEEP, "vary": vary})
        assert response.status_code == 422, (vary, response.text)
        with pytest.raises(SweepError) as cli:
            for text in vary:
                parse_axis(text)
        assert response.json()["problems"] == [{"where": where, "message": str(cli.value)}]
    for body, said in [
        ({"vary": ["budget=0.8,1.0", "budget=1.2"]}, "budget varied twice"),
        ({"vary": ["budget=0.8"], "line": "B-NOT-A-LINE"}, "is not a budget line of the week"),
        ({"vary": ["escorts=+0,+2"], "line": "B-NOT-A-LINE"}, "is not a budget line of the week"),
        ({"vary": [f"{axis}={TWENTY}" for axis in ("budget", "fares")]}, "at most 200"),
    ]:
        response = users.officer.post(f"/scenarios/{scenario_id}/sweeps", json={**SWEEP, **body})
        assert response.status_code == 422, (body, response.text)
        assert said in response.json()["problems"][0]["message"], response.text
    # Not a sweep's request at all: the request's own 422.
    for body in [{"vary": []}, {"vary": "budget=1.0"}, {**SWEEP, "time_limit": 0}, {**SWEEP, "extra": 1}]:
        assert users.budget.post(f"/scenarios/{scenario_id}/sweeps", json=body).status_code == 422
    assert _stored(users.url) == before


def test_a_cancelled_sweep_stops_after_its_variant_and_keeps_those_done(users: Users, tmp_path: Path) -> None:
    scenario_id = users.officer.upload_demo(tmp_path)
    budget = users.budget
    # Four variants of a few seconds each (no work limit: each searches its whole time).
    job = _start(budget, scenario_id, vary=["budget=0.8,0.9,1.0,1.1"], time_limit=4)
    budget.wait(job["job_id"], lambda j: (j["variants_done"] or 0) >= 1, "its first variant")
    cancelling = budget.post(f"/jobs/{job['job_id']}/cancel")
    assert cancelling.status_code == 200, cancelling.text
    ended = budget.ended(job["job_id"])
    assert ended["state"] == "cancelled", ended
    done = ended["variants_done"]
    assert 1 <= done < 4 and ended["variants_total"] == 4 and "cancelled after" in ended["message"]
    found = budget.get(f"/jobs/{job['job_id']}/sweep").json()
    assert found["complete"] is False and found["state"] == "cancelled"
    assert [r["variant"] for r in found["table"]] == [f"v{i:02d}" for i in range(1, done + 1)]
    sheet = load_workbook(io.BytesIO(budget.get(f"/jobs/{job['job_id']}/sweep.xlsx").content)).worksheets[0]
    assert sheet.max_row == 1 + done
    # Budget staff may cancel sweeps, not solves.
    solve = budget.post(f"/scenarios/{scenario_id}/jobs", json={"baseline": True})
    assert solve.status_code == 403
    solve_id = users.officer.solve(scenario_id, baseline=True)["job_id"]
    assert budget.post(f"/jobs/{solve_id}/cancel").status_code == 403
    assert budget.get(f"/jobs/{solve_id}/sweep").status_code == 404


def test_only_officers_and_budget_staff_of_the_office_may_sweep(users: Users, tmp_path: Path) -> None:
    scenario_id = users.officer.upload_demo(tmp_path)
    job_id = _start(users.officer, scenario_id, **SWEEP)["job_id"]
    ended = users.officer.ended(job_id)
    assert ended["state"] == "finished", ended
    paths = [f"/jobs/{job_id}/sweep", f"/jobs/{job_id}/sweep.xlsx", f"/jobs/{job_id}/sweep.png"]
    before = _stored(users.url)
    for who in (users.coordinator, users.admin):
        assert who.post(f"/scenarios/{scenario_id}/sweeps", json=SWEEP).status_code == 403
        assert all(who.get(path).status_code == 403 for path in paths)
    for who in (users.other_officer, users.other_budget):
        response = who.post(f"/scenarios/{scenario_id}/sweeps", json=SWEEP)
        assert response.status_code == 404, response.text
        assert all(who.get(path).status_code == 404 for path in paths)
        assert who.post(f"/jobs/{job_id}/cancel").status_code == 404
    assert _stored(users.url) == before
    for who in (users.officer, users.budget):
        assert all(who.get(path).status_code == 200 for path in paths)


def test_with_a_cluster_address_the_variants_are_solved_on_that_cluster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """REPAT_SWEEP_ADDRESS: the job's variants go to the Dask scheduler named there (here a
    local one the test starts), every plan checked, the rows in the variants' order."""
    from distributed import LocalCluster

    from api import sweeps
    from planner.sweep import Axis, variants
    from tests.tiny import case, scenario

    week = scenario((case("C1"), case("C2")))
    chosen = variants(week, [Axis("budget", (0.5, 1.0))])
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        monkeypatch.setenv(sweeps.ADDRESS_ENV, local.scheduler_address)
        done: list[int] = []

        def between(count: int) -> str | None:
            done.append(count)
            return None

        results, stopped = sweeps.run(week, chosen, {"work_limit": 1}, between)
    assert stopped is None
    assert [r.variant.name for r in results] == [v.name for v in chosen]
    assert all(r.check == "ok" and not r.failed for r in results)
    assert done[-1] == len(chosen)
