"""The dialects the simulated Coachview speaks: the same data, served the way different tenants may.

The sandbox stores invoices and debtors in the `default` shape (coachview-api.md's examples) and serves
them per dialect: lines embedded or a resource of their own, other status values, other key casing,
with or without a PDF and write-back endpoints. `dialect_profile_overrides(name)` is what the product's
`coachview_probe --apply` must find for each: the profile entries that differ from the product's defaults.
The sandbox never imports product code, so the product's concept defaults are copied here (a test
checks the copy).
"""

import uuid
from dataclasses import dataclass, field

from django.conf import settings

# The product's field concepts (coupling/coachview/profile.py CONCEPTS): name -> (default path, resource).
CONCEPT_DEFAULTS = {
    "id": ("id", "invoice"),
    "changed": ("auditTrail.gewijzigdDatumTijd", "invoice"),
    "etag": ("auditTrail.etag", "invoice"),
    "invoice_number": ("factuurnummer", "invoice"),
    "invoice_date": ("factuurdatum", "invoice"),
    "due_date": ("vervaldatum", "invoice"),
    "status": ("status", "invoice"),
    "is_credit": ("isCreditfactuur", "invoice"),
    "debtor_id": ("debiteurId", "invoice"),
    "customer_reference": ("referentieKlant", "invoice"),
    "payment_reference": ("betalingskenmerk", "invoice"),
    "description": ("omschrijving", "invoice"),
    "currency": ("valutaCode", "invoice"),
    "total_excl_vat": ("totaalExclBtw", "invoice"),
    "total_vat": ("totaalBtw", "invoice"),
    "total_incl_vat": ("totaalInclBtw", "invoice"),
    "line_sequence": ("volgnummer", "line"),
    "line_description": ("omschrijving", "line"),
    "line_quantity": ("aantal", "line"),
    "line_unit_price": ("prijsExclBtw", "line"),
    "line_amount": ("bedragExclBtw", "line"),
    "line_vat_code": ("btwCode", "line"),
    "line_vat_rate": ("btwPercentage", "line"),
    "line_vat_amount": ("btwBedrag", "line"),
    "line_gl_account": ("grootboekrekeningNummer", "line"),
    "line_cost_center": ("kostenplaatsCode", "line"),
    "line_period_from": ("periodeVan", "line"),
    "line_period_to": ("periodeTot", "line"),
    "debtor_number": ("debiteurnummer", "debtor"),
    "debtor_number_external": ("debiteurnummerExtern", "debtor"),
    "extern_id": ("externId", "debtor"),
    "extern_source": ("externSource", "debtor"),
    "debtor_name": ("naam", "debtor"),
    "debtor_is_private": ("particulier", "debtor"),
    "debtor_vat_number": ("btwNummer", "debtor"),
    "debtor_coc_number": ("kvkNummer", "debtor"),
    "debtor_email": ("emailadres", "debtor"),
    "debtor_phone": ("telefoonnummer", "debtor"),
    "debtor_iban": ("iban", "debtor"),
    "debtor_bic": ("bicCode", "debtor"),
    "debtor_account_holder": ("naamRekeninghouder", "debtor"),
    "debtor_address": ("factuurAdres", "debtor"),
    "address_line1": ("adres1", "address"),
    "address_line2": ("adres2", "address"),
    "address_line3": ("adres3", "address"),
    "address_postcode": ("postcode", "address"),
    "address_city": ("plaats", "address"),
    "address_country": ("landCode", "address"),
    "debtor_contact": ("contactpersoon", "debtor"),
    "contact_first_name": ("voornaam", "contact"),
    "contact_middle_name": ("tussenvoegsels", "contact"),
    "contact_last_name": ("achternaam", "contact"),
    "contact_gender": ("geslacht", "contact"),
    "contact_email": ("emailadres", "contact"),
}
LINES_FIELD = "factuurregels"
LINES_PARENT_FIELD = "factuurId"
NAMESPACE = uuid.UUID("6f1c2b1e-8d2a-4c59-9a57-6b3f0f1d2c11")
# The write-backs as the product's profile names them (profile.WRITEBACK_FIELDS roles -> body keys).
WRITEBACKS = {
    "writeback_booked": {
        "method": "PUT",
        "path": "Facturen/{id}/Boekingsstatus",
        "fields": {"confirmed": "bevestigd", "text": "bevestigdOmschrijving"},
    },
    "writeback_paid": {
        "method": "PUT",
        "path": "Facturen/{id}/Betaalstatus",
        "fields": {"paid": "betaald", "text": "betaaldOmschrijving", "date": "betaaldDatum"},
    },
}
STATUS_ACTIONS = {"Boekingsstatus": "writeback_booked", "Betaalstatus": "writeback_paid"}


