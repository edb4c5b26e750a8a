"""The guide's and the README's commands work as printed, in the repository's folder after `make run`'s set-up.

Every line of a fenced code block in docs/guide.md, docs/guide.en.md and README.md is run as printed,
in a shell in the repository's folder, and must exit 0. The state is what `make run` leaves before it
starts serving: migrated databases (temporary SQLite files here), the sandbox seeded, both links
connected to it, served by a real web server. Not run, and why (the only exceptions):
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ["docs/guide.md", "docs/guide.en.md", "README.md"]
# Commands that do not end by themselves; the guide walks through them by hand. (The switch to live,
# step 8, is prose: it has no code block.)
NOT_RUN = {
    "make run": "serves the web server and the worker until Ctrl-C (the browser tests walk what it serves)",
    "make test": "runs this very test suite",
    'make manage ARGS="qcluster"': "the worker runs until stopped (tests/test_faults_qcluster.py runs a real one)",
}
__doc__ += "".join(f"\n- `{command}`: {why}" for command, why in NOT_RUN.items())
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE_MANAGE = re.compile(r'make\s+manage\s+ARGS="([a-z_]+)')
STEP_TIMEOUT = 180


def guide_commands() -> list[tuple[str, str]]:
    """(document, command line as printed) for every command line in a fenced code block, in reading order."""
    found = []
    for document in DOCUMENTS:
        for block in FENCE.findall((ROOT / document).read_text(encoding="utf-8")):
            for line in block.splitlines():
                if line.strip() and not line.strip().startswith("#"):
                    found.append((document, line.strip()))
    return found


def _without_comment(line: str) -> str:
    return line.split(" #", 1)[0].strip()


def test_the_documents_give_the_commands_a_newcomer_needs():
    commands = {_without_comment(line) for _document, line in guide_commands()}
    assert {"make run", 'make manage ARGS="export_invoices --dry-run"'} <= commands
    assert {document for document, _line in guide_commands()} == set(DOCUMENTS)


def test_every_make_manage_in_the_prose_names_a_command_that_exists():
    from django.core.management import get_commands

    named = set()
    for document in DOCUMENTS:
        named |= set(INLINE_MANAGE.findall((ROOT / document).read_text(encoding="utf-8")))
    assert "export_invoices" in named
    assert named - set(get_commands()) == set()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(argv, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter, make and the guide's commands
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT, **kwargs
    )


@pytest.fixture
def prepared(tmp_path):
    """What `make run` sets up before it serves: databases, the seeded sandbox on a real server, both links."""
    if _run(["make", "-q", ".venv/.installed"], os.environ).returncode != 0:
        pytest.skip("the .venv install stamp is older than pyproject.toml: run `make install` (make test does)")
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'sandbox.sqlite3'}",
        "SANDBOX": "1",
        "SANDBOX_BASE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "MAKEFLAGS": "",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's own default, as on a fresh clone
    manage = [sys.executable, "manage.py"]
    for step in (["migrate"], ["migrate", "--database", "sandbox"]):
        done = _run(manage + step + ["--verbosity", "0"], env)
        assert done.returncode == 0, done.stderr
    server = subprocess.Popen(  # noqa: S603
        manage + ["runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for(f"http://127.0.0.1:{port}/login/", server)
        for step in (["sandbox_seed"], ["sandbox_connect"]):
            done = _run(manage + step, env)
            assert done.returncode == 0, done.stdout + done.stderr
        yield env
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the web server stopped"
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (local URL)
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the web server did not answer at {url}")


def test_every_command_in_the_guide_and_the_readme_runs_as_printed(prepared):
    ran, failures = [], []
    for document, line in guide_commands():
        command = _without_comment(line)
        if command in NOT_RUN or command in ran:
            continue  # the same command in both languages runs once
        done = _run(["bash", "-c", line], prepared)
        ran.append(command)
        if done.returncode != 0:
            failures.append(f"{document}: `{line}` exited {done.returncode}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    assert failures == []
    assert 'make manage ARGS="export_invoices --dry-run"' in ran and len(ran) >= 4
