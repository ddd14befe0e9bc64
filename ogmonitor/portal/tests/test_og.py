"""Sharing and language links: Open Graph tags, canonical and hreflang links on the main public
pages in both languages, the language switch as plain links, no cookie on anonymous pages,
permalinks to charts and a text equivalent for every chart."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from ogmonitor.disclosure.factories import ItemFactory, PeriodFactory, PublicationFactory
from ogmonitor.engagement.factories import DialoguePlatformFactory, EventFactory, ProposalFactory
from ogmonitor.findings import services as findings
from ogmonitor.findings.models import Indicator
from ogmonitor.logframe.factories import IndicatorFactory, ManualValueFactory, ProjectFactory
from ogmonitor.places.factories import MunicipalityFactory
from ogmonitor.plans.factories import ActivityFactory
from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory
from ogmonitor.surveys.models import AggregateResult
from ogmonitor.surveys.submissions import create_self_link

pytestmark = pytest.mark.django_db

SITE = "https://ogmonitor.example.org"
LOCALES = {"az": "az_AZ", "en": "en_GB"}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


class Head(HTMLParser):
    """The <meta property|name> contents and <link rel> targets of a page, and a few body facts."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.anchors: list[dict] = []
        self.body: dict = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs["name"], []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "a":
            self.anchors.append(attrs)
        elif tag == "body":
            self.body = attrs

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, (key, values)
        return values[0]

    def link(self, rel: str, hreflang: str | None = None) -> str:
        found = [link["href"] for link in self.links if link.get("rel") == rel and link.get("hreflang") == hreflang]
        assert len(found) == 1, (rel, hreflang, found)
        return found[0]


@pytest.fixture
def pages(db):
    """One public page of each kind the brief names, with the text its og:title must carry per language."""
    activity = ActivityFactory(number="5.1", title_az="Bələdiyyə səhifələri", title_en="Municipal pages",
                               area__plan__title_az="Milli Fəaliyyət Planı 2020–2022",
                               area__plan__title_en="National Action Plan 2020–2022", area__plan__slug="nap-2020-2022")
    plan = activity.plan
    study = StudyFactory(plan=plan, slug="local-2022", title_az="Yerli sorğu 2022", title_en="Local survey 2022", aggregate_only=True)
    AggregateResult.objects.create(study=study, key="nap_aware", choice="yes", label="Aware", numerator=15, denominator=65)
    Indicator.objects.create(study=study, code="nap_aware", title_az="Plandan xəbərdar olanlar", title_en="Aware of the plan",
                             kind=Indicator.Kind.PUBLISHED, aggregate_key="nap_aware", aggregate_choice="yes")
    findings.compute_study(study)
    event = EventFactory(title_az="İcma ilə görüş", title_en="Community meeting", summary_az="Görüş", summary_en="A meeting")
    proposal = ProposalFactory(status="submitted", submitted_on=dt.date(2022, 6, 1))
    platform = DialoguePlatformFactory(name_az="Quba Dialoq Platforması", name_en="Guba Dialogue Platform")
    project = ProjectFactory(title_az="Yerli özünüidarəyə dəstək", title_en="Support to local self-government")
    ManualValueFactory(indicator=IndicatorFactory(project=project), value=5)  # half of the target of 10
    municipality = MunicipalityFactory(name_az="Nümunə bələdiyyəsi", name_en="Sample municipality")
    PublicationFactory(organization=municipality, item=ItemFactory())
    PeriodFactory()  # March 2022: the disclosure page draws the index at the end of each period
    return {
        "home": ("/{}/", {"az": "Açıq hökumət üzrə Fəaliyyət Planı icmalarımıza çatırmı?",
                          "en": "Is the Open Government Action Plan reaching our communities?"}),
        "plan": ("/{}/plans/nap-2020-2022/", {"az": "Milli Fəaliyyət Planı 2020–2022", "en": "National Action Plan 2020–2022"}),
        "activity": ("/{}/plans/nap-2020-2022/activities/5.1/", {"az": "5.1 Bələdiyyə səhifələri", "en": "5.1 Municipal pages"}),
        "study results": ("/{}/findings/local-2022/", {"az": "Yerli sorğu 2022", "en": "Results: Local survey 2022"}),
        "indicator": ("/{}/findings/local-2022/indicators/nap_aware/", {"az": "Plandan xəbərdar olanlar", "en": "Aware of the plan"}),
        "event": ("/{}/engagement/events/" + event.slug + "/", {"az": "İcma ilə görüş", "en": "Community meeting"}),
        "proposal": ("/{}/engagement/proposals/" + str(proposal.number) + "/", {"az": str(proposal.number), "en": f"Proposal no. {proposal.number}"}),
        "platform": ("/{}/engagement/platforms/" + platform.slug + "/", {"az": "Quba Dialoq Platforması", "en": "Guba Dialogue Platform"}),
        "project": ("/{}/projects/" + project.slug + "/", {"az": "Yerli özünüidarəyə dəstək", "en": "Support to local self-government"}),
        "municipality disclosure": ("/{}/disclosure/organizations/" + municipality.slug + "/",
                                    {"az": "Nümunə bələdiyyəsi", "en": "Sample municipality"}),
    }


PAGES = ["home", "plan", "activity", "study results", "indicator", "event", "proposal", "platform", "project", "municipality disclosure"]


