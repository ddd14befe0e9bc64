from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ogmonitor.api.tokens import token_for


class Command(BaseCommand):
    help = (
        "Print a user's API token (created if they have none); --reset replaces it. "
        "Send it as the header 'Authorization: Token <key>' (see docs/api.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true", help="Replace the token: the old one stops working.")

    def handle(self, *args, username, reset, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is not active.")
        self.stdout.write(token_for(user, reset=reset).key)
