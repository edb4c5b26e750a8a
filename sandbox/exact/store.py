"""Reading entity rows the way Exact answers them: query options, pages with __next, the d-wrapper."""

from urllib.parse import urlencode

from django.db import connections
from django.db.models import Max, Q

from sandbox.exact import odata
from sandbox.exact.entities import Entity
from sandbox.exact.errors import ExactHttpError, bad_request
from sandbox.exact.values import answer_value
from sandbox.models import ExactRecord

DB = "sandbox"

# ASSUMPTION: every list GET needs $select (or $top=1), as the official SDK's README says; Exact
# enforces it on some endpoints only, the sandbox on all but current/Me (stricter on purpose).
SELECT_REQUIRED = "Please add a $select or a $top=1 statement to the query string."


# pg_advisory_xact_lock(class, division): the class keeps our lock apart from anyone else's.
WRITE_LOCK_CLASS = 0x45584354  # "EXCT"


def write_lock(*, division: int) -> None:
    """Serialise writes to one division until the transaction ends, as Exact does.

    Without it two concurrent POSTs of one account code both pass the uniqueness check on
    PostgreSQL (READ COMMITTED) and Exact would seem to book a customer twice; two rows would also
    share a Timestamp. SQLite's IMMEDIATE transactions already let one writer in at a time.
    """
    connection = connections[DB]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [WRITE_LOCK_CLASS, division])


def next_seq(*, division: int) -> int:
    """The next row version (also the sync endpoints' Timestamp) in a division."""
    write_lock(division=division)
    current = ExactRecord.objects.using(DB).filter(division=division).aggregate(top=Max("seq"))["top"]
    return (current or 0) + 1


def values(*, division: int, storage: str, path: str) -> list:
    """One property of every row of a stored entity, without reading the rows (e.g. the keys)."""
    records = ExactRecord.objects.using(DB).filter(division=division, entity=storage)
    return list(records.values_list(f"data__{path}", flat=True))


def rows(*, division: int, storage: str, where: dict | Q | None = None) -> list[dict]:
    """Rows of one stored entity (optionally narrowed by ORM lookups on `data`), with `Timestamp`."""
    records = ExactRecord.objects.using(DB).filter(division=division, entity=storage)
    if isinstance(where, Q):
        records = records.filter(where)
    elif where:
        records = records.filter(**where)
    return [{**record.data, "Timestamp": record.seq} for record in records.order_by("seq")]


def _narrowing(node, entity: Entity) -> Q | None:
    """ORM lookups that return a superset of the rows a filter matches (None: every row may match).

    `Prop eq literal` through `and` and `or` (the product's batched lookups: 40 codes or YourRefs a
    call): GUIDs are stored lower case and match exactly; strings compare case-insensitively and
    ignore trailing spaces, so a prefix lookup is a superset. The filter itself is applied after.
    """
    if node[0] in ("and", "or"):
        left, right = _narrowing(node[1], entity), _narrowing(node[2], entity)
        if node[0] == "or":
            return None if left is None or right is None else left | right
        return right if left is None else left if right is None else left & right
    if node[0] != "eq" or node[1][0] != "prop" or node[2][0] != "lit":
        return None
    name, literal = node[1][1], node[2][1]
    if name == "Timestamp" or entity.properties[name]["type"] is None:
        return None
    if literal.kind == "guid" and entity.properties[name]["type"] == "Guid":
        return Q(**{f"data__{name}": literal.value})
    if literal.kind == "string" and entity.properties[name]["type"] in ("UTF8String", "UTF8CodeString"):
        return Q(**{f"data__{name}__istartswith": literal.value.rstrip(" ")})
    return None


def get_record(*, division: int, storage: str, key: str) -> ExactRecord | None:
    return ExactRecord.objects.using(DB).filter(division=division, entity=storage, key=key).first()


def render(*, entity: Entity, row: dict, select: list[str] | None, base_url: str) -> dict:
    """One row as Exact writes it: __metadata, selected properties, dates as /Date(ms)/."""
    key_name = entity.key
    names = select or list(entity.properties)
    key_text = odata.key_literal(entity.properties[key_name]["type"], row.get(key_name))
    result = {"__metadata": {"uri": f"{base_url}/{entity.name}({key_text})", "type": entity.type_name}}
    for name in names:
        prop = entity.properties[name]
        if prop["type"] is None:  # a collection: Exact defers it unless $expand asks for it
            result[name] = {"__deferred": {"uri": f"{base_url}/{entity.name}({key_text})/{name}"}}
        else:
            result[name] = answer_value(prop["type"], row.get(name))
    return result


