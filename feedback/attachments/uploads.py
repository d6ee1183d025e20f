"""Reading a request's body: JSON, or multipart/form-data with JSON in a text part and up to 5 files.

Files are checked while they arrive, not after the whole body has been buffered: the sixth file, the
byte past 10 MB, an empty file or a file that is not a JPEG, PNG, PDF, DOCX or XLSX stops the request
at once with a message naming the file. Each file goes straight to the upload folder under a random
name, and to the file store (PAKN_FILE_STORE) once the whole body was read; whatever fails, every file
of the request is removed again, so nothing is half-saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from litestar import Request
from litestar.exceptions import ClientException, ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from multipart import MultipartSegment, ParserError, ParserLimitReached, PushMultipartParser

from feedback.attachments import storage
from feedback.attachments.sniff import Kind, detect
from feedback.edge import check_json, check_text
from feedback.errors import DomainError
from feedback.files.store import FileStore, StoreUnavailable, store_for
from feedback.settings import Settings

T = TypeVar("T")
log = logging.getLogger("pakn")

MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_TEXT_PART = 256 * 1024  # the JSON of a filing is far smaller; it is the JSON body's limit too
FILES = "files"  # the name of the file parts
# The limit to give a route taking files (`request_max_body_size=`): above it Litestar answers 413
# before reading a byte. Room for the files, the text parts and the multipart headers around them.
MAX_BODY = MAX_FILES * MAX_FILE_SIZE + 2 * MAX_TEXT_PART + 64 * 1024
ACCEPTED = "ảnh JPEG, PNG hoặc tài liệu PDF, DOCX, XLSX"


class TooLarge(DomainError):
    status_code = 413


@dataclass(frozen=True)
class Upload:
    """A received file, already checked and in the file store as `storage_name`; its row is written
    by `services.save`."""

    filename: str  # the sender's name, cleaned, ending with the extension of its real kind
    kind: Kind
    size: int
    sha256: str
    storage_name: str


@dataclass(frozen=True)
class UploadForm:
    fields: dict[str, str]
    uploads: list[Upload]
    store: FileStore

    async def discard(self) -> None:
        """Remove the stored files of uploads whose rows will not be written."""
        await self.store.delete(u.storage_name for u in self.uploads)

    def decode(self, name: str, type_: type[T], request: Request) -> T:
        """The JSON of text part `name` as `type_`, refused with the same 400s as a JSON body."""
        raw = self.fields.get(name)
        if raw is None:
            raise ValidationException(
                f"Thiếu phần '{name}' (nội dung JSON) trong biểu mẫu multipart/form-data",
                extra=[{"message": "Thiếu phần này", "key": name, "source": "body"}],
            )
        # The edge checks JSON bodies, not multipart ones: its rules for the JSON inside (depth, NUL
        # written as \u0000), with the field named "data.title".
        check_json(raw.encode(), name)
        return decode_json(raw.encode(), type_, request)

    @contextlib.asynccontextmanager
    async def discard_on_error(self) -> AsyncIterator[None]:
        """Around the work that writes the rows: if it fails, the files go too.

        Keep it to that work: an error after the rows are committed must not remove their files.
        """
        try:
            yield
        except BaseException:
            try:
                await asyncio.shield(self.discard())
            except Exception:  # the store is down: the orphan sweep removes them later
                log.exception("could not remove the files of a failed request from the file store")
            raise


def is_multipart(request: Request) -> bool:
    return request.content_type[0] == "multipart/form-data"


async def read_json(request: Request, type_: type[T], limit: int = MAX_TEXT_PART) -> T:
    """A JSON body as `type_`, for routes whose body limit is raised for files: JSON keeps its own."""
    if (request.content_length or 0) > limit:
        raise RequestEntityTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise RequestEntityTooLarge
    return decode_json(bytes(body), type_, request)


_AT = re.compile(r" - at `\$\.?(.*)`$")


def decode_json(raw: bytes, type_: type[T], request: Request) -> T:
    """Decode like Litestar decodes a `data` parameter, so clients see the same 400s either way."""
    try:
        value: Any = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise ClientException(f"JSON is malformed: {exc}") from None
    try:
        return msgspec.convert(value, type_, strict=False, str_keys=True)
    except msgspec.ValidationError as exc:
        message, key = str(exc), "data"
        if match := _AT.search(message):
            message, key = message[: match.start()], match.group(1) or "data"
        raise ValidationException(
            f"Validation failed for {request.method} {request.url.path}",
            extra=[{"message": message, "key": key, "source": "body"}],
        ) from None


async def read_form(
    request: Request, settings: Settings, *, text_fields: Sequence[str] = ("data",)
) -> UploadForm:
    """Read a multipart/form-data body: the text parts named in `text_fields` and the parts `files`.

    Any other part is refused. A file part with an empty name and no bytes (a form's file input left
    empty) is skipped. On any failure the files stored so far are removed before the error goes on.
    """
    boundary = request.content_type[1].get("boundary")
    if not is_multipart(request) or not boundary:
        raise ClientException("Cần gửi multipart/form-data có boundary")
    reader = _Reader(settings.upload_dir, text_fields)
    store = store_for(settings)
    try:
        # The parser's own part limit only guards against floods; `_Reader` refuses the 6th file first.
        with PushMultipartParser(boundary, max_segment_count=MAX_FILES + len(text_fields) + 2) as parser:
            async for chunk in request.stream():
                if parser.closed:
                    continue  # an epilogue after the closing boundary means nothing
                for event in parser.parse(chunk):
                    reader.feed(event)
    except ParserLimitReached:
        reader.discard()
        raise ClientException(
            "Biểu mẫu multipart/form-data có quá nhiều phần hoặc tiêu đề phần quá dài"
        ) from None
    except ParserError:
        reader.discard()
        raise ClientException("Dữ liệu multipart/form-data không hợp lệ") from None
    except BaseException:
        reader.discard()
        raise
    if reader.file_error is not None:
        # A refused file refuses the whole form (nothing is half-saved), but only once every part was
        # read: the text typed after the file input goes back with the error (`form_fields`), so a
        # page can show the form again as it was, with only the files to choose again.
        reader.discard()
        reader.file_error.form_fields = dict(reader.fields)
        raise reader.file_error
    form = UploadForm(reader.fields, reader.uploads, store)
    try:
        for upload, path in zip(reader.uploads, reader.paths, strict=True):
            await store.put(upload.storage_name, path)
    except BaseException as exc:
        reader.discard()
        with contextlib.suppress(Exception):  # the store may be down for this too
            await asyncio.shield(form.discard())
        if isinstance(exc, Exception):
            log.exception("the %s file store did not take an upload", store.kind)
            raise StoreUnavailable(field=FILES) from exc
        raise
    return form


class _Reader:
    """Turns the parser's events (part headers, chunks, end of part) into text fields and stored files."""

    def __init__(self, root: Path, text_fields: Sequence[str]) -> None:
        self.root = root
        self.text_fields = tuple(text_fields)
        self.fields: dict[str, str] = {}
        self.uploads: list[Upload] = []
        self.paths: list[Path] = []  # each upload's file in the upload folder, until the store has it
        self._segment: MultipartSegment | None = None
        self._file: storage.StagedFile | None = None  # the file part being received, if any
        self._text = bytearray()
        self.file_error: DomainError | None = None  # the first refused file; the rest is still read
        self._skipping = False  # the bytes of a refused file part are dropped as they come

    def feed(self, event: MultipartSegment | bytes | bytearray | None) -> None:
        try:
            self._feed(event)
        except DomainError as exc:
            if exc.field != FILES:
                raise
            self._refuse_file(exc)

    def _refuse_file(self, exc: DomainError) -> None:
        if self._file is not None:
            self._file.discard()
            self._file = None
        self._skipping = True
        if self.file_error is None:
            self.file_error = exc

    def _feed(self, event: MultipartSegment | bytes | bytearray | None) -> None:
        if isinstance(event, MultipartSegment):
            self._skipping = False
            self._start(event)
            return
        if self._skipping:
            return  # the rest of a refused file part (its end included)
        segment = self._segment
        assert segment is not None  # the parser sends a part's headers before its body and its end
        if event is None:
            self._end(segment)
        elif self._file is not None:
            self._file.write(event)
            if self._file.size > MAX_FILE_SIZE:
                raise TooLarge(f"Tệp '{_shown(segment)}' lớn hơn {MAX_FILE_SIZE // 2**20} MB", field=FILES)
        else:
            self._text += event
            if len(self._text) > MAX_TEXT_PART:
                raise TooLarge(f"Phần '{segment.name}' của biểu mẫu quá lớn", field=segment.name)

    def _start(self, segment: MultipartSegment) -> None:
        self._segment = segment
        name = segment.name or ""
        if name == FILES:
            if len(self.uploads) >= MAX_FILES:
                raise DomainError(
                    f"Chỉ được gửi tối đa {MAX_FILES} tệp đính kèm; tệp '{_shown(segment)}' là tệp thứ "
                    f"{MAX_FILES + 1}",
                    field=FILES,
                )
            self._file = storage.StagedFile(self.root)
        elif name not in self.text_fields:
            raise DomainError(f"Biểu mẫu có phần '{name}' không được hỗ trợ", field=name)
        elif name in self.fields:
            raise DomainError(f"Phần '{name}' của biểu mẫu được gửi hai lần", field=name)
        else:
            # A text part sent as a file (`curl -F data=@phan-anh.json`) is read as text all the same.
            self._text = bytearray()

    def _end(self, segment: MultipartSegment) -> None:
        staged = self._file
        if staged is None:
            try:
                text = self._text.decode(segment.charset or "utf-8")
            except (UnicodeDecodeError, LookupError):
                raise ClientException(f"Phần '{segment.name}' không phải văn bản UTF-8") from None
            # NUL is refused here, where every multipart text part is read, and not by PostgreSQL later.
            check_text(segment.name, text)
            self.fields[segment.name] = text
            return
        # Until it is in `uploads`, the file stays in `_file`, where `discard` finds it on any error.
        staged.close()
        if staged.size == 0 and not segment.filename:
            staged.discard()  # a file input left empty
        elif staged.size == 0:
            raise DomainError(f"Tệp '{_shown(segment)}' rỗng", field=FILES)
        elif (kind := detect(staged.head, staged.path)) is None:
            raise DomainError(
                f"Tệp '{_shown(segment)}' không phải {ACCEPTED} (kiểm tra theo nội dung tệp)", field=FILES
            )
        else:
            path = staged.finish(kind)
            name = storage.display_name(segment.filename or "", kind)
            self.uploads.append(Upload(name, kind, staged.size, staged.sha256, path.name))
            self.paths.append(path)
        self._file = None

    def discard(self) -> None:
        """Remove the files received so far from the upload folder (the store has none of them yet)."""
        if self._file is not None:
            self._file.discard()
        for path in self.paths:
            path.unlink(missing_ok=True)


def _shown(segment: MultipartSegment) -> str:
    """The file's name as the sender gave it, cleaned, for messages."""
    return storage.clean_name(segment.filename or "") or storage.FALLBACK_NAME
