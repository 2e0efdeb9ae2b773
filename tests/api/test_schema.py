"""Property-based tests of the whole API from its OpenAPI schema (schemathesis): whatever a
client sends, with a valid key, a wrong one or none, no operation answers a server error.

The database holds a scenario, its plan and a job in each state that cancel and rerun treat
differently, and part of the requests name their ids, so that they reach real objects and not
only "not found".  Generation is derandomized: CI sends the same requests every run.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from sqlalchemy import select

from api import scenarios as uploads
from api import sweeps
from api.app import create_app
from api.auth import add_user
from api.db import Job, StoredPlan, StoredScenario, StoredSweep, User, make_engine, sessions
from planner.baseline import plan_baseline
from planner.cli import demo_path
from planner.io.plan_json import plan_to_dict
from planner.io.validate import read_scenario
from planner.plan import Plan
from planner.scenario import Scenario
from planner.sweep import Variant, VariantResult, failed_result

OFFICE = "Dinsos Kab. Kotawaringin Barat"
# Few examples per operation, and fewer for the outputs, which render the demo's plan (the
# manifests take over a second): the point is breadth over every operation.
EXAMPLES = 30
OUTPUT_EXAMPLES = 10
NO_KEY_EXAMPLES = 8
WRONG_KEYS = (None, "Bearer rpt_not-a-key", "Bearer ", "Basic b2ZmaWNlcg==")


@dataclass
class Stock:
    officer: str
    admin: str
    office_id: int
    user_id: int
    ids: dict[str, list[int]] = field(default_factory=dict)  # path parameter -> real objects' ids

    def key_for(self, operation: APIOperation) -> str:
        # The admin operations answer an officer 403 before reading the body: only the admin's
        # key gets their bodies read.
        tags = operation.definition.raw.get("tags", [])
        return self.admin if "admin" in tags else self.officer


def _sweep_results() -> list[VariantResult]:
    """Two variants' rows, as a worker stores them (one of them failed)."""
    _, plan = _demo()
    planned = VariantResult(
        variant=Variant("v01", budget=0.8),
        description=Variant("v01", budget=0.8).describe(),
        cases=50,
        planned=len(plan.planned_case_ids),
        money_by_line={"B-PROV": plan.objective.cost_idr},
        cost_idr=plan.objective.cost_idr,
        waiting_days=12,
        total_idr=plan.objective.total_idr,
        bound_idr=plan.objective.lower_bound_idr,
        gap=plan.objective.gap,
        status=plan.status,
        check="ok",
        seconds=1.0,
    )
    return [planned, failed_result(Variant("v02", budget=1.0), "RuntimeError: a test", 2)]


@functools.cache
def _demo() -> tuple[Scenario, Plan]:
    scenario = read_scenario(demo_path())
    return scenario, plan_baseline(scenario)


def _stock(database_url: str) -> Stock:
    """Two users, the demo week as an upload stores it and its baseline plan as a worker
    stores it."""
    scenario, plan = _demo()
    engine = make_engine(database_url)
    try:
        with sessions(engine)() as session, session.begin():
            officer = add_user(session, "officer-a", OFFICE, "officer")
            admin = add_user(session, "admin-a", OFFICE, "admin")
            session.flush()
            user = session.scalars(select(User).where(User.name == "officer-a")).one()
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
            stock = Stock(officer, admin, user.office_id, user.user_id)
            stock.ids = {"scenario_id": [stored.scenario_id], "plan_id": [row.plan_id], "job_id": []}
    finally:
        engine.dispose()
    return stock


