"""Uploaded files at /media/: only the files of records the visitor may see, typed by their content,
with headers that keep them inert; no path leads outside MEDIA_ROOT."""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ogmonitor.engagement.factories import DialoguePlatformFactory, EventFactory
from ogmonitor.engagement.models import EventDocument, PlatformDocument
from ogmonitor.portal.media import CONTENT_SECURITY_POLICY
from ogmonitor.reports.models import Report
from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory
from ogmonitor.surveys.importing import create_batch
from ogmonitor.surveys.models import Study

from ...surveys.tests.test_importing import csv_bytes, kobo_rows, make_communities

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def event_file(name: str, content: bytes, *, published=True, kind=EventDocument.Kind.DOCUMENT) -> EventDocument:
    return EventDocument.objects.create(
        event=EventFactory(is_published=published), kind=kind, file=SimpleUploadedFile(name, content),
    )


def fetch(client, url: str):
    response = client.get(url)
    if response.status_code == 200:
        response.body = b"".join(response.streaming_content)
    return response


def assert_inert(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


# --- Public files -------------------------------------------------------------------------------


def test_a_photo_of_a_published_event_is_shown_inline_to_anyone(client, db):
    photo = event_file("görüş.png", png(), kind=EventDocument.Kind.PHOTO)

    response = fetch(client, photo.file.url)

    assert response.status_code == 200 and response.body == photo.file.open("rb").read()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "public, max-age=600"
    assert_inert(response)


def test_a_document_is_downloaded_as_an_attachment_of_the_type_its_content_has(client, db):
    document = event_file("protokol.pdf", PDF)
    response = fetch(client, document.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.match(r'attachment; filename="protokol[^"]*\.pdf"', response["Content-Disposition"])
    assert_inert(response)


@pytest.mark.parametrize(("name", "content"), [
    ("şəkil.jpg", b"<html><script>alert(document.cookie)</script></html>"),
    ("şəkil.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("protokol.pdf", b"<script>alert(1)</script>"),
])
def test_a_page_that_got_in_under_another_name_is_sent_as_inert_bytes(client, db, name, content):
    """Files stored before uploads were checked (or put there by hand) are never run."""
    document = event_file(name, content)
    response = fetch(client, document.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert_inert(response)


def test_a_document_of_a_published_platform_is_public(client, db):
    document = PlatformDocument.objects.create(
        platform=DialoguePlatformFactory(), kind=PlatformDocument.Kind.RULES, title="Qaydalar",
        file=SimpleUploadedFile("qaydalar.txt", b"Daxili qaydalar"),
    )
    response = fetch(client, document.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.body.decode() == "Daxili qaydalar"


# --- Files only some may see --------------------------------------------------------------------


def test_documents_of_an_unpublished_event_or_platform_are_for_those_who_see_the_record(
    client, client_for, coordinator, enumerator, db
):
    hidden = event_file("daxili.pdf", PDF, published=False)
    draft = PlatformDocument.objects.create(
        platform=DialoguePlatformFactory(is_published=False), kind=PlatformDocument.Kind.OTHER, title="Qaralama",
        file=SimpleUploadedFile("qaralama.pdf", PDF),
    )
    for document in (hidden, draft):
        assert client.get(document.file.url).status_code == 404  # as if there were no such file
        assert client_for(enumerator).get(document.file.url).status_code == 404  # not on the record's page either
        response = fetch(client_for(coordinator), document.file.url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert_inert(response)


@pytest.fixture
def study(db, ngo_a):
    return StudyFactory(organization=ngo_a, communities=make_communities())


def test_response_files_and_questionnaires_are_for_the_study_coordinators_only(
    client, client_for, coordinator, coordinator_b, enumerator, administrator, study
):
    questionnaire = QuestionnaireFactory(study=study)
    batch = create_batch(study, questionnaire, SimpleUploadedFile("cavablar.csv", csv_bytes(kobo_rows(2))), None)

    for url in (batch.file.url, questionnaire.source_file.url):
        for outsider in (None, coordinator_b, enumerator):
            assert client_for(outsider).get(url).status_code == 404
        for insider in (coordinator, administrator):
            response = fetch(client_for(insider), url)
            assert response.status_code == 200
            assert response["Content-Disposition"].startswith("attachment")
            assert response["Cache-Control"] == "private, no-store"
    assert fetch(client_for(coordinator), batch.file.url)["Content-Type"] == "text/plain; charset=utf-8"
    assert fetch(client_for(coordinator), questionnaire.source_file.url)["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_a_report_file_is_public_only_once_published_with_its_study(client, client_for, coordinator, study):
    report = Report.objects.create(study=study, version=1, language="az", format=Report.Format.PDF,
                                   status=Report.Status.DONE)
    report.file.save("hesabat.pdf", ContentFile(PDF))

    assert client.get(report.file.url).status_code == 404
    assert fetch(client_for(coordinator), report.file.url).status_code == 200
    report.is_public = True
    report.save()
    assert fetch(client, report.file.url)["Content-Type"] == "application/pdf"
    Study.objects.filter(pk=study.pk).update(status=Study.Status.CLOSED)
    assert client.get(report.file.url).status_code == 404


# --- Paths that lead nowhere --------------------------------------------------------------------


def test_a_file_no_record_points_to_is_not_served(client_for, administrator, settings, db):
    orphan = Path(settings.MEDIA_ROOT) / "imports" / "plan-1" / "0123456789abcdef0123456789abcdef"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"area_number,title_az\n")
    assert client_for(administrator).get("/media/imports/plan-1/0123456789abcdef0123456789abcdef").status_code == 404
    assert client_for(administrator).get("/media/engagement/events/2024/yoxdur.pdf").status_code == 404


def test_a_record_whose_file_is_missing_gives_404(client, db):
    document = event_file("itib.pdf", PDF)
    os.remove(document.file.path)
    assert client.get(document.file.url).status_code == 404


@pytest.mark.parametrize("path", [
    "/media/../settings.py",
    "/media/engagement/../../ogmonitor/settings.py",
    "/media/%2e%2e/%2e%2e/etc/passwd",
    "/media//etc/passwd",
    "/media/engagement/events/./x.pdf",
    "/media/engagement\\..\\..\\secret.txt",
])
def test_paths_out_of_media_root_are_refused(client_for, administrator, settings, path):
    secret = Path(settings.MEDIA_ROOT).parent / "secret.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("gizli")
    assert client_for(administrator).get(path).status_code == 404


def test_a_link_inside_media_root_pointing_out_of_it_is_not_followed(client_for, administrator, settings, db):
    document = event_file("keçid.pdf", PDF)
    outside = Path(settings.MEDIA_ROOT).parent / "outside.pdf"
    outside.write_bytes(PDF)
    os.remove(document.file.path)
    os.symlink(outside, document.file.path)
    assert client_for(administrator).get(document.file.url).status_code == 404


def test_only_reading_is_allowed(client, db):
    document = event_file("protokol.pdf", PDF)
    assert client.post(document.file.url).status_code == 405
    assert client.head(document.file.url).status_code == 200


# --- The same headers from nginx ----------------------------------------------------------------


def test_the_nginx_sample_passes_media_to_ogmonitor_with_the_same_headers():
    config = (Path(__file__).resolve().parents[3] / "deploy" / "nginx.conf").read_text()
    block = re.search(r"location /media/ \{(.*?)\n    \}", config, re.DOTALL).group(1)
    assert "proxy_pass http://ogmonitor_web;" in block
    assert "root " not in block and "alias " not in block  # never straight from the disk
    assert "add_header X-Content-Type-Options nosniff always;" in block
    assert f'add_header Content-Security-Policy "{CONTENT_SECURITY_POLICY}" always;' in block
