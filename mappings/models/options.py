"""The coupling's options, one row per administration (contracts.md "Options and their defaults")."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coupling.models import administration_label


class CouplingOptions(models.Model):
    administration = models.CharField(_("Exact administration"), max_length=40, unique=True)
    sales_journal = models.CharField(
        _("sales journal"), max_length=20, blank=True, help_text=_("Code of Exact's sales journal, e.g. 70.")
    )
    credit_note_journal = models.CharField(
        _("credit-note journal"), max_length=20, blank=True, help_text=_("Empty: the sales journal is used.")
    )
    default_payment_condition = models.CharField(
        _("default payment condition"),
        max_length=20,
        blank=True,
        help_text=_("Empty: the account's or the administration's default applies."),
    )
    update_existing_customers = models.BooleanField(_("update existing Exact customers"), default=False)
    debtor_number_prefix = models.CharField(
        _("debtor-number prefix"),
        max_length=17,
        blank=True,
        validators=[RegexValidator(r"^\d*$", _("The prefix must be digits: Exact relation codes are numeric."))],
        help_text=_("Digits put before Coachview's debtor number to keep it clear of Exact's own numbers."),
    )
    attach_pdf = models.BooleanField(_("attach the invoice PDF"), default=True)
    invoice_number_as_entry_number = models.BooleanField(_("invoice number as entry number"), default=True)
    export_from_date = models.DateField(
        _("export invoices from"),
        null=True,
        blank=True,
        help_text=_("Invoices dated before this were booked by hand and are not exported."),
    )
    payment_registration = models.BooleanField(_("report payments to Coachview"), default=True)
    # In Exact a line's From/To spread its revenue over the periods in between (deferred revenue),
    # which needs the administration set up for it: off unless a person chooses it.
    spread_revenue = models.BooleanField(
        _("spread revenue over the course period"),
        default=False,
        help_text=_(
            "Send each line's course period (From/To) so Exact spreads the revenue over those periods. Only "
            "when the administration is set up for deferred revenue: name its account below."
        ),
    )
    deferred_revenue_gl_account = models.CharField(
        _("deferred-revenue G/L account"),
        max_length=20,
        blank=True,
        help_text=_(
            "Code of the G/L account Exact books deferred revenue on (Exact's financial settings); the pre-flight "
            "holds invoices while it is empty or not usable in Exact."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("coupling options")
        verbose_name_plural = _("coupling options")

    def __str__(self):
        return str(_("Options for %(administration)s") % {"administration": administration_label(self.administration)})

    @classmethod
    def for_administration(cls, administration: str) -> "CouplingOptions":
        """The stored options, or unsaved defaults when none were chosen yet."""
        return cls.objects.filter(administration=administration).first() or cls(administration=administration)

    def journal_for(self, *, is_credit: bool) -> str:
        """The journal code an invoice is booked in."""
        return (
            self.credit_note_journal if is_credit and self.credit_note_journal else self.sales_journal
        ).strip()
