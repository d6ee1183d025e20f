"""The browser session: an HttpOnly cookie plus a CSRF token; bearer tokens for API clients."""

from __future__ import annotations

import httpx

from feedback.accounts.models import StaffSession
from feedback.accounts.services import create_user
from feedback.items.models import FeedbackItem
from feedback.security.sessions import csrf_token
from tests.helpers import PASSWORD, citizen_body

EMAIL = "motcua@hadong.vn"
INBOX = "/api/v1/staff/feedback"


async def _browser_login(browser: httpx.AsyncClient) -> dict:
    await create_user(email=EMAIL, role="desk", unit_code="P-09556", password=PASSWORD)
    response = await browser.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


async def test_login_sets_a_session_cookie_and_a_csrf_token(connect, settings) -> None:
    browser = connect()
    await create_user(email=EMAIL, role="desk", unit_code="P-09556", password=PASSWORD)
    response = await browser.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    body = response.json()
    # Backward compatible: token, email, role, unit are still there.
    assert {"token", "email", "role", "unit", "csrf_token"} <= body.keys()
    assert body["csrf_token"] == csrf_token(settings.secret_key, body["token"])

    cookies = _set_cookies(response)
    session, csrf = cookies["pakn_session"].lower(), cookies["pakn_csrf"].lower()
    assert f"pakn_session={body['token'].lower()};" in session
    assert "httponly" in session and "samesite=lax" in session and "secure" in session
    assert "max-age=43200" in session and "path=/" in session
    assert f"pakn_csrf={body['csrf_token']};" in csrf
    assert "httponly" not in csrf  # the page's script reads it to send it back


async def test_cookies_are_not_secure_on_plain_http(connect) -> None:
    browser = connect(base_url="http://127.0.0.1:8000")
    await create_user(email=EMAIL, role="desk", unit_code="P-09556", password=PASSWORD)
    response = await browser.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert "secure" not in _set_cookies(response)["pakn_session"].lower()


async def test_cookie_reads_need_no_csrf_but_writes_do(connect) -> None:
    browser = connect()
    login = await _browser_login(browser)
    assert (await browser.get(INBOX)).status_code == 200  # the cookie alone, on a safe method

    refused = await browser.post(INBOX, json=citizen_body())
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"] and "X-CSRF-Token" in refused.json()["detail"]
    wrong = await browser.post(INBOX, json=citizen_body(), headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    # A token for another session does not fit this one.
    stolen = csrf_token("test-secret-key-0123456789", "another-session")
    assert (
        await browser.post(INBOX, json=citizen_body(), headers={"X-CSRF-Token": stolen})
    ).status_code == 403
    assert await FeedbackItem.all().count() == 0

    accepted = await browser.post(INBOX, json=citizen_body(), headers={"X-CSRF-Token": login["csrf_token"]})
    assert accepted.status_code == 201, accepted.text
    assert await FeedbackItem.all().count() == 1


async def test_bearer_tokens_need_no_csrf(connect) -> None:
    browser = connect()
    token = (await _browser_login(browser))["token"]
    api = connect()  # another client without cookies: a script or an integration
    response = await api.post(INBOX, json=citizen_body(), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    assert (await connect().get(INBOX)).status_code == 401  # and nothing at all is still refused


async def test_logout_with_the_cookie(connect) -> None:
    browser = connect()
    login = await _browser_login(browser)
    assert (await browser.post("/api/v1/auth/logout")).status_code == 403  # CSRF applies here too
    assert await StaffSession.all().count() == 1

    response = await browser.post("/api/v1/auth/logout", headers={"X-CSRF-Token": login["csrf_token"]})
    assert response.status_code == 204
    cleared = _set_cookies(response)
    assert "max-age=0" in cleared["pakn_session"].lower() and "max-age=0" in cleared["pakn_csrf"].lower()
    assert await StaffSession.all().count() == 0
    assert "pakn_session" not in browser.cookies
    # The old token is dead even if someone kept a copy.
    assert (
        await connect().get(INBOX, headers={"Authorization": f"Bearer {login['token']}"})
    ).status_code == 401


async def test_logout_with_a_bearer_token(connect) -> None:
    login = await _browser_login(connect())
    api = connect()
    headers = {"Authorization": f"Bearer {login['token']}"}
    assert (await api.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert (await api.get(INBOX, headers=headers)).status_code == 401
    assert (await api.post("/api/v1/auth/logout")).status_code == 401  # no credentials at all


async def test_a_plain_form_may_send_the_csrf_token_as_a_field(connect) -> None:
    browser = connect()
    login = await _browser_login(browser)
    assert (await browser.post("/api/v1/auth/logout", data={"csrf_token": "sai"})).status_code == 403
    response = await browser.post("/api/v1/auth/logout", data={"csrf_token": login["csrf_token"]})
    assert response.status_code == 204
    assert await StaffSession.all().count() == 0
