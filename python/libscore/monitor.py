"""Monitoring: early-warning alerts, drift (PSI) and the validation report."""
import ctypes
import json
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from . import _check
from ._native import Handle, declare, using
from .panel import _bytes

c_size_p = ctypes.POINTER(ctypes.c_size_t)
_vp = ctypes.c_void_p
_out = ctypes.POINTER(ctypes.c_void_p)

SEVERITY_INFO = 1
SEVERITY_WARNING = 2
SEVERITY_CRITICAL = 3
PSI_STABLE = 0
PSI_INVESTIGATE = 1
PSI_SHIFTED = 2


class _Alert(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("uscc", ctypes.c_char_p),
        ("code", ctypes.c_char_p),
        ("severity", ctypes.c_int),
        ("severity_name", ctypes.c_char_p),
        ("message_zh", ctypes.c_char_p),
        ("message_en", ctypes.c_char_p),
        ("evidence", ctypes.c_char_p),
        ("month", ctypes.c_int),
        ("previous_month", ctypes.c_int),
    ]


class _Stats(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("month", ctypes.c_int),
        ("enterprises", ctypes.c_size_t),
        ("evaluated", ctypes.c_size_t),
        ("carried", ctypes.c_size_t),
    ]


class _DriftEntry(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("name", ctypes.c_char_p),
        ("psi", ctypes.c_double),
        ("verdict", ctypes.c_int),
        ("n_bins", ctypes.c_size_t),
        ("edges", ctypes.POINTER(ctypes.c_double)),
        ("expected", ctypes.POINTER(ctypes.c_double)),
        ("actual", ctypes.POINTER(ctypes.c_double)),
    ]


class _Summary(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("asof", ctypes.c_int),
        ("enterprises", ctypes.c_size_t),
        ("scored", ctypes.c_size_t),
        ("labelled", ctypes.c_size_t),
        ("defaults", ctypes.c_size_t),
        ("default_rate", ctypes.c_double),
        ("mean_pd", ctypes.c_double),
        ("auc", ctypes.c_double),
        ("gini", ctypes.c_double),
        ("ks", ctypes.c_double),
        ("ks_score", ctypes.c_int),
        ("brier", ctypes.c_double),
    ]


class _Grade(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("grade", ctypes.c_char_p),
        ("count", ctypes.c_size_t),
        ("defaults", ctypes.c_size_t),
        ("mean_pd", ctypes.c_double),
        ("default_rate", ctypes.c_double),
        ("ci_low", ctypes.c_double),
        ("ci_high", ctypes.c_double),
    ]


_dp = np.ctypeslib.ndpointer(dtype=np.float64, flags="C_CONTIGUOUS")
_n_codes = declare("score_alert_n_codes", ctypes.c_size_t, [], status=False)
_code_info = declare("score_alert_code_info", ctypes.c_int,
                     [ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p),
                      ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_char_p)])
_config_new = declare("score_monitor_config_new", ctypes.c_int, [_out])
_config_load = declare("score_monitor_config_load", ctypes.c_int, [ctypes.c_char_p, _out])
_config_parse = declare("score_monitor_config_parse", ctypes.c_int,
                        [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, _out])
_config_free = declare("score_monitor_config_free", None, [_vp])
_config_json = declare("score_monitor_config_json", ctypes.c_int,
                       [_vp, ctypes.c_char_p, ctypes.c_size_t, c_size_p])
_alerts_count = declare("score_alerts_count", ctypes.c_size_t, [_vp], status=False)
_alerts_get = declare("score_alerts_get", ctypes.c_int,
                      [_vp, ctypes.c_size_t, ctypes.POINTER(_Alert)])
_alerts_free = declare("score_alerts_free", None, [_vp])
_evaluate = declare("score_monitor_evaluate", ctypes.c_int,
                    [_vp, _vp, _vp, ctypes.c_char_p, ctypes.c_char_p, _out])
_monitor_new = declare("score_monitor_new", ctypes.c_int, [_vp, _vp, _out])
_monitor_free = declare("score_monitor_free", None, [_vp])
_monitor_update = declare("score_monitor_update", ctypes.c_int,
                          [_vp, _vp, ctypes.c_char_p, _out])
