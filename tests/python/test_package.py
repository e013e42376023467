"""The package itself (issue 16, item 1): docstrings on every public call,
type hints and py.typed, progress through tqdm when installed."""
import inspect
import io
import os

import numpy as np
import pytest

import libscore


def _public_callables():
    for name in libscore.__all__:
        obj = getattr(libscore, name)
        if inspect.isclass(obj):
            if issubclass(obj, Exception) or obj.__module__.startswith("ctypes"):
                continue
            yield name, obj
            for member, value in vars(obj).items():
                if member.startswith("_"):
                    continue
                if isinstance(value, (classmethod, staticmethod)):
                    value = value.__func__
                if callable(value) or isinstance(value, property):
                    yield f"{name}.{member}", value
        elif callable(obj):
            yield name, obj


def test_every_public_call_has_a_docstring():
    missing = [name for name, obj in _public_callables() if not (obj.__doc__ or "").strip()]
    assert not missing, missing
    for method in (libscore.Model.train_matrix, libscore.Model.train_table,
                   libscore.Model.train_signals):
        assert "on_round" in method.__doc__ and "progress" in method.__doc__


def test_typed_package():
    package = os.path.dirname(libscore.__file__)
    assert os.path.exists(os.path.join(package, "py.typed"))
    hints = inspect.signature(libscore.Model.train_matrix).parameters
    assert hints["max_rounds"].annotation is int
    assert libscore.__version__ == "1.1.0"
    major = libscore.LIBRARY_VERSION.split(".")[0]
    assert major == libscore.__version__.split(".")[0]


@pytest.fixture(scope="module")
def xy():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(600, 2))
    y = (rng.uniform(size=600) < 1 / (1 + np.exp(1 - X[:, 0]))).astype(int)
    return X, y


def test_progress_callable_and_stop(xy):
    X, y = xy
    seen = []
    libscore.Model.train_matrix(X, y, ["a", "b"], max_rounds=30,
                                progress=lambda stage, done, total: seen.append((stage, done,
                                                                                 total)))
    assert seen and seen[-1][2] == 30 and all(s == "train" for s, _, _ in seen)
    with pytest.raises(libscore.ScoreError):
        libscore.Model.train_matrix(X, y, ["a", "b"], max_rounds=30,
                                    progress=lambda stage, done, total: done < 5)


def test_progress_bar_with_tqdm(xy, monkeypatch):
    tqdm = pytest.importorskip("tqdm")
    X, y = xy
    bars = []
    real = tqdm.tqdm

    def recording(*args, **kwargs):
        kwargs["file"] = io.StringIO()
        bar = real(*args, **kwargs)
        bars.append(bar)
        return bar

    monkeypatch.setattr(tqdm, "tqdm", recording)
    libscore.Model.train_matrix(X, y, ["a", "b"], max_rounds=25, progress=True)
    assert bars and bars[0].total == 25 and bars[0].n > 0
    with pytest.raises(TypeError, match="progress"):
        libscore.Model.train_matrix(X, y, ["a", "b"], max_rounds=25, progress="yes")
