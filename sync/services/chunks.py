"""Walking a large queryset with bounded memory: a backlog of 10,000 invoices is never loaded at once."""

from collections.abc import Iterator

from django.db.models import QuerySet


def queryset_chunks(queryset: QuerySet, *, size: int = 500, limit: int | None = None) -> Iterator[list]:
    """The rows in lists of at most `size`, by ascending pk, at most `limit` in all.

    Keyset paging (`pk > last`): rows the caller changes between chunks are neither skipped nor seen twice.
    """
    after, taken = None, 0
    while limit is None or taken < limit:
        page = queryset.order_by("pk") if after is None else queryset.filter(pk__gt=after).order_by("pk")
        rows = list(page[: size if limit is None else min(size, limit - taken)])
        if not rows:
            return
        yield rows
        after, taken = rows[-1].pk, taken + len(rows)