_monitor_stats = declare("score_monitor_stats_get", ctypes.c_int, [_vp, ctypes.POINTER(_Stats)])
_psi = declare("score_psi", ctypes.c_int,
               [_dp, _dp, ctypes.c_size_t, ctypes.POINTER(ctypes.c_double)])
_psi_verdict = declare("score_psi_verdict", ctypes.c_int, [ctypes.c_double], status=False)
_psi_verdict_name = declare("score_psi_verdict_name", ctypes.c_char_p, [ctypes.c_int])
_drift_compute = declare("score_drift_compute", ctypes.c_int,
                         [_vp, _vp, ctypes.c_char_p, ctypes.c_char_p, _out])
_drift_free = declare("score_drift_free", None, [_vp])
_drift_count = declare("score_drift_count", ctypes.c_size_t, [_vp], status=False)
_drift_get = declare("score_drift_get", ctypes.c_int,
                     [_vp, ctypes.c_size_t, ctypes.POINTER(_DriftEntry)])
_drift_migration = declare("score_drift_migration", ctypes.c_int,
                           [_vp, ctypes.c_void_p, ctypes.c_size_t, c_size_p])
_drift_json = declare("score_drift_json", ctypes.c_int,
                      [_vp, ctypes.c_char_p, ctypes.c_size_t, c_size_p])
_report_new = declare("score_report_new", ctypes.c_int,
                      [_vp, _vp, ctypes.c_char_p, ctypes.c_char_p, _out])
_report_free = declare("score_report_free", None, [_vp])
_report_summary = declare("score_report_summary_get", ctypes.c_int,
                          [_vp, ctypes.POINTER(_Summary)])
_report_grade = declare("score_report_grade_get", ctypes.c_int,
                        [_vp, ctypes.c_size_t, ctypes.POINTER(_Grade)])
_report_html = declare("score_report_html", ctypes.c_int,
                       [_vp, ctypes.c_char_p, ctypes.c_size_t, c_size_p])
_report_json = declare("score_report_json", ctypes.c_int,
                       [_vp, ctypes.c_char_p, ctypes.c_size_t, c_size_p])
_report_save = declare("score_report_save", ctypes.c_int, [_vp, ctypes.c_char_p])
_n_grades = declare("score_model_n_grades", ctypes.c_size_t, [_vp], status=False)


def _text_of(call: Any, handle: Any) -> str:
    """Text from a function with the (buffer, capacity, &length) convention."""
    length = ctypes.c_size_t()
    call(handle, None, 0, ctypes.byref(length))
    buffer = ctypes.create_string_buffer(length.value + 1)
    call(handle, buffer, len(buffer), ctypes.byref(length))
    return buffer.raw[:length.value].decode("utf-8")


def alert_codes() -> List[Tuple[str, str, str]]:
    """The alert catalogue: a list of (code, default severity name, description)."""
    out = []
    names = {1: "info", 2: "warning", 3: "critical"}
    for i in range(_n_codes()):
        code, desc, sev = ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_int()
        _code_info(i, ctypes.byref(code), ctypes.byref(sev), ctypes.byref(desc))
        out.append((code.value.decode(), names[sev.value], desc.value.decode()))
    return out


class MonitorConfig(Handle):
    """Alert thresholds, severities and switches: the defaults, or read from a
    JSON file (`path`), JSON text (`text`) or a dict (`values`), e.g.
    {"alerts": {"POWER_QOQ_DROP": {"max_change": -0.4}}}. Immutable."""
    _free_fn = staticmethod(_config_free)
    _what = "configuration"

    def __init__(self, path: Optional[_check.PathLike] = None, *,
                 values: Optional[Dict[str, Any]] = None, text: Optional[str] = None,
                 name: Optional[str] = None) -> None:
        if sum(x is not None for x in (path, values, text)) > 1:
            raise ValueError("give at most one of path, values and text")
        handle = ctypes.c_void_p()
        if path is not None:
            _config_load(_check.path(path, "configuration path"), ctypes.byref(handle))
        elif values is not None or text is not None:
            if text is not None and not isinstance(text, str):
                raise TypeError(f"text must be a str, got {type(text).__name__}")
            data = (json.dumps(values) if values is not None else text).encode("utf-8")
            _config_parse(data, len(data), _bytes(name), ctypes.byref(handle))
        else:
            _config_new(ctypes.byref(handle))
        super().__init__(handle)

    def _describe(self) -> str:
        return f"{len(self.to_dict().get('alerts', {}))} alerts configured"

    def to_json(self) -> str:
        """Every setting in force as JSON text."""
        with self._use() as h:
            return _text_of(_config_json, h)

    def to_dict(self) -> Dict[str, Any]:
        """Every setting in force as a dict."""
        return json.loads(self.to_json())


