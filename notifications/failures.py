"""What an SMTP failure means for delivery: try again later, give up on the message, or stop because
the settings are wrong (which no retry will fix)."""

from __future__ import annotations

import logging
import ssl
from enum import Enum
from typing import TYPE_CHECKING

import aiosmtplib

if TYPE_CHECKING:
    from notifications.delivery import SmtpConfig

log = logging.getLogger("notifications.delivery")


class Outcome(Enum):
    TEMPORARY = "temporary"
    PERMANENT = "permanent"
    CONFIG = "config"


def tls_problem(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def connect_failure(exc: Exception, config: SmtpConfig) -> tuple[bool, str]:
    """(is it our configuration?, message) for a failure to connect, say hello, start TLS or log in."""
    where = f"{config.host}:{config.port}"
    if tls_problem(exc):
        return True, (
            f"TLS with the SMTP server {where} failed ({exc}): check PAKN_SMTP_SECURITY"
            " (tls is usually port 465, starttls port 587) and the server's certificate"
        )
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return True, (
            f"the SMTP server {where} refused the login of {config.username!r} ({exc.code} {exc.message}):"
            " check PAKN_SMTP_USERNAME and PAKN_SMTP_PASSWORD"
        )
    # SMTPConnectError and SMTPServerDisconnected are ConnectionErrors, SMTPTimeoutError a TimeoutError.
    if isinstance(exc, OSError | TimeoutError):
        return False, f"cannot reach the SMTP server {where}: {exc}"
    if isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code < 500:
        return False, f"the SMTP server {where} is not accepting mail now: {exc.code} {exc.message}"
    # STARTTLS or AUTH not offered, a 5xx to EHLO, contradictory options: the settings must change.
    return True, f"the SMTP server {where} does not accept our settings: {exc}"


def send_failure(exc: Exception) -> tuple[Outcome, str, bool]:
    """(outcome, message, is the connection lost?) for a failure while sending one message."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refused = exc.recipients
        text = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in refused)
        permanent = all(r.code >= 500 for r in refused)  # 4xx here is greylisting: try again later
        return (Outcome.PERMANENT if permanent else Outcome.TEMPORARY), f"recipient refused: {text}", False
    if isinstance(exc, aiosmtplib.SMTPSenderRefused) and exc.code >= 500 and exc.code != 552:
        # The same for every message (552 is this message's size): a setting to fix, not a lost mail.
        return (
            Outcome.CONFIG,
            f"the SMTP server refused the sender {exc.sender} ({exc.code} {exc.message}): check PAKN_MAIL_FROM",
            False,
        )
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        outcome = Outcome.PERMANENT if exc.code >= 500 else Outcome.TEMPORARY
        return outcome, f"{exc.code} {exc.message}", exc.code == 421  # 421: the server is closing
    if isinstance(exc, OSError | TimeoutError):  # disconnected, timed out
        return Outcome.TEMPORARY, f"connection lost while sending: {exc}", True
    if isinstance(exc, aiosmtplib.SMTPNotSupported | ValueError):
        # e.g. a non-ASCII address the server cannot take, or an address aiosmtplib refuses to send
        return Outcome.PERMANENT, str(exc), False
    log.exception("unexpected error while sending an outbox message")
    return Outcome.TEMPORARY, f"{type(exc).__name__}: {exc}", True
