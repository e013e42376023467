"""libscore on a Dask cluster: enterprise-partitioned signals, features and
scores computed per partition by the C library on the workers.

    from libscore import dask as sd
    signals = sd.read_signals(["a.csv.gz", "b.csv.gz"], partitions=8)
    features = signals.features("2024-12")          # a dask DataFrame
    scored = sd.predict(model, signals, "2024-12")  # a dask DataFrame
    sd.write_csv(scored, "scores.csv")             # the bytes `score predict` writes

An enterprise's rows go to one partition, chosen by CRC-32 of its USCC's
bytes modulo the number of partitions: stable across processes, machines and
Python versions (never Python's salted hash()). Reading is the only shuffle:
each input file is split by one task into one gzip bucket per partition, in
which the other partitions' lines are blank, so that every diagnostic names
the original file and line as `score check` does. A partition is a panel read
from its buckets in the order of the input files, so that a later file
replaces an earlier one exactly as the single-machine reader does.

Needs python3-dask and python3-distributed (2022.12). See docs/scale.md.
"""
import gzip
import hashlib
import os
import threading
import zlib
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import _check
from .model import Model
from .panel import Panel, feature_names

try:
    import dask
    import dask.dataframe as dd
    import pandas as pd
except ImportError as err:  # pragma: no cover - depends on the host
    raise ImportError("libscore.dask needs dask, distributed and pandas "
                      "(Debian: apt-get install python3-dask python3-distributed)") from err

GZIP_MAGIC = b"\x1f\x8b"


def partition_of(uscc: Any, partitions: int) -> int:
    """The partition of an enterprise: CRC-32 of its code's bytes mod `partitions`."""
    raw = uscc.encode("utf-8") if isinstance(uscc, str) else bytes(uscc)
    return zlib.crc32(raw) % partitions


def _first_field(line: bytes) -> bytes:
    """The USCC of a line as the reader sees it (quoted or not). A line too
    broken to have one still goes to some partition, whose reader rejects it."""
    if line.startswith(b'"'):
        end = line.find(b'"', 1)
        return line[1:end] if end > 0 else line[1:]
    end = line.find(b",")
    return line if end < 0 else line[:end]


def _file_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == GZIP_MAGIC:
        data = gzip.decompress(data)
    return data


def _split(path: str, partitions: int) -> Dict[str, Any]:
    """One input file as `partitions` gzip buckets, the same number of lines
    each: the header (and the blank lines before it) in every bucket, every
    other line in its enterprise's bucket and blank in the rest. A file that
    cannot be read is reported, not raised, so the other files complete."""
    try:
        data = _file_bytes(path)
    except (OSError, EOFError, zlib.error) as err:
        return {"path": path, "error": f"{path}: {err}", "buckets": None}
    buckets = _buckets(data, partitions)
    out = [gzip.compress(b, compresslevel=1) for b in buckets]
    return {"path": path, "error": None, "buckets": out}


def _targets(arr: np.ndarray, data: bytes, starts: np.ndarray, ends: np.ndarray,
             partitions: int) -> np.ndarray:
    """The partition of each line (after the header). CRC-32 is computed once
    per distinct code; the usual line (an unquoted 18-byte code, then a
    comma) is cut out with numpy, any other through _first_field."""
    lengths = ends - starts
    fast = lengths >= 19
    fast[fast] = (arr[starts[fast] + 18] == ord(",")) & (arr[starts[fast]] != ord('"'))
    targets = np.empty(len(starts), dtype=np.int32)
    if fast.any():
        idx = starts[fast][:, None] + np.arange(18)
        codes = np.ascontiguousarray(arr[idx]).view("V18").ravel()
        unique, inverse = np.unique(codes, return_inverse=True)
        hashed = np.array([zlib.crc32(u.tobytes()) % partitions for u in unique], dtype=np.int32)
        targets[fast] = hashed[inverse]
    for i in np.flatnonzero(~fast):
        line = data[starts[i]:ends[i]]
        targets[i] = -1 if line in (b"", b"\r") else \
            zlib.crc32(_first_field(line)) % partitions
    return targets


