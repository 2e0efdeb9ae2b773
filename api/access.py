"""What every request of the service does, the API's and the web page's alike: open the
database, keep to the user's office, write the audit log, and render a plan's outputs.

The web page (``api.web``) answers through these same functions, so that a page shows exactly
what the API would give the same user, and every fetch is written to the same audit log.
"""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fastapi import HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api import replans
from api import scenarios as uploads
from api.auth import Principal
from api.db import AuditEntry, StoredPlan, StoredReplan
from maps.route_map import write_map
from planner.io.plan_json import plan_from_dict
from planner.plan import Plan
from planner.reports.budget import write_budget
from planner.reports.changes import write_changes
from planner.reports.itineraries import write_itineraries
from planner.reports.manifests import write_manifests
from planner.scenario import Scenario

MiB = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Lang = Literal["id", "en"]


def db(request: Request) -> Session:
    factory = request.app.state.sessions
    session: Session = factory()
    return session


def audit(session: Session, who: Principal, action: str, subject: str = "", detail: str = "") -> None:
    session.add(
        AuditEntry(
            user_id=who.user_id, office_id=who.office_id, action=action, subject=subject, detail=detail
        )
    )


def own(session: Session, kind: type[Any], key: int, who: Principal, what: str) -> Any:
    """An object of the user's office, or 404: another office's objects do not exist for them."""
    found = session.get(kind, key)
    if found is None or found.office_id != who.office_id:
        raise HTTPException(404, f"{what} {key} not found")
    return found


class Rendered:
    """The outputs rendered lately, newest kept: a bounded cache shared by the request threads."""

    def __init__(self, most_bytes: int = 64 * MiB) -> None:
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._most = most_bytes
        self._size = 0

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            content = self._items.get(key)
            if content is not None:
                self._items.move_to_end(key)
            return content

    def put(self, key: Hashable, content: bytes) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = content
            self._size += len(content)
            while self._size > self._most and len(self._items) > 1:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)


Make = Callable[[Scenario, Plan, Path], Path]


@dataclass(frozen=True, slots=True)
class Output:
    """One file a plan gives: who may have it (``api.auth.MAY``) and how it is written."""

    file: str
    permission: str
    media: str

    def make(self, lang: Lang, names: bool) -> Make:
        if self.file == "manifests.xlsx":
            return lambda s, p, d: write_manifests(s, p, d, lang)[0]
        if self.file == "manifests.csv":
            return lambda s, p, d: write_manifests(s, p, d, lang)[1]
        if self.file == "itineraries.html":
            return lambda s, p, d: write_itineraries(s, p, d, lang)
        if self.file == "budget.xlsx":
            return lambda s, p, d: write_budget(s, p, d, lang, names=names)
        return lambda s, p, d: write_map(s, p, d / "map.html", lang, names)


OUTPUTS: dict[str, Output] = {
    o.file: o
    for o in (
        Output("manifests.xlsx", "manifests", XLSX),
        Output("manifests.csv", "manifests", "text/csv"),
        Output("itineraries.html", "itineraries", "text/html"),
        Output("budget.xlsx", "budget", XLSX),
        Output("map.html", "map", "text/html"),
    )
}


def send_output(
    request: Request, plan_id: int, who: Principal, make: Make, media: str, *, attachment: bool = True
) -> Response:
    """A plan's output file, rendered once and then served from the cache, with its fetch audited."""
    file = request.url.path.rsplit("/", 1)[-1]
    # A stored plan never changes, so an output once rendered is the same for everyone
    # who may see the same things (rendering a map takes seconds).
    key = (plan_id, file, tuple(sorted(request.query_params.items())), who.sees_names)
    rendered: Rendered = request.app.state.rendered
    with db(request) as session, session.begin():
        row = own(session, StoredPlan, plan_id, who, "plan")
        audit(session, who, "fetch output", f"plan {plan_id}", file)
        content = rendered.get(key)
        if content is None:
            # The week the plan was made for: a re-plan's is its scenario after the events.
            week = replans.week_archive(session, row)
            scenario, plan = uploads.unarchive(week), plan_from_dict(row.plan_json)
    if content is None:
        with tempfile.TemporaryDirectory() as folder:
            content = make(scenario, plan, Path(folder)).read_bytes()
        rendered.put(key, content)
    disposition = "attachment" if attachment else "inline"
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'{disposition}; filename="plan-{plan_id}-{file}"'},
    )


def send_changes(request: Request, plan_id: int, who: Principal, file: str, lang: Lang) -> Response:
    """A re-plan's changes (``changes.xlsx`` or ``changes.csv``: who to rebook, from which legs
    to which, and why), rendered once and cached like the other outputs; 404 for a plan that
    is not a re-plan."""
    key = (plan_id, file, lang)
    rendered: Rendered = request.app.state.rendered
    with db(request) as session, session.begin():
        row = own(session, StoredPlan, plan_id, who, "plan")
        replanned = session.get(StoredReplan, plan_id)
        if replanned is None:
            raise HTTPException(404, f"plan {plan_id} is not a re-plan, so it has no changes")
        audit(session, who, "fetch output", f"plan {plan_id}", file)
        content = rendered.get(key)
        if content is None:
            old = session.get(StoredPlan, replanned.replans)
            assert old is not None and old.office_id == row.office_id
            # The changes name the week as it was before the events (a cancelled service too).
            before = uploads.unarchive(replans.week_archive(session, old))
            changes = [replans.change_from_dict(c) for c in replanned.changes]
    if content is None:
        with tempfile.TemporaryDirectory() as folder:
            written = write_changes(before, changes, Path(folder), lang)
            content = next(p for p in written if p.name == file).read_bytes()
        rendered.put(key, content)
    media = XLSX if file.endswith(".xlsx") else "text/csv"
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}-{file}"'},
    )
