"""The simulated Coachview API: token, Facturen (+ Pdf, status PUTs), Debiteuren, the daily limit."""

import json
import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox import clock
from sandbox.coachview import faults
from sandbox.coachview.pdf import invoice_pdf_for
from sandbox.coachview.query import (
    CHANGED_FIELD,
    QueryError,
    changed_filter,
    field_value,
    matches,
    parse_where,
)
from sandbox.models import (
    CoachviewDebtor,
    CoachviewInvoice,
    CoachviewRateWindow,
    CoachviewStatusWrite,
    CoachviewToken,
)
from sandbox.requestlog import logged

LOCAL = ZoneInfo("Europe/Amsterdam")
DEFAULT_TAKE = 100
MAX_TAKE = 1000
STATUS_FIELDS = {
    "Boekingsstatus": ("bevestigd", ["bevestigd", "bevestigdOmschrijving"]),
    "Betaalstatus": ("betaald", ["betaald", "betaaldOmschrijving", "betaaldDatum"]),
}


def local_now() -> str:
    """The simulated Coachview's clock as it writes change times: local, to the second."""
    return clock.now().astimezone(LOCAL).replace(tzinfo=None, microsecond=0).isoformat()


def _problem(status: int, message: str, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse({"status": status, "title": message}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@csrf_exempt
@logged("coachview")
def token(request):
    if request.method != "POST":
        return _problem(405, "POST only")
    form = request.POST
    if form.get("grant_type") != "client_credentials":
        return JsonResponse({"error": "unsupported_grant_type"}, status=400)
    if form.get("client_id") != settings.SANDBOX_COACHVIEW_CLIENT_ID or not secrets.compare_digest(
        form.get("client_secret", ""), settings.SANDBOX_COACHVIEW_CLIENT_SECRET
    ):
        return JsonResponse({"error": "invalid_client"}, status=401)
    allowed = set(settings.SANDBOX_COACHVIEW_SCOPES.split())
    requested = set(form.get("scope", "").split()) or allowed
    if not requested <= allowed:
        return JsonResponse({"error": "invalid_scope"}, status=400)
    lifetime = settings.SANDBOX_COACHVIEW_TOKEN_LIFETIME
    row = CoachviewToken.objects.create(
        token=secrets.token_hex(24),
        scopes=" ".join(sorted(requested)),
        expires_at=clock.now() + timedelta(seconds=lifetime),
    )
    return JsonResponse({"access_token": row.token, "expires_in": lifetime, "token_type": "Bearer"})


def _guard(request, scope: str):
    """Fault, token, scope and daily limit, in that order: (error response or None, rate headers)."""
    if any(part and part in request.path for part in settings.SANDBOX_COACHVIEW_FAIL_PATHS):
        return _problem(503, "Service unavailable (sandbox fault)"), {}
    injected = faults.before(request)
    if injected is not None:
        return injected, {}
    auth = request.headers.get("Authorization", "")
    row = CoachviewToken.objects.filter(token=auth.removeprefix("Bearer ").strip()).first() if auth else None
    if row is None or row.expires_at <= clock.now():
        return _problem(401, "Unauthorized"), {}
    if not {"api", scope} <= set(row.scopes.split()):
        return _problem(403, f"Forbidden: scope {scope} required"), {}
    return _spend()


def _spend():
    now = clock.now()
    window = timedelta(seconds=settings.SANDBOX_COACHVIEW_RATE_WINDOW_SECONDS)
    limit = settings.SANDBOX_COACHVIEW_RATE_LIMIT
    row = CoachviewRateWindow.objects.order_by("id").first()
    if row is None or row.started_at + window <= now:
        CoachviewRateWindow.objects.all().delete()
        row = CoachviewRateWindow.objects.create(started_at=now, used=0)
    reset = str(int((row.started_at + window).timestamp()))
    if row.used >= limit:
        headers = {
            "X-Rate-Limit-Limit": str(limit),
            "X-Rate-Limit-Remaining": "0",
            "X-Rate-Limit-Reset": reset,
        }
        return _problem(429, "API limit reached", headers), headers
    CoachviewRateWindow.objects.filter(pk=row.pk).update(used=F("used") + 1)
    remaining = limit - row.used - 1
    return None, {
        "X-Rate-Limit-Limit": str(limit),
        "X-Rate-Limit-Remaining": str(remaining),
        "X-Rate-Limit-Reset": reset,
    }


def _with_headers(response, headers: dict):
    for name, value in headers.items():
        response[name] = value
    return response


def _list(request, model, scope: str):
    if request.method != "GET":
        return _problem(405, "GET only")
    error, headers = _guard(request, scope)
    if error:
        return error
    try:
        skip = int(request.GET.get("skip", 0))
        take = min(int(request.GET.get("take", DEFAULT_TAKE)), MAX_TAKE)
        conditions = parse_where(request.GET.get("where", ""))
    except (ValueError, QueryError) as exc:
        return _with_headers(_problem(400, str(exc)), headers)
    if skip > settings.SANDBOX_COACHVIEW_MAX_SKIP:
        # Coachview answers a too-deep skip with a timeout, seen as 500 (API best practices).
        return _with_headers(_problem(500, "Timeout: skip too deep"), headers)
    rows = model.objects.all()
    in_python = []
    try:
        for field, op, value in conditions:
            if field == CHANGED_FIELD:
                rows = rows.filter(**changed_filter(op, value))
            elif field == "id" and op == "=":
                rows = rows.filter(id__in=[v.strip() for v in value.split(",") if v.strip()])
            else:
                in_python.append((field, op, value))
    except QueryError as exc:
        return _with_headers(_problem(400, str(exc)), headers)
    order_field, _sep, direction = request.GET.get("orderby", "").strip().partition(" ")
    descending = direction.strip().lower() == "desc"
    order_field = order_field.lower()
    if order_field in ("", CHANGED_FIELD):
        rows = rows.order_by(*(["-changed_at", "-id"] if descending else ["changed_at", "id"]))
    else:
        rows = rows.order_by("-id" if descending else "id")
    if in_python or order_field not in ("", CHANGED_FIELD, "id"):
        records = [row.data for row in rows if all(matches(row.data, *c) for c in in_python)]
        if order_field not in ("", CHANGED_FIELD, "id"):
            records.sort(key=lambda r: str(field_value(r, order_field) or ""), reverse=descending)
        total, page = len(records), records[skip : skip + take]
    else:
        total = (
            rows.count() if request.GET.get("Count", request.GET.get("count", "")).lower() == "true" else None
        )
        page = [row.data for row in rows[skip : skip + take]]
    response = _with_headers(JsonResponse(page, safe=False), headers)
    if request.GET.get("Count", request.GET.get("count", "")).lower() == "true":
        response["RowCount"] = str(total)
    return response


@logged("coachview")
def invoices(request):
    return faults.after_list(_list(request, CoachviewInvoice, "Facturen.Lezen"))


@logged("coachview")
def debtors(request):
    return faults.after_list(_list(request, CoachviewDebtor, "Debiteuren.Lezen"))


@logged("coachview")
def invoice_pdf(request, invoice_id):
    error, headers = _guard(request, "Facturen.Lezen")
    if error:
        return error
    invoice = CoachviewInvoice.objects.filter(pk=invoice_id).first()
    if invoice is None or faults.pdf_missing(invoice_id):
        return _with_headers(_problem(404, "Factuur niet gevonden"), headers)
    content = bytes(invoice.pdf) if invoice.pdf else None
    if content is None:
        debtor = CoachviewDebtor.objects.filter(pk=invoice.data.get("debiteurId") or "").first()
        content = invoice_pdf_for(invoice.data, debtor.data if debtor else None)
    response = HttpResponse(content, content_type="application/pdf")
    return _with_headers(response, headers)


@csrf_exempt
@logged("coachview")
def invoice_status(request, invoice_id, kind):
    if request.method != "PUT":
        return _problem(405, "PUT only")
    error, headers = _guard(request, "Facturen.Schrijven")
    if error:
        return error
    invoice = CoachviewInvoice.objects.filter(pk=invoice_id).first()
    if invoice is None:
        return _with_headers(_problem(404, "Factuur niet gevonden"), headers)
    required, allowed = STATUS_FIELDS[kind]
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get(required), bool) or set(body) - set(allowed):
        return _with_headers(
            _problem(400, f"Body must hold '{required}' (true/false) and only {allowed}"), headers
        )
    CoachviewStatusWrite.objects.create(invoice=invoice, kind=kind, body=body, at=clock.now())
    invoice.data.update(body)
    # ASSUMPTION: Coachview stamps a status write as a change of the invoice (the fetch must cope).
    invoice.changed_at = local_now()
    invoice.data.setdefault("audittrail", {})["gewijzigdDatumTijd"] = invoice.changed_at
    invoice.save(update_fields=["data", "changed_at"])
    return faults.after_put(request, _with_headers(HttpResponse(status=204), headers))