def _buckets(data: bytes, partitions: int) -> List[bytes]:
    """The bytes of each partition's bucket: every line end kept (so line
    numbers stay the file's), the header in all, a line's text in one."""
    arr = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    starts = np.concatenate(([0], newlines + 1)).astype(np.int64)
    ends = np.concatenate((newlines, [len(arr)])).astype(np.int64)
    if len(starts) and starts[-1] == len(arr):
        starts, ends = starts[:-1], ends[:-1]
    # the header: the first line that is not blank; it and the blank lines
    # before it go to every bucket
    header = 0
    while header < len(starts) and data[starts[header]:ends[header]] in (b"", b"\r"):
        header += 1
    targets = np.full(len(starts), -2, dtype=np.int32)
    if header + 1 < len(starts):
        targets[header + 1:] = _targets(arr, data, starts[header + 1:], ends[header + 1:],
                                        partitions)
    # every byte's line (the line end belongs to its line)
    spans = np.diff(np.concatenate((starts, [len(arr)])))
    # int16 when it fits: this array is the split's largest (a cell a byte)
    small = np.int16 if partitions < 32000 else np.int32
    of_byte = np.repeat(targets.astype(small), spans)
    everywhere = arr == 10
    everywhere |= of_byte == -2
    keep = np.empty(len(arr), dtype=bool)
    out = []
    for p in range(partitions):
        np.equal(of_byte, p, out=keep)
        keep |= everywhere
        text = arr[keep].tobytes()
        out.append(text if text.endswith(b"\n") or not text else text + b"\n")
    return out


class Partition:
    """One partition on a worker: its panel, read counts and diagnostics.
    Pickles as its gzip buckets (the panel is read again on arrival), so
    Dask may move it between workers or recompute it after a worker dies."""

    def __init__(self, index: int, sources: Sequence[Tuple[str, Optional[bytes]]],
                 failed: Sequence[str] = ()) -> None:
        self.index = index
        self.sources = list(sources)
        self.failed = list(failed)   # the files that failed as a whole (split errors)
        self.counts = {"read": 0, "accepted": 0, "replaced": 0, "skipped": 0, "rejected": 0}
        self.diagnostics: List[Dict[str, Any]] = []
        self.errors: List[str] = list(self.failed)
        self.panel = Panel()
        for name, data in self.sources:
            if data is None:
                continue
            before = len(self.panel.diagnostics)
            try:
                counts = self.panel.read_bytes(data, name=name)
            except Exception as err:  # the file fails as a whole (its header): report it
                self.errors.append(f"{name}: {err}")
                continue
            for key, value in counts.items():
                self.counts[key] += value
            for d in self.panel.diagnostics[before:]:
                self.diagnostics.append(dict(d, file=name))

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return (Partition, (self.index, self.sources, self.failed))

    def __sizeof__(self) -> int:
        return sum(len(d or b"") for _, d in self.sources) + 200 * self.panel.n_observations

    def features(self, asof: str) -> "pd.DataFrame":
        codes, matrix = self.panel.features(asof)
        frame = pd.DataFrame(matrix, columns=feature_names())
        frame.insert(0, "uscc", pd.Series(codes, dtype=object))
        return frame


def _partition(index: int, *splits: Dict[str, Any]) -> Partition:
    # a file that failed as a whole is told by every partition; check() keeps one
    return Partition(index, [(s["path"], s["buckets"][index] if s["buckets"] else None)
                             for s in splits], [s["error"] for s in splits if s["error"]])


