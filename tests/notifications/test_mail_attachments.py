"""A message that names a document carries it as an attachment, rendered at delivery by the caller's
renderer (notifications know no document); without a renderer nothing is sent and the rows wait."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from notifications.attachments import Attachment
from notifications.delivery import DeliveryConfigError, deliver_pending
from notifications.models import OutboxMessage
from notifications.outbox import new_message, queue
from tests.notifications.support import HANOI, ITEM_CONTEXT, NOW

PDF = b"%PDF-1.4\n% a tiny stand-in for the apology\n%%EOF\n"


async def queue_apology() -> None:
    context = {
        **ITEM_CONTEXT,
        "citizen_name": "Nguyễn Văn An",
        "reason": "Cần xác minh thực địa",
        "expected_at": "2026-12-11T16:59:59+00:00",
        "document": "apology",
    }
    message = new_message(
        kind="overdue_citizen", key="apology:1", to_addr="an@example.vn", thread="PAKN.20261123.0001",
        context=context, now=NOW,
    )  # fmt: skip
    await queue([message])


async def test_the_document_is_attached_as_rendered_at_delivery(database_clean, smtp) -> None:  # noqa: ANN001
    seen: list[Mapping[str, Any]] = []

    async def apology(context: Mapping[str, Any]) -> Attachment:
        seen.append(context)
        return Attachment("phieu-xin-loi-PAKN.20261123.0001-1.pdf", "application/pdf", PDF)

    await queue_apology()
    report = await deliver_pending(smtp.config(), now=NOW, tz=HANOI, documents={"apology": apology})
    assert report.sent == 1 and seen[0]["code"] == "PAKN.20261123.0001"
    [mail] = smtp.handler.messages
    assert mail.get_content_type() == "multipart/mixed"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "được gửi kèm thư này dưới dạng tệp PDF" in body
    assert mail.get_body(preferencelist=("html",)) is not None
    [part] = list(mail.iter_attachments())
    assert part.get_content_type() == "application/pdf"
    assert part.get_filename() == "phieu-xin-loi-PAKN.20261123.0001-1.pdf"
    assert part.get_content() == PDF


async def test_without_its_renderer_nothing_is_sent_and_the_row_waits(database_clean, smtp) -> None:  # noqa: ANN001
    await queue_apology()
    with pytest.raises(DeliveryConfigError, match="apology"):
        await deliver_pending(smtp.config(), now=NOW, tz=HANOI)
    assert smtp.handler.messages == []
    [row] = await OutboxMessage.all()
    assert row.status == "pending" and row.attempts == 0
