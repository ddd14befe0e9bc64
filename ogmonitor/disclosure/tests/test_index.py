"""The transparency index: weights, currency, what counts, rankings with ties, districts, change."""

import datetime as dt
from decimal import Decimal

import pytest

from ogmonitor.disclosure import index
from ogmonitor.disclosure.factories import ItemFactory, PeriodFactory, PublicationFactory
from ogmonitor.disclosure.index import Moment, State, competition_ranks, item_state
from ogmonitor.disclosure.models import Item, Period
from ogmonitor.places.factories import (
    CommunityFactory,
    DistrictFactory,
    MunicipalityFactory,
    OrganizationFactory,
)
from ogmonitor.places.models import Organization

MARCH_1 = dt.date(2022, 3, 1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- Pure rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "latest, days, as_of, state",
    [
        (None, 30, "2022-04-01", State.MISSING),
        ("2022-03-01", None, "2030-01-01", State.CURRENT),  # never expires
        ("2022-03-01", 30, "2022-03-01", State.CURRENT),  # published that very day
        ("2022-03-01", 30, "2022-03-31", State.CURRENT),  # the last day it counts: as_of − 30 days
        ("2022-03-01", 30, "2022-04-01", State.STALE),  # one day later
        ("2022-03-01", 0, "2022-03-01", State.CURRENT),
        ("2022-03-01", 0, "2022-03-02", State.STALE),
        ("2022-03-02", 30, "2022-03-01", State.MISSING),  # not yet published on the day
    ],
)
def test_an_item_is_current_up_to_and_including_its_last_day(latest, days, as_of, state):
    assert item_state(d(latest) if latest else None, days, d(as_of)) == state


def test_the_last_day_a_publication_counts_is_its_date_plus_the_days_it_stays_current():
    assert index.expires_on(MARCH_1, 30) == d("2022-03-31")
    assert index.expires_on(MARCH_1, None) is None


def test_competition_ranks_share_a_rank_and_skip_the_next():
    values = [Decimal("100"), Decimal("80"), Decimal("80"), Decimal("50"), None, Decimal("50")]
    assert competition_ranks(values) == [1, 2, 2, 4, None, 4]


def test_the_index_is_rounded_half_up_to_one_decimal():
    score = index.Score(as_of=MARCH_1, current_weight=Decimal(2), applicable_weight=Decimal(3))
    assert score.index == Decimal("66.7")
    assert index.Score(as_of=MARCH_1, current_weight=Decimal(1), applicable_weight=Decimal(8)).index == Decimal("12.5")
    assert index.Score(as_of=MARCH_1).index is None  # nothing applies: no index, not 0


# --- Scores from the database ---------------------------------------------------------------------


@pytest.fixture
def checklist(db):
    """Weights 3, 1 and 1 for municipalities (one expires after 30 days), plus items that must not count."""
    return {
        "budget": ItemFactory(code="budget", weight=Decimal(3)),
        "contacts": ItemFactory(code="contacts", weight=Decimal(1)),
        "decisions": ItemFactory(code="decisions", weight=Decimal(1), current_for_days=30),
        "cbo_report": ItemFactory(code="cbo-report", weight=Decimal(5), applies_to=Item.AppliesTo.COMMUNITY_ORGANIZATION),
        "old": ItemFactory(code="old", weight=Decimal(5), is_active=False),
        "shared": ItemFactory(code="shared", weight=Decimal(2), applies_to=Item.AppliesTo.BOTH),
    }


def score_of(organization, as_of):
    return index.assess([organization], [as_of])[organization.pk][0]


def test_the_index_weighs_current_items_over_applicable_ones(checklist, municipality):
    PublicationFactory(organization=municipality, item=checklist["budget"], published_on=MARCH_1)

    score = score_of(municipality, d("2022-03-10"))

    # Applicable: budget 3 + contacts 1 + decisions 1 + shared 2 = 7; current: budget 3.
    assert score.applicable_weight == Decimal(7) and score.current_weight == Decimal(3)
    assert score.index == Decimal("42.9")
    assert (score.current, score.stale, score.missing, score.publications) == (1, 0, 3, 1)


def test_an_item_stops_counting_the_day_after_its_currency_ends(checklist, municipality):
    PublicationFactory(organization=municipality, item=checklist["decisions"], published_on=MARCH_1)

    on_last_day = score_of(municipality, d("2022-03-31"))
    day_after = score_of(municipality, d("2022-04-01"))

    assert (on_last_day.current, on_last_day.stale, on_last_day.index) == (1, 0, Decimal("14.3"))
    assert (day_after.current, day_after.stale, day_after.index) == (0, 1, Decimal("0.0"))


def test_a_newer_publication_makes_an_expired_item_current_again(checklist, municipality):
    PublicationFactory(organization=municipality, item=checklist["decisions"], published_on=MARCH_1)
    PublicationFactory(organization=municipality, item=checklist["decisions"], published_on=d("2022-04-20"))

    assert score_of(municipality, d("2022-04-10")).stale == 1
    assert score_of(municipality, d("2022-04-20")).current == 1


