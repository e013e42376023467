"""The wrapper never trusts its arguments (issue 12, items 3 and 5; issue 16,
item 1): exact integers for their C type, arrays checked against each other,
NaN/inf refused where they mean nothing, paths as text, NUL refused,
DataFrame columns by name, metrics refusing what they cannot mean."""
import decimal
import os
import pathlib
import pickle

import numpy as np
import pandas as pd
import pytest

import libscore
from conftest import ROOT

MODEL = os.path.join(ROOT, "models", "default.json.gz")
USCC = "91350100M000100Y43"


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(5)
    n = 1500
    X = pd.DataFrame({"income": rng.normal(size=n), "debt": rng.normal(size=n),
                      "age": rng.normal(size=n)})
    z = -1.5 + 1.2 * X["debt"] - 0.8 * X["income"]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(int)
    return X, y


@pytest.fixture(scope="module")
def model(table):
    X, y = table
    with libscore.Model.train_matrix(X, y, max_rounds=60) as m:
        yield m


# ---- integers: no wrap, no truncation ----------------------------------------------------

@pytest.fixture
def pool(tmp_path):
    libscore.Pool.create(str(tmp_path / "p"))
    with libscore.Pool(str(tmp_path / "p")) as p:
        p.apply("inject", amount=10_000_000, event_id="i1")
        yield p


@pytest.mark.parametrize("amount, error", [
    (2**64 + 100, ValueError),     # used to apply 100 fen
    (2**63, ValueError),
    (-2**63 - 1, ValueError),
    (1.9, TypeError),              # used to apply 1 fen
    (2.0, TypeError),              # a float is never money in fen
    (decimal.Decimal("1.5"), TypeError),
    ("100", TypeError),
    (True, TypeError),
])
def test_pool_amount_is_exact_fen(pool, amount, error):
    before = pool.state()
    with pytest.raises(error, match="amount"):
        pool.apply("deposit", uscc=USCC, amount=amount, event_id="d1")
    assert pool.state() == before


def test_pool_other_arguments_checked(pool):
    with pytest.raises(ValueError, match="pd"):
        pool.apply("join", uscc=USCC, pd=float("nan"), event_id="j1")
    with pytest.raises(ValueError, match="pd"):
        pool.apply("join", uscc=USCC, pd=1.5, event_id="j1")
    with pytest.raises(ValueError, match="NUL"):
        pool.apply("join", uscc=USCC + "\0x", pd=0.01, event_id="j1")
    with pytest.raises(ValueError, match="compensation_fund"):
        libscore.pool_config(compensation_fund=2**63)
    with pytest.raises(TypeError, match="compensation_fund"):
        libscore.pool_config(compensation_fund=100.5)
    with pytest.raises(ValueError, match="leverage"):
        libscore.pool_config(leverage=float("inf"))
    config = libscore.pool_config()
    pd_, ead, lgd = [0.01, 0.02], [100_000, 200_000], [0.45, 0.45]
    with pytest.raises(ValueError, match="same length"):
        libscore.simulate(config, pd_, ead[:1], lgd, scenarios=100)
    with pytest.raises(ValueError, match="ead"):
        libscore.simulate(config, pd_, [100_000.5, 1], lgd, scenarios=100)
    with pytest.raises(ValueError, match="scenarios"):
        libscore.simulate(config, pd_, ead, lgd, scenarios=2**64)
    with pytest.raises(ValueError, match="scenarios"):
        libscore.simulate(config, pd_, ead, lgd, scenarios=-1)
    with pytest.raises(ValueError, match="pd"):
        libscore.simulate(config, [np.nan, 0.01], ead, lgd, scenarios=100)


def test_training_options_checked(table):
    X, y = table
    for kwargs, error in [({"seed": 2**64}, ValueError), ({"seed": -1}, ValueError),
                          ({"threads": 2**31}, ValueError), ({"max_rounds": 1.5}, TypeError),
                          ({"learning_rate": float("nan")}, ValueError),
                          ({"max_depth": 0}, ValueError)]:
        with pytest.raises(error):
            libscore.Model.train_matrix(X, y, **kwargs)


