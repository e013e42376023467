"""A scikit-learn estimator over libscore's training and calibrated PDs.

    from sklearn.model_selection import cross_val_score
    from libscore.sklearn import ScoreClassifier
    cross_val_score(ScoreClassifier(max_rounds=300), X, y, scoring="roc_auc")

X is a DataFrame (columns matched by name when predicting, as Model does)
or an array (columns by position, named x0, x1, ...); NaN and pd.NA are
missing values. y has two classes; the second of the sorted classes
(classes_[1], e.g. 1) is the default, whose probability predict_proba
gives in its second column. Needs Debian's python3-sklearn.
"""
from typing import Any, Optional, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from . import _frame
from .model import Model

__all__ = ["ScoreClassifier"]


class ScoreClassifier(ClassifierMixin, BaseEstimator):
    """Gradient-boosted trees with a calibrated PD (libscore's training:
    stratified holdout, early stopping on validation AUC, Platt scaling).

    Parameters are Model.train_matrix's: max_rounds, learning_rate (None:
    0.05), max_depth (None: 4), seed, threads, directions (None, or -1/0/+1
    per column as monotone constraints), progress (True: a tqdm bar when
    tqdm is installed). After fit: model_ (a libscore.Model), classes_,
    n_features_in_, feature_names_in_ (for a DataFrame)."""

    def __init__(self, max_rounds: int = 2000, learning_rate: Optional[float] = None,
                 max_depth: Optional[int] = None, seed: int = 1, threads: int = 1,
                 directions: Optional[Sequence[int]] = None, progress: Any = None) -> None:
        self.max_rounds = max_rounds
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.seed = seed
        self.threads = threads
        self.directions = directions
        self.progress = progress

    def fit(self, X: Any, y: Any) -> "ScoreClassifier":
        """Train on X (n x k) and y (n labels of two classes); returns self."""
        y_arr = np.asarray(y)
        if y_arr.ndim != 1:
            raise ValueError(f"y must be one-dimensional, got shape {y_arr.shape}")
        classes, codes = np.unique(y_arr, return_inverse=True)
        if len(classes) != 2:
            raise ValueError(f"ScoreClassifier needs two classes in y, got {len(classes)}: "
                             f"{list(classes)[:5]}")
        if _frame.is_frame(X):
            names = [str(c) for c in X.columns]
            self.feature_names_in_ = np.asarray(names, dtype=object)
        else:
            shape = np.shape(X)
            if len(shape) != 2:
                raise ValueError(f"X must be two-dimensional, got shape {shape}")
            names = [f"x{i}" for i in range(shape[1])]
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        if len(codes) != np.shape(X)[0]:
            raise ValueError(f"{len(codes)} labels for {np.shape(X)[0]} rows")
        self.model_ = Model.train_matrix(
            X, codes.astype(np.float32), names, directions=self.directions, seed=self.seed,
            threads=self.threads, max_rounds=self.max_rounds, learning_rate=self.learning_rate,
            max_depth=self.max_depth, progress=self.progress)
        self.classes_ = classes
        self.n_features_in_ = len(names)
        return self

    def _pd(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        if _frame.is_frame(X) and hasattr(self, "feature_names_in_"):
            return self.model_.predict(X)   # columns by name
        arr = np.asarray(X) if not _frame.is_frame(X) else X.to_numpy()
        if arr.ndim != 2 or arr.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} columns, got shape "
                             f"{np.shape(arr)}")
        return self.model_.predict(arr)

    def predict_proba(self, X: Any) -> np.ndarray:
        """n x 2: the probabilities of classes_[0] and classes_[1] (the PD)."""
        pd = self._pd(X)
        return np.column_stack([1.0 - pd, pd])

    def predict(self, X: Any) -> np.ndarray:
        """classes_[1] where the PD is at least 0.5, else classes_[0]."""
        return self.classes_[(self._pd(X) >= 0.5).astype(int)]

    def _more_tags(self) -> dict:
        return {"allow_nan": True, "binary_only": True}
