"""Respondents' privacy: who sees an identity (pages, entry form, admin, API), erasing it while the
answers and the findings stay, and the marks of free-text questions."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from ogmonitor.findings.models import IndicatorResult
from ogmonitor.findings.services import compute_study
from ogmonitor.surveys import privacy, submissions
from ogmonitor.surveys.factories import QuestionnaireFactory
from ogmonitor.surveys.models import (
    Answer,
    AnswerRevision,
    IdentityErasure,
    Question,
    Respondent,
    RespondentIdentity,
    Submission,
)

from . import privacy_world
from .privacy_world import ADDRESS, COMMENT, EMAIL, FREE_CODE, NAME, OTHER_NAME, PHONE, SUGGESTION

pytestmark = pytest.mark.django_db

TextUse = Question.TextUse
IDENTITY = (NAME, OTHER_NAME, PHONE, EMAIL)


@pytest.fixture
def world(ngo_a, coordinator, two_communities, enumerator):
    """The privacy study of NGO A; ``enumerator`` works on it and recorded ``world.other``."""
    return privacy_world.build(ngo_a, coordinator, two_communities, enumerator=enumerator)


def url(name, *args, language="az"):
    return f"/{language}" + reverse(name, args=args)[3:]


def text(response) -> str:
    return response.content.decode()


def staff(user):
    """The user with access to the admin site (what an administrator may grant a coordinator)."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def identities_of(study) -> set[str]:
    return set(RespondentIdentity.objects.filter(respondent__study=study).values_list("full_name", flat=True))


def text_answers(submission) -> dict[str, str]:
    return dict(submission.answers.filter(question__type=Question.Type.TEXT).values_list("question__name", "text"))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Who sees an identity --------------------------------------------------------------------------


def test_the_studys_coordinator_sees_the_name_on_the_review_page(client_for, coordinator, world):
    page = client_for(coordinator).get(url("surveys:review_detail", world.study.slug, world.named.uuid))
    assert page.status_code == 200
    assert NAME in text(page) and PHONE in text(page)


@pytest.mark.parametrize("who, expected", [
    ("enumerator", {"list": 200, "own": 200, "others": 403}),
    ("coordinator_b", {"list": 403, "own": 403, "others": 403}),
    ("municipality_editor", {"list": 403, "own": 403, "others": 403}),
    (None, {"list": 302, "own": 302, "others": 302}),
])
def test_no_one_else_sees_a_name_on_the_review_pages(request, client_for, world, who, expected):
    client = client_for(request.getfixturevalue(who) if who else None)
    pages = {
        "list": client.get(url("surveys:review_list", world.study.slug)),
        # The enumerator recorded ``other``; ``named`` was recorded by the coordinator.
        "own": client.get(url("surveys:review_detail", world.study.slug, world.other.uuid)),
        "others": client.get(url("surveys:review_detail", world.study.slug, world.named.uuid)),
    }
    assert {key: page.status_code for key, page in pages.items()} == expected
    for page in pages.values():
        assert not any(value in text(page) for value in IDENTITY)
    assert "privacy/" not in text(pages["list"])  # no way to the privacy page either


def test_the_entry_form_fills_in_the_name_for_the_coordinator_only(client_for, coordinator, enumerator, world):
    draft, _created = submissions.record_submission(
        world.questionnaire, uuid.uuid4(), {"aware": "yes"},
        {"community": world.study.communities.first(), "full_name": "Leyla Quliyeva", "phone": "+994 55 765 43 21"},
        source=Submission.Source.ENUMERATOR, user=enumerator, draft=True,
    )
    address = url("surveys:entry_edit", world.study.slug, draft.uuid)
    as_coordinator = client_for(coordinator).get(address)
    as_enumerator = client_for(enumerator).get(address)
    assert as_coordinator.status_code == as_enumerator.status_code == 200
    assert "Leyla Quliyeva" in text(as_coordinator) and "+994 55 765 43 21" in text(as_coordinator)
    assert "Leyla Quliyeva" not in text(as_enumerator) and "+994 55" not in text(as_enumerator)
    assert 'name="profile-full_name"' not in text(as_enumerator)


