"""Response import pages: who may use them, the upload → mapping → dry run → import flow, progress."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory
from ogmonitor.surveys.importing.services import _set_progress
from ogmonitor.surveys.models import Answer, ImportBatch, Submission

from .test_importing import (
    KOBO_HEADERS,
    csv_bytes,
    google_rows,
    kobo_rows,
    make_communities,
    upload,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def study(db, ngo_a):
    return StudyFactory(organization=ngo_a, communities=make_communities())


@pytest.fixture
def questionnaire(study):
    return QuestionnaireFactory(study=study)


def url(name, study, batch=None):
    """The English page (the texts checked below are msgids)."""
    args = [study.slug] if batch is None else [study.slug, batch.pk]
    with translation.override("en"):
        return reverse(f"surveys:{name}", args=args)


@pytest.fixture
def batch(study, questionnaire):
    return upload(study, questionnaire, csv_bytes(kobo_rows(5)), "kobo.csv")


PAGES = ["import_list", "import_upload"]
BATCH_PAGES = ["import_detail", "import_mapping", "import_check", "import_progress", "import_progress_fragment"]


@pytest.mark.parametrize("name", PAGES + BATCH_PAGES + ["import_commit"])
def test_anonymous_visitors_are_sent_to_log_in(client, study, batch, name):
    target = url(name, study, batch if name in BATCH_PAGES + ["import_commit"] else None)
    response = client.post(target) if name == "import_commit" else client.get(target)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["coordinator_b", "enumerator"])
@pytest.mark.parametrize("name", PAGES + BATCH_PAGES + ["import_commit"])
def test_only_the_study_coordinators_may_import(request, client_for, study, batch, who, name):
    user = request.getfixturevalue(who)
    target = url(name, study, batch if name in BATCH_PAGES + ["import_commit"] else None)
    client = client_for(user)
    response = client.post(target) if name == "import_commit" else client.get(target)
    assert response.status_code == 403


def test_a_coordinator_imports_a_google_forms_file_step_by_step(client_for, coordinator, study, questionnaire):
    client = client_for(coordinator)
    assert client.get(url("import_list", study)).status_code == 200

    response = client.post(url("import_upload", study), {
        "file": SimpleUploadedFile("Cavablar.csv", csv_bytes(google_rows(), "utf-16")),
        "questionnaire": questionnaire.pk,
    })
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == url("import_mapping", study, batch)
    assert batch.created_by == coordinator

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Milli Fəaliyyət Planı haqqında eşitmisinizmi?" in html
    assert 'name="column_0"' in html and "<select" in html

    form = page.context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    response = client.post(url("import_mapping", study, batch), data)
    assert response.status_code == 302 and response["Location"] == url("import_check", study, batch)

    page = client.get(response["Location"])
    assert "Ready: 40 rows, 40 new, 0 duplicates." in page.content.decode()

    response = client.post(url("import_commit", study, batch))
    assert response.status_code == 302
    done = client.get(response["Location"], follow=True)
    assert done.redirect_chain[-1][0] == url("import_detail", study, batch)
    assert "40 rows read: 40 submissions added, 0 duplicates skipped." in done.content.decode()
    assert Submission.objects.filter(study=study).count() == 40


def test_the_mapping_page_asks_which_choice_an_unmatched_value_is(client_for, coordinator, study, questionnaire):
    rows = google_rows(6)
    rows[1][1] = "Hə"
    batch = upload(study, questionnaire, csv_bytes(rows), "Cavablar.csv")
    client = client_for(coordinator)

    page = client.get(url("import_mapping", study, batch))
    html = page.content.decode()
    assert "Hə" in html and 'name="value_1_0"' in html

    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    data["value_1_0"] = str(questionnaire.choices.get(name="yes").pk)
    response = client.post(url("import_mapping", study, batch), data)
    assert response["Location"] == url("import_check", study, batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED


def test_a_value_left_as_a_problem_leads_to_the_dry_run_which_lists_it(client_for, coordinator, study, questionnaire):
    rows = google_rows(6)
    rows[3][1] = "Bilmirəm"
    batch = upload(study, questionnaire, csv_bytes(rows), "Cavablar.csv")
    client = client_for(coordinator)
    page = client.get(url("import_mapping", study, batch))
    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    assert data["value_1_0"] == ""  # "leave it as a problem"

    response = client.post(url("import_mapping", study, batch), data, follow=True)

    assert response.redirect_chain[-1][0] == url("import_check", study, batch)
    html = response.content.decode()
    assert "The file has 1 problem" in html and "row 4, column B" in html and "Bilmirəm" in html


def test_a_question_mapped_twice_is_refused(client_for, coordinator, study, batch):
    client = client_for(coordinator)
    page = client.get(url("import_mapping", study, batch))
    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    data["column_0"] = data["column_2"]  # "start" as the "aware" question too

    response = client.post(url("import_mapping", study, batch), data)

    assert response.status_code == 200
    assert "only one column" in response.content.decode()


def test_the_dry_run_page_names_row_37_and_its_column(client_for, coordinator, study, questionnaire):
    rows = kobo_rows(40)
    rows[36][KOBO_HEADERS.index("details/meetings")] = "çox"
    batch = upload(study, questionnaire, csv_bytes(rows), "kobo.csv")
    client = client_for(coordinator)
    page = client.get(url("import_mapping", study, batch))
    data = {name: field.initial for name, field in page.context["form"].fields.items()}

    response = client.post(url("import_mapping", study, batch), data, follow=True)

    html = response.content.decode()
    assert "The file has 1 problem" in html
    assert "row 37, column E (details/meetings)" in html
    assert client.post(url("import_commit", study, batch))["Location"] == url("import_check", study, batch)

    # Even a batch marked as checked is checked again by the import, which then writes nothing.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.CHECKED)
    outcome = client.post(url("import_commit", study, batch), follow=True)
    assert outcome.redirect_chain[-1][0] == url("import_detail", study, batch)
    html = outcome.content.decode()
    assert "kobo.csv was not imported" in html and "row 37, column E (details/meetings)" in html
    assert Submission.objects.count() == Answer.objects.count() == 0


def test_an_upload_over_the_size_limit_is_refused(client_for, coordinator, study, questionnaire, settings):
    settings.OGMONITOR_MAX_UPLOAD_BYTES = 100
    response = client_for(coordinator).post(url("import_upload", study), {
        "file": SimpleUploadedFile("big.csv", csv_bytes(kobo_rows(5))), "questionnaire": questionnaire.pk,
    })
    assert response.status_code == 200
    assert "at most 100" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_unreadable_file_is_reported_on_the_upload_page(client_for, coordinator, study, questionnaire):
    response = client_for(coordinator).post(url("import_upload", study), {
        "file": SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100), "questionnaire": questionnaire.pk,
    })
    assert response.status_code == 200
    assert "“old.xls” cannot be uploaded here" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_progress_page_shows_a_progress_bar_polled_every_second(client_for, coordinator, study, batch):
    batch.status = ImportBatch.Status.RUNNING
    batch.save()
    _set_progress(batch.pk, 2, 5)
    client = client_for(coordinator)

    page = client.get(url("import_progress", study, batch)).content.decode()
    assert '<progress id="import-progress-bar" max="5" value="2"' in page
    assert 'hx-trigger="every 1s"' in page
    assert url("import_progress", study, batch) in page  # the no-JS refresh link

    fragment = client.get(url("import_progress_fragment", study, batch), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "2 of 5 rows (40%)" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_the_progress_fragment_sends_htmx_to_the_outcome_when_the_import_ends(client_for, coordinator, study, batch):
    batch.status = ImportBatch.Status.DONE
    batch.save()
    client = client_for(coordinator)

    response = client.get(url("import_progress_fragment", study, batch), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == url("import_detail", study, batch)
    assert client.get(url("import_progress", study, batch))["Location"] == url("import_detail", study, batch)


def test_the_import_list_shows_each_file_and_its_outcome(client_for, coordinator, study, batch, django_assert_max_num_queries):
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        html = client.get(url("import_list", study)).content.decode()
    assert "kobo.csv" in html and url("import_detail", study, batch) in html


def test_an_administrator_may_import_into_any_study(client_for, administrator, study, batch):
    assert client_for(administrator).get(url("import_mapping", study, batch)).status_code == 200
