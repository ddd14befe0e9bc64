from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ogmonitor.reports.models import Report
from ogmonitor.reports.services import render_report
from ogmonitor.surveys.models import Study


class Command(BaseCommand):
    help = (
        "Render a study's report (summary, method, findings by NAP area with charts, comparison with "
        "the previous round, recommendations) in Azerbaijani or English as PDF, DOCX, HTML or the XLSX "
        "annex, and write it to --output. Nothing is stored in the database: use the study's Reports "
        "page to keep numbered versions."
    )

    def add_arguments(self, parser):
        parser.add_argument("study", help="The study's slug, e.g. local-2022.")
        parser.add_argument("--lang", default=settings.LANGUAGE_CODE, choices=[code for code, _ in settings.LANGUAGES])
        parser.add_argument("--format", default=Report.Format.PDF, choices=Report.Format.values)
        parser.add_argument("--output", required=True, help="File to write (its folder is created if missing).")

    def handle(self, *args, study, lang, format, output, **options):
        found = Study.objects.select_related("organization", "plan", "previous").filter(slug=study).first()
        if found is None:
            raise CommandError(f"No study with the slug {study!r}.")
        data = render_report(found, lang, format)
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.stdout.write(f"{path} ({len(data):,} bytes)")
