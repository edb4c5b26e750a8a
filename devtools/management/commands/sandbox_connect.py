"""Point the Exact connection at the sandbox and complete OAuth over HTTP, without a browser."""

import io
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from coupling.coachview.probe import coachview_probe
from coupling.exact.errors import ExactError
from coupling.exact.oauth import authorization_complete, authorization_url, new_state
from coupling.exact.views import callback_url
from coupling.http import new_session
from coupling.models import CoachviewConnection, ExactConnection
from mappings.models import CouplingOptions
from sandbox import seedcodes
from sandbox.exact.seed import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET


class ConsentFormParser(HTMLParser):
    """The first form on Exact's consent page: its action, method and named inputs."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.method = "get"
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done:
            self._in_form = True
            self.action = attrs.get("action") or ""
            self.method = (attrs.get("method") or "get").lower()
        elif self._in_form and tag in ("input", "button") and attrs.get("name"):
            # The approve button's name/value is part of the submission; a deny button is not wanted.
            if tag == "button" or attrs.get("type") == "submit":
                if "deny" in (attrs.get("value") or "").lower() or "deny" in attrs["name"].lower():
                    return
            self.fields.setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


class Command(BaseCommand):
    help = "Connect the Exact connection to the sandbox (SANDBOX_BASE_URL) and complete OAuth without a browser."

    def handle(self, *args, **options):
        base = f"{settings.SANDBOX_BASE_URL}/sandbox/exact"
        connection = ExactConnection.load() or ExactConnection()
        connection.country = ExactConnection.Country.CUSTOM
        connection.base_url = base
        connection.client_id = SANDBOX_CLIENT_ID
        connection.client_secret = SANDBOX_CLIENT_SECRET
        connection.save()
        redirect_uri = callback_url()
        state = new_state()
        session = new_session()
        timeout = settings.HTTP_TIMEOUT
        try:
            page = session.get(
                authorization_url(connection=connection, redirect_uri=redirect_uri, state=state), timeout=timeout
            )
            if page.status_code != 200:
                raise CommandError(f"The sandbox's consent page answered HTTP {page.status_code}.", returncode=2)
            form = ConsentFormParser()
            form.feed(page.text)
            if form.action is None:
                raise CommandError("The sandbox's consent page has no approve form.", returncode=2)
            action = urljoin(page.url, form.action)
            if form.method == "post":
                answer = session.post(action, data=form.fields, allow_redirects=False, timeout=timeout)
            else:
                answer = session.get(f"{action}?{urlencode(form.fields)}", allow_redirects=False, timeout=timeout)
        except requests.RequestException as exc:
            raise CommandError(
                f"The sandbox is not reachable at {base} ({type(exc).__name__}); is the server running "
                "with SANDBOX on, and SANDBOX_BASE_URL right?",
                returncode=2,
            ) from exc
        query = parse_qs(urlsplit(answer.headers.get("Location", "")).query)
        if answer.status_code not in (301, 302, 303, 307) or "code" not in query:
            raise CommandError(f"The sandbox did not redirect back with a code (HTTP {answer.status_code}).", returncode=2)
        if query.get("state", [""])[0] != state:
            raise CommandError("The sandbox redirected back with a different state.", returncode=2)
        try:
            connection = authorization_complete(code=query["code"][0], redirect_uri=redirect_uri, user=None)
        except ExactError as exc:
            raise CommandError(f"Completing the connection failed: {exc}", returncode=2) from exc
        options = self._options_for_sandbox(connection.administration)
        coachview_message = self._coachview_connect()
        exact_message = self._exact_probe()
        self.stdout.write(
            f"Exact sandbox connected: administration {connection.administration} at {base}; "
            f"sales journal {options.sales_journal}, payment condition {options.default_payment_condition}. "
            f"{coachview_message} {exact_message}"
        )

    def _options_for_sandbox(self, administration: str):
        """The options the sandbox's data needs (contracts.md), so the seeded flow exports untouched."""

        options, _ = CouplingOptions.objects.get_or_create(administration=administration)
        options.sales_journal = options.sales_journal or seedcodes.SALES_JOURNAL
        options.default_payment_condition = options.default_payment_condition or seedcodes.PAYMENT_CONDITION
        options.save()
        return options

    def _exact_probe(self) -> str:
        """Run `exact_probe` after the Coachview check (contracts.md); its verdict never fails this command."""
        # As a person runs it: exit code 2 means Exact could not be reached.
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("exact_probe", stdout=out, stderr=err)
        except SystemExit as exit_:
            if exit_.code == 2:
                raise CommandError(err.getvalue().strip() or "Exact could not be reached.", returncode=2) from None
        return err.getvalue().strip()

    def _coachview_connect(self) -> str:
        """Point the Coachview connection at the sandbox and run its go-live check with --apply (contracts.md)."""
        coachview = CoachviewConnection.load()
        coachview.environment = CoachviewConnection.Environment.CUSTOM
        coachview.custom_base_url = f"{settings.SANDBOX_BASE_URL}/sandbox/coachview"
        coachview.client_id = settings.SANDBOX_COACHVIEW_CLIENT_ID
        coachview.client_secret = settings.SANDBOX_COACHVIEW_CLIENT_SECRET
        coachview.save()
        # The check itself says whether Coachview answers; a path the profile guessed wrong is its to fix.
        report = coachview_probe(apply=True)
        if not report.reachable:
            raise CommandError(report.summary(), returncode=2)
        return report.summary()
