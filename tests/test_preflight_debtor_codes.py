"""The Exact relation code of a debtor: source order, extern source, prefix, 18 characters right-aligned."""

import pytest

from mappings.models import CouplingOptions
from sync.services.debtor_codes import DebtorCodeInvalid, debtor_exact_code
from tests.factories import DebtorFactory

pytestmark = pytest.mark.django_db
NO_PREFIX = CouplingOptions(administration="test:1")


def test_it_right_aligns_the_debtor_number_to_18_characters():
    assert debtor_exact_code(debtor=DebtorFactory(number="00042"), options=NO_PREFIX) == "00042".rjust(18)


def test_it_prefers_the_extern_id_from_exact_then_the_external_number_then_the_number():
    debtor = DebtorFactory(number="42", number_external="4200", extern_id="777", extern_source="Exact")
    assert debtor_exact_code(debtor=debtor, options=NO_PREFIX).strip() == "777"
    debtor.extern_source = "AFAS"  # another system's id is no Exact relation number
    assert debtor_exact_code(debtor=debtor, options=NO_PREFIX).strip() == "4200"
    debtor.number_external = ""
    assert debtor_exact_code(debtor=debtor, options=NO_PREFIX).strip() == "42"


def test_it_follows_the_configured_source_order():
    debtor = DebtorFactory(number="42", number_external="4200")
    code = debtor_exact_code(
        debtor=debtor, options=NO_PREFIX, source_order=["debiteurnummer", "debiteurnummerExtern"]
    )
    assert code.strip() == "42"


def test_it_puts_the_numeric_prefix_in_front():
    options = CouplingOptions(administration="test:1", debtor_number_prefix="9")
    assert debtor_exact_code(debtor=DebtorFactory(number="42"), options=options).strip() == "942"


@pytest.mark.parametrize(
    ("number", "prefix", "why"),
    [
        ("K42", "", "not_numeric"),
        ("１２", "", "not_numeric"),
        ("1" * 17, "99", "too_long"),
        ("", "", "missing"),
    ],
)
def test_it_refuses_a_code_exact_cannot_hold(number, prefix, why):
    options = CouplingOptions(administration="test:1", debtor_number_prefix=prefix)
    with pytest.raises(DebtorCodeInvalid) as raised:
        debtor_exact_code(debtor=DebtorFactory(number=number), options=options)
    assert raised.value.reason == why
