"""The Coachview profile: every name the coupling uses that public evidence does not settle.

One profile per Coachview connection (stored as JSON on `coupling.models.CoachviewProfile`). Each
entry has today's guess as its default, a status (verified / inferred / assumed, with the source) and
the candidates the go-live probe tries when the tenant's API says otherwise. Whatever differs on a
tenant is fixed here, by configuration, never by a code change (../shared/docs/coachview-api.md).
"""

import copy
import json
from dataclasses import dataclass, field
from typing import Any

VERIFIED, INFERRED, ASSUMED = "verified", "inferred", "assumed"
PRECISIONS = ("ms", "s", "date")  # finest first
# How a moment is written in a `where` value. Coachview documents dd-mm-yyyy and dd.mm.yyyy dates; a
# time part is not documented (the probe measures which of these the tenant accepts).
WHERE_FORMATS = {
    "dd-mm-yyyy HH:MM:SS.fff": "%d-%m-%Y %H:%M:%S.{ms}",
    "dd-mm-yyyy HH:MM:SS": "%d-%m-%Y %H:%M:%S",
    "yyyy-mm-ddTHH:MM:SS.fff": "%Y-%m-%dT%H:%M:%S.{ms}",
    "dd-mm-yyyy": "%d-%m-%Y",
}


@dataclass(frozen=True)
class Entry:
    """One profile entry: its default, how sure we are and why, and what the probe may try instead."""

    key: str
    default: Any
    status: str
    source: str
    required: bool = False  # the export cannot work without it (contracts.md, "usable")
    candidates: tuple = ()  # other names the probe looks for (matched case-insensitively)


@dataclass(frozen=True)
class Concept:
    """A field the coupling reads, by concept name (`fields.<concept>`), as a dotted JSON path."""

    name: str
    default: str
    status: str
    source: str
    resource: str  # "invoice", "line", "debtor", "address", "contact", "company"
    required: bool = False
    candidates: tuple = ()


_DOC = "coachview-api.md"
_GUESS = f"our guess ({_DOC}); not publicly documented"

ENTRIES: tuple[Entry, ...] = (
    Entry("invoices_path", "Facturen", ASSUMED, _GUESS, True, ("Facturen", "Invoices", "Factuur", "Verkoopfacturen")),
    Entry("debtors_path", "Debiteuren", ASSUMED, _GUESS, True, ("Debiteuren", "Debtors", "Debiteur")),
    Entry(
        "lines_path",
        "",
        ASSUMED,
        "our guess: lines embedded in the invoice; child collections are their own resources elsewhere "
        "(Orderverkoopregels, verified), so they may be here too",
        False,
        ("Factuurregels", "FactuurRegels", "Invoicelines", "InvoiceLines"),
    ),
    Entry("lines_field", "factuurregels", ASSUMED, _GUESS, False, ("factuurregels", "regels", "invoiceLines", "lines")),
    Entry(
        "lines_parent_field",
        "factuurId",
        ASSUMED,
        "our guess, after the verified `where=aanvraagid=…` / `opleidingId` pattern of child resources",
        False,
        ("factuurId", "invoiceId", "factuur_id"),
    ),
    Entry("pdf_path", "Facturen/{id}/Pdf", ASSUMED, _GUESS + "; may not exist", False),
    Entry(
        "exportable_statuses",
        ["Verzonden"],
        ASSUMED,
        "our guess; Coachview's help documents draft ('concept') → final ('definitief'), so 'Definitief' may be "
        "the status that matters",
        True,
        ("Verzonden", "Definitief", "Final", "Sent"),
    ),
    Entry("writeback_booked", None, ASSUMED, "no public endpoint; off until the probe finds one in the OpenAPI document"),
    Entry("writeback_paid", None, ASSUMED, "no public endpoint; off until the probe finds one in the OpenAPI document"),
    Entry(
        "companies_path",
        "Bedrijven",
        INFERRED,
        "companies (Bedrijf) carry externId/externSource (verified); the list path is not seen publicly",
        False,
        ("Bedrijven", "Companies"),
    ),
    Entry(
        "persons_path",
        "Personen",
        VERIFIED,
        "GET /api/v1/Personen in public client code (diezit/coachview-connector)",
        False,
        ("Personen", "Persons"),
    ),
    Entry(
        "debtor_company_field",
        "",
        ASSUMED,
        "the debtor's link to its company is not documented; empty = read externId from the debtor itself",
        False,
        ("bedrijfId", "bedrijf.id", "companyId"),
    ),
    Entry(
        "debtor_person_field",
        "",
        ASSUMED,
        "the debtor's link to its person is not documented; empty = read externId from the debtor itself",
        False,
        ("persoonId", "persoon.id", "personId"),
    ),
    Entry(
        "include_relations",
        True,
        VERIFIED,
        "linked records come back only with InclusiefDirecteRelaties=true (public client code)",
    ),
    Entry(
        "include_extra_fields",
        True,
        VERIFIED,
        "calculated fields come back only with InclusiefExtraVelden=true (public client code)",
    ),
    Entry(
        "where_precision",
        "ms",
        ASSUMED,
        "not documented; measured by the probe (ms, s or date); the fetch falls back to a coarser one by itself",
    ),
    Entry(
        "where_format",
        "dd-mm-yyyy HH:MM:SS.fff",
        INFERRED,
        "dates are dd-mm-yyyy (verified); a time part is not documented, measured by the probe",
    ),
    Entry("orderby_changed", True, VERIFIED, "orderby=<field> asc or desc (public client code); measured by the probe"),
    Entry(
        "timezone",
        "Europe/Amsterdam",
        ASSUMED,
        "stamps carry no offset (verified); that they are Dutch local time is our assumption",
    ),
)

