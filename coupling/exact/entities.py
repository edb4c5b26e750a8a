"""Exact's entity definitions (exact-entities.json): which properties exist and which may be sent."""

import json
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from uuid import UUID

ENTITIES_FILE = Path(__file__).with_name("exact-entities.json")

# Collections sent inline (deep insert) and the resource that defines their elements.
DEEP_INSERTS = {("salesentry/SalesEntries", "SalesEntryLines"): "salesentry/SalesEntryLines"}

# The Python values each OData type accepts in a payload (None is always allowed: "no value").
_TYPES: dict[str, tuple[type, ...]] = {
    "UTF8String": (str,),
    "UTF8CodeString": (str,),
    "Guid": (str, UUID),
    "Int16": (int,),
    "Int32": (int,),
    "Int64": (int,),
    "Byte": (int,),
    "Double": (int, float, Decimal),
    "Boolean": (bool,),
    "DateTime": (str, date),
    "Binary": (str,),
}


class ExactPayloadError(Exception):
    """Our code built a payload Exact would refuse (unknown or read-only property): a programming error."""


@cache
def _definitions() -> dict:
    with ENTITIES_FILE.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return {key: value for key, value in data.items() if key != "_about"}


def definition(resource: str) -> dict:
    """The definition of a resource such as "crm/Accounts" or "current/Me"."""
    definitions = _definitions()
    for key in (f"/api/v1/{{division}}/{resource}", f"/api/v1/{resource}"):
        if key in definitions:
            return definitions[key]
    raise ExactPayloadError(f"Exact resource {resource!r} is not in exact-entities.json.")


def properties(resource: str) -> set[str]:
    """Every property name the resource has."""
    return set(definition(resource)["properties"])


def writable(resource: str, method: str) -> set[str]:
    """The properties that may be sent with this method (POST or PUT)."""
    return {name for name, prop in definition(resource)["properties"].items() if method in prop["methods"]}


def check_payload(resource: str, method: str, payload: dict) -> None:
    """Raise ExactPayloadError unless every property exists, is writable with `method` and has a fitting type."""
    spec = definition(resource)
    if method not in spec["methods"]:
        raise ExactPayloadError(f"{method} is not allowed on {resource}.")
    if not isinstance(payload, dict):
        raise ExactPayloadError(f"A {method} body for {resource} must be an object.")
    props = spec["properties"]
    for name, value in payload.items():
        prop = props.get(name)
        if prop is None:
            raise ExactPayloadError(f"{resource} has no property {name!r}.")
        if method not in prop["methods"]:
            raise ExactPayloadError(f"{resource}.{name} is read-only for {method}.")
        element_resource = DEEP_INSERTS.get((resource, name))
        if element_resource:
            if method != "POST":
                # Exact refuses new lines inside a PUT ("Binding to new entities", reference §3).
                raise ExactPayloadError(f"{resource}.{name} can only be sent with POST.")
            if not isinstance(value, list):
                raise ExactPayloadError(f"{resource}.{name} must be a list.")
            for element in value:
                check_payload(element_resource, "POST", element)
            continue
        allowed = _TYPES.get(prop["type"])
        if value is None or allowed is None:
            continue
        # bool is an int in Python; a Boolean is never a number and a number never a Boolean.
        if not isinstance(value, allowed) or (isinstance(value, bool) and prop["type"] != "Boolean"):
            raise ExactPayloadError(f"{resource}.{name} is {prop['type']}, not {type(value).__name__}.")
