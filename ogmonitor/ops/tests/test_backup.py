"""``manage.py backup`` and ``restore``: backup → wipe → restore gives back every public dataset.

Runs on the test database of the run, SQLite or PostgreSQL (``DATABASE_URL``): on PostgreSQL
the archive is made with pg_dump and restored with pg_restore into the test database itself.
"""

import configparser
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from ogmonitor.demo.services import load_demo, row_counts
from ogmonitor.engagement.factories import EventFactory
from ogmonitor.engagement.models import Event, EventDocument
from ogmonitor.ops import backup
from ogmonitor.portal import opendata

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DOCUMENT = "Gündəlik: 1) şəffaflıq indeksi, 2) ictimai dinləmə.\n".encode()
OTHER_VENDOR = {"sqlite": "postgresql", "postgresql": "sqlite"}
VENDOR_NAMES = backup.VENDOR_NAMES


@pytest.fixture
def uploaded_document():
    """A published event with its agenda: rows and an uploaded file to back up."""
    return EventDocument.objects.create(event=EventFactory(), caption="Gündəlik",
                                        file=ContentFile(DOCUMENT, name="gündəlik.txt"))


@pytest.fixture
def demo_site(settings, uploaded_document):
    """The demo data (plans, studies, findings, events, ranking…) beside the uploaded document."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    load_demo()
    return uploaded_document


def public_json(client) -> dict[str, bytes]:
    """The JSON download of every published dataset, as a visitor gets it."""
    downloads = {}
    for offer in opendata.published_datasets():
        response = client.get(reverse("portal:dataset_json", args=[offer.slug]))
        assert response.status_code == 200, offer.slug
        downloads[offer.slug] = b"".join(response.streaming_content) if response.streaming else response.content
    return downloads


def make_backup(directory: Path, *options: str) -> tuple[Path, str]:
    out = io.StringIO()
    call_command("backup", "--output", str(directory), *options, stdout=out)
    newest = sorted(directory.glob("ogmonitor-backup-*.tar.gz"))[-1]
    return newest, out.getvalue()


def restore(archive: Path, *options: str) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), *options, stdout=out)
    return out.getvalue()


def media_files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar}


def repack(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` with its members passed through ``change(members)`` (checksums untouched)."""
    changed = change(members(archive))
    with tarfile.open(target, "w:gz") as tar:
        for name, data in changed.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def edit_manifest(edit):
    def change(found):
        manifest = json.loads(found["manifest.json"])
        edit(manifest)
        return {**found, "manifest.json": json.dumps(manifest).encode()}
    return change


def site_state(settings) -> tuple[dict, dict]:
    return row_counts(), media_files(Path(settings.MEDIA_ROOT))


def leftovers(settings) -> list[Path]:
    return list(Path(settings.MEDIA_ROOT).parent.glob(".ogmonitor-restore-*"))


# --- The acceptance test ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_every_public_dataset_byte_for_byte(client, demo_site, settings, tmp_path):
    before = public_json(client)
    assert set(before) == set(opendata.REGISTRY)
    assert sum(bool(json.loads(body)["data"]) for body in before.values()) >= 15, "the demo fills most datasets"
    uploads = media_files(Path(settings.MEDIA_ROOT))
    assert uploads[demo_site.file.name] == DOCUMENT

    archive, printed = make_backup(tmp_path / "backups")
    assert str(archive) in printed and "MB" in printed

    call_command("flush", interactive=False)
    shutil.rmtree(settings.MEDIA_ROOT)
    (Path(settings.MEDIA_ROOT) / "imports").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "imports" / "written-after-the-backup.csv").write_text("a,b\n")
    cache.clear()
    wiped = public_json(client)  # now cached: the restore must retire these copies
    assert Event.objects.count() == 0 and all(not json.loads(body)["data"] for body in wiped.values())

    printed = restore(archive, "--yes")

    assert f"Restored {archive}" in printed
    after = public_json(client)
    assert [slug for slug in before if after[slug] != before[slug]] == []
    assert media_files(Path(settings.MEDIA_ROOT)) == uploads, "the uploads are back, the later file is gone"
    assert EventDocument.objects.get(pk=demo_site.pk).file.read() == DOCUMENT
    assert leftovers(settings) == []


