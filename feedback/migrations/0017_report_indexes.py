from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Reports: the merged items found by an index instead of a pass over every item.

    A report replays from the timeline the items changed after its period and the merged ones
    (feedback/reports/query.py `_REPLAY`: `updated_at >= end OR duplicate_of_id IS NOT NULL`). The first
    half has the `(updated_at)` index of 0014; the second had none, so PostgreSQL read the whole
    feedback_item table for it (0.24 s of a year's report at a million items, on all cores;
    bench/README.md). A partial index holds only the merged items (1 in 100 in the benchmark), so it
    is small and costs nothing to the writes of other items; it also serves the case pages' look-ups of
    an item's duplicates (`duplicate_of_id = …`). Plain SQL that SQLite and PostgreSQL both accept (the
    models' Index cannot say IS NOT NULL), so the models do not declare it.
    """

    dependencies = [("models", "0016_file_blobs")]

    initial = False

    operations = [
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS feedback_item_merged ON feedback_item (duplicate_of_id)"
            " WHERE duplicate_of_id IS NOT NULL",
            reverse_sql="DROP INDEX IF EXISTS feedback_item_merged",
        ),
    ]
