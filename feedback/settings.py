"""One Settings object, read from PAKN_* environment variables (and an optional .env file).

A missing or malformed setting raises SettingsError naming the variable, so start-up stops with a
message an operator can act on instead of a stack trace from deep inside a library.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from notifications.delivery import SmtpConfig

DEMO_SECRET = "demo-secret-key-not-for-production"


class SettingsError(ValueError):
    """A PAKN_* setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class OfficeHours:
    """Working periods of a day, e.g. 08:00–12:00 and 13:00–17:00 (for urgent items)."""

    periods: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13), time(17)))


@dataclass(frozen=True)
class RateLimit:
    """At most `count` requests per `seconds` from one client address ("20/minute")."""

    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"


@dataclass(frozen=True)
class S3Config:
    """The S3-compatible object store of PAKN_FILE_STORE=s3 (PAKN_S3_*)."""

    bucket: str = ""
    # The server, e.g. https://s3.example.vn or http://127.0.0.1:9000 (MinIO); empty: AWS's own.
    endpoint_url: str = ""
    region: str = "us-east-1"
    # Both, or neither (then boto3 finds credentials itself: environment, instance role).
    access_key: str = ""
    secret_key: str = field(default="", repr=False)
    # Put before every object name, e.g. "pakn/" to share a bucket; "" or ending with "/".
    prefix: str = ""


@dataclass(frozen=True)
class Settings:
    # Storage: a SQLite file by default, postgres://user@host:port/db for PostgreSQL.
    database_url: str = "sqlite://pakn.sqlite3"
    # Outgoing mail; with demo on, mail goes to the built-in catcher instead.
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    # Public address of the service, used in links sent to citizens.
    base_url: str = "http://127.0.0.1:8000"
    # Signs session cookies and CSRF tokens; at least 16 characters outside demo mode.
    secret_key: str = DEMO_SECRET
    # The time zone that working days are counted in.
    timezone: str = "Asia/Ho_Chi_Minh"
    # Run the APScheduler ticker inside `pakn serve` ("on") or leave it to `pakn scheduler` ("off").
    scheduler: bool = True
    office_hours: OfficeHours = field(default_factory=OfficeHours)
    # Demo mode: catch mail locally in this folder (a Maildir) and let staff read it.
    demo: bool = False
    demo_maildir: Path = Path("pakn-data/demo-mail")
    # Where uploaded files are received (and kept, with the local store); never inside a served folder.
    upload_dir: Path = Path("pakn-data/uploads")
    # Where uploaded files are kept: "local" (upload_dir: one machine), "database" or "s3" (every machine).
    file_store: str = "local"
    s3: S3Config = field(default_factory=S3Config)
    # Public submission (filing, rating) per client address; None turns the limit off (benchmarks).
    rate_limit: RateLimit | None = RateLimit(20, 60)
    # Reverse proxies (addresses or networks, e.g. "10.0.0.0/8") whose X-Forwarded-For is believed;
    # empty: the peer address is the client. Kept as text: Litestar re-validates Settings with msgspec.
    trusted_proxies: tuple[str, ...] = ()
    # Map tiles: a URL template with {z}, {x} and {y} (e.g. the city's own tile server). Set, the filing
    # form and the published answers show a map and the pages may load images from its origin; empty,
    # no map and no map script at all.
    map_tiles: str = ""
    # The credit the tile server's terms ask for, shown (as text) in the map's corner.
    map_attribution: str = ""
    # Log lines as text ("text") or one JSON object a line ("json"), for every process.
    log_format: str = "text"
    # Days a finished item (and a published conference's askers) keep the citizen's personal data before
    # `pakn retention` removes it; 5 years by default.
    retention_days: int = 1826
    # Prometheus metrics: /metrics and the per-request counters ("off" removes both, for a benchmark's
    # comparison). PAKN_METRICS_TOKEN set: /metrics wants `Authorization: Bearer <token>`; empty: it
    # answers loopback clients only (feedback/metrics/).
    metrics: bool = True
    metrics_token: str = ""

    @property
    def map_tile_origin(self) -> str:
        """Where the tiles come from, as a Content-Security-Policy source ("" without tiles)."""
        return tile_origin(self.map_tiles) if self.map_tiles else ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        demo: bool = False,
        require: tuple[str, ...] = (),
        env_file: str | None = ".env",
    ) -> Settings:
        """Read settings; environ defaults to .env overlaid by the process environment.

        `require` names variables that this command cannot run without (the web service in
        production needs PAKN_SECRET_KEY, mail delivery needs PAKN_SMTP_HOST); demo mode needs none.
        """
        if environ is None:
            merged: dict[str, str] = {}
            if env_file and Path(env_file).is_file():
                merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
            merged.update(os.environ)
            environ = merged
        env = {k: v for k, v in environ.items() if k.startswith("PAKN_")}
        if not demo:
            for name in require:
                if not env.get(name, "").strip():
                    raise SettingsError(f"{name} is missing: {_REQUIRED_HINTS.get(name, 'set it')}")
        return _parse(env, demo=demo)


