"""Authority responsiveness: the figures on a hand-checked fixture, who sees which records, the
page in both languages and its CSV and XLSX downloads.

The fixture, with ``TODAY`` = 1 June 2024 and the legal answer period of 30 days:

Authority A, "Quba Rayon İcra Hakimiyyəti" (district Quba), five published proposals:
  p1 submitted 10 Jan, answered 20 Jan (10 days; due 9 Feb: in time), accepted
  p2 submitted 10 Jan, answered 19 Feb (40 days; late), rejected
  p3 submitted 10 Jan, answered 30 Jan (20 days; in time), partly accepted
  p4 submitted 12 Apr (50 days before today), due 12 May, unanswered: overdue
  p5 submitted 27 May (5 days before today), due 26 Jun, unanswered: awaiting
  → addressed 5, answered 3 (2 in time, 1 late), overdue 1, awaiting 1,
    median days = median(10, 40, 20) = 20, accepted 2 (p1, p3) of 3 decided = 2/3.
  Not counted: a draft (never submitted); for the public, an unpublished proposal submitted
  1 Mar (due 31 Mar, unanswered: overdue), which coordinators see (then 6 addressed, 2 overdue).

Authority B, "Çevik Nazirlik" (a national body: no district):
  payment-terminal requests of a published project, in communities of Xaçmaz:
  t1 filed 1 Jan, answered 25 Jan (24 days ≤ 30: in time), promised
  t2 filed 1 Jan, answered 1 Mar (60 days: late), refused
  t3 filed 1 Apr, due 1 May, pending: overdue
  t4 filed 20 May, due 19 Jun, pending: awaiting
  t5 filed 1 Feb, installed, answer date not recorded: answered, undated
  and one published proposal p6 about a community of Quba, submitted 1 Feb, answered 11 Feb
  (10 days: in time), no decision yet.
  → addressed 6, answered 4 (2 in time, 1 late, 1 undated), overdue 1, awaiting 1,
    median days = median(24, 60, 10) = 24, accepted 2 (t1, t5) of 3 decided (t1, t2, t5) = 2/3.
  Not counted for the public: a request of NGO A's unpublished project (its coordinator sees it).

Districts (B has none, so its records go to their communities' districts):
  Quba    = A's five + p6: addressed 6, in time 3, late 1, overdue 1, awaiting 1,
            median(10, 40, 20, 10) = (10 + 20) / 2 = 15, accepted 2 of 3 decided.
  Xaçmaz  = t1–t5: addressed 5, in time 1, late 1, undated 1, overdue 1, awaiting 1,
            median(24, 60) = 42, accepted 2 of 3 decided.
Total: addressed 11 = 4 in time + 2 late + 1 undated + 2 overdue + 2 awaiting;
       median(10, 10, 20, 24, 40, 60) = (20 + 24) / 2 = 22; accepted 4 of 6 decided.
"""

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from ogmonitor.engagement import responsiveness as service
from ogmonitor.engagement.factories import EventFactory, ProposalFactory
from ogmonitor.engagement.models import Proposal
from ogmonitor.logframe.factories import ProjectFactory, TerminalRequestFactory
from ogmonitor.logframe.models import TerminalRequest
from ogmonitor.places.factories import CommunityFactory, DistrictFactory, OrganizationFactory
from ogmonitor.places.models import Organization
from ogmonitor.plans.factories import ActionPlanFactory, ActivityFactory

TODAY = dt.date(2024, 6, 1)
Status = Proposal.Status
Outcome = TerminalRequest.Outcome


def day(month: int, number: int) -> dt.date:
    return dt.date(2024, month, number)


