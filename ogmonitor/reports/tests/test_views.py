"""Report pages: who may build, see, publish and download a study's reports."""

import pytest
from django.urls import reverse

from ogmonitor.reports.models import Report
from ogmonitor.reports.services import build_report
from ogmonitor.surveys.models import Study


def _built(study, version=1, language="az", format="html", is_public=False) -> Report:
    report = Report.objects.create(study=study, version=version, language=language, format=format)
    report = build_report(report)
    assert report.status == Report.Status.DONE, report.error
    if is_public:
        report.is_public = True
        report.save(update_fields=["is_public"])
    return report


def _list_url(study):
    return reverse("reports:list", args=[study.slug])


# --- Building -------------------------------------------------------------------------------------


def test_the_studys_coordinator_builds_a_report_and_sees_it_ready(
    report_study, coordinator, client_for, django_capture_on_commit_callbacks
):
    study = report_study.study
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request", args=[study.slug]), {"language": "az", "format": "pdf"})
    assert response.status_code == 302 and response.url == _list_url(study)
    report = study.reports.get()
    assert (report.version, report.language, report.format, report.status, report.progress) == (1, "az", "pdf", "done", 100)
    assert report.created_by == coordinator

    page = client.get(_list_url(study))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("reports:download", args=[study.slug, report.pk]) in html
    assert "hx-trigger" not in html  # nothing left to poll


def test_anonymous_visitors_cannot_build_a_report(report_study, client):
    study = report_study.study
    response = client.post(reverse("reports:request", args=[study.slug]), {"language": "az", "format": "pdf"})
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert not Report.objects.exists()
    page = client.get(_list_url(study)).content.decode()
    assert reverse("reports:request", args=[study.slug]) not in page


def test_a_coordinator_of_another_ngo_cannot_build_or_publish(report_study, coordinator_b, client_for):
    study = report_study.study
    client = client_for(coordinator_b)
    response = client.post(reverse("reports:request", args=[study.slug]), {"language": "az", "format": "pdf"})
    assert response.status_code == 403
    report = _built(study)
    assert client.post(reverse("reports:publish", args=[study.slug, report.pk]), {"public": "1"}).status_code == 403
    assert client.get(reverse("reports:row", args=[study.slug, report.pk])).status_code == 403
    report.refresh_from_db()
    assert not report.is_public and Report.objects.count() == 1


def test_an_invalid_choice_builds_nothing(report_study, coordinator, client_for):
    study = report_study.study
    response = client_for(coordinator).post(reverse("reports:request", args=[study.slug]), {"language": "fr", "format": "pdf"})
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_a_running_build_shows_a_progress_bar_polled_every_second(report_study, coordinator, client_for):
    study = report_study.study
    report = Report.objects.create(study=study, version=1, language="en", format="pdf", status="running", progress=40)
    client = client_for(coordinator)
    html = client.get(_list_url(study)).content.decode()
    row_url = reverse("reports:row", args=[study.slug, report.pk])
    assert f'hx-get="{row_url}"' in html and 'hx-trigger="every 1s"' in html
    assert '<progress id="report-progress-' in html and 'value="40"' in html

    Report.objects.filter(pk=report.pk).update(progress=100, status="done")
    fragment = client.get(row_url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith(("<tr", "\n<tr")) and "hx-trigger" not in fragment and "<progress" not in fragment


def test_versions_page_has_a_query_budget(report_study, coordinator, client_for, django_assert_max_num_queries):
    study = report_study.study
    for version in range(1, 6):
        Report.objects.create(study=study, version=version, language="az", format="pdf", status="done",
                              created_by=coordinator)
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(_list_url(study)).status_code == 200


# --- Publishing and downloading ------------------------------------------------------------------


def test_the_coordinator_downloads_a_private_report_with_a_safe_name(report_study, coordinator, client_for):
    study = report_study.study
    report = _built(study, format="docx")
    response = client_for(coordinator).get(reverse("reports:download", args=[study.slug, report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == f'attachment; filename="{study.slug}-report-v1-az.docx"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_the_public_downloads_only_public_reports_of_published_studies(report_study, client, coordinator_b, client_for):
    study = report_study.study
    private = _built(study, version=1)
    public = _built(study, version=2, format="pdf", is_public=True)
    url = reverse("reports:download", args=[study.slug, public.pk])

    assert client.get(reverse("reports:download", args=[study.slug, private.pk])).status_code == 404
    assert client_for(coordinator_b).get(reverse("reports:download", args=[study.slug, private.pk])).status_code == 404
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{study.slug}-report-v2-az.pdf"'
    listing = client.get(_list_url(study)).content.decode()
    assert url in listing and reverse("reports:download", args=[study.slug, private.pk]) not in listing

    Study.objects.filter(pk=study.pk).update(status=Study.Status.CLOSED)
    assert client.get(url).status_code == 404  # a study taken back hides its reports
    assert client.get(_list_url(study)).status_code == 404


def test_a_report_must_be_built_to_be_downloaded_or_made_public(report_study, coordinator, client_for):
    study = report_study.study
    report = Report.objects.create(study=study, version=1, language="az", format="pdf")
    client = client_for(coordinator)
    assert client.get(reverse("reports:download", args=[study.slug, report.pk])).status_code == 404
    client.post(reverse("reports:publish", args=[study.slug, report.pk]), {"public": "1"})
    report.refresh_from_db()
    assert not report.is_public


def test_the_coordinator_makes_a_report_public_and_private_again(report_study, coordinator, client_for, client):
    study = report_study.study
    report = _built(study)
    url = reverse("reports:download", args=[study.slug, report.pk])
    manager = client_for(coordinator)
    assert manager.post(reverse("reports:publish", args=[study.slug, report.pk]), {"public": "1"}).status_code == 302
    assert client.get(url).status_code == 200
    manager.post(reverse("reports:publish", args=[study.slug, report.pk]), {"public": "0"})
    assert client.get(url).status_code == 404


def test_a_report_of_one_study_is_not_reached_through_another(report_study, coordinator, client_for):
    report = _built(report_study.study, is_public=True)
    other = report_study.previous  # same NGO, also published
    response = client_for(coordinator).get(reverse("reports:download", args=[other.slug, report.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("language", ["az", "en"])
def test_the_study_page_links_to_its_reports(report_study, client, language):
    from django.utils import translation

    study = report_study.study
    with translation.override(language):
        page = client.get(study.get_absolute_url())
        assert page.status_code == 200
        assert reverse("reports:list", args=[study.slug]) in page.content.decode()
