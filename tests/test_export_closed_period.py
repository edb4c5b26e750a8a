"""A closed period is learned from Exact's answer: its invoices are held, not failed, and not sent again."""

import pytest

from sandbox.exact.salesentries import close_period
from sandbox.models import SandboxRequest
from sandbox.seedcodes import DIVISION
from sync.models import ExportState
from sync.services.export_actions import export_retry
from tests.test_export_end_to_end import (  # noqa: F401 (flow is a fixture, used by name)
    coachview_debtor,
    coachview_invoice,
    export_of,
    flow,
    run,
)

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def entry_posts() -> list[int]:
    return list(
        SandboxRequest.objects.filter(method="POST", path__endswith="salesentry/SalesEntries").values_list(
            "status", flat=True
        )
    )


@pytest.mark.parametrize("wording", ["rest", "xml"])  # Exact's REST and XML texts: both held, never failed
def test_invoices_in_a_closed_period_are_held_after_one_refusal_and_the_others_booked(flow, settings, wording):  # noqa: F811
    settings.SANDBOX_EXACT_WORDING = wording
    close_period(division=DIVISION, year=2026, period=3)
    debtor = coachview_debtor(10001)
    for number in (6001, 6002, 6003):
        coachview_invoice(number, debtor)  # dated 2026-03-01
    coachview_invoice(6004, debtor, factuurdatum="2026-04-02", vervaldatum="2026-05-02")

    result = run()

    states = {n: export_of(n, flow).state for n in (6001, 6002, 6003, 6004)}
    assert states == {6001: "held", 6002: "held", 6003: "held", 6004: "exported"}
    assert sorted(entry_posts()) == [201, 500]  # one refusal taught us; the other two were not sent
    assert result.run.held == 3 and result.run.failed == 0
    for number in (6001, 6002, 6003):
        assert [r["code"] for r in export_of(number, flow).reasons] == ["exact.period_closed"]

    SandboxRequest.objects.all().delete()
    run()  # the next run keeps them held without asking Exact again
    assert entry_posts() == []
    assert {export_of(n, flow).state for n in (6001, 6002, 6003)} == {ExportState.HELD}

    close_period(division=DIVISION, year=2026, period=3, closed=False)
    export_retry(export=export_of(6002, flow))  # a person reopened the period and retries one
    run()
    assert entry_posts() == [201, 201, 201]
    assert {export_of(n, flow).state for n in (6001, 6002, 6003)} == {ExportState.EXPORTED}
