"""The results pages: who sees what, every figure's provenance, the coordinators' forms, query budgets.

The round is :class:`~.test_drafting.Round` (15 of 65 aware of the plan; a village and a
respondent category of three people each, so small cells to suppress), run by NGO A.
"""

import pytest
from django.urls import reverse

from ogmonitor.findings import drafting, services
from ogmonitor.findings.models import (
    Computation,
    Finding,
    Indicator,
    IndicatorResult,
    Recommendation,
)
from ogmonitor.places.factories import OrganizationFactory
from ogmonitor.surveys.factories import StudyFactory
from ogmonitor.surveys.models import AggregateResult, Study

from .test_drafting import Round


@pytest.fixture(autouse=True)
def english():
    """These tests read the pages' English wording (the site's default language is az)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def survey(db, ngo_a):
    survey = Round(organization=ngo_a)
    survey.seed_answers()
    survey.indicator()
    survey.compute()
    drafting.draft_findings(survey.study)
    drafting.publish_findings(survey.study)
    return survey


def results_url(study, language="en") -> str:
    return f"/{language}/findings/{study.slug}/"


def small_village(survey) -> IndicatorResult:
    return IndicatorResult.objects.get(dimension="community", group_key=survey.communities[1].slug)


# --- Who sees what ---------------------------------------------------------------------------


def test_the_public_sees_a_published_studys_rates_findings_and_recommendations(client, survey):
    drafting.create_recommendation(survey.study, None, text_az="Maarifləndirmə", text_en="Raise awareness")

    response = client.get(results_url(survey.study))

    assert response.status_code == 200
    page = response.content.decode()
    assert "23.1%" in page and "15 of 65" in page
    assert "23.1% of respondents (15 of 65) are aware of the National Action Plan." in page
    assert "Raise awareness" in page
    assert "Recompute now" not in page


def test_the_page_in_azerbaijani_uses_a_decimal_comma(client, survey):
    page = client.get(results_url(survey.study, "az")).content.decode()

    assert "23,1%" in page and "23.1%" not in page
    assert "Respondentlərin 23,1%-i (65 nəfərdən 15 nəfər)" in page


def test_small_cells_are_hidden_from_the_public_and_shown_to_the_studys_coordinator(client, client_for, survey, coordinator):
    link = f"/en/findings/result/{small_village(survey).pk}/"

    public = client.get(results_url(survey.study)).content.decode()
    assert "fewer than 5" in public
    assert "Small village" in public and link not in public

    coordinating = client_for(coordinator).get(results_url(survey.study)).content.decode()
    assert link in coordinating and "small group: hidden publicly" in coordinating
    assert "Recompute now" in coordinating


def test_another_ngos_coordinator_sees_the_public_page_and_cannot_change_anything(client_for, survey, coordinator_b):
    other = client_for(coordinator_b)
    study = survey.study

    page = other.get(results_url(study)).content.decode()
    assert "fewer than 5" in page and "Recompute now" not in page
    for name, args in [
        ("findings:indicator_create", [study.slug]),
        ("findings:indicator_edit", [study.slug, "nap_aware"]),
        ("findings:finding_create", [study.slug]),
        ("findings:finding_edit", [study.slug, Finding.objects.get().pk]),
        ("findings:recommendation_create", [study.slug]),
    ]:
        assert other.get(reverse(name, args=args)).status_code == 403, name
    assert other.post(reverse("findings:recompute", args=[study.slug])).status_code == 403
    assert other.post(reverse("findings:findings_draft", args=[study.slug])).status_code == 403
    finding = Finding.objects.get()
    response = other.post(reverse("findings:finding_edit", args=[study.slug, finding.pk]), {"text_az": "Sındırıldı"})
    assert response.status_code == 403
    finding.refresh_from_db()
    assert not finding.is_edited


def test_an_unpublished_studys_results_are_a_404_to_the_public_only(client, client_for, survey, coordinator, coordinator_b):
    Study.objects.filter(pk=survey.study.pk).update(status=Study.Status.CLOSED)
    result = IndicatorResult.objects.overall().get()

    assert client.get(results_url(survey.study)).status_code == 404
    assert client.get(reverse("findings:result", args=[result.pk])).status_code == 404
    assert client_for(coordinator_b).get(results_url(survey.study)).status_code == 404
    assert client_for(coordinator).get(results_url(survey.study)).status_code == 200


def test_the_public_sees_only_published_findings(client, client_for, survey, coordinator):
    drafting.create_finding(survey.study, None, text_az="Qaralama", text_en="A draft finding")

    assert "A draft finding" not in client.get(results_url(survey.study)).content.decode()
    assert "A draft finding" in client_for(coordinator).get(results_url(survey.study)).content.decode()


def test_anonymous_visitors_are_sent_to_log_in_for_the_coordinators_pages(client, survey):
    response = client.post(f"/en/findings/{survey.study.slug}/recompute/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_study_page_links_to_its_results(client, survey):
    page = client.get(f"/en/studies/{survey.study.slug}/").content.decode()

    assert results_url(survey.study) in page


# --- Provenance ------------------------------------------------------------------------------


def test_a_figures_provenance_gives_its_numerator_denominator_and_definition(client, survey):
    result = IndicatorResult.objects.overall().get()
    url = f"/en/findings/result/{result.pk}/"

    fragment = client.get(url, headers={"HX-Request": "true"})
    page = client.get(url)

    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    for response in (fragment, page):
        text = response.content.decode()
        assert "Counted (numerator)</dt><dd>15</dd>" in text
        assert "Out of (denominator)</dt><dd>65</dd>" in text
        assert "out of all respondents" in text  # the definition in words
        assert "Computed at" in text
    assert "<html" in page.content.decode()


def test_every_rate_on_the_page_links_to_its_provenance(client, survey):
    page = client.get(results_url(survey.study)).content.decode()

    overall = IndicatorResult.objects.overall().get()
    district = IndicatorResult.objects.get(dimension="district")
    for result in (overall, district):
        assert f"/en/findings/result/{result.pk}/" in page
    assert "<details class=\"provenance\">" in page


def test_a_suppressed_cells_provenance_hides_its_numbers_from_the_public(client, client_for, survey, coordinator):
    url = reverse("findings:result", args=[small_village(survey).pk])

    public = client.get(url).content.decode()
    assert "too small for its numbers to be published" in public and "Counted (numerator)" not in public
    assert "Counted (numerator)</dt><dd>3</dd>" in client_for(coordinator).get(url).content.decode()


# --- Comparison with the previous round --------------------------------------------------------


def test_the_comparison_table_gives_both_rates_the_change_the_p_value_and_the_verdict(client, survey, ngo_a):
    previous = StudyFactory(organization=ngo_a, aggregate_only=True, title_en="Round 2017", title_az="2017-ci il")
    AggregateResult.objects.create(
        study=previous, key="nap_aware", choice="yes", label_az="Bilənlər", label_en="Aware", numerator=12, denominator=48,
        percentage="25",
    )
    Indicator.objects.create(
        study=previous, code="nap_aware", title_az="Bilənlər", title_en="Aware", kind=Indicator.Kind.PUBLISHED,
        aggregate_key="nap_aware", aggregate_choice="yes",
    )
    services.compute_study(previous)
    Study.objects.filter(pk=survey.study.pk).update(previous=previous)

    page = client.get(results_url(survey.study)).content.decode()

    assert "Comparison with the previous round" in page
    assert "25.0%" in page and "23.1%" in page
    assert "-1.9" in page  # percentage points
    assert "no clear change" in page
    assert "p-value" in page


def test_a_previous_round_the_viewer_may_not_see_is_not_compared(client, survey, ngo_b):
    hidden = StudyFactory(organization=ngo_b, status=Study.Status.PLANNED, title_en="Secret round")
    Study.objects.filter(pk=survey.study.pk).update(previous=hidden)

    page = client.get(results_url(survey.study)).content.decode()

    assert "Secret round" not in page and "Comparison with the previous round" not in page


# --- Coordinators' work ----------------------------------------------------------------------


def test_recompute_now_recomputes_and_tells_when(client_for, survey, coordinator):
    before = Computation.objects.count()

    response = client_for(coordinator).post(f"/en/findings/{survey.study.slug}/recompute/", follow=True)

    assert Computation.objects.count() == before + 1
    assert "recomputed from 65 submissions" in response.content.decode()


def test_a_coordinator_defines_an_indicator_and_it_is_computed(client_for, survey, coordinator, django_capture_on_commit_callbacks):
    client = client_for(coordinator)
    url = reverse("findings:indicator_create", args=[survey.study.slug])

    form = client.get(url + "?question_name=municipal_reports").content.decode()
    assert 'name="question_name"' in form and "hx-get" in form
    refreshed = client.post(url, {"question_name": "municipal_reports", "refresh": "1", "kind": "question", "base": "answered"})
    assert 'value="dont_know"' in refreshed.content.decode()  # the chosen question's answers to tick

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {
            "code": "municipal_reports", "title_az": "Hesabat", "title_en": "Reports", "kind": "question",
            "question_name": "municipal_reports", "numerator_choices": ["yes"], "base": "answered",
            "community_rule": "any", "sentence_az": "{percent}%", "sentence_en": "{percent}% say so",
        })

    assert response.status_code == 302
    indicator = Indicator.objects.get(code="municipal_reports")
    assert indicator.numerator_choices == ["yes"] and indicator.title_en == "Reports"
    result = IndicatorResult.objects.overall().get(indicator=indicator)
    assert (result.numerator, result.denominator) == (30, 65)


def test_the_indicator_form_explains_what_is_missing(client_for, survey, coordinator):
    response = client_for(coordinator).post(reverse("findings:indicator_create", args=[survey.study.slug]), {
        "code": "nap_aware", "title_az": "X", "kind": "question", "question_name": "nap_aware", "base": "all",
        "community_rule": "any", "sentence_en": "{percentage}",
    })

    page = response.content.decode()
    assert response.status_code == 200
    assert "already has an indicator with the code" in page
    assert "Tick at least one answer to count." in page
    assert "Unknown placeholder" in page


def test_the_answers_of_a_question_come_as_a_fragment(client_for, survey, coordinator):
    url = reverse("findings:indicator_choices", args=[survey.study.slug])

    fragment = client_for(coordinator).get(url, {"question_name": "nap_aware"}, headers={"HX-Request": "true"})

    text = fragment.content.decode()
    assert 'value="partly"' in text and 'name="numerator_choices"' in text and "<html" not in text


def test_editing_a_finding_through_the_form_marks_it_edited(client_for, survey, coordinator):
    finding = Finding.objects.get()
    url = reverse("findings:finding_edit", args=[survey.study.slug, finding.pk])

    form = client_for(coordinator).get(url).content.decode()
    assert "{complement_percent}" in form  # the placeholders are explained
    response = client_for(coordinator).post(url, {
        "text_az": "Cəmi {percent}% bilir.", "text_en": "Just {percent}% know.", "indicator": finding.indicator_id,
        "status": "published",
    })

    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.is_edited and finding.text_en == "Just {percent}% know."
    assert "Just 23.1% know." in client_for(coordinator).get(results_url(survey.study)).content.decode()


def test_a_coordinator_writes_a_recommendation_with_its_links_and_moves_its_status(client_for, survey, coordinator):
    client = client_for(coordinator)
    finding = Finding.objects.get()
    addressee = OrganizationFactory(name_az="Nazirlər Kabineti", name_en="Cabinet of Ministers")

    response = client.post(reverse("findings:recommendation_create", args=[survey.study.slug]), {
        "text_az": "Terminal quraşdırmaq.", "text_en": "Install payment terminals.", "priority": "high",
        "addressee": addressee.pk, "findings": [finding.pk], "activities": [survey.activity.pk], "status": "proposed",
    })
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert list(recommendation.findings.all()) == [finding]
    assert list(recommendation.activities.all()) == [survey.activity]

    client.post(reverse("findings:recommendation_status", args=[survey.study.slug, recommendation.pk]), {"status": "accepted"})
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.ACCEPTED

    page = client.get(results_url(survey.study)).content.decode()
    assert "Install payment terminals." in page and "Cabinet of Ministers" in page
    assert f"#finding-{finding.pk}" in page and survey.activity.get_absolute_url() in page


def test_drafting_from_the_page_keeps_edited_findings(client_for, survey, coordinator):
    finding = Finding.objects.get()
    drafting.update_finding(finding, None, text_en="Mine: {percent}%")

    response = client_for(coordinator).post(reverse("findings:findings_draft", args=[survey.study.slug]), follow=True)

    assert "1 edited by hand and kept" in response.content.decode()
    finding.refresh_from_db()
    assert finding.text_en == "Mine: {percent}%"


# --- Query budgets ---------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["anonymous", "coordinator"])
def test_the_results_page_costs_the_same_queries_whatever_the_number_of_indicators(
    client, client_for, survey, coordinator, django_assert_max_num_queries, viewer, settings
):
    settings.PUBLIC_CACHE_SECONDS = 0  # the page's own queries: a cached copy would cost none
    web = client if viewer == "anonymous" else client_for(coordinator)
    drafting.create_recommendation(survey.study, None, text_az="A", findings=[Finding.objects.get()], activities=[survey.activity])
    web.get(results_url(survey.study))  # warm caches (sessions, content types)

    with django_assert_max_num_queries(20) as few:
        assert web.get(results_url(survey.study)).status_code == 200
    for number in range(8):
        survey.indicator(f"extra_{number}", choices=("no",))
    survey.compute()
    drafting.draft_findings(survey.study)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert web.get(results_url(survey.study)).status_code == 200


# --- Large breakdowns (a national round's 1,600 communities) -------------------------------------


def test_a_breakdown_of_many_groups_is_left_to_the_indicators_page(client, survey, monkeypatch):
    from ogmonitor.findings import views

    groups = len(survey.communities)
    monkeypatch.setattr(views, "SUMMARY_GROUPS", groups - 1)

    page = client.get(results_url(survey.study)).content.decode()

    indicator_url = reverse("findings:indicator", args=[survey.study.slug, "nap_aware"])
    assert f"By community: {groups} groups, listed on <a href=\"{indicator_url}\">the indicator's page</a>." in page
    assert f">{survey.communities[0].name_en}</th>" not in page  # no community row on the summary
    assert "By district" in page  # the small breakdowns stay on the summary


def test_the_indicators_page_lists_a_large_breakdown_a_page_at_a_time(client, survey, monkeypatch):
    from ogmonitor.findings import views

    monkeypatch.setattr(views, "GROUPS_PER_PAGE", 1)
    url = reverse("findings:indicator", args=[survey.study.slug, "nap_aware"])
    names = {community.name_en for community in survey.communities}

    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()

    shown_first = {name for name in names if f">{name}</th>" in first or f">{name} <" in first}
    shown_second = {name for name in names if f">{name}</th>" in second or f">{name} <" in second}
    assert len(shown_first) == 1 and len(shown_second) == 1 and shown_first != shown_second
    assert f"Groups 1–1 of {len(names)}" in first and f"Groups 2–2 of {len(names)}" in second
    assert 'rel="next"' in first


def test_results_for_can_leave_out_large_breakdowns_and_read_overall_figures_only(survey):
    groups = len(survey.communities)

    summary = services.results_for(survey.study, max_groups=groups - 1)
    overall_only = services.results_for(survey.study, max_groups=0)
    one = services.results_for(survey.study, codes=["nap_aware"])

    assert all("community" not in figures.breakdowns for figures in summary)
    assert summary[0].omitted["community"] == groups and "district" in summary[0].breakdowns
    assert all(not figures.breakdowns and figures.overall is not None for figures in overall_only)
    assert [figures.indicator.code for figures in one] == ["nap_aware"] and one[0].breakdowns["community"]
