"""Models: training, loading, prediction, scores, grades and reasons.

Rows are numpy arrays (n x n_features, NaN missing) or pandas DataFrames,
whose columns are matched to the model's feature names by name (see
_frame.py). A Model is immutable and may be shared by threads; it pickles as
its bundle bytes.
"""
import ctypes
import json
import os
import tempfile
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import _check, _frame
from ._native import ClosedError, Handle, declare, using
from ._progress import Callback
from .panel import Panel, ReadCounts, ReadOptions

c_size_p = ctypes.POINTER(ctypes.c_size_t)
ROUND_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_double,
                            ctypes.c_double)

INPUT_SIGNALS = 1
INPUT_TABLE = 2


class TrainOptions(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("seed", ctypes.c_uint64),
        ("threads", ctypes.c_int),
        ("max_rounds", ctypes.c_int),
        ("early_stopping_rounds", ctypes.c_int),
        ("learning_rate", ctypes.c_double),
        ("max_depth", ctypes.c_int),
        ("validation_share", ctypes.c_double),
        ("monotone", ctypes.c_int),
        ("round_callback", ctypes.c_void_p),
        ("round_user", ctypes.c_void_p),
        ("progress", ctypes.c_void_p),
        ("progress_user", ctypes.c_void_p),
        ("diagnostic", ctypes.c_void_p),
        ("diagnostic_user", ctypes.c_void_p),
    ]


_f32p = np.ctypeslib.ndpointer(dtype=np.float32, flags="C_CONTIGUOUS")
_init = declare("score_train_options_init", None, [ctypes.POINTER(TrainOptions)])
_train_signals = declare("score_model_train_signals", ctypes.c_int,
                         [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                          ctypes.POINTER(TrainOptions), ctypes.POINTER(ctypes.c_void_p)])
_train_table = declare("score_model_train_table", ctypes.c_int,
                       [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                        ctypes.POINTER(TrainOptions), ctypes.POINTER(ctypes.c_void_p)])
_train_matrix = declare("score_model_train_matrix", ctypes.c_int,
                        [_f32p, _f32p, ctypes.c_size_t, ctypes.c_size_t,
                         ctypes.POINTER(ctypes.c_char_p), ctypes.c_void_p,
                         ctypes.POINTER(TrainOptions), ctypes.POINTER(ctypes.c_void_p)])
_save = declare("score_model_save", ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p])
_load = declare("score_model_load", ctypes.c_int, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)])
_free = declare("score_model_free", None, [ctypes.c_void_p])
_n_features = declare("score_model_n_features", ctypes.c_size_t, [ctypes.c_void_p])
_feature = declare("score_model_feature", ctypes.c_int,
                   [ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p),
                    ctypes.POINTER(ctypes.c_int)])
_input = declare("score_model_input", ctypes.c_int, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)])
_metadata = declare("score_model_metadata", ctypes.c_int,
                    [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, c_size_p])
_predict = declare("score_model_predict", ctypes.c_int,
                   [ctypes.c_void_p, _f32p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_void_p])
_contributions = declare("score_model_contributions", ctypes.c_int,
                         [ctypes.c_void_p, _f32p, ctypes.c_void_p])
_score = declare("score_model_score", ctypes.c_int,
                 [ctypes.c_void_p, _f32p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_void_p,
                  ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p])
_score_panel = declare("score_model_score_panel", ctypes.c_int,
                       [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                        ctypes.c_void_p, ctypes.c_void_p, c_size_p])
_n_reasons = declare("score_model_n_reasons", ctypes.c_size_t, [ctypes.c_void_p])


class _BatchOptions(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("threads", ctypes.c_uint),
                ("n_reasons", ctypes.c_size_t)]


_batch_options_init = declare("score_batch_options_init", None,
                              [ctypes.POINTER(_BatchOptions)])
