"""The audit log's pages: who may read them, what a row says, the filters, the query budget, exports."""

import csv
import datetime as dt
import io

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from ogmonitor.accounts.factories import UserFactory
from ogmonitor.audit import services
from ogmonitor.disclosure.factories import ItemFactory, PublicationFactory
from ogmonitor.engagement import proposals
from ogmonitor.engagement.factories import AuthorityFactory
from ogmonitor.findings import drafting
from ogmonitor.surveys import submissions

from .world import latest_about

pytestmark = pytest.mark.django_db


def log_url(language="az", **query) -> str:
    with translation.override(language):
        url = reverse("audit:log")
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


@pytest.fixture
def publication(municipality):
    return PublicationFactory(organization=municipality)


@pytest.fixture
def rejected_a(submission_a, coordinator):
    with set_actor(coordinator):
        return submissions.reject_submission(submission_a, coordinator, "Interview in the wrong village")


# --- Who may read what ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, submission_a):
    for url in (log_url(), log_url().replace("/audit/", "/audit/log.csv"),
                reverse("audit:record", args=["surveys.submission", submission_a.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_enumerators_municipality_editors_and_users_without_a_role_are_refused(
    client_for, enumerator, municipality_editor, submission_a,
):
    urls = [
        log_url(), reverse("audit:export", args=["csv"]), reverse("audit:export", args=["xlsx"]),
        reverse("audit:record", args=["surveys.submission", submission_a.pk]),
    ]
    for user in (enumerator, municipality_editor, UserFactory(username="no-role")):
        client = client_for(user)
        assert [client.get(url).status_code for url in urls] == [403, 403, 403, 403]


def test_a_coordinator_reads_their_organisations_entries_and_shared_ones_not_another_organisations(
    client_for, coordinator, submission_a, submission_b, publication,
):
    response = client_for(coordinator).get(log_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert str(submission_a.uuid) in page
    assert str(publication.organization) in page  # what a municipality published: every coordinator's
    assert str(submission_b.uuid) not in page
    visible = services.visible_entries(coordinator, LogEntry.objects.all())
    assert not visible.filter(object_pk=str(submission_b.pk), content_type__model="submission").exists()


def test_an_administrator_reads_every_entry(client_for, administrator, submission_a, submission_b):
    page = client_for(administrator).get(log_url()).content.decode()

    assert str(submission_a.uuid) in page and str(submission_b.uuid) in page


def test_another_organisations_record_history_is_not_found(client_for, coordinator, submission_a, submission_b):
    client = client_for(coordinator)

    own = client.get(reverse("audit:record", args=["surveys.submission", submission_a.pk]))
    other = client.get(reverse("audit:record", args=["surveys.submission", submission_b.pk]))
    unknown_kind = client.get(reverse("audit:record", args=["surveys.respondentidentity", 1]))

    assert own.status_code == 200 and str(submission_a.uuid) in own.content.decode()
    assert other.status_code == 404 and unknown_kind.status_code == 404


def test_no_page_of_the_log_accepts_a_change(client_for, administrator, submission_a):
    client = client_for(administrator)
    entry = latest_about(submission_a)

    for url in (log_url(), reverse("audit:record", args=["surveys.submission", submission_a.pk])):
        assert client.post(url, {"object_repr": "rewritten"}).status_code == 405

    entry.refresh_from_db()
    assert entry.object_repr == str(submission_a.uuid)


# --- What a row says -----------------------------------------------------------------------------


def test_a_row_says_when_who_what_and_each_field_before_and_after(client_for, coordinator, rejected_a):
    entry = latest_about(rejected_a)

    page = client_for(coordinator).get(log_url("en")).content.decode()

    assert "<strong>Status</strong>: submitted → rejected" in page
    assert "<strong>Reason for rejection</strong>: — → Interview in the wrong village" in page
    assert "coordinator-a" in page
    local = timezone.localtime(entry.timestamp)
    assert f'datetime="{local.isoformat()}"' in page  # the site's time zone (Baku)
    history = reverse("audit:record", args=["surveys.submission", rejected_a.pk])
    assert history.replace("/az/", "/en/") in page


def test_a_correction_shows_each_question_in_the_pages_language_and_its_reason(client_for, coordinator, submission_a):
    submissions.correct_submission(
        submission_a, {"meetings": "5", "comment": "Aygün Əliyeva called back"}, coordinator, "The respondent called back",
    )

    page = client_for(coordinator).get(log_url("en")).content.decode()

    assert "<strong>How many public meetings did you attend? (meetings)</strong>: 3 → 5" in page
    assert "Your comment (comment): corrected (the text is not kept in the log)" in page
    assert "Reason: The respondent called back" in page
    assert "Aygün" not in page


def test_a_foreign_key_is_shown_by_the_records_name(client_for, coordinator, municipality, publication):
    with set_actor(coordinator):
        from ogmonitor.disclosure.services import verify_publication

        verify_publication(publication, coordinator, on=dt.date(2022, 4, 1))

    page = client_for(coordinator).get(log_url("en")).content.decode()

    assert "<strong>Verified by</strong>: — → coordinator-a" in page
    assert "<strong>Verified on</strong>: — → 04/01/2022" in page


def test_a_record_with_a_page_of_its_own_is_linked_from_its_rows(client_for, coordinator, ngo_a):
    with set_actor(coordinator):
        proposal = proposals.create_proposal(coordinator, text_az="Yol təmir edilsin", organization=ngo_a, addressee=AuthorityFactory())

    page = client_for(coordinator).get(log_url()).content.decode()

    assert f'href="{proposal.get_absolute_url()}"' in page
    assert reverse("audit:record", args=["engagement.proposal", proposal.pk]) in page


def test_the_page_reads_in_azerbaijani_and_in_english(client_for, coordinator, rejected_a):
    client = client_for(coordinator)

    azerbaijani = client.get(log_url("az")).content.decode()
    english = client.get(log_url("en")).content.decode()

    assert '<html lang="az"' in azerbaijani and "Nə vaxt" in azerbaijani and "Tarixçə" in azerbaijani
    assert '<html lang="en"' in english and ">When<" in english and ">History<" in english
    assert "rejected" in english


# --- Filters -------------------------------------------------------------------------------------


def test_the_filters_narrow_by_kind_action_who_and_name(client_for, administrator, coordinator, rejected_a, publication, study_a):
    drafting.create_recommendation(study_a, None, text_az="Bələdiyyə saytı yenilənsin")
    client = client_for(administrator)

    by_kind = client.get(log_url(kind="disclosure.publication")).content.decode()
    by_action = client.get(log_url(action=LogEntry.Action.UPDATE)).content.decode()
    by_actor = client.get(log_url(actor=coordinator.pk)).content.decode()
    by_text = client.get(log_url(text="bələdiyyə saytı")).content.decode()

    assert str(publication.organization) in by_kind and str(rejected_a.uuid) not in by_kind
    assert str(rejected_a.uuid) in by_action and str(publication.organization) not in by_action
    assert str(rejected_a.uuid) in by_actor and str(publication.organization) not in by_actor
    assert "Bələdiyyə saytı yenilənsin" in by_text and str(rejected_a.uuid) not in by_text


def test_the_dates_include_both_days_in_the_sites_time_zone(client_for, administrator, submission_a, publication):
    baku = timezone.get_current_timezone()
    # 23:30 in Baku on 9 May is 19:30 UTC: it belongs to 9 May.
    LogEntry.objects.filter(object_pk=str(submission_a.pk), content_type__model="submission").update(
        timestamp=dt.datetime(2024, 5, 9, 23, 30, tzinfo=baku),
    )
    LogEntry.objects.filter(content_type__model="publication").update(timestamp=dt.datetime(2024, 5, 10, 0, 30, tzinfo=baku))
    client = client_for(administrator)

    ninth = client.get(log_url(since="2024-05-09", until="2024-05-09")).content.decode()
    tenth = client.get(log_url(since="2024-05-10")).content.decode()

    assert str(submission_a.uuid) in ninth and str(publication.organization) not in ninth
    assert str(publication.organization) in tenth and str(submission_a.uuid) not in tenth


def test_a_last_day_before_the_first_is_refused_at_the_field(client_for, administrator, submission_a):
    with translation.override("en"):
        response = client_for(administrator).get(log_url("en", since="2024-05-10", until="2024-05-01"))

    form = response.context["form"]
    assert form.errors == {"until": ["The last day cannot be before the first day (05/10/2024)."]}
    assert str(submission_a.uuid) not in response.content.decode()


# --- Query budget --------------------------------------------------------------------------------


def _entries_of_every_kind(coordinator, study, municipality, publications: int) -> None:
    """A recommendation, a proposal and a submission's rejection, plus ``publications`` recorded
    publications (one entry each): every row shape the page draws."""
    from .world import submit

    item = ItemFactory()
    with set_actor(coordinator):
        drafting.create_recommendation(study, coordinator, text_az="Məlumatlandırma aparılsın")
        proposals.create_proposal(coordinator, text_az="Yol təmir edilsin", organization=coordinator.organization,
                                  addressee=AuthorityFactory())
        submission = submit(study, coordinator, municipality.community)
        submissions.reject_submission(submission, coordinator, "Təkrar müsahibə")
        for _ in range(publications):
            PublicationFactory(organization=municipality, item=item)


def test_the_list_costs_as_many_queries_for_60_entries_as_for_5(
    client_for, coordinator, study_a, municipality, django_assert_max_num_queries,
):
    client = client_for(coordinator)
    _entries_of_every_kind(coordinator, study_a, municipality, publications=1)
    assert 5 <= services.visible_entries(coordinator, LogEntry.objects.all()).count() < 10
    client.get(log_url())  # content types and the like, cached once per process
    with CaptureQueriesContext(connection) as few:
        assert client.get(log_url()).status_code == 200

    _entries_of_every_kind(coordinator, study_a, municipality, publications=55)
    assert services.visible_entries(coordinator, LogEntry.objects.all()).count() >= 60

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(log_url())
    assert response.content.decode().count('class="changes"') == 50  # a full page
    assert len(few.captured_queries) <= 20


# --- Exports -------------------------------------------------------------------------------------


def test_the_csv_holds_the_filtered_entries_with_formulas_neutralised(client_for, coordinator, study_a, submission_b):
    drafting.create_recommendation(study_a, coordinator, text_az='=HYPERLINK("http://evil.example","klik")')

    response = client_for(coordinator).get(reverse("audit:export", args=["csv"]) + "?kind=findings.recommendation")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "Nə vaxt"
    assert len(rows) == 2
    assert rows[1][4] == "'=HYPERLINK(\"http://evil.example\",\"klik\")"
    assert str(submission_b.uuid) not in text


def test_the_workbook_holds_one_row_per_visible_entry(client_for, coordinator, rejected_a, submission_b):
    response = client_for(coordinator).get(reverse("audit:export", args=["xlsx"]).replace("/az/", "/en/"))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("When", "Who", "Action")
    records = [row[4] for row in values[1:]]
    assert str(rejected_a.uuid) in records and str(submission_b.uuid) not in records
    rejection = next(row for row in values[1:] if row[2] == "Changed" and row[4] == str(rejected_a.uuid))
    assert isinstance(rejection[0], dt.datetime)
    assert "Status: submitted → rejected" in rejection[6]
    assert rejection[1] == "coordinator-a"


def test_the_navigation_shows_the_audit_log_only_to_those_who_may_read_it(client_for, coordinator, enumerator):
    link = f'href="{reverse("audit:log")}"'

    assert link in client_for(coordinator).get("/az/").content.decode()
    assert link not in client_for(enumerator).get("/az/").content.decode()
