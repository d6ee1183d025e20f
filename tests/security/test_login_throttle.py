"""Login throttling: per account and per address, in the shared store, cleared by a success."""

from __future__ import annotations

import httpx
import pytest

from feedback.accounts.services import create_user
from feedback.errors import TooManyRequests, Unauthorized
from feedback.security.throttle import ACCOUNT_LIMIT, ADDRESS_LIMIT, LOGIN_WINDOW, login_attempt
from feedback.settings import Settings
from tests.helpers import PASSWORD

EMAIL = "canbo@hadong.vn"


async def _login(client: httpx.AsyncClient, email: str = EMAIL, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


async def test_an_account_is_throttled_after_failures_even_with_the_right_password(
    connect, frozen_clock
) -> None:
    await create_user(email=EMAIL, role="officer", unit_code="P-09556-KT", password=PASSWORD)
    client = connect("10.0.0.1")
    for _ in range(ACCOUNT_LIMIT):
        assert (await _login(client, password="sai-mat-khau")).status_code == 401

    refused = await _login(client)  # the right password, but too late
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Tài khoản này tạm thời bị khoá đăng nhập")
    assert int(refused.headers["retry-after"]) == LOGIN_WINDOW
    # The account is throttled wherever the guesses come from (e-mail case does not matter).
    assert (await _login(connect("10.0.0.2"), email=EMAIL.upper())).status_code == 429

    frozen_clock.advance(seconds=LOGIN_WINDOW - 60)
    assert int((await _login(client)).headers["retry-after"]) == 60
    frozen_clock.advance(seconds=60)
    assert (await _login(client)).status_code == 200


async def test_a_success_clears_the_account_failures(connect, frozen_clock) -> None:
    await create_user(email=EMAIL, role="officer", unit_code="P-09556-KT", password=PASSWORD)
    client = connect("10.0.0.1")
    for _ in range(ACCOUNT_LIMIT - 1):
        assert (await _login(client, password="sai")).status_code == 401
    assert (await _login(client)).status_code == 200
    # A fresh allowance: the same number of mistakes again before the lock.
    for _ in range(ACCOUNT_LIMIT):
        assert (await _login(client, password="sai")).status_code == 401
    assert (await _login(client)).status_code == 429


async def _fail(address: str, email: str, settings: Settings) -> None:
    """One wrong password from `address`, as the login handler counts it (without argon2's cost)."""
    with pytest.raises(Unauthorized):
        async with login_attempt(email, address, settings):
            raise Unauthorized("Sai thư điện tử hoặc mật khẩu")


async def test_an_address_is_throttled_across_accounts(connect, settings, frozen_clock) -> None:
    await create_user(email=EMAIL, role="officer", unit_code="P-09556-KT", password=PASSWORD)
    guesser = "203.0.113.9"
    # Spraying one password over many accounts: each account stays under its own limit.
    for n in range(ADDRESS_LIMIT):
        await _fail(guesser, f"nguoi{n}@hadong.vn", settings)
    refused = await _login(connect(guesser))
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Có quá nhiều lần đăng nhập sai từ địa chỉ này")
    # Throttling the address did not lock the account: its owner logs in from elsewhere.
    assert (await _login(connect("10.0.0.1"))).status_code == 200

    frozen_clock.advance(seconds=LOGIN_WINDOW)
    assert (await _login(connect(guesser))).status_code == 200


async def test_successful_logins_do_not_use_up_the_address(settings, database_clean, frozen_clock) -> None:
    # A ward office behind one NAT address: its staff log in all day without being throttled, and a
    # success gives back only its own slot, so the office's mistakes still count.
    for _ in range(ADDRESS_LIMIT + 5):
        async with login_attempt(EMAIL, "10.0.0.1", settings):
            pass
    for n in range(ADDRESS_LIMIT):
        await _fail("10.0.0.1", f"nguoi{n}@hadong.vn", settings)
    with pytest.raises(TooManyRequests):
        async with login_attempt(EMAIL, "10.0.0.1", settings):
            pass


async def test_an_unexpected_failure_is_not_counted(settings, database_clean, frozen_clock) -> None:
    for _ in range(ACCOUNT_LIMIT + 1):
        with pytest.raises(ConnectionError):
            async with login_attempt(EMAIL, "10.0.0.1", settings):
                raise ConnectionError("database went away")
    async with login_attempt(EMAIL, "10.0.0.1", settings):
        pass
