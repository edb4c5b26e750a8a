"""Seed v1 of the error catalogue: Exact's token endpoint, Coachview's API and the connection (frozen)."""

from sync.migrations._catalogue_seeding import entry

X, C, P, N = "exact_admin", "coupling_admin", "coachview_admin", "nobody"

_RECONNECT_NL = ["Open in de koppeling de Exact-verbinding en kies 'Opnieuw verbinden'.",
                 "Log in met de vaste koppelgebruiker van Exact en geef toestemming.",
                 "Laat daarna de export opnieuw lopen; niets is dubbel geboekt."]
_RECONNECT_EN = ["Open the Exact connection in the coupling and choose 'Reconnect'.",
                 "Log in with the dedicated Exact integration user and give consent.",
                 "Run the export again afterwards; nothing was booked twice."]

OAUTH = [
    entry(
        "exact.oauth_refresh_token_reused", "exact", C, True, "oauth",
        ["unauthorized_client: old refresh token used*"],
        ("Exact-verbinding verbroken (oude sleutel gebruikt)", "Exact connection broken (old token used)"),
        ("Exact kreeg een vernieuwingssleutel die al gebruikt was: twee processen vernieuwden tegelijk "
         "of een nieuwe sleutel is niet bewaard. Exact verbreekt dan de keten.",
         "Exact received a refresh token that was used already: two processes refreshed at once or a new "
         "token was not saved. Exact then breaks the chain."),
        (_RECONNECT_NL, _RECONNECT_EN),
    ),
    entry(
        "exact.oauth_too_early", "exact", N, False, "oauth",
        ["access_denied: rate limit exceeded: access_token not expired*", "*access token not expired*",
         "tooearlytorefreshtokens*"],
        ("Sleutel te vroeg vernieuwd", "Token refreshed too early"),
        ("De toegangssleutel werd vernieuwd terwijl hij nog geldig was; Exact staat dat pas ongeveer "
         "30 seconden voor het verlopen toe.",
         "The access token was refreshed while still valid; Exact allows that only about 30 seconds "
         "before it expires."),
        (["Niets te doen: de koppeling gebruikt de huidige sleutel en probeert het later opnieuw.",
          "Komt het vaak voor, meld het dan aan de beheerder van de koppeling."],
         ["Nothing to do: the coupling uses the current token and tries again later.",
          "If it happens often, report it to the coupling's administrator."]),
    ),
    entry(
        "exact.oauth_refresh_token_expired", "exact", C, True, "oauth",
        ["invalid_request: the refresh token expired at*"],
        ("Exact-verbinding verlopen", "Exact connection expired"),
        ("De vernieuwingssleutel is te lang (30 dagen) niet gebruikt en verlopen ({date}).",
         "The refresh token was not used for too long (30 days) and expired ({date})."),
        (_RECONNECT_NL, _RECONNECT_EN),
    ),
    entry(
        "exact.oauth_chain_invalid", "exact", C, True, "oauth",
        ["invalid_grant: token is not allowed because of invalid or empty chainid*",
         "*invalid or empty chainid*"],
        ("Exact-verbinding verbroken (sleutelketen ongeldig)", "Exact connection broken (token chain invalid)"),
        ("De sleutelketen is ongeldig: iemand verbond dezelfde gebruiker opnieuw met deze app, er liepen "
         "meerdere aanmeldingen tegelijk, of een oude code of sleutel werd gebruikt.",
         "The token chain is invalid: someone connected the same user to this app again, several "
         "authorisations ran at once, or an old code or token was used."),
        (["Gebruik één vaste Exact-gebruiker alleen voor de koppeling.", *_RECONNECT_NL],
         ["Use one dedicated Exact user for the coupling only.", *_RECONNECT_EN]),
    ),
    entry(
        "exact.oauth_invalid_client", "exact", C, True, "oauth",
        ["invalid_request", "invalid_client*"],
        ("App-gegevens voor Exact onjuist", "App credentials for Exact wrong"),
        ("Exact herkent de client-id of het client-secret van de koppeling niet.",
         "Exact does not recognise the coupling's client id or client secret."),
        (["Controleer client-id, secret en redirect-URL in het Exact App Center en in de instellingen.",
          "Verbind daarna opnieuw met Exact."],
         ["Check the client id, secret and redirect URL in the Exact App Center and in the settings.",
          "Reconnect to Exact afterwards."]),
    ),
    entry(
        "exact.oauth_user_not_active", "exact", X, True, "oauth",
        ["invalid_grant: the user is not active*"],
        ("Exact-gebruiker van de koppeling is niet actief", "The coupling's Exact user is not active"),
        ("De Exact-gebruiker die toestemming gaf, is gedeactiveerd.",
         "The Exact user who gave consent has been deactivated."),
        (["Activeer de gebruiker in Exact, of kies een andere vaste koppelgebruiker.", *_RECONNECT_NL[:2]],
         ["Activate the user in Exact, or choose another dedicated integration user.", *_RECONNECT_EN[:2]]),
    ),
    entry(
        "exact.oauth_code_reused", "exact", C, True, "text",
        ["bad request", "400 bad request"],
        ("Aanmelden bij Exact mislukt", "Signing in to Exact failed"),
        ("Exact weigerde de aanmeldcode; meestal is dezelfde code twee keer gebruikt (pagina "
         "vernieuwd of dubbel geklikt).",
         "Exact refused the authorisation code; usually the same code was used twice (page refreshed "
         "or double click)."),
        (["Start het verbinden met Exact opnieuw vanuit de koppeling.", "Klik één keer op 'Toestaan'."],
         ["Start connecting to Exact again from the coupling.", "Click 'Allow' once."]),
    ),
]

