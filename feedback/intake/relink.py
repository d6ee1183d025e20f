"""A new secret link for a citizen who lost theirs: the code and the e-mail given at filing.

The token is stored only as its hash, so the old link cannot be sent again: a new token replaces it (the
old link stops working, which the mail says), in one transaction with its timeline event and its mail.
"""

from __future__ import annotations

import secrets

from tortoise.transactions import in_transaction

from feedback import clock
from feedback.directory.reference import reference
from feedback.intake import mail
from feedback.items import timeline
from feedback.items.access import get_by_contact, hash_token
from feedback.settings import Settings
from notifications.outbox import queue


async def send_new_link(code: str, email: str, settings: Settings) -> None:
    """Mail a new secret link to the item's e-mail when `email` is it; NotFound otherwise (the caller
    answers the same either way, so the form tells nobody whose e-mail an item holds)."""
    now = clock.now()
    ref = await reference(settings)
    async with in_transaction():
        # The one check of a contact against an item (items.access), here with the row locked.
        item = await get_by_contact(code.strip().upper(), email if "@" in email else "", lock=True)
        token = secrets.token_urlsafe(24)
        item.token_hash = hash_token(token)
        item.updated_at = now
        await item.save(update_fields=["token_hash", "updated_at"])
        event = await timeline.record(
            item, "link_resent", now, actor=None, public=True,
            message="Đã gửi đường dẫn tra cứu mới tới thư điện tử của người phản ánh; đường dẫn cũ hết hiệu lực.",
        )  # fmt: skip
        context = mail.item_context(item, ref, settings)
        await queue(
            mail.to_citizen(
                "track_link", item, context, now, f"relink:{item.code}:{event.id}",
                secret_track_url=mail.track_url(settings, item.code, token),
            )
        )  # fmt: skip