class Signals:
    """Signals partitioned by enterprise over a cluster (see read_signals).
    `parts` are Dask delayed objects (persisted on the workers when a
    client is connected)."""

    def __init__(self, parts: List[Any], splits: List[Any], partitions: int) -> None:
        self.parts = parts
        self.splits = splits
        self.partitions = partitions

    def features(self, asof: str) -> "dd.DataFrame":
        """Feature spec v1 as of `asof`: a Dask DataFrame with the columns of
        `score features` (uscc, then the features, float32, NaN missing),
        one partition per enterprise partition, each in ascending USCC order."""
        _check_month(asof)
        meta = _features_meta()
        return dd.from_delayed([dask.delayed(_features)(p, asof) for p in self.parts],
                               meta=meta, verify_meta=False)

    def check(self) -> Dict[str, Any]:
        """Counts (summed), diagnostics (file, line, column, text; sorted by
        file and line) and file errors of every partition."""
        reports = dask.compute(*[dask.delayed(_report)(p) for p in self.parts])
        total = {"read": 0, "accepted": 0, "replaced": 0, "skipped": 0, "rejected": 0}
        diagnostics: List[Dict[str, Any]] = []
        errors: List[str] = []
        for counts, diags, errs in reports:
            for key, value in counts.items():
                total[key] += value
            diagnostics.extend(diags)
            errors.extend(e for e in errs if e not in errors)
        order = {s: i for i, s in enumerate(self._paths)} if hasattr(self, "_paths") else {}
        diagnostics.sort(key=lambda d: (order.get(d["file"], 0), d["file"], d["line"]))
        return {"counts": total, "diagnostics": diagnostics, "errors": errors}


def _features(part: Partition, asof: str) -> "pd.DataFrame":
    return part.features(asof)


def _report(part: Partition) -> Tuple[Dict[str, int], List[Dict[str, Any]], List[str]]:
    return part.counts, part.diagnostics, part.errors


def _features_meta() -> "pd.DataFrame":
    columns = {"uscc": pd.Series([], dtype=object)}
    for name in feature_names():
        columns[name] = pd.Series([], dtype=np.float32)
    return pd.DataFrame(columns)


def _check_month(asof: Any) -> None:
    text = _check.text(asof, "asof").decode()
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit() \
            or not 1 <= int(text[5:]) <= 12:
        raise ValueError(f"asof must be a month YYYY-MM, got {asof!r}")


def read_signals(paths: Any, partitions: Optional[int] = None,
                 client: Any = None) -> Signals:
    """Read standard-v1 files (plain or gzip; a path or a list, read in this
    order) into `partitions` enterprise partitions on the cluster (None: two
    per worker of `client`, or 2 without one). Every path must be readable
    by the workers (a shared file system on a real cluster). With a client,
    the partitions are persisted on the workers."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    paths = [os.path.abspath(os.fsdecode(_check.path(p, "signals path"))) for p in paths]
    if not paths:
        raise ValueError("no signals files given")
    if partitions is None:
        partitions = 2 * len(client.scheduler_info()["workers"]) if client is not None else 2
    partitions = _check.integer(partitions, "partitions", _check.INT, 1)
    splits = [dask.delayed(_split, pure=True)(p, partitions) for p in paths]
    parts = [dask.delayed(_partition, pure=True)(i, *splits) for i in range(partitions)]
    if client is not None:
        parts = client.persist(parts)
    signals = Signals(parts, splits, partitions)
    signals._paths = paths
    return signals


# ---- scoring ---------------------------------------------------------------

_MODELS: Dict[str, Model] = {}
_MODELS_LOCK = threading.Lock()
MODEL_LOADS = {"count": 0}  # loads in this process: one a bundle, whatever the partitions


def _worker_model(key: str, bundle: bytes) -> Model:
    """The worker's Model for a bundle, loaded once per process (threads share it)."""
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            if hashlib.sha256(bundle).hexdigest() != key.rsplit(":", 1)[-1]:
                raise ValueError("the model bundle arrived damaged (sha256 differs)")
            model = _MODELS[key] = Model.from_bytes(bundle)
            MODEL_LOADS["count"] += 1
        return model


def model_loads() -> int:
    """How many bundles this process has loaded (for tests and sizing)."""
    return MODEL_LOADS["count"]


