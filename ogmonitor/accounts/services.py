"""State changes of accounts: one function each, used by views, admin, commands and the demo."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import Role


@transaction.atomic
def assign_role(user: User, role: Role) -> User:
    """Put ``user`` in ``role``'s group; administrators also get the admin site (is_staff)."""
    user.groups.add(Group.objects.get(name=role.value))
    if role == Role.ADMINISTRATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_names", None)
    return user


@transaction.atomic
def create_user(username: str, password: str, role: Role, **fields) -> User:
    """Create a user with a role (and its organisation/communities), or update an existing one."""
    communities = fields.pop("communities", None)
    user, _created = User.objects.update_or_create(username=username, defaults=fields)
    user.set_password(password)
    user.save()
    if communities is not None:
        user.communities.set(communities)
    return assign_role(user, role)
