"""django-q2 task bodies: three lines each, the work is in the services."""

from datetime import timedelta

from django.conf import settings

from coupling import clock
from sync.services.digest import support_digest_send
from sync.services.export_run import exports_scheduled_run
from sync.services.fetch import invoices_fetch
from sync.services.health_notify import health_check_run
from sync.services.payments import payment_status_poll
from sync.services.retention import retention_prune
from sync.services.writeback import writebacks_flush


def _deadline():
    # End well before django-q2 kills the task.
    return clock.now() + timedelta(seconds=settings.Q_CLUSTER["timeout"] * 0.8)


def fetch_invoices_task() -> str:
    return invoices_fetch(deadline=_deadline()).summary()


def writebacks_flush_task() -> str:
    return writebacks_flush(deadline=_deadline()).summary()


def poll_payments_task() -> str:
    return payment_status_poll(deadline=_deadline()).summary()


def export_invoices_task() -> str:
    return exports_scheduled_run(deadline=_deadline()).summary


def health_check_task() -> str:
    return health_check_run().summary()


def support_digest_task() -> str:
    return support_digest_send().summary()


def retention_prune_task() -> str:
    return retention_prune().summary()
