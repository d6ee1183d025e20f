"""Files attached to an outgoing e-mail, rendered at delivery by the caller's document renderers.

A message whose context names a `document` (for example "apology", the Mẫu 04 letter) carries no
bytes in the outbox: the context says which document of which item, and delivery asks the renderer of
that name, which the caller passes to `deliver_pending(documents=…)`. notifications/ knows no document
and nothing of feedback/: the renderers come from the caller (feedback/documents/mail.py). Keeping the
bytes out of the outbox keeps queuing a cheap set-based insert; a retried message renders the same
document again from the same stored data, under the same Message-ID.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Attachment:
    filename: str  # ASCII, shown to the recipient
    content_type: str  # "application/pdf"
    data: bytes


# context → the attachment; raising fails the message (it would fail again: not retried).
DocumentRenderer = Callable[[Mapping[str, Any]], Awaitable[Attachment]]
Documents = Mapping[str, DocumentRenderer]


class MissingRenderer(LookupError):
    """A message names a document that this delivery cannot render: a configuration error."""


def document_of(context: Mapping[str, Any]) -> str:
    """The name of the document a message carries ('' for none)."""
    return str(context.get("document") or "")
