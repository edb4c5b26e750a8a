"""The three roles as Django groups, and the permissions each needs.

The groups are created by a data migration; their permissions are (re)applied after every
`migrate`, because permissions of models added by later migrations exist only then.
"""

ADMINISTRATORS = "Coupling administrators"
SUPPORT = "Support"
FINANCE = "Finance"
ROLES = [ADMINISTRATORS, SUPPORT, FINANCE]

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
EXPORT_ACT = ["sync.change_invoiceexport", "sync.view_exportaction", "sync.view_exportrun"]
EXPORT_VIEW = ["sync.view_exportaction", "sync.view_exportrun"]

# --- payments: everyone reads the payment history (read-only in the admin) ---
PAYMENTS_VIEW = ["sync.view_paymentobservation"]

# "app_label.codename" per role; later features add theirs here. Missing codenames are skipped.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADMINISTRATORS: [
        "coupling.view_coachviewconnection",
        "coupling.change_coachviewconnection",
        "sync.view_invoice",
        "sync.view_debtor",
        "sync.view_invoiceexport",
        "sync.view_exportattempt",
        # Error catalogue (sync.models.catalogue)
        "sync.view_errorcatalogueentry",
        "sync.add_errorcatalogueentry",
        "sync.change_errorcatalogueentry",
        "sync.view_unmatchedmessage",
        *MAPPINGS_EDIT,
        *MAPPINGS_VIEW,
        "coupling.view_exactconnection",
        "coupling.add_exactconnection",
        "coupling.change_exactconnection",
        "coupling.manage_connection",
        "coupling.view_exactapicall",
        *EXPORT_ACT,
        *PAYMENTS_VIEW,
    ],
    SUPPORT: [
        "sync.view_invoice",
        "sync.view_debtor",
        "sync.view_invoiceexport",
        "sync.view_exportattempt",
        *MAPPINGS_VIEW,
        "coupling.view_exactconnection",
        "coupling.view_exactapicall",
        # Error catalogue (sync.models.catalogue)
        "sync.view_errorcatalogueentry",
        "sync.add_errorcatalogueentry",
        "sync.change_errorcatalogueentry",
        "sync.view_unmatchedmessage",
        *EXPORT_ACT,
        *PAYMENTS_VIEW,
    ],
    FINANCE: [
        "sync.view_invoice",
        "sync.view_invoiceexport",
        *EXPORT_VIEW,
        *PAYMENTS_VIEW,
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
        create_permissions(app_config, verbosity=0, using=using)

    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
