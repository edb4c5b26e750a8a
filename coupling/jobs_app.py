"""django-q2's app under the name people know it by (its models' names come from our translations).

Kept out of coupling/apps.py: Django picks an app's default AppConfig only when apps.py holds one.
"""

from django.utils.translation import gettext_lazy as _
from django_q.apps import DjangoQConfig


class BackgroundJobsConfig(DjangoQConfig):
    verbose_name = _("Background jobs")