_REQUIRED_HINTS = {
    "PAKN_SECRET_KEY": "set a random string of at least 16 characters (or run with --demo)",
    "PAKN_SMTP_HOST": "set the SMTP server that sends pakn's e-mail (or run with --demo)",
}


def _parse(env: Mapping[str, str], *, demo: bool) -> Settings:
    get = env.get
    security = get("PAKN_SMTP_SECURITY", "none").strip().lower()
    if security not in ("none", "starttls", "tls"):
        raise SettingsError(f"PAKN_SMTP_SECURITY must be none, starttls or tls, not {security!r}")
    default_port = {"none": 25, "starttls": 587, "tls": 465}[security]
    smtp = SmtpConfig(
        host=get("PAKN_SMTP_HOST", "").strip() or "localhost",
        port=_port(get("PAKN_SMTP_PORT"), default_port),
        username=get("PAKN_SMTP_USERNAME") or None,
        password=get("PAKN_SMTP_PASSWORD") or None,
        security=security,
        mail_from=_mail_from(get("PAKN_MAIL_FROM", "PAKN <no-reply@pakn.localhost>")),
    )
    if smtp.username and not smtp.password:
        raise SettingsError("PAKN_SMTP_PASSWORD is required when PAKN_SMTP_USERNAME is set")

    secret = get("PAKN_SECRET_KEY", "") or DEMO_SECRET
    if len(secret) < 16:
        raise SettingsError("PAKN_SECRET_KEY is too short: use at least 16 characters")

    timezone = get("PAKN_TIMEZONE", "Asia/Ho_Chi_Minh")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"PAKN_TIMEZONE is not a known time zone: {timezone!r}") from None

    base_url = get("PAKN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    if not re.match(r"^https?://[^/\s]+", base_url):
        raise SettingsError(f"PAKN_BASE_URL must start with http:// or https://, not {base_url!r}")

    database_url = get("PAKN_DATABASE_URL", "sqlite://pakn.sqlite3")
    if not re.match(r"^(sqlite|postgres|postgresql|asyncpg)://", database_url):
        raise SettingsError("PAKN_DATABASE_URL must start with sqlite:// or postgres://")

    return Settings(
        database_url=database_url,
        smtp=smtp,
        base_url=base_url,
        secret_key=secret,
        timezone=timezone,
        scheduler=_switch("PAKN_SCHEDULER", get("PAKN_SCHEDULER", "on")),
        office_hours=_office_hours(get("PAKN_OFFICE_HOURS")),
        demo=demo,
        demo_maildir=Path(get("PAKN_DEMO_MAILDIR", "pakn-data/demo-mail")),
        upload_dir=Path(get("PAKN_UPLOAD_DIR", "pakn-data/uploads")),
        file_store=_file_store(get("PAKN_FILE_STORE")),
        # Checked when it is the store, and when a bucket is set (for `pakn files migrate --to s3`).
        s3=_s3(env, required=_file_store(get("PAKN_FILE_STORE")) == "s3" or bool(get("PAKN_S3_BUCKET"))),
        rate_limit=_rate_limit(get("PAKN_RATE_LIMIT")),
        trusted_proxies=_networks(get("PAKN_TRUSTED_PROXIES")),
        map_tiles=_map_tiles(get("PAKN_MAP_TILES")),
        map_attribution=_map_attribution(get("PAKN_MAP_ATTRIBUTION")),
        log_format=_log_format(get("PAKN_LOG_FORMAT")),
        retention_days=_retention_days(get("PAKN_RETENTION_DAYS")),
        metrics=_switch("PAKN_METRICS", get("PAKN_METRICS", "on")),
        metrics_token=_metrics_token(get("PAKN_METRICS_TOKEN")),
    )


def _metrics_token(raw: str | None) -> str:
    value = (raw or "").strip()
    if value and (len(value) < 16 or not re.fullmatch(r"[A-Za-z0-9._~+/=-]+", value)):
        raise SettingsError(
            "PAKN_METRICS_TOKEN must be at least 16 characters of letters, digits and ._~+/=- (or empty)"
        )
    return value


def _retention_days(raw: str | None) -> int:
    if raw is None or raw.strip() == "":
        return Settings.retention_days
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 36_500:
        raise SettingsError(f"PAKN_RETENTION_DAYS must be a number of days from 1 to 36500, not {raw!r}")
    return int(raw)


def _file_store(raw: str | None) -> str:
    value = (raw or "local").strip().lower()
    if value not in ("local", "database", "s3"):
        raise SettingsError(f"PAKN_FILE_STORE must be local, database or s3, not {raw!r}")
    return value


# S3's rules for a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, ends alphanumeric.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_REGION = re.compile(r"[a-z0-9-]{1,40}")
_PREFIX = re.compile(r"[A-Za-z0-9!_.*'()/-]*")


def _s3(env: Mapping[str, str], *, required: bool) -> S3Config:
    """Parse PAKN_S3_*; `required` (the store is s3, or a bucket is set): every value is checked."""
    values = {name: (env.get(variable) or "").strip() for name, variable in _S3_VARIABLES.items()}
    if not required:
        return S3Config(**{k: v for k, v in values.items() if v})
    bucket, endpoint, region, prefix = (values[k] for k in ("bucket", "endpoint_url", "region", "prefix"))
    if not bucket:
        raise SettingsError("PAKN_S3_BUCKET is missing: PAKN_FILE_STORE=s3 needs the bucket's name")
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise SettingsError(
            f"PAKN_S3_BUCKET must be 3 to 63 lower-case letters, digits, dots or hyphens, not {bucket!r}"
        )
    if endpoint and not re.fullmatch(r"https?://[^/\s?#]+/?", endpoint):
        raise SettingsError(
            f"PAKN_S3_ENDPOINT_URL must be http:// or https:// and a host (and port), not {endpoint!r}"
        )
    region = region or S3Config.region
    if not _REGION.fullmatch(region):
        raise SettingsError(f"PAKN_S3_REGION must look like us-east-1, not {region!r}")
    if bool(values["access_key"]) != bool(values["secret_key"]):
        raise SettingsError("PAKN_S3_ACCESS_KEY and PAKN_S3_SECRET_KEY go together: set both, or neither")
    if prefix.startswith("/") or ".." in prefix.split("/") or not _PREFIX.fullmatch(prefix):
        raise SettingsError(
            f"PAKN_S3_PREFIX must be letters, digits and - _ . / (not starting with /), not {prefix!r}"
        )
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return S3Config(
        bucket=bucket,
        endpoint_url=endpoint.rstrip("/"),
        region=region,
        access_key=values["access_key"],
        secret_key=values["secret_key"],
        prefix=prefix,
    )


_S3_VARIABLES = {
    "bucket": "PAKN_S3_BUCKET",
    "endpoint_url": "PAKN_S3_ENDPOINT_URL",
    "region": "PAKN_S3_REGION",
    "access_key": "PAKN_S3_ACCESS_KEY",
    "secret_key": "PAKN_S3_SECRET_KEY",
    "prefix": "PAKN_S3_PREFIX",
}


def _log_format(raw: str | None) -> str:
    value = (raw or "text").strip().lower()
    if value not in ("text", "json"):
        raise SettingsError(f"PAKN_LOG_FORMAT must be text or json, not {raw!r}")
    return value


def _port(raw: str | None, default: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    if not raw.strip().isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"PAKN_SMTP_PORT must be a port number from 1 to 65535, not {raw!r}")
    return int(raw)


def _switch(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("on", "true", "1", "yes"):
        return True
    if value in ("off", "false", "0", "no"):
        return False
    raise SettingsError(f"{name} must be on or off, not {raw!r}")


def _mail_from(raw: str) -> str:
    if "@" not in raw:
        raise SettingsError(f"PAKN_MAIL_FROM must contain an e-mail address, not {raw!r}")
    return raw


def _office_hours(raw: str | None) -> OfficeHours:
    """Parse "08:00-12:00,13:00-17:00"."""
    if not raw:
        return OfficeHours()
    periods = []
    try:
        for part in raw.split(","):
            start, end = (time.fromisoformat(p.strip()) for p in part.split("-"))
            if end <= start:
                raise ValueError
            periods.append((start, end))
    except ValueError:
        raise SettingsError(
            f"PAKN_OFFICE_HOURS must look like 08:00-12:00,13:00-17:00, not {raw!r}"
        ) from None
    return OfficeHours(tuple(periods))


_PER = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def _rate_limit(raw: str | None) -> RateLimit | None:
    """Parse "20/minute" (second, minute, hour or day; "off" for no limit)."""
    if raw is None or raw.strip() == "":
        return RateLimit(20, 60)
    value = raw.strip().lower()
    if value == "off":
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(second|minute|hour|day)", value)
    if not match or int(match[1]) < 1:
        raise SettingsError(f"PAKN_RATE_LIMIT must look like 20/minute (or be off), not {raw!r}")
    return RateLimit(int(match[1]), _PER[match[2]])


def _networks(raw: str | None) -> tuple[str, ...]:
    """Parse "10.0.0.1, 10.1.0.0/16" (addresses or networks; empty or "off" for none)."""
    if raw is None or raw.strip().lower() in ("", "off"):
        return ()
    try:
        return tuple(str(ipaddress.ip_network(part.strip(), strict=False)) for part in raw.split(","))
    except ValueError:
        raise SettingsError(
            f"PAKN_TRUSTED_PROXIES must be IP addresses or networks separated by commas, not {raw!r}"
        ) from None


# A tile URL template as Leaflet reads it: scheme, host (its first label may be {s}, the tile server's
# subdomains), optional port, then a path and query with {z}, {x} and {y} (and optionally {s}, {r}).
_TILE_URL = re.compile(
    r"(?P<scheme>https?)://(?P<host>(?:\{s\}\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?P<port>:\d{1,5})?/\S*"
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_TILE_PLACEHOLDERS = {"z", "x", "y", "s", "r"}


def tile_origin(template: str) -> str:
    """The origin of a valid tile template, as a CSP source: "https://tile.example.vn:8443", and
    "https://*.tile.example.vn" when the subdomain is the {s} placeholder."""
    match = _TILE_URL.fullmatch(template)
    if match is None:
        raise SettingsError(f"not a tile URL template: {template!r}")
    host = match["host"].replace("{s}", "*").lower()
    return f"{match['scheme']}://{host}{match['port'] or ''}"


def _map_tiles(raw: str | None) -> str:
    """Parse PAKN_MAP_TILES: empty (no map), or an http(s) URL template with {z}, {x} and {y}."""
    value = (raw or "").strip()
    if not value:
        return ""
    hint = "an http:// or https:// URL with {z}, {x} and {y}, e.g. https://tile.example.vn/{z}/{x}/{y}.png"
    names = _PLACEHOLDER.findall(value)
    unknown = sorted(set(names) - _TILE_PLACEHOLDERS)
    if _TILE_URL.fullmatch(value) is None:
        raise SettingsError(f"PAKN_MAP_TILES must be {hint}, not {raw!r}")
    if not {"z", "x", "y"} <= set(names):
        raise SettingsError(f"PAKN_MAP_TILES must contain {{z}}, {{x}} and {{y}}, not {raw!r}")
    if unknown:
        raise SettingsError(
            f"PAKN_MAP_TILES may use only {{z}}, {{x}}, {{y}}, {{s}} and {{r}}, not {{{unknown[0]}}}"
        )
    return value


def _map_attribution(raw: str | None) -> str:
    value = " ".join((raw or "").split())
    if len(value) > 300:
        raise SettingsError("PAKN_MAP_ATTRIBUTION is too long: at most 300 characters")
    return value