def test_items_for_other_organisations_and_inactive_items_do_not_count(checklist, municipality):
    cbo = OrganizationFactory(type=Organization.Type.COMMUNITY_ORGANIZATION)
    for item in ("cbo_report", "old"):
        PublicationFactory(organization=municipality, item=checklist[item], published_on=MARCH_1)
    PublicationFactory(organization=cbo, item=checklist["cbo_report"], published_on=MARCH_1)

    municipal = score_of(municipality, d("2022-03-10"))
    community = score_of(cbo, d("2022-03-10"))

    assert (municipal.applicable, municipal.applicable_weight, municipal.index) == (4, Decimal(7), Decimal("0.0"))
    # Publications of any item are still counted as publications.
    assert municipal.publications == 2
    # The CBO is expected to publish its report (5) and the shared item (2).
    assert (community.applicable, community.applicable_weight, community.index) == (2, Decimal(7), Decimal("71.4"))


def test_an_organisation_the_checklist_is_not_for_has_no_index(checklist):
    ngo = OrganizationFactory(type=Organization.Type.NGO)
    assert score_of(ngo, MARCH_1).index is None
    assert not index.has_checklist(ngo)


def test_publications_dated_after_the_day_are_ignored(checklist, municipality):
    PublicationFactory(organization=municipality, item=checklist["budget"], published_on=d("2022-03-11"))
    score = score_of(municipality, d("2022-03-10"))
    assert (score.current, score.publications) == (0, 0)


def test_one_organisations_checklist_agrees_with_the_bulk_computation(checklist, municipality):
    PublicationFactory(organization=municipality, item=checklist["decisions"], published_on=MARCH_1,
                       title="İclasın qərarları")
    latest = PublicationFactory(organization=municipality, item=checklist["decisions"], published_on=d("2022-03-05"))
    PublicationFactory(organization=municipality, item=checklist["contacts"], published_on=MARCH_1)

    sheet = index.organization_checklist(municipality, d("2022-04-05"))

    assert sheet.score == score_of(municipality, d("2022-04-05"))
    rows = {row.item.code: row for row in sheet.rows}
    assert list(rows) == ["budget", "contacts", "decisions", "shared"]
    assert rows["decisions"].publication == latest and rows["decisions"].count == 2
    assert rows["decisions"].state == State.STALE and rows["decisions"].expires_on == d("2022-04-04")
    assert rows["contacts"].state == State.CURRENT and rows["budget"].state == State.MISSING


def test_many_organisations_and_dates_take_two_queries(checklist, django_assert_max_num_queries):
    organizations = [MunicipalityFactory() for _ in range(25)]
    for number, organization in enumerate(organizations):
        for offset in range(number % 4):
            PublicationFactory(organization=organization, item=checklist["decisions"],
                               published_on=MARCH_1 + dt.timedelta(days=20 * offset))
    dates = [d("2022-03-31"), d("2022-04-30"), d("2022-05-31"), d("2022-06-30")]

    with django_assert_max_num_queries(2):
        scores = index.assess(organizations, dates)

    assert len(scores) == 25 and all(len(series) == 4 for series in scores.values())
    # Three decisions published on 1 March, 21 March and 10 April: current at the end of
    # March and April, stale at the end of May (10 April + 30 days = 10 May).
    third = [score.current for score in scores[organizations[3].pk]]
    assert third == [1, 1, 0, 0]


# --- Rankings ----------------------------------------------------------------------------------


def municipality_named(name_az, district, **kwargs):
    community = CommunityFactory(district=district, name_az=name_az, name_en=name_az)
    return MunicipalityFactory(community=community, name_az=f"{name_az} bələdiyyəsi", name_en=f"{name_az} municipality", **kwargs)


def test_tied_municipalities_share_a_rank_and_are_listed_in_azerbaijani_order(checklist):
    district = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
    # Python's sorted() would put Çalı, İmişli and Şamaxı after Zəngilan, and İ after I.
    names = ["Zəngilan", "Şamaxı", "İmişli", "Ismayıllı", "Çalı", "Cəlilabad", "Ağdam"]
    tied = [municipality_named(name, district) for name in names]
    leader = municipality_named("Yardımlı", district)
    last = municipality_named("Balakən", district)
    for organization in [*tied, leader]:
        PublicationFactory(organization=organization, item=checklist["budget"], published_on=MARCH_1)
    PublicationFactory(organization=leader, item=checklist["contacts"], published_on=MARCH_1)
    PublicationFactory(organization=last, item=checklist["decisions"], published_on=d("2021-01-10"))  # stale
    municipality_named("Astara", district)  # nothing recorded: not monitored, not ranked

    result = index.ranking(Organization.objects.all(), Moment(as_of=d("2022-03-10")), None)

    listed = [(row.rank, row.organization.name_az.removesuffix(" bələdiyyəsi")) for row in result.municipalities]
    assert listed == [
        (1, "Yardımlı"),
        (2, "Ağdam"), (2, "Cəlilabad"), (2, "Çalı"), (2, "Ismayıllı"), (2, "İmişli"), (2, "Şamaxı"), (2, "Zəngilan"),
        (9, "Balakən"),
    ]
    assert result.municipalities[-1].index == Decimal("0.0")


