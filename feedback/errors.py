"""Domain errors: a rule that fails says what is wrong, in words a citizen or officer understands.

The API maps each to its HTTP status (see feedback/app.py); services never import Litestar.
"""

from __future__ import annotations


class DomainError(Exception):
    status_code = 422

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # A form's text fields as they were sent, for a page that shows the form again (a refused file).
        self.form_fields: dict[str, str] = {}


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Unauthorized(DomainError):
    status_code = 401


class Conflict(DomainError):
    status_code = 409


class TooManyRequests(DomainError):
    """Too many attempts (logins, submissions): try again after `retry_after` seconds."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
