"""The summary `make mutate` prints after `mutmut run`: the score per module and every mutant that lived.

Run as `python -m tests.mutation_report` from the project root (not collected by pytest). Exits 1 when
any mutant survived, timed out, was suspicious or was not checked; 0 when every mutant was killed.
"""

import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).with_name("mutmut")
PRAGMA = "# pragma: no mutate"
KILLED = {"killed", "caught by type check"}
RESULT_LINE = re.compile(r"^\s+(?P<name>\S+): (?P<status>.+)$")


def mutmut(*args: str) -> str:
    return subprocess.run([str(MUTMUT), *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def results() -> dict[str, str]:
    """Every mutant's status, by mutant name (`sync.services.vat.x_vat_split__mutmut_3`)."""
    found = {}
    for line in mutmut("results", "--all", "true").splitlines():
        match = RESULT_LINE.match(line)
        if match:
            found[match["name"]] = match["status"].strip()
    return found


def module_of(mutant: str) -> str:
    return mutant.rsplit(".", 1)[0]


def configured_modules() -> list[str]:
    """The modules pyproject.toml's [tool.mutmut] mutates, as dotted names."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return [path.removesuffix(".py").replace("/", ".") for path in config["only_mutate"]]


def equivalent_marked(module: str) -> int:
    """Lines marked `# pragma: no mutate` (each with a comment why its mutants change nothing)."""
    source = ROOT / (module.replace(".", "/") + ".py")
    return sum(PRAGMA in line for line in source.read_text().splitlines())


def main() -> int:
    statuses = results()
    by_module: dict[str, Counter] = defaultdict(Counter)
    for name, status in statuses.items():
        by_module[module_of(name)][status] += 1
    modules = configured_modules()
    modules += sorted(set(by_module) - set(modules))

    header = f"{'module':40} {'mutants':>8} {'killed':>7} {'equiv.':>7} {'survived':>9} {'other':>6} {'score':>7}"
    print(header)
    print("-" * len(header))
    for module in modules:
        counts = by_module[module]
        total = sum(counts.values())
        killed = sum(counts[s] for s in KILLED)
        survived = counts["survived"]
        other = total - killed - survived
        score = f"{100 * killed / total:.1f}%" if total else "-"
        print(
            f"{module:40} {total:8} {killed:7} {equivalent_marked(module):7} {survived:9} {other:6} {score:>7}"
        )
    print("(equiv. = lines marked `# pragma: no mutate` as equivalent; other = timeout, suspicious, not checked)")

    failures = {name: status for name, status in statuses.items() if status not in KILLED}
    missing = [module for module in modules if not by_module[module]]
    for module in missing:
        print(f"\nNo mutants were tested in {module}: did `mutmut run` finish?")
    if not failures:
        print(f"\nAll {len(statuses)} mutants were killed.")
        return 1 if missing or not statuses else 0

    print(f"\n{len(failures)} mutant(s) not killed:")
    unchecked = sorted(name for name, status in failures.items() if status == "not checked")
    for name, status in sorted(failures.items()):
        if status != "not checked":
            print(f"\n=== {name}: {status}")
            print(mutmut("show", name).split("\n", 1)[-1].rstrip())
    if unchecked:
        print(f"\nNot checked ({len(unchecked)}; the run stopped before them): " + ", ".join(unchecked))
    return 1


if __name__ == "__main__":
    sys.exit(main())
