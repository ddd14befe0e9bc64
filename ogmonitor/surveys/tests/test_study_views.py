"""Study pages: who may see, create, edit and upload, and what the pages show."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from ogmonitor.places.factories import CommunityFactory
from ogmonitor.plans.factories import ActionPlanFactory, ActivityFactory, AreaFactory
from ogmonitor.surveys.factories import (
    SAMPLE_CHOICES,
    SAMPLE_FORM,
    SAMPLE_SETTINGS,
    SAMPLE_SURVEY,
    QuestionnaireFactory,
    StudyFactory,
    StudyMemberFactory,
    make_xlsform,
)
from ogmonitor.surveys.models import Choice, Question, Questionnaire, Study, StudyMember


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def study_a(ngo_a, two_communities):
    """NGO A's study, published, with the plan links SAMPLE_FORM refers to."""
    study = StudyFactory(organization=ngo_a, slug="guba-2024", title_en="Guba 2024", communities=two_communities)
    area = AreaFactory(plan=study.plan, number=1)
    ActivityFactory(area=area, number="1.1")
    return study


@pytest.fixture
def draft_a(ngo_a):
    return StudyFactory(organization=ngo_a, slug="draft-a", title_en="Draft of NGO A", status=Study.Status.PLANNED)


def upload(client, study, data: bytes, name="form.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("surveys:questionnaire_upload", args=[study.slug]), {"file": file})


# --- Seeing ---------------------------------------------------------------------------------------


def test_anonymous_sees_published_studies_only(client, study_a, draft_a):
    page = client.get(reverse("surveys:list")).content.decode()
    assert "Guba 2024" in page
    assert "Draft of NGO A" not in page
    assert client.get(reverse("surveys:study", args=[study_a.slug])).status_code == 200
    assert client.get(reverse("surveys:study", args=[draft_a.slug])).status_code == 404


def test_coordinator_sees_own_drafts_but_not_another_ngos(client_for, coordinator, coordinator_b, draft_a):
    assert "Draft of NGO A" in client_for(coordinator).get(reverse("surveys:list")).content.decode()
    assert client_for(coordinator).get(reverse("surveys:study", args=[draft_a.slug])).status_code == 200
    assert "Draft of NGO A" not in client_for(coordinator_b).get(reverse("surveys:list")).content.decode()
    assert client_for(coordinator_b).get(reverse("surveys:study", args=[draft_a.slug])).status_code == 404


def test_enumerator_sees_a_draft_study_they_work_on(client_for, enumerator, draft_a):
    assert client_for(enumerator).get(reverse("surveys:study", args=[draft_a.slug])).status_code == 404
    StudyMemberFactory(study=draft_a, user=enumerator, role=StudyMember.Role.ENUMERATOR)
    assert client_for(enumerator).get(reverse("surveys:study", args=[draft_a.slug])).status_code == 200


def test_study_list_query_count_does_not_grow_with_studies(client, ngo_a, django_assert_max_num_queries):
    for _number in range(15):
        StudyFactory(organization=ngo_a)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("surveys:list")).status_code == 200


def test_study_detail_shows_facts_and_members_only_to_coordinators(client, client_for, coordinator, enumerator, study_a):
    StudyMemberFactory(study=study_a, user=enumerator, role=StudyMember.Role.ENUMERATOR, communities=study_a.communities.all())
    url = reverse("surveys:study", args=[study_a.slug])
    public = client.get(url).content.decode()
    assert study_a.plan.title in public
    assert "face-to-face" in public
    assert "enumerator" not in public
    managed = client_for(coordinator).get(url).content.decode()
    assert "enumerator" in managed
    assert reverse("surveys:questionnaire_upload", args=[study_a.slug]) in managed


# --- Creating and editing -------------------------------------------------------------------------


