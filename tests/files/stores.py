"""The stores the file tests run against, and the settings that configure each."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from feedback.settings import Settings

KINDS = ("local", "database", "s3")


def settings_for(kind: str, settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The test's settings with the file store `kind`; for s3, the test server (started only when an s3
    test runs) and a prefix of its own in the session's bucket."""
    if kind != "s3":
        return dataclasses.replace(settings, file_store=kind)
    server = request.getfixturevalue("s3_server")
    bucket = request.getfixturevalue("s3_bucket")
    config = server.config(bucket, prefix=f"t-{uuid.uuid4().hex[:8]}/")
    return dataclasses.replace(settings, file_store="s3", s3=config)