def test_the_identity_admin_lists_only_the_studies_the_user_coordinates(
    client_for, administrator, coordinator, coordinator_b, enumerator, municipality_editor, world,
):
    changelist = reverse("admin:surveys_respondentidentity_changelist")
    identity = RespondentIdentity.objects.get(full_name=NAME)
    change = reverse("admin:surveys_respondentidentity_change", args=[identity.pk])
    for user in (administrator, staff(coordinator)):
        client = client_for(user)
        assert NAME in text(client.get(changelist)) and OTHER_NAME in text(client.get(changelist))
        assert PHONE in text(client.get(change))

    other_ngo = client_for(staff(coordinator_b))
    listed = other_ngo.get(changelist)
    assert listed.status_code == 200 and NAME not in text(listed) and OTHER_NAME not in text(listed)
    opened = other_ngo.get(change, follow=True)
    assert NAME not in text(opened) and PHONE not in text(opened)
    assert other_ngo.post(change, {"full_name": "Dəyişdi", "phone": "", "email": ""}).status_code != 200
    identity.refresh_from_db()
    assert identity.full_name == NAME

    for user in (staff(enumerator), staff(municipality_editor)):
        assert client_for(user).get(changelist).status_code == 403
        assert client_for(user).get(change).status_code == 403


def test_deleting_an_identity_in_the_admin_erases_it_and_keeps_the_answers(client_for, administrator, world):
    identity = RespondentIdentity.objects.get(full_name=NAME)
    answers = world.named.answers.count()
    response = client_for(administrator).post(
        reverse("admin:surveys_respondentidentity_delete", args=[identity.pk]), {"post": "yes"},
    )
    assert response.status_code == 302
    assert identities_of(world.study) == {OTHER_NAME}
    assert world.named.answers.count() == answers
    assert text_answers(world.named)["address"] == ""
    erasure = IdentityErasure.objects.get()
    assert (erasure.scope, erasure.respondent, erasure.erased_by) == ("respondent", world.named.respondent, administrator)


def test_the_erasure_record_is_read_only_in_the_admin(client_for, administrator, coordinator, world):
    erasure = privacy.erase_identity(world.named.respondent, coordinator)
    client = client_for(administrator)
    assert client.get(reverse("admin:surveys_identityerasure_changelist")).status_code == 200
    change = reverse("admin:surveys_identityerasure_change", args=[erasure.pk])
    assert client.post(change, {"identities": 0}).status_code == 403
    assert client.post(reverse("admin:surveys_identityerasure_delete", args=[erasure.pk]), {"post": "yes"}).status_code == 403
    erasure.refresh_from_db()
    assert erasure.identities == 1


def test_the_api_never_returns_an_identity_and_refuses_one_from_an_enumerator(world, coordinator, enumerator):
    def post(user, name):
        token, _created = Token.objects.get_or_create(user=user)
        return Client(HTTP_AUTHORIZATION=f"Token {token.key}").post(
            f"/api/v1/studies/{world.study.slug}/submissions/",
            {"uuid": str(uuid.uuid4()), "answers": {"aware": "yes"},
             "respondent": {"community": world.study.communities.first().slug, "full_name": name}},
            content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
        )

    stored = post(coordinator, "Leyla Quliyeva")
    assert stored.status_code == 201, stored.content
    assert "Leyla" not in text(stored)  # recorded, never given back
    assert RespondentIdentity.objects.filter(full_name="Leyla Quliyeva").exists()

    refused = post(enumerator, "Nərmin Abbasova")
    assert refused.status_code == 400
    assert refused.json() == {"respondent": {"full_name": ["Only the study's coordinators may record who a respondent is."]}}
    assert not RespondentIdentity.objects.filter(full_name="Nərmin Abbasova").exists()


# --- Erasure -------------------------------------------------------------------------------------


