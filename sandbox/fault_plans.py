"""A fault plan's text (the setting or the environment variable) read into a dict.

Unset, empty, blank, `{}` and `null` all mean no faults; anything else must be a JSON object.
coupling/settings.py keeps SANDBOX_FAULTS / SANDBOX_COACHVIEW_FAULTS as text (product code never
imports the sandbox); tests may set a dict.
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
