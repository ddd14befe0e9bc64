"""Demo logins: one user per staff role, all with the same password."""

from dataclasses import dataclass

from django.db import transaction

from ogmonitor.accounts.roles import Role
from ogmonitor.accounts.services import create_user
from ogmonitor.lib.env import env_str
from ogmonitor.places.models import Community, Organization

from .common import DemoDataError, read_json

DEFAULT_PASSWORD = "ogmonitor-demo"


@dataclass(frozen=True)
class DemoLogin:
    """What the command prints so a visitor can log in as each role."""

    username: str
    password: str
    role: Role
    description: str


def demo_password() -> str:
    """DEMO_ADMIN_PASSWORD when set (a demo exposed on a network), else the documented default."""
    return env_str("DEMO_ADMIN_PASSWORD", DEFAULT_PASSWORD)


@transaction.atomic
def load_users() -> list[DemoLogin]:
    """Create or update the users in users.json; their password is reset to the demo password."""
    password = demo_password()
    logins = []
    for entry in read_json("users.json")["users"]:
        role = Role(entry["role"])
        fields = {
            "first_name": entry.get("first_name", ""),
            "last_name": entry.get("last_name", ""),
        }
        if "organization" in entry:
            fields["organization"] = by_slug(Organization, entry["organization"])
        if "communities" in entry:
            fields["communities"] = [by_slug(Community, slug) for slug in entry["communities"]]
        create_user(entry["username"], password, role, **fields)
        logins.append(DemoLogin(entry["username"], password, role, entry["description"]))
    return logins


def by_slug(model, slug: str):
    try:
        return model.objects.get(slug=slug)
    except model.DoesNotExist:
        raise DemoDataError(f"users.json: no {model._meta.model_name} with slug {slug!r}") from None
