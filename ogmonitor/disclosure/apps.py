from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "ogmonitor.disclosure"
    verbose_name = _("Proactive disclosure")
    default_auto_field = "django.db.models.BigAutoField"
