"""The web page's routes: one per page, and one per form that changes something.

Paths are in the users' words (``/masuk`` to sign in, ``/minggu`` for the weeks, ``/proses``
for a planning run, ``/rencana`` for a plan), apart from the API's paths.  A form that changes
something must carry its session's CSRF token; a page without a live session sends the
browser to sign in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from api import scenarios as uploads
from api.access import OUTPUTS, MiB, audit, db, own, send_output
from api.auth import holder_of, may
from api.db import Job, StoredPlan, StoredScenario
from api.web import session as signing
from api.web.session import Refused, SignInNeeded, Visit, Visitor, check_csrf
from api.web.views import decimal, percent, plan_view, version_row, week_summary
from api.web.words import WORDS, Lang, long_date, rupiah
from planner.io.plan_json import plan_from_dict

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
ENDED = ("finished", "cancelled", "failed", "interrupted")
# What a page may offer to download, in this order; plan.json is the contract's, for every reader.
DOWNLOADS = ("manifests.xlsx", "manifests.csv", "itineraries.html", "budget.xlsx", "map.html", "plan.json")
MAX_SECONDS = 600


def mount(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/tampilan", StaticFiles(directory=HERE / "static"), name="web_static")

    @app.exception_handler(SignInNeeded)
    async def sign_in_first(_: Request, error: SignInNeeded) -> Response:
        return RedirectResponse(f"/masuk?lanjut={quote(error.back_to)}", status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, error: Refused) -> Response:
        lang = signing.language(request)
        return _page(request, "message.html", lang, None, status=error.status, title=WORDS["refused"](lang),
                     text=WORDS[error.why](lang))  # fmt: skip


def _t(lang: Lang) -> Any:
    def t(key: str, **values: object) -> str:
        text = WORDS[key](lang)
        return text.format(**values) if values else text

    return t


def _page(
    request: Request, name: str, lang: Lang, current: Visit | None, status: int = 200, **context: Any
) -> HTMLResponse:
    context |= {
        "t": _t(lang),
        "lang": lang,
        "visit": current,
        "rupiah": rupiah,
        "may": (lambda what: current is not None and may(current.who, what)),
    }
    response: HTMLResponse = templates.TemplateResponse(request, name, context, status_code=status)
    return response


def _not_found(request: Request, current: Visit) -> HTMLResponse:
    return _page(request, "message.html", current.lang, current, status=404,
                 title=WORDS["not_found"](current.lang), text=WORDS["not_found_text"](current.lang))  # fmt: skip


def _require(current: Visit, what: str) -> None:
    if not may(current.who, what):
        raise Refused("refused_role")


# -- signing in and out, the language ----------------------------------------------------------------


@router.get("/")
def home() -> Response:
    return RedirectResponse("/minggu", status_code=303)


@router.get("/masuk")
def sign_in_page(request: Request, lanjut: str = "/minggu") -> Response:
    token = signing.sign_in_token(request)
    response = _page(request, "sign_in.html", signing.language(request), None, token=token,
                     next=_local(lanjut), wrong=False)  # fmt: skip
    signing.give_sign_in_token(request, response, token)
    return response


@router.post("/masuk")
def sign_in(
    request: Request,
    api_key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    lanjut: Annotated[str, Form()] = "/minggu",
) -> Response:
    if not signing.sign_in_token_matches(request, csrf):
        raise Refused("refused_csrf")
    with db(request) as session:
        who = holder_of(session, api_key.strip()) if api_key.strip() else None
    if who is None:
        token = signing.sign_in_token(request)
        response = _page(request, "sign_in.html", signing.language(request), None, status=401, token=token,
                         next=_local(lanjut), wrong=True)  # fmt: skip
        signing.give_sign_in_token(request, response, token)
        return response
    redirect = RedirectResponse(_local(lanjut), status_code=303)
    signing.start(request, redirect, who)
    with db(request) as session, session.begin():
        audit(session, who, "sign in", "web")
    return redirect


@router.post("/keluar")
def sign_out(request: Request, current: Visitor, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(current, csrf)
    redirect = RedirectResponse("/masuk", status_code=303)
    signing.end(request, redirect)
    with db(request) as session, session.begin():
        audit(session, current.who, "sign out", "web")
    return redirect


@router.get("/bahasa")
def switch_language(to: str = "id", lanjut: str = "/minggu") -> Response:
    """Only a preference cookie changes: the page's language, nothing stored on the server."""
    redirect = RedirectResponse(_local(lanjut), status_code=303)
    redirect.set_cookie(signing.LANG_COOKIE, "en" if to == "en" else "id", max_age=365 * 24 * 3600,
                        path="/", httponly=True, samesite="lax")  # fmt: skip
    return redirect


