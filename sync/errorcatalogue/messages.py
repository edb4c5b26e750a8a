"""Turn one failure text into its messages, each normalised to (kind, subject) with its values taken out.

Exact answers in the user's language, wraps messages in XML-upload prefixes, JSON bodies and
"Error 500:", joins several with line breaks, and embeds instance values (VAT codes, entry
numbers, periods, amounts ...). Matching on the whole string would need one entry per
language and per value; matching on the kind ("Verplicht" = "Mandatory") and the subject does not.
"""

import json
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# The message kinds Exact uses, in the words of each language (coachview.md §6.2). Longer first:
# "Ongeldige referentie" must win over "Ongeldig".
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "invalid_reference": ("ongeldige referentie", "invalid reference", "ungültige referenz", "ungultige referenz"),
    "not_found": ("niet gevonden", "not found", "nicht gefunden"),
    "already_exists": ("bestaat reeds", "already exists", "existiert bereits"),
    "not_allowed": ("niet toegestaan", "not allowed", "nicht erlaubt"),
    "mandatory": ("verplicht", "mandatory", "required", "obligatorisch", "erforderlich"),
    "invalid": ("ongeldig", "invalid", "ungültig", "ungultig"),
    "unknown": ("onbekend", "unknown", "unbekannt"),
    "blocked": ("geblokkeerd", "blocked", "gesperrt"),
    "missing": ("ontbreekt", "missing", "fehlt"),
    "in_use": ("in gebruik", "in use"),
    "input": ("invoer", "input", "eintrag"),
}
_WORD_KIND = {word: kind for kind, words in KIND_WORDS.items() for word in words}
_WORDS = "|".join(sorted((re.escape(w) for w in _WORD_KIND), key=len, reverse=True))
# Exact's screen often puts the kind word after the subject ("Boekstuknummer 20260011 bestaat reeds",
# "Grootboekrekening geblokkeerd", "Boekjaar (Periode-datumtabel) bestaat niet: 2027"): the same message
# as "Bestaat reeds - Boekstuknummer: …", "Geblokkeerd: Grootboekrekening", "Onbekend: Boekjaar (…)".
_TRAILING_KIND = {
    **{word: kind for word, kind in _WORD_KIND.items() if kind != "input"},
    **{word: "unknown" for word in ("bestaat niet", "does not exist", "existiert nicht")},
}
_TRAILING_WORDS = "|".join(sorted((re.escape(w) for w in _TRAILING_KIND), key=len, reverse=True))
_TRAILING_RE = re.compile(
    rf"^(?P<rest>.*?\S)\s+(?P<word>{_TRAILING_WORDS})\s*(?::\s*(?P<value>[^:]*?))?\s*[.!]?\s*$", re.I | re.S
)
# A bare "Invoer 1:" split off the message it numbers ("Invoer 1: Verplicht: Kostenplaats").
_BARE_INPUT_RE = re.compile(r"^(?:invoer|input|eintrag)\s+\d+\s*:?\s*$", re.I)
# "Invoer 17: ...": the input kind always carries a line number.
_KIND_RE = re.compile(rf"^(?P<word>{_WORDS})(?:\s+(?P<input>\d+))?\s*(?::|\s-\s|\s–\s)\s*(?P<rest>.*)$", re.I | re.S)
# Several messages in one line without a break ("Verplicht : vervaldatum Verplicht:Betalingsconditie").
_INLINE_SPLIT_RE = re.compile(rf"(?<=\S)\s+(?=(?:{_WORDS})(?:\s+\d+)?\s*:)", re.I)