def _add_jobs(database_url: str, stock: Stock, states: tuple[str, ...]) -> None:
    engine = make_engine(database_url)
    try:
        with sessions(engine)() as session, session.begin():
            jobs = [
                Job(
                    office_id=stock.office_id,
                    scenario_id=stock.ids["scenario_id"][0],
                    state=state,
                    parameters={"time_limit": 30.0, "seed": 0, "work_limit": None, "baseline": False},
                    submitted_by=stock.user_id,
                    plan_id=stock.ids["plan_id"][0] if state == "finished" else None,
                )
                for state in states
            ]
            # A sweep that ended, with its results: its table, workbook and picture.
            swept = Job(
                office_id=stock.office_id,
                scenario_id=stock.ids["scenario_id"][0],
                state="finished",
                parameters={
                    "time_limit": 30.0,
                    "seed": 0,
                    "work_limit": None,
                    "baseline": False,
                    "sweep": {"vary": ["budget=0.8,1.0"], "line": None},
                },
                submitted_by=stock.user_id,
                variants_done=2,
                variants_total=2,
            )
            session.add_all([*jobs, swept])
            session.flush()
            session.add(
                StoredSweep(
                    job_id=swept.job_id,
                    office_id=stock.office_id,
                    scenario_id=stock.ids["scenario_id"][0],
                    variants_total=2,
                    results=[sweeps.result_to_dict(r) for r in _sweep_results()],
                )
            )
            stock.ids["job_id"] += [j.job_id for j in (*jobs, swept)]
    finally:
        engine.dispose()


@dataclass
class Service:
    schema: Any
    stock: Stock


@pytest.fixture
def service(database_url: str) -> Iterator[Service]:
    stock = _stock(database_url)
    # Workers 0: the jobs stay as they are.  Loading the schema runs the app's lifespan (the
    # database's upgrade, app.state.sessions) in schemathesis's own event loop, where every
    # request then runs; it is ended here, before the database goes.
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(database_url, workers=0))
    # Only now a running job: the lifespan marks one found at start as interrupted.
    _add_jobs(database_url, stock, ("queued", "running", "finished", "failed"))
    try:
        yield Service(schema, stock)
    finally:
        asgi.shutdown_lifespans()


def _cases(
    operation: APIOperation, stock: Stock, modes: tuple[GenerationMode, ...]
) -> st.SearchStrategy[Case]:
    """Generated requests, and a share of them with every path parameter naming a real object."""
    names = [p.name for p in operation.path_parameters]
    generated = [operation.as_strategy(generation_mode=mode) for mode in modes]
    if not names or not all(stock.ids.get(n) for n in names):
        return st.one_of(generated)
    real = st.fixed_dictionaries({n: st.sampled_from(stock.ids[n]) for n in names}).flatmap(
        lambda ids: operation.as_strategy(path_parameters=ids)
    )
    return st.one_of(*generated, real)


def _server_errors(
    service: Service,
    examples: Callable[[APIOperation], int],
    modes: tuple[GenerationMode, ...],
    headers: Callable[[APIOperation, Any], dict[str, str] | None],
    extra: st.SearchStrategy[Any],
    refused: bool = False,
) -> list[str]:
    """Every operation's failures: all of them, not only the first operation's.  ``refused``:
    every operation but the health check must also refuse the request."""
    failures = []
    for result in service.schema.get_all_operations():
        operation = result.ok()

        @given(case=_cases(operation, service.stock, modes), extra=extra)
        @settings(
            max_examples=examples(operation),
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Case, extra: Any) -> None:
            response = case.call_and_validate(
                headers=headers(case.operation, extra), checks=[not_a_server_error]
            )
            if refused and case.operation.path != "/health":
                assert response.status_code in (400, 401, 413, 422), (response.status_code, response.text)

        try:
            run()
        except Exception as error:
            failures.append(f"{operation.label}:\n" + "".join(traceback.format_exception_only(error)))
    return failures


def test_no_operation_answers_a_server_error_to_a_user(service: Service) -> None:
    failures = _server_errors(
        service,
        lambda operation: (
            OUTPUT_EXAMPLES if "outputs" in operation.definition.raw.get("tags", []) else EXAMPLES
        ),
        (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
        lambda operation, _: {"Authorization": f"Bearer {service.stock.key_for(operation)}"},
        st.none(),
    )
    assert not failures, "\n".join(failures)


def test_no_operation_answers_a_server_error_without_a_valid_key(service: Service) -> None:
    # None: the headers as generated, mostly no key at all, sometimes any text as one.
    failures = _server_errors(
        service,
        lambda _: NO_KEY_EXAMPLES,
        (GenerationMode.POSITIVE,),
        lambda _, key: None if key is None else {"Authorization": key},
        st.sampled_from(WRONG_KEYS),
        refused=True,
    )
    assert not failures, "\n".join(failures)