@pytest.fixture
def world(db, settings, ngo_a):
    settings.PROPOSAL_ANSWER_DAYS = 30
    quba = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
    xacmaz = DistrictFactory(code="AZ-XAC", name_az="Xaçmaz", name_en="Khachmaz")
    quba_village, xacmaz_village = CommunityFactory(district=quba), CommunityFactory(district=xacmaz)
    a = OrganizationFactory(
        name_az="Quba Rayon İcra Hakimiyyəti", name_en="Guba District Executive Authority",
        type=Organization.Type.LOCAL_EXECUTIVE, district=quba,
    )
    b = OrganizationFactory(name_az="Çevik Nazirlik", name_en="Agile Ministry", type=Organization.Type.STATE_BODY)
    plan = ActionPlanFactory()

    def proposal(addressee, submitted_on, status=Status.SUBMITTED, answered_on=None, **fields):
        fields.setdefault("community", quba_village)
        return ProposalFactory(addressee=addressee, submitted_on=submitted_on, status=status, answered_on=answered_on,
                               answer_days=30, **fields)

    p1 = proposal(a, day(1, 10), Status.ACCEPTED, day(1, 20), activity=ActivityFactory(area__plan=plan))
    proposal(a, day(1, 10), Status.REJECTED, day(2, 19))
    proposal(a, day(1, 10), Status.PARTLY_ACCEPTED, day(1, 30), event=EventFactory(plan=plan))
    p4 = proposal(a, day(4, 12))
    proposal(a, day(5, 27))
    proposal(a, None, Status.DRAFT)
    proposal(a, day(3, 1), is_published=False)
    proposal(b, day(2, 1), Status.ANSWERED, day(2, 11))

    project = ProjectFactory(plan=plan)
    hidden_project = ProjectFactory(organization=ngo_a, is_published=False)

    def request(filed_on, outcome=Outcome.PENDING, answered_on=None, project=project):
        return TerminalRequestFactory(project=project, community=xacmaz_village, addressee=b, filed_on=filed_on,
                                      outcome=outcome, answered_on=answered_on)

    request(day(1, 1), Outcome.PROMISED, day(1, 25))
    request(day(1, 1), Outcome.REFUSED, day(3, 1), project=ProjectFactory())  # another project, no plan
    request(day(4, 1))
    request(day(5, 20))
    request(day(2, 1), Outcome.INSTALLED)
    request(day(3, 1), project=hidden_project)
    return SimpleNamespace(a=a, b=b, quba=quba, xacmaz=xacmaz, plan=plan, p1=p1, p4=p4)


def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def figures_of(result, organization) -> service.Figures:
    return next(row.figures for row in result.authorities if row.organization == organization)


def counts(figures: service.Figures) -> dict:
    return {
        "addressed": figures.addressed, "answered": figures.answered, "in_time": figures.answered_in_time,
        "late": figures.answered_late, "undated": figures.answered_undated, "overdue": figures.overdue,
        "awaiting": figures.awaiting, "median": figures.median_days, "accepted": figures.accepted,
        "partly": figures.partly_accepted, "decided": figures.decided,
    }


# --- The figures ---------------------------------------------------------------------------------


def test_authority_figures_match_the_hand_checked_fixture(world):
    result = service.responsiveness(anonymous(), today=TODAY)

    a, b = figures_of(result, world.a), figures_of(result, world.b)
    assert counts(a) == {
        "addressed": 5, "answered": 3, "in_time": 2, "late": 1, "undated": 0, "overdue": 1, "awaiting": 1,
        "median": 20, "accepted": 2, "partly": 1, "decided": 3,
    }
    assert a.share_accepted == pytest.approx(2 / 3)
    assert a.overdue_proposals == 1
    assert counts(b) == {
        "addressed": 6, "answered": 4, "in_time": 2, "late": 1, "undated": 1, "overdue": 1, "awaiting": 1,
        "median": 24, "accepted": 2, "partly": 0, "decided": 3,
    }
    assert b.share_accepted == pytest.approx(2 / 3)
    assert b.overdue_proposals == 0  # its overdue one is a terminal request


def test_each_row_adds_up_to_what_was_addressed(world):
    result = service.responsiveness(anonymous(), today=TODAY)

    for figures in [row.figures for row in result.authorities + result.districts] + [result.total]:
        assert figures.addressed == (
            figures.answered_in_time + figures.answered_late + figures.answered_undated + figures.overdue
            + figures.awaiting
        )


def test_district_table_places_national_bodies_by_the_community_concerned(world):
    result = service.responsiveness(anonymous(), today=TODAY)

    by_district = {row.district: row.figures for row in result.districts}
    assert set(by_district) == {world.quba, world.xacmaz}
    assert counts(by_district[world.quba]) == {
        "addressed": 6, "answered": 4, "in_time": 3, "late": 1, "undated": 0, "overdue": 1, "awaiting": 1,
        "median": 15, "accepted": 2, "partly": 1, "decided": 3,
    }
    assert counts(by_district[world.xacmaz]) == {
        "addressed": 5, "answered": 3, "in_time": 1, "late": 1, "undated": 1, "overdue": 1, "awaiting": 1,
        "median": 42, "accepted": 2, "partly": 0, "decided": 3,
    }
    assert counts(result.total) == {
        "addressed": 11, "answered": 7, "in_time": 4, "late": 2, "undated": 1, "overdue": 2, "awaiting": 2,
        "median": 22, "accepted": 4, "partly": 1, "decided": 6,
    }
    assert result.total.percent_accepted == 66.7