_AUDIT = "auditTrail"
CONCEPTS: tuple[Concept, ...] = (
    # --- every record ---
    Concept("id", "id", VERIFIED, "ids are GUID strings named id (public client code)", "invoice", True),
    Concept(
        "changed",
        f"{_AUDIT}.gewijzigdDatumTijd",
        VERIFIED,
        "real JSON in public client code: auditTrail.gewijzigdDatumTijd, millisecond stamps",
        "invoice",
        True,
    ),
    Concept("etag", f"{_AUDIT}.etag", VERIFIED, "real JSON in public client code: auditTrail.etag", "invoice"),
    # --- invoice ---
    Concept("invoice_number", "factuurnummer", ASSUMED, _GUESS, "invoice", True, ("factuurNummer", "nummer", "invoiceNumber")),
    Concept("invoice_date", "factuurdatum", ASSUMED, _GUESS, "invoice", True, ("factuurDatum", "datum", "invoiceDate")),
    Concept("due_date", "vervaldatum", ASSUMED, _GUESS, "invoice", False, ("vervalDatum", "dueDate")),
    Concept("status", "status", ASSUMED, _GUESS, "invoice", True, ("factuurStatus", "factuurStatusId", "statusId")),
    Concept("is_credit", "isCreditfactuur", ASSUMED, _GUESS, "invoice", False, ("creditfactuur", "isCredit")),
    Concept("debtor_id", "debiteurId", ASSUMED, _GUESS, "invoice", True, ("debiteur.id", "debtorId")),
    Concept(
        "customer_reference",
        "referentieKlant",
        INFERRED,
        "Coachview's web requests call it referentieNrKlant (verified); on invoices our guess",
        "invoice",
        False,
        ("referentieNrKlant", "uwReferentie"),
    ),
    Concept("payment_reference", "betalingskenmerk", ASSUMED, _GUESS, "invoice", False, ("betaalkenmerk",)),
    Concept("description", "omschrijving", ASSUMED, _GUESS, "invoice", False, ("description",)),
    Concept("currency", "valutaCode", ASSUMED, _GUESS, "invoice", False, ("valuta", "currency")),
    Concept("total_excl_vat", "totaalExclBtw", ASSUMED, _GUESS, "invoice", True, ("totaalBedragExclBtw", "bedragExclBtw")),
    Concept("total_vat", "totaalBtw", ASSUMED, _GUESS, "invoice", True, ("totaalBtwBedrag", "btwBedrag")),
    Concept("total_incl_vat", "totaalInclBtw", ASSUMED, _GUESS, "invoice", True, ("totaalBedragInclBtw", "bedragInclBtw")),
    # --- invoice line ---
    Concept("line_sequence", "volgnummer", INFERRED, "volgnummer orders child records elsewhere (verified)", "line"),
    Concept("line_description", "omschrijving", ASSUMED, _GUESS, "line"),
    Concept("line_quantity", "aantal", ASSUMED, _GUESS, "line", False, ("hoeveelheid",)),
    Concept("line_unit_price", "prijsExclBtw", ASSUMED, _GUESS, "line", False, ("stukprijsExclBtw", "prijs")),
    Concept("line_amount", "bedragExclBtw", ASSUMED, _GUESS, "line", True, ("totaalExclBtw", "regelbedragExclBtw")),
    Concept("line_vat_code", "btwCode", ASSUMED, _GUESS, "line", True, ("btw.code", "btwcodeCode")),
    Concept("line_vat_rate", "btwPercentage", ASSUMED, _GUESS, "line", False, ("btw.percentage",)),
    Concept("line_vat_amount", "btwBedrag", ASSUMED, _GUESS, "line", True, ("bedragBtw",)),
    Concept(
        "line_gl_account",
        "grootboekrekeningNummer",
        ASSUMED,
        _GUESS,
        "line",
        True,
        ("grootboekrekening", "grootboekNummer", "grootboekrekeningCode"),
    ),
    Concept("line_cost_center", "kostenplaatsCode", ASSUMED, _GUESS, "line", False, ("kostenplaats", "kostenplaats.code")),
    Concept("line_period_from", "periodeVan", ASSUMED, _GUESS, "line", False, ("datumVan", "startDatum")),
    Concept("line_period_to", "periodeTot", ASSUMED, _GUESS, "line", False, ("datumTot", "eindDatum")),
    # --- debtor ---
    Concept("debtor_number", "debiteurnummer", ASSUMED, _GUESS, "debtor", True, ("debiteurNummer", "nummer")),
    Concept(
        "debtor_number_external",
        "debiteurnummerExtern",
        INFERRED,
        "Coachview's accounting couplings name it Debiteurnummerextern (reference/coachview.md)",
        "debtor",
        False,
        ("debiteurNummerExtern",),
    ),
    Concept(
        "extern_id",
        "externId",
        VERIFIED,
        "externId/externSource on companies and persons (public client code); on the debtor our guess",
        "debtor",
    ),
    Concept("extern_source", "externSource", VERIFIED, "as extern_id", "debtor"),
    Concept("debtor_name", "naam", INFERRED, "companies are named by naam (verified); on debtors our guess", "debtor", True),
    Concept("debtor_is_private", "particulier", VERIFIED, "debiteur.particulier in web requests (public code)", "debtor"),
    Concept("debtor_vat_number", "btwNummer", VERIFIED, "debiteur.btwNummer in web requests (public code)", "debtor"),
    Concept("debtor_coc_number", "kvkNummer", ASSUMED, _GUESS, "debtor", False, ("kvknummer", "kvk")),
    Concept("debtor_email", "emailadres", INFERRED, "emailadres on companies (verified)", "debtor", False, ("email1", "email")),
    Concept("debtor_phone", "telefoonnummer", INFERRED, "telefoonnummer on companies (verified)", "debtor", False, ("tel1",)),
    Concept("debtor_iban", "iban", VERIFIED, "debiteur.iban in web requests (public code)", "debtor"),
    Concept("debtor_bic", "bicCode", VERIFIED, "debiteur.bicCode in web requests (public code)", "debtor"),
    Concept(
        "debtor_account_holder",
        "naamRekeninghouder",
        VERIFIED,
        "debiteur.naamRekeninghouder in web requests (public code)",
        "debtor",
    ),
    Concept("debtor_address", "factuurAdres", VERIFIED, "factuurAdres objects in web requests (public code)", "debtor"),
    Concept("address_line1", "adres1", VERIFIED, "address objects: adres1..adres4 (public code)", "address"),
    Concept("address_line2", "adres2", VERIFIED, "as address_line1", "address"),
    Concept("address_line3", "adres3", VERIFIED, "as address_line1", "address"),
    Concept("address_postcode", "postcode", VERIFIED, "as address_line1", "address"),
    Concept("address_city", "plaats", VERIFIED, "as address_line1", "address"),
    Concept("address_country", "landCode", VERIFIED, "as address_line1", "address"),
    Concept("debtor_contact", "contactpersoon", INFERRED, "contactpersoon in web requests (verified)", "debtor"),
    Concept("contact_first_name", "voornaam", VERIFIED, "persons: voornaam (public code)", "contact"),
    Concept("contact_middle_name", "tussenvoegsels", VERIFIED, "persons: tussenvoegsels (public code)", "contact"),
    Concept("contact_last_name", "achternaam", VERIFIED, "persons: achternaam (public code)", "contact"),
    Concept("contact_gender", "geslacht", VERIFIED, "persons: geslacht (public code)", "contact"),
    Concept("contact_email", "emailadres", INFERRED, "contactpersoon.emailadres in web requests (verified)", "contact", False, ("email1",)),
)