# Wrappers around the message proper; each may record a value. Applied until none matches.
_WRAPPERS: list[tuple[re.Pattern, str | None]] = [
    (re.compile(r"^\s*(?:…|\.\.\.)\s*"), None),
    (re.compile(r"^\s*foutmelding\s*:\s*", re.I), None),
    (re.compile(r"^\s*(?:error|fout)\s+(\d{3})\s*:\s*", re.I), "http_status"),
    (re.compile(r"^\s*(?:error|fout)\s*:\s*", re.I), None),
    (re.compile(r"^\s*element\s*:\s*([^,]*),\s*", re.I), "element"),
    (re.compile(r"^\s*topic\s*:\s*([^,]*),\s*", re.I), "topic"),
    (re.compile(r"^\s*message\s*:\s*", re.I), None),
    (re.compile(r"^\s*['\"‘’“”]+\s*"), None),
    (
        re.compile(
            r"^\s*(?:[A-Za-z]+\s*(?:-|:)?\s*)?(?:onderwerp|subject|topic|thema|betreff|component)\s*\[([^\]]*)\]\s*:?\s*",
            re.I,
        ),
        "topic",
    ),
    (re.compile(r"^\s*gltransactions?\s*[:-]?\s+", re.I), None),
]
_REASON_RE = re.compile(r"\s*\(reason:\s*(.*?)\)\s*$", re.I | re.S)

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_DATE = (
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[APap]\.?[Mm]\.?)?)?"
    r"|\b\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?"
)
# (value name, pattern). The value is group 1, or the whole match when there is no group; the
# label around it stays so that the message still reads as what it is.
_VALUES: list[tuple[str, re.Pattern]] = [
    ("guid", re.compile(_GUID)),
    ("date", re.compile(_DATE)),
    ("amount", re.compile(r"(?:\b(?:EUR|USD|GBP|CHF)\b|€)\s*-?\d[\d.,]*\d|(?:\b(?:EUR|USD|GBP|CHF)\b|€)\s*-?\d", re.I)),
    ("period", re.compile(r"(?<![\d/])(\d{4}\s*[/–-]\s*\d{1,2})(?![\d/])")),
    ("entry_type", re.compile(r"\((?i:type|soort):\s*([^)]+)\)")),
    ("vat_code", re.compile(r"(?i:\bbtw[- ]?code|\bvat[- ]?code|\bmwst\.?-?\s?code)\s+['\"]?(\d[\w]{0,5}|[A-Z]{1,4}\d{0,3})\b")),
    ("entry_number", re.compile(r"(?i:boekstuknummer|entry number)\s*:\s*([^,;]+?)\s*(?=[,;]|$)")),
    ("entry_number", re.compile(r"(?i:boekstuknummer|entry number)\s+(\d+)\b")),
    ("journal", re.compile(r"(?i:\bdagboek|\bjournal|\bdiary)\s*:\s*([^,;\s]+)")),
    ("gl_account", re.compile(r"(?i:g/l account|gl account|ledger account|grootboekrekening)\s*:\s*(.+?)\s*$")),
    ("gl_account", re.compile(r"(?i:g/l account|gl account|ledger account|grootboekrekening)\s+(\d+)\b")),
    ("account_name", re.compile(r"(?i:\baccount|\brelatie|\bklant|\bcustomer)\s*\(((?!(?i:typ))[^)]+)\)")),
    ("scope", re.compile(r"\b([A-Z][A-Za-z]+\.(?:Lezen|Schrijven|Read|Write))\b")),
    ("detail", re.compile(r"\[([^\]]*)\]\s*\.?\s*$")),
    ("topic", re.compile(r"\s*\[([A-Za-z]+)\]\s*")),
]
_URL_RE = re.compile(r"https?://[^\s'\"<>]+")


@dataclass
class ParsedMessage:
    """One message out of a failure text: as received, and normalised for matching."""

    raw: str
    kind: str  # a key of KIND_WORDS, "oauth", or "text" (no kind word)
    subject: str  # normalised text after the kind word, values replaced by {name}
    key: str  # subject with any other number replaced by {n}: groups unmatched messages
    whole: str  # normalised whole message (kind word included)
    values: dict = field(default_factory=dict)
    from_reason: bool = False
    numbered: "ParsedMessage | None" = None  # after "Invoer N:", the message it numbers, parsed on its own

    @property
    def group_key(self) -> str:
        """What unmatched messages are grouped by."""
        return f"{self.kind}: {self.key}"