_score_batch = declare("score_model_score_batch", ctypes.c_int,
                       [ctypes.c_void_p, _f32p, ctypes.c_size_t, ctypes.POINTER(_BatchOptions),
                        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                        ctypes.c_void_p])
_grade_name = declare("score_model_grade_name", ctypes.c_char_p, [ctypes.c_void_p, ctypes.c_size_t])
_pd_to_score = declare("score_pd_to_score", ctypes.c_int, [ctypes.c_void_p, ctypes.c_double],
                       status=False)
_reason = declare("score_model_reason", ctypes.c_int,
                  [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_double,
                   ctypes.POINTER(ctypes.c_char_p), ctypes.c_char_p, ctypes.c_size_t,
                   ctypes.c_char_p, ctypes.c_size_t])
_features_enterprise = declare("score_features_enterprise", ctypes.c_int,
                               [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, _f32p])
_table_read = declare("score_table_read", ctypes.c_int,
                      [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                       ctypes.POINTER(ReadOptions), ctypes.POINTER(ReadCounts),
                       ctypes.POINTER(ctypes.c_void_p)])
_table_free = declare("score_table_free", None, [ctypes.c_void_p])
_table_n_rows = declare("score_table_n_rows", ctypes.c_size_t, [ctypes.c_void_p])
_table_rows = declare("score_table_rows", ctypes.POINTER(ctypes.c_float), [ctypes.c_void_p])
_table_id = declare("score_table_id", ctypes.c_char_p, [ctypes.c_void_p, ctypes.c_size_t])
_table_id_name = declare("score_table_id_name", ctypes.c_char_p, [ctypes.c_void_p])


def _ptr(array: Optional[np.ndarray]) -> Optional[int]:
    """The address of an array the caller keeps alive through the call."""
    return None if array is None else array.ctypes.data


class _Round:
    """The round callback: on_round(round, train_auc, validation_auc) returns
    True to stop; an exception it raises stops training and is raised again."""

    def __init__(self, on_round: Optional[Callable[[int, float, float], Any]]) -> None:
        self.error: Optional[BaseException] = None
        self.fn = on_round
        if on_round is not None and not callable(on_round):
            raise TypeError("on_round must be a callable or None")
        self.c = ROUND_FN(self._call) if on_round is not None else None

    def _call(self, user: Any, r: int, t: float, v: float) -> int:
        try:
            return int(bool(self.fn(r, t, v)))
        except BaseException as err:
            self.error = err
            return 1


class _Training:
    """Checked training options and the callbacks they point at, kept alive
    for the call."""

    def __init__(self, seed: int, threads: int, max_rounds: int, learning_rate: Optional[float],
                 max_depth: Optional[int], monotone: bool, on_round: Any, progress: Any) -> None:
        o = TrainOptions()
        _init(ctypes.byref(o))
        o.seed = _check.integer(seed, "seed", _check.UINT64)
        o.threads = _check.integer(threads, "threads", _check.INT, 1)
        o.max_rounds = _check.integer(max_rounds, "max_rounds", _check.INT, 1)
        if learning_rate is not None:
            o.learning_rate = _check.real(learning_rate, "learning_rate", 0.0, 1.0)
            if o.learning_rate <= 0:
                raise ValueError("learning_rate must be above 0")
        if max_depth is not None:
            o.max_depth = _check.integer(max_depth, "max_depth", _check.INT, 1)
        o.monotone = _check.flag(monotone, "monotone")
        self.round = _Round(on_round)
        if self.round.c is not None:
            o.round_callback = ctypes.cast(self.round.c, ctypes.c_void_p)
        self.progress = Callback(progress)
        o.progress = self.progress.pointer
        self.options = o

    def finish(self) -> None:
        """Raise what a callback raised (after the C call returned)."""
        self.progress.reraise()
        if self.round.error is not None:
            raise self.round.error


