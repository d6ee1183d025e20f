"""OpenAPI for routes that take a JSON body, or the same JSON in a multipart part `data` with files.

Litestar decodes a handler's `data` from one media type only, so such a handler reads its body itself
(`uploads.read_json` / `uploads.read_form`) and has no `data` parameter. To keep the JSON body in the
OpenAPI document, the route declares a dependency that takes `data` and is never called (Litestar only
resolves dependencies a handler names, but documents the body of any it declares); `WithFiles` then
adds the multipart form next to the JSON:

    def _documented_body(data: JSONBody[FeedbackCreate]) -> None: ...

    @post("/", dependencies={"documented_body": Provide(_documented_body)}, operation_class=WithFiles)
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import Encoding, OpenAPIMediaType, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType

from feedback.attachments.sniff import KINDS
from feedback.attachments.uploads import FILES, MAX_FILE_SIZE, MAX_FILES

FILES_DESCRIPTION = (
    f"Tối đa {MAX_FILES} tệp, mỗi tệp tối đa {MAX_FILE_SIZE // 2**20} MB: "
    + ", ".join(k.name for k in KINDS)
    + " (kiểm tra theo nội dung tệp, không theo tên)."
)


@dataclass
class WithFiles(Operation):
    def __post_init__(self) -> None:
        if self.request_body is None or not hasattr(self.request_body, "content"):
            return
        json_body = self.request_body.content["application/json"]
        self.request_body.content["multipart/form-data"] = OpenAPIMediaType(
            schema=Schema(
                type=OpenAPIType.OBJECT,
                required=["data"],
                properties={
                    "data": json_body.schema,
                    FILES: Schema(
                        type=OpenAPIType.ARRAY,
                        items=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
                        max_items=MAX_FILES,
                        description=FILES_DESCRIPTION,
                    ),
                },
            ),
            encoding={"data": Encoding(content_type="application/json")},
        )
