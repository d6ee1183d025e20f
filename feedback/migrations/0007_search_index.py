from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Inbox search by category: "category + due before" for a coordinator read the table until it had
    10,001 matches and then walked `(due_at, id)` (bench/README.md: 140 ms p95 at a million items, 321 ms
    on a busy machine). `(category_id, due_at, id)` answers the count and the page from the index.

    Building it blocks writes to feedback_item for about a second per million items.
    """

    dependencies = [("models", "0006_steps")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="FeedbackItem",
            index=Index(fields=["category_id", "due_at", "id"]),
        ),
    ]
