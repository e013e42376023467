"""Models: training, loading, prediction, scores, grades and reasons."""
import ctypes
import json

import numpy as np

from ._native import Handle, declare
from .panel import DIAGNOSTIC_FN, Panel, ReadCounts, ReadOptions, _bytes

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


def _ptr(array):
    return None if array is None else array.ctypes.data_as(ctypes.c_void_p)


def _options(seed, threads, max_rounds, learning_rate, max_depth, monotone, on_round):
    o = TrainOptions()
    _init(ctypes.byref(o))
    o.seed = seed
    o.threads = threads
    o.max_rounds = max_rounds
    if learning_rate is not None:
        o.learning_rate = learning_rate
    if max_depth is not None:
        o.max_depth = max_depth
    o.monotone = int(bool(monotone))
    keep = None
    if on_round is not None:
        keep = ROUND_FN(lambda user, r, t, v: int(bool(on_round(r, t, v))))
        o.round_callback = ctypes.cast(keep, ctypes.c_void_p)
    return o, keep


class Model(Handle):
    """A trained, calibrated model. Model(path) loads a bundle; the train_*
    class methods train one. Immutable: may be shared by threads. Use it in a
    `with` block or call close()."""
    _free_fn = _free
    _what = "model"

    def __init__(self, path=None, _handle=None):
        self._handle = None
        if _handle is None:
            handle = ctypes.c_void_p()
            _load(_bytes(path), ctypes.byref(handle))
            _handle = handle
        self._handle = _handle

    @classmethod
    def train_signals(cls, panel, asof, labels_path, seed=1, threads=1, max_rounds=2000,
                      learning_rate=None, max_depth=None, monotone=True, on_round=None):
        o, keep = _options(seed, threads, max_rounds, learning_rate, max_depth, monotone, on_round)
        handle = ctypes.c_void_p()
        _train_signals(panel.handle, _bytes(asof), _bytes(labels_path), ctypes.byref(o),
                       ctypes.byref(handle))
        del keep
        return cls(_handle=handle)

    @classmethod
    def train_table(cls, path, label, id_column=None, seed=1, threads=1, max_rounds=2000,
                    learning_rate=None, max_depth=None, on_round=None):
        o, keep = _options(seed, threads, max_rounds, learning_rate, max_depth, False, on_round)
        handle = ctypes.c_void_p()
        _train_table(_bytes(path), _bytes(label), _bytes(id_column), ctypes.byref(o),
                     ctypes.byref(handle))
        del keep
        return cls(_handle=handle)

    @classmethod
    def train_matrix(cls, X, y, feature_names, directions=None, seed=1, threads=1,
                     max_rounds=2000, learning_rate=None, max_depth=None, on_round=None):
        X = np.ascontiguousarray(X, dtype=np.float32)
        y = np.ascontiguousarray(y, dtype=np.float32)
        names = (ctypes.c_char_p * len(feature_names))(*[_bytes(n) for n in feature_names])
        dirs = None if directions is None else np.ascontiguousarray(directions, dtype=np.intc)
        o, keep = _options(seed, threads, max_rounds, learning_rate, max_depth,
                           directions is not None, on_round)
        handle = ctypes.c_void_p()
        _train_matrix(X, y, X.shape[0], X.shape[1], names, _ptr(dirs), ctypes.byref(o),
                      ctypes.byref(handle))
        del keep
        return cls(_handle=handle)

    def save(self, path):
        _save(self.handle, _bytes(path))

    @property
    def n_features(self):
        return _n_features(self.handle)

    @property
    def feature_names(self):
        out = []
        for i in range(self.n_features):
            name = ctypes.c_char_p()
            _feature(self.handle, i, ctypes.byref(name), None)
            out.append(name.value.decode())
        return out

    @property
    def input(self):
        kind = ctypes.c_int()
        _input(self.handle, ctypes.byref(kind))
        return "signals" if kind.value == INPUT_SIGNALS else "table"

    @property
    def metadata(self):
        n = ctypes.c_size_t()
        _metadata(self.handle, None, 0, ctypes.byref(n))
        buf = ctypes.create_string_buffer(n.value + 1)
        _metadata(self.handle, buf, n.value + 1, ctypes.byref(n))
        return json.loads(buf.value.decode())

    def _rows(self, X):
        X = np.ascontiguousarray(X, dtype=np.float32)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"rows must have {self.n_features} columns, got shape {X.shape}")
        return X

    def predict(self, X):
        """Calibrated PDs of the rows of X (n x n_features, NaN missing)."""
        X = self._rows(X)
        pd = np.empty(X.shape[0])
        _predict(self.handle, X, X.shape[0], None, _ptr(pd))
        return pd

    def margin(self, X):
        """XGBoost's raw margins of the rows of X."""
        X = self._rows(X)
        margin = np.empty(X.shape[0])
        _predict(self.handle, X, X.shape[0], _ptr(margin), None)
        return margin

    def contributions(self, x):
        """Exact tree SHAP contributions of one row; the last entry is the bias."""
        x = self._rows(x)[0].copy()
        out = np.empty(self.n_features + 1)
        _contributions(self.handle, x, _ptr(out))
        return out

    def score(self, X, reasons=None):
        """dict of arrays: margin, pd, score, grade (names), reasons (codes).
        reasons: how many a row (None: the model's; 0 or "none": none, and no
        contributions are computed)."""
        X = self._rows(X)
        if reasons is None:
            k = _n_reasons(self.handle)
        elif reasons == "none":
            k = 0
        elif isinstance(reasons, int) and not isinstance(reasons, bool) and reasons >= 0:
            k = reasons
        else:
            raise ValueError(f"reasons must be None, a count >= 0 or 'none', not {reasons!r}")
        n = X.shape[0]
        out = self._outputs(n, k)
        options = _BatchOptions()
        _batch_options_init(ctypes.byref(options))
        options.n_reasons = k
        _score_batch(self.handle, X, n, ctypes.byref(options), _ptr(out["margin"]),
                     _ptr(out["pd"]), _ptr(out["score"]), _ptr(out["grade"]),
                     _ptr(out["reasons"]))
        return self._named(out, k)

    def score_panel(self, panel, asof):
        """Score every enterprise of a panel existing at `asof`: dict of
        arrays plus 'uscc'."""
        n = ctypes.c_size_t()
        _score_panel(self.handle, panel.handle, _bytes(asof), 0, None, None, None, None, None,
                     None, ctypes.byref(n))
        k = _n_reasons(self.handle)
        out = self._outputs(n.value, k)
        index = np.empty(n.value, dtype=np.uintp)
        _score_panel(self.handle, panel.handle, _bytes(asof), n.value, _ptr(index),
                     _ptr(out["margin"]), _ptr(out["pd"]), _ptr(out["score"]), _ptr(out["grade"]),
                     _ptr(out["reasons"]), ctypes.byref(n))
        named = self._named(out, k)
        codes = panel.enterprises()
        named["uscc"] = [codes[i] for i in index]
        return named

    def reason(self, feature, value):
        """(code, Chinese text, English text) of a feature at a value."""
        code = ctypes.c_char_p()
        zh = ctypes.create_string_buffer(512)
        en = ctypes.create_string_buffer(512)
        _reason(self.handle, feature, float(value), ctypes.byref(code), zh, 512, en, 512)
        return code.value.decode(), zh.value.decode(), en.value.decode()

    def explain(self, panel, uscc, asof):
        """One enterprise: its features, contributions, PD, score, grade and
        reasons with texts in both languages."""
        row = np.empty(self.n_features, dtype=np.float32)
        _features_enterprise(panel.handle, _bytes(uscc), _bytes(asof), row)
        contributions = self.contributions(row)
        scored = self.score(row)
        names = self.feature_names
        reasons = []
        k = _n_reasons(self.handle)
        order = np.argsort(-contributions[:-1], kind="stable")
        for f in order[:k]:
            if contributions[f] > 0:
                reasons.append(self.reason(int(f), row[f]) + (float(contributions[f]),))
        return {
            "uscc": uscc, "asof": asof, "pd": float(scored["pd"][0]),
            "score": int(scored["score"][0]), "grade": scored["grade"][0],
            "margin": float(scored["margin"][0]), "reasons": reasons,
            "features": {names[i]: (float(row[i]), float(contributions[i]))
                         for i in range(self.n_features)},
            "bias": float(contributions[-1]),
        }

    def read_table(self, path, id_column=None):
        """(ids, rows) of a CSV table for a table model, columns by name."""
        handle = ctypes.c_void_p()
        options = ReadOptions(size=ctypes.sizeof(ReadOptions))
        counts = ReadCounts(size=ctypes.sizeof(ReadCounts))
        _table_read(self.handle, _bytes(path), _bytes(id_column), ctypes.byref(options),
                    ctypes.byref(counts), ctypes.byref(handle))
        try:
            n = _table_n_rows(handle)
            rows = np.ctypeslib.as_array(_table_rows(handle), shape=(n * self.n_features,)).copy() \
                if n else np.empty(0, dtype=np.float32)
            ids = [_table_id(handle, i).decode() for i in range(n)]
        finally:
            _table_free(handle)
        return ids, rows.reshape(n, self.n_features)

    def pd_to_score(self, pd):
        return _pd_to_score(self.handle, float(pd))

    @staticmethod
    def _outputs(n, k):
        return {"margin": np.empty(n), "pd": np.empty(n), "score": np.empty(n, dtype=np.intc),
                "grade": np.empty(n, dtype=np.intc), "reasons": np.empty(n * k, dtype=np.intc)}

    def _named(self, out, k):
        n = len(out["pd"])
        reasons = out["reasons"].reshape(n, k)
        codes = {}

        def code(f):
            if f not in codes:
                codes[f] = self.reason(int(f), float("nan"))[0]
            return codes[f]

        return {
            "margin": out["margin"], "pd": out["pd"], "score": out["score"],
            "grade": [_grade_name(self.handle, int(g)).decode() for g in out["grade"]],
            "reasons": [[code(f) for f in r if f >= 0] for r in reasons],
        }
