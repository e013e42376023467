"""Credit enhancement: the limit, Basel IRB capital and risk-adjusted price of
a loan, with and without its guarantee, risk-compensation fund, pledges and
order or receivable financing (docs/enhancement.md).

    import libscore
    with libscore.EnhanceConfig(values={"funding_rate": 0.018}) as config:
        offer = config.compute({"pd": 0.01, "amount": 5000000, "tenor_years": 2.5,
                                "annual_sales": 39000000,
                                "guarantee": {"share": 0.5, "pd": 0.003}})
    offer["rate"], offer["without_enhancement"]["rate"]

Results are dicts with the keys of `score enhance`: money in yuan, rates,
shares and risk weights as fractions.
"""
import ctypes
import json
from typing import Any, Dict, Optional

from . import _check
from ._native import Handle, declare, using

GUARANTEE_LGD_SHARING = 0
GUARANTEE_SUBSTITUTION = 1


class EnhanceRequest(ctypes.Structure):
    """score_enhance_request: one loan application, money in fen."""
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("uscc", ctypes.c_char * 19),
        ("pd", ctypes.c_double),
        ("lgd", ctypes.c_double),
        ("amount", ctypes.c_int64),
        ("tenor_years", ctypes.c_double),
        ("annual_sales", ctypes.c_int64),
        ("orders_verified", ctypes.c_int64),
        ("receivables_verified", ctypes.c_int64),
        ("patent_invention", ctypes.c_int64),
        ("patent_utility", ctypes.c_int64),
        ("patent_trademark", ctypes.c_int64),
        ("guarantee_share", ctypes.c_double),
        ("guarantee_pd", ctypes.c_double),
        ("guarantee_approach", ctypes.c_int),
        ("compensation_share", ctypes.c_double),
    ]


class EnhanceResult(ctypes.Structure):
    """score_enhance_result: the figures with or without enhancements."""
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("grade", ctypes.c_char * 8),
        ("pd", ctypes.c_double),
        ("lgd_effective", ctypes.c_double),
        ("correlation", ctypes.c_double),
        ("firm_size", ctypes.c_double),
        ("maturity", ctypes.c_double),
        ("limit", ctypes.c_int64),
        ("limit_available", ctypes.c_int64),
        ("limit_sales", ctypes.c_int64),
        ("limit_patents", ctypes.c_int64),
        ("limit_orders", ctypes.c_int64),
        ("limit_receivables", ctypes.c_int64),
        ("capital_ratio", ctypes.c_double),
        ("risk_weight", ctypes.c_double),
        ("capital", ctypes.c_int64),
        ("expected_loss", ctypes.c_int64),
        ("rate", ctypes.c_double),
        ("rate_credit", ctypes.c_double),
        ("rate_capital", ctypes.c_double),
    ]

    def as_dict(self):
        """The keys `score enhance` prints, money in yuan."""
        def yuan(fen):
            return fen // 100 if fen % 100 == 0 else fen / 100

        return {
            "pd": self.pd,
            "grade": self.grade.decode(),
            "limit": yuan(self.limit),
            "lgd_effective": self.lgd_effective,
            "capital": yuan(self.capital),
            "risk_weight": self.risk_weight,
            "rate": self.rate,
            "rate_credit": self.rate_credit,
            "rate_capital": self.rate_capital,
            "capital_ratio": self.capital_ratio,
            "expected_loss": yuan(self.expected_loss),
            "limit_available": yuan(self.limit_available),
            "limit_parts": {
                "sales": yuan(self.limit_sales),
                "patents": yuan(self.limit_patents),
                "orders": yuan(self.limit_orders),
                "receivables": yuan(self.limit_receivables),
            },
            "correlation": self.correlation,
            "firm_size": self.firm_size,
            "maturity": self.maturity,
        }


_config_p = ctypes.POINTER(ctypes.c_void_p)
_new = declare("score_enhance_config_new", ctypes.c_int, [_config_p])
_load = declare("score_enhance_config_load", ctypes.c_int, [ctypes.c_char_p, _config_p])
_parse_config = declare("score_enhance_config_parse", ctypes.c_int,
                        [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, _config_p])
_free = declare("score_enhance_config_free", None, [ctypes.c_void_p])
_config_json = declare("score_enhance_config_json", ctypes.c_int,
                       [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                        ctypes.POINTER(ctypes.c_size_t)])
_request_init = declare("score_enhance_request_init", None, [ctypes.POINTER(EnhanceRequest)])
_request_parse = declare("score_enhance_request_parse", ctypes.c_int,
                         [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                          ctypes.POINTER(EnhanceRequest)])
_compute = declare("score_enhance_compute", ctypes.c_int,
                   [ctypes.c_void_p, ctypes.POINTER(EnhanceRequest),
                    ctypes.POINTER(EnhanceResult), ctypes.POINTER(EnhanceResult)])
