"""django-q2 tasks of the mappings app: load, call the service."""

from mappings.services import reference_data_sync


def reference_data_sync_task() -> str:
    return reference_data_sync().summary()
