from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A person who logs in. Public visitors have no account.

    ``organization`` is the NGO a coordinator works for, or the municipality a municipality
    editor speaks for; ``communities`` are where an enumerator may enter data.
    """

    organization = models.ForeignKey(
        "places.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        help_text=_("The NGO of a coordinator, or the municipality of a municipality editor."),
    )
    communities = models.ManyToManyField(
        "places.Community",
        verbose_name=_("assigned communities"),
        blank=True,
        related_name="enumerators",
        help_text=_("Communities where an enumerator may enter data."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, blank=True, choices=[("az", "Azərbaycanca"), ("en", "English")]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def has_role(self, role: Role) -> bool:
        if role == Role.ADMINISTRATOR and self.is_superuser:
            return True
        return role.value in self.role_names

    @property
    def role_names(self) -> set[str]:
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if self.has_role(role)]
