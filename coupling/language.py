"""The language a person chose in the header: kept on their account (so it follows them to another
browser), copied into the session when they log in, and applied on every request after that.

Django's own switch (`set_language`, with LocaleMiddleware reading its cookie) does the browser's part;
the account's part is here. Reading the choice from the session costs no query per page.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from coupling.models import UserPreference

SESSION_KEY = "coupling_language"


def user_language(*, user) -> str:
    """The language the person chose ("" when they never chose one: the browser's language applies)."""
    preference = UserPreference.objects.filter(user=user).first()
    return preference.language if preference else ""


def user_language_store(*, user, language: str) -> None:
    """Keep the person's choice of language on their account."""
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})


@receiver(user_logged_in, dispatch_uid="coupling_user_language")
def _language_from_account(sender, request, user, **kwargs):
    language = user_language(user=user)
    if language and request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = language


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: a logged-in person's own choice wins over the browser's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(request, "session", {}).get(SESSION_KEY)
        user = getattr(request, "user", None)
        if language and user is not None and user.is_authenticated and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


@require_POST
def language_choose(request):
    """The header's switch: Django's set_language (cookie), and for a logged-in person their account too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES) and translation.check_for_language(language):
        if request.user.is_authenticated:
            user_language_store(user=request.user, language=language)
            request.session[SESSION_KEY] = language
    return response
