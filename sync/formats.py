"""How amounts, dates and times look on screen: one form everywhere (lists, inlines, detail panels, front page).

Amounts are euros as `€ 1.234,50` (in Dutch; grouping and decimal sign follow the active language),
dates `05-03-2026`, times in the local time zone (settings.TIME_ZONE) as `05-03-2026 14:05`
(coupling/formats/). The CSV files have their own rule: plain numbers with a decimal comma.
"""

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html

EURO = "EUR"


def money(value, currency: str = EURO) -> str:
    """`€ 1.234,50` (another currency by its code: `USD 1.234,50`); empty for no amount."""
    if value is None or value == "":
        return ""
    amount = number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    sign = "€" if (currency or EURO) == EURO else currency
    # A no-break space: the sign never ends up alone on a line in a narrow column.
    return f"{sign}\u00a0{amount}"


def day(value) -> str:
    """`05-03-2026`; empty for no date."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def moment(value) -> str:
    """`05-03-2026 14:05` in the local time zone (stored times are UTC); empty for none."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATETIME_FORMAT")


def shortened(text, limit: int) -> str:
    """Text cut to `limit` characters for a list column; the whole text in the title (shown on hover)."""
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    return format_html('<span title="{}">{}…</span>', text, text[: limit - 1].rstrip())
