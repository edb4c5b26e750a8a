"""Coachview codes resolve to Exact codes: identical codes implicitly, explicit mappings override."""

import pytest
from django.db import IntegrityError, transaction

from mappings.models import CostCenterMapping, GLAccountMapping, MappingKind, VatCodeMapping
from mappings.resolver import MappingResolver, mapping_resolve
from tests.factories import ADMINISTRATION

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exact_mirror")]


def test_an_identical_code_maps_implicitly_compared_trimmed():
    resolution = mapping_resolve(administration=ADMINISTRATION, kind=MappingKind.VAT_CODE, coachview_code="2")
    assert resolution.exact_code == "2  "  # exactly as Exact returns it
    assert resolution.exact_id is not None
    assert resolution.problem_code is None


def test_an_explicit_mapping_overrides_the_identical_code():
    GLAccountMapping.objects.create(administration=ADMINISTRATION, coachview_code="8000", exact_code="8010")
    resolution = mapping_resolve(
        administration=ADMINISTRATION, kind=MappingKind.GL_ACCOUNT, coachview_code="8000"
    )
    assert resolution.exact_code == "8010"
    assert resolution.explicit


def test_an_explicit_mapping_repairs_an_inclusive_vat_code():
    VatCodeMapping.objects.create(administration=ADMINISTRATION, coachview_code="5", exact_code="2")
    resolution = mapping_resolve(administration=ADMINISTRATION, kind=MappingKind.VAT_CODE, coachview_code="5")
    assert (resolution.exact_code, resolution.problem_code) == ("2  ", None)


def test_a_mapping_to_a_blocked_account_is_reported_as_blocked():
    GLAccountMapping.objects.create(administration=ADMINISTRATION, coachview_code="8000", exact_code="8900")
    resolution = mapping_resolve(
        administration=ADMINISTRATION, kind=MappingKind.GL_ACCOUNT, coachview_code="8000"
    )
    assert resolution.problem_code == "preflight.gl_account_blocked"


def test_an_unknown_code_is_unmapped_for_each_kind():
    resolver = MappingResolver(administration=ADMINISTRATION)
    assert resolver.resolve(MappingKind.VAT_CODE, "77").problem_code == "preflight.vat_code_unmapped"
    assert resolver.resolve(MappingKind.GL_ACCOUNT, "7777").problem_code == "preflight.gl_account_unmapped"
    assert (
        resolver.resolve(MappingKind.COST_CENTER, "Intern").problem_code == "preflight.cost_center_unmapped"
    )


def test_a_cost_centre_may_map_to_none():
    CostCenterMapping.objects.create(administration=ADMINISTRATION, coachview_code="Intern", exact_code="")
    resolution = mapping_resolve(
        administration=ADMINISTRATION, kind=MappingKind.COST_CENTER, coachview_code="Intern"
    )
    assert (resolution.exact_code, resolution.problem_code) == ("", None)


def test_mappings_are_per_administration():
    VatCodeMapping.objects.create(administration="live:999", coachview_code="5", exact_code="2")
    resolution = mapping_resolve(administration=ADMINISTRATION, kind=MappingKind.VAT_CODE, coachview_code="5")
    assert resolution.problem_code == "preflight.vat_code_inclusive"


@pytest.mark.parametrize("model", [VatCodeMapping, GLAccountMapping, CostCenterMapping])
def test_the_database_refuses_a_second_mapping_of_the_same_code(model):
    model.objects.create(administration=ADMINISTRATION, coachview_code="X1", exact_code="2")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(administration=ADMINISTRATION, coachview_code=" X1 ", exact_code="3")
    model.objects.create(administration="live:999", coachview_code="X1", exact_code="3")


def test_one_resolver_answers_many_lines_without_further_queries(django_assert_num_queries):
    resolver = MappingResolver(administration=ADMINISTRATION)
    with django_assert_num_queries(0):
        for code in ["2", "1", "0", "5", "9"] * 100:
            resolver.resolve(MappingKind.VAT_CODE, code)
