"""Seed v4 of the error catalogue: Exact as it really is, and its go-live check (issue 18) (frozen).

New: a read Exact refuses (found by the go-live check), a VAT rate that differs, "spread revenue" not
set up, Exact refusing the app's client id or secret. Changed: every token-endpoint answer is also
recognised bare (its description alone) and wrapped in our own sentences; every answer that breaks the
token chain has one person to act (the coupling's administrator reconnects).
"""

from sync.migrations._catalogue_seed_v1_links import OAUTH
from sync.migrations._catalogue_seeding import entry

X, C, N = "exact_admin", "coupling_admin", "nobody"
_AGAIN = ("De volgende exportrun controleert de factuur opnieuw.", "The next export run checks the invoice again.")
_PROBE_NL = "Druk op de pagina van de Exact-verbinding op 'Controleren bij Exact' (of draai 'python manage.py exact_probe')."
_PROBE_EN = "On the Exact connection page press 'Check against Exact' (or run 'python manage.py exact_probe')."


def _with(code: str, **changes) -> dict:
    """A v1 OAuth row with some fields changed (the rest as seeded)."""
    row = next(row for row in OAUTH if row["code"] == code)
    return {**row, **changes}


NEW = [
    entry(
        "golive.exact_read_refused", "exact", C, True, "",
        [],
        ("Exact weigert een leesopdracht van de koppeling", "Exact refuses a read the coupling needs"),
        ("Bij de go-live-controle weigerde Exact een van de leesopdrachten die de koppeling bij export, "
         "betaalstatus of afstemming doet (bijvoorbeeld een verplicht of niet toegestaan filter). Elke geweigerde "
         "leesopdracht telt bovendien mee voor Exacts blokkade van tien fouten per uur.",
         "During the go-live check Exact refused one of the reads the coupling runs for export, payment status "
         "or reconciliation (for example a mandatory or refused filter). Every refused read also counts toward "
         "Exact's block of ten errors per hour."),
        (["Lees in het rapport welke leesopdracht en welk antwoord van Exact het zijn.",
          "Meld het aan de leverancier van de koppeling met dat antwoord: het vraagt een aanpassing van de koppeling.",
          _PROBE_NL],
         ["Read in the report which read it is and what Exact answered.",
          "Report it to the coupling's supplier with that answer: it needs a change in the coupling.",
          _PROBE_EN]),
    ),
    entry(
        "golive.exact_unreachable", "exact", C, False, "",
        [],
        ("Exact niet bereikbaar tijdens de go-live-controle", "Exact not reachable during the go-live check"),
        ("De go-live-controle kreeg geen antwoord van Exact, of het dagbudget van Exact was op.",
         "The go-live check got no answer from Exact, or Exact's daily budget was spent."),
        (["Controleer de verbinding met Exact op de verbindingspagina.", _PROBE_NL],
         ["Check the link to Exact on the connection page.", _PROBE_EN]),
    ),
    entry(
        "golive.vat_rate_differs", "preflight", X, True, "",
        [],
        ("Btw-percentage in Exact wijkt af van Coachview", "VAT rate in Exact differs from Coachview"),
        ("Een btw-code die de facturen gebruiken heeft in Exact een ander percentage dan Coachview rekent: Exact "
         "zou een ander btw-bedrag boeken dan op de factuur staat.",
         "A VAT code the invoices use has another rate in Exact than Coachview charges: Exact would book another "
         "VAT amount than the invoice shows."),
        (["Koppel de Coachview-btw-code aan de Exact-btw-code met hetzelfde percentage (Koppelingen, btw-codes).",
          _PROBE_NL, _AGAIN[0]],
         ["Map the Coachview VAT code to the Exact VAT code with the same rate (Mappings, VAT codes).",
          _PROBE_EN, _AGAIN[1]]),
    ),
    entry(
        "preflight.spread_revenue_not_set_up", "preflight", C, True, "",
        [],
        ("Omzet spreiden staat aan, maar Exact is er niet voor ingericht",
         "Spreading revenue is on, but Exact is not set up for it"),
        ("De optie 'omzet spreiden over de cursusperiode' stuurt per regel een periode (Van/Tot) mee; Exact "
         "boekt de omzet dan als vooruitontvangen bedrag. De grootboekrekening daarvoor ({gl_account}) is in "
         "Exact niet gevonden of geblokkeerd.",
         "The option 'spread revenue over the course period' sends each line's period (From/To); Exact then "
         "books the revenue as deferred. Its G/L account ({gl_account}) was not found in Exact or is blocked."),
        (["Laat de Exact-beheerder de instellingen voor vooruitontvangen omzet in Exact inrichten en vul die "
          "grootboekrekening in bij de koppelingsopties; of zet de optie uit.",
          "Ververs de lijsten van Exact ('python manage.py sync_reference_data').", _AGAIN[0]],
         ["Have the Exact administrator set up deferred revenue in Exact and enter that G/L account in the "
          "coupling options; or switch the option off.",
          "Refresh Exact's lists ('python manage.py sync_reference_data').", _AGAIN[1]]),
    ),
    entry(
        "connection.client_refused", "connection", C, True, "text",
        ["*refuses the coupling's client id or secret*"],
        ("Exact weigert de client-id of het secret van de koppeling", "Exact refuses the coupling's client id or secret"),
        ("Exacts tokenadres antwoordde dat de app niet bekend is (invalid_client, of invalid_request zonder "
         "toelichting). Opnieuw vernieuwen helpt niet; de koppeling roept Exact niet meer aan tot dit is opgelost.",
         "Exact's token endpoint answered that it does not know the app (invalid_client, or invalid_request "
         "without a description). Refreshing again cannot help; the coupling stops calling Exact until it is fixed."),
        (["Vergelijk client-id en secret op de pagina van de Exact-verbinding met de app in het Exact App Center "
          "(een secret kan daar vernieuwd zijn) en sla ze op.", "Verbind daarna opnieuw met Exact."],
         ["Compare the client id and secret on the Exact connection page with the app in Exact's App Center (a "
          "secret may have been renewed there) and save them.", "Connect to Exact again afterwards."]),
    ),
]

# The token endpoint's answers: bare (the description alone) and wrapped in our own sentences too.
CHANGED = [
    _with("exact.oauth_refresh_token_reused", match_subjects="\n".join([
        "unauthorized_client: old refresh token used*", "*old refresh token used*",
    ])),
    _with("exact.oauth_too_early", match_subjects="\n".join([
        "access_denied: rate limit exceeded: access_token not expired*", "*access token not expired*",
        "*access_token not expired*", "tooearlytorefreshtokens*",
    ])),
    _with("exact.oauth_refresh_token_expired", match_subjects="\n".join([
        "invalid_request: the refresh token expired at*", "*the refresh token expired at*",
    ])),
    _with("exact.oauth_user_not_active", who_acts=C, match_subjects="\n".join([
        "invalid_grant: the user is not active*", "*the user is not active*",
    ])),
]

ROWS = NEW + CHANGED
