"""`make run`: everything a newcomer needs on the embedded database, in one command."""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Migrates, seeds and connects the sandbox (first run), creates an admin user, and runs the web "
        "server and the django-q2 worker together until Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--reseed", action="store_true", help="wipe and seed the sandbox again")
        parser.add_argument(
            "--export-on", action="store_true", help="switch the scheduled export on at once (for a quick look)"
        )

    def handle(self, *args, port, reseed, export_on=False, **options):
        if not settings.DEBUG:
            raise CommandError("run_local is for development: set DEBUG=1 (make run does).")
        base_url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DEBUG": "1", "SANDBOX_BASE_URL": base_url}
        os.environ["SANDBOX_BASE_URL"] = base_url
        settings.SANDBOX_BASE_URL = base_url

        call_command("migrate", interactive=False, verbosity=0)
        call_command("migrate", database="sandbox", interactive=False, verbosity=0)
        call_command("setup_schedules", stdout=self.stdout)
        password = self._admin_user()

        # Ctrl-C (and a plain `kill`) stop both children, also when this process was started in the
        # background, where SIGINT is ignored by default.
        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

        children = []
        try:
            children.append(self._start([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env))
            self._wait_for(base_url)
            self._prepare_sandbox(reseed=reseed, export_on=export_on)
            children.append(self._start([sys.executable, "manage.py", "qcluster"], env))
            self.stdout.write(
                self.style.SUCCESS(
                    f"\nThe coupling runs at {base_url}/  —  log in as {ADMIN_USERNAME} / {password}\n"
                    "Web server and worker are running; press Ctrl-C to stop both.\n"
                )
            )
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            raise CommandError("The web server or the worker stopped; see its output above.")
        except KeyboardInterrupt:
            self.stdout.write("Stopping…")
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _admin_user(self) -> str:
        """Create the admin user, or give it a new password; the password is printed, never stored in plain."""
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(
            username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        return password

    def _start(self, argv, env):
        return subprocess.Popen(argv, env=env, cwd=settings.BASE_DIR)

    def _wait_for(self, base_url: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base_url}/login/", timeout=2):  # noqa: S310 (local URL)
                    return
            except OSError:
                time.sleep(0.3)
        raise CommandError(f"The web server did not answer at {base_url} within 60 seconds.")

    def _prepare_sandbox(self, *, reseed: bool, export_on: bool = False) -> None:
        """Seed the sandbox on the first run (or when asked) and connect both links to it."""
        available = get_commands()
        if "sandbox_seed" in available:
            if reseed or not self._sandbox_seeded():
                call_command("sandbox_seed", stdout=self.stdout)
        if "sandbox_connect" in available:
            call_command("sandbox_connect", stdout=self.stdout)
        if "export_schedule" in available:
            # Off by default, so the worker does not export before the guide's mappings and dry run.
            call_command("export_schedule", "on" if export_on else "status", stdout=self.stdout)
            if not export_on:
                self.stdout.write("Start with the scheduled export on: make run EXPORT_ON=1")

    def _sandbox_seeded(self) -> bool:
        from django.apps import apps

        record = apps.get_model("sandbox", "ExactRecord")
        return record.objects.filter(entity="system/Divisions").exists()
