"""Roles work without a developer: administrators add support and finance people, who can then log in;
only a superuser makes a superuser or an administrator; administrators see failed jobs; finance downloads."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_q.models import Failure

from coupling import roles
from tests.console_support import role_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]
ADD = "admin:auth_user_add"


def group(name: str) -> Group:
    return Group.objects.get(name=name)


def add_person(client: Client, username: str, *role_names: str):
    return client.post(
        reverse(ADD),
        {
            "username": username,
            "usable_password": "true",
            "password1": "Lang-genoeg-wachtwoord-42",
            "password2": "Lang-genoeg-wachtwoord-42",
            "groups": [group(name).pk for name in role_names],
        },
    )


def a_person_in(role: str, username: str = "piet") -> User:
    user = User.objects.create_user(username, password="Lang-genoeg-wachtwoord-42")
    user.groups.add(group(role))
    roles.user_staff_from_roles(user=user)
    return user


def test_an_administrator_adds_a_support_user_who_can_then_log_in():
    response = add_person(role_client("admin", language="en"), "sanne", roles.SUPPORT)
    assert response.status_code == 302, response.content
    sanne = User.objects.get(username="sanne")
    assert sanne.is_staff and not sanne.is_superuser
    assert list(sanne.groups.values_list("name", flat=True)) == [roles.SUPPORT]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username="sanne", password="Lang-genoeg-wachtwoord-42")
    assert client.get("/").status_code == 200
    assert client.get(reverse("admin:sync_invoiceexport_changelist")).status_code == 200


def test_adding_someone_to_a_role_later_lets_them_log_in_and_taking_every_role_away_stops_it():
    admin = role_client("admin", language="en")
    person = User.objects.create_user("femke", password="x")
    url = reverse("admin:auth_user_change", args=[person.pk])
    form = {"username": "femke", "is_active": "on", "groups": [group(roles.FINANCE).pk]}
    assert admin.post(url, form).status_code == 302
    person.refresh_from_db()
    assert person.is_staff
    assert admin.post(url, {**form, "groups": []}).status_code == 302
    person.refresh_from_db()
    assert not person.is_staff


def test_an_administrator_is_not_offered_the_administrators_role_and_cannot_post_it():
    admin = role_client("admin", language="en")
    page = admin.get(reverse(ADD)).content.decode()
    assert roles.SUPPORT in page and roles.FINANCE in page and roles.ADMINISTRATORS not in page
    response = add_person(admin, "mallory", roles.ADMINISTRATORS)
    assert response.status_code == 200 and not User.objects.filter(username="mallory").exists()


def test_an_administrator_cannot_make_a_superuser_or_grant_permissions_directly():
    admin = role_client("admin", language="en")
    person = a_person_in(roles.SUPPORT)
    permission = Permission.objects.get(codename="change_exactconnection")
    page = admin.get(reverse("admin:auth_user_change", args=[person.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    response = admin.post(
        reverse("admin:auth_user_change", args=[person.pk]),
        {
            "username": person.username,
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "user_permissions": [permission.pk],
            "groups": [group(roles.SUPPORT).pk],
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_superuser and not person.user_permissions.exists()


@pytest.mark.parametrize("privileged", ["superuser", "administrator"])
def test_an_administrator_only_looks_at_superusers_and_administrators(privileged, admin_user):
    admin = role_client("admin", language="en")
    other = admin_user if privileged == "superuser" else a_person_in(roles.ADMINISTRATORS, "anna")
    url = reverse("admin:auth_user_change", args=[other.pk])
    page = admin.get(url)
    assert page.status_code == 200
    assert other.password not in page.content.decode() and "pbkdf2" not in page.content.decode()
    assert admin.post(url, {"username": other.username, "groups": []}).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[other.pk])
    assert (
        admin.post(
            password_url, {"password1": "Nieuw-wachtwoord-99", "password2": "Nieuw-wachtwoord-99"}
        ).status_code
        == 403
    )
    other.refresh_from_db()
    assert other.check_password("password") if privileged == "superuser" else other.groups.exists()


def test_a_superuser_makes_an_administrator(admin_client):
    response = add_person(admin_client, "anna", roles.ADMINISTRATORS)
    assert response.status_code == 302
    anna = User.objects.get(username="anna")
    assert anna.is_staff and anna.groups.filter(name=roles.ADMINISTRATORS).exists()


def test_administrators_see_failed_jobs_and_the_others_do_not():
    failure = Failure.objects.create(
        id="a" * 32, name="export-x", func="sync.tasks.export_invoices_task", started="2026-03-01T10:00Z",
        stopped="2026-03-01T10:01Z", success=False, result="boom",
    )  # fmt: skip
    admin = role_client("admin", language="en")
    assert admin.get(reverse("admin:django_q_failure_changelist")).status_code == 200
    assert admin.get(reverse("admin:django_q_failure_change", args=[failure.pk])).status_code == 200
    for role in ("support", "finance"):
        assert (
            role_client(role, language="en").get(reverse("admin:django_q_failure_changelist")).status_code
            == 403
        )


@pytest.mark.parametrize("role, downloads", [("finance", True), ("admin", True), ("support", False)])
def test_the_front_pages_export_history_link_leads_to_a_download_for_those_allowed(role, downloads):
    client = role_client(role, language="en")
    page = client.get("/").content.decode()
    csv_url = reverse("admin:sync_exporthistory_csv")
    assert reverse("admin:sync_exporthistory_changelist") in page
    assert (f'href="{csv_url}"' in page) is downloads
    response = client.get(csv_url)
    if downloads:
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
    else:
        assert response.status_code == 403


def permissions_of(role: str) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group(role).permissions.select_related("content_type")}


def more_than_looking(role: str) -> set[str]:
    return {name for name in permissions_of(role) if ".view_" not in name}


# Finance downloads the history and reconciliations, and starts a month's reconciliation.
FINANCE_BEYOND_LOOKING = {"sync.export_csv", "sync.export_reconciliation", "sync.add_reconciliation"}


def test_each_role_may_change_exactly_what_its_job_needs_and_nothing_more():
    assert more_than_looking(roles.ADMINISTRATORS) == {
        "auth.add_user", "auth.change_user",
        "coupling.add_exactconnection", "coupling.change_exactconnection", "coupling.manage_connection",
        "coupling.change_coachviewconnection", "coupling.change_coachviewprofile",
        "mappings.add_vatcodemapping", "mappings.change_vatcodemapping",
        "mappings.add_glaccountmapping", "mappings.change_glaccountmapping",
        "mappings.add_costcentermapping", "mappings.change_costcentermapping",
        "mappings.add_couplingoptions", "mappings.change_couplingoptions",
        "sync.add_errorcatalogueentry", "sync.change_errorcatalogueentry",
        "sync.change_exportschedule", "sync.change_invoiceexport",
        "sync.export_csv", "sync.export_reconciliation", "sync.add_reconciliation",
    }
    assert more_than_looking(roles.SUPPORT) == {
        "sync.add_errorcatalogueentry", "sync.change_errorcatalogueentry", "sync.change_invoiceexport",
    }
    assert more_than_looking(roles.FINANCE) == FINANCE_BEYOND_LOOKING


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.FINANCE])
def test_support_and_finance_never_change_or_call_a_connection(role):
    connection = {"coupling.change_coachviewconnection", "coupling.change_coachviewprofile",
                  "coupling.change_exactconnection", "coupling.add_exactconnection", "coupling.manage_connection"}
    assert not permissions_of(role) & connection
    assert not roles.may_call_out(a_person_in(role))


def test_a_permission_taken_out_of_a_role_is_taken_away_on_an_existing_installation():
    support = group(roles.SUPPORT)
    extra = Permission.objects.get(content_type__app_label="coupling", codename="change_coachviewconnection")
    support.permissions.add(extra)  # as an earlier version of the roles gave it
    roles.apply_role_permissions()
    assert "coupling.change_coachviewconnection" not in permissions_of(roles.SUPPORT)
    assert more_than_looking(roles.SUPPORT) == {
        "sync.add_errorcatalogueentry", "sync.change_errorcatalogueentry", "sync.change_invoiceexport",
    }


def test_a_permission_that_does_not_exist_yet_is_created_quietly_and_given(capsys):
    Permission.objects.filter(content_type__app_label="sync", codename="export_csv").delete()
    assert "sync.export_csv" not in permissions_of(roles.FINANCE)
    roles.apply_role_permissions(using="default")
    assert "sync.export_csv" in permissions_of(roles.FINANCE)
    assert capsys.readouterr().out == ""


def test_permissions_are_applied_for_the_default_database_only():
    finance = group(roles.FINANCE)
    finance.permissions.clear()
    roles.apply_role_permissions(using="other")
    assert permissions_of(roles.FINANCE) == set()
    roles.apply_role_permissions(using="default")
    assert more_than_looking(roles.FINANCE) == FINANCE_BEYOND_LOOKING
    finance.permissions.clear()
    roles.apply_role_permissions(app_config=None)  # post_migrate without `using` means the default database
    assert more_than_looking(roles.FINANCE) == FINANCE_BEYOND_LOOKING


@pytest.mark.parametrize("is_staff", [True, False])
@pytest.mark.parametrize("kind", ["superuser", "direct permission"])
def test_outside_the_roles_a_superuser_or_someone_with_own_permissions_keeps_their_staff_status(kind, is_staff):
    user = User.objects.create_user("kees", is_staff=is_staff, is_superuser=kind == "superuser")
    if kind == "direct permission":
        user.user_permissions.add(Permission.objects.get(content_type__app_label="sync", codename="view_invoice"))
    roles.user_staff_from_roles(user=user)
    user.refresh_from_db()
    assert user.is_staff is is_staff


def test_someone_outside_every_role_without_own_permissions_loses_staff_status_and_only_that_is_saved():
    user = User.objects.create_user("kees", is_staff=True, first_name="Kees")
    user.first_name = "Not saved here"
    roles.user_staff_from_roles(user=user)
    user.refresh_from_db()
    assert (user.is_staff, user.first_name) == (False, "Kees")
    person = a_person_in(roles.FINANCE, username="fenna")
    person.refresh_from_db()
    assert person.is_staff is True


def test_a_permission_is_given_by_app_and_codename_never_one_of_another_app_with_the_same_codename():
    from django.contrib.contenttypes.models import ContentType

    Permission.objects.create(codename="export_csv", name="same codename elsewhere",
                              content_type=ContentType.objects.get_for_model(Group))
    roles.apply_role_permissions()
    assert "auth.export_csv" not in permissions_of(roles.FINANCE)
    assert "sync.export_csv" in permissions_of(roles.FINANCE)


@pytest.mark.parametrize("role", roles.ROLES)
def test_each_role_gets_every_permission_it_lists_and_lists_each_once(role):
    listed = roles.ROLE_PERMISSIONS[role]
    assert len(listed) == len(set(listed))
    # "Missing codenames are skipped" is for a migration that has not run yet; after migrate none is.
    assert permissions_of(role) == set(listed)


def test_only_administrators_and_superusers_count_as_administrators_never_a_visitor(admin_user):
    assert roles.is_administrator(a_person_in(roles.ADMINISTRATORS, username="anna")) is True
    assert roles.is_administrator(admin_user) is True
    assert roles.is_administrator(a_person_in(roles.SUPPORT, username="sam")) is False
    assert roles.is_administrator(a_person_in(roles.FINANCE, username="fenna")) is False
    assert roles.is_administrator(AnonymousUser()) is False


def test_a_role_is_shown_in_the_readers_language_and_another_group_by_its_own_name():
    with translation.override("nl"):
        assert roles.role_label(roles.ADMINISTRATORS) == "Beheerders van de koppeling"
        assert roles.role_label(roles.FINANCE) == "Financiële administratie"
        assert roles.role_label("Externe accountant") == "Externe accountant"
