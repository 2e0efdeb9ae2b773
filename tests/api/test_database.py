"""The service's database, on SQLite and on PostgreSQL alike: the migrations, what the columns
hold, the constraints and transactions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import api.db
from api.db import Base, Job, Office, StoredPlan, StoredScenario, User, make_engine, upgrade

# The week of the demo's biggest office costs this: beyond a 32-bit integer (2**31 - 1).
TOTAL_IDR = 98_988_035_000


def head() -> str:
    revision = ScriptDirectory(str(Path(api.db.__file__).parent / "migrations")).get_current_head()
    assert revision
    return revision


def stored_revisions(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(text("SELECT version_num FROM alembic_version")))


def add_owner(session: Session) -> tuple[Office, User]:
    """An office and one of its officers: what a scenario needs."""
    office = Office(name="KBRI Kuala Lumpur")
    session.add(office)
    session.flush()
    user = User(name="officer", office_id=office.office_id, role="officer", key_hash="0" * 64)
    session.add(user)
    session.flush()
    return office, user


def add_scenario(session: Session, office: Office, user: User, name: str = "week 48") -> StoredScenario:
    scenario = StoredScenario(
        office_id=office.office_id,
        name=name,
        archive=b"PK\x05\x06" + bytes(18),
        summary={"people": 3},
        uploaded_by=user.user_id,
    )
    session.add(scenario)
    session.flush()
    return scenario


def plan(scenario: StoredScenario, version: int, total_idr: int = 1_000) -> StoredPlan:
    return StoredPlan(
        office_id=scenario.office_id,
        scenario_id=scenario.scenario_id,
        version=version,
        status="optimal",
        total_idr=total_idr,
        gap=0.0,
        solve_seconds=1.5,
        parameters={"time_limit": 60},
        plan_json={"parties": []},
    )


def test_migrations_bring_an_empty_database_to_the_head(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        assert inspect(engine).get_table_names() == []
        upgrade(empty_database_url)
        assert stored_revisions(engine) == [head()]
        tables = set(inspect(engine).get_table_names())
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
        # The schema the migrations made is the models' schema: nothing for autogenerate to add.
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()


def test_upgrading_again_changes_nothing(database_url: str, db_sessions: sessionmaker[Any]) -> None:
    """The service upgrades at every start: an upgraded database and its rows stay as they are."""
    with db_sessions.begin() as session:
        add_owner(session)
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        assert stored_revisions(engine) == [head()]
    finally:
        engine.dispose()
    with db_sessions() as session:
        assert session.scalars(select(Office.name)).all() == ["KBRI Kuala Lumpur"]


def test_money_columns_hold_amounts_beyond_32_bits(db_sessions: sessionmaker[Any]) -> None:
    assert TOTAL_IDR > 2**31
    with db_sessions.begin() as session:
        office, user = add_owner(session)
        scenario = add_scenario(session, office, user)
        stored = plan(scenario, 1, total_idr=TOTAL_IDR)
        session.add(stored)
        session.flush()
        session.add(
            Job(
                office_id=office.office_id,
                scenario_id=scenario.scenario_id,
                parameters={},
                submitted_by=user.user_id,
                best_idr=TOTAL_IDR,
                bound_idr=TOTAL_IDR - 1,
                plan_id=stored.plan_id,
            )
        )
    with db_sessions() as session:
        assert session.scalars(select(StoredPlan.total_idr)).one() == TOTAL_IDR
        job = session.scalars(select(Job)).one()
        assert (job.best_idr, job.bound_idr) == (TOTAL_IDR, TOTAL_IDR - 1)
        # Sums too: a month of plans.
        assert session.scalar(select(func.sum(StoredPlan.total_idr))) == TOTAL_IDR


def test_a_scenario_has_one_plan_of_each_version(db_sessions: sessionmaker[Any]) -> None:
    with db_sessions.begin() as session:
        office, user = add_owner(session)
        scenario = add_scenario(session, office, user)
        session.add(plan(scenario, 1))
        session.add(plan(add_scenario(session, office, user, "week 49"), 1))  # another scenario's
        session.add(plan(scenario, 2))
    with pytest.raises(IntegrityError), db_sessions.begin() as session:
        session.add(plan(scenario, 2, total_idr=5))
    with db_sessions() as session:
        rows = session.execute(select(StoredPlan.version, StoredPlan.total_idr).order_by(StoredPlan.plan_id))
        assert rows.all() == [(1, 1_000), (1, 1_000), (2, 1_000)]


def test_a_plan_needs_its_scenario(db_sessions: sessionmaker[Any]) -> None:
    """Foreign keys hold on both (SQLite only checks them when asked to)."""
    with db_sessions.begin() as session:
        office, user = add_owner(session)
        scenario = add_scenario(session, office, user)
    with pytest.raises(IntegrityError), db_sessions.begin() as session:
        orphan = plan(scenario, 1)
        orphan.scenario_id = scenario.scenario_id + 1
        session.add(orphan)


def test_a_failed_transaction_leaves_nothing_stored(db_sessions: sessionmaker[Any]) -> None:
    with db_sessions.begin() as session:
        office, user = add_owner(session)
    with pytest.raises(RuntimeError, match="the solver crashed"), db_sessions.begin() as session:
        add_scenario(session, office, user)  # written to the database, not yet committed
        raise RuntimeError("the solver crashed")
    # One statement failing undoes the ones before it in the same transaction.
    with pytest.raises(IntegrityError), db_sessions.begin() as session:
        scenario = add_scenario(session, office, user, "week 49")
        session.add(plan(scenario, 1))
        session.flush()
        session.add(plan(scenario, 1))
    with db_sessions() as session:
        assert session.scalar(select(func.count()).select_from(StoredScenario)) == 0
        assert session.scalar(select(func.count()).select_from(StoredPlan)) == 0
        assert session.scalars(select(User.name)).all() == ["officer"]
