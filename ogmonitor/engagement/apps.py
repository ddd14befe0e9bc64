from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "ogmonitor.engagement"
    verbose_name = _("Engagement")
    default_auto_field = "django.db.models.BigAutoField"
