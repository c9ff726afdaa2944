"""Step 3 of 3 of moving WeatherStation to buildings: its table takes the app's name, buildings_weatherstation.
A rename only (PostgreSQL and SQLite both carry the foreign keys that point at it along); rows, ids and links
stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("buildings", "0004_weather_station_from_metering"),
        ("metering", "0006_weather_station_to_buildings"),
    ]

    operations = [
        migrations.AlterModelTable(name="weatherstation", table=None),
    ]
