"""Seed v3 of the error catalogue: bad data never stops the line (issue 22) (frozen).

A value from Coachview that cannot be stored or booked as it is holds its invoice with the field and
the value named (`sync.services.fetch_fit`); the other invoices go on.
"""

from sync.migrations._catalogue_seeding import entry

P, C = "coachview_admin", "coupling_admin"
_AGAIN = (
    "Na de correctie haalt de koppeling de factuur opnieuw op en controleert hem bij de volgende exportrun.",
    "After the correction the coupling fetches the invoice again and checks it at the next export run.",
)
_WHERE = (
    "Het veld staat als Coachview-pad genoemd (bijvoorbeeld Debiteuren.naam of Facturen.factuurregels[2].btwCode).",
    "The field is named by its Coachview path (for example Debiteuren.naam or Facturen.factuurregels[2].btwCode).",
)


def _data(code, title, cause, fix_nl, fix_en):
    return entry(f"preflight.{code}", "preflight", P, True, "", [], title, cause,
                 ([*fix_nl, _WHERE[0], _AGAIN[0]], [*fix_en, _WHERE[1], _AGAIN[1]]))


ROWS = [
    _data("value_too_long", ("Waarde te lang: {field}", "Value too long: {field}"),
          ("Het veld {field} heeft in Coachview meer dan {limit} tekens ({value}). Inkorten zou het gegeven "
           "veranderen (een nummer, code of adres), dus de factuur wacht.",
           "The field {field} has more than {limit} characters in Coachview ({value}). Cutting it would change it "
           "(a number, code or address), so the invoice waits."),
          ["Verbeter het veld in Coachview."], ["Correct the field in Coachview."]),
    _data("value_out_of_range", ("Waarde niet te boeken: {field}", "Value cannot be booked: {field}"),
          ("Het veld {field} heeft in Coachview een waarde die niet bewaard of geboekt kan worden ({value}): een "
           "te groot bedrag of percentage, een negatief regelnummer of een onmogelijke datum.",
           "The field {field} has a value in Coachview that cannot be stored or booked ({value}): an amount or "
           "rate too large, a negative line number or an impossible date."),
          ["Verbeter het veld in Coachview."], ["Correct the field in Coachview."]),
    _data("country_unknown", ("Onbekende landcode: {field}", "Unknown country code: {field}"),
          ("Het veld {field} bevat {value}; Exact kent alleen de tweeletterige ISO-landcodes (zoals NL, BE, DE).",
           "The field {field} holds {value}; Exact knows only the two-letter ISO country codes (such as NL, BE, DE)."),
          ["Kies in Coachview het land opnieuw, zodat er een tweeletterige code staat."],
          ["Choose the country again in Coachview, so that it holds a two-letter code."]),
    _data("record_unstorable", ("Record niet op te slaan", "Record could not be stored"),
          ("De database weigerde {value} zoals Coachview het stuurde. De koppeling bewaarde het ruwe record en "
           "houdt de factuur vast; de andere facturen gingen door. Het logboek noemt de fout.",
           "The database refused {value} as Coachview sent it. The coupling kept the raw record and holds the "
           "invoice; the other invoices went on. The log names the error."),
          ["Bekijk het ruwe record bij de factuur en verbeter in Coachview wat ongewoon is.",
           "Blijft het: geef de supportdesk het logbericht met dit record."],
          ["Look at the raw record with the invoice and correct in Coachview what is unusual.",
           "If it stays: give the support desk the log line with this record."]),
    entry("exact.entry_number_taken", "exact", C, True, "", [],
          ("Nummer {invoice_number} staat in Exact al op een andere boeking",
           "Number {invoice_number} is already on another entry in Exact"),
          ("Exact heeft boeking {entry_number} met factuurnummer {invoice_number}, maar voor een andere relatie of "
           "een ander bedrag (Exact {exact_amount}, Coachview {coachview_amount}), of die boeking hoort al bij een "
           "andere factuur. Hetzelfde nummer is niet dezelfde factuur: de koppeling koppelt ze niet en boekt niets.",
           "Exact has entry {entry_number} with invoice number {invoice_number}, but for another relation or another "
           "amount (Exact {exact_amount}, Coachview {coachview_amount}), or that entry already belongs to another "
           "invoice. The same number is not the same invoice: the coupling does not link them and books nothing."),
          (["Bekijk boeking {entry_number} in Exact en deze factuur in Coachview (invoice_status {invoice_number} "
            "toont alle facturen met dit nummer).",
            "Is het dezelfde factuur (bijvoorbeeld met de hand geboekt)? Kies de actie 'Gecontroleerd: de boeking in "
            "Exact is deze factuur'.",
            "Is het een andere factuur? Kies 'Gecontroleerd: boeken onder een nieuw nummer in Exact'; Exact nummert "
            "de boeking dan zelf.",
            "Of laat Coachview de dubbele factuur crediteren en opnieuw nummeren."],
           ["Look at entry {entry_number} in Exact and at this invoice in Coachview (invoice_status "
            "{invoice_number} shows every invoice with this number).",
            "The same invoice (booked by hand, say)? Choose the action 'Checked: the entry in Exact with this number "
            "is this invoice'.",
            "Another invoice? Choose 'Checked: book under a new number in Exact'; Exact then numbers the entry itself.",
            "Or have Coachview credit the duplicate invoice and number it again."])),
    _data("credit_sign", ("Teken van het totaal klopt niet", "The total has the wrong sign"),
          ("De factuur staat in Coachview als creditfactuur (of juist niet), maar het totaal is {total}. Zo geboekt "
           "zou de vordering de verkeerde kant op gaan.",
           "Coachview marks the invoice as a credit invoice (or not), but its total is {total}. Booked like this, "
           "the receivable would go the wrong way."),
          ["Controleer in Coachview of de factuur een creditfactuur is en of de bedragen het juiste teken hebben."],
          ["Check in Coachview whether the invoice is a credit invoice and whether its amounts have the right sign."]),
    entry("preflight.pdf_too_large", "preflight", C, True, "", [],
          ("Factuur-pdf te groot voor Exact ({size})", "Invoice PDF too large for Exact ({size})"),
          ("De pdf van de factuur is {size}; Exact neemt bijlagen tot {limit} aan. De koppeling houdt de factuur "
           "vast voordat er een document in Exact wordt gemaakt, dus er blijft geen leeg document achter.",
           "The invoice's PDF is {size}; Exact accepts attachments up to {limit}. The coupling holds the invoice "
           "before any document is made in Exact, so no empty document is left behind."),
          (["Laat Coachview een kleinere pdf maken (minder of kleinere afbeeldingen), of zet voor deze factuur "
            "'factuur-pdf bijvoegen' uit en voeg de pdf in Exact met de hand toe.", _AGAIN[0]],
           ["Have Coachview make a smaller PDF (fewer or smaller images), or switch 'attach the invoice PDF' off for "
            "this invoice and add the PDF in Exact by hand.", _AGAIN[1]])),
]
