"""Query discipline: no public list page or API list costs more queries when there is more data.

Each page of :data:`PAGES` is requested over a small synthetic country and over one four times
larger (more municipalities in more districts, more respondents, questions, events and proposals,
and one survey round more: see SMALL and LARGE), both made by :mod:`ogmonitor.demo.scale`; the
number of queries at the larger size must not exceed the smaller size's (plus, for the few pages
that work study by study, ``per_study`` queries for the extra round), nor a ceiling. A query per
row (an N+1) shows up as growth; a query per item of something the sizes do not change (the 78
districts, the checklist's items) as a count over the ceiling.

Both datasets are generated once for the module, inside a transaction rolled back at the end,
and every page is requested once before it is measured, so one-off queries (content types,
a cache warming) count at neither size. The page cache is cleared before each request.

:data:`PAGES` is kept by hand from the URLconf (``ogmonitor/*/urls*.py``, ``api/urls.py``);
``test_every_api_list_is_in_the_table`` fails when an API list is added without a line here.
"""

from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ogmonitor.demo.scale import ScaleSpec, generate
from ogmonitor.portal.opendata import REGISTRY

# The marker makes pytest-django create the test database; the data itself comes from the
# module's fixture (``measured``), set up before each test's own transaction begins.
pytestmark = pytest.mark.django_db

SMALL = ScaleSpec(municipalities=3, respondents=10, questions=3, rounds=2, seed=3,
                  events_per_municipality=2, proposals_per_municipality=4)
LARGE = ScaleSpec(municipalities=12, respondents=40, questions=6, rounds=3, seed=3,
                  events_per_municipality=3, proposals_per_municipality=6)

#: No list page may need more queries than this at either size.
CEILING = 40

STUDY = "synthetic-round-2"
PLAN = "synthetic-nap"
MUNICIPALITY = "synthetic-municipality-0001"
COMMUNITY = "synthetic-village-0001-1"
PROJECT = "synthetic-project"


@dataclass(frozen=True)
class Page:
    """A URL to measure: its name and arguments, a query string, and who asks."""

    name: str
    args: tuple = ()
    query: str = ""
    who: str = "anonymous"  # or "coordinator": a coordinator of the NGO that runs the studies
    #: Queries allowed per published study beyond the smaller size's (LARGE has one round more).
    per_study: int = 0
    ceiling: int = 0  # 0: CEILING

    @property
    def id(self) -> str:
        """'engagement:proposals overdue=on coordinator': name, arguments, query, who if staff."""
        parts = [self.name, *self.args, self.query, "" if self.who == "anonymous" else self.who]
        return " ".join(part for part in parts if part)

    def url(self, places: dict) -> str:
        args = [places.get(arg, arg) for arg in self.args]
        return reverse(self.name, args=args) + (f"?{self.query}" if self.query else "")


PER_STUDY_DATASETS = {"indicator-results", "findings"}
DISTRICT = "<district>"  # the first district with synthetic municipalities (the same at both sizes)
PLATFORM = "<platform>"  # its dialogue platform

PAGES = [
    # The public site.
    # The home page is a dashboard: a few aggregate queries per section, and the progress of at
    # most portal.services.HOME_PROJECTS projects (~20 queries each); cached for visitors.
    Page("portal:home", ceiling=60),
    Page("portal:datasets"),
    Page("portal:datapackage"),
    # Indicator results and findings call the findings engine once per published study (5
    # queries), as portal/opendata.py says: rounds are few (one or two a year).
    *(Page(f"portal:{view}", (slug,), per_study=5 if slug in PER_STUDY_DATASETS else 0)
      for slug in REGISTRY for view in ("dataset", "dataset_csv", "dataset_json")),
    Page("plans:list"),
    Page("plans:detail", (PLAN,)),
    Page("plans:activity", (PLAN, "1.1")),
    Page("plans:dashboard", (PLAN,)),
    Page("engagement:responsiveness"),
    Page("surveys:list"),
    Page("surveys:study", (STUDY,)),
    Page("findings:study", (STUDY,)),
    Page("findings:indicator", (STUDY, "q001")),
    Page("reports:list", (STUDY,)),
    Page("places:districts"),
    Page("places:district", (DISTRICT,)),
    Page("places:community", (COMMUNITY,)),
    Page("places:organizations"),
    Page("places:organizations", query="type=municipality"),
    Page("places:organization", (MUNICIPALITY,)),
    Page("engagement:index"),
    Page("engagement:events"),
    Page("engagement:events", query=f"district={DISTRICT}"),
    Page("engagement:proposals"),
    Page("engagement:proposals", query="overdue=on"),
    Page("engagement:platforms"),
    Page("engagement:platform", (PLATFORM,)),
    Page("engagement:chronology"),
    Page("engagement:chronology_plan", (PLAN,)),
    Page("disclosure:ranking"),
    Page("disclosure:checklist"),
    Page("disclosure:organization", (MUNICIPALITY,)),
    Page("logframe:list"),
    Page("logframe:project", (PROJECT,)),
    # The API's lists (and its two list-like views).
    *(Page(f"api:v1:{basename}-list") for basename in (
        "district", "community", "organisation", "plan", "activity", "study", "recommendation", "report",
        "event", "proposal", "platform", "project", "disclosure-item", "disclosure-period", "disclosure-publication",
    )),
    Page("api:v1:study-indicator-list", (STUDY,)),
    Page("api:v1:study-finding-list", (STUDY,)),
    Page("api:v1:event-list", query=f"municipality={MUNICIPALITY}"),
    Page("api:v1:proposal-list", query="status=submitted"),
    Page("api:v1:disclosure-ranking"),
    Page("api:v1:disclosure-checklist", (MUNICIPALITY,)),
    # Staff lists.
    Page("surveys:list", who="coordinator"),
    Page("plans:assessments", who="coordinator"),
    Page("surveys:review_list", (STUDY,), who="coordinator"),
    Page("surveys:import_list", (STUDY,), who="coordinator"),
    Page("findings:study", (STUDY,), who="coordinator"),
    Page("engagement:events", who="coordinator"),
    Page("engagement:proposals", who="coordinator"),
    Page("engagement:proposals", query="overdue=on", who="coordinator"),
    Page("disclosure:ranking", who="coordinator"),
]


