"""The OpenAPI document each dialect publishes at {base}/swagger/v1/swagger.json.

Coachview is an ASP.NET API; Swashbuckle publishes OpenAPI 3.0.1 there by default. The schemas are
derived from the dialect's own example records, so their field names are exactly those served.
"""

from functools import cache

from sandbox.coachview import dialects
from sandbox.coachview.dialects import Dialect

_AUDIT = {"aangemaaktDatumTijd": "2024-03-01T09:12:44.127", "gewijzigdDatumTijd": "2024-03-01T09:15:02.561", "etag": 240923003}
EXAMPLE_LINE = {
    "volgnummer": 1, "omschrijving": "Cursus Leidinggeven, 2 deelnemers", "aantal": 2, "prijsExclBtw": 625.0,
    "bedragExclBtw": 1250.0, "btwCode": "2", "btwPercentage": 0.21, "btwBedrag": 262.5,
    "grootboekrekeningNummer": "8000", "kostenplaatsCode": "Intern", "periodeVan": "2024-03-04", "periodeTot": "2024-03-08",
}  # fmt: skip
EXAMPLE_INVOICE = {
    "id": "6f1c2b1e-8d2a-4c59-9a57-6b3f0f1d2c11", "factuurnummer": "20240017", "factuurdatum": "2024-03-01",
    "vervaldatum": "2024-03-31", "status": "Verzonden", "isCreditfactuur": False,
    "debiteurId": "0d5e7a9c-1b2f-4e3d-8c7b-a1b2c3d4e5f6", "referentieKlant": "PO-4471",
    "betalingskenmerk": "1234 5678 9012 3456", "omschrijving": "Cursus Leidinggeven maart 2024", "valutaCode": "EUR",
    "totaalExclBtw": 1250.0, "totaalBtw": 262.5, "totaalInclBtw": 1512.5, "bevestigd": False,
    "bevestigdOmschrijving": "", "betaald": False, "betaaldOmschrijving": "", "betaaldDatum": "2024-03-20",
    "factuurregels": [EXAMPLE_LINE], "auditTrail": _AUDIT,
}  # fmt: skip
EXAMPLE_DEBTOR = {
    "id": "0d5e7a9c-1b2f-4e3d-8c7b-a1b2c3d4e5f6", "debiteurnummer": "00042", "debiteurnummerExtern": "",
    "externId": "", "externSource": "", "naam": "Opleidingen Noord B.V.", "particulier": False,
    "btwNummer": "NL001234567B01", "kvkNummer": "12345678", "emailadres": "crediteuren@noord.example",
    "telefoonnummer": "050-1234567", "iban": "NL91ABNA0417164300", "bicCode": "ABNANL2A",
    "naamRekeninghouder": "Opleidingen Noord B.V.",
    "factuurAdres": {"adres1": "Grote Markt 1", "adres2": "", "adres3": "", "postcode": "9711 LV", "plaats": "Groningen", "landCode": "NL"},
    "contactpersoon": {"id": "3f2a", "voornaam": "Anna", "tussenvoegsels": "de", "achternaam": "Vries", "geslacht": "V", "emailadres": "anna@noord.example"},
    "auditTrail": _AUDIT,
}  # fmt: skip
SCHEMA_NAMES = {"invoices": "Factuur", "lines": "Factuurregel", "debtors": "Debiteur", "companies": "Bedrijf", "persons": "Persoon"}
WRITE_BODIES = {
    "Boekingsstatus": {"bevestigd": {"type": "boolean"}, "bevestigdOmschrijving": {"type": "string", "nullable": True}},
    "Betaalstatus": {
        "betaald": {"type": "boolean"},
        "betaaldOmschrijving": {"type": "string", "nullable": True},
        "betaaldDatum": {"type": "string", "format": "date", "nullable": True},
    },
}


