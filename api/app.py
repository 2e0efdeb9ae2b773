"""The planning service: FastAPI over the planner, its outputs and the database.

Requests only read and write the database and render outputs; solving runs in worker
processes (``api.worker``), so the service answers while plans solve.  Every object belongs
to an office: a user sees only their office's, and another office's object is "not found".
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Body, FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParameter
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import replans, sweeps, web
from api import scenarios as uploads
from api.access import OUTPUTS, XLSX, Lang, Rendered, db, own, send_changes, send_output
from api.access import audit as write_audit
from api.auth import MAY, Principal, add_user, may, role
from api.db import (
    AuditEntry,
    Job,
    Office,
    StoredPlan,
    StoredReplan,
    StoredScenario,
    StoredSweep,
    User,
    make_engine,
    sessions,
    upgrade,
)
from api.worker import WorkerPool, recover_interrupted
from planner.check import check_plan
from planner.errors import PlanFormatError
from planner.io.plan_json import plan_from_dict
from planner.scenario import Scenario
from planner.sweep import AXES

MiB = 1024 * 1024
OFFICER = role(*MAY["upload"])
READERS = role(*MAY["read"])
BUDGET = role(*MAY["budget"])
MAPS = role(*MAY["map"])
SWEEP = role(*MAY["sweep"])
# Cancelling: officers any job of their office, budget staff the sweeps (checked in the route).
CANCEL = role(*dict.fromkeys((*MAY["solve"], *MAY["sweep"])))
ADMIN = role("admin")
# Ids are 32-bit columns: a larger number names nothing, and SQLite cannot even bind one past
# 64 bits (a 500), so such a request is refused before the database sees it.
MAX_ID = 2**31 - 1
Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
# api.db.JOB_STATES: any other text names no job (and a NUL in it was a 500 on PostgreSQL).
JobState = Literal["queued", "running", "cancelling", "finished", "cancelled", "failed", "interrupted"]
# At module level, not beside the routes: with postponed annotations FastAPI resolves a
# parameter's type from the module's globals, and /openapi.json failed on a local alias.
Language = Annotated[Literal["id", "en"], Query(description="id: Bahasa Indonesia, en: English")]


# -- what the service answers ----------------------------------------------------------------------


class ScenarioOut(BaseModel):
    scenario_id: int
    name: str
    uploaded: str
    summary: dict[str, Any]


class SolveRequest(BaseModel):
    time_limit: float = Field(30.0, gt=0, le=3600, description="Seconds the optimizer may search.")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    work_limit: float | None = Field(None, gt=0, le=10_000, description="Deterministic work limit.")
    baseline: bool = Field(False, description="Plan first come, first served only.")


class ReplanRequest(BaseModel):
    """A re-plan of a plan after a disruption, as JSON (a multipart request sends the same fields
    as form fields, with the events and new cases as files)."""

    model_config = ConfigDict(extra="forbid")
    now: str = Field(
        max_length=100,
        description="When the re-plan is made, with its zone (2026-12-01T08:00+07:00): what has left "
        "by then stays as it is.",
    )
    events: list[dict[str, str | int | float | None]] = Field(
        default_factory=list,
        max_length=10_000,
        description="Rows of events.csv: {event, id, value, start, end}, e.g. "
        '{"event": "cancel_service", "id": "S12"}.',
    )
    new_cases: list[dict[str, str | int | float | bool | None]] = Field(
        default_factory=list,
        max_length=10_000,
        description="Cases arrived since the plan: rows of a cases.csv.",
    )
    pin: list[str] = Field(
        default_factory=list, max_length=10_000, description="Parties to keep as booked (P3, P7)."
    )
    time_limit: float = Field(30.0, gt=0, le=3600, description="Seconds the optimizer may search.")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    work_limit: float | None = Field(None, gt=0, le=10_000, description="Deterministic work limit.")


FORM_FIELDS = ("now", "pin", "time_limit", "seed", "work_limit")
FORM_FILES = ("events", "new_cases")
REPLAN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ReplanRequest.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["now"],
                    "properties": {
                        "events": {
                            "type": "string",
                            "format": "binary",
                            "description": "events.csv, or a workbook with a sheet 'events'.",
                        },
                        "new_cases": {
                            "type": "string",
                            "format": "binary",
                            "description": "Cases arrived since: a cases.csv, or a workbook's sheet 'cases'.",
                        },
                        "now": {"type": "string", "description": "When the re-plan is made, with its zone."},
                        "pin": {"type": "string", "description": "Parties to keep as booked: P3,P7."},
                        "time_limit": {"type": "number", "exclusiveMinimum": 0, "maximum": 3600},
                        "seed": {"type": "integer", "minimum": 0},
                        "work_limit": {"type": "number", "exclusiveMinimum": 0, "maximum": 10000},
                    },
                }
            },
        },
    }
}


class SweepRequest(BaseModel):
    """A what-if sweep: every combination of the values varied is a variant of the week, planned
    on its own."""

    model_config = ConfigDict(extra="forbid")
    vary: list[Annotated[str, Field(max_length=2000)]] = Field(
        min_length=1,
        max_length=len(AXES),
        description="An axis and its values each, as repat sweep --vary takes them: budget=0.7,1.0,1.2, "
        "escorts=+0,+2, fares=1.0,1.2 or fares.ferry=1.2.",
    )
    line: str | None = Field(
        None, max_length=200, description="Scale only this budget line's ceiling (with budget=...)."
    )
    time_limit: float = Field(
        30.0, gt=0, le=3600, description="Seconds the optimizer may search, per variant."
    )
    seed: int = Field(0, ge=0, le=2**31 - 1)
    work_limit: float | None = Field(
        None, gt=0, le=10_000, description="Deterministic work limit, per variant."
    )


class SweepOut(BaseModel):
    job_id: int
    scenario_id: int
    state: str
    variants_done: int
    variants_total: int
    complete: bool = Field(description="Every variant planned: false for a sweep cancelled midway.")
    table: list[dict[str, Any]] = Field(
        description="One row per variant: the columns of sweep.csv (parameters, people home, money "
        "by line, waiting days, total, gap, status, check)."
    )


class JobOut(BaseModel):
    job_id: int
    scenario_id: int
    state: str
    parameters: dict[str, Any]
    submitted: str
    started: str | None
    ended: str | None
    best_idr: int | None
    bound_idr: int | None
    progress_seconds: float | None
    rounds: int | None = Field(None, description="A solve's rounds of column generation so far.")
    variants_done: int | None = Field(None, description="A sweep's variants planned so far.")
    variants_total: int | None = Field(None, description="A sweep's variants in all.")
    message: str | None
    plan_id: int | None


class PlanOut(BaseModel):
    plan_id: int
    scenario_id: int
    version: int
    status: str
    total_idr: int
    gap: float
    solve_seconds: float
    parameters: dict[str, Any]
    created: str
    replans: int | None = Field(None, description="The plan this one re-plans, for a re-plan.")
    replan_summary: dict[str, Any] | None = Field(
        None, description="A re-plan's parties kept and why, and how many travellers it moved."
    )


class PlanDocument(PlanOut):
    plan: dict[str, Any]


class CheckOut(BaseModel):
    valid: bool
    violations: list[str]
    total_idr: int
    planned_cases: int


# Printable text only: PostgreSQL refuses a NUL in a text column (a 500), and a control
# character in a name is a typing accident, not a name.
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"


class NewUser(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=PRINTABLE)
    role: Literal["officer", "budget", "coordinator", "admin"]


class UserOut(BaseModel):
    user_id: int
    name: str
    role: str


class NewKey(UserOut):
    api_key: str


class AuditOut(BaseModel):
    at: str
    user_id: int | None
    action: str
    subject: str
    detail: str


# -- the application -------------------------------------------------------------------------------


def create_app(url: str, *, workers: int = 0, max_upload_bytes: int = 20 * MiB) -> FastAPI:
    """The service on the database at ``url``, with ``workers`` solving processes."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upgrade(url)
        engine = make_engine(url)
        app.state.sessions = sessions(engine)
        recover_interrupted(app.state.sessions)
        pool = WorkerPool(url, workers)
        pool.start()
        try:
            yield
        finally:
            pool.stop()
            engine.dispose()

    app = FastAPI(
        title="repat planning service",
        version="1",
        description="Upload a week's scenario, solve it, fetch the plan, manifests, budget report and map; "
        "re-plan a plan after a disruption and fetch what to rebook.",
        lifespan=lifespan,
    )
    app.state.max_upload_bytes = max_upload_bytes
    app.state.rendered = Rendered()
    _errors(app)
    _routes(app)
    web.mount(app)
    return app