def _reasons_count(model: Model, reasons: Any) -> int:
    if reasons is None:
        with model._use() as h:
            from .model import _n_reasons
            return int(_n_reasons(h))
    if reasons == "none":
        return 0
    return _check.integer(reasons, "reasons", _check.INT, 0, model.n_features)


def _predict_meta(k: int) -> "pd.DataFrame":
    columns = {"uscc": pd.Series([], dtype=object), "pd": pd.Series([], dtype=np.float64),
               "score": pd.Series([], dtype=np.int32), "grade": pd.Series([], dtype=object),
               "margin": pd.Series([], dtype=np.float64)}
    for j in range(k):
        columns[f"reason{j + 1}"] = pd.Series([], dtype=object)
    return pd.DataFrame(columns)


def _predict_part(part: Partition, key: str, bundle: bytes, asof: str, k: int) -> "pd.DataFrame":
    model = _worker_model(key, bundle)
    codes, rows = part.panel.features(asof)
    scored = model.score(rows, reasons=k if k else "none")
    frame = pd.DataFrame({"uscc": pd.Series(codes, dtype=object), "pd": scored["pd"],
                          "score": scored["score"].astype(np.int32), "grade": scored["grade"],
                          "margin": scored["margin"]})
    for j in range(k):
        frame[f"reason{j + 1}"] = [r[j] if j < len(r) else "" for r in scored["reasons"]]
    return frame


def check_model(model: Model) -> None:
    """Refuse, before any work is sent, a model that does not eat feature
    spec v1 from signals (a table model, or other columns)."""
    if model.input != "signals":
        raise ValueError(f"{model!r} is a {model.input} model; scoring signals needs a "
                         "signals model")
    if tuple(model.feature_names) != tuple(feature_names()):
        raise ValueError(f"the model's {model.n_features} features are not feature spec v1's "
                         f"{len(feature_names())} (this library's): train it again")


def predict(model: Any, signals: Signals, asof: str, reasons: Any = None) -> "dd.DataFrame":
    """Scores of every enterprise existing at `asof`: a Dask DataFrame with
    the columns of `score predict` (uscc, pd, score, grade, margin,
    reason1..k), computed per partition by the C library. `model` is a Model
    or a bundle path; its bytes are shipped once to each worker, which loads
    it once (cached by sha256). `reasons` as Model.score (None: the model's)."""
    if not isinstance(model, Model):
        model = Model(model)
    check_model(model)
    _check_month(asof)
    k = _reasons_count(model, reasons)
    bundle = model.to_bytes()
    key = f"{model._source or 'bytes'}:{hashlib.sha256(bundle).hexdigest()}"
    shipped = dask.delayed(bundle, pure=True)
    return dd.from_delayed([dask.delayed(_predict_part)(p, key, shipped, asof, k)
                            for p in signals.parts], meta=_predict_meta(k), verify_meta=False)


# ---- monitoring -------------------------------------------------------------

def _alerts_part(part: Partition, asof: str, previous: Optional[str], key: Optional[str],
                 bundle: Optional[bytes]) -> List[Dict[str, Any]]:
    from .monitor import monitor_evaluate
    model = _worker_model(key, bundle) if key is not None else None
    return monitor_evaluate(part.panel, asof, previous, model)


def alerts(signals: Signals, asof: str, previous: Optional[str] = None,
           model: Any = None) -> List[Dict[str, Any]]:
    """The month's alerts (as libscore.monitor_evaluate, default monitor
    configuration), evaluated per partition and merged in the order one
    panel gives: by USCC, an enterprise's alerts in the library's order.
    An alert concerns one enterprise, so partitions need nothing of each
    other. `model` (a Model or bundle path, optional) adds the score alerts."""
    _check_month(asof)
    if previous is not None:
        _check_month(previous)
    key = shipped = None
    if model is not None:
        if not isinstance(model, Model):
            model = Model(model)
        check_model(model)
        bundle = model.to_bytes()
        key = f"{model._source or 'bytes'}:{hashlib.sha256(bundle).hexdigest()}"
        shipped = dask.delayed(bundle, pure=True)
    parts = dask.compute(*[dask.delayed(_alerts_part)(p, asof, previous, key, shipped)
                           for p in signals.parts])
    merged = [a for part in parts for a in part]
    merged.sort(key=lambda a: a["uscc"])   # stable: each enterprise's own order kept
    return merged


