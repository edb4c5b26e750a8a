"""The simulated Exact's receivables in the admin, with the bookkeeper's actions of `sandbox_pay`."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sandbox import seedcodes
from sandbox.exact import payments, receivables
from sandbox.models import ExactReceivable


def _numbers(queryset) -> list[str]:
    return sorted({row.data.get("YourRef") for row in queryset if row.data.get("_Invoice") and row.data.get("YourRef")})


def _run(modeladmin, request, operation) -> None:
    try:
        with transaction.atomic(using="sandbox"):
            outcome = operation()
    except payments.PaymentError as exc:
        modeladmin.message_user(request, str(exc), messages.ERROR)
        return
    modeladmin.message_user(request, outcome.summary(), messages.SUCCESS)


@admin.register(ExactReceivable)
class ExactReceivableAdmin(admin.ModelAdmin):
    list_display = ["key", "your_ref", "amount", "status", "seq"]
    ordering = ["-seq"]
    search_fields = ["data__YourRef"]
    actions = ["pay_in_full", "write_off_payment", "write_off_exchange", "undo"]

    def get_queryset(self, request):
        receivables.terms_ensure(division=seedcodes.DIVISION)
        return super().get_queryset(request).filter(entity=receivables.RECEIVABLES)

    @admin.display(description=_("invoice number (YourRef)"))
    def your_ref(self, obj):
        return obj.data.get("YourRef")

    @admin.display(description=_("amount"))
    def amount(self, obj):
        return obj.data.get("AmountDC")

    @admin.display(description=_("status"))
    def status(self, obj):
        return _("matched") if obj.data.get("Status") == receivables.MATCHED else _("open")

    @admin.action(description=_("Pay in full (one bank payment for the selected invoices)"))
    def pay_in_full(self, request, queryset):
        _run(self, request, lambda: payments.payment_register(numbers=_numbers(queryset)))

    @admin.action(description=_("Write off the rest as payment difference"))
    def write_off_payment(self, request, queryset):
        _run(self, request, lambda: payments.payment_register(numbers=_numbers(queryset), write_off="payment"))

    @admin.action(description=_("Write off the rest as exchange-rate difference"))
    def write_off_exchange(self, request, queryset):
        _run(self, request, lambda: payments.payment_register(numbers=_numbers(queryset), write_off="exchange"))

    @admin.action(description=_("Undo the matches of the selected invoices"))
    def undo(self, request, queryset):
        _run(self, request, lambda: payments.match_undo(numbers=_numbers(queryset)))
