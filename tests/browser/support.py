"""Helpers shared by the browser tests: users per role, logging in, screenshots for the guide."""

import os
import shutil
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from coupling import roles

try:
    from playwright.sync_api import expect
except ImportError:  # without Playwright conftest.py skips the folder; collecting must still work
    expect = None

# The guide (docs/guide.md) shows these. A run saves them as artefacts in BROWSER_ARTIFACTS (a temporary
# folder by default) and, with UPDATE_GUIDE_IMAGES=1, also over docs/img/, so a plain `make test`
# leaves the work tree clean.
GUIDE_IMAGES = Path(__file__).resolve().parent.parent.parent / "docs" / "img"
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS") or Path(tempfile.gettempdir()) / "coupling-browser-artifacts")
PASSWORD = "browser-test-Pa55word!"


def role_user(username: str, role: str | None):
    """A staff user in one role's group (None: a superuser, as `make run` creates)."""
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=True, is_superuser=role is None
    )
    if role is not None:
        roles.apply_role_permissions()
        user.groups.add(Group.objects.get(name=role))
    return user


def log_in(tab, username: str, password: str = PASSWORD) -> None:
    tab.goto("/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", password)
    tab.click("input[type=submit]")
    expect(tab.locator("#user-tools")).to_be_visible()


def log_out(tab) -> None:
    tab.click("#logout-form button")
    tab.wait_for_load_state()


def screenshot(tab, name: str, *, full_page: bool = True) -> Path:
    """A screenshot for the guide as <name>.png (long lists: only the first screen)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=full_page)
    if os.environ.get("UPDATE_GUIDE_IMAGES") == "1":
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, GUIDE_IMAGES / path.name)
    return path


class Quiet:
    """Swallows a command's output (the commands' summaries are tested elsewhere)."""

    def write(self, text):
        return len(text)

    def flush(self):
        pass
