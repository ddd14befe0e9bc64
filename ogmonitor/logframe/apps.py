from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogframeConfig(AppConfig):
    name = "ogmonitor.logframe"
    verbose_name = _("Project logframe")
    default_auto_field = "django.db.models.BigAutoField"
