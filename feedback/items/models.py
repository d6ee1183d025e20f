"""Feedback items, their append-only timeline and the daily counter behind tracking codes."""

from tortoise import fields
from tortoise.models import Model


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
    # Nghị định 20/2008 (items/grounds.py): "authority" or "conduct", set on accept; "complaint" or
    # "denunciation", set by the refusal on that ground.
    classification = fields.CharField(max_length=12, default="", db_default="")
    # The legal ground of a refusal (a code of items/grounds.py) and the officer's words.
    refuse_ground = fields.CharField(max_length=24, default="", db_default="")
    refuse_reason = fields.TextField(default="", db_default="")
    extension_count = fields.IntField(default=0, db_default=0)
    reopen_count = fields.IntField(default=0, db_default=0)
    citizen_reopened = fields.BooleanField(default=False, db_default=False)  # the citizen may reopen once
    # An officer's answer waiting for the head's approval (units with Unit.requires_approval).
    draft_answer = fields.TextField(default="", db_default="")
    draft_by = fields.ForeignKeyField("models.StaffUser", related_name="drafts", null=True)
    draft_at = fields.DatetimeField(null=True)
    # An officer's extension request waiting for the head's decision (SPEC §4): the new day, why, who
    # asked and when (the "at least one working day before" rule is judged at the asking).
    extension_request_day = fields.DateField(null=True)
    extension_request_reason = fields.TextField(default="", db_default="")
    extension_request_by = fields.ForeignKeyField(
        "models.StaffUser", related_name="extension_requests", null=True, on_delete=fields.SET_NULL
    )
    extension_request_at = fields.DatetimeField(null=True)
    # The date promised to the citizen in the latest apology (Mẫu 04, SPEC §4 "a promised date is a
    # deadline"): the promised day, why, who issued it ("automatic", "head" or "extension"), when, the
    # deadline it is about (`promise_deadline_no`) and that deadline's date. `promise_no` counts the
    # apologies; the promise's own steps are planned with deadline_no = -promise_no
    # (feedback/deadlines/promises.py). Migration 0010.
    promise_no = fields.IntField(default=0, db_default=0)
    promise_day = fields.DateField(null=True)
    promise_reason = fields.TextField(default="", db_default="")
    promise_source = fields.CharField(max_length=12, default="", db_default="")
    promise_by = fields.ForeignKeyField(
        "models.StaffUser", related_name="promises", null=True, on_delete=fields.SET_NULL
    )
    promise_at = fields.DatetimeField(null=True)
    promise_deadline_no = fields.IntField(default=0, db_default=0)
    promise_original_due = fields.DatetimeField(null=True)
    answer = fields.TextField(default="")
    answered_at = fields.DatetimeField(null=True)
    answered_by = fields.ForeignKeyField("models.StaffUser", related_name="answers", null=True)
    rating = fields.SmallIntField(null=True)
    rating_comment = fields.TextField(default="", db_default="")
    rated_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    # Set on a duplicate: the main item's answer answers this one too.
    duplicate_of = fields.ForeignKeyField("models.FeedbackItem", related_name="duplicates", null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    # When `pakn retention` removed the citizen's personal data (publication/retention.py); migration 0012.
    anonymised_at = fields.DatetimeField(null=True)

    class Meta:
        table = "feedback_item"
        indexes = (
            ("unit_id", "status", "due_at"),
            ("status", "due_at"),
            ("citizen_phone",),
            ("citizen_email",),
            ("commune_id", "status"),
            # The inbox's order: a coordinator's first page (of a million items) without sorting them all.
            ("due_at", "id"),
            # "Category + due before" in the inbox (bench/search.py); migration 0007.
            ("category_id", "due_at", "id"),
            # Reports: the items received in a period, or changed since it began (migration 0013).
            ("received_at",),
            ("updated_at",),
        )


class Cooperation(Model):
    """A cooperating unit of an inter-agency item (liên thông), with its own sub-deadline.

    The item's unit leads and writes the final answer; each cooperating unit sends its contribution.
    """

    id = fields.BigIntField(primary_key=True)
    item = fields.ForeignKeyField("models.FeedbackItem", related_name="cooperations")
    unit = fields.ForeignKeyField("models.Unit", related_name="cooperations")
    request = fields.TextField(default="")
    due_at = fields.DatetimeField()
    status = fields.CharField(max_length=10, default="pending")  # pending | answered
    answer = fields.TextField(default="")
    answered_at = fields.DatetimeField(null=True)
    answered_by = fields.ForeignKeyField("models.StaffUser", related_name="contributions", null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "cooperation"
        unique_together = (("item", "unit"),)
        indexes = (("unit_id", "status"),)


class Attachment(Model):
    """A file sent with a submission or an answer, stored outside any served folder under a random name."""

    id = fields.BigIntField(primary_key=True)
    item = fields.ForeignKeyField("models.FeedbackItem", related_name="attachments")
    kind = fields.CharField(max_length=12)  # submission | answer
    filename = fields.CharField(max_length=200)
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_name = fields.CharField(max_length=64, unique=True)
    uploaded_by = fields.ForeignKeyField("models.StaffUser", related_name="uploads", null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "attachment"
        indexes = (("item_id", "kind"),)


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
    reason = fields.TextField(default="", db_default="")
    changes = fields.JSONField(default=dict)
    # The item's state right after this event, so that reports read the past as it was (SPEC §7: "as of,
    # not as now"): status, unit, officer, field, the deadline in force and the unit's receipt. Written by
    # every action and by intake (items/timeline.py, intake/store.py); null on the sweep's deadline_*
    # events, which change none of them. Migration 0013 filled older rows from their `changes`.
    status = fields.CharField(max_length=12, null=True)
    unit_id = fields.IntField(null=True)
    officer_id = fields.IntField(null=True)
    category_id = fields.IntField(null=True)
    due_at = fields.DatetimeField(null=True)
    unit_received_at = fields.DatetimeField(null=True)

    class Meta:
        table = "event"
        # (kind, at): the events of one kind in a period, e.g. a report's transfers (migration 0013).
        indexes = (("item_id", "at"), ("kind", "at"))


class DailyCounter(Model):
    """The last sequence number used for tracking codes of one local day (YYYYMMDD)."""

    day = fields.CharField(max_length=8, primary_key=True)
    value = fields.IntField(default=0)

    class Meta:
        table = "daily_counter"
