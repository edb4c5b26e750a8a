"""What a person did to an invoice's export (retry, exclude, include, re-check, accept), with who and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sync.models.exports import ExportState, InvoiceExport


class ExportAction(models.Model):
    class Kind(models.TextChoices):
        RETRY = "retry", _("retry")
        EXCLUDE = "exclude", _("exclude")
        INCLUDE = "include", _("include again")
        RECHECK = "recheck", _("re-check")
        ACCEPT_CHANGE = "accept_change", _("accept the change")
        SAME_INVOICE = "same_invoice", _("the entry in Exact is this invoice")
        NEW_NUMBER = "new_number", _("book under a new number in Exact")

    export = models.ForeignKey(InvoiceExport, related_name="actions", on_delete=models.CASCADE)
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True)
    state_before = models.CharField(_("state before"), max_length=12)
    state_after = models.CharField(_("state after"), max_length=12)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("export action")
        verbose_name_plural = _("export actions")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.state_label(self.state_before)} → {self.state_label(self.state_after)}"

    @staticmethod
    def state_label(state: str) -> str:
        """A state as people read it ("tegengehouden"); the field keeps the machine name of contracts.md."""
        return str(ExportState(state).label) if state in ExportState.values else state