def test_an_answer_on_the_due_day_is_in_time_and_unknown_districts_are_listed_last(db, settings):
    settings.PROPOSAL_ANSWER_DAYS = 30
    authority = OrganizationFactory(type=Organization.Type.STATE_BODY)  # no district
    # Submitted 1 Mar, due 31 Mar, answered 31 Mar: in time. No community: district not recorded.
    ProposalFactory(addressee=authority, submitted_on=day(3, 1), status=Status.ANSWERED, answered_on=day(3, 31),
                    answer_days=30)
    # Filed 1 Mar, answered 31 Mar (30 days, the whole period): in time.
    TerminalRequestFactory(addressee=authority, filed_on=day(3, 1), answered_on=day(3, 31), outcome=Outcome.REFUSED)
    # Submitted 2 May, due 1 Jun = today: not overdue yet (Proposal.is_overdue has the same rule).
    waiting = ProposalFactory(addressee=authority, submitted_on=day(5, 2), status=Status.SUBMITTED, answer_days=30)

    result = service.responsiveness(anonymous(), today=TODAY)

    figures = figures_of(result, authority)
    assert (figures.answered_in_time, figures.answered_late, figures.overdue, figures.awaiting) == (2, 0, 0, 1)
    assert not waiting.is_overdue(TODAY)
    assert figures.share_accepted == 0  # one decision, a refusal: 0 %, not "nothing decided"
    assert result.districts[-1].district is None
    assert result.districts[-1].figures.addressed == 2  # the two proposals; the request's village has a district


def test_share_accepted_is_none_when_nothing_was_decided(db):
    authority = OrganizationFactory()
    ProposalFactory(addressee=authority, submitted_on=day(5, 1), status=Status.SUBMITTED)

    figures = figures_of(service.responsiveness(anonymous(), today=TODAY), authority)

    assert figures.decided == 0
    assert figures.share_accepted is None and figures.percent_accepted is None
    assert figures.median_days is None


def test_coordinators_count_the_unpublished_records_they_may_see(world, coordinator, coordinator_b):
    mine = service.responsiveness(coordinator, today=TODAY)
    theirs = service.responsiveness(coordinator_b, today=TODAY)

    # Every coordinator sees unpublished proposals (engagement is one shared record)…
    assert (figures_of(mine, world.a).addressed, figures_of(mine, world.a).overdue) == (6, 2)
    assert (figures_of(theirs, world.a).addressed, figures_of(theirs, world.a).overdue) == (6, 2)
    # …but an unpublished project's requests only its own organisation's coordinators.
    assert figures_of(mine, world.b).addressed == 7
    assert figures_of(theirs, world.b).addressed == 6


def test_the_municipality_editor_counts_unpublished_proposals_to_their_own_municipality(
    world, municipality, municipality_editor,
):
    ProposalFactory(addressee=municipality, submitted_on=day(5, 1), status=Status.SUBMITTED, is_published=False)

    assert figures_of(service.responsiveness(municipality_editor, today=TODAY), municipality).addressed == 1
    assert municipality not in [row.organization for row in service.responsiveness(anonymous(), today=TODAY).authorities]


def test_filters_by_kind_plan_and_dates(world):
    def addressed(**filters):
        result = service.responsiveness(anonymous(), today=TODAY, **filters)
        return {row.organization.name_az: row.figures.addressed for row in result.authorities}

    assert addressed(kind=service.Kind.PROPOSALS) == {"Quba Rayon İcra Hakimiyyəti": 5, "Çevik Nazirlik": 1}
    assert addressed(kind=service.Kind.TERMINAL_REQUESTS) == {"Çevik Nazirlik": 5}
    # The plan: p1 through its activity, p3 through its event, the requests of the plan's project.
    assert addressed(plan=world.plan) == {"Quba Rayon İcra Hakimiyyəti": 2, "Çevik Nazirlik": 4}
    # From 1 April: p4, p5; t3, t4. Until 31 January: p1–p3; t1, t2.
    assert addressed(since=day(4, 1)) == {"Quba Rayon İcra Hakimiyyəti": 2, "Çevik Nazirlik": 2}
    assert addressed(until=day(1, 31)) == {"Quba Rayon İcra Hakimiyyəti": 3, "Çevik Nazirlik": 2}


