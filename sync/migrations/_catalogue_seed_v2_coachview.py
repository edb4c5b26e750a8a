"""Seed v2 of the error catalogue: Coachview as it really is (issue 17) (frozen).

The go-live check, the Coachview profile and the fetch's new reasons: a profile without a PDF
endpoint, a refused scope or client, and a `where` filter that does not behave as measured.
"""

from sync.migrations._catalogue_seeding import entry

C, P, N = "coupling_admin", "coachview_admin", "nobody"
_AGAIN = ("De volgende exportrun controleert de factuur opnieuw.", "The next export run checks the invoice again.")
_PROBE_NL = "Druk op de pagina van de Coachview-koppeling op 'Controleren tegen Coachview' (of draai 'python manage.py coachview_probe')."
_PROBE_EN = "On the Coachview connection page press 'Check against Coachview' (or run 'python manage.py coachview_probe')."

ROWS = [
    entry(
        "preflight.pdf_endpoint_missing", "preflight", C, True, "", [],
        ("Geen PDF-adres in het Coachview-profiel", "No PDF address in the Coachview profile"),
        ("'PDF bijvoegen' staat aan, maar het Coachview-profiel kent geen adres waar Coachview de factuur-PDF "
         "geeft. Elke factuur zou zonder PDF geboekt worden, dus de koppeling houdt ze vast.",
         "'Attach PDF' is on, but the Coachview profile knows no address where Coachview gives the invoice PDF. "
         "Every invoice would be booked without it, so the coupling holds them."),
        ([_PROBE_NL,
          "Vindt de controle geen PDF-adres: zet in de koppelingsopties 'PDF bijvoegen' uit om zonder PDF te boeken "
          "(één klik op de voorpagina), of vraag Coachview naar het adres en vul het in het profiel in.",
          _AGAIN[0]],
         [_PROBE_EN,
          "If the check finds no PDF address: switch 'attach PDF' off in the coupling options to book without it "
          "(one click on the front page), or ask Coachview for the address and set it in the profile.",
          _AGAIN[1]]),
    ),
    entry(
        "coachview.scope_refused", "coachview", P, True, "text",
        ["*refused the requested scope*", "*invalid_scope*"],
        ("Coachview weigert de gevraagde scopes", "Coachview refuses the requested scopes"),
        ("De koppeling vraagt scopes die de client in Coachview niet heeft; Coachview weigert dan het hele "
         "token (invalid_scope).",
         "The coupling asks for scopes the client does not have in Coachview; Coachview then refuses the whole "
         "token (invalid_scope)."),
        (["Laat het veld 'scopes' van de Coachview-verbinding leeg: het token krijgt dan de scopes die voor de "
          "client zijn aangevinkt.",
          "Of vink in Coachview de genoemde scopes aan voor deze client.", _PROBE_NL],
         ["Leave the Coachview connection's 'scopes' field empty: the token then gets the scopes ticked for the "
          "client.",
          "Or tick the named scopes for this client in Coachview.", _PROBE_EN]),
    ),
    entry(
        "coachview.credentials_refused", "coachview", P, True, "text",
        ["*refused the client id or secret*", "*invalid_client*"],
        ("Coachview weigert client-id of secret", "Coachview refuses the client id or secret"),
        ("Coachview's tokenadres kent deze client-id en dit secret niet (invalid_client), of de client staat uit.",
         "Coachview's token address does not know this client id and secret (invalid_client), or the client is "
         "disabled."),
        (["Controleer client-id en secret van de Coachview-verbinding (een secret is na opslaan in Coachview niet "
          "meer te zien: maak zo nodig een nieuw).",
          "Controleer in Coachview dat de client op 'Enabled' staat en voor deze omgeving (training of live) is.",
          _PROBE_NL],
         ["Check the Coachview connection's client id and secret (Coachview does not show a secret again after "
          "saving: make a new one if needed).",
          "Check in Coachview that the client is 'Enabled' and belongs to this environment (training or live).",
          _PROBE_EN]),
    ),
    entry(
        "coachview.fetch_loop", "coachview", C, True, "text",
        ["*does not behave as measured*", "*does not select what it was asked*"],
        ("Coachview's filter op wijzigingstijd werkt anders dan gemeten",
         "Coachview's filter on the change time works otherwise than measured"),
        ("Het ophalen leest per wijzigingstijd; Coachview gaf andere records terug dan gevraagd, ook per dag. "
         "Het ophalen stopt liever dan eindeloos te lezen of iets over te slaan.",
         "The fetch reads by change time; Coachview returned other records than asked for, even per day. The "
         "fetch stops rather than read forever or skip anything."),
        ([_PROBE_NL, "Meld het resultaat aan de leverancier van de koppeling met het rapport van de controle."],
         [_PROBE_EN, "Report the result to the coupling's supplier with the check's report."]),
    ),
]
