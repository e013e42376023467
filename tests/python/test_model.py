"""The model through Python, checked against python3-xgboost: the bundle's
XGBoost part loaded by XGBoost itself must give the same margins and SHAP
contributions as libscore's native forest."""
import gzip
import json
import threading

import numpy as np
import pytest
import xgboost as xgb

import libscore


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    n = 4000
    X = rng.normal(size=(n, 5)).astype(np.float32)
    X[rng.uniform(size=X.shape) < 0.1] = np.nan
    z = -2.5 + 1.1 * np.nan_to_num(X[:, 0]) - 0.7 * np.nan_to_num(X[:, 1]) ** 2 + 0.5 * np.isnan(X[:, 2])
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(np.float32)
    return X, y


@pytest.fixture(scope="module")
def trained(data, tmp_path_factory):
    X, y = data
    path = tmp_path_factory.mktemp("m") / "m.json.gz"
    rounds = []
    with libscore.Model.train_matrix(X, y, ["a", "b", "c", "d", "e"], max_rounds=120,
                                     on_round=lambda r, t, v: rounds.append((r, t, v))) as m:
        m.save(str(path))
    assert rounds and rounds[0][0] == 1 and 0.5 < rounds[-1][2] <= 1
    return str(path)


def xgboost_of(bundle):
    with gzip.open(bundle, "rt") as f:
        doc = json.load(f)
    booster = xgb.Booster()
    booster.load_model(bytearray(json.dumps(doc["xgboost"]).encode()))
    return booster, doc


def test_margins_and_shap_match_xgboost(data, trained):
    X, _ = data
    booster, doc = xgboost_of(trained)
    with libscore.Model(trained) as m:
        assert m.input == "table" and m.feature_names == ["a", "b", "c", "d", "e"]
        ours = m.margin(X)
        theirs = booster.predict(xgb.DMatrix(X, missing=np.nan), output_margin=True)
        assert np.max(np.abs(ours - theirs)) < 1e-5
        contribs = booster.predict(xgb.DMatrix(X[:300], missing=np.nan), pred_contribs=True)
        for i in range(300):
            assert np.max(np.abs(m.contributions(X[i]) - contribs[i])) < 1e-4
        pd = m.predict(X)
        a, b = doc["calibration"]["a"], doc["calibration"]["b"]
        assert np.allclose(pd, 1 / (1 + np.exp(-(a * ours + b))), rtol=1e-12, atol=1e-15)


def test_scores_grades_reasons(data, trained):
    X, _ = data
    with libscore.Model(trained) as m:
        out = m.score(X[:50])
        assert set(out) == {"margin", "pd", "score", "grade", "reasons"}
        for i in range(50):
            assert out["score"][i] == m.pd_to_score(out["pd"][i])
            assert out["grade"][i] in {"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D"}
            assert len(out["reasons"][i]) <= 3
        meta = m.metadata
        assert meta["metrics"]["validation"]["auc"] > 0.6


def test_reasons_chosen_or_none(data, trained):
    X, _ = data
    with libscore.Model(trained) as m:
        three = m.score(X[:50])
        five = m.score(X[:50], reasons=5)
        none = m.score(X[:50], reasons="none")
        assert all(len(r) <= 5 for r in five["reasons"])
        assert any(len(r) > 3 for r in five["reasons"])
        for i in range(50):
            assert five["reasons"][i][:3] == three["reasons"][i]
        assert none["reasons"] == [[]] * 50 and m.score(X[:5], reasons=0)["reasons"] == [[]] * 5
        assert np.array_equal(none["pd"], three["pd"])
        for bad in (-1, 2.5, "all", True):
            with pytest.raises(ValueError):
                m.score(X[:5], reasons=bad)
        with pytest.raises(libscore.ScoreError):
            m.score(X[:5], reasons=6)


def test_threads_share_a_model(data, trained):
    X, _ = data
    with libscore.Model(trained) as m:
        expected = m.margin(X)
        results = [None] * 8

        def work(k):
            results[k] = m.margin(X)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for r in results:
            assert np.array_equal(r, expected)


def test_load_errors_carry_the_message(tmp_path):
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(gzip.compress(b'{"format": "libscore-model"}'))
    with pytest.raises(libscore.ScoreError) as err:
        libscore.Model(str(bad))
    assert "checksum" in str(err.value)
    with pytest.raises(ValueError):
        m = libscore.Model.__new__(libscore.Model)
        m._handle = None
        m.predict(np.zeros((1, 5)))


def test_table_model_round_trip(tmp_path):
    rng = np.random.default_rng(5)
    lines = ["id,kind,x,bad"]
    for i in range(1500):
        kind = ["a", "b", "c"][i % 3]
        x = rng.normal()
        p = 1 / (1 + np.exp(-(-2 + x + (kind == "b"))))
        lines.append(f"R{i},{kind},{x:.5f},{int(rng.uniform() < p)}")
    table = tmp_path / "t.csv"
    table.write_text("\n".join(lines) + "\n")
    with libscore.Model.train_table(str(table), "bad", "id", max_rounds=80) as m:
        assert m.feature_names == ["kind=a", "kind=b", "kind=c", "x"]
        ids, rows = m.read_table(str(table))
        assert ids[:2] == ["R0", "R1"] and rows.shape == (1500, 4)
        assert m.predict(rows).shape == (1500,)
