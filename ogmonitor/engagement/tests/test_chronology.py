"""The chronology: events in date order (then time, unknown times last), filtered by plan, type,
organiser and year, seen by visitors only when published, and exported as CSV and XLSX."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from ogmonitor.engagement.chronology import chronology_events, export_csv, export_xlsx
from ogmonitor.engagement.factories import EventFactory
from ogmonitor.engagement.models import Event, EventSource
from ogmonitor.places.factories import OrganizationFactory
from ogmonitor.plans.factories import ActionPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commission():
    return OrganizationFactory(type="state_body", name_az="Korrupsiyaya qarşı Mübarizə üzrə Komissiya", name_en="Commission on Combatting Corruption")


@pytest.fixture
def platform_org():
    return OrganizationFactory(type="platform", name_az="Açıq Hökumət Platforması", name_en="Open Government Platform")


@pytest.fixture
def plan():
    return ActionPlanFactory(slug="nap-2020-2022", start_year=2020, end_year=2022)


@pytest.fixture
def events(plan, commission, platform_org):
    """Five events of the plan, created out of order: two on 3 Oct 2019 (one at 17:00, one at an
    unknown time), one at 15:00 on 10 Oct, a working group in July and one in 2020; and one
    event of no plan."""
    made = {
        "untimed": EventFactory(plan=plan, type="broadcast", date=dt.date(2019, 10, 3), title_en="Online discussions begin", title_az="Onlayn müzakirələr başladı"),
        "debate": EventFactory(plan=plan, type="broadcast", date=dt.date(2019, 10, 10), time=dt.time(15, 0), title_en="First debate", title_az="İlk debat"),
        "evening": EventFactory(plan=plan, type="broadcast", date=dt.date(2019, 10, 3), time=dt.time(17, 0), title_en="Judicial reforms live", title_az="Məhkəmə islahatları canlı"),
        "final": EventFactory(plan=plan, type="public_discussion", date=dt.date(2020, 2, 8), title_en="Final draft discussed", title_az="Yekun layihə müzakirə edildi"),
        "group": EventFactory(plan=plan, type="working_group", date=dt.date(2019, 7, 6), title_en="First working group", title_az="İlk işçi qrupu"),
        "other": EventFactory(type="workshop", date=dt.date(2019, 8, 1), title_en="Unrelated workshop", title_az="Başqa seminar"),
    }
    made["group"].organizers.set([commission, platform_org])
    made["final"].organizers.set([commission])
    made["untimed"].organizers.set([platform_org])
    EventSource.objects.create(event=made["group"], url="https://avropa.info/post/321701", footnote=5, position=1)
    EventSource.objects.create(event=made["group"], url="http://transparency.az/a", footnote=6, position=2, title="Müzakirə edilib")
    EventSource.objects.create(event=made["final"], url="=HYPERLINK(\"http://evil\")", footnote=20, position=1, title="-2+3")
    return made


def titles(queryset):
    return [event.title_en for event in queryset]


def test_events_are_in_date_order_then_time_with_unknown_times_last(events, plan):
    assert titles(chronology_events(Event.objects.all(), plan=plan)) == [
        "First working group", "Judicial reforms live", "Online discussions begin", "First debate", "Final draft discussed",
    ]


def test_filter_by_type(events, plan):
    assert titles(chronology_events(Event.objects.all(), plan=plan, type="broadcast")) == [
        "Judicial reforms live", "Online discussions begin", "First debate",
    ]


def test_filter_by_actor_keeps_events_it_organised(events, plan, commission, platform_org):
    assert titles(chronology_events(Event.objects.all(), actor=commission)) == ["First working group", "Final draft discussed"]
    assert titles(chronology_events(Event.objects.all(), plan=plan, actor=platform_org)) == ["First working group", "Online discussions begin"]


def test_filter_by_year(events):
    assert titles(chronology_events(Event.objects.all(), year=2020)) == ["Final draft discussed"]
    assert len(chronology_events(Event.objects.all(), year=2019)) == 5  # the unrelated workshop too


def test_csv_export_reads_back_one_row_per_event_with_sources_joined(events, plan):
    with translation.override("en"):
        content = export_csv(chronology_events(Event.objects.all(), plan=plan), link=lambda event: f"https://x/{event.slug}")
    assert content.startswith("\ufeff".encode())  # so Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert len(body) == 5 and len(header) == len(body[0])
    group = dict(zip(header, body[0], strict=True))
    assert group["Date"] == "2019-07-06" and group["Time"] == ""
    assert group["Sources"] == "[5] https://avropa.info/post/321701\n[6] http://transparency.az/a (Müzakirə edilib)"
    assert group["Organisers"] == "Commission on Combatting Corruption; Open Government Platform"  # by name
    assert dict(zip(header, body[1], strict=True))["Time"] == "17:00"
    # A source typed as a formula is written as text.
    assert dict(zip(header, body[4], strict=True))["Sources"].startswith("[20] =HYPERLINK")  # inside the cell, not at its start
    assert body[4][-1] == f"https://x/{events['final'].slug}"


def test_xlsx_export_reads_back_with_dates_and_times_as_values(events, plan):
    content = export_xlsx(chronology_events(Event.objects.all(), plan=plan))
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 6
    assert rows[2][0].date() == dt.date(2019, 10, 3) and rows[2][1] == dt.time(17, 0)
    assert rows[3][1] is None  # unknown time
    assert rows[1][5] == "İlk işçi qrupu"  # the active language's title
    with translation.override("en"):
        sheet = load_workbook(io.BytesIO(export_xlsx(chronology_events(Event.objects.all(), plan=plan)))).active
    assert sheet.cell(1, 1).value == "Date" and sheet.cell(2, 6).value == "First working group"


def test_a_title_that_looks_like_a_formula_is_exported_as_text(plan):
    EventFactory(plan=plan, title_az="=1+1", title_en="=1+1")
    sheet = load_workbook(io.BytesIO(export_xlsx(chronology_events(Event.objects.all())))).active
    assert sheet.cell(2, 6).value == "'=1+1"
    rows = list(csv.reader(io.StringIO(export_csv(chronology_events(Event.objects.all())).decode("utf-8-sig"))))
    assert rows[1][5] == "'=1+1"


# --- The page -----------------------------------------------------------------------------------


def test_anonymous_visitors_see_only_published_events(client, plan):
    EventFactory(plan=plan, title_az="Açıq tədbir", title_en="Public event")
    EventFactory(plan=plan, title_az="Qaralama", title_en="Draft event", is_published=False)
    export_url = reverse("engagement:chronology_export", args=["csv"])
    response = client.get(reverse("engagement:chronology").replace("/az/", "/en/", 1))
    assert response.status_code == 200
    assert "Public event" in response.text and "Draft event" not in response.text
    rows = list(csv.reader(io.StringIO(client.get(export_url).content.decode("utf-8-sig"))))
    assert [row[5] for row in rows[1:]] == ["Açıq tədbir"]


def test_staff_see_unpublished_events_marked_as_such(client_for, coordinator, plan):
    EventFactory(plan=plan, title_az="Qaralama", title_en="Draft event", is_published=False)
    response = client_for(coordinator).get(reverse("engagement:chronology").replace("/az/", "/en/", 1))
    assert "Draft event" in response.text and "not published" in response.text


def test_page_shows_sources_numbered_by_footnote_with_links(client, events):
    response = client.get(reverse("engagement:chronology_plan", args=["nap-2020-2022"]))
    assert response.status_code == 200
    assert '[5] <a href="https://avropa.info/post/321701"' in response.text
    assert '[6] <a href="http://transparency.az/a" rel="noopener nofollow">Müzakirə edilib</a>' in response.text
    assert "Başqa seminar" not in response.text  # not of this plan


def test_page_filters_by_type_actor_and_year_from_the_query_string(client, events, commission):
    url = reverse("engagement:chronology").replace("/az/", "/en/", 1)
    response = client.get(url, {"type": "working_group"})
    assert titles(response.context["page_obj"]) == ["First working group"]
    response = client.get(url, {"actor": commission.slug, "year": "2020"})
    assert titles(response.context["page_obj"]) == ["Final draft discussed"]
    response = client.get(url, {"actor": "no-such-organisation"})
    assert "actor" in response.context["form"].errors and len(response.context["page_obj"]) == 6  # ignored, shown


def test_export_follows_the_filters_in_both_url_forms(client, events, commission):
    by_name = client.get(reverse("engagement:chronology_export", args=["csv"]), {"actor": commission.slug})
    by_param = client.get(reverse("engagement:chronology"), {"actor": commission.slug, "format": "csv"})
    assert by_name["Content-Type"].startswith("text/csv")
    assert 'filename="ogmonitor-chronology.csv"' in by_name["Content-Disposition"]
    assert by_name.content == by_param.content
    assert len(list(csv.reader(io.StringIO(by_name.content.decode("utf-8-sig"))))) == 3
    xlsx = client.get(reverse("engagement:chronology_plan_export", args=["nap-2020-2022", "xlsx"]))
    assert 'filename="ogmonitor-chronology-nap-2020-2022.xlsx"' in xlsx["Content-Disposition"]
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 6
    assert client.get(reverse("engagement:chronology_export", args=["pdf"])).status_code == 404


def test_export_links_keep_the_filters(client, events, commission):
    response = client.get(reverse("engagement:chronology"), {"actor": commission.slug, "page": "1"})
    assert f'export.csv?actor={commission.slug}"' in response.text


def test_an_unknown_plan_is_not_found(client):
    assert client.get(reverse("engagement:chronology_plan", args=["nap-1999"])).status_code == 404


def test_page_runs_a_bounded_number_of_queries(client, plan, commission, django_assert_max_num_queries):
    for day in range(1, 29):
        event = EventFactory(plan=plan, date=dt.date(2019, 2, day))
        event.organizers.set([commission, OrganizationFactory()])
        EventSource.objects.create(event=event, url=f"https://example.org/{day}", footnote=day)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("engagement:chronology_plan", args=[plan.slug]))
    assert len(response.context["page_obj"]) == 28