# ASSUMPTION: a Coachview API failure reaches the catalogue as a text naming Coachview (its host
# or the word) and the HTTP status, e.g. requests' "403 Client Error: Forbidden for url:
# https://secure.coachview.net/...". The Coachview client may also use these codes directly.
COACHVIEW = [
    entry(
        "coachview.unauthorized", "coachview", C, True, "text",
        ["*coachview*401*", "*401*coachview*"],
        ("Coachview weigert de sleutel (401)", "Coachview refuses the token (401)"),
        ("Coachview accepteert de toegangssleutel niet: client-id of secret gewijzigd of ingetrokken.",
         "Coachview does not accept the access token: client id or secret changed or revoked."),
        (["Controleer client-id en secret van de Coachview-verbinding in de koppeling.",
          "Vraag zo nodig nieuwe gegevens aan bij de Coachview-beheerder.",
          "Test de verbinding opnieuw."],
         ["Check the Coachview connection's client id and secret in the coupling.",
          "Ask the Coachview administrator for new credentials if needed.",
          "Test the connection again."]),
    ),
    entry(
        "coachview.missing_scope", "coachview", P, True, "text",
        ["*coachview*403*", "*403*coachview*", "*missing scope*", "*scope {scope}*"],
        ("Coachview-recht ontbreekt: {scope}", "Coachview permission missing: {scope}"),
        ("De API-gebruiker in Coachview mist het recht (scope) {scope}; Coachview antwoordt met 403.",
         "The API user in Coachview lacks the permission (scope) {scope}; Coachview answers 403."),
        (["Geef in Coachview de API-koppeling de scope {scope} (zie de lijst in de handleiding).",
          "Verbind de koppeling opnieuw met Coachview zodat de nieuwe scope geldt.",
          "Laat de opdracht opnieuw lopen."],
         ["Give the API link the scope {scope} in Coachview (see the list in the manual).",
          "Reconnect the coupling to Coachview so the new scope applies.",
          "Run the job again."]),
    ),
    entry(
        "coachview.rate_limited", "coachview", N, False, "text",
        ["*coachview*429*", "*429*coachview*"],
        ("Coachview-daglimiet bereikt (429)", "Coachview daily limit reached (429)"),
        ("De koppeling heeft de 5.000 verzoeken per 24 uur van Coachview opgebruikt.",
         "The coupling used up Coachview's 5,000 requests per 24 hours."),
        (["Niets te doen: de koppeling wacht tot Coachview's limiet vrijkomt en gaat dan verder."],
         ["Nothing to do: the coupling waits until Coachview's limit resets and then continues."]),
    ),
    entry(
        "coachview.server_error", "coachview", N, False, "text",
        ["*coachview*500*", "*500*coachview*"],
        ("Coachview-serverfout (500)", "Coachview server error (500)"),
        ("Coachview gaf een serverfout, meestal een time-out bij het bladeren ver in een lijst (hoge skip).",
         "Coachview returned a server error, usually a timeout when paging deep into a list (high skip)."),
        (["Niets te doen: de koppeling probeert het later opnieuw met een kleiner datumvenster.",
          "Blijft het terugkomen, neem dan contact op met Coachview-support."],
         ["Nothing to do: the coupling retries later with a smaller date window.",
          "If it keeps coming back, contact Coachview support."]),
    ),
]