_risk_weight = declare("score_enhance_risk_weight", ctypes.c_int,
                       [ctypes.c_void_p, ctypes.c_double, ctypes.c_double, ctypes.c_double,
                        ctypes.c_int64, ctypes.POINTER(ctypes.c_double)])


def _text(value: Any) -> bytes:
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise TypeError(f"expected a dict, JSON text or bytes, got {type(value).__name__}")


def enhance_parse_request(request: Any, name: Optional[str] = None) -> EnhanceRequest:
    """An EnhanceRequest from a dict, JSON text or bytes, with the library's
    own checks (ScoreError naming the key otherwise). "pd" may be missing;
    set .pd before computing."""
    out = EnhanceRequest()
    _request_init(ctypes.byref(out))
    data = _text(request)
    _request_parse(data, len(data), _check.text(name, "name", optional=True), ctypes.byref(out))
    return out


class EnhanceConfig(Handle):
    """The bank's parameters: the defaults, or read from a JSON file (`path`),
    JSON text (`text`) or a dict of the keys to change (`values`); give at
    most one. Immutable once made; usable from any thread."""
    _free_fn = _free
    _what = "configuration"

    def __init__(self, path: Optional[_check.PathLike] = None, *,
                 values: Optional[Dict[str, Any]] = None, text: Optional[str] = None,
                 name: Optional[str] = None) -> None:
        if sum(x is not None for x in (path, values, text)) > 1:
            raise ValueError("give at most one of path, values and text")
        handle = ctypes.c_void_p()
        if path is not None:
            _load(_check.path(path, "configuration path"), ctypes.byref(handle))
        elif values is not None or text is not None:
            data = _text(values if values is not None else text)
            _parse_config(data, len(data), _check.text(name, "name", optional=True),
                          ctypes.byref(handle))
        else:
            _new(ctypes.byref(handle))
        super().__init__(handle)

    def _describe(self) -> str:
        return f"funding_rate {self.to_dict().get('funding_rate')}"

    def to_json(self) -> str:
        """Every key with the value in force, as score_enhance_config_json writes it."""
        length = ctypes.c_size_t()
        with self._use() as h:
            _config_json(h, None, 0, ctypes.byref(length))
            buffer = ctypes.create_string_buffer(length.value + 1)
            _config_json(h, buffer, len(buffer), ctypes.byref(length))
        return buffer.value.decode("utf-8")

    def to_dict(self) -> Dict[str, Any]:
        """Every key with the value in force, as a dict."""
        return json.loads(self.to_json())

    def compute(self, request: Any) -> Dict[str, Any]:
        """The figures with and without the enhancements, as a dict with a
        "without_enhancement" dict of the same keys. `request` is a dict, JSON
        text or an EnhanceRequest."""
        return _compute_with(self, request)

    def risk_weight(self, pd: float, lgd: float = 0.45, tenor_years: float = 2.5,
                    annual_sales: Any = None) -> float:
        """The IRB risk weight (12.5 K) under this configuration; annual_sales
        in yuan sets the firm-size adjustment (None: a large firm)."""
        return _risk_weight_with(self, pd, lgd, tenor_years, annual_sales)


def _compute_with(config: Optional[EnhanceConfig], request: Any) -> Dict[str, Any]:
    if not isinstance(request, EnhanceRequest):
        request = enhance_parse_request(request)
    with_ = EnhanceResult(size=ctypes.sizeof(EnhanceResult))
    without = EnhanceResult(size=ctypes.sizeof(EnhanceResult))
    with using(config) as (handle,):
        _compute(handle, ctypes.byref(request), ctypes.byref(with_), ctypes.byref(without))
    result = {}
    if request.uscc:
        result["uscc"] = request.uscc.decode()
    result.update(with_.as_dict())
    result["without_enhancement"] = without.as_dict()
    return result


def _risk_weight_with(config: Optional[EnhanceConfig], pd: Any, lgd: Any, tenor_years: Any,
                      annual_sales: Any) -> float:
    fen = -1 if annual_sales is None else _check.yuan_to_fen(annual_sales, "annual_sales")
    if fen < -1:
        raise ValueError("annual_sales must not be negative")
    args = (_check.real(pd, "pd", 0.0, 1.0), _check.real(lgd, "lgd", 0.0, 1.0),
            _check.real(tenor_years, "tenor_years", 0.0))
    out = ctypes.c_double()
    with using(config) as (handle,):
        _risk_weight(handle, *args, fen, ctypes.byref(out))
    return out.value


def enhance_compute(request: Any, config: Optional[EnhanceConfig] = None) -> Dict[str, Any]:
    """EnhanceConfig.compute under `config` (None: the defaults)."""
    return _compute_with(config, request)


def enhance_risk_weight(pd: float, lgd: float = 0.45, tenor_years: float = 2.5,
                        annual_sales: Any = None,
                        config: Optional[EnhanceConfig] = None) -> float:
    """EnhanceConfig.risk_weight under `config` (None: the defaults)."""
    return _risk_weight_with(config, pd, lgd, tenor_years, annual_sales)
