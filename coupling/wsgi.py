"""WSGI entry point: `gunicorn coupling.wsgi` in production.

With DEBUG off it refuses to start where `manage.py` would and never serves /sandbox/
(coupling/production.py).
"""

import os

from django.core.wsgi import get_wsgi_application

from coupling.production import production_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coupling.settings")
application = production_application(get_wsgi_application())
