"""A fault plan's text read into a dict; no Django here, so coupling/settings.py reads it the same way.

Unset, empty, blank, `{}` and `null` all mean no faults; anything else must be a JSON object.
"""

import json

EXAMPLE = '{"seed": 1, "unavailable_rate": 0.1}'


def parse_plan(value, *, name: str) -> dict:
    """The plan in `value` (a dict, or its JSON text); {} for no faults. ValueError, naming `name`, otherwise."""
    if isinstance(value, (str, bytes)):
        text = value.strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ValueError(
                f"{name} is not valid JSON; give an object such as {EXAMPLE}, or leave it empty."
            ) from exc
    if not value:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be a JSON object such as {EXAMPLE}, or empty for no faults.")
    return value
