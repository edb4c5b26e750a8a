"""No import cycle between product modules, counting imports inside functions too.

A function-level import that closes a circle hides the cycle, it does not remove it: the two modules
still need each other. Arrows into a module's own package (`sync.models.exports` → `sync.models`)
are the package's wiring, not a cycle.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("coupling", "mappings", "sync")


def modules(root: Path, apps=PRODUCT) -> dict[str, Path]:
    found = {}
    for app in apps:
        for path in (root / app).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def import_graph(found: dict[str, Path]) -> dict[str, set[str]]:
    def module_of(name: str) -> str | None:
        while name and name not in found:
            name = name.rpartition(".")[0]
        return name or None

    graph = {name: set() for name in found}
    for name, path in found.items():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in filter(None, map(module_of, targets)):
                if target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, groups, counter = {}, {}, [], set(), [], [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_two_product_modules_need_each_other():
    assert cycles(import_graph(modules(ROOT))) == []


def test_a_cycle_closed_by_an_import_inside_a_function_is_found(tmp_path):
    (tmp_path / "sync").mkdir()
    (tmp_path / "sync" / "__init__.py").write_text("")
    (tmp_path / "sync" / "a.py").write_text("from sync.b import helper\n")
    (tmp_path / "sync" / "b.py").write_text("def helper():\n    from sync import a\n    return a\n")
    (tmp_path / "sync" / "c.py").write_text("from sync.a import helper\n")
    assert cycles(import_graph(modules(tmp_path, apps=["sync"]))) == [["sync.a", "sync.b"]]