ENTRY_BY_KEY = {entry.key: entry for entry in ENTRIES}
CONCEPT_BY_NAME = {concept.name: concept for concept in CONCEPTS}
WRITEBACK_FIELDS = {
    "writeback_booked": ("confirmed", "text"),
    "writeback_paid": ("paid", "text", "date"),
}


def profile_default() -> dict:
    """The profile as shipped: every entry's default, `fields` by concept."""
    profile = {entry.key: copy.deepcopy(entry.default) for entry in ENTRIES}
    profile["fields"] = {concept.name: concept.default for concept in CONCEPTS}
    return profile


class ProfileError(ValueError):
    """A profile entry that cannot be used (unknown key, wrong type)."""


def profile_complete(stored: dict | None) -> dict:
    """A stored profile with every missing entry filled from the defaults (unknown keys dropped)."""
    profile = profile_default()
    stored = stored if isinstance(stored, dict) else {}
    for key in ENTRY_BY_KEY:
        if key in stored:
            profile[key] = copy.deepcopy(stored[key])
    fields = stored.get("fields") if isinstance(stored.get("fields"), dict) else {}
    for name in CONCEPT_BY_NAME:
        if isinstance(fields.get(name), str):
            profile["fields"][name] = fields[name]
    return profile


def entry_set(profile: dict, key: str, value: Any) -> dict:
    """A copy of `profile` with one entry (`fields.<concept>` for a field) changed and checked."""
    changed = copy.deepcopy(profile)
    if key.startswith("fields."):
        name = key.removeprefix("fields.")
        if name not in CONCEPT_BY_NAME:
            raise ProfileError(f"Unknown field concept '{name}'.")
        if not isinstance(value, str):
            raise ProfileError(f"'{key}' takes a field name (text), not {json.dumps(value)}.")
        changed["fields"][name] = value.strip()
        return changed
    if key not in ENTRY_BY_KEY:
        raise ProfileError(f"Unknown profile entry '{key}'.")
    changed[key] = entry_check(key, value)
    return changed


