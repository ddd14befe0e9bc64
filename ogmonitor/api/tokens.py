"""API tokens: one per user, shown to them once they ask for it (the admin lists them too)."""

import logging

from django.db import transaction
from rest_framework.authtoken.models import Token

logger = logging.getLogger(__name__)


@transaction.atomic
def token_for(user, *, reset: bool = False) -> Token:
    """The user's API token, created if they had none; ``reset`` replaces it (the old one stops working)."""
    if reset:
        Token.objects.filter(user=user).delete()
    token, created = Token.objects.get_or_create(user=user)
    if created:
        logger.info("API token %s for user %s", "replaced" if reset else "created", user.pk)
    return token
