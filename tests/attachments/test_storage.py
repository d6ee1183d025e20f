"""Names on disk are random; names shown and offered on download are the sender's, cleaned."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import unquote

import pytest

from feedback.attachments import storage
from feedback.attachments.sniff import DOCX, JPEG, PDF, PNG, Kind
from feedback.files.store import FileMissing, LocalStore


@pytest.mark.parametrize(
    ("raw", "kind", "shown"),
    [
        ("Ảnh hiện trường.png", PNG, "Ảnh hiện trường.png"),
        ("Ảnh hiện trường.PNG", PNG, "Ảnh hiện trường.PNG"),
        ("anh.jpeg", JPEG, "anh.jpeg"),
        ("anh.jpg", PNG, "anh.png"),  # the extension follows what the file is
        ("Biên bản v1.2", PDF, "Biên bản v1.2.pdf"),
        ("don.doc", DOCX, "don.docx"),
        (r"C:\Users\An\Desktop\Đơn kiến nghị.docx", DOCX, "Đơn kiến nghị.docx"),
        ("../../etc/passwd.png", PNG, "passwd.png"),
        ("gpj\u202eexe.png", PNG, "gpjexe.png"),  # no right-to-left override
        ("tab\there\nand\x00nul.pdf", PDF, "tab here andnul.pdf"),
        ("A\u0300nh.png", PNG, "Ành.png"),  # NFC: one code point per letter
        ("", PNG, "tep-dinh-kem.png"),
        ("...", PDF, "tep-dinh-kem.pdf"),
        ("x" * 300 + ".pdf", PDF, "x" * 196 + ".pdf"),
    ],
)
def test_display_name(raw: str, kind: Kind, shown: str) -> None:
    name = storage.display_name(raw, kind)
    assert name == shown
    assert len(name) <= storage.MAX_FILENAME


@pytest.mark.parametrize(
    ("name", "ascii_name"),
    [
        ("Ảnh hiện trường.png", "Anh hien truong.png"),
        ("Đơn đề nghị.pdf", "Don de nghi.pdf"),
        ('bao "gia".xlsx', "bao _gia_.xlsx"),
        ("日本.pdf", "__.pdf"),
    ],
)
def test_content_disposition_keeps_vietnamese_names(name: str, ascii_name: str) -> None:
    header = storage.content_disposition(name)
    assert header.startswith(f'attachment; filename="{ascii_name}"; ')
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded, encoding="utf-8") == name
    assert " " not in encoded and '"' not in encoded and ";" not in encoded


async def test_staged_file_gets_a_random_private_name(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    staged = storage.StagedFile(root)
    staged.write(b"\x89PNG\r\n")
    staged.write(b"\x1a\nrest")
    assert staged.head == b"\x89PNG\r\n\x1a\n" and staged.size == 12
    path = staged.finish(PNG)
    assert path.parent == root and path.suffix == ".png" and len(path.stem) == 32
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    local = LocalStore(root)
    assert local.path(path.name) == path and await local.exists(path.name)
    await local.delete([path.name, path.name])  # twice is fine
    assert list(root.iterdir()) == []


def test_a_discarded_staged_file_leaves_nothing(tmp_path: Path) -> None:
    staged = storage.StagedFile(tmp_path)
    staged.write(b"%PDF-")
    staged.discard()
    staged.discard()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name", ["../secret.png", "passwd", "A" * 32 + ".png", "0" * 32 + ".png/x", "0" * 32 + ".png"]
)
async def test_the_local_store_refuses_anything_but_a_stored_file(tmp_path: Path, name: str) -> None:
    if name == "0" * 32 + ".png":
        (tmp_path / name).mkdir()  # a folder of a stored file's name is not a file
    with pytest.raises(FileMissing):
        await (await LocalStore(tmp_path).open(name)).read()
