"""The read API as an anonymous visitor: published objects only, small cells withheld, no people."""

import json

import pytest

from .conftest import SECRET

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def get(client, path, **params):
    response = client.get(f"{V1}{path}", params)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return response.json()


def slugs(page, key="slug"):
    return [row[key] for row in page["results"]]


def every_public_url(world) -> list[str]:
    """Each list and each detail of the world's published objects."""
    return [
        "/districts/", f"/districts/{world.quba.code}/", "/communities/", f"/communities/{world.communities[0].slug}/",
        "/organisations/", f"/organisations/{world.municipality.slug}/", "/plans/", f"/plans/{world.plan.slug}/",
        "/activities/", f"/activities/{world.activity.pk}/", "/studies/", f"/studies/{world.study.slug}/",
        f"/studies/{world.study.slug}/indicators/", f"/studies/{world.study.slug}/comparison/",
        f"/studies/{world.study.slug}/findings/", "/recommendations/", f"/recommendations/{world.recommendation.pk}/",
        "/reports/", f"/reports/{world.report.pk}/", "/events/", f"/events/{world.event.slug}/", "/proposals/",
        f"/proposals/{world.proposal.number}/", "/platforms/", f"/platforms/{world.platform.slug}/", "/projects/",
        f"/projects/{world.project.slug}/", "/disclosure/items/", "/disclosure/periods/", "/disclosure/publications/",
        "/disclosure/ranking/", f"/disclosure/checklists/{world.municipality.slug}/",
    ]


def test_no_public_response_contains_anything_unpublished_or_personal(client, world):
    for path in every_public_url(world):
        text = json.dumps(get(client, path), ensure_ascii=False)
        assert SECRET not in text, path
        assert "+994 50" not in text, path  # the respondent's phone


def test_unpublished_objects_are_not_found(client, world):
    for path in [
        f"/studies/{world.draft_study.slug}/", f"/studies/{world.draft_study.slug}/indicators/",
        f"/studies/{world.draft_study.slug}/findings/", f"/studies/{world.draft_study.slug}/comparison/",
        f"/events/{world.hidden_event.slug}/", f"/proposals/{world.hidden_proposal.number}/",
        f"/platforms/{world.hidden_platform.slug}/", f"/projects/{world.hidden_project.slug}/",
    ]:
        assert client.get(f"{V1}{path}").status_code == 404, path


def test_lists_hold_only_published_objects(client, world):
    assert slugs(get(client, "/studies/")) == ["round-2022", "round-2019"]
    assert slugs(get(client, "/events/")) == [world.event.slug]
    assert slugs(get(client, "/proposals/"), "number") == [world.proposal.number]
    assert slugs(get(client, "/platforms/")) == [world.platform.slug]
    assert slugs(get(client, "/projects/")) == [world.project.slug]
    assert [row["id"] for row in get(client, "/reports/")["results"]] == [world.report.pk]
    assert [row["id"] for row in get(client, "/recommendations/")["results"]] == [world.recommendation.pk]
    findings = get(client, f"/studies/{world.study.slug}/findings/")["results"]
    assert [row["id"] for row in findings] == [world.finding.pk]


def test_a_small_cell_is_withheld_and_flagged_never_its_number(client, world):
    indicator = get(client, f"/studies/{world.study.slug}/indicators/")["results"][0]
    assert indicator["code"] == "aware" and indicator["title_en"] == "Awareness"
    assert (indicator["overall"]["numerator"], indicator["overall"]["denominator"]) == (6, 10)
    by_group = {cell["group_key"]: cell for b in indicator["breakdowns"] if b["dimension"] == "community"
                for cell in b["cells"]}
    small = by_group[world.communities[1].slug]
    assert small["small"] and small["suppressed"]
    assert [small[key] for key in ("numerator", "denominator", "percentage", "ci_low")] == [None] * 4
    # The other cell of the breakdown is withheld too: 10 − 9 would give the small one back.
    assert by_group[world.communities[0].slug]["suppressed"] and by_group[world.communities[0].slug]["denominator"] is None
    assert by_group[world.communities[0].slug]["label_en"] == world.communities[0].name_en
    gender = next(b for b in indicator["breakdowns"] if b["dimension"] == "gender")
    assert {cell["label_en"]: cell["numerator"] for cell in gender["cells"]} == {"woman": 3, "man": 3}


def test_a_finding_is_written_with_the_public_figure_in_both_languages(client, world):
    finding = get(client, f"/studies/{world.study.slug}/findings/")["results"][0]
    assert finding["text_az"] == "60,0% xəbərdardır."
    assert finding["text_en"] == "60.0% are aware."
    assert finding["indicator"] == "aware"


def test_the_round_comparison_gives_the_change_and_its_test(client, world):
    comparison = get(client, f"/studies/{world.study.slug}/comparison/")
    assert comparison["previous"] == "round-2019"
    row = comparison["rows"][0]
    assert row["code"] == "aware" and row["change_pp"] == 20.0
    assert row["current"]["percentage"] == 60.0 and row["previous"]["percentage"] == 40.0
    assert row["p_value"] is not None and row["verdict"] in ("rose", "no_clear_change")


def test_a_comparison_withholds_a_small_share_and_the_change_that_would_reveal_it(client, world, settings):
    settings.OGMONITOR_MIN_CELL_SIZE = 20  # the current round's 10 respondents are now too few
    row = get(client, f"/studies/{world.study.slug}/comparison/")["rows"][0]
    assert row["current"]["suppressed"] and row["current"]["percentage"] is None
    assert row["previous"]["percentage"] == 40.0
    assert row["change_pp"] is None and row["p_value"] is None and row["verdict"] is None


