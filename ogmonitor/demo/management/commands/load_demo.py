from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from ogmonitor.demo.loaders.common import DemoDataError
from ogmonitor.demo.services import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data built from the seed documents: all ISO 3166-2:AZ districts, the 2017 "
        "and 2022 study communities (invented names) and their organisations, the real "
        "organisations the seeds name, the 2012-2015, 2016-2018 and 2020-2022 action plans "
        "(placeholders where the official text is missing) and one login per role. "
        "Safe to run again: it updates rows instead of duplicating them. The demo password is "
        "DEMO_ADMIN_PASSWORD, or 'ogmonitor-demo' when unset."
    )

    def handle(self, *args, **options):
        try:
            report = load_demo()
        except DemoDataError as error:
            raise CommandError(f"Demo data is inconsistent: {error}") from error

        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(f"Open {site}/ (admin site: {site}{reverse('admin:index')})")
        for login in report.logins:
            self.stdout.write(
                f"  {login.role.value}: username {login.username!r}, password {login.password!r} "
                f"({login.description})"
            )
        self.stdout.write("Rows:")
        for label, count in report.counts.items():
            self.stdout.write(f"  {label}: {count}")