@dataclass
class Measurement:
    small: int = 0
    large: int = 0
    statuses: set = field(default_factory=set)
    sql: list = field(default_factory=list)  # the larger size's queries, to read when a test fails


def _places() -> dict:
    from ogmonitor.engagement.models import DialoguePlatform
    from ogmonitor.places.models import Organization

    district = Organization.objects.get(slug=MUNICIPALITY).district
    return {DISTRICT: district.code, PLATFORM: DialoguePlatform.objects.get(district=district).slug}


def _get(client: Client, url: str) -> tuple[int, list[str]]:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, [query["sql"] for query in queries.captured_queries]


def _measure_all(clients: dict, results: dict, size: str) -> None:
    places = _places()
    for page in PAGES:
        url = page.url(places)
        client = clients[page.who]
        _get(client, url)  # warm up
        status, sql = _get(client, url)
        measurement = results.setdefault(page.id, Measurement())
        setattr(measurement, size, len(sql))
        measurement.statuses.add(status)
        if size == "large":
            measurement.sql = sql


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker, tmp_path_factory):
    """{page id: Measurement} over both sizes, in one transaction rolled back afterwards."""
    from ogmonitor.accounts.factories import UserFactory
    from ogmonitor.accounts.roles import Role
    from ogmonitor.demo.scale import NETWORK_SLUG
    from ogmonitor.places.models import Organization

    results: dict[str, Measurement] = {}
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            coordinator = UserFactory(username="scale-coordinator", role=Role.COORDINATOR)
            clients = {"anonymous": Client(), "coordinator": Client()}
            clients["coordinator"].force_login(coordinator)
            for size, spec in (("small", SMALL), ("large", LARGE)):
                generate(spec, replace=True)
                coordinator.organization = Organization.objects.get(slug=NETWORK_SLUG)
                coordinator.save(update_fields=["organization"])
                _measure_all(clients, results, size)
            transaction.set_rollback(True)
    cache.clear()
    # The table, shown with ``pytest -s`` (and beside any failure).
    print(f"\n{'page':<70}{'small':>7}{'large':>7}")
    for page_id, measurement in results.items():
        print(f"{page_id:<70}{measurement.small:>7}{measurement.large:>7}")
    return results


@pytest.mark.parametrize("page", PAGES, ids=[page.id for page in PAGES])
def test_queries_do_not_grow_with_the_data(measured, page):
    measurement = measured[page.id]
    assert measurement.statuses == {200}, f"{page.id}: HTTP {measurement.statuses}"
    detail = "\n".join(measurement.sql)
    allowed = measurement.small + page.per_study * (LARGE.rounds - SMALL.rounds)
    assert measurement.large <= allowed, (
        f"{page.id}: {measurement.small} queries over the small dataset, {measurement.large} over the large one:\n{detail}"
    )
    ceiling = page.ceiling or CEILING
    assert measurement.large <= ceiling, f"{page.id}: {measurement.large} queries (ceiling {ceiling}):\n{detail}"


def test_each_page_is_listed_once():
    ids = [page.id for page in PAGES]
    assert len(ids) == len(set(ids))


def test_every_api_list_is_in_the_table():
    """A list endpoint added to the API router must be measured here too."""
    from ogmonitor.api.urls import router

    api_lists = {f"api:v1:{url.name}" for url in router.urls if url.name and url.name.endswith("-list")}
    assert len(api_lists) >= 15
    assert api_lists <= {page.name for page in PAGES}, sorted(api_lists - {page.name for page in PAGES})
