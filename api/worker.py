"""Solve jobs, run in worker processes beside the service.

A worker claims the oldest queued job, plans its scenario (or, for a re-plan job, plans the
week of an earlier plan again after its events: ``api.replans``; for a sweep job, plans each
variant of the week and stores their results with the job's end: ``api.sweeps``), checks the
plan and stores it: the plan's row and the job's end are written in one transaction, so a job
is never finished without its plan, nor a plan stored for a job that did not end.  While it solves, a watcher
thread writes the progress to the job and looks whether the job was cancelled; a cancelled job
stops its search and keeps the best plan found so far.

Workers die with the service.  The kernel kills them when the service's process dies, even by
SIGKILL, and every write of a worker names the job as still running on that worker, so a job
the restarted service marked interrupted is never ended twice.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal, cast

from sqlalchemy import case, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from api import replans, sweeps
from api.db import (
    Job,
    StoredPlan,
    StoredReplan,
    StoredScenario,
    StoredSweep,
    make_engine,
    now,
    sessions,
)
from api.scenarios import unarchive
from planner.baseline import plan_baseline
from planner.check import check_plan
from planner.io.plan_json import plan_from_dict, plan_to_dict
from planner.optimizer import Options
from planner.plan import Plan
from planner.replan import ReplanError
from planner.scenario import Scenario
from planner.solver.generation import Round
from planner.solver.search import ColumnOptimizer
from planner.sweep import SweepError, VariantResult

SessionFactory = Callable[[], Session]
ACTIVE = ("running", "cancelling")
IDLE_POLL_SECONDS = 0.5
# The watcher writes the progress and reads the job's state this often: at most two writes a
# second per job, however often the solver reports.
WATCH_SECONDS = 0.5
# How long stop() waits for the workers to give up their jobs before it kills them.
STOP_GRACE_SECONDS = 10.0
# A store that collides with another worker's plan of the same scenario takes the next version.
STORE_ATTEMPTS = 5
MESSAGE_CHARS = 1000
PR_SET_PDEATHSIG = 1

log = logging.getLogger("repat.worker")


def interrupted_message(job_id: int) -> str:
    return (
        "the server stopped during the solve, so no plan was stored; "
        f"POST /jobs/{job_id}/rerun runs it again as a new job"
    )


def recover_interrupted(session_factory: SessionFactory) -> int:
    """Mark every job left running or cancelling by a server that stopped as interrupted;
    returns how many.  Call it before any worker starts: a running job is then one whose
    worker died with the previous server."""
    with session_factory() as session, session.begin():
        jobs = session.scalars(select(Job).where(Job.state.in_(ACTIVE))).all()
        for job in jobs:
            job.state = "interrupted"
            job.ended = now()
            job.message = interrupted_message(job.job_id)
    if jobs:
        log.warning(
            "%d job(s) interrupted by the last stop of the server: %s", len(jobs), [j.job_id for j in jobs]
        )
    return len(jobs)


class WorkerPool:
    """``processes`` worker processes solving the queued jobs of the database at ``url``."""

    def __init__(self, url: str, processes: int) -> None:
        self.url = url
        self.processes = processes
        self.names: list[str] = []
        self._workers: list[multiprocessing.process.BaseProcess] = []
        self._shutdown: Any = None

    def start(self) -> None:
        if self.processes <= 0:
            return
        # Spawned, not forked: a fork would copy the service's threads, locks and open
        # database connections into the worker.
        context = multiprocessing.get_context("spawn")
        self._shutdown = context.Event()
        server = os.getpid()
        for index in range(self.processes):
            name = f"{socket.gethostname()[:60]}:{server}/{index + 1}"
            process = context.Process(
                target=work,
                args=(self.url, name, server, self._shutdown),
                name=f"repat-worker-{index + 1}",
                daemon=True,
            )
            process.start()
            self.names.append(name)
            self._workers.append(process)

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Ask the workers to stop, kill those that do not within ``grace`` seconds, and mark
        the jobs they leave running interrupted."""
        if not self._workers:
            return
        self._shutdown.set()
        deadline = time.monotonic() + grace
        for process in self._workers:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in self._workers:
            if process.is_alive():
                log.warning("worker %s did not stop in %.0f s: killed", process.pid, grace)
                process.kill()
                process.join(5)
        engine = make_engine(self.url)
        try:
            with sessions(engine)() as session, session.begin():
                left = session.scalars(
                    select(Job).where(Job.state.in_(ACTIVE), Job.worker.in_(self.names))
                ).all()
                for job in left:
                    job.state, job.ended, job.message = "interrupted", now(), interrupted_message(job.job_id)
        finally:
            engine.dispose()
        self._workers.clear()


