import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.urls import path

import metering.factors.admin  # noqa: F401  (registers the admin until metering/admin.py imports it)
from carbonexia import urls as project_urls
from carbonexia.audit.models import AuditEvent
from carbonexia.common.errors import Conflict, Invalid
from metering.factors import selectors, services
from metering.factors.models import EmissionFactor
from metering.factors.selectors import NoEmissionFactor, factor_for, factors_in_use
from metering.factors.urls import urlpatterns as factor_urls
from metering.uploads.models import Upload

# The admin's URLs are built when admin.site.urls is read, so read it again now that the factor admin is registered.
urlpatterns = [*factor_urls, path("admin/", admin.site.urls), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.metering.test_emission_factors")]

seed_migration = importlib.import_module("metering.migrations.0002_seed_emission_factors")
CEA = "CEA CO2 Baseline Database for the Indian Power Sector"


def _factor(region="ZZ", version="1", valid_from=date(2020, 1, 1), valid_to=None, for_credits=True, **extra):
    fields = {
        "dataset": "Test grid",
        "factor_type": "combined_margin",
        "factor_kg_per_kwh": Decimal("0.5"),
        "source": "Test publisher, test document.",
        **extra,
    }
    return EmissionFactor.objects.create(
        region=region, version=version, valid_from=valid_from, valid_to=valid_to, for_credits=for_credits, **fields
    )


# --- Seeded rows ---------------------------------------------------------------------------------


def test_seeded_factors_have_the_published_values():
    rows = {
        (f.region, f.dataset, f.version, f.factor_type): (f.factor_kg_per_kwh, f.valid_from, f.valid_to, f.for_credits)
        for f in EmissionFactor.objects.all()
    }
    assert rows == {
        ("IN", CEA, "20.0", "weighted_average"): (Decimal("0.72700"), date(2023, 4, 1), date(2024, 3, 31), False),
        ("IN", CEA, "20.0", "combined_margin"): (Decimal("0.75800"), date(2023, 4, 1), date(2024, 3, 31), True),
        ("IN", CEA, "21.0", "weighted_average"): (Decimal("0.71170"), date(2024, 4, 1), date(2025, 3, 31), False),
        ("IN", CEA, "21.0", "combined_margin"): (Decimal("0.73830"), date(2024, 4, 1), date(2025, 3, 31), True),
        ("US", "EPA eGRID (Emissions & Generation Resource Integrated Database)", "eGRID2023 rev2", "total_output"): (
            Decimal("0.34967"),
            date(2023, 1, 1),
            date(2023, 12, 31),
            True,
        ),
    }


def test_seeded_sources_name_publisher_version_and_conversion():
    for factor in EmissionFactor.objects.filter(region="IN"):
        assert "Central Electricity Authority" in factor.source
        assert f"Version {factor.version}" in factor.source
        assert str(factor.factor_kg_per_kwh.normalize()) in factor.source
    for factor in EmissionFactor.objects.filter(region="IN", version="20.0"):
        assert "NOT CHECKED" in factor.source
    us = EmissionFactor.objects.get(region="US")
    assert "Environmental Protection Agency" in us.source and "eGRID2023" in us.source
    assert "770.884 lb/MWh x 0.45359237 kg/lb" in us.source
    assert round(Decimal("770.884") * Decimal("0.45359237") / 1000, 5) == us.factor_kg_per_kwh


def test_seed_reverse_deletes_exactly_what_it_added():
    kept = _factor(region="IN", dataset="Someone else's", version="20.0")
    seed_migration.unseed(django_apps, None)
    assert list(EmissionFactor.objects.all()) == [kept]
    seed_migration.seed(django_apps, None)
    assert EmissionFactor.objects.count() == 6


# --- factor_for ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "version"),
    [
        (date(2023, 4, 1), "20.0"),
        (date(2023, 11, 15), "20.0"),
        (date(2024, 3, 31), "20.0"),
        (date(2024, 4, 1), "21.0"),
        (date(2025, 3, 31), "21.0"),
    ],
)
def test_india_factor_inside_validity_and_at_its_edges(on, version):
    choice = factor_for(region="IN", on=on)
    assert (choice.factor.version, choice.factor.factor_type) == (version, "combined_margin")
    assert choice.carried_forward is False


@pytest.mark.parametrize("on", [date(2025, 4, 1), date(2027, 1, 31)])
def test_latest_factor_is_carried_forward_after_its_period(on):
    choice = factor_for(region="IN", on=on)
    assert (choice.factor.version, choice.factor.factor_type) == ("21.0", "combined_margin")
    assert choice.carried_forward is True


