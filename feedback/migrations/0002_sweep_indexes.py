from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Partial indexes for the hot scans: the sweep reads only pending steps, delivery only unsent mail.

    Both SQLite and PostgreSQL support partial indexes with this syntax; they stay small because rows
    leave them once handled.
    """

    dependencies = [("models", "0001_initial")]

    operations = [
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS deadline_step_pending_due ON deadline_step (due_at) WHERE status = 'pending'",
            reverse_sql="DROP INDEX IF EXISTS deadline_step_pending_due",
        ),
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS deadline_step_sweep ON deadline_step (sweep) WHERE sweep IS NOT NULL",
            reverse_sql="DROP INDEX IF EXISTS deadline_step_sweep",
        ),
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS outbox_message_unsent ON outbox_message (next_attempt_at)"
            " WHERE status IN ('pending', 'sending')",
            reverse_sql="DROP INDEX IF EXISTS outbox_message_unsent",
        ),
    ]
