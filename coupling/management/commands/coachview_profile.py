"""`coachview_profile [--json] [--set KEY=VALUE ...] [--load FILE]`: show or change the Coachview profile."""

import json

from django.core.management.base import BaseCommand, CommandError

from coupling.coachview.profile import ProfileError, entry_set, profile_complete
from coupling.models import CoachviewProfile


class Command(BaseCommand):
    help = (
        "Show the Coachview profile, or change entries: --set KEY=VALUE (VALUE is JSON when it parses as "
        "JSON, else text; fields by fields.<concept>), or --load FILE (a profile as --json prints it). "
        "A change clears the go-live check's pass."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the profile as one JSON object.")
        parser.add_argument("--set", nargs="+", default=[], metavar="KEY=VALUE", help="Change entries.")
        parser.add_argument("--load", metavar="FILE", help="Replace the profile with the one in FILE.")

    def handle(self, *args, json=False, set=(), load=None, **options):
        row = CoachviewProfile.load()
        profile = profile_complete(row.entries)
        try:
            if load:
                profile = _loaded(load)
            for assignment in set:
                key, sep, raw = assignment.partition("=")
                if not sep:
                    raise CommandError(f"'{assignment}' is not KEY=VALUE.", returncode=2)
                profile = entry_set(profile, key.strip(), _value(raw))
        except ProfileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        changed = bool(load or set)
        if changed:
            row.entries = profile
            row.save(update_fields=["entries", "updated_at"])
        if json:
            self.stdout.write(_dumps(profile))
        else:
            for key, value in profile.items():
                if key != "fields":
                    self.stdout.write(f"{key}: {_dumps(value)}")
            for concept, name in profile["fields"].items():
                self.stdout.write(f"fields.{concept}: {name}")
        passed = "passed" if row.probe_passed() else "not passed (run coachview_probe)"
        self.stderr.write(f"Coachview profile {'changed' if changed else 'shown'}; go-live check {passed}.")


def _value(raw: str):
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _loaded(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path}: {exc}", returncode=2) from exc
    if not isinstance(document, dict):
        raise CommandError(f"{path} holds no profile object.", returncode=2)
    profile = profile_complete({})
    for key, value in document.items():
        if key == "fields" and isinstance(value, dict):
            for concept, name in value.items():
                profile = entry_set(profile, f"fields.{concept}", name)
        else:
            profile = entry_set(profile, key, value)
    return profile


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
