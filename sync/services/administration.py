"""Which Exact administration ("{environment}:{division}") export state is kept under."""


def current_administration() -> str | None:
    """The connected Exact administration's key, or None when no administration is connected."""
    try:
        from coupling.models import ExactConnection
    except ImportError:
        # ASSUMPTION: until the Exact connection lands, everything is kept under a test administration.
        return "test:0"
    return ExactConnection.load().administration
