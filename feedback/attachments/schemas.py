"""Response shapes of attachments."""

from __future__ import annotations

from datetime import datetime

from msgspec import Struct


class AttachmentOut(Struct):
    id: int
    filename: str
    content_type: str  # of what the file really is, detected from its bytes
    size: int
    kind: str  # submission | answer
    created_at: datetime
    url: str  # the download path; a citizen adds the token (X-Access-Token header or ?token=)