@dataclass(frozen=True)
class Dialect:
    name: str
    description: str
    lines_resource: str = ""  # "" = lines embedded under `factuurregels`
    pdf_action: str = "Pdf"  # Facturen/{id}/<pdf_action>; "" = no PDF
    writeback: bool = True  # Facturen/{id}/Boekingsstatus and /Betaalstatus exist (and are in the OpenAPI)
    statuses: dict = field(default_factory=dict)  # stored status -> the status served
    renames: dict = field(default_factory=dict)  # resource ("invoice", "line", "debtor") -> {default key: served key}
    links: bool = False  # debtors carry `bedrijfId` / `persoonId` (their company or person)

    def status_out(self, status):
        return self.statuses.get(status, status)

    def status_in(self, status):
        back = {served: stored for stored, served in self.statuses.items()}
        return back.get(status, status)


DIALECTS = {
    d.name: d
    for d in (
        Dialect("default", "coachview-api.md's example shapes: embedded lines, status Verzonden, PDF, write-backs"),
        Dialect("lines-separate", "lines are the resource Factuurregels, read by factuurId", "Factuurregels"),
        Dialect("definitief", "final invoices have status Definitief (Concept / Definitief)", statuses={"Verzonden": "Definitief"}),
        Dialect(
            "casing",
            "other key casing (factuurNummer, debiteurID, ...); debtors linked to their company or person",
            renames={
                "invoice": {
                    "factuurnummer": "factuurNummer",
                    "factuurdatum": "factuurDatum",
                    "vervaldatum": "vervalDatum",
                    "debiteurId": "debiteurID",
                    "isCreditfactuur": "isCreditFactuur",
                    "totaalExclBtw": "totaalExclBTW",
                    "totaalBtw": "totaalBTW",
                    "totaalInclBtw": "totaalInclBTW",
                },
                "line": {"grootboekrekeningNummer": "grootboekrekeningnummer", "kostenplaatsCode": "kostenplaatscode"},
                "debtor": {
                    "debiteurnummer": "debiteurNummer",
                    "debiteurnummerExtern": "debiteurNummerExtern",
                    "kvkNummer": "kvknummer",
                },
            },
            links=True,
        ),
        Dialect("no-pdf-no-writeback", "no PDF endpoint, no write-back endpoints", pdf_action="", writeback=False),
    )
}  # fmt: skip
DEFAULT = "default"


class UnknownDialect(ValueError):
    pass


def dialect_get(name: str) -> Dialect:
    if name not in DIALECTS:
        raise UnknownDialect(f"Unknown Coachview dialect '{name}'; one of: {', '.join(DIALECTS)}.")
    return DIALECTS[name]


def dialect_profile_overrides(name: str, *, where_precision: str | None = None) -> dict:
    """The profile entries (product keys) that differ from the product's defaults in this dialect."""
    dialect = dialect_get(name)
    overrides: dict = {}
    if dialect.lines_resource:
        overrides["lines_path"] = dialect.lines_resource
    if not dialect.pdf_action:
        overrides["pdf_path"] = ""
    elif dialect.pdf_action != "Pdf":
        overrides["pdf_path"] = f"Facturen/{{id}}/{dialect.pdf_action}"
    if dialect.statuses:
        overrides["exportable_statuses"] = [dialect.status_out("Verzonden")]
    if dialect.writeback:
        overrides.update({key: dict(value, fields=dict(value["fields"])) for key, value in WRITEBACKS.items()})
    if dialect.links:
        overrides["debtor_company_field"] = "bedrijfId"
        overrides["debtor_person_field"] = "persoonId"
    precision = where_precision or settings.SANDBOX_COACHVIEW_WHERE_PRECISION
    if precision != "ms":
        overrides["where_precision"] = precision
    fields = {}
    for concept, (path, resource) in CONCEPT_DEFAULTS.items():
        served = dialect.renames.get(resource, {}).get(path)
        if served:
            fields[concept] = served
    if fields:
        overrides["fields"] = fields
    return overrides


