"""What each health problem says to a person, and what they should do (gettext: Dutch and English)."""

from django.utils.translation import gettext as _
from django.utils.translation import override

from sync.models import HealthProblem

Kind = HealthProblem.Kind


def problem_title(kind: str, params: dict) -> str:
    """A short title in the active language."""
    titles = {
        Kind.NOT_CONNECTED: _("Exact Online is not connected"),
        Kind.RECONNECT_NEEDED: _("The link to Exact Online is broken: connect again"),
        Kind.REFRESH_TOKEN_EXPIRING: _("The link to Exact Online expires on %(expires)s"),
        Kind.STALLED_FETCH: _("No invoices fetched from Coachview since %(last_success)s"),
        Kind.STALLED_EXPORT: _("No export to Exact completed since %(last_success)s"),
        Kind.STALLED_POLL: _("No payment poll completed since %(last_success)s"),
        Kind.BUDGET_DAILY_SPENT: _("Exact's daily call budget is spent"),
        Kind.ENDPOINT_BLOCKED: _("Calls to Exact's %(endpoint)s are paused"),
        Kind.UNKNOWN_STALE: _("%(count)s invoices with an unknown outcome"),
        Kind.GOLIVE_PENDING: _("Export waits for the go-live check of %(check)s"),
        Kind.CLIENT_REFUSED: _("Exact refuses the coupling's client id or secret"),
        Kind.WRITEBACK_OFF: _("A status write-back to Coachview is switched off"),
        Kind.PDF_UNAVAILABLE: _("Coachview offers no invoice PDF to attach"),
    }
    never = {
        Kind.STALLED_FETCH: _("No fetch from Coachview has completed yet"),
        Kind.STALLED_EXPORT: _("No export to Exact has completed yet"),
        Kind.STALLED_POLL: _("No payment poll has completed yet"),
    }
    if kind in never and not params.get("last_success"):
        return never[kind]
    return titles.get(kind, kind) % {"check": "Coachview", **params}


def problem_text(kind: str, params: dict) -> str:
    """What happened and what to do, in the active language."""
    texts = {
        Kind.NOT_CONNECTED: _(
            "No Exact Online administration is connected, so nothing is exported and no payments are read. "
            "What to do: a coupling administrator opens the admin, Exact Online connection, and connects."
        ),
        Kind.RECONNECT_NEEDED: _(
            "Exact no longer accepts the coupling's token (%(error)s). Nothing is exported and no payments are "
            "read until the link is connected again. Nothing is lost: waiting invoices are exported afterwards. "
            "What to do: a coupling administrator opens the admin, Exact Online connection, and connects again "
            "with an Exact user who has access to administration %(administration)s."
        ),
        Kind.REFRESH_TOKEN_EXPIRING: _(
            "Exact ends a link that is not used for 30 days; this one ends on %(expires)s. Every call to Exact "
            "renews it. What to do: check that the scheduled jobs run (the worker, qcluster), or run "
            "'python manage.py poll_payments' once; if that fails, connect again in the admin before that date."
        ),
        Kind.STALLED_FETCH: _(
            "Fetching from Coachview has not completed for more than %(hours)s hours (last success: "
            "%(last_success)s). New and changed invoices are not read. What to do: check that the worker "
            "(qcluster) runs and run 'python manage.py fetch_invoices' to see the error; check the Coachview "
            "connection's client id and secret in the admin."
        ),
        Kind.STALLED_EXPORT: _(
            "No export to Exact has completed for more than %(hours)s hours (last success: %(last_success)s) "
            "while invoices wait since %(waiting_since)s. What to do: check that the worker (qcluster) runs and "
            "run 'python manage.py export_invoices' to see what stops it."
        ),
        Kind.STALLED_POLL: _(
            "No payment poll has completed for more than %(hours)s hours (last success: %(last_success)s), so "
            "Coachview does not learn which invoices are paid. What to do: check that the worker (qcluster) runs "
            "and run 'python manage.py poll_payments' to see the error."
        ),
        Kind.BUDGET_DAILY_SPENT: _(
            "The coupling used all %(limit)s calls Exact allows per day. Exports and payment polls pause until "
            "%(resets)s and then continue by themselves. What to do: nothing if it is rare; if it happens every "
            "day, spread a large backlog over more days or ask Exact for a higher limit."
        ),
        Kind.ENDPOINT_BLOCKED: _(
            "Exact's %(endpoint)s answered with an error %(errors)s times within an hour. The coupling stops "
            "calling it until %(until)s, before Exact blocks it for everyone. What to do: open the failed "
            "invoices in the admin, find the cause in the error catalogue and fix it; it resumes by itself."
        ),
        Kind.UNKNOWN_STALE: _(
            "The outcome of %(count)s invoices has been unknown since %(since)s: Exact may or may not have "
            "booked them. The export looks each one up in Exact before it sends anything again. What to do: if "
            "they stay unknown, check in Exact whether the entry exists, then retry or exclude the invoice in "
            "the admin (filter the invoice exports on state 'outcome unknown')."
        ),
        Kind.GOLIVE_PENDING: _(
            "Nothing is exported until the go-live checks of the Coachview profile and of the Exact "
            "administration have both passed for the current environments; %(check)s has not (last check: "
            "%(checked)s). What to do: a coupling administrator opens the %(check)s connection, presses "
            "'Check against %(check)s', fixes or decides what the check reports, and checks again."
        ),
        Kind.CLIENT_REFUSED: _(
            "Exact's token endpoint refuses the app's client id or secret (%(error)s), so nothing is exported "
            "and no payments are read; refreshing again cannot help. What to do: a coupling administrator "
            "compares the client id and secret on the Exact Online connection page with the app in Exact's App "
            "Center (a secret may have been renewed there), saves them, and connects again."
        ),
        Kind.WRITEBACK_OFF: _(
            "The coupling stopped telling Coachview the %(which)s because Coachview does not offer it: "
            "%(reason)s. Exports and payments go on; the console still shows every status. What to do: run the "
            "go-live check; when Coachview offers the endpoint, correct the profile and switch it on again."
        ),
        Kind.PDF_UNAVAILABLE: _(
            "The Coachview profile names no endpoint for the invoice PDF while 'attach PDF' is on, so invoices "
            "are held. What to do: run the go-live check to find the endpoint, or switch 'attach PDF' off in the "
            "coupling options to book without the PDF."
        ),
    }
    values = {"error": "", "administration": "", "checked": "", "which": "", "reason": "", "check": "Coachview", **params}
    values["last_success"] = params.get("last_success") or _("never")
    values["checked"] = params.get("checked") or _("never")
    values["which"] = {"writeback_booked": _("booking status"), "writeback_paid": _("payment status")}.get(
        params.get("which", ""), params.get("which", "")
    )
    return texts.get(kind, kind) % values


def recovery_text(*, title: str, opened: str, resolved: str) -> str:
    """The recovery notice in the active language."""
    return _("Solved: %(title)s. The problem noticed at %(opened)s cleared at %(resolved)s. Nothing needs to be done.") % {
        "title": title,
        "opened": opened,
        "resolved": resolved,
    }


def in_both_languages(render) -> tuple[str, str]:
    """`render()` in Dutch and in English: administrators may read either."""
    with override("nl"):
        dutch = render()
    with override("en"):
        english = render()
    return dutch, english
