"""The synthetic enterprise generator (docs/synth.md)."""
import ctypes
import os

import numpy as np

from ._native import declare
from .panel import Panel

PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p,
                               ctypes.c_uint64, ctypes.c_uint64)


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
    o.enterprises = int(enterprises)
    o.months = int(months)
    o.asof = None if asof is None else str(asof).encode()
    o.seed = int(seed)
    o.default_rate = float(default_rate)
    keep = None
    if progress is not None:
        def call(user, stage, done, total):
            return 1 if progress(stage.decode(), done, total) is False else 0
        keep = PROGRESS_FN(call)
        o.progress = ctypes.cast(keep, ctypes.c_void_p)
    return o, keep


def synth(out_dir, enterprises, months=24, asof="2024-12", seed=1, default_rate=0.05,
          progress=None):
    """Generate a synthetic population into out_dir (created when missing):
    signals.csv.gz, labels.csv (uscc,default) and truth.csv (uscc,pd).
    Returns the summary as a dict. `progress(stage, done, total)` may return
    False to stop (ScoreError, nothing written)."""
    o, keep = _options(enterprises, months, asof, seed, default_rate, progress)
    summary = SynthSummary(size=ctypes.sizeof(SynthSummary))
    _write(os.fsencode(out_dir), ctypes.byref(o), ctypes.byref(summary))
    del keep
    return summary.as_dict()


def synth_panel(enterprises, months=24, asof="2024-12", seed=1, default_rate=0.05,
                with_signals=True, progress=None):
    """Generate the same population in memory. Returns (panel, uscc, pd,
    label): a Panel holding the signals (None when with_signals is False),
    the codes in generation order, the true PDs (NaN for firms established
    after the as-of month) and the labels (-1 for those)."""
    o, keep = _options(enterprises, months, asof, seed, default_rate, progress)
    n = int(enterprises)
    codes = ctypes.create_string_buffer(19 * n)
    pd = np.zeros(n, dtype=np.float64)
    label = np.zeros(n, dtype=np.intc)
    panel = Panel() if with_signals else None
    try:
        _panel(ctypes.byref(o), panel.handle if panel is not None else None, codes,
               pd.ctypes.data_as(ctypes.c_void_p), label.ctypes.data_as(ctypes.c_void_p), None)
    except Exception:
        if panel is not None:
            panel.close()
        raise
    del keep
    raw = codes.raw
    uscc = [raw[19 * i:19 * i + 18].decode() for i in range(n)]
    return panel, uscc, pd, label
