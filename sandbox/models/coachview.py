"""The simulated Coachview's state: debtors and invoices as JSON, status writes, tokens, the daily limit,
the dialect it speaks, and a recorded tenant served verbatim (raw replay)."""

from django.db import models


class CoachviewDebtor(models.Model):
    """One `Debiteuren` record exactly as the API returns it."""

    id = models.CharField(primary_key=True, max_length=64)
    data = models.JSONField()
    # auditTrail.gewijzigdDatumTijd as "yyyy-mm-ddTHH:MM:SS.fff" (Coachview-local): sorts as text.
    changed_at = models.CharField(max_length=23, db_index=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.data.get('debiteurnummer')} {self.data.get('naam')}"


class CoachviewInvoice(models.Model):
    """One `Facturen` record exactly as the API returns it; the PDF is generated when not loaded."""

    id = models.CharField(primary_key=True, max_length=64)
    data = models.JSONField()
    changed_at = models.CharField(max_length=23, db_index=True)
    pdf = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return str(self.data.get("factuurnummer"))


class CoachviewStatusWrite(models.Model):
    """Every booking or payment status PUT received, in order."""

    invoice = models.ForeignKey(CoachviewInvoice, related_name="status_writes", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)  # "Boekingsstatus" or "Betaalstatus"
    body = models.JSONField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.kind} {self.invoice_id}"


class CoachviewToken(models.Model):
    token = models.CharField(max_length=64, unique=True)
    scopes = models.TextField()
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"token until {self.expires_at}"


class CoachviewRateWindow(models.Model):
    """The daily call budget: one row, reset when its window has passed."""

    started_at = models.DateTimeField()
    used = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.used} since {self.started_at}"


class CoachviewState(models.Model):
    """One row: the dialect `sandbox_seed` seeded, or a recorded tenant (`sandbox_load --raw`)."""

    dialect = models.CharField(max_length=40, default="default")
    raw = models.BooleanField(default=False)  # serve CoachviewRawRecord/CoachviewRawFile verbatim
    where_precision = models.CharField(max_length=4, default="ms")  # ms, s or date
    openapi = models.JSONField(null=True, blank=True)  # the recorded tenant's document, if any

    def __str__(self):
        return "raw replay" if self.raw else f"dialect {self.dialect}"


class CoachviewRawRecord(models.Model):
    """One record of a recorded tenant, kept as the JSON text it was recorded with (key order, numbers)."""

    resource = models.CharField(max_length=100)
    position = models.PositiveIntegerField()
    record_id = models.CharField(max_length=100, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["resource", "position"]
        indexes = [models.Index(fields=["resource", "position"])]

    def __str__(self):
        return f"{self.resource} {self.record_id}"


class CoachviewRawFile(models.Model):
    """One file of a recorded tenant (e.g. `Facturen/<id>/Document`), served as bytes."""

    path = models.CharField(max_length=300, unique=True)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    def __str__(self):
        return self.path


class CoachviewRawWrite(models.Model):
    """A PUT/PATCH to a write endpoint the recorded tenant's OpenAPI declares, in order."""

    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    body = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.method} {self.path}"
