from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development-only commands above the product: `run_local`, `sandbox_connect`, the benchmark `bench`.

    They may use every app and the sandbox directly; no product app imports them (tests/test_layers.py).
    """

    name = "devtools"
    verbose_name = "Development tools"