def fold(text: str) -> str:
    """Lower case, accents and typographic quotes removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "–": "-"}))
    return re.sub(r"\s+", " ", text).strip()


def canonical(text: str) -> str:
    """fold(), then only letters, digits, placeholders, '*', ':' and parentheses survive."""
    text = re.sub(r"[^a-z0-9{}*_:() ]+", " ", fold(text))
    text = re.sub(r"\s*:\s*", ": ", text)
    return re.sub(r"\s+", " ", text).strip(" :")


def split_messages(text: str) -> list[tuple[str, str | None, dict, bool]]:
    """The separate messages in a text: (message, kind forced by its source, values, from a Reason)."""
    pieces: list[tuple[str, str | None, dict, bool]] = []
    text = text or ""
    reason = _REASON_RE.search(text)
    if reason:
        text = text[: reason.start()]
    for chunk, kind, values in _split_json(text):
        if kind:
            pieces.append((chunk, kind, values, False))
            continue
        # Logs and e-mails sometimes show the breaks escaped ("\\r\\n").
        chunk = chunk.replace("\\r\\n", "\n").replace("\\n", "\n")
        for line in re.split(r"\r\n|\r|\n", chunk):
            # Wrappers first: "Error 500: Mandatory: ..." is one message, not two.
            body, wrapper_values = unwrap(line)
            numbered = ""
            for part in _INLINE_SPLIT_RE.split(body):
                if _BARE_INPUT_RE.match(part.strip()):
                    numbered = part.strip() + " "  # belongs to the message that follows
                elif part.strip(" \t'\"‘’“”.,"):
                    pieces.append((numbered + part.strip(), None, {**values, **wrapper_values}, False))
                    numbered = ""
    if reason and reason.group(1).strip():
        pieces.append((reason.group(1).strip(), None, {}, True))
    return pieces


def _split_json(text: str) -> list[tuple[str, str | None, dict]]:
    """Replace a JSON body in the text by the message(s) it carries."""
    start = text.find("{")
    if start < 0:
        return [(text, None, {})]
    try:
        body, end = json.JSONDecoder().raw_decode(text, start)
    except ValueError:
        return [(text, None, {})]
    if not isinstance(body, dict):
        return [(text, None, {})]
    before, after = text[:start], text[end:]
    out: list[tuple[str, str | None, dict]] = []
    if before.strip(" :-\t\r\n"):
        out.append((before, None, {}))
    error = body.get("error")
    if isinstance(error, str):
        # The OAuth token endpoint: {"error": "invalid_grant", "error_description": "..."}.
        description = body.get("error_description") or ""
        out.append((f"{error}: {description}" if description else error, "oauth", {"oauth_error": error}))
    elif isinstance(error, dict):
        # Exact's REST API: {"error": {"code": "", "message": {"lang": "", "value": "..."}}}.
        message = error.get("message")
        value = message.get("value") if isinstance(message, dict) else message
        out.append((str(value or ""), None, {}))
    else:
        out.append((json.dumps(body), None, {}))
    if after.strip(" :-\t\r\n"):
        out.extend(_split_json(after))
    return out


def extract_values(text: str) -> tuple[str, dict]:
    """Replace instance values by {name} placeholders; return the text and the values found."""
    values: dict = {}

    def remember(name: str, value: str) -> str:
        slot, n = name, 2
        while slot in values:
            slot, n = f"{name}_{n}", n + 1
        values[slot] = value.strip()
        return slot

    def url_host(m: re.Match) -> str:
        remember("url", m.group(0))
        return " " + (urlsplit(m.group(0)).hostname or "") + " "

    text = _URL_RE.sub(url_host, text)
    for name, pattern in _VALUES:

        def replace(m: re.Match, name: str = name) -> str:
            if m.re.groups == 0:
                return "{" + remember(name, m.group(0)) + "}"
            if name == "topic":
                remember(name, m.group(1))
                return " "
            if name == "detail":
                # "Invalid: Email [x@y]": what is inside the brackets varies, the message does not.
                if m.group(1).strip():
                    remember(name, m.group(1))
                return ""
            whole, (a, b) = m.group(0), m.span(1)
            offset = m.start()
            return whole[: a - offset] + "{" + remember(name, m.group(1)) + "}" + whole[b - offset :]

        text = pattern.sub(replace, text)
    return text, values


def unwrap(text: str) -> tuple[str, dict]:
    """Take off Exact's wrappers (Element/Topic/Message, Onderwerp [..], Error 500: ...)."""
    values: dict = {}
    changed = True
    while changed:
        changed = False
        for pattern, name in _WRAPPERS:
            m = pattern.match(text)
            if m and m.end() > 0:
                if name and m.groups() and m.group(1).strip():
                    values.setdefault(name, m.group(1).strip())
                text = text[m.end() :]
                changed = True
    return text.strip().strip("'\"‘’“”").strip(), values


