"""What people read instead of keys: a reason as the catalogue's title in their language with its values
filled in, an Exact administration by its division number. Catalogue keys only for administrators.

InvoiceExport.reasons keeps the message as the pre-flight or Exact wrote it (the CLI and the CSV read
it); the screen renders the catalogue entry instead, so a change of language or a corrected
catalogue text shows at once.
"""

import json
import re

from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext as _

from coupling.models.exact import administration_label  # noqa: F401  (the console's words, in one place)
from coupling.roles import is_administrator
from sync.models import ErrorCatalogueEntry


def reason_entries(reason_lists) -> dict[str, ErrorCatalogueEntry]:
    """The catalogue entries of every reason in `reason_lists` (one query)."""
    codes = {r.get("code") for reasons in reason_lists for r in reasons or [] if isinstance(r, dict) and r.get("code")}
    if not codes:
        return {}
    return {entry.code: entry for entry in ErrorCatalogueEntry.objects.filter(code__in=codes)}


def reason_title(reason: dict, entries: dict[str, ErrorCatalogueEntry]) -> str:
    """The entry's title with the reason's values ("Line 1: G/L account 8900 blocked"); without an entry,
    the message as it came (Exact's own words)."""
    values = reason.get("values") or {}
    entry = entries.get(reason.get("code"))
    if entry is None:
        return reason.get("message") or reason.get("code") or ""
    title = entry.title(values)
    if values.get("line") not in (None, ""):
        return _("Line %(line)s: %(title)s") % {"line": values["line"], "title": title}
    return title


GUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)


def json_shown(value, *, show_keys: bool) -> str:
    """A request or response body as text; for anyone but an administrator Exact's GUIDs read "…"."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return text if show_keys else GUID.sub("…", text)


class ReasonWordsChangeList(ChangeList):
    """Loads the catalogue entries of the page's reasons once, for the reason column (no query per row)."""

    def get_results(self, request):
        super().get_results(request)
        entries = reason_entries(obj.reasons for obj in self.result_list)
        show_keys = is_administrator(request.user)
        for obj in self.result_list:
            obj.reason_entries, obj.show_keys = entries, show_keys
