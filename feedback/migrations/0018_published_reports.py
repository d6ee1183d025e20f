import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """The published monthly reports (SPEC §7, issue 11 item 6): each publication of a month is a new
    version (month, version unique) holding its frozen snapshot of the public figures, the time and the
    publishing coordinator. A new table: no existing row changes."""

    dependencies = [("models", "0017_report_indexes")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PublishedReport",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("month", fields.CharField(max_length=7)),
                ("version", fields.IntField()),
                ("published_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "published_by",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="published_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="published_reports",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "snapshot",
                    fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
                ("key", fields.CharField(max_length=32, unique=True)),
            ],
            options={
                "table": "published_report",
                "app": "models",
                "unique_together": (("month", "version"),),
                "pk_attr": "id",
                "table_description": "One version of one month's public report: the snapshot"
                " (feedback/reports/snapshot.py builds it),",
            },
            bases=["Model"],
        ),
    ]
