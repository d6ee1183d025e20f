from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Progress checkpoints (SPEC §4: a complex item needs a progress note at least every 7 days): a
    checkpoint step `progress_<k>` keeps the moment its window opens (the unit's receipt, or the
    checkpoint before it); the sweep skips it when progress was recorded since. Null for other steps.
    """

    dependencies = [("models", "0007_search_index")]

    initial = False

    operations = [
        ops.AddField(
            model_name="DeadlineStep",
            name="since",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
