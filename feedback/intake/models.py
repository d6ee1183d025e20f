"""Feedback items, their append-only timeline and the daily counter behind tracking codes."""

from tortoise import fields
from tortoise.models import Model

STATUSES = ("received", "assigned", "in_progress", "answered", "closed", "refused")
OPEN_STATUSES = ("received", "assigned", "in_progress")
CHANNELS = ("online", "desk", "postal", "phone", "email", "conference", "open311")


class FeedbackItem(Model):
    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=20, unique=True)
    token_hash = fields.CharField(max_length=64)
    title = fields.CharField(max_length=200)
    content = fields.TextField()
    # Folded (no diacritics, lower case) title + content for diacritics-insensitive search.
    search_text = fields.TextField(default="")
    category = fields.ForeignKeyField("models.Category", related_name="items", null=True)
    suggested_category = fields.ForeignKeyField("models.Category", related_name="suggested_items", null=True)
    commune = fields.ForeignKeyField("models.Commune", related_name="items", null=True)
    address = fields.CharField(max_length=300, default="")
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    severity = fields.CharField(max_length=10, default="normal")
    channel = fields.CharField(max_length=12, default="online")
    status = fields.CharField(max_length=12, default="received")
    unit = fields.ForeignKeyField("models.Unit", related_name="items")
    officer = fields.ForeignKeyField("models.StaffUser", related_name="items", null=True)
    citizen_name = fields.CharField(max_length=120)
    citizen_phone = fields.CharField(max_length=20, default="")
    citizen_email = fields.CharField(max_length=254, default="")
    citizen_address = fields.CharField(max_length=300, default="")
    publish = fields.BooleanField(default=False)
    received_at = fields.DatetimeField()
    # When the current unit received it: transfers restart the clock here.
    unit_received_at = fields.DatetimeField()
    accept_due_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    # Bumped whenever the deadline changes, so the escalation steps of an old deadline never fire.
    deadline_no = fields.IntField(default=1)
    transfer_count = fields.IntField(default=0)
    answer = fields.TextField(default="")
    answered_at = fields.DatetimeField(null=True)
    answered_by = fields.ForeignKeyField("models.StaffUser", related_name="answers", null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "feedback_item"
        indexes = (("unit_id", "status", "due_at"), ("status", "due_at"))


class Event(Model):
    """One entry of the timeline of an item: rows are only ever inserted."""

    id = fields.BigIntField(primary_key=True)
    item = fields.ForeignKeyField("models.FeedbackItem", related_name="events")
    at = fields.DatetimeField()
    kind = fields.CharField(max_length=30)
    actor = fields.ForeignKeyField("models.StaffUser", related_name="events", null=True)
    actor_label = fields.CharField(max_length=200, default="")
    public = fields.BooleanField(default=False)
    message = fields.TextField(default="")
    changes = fields.JSONField(default=dict)

    class Meta:
        table = "event"
        indexes = (("item_id", "at"),)


class DailyCounter(Model):
    """The last sequence number used for tracking codes of one local day (YYYYMMDD)."""

    day = fields.CharField(max_length=8, primary_key=True)
    value = fields.IntField(default=0)

    class Meta:
        table = "daily_counter"
