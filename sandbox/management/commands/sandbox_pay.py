"""sandbox_pay: a bank payment, write-off, credit-note settlement or undo in the simulated Exact (contracts.md)."""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from sandbox.exact.payments import PaymentError, credit_settle, match_undo, payment_register


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise CommandError(f"--amount {text!r} is not an amount.", returncode=2) from exc
    return value


class Command(BaseCommand):
    help = (
        "In the sandbox's Exact, match one bank payment against the entries of these Coachview invoices "
        "(several = one collective payment), or write off, settle a credit note, or undo matches."
    )

    def add_arguments(self, parser):
        parser.add_argument("numbers", nargs="+", metavar="NUMBER", help="Coachview invoice number (the entry's YourRef)")
        parser.add_argument("--amount", help="pay this much of one invoice (partial payment)")
        parser.add_argument("--write-off", choices=["payment", "exchange"], dest="write_off",
                            help="write off what remains as payment or exchange-rate difference")
        parser.add_argument("--against", metavar="NUMBER", help="settle the credit invoice against this invoice")
        parser.add_argument("--undo", action="store_true", help="undo the matches of these invoices")

    def handle(self, *args, numbers, amount, write_off, against, undo, **options):
        try:
            with transaction.atomic(using="sandbox"):
                if undo:
                    outcome = match_undo(numbers=numbers)
                elif against:
                    if len(numbers) != 1 or amount or write_off:
                        raise PaymentError("--against takes one credit invoice number and no other option.")
                    outcome = credit_settle(credit=numbers[0], against=against)
                else:
                    outcome = payment_register(
                        numbers=numbers, amount=_amount(amount) if amount else None, write_off=write_off
                    )
        except (PaymentError, DatabaseError) as exc:
            raise CommandError(f"sandbox_pay could not run: {exc}", returncode=2) from exc
        self.stdout.write(outcome.summary())