def _errors(app: FastAPI) -> None:
    """Every error is a JSON body that says what went wrong."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        body = error.detail if isinstance(error.detail, dict) else {"error": str(error.detail)}
        return JSONResponse(body, status_code=error.status_code, headers=getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in error.errors()
        ]
        return JSONResponse({"error": "the request is not valid", "problems": problems}, status_code=422)

    @app.exception_handler(Exception)
    async def crashed(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"error": f"the service failed: {type(error).__name__}"}, status_code=500)

    @app.middleware("http")
    async def limit_size(request: Request, call_next: Callable[[Request], Any]) -> Any:
        length = request.headers.get("content-length")
        limit = request.app.state.max_upload_bytes
        if length is not None and length.isdigit() and int(length) > limit:
            return JSONResponse(
                {"error": f"the request is {int(length) // MiB} MiB, more than the {limit // MiB} MiB limit"},
                status_code=413,
            )
        return await call_next(request)


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat()


def _scenario_out(row: StoredScenario) -> ScenarioOut:
    return ScenarioOut(
        scenario_id=row.scenario_id, name=row.name, uploaded=_iso(row.uploaded) or "", summary=row.summary
    )


def job_out(job: Job) -> JobOut:
    return JobOut(
        job_id=job.job_id,
        scenario_id=job.scenario_id,
        state=job.state,
        parameters=replans.shown(job.parameters),
        submitted=_iso(job.submitted) or "",
        started=_iso(job.started),
        ended=_iso(job.ended),
        best_idr=job.best_idr,
        bound_idr=job.bound_idr,
        progress_seconds=job.progress_seconds,
        rounds=job.rounds,
        variants_done=job.variants_done,
        variants_total=job.variants_total,
        message=job.message,
        plan_id=job.plan_id,
    )


def _plan_out(row: StoredPlan, replanned: StoredReplan | None = None) -> PlanOut:
    return PlanOut(
        plan_id=row.plan_id,
        scenario_id=row.scenario_id,
        version=row.version,
        status=row.status,
        total_idr=row.total_idr,
        gap=row.gap,
        solve_seconds=row.solve_seconds,
        parameters=replans.shown(row.parameters),
        created=_iso(row.created) or "",
        replans=None if replanned is None else replanned.replans,
        replan_summary=None if replanned is None else replanned.summary,
    )


def _store_scenario(request: Request, who: Principal, scenario: Scenario) -> ScenarioOut:
    with db(request) as session, session.begin():
        row = StoredScenario(
            office_id=who.office_id,
            name=scenario.name,
            archive=uploads.archive(scenario),
            summary=uploads.summary(scenario),
            uploaded_by=who.user_id,
        )
        session.add(row)
        session.flush()
        write_audit(session, who, "upload scenario", f"scenario {row.scenario_id}", scenario.name)
        return _scenario_out(row)


def _rejected(error: uploads.UploadError) -> JSONResponse:
    return JSONResponse(
        {
            "error": "the scenario is not valid; nothing was stored",
            "problems": uploads.problem_dicts(error.problems),
        },
        status_code=422,
    )


async def _read_uploads(request: Request, files: list[UploadFile]) -> dict[str, bytes]:
    limit = request.app.state.max_upload_bytes
    read: dict[str, bytes] = {}
    total = 0
    for upload in files:
        content = await upload.read(limit + 1)
        total += len(content)
        if total > limit:
            raise HTTPException(413, f"the upload is more than the {limit // MiB} MiB limit")
        read[Path(upload.filename or "upload").name] = content
    return read


def _routes(app: FastAPI) -> None:
    @app.get("/health", tags=["service"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    # -- scenarios ---------------------------------------------------------------------------------

    @app.post("/scenarios", status_code=201, response_model=ScenarioOut, tags=["scenarios"])
    async def upload_scenario(
        request: Request,
        files: Annotated[
            list[UploadFile], File(description="One .zip or .xlsx, or the CSV files and scenario.toml.")
        ],
        who: Annotated[Principal, OFFICER],
    ) -> Any:
        """Upload a scenario; a valid one is stored, an invalid one answers every problem."""
        try:
            scenario = uploads.from_files(await _read_uploads(request, files))
        except uploads.UploadError as error:
            return _rejected(error)
        return _store_scenario(request, who, scenario)

    @app.post("/scenarios/json", status_code=201, response_model=ScenarioOut, tags=["scenarios"])
    def upload_scenario_json(
        request: Request, document: Annotated[dict[str, Any], Body()], who: Annotated[Principal, OFFICER]
    ) -> Any:
        """Upload a scenario as JSON: ``{"name", "settings", "tables": {"cases": [...], ...}}``."""
        try:
            scenario = uploads.from_json(document)
        except uploads.UploadError as error:
            return _rejected(error)
        return _store_scenario(request, who, scenario)

    @app.get("/scenarios", response_model=list[ScenarioOut], tags=["scenarios"])
    def list_scenarios(request: Request, who: Annotated[Principal, READERS]) -> list[ScenarioOut]:
        with db(request) as session:
            rows = session.scalars(
                select(StoredScenario)
                .where(StoredScenario.office_id == who.office_id)
                .order_by(StoredScenario.scenario_id)
            )
            return [_scenario_out(r) for r in rows]

    @app.get("/scenarios/{scenario_id}", response_model=ScenarioOut, tags=["scenarios"])
    def get_scenario(request: Request, scenario_id: Id, who: Annotated[Principal, READERS]) -> ScenarioOut:
        with db(request) as session:
            return _scenario_out(own(session, StoredScenario, scenario_id, who, "scenario"))

    @app.get("/scenarios/{scenario_id}/cases", tags=["scenarios"])
    def get_cases(
        request: Request, scenario_id: Id, who: Annotated[Principal, READERS]
    ) -> list[dict[str, Any]]:
        """The cases; names and national ids only for officers."""
        with db(request) as session, session.begin():
            row = own(session, StoredScenario, scenario_id, who, "scenario")
            if who.sees_names:
                write_audit(session, who, "read names", f"scenario {scenario_id}")
            return uploads.case_rows(uploads.unarchive(row.archive), who.sees_names)

    @app.post("/scenarios/{scenario_id}/check", response_model=CheckOut, tags=["scenarios"])
    async def check(
        request: Request,
        scenario_id: Id,
        plan_file: Annotated[UploadFile, File(description="A plan.json, hand-made or not.")],
        who: Annotated[Principal, OFFICER],
    ) -> Any:
        """Check a plan against every rule of the contract for this scenario."""
        with db(request) as session:
            row = own(session, StoredScenario, scenario_id, who, "scenario")
        content = (await _read_uploads(request, [plan_file]))[Path(plan_file.filename or "plan.json").name]
        try:
            plan = plan_from_dict(json.loads(content), plan_file.filename or "plan.json")
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            return JSONResponse({"error": f"the plan is not JSON: {error}"}, status_code=422)
        except PlanFormatError as error:
            return JSONResponse(
                {
                    "error": "the plan is not readable",
                    "problems": uploads.problem_dicts(list(error.problems)),
                },
                status_code=422,
            )
        violations = check_plan(uploads.unarchive(row.archive), plan)
        return CheckOut(
            valid=not violations,
            violations=[str(v) for v in violations],
            total_idr=plan.objective.total_idr,
            planned_cases=len(plan.planned_case_ids),
        )

    # -- solve jobs --------------------------------------------------------------------------------

    @app.post("/scenarios/{scenario_id}/jobs", status_code=202, response_model=JobOut, tags=["jobs"])
    def solve(
        request: Request, scenario_id: Id, parameters: SolveRequest, who: Annotated[Principal, OFFICER]
    ) -> JobOut:
        """Start solving; poll the job for progress, fetch its plan when it ends."""
        with db(request) as session, session.begin():
            own(session, StoredScenario, scenario_id, who, "scenario")
            job = Job(
                office_id=who.office_id,
                scenario_id=scenario_id,
                parameters=parameters.model_dump(),
                submitted_by=who.user_id,
            )
            session.add(job)
            session.flush()
            write_audit(session, who, "start solve", f"job {job.job_id}", json.dumps(parameters.model_dump()))
            return job_out(job)

    @app.post(
        "/plans/{plan_id}/replan",
        status_code=202,
        response_model=JobOut,
        tags=["jobs"],
        openapi_extra=REPLAN_BODY,
        responses={
            415: {"description": "The body is neither multipart/form-data nor JSON."},
            422: {"description": "The events, new cases, now or pins are not valid: every problem."},
        },
    )
    async def replan(request: Request, plan_id: Id, who: Annotated[Principal, OFFICER]) -> Any:
        """Plan the week of a plan again after a disruption, as a job like a solve: what is under
        way at ``now`` and the pinned parties stay as booked, the rest moves as little as it
        must.  Send multipart (an ``events`` file: events.csv or a workbook with a sheet
        ``events``; an optional ``new_cases`` file; the fields ``now``, ``pin`` (P3,P7),
        ``time_limit``) or JSON (``{"now", "events": [{"event", "id", "value", "start", "end"}],
        "new_cases", "pin", "time_limit"}``).  Invalid events or new cases answer 422 with every
        problem and store nothing.  The job's plan is the scenario's next version, with what it
        was made from in its parameters and its changes at ``/plans/{id}/changes.csv``; the plan
        re-planned stays as it was."""
        with db(request) as session:
            row = own(session, StoredPlan, plan_id, who, "plan")
            scenario_id, old_json = row.scenario_id, row.plan_json
            week_zip = replans.week_archive(session, row)
        asked = await _replan_request(request)
        if isinstance(asked, JSONResponse):
            return asked
        parameters, events, new_cases = asked

        def check() -> replans.Asked:
            return replans.check_request(
                uploads.unarchive(week_zip),
                plan_from_dict(old_json),
                plan_id,
                parameters.now,
                parameters.pin,
                events,
                new_cases,
            )

        try:
            found = await run_in_threadpool(check)
        except uploads.UploadError as error:
            return JSONResponse(
                {
                    "error": "the events or new cases are not valid; nothing was stored",
                    "problems": uploads.problem_dicts(error.problems),
                },
                status_code=422,
            )
        stored = {
            "time_limit": parameters.time_limit,
            "seed": parameters.seed,
            "work_limit": parameters.work_limit,
            "baseline": False,
            "replan": found.basis,
        }
        with db(request) as session, session.begin():
            job = Job(
                office_id=who.office_id, scenario_id=scenario_id, parameters=stored, submitted_by=who.user_id
            )
            session.add(job)
            session.flush()
            write_audit(
                session,
                who,
                "start replan",
                f"job {job.job_id}",
                f"plan {plan_id} at {found.basis['now']}: {len(found.events)} event(s), "
                f"{len(found.new_cases)} new case(s), pinned {','.join(found.basis['pin']) or 'none'}",
            )
            return job_out(job)

    # -- what-if sweeps ------------------------------------------------------------------------------

    @app.post(
        "/scenarios/{scenario_id}/sweeps",
        status_code=202,
        response_model=JobOut,
        tags=["jobs"],
        responses={422: {"description": "A vary value or the line cannot make a sweep; nothing stored."}},
    )
    def start_sweep(
        request: Request, scenario_id: Id, asked: SweepRequest, who: Annotated[Principal, SWEEP]
    ) -> Any:
        """What if? Plan every combination of the week's budget, escorts and fares as a job: its
        ``variants_done`` of ``variants_total`` count the variants planned; fetch the table at
        ``/jobs/{id}/sweep``, the workbook at ``sweep.xlsx`` and the picture at ``sweep.png``.
        A cancelled sweep stops after the variant it is planning and keeps those done."""
        with db(request) as session:
            row = own(session, StoredScenario, scenario_id, who, "scenario")
            archive = row.archive
        try:
            chosen = sweeps.choose(uploads.unarchive(archive), asked.vary, asked.line)
        except sweeps.Problem as error:
            return JSONResponse(
                {
                    "error": "the sweep cannot be made; nothing was stored",
                    "problems": [{"where": error.where, "message": str(error)}],
                },
                status_code=422,
            )
        stored = {
            "time_limit": asked.time_limit,
            "seed": asked.seed,
            "work_limit": asked.work_limit,
            "baseline": False,
            "sweep": {"vary": [text.strip() for text in asked.vary], "line": asked.line},
        }
        with db(request) as session, session.begin():
            job = Job(
                office_id=who.office_id,
                scenario_id=scenario_id,
                parameters=stored,
                submitted_by=who.user_id,
                variants_done=0,
                variants_total=len(chosen),
            )
            session.add(job)
            session.flush()
            write_audit(session, who, "start sweep", f"job {job.job_id}", json.dumps(stored))
            return job_out(job)

    @app.get("/jobs/{job_id}/sweep", response_model=SweepOut, tags=["jobs"])
    def get_sweep(request: Request, job_id: Id, who: Annotated[Principal, SWEEP]) -> SweepOut:
        """A sweep job's table, one row per variant planned; 404 until the job has ended with
        its results."""
        with db(request) as session:
            job, found = _sweep_of(session, job_id, who)
            results = [sweeps.result_from_dict(r) for r in found.results]
            return SweepOut(
                job_id=job_id,
                scenario_id=job.scenario_id,
                state=job.state,
                variants_done=len(results),
                variants_total=found.variants_total,
                complete=len(results) == found.variants_total,
                table=sweeps.rows(results),
            )

    @app.get("/jobs/{job_id}/sweep.xlsx", tags=["outputs"])
    def sweep_xlsx(request: Request, job_id: Id, who: Annotated[Principal, SWEEP]) -> Response:
        """The sweep's workbook: one row per variant, as repat sweep writes it."""
        return _sweep_file(request, job_id, who, "sweep.xlsx", XLSX)

    @app.get("/jobs/{job_id}/sweep.png", tags=["outputs"])
    def sweep_png(request: Request, job_id: Id, who: Annotated[Principal, SWEEP]) -> Response:
        """The sweep's picture: people home against money, one curve per escort setting."""
        return _sweep_file(request, job_id, who, "sweep.png", "image/png")

    @app.get("/jobs", response_model=list[JobOut], tags=["jobs"])
    def list_jobs(
        request: Request, who: Annotated[Principal, READERS], state: JobState | None = None
    ) -> list[JobOut]:
        with db(request) as session:
            query = select(Job).where(Job.office_id == who.office_id)
            if state is not None:
                query = query.where(Job.state == state)
            return [job_out(j) for j in session.scalars(query.order_by(Job.job_id))]

    @app.get("/jobs/{job_id}", response_model=JobOut, tags=["jobs"])
    def get_job(request: Request, job_id: Id, who: Annotated[Principal, READERS]) -> JobOut:
        with db(request) as session:
            return job_out(own(session, Job, job_id, who, "job"))

    @app.post("/jobs/{job_id}/cancel", response_model=JobOut, tags=["jobs"])
    def cancel(request: Request, job_id: Id, who: Annotated[Principal, CANCEL]) -> JobOut:
        """Stop a job: a queued job never starts, a running one stops and keeps its best plan (a
        sweep: after the variant it is planning, keeping the variants done).  Budget staff may
        cancel sweeps only."""
        with db(request) as session, session.begin():
            job = own(session, Job, job_id, who, "job")
            if not may(who, "solve") and "sweep" not in job.parameters:
                raise HTTPException(
                    403, f"the {who.role} role may cancel sweeps only; job {job_id} is not one"
                )
            if job.state == "queued":
                job.state = "cancelled"
                job.ended = func.now()
            elif job.state == "running":
                job.state = "cancelling"
            else:
                raise HTTPException(
                    409, f"job {job_id} is {job.state}; only a queued or running job can be cancelled"
                )
            write_audit(session, who, "cancel solve", f"job {job_id}")
            session.flush()
            session.refresh(job)
            return job_out(job)

    @app.post("/jobs/{job_id}/rerun", status_code=202, response_model=JobOut, tags=["jobs"])
    def rerun(request: Request, job_id: Id, who: Annotated[Principal, OFFICER]) -> JobOut:
        """Run an interrupted, failed or cancelled job again, as a new job."""
        with db(request) as session, session.begin():
            old = own(session, Job, job_id, who, "job")
            if old.state not in ("interrupted", "failed", "cancelled"):
                raise HTTPException(
                    409, f"job {job_id} is {old.state}; only an ended job without a plan runs again"
                )
            job = Job(
                office_id=who.office_id,
                scenario_id=old.scenario_id,
                parameters=old.parameters,
                submitted_by=who.user_id,
                variants_done=None if old.variants_total is None else 0,
                variants_total=old.variants_total,
            )
            session.add(job)
            session.flush()
            write_audit(session, who, "rerun solve", f"job {job.job_id}", f"again of job {job_id}")
            return job_out(job)

    # -- plans and their outputs -------------------------------------------------------------------

    @app.get("/plans", response_model=list[PlanOut], tags=["plans"])
    def list_plans(
        request: Request,
        who: Annotated[Principal, READERS],
        scenario_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    ) -> list[PlanOut]:
        with db(request) as session:
            query = select(StoredPlan).where(StoredPlan.office_id == who.office_id)
            if scenario_id is not None:
                query = query.where(StoredPlan.scenario_id == scenario_id)
            rows = session.scalars(query.order_by(StoredPlan.plan_id)).all()
            replanned = {
                r.plan_id: r
                for r in session.scalars(
                    select(StoredReplan).where(StoredReplan.plan_id.in_([p.plan_id for p in rows]))
                )
            }
            return [_plan_out(p, replanned.get(p.plan_id)) for p in rows]

    @app.get("/plans/{plan_id}", response_model=PlanDocument, tags=["plans"])
    def get_plan(request: Request, plan_id: Id, who: Annotated[Principal, READERS]) -> PlanDocument:
        """The plan as the data contract's plan.json (it names cases by id only)."""
        with db(request) as session:
            row = own(session, StoredPlan, plan_id, who, "plan")
            out = _plan_out(row, session.get(StoredReplan, plan_id))
            return PlanDocument(**out.model_dump(), plan=row.plan_json)

    @app.get("/plans/{plan_id}/manifests.xlsx", tags=["outputs"])
    def manifests_xlsx(
        request: Request, plan_id: Id, who: Annotated[Principal, OFFICER], lang: Language = "id"
    ) -> Response:
        """Manifests per departure, with names and national ids: officers only."""
        return _output(request, plan_id, who, "manifests.xlsx", lang, names=True)

    @app.get("/plans/{plan_id}/manifests.csv", tags=["outputs"])
    def manifests_csv(
        request: Request, plan_id: Id, who: Annotated[Principal, OFFICER], lang: Language = "id"
    ) -> Response:
        return _output(request, plan_id, who, "manifests.csv", lang, names=True)

    @app.get("/plans/{plan_id}/changes.xlsx", tags=["outputs"])
    def changes_xlsx(
        request: Request, plan_id: Id, who: Annotated[Principal, OFFICER], lang: Language = "id"
    ) -> Response:
        """A re-plan's changes: per traveller the old and new legs and why; officers only.
        404 for a plan that is not a re-plan."""
        return send_changes(request, plan_id, who, "changes.xlsx", lang)

    @app.get("/plans/{plan_id}/changes.csv", tags=["outputs"])
    def changes_csv(
        request: Request, plan_id: Id, who: Annotated[Principal, OFFICER], lang: Language = "id"
    ) -> Response:
        """The same changes as CSV, for other tools."""
        return send_changes(request, plan_id, who, "changes.csv", lang)

    @app.get("/plans/{plan_id}/itineraries.html", tags=["outputs"])
    def itineraries(
        request: Request, plan_id: Id, who: Annotated[Principal, OFFICER], lang: Language = "id"
    ) -> Response:
        return _output(request, plan_id, who, "itineraries.html", lang, names=True)

    @app.get("/plans/{plan_id}/budget.xlsx", tags=["outputs"])
    def budget(
        request: Request, plan_id: Id, who: Annotated[Principal, BUDGET], lang: Language = "id"
    ) -> Response:
        """The budget workbook; names of waiting cases only for officers."""
        return _output(request, plan_id, who, "budget.xlsx", lang, names=who.sees_names)

    @app.get("/plans/{plan_id}/map.html", tags=["outputs"])
    def route_map(
        request: Request,
        plan_id: Id,
        who: Annotated[Principal, MAPS],
        lang: Language = "id",
        names: Annotated[bool, Query(description="Names on the map: officers only.")] = False,
    ) -> Response:
        if names and not who.sees_names:
            raise HTTPException(403, f"the {who.role} role may not see names")
        return _output(request, plan_id, who, "map.html", lang, names=names)

    # -- users and the audit log ---------------------------------------------------------------------

    @app.get("/users", response_model=list[UserOut], tags=["admin"])
    def list_users(request: Request, who: Annotated[Principal, ADMIN]) -> list[UserOut]:
        with db(request) as session:
            rows = session.scalars(select(User).where(User.office_id == who.office_id).order_by(User.user_id))
            return [UserOut(user_id=u.user_id, name=u.name, role=u.role) for u in rows]

    @app.post("/users", status_code=201, response_model=NewKey, tags=["admin"])
    def create_user(request: Request, new: NewUser, who: Annotated[Principal, ADMIN]) -> NewKey:
        """Add a user to the admin's office; the key is shown once."""
        with db(request) as session, session.begin():
            office = _office_name(session, who.office_id)
            try:
                key = add_user(session, new.name, office, new.role)
            except ValueError as error:
                raise HTTPException(409, str(error)) from None
            session.flush()
            user = session.scalar(select(User).where(User.name == new.name))
            assert user is not None
            write_audit(session, who, "add user", f"user {user.user_id}", f"{new.name} as {new.role}")
            return NewKey(user_id=user.user_id, name=user.name, role=user.role, api_key=key)

    @app.get("/audit", response_model=list[AuditOut], tags=["admin"])
    def audit(
        request: Request, who: Annotated[Principal, ADMIN], limit: Annotated[int, Query(ge=1, le=1000)] = 100
    ) -> list[AuditOut]:
        with db(request) as session:
            rows = session.scalars(
                select(AuditEntry)
                .where(AuditEntry.office_id == who.office_id)
                .order_by(AuditEntry.entry_id.desc())
                .limit(limit)
            )
            return [
                AuditOut(
                    at=_iso(e.at) or "",
                    user_id=e.user_id,
                    action=e.action,
                    subject=e.subject,
                    detail=e.detail,
                )
                for e in rows
            ]


