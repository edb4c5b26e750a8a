"""Keeping one HealthProblem row per open problem: e-mail once when it opens, once when it clears."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from coupling import clock, roles
from sync.models import HealthProblem
from sync.services.health import Problem, link_health_check, moment_text
from sync.services.health_texts import in_both_languages, problem_text, problem_title, recovery_text

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Coachview → Exact]"


@dataclass
class HealthRunResult:
    opened: int = 0
    still_open: int = 0
    resolved: int = 0
    notified: int = 0
    recovered: int = 0

    def summary(self) -> str:
        return (
            f"Health: {self.opened} new, {self.still_open} still open, {self.resolved} cleared; "
            f"{self.notified} problem e-mails, {self.recovered} recovery e-mails."
        )


@dataclass(frozen=True)
class FrontPageProblem:
    kind: str
    severity: str
    title: str
    text: str
    since: datetime


def health_check_run(*, now: datetime | None = None) -> HealthRunResult:
    """Check the link, record what opened and cleared, then tell the administrators (once each)."""
    now = now or clock.now()
    result = HealthRunResult()
    found = {problem.key: problem for problem in link_health_check(now=now)}
    open_rows = {(row.kind, row.subject): row for row in HealthProblem.objects.filter(resolved_at__isnull=True)}
    for key, problem in found.items():
        row = open_rows.get(key)
        if row is None:
            result.opened += _open(problem, now=now)
        else:
            HealthProblem.objects.filter(pk=row.pk).update(last_seen_at=now, params=problem.params)
            result.still_open += 1
    for key, row in open_rows.items():
        if key not in found:
            # Conditional: of two concurrent runs, only one closes (and announces) it.
            result.resolved += HealthProblem.objects.filter(pk=row.pk, resolved_at__isnull=True).update(resolved_at=now)
    # Mail only after the rows are committed (record first, then call out).
    result.notified = _notify_opened(now=now)
    result.recovered = _notify_resolved(now=now)
    return result


def _open(problem: Problem, *, now: datetime) -> int:
    try:
        with transaction.atomic():
            HealthProblem.objects.create(
                kind=problem.kind,
                subject=problem.subject,
                severity=problem.severity,
                params=problem.params,
                opened_at=now,
                last_seen_at=now,
            )
    except IntegrityError:
        return 0  # another run opened it a moment ago
    return 1


def administrators_emails() -> list[str]:
    """Coupling administrators and superusers with an e-mail address, each once."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    users = users.filter(Q(groups__name=roles.ADMINISTRATORS) | Q(is_superuser=True))
    return sorted(set(users.values_list("email", flat=True)))


def _claimed(queryset, field: str, now: datetime) -> list[HealthProblem]:
    """Rows this run may notify about: each taken with a conditional UPDATE, so no mail goes out twice."""
    claimed = []
    for row in queryset:
        if type(row).objects.filter(pk=row.pk, **{f"{field}__isnull": True}).update(**{field: now}) == 1:
            claimed.append(row)
    return claimed


def _notify_opened(*, now: datetime) -> int:
    rows = _claimed(HealthProblem.objects.filter(resolved_at__isnull=True, notified_at__isnull=True), "notified_at", now)
    sent = 0
    for row in rows:
        def render(row=row):
            return problem_title(row.kind, row.params), problem_text(row.kind, row.params)

        (nl_title, nl_text), (en_title, en_text) = in_both_languages(render)
        subject = f"{SUBJECT_PREFIX} {nl_title} / {en_title}"
        body = "\n\n".join([nl_title, nl_text, "—", en_title, en_text, _admin_link()])
        if _send(subject, body):
            sent += 1
        else:
            # Not told: unclaim so the next run tries again.
            HealthProblem.objects.filter(pk=row.pk).update(notified_at=None)
    return sent


def _notify_resolved(*, now: datetime) -> int:
    pending = HealthProblem.objects.filter(
        resolved_at__isnull=False, notified_at__isnull=False, recovery_notified_at__isnull=True
    )
    sent = 0
    for row in _claimed(pending, "recovery_notified_at", now):
        def render(row=row):
            title = problem_title(row.kind, row.params)
            text = recovery_text(title=title, opened=moment_text(row.opened_at), resolved=moment_text(row.resolved_at))
            return title, text

        (nl_title, nl_text), (en_title, en_text) = in_both_languages(render)
        subject = f"{SUBJECT_PREFIX} OK: {nl_title} / {en_title}"
        if _send(subject, "\n\n".join([nl_text, "—", en_text, _admin_link()])):
            sent += 1
        else:
            HealthProblem.objects.filter(pk=row.pk).update(recovery_notified_at=None)
    return sent


def _admin_link() -> str:
    return f"{settings.SITE_URL}{reverse('admin:index')}"


def _send(subject: str, body: str) -> bool:
    recipients = administrators_emails()
    if not recipients:
        logger.warning("Health problem not e-mailed: no coupling administrator has an e-mail address.")
        return True  # nobody to tell; the admin's front page still shows it
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # noqa: BLE001 (any mail failure: keep the row unnotified and retry next run)
        logger.exception("Health e-mail could not be sent")
        return False
    return True


def front_page_problems() -> list[FrontPageProblem]:
    """The open problems for the admin's front page, broken first, in the active language."""
    rows = HealthProblem.objects.filter(resolved_at__isnull=True).order_by("opened_at", "id")
    problems = [
        FrontPageProblem(
            kind=row.kind,
            severity=row.severity,
            title=problem_title(row.kind, row.params),
            text=problem_text(row.kind, row.params),
            since=row.opened_at,
        )
        for row in rows
    ]
    return sorted(problems, key=lambda p: p.severity != HealthProblem.Severity.BROKEN)
