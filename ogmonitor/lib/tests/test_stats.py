import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from ogmonitor.lib import stats


def wilson_by_formula(k: int, n: int) -> tuple[float, float]:
    """The textbook Wilson score interval, as a second opinion on statsmodels."""
    z = norm.ppf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize("k, n", [(15, 65), (34, 64), (1, 3), (4, 12), (54, 65), (2, 15), (7, 7), (0, 5), (0, 1), (1, 1)])
def test_wilson_interval_is_statsmodels_wilson(k, n):
    low, high = stats.wilson_interval(k, n)
    expected_low, expected_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(max(0.0, expected_low), abs=1e-12)
    assert high == pytest.approx(min(1.0, expected_high), abs=1e-12)
    formula_low, formula_high = wilson_by_formula(k, n)
    assert (low, high) == (pytest.approx(max(0, formula_low), abs=1e-9), pytest.approx(min(1, formula_high), abs=1e-9))


def test_wilson_interval_of_the_2022_nap_awareness():
    low, high = stats.wilson_interval(15, 65)
    assert (round(low, 4), round(high, 4)) == (0.1451, 0.3464)  # worked by hand: centre 0.2458 ± 0.1007


def test_nobody_and_everybody_give_exact_bounds():
    # statsmodels gives 3.5e-18 rather than 0 for nobody (STACK-NOTES 3): clipped.
    assert stats.wilson_interval(0, 40)[0] == 0.0
    assert stats.wilson_interval(40, 40)[1] == 1.0
    assert 0 < stats.wilson_interval(0, 40)[1] < 0.1
    assert 0.9 < stats.wilson_interval(40, 40)[0] < 1


def test_an_empty_base_has_no_interval():
    assert stats.wilson_interval(0, 0) == (None, None)


@pytest.mark.parametrize("k, n", [(-1, 5), (6, 5), (0, -1)])
def test_impossible_counts_are_refused(k, n):
    with pytest.raises(ValueError):
        stats.wilson_interval(k, n)


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 500)), max_size=20))
def test_vectorised_intervals_equal_one_by_one(pairs):
    pairs = [(min(k, n), n) for k, n in pairs]
    many = stats.wilson_intervals([k for k, _n in pairs], [n for _k, n in pairs])
    for (k, n), interval in zip(pairs, many, strict=True):
        single = stats.wilson_interval(k, n)
        if n == 0:
            assert interval == (None, None)
        else:
            assert interval == (pytest.approx(single[0], abs=1e-12), pytest.approx(single[1], abs=1e-12))


@pytest.mark.parametrize("k1, n1, k2, n2", [(15, 65, 12, 48), (39, 65, 22, 50), (10, 65, 8, 50), (4, 12, 2, 15), (46, 64, 40, 50)])
def test_two_proportion_test_is_statsmodels_ztest(k1, n1, k2, n2):
    _z, expected = proportions_ztest([k1, k2], [n1, n2])
    assert stats.two_proportion_test(k1, n1, k2, n2) == pytest.approx(expected, abs=1e-12)


def test_degenerate_comparisons():
    assert stats.two_proportion_test(0, 10, 0, 30) == 1.0
    assert stats.two_proportion_test(10, 10, 30, 30) == 1.0
    assert stats.two_proportion_test(0, 0, 3, 10) is None
    assert stats.two_proportion_test(3, 10, 0, 0) is None
    assert stats.two_proportion_test(0, 20, 20, 20) < 1e-6


def test_verdict_in_plain_words():
    assert stats.verdict(0.001, 12.5) == "rose"
    assert stats.verdict(0.001, -12.5) == "fell"
    assert stats.verdict(0.2, 12.5) == "no_clear_change"
    assert stats.verdict(0.05, 3.0) == "no_clear_change"  # at the threshold: not significant
    assert stats.verdict(0.04, 3.0, alpha=0.01) == "no_clear_change"
    assert stats.verdict(None, 3.0) == "no_clear_change"
    assert stats.verdict(0.001, None) == "no_clear_change"
