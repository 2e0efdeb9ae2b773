"""Signing in to the web page: a server-side session behind an HttpOnly, SameSite cookie, and
a CSRF token for every form that changes something.

The cookie holds a random token; the database keeps its SHA-256 (``api.db.WebSession``), who
signed in, the session's CSRF token and when it expires.  A forged or expired cookie names no
live session, so the page sends its holder to sign in; signing out deletes the row.  The
sign-in form itself, before any session, is protected by a double-submit token: a random value
in a cookie that the form must repeat.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy import delete

from api.access import db
from api.auth import Principal, as_principal, hash_key
from api.db import Office, User, WebSession, now

SESSION_COOKIE = "repat_session"
SIGN_IN_COOKIE = "repat_sign_in"
LANG_COOKIE = "repat_lang"
# A working day and some: an officer signs in once a morning, a lost laptop's session ends.
SESSION_LIFETIME = timedelta(hours=10)
Lang = Literal["id", "en"]


class SignInNeeded(Exception):
    """No live session: the page answers with a redirect to the sign-in page."""

    def __init__(self, back_to: str) -> None:
        super().__init__("sign in needed")
        self.back_to = back_to


class Refused(Exception):
    """A request the page will not carry out: a form without its CSRF token, or a role that
    may not; ``why`` is a key of ``api.web.words.WORDS``."""

    def __init__(self, why: str, status: int = 403) -> None:
        super().__init__(why)
        self.why = why
        self.status = status


@dataclass(frozen=True, slots=True)
class Visit:
    """Who is looking at a page, in which language, with the CSRF token their forms carry."""

    who: Principal
    office: str
    csrf: str
    lang: Lang


def language(request: Request) -> Lang:
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "id"


def visit(request: Request) -> Visit:
    """The signed-in user of this request, or a redirect to sign in."""
    token = request.cookies.get(SESSION_COOKIE, "")
    back_to = request.url.path if request.method == "GET" else "/"
    if not token:
        raise SignInNeeded(back_to)
    with db(request) as session, session.begin():
        found = session.get(WebSession, hash_key(token))
        if found is None:
            raise SignInNeeded(back_to)
        if _aware(found.expires) > now():
            user = session.get(User, found.user_id)
            office = session.get(Office, user.office_id) if user else None
            assert user is not None and office is not None
            return Visit(as_principal(user), office.name, found.csrf_token, language(request))
        # Expired: the row goes, and the transaction commits before the redirect is raised
        # (raising inside the block would roll the deletion back).
        session.delete(found)
    raise SignInNeeded(back_to)


def _aware(moment: datetime) -> datetime:
    # SQLite gives back the UTC time it was given, without its zone.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


Visitor = Annotated[Visit, Depends(visit)]


def check_csrf(current: Visit, sent: str | None) -> None:
    """Refuse a form whose token is not the session's (a page of another site cannot read it)."""
    if not sent or not hmac.compare_digest(sent, current.csrf):
        raise Refused("refused_csrf")


def start(request: Request, response: Response, who: Principal) -> None:
    """Open a session for ``who`` and give the browser its cookie."""
    token = secrets.token_urlsafe(32)
    with db(request) as session, session.begin():
        # Sessions that expired are cleared on the way: nothing else reads them.
        session.execute(delete(WebSession).where(WebSession.expires <= now()))
        session.add(
            WebSession(
                token_hash=hash_key(token),
                user_id=who.user_id,
                csrf_token=secrets.token_urlsafe(32),
                expires=now() + SESSION_LIFETIME,
            )
        )
    _cookie(request, response, SESSION_COOKIE, token, int(SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(SIGN_IN_COOKIE, path="/")


def end(request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        with db(request) as session, session.begin():
            session.execute(delete(WebSession).where(WebSession.token_hash == hash_key(token)))
    response.delete_cookie(SESSION_COOKIE, path="/")


def sign_in_token(request: Request) -> str:
    """The sign-in form's token: the browser's cookie if it has one, else a new one."""
    return request.cookies.get(SIGN_IN_COOKIE) or secrets.token_urlsafe(32)


def give_sign_in_token(request: Request, response: Response, token: str) -> None:
    _cookie(request, response, SIGN_IN_COOKIE, token, 3600)


def sign_in_token_matches(request: Request, sent: str | None) -> bool:
    kept = request.cookies.get(SIGN_IN_COOKIE)
    return bool(kept and sent and hmac.compare_digest(kept, sent))


def _cookie(request: Request, response: Response, name: str, value: str, seconds: int) -> None:
    # Secure only over https: the service also runs on a laptop at http://127.0.0.1.
    response.set_cookie(
        name,
        value,
        max_age=seconds,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
