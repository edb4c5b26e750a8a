from django.core.management.base import BaseCommand, CommandError

from coupling.stored_secrets import survey


class Command(BaseCommand):
    help = (
        "Re-encrypts every stored secret and token with the first key of FIELD_ENCRYPTION_KEY, so older keys "
        "can then be removed. Prints counts per field, never a value."
    )

    def handle(self, *args, **options):
        counts = survey(rotate=True)
        for count in counts:
            if not count.migrated:
                self.stdout.write(f"{count.label}: table not migrated yet, skipped.")
                continue
            self.stdout.write(
                f"{count.label}: {count.stored} stored, {count.rotated} re-encrypted, {count.unreadable} unreadable."
            )
        rotated = sum(count.rotated for count in counts)
        unreadable = [count.label for count in counts if count.unreadable]
        self.stdout.write(f"Re-encrypted {rotated} value(s) with the first key.")
        if unreadable:
            raise CommandError(
                "Some stored values cannot be decrypted with any configured key and were left as they are: "
                f"{', '.join(unreadable)}. Add the old key after the first one and run rotate_keys again, "
                "or enter those secrets again."
            )
