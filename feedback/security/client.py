"""Who is calling: the app's settings and the client's address, as guards and dependencies see them."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from litestar.connection import ASGIConnection

from feedback.settings import Settings


def app_settings(connection: ASGIConnection) -> Settings:
    """The Settings the app was built with (create_app keeps them in app.state["settings"])."""
    try:
        return connection.app.state["settings"]
    except KeyError:
        raise RuntimeError(
            "app.state has no 'settings': build the app with feedback.app.create_app"
        ) from None


def client_address(connection: ASGIConnection, settings: Settings) -> str:
    """The address a request came from.

    X-Forwarded-For is anyone's to write, so it counts only when the peer is a trusted proxy
    (PAKN_TRUSTED_PROXIES); then the client is the nearest hop that is not itself a trusted proxy.
    Reading from the right means a client cannot pick its own address by sending the header itself.
    """
    peer = connection.client.host if connection.client else ""
    if settings.trusted_proxies and _trusted(peer, settings):
        hops = [
            hop.strip()
            for header in connection.headers.getall("x-forwarded-for", [])
            for hop in header.split(",")
            if hop.strip()
        ]
        for hop in reversed(hops):
            if not _trusted(hop, settings):
                return hop
        if hops:
            return hops[0]
    return peer or "unknown"


def _trusted(address: str, settings: Settings) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(settings.trusted_proxies))


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)
