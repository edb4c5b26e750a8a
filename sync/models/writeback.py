"""What we told Coachview about each invoice (booking and payment status), and what is still to tell."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sync.models.invoices import Invoice


class StatusWriteback(models.Model):
    """One status of one invoice in Coachview: the body last delivered and the body still pending."""

    class Kind(models.TextChoices):
        BOOKING = "booking", _("booking status")
        PAYMENT = "payment", _("payment status")

    invoice = models.ForeignKey(Invoice, related_name="writebacks", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    pending = models.JSONField(_("to deliver"), null=True, blank=True)
    delivered = models.JSONField(_("last delivered"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # After a permanent refusal we try again only after this moment (a person may fix the cause).
    retry_after = models.DateTimeField(_("retry after"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("status write-back")
        verbose_name_plural = _("status write-backs")
        constraints = [models.UniqueConstraint(fields=["invoice", "kind"], name="one_writeback_per_kind")]

    def __str__(self):
        return f"{self.invoice} {self.kind}"
