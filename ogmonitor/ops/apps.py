from django.apps import AppConfig


class OpsConfig(AppConfig):
    """No models: commands, the health check and logging helpers (no user-facing strings either)."""

    name = "ogmonitor.ops"
