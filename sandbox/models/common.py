"""What both simulated systems share: the request log tests and the benchmark count calls with."""

from django.db import models


class SandboxRequest(models.Model):
    """One request the sandbox answered (method, path without query, status), as a server log would show."""

    system = models.CharField(max_length=10)  # "exact" or "coachview"
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    query = models.TextField(blank=True)
    status = models.PositiveSmallIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"
