"""Enterprise signals (standard v1) in a panel."""
import ctypes
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from . import _check
from ._native import Handle, declare, lib

c_size_p = ctypes.POINTER(ctypes.c_size_t)


class ReadOptions(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("strict", ctypes.c_int),
        ("diagnostic", ctypes.c_void_p),
        ("diagnostic_user", ctypes.c_void_p),
        ("progress", ctypes.c_void_p),
        ("progress_user", ctypes.c_void_p),
    ]


class ReadCounts(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("read", ctypes.c_uint64),
        ("accepted", ctypes.c_uint64),
        ("replaced", ctypes.c_uint64),
        ("skipped", ctypes.c_uint64),
        ("rejected", ctypes.c_uint64),
    ]

    def as_dict(self):
        return {name: getattr(self, name) for name, _ in self._fields_[1:]}


class Diagnostic(ctypes.Structure):
    _fields_ = [
        ("severity", ctypes.c_int),
        ("file", ctypes.c_char_p),
        ("line", ctypes.c_uint64),
        ("column", ctypes.c_int),
        ("column_name", ctypes.c_char_p),
        ("message", ctypes.c_char_p),
        ("text", ctypes.c_char_p),
    ]


DIAGNOSTIC_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(Diagnostic))

_new = declare("score_panel_new", ctypes.c_int, [ctypes.POINTER(ctypes.c_void_p)])
_free = declare("score_panel_free", None, [ctypes.c_void_p])
_read_file = declare("score_panel_read_file", ctypes.c_int,
                     [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ReadOptions),
                      ctypes.POINTER(ReadCounts)])
_read_buffer = declare("score_panel_read_buffer", ctypes.c_int,
                       [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
                        ctypes.POINTER(ReadOptions), ctypes.POINTER(ReadCounts)])
_add = declare("score_panel_add", ctypes.c_int,
               [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)])
_n_ent = declare("score_panel_n_enterprises", ctypes.c_size_t, [ctypes.c_void_p])
_n_obs = declare("score_panel_n_observations", ctypes.c_size_t, [ctypes.c_void_p])
_enterprise = declare("score_panel_enterprise", ctypes.c_int,
                      [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p])
_series = declare("score_panel_series", ctypes.c_int,
                  [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                   ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, c_size_p])
declare("score_uscc_valid", ctypes.c_int, [ctypes.c_char_p], status=False)
declare("score_version_string", ctypes.c_char_p, [])

ADD_STATUS = {0: "accepted", 1: "replaced", 2: "skipped"}


def _bytes(text: Any) -> Optional[bytes]:
    """Text for C (None stays None): a str, NUL refused."""
    return _check.text(text, "argument", optional=True)


