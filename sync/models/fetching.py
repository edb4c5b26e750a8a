"""How far the incremental fetch has read each Coachview resource."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FetchWatermark(models.Model):
    """Per resource and base URL: records changed at or after `after` are still to be read.

    `after` is the start of the last unit (millisecond, second or day, see `precision`) that is not
    known to be complete, in Coachview's local time; `seen` holds [id, change time, etag or digest] of
    what was already read from it on, so a record that lands in that unit later is still picked up and
    the rest is skipped (sync/services/fetch_walk.py).
    """

    resource = models.CharField(_("resource"), max_length=40)
    base_url = models.CharField(_("Coachview base URL"), max_length=200)
    after = models.DateTimeField(_("read from (Coachview time)"), null=True, blank=True)
    # The precision Coachview was found to compare change times at, when coarser than the profile says.
    precision = models.CharField(_("compared per"), max_length=4, blank=True)
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