def entry_check(key: str, value: Any) -> Any:
    """The value if it fits the entry's type, else ProfileError with what is expected."""
    default = ENTRY_BY_KEY[key].default
    if key in WRITEBACK_FIELDS:
        return _writeback_check(key, value)
    if key == "exportable_statuses":
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not value or not all(isinstance(i, str) and i.strip() for i in value):
            raise ProfileError("'exportable_statuses' takes a list of status values, e.g. [\"Definitief\"].")
        return [item.strip() for item in value]
    if key == "where_precision" and value not in PRECISIONS:
        raise ProfileError(f"'where_precision' is one of {', '.join(PRECISIONS)}.")
    if key == "where_format" and value not in WHERE_FORMATS:
        raise ProfileError(f"'where_format' is one of: {'; '.join(WHERE_FORMATS)}.")
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ProfileError(f"'{key}' is true or false.")
        return value
    if not isinstance(value, str):
        raise ProfileError(f"'{key}' takes text, not {json.dumps(value)}.")
    value = value.strip().strip("/")
    if key == "pdf_path" and value and "{id}" not in value:
        raise ProfileError("'pdf_path' must contain {id}, e.g. Facturen/{id}/Pdf (or be empty: no PDF).")
    return value


def _writeback_check(key: str, value: Any) -> dict | None:
    if value in (None, "", "off", False):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("path"), str) or "{id}" not in value["path"]:
        raise ProfileError(f"'{key}' is null (off) or {{\"method\": \"PUT\", \"path\": \"…/{{id}}/…\", \"fields\": {{…}}}}.")
    method = str(value.get("method") or "PUT").upper()
    if method not in ("PUT", "PATCH", "POST"):
        raise ProfileError(f"'{key}': method is PUT, PATCH or POST.")
    fields = value.get("fields") or {}
    wanted = WRITEBACK_FIELDS[key]
    if not isinstance(fields, dict) or not all(isinstance(fields.get(name), str) and fields[name] for name in wanted):
        raise ProfileError(f"'{key}': fields names the body keys for {', '.join(wanted)}.")
    return {"method": method, "path": value["path"].strip().strip("/"), "fields": {n: fields[n] for n in wanted}}


@dataclass
class ProfileView:
    """Read access to a complete profile for the client and the fetch (field paths by concept)."""

    data: dict = field(default_factory=profile_default)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def field(self, concept: str) -> str:
        return self.data["fields"][concept]

    @property
    def lines_embedded(self) -> bool:
        return not self.data["lines_path"]