_TRAIN_DOC = """
        Training options: `seed` (the split and XGBoost's sampling), `threads`
        (XGBoost threads), `max_rounds`, `learning_rate` (None: 0.05),
        `max_depth` (None: 4); `on_round(round, train_auc, validation_auc)`
        is called after each boosting round and may return True to stop
        (ScoreError, SCORE_ECANCELED); `progress=True` shows a tqdm bar when
        tqdm is installed, or give a callable progress(stage, done, total).
        Raises ScoreError with the library's message on failure."""


class Model(Handle):
    """A trained, calibrated model. Model(path) loads a bundle (str, bytes or
    os.PathLike); the train_* class methods train one. Immutable: may be
    shared by threads. Pickles as its bundle bytes. Use it in a `with` block
    or call close(): objects made from it (a Monitor, a Report) keep it
    alive until they are freed, and a call in flight on another thread
    finishes before the native model is freed."""
    _free_fn = _free
    _what = "model"

    def __init__(self, path: Optional[_check.PathLike] = None, _handle: Any = None) -> None:
        self._source: Optional[str] = None
        if _handle is None:
            raw = _check.path(path, "model path")
            handle = ctypes.c_void_p()
            _load(raw, ctypes.byref(handle))
            _handle = handle
            self._source = os.fsdecode(raw)
        super().__init__(_handle)

    @classmethod
    def train_signals(cls, panel: Panel, asof: str, labels_path: _check.PathLike, seed: int = 1,
                      threads: int = 1, max_rounds: int = 2000,
                      learning_rate: Optional[float] = None, max_depth: Optional[int] = None,
                      monotone: bool = True, on_round: Any = None,
                      progress: Any = None) -> "Model":
        """Train a signals model on the features of every enterprise of
        `panel` existing at `asof` ("YYYY-MM") that has a label in the CSV
        `labels_path` (uscc,default). `monotone` uses each feature's
        direction of risk as a monotone constraint."""
        t = _Training(seed, threads, max_rounds, learning_rate, max_depth, monotone, on_round,
                      progress)
        handle = ctypes.c_void_p()
        asof_b = _check.text(asof, "asof")
        labels_b = _check.path(labels_path, "labels path")
        try:
            with using(panel) as (p,):
                _train_signals(p, asof_b, labels_b, ctypes.byref(t.options), ctypes.byref(handle))
        finally:
            t.finish()
        return cls(_handle=handle)

    @classmethod
    def train_table(cls, path: _check.PathLike, label: str, id_column: Optional[str] = None,
                    seed: int = 1, threads: int = 1, max_rounds: int = 2000,
                    learning_rate: Optional[float] = None, max_depth: Optional[int] = None,
                    on_round: Any = None, progress: Any = None) -> "Model":
        """Train a table model on a CSV table (plain or gzip) with a header:
        `label` names the 0/1 column, `id_column` (optional) names each row
        and is not a feature; every other column is a feature (numbers, or
        text one-hot encoded as "name=level")."""
        t = _Training(seed, threads, max_rounds, learning_rate, max_depth, False, on_round,
                      progress)
        handle = ctypes.c_void_p()
        try:
            _train_table(_check.path(path, "table path"), _check.text(label, "label"),
                         _check.text(id_column, "id_column", optional=True),
                         ctypes.byref(t.options), ctypes.byref(handle))
        finally:
            t.finish()
        return cls(_handle=handle)

    @classmethod
    def train_matrix(cls, X: Any, y: Any, feature_names: Optional[Sequence[str]] = None,
                     directions: Optional[Sequence[int]] = None, seed: int = 1, threads: int = 1,
                     max_rounds: int = 2000, learning_rate: Optional[float] = None,
                     max_depth: Optional[int] = None, on_round: Any = None,
                     progress: Any = None) -> "Model":
        """Train a table model on rows in memory: X (n x k numbers, NaN
        missing; or a DataFrame, whose columns name the features), y (n
        labels, 0 or 1), feature_names (k names; default: the DataFrame's
        columns), directions (None, or k values -1, 0, +1 used as monotone
        constraints)."""
        if _frame.is_frame(X):
            names = _frame.feature_names_of(X, feature_names, X.shape[1])
            rows = _frame.rows(X, names, allow_1d=False)
        else:
            shape = np.shape(X)
            if len(shape) != 2:
                raise ValueError(f"X must be two-dimensional, got shape {shape}")
            names = _frame.feature_names_of(X, feature_names, shape[1])
            rows = _frame.rows(X, names, allow_1d=False)
        labels = _frame.labels(y, rows.shape[0])
        dirs = None
        if directions is not None:
            dirs = _check.integers(directions, "directions", np.intc)
            if len(dirs) != len(names):
                raise ValueError(f"{len(dirs)} directions for {len(names)} columns")
            if not np.isin(dirs, (-1, 0, 1)).all():
                raise ValueError("directions must be -1, 0 or +1")
        encoded = [n.encode("utf-8") for n in names]
        c_names = (ctypes.c_char_p * len(encoded))(*encoded)
        t = _Training(seed, threads, max_rounds, learning_rate, max_depth, dirs is not None,
                      on_round, progress)
        handle = ctypes.c_void_p()
        try:
            _train_matrix(rows, labels, rows.shape[0], rows.shape[1], c_names, _ptr(dirs),
                          ctypes.byref(t.options), ctypes.byref(handle))
        finally:
            t.finish()
        return cls(_handle=handle)

    def save(self, path: _check.PathLike) -> None:
        """Write the bundle to `path` (gzip JSON; a temporary file renamed
        into place)."""
        raw = _check.path(path, "model path")
        with self._use() as h:
            _save(h, raw)

    def to_bytes(self) -> bytes:
        """The bundle as bytes (what save() writes)."""
        with tempfile.TemporaryDirectory(prefix="libscore-") as tmp:
            target = os.path.join(tmp, "model.json.gz")
            self.save(target)
            with open(target, "rb") as f:
                return f.read()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Model":
        """A model from bundle bytes (as to_bytes() gives), checked as load does."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"bundle bytes expected, got {type(data).__name__}")
        with tempfile.TemporaryDirectory(prefix="libscore-") as tmp:
            target = os.path.join(tmp, "model.json.gz")
            with open(target, "wb") as f:
                f.write(bytes(data))
            model = cls(target)
        model._source = None
        return model

    def __reduce__(self) -> Tuple[Any, Tuple[bytes]]:
        return (Model.from_bytes, (self.to_bytes(),))

    def _describe(self) -> str:
        text = f"{self.input} model, {self.n_features} features"
        return text + (f", from {self._source!r}" if self._source else "")

    @property
    def n_features(self) -> int:
        """The number of columns of the model's rows."""
        with self._use() as h:
            return _n_features(h)

    @property
    def feature_names(self) -> List[str]:
        """The columns of the model's rows, in order."""
        return list(self._names())

    def _names(self) -> Tuple[str, ...]:
        # the model is immutable: read once
        names = getattr(self, "_names_cache", None)
        if names is None:
            out = []
            with self._use() as h:
                for i in range(_n_features(h)):
                    name = ctypes.c_char_p()
                    _feature(h, i, ctypes.byref(name), None)
                    out.append(name.value.decode())
            names = self._names_cache = tuple(out)
        return names

    @property
    def input(self) -> str:
        """"signals" (feature spec v1 from a panel) or "table"."""
        kind = ctypes.c_int()
        with self._use() as h:
            _input(h, ctypes.byref(kind))
        return "signals" if kind.value == INPUT_SIGNALS else "table"

    @property
    def metadata(self) -> Dict[str, Any]:
        """The bundle's metadata (training data, options, validation figures)."""
        n = ctypes.c_size_t()
        with self._use() as h:
            _metadata(h, None, 0, ctypes.byref(n))
            buf = ctypes.create_string_buffer(n.value + 1)
            _metadata(h, buf, n.value + 1, ctypes.byref(n))
        return json.loads(buf.value.decode())

    def rows(self, X: Any) -> np.ndarray:
        """X as the model's float32 rows: a DataFrame by column names, an
        array checked for its shape; infinities refused."""
        if self.closed:
            raise ClosedError(f"the {self._what} is closed")
        return _frame.rows(X, self._names())

    _rows = rows

    def predict(self, X: Any) -> np.ndarray:
        """Calibrated PDs of the rows of X (n x n_features, NaN missing; or a
        DataFrame, columns by name)."""
        X = self.rows(X)
        pd = np.empty(X.shape[0])
        with self._use() as h:
            _predict(h, X, X.shape[0], None, _ptr(pd))
        return pd

    def margin(self, X: Any) -> np.ndarray:
        """XGBoost's raw margins of the rows of X."""
        X = self.rows(X)
        margin = np.empty(X.shape[0])
        with self._use() as h:
            _predict(h, X, X.shape[0], _ptr(margin), None)
        return margin

    def contributions(self, x: Any) -> np.ndarray:
        """Exact tree SHAP contributions of one row; the last entry is the bias."""
        x = self.rows(x)
        if x.shape[0] != 1:
            raise ValueError(f"contributions takes one row, got {x.shape[0]}")
        x = np.ascontiguousarray(x[0])
        out = np.empty(x.shape[0] + 1)
        with self._use() as h:
            _contributions(h, x, _ptr(out))
        return out

    def score(self, X: Any, reasons: Any = None) -> Dict[str, Any]:
        """dict of arrays: margin, pd, score, grade (names), reasons (codes).
        reasons: how many a row (None: the model's; 0 or "none": none, and no
        contributions are computed)."""
        X = self.rows(X)
        if reasons is not None and not (reasons == "none" or (
                isinstance(reasons, int) and not isinstance(reasons, bool) and reasons >= 0)):
            raise ValueError(f"reasons must be None, a count >= 0 or 'none', not {reasons!r}")
        with self._use() as h:
            k = _n_reasons(h) if reasons is None else 0 if reasons == "none" else reasons
            n = X.shape[0]
            out = self._outputs(n, k)
            options = _BatchOptions()
            _batch_options_init(ctypes.byref(options))
            options.n_reasons = k
            _score_batch(h, X, n, ctypes.byref(options), _ptr(out["margin"]),
                         _ptr(out["pd"]), _ptr(out["score"]), _ptr(out["grade"]),
                         _ptr(out["reasons"]))
            return self._named(h, out, k)

    def score_panel(self, panel: Panel, asof: str) -> Dict[str, Any]:
        """Score every enterprise of a panel existing at `asof`: dict of
        arrays plus 'uscc'."""
        asof_b = _check.text(asof, "asof")
        n = ctypes.c_size_t()
        with using(self, panel) as (h, p):
            _score_panel(h, p, asof_b, 0, None, None, None, None, None, None, ctypes.byref(n))
            k = _n_reasons(h)
            out = self._outputs(n.value, k)
            index = np.empty(n.value, dtype=np.uintp)
            _score_panel(h, p, asof_b, n.value, _ptr(index), _ptr(out["margin"]), _ptr(out["pd"]),
                         _ptr(out["score"]), _ptr(out["grade"]), _ptr(out["reasons"]),
                         ctypes.byref(n))
            named = self._named(h, out, k)
            codes = panel.enterprises()
        named["uscc"] = [codes[i] for i in index]
        return named

    def reason(self, feature: int, value: float) -> Tuple[str, str, str]:
        """(code, Chinese text, English text) of a feature at a value (NaN: missing)."""
        with self._use() as h:
            return self._reason(h, feature, value)

    def _reason(self, h: Any, feature: int, value: float) -> Tuple[str, str, str]:
        f = _check.integer(feature, "feature", _check.SIZE, 0, _n_features(h) - 1)
        v = _check.real(value, "value", nan=True)
        code = ctypes.c_char_p()
        zh = ctypes.create_string_buffer(512)
        en = ctypes.create_string_buffer(512)
        _reason(h, f, v, ctypes.byref(code), zh, 512, en, 512)
        return code.value.decode(), zh.value.decode(), en.value.decode()

    def explain(self, panel: Panel, uscc: str, asof: str) -> Dict[str, Any]:
        """One enterprise: its features, contributions, PD, score, grade and
        reasons with texts in both languages."""
        uscc_b, asof_b = _check.text(uscc, "uscc"), _check.text(asof, "asof")
        with using(self, panel) as (h, p):
            row = np.empty(_n_features(h), dtype=np.float32)
            _features_enterprise(p, uscc_b, asof_b, row)
            contributions = self.contributions(row)
            scored = self.score(row)
            names = self.feature_names
            reasons = []
            k = _n_reasons(h)
            order = np.argsort(-contributions[:-1], kind="stable")
            for f in order[:k]:
                if contributions[f] > 0:
                    reasons.append(self._reason(h, int(f), float(row[f]))
                                   + (float(contributions[f]),))
        return {
            "uscc": uscc, "asof": asof, "pd": float(scored["pd"][0]),
            "score": int(scored["score"][0]), "grade": scored["grade"][0],
            "margin": float(scored["margin"][0]), "reasons": reasons,
            "features": {names[i]: (float(row[i]), float(contributions[i]))
                         for i in range(len(names))},
            "bias": float(contributions[-1]),
        }

    def read_table(self, path: _check.PathLike,
                   id_column: Optional[str] = None) -> Tuple[List[str], np.ndarray]:
        """(ids, rows) of a CSV table for a table model, columns by name."""
        raw = _check.path(path, "table path")
        id_b = _check.text(id_column, "id_column", optional=True)
        handle = ctypes.c_void_p()
        options = ReadOptions(size=ctypes.sizeof(ReadOptions))
        counts = ReadCounts(size=ctypes.sizeof(ReadCounts))
        with self._use() as h:
            nf = _n_features(h)
            _table_read(h, raw, id_b, ctypes.byref(options), ctypes.byref(counts),
                        ctypes.byref(handle))
            try:
                n = _table_n_rows(handle)
                rows = np.ctypeslib.as_array(_table_rows(handle), shape=(n * nf,)).copy() \
                    if n else np.empty(0, dtype=np.float32)
                ids = [_table_id(handle, i).decode() for i in range(n)]
            finally:
                _table_free(handle)
        return ids, rows.reshape(n, nf)

    def pd_to_score(self, pd: float) -> int:
        """The model's score of a PD (clipped to the scale, rounded)."""
        value = _check.real(pd, "pd", 0.0, 1.0, nan=True)
        with self._use() as h:
            return _pd_to_score(h, value)

    @staticmethod
    def _outputs(n: int, k: int) -> Dict[str, np.ndarray]:
        return {"margin": np.empty(n), "pd": np.empty(n), "score": np.empty(n, dtype=np.intc),
                "grade": np.empty(n, dtype=np.intc), "reasons": np.empty(n * k, dtype=np.intc)}

    def _named(self, h: Any, out: Dict[str, np.ndarray], k: int) -> Dict[str, Any]:
        n = len(out["pd"])
        reasons = out["reasons"].reshape(n, k)
        codes: Dict[int, str] = {}

        def code(f: int) -> str:
            if f not in codes:
                codes[f] = self._reason(h, int(f), float("nan"))[0]
            return codes[f]

        return {
            "margin": out["margin"], "pd": out["pd"], "score": out["score"],
            "grade": [_grade_name(h, int(g)).decode() for g in out["grade"]],
            "reasons": [[code(f) for f in r if f >= 0] for r in reasons],
        }


for _m in (Model.train_signals, Model.train_table, Model.train_matrix):
    _m.__func__.__doc__ += _TRAIN_DOC
