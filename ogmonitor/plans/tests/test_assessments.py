"""Local monitoring status of NAP activities: the model's rules, the plan and activity pages and
the admin where staff record assessments. (The demo's assessments are tested with the demo, in
``ogmonitor/demo/tests/test_demo_monitoring.py``.)"""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ogmonitor.places.factories import DistrictFactory, MunicipalityFactory, OrganizationFactory
from ogmonitor.plans import assessments
from ogmonitor.plans.factories import ActivityFactory
from ogmonitor.plans.models import (
    AssessmentEvidence,
    AssessmentStatus,
    Completion,
    LocalAssessment,
    validate_evidence_url,
)

pytestmark = pytest.mark.django_db


def assess(activity, on, completion, *, district=None, municipality=None, published=True, by=None, evidence=(), **fields):
    """An assessment saved through the service by the system, as the demo saves them (published
    or a draft)."""
    assessment = LocalAssessment(
        activity=activity, district=district, municipality=municipality, assessed_on=on, completion=completion,
        assessed_by=by or OrganizationFactory(name_az="Ümid", name_en="Umid"),
        status=AssessmentStatus.PUBLISHED if published else AssessmentStatus.DRAFT,
        narrative_az=fields.pop("narrative_az", f"{completion} {on}"), narrative_en=fields.pop("narrative_en", f"{completion} {on}"),
        **fields,
    )
    links = [{"url": url, "title_az": title, "title_en": title} for url, title in evidence]
    return assessments.save_assessment(assessment, evidence=links)


@pytest.fixture
def guba():
    return DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")


@pytest.fixture
def khachmaz():
    return DistrictFactory(code="AZ-XAC", name_az="Xaçmaz", name_en="Khachmaz")


@pytest.fixture
def activity():
    return ActivityFactory(number="5.1", title_az="Bələdiyyələrin sosial şəbəkə səhifələri", title_en="Municipal social-media pages",
                           involves_municipalities=True)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- The model -----------------------------------------------------------------------------------


def test_the_completion_scale_is_the_irms_in_its_order():
    from django.utils import translation

    with translation.override("en"):
        assert [str(label) for _value, label in Completion.choices] == [
            "no evidence available", "not started", "limited", "substantial", "complete",
        ]


@pytest.mark.parametrize("url", ["/az/findings/local-2022/", "https://example.org/report.pdf", "http://example.org/"])
def test_evidence_may_be_a_page_of_this_site_or_a_web_address(url):
    validate_evidence_url(url)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/", "ftp://example.org/", "findings/local-2022/"])
def test_evidence_links_that_are_neither_are_refused(url):
    with pytest.raises(ValidationError):
        validate_evidence_url(url)


def test_a_municipality_brings_its_district(activity, guba):
    municipality = MunicipalityFactory(community__district=guba)
    assessment = assess(activity, dt.date(2022, 7, 31), Completion.LIMITED, municipality=municipality)
    assert assessment.district == guba
    assert assessment.place_label == f"Quba: {municipality.name_az}"


def test_an_assessment_refuses_a_municipality_of_another_district_or_a_non_municipality(activity, guba, khachmaz):
    with pytest.raises(ValidationError) as error:
        assess(activity, dt.date(2022, 7, 31), Completion.LIMITED, district=guba,
               municipality=MunicipalityFactory(community__district=khachmaz))
    assert "district" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        assess(activity, dt.date(2022, 7, 31), Completion.LIMITED, municipality=OrganizationFactory())
    assert "municipality" in error.value.message_dict
    assert not LocalAssessment.objects.exists()


def test_saving_records_who_entered_it_and_replaces_the_evidence(activity, guba, coordinator):
    assessment = LocalAssessment(activity=activity, district=guba, assessed_on=dt.date(2022, 6, 30),
                                 completion=Completion.LIMITED, assessed_by=coordinator.organization)
    assessments.save_assessment(assessment, coordinator, evidence=[{"url": "/az/findings/x/", "title_az": "A", "title_en": "A"}])
    assessments.save_assessment(assessment, evidence=[
        {"url": "https://example.org/b", "title_az": "B", "title_en": "B"}, {"url": "/az/c/", "title_az": "C", "title_en": "C"},
    ])
    assessment.refresh_from_db()
    assert assessment.assessed_by_user == coordinator
    assert [link.title for link in assessment.evidence.all()] == ["B", "C"]


