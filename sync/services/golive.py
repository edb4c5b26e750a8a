"""Whether export may run: the go-live checks of the tenant's APIs (contracts.md, "Go-live checks").

Export waits until both checks have passed: the Coachview profile's (`coachview_probe`) for the
Coachview connection's current environment, and the Exact administration's (`exact_probe`) for the
Exact connection's current host, environment and division. The front page, the health check and
`export_invoices` say in one sentence which one export waits for.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from coupling import clock
from coupling.models import CoachviewConnection, CoachviewProfile, ExactConnection
from mappings.models import CouplingOptions
from sync.models import ExportSchedule
from sync.services.administration import current_administration


@dataclass(frozen=True)
class GoLiveState:
    coachview_passed: bool
    coachview_checked_at: datetime | None
    coachview_report: dict | None
    pdf_unavailable: bool = False  # the profile has no PDF path while "attach PDF" is on
    writebacks_off: dict = field(default_factory=dict)  # profile key → {"reason", "since"}
    exact_passed: bool = False
    exact_checked_at: datetime | None = None
    exact_report: dict | None = None
    # Coachview's training environment connected to a live Exact administration: never exported.
    training_into_live: bool = False
    # The scheduled export (not a run by hand): off until an administrator switches it on.
    scheduled_on: bool = False
    scheduled_by: str = ""
    scheduled_at: datetime | None = None

    @property
    def export_allowed(self) -> bool:
        return self.coachview_passed and self.exact_passed and not self.training_into_live

    @property
    def scheduled_allowed(self) -> bool:
        return self.export_allowed and self.scheduled_on

    def schedule_text(self) -> str:
        """Whether the scheduled export runs, and who switched it (one line)."""
        if self.scheduled_on:
            return _("Scheduled export is on (switched on by %(who)s on %(at)s).") % {
                "who": self.scheduled_by or "—", "at": moment(self.scheduled_at)
            }
        if self.scheduled_at:
            return _("Scheduled export is paused (by %(who)s on %(at)s); export by hand still works.") % {
                "who": self.scheduled_by or "—", "at": moment(self.scheduled_at)
            }
        return _(
            "Scheduled export is off until an administrator switches it on (front page); "
            "export by hand ('export_invoices') works once the go-live checks have passed."
        )

    @property
    def checked_at(self) -> datetime | None:
        """When the check export waits for last ran (None: it never ran)."""
        return self.coachview_checked_at if not self.coachview_passed else self.exact_checked_at

    @property
    def exact_warnings(self) -> list[dict]:
        return list((self.exact_report or {}).get("warnings") or [])

    @property
    def exact_blockers(self) -> list[dict]:
        return list((self.exact_report or {}).get("blockers") or [])

    def waiting_for(self) -> str:
        """One line saying which check export waits for ("" when none)."""
        waits = []
        if self.training_into_live:
            waits.append(_(
                "Export waits: Coachview's training environment is connected to a live Exact administration. "
                "Connect Coachview to live (and check it) or Exact to a test administration."
            ))  # fmt: skip
        if not self.coachview_passed:
            if self.coachview_checked_at is None:
                waits.append(_(
                    "Export waits for the go-live check of Coachview: it has not run for this environment yet "
                    "(run 'python manage.py coachview_probe' or press 'Check against Coachview')."
                ))  # fmt: skip
            else:
                waits.append(_(
                    "Export waits for the go-live check of Coachview: its last run did not pass, or the profile or "
                    "the environment changed since (run 'python manage.py coachview_probe' again)."
                ))  # fmt: skip
        if not self.exact_passed:
            if self.exact_checked_at is None:
                waits.append(_(
                    "Export waits for the go-live check of Exact: it has not run for this administration yet "
                    "(run 'python manage.py exact_probe' or press 'Check against Exact')."
                ))  # fmt: skip
            else:
                waits.append(_(
                    "Export waits for the go-live check of Exact: its last run did not pass, or the environment or "
                    "the division changed since (run 'python manage.py exact_probe' again)."
                ))  # fmt: skip
        return " ".join(waits)


def golive_state() -> GoLiveState:
    """The checks' verdicts and the warnings a person should see, read from the database (no network)."""
    profile = CoachviewProfile.load()
    connection = ExactConnection.load()
    administration = current_administration()
    schedule = ExportSchedule.objects.filter(administration=administration).select_related("switched_by").first()
    options = CouplingOptions.for_administration(administration) if administration else None
    attach_pdf = options.attach_pdf if options is not None else True
    return GoLiveState(
        coachview_passed=profile.probe_passed(),
        coachview_checked_at=profile.probe_ran_at,
        coachview_report=profile.probe_report,
        pdf_unavailable=attach_pdf and not profile.view["pdf_path"],
        writebacks_off=dict(profile.writeback_off or {}),
        exact_passed=connection is not None and connection.probe_passed(),
        exact_checked_at=connection.probe_ran_at if connection is not None else None,
        exact_report=connection.probe_report if connection is not None else None,
        training_into_live=(
            profile.connection.environment == CoachviewConnection.Environment.TRAINING
            and connection is not None
            and connection.environment == ExactConnection.Environment.LIVE
        ),
        scheduled_on=bool(schedule and schedule.switched_on),
        scheduled_by=(schedule.switched_by.get_username() if schedule and schedule.switched_by else ""),
        scheduled_at=schedule.switched_at if schedule else None,
    )


def moment(at: datetime | None) -> str:
    return timezone.localtime(at).strftime("%d-%m-%Y %H:%M") if at else "—"


def schedule_switch(*, on: bool, user=None) -> ExportSchedule:
    """Switch the scheduled export of the connected administration on or pause it (who and when recorded)."""
    administration = current_administration()
    if not administration:
        raise ValueError("no Exact administration is connected")
    schedule, _created = ExportSchedule.objects.get_or_create(administration=administration)
    schedule.switched_on, schedule.switched_by, schedule.switched_at = on, user, clock.now()
    schedule.save()
    return schedule
