"""django-q2 tasks of the mappings app: load, call the service."""

from mappings.services.reference_jobs import reference_refresh_run, reference_refresh_text


def reference_data_sync_task() -> str:
    """The daily schedule: a refresh of its own, recorded like one a person asked for."""
    return reference_refresh_text(reference_refresh_run())


def reference_refresh_task(refresh_id: int) -> str:
    return reference_refresh_text(reference_refresh_run(refresh_id=refresh_id))