def test_enhance_money_in_yuan_is_exact():
    rw = libscore.enhance_risk_weight(0.01, annual_sales=decimal.Decimal("39000000.00"))
    assert rw == libscore.enhance_risk_weight(0.01, annual_sales="39000000")
    assert rw == libscore.enhance_risk_weight(0.01, annual_sales=39_000_000)
    with pytest.raises(ValueError, match="two decimals"):
        libscore.enhance_risk_weight(0.01, annual_sales="1.005")
    with pytest.raises(ValueError, match="annual_sales"):
        libscore.enhance_risk_weight(0.01, annual_sales=10**30)
    with pytest.raises(ValueError, match="pd"):
        libscore.enhance_risk_weight(float("inf"))


# ---- arrays checked against each other ----------------------------------------------------

def test_train_matrix_fewer_labels_than_rows(table):
    X, y = table
    with pytest.raises(ValueError, match="1499 labels for 1500 rows"):
        libscore.Model.train_matrix(X, y[:-1])


def test_train_matrix_shapes_names_labels(table):
    X, y = table
    A = X.to_numpy()
    with pytest.raises(ValueError, match="2 feature names for 3 columns"):
        libscore.Model.train_matrix(A, y, ["a", "b"])
    with pytest.raises(ValueError, match="repeat"):
        libscore.Model.train_matrix(A, y, ["a", "b", "a"])
    with pytest.raises(ValueError, match="NUL"):
        libscore.Model.train_matrix(A, y, ["a", "b", "c\0d"])
    with pytest.raises(ValueError, match="directions"):
        libscore.Model.train_matrix(A, y, ["a", "b", "c"], directions=[1, 0])
    with pytest.raises(ValueError, match="directions"):
        libscore.Model.train_matrix(A, y, ["a", "b", "c"], directions=[1, 0, 2])
    with pytest.raises(ValueError, match="label 3 is 2"):
        libscore.Model.train_matrix(A, np.r_[y[:3], 2, y[4:]], ["a", "b", "c"])
    with pytest.raises(ValueError, match="0 or 1"):
        libscore.Model.train_matrix(A, np.r_[np.nan, y[1:]], ["a", "b", "c"])
    with pytest.raises(ValueError, match="two-dimensional"):
        libscore.Model.train_matrix(A[:, 0], y, ["a"])
    bad = A.copy()
    bad[7, 1] = np.inf
    with pytest.raises(ValueError, match="column 'b'.*row 7"):
        libscore.Model.train_matrix(bad, y, ["a", "b", "c"])


def test_predict_rows_checked(model):
    with pytest.raises(ValueError, match="3 columns"):
        model.predict(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="not a finite float32"):
        model.predict(np.array([[0.0, 1e39, 0.0]]))     # beyond float32: would become inf
    with pytest.raises(ValueError, match="not a finite float32"):
        model.predict(np.array([[0.0, -np.inf, 0.0]]))
    with pytest.raises(TypeError, match="numbers"):
        model.predict(np.array([["a", "b", "c"]]))
    assert np.isfinite(model.predict(np.array([[np.nan, np.nan, np.nan]]))).all()
    # an object array: None is missing, text is refused naming the item
    assert np.array_equal(model.predict(np.array([[None, 1.0, 2]], dtype=object)),
                          model.predict(np.array([[np.nan, 1.0, 2.0]])))
    with pytest.raises(TypeError, match="item 2 .* is 'x'"):
        model.predict(np.array([[0.5, 1.0, "x"]], dtype=object))
    with pytest.raises(ValueError, match="feature"):
        model.reason(3, 0.0)
    with pytest.raises(ValueError, match="pd"):
        model.pd_to_score(1.5)


# ---- paths: str, bytes, PathLike; NUL refused; messages as text ---------------------------

def test_model_paths():
    for path in (MODEL, MODEL.encode(), pathlib.Path(MODEL)):
        with libscore.Model(path) as m:
            assert m.n_features == len(libscore.feature_names())
    with pytest.raises(libscore.ScoreError) as err:
        libscore.Model(b"/no/such/model.json.gz")
    assert "/no/such/model.json.gz" in str(err.value) and "b'" not in str(err.value)
    with pytest.raises(ValueError, match="NUL"):
        libscore.Model(MODEL + "\0.bak")      # used to load MODEL, cut at the NUL
    with pytest.raises(ValueError, match="NUL"):
        libscore.Model(MODEL.encode() + b"\0x")
    with pytest.raises(TypeError, match="str, bytes or os.PathLike"):
        libscore.Model(42)


