"""Rows for a model from numpy arrays or pandas DataFrames.

A DataFrame's columns are matched to the model's feature names by name:
order does not matter, a missing column is an error naming it, extra
columns are ignored with a warning. pd.NA, None and NaN are missing values.
Text and category columns are refused with the column's name, except where
the model has one-hot levels ("name=level") of that column: then they are
encoded as the library's table reader does.
"""
import warnings
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

def is_frame(X: Any) -> bool:
    return hasattr(X, "columns") and hasattr(X, "iloc")


def _numeric_column(series: Any, name: str) -> np.ndarray:
    import pandas as pd
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        raise TypeError(f"column {name!r} is categorical; the model takes numbers "
                        "(encode it, or train a table model on it)")
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        raise TypeError(f"column {name!r} holds dates or times ({dtype}); the model takes numbers")
    out, bad = _objects(series.tolist())
    if bad is not None:
        raise TypeError(f"column {name!r} holds text or other non-numbers "
                        f"(row {series.index[bad]!r}: {series.iloc[bad]!r}); the model takes "
                        "numbers")
    return out


def _is_missing(v: Any) -> bool:
    if v is None or (isinstance(v, float) and v != v):
        return True
    return type(v).__name__ in ("NAType", "NaTType")   # pandas' NA and NaT, without pandas


def _objects(values: Sequence[Any]) -> Tuple[np.ndarray, Optional[int]]:
    """Python objects as float64, None/NA/NaN missing; the index of the
    first value that is not a number, or None."""
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        if _is_missing(v):
            out[i] = np.nan
        elif isinstance(v, (bool, np.bool_, int, float, np.integer, np.floating)):
            out[i] = float(v)
        else:
            return out, i
    return out, None


def _level_column(series: Any, level: str) -> np.ndarray:
    import pandas as pd
    values = series.astype(object).tolist()
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        out[i] = np.nan if v is None or v is pd.NA or (isinstance(v, float) and v != v) \
            else float(str(v) == level)
    return out


def frame_matrix(X: Any, names: Sequence[str], warn: bool = True) -> np.ndarray:
    """The float64 matrix of the DataFrame's columns in the order of `names`."""
    columns = [str(c) for c in X.columns]
    if len(set(columns)) != len(columns):
        dup = sorted({c for c in columns if columns.count(c) > 1})
        raise ValueError("the DataFrame has duplicate columns: " + ", ".join(map(repr, dup)))
    present = set(columns)
    by_name = dict(zip(columns, X.columns))
    missing: List[str] = []
    used = set()
    out = np.empty((len(X), len(names)), dtype=np.float64)
    for j, name in enumerate(names):
        if name in present:
            out[:, j] = _numeric_column(X[by_name[name]], name)
            used.add(name)
            continue
        base, eq, level = name.partition("=")
        if eq and base in present:
            out[:, j] = _level_column(X[by_name[base]], level)
            used.add(base)
            continue
        missing.append(name)
    if missing:
        raise ValueError(f"the DataFrame lacks {len(missing)} of the model's columns: "
                         + ", ".join(map(repr, missing)))
    extra = [c for c in columns if c not in used]
    if extra and warn:
        warnings.warn("columns the model does not use are ignored: " + ", ".join(map(repr, extra)),
                      UserWarning, stacklevel=4)
    return out


def rows(X: Any, names: Sequence[str], allow_1d: bool = True) -> np.ndarray:
    """A C-contiguous float32 matrix of len(names) columns, NaN missing;
    infinities and values beyond float32 refused naming the column."""
    n = len(names)
    if is_frame(X):
        matrix = frame_matrix(X, names)
    else:
        arr = np.asarray(X)
        if arr.dtype.kind not in "biuf":
            if arr.dtype.kind == "O":
                values, bad = _objects(arr.ravel().tolist())
                if bad is not None:
                    raise TypeError("rows must hold numbers (None or NaN for missing); item "
                                    f"{bad} of the object array is {arr.ravel()[bad]!r}")
                arr = values.reshape(arr.shape)
            else:
                raise TypeError(f"rows must hold numbers, got dtype {arr.dtype}")
        if arr.ndim == 1 and allow_1d:
            arr = arr.reshape(1, -1)
        if arr.ndim != 2 or arr.shape[1] != n:
            raise ValueError(f"rows must have {n} columns, got shape {arr.shape}")
        matrix = arr
    if matrix.dtype == np.float32 and matrix.flags.c_contiguous:
        out = matrix
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.ascontiguousarray(matrix, dtype=np.float32)
    # one pass: an infinity here is an infinite input or one beyond float32
    bad = np.isinf(out)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ValueError(f"column {names[c]!r} (index {c}), row {r}: {matrix[r, c]} is not a "
                         "finite float32; use NaN for a missing value")
    return out


def labels(y: Any, n_rows: int) -> np.ndarray:
    """0/1 labels, one per row, as float32."""
    if is_frame(y):
        raise TypeError("labels must be one column (a Series or a 1-d array), not a DataFrame")
    nullable = ("Int8", "Int16", "Int32", "Int64", "UInt8", "boolean", "Float32", "Float64")
    if hasattr(y, "to_numpy") and str(getattr(y, "dtype", "")) in nullable:
        arr = y.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        arr = np.asarray(y)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"labels must be 0 or 1, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {arr.shape}")
    if len(arr) != n_rows:
        raise ValueError(f"{len(arr)} labels for {n_rows} rows")
    ok = (arr == 0) | (arr == 1)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise ValueError(f"labels must be 0 or 1; label {i} is {arr[i]}")
    return np.ascontiguousarray(arr, dtype=np.float32)


def feature_names_of(X: Any, names: Optional[Sequence[str]], n: int) -> List[str]:
    if names is None:
        if is_frame(X):
            return [str(c) for c in X.columns]
        raise TypeError("feature_names is required unless X is a DataFrame")
    names = list(names)
    for name in names:
        if not isinstance(name, str) or not name or "\0" in name:
            raise ValueError(f"feature names must be non-empty str without NUL, got {name!r}")
    if len(names) != n:
        raise ValueError(f"{len(names)} feature names for {n} columns")
    if len(set(names)) != len(names):
        raise ValueError("feature names repeat: "
                         + ", ".join(sorted({x for x in names if names.count(x) > 1})))
    return names
