"""The OData (v2) query options Exact accepts: $filter parsing and evaluation, $orderby, literals.

Comparisons follow SQL Server, which Exact runs on: strings compare case-insensitively and ignore
trailing spaces (so `VATCode eq '2'` finds '2  '), but leading spaces count (account codes).
"""

import re
from datetime import datetime
from decimal import Decimal

from sandbox.exact.errors import bad_request
from sandbox.exact.values import GUID_RE, Unconvertible, parse_datetime

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<guid>guid'(?P<guidv>[^']*)')
  | (?P<datetime>datetime'(?P<datetimev>[^']*)')
  | (?P<string>'(?P<stringv>(?:[^']|'')*)')
  | (?P<number>-?\d+(?:\.\d+)?[LMDdmlf]?)
  | (?P<paren>[(),])
  | (?P<word>[A-Za-z_][A-Za-z0-9_/]*)
    """,
    re.VERBOSE,
)
COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
FUNCTIONS = {"trim", "tolower", "toupper", "length", "substringof", "startswith", "endswith"}


class Literal:
    """A typed literal from the query text."""

    def __init__(self, kind: str, value):
        self.kind = kind  # "string", "guid", "datetime", "number", "bool", "null"
        self.value = value


def _syntax_error(position: int):
    # ASSUMPTION: WCF Data Services' wording, which Exact's OData layer produces.
    return bad_request(f"Syntax error at position {position}.")


def tokenize(text: str) -> list[tuple[str, object, int]]:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if not match:
            raise _syntax_error(position)
        kind = match.lastgroup
        if kind == "guidv" or match.group("guid"):
            value = match.group("guidv")
            if not GUID_RE.match(value):
                raise bad_request(f"Unrecognized 'Edm.Guid' literal 'guid'{value}'' at '{position}'.")
            tokens.append(("lit", Literal("guid", value.strip("{}").lower()), position))
        elif match.group("datetime"):
            value = match.group("datetimev")
            try:
                tokens.append(("lit", Literal("datetime", parse_datetime(value)), position))
            except Unconvertible as exc:
                raise bad_request(
                    f"Unrecognized 'Edm.DateTime' literal 'datetime'{value}'' at '{position}'."
                ) from exc
        elif match.group("string") is not None:
            tokens.append(("lit", Literal("string", match.group("stringv").replace("''", "'")), position))
        elif match.group("number"):
            raw = match.group("number").rstrip("LMDdmlf")
            tokens.append(("lit", Literal("number", Decimal(raw)), position))
        elif match.group("paren"):
            tokens.append((match.group("paren"), None, position))
        elif match.group("word"):
            word = match.group("word")
            lowered = word.lower()
            if lowered in ("true", "false"):
                tokens.append(("lit", Literal("bool", lowered == "true"), position))
            elif lowered == "null":
                tokens.append(("lit", Literal("null", None), position))
            else:
                tokens.append(("word", word, position))
        position = match.end()
    return tokens


class Parser:
    """Recursive descent: or > and > not > comparison > operand."""

    def __init__(self, text: str, properties: dict, type_name: str):
        self.tokens = tokenize(text)
        self.index = 0
        self.properties = properties
        self.type_name = type_name
        self.text = text

    def parse(self):
        node = self._or()
        if self.index != len(self.tokens):
            raise _syntax_error(self.tokens[self.index][2])
        return node

    def _peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else (None, None, len(self.text))

    def _word(self, *words):
        kind, value, _ = self._peek()
        return kind == "word" and value.lower() in words

    def _take(self, kind):
        token = self._peek()
        if token[0] != kind:
            raise _syntax_error(token[2])
        self.index += 1
        return token

    def _or(self):
        node = self._and()
        while self._word("or"):
            self.index += 1
            node = ("or", node, self._and())
        return node

    def _and(self):
        node = self._not()
        while self._word("and"):
            self.index += 1
            node = ("and", node, self._not())
        return node

    def _not(self):
        if self._word("not"):
            self.index += 1
            return ("not", self._not())
        return self._comparison()

    def _comparison(self):
        left = self._operand()
        if self._word(*COMPARISONS):
            operator = self._peek()[1].lower()
            self.index += 1
            return (operator, left, self._operand())
        return left

    def _operand(self):
        kind, value, position = self._peek()
        if kind == "(":
            self.index += 1
            node = self._or()
            self._take(")")
            return node
        if kind == "lit":
            self.index += 1
            return ("lit", value)
        if kind == "word":
            self.index += 1
            if value.lower() in FUNCTIONS and self._peek()[0] == "(":
                self.index += 1
                args = [self._or()]
                while self._peek()[0] == ",":
                    self.index += 1
                    args.append(self._or())
                self._take(")")
                return ("call", value.lower(), args)
            if value not in self.properties:
                raise bad_request(f"No property '{value}' exists in type '{self.type_name}' at position {position}.")
            return ("prop", value)
        raise _syntax_error(position)


def parse_filter(text: str, properties: dict, type_name: str):
    """The parsed $filter tree; raises a 400 ExactHttpError when it is not valid."""
    return Parser(text, properties, type_name).parse()


def filter_properties(node) -> set[str]:
    """The property names a parsed filter mentions (for mandatory filtering)."""
    if node[0] == "prop":
        return {node[1]}
    if node[0] == "lit":
        return set()
    if node[0] == "call":
        return set().union(*(filter_properties(arg) for arg in node[2]))
    return set().union(*(filter_properties(part) for part in node[1:]))


def _value(node, row: dict, properties: dict):
    kind = node[0]
    if kind == "lit":
        return node[1].value
    if kind == "prop":
        value = row.get(node[1])
        type_name = properties[node[1]]["type"]
        if value is None:
            return None
        if type_name == "DateTime":
            return parse_datetime(value)
        if type_name in ("Double", "Int16", "Int32", "Int64", "Byte"):
            return Decimal(str(value))
        return value
    if kind == "call":
        name, args = node[1], [_value(arg, row, properties) for arg in node[2]]
        if name == "trim":
            return None if args[0] is None else str(args[0]).strip()
        if name == "tolower":
            return None if args[0] is None else str(args[0]).lower()
        if name == "toupper":
            return None if args[0] is None else str(args[0]).upper()
        if name == "length":
            return None if args[0] is None else Decimal(len(str(args[0])))
        if name == "substringof":
            return args[1] is not None and str(args[0]).lower() in str(args[1]).lower()
        if name == "startswith":
            return args[0] is not None and str(args[0]).lower().startswith(str(args[1]).lower())
        if name == "endswith":
            return args[0] is not None and str(args[0]).lower().endswith(str(args[1]).lower())
    return matches(node, row, properties)


def _comparable(value):
    if isinstance(value, str):
        return value.rstrip(" ").casefold()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    return value


def _compare(operator: str, left, right) -> bool:
    left, right = _comparable(left), _comparable(right)
    if operator == "eq":
        return left == right
    if operator == "ne":
        return left != right
    if left is None or right is None:
        return False
    if isinstance(left, datetime) != isinstance(right, datetime):
        return False
    try:
        return {"gt": left > right, "ge": left >= right, "lt": left < right, "le": left <= right}[operator]
    except TypeError:
        return False


def matches(node, row: dict, properties: dict) -> bool:
    """Whether a stored row satisfies the parsed filter."""
    kind = node[0]
    if kind == "and":
        return matches(node[1], row, properties) and matches(node[2], row, properties)
    if kind == "or":
        return matches(node[1], row, properties) or matches(node[2], row, properties)
    if kind == "not":
        return not matches(node[1], row, properties)
    if kind in COMPARISONS:
        return _compare(kind, _value(node[1], row, properties), _value(node[2], row, properties))
    return bool(_value(node, row, properties))


def parse_orderby(text: str, properties: dict, type_name: str) -> list[tuple[str, bool]]:
    """[(property, descending)] from '$orderby=A desc, B'."""
    order = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise _syntax_error(0)
        if words[0] not in properties:
            raise bad_request(f"No property '{words[0]}' exists in type '{type_name}' at position 0.")
        order.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    return order


def sort_rows(rows: list[dict], order: list[tuple[str, bool]]) -> list[dict]:
    """Rows sorted by $orderby (nulls first, as SQL Server sorts them)."""
    for name, descending in reversed(order):
        rows = sorted(
            rows,
            key=lambda row, name=name: (
                row.get(name) is not None,
                _comparable(row.get(name)) if row.get(name) is not None else 0,
            ),
            reverse=descending,
        )
    return rows


def key_literal(type_name: str, value) -> str:
    """The OData literal of a key value, as Exact writes it in URIs and skip tokens."""
    if type_name == "Guid":
        return f"guid'{value}'"
    if type_name == "Int64":
        return f"{value}L"
    return str(value)


def parse_key(text: str) -> str:
    """The stored key from a URI key literal: guid'…' → lower-case GUID, 123L / 123 → '123'."""
    text = text.strip()
    match = re.fullmatch(r"guid'([^']*)'", text)
    if match:
        if not GUID_RE.match(match.group(1)):
            raise bad_request(f"Unrecognized 'Edm.Guid' literal '{text}' at '0'.")
        return match.group(1).strip("{}").lower()
    match = re.fullmatch(r"(-?\d+)L?", text)
    if match:
        return match.group(1)
    raise _syntax_error(0)