def test_other_paths_refuse_nul(tmp_path):
    with pytest.raises(ValueError, match="NUL"):
        libscore.Panel().read(str(tmp_path / "s.csv") + "\0")
    with pytest.raises(ValueError, match="NUL"):
        libscore.Pool.create(str(tmp_path / "p") + "\0q")
    with pytest.raises(ValueError, match="NUL"):
        libscore.EnhanceConfig(str(tmp_path / "c.json") + "\0")
    with pytest.raises(ValueError, match="NUL"):
        libscore.synth(str(tmp_path / "x\0y"), 10)
    with libscore.Model(MODEL) as m, pytest.raises(ValueError, match="NUL"):
        m.save(str(tmp_path / "m.json.gz\0"))
    assert not any(tmp_path.iterdir())
    with pytest.raises(ValueError, match="NUL"):
        libscore.Panel().add(USCC, "power", "kwh\0", "2024-01", 1.0)


# ---- DataFrames: columns by name -------------------------------------------------------------

def test_shuffled_columns_score_identically(model, table):
    X, _ = table
    ordered = model.predict(X)
    shuffled = X[["age", "debt", "income"]]
    assert np.array_equal(model.predict(shuffled), ordered)
    assert np.array_equal(model.score(shuffled)["score"], model.score(X)["score"])
    # positions would have given other numbers: the test can fail
    assert not np.array_equal(model.predict(shuffled.to_numpy()), ordered)


def test_missing_and_extra_columns(model, table):
    X, _ = table
    with pytest.raises(ValueError, match="lacks 2 of the model's columns: 'income', 'age'"):
        model.predict(X[["debt"]])
    with pytest.warns(UserWarning, match="'branch'"):
        out = model.predict(X.assign(branch=1.0))
    assert np.array_equal(out, model.predict(X))
    dup = pd.concat([X, X[["age"]]], axis=1)
    with pytest.raises(ValueError, match="duplicate columns: 'age'"):
        model.predict(dup)


def test_missing_values_and_text(model, table):
    X, _ = table
    head = X.head(4).copy()
    nullable = head.astype({"income": "Float64"})
    nullable.loc[nullable.index[1], "income"] = pd.NA
    obj = head.astype({"debt": object})
    obj.loc[obj.index[2], "debt"] = None
    expected = head.to_numpy(copy=True)
    expected[1, 0] = np.nan
    assert np.array_equal(model.predict(nullable), model.predict(
        pd.DataFrame(expected, columns=X.columns)), equal_nan=True)
    expected = head.to_numpy(copy=True)
    expected[2, 1] = np.nan
    assert np.array_equal(model.predict(obj), model.predict(
        pd.DataFrame(expected, columns=X.columns)))
    text = head.astype({"age": object})
    text.loc[text.index[0], "age"] = "forty"
    with pytest.raises(TypeError, match="column 'age' holds text"):
        model.predict(text)
    with pytest.raises(TypeError, match="column 'debt' is categorical"):
        model.predict(head.assign(debt=pd.Categorical(["a", "b", "a", "b"])))
    with pytest.raises(TypeError, match="column 'income' holds text"):
        model.predict(head.assign(income=pd.array(["1", "2", "3", "4"], dtype="string")))


# ---- pickling and repr ---------------------------------------------------------------------

def test_pickle_predicts_bit_identically(model, table):
    X, _ = table
    again = pickle.loads(pickle.dumps(model))
    assert again is not model and again.feature_names == model.feature_names
    assert np.array_equal(again.predict(X), model.predict(X))
    assert np.array_equal(again.margin(X), model.margin(X))
    with libscore.Model(MODEL) as m:
        rows = np.random.default_rng(0).normal(size=(50, m.n_features)).astype(np.float32)
        assert np.array_equal(pickle.loads(pickle.dumps(m)).predict(rows), m.predict(rows))
    closed = libscore.Model(MODEL)
    closed.close()
    with pytest.raises(libscore.ClosedError):
        pickle.dumps(closed)


