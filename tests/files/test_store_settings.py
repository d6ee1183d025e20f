"""PAKN_FILE_STORE and PAKN_S3_*: read, checked, and a clear SettingsError naming the variable."""

from __future__ import annotations

import dataclasses

import pytest

from feedback.files.store import LocalStore, make_store, store_for
from feedback.settings import S3Config, Settings, SettingsError

S3 = {
    "PAKN_FILE_STORE": "s3",
    "PAKN_S3_BUCKET": "pakn-tep",
    "PAKN_S3_ENDPOINT_URL": "https://s3.hanoi.gov.vn:9000/",
    "PAKN_S3_REGION": "ap-southeast-1",
    "PAKN_S3_ACCESS_KEY": "pakn",
    "PAKN_S3_SECRET_KEY": "bí-mật-rất-dài",
    "PAKN_S3_PREFIX": "pakn/tep",
}


def test_the_local_folder_is_the_default() -> None:
    settings = Settings.from_env({}, demo=True)
    assert settings.file_store == "local" and settings.s3 == S3Config()
    assert isinstance(store_for(settings), LocalStore)
    assert store_for(settings) is store_for(settings)  # made once per configuration


def test_s3_values_are_read() -> None:
    settings = Settings.from_env(S3, demo=True)
    assert settings.file_store == "s3"
    assert settings.s3 == S3Config(
        bucket="pakn-tep",
        endpoint_url="https://s3.hanoi.gov.vn:9000",
        region="ap-southeast-1",
        access_key="pakn",
        secret_key="bí-mật-rất-dài",
        prefix="pakn/tep/",
    )
    assert "bí-mật" not in repr(settings)  # the secret key never reaches a log line
    assert Settings.from_env({"PAKN_FILE_STORE": " Database "}, demo=True).file_store == "database"
    # Without keys boto3 finds credentials itself (an instance role); without an endpoint, AWS.
    bare = Settings.from_env({"PAKN_FILE_STORE": "s3", "PAKN_S3_BUCKET": "pakn-tep"}, demo=True)
    assert bare.s3 == S3Config(bucket="pakn-tep")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"PAKN_FILE_STORE": "nfs"}, "PAKN_FILE_STORE must be local, database or s3"),
        ({"PAKN_S3_BUCKET": ""}, "PAKN_S3_BUCKET is missing"),
        ({"PAKN_S3_BUCKET": "Pakn_Tep"}, "PAKN_S3_BUCKET must be 3 to 63"),
        ({"PAKN_S3_BUCKET": "ab"}, "PAKN_S3_BUCKET must be 3 to 63"),
        ({"PAKN_S3_BUCKET": "pakn..tep"}, "PAKN_S3_BUCKET must be 3 to 63"),
        ({"PAKN_S3_ENDPOINT_URL": "s3.hanoi.gov.vn"}, "PAKN_S3_ENDPOINT_URL must be http:// or https://"),
        ({"PAKN_S3_ENDPOINT_URL": "https://s3.hanoi.gov.vn/pakn"}, "PAKN_S3_ENDPOINT_URL"),
        ({"PAKN_S3_REGION": "Hà Nội"}, "PAKN_S3_REGION must look like us-east-1"),
        ({"PAKN_S3_SECRET_KEY": ""}, "PAKN_S3_ACCESS_KEY and PAKN_S3_SECRET_KEY go together"),
        ({"PAKN_S3_ACCESS_KEY": ""}, "PAKN_S3_ACCESS_KEY and PAKN_S3_SECRET_KEY go together"),
        ({"PAKN_S3_PREFIX": "/pakn"}, "PAKN_S3_PREFIX must be"),
        ({"PAKN_S3_PREFIX": "pakn/../khac"}, "PAKN_S3_PREFIX must be"),
        ({"PAKN_S3_PREFIX": "tệp"}, "PAKN_S3_PREFIX must be"),
    ],
)
def test_malformed_store_settings_are_named(changes: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(S3 | changes, demo=True)


def test_s3_settings_are_checked_when_a_bucket_is_set_for_migrating() -> None:
    # With the local store still in force, a bucket set for `pakn files migrate --to s3` is checked too.
    with pytest.raises(SettingsError, match="PAKN_S3_REGION"):
        Settings.from_env({"PAKN_S3_BUCKET": "pakn-tep", "PAKN_S3_REGION": "x y"}, demo=True)
    # And the s3 store cannot be made without one.
    with pytest.raises(SettingsError, match="PAKN_S3_BUCKET is missing"):
        make_store(dataclasses.replace(Settings(), file_store="local"), "s3")


def test_the_cli_names_a_bad_store_setting(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from feedback import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAKN_FILE_STORE", "ftp")
    with pytest.raises(
        SystemExit, match="configuration error: PAKN_FILE_STORE must be local, database or s3"
    ):
        cli.main(["files", "migrate", "--from", "local", "--to", "database"])


def test_the_deploy_examples_s3_lines_are_real_settings() -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "deploy" / "pakn.env.example"
    lines = [line.removeprefix("#") for line in example.read_text(encoding="utf-8").splitlines()]
    s3 = dict(line.split("=", 1) for line in lines if line.startswith("PAKN_S3_"))
    assert set(s3) == {
        f"PAKN_S3_{n}" for n in ("ENDPOINT_URL", "BUCKET", "REGION", "ACCESS_KEY", "SECRET_KEY", "PREFIX")
    }
    settings = Settings.from_env(s3 | {"PAKN_FILE_STORE": "s3"}, demo=True)
    assert settings.s3.bucket == "pakn-files" and settings.s3.prefix == "pakn/"
