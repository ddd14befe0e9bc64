"""The cover letter (DOCX) and the list (XLSX) for one authority, read back as a reader would."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document
from openpyxl import load_workbook

from ogmonitor.engagement.factories import AuthorityFactory, EventFactory, ProposalFactory
from ogmonitor.engagement.models import Proposal
from ogmonitor.places.factories import CommunityFactory, OrganizationFactory
from ogmonitor.surveys.models import RespondentCategory

S = Proposal.Status


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def authority(db):
    return AuthorityFactory(name_az="İsmayıllı Rayon İcra Hakimiyyəti", name_en="Ismayilli District Executive Authority")


@pytest.fixture
def proposals(authority, ngo_a):
    """Three proposals of NGO A to the authority (a draft, one overdue, one answered) and one of another NGO."""
    event = EventFactory(
        title_az="Talıstanda ictimai müzakirə", title_en="Public discussion in Talistan", date=days_ago(60),
        community=CommunityFactory(name_az="Talıstan", name_en="Talistan"),
    )
    group = RespondentCategory.objects.create(code="youth", name_az="Gənclər", name_en="Young people")
    common = {"addressee": authority, "organization": ngo_a, "event": event, "raised_by_group": group}
    return [
        ProposalFactory(**common, text_az="Gənclər üçün idman zalı açılsın", text_en="Open a sports hall for young people",
                        topic="Gənclər"),
        ProposalFactory(**common, status=S.SUBMITTED, submitted_on=days_ago(40), submitted_via="letter", answer_days=30,
                        reference_number="QHT-08/24", text_az="Kənd yolu işıqlandırılsın, şəbəkə çəkilsin",
                        text_en="Light the village road"),
        ProposalFactory(**common, status=S.ANSWERED, submitted_on=days_ago(50), answered_on=days_ago(20),
                        answer_text_az="Büdcə imkan verdikdə nəzərə alınacaq.", text_az="Məktəbə avtobus ayrılsın",
                        text_en="Provide a school bus"),
        ProposalFactory(addressee=authority, organization=OrganizationFactory(), text_az="Başqa QHT-nin təklifi",
                        is_published=False),
    ]


def letter_url(authority, language="az", **query) -> str:
    with translation.override(language):
        url = reverse("engagement:proposals_letter", args=[authority.slug])
    return url + (f"?status={query['status']}" if "status" in query else "")


def xlsx_url(authority, language="az", **query) -> str:
    with translation.override(language):
        url = reverse("engagement:proposals_xlsx", args=[authority.slug])
    return url + (f"?status={query['status']}" if "status" in query else "")


def letter_text(response) -> str:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = Document(io.BytesIO(response.content))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def workbook_rows(response) -> tuple:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


# --- The letter --------------------------------------------------------------------------------


def test_the_letter_lists_the_unanswered_proposals_of_the_coordinators_organisation(client_for, coordinator, proposals, authority):
    response = client_for(coordinator).get(letter_url(authority))

    assert response.status_code == 200
    assert f"proposals-{authority.slug}-" in response["Content-Disposition"]
    text = letter_text(response)
    assert "İsmayıllı Rayon İcra Hakimiyyəti" in text
    assert "Ümid" in text  # the sender, NGO A
    assert "1.\tGənclər üçün idman zalı açılsın" in text
    assert "2.\tKənd yolu işıqlandırılsın, şəbəkə çəkilsin" in text
    assert "Məktəbə avtobus ayrılsın" not in text  # already answered
    assert "Başqa QHT-nin təklifi" not in text  # another NGO's
    assert "Talıstanda ictimai müzakirə" in text and "Talıstan" in text and "Gənclər" in text
    assert "QHT-08/24" in text
    assert "30 gün ərzində" in text  # the page (and so the letter) is in Azerbaijani
    assert timezone.localdate().strftime("%Y") in text


def test_the_letter_follows_the_page_language(client_for, coordinator, proposals, authority):
    text = letter_text(client_for(coordinator).get(letter_url(authority, language="en")))
    assert "Ismayilli District Executive Authority" in text
    assert "Open a sports hall for young people" in text
    assert "Public discussion in Talistan" in text
    assert "Dear Sir or Madam," in text


def test_the_letter_can_be_narrowed_to_one_status(client_for, coordinator, proposals, authority):
    text = letter_text(client_for(coordinator).get(letter_url(authority, status=S.ANSWERED)))
    assert "1.\tMəktəbə avtobus ayrılsın" in text
    assert "Gənclər üçün idman zalı açılsın" not in text


def test_the_letter_asks_for_the_shortest_deadline_of_its_proposals(client_for, coordinator, authority, ngo_a):
    ProposalFactory(addressee=authority, organization=ngo_a, answer_days=15)
    ProposalFactory(addressee=authority, organization=ngo_a, answer_days=30)
    assert "within 15 days" in letter_text(client_for(coordinator).get(letter_url(authority, language="en")))


def test_without_proposals_there_is_no_letter_but_a_message(client_for, coordinator, authority):
    response = client_for(coordinator).get(letter_url(authority, language="en"), follow=True)
    assert "There is no proposal for Ismayilli District Executive Authority to put in a letter." in response.content.decode()


def test_only_coordinators_and_administrators_write_letters(client, client_for, municipality_editor, enumerator, proposals, authority):
    assert client.get(letter_url(authority)).status_code == 302
    assert client_for(municipality_editor).get(letter_url(authority)).status_code == 403
    assert client_for(enumerator).get(letter_url(authority)).status_code == 403


# --- The list ----------------------------------------------------------------------------------


def test_the_list_has_every_column_a_bold_frozen_header_and_azerbaijani_text(client_for, coordinator, proposals, authority):
    with translation.override("en"):
        response = client_for(coordinator).get(xlsx_url(authority, language="en"))
    sheet, rows = workbook_rows(response)

    header = rows[0]
    for column in ("No.", "Proposal", "Topic", "Raised by", "Event", "Submitted on", "Reference number", "Answer due",
                   "Status", "Answer", "Answered on", "Days overdue"):
        assert column in header
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert len(rows) == 5  # header and the four proposals (staff see the unpublished one)

    by_number = {row[header.index("No.")]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    overdue = by_number[proposals[1].number]
    assert overdue["Status"] == "submitted to the authority"
    assert overdue["Reference number"] == "QHT-08/24"
    assert overdue["Submitted on"].date() == days_ago(40)
    assert overdue["Answer due"].date() == days_ago(10)
    assert overdue["Days overdue"] == 10
    assert overdue["Raised by"] == "Young people"
    answered = by_number[proposals[2].number]
    assert answered["Answer"] == "Büdcə imkan verdikdə nəzərə alınacaq."  # no English answer: falls back to az
    assert answered["Days overdue"] is None
    assert by_number[proposals[0].number]["Topic"] == "Gənclər"


def test_the_list_in_azerbaijani_keeps_every_letter(client, proposals, authority):
    _sheet, rows = workbook_rows(client.get(xlsx_url(authority)))
    texts = {row[1] for row in rows[1:]}
    assert {"Gənclər üçün idman zalı açılsın", "Kənd yolu işıqlandırılsın, şəbəkə çəkilsin",
            "Məktəbə avtobus ayrılsın"} == texts  # the unpublished one is not shown to visitors


def test_the_list_can_be_narrowed_to_one_status_and_refuses_an_unknown_one(client, proposals, authority):
    _sheet, rows = workbook_rows(client.get(xlsx_url(authority, status=S.SUBMITTED)))
    assert [row[0] for row in rows[1:]] == [proposals[1].number]
    assert client.get(xlsx_url(authority, status="lost")).status_code == 400


def test_text_that_looks_like_a_formula_stays_text(client, authority):
    ProposalFactory(addressee=authority, text_az="=HYPERLINK(\"http://example.org\")")
    _sheet, rows = workbook_rows(client.get(xlsx_url(authority)))
    assert rows[1][1] == "'=HYPERLINK(\"http://example.org\")"
