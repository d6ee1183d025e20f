"""PAKN_FILE_STORE=s3: files as objects of an S3-compatible store (MinIO, Ceph, Garage, AWS S3 …).

The client is boto3, the reference S3 SDK: it speaks every S3-compatible server (signature v4, path-
style addressing for servers on a plain host name), retries throttled and failed requests, and its
releases track the protocol. It is blocking, so every request runs in a worker thread (`run_sync`);
a file is at most 10 MB, one PUT, and a download is read from the response in chunks, one thread hop
each. (aiobotocore would be native async, but pins exact botocore versions and lags behind them.)

Objects are named `<PAKN_S3_PREFIX><storage name>`; the bucket must exist (the operator creates it,
with its own backups and access policy: pakn needs Get, Put, Delete and List on the prefix).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedback.files.store import CHUNK, FileMissing, FileStore, Opened, check_name, remove_local, run_sync

if TYPE_CHECKING:
    from feedback.settings import S3Config

_MISSING = {"404", "NoSuchKey", "NotFound"}
BATCH = 1000  # keys per DeleteObjects, the protocol's limit


class S3Store(FileStore):
    kind = "s3"

    def __init__(self, config: S3Config) -> None:
        self.config = config
        self._client: Any = None
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        """One boto3 client per store, made on first use (clients are thread-safe; making one is not)."""
        with self._lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                c = self.config
                self._client = boto3.session.Session().client(
                    "s3",
                    endpoint_url=c.endpoint_url or None,
                    region_name=c.region,
                    aws_access_key_id=c.access_key or None,
                    aws_secret_access_key=c.secret_key or None,
                    config=Config(
                        signature_version="s3v4",
                        s3={"addressing_style": "path" if c.endpoint_url else "auto"},
                        retries={"max_attempts": 3, "mode": "standard"},
                        connect_timeout=5,
                        read_timeout=60,
                        # Only when the operation needs it: several S3-compatible servers refuse the
                        # newer default checksums.
                        request_checksum_calculation="when_required",
                        response_checksum_validation="when_required",
                    ),
                )
            return self._client

    def key(self, name: str) -> str:
        return self.config.prefix + check_name(name)

    async def put(self, name: str, source: Path) -> None:
        key = self.key(name)

        def upload() -> None:
            with source.open("rb") as body:
                self.client.put_object(Bucket=self.config.bucket, Key=key, Body=body)

        await run_sync(upload)
        remove_local(source)

    async def open(self, name: str) -> Opened:
        key = self.key(name)
        try:
            response = await run_sync(lambda: self.client.get_object(Bucket=self.config.bucket, Key=key))
        except Exception as exc:
            if _missing(exc):
                raise FileMissing(name) from None
            raise
        body = response["Body"]

        async def chunks() -> AsyncIterator[bytes]:
            try:
                while chunk := await run_sync(lambda: body.read(CHUNK)):
                    yield chunk
            finally:
                body.close()

        return Opened(int(response["ContentLength"]), chunks())

    async def exists(self, name: str) -> bool:
        key = self.key(name)
        try:
            await run_sync(lambda: self.client.head_object(Bucket=self.config.bucket, Key=key))
        except Exception as exc:
            if _missing(exc):
                return False
            raise
        return True

    async def delete(self, names: Iterable[str]) -> None:
        keys = []
        for name in names:
            try:
                keys.append(self.key(name))
            except FileMissing:
                continue
        for start in range(0, len(keys), BATCH):
            objects = [{"Key": k} for k in keys[start : start + BATCH]]
            await run_sync(
                lambda objects=objects: self.client.delete_objects(
                    Bucket=self.config.bucket, Delete={"Objects": objects, "Quiet": True}
                )
            )

    async def names_older_than(self, timestamp: float) -> list[str]:
        prefix = self.config.prefix

        def listing() -> list[str]:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.config.bucket, Prefix=prefix
            )
            return [
                obj["Key"][len(prefix) :]
                for page in pages
                for obj in page.get("Contents", [])
                if obj["LastModified"].timestamp() < timestamp
            ]

        return sorted(await run_sync(listing))

    async def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            await run_sync(client.close)


def _missing(exc: Exception) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(exc, ClientError) and str(exc.response.get("Error", {}).get("Code")) in _MISSING
