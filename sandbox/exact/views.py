"""The REST endpoints of the simulated Exact: /api/v1/current/Me and /api/v1/{division}/{service}/{Entity}.

Every answer passes the same gate as at Exact: fault injection, bearer token, error block, rate
limits, then the entity's handler; the rate-limit headers go on every answer whose app is known.
"""

import json
import re

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.exact import (
    bodycheck,
    entities,
    faults,
    limits,
    oauth,
    odata,
    receivables,
    salesentries,
    store,
    writes,
)
from sandbox.exact.errors import ExactHttpError, language
from sandbox.exact.seed import me_row
from sandbox.requestlog import logged

DB = "sandbox"
_PATH_RE = re.compile(r"^(?P<name>[A-Za-z]+(?:/[A-Za-z]+)+)(?:\((?P<key>[^)]*)\)(?:/(?P<nav>[A-Za-z]+))?)?/?$")


def _json(payload, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(payload), status=status, content_type="application/json; charset=utf-8")


def _unauthorized() -> ExactHttpError:
    # ASSUMPTION: Exact's 401 body for a missing or expired token is not documented; a JSON error is used.
    return ExactHttpError(401, ["Unauthorized"])


@csrf_exempt
@logged("exact")
def me(request):
    return _gate(request, division=None, rest=entities.ME)


@csrf_exempt
@logged("exact")
def api(request, division: int, rest: str):
    return _gate(request, division=division, rest=rest)


def _gate(request, *, division: int | None, rest: str) -> HttpResponse:
    match = _PATH_RE.match(rest)
    name = match.group("name") if match else rest
    injected = faults.before(request, resource=name)
    if injected is not None:
        return injected
    token = oauth.bearer_token(request)
    scope = f"{token.chain.client.client_id}:{division or token.chain.division}" if token else ""
    budget = None
    try:
        if not oauth.token_is_valid(token):
            raise _unauthorized()
        oauth.token_used(token)
        if division is not None and division != token.chain.division:
            # A division the token's user has no access to (integrators report "Forbidden - WrongDivision").
            raise ExactHttpError(403, ["Forbidden - WrongDivision"])
        until = limits.blocked_until(scope=scope, endpoint=name)
        if until:
            raise limits.blocked_answer(until)
        budget = limits.consume(scope=scope)
        if budget.refused:
            raise limits.too_many_requests()
        entity = entities.entity(name) if match else None
        if entity is None:
            # ASSUMPTION: WCF Data Services' text for an unknown resource segment.
            raise ExactHttpError(404, [f"Resource not found for the segment '{rest.split('(')[0]}'."])
        response = _handle(request, entity=entity, division=division or token.chain.division,
                           key=match.group("key"), nav=match.group("nav"))
    except ExactHttpError as error:
        response = error.response()
    if scope:
        limits.record_status(scope=scope, endpoint=name, status=response.status_code)
        for header, value in (budget or limits.peek(scope=scope)).headers().items():
            response[header] = value
    return faults.after(request, response)


def _base_url(request, division: int, entity) -> str:
    root = request.build_absolute_uri("/sandbox/exact/api/v1/")
    # current/Me carries its own first segment: its uri is …/api/v1/current/Me(guid'…') as at Exact.
    return root.rstrip("/") if entity.name == entities.ME else root + str(division)


