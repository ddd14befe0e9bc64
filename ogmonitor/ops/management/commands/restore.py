from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ogmonitor.ops import backup


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with those of ARCHIVE (made by `backup`). This is a "
        "restore: rows written since the archive are lost, and files in MEDIA_ROOT that are not in the "
        "archive are deleted. The archive is checked first (every checksum, the database kind, the "
        "migrations): if anything is wrong, nothing is changed. Migrations newer than the archive are "
        "applied afterwards. Stop ogmonitor-web and ogmonitor-worker first. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="An ogmonitor-backup-….tar.gz file.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, archive, yes=False, **options):
        try:
            with backup.verified_archive(archive) as verified:
                self._describe(verified)
                if not yes and not self._confirmed():
                    raise CommandError("Restore cancelled: nothing was changed.")
                applied = backup.restore(verified)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {archive}."))
        if applied:
            self.stdout.write(f"Applied {len(applied)} migrations newer than the archive: "
                              + ", ".join(f"{app}.{name}" for app, name in applied))

    def _confirmed(self) -> bool:
        try:
            return input("Type 'yes' to restore: ").strip().lower() == "yes"
        except EOFError:  # no terminal (cron, a pipe): only --yes may go ahead
            return False

    def _describe(self, verified: backup.VerifiedArchive) -> None:
        manifest = verified.manifest
        self.stdout.write(
            f"{verified.path}: checked. Made {manifest.created_at} by ogmonitor {manifest.ogmonitor_version}; "
            f"{sum(manifest.row_counts.values())} rows, {len(manifest.media_members)} uploaded files."
        )
        self.stdout.write(
            f"This replaces the database {connection.settings_dict['NAME']} and every file in {settings.MEDIA_ROOT}."
        )
        if verified.pending:
            self.stdout.write(f"Then {len(verified.pending)} migrations newer than the archive will be applied.")