def test_erasing_a_respondent_removes_who_they_are_and_keeps_what_they_answered(world, coordinator):
    respondent = world.named.respondent
    profile = (respondent.code, respondent.community_id, respondent.category_id, respondent.gender)
    answer_count = world.named.answers.count()

    erasure = privacy.erase_identity(respondent, coordinator)

    assert identities_of(world.study) == {OTHER_NAME}
    assert text_answers(world.named) == {"address": "", "comment": COMMENT, "suggestion": SUGGESTION}
    assert world.named.answers.count() == answer_count
    respondent.refresh_from_db()
    assert (respondent.code, respondent.community_id, respondent.category_id, respondent.gender) == profile
    assert Submission.objects.get(pk=world.named.pk).status == Submission.Status.SUBMITTED
    assert text_answers(world.other)["address"] == "Füzuli küçəsi 3"  # someone else's: untouched
    assert (erasure.study, erasure.scope, erasure.respondent, erasure.erased_by) == (
        world.study, IdentityErasure.Scope.RESPONDENT, respondent, coordinator,
    )
    assert (erasure.identities, erasure.codes, erasure.answers) == (1, 0, 1)


def test_a_code_taken_from_a_file_is_replaced_by_a_neutral_one(world, coordinator):
    respondent = world.coded.respondent
    assert respondent.code == FREE_CODE
    erasure = privacy.erase_identity(respondent, coordinator)
    respondent.refresh_from_db()
    assert respondent.code == f"anon-{respondent.pk}"
    assert erasure.codes == 1
    assert not Respondent.objects.filter(code=FREE_CODE).exists()


def test_corrections_keep_no_personal_answer_after_the_erasure(world, coordinator):
    submissions.correct_submission(
        world.named, {"address": "Xətai prospekti 8", "comment": "Düzəldilib"}, coordinator, "Respondent zəng etdi",
    )
    privacy.erase_identity(world.named.respondent, coordinator)
    revisions = {revision.question.name: (revision.old_value, revision.new_value)
                 for revision in AnswerRevision.objects.filter(submission=world.named)}
    assert revisions == {"address": ("", ""), "comment": (COMMENT, "Düzəldilib")}
    assert text_answers(world.named)["address"] == ""


def test_erasing_a_study_erases_every_identity_of_that_study_only(world, ngo_a, coordinator, two_communities):
    other_round = privacy_world.build(ngo_a, coordinator, two_communities, slug="other-round")

    erasure = privacy.erase_study_identities(world.study, coordinator)

    assert identities_of(world.study) == set()
    assert identities_of(other_round.study) == {NAME, OTHER_NAME}
    assert Answer.objects.filter(submission__study=world.study, question__name="address").exclude(text="").count() == 0
    assert text_answers(other_round.named)["address"] == ADDRESS
    assert Respondent.objects.get(pk=world.coded.respondent_id).code.startswith("anon-")
    assert Respondent.objects.get(pk=other_round.coded.respondent_id).code == FREE_CODE
    assert (erasure.scope, erasure.respondent, erasure.identities, erasure.codes, erasure.answers) == (
        IdentityErasure.Scope.STUDY, None, 2, 1, 2,
    )
    assert Submission.objects.filter(study=world.study).count() == 3


def test_only_those_who_may_see_identities_may_erase_them(world, administrator, coordinator_b, enumerator,
                                                         municipality_editor):
    for user in (coordinator_b, enumerator, municipality_editor):
        with pytest.raises(PermissionDenied):
            privacy.erase_identity(world.named.respondent, user)
        with pytest.raises(PermissionDenied):
            privacy.erase_study_identities(world.study, user)
    assert identities_of(world.study) == {NAME, OTHER_NAME}
    assert not IdentityErasure.objects.exists()
    assert privacy.erase_study_identities(world.study, administrator).identities == 2


def test_findings_are_the_same_before_and_after_the_erasure(world, coordinator):
    def figures():
        computation = compute_study(world.study)
        rows = IndicatorResult.objects.filter(indicator__study=world.study).values_list(
            "indicator__code", "dimension", "group_key", "numerator", "denominator", "percentage",
        )
        return computation.submission_count, computation.answer_count, sorted(rows, key=str)

    before = figures()
    privacy.erase_study_identities(world.study, coordinator)
    after = figures()
    assert before[0] == 3 and ("aware", "", "", 2, 3) in [row[:5] for row in before[2]]
    assert after == before


