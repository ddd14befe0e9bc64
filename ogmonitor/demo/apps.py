from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data built from the seed documents; sits on top of every other app."""

    name = "ogmonitor.demo"
    label = "demo"
    verbose_name = _("Demo data")
