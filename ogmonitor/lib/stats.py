"""Statistics for indicators: Wilson intervals, the two-proportion z-test and a plain verdict.

Pure functions over counts (no Django), thin wrappers around statsmodels so that the numbers
are the ones a statistician would reproduce with it. What the wrappers add is the handling of
the edge cases a survey of a few dozen people hits all the time: an empty base, nobody or
everybody saying yes (statsmodels then returns a bound of 3.5e-18 instead of 0, or a NaN
p-value), a range instead of a count.

statsmodels is imported here, at module level, once: the import costs about two seconds
(STACK-NOTES 3), which must not land inside a request or a hypothesis example.
"""

import math
from collections.abc import Sequence

import numpy as np
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

#: The significance level of the verdicts and the 95% intervals.
ALPHA = 0.05

ROSE, FELL, NO_CLEAR_CHANGE = "rose", "fell", "no_clear_change"


def _check_counts(k: int, n: int) -> None:
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")


def _clip(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def wilson_interval(k: int, n: int, alpha: float = ALPHA) -> tuple[float | None, float | None]:
    """The Wilson score interval of ``k`` out of ``n`` as fractions in [0, 1]; ``(None, None)`` for n = 0."""
    _check_counts(k, n)
    if n == 0:
        return None, None
    low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
    return _clip(low), _clip(high)


def wilson_intervals(
    ks: Sequence[int], ns: Sequence[int], alpha: float = ALPHA
) -> list[tuple[float | None, float | None]]:
    """:func:`wilson_interval` of many cells in one vectorised statsmodels call (same results)."""
    if len(ks) != len(ns):
        raise ValueError("ks and ns differ in length")
    for k, n in zip(ks, ns, strict=True):
        _check_counts(k, n)
    result: list[tuple[float | None, float | None]] = [(None, None)] * len(ks)
    filled = [index for index, n in enumerate(ns) if n > 0]
    if not filled:
        return result
    low, high = proportion_confint(
        np.array([ks[i] for i in filled], dtype=float),
        np.array([ns[i] for i in filled], dtype=float),
        alpha=alpha,
        method="wilson",
    )
    for position, index in enumerate(filled):
        result[index] = (_clip(low[position]), _clip(high[position]))
    return result


def two_proportion_test(k1: int, n1: int, k2: int, n2: int) -> float | None:
    """Two-sided p-value of the pooled two-proportion z-test of k1/n1 against k2/n2.

    None when either base is empty (there is nothing to test). When both rounds say yes
    nobody or everybody the rates are identical and the test's variance is zero: p = 1.0
    (statsmodels would divide by zero).
    """
    _check_counts(k1, n1)
    _check_counts(k2, n2)
    if n1 == 0 or n2 == 0:
        return None
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return 1.0
    _z, p_value = proportions_ztest(np.array([k1, k2]), np.array([n1, n2]), alternative="two-sided")
    p_value = float(p_value)
    return None if math.isnan(p_value) else min(1.0, max(0.0, p_value))


def verdict(p_value: float | None, change: float | None, alpha: float = ALPHA) -> str:
    """"rose" or "fell" when the change is significant at ``alpha``, else "no_clear_change"."""
    if p_value is None or change is None or p_value >= alpha or change == 0:
        return NO_CLEAR_CHANGE
    return ROSE if change > 0 else FELL
