"""The benchmark (`manage.py bench`): Exact calls per invoice against the lower bound, and our cost.

runner.py runs one size (temporary databases, server, child process); phases.py is the child's
work; measure.py times a phase; calls.py counts the sandbox's request log and holds the bound;
result.py builds the JSON of contracts.md; report.py prints the table.
"""