def study_data(plan, **changes):
    data = {
        "title_az": "Quba 2025", "title_en": "Guba 2025", "slug": "guba-2025", "plan": plan.pk,
        "period_start": "2025-03-01", "period_end": "2025-04-30", "channels": ["face_to_face", "phone"],
        "status": Study.Status.PLANNED,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", [None, "enumerator", "municipality_editor"])
def test_only_coordinators_may_create_studies(request, db, client_for, who):
    user = request.getfixturevalue(who) if who else None
    plan = ActionPlanFactory()
    url = reverse("surveys:study_create")
    response = client_for(user).post(url, study_data(plan))
    if user is None:
        assert response.status_code == 302 and "login" in response.url
    else:
        assert response.status_code == 403
        assert client_for(user).get(url).status_code == 403
    assert not Study.objects.exists()


def test_coordinator_creates_a_study_for_their_ngo(client_for, coordinator, two_communities):
    plan = ActionPlanFactory()
    area = AreaFactory(plan=plan)
    response = client_for(coordinator).post(
        reverse("surveys:study_create"),
        study_data(plan, communities=[c.pk for c in two_communities], areas=[area.pk]),
    )
    study = Study.objects.get(slug="guba-2025")
    assert response.status_code == 302 and response.url == study.get_absolute_url()
    assert study.organization == coordinator.organization
    assert (study.title_az, study.title_en) == ("Quba 2025", "Guba 2025")
    assert study.channels == ["face_to_face", "phone"]
    assert set(study.communities.all()) == set(two_communities)
    assert set(study.districts.all()) == {two_communities[0].district}
    assert list(study.areas.all()) == [area]


def test_study_form_keeps_what_was_typed_when_invalid(client_for, coordinator):
    plan = ActionPlanFactory()
    response = client_for(coordinator).post(
        reverse("surveys:study_create"), study_data(plan, period_end="2025-01-01", title_en="Kept title")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The fieldwork cannot end before it starts." in page
    assert 'value="Kept title"' in page
    assert 'value="Quba 2025"' in page
    assert not Study.objects.exists()


def test_coordinator_of_another_ngo_cannot_touch_the_study(client_for, coordinator_b, study_a, two_communities):
    client = client_for(coordinator_b)
    plan = study_a.plan
    for name in ("surveys:study_edit", "surveys:study_members", "surveys:questionnaire_upload"):
        assert client.get(reverse(name, args=[study_a.slug])).status_code == 403
    assert client.post(reverse("surveys:study_edit", args=[study_a.slug]), study_data(plan, slug=study_a.slug)).status_code == 403
    assert client.post(reverse("surveys:study_status", args=[study_a.slug]), {"status": "closed"}).status_code == 403
    assert upload(client, study_a, SAMPLE_FORM).status_code == 403
    study_a.refresh_from_db()
    assert study_a.title_en == "Guba 2024" and study_a.status == Study.Status.PUBLISHED
    assert not Questionnaire.objects.exists()


def test_enumerator_and_anonymous_cannot_upload(client, client_for, enumerator, study_a):
    assert upload(client_for(enumerator), study_a, SAMPLE_FORM).status_code == 403
    response = upload(client, study_a, SAMPLE_FORM)
    assert response.status_code == 302 and "login" in response.url
    assert not Questionnaire.objects.exists()


def test_coordinator_edits_the_study(client_for, coordinator, study_a):
    response = client_for(coordinator).post(
        reverse("surveys:study_edit", args=[study_a.slug]),
        study_data(study_a.plan, slug=study_a.slug, title_en="Guba, spring 2024", status="collecting"),
    )
    assert response.status_code == 302
    study_a.refresh_from_db()
    assert study_a.title_en == "Guba, spring 2024"
    assert study_a.status == Study.Status.COLLECTING


def test_administrator_may_manage_any_study_and_choose_the_ngo(client_for, administrator, study_a):
    client = client_for(administrator)
    page = client.get(reverse("surveys:study_edit", args=[study_a.slug])).content.decode()
    assert 'name="organization"' in page


def test_coordinator_changes_the_status(client_for, coordinator, study_a):
    response = client_for(coordinator).post(reverse("surveys:study_status", args=[study_a.slug]), {"status": "closed"})
    assert response.status_code == 302
    study_a.refresh_from_db()
    assert study_a.status == Study.Status.CLOSED


# --- Members --------------------------------------------------------------------------------------


def test_coordinator_assigns_an_enumerator_to_communities(client_for, coordinator, enumerator, study_a, two_communities):
    client = client_for(coordinator)
    response = client.post(
        reverse("surveys:study_members", args=[study_a.slug]),
        {"user": enumerator.pk, "role": "enumerator", "communities": [two_communities[0].pk]},
    )
    assert response.status_code == 302
    member = StudyMember.objects.get(study=study_a, user=enumerator)
    assert list(member.communities.all()) == [two_communities[0]]
    page = client.get(reverse("surveys:study_members", args=[study_a.slug])).content.decode()
    assert two_communities[0].name in page

    client.post(reverse("surveys:study_member_remove", args=[study_a.slug, member.pk]))
    assert not StudyMember.objects.filter(study=study_a).exists()


def test_enumerator_communities_must_be_the_studys(client_for, coordinator, enumerator, study_a):
    elsewhere = CommunityFactory()
    response = client_for(coordinator).post(
        reverse("surveys:study_members", args=[study_a.slug]),
        {"user": enumerator.pk, "role": "enumerator", "communities": [elsewhere.pk]},
    )
    assert response.status_code == 200
    assert not StudyMember.objects.exists()


def test_a_user_without_the_role_cannot_be_made_coordinator(client_for, coordinator, enumerator, study_a):
    response = client_for(coordinator).post(
        reverse("surveys:study_members", args=[study_a.slug]), {"user": enumerator.pk, "role": "coordinator"}
    )
    assert response.status_code == 200
    assert "does not have the coordinator role" in response.content.decode()


# --- Questionnaires -------------------------------------------------------------------------------


def test_coordinator_uploads_a_questionnaire(client_for, coordinator, study_a):
    response = upload(client_for(coordinator), study_a, SAMPLE_FORM)
    questionnaire = Questionnaire.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("surveys:questionnaire", args=[study_a.slug, 1])
    assert questionnaire.created_by == coordinator


def test_upload_with_problems_lists_them_located_and_saves_nothing(client_for, coordinator, study_a):
    rows = [dict(row) for row in SAMPLE_SURVEY]
    rows[4]["type"] = "integr"
    rows[7]["relevant"] = "${ghost} = 'x'"
    response = upload(client_for(coordinator), study_a, make_xlsform(rows, SAMPLE_CHOICES, SAMPLE_SETTINGS), "my form.xlsx")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The form has 2 problems" in page
    assert "row 6" in page and "row 9" in page
    assert "integr" in page and "${ghost}" in page
    assert "You chose my form.xlsx" in page
    assert (Questionnaire.objects.count(), Question.objects.count(), Choice.objects.count()) == (0, 0, 0)


def test_questionnaire_page_shows_questions_labels_logic_and_plan_links(client, study_a):
    QuestionnaireFactory(study=study_a, form=SAMPLE_FORM)
    url = reverse("surveys:questionnaire", args=[study_a.slug, 1])
    with translation.override("en"):
        page = client.get(url).content.decode()
    assert "Have you heard of the National Action Plan?" in page
    assert "Asked only if “Have you heard of the National Action Plan?” is “Yes”." in page
    assert "“Where did you hear of it?” includes “Other”" in page
    assert "Accepted only if the answer is at least 0 and the answer is at most 50." in page
    assert "activity 1.1" in page
    assert page.index("intro") < page.index("heard_from") < page.index("comment")
    with translation.override("az"):
        page = client.get(reverse("surveys:questionnaire", args=[study_a.slug, 1])).content.decode()
    assert "Milli Fəaliyyət Planı haqqında eşitmisinizmi?" in page


def test_questionnaire_of_a_draft_study_is_hidden_from_the_public(client, draft_a):
    QuestionnaireFactory(study=draft_a)
    assert client.get(reverse("surveys:questionnaire", args=[draft_a.slug, 1])).status_code == 404
    assert client.get(reverse("surveys:questionnaire_xlsform", args=[draft_a.slug, 1])).status_code == 404


def test_xlsform_download_is_an_xlsform(client, study_a):
    QuestionnaireFactory(study=study_a, form=SAMPLE_FORM)
    response = client.get(reverse("surveys:questionnaire_xlsform", args=[study_a.slug, 1]))
    assert response.status_code == 200
    assert 'filename="guba-2024-v1.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["survey", "choices", "settings"]


def test_admin_pages_open_and_questionnaires_are_read_only(admin_client, study_a):
    questionnaire = QuestionnaireFactory(study=study_a, form=SAMPLE_FORM)
    for url in (
        reverse("admin:surveys_study_changelist"),
        reverse("admin:surveys_study_add"),
        reverse("admin:surveys_study_change", args=[study_a.pk]),
        reverse("admin:surveys_questionnaire_changelist"),
        reverse("admin:surveys_respondentcategory_changelist"),
        reverse("admin:surveys_respondentcategory_add"),
    ):
        assert admin_client.get(url).status_code == 200, url
    page = admin_client.get(reverse("admin:surveys_questionnaire_change", args=[questionnaire.pk]))
    assert page.status_code == 200
    assert "heard_from" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()


def test_coordinators_of_other_ngos_are_not_offered_as_members(client_for, coordinator, coordinator_b, study_a):
    page = client_for(coordinator).get(reverse("surveys:study_members", args=[study_a.slug])).content.decode()
    assert coordinator.username in page
    assert coordinator_b.username not in page
