"""The site's main navigation. Each app that adds pages adds its entry here, in reading order."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ogmonitor.accounts import policy


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Promise
    staff_only: bool = False
    #: Other sections (path segments after the language prefix) that belong under this entry.
    also: tuple[str, ...] = ()
    #: A ``predicate(user)`` of the permission policy: the entry shows only to those it accepts.
    visible_to: Callable[[object], bool] | None = None


MAIN_NAVIGATION = [
    NavItem("portal:home", _("Home")),
    NavItem("plans:list", _("Action plans")),
    NavItem("surveys:list", _("Studies"), also=("findings", "reports")),
    NavItem("engagement:index", _("Engagement")),
    # A page of engagement (/engagement/responsiveness/) with its own entry: the longest match is current.
    NavItem("engagement:responsiveness", _("Responsiveness")),
    NavItem("logframe:list", _("Projects")),
    NavItem("places:districts", _("Districts")),
    NavItem("places:organizations", _("Organisations")),
    NavItem("disclosure:ranking", _("Transparency")),
    NavItem("portal:datasets", _("Open data")),
    NavItem("audit:log", _("Audit log"), staff_only=True, visible_to=policy.can_view_audit),
]
