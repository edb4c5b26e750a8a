"""Every failure talking to Exact becomes an ExactError, classified so callers know what to do."""

from datetime import datetime


class ExactError(Exception):
    """A call to Exact failed; `permanent` says whether repeating it can help."""

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        messages: list[str] | None = None,
        reason: str = "",
        permanent: bool = False,
        outcome_unknown: bool = False,
        endpoint: str = "",
    ):
        self.status = status
        self.messages = messages if messages is not None else ([message] if message else [])
        self.reason = reason
        self.permanent = permanent
        self.outcome_unknown = outcome_unknown
        self.endpoint = endpoint
        super().__init__(message or "; ".join(self.messages) or f"Exact answered {status}")

    @property
    def code(self) -> str:
        """The connection.* catalogue code for the link-level subclasses; empty for Exact's own texts."""
        return ""


class ExactNotConnected(ExactError):
    """No Exact Online administration is connected."""

    @property
    def code(self) -> str:
        return "connection.not_connected"


class ExactReconnectNeeded(ExactNotConnected):
    """The token chain is dead (refresh token reused or expired): a person must connect again."""

    @property
    def code(self) -> str:
        return "connection.reconnect_needed"


class ExactClientRefused(ExactNotConnected):
    """Exact's token endpoint refuses the app's client id or secret: a person must correct the configuration."""

    @property
    def code(self) -> str:
        return "connection.client_refused"


# A run that reached its own deadline (a task's time) before a call: not a fault, and no catalogue entry.
DEADLINE_CODE = "run.deadline_reached"


class ExactBudgetExhausted(ExactError):
    """Raised before a call: the shared budget (or the caller's deadline) says stop until `retry_at`."""

    def __init__(self, message: str = "", *, retry_at: datetime | None, scope: str, endpoint: str = ""):
        self.retry_at = retry_at
        self.scope = scope  # "daily", "minutely" or "deadline"
        super().__init__(message, permanent=False, endpoint=endpoint)

    @property
    def code(self) -> str:
        if self.scope == "deadline":
            return DEADLINE_CODE  # the caller's own time, not Exact's budget
        return "connection.budget_daily_spent" if self.scope == "daily" else "connection.budget_minute_spent"


class ExactEndpointBlocked(ExactError):
    """Raised before a call: the endpoint had too many errors this hour; we stop before Exact blocks it."""

    def __init__(self, message: str = "", *, until: datetime, endpoint: str):
        self.until = until
        super().__init__(message, permanent=False, endpoint=endpoint)

    @property
    def code(self) -> str:
        return "connection.endpoint_blocked"


def error_texts(body) -> list[str]:
    """Exact's message texts from an error body, one per line (Exact joins several with CRLF)."""
    value = ""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            message = error.get("message")
            value = message.get("value", "") if isinstance(message, dict) else (message or "")
        elif isinstance(error, str):
            # The token endpoint's shape: {"error": "...", "error_description": "..."}.
            value = body.get("error_description") or error
    return [line.strip() for line in str(value).splitlines() if line.strip()]


def error_from_response(response, *, endpoint: str, write: bool) -> ExactError:
    """Classify an error response: permanent (validation, 4xx) or transient (429, 5xx without a text)."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    messages = error_texts(body)
    reason = response.headers.get("Reason", "")
    if status == 429 or status == 401:
        permanent, unknown = False, False
    elif status >= 500:
        # Exact answers business validation with 500 and a text; a 500 without one is a crash
        # whose effect on a write we cannot know.
        permanent, unknown = bool(messages), write and not messages
    else:
        permanent, unknown = True, False
    return ExactError(
        "; ".join(messages) or reason or f"Exact answered HTTP {status}",
        status=status,
        messages=messages,
        reason=reason,
        permanent=permanent,
        outcome_unknown=unknown,
        endpoint=endpoint,
    )
