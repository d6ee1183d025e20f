from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """An officer's extension request waits for the head's decision (SPEC §4, issue 10 item 5): the
    requested day, the reason, who asked and when, on the item (like the draft answer). All nullable or
    with a database default, so adding them rewrites no row."""

    dependencies = [("models", "0008_progress_checkpoints")]

    initial = False

    operations = [
        ops.AddField(
            model_name="FeedbackItem",
            name="extension_request_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="extension_request_by",
            field=fields.ForeignKeyField(
                "models.StaffUser",
                source_field="extension_request_by_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="extension_requests",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="extension_request_day",
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="extension_request_reason",
            field=fields.TextField(default="", db_default="", unique=False),
        ),
    ]
