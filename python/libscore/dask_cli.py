"""score-dask: `score features` and `score predict` on a Dask cluster.

    score-dask features --signals FILE [--signals FILE ...] --asof YYYY-MM --out FILE.csv
    score-dask predict  --model MODEL --signals FILE [...] --asof YYYY-MM --out FILE.csv
                        [--reasons N|none]
    common: [--scheduler ADDRESS|local[:N]] [--partitions P] [--timeout SECONDS]
            [--out-dir DIR] (one CSV a partition instead of one merged --out)

The output file holds the bytes `score` writes for the same input. Rejected
input lines are reported on stderr as `score check` does (file:line:column)
and the rest is written. Exit status as `score`: 0 done; 1 usage; 2 input
unusable (nothing written); 3 written, but some input lines were rejected.
"""
import sys
from typing import List, Optional

USAGE = __doc__.split("\n\n")[1]
EXIT_DONE, EXIT_USAGE, EXIT_UNUSABLE, EXIT_REJECTED = 0, 1, 2, 3


class _Usage(Exception):
    pass


def _parse(argv: List[str]) -> dict:
    if not argv or argv[0] in ("-h", "--help"):
        raise _Usage("")
    command, rest = argv[0], argv[1:]
    if command not in ("features", "predict"):
        raise _Usage(f"unknown command '{command}' (features, predict; training on a "
                     "cluster is not available yet: see docs/scale.md)")
    o = {"command": command, "signals": [], "scheduler": None, "partitions": None,
         "timeout": 10.0, "reasons": None, "asof": None, "out": None, "out_dir": None,
         "model": None}
    single = {"--asof": "asof", "--out": "out", "--out-dir": "out_dir", "--model": "model",
              "--scheduler": "scheduler", "--partitions": "partitions",
              "--timeout": "timeout", "--reasons": "reasons"}
    i = 0
    while i < len(rest):
        opt = rest[i]
        if opt in ("-h", "--help"):
            raise _Usage("")
        if opt != "--signals" and opt not in single:
            raise _Usage(f"unknown option '{opt}'")
        if i + 1 >= len(rest):
            raise _Usage(f"{opt} needs a value")
        value = rest[i + 1]
        if opt == "--signals":
            o["signals"].append(value)
        else:
            o[single[opt]] = value
        i += 2
    if not o["signals"] or not o["asof"] or not (o["out"] or o["out_dir"]):
        raise _Usage("--signals, --asof and --out (or --out-dir) are required")
    if command == "predict" and not o["model"]:
        raise _Usage("predict needs --model")
    if command == "features" and (o["model"] or o["reasons"]):
        raise _Usage("features takes no --model or --reasons")
    try:
        o["timeout"] = float(o["timeout"])
        if not o["timeout"] > 0:
            raise ValueError
    except ValueError:
        raise _Usage(f"--timeout takes seconds above 0, got '{o['timeout']}'") from None
    if o["partitions"] is not None:
        if not o["partitions"].isdigit() or int(o["partitions"]) < 1:
            raise _Usage(f"--partitions takes a number >= 1, got '{o['partitions']}'")
        o["partitions"] = int(o["partitions"])
    if o["reasons"] is not None and o["reasons"] != "none":
        if not o["reasons"].isdigit():
            raise _Usage(f"--reasons takes a number or 'none', got '{o['reasons']}'")
        o["reasons"] = int(o["reasons"])
    return o


def _report(name: str, check: dict) -> int:
    for error in check["errors"]:
        print(f"score-dask {name}: {error}", file=sys.stderr)
    for d in check["diagnostics"]:
        print(f"{d['file']}:{d['line']}:{d['column']}: {d['severity']}: {d['text']}",
              file=sys.stderr)
    c = check["counts"]
    print(f"score-dask {name}: {c['read']} lines read, {c['accepted']} accepted, "
          f"{c['replaced']} replaced, {c['skipped']} skipped, {c['rejected']} rejected",
          file=sys.stderr)
    return EXIT_REJECTED if c["rejected"] or check["errors"] else EXIT_DONE


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        o = _parse(argv)
    except _Usage as err:
        if str(err):
            print(f"score-dask: {err}", file=sys.stderr)
        print(USAGE, file=sys.stderr if str(err) else sys.stdout)
        return EXIT_USAGE if str(err) else EXIT_DONE
    from . import dask as sd
    from ._native import ScoreError
    from .model import Model
    name = o["command"]
    try:
        model = None
        if name == "predict":
            # refused before a cluster is even started, let alone work sent
            model = Model(o["model"])
            sd.check_model(model)
        sd._check_month(o["asof"])
    except (ScoreError, ValueError, TypeError, OSError) as err:
        print(f"score-dask {name}: {err}", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        client = sd.connect(o["scheduler"], timeout=o["timeout"])
    except (ConnectionError, ValueError) as err:
        print(f"score-dask {name}: {err}", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        signals = sd.read_signals(o["signals"], o["partitions"], client=client)
        check = signals.check()
        status = _report(name, check)
        if check["counts"]["accepted"] == 0 and check["errors"]:
            return EXIT_UNUSABLE
        frame = signals.features(o["asof"]) if name == "features" else \
            sd.predict(model, signals, o["asof"], reasons=o["reasons"])
        if o["out_dir"]:
            parts = sd.write_parts(frame, o["out_dir"])
            print(f"score-dask {name}: {len(parts)} partitions -> {o['out_dir']}",
                  file=sys.stderr)
        if o["out"]:
            n = sd.write_csv(frame, o["out"])
            print(f"score-dask {name}: {n} rows -> {o['out']}", file=sys.stderr)
        return status
    except (ScoreError, ValueError, OSError) as err:
        print(f"score-dask {name}: {err}", file=sys.stderr)
        return EXIT_UNUSABLE
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    sys.exit(main())
