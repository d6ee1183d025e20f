from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """The unique key of a conference step, like deadline_step's: one step of a kind per deadline
    (conference, question — none for the publication —, unit, due time), so a step planned twice
    cannot fire twice. Cancelled steps are left out: a question reassigned back to its unit with the
    same date plans its steps again. An expression and a partial index, which both SQLite and
    PostgreSQL support with this syntax (a model's Meta cannot say it, so the autodetector sees none).
    """

    dependencies = [("models", "0005_conferences")]

    operations = [
        ops.RunSQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS conference_step_once ON conference_step"
            " (conference_id, COALESCE(question_id, 0), unit_id, kind, due_at) WHERE status <> 'cancelled'",
            reverse_sql="DROP INDEX IF EXISTS conference_step_once",
        ),
    ]
