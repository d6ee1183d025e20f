"""Login throttling and the public rate limit, counted in the store every process shares.

Counters are keyed by a keyed hash of the e-mail or address, not the value itself: the store table
then holds no personal data, and its keys stay short.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from feedback.errors import NotFound, TooManyRequests, Unauthorized
from feedback.security import store
from feedback.security.client import app_settings, client_address
from feedback.settings import Settings

# A fixed 15-minute window: 5 wrong passwords for one account, or 20 from one address, and further
# attempts are refused until the window ends, even with the right password.
LOGIN_WINDOW = 15 * 60
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20

Guard = Callable[[ASGIConnection, BaseRouteHandler], Coroutine[Any, Any, None]]


def counter_key(kind: str, value: str, settings: Settings) -> str:
    """`kind:<keyed hash of value>`: the same for every process, meaningless without the secret key."""
    digest = hashlib.blake2b(value.encode(), key=settings.secret_key.encode()[:64], digest_size=16)
    return f"{kind}:{digest.hexdigest()}"


def wait_text(seconds: int) -> str:
    """ "45 giây", "15 phút": how long to wait, in words."""
    if seconds < 60:
        return f"{max(seconds, 1)} giây"
    return f"{-(-seconds // 60)} phút"


@asynccontextmanager
async def login_attempt(email: str, address: str, settings: Settings) -> AsyncIterator[None]:
    """Wrap one password check: refuse it (429) when throttled, and count it unless it succeeds.

    The attempt takes its slot in both counters before the password is checked, in one atomic
    statement each, so a burst of parallel guesses cannot all slip in under the limit. A success gives
    the address's slot back and clears the account's failures; a wrong password keeps both.
    """
    by_address = counter_key("login:address", address, settings)
    by_account = counter_key("login:account", email.strip().lower(), settings)
    counter = await store.hit_counter(by_address, LOGIN_WINDOW)
    if counter.count > ADDRESS_LIMIT:
        raise TooManyRequests(
            "Có quá nhiều lần đăng nhập sai từ địa chỉ này; "
            f"hãy thử lại sau {wait_text(counter.retry_after)}",
            retry_after=counter.retry_after,
        )
    counter = await store.hit_counter(by_account, LOGIN_WINDOW)
    if counter.count > ACCOUNT_LIMIT:
        raise TooManyRequests(
            "Tài khoản này tạm thời bị khoá đăng nhập vì nhập sai mật khẩu nhiều lần; "
            f"hãy thử lại sau {wait_text(counter.retry_after)}",
            retry_after=counter.retry_after,
        )
    try:
        yield
    except Unauthorized:
        raise  # a wrong password (or unknown account): the attempt stays counted
    except Exception:
        # Not the caller's fault (the database went away…): give both slots back.
        await store.release(by_address)
        await store.release(by_account)
        raise
    await store.release(by_address)
    await store.DatabaseStore().delete(by_account)


# Tracking by code and contact (phone or e-mail) instead of the secret token: a phone number is far
# easier to guess than a token, so wrong guesses are limited per item (a guesser has a handful of tries
# an hour at one item's ten digits) and per address (one client cannot walk through many items).
CONTACT_WINDOW = 3600
CONTACT_CODE_LIMIT = 5
CONTACT_ADDRESS_LIMIT = 20


@asynccontextmanager
async def contact_attempt(code: str, address: str, settings: Settings) -> AsyncIterator[None]:
    """Wrap one check of a contact against an item: 429 when too many wrong ones were tried for this
    item or from this address this hour; a wrong one (NotFound) stays counted, a right one does not."""
    keys = (
        (counter_key("contact:address", address, settings), CONTACT_ADDRESS_LIMIT),
        (counter_key("contact:code", code.strip().upper(), settings), CONTACT_CODE_LIMIT),
    )
    for key, limit in keys:
        counter = await store.hit_counter(key, CONTACT_WINDOW)
        if counter.count > limit:
            raise TooManyRequests(
                "Đã có quá nhiều lần tra cứu sai; "
                f"hãy thử lại sau {wait_text(counter.retry_after)} hoặc dùng đường dẫn trong thư xác nhận",
                retry_after=counter.retry_after,
            )
    try:
        yield
    except NotFound:
        raise  # a wrong contact: counted
    except BaseException:
        for key, _ in keys:
            await store.release(key)
        raise
    for key, _ in keys:
        await store.release(key)


def rate_limited(name: str) -> Guard:
    """A Litestar guard: at most PAKN_RATE_LIMIT requests per client address to the handlers named `name`.

    Attach it to public handlers that write: `@post(..., guards=[rate_limited("submit")])`. Handlers
    sharing a name share one counter. Guards run before the body is read, so a refused request costs
    one statement.
    """

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        settings = app_settings(connection)
        limit = settings.rate_limit
        if limit is None:
            return
        address = client_address(connection, settings)
        counter = await store.hit_counter(counter_key(f"rate:{name}", address, settings), limit.seconds)
        if counter.count > limit.count:
            raise TooManyRequests(
                "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn; "
                f"hãy thử lại sau {wait_text(counter.retry_after)}",
                retry_after=counter.retry_after,
            )

    guard.__name__ = f"rate_limited_{name}"
    return guard
