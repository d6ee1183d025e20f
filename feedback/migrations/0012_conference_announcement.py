from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Điều 43 Luật Tổ chức chính quyền địa phương 2025: when a conference was announced (nullable), and
    the channels its results were published through, each with its date (a new table). Additive."""

    dependencies = [("models", "0011_refusal_grounds")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ConferencePublication",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "conference",
                    fields.ForeignKeyField(
                        "models.Conference",
                        source_field="conference_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="publications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("channel", fields.CharField(max_length=16)),
                ("published_on", fields.DateField()),
                ("note", fields.CharField(default="", max_length=300)),
                (
                    "recorded_by",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="recorded_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="conference_publications",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("recorded_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "conference_publication",
                "app": "models",
                "unique_together": (("conference", "channel"),),
                "pk_attr": "id",
                "table_description": "One channel through which a conference's results were published, and its date (Điều 43: the",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Conference",
            name="announced_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
