from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    """The database file store (PAKN_FILE_STORE=database): one row per attachment file, its bytes in a
    bytea (PostgreSQL) or blob (SQLite) column, so every machine of the database reaches the files.
    A new, empty table: moving existing files in is `pakn files migrate --from local --to database`."""

    dependencies = [("models", "0015_api_keys")]

    initial = False

    operations = [
        ops.CreateModel(
            name="FileBlob",
            fields=[
                ("name", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ("size", fields.IntField()),
                ("data", fields.BinaryField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "file_blob",
                "app": "models",
                "indexes": [Index(fields=["created_at"])],
                "pk_attr": "name",
                "table_description": "A stored file of PAKN_FILE_STORE=database, read back in slices so that a download streams.",
            },
            bases=["Model"],
        ),
    ]