# ---- output ----------------------------------------------------------------

def _cell(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return "" if v != v else "%.9g" % float(v)
    return str(v)


def _csv_text(frame: "pd.DataFrame") -> str:
    """A frame as `score` writes it: %.9g numbers, empty for missing."""
    lines = [",".join(frame.columns)]
    for row in frame.itertuples(index=False, name=None):
        lines.append(",".join(_cell(v) for v in row))
    return "\n".join(lines) + "\n"


def _replace_text(path: str, write) -> None:
    """Write `path` whole or not at all: a fresh temporary beside it (never a
    fixed name another writer could share or an attacker could plant), with
    the permissions a new file gets (0666 less the umask), renamed over it."""
    import tempfile
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write_part(frame: "pd.DataFrame", path: str) -> str:
    frame = frame.sort_values("uscc", kind="stable")
    _replace_text(path, lambda f: f.write(_csv_text(frame)))
    return path


def write_parts(frame: "dd.DataFrame", directory: str) -> List[str]:
    """Write each partition as DIRECTORY/part-NNNNN.csv (sorted by USCC,
    numbers as `score` writes them) on the workers; returns the paths.
    (CSV, not Parquet: Debian 12 has no python3-pyarrow; with pyarrow
    installed, frame.to_parquet(directory) works as well.)"""
    os.makedirs(directory, exist_ok=True)
    tasks = [dask.delayed(_write_part)(part, os.path.join(directory, f"part-{i:05d}.csv"))
             for i, part in enumerate(frame.to_delayed())]
    return list(dask.compute(*tasks))


def write_csv(frame: "dd.DataFrame", path: str) -> int:
    """One CSV in ascending USCC order, byte for byte what `score features` /
    `score predict` write: the partitions are written on the workers, then
    merged here (streaming). Returns the rows written."""
    import heapq
    import tempfile
    directory = tempfile.mkdtemp(prefix="libscore-dask-", dir=os.path.dirname(
        os.path.abspath(path)) or ".")
    try:
        parts = write_parts(frame, directory)
        files = [open(p, encoding="utf-8") for p in parts]
        try:
            headers = {f.readline() for f in files}
            header = headers.pop() if headers else ",".join(frame.columns) + "\n"
            n = 0

            def merge(out):
                nonlocal n
                out.write(header)
                for line in heapq.merge(*files, key=lambda s: s[:18]):
                    out.write(line)
                    n += 1
            _replace_text(path, merge)
        finally:
            for f in files:
                f.close()
        return n
    finally:
        for name in os.listdir(directory):
            os.unlink(os.path.join(directory, name))
        os.rmdir(directory)


# ---- a cluster ---------------------------------------------------------------

def connect(scheduler: Optional[str] = None, timeout: float = 10.0) -> Any:
    """A distributed Client: `scheduler` is an address (tcp://host:port),
    "local" or "local:N" (a LocalCluster of N single-threaded worker
    processes; None: "local"). An unreachable scheduler raises
    ConnectionError naming it within `timeout` seconds."""
    from distributed import Client, LocalCluster
    if scheduler is None or scheduler == "local" or scheduler.startswith("local:"):
        n = None
        if scheduler and scheduler != "local":
            n = _check.integer(int(scheduler[6:]) if scheduler[6:].isdigit() else -1,
                               "local workers", _check.INT, 1)
        cluster = LocalCluster(n_workers=n or min(os.cpu_count() or 1, 4), threads_per_worker=1,
                               dashboard_address=None)
        return Client(cluster)
    try:
        return Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as err:
        raise ConnectionError(f"cannot reach the Dask scheduler at {scheduler} within "
                              f"{timeout:g} s: {err}") from None
