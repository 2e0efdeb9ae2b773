"""API keys, offices and roles.

A key is a random secret shown once when the user is added; the service keeps only its SHA-256
(a key has 256 bits of randomness, so a slow password hash would add nothing).  Every request
but the health check names its key in ``Authorization: Bearer <key>`` or ``X-API-Key``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import ROLES, Office, User

# What each role may see and do; personal data (names, national ids) only for officers.
SEES_NAMES = frozenset({"officer"})


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    name: str
    office_id: int
    role: str

    @property
    def sees_names(self) -> bool:
        return self.role in SEES_NAMES


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def add_user(session: Session, name: str, office: str, role: str) -> str:
    """Add a user to ``office`` (created if new) and return the new API key, shown once."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise ValueError(f"a user named {name!r} exists already")
    found = session.scalar(select(Office).where(Office.name == office))
    if found is None:
        found = Office(name=office)
        session.add(found)
        session.flush()
    key = "rpt_" + secrets.token_urlsafe(32)
    session.add(User(name=name, office_id=found.office_id, role=role, key_hash=hash_key(key)))
    return key


def _session(request: Request) -> Session:
    factory = request.app.state.sessions
    session: Session = factory()
    return session


def principal(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal:
    key = x_api_key
    if authorization and authorization.lower().startswith("bearer "):
        key = authorization[7:].strip()
    if not key:
        raise HTTPException(401, "an API key is needed: send 'Authorization: Bearer <key>'")
    with _session(request) as session:
        who = holder_of(session, key)
    if who is None:
        raise HTTPException(401, "this API key is not known")
    return who


def holder_of(session: Session, key: str) -> Principal | None:
    """The user whose API key ``key`` is, or None: the API's header and the web page's
    sign-in form both ask here."""
    user = session.scalar(select(User).where(User.key_hash == hash_key(key)))
    return None if user is None else as_principal(user)


def as_principal(user: User) -> Principal:
    return Principal(user.user_id, user.name, user.office_id, user.role)


# Who may fetch what: the API's routes and the web page's buttons read the same table.
MAY: dict[str, tuple[str, ...]] = {
    "upload": ("officer",),
    "solve": ("officer",),
    "read": ("officer", "budget", "coordinator"),
    "manifests": ("officer",),
    "itineraries": ("officer",),
    "budget": ("officer", "budget"),
    # What-if sweeps: budget staff argue for money with them; no names in what they give.
    "sweep": ("officer", "budget"),
    "map": ("officer", "coordinator"),
}


def may(who: Principal, what: str) -> bool:
    return who.role in MAY[what]


def role(*allowed: str) -> object:
    """A dependency that admits the roles named, and answers 403 to the others."""

    def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if who.role not in allowed:
            raise HTTPException(403, f"the {who.role} role may not do this; it needs {' or '.join(allowed)}")
        return who

    return Depends(check)
