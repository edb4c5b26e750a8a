"""Coachview's clock and stamps: local time without offset, written to the millisecond.

Stored stamps are normalised to "yyyy-mm-ddTHH:MM:SS.fff" so that text order is time order; a `where`
value is read in any of the ways the product's profile may write it (and Coachview's documented dates).
"""

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sandbox import clock

LOCAL = ZoneInfo("Europe/Amsterdam")
PRECISIONS = ("ms", "s", "date")
UNITS = {"ms": timedelta(milliseconds=1), "s": timedelta(seconds=1), "date": timedelta(days=1)}
# The ways a `where` value may write a moment: the product's profile WHERE_FORMATS, with Coachview's
# documented dd-mm-yyyy / dd.mm.yyyy dates and the ISO forms its own JSON uses.
VALUE_FORMATS = (
    "%d-%m-%Y %H:%M:%S.%f",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d.%m.%Y %H:%M:%S.%f",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
)


def write(moment: datetime) -> str:
    """A moment as Coachview writes it: yyyy-mm-ddTHH:MM:SS.fff."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def local_now() -> str:
    """The simulated Coachview's clock as it stamps a change: local, to the millisecond."""
    return write(clock.now().astimezone(LOCAL).replace(tzinfo=None))


def stored_parse(value) -> datetime | None:
    """A stamp of a record (ISO, no offset, up to 7 fraction digits, or a date) to the millisecond."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    main, _dot, fraction = value.strip().replace(" ", "T").removesuffix("Z").partition(".")
    try:
        moment = datetime.fromisoformat(main)
    except ValueError:
        return None
    digits = "".join(ch for ch in fraction if ch.isdigit())[:3]
    return moment.replace(tzinfo=None, microsecond=int(digits.ljust(3, "0")) * 1000 if digits else 0)


def normal(value) -> str:
    """A record's stamp normalised for the text column (empty when it is not a stamp)."""
    moment = stored_parse(value)
    return write(moment) if moment else ""


def value_parse(text: str) -> datetime | None:
    """A moment as a `where` value writes it (see VALUE_FORMATS), or None."""
    text = text.strip()
    for fmt in VALUE_FORMATS:
        try:
            moment = datetime.strptime(text, fmt)  # noqa: DTZ007 - Coachview-local, no offset
        except ValueError:
            continue
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    return None


def truncate(moment: datetime, precision: str) -> datetime:
    if precision == "date":
        return datetime.combine(moment.date(), datetime.min.time())
    if precision == "s":
        return moment.replace(microsecond=0)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def next_etag(previous) -> int:
    """Coachview's etag is an integer that changes on every change of the record."""
    return (previous if isinstance(previous, int) and not isinstance(previous, bool) else 0) + 1


def seed_etag(record_id: str) -> int:
    """A deterministic first etag for a seeded record (no random numbers drawn)."""
    return int(hashlib.sha256(record_id.encode()).hexdigest()[:8], 16) % 900_000_000 + 100_000_000
