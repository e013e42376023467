"""Python never crashes the process (issue 12, item 1): objects others
depend on stay alive until the last dependant is gone, a close() during a
call on another thread defers the free until the call returns, and any use
after close raises ClosedError. Run also against the AddressSanitizer
build's library (scripts/test.sh), where a use-after-free would abort."""
import gc
import os
import threading
import weakref

import numpy as np
import pytest

import libscore
from conftest import ROOT

MODEL = os.path.join(ROOT, "models", "default.json.gz")
SAMPLE = os.path.join(ROOT, "examples", "data", "sample-signals.csv.gz")


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    libscore.synth(str(out), 400, months=24, asof="2024-12", seed=3)
    return str(out / "signals.csv.gz"), str(out / "labels.csv")


def _native_freed(obj):
    return obj._handle is None


def test_monitor_outlives_the_readme_with_block():
    # the README's own pattern: the model's `with` block ends, the monitor goes on
    with libscore.Model(MODEL) as model:
        monitor = libscore.Monitor(model)
    assert model.closed and not _native_freed(model)
    with pytest.raises(libscore.ClosedError):
        model.predict(np.zeros(model_n_features()))
    with libscore.Panel() as panel:
        panel.read(SAMPLE)
        monitor.update(panel, "2024-11")
        alerts = monitor.update(panel, "2024-12")
    assert isinstance(alerts, list) and monitor.stats["month"] == 202412
    monitor.close()
    assert _native_freed(model) and _native_freed(monitor)


def model_n_features():
    return len(libscore.feature_names())


def test_report_keeps_its_model(population):
    signals, labels = population
    with libscore.Panel() as panel, libscore.Model(MODEL) as model:
        panel.read(signals)
        report = libscore.Report(model, panel, labels, "2023-12")
    # both closed: the report still reads its grades (names owned by the model)
    grades = report.grades()
    assert [g["grade"] for g in grades][:3] == ["AAA", "AA", "A"]
    assert report.summary["labelled"] > 0
    del report
    gc.collect()
    assert _native_freed(model)


def test_dependant_dropped_without_close_frees_the_model():
    model = libscore.Model(MODEL)
    monitors = [libscore.Monitor(model) for _ in range(5)]
    model.close()
    ref = weakref.ref(model)
    del model
    for m in monitors[:-1]:
        m.close()
    assert ref() is not None and not _native_freed(ref())   # the last monitor holds it
    del monitors, m
    gc.collect()
    assert ref() is None


def test_a_closed_model_cannot_gain_dependants():
    model = libscore.Model(MODEL)
    model.close()
    with pytest.raises(libscore.ClosedError, match="model is closed"):
        libscore.Monitor(model)
    with pytest.raises(libscore.ClosedError):
        libscore.drift(model, libscore.Panel(), "2024-12")


def test_close_while_eight_threads_predict():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, model_n_features())).astype(np.float32)
    for attempt in range(5):
        model = libscore.Model(MODEL)
        expected = model.predict(X)
        start = threading.Barrier(9)
        outcomes, errors = [], []

        def work():
            start.wait()
            for _ in range(200):
                try:
                    pd = model.predict(X)
                except libscore.ClosedError:
                    outcomes.append("closed")
                    return
                except BaseException as err:  # anything else is a failure
                    errors.append(err)
                    return
                if not np.array_equal(pd, expected):
                    errors.append(AssertionError("a prediction changed"))
                    return
            outcomes.append("done")

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        start.wait()
        model.close()   # while the others are in predict, in C, without the GIL
        for t in threads:
            t.join()
        assert not errors, errors
        assert len(outcomes) == 8 and model.closed
        assert _native_freed(model)   # freed once the last call returned
        with pytest.raises(libscore.ClosedError):
            model.score(X)


