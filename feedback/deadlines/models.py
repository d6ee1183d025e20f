"""The escalation steps of each deadline (its policies and the calendar are reference data: directory)."""

from tortoise import fields
from tortoise.models import Model


class DeadlineStep(Model):
    """One rung of the escalation ladder for one deadline of one item.

    Unique per (item, deadline_no, kind, unit), so planning twice is a no-op; the sweep moves a step from
    pending to done (or skipped, when it came due too late to make sense) exactly once.
    """

    id = fields.BigIntField(primary_key=True)
    item = fields.ForeignKeyField("models.FeedbackItem", related_name="steps")
    # The unit the step is about: the item's unit, or a cooperating unit for its sub-deadline.
    unit = fields.ForeignKeyField("models.Unit", related_name="steps", null=True)
    deadline_no = fields.IntField()
    kind = fields.CharField(max_length=24)  # a rung of ladder.py's ITEM or COOPERATION ladder (progress_<k>)
    due_at = fields.DatetimeField()
    # After this moment the step is stale (a reminder for a deadline already passed) and is skipped.
    expires_at = fields.DatetimeField(null=True)
    # A progress checkpoint (`progress_<k>`): progress recorded after this moment skips it (0008).
    since = fields.DatetimeField(null=True)
    status = fields.CharField(max_length=10, default="pending")  # pending|done|skipped|cancelled
    done_at = fields.DatetimeField(null=True)
    sweep = fields.CharField(max_length=32, null=True)  # which sweep fired it (partial index, 0002)

    class Meta:
        table = "deadline_step"
        unique_together = (("item", "deadline_no", "kind", "unit"),)
        # The sweep's scan uses the partial index on pending steps (migration 0002).