def test_region_is_case_insensitive_and_us_uses_egrid():
    assert factor_for(region="in", on=date(2024, 6, 1)).factor.version == "21.0"
    inside = factor_for(region="US", on=date(2023, 12, 31))
    after = factor_for(region="US", on=date(2024, 1, 1))
    assert (inside.factor.factor_type, inside.carried_forward) == ("total_output", False)
    assert (after.factor.pk, after.carried_forward) == (inside.factor.pk, True)


def test_before_the_first_factor_is_an_error():
    with pytest.raises(NoEmissionFactor) as raised:
        factor_for(region="IN", on=date(2023, 3, 31))
    assert raised.value.code == "no_emission_factor"
    assert raised.value.status == 422
    assert raised.value.detail == "No grid emission factor is known for region IN on or before 2023-03-31."


def test_unknown_region_is_an_error_a_facility_manager_understands():
    _factor(region="QQ", for_credits=False)  # a factor that is not for credits does not count
    for region in ["XX", "QQ"]:
        with pytest.raises(NoEmissionFactor, match=f"^No grid emission factor is known for region {region}.$"):
            factor_for(region=region, on=date(2024, 6, 1))


def test_a_covering_factor_wins_over_a_later_one_that_has_ended():
    open_ended = _factor(version="open", valid_from=date(2020, 1, 1), valid_to=None)
    _factor(version="short", valid_from=date(2021, 1, 1), valid_to=date(2021, 12, 31))
    choice = factor_for(region="ZZ", on=date(2022, 6, 1))
    assert (choice.factor, choice.carried_forward) == (open_ended, False)


# --- In use and the write services ---------------------------------------------------------------


def test_unreferenced_factors_are_not_in_use():
    assert not any(factors_in_use(factor) for factor in EmissionFactor.objects.all())


def test_references_are_found_through_hidden_reverse_relations_too(make_user):
    # EmissionFactor has no referencing model yet; the same generic check on a User shows it finds a
    # reference through an FK with related_name="+", which `_meta.related_objects` would miss.
    user = make_user()
    assert selectors._is_referenced(user) is False
    Upload.objects.create(
        kind="meter_csv", uploaded_by=user, file="uploads/x.csv", filename="x.csv", size_bytes=1, sha256="0" * 64
    )
    assert "uploaded_by" not in {relation.field.name for relation in user._meta.related_objects}
    assert selectors._is_referenced(user) is True


def test_update_of_an_unused_factor_is_saved_and_audited(owner):
    factor = _factor()
    services.emission_factor_update(
        factor=factor, actor=owner, source="Corrected citation.", valid_to=date(2020, 12, 31)
    )
    factor.refresh_from_db()
    assert (factor.source, factor.valid_to) == ("Corrected citation.", date(2020, 12, 31))
    event = AuditEvent.objects.get(action="emission_factor.updated")
    assert event.object_id == str(factor.pk)
    assert event.before == {"source": "Test publisher, test document.", "valid_to": None}
    assert event.after == {"source": "Corrected citation.", "valid_to": "2020-12-31"}


def test_update_of_a_factor_in_use_is_refused(owner, monkeypatch):
    # Stands in for a credit referencing the factor: no model can reference one yet (see the test above).
    monkeypatch.setattr(selectors, "factors_in_use", lambda factor: True)
    factor = EmissionFactor.objects.get(region="IN", version="21.0", factor_type="combined_margin")
    with pytest.raises(Conflict) as raised:
        services.emission_factor_update(factor=factor, actor=owner, factor_kg_per_kwh=Decimal("0.8"))
    assert raised.value.code == "factor_in_use"
    with pytest.raises(Conflict):
        services.emission_factor_delete(factor=factor, actor=owner)
    services.emission_factor_update(factor=factor, actor=owner, factor_kg_per_kwh=Decimal("0.7383"))
    factor.refresh_from_db()
    assert factor.factor_kg_per_kwh == Decimal("0.73830")
    assert not AuditEvent.objects.exists()


def test_update_validates_the_period_and_the_value(owner):
    factor = _factor()
    with pytest.raises(Invalid) as raised:
        services.emission_factor_update(
            factor=factor, actor=owner, valid_to=date(2019, 1, 1), factor_kg_per_kwh=Decimal("0")
        )
    assert set(raised.value.errors) == {"valid_to", "__all__"}
    factor.refresh_from_db()
    assert factor.valid_to is None


# --- API -------------------------------------------------------------------------------------------