def test_a_question_marked_personal_in_one_version_is_personal_in_every_version(world, coordinator):
    version_2 = QuestionnaireFactory(study=world.study, form=privacy_world.FORM)
    assert version_2.questions.get(name="address").text_use == TextUse.INTERNAL  # a new version starts unmarked
    later = privacy_world.record(version_2, coordinator, world.study.communities.first(),
                                 {"aware": "no", "address": "Səməd Vurğun küçəsi 21"}, full_name="Orxan Nəbiyev")
    marks = {question.name: question.text_use for question in privacy.text_question_uses(world.study)}
    assert marks == {"address": TextUse.PERSONAL, "comment": TextUse.INTERNAL, "suggestion": TextUse.INTERNAL}

    privacy.erase_identity(later.respondent, coordinator)
    assert text_answers(later)["address"] == ""


# --- Free text -----------------------------------------------------------------------------------


def test_only_counted_answers_to_publishable_questions_of_published_studies_may_be_published(world, coordinator):
    def published():
        return list(privacy.publishable_text_answers(world.study).values_list("text", flat=True))

    assert published() == []  # the study is still collecting
    world.study.status = "published"
    world.study.save()
    assert published() == [SUGGESTION]
    submissions.reject_submission(world.named, coordinator, "Təkrar")
    assert published() == []


def test_a_question_publishable_in_one_version_but_personal_in_another_is_not_published(world, coordinator):
    world.study.status = "published"
    world.study.save()
    version_2 = QuestionnaireFactory(study=world.study, form=privacy_world.FORM)
    version_2.questions.filter(name="suggestion").update(text_use=TextUse.PERSONAL)
    assert not privacy.publishable_text_answers(world.study).exists()


def test_text_uses_are_set_by_name_in_every_version_by_the_studys_coordinators(world, coordinator, coordinator_b):
    QuestionnaireFactory(study=world.study, form=privacy_world.FORM)
    # Both names change: "address" was personal in version 1 only, a new version starting unmarked.
    assert privacy.set_text_uses(world.study, {"comment": TextUse.PUBLISHABLE, "address": TextUse.PERSONAL}, coordinator) == 2
    assert privacy.set_text_uses(world.study, {"address": TextUse.PERSONAL}, coordinator) == 0
    assert list(Question.objects.filter(questionnaire__study=world.study, name="comment").values_list("text_use", flat=True)) == [
        TextUse.PUBLISHABLE, TextUse.PUBLISHABLE,
    ]
    with pytest.raises(PermissionDenied):
        privacy.set_text_uses(world.study, {"comment": TextUse.INTERNAL}, coordinator_b)
    with pytest.raises(ValueError):
        privacy.set_text_uses(world.study, {"comment": "public"}, coordinator)


def test_the_text_use_edited_in_the_admin_applies_to_every_version(client_for, administrator, world):
    version_2 = QuestionnaireFactory(study=world.study, form=privacy_world.FORM)
    question = version_2.questions.get(name="comment")
    response = client_for(administrator).post(
        reverse("admin:surveys_question_change", args=[question.pk]), {"text_use": TextUse.PUBLISHABLE},
    )
    assert response.status_code == 302
    assert set(Question.objects.filter(questionnaire__study=world.study, name="comment").values_list("text_use", flat=True)) == {
        TextUse.PUBLISHABLE,
    }


def test_the_text_question_admin_shows_only_the_users_studies(client_for, coordinator, coordinator_b, world):
    question = world.questionnaire.questions.get(name="comment")
    changelist = reverse("admin:surveys_question_changelist")
    own = client_for(staff(coordinator))
    assert "Şərhiniz" in text(own.get(changelist)) or "Your comment" in text(own.get(changelist))
    other = client_for(staff(coordinator_b))
    listed = text(other.get(changelist))
    assert "Şərhiniz" not in listed and "Your comment" not in listed and world.study.title not in listed
    other.post(reverse("admin:surveys_question_change", args=[question.pk]), {"text_use": TextUse.PUBLISHABLE})
    question.refresh_from_db()
    assert question.text_use == TextUse.INTERNAL


# --- The pages -----------------------------------------------------------------------------------


def test_the_coordinator_erases_a_respondent_after_confirming(client_for, coordinator, world):
    client = client_for(coordinator)
    address = url("surveys:erase_respondent", world.study.slug, world.named.uuid, language="en")
    confirm = client.get(address)
    assert confirm.status_code == 200
    assert NAME in text(confirm) and EMAIL in text(confirm) and "1 answer to a personal question will be blanked" in text(confirm)
    assert identities_of(world.study) == {NAME, OTHER_NAME}  # looking changes nothing

    done = client.post(address, follow=True)
    assert done.redirect_chain[-1][0] == url("surveys:review_detail", world.study.slug, world.named.uuid, language="en")
    assert messages_of(done) == ["The respondent’s identity was erased; the answers are kept."]
    assert NAME not in text(done)
    assert identities_of(world.study) == {OTHER_NAME}


