"""The operators' console's own view of exports: finance's read-only export history."""

from django.utils.translation import gettext_lazy as _

from sync.models.exports import InvoiceExport


class ExportHistory(InvoiceExport):
    """The same rows as InvoiceExport, as finance reads them: its own menu entry and CSV permission."""

    class Meta:
        proxy = True
        verbose_name = _("export history")
        verbose_name_plural = _("export history")
        permissions = [("export_csv", _("Can download the export history as CSV"))]
