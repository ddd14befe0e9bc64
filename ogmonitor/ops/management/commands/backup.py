from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ogmonitor.ops import backup


class Command(BaseCommand):
    help = (
        "Write one archive (ogmonitor-backup-<UTC time>.tar.gz) of the database and every uploaded file "
        "(MEDIA_ROOT), with a manifest of checksums, into DIR (default: OGMONITOR_VAR_DIR/backups). SQLite is "
        "copied online, PostgreSQL with pg_dump (install postgresql-client). The site keeps running. "
        "See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, metavar="DIR",
                            help="Directory of the archives (default: OGMONITOR_VAR_DIR/backups).")
        parser.add_argument("--keep", type=int, metavar="N",
                            help="Afterwards delete all but the newest N archives in DIR.")

    def handle(self, *args, output=None, keep=None, **options):
        if keep is not None and keep < 1:
            raise CommandError(f"--keep {keep}: keep at least 1 archive.")
        try:
            result = backup.create_backup(output, keep=keep)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{result.path} ({result.size / 1_000_000:.1f} MB)")
        for path in result.pruned:
            self.stdout.write(f"Deleted the older archive {path.name} (--keep {keep}).")
