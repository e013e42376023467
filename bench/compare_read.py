#!/usr/bin/python3
"""Reading a signals file: libscore (into a panel, then feature spec v1)
against pandas.read_csv of the same file, measured in the same run.

usage: compare_read.py BUILD_DIR [--enterprises N] [--months M] [--repeat R] [--file F]

Without --file it writes a sample with `score synth` (default 10,000
enterprises, 24 months) into a temporary folder. Each side runs in its own
process, so that peak memory (ru_maxrss) is its own; the best of R runs of
each is reported."""
import argparse
import gzip
import os
import resource
import subprocess
import sys
import tempfile
import time

PANDAS = r"""
import sys, time, resource
import pandas as pd
best = 1e300
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    frame = pd.read_csv(sys.argv[1], dtype={"uscc": str, "source": str, "field": str,
                                            "period": str, "value": str},
                        keep_default_na=False)
    best = min(best, time.perf_counter() - t)
print(f"rows={len(frame)}")
print(f"read_seconds={best:.4f}")
print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
"""


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return dict(line.split("=", 1) for line in out.split())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--enterprises", type=int, default=10000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--asof", default="2024-12")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--file")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = a.file
        if not path:
            subprocess.run([os.path.join(a.build, "score"), "synth", "--enterprises",
                            str(a.enterprises), "--months", str(a.months), "--asof", a.asof,
                            "--seed", "1", "--out", tmp], check=True, capture_output=True)
            path = os.path.join(tmp, "signals.csv.gz")
        with gzip.open(path, "rb") as f:
            plain_size = sum(len(chunk) for chunk in iter(lambda: f.read(1 << 20), b""))
        ours = run([os.path.join(a.build, "bench", "bench_read"), path, "--asof", a.asof,
                    "--repeat", str(a.repeat)])
        theirs = run([sys.executable, "-c", PANDAS, path, str(a.repeat)])
        gzip_size = os.path.getsize(path)
    lines = int(ours["lines"])
    r_ours, r_pd = float(ours["read_seconds"]), float(theirs["read_seconds"])
    f_ours = float(ours["features_seconds"])
    print(f"file: {os.path.basename(path)}, {gzip_size / 1e6:.1f} MB gzip, "
          f"{plain_size / 1e6:.1f} MB uncompressed, {lines:,} lines, "
          f"{int(ours['enterprises']):,} enterprises")
    print("| | seconds | lines/s | peak memory MB |")
    print("|---|---|---|---|")
    print(f"| pandas.read_csv | {r_pd:.3f} | {lines / r_pd:,.0f} | {float(theirs['peak_rss_mb']):.0f} |")
    print(f"| libscore read into a panel | {r_ours:.3f} | {lines / r_ours:,.0f} | {float(ours['peak_rss_mb']):.0f} |")
    print(f"| libscore feature spec v1 | {f_ours:.3f} | | |")
    print(f"| libscore read + features | {r_ours + f_ours:.3f} | | |")
    print(f"read: {r_pd / r_ours:.1f}x faster than pandas; read + features: "
          f"{r_pd / (r_ours + f_ours):.1f}x faster than pandas parsing alone; "
          f"features cost {100 * f_ours / r_ours:.0f}% of reading; "
          f"peak memory {float(ours['peak_rss_mb']) / (plain_size / 1e6) * 100:.0f}% of the "
          f"uncompressed file")


if __name__ == "__main__":
    main()
