from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """The promised date of an apology is a deadline (SPEC §4, issue 10 items 3–4): the latest promise
    on the item (day, reason, source, who, when, the deadline it is about and that deadline's date) and
    the number of apologies issued, whose steps are planned with deadline_no = -promise_no. All nullable
    or with a database default, so adding them rewrites no row."""

    dependencies = [("models", "0009_extension_requests")]

    initial = False

    operations = [
        ops.AddField(
            model_name="FeedbackItem", name="promise_no", field=fields.IntField(default=0, db_default=0)
        ),
        ops.AddField(model_name="FeedbackItem", name="promise_day", field=fields.DateField(null=True)),
        ops.AddField(
            model_name="FeedbackItem",
            name="promise_reason",
            field=fields.TextField(default="", db_default="", unique=False),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="promise_source",
            field=fields.CharField(max_length=12, default="", db_default=""),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="promise_by",
            field=fields.ForeignKeyField(
                "models.StaffUser",
                source_field="promise_by_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="promises",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="promise_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="promise_deadline_no",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="promise_original_due",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
