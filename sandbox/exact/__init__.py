"""The simulated Exact Online, served under /sandbox/exact/ (see docs/architecture.md)."""
