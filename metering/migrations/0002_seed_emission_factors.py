"""Seeds the published grid emission factors MRV starts with (India: CEA; United States: EPA eGRID)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

CEA = "CEA CO2 Baseline Database for the Indian Power Sector"
CEA_PUBLISHER = "Central Electricity Authority (Ministry of Power, Government of India)"
EGRID = "EPA eGRID (Emissions & Generation Resource Integrated Database)"

FACTORS = [
    {
        "region": "IN",
        "dataset": CEA,
        "version": "20.0",
        "factor_type": "weighted_average",
        "factor_kg_per_kwh": Decimal("0.727"),
        "valid_from": date(2023, 4, 1),
        "valid_to": date(2024, 3, 31),
        "for_credits": False,
        "source": (
            f"{CEA_PUBLISHER}, {CEA}, Version 20.0 (December 2024), data for FY 2023-24: all-India weighted "
            "average grid emission rate including renewables, 0.727 tCO2/MWh = 0.727 kg CO2/kWh. NOT CHECKED "
            "against the CEA User Guide v20.0 itself: the figure is as reported for v20.0 by the trade press "
            "(Saur Energy, 6 January 2025; CarbonNeeti). A third-party transcription of CEA's v21.0 Results "
            "sheet restates FY 2023-24 as 0.7290. Confirm against User Guide v20.0, section 5 (Results)."
        ),
    },
    {
        "region": "IN",
        "dataset": CEA,
        "version": "20.0",
        "factor_type": "combined_margin",
        "factor_kg_per_kwh": Decimal("0.758"),
        "valid_from": date(2023, 4, 1),
        "valid_to": date(2024, 3, 31),
        "for_credits": True,
        "source": (
            f"{CEA_PUBLISHER}, {CEA}, Version 20.0 (December 2024), data for FY 2023-24: combined margin "
            "(50 % operating margin + 50 % build margin, CEA's weighting for non-solar/wind projects) "
            "0.758 tCO2/MWh = 0.758 kg CO2/kWh. NOT CHECKED against the CEA User Guide v20.0 itself: the figure "
            "is as reported for v20.0 by Saur Energy (6 January 2025); another report (BidDetail) gives 0.757. "
            "It agrees with OM 0.9643 and BM 0.5522 for FY 2023-24 as transcribed from CEA's v21.0 Results "
            "sheet ((0.9643 + 0.5522) / 2 = 0.7582). Confirm against User Guide v20.0, section 5 (Results)."
        ),
    },
    {
        "region": "IN",
        "dataset": CEA,
        "version": "21.0",
        "factor_type": "weighted_average",
        "factor_kg_per_kwh": Decimal("0.7117"),
        "valid_from": date(2024, 4, 1),
        "valid_to": date(2025, 3, 31),
        "for_credits": False,
        "source": (
            f"{CEA_PUBLISHER}, {CEA}, Version 21.0 (November 2025), User Guide and Results sheet, data for "
            "FY 2024-25: all-India weighted average grid emission rate including renewables and captive "
            "generation, excluding imports, 0.7117 tCO2/MWh = 0.7117 kg CO2/kWh."
        ),
    },
    {
        "region": "IN",
        "dataset": CEA,
        "version": "21.0",
        "factor_type": "combined_margin",
        "factor_kg_per_kwh": Decimal("0.7383"),
        "valid_from": date(2024, 4, 1),
        "valid_to": date(2025, 3, 31),
        "for_credits": True,
        "source": (
            f"{CEA_PUBLISHER}, {CEA}, Version 21.0 (November 2025), User Guide and Results sheet, data for "
            "FY 2024-25: combined margin excluding imports (50 % operating margin 0.9646 + 50 % build margin "
            "0.5119, CEA's weighting for non-solar/wind projects) 0.7383 tCO2/MWh = 0.7383 kg CO2/kWh."
        ),
    },
    {
        "region": "US",
        "dataset": EGRID,
        "version": "eGRID2023 rev2",
        "factor_type": "total_output",
        "factor_kg_per_kwh": Decimal("0.34967"),
        "valid_from": date(2023, 1, 1),
        "valid_to": date(2023, 12, 31),
        "for_credits": True,
        "source": (
            "U.S. Environmental Protection Agency, Emissions & Generation Resource Integrated Database, "
            "eGRID2023 (data year 2023; released January 2025, Revision 2 June 2025), Summary Tables: U.S. "
            "annual total output CO2e emission rate (USC2ERTA) 770.884 lb/MWh. Conversion: 770.884 lb/MWh x "
            "0.45359237 kg/lb = 349.667 kg/MWh = 0.34967 kg CO2e/kWh. Transcribed from the Summary Tables as "
            "quoted in public sources; not re-checked against EPA's workbook when seeded."
        ),
    },
]

IDENTITY = ("region", "dataset", "version", "factor_type")


def seed(apps, schema_editor):
    EmissionFactor = apps.get_model("metering", "EmissionFactor")
    EmissionFactor.objects.bulk_create(EmissionFactor(**row) for row in FACTORS)


def unseed(apps, schema_editor):
    EmissionFactor = apps.get_model("metering", "EmissionFactor")
    for row in FACTORS:
        EmissionFactor.objects.filter(**{name: row[name] for name in IDENTITY}).delete()


class Migration(migrations.Migration):
    dependencies = [("metering", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
