"""What the fetch depends on, measured on the tenant: stamp precision, the `where` format and precision, orderby.

Each measurement is a handful of reads of records the probe sampled; nothing is written.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from coupling.coachview import api
from coupling.coachview.client import CoachviewClient, CoachviewError
from coupling.coachview.profile import PRECISIONS, WHERE_FORMATS, ProfileView
from coupling.coachview.readers import changed_moment, record_id
from coupling.coachview.records import format_precision, path_get, stamp_precision, truncate, where_value


@dataclass
class WhereFinding:
    accepts_time: bool | None = None
    where_format: str | None = None
    precision: str | None = None
    evidence: str = ""


def stamps_precision(records: list[dict], profile: ProfileView) -> str | None:
    """The finest precision the sampled change stamps are written with."""
    found = [stamp_precision(path_get(r, profile.field("changed"))) for r in records]
    found = [p for p in found if p]
    return min(found, key=PRECISIONS.index) if found else None


def _usable_sample(records: list[dict], profile: ProfileView) -> tuple[str, datetime] | None:
    """A record whose stamp lets the tests tell ms, s and date apart (not at a second's or day's end)."""
    fallback = None
    for record in records:
        moment, rid = changed_moment(record, profile), record_id(record, profile)
        if moment is None or rid is None:
            continue
        fallback = fallback or (rid, moment)
        if moment.microsecond // 1000 < 999 and moment.time() < datetime.max.time().replace(second=58):
            return rid, moment
    return fallback


def where_measure(*, client: CoachviewClient, profile: ProfileView, path: str, records: list[dict]) -> WhereFinding:
    """Which `where` format the tenant accepts for the change time, and at which precision it compares."""
    sample = _usable_sample(records, profile)
    if sample is None:
        return WhereFinding(evidence="no record with an id and a change time to measure with")
    rid, moment = sample
    id_where = f"{api.where_field(profile, 'id')}={rid}"

    def contains(where_format: str, value: datetime) -> bool | None:
        where = f"{id_where};{api.where_changed(profile, '>=', value, where_format)}"
        try:
            page = client.get_list(path, where=where, take=5)
        except CoachviewError as exc:
            if exc.status in (400, 422, 500):
                return None  # the tenant refuses this way of writing a moment
            raise
        return any(record_id(record, profile) == rid for record in page)

    formats = [profile["where_format"], *(f for f in WHERE_FORMATS if f != profile["where_format"])]
    formats.sort(key=lambda f: PRECISIONS.index(format_precision(f)))  # the finest that works wins
    for where_format in formats:
        finest = format_precision(where_format)
        if contains(where_format, truncate(moment, finest)) is not True:
            continue
        precision = _compare_precision(contains, where_format, moment)
        written = where_value(truncate(moment, finest), where_format)
        return WhereFinding(
            accepts_time=finest != "date",
            where_format=where_format,
            precision=precision,
            evidence=f"`>=` with '{written}' selects the record changed at {moment.isoformat(timespec='milliseconds')}; "
            f"compared per {precision}",
        )
    return WhereFinding(accepts_time=False, evidence="no way of writing the change time in `where` was accepted")


def _compare_precision(contains, where_format: str, moment: datetime) -> str:
    """ms when `>=` one ms later excludes the record, s when one second later does, else date."""
    finest = format_precision(where_format)
    if finest == "ms" and contains(where_format, moment + timedelta(milliseconds=1)) is False:
        return "ms"
    if finest in ("ms", "s"):
        next_second = truncate(moment, "s") + timedelta(seconds=1)
        if next_second.date() == moment.date() and contains(where_format, next_second) is False:
            return "s"
    return "date"


def orderby_measure(*, client: CoachviewClient, profile: ProfileView, path: str) -> tuple[bool | None, str]:
    """Whether `orderby` on the change time sorts (asc and desc); None when too few records to tell."""
    orders = {}
    for direction in ("asc", "desc"):
        try:
            page = client.get_list(path, orderby=api.orderby(profile, "changed", direction), take=20)
        except CoachviewError as exc:
            if exc.status in (400, 422, 500):
                return False, f"orderby on the change time was refused ({exc.status})"
            raise
        orders[direction] = [m for m in (changed_moment(r, profile) for r in page) if m]
    ascending, descending = orders["asc"], orders["desc"]
    if len(set(ascending)) < 2:
        return None, "too few records with different change times to tell"
    works = ascending == sorted(ascending) and descending == sorted(descending, reverse=True)
    return works, "sorted" if works else "orderby on the change time is ignored"
