"""factory_boy factories shared by the test suite (each part adds its own at the end)."""

import hashlib
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from coupling import roles
from sync.models import Debtor, Invoice, InvoiceExport, InvoiceLine, InvoicePdf
from sync.services.administration import current_source

# --- invoices, lines, debtors, exports (mappings) ---

ADMINISTRATION = "test:1234567"


class DebtorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debtor

    coachview_source = factory.LazyFunction(current_source)
    coachview_id = factory.Sequence(lambda n: f"deb-{n}")
    number = factory.Sequence(lambda n: str(20001 + n))
    name = factory.Sequence(lambda n: f"Klant {n} B.V.")


class InvoiceFactory(factory.django.DjangoModelFactory):
    """A sent invoice of one line: 100.00 + 21 % VAT on G/L 8000, VAT code 2, cost centre 100."""

    class Meta:
        model = Invoice
        skip_postgeneration_save = True

    coachview_source = factory.LazyFunction(current_source)
    coachview_id = factory.Sequence(lambda n: f"inv-{n}")
    number = factory.Sequence(lambda n: str(2026000 + n))
    invoice_date = date(2026, 3, 15)
    due_date = date(2026, 4, 14)
    status = Invoice.CoachviewStatus.VERZONDEN
    debtor = factory.SubFactory(DebtorFactory)
    currency = "EUR"
    total_excl_vat = Decimal("100.00")
    total_vat = Decimal("21.00")
    total_incl_vat = Decimal("121.00")

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        """`lines=[{...}, ...]` gives the lines (totals are not recomputed); default one standard line."""
        if not create:
            return
        for sequence, values in enumerate(extracted if extracted is not None else [{}], start=1):
            InvoiceLineFactory(invoice=self, sequence=sequence, **values)

    @factory.post_generation
    def pdf(self, create, extracted, **kwargs):
        """`pdf=b"%PDF-…"` stores it as fetched (with its checksum, unless one is given)."""
        if not create or extracted is None:
            return
        InvoicePdf.objects.create(invoice=self, content=extracted)
        if extracted and not self.pdf_sha256:
            self.pdf_sha256 = hashlib.sha256(extracted).hexdigest()
            Invoice.objects.filter(pk=self.pk).update(pdf_sha256=self.pdf_sha256)


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory, lines=[])
    sequence = factory.Sequence(lambda n: n + 1)
    description = "Training"
    quantity = Decimal("1")
    unit_price = Decimal("100.00")
    amount_excl_vat = Decimal("100.00")
    vat_code = "2"
    vat_rate = Decimal("21")
    vat_amount = Decimal("21.00")
    gl_account_code = "8000"
    cost_center_code = "100"


class InvoiceExportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceExport
        skip_postgeneration_save = True

    invoice = factory.SubFactory(InvoiceFactory)
    administration = ADMINISTRATION
    state = "new"

    @factory.post_generation
    def since(self, create, extracted, **kwargs):
        """`since=<datetime>` backdates the state's start (`state_changed_at` is set on create)."""
        if not create or extracted is None:
            return
        InvoiceExport.objects.filter(pk=self.pk).update(state_changed_at=extracted)
        self.refresh_from_db()


# --- invoices and exports without debtor or lines, dated today (health, digest, reconciliation, retention) ---


class BareInvoiceFactory(InvoiceFactory):
    """A sent invoice of 100.00 + 21.00 VAT dated today, without debtor, lines or Coachview environment.

    The total including VAT follows the two totals given.
    """

    coachview_source = ""
    number = factory.Sequence(lambda n: str(20260001 + n))
    coachview_id = factory.LazyAttribute(lambda o: f"cv-{o.number}")
    invoice_date = factory.LazyFunction(timezone.localdate)
    due_date = None
    debtor = None
    total_incl_vat = factory.LazyAttribute(lambda o: o.total_excl_vat + o.total_vat)
    lines = factory.PostGeneration(lambda invoice, create, extracted, **kwargs: None)

    @factory.post_generation
    def pdf(self, create, extracted, **kwargs):
        """`pdf=b"%PDF-…"` stores the content only (the checksum stays as given)."""
        if create and extracted is not None:
            InvoicePdf.objects.create(invoice=self, content=extracted)


