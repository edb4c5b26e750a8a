"""The three roles as Django groups, and the permissions each needs.

The groups are created by a data migration; their permissions are (re)applied after every
`migrate`, because permissions of models added by later migrations exist only then.
"""

from django.utils.translation import gettext_lazy as _

ADMINISTRATORS = "Coupling administrators"
SUPPORT = "Support"
FINANCE = "Finance"
ROLES = [ADMINISTRATORS, SUPPORT, FINANCE]
# The groups keep their names in the database (code and the data migration find them by name); people
# see them in their own language.
ROLE_LABELS = {ADMINISTRATORS: _("Coupling administrators"), SUPPORT: _("Support"), FINANCE: _("Finance")}


def role_label(name: str) -> str:
    """A group's name as people read it (a group that is not a role keeps its own name)."""
    return str(ROLE_LABELS.get(name, name))

# --- mappings: administrators maintain mappings and options; support only looks; finance neither ---
_MAPPING_MODELS = ["vatcodemapping", "glaccountmapping", "costcentermapping", "couplingoptions"]
_MIRROR_MODELS = [
    "exactvatcode",
    "exactglaccount",
    "exactcostcenter",
    "exactjournal",
    "exactpaymentcondition",
    "exactfinancialperiod",
    "referencesync",
]
MAPPINGS_EDIT = [f"mappings.{action}_{model}" for model in _MAPPING_MODELS for action in ("add", "change")]
MAPPINGS_VIEW = [f"mappings.view_{model}" for model in _MAPPING_MODELS + _MIRROR_MODELS]

# --- export: administrators and support act on exports (retry, exclude, re-check); all see the runs ---
# The export's admin actions require `sync.change_invoiceexport` (sync/admin/exports.py); the console
# shows every export field read-only, so that permission means "may act on an export", nothing more.
# Seeing the runs and actions comes with INVOICES_VIEW.
EXPORT_VIEW = ["sync.view_exportaction", "sync.view_exportrun"]
EXPORT_ACT = ["sync.change_invoiceexport"]

# --- payments: everyone reads the payment history (read-only in the admin) ---
PAYMENTS_VIEW = ["sync.view_paymentobservation"]

# --- console: what each role reads (view permissions never show a secret: the admins redact them) ---
INVOICES_VIEW = [
    "sync.view_invoice",
    "sync.view_invoiceexport",
    "sync.view_exporthistory",
    *EXPORT_VIEW,
    *PAYMENTS_VIEW,
]
CATALOGUE_EDIT = [
    "sync.view_errorcatalogueentry",
    "sync.add_errorcatalogueentry",
    "sync.change_errorcatalogueentry",
    "sync.view_unmatchedmessage",
]
OPERATIONS_VIEW = [
    "sync.view_debtor",
    "sync.view_exportattempt",
    "sync.view_healthproblem",
    "sync.view_jobrun",
    "sync.view_statuswriteback",
    "coupling.view_exactconnection",
    "coupling.view_coachviewconnection",
    "coupling.view_coachviewprofile",
    "coupling.view_exactapicall",
]
RECONCILIATION_VIEW = ["sync.view_reconciliation", "sync.view_reconciliationline"]
# Downloading the reconciliation is finance's job (and the administrators').
RECONCILIATION_EXPORT = [*RECONCILIATION_VIEW, "sync.export_reconciliation"]
# Starting one for a month ("add reconciliation") reads Exact's sales entries: finance's job too. It
# only reads and uses the shared budget; support sees reconciliations but does not start them.
RECONCILIATION_RUN = ["sync.add_reconciliation"]
CONNECTION_EDIT = [
    "coupling.add_exactconnection",
    "coupling.change_exactconnection",
    "coupling.manage_connection",
    "coupling.change_coachviewconnection",
    "coupling.change_coachviewprofile",
]
# --- people and jobs: administrators add support and finance users and see failed background jobs ---
# coupling/admin_users.py keeps them from making superusers or administrators, or granting permissions.
PEOPLE_MANAGE = ["auth.view_user", "auth.add_user", "auth.change_user", "django_q.view_failure"]

# "app_label.codename" per role; later features add theirs here. Missing codenames are skipped.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Connection, options, mappings and catalogue; sees everything else too.
    ADMINISTRATORS: [
        *INVOICES_VIEW,
        *OPERATIONS_VIEW,
        *RECONCILIATION_EXPORT,
        *RECONCILIATION_RUN,
        *CONNECTION_EDIT,
        *MAPPINGS_EDIT,
        *MAPPINGS_VIEW,
        *CATALOGUE_EDIT,
        *EXPORT_ACT,
        *PEOPLE_MANAGE,
        # The scheduled export's switch (off until an administrator switches it on).
        "sync.view_exportschedule",
        "sync.change_exportschedule",
        "sync.export_csv",
    ],
    # Sees everything, acts on invoices (retry, exclude, re-check) and keeps the catalogue; no configuration.
    SUPPORT: [
        *INVOICES_VIEW,
        *OPERATIONS_VIEW,
        *RECONCILIATION_VIEW,  # sees it, does not download it
        *MAPPINGS_VIEW,
        *CATALOGUE_EDIT,
        *EXPORT_ACT,
    ],
    # Invoices, their history and payments, CSV; no configuration and no actions on exports.
    FINANCE: [
        *INVOICES_VIEW,
        "sync.view_debtor",
        "sync.export_csv",
        *RECONCILIATION_EXPORT,
        *RECONCILIATION_RUN,
    ],
}


def apply_role_permissions(**kwargs) -> None:
    """Give each role group exactly the permissions listed above (post_migrate)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    using = kwargs.get("using", "default")
    if using != "default":
        return
    # post_migrate runs app by app; make sure every app's permissions exist before assigning them.
    for app_config in apps.get_app_configs():
        # `using` is the default database here (see above) and below verbosity 2 nothing is printed: not
        # worth mutating.
        create_permissions(app_config, verbosity=0, using=using)  # pragma: no mutate

    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


# Actions that call Exact or Coachview on a person's click (test the connection, check against
# Coachview, connect or reconnect Exact): administrators only; support and finance only look.
CALL_OUT = ["coupling.manage_connection", "coupling.change_coachviewconnection"]


def may_call_out(user) -> bool:
    """Whether `user` may run an action that calls outside (superusers and administrators)."""
    return user.has_perms(CALL_OUT)


def is_administrator(user) -> bool:
    """Whether `user` sees what only administrators need: catalogue keys, Exact's GUIDs, technical keys.

    Read from the permissions the admin has loaded anyway (no query of its own); superusers and the
    administrators' role hold them, support and finance do not.
    """
    return user.is_authenticated and may_call_out(user)


# The roles an administrator (not a superuser) may give: never the administrators' own.
ROLES_ADMINISTRATORS_GIVE = [SUPPORT, FINANCE]


def user_staff_from_roles(*, user) -> None:
    """Staff status follows the roles: a person in a role may log in; one who left every role may not."""
    in_a_role = user.groups.filter(name__in=ROLES).exists()
    if in_a_role:
        staff = True
    elif user.is_superuser or user.user_permissions.exists():
        staff = user.is_staff  # a superuser's own decision, outside the roles
    else:
        staff = False
    if staff != user.is_staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
