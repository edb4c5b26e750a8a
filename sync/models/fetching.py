"""How far the incremental fetch has read each Coachview resource."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FetchWatermark(models.Model):
    """Per resource and base URL: records changed after `after` are still to be read.

    `after` is one second before the last second read completely (Coachview-local time, to the
    second); `seen` holds [id, change time, digest] of what was already read after it, so a record that
    lands in that second later is still picked up and the rest is skipped (coachview-api.md).
    """

    resource = models.CharField(_("resource"), max_length=40)
    base_url = models.CharField(_("Coachview base URL"), max_length=200)
    after = models.DateTimeField(_("changed after (Coachview time)"), null=True, blank=True)
    seen = models.JSONField(_("already read at the edge"), default=list, blank=True)
    # Ids that invoices refer to but Coachview did not return (asked again only when such an invoice changes).
    not_found = models.JSONField(_("referred to but not found"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("fetch watermark")
        verbose_name_plural = _("fetch watermarks")
        constraints = [
            models.UniqueConstraint(fields=["resource", "base_url"], name="one_watermark_per_resource")
        ]

    def __str__(self):
        return f"{self.resource} after {self.after}"
