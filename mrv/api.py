import pandas as pd
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from buildings.selectors import building_for_read, building_for_write
from carbonexia.common import calendar
from carbonexia.common.api import validated
from carbonexia.common.errors import Invalid
from mrv import calc

from . import anomalies, selectors, services
from .models import Baseline, Method


class MonthIn(serializers.Serializer):
    period = serializers.RegexField(r"^[0-9]{4}-(0[1-9]|1[0-2])$", error_messages={"invalid": "Use YYYY-MM."})
    kwh = serializers.FloatField(min_value=0, max_value=1e12)

    def validate_period(self, value):
        start = calendar.month_start(value)  # None for what the pattern lets through, e.g. a trailing newline
        if start is None:
            raise serializers.ValidationError("Use YYYY-MM.")
        if not calendar.within(start):
            raise serializers.ValidationError(calendar.OUTSIDE)
        return value


class BaselineIn(serializers.Serializer):
    building_id = serializers.UUIDField()
    months = MonthIn(many=True, required=False, allow_empty=False)
    method = serializers.ChoiceField(choices=Method.choices, required=False)
    baseline_start = calendar.CalendarDateField(required=False)
    baseline_end = calendar.CalendarDateField(required=False)
    static_kwh = serializers.FloatField(min_value=0, max_value=1e12, required=False)

    def validate(self, data):
        if data.get("method") == Method.STATIC and data.get("static_kwh") is None:
            raise serializers.ValidationError({"static_kwh": ["Required for the static method."]})
        return data


class FitOut(serializers.Serializer):
    r2 = serializers.FloatField(allow_null=True)
    cv_rmse = serializers.FloatField(allow_null=True)
    nmbe = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField()


class CandidateOut(serializers.Serializer):
    method = serializers.ChoiceField(choices=Method.choices)
    terms = serializers.ListField(child=serializers.CharField(), help_text="What the model accounts for, in words.")
    granularity = serializers.ChoiceField(
        choices=["daily", "hourly", "monthly"], help_text="The data it was fitted on."
    )
    r2 = serializers.FloatField(allow_null=True)
    cv_rmse = serializers.FloatField(allow_null=True, help_text="In-sample CV(RMSE) at its own granularity.")
    nmbe = serializers.FloatField(allow_null=True)
    oos_cv_rmse = serializers.FloatField(
        allow_null=True,
        help_text="Leave-one-month-out CV(RMSE) of monthly totals: the error the choice minimises "
        "(null with fewer than two months).",
    )
    g14_pass = serializers.BooleanField(help_text="Meets ASHRAE Guideline 14 at its granularity.")


class BaselineOut(serializers.ModelSerializer):
    baseline_id = serializers.UUIDField(source="id")
    building_id = serializers.UUIDField()
    normalization = inline_serializer(
        "Normalization", {"weather": serializers.BooleanField(), "occupancy": serializers.BooleanField()}
    )
    fit = FitOut()
    model = serializers.JSONField()
    warnings = serializers.ListField(child=serializers.CharField())
    candidates = CandidateOut(many=True, help_text="Every model fitted for this baseline; the chosen one among them.")
    chosen_because = serializers.CharField(source="method_reason", help_text="Why the method was used.")

    class Meta:
        model = Baseline
        fields = [
            "baseline_id",
            "building_id",
            "method",
            "method_reason",
            "candidates",
            "chosen_because",
            "baseline_monthly_kwh",
            "period_start",
            "period_end",
            "normalization",
            "model",
            "fit",
            "valid",
            "warnings",
            "calculation_version",
            "created_at",
        ]


class BaselineHistoryOut(serializers.Serializer):
    current = BaselineOut(allow_null=True)
    history = BaselineOut(many=True)


class BaselineCalculateView(APIView):
    @extend_schema(request=BaselineIn, responses={201: BaselineOut}, summary="Compute and store a baseline")
    def post(self, request):
        data = dict(validated(BaselineIn, request.data))
        building = building_for_write(user=request.user, building_id=data.pop("building_id"))
        baseline = services.baseline_calculate(actor=request.user, building=building, **data)
        return Response(BaselineOut(baseline).data, status=status.HTTP_201_CREATED)


