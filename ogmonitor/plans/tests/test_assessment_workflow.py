"""Assessing an activity on the site: the review workflow (draft → reviewed → published), typed
evidence, history, who may see and change what, and the form."""

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ogmonitor.engagement.factories import EventFactory, ProposalFactory
from ogmonitor.findings.models import Indicator
from ogmonitor.places.factories import DistrictFactory, MunicipalityFactory
from ogmonitor.plans import assessments
from ogmonitor.plans.factories import (
    ActionPlanFactory,
    ActivityFactory,
    AreaFactory,
    LocalAssessmentFactory,
    LocalTargetFactory,
)
from ogmonitor.plans.models import AssessmentEvidence, AssessmentStatus, Completion, LocalAssessment
from ogmonitor.surveys.factories import StudyFactory
from ogmonitor.surveys.models import Study

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The service's messages are asserted in English; pages take their language from the URL."""
    with translation.override("en"):
        yield

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"


@pytest.fixture
def guba():
    return DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")


@pytest.fixture
def activity():
    return ActivityFactory(number="5.1", title_az="Bələdiyyələrin sosial şəbəkə səhifələri",
                           title_en="Municipal social-media pages", involves_municipalities=True)


@pytest.fixture
def indicator(activity, ngo_a):
    study = StudyFactory(organization=ngo_a, plan=activity.plan, slug="local-2022")
    return Indicator.objects.create(study=study, code="aware", title_az="Planı bilənlər", title_en="Aware of the plan",
                                    nap_activity=activity)


@pytest.fixture
def draft(activity, guba, ngo_a, coordinator):
    """A draft of NGO A, entered by its coordinator."""
    assessment = LocalAssessment(activity=activity, district=guba, assessed_on=dt.date(2022, 7, 31),
                                 completion=Completion.SUBSTANTIAL, assessed_by=ngo_a, narrative_az="Qaralama mətni",
                                 narrative_en="Draft text")
    return assessments.save_assessment(assessment, coordinator)


def published(assessment, user):
    assessments.transition(assessment, "review", user)
    return assessments.transition(assessment, "publish", user)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- The workflow ----------------------------------------------------------------------------------


def test_a_draft_is_reviewed_then_published_and_is_published_follows_the_status(draft, coordinator):
    assert (draft.status, draft.is_published, draft.assessed_by_user) == ("draft", False, coordinator)

    assessments.transition(draft, "review", coordinator)
    draft.refresh_from_db()
    assert (draft.status, draft.is_published, draft.reviewed_by) == ("reviewed", False, coordinator)
    assert draft.reviewed_at is not None and draft.published_at is None

    assessments.transition(draft, "publish", coordinator)
    draft.refresh_from_db()
    assert (draft.status, draft.is_published) == ("published", True)
    assert draft.published_at >= draft.reviewed_at
    assert list(LocalAssessment.objects.published()) == [draft]

    assessments.transition(draft, "withdraw", coordinator)
    draft.refresh_from_db()
    assert (draft.status, draft.is_published, draft.reviewed_by, draft.published_at) == ("draft", False, None, None)


@pytest.mark.parametrize(("status", "action", "says"), [
    ("draft", "publish", "Only a reviewed assessment can be published"),
    ("draft", "withdraw", "Only a reviewed or published assessment can be returned to draft"),
    ("published", "review", "Only a draft can be marked reviewed"),
    ("published", "publish", "Only a reviewed assessment can be published"),
    ("draft", "delete", "Unknown step"),
])
def test_steps_the_workflow_does_not_allow_are_refused_with_a_message(draft, coordinator, status, action, says):
    if status == "published":
        published(draft, coordinator)
    with pytest.raises(assessments.AssessmentError) as error:
        assessments.transition(draft, action, coordinator)
    assert says in error.value.messages[0]
    assert LocalAssessment.objects.get().status == status


def test_a_published_assessment_is_not_edited_and_an_edited_reviewed_one_is_a_draft_again(draft, coordinator):
    assessments.transition(draft, "review", coordinator)
    draft.narrative_en = "Corrected"
    assessments.save_assessment(draft, coordinator)
    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by, draft.narrative_en) == ("draft", None, "Corrected")

    published(draft, coordinator)
    draft.completion = Completion.COMPLETE
    with pytest.raises(assessments.AssessmentError, match="A published assessment is not changed"):
        assessments.save_assessment(draft, coordinator)
    assert LocalAssessment.objects.get().completion == Completion.SUBSTANTIAL


