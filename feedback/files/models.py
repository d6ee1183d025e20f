"""The files of the database store: one row per file, its bytes in one column (at most 10 MB a file)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class FileBlob(Model):
    """A stored file of PAKN_FILE_STORE=database, read back in slices so that a download streams."""

    name = fields.CharField(max_length=64, primary_key=True)  # the attachment's storage_name
    size = fields.IntField()
    data = fields.BinaryField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "file_blob"
        indexes = (("created_at",),)
