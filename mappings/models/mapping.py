"""Explicit mappings from a Coachview code to an Exact code, per administration.

Identical codes need no row (compared trimmed: Coachview "2" is Exact "2  "); a row overrides.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MappingKind(models.TextChoices):
    VAT_CODE = "vat_code", _("VAT code")
    GL_ACCOUNT = "gl_account", _("G/L account")
    COST_CENTER = "cost_center", _("cost centre")


class Mapping(models.Model):
    administration = models.CharField(_("Exact administration"), max_length=40)
    coachview_code = models.CharField(_("Coachview code"), max_length=20)
    exact_code = models.CharField(_("Exact code"), max_length=20)
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    kind: str = ""

    class Meta:
        abstract = True
        ordering = ["administration", "coachview_code"]

    def __str__(self):
        return f"{self.coachview_code} → {self.exact_code.strip() or '—'}"

    def save(self, *args, **kwargs):
        # Codes are compared trimmed everywhere; store them trimmed so uniqueness means what it says.
        self.coachview_code = self.coachview_code.strip()
        super().save(*args, **kwargs)


class VatCodeMapping(Mapping):
    kind = MappingKind.VAT_CODE

    class Meta(Mapping.Meta):
        verbose_name = _("VAT code mapping")
        verbose_name_plural = _("VAT code mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "coachview_code"], name="unique_vat_code_mapping"
            )
        ]


class GLAccountMapping(Mapping):
    kind = MappingKind.GL_ACCOUNT

    class Meta(Mapping.Meta):
        verbose_name = _("G/L account mapping")
        verbose_name_plural = _("G/L account mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "coachview_code"], name="unique_gl_account_mapping"
            )
        ]


class CostCenterMapping(Mapping):
    """A cost centre may map to none (e.g. Coachview's "Intern" when Exact has no cost centres)."""

    kind = MappingKind.COST_CENTER
    exact_code = models.CharField(
        _("Exact code"), max_length=20, blank=True, help_text=_("Leave empty to send no cost centre.")
    )

    class Meta(Mapping.Meta):
        verbose_name = _("cost centre mapping")
        verbose_name_plural = _("cost centre mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "coachview_code"], name="unique_cost_center_mapping"
            )
        ]


MAPPING_MODELS = {
    MappingKind.VAT_CODE: VatCodeMapping,
    MappingKind.GL_ACCOUNT: GLAccountMapping,
    MappingKind.COST_CENTER: CostCenterMapping,
}
