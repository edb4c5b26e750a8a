"""Seed v6 of the error catalogue: messages as people paste them from Exact's screen (issue 19, item 10) (frozen).

Added: `exact.mandatory_cost_center` for Exact's "Verplicht: Kostenplaats" (a G/L account that requires a
cost centre on a line without one); its fix is the pre-flight's `preflight.cost_center_required` fix, so
the message leads to the same fix whichever of the two finds it first.
"""

from sync.migrations._catalogue_seeding import entry

E, C = "exact", "coupling_admin"

ADDED = [
    entry(
        "exact.mandatory_cost_center", E, C, True, "mandatory",
        ["kostenplaats", "cost center", "cost centre", "costcenter", "kostenstelle"],
        ("Kostenplaats ontbreekt", "Cost centre missing"),
        ("De grootboekrekening van een regel vraagt in Exact een kostenplaats, maar de regel heeft er geen.",
         "The G/L account of a line requires a cost centre in Exact, but the line has none."),
        (["Vul de kostenplaats in Coachview in, of koppel een standaard kostenplaats in de koppeling.",
          "Laat de factuur opnieuw exporteren."],
         ["Fill in the cost centre in Coachview, or map a default cost centre in the coupling.",
          "Export the invoice again."]),
    ),
]

ROWS = ADDED
