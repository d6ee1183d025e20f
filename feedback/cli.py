"""The `pakn` command line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import getpass
import logging
import os
import signal
import socket
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedback import clock, db, logs
from feedback.accounts.models import ROLES
from feedback.errors import DomainError
from feedback.files.store import STORES
from feedback.settings import Settings, SettingsError

if TYPE_CHECKING:
    from feedback.app import Starter


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        sys.exit(2)
    try:
        args.handler(args)
    except SettingsError as exc:
        sys.exit(f"pakn: configuration error: {exc}")
    except DomainError as exc:
        sys.exit(f"pakn: {exc.message}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pakn", description="Phản ánh, kiến nghị — citizen feedback service"
    )
    sub = parser.add_subparsers(metavar="command")

    serve = sub.add_parser("serve", help="run the web service (and the scheduler unless PAKN_SCHEDULER=off)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="web processes (with more than one: PAKN_SCHEDULER=off and a separate `pakn scheduler`;"
        " their metrics are summed through PROMETHEUS_MULTIPROC_DIR, a temporary folder if unset)",
    )
    serve.add_argument(
        "--demo", action="store_true", help="SQLite, demo data and accounts, mail caught locally"
    )
    serve.set_defaults(handler=_serve)

    sub.add_parser("scheduler", help="run only the scheduler (sweeps and mail delivery)").set_defaults(
        handler=lambda a: _run(_scheduler_forever, Settings.from_env(require=("PAKN_SMTP_HOST",)))
    )
    sweep = sub.add_parser("sweep", help="run one deadline sweep now")
    sweep.add_argument("--dry-run", action="store_true", help="list what it would send, change nothing")
    sweep.set_defaults(handler=lambda a: _run(_sweep, Settings.from_env(), a.dry_run))
    retention = sub.add_parser(
        "retention", help="remove citizens' personal data kept longer than PAKN_RETENTION_DAYS (monthly)"
    )
    retention.add_argument(
        "--dry-run", action="store_true", help="count what it would remove, change nothing"
    )
    retention.set_defaults(handler=lambda a: _run(_retention, Settings.from_env(), a.dry_run))
    sub.add_parser("deliver", help="deliver pending e-mail now").set_defaults(
        handler=lambda a: _run(_deliver, Settings.from_env(require=("PAKN_SMTP_HOST",)))
    )

    database = sub.add_parser("db", help="database schema").add_subparsers(metavar="action")
    database.add_parser("upgrade", help="create or migrate the schema").set_defaults(
        handler=lambda a: asyncio.run(_upgrade(Settings.from_env()))
    )
    sub.add_parser("seed", help="load reference data (idempotent)").set_defaults(
        handler=lambda a: _run(_seed, Settings.from_env())
    )

    calendar = sub.add_parser("calendar", help="the year's days off and working days, with their sources")
    calendar.add_argument("year", type=int)
    calendar.set_defaults(handler=lambda a: _run(_calendar, Settings.from_env(), a.year))

    report = sub.add_parser("report", help="a report of SPEC §7: the figures of a period by unit, field …")
    report.add_argument("--from", dest="start", required=True, type=_day, help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="end", required=True, type=_day, help="last day, YYYY-MM-DD")
    report.add_argument(
        "--by", default="unit", choices=("unit", "category", "channel", "commune", "month", "officer")
    )
    report.add_argument("--unit", help="a unit's code: it with its sub-units (default: the whole city)")
    report.add_argument("--depth", type=int, default=1, choices=range(1, 5), help="by unit: levels listed")
    report.add_argument("--format", default="table", choices=("table", "csv", "xlsx", "json"))
    report.add_argument("--output", help="write to this file (xlsx needs one)")
    report.set_defaults(handler=_report_command)

    report_mail = sub.add_parser(
        "report-mail",
        help="queue a closed month's report e-mail to unit heads and the coordinator office (once per recipient)",
    )
    report_mail.add_argument("--month", required=True, type=_month, help="the month, YYYY-MM")
    report_mail.set_defaults(handler=lambda a: _run(_report_mail, Settings.from_env(), a.month))

    files = sub.add_parser("files", help="the file store of attachments").add_subparsers(metavar="action")
    move = files.add_parser(
        "migrate", help="copy every attachment's file to another store, verified (idempotent, resumable)"
    )
    move.add_argument("--from", dest="source", required=True, choices=STORES)
    move.add_argument("--to", dest="target", required=True, choices=STORES)
    move.add_argument(
        "--delete-source",
        action="store_true",
        help="remove each file from the source once its copy is verified",
    )
    move.set_defaults(handler=_files_migrate_command)

    users = sub.add_parser("users", help="staff accounts").add_subparsers(metavar="action")
    create = users.add_parser("create", help="create a staff account")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--unit", help="unit code (optional for coordinators)")
    create.add_argument("--name", default="")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(handler=lambda a: _run(_create_user, Settings.from_env(), a))
    return parser


def _run(command: Callable[..., Awaitable[Any]], settings: Settings, *args: Any) -> Any:
    logs.configure(settings.log_format)

    async def with_db() -> Any:
        await db.init(settings.database_url)
        try:
            return await command(settings, *args)
        finally:
            await db.close()

    return asyncio.run(with_db())


async def _upgrade(settings: Settings) -> None:
    await db.upgrade(settings.database_url)
    await db.close()
    print("database schema is up to date")


async def _seed(settings: Settings) -> None:
    from feedback.directory.seed import seed

    report = await seed()
    print(f"reference data: {report}")


async def _sweep(settings: Settings, dry_run: bool) -> None:
    from feedback.deadlines.sweep import sweep

    report = await sweep(settings, now=clock.now(), dry_run=dry_run)
    if dry_run:
        for row in report.preview:
            print(f"{row['thread']}\t{row['kind']}\t{row['to_addr']}")
    verb = "would send" if dry_run else "queued"
    print(
        f"steps fired: {report.fired or 'none'}; skipped (stale, or progress recorded): {report.skipped}; {verb} {report.messages if not dry_run else len(report.preview)} messages"
    )
    if not dry_run:
        from feedback.conferences.sweep import sweep_conferences

        print(f"conference steps fired: {await sweep_conferences(settings, now=clock.now())}")


async def _deliver(settings: Settings) -> None:
    from feedback.documents.mail import documents
    from notifications.delivery import DeliveryConfigError, deliver_pending

    total = None
    try:
        while True:  # until nothing due is left, so one command empties the outbox
            report = await deliver_pending(
                settings.smtp, now=clock.now(), tz=settings.tz, documents=documents(settings)
            )
            total = (
                report
                if total is None
                else dataclasses.replace(
                    total,
                    sent=total.sent + report.sent,
                    retried=total.retried + report.retried,
                    failed=total.failed + report.failed,
                )
            )
            if report.sent == 0:
                break
    except DeliveryConfigError as exc:
        sys.exit(f"pakn: mail configuration error: {exc}")
    print(f"sent {total.sent}, to retry later {total.retried}, failed {total.failed}")


async def _retention(settings: Settings, dry_run: bool) -> None:
    from feedback.publication.retention import run

    print(await run(settings, now=clock.now(), dry_run=dry_run))


async def _calendar(settings: Settings, year: int) -> None:
    from feedback.directory.calendar_report import calendar_report

    print(await calendar_report(year))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {text!r}") from None


async def _report_mail(settings: Settings, month: date) -> None:
    from feedback.reports.cli import mail

    print(await mail(settings, month))


def _report_command(args: argparse.Namespace) -> None:
    if args.format == "xlsx" and not args.output:
        sys.exit("pakn: --format xlsx needs --output FILE")
    content = _run(_report, Settings.from_env(), args)
    if args.output:
        Path(args.output).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        print(f"written {args.output}")
    elif isinstance(content, bytes):
        sys.stdout.buffer.write(content)
    else:
        print(content)


async def _report(settings: Settings, args: argparse.Namespace) -> str | bytes:
    from feedback.reports.cli import report

    return await report(settings, args.start, args.end, by=args.by, unit=args.unit, depth=args.depth,
                        form=args.format)  # fmt: skip


def _files_migrate_command(args: argparse.Namespace) -> None:
    if args.source == args.target:
        sys.exit("pakn: --from and --to must name two different stores")
    if not _run(_files_migrate, Settings.from_env(), args):
        sys.exit(1)


async def _files_migrate(settings: Settings, args: argparse.Namespace) -> bool:
    from feedback.attachments.transfer import transfer
    from feedback.files.store import make_store

    source, target = make_store(settings, args.source), make_store(settings, args.target)
    try:
        report = await transfer(source, target, settings.upload_dir, delete_source=args.delete_source)
    finally:
        await source.close()
        await target.close()
    print(report)
    if not report.ok:
        print("pakn: some files were not copied (see the log above); the source keeps them", file=sys.stderr)
    return report.ok


async def _create_user(settings: Settings, args: argparse.Namespace) -> None:
    from feedback.accounts.services import create_user

    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else getpass.getpass("Password: ")
    user = await create_user(
        email=args.email, role=args.role, unit_code=args.unit, password=password, name=args.name
    )
    print(f"created {user.role} {user.email}")


def background() -> list[Starter]:
    """What a web process starts beside itself: the scheduler, unless PAKN_SCHEDULER=off. The one
    place in `feedback` that imports `scheduler` (docs/architecture.md); feedback.asgi asks here too."""
    from scheduler.jobs import start_background

    return [start_background]


async def _scheduler_forever(settings: Settings) -> None:
    from scheduler.jobs import start_background

    settings = dataclasses.replace(settings, scheduler=True)
    runner = await start_background(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    logging.getLogger("pakn.scheduler").info(
        "scheduler running: sweep every minute, mail every few seconds (Ctrl+C stops)"
    )
    await stop.wait()
    if runner:
        await runner.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from feedback.app import create_app

    if args.demo:
        settings = Settings.from_env(demo=True)
        # The demo catches its own mail: an SMTP server on a free local port, started with the app.
        smtp = dataclasses.replace(
            settings.smtp, host="127.0.0.1", port=_free_port(), security="none", username=None, password=None
        )
        base_url = settings.base_url
        if "PAKN_BASE_URL" not in os.environ:
            base_url = f"http://{args.host}:{args.port}"
        settings = dataclasses.replace(settings, smtp=smtp, scheduler=True, base_url=base_url)
        asyncio.run(_prepare_demo(settings))
    else:
        settings = Settings.from_env(require=("PAKN_SECRET_KEY", "PAKN_SMTP_HOST"))
    if args.workers > 1:
        if args.demo or settings.scheduler:
            sys.exit(
                "pakn: several workers need PAKN_SCHEDULER=off and one `pakn scheduler` beside them"
                " (and no --demo)"
            )
        with metrics_directory() as directory:
            logging.getLogger("pakn").info("%d workers; metrics summed in %s", args.workers, directory)
            # Each worker builds its app from the environment (feedback.asgi), as under plain uvicorn.
            uvicorn.run(
                "feedback.asgi:create",
                factory=True,
                workers=args.workers,
                **uvicorn_options(settings, args.host, args.port),
            )
        return
    with metrics_directory(only_if_set=True):
        uvicorn.run(
            create_app(settings, on_startup=background()), **uvicorn_options(settings, args.host, args.port)
        )


@contextlib.contextmanager
def metrics_directory(*, only_if_set: bool = False) -> Iterator[str | None]:
    """PROMETHEUS_MULTIPROC_DIR for the worker processes, emptied before they start (files of an
    earlier run would be summed in; feedback/metrics/requests.py): the operator's if set, else a
    temporary directory of this run (none for one worker, which counts in memory)."""
    from feedback.metrics.requests import MULTIPROC_ENV

    configured = os.environ.get(MULTIPROC_ENV, "").strip()
    if configured:
        folder = Path(configured)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):  # prometheus_client's files only, nothing else of the folder
            stale.unlink()
        yield configured
        return
    if only_if_set:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="pakn-metrics-") as folder:
        os.environ[MULTIPROC_ENV] = folder  # inherited by the workers uvicorn starts
        try:
            yield folder
        finally:
            os.environ.pop(MULTIPROC_ENV, None)


def uvicorn_options(settings: Settings, host: str, port: int) -> dict[str, Any]:
    """How `pakn serve` runs uvicorn (a function, so a test can check it)."""
    return {
        "host": host,
        "port": port,
        "log_config": logs.logging_dict(settings.log_format),
        "log_level": "info",
        # No access log: tracking links carry the citizen's secret token in the query string.
        "access_log": False,
        # uvicorn would believe X-Forwarded-For from 127.0.0.1 by default, and a local proxy passing
        # the header through would let anyone pick the address the login limit counts. The client
        # address is decided in one place, by PAKN_TRUSTED_PROXIES (feedback/security/client.py).
        "proxy_headers": False,
    }


async def _prepare_demo(settings: Settings) -> None:
    from feedback.demo.seed import seed_demo

    await db.upgrade(settings.database_url)
    await db.close()
    await db.init(settings.database_url)
    try:
        for line in await seed_demo(settings):
            print(line)
    finally:
        await db.close()
