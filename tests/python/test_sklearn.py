"""libscore.sklearn.ScoreClassifier in scikit-learn's own machinery (issue
16: cross_val_score with roc_auc, a Pipeline, pickling, get/set_params)."""
import pickle

import numpy as np
import pandas as pd
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer  # noqa: E402

from libscore.sklearn import ScoreClassifier  # noqa: E402


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(8)
    n = 1200
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.normal(size=n)})
    X.loc[rng.uniform(size=n) < 0.05, "c"] = np.nan
    z = -1.2 + 1.5 * X["a"] - X["b"]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(int).to_numpy()
    return X, y


def test_cross_val_score_roc_auc(data):
    X, y = data
    scores = cross_val_score(ScoreClassifier(max_rounds=80), X, y, scoring="roc_auc", cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.7)
    arr = cross_val_score(ScoreClassifier(max_rounds=80), X.to_numpy(), y, scoring="roc_auc",
                          cv=3)
    assert np.allclose(arr, scores)     # same rows, same seed: same models


def test_pipeline_params_and_classes(data):
    X, y = data
    pipe = Pipeline([("log", FunctionTransformer(lambda d: d.assign(a=d["a"] * 2))),
                     ("score", ScoreClassifier(max_rounds=50))])
    pipe.set_params(score__max_depth=3)
    assert pipe.get_params()["score__max_depth"] == 3
    pipe.fit(X, y)
    proba = pipe.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1)
    assert set(pipe.predict(X)) <= {0, 1}
    est = ScoreClassifier(seed=7)
    assert clone(est).get_params() == est.get_params()
    labels = np.where(y == 1, "bad", "good")
    fitted = ScoreClassifier(max_rounds=40).fit(X, labels)
    assert list(fitted.classes_) == ["bad", "good"]
    # classes_[1] ("good") is the class whose probability is the second column
    assert np.allclose(fitted.predict_proba(X)[:, 1], fitted.model_.predict(X))


def test_columns_by_name_and_pickle(data):
    X, y = data
    est = ScoreClassifier(max_rounds=60).fit(X, y)
    assert list(est.feature_names_in_) == ["a", "b", "c"] and est.n_features_in_ == 3
    assert np.array_equal(est.predict_proba(X[["c", "a", "b"]]), est.predict_proba(X))
    with pytest.raises(ValueError, match="'b'"):
        est.predict_proba(X[["a", "c"]])
    again = pickle.loads(pickle.dumps(est))
    assert np.array_equal(again.predict_proba(X), est.predict_proba(X))


def test_refuses_wrong_targets(data):
    X, y = data
    with pytest.raises(ValueError, match="two classes"):
        ScoreClassifier().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="labels for"):
        ScoreClassifier().fit(X, y[:-5])
    with pytest.raises(sklearn.exceptions.NotFittedError):
        ScoreClassifier().predict_proba(X)
