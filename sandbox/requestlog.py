"""Records every sandbox request in `SandboxRequest`, so tests can count calls per path."""

import functools

from django.conf import settings

from sandbox.models import SandboxRequest


def logged(system: str):
    """View decorator: log method, path and status of each request to this simulated system."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if getattr(settings, "SANDBOX_REQUEST_LOG", True):
                SandboxRequest.objects.create(
                    system=system,
                    method=request.method,
                    path=request.path,
                    query=request.META.get("QUERY_STRING", ""),
                    status=response.status_code,
                )
            return response

        return wrapper

    return decorator
