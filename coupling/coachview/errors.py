"""The one exception type for Coachview: the HTTP status, the message, and whether a retry can help."""

from datetime import datetime


class CoachviewError(Exception):
    """A call to Coachview that did not succeed; `permanent` says whether retrying can help."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        permanent: bool = False,
        outcome_unknown: bool = False,
        code: str = "coachview.error",
        retry_at: datetime | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.permanent = permanent
        self.outcome_unknown = outcome_unknown
        self.code = code
        self.retry_at = retry_at
