from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from carbonexia.common.models import BaseModel

# The most one block's columns hold: tonnes in 14 digits with 3 after the point, credits in a 32-bit integer.
# The service refuses a larger request (422) before writing; the constraints below refuse it on every database
# (SQLite would store it, then fail to read it back).
MAX_BLOCK_TONS = Decimal("99999999999.999")
MAX_BLOCK_CREDITS = 2**31 - 1
_TONS = [MinValueValidator(Decimal(0)), MaxValueValidator(MAX_BLOCK_TONS)]
_CREDITS = [MaxValueValidator(MAX_BLOCK_CREDITS)]


class Status(models.TextChoices):
    PENDING = "PENDING", "Pending verification"
    ISSUED = "ISSUED", "Issued"
    RETIRED = "RETIRED", "Retired"
    REJECTED = "REJECTED", "Rejected"


class CreditBlock(BaseModel):
    """A block of credits for one building, period and vintage year.

    A request creates one PENDING block per vintage; approval issues it with a serial range; a partial
    retirement splits off a RETIRED child whose range is taken from the start of the parent's. Only
    root blocks (no parent) take part in the no-overlap rule: children always lie inside their root.
    """

    building = models.ForeignKey("buildings.Building", on_delete=models.PROTECT, related_name="credit_blocks")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="parts")
    period_start = models.DateField()
    period_end = models.DateField()
    vintage = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    co2_saved_tons = models.DecimalField(max_digits=14, decimal_places=3, validators=_TONS)
    co2_credited_tons = models.DecimalField(max_digits=14, decimal_places=3, validators=_TONS)
    credits_requested = models.PositiveIntegerField(validators=_CREDITS)
    credits_issued = models.PositiveIntegerField(null=True, blank=True, validators=_CREDITS)
    issuance_number = models.PositiveIntegerField(null=True, blank=True)
    serial_start = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    serial_end = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    serial = models.CharField(max_length=160, blank=True)
    uncertainty_note = models.CharField(max_length=300, blank=True)
    snapshot = models.JSONField(help_text="The calculation as it stood at request time; never changes.")
    factors_used = models.ManyToManyField("metering.EmissionFactor", related_name="credit_blocks", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_comment = models.TextField(blank=True)
    retired_quantity = models.PositiveIntegerField(default=0)
    beneficiary = models.CharField(max_length=200, blank=True)
    retirement_reason = models.TextField(blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period_start", "created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="credit_period"),
            models.CheckConstraint(
                condition=models.Q(serial_start__isnull=True) | models.Q(serial_end__gte=models.F("serial_start")),
                name="credit_serial_range",
            ),
            models.CheckConstraint(
                condition=models.Q(co2_saved_tons__range=(0, MAX_BLOCK_TONS))
                & models.Q(co2_credited_tons__range=(0, MAX_BLOCK_TONS)),
                name="credit_tons_fit",
            ),
            models.CheckConstraint(
                condition=models.Q(credits_requested__lte=MAX_BLOCK_CREDITS)
                & (models.Q(credits_issued__isnull=True) | models.Q(credits_issued__lte=MAX_BLOCK_CREDITS)),
                name="credit_counts_fit",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.building} {self.period_start}–{self.period_end} ({self.status})"

    @property
    def credits(self) -> int:
        """How many credits this block holds: issued ones once issued, else those requested."""
        return self.credits_issued if self.credits_issued is not None else self.credits_requested


class SerialCounter(models.Model):
    """The one global, gap-free sequence of serial numbers and issuance numbers (a single locked row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    next_serial = models.PositiveBigIntegerField(default=1)
    next_issuance = models.PositiveIntegerField(default=1)

    def __str__(self):
        return f"next serial {self.next_serial}, next issuance {self.next_issuance}"
