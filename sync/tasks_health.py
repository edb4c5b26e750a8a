"""django-q2 tasks of the health part: each calls one service."""

from sync.services.digest import support_digest_send
from sync.services.health import health_check_run
from sync.services.retention import retention_prune


def health_check_task() -> str:
    return health_check_run().summary()


def support_digest_task() -> str:
    return support_digest_send().summary()


def retention_prune_task() -> str:
    return retention_prune().summary()
