from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class PostgresOnlySQL(ops.RunSQL):
    """SQL that only PostgreSQL understands (extensions, GIN indexes): a no-op on SQLite."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor is not None and state_editor.DIALECT == "postgres":
            await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor is not None and state_editor.DIALECT == "postgres":
            await super().database_backward(app_label, old_state, new_state, state_editor)


class Migration(migrations.Migration):
    """Inbox search: the inbox's sort order indexed; a trigram index for `search_text LIKE '%…%'` on
    PostgreSQL; e-mails in lower case.

    `search_text` is already folded in Python (feedback.text.fold: no diacritics, đ → d, lower case) on
    both databases, and the inbox folds the query the same way, so the trigram index goes on the plain
    column: no `unaccent()` in the index or the query, and no IMMUTABLE wrapper around it (PostgreSQL's
    `unaccent()` is only STABLE because its dictionary can change, hence the wrapper that an expression
    index would need). `unaccent` is installed beside `pg_trgm` for ad-hoc queries on the raw columns
    (names, addresses); a future index on one of them would need that wrapper, e.g.
    `CREATE FUNCTION f_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT public.unaccent('public.unaccent', $1) $$`.

    Both extensions come with PostgreSQL's contrib and are "trusted" (PostgreSQL 13+), so the database
    owner may create them without being a superuser. SQLite has no trigram index: there the search scans
    `search_text`, which is fine at the size one SQLite machine serves.

    The inbox is sorted by (due_at, id): that index gives a coordinator's first page of a million items
    without sorting them all. Building the indexes blocks writes to feedback_item while it runs
    (bench/README.md: 19–27 s for the GIN index of a million items on 2 cores, 1 s for the B-tree), so
    on a big existing database run the upgrade in a quiet hour. `search_text` gets a statistics target
    of 1,000 (why: the comment below; ANALYZE then takes 9 s instead of 1.4 s at a million items).

    E-mails are now stored in lower case (intake) so that the search compares them exactly, through the
    `citizen_email` index; rows written before are lowered here.
    """

    dependencies = [("models", "0003_casework")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="FeedbackItem",
            index=Index(fields=["due_at", "id"]),
        ),
        PostgresOnlySQL(
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE EXTENSION IF NOT EXISTS unaccent",
                "CREATE INDEX IF NOT EXISTS feedback_item_search_trgm"
                " ON feedback_item USING gin (search_text gin_trgm_ops)",
                # The planner guesses how many items contain a phrase from a sample of search_text
                # values; with the default 100 a phrase in 2.5 % of a million items was sometimes
                # guessed at 100 items, and the plan that suits rare phrases took 0.2 s instead of 50 ms.
                "ALTER TABLE feedback_item ALTER COLUMN search_text SET STATISTICS 1000",
            ],
            # The extensions stay: other objects may have come to depend on them.
            reverse_sql=[
                "ALTER TABLE feedback_item ALTER COLUMN search_text SET STATISTICS -1",
                "DROP INDEX IF EXISTS feedback_item_search_trgm",
            ],
        ),
        ops.RunSQL(
            "UPDATE feedback_item SET citizen_email = lower(citizen_email) WHERE citizen_email <> lower(citizen_email)",
            reverse_sql="SELECT 1",
        ),
    ]