# -- inside a worker process -----------------------------------------------------------------------


def work(url: str, name: str, server: int, shutdown: Any) -> None:
    """A worker process's life: claim, plan and store jobs until the service stops or dies."""
    _die_with(server)
    # Ctrl-C reaches every process of the terminal's group: the service alone decides when its
    # workers stop, and marks their jobs.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s worker {name} %(levelname)s: %(message)s")
    engine = make_engine(url)
    try:
        Worker(sessions(engine), name, server, shutdown).loop()
    finally:
        engine.dispose()


def _die_with(server: int) -> None:
    """Have the kernel kill this process when the service's process dies, however it dies: a
    worker left behind would go on solving for nobody."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the workers' checks of their parent are all there is
    if os.getppid() != server:  # the service died before the kernel was told
        os._exit(1)


@dataclass
class _Progress:
    seconds: float | None = None
    best: int | None = None
    bound: int | None = None
    rounds: int | None = None
    written: tuple[float | None, int | None, int | None, int | None] = (None, None, None, None)


Ending = Literal["done", "cancel", "shutdown", "lost"]


class Worker:
    def __init__(self, session_factory: SessionFactory, name: str, server: int, shutdown: Any) -> None:
        self.sessions = session_factory
        self.name = name
        self.server = server
        self.shutdown = shutdown

    def server_alive(self) -> bool:
        return os.getppid() == self.server

    def loop(self) -> None:
        while not self.shutdown.is_set():
            if not self.server_alive():
                os._exit(1)
            try:
                job_id = self.claim()
            except Exception:
                # The database may be restarting: try again, as the service does.
                log.exception("could not claim a job")
                job_id = None
            if job_id is None:
                self.shutdown.wait(IDLE_POLL_SECONDS)
                continue
            log.info("job %d claimed", job_id)
            try:
                self.run(job_id)
            except Exception:
                # Ending the job failed too (the database is gone?): the job stays running
                # until the server's next start marks it interrupted.
                log.exception("job %d could not be ended", job_id)

    def claim(self) -> int | None:
        """Take the oldest queued job.  One conditional UPDATE both picks and takes it, so two
        workers never take the same job: on PostgreSQL the second waits for the first's row
        lock and then finds the job no longer queued; SQLite runs one writer at a time."""
        oldest = select(func.min(Job.job_id)).where(Job.state == "queued").scalar_subquery()
        statement = (
            update(Job)
            .where(Job.job_id == oldest, Job.state == "queued")
            .values(state="running", worker=self.name, started=now(), message=None)
            .returning(Job.job_id)
            .execution_options(synchronize_session=False)
        )
        with self.sessions() as session, session.begin():
            claimed: int | None = session.execute(statement).scalar_one_or_none()
            return claimed

    def _mine(self, job_id: int) -> ColumnElement[bool]:
        """The job, as long as it is still running on this worker."""
        return (Job.job_id == job_id) & (Job.worker == self.name) & Job.state.in_(ACTIVE)

    def run(self, job_id: int) -> None:
        stop = threading.Event()
        watcher = _Watcher(self, job_id, stop)
        try:
            replanned: replans.Replanning | None = None
            old_json: dict[str, Any] | None = None
            with self.sessions() as session:
                job = session.get(Job, job_id)
                assert job is not None
                parameters = dict(job.parameters)
                scenario_id, office_id = job.scenario_id, job.office_id
                if "replan" in parameters:
                    # A re-plan plans the week its plan was made for, after the events.
                    old_row = session.get(StoredPlan, int(parameters["replan"]["plan_id"]))
                    assert old_row is not None and old_row.scenario_id == scenario_id
                    archive, old_json = replans.week_archive(session, old_row), old_row.plan_json
                else:
                    stored = session.get(StoredScenario, job.scenario_id)
                    assert stored is not None
                    archive = stored.archive
            if "sweep" in parameters:
                self.sweep(job_id, scenario_id, office_id, parameters, archive)
                return
            watcher.start()
            if old_json is not None:
                replanned = replans.run(parameters, plan_from_dict(old_json), archive, watcher.report, stop)
                plan, violations = replanned.plan, replanned.violations
            else:
                scenario = unarchive(archive)
                plan = solve(scenario, parameters, watcher.report, stop, watcher.round)
                violations = check_plan(scenario, plan)
        except ReplanError as error:
            # The officer's to decide (a kept party on a cancelled service): said, not a crash.
            log.info("job %d cannot re-plan: %s", job_id, error)
            watcher.finish()
            self.end(job_id, "failed", f"cannot re-plan: {error}")
            return
        except Exception as error:
            log.exception("job %d failed", job_id)
            watcher.finish()
            self.end(job_id, "failed", f"the solve failed: {_said(error)}")
            return
        ending = watcher.finish()
        if not self.server_alive():
            os._exit(1)
        if violations:
            log.error("job %d: the plan fails its own check: %s", job_id, [str(v) for v in violations])
            self.end(
                job_id,
                "failed",
                f"the plan fails its own check ({len(violations)} violation(s), the first: {violations[0]}); "
                "nothing was stored. Report this as a bug, with the scenario",
            )
            return
        if ending == "lost":
            log.warning("job %d is no longer this worker's: its plan is dropped", job_id)
            return
        # Stopped for the server's shutdown: the plan is not what was asked for, so the job is
        # interrupted and runs again later; a job being cancelled keeps its plan even then.
        if ending == "shutdown" and self.end(
            job_id, "interrupted", interrupted_message(job_id), only="running"
        ):
            log.info("job %d interrupted: the server is stopping", job_id)
            return
        try:
            state = self.store(job_id, scenario_id, office_id, parameters, plan, replanned)
        except Exception as error:
            log.exception("job %d: its plan could not be stored", job_id)
            self.end(job_id, "failed", f"the plan could not be stored: {_said(error)}")
            return
        log.info("job %d %s", job_id, state or "was taken from this worker: its plan is dropped")

    def sweep(
        self, job_id: int, scenario_id: int, office_id: int, parameters: dict[str, Any], archive: bytes
    ) -> None:
        """Plan a sweep's variants one after another (``api.sweeps``), writing after each how
        many are done and stopping after the current one when the job is cancelled; then store
        the results and end the job in one transaction."""
        started = time.perf_counter()
        asked = parameters["sweep"]
        try:
            scenario = unarchive(archive)
            chosen = sweeps.choose(scenario, asked.get("vary") or [], asked.get("line"))
        except SweepError as error:
            self.end(job_id, "failed", f"cannot sweep: {error}")
            return
        total = len(chosen)

        def between(done: int) -> str | None:
            if not self.server_alive():
                os._exit(1)  # the server died: nobody wants these results
            with self.sessions() as session, session.begin():
                state: str | None = session.execute(
                    update(Job)
                    .where(self._mine(job_id))
                    .values(
                        variants_done=done,
                        variants_total=total,
                        progress_seconds=time.perf_counter() - started,
                    )
                    .returning(Job.state)
                    .execution_options(synchronize_session=False)
                ).scalar_one_or_none()
            if state is None:
                return "lost"
            if state == "cancelling":
                return "cancel"
            if self.shutdown.is_set():
                return "shutdown"
            return None

        results, stopped = sweeps.run(scenario, chosen, parameters, between)
        if not self.server_alive():
            os._exit(1)
        if stopped == "lost":
            log.warning("job %d is no longer this worker's: its sweep is dropped", job_id)
            return
        # Stopped for the server's shutdown: interrupted, to run again; a sweep being
        # cancelled keeps its variants done even then.
        if stopped == "shutdown" and self.end(
            job_id, "interrupted", interrupted_message(job_id), only="running"
        ):
            log.info("job %d interrupted: the server is stopping", job_id)
            return
        if not results:
            self.end(job_id, "cancelled", "cancelled before any variant was planned")
            return
        try:
            state = self.store_sweep(
                job_id, scenario_id, office_id, total, results, time.perf_counter() - started
            )
        except Exception as error:
            log.exception("job %d: its sweep could not be stored", job_id)
            self.end(job_id, "failed", f"the sweep could not be stored: {_said(error)}")
            return
        log.info("job %d %s", job_id, state or "was taken from this worker: its sweep is dropped")

    def store_sweep(
        self,
        job_id: int,
        scenario_id: int,
        office_id: int,
        total: int,
        results: list[VariantResult],
        seconds: float,
    ) -> str | None:
        """Store a sweep's results and end its job, in one transaction: finished, or cancelled
        when it was being cancelled.  None when the job is no longer this worker's."""
        with self.sessions() as session, session.begin():
            state: str | None = session.execute(
                update(Job)
                .where(self._mine(job_id))
                .values(
                    state=case((Job.state == "cancelling", "cancelled"), else_="finished"),
                    ended=now(),
                    variants_done=len(results),
                    variants_total=total,
                    progress_seconds=seconds,
                )
                .returning(Job.state)
                .execution_options(synchronize_session=False)
            ).scalar_one_or_none()
            if state is None:
                return None
            session.add(
                StoredSweep(
                    job_id=job_id,
                    office_id=office_id,
                    scenario_id=scenario_id,
                    variants_total=total,
                    results=[sweeps.result_to_dict(r) for r in results],
                )
            )
            session.flush()
            said = sweeps.message(results, total, cancelled=state == "cancelled")
            session.execute(
                update(Job)
                .where(Job.job_id == job_id)
                .values(message=said[:MESSAGE_CHARS])
                .execution_options(synchronize_session=False)
            )
            return state

    def end(self, job_id: int, state: str, message: str, only: str | None = None) -> bool:
        """End the job without a plan; False when it is no longer this worker's."""
        where = self._mine(job_id) if only is None else self._mine(job_id) & (Job.state == only)
        with self.sessions() as session, session.begin():
            result = session.execute(
                update(Job)
                .where(where)
                .values(state=state, ended=now(), message=message[:MESSAGE_CHARS])
                .execution_options(synchronize_session=False)
            )
            return cast(CursorResult[Any], result).rowcount == 1

    def store(
        self,
        job_id: int,
        scenario_id: int,
        office_id: int,
        parameters: dict[str, Any],
        plan: Plan,
        replanned: replans.Replanning | None = None,
    ) -> str | None:
        """Store the plan as the scenario's next version and end the job with it, in one
        transaction: finished, or cancelled when it was being cancelled.  A re-plan's plan is
        stored with what it was made from and its changes, in the same transaction.  None when
        the job is no longer this worker's (nothing is stored then)."""
        objective = plan.objective
        document = plan_to_dict(plan)
        for attempt in range(1, STORE_ATTEMPTS + 1):
            try:
                with self.sessions() as session, session.begin():
                    # The job's row first: on SQLite this takes the write lock, so nothing
                    # changes under the rest of the transaction.
                    state: str | None = session.execute(
                        update(Job)
                        .where(self._mine(job_id))
                        .values(
                            state=case((Job.state == "cancelling", "cancelled"), else_="finished"),
                            ended=now(),
                            best_idr=objective.total_idr,
                            bound_idr=objective.lower_bound_idr,
                            progress_seconds=plan.solve_seconds,
                        )
                        .returning(Job.state)
                        .execution_options(synchronize_session=False)
                    ).scalar_one_or_none()
                    if state is None:
                        return None
                    latest = session.scalar(
                        select(func.max(StoredPlan.version)).where(StoredPlan.scenario_id == scenario_id)
                    )
                    row = StoredPlan(
                        office_id=office_id,
                        scenario_id=scenario_id,
                        version=(latest or 0) + 1,
                        status=plan.status,
                        total_idr=objective.total_idr,
                        gap=objective.gap,
                        solve_seconds=plan.solve_seconds,
                        parameters=parameters,
                        plan_json=document,
                    )
                    session.add(row)
                    session.flush()
                    if replanned is not None:
                        session.add(
                            StoredReplan(
                                plan_id=row.plan_id,
                                replans=replanned.replans,
                                archive=replanned.archive,
                                changes=replanned.changes,
                                summary=replanned.summary,
                            )
                        )
                        session.flush()
                    message = None
                    if state == "cancelled":
                        message = (
                            f"cancelled after {plan.solve_seconds:.0f} s; the plan (version {row.version}) "
                            "is the best found by then"
                        )
                    session.execute(
                        update(Job)
                        .where(Job.job_id == job_id)
                        .values(plan_id=row.plan_id, message=message)
                        .execution_options(synchronize_session=False)
                    )
                    return state
            except IntegrityError:
                # Another worker stored a plan of the same scenario first: the whole
                # transaction was undone, and the next try takes the next version.
                if attempt == STORE_ATTEMPTS:
                    raise
        return None


