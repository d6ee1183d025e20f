"""The published monthly reports (SPEC §7 "a published month is frozen"): each publication of a month is
a new version holding the public figures as they were computed then; the public pages read only these."""

from tortoise import fields
from tortoise.models import Model


class PublishedReport(Model):
    """One version of one month's public report: the snapshot (feedback/reports/snapshot.py builds it),
    when it was published and by whom (never shown to the public)."""

    id = fields.IntField(primary_key=True)
    month = fields.CharField(max_length=7)  # "YYYY-MM"
    version = fields.IntField()  # 1, then 2 for the first re-publication …
    published_at = fields.DatetimeField()
    published_by = fields.ForeignKeyField(
        "models.StaffUser", related_name="published_reports", null=True, on_delete=fields.SET_NULL
    )
    snapshot = fields.JSONField()
    # A random name of this publication, never reused (unlike an id after a restore, or a month and
    # version): what a process keys its cache of the snapshot and of its rendered page by.
    key = fields.CharField(max_length=32, unique=True)

    class Meta:
        table = "published_report"
        # Two coordinators publishing the same month at once: one of them gets version 2, the other a 409.
        unique_together = (("month", "version"),)