# --- serving the stored (default-shaped) records in a dialect ---


def _renamed(record: dict, renames: dict) -> dict:
    return {renames.get(key, key): value for key, value in record.items()} if renames else dict(record)


def line_out(line: dict, dialect: Dialect) -> dict:
    return _renamed(line, dialect.renames.get("line", {}))


def invoice_out(data: dict, dialect: Dialect) -> dict:
    """An invoice as the dialect serves it."""
    record = dict(data)
    if "status" in record:
        record["status"] = dialect.status_out(record["status"])
    lines = record.get(LINES_FIELD)
    if dialect.lines_resource:
        record.pop(LINES_FIELD, None)
    elif isinstance(lines, list):
        record[LINES_FIELD] = [line_out(line, dialect) if isinstance(line, dict) else line for line in lines]
    return _renamed(record, dialect.renames.get("invoice", {}))


def lines_of(data: dict, dialect: Dialect) -> list[dict]:
    """The lines of one invoice as records of their own (Factuurregels), with the parent's audit trail."""
    lines = data.get(LINES_FIELD) if isinstance(data.get(LINES_FIELD), list) else []
    audit = data.get("auditTrail")
    records = []
    for index, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            continue
        sequence = line.get("volgnummer", index)
        record = {"id": str(uuid.uuid5(NAMESPACE, f"{data['id']}/regel/{sequence}")), LINES_PARENT_FIELD: data["id"]}
        record.update(line_out(line, dialect))
        record["auditTrail"] = audit
        records.append(record)
    return records


def company_id(debtor: dict) -> str | None:
    return None if debtor.get("particulier") else str(uuid.uuid5(NAMESPACE, f"{debtor['id']}/bedrijf"))


def person_id(debtor: dict) -> str | None:
    return str(uuid.uuid5(NAMESPACE, f"{debtor['id']}/persoon")) if debtor.get("particulier") else None


def debtor_out(data: dict, dialect: Dialect) -> dict:
    record = _renamed(data, dialect.renames.get("debtor", {}))
    if dialect.links:
        record["bedrijfId"] = company_id(data)
        record["persoonId"] = person_id(data)
    return record


def company_of(debtor: dict) -> dict | None:
    """The company (Bedrijf) a debtor that is not private is, carrying externId/externSource."""
    if company_id(debtor) is None:
        return None
    address = debtor.get("factuurAdres") if isinstance(debtor.get("factuurAdres"), dict) else {}
    return {
        "id": company_id(debtor),
        "naam": debtor.get("naam"),
        "kvkNummer": debtor.get("kvkNummer"),
        "btwNummer": debtor.get("btwNummer"),
        "emailadres": debtor.get("emailadres"),
        "telefoonnummer": debtor.get("telefoonnummer"),
        "postcode": address.get("postcode"),
        "plaats": address.get("plaats"),
        "externId": debtor.get("externId"),
        "externSource": debtor.get("externSource"),
        "auditTrail": debtor.get("auditTrail"),
    }


def person_of(debtor: dict) -> dict | None:
    """The person (Persoon) a private debtor is, carrying externId/externSource."""
    if person_id(debtor) is None:
        return None
    parts = str(debtor.get("naam") or "").split()
    return {
        "id": person_id(debtor),
        "voornaam": parts[0] if parts else None,
        "tussenvoegsels": " ".join(parts[1:-1]) or None,
        "achternaam": parts[-1] if len(parts) > 1 else None,
        "email1": debtor.get("emailadres"),
        "tel1": debtor.get("telefoonnummer"),
        "externId": debtor.get("externId"),
        "externSource": debtor.get("externSource"),
        "auditTrail": debtor.get("auditTrail"),
    }
