"""The XLSX exports, read back with openpyxl: numbers as numbers, dates as dates, no formulas."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ogmonitor.disclosure.factories import ItemFactory, PeriodFactory, PublicationFactory
from ogmonitor.places.factories import CommunityFactory, DistrictFactory, MunicipalityFactory


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def world(db, coordinator):
    PeriodFactory(name_en="March 2022", starts_on=dt.date(2022, 3, 1), ends_on=dt.date(2022, 3, 31))
    PeriodFactory(name_en="April 2022", starts_on=dt.date(2022, 4, 1), ends_on=dt.date(2022, 4, 30))
    budget = ItemFactory(code="budget", name_en="Approved budget", weight=Decimal(3))
    decisions = ItemFactory(code="decisions", name_en="Council decisions", current_for_days=30)
    district = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
    first = MunicipalityFactory(community=CommunityFactory(district=district), name_en="Amsar municipality")
    second = MunicipalityFactory(community=CommunityFactory(district=district), name_en="Digah municipality")
    PublicationFactory(organization=first, item=budget, published_on=dt.date(2022, 4, 2), title="=HYPERLINK(\"x\")",
                       verified_by=coordinator, verified_on=dt.date(2022, 4, 4))
    PublicationFactory(organization=second, item=decisions, published_on=dt.date(2022, 3, 2))
    return {"first": first, "second": second, "budget": budget, "decisions": decisions}


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment;" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def test_the_ranking_workbook_has_each_table_with_numbers(client, world):
    book = workbook(client.get(reverse("disclosure:ranking_xlsx")))

    assert book.sheetnames == ["Municipalities", "Community-based organisations", "Districts", "About"]
    rows = list(book["Municipalities"].iter_rows(values_only=True))
    assert rows[0][:7] == ("Rank", "Organisation", "District", "Index", "Index at the previous period",
                           "Change since the previous period (points)", "Publications")
    # End of April: Amsar has the budget (3 of 4); Digah's decisions of 2 March expired on 1 April.
    assert rows[1][:7] == (1, "Amsar municipality", "Guba", 75.0, 0.0, 75.0, 1)
    assert rows[2][:7] == (2, "Digah municipality", "Guba", 0.0, 25.0, -25.0, 1)
    districts = list(book["Districts"].iter_rows(values_only=True))
    assert districts[1] == (1, "Guba", 37.5, 2, 25.0)
    about = [row[:2] for row in book["About"].iter_rows(values_only=True)]
    assert ("District", "All districts") in about


def test_the_ranking_workbook_follows_the_filters(client, world):
    guba = world["first"].district  # both are in Guba
    response = client.get(reverse("disclosure:ranking_xlsx"), {"district": guba.code, "period": "today"})
    assert "-guba" in response["Content-Disposition"]
    book = workbook(response)
    # Today the decisions have long expired; the budget never expires, so Amsar still leads.
    rows = list(book["Municipalities"].iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["Amsar municipality", "Digah municipality"]


def test_an_organisations_checklist_workbook_lists_every_item_and_the_index_over_time(client, world):
    url = reverse("disclosure:organization_xlsx", args=[world["first"].slug])
    book = workbook(client.get(url))

    assert book.sheetnames == ["Checklist", "Over time", "About"]
    sheet = list(book["Checklist"].iter_rows(values_only=True))
    assert sheet[0][0] == "Amsar municipality"
    assert sheet[2][:2] == ("Index", 75.0)
    header = sheet[4]
    rows = {row[1]: dict(zip(header, row, strict=True)) for row in sheet[5:]}
    budget = rows["Approved budget"]
    assert budget["State"] == "published and current"
    assert budget["Published on"] == dt.datetime(2022, 4, 2)  # a real date cell
    assert budget["What was published"] == "'=HYPERLINK(\"x\")"  # never a formula
    assert budget["Verified by"] == "coordinator-a" and budget["Verified on"] == dt.datetime(2022, 4, 4)
    assert rows["Council decisions"]["State"] == "not published"
    over_time = list(book["Over time"].iter_rows(values_only=True))
    assert [(row[0], row[2]) for row in over_time[1:]] == [("March 2022", 0.0), ("April 2022", 75.0)]
