"""Mutual-aid risk pools: a durable ledger, the loss waterfall, triggers,
loss simulation and sizing (docs/pools.md).

Money is integer fen, as in the C API (1 yuan = 100 fen); rates, shares and
probabilities are floats.
"""
import ctypes
import os

import numpy as np

from . import _check
from ._native import Handle, declare
from .panel import DIAGNOSTIC_FN

__all__ = ["Pool", "pool_config", "simulate", "size", "read_members", "EVENT_TYPES",
           "PARTIES"]

EVENT_TYPES = {"inject": 1, "join": 2, "deposit": 3, "lend": 4, "repay": 5, "default": 6,
               "recover": 7, "leave": 8}
PARTIES = ("members", "bank", "fund", "guarantor", "reguarantor")
STATUS = ("open", "warning", "suspended")

c_int64_p = ctypes.POINTER(ctypes.c_int64)
c_double_p = ctypes.POINTER(ctypes.c_double)


class _Sized(ctypes.Structure):
    """A struct whose first member is its size, set on creation."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.size = ctypes.sizeof(self)

    def as_dict(self):
        out = {}
        for name, kind in self._fields_[1:]:
            value = getattr(self, name)
            if isinstance(value, ctypes.Array):
                value = list(value)
            out[name] = value
        return out


class PoolConfig(_Sized):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("deposit_rate", ctypes.c_double),
        ("leverage", ctypes.c_double),
        ("single_member_cap", ctypes.c_double),
        ("max_pd", ctypes.c_double),
        ("compensation_fund", ctypes.c_int64),
        ("share_bank", ctypes.c_double),
        ("share_fund", ctypes.c_double),
        ("share_guarantor", ctypes.c_double),
        ("share_reguarantor", ctypes.c_double),
        ("npl_warning", ctypes.c_double),
        ("npl_suspend", ctypes.c_double),
        ("fund_floor", ctypes.c_double),
        ("correlation", ctypes.c_double),
    ]


class OpenOptions(_Sized):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("read_only", ctypes.c_int),
        ("diagnostic", ctypes.c_void_p),
        ("diagnostic_user", ctypes.c_void_p),
    ]


class Event(_Sized):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("type", ctypes.c_int),
        ("uscc", ctypes.c_char_p),
        ("amount", ctypes.c_int64),
        ("pd", ctypes.c_double),
        ("dishonest", ctypes.c_int),
        ("event_id", ctypes.c_char_p),
    ]


class Outcome(_Sized):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("duplicate", ctypes.c_int),
        ("sequence", ctypes.c_uint64),
        ("own", ctypes.c_int64),
        ("parties", ctypes.c_int64 * 5),
        ("refund", ctypes.c_int64),
    ]


class ApplyOptions(_Sized):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("diagnostic", ctypes.c_void_p),
        ("diagnostic_user", ctypes.c_void_p),
        ("progress", ctypes.c_void_p),
        ("progress_user", ctypes.c_void_p),
    ]


class ApplyCounts(_Sized):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("lines", ctypes.c_uint64),
        ("applied", ctypes.c_uint64),
        ("duplicates", ctypes.c_uint64),
        ("refused", ctypes.c_uint64),
    ]


class State(_Sized):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("events", ctypes.c_uint64),
        ("members", ctypes.c_uint64),
        ("member_records", ctypes.c_uint64),
        ("loans_outstanding", ctypes.c_int64),
        ("deposits", ctypes.c_int64),
        ("fund_balance", ctypes.c_int64),
        ("lending_capacity", ctypes.c_int64),
        ("defaulted_unrecovered", ctypes.c_int64),
        ("losses", ctypes.c_int64 * 5),
        ("npl_ratio", ctypes.c_double),
        ("status", ctypes.c_int),
        ("replenish_due", ctypes.c_int),
        ("injected", ctypes.c_int64),
        ("deposited", ctypes.c_int64),
        ("lent", ctypes.c_int64),
        ("repaid", ctypes.c_int64),
        ("refunded", ctypes.c_int64),
        ("compensation", ctypes.c_int64),
        ("recoveries_paid", ctypes.c_int64),
        ("journal_bytes", ctypes.c_uint64),
        ("torn_bytes", ctypes.c_uint64),
    ]


class MemberInfo(_Sized):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("uscc", ctypes.c_char * 19),
        ("active", ctypes.c_int),
        ("defaulted", ctypes.c_int),
        ("pd", ctypes.c_double),
        ("deposit", ctypes.c_int64),
        ("loans_outstanding", ctypes.c_int64),
        ("defaulted_unrecovered", ctypes.c_int64),
        ("loss_borne", ctypes.c_int64),
    ]


class SimOptions(_Sized):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("scenarios", ctypes.c_uint64),
        ("seed", ctypes.c_uint64),
        ("threads", ctypes.c_uint),
        ("progress", ctypes.c_void_p),
        ("progress_user", ctypes.c_void_p),
    ]


class SimResult(_Sized):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("scenarios", ctypes.c_uint64),
        ("expected_loss", ctypes.c_double),
        ("expected_loss_stderr", ctypes.c_double),
        ("loss_q95", ctypes.c_double),
        ("loss_q99", ctypes.c_double),
        ("loss_q999", ctypes.c_double),
        ("expected_shortfall_99", ctypes.c_double),
        ("default_rate", ctypes.c_double),
        ("default_rate_stderr", ctypes.c_double),
        ("party_expected_loss", ctypes.c_double * 5),
        ("party_p_loss", ctypes.c_double * 5),
        ("p_fund_exhausted", ctypes.c_double),
        ("p_suspended", ctypes.c_double),
    ]


_P = ctypes.POINTER
_config_init = declare("score_pool_config_init", None, [_P(PoolConfig)])
_config_preset = declare("score_pool_config_preset", ctypes.c_int,
                         [_P(PoolConfig), ctypes.c_char_p])
_config_read = declare("score_pool_config_read_file", ctypes.c_int,
                       [ctypes.c_char_p, _P(PoolConfig)])
_create = declare("score_pool_create", ctypes.c_int, [ctypes.c_char_p, _P(PoolConfig)])
_open = declare("score_pool_open", ctypes.c_int,
                [ctypes.c_char_p, _P(OpenOptions), _P(ctypes.c_void_p)])
_free = declare("score_pool_free", None, [ctypes.c_void_p])
_apply = declare("score_pool_apply", ctypes.c_int, [ctypes.c_void_p, _P(Event), _P(Outcome)])
_apply_file = declare("score_pool_apply_file", ctypes.c_int,
                      [ctypes.c_void_p, ctypes.c_char_p, _P(ApplyOptions), _P(ApplyCounts)])
_get_state = declare("score_pool_get_state", ctypes.c_int, [ctypes.c_void_p, _P(State)])
_get_config = declare("score_pool_get_config", ctypes.c_int, [ctypes.c_void_p, _P(PoolConfig)])
_member = declare("score_pool_member", ctypes.c_int,
                  [ctypes.c_void_p, ctypes.c_char_p, _P(MemberInfo)])
_member_at = declare("score_pool_member_at", ctypes.c_int,
                     [ctypes.c_void_p, ctypes.c_size_t, _P(MemberInfo)])
_read_members = declare("score_pool_read_members", ctypes.c_int,
                        [ctypes.c_char_p, c_double_p, c_int64_p, c_double_p, ctypes.c_size_t,
                         _P(ctypes.c_size_t)])
_simulate = declare("score_pool_simulate", ctypes.c_int,
                    [_P(PoolConfig), ctypes.c_size_t, c_double_p, c_int64_p, c_double_p,
                     _P(SimOptions), _P(SimResult)])
_size = declare("score_pool_size", ctypes.c_int,
                [_P(PoolConfig), ctypes.c_size_t, c_double_p, c_int64_p, c_double_p,
                 ctypes.c_int, ctypes.c_double, _P(SimOptions), _P(PoolConfig),
                 _P(SimResult)])


def _bytes(text):
    return _check.text(text, "argument", optional=True)


def pool_config(path=None, preset=None, **fields):
    """A configuration: the defaults, then the JSON file at `path` (yuan, as
    the `score` program reads it), then a preset's waterfall shares, then
    any field given by name (money in fen)."""
    config = PoolConfig()
    _config_init(ctypes.byref(config))
    if path is not None:
        _config_read(_check.path(path, "configuration path"), ctypes.byref(config))
    if preset is not None:
        _config_preset(ctypes.byref(config), _bytes(preset))
    kinds = dict(PoolConfig._fields_[1:])
    for name, value in fields.items():
        if name not in kinds:
            raise TypeError(f"unknown configuration field {name!r}")
        if kinds[name] is ctypes.c_int64:
            value = _check.integer(value, name + " (fen)", _check.INT64)
        else:
            value = _check.real(value, name)
        setattr(config, name, value)
    return config


def _collector(into):
    def collect(user, diag):
        d = diag.contents
        into.append({"severity": "warning" if d.severity == 1 else "error",
                     "line": d.line, "column": d.column,
                     "text": d.text.decode("utf-8", "replace")})
    return DIAGNOSTIC_FN(collect)


class Pool(Handle):
    """A pool's ledger in a directory. Use it in a `with` block or close().

    Every change is written to the journal and synced before the call
    returns; one writer at a time (a file lock). `warnings` holds what
    opening reported (a torn tail cut off)."""
    _free_fn = _free
    _what = "pool"

    @staticmethod
    def create(directory, config=None):
        """Create a new ledger in `directory` with this configuration."""
        if config is not None and not isinstance(config, PoolConfig):
            raise TypeError("config must be a PoolConfig (libscore.pool_config())")
        _create(_check.path(directory, "pool directory"),
                ctypes.byref(config if config is not None else pool_config()))

    def __init__(self, directory, read_only=False):
        self.warnings = []
        self.diagnostics = []
        callback = _collector(self.warnings)
        options = OpenOptions(read_only=int(bool(read_only)),
                              diagnostic=ctypes.cast(callback, ctypes.c_void_p))
        handle = ctypes.c_void_p()
        _open(_check.path(directory, "pool directory"), ctypes.byref(options),
              ctypes.byref(handle))
        super().__init__(handle)
        self._directory = os.fsdecode(directory)

    def _describe(self):
        return f"{self._directory!r}"

    def apply(self, type, uscc=None, amount=0, pd=0.0, dishonest=False, event_id=None):
        """Apply one event (`type` a name such as "lend", amount in fen).
        Returns what it did as a dict; a refused event raises ScoreError
        with the reason and changes nothing."""
        if type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {type!r}; expected one of "
                             + ", ".join(EVENT_TYPES))
        event = Event(type=EVENT_TYPES[type], uscc=_check.text(uscc, "uscc", optional=True),
                      amount=_check.integer(amount, "amount (fen)", _check.INT64),
                      pd=_check.real(pd, "pd", 0.0, 1.0),
                      dishonest=_check.flag(dishonest, "dishonest"),
                      event_id=_check.text(event_id, "event_id", optional=True))
        outcome = Outcome()
        with self._use() as h:
            _apply(h, ctypes.byref(event), ctypes.byref(outcome))
        out = outcome.as_dict()
        out["duplicate"] = bool(out["duplicate"])
        out["parties"] = dict(zip(PARTIES, out["parties"]))
        return out

    def apply_file(self, path):
        """Apply an events CSV; returns the counts. Each refused line is in
        self.diagnostics."""
        callback = _collector(self.diagnostics)
        options = ApplyOptions(diagnostic=ctypes.cast(callback, ctypes.c_void_p))
        counts = ApplyCounts()
        raw = _check.path(path, "events path")
        with self._use() as h:
            _apply_file(h, raw, ctypes.byref(options), ctypes.byref(counts))
        return counts.as_dict()

    def state(self):
        """The ledger's state: counts, money in fen, NPL ratio, status."""
        s = State()
        with self._use() as h:
            _get_state(h, ctypes.byref(s))
        out = s.as_dict()
        out["losses"] = dict(zip(PARTIES, out["losses"]))
        out["status"] = STATUS[out["status"]]
        out["replenish_due"] = bool(out["replenish_due"])
        return out

    def config(self):
        """The pool's configuration (a PoolConfig)."""
        c = PoolConfig()
        with self._use() as h:
            _get_config(h, ctypes.byref(c))
        return c

    @staticmethod
    def _member_dict(info):
        out = info.as_dict()
        out["uscc"] = info.uscc.decode()
        out["active"] = bool(out["active"])
        out["defaulted"] = bool(out["defaulted"])
        return out

    def member(self, uscc):
        """One member's record as a dict (money in fen)."""
        info = MemberInfo()
        uscc_b = _check.text(uscc, "uscc")
        with self._use() as h:
            _member(h, uscc_b, ctypes.byref(info))
        return self._member_dict(info)

    def members(self):
        """Every member ever admitted, in order of first admission."""
        out = []
        for i in range(self.state()["member_records"]):
            info = MemberInfo()
            with self._use() as h:
                _member_at(h, i, ctypes.byref(info))
            out.append(self._member_dict(info))
        return out


