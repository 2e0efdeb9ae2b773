"""``python -m benchmarks.load``: latency of plan and map fetches while a solve runs.

A real server (``repat serve --workers 1``) on a free loopback port, on a fresh SQLite
database in a temporary folder (or the ``--db`` URL), holds the demo week and its first-come
plan.  Concurrent clients fetch ``GET /plans/{id}`` and ``GET /plans/{id}/map.html`` in a loop
twice: first with nothing solving (the baseline, measured in the same run), then while the
worker runs the optimizer on the demo week.  Each fetch's latency is measured by the client,
from request to last byte, so it includes waiting for a connection slot of the server.
"""

from __future__ import annotations

import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from api.auth import add_user
from api.db import make_engine, sessions, upgrade
from planner.cli import DATABASE_ENV, demo_path
from planner.io.validate import read_scenario
from planner.io.write import write_scenario

ENDPOINTS = ("plan", "map")
PATHS = {"plan": "/plans/{plan_id}", "map": "/plans/{plan_id}/map.html"}
PHASES = ("idle", "solving")
# The solve is cancelled once the measured phase ends, so a generous limit costs nothing; it
# must outlast the worker's claim of the job and the model's preparation before the search.
SOLVE_MARGIN_S = 60.0
START_TIMEOUT_S = 120.0
JOB_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0
REQUEST_TIMEOUT_S = 120.0
ENDED = ("finished", "cancelled", "failed", "interrupted")


@dataclass(frozen=True, slots=True)
class Latencies:
    """One endpoint in one phase."""

    phase: str
    endpoint: str
    requests: int
    errors: int
    seconds: float  # the phase's wall time
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    mean_kib: float | None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Solve:
    time_limit: float
    running_throughout: bool  # still running when the solving phase ended
    progress_s: float | None  # the solve's own clock when the phase ended
    state_after: str  # after its cancellation


@dataclass
class LoadRun:
    clients: int
    seconds: float
    database: str  # "SQLite" or "PostgreSQL": never the URL, which may hold a password
    machine: str
    parties: int
    results: list[Latencies] = field(default_factory=list)
    solve: Solve | None = None
    errors: list[str] = field(default_factory=list)  # the first few failed fetches, said

    def result(self, phase: str, endpoint: str) -> Latencies:
        return next(r for r in self.results if (r.phase, r.endpoint) == (phase, endpoint))


def machine() -> str:
    # The load average says whether something else was running: the numbers are only as quiet
    # as the machine.
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f} before the run"
    )


