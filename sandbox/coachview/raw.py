"""A recorded tenant served verbatim (`sandbox_load --raw FILE`, contracts.md "The sandbox").

Records keep the JSON text they were recorded with (key order and numbers as written); lists apply
where/orderby/skip/take/Count case-insensitively at the file's precision. A write endpoint exists only
where the file's OpenAPI declares one; a PUT or PATCH there is recorded.
"""

import base64
import binascii
import json
import re

from sandbox import clock
from sandbox.coachview import query, store
from sandbox.models import (
    CoachviewDebtor,
    CoachviewInvoice,
    CoachviewRawFile,
    CoachviewRawRecord,
    CoachviewRawWrite,
    CoachviewStatusWrite,
)

_NUMBER = re.compile(r'"\\u0000number:([^"]*)"')


class RawError(ValueError):
    pass


class _Number:
    """A JSON number kept as the text it was written with."""

    def __init__(self, text: str):
        self.text = text


class _Verbatim(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, _Number):
            return "\u0000number:" + o.text
        return super().default(o)


def record_text(record) -> str:
    """The record as JSON with its numbers written exactly as recorded."""
    return _NUMBER.sub(r"\1", json.dumps(record, cls=_Verbatim, ensure_ascii=False))


def load_raw(document_text: str) -> dict:
    """Replace the Coachview sandbox's data with the recorded tenant; returns counts per resource."""
    try:
        document = json.loads(document_text)
        verbatim = json.loads(document_text, parse_float=_Number)
    except ValueError as exc:
        raise RawError(f"Not JSON: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("resources"), dict):
        raise RawError('The file must hold {"resources": {name: [records]}, ...} (contracts.md).')
    precision = document.get("where_precision") or "ms"
    if precision not in ("ms", "s", "date"):
        raise RawError("'where_precision' is one of ms, s, date.")
    openapi = document.get("openapi")
    if openapi is not None and not isinstance(openapi, dict):
        raise RawError("'openapi' must be an object.")
    rows, counts = [], {}
    for resource, records in verbatim["resources"].items():
        if not isinstance(records, list):
            raise RawError(f"resources.{resource} must be a list.")
        for position, record in enumerate(records):
            record_id = query.field_get(record, "id") if isinstance(record, dict) else None
            rows.append(
                CoachviewRawRecord(
                    resource=resource, position=position, record_id=str(record_id or ""), text=record_text(record)
                )
            )
        counts[resource] = len(records)
    files = []
    for path, item in (document.get("files") or {}).items():
        try:
            content = base64.b64decode(item["base64"], validate=True)
        except (KeyError, TypeError, binascii.Error) as exc:
            raise RawError(f"files.{path}: needs base64 content.") from exc
        files.append(CoachviewRawFile(path=path.strip("/"), content_type=item.get("content_type") or "application/octet-stream", content=content))
    for model in (CoachviewRawRecord, CoachviewRawFile, CoachviewRawWrite, CoachviewStatusWrite, CoachviewInvoice, CoachviewDebtor):
        model.objects.all().delete()
    CoachviewRawRecord.objects.bulk_create(rows, batch_size=500)
    CoachviewRawFile.objects.bulk_create(files)
    store.state_set(dialect="raw", raw=True, where_precision=precision, openapi=openapi)
    return counts


def resource_name(name: str) -> str | None:
    """The recorded resource a request names (case-insensitively)."""
    names = CoachviewRawRecord.objects.values_list("resource", flat=True).distinct()
    return next((n for n in names if n.lower() == name.lower()), None)


def list_texts(resource: str, params: dict, precision: str) -> tuple[int, list[str]]:
    """(total, JSON texts of the page) of one list request on a recorded resource."""
    rows = list(CoachviewRawRecord.objects.filter(resource=resource).order_by("position"))
    parsed = [(json.loads(row.text), row.text) for row in rows]
    known = query.known_paths([record for record, _text in parsed]) or None
    asked = query.query_parse(params, known, resource)
    texts = {id(record): text for record, text in parsed}
    total, page = query.apply([record for record, _text in parsed], asked, precision)
    return total, [texts[id(record)] for record in page]


def one_text(resource: str, record_id: str) -> str | None:
    row = CoachviewRawRecord.objects.filter(resource=resource, record_id__iexact=record_id).first()
    return row.text if row else None


def file_get(path: str) -> CoachviewRawFile | None:
    return CoachviewRawFile.objects.filter(path__iexact=path.strip("/")).first()


def write_declared(openapi: dict | None, path: str, method: str) -> bool:
    """Whether the recorded OpenAPI declares this write (path templates match any one segment)."""
    for template, operations in ((openapi or {}).get("paths") or {}).items():
        if not isinstance(operations, dict) or method.lower() not in {k.lower() for k in operations}:
            continue
        relative = template.split("/api/v1/", 1)[-1].strip("/")
        pattern = "^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(relative)) + "$"
        if re.match(pattern, path.strip("/"), flags=re.IGNORECASE):
            return True
    return False


def write_record(method: str, path: str, body: bytes) -> None:
    CoachviewRawWrite.objects.create(method=method, path=path, body=body.decode("utf-8", "replace"), at=clock.now())


def dump_raw() -> dict:
    resources: dict[str, list] = {}
    for row in CoachviewRawRecord.objects.order_by("resource", "position"):
        resources.setdefault(row.resource, []).append(json.loads(row.text))
    writes = [
        {"method": w.method, "path": w.path, "body": w.body, "at": w.at.isoformat()}
        for w in CoachviewRawWrite.objects.order_by("id")
    ]
    return {"dialect": "raw", "resources": resources, "writes": writes}
