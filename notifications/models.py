"""The outbox: every e-mail is a row written in the transaction of the change that caused it."""

from tortoise import fields
from tortoise.models import Model


class OutboxMessage(Model):
    id = fields.BigIntField(primary_key=True)
    # Idempotency key: the same cause (e.g. "step:42:unit") can queue a message only once.
    key = fields.CharField(max_length=160, unique=True)
    kind = fields.CharField(max_length=40)
    to_addr = fields.CharField(max_length=254)
    to_name = fields.CharField(max_length=200, default="")
    # Messages of one thread (one feedback item) share References headers; usually the tracking code.
    thread = fields.CharField(max_length=64, default="")
    # Everything the template needs; rendered at delivery, so queuing stays cheap and set-based.
    context = fields.JSONField(default=dict)
    status = fields.CharField(max_length=12, default="pending")  # pending|sending|sent|failed
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    message_id = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_message"
        # Delivery scans unsent rows through a partial index (migration 0002); every other index
        # would slow the sweep, which writes hundreds of thousands of rows at once.