def test_close_and_collect_across_threads_every_class(population, tmp_path):
    signals, labels = population
    with open(signals, "rb") as f:
        data = f.read()
    errors = []

    def guarded(fn):
        def run():
            try:
                for _ in range(3):
                    fn()
            except libscore.ClosedError:
                pass
            except BaseException as err:
                errors.append(err)
        return run

    panel = libscore.Panel()
    panel.read_bytes(data, name="s.csv.gz")
    model = libscore.Model(MODEL)
    config = libscore.EnhanceConfig()
    mconfig = libscore.MonitorConfig()
    libscore.Pool.create(str(tmp_path / "pool"))
    pool = libscore.Pool(str(tmp_path / "pool"))
    jobs = [
        lambda: model.score_panel(panel, "2024-12"),
        lambda: panel.features("2024-06"),
        lambda: panel.read_bytes(data, name="again.csv.gz"),   # a writer among readers
        lambda: libscore.drift(model, panel, "2024-12"),
        lambda: config.compute({"pd": 0.01, "amount": 100000, "tenor_years": 1,
                                "annual_sales": 1000000}),
        lambda: libscore.monitor_evaluate(panel, "2024-12", model=model, config=mconfig),
        lambda: pool.state(),
        lambda: libscore.Monitor(model, mconfig).update(panel, "2024-12"),
    ]
    threads = [threading.Thread(target=guarded(j)) for j in jobs for _ in range(2)]
    for t in threads:
        t.start()
    for obj in (model, panel, config, mconfig, pool):
        obj.close()
    for t in threads:
        t.join()
    gc.collect()
    assert not errors, errors
    for obj in (model, panel, config, mconfig, pool):
        assert _native_freed(obj)


def test_use_after_close_raises_for_every_class(population, tmp_path):
    signals, labels = population
    libscore.Pool.create(str(tmp_path / "pool"))
    panel = libscore.Panel()
    panel.read(signals)
    model = libscore.Model(MODEL)
    objects = {
        "model": (model, lambda o: o.predict(np.zeros((1, model_n_features())))),
        "panel": (libscore.Panel(), lambda o: o.features("2024-12")),
        "monitor": (libscore.Monitor(model), lambda o: o.update(panel, "2024-12")),
        "configuration": (libscore.MonitorConfig(), lambda o: o.to_json()),
        "report": (libscore.Report(model, panel, labels, "2023-12"), lambda o: o.html()),
        "enhance configuration": (libscore.EnhanceConfig(), lambda o: o.risk_weight(0.01)),
        "pool": (libscore.Pool(str(tmp_path / "pool")), lambda o: o.state()),
    }
    for name, (obj, use) in objects.items():
        use(obj)
        obj.close()
        obj.close()   # twice is harmless
        assert "closed" in repr(obj)
        with pytest.raises(libscore.ClosedError, match="is closed"):
            use(obj)
    panel.close()


def test_a_callback_that_raises_stops_training_and_is_raised():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(400, 3))
    y = (rng.uniform(size=400) < 0.3).astype(float)

    def boom(r, t, v):
        raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback"):
        libscore.Model.train_matrix(X, y, ["a", "b", "c"], max_rounds=50, on_round=boom)


def test_reentering_a_panel_from_its_own_change_is_an_error_not_a_deadlock():
    panel = libscore.Panel()
    seen = []
    original = panel._options

    def options(strict):
        opts, keep = original(strict)

        def diag(user, d):
            try:
                panel.add("91350100M000100Y88", "power", "kwh", "2024-01", 1)
            except RuntimeError as err:
                seen.append(str(err))
        callback = libscore.panel.DIAGNOSTIC_FN(diag)
        opts.diagnostic = libscore.panel.ctypes.cast(callback, libscore.panel.ctypes.c_void_p)
        return opts, (keep, callback)

    panel._options = options
    panel.read_bytes(b"uscc,source,field,period,value\nbad,line\n", name="x.csv")
    assert seen and "from within a call" in seen[0]
    panel.close()


def test_close_during_a_call_defers_the_free_until_it_returns():
    # a diagnostic callback holds panel.read_bytes inside C while another
    # thread closes the panel: the close returns at once, the memory stays
    # until the call is over
    panel = libscore.Panel()
    inside, go = threading.Event(), threading.Event()
    original = panel._options

    def options(strict):
        opts, keep = original(strict)

        def diag(user, d):
            inside.set()
            go.wait(30)
        callback = libscore.panel.DIAGNOSTIC_FN(diag)
        opts.diagnostic = libscore.panel.ctypes.cast(callback, libscore.panel.ctypes.c_void_p)
        return opts, (keep, callback)

    panel._options = options
    result = []
    reader = threading.Thread(target=lambda: result.append(panel.read_bytes(
        b"uscc,source,field,period,value\nbad,line\n91350100M000100Y43,power,kwh,2024-01,5\n",
        name="x.csv")))
    reader.start()
    assert inside.wait(30)
    panel.close()
    assert panel.closed and not _native_freed(panel)
    with pytest.raises(libscore.ClosedError):
        panel.features("2024-01")
    go.set()
    reader.join()
    assert result and result[0]["accepted"] == 1
    assert _native_freed(panel)
