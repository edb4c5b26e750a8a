"""Fault injection for the simulated Exact, read from settings.SANDBOX_FAULTS on every request.

Keys (all optional; an empty dict means no faults):
- "seed": int, makes the sequence of faults deterministic per server process (default 1);
- "lost_response_rate": fraction of POSTs that are committed but answered with the header
  `X-Sandbox-Fault: lost-response` (the test transport turns it into a read timeout);
- "unavailable_rate": fraction of API requests answered 503 with an empty body before anything runs.
"""

import random

from django.conf import settings

_state: dict = {"key": None, "rng": None}


def _rng() -> random.Random | None:
    faults = getattr(settings, "SANDBOX_FAULTS", None) or {}
    if not faults:
        _state["key"] = None  # switching faults on again restarts the sequence
        return None
    key = tuple(sorted(faults.items()))
    if _state["key"] != key:  # new configuration: restart the deterministic sequence
        _state["key"] = key
        _state["rng"] = random.Random(faults.get("seed", 1))  # noqa: S311 - simulation, not security
    return _state["rng"]


def reset() -> None:
    """Restart the deterministic sequence (a changed SANDBOX_FAULTS restarts it too)."""
    _state["key"] = None


def _roll(name: str) -> bool:
    rng = _rng()
    if rng is None:
        return False
    rate = float(settings.SANDBOX_FAULTS.get(name, 0) or 0)
    return rate > 0 and rng.random() < rate


def unavailable() -> bool:
    """Whether this request gets a 503 instead of an answer."""
    return _roll("unavailable_rate")


def lose_response(method: str) -> bool:
    """Whether this (committed) POST's answer is lost on the way back."""
    return method == "POST" and _roll("lost_response_rate")