@pytest.mark.django_db(transaction=True)
def test_an_archive_older_than_the_code_is_restored_then_migrated(tmp_path):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert ("accounts", "0002_roles") in loader.graph.leaf_nodes("accounts"), "the test needs a leaf data migration"
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied("accounts", "0002_roles")  # as if the archive predated it
    archive, _printed = make_backup(tmp_path)
    recorder.record_applied("accounts", "0002_roles")
    assert json.loads(members(archive)["manifest.json"])["migrations"]["accounts"] == ["0001_initial"]

    printed = restore(archive, "--yes")

    assert "Applied 1 migrations newer than the archive: accounts.0002_roles" in printed
    assert ("accounts", "0002_roles") in MigrationRecorder(connection).applied_migrations()


@pytest.mark.django_db(transaction=True)
def test_a_table_made_after_the_backup_and_pointing_at_restored_ones_is_dropped(uploaded_document, tmp_path):
    # As a newer migration's table would be: its foreign key must not stop the restore dropping users.
    archive, _printed = make_backup(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_table (id integer PRIMARY KEY, user_id bigint REFERENCES accounts_user (id))")

    restore(archive, "--yes")

    assert "later_table" not in connection.introspection.table_names()
    assert EventDocument.objects.filter(pk=uploaded_document.pk).exists()


# --- What an archive holds ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_manifest_lists_versions_migrations_rows_and_the_checksum_of_every_member(uploaded_document, tmp_path):
    archive, _printed = make_backup(tmp_path)
    found = members(archive)
    manifest = json.loads(found.pop("manifest.json"))

    assert manifest["format"] == backup.FORMAT
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["member"] in found
    assert "accounts_user" in manifest["database"]["tables"]
    assert "0001_initial" in manifest["migrations"]["surveys"]
    assert manifest["row_counts"]["engagement.EventDocument"] == 1
    assert manifest["django_version"] and manifest["ogmonitor_version"]
    assert f"media/{uploaded_document.file.name}" in found
    assert manifest["members"] == {
        name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()} for name, data in found.items()
    }
    assert archive.stat().st_mode & 0o077 == 0, "the archive holds personal data: owner only"


@pytest.mark.django_db(transaction=True)
def test_keep_deletes_the_oldest_archives_and_nothing_else(tmp_path):
    names = ["ogmonitor-backup-20240101T023000Z.tar.gz", "ogmonitor-backup-20240102T023000Z.tar.gz",
             "ogmonitor-backup-20240103T023000Z.tar.gz", "notes.txt", ".ogmonitor-backup-x.tar.gz.abc.partial"]
    for name in names:
        (tmp_path / name).write_bytes(b"old")

    archive, printed = make_backup(tmp_path, "--keep", "2")

    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([archive.name, *names[2:]])
    assert "Deleted the older archive ogmonitor-backup-20240101T023000Z.tar.gz" in printed


@pytest.mark.django_db
def test_keep_must_leave_at_least_one_archive(tmp_path):
    with pytest.raises(CommandError, match="keep at least 1"):
        call_command("backup", "--output", str(tmp_path), "--keep", "0")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_a_failed_backup_leaves_no_archive_behind(tmp_path, monkeypatch):
    def disk_full(target):
        target.write_bytes(b"half a dump")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_dump_database", disk_full)
    with pytest.raises(OSError, match="No space left"):
        call_command("backup", "--output", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_missing_postgresql_client_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match=r"pg_dump is not installed: install postgresql-client"):
        backup.client_path("pg_dump")


def test_the_database_password_goes_to_the_client_tools_in_the_environment(monkeypatch):
    for key, value in {"HOST": "db.example", "PORT": "5433", "USER": "ogm", "PASSWORD": "s3cret$#", "NAME": "ogm"}.items():
        monkeypatch.setitem(connection.settings_dict, key, value)
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {"sslmode": "require"})

    environment = backup.client_environment()

    assert {key: environment[key] for key in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE")} == {
        "PGHOST": "db.example", "PGPORT": "5433", "PGUSER": "ogm", "PGPASSWORD": "s3cret$#", "PGDATABASE": "ogm",
        "PGSSLMODE": "require",
    }


# --- Archives a restore refuses, changing nothing -------------------------------------------------------