def _alerts_list(handle: Any) -> List[Dict[str, Any]]:
    """The alerts of a score_alerts list as dicts (evidence parsed), then free it."""
    try:
        out = []
        for i in range(_alerts_count(handle)):
            a = _Alert(size=ctypes.sizeof(_Alert))
            _alerts_get(handle, i, ctypes.byref(a))
            out.append({
                "uscc": a.uscc.decode(), "code": a.code.decode(), "severity": a.severity_name.decode(),
                "message_zh": a.message_zh.decode("utf-8"), "message_en": a.message_en.decode("utf-8"),
                "evidence": json.loads(a.evidence.decode("utf-8")), "month": a.month,
                "previous_month": a.previous_month,
            })
        return out
    finally:
        _alerts_free(handle)


def monitor_evaluate(panel: Any, asof: str, previous: Optional[str] = None, model: Any = None,
                     config: Optional[MonitorConfig] = None) -> List[Dict[str, Any]]:
    """The alerts between `previous` (default: the month before) and `asof`,
    evaluating every enterprise of the panel at both months (no state)."""
    out = ctypes.c_void_p()
    asof_b, previous_b = _bytes(asof), _bytes(previous)
    with using(model, config, panel) as (m, c, p):
        _evaluate(m, c, p, asof_b, previous_b, ctypes.byref(out))
    return _alerts_list(out)


class Monitor(Handle):
    """A portfolio's last state of every enterprise, updated month by month:
    each update re-assesses only the enterprises with observations dated
    after the previous month. The model stays alive (even when closed)
    until the monitor is freed. Calls from several threads take turns."""
    _free_fn = staticmethod(_monitor_free)
    _what = "monitor"
    _locking = "exclusive"

    def __init__(self, model: Any = None, config: Optional[MonitorConfig] = None) -> None:
        handle = ctypes.c_void_p()
        with using(model, config) as (m, c):
            _monitor_new(m, c, ctypes.byref(handle))
            # holds the model before this block lets a close() free it
            super().__init__(handle, depends=[model] if model is not None else [])
        self._model = model

    def _describe(self) -> str:
        s = self.stats
        month = s["month"]
        when = f"at {month // 100}-{month % 100:02d}" if month > 0 else "not updated"
        return f"{when}, {s['enterprises']} enterprises"

    def update(self, panel: Any, asof: str) -> List[Dict[str, Any]]:
        """Bring the monitor to `asof` with the panel as it now is; the alerts raised."""
        out = ctypes.c_void_p()
        asof_b = _bytes(asof)
        with using(self, panel) as (h, p):
            _monitor_update(h, p, asof_b, ctypes.byref(out))
        return _alerts_list(out)

    @property
    def stats(self) -> Dict[str, int]:
        """month (YYYYMM, 0 before the first update), enterprises, evaluated, carried."""
        s = _Stats(size=ctypes.sizeof(_Stats))
        with self._use() as h:
            _monitor_stats(h, ctypes.byref(s))
        return {"month": s.month, "enterprises": s.enterprises, "evaluated": s.evaluated,
                "carried": s.carried}


def _psi_shares(expected: np.ndarray, actual: np.ndarray) -> float:
    """The library's PSI of two checked share vectors."""
    out = ctypes.c_double()
    _psi(expected, actual, expected.shape[0], ctypes.byref(out))
    return out.value


def psi_verdict(value: float) -> str:
    """"stable", "investigate" or "shifted"."""
    return _psi_verdict_name(_psi_verdict(_check.real(value, "psi", 0.0))).decode()


