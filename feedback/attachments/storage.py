"""Attachment files being received, and the names they are shown and offered under.

A file is received into the upload folder under a random name (`StagedFile`), never under the sender's
name: no name chosen by a sender (`../../etc/passwd`, `index.html`, a Vietnamese name the file system
mangles) ever reaches a file system, a row or an object key; the sender's name is kept in the
database, cleaned, for display only. Once received and checked, the file goes to the file store
(`feedback.files`, PAKN_FILE_STORE); a file there is only ever sent by the download endpoints after a
permission check.

Writes are plain blocking calls: chunks of at most a few hundred kilobytes land in the page cache in
microseconds, less than a hop to a worker thread would cost.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import quote

from feedback.attachments.sniff import HEAD_SIZE, KINDS, Kind
from feedback.files.store import ensure_folder

_PARTIAL = ".part"
MAX_FILENAME = 200  # the column's length
FALLBACK_NAME = "tep-dinh-kem"


class StagedFile:
    """A file being received: written under a random `.part` name, hashed and counted on the way.

    `finish(kind)` renames it to its stored name (the local store's file, or what `FileStore.put` takes
    to another store); `discard()` removes it whatever its state.
    """

    def __init__(self, root: Path) -> None:
        self.token = secrets.token_hex(16)
        self.path = ensure_folder(root) / f"{self.token}{_PARTIAL}"
        # O_EXCL: never write into a file that is already there; 0600: only the service reads it.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(fd, "wb")
        self._sha256 = hashlib.sha256()
        self.head = b""
        self.size = 0

    def write(self, chunk: bytes) -> None:
        if len(self.head) < HEAD_SIZE:
            self.head += chunk[: HEAD_SIZE - len(self.head)]
        self._file.write(chunk)
        self._sha256.update(chunk)
        self.size += len(chunk)

    def close(self) -> None:
        self._file.close()

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()

    def finish(self, kind: Kind) -> Path:
        """Give the complete file its stored name: the random token and the extension of its kind."""
        self.close()
        final = self.path.with_name(f"{self.token}{kind.extension}")
        self.path = self.path.rename(final)
        return final

    def discard(self) -> None:
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def display_name(raw: str, kind: Kind) -> str:
    """The sender's filename made safe to show and to offer on download, ending as its real kind does.

    Keeps Vietnamese letters (NFC), drops folders a browser may send along, control and bidi
    characters (U+202E can make `gpj.exe` look like `exe.jpg`), and an extension that lies about the
    kind: a PNG sent as `anh.jpg` is offered as `anh.png`.
    """
    name = clean_name(raw)
    stem, dot, suffix = name.rpartition(".")
    if dot and f".{suffix.lower()}" in (kind.extension, *kind.aliases):
        return _shorten(stem, f".{suffix}")
    if dot and f".{suffix.lower()}" in _KNOWN_EXTENSIONS:
        name = stem
    return _shorten(name, kind.extension)


def clean_name(raw: str) -> str:
    """The sender's filename without folders, control or bidi characters, in NFC ("" stays "")."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if c.isspace() else c for c in name if unicodedata.category(c)[0] != "C" or c.isspace()
    )
    return " ".join(name.split()).strip(". ")[:MAX_FILENAME]


_KNOWN_EXTENSIONS = {e for k in KINDS for e in (k.extension, *k.aliases)} | {
    ".doc", ".xls", ".gif", ".webp", ".heic", ".tif", ".tiff", ".bmp", ".zip", ".txt", ".rtf", ".odt",
}  # fmt: skip


def _shorten(stem: str, extension: str) -> str:
    stem = stem.strip(". ") or FALLBACK_NAME
    return stem[: MAX_FILENAME - len(extension)].rstrip(". ") + extension


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real one in RFC 5987 form, for Vietnamese names."""
    return f"attachment; filename=\"{_ascii(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _ascii(filename: str) -> str:
    """For old clients that ignore filename*: "Ảnh hiện trường.jpg" -> "Anh hien truong.jpg"."""
    folded = unicodedata.normalize("NFD", filename.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in folded if not unicodedata.combining(c))
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in text)
