from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "ogmonitor.plans"
    label = "plans"
    verbose_name = _("National Action Plans")

    def ready(self):
        # Stored progress follows its milestones, assessments and weights (see .signals).
        from . import signals

        signals.connect()