def test_history_keeps_every_date_for_a_place_and_the_newest_is_its_latest(activity, guba, ngo_a, coordinator, client):
    older = LocalAssessmentFactory(activity=activity, district=guba, assessed_by=ngo_a, assessed_on=dt.date(2021, 12, 15),
                                   completion=Completion.NOT_STARTED)
    newer = LocalAssessmentFactory(activity=activity, district=guba, assessed_by=ngo_a, assessed_on=dt.date(2022, 7, 31),
                                   completion=Completion.LIMITED)
    for assessment in (older, newer):
        published(assessment, coordinator)

    assert list(LocalAssessment.objects.filter(activity=activity)) == [newer, older]
    assert list(LocalAssessment.objects.latest_per_place()) == [newer]
    response = client.get(f"/en/plans/{activity.plan.slug}/activities/5.1/")
    assert [a.pk for a in response.context["history"]] == [newer.pk, older.pk]
    text = text_of(response)
    assert text.index("July 31, 2022") < text.index("Dec. 15, 2021")


# --- Evidence ----------------------------------------------------------------------------------------


def test_evidence_is_saved_all_or_nothing(draft, indicator, coordinator):
    proposal = ProposalFactory(activity=draft.activity)
    assessments.save_assessment(draft, coordinator, evidence=[{"indicator": indicator}, {"proposal": proposal.pk}])
    kept = list(draft.evidence.all())

    with pytest.raises(ValidationError) as error:
        assessments.save_assessment(draft, coordinator, evidence=[
            kept[0], {"event": EventFactory().pk}, {"url": "javascript:alert(1)", "title_az": "x"},
        ])
    assert "url" in error.value.message_dict
    assert list(draft.evidence.all()) == kept  # nothing was changed

    assessments.save_assessment(draft, coordinator, evidence=[kept[1], {"url": "https://example.org/a", "title_az": "A"}])
    assert [link.kind for link in draft.evidence.all()] == ["proposal", "url"]
    assert draft.evidence.first().pk == kept[1].pk  # kept rows keep their identity


def test_a_piece_of_evidence_is_exactly_one_thing_and_a_link_has_a_title(draft, indicator, coordinator):
    with pytest.raises(ValidationError):
        assessments.save_assessment(draft, coordinator, evidence=[{"indicator": indicator, "url": "https://example.org/"}])
    with pytest.raises(ValidationError) as error:
        assessments.save_assessment(draft, coordinator, evidence=[{"url": "https://example.org/"}])
    assert error.value.message_dict == {"url": ["Give the document or link a title."]}
    assert not draft.evidence.exists()


def test_publishing_is_refused_while_evidence_is_not_public_and_later_unpublished_records_are_left_out(
    draft, coordinator, client,
):
    proposal = ProposalFactory(activity=draft.activity, is_published=False, topic="Gizli")
    assessments.save_assessment(draft, coordinator, evidence=[{"proposal": proposal}, {"url": "/az/", "title_az": "Ana səhifə"}])
    assessments.transition(draft, "review", coordinator)
    with pytest.raises(assessments.AssessmentError, match=f"#{proposal.number}"):
        assessments.transition(draft, "publish", coordinator)

    proposal.is_published = True
    proposal.save()
    assessments.transition(draft, "publish", coordinator)
    proposal.is_published = False  # unpublished afterwards: the public pages leave it out
    proposal.save()
    response = client.get(f"/az/plans/{draft.activity.plan.slug}/activities/5.1/")
    assert "Ana səhifə" in response.text
    assert proposal.get_absolute_url() not in response.text


