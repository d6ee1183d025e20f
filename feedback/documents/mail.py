"""The documents that e-mails carry, rendered at delivery (notifications/attachments.py): the
message's context names the document and the item (`code`); the PDF is drawn from the item's stored
data, the same way as the staff print route (services.py). Pass `documents(settings)` to
`notifications.delivery.deliver_pending`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from feedback.directory.reference import reference
from feedback.documents.services import apology_pdf
from feedback.items.models import FeedbackItem
from feedback.settings import Settings
from notifications.attachments import Attachment, Documents


def documents(settings: Settings) -> Documents:
    async def apology(context: Mapping[str, Any]) -> Attachment:
        item = await FeedbackItem.get(code=str(context["code"]))
        document = await apology_pdf(item, await reference(settings))
        if document is None:
            raise LookupError(f"{item.code} has no apology to attach")
        return Attachment(document.filename, document.content_type, document.data)

    return {"apology": apology}
