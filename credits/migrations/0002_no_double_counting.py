from django.db import migrations

from carbonexia.common.migration_sql import postgres_only

# On PostgreSQL the database itself refuses two live root blocks of one building whose periods overlap.
CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE credits_creditblock ADD CONSTRAINT credit_blocks_never_overlap
    EXCLUDE USING gist (building_id WITH =, daterange(period_start, period_end, '[]') WITH &&)
    WHERE (status <> 'REJECTED' AND parent_id IS NULL);
"""
DROP = "ALTER TABLE credits_creditblock DROP CONSTRAINT IF EXISTS credit_blocks_never_overlap;"


def _first_counter(apps, schema_editor):
    apps.get_model("credits", "SerialCounter").objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("credits", "0001_initial")]
    operations = [
        migrations.RunPython(postgres_only(CREATE), postgres_only(DROP)),
        migrations.RunPython(_first_counter, migrations.RunPython.noop),
    ]