def test_tables_are_ordered_by_most_addressed_or_by_azerbaijani_name(world):
    by_count = service.responsiveness(anonymous(), today=TODAY)
    by_name = service.responsiveness(anonymous(), today=TODAY, order=service.Order.NAME)
    quickest = service.responsiveness(anonymous(), today=TODAY, order=service.Order.MEDIAN_DAYS)

    assert [row.organization for row in by_count.authorities] == [world.b, world.a]  # 6, then 5
    # Ç comes after C and before Q in Azerbaijani (a plain sort() would put it after Z).
    assert [row.organization for row in by_name.authorities] == [world.b, world.a]
    assert [row.organization for row in quickest.authorities] == [world.a, world.b]  # 20 days, then 24
    # X comes after H and before Q in the Azerbaijani alphabet: Xaçmaz, then Quba.
    assert [row.district for row in by_name.districts] == [world.xacmaz, world.quba]


# --- The page --------------------------------------------------------------------------------------


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr("ogmonitor.engagement.views_responsiveness.timezone.localdate", lambda: TODAY)


def row_of(page: str, slug: str) -> str:
    start = page.index(f'data-slug="{slug}"')
    return page[start:page.index("</tr>", start)]


@pytest.mark.parametrize("language", ["az", "en"])
def test_the_page_shows_the_caveat_and_the_figures_in_both_languages(client, world, fixed_today, language):
    with translation.override(language):
        url = reverse("engagement:responsiveness")
        caveat = service.caveat()
    assert url.startswith(f"/{language}/")

    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="message caveat" role="note"' in page
    assert caveat in page.replace("&#x27;", "'")
    row = row_of(page, world.a.slug)
    assert (world.a.name_az if language == "az" else world.a.name_en) in row
    assert f'href="{world.a.get_absolute_url()}"' in row
    assert '<td class="num" data-figure="addressed">5</td>' in row
    assert '<td class="num" data-figure="median_days">20</td>' in row
    assert '<td class="num" data-figure="share_accepted">67%</td>' in row
    overdue_link = f'{reverse("engagement:proposals")}?addressee={world.a.slug}&amp;overdue=on'
    assert f'<a href="{overdue_link}">1</a>' in row
    # B's overdue request is not in the proposals list: its number is not a link.
    assert '<td class="num" data-figure="overdue">1</td>' in row_of(page, world.b.slug)
    assert 'data-district="AZ-QBA"' in page


def test_the_overdue_link_leads_to_that_authoritys_overdue_proposals(client, world):
    page = client.get(reverse("engagement:responsiveness")).content.decode()
    start = row_of(page, world.a.slug).index(reverse("engagement:proposals"))
    link = row_of(page, world.a.slug)[start:].split('"')[0].replace("&amp;", "&")

    listed = client.get(link).content.decode()

    assert reverse("engagement:proposal", args=[world.p4.number]) in listed
    assert reverse("engagement:proposal", args=[world.p1.number]) not in listed


def test_the_page_counts_unpublished_records_for_a_coordinator_only(client, client_for, world, coordinator, fixed_today):
    url = reverse("engagement:responsiveness")

    public = row_of(client.get(url).content.decode(), world.a.slug)
    staff = row_of(client_for(coordinator).get(url).content.decode(), world.a.slug)

    assert '<td class="num" data-figure="addressed">5</td>' in public
    assert '<td class="num" data-figure="addressed">6</td>' in staff


def test_the_page_filters_and_keeps_the_filters_in_the_download_links(client, world, fixed_today):
    response = client.get(reverse("engagement:responsiveness"), {"kind": "terminals", "order": "name"})

    page = response.content.decode()
    assert f'data-slug="{world.a.slug}"' not in page
    assert '<td class="num" data-figure="addressed">5</td>' in row_of(page, world.b.slug)
    assert f'{reverse("engagement:responsiveness_export", args=["csv"])}?kind=terminals&amp;order=name' in page


