from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0004_search_indexes")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Conference",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "host_unit",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="host_unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="conferences",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=300)),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("place", fields.CharField(max_length=300)),
                (
                    "categories",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("description", fields.TextField(default="", unique=False)),
                ("status", fields.CharField(default="planning", max_length=12)),
                ("publish_due_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("published_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="conferences",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "conference",
                "app": "models",
                "indexes": [Index(fields=["status", "starts_at"])],
                "pk_attr": "id",
                "table_description": "A dialogue conference of a host unit, whose results must be published within 10 days of it.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Question",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "conference",
                    fields.ForeignKeyField(
                        "models.Conference",
                        source_field="conference_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="questions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("number", fields.IntField()),
                ("channel", fields.CharField(max_length=10)),
                ("asker_name", fields.CharField(max_length=120)),
                ("asker_place", fields.CharField(default="", max_length=300)),
                ("asker_phone", fields.CharField(default="", max_length=20)),
                ("asker_email", fields.CharField(default="", max_length=254)),
                (
                    "category",
                    fields.ForeignKeyField(
                        "models.Category",
                        source_field="category_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="questions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "commune",
                    fields.ForeignKeyField(
                        "models.Commune",
                        source_field="commune_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="questions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("text", fields.TextField(unique=False)),
                ("search_text", fields.TextField(default="", unique=False)),
                (
                    "suggested_unit",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="suggested_unit_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="suggested_questions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="unit_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="questions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("due_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("status", fields.CharField(default="open", max_length=10)),
                ("answer", fields.TextField(default="", unique=False)),
                ("answer_mode", fields.CharField(default="", max_length=16)),
                ("official_name", fields.CharField(default="", max_length=200)),
                ("official_position", fields.CharField(default="", max_length=200)),
                ("document_number", fields.CharField(default="", max_length=60)),
                ("document_date", fields.DateField(null=True)),
                (
                    "feedback_item",
                    fields.ForeignKeyField(
                        "models.FeedbackItem",
                        source_field="feedback_item_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="questions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("answered_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "answered_by",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="answered_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="answered_questions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "question",
                "app": "models",
                "unique_together": (("conference", "number"),),
                "indexes": [Index(fields=["unit_id", "status"])],
                "pk_attr": "id",
                "table_description": "A question of a citizen to a conference, routed to a unit that answers it.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ConferenceStep",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "conference",
                    fields.ForeignKeyField(
                        "models.Conference",
                        source_field="conference_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="steps",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "question",
                    fields.ForeignKeyField(
                        "models.Question",
                        source_field="question_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="steps",
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
                        related_name="conference_steps",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=24)),
                ("due_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("status", fields.CharField(default="pending", max_length=10)),
                ("done_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("sweep", fields.CharField(null=True, max_length=32)),
            ],
            options={
                "table": "conference_step",
                "app": "models",
                "indexes": [Index(fields=["status", "due_at"]), Index(fields=["sweep"])],
                "pk_attr": "id",
                "table_description": "One reminder or escalation of a conference deadline, fired at most once by the conference sweep.",
            },
            bases=["Model"],
        ),
    ]
