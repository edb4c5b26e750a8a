"""The sync app in the admin (the operators' console): one module per page or part.

records — the raw Coachview records and the console's invoice list; console, console_detail,
console_history — the invoice list, its detail panels, the export history; exports — the person's
actions, runs and attempts; catalogue; payments; reconciliation (with health problems); schedule;
exact_probe; coverage; words — how keys, states and reasons read on screen.
"""

from sync.admin import (  # noqa: F401  (registers the ModelAdmins)
    catalogue,
    console_history,
    exact_probe,
    payments,
    reconciliation,
    records,
    schedule,
)
