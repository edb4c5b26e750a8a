"""Match failure texts to catalogue entries, and record the messages nothing explains yet."""

import fnmatch
import hashlib
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F

from coupling.clock import now
from sync.errorcatalogue.messages import ParsedMessage, canonical, parse_message, parse_text
from sync.errorcatalogue.reasons import Reason
from sync.models.catalogue import ErrorCatalogueEntry, UnmatchedMessage, render_values

EXAMPLE_INVOICES_KEPT = 5


@dataclass
class MessageMatch:
    """One message of a failure, the entry that explains it (or None) and its instance values."""

    message: str
    entry: ErrorCatalogueEntry | None
    code: str | None
    values: dict = field(default_factory=dict)
    parsed: ParsedMessage | None = None

    def as_reason(self) -> Reason:
        return Reason(code=self.code, values=self.values, message=self.message)


class CatalogueIndex:
    """All entries, their patterns normalised once; one query per index."""

    def __init__(self, entries=None):
        self.entries = list(entries if entries is not None else ErrorCatalogueEntry.objects.all())
        self.by_code = {e.code: e for e in self.entries}
        self.rules: dict[str, list[tuple[str, ErrorCatalogueEntry]]] = {}
        self.titles: list[tuple[str, ErrorCatalogueEntry]] = []
        for entry in self.entries:
            for pattern in entry_patterns(entry):
                self.rules.setdefault(entry.match_kind, []).append((pattern, entry))
            for title in (entry.title_nl, entry.title_en):
                # A title with {values} as Coachview shows it after a write-back: values become *.
                pattern = canonical(_placeholders_to_star(title))
                # canonical() leaves no upper case, so only "*" and " " ever strip: "XX* XX" is the same.
                stars_and_spaces = "* "  # pragma: no mutate
                if pattern.strip(stars_and_spaces):
                    self.titles.append((pattern, entry))

    def find(self, parsed: ParsedMessage) -> ErrorCatalogueEntry | None:
        """The most specific entry for one message: its kind's patterns, then whole text, titles, codes."""
        candidates = [(pattern, entry) for pattern, entry in self.rules.get(parsed.kind, []) if parsed.kind]
        best = _best(candidates, (parsed.subject, parsed.key))
        if best is None and parsed.kind == "text":
            # A numbered message ("Invoer 3: Het bedrag van de BTW regel …") pasted without its number.
            best = _best(self.rules.get("input", []), (parsed.subject, parsed.key))
        if best is None:
            # Whole-text rules; OAuth rules too, as a Reason header repeats the token endpoint's words.
            rules = self.rules.get("text", []) + self.rules.get("oauth", [])
            best = _best(rules, (parsed.whole, parsed.subject, parsed.key))
        if best is None:
            best = _best(self.titles, (parsed.whole,))
        if best is None:
            best = self.by_code.get(parsed.raw.strip().lower())
        if best is None and parsed.numbered is not None:
            # "Invoer 1: Boekstuknummer 20260011 bestaat reeds": the message without Exact's number.
            best = self.find(parsed.numbered)
        return best


def _placeholders_to_star(text: str) -> str:
    return re.sub(r"\{[a-z_0-9]+\}", "*", text)


def _best(rules, texts) -> ErrorCatalogueEntry | None:
    """The entry whose matching pattern has the most literal characters (the most specific); of equally
    specific ones, the entry whose code sorts first."""
    found = [
        (len(pattern.replace("*", "")), entry)
        for pattern, entry in rules
        if any(fnmatch.fnmatchcase(text, pattern) for text in texts if text)
    ]
    if not found:
        return None
    return min(found, key=lambda scored: (-scored[0], scored[1].code))[1]


def entry_patterns(entry: ErrorCatalogueEntry) -> list[str]:
    """An entry's subject patterns, normalised like messages (an example message may be pasted)."""
    patterns = []
    for line in (entry.match_subjects or "").splitlines():
        if not line.strip():
            continue
        parsed = parse_message(line)
        # "Verplicht: Betalingsconditie" pasted under kind mandatory: keep the subject only.
        pattern = parsed.subject if parsed.kind == entry.match_kind else parsed.whole
        if pattern:
            patterns.append(pattern)
    return patterns


def catalogue_match(text: str, *, index: CatalogueIndex | None = None) -> list[MessageMatch]:
    """Split a failure text into its messages and match each to its catalogue entry."""
    index = index or CatalogueIndex()
    matches: list[MessageMatch] = []
    for parsed in parse_text(text):
        entry = index.find(parsed)
        matches.append(
            MessageMatch(
                message=parsed.raw,
                entry=entry,
                code=entry.code if entry else None,
                values=parsed.values,
                parsed=parsed,
            )
        )
    return _without_echoes(matches)


