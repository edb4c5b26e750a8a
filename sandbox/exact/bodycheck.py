"""Bodies checked against exact-entities.json: unknown properties, wrong types, read-only properties.

Exact answers these with 400 "Error processing request stream. …". Exact ignores read-only properties
in a body (an open-source client sends them and Exact books); the sandbox refuses them only in the
opt-in strict mode (`SANDBOX_EXACT_STRICT_READONLY`) our own tests use to catch what we should not send.
"""

import json

from django.conf import settings

from sandbox.exact import entities
from sandbox.exact.entities import Entity
from sandbox.exact.errors import stream_error
from sandbox.exact.values import CLR_NAMES, Unconvertible, convert

# Collections that may be deep-inserted, and the entity of their items.
DEEP_INSERT = {("salesentry/SalesEntries", "SalesEntryLines"): "salesentry/SalesEntryLines"}


def parse_json(raw: bytes) -> dict:
    """The request body as a JSON object, or Exact's 400 for anything else."""
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        # ASSUMPTION: WCF Data Services' text for a body that is not JSON.
        raise stream_error("The request should be a valid top-level resource object.") from exc
    if not isinstance(body, dict):
        raise stream_error("The request should be a valid top-level resource object.")
    return body


def checked(*, entity: Entity, body: dict, method: str) -> dict:
    """The body converted to stored values; raises 400 for a property the entity does not accept."""
    result = {}
    for name, value in body.items():
        if name == "__metadata":
            continue
        prop = entity.properties.get(name)
        if prop is None:
            # Exact's wording for an unknown property (WCF Data Services).
            raise stream_error(f"The property name '{name}' specified for type '{entity.type_name}' is not valid.")
        if method not in prop["methods"]:
            if not settings.SANDBOX_EXACT_STRICT_READONLY:
                continue  # Exact ignores it
            # Strict mode only (see module docstring); wording is the sandbox's own.
            raise stream_error(f"The property '{name}' on type '{entity.type_name}' is read-only for {method}.")
        child = DEEP_INSERT.get((entity.name, name))
        if child:
            if method == "PUT":
                # ASSUMPTION: completes the truncated text of picqer #538.
                raise stream_error("Binding to new entities is not supported in update operations.")
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                raise stream_error(f"A collection was expected for property '{name}'.")
            child_entity = entities.entity(child)
            result[name] = [checked(entity=child_entity, body=item, method=method) for item in value]
            continue
        try:
            result[name] = convert(prop["type"], value)
        except Unconvertible as exc:
            clr = CLR_NAMES.get(prop["type"], prop["type"])
            raise stream_error(
                f"Error encountered in converting the value from request payload for property '{name}' "
                f"to type '{clr}', which is the property's type. See inner exception for more details."
            ) from exc
    return result