class Panel(Handle):
    """Enterprise signals, read from standard v1 files or added one by one.

    A panel owns library memory: use it in a `with` block or call close().
    Reading it (features, scores, series) may happen on several threads at
    once; adding data waits until no other call is using it."""
    _free_fn = _free
    _what = "panel"
    _locking = "rw"

    def __init__(self) -> None:
        self.diagnostics: List[Dict[str, Any]] = []
        handle = ctypes.c_void_p()
        _new(ctypes.byref(handle))
        super().__init__(handle)

    def _describe(self) -> str:
        return f"{len(self)} enterprises, {self.n_observations} observations"

    def _options(self, strict):
        options = ReadOptions(size=ctypes.sizeof(ReadOptions), strict=int(bool(strict)))
        diagnostics = self.diagnostics

        def collect(user, diag):
            d = diag.contents
            diagnostics.append({"severity": "warning" if d.severity == 1 else "error",
                                "line": d.line, "column": d.column,
                                "text": d.text.decode("utf-8", "replace")})

        callback = DIAGNOSTIC_FN(collect)
        options.diagnostic = ctypes.cast(callback, ctypes.c_void_p)
        return options, callback

    def read(self, path: _check.PathLike, strict: bool = False) -> Dict[str, int]:
        """Read one signals file (plain or gzip); returns its counts as a dict.
        Rejected lines are in self.diagnostics; a file that cannot be used
        raises ScoreError and leaves the panel as it was."""
        raw = _check.path(path, "signals path")
        options, keep = self._options(strict)
        counts = ReadCounts(size=ctypes.sizeof(ReadCounts))
        with self._use(write=True) as h:
            _read_file(h, raw, ctypes.byref(options), ctypes.byref(counts))
        del keep
        return counts.as_dict()

    def read_bytes(self, data: bytes, name: str = "(bytes)",
                   strict: bool = False) -> Dict[str, int]:
        """Read a signals file's content (plain or gzip) from bytes; `name`
        is the file name used in diagnostics. As read()."""
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        name_b = _check.text(name, "name")
        options, keep = self._options(strict)
        counts = ReadCounts(size=ctypes.sizeof(ReadCounts))
        with self._use(write=True) as h:
            _read_buffer(h, name_b, bytes(data), len(data), ctypes.byref(options),
                         ctypes.byref(counts))
        del keep
        return counts.as_dict()

    def add(self, uscc: str, source: str, field: str, period: Optional[str],
            value: Any) -> str:
        """Add one observation with a file line's validation; returns
        'accepted', 'replaced' or 'skipped' (unknown field)."""
        status = ctypes.c_int()
        if value is None:
            value = ""
        elif isinstance(value, (int, float, np.integer, np.floating)) and \
                not isinstance(value, (bool, np.bool_)):
            value = repr(float(value)) if isinstance(value, (float, np.floating)) else str(value)
        args = (_check.text(uscc, "uscc"), _check.text(source, "source"),
                _check.text(field, "field"), _check.text(period or "", "period"),
                _check.text(value, "value"))
        with self._use(write=True) as h:
            _add(h, *args, ctypes.byref(status))
        return ADD_STATUS[status.value]

    def __len__(self) -> int:
        with self._use() as h:
            return _n_ent(h)

    @property
    def n_observations(self) -> int:
        """The observations held."""
        with self._use() as h:
            return _n_obs(h)

    def enterprises(self) -> List[str]:
        """The USCCs, in ascending order."""
        code = ctypes.create_string_buffer(19)
        out = []
        with self._use() as h:
            for i in range(_n_ent(h)):
                _enterprise(h, i, code)
                out.append(code.value.decode())
        return out

    def series(self, uscc: str, source: str, field: str,
               asof: Optional[str] = None) -> Tuple[np.ndarray, np.ndarray]:
        """(months as YYYYMM ints, values) of one series as of a month."""
        n = ctypes.c_size_t()
        text = (_check.text(uscc, "uscc"), _check.text(source, "source"),
                _check.text(field, "field"), _check.text(asof, "asof", optional=True))
        with self._use() as h:
            _series(h, *text, None, None, 0, ctypes.byref(n))
            months = np.zeros(n.value, dtype=np.intc)
            values = np.zeros(n.value, dtype=np.float64)
            _series(h, *text, months.ctypes.data_as(ctypes.c_void_p),
                    values.ctypes.data_as(ctypes.c_void_p), n.value, ctypes.byref(n))
        return months[:n.value], values[:n.value]

    def features(self, asof: str) -> Tuple[List[str], np.ndarray]:
        """(usccs, matrix): feature spec v1 as of `asof` ("YYYY-MM"), one
        float32 row per enterprise existing at that month, NaN for missing."""
        asof_b = _check.text(asof, "asof")
        n = ctypes.c_size_t()
        with self._use() as h:
            _features_compute(h, asof_b, None, 0, None, ctypes.byref(n))
            nf = _features_count()
            matrix = np.zeros((n.value, nf), dtype=np.float32)
            index = np.zeros(n.value, dtype=np.uintp)
            _features_compute(h, asof_b, matrix.ctypes.data_as(ctypes.c_void_p), n.value,
                              index.ctypes.data_as(ctypes.c_void_p), ctypes.byref(n))
            codes = self.enterprises()
        return [codes[i] for i in index], matrix


def uscc_valid(code: str) -> bool:
    """Whether `code` is a well-formed Unified Social Credit Code."""
    if not isinstance(code, str):
        raise TypeError(f"a USCC is a str, got {type(code).__name__}")
    if "\0" in code:
        return False
    return bool(lib.score_uscc_valid(code.encode("utf-8")))


def version() -> str:
    """The loaded library's version, "MAJOR.MINOR.PATCH"."""
    return lib.score_version_string().decode()


_features_count = declare("score_features_count", ctypes.c_size_t, [])
_feature_info = declare("score_feature_info", ctypes.c_int,
                        [ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p),
                         ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_char_p)])
_features_compute = declare("score_features_compute", ctypes.c_int,
                            [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t,
                             ctypes.c_void_p, c_size_p])


def feature_names() -> List[str]:
    """The columns of feature spec v1, in order."""
    out = []
    for i in range(_features_count()):
        name = ctypes.c_char_p()
        _feature_info(i, ctypes.byref(name), None, None)
        out.append(name.value.decode())
    return out


def feature_directions() -> List[int]:
    """The expected direction of risk of each column (+1, -1, 0)."""
    out = []
    for i in range(_features_count()):
        direction = ctypes.c_int()
        _feature_info(i, None, ctypes.byref(direction), None)
        out.append(direction.value)
    return out