def test_community_based_organisations_are_ranked_apart_from_municipalities(checklist):
    cbo = OrganizationFactory(type=Organization.Type.COMMUNITY_ORGANIZATION, name_az="İcma birliyi")
    ngo = OrganizationFactory(type=Organization.Type.NGO)  # not ranked at all
    municipality = MunicipalityFactory()
    PublicationFactory(organization=cbo, item=checklist["cbo_report"], published_on=MARCH_1)
    PublicationFactory(organization=municipality, item=checklist["budget"], published_on=d("2022-04-01"))
    PublicationFactory(organization=ngo, item=checklist["budget"], published_on=MARCH_1)

    result = index.ranking(Organization.objects.all(), Moment(as_of=d("2022-03-10")), None)

    assert [row.organization for row in result.municipalities] == [municipality]
    assert [(row.organization, row.rank, row.index) for row in result.community_organizations] == [
        (cbo, 1, Decimal("71.4"))
    ]


def test_districts_are_ranked_by_the_mean_index_of_their_municipalities(checklist):
    guba = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
    gusar = DistrictFactory(code="AZ-QUS", name_az="Qusar", name_en="Gusar")
    shabran = DistrictFactory(code="AZ-SBN", name_az="Şabran", name_en="Shabran")
    # Guba: 3/7 and 0 → mean 21.4 (n 2); Gusar: 3/7 → 42.9 (n 1); Shabran: 0 and 3/7 → 21.4 (n 2).
    published = [municipality_named("Amsar", guba), municipality_named("Digah", gusar), municipality_named("Zeyvə", shabran)]
    stale = [municipality_named("Qəçrəş", guba), municipality_named("Dəvəçi", shabran)]
    municipality_named("Hil", gusar)  # nothing recorded: not in the mean
    for organization in published:
        PublicationFactory(organization=organization, item=checklist["budget"], published_on=MARCH_1)
    for organization in stale:
        PublicationFactory(organization=organization, item=checklist["decisions"], published_on=d("2021-03-01"))
    cbo = OrganizationFactory(type=Organization.Type.COMMUNITY_ORGANIZATION, district=guba)
    PublicationFactory(organization=cbo, item=checklist["cbo_report"], published_on=MARCH_1)  # not in the mean

    result = index.ranking(Organization.objects.all(), Moment(as_of=d("2022-03-10")), None)

    districts = [(row.rank, row.district.code, row.mean, row.count) for row in result.districts]
    assert districts == [
        (1, "AZ-QUS", Decimal("42.9"), 1),
        (2, "AZ-QBA", Decimal("21.4"), 2),  # tied with Şabran, and Q comes before Ş
        (2, "AZ-SBN", Decimal("21.4"), 2),
    ]


def test_the_change_since_the_previous_period_is_in_points(checklist):
    march = PeriodFactory(starts_on=d("2022-03-01"), ends_on=d("2022-03-31"))
    april = PeriodFactory(starts_on=d("2022-04-01"), ends_on=d("2022-04-30"))
    district = DistrictFactory()
    rising, falling = municipality_named("Ağdaş", district), municipality_named("Bərdə", district)
    PublicationFactory(organization=rising, item=checklist["budget"], published_on=d("2022-04-02"))
    PublicationFactory(organization=falling, item=checklist["decisions"], published_on=d("2022-03-10"))

    moments = index.timeline(Period.objects.all(), today=d("2022-04-15"))
    assert [(moment.period, moment.as_of, moment.is_partial) for moment in moments] == [
        (march, d("2022-03-31"), False), (april, d("2022-04-15"), True),
    ]
    result = index.ranking(Organization.objects.all(), moments[1], index.previous_moment(moments, moments[1]))

    rows = {row.organization: row for row in result.municipalities}
    assert (rows[rising].previous.index, rows[rising].index, rows[rising].change) == (Decimal("0.0"), Decimal("42.9"), Decimal("42.9"))
    assert (rows[falling].previous.index, rows[falling].index, rows[falling].change) == (Decimal("14.3"), Decimal("0.0"), Decimal("-14.3"))
    assert result.districts[0].change == Decimal("14.3")  # mean 7.1 → 21.4 (rounded from 7.14 → 21.43)


def test_today_compares_with_the_last_period_that_ended():
    periods = [Period(pk=1, starts_on=d("2022-03-01"), ends_on=d("2022-03-31")),
               Period(pk=2, starts_on=d("2022-04-01"), ends_on=d("2022-04-30")),
               Period(pk=3, starts_on=d("2030-01-01"), ends_on=d("2030-01-31"))]
    moments = index.timeline(periods, today=d("2022-04-15"))
    assert [moment.period.pk for moment in moments] == [1, 2]  # a period not started is left out
    assert index.previous_moment(moments, Moment(as_of=d("2022-04-15"))).period.pk == 1
    assert index.previous_moment(moments, moments[0]) is None
