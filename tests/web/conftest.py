"""The web page's tests: a service on SQLite with an officer and a budget user of one office,
the demo week as a workbook, and a broken copy of it with planted problems."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from openpyxl import load_workbook

from api.app import create_app
from api.auth import add_user
from api.db import make_engine, sessions, upgrade
from planner.cli import demo_path
from planner.io.validate import read_scenario
from planner.io.write import write_scenario

OFFICE = "Dinsos Kab. Kotawaringin Barat"
# Cells spoiled in the broken workbook: (sheet, row as the problems count it, column, value).
PLANTED = (("cases", 3, "age", "tiga puluh"), ("services", 5, "seats", "-4"))


@dataclass(frozen=True)
class Keys:
    officer: str
    budget: str
    coordinator: str


def make_users(url: str) -> Keys:
    upgrade(url)
    engine = make_engine(url)
    try:
        with sessions(engine)() as session, session.begin():
            return Keys(
                officer=add_user(session, "Siti Rahma", OFFICE, "officer"),
                budget=add_user(session, "Budi Santoso", OFFICE, "budget"),
                coordinator=add_user(session, "Dewi Lestari", OFFICE, "coordinator"),
            )
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scenario(read_scenario(demo_path()), tmp_path_factory.mktemp("week") / "minggu-demo.xlsx")


@pytest.fixture(scope="module")
def broken_workbook(demo_workbook: Path) -> Path:
    """The demo workbook with the PLANTED cells spoiled (row 1 is the header)."""
    book = load_workbook(demo_workbook)
    for sheet, row, column, value in PLANTED:
        table = book[sheet]
        header = [cell.value for cell in table[1]]
        table.cell(row=row, column=header.index(column) + 1, value=value)
    broken = demo_workbook.with_name("minggu-rusak.xlsx")
    book.save(broken)
    return broken


@dataclass(frozen=True)
class LiveService:
    url: str
    keys: Keys


@pytest.fixture(scope="module")
def live_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """The service on a free port of the loopback, with one worker process that solves."""
    database = f"sqlite:///{tmp_path_factory.mktemp('db') / 'repat.db'}"
    keys = make_users(database)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(database, workers=1), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    # Bounded: the server starts in well under a minute on any machine, or the test fails.
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.1)
    try:
        yield LiveService(f"http://127.0.0.1:{port}", keys)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
