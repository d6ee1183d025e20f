"""Which job runs when. The scheduler only ticks: deadlines are rows in the database, so a missed
tick, a restart or a second scheduler process changes nothing — the next tick finds what is due."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from feedback import clock
from feedback.conferences.sweep import sweep_conferences
from feedback.deadlines.digest import DIGEST_AT, queue_digests
from feedback.deadlines.sweep import sweep
from feedback.documents.mail import documents
from feedback.health import record_sweep
from feedback.publication.retention import run as run_retention
from feedback.reports.mail import REPORT_AT, queue_due
from feedback.settings import Settings
from notifications.delivery import DeliveryConfigError, DeliveryReport, deliver_pending

log = logging.getLogger("pakn.scheduler")
T = TypeVar("T")

SWEEP_EVERY_SECONDS = 60
DELIVER_EVERY_SECONDS = 5
DELIVER_BATCH = 2000
DELIVER_BURST_SECONDS = 4.0


async def sweep_job(settings: Settings) -> None:
    try:
        report = await sweep(settings, now=clock.now())
    except Exception:
        log.exception("deadline sweep failed; the next tick will try again")
        return
    if report.fired or report.skipped:
        log.info(
            "sweep: fired %s, skipped %d stale, queued %d messages",
            report.fired,
            report.skipped,
            report.messages,
        )
    try:
        fired = await sweep_conferences(settings, now=clock.now())
    except Exception:
        log.exception("conference sweep failed; the next tick will try again")
        return
    if fired:
        log.info("conference sweep: fired %d steps", fired)
    try:
        # Every process's /health reads this (feedback/health.py): a sweep older than 5 minutes is a 503.
        await record_sweep(clock.now())
    except Exception:
        log.exception("could not record the sweep's time for /health")


async def _attempt(work: Awaitable[T], failure: str) -> T | None:
    """What `work` returns, or None after logging `failure` with the traceback: a job that fails is
    simply run again at its next time (each job makes a repeat a no-op)."""
    try:
        return await work
    except Exception:
        log.exception(failure)
        return None


async def digest_job(settings: Settings) -> None:
    """The daily digest of overdue items to unit heads; queue_digests makes repeats a no-op."""
    queued = await _attempt(
        queue_digests(settings, now=clock.now()), "daily digest failed; it runs again at start-up or tomorrow"
    )
    if queued:
        log.info("digest: queued %d daily digests of overdue items", queued)


async def monthly_report_job(settings: Settings) -> None:
    """The closed month's report to every unit head and the coordinator office, on the first working day
    of the month (or the next run after it, to catch up); its keys make a repeat a no-op."""
    queued = await _attempt(
        queue_due(settings, now=clock.now()),
        "monthly report failed; it runs again tomorrow, or run `pakn report-mail`",
    )
    if queued:
        log.info("monthly report: queued %d messages", queued)


# The 1st of every month at 02:00 local time, when nobody works: `pakn retention` (Nghị định 13/2023).
RETENTION_DAY, RETENTION_HOUR = 1, 2


async def retention_job(settings: Settings) -> None:
    """Remove personal data past PAKN_RETENTION_DAYS; a repeat finds nothing left to remove."""
    report = await _attempt(
        run_retention(settings, now=clock.now()),
        "retention failed; it runs again next month, or run `pakn retention`",
    )
    if report is not None and (report.items or report.questions or report.messages):
        log.info("%s", report)


async def deliver_job(settings: Settings) -> None:
    """Deliver what is due; after a big sweep keep going batch after batch for a few seconds, so
    delivery is not capped at one batch per tick (the job never overlaps itself: max_instances=1)."""
    total = DeliveryReport()
    stop_at = time.monotonic() + DELIVER_BURST_SECONDS
    try:
        while True:
            report = await deliver_pending(
                settings.smtp,
                now=clock.now(),
                tz=settings.tz,
                limit=DELIVER_BATCH,
                documents=documents(settings),
            )
            total.sent, total.retried, total.failed = (
                total.sent + report.sent,
                total.retried + report.retried,
                total.failed + report.failed,
            )
            if report.sent + report.retried + report.failed < DELIVER_BATCH or time.monotonic() > stop_at:
                break
    except DeliveryConfigError as exc:
        log.error("mail delivery is misconfigured: %s", exc)
    except Exception:
        log.exception("mail delivery failed; the next tick will try again")
    if total.sent or total.retried or total.failed:
        log.info("deliver: sent %d, retry later %d, failed %d", total.sent, total.retried, total.failed)


@dataclass
class Background:
    scheduler: AsyncIOScheduler

    async def stop(self) -> None:
        self.scheduler.shutdown(wait=False)


def _every_morning(scheduler: AsyncIOScheduler, settings: Settings, job, at, ident: str) -> None:  # noqa: ANN001
    """A job at `at` local time every day and once at start-up (a morning the service was down is
    caught up; the job itself knows whether anything is due and makes repeats a no-op)."""
    scheduler.add_job(
        job,
        "cron",
        hour=at.hour,
        minute=at.minute,
        timezone=settings.tz,
        args=[settings],
        id=ident,
        next_run_time=clock.now(),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3 * 3600,
    )


def build_scheduler(settings: Settings) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
    # The first sweep runs at start-up: after downtime, what fell due meanwhile goes out at once.
    scheduler.add_job(
        sweep_job,
        "interval",
        seconds=SWEEP_EVERY_SECONDS,
        args=[settings],
        id="sweep",
        next_run_time=clock.now(),
        **options,
    )
    # Every working morning at DIGEST_AT local time, and at start-up in case the morning was missed.
    _every_morning(scheduler, settings, digest_job, DIGEST_AT, "digest")
    # Every morning at REPORT_AT local time and at start-up: queue_due knows whether a month's reports
    # are due (from the first working day of the next month) and not yet queued.
    _every_morning(scheduler, settings, monthly_report_job, REPORT_AT, "monthly_report")
    scheduler.add_job(
        retention_job,
        "cron",
        day=RETENTION_DAY,
        hour=RETENTION_HOUR,
        minute=0,
        timezone=settings.tz,
        args=[settings],
        id="retention",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=24 * 3600,  # a scheduler down that night still runs it that day
    )
    scheduler.add_job(
        deliver_job, "interval", seconds=DELIVER_EVERY_SECONDS, args=[settings], id="deliver", **options
    )
    return scheduler


async def start_background(settings: Settings) -> Background | None:
    """Start the in-process ticker (inside the running loop), unless PAKN_SCHEDULER=off."""
    if not settings.scheduler:
        return None
    scheduler = build_scheduler(settings)
    scheduler.start()
    return Background(scheduler)