def read_members(path):
    """A members CSV (uscc,pd,ead,lgd) as arrays (pd, ead in fen, lgd)."""
    n = ctypes.c_size_t()
    path = _check.path(path, "members path")
    _read_members(path, None, None, None, 0, ctypes.byref(n))
    pd = np.zeros(n.value)
    lgd = np.zeros(n.value)
    ead = np.zeros(n.value, dtype=np.int64)
    _read_members(path, pd.ctypes.data_as(c_double_p), ead.ctypes.data_as(c_int64_p),
                  lgd.ctypes.data_as(c_double_p), n.value, ctypes.byref(n))
    return pd, ead, lgd


def _arrays(pd, ead, lgd):
    pd = _check.vector(pd, "pd")
    lgd = _check.vector(lgd, "lgd")
    ead = _check.integers(ead, "ead (fen)", np.int64)
    if not len(pd) == len(ead) == len(lgd):
        raise ValueError(f"pd, ead and lgd must have the same length, got {len(pd)}, "
                         f"{len(ead)} and {len(lgd)}")
    return pd, ead, lgd


def _is_config(config):
    if not isinstance(config, PoolConfig):
        raise TypeError("config must be a PoolConfig (libscore.pool_config())")


def _result(r):
    out = r.as_dict()
    out["party_expected_loss"] = dict(zip(PARTIES, out["party_expected_loss"]))
    out["party_p_loss"] = dict(zip(PARTIES, out["party_p_loss"]))
    return out


