"""Layers with teeth: sync → mappings → coupling, product code reaches the sandbox only over HTTP.

Every import of every product module counts, at the top or inside a function: a function-level import
that runs up a layer is still a dependency, only a hidden one. Development tools (`devtools`) sit above
the product and may use everything; the sandbox simulates the outside world and knows nothing of ours.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What each app may import, besides itself, the standard library and third-party packages.
ALLOWED = {
    "coupling": set(),
    "mappings": {"coupling"},
    "sync": {"coupling", "mappings"},
    "sandbox": set(),
}
OURS = {"coupling", "mappings", "sync", "sandbox", "devtools", "tests"}
# The project's own wiring names apps as text (INSTALLED_APPS) and mounts the sandbox's URLs when on.
WIRING = {"coupling/urls.py", "coupling/settings.py"}


def imported_apps(path: Path) -> set[tuple[str, int]]:
    """(our app, line) for every import in the file, module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {(name.split(".")[0], node.lineno) for name in names if name.split(".")[0] in OURS}
    return found


def arrows_up() -> list[str]:
    wrong = []
    for app, allowed in ALLOWED.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in WIRING:
                continue
            for target, line in sorted(imported_apps(path)):
                if target != app and target not in allowed:
                    wrong.append(f"{relative}:{line} imports {target}")
    return wrong


def test_no_product_module_imports_up_a_layer_or_into_the_sandbox():
    assert arrows_up() == []


def test_the_check_sees_an_import_hidden_inside_a_function(tmp_path):
    module = tmp_path / "hidden.py"
    module.write_text("def report():\n    from sync.models import InvoiceLine\n    return InvoiceLine\n")
    assert imported_apps(module) == {("sync", 2)}
