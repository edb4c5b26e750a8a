"""Exact's error answers: the JSON error body, the `Reason` header, and the texts in Dutch and English."""

import json

from django.http import HttpResponse


class ExactHttpError(Exception):
    """An answer Exact gives instead of data: status, message texts, optional Reason header."""

    def __init__(self, status: int, messages: list[str], *, reason: str = "", body: str | None = None):
        super().__init__("\r\n".join(messages))
        self.status = status
        self.messages = messages
        self.reason = reason
        self.body = body  # a literal body (OAuth answers, plain-text 429) instead of the JSON error

    def response(self) -> HttpResponse:
        if self.body is not None:
            kind = "application/json" if self.body.startswith("{") else "text/plain; charset=utf-8"
            response = HttpResponse(self.body, status=self.status, content_type=kind)
        else:
            payload = {"error": {"code": "", "message": {"lang": "", "value": "\r\n".join(self.messages)}}}
            response = HttpResponse(
                json.dumps(payload), status=self.status, content_type="application/json; charset=utf-8"
            )
        if self.reason:
            response["Reason"] = self.reason
        return response


def bad_request(message: str) -> ExactHttpError:
    """A 400 for a malformed request (body, query)."""
    return ExactHttpError(400, [message])


def stream_error(detail: str) -> ExactHttpError:
    """A 400 in Exact's "Error processing request stream." family (body does not fit the entity)."""
    return ExactHttpError(400, [f"Error processing request stream. {detail}"])


def language(request) -> str:
    """'en' when the caller asks for English (Accept-Language), else Exact's default for NL users: 'nl'."""
    accept = request.headers.get("Accept-Language", "").strip().lower()
    return "en" if accept.startswith("en") else "nl"


class BusinessErrors:
    """Collects business-rule violations; Exact answers them together with HTTP 500."""

    def __init__(self, lang: str):
        self.lang = lang
        self.messages: list[str] = []

    def add(self, nl: str, en: str) -> None:
        self.messages.append(en if self.lang == "en" else nl)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ExactHttpError(500, list(self.messages))
