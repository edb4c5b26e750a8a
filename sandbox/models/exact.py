"""The simulated Exact Online's state: OAuth clients and tokens, entity rows, rate-limit counters.

Entity rows are stored as documents (`ExactRecord.data`, keyed by Exact's own property names) so that
every endpoint of `exact-entities.json` can be served by one generic store; the business rules that
need typed values (amounts, periods) read them from the documents. Sandbox-only attributes inside
`data` start with "_" and are never returned by the API.
"""

from django.db import models


class ExactOAuthClient(models.Model):
    """An app registered in the simulated App Center (client id and secret)."""

    client_id = models.CharField(max_length=100, unique=True)
    client_secret = models.CharField(max_length=200)
    name = models.CharField(max_length=200, blank=True)
    # Empty: any redirect URI is accepted (the sandbox does not know the product's host in advance).
    redirect_uri = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return self.name or self.client_id


class ExactAuthCode(models.Model):
    """An authorization code handed out by the Approve page: single use, short-lived."""

    code = models.CharField(max_length=200, unique=True)
    client = models.ForeignKey(ExactOAuthClient, on_delete=models.CASCADE)
    redirect_uri = models.CharField(max_length=500)
    user_id = models.CharField(max_length=36)
    division = models.IntegerField()
    expires_at = models.DateTimeField()
    used = models.BooleanField(default=False)

    def __str__(self):
        return f"code for {self.client_id} ({'used' if self.used else 'unused'})"


class ExactTokenChain(models.Model):
    """One consent: the chain of refresh tokens that follows it. A reused refresh token kills it."""

    client = models.ForeignKey(ExactOAuthClient, on_delete=models.CASCADE)
    user_id = models.CharField(max_length=36)
    division = models.IntegerField()
    alive = models.BooleanField(default=True)
    killed_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    def __str__(self):
        return f"chain {self.pk} ({'alive' if self.alive else self.killed_reason})"


class ExactToken(models.Model):
    """One token response: an access token and the (single-use) refresh token that came with it."""

    chain = models.ForeignKey(ExactTokenChain, on_delete=models.CASCADE, related_name="tokens")
    access_token = models.CharField(max_length=200, unique=True)
    access_expires_at = models.DateTimeField()
    refresh_token = models.CharField(max_length=200, unique=True)
    refresh_expires_at = models.DateTimeField()
    refresh_used = models.BooleanField(default=False)
    issued_at = models.DateTimeField()
    # Exact keeps a refresh token valid until the token issued for it is first used (Invantive forum);
    # two refreshes with one token may both succeed (picqer #544), and the first pair used wins.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    first_used_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)

    def __str__(self):
        return f"token {self.pk} of chain {self.chain_id}"


class ExactRecord(models.Model):
    """One entity row of one endpoint in one division, as a document of Exact property names."""

    division = models.IntegerField()
    entity = models.CharField(max_length=100)  # e.g. "crm/Accounts"
    key = models.CharField(max_length=100)  # the OData key as text (GUID lower case, or a number)
    data = models.JSONField(default=dict)
    seq = models.BigIntegerField(default=0)  # insertion order; also the sync Timestamp

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["division", "entity", "key"], name="sandbox_exact_record_key"),
        ]
        indexes = [
            models.Index(fields=["division", "entity", "seq"]),
            # The next row version is MAX(seq) of the division, asked on every write: without this
            # index each write scanned the division's rows (the bench's server time grew with N).
            models.Index(fields=["division", "seq"], name="sandbox_exact_record_version"),
        ]

    def __str__(self):
        return f"{self.entity}({self.key})"


class ExactRateCounter(models.Model):
    """Calls counted in one fixed window ("minute" or "day") for one app and division."""

    scope = models.CharField(max_length=150)  # "{client_id}:{division}"
    kind = models.CharField(max_length=10)
    window_start = models.BigIntegerField()  # epoch seconds
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "kind", "window_start"], name="sandbox_exact_rate_window"),
        ]

    def __str__(self):
        return f"{self.scope} {self.kind}@{self.window_start}: {self.count}"


class ExactErrorCounter(models.Model):
    """Error responses counted per app, division and endpoint in one fixed hour window."""

    scope = models.CharField(max_length=150)
    endpoint = models.CharField(max_length=100)
    window_start = models.BigIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "endpoint", "window_start"], name="sandbox_exact_error_window"
            ),
        ]

    def __str__(self):
        return f"{self.scope} {self.endpoint}@{self.window_start}: {self.count}"


class ExactEndpointBlock(models.Model):
    """An endpoint blocked for one app and division after too many errors."""

    scope = models.CharField(max_length=150)
    endpoint = models.CharField(max_length=100)
    blocked_until = models.DateTimeField()
    # Blocks in a row (each starting within an error window of the previous one's end); the block grows.
    strikes = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "endpoint"], name="sandbox_exact_endpoint_block"),
        ]

    def __str__(self):
        return f"{self.scope} {self.endpoint} until {self.blocked_until}"
