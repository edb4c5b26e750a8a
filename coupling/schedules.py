"""Creating or updating the django-q2 schedules by name (never in `ready()`).

Each app lists its schedules in `<app>/schedules.py` as `SCHEDULES = [ScheduleSpec(...), ...]`.
"""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    schedule_type: str  # django_q.models.Schedule.MINUTES, HOURLY, DAILY, ...
    minutes: int | None = None
    kwargs: str = ""  # django-q2 keeps keyword arguments as text, e.g. "limit=100"


def all_schedule_specs() -> list[ScheduleSpec]:
    specs = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.schedules")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.schedules":
                raise
            continue
        specs.extend(getattr(module, "SCHEDULES", []))
    return specs


def schedules_setup() -> tuple[int, int, int]:
    """Create or update every schedule by name; return (created, updated, unchanged)."""
    from django_q.models import Schedule

    created = updated = unchanged = 0
    for spec in all_schedule_specs():
        wanted = {
            "func": spec.func,
            "schedule_type": spec.schedule_type,
            "minutes": spec.minutes,
            "kwargs": spec.kwargs,
        }
        schedule = Schedule.objects.filter(name=spec.name).first()
        if schedule is None:
            Schedule.objects.create(name=spec.name, repeats=-1, **wanted)
            created += 1
            continue
        changed = {key: value for key, value in wanted.items() if getattr(schedule, key) != value}
        if changed:
            for key, value in changed.items():
                setattr(schedule, key, value)
            schedule.save(update_fields=list(changed))
            updated += 1
        else:
            unchanged += 1
    return created, updated, unchanged
