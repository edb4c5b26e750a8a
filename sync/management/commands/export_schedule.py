"""`export_schedule [on|off|status] [--user NAME]`: the scheduled export's switch (contracts.md, "Go-live checks").

Off until an administrator switches it on; `export_invoices` by hand is not gated by it. Exit 0 done,
2 when no Exact administration is connected, 3 when switching on while a go-live check has not passed.
"""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sync.services.golive import golive_state, schedule_switch


class Command(BaseCommand):
    help = "Switches the scheduled export on or off (who and when recorded), or shows its state."

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["on", "off", "status"], default="status")
        parser.add_argument("--user", default="", help="The administrator recorded as switching it.")

    def handle(self, *args, action, user, **options):
        if action != "status":
            person = get_user_model().objects.filter(username=user).first() if user else None
            if user and person is None:
                raise CommandError(f"No user {user!r}.", returncode=2)
            if action == "on" and not golive_state().export_allowed:
                self.stdout.write(golive_state().waiting_for())
                sys.exit(3)
            try:
                schedule_switch(on=action == "on", user=person)
            except ValueError as exc:
                raise CommandError(f"{exc}.", returncode=2) from exc
        self.stdout.write(golive_state().schedule_text())