def flip_member_byte(found):
    name = next(name for name in found if name.startswith("media/"))
    data = bytearray(found[name])
    data[len(data) // 2] ^= 0x01
    return {**found, name: bytes(data)}


def flip_compressed_bytes(archive: Path, target: Path) -> Path:
    """Invert 16 bytes in the middle of the compressed stream.

    Not a single bit: deflate ignores the padding bits after a stored block's header, so one
    flipped bit can leave the content intact (and the archive rightly accepted). Sixteen
    inverted bytes always change what the stream decodes to, or make it undecodable.
    """
    data = bytearray(archive.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 16] = bytes(byte ^ 0xFF for byte in data[middle:middle + 16])
    target.write_bytes(bytes(data))
    return target


def truncate(archive: Path, target: Path) -> Path:
    target.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    return target


DAMAGE = {
    "a byte flipped in an uploaded file": (lambda a, t: repack(a, t, flip_member_byte), "checksum mismatch"),
    "bytes inverted in the compressed archive": (flip_compressed_bytes, "damaged or incomplete"),
    "the archive cut short": (truncate, "damaged or incomplete"),
    "a member outside the archive's folders": (
        lambda a, t: repack(a, t, lambda found: {"../escaped.txt": b"x", **found}), "unexpected member '../escaped.txt'"),
    "an uploaded file the manifest does not list": (
        lambda a, t: repack(a, t, lambda found: {**found, "media/extra.txt": b"x"}), "media/extra.txt: in the archive, not listed"),
    "no manifest": (
        lambda a, t: repack(a, t, lambda found: {k: v for k, v in found.items() if k != "manifest.json"}), "has no manifest.json"),
    "the archive of another database vendor": (
        lambda a, t: repack(a, t, edit_manifest(lambda m: m["database"].update(vendor=OTHER_VENDOR[connection.vendor]))),
        f"holds a {VENDOR_NAMES[OTHER_VENDOR[connection.vendor]]} database, but this ogmonitor uses "
        f"{VENDOR_NAMES[connection.vendor]}"),
    "the archive of newer code": (
        lambda a, t: repack(a, t, edit_manifest(lambda m: m["migrations"]["surveys"].append("9999_from_the_future"))),
        "made by a newer ogmonitor .*surveys.9999_from_the_future"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("damage", DAMAGE)
def test_a_restore_refuses_a_bad_archive_and_changes_nothing(uploaded_document, settings, tmp_path, damage):
    spoil, message = DAMAGE[damage]
    archive, _printed = make_backup(tmp_path / "backups")
    bad = spoil(archive, tmp_path / "bad.tar.gz")
    state = site_state(settings)

    with pytest.raises(CommandError, match=message):
        restore(bad, "--yes")

    assert site_state(settings) == state
    assert leftovers(settings) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("answer", ["no", EOFError])
def test_a_restore_not_confirmed_changes_nothing(uploaded_document, settings, tmp_path, monkeypatch, answer):
    archive, _printed = make_backup(tmp_path / "backups")
    uploaded_document.delete()
    state = site_state(settings)

    def reply(prompt):
        if answer is EOFError:
            raise EOFError
        return answer

    monkeypatch.setattr("builtins.input", reply)
    with pytest.raises(CommandError, match="Restore cancelled: nothing was changed"):
        restore(archive)
    assert site_state(settings) == state


@pytest.mark.django_db
def test_a_backup_inside_a_transaction_is_refused_rather_than_missing_its_changes(tmp_path):
    with pytest.raises(CommandError, match="inside a database transaction"):
        call_command("backup", "--output", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_missing_archive_is_named(tmp_path):
    with pytest.raises(CommandError, match="no-such.tar.gz: no such archive"):
        restore(tmp_path / "no-such.tar.gz", "--yes")


# --- The nightly timer ------------------------------------------------------------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text())
    return parser


def test_the_backup_service_runs_the_backup_command_as_the_web_service_does():
    service, web = unit("ogmonitor-backup.service"), unit("ogmonitor-web.service")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"] == "/srv/ogmonitor/venv/bin/ogmonitor backup --keep 14"
    for key in ("User", "Group", "EnvironmentFile", "WorkingDirectory", "ReadWritePaths"):
        assert service["Service"][key] == web["Service"][key], key
    assert "Install" not in service, "started by its timer only"


def test_the_backup_timer_fires_nightly_at_half_past_two_and_catches_up_after_downtime():
    timer = unit("ogmonitor-backup.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:30:00"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "ogmonitor-backup.service"
    assert timer["Install"]["WantedBy"] == "timers.target"



@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_backup_units(tmp_path):
    # Copies whose command exists here: verify also checks that ExecStart is executable.
    for name in ("ogmonitor-backup.service", "ogmonitor-backup.timer"):
        text = (DEPLOY / name).read_text().replace("/srv/ogmonitor/venv/bin/ogmonitor", shutil.which("true"))
        (tmp_path / name).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "ogmonitor-backup.service"),
                             str(tmp_path / "ogmonitor-backup.timer")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
