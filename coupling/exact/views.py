"""The admin's connect, OAuth callback and disconnect views (mounted by ExactConnectionAdmin.get_urls)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coupling.exact.errors import ExactError
from coupling.exact.oauth import authorization_complete, authorization_url, connection_disconnect, new_state
from coupling.models import ExactConnection

SESSION_STATE_KEY = "exact_oauth_state"
MANAGE_PERMISSION = "coupling.manage_connection"


def callback_url(request: HttpRequest | None = None) -> str:
    """The redirect URI Exact sends the browser back to (as registered in Exact's App Center)."""
    if settings.EXACT_REDIRECT_URI:
        return settings.EXACT_REDIRECT_URI
    path = reverse("admin:coupling_exactconnection_oauth_callback")
    return request.build_absolute_uri(path) if request is not None else f"{settings.SANDBOX_BASE_URL}{path}"


def _check_permission(request: HttpRequest) -> None:
    if not request.user.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied


def _back(connection: ExactConnection | None) -> HttpResponse:
    if connection is None:
        return redirect("admin:coupling_exactconnection_changelist")
    return redirect("admin:coupling_exactconnection_change", connection.pk)


@require_POST
def connect_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to Exact's consent page with a fresh `state` kept in the session."""
    _check_permission(request)
    connection = ExactConnection.load()
    if connection is None or not connection.client_id or not connection.client_secret:
        messages.error(request, _("Enter the client ID and client secret from Exact's App Center first."))
        return _back(connection)
    state = new_state()
    request.session[SESSION_STATE_KEY] = state
    return redirect(authorization_url(connection=connection, redirect_uri=callback_url(request), state=state))


@require_GET
def oauth_callback(request: HttpRequest) -> HttpResponse:
    """Exact's redirect back: check `state`, exchange the code, store tokens and division."""
    _check_permission(request)
    expected = request.session.pop(SESSION_STATE_KEY, None)
    given = request.GET.get("state", "")
    if not expected or not constant_time_compare(expected, given):
        return HttpResponseForbidden(_("This answer from Exact does not belong to a connect request of yours."))
    connection = ExactConnection.load()
    if "error" in request.GET or not request.GET.get("code"):
        # The description says what went wrong in words (e.g. which user or client); the code alone does not.
        error = request.GET.get("error", "?")
        description = request.GET.get("error_description", "")
        messages.error(
            request,
            _("Exact did not grant access: %(error)s") % {"error": f"{error}: {description}" if description else error},
        )
        return _back(connection)
    try:
        connection = authorization_complete(
            code=request.GET["code"], redirect_uri=callback_url(request), user=request.user
        )
    except ExactError as exc:
        messages.error(request, _("Connecting to Exact Online failed: %(error)s") % {"error": exc})
        return _back(connection)
    messages.success(
        request, _("Connected to Exact Online, administration %(adm)s.") % {"adm": connection.administration}
    )
    return _back(connection)


@require_http_methods(["GET", "POST"])
def disconnect(request: HttpRequest, admin_context: dict) -> HttpResponse:
    """Ask for confirmation, then forget the tokens."""
    _check_permission(request)
    connection = ExactConnection.load()
    if request.method == "POST":
        connection_disconnect()
        messages.success(request, _("Exact Online is disconnected; its tokens are deleted."))
        return _back(connection)
    return TemplateResponse(
        request,
        "admin/coupling/exactconnection/disconnect_confirm.html",
        {**admin_context, "connection": connection, "title": _("Disconnect Exact Online?")},
    )
