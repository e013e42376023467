"""Checks of the arguments given from Python, before any reaches C.

Nothing is trusted: integers are range-checked for their C type (no silent
wrap or truncation), floats must be finite where NaN or inf mean nothing,
text and paths may not hold a NUL byte (C would cut them there), and arrays
are converted explicitly and checked against each other.
"""
import decimal
import math
import numbers
import operator
import os
from typing import Any, Optional, Tuple, Union

import numpy as np

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

INT = (-2**31, 2**31 - 1)
UINT = (0, 2**32 - 1)
INT64 = (-2**63, 2**63 - 1)
UINT64 = (0, 2**64 - 1)
SIZE = (0, 2**64 - 1)


def path(value: Any, what: str = "path", optional: bool = False) -> Optional[bytes]:
    """A str, bytes or os.PathLike as the bytes C takes."""
    if value is None and optional:
        return None
    if not isinstance(value, (str, bytes, os.PathLike)):
        raise TypeError(f"{what} must be a str, bytes or os.PathLike, got {type(value).__name__}")
    raw = os.fsencode(value)
    if not raw:
        raise ValueError(f"{what} is empty")
    if b"\0" in raw:
        raise ValueError(f"{what} {os.fsdecode(raw)!r} contains a NUL byte")
    return raw


def text(value: Any, what: str, optional: bool = False) -> Optional[bytes]:
    """A str as UTF-8 for C."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what} {value!r} contains a NUL character")
    return value.encode("utf-8")


def integer(value: Any, what: str, bounds: Tuple[int, int] = INT64,
            low: Optional[int] = None, high: Optional[int] = None) -> int:
    """An exact integer (int or numpy integer; no bool, no float) within the
    C type's bounds and [low, high]."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be an integer, got a bool")
    try:
        out = operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an integer, got {value!r} "
                        f"({type(value).__name__})") from None
    lo = bounds[0] if low is None else max(low, bounds[0])
    hi = bounds[1] if high is None else min(high, bounds[1])
    if not lo <= out <= hi:
        raise ValueError(f"{what} must be in [{lo}, {hi}], got {out}")
    return out


def real(value: Any, what: str, low: Optional[float] = None, high: Optional[float] = None,
         nan: bool = False) -> float:
    """A finite real number (NaN only when `nan`) within [low, high]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real,
                                                                      decimal.Decimal)):
        raise TypeError(f"{what} must be a number, got {value!r} ({type(value).__name__})")
    out = float(value)
    if math.isnan(out):
        if nan:
            return out
        raise ValueError(f"{what} must be a number, got NaN")
    if math.isinf(out):
        raise ValueError(f"{what} must be finite, got {out}")
    if (low is not None and out < low) or (high is not None and out > high):
        raise ValueError(f"{what} must be in [{low}, {high}], got {out}")
    return out


def flag(value: Any, what: str) -> int:
    """A bool (or 0/1) as a C int."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    return integer(value, what, INT, 0, 1)


def yuan_to_fen(value: Any, what: str) -> int:
    """Money given in yuan (int, Decimal, str, or a float with at most two
    decimals) as exact integer fen."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be an amount in yuan, got a bool")
    if isinstance(value, (int, np.integer)):
        amount = decimal.Decimal(int(value))
    elif isinstance(value, (decimal.Decimal, str)):
        try:
            amount = decimal.Decimal(value)
        except decimal.InvalidOperation:
            raise ValueError(f"{what} must be an amount in yuan, got {value!r}") from None
    elif isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ValueError(f"{what} must be finite, got {value}")
        amount = decimal.Decimal(repr(float(value)))
    else:
        raise TypeError(f"{what} must be an amount in yuan, got {type(value).__name__}")
    if not amount.is_finite():
        raise ValueError(f"{what} must be finite, got {value!r}")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{what} has more than two decimals (fen): {value!r}")
    return integer(int(fen), what + " in fen")


def vector(values: Any, what: str, dtype: Any = np.float64, finite: bool = True,
           nan: bool = False) -> np.ndarray:
    """A 1-d contiguous array of numbers."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what} must hold numbers, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {arr.shape}")
    out = np.ascontiguousarray(arr, dtype=dtype)
    if out.dtype.kind == "f" and finite:
        bad = ~np.isfinite(out) if not nan else np.isinf(out)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{what}[{i}] is {out[i]}; it must be "
                             + ("finite or NaN" if nan else "finite"))
    if out.dtype.kind == "f" and arr.dtype.kind == "f" and out.dtype.itemsize < arr.dtype.itemsize:
        over = np.isinf(out) & np.isfinite(arr)
        if over.any():
            i = int(np.flatnonzero(over)[0])
            raise ValueError(f"{what}[{i}] = {arr[i]} does not fit in {np.dtype(dtype)}")
    return out


def integers(values: Any, what: str, dtype: Any = np.int64) -> np.ndarray:
    """A 1-d contiguous integer array: floats are accepted only when every
    value is a whole number within the type."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {arr.shape}")
    info = np.iinfo(dtype)
    if arr.dtype.kind in "iu":
        if arr.size and (arr.min() < info.min or arr.max() > info.max):
            raise ValueError(f"{what} has values outside [{info.min}, {info.max}]")
    elif arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.floor(arr)) | (arr < info.min) | (arr >= 2.0**63)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{what}[{i}] = {arr[i]} is not a whole number of {np.dtype(dtype)}")
    else:
        raise TypeError(f"{what} must hold integers, got dtype {arr.dtype}")
    return np.ascontiguousarray(arr, dtype=dtype)
