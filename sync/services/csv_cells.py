"""Cells of the CSV files people open in Excel: text that can never run as a formula."""

# A text cell starting with one of these is a formula to Excel (CSV injection, OWASP): prefix a quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value) -> str:
    """A text value as a cell Excel shows as text; amounts are not passed through here, so stay numbers."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
