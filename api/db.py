"""What the service keeps: offices, users, scenarios, solve jobs, plans and the audit log.

SQLite (a file under the data folder) is the default; PostgreSQL when a URL names it.  The
schema is Alembic's (``api/migrations``): the tables below are its model, and the service
upgrades the database to the newest revision when it starts.

A finished plan is never changed: a new solve of the same scenario adds the next version, and
so does a re-plan after a disruption, which keeps beside its plan what it was made from.  A
what-if sweep's job keeps its variants' results beside the job (``sweeps``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

ROLES = ("officer", "budget", "coordinator", "admin")
# queued -> running -> finished | cancelled | failed; running -> interrupted when the server
# stopped under it.  ``cancelling`` is a running job asked to stop.
JOB_STATES = ("queued", "running", "cancelling", "finished", "cancelled", "failed", "interrupted")


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, datetime: DateTime(timezone=True)}


class Office(Base):
    __tablename__ = "offices"
    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class User(Base):
    __tablename__ = "users"
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.office_id"))
    role: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the API key
    created: Mapped[datetime] = mapped_column(default=now)


class StoredScenario(Base):
    __tablename__ = "scenarios"
    scenario_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.office_id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    archive: Mapped[bytes] = mapped_column(LargeBinary)  # the scenario as a .zip of its CSV files
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    uploaded: Mapped[datetime] = mapped_column(default=now)


class Job(Base):
    __tablename__ = "jobs"
    job_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.office_id"), index=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.scenario_id"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True, default="queued")
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    submitted: Mapped[datetime] = mapped_column(default=now)
    started: Mapped[datetime | None] = mapped_column(default=None)
    ended: Mapped[datetime | None] = mapped_column(default=None)
    worker: Mapped[str | None] = mapped_column(String(100), default=None)
    # Rupiah outgrow 32 bits (a large week costs tens of billions).
    best_idr: Mapped[int | None] = mapped_column(BigInteger, default=None)
    bound_idr: Mapped[int | None] = mapped_column(BigInteger, default=None)
    progress_seconds: Mapped[float | None] = mapped_column(Float, default=None)
    # A solve's rounds of column generation so far (None before the first, and for sweeps).
    rounds: Mapped[int | None] = mapped_column(Integer, default=None)
    # A sweep's progress: its variants planned so far, of how many (None for other jobs).
    variants_done: Mapped[int | None] = mapped_column(Integer, default=None)
    variants_total: Mapped[int | None] = mapped_column(Integer, default=None)
    message: Mapped[str | None] = mapped_column(Text, default=None)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.plan_id"), default=None)


class StoredPlan(Base):
    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("scenario_id", "version"),)
    plan_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.office_id"), index=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.scenario_id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    total_idr: Mapped[int] = mapped_column(BigInteger)
    gap: Mapped[float] = mapped_column(Float)
    solve_seconds: Mapped[float] = mapped_column(Float)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(default=now)


class StoredReplan(Base):
    """What a re-plan's plan was made from, beside its plan: the plan it re-plans (which stays
    as it was), the week after the events (the week the new plan is for, so that its outputs
    and a re-plan of it read that week), and the booking changes from the old plan to the new.
    The events, new cases, ``now`` and pins are in the plan's parameters, as the job had them."""

    __tablename__ = "replans"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.plan_id"), primary_key=True)
    replans: Mapped[int] = mapped_column(ForeignKey("plans.plan_id"), index=True)
    archive: Mapped[bytes] = mapped_column(LargeBinary)  # the week after the events, as a .zip
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)


class StoredSweep(Base):
    """What a sweep job found: one row per variant planned (``planner.sweep.VariantResult`` as
    a dict), stored with the job's end in one transaction.  A cancelled sweep keeps the variants
    done by then.  Numbers, ids and the variants' descriptions only: no person's name."""

    __tablename__ = "sweeps"
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.job_id"), primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.office_id"), index=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.scenario_id"), index=True)
    variants_total: Mapped[int] = mapped_column(Integer)
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(default=now)


class AuditEntry(Base):
    __tablename__ = "audit"
    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"), default=None)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.office_id"), default=None)
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class WebSession(Base):
    """A browser's sign-in to the web page: the cookie holds a random token, the database its
    SHA-256, so that signing out or expiry ends it on the server and a stolen table opens nothing."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(default=now)
    expires: Mapped[datetime] = mapped_column(index=True)


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'repat.db').resolve()}"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get foreign keys and a busy timeout, since the
    service's worker processes write to the same file."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def sessions(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(engine, expire_on_commit=False)


def upgrade(url: str) -> None:
    """Bring the database at ``url`` to the newest schema (Alembic)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")
