"""The error catalogue: every known message explained, and the messages nobody has explained yet."""

import re

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sync.errorcatalogue.seedhash import catalogue_content_hash


class ErrorCatalogueEntry(models.Model):
    """One kind of failure: how to recognise it, why it happens, and who fixes it (NL and EN)."""

    class System(models.TextChoices):
        EXACT = "exact", _("Exact Online")
        COACHVIEW = "coachview", _("Coachview")
        PREFLIGHT = "preflight", _("pre-flight check")
        CONNECTION = "connection", _("connection")

    class WhoActs(models.TextChoices):
        EXACT_ADMIN = "exact_admin", _("Exact administrator")
        COACHVIEW_ADMIN = "coachview_admin", _("Coachview administrator")
        COUPLING_ADMIN = "coupling_admin", _("coupling administrator")
        NOBODY = "nobody", _("nobody (it retries by itself)")

    class Kind(models.TextChoices):
        # The kinds of sync.errorcatalogue.messages.KIND_WORDS, plus whole-text and OAuth matching.
        NONE = "", _("only by code (our own checks)")
        TEXT = "text", _("whole text")
        OAUTH = "oauth", _("OAuth token endpoint")
        MANDATORY = "mandatory", _("Verplicht / Mandatory")
        INVALID = "invalid", _("Ongeldig / Invalid")
        INVALID_REFERENCE = "invalid_reference", _("Ongeldige referentie / Invalid reference")
        NOT_FOUND = "not_found", _("Niet gevonden / Not found")
        ALREADY_EXISTS = "already_exists", _("Bestaat reeds / Already exists")
        UNKNOWN = "unknown", _("Onbekend / Unknown")
        NOT_ALLOWED = "not_allowed", _("Niet toegestaan / Not allowed")
        BLOCKED = "blocked", _("Geblokkeerd / Blocked")
        MISSING = "missing", _("Ontbreekt / Missing")
        IN_USE = "in_use", _("In gebruik / In use")
        INPUT = "input", _("Invoer NN / Input NN")

    code = models.CharField(
        _("code"), max_length=80, unique=True, help_text=_("Stable, dotted lower case, e.g. exact.mandatory_journal.")
    )
    system = models.CharField(_("system"), max_length=12, choices=System.choices)
    match_kind = models.CharField(_("message kind"), max_length=20, choices=Kind.choices, blank=True)
    match_subjects = models.TextField(
        _("subject patterns"),
        blank=True,
        help_text=_(
            "One per line, in every language Exact may answer in; * matches anything. An example "
            "message may be pasted as it is: wrappers and instance values are taken out."
        ),
    )
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    cause_nl = models.TextField(_("cause (Dutch)"))
    cause_en = models.TextField(_("cause (English)"))
    fix_nl = models.TextField(_("fix (Dutch)"), help_text=_("Numbered steps, one per line."))
    fix_en = models.TextField(_("fix (English)"), help_text=_("Numbered steps, one per line."))
    who_acts = models.CharField(_("who acts"), max_length=16, choices=WhoActs.choices)
    permanent = models.BooleanField(
        _("permanent"), default=True, help_text=_("Off: transient, the coupling retries by itself.")
    )
    # Seeding: which seed wrote the text last, and the hash of that text. A later seed updates a
    # row only while its text still hashes to seed_hash; otherwise it stores its text here.
    seed_version = models.PositiveIntegerField(_("seed version"), default=0, help_text=_("0: added locally."))
    seed_hash = models.CharField(_("seeded text hash"), max_length=64, blank=True, editable=False)
    seed_conflict = models.JSONField(
        _("newer seeded text not applied"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("error catalogue entry")
        verbose_name_plural = _("error catalogue")
        ordering = ["code"]

    def __str__(self):
        return self.title()  # the code is an administrator's word; pages that need it show it

    @property
    def locally_edited(self) -> bool:
        """True when a person changed the seeded text (or added the entry)."""
        return not self.seed_hash or catalogue_content_hash(self.seeded_values()) != self.seed_hash

    def seeded_values(self) -> dict:
        """The fields a seed writes, as the hash sees them."""
        from sync.errorcatalogue.seedhash import SEEDED_FIELDS

        return {name: getattr(self, name) for name in SEEDED_FIELDS}

    def _text(self, field: str, values: dict | None = None) -> str:
        english = (get_language() or "nl").lower().startswith("en")
        first, second = (f"{field}_en", f"{field}_nl") if english else (f"{field}_nl", f"{field}_en")
        text = getattr(self, first) or getattr(self, second)
        return render_values(text, values or {})

    def title(self, values: dict | None = None) -> str:
        """The short title in the active language, instance values filled in."""
        return self._text("title", values)

    def title_for_many(self, values_seen: list[dict]) -> str:
        """The title over several invoices: each value filled with the values they have, up to three."""
        merged: dict[str, list[str]] = {}
        for values in values_seen:
            for name, value in (values or {}).items():
                if value not in (None, "") and str(value) not in merged.setdefault(name, []):
                    merged[name].append(str(value))
        filled = {name: ", ".join(seen[:3]) + (", …" if len(seen) > 3 else "") for name, seen in merged.items() if seen}
        return self.title(filled)

    def cause(self, values: dict | None = None) -> str:
        """The cause in the active language."""
        return self._text("cause", values)

    def fix(self, values: dict | None = None) -> str:
        """The fix (numbered steps) in the active language."""
        return self._text("fix", values)

    def fix_steps(self, values: dict | None = None) -> list[str]:
        """The fix as a list of steps, without their numbers."""
        return [re.sub(r"^\s*\d+[.)]\s*", "", line) for line in self.fix(values).splitlines() if line.strip()]


def render_values(text: str, values: dict) -> str:
    """Fill {name} with the extracted value; a value we do not have reads as '…'."""
    return re.sub(r"\{([a-z_0-9]+)\}", lambda m: str(values.get(m.group(1), "…")), text)


class UnmatchedMessage(models.Model):
    """Messages no catalogue entry explains yet, grouped by their normalised text."""

    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    normalised = models.TextField(_("normalised text"))
    kind = models.CharField(_("message kind"), max_length=20, blank=True)
    subject = models.TextField(_("subject"), blank=True)
    example = models.TextField(_("example (as received)"))
    count = models.PositiveIntegerField(_("times seen"), default=0)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)
    example_invoices = models.JSONField(_("example invoices"), default=list, blank=True)

    class Meta:
        verbose_name = _("unexplained message")
        verbose_name_plural = _("unexplained messages")
        ordering = ["-last_seen"]

    def __str__(self):
        return self.normalised[:80]
