"""The three roles as Django groups, and the permissions each needs.

The groups are created by a data migration; their permissions are (re)applied after every
`migrate`, because permissions of models added by later migrations exist only then.
"""

ADMINISTRATORS = "Coupling administrators"
SUPPORT = "Support"
FINANCE = "Finance"
ROLES = [ADMINISTRATORS, SUPPORT, FINANCE]

# "app_label.codename" per role; later features add theirs here. Missing codenames are skipped.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADMINISTRATORS: [
        "sync.view_invoice",
        "sync.view_debtor",
        "sync.view_invoiceexport",
        "sync.view_exportattempt",
        "sync.view_healthproblem",
        "sync.view_reconciliation",
        "sync.view_reconciliationline",
        "sync.export_reconciliation",
    ],
    SUPPORT: [
        "sync.view_invoice",
        "sync.view_debtor",
        "sync.view_invoiceexport",
        "sync.view_exportattempt",
    ],
    FINANCE: [
        "sync.view_invoice",
        "sync.view_invoiceexport",
        "sync.view_reconciliation",
        "sync.view_reconciliationline",
        "sync.export_reconciliation",
    ],
}


def apply_role_permissions(**kwargs) -> None:
    """Give each role group exactly the permissions listed above (post_migrate)."""
    from django.contrib.auth.models import Group, Permission

    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