def test_a_document_with_bad_content_is_refused_with_a_message_and_nothing_is_saved(client_for, coordinator, activity, guba):
    page = reverse("plans:assess", args=[activity.plan.slug, activity.number])
    web_page = SimpleUploadedFile("hesabat.pdf", b"<html><script>alert(1)</script></html>")
    response = client_for(coordinator).post(page, {
        "district": guba.pk, "assessed_on": "2022-07-31", "completion": "limited", "narrative_az": "Yazdığım mətn",
        "document": web_page, "document_title_az": "Hesabat",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["document"][0].startswith("“hesabat.pdf”")
    assert "Yazdığım mətn" in response.text
    assert not LocalAssessment.objects.exists()


def test_a_documents_file_is_public_only_once_its_assessment_is_published(client_for, client, coordinator, coordinator_b, draft):
    assessments.save_assessment(draft, coordinator, evidence=[
        {"document": SimpleUploadedFile("protokol.pdf", PDF), "title_az": "Protokol"},
    ])
    url = draft.evidence.get().document.url
    assert client.get(url).status_code == 404
    assert client_for(coordinator_b).get(url).status_code == 404
    assert client_for(coordinator).get(url).status_code == 200
    published(draft, coordinator)
    assert client.get(url).status_code == 200


# --- The form ----------------------------------------------------------------------------------------


def test_a_coordinator_assesses_an_activity_with_records_as_evidence(client_for, coordinator, activity, guba, indicator):
    proposal = ProposalFactory(activity=activity, topic="Ödəniş terminalı")
    page = reverse("plans:assess", args=[activity.plan.slug, activity.number])
    client = client_for(coordinator)
    form = client.get(page).context["form"]
    assert [label for label, _choices in form.fields["indicator"].choices[1:]] == ["Linked to this activity"]

    response = client.post(page, {
        "district": guba.pk, "assessed_on": "2022-07-31", "completion": "substantial", "potential": "modest",
        "early_results": "marginal", "ogp_values": ["access_to_information", "civic_participation"],
        "narrative_az": "Səhifələr açılıb.", "narrative_en": "Pages opened.",
        "indicator": indicator.pk, "proposal": proposal.pk, "url": "https://example.org/page", "url_title_az": "Səhifə",
    })

    assessment = LocalAssessment.objects.get()
    assert response.status_code == 302 and response["Location"] == assessment.get_absolute_url()
    assert (assessment.status, assessment.assessed_by, assessment.assessed_by_user) == ("draft", coordinator.organization, coordinator)
    assert (assessment.potential, assessment.early_results) == ("modest", "marginal")
    assert assessment.ogp_values == ["access_to_information", "civic_participation"]
    assert [link.kind for link in assessment.evidence.all()] == ["indicator", "proposal", "url"]


def test_potential_is_offered_and_checked_on_the_scale_of_the_plans_years(client_for, coordinator, guba, draft):
    old_plan = ActionPlanFactory(start_year=2016, end_year=2018)
    old = ActivityFactory(area=AreaFactory(plan=old_plan))
    response = client_for(coordinator).get(reverse("plans:assess", args=[old_plan.slug, old.number]))
    assert [value for value, _label in response.context["form"].fields["potential"].choices] == [
        "", "none", "minor", "moderate", "transformative",
    ]
    draft.potential = "moderate"  # the older scale, on a 2020 plan
    with pytest.raises(ValidationError) as error:
        assessments.save_assessment(draft, None)
    assert "potential" in error.value.message_dict


def test_the_form_keeps_what_was_typed_and_shows_the_error_at_its_field(client_for, coordinator, activity, guba):
    municipality = MunicipalityFactory(community__district=DistrictFactory(code="AZ-XAC"))
    response = client_for(coordinator).post(reverse("plans:assess", args=[activity.plan.slug, activity.number]), {
        "district": guba.pk, "municipality": municipality.pk, "assessed_on": "2022-07-31", "completion": "limited",
        "narrative_az": "Mənim yazdığım uzun mətn", "url": "https://example.org/x",
    })
    form = response.context["form"]
    assert set(form.errors) == {"district", "url_title_az"}
    assert "Mənim yazdığım uzun mətn" in response.text and 'value="https://example.org/x"' in response.text
    assert 'id="id_url_title_az_error"' in response.text
    assert not LocalAssessment.objects.exists()


def test_a_local_target_is_assessed_in_its_own_place(client_for, coordinator, activity, guba):
    target = LocalTargetFactory(activity=activity, district=guba)
    page = reverse("plans:assess", args=[activity.plan.slug, activity.number]) + f"?target={target.code}"
    client = client_for(coordinator)
    assert "district" not in client.get(page).context["form"].fields
    client.post(page, {"assessed_on": "2022-07-31", "completion": "limited"})
    assessment = LocalAssessment.objects.get()
    assert (assessment.target, assessment.district, assessment.subject_code) == (target, guba, "5.1.QBA-1")


def test_editing_a_reviewed_assessment_says_it_returns_to_draft_and_does(client_for, coordinator, draft):
    assessments.transition(draft, "review", coordinator)
    client = client_for(coordinator)
    with translation.override("en"):
        page = reverse("plans:assessment_edit", args=[draft.pk])
    response = client.get(page)
    assert "Saving a change sends it back to draft" in response.text
    client.post(page, {"district": draft.district_id, "assessed_on": "2022-08-01", "completion": "complete"})
    draft.refresh_from_db()
    assert (draft.status, draft.completion, draft.assessed_on) == ("draft", "complete", dt.date(2022, 8, 1))


# --- The pages and who may use them ------------------------------------------------------------------


def test_a_draft_is_seen_only_by_those_who_may_edit_it(client, client_for, draft, coordinator, coordinator_b, administrator, enumerator):
    page = draft.get_absolute_url()
    assert client.get(page).status_code == 404
    assert client_for(coordinator_b).get(page).status_code == 404
    assert client_for(enumerator).get(page).status_code == 404
    assert client_for(coordinator).get(page).status_code == 200
    assert client_for(administrator).get(page).status_code == 200
    activity_page = f"/az/plans/{draft.activity.plan.slug}/activities/5.1/"
    assert "Qaralama mətni" not in client.get(activity_page).text
    assert "Qaralama mətni" not in client_for(coordinator_b).get(activity_page).text
    response = client_for(coordinator).get(activity_page)
    assert [a.pk for a in response.context["unpublished"]] == [draft.pk]
    assert reverse("plans:assessment_edit", args=[draft.pk]) in response.text


def test_once_published_everyone_sees_it_but_only_its_organisation_changes_it(client, client_for, draft, coordinator, coordinator_b):
    published(draft, coordinator)
    assert client.get(draft.get_absolute_url()).status_code == 200
    other = client_for(coordinator_b)
    assert other.get(draft.get_absolute_url()).status_code == 200
    assert other.get(reverse("plans:assessment_edit", args=[draft.pk])).status_code == 403
    assert other.post(reverse("plans:assessment_transition", args=[draft.pk, "withdraw"])).status_code == 403
    response = client_for(coordinator).get(reverse("plans:assessment_edit", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()


def test_review_steps_are_posted_and_say_what_happened(client_for, client, coordinator, draft):
    def step(action):
        with translation.override("en"):
            return reverse("plans:assessment_transition", args=[draft.pk, action])

    steps = client_for(coordinator)
    assert steps.get(step("review")).status_code == 405
    assert client.post(step("review")).status_code == 404  # a draft is not revealed, to anonymous visitors either
    assert "Only a reviewed assessment can be published" in text_of(steps.post(step("publish"), follow=True))
    assert "The assessment is marked reviewed" in text_of(steps.post(step("review"), follow=True))
    assert "The assessment is published" in text_of(steps.post(step("publish"), follow=True))
    draft.refresh_from_db()
    assert draft.is_published
    assert client.post(step("withdraw"))["Location"].startswith("/en/accounts/login/")  # public now: log in first
    assert steps.post(step("nonsense")).status_code == 404


def test_only_those_who_may_assess_open_the_form_and_the_work_list(client, client_for, enumerator, municipality_editor, activity):
    page = reverse("plans:assess", args=[activity.plan.slug, activity.number])
    assert client.get(page).status_code == 302
    for user in (enumerator, municipality_editor):
        assert client_for(user).get(page).status_code == 403
        assert client_for(user).get(reverse("plans:assessments")).status_code == 403
    assert client.get(reverse("plans:assessments")).status_code == 302


def test_the_work_list_shows_the_organisations_own_drafts_first_and_filters(
    client_for, coordinator, coordinator_b, activity, guba, ngo_a, ngo_b, django_assert_max_num_queries,
):
    mine = [LocalAssessmentFactory(activity=activity, district=guba, assessed_by=ngo_a, assessed_on=dt.date(2022, 1, day))
            for day in range(1, 6)]
    published(mine[0], coordinator)
    theirs = LocalAssessmentFactory(activity=activity, district=guba, assessed_by=ngo_b)
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("plans:assessments"))
    shown = list(response.context["page_obj"].object_list)
    assert theirs not in shown and len(shown) == 5
    assert shown[-1] == mine[0]  # published after the drafts
    response = client.get(reverse("plans:assessments"), {"status": "published", "plan": activity.plan.slug})
    assert list(response.context["page_obj"].object_list) == [mine[0]]
    assert [a.pk for a in client_for(coordinator_b).get(reverse("plans:assessments")).context["page_obj"]] == [theirs.pk]


def test_the_admin_lists_another_organisations_drafts_to_nobody_but_administrators(client_for, coordinator_b, draft):
    coordinator_b.is_staff = True
    coordinator_b.save()
    response = client_for(coordinator_b).get(reverse("admin:plans_localassessment_changelist"))
    assert response.status_code == 200 and draft not in response.context["cl"].result_list


def test_a_published_assessment_is_read_only_in_the_admin(client_for, administrator, draft, coordinator):
    published(draft, coordinator)
    response = client_for(administrator).get(reverse("admin:plans_localassessment_change", args=[draft.pk]))
    assert response.status_code == 200 and not response.context["has_change_permission"]


def test_each_change_is_in_the_audit_log_with_the_assessing_organisation(draft, coordinator, ngo_a):
    assessments.transition(draft, "review", coordinator)
    entries = LogEntry.objects.get_for_object(draft)
    assert entries.count() == 2
    assert {entry.additional_data["organization_id"] for entry in entries} == {ngo_a.pk}
    assessments.save_assessment(draft, coordinator, evidence=[{"url": "/az/", "title_az": "Ana səhifə"}])
    link = AssessmentEvidence.objects.get()
    assert LogEntry.objects.get_for_object(link).get().additional_data["assessment_id"] == draft.pk


def test_indicators_of_studies_the_assessor_may_not_see_are_not_offered(coordinator, activity, indicator, ngo_b):
    hidden = StudyFactory(organization=ngo_b, status=Study.Status.PLANNED, slug="hidden-b")
    Indicator.objects.create(study=hidden, code="secret", title_az="Gizli", nap_activity=activity)
    candidates = assessments.evidence_candidates(coordinator, activity)["indicator"]
    assert candidates.linked == [indicator] and candidates.others == []


def test_the_status_is_draft_whatever_a_person_sends(draft, coordinator):
    new = LocalAssessment(activity=draft.activity, assessed_on=dt.date(2022, 9, 1), completion=Completion.LIMITED,
                          assessed_by=draft.assessed_by, status=AssessmentStatus.PUBLISHED)
    assessments.save_assessment(new, coordinator)
    assert (new.status, new.is_published) == ("draft", False)


@pytest.mark.parametrize("language", ["az", "en"])
def test_the_assessment_pages_work_in_both_languages(client_for, coordinator, draft, indicator, language):
    client = client_for(coordinator)
    with translation.override(language):
        pages = [
            reverse("plans:assess", args=[draft.activity.plan.slug, draft.activity.number]),
            reverse("plans:assessment_edit", args=[draft.pk]),
            draft.get_absolute_url(),
            reverse("plans:assessments"),
        ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'<html lang="{language}"' in response.text


def test_the_activity_pages_queries_do_not_grow_with_assessments_and_their_evidence(
    client, coordinator, activity, guba, ngo_a, indicator, django_assert_max_num_queries, settings,
):
    settings.PUBLIC_CACHE_SECONDS = 0
    url = f"/en/plans/{activity.plan.slug}/activities/5.1/"

    def assess_on(day):
        assessment = LocalAssessmentFactory(activity=activity, district=guba, assessed_by=ngo_a, assessed_on=day)
        assessments.save_assessment(assessment, coordinator, evidence=[
            {"indicator": indicator}, {"proposal": ProposalFactory()}, {"event": EventFactory()},
            {"url": "/az/", "title_az": "Ana səhifə"},
        ])
        published(assessment, coordinator)

    assess_on(dt.date(2022, 1, 1))
    with django_assert_max_num_queries(60) as before:
        client.get(url)
    for day in range(2, 7):
        assess_on(dt.date(2022, 1, day))
    with django_assert_max_num_queries(60) as after:
        response = client.get(url)
    assert len(response.context["history"]) == 6
    assert len(after.captured_queries) == len(before.captured_queries)
