"""The go-live check of the tenant's Coachview API against the Coachview profile (`coachview_probe`).

It only reads: a token (without scope, then with the connection's), the tenant's OpenAPI document
when it publishes one, and a few sampled records of each resource. Per profile entry it reports
confirmed, differs (with the value found) or unknown, and it measures what the fetch depends on.
`apply` writes the proposals into the profile. A usable profile passes for the current environment.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings

from coupling import clock
from coupling.coachview import api
from coupling.coachview.client import CoachviewClient, CoachviewError
from coupling.coachview.probe_fields import (
    CONFIRMED,
    DIFFERS,
    UNKNOWN,
    Finding,
    concept_check,
    keys_of,
    link_check,
    match,
    name_check,
    pdf_candidates,
    statuses_check,
    under,
    writeback_check,
)
from coupling.coachview.probe_measure import orderby_measure, stamps_precision, where_measure
from coupling.coachview.probe_openapi import OpenApi
from coupling.coachview.profile import CONCEPTS, ENTRY_BY_KEY, ProfileView, entry_set, profile_complete
from coupling.coachview.readers import changed_moment, record_id
from coupling.coachview.records import path_get
from coupling.models import CoachviewProfile

# Errors that mean Coachview could not be reached (exit 2), not that the profile is wrong.
UNREACHABLE = {"coachview.unreachable", "coachview.timeout", "coachview.server_error", "coachview.token_failed"}


@dataclass
class ProbeReport:
    usable: bool = False
    reachable: bool = True
    applied: bool = False
    entries: list[Finding] = field(default_factory=list)
    measured: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # why the profile is not usable
    warnings: list[str] = field(default_factory=list)  # usable, but a person should know

    def finding(self, key: str) -> Finding | None:
        return next((entry for entry in self.entries if entry.key == key), None)

    def as_json(self) -> dict:
        return {
            "usable": self.usable,
            "applied": self.applied,
            "entries": [entry.as_json() for entry in self.entries],
            "measured": self.measured,
            "problems": self.problems,
            "warnings": self.warnings,
        }

    def summary(self) -> str:
        counts = {s: sum(1 for e in self.entries if e.status == s) for s in (CONFIRMED, DIFFERS, UNKNOWN)}
        verdict = "usable" if self.usable else ("not reachable" if not self.reachable else "not usable")
        text = (
            f"Coachview go-live check: {verdict}; {counts[CONFIRMED]} confirmed, {counts[DIFFERS]} differ, "
            f"{counts[UNKNOWN]} unknown"
        )
        if self.applied:
            text += "; the proposals were applied to the profile"
        return text + (f"; {self.problems[0]}" if self.problems else "") + "."


def coachview_probe(*, apply: bool = False, client: CoachviewClient | None = None) -> ProbeReport:
    """Check the profile against the configured Coachview environment; keep the report (and the pass)."""
    row = CoachviewProfile.load()
    report = ProbeReport(applied=apply)
    try:
        client = client or CoachviewClient()
        _probe(client=client, profile=row.view, report=report)
    except CoachviewError as exc:
        report.reachable = exc.code not in UNREACHABLE and not (exc.status or 0) >= 500
        report.problems.append(exc.message)
        report.usable = False
        row.probe_record(report=report.as_json(), usable=False)
        return report
    if apply:
        row.entries = _applied(row.view.data, report)
        row.save(update_fields=["entries", "updated_at"])
    report.usable = not report.problems and _usable(report, applied=apply)
    row.probe_record(report=report.as_json(), usable=report.usable)
    return report


def _applied(profile: dict, report: ProbeReport) -> dict:
    for entry in report.entries:
        if entry.propose:
            profile = entry_set(profile, entry.key, entry.proposed)
    return profile


def _usable(report: ProbeReport, *, applied: bool) -> bool:
    """Paths answer, every field the export reads is found, a status is set (contracts.md)."""

    def ok(key: str) -> bool:
        found = report.finding(key)
        return found is not None and (found.status == CONFIRMED or (applied and found.works))

    required = ["invoices_path", "debtors_path"] + [f"fields.{c.name}" for c in CONCEPTS if c.required]
    lines = report.measured.get("lines_embedded")
    required += ["lines_field"] if lines else ["lines_path", "lines_parent_field"]
    missing = [key for key in required if not ok(key)]
    statuses = report.finding("exportable_statuses")
    if statuses is not None and statuses.status == DIFFERS and not applied:
        missing.append("exportable_statuses")
    if missing:
        report.problems.append(f"not confirmed: {', '.join(missing)}")
    return not missing


def _probe(*, client: CoachviewClient, profile: ProfileView, report: ProbeReport) -> None:
    _tokens(client, report)
    openapi = OpenApi(client.get_document(client.connection.base_url + settings.COACHVIEW_OPENAPI_PATH))
    report.measured["openapi"] = bool(openapi)
    if not openapi:
        report.warnings.append("Coachview publishes no OpenAPI document at the configured address")
    found = _Samples(client=client, profile=profile, report=report, openapi=openapi)
    found.read()
    effective = ProfileView(_applied(profile_complete(profile.data), report))
    _measure(client=client, profile=effective, report=report, records=found.invoices)
    _pdf_check(client=client, profile=effective, report=report, openapi=openapi, invoices=found.exportable())
    for key in ("writeback_booked", "writeback_paid"):
        report.entries.append(writeback_check(key, profile[key], openapi, effective["invoices_path"]))


def _tokens(client: CoachviewClient, report: ProbeReport) -> None:
    client.token_for_scope("")
    report.measured["token_without_scope"] = True
    scopes = client.connection.scopes.strip()
    if scopes:
        try:
            client.token_for_scope(scopes)
        except CoachviewError as exc:
            if exc.code != "coachview.scope_refused":
                raise
            report.problems.append(exc.message)
            client.token_for_scope("")  # go on reading with the scopes the client has


class _Samples:
    """Reads a few records of each resource and checks the paths and field names against them."""

    def __init__(self, *, client, profile: ProfileView, report: ProbeReport, openapi: OpenApi):
        self.client, self.profile, self.report, self.openapi = client, profile, report, openapi
        self.invoices: list = []
        self.debtors: list = []
        self.lines: list = []
        self.externals: list = []  # companies and persons

    def read(self) -> None:
        p = self.profile
        self.invoices = self._resource("invoices_path", take=100, params=api.list_params(p, extra_fields=True))
        self.debtors = self._resource("debtors_path", take=20, params=api.list_params(p))
        companies = self._resource("companies_path", take=5)
        persons = self._resource("persons_path", take=5)
        if len({record_id(r, p) for r in self.invoices if record_id(r, p)}) == 1 < len(self.invoices):
            self.report.warnings.append("every sampled invoice has the same id: Coachview may be sending example data")
        self._lines_check()
        self._links_check(companies + persons)
        self._fields_check()
        seen = {str(v) for v in (path_get(r, self._name("status")) for r in self.invoices) if isinstance(v, str)}
        seen |= set(self.openapi.enum(self._path("invoices_path"), self._name("status")))
        self.report.entries.append(statuses_check(p["exportable_statuses"], seen))

    def exportable(self) -> list:
        statuses = {s.lower() for s in self._value("exportable_statuses")}
        status = self._name("status")
        return [r for r in self.invoices if str(path_get(r, status, "")).lower() in statuses]

    # --- what the report proposes so far, so later checks use it ---

    def _value(self, key: str):
        found = self.report.finding(key)
        return found.proposed if found is not None and found.propose else self.profile[key]

    def _path(self, key: str) -> str:
        return self._value(key) or ""

    def _name(self, concept: str) -> str:
        found = self.report.finding(f"fields.{concept}")
        return found.proposed if found is not None and found.propose else self.profile.field(concept)

    # --- resources ---

    def _resource(self, key: str, *, take: int, params: dict | None = None) -> list:
        entry = ENTRY_BY_KEY[key]
        current = self.profile[key]
        tried = [current, *(n for n in self.openapi.list_resources() if match(n, list(entry.candidates)))]
        tried += [c for c in entry.candidates if c not in tried]
        for path in dict.fromkeys(p for p in tried if p):
            try:
                records = self.client.get_list(path, take=take, params=params)
            except CoachviewError as exc:
                if exc.status == 403 and path == current:
                    self.report.entries.append(Finding(key, UNKNOWN, current, evidence=exc.message))
                    return []
                if exc.status in (400, 403, 404, 405):
                    continue
                raise
            status = CONFIRMED if path == current else DIFFERS
            self.report.entries.append(
                Finding(key, status, current, None if path == current else path, f"{path} answers ({len(records)} read)")
            )
            return records
        self.report.entries.append(
            Finding(key, UNKNOWN, current, evidence=f"none of {', '.join(dict.fromkeys(p for p in tried if p))} answers")
        )
        return []

    def _lines_check(self) -> None:
        p, report = self.profile, self.report
        invoice_keys = keys_of(self.invoices) + self.openapi.item_fields(self._path("invoices_path"))
        arrays = [k for k in keys_of(self.invoices) if "." not in k and any(isinstance(path_get(r, k), list) for r in self.invoices)]
        embedded = name_check("lines_field", p["lines_field"], arrays or invoice_keys, ENTRY_BY_KEY["lines_field"].candidates, required=False)
        if not p["lines_path"] and embedded.status == CONFIRMED and match(p["lines_field"], arrays or invoice_keys):
            report.entries += [embedded, Finding("lines_path", CONFIRMED, "", evidence="lines are embedded")]
            report.entries.append(Finding("lines_parent_field", CONFIRMED, p["lines_parent_field"], evidence="not used"))
            report.measured["lines_embedded"] = True
            self.lines = [line for r in self.invoices for line in (path_get(r, p["lines_field"]) or [])]
            return
        self.lines = self._resource("lines_path", take=50)
        lines_finding = report.finding("lines_path")
        if lines_finding.status == UNKNOWN and embedded.propose:
            # Not a resource of their own, but embedded under another name.
            report.entries.remove(lines_finding)
            report.entries += [embedded, Finding("lines_path", DIFFERS, p["lines_path"], "", "lines are embedded")]
            report.entries.append(Finding("lines_parent_field", CONFIRMED, p["lines_parent_field"], evidence="not used"))
            report.measured["lines_embedded"] = True
            self.lines = [line for r in self.invoices for line in (path_get(r, embedded.proposed) or [])]
            return
        report.measured["lines_embedded"] = False
        report.entries.append(Finding("lines_field", CONFIRMED, p["lines_field"], evidence="lines are a resource of their own"))
        ids = {record_id(r, p) for r in self.invoices}
        parents = [
            k for k in keys_of(self.lines)
            if any(isinstance(value := path_get(line, k), str) and value in ids for line in self.lines)
        ]
        line_keys = parents or keys_of(self.lines) + self.openapi.item_fields(self._path("lines_path"))
        report.entries.append(
            name_check("lines_parent_field", p["lines_parent_field"], line_keys, ENTRY_BY_KEY["lines_parent_field"].candidates, required=True)
        )

    def _links_check(self, externals: list) -> None:
        for key in ("debtor_company_field", "debtor_person_field"):
            self.report.entries.append(link_check(key, self.profile[key], self.debtors, ENTRY_BY_KEY[key].candidates))
        self.externals = externals

    def _fields_check(self) -> None:
        invoice_schema = self.openapi.item_fields(self._path("invoices_path"))
        invoice_keys = keys_of(self.invoices) + invoice_schema
        if self.report.measured.get("lines_embedded"):
            # Embedded lines: their fields are the invoice schema's under the lines' key.
            prefix = f"{self._value('lines_field')}.".lower()
            line_keys = keys_of(self.lines) + [k[len(prefix):] for k in invoice_schema if k.lower().startswith(prefix)]
        else:
            line_keys = keys_of(self.lines) + self.openapi.item_fields(self._path("lines_path"))
        debtor_keys = keys_of(self.debtors) + self.openapi.item_fields(self._path("debtors_path"))
        linked = any(self._value(k) for k in ("debtor_company_field", "debtor_person_field"))
        keys_by_resource = {
            "invoice": invoice_keys,
            "line": line_keys,
            "debtor": debtor_keys,
            "company": keys_of(self.externals),
        }
        for concept in CONCEPTS:
            resource = concept.resource
            if resource == "address":
                keys = under(debtor_keys, self._name("debtor_address"))
            elif resource == "contact":
                keys = under(debtor_keys, self._name("debtor_contact"))
            elif concept.name in ("extern_id", "extern_source") and linked:
                keys = keys_by_resource["company"]
            else:
                keys = keys_by_resource[resource]
            self.report.entries.append(concept_check(concept, self.profile.field(concept.name), keys))


def _measure(*, client, profile: ProfileView, report: ProbeReport, records: list) -> None:
    path = profile["invoices_path"]
    report.measured["stamp_precision"] = stamps_precision(records, profile)
    where = where_measure(client=client, profile=profile, path=path, records=records)
    report.measured.update(
        where_accepts_time=where.accepts_time, where_precision=where.precision, where_format=where.where_format
    )
    for key, value in (("where_precision", where.precision), ("where_format", where.where_format)):
        report.entries.append(_measured(key, profile[key], value, where.evidence))
    works, evidence = orderby_measure(client=client, profile=profile, path=path)
    report.measured["orderby_changed"] = works
    report.entries.append(_measured("orderby_changed", profile["orderby_changed"], works, evidence))
    for key in ("include_relations", "include_extra_fields"):
        report.entries.append(Finding(key, CONFIRMED, profile[key], evidence="the lists were read with it"))
    report.entries.append(_zone_check(profile, records))


def _measured(key: str, current, value, evidence: str) -> Finding:
    if value is None:
        return Finding(key, UNKNOWN, current, evidence=evidence or "could not be measured")
    if value == current:
        return Finding(key, CONFIRMED, current, evidence=evidence)
    return Finding(key, DIFFERS, current, value, evidence)


def _zone_check(profile: ProfileView, records: list) -> Finding:
    """Stamps carry no offset; the zone can only be judged plausible: no change lies in the future there."""
    moments = [m for m in (changed_moment(r, profile) for r in records) if m]
    if not moments:
        return Finding("timezone", UNKNOWN, profile["timezone"], evidence="no change times to judge by")
    now_there = clock.now().astimezone(api.timezone(profile)).replace(tzinfo=None)
    latest = max(moments)
    if latest > now_there + timedelta(minutes=5):
        return Finding(
            "timezone", UNKNOWN, profile["timezone"],
            evidence=f"the newest change ({latest:%Y-%m-%d %H:%M}) lies ahead of the time there now: another zone?",
        )  # fmt: skip
    return Finding("timezone", CONFIRMED, profile["timezone"], evidence="plausible: no change time lies in the future")


def _pdf_check(*, client, profile: ProfileView, report: ProbeReport, openapi: OpenApi, invoices: list) -> None:
    current = profile["pdf_path"]
    sample = next((record_id(r, profile) for r in invoices if record_id(r, profile)), None)
    if sample is None:
        report.entries.append(Finding("pdf_path", UNKNOWN, current, evidence="no exportable invoice to try it on"))
        return
    for path in pdf_candidates(openapi, profile["invoices_path"], current):
        try:
            content = client.get_bytes(api.resource_path(path, sample))
        except CoachviewError as exc:
            if exc.status in (400, 403, 404, 405, 406):
                continue
            raise
        if content.startswith(b"%PDF-"):
            status = CONFIRMED if path == current else DIFFERS
            report.entries.append(Finding("pdf_path", status, current, None if path == current else path, f"{path} gives a PDF"))
            return
    report.entries.append(
        Finding("pdf_path", DIFFERS if current else CONFIRMED, current, "" if current else None, "no PDF endpoint answers")
    )
    report.warnings.append("Coachview offers no invoice PDF: book without it, or find the endpoint with Coachview")


def connection_test() -> tuple[bool, str]:
    """Get a token and read one invoice and one debtor; say what works, or what is wrong."""
    try:
        client = CoachviewClient()
        profile = CoachviewProfile.load().view
        client.get_list(profile["invoices_path"], take=1)
        client.get_list(profile["debtors_path"], take=1)
    except CoachviewError as exc:
        return False, f"Coachview: {exc.message}"
    conn = client.connection
    remaining = (
        f"; {conn.rate_limit_remaining} of {conn.rate_limit_limit or '?'} calls left today"
        if conn.rate_limit_remaining is not None
        else ""
    )
    return True, f"Coachview connection works ({conn.base_url}){remaining}."
