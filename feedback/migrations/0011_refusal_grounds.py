from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """A refusal names its legal ground (Nghị định 20/2008/NĐ-CP, feedback/items/grounds.py) beside the
    officer's words. With a database default, so adding it rewrites no row; older refusals keep ""."""

    dependencies = [("models", "0010_promises")]

    initial = False

    operations = [
        ops.AddField(
            model_name="FeedbackItem",
            name="refuse_ground",
            field=fields.CharField(default="", db_default="", max_length=24),
        ),
    ]
