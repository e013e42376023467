"""The synthetic enterprise generator (docs/synth.md)."""
import ctypes

import numpy as np

from . import _check
from ._native import declare
from ._progress import PROGRESS_FN, Callback  # noqa: F401  (PROGRESS_FN: as before)
from .panel import Panel


class SynthOptions(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("enterprises", ctypes.c_uint64),
        ("months", ctypes.c_int),
        ("asof", ctypes.c_char_p),
        ("seed", ctypes.c_uint64),
        ("default_rate", ctypes.c_double),
        ("progress", ctypes.c_void_p),
        ("progress_user", ctypes.c_void_p),
    ]


class SynthSummary(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("enterprises", ctypes.c_uint64),
        ("scored", ctypes.c_uint64),
        ("defaults", ctypes.c_uint64),
        ("mean_pd", ctypes.c_double),
        ("observations", ctypes.c_uint64),
    ]

    def as_dict(self):
        return {name: getattr(self, name) for name, _ in self._fields_[1:]}


_init = declare("score_synth_options_init", None, [ctypes.POINTER(SynthOptions)])
_write = declare("score_synth_write", ctypes.c_int,
                 [ctypes.c_char_p, ctypes.POINTER(SynthOptions), ctypes.POINTER(SynthSummary)])
_panel = declare("score_synth_panel", ctypes.c_int,
                 [ctypes.POINTER(SynthOptions), ctypes.c_void_p, ctypes.c_void_p,
                  ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(SynthSummary)])


def _options(enterprises, months, asof, seed, default_rate, progress):
    o = SynthOptions()
    _init(ctypes.byref(o))
    o.enterprises = _check.integer(enterprises, "enterprises", _check.UINT64)
    o.months = _check.integer(months, "months", _check.INT)
    o.asof = _check.text(asof, "asof", optional=True)
    o.seed = _check.integer(seed, "seed", _check.UINT64)
    o.default_rate = _check.real(default_rate, "default_rate", 0.0, 1.0)
    keep = Callback(progress)
    o.progress = keep.pointer
    return o, keep


def synth(out_dir, enterprises, months=24, asof="2024-12", seed=1, default_rate=0.05,
          progress=None):
    """Generate a synthetic population into out_dir (created when missing):
    signals.csv.gz, labels.csv (uscc,default) and truth.csv (uscc,pd).
    Returns the summary as a dict. `progress(stage, done, total)` may return
    False to stop (ScoreError, nothing written)."""
    o, keep = _options(enterprises, months, asof, seed, default_rate, progress)
    summary = SynthSummary(size=ctypes.sizeof(SynthSummary))
    try:
        _write(_check.path(out_dir, "output directory"), ctypes.byref(o), ctypes.byref(summary))
    finally:
        keep.reraise()
    return summary.as_dict()


def synth_panel(enterprises, months=24, asof="2024-12", seed=1, default_rate=0.05,
                with_signals=True, progress=None):
    """Generate the same population in memory. Returns (panel, uscc, pd,
    label): a Panel holding the signals (None when with_signals is False),
    the codes in generation order, the true PDs (NaN for firms established
    after the as-of month) and the labels (-1 for those)."""
    o, keep = _options(enterprises, months, asof, seed, default_rate, progress)
    n = o.enterprises
    codes = ctypes.create_string_buffer(19 * n)
    pd = np.zeros(n, dtype=np.float64)
    label = np.zeros(n, dtype=np.intc)
    panel = Panel() if with_signals else None
    try:
        try:
            if panel is not None:
                with panel._use(write=True) as p:
                    _panel(ctypes.byref(o), p, codes, pd.ctypes.data_as(ctypes.c_void_p),
                           label.ctypes.data_as(ctypes.c_void_p), None)
            else:
                _panel(ctypes.byref(o), None, codes, pd.ctypes.data_as(ctypes.c_void_p),
                       label.ctypes.data_as(ctypes.c_void_p), None)
        finally:
            keep.reraise()
    except BaseException:
        if panel is not None:
            panel.close()
        raise
    raw = codes.raw
    uscc = [raw[19 * i:19 * i + 18].decode() for i in range(n)]
    return panel, uscc, pd, label