def test_a_bad_evidence_link_saves_nothing(activity, guba):
    with pytest.raises(ValidationError):
        assess(activity, dt.date(2022, 6, 30), Completion.LIMITED, district=guba, evidence=[("javascript:alert(1)", "x")])
    assert not LocalAssessment.objects.exists() and not AssessmentEvidence.objects.exists()


def test_latest_per_place_keeps_the_newest_of_each_activity_and_place(activity, guba, khachmaz):
    assess(activity, dt.date(2021, 12, 15), Completion.NOT_STARTED, district=guba)
    newest_guba = assess(activity, dt.date(2022, 7, 31), Completion.SUBSTANTIAL, district=guba)
    only_khachmaz = assess(activity, dt.date(2022, 1, 10), Completion.LIMITED, district=khachmaz)
    general = assess(activity, dt.date(2020, 5, 1), Completion.NO_EVIDENCE)
    latest = LocalAssessment.objects.latest_per_place()
    assert set(latest) == {newest_guba, only_khachmaz, general}


def test_publishing_and_returning_to_draft_count_only_the_changed(activity, guba):
    draft = assess(activity, dt.date(2022, 7, 31), Completion.LIMITED, district=guba, published=False)
    assess(activity, dt.date(2022, 6, 30), Completion.LIMITED, district=guba)
    assert assessments.set_published(LocalAssessment.objects.all(), True) == 1
    draft.refresh_from_db()
    assert draft.is_published
    assert assessments.set_published(LocalAssessment.objects.filter(pk=draft.pk), False) == 1


# --- The plan and activity pages --------------------------------------------------------------------


def test_the_plan_page_shows_each_activitys_latest_published_status_with_its_evidence(client, activity, guba):
    assess(activity, dt.date(2021, 12, 15), Completion.NOT_STARTED, district=guba, narrative_en="older")
    assess(activity, dt.date(2022, 7, 31), Completion.SUBSTANTIAL, district=guba,
           evidence=[("/en/findings/local-2022/", "2022 survey results")])
    assess(activity, dt.date(2022, 9, 1), Completion.COMPLETE, district=guba, published=False)

    response = client.get(f"/en/plans/{activity.plan.slug}/")

    statuses = response.context["areas"][0].shown_activities[0].local_status
    assert [(status.assessed_on, status.completion) for status in statuses] == [(dt.date(2022, 7, 31), "substantial")]
    text = text_of(response)
    assert "Guba: Completion: Substantial assessed on July 31, 2022 by Umid" in text
    assert '<a href="/en/findings/local-2022/">2022 survey results</a>' in response.text
    assert "Complete" not in text.replace("complete.", "")  # the draft's level is nowhere (the scale's help text aside)
    assert "Not started" not in text


def test_the_plan_page_shows_one_status_per_district_when_an_activity_is_assessed_in_several(client, activity, guba, khachmaz):
    assess(activity, dt.date(2022, 6, 30), Completion.LIMITED, district=khachmaz)
    assess(activity, dt.date(2022, 7, 31), Completion.COMPLETE, district=guba)

    response = client.get(f"/en/plans/{activity.plan.slug}/")

    text = text_of(response)
    assert "Guba: Completion: Complete" in text and "Khachmaz: Completion: Limited" in text
    assert text.index("Guba:") < text.index("Khachmaz:")  # by district code: AZ-QBA before AZ-XAC
    assert [(item.completion, item.count) for item in response.context["completion_counts"]] == [("limited", 1), ("complete", 1)]
    assert response.context["assessed_count"] == 1


def test_an_activity_with_only_a_draft_assessment_shows_no_status(client, activity, guba):
    assess(activity, dt.date(2022, 7, 31), Completion.COMPLETE, district=guba, published=False)
    response = client.get(f"/en/plans/{activity.plan.slug}/")
    assert response.context["areas"][0].shown_activities[0].local_status == []
    assert "No local assessment of these activities has been published yet." in response.text


