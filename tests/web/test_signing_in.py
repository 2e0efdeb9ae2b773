"""Signing in to the web page: no session, a forged or an expired cookie all lead to the
sign-in page; a form without its CSRF token is refused; a budget user cannot reach what the
API refuses them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.app import create_app
from api.auth import hash_key
from api.db import StoredScenario, WebSession, make_engine, now, sessions
from api.web.session import SESSION_COOKIE
from tests.web.conftest import Keys, make_users


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[TestClient, Keys, str]]:
    url = f"sqlite:///{tmp_path / 'repat.db'}"
    keys = make_users(url)
    with TestClient(create_app(url, workers=0)) as client:
        yield client, keys, url


def token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, key: str) -> str:
    """Sign in; returns the CSRF token of the signed-in pages."""
    form = client.get("/masuk")
    answer = client.post(
        "/masuk",
        data={"api_key": key, "csrf": token(form.text), "lanjut": "/minggu"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/minggu"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    return token(client.get("/minggu").text)


def sent_to_sign_in(client: TestClient, path: str = "/minggu") -> bool:
    answer = client.get(path, follow_redirects=False)
    return answer.status_code == 303 and answer.headers["location"].startswith("/masuk")


def test_without_a_session_every_page_sends_to_sign_in(service: tuple[TestClient, Keys, str]) -> None:
    client, _, _ = service
    for path in ("/minggu", "/minggu/1", "/proses/1", "/rencana/1", "/rencana/1/unduh/manifests.xlsx"):
        assert sent_to_sign_in(client, path), path
    assert client.get("/masuk").status_code == 200


def test_a_forged_cookie_sends_to_sign_in(service: tuple[TestClient, Keys, str]) -> None:
    client, keys, _ = service
    sign_in(client, keys.officer)
    client.cookies.set(SESSION_COOKIE, "forged-" + "x" * 40)
    assert sent_to_sign_in(client)


def test_an_expired_session_sends_to_sign_in(service: tuple[TestClient, Keys, str]) -> None:
    client, keys, url = service
    sign_in(client, keys.officer)
    assert client.get("/minggu", follow_redirects=False).status_code == 200
    kept = hash_key(client.cookies.get(SESSION_COOKIE) or "")
    engine = make_engine(url)
    try:
        with sessions(engine)() as session, session.begin():
            session.execute(update(WebSession).values(expires=now() - timedelta(minutes=1)))
        assert sent_to_sign_in(client)
        # The expired session's row is deleted for good, not only passed over.
        with sessions(engine)() as session:
            assert session.get(WebSession, kept) is None
            assert session.query(WebSession).count() == 0
    finally:
        engine.dispose()
    # The same cookie again: still sent to sign in.
    assert sent_to_sign_in(client)


def test_signing_out_ends_the_session_on_the_server(service: tuple[TestClient, Keys, str]) -> None:
    client, keys, _ = service
    csrf = sign_in(client, keys.officer)
    kept = client.cookies.get(SESSION_COOKIE)
    assert client.post("/keluar", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    client.cookies.set(SESSION_COOKIE, kept or "")
    assert sent_to_sign_in(client)


def test_a_wrong_key_does_not_sign_in(service: tuple[TestClient, Keys, str]) -> None:
    client, _, _ = service
    form = client.get("/masuk")
    answer = client.post("/masuk", data={"api_key": "rpt_not-a-key", "csrf": token(form.text)})
    assert answer.status_code == 401 and "tidak dikenal" in answer.text
    assert sent_to_sign_in(client)


def test_a_form_without_its_csrf_token_is_refused(
    service: tuple[TestClient, Keys, str], demo_workbook: Path
) -> None:
    client, keys, url = service
    form = client.get("/masuk")
    # The sign-in form too: without the token of its own page, nobody is signed in.
    assert client.post("/masuk", data={"api_key": keys.officer}).status_code == 403
    assert (
        client.post("/masuk", data={"api_key": keys.officer, "csrf": "x" + token(form.text)}).status_code
        == 403
    )
    csrf = sign_in(client, keys.officer)
    workbook = [("files", (demo_workbook.name, demo_workbook.read_bytes(), "application/octet-stream"))]
    for data in ({}, {"csrf": ""}, {"csrf": csrf[:-1]}):
        refused = client.post("/minggu", data=data, files=workbook, follow_redirects=False)
        assert refused.status_code == 403, data
    engine = make_engine(url)
    with sessions(engine)() as session:
        assert session.query(StoredScenario).count() == 0
    engine.dispose()
    for path in ("/keluar", "/minggu/1/rencanakan", "/proses/1/hentikan"):
        assert client.post(path, data={}, follow_redirects=False).status_code == 403, path
    # With its token the same upload is stored.
    stored = client.post("/minggu", data={"csrf": csrf}, files=workbook, follow_redirects=False)
    assert stored.status_code == 303 and stored.headers["location"] == "/minggu/1"


def test_a_budget_user_may_not_upload_nor_solve(
    service: tuple[TestClient, Keys, str], demo_workbook: Path
) -> None:
    client, keys, _ = service
    csrf = sign_in(client, keys.budget)
    page = client.get("/minggu").text
    assert 'id="upload-form"' not in page
    workbook = [("files", (demo_workbook.name, demo_workbook.read_bytes(), "application/octet-stream"))]
    assert client.post("/minggu", data={"csrf": csrf}, files=workbook).status_code == 403


def test_after_sign_in_only_paths_of_this_site(service: tuple[TestClient, Keys, str]) -> None:
    client, keys, _ = service
    form = client.get("/masuk")
    answer = client.post(
        "/masuk",
        data={"api_key": keys.officer, "csrf": token(form.text), "lanjut": "//example.org/x"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/minggu"
