"""Load the demo data: one function that runs every domain's loader in one transaction.

To add a domain (surveys, engagement…), write ``loaders/<domain>.py`` with a ``load_<domain>()``
function and call it from :func:`load_demo`, after the loaders whose rows it refers to.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from .loaders.assessments import load_assessments
from .loaders.disclosure import load_disclosure
from .loaders.engagement import load_engagement
from .loaders.findings import load_findings
from .loaders.logframe import load_logframe
from .loaders.places import load_places
from .loaders.plans import load_plans
from .loaders.surveys import load_surveys
from .loaders.users import DemoLogin, load_users


@dataclass
class DemoReport:
    """What a load produced: the logins to print and the row count of each ogmonitor model."""

    logins: list[DemoLogin] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def load_demo() -> DemoReport:
    """Create or update all demo data; running it again changes nothing (natural keys)."""
    load_places()
    load_plans()
    logins = load_users()
    load_surveys()  # after plans and users: studies link to both
    load_findings()  # after surveys: indicators count its answers and published figures
    load_disclosure()  # after places and users: publications name organisations, verified by the coordinator
    load_engagement()  # after places, plans and users: events name their organisations and plans
    load_logframe()  # after engagement and disclosure: counts their events, proposals and publications
    load_assessments()  # last: its evidence links indicators, events, proposals and publications
    return DemoReport(logins=logins, counts=row_counts())


def row_counts() -> dict[str, int]:
    """Rows per ogmonitor model, keyed by its label ('places.District'), in INSTALLED_APPS order."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("ogmonitor.")
    }
