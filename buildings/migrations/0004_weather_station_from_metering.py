"""WeatherStation moves from metering to buildings (a building's site), so buildings no longer points up at
metering. Step 1 of 3, state only: buildings takes the model over on its existing table, metering_weatherstation,
and the building's link follows. metering 0006 then lets go of it, and buildings 0005 renames the table.

The content type follows the model too, so admin permissions already granted on stations (the Verifiers
group's view permission) and admin log entries keep pointing at it."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_move(source, target):
    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
        if not content_types.filter(app_label=target, model="weatherstation").exists():
            content_types.filter(app_label=source, model="weatherstation").update(app_label=target)

    return move


class Migration(migrations.Migration):

    dependencies = [
        ("buildings", "0003_data_version"),
        ("metering", "0005_derived_daily_means"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WeatherStation",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("name", models.CharField(max_length=200)),
                        ("latitude", models.FloatField()),
                        ("longitude", models.FloatField()),
                        ("timezone", models.CharField(default="UTC", max_length=64)),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="weather_stations",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "metering_weatherstation",
                        "ordering": ["name", "id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("latitude__gte", -90), ("latitude__lte", 90)),
                                name="station_latitude",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("longitude__gte", -180), ("longitude__lte", 180)),
                                name="station_longitude",
                            ),
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="building",
                    name="weather_station",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="buildings",
                        to="buildings.weatherstation",
                    ),
                ),
            ],
        ),
        migrations.RunPython(content_type_move("metering", "buildings"), content_type_move("buildings", "metering")),
    ]