def parse_select(entity: Entity, text: str | None) -> list[str] | None:
    if not text:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if names == ["*"]:
        return None
    for name in names:
        if name not in entity.properties:
            raise bad_request(f"No property '{name}' exists in type '{entity.type_name}' at position 0.")
    return names


def _int_option(params, name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    if not raw.strip().isdigit():
        raise bad_request(f"Invalid value '{raw}' for the {name} query option.")
    return int(raw)


def filter_rules(entity: Entity, tree) -> None:
    """Exact's refusals of a list filter: mandatory filtering, and bulk endpoints' unsupported fields.

    Exact enforces "mandatory filtering" where a sync API exists (2021 announcement; picqer #591 quotes
    crm/Accounts' text). A bulk endpoint also refuses a filter on any other field (picqer #500 quotes
    "Filtering on these fields is not supported: …" for bulk accounts); a refused read counts toward
    the error block like any 400.
    """
    mandatory = entity.mandatory_filter
    if not mandatory:
        return
    used = odata.filter_properties(tree) if tree is not None else set()
    if entity.is_bulk and used - set(mandatory):
        raise ExactHttpError(400, [f"Filtering on these fields is not supported: {','.join(sorted(used - set(mandatory)))}"])
    if not used & set(mandatory):
        raise ExactHttpError(400, [
            "This endpoint has mandatory filtering applied. A GET request for this endpoint must have a "
            f"$filter parameter with one of the following fields in the url:{','.join(mandatory)}."
        ])


def list_answer(*, entity: Entity, division: int, params, base_url: str, request_path: str,
                extra_rows: list[dict] | None = None) -> dict:
    """The {"d": {"results": [...], "__next": …}} answer to a list GET with Exact's query options."""
    filter_text = params.get("$filter")
    top = _int_option(params, "$top")
    skip = _int_option(params, "$skip") or 0
    if not params.get("$select") and top != 1 and entity.name != "current/Me":
        raise ExactHttpError(400, [SELECT_REQUIRED])
    select = parse_select(entity, params.get("$select"))
    tree = odata.parse_filter(filter_text, entity.properties, entity.type_name) if filter_text else None
    if entity.is_sync and tree is not None and odata.filter_properties(tree) - {"Timestamp"}:
        # Sync APIs allow only Timestamp as a parameter (Exact's "Good to know"); the wording is that of
        # picqer #500 for bulk accounts. ASSUMPTION: sync endpoints answer the same way.
        fields = ",".join(sorted(odata.filter_properties(tree) - {"Timestamp"}))
        raise ExactHttpError(400, [f"Filtering on these fields is not supported: {fields}"])
    filter_rules(entity, tree)
    if extra_rows is not None:
        found = extra_rows
    else:
        where = _narrowing(tree, entity) if tree is not None else None
        found = rows(division=division, storage=entity.storage, where=where)
    if tree is not None:
        found = [row for row in found if odata.matches(tree, row, entity.properties)]
    key_name = entity.key
    if params.get("$orderby"):
        found = odata.sort_rows(found, odata.parse_orderby(params["$orderby"], entity.properties, entity.type_name))
    elif entity.is_sync:
        found = sorted(found, key=lambda row: row["Timestamp"])
    else:
        found = sorted(found, key=lambda row: str(row.get(key_name)))
    total = len(found)
    skiptoken = params.get("$skiptoken")
    if skiptoken:
        wanted = odata.parse_key(skiptoken)
        keys = [str(row.get(key_name)).lower() for row in found]
        found = found[keys.index(wanted) + 1:] if wanted in keys else []
    found = found[skip:]
    if top is not None:
        found = found[:top]
    page = found[: entity.page_size]
    answer = {"results": [render(entity=entity, row=row, select=select, base_url=base_url) for row in page]}
    if params.get("$inlinecount") == "allpages":
        answer["__count"] = str(total)
    if len(found) > entity.page_size:
        last_key = odata.key_literal(entity.properties[key_name]["type"], page[-1].get(key_name))
        query = {name: value for name, value in params.items() if name not in ("$skiptoken", "$skip")}
        if top is not None:
            query["$top"] = str(top - len(page))
        query["$skiptoken"] = last_key
        answer["__next"] = f"{request_path}?{urlencode(query)}"
    return {"d": answer}
