"""Reading every record of a Coachview resource changed since the watermark: tie-safe at any precision.

Coachview's change stamps have milliseconds, but whether `where` accepts a time, and at which precision
it compares (ms, whole seconds, or days), is not documented; the probe measures it (profile
`where_precision`). The walk never relies on it being right:

- it asks `>=` the start of a unit (never `>` and never a zero-width range), so a server that compares
  coarser than we think answers a superset, which the seen-set (id, stamp, etag) de-duplicates;
- a page that holds records before the cursor proves the server compares coarser: the walk moves to
  the next coarser precision for good (kept on the watermark) instead of looping;
- a full page inside one unit (a bulk invoicing run) is read completely with `>=unit;<next unit`
  ordered by id, shallow `skip` inside that unit only;
- every step moves the cursor forward or makes the precision coarser, so no page can repeat forever.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings

from coupling import clock
from coupling.coachview import api
from coupling.coachview.client import CoachviewClient, CoachviewError
from coupling.coachview.profile import PRECISIONS, ProfileView
from coupling.coachview.readers import changed_moment, record_id
from coupling.coachview.records import coarser, format_precision, truncate, unit_after
from sync.models import FetchWatermark

# A walk that has not finished after this many pages (all its loops together) is stopped with a
# message, never left to loop: a server that ignores `skip` or `where` answers the same page forever.
MAX_PAGES = 5000


class WalkStopped(Exception):
    """The deadline came: what was read is stored and the watermark saved; the rest follows next run."""


def record_key(record: dict, profile: ProfileView) -> tuple[str, str, str]:
    """(id, change stamp, version): the etag where Coachview sends one, else a digest of the record."""
    moment = changed_moment(record, profile)
    version = api.etag(record, profile)
    if not version:
        text = json.dumps(record, sort_keys=True, default=str)
        version = hashlib.sha256(text.encode()).hexdigest()[:16]
    return (str(record_id(record, profile)), moment.isoformat(timespec="milliseconds") if moment else "", version)


class ChangedWalk:
    """One resource's walk: `run()` hands every new or changed record to `store`, page by page."""

    def __init__(
        self,
        *,
        client: CoachviewClient,
        profile: ProfileView,
        resource: str,
        store: Callable[[list], None],
        deadline: datetime | None,
        params: dict | None = None,
    ):
        self.client, self.profile, self.resource = client, profile, resource
        self.store, self.deadline, self.params = store, deadline, params or {}
        self.zone = api.timezone(profile)
        self.mark, _created = FetchWatermark.objects.get_or_create(
            resource=resource, base_url=client.connection.base_url
        )
        configured = self._finest_usable(profile["where_precision"])
        # A coarser precision found by an earlier walk on this tenant stays until the profile changes it.
        self.precision = max(configured, self.mark.precision or configured, key=PRECISIONS.index)
        self.seen = {tuple(item) for item in self.mark.seen}
        after = self.mark.after.astimezone(self.zone).replace(tzinfo=None) if self.mark.after else None
        self.cursor = truncate(after, self.precision) if after else None
        self.coarsened_to = ""  # set when this walk had to compare coarser than the profile says
        self.pages = 0

    def _finest_usable(self, precision: str) -> str:
        """The profile's precision, but never finer than the `where` format can write."""
        limit = format_precision(self.profile["where_format"])
        return max(precision, limit, key=PRECISIONS.index)

    # --- the walk ---

    def run(self) -> None:
        take = api.MAX_TAKE
        while True:
            self._deadline_check()
            page = self._get(self._where_from(self.cursor), self._orderby_changed())
            times = self._times(page)
            self._take_in(page)
            if self._coarser_than_thought(times):
                continue
            if len(page) < take:
                self._save(max(times) if times else None, finished=True)
                return
            if not self.profile["orderby_changed"]:
                self._read_rest_by_id()
                return
            last = truncate(max(times), self.precision)
            # `last` is a unit's start, so a record before it lies in an earlier unit.
            if min(times) < last:
                # Every unit before `last` is complete; `last` itself may go on in the next page.
                self.cursor = last
                self._save(last)  # pragma: no mutate (_save(None) saves the cursor, which is `last` now)
                continue
            if not self._unit_read(last, in_page=sum(1 for t in times if truncate(t, self.precision) == last)):
                continue
            self.cursor = unit_after(last, self.precision)
            self._save(last, crowded_done=True)

    def _unit_read(self, unit: datetime, *, in_page: int) -> bool:
        """Read one crowded unit completely, shallow skip inside it; False when the server proved coarser."""
        where = self._where_from(unit) + ";" + api.where_changed(self.profile, "<", unit_after(unit, self.precision))
        skip, found, take = 0, 0, api.MAX_TAKE
        while True:
            self._deadline_check()
            part = self._get(where, api.orderby(self.profile, "id"), skip=skip)
            times = self._times(part)
            if any(truncate(t, self.precision) != unit for t in times):
                return not self._coarsen()  # a coarser server answered more than the unit
            self._take_in(part)
            found += len(part)
            if len(part) < take:
                break
            skip += take
        if found < in_page:
            # The page showed more records in this unit than the unit query returns: the upper bound
            # was compared coarser than we write it.
            return not self._coarsen()
        return True

    def _read_rest_by_id(self) -> None:
        """Without a working `orderby` on the change time: everything from the cursor on, paged by id."""
        skip, latest, take = 0, None, api.MAX_TAKE
        while True:
            self._deadline_check()
            part = self._get(self._where_from(self.cursor), api.orderby(self.profile, "id"), skip=skip)
            times = self._times(part)
            self._take_in(part)
            if times:
                latest = max(latest, max(times)) if latest else max(times)
            if len(part) < take:
                break
            skip += take
        self._save(latest, finished=True)

    # --- steps ---

    def _get(self, where: str | None, orderby: str, *, skip: int = 0) -> list:
        """One page; every loop of the walk reads through here, so none can go on past MAX_PAGES."""
        self.pages += 1
        if self.pages > MAX_PAGES:
            raise CoachviewError(
                f"Reading {self.resource} did not finish after {MAX_PAGES} pages; Coachview's `where` on the "
                "change time, or its paging, does not behave as measured. Run the go-live check again.",
                permanent=True,
                code="coachview.fetch_loop",
            )
        return self.client.get_list(
            self.resource, where=where, orderby=orderby, skip=skip, take=api.MAX_TAKE, params=self.params
        )

    def _where_from(self, moment: datetime | None) -> str | None:
        return api.where_changed(self.profile, ">=", moment) if moment else None

    def _orderby_changed(self) -> str:
        concept = "changed" if self.profile["orderby_changed"] else "id"
        return api.orderby(self.profile, concept)

    def _times(self, records: list) -> list[datetime]:
        times = [changed_moment(record, self.profile) for record in records]
        if records and not any(times):
            raise CoachviewError(
                f"Coachview's {self.resource} have no change time at '{self.profile.field('changed')}'; cannot "
                "read incrementally. Run the go-live check (coachview_probe) to find the field.",
                permanent=True,
                code="coachview.bad_response",
            )
        return [moment for moment in times if moment]

    def _take_in(self, records: list) -> None:
        fresh = []
        for record in records:
            key = record_key(record, self.profile)
            if key not in self.seen:
                self.seen.add(key)
                fresh.append(record)
        if fresh:
            self.store(fresh)

    def _coarser_than_thought(self, times: list[datetime]) -> bool:
        """Records before the cursor came back: the server compares coarser. Coarsen and ask again."""
        # The cursor is a unit's start, so a record is before it exactly when the record's unit is.
        if self.cursor is None or not any(t < self.cursor for t in times):
            return False
        return self._coarsen()

    def _coarsen(self) -> bool:
        wider = coarser(self.precision)
        if wider is None:
            raise CoachviewError(
                f"Coachview's `where` on the change time of {self.resource} does not select what it was asked "
                "for, even per day; the fetch cannot read incrementally. Run the go-live check.",
                permanent=True,
                code="coachview.fetch_loop",
            )
        self.precision = self.coarsened_to = wider
        if self.cursor is not None:
            self.cursor = truncate(self.cursor, wider)
        self.mark.precision = wider
        # This walk is its watermark's only writer, so saving every field would store the same values.
        self.mark.save(update_fields=["precision", "updated_at"])  # pragma: no mutate
        return True

    def _deadline_check(self) -> None:
        if self.deadline is not None and clock.now() >= self.deadline:
            raise WalkStopped

    def _save(self, latest: datetime | None, *, finished: bool = False, crowded_done: bool = False) -> None:
        """Move the watermark to the start of the last unit read; past it once that unit has settled."""
        unit = truncate(latest, self.precision) if latest else self.cursor
        if unit is not None and (finished or crowded_done):
            settled = clock.now().astimezone(self.zone).replace(tzinfo=None) - timedelta(
                seconds=settings.COACHVIEW_SETTLED_AFTER_SECONDS
            )
            # ASSUMPTION: a unit that ended this long ago in Coachview's time gets no new records (clocks
            # agree within the margin), so the watermark may pass it: a crowded last unit is then not read
            # again every run.
            if unit_after(unit, self.precision) <= settled:
                unit = unit_after(unit, self.precision)
        # No unit: nothing was read since an empty watermark, so there is no key to keep or drop.
        edge = unit.isoformat(timespec="milliseconds") if unit else ""  # pragma: no mutate
        self.mark.after = unit.replace(tzinfo=self.zone) if unit else None
        self.mark.seen = sorted([list(key) for key in self.seen if key[1] >= edge])
        self.mark.save(update_fields=["after", "seen", "updated_at"])  # pragma: no mutate (its only writer)
