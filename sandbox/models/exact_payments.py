"""The simulated Exact's matching: which receivables (payment terms) were matched together, and undone.

The receivables and transaction lines themselves are entity rows (`ExactRecord`, storages
"cashflow/Receivables" and "financialtransaction/TransactionLines") so every endpoint serves them the
same way; a match set is sandbox bookkeeping Exact never shows, kept here so a match can be undone.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sandbox.models.exact import ExactRecord


class ExactPaymentMatch(models.Model):
    """One match (afletteren): a bank payment, a write-off or a credit note against invoice receivables."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "bank payment"
        WRITE_OFF = "write-off", "write-off"
        CREDIT = "credit", "credit note settled"

    division = models.IntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    numbers = models.JSONField(default=list)  # the Coachview invoice numbers (the entries' YourRef)
    term_keys = models.JSONField(default=list)  # keys of the receivables matched together
    entry_ids = models.JSONField(default=list)  # bank or write-off entries this match created
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        state = "undone" if self.undone_at else "matched"
        return f"{self.kind} {', '.join(self.numbers)} ({state})"


class ExactReceivable(ExactRecord):
    """The receivables among the entity rows, for the sandbox admin's payment actions."""

    class Meta:
        proxy = True
        verbose_name = _("Exact receivable")
        verbose_name_plural = _("Exact receivables")
