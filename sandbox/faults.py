"""The fault engine both simulated systems share: seeded, deterministic, configured per request.

A plan is a dict (see sandbox/exact/faults.py and sandbox/coachview/faults.py for the keys). It is
read on every request from the environment variable of the same name when set (so a benchmark can
change it while the server runs), else from the Django setting (so a test can set it per test).
Empty, `{}` or `null` mean no faults (sandbox/fault_plans.py).
A changed plan restarts the deterministic sequence and the request count.

How a fault reaches the client depends on the transport. In-process (tests/sandbox_transport.py,
Django's test client) the answer carries `X-Sandbox-Fault: timeout|lost-response` and the transport
raises requests.ReadTimeout. Over a real socket (a WSGI server, which names itself in
SERVER_SOFTWARE) the server sleeps `hang_seconds` (longer than the client's read timeout, which the
test lowers) before answering, so the client really times out. The product's code path is the same.
"""

import json
import logging
import os
import random
import threading
import time

from django.conf import settings
from django.http import HttpResponse

from sandbox.fault_plans import parse_plan

logger = logging.getLogger(__name__)

IN_PROCESS = "sandbox.in_process"  # WSGI environ key set by the in-process test transport
DEFAULT_HANG_SECONDS = 2.0


class FaultPlan:
    """One system's faults: the plan's setting name, its random streams and its request counter."""

    def __init__(self, setting: str):
        self.setting = setting
        self._lock = threading.Lock()
        self._key: str | None = None
        self._rngs: dict[str, random.Random] = {}
        self._count = 0
        self.used: set[str] = set()  # one-shot faults already given (e.g. per YourRef)

    def config(self) -> dict:
        raw = os.environ.get(self.setting, "").strip()
        try:
            plan = parse_plan(raw or getattr(settings, self.setting, None), name=self.setting)
        except ValueError as exc:  # a broken plan is no plan: every request would fail otherwise
            logger.error("%s; no faults are injected.", exc)
            plan = {}
        key = json.dumps(plan, sort_keys=True)
        with self._lock:
            if key != self._key:  # a new plan restarts the deterministic sequence
                self._key, self._rngs, self._count, self.used = key, {}, 0, set()
        return plan

    def reset(self) -> None:
        """Restart the deterministic sequence (a changed plan restarts it too)."""
        with self._lock:
            self._key = None

    def roll(self, plan: dict, name: str) -> bool:
        """Whether this request gets fault `name` (a rate in the plan); each fault has its own stream."""
        rate = float(plan.get(name, 0) or 0)
        if rate <= 0:
            return False
        with self._lock:
            rng = self._rngs.get(name)
            if rng is None:
                # Seeded per fault, so switching one fault on does not shift the others' sequence.
                rng = self._rngs[name] = random.Random(f"{plan.get('seed', 1)}:{name}")  # noqa: S311 - simulation
            return rng.random() < rate

    def tick(self) -> int:
        """Count this request; returns its number (1-based) under the current plan."""
        with self._lock:
            self._count += 1
            return self._count

    def once(self, key: str) -> bool:
        """True the first time `key` is seen under the current plan."""
        with self._lock:
            if key in self.used:
                return False
            self.used.add(key)
            return True


def in_burst(plan: dict, number: int) -> bool:
    """Whether request `number` falls in a 429 burst: {"burst_429": {"every": 200, "length": 4}}."""
    burst = plan.get("burst_429") or {}
    every, length = int(burst.get("every", 0) or 0), int(burst.get("length", 0) or 0)
    return every > 0 and length > 0 and number % every < length and number >= every


def delay(plan: dict) -> None:
    """Latency: every answer waits `latency_ms` (real time; keep it small in tests)."""
    latency = float(plan.get("latency_ms", 0) or 0)
    if latency > 0:
        time.sleep(latency / 1000)


def lost(request, response: HttpResponse, plan: dict, kind: str) -> HttpResponse:
    """Deliver `response` (already committed) so that the client never sees it: `kind` timeout or lost-response."""
    if request.META.get(IN_PROCESS) or not request.META.get("SERVER_SOFTWARE"):
        response["X-Sandbox-Fault"] = kind
        return response
    # A real socket: hold the answer past the client's read timeout; it gives up and never reads it.
    time.sleep(float(plan.get("hang_seconds", DEFAULT_HANG_SECONDS)))
    return response
