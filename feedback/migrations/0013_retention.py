from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """`pakn retention` records when it removed a citizen's personal data from an item, and when it
    reduced a conference question's asker to initials (Nghị định 13/2023/NĐ-CP). Nullable: adding them
    rewrites no row."""

    dependencies = [("models", "0012_conference_announcement")]

    initial = False

    operations = [
        ops.AddField(
            model_name="FeedbackItem",
            name="anonymised_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="Question",
            name="anonymised_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
