"""Explain any error text with the catalogue: code, title, cause, fix and who acts, or "no entry yet"."""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from sync.catalogue import Explanation, explain


class Command(BaseCommand):
    help = 'Match an error text (as shown by Exact, Coachview or an e-mail) to the error catalogue. "-" reads stdin.'

    def add_arguments(self, parser):
        parser.add_argument("text", help="the error text; several messages may be joined by line breaks")
        parser.add_argument("--json", action="store_true", help="print one JSON object on standard output")
        parser.add_argument(
            "--lang", choices=["nl", "en"], help="language of title, cause and fix (default: LANGUAGE_CODE, Dutch)"
        )

    def handle(self, *args, text, **options):
        if text == "-":
            text = sys.stdin.read()
        if not text.strip():
            raise CommandError("explain_error: give the error text (or - to read it from standard input)", returncode=2)
        with translation.override(options["lang"] or settings.LANGUAGE_CODE[:2]):
            explanations = explain(text)
            summary = self._summary(explanations)
            if options["json"]:
                self.stdout.write(json.dumps(_as_json(explanations), ensure_ascii=False, indent=2))
                self.stderr.write(summary)
            else:
                for n, item in enumerate(explanations, start=1):
                    self.stdout.write(_as_text(item, n=n, of=len(explanations)))
                self.stdout.write(summary)

    def _summary(self, explanations: list[Explanation]) -> str:
        codes = [e.code for e in explanations if e.code]
        if not explanations:
            return "explain_error: no message found in the text"
        if not codes:
            return f"explain_error: {len(explanations)} message(s), no entry yet"
        return f"explain_error: {len(explanations)} message(s), {len(codes)} explained ({', '.join(codes)})"


def _fields(item: Explanation) -> dict:
    return {
        "code": item.code,
        "title": item.title,
        "who_acts": item.who_acts,
        "values": item.values,
        "cause": item.cause,
        "fix": item.fix_steps,
        "permanent": item.permanent,
    }


def _as_json(explanations: list[Explanation]) -> dict:
    """contracts.md: code/title/who_acts/values of the first message that matches, and every message."""
    first = next((e for e in explanations if e.code), explanations[0] if explanations else None)
    top = _fields(first) if first else {"code": None, "title": None, "who_acts": None, "values": {}}
    if first and not first.code:
        top = {"code": None, "title": None, "who_acts": None, "values": first.values}
    return {**top, "messages": [{"message": e.message, **_fields(e)} for e in explanations]}


def _as_text(item: Explanation, *, n: int, of: int) -> str:
    head = f"[{n}/{of}] {item.message}" if of > 1 else item.message
    if not item.code:
        lines = [head, "  no entry yet / nog geen uitleg"]
    else:
        lines = [head, f"  {item.code}: {item.title}", f"  {item.cause}", *(f"  {s}" for s in item.fix.splitlines())]
        lines.append(f"  → {item.who_acts_label} ({'permanent' if item.permanent else 'transient'})")
    if item.values:
        lines.append("  " + ", ".join(f"{k}={v}" for k, v in item.values.items()))
    return "\n".join(lines) + "\n"