def test_list_needs_a_token(anon):
    response = anon.get("/emission-factors")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_list_filters_by_region_and_year(as_owner):
    response = as_owner.get("/emission-factors", {"region": "in", "year": 2025})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    combined = next(row for row in body["results"] if row["factor_type"] == "combined_margin")
    assert combined == {
        "region_id": "IN",
        "year": 2024,
        "factor_kg_per_kwh": 0.7383,
        "valid_from": "2024-04-01",
        "valid_to": "2025-03-31",
        "source": combined["source"],
        "dataset": CEA,
        "version": "21.0",
        "factor_type": "combined_margin",
        "for_credits": True,
    }
    assert "Version 21.0" in combined["source"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {("IN", "20.0"), ("IN", "21.0"), ("US", "eGRID2023 rev2"), ("ZZ", "open")}),
        ({"year": 2023}, {("IN", "20.0"), ("US", "eGRID2023 rev2"), ("ZZ", "open")}),
        ({"year": 2024, "region": "IN"}, {("IN", "20.0"), ("IN", "21.0")}),
        ({"year": 2030}, {("ZZ", "open")}),
        ({"year": 2019}, set()),
        ({"region": "us"}, {("US", "eGRID2023 rev2")}),
    ],
)
def test_year_means_the_validity_intersects_that_calendar_year(as_verifier, query, expected):
    _factor(version="open", valid_from=date(2020, 1, 1), valid_to=None)
    response = as_verifier.get("/emission-factors/", query)
    assert response.status_code == 200
    assert {(row["region_id"], row["version"]) for row in response.json()["results"]} == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [({"year": "2025x"}, "year"), ({"year": "0"}, "year"), ({"region": "X" * 17}, "region")],
)
def test_bad_query_values_are_422_with_the_envelope(as_owner, query, field):
    response = as_owner.get("/emission-factors", query)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {field}
    assert field in body["detail"]
    for leak in [b"Traceback", b"ValueError", b"EmissionFactor", b"SELECT"]:
        assert leak not in response.content


def test_schema_describes_the_endpoint(anon):
    document = anon.get("/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = document["paths"]["/emission-factors"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert parameters["region"]["schema"] == {"type": "string", "maxLength": 16, "minLength": 1}
    assert parameters["year"]["schema"]["type"] == "integer"
    assert {"page", "page_size"} <= set(parameters)
    assert {"200", "401", "422"} <= set(operation["responses"])
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    item = document["components"]["schemas"][page]["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[-1]
    properties = document["components"]["schemas"][item]["properties"]
    assert set(properties) == {
        "region_id",
        "year",
        "factor_kg_per_kwh",
        "valid_from",
        "valid_to",
        "source",
        "dataset",
        "version",
        "factor_type",
        "for_credits",
    }
    assert properties["factor_kg_per_kwh"]["type"] == "number"


# --- Admin -----------------------------------------------------------------------------------------


def _admin_form(factor, **changes):
    data = {
        "region": factor.region,
        "dataset": factor.dataset,
        "version": factor.version,
        "factor_type": factor.factor_type,
        "factor_kg_per_kwh": str(factor.factor_kg_per_kwh),
        "valid_from": factor.valid_from.isoformat(),
        "valid_to": factor.valid_to.isoformat() if factor.valid_to else "",
        "source": factor.source,
        **changes,
    }
    if factor.for_credits:
        data["for_credits"] = "on"
    return data


def test_admin_lists_filters_and_edits_through_the_service(admin_client):
    listing = admin_client.get("/admin/metering/emissionfactor/", {"region": "IN", "q": "21.0"})
    assert listing.status_code == 200
    assert b"0.73830" in listing.content
    factor = _factor()
    url = f"/admin/metering/emissionfactor/{factor.pk}/change/"
    response = admin_client.post(url, _admin_form(factor, source="Fixed in the admin."))
    assert response.status_code == 302
    factor.refresh_from_db()
    assert factor.source == "Fixed in the admin."
    assert AuditEvent.objects.get(action="emission_factor.updated").after == {"source": "Fixed in the admin."}
    added = admin_client.post("/admin/metering/emissionfactor/add/", _admin_form(factor, version="2"))
    assert added.status_code == 302
    assert AuditEvent.objects.filter(action="emission_factor.created").count() == 1
    assert admin_client.post(f"/admin/metering/emissionfactor/{factor.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not EmissionFactor.objects.filter(pk=factor.pk).exists()
    assert AuditEvent.objects.filter(action="emission_factor.deleted", object_id=str(factor.pk)).exists()


def test_admin_keeps_a_factor_in_use_read_only_and_undeletable(admin_client, monkeypatch):
    monkeypatch.setattr(selectors, "factors_in_use", lambda factor: True)
    factor = EmissionFactor.objects.get(region="US")
    url = f"/admin/metering/emissionfactor/{factor.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'name="factor_kg_per_kwh"' not in page.content
    admin_client.post(url, _admin_form(factor, factor_kg_per_kwh="0.9"))
    factor.refresh_from_db()
    assert factor.factor_kg_per_kwh == Decimal("0.34967")
    assert admin_client.post(f"/admin/metering/emissionfactor/{factor.pk}/delete/", {"post": "yes"}).status_code == 403
    assert EmissionFactor.objects.filter(pk=factor.pk).exists()
