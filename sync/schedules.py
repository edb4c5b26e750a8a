"""The sync app's django-q2 schedules (created or updated by name by `setup_schedules`)."""

from coupling.schedules import ScheduleSpec

SCHEDULES = [
    # --- health ---
    ScheduleSpec(name="health: check", func="sync.tasks_health.health_check_task", schedule_type="I", minutes=15),
    ScheduleSpec(name="health: support digest", func="sync.tasks_health.support_digest_task", schedule_type="D"),
    ScheduleSpec(name="health: retention", func="sync.tasks_health.retention_prune_task", schedule_type="D"),
]