class BaselineHistoryView(APIView):
    @extend_schema(responses={200: BaselineHistoryOut}, summary="The current baseline and every earlier one")
    def get(self, request, building_id):
        building = building_for_read(user=request.user, building_id=building_id)
        baselines = list(selectors.baselines_of(building))
        return Response(
            {
                "current": BaselineOut(baselines[0]).data if baselines else None,
                "history": BaselineOut(baselines, many=True).data,
            }
        )


class MonthOut(serializers.Serializer):
    period = serializers.CharField()
    adjusted_baseline_kwh = serializers.FloatField(allow_null=True)
    actual_kwh = serializers.FloatField(allow_null=True)
    savings_kwh = serializers.FloatField(allow_null=True)
    co2_saved_kg = serializers.FloatField(allow_null=True)
    emission_factor_kg_per_kwh = serializers.FloatField(allow_null=True)
    missing_pct = serializers.FloatField()
    filled_kwh = serializers.FloatField(
        help_text="kWh of actual_kwh that fills missing readings (INTERPOLATED and FLAGGED months); 0 otherwise."
    )
    quality = serializers.ChoiceField(choices=["OK", "INTERPOLATED", "FLAGGED", "REJECTED"])
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    anomalies = serializers.IntegerField(help_text="Anomalies in the month's readings (GET /mrv/{id}/anomalies).")


class UncertaintyOut(serializers.Serializer):
    fsu = serializers.FloatField(allow_null=True, help_text="Fractional savings uncertainty at the confidence.")
    confidence = serializers.FloatField()
    co2_credited_kg = serializers.FloatField(help_text="The conservative lower bound of the CO2 saved.")
    note = serializers.CharField()


class VintageOut(serializers.Serializer):
    vintage = serializers.IntegerField(help_text="The calendar year: one credit block per vintage.")
    months = serializers.ListField(child=serializers.CharField(), help_text="The eligible months of that year.")
    co2_saved_tons = serializers.FloatField(help_text="Their central estimate.")
    co2_creditable_tons = serializers.FloatField(help_text="Their share of the period's one lower bound.")
    credits = serializers.IntegerField(help_text="Whole credits the block would request: floor(co2_creditable_tons).")


class CreditableOut(serializers.Serializer):
    credits = serializers.IntegerField(help_text="The whole credits a request would create: the sum over the vintages.")
    fsu = serializers.FloatField(allow_null=True, help_text="Fractional savings uncertainty of the eligible months.")
    confidence = serializers.FloatField()
    note = serializers.CharField()
    refusal = serializers.CharField(
        allow_null=True,
        help_text="Why a request of these months would be refused although each is eligible (a vintage below one "
        "whole credit); null when it would be stored.",
    )
    vintages = VintageOut(many=True)


class TotalsOut(serializers.Serializer):
    savings_kwh = serializers.FloatField()
    co2_saved_kg = serializers.FloatField()
    uncertainty = UncertaintyOut()
    co2_creditable_tons = serializers.FloatField(
        help_text="The same figure /credits/issue would request for the period: the lower bound of its eligible "
        "months, computed once, to the thousandth of a tonne (the sum of its vintage blocks)."
    )
    creditable = CreditableOut(help_text="How co2_creditable_tons splits into one block per vintage year.")


class SavingsOut(serializers.Serializer):
    building_id = serializers.UUIDField()
    baseline_id = serializers.UUIDField(allow_null=True)
    months = MonthOut(many=True)
    totals = TotalsOut()


class SummaryOut(serializers.Serializer):
    period = serializers.CharField()
    baseline_monthly_kwh = serializers.FloatField(allow_null=True)
    adjusted_baseline_kwh = serializers.FloatField(allow_null=True)
    current_month_kwh = serializers.FloatField(allow_null=True)
    savings_kwh = serializers.FloatField(allow_null=True)
    co2_saved_kg = serializers.FloatField(allow_null=True)
    emission_factor_kg_per_kwh = serializers.FloatField(allow_null=True)
    missing_pct = serializers.FloatField()
    quality = serializers.CharField()
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())