def parse_message(raw: str, *, kind: str | None = None, values: dict | None = None, from_reason=False) -> ParsedMessage:
    """Normalise one message to kind, subject and values."""
    found = dict(values or {})
    body, wrapper_values = unwrap(raw)
    found.update(wrapper_values)
    unwrapped = body
    body, extracted = extract_values(body)
    found.update(extracted)
    subject_text = body
    numbered = None
    if kind is None:
        m = _KIND_RE.match(body.strip())
        trailing = _TRAILING_RE.match(body.strip())
        if m and (m.group("input") is not None) == (_WORD_KIND[m.group("word").lower()] == "input"):
            kind = _WORD_KIND[m.group("word").lower()]
            subject_text = m.group("rest")
            if m.group("input"):
                found["input"] = m.group("input")
                numbered = _numbered(unwrapped)
                for name, value in (numbered.values if numbered else {}).items():
                    found.setdefault(name, value)
        elif trailing:
            kind = _TRAILING_KIND[fold(trailing.group("word"))]
            subject_text = trailing.group("rest")
            if (trailing.group("value") or "").strip():
                found.setdefault("detail", trailing.group("value").strip())
        else:
            kind = "text"
    subject = canonical(subject_text)
    return ParsedMessage(
        raw=raw.strip(),
        kind=kind,
        subject=subject,
        key=_generic_numbers(subject),
        whole=canonical(body),
        values=found,
        from_reason=from_reason,
        numbered=numbered,
    )


def _numbered(text: str) -> ParsedMessage | None:
    """The message after "Invoer N:", parsed on its own (Exact numbers any message that way)."""
    m = _KIND_RE.match(text.strip())
    rest = m.group("rest").strip() if m else ""
    return parse_message(rest) if rest else None


def _generic_numbers(text: str) -> str:
    return re.sub(r"\b\d+\b", "{n}", text)


def parse_text(text: str) -> list[ParsedMessage]:
    """Every message in a failure text, parsed."""
    return [
        parse_message(raw, kind=kind, values=values, from_reason=from_reason)
        for raw, kind, values, from_reason in split_messages(text)
    ]


# Words that do not tell one message from another, in the languages Exact answers in.
_COMMON_WORDS = {
    "aan", "bij", "door", "een", "het", "met", "niet", "naar", "voor", "van", "deze", "komt", "overeen", "totaal",
    "the", "and", "with", "for", "this", "that", "does", "from", "not", "der", "die", "das", "mit", "nicht",
    "exact", "invoer", "input", "error", "fout", "foutmelding", "message", "element", "topic", "onderwerp",
}  # fmt: skip
SEARCH_WORDS = 3


def search_words(text: str) -> str:
    """A message's significant words (no numbers, codes, kind words or common words), for a keyword search."""
    body, _values = extract_values(unwrap(text)[0])
    kind_words = {part for word in _TRAILING_KIND for part in word.split()}
    words = []
    for word in re.findall(r"[a-z]{4,}", fold(re.sub(r"\{[a-z_0-9]+\}", " ", body))):
        if word not in _COMMON_WORDS and word not in kind_words and word not in words:
            words.append(word)
    return " ".join(words[:SEARCH_WORDS])
