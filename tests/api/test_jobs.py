"""Solve jobs: worker processes solve outside the requests, report progress, store each plan
as a new version, keep the best plan of a cancelled job, and die with the server; a job that
was running when the server was killed is interrupted, and runs again on request."""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from api.app import create_app
from api.auth import add_user
from api.db import Job, Office, StoredScenario, User, make_engine, sessions, upgrade
from api.worker import Worker, recover_interrupted
from planner.check import check_plan
from planner.cli import demo_path
from planner.io.plan_json import plan_from_dict
from planner.io.validate import read_scenario
from planner.io.write import write_scenario

# Generous: the machine is shared, and these bound waits, they measure nothing.
WAIT = 300.0
POLL = 0.5
# A short solve; the plan's quality is not what these tests are about.
SHORT = {"time_limit": 10, "work_limit": 1}
# A solve that only ends when it is cancelled or its server stops.
LONG = {"time_limit": 600}
ENDED = ("finished", "cancelled", "failed", "interrupted")


def wait_for(what: str, found: Callable[[], Any], timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(POLL)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


@dataclass
class Api:
    """Requests of one officer, to a service in this process or a real server."""

    client: httpx.Client
    key: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path, headers=self.auth)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.post(path, headers=self.auth, **kwargs)

    def upload_demo(self, folder: Path) -> int:
        archive = write_scenario(read_scenario(demo_path()), folder / "demo.zip")
        response = self.post(
            "/scenarios", files=[("files", ("demo.zip", archive.read_bytes(), "application/zip"))]
        )
        assert response.status_code == 201, response.text
        scenario_id: int = response.json()["scenario_id"]
        return scenario_id

    def solve(self, scenario_id: int, **parameters: Any) -> dict[str, Any]:
        response = self.post(f"/scenarios/{scenario_id}/jobs", json=parameters)
        assert response.status_code == 202, response.text
        job: dict[str, Any] = response.json()
        assert job["state"] == "queued"
        return job

    def job(self, job_id: int) -> dict[str, Any]:
        response = self.get(f"/jobs/{job_id}")
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        return job

    def wait(self, job_id: int, until: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        def check() -> dict[str, Any] | None:
            job = self.job(job_id)
            return job if until(job) else None

        job: dict[str, Any] = wait_for(f"job {job_id}: {what}", check)
        return job

    def ended(self, job_id: int) -> dict[str, Any]:
        return self.wait(job_id, lambda j: j["state"] in ENDED, "to end")


# -- in this process: TestClient, one worker process ------------------------------------------------


def officer_key(url: str) -> str:
    upgrade(url)
    engine = make_engine(url)
    try:
        with sessions(engine)() as session, session.begin():
            return add_user(session, "officer", "Dinsos Kab. Kotawaringin Barat", "officer")
    finally:
        engine.dispose()


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    key = officer_key(database_url)
    with TestClient(create_app(database_url, workers=1)) as client:
        yield Api(client, key)


def test_a_solve_reports_progress_and_each_solve_is_a_new_version(api: Api, tmp_path: Path) -> None:
    scenario_id = api.upload_demo(tmp_path)
    first = api.ended(api.solve(scenario_id, **SHORT)["job_id"])
    assert first["state"] == "finished", first
    assert first["plan_id"] is not None and first["started"] and first["ended"]
    assert first["best_idr"] > 0 and first["progress_seconds"] > 0
    # Every round of column generation is counted, those for the bound after the search too.
    assert first["rounds"] is not None and first["rounds"] >= 1
    assert 0 <= first["bound_idr"] <= first["best_idr"]
    one = api.get(f"/plans/{first['plan_id']}")
    assert one.status_code == 200
    assert one.json()["version"] == 1
    assert one.json()["total_idr"] == first["best_idr"] == one.json()["plan"]["objective"]["total_idr"]
    scenario = read_scenario(demo_path())
    assert check_plan(scenario, plan_from_dict(one.json()["plan"])) == []
    # What the other users read off the finished plan: the map and the budget workbook.
    route_map = api.get(f"/plans/{first['plan_id']}/map.html")
    assert route_map.status_code == 200 and route_map.headers["content-type"].startswith("text/html")
    assert "leaflet" in route_map.text.lower()
    budget = api.get(f"/plans/{first['plan_id']}/budget.xlsx")
    assert budget.status_code == 200
    lines = load_workbook(io.BytesIO(budget.content)).worksheets[0]
    totals = [row for row in lines.iter_rows(values_only=True) if row[0] == "Jumlah"]
    assert totals and totals[0][5] == one.json()["plan"]["objective"]["cost_idr"]

    second = api.ended(api.solve(scenario_id, baseline=True)["job_id"])
    assert second["state"] == "finished", second
    two = api.get(f"/plans/{second['plan_id']}").json()
    assert two["version"] == 2 and two["parameters"]["baseline"] is True
    assert api.get(f"/plans/{first['plan_id']}").content == one.content
    assert [p["version"] for p in api.get(f"/plans?scenario_id={scenario_id}").json()] == [1, 2]


def test_a_cancelled_solve_keeps_its_best_plan_and_the_api_answers_meanwhile(
    api: Api, tmp_path: Path
) -> None:
    scenario_id = api.upload_demo(tmp_path)
    job_id = api.solve(scenario_id, **LONG)["job_id"]
    running = api.wait(job_id, lambda j: j["best_idr"] is not None, "its first progress")
    assert running["state"] == "running" and running["plan_id"] is None
    # The solve runs in another process: requests are answered while it searches.
    assert api.client.get("/health").json() == {"status": "ok"}
    listed = api.get("/jobs").json()
    assert [j["state"] for j in listed if j["job_id"] == job_id] == ["running"]

    cancelling = api.post(f"/jobs/{job_id}/cancel")
    assert cancelling.status_code == 200 and cancelling.json()["state"] == "cancelling"
    ended = api.ended(job_id)
    assert ended["state"] == "cancelled", ended
    assert ended["progress_seconds"] < LONG["time_limit"]
    assert "best found" in ended["message"]
    stored = api.get(f"/plans/{ended['plan_id']}").json()
    # Not the baseline's plan but the search's best (the demo week is one part, so the
    # progress reported is the whole plan's).
    assert stored["total_idr"] == ended["best_idr"] <= running["best_idr"]
    assert check_plan(read_scenario(demo_path()), plan_from_dict(stored["plan"])) == []
    assert api.post(f"/jobs/{job_id}/cancel").status_code == 409


# -- the parts of a worker, without its process ------------------------------------------------------


def add_jobs(url: str, count: int, state: str = "queued") -> list[int]:
    """Jobs of one scenario (its archive is not read by these tests)."""
    engine = make_engine(url)
    try:
        with sessions(engine)() as session, session.begin():
            office = session.scalar(select(Office))
            user = session.scalar(select(User))
            assert office is not None and user is not None
            scenario = StoredScenario(
                office_id=office.office_id,
                name="w",
                archive=b"not a zip",
                summary={},
                uploaded_by=user.user_id,
            )
            session.add(scenario)
            session.flush()
            jobs = [
                Job(
                    office_id=office.office_id,
                    scenario_id=scenario.scenario_id,
                    parameters=dict(LONG),
                    submitted_by=user.user_id,
                    state=state,
                    worker="gone" if state != "queued" else None,
                )
                for _ in range(count)
            ]
            session.add_all(jobs)
            session.flush()
            return [j.job_id for j in jobs]
    finally:
        engine.dispose()


def test_workers_claim_the_oldest_queued_job_and_never_the_same(database_url: str) -> None:
    officer_key(database_url)
    queued = add_jobs(database_url, 40)
    claimed: dict[str, list[int]] = {"a": [], "b": []}

    def claim(name: str) -> None:
        engine = make_engine(database_url)
        worker = Worker(sessions(engine), name, os.getppid(), threading.Event())
        while (job_id := worker.claim()) is not None:
            claimed[name].append(job_id)
        engine.dispose()

    threads = [threading.Thread(target=claim, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed["a"] + claimed["b"]) == queued
    assert claimed["a"] == sorted(claimed["a"]) and claimed["b"] == sorted(claimed["b"])
    engine = make_engine(database_url)
    with sessions(engine)() as session:
        jobs = session.scalars(select(Job).order_by(Job.job_id)).all()
        assert {j.state for j in jobs} == {"running"}
        assert all(j.job_id in claimed[j.worker or ""] and j.started is not None for j in jobs)
    engine.dispose()


def test_a_job_whose_scenario_cannot_be_read_fails_with_a_message(database_url: str) -> None:
    officer_key(database_url)
    (job_id,) = add_jobs(database_url, 1)
    engine = make_engine(database_url)
    worker = Worker(sessions(engine), "w", os.getppid(), threading.Event())
    assert worker.claim() == job_id
    worker.run(job_id)
    with sessions(engine)() as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert job.state == "failed" and job.plan_id is None and job.ended is not None
        assert job.message and job.message.startswith("the solve failed: ")
        assert "Traceback" not in job.message
    engine.dispose()


def test_recovery_interrupts_running_and_cancelling_jobs_only(database_url: str) -> None:
    officer_key(database_url)
    running = add_jobs(database_url, 2, "running")
    cancelling = add_jobs(database_url, 1, "cancelling")
    queued = add_jobs(database_url, 1, "queued")
    engine = make_engine(database_url)
    assert recover_interrupted(sessions(engine)) == 3
    assert recover_interrupted(sessions(engine)) == 0
    with sessions(engine)() as session:
        for job_id in running + cancelling:
            job = session.get(Job, job_id)
            assert job is not None and job.state == "interrupted" and job.ended is not None
            assert f"POST /jobs/{job_id}/rerun" in (job.message or "")
        job = session.get(Job, queued[0])
        assert job is not None and job.state == "queued"
    engine.dispose()


# -- a real server, killed during a solve -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def repat(*args: str) -> list[str]:
    return [sys.executable, "-m", "planner.cli", *args]


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found |= {int(p) for p in task.read_text().split()}
    return found


def alive(pid: int) -> bool:
    """Running, not merely a zombie left for its new parent to reap."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str


@contextlib.contextmanager
def server(data: Path, log: Path) -> Iterator[Server]:
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen(
            repat("serve", "--port", str(port), "--data", str(data), "--workers", "1"),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            assert process.poll() is None, f"the server stopped: {log.read_text()[-3000:]}"
            try:
                return httpx.get(f"{url}/health", timeout=5).status_code == 200
            except httpx.TransportError:
                return False

        wait_for("the server to answer", up, 120)
        yield Server(process, url)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(30)
        # Workers that outlived it would be in its session (its process group) still.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def stored_state(database: Path, job_id: int) -> str:
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as connection:
        row = connection.execute("SELECT state FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return str(row[0])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers die with the server on Linux")
def test_killing_the_server_during_a_solve_interrupts_the_job_and_keeps_the_plans(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    added = subprocess.run(
        repat(
            "users",
            "add",
            "ana",
            "--office",
            "Dinsos Kab. Kotawaringin Barat",
            "--role",
            "officer",
            "--data",
            str(data),
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    key = re.fullmatch(r"\s*(rpt_\S+)\s*", added.stdout)
    assert key, added.stdout
    database = data / "repat.db"

    with server(data, log) as first, httpx.Client(base_url=first.url, timeout=60) as client:
        api = Api(client, key[1])
        scenario_id = api.upload_demo(tmp_path)
        done = api.ended(api.solve(scenario_id, **SHORT)["job_id"])
        assert done["state"] == "finished", done
        plan = api.get(f"/plans/{done['plan_id']}")
        assert plan.status_code == 200

        long_id = api.solve(scenario_id, **LONG)["job_id"]
        api.wait(long_id, lambda j: j["state"] == "running", "to run")
        workers = children(first.process.pid)
        assert any(b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes() for p in workers), workers
        first.process.kill()
        first.process.wait(30)
        wait_for("the workers to die with the server", lambda: not any(alive(p) for p in workers), 30)
    # Nobody is left to end the job: it stays as the server left it until the next start.
    time.sleep(2)
    assert stored_state(database, long_id) == "running"

    with server(data, log) as second, httpx.Client(base_url=second.url, timeout=60) as client:
        api = Api(client, key[1])
        interrupted = api.job(long_id)
        assert interrupted["state"] == "interrupted", interrupted
        assert interrupted["plan_id"] is None and f"/jobs/{long_id}/rerun" in interrupted["message"]
        assert api.get(f"/plans/{done['plan_id']}").content == plan.content
        assert [p["plan_id"] for p in api.get("/plans").json()] == [done["plan_id"]]

        again = api.post(f"/jobs/{long_id}/rerun")
        assert again.status_code == 202, again.text
        rerun = again.json()
        assert rerun["state"] == "queued" and rerun["job_id"] != long_id
        api.wait(rerun["job_id"], lambda j: j["state"] == "running", "to run")
        # A graceful stop (SIGTERM, as systemd and Ctrl-C do) interrupts the running job itself.
        second.process.send_signal(signal.SIGTERM)
        # uvicorn ends by raising the signal again once it has shut down: -SIGTERM is success.
        assert second.process.wait(120) in (0, -signal.SIGTERM), log.read_text()[-3000:]
        assert "Application shutdown complete" in log.read_text()
    assert stored_state(database, rerun["job_id"]) == "interrupted"
    assert stored_state(database, done["job_id"]) == "finished"
