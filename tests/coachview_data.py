"""Builders for the simulated Coachview's records in the documented shape (coachview-api.md)."""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from sandbox.coachview.stamps import normal
from sandbox.models import (
    CoachviewDebtor,
    CoachviewInvoice,
    CoachviewRateWindow,
    CoachviewStatusWrite,
    SandboxRequest,
)

CENT = Decimal("0.01")


def debtor_record(number: int, **fields) -> dict:
    record = {
        "id": str(uuid.UUID(int=number, version=4)),
        "debiteurnummer": str(number),
        "debiteurnummerExtern": None,
        "externId": None,
        "externSource": None,
        "naam": f"Klant {number} B.V.",
        "particulier": False,
        "btwNummer": "NL001234567B01",
        "kvkNummer": "12345678",
        "emailadres": f"crediteuren{number}@example.nl",
        "telefoonnummer": "050-1234567",
        "iban": "NL91ABNA0417164300",
        "bicCode": "ABNANL2A",
        "naamRekeninghouder": f"Klant {number} B.V.",
        "factuurAdres": {
            "adres1": "Grote Markt 1",
            "adres2": None,
            "adres3": None,
            "postcode": "9711 LV",
            "plaats": "Groningen",
            "landCode": "NL",
        },
        "contactpersoon": {
            "id": str(uuid.uuid4()),
            "voornaam": "Anna",
            "tussenvoegsels": "de",
            "achternaam": "Vries",
            "geslacht": "V",
            "emailadres": "anna@example.nl",
        },
        "auditTrail": {
            "aangemaaktDatumTijd": "2026-01-01T09:00:00",
            "gewijzigdDatumTijd": "2026-01-01T09:00:00",
        },
    }
    record.update(fields)
    return record


def line_record(sequence: int, amount: str, *, rate: str = "0.21", vat_code: str = "2", **fields) -> dict:
    value = Decimal(amount)
    record = {
        "volgnummer": sequence,
        "omschrijving": f"Cursus regel {sequence}",
        "aantal": 1,
        "prijsExclBtw": float(value),
        "bedragExclBtw": float(value),
        "btwCode": vat_code,
        "btwPercentage": float(rate),
        "btwBedrag": float((value * Decimal(rate)).quantize(CENT, rounding=ROUND_HALF_UP)),
        "grootboekrekeningNummer": "8000",
        "kostenplaatsCode": "100",
        "periodeVan": "2026-03-04",
        "periodeTot": "2026-03-08",
    }
    record.update(fields)
    return record


def invoice_record(number: int, debtor: dict, *, lines: list[dict] | None = None, **fields) -> dict:
    lines = (
        lines
        if lines is not None
        else [line_record(1, "1250.00"), line_record(2, "37.50", rate="0.09", vat_code="1")]
    )
    excl = sum((Decimal(str(line["bedragExclBtw"])) for line in lines), Decimal("0"))
    vat = sum((Decimal(str(line["btwBedrag"] or 0)) for line in lines), Decimal("0"))
    record = {
        "id": str(uuid.UUID(int=10**9 + number, version=4)),
        "factuurnummer": str(number),
        "factuurdatum": "2026-03-01",
        "vervaldatum": "2026-03-31",
        "status": "Verzonden",
        "isCreditfactuur": False,
        "debiteurId": debtor["id"],
        "referentieKlant": "PO-4471",
        "betalingskenmerk": "1234 5678 9012 3456",
        "omschrijving": "Cursus Leidinggeven maart 2026",
        "valutaCode": "EUR",
        "totaalExclBtw": float(excl),
        "totaalBtw": float(vat),
        "totaalInclBtw": float(excl + vat),
        "bevestigd": False,
        "bevestigdOmschrijving": None,
        "betaald": False,
        "betaaldOmschrijving": None,
        "betaaldDatum": None,
        "factuurregels": lines,
        "auditTrail": {
            "aangemaaktDatumTijd": "2026-03-01T09:00:00",
            "gewijzigdDatumTijd": "2026-03-01T09:00:00",
        },
    }
    record.update(fields)
    return record


def put_debtor(record: dict, changed: str) -> dict:
    """Store a debtor in the sandbox as changed at `changed` (Coachview-local, yyyy-mm-ddTHH:MM:SS[.fff])."""
    record["auditTrail"]["gewijzigdDatumTijd"] = changed
    CoachviewDebtor.objects.update_or_create(
        id=record["id"], defaults={"data": record, "changed_at": normal(changed)}
    )
    return record


def put_invoice(record: dict, changed: str) -> dict:
    record["auditTrail"]["gewijzigdDatumTijd"] = changed
    CoachviewInvoice.objects.update_or_create(
        id=record["id"], defaults={"data": record, "changed_at": normal(changed)}
    )
    return record


def api_calls(path_part: str = "/sandbox/coachview/") -> list[SandboxRequest]:
    return list(SandboxRequest.objects.filter(system="coachview", path__contains=path_part).order_by("id"))


def reset_log() -> None:
    SandboxRequest.objects.all().delete()
    CoachviewRateWindow.objects.all().delete()


def status_writes(invoice: dict) -> list[CoachviewStatusWrite]:
    return list(CoachviewStatusWrite.objects.filter(invoice_id=invoice["id"]).order_by("id"))
