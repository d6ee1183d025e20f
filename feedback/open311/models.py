"""The API keys coordinators issue to Open311 client applications: only a hash of each key is kept."""

from tortoise import fields
from tortoise.models import Model


class ApiKey(Model):
    """One client application's key, shown once when issued and stored only as its hash.

    A revoked key stays (with `revoked_at`), so the list tells which application had which key and when
    it lost it."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    key_hash = fields.CharField(max_length=64, unique=True)
    # The key's first characters, to tell keys apart in the list without revealing them.
    prefix = fields.CharField(max_length=12)
    created_at = fields.DatetimeField()
    created_by = fields.CharField(
        max_length=254, default=""
    )  # the coordinator's e-mail (staff, not a citizen)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"
