"""The simulated Coachview's state: debtors and invoices as JSON, status writes, tokens, the daily limit."""

from django.db import models


class CoachviewDebtor(models.Model):
    """One `Debiteuren` record exactly as the API returns it."""

    id = models.CharField(primary_key=True, max_length=64)
    data = models.JSONField()
    # audittrail.gewijzigdDatumTijd as "yyyy-mm-ddTHH:MM:SS" (Coachview-local): sorts as text.
    changed_at = models.CharField(max_length=19, db_index=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.data.get('debiteurnummer')} {self.data.get('naam')}"


class CoachviewInvoice(models.Model):
    """One `Facturen` record exactly as the API returns it; the PDF is generated when not loaded."""

    id = models.CharField(primary_key=True, max_length=64)
    data = models.JSONField()
    changed_at = models.CharField(max_length=19, db_index=True)
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
