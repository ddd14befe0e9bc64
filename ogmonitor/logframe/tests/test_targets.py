"""Targets: each kind's percent, met and status, at the boundaries and as properties (hypothesis)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ogmonitor.logframe.targets import Status, elapsed_share, evaluate

START = dt.date(2022, 3, 2)
DUE = dt.date(2022, 7, 31)
AFTER = dt.date(2022, 8, 1)
MIDWAY = START + (DUE - START) / 2  # 75 of 151 days


def judge(kind, target, actual, *, target_max=None, today=AFTER, due=DUE):
    return evaluate(kind, target, target_max, actual, start=START, due=due, today=today)


# --- Exact ------------------------------------------------------------------------------------


def test_an_exact_target_is_met_only_by_that_number():
    assert judge("exact", 2, 2).met
    assert judge("exact", 2, 2).status == Status.MET
    assert not judge("exact", 2, 1).met
    assert judge("exact", 2, 1).status == Status.BEHIND


def test_more_than_an_exact_target_is_not_met_but_said_to_be_above():
    result = judge("exact", 2, 3)
    assert not result.met and result.above
    assert result.status == Status.ABOVE
    assert result.percent == Decimal(150)


# --- Minimum ------------------------------------------------------------------------------------


def test_a_minimum_is_met_at_the_minimum_and_above():
    assert not judge("minimum", 50, 49).met
    assert judge("minimum", 50, 50).met
    assert judge("minimum", 50, 51).met
    assert not judge("minimum", 50, 80).above


def test_percent_is_the_actual_over_the_target():
    assert judge("minimum", 50, 20).percent == Decimal(40)
    assert judge("minimum", 30, 45).percent == Decimal(150)
    assert judge("minimum", 0, 5).percent is None


# --- Range --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("actual", "met", "above"), [
    (199, False, False), (200, True, False), (250, True, False), (300, True, False), (301, False, True),
])
def test_a_range_is_met_within_both_ends_and_above_the_upper_end_is_flagged(actual, met, above):
    result = judge("range", 200, actual, target_max=300)
    assert (result.met, result.above) == (met, above)


def test_a_range_percent_is_measured_against_its_lower_end():
    assert judge("range", 200, 150, target_max=300).percent == Decimal(75)
    assert judge("range", 200, 330, target_max=300).percent == Decimal(165)
    assert judge("range", 200, 330, target_max=300).status == Status.ABOVE


# --- Milestone ----------------------------------------------------------------------------------


def test_a_milestone_is_met_by_one_and_behind_only_after_its_due_date():
    assert judge("milestone", None, 1).met
    assert judge("milestone", None, 1).percent == Decimal(100)
    assert judge("milestone", None, 0, today=DUE).status == Status.ON_TRACK
    assert judge("milestone", None, 0, today=AFTER).status == Status.BEHIND
    assert judge("milestone", None, 0).percent == Decimal(0)


def test_a_milestone_without_any_value_has_no_percent_and_is_not_yet_behind_before_due():
    result = judge("milestone", None, None, today=MIDWAY)
    assert result.percent is None and not result.met
    assert result.status == Status.ON_TRACK


# --- Status over time ------------------------------------------------------------------------------


def test_nothing_is_behind_before_the_project_starts():
    assert judge("minimum", 50, 0, today=START - dt.timedelta(days=1)).status == Status.NOT_STARTED
    assert judge("milestone", None, 0, today=START - dt.timedelta(days=1)).status == Status.NOT_STARTED


def test_on_track_means_at_least_the_straight_line_share_of_the_target():
    # Day 75 of 151: 75/151 × 30 = 14.9 proposals expected.
    assert judge("minimum", 30, 15, today=MIDWAY).status == Status.ON_TRACK
    assert judge("minimum", 30, 14, today=MIDWAY).status == Status.BEHIND
    assert judge("minimum", 30, 14, today=MIDWAY).expected == Decimal(30) * Decimal(75) / Decimal(151)


def test_on_the_start_day_nothing_is_expected_yet():
    assert judge("minimum", 30, 0, today=START).status == Status.ON_TRACK


def test_the_indicators_own_due_date_replaces_the_projects_end():
    early = dt.date(2022, 4, 30)
    assert judge("minimum", 12, 11, today=dt.date(2022, 5, 1), due=early).status == Status.BEHIND
    assert judge("milestone", None, 0, today=dt.date(2022, 5, 1), due=early).status == Status.BEHIND


def test_a_numeric_indicator_without_a_target_says_so():
    result = judge("minimum", None, 5)
    assert result.status == Status.NO_TARGET and result.percent is None and not result.met


def test_a_missing_actual_counts_as_nothing_for_the_status():
    assert judge("minimum", 10, None, today=MIDWAY).status == Status.BEHIND
    assert judge("minimum", 10, None).percent is None


def test_elapsed_share_is_clamped_and_a_one_day_period_is_whole_on_its_day():
    assert elapsed_share(START, DUE, START - dt.timedelta(days=5)) == 0
    assert elapsed_share(START, DUE, DUE + dt.timedelta(days=5)) == 1
    assert elapsed_share(START, START, START) == 1


# --- Properties ------------------------------------------------------------------------------------

kinds = st.sampled_from(["exact", "minimum", "range", "milestone"])
numbers = st.integers(min_value=0, max_value=10_000)
days = st.integers(min_value=-30, max_value=200)


@given(kind=kinds, low=numbers, width=numbers, actual=numbers, day=days)
def test_met_always_shows_as_met_and_never_as_behind(kind, low, width, actual, day):
    result = evaluate(kind, low, low + width, actual, start=START, due=DUE, today=START + dt.timedelta(days=day))
    assert (result.status == Status.MET) == result.met
    if result.met:
        assert result.status != Status.BEHIND


@given(kind=kinds, low=st.integers(min_value=1, max_value=10_000), width=numbers, actual=numbers,
       more=st.integers(min_value=1, max_value=1000))
def test_the_percent_grows_with_the_actual(kind, low, width, actual, more):
    before = evaluate(kind, low, low + width, actual, start=START, due=DUE, today=AFTER)
    after = evaluate(kind, low, low + width, actual + more, start=START, due=DUE, today=AFTER)
    assert after.percent >= before.percent
    assert Decimal(0) <= after.bar_percent <= Decimal(100)


@given(kind=st.sampled_from(["exact", "minimum", "range"]), low=st.integers(min_value=1, max_value=10_000),
       width=numbers, short=st.integers(min_value=1, max_value=10_000))
def test_after_the_due_date_a_number_short_of_the_target_is_behind(kind, low, width, short):
    actual = max(0, low - short)
    result = evaluate(kind, low, low + width, actual, start=START, due=DUE, today=AFTER)
    assert result.status == Status.BEHIND


@given(kind=kinds, low=numbers, width=numbers, actual=numbers, day=st.integers(min_value=1, max_value=60))
def test_before_the_start_only_met_or_above_or_not_started(kind, low, width, actual, day):
    result = evaluate(kind, low, low + width, actual, start=START, due=DUE, today=START - dt.timedelta(days=day))
    assert result.status in (Status.MET, Status.ABOVE, Status.NOT_STARTED)
