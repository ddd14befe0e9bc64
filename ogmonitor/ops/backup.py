"""Backups: one archive holding the database, every uploaded file and a manifest of checksums.

An archive is ``ogmonitor-backup-<UTC time>.tar.gz`` with these members:

- ``database.sqlite3`` (SQLite: a consistent copy made online with SQLite's backup API, the
  site keeps running) or ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``);
- ``media/…``: every file under ``MEDIA_ROOT``;
- ``manifest.json``, last: format, versions, database vendor, tables, applied migrations, rows
  per ogmonitor model, and the size and SHA-256 of every other member. It is last because the
  checksums are computed while the members are written (a file is read once, so the checksum is
  that of the bytes archived even if the file changes meanwhile).

An archive is written under a hidden temporary name and renamed when complete, so a crashed
backup never leaves a half archive with an archive's name. A restore unpacks the whole archive
into a staging directory and checks every checksum, the vendor and the migrations before it
touches anything: a damaged, truncated or foreign archive changes nothing.
"""

import datetime as dt
import gzip
import hashlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from ogmonitor.demo.services import row_counts
from ogmonitor.lib.cache import bump_data_version

logger = logging.getLogger(__name__)

#: Version of the archive layout; a restore refuses archives of a later one.
FORMAT = 1
PREFIX = "ogmonitor-backup-"
SUFFIX = ".tar.gz"
#: Finished archives only: the names ``--keep`` counts and deletes (never a ``.partial`` one).
ARCHIVE_NAME = re.compile(rf"^{re.escape(PREFIX)}\d{{8}}T\d{{6}}Z{re.escape(SUFFIX)}$")
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
#: A manifest lists every uploaded file: a few megabytes for a very large site. Beyond this the
#: member is not ogmonitor's and is not read into memory.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024
#: Connection settings passed to the PostgreSQL client tools through libpq's environment
#: variables: the password never appears on a command line (visible to every local user).
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL", "passfile": "PGPASSFILE", "service": "PGSERVICE", "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS", "options": "PGOPTIONS",
}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


# --- Writing an archive -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Backup:
    """A finished archive, and the older ones ``keep`` deleted."""

    path: Path
    size: int
    pruned: list[Path] = field(default_factory=list)


def default_directory() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def create_backup(directory: Path | None = None, *, keep: int | None = None) -> Backup:
    """Write an archive of the database and ``MEDIA_ROOT`` into ``directory``; then, if ``keep``
    is given, delete all but the newest ``keep`` archives there."""
    _outside_transactions("back up")
    directory = Path(directory or default_directory())
    media_root = Path(settings.MEDIA_ROOT)
    if directory.resolve().is_relative_to(media_root.resolve()):
        raise BackupError(f"{directory} is inside MEDIA_ROOT ({media_root}): each backup would hold the ones "
                          "before it. Choose a directory outside MEDIA_ROOT.")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = timezone.now()
    final = directory / f"{PREFIX}{created.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}{SUFFIX}"
    if final.exists():
        raise BackupError(f"{final} already exists (two backups within the same second?): try again.")
    # mkstemp: mode 600, the archive holds password hashes and personal data.
    descriptor, partial = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                manifest = _describe_database(created)
                members = manifest["members"]
                with tempfile.TemporaryDirectory(prefix=".dump-", dir=directory) as scratch:
                    dump = Path(scratch) / DATABASE_MEMBERS[connection.vendor]
                    _dump_database(dump)
                    members[dump.name] = _add_file(tar, dump, dump.name)
                for path, name in _media_files(media_root):
                    members[name] = _add_file(tar, path, name)
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, final)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    pruned = prune(directory, keep) if keep else []
    size = final.stat().st_size
    logger.info("Backup written: %s (%d bytes, %d uploaded files)", final, size, len(members) - 1)
    return Backup(final, size, pruned)


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives in ``directory`` (by the time in their names)."""
    if keep < 1:
        raise BackupError(f"Keep at least one archive (asked to keep {keep}).")
    archives = sorted(path for path in Path(directory).iterdir() if ARCHIVE_NAME.match(path.name))
    old = archives[:-keep]
    for path in old:
        path.unlink()
        logger.info("Old backup deleted: %s", path)
    return old


def _outside_transactions(action: str) -> None:
    """Refuse to run inside ``transaction.atomic``: pg_dump would not see its uncommitted rows,
    and SQLite's backup of a connection holding a write transaction waits for ever."""
    if connection.in_atomic_block:
        raise BackupError(f"Cannot {action} inside a database transaction: run it on its own.")