def test_the_plan_pages_queries_do_not_grow_with_assessments(client, activity, guba, khachmaz, django_assert_max_num_queries, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    assess(activity, dt.date(2022, 6, 30), Completion.LIMITED, district=guba, evidence=[("/az/a/", "a")])
    url = f"/en/plans/{activity.plan.slug}/"
    with django_assert_max_num_queries(9) as before:
        client.get(url)
    for number in range(2, 8):
        other = ActivityFactory(area=activity.area, involves_municipalities=True)
        assess(other, dt.date(2022, 6, number), Completion.COMPLETE, district=khachmaz, evidence=[("/az/b/", "b"), ("/az/c/", "c")])
        assess(other, dt.date(2021, 6, number), Completion.LIMITED, district=khachmaz)
    with django_assert_max_num_queries(9) as after:
        response = client.get(url)
    assert response.context["assessed_count"] == 7
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_activity_page_shows_the_published_history_newest_first(client, activity, guba, khachmaz):
    assess(activity, dt.date(2021, 12, 15), Completion.NOT_STARTED, district=guba, narrative_en="Nothing yet.")
    assess(activity, dt.date(2022, 7, 31), Completion.SUBSTANTIAL, district=guba, narrative_en="Budget published.",
           evidence=[("https://example.org/page", "The municipality's page")])
    assess(activity, dt.date(2022, 6, 30), Completion.LIMITED, district=khachmaz, narrative_en="Only announcements.")
    assess(activity, dt.date(2022, 9, 1), Completion.COMPLETE, district=guba, published=False, narrative_en="Draft text.")

    response = client.get(f"/en/plans/{activity.plan.slug}/activities/5.1/")

    assert [(a.assessed_on, a.completion) for a in response.context["history"]] == [
        (dt.date(2022, 7, 31), "substantial"), (dt.date(2022, 6, 30), "limited"), (dt.date(2021, 12, 15), "not_started"),
    ]
    text = text_of(response)
    assert text.index("Budget published.") < text.index("Only announcements.") < text.index("Nothing yet.")
    assert "Draft text." not in text
    assert '<a href="https://example.org/page">The municipality&#x27;s page</a>' in response.text


def test_the_activity_page_is_in_azerbaijani_by_default(client, activity, guba):
    assess(activity, dt.date(2022, 7, 31), Completion.SUBSTANTIAL, district=guba, narrative_az="Büdcə dərc olunub.")
    response = client.get(f"/az/plans/{activity.plan.slug}/activities/5.1/")
    assert "Büdcə dərc olunub." in response.text and "Quba" in response.text


# --- The admin ----------------------------------------------------------------------------------------


def test_staff_record_an_assessment_with_its_evidence_in_the_admin(client_for, administrator, activity, guba, ngo_a):
    client = client_for(administrator)
    response = client.post(reverse("admin:plans_localassessment_add"), {
        "activity": activity.pk, "district": guba.pk, "municipality": "", "assessed_on": "2022-07-31",
        "completion": "substantial", "narrative_az": "Büdcə dərc olunub.", "narrative_en": "The budget is published.",
        "assessed_by": ngo_a.pk,
        "evidence-TOTAL_FORMS": "1", "evidence-INITIAL_FORMS": "0", "evidence-MIN_NUM_FORMS": "0", "evidence-MAX_NUM_FORMS": "1000",
        "evidence-0-url": "/az/findings/local-2022/", "evidence-0-title_az": "2022-ci il nəticələri",
        "evidence-0-title_en": "2022 results", "evidence-0-position": "0",
    })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assessment = LocalAssessment.objects.get()
    assert (assessment.assessed_by, assessment.assessed_by_user, assessment.is_published) == (ngo_a, administrator, False)
    assert [(link.url, link.title_en) for link in assessment.evidence.all()] == [("/az/findings/local-2022/", "2022 results")]

    changelist = reverse("admin:plans_localassessment_changelist")
    client.post(changelist, {"action": "publish", "_selected_action": [assessment.pk]})
    assessment.refresh_from_db()
    assert assessment.status == "draft"  # a draft is reviewed before it is published
    client.post(changelist, {"action": "mark_reviewed", "_selected_action": [assessment.pk]})
    client.post(changelist, {"action": "publish", "_selected_action": [assessment.pk]})
    assessment.refresh_from_db()
    assert (assessment.status, assessment.is_published, assessment.reviewed_by) == ("published", True, administrator)


def test_the_admin_form_offers_the_assessors_own_organisation(client_for, coordinator):
    coordinator.is_staff = True  # given access to the admin (coordinators have the plans permissions)
    coordinator.save()
    response = client_for(coordinator).get(reverse("admin:plans_localassessment_add"))
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["assessed_by"] == coordinator.organization_id


def test_an_enumerator_may_not_record_assessments(client_for, enumerator):
    response = client_for(enumerator).get(reverse("admin:plans_localassessment_add"))
    assert response.status_code in (302, 403)

