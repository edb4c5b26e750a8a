"""`connection_status`: the link's health; exit 0 healthy, 1 broken, 2 warning (contracts.md)."""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from sync.services import health
from sync.services.backlog import backlog_estimate, backlog_text
from sync.services.health import link_health_check, moment_text
from sync.services.health_texts import problem_title

HEALTHY, BROKEN, WARNING = 0, 1, 2


class Command(BaseCommand):
    help = "Prints the Exact link's health and the coupling's problems. Exit 0 healthy, 1 broken, 2 warning."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="One JSON object on standard output.")

    def handle(self, *args, **options):
        link = health.exact_link()
        backlog = backlog_estimate()
        problems = link_health_check()
        titles = [problem_title(p.kind, p.params) for p in problems]
        low = (
            link.status == "connected"
            and link.daily_remaining is not None
            and 0 < link.daily_remaining < settings.HEALTH_BUDGET_LOW_REMAINING
        )
        if low:
            titles.append(f"Exact's daily budget is low: {link.daily_remaining} calls left")
        code = BROKEN if any(p.broken for p in problems) else WARNING if (problems or low) else HEALTHY
        label = {HEALTHY: "healthy", BROKEN: "broken", WARNING: "warning"}[code]
        summary = f"Connection {label}: Exact {link.status}" + (f" ({link.administration})" if link.administration else "")
        summary += f"; {len(titles)} problem(s)" + (": " + "; ".join(titles) if titles else "") + "."
        if options["json"]:
            document = {
                "status": label,
                "exit_code": code,
                "exact": {
                    "status": link.status,
                    "administration": link.administration,
                    "refresh_token_expires_at": link.refresh_token_expires_at.isoformat()
                    if link.refresh_token_expires_at
                    else None,
                    "daily_remaining": link.daily_remaining,
                    "daily_limit": link.daily_limit,
                    "blocked_endpoints": [b.endpoint for b in link.blocked_endpoints],
                },
                "backlog": backlog.waiting,
                "backlog_done_at": backlog.done_at.isoformat() if backlog.done_at else None,
                "problems": [
                    {"kind": p.kind, "severity": p.severity, "subject": p.subject, "title": t}
                    for p, t in zip(problems, titles, strict=False)
                ]
                + ([{"kind": "budget_low", "severity": "warning", "subject": "", "title": titles[-1]}] if low else []),
            }
            self.stdout.write(json.dumps(document, ensure_ascii=False))
            self.stderr.write(summary)
        else:
            self.stdout.write(f"Exact Online: {link.status} {link.administration}".rstrip())
            if link.refresh_token_expires_at:
                self.stdout.write(f"  refresh token valid until {moment_text(link.refresh_token_expires_at)}")
            if link.daily_remaining is not None:
                self.stdout.write(f"  calls left today: {link.daily_remaining} of {link.daily_limit}")
            if backlog.waiting:
                self.stdout.write(f"  {backlog_text(backlog)}")
            for title in titles:
                self.stdout.write(f"  ! {title}")
            self.stdout.write(summary)
        if code:
            sys.exit(code)
