"""Seed v5 of the error catalogue: Exact's REST wording of known messages (issue 18, item 5) (frozen).

Changed: a closed period is recognised in the REST wording as well as the XML one (both are held,
never failed). ASSUMPTION: REST's text is not published; the sandbox answers `Periode afgesloten:
<year> - <period>` / `Period closed: …`, and the rule also takes the kind-first form (`Afgesloten:
Periode`). A taken entry number (`In gebruik: Boekstuknummer.`) needs no change: v1's
`exact.entry_number_in_use` matches it.
"""

from sync.migrations._catalogue_seed_v1_exact import ROWS as V1_EXACT


def _with(code: str, **changes) -> dict:
    """A v1 row with some fields changed (the rest as seeded)."""
    row = next(row for row in V1_EXACT if row["code"] == code)
    return {**row, **changes}


CHANGED = [
    _with("exact.period_closed", match_subjects="\n".join([
        "periode is afgesloten*", "period is closed*",
        "periode afgesloten*", "period closed*", "afgesloten: periode*", "closed: period*",
    ])),
]

ROWS = CHANGED