@pytest.mark.parametrize("language", ["az", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_main_pages_carry_absolute_open_graph_tags_in_their_language(client, pages, page, language):
    pattern, titles = pages[page]
    path = pattern.format(language)
    response = client.get(path)
    assert response.status_code == 200
    head = Head(response.content.decode())

    assert titles[language] in head.one("og:title")
    assert head.one("og:description").strip()
    assert head.one("og:url") == SITE + path
    assert head.one("og:type") == ("website" if page == "home" else "article")
    assert head.one("og:image") == f"{SITE}/static/img/og-default.png"
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630")
    assert head.one("og:locale") == LOCALES[language]
    assert head.one("og:locale:alternate") == LOCALES["en" if language == "az" else "az"]
    assert head.one("twitter:card") == "summary_large_image"


@pytest.mark.parametrize("page", PAGES)
def test_main_pages_name_their_canonical_address_and_each_language_version(client, pages, page):
    pattern, _titles = pages[page]
    head = Head(client.get(pattern.format("en") + "?page=2&local=1").content.decode())

    assert head.link("canonical") == SITE + pattern.format("en")  # the permalink: no filters
    assert head.link("alternate", "az") == SITE + pattern.format("az")
    assert head.link("alternate", "en") == SITE + pattern.format("en")
    assert head.link("alternate", "x-default") == SITE + pattern.format("az")


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_visit_of_a_main_page_sets_no_cookie(client, pages, page):
    response = client.get(pages[page][0].format("az"))
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.text and "hx-headers" not in response.text


def test_the_language_switch_links_to_the_same_page_in_the_other_language(client, pages):
    response = client.get("/en/plans/nap-2020-2022/?local=1")
    head = Head(response.content.decode())

    switch = [anchor for anchor in head.anchors if anchor.get("hreflang")]
    assert [(anchor["hreflang"], anchor["href"]) for anchor in switch] == [("az", "/az/plans/nap-2020-2022/?local=1")]
    assert re.search(r'<span class="current" lang="en" aria-current="true"[^>]*>EN</span>', response.text)
    assert '<form class="language-switch"' not in response.text

    followed = client.get(switch[0]["href"])
    assert followed.status_code == 200 and '<html lang="az"' in followed.text
    assert 'href="/en/plans/nap-2020-2022/?local=1"' in followed.text


def test_the_language_switch_keeps_its_look_on_every_page(client, pages):
    for page in PAGES:
        html = client.get(pages[page][0].format("az")).content.decode()
        assert '<nav class="language-switch"' in html, page
        assert re.search(r'<a href="/en/[^"]*" hreflang="en" lang="en" title="English">EN', html), page


def test_a_logged_in_users_pages_carry_the_csrf_header_for_htmx(client_for, coordinator, pages):
    response = client_for(coordinator).get("/az/plans/nap-2020-2022/")
    body = Head(response.content.decode()).body
    token = re.fullmatch(r'\{"X-CSRFToken": "(\w+)"\}', body["hx-headers"])
    assert token, body


def test_the_login_form_still_carries_its_own_csrf_token(client):
    response = client.get("/az/accounts/login/")
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert "csrftoken" in response.cookies


def test_a_self_completion_form_still_carries_its_own_csrf_token(client, coordinator):
    study = StudyFactory(organization=coordinator.organization, status="collecting")
    QuestionnaireFactory(study=study)
    link = create_self_link(study, coordinator)
    response = client.get(f"/az/studies/s/{link.token}/")
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.text and "csrftoken" in response.cookies


# --- Permalinks and charts -----------------------------------------------------------------------------


def test_the_study_results_offer_a_permalink_to_each_chart(client, pages):
    html = client.get("/en/findings/local-2022/").content.decode()
    assert 'id="indicator-nap_aware"' in html
    assert f'<a class="permalink" href="{SITE}/en/findings/local-2022/#indicator-nap_aware">Link to this chart' in html


def test_the_indicator_page_offers_a_permalink_to_its_chart(client, pages):
    html = client.get("/en/findings/local-2022/indicators/nap_aware/").content.decode()
    assert 'id="figure-heading"' in html
    assert f'href="{SITE}/en/findings/local-2022/indicators/nap_aware/#figure-heading"' in html


class Charts(HTMLParser):
    """Every drawn part of a chart (an element with a ``bar…`` class) and whether it, or an
    element around it, hides it from screen readers; and the page's visible text."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html: str):
        super().__init__()
        self.hidden: list[bool] = []
        self.bars: list[tuple[str, bool]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = (self.hidden[-1] if self.hidden else False) or attrs.get("aria-hidden") == "true"
        if any(name.startswith("bar") for name in (attrs.get("class") or "").split()):
            self.bars.append((attrs["class"], hidden))
        if tag not in self.VOID:
            self.hidden.append(hidden)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.hidden:
            self.hidden.pop()

    def handle_data(self, data):
        if not (self.hidden and self.hidden[-1]):
            self.text.append(data)


@pytest.mark.parametrize("page", ["study results", "indicator", "project", "municipality disclosure"])
def test_every_chart_is_hidden_from_screen_readers_behind_a_text_equivalent(client, pages, page):
    charts = Charts(client.get(pages[page][0].format("en")).content.decode())
    assert charts.bars, "the page draws no chart: the test data should give it one"
    assert [name for name, hidden in charts.bars if not hidden] == []
    visible = re.sub(r"\s+", " ", " ".join(charts.text))
    if page in ("study results", "indicator"):
        assert "23.1%" in visible and "15 of 65" in visible  # the rate and its counts, as text
    elif page == "municipality disclosure":
        assert "Index at the end of each period" in visible and "100.0" in visible
    else:
        assert "50%" in visible  # the share of the target the bar draws


def test_the_default_sharing_image_is_a_1200_by_630_png():
    path = finders.find("img/og-default.png")
    assert path
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
