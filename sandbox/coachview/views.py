"""The simulated Coachview's HTTP face: token, OpenAPI document and the REST API under api/v1/.

One view serves every API path, for the stored dialect or the recorded tenant: lists, one record by id,
the invoice PDF and the status write-backs where the dialect has them; anything else is 404.
"""

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox import clock
from sandbox.coachview import faults, limits, openapi, query, raw, serve, store
from sandbox.coachview.dialects import STATUS_ACTIONS, Dialect, dialect_get
from sandbox.coachview.pdf import invoice_pdf_for
from sandbox.models import CoachviewDebtor, CoachviewInvoice, CoachviewStatusWrite
from sandbox.requestlog import logged

RESOURCE_NAMES = {"invoices": "Facturen", "debtors": "Debiteuren", "companies": "Bedrijven", "persons": "Personen"}
STATUS_FIELDS = {
    "Boekingsstatus": ("bevestigd", ["bevestigd", "bevestigdOmschrijving"]),
    "Betaalstatus": ("betaald", ["betaald", "betaaldOmschrijving", "betaaldDatum"]),
}


def _not_found() -> JsonResponse:
    return limits.problem(404, "Not Found")


@csrf_exempt
@logged("coachview")
def token(request):
    if request.method != "POST":
        return limits.problem(405, "POST only")
    return limits.token_issue(request.POST)


@logged("coachview")
def swagger(request):
    """The OpenAPI document (public, as Swashbuckle serves it): the dialect's, or the recorded one."""
    current = store.state()
    if current.raw:
        return JsonResponse(current.openapi) if current.openapi else _not_found()
    return JsonResponse(openapi.document(current.dialect))


@csrf_exempt
@logged("coachview")
def api(request, path: str):
    current = store.state()
    segments = [s for s in path.strip("/").split("/") if s]
    if not segments:
        return _not_found()
    write = request.method in ("PUT", "PATCH", "POST")
    scope_resource = _scope_resource(current, segments[0])
    error, headers = _guard(request, f"{scope_resource}.{'Schrijven' if write else 'Lezen'}")
    if error:
        return error
    if current.raw:
        response = _raw(request, current, segments)
    else:
        response = _seeded(request, current, dialect_get(current.dialect), segments)
    return limits.with_headers(response, headers)


def _scope_resource(current, name: str) -> str:
    if current.raw:
        return raw.resource_name(name) or name
    dialect = dialect_get(current.dialect)
    kind = serve.kind_of(name, dialect)
    return dialect.lines_resource if kind == "lines" else RESOURCE_NAMES.get(kind, name)


def _guard(request, scope: str):
    """Fault, token, scope and daily limit, in that order: (error response or None, rate headers)."""
    if any(part and part in request.path for part in settings.SANDBOX_COACHVIEW_FAIL_PATHS):
        return limits.problem(503, "Service unavailable (sandbox fault)"), {}
    injected = faults.before(request)
    if injected is not None:
        return injected, {}
    refused = limits.token_check(request, scope)
    if refused is not None:
        return refused, {}
    return limits.spend()


def _list_answer(request, total: int, page_json: str, empty: bool, count: bool) -> HttpResponse:
    if empty and settings.SANDBOX_COACHVIEW_EMPTY_LIST_204:
        response = HttpResponse(status=204)
    else:
        response = HttpResponse(page_json, content_type="application/json; charset=utf-8")
    if count:
        response["RowCount"] = str(total)
    return faults.after_list(response)


def _bad_query(exc: query.QueryError) -> JsonResponse:
    return JsonResponse(exc.as_json(), status=400, content_type="application/problem+json; charset=utf-8")


