"""Refreshing Exact's lists as a background job: asked for from the admin, run by the worker, its progress kept."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coupling import clock
from coupling.exact.errors import ExactError
from mappings.models import ReferenceRefresh
from mappings.services.reference import LISTS, reference_data_sync

logger = logging.getLogger(__name__)

TASK = "mappings.tasks.reference_refresh_task"


def refresh_stale_after() -> timedelta:
    """A refresh unfinished for this long is gone (its task was killed, or no worker ever took it)."""
    return timedelta(seconds=settings.Q_CLUSTER["retry"])


def reference_refresh_pending() -> ReferenceRefresh | None:
    """The refresh that is queued or running now, if any."""
    since = clock.now() - refresh_stale_after()
    return ReferenceRefresh.objects.filter(finished_at=None, requested_at__gte=since).first()


def reference_refresh_request(*, user=None) -> tuple[ReferenceRefresh, bool]:
    """Queue a refresh for the worker, unless one is already waiting or running; (refresh, queued now)."""
    from django_q.tasks import async_task

    pending = reference_refresh_pending()
    if pending is not None:
        return pending, False
    refresh = ReferenceRefresh.objects.create(requested_by=user, requested_at=clock.now(), lists_total=len(LISTS))
    transaction.on_commit(lambda: async_task(TASK, refresh.pk, task_name=f"reference refresh {refresh.pk}"))
    return refresh, True


def reference_refresh_run(*, refresh_id: int | None = None) -> ReferenceRefresh:
    """Run one refresh (the one asked for, or a new one for the schedule), recording progress and result."""
    if refresh_id is None:
        refresh = ReferenceRefresh.objects.create(requested_at=clock.now(), lists_total=len(LISTS))
    else:
        refresh = ReferenceRefresh.objects.get(pk=refresh_id)
    refresh.started_at = clock.now()
    refresh.save(update_fields=["started_at"])

    def on_list_read(read: int, total: int) -> None:
        ReferenceRefresh.objects.filter(pk=refresh.pk).update(lists_read=read, lists_total=total)

    try:
        result = reference_data_sync(on_list_read=on_list_read)
    except ExactError as exc:
        _refresh_stopped(refresh, str(exc))
    except Exception as exc:
        _refresh_stopped(refresh, f"{type(exc).__name__}: {exc}")
        raise  # a bug: the worker's failed task shows it too
    else:
        refresh.ok, refresh.administration, refresh.counts = True, result.administration, result.counts
        refresh.lists_read = refresh.lists_total = len(result.counts)
        refresh.finished_at = clock.now()
        refresh.save(update_fields=["ok", "administration", "counts", "lists_read", "lists_total", "finished_at"])
    return refresh


def _refresh_stopped(refresh: ReferenceRefresh, error: str) -> None:
    logger.warning("refresh of Exact's lists stopped: %s", error)
    refresh.ok, refresh.error, refresh.finished_at = False, error[:500], clock.now()
    refresh.save(update_fields=["ok", "error", "finished_at"])


def reference_refresh_text(refresh: ReferenceRefresh) -> str:
    """Where the refresh stands, or what it found, in the reader's language."""
    if refresh.ok is True:
        names = {model._meta.model_name: model._meta.verbose_name_plural for model, *_rest in LISTS}
        lists = ", ".join(f"{count} {names.get(key, key)}" for key, count in refresh.counts.items())
        return _("Exact's lists of %(administration)s refreshed: %(lists)s.") % {
            "administration": refresh.administration,
            "lists": lists,
        }
    if refresh.ok is False:
        return _("Exact's lists were not refreshed: %s") % refresh.error
    if refresh.started_at is None:
        return _("Waiting for the background worker to start reading Exact's lists.")
    return ngettext(
        "running: %(read)s of %(total)s list read from Exact",
        "running: %(read)s of %(total)s lists read from Exact",
        refresh.lists_total,
    ) % {"read": refresh.lists_read, "total": refresh.lists_total}
