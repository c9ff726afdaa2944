"""Step 2 of 3 of moving WeatherStation to buildings, state only: metering's links to stations point at
buildings.WeatherStation (the same table, so the database's foreign keys stay as they are), and metering
forgets the model. See buildings 0004 and 0005."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("metering", "0005_derived_daily_means"),
        ("buildings", "0004_weather_station_from_metering"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="upload",
                    name="station",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="uploads",
                        to="buildings.weatherstation",
                    ),
                ),
                migrations.AlterField(
                    model_name="temperaturereading",
                    name="station",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="readings",
                        to="buildings.weatherstation",
                    ),
                ),
                migrations.DeleteModel(name="WeatherStation"),
            ],
        ),
    ]