def _output(
    request: Request, plan_id: int, who: Principal, file: str, lang: Lang, *, names: bool
) -> Response:
    output = OUTPUTS[file]
    return send_output(request, plan_id, who, output.make(lang, names), output.media)


def _sweep_of(session: Session, job_id: int, who: Principal) -> tuple[Job, StoredSweep]:
    """A job of the user's office and its sweep's results, or 404."""
    job: Job = own(session, Job, job_id, who, "job")
    found = session.get(StoredSweep, job_id)
    if found is None:
        if "sweep" not in job.parameters:
            raise HTTPException(404, f"job {job_id} is not a sweep")
        raise HTTPException(404, f"job {job_id} is {job.state}: its sweep has no results (yet)")
    return job, found


def _sweep_file(request: Request, job_id: int, who: Principal, file: str, media: str) -> Response:
    """A sweep's workbook or picture, rendered once and then served from the cache (a stored
    sweep never changes), its fetch audited."""
    key = ("sweep", job_id, file)
    rendered: Rendered = request.app.state.rendered
    with db(request) as session, session.begin():
        job, found = _sweep_of(session, job_id, who)
        write_audit(session, who, "fetch output", f"job {job_id}", file)
        content = rendered.get(key)
        if content is None:
            results = [sweeps.result_from_dict(r) for r in found.results]
            scenario = session.get(StoredScenario, job.scenario_id)
            assert scenario is not None
            title = f"What if? {scenario.name}"
    if content is None:
        content = sweeps.render(results, file, title)
        rendered.put(key, content)
    disposition = "inline" if file.endswith(".png") else "attachment"
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'{disposition}; filename="job-{job_id}-{file}"'},
    )