def _seeded(request, current, dialect: Dialect, segments: list[str]) -> HttpResponse:
    kind = serve.kind_of(segments[0], dialect)
    if kind is None or len(segments) > 3:
        return _not_found()
    if len(segments) == 3:
        return _invoice_action(request, dialect, kind, segments[1], segments[2])
    if request.method != "GET":
        return limits.problem(405, "Method Not Allowed")
    if len(segments) == 2:
        record = serve.one_record(kind, dialect, segments[1])
        return JsonResponse(record) if record is not None else _not_found()
    params = query.params_of(request)
    try:
        if params.get("skip", "").strip().isdigit() and int(params["skip"]) > settings.SANDBOX_COACHVIEW_MAX_SKIP:
            # Coachview answers a too-deep skip with a timeout, seen as 500 (API best practices).
            return limits.problem(500, "Timeout: skip too deep")
        asked = query.query_parse(params, set(serve.known_fields(dialect.name, kind)), serve.NAMES[kind])
        total, page = serve.list_records(kind, dialect, asked, store.precision_of(current))
    except query.QueryError as exc:
        return _bad_query(exc)
    return _list_answer(request, total, json.dumps(page, ensure_ascii=False), not page, asked.count)


def _invoice_action(request, dialect: Dialect, kind: str, invoice_id: str, action: str) -> HttpResponse:
    if kind != "invoices":
        return _not_found()
    if dialect.pdf_action and action.lower() == dialect.pdf_action.lower():
        if request.method != "GET":
            return limits.problem(405, "Method Not Allowed")
        return _pdf(invoice_id)
    status_action = next((a for a in STATUS_ACTIONS if a.lower() == action.lower()), None)
    if dialect.writeback and status_action:
        if request.method != "PUT":
            return limits.problem(405, "Method Not Allowed")
        return faults.after_put(request, _status_write(request, invoice_id, status_action))
    return _not_found()


def _pdf(invoice_id: str) -> HttpResponse:
    invoice = CoachviewInvoice.objects.filter(id__iexact=invoice_id).first()
    if invoice is None or faults.pdf_missing(invoice.id):
        return limits.problem(404, "Factuur niet gevonden")
    content = bytes(invoice.pdf) if invoice.pdf else None
    if content is None:
        debtor = CoachviewDebtor.objects.filter(pk=invoice.data.get("debiteurId") or "").first()
        content = invoice_pdf_for(invoice.data, debtor.data if debtor else None)
    return HttpResponse(content, content_type="application/pdf")


def _status_write(request, invoice_id: str, kind: str) -> HttpResponse:
    invoice = CoachviewInvoice.objects.filter(id__iexact=invoice_id).defer("pdf").first()
    if invoice is None:
        return limits.problem(404, "Factuur niet gevonden")
    required, allowed = STATUS_FIELDS[kind]
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get(required), bool) or set(body) - set(allowed):
        return limits.problem(400, f"Body must hold '{required}' (true/false) and only {allowed}")
    CoachviewStatusWrite.objects.create(invoice=invoice, kind=kind, body=body, at=clock.now())
    invoice.data.update(body)
    # ASSUMPTION: Coachview stamps a status write as a change of the invoice (the fetch must cope).
    store.row_changed(invoice)
    invoice.save(update_fields=["data", "changed_at"])
    return HttpResponse(status=204)


def _raw(request, current, segments: list[str]) -> HttpResponse:
    path = "/".join(segments)
    if request.method == "GET":
        stored = raw.file_get(path)
        if stored is not None:
            return HttpResponse(bytes(stored.content), content_type=stored.content_type)
        resource = raw.resource_name(segments[0])
        if resource is None or len(segments) > 2:
            return _not_found()
        if len(segments) == 2:
            text = raw.one_text(resource, segments[1])
            return HttpResponse(text, content_type="application/json; charset=utf-8") if text else _not_found()
        params = query.params_of(request)
        try:
            total, texts = raw.list_texts(resource, params, current.where_precision)
        except query.QueryError as exc:
            return _bad_query(exc)
        count = params.get("count", "").strip().lower() == "true"
        return _list_answer(request, total, "[" + ",".join(texts) + "]", not texts, count)
    if request.method in ("PUT", "PATCH") and raw.write_declared(current.openapi, path, request.method):
        raw.write_record(request.method, path, request.body)
        return HttpResponse(status=204)
    return _not_found()
