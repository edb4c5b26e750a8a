"""The mappings in the admin: Exact's codes as choices, unusable targets refused, the sync button, roles."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from coupling.roles import ADMINISTRATORS, FINANCE, SUPPORT, apply_role_permissions
from mappings.models import CostCenterMapping, VatCodeMapping
from tests.factories import ADMINISTRATION

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exact_mirror")]


def add(admin_client, model: str, **data):
    return admin_client.post(
        reverse(f"admin:mappings_{model}_add"), {"administration": ADMINISTRATION, "note": "", **data}
    )


def test_the_add_form_offers_exacts_codes_and_flags_the_unusable_ones(admin_client):
    page = admin_client.get(reverse("admin:mappings_vatcodemapping_add"), {"administration": ADMINISTRATION})
    html = page.content.decode()
    assert "2 — BTW hoog verkopen (21%)</option>" in html
    assert "5 — BTW hoog verkopen inclusief (21%)  ⚠ inclusive VAT" in html


def test_it_refuses_a_mapping_onto_an_inclusive_vat_code(admin_client):
    response = add(admin_client, "vatcodemapping", coachview_code="21", exact_code="5")
    assert response.status_code == 200
    assert "inclusive VAT" in response.content.decode()
    assert not VatCodeMapping.objects.exists()


def test_it_saves_a_valid_mapping(admin_client):
    response = add(admin_client, "vatcodemapping", coachview_code="5", exact_code="2")
    assert response.status_code == 302
    assert VatCodeMapping.objects.get().exact_code == "2"


def test_a_cost_centre_can_be_mapped_to_none(admin_client):
    response = add(admin_client, "costcentermapping", coachview_code="Intern", exact_code="")
    assert response.status_code == 302
    assert CostCenterMapping.objects.get().exact_code == ""


def test_the_mapping_list_shows_whether_each_target_is_usable(admin_client):
    VatCodeMapping.objects.create(administration=ADMINISTRATION, coachview_code="9", exact_code="2")
    VatCodeMapping.objects.create(administration=ADMINISTRATION, coachview_code="8", exact_code="4")
    page = admin_client.get(reverse("admin:mappings_vatcodemapping_changelist"))
    assert "✘ purchases only" in page.content.decode()


def test_the_mapping_list_costs_the_same_queries_for_many_rows(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:mappings_vatcodemapping_changelist")
    VatCodeMapping.objects.create(administration=ADMINISTRATION, coachview_code="A0", exact_code="2")
    admin_client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url)
    for number in range(1, 20):
        VatCodeMapping.objects.create(administration=ADMINISTRATION, coachview_code=f"A{number}", exact_code="2")
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_lists_of_exact_are_shown_with_their_flags(admin_client):
    page = admin_client.get(reverse("admin:mappings_exactglaccount_changelist"))
    html = page.content.decode()
    assert "Sync Exact&#x27;s lists now" in html or "Sync Exact's lists now" in html
    assert "✘ blocked" in html and "gl account blocked" not in html  # the flag in words, not the catalogue key


def test_the_options_offer_exacts_sales_journals(admin_client):
    from mappings.models import CouplingOptions

    options = CouplingOptions.objects.get(administration=ADMINISTRATION)
    html = admin_client.get(
        reverse("admin:mappings_couplingoptions_change", args=[options.pk])
    ).content.decode()
    assert "70 — Verkoopboek" in html
    assert "90 — Memoriaal" not in html


def test_administrators_maintain_mappings_support_only_views_finance_sees_none():
    apply_role_permissions()

    def perms(role):
        return {
            p.codename
            for p in Group.objects.get(name=role).permissions.filter(content_type__app_label="mappings")
        }

    assert {"add_vatcodemapping", "change_costcentermapping", "change_couplingoptions"} <= perms(
        ADMINISTRATORS
    )
    assert perms(SUPPORT) and all(codename.startswith("view_") for codename in perms(SUPPORT))
    assert perms(FINANCE) == set()


def _member_of(client, role):
    from django.contrib.auth.models import User

    apply_role_permissions()
    user = User.objects.create_user(f"{role}-user", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def test_support_sees_the_mappings_and_the_coverage_but_cannot_change_or_sync(client):
    support = _member_of(client, SUPPORT)
    page = support.get(reverse("admin:mappings_vatcodemapping_changelist"))
    assert page.status_code == 200
    assert "Sync Exact" not in page.content.decode()
    assert support.get(reverse("admin:sync_mapping_coverage")).status_code == 200
    assert support.get(reverse("admin:mappings_vatcodemapping_add")).status_code == 403
    assert support.post(reverse("admin:mappings_exactvatcode_sync_now")).status_code == 403


def test_an_administrator_can_add_a_mapping_and_sync(client):
    administrator = _member_of(client, ADMINISTRATORS)
    assert administrator.get(reverse("admin:mappings_vatcodemapping_add")).status_code == 200
    assert "Sync Exact" in administrator.get(reverse("admin:mappings_exactvatcode_changelist")).content.decode()