def test_a_reversed_period_is_shown_as_an_error_and_ignored(client, world, fixed_today):
    response = client.get(reverse("engagement:responsiveness"), {"since": "2024-04-01", "until": "2024-03-01"})

    assert response.status_code == 200
    assert response.context["form"].errors["until"]
    assert '<td class="num" data-figure="addressed">2</td>' in row_of(response.content.decode(), world.a.slug)


def test_the_page_is_cached_for_visitors_and_keeps_to_a_query_budget(client, world, django_assert_max_num_queries):
    url = reverse("engagement:responsiveness")
    with django_assert_max_num_queries(10):
        first = client.get(url)
    second = client.get(url)

    assert first["X-Cache"] == "miss" and second["X-Cache"] == "hit"


def test_the_page_is_in_the_navigation_and_linked_from_the_engagement_overview(client, db):
    url = reverse("engagement:responsiveness")

    assert f'<a href="{url}" aria-current="page">' in client.get(url).content.decode()
    assert f'href="{url}"' in client.get(reverse("engagement:index")).content.decode()


def test_an_empty_page_says_so(client, db):
    page = client.get(reverse("engagement:responsiveness")).content.decode()

    assert 'role="note"' in page
    assert 'data-figure="addressed"' not in page


# --- The downloads ---------------------------------------------------------------------------------


def test_csv_has_both_tables_and_their_totals(client, world, fixed_today):
    with translation.override("en"):
        url = reverse("engagement:responsiveness_export", args=["csv"])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="responsiveness-2024-06-01.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Table", "Name", "District", "Addressed", "Answered", "Answered in time"]
    assert rows[0][-1] == "Share accepted (%)"
    body = {(row[0], row[1]): row[2:] for row in rows[1:]}
    # District, then addressed, answered, in time, late, undated, overdue, awaiting, median,
    # accepted, partly, decided, share accepted (%).
    assert body[("Authorities", "Guba District Executive Authority")] == [
        "Guba", "5", "3", "2", "1", "0", "1", "1", "20", "2", "1", "3", "66.7",
    ]
    assert body[("Authorities", "Agile Ministry")] == [
        "", "6", "4", "2", "1", "1", "1", "1", "24", "2", "0", "3", "66.7",
    ]
    assert body[("Authorities", "All authorities")][1] == "11"
    assert body[("Districts", "Khachmaz")] == ["", "5", "3", "1", "1", "1", "1", "1", "42", "2", "0", "3", "66.7"]
    assert body[("Districts", "All districts")] == ["", "11", "7", "4", "2", "1", "2", "2", "22", "4", "1", "6", "66.7"]


def test_xlsx_has_a_sheet_per_table_and_the_caveat(client, world, fixed_today):
    with translation.override("en"):
        url = reverse("engagement:responsiveness_export", args=["xlsx"])
        caveat = service.caveat()

    response = client.get(url, {"kind": "proposals"})

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Authorities", "Districts", "About"]
    authorities = [list(row) for row in workbook["Authorities"].iter_rows(values_only=True)]
    assert authorities[0][:3] == ["Authority", "District", "Addressed"]
    # Proposals only: A's five, B's one (p6), by most addressed.
    assert [row[0] for row in authorities[1:]] == ["Guba District Executive Authority", "Agile Ministry", "All authorities"]
    assert authorities[1][2:] == [5, 3, 2, 1, 0, 1, 1, 20, 2, 1, 3, 66.7]
    assert authorities[-1][2] == 6
    districts = [list(row) for row in workbook["Districts"].iter_rows(values_only=True)]
    assert [row[0] for row in districts[1:]] == ["Guba", "All districts"]
    about = [row[0] for row in workbook["About"].iter_rows(values_only=True)]
    assert caveat in about
    assert ["Records", "Proposals only"] in [list(row[:2]) for row in workbook["About"].iter_rows(values_only=True)]


def test_exported_names_cannot_run_as_formulas(client, db):
    authority = OrganizationFactory(name_az="=HYPERLINK(\"http://x\")", name_en="=HYPERLINK(\"http://x\")")
    ProposalFactory(addressee=authority, submitted_on=day(5, 1), status=Status.SUBMITTED)

    content = client.get(reverse("engagement:responsiveness_export", args=["csv"])).content.decode("utf-8-sig")

    assert "'=HYPERLINK" in content


def test_an_unknown_format_is_not_found(client, db):
    assert client.get(reverse("engagement:responsiveness_export", args=["pdf"])).status_code == 404
