from django.db import models


class FactorType(models.TextChoices):
    COMBINED_MARGIN = "combined_margin", "Combined margin"
    WEIGHTED_AVERAGE = "weighted_average", "Weighted average"
    OPERATING_MARGIN = "operating_margin", "Operating margin"
    BUILD_MARGIN = "build_margin", "Build margin"
    TOTAL_OUTPUT = "total_output", "Total output emission rate"


class EmissionFactor(models.Model):
    """A grid emission factor as published; the one used by a credit is never edited in place."""

    id = models.BigAutoField(primary_key=True)
    region = models.CharField(max_length=16, db_index=True)
    dataset = models.CharField(max_length=120)
    version = models.CharField(max_length=40)
    factor_type = models.CharField(max_length=24, choices=FactorType.choices)
    factor_kg_per_kwh = models.DecimalField(max_digits=8, decimal_places=5)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.TextField()
    for_credits = models.BooleanField(
        default=False, help_text="The factor type used for efficiency credits in this region (one per period)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region", "valid_from", "factor_type"]
        constraints = [
            models.UniqueConstraint(fields=["region", "dataset", "version", "factor_type"], name="factor_identity"),
            models.CheckConstraint(condition=models.Q(factor_kg_per_kwh__gt=0), name="factor_positive"),
        ]

    def __str__(self):
        return f"{self.region} {self.dataset} {self.version} {self.factor_type}: {self.factor_kg_per_kwh} kg/kWh"
