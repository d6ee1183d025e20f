from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint


class RemoveUniqueTogether(ops.RemoveConstraint):
    """Tortoise drops a unique_together on SQLite as if it were an index, but SQLite keeps it inside
    the table: there, rebuild the table without it (SQLite's documented way to change a table)."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor is not None and state_editor.DIALECT == "sqlite":
            await state_editor._remake_table(new_state.apps.get_model(f"{app_label}.{self.model_name}"))
            return
        await super().database_forward(app_label, old_state, new_state, state_editor)


class Migration(migrations.Migration):
    dependencies = [("models", "0002_sweep_indexes")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Attachment",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "item",
                    fields.ForeignKeyField(
                        "models.FeedbackItem",
                        source_field="item_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="attachments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=12)),
                ("filename", fields.CharField(max_length=200)),
                ("content_type", fields.CharField(max_length=100)),
                ("size", fields.IntField()),
                ("sha256", fields.CharField(max_length=64)),
                ("storage_name", fields.CharField(unique=True, max_length=64)),
                (
                    "uploaded_by",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="uploaded_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="uploads",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "attachment",
                "app": "models",
                "indexes": [Index(fields=["item_id", "kind"])],
                "pk_attr": "id",
                "table_description": "A file sent with a submission or an answer, stored outside any served folder under a random name.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Cooperation",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "item",
                    fields.ForeignKeyField(
                        "models.FeedbackItem",
                        source_field="item_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="cooperations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="cooperations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("request", fields.TextField(default="", unique=False)),
                ("due_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("status", fields.CharField(default="pending", max_length=10)),
                ("answer", fields.TextField(default="", unique=False)),
                ("answered_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "answered_by",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="answered_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="contributions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "cooperation",
                "app": "models",
                "unique_together": (("item", "unit"),),
                "indexes": [Index(fields=["unit_id", "status"])],
                "pk_attr": "id",
                "table_description": "A cooperating unit of an inter-agency item (liên thông), with its own sub-deadline.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="StoreEntry",
            fields=[
                ("key", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=255)),
                ("value", fields.BinaryField()),
                (
                    "expires_at",
                    fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "store_entry",
                "app": "models",
                "pk_attr": "key",
                "table_description": "One value of the shared store (a Litestar Store kept in the database), with its expiry.",
            },
            bases=["Model"],
        ),
        RemoveUniqueTogether(
            model_name="DeadlineStep",
            name=None,
            fields=["item", "deadline_no", "kind"],
        ),
        ops.AddField(
            model_name="DeadlineStep",
            name="unit",
            field=fields.ForeignKeyField(
                "models.Unit",
                source_field="unit_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="steps",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        # Steps planned before cooperating units existed were all about the item's own unit.
        ops.RunSQL(
            "UPDATE deadline_step SET unit_id = (SELECT unit_id FROM feedback_item WHERE feedback_item.id = deadline_step.item_id) WHERE unit_id IS NULL",
            reverse_sql="SELECT 1",
        ),
        ops.AddConstraint(
            model_name="DeadlineStep",
            constraint=UniqueConstraint(fields=("item", "deadline_no", "kind", "unit"), name=None),
        ),
        ops.AddField(
            model_name="Event",
            name="reason",
            field=fields.TextField(default="", db_default="", unique=False),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="citizen_reopened",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="classification",
            field=fields.CharField(default="", db_default="", max_length=12),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="closed_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="draft_answer",
            field=fields.TextField(default="", db_default="", unique=False),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="draft_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="draft_by",
            field=fields.ForeignKeyField(
                "models.StaffUser",
                source_field="draft_by_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="drafts",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="duplicate_of",
            field=fields.ForeignKeyField(
                "models.FeedbackItem",
                source_field="duplicate_of_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="duplicates",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="extension_count",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="rated_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="rating",
            field=fields.SmallIntField(null=True),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="rating_comment",
            field=fields.TextField(default="", db_default="", unique=False),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="refuse_reason",
            field=fields.TextField(default="", db_default="", unique=False),
        ),
        ops.AddField(
            model_name="FeedbackItem",
            name="reopen_count",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddIndex(
            model_name="FeedbackItem",
            index=Index(fields=["citizen_phone"]),
        ),
        ops.AddIndex(
            model_name="FeedbackItem",
            index=Index(fields=["citizen_email"]),
        ),
        ops.AddIndex(
            model_name="FeedbackItem",
            index=Index(fields=["commune_id", "status"]),
        ),
        ops.AddField(
            model_name="Unit",
            name="requires_approval",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        # Rebuilding the table on SQLite dropped the partial indexes of 0002.
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS deadline_step_pending_due ON deadline_step (due_at) WHERE status = 'pending'",
            reverse_sql="SELECT 1",
        ),
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS deadline_step_sweep ON deadline_step (sweep) WHERE sweep IS NOT NULL",
            reverse_sql="SELECT 1",
        ),
    ]
