"""`pakn retention`: citizens' personal data is kept only as long as needed (Nghị định 13/2023/NĐ-CP,
Art. 3 and 16: data are kept for as long as the purpose requires), then removed, the statistics kept.

An item is finished when it is answered (and not reopened), closed after the citizen's rating, or
refused; once it has been finished for longer than `PAKN_RETENTION_DAYS` (counted from its closing,
else its answer, else its last change, which for a refused item is the refusal), one pass removes:

- the citizen's name, phone, e-mail and address, the place of the issue (address, coordinates);
- every text written by or to the citizen: title, content, answer, draft, refusal reason, rating
  comment, extension reason, the cooperating units' requests and parts (replaced by `ERASED` where
  there was one, so a reader still sees that there was a text), and the search text;
- the timeline's messages, reasons and recorded changes (which quote texts and old values);
- the attachments, rows and files: the citizen's photos and papers, and answers addressed to them;
- the secret token: the citizen's link stops working, there is nothing of theirs left to show;
- the publication: the item leaves the public list (its texts are gone).

Kept for the reports: unit, officer, category, commune, channel, severity, classification, status, every
date and deadline, counts of transfers, extensions and reopenings, the rating, duplicate links, and the
timeline's kinds, times and actors. `anonymised_at` records when.

The questions of a dialogue conference published longer ago than the same period lose their asker's
phone, e-mail and place, and the asker's name becomes the initials the public already sees; their
question and answer texts are rewritten to the public, masked form (`publication.policy`), since the
conference's results stay a public record. That masking is Python, so these rows are read once and
written back with one batched statement.

The outbox's messages sent (or failed for good) before the cut-off, and every message about an
anonymised item, lose their addresses, names, contexts and error texts; kind, thread, status and times
stay (delivery statistics). Pending messages are never touched.

Set-based: a handful of statements whatever the number of items, in one transaction; a second run finds
nothing (idempotent). The files are removed after the commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from feedback import db
from feedback.files.store import store_for
from feedback.publication.policy import public_name, public_question
from feedback.settings import Settings
from feedback.text import fold
from notifications.sql import dialect_sql

log = logging.getLogger("pakn.retention")

ERASED = "[Đã xóa khi hết thời hạn lưu trữ dữ liệu cá nhân]"

# $1 the cut-off. An item finished before it, not yet anonymised.
_ITEMS_DUE = (
    "anonymised_at IS NULL AND status IN ('answered', 'closed', 'refused')"
    " AND COALESCE(closed_at, answered_at, updated_at) < $1"
)
# $1 this run's time: the items this run anonymises (the statements run in one transaction).
_THIS_RUN = "SELECT id FROM feedback_item WHERE anonymised_at = $1"
_QUESTIONS_DUE = (
    "q.anonymised_at IS NULL AND q.conference_id IN"
    " (SELECT id FROM conference WHERE published_at IS NOT NULL AND published_at < $1)"
)
# Sent or failed messages from before the cut-off or about an anonymised item, not yet cleared.
_MESSAGES_DUE = (
    "status IN ('sent', 'failed') AND (to_addr <> '' OR to_name <> '' OR last_error <> '')"
    " AND (created_at < $1 OR thread IN (SELECT code FROM feedback_item WHERE anonymised_at IS NOT NULL))"
)


def _erased(column: str, mark: str) -> str:
    """`column` set to the erased mark (parameter `mark`) where it held a text. The cast: PostgreSQL
    must deduce one type for a parameter that meets both text and varchar columns."""
    return f"{column} = CASE WHEN {column} <> '' THEN CAST({mark} AS TEXT) ELSE '' END"


_ANONYMISE_ITEMS = (
    "UPDATE feedback_item SET anonymised_at = $2, citizen_name = '', citizen_phone = '',"
    " citizen_email = '', citizen_address = '', address = '', latitude = NULL, longitude = NULL,"
    f" title = CAST($3 AS TEXT), content = CAST($3 AS TEXT), {_erased('answer', '$3')}, {_erased('refuse_reason', '$3')}, draft_answer = '',"
    " rating_comment = '', extension_request_reason = '', search_text = '', token_hash = '',"
    f" publish = FALSE WHERE {_ITEMS_DUE}"
)
_CLEAR_COOPERATIONS = f"UPDATE cooperation SET {_erased('request', '$2')}, {_erased('answer', '$2')} WHERE item_id IN ({_THIS_RUN})"
_CLEAR_EVENTS = f"UPDATE event SET message = '', reason = '', changes = '{{}}' WHERE item_id IN ({_THIS_RUN})"
_ATTACHMENTS = f"SELECT storage_name FROM attachment WHERE item_id IN ({_THIS_RUN})"
_DELETE_ATTACHMENTS = f"DELETE FROM attachment WHERE item_id IN ({_THIS_RUN})"
_CLEAR_MESSAGES = f"UPDATE outbox_message SET to_addr = '', to_name = '', context = '{{}}', last_error = '' WHERE {_MESSAGES_DUE}"


@dataclass(frozen=True, slots=True)
class RetentionReport:
    cutoff: datetime
    items: int
    attachments: int
    questions: int
    messages: int
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "would clear" if self.dry_run else "cleared"
        return (
            f"retention ({self.cutoff:%Y-%m-%d} cut-off): {verb} {self.items} items"
            f" ({self.attachments} attachments), {self.questions} conference questions, {self.messages} messages"
        )


def cutoff(settings: Settings, now: datetime) -> datetime:
    return now - timedelta(days=settings.retention_days)


async def run(settings: Settings, *, now: datetime, dry_run: bool = False) -> RetentionReport:
    """Remove the personal data past the retention period (or, with `dry_run`, count what would go)."""
    limit = cutoff(settings, now)
    if dry_run:
        return await _count(limit)
    async with in_transaction() as connection:
        items = await db.execute(_ANONYMISE_ITEMS, limit, now, ERASED, connection=connection)
        files = []
        if items:
            files = [row["storage_name"] for row in await db.fetch(_ATTACHMENTS, now, connection=connection)]
            await db.execute(_CLEAR_COOPERATIONS, now, ERASED, connection=connection)
            await db.execute(_CLEAR_EVENTS, now, connection=connection)
            await db.execute(_DELETE_ATTACHMENTS, now, connection=connection)
        questions = await _anonymise_questions(limit, now, connection)
        messages = await db.execute(_CLEAR_MESSAGES, limit, connection=connection)
    await store_for(settings).delete(name for name in files if name)
    report = RetentionReport(limit, items, len(files), questions, messages)
    log.info("%s", report)
    return report


async def _count(limit: datetime) -> RetentionReport:
    (row,) = await db.fetch(
        f"SELECT (SELECT COUNT(*) FROM feedback_item WHERE {_ITEMS_DUE}) AS items,"
        f" (SELECT COUNT(*) FROM attachment WHERE item_id IN (SELECT id FROM feedback_item WHERE {_ITEMS_DUE}))"
        " AS attachments,"
        f" (SELECT COUNT(*) FROM question q WHERE {_QUESTIONS_DUE}) AS questions,"
        f" (SELECT COUNT(*) FROM outbox_message WHERE {_MESSAGES_DUE}) AS messages",
        limit,
    )
    # Messages of the items this run would anonymise are counted by the real run only: close enough for
    # a preview, as such items' mails are older than the cut-off anyway.
    return RetentionReport(limit, row["items"], row["attachments"], row["questions"], row["messages"], True)


async def _anonymise_questions(limit: datetime, now: datetime, connection: BaseDBAsyncClient) -> int:
    rows = await db.fetch(
        "SELECT q.id, q.text, q.answer, q.asker_name, q.asker_place FROM question q"
        f" WHERE {_QUESTIONS_DUE} ORDER BY q.id",
        limit,
        connection=connection,
    )
    if not rows:
        return 0
    values = []
    for row in rows:
        shown = public_question(
            row["text"], row["answer"], asker_name=row["asker_name"], asker_place=row["asker_place"]
        )
        values.append(
            [public_name(row["asker_name"]), shown.text, shown.answer, fold(shown.text), now, row["id"]]
        )
    statement = (
        "UPDATE question SET asker_name = $1, asker_place = '', asker_phone = '', asker_email = '',"
        " text = $2, answer = $3, search_text = $4, anonymised_at = $5 WHERE id = $6"
    )
    await connection.execute_many(dialect_sql(connection, statement), values)
    return len(values)