def _month(value: str | None, *, field: str) -> pd.Period | None:
    if value is None:
        return None
    start = calendar.month_start(value)
    if start is None:
        raise serializers.ValidationError({field: [f"{value!r} is not a month; use YYYY-MM."]})
    if not calendar.within(start):
        raise serializers.ValidationError({field: [calendar.OUTSIDE]})
    return pd.Period(start, freq="M")


def _default_last(building) -> pd.Period:
    latest = selectors.latest_complete_month(building)
    if latest is None:
        raise Invalid("The building has no meter readings yet.", code="no_data")
    return latest


def _month_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, type=str, location=OpenApiParameter.QUERY, required=False, description=description)


def _months_asked(request, building) -> tuple[pd.Period, pd.Period]:
    """`start`/`end` of the query; by default the months after the baseline up to the latest complete one."""
    start = _month(request.query_params.get("start"), field="start")
    end = _month(request.query_params.get("end"), field="end") or _default_last(building)
    if start is None:
        start = selectors.reporting_start(selectors.current_baseline(building)) or end - 11
    return selectors.months_checked(start, end)


_RANGE_PARAMETERS = [
    _month_param("start", "YYYY-MM, included; default: the month after the baseline"),
    _month_param("end", "YYYY-MM, included; default: the latest complete month"),
]


class MrvSummaryView(APIView):
    @extend_schema(
        parameters=[_month_param("period", "YYYY-MM; default: the latest complete month with data")],
        responses={200: SummaryOut},
        summary="One month's baseline, use, savings, CO2 and eligibility",
    )
    def get(self, request, building_id):
        building = building_for_read(user=request.user, building_id=building_id)
        period = _month(request.query_params.get("period"), field="period") or _default_last(building)
        run, _ = selectors.cached_mrv_run(building=building, first=period, last=period)
        month = run.months[0]
        baseline = selectors.current_baseline(building)
        body = {
            **month.as_dict(),
            "baseline_monthly_kwh": baseline.baseline_monthly_kwh if baseline else None,
            "current_month_kwh": month.actual_kwh,
        }
        return Response(SummaryOut(body).data)


class MrvSavingsView(APIView):
    @extend_schema(
        parameters=_RANGE_PARAMETERS,
        responses={200: SavingsOut},
        summary="Monthly savings over a range of months, with totals and uncertainty",
    )
    def get(self, request, building_id):
        building = building_for_read(user=request.user, building_id=building_id)
        start, end = _months_asked(request, building)
        run, _ = selectors.cached_mrv_run(building=building, first=start, last=end)
        return Response(
            SavingsOut(
                {
                    "building_id": run.building_id,
                    "baseline_id": run.baseline_id,
                    "months": [m.as_dict() for m in run.months],
                    "totals": run.totals,
                }
            ).data
        )


class AnomalyOut(serializers.Serializer):
    anomaly_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=calc.ANOMALY_KINDS)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(help_text="Exclusive.")
    severity = serializers.ChoiceField(
        choices=["severe", "warning"],
        help_text="A severe anomaly no recorded event explains holds its month for review.",
    )
    evidence = serializers.DictField(help_text="What was seen and what was expected, in kWh or counts.")
    explained_by = serializers.UUIDField(allow_null=True, help_text="The recorded event that overlaps it.")


class MrvAnomaliesView(APIView):
    @extend_schema(
        parameters=_RANGE_PARAMETERS,
        responses={200: AnomalyOut(many=True)},
        summary="Meter anomalies and non-routine event candidates over a range of months",
    )
    def get(self, request, building_id):
        building = building_for_read(user=request.user, building_id=building_id)
        start, end = _months_asked(request, building)
        found = anomalies.building_anomalies(
            building=building, first=start, last=end, baseline=selectors.current_baseline(building)
        )
        return Response(AnomalyOut([a.as_dict() for a in found], many=True).data)