def _handle(request, *, entity, division: int, key: str | None, nav: str | None) -> HttpResponse:
    method = request.method
    if method not in entity.methods:
        raise ExactHttpError(405, [f"The requested resource does not support http method '{method}'."])
    base_url = _base_url(request, division, entity)
    if method in ("POST", "PUT") and len(request.body) > settings.SANDBOX_EXACT_REQUEST_MAX_BYTES:
        # Exact limits the request ("single POST ≤ 10 MB", Skyvia), so an attachment's limit is its base64
        # in the body. ASSUMPTION: IIS's 413 status; the text is the sandbox's.
        raise ExactHttpError(413, ["Request Entity Too Large"])
    if method == "GET":
        return _get(request, entity=entity, division=division, key=key, nav=nav, base_url=base_url)
    lang = language(request)
    if method == "POST":
        if key is not None:
            raise ExactHttpError(405, [f"The requested resource does not support http method '{method}'."])
        data = bodycheck.checked(entity=entity, body=bodycheck.parse_json(request.body), method="POST")
        with transaction.atomic(using=DB):
            row = writes.create(division=division, entity=entity, data=data, lang=lang)
        answer = _render(entity, row, None, base_url, division, expand=True)
        if "return=representation" not in request.headers.get("Prefer", ""):
            # Without the Prefer header Exact answers the new entity "with the NULL value" properties
            # (basvanbeek.nl). ASSUMPTION: the key is still filled (ossobv reads the new ID from it).
            answer = {name: value if name in ("__metadata", entity.key) else None for name, value in answer.items()}
        return _json({"d": answer}, status=201)
    stored_key = _existing_key(entity, division, key)
    if method == "PUT":
        data = bodycheck.checked(entity=entity, body=bodycheck.parse_json(request.body), method="PUT")
        with transaction.atomic(using=DB):
            writes.update(division=division, entity=entity, key=stored_key, data=data, lang=lang)
        return HttpResponse(status=204)
    with transaction.atomic(using=DB):
        writes.delete(division=division, entity=entity, key=stored_key)
    return HttpResponse(status=204)


def _existing_key(entity, division: int, key: str | None) -> str:
    if key is None:
        raise ExactHttpError(400, ["The key of the entity is missing."])  # ASSUMPTION
    stored = odata.parse_key(key)
    if store.get_record(division=division, storage=entity.storage, key=stored) is None:
        # ASSUMPTION: WCF Data Services' 404 text.
        raise ExactHttpError(404, [f"Resource not found for the segment '{entity.name.rsplit('/', 1)[-1]}'."])
    return stored


def _render(entity, row: dict, select, base_url: str, division: int, *, expand: bool) -> dict:
    result = store.render(entity=entity, row=row, select=select, base_url=base_url)
    if expand and entity.name == salesentries.ENTRIES and "SalesEntryLines" in result:
        lines_entity = entities.entity(salesentries.LINES)
        result["SalesEntryLines"] = {"results": [
            store.render(entity=lines_entity, row=line, select=None, base_url=base_url)
            for line in salesentries.entry_lines(division=division, entry_id=row["EntryID"])
        ]}
    return result


def _get(request, *, entity, division: int, key, nav, base_url: str) -> HttpResponse:
    params = request.GET
    expand = "SalesEntryLines" in (params.get("$expand") or "")
    if entity.name == entities.ME:
        answer = store.list_answer(entity=entity, division=division, params=params, base_url=base_url,
                                   request_path=request.build_absolute_uri(request.path),
                                   extra_rows=[me_row(division=division)])
        return _json(answer)
    if key is not None:
        stored = _existing_key(entity, division, key)
        if nav == "SalesEntryLines" and entity.name == salesentries.ENTRIES:
            lines_entity = entities.entity(salesentries.LINES)
            found = salesentries.entry_lines(division=division, entry_id=stored)
            return _json({"d": {"results": [
                store.render(entity=lines_entity, row=line, select=None, base_url=base_url) for line in found
            ]}})
        row = store.get_record(division=division, storage=entity.storage, key=stored)
        select = [name for name in (params.get("$select") or "").split(",") if name.strip()] or None
        if select:
            select = store.parse_select(entity, ",".join(select))
        return _json({"d": _render(entity, row.data, select, base_url, division, expand=expand)})
    answer = store.list_answer(entity=entity, division=division, params=params, base_url=base_url,
                               request_path=request.build_absolute_uri(request.path),
                               extra_rows=receivables.rows_for(entity_name=entity.name, division=division))
    if expand and entity.name == salesentries.ENTRIES:
        lines_entity = entities.entity(salesentries.LINES)
        for result in answer["d"]["results"]:
            if "SalesEntryLines" in result:
                entry_id = result["__metadata"]["uri"].split("guid'")[1].rstrip("')")
                result["SalesEntryLines"] = {"results": [
                    store.render(entity=lines_entity, row=line, select=None, base_url=base_url)
                    for line in salesentries.entry_lines(division=division, entry_id=entry_id)
                ]}
    return _json(answer)