CONNECTION = [
    entry(
        "connection.not_connected", "connection", C, True, "",
        [],
        ("Niet verbonden met Exact", "Not connected to Exact"),
        ("De koppeling is nog niet met Exact verbonden.", "The coupling has not been connected to Exact yet."),
        (["Open in de koppeling de Exact-verbinding en kies 'Verbinden'.",
          "Log in met de vaste koppelgebruiker en kies de administratie."],
         ["Open the Exact connection in the coupling and choose 'Connect'.",
          "Log in with the dedicated integration user and choose the administration."]),
    ),
    entry(
        "connection.reconnect_needed", "connection", C, True, "",
        [],
        ("Exact-verbinding moet opnieuw", "Exact connection needs reconnecting"),
        ("Exact heeft de verbinding verbroken (sleutel verlopen of ingetrokken); tot het opnieuw verbinden "
         "wordt er niets geëxporteerd.",
         "Exact broke the connection (token expired or revoked); nothing is exported until it is reconnected."),
        (_RECONNECT_NL, _RECONNECT_EN),
    ),
    entry(
        "connection.budget_daily_spent", "connection", N, False, "",
        [],
        ("Exact-daglimiet op", "Exact daily limit spent"),
        ("De verzoeken die Exact per dag toestaat zijn op; de rest volgt in de volgende run.",
         "The requests Exact allows per day are spent; the rest follows in the next run."),
        (["Niets te doen: de volgende run gaat verder zodra Exact's dag opnieuw begint."],
         ["Nothing to do: the next run continues once Exact's day starts again."]),
    ),
    entry(
        "connection.budget_minute_spent", "connection", N, False, "",
        [],
        ("Exact-minuutlimiet op", "Exact minute limit spent"),
        ("De verzoeken die Exact per minuut toestaat zijn op; de koppeling wacht tot de minuut om is.",
         "The requests Exact allows per minute are spent; the coupling waits for the minute to pass."),
        (["Niets te doen: de koppeling gaat vanzelf verder."], ["Nothing to do: the coupling continues by itself."]),
    ),
    entry(
        "connection.endpoint_blocked", "connection", C, False, "",
        [],
        ("Exact blokkeert dit endpoint tijdelijk", "Exact temporarily blocks this endpoint"),
        ("Te veel foutieve verzoeken (400/401/403/404) op één endpoint; Exact blokkeert het dan een tijd. "
         "De koppeling stopt vooraf met verzoeken daarheen.",
         "Too many failed requests (400/401/403/404) on one endpoint; Exact then blocks it for a while. "
         "The coupling stops sending requests there beforehand."),
        (["Kijk bij de mislukte pogingen welke fout steeds terugkomt en los die op.",
          "De koppeling gaat vanzelf verder als de blokkade voorbij is."],
         ["Look at the failed attempts for the error that keeps coming back and fix it.",
          "The coupling continues by itself once the block has passed."]),
    ),
]

ROWS = OAUTH + COACHVIEW + CONNECTION
