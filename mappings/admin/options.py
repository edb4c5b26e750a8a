"""The coupling's options: one row per administration, all in one place."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from coupling.admin_keys import KeysForAdministratorsMixin
from mappings.models import CouplingOptions, ExactJournal, ExactPaymentCondition
from mappings.services import current_administration


def _choices(rows, empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [(row.code.strip(), f"{row.code.strip()} — {row.description}") for row in rows]


class CouplingOptionsForm(forms.ModelForm):
    class Meta:
        model = CouplingOptions
        fields = [
            "administration",
            "sales_journal",
            "credit_note_journal",
            "default_payment_condition",
            "update_existing_customers",
            "debtor_number_prefix",
            "attach_pdf",
            "invoice_number_as_entry_number",
            "export_from_date",
            "payment_registration",
            "spread_revenue",
            "deferred_revenue_gl_account",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        administration = self.instance.administration or self.initial.get("administration") or ""
        journals = [
            j for j in ExactJournal.objects.filter(administration=administration) if j.is_usable_for_sales()
        ]
        conditions = list(ExactPaymentCondition.objects.filter(administration=administration))
        # Offer Exact's own lists when they were read; a typed code is still checked by the pre-flight.
        # A read-only view (support) builds the form without these fields: nothing to offer then.
        offers = {
            "sales_journal": (journals, _("— choose —")),
            "credit_note_journal": (journals, _("— the sales journal —")),
            "default_payment_condition": (conditions, _("— Exact's default —")),
        }
        for name, (rows, empty) in offers.items():
            if rows and name in self.fields:
                self.fields[name].widget = forms.Select(choices=_choices(rows, empty))

    def clean_debtor_number_prefix(self) -> str:
        prefix = self.cleaned_data["debtor_number_prefix"].strip()
        if prefix and not (prefix.isdigit() and prefix.isascii()):
            raise forms.ValidationError(_("Exact relation codes are numeric: use digits only."))
        return prefix


@admin.register(CouplingOptions)
class CouplingOptionsAdmin(KeysForAdministratorsMixin, admin.ModelAdmin):
    keys_fields = ("administration",)
    form = CouplingOptionsForm
    list_display = [
        "administration",
        "sales_journal",
        "credit_note_journal",
        "default_payment_condition",
        "attach_pdf",
        "invoice_number_as_entry_number",
        "export_from_date",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["administration"]}),
        (
            _("Booking"),
            {
                "fields": [
                    "sales_journal",
                    "credit_note_journal",
                    "default_payment_condition",
                    "invoice_number_as_entry_number",
                    "attach_pdf",
                    "export_from_date",
                ]
            },
        ),
        (_("Customers"), {"fields": ["update_existing_customers", "debtor_number_prefix"]}),
        (_("Payments"), {"fields": ["payment_registration"]}),
        (_("Deferred revenue"), {"fields": ["spread_revenue", "deferred_revenue_gl_account"]}),
    ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if not initial.get("administration"):
            initial["administration"] = current_administration() or ""
        return initial

    def get_readonly_fields(self, request, obj=None):
        return ["administration"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("book-without-pdf/", wrap(self.book_without_pdf_view), name="mappings_couplingoptions_no_pdf"),
            *super().get_urls(),
        ]

    def book_without_pdf_view(self, request):
        """One click from the front page when Coachview offers no PDF: 'attach PDF' off (POST only)."""
        administration = current_administration()
        if request.method == "POST" and administration and self.has_change_permission(request):
            options, _created = CouplingOptions.objects.get_or_create(administration=administration)
            options.attach_pdf = False
            options.save(update_fields=["attach_pdf", "updated_at"])
            self.message_user(
                request,
                gettext_now("Invoices are now booked without the PDF. Switch 'attach PDF' on again in the options."),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:index"))