def sample_records(dialect: Dialect) -> dict:
    """One record of each kind as the dialect serves it."""
    person_debtor = dict(EXAMPLE_DEBTOR, id="7a1e0c55-0b6f-4c41-9d0e-2f3b4c5d6e7f", particulier=True)
    return {
        "invoices": dialects.invoice_out(EXAMPLE_INVOICE, dialect),
        "lines": dialects.lines_of(EXAMPLE_INVOICE, dialect)[0],
        "debtors": dialects.debtor_out(EXAMPLE_DEBTOR, dialect),
        "companies": dialects.company_of(EXAMPLE_DEBTOR),
        "persons": dialects.person_of(person_debtor),
    }


def schema_of(value, *, status_enum: list | None = None) -> dict:
    """A JSON value's schema as Swashbuckle writes a C# property's (strings nullable)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer", "format": "int32" if abs(value) < 2**31 else "int64"}
    if isinstance(value, float):
        return {"type": "number", "format": "double"}
    if isinstance(value, list):
        return {"type": "array", "items": schema_of(value[0]) if value else {}, "nullable": True}
    if isinstance(value, dict):
        return {"type": "object", "properties": {k: schema_of(v) for k, v in value.items()}, "additionalProperties": False}
    schema: dict = {"type": "string", "nullable": True}
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        schema["format"] = "date"
    elif isinstance(value, str) and len(value) > 18 and value[10:11] == "T":
        schema["format"] = "date-time"
    return schema


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}, "text/json": {"schema": schema}}}


def _list_get(name: str, tag: str) -> dict:
    params = [
        {"name": n, "in": "query", "schema": {"type": t}}
        for n, t in (("where", "string"), ("orderby", "string"), ("skip", "integer"), ("take", "integer"), ("Count", "boolean"),
                     ("InclusiefDirecteRelaties", "boolean"), ("InclusiefExtraVelden", "boolean"))
    ]  # fmt: skip
    array = {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}
    return {"get": {"tags": [tag], "parameters": params, "responses": {"200": {"description": "Success", **_json(array)}}}}


def _one_get(name: str, tag: str) -> dict:
    id_param = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}]
    ref = {"$ref": f"#/components/schemas/{name}"}
    return {"get": {"tags": [tag], "parameters": id_param, "responses": {"200": {"description": "Success", **_json(ref)}}}}


@cache
def document(dialect_name: str) -> dict:
    """The OpenAPI 3.0.1 document of one dialect."""
    dialect = dialects.dialect_get(dialect_name)
    samples = sample_records(dialect)
    resources = {"invoices": "Facturen", "debtors": "Debiteuren", "companies": "Bedrijven", "persons": "Personen"}
    if dialect.lines_resource:
        resources["lines"] = dialect.lines_resource
    schemas, paths = {}, {}
    for kind, resource in resources.items():
        name = SCHEMA_NAMES[kind]
        schema = schema_of(samples[kind])
        if kind == "invoices":
            status_key = next(k for k in schema["properties"] if k.lower() == "status")
            schema["properties"][status_key]["enum"] = sorted({"Concept", dialect.status_out("Verzonden"), "Vervallen"})
        schemas[name] = schema
        paths[f"/api/v1/{resource}"] = _list_get(name, resource)
        paths[f"/api/v1/{resource}/{{id}}"] = _one_get(name, resource)
    if dialect.pdf_action:
        pdf = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
        paths[f"/api/v1/Facturen/{{id}}/{dialect.pdf_action}"] = {
            "get": {"tags": ["Facturen"], "parameters": _one_get("Factuur", "")["get"]["parameters"],
                    "responses": {"200": {"description": "Success", **pdf}}}
        }  # fmt: skip
    if dialect.writeback:
        for action, properties in WRITE_BODIES.items():
            schemas[action] = {"type": "object", "properties": properties, "additionalProperties": False}
            body = {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{action}"}}}}
            paths[f"/api/v1/Facturen/{{id}}/{action}"] = {
                "put": {"tags": ["Facturen"], "parameters": _one_get("Factuur", "")["get"]["parameters"],
                        "requestBody": body, "responses": {"204": {"description": "No Content"}}}
            }  # fmt: skip
    return {
        "openapi": "3.0.1",
        "info": {"title": "Coachview API", "version": "v1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"oauth2": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/auth/connect/token", "scopes": {}}}}},
        },
        "security": [{"oauth2": []}],
    }
