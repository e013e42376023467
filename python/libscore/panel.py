"""Enterprise signals (standard v1) in a panel."""
import ctypes

import numpy as np

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


def _bytes(text):
    return None if text is None else str(text).encode("utf-8")


class Panel(Handle):
    """Enterprise signals, read from standard v1 files or added one by one.

    A panel owns library memory: use it in a `with` block or call close()."""
    _free_fn = _free
    _what = "panel"

    def __init__(self):
        self._handle = None
        handle = ctypes.c_void_p()
        _new(ctypes.byref(handle))
        self._handle = handle
        self.diagnostics = []

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

    def read(self, path, strict=False):
        """Read one signals file (plain or gzip); returns its counts as a dict.
        Rejected lines are in self.diagnostics; a file that cannot be used
        raises ScoreError and leaves the panel as it was."""
        options, keep = self._options(strict)
        counts = ReadCounts(size=ctypes.sizeof(ReadCounts))
        _read_file(self.handle, _bytes(path), ctypes.byref(options), ctypes.byref(counts))
        del keep
        return counts.as_dict()

    def read_bytes(self, data, name="(bytes)", strict=False):
        options, keep = self._options(strict)
        counts = ReadCounts(size=ctypes.sizeof(ReadCounts))
        _read_buffer(self.handle, _bytes(name), data, len(data), ctypes.byref(options),
                     ctypes.byref(counts))
        del keep
        return counts.as_dict()

    def add(self, uscc, source, field, period, value):
        """Add one observation with a file line's validation; returns
        'accepted', 'replaced' or 'skipped' (unknown field)."""
        status = ctypes.c_int()
        _add(self.handle, _bytes(uscc), _bytes(source), _bytes(field), _bytes(period or ""),
             _bytes("" if value is None else value), ctypes.byref(status))
        return ADD_STATUS[status.value]

    def __len__(self):
        return _n_ent(self.handle)

    @property
    def n_observations(self):
        return _n_obs(self.handle)

    def enterprises(self):
        """The USCCs, in ascending order."""
        code = ctypes.create_string_buffer(19)
        out = []
        for i in range(len(self)):
            _enterprise(self.handle, i, code)
            out.append(code.value.decode())
        return out

    def series(self, uscc, source, field, asof=None):
        """(months as YYYYMM ints, values) of one series as of a month."""
        n = ctypes.c_size_t()
        args = (self.handle, _bytes(uscc), _bytes(source), _bytes(field), _bytes(asof))
        _series(*args, None, None, 0, ctypes.byref(n))
        months = np.zeros(n.value, dtype=np.intc)
        values = np.zeros(n.value, dtype=np.float64)
        _series(*args, months.ctypes.data_as(ctypes.c_void_p),
                values.ctypes.data_as(ctypes.c_void_p), n.value, ctypes.byref(n))
        return months, values


def uscc_valid(code):
    """Whether `code` is a well-formed Unified Social Credit Code."""
    return bool(lib.score_uscc_valid(_bytes(code)))


def version():
    return lib.score_version_string().decode()


_features_count = declare("score_features_count", ctypes.c_size_t, [])
_feature_info = declare("score_feature_info", ctypes.c_int,
                        [ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p),
                         ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_char_p)])
_features_compute = declare("score_features_compute", ctypes.c_int,
                            [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t,
                             ctypes.c_void_p, c_size_p])


def feature_names():
    """The columns of feature spec v1, in order."""
    out = []
    for i in range(_features_count()):
        name = ctypes.c_char_p()
        _feature_info(i, ctypes.byref(name), None, None)
        out.append(name.value.decode())
    return out


def feature_directions():
    """The expected direction of risk of each column (+1, -1, 0)."""
    out = []
    for i in range(_features_count()):
        direction = ctypes.c_int()
        _feature_info(i, None, ctypes.byref(direction), None)
        out.append(direction.value)
    return out


def _panel_features(self, asof):
    """(usccs, matrix): feature spec v1 as of `asof` ("YYYY-MM"), one float32
    row per enterprise existing at that month, NaN for missing."""
    n = ctypes.c_size_t()
    _features_compute(self.handle, _bytes(asof), None, 0, None, ctypes.byref(n))
    nf = _features_count()
    matrix = np.zeros((n.value, nf), dtype=np.float32)
    index = np.zeros(n.value, dtype=np.uintp)
    _features_compute(self.handle, _bytes(asof), matrix.ctypes.data_as(ctypes.c_void_p), n.value,
                      index.ctypes.data_as(ctypes.c_void_p), ctypes.byref(n))
    codes = self.enterprises()
    return [codes[i] for i in index], matrix


Panel.features = _panel_features