def _invalid(problems: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse({"error": "the request is not valid", "problems": problems}, status_code=422)


async def _replan_request(
    request: Request,
) -> tuple[ReplanRequest, replans.Source, replans.Source] | JSONResponse:
    """A re-plan request's fields and its events and new cases (files, or JSON rows), or the
    answer to a request that is not one."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fields: dict[str, Any]
    files: dict[str, replans.Source] = {"events": None, "new_cases": None}
    if kind == "application/json":
        try:
            fields = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            return _invalid([{"where": "body", "message": f"is not JSON: {error}"}])
        if not isinstance(fields, dict):
            return _invalid([{"where": "body", "message": "is not a JSON object"}])
    elif kind == "multipart/form-data":
        try:
            form = await request.form(max_files=len(FORM_FILES), max_fields=len(FORM_FIELDS) + 2)
        except Exception as error:  # a damaged body: python-multipart raises several kinds
            return _invalid([{"where": "body", "message": f"is not readable multipart: {error}"}])
        fields = {}
        problems = []
        limit = request.app.state.max_upload_bytes
        for name, value in form.multi_items():
            if name in FORM_FILES:
                if isinstance(value, StarletteUpload):
                    content = await value.read(limit + 1)
                    if len(content) > limit:
                        raise HTTPException(413, f"the upload is more than the {limit // MiB} MiB limit")
                    files[name] = replans.Upload(value.filename or f"{name}.csv", content)
                else:  # the file's text sent as a field
                    files[name] = replans.Upload(f"{name}.csv", value.encode())
            elif name in FORM_FIELDS and isinstance(value, str):
                if name == "pin":
                    fields[name] = [p.strip() for p in value.split(",") if p.strip()]
                elif value.strip() or name == "now":
                    fields[name] = value.strip()
            else:
                problems.append({"where": f"body.{name}", "message": "is not a field of a re-plan"})
        await form.close()
        if problems:
            return _invalid(problems)
    else:
        raise HTTPException(415, "send the re-plan as multipart/form-data or as application/json")
    try:
        parameters = ReplanRequest.model_validate(fields)
    except ValidationError as error:
        return _invalid(
            [
                {"where": ".".join(["body", *(str(p) for p in e.get("loc", ()))]), "message": str(e["msg"])}
                for e in error.errors()
            ]
        )
    if kind == "application/json":
        files = {"events": parameters.events or None, "new_cases": parameters.new_cases or None}
    return parameters, files["events"], files["new_cases"]


def _office_name(session: Session, office_id: int) -> str:
    office = session.get(Office, office_id)
    assert office is not None
    return office.name
