from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ogmonitor.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from . import roles

        # Apps added by later migrations bring new permissions; keep every role's grant in step.
        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="ogmonitor-sync-roles")
