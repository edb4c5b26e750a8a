"""Small builders for the health, digest, reconciliation and retention tests."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from coupling import roles
from sync.models import ExportState, Invoice, InvoiceExport, InvoicePdf

ADMINISTRATION = "test:1234567"
_numbers = count(20260001)


@dataclass
class FakeBlock:
    endpoint: str
    error_count: int
    blocked_until: datetime


@dataclass
class FakeLink:
    """The shape of coupling.exact.health.LinkHealth, for tests that need no Exact connection."""

    status: str = "connected"
    administration: str = ADMINISTRATION
    access_token_expires_at: datetime | None = None
    refresh_token_expires_at: datetime | None = field(default_factory=lambda: timezone.now() + timedelta(days=29))
    last_error: str = ""
    minutely_limit: int | None = 60
    minutely_remaining: int | None = 60
    minutely_reset_at: datetime | None = None
    daily_limit: int | None = 5000
    daily_remaining: int | None = 4000
    daily_reset_at: datetime | None = None
    blocked_endpoints: list = field(default_factory=list)


def user_in(group_name: str | None, *, email: str, superuser: bool = False):
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password="x", is_superuser=superuser, is_staff=True
    )
    if group_name:
        user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    return user


def administrators():
    return [
        user_in(roles.ADMINISTRATORS, email="admin@example.nl"),
        user_in(None, email="root@example.nl", superuser=True),
    ]


def invoice(*, number: str | None = None, day=None, excl="100.00", vat="21.00", status="Verzonden", **extra) -> Invoice:
    number = number or str(next(_numbers))
    excl, vat = Decimal(excl), Decimal(vat)
    pdf = extra.pop("pdf", None)
    created = Invoice.objects.create(
        coachview_id=f"cv-{number}",
        number=number,
        invoice_date=day or timezone.localdate(),
        status=status,
        total_excl_vat=excl,
        total_vat=vat,
        total_incl_vat=excl + vat,
        **extra,
    )
    if pdf is not None:
        InvoicePdf.objects.create(invoice=created, content=pdf)
    return created


def export(*, inv: Invoice | None = None, state=ExportState.NEW, since: datetime | None = None, **extra) -> InvoiceExport:
    inv = inv or invoice()
    row = InvoiceExport.objects.create(invoice=inv, administration=ADMINISTRATION, state=state, **extra)
    if since is not None:
        InvoiceExport.objects.filter(pk=row.pk).update(state_changed_at=since)
        row.refresh_from_db()
    return row


def options(*, administration: str = ADMINISTRATION, **fields):
    """The coupling options of an administration (the mappings part's model)."""
    from mappings.models import CouplingOptions

    row, _ = CouplingOptions.objects.update_or_create(administration=administration, defaults=fields)
    return row
