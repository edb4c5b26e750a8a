"""The mappings' coverage report in the console: codes of invoices still to export that no valid mapping covers.

It sits with the invoices it counts (sync reads mappings; mappings never reads sync). Anyone who may see a
mapping table may see it; each gap links to the prefilled form that adds the missing mapping.
"""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from mappings.admin.reference import problem_label
from mappings.models import MAPPING_MODELS, VatCodeMapping
from mappings.services import current_administration
from sync.services.coverage import mapping_coverage


class CoverageViewMixin:
    """Adds the report's page (`admin:sync_mapping_coverage`) to a sync ModelAdmin."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.coverage_view)
        return [path("mapping-coverage/", view, name="sync_mapping_coverage"), *super().get_urls()]

    def coverage_view(self, request):
        """Codes used by invoices not yet exported that have no valid mapping, with a link to add one."""
        if not any(
            request.user.has_perm(f"mappings.view_{model._meta.model_name}") for model in MAPPING_MODELS.values()
        ):
            raise PermissionDenied
        administration = request.GET.get("administration") or current_administration() or ""
        gaps = mapping_coverage(administration=administration) if administration else {}
        sections = []
        for kind, model in MAPPING_MODELS.items():
            add_url = reverse(f"admin:mappings_{model._meta.model_name}_add")
            rows = [
                {
                    "gap": gap,
                    "problem": problem_label(gap.problem_code),
                    "add_url": f"{add_url}?{urlencode({'administration': administration, 'coachview_code': gap.coachview_code})}",
                }
                for gap in gaps.get(kind, [])
            ]
            sections.append({"title": model._meta.verbose_name_plural, "kind": kind, "rows": rows})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Coverage of the mappings"),
            "administration": administration,
            "sections": sections,
            "opts": VatCodeMapping._meta,  # the breadcrumb leads back to the mappings
        }
        return TemplateResponse(request, "admin/mappings/coverage.html", context)