def test_the_review_pages_lead_the_coordinator_to_the_erasure(client_for, coordinator, world):
    client = client_for(coordinator)
    listed = text(client.get(url("surveys:review_list", world.study.slug)))
    detail = text(client.get(url("surveys:review_detail", world.study.slug, world.named.uuid)))
    assert url("surveys:study_privacy", world.study.slug) in listed
    assert url("surveys:erase_respondent", world.study.slug, world.named.uuid) in detail


@pytest.mark.parametrize("who", ["enumerator", "coordinator_b", "municipality_editor", None])
def test_no_one_else_reaches_the_privacy_pages(request, client_for, world, who):
    client = client_for(request.getfixturevalue(who) if who else None)
    slug = world.study.slug
    responses = [
        client.get(url("surveys:erase_respondent", slug, world.other.uuid)),
        client.post(url("surveys:erase_respondent", slug, world.other.uuid)),
        client.get(url("surveys:study_privacy", slug)),
        client.post(url("surveys:study_privacy", slug), {"use-comment": TextUse.PUBLISHABLE}),
        client.post(url("surveys:erase_study", slug), {"erase-slug": slug}),
    ]
    expected = {302} if who is None else {403, 404}
    assert {response.status_code for response in responses} <= expected
    assert all(not any(value in text(response) for value in IDENTITY) for response in responses)
    assert identities_of(world.study) == {NAME, OTHER_NAME}
    assert world.questionnaire.questions.get(name="comment").text_use == TextUse.INTERNAL


def test_the_whole_study_is_erased_only_once_its_slug_is_typed(client_for, coordinator, world):
    client = client_for(coordinator)
    page = client.get(url("surveys:study_privacy", world.study.slug, language="en"))
    assert page.status_code == 200
    assert "2 respondents have a name, phone or e-mail recorded." in text(page)
    assert "1 respondent code comes from a file." in text(page)

    wrong = client.post(url("surveys:erase_study", world.study.slug, language="en"), {"erase-slug": "privacy"})
    assert wrong.status_code == 200
    assert "“privacy” is not this study’s slug: type “privacy-round”." in text(wrong)
    assert identities_of(world.study) == {NAME, OTHER_NAME}

    done = client.post(url("surveys:erase_study", world.study.slug, language="en"),
                       {"erase-slug": world.study.slug}, follow=True)
    assert messages_of(done) == ["2 identities were erased; every answer is kept."]
    assert identities_of(world.study) == set()
    assert "0 respondents have a name, phone or e-mail recorded." in text(done)
    assert "every respondent of the study" in text(done)  # the erasure is listed


def test_the_erasure_is_refused_without_a_csrf_token(coordinator, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(url("surveys:erase_study", world.study.slug), {"erase-slug": world.study.slug})
    assert response.status_code == 403
    assert identities_of(world.study) == {NAME, OTHER_NAME}


def test_the_privacy_page_marks_the_text_questions(client_for, coordinator, world):
    client = client_for(coordinator)
    page = text(client.get(url("surveys:study_privacy", world.study.slug)))
    assert "Ünvanınız" in page and "Təklifiniz" in page
    address = url("surveys:study_privacy", world.study.slug, language="en")

    refused = client.post(address, {"use-address": "public", "use-comment": "internal", "use-suggestion": "internal"})
    assert refused.status_code == 200 and "Select a valid choice." in text(refused)

    saved = client.post(address, {"use-address": "personal", "use-comment": "publishable",
                                  "use-suggestion": "internal"}, follow=True)
    assert messages_of(saved) == ["The use of 2 text questions was changed."]
    marks = dict(world.questionnaire.questions.filter(type="text").values_list("name", "text_use"))
    assert marks == {"address": TextUse.PERSONAL, "comment": TextUse.PUBLISHABLE, "suggestion": TextUse.INTERNAL}