class BareInvoiceExportFactory(InvoiceExportFactory):
    """An export of a `BareInvoiceFactory` invoice."""

    invoice = factory.SubFactory(BareInvoiceFactory)


# --- users, coupling options ---


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user with password "x", named after its address; `groups=[name, ...]` puts it in those groups."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.nl")
    username = factory.LazyAttribute(lambda o: o.email.split("@")[0])
    password = "x"
    is_staff = True
    is_superuser = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if not create:
            return
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


def administrators() -> list:
    """The people health mails go to: an administrator and a superuser."""
    return [
        UserFactory(email="admin@example.nl", groups=[roles.ADMINISTRATORS]),
        UserFactory(email="root@example.nl", is_superuser=True),
    ]


class CouplingOptionsFactory(factory.django.DjangoModelFactory):
    """The coupling options of an administration (the mappings part's model); an existing row gets the fields."""

    class Meta:
        model = "mappings.CouplingOptions"

    administration = ADMINISTRATION

    @classmethod
    def _create(cls, model_class, *args, administration, **fields):
        return model_class.objects.update_or_create(administration=administration, defaults=fields)[0]


def exact_mirror_seed(*, administration: str = ADMINISTRATION, sales_journal: str = "70") -> None:
    """The mirror as a refresh of the sandbox's seeded Exact would leave it, and options that fit it."""
    import uuid

    from mappings.models import (
        CouplingOptions,
        ExactCostCenter,
        ExactFinancialPeriod,
        ExactGLAccount,
        ExactJournal,
        ExactPaymentCondition,
        ExactVatCode,
        ReferenceSync,
    )
    from sandbox import seedcodes

    admin = {"administration": administration}
    ExactVatCode.objects.bulk_create(
        ExactVatCode(
            **admin,
            exact_id=uuid.uuid4(),
            code=code,
            description=text,
            percentage=Decimal(str(pct)),
            vat_type=vat_type,
            transaction_type=transaction,
            is_blocked=blocked,
        )
        for code, text, pct, vat_type, transaction, blocked in seedcodes.VAT_CODES
    )
    ExactGLAccount.objects.bulk_create(
        ExactGLAccount(
            **admin,
            exact_id=uuid.uuid4(),
            code=code,
            description=text,
            gl_type=gl_type,
            is_blocked=blocked,
            use_cost_center=use,
        )
        for code, text, gl_type, blocked, use in seedcodes.GL_ACCOUNTS
    )
    ExactCostCenter.objects.bulk_create(
        ExactCostCenter(
            **admin,
            exact_id=uuid.uuid4(),
            code=code,
            description=text,
            end_date=date.fromisoformat(end) if end else None,
        )
        for code, text, end in seedcodes.COST_CENTERS
    )
    ExactJournal.objects.bulk_create(
        ExactJournal(
            **admin,
            exact_id=uuid.uuid4(),
            code=code,
            description=text,
            journal_type=journal_type,
            currency=seedcodes.CURRENCY,
        )
        for code, text, journal_type in seedcodes.JOURNALS
    )
    ExactPaymentCondition.objects.bulk_create(
        ExactPaymentCondition(**admin, exact_id=uuid.uuid4(), code=code, description=text, payment_days=days)
        for code, text, days in seedcodes.PAYMENT_CONDITIONS
    )
    ExactFinancialPeriod.objects.bulk_create(
        ExactFinancialPeriod(
            **admin,
            year=year,
            period=month,
            start_date=date(year, month, 1),
            end_date=(date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)),
        )
        for year in (2025, 2026, 2027)
        for month in range(1, 13)
    )
    ReferenceSync.objects.create(**admin, synced_at=timezone.now())
    CouplingOptions.objects.update_or_create(
        **admin,
        defaults={"sales_journal": sales_journal, "default_payment_condition": seedcodes.PAYMENT_CONDITION},
    )
