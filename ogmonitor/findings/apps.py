from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FindingsConfig(AppConfig):
    name = "ogmonitor.findings"
    label = "findings"
    verbose_name = _("Indicators and findings")

    def ready(self):
        from ogmonitor.surveys.signals import answers_changed

        answers_changed.connect(recompute_when_answers_change, dispatch_uid="findings.recompute_on_answers")


def recompute_when_answers_change(sender, study, user=None, **kwargs) -> None:
    """Keep a study's figures current: recompute after the change that counts commits."""
    from .services import schedule_recompute

    schedule_recompute(study, user)
