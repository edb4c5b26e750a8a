"""Deterministic, realistic Dutch data for the simulated Coachview (debtors and invoices).

Uses the codes of `sandbox.seedcodes` (the same as the seeded Exact), 21 %, 9 % and 0 %, cost
centres including `Intern`, a credit invoice, a `Concept` invoice, many invoices sharing one change
second, and the deliberate gaps, each used by at least one sent invoice and together by at most a
fifth of the sent invoices.
"""

import random
import uuid
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from sandbox import seedcodes
from sandbox.clock import now
from sandbox.coachview import stamps, store
from sandbox.coachview.dialects import dialect_get
from sandbox.coachview.stamps import LOCAL
from sandbox.models import (
    CoachviewDebtor,
    CoachviewInvoice,
    CoachviewRateWindow,
    CoachviewRawFile,
    CoachviewRawRecord,
    CoachviewRawWrite,
    CoachviewToken,
)

CENT = Decimal("0.01")
MIN_DEBTORS = 8  # the existing customers, the supplier's number and a few new ones

COMPANIES = [
    ("Opleidingen Noord B.V.", "Groningen", "9711 LV", "Grote Markt"),
    ("Zorggroep Het Baken", "Zwolle", "8011 AB", "Melkmarkt"),
    ("Bouwbedrijf Van Dijk & Zn.", "Utrecht", "3511 AD", "Oudegracht"),
    ("Gemeente Heuvelrug", "Doorn", "3941 HA", "Kerkplein"),
    ("Logistiek Centrum Brabant B.V.", "Tilburg", "5038 AA", "Spoorlaan"),
    ("Accountantskantoor De Wit", "Haarlem", "2011 HA", "Zijlweg"),
    ("Stichting Jeugdwerk Delta", "Middelburg", "4331 AA", "Lange Delft"),
    ("TechnoServ Nederland B.V.", "Eindhoven", "5611 AA", "Stratumseind"),
    ("Hotel De Gouden Leeuw", "Maastricht", "6211 CM", "Vrijthof"),
    ("Advocatenkantoor Jansen Smit", "Den Haag", "2514 EA", "Lange Voorhout"),
    ("Rijschool Veilig Verder", "Amersfoort", "3811 GA", "Langestraat"),
    ("Kinderopvang Zonnestraal", "Arnhem", "6811 AA", "Jansbinnensingel"),
]
PERSONS = [
    ("Anna", "de", "Vries", "V"),
    ("Pieter", "", "Bakker", "M"),
    ("Fatima", "el", "Amrani", "V"),
    ("Jeroen", "van", "Leeuwen", "M"),
    ("Sanne", "", "Visser", "V"),
    ("Mehmet", "", "Yilmaz", "M"),
    ("Lotte", "van der", "Berg", "V"),
    ("Kees", "", "Mulder", "M"),
]
# (description, GL account, cost centre, VAT code as Coachview writes it, rate, unit prices)
PRODUCTS = [
    ("Training Leidinggeven", "8000", "100", "2", Decimal("0.21"), ["1250.00", "1495.00", "895.00"]),
    ("Incompany training Timemanagement", "8010", "200", "2", Decimal("0.21"), ["2750.00", "3400.00"]),
    ("E-learning Excel gevorderd", "8020", "300", "2", Decimal("0.21"), ["149.00", "89.95", "249.50"]),
    ("Studieboek en lesmateriaal", "8000", "100", "1", Decimal("0.09"), ["37.50", "59.95", "24.99"]),
    ("Examen VCA Basis", "8300", "100", "0", Decimal("0.00"), ["95.00", "165.00"]),
    (
        "Opleiding Coachvaardigheden (CRKBO, vrijgesteld)",
        "8000",
        "100",
        "0",
        Decimal("0.00"),
        ["1850.00", "975.00"],
    ),
    ("Lunch en zaalhuur", "8010", "200", "1", Decimal("0.09"), ["27.50", "42.75"]),
]
GAPS = ["vat_inclusive", "gl_blocked", "cost_center_missing", "supplier_debtor"]


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _stamp(moment: datetime, ms: int = 0) -> str:
    """A change stamp as Coachview writes it, to the millisecond (`ms` added to a whole-second moment)."""
    return stamps.write(moment.replace(microsecond=0) + timedelta(milliseconds=ms))


