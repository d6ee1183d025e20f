"""Settings: a missing or malformed PAKN_* variable stops start-up with a message naming it."""

from __future__ import annotations

import pytest

from feedback.settings import RateLimit, Settings, SettingsError


def test_defaults_run_the_embedded_service() -> None:
    settings = Settings.from_env({}, demo=True)
    assert settings.database_url.startswith("sqlite://")
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.scheduler is True


def test_values_are_read() -> None:
    settings = Settings.from_env(
        {
            "PAKN_DATABASE_URL": "postgres://u@db:5432/pakn",
            "PAKN_SMTP_HOST": "mail.hanoi.gov.vn",
            "PAKN_SMTP_SECURITY": "starttls",
            "PAKN_SMTP_USERNAME": "pakn",
            "PAKN_SMTP_PASSWORD": "bí-mật",
            "PAKN_SECRET_KEY": "s" * 32,
            "PAKN_SCHEDULER": "off",
            "PAKN_OFFICE_HOURS": "07:30-11:30,13:30-17:00",
        },
        require=("PAKN_SECRET_KEY", "PAKN_SMTP_HOST"),
    )
    assert settings.smtp.port == 587 and settings.smtp.security == "starttls"
    assert settings.scheduler is False
    assert settings.office_hours.periods[0][0].isoformat() == "07:30:00"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PAKN_SMTP_PORT": "abc"}, "PAKN_SMTP_PORT"),
        ({"PAKN_SMTP_PORT": "70000"}, "PAKN_SMTP_PORT"),
        ({"PAKN_SMTP_SECURITY": "ssl3"}, "PAKN_SMTP_SECURITY"),
        ({"PAKN_TIMEZONE": "Asia/Hanoi_Nowhere"}, "PAKN_TIMEZONE"),
        ({"PAKN_SCHEDULER": "maybe"}, "PAKN_SCHEDULER"),
        ({"PAKN_SECRET_KEY": "short"}, "PAKN_SECRET_KEY"),
        ({"PAKN_BASE_URL": "pakn.hanoi.gov.vn"}, "PAKN_BASE_URL"),
        ({"PAKN_DATABASE_URL": "mysql://x"}, "PAKN_DATABASE_URL"),
        ({"PAKN_OFFICE_HOURS": "8h-12h"}, "PAKN_OFFICE_HOURS"),
        ({"PAKN_MAIL_FROM": "no address"}, "PAKN_MAIL_FROM"),
        ({"PAKN_SMTP_USERNAME": "pakn"}, "PAKN_SMTP_PASSWORD"),
        ({"PAKN_RATE_LIMIT": "20 per minute"}, "PAKN_RATE_LIMIT"),
        ({"PAKN_RATE_LIMIT": "0/minute"}, "PAKN_RATE_LIMIT"),
        ({"PAKN_RATE_LIMIT": "20/week"}, "PAKN_RATE_LIMIT"),
        ({"PAKN_TRUSTED_PROXIES": "10.0.0.1, proxy.local"}, "PAKN_TRUSTED_PROXIES"),
    ],
)
def test_malformed_settings_are_named(env, named) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env, demo=True)


def test_production_requires_secret_and_smtp() -> None:
    with pytest.raises(SettingsError, match="PAKN_SECRET_KEY is missing"):
        Settings.from_env({"PAKN_SMTP_HOST": "mail"}, require=("PAKN_SECRET_KEY", "PAKN_SMTP_HOST"))
    with pytest.raises(SettingsError, match="PAKN_SMTP_HOST is missing"):
        Settings.from_env({"PAKN_SECRET_KEY": "s" * 20}, require=("PAKN_SECRET_KEY", "PAKN_SMTP_HOST"))
    # The demo needs neither: it catches its own mail.
    assert Settings.from_env({}, demo=True, require=("PAKN_SECRET_KEY", "PAKN_SMTP_HOST")).demo


def test_rate_limit_and_trusted_proxies() -> None:
    defaults = Settings.from_env({}, demo=True)
    assert defaults.rate_limit == RateLimit(20, 60)
    assert defaults.trusted_proxies == ()  # X-Forwarded-For is ignored unless a proxy is named
    settings = Settings.from_env(
        {"PAKN_RATE_LIMIT": " 100 / Hour ", "PAKN_TRUSTED_PROXIES": "10.0.0.1, 172.16.0.0/12, ::1"}, demo=True
    )
    assert settings.rate_limit == RateLimit(100, 3600)
    assert settings.trusted_proxies == ("10.0.0.1/32", "172.16.0.0/12", "::1/128")
    assert Settings.from_env({"PAKN_RATE_LIMIT": "off"}, demo=True).rate_limit is None
