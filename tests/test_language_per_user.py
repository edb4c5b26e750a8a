"""The header's language switch: the choice is kept on the person's account, applied from the next request,
and follows them to another browser (a new login), whatever that browser asks for."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from coupling.language import user_language
from coupling.models import UserPreference

pytestmark = pytest.mark.django_db
PASSWORD = "Lang-genoeg-wachtwoord-42"


@pytest.fixture
def clerk(db):
    return User.objects.create_user("clerk", password=PASSWORD, is_staff=True, is_superuser=True)


def browser(language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username="clerk", password=PASSWORD)
    return client


def page_language(client: Client) -> str:
    return client.get(reverse("admin:index")).headers["Content-Language"]


def test_the_header_offers_the_other_language_as_a_switch(clerk):
    page = browser("nl").get(reverse("admin:index")).content.decode()
    assert 'id="language-switch"' in page
    assert 'name="language" value="en"' in page and 'name="language" value="nl"' not in page


def test_a_clerk_whose_browser_is_english_switches_to_dutch_and_the_next_page_is_dutch(clerk):
    client = browser("en")
    assert page_language(client) == "en"
    response = client.post(reverse("language_choose"), {"language": "nl", "next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert user_language(user=clerk) == "nl"
    assert page_language(client) == "nl"


def test_the_choice_follows_the_person_to_another_browser(clerk):
    browser("nl").post(reverse("language_choose"), {"language": "en", "next": "/"})
    assert UserPreference.objects.get(user=clerk).language == "en"
    other = browser("nl")  # another browser: no cookie, a Dutch Accept-Language
    assert page_language(other) == "en"


def test_without_a_choice_the_browser_decides(clerk):
    assert page_language(browser("en")) == "en"
    assert page_language(browser("nl")) == "nl"
    assert user_language(user=clerk) == ""


def test_a_language_the_console_does_not_offer_is_not_stored(clerk):
    client = browser("nl")
    client.post(reverse("language_choose"), {"language": "de", "next": "/"})
    assert not UserPreference.objects.filter(user=clerk).exists()
    assert page_language(client) == "nl"


def test_the_choice_of_one_person_does_not_change_the_language_of_another(clerk):
    browser("en").post(reverse("language_choose"), {"language": "nl", "next": "/"})
    User.objects.create_user("other", password=PASSWORD, is_staff=True, is_superuser=True)
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert other.login(username="other", password=PASSWORD)
    assert page_language(other) == "en"