def audit(record_id: str, created: str, changed: str) -> dict:
    """An auditTrail as Coachview's JSON carries it (the first etag derived from the id)."""
    return {"aangemaaktDatumTijd": created, "gewijzigdDatumTijd": changed, "etag": stamps.seed_etag(record_id)}


def rows_store(model, records: list[dict], **extra) -> None:
    """Bulk-insert default-shaped records, the change column taken from their auditTrail."""
    model.objects.bulk_create(
        [
            model(id=r["id"], data=r, changed_at=stamps.normal(r["auditTrail"]["gewijzigdDatumTijd"]), **extra)
            for r in records
        ],
        batch_size=500,
    )


def coachview_wipe(*, dialect: str) -> None:
    """Empty the simulated Coachview and note the dialect it is to speak."""
    dialect_get(dialect)
    for model in (
        CoachviewInvoice, CoachviewDebtor, CoachviewToken, CoachviewRateWindow,
        CoachviewRawRecord, CoachviewRawFile, CoachviewRawWrite,
    ):  # fmt: skip
        model.objects.all().delete()
    store.state_set(dialect=dialect)


def seed_coachview(*, rng: random.Random, invoices: int, debtors: int, dialect: str | None = None) -> str:
    """Wipe the simulated Coachview and fill it with `debtors` debtors and `invoices` invoices; the dialect."""
    dialect = dialect or settings.COACHVIEW_SANDBOX_DIALECT
    coachview_wipe(dialect=dialect)
    local_now = now().astimezone(LOCAL).replace(tzinfo=None, microsecond=0)
    debtor_rows = _debtors(rng, max(debtors, MIN_DEBTORS), local_now)
    rows_store(CoachviewDebtor, debtor_rows)
    rows_store(CoachviewInvoice, _invoices(rng, invoices, debtor_rows, local_now))
    return dialect


def _debtors(rng: random.Random, count: int, local_now: datetime) -> list[dict]:
    rows = []
    for index in range(count):
        number = seedcodes.FIRST_DEBTOR_NUMBER + index
        private = index % 4 == 3 and number != seedcodes.SUPPLIER_NUMBER
        created = local_now - timedelta(days=rng.randint(90, 400), seconds=rng.randint(0, 86399))
        changed = created + timedelta(days=rng.randint(0, 60))
        if private:
            first, middle, last, gender = PERSONS[index % len(PERSONS)]
            name = " ".join(part for part in (first, middle, last) if part)
            city, postcode, street = COMPANIES[(index * 5) % len(COMPANIES)][1:]
            row = {
                "naam": name,
                "particulier": True,
                "btwNummer": None,
                "kvkNummer": None,
                "emailadres": f"{first.lower()}.{last.lower()}@example.nl",
                "naamRekeninghouder": name,
            }
            contact = None
        else:
            base, city, postcode, street = COMPANIES[index % len(COMPANIES)]
            name = base if index < len(COMPANIES) else f"{base} ({city} {index // len(COMPANIES) + 1})"
            first, middle, last, gender = PERSONS[(index * 3) % len(PERSONS)]
            row = {
                "naam": name,
                "particulier": False,
                "btwNummer": f"NL{rng.randint(10**8, 10**9 - 1)}B01",
                "kvkNummer": f"{rng.randint(10**7, 10**8 - 1)}",
                "emailadres": f"crediteuren{index}@example.nl",
                "naamRekeninghouder": name,
            }
            contact = {
                "id": _id(rng),
                "voornaam": first,
                "tussenvoegsels": middle or None,
                "achternaam": last,
                "geslacht": gender,
                "emailadres": f"{first.lower()}@example.nl",
            }
        has_iban = index % 3 != 2
        row.update(
            {
                "id": _id(rng),
                "debiteurnummer": f"{number}",
                "debiteurnummerExtern": None,
                "externId": None,
                "externSource": None,
                "telefoonnummer": f"0{rng.randint(10, 79)}-{rng.randint(1000000, 9999999)}",
                "iban": f"NL{rng.randint(10, 99)}INGB{rng.randint(10**9, 10**10 - 1):010d}"
                if has_iban
                else None,
                "bicCode": "INGBNL2A" if has_iban else None,
                "factuurAdres": {
                    "adres1": f"{street} {rng.randint(1, 180)}",
                    "adres2": None,
                    "adres3": None,
                    "postcode": postcode,
                    "plaats": city,
                    "landCode": "NL",
                },
                "contactpersoon": contact,
            }
        )
        row["auditTrail"] = audit(row["id"], _stamp(created, index * 37 % 1000), _stamp(changed, index * 211 % 1000))
        if not has_iban:
            row["naamRekeninghouder"] = None
        rows.append(row)
    # One debtor already known in Exact under another number, linked through Coachview's externId.
    linked = rows[min(7, len(rows) - 1)]
    linked["externId"], linked["externSource"] = "20001", "Exact"
    return rows