def _options(scenarios, seed, threads):
    return SimOptions(scenarios=_check.integer(scenarios, "scenarios", _check.UINT64, 1),
                      seed=_check.integer(seed, "seed", _check.UINT64),
                      threads=_check.integer(threads, "threads", _check.UINT))


def simulate(config, pd, ead, lgd, scenarios=100000, seed=1, threads=0):
    """Monte Carlo of one horizon's losses (money in fen, as floats). The
    same seed gives the same result for any number of threads."""
    _is_config(config)
    pd, ead, lgd = _arrays(pd, ead, lgd)
    options = _options(scenarios, seed, threads)
    result = SimResult()
    _simulate(ctypes.byref(config), len(pd), pd.ctypes.data_as(c_double_p),
              ead.ctypes.data_as(c_int64_p), lgd.ctypes.data_as(c_double_p),
              ctypes.byref(options), ctypes.byref(result))
    return _result(result)


def size(config, pd, ead, lgd, solve, target, scenarios=100000, seed=1, threads=0):
    """The smallest deposit rate (solve="deposit_rate") or fund
    (solve="fund") that keeps the bank's probability of any loss at or
    below `target`. Returns (the solved PoolConfig, the simulation at it)."""
    kinds = {"deposit_rate": 1, "fund": 2}
    if solve not in kinds:
        raise ValueError("solve must be 'deposit_rate' or 'fund'")
    _is_config(config)
    pd, ead, lgd = _arrays(pd, ead, lgd)
    target = _check.real(target, "target", 0.0, 1.0)
    options = _options(scenarios, seed, threads)
    solved = PoolConfig()
    result = SimResult()
    _size(ctypes.byref(config), len(pd), pd.ctypes.data_as(c_double_p),
          ead.ctypes.data_as(c_int64_p), lgd.ctypes.data_as(c_double_p), kinds[solve],
          target, ctypes.byref(options), ctypes.byref(solved), ctypes.byref(result))
    return solved, _result(result)
