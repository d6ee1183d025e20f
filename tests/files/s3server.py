"""A real S3-compatible server in its own process for the tests: moto's HTTP server (`moto_server`,
installed with the test extras), on a free local port. pakn's S3 store talks to it over HTTP exactly as
it talks to MinIO or AWS: signed requests, real status codes, real bodies."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from feedback.settings import S3Config

ACCESS_KEY = "pakn-test-access"
SECRET_KEY = "pakn-test-secret-key"
REGION = "ap-southeast-1"


def moto_server_command() -> list[str] | None:
    """How to start moto's server: the script beside this Python, or on PATH; None if not installed."""
    beside = Path(sys.executable).with_name("moto_server")
    found = str(beside) if beside.is_file() else shutil.which("moto_server")
    return [found] if found else None


@dataclass
class S3Server:
    port: int
    process: subprocess.Popen

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self, bucket: str, prefix: str = "") -> S3Config:
        return S3Config(
            bucket=bucket,
            endpoint_url=self.endpoint,
            region=REGION,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            prefix=prefix,
        )

    def new_bucket(self) -> str:
        """A fresh bucket, made with a client of its own (pakn never creates buckets)."""
        import boto3

        name = f"pakn-{uuid.uuid4().hex[:12]}"
        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        client.close()
        return name

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(command: list[str], log: Path) -> S3Server:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PAKN_"))}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return S3Server(port, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"moto_server did not listen on {port} within 30 s: {log.read_text()[-2000:]}")
