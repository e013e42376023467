"""Metrics of a model's discrimination and of a population's stability,
refusing input they cannot mean anything for: labels other than 0/1, one
class only, arrays of different lengths, NaN or infinite scores, shares that
are not shares.

    libscore.auc(y, pd)          # area under the ROC curve, ties count half
    libscore.gini(y, pd)         # 2 AUC - 1
    libscore.ks(y, pd)           # max |F_bad - F_good|
    libscore.psi(e, a)           # two share vectors (each sums to 1)
    libscore.psi(x0, x1, bins=10)  # raw values: deciles of the expected

Scores are risk-ordered: a higher score means more risk (a PD). For a
points score where higher is safer, pass -score or use higher_is_riskier=False.
"""
from typing import Any, Sequence, Tuple, Union

import numpy as np

__all__ = ["auc", "gini", "ks", "psi"]

_SHARE_TOLERANCE = 1e-6


def _labels_scores(y_true: Any, score: Any, higher_is_riskier: bool) -> Tuple[np.ndarray,
                                                                              np.ndarray]:
    y = np.asarray(y_true)
    s = np.asarray(score)
    if y.ndim != 1 or s.ndim != 1:
        raise ValueError(f"labels and scores must be one-dimensional, got shapes {y.shape} "
                         f"and {s.shape}")
    if len(y) != len(s):
        raise ValueError(f"{len(y)} labels for {len(s)} scores")
    if y.dtype.kind not in "biuf":
        raise TypeError(f"labels must be 0 or 1, got dtype {y.dtype}")
    if s.dtype.kind not in "biuf":
        raise TypeError(f"scores must be numbers, got dtype {s.dtype}")
    ok = (y == 0) | (y == 1)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise ValueError(f"labels must be 0 or 1; label {i} is {y[i]}")
    s = s.astype(np.float64)
    bad = ~np.isfinite(s)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"score {i} is {s[i]}; every score must be finite")
    y = y.astype(bool)
    n_bad = int(y.sum())
    if n_bad == 0 or n_bad == len(y):
        raise ValueError("both classes are needed (labels 0 and 1), got only "
                         + ("1" if n_bad else "0") + f" in {len(y)} labels")
    return y, (s if higher_is_riskier else -s)


def auc(y_true: Any, score: Any, higher_is_riskier: bool = True) -> float:
    """The area under the ROC curve of scores against 0/1 labels (1 =
    default); tied scores count half."""
    y, s = _labels_scores(y_true, score, higher_is_riskier)
    order = np.argsort(s, kind="mergesort")
    sorted_s = s[order]
    ranks = np.empty(len(s))
    # average ranks of ties
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_s)) + 1]
    ends = np.r_[starts[1:], len(s)]
    for a, b in zip(starts, ends):
        ranks[order[a:b]] = (a + b + 1) / 2.0
    n1 = int(y.sum())
    n0 = len(y) - n1
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def gini(y_true: Any, score: Any, higher_is_riskier: bool = True) -> float:
    """2 AUC - 1."""
    return 2.0 * auc(y_true, score, higher_is_riskier) - 1.0


def ks(y_true: Any, score: Any, higher_is_riskier: bool = True) -> float:
    """The Kolmogorov-Smirnov statistic: the largest gap between the score
    distributions of defaults and non-defaults, over every threshold."""
    y, s = _labels_scores(y_true, score, higher_is_riskier)
    order = np.argsort(s, kind="mergesort")
    sorted_s, sorted_y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(sorted_s)), len(s) - 1]  # end of each tie group
    cum_bad = np.cumsum(sorted_y)[last] / sorted_y.sum()
    cum_good = np.cumsum(~sorted_y)[last] / (~sorted_y).sum()
    return float(np.max(np.abs(cum_bad - cum_good)))


def _shares(values: Any, what: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what} must be numbers, got dtype {arr.dtype}")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if arr.ndim != 1 or len(arr) < 2:
        raise ValueError(f"{what} must be a vector of at least 2 shares, got shape {arr.shape}")
    if not np.isfinite(arr).all() or (arr < 0).any() or (arr > 1).any():
        raise ValueError(f"{what} must be shares in [0, 1]; for raw values (scores, "
                         "features) give bins=, e.g. psi(expected, actual, bins=10)")
    total = float(arr.sum())
    if abs(total - 1.0) > _SHARE_TOLERANCE:
        raise ValueError(f"{what} must be shares summing to 1, got a sum of {total:.6g}; for raw "
                         "values (scores, features) give bins=, e.g. psi(expected, actual, "
                         "bins=10)")
    return arr


def _raw(values: Any, what: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what} must be numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64).ravel() if arr.ndim == 1 else None
    if arr is None:
        raise ValueError(f"{what} must be one-dimensional")
    if np.isinf(arr).any():
        raise ValueError(f"{what} holds an infinite value")
    if not np.isfinite(arr).any():
        raise ValueError(f"{what} has no value (empty or all NaN)")
    return arr


def psi(expected: Any, actual: Any, bins: Union[None, int, Sequence[float]] = None) -> float:
    """The population stability index.

    Without `bins`: expected and actual are share vectors of the same bins
    (each in [0, 1], summing to 1; empty shares count as 0.0001); anything
    else is refused, so raw scores cannot pass for shares. With `bins`:
    expected and actual are raw values (scores or a feature); `bins` is a
    number of quantile bins of the expected values, or a sorted sequence of
    inner edges (a value below edges[0] falls in bin 0). NaN values form
    their own bin."""
    from .monitor import _psi_shares
    if bins is None:
        e, a = _shares(expected, "expected"), _shares(actual, "actual")
        if e.shape != a.shape:
            raise ValueError(f"expected has {len(e)} shares and actual {len(a)}")
        return _psi_shares(e, a)
    e, a = _raw(expected, "expected"), _raw(actual, "actual")
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        if not 2 <= bins <= 1000:
            raise ValueError(f"bins must be 2 to 1000, got {bins}")
        finite = e[np.isfinite(e)]
        edges = np.unique(np.quantile(finite, np.arange(1, bins) / bins))
    else:
        edges = np.asarray(bins, dtype=np.float64)
        if edges.ndim != 1 or len(edges) < 1 or not np.isfinite(edges).all() \
                or (np.diff(edges) <= 0).any():
            raise ValueError("bins must be a count, or a strictly increasing sequence of "
                             "finite edges")

    def shares(x: np.ndarray) -> np.ndarray:
        finite = x[np.isfinite(x)]
        counts = np.bincount(np.searchsorted(edges, finite, side="right"),
                             minlength=len(edges) + 1).astype(np.float64)
        counts = np.r_[counts, len(x) - len(finite)]
        return counts / len(x)

    se, sa = shares(e), shares(a)
    if se[-1] == 0 and sa[-1] == 0:
        se, sa = se[:-1], sa[:-1]
    return _psi_shares(np.ascontiguousarray(se), np.ascontiguousarray(sa))