def _describe_database(created) -> dict:
    """The manifest without its members: what the database holds as the backup starts."""
    applied = sorted(MigrationRecorder(connection).applied_migrations())
    migrations: dict[str, list[str]] = {}
    for app, name in applied:
        migrations.setdefault(app, []).append(name)
    return {
        "format": FORMAT,
        "created_at": created.isoformat(),
        "ogmonitor_version": _version(),
        "django_version": django.get_version(),
        "database": {
            "vendor": connection.vendor,
            "member": DATABASE_MEMBERS[connection.vendor],
            "tables": sorted(connection.introspection.table_names()),
        },
        "migrations": migrations,
        # Counted as the backup starts, for people reading the manifest: the dump itself is the
        # consistent snapshot, a change committed meanwhile may be in it and not in these counts.
        "row_counts": row_counts(),
        "members": {},
    }


def _version() -> str:
    try:
        return metadata.version("ogmonitor")
    except metadata.PackageNotFoundError:
        return "unknown"


def _dump_database(target: Path) -> None:
    if connection.vendor == "sqlite":
        # The backup API copies a consistent snapshot while the site keeps writing; copying the
        # file would miss what is still in the write-ahead log, or catch a page half-written.
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            # One self-contained file: no -wal beside it when it is opened from the archive.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    elif connection.vendor == "postgresql":
        _run_client("pg_dump", ["--format=custom", "--no-owner", "--no-acl", f"--file={target}"])
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file under ``media_root`` with its member name, in a stable order.

    Symbolic links are left out: ogmonitor never makes them, and one could point anywhere.
    """
    if not media_root.is_dir():
        return
    for top, directories, files in os.walk(media_root):
        directories.sort()
        for name in sorted(files):
            path = Path(top) / name
            if path.is_file() and not path.is_symlink():
                yield path, f"{MEDIA}/{path.relative_to(media_root).as_posix()}"


class _HashingReader:
    """A file read through this is hashed on the way: each byte is read once."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    with path.open("rb") as file:
        info = tar.gettarinfo(arcname=name, fileobj=file)
        _anonymise(info)
        reader = _HashingReader(file)
        tar.addfile(info, reader)
    return {"size": info.size, "sha256": reader.sha256.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    _anonymise(info)
    tar.addfile(info, io.BytesIO(data))


def _anonymise(info: tarfile.TarInfo) -> None:
    # The server's user ids mean nothing where the archive is restored.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o640


# --- PostgreSQL client tools -------------------------------------------------------------------------


def client_path(tool: str) -> str:
    """Where ``pg_dump``, ``pg_restore`` or ``psql`` is; a BackupError saying what to install if nowhere."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not installed: install postgresql-client (apt-get install postgresql-client), "
                          "of the server's major version or newer.")
    return path


def client_environment() -> dict[str, str]:
    """libpq's variables for the configured database (password included, kept off the command line)."""
    database = connection.settings_dict
    environment = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if database.get(key):
            environment[variable] = str(database[key])
    for option, variable in LIBPQ_OPTIONS.items():
        if database.get("OPTIONS", {}).get(option):
            environment[variable] = str(database["OPTIONS"][option])
    return environment


def _run_client(tool: str, arguments: list[str], **kwargs) -> None:
    result = subprocess.run([client_path(tool), *arguments], env=client_environment(),
                            capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed (exit status {result.returncode}): {result.stderr.strip()}")


# --- Reading and checking an archive -----------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    """What an archive says it holds (its ``manifest.json``)."""

    format: int
    created_at: str
    ogmonitor_version: str
    django_version: str
    vendor: str
    database_member: str
    tables: list[str]
    migrations: dict[str, list[str]]
    row_counts: dict[str, int]
    members: dict[str, dict]

    @classmethod
    def parse(cls, data: bytes, archive: Path) -> "Manifest":
        try:
            raw = json.loads(data)
            if raw["format"] > FORMAT:
                raise BackupError(f"{archive}: archive format {raw['format']} was made by a newer ogmonitor "
                                  f"(this one reads format {FORMAT}): upgrade ogmonitor first.")
            return cls(
                format=raw["format"], created_at=raw["created_at"], ogmonitor_version=raw["ogmonitor_version"],
                django_version=raw["django_version"], vendor=raw["database"]["vendor"],
                database_member=raw["database"]["member"], tables=list(raw["database"]["tables"]),
                migrations={app: list(names) for app, names in raw["migrations"].items()},
                row_counts=dict(raw["row_counts"]), members=dict(raw["members"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"{archive}: {MANIFEST} is not a valid ogmonitor manifest ({type(error).__name__}: "
                              f"{error}). Nothing was changed.") from None

    @property
    def media_members(self) -> list[str]:
        return sorted(name for name in self.members if name.startswith(f"{MEDIA}/"))

    @property
    def applied(self) -> set[tuple[str, str]]:
        return {(app, name) for app, names in self.migrations.items() for name in names}


@dataclass(frozen=True)
class VerifiedArchive:
    """An archive whose every checksum matched, unpacked in ``staging``, fit for this database."""

    path: Path
    manifest: Manifest
    staging: Path
    #: Migrations this code has and the archive's database had not: applied after the restore.
    pending: list[tuple[str, str]]


@contextmanager
def verified_archive(path: Path) -> Iterator[VerifiedArchive]:
    """Unpack and check ``path`` (checksums, vendor, migrations) without touching the site's data.

    The staging directory sits beside ``MEDIA_ROOT``, so restoring a file is a rename on the
    same file system; it is removed when the block ends, whatever happens in it.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such archive.")
    staging_parent = Path(settings.MEDIA_ROOT).parent
    staging_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".ogmonitor-restore-", dir=staging_parent) as staging:
        manifest = _unpack(path, Path(staging))
        pending = _check_compatible(path, manifest)
        yield VerifiedArchive(path, manifest, Path(staging), pending)


def _unpack(archive: Path, staging: Path) -> Manifest:
    """Extract every member into ``staging``, then check them against the manifest."""
    found: dict[str, dict] = {}
    manifest_data = None
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = _member_name(archive, member, found)
                source = tar.extractfile(member)
                if name == MANIFEST:
                    if member.size > MAX_MANIFEST_BYTES:
                        raise BackupError(f"{archive}: {MANIFEST} is {member.size} bytes, too large to be ogmonitor's.")
                    manifest_data = source.read()
                    found[name] = {}
                    continue
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                found[name] = _copy_hashing(source, target)
            # tarfile stops at a garbled header as if the archive ended there: read the rest of
            # the compressed stream, so that gzip's own checksum and length are checked too.
            while tar.fileobj.read(CHUNK_BYTES):
                pass
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupError(f"{archive} cannot be read ({error}): the archive is damaged or incomplete. "
                          "Nothing was changed.") from None
    if manifest_data is None:
        raise BackupError(f"{archive} has no {MANIFEST}: it is not an ogmonitor backup. Nothing was changed.")
    manifest = Manifest.parse(manifest_data, archive)
    del found[MANIFEST]
    problems = [f"{name}: listed in the manifest, missing from the archive" for name in sorted(set(manifest.members) - set(found))]
    problems += [f"{name}: in the archive, not listed in the manifest" for name in sorted(set(found) - set(manifest.members))]
    problems += [
        f"{name}: checksum mismatch (the archive is damaged)"
        for name in sorted(set(found) & set(manifest.members))
        if found[name] != {"size": manifest.members[name].get("size"), "sha256": manifest.members[name].get("sha256")}
    ]
    if manifest.database_member not in found:
        problems.append(f"{manifest.database_member}: the database is missing from the archive")
    if problems:
        raise BackupError(f"{archive} failed its checks, nothing was changed:\n  " + "\n  ".join(problems))
    return manifest


def _member_name(archive: Path, member: tarfile.TarInfo, seen: dict) -> str:
    """The member's name, if it may be restored: a regular file at a plain path, seen once."""
    name = member.name
    path = PurePosixPath(name)
    plain = not path.is_absolute() and all(part not in ("", ".", "..") for part in name.split("/"))
    if not member.isreg() or not plain or not (name in (MANIFEST, *DATABASE_MEMBERS.values()) or path.parts[0] == MEDIA):
        raise BackupError(f"{archive}: unexpected member {name!r}: not an ogmonitor backup. Nothing was changed.")
    if name in seen:
        raise BackupError(f"{archive}: {name} appears twice: not an ogmonitor backup. Nothing was changed.")
    return name


def _copy_hashing(source, target: Path) -> dict:
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


def _check_compatible(archive: Path, manifest: Manifest) -> list[tuple[str, str]]:
    """Refuse an archive of another vendor or of newer code; return the migrations to apply after it."""
    if manifest.vendor != connection.vendor:
        theirs = VENDOR_NAMES.get(manifest.vendor, manifest.vendor)
        ours = VENDOR_NAMES.get(connection.vendor, connection.vendor)
        raise BackupError(
            f"{archive} holds a {theirs} database, but this ogmonitor uses {ours} (DATABASE_URL). Restore it where "
            f"DATABASE_URL points to {theirs}. Nothing was changed."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(manifest.applied - known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown)
        raise BackupError(
            f"{archive} was made by a newer ogmonitor ({manifest.ogmonitor_version}): this code does not know its "
            f"migrations {names}. Install that version or a later one, then restore. Nothing was changed."
        )
    return sorted(known - manifest.applied)


# --- Restoring --------------------------------------------------------------------------------------


def restore(archive: VerifiedArchive) -> list[tuple[str, str]]:
    """Replace the database and ``MEDIA_ROOT`` with the archive's; apply newer migrations; retire
    every cached page. Returns the migrations applied after the restore."""
    _outside_transactions("restore")
    dump = archive.staging / archive.manifest.database_member
    if connection.vendor == "sqlite":
        _restore_sqlite(dump)
    else:
        _restore_postgresql(dump, archive.manifest)
    # Content type ids are cached per process; the restored table may number them differently.
    ContentType.objects.clear_cache()
    _restore_media(archive.staging / MEDIA, Path(settings.MEDIA_ROOT), archive.manifest.media_members)
    if archive.pending:
        call_command("migrate", interactive=False, verbosity=0)
    cache.clear()
    bump_data_version()
    logger.info("Restored %s (made %s); %d migrations applied after it",
                archive.path, archive.manifest.created_at, len(archive.pending))
    return archive.pending


def _restore_sqlite(dump: Path) -> None:
    """Copy the archived database over the live one with SQLite's backup API.

    The backup API writes the whole database in one transaction through SQLite's own locking and
    write-ahead log, so processes that have the database open see the old or the new content,
    never a mix, and a crash leaves the old one. Replacing the file instead (``os.replace``)
    would leave the live ``-wal`` file beside the new one, and SQLite would replay its pages —
    written for the old database — into the restored one.
    """
    source = sqlite3.connect(dump)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(f"Restoring the SQLite database failed ({error}); it was left as it was.") from error
    finally:
        source.close()


def _restore_postgresql(dump: Path, manifest: Manifest) -> None:
    """``pg_restore --clean`` into the configured database, in one transaction.

    The dump drops and recreates only the tables it holds. Tables this database has beyond them
    (made by migrations newer than the archive) are dropped in the same transaction: they are
    recreated by ``migrate`` afterwards, and a foreign key of theirs would stop the dump's tables
    from being dropped. pg_restore writes SQL which ``psql --single-transaction`` runs after the
    drop, so a failure anywhere rolls everything back.
    """
    extra = sorted(set(connection.introspection.table_names()) - set(manifest.tables))
    # Our idle connections hold no locks, but a leftover transaction would block the drops.
    connections.close_all()
    drop = ["--command", f"DROP TABLE IF EXISTS {', '.join(map(connection.ops.quote_name, extra))} CASCADE"] if extra else []
    environment = client_environment()
    with tempfile.TemporaryFile() as restore_errors:
        restore_sql = subprocess.Popen(
            [client_path("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl", "--file=-", str(dump)],
            stdout=subprocess.PIPE, stderr=restore_errors, env=environment,
        )
        try:
            result = subprocess.run(
                [client_path("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
                 *drop, "--file=-"],
                stdin=restore_sql.stdout, capture_output=True, text=True, env=environment,
            )
        finally:
            restore_sql.stdout.close()
            restore_status = restore_sql.wait()
        restore_errors.seek(0)
        restore_message = restore_errors.read().decode(errors="replace").strip()
    if restore_status != 0 or result.returncode != 0:
        detail = "\n".join(filter(None, [restore_message, result.stderr.strip()]))
        raise BackupError(f"Restoring the PostgreSQL database failed, it was left as it was: {detail}")


def _restore_media(staged: Path, media_root: Path, members: list[str]) -> None:
    """Move the archived files into ``media_root`` and delete every file not in the archive."""
    media_root.mkdir(parents=True, exist_ok=True)
    restored = set()
    for name in members:
        relative = PurePosixPath(name).relative_to(MEDIA)
        target = media_root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staged.joinpath(*relative.parts), target)  # a rename: the staging dir is beside it
        restored.add(target)
    for top, directories, files in os.walk(media_root, topdown=False):
        for name in files:
            path = Path(top) / name
            if path not in restored:
                path.unlink()
        for name in directories:
            path = Path(top) / name
            if path.is_symlink():
                path.unlink()
            elif not any(path.iterdir()):
                path.rmdir()
