"""`manage.py qcluster` whose workers count their queries on the product's database, for the bench.

Run as `python -m devtools.bench.qcluster_counted FOLDER`: after each task a worker writes its running
count to FOLDER/queries-<pid>, which the bench sums (the broker's and the monitor's own queries
are not counted, as the in-process export's were not either).
"""

import os
import sys
from pathlib import Path

COUNT = {"n": 0}


def _counted(execute, sql, params, many, context):
    COUNT["n"] += 1
    return execute(sql, params, many, context)


def _count_from_now(**_kwargs) -> None:
    from django.db import connections

    wrappers = connections["default"].execute_wrappers
    if _counted not in wrappers:
        wrappers.append(_counted)


def _count_written(folder: Path):
    def write(**_kwargs) -> None:
        (folder / f"queries-{os.getpid()}").write_text(str(COUNT["n"]))

    return write


def queries_counted(folder: Path) -> int:
    """The queries every worker of the cluster wrote to `folder`."""
    return sum(int(path.read_text() or 0) for path in folder.glob("queries-*"))


def main(folder: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coupling.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The bench's environment has DEBUG for the sandbox server; the workers run as in production,
    # without the debug cursor (which formats and keeps every query's SQL, PDFs included).
    settings.DEBUG = False
    from django_q.signals import post_execute_in_worker, pre_execute

    pre_execute.connect(_count_from_now, weak=False)
    post_execute_in_worker.connect(_count_written(folder), weak=False)
    call_command("qcluster")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
