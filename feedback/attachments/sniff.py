"""What a file really is, from its bytes: the only types pakn accepts are JPEG, PNG, PDF, DOCX and XLSX.

The filename and the content type the client sends are chosen by the sender, so they are never
trusted: a web page renamed `anh.jpg` or a program renamed `don.pdf` must be refused, and whatever is
accepted is stored and served with the content type and extension of what it really is.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extension: str  # with the dot; also what a download's filename ends with
    # Other extensions people give files of this kind; a filename ending so keeps its name as is.
    aliases: tuple[str, ...] = ()


JPEG = Kind("JPEG", "image/jpeg", ".jpg", (".jpeg", ".jpe", ".jfif"))
PNG = Kind("PNG", "image/png", ".png")
PDF = Kind("PDF", "application/pdf", ".pdf")
DOCX = Kind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = Kind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
KINDS = (JPEG, PNG, PDF, DOCX, XLSX)

# How many leading bytes `detect` needs to tell the types apart.
HEAD_SIZE = 8

_ZIP = b"PK\x03\x04"
_MAGIC = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
# The main part of each Office Open XML type. A macro-enabled document (.docm, .xlsm) has the same
# main part plus a VBA project: refused, because a renamed .docm would otherwise pass as a .docx.
_OOXML = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))
_MACROS = ("word/vbaProject.bin", "xl/vbaProject.bin")


def detect(head: bytes, whole: Path | BinaryIO | None = None) -> Kind | None:
    """The kind of a file from its first bytes, or None when it is not one pakn accepts.

    JPEG, PNG and PDF are told by their signature. DOCX and XLSX are ZIP archives, like any plain ZIP,
    so for those the archive's list of entries is read from `whole` (the complete file; when it is not
    given, `head` is taken to be the complete file).
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(_ZIP):
        return _office_kind(whole if whole is not None else io.BytesIO(head))
    return None


def _office_kind(whole: Path | BinaryIO) -> Kind | None:
    try:
        with zipfile.ZipFile(whole) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None
    found = [kind for part, kind in _OOXML if part in names]
    if len(found) != 1 or "[Content_Types].xml" not in names or names.intersection(_MACROS):
        return None
    return found[0]