def _without_echoes(matches: list[MessageMatch]) -> list[MessageMatch]:
    """Drop a Reason header that repeats what the body said, and exact repeats."""
    kept: list[MessageMatch] = []
    seen: set = set()
    codes = {m.code for m in matches if m.code and not m.parsed.from_reason}
    for m in matches:
        if m.parsed.from_reason and (m.code in codes or (m.code is None and codes)):
            # The Reason header is always the last message (split_messages appends it), so break is the same.
            continue  # pragma: no mutate
        key = (m.code, m.parsed.group_key, tuple(sorted((k, str(v)) for k, v in m.values.items())))
        if key in seen:
            continue
        seen.add(key)
        kept.append(m)
    return kept


def failure_record(*, text: str, invoice_number: str | None = None) -> list[MessageMatch]:
    """Match a failure and count every message no entry explains yet in its unmatched group."""
    matches = catalogue_match(text)
    for match in matches:
        if match.entry is None:
            _unmatched_count(match.parsed, example=text, invoice_number=invoice_number)
    return matches


def _unmatched_count(parsed: ParsedMessage, *, example: str, invoice_number: str | None) -> None:
    key_hash = hashlib.sha256(parsed.group_key.encode()).hexdigest()
    moment = now()
    row = UnmatchedMessage.objects.filter(key_hash=key_hash).first()
    if row is None:
        try:
            with transaction.atomic():
                row = UnmatchedMessage.objects.create(
                    key_hash=key_hash,
                    normalised=parsed.group_key,
                    kind=parsed.kind,
                    subject=parsed.key,
                    example=example[:4000],
                    count=0,  # pragma: no mutate (the model's default is 0 as well)
                    first_seen=moment,
                    last_seen=moment,
                )
        except IntegrityError:  # another worker created the group first
            row = UnmatchedMessage.objects.get(key_hash=key_hash)
    # Counted with an UPDATE so that two workers never lose a count.
    UnmatchedMessage.objects.filter(pk=row.pk).update(count=F("count") + 1, last_seen=moment)
    if invoice_number and invoice_number not in row.example_invoices:
        if len(row.example_invoices) < EXAMPLE_INVOICES_KEPT:
            row.example_invoices = [*row.example_invoices, invoice_number]
            UnmatchedMessage.objects.filter(pk=row.pk).update(example_invoices=row.example_invoices)


def unmatched_resolve() -> int:
    """Remove the unmatched groups a catalogue entry now explains; returns how many."""
    index = CatalogueIndex()
    resolved = [
        row.pk
        # Django loads the pk whatever only() names, so dropping "pk" here changes nothing.
        for row in UnmatchedMessage.objects.only("pk", "example")  # pragma: no mutate
        if all(m.entry is not None for m in catalogue_match(row.example, index=index))
    ]
    UnmatchedMessage.objects.filter(pk__in=resolved).delete()
    return len(resolved)


def catalogue_entry(code: str) -> ErrorCatalogueEntry | None:
    """The entry with this code, or None."""
    return ErrorCatalogueEntry.objects.filter(code=code).first()


def titled_reason(code: str, detail: str = "", **values) -> Reason:
    """A reason titled by its catalogue entry in the active language (values as text); a detail is
    added in brackets, or stands in for the title when the catalogue has no entry for the code."""
    entry = catalogue_entry(code)
    message = entry.title(values) if entry else code
    if detail and message == code:
        message = detail
    elif detail:
        message = f"{message} ({detail})"
    return Reason(code=code, values={key: str(value) for key, value in values.items()}, message=message)


@dataclass
class Explanation:
    """What support sees for one message (also the JSON of explain_error)."""

    message: str
    code: str | None
    title: str | None
    cause: str | None
    fix: str | None
    fix_steps: list[str]
    who_acts: str | None
    who_acts_label: str | None
    permanent: bool | None
    values: dict


def explain(text: str) -> list[Explanation]:
    """Every message in the text with its entry's title, cause, fix and who acts (active language)."""
    return [explanation(m.entry, message=m.message, values=m.values) for m in catalogue_match(text)]


def explanation(entry: ErrorCatalogueEntry | None, *, message: str, values: dict) -> Explanation:
    """One message explained by an entry (or not: all None)."""
    if entry is None:
        return Explanation(message, None, None, None, None, [], None, None, None, values)
    return Explanation(
        message=message,
        code=entry.code,
        title=entry.title(values),
        cause=entry.cause(values),
        fix=entry.fix(values),
        fix_steps=entry.fix_steps(values),
        who_acts=entry.who_acts,
        who_acts_label=str(entry.get_who_acts_display()),
        permanent=entry.permanent,
        values=values,
    )


def reasons_explained(reasons: list[dict]) -> list[Explanation]:
    """InvoiceExport.reasons with each code's title, cause and fix in the active language."""
    codes = [r.get("code") for r in reasons]
    # Only the entries these reasons name; without the filter every entry loads: the same lookups, only slower.
    index = CatalogueIndex(ErrorCatalogueEntry.objects.filter(code__in=codes))  # pragma: no mutate
    return [
        explanation(
            index.by_code.get(r.get("code")), message=render_values(r.get("message") or "", {}), values=r.get("values") or {}
        )
        for r in reasons
    ]
