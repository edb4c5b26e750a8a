"""The django-q2 schedules of `sync` that this part owns (created or updated by `setup_schedules`)."""

from coupling.schedules import ScheduleSpec

SCHEDULES = [
    # Two calls a run when nothing changed: 144 runs a day stay far inside Coachview's 5,000.
    ScheduleSpec(name="fetch_invoices", func="sync.tasks.fetch_invoices_task", schedule_type="I", minutes=10),
    # A safety net: exports and payment polls flush their own write-backs first.
    ScheduleSpec(name="flush_writebacks", func="sync.tasks.writebacks_flush_task", schedule_type="H"),
    # One Exact call a run when nothing changed: 288 a day of the 5,000 (payments).
    ScheduleSpec(name="poll_payments", func="sync.tasks.poll_payments_task", schedule_type="I", minutes=5),
    # --- export: fetch what is new, pre-flight, export within the budget; runs end before the task's timeout.
    ScheduleSpec(name="export_invoices", func="sync.tasks.export_invoices_task", schedule_type="I", minutes=5),
    # --- health ---
    ScheduleSpec(name="health: check", func="sync.tasks.health_check_task", schedule_type="I", minutes=15),
    ScheduleSpec(name="health: support digest", func="sync.tasks.support_digest_task", schedule_type="D"),
    ScheduleSpec(name="health: retention", func="sync.tasks.retention_prune_task", schedule_type="D"),
]