def test_repr_everywhere(model, tmp_path):
    assert repr(model) == "<libscore.Model table model, 3 features>"
    with libscore.Model(MODEL) as m:
        assert "signals model" in repr(m) and "default.json.gz" in repr(m)
    with libscore.Panel() as p:
        assert repr(p) == "<libscore.Panel 0 enterprises, 0 observations>"
    assert "funding_rate" in repr(libscore.EnhanceConfig())
    assert "alerts configured" in repr(libscore.MonitorConfig())
    assert "not updated" in repr(libscore.Monitor())
    libscore.Pool.create(str(tmp_path / "p"))
    with libscore.Pool(str(tmp_path / "p")) as pool:
        assert "'" + str(tmp_path / "p") + "'" in repr(pool)


def test_library_version_checked():
    from libscore import _native
    assert libscore.LIBRARY_VERSION == libscore.version()
    _native.check_version("1.0.0", "1.0.0")
    _native.check_version("1.3.2", "1.0.0")
    for lib, wrapper in [("2.0.0", "1.0.0"), ("1.0.5", "1.1.0"), ("0.9.0", "1.0.0")]:
        with pytest.raises(ImportError, match="needs"):
            _native.check_version(lib, wrapper)


# ---- metrics --------------------------------------------------------------------------------

def test_metrics_against_an_independent_computation():
    rng = np.random.default_rng(3)
    y = (rng.uniform(size=500) < 0.2).astype(int)
    s = np.round(rng.normal(size=500) + y, 1)      # ties on purpose
    pairs = [(a, b) for a in s[y == 1] for b in s[y == 0]]
    brute = np.mean([1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs])
    assert libscore.auc(y, s) == pytest.approx(brute, abs=1e-12)
    assert libscore.gini(y, s) == pytest.approx(2 * brute - 1, abs=1e-12)
    thresholds = np.unique(s)
    brute_ks = max(abs(np.mean(s[y == 1] <= t) - np.mean(s[y == 0] <= t)) for t in thresholds)
    assert libscore.ks(y, s) == pytest.approx(brute_ks, abs=1e-12)
    assert libscore.auc(y, -s, higher_is_riskier=False) == pytest.approx(brute, abs=1e-12)


@pytest.mark.parametrize("fn", [libscore.auc, libscore.ks, libscore.gini])
def test_metrics_refuse_wrong_input(fn):
    with pytest.raises(ValueError, match="3 labels for 2 scores"):
        fn([0, 1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="label 1 is 2"):
        fn([0, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="both classes"):
        fn([1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="score 0 is nan"):
        fn([0, 1], [np.nan, 0.2])
    with pytest.raises(TypeError):
        fn([0, 1], ["a", "b"])


def test_psi_refuses_raw_values_and_takes_bins():
    rng = np.random.default_rng(4)
    expected = rng.normal(600, 50, size=5000).round()
    actual = rng.normal(620, 50, size=4000).round()
    with pytest.raises(ValueError, match="bins="):
        libscore.psi(expected, actual)          # used to return a number without a word
    with pytest.raises(ValueError, match="sum of 0.5"):
        libscore.psi([0.25, 0.25], [0.5, 0.5])
    with pytest.raises(ValueError, match="2 shares and actual 3"):
        libscore.psi([0.5, 0.5], [0.2, 0.3, 0.5])
    value = libscore.psi(expected, actual, bins=10)
    edges = np.unique(np.quantile(expected, np.arange(1, 10) / 10))
    e = np.bincount(np.searchsorted(edges, expected, side="right"), minlength=10) / len(expected)
    a = np.bincount(np.searchsorted(edges, actual, side="right"), minlength=10) / len(actual)
    e, a = np.maximum(e, 1e-4), np.maximum(a, 1e-4)
    assert value == pytest.approx(np.sum((a - e) * np.log(a / e)), rel=1e-9)
    assert 0.02 < value < 0.5
    assert libscore.psi(expected, expected, bins=10) == 0
    assert libscore.psi(expected, actual, bins=[550, 600, 650]) > 0
    with pytest.raises(ValueError, match="bins"):
        libscore.psi(expected, actual, bins=1)
    with pytest.raises(ValueError, match="infinite"):
        libscore.psi(np.r_[expected, np.inf], actual, bins=10)
    # NaN values are their own bin
    with_nan = np.r_[actual, [np.nan] * 400]
    assert libscore.psi(expected, with_nan, bins=10) > value
