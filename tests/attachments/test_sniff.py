"""The type of a file comes from its bytes, never from its name or the content type the client sends."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback.attachments.sniff import DOCX, JPEG, PDF, PNG, XLSX, Kind, detect
from tests.attachments import files

CASES: list[tuple[str, bytes, Kind | None]] = [
    ("png", files.png(), PNG),
    ("jpeg", files.jpeg(), JPEG),
    ("pdf", files.pdf(), PDF),
    ("docx from python-docx", files.docx(), DOCX),
    ("xlsx from openpyxl", files.xlsx(), XLSX),
    ("minimal docx", files.zip_of("[Content_Types].xml", "word/document.xml"), DOCX),
    ("minimal xlsx", files.zip_of("[Content_Types].xml", "xl/workbook.xml"), XLSX),
    ("plain zip", files.zip_of("ho-so.txt"), None),
    ("zip without content types", files.zip_of("word/document.xml"), None),
    (
        "docx and xlsx at once",
        files.zip_of("[Content_Types].xml", "word/document.xml", "xl/workbook.xml"),
        None,
    ),
    ("macro-enabled docm", files.with_entry(files.docx(), "word/vbaProject.bin"), None),
    ("macro-enabled xlsm", files.with_entry(files.xlsx(), "xl/vbaProject.bin"), None),
    ("broken zip", b"PK\x03\x04" + b"\x00" * 100, None),
    ("old .doc (OLE)", files.OLD_DOC, None),
    ("windows exe", files.EXE, None),
    ("html", files.HTML, None),
    ("svg", files.SVG, None),
    ("gif", files.GIF, None),
    ("png signature cut short", files.png()[:6], None),
    ("pdf marker not at the start", b" %PDF-1.4", None),
    ("empty", b"", None),
]


@pytest.mark.parametrize(("content", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_detect_from_bytes(content: bytes, expected: Kind | None) -> None:
    assert detect(content) == expected


@pytest.mark.parametrize(("content", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_detect_reads_office_files_from_disk(tmp_path: Path, content: bytes, expected: Kind | None) -> None:
    """As on upload: the head in memory, the whole file on disk."""
    path = tmp_path / "upload.part"
    path.write_bytes(content)
    assert detect(content[:8], path) == expected


def test_each_kind_has_its_own_type_and_extension() -> None:
    assert [(k.content_type, k.extension) for k in (JPEG, PNG, PDF)] == [
        ("image/jpeg", ".jpg"),
        ("image/png", ".png"),
        ("application/pdf", ".pdf"),
    ]
    assert DOCX.content_type.endswith("wordprocessingml.document") and DOCX.extension == ".docx"
    assert XLSX.content_type.endswith("spreadsheetml.sheet") and XLSX.extension == ".xlsx"
