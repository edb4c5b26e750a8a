from django.core.management.base import BaseCommand

from coupling.schedules import schedules_setup


class Command(BaseCommand):
    help = "Creates or updates, by name, every django-q2 schedule the coupling needs. Running it twice changes nothing."

    def handle(self, *args, **options):
        created, updated, unchanged = schedules_setup()
        self.stdout.write(f"Schedules: {created} created, {updated} updated, {unchanged} unchanged.")