def drift(model: Any, panel: Any, asof: str, previous: Optional[str] = None) -> Dict[str, Any]:
    """The drift of the panel at `asof` against the model's training
    population: a dict as `score drift` writes it, plus "entries" (name,
    psi, verdict, expected and actual shares as arrays, the last share the
    missing values) and, with `previous`, "migration" as a numpy matrix."""
    handle = ctypes.c_void_p()
    asof_b, previous_b = _bytes(asof), _bytes(previous)
    with using(model, panel) as (m, p):
        _drift_compute(m, p, asof_b, previous_b, ctypes.byref(handle))
    try:
        doc = json.loads(_text_of(_drift_json, handle))
        entries = []
        for i in range(_drift_count(handle)):
            e = _DriftEntry(size=ctypes.sizeof(_DriftEntry))
            _drift_get(handle, i, ctypes.byref(e))
            n = e.n_bins
            entries.append({
                "name": e.name.decode(), "psi": e.psi, "verdict": psi_verdict(e.psi),
                "edges": np.ctypeslib.as_array(e.edges, shape=(n - 2,)).copy() if n > 2
                else np.empty(0),
                "expected": np.ctypeslib.as_array(e.expected, shape=(n,)).copy(),
                "actual": np.ctypeslib.as_array(e.actual, shape=(n,)).copy(),
            })
        doc["entries"] = entries
        if previous is not None:
            grades = ctypes.c_size_t()
            _drift_migration(handle, None, 0, ctypes.byref(grades))
            counts = np.zeros(grades.value * grades.value, dtype=np.uintp)
            _drift_migration(handle, counts.ctypes.data_as(ctypes.c_void_p), counts.size,
                             ctypes.byref(grades))
            doc["migration_matrix"] = counts.reshape(grades.value, grades.value).astype(np.int64)
        return doc
    finally:
        _drift_free(handle)


class Report(Handle):
    """The model validation report of `model` on the labelled enterprises of
    `panel` at `asof` (labels: CSV uscc,default). Its grade names belong to
    the model, so the model stays alive (even when closed) until the report
    is freed."""
    _free_fn = staticmethod(_report_free)
    _what = "report"

    def __init__(self, model: Any, panel: Any, labels_path: _check.PathLike, asof: str) -> None:
        handle = ctypes.c_void_p()
        labels_b, asof_b = _check.path(labels_path, "labels path"), _bytes(asof)
        with using(model, panel) as (m, p):
            _report_new(m, p, labels_b, asof_b, ctypes.byref(handle))
            self._n_grades = _n_grades(m)
            super().__init__(handle, depends=[model])
        self._model = model

    def _describe(self) -> str:
        s = self.summary
        return f"{s['labelled']} labelled, AUC {s['auc']:.4f}"

    @property
    def summary(self) -> Dict[str, Any]:
        """The headline numbers: counts, default rate, mean PD, AUC, Gini, KS, Brier."""
        s = _Summary(size=ctypes.sizeof(_Summary))
        with self._use() as h:
            _report_summary(h, ctypes.byref(s))
        return {name: getattr(s, name) for name, _ in _Summary._fields_[1:]}

    def grades(self) -> List[Dict[str, Any]]:
        """One dict per grade of the model's master scale, best first."""
        out = []
        with self._use() as h:
            for i in range(self._n_grades):
                g = _Grade(size=ctypes.sizeof(_Grade))
                _report_grade(h, i, ctypes.byref(g))
                out.append({name: (getattr(g, name).decode() if name == "grade"
                                   else getattr(g, name))
                            for name, _ in _Grade._fields_[1:]})
        return out

    def html(self) -> str:
        """The report as one self-contained HTML page."""
        with self._use() as h:
            return _text_of(_report_html, h)

    def json(self) -> Dict[str, Any]:
        """Every figure of the report (intervals, gains table, calibration
        tests, challenger, reason codes, PSI) as a dict."""
        with self._use() as h:
            return json.loads(_text_of(_report_json, h))

    def save(self, path: _check.PathLike) -> None:
        """Write the HTML page to `path`."""
        raw = _check.path(path, "report path")
        with self._use() as h:
            _report_save(h, raw)


from .metrics import psi  # noqa: E402,F401  (re-exported: libscore.monitor.psi as before)
