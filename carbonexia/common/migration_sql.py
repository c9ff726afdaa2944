"""SQL that only PostgreSQL runs (triggers, exclusion constraints); SQLite relies on the service checks."""


def postgres_only(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run
