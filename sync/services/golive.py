"""Whether export may run: the go-live checks of the tenant's APIs (contracts.md, "Go-live checks").

Export waits until the Coachview profile's check (`coachview_probe`) has passed for the connection's
current environment. The front page, the health check and `export_invoices` say so in one sentence.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from coupling.models import CoachviewProfile
from mappings.models import CouplingOptions
from sync.services.administration import current_administration


@dataclass(frozen=True)
class GoLiveState:
    coachview_passed: bool
    coachview_checked_at: datetime | None
    coachview_report: dict | None
    pdf_unavailable: bool = False  # the profile has no PDF path while "attach PDF" is on
    writebacks_off: dict = field(default_factory=dict)  # profile key → {"reason", "since"}

    @property
    def export_allowed(self) -> bool:
        return self.coachview_passed

    def waiting_for(self) -> str:
        """One line saying which check export waits for ("" when none)."""
        if not self.coachview_passed:
            if self.coachview_checked_at is None:
                return _(
                    "Export waits for the go-live check of Coachview: it has not run for this environment yet "
                    "(run 'python manage.py coachview_probe' or press 'Check against Coachview')."
                )
            return _(
                "Export waits for the go-live check of Coachview: its last run did not pass, or the profile or "
                "the environment changed since (run 'python manage.py coachview_probe' again)."
            )
        return ""


def golive_state() -> GoLiveState:
    """The checks' verdicts and the warnings a person should see, read from the database (no network)."""
    profile = CoachviewProfile.load()
    administration = current_administration()
    options = CouplingOptions.for_administration(administration) if administration else None
    attach_pdf = options.attach_pdf if options is not None else True
    return GoLiveState(
        coachview_passed=profile.probe_passed(),
        coachview_checked_at=profile.probe_ran_at,
        coachview_report=profile.probe_report,
        pdf_unavailable=attach_pdf and not profile.view["pdf_path"],
        writebacks_off=dict(profile.writeback_off or {}),
    )