def _lines(rng: random.Random, day: date, count: int) -> list[dict]:
    lines = []
    for sequence in range(1, count + 1):
        description, gl, cost_center, vat_code, rate, prices = PRODUCTS[rng.randrange(len(PRODUCTS))]
        price = Decimal(rng.choice(prices))
        quantity = Decimal(rng.choice([1, 1, 1, 2, 3, 4, 6, 12]))
        amount = (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        start = day + timedelta(days=rng.randint(7, 40))
        lines.append(
            {
                "volgnummer": sequence,
                "omschrijving": f"{description}, {quantity} deelnemer(s)" if quantity > 1 else description,
                "aantal": int(quantity),
                "prijsExclBtw": float(price),
                "bedragExclBtw": _money(amount),
                "btwCode": vat_code,
                "btwPercentage": float(rate),
                "btwBedrag": _money(amount * rate),
                "grootboekrekeningNummer": gl,
                "kostenplaatsCode": cost_center,
                "periodeVan": start.isoformat(),
                "periodeTot": (start + timedelta(days=rng.randint(0, 4))).isoformat(),
            }
        )
    return lines


def _totals(invoice: dict) -> None:
    excl = sum((Decimal(str(line["bedragExclBtw"])) for line in invoice["factuurregels"]), Decimal("0"))
    vat = sum((Decimal(str(line["btwBedrag"])) for line in invoice["factuurregels"]), Decimal("0"))
    invoice.update(totaalExclBtw=_money(excl), totaalBtw=_money(vat), totaalInclBtw=_money(excl + vat))


def _gap_apply(gap: str, invoice: dict, debtors_by_number: dict) -> None:
    line = invoice["factuurregels"][0]
    if gap == "vat_inclusive":
        line.update(
            btwCode=seedcodes.VAT_CODE_INCLUSIVE,
            btwPercentage=0.21,
            btwBedrag=_money(Decimal(str(line["bedragExclBtw"])) * Decimal("0.21")),
        )
    elif gap == "gl_blocked":
        line.update(
            grootboekrekeningNummer=seedcodes.GL_ACCOUNT_BLOCKED,
            omschrijving="Cursus Oud Boekhouden (vervallen)",
        )
    elif gap == "cost_center_missing":
        line["kostenplaatsCode"] = seedcodes.COST_CENTER_MISSING_IN_EXACT
    elif gap == "supplier_debtor":
        invoice["debiteurId"] = debtors_by_number[str(seedcodes.SUPPLIER_NUMBER)]["id"]


def _invoices(rng: random.Random, count: int, debtors: list[dict], local_now: datetime) -> list[dict]:
    by_number = {d["debiteurnummer"]: d for d in debtors}
    ordinary = [d for d in debtors if d["debiteurnummer"] != str(seedcodes.SUPPLIER_NUMBER)]
    year = local_now.year
    special = {0: "Concept", 1: "credit", 2: "cent"} if count >= 3 else {}
    sent_count = count - (1 if count >= 1 and special.get(0) == "Concept" else 0)
    gap_invoices = max(1, min(len(GAPS), sent_count // 5)) if sent_count else 0
    # Invoices 3 .. 3+gap_invoices-1 carry the gaps, spread round robin when few invoices are sent.
    gaps_of = {3 + (i % gap_invoices): [] for i in range(len(GAPS))} if gap_invoices else {}
    for i, gap in enumerate(GAPS if gap_invoices else []):
        gaps_of[3 + (i % gap_invoices)].append(gap)
    # A bulk import: about a third of the invoices share one change second.
    crowded = local_now - timedelta(days=1, hours=3)
    rows = []
    for index in range(count):
        day = (local_now - timedelta(days=rng.randint(2, 90))).date()
        debtor = ordinary[index % len(ordinary)]
        invoice = {
            "id": _id(rng),
            "factuurnummer": f"{year}{index + 1:04d}",
            "factuurdatum": day.isoformat(),
            "vervaldatum": (day + timedelta(days=30)).isoformat(),
            "status": "Verzonden",
            "isCreditfactuur": False,
            "debiteurId": debtor["id"],
            "referentieKlant": f"PO-{rng.randint(1000, 9999)}" if index % 3 == 0 else None,
            "betalingskenmerk": f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
            if index % 2 == 0
            else None,
            "omschrijving": f"Opleidingen {day:%m-%Y}",
            "valutaCode": "EUR",
            "bevestigd": False,
            "bevestigdOmschrijving": None,
            "betaald": False,
            "betaaldOmschrijving": None,
            "betaaldDatum": None,
            "factuurregels": _lines(rng, day, rng.randint(1, 4)),
        }
        kind = special.get(index)
        if kind == "Concept":
            invoice["status"] = "Concept"
        elif kind == "cent":
            # Coachview computed the VAT on the total: one cent less than per line (cent-exact case).
            invoice["factuurregels"] = [
                dict(
                    _lines(rng, day, 1)[0],
                    volgnummer=n,
                    omschrijving="Workshop Feedback geven",
                    aantal=1,
                    prijsExclBtw=62.5,
                    bedragExclBtw=62.5,
                    btwCode="2",
                    btwPercentage=0.21,
                    btwBedrag=13.13,
                    grootboekrekeningNummer="8000",
                    kostenplaatsCode="100",
                )
                for n in (1, 2)
            ]
        for gap in gaps_of.get(index, []):
            _gap_apply(gap, invoice, by_number)
        _totals(invoice)
        if kind == "cent":
            invoice.update(totaalBtw=26.25, totaalInclBtw=151.25)
        created = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=9, seconds=rng.randint(0, 28800)
        )
        # The crowded second: half of its invoices share one millisecond too.
        changed = (
            _stamp(crowded, 433 if index // 3 % 2 == 0 else 433 + index % 7)
            if index % 3 == 1 and kind is None
            else _stamp(created + timedelta(minutes=rng.randint(0, 90)), index * 389 % 1000)
        )
        invoice["auditTrail"] = audit(invoice["id"], _stamp(created, index * 97 % 1000), changed)
        rows.append(invoice)
    originals = [row for index, row in enumerate(rows) if index >= 3 and index not in gaps_of]
    if special.get(1) == "credit" and originals:
        _make_credit(rows[1], originals[0])
    return rows


def _make_credit(credit: dict, original: dict) -> None:
    """A credit invoice for an earlier sent invoice: its lines negated."""
    credit.update(
        isCreditfactuur=True,
        debiteurId=original["debiteurId"],
        omschrijving=f"Creditfactuur voor factuur {original['factuurnummer']}",
        factuurregels=[
            dict(
                line,
                bedragExclBtw=-line["bedragExclBtw"],
                btwBedrag=-line["btwBedrag"] or 0.0,
                prijsExclBtw=-line["prijsExclBtw"],
            )
            for line in original["factuurregels"]
        ],
    )
    _totals(credit)
