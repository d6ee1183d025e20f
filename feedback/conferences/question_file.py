"""Reading a file of conference questions (SPEC §6): a CSV (UTF-8) or XLSX file, header in row 1, into
checked question rows and the errors of the bad ones (row number, field, message). Pure: bytes and the
reference data in, rows out; `questions.import_questions` saves them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import msgspec

from feedback.conferences import checks
from feedback.conferences.schemas import QuestionIn
from feedback.directory.reference import Reference
from feedback.errors import DomainError
from feedback.text import fold

MAX_IMPORT_ROWS = 10_000
COLUMNS = ("asker_name", "asker_place", "asker_phone", "asker_email", "category", "commune", "text")
_ALIASES = {
    "asker_name": ("ho va ten", "ho ten", "nguoi hoi", "ten nguoi hoi", "name"),
    "asker_place": ("dia chi", "noi o", "dia chi nguoi hoi", "place", "address"),
    "asker_phone": ("so dien thoai", "dien thoai", "sdt", "phone"),
    "asker_email": ("email", "thu dien tu", "e-mail"),
    "category": ("linh vuc", "ma linh vuc"),
    "commune": ("xa/phuong", "xa phuong", "ma xa/phuong", "ma xa", "phuong/xa"),
    "text": ("noi dung", "noi dung cau hoi", "cau hoi", "question"),
}
_HEADER = {fold(alias): column for column, aliases in _ALIASES.items() for alias in aliases} | {
    c: c for c in COLUMNS
}


# The columns as the file's reader knows them (the errors name them so).
COLUMN_LABELS = {
    "asker_name": "Họ và tên",
    "asker_place": "Địa chỉ",
    "asker_phone": "Số điện thoại",
    "asker_email": "Email",
    "category": "Lĩnh vực",
    "commune": "Xã/phường",
    "text": "Nội dung",
    "file": "Tệp",
}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    @property
    def column(self) -> str:
        """The column in the reader's words ("Họ và tên"), not the code's (`asker_name`)."""
        return COLUMN_LABELS.get(self.field, self.field)


def category_code(value: str, ref: Reference) -> str | None:
    """A field given by its code ("moi-truong") or by its name ("Môi trường", "moi truong")."""
    if not value or value in ref.categories:
        return value or None
    wanted = fold(value)
    return next((c.code for c in ref.categories.values() if fold(c.name) == wanted), value)


_LEVEL = re.compile(r"^(phuong|xa|thi tran)\s+")


def commune_code(value: str, ref: Reference) -> str | None:
    """A commune or ward given by its code ("09556") or by its name, with or without its level and its
    diacritics ("Phường Hà Đông", "Hà Đông", "phuong ha dong")."""
    if not value or value in ref.communes:
        return value or None
    wanted = fold(value)
    for commune in ref.communes.values():
        name = fold(commune.name)
        if wanted in (name, _LEVEL.sub("", name)):
            return commune.code
    return value  # unknown: the check names it


class ImportRejected(DomainError):
    """An import file with bad rows: nothing was saved; `errors` says which row and field."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"Tệp có {len(errors)} lỗi; chưa câu hỏi nào được lưu", field="file")
        self.errors = errors


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and len(str(value)) == 9:  # a phone number whose leading 0 a spreadsheet ate
        return f"0{value}"
    return str(value).strip()


def read_rows(content: bytes) -> list[list[str]]:
    """The cells of the file as text: an XLSX by its content (a ZIP), anything else as CSV."""
    if content[:4] == b"PK\x03\x04":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise ImportRejected([RowError(0, "file", "Không đọc được tệp XLSX")]) from exc
        try:
            sheet = book.worksheets[0]
            return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(0, "file", "Tệp CSV phải dùng bảng mã UTF-8")]) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _validation_field(exc: msgspec.ValidationError) -> str:
    match = re.search(r"\$\.(\w+)", str(exc))
    return match.group(1) if match else "text"


def _row(values: dict[str, str], number: int, ref: Reference, host_unit_id: int) -> dict[str, Any] | RowError:
    payload: dict[str, Any] = {**values, "category": category_code(values["category"], ref),
                               "commune": commune_code(values["commune"], ref)}  # fmt: skip
    try:
        return checks.question(
            msgspec.convert(payload, QuestionIn), ref, need_contact=False, host_unit_id=host_unit_id
        )
    except msgspec.ValidationError as exc:
        field = _validation_field(exc)
        if field == "text" and not values["text"]:
            message = "Nội dung câu hỏi cần ít nhất 10 ký tự"
        elif field == "asker_name" and not values["asker_name"]:
            message = "Cần họ và tên người hỏi"
        else:
            message = f"Giá trị không hợp lệ ({exc})"
        return RowError(number, field, message)
    except DomainError as exc:
        return RowError(number, exc.field or "", exc.message)


def read_questions(content: bytes, ref: Reference, host_unit_id: int) -> list[dict[str, Any]]:
    """Every question of the file as the columns of a Question, or ImportRejected with every bad row."""
    rows = read_rows(content)
    if not rows or not any(rows[0]):
        raise ImportRejected([RowError(1, "file", "Tệp không có dòng tiêu đề")])
    columns: list[str | None] = [_HEADER.get(fold(h)) for h in rows[0]]
    errors = [RowError(1, c, f"Thiếu cột '{c}'") for c in ("asker_name", "text") if c not in columns]
    if errors:
        raise ImportRejected(errors)
    checked: list[dict[str, Any]] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        values = {c: "" for c in COLUMNS}
        for column, value in zip(columns, cells, strict=False):
            if column:
                values[column] = value
        row = _row(values, number, ref, host_unit_id)
        if isinstance(row, RowError):
            errors.append(row)
        else:
            checked.append(row)
    if not checked and not errors:
        errors.append(RowError(2, "file", "Tệp không có câu hỏi nào"))
    if len(checked) > MAX_IMPORT_ROWS:
        errors.append(RowError(MAX_IMPORT_ROWS + 2, "file", f"Tối đa {MAX_IMPORT_ROWS} câu hỏi mỗi tệp"))
    if errors:
        raise ImportRejected(errors)
    return checked