def percentiles(values: list[float]) -> tuple[float, float, float, float] | None:
    """p50, p90, p99 and the maximum; None without values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[89], cuts[98], max(values)


def free_port() -> int:
    # The port may be taken again between here and the server's bind: unlikely on loopback.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# -- the server --------------------------------------------------------------------------------------


@contextmanager
def server(url: str, folder: Path, workers: int = 1) -> Iterator[str]:
    """``repat serve`` on a free loopback port; its base URL.  Stopped however the block ends:
    SIGTERM (the service stops its workers and marks their jobs), then SIGKILL to the group."""
    port = free_port()
    log = (folder / "server.log").open("wb")
    # The URL goes by the environment, not the command line, where any user could read it.
    env = {**os.environ, DATABASE_ENV: url}
    command = [sys.executable, "-m", "planner.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(process, base, folder / "server.log")
        yield base
    finally:
        _stop(process)
        log.close()


def _wait_up(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{_tail(log)}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer in {START_TIMEOUT_S:.0f} s:\n{_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(STOP_TIMEOUT_S)
    # Its session holds only the server and its workers (start_new_session above).
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


# -- the clients ---------------------------------------------------------------------------------


@dataclass
class _Samples:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {e: [] for e in ENDPOINTS})
    sizes: dict[str, list[int]] = field(default_factory=lambda: {e: [] for e in ENDPOINTS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENDPOINTS, 0))
    said: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, endpoint: str, seconds: float, size: int | None, error: str | None) -> None:
        with self.lock:
            if error is None and size is not None:
                self.latencies[endpoint].append(seconds * 1000)
                self.sizes[endpoint].append(size)
            else:
                self.errors[endpoint] += 1
                if len(self.said) < 5:
                    self.said.append(f"{endpoint}: {error}")


def _client(base: str, key: str, plan_id: int, start: int, deadline: float, samples: _Samples) -> None:
    """Fetch the plan and its map in turn until the deadline; ``start`` staggers the clients
    so that both endpoints are asked for at every moment."""
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=REQUEST_TIMEOUT_S) as client:
        turn = start
        while time.monotonic() < deadline:
            endpoint = ENDPOINTS[turn % len(ENDPOINTS)]
            turn += 1
            began = time.perf_counter()
            try:
                response = client.get(PATHS[endpoint].format(plan_id=plan_id))
                took = time.perf_counter() - began
                if response.status_code == 200:
                    samples.add(endpoint, took, len(response.content), None)
                else:
                    samples.add(endpoint, took, None, f"HTTP {response.status_code}: {response.text[:200]}")
            except httpx.HTTPError as error:
                samples.add(endpoint, time.perf_counter() - began, None, f"{type(error).__name__}: {error}")


def measure(
    base: str, key: str, plan_id: int, clients: int, seconds: float, phase: str
) -> tuple[list[Latencies], list[str]]:
    """``clients`` threads fetching for ``seconds``: each endpoint's latencies."""
    samples = _Samples()
    began = time.monotonic()
    threads = [
        threading.Thread(
            target=_client, args=(base, key, plan_id, index, began + seconds, samples), name=f"client-{index}"
        )
        for index in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    results = []
    for endpoint in ENDPOINTS:
        values = samples.latencies[endpoint]
        cut = percentiles(values)
        sizes = samples.sizes[endpoint]
        results.append(
            Latencies(
                phase=phase,
                endpoint=endpoint,
                requests=len(values) + samples.errors[endpoint],
                errors=samples.errors[endpoint],
                seconds=wall,
                p50_ms=cut[0] if cut else None,
                p90_ms=cut[1] if cut else None,
                p99_ms=cut[2] if cut else None,
                max_ms=cut[3] if cut else None,
                mean_kib=statistics.fmean(sizes) / 1024 if sizes else None,
            )
        )
    return results, [f"{phase} {s}" for s in samples.said]


# -- the run -------------------------------------------------------------------------------------


def _officer(url: str) -> str:
    """A new officer's key, written to the database before the server starts."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with sessions(engine)() as session, session.begin():
            # A unique name: a --db database may have had a run already.
            return add_user(session, f"load-{time.time_ns()}", "Load test office", "officer")
    finally:
        engine.dispose()


def _job(client: httpx.Client, scenario_id: int, parameters: dict[str, Any]) -> int:
    response = client.post(f"/scenarios/{scenario_id}/jobs", json=parameters)
    response.raise_for_status()
    job_id: int = response.json()["job_id"]
    return job_id


def _wait_job(client: httpx.Client, job_id: int, states: tuple[str, ...]) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}").raise_for_status().json()
        if job["state"] in states:
            return job
        time.sleep(0.2)
    raise RuntimeError(f"job {job_id} did not reach {' or '.join(states)} in {JOB_TIMEOUT_S:.0f} s")


def run_load(
    clients: int = 8, seconds: float = 30.0, db: str | None = None, say: Callable[[str], None] = print
) -> LoadRun:
    """The whole run: server, upload, baseline plan, the idle phase, then the solving phase."""
    with tempfile.TemporaryDirectory(prefix="repat-load-") as temporary:
        folder = Path(temporary)
        url = db or f"sqlite:///{folder / 'repat.db'}"
        key = _officer(url)
        archive = write_scenario(read_scenario(demo_path()), folder / "demo.zip")
        with server(url, folder) as base:
            say(f"server at {base}")
            with httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=REQUEST_TIMEOUT_S
            ) as client:
                uploaded = client.post(
                    "/scenarios", files=[("files", ("demo.zip", archive.read_bytes(), "application/zip"))]
                ).raise_for_status()
                scenario_id = uploaded.json()["scenario_id"]
                done = _wait_job(client, _job(client, scenario_id, {"baseline": True}), ENDED)
                if done["state"] != "finished" or done["plan_id"] is None:
                    raise RuntimeError(f"the baseline solve ended {done['state']}: {done['message']}")
                plan_id: int = done["plan_id"]
                plan = client.get(f"/plans/{plan_id}").raise_for_status().json()
                client.get(f"/plans/{plan_id}/map.html").raise_for_status()  # warm: the first render
                run = LoadRun(
                    clients=clients,
                    seconds=seconds,
                    database="PostgreSQL" if url.startswith("postgresql") else "SQLite",
                    machine=machine(),
                    parties=len(plan["plan"].get("parties", [])),
                )

                say(f"idle: {clients} clients for {seconds:.0f} s, nothing solving")
                results, said = measure(base, key, plan_id, clients, seconds, "idle")
                run.results += results
                run.errors += said

                limit = seconds + SOLVE_MARGIN_S
                job_id = _job(client, scenario_id, {"time_limit": limit, "seed": 0})
                _wait_job(client, job_id, ("running", *ENDED))
                say(f"solving: {clients} clients for {seconds:.0f} s, the optimizer running (job {job_id})")
                try:
                    results, said = measure(base, key, plan_id, clients, seconds, "solving")
                    run.results += results
                    run.errors += said
                    during = client.get(f"/jobs/{job_id}").raise_for_status().json()
                finally:
                    client.post(f"/jobs/{job_id}/cancel")
                after = _wait_job(client, job_id, ENDED)
                run.solve = Solve(
                    time_limit=limit,
                    running_throughout=during["state"] == "running",
                    progress_s=during["progress_seconds"],
                    state_after=after["state"],
                )
        return run


# -- the report ----------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def markdown(run: LoadRun, command: str) -> str:
    title = {"plan": "`GET /plans/{id}`", "map": "`GET /plans/{id}/map.html`"}
    phase_said = {"idle": "nothing solving (baseline)", "solving": "optimizer solving"}
    lines = [
        "# Plan and map fetches under load, while a solve runs",
        "",
        f"Command: `{command}`  ",
        f"Machine: {run.machine}  ",
        f"Server: `repat serve --workers 1` on loopback, {run.database}; {run.clients} client threads "
        f"(httpx, one connection each) on the same machine, {run.seconds:.0f} s per phase  ",
        f"Plan: the demo week's first-come plan ({run.parties} parties)",
        "",
        "| phase | endpoint | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms | KiB |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in run.results:
        lines.append(
            f"| {phase_said[r.phase]} | {title[r.endpoint]} | {r.requests} | {r.errors} | {r.per_second:.1f} "
            f"| {_ms(r.p50_ms)} | {_ms(r.p90_ms)} | {_ms(r.p99_ms)} | {_ms(r.max_ms)} "
            f"| {'' if r.mean_kib is None else f'{r.mean_kib:,.0f}'} |"
        )
    lines.append("")
    for endpoint in ENDPOINTS:
        idle, solving = run.result("idle", endpoint), run.result("solving", endpoint)
        if idle.p50_ms and solving.p50_ms and idle.p99_ms and solving.p99_ms:
            lines.append(
                f"- {title[endpoint]} while solving: p50 × {solving.p50_ms / idle.p50_ms:.2f}, "
                f"p99 × {solving.p99_ms / idle.p99_ms:.2f}, throughput × "
                f"{solving.per_second / idle.per_second:.2f} of the baseline."
            )
    if run.solve is not None:
        s = run.solve
        throughout = (
            "ran through the whole phase"
            if s.running_throughout
            else "had ENDED before the phase did: the numbers understate the load"
        )
        progress = (
            "" if s.progress_s is None else f" (its clock at {s.progress_s:.0f} s when the phase ended)"
        )
        lines.append(
            f"- The solve (optimizer, time limit {s.time_limit:.0f} s) {throughout}"
            f"{progress}; cancelled after, it ended {s.state_after}."
        )
    if run.errors:
        lines += ["", "First errors:", "", *(f"- {e}" for e in run.errors)]
    return "\n".join(lines) + "\n"


def shown_command(arguments: list[str]) -> str:
    """The command as run, but a database URL, which may hold a password, only as URL."""
    shown = []
    hide = False
    for argument in arguments:
        if hide:
            argument, hide = "URL", False
        elif argument == "--db":
            hide = True
        elif argument.startswith("--db="):
            argument = "--db=URL"
        shown.append(argument)
    return " ".join(["python -m benchmarks.load", *shown])


app = typer.Typer(add_completion=False, help=__doc__)


@app.command()
def main(
    clients: Annotated[int, typer.Option(help="Concurrent clients.", min=1)] = 8,
    seconds: Annotated[float, typer.Option(help="Seconds of each phase.", min=1)] = 30.0,
    db: Annotated[
        str | None, typer.Option(help="Database URL (an empty one: the run adds to it); default SQLite.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Markdown file for the results.")] = Path(
        "benchmarks/results/load.md"
    ),
) -> None:
    """Measure plan and map fetches with nothing solving, then while the optimizer solves."""
    run = run_load(clients, seconds, db, say=lambda line: print(line, file=sys.stderr, flush=True))
    report = markdown(run, shown_command(sys.argv[1:]))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(report)
    if any(r.errors for r in run.results):
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
