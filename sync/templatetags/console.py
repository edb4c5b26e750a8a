"""`{% load console %}{% console_dashboard %}`: the front page's panels, for the admin index."""

from django import template
from django.urls import NoReverseMatch, reverse

from coupling.roles import is_administrator
from sync.admin.words import administration_label
from sync.services.dashboard import dashboard_build

register = template.Library()
register.filter("administration_label", administration_label)


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""  # that part's admin is not there yet


def _connection_url(user) -> str:
    from coupling.models import ExactConnection

    connection = ExactConnection.load()
    if connection is not None and user.has_perm("coupling.view_exactconnection"):
        return _url("admin:coupling_exactconnection_change", connection.pk)
    if user.has_perm("coupling.add_exactconnection"):
        return _url("admin:coupling_exactconnection_add")
    return ""


@register.inclusion_tag("admin/console_dashboard.html", takes_context=True)
def console_dashboard(context):
    """The link, invoices per state, the last runs, the budget and the top failures, with links."""
    user = context["request"].user
    can = user.has_perm
    return {
        "dashboard": dashboard_build(),
        "show_keys": is_administrator(user),  # catalogue keys: administrators only
        "invoices_url": _url("admin:sync_invoiceexport_changelist") if can("sync.view_invoiceexport") else "",
        "connection_url": _connection_url(user),
        "coverage_url": _url("admin:sync_mapping_coverage") if can("mappings.view_vatcodemapping") else "",
        "catalogue_url": _url("admin:sync_errorcatalogueentry_changelist") if can("sync.view_errorcatalogueentry") else "",
        "history_url": _url("admin:sync_exporthistory_changelist") if can("sync.view_exporthistory") else "",
        "history_csv_url": _url("admin:sync_exporthistory_csv") if can("sync.view_exporthistory") and can("sync.export_csv") else "",
        "profile_url": _profile_url() if can("coupling.view_coachviewprofile") else "",
        "no_pdf_url": _url("admin:mappings_couplingoptions_no_pdf") if can("mappings.change_couplingoptions") else "",
        "schedule_url": _url("admin:sync_exportschedule_switch") if can("sync.change_exportschedule") else "",
    }


def _profile_url() -> str:
    from coupling.models import CoachviewProfile

    return _url("admin:coupling_coachviewprofile_change", CoachviewProfile.load().pk)