def solve(
    scenario: Scenario,
    parameters: dict[str, Any],
    progress: Callable[[float, int, int], None],
    stop: threading.Event,
    rounds: Callable[[Round], None] | None = None,
) -> Plan:
    """Plan as the job's parameters say: first come, first served, or with the optimizer
    (``rounds`` hears of each round of its column generation)."""
    started = time.perf_counter()
    if parameters.get("baseline"):
        return replace(plan_baseline(scenario), solve_seconds=time.perf_counter() - started)
    options = Options(
        time_limit=float(parameters.get("time_limit") or Options().time_limit),
        seed=int(parameters.get("seed") or 0),
        work_limit=parameters.get("work_limit"),
    )
    return ColumnOptimizer(scenario, rounds=rounds).plan(options, progress, stop)


class _Watcher:
    """A thread beside the solve: it writes the progress to the job, and stops the search when
    the job is cancelled, the server shuts down or the job is taken from this worker."""

    def __init__(self, worker: Worker, job_id: int, stop: threading.Event) -> None:
        self.worker = worker
        self.job_id = job_id
        self.stop = stop
        self.ending: Ending = "done"
        self._progress = _Progress()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name=f"watch-job-{job_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def report(self, seconds: float, best: int, bound: int) -> None:
        # Called from the solver's threads: only remember, the watcher writes.
        with self._lock:
            self._progress.seconds = seconds
            if best >= 0:
                self._progress.best = best
            self._progress.bound = max(bound, self._progress.bound or 0)

    def round(self, done: Round) -> None:
        # Rounds are counted over the whole solve: those for the bound after the search too.
        with self._lock:
            self._progress.rounds = (self._progress.rounds or 0) + 1

    def finish(self) -> Ending:
        self._done.set()
        if self._thread.ident is not None:
            self._thread.join()
            try:
                self._look()  # what changed since the watcher's last look (the last rounds)
            except Exception:
                log.exception("job %d: could not write its progress", self.job_id)
        return self.ending

    def _watch(self) -> None:
        while not self._done.wait(WATCH_SECONDS):
            if not self.worker.server_alive():
                os._exit(1)  # the server died: nobody wants this plan, and nothing is written
            if self.worker.shutdown.is_set():
                self._stop("shutdown")
            try:
                state = self._look()
            except Exception:
                log.exception("job %d: could not write its progress", self.job_id)
                continue
            if state == "cancelling":
                self._stop("cancel")
            elif state not in ACTIVE:
                self._stop("lost")

    def _stop(self, why: Ending) -> None:
        if not self.stop.is_set():
            log.info("job %d: stopping the search (%s)", self.job_id, why)
            self.ending = why
            self.stop.set()

    def _look(self) -> str | None:
        """Write the progress if it changed; the job's state."""
        with self._lock:
            now_ = (self._progress.seconds, self._progress.best, self._progress.bound, self._progress.rounds)
            changed = now_ != self._progress.written and now_[0] is not None
        with self.worker.sessions() as session, session.begin():
            if changed:
                session.execute(
                    update(Job)
                    .where(self.worker._mine(self.job_id))
                    .values(progress_seconds=now_[0], best_idr=now_[1], bound_idr=now_[2], rounds=now_[3])
                    .execution_options(synchronize_session=False)
                )
                self._progress.written = now_
            state: str | None = session.scalar(select(Job.state).where(Job.job_id == self.job_id))
            return state


def _said(error: BaseException) -> str:
    """An error in a sentence, without its traceback (that goes to the log)."""
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__