def _local(path: str) -> str:
    """Only a path of this site: a link elsewhere after sign-in would be an open redirect."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/minggu"


# -- weeks ------------------------------------------------------------------------------------------


@router.get("/minggu")
def weeks(request: Request, current: Visitor) -> HTMLResponse:
    return _weeks_page(request, current)


def _weeks_page(
    request: Request, current: Visit, problems: list[dict[str, Any]] | None = None, status: int = 200
) -> HTMLResponse:
    with db(request) as session:
        rows = session.scalars(
            select(StoredScenario)
            .where(StoredScenario.office_id == current.who.office_id)
            .order_by(StoredScenario.scenario_id.desc())
        ).all()
    listed = [
        {"id": r.scenario_id, "name": r.name, "uploaded": long_date(r.uploaded, current.lang),
         "cases": r.summary.get("cases", 0)}
        for r in rows
    ]  # fmt: skip
    return _page(request, "weeks.html", current.lang, current, status=status, weeks=listed, problems=problems)


@router.post("/minggu")
async def upload_week(
    request: Request,
    current: Visitor,
    files: Annotated[list[UploadFile] | None, File()] = None,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(current, csrf)
    _require(current, "upload")
    chosen = [f for f in files or [] if f.filename]
    if not chosen:
        problem = {"file": "", "row": "", "column": "", "message": WORDS["no_files"](current.lang), "fix": ""}
        return _weeks_page(request, current, [problem], status=422)
    limit = request.app.state.max_upload_bytes
    read: dict[str, bytes] = {}
    for upload in chosen:
        read[Path(upload.filename or "upload").name] = await upload.read(limit + 1)
    if sum(len(content) for content in read.values()) > limit:
        raise HTTPException(413, f"the upload is more than the {limit // MiB} MiB limit")
    try:
        scenario = uploads.from_files(read)
    except uploads.UploadError as error:
        return _weeks_page(request, current, uploads.problem_dicts(error.problems), status=422)
    with db(request) as session, session.begin():
        row = StoredScenario(
            office_id=current.who.office_id,
            name=scenario.name,
            archive=uploads.archive(scenario),
            summary=uploads.summary(scenario),
            uploaded_by=current.who.user_id,
        )
        session.add(row)
        session.flush()
        audit(session, current.who, "upload scenario", f"scenario {row.scenario_id}", scenario.name)
        scenario_id = row.scenario_id
    return RedirectResponse(f"/minggu/{scenario_id}", status_code=303)


@router.get("/minggu/{scenario_id}")
def week(request: Request, scenario_id: int, current: Visitor) -> HTMLResponse:
    with db(request) as session:
        row = session.get(StoredScenario, scenario_id)
        if row is None or row.office_id != current.who.office_id:
            return _not_found(request, current)
        archive = row.archive
        plans = session.scalars(
            select(StoredPlan).where(StoredPlan.scenario_id == scenario_id).order_by(StoredPlan.version)
        ).all()
        jobs = session.scalars(
            select(Job).where(Job.scenario_id == scenario_id).order_by(Job.job_id.desc())
        ).all()
    versions = [version_row(p, current.lang) for p in plans]
    runs = [
        {"id": j.job_id, "state": WORDS[f"state_{j.state}"](current.lang), "plan_id": j.plan_id} for j in jobs
    ]
    summary = week_summary(uploads.unarchive(archive), current.lang)
    return _page(request, "week.html", current.lang, current, scenario_id=scenario_id, summary=summary,
                 versions=versions, runs=runs)  # fmt: skip


@router.post("/minggu/{scenario_id}/rencanakan")
def start_solve(
    request: Request,
    scenario_id: int,
    current: Visitor,
    time_limit: Annotated[float, Form()] = 30.0,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(current, csrf)
    _require(current, "solve")
    seconds = min(max(time_limit, 1.0), MAX_SECONDS)
    parameters = {"time_limit": seconds, "seed": 0, "work_limit": None, "baseline": False}
    with db(request) as session, session.begin():
        own(session, StoredScenario, scenario_id, current.who, "scenario")
        job = Job(
            office_id=current.who.office_id,
            scenario_id=scenario_id,
            parameters=parameters,
            submitted_by=current.who.user_id,
        )
        session.add(job)
        session.flush()
        audit(session, current.who, "start solve", f"job {job.job_id}", json.dumps(parameters))
        job_id = job.job_id
    return RedirectResponse(f"/proses/{job_id}", status_code=303)


# -- a planning run and its progress ----------------------------------------------------------------


@router.get("/proses/{job_id}")
def job_page(request: Request, job_id: int, current: Visitor) -> HTMLResponse:
    with db(request) as session:
        job = session.get(Job, job_id)
        if job is None or job.office_id != current.who.office_id:
            return _not_found(request, current)
        scenario = session.get(StoredScenario, job.scenario_id)
        assert scenario is not None
        progress = _progress(job, current.lang)
        name = scenario.name
    return _page(request, "job.html", current.lang, current, job_id=job_id, week=name,
                 scenario_id=job.scenario_id, progress=progress)  # fmt: skip


@router.get("/proses/{job_id}/kemajuan")
def job_progress(request: Request, job_id: int, current: Visitor) -> JSONResponse:
    """What the progress script polls: the state, best total, bound and gap, already formatted."""
    with db(request) as session:
        job = session.get(Job, job_id)
        if job is None or job.office_id != current.who.office_id:
            return JSONResponse({"error": f"job {job_id} not found"}, status_code=404)
        return JSONResponse(_progress(job, current.lang))


def _progress(job: Job, lang: Lang) -> dict[str, Any]:
    best, bound = job.best_idr, job.bound_idr
    if best and bound is not None and bound <= 0 < best:
        # The solver reports 0 until its first round has a bound: none is known yet.
        bound = None
    gap = (best - bound) / best if best and bound is not None and best > 0 else None
    seconds = round(job.progress_seconds or 0.0, 1)
    return {
        "state": job.state,
        "state_text": WORDS[f"state_{job.state}"](lang),
        "ended": job.state in ENDED,
        "seconds": seconds,
        "seconds_text": decimal(seconds, lang),
        "best_idr": best,
        "bound_idr": bound,
        "best": rupiah(best) if best is not None else "-",
        "bound": rupiah(bound) if bound is not None else "-",
        "gap": percent(max(gap, 0.0), lang) if gap is not None else "-",
        "rounds": str(job.rounds) if job.rounds is not None else "-",
        "plan_id": job.plan_id,
        "message": job.message or "",
    }


@router.post("/proses/{job_id}/hentikan")
def cancel_job(
    request: Request, job_id: int, current: Visitor, csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(current, csrf)
    _require(current, "solve")
    with db(request) as session, session.begin():
        job = own(session, Job, job_id, current.who, "job")
        if job.state == "queued":
            job.state = "cancelled"
        elif job.state == "running":
            job.state = "cancelling"
        audit(session, current.who, "cancel solve", f"job {job_id}")
    return RedirectResponse(f"/proses/{job_id}", status_code=303)


# -- a plan -----------------------------------------------------------------------------------------


@router.get("/rencana/{plan_id}")
def plan_page(request: Request, plan_id: int, current: Visitor) -> HTMLResponse:
    with db(request) as session:
        row = session.get(StoredPlan, plan_id)
        if row is None or row.office_id != current.who.office_id:
            return _not_found(request, current)
        stored = session.get(StoredScenario, row.scenario_id)
        assert stored is not None
        plan, version, scenario_id, week_name = (
            plan_from_dict(row.plan_json),
            row.version,
            row.scenario_id,
            stored.name,
        )
        archive = stored.archive
    view = plan_view(uploads.unarchive(archive), plan, current.who, current.lang)
    downloads = [(f, WORDS[f"dl_{f}"](current.lang)) for f in DOWNLOADS if _may_have(current, f)]
    return _page(request, "plan.html", current.lang, current, plan_id=plan_id, version=version,
                 scenario_id=scenario_id, week=week_name, view=view, downloads=downloads,
                 waiting_count=len(plan.unplanned), show_map=may(current.who, "map"))  # fmt: skip


def _may_have(current: Visit, file: str) -> bool:
    return file == "plan.json" or may(current.who, OUTPUTS[file].permission)


@router.get("/rencana/{plan_id}/unduh/{file}")
def download(request: Request, plan_id: int, file: str, current: Visitor) -> Response:
    """A plan's file, for the roles the API gives it to (``api.auth.MAY``), audited as in the API."""
    if file not in DOWNLOADS:
        return _not_found(request, current)
    if not _may_have(current, file):
        raise Refused("refused_role")
    if file == "plan.json":
        with db(request) as session, session.begin():
            row = own(session, StoredPlan, plan_id, current.who, "plan")
            audit(session, current.who, "fetch output", f"plan {plan_id}", file)
            content = json.dumps(row.plan_json, ensure_ascii=False, indent=2).encode()
        return Response(content, media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}-plan.json"'})  # fmt: skip
    output = OUTPUTS[file]
    # The map is drawn in the page, so it comes inline; every other file is a download.
    inline = file == "map.html" and request.query_params.get("di_halaman") == "1"
    return send_output(request, plan_id, current.who, output.make(current.lang, False), output.media,
                       attachment=not inline)  # fmt: skip