def test_a_study_gives_its_questionnaire_without_any_answer(client, world):
    study = get(client, f"/studies/{world.study.slug}/")
    assert study["title_az"] and study["title_en"] and study["previous"] == "round-2019"
    assert study["organization"]["slug"] == world.study.organization.slug
    questions = {question["name"]: question for question in study["questionnaire"]["questions"]}
    assert questions["aware"]["label_en"] == "Have you heard of the National Action Plan?"
    assert [choice["name"] for choice in questions["aware"]["choices"]] == ["yes", "no"]
    assert questions["aware"]["nap_activity"] == world.activity.pk
    assert "answers" not in json.dumps(study)


def test_a_draft_studys_reports_and_previous_round_stay_hidden(client, world):
    world.study.previous = world.draft_study
    world.study.save()
    assert get(client, f"/studies/{world.study.slug}/")["previous"] is None
    assert get(client, f"/studies/{world.study.slug}/comparison/")["rows"] == []


def test_a_public_report_gives_its_download_address_in_its_language(client, world):
    report = get(client, f"/reports/{world.report.pk}/")
    assert report["download_url"] == f"http://testserver/en/reports/{world.study.slug}/{world.report.pk}/download/"
    assert report["format"] == "pdf" and report["study"] == world.study.slug


def test_an_event_gives_how_many_people_it_reached_never_who(client, world):
    listed = get(client, "/events/")["results"][0]
    assert listed["participants"] == 8
    event = get(client, f"/events/{world.event.slug}/")
    assert event["people_reached"]["total"] == 8 and event["people_reached"]["named"] == 1
    assert event["proposals"] == [world.proposal.number]
    assert "Şəxs" not in json.dumps(event, ensure_ascii=False)


def test_a_proposal_gives_its_history_without_who_recorded_it(client, world):
    proposal = get(client, f"/proposals/{world.proposal.number}/")
    assert proposal["status"] == "submitted" and proposal["addressee"]["slug"] == world.municipality.slug
    assert [(step["from_status"], step["to_status"]) for step in proposal["steps"]] == [
        ("", "draft"), ("draft", "submitted")
    ]
    assert proposal["steps"][1] == {"from_status": "draft", "to_status": "submitted", "on": "2022-05-12", "note": "Məktubla"}
    assert proposal["event"] == world.event.slug


def test_a_platform_gives_members_and_votes_but_no_unpublished_event(client, world):
    platform = get(client, f"/platforms/{world.platform.slug}/")
    assert platform["member_count"] == 1
    assert platform["memberships"][0]["organization"]["slug"] == world.municipality.slug
    assert platform["memberships"][0]["current"] is True
    assert platform["votes"][0]["yes"] == 20 and platform["votes"][0]["event"] is None
    assert platform["founding_event"] == world.event.slug


def test_a_project_gives_each_indicators_progress(client, world):
    project = get(client, f"/projects/{world.project.slug}/")
    indicator = project["progress"]["indicators"][0]
    assert indicator["code"] == "E1" and indicator["source"] == "events" and indicator["target"] == 2.0
    assert indicator["actual"] == 1.0  # the consultation: organised by the NGO, in its period and place
    assert indicator["description_az"] and indicator["description_en"] != indicator["description_az"]
    assert sum(project["progress"]["status_counts"].values()) == 1


def test_the_transparency_ranking_and_a_checklist(client, world):
    ranking = get(client, "/disclosure/ranking/", period="today")
    assert ranking["period"] is None
    row = ranking["municipalities"][0]
    assert row["organization"]["slug"] == world.municipality.slug and row["rank"] == 1 and row["index"] == 100.0
    checklist = get(client, f"/disclosure/checklists/{world.municipality.slug}/", period="today")
    assert checklist["items"] == [{
        "item": "budget", "category": world.item.category.code, "state": "current", "published_on": "2022-03-15",
        "url": world.publication.url, "expires_on": None, "count": 1,
    }]
    assert client.get(f"{V1}/disclosure/ranking/", {"period": "nonsense"}).status_code == 400


def test_translated_texts_come_in_both_languages_whatever_the_request_language(client, world):
    az = client.get(f"{V1}/activities/{world.activity.pk}/", HTTP_ACCEPT_LANGUAGE="az").json()
    en = client.get(f"{V1}/activities/{world.activity.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert az == en
    assert (az["title_az"], az["title_en"]) == ("Açıq büdcə", "Open budget")


def test_a_plan_lists_its_areas_and_activities(client, world):
    plan = get(client, f"/plans/{world.plan.slug}/")
    areas = {area["number"]: area for area in plan["areas"]}
    assert [activity["number"] for activity in areas[world.area.number]["activities"]] == ["1.1"]
    assert list(areas) == sorted(areas)
    listed = get(client, "/plans/")["results"][0]
    assert listed["slug"] == world.plan.slug and "activities" not in listed["areas"][0]


def test_a_studys_indicators_and_findings_filter_and_page(client, world):
    from ogmonitor.findings.models import Indicator

    Indicator.objects.create(study=world.study, code="towns", title_az="İcmalar", kind="community", position=5)
    indicators = f"/studies/{world.study.slug}/indicators/"
    assert [row["code"] for row in get(client, indicators, kind="community")["results"]] == ["towns"]
    assert [row["code"] for row in get(client, indicators, ordering="-code")["results"]] == ["towns", "aware"]
    page = get(client, indicators, page_size=1, page=2)
    assert page["count"] == 2 and [row["code"] for row in page["results"]] == ["towns"]
    assert page["results"][0]["overall"] is None and page["results"][0]["breakdowns"] == []  # never computed
    findings = f"/studies/{world.study.slug}/findings/"
    assert len(get(client, findings, indicator="aware")["results"]) == 1
    assert get(client, findings, indicator="towns")["results"] == []
