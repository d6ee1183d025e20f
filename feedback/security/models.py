"""The key-value store that every process shares: rate limits and login throttling."""

from tortoise import fields
from tortoise.models import Model


class StoreEntry(Model):
    """One value of the shared store (a Litestar Store kept in the database), with its expiry."""

    key = fields.CharField(max_length=255, primary_key=True)
    value = fields.BinaryField()
    expires_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "store_entry"
