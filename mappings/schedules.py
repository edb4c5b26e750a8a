"""The mappings app's django-q2 schedules (created or updated by name by `setup_schedules`)."""

from coupling.schedules import ScheduleSpec

SCHEDULES = [
    # Daily is enough: Exact's lists change when an accountant edits them, and the admin has a button.
    ScheduleSpec(
        name="Refresh Exact's reference data",
        func="mappings.tasks.reference_data_sync_task",
        schedule_type="D",
    ),
]
