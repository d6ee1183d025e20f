"""The one source of "now". Tests replace it to travel in time; nothing else calls datetime.now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock(Clock):
    """A clock that stands still until moved: `clock.set(...)`, `clock.advance(days=3)`."""

    def __init__(self, at: datetime) -> None:
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._now = at.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def now(self) -> datetime:
        return self._now


_current: Clock = Clock()


def now() -> datetime:
    return _current.now()


def use(clock: Clock) -> Clock:
    """Install `clock` as the source of now; returns the previous one so tests can restore it."""
    global _current
    previous, _current = _current, clock
    return previous
